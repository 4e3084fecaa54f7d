"""Reading back a Word document the publisher wrote (the ``docx`` edition), after a colleague edited it.

Such a document says what it is: the styles of the Word edition
(:mod:`publisher.word`) mark every block, its pictures and chart tables are
named ``chart:ID``, and a custom XML part carries the project it was made
from (:func:`project_part`). :func:`read_exported` turns its text back into
blocks of the publisher's document model — the same nodes the Markdown
source is parsed into — so an edited document can be compared with the
source block by block (:mod:`.update`).
"""

from __future__ import annotations

import base64
import re
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from .. import model, word
from ..errors import Pos, PublisherError
from ..parse import merge_run_in
from .docx import check_unpacked, open_docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
_PROJECT = f"{{{word.PROJECT_NAMESPACE}}}"
MAX_PROJECT_BYTES = 64 * 1024 * 1024
"""Refuse a project part that unpacks to more than this (a document is untrusted input)."""

_FRONT = set(word.FRONT_MATTER_STYLES) | {word.COVER_YEAR, word.COVER_TEXT, "Closing Text", word.TOC_HEADING}
_SKIPPED = {word.CAPTION, "KPI Caption", word.FIGURE_NOTE, word.UNIT, word.HEADER, word.FOOTER}


@dataclass
class Project:
    """The project part of an exported document: the files it was made from."""

    files: dict[str, bytes]
    """Project files by their path (``source/report.md``, ``source/charts/a.yaml`` …)."""
    attrs: dict[str, str]
    """What made it: ``publisher`` (version), ``name``, ``theme``, ``edition``."""


@dataclass
class Exported:
    """What an exported (and perhaps edited) Word document says."""

    path: Path
    project: Project | None
    """The project it was made from, when the part survived the editing (Word and WPS keep it)."""
    blocks: list[model.Block]
    footnotes: dict[str, model.Footnote]
    """The notes, by label (the source's labels where the document kept them)."""
    front: dict[str, str] = field(default_factory=dict)
    """Front matter fields the document shows (``title`` …), as they read now."""
    captions: dict[str, str] = field(default_factory=dict)
    """The caption text after ``图 N`` of each chart, by chart id."""
    images: dict[str, bytes] = field(default_factory=dict)
    """Pictures added in Word, by the path they get in the project (``source/images/word-1.png``)."""


def project_part(path: Path) -> Project | None:
    """The project a document the publisher wrote carries, or ``None`` (another document, or the part was lost)."""
    from lxml import etree

    check_unpacked(path)
    try:
        with zipfile.ZipFile(path) as archive:
            names = [n for n in archive.namelist() if re.fullmatch(r"customXml/item\d+\.xml", n)]
            for name in names:
                data = archive.read(name)
                if word.PROJECT_NAMESPACE.encode() not in data[:400]:
                    continue
                root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, huge_tree=False))
                return _project(root, path)
    except (OSError, zipfile.BadZipFile, KeyError, etree.XMLSyntaxError):
        return None
    return None


def _project(root: Any, path: Path) -> Project:
    files: dict[str, bytes] = {}
    total = 0
    for entry in root.iter(f"{_PROJECT}file"):
        name = entry.get("path", "")
        rel = PurePosixPath(name)
        if (
            not name
            or rel.is_absolute()
            or ".." in rel.parts
            or rel.parts[0] not in ("source", "styles", "publisher.toml")
        ):
            raise PublisherError(
                f"the document's project part names a file outside a project: '{name}'",
                Pos(path),
                "import a document the publisher wrote, or save it as a new .docx",
            )
        text = entry.text or ""
        data = base64.b64decode(text) if entry.get("encoding") == "base64" else text.encode("utf-8")
        total += len(data)
        if total > MAX_PROJECT_BYTES:
            raise PublisherError("the document's project part is too large", Pos(path))
        files[str(rel)] = data
    attrs = {str(k): str(v) for k, v in root.attrib.items()}
    return Project(files, attrs)


def is_exported(path: Path) -> bool:
    """Whether ``path`` is a Word document the publisher wrote (with its project part)."""
    return path.suffix.lower() == ".docx" and project_part(path) is not None


# ------------------------------------------------------------------ reading the text


