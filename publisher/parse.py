"""Stage 2, model: Markdown body → :class:`~publisher.model.Document`.

CommonMark plus pipe tables and footnotes (markdown-it-py). Raw HTML is not
passed through: it is kept as text and reported. A chart is placed with an
image whose address is ``chart:ID`` standing alone in a paragraph.
"""

from __future__ import annotations

import re
from dataclasses import replace

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.footnote import footnote_plugin

from .errors import Diagnostics, Pos, PublisherError
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
    Strong,
    Table,
    TableCell,
    Text,
    ThematicBreak,
)
from .source import Source
from .typeset.normalize import normalized

CHART_SCHEME = "chart:"
_RAW_HTML = re.compile(r"<(?:!--|/?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)")


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
        for node in nodes:
            block = self.block(node)
            if block is not None:
                out.append(block)
        return out

    def block(self, node: SyntaxTreeNode) -> Block | None:
        kind = node.type
        if kind == "heading":
            level = int(node.tag[1])
            return Heading(level, self.inlines(node.children[0], node), self.pos(node))
        if kind == "paragraph":
            inline = node.children[0]
            kids = inline.children
            if len(kids) == 1 and kids[0].type == "image":
                src = str(kids[0].attrs.get("src", ""))
                if src.startswith(CHART_SCHEME):
                    chart_id = src[len(CHART_SCHEME) :].strip()
                    return Figure(chart_id, self.pos(node, src))
            return Paragraph(self.inlines(inline, node), self.pos(node))
        if kind in ("bullet_list", "ordered_list"):
            items = [self.blocks(item.children) for item in node.children]
            start = int(node.attrs.get("start", 1) or 1)
            return ListBlock(kind == "ordered_list", items, self.pos(node), start)
        if kind == "blockquote":
            return Quote(self.blocks(node.children), self.pos(node))
        if kind == "table":
            return self.table(node)
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

    def table(self, node: SyntaxTreeNode) -> Table:
        header: list[TableCell] = []
        rows: list[list[TableCell]] = []
        for part in node.children:
            for row in part.children:
                cells = []
                for cell in row.children:
                    style = str(cell.attrs.get("style", ""))
                    align = style.split(":", 1)[1] if style.startswith("text-align:") else None
                    content = self.inlines(cell.children[0], row) if cell.children else []
                    cells.append(TableCell(content, align))
                if part.type == "thead":
                    header = cells
                else:
                    rows.append(cells)
        return Table(header, rows, self.pos(node))

    def footnote(self, node: SyntaxTreeNode) -> None:
        label = str(node.meta.get("label", ""))
        content: list[Inline] = []
        for child in node.children:
            if child.type == "paragraph":
                if content:
                    content.append(LineBreak())
                content.extend(self.inlines(child.children[0], child))
        number = self.footnote_numbers.get(label, 0)
        marker = f"[^{label}]:"
        line = next((i for i, text in enumerate(self.lines) if text.lstrip().startswith(marker)), 0)
        pos = Pos(self.path, line + self.source.body_line, 1)
        self.footnotes[label] = Footnote(label, number, content, pos)

    def _warn_raw_html(self, text: str, block: SyntaxTreeNode) -> None:
        match = _RAW_HTML.search(text)
        if match:
            pos = self.pos(block, match[0])
            line = self.lines[pos.line - self.source.body_line] if pos.line >= self.source.body_line else ""
            if pos.col >= 2 and line[pos.col - 2 : pos.col - 1] == "\\":
                return  # escaped in the source (\<b>): the author meant the characters
            self.diagnostics.warn(
                "raw HTML is not allowed and is shown as text",
                pos,
                "write the content in Markdown; tags such as <script> are never run",
            )

    # --------------------------------------------------------------- inlines
    def inlines(self, inline: SyntaxTreeNode, block: SyntaxTreeNode) -> list[Inline]:
        return self._inline_children(inline.children, block)

    def _inline_children(self, nodes: list[SyntaxTreeNode], block: SyntaxTreeNode) -> list[Inline]:
        out: list[Inline] = []
        for node in nodes:
            kind = node.type
            if kind == "text":
                self._warn_raw_html(node.content, block)
                if out and isinstance(out[-1], Text):
                    out[-1] = Text(out[-1].text + node.content)
                else:
                    out.append(Text(node.content))
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
                out.append(Link(str(node.attrs.get("href", "")), self._inline_children(node.children, block)))
            elif kind == "image":
                src = str(node.attrs.get("src", ""))
                pos = self.pos(block, src)
                if src.startswith(CHART_SCHEME):
                    raise PublisherError(
                        "a chart must stand alone in its own paragraph",
                        pos,
                        "put a blank line before and after ![](chart:ID)",
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
    tree = SyntaxTreeNode(markdown_parser().parse(source.body))
    blocks = builder.blocks(tree.children)
    # Footnote numbers are known only after the text was read.
    footnotes = {}
    for label, note in builder.footnotes.items():
        number = builder.footnote_numbers.get(label, 0)
        if number == 0:
            diagnostics.warn(f"footnote [^{label}] is never referenced", note.pos)
        footnotes[label] = replace(note, number=number)
    blocks = _numbered(merge_run_in(blocks, source.meta.run_in_level))
    doc = Document(source.meta, blocks, source.root, footnotes)
    if source.meta.normalize and source.meta.lang.lower().startswith("zh"):
        doc = normalized(doc)
    return doc
