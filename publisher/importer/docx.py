"""Reading a Word document (``.docx``, also as saved by WPS) with python-docx.

Paragraph styles give the structure where the author used them: ``Title``,
``Subtitle``, ``Heading 1``… (or ``标题 1``, or any style with an outline
level), list styles. Word's automatic numbering is written out (``一、``,
``（一）``, ``第一章``) so that headings numbered by Word and headings numbered
by hand are found alike. Bold and italic runs, footnotes and endnotes, tables
and pictures (saved under ``source/images/``) come along.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import Pos, PublisherError
from .cleanup import clean_line
from .model import Dropped, Span, Unit

_HEADING_STYLE = re.compile(r"^(?:heading|标题|標題)\s*([1-9])$", re.IGNORECASE)
_LIST_STYLE = re.compile(r"^(?:list|列表)", re.IGNORECASE)
_TOC_STYLE = re.compile(r"^(?:toc|目录|目錄)\s*\d*$|^toc heading$", re.IGNORECASE)
_CHINESE_DIGITS = "〇一二三四五六七八九"
_IDEOGRAPH_CYCLE = "甲乙丙丁戊己庚辛壬癸"


@dataclass
class WordDocument:
    """What was read from a ``.docx``."""

    units: list[Unit]
    """Paragraphs, list items, tables and footnotes (``hint`` ``note``), in reading order."""
    images: dict[str, bytes] = field(default_factory=dict)
    """Pictures, by their path in the project (``source/images/image-1.png``); the text refers to them
    relative to ``source/`` (``images/image-1.png``)."""
    meta: dict[str, object] = field(default_factory=dict)
    """Document properties worth keeping: ``title``, ``subject``, ``keywords``."""
    dropped: list[Dropped] = field(default_factory=list)
    """Paragraphs left out (a table of contents: the PDF makes its own)."""


def _w(name: str) -> str:
    from docx.oxml.ns import qn

    return str(qn(name))


def _chinese_number(value: int) -> str:
    if value <= 0:
        return "〇"
    if value < 10:
        return _CHINESE_DIGITS[value]
    if value < 100:
        tens, ones = divmod(value, 10)
        return ("" if tens == 1 else _CHINESE_DIGITS[tens]) + "十" + (_CHINESE_DIGITS[ones] if ones else "")
    return "".join(_CHINESE_DIGITS[int(d)] for d in str(value))


def _roman(value: int) -> str:
    out = ""
    for number, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L")):
        while value >= number:
            out += letters
            value -= number
    for number, letters in ((40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while value >= number:
            out += letters
            value -= number
    return out


def list_number(value: int, fmt: str) -> str:
    """A list number in one of Word's number formats (``numFmt``)."""
    if fmt in ("chineseCounting", "chineseCountingThousand", "chineseLegalSimplified", "taiwaneseCounting"):
        return _chinese_number(value)
    if fmt == "ideographTraditional":
        return _IDEOGRAPH_CYCLE[(value - 1) % 10]
    if fmt == "decimalFullWidth" or fmt == "decimalFullWidth2":
        return str(value).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt == "decimalEnclosedCircle" or fmt == "decimalEnclosedCircleChinese":
        return chr(ord("①") + value - 1) if 1 <= value <= 20 else str(value)
    if fmt == "lowerLetter":
        return chr(ord("a") + (value - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (value - 1) % 26)
    if fmt == "lowerRoman":
        return _roman(value).lower()
    if fmt == "upperRoman":
        return _roman(value)
    if fmt == "decimalZero":
        return f"{value:02d}"
    if fmt in ("none", "bullet"):
        return ""
    return str(value)


@dataclass
class _Level:
    """One level of a Word numbering definition."""

    fmt: str
    """``numFmt``: ``decimal``, ``chineseCounting``, ``bullet``…"""
    text: str
    """``lvlText``: the number's pattern, e.g. ``%1、`` or ``（%1）``."""
    start: int
    """The first number."""


class _Numbering:
    """Word's automatic numbering: the text of each numbered paragraph's number."""

    def __init__(self, document: Any):
        self.levels: dict[tuple[str, int], _Level] = {}
        self.counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (NotImplementedError, KeyError, AttributeError):
            return
        abstract: dict[str, dict[int, _Level]] = {}
        for node in root.iter(_w("w:abstractNum")):
            levels: dict[int, _Level] = {}
            for lvl in node.iter(_w("w:lvl")):
                levels[int(lvl.get(_w("w:ilvl"), "0"))] = _Level(
                    _val(lvl, "w:numFmt") or "decimal", _val(lvl, "w:lvlText") or "", int(_val(lvl, "w:start") or 1)
                )
            abstract[node.get(_w("w:abstractNumId"), "")] = levels
        for num in root.iter(_w("w:num")):
            num_id = num.get(_w("w:numId"), "")
            for ilvl, level in abstract.get(_val(num, "w:abstractNumId") or "", {}).items():
                self.levels[(num_id, ilvl)] = level

    def level(self, num_id: str, ilvl: int) -> _Level | None:
        return self.levels.get((num_id, ilvl))

    def next_text(self, num_id: str, ilvl: int) -> str:
        """Count one more paragraph at ``ilvl`` and return its number as Word shows it."""
        level = self.levels.get((num_id, ilvl))
        if level is None or level.fmt in ("bullet", "none"):
            return ""
        counters = self.counters.setdefault(num_id, {})
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]

        def substitute(match: re.Match[str]) -> str:
            index = int(match.group(1)) - 1
            other = self.levels.get((num_id, index))
            value = counters.get(index, other.start if other else 1)
            return list_number(value, other.fmt if other else "decimal")

        return re.sub(r"%([1-9])", substitute, level.text)


