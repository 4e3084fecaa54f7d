"""Stage 2, model: Markdown body → :class:`~publisher.model.Document`.

CommonMark plus pipe tables and footnotes (markdown-it-py). Raw HTML is not
passed through: it is kept as text and reported. A chart or a table spec is
placed with an image whose address is ``chart:ID`` (or ``table:ID``) standing
alone in a paragraph.

What the publisher adds to Markdown (docs/source-format.md, docs/tables.md):

- attributes at the end of a heading, ``# 标题 {#id .appendix}``: an id for
  cross-references, and the start of an appendix;
- a caption paragraph ``: 标题 {#id unit=万元}`` right before or after a pipe
  table, which makes it a numbered table (``表 N``), and note paragraphs
  (``注：…``, ``资料来源：…``) right after it;
- ``<`` and ``^`` cells, merged into the cell to the left and above;
- cross-references ``[@id]``, resolved by :mod:`publisher.numbering`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Diagnostics, Pos, PublisherError, did_you_mean
from .i18n import labels
from .limits import check_lines, check_tokens
from .model import (
    Block,
    Code,
    Document,
    Emph,
    Figure,
    Footnote,
    FootnoteRef,
    Heading,
    Image,
    Inline,
    LineBreak,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Ref,
    Strong,
    Table,
    Text,
    ThematicBreak,
)
from .numbering import with_refs
from .resources import LINK_HINT, link_allowed
from .source import Source
from .tables import finished
from .tables.cells import Place, is_total, place, spanned
from .typeset.normalize import normalized

CHART_SCHEME = "chart:"
TABLE_SCHEME = "table:"
_RAW_HTML = re.compile(r"<(?:!--|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)")
_ATTRIBUTES = re.compile(r"\s*\{([^{}]*)\}\s*$")
_ATTRIBUTE = re.compile(r"""#([^\s{}]+)|\.([\w-]+)|([\w-]+)=(?:"([^"]*)"|'([^']*)'|(\S+))|([\w-]+)|(\S+)""")
_NOTE_DEFINITION = re.compile(r"\s*\[\^([^\]\s]+)\]:")
CAPTION_MARK = ": "
"""A paragraph starting with this right before or after a pipe table is its caption."""
NOTE_LEADS = ("注：", "注:", "注", "资料来源：", "资料来源:", "数据来源：", "数据来源:", "来源：", "说明：",
              "說明：", "資料來源：", "數據來源：", "Note:", "Notes:", "Source:", "Sources:")  # fmt: skip
"""Paragraphs right after a captioned table that start with one of these are its notes."""
HEADING_ATTRIBUTES = {"id", "appendix"}
TABLE_ATTRIBUTES = {"id", "unit", "header", "landscape", "portrait", "compact"}


