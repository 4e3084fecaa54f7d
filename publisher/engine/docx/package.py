"""The ``.docx`` package around the body: the parts python-docx starts from, and a reproducible zip.

The publisher writes its own starting package (python-docx's default
template brings Calibri, MS Mincho theme fonts and parts a report does not
need): content types, relationships, the styles, settings, font table,
numbering and footnotes made for this document, core properties, and a
custom XML part with the project's source (:data:`~publisher.word.PROJECT_NAMESPACE`).
"""

from __future__ import annotations

import base64
import io
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from ...data import VERSION
from ...word import PROJECT_NAMESPACE
from .xml import el

NAMESPACES = {
    "w": "http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "a": "http://schemas.openxmlformats.org/drawingml/2006/main",
    "pic": "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "mc": "http://schemas.openxmlformats.org/markup-compatibility/2006",
    "wps": "http://schemas.microsoft.com/office/word/2010/wordprocessingShape",
    "w14": "http://schemas.microsoft.com/office/word/2010/wordml",
    "wp14": "http://schemas.microsoft.com/office/word/2010/wordprocessingDrawing",
}
_XMLNS = " ".join(f'xmlns:{prefix}="{uri}"' for prefix, uri in NAMESPACES.items())
_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml"

SVG_BLIP = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"
SVG_BLIP_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
"""The ``a:ext`` URI under which Word 2016+ finds a picture's SVG (its PNG is the fallback)."""
SHAPE_GRAPHIC = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def _content_types() -> str:
    overrides = {
        "/word/document.xml": f"{_CT}.document.main+xml",
        "/word/styles.xml": f"{_CT}.styles+xml",
        "/word/settings.xml": f"{_CT}.settings+xml",
        "/word/fontTable.xml": f"{_CT}.fontTable+xml",
        "/word/numbering.xml": f"{_CT}.numbering+xml",
        "/word/footnotes.xml": f"{_CT}.footnotes+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
        "/customXml/itemProps1.xml": "application/vnd.openxmlformats-officedocument.customXmlProperties+xml",
    }
    items = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items())
    return (
        f'{_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Default Extension="png" ContentType="image/png"/>'
        f"{items}</Types>"
    )


def _rels(items: list[tuple[str, str]]) -> str:
    listed = "".join(
        f'<Relationship Id="rId{i}" Type="{kind}" Target="{target}"/>' for i, (kind, target) in enumerate(items, 1)
    )
    return f'{_DECLARATION}<Relationships xmlns="{_PKG_REL}">{listed}</Relationships>'


def settings_xml(compress_punctuation: bool, east_asian: str, even_and_odd: bool) -> bytes:
    """``settings.xml``: update fields on opening (the table of contents, numbers), the punctuation,
    the footnote separators, Word 2013+ layout."""
    parts = [
        '<w:zoom w:percent="100"/>',
        '<w:defaultTabStop w:val="420"/>',
        "<w:evenAndOddHeaders/>" if even_and_odd else "",
        '<w:characterSpacingControl w:val="{}"/>'.format(
            "compressPunctuation" if compress_punctuation else "doNotCompress"
        ),
        '<w:updateFields w:val="true"/>',
        '<w:footnotePr><w:footnote w:id="-1"/><w:footnote w:id="0"/></w:footnotePr>',
        '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word"'
        ' w:val="15"/></w:compat>',
        f'<w:themeFontLang w:val="en-US" w:eastAsia="{east_asian}"/>',
        '<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>',
    ]
    return f"{_DECLARATION}<w:settings {_XMLNS}>{''.join(parts)}</w:settings>".encode()


def numbering_xml(indent_twips: int) -> bytes:
    """``numbering.xml``: bullets (abstract 0, ``w:num`` 1) and decimal numbers (abstract 1, ``w:num`` 2)."""

    def levels(number: bool) -> str:
        out = []
        for level in range(3):
            left = indent_twips * (level + 1)
            if number:
                fmt, text = "decimal", f"%{level + 1}."
            else:
                fmt, text = "bullet", "•◦▪"[level]
            out.append(
                f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
                f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/>'
                f'<w:pPr><w:ind w:left="{left}" w:hanging="{indent_twips}"/></w:pPr></w:lvl>'
            )
        return "".join(out)

    return (
        f"{_DECLARATION}<w:numbering {_XMLNS}>"
        f'<w:abstractNum w:abstractNumId="0"><w:multiLevelType w:val="hybridMultilevel"/>{levels(False)}'
        "</w:abstractNum>"
        f'<w:abstractNum w:abstractNumId="1"><w:multiLevelType w:val="hybridMultilevel"/>{levels(True)}'
        "</w:abstractNum>"
        '<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
        '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        "</w:numbering>"
    ).encode()