def _val(node: Any, tag: str) -> str | None:
    child = node.find(_w(tag))
    return None if child is None else child.get(_w("w:val"))


def _style_chain(style: Any) -> list[Any]:
    chain: list[Any] = []
    while style is not None and len(chain) < 10:
        chain.append(style)
        style = style.base_style
    return chain


def _properties(paragraph: Any) -> list[Any]:
    """The paragraph properties (``pPr``) that apply: the paragraph's own, then its style's and their bases'."""
    candidates = [paragraph._p.pPr] + [s.element.pPr for s in _style_chain(paragraph.style)]
    return [ppr for ppr in candidates if ppr is not None]


def _num_pr(paragraph: Any) -> tuple[str, int] | None:
    """The numbering of a paragraph (``numId``, level), from the paragraph or its style."""
    for ppr in _properties(paragraph):
        num_pr = ppr.find(_w("w:numPr"))
        if num_pr is not None:
            num_id = _val(num_pr, "w:numId")
            if num_id is None or num_id == "0":
                return None
            return num_id, int(_val(num_pr, "w:ilvl") or 0)
    return None


def _page_break_before(paragraph: Any) -> bool:
    """``pageBreakBefore`` on the paragraph or its style."""
    for ppr in _properties(paragraph):
        node = ppr.find(_w("w:pageBreakBefore"))
        if node is not None:
            return node.get(_w("w:val"), "true") not in ("0", "false", "off")
    return False


def _ends_section(element: Any) -> bool:
    """A section break that starts the next section on a new page ends this paragraph."""
    ppr = element.find(_w("w:pPr"))
    sect = None if ppr is None else ppr.find(_w("w:sectPr"))
    if sect is None:
        return False
    kind = _val(sect, "w:type")
    return kind in (None, "nextPage", "oddPage", "evenPage")


def _outline_level(paragraph: Any) -> int | None:
    for ppr in _properties(paragraph):
        value = _val(ppr, "w:outlineLvl")
        if value is not None and value.isdigit() and int(value) < 9:
            return int(value) + 1
    return None


