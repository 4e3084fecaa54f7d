"""What the importer finds in a document, before it is written as a project.

Readers (plain text, Markdown, Word) turn their input into :class:`Unit`
objects, one per paragraph-like piece with the input line it started on.
:mod:`~publisher.importer.structure` turns units into :class:`Block` objects
with heading kinds and levels; :mod:`~publisher.importer.writer` writes them
as Markdown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .decisions import Decision


@dataclass
class Span:
    """A run of inline content with one formatting."""

    text: str
    """The text (for an image: its alternative text; for a note call: empty)."""
    bold: bool = False
    """Set in bold (``**…**``)."""
    italic: bool = False
    """Set in italics (``*…*``)."""
    note: str = ""
    """A footnote call with this label (``[^label]``)."""
    image: str = ""
    """An image: its address, relative to ``source/`` (``![text](images/image-1.png)``)."""
    raw: bool = False
    """Already Markdown (imported from a ``.md`` file): written as it is."""


def spans_text(spans: list[Span]) -> str:
    """The plain text of spans."""
    return "".join(s.text for s in spans if not s.note)


@dataclass
class Unit:
    """One paragraph-like piece of the input, before structure detection."""

    spans: list[Span]
    """Its content."""
    line: int
    """Where it starts: the 1-based line (text, Markdown) or paragraph number (Word)."""
    hint: str = ""
    """What the input says it is: ``title``, ``subtitle``, ``heading``, ``list``, ``table``,
    ``raw`` (a Markdown block kept as it is) or ``""`` (a paragraph)."""
    level: int = 0
    """Heading level (``heading``) or nesting depth from 0 (``list``)."""
    ordered: bool = False
    """An ordered list item (``list``)."""
    rows: list[list[list[Span]]] = field(default_factory=list)
    """Table cells (``table``): rows of cells of spans; the first row is the header."""
    joined: int = 0
    """How many broken input lines were joined into this one."""
    col: int = 1
    """1-based column where its text starts on :attr:`line` (after an indent)."""
    page_break: bool = False
    """A manual page break comes before it (Word)."""
    why: str = ""
    """What the reader made of it, when it is not a plain paragraph (``an HTML <table> block``)."""

    @property
    def text(self) -> str:
        """The plain text."""
        return spans_text(self.spans)


@dataclass
class Dropped:
    """A line of the input that is not in the project, and why."""

    line: int
    """1-based input line."""
    text: str
    """The line as it was."""
    reason: str
    """Why, as the summary says it: ``page furniture``, ``heading of the notes (…)``, ``the table of contents (…)``."""
    why: str = ""
    """What showed it (for ``--explain``): the pattern it matched, its place."""
    confidence: float = 0.95
    """How sure the importer is that the line is not part of the report (see :mod:`.decisions`)."""


@dataclass
class ImportedHeading:
    """A heading found in the document."""

    spans: list[Span]
    """Its text, numbering included, exactly as written."""
    kind: str
    """What makes it a heading: its numbering (``cn1`` 一、, ``cn2`` （一）, ``ar1`` 1., ``ar2`` （1）, …),
    ``plain`` (an unnumbered line), ``appendix``, ``style1``… (a Word heading style), ``md1``… (Markdown)."""
    line: int
    """Input line."""
    level: int = 0
    """Markdown heading level (1 ``#`` …), set once every kind of the document is known."""
    run_in: bool = False
    """Written as ``（一）xxx。`` at the start of a paragraph in the input."""

    @property
    def text(self) -> str:
        """The plain text."""
        return spans_text(self.spans)


@dataclass
class Paragraph:
    """A paragraph (numbered paragraphs that are not headings included)."""

    spans: list[Span]
    """Its content."""
    line: int
    """Input line."""


@dataclass
class ListItem:
    """An item of a Word list (its number or bullet is not part of the text)."""

    spans: list[Span]
    """Its content."""
    line: int
    """Input paragraph."""
    ordered: bool
    """Numbered (``1.``) rather than bulleted."""
    depth: int = 0
    """Nesting depth, 0 for the outermost list."""
    number: int = 0
    """Its number as written (``3.``), 0 when the list numbers itself (Word)."""


@dataclass
class TableBlock:
    """A table; its first row is the header."""

    rows: list[list[list[Span]]]
    """Rows of cells of spans."""
    line: int
    """Input paragraph."""


@dataclass
class NoteDef:
    """The text of a note (``［1］…`` in a notes block, or a Word footnote)."""

    label: str
    """The label its calls use, e.g. ``1``."""
    spans: list[Span]
    """Its content."""
    line: int
    """Input line."""


@dataclass
class RawBlock:
    """A Markdown block kept exactly as it was written (lists, tables, code, …)."""

    markdown: str
    """The Markdown source of the block."""
    line: int
    """Input line."""


Block = ImportedHeading | Paragraph | ListItem | TableBlock | NoteDef | RawBlock


@dataclass
class FrontLine:
    """A line of the title block, which goes into the front matter."""

    role: str
    """``title``, ``subtitle``, ``organisation`` (a byline, a speaker) or ``date``."""
    text: str
    """The line as written."""
    line: int
    """Input line."""
    col: int = 1
    """Input column where the text starts."""
    value: str = ""
    """What goes into the front matter when it differs from :attr:`text` (a date without its brackets)."""
    closing: bool = False
    """From the signature at the end of the text rather than the title block."""
    why: str = ""
    """What showed its role (for ``--explain``)."""
    confidence: float = 0.95
    """How sure the importer is of the role."""

    @property
    def meta_text(self) -> str:
        """The text for the front matter."""
        return self.value or self.text


@dataclass
class ImportedDocument:
    """A document with its structure detected."""

    blocks: list[Block]
    """The body in reading order."""
    front: list[FrontLine] = field(default_factory=list)
    """The title block, in input order."""
    lang: str = "zh-CN"
    """Language (BCP 47)."""
    run_in_level: int = 0
    """Markdown heading level set run-in (0: none)."""
    toc_levels: int = 2
    """Heading levels in the table of contents."""
    dropped: list[Dropped] = field(default_factory=list)
    """Input lines left out, with the reason."""
    joined: list[int] = field(default_factory=list)
    """Input lines that were joined to the line before them (broken mid-sentence)."""
    meta: dict[str, object] = field(default_factory=dict)
    """Front matter found in the input itself (Markdown front matter, Word properties)."""
    images: dict[str, bytes] = field(default_factory=dict)
    """Image files to write, by path in the project."""
    notes: list[str] = field(default_factory=list)
    """Things the user should know about the import, one sentence each."""
    decisions: list[Decision] = field(default_factory=list)
    """What each piece of the input became and why (``--explain``), in input order."""

    def headings(self) -> list[ImportedHeading]:
        """Every heading in reading order."""
        return [b for b in self.blocks if isinstance(b, ImportedHeading)]
