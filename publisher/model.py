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


@dataclass(frozen=True)
class Ref:
    """A cross-reference ``[@id]`` to a figure, table, heading, appendix or footnote.

    The parser records the id; numbering (:mod:`publisher.numbering`) fills in what it prints and where it
    points, so the number is always the target's current one.
    """

    key: str
    """The id written in the text."""
    pos: Pos
    label: str = ""
    """What prints: ``图 3``, ``表 2``, ``附表1``, ``第二部分``, ``附件1``, ``注1``."""
    anchor: str = ""
    """The target's anchor in the document (``fig-3``, ``tbl-2``, ``h5``, ``fn-tax``)."""
    kind: str = ""
    """``figure``, ``table``, ``heading``, ``appendix`` or ``note``."""


Inline = Text | Strong | Emph | Code | Link | Image | FootnoteRef | LineBreak | Ref


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
        elif isinstance(node, Ref):
            out.append(node.label)
    return "".join(out)


# ------------------------------------------------------------------ block nodes


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is a part, 2 a chapter, 3 a section…"""

    level: int
    content: list[Inline]
    pos: Pos
    id: str = ""
    """Anchor used by the TOC, bookmarks and cross-references (``h1``, ``h2`` … in reading order)."""
    run_in: bool = False
    """Set inside the following paragraph (Chinese ``（一）xxx。`` headings)."""
    key: str = ""
    """The id the author gave it (``# 标题 {#id}``), for cross-references; ``""`` if none."""
    appendix: str = ""
    """For the heading that starts an appendix (``# 标题 {.appendix}``): its label, ``附件1`` (``附件`` when
    there is only one); ``""`` for every other heading."""
    label: str = ""
    """What a cross-reference to it prints: ``第二部分`` for a part, ``附件1`` for an appendix, the heading's
    text up to its first comma in quotes for any other."""

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
    """One cell of a table. A cell spanning several columns or rows is followed by no cell for the places it
    covers (as in HTML): rows of a table with spans have fewer cells than the table has columns."""

    content: list[Inline]
    align: str | None = None
    """``left``, ``center``, ``right``, ``decimal`` (right-aligned on the decimal point), or ``None``."""
    colspan: int = 1
    rowspan: int = 1
    value: float | None = None
    """The number a numeric cell shows (its text may be formatted: ``12,345.60``); ``None`` for text."""
    pos: Pos | None = None
    """Where the cell was written, when it is known apart from its table (a data file's row and column)."""


@dataclass(frozen=True)
class Table:
    """A table: a Markdown pipe table, or a table spec (``type: table``) reading inline rows, a CSV file or an
    Excel sheet (:mod:`publisher.tables`).

    A table with a caption is numbered (``表 N``, caption above); one without is set as it is, unnumbered.
    """

    header: list[list[TableCell]]
    """The header rows (several for a multi-level header), repeated on every page the table runs over."""
    rows: list[list[TableCell]]
    """The body rows."""
    pos: Pos
    caption: list[Inline] = field(default_factory=list)
    """What follows ``表 N``; empty for an unnumbered table."""
    key: str = ""
    """The id cross-references use (``{#id}`` of a pipe table's caption, a spec's ``id``)."""
    number: int = 0
    """Its place in its sequence (0: unnumbered)."""
    label: str = ""
    """``表 1``, ``表 2-1`` (numbered by chapter), ``附表1`` (in an appendix): what the caption and the
    references print."""
    unit: str = ""
    """The unit line, printed right-aligned above the table as ``单位：万元``."""
    notes: list[list[Inline]] = field(default_factory=list)
    """The notes below the table, one per line, each as written (``注：…``, ``资料来源：…``)."""
    totals: frozenset[int] = frozenset()
    """Indexes of the body rows that are totals (``合计``, ``总计``): set apart by a rule."""
    landscape: bool = False
    """Set on a landscape page of its own."""
    portrait: bool = False
    """Kept on an upright page even when too wide for it (``landscape: false``)."""
    compact: bool = False
    """Set at the minimum legible size (8 pt) to fit the width."""
    spec: str = ""
    """The id of the table spec it was made from; ``""`` for a pipe table."""
    lines: tuple[int, int] = (0, 0)
    """The lines of the report it takes up (first, last; 0 for a spec's table): numbers on them are the
    table's, not statements of the text."""
    fractions: tuple[int, ...] = ()
    """Per column: for a decimal-aligned column, the width (in digits) of the widest part from the decimal
    point on, which every cell of the column leaves room for; 0 for other columns."""

    @property
    def columns(self) -> int:
        """How many columns the table has (spans counted)."""
        grid = placed([*self.header, *self.rows])
        return len(grid[0]) if grid else 0

    def body_columns(self) -> list[list[int]]:
        """The column (0-based) each body cell starts in, rows spanned from above counted."""
        return [[col for col, _ in row] for row in _starts(self.rows)]

    def header_columns(self) -> list[list[int]]:
        """The column (0-based) each header cell starts in."""
        return [[col for col, _ in row] for row in _starts(self.header)]


def _starts(rows: list[list[TableCell]]) -> list[list[tuple[int, TableCell]]]:
    taken: set[tuple[int, int]] = set()
    out: list[list[tuple[int, TableCell]]] = []
    for r, row in enumerate(rows):
        col = 0
        found = []
        for cell in row:
            while (r, col) in taken:
                col += 1
            found.append((col, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, col + dc))
            col += cell.colspan
        out.append(found)
    return out


def placed(rows: list[list[TableCell]]) -> list[list[TableCell | None]]:
    """``rows`` as a full grid: each place holds the cell that starts there, ``None`` where a span covers it."""
    starts = _starts(rows)
    width = max((col + cell.colspan for row in starts for col, cell in row), default=0)
    grid: list[list[TableCell | None]] = [[None] * width for _ in rows]
    for r, row in enumerate(starts):
        for col, cell in row:
            grid[r][col] = cell
    return grid


@dataclass(frozen=True)
class Figure:
    """A chart placed in the text with ``![](chart:ID)``."""

    chart_id: str
    pos: Pos
    number: int = 0
    """Its place among the numbered figures (in reading order; ``图 N``); 0 for one that is not numbered."""
    label: str = ""
    """``图 3``, ``图 2-1``, ``附图1``: what the caption and the references print (set by numbering)."""
    numbered: bool = True
    """``False`` for a figure on a page of its own (``placement: page``, a KPI page): its title heads the page,
    without ``图 N``, and the figures after it are numbered from 1."""


@dataclass(frozen=True)
class ThematicBreak:
    """A horizontal rule."""

    pos: Pos


Block = Heading | Paragraph | ListBlock | Quote | Table | Figure | ThematicBreak


# --------------------------------------------------------------------- document


@dataclass(frozen=True)
class Meta:
    """Front matter of a report. Every field can be set in the YAML header; :data:`publisher.frontmatter.KEYS`
    checks them and says what each does (a test keeps the two in step)."""

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
    numbering: str = "document"
    """Figures and tables numbered through the document (``图 3``, ``表 2``) or by ``chapter`` (``表 2-1``: the
    first table after the second level-1 heading)."""
    figure_list: bool = False
    """A list of figures and tables (``图表目录``) after the table of contents."""
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

    def tables(self) -> list[Table]:
        """All tables of the text (not in lists or quotes) in reading order, numbered or not."""
        return [b for b in self.blocks if isinstance(b, Table)]

    def appendix_start(self) -> int:
        """The index in :attr:`blocks` of the first appendix's heading (``len(blocks)`` when there is none)."""
        return next((i for i, b in enumerate(self.blocks) if isinstance(b, Heading) and b.appendix), len(self.blocks))

    def body_blocks(self) -> list[Block]:
        """The blocks of the text before the appendices."""
        return self.blocks[: self.appendix_start()]

    def appendix_blocks(self) -> list[Block]:
        """The blocks of the appendices (each starts with its heading), after the text's closing."""
        return self.blocks[self.appendix_start() :]

    def appendices(self) -> list[Heading]:
        """The headings that start the appendices, in order."""
        return [b for b in self.blocks if isinstance(b, Heading) and b.appendix]

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
        if block.caption:
            yield block.pos, block.caption
        for row in [*block.header, *block.rows]:
            for cell in row:
                yield cell.pos or block.pos, cell.content
        for note in block.notes:
            yield block.pos, note


# ------------------------------------------------------------------ transforms


def map_inlines(block: Block, change: Callable[[list[Inline]], list[Inline]]) -> Block:
    """A copy of ``block`` with ``change`` applied to each of its lists of inline nodes (nested blocks, a
    table's caption, cells and notes too)."""
    if isinstance(block, Heading):
        return replace(block, content=change(block.content))
    if isinstance(block, Paragraph):
        lead = None if block.lead is None else replace(block.lead, content=change(block.lead.content))
        return replace(block, content=change(block.content), lead=lead)
    if isinstance(block, ListBlock):
        return replace(block, items=[[map_inlines(child, change) for child in item] for item in block.items])
    if isinstance(block, Quote):
        return replace(block, children=[map_inlines(child, change) for child in block.children])
    if isinstance(block, Table):

        def cells(row: list[TableCell]) -> list[TableCell]:
            return [replace(cell, content=change(cell.content)) for cell in row]

        return replace(
            block,
            caption=change(block.caption),
            header=[cells(row) for row in block.header],
            rows=[cells(row) for row in block.rows],
            notes=[change(note) for note in block.notes],
        )
    return block


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

    notes = {label: replace(note, content=inlines(note.content)) for label, note in doc.footnotes.items()}
    return replace(doc, blocks=[map_inlines(b, inlines) for b in doc.blocks], footnotes=notes)