class _Reader:
    def __init__(self, document: Any, path: Path):
        self.document = document
        self.path = path
        self.numbering = _Numbering(document)
        self.images: dict[str, bytes] = {}
        self.image_names: dict[str, str] = {}
        self.note_labels: dict[tuple[str, str], str] = {}
        self.notes: list[tuple[str, str, str]] = []
        """(kind, id, label) of each note called, in order."""
        self.page_marks: list[str] = []
        """Manual page breaks in the paragraph being read: ``before`` or ``after`` its text."""
        self.break_pending = False
        """A page break ended the paragraph before: the next unit starts a page."""

    # ------------------------------------------------------------- inline
    def spans(self, element: Any, paragraph: Any) -> list[list[Span]]:
        """The runs of a paragraph as spans, split into lines at manual line breaks."""
        from docx.text.run import Run

        lines: list[list[Span]] = [[]]
        for r in element.iter(_w("w:r")):
            if _inside(r, element, {_w("w:del"), _w("w:txbxContent"), _w("w:moveFrom")}):
                continue
            run = Run(r, paragraph)
            bold = run.bold is True or _char_style(run) in ("Strong", "要点", "Intense Emphasis")
            italic = run.italic is True or _char_style(run) in ("Emphasis",)
            for child in r:
                tag = child.tag
                if tag == _w("w:t"):
                    lines[-1].append(Span(child.text or "", bold, italic))
                elif tag in (_w("w:tab"), _w("w:ptab")):
                    lines[-1].append(Span(" ", bold, italic))
                elif tag == _w("w:noBreakHyphen"):
                    lines[-1].append(Span("-", bold, italic))
                elif tag in (_w("w:br"), _w("w:cr")):
                    if child.get(_w("w:type")) == "page":
                        text_before = any(s.text.strip() or s.image for line in lines for s in line)
                        self.page_marks.append("after" if text_before else "before")
                    elif child.get(_w("w:type")) != "column":
                        lines.append([])
                elif tag == _w("w:sym"):
                    char = child.get(_w("w:char"), "")
                    if re.fullmatch(r"[0-9A-Fa-f]{4}", char) and not 0xE000 <= int(char, 16) <= 0xF8FF:
                        lines[-1].append(Span(chr(int(char, 16)), bold, italic))
                elif tag in (_w("w:footnoteReference"), _w("w:endnoteReference")):
                    kind = "footnote" if tag == _w("w:footnoteReference") else "endnote"
                    lines[-1].append(Span("", note=self.note_label(kind, child.get(_w("w:id"), ""))))
                elif tag in (_w("w:drawing"), _w("w:pict")) or tag.endswith("}AlternateContent"):
                    image = self.image(child)
                    if image is not None:
                        lines[-1].append(image)
        return [_clean(line) for line in lines]

    def note_label(self, kind: str, note_id: str) -> str:
        key = (kind, note_id)
        if key not in self.note_labels:
            label = str(len(self.note_labels) + 1)
            self.note_labels[key] = label
            self.notes.append((kind, note_id, label))
        return self.note_labels[key]

    def image(self, node: Any) -> Span | None:
        r_embed = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"
        r_id = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        rel = None
        for blip in node.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"):
            rel = blip.get(r_embed)
            break
        if rel is None:
            for data in node.iter("{urn:schemas-microsoft-com:vml}imagedata"):
                rel = data.get(r_id)
                break
        if rel is None:
            return None
        alt = ""
        for doc_pr in node.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr"):
            alt = doc_pr.get("descr") or doc_pr.get("title") or ""
            break
        if rel not in self.image_names:
            try:
                part = self.document.part.related_parts[rel]
            except KeyError:
                return None
            ext = str(part.partname).rsplit(".", 1)[-1].lower()
            if ext not in ("png", "jpg", "jpeg", "gif", "svg", "bmp", "webp"):
                return Span(f"[{alt or 'image'}: .{ext} not imported]")
            name = f"images/image-{len(self.image_names) + 1}.{ext}"
            self.image_names[rel] = name
            self.images[f"source/{name}"] = part.blob
        return Span(clean_line(alt), image=self.image_names[rel])

    # ------------------------------------------------------------- blocks
    def paragraph_units(self, element: Any, number: int) -> tuple[list[Unit], str]:
        """Units of one paragraph, and its style name."""
        from docx.text.paragraph import Paragraph

        paragraph = Paragraph(element, self.document)
        style = paragraph.style.name if paragraph.style is not None else ""
        self.page_marks = []
        lines = [line for line in self.spans(element, paragraph) if line]
        starts_page = self.break_pending or "before" in self.page_marks or _page_break_before(paragraph)
        self.break_pending = "after" in self.page_marks or _ends_section(element)
        if not lines:
            self.break_pending = self.break_pending or starts_page
            return [], style
        hint, level, ordered = "", 0, False
        heading = _HEADING_STYLE.match(style or "")
        num = _num_pr(paragraph)
        prefix = ""
        if style in ("Title", "标题", "標題"):
            hint = "title"
        elif style in ("Subtitle", "副标题", "副標題"):
            hint = "subtitle"
        elif heading or _outline_level(paragraph) is not None:
            hint, level = "heading", int(heading.group(1)) if heading else (_outline_level(paragraph) or 1)
        elif _LIST_STYLE.match(style or "") and (num is not None or "List" in style or "列表" in style):
            hint = "list"
            digits = re.search(r"(\d)$", style or "")
            level = num[1] if num else (int(digits.group(1)) - 1 if digits else 0)
            fmt = self.numbering.level(*num) if num else None
            ordered = fmt.fmt not in ("bullet", "none") if fmt else "Bullet" not in style
            if num:
                self.numbering.next_text(*num)
        elif num is not None:
            fmt = self.numbering.level(*num)
            if fmt is None or fmt.fmt in ("bullet", "none"):
                hint, level = "list", num[1]
            else:
                prefix = self.numbering.next_text(*num)
        if num is not None and hint in ("heading", "title", "subtitle"):
            prefix = self.numbering.next_text(*num)
        if prefix:
            lines[0].insert(0, Span(prefix))
        units = [Unit(line, number, hint, level, ordered) for line in lines]
        for extra in units[1:]:
            if extra.hint in ("title", "subtitle", "heading"):
                extra.hint = ""  # a manual line break inside a heading: the rest is its text
        if hint in ("title", "heading") and len(units) > 1:
            joined = [s for line in lines for s in [*line, Span(" ")]][:-1]
            units = [Unit(joined, number, hint, level, ordered)]
        units[0].page_break = starts_page
        return units, style

    def table_unit(self, element: Any, number: int) -> Unit:
        from docx.table import Table

        table = Table(element, self.document)
        rows: list[list[list[Span]]] = []
        above: list[Any] = []
        for row in table.rows:
            cells: list[list[Span]] = []
            seen: list[Any] = []
            for index, cell in enumerate(row.cells):
                tc = cell._tc
                if tc in seen or (index < len(above) and above[index] is tc):
                    cells.append([])
                    seen.append(tc)
                    continue
                seen.append(tc)
                spans: list[Span] = []
                for p in tc.iter(_w("w:p")):
                    from docx.text.paragraph import Paragraph

                    for line in self.spans(p, Paragraph(p, cell)):
                        if line:
                            if spans:
                                spans.append(Span(" "))
                            spans.extend(line)
                cells.append(spans)
            above = seen
            rows.append(cells)
        return Unit([Span(" ".join(_plain(c) for row in rows for c in row))], number, "table", rows=rows)

    def note_units(self) -> list[Unit]:
        """The text of every note called, as units with hint ``note`` (label in ``level``)."""
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from docx.oxml import parse_xml
        from docx.text.paragraph import Paragraph

        bodies: dict[tuple[str, str], Any] = {}
        for kind, reltype in (("footnote", RT.FOOTNOTES), ("endnote", RT.ENDNOTES)):
            for rel in self.document.part.rels.values():
                if rel.reltype == reltype and not rel.is_external:
                    root = parse_xml(rel.target_part.blob)
                    for note in root.iter(_w(f"w:{kind}")):
                        bodies[(kind, note.get(_w("w:id"), ""))] = note
        units: list[Unit] = []
        for kind, note_id, label in self.notes:
            note = bodies.get((kind, note_id))
            spans: list[Span] = []
            if note is not None:
                for p in note.iter(_w("w:p")):
                    for line in self.spans(p, Paragraph(p, self.document)):
                        if line:
                            if spans:
                                spans.append(Span(" "))
                            spans.extend(line)
            unit = Unit(_clean(spans) or [Span("（注释内容缺失）")], 0, "note", int(label))
            units.append(unit)
        return units