def footnotes_xml(notes: list[Any]) -> bytes:
    """``footnotes.xml``: the two separators Word expects, then the notes (``w:footnote`` elements)."""
    from lxml import etree

    root = el("w:footnotes")
    for kind, number in (("separator", -1), ("continuationSeparator", 0)):
        mark = el("w:separator") if kind == "separator" else el("w:continuationSeparator")
        root.append(
            el(
                "w:footnote",
                {"w:type": kind, "w:id": number},
                el(
                    "w:p",
                    {},
                    el("w:pPr", {}, el("w:spacing", {"w:after": 0, "w:line": 240, "w:lineRule": "auto"})),
                    el("w:r", {}, mark),
                ),
            )
        )
    for note in notes:
        root.append(note)
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
    return data


def project_xml(root: Path, files: list[Any], meta: dict[str, str]) -> bytes:
    """The custom XML part: the project's files (text as text, anything else in base64)."""
    from ...editions.archive import read_project_file

    entries = []
    for rel in files:
        data = read_project_file(root, rel)
        try:
            content = escape(data.decode("utf-8"))
            encoding = ""
        except UnicodeDecodeError:
            content = base64.b64encode(data).decode("ascii")
            encoding = ' encoding="base64"'
        entries.append(f"<file path={quoteattr(str(rel))}{encoding}>{content}</file>")
    attrs = "".join(f" {key}={quoteattr(value)}" for key, value in meta.items())
    return f'{_DECLARATION}<project xmlns="{PROJECT_NAMESPACE}"{attrs}>{"".join(entries)}</project>'.encode()


def template(styles: bytes, settings: bytes, fonts: bytes, numbering: bytes, project: bytes, lang: str) -> bytes:
    """The package a document starts from: everything but the body (and its pictures, headers, notes)."""
    document = f'{_DECLARATION}<w:document {_XMLNS} mc:Ignorable="w14 wp14"><w:body><w:sectPr/></w:body></w:document>'
    core = (
        f"{_DECLARATION}<cp:coreProperties "
        'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:language>{escape(lang)}</dc:language></cp:coreProperties>"
    )
    app = (
        f"{_DECLARATION}<Properties "
        'xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
        f"<Application>publisher {escape(VERSION)}</Application></Properties>"
    )
    item_props = (
        f'{_DECLARATION}<ds:datastoreItem ds:itemID="{{6F2A7E1C-3B54-4C8E-9D1A-5E0B7C2D4F61}}" '
        'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml">'
        f'<ds:schemaRefs><ds:schemaRef ds:uri="{PROJECT_NAMESPACE}"/></ds:schemaRefs></ds:datastoreItem>'
    )
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": _content_types(),
        "_rels/.rels": _rels(
            [
                (f"{_REL}/officeDocument", "word/document.xml"),
                (
                    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                    "docProps/core.xml",
                ),
                (f"{_REL}/extended-properties", "docProps/app.xml"),
            ]
        ),
        "word/document.xml": document,
        "word/_rels/document.xml.rels": _rels(
            [
                (f"{_REL}/styles", "styles.xml"),
                (f"{_REL}/settings", "settings.xml"),
                (f"{_REL}/fontTable", "fontTable.xml"),
                (f"{_REL}/numbering", "numbering.xml"),
                (f"{_REL}/footnotes", "footnotes.xml"),
                (f"{_REL}/customXml", "../customXml/item1.xml"),
            ]
        ),
        "word/styles.xml": styles,
        "word/settings.xml": settings,
        "word/fontTable.xml": fonts,
        "word/numbering.xml": numbering,
        "word/footnotes.xml": footnotes_xml([]),
        "customXml/item1.xml": project,
        "customXml/itemProps1.xml": item_props,
        "customXml/_rels/item1.xml.rels": _rels([(f"{_REL}/customXmlProps", "itemProps1.xml")]),
        "docProps/core.xml": core,
        "docProps/app.xml": app,
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(zipfile.ZipInfo(name, ZIP_EPOCH), data)
    return buffer.getvalue()


def reproducible(data: bytes, date: datetime | None) -> bytes:
    """The same zip with every entry dated ``date`` (or 1980-01-01), so the same source gives the same bytes."""
    stamp = date.timetuple()[:6] if date is not None and date.year >= 1980 else ZIP_EPOCH
    source = zipfile.ZipFile(io.BytesIO(data))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o100644 << 16
            entry.create_system = 3
            archive.writestr(entry, source.read(info.filename), compresslevel=9)
    return buffer.getvalue()