class _Reader:
    def __init__(
        self,
        document: Any,
        path: Path,
        run_in_level: int,
        labels: dict[str, str],
        figures: dict[str, str],
        tables: dict[str, str] | None = None,
        table_keys: dict[str, str] | None = None,
    ):
        self.document = document
        self.part = document.part
        self.story = self.part
        """The part whose relationships the links being read use (the document's, or the notes')."""
        self.path = path
        self.run_in_level = run_in_level
        self.labels = labels
        """Sanitised bookmark key → the source's footnote label."""
        self.figures = figures
        self.tables = tables or {}
        """The table spec of each numbered table (``""`` for a pipe table), by number."""
        self.table_spec = ""
        self.table_keys = table_keys or {}
        """The id of each numbered table, by number (what a ``REF`` to its caption was written as)."""
        """Figure number in the source → its chart id (captions keep their number in a bookmark)."""
        styles = document.styles.element
        self.style_names = {
            str(s.get(f"{_W}styleId")): str(s.find(f"{_W}name").get(f"{_W}val"))
            for s in styles.iter(f"{_W}style")
            if s.find(f"{_W}name") is not None
        }
        self.starts = _list_starts(document)
        self.footnote_labels: dict[str, str] = {}
        """Word's footnote id → label."""
        self.front: dict[str, str] = {}
        self.captions: dict[str, str] = {}
        self.images: dict[str, bytes] = {}
        self.image_names: dict[str, str] = {}
        self.paragraph = 0
        self.last_chart = ""
        self.table_caption = ""
        """The caption (``表 N`` taken off) of the table that follows, read from its caption paragraph."""
        self.table_unit = ""

    def style(self, p: Any) -> str:
        found = p.find(f"{_W}pPr/{_W}pStyle")
        name = self.style_names.get(str(found.get(f"{_W}val")), "") if found is not None else word.NORMAL
        return _ui_name(name)

    def pos(self) -> Pos:
        return Pos(self.path, self.paragraph, 1)

    # ----------------------------------------------------------- blocks
    def blocks(self) -> list[model.Block]:
        out: list[Any] = []
        body = self.document.element.body
        for element in _flatten(body):
            if element.tag == f"{_W}tbl":
                self.paragraph += 1
                out.append(self.table(element))
                continue
            self.paragraph += 1
            style = self.style(element)
            text = _text(element)
            if style in _FRONT or style.startswith("TOC ") or element.find(f"{_W}pPr/{_W}sectPr") is not None:
                field_name = word.FRONT_MATTER_STYLES.get(style)
                if field_name and text.strip():
                    self.front.setdefault(field_name, text.strip())
                continue
            if style in (word.CAPTION, "KPI Caption"):
                self._caption(element)
                continue
            if style == word.UNIT:
                self.table_unit = text.strip().split("：", 1)[-1].split(": ", 1)[-1]
                continue
            if style == word.FIGURE_NOTE and out and isinstance(out[-1], model.Table) and out[-1].caption:
                out[-1] = replace(out[-1], notes=[*out[-1].notes, self.inlines(element)])
                continue
            if style in _SKIPPED:
                continue
            level = word.heading_level(style)
            if level:
                vanish = element.find(f"{_W}pPr/{_W}rPr/{_W}specVanish") is not None
                out.append(model.Heading(level, self.inlines(element), self.pos(), run_in=vanish))
            elif style in word.LIST_BULLET or style in word.LIST_NUMBER or style in word.LIST_CONTINUE:
                out.append(self._list_item(element, style))
            elif style == word.QUOTE:
                out.append(model.Quote([model.Paragraph(self.inlines(element), self.pos())], self.pos()))
            elif style == word.RULE:
                out.append(model.ThematicBreak(self.pos()))
            else:
                chart = _chart_of(element)
                if chart:
                    self.last_chart = chart
                    out.append(model.Figure(chart, self.pos()))
                    continue
                content = self.inlines(element)
                if content:
                    out.append(model.Paragraph(content, self.pos()))
        return merge_run_in(_group(out), self.run_in_level)

    def _caption(self, p: Any) -> None:
        """The text after ``图 N`` (the ``SEQ`` field) of a caption."""
        after = False
        parts: list[str] = []
        depth = 0
        for node in p.iter(f"{_W}fldChar", f"{_W}t"):
            if node.tag == f"{_W}fldChar":
                kind = node.get(f"{_W}fldCharType")
                depth += 1 if kind == "begin" else -1 if kind == "end" else 0
                if kind == "end" and depth == 0:
                    after = True
            elif after:
                parts.append(node.text or "")
        text = "".join(parts).strip("\u3000 ")
        for start in p.iter(f"{_W}bookmarkStart"):
            name = str(start.get(f"{_W}name", ""))
            if name.startswith(word.BOOKMARK_PREFIX + "tbl_"):
                self.table_caption = text
                self.table_spec = self.tables.get(name.removeprefix(word.BOOKMARK_PREFIX + "tbl_"), "")
                return
        chart = self._caption_chart(p) or self.last_chart
        if chart:
            self.captions[chart] = text

    def _caption_chart(self, p: Any) -> str:
        """The chart of a caption, by the bookmark on its number (``_pub_fig_N``): LibreOffice keeps bookmarks."""
        for start in p.iter(f"{_W}bookmarkStart"):
            name = str(start.get(f"{_W}name", ""))
            if name.startswith(word.BOOKMARK_PREFIX + "fig_"):
                return self.figures.get(name.removeprefix(word.BOOKMARK_PREFIX + "fig_"), "")
        return ""

    def _list_item(self, p: Any, style: str) -> _Item:
        depth = int(style[-1]) - 1 if style[-1].isdigit() else 0
        content = model.Paragraph(self.inlines(p), self.pos())
        ordered = style in word.LIST_NUMBER
        continued = style in word.LIST_CONTINUE
        num = p.find(f"{_W}pPr/{_W}numPr/{_W}numId")
        number = str(num.get(f"{_W}val")) if num is not None else ""
        return _Item(content, depth, ordered, continued, self.starts.get(number, 1), number, self.pos())

    def table(self, tbl: Any) -> model.Block:
        caption, unit, spec = self.table_caption, self.table_unit, self.table_spec
        self.table_caption = self.table_unit = self.table_spec = ""
        name = _table_name(tbl)
        if name.startswith(word.TABLE_PREFIX):
            spec = name.removeprefix(word.TABLE_PREFIX)
        if spec in self.figures.values():  # a `type: table` chart spec, placed as ![](chart:ID)
            self.last_chart = spec
            return model.Figure(spec, self.pos())
        if spec:  # the table of a spec (named so, or by its caption's number: LibreOffice drops the name)
            return model.Table([], [], self.pos(), spec=spec)
        chart = _table_chart(tbl)
        previous = tbl.getprevious()
        while not chart and previous is not None and previous.tag == f"{_W}p":
            style = self.style(previous)
            if style in (word.CAPTION, "KPI Caption"):
                above = previous.getprevious()
                if above is None or not _chart_of(above):  # not the caption under a picture
                    chart = self._caption_chart(previous)
                break
            if style not in (word.UNIT,):
                break
            previous = previous.getprevious()
        if chart:
            self.last_chart = chart
            return model.Figure(chart, self.pos())
        grid: list[list[model.TableCell]] = []
        heads = 0
        starts: dict[int, tuple[int, int]] = {}
        """By column: the row and index in it of the cell a vertical merge continues."""
        trs = tbl.findall(f"{_W}tr")
        for tr in trs:
            cells: list[model.TableCell] = []
            column = 0
            for tc in tr.findall(f"{_W}tc"):
                span_el = tc.find(f"{_W}tcPr/{_W}gridSpan")
                span = int(span_el.get(f"{_W}val", "1")) if span_el is not None else 1
                merge = tc.find(f"{_W}tcPr/{_W}vMerge")
                if merge is not None and merge.get(f"{_W}val") != "restart" and column in starts:
                    r, i = starts[column]
                    grid[r][i] = replace(grid[r][i], rowspan=grid[r][i].rowspan + 1)
                    column += span
                    continue
                content: list[model.Inline] = []
                align = None
                for p in tc.findall(f"{_W}p"):
                    if content:
                        content.append(model.Text(" "))
                    content.extend(self.inlines(p))
                    jc = p.find(f"{_W}pPr/{_W}jc")
                    if jc is not None and align is None:
                        align = {"center": "center", "right": "right", "end": "right", "left": "left"}.get(
                            str(jc.get(f"{_W}val"))
                        )
                starts[column] = (len(grid), len(cells))
                cells.append(model.TableCell(content, align, colspan=span))
                column += span
            grid.append(cells)
            if tr.find(f"{_W}trPr/{_W}tblHeader") is not None and heads == len(grid) - 1:
                heads += 1
        if not heads and len(grid) > 1:
            heads = 1
        header, rows = grid[:heads], [_unbolded_total(row) for row in grid[heads:]]
        if header and rows:  # a pipe table says its columns' alignment once: under the header
            aligns = [cell.align for cell in rows[0]]
            last = [
                model.TableCell(cell.content, aligns[i] if i < len(aligns) else cell.align, cell.colspan, cell.rowspan)
                for i, cell in enumerate(header[-1])
            ]
            header = [*header[:-1], last]
        key = name.removeprefix("#") if name.startswith("#") else ""
        table = model.Table(header, rows, self.pos(), key=key, unit=unit)
        return replace(table, caption=[model.Text(caption)]) if caption else table

    # ----------------------------------------------------------- inline
    def inlines(self, p: Any) -> list[model.Inline]:
        pieces: list[tuple[str, Any, frozenset[str], str]] = []
        """(kind, value, formatting, link) in order."""
        self._collect(p, pieces, "", [0, "", []])
        return _nodes(pieces)

    def _collect(self, node: Any, out: list[Any], link: str, field_state: list[Any]) -> None:
        for child in node:
            tag = child.tag
            if tag == f"{_W}r":
                self._run(child, out, link, field_state)
            elif tag == f"{_W}hyperlink":
                anchor = child.get(f"{_W}anchor")
                rel = child.get(f"{_R}id")
                target = link
                if anchor:
                    target = (
                        "#" + anchor.removeprefix(word.BOOKMARK_PREFIX + "h_")
                        if anchor.startswith(word.BOOKMARK_PREFIX + "h_")
                        else "#" + anchor
                    )
                elif rel and rel in self.story.rels:
                    target = str(self.story.rels[rel].target_ref)
                self._collect(child, out, target, field_state)
            elif tag in (f"{_W}ins", f"{_W}smartTag", f"{_W}customXml", f"{_W}fldSimple"):
                if tag == f"{_W}fldSimple":
                    self._field(str(child.get(f"{_W}instr", "")), child, out, link)
                else:
                    self._collect(child, out, link, field_state)
            elif tag == f"{_W}sdt":
                content = child.find(f"{_W}sdtContent")
                if content is not None:
                    self._collect(content, out, link, field_state)

    def _run(self, r: Any, out: list[Any], link: str, state: list[Any]) -> None:
        """One run; ``state``: [field depth, instruction, result pieces] of a complex field being read."""
        formatting = self._formatting(r)
        for child in r:
            tag = child.tag
            if tag == f"{_W}fldChar":
                kind = child.get(f"{_W}fldCharType")
                if kind == "begin":
                    state[0] += 1
                    if state[0] == 1:
                        state[1], state[2] = "", []
                elif kind == "end":
                    state[0] -= 1
                    if state[0] == 0:
                        self._field_result(state[1], state[2], out, link)
                continue
            if state[0] and tag == f"{_W}instrText":
                state[1] += child.text or ""
                continue
            target = state[2] if state[0] else out
            if tag == f"{_W}t":
                target.append(("text", child.text or "", formatting, link))
            elif tag in (f"{_W}tab", f"{_W}ptab"):
                target.append(("text", " ", formatting, link))
            elif tag in (f"{_W}br", f"{_W}cr") and child.get(f"{_W}type") not in ("page", "column"):
                target.append(("break", "", formatting, link))
            elif tag == f"{_W}noBreakHyphen":
                target.append(("text", "-", formatting, link))
            elif tag == f"{_W}footnoteReference":
                target.append(("note", self._note_label(r, str(child.get(f"{_W}id"))), formatting, link))
            elif tag == f"{_W}drawing" or tag.endswith("}AlternateContent"):
                image = self._image(child)
                if image is not None:
                    target.append(("image", image, formatting, link))

    def _field(self, instruction: str, node: Any, out: list[Any], link: str) -> None:
        pieces: list[Any] = []
        self._collect(node, pieces, link, [0, "", []])
        self._field_result(instruction, pieces, out, link)

    def _field_result(self, instruction: str, result: list[Any], out: list[Any], link: str) -> None:
        words = instruction.split()
        if len(words) >= 2 and words[0].upper() == "REF" and "MERGEFORMAT" in instruction.upper():
            # a cross-reference [@id] to a figure or a table
            kind, _, number = words[1].removeprefix(word.BOOKMARK_PREFIX).partition("_")
            key = (self.figures if kind == "fig" else self.table_keys if kind == "tbl" else {}).get(number, "")
            if key:
                out.append(("ref", key, frozenset(), ""))
                return
        if len(words) >= 2 and words[0].upper() == "REF" and words[1].startswith(word.BOOKMARK_PREFIX + "fig_"):
            number = words[1].removeprefix(word.BOOKMARK_PREFIX + "fig_")
            out.extend((kind, value, formatting, f"#fig-{number}") for kind, value, formatting, _ in result)
        elif len(words) >= 2 and words[0].upper() == "NOTEREF":
            key = words[1].removeprefix(word.BOOKMARK_PREFIX + "fn_")
            out.append(("note", self.labels.get(key, key), frozenset(), link))
        else:
            out.extend(result)

    def _formatting(self, r: Any) -> frozenset[str]:
        found: set[str] = set()
        rpr = r.find(f"{_W}rPr")
        if rpr is None:
            return frozenset()
        style = rpr.find(f"{_W}rStyle")
        name = _ui_name(self.style_names.get(str(style.get(f"{_W}val")), "")) if style is not None else ""
        if name in (word.STRONG, "Intense Emphasis") or _on(rpr.find(f"{_W}b")):
            found.add("strong")
        if name == word.EMPHASIS or _on(rpr.find(f"{_W}i")):
            found.add("emph")
        if name == word.CODE:
            found.add("code")
        return frozenset(found)

    def _note_label(self, r: Any, note_id: str) -> str:
        if note_id in self.footnote_labels:
            return self.footnote_labels[note_id]
        previous = r.getprevious()
        label = ""
        while previous is not None and previous.tag == f"{_W}bookmarkStart":
            name = str(previous.get(f"{_W}name", ""))
            if name.startswith(word.BOOKMARK_PREFIX + "fn_"):
                key = name.removeprefix(word.BOOKMARK_PREFIX + "fn_")
                label = self.labels.get(key, key)
                break
            previous = previous.getprevious()
        self.footnote_labels[note_id] = label or f"word-{note_id}"
        return self.footnote_labels[note_id]

    def _image(self, node: Any) -> model.Image | None:
        doc_pr = next(node.iter(f"{_WP}docPr"), None)
        blip = next(node.iter(f"{_A}blip"), None)
        if doc_pr is None or blip is None:
            return None
        name = str(doc_pr.get("name", ""))
        alt = str(doc_pr.get("descr", "") or "")
        if name.startswith(word.FIGURE_PREFIX):
            return None
        rel = str(blip.get(f"{_R}embed", ""))
        if re.fullmatch(r"[\w./-]+\.(png|jpe?g|gif|bmp|webp)", name, re.IGNORECASE) and ".." not in name:
            return model.Image(name, alt, self.pos())
        if rel not in self.image_names:
            try:
                part = self.part.related_parts[rel]
            except KeyError:
                return None
            ext = str(part.partname).rsplit(".", 1)[-1].lower()
            src = f"images/word-{len(self.image_names) + 1}.{ext}"
            self.image_names[rel] = src
            self.images[f"source/{src}"] = part.blob
        return model.Image(self.image_names[rel], alt, self.pos())

    # ----------------------------------------------------------- notes
    def footnotes(self) -> dict[str, model.Footnote]:
        from docx.opc.constants import RELATIONSHIP_TYPE as RT
        from lxml import etree

        bodies: dict[str, Any] = {}
        for rel in self.part.rels.values():
            if rel.reltype == RT.FOOTNOTES and not rel.is_external:
                self.story = rel.target_part
                root = etree.fromstring(rel.target_part.blob)
                for note in root.iter(f"{_W}footnote"):
                    bodies[str(note.get(f"{_W}id"))] = note
        found: dict[str, model.Footnote] = {}
        for number, (note_id, label) in enumerate(self.footnote_labels.items(), start=1):
            note = bodies.get(note_id)
            content: list[model.Inline] = []
            for p in [] if note is None else note.findall(f"{_W}p"):
                if content:
                    content.append(model.LineBreak())
                content.extend(self.inlines(p))
            if content and isinstance(content[0], model.Text):
                content[0] = model.Text(content[0].text.lstrip(" "))
            found[label] = model.Footnote(label, number, [n for n in content if not _empty(n)], self.pos())
        return found