def _inside(node: Any, stop: Any, tags: set[str]) -> bool:
    parent = node.getparent()
    while parent is not None and parent is not stop:
        if parent.tag in tags:
            return True
        parent = parent.getparent()
    return False


def _char_style(run: Any) -> str:
    try:
        style = run.style
    except (KeyError, ValueError):  # pragma: no cover - a broken style reference
        return ""
    return str(style.name) if style is not None else ""


def _plain(spans: list[Span]) -> str:
    return "".join(s.text for s in spans)


def _clean(spans: list[Span]) -> list[Span]:
    """No-break spaces as spaces; the indent (spaces, U+3000) and trailing spaces go."""
    out = [Span(re.sub(r"[\u00a0\u2007\u202f]+", " ", s.text), s.bold, s.italic, s.note, s.image) for s in spans]
    while out and not out[0].note and not out[0].image and not clean_line(out[0].text):
        out.pop(0)
    while out and not out[-1].note and not out[-1].image and not clean_line(out[-1].text):
        out.pop()
    if out and not out[0].note and not out[0].image:
        first = out[0]
        out[0] = Span(first.text.lstrip(" \t\u3000\ufeff"), first.bold, first.italic)
    if out and not out[-1].note and not out[-1].image:
        last = out[-1]
        out[-1] = Span(last.text.rstrip(" \t\u3000"), last.bold, last.italic)
    return out


