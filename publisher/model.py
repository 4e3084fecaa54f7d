"""The document model: what every theme and edition is built from.

Each node keeps the :class:`~publisher.errors.Pos` it came from. The model
knows nothing about HTML or PDF.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import Pos

# ----------------------------------------------------------------- inline nodes


@dataclass
class Text:
    """Plain text."""

    text: str


@dataclass
class Strong:
    """Strong emphasis (``**…**``)."""

    children: list[Inline]


@dataclass
class Emph:
    """Emphasis (``*…*``)."""

    children: list[Inline]


@dataclass
class Code:
    """Inline code."""

    text: str


@dataclass
class Link:
    """A hyperlink."""

    href: str
    children: list[Inline]


@dataclass
class Image:
    """An inline image from the project."""

    src: str
    alt: str
    pos: Pos


@dataclass
class FootnoteRef:
    """A footnote call; the note's content is in :attr:`Document.footnotes`."""

    label: str
    number: int


@dataclass
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


@dataclass
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


@dataclass
class Paragraph:
    """A paragraph, possibly led by a run-in heading."""

    content: list[Inline]
    pos: Pos
    lead: Heading | None = None


@dataclass
class ListBlock:
    """A bulleted or numbered list; each item is a list of blocks."""

    ordered: bool
    items: list[list[Block]]
    pos: Pos
    start: int = 1


@dataclass
class Quote:
    """A block quote."""

    children: list[Block]
    pos: Pos


@dataclass
class TableCell:
    """One cell of a table."""

    content: list[Inline]
    align: str | None = None


@dataclass
class Table:
    """A pipe table."""

    header: list[TableCell]
    rows: list[list[TableCell]]
    pos: Pos


@dataclass
class Figure:
    """A chart placed in the text with ``![](chart:ID)``."""

    chart_id: str
    pos: Pos
    number: int = 0
    """``图 N``: figures are numbered 1..N in reading order."""
    chart: Any = None
    """The :class:`publisher.charts.ChartSpec` once resolved."""
    rendered: Any = None
    """The :class:`publisher.charts.Rendered` once drawn."""


@dataclass
class ThematicBreak:
    """A horizontal rule."""

    pos: Pos


Block = Heading | Paragraph | ListBlock | Quote | Table | Figure | ThematicBreak


# --------------------------------------------------------------------- document


@dataclass
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
    """Whether punctuation pairs are compressed for this document."""
    if meta.compress_punctuation is not None:
        return meta.compress_punctuation
    lang = meta.lang.lower()
    return lang.startswith("zh") and not any(tag in lang for tag in ("hant", "-tw", "-hk", "-mo"))


@dataclass
class Footnote:
    """A footnote's content."""

    label: str
    number: int
    content: list[Inline]
    pos: Pos


@dataclass
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
        for block in self.blocks:
            yield from _block_inlines(block)
        for note in self.footnotes.values():
            yield note.content


def _block_inlines(block: Block) -> Iterator[list[Inline]]:
    if isinstance(block, Heading):
        yield block.content
    elif isinstance(block, Paragraph):
        if block.lead is not None:
            yield block.lead.content
        yield block.content
    elif isinstance(block, ListBlock):
        for item in block.items:
            for child in item:
                yield from _block_inlines(child)
    elif isinstance(block, Quote):
        for child in block.children:
            yield from _block_inlines(child)
    elif isinstance(block, Table):
        for cell in block.header:
            yield cell.content
        for row in block.rows:
            for cell in row:
                yield cell.content
