"""The document model: what every theme and edition is built from.

Each node keeps the :class:`~publisher.errors.Pos` it came from. The model
knows nothing about HTML or PDF. Nodes are frozen: a stage that changes the
text (normalisation) makes a new document (:func:`map_text`); the charts drawn
for the figures and the files the images point to live beside the model, in
the stages' own values.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from .errors import Pos

# ----------------------------------------------------------------- inline nodes


@dataclass(frozen=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True)
class Strong:
    """Strong emphasis (``**…**``)."""

    children: list[Inline]


@dataclass(frozen=True)
class Emph:
    """Emphasis (``*…*``)."""

    children: list[Inline]


@dataclass(frozen=True)
class Code:
    """Inline code."""

    text: str


@dataclass(frozen=True)
class Link:
    """A hyperlink."""

    href: str
    children: list[Inline]


@dataclass(frozen=True)
class Image:
    """An inline image from the project."""

    src: str
    alt: str
    pos: Pos


@dataclass(frozen=True)
class FootnoteRef:
    """A footnote call; the note's content is in :attr:`Document.footnotes`."""

    label: str
    number: int


@dataclass(frozen=True)
class LineBreak:
    """A hard line break."""


Inline = Text | Strong | Emph | Code | Link | Image | FootnoteRef | LineBreak


def plain_text(inlines: list[Inline]) -> str:
    """The text of inline nodes without markup."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, Strong | Emph | Link):
            out.append(plain_text(node.children))
        elif isinstance(node, Image):
            out.append(node.alt)
    return "".join(out)


# ------------------------------------------------------------------ block nodes


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is a part, 2 a chapter, 3 a section…"""

    level: int
    content: list[Inline]
    pos: Pos
    id: str = ""
    """Anchor used by the TOC, bookmarks and cross-references."""
    run_in: bool = False
    """Set inside the following paragraph (Chinese ``（一）xxx。`` headings)."""

    @property
    def text(self) -> str:
        return plain_text(self.content)

    @property
    def short_text(self) -> str:
        """The heading up to its first comma: what a running header shows."""
        text = self.text
        for i, char in enumerate(text):
            if char in "，,：:" and i >= 4:
                return text[:i]
        return text


@dataclass(frozen=True)
class Paragraph:
    """A paragraph, possibly led by a run-in heading."""

    content: list[Inline]
    pos: Pos
    lead: Heading | None = None


@dataclass(frozen=True)
class ListBlock:
    """A bulleted or numbered list; each item is a list of blocks."""

    ordered: bool
    items: list[list[Block]]
    pos: Pos
    start: int = 1


@dataclass(frozen=True)
class Quote:
    """A block quote."""

    children: list[Block]
    pos: Pos


@dataclass(frozen=True)
class TableCell:
    """One cell of a table."""

    content: list[Inline]
    align: str | None = None


@dataclass(frozen=True)
class Table:
    """A pipe table."""

    header: list[TableCell]
    rows: list[list[TableCell]]
    pos: Pos


@dataclass(frozen=True)
class Figure:
    """A chart placed in the text with ``![](chart:ID)``."""

    chart_id: str
    pos: Pos
    number: int = 0
    """``图 N``: figures are numbered 1..N in reading order."""


@dataclass(frozen=True)
class ThematicBreak:
    """A horizontal rule."""

    pos: Pos


Block = Heading | Paragraph | ListBlock | Quote | Table | Figure | ThematicBreak


# --------------------------------------------------------------------- document


@dataclass(frozen=True)
class Meta:
    """Front matter of a report. Every field can be set in the YAML header."""

    title: str
    """Document title, on the cover and in the PDF metadata."""
    subtitle: str = ""
    """Second line of the cover."""
    organisation: str = ""
    """Who publishes the report (cover, PDF author)."""
    author: str = ""
    """PDF author; defaults to the organisation."""
    date: str = ""
    """Date as printed on the cover, e.g. ``2022年1月``."""
    year: int | None = None
    """The year the report is about."""
    lang: str = "zh-CN"
    """Document language (BCP 47): drives glyph forms and line breaking."""
    theme: str = "report"
    """Theme folder under ``styles/``."""
    paper: str = "A4"
    """Page size: ``A4`` or ``A5``."""
    subject: str = ""
    """PDF subject (description)."""
    keywords: list[str] = field(default_factory=list)
    """PDF keywords."""
    name: str = ""
    """Output file name without ``.pdf``; defaults to the project folder name."""
    toc_levels: int = 2
    """Heading levels listed in the table of contents."""
    run_in_level: int = 3
    """Heading level set run-in at the start of its paragraph (0: none)."""
    normalize: bool = True
    """Correct punctuation widths, full-width digits, Han–Latin spaces and quotes in the PDF (not the source)."""
    autospace: bool = True
    """Put ¼ em between Han and Latin letters or digits (never at a line edge)."""
    compress_punctuation: bool | None = None
    """Set two adjacent full-width marks in 1.5 em (default: on for zh-Hans, off for zh-Hant)."""
    justify: bool = True
    """Justify Chinese body text to both edges (off: ragged right)."""