@dataclass(frozen=True)
class _Item:
    """A list paragraph before the lists are put together."""

    paragraph: model.Paragraph
    depth: int
    ordered: bool
    continued: bool
    start: int
    number: str
    """Word's list (``w:numId``): a new one starts a new list."""
    pos: Pos


def _group(blocks: list[Any]) -> list[model.Block]:
    """Consecutive list paragraphs as (nested) lists, consecutive quote paragraphs as one quote."""
    out: list[model.Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        if isinstance(block, _Item):
            j = i + 1
            while j < len(blocks) and isinstance(blocks[j], _Item) and not _new_list(block, blocks[j]):
                j += 1
            out.append(_list(blocks[i:j], 0))
            i = j
        elif isinstance(block, model.Quote):
            children: list[model.Block] = []
            while i < len(blocks) and isinstance(blocks[i], model.Quote):
                children.extend(blocks[i].children)
                i += 1
            out.append(model.Quote(children, block.pos))
        else:
            out.append(block)
            i += 1
    return out


def _new_list(first: _Item, item: _Item) -> bool:
    """Whether ``item`` starts a list of its own after the list begun by ``first``."""
    if item.depth or item.continued:
        return False
    return item.ordered != first.ordered or bool(item.number and first.number and item.number != first.number)


def _list(items: list[_Item], depth: int) -> model.ListBlock:
    first = items[0]
    entries: list[list[model.Block]] = []
    i = 0
    while i < len(items):
        item = items[i]
        if item.depth > depth:
            j = i
            while j < len(items) and items[j].depth > depth:
                j += 1
            nested = _list(items[i:j], depth + 1)
            if entries:
                entries[-1].append(nested)
            else:
                entries.append([nested])
            i = j
            continue
        if item.continued and entries:
            entries[-1].append(item.paragraph)
        else:
            entries.append([item.paragraph])
        i += 1
    return model.ListBlock(first.ordered, entries, first.pos, first.start if first.ordered else 1)


def _nodes(pieces: list[tuple[str, Any, frozenset[str], str]]) -> list[model.Inline]:
    """Runs as inline nodes: neighbours with the same formatting merged, strong and emphasis around text."""
    out: list[model.Inline] = []
    i = 0
    while i < len(pieces):
        kind, value, formatting, link = pieces[i]
        if link:
            j = i
            while j < len(pieces) and pieces[j][3] == link:
                j += 1
            inner = _nodes([(k, v, f, "") for k, v, f, _ in pieces[i:j]])
            out.append(model.Link(link, inner))
            i = j
            continue
        if kind == "text":
            j = i
            text = ""
            while j < len(pieces) and pieces[j][0] == "text" and pieces[j][2] == formatting and not pieces[j][3]:
                text += pieces[j][1]
                j += 1
            i = j
            if not text:
                continue
            node: model.Inline
            if "code" in formatting:
                node = model.Code(text)
            else:
                node = model.Text(text)
                if "emph" in formatting:
                    node = model.Emph([node])
                if "strong" in formatting:
                    node = model.Strong([node])
            out.append(node)
            continue
        if kind == "break":
            out.append(model.LineBreak())
        elif kind == "note":
            out.append(model.FootnoteRef(value, 0))
        elif kind == "ref":
            out.append(model.Ref(value, Pos(Path(""))))
        elif kind == "image":
            out.append(value)
        i += 1
    while out and isinstance(out[-1], model.LineBreak):
        out.pop()
    return out


def _empty(node: model.Inline) -> bool:
    return isinstance(node, model.Text) and not node.text


def _on(element: Any) -> bool:
    return element is not None and element.get(f"{_W}val") not in ("0", "false", "off")


def _text(p: Any) -> str:
    return "".join(t.text or "" for t in p.iter(f"{_W}t"))


def _ui_name(name: str) -> str:
    """A style's name as the publisher writes it (``heading 1`` → ``Heading 1``, ``toc 2`` → ``TOC 2``)."""
    if re.fullmatch(r"heading \d", name):
        return name.capitalize()
    if re.fullmatch(r"toc \d", name):
        return name.upper()
    return {"caption": word.CAPTION, "header": word.HEADER, "footer": word.FOOTER}.get(name, name)


def _chart_of(p: Any) -> str:
    """The chart a paragraph's picture shows (``chart:ID`` as the picture's name), or ``""``."""
    for doc_pr in p.iter(f"{_WP}docPr"):
        name = str(doc_pr.get("name", ""))
        if name.startswith(word.FIGURE_PREFIX):
            return name.removeprefix(word.FIGURE_PREFIX)
    return ""


def _unbolded_total(row: list[model.TableCell]) -> list[model.TableCell]:
    """A totals row as written: the Word edition sets it in bold, the source does not say so."""
    from ..tables.cells import is_total

    if not row or not is_total(model.plain_text(row[0].content)):
        return row
    if not all(len(c.content) <= 1 and all(isinstance(n, model.Strong) for n in c.content) for c in row):
        return row
    return [replace(c, content=[n for s in c.content if isinstance(s, model.Strong) for n in s.children]) for c in row]


def _table_name(tbl: Any) -> str:
    caption = tbl.find(f"{_W}tblPr/{_W}tblCaption")
    return str(caption.get(f"{_W}val", "")) if caption is not None else ""


def _table_chart(tbl: Any) -> str:
    name = _table_name(tbl)
    return name.removeprefix(word.FIGURE_PREFIX) if name.startswith(word.FIGURE_PREFIX) else ""


def _flatten(body: Any) -> list[Any]:
    """The body's paragraphs and tables in order; content controls opened (Word puts its contents in one)."""
    out: list[Any] = []
    for child in body:
        if child.tag in (f"{_W}p", f"{_W}tbl"):
            out.append(child)
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                out.extend(_flatten(content))
    return out


def _list_starts(document: Any) -> dict[str, int]:
    """The first number of each numbered list (``w:num`` → its start override)."""
    starts: dict[str, int] = {}
    try:
        numbering = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return starts
    for num in numbering.iter(f"{_W}num"):
        override = num.find(f"{_W}lvlOverride/{_W}startOverride")
        if override is not None:
            starts[str(num.get(f"{_W}numId"))] = int(override.get(f"{_W}val", "1"))
    return starts


def read_exported(
    path: Path,
    run_in_level: int = 3,
    labels: list[str] | None = None,
    charts: list[str] | None = None,
    tables: list[str] | None = None,
    table_keys: list[str] | None = None,
    titled: list[str] | None = None,
) -> Exported:
    """The blocks, notes and front matter fields of a Word document the publisher wrote.

    ``run_in_level``: the source's run-in heading level; ``labels``: its footnote labels (the document keeps
    them in bookmark names); ``charts``: the chart ids of its figures in order (a caption keeps its number);
    ``tables``: the spec id of each numbered table in order, ``""`` for a pipe table; ``titled``: the chart ids
    of the KPI pages in order (their captions have no number, and a bookmark ``fig_pN``).
    """
    document = open_docx(path)
    keys = {re.sub(r"[^0-9A-Za-z_]", "_", label): label for label in labels or []}
    figures = {str(number): chart for number, chart in enumerate(charts or [], start=1)}
    figures |= {f"p{number}": chart for number, chart in enumerate(titled or [], start=1)}
    numbered = {str(number): spec for number, spec in enumerate(tables or [], start=1)}
    ids = {str(number): key for number, key in enumerate(table_keys or [], start=1)}
    reader = _Reader(document, path, run_in_level, keys, figures, numbered, ids)
    blocks = reader.blocks()
    notes = reader.footnotes()
    return Exported(
        path,
        project_part(path),
        blocks,
        notes,
        reader.front,
        reader.captions,
        reader.images,
    )