def _is_toc_field(p: Any) -> bool:
    """A paragraph of a TOC field (its entries link to ``_Toc`` bookmarks)."""
    return any(" TOC " in f" {node.text or ''} " for node in p.iter(_w("w:instrText"))) or any(
        (link.get(_w("w:anchor")) or "").startswith("_Toc") for link in p.iter(_w("w:hyperlink"))
    )


MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""What the parts of one Word document may unpack to: python-docx holds them all in memory (a 1 MB document
with a 1 GiB part of zeros took 2.1 GB). A report with its pictures is a few MiB."""


def check_unpacked(path: Path) -> None:
    """A user error when the parts of the Word document ``path`` unpack to more than :data:`MAX_UNPACKED_BYTES`.

    Read from the zip's directory before anything is inflated: :mod:`zipfile` never inflates a part past the
    size the directory gives it (and a part whose data does not match fails its CRC). A file that is not a zip
    is left to the caller to report."""
    try:
        with zipfile.ZipFile(path) as archive:
            total = sum(info.file_size for info in archive.infolist())
    except (OSError, zipfile.BadZipFile, ValueError):
        return
    if total > MAX_UNPACKED_BYTES:
        raise PublisherError(
            f"cannot read the Word document: its parts unpack to {total / 2**20:,.0f} MiB, more than "
            f"{MAX_UNPACKED_BYTES // 2**20} MiB",
            Pos(path),
            "a report's Word document is a few MiB: ask for it again, saved by Word or WPS, with its pictures "
            "compressed (Word: File > Compress Pictures)",
        )


def open_docx(path: Path) -> Any:
    """The python-docx document of ``path``; a user error when it is not a Word document or unpacks to more
    than :data:`MAX_UNPACKED_BYTES`."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    if not path.is_file():
        raise PublisherError(f"file not found: {path}", hint="check the name and the folder")
    check_unpacked(path)
    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        hint = "open it in Word or WPS and save it again as .docx (Word 2007 or later)"
        if path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
            hint = "this is an old .doc file: open it in Word or WPS and save it as .docx"
        raise PublisherError(f"cannot read the Word document: {exc}", Pos(path), hint) from None
    except zlib.error:
        raise PublisherError(
            "cannot read the Word document: a part of it is damaged (its compressed data does not unpack)",
            Pos(path),
            "open it in Word or WPS (they offer to repair it) and save it again as .docx",
        ) from None
    except etree.XMLSyntaxError as exc:
        amplified = "amplification" in str(exc) or "entit" in str(exc).lower()
        raise PublisherError(
            "cannot read the Word document: "
            + ("its XML expands entities without end (an entity bomb)" if amplified else f"its XML is damaged: {exc}"),
            Pos(path),
            "a Word document never declares entities: ask for the document again, saved by Word or WPS",
        ) from None


def read_docx(path: Path) -> WordDocument:
    """Read a ``.docx`` into units; a user error when it is not a Word document."""
    document = open_docx(path)
    reader = _Reader(document, path)
    units: list[Unit] = []
    dropped: list[Dropped] = []
    number = 0
    for element in document.element.body.iterchildren():
        tag = element.tag
        if tag == _w("w:p"):
            number += 1
            found, style = reader.paragraph_units(element, number)
            if found and _TOC_STYLE.match(style or ""):
                dropped.extend(
                    Dropped(number, u.text, "the table of contents, which the PDF makes itself") for u in found
                )
                continue
            units.extend(found)
        elif tag == _w("w:tbl"):
            number += 1
            units.append(reader.table_unit(element, number))
            units[-1].page_break, reader.break_pending = reader.break_pending, False
        elif tag == _w("w:sdt"):
            # A content control: Word puts its table of contents in one.
            content = element.find(_w("w:sdtContent"))
            for p in [] if content is None else content.iter(_w("w:p")):
                number += 1
                found, style = reader.paragraph_units(p, number)
                if found and (_TOC_STYLE.match(style or "") or _is_toc_field(p)):
                    dropped.extend(
                        Dropped(number, u.text, "the table of contents, which the PDF makes itself") for u in found
                    )
                else:
                    units.extend(found)
    units.extend(reader.note_units())
    props = document.core_properties
    meta: dict[str, object] = {}
    if props.title and props.title.strip():
        meta["title"] = props.title.strip()
    if props.subject and props.subject.strip():
        meta["subject"] = props.subject.strip()
    if props.keywords and props.keywords.strip():
        meta["keywords"] = [k.strip() for k in re.split(r"[,，、;；]", props.keywords) if k.strip()]
    return WordDocument(units, reader.images, meta, dropped)