@dataclass(frozen=True)
class Attributes:
    """``{#id .class key=value flag}`` at the end of a heading or a caption."""

    id: str = ""
    classes: tuple[str, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    """``key=value`` pairs and bare flags (a flag's value is ``""``)."""

    def names(self) -> set[str]:
        return {*({"id"} if self.id else set()), *self.classes, *self.values}


def split_attributes(text: str, pos: Pos, allowed: set[str]) -> tuple[str, Attributes]:
    """``text`` without the ``{…}`` at its end, and what that said (an unknown name is an error)."""
    match = _ATTRIBUTES.search(text)
    if match is None:
        return text, Attributes()
    found = Attributes()
    values: dict[str, str] = {}
    classes: list[str] = []
    ident = ""
    for part in _ATTRIBUTE.finditer(match[1]):
        if part[1]:
            ident = part[1]
        elif part[2]:
            classes.append(part[2])
        elif part[3]:
            values[part[3]] = next(v for v in (part[4], part[5], part[6]) if v is not None)
        elif part[7]:
            values[part[7]] = ""
        else:
            raise PublisherError(
                f"cannot read '{part[8]}' in {{{match[1]}}}",
                pos,
                "write {#id}, {.appendix} or {key=value}",
            )
    found = Attributes(ident, tuple(classes), values)
    for name in sorted(found.names()):
        if name not in allowed:
            raise PublisherError(f"unknown attribute '{name}'", pos, did_you_mean(name, allowed))
    return text[: match.start()], found


def markdown_parser() -> MarkdownIt:
    """The Markdown dialect of report sources."""
    return MarkdownIt("commonmark", {"html": False}).enable("table").use(footnote_plugin)


class _Builder:
    def __init__(self, source: Source, diagnostics: Diagnostics):
        self.source = source
        self.path = source.main.path
        self.lines = source.body.split("\n")
        self.diagnostics = diagnostics
        self.footnote_numbers: dict[str, int] = {}
        self.footnotes: dict[str, Footnote] = {}
        self.words = labels(source.meta.lang)
        self.appendices: list[Heading] = []
        self._note_lines_index: dict[str, int] | None = None

    def pos(self, node: SyntaxTreeNode, needle: str | None = None) -> Pos:
        """Position of a block node (its first line), at ``needle`` if given."""
        line = node.map[0] if node.map else 0
        col = 1
        if needle and 0 <= line < len(self.lines):
            found = self.lines[line].find(needle)
            if found >= 0:
                col = found + 1
        return Pos(self.path, line + self.source.body_line, col)

    # ---------------------------------------------------------------- blocks
    def blocks(self, nodes: list[SyntaxTreeNode]) -> list[Block]:
        out: list[Block] = []
        taken: set[int] = set()
        for index, node in enumerate(nodes):
            if index in taken:
                continue
            if node.type == "table":
                table, used = self.captioned_table(nodes, index, taken)
                taken |= used
                out.append(table)
                continue
            if self.is_caption(node):
                nxt = nodes[index + 1] if index + 1 < len(nodes) else None
                if nxt is not None and nxt.type == "table":
                    continue  # the caption of the table that follows
                if not (index > 0 and nodes[index - 1].type == "table"):
                    self.diagnostics.warn(
                        "a caption (a paragraph starting with ': ') with no table before or after it",
                        self.pos(node),
                        "put it right before or after its table, with one blank line between",
                    )
            block = self.block(node)
            if block is not None:
                out.append(block)
        return out

    def source_line(self, node: SyntaxTreeNode) -> str:
        return self.lines[node.map[0]] if node.map and node.map[0] < len(self.lines) else ""

    def is_caption(self, node: SyntaxTreeNode | None) -> bool:
        return node is not None and node.type == "paragraph" and self.source_line(node).startswith(CAPTION_MARK)

    def captioned_table(self, nodes: list[SyntaxTreeNode], index: int, taken: set[int]) -> tuple[Table, set[int]]:
        """The table at ``nodes[index]`` with its caption (the paragraph before or after) and notes."""
        before = nodes[index - 1] if index > 0 and index - 1 not in taken else None
        after = nodes[index + 1] if index + 1 < len(nodes) else None
        used: set[int] = set()
        caption_node = None
        following = nodes[index + 2] if index + 2 < len(nodes) else None
        if self.is_caption(before):
            caption_node, used = before, {index - 1}
        elif self.is_caption(after) and not (following is not None and following.type == "table"):
            # a caption under the table, unless it is the caption of the next table
            caption_node, used = after, {index + 1}
        if caption_node is None:
            return self.table(nodes[index], Attributes()), used
        assert caption_node is not None
        pos = self.pos(caption_node)
        caption = self.inlines(caption_node.children[0], caption_node)
        caption, attributes = self._caption_attributes(caption, pos)
        table = self.table(nodes[index], attributes)
        notes: list[list[Inline]] = []
        at = max(index, *used) + 1
        while at < len(nodes) and nodes[at].type == "paragraph" and self.source_line(nodes[at]).startswith(NOTE_LEADS):
            notes.extend(self._note_lines(nodes[at]))
            used.add(at)
            at += 1
        last = max(n.map[1] for n in [nodes[index], *(nodes[i] for i in used)] if n.map)
        first = min(n.map[0] for n in [nodes[index], *(nodes[i] for i in used)] if n.map)
        table = replace(
            table,
            caption=caption,
            key=attributes.id,
            unit=attributes.values.get("unit", ""),
            notes=[*notes, *table.notes],
            landscape="landscape" in attributes.values,
            portrait="portrait" in attributes.values,
            compact="compact" in attributes.values,
            lines=(first + self.source.body_line, last - 1 + self.source.body_line),
        )
        return table, used

    def _caption_attributes(self, caption: list[Inline], pos: Pos) -> tuple[list[Inline], Attributes]:
        """The caption without its leading ``: `` and trailing ``{…}``, and the attributes."""
        attributes = Attributes()
        if caption and isinstance(caption[-1], Text):
            text, attributes = split_attributes(caption[-1].text, pos, TABLE_ATTRIBUTES)
            caption = [*caption[:-1], Text(text.rstrip())] if text.strip() else caption[:-1]
        if caption and isinstance(caption[0], Text):
            caption = [Text(caption[0].text[len(CAPTION_MARK.strip()) :].lstrip()), *caption[1:]]
        return [n for n in caption if not (isinstance(n, Text) and not n.text)], attributes

    def _note_lines(self, node: SyntaxTreeNode) -> list[list[Inline]]:
        """A note paragraph, one note a line (``注：…`` and ``资料来源：…`` may be written one under the other)."""
        lines: list[list[SyntaxTreeNode]] = [[]]
        for child in node.children[0].children:
            if child.type in ("softbreak", "hardbreak"):
                lines.append([])
            else:
                lines[-1].append(child)
        return [self._inline_children(line, node) for line in lines if line]

    def block(self, node: SyntaxTreeNode) -> Block | None:
        kind = node.type
        if kind == "heading":
            return self.heading(node)
        if kind == "paragraph":
            inline = node.children[0]
            kids = inline.children
            if len(kids) == 1 and kids[0].type == "image":
                src = str(kids[0].attrs.get("src", ""))
                if src.startswith(CHART_SCHEME):
                    return Figure(src[len(CHART_SCHEME) :].strip(), self.pos(node, src))
                if src.startswith(TABLE_SCHEME):
                    # the table its spec declares takes its place (publisher.tables.place)
                    return Table([], [], self.pos(node, src), spec=src[len(TABLE_SCHEME) :].strip())
            return Paragraph(self.inlines(inline, node), self.pos(node))
        if kind in ("bullet_list", "ordered_list"):
            items = [self.blocks(item.children) for item in node.children]
            start = int(node.attrs.get("start", 1) or 1)
            return ListBlock(kind == "ordered_list", items, self.pos(node), start)
        if kind == "blockquote":
            return Quote(self.blocks(node.children), self.pos(node))
        if kind == "table":
            return self.table(node, Attributes())
        if kind == "hr":
            return ThematicBreak(self.pos(node))
        if kind in ("code_block", "fence"):
            text = node.content.rstrip("\n")
            return Paragraph([Code(text)], self.pos(node))
        if kind == "footnote_block":
            for footnote in node.children:
                self.footnote(footnote)
            return None
        self.diagnostics.warn(f"unsupported Markdown construct '{kind}' ignored", self.pos(node))
        return None

    def heading(self, node: SyntaxTreeNode) -> Heading:
        level = int(node.tag[1])
        pos = self.pos(node)
        content = self.inlines(node.children[0], node)
        attributes = Attributes()
        if content and isinstance(content[-1], Text):
            text, attributes = split_attributes(content[-1].text, pos, HEADING_ATTRIBUTES)
            content = [*content[:-1], Text(text.rstrip())] if text.strip() else content[:-1]
        heading = Heading(level, content, pos, key=attributes.id)
        if "appendix" in attributes.classes:
            if level != 1:
                raise PublisherError("an appendix starts with a level-1 heading", pos, "write `# 标题 {.appendix}`")
            heading = replace(heading, appendix=str(len(self.appendices) + 1))
            self.appendices.append(heading)
        elif self.appendices and level == 1:
            raise PublisherError(
                "a part after an appendix",
                pos,
                "appendices come last: move this part before the first `{.appendix}` heading, or make it one",
            )
        return heading

    def table(self, node: SyntaxTreeNode, attributes: Attributes) -> Table:
        """A pipe table: its first ``header`` rows (default 1, the row above the ``---`` line) are the header."""
        grid: list[list[Place]] = []
        head = 0
        for part in node.children:
            for row in part.children:
                places = []
                for cell in row.children:
                    style = str(cell.attrs.get("style", ""))
                    align = style.split(":", 1)[1] if style.startswith("text-align:") else None
                    content = self.inlines(cell.children[0], row) if cell.children else []
                    places.append(place(content, align, None))
                grid.append(places)
                head += part.type == "thead"
        pos = self.pos(node)
        header_rows = attributes.values.get("header", "")
        if header_rows:
            if not header_rows.isdigit() or not 1 <= int(header_rows) <= len(grid):
                raise PublisherError(f"header={header_rows}: expected a number of rows from 1 to {len(grid)}", pos)
            head = int(header_rows)
        rows = spanned(grid, pos)
        body = rows[head:]
        totals = frozenset(i for i, row in enumerate(body) if row and is_total(_plain(row[0].content)))
        return finished(Table(rows[:head], body, pos, totals=totals), self.source.meta.lang)

    def footnote(self, node: SyntaxTreeNode) -> None:
        label = str(node.meta.get("label", ""))
        content: list[Inline] = []
        for child in node.children:
            if child.type == "paragraph":
                if content:
                    content.append(LineBreak())
                content.extend(self.inlines(child.children[0], child))
        number = self.footnote_numbers.get(label, 0)
        pos = Pos(self.path, self._note_line(label) + self.source.body_line, 1)
        self.footnotes[label] = Footnote(label, number, content, pos)

    def _note_line(self, label: str) -> int:
        """The line where ``[^label]:`` is defined (its first definition), from one scan of the body."""
        if self._note_lines_index is None:
            self._note_lines_index = {}
            for index, text in enumerate(self.lines):
                match = _NOTE_DEFINITION.match(text)
                if match:
                    self._note_lines_index.setdefault(match[1], index)
        return self._note_lines_index.get(label, 0)

    def _link_pos(self, block: SyntaxTreeNode, href: str) -> Pos:
        """Where the address of a link is written (its block's line when it is not found as parsed)."""
        found = self.pos(block, f"]({href}")
        return found.shifted(col=found.col + 2) if found.col > 1 else found

    def _warn_raw_html(self, text: str, block: SyntaxTreeNode) -> None:
        match = _RAW_HTML.search(text)
        if match:
            first, last = block.map if block.map else (0, len(self.lines))
            if match[0] not in "\n".join(self.lines[first:last]):
                return  # not in the source as it reads: written escaped (\<b\>, a parameter's value)
            pos = self.pos(block, match[0])
            line = self.lines[pos.line - self.source.body_line] if pos.line >= self.source.body_line else ""
            if pos.col >= 2 and line[pos.col - 2 : pos.col - 1] == "\\":
                return  # escaped in the source (\<b>): the author meant the characters
            self.diagnostics.warn(
                "raw HTML is not allowed and is shown as text",
                pos,
                "write the content in Markdown; tags such as <script> are never run",
            )

    def _with_refs(self, text: str, block: SyntaxTreeNode) -> list[Inline]:
        """``text`` with each ``[@id]`` made a :class:`Ref` (resolved later, by numbering)."""
        if "[@" not in text:
            return [Text(text)]
        out: list[Inline] = []
        for node in with_refs(text, self.pos(block)):
            out.append(replace(node, pos=self.find(block, f"[@{node.key}]")) if isinstance(node, Ref) else node)
        return out

    def find(self, block: SyntaxTreeNode, needle: str) -> Pos:
        """The position of ``needle`` on any line of ``block`` (its first line if it is on none)."""
        first, last = block.map if block.map else (0, 1)
        for line in range(first, min(last, len(self.lines))):
            found = self.lines[line].find(needle)
            if found >= 0:
                return Pos(self.path, line + self.source.body_line, found + 1)
        return self.pos(block)

    # --------------------------------------------------------------- inlines
    def inlines(self, inline: SyntaxTreeNode, block: SyntaxTreeNode) -> list[Inline]:
        return self._inline_children(inline.children, block)

    def _inline_children(self, nodes: list[SyntaxTreeNode], block: SyntaxTreeNode) -> list[Inline]:
        out: list[Inline] = []
        for node in nodes:
            kind = node.type
            if kind == "text":
                self._warn_raw_html(node.content, block)
                for piece in self._with_refs(node.content, block):
                    if isinstance(piece, Text) and out and isinstance(out[-1], Text):
                        out[-1] = Text(out[-1].text + piece.text)
                    else:
                        out.append(piece)
            elif kind == "softbreak":
                # A line break inside a Chinese paragraph is not a space.
                out.append(Text(""))
            elif kind == "hardbreak":
                out.append(LineBreak())
            elif kind == "strong":
                out.append(Strong(self._inline_children(node.children, block)))
            elif kind == "em":
                out.append(Emph(self._inline_children(node.children, block)))
            elif kind == "code_inline":
                out.append(Code(node.content))
            elif kind == "link":
                href = str(node.attrs.get("href", ""))
                children = self._inline_children(node.children, block)
                if link_allowed(href):
                    out.append(Link(href, children))
                else:
                    self.diagnostics.warn(
                        f"link to '{href}' is printed as text: a PDF's link must not open a file or a program",
                        self._link_pos(block, href),
                        LINK_HINT,
                    )
                    out.extend(children)
            elif kind == "image":
                src = str(node.attrs.get("src", ""))
                pos = self.pos(block, src)
                if src.startswith((CHART_SCHEME, TABLE_SCHEME)):
                    scheme = src.split(":", 1)[0]
                    raise PublisherError(
                        f"a {scheme} must stand alone in its own paragraph",
                        pos,
                        f"put a blank line before and after ![]({scheme}:ID)",
                    )
                alt = "".join(c.content for c in node.children if c.type == "text")
                out.append(Image(src, alt, pos))
            elif kind == "footnote_ref":
                label = str(node.meta.get("label", ""))
                number = self.footnote_numbers.setdefault(label, len(self.footnote_numbers) + 1)
                out.append(FootnoteRef(label, number))
            else:  # raw HTML never gets here: the parser runs with html=False and keeps it as text
                out.append(Text(node.content))
        return [n for n in out if not (isinstance(n, Text) and not n.text)]


def _plain(nodes: list[Inline]) -> str:
    return "".join(n.text for n in nodes if isinstance(n, Text))


def merge_run_in(blocks: list[Block], level: int) -> list[Block]:
    """Attach each run-in heading of ``level`` to the paragraph that follows it."""
    if level <= 0:
        return blocks
    merged: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if isinstance(block, Heading) and block.level == level and isinstance(nxt, Paragraph):
            merged.append(replace(nxt, lead=replace(block, run_in=True)))
            i += 2
            continue
        merged.append(block)
        i += 1
    return merged


def _numbered(blocks: list[Block]) -> list[Block]:
    """Blocks with anchors for the headings (``h1``, ``h2`` …) and numbers for the figures, in reading order."""
    headings = figures = 0
    out: list[Block] = []
    for block in blocks:
        if isinstance(block, Heading):
            headings += 1
            block = replace(block, id=f"h{headings}")
        elif isinstance(block, Paragraph) and block.lead is not None:
            headings += 1
            block = replace(block, lead=replace(block.lead, id=f"h{headings}"))
        elif isinstance(block, Figure):
            figures += 1
            block = replace(block, number=figures)
        out.append(block)
    return out


def build_model(source: Source, diagnostics: Diagnostics) -> Document:
    """Parse the body of ``source`` into a document with numbered headings and figures."""
    builder = _Builder(source, diagnostics)
    check_lines(source.body, source.main.path, source.body_line)
    tokens = markdown_parser().parse(source.body)
    check_tokens(tokens, source.main.path, source.body_line)
    tree = SyntaxTreeNode(tokens)
    blocks = builder.blocks(tree.children)
    # Footnote numbers are known only after the text was read.
    footnotes = {}
    for label, note in builder.footnotes.items():
        number = builder.footnote_numbers.get(label, 0)
        if number == 0:
            diagnostics.warn(f"footnote [^{label}] is never referenced", note.pos)
        footnotes[label] = replace(note, number=number)
    blocks = _numbered(merge_run_in(blocks, source.meta.run_in_level))
    if builder.appendices:
        word = builder.words["appendix"]
        single = len(builder.appendices) == 1
        blocks = [
            replace(b, appendix=word if single else f"{word}{b.appendix}")
            if isinstance(b, Heading) and b.appendix
            else b
            for b in blocks
        ]
    doc = Document(source.meta, blocks, source.root, footnotes)
    if source.meta.normalize and source.meta.lang.lower().startswith("zh"):
        doc = normalized(doc)
    return doc