def uses_compression(meta: Meta) -> bool:
    """Whether punctuation pairs are compressed for this document (default: Simplified Chinese only)."""
    from .i18n import script

    if meta.compress_punctuation is not None:
        return meta.compress_punctuation
    return script(meta.lang) == "zh-Hans"


@dataclass(frozen=True)
class Footnote:
    """A footnote's content."""

    label: str
    number: int
    content: list[Inline]
    pos: Pos


@dataclass(frozen=True)
class Document:
    """A parsed report."""

    meta: Meta
    blocks: list[Block]
    root: Path
    """The project folder."""
    footnotes: dict[str, Footnote] = field(default_factory=dict)

    def headings(self) -> list[Heading]:
        """All headings in reading order, including run-in ones."""
        found: list[Heading] = []
        for block in self.blocks:
            if isinstance(block, Heading):
                found.append(block)
            elif isinstance(block, Paragraph) and block.lead is not None:
                found.append(block.lead)
        return found

    def figures(self) -> list[Figure]:
        """All figures in reading order."""
        return [b for b in self.blocks if isinstance(b, Figure)]

    def inline_runs(self) -> Iterator[list[Inline]]:
        """Every list of inline nodes of the document, in reading order, footnotes last."""
        for _, nodes in self.positioned_runs():
            yield nodes

    def positioned_runs(self) -> Iterator[tuple[Pos, list[Inline]]]:
        """Every list of inline nodes with the position of the block it is in: the walk the build's
        normalisation and ``publisher check --fix`` share."""
        for block in self.blocks:
            yield from _block_inlines(block)
        for note in self.footnotes.values():
            yield note.pos, note.content

    def texts(self) -> Iterator[tuple[Pos, str]]:
        """The text of every :class:`Text` node (not code, not addresses), with the position of its block."""
        for pos, nodes in self.positioned_runs():
            for text in _texts(nodes):
                yield pos, text


def _texts(nodes: list[Inline]) -> Iterator[str]:
    for node in nodes:
        if isinstance(node, Text):
            yield node.text
        elif isinstance(node, Strong | Emph | Link):
            yield from _texts(node.children)


def _block_inlines(block: Block) -> Iterator[tuple[Pos, list[Inline]]]:
    if isinstance(block, Heading):
        yield block.pos, block.content
    elif isinstance(block, Paragraph):
        if block.lead is not None:
            yield block.lead.pos, block.lead.content
        yield block.pos, block.content
    elif isinstance(block, ListBlock):
        for item in block.items:
            for child in item:
                yield from _block_inlines(child)
    elif isinstance(block, Quote):
        for child in block.children:
            yield from _block_inlines(child)
    elif isinstance(block, Table):
        for cell in block.header:
            yield block.pos, cell.content
        for row in block.rows:
            for cell in row:
                yield block.pos, cell.content


# ------------------------------------------------------------------ transforms


def map_text(doc: Document, change: Callable[[str], str]) -> Document:
    """A copy of ``doc`` with ``change`` applied to the text of every :class:`Text` node (footnotes too)."""

    def inlines(nodes: list[Inline]) -> list[Inline]:
        out: list[Inline] = []
        for node in nodes:
            if isinstance(node, Text):
                out.append(Text(change(node.text)))
            elif isinstance(node, Strong | Emph):
                out.append(type(node)(inlines(node.children)))
            elif isinstance(node, Link):
                out.append(Link(node.href, inlines(node.children)))
            else:
                out.append(node)
        return out

    def block(node: Block) -> Block:
        if isinstance(node, Heading):
            return replace(node, content=inlines(node.content))
        if isinstance(node, Paragraph):
            lead = None if node.lead is None else replace(node.lead, content=inlines(node.lead.content))
            return replace(node, content=inlines(node.content), lead=lead)
        if isinstance(node, ListBlock):
            return replace(node, items=[[block(child) for child in item] for item in node.items])
        if isinstance(node, Quote):
            return replace(node, children=[block(child) for child in node.children])
        if isinstance(node, Table):

            def cells(row: list[TableCell]) -> list[TableCell]:
                return [replace(cell, content=inlines(cell.content)) for cell in row]

            return replace(node, header=cells(node.header), rows=[cells(row) for row in node.rows])
        return node

    notes = {label: replace(note, content=inlines(note.content)) for label, note in doc.footnotes.items()}
    return replace(doc, blocks=[block(b) for b in doc.blocks], footnotes=notes)
