"""Reading Markdown from another tool: headings kept, text kept as written.

Front matter keys that the publisher knows are kept (a few common others are
renamed: ``tags`` → ``keywords``, ``description`` → ``subject``); the rest are
reported. A single ``#`` heading at the top is the title. Paragraphs broken
over several lines are joined (the publisher reads a line break in a paragraph
as nothing, right for Chinese, wrong between English words). Blocks other than
headings and paragraphs (lists, tables, code, quotes, footnotes) are kept as
they are. Pictures next to the file are copied into ``source/images/``.

What other tools write and the source format has not: ``<table>`` blocks
become tables; ``:::`` boxes (``::: tip 标题`` … ``:::``) become quotes with
their title in bold; a footnote label defined more than once (notes numbered
per chapter: ``[^1]`` in every chapter) is renamed so that every call prints
its own note; a picture on the web (or missing) becomes a placeholder picture
in ``source/images/`` and a decision to confirm.
"""

from __future__ import annotations

import dataclasses
import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from .. import frontmatter, yamlpos
from ..model import Meta
from ..parse import markdown_parser
from .decisions import LIKELY, UNSURE, Decision
from .model import Span, Unit
from .writer import escape_text

RENAMED = {"tags": "keywords", "description": "subject", "language": "lang", "authors": "author"}
META_KEYS = {f.name for f in dataclasses.fields(Meta)}
_IMAGE = re.compile(r"!\[([^\]]*)\]\((<[^>]+>|[^)\s]+)((?:\s+\"[^\"]*\")?)\)")
_LIST_MARKER = re.compile(r"^\s*(?:[-+*]|[0-9]{1,9}[.)])(?:\s|$)")
_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_FOOTNOTE_DEF = re.compile(r"^\[\^([^\]\s]+)\]:")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\](?!:)")
_BOX_OPEN = re.compile(r"^\s{0,3}:{3,}\s*([A-Za-z]+)?\s*(.*?)\s*$")
_BOX_CLOSE = re.compile(r"^\s{0,3}:{3,}\s*$")
BOX_TITLES = {
    "tip": ("提示", "Tip"),
    "note": ("注", "Note"),
    "info": ("说明", "Note"),
    "warning": ("注意", "Warning"),
    "caution": ("注意", "Caution"),
    "danger": ("警告", "Warning"),
    "important": ("重要", "Important"),
    "details": ("详情", "Details"),
}
"""The bold title of a ``:::`` box that has none of its own, by its kind (Chinese, English)."""


@dataclass
class MarkdownDocument:
    """What was read from a Markdown file."""

    units: list[Unit]
    """Headings (``hint`` ``heading``), paragraphs (raw spans) and other blocks (``hint`` ``raw``)."""
    meta: dict[str, object] = field(default_factory=dict)
    """Front matter keys the publisher knows."""
    images: dict[str, bytes] = field(default_factory=dict)
    """Pictures copied into the project."""
    notes: list[str] = field(default_factory=list)
    """What the user should know (front matter keys left out, pictures not found)."""
    has_headings: bool = False
    """The text has Markdown headings (then they give the structure)."""
    decisions: list[Decision] = field(default_factory=list)
    """Pictures replaced by placeholders, notes renamed, boxes and HTML tables converted."""


def split_front_matter(text: str, path: Path) -> tuple[dict[str, object], str, int]:
    """Front matter (as a mapping), the body, and the line the body starts on."""
    front = frontmatter.split(text)
    if front is None or not front.closed:
        return {}, text, 1
    # The positioned loader: an alias bomb or 20,000 nested brackets are an error at their line, not memory.
    data = yamlpos.plain(yamlpos.load(front.yaml, path, first_line=2))
    if not isinstance(data, dict):
        data = {}
    return {str(k): v for k, v in data.items()}, front.body, front.body_line


def _join_paragraph(source: str, lang: str) -> str:
    parts = [p.strip() for p in source.split("\n")]
    out = parts[0]
    for part in parts[1:]:
        if not part:
            continue
        if lang == "en" or (
            out and out[-1].isascii() and out[-1].isalnum() and part[0].isascii() and part[0].isalnum()
        ):
            out = f"{out} {part}"
        else:
            out += part
    return out


def _join_list(lines: list[str], lang: str) -> list[str]:
    """List items broken over several lines, joined (nested items and blank lines kept)."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and line.strip() and not _LIST_MARKER.match(line):
            sep = " " if lang == "en" else ""
            out[-1] = out[-1].rstrip() + sep + line.strip()
        else:
            out.append(line)
    return out


class _TableParser(HTMLParser):
    """The cells of an HTML ``<table>``; a cell spanning rows or columns is kept once, the others left empty."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[list[Span]]] = []
        self.cell: list[Span] | None = None
        self.bold = 0
        self.pending: dict[int, int] = {}
        """Columns still covered by a rowspan from above: column → rows left."""
        self.span = (1, 1)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "tr":
            self.rows.append([])
            self._fill()
        elif tag in ("td", "th"):
            if not self.rows:
                self.rows.append([])
            self.cell = []
            self.span = (_span_count(values.get("colspan")), _span_count(values.get("rowspan")))
        elif tag in ("b", "strong"):
            self.bold += 1
        elif tag == "br" and self.cell is not None:
            self.cell.append(Span(" "))

    def _fill(self) -> None:
        row = self.rows[-1]
        while len(row) in self.pending:
            column = len(row)
            row.append([])
            self.pending[column] -= 1
            if not self.pending[column]:
                del self.pending[column]

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self.cell is not None:
            row = self.rows[-1]
            colspan, rowspan = self.span
            start = len(row)
            row.append(_tidy(self.cell))
            row.extend([] for _ in range(colspan - 1))
            if rowspan > 1:
                for column in range(start, start + colspan):
                    self.pending[column] = rowspan - 1
            self.cell = None
            self._fill()
        elif tag in ("b", "strong") and self.bold:
            self.bold -= 1

    def handle_data(self, data: str) -> None:
        if self.cell is not None and data.strip():
            self.cell.append(Span(re.sub(r"\s+", " ", data), bold=self.bold > 0))


def _span_count(value: str | None) -> int:
    return int(value) if value and value.isdigit() and 0 < int(value) <= 50 else 1


def _tidy(spans: list[Span]) -> list[Span]:
    out = [s for s in spans if s.text]
    if out:
        out[0] = Span(out[0].text.lstrip(), out[0].bold)
        out[-1] = Span(out[-1].text.rstrip(), out[-1].bold)
    return [s for s in out if s.text]


def html_table(source: str) -> list[list[list[Span]]]:
    """The rows of an HTML table (the first row is the header); empty when there is none."""
    parser = _TableParser()
    parser.feed(source)
    parser.close()
    rows = [row for row in parser.rows if row]
    width = max((len(row) for row in rows), default=0)
    return [row + [[] for _ in range(width - len(row))] for row in rows]


def _code_lines(lines: list[str]) -> set[int]:
    """Indexes of lines inside fenced code blocks."""
    inside: set[int] = set()
    fence = ""
    for i, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence:
            inside.add(i)
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = ""
        elif match:
            fence = match.group(1)
            inside.add(i)
    return inside


def _blocks_of_other_tools(
    lines: list[str], first_line: int, lang: str, code: set[int]
) -> tuple[list[Unit], list[Decision]]:
    """``<table>`` blocks and ``:::`` boxes: units for them, their lines blanked (line numbers stay)."""
    units: list[Unit] = []
    decisions: list[Decision] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if i in code:
            i += 1
            continue
        if line.lstrip().lower().startswith("<table"):
            end = next((j for j in range(i, len(lines)) if "</table>" in lines[j].lower()), None)
            if end is not None:
                rows = html_table("\n".join(lines[i : end + 1]))
                if rows:
                    text = " ".join("".join(s.text for s in cell) for row in rows for cell in row)
                    unit = Unit([Span(text)], i + first_line, "table", rows=rows)
                    unit.why = "an HTML <table> block: a table"
                    units.append(unit)
                    decisions.append(
                        Decision(
                            i + first_line,
                            1,
                            lines[i].strip(),
                            f"a table of {len(rows)} rows",
                            "an HTML <table> block, written as a pipe table",
                            LIKELY,
                        )
                    )
                    for j in range(i, end + 1):
                        lines[j] = ""
                    i = end + 1
                    continue
        opened = _BOX_OPEN.match(line)
        if opened and not _BOX_CLOSE.match(line):
            end = next((j for j in range(i + 1, len(lines)) if _BOX_CLOSE.match(lines[j])), None)
            if end is not None:
                kind = (opened.group(1) or "note").lower()
                own = opened.group(2).strip()
                title = own or BOX_TITLES.get(kind, (kind, kind.title()))[1 if lang == "en" else 0]
                body = [f"> {text}" if text.strip() else ">" for text in _join_list(lines[i + 1 : end], lang)]
                markdown = "\n".join([f"> **{escape_text(title)}**", ">", *body]).rstrip()
                unit = Unit([Span(markdown, raw=True)], i + first_line, "raw")
                unit.why = (
                    f"a ::: {kind} box, written as a quote with its title in bold (the source format has no boxes)"
                )
                units.append(unit)
                decisions.append(Decision(i + first_line, 1, line.strip(), "a quote", unit.why, LIKELY))
                for j in range(i, end + 1):
                    lines[j] = ""
                i = end + 1
                continue
        i += 1
    return units, decisions


def _renumber_footnotes(lines: list[str], first_line: int, code: set[int]) -> list[Decision]:
    """Footnote labels defined more than once (notes numbered per chapter) get a name each.

    A call prints the first definition of its label after it, else the last one before it.
    """
    definitions: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        match = _FOOTNOTE_DEF.match(line)
        if match and i not in code:
            definitions.setdefault(match.group(1), []).append(i)
    twice = {label: found for label, found in definitions.items() if len(found) > 1}
    if not twice:
        return []

    def name(label: str, at: int) -> str:
        index = twice[label].index(at)
        return label if index == 0 else f"{label}-{index + 1}"

    for i, line in enumerate(lines):
        if i in code:
            continue
        definition = _FOOTNOTE_DEF.match(line)
        start = definition.end() if definition else 0

        def call(match: re.Match[str], i: int = i) -> str:
            label = match.group(1)
            if label not in twice:
                return match.group(0)
            after = [d for d in twice[label] if d > i]
            return f"[^{name(label, after[0] if after else twice[label][-1])}]"

        rest = _FOOTNOTE_REF.sub(call, line[start:])
        if definition and definition.group(1) in twice:
            lines[i] = f"[^{name(definition.group(1), i)}]:{rest}"
        else:
            lines[i] = line[:start] + rest
    return [
        Decision(
            at + first_line,
            1,
            lines[at],
            f"footnote [^{name(label, at)}]",
            f"the label [^{label}] is defined {len(found)} times (notes numbered per chapter): renamed, "
            "each call prints the note after it",
            LIKELY,
        )
        for label, found in twice.items()
        for at in found
    ]


def read_markdown(text: str, path: Path, lang: str) -> MarkdownDocument:
    """Markdown → units; ``lang`` decides how broken lines are joined."""
    front, body, first_line = split_front_matter(text, path)
    meta: dict[str, object] = {}
    notes: list[str] = []
    for key, value in front.items():
        name = RENAMED.get(key, key)
        if name in META_KEYS and name not in ("name", "theme"):
            meta[name] = value
        elif name in ("name", "theme"):
            notes.append(f"front matter key '{key}' left out (the new project has its own {name})")
        else:
            notes.append(f"front matter key '{key}' left out (not a publisher key)")
    lines = body.split("\n")
    code = _code_lines(lines)
    units, decisions = _blocks_of_other_tools(lines, first_line, lang, code)
    decisions += _renumber_footnotes(lines, first_line, code)
    body = "\n".join(lines)
    tokens = markdown_parser().parse(body)
    covered: set[int] = set()
    images: dict[str, bytes] = {}
    level = 0
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token.level != 0 or token.map is None or token.nesting == -1:
            i += 1
            continue
        start, end = token.map
        covered.update(range(start, end))
        line = start + first_line
        if token.type == "heading_open":
            content = tokens[i + 1].content
            units.append(Unit([Span(content, raw=True)], line, "heading", int(token.tag[1])))
        elif token.type == "paragraph_open":
            content = _join_paragraph(tokens[i + 1].content, lang)
            units.append(Unit([Span(content, raw=True)], line))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            units.append(Unit([Span("\n".join(_join_list(lines[start:end], lang)), raw=True)], line, "raw"))
        else:
            units.append(Unit([Span("\n".join(lines[start:end]).rstrip(), raw=True)], line, "raw"))
        level = max(level, 1 if token.type == "heading_open" else 0)
        i += 1
    # Lines no block covers: footnote definitions and link reference definitions, kept in place.
    extra: list[Unit] = []
    block: list[str] = []
    block_start = 0
    for number, source_line in enumerate([*lines, ""]):
        if number in covered or not source_line.strip():
            if block:
                extra.append(Unit([Span("\n".join(block), raw=True)], block_start + first_line, "raw"))
                block = []
            continue
        if not block:
            block_start = number
        block.append(source_line)
    units = sorted([*units, *extra], key=lambda u: u.line)
    top = [u for u in units if u.hint == "heading" and u.level == 1]
    if units and len(top) == 1 and units[0] is top[0]:
        units[0].hint = "title"  # a single "# …" at the top is the document's title
    for unit in units:
        span = unit.spans[0]
        if span.raw:

            def picture(match: re.Match[str], line: int = unit.line) -> str:
                return _image(match, path, images, notes, decisions, line)

            span.text = _IMAGE.sub(picture, span.text)
    return MarkdownDocument(units, meta, images, notes, has_headings=level > 0, decisions=decisions)


PLACEHOLDER = """\
<svg xmlns="http://www.w3.org/2000/svg" width="480" height="160" viewBox="0 0 480 160">
  <rect x="1" y="1" width="478" height="158" fill="#f3f3f3" stroke="#888" stroke-width="2" stroke-dasharray="8 6"/>
  <path d="M200 52 h80 v48 h-80 z M212 92 l20 -22 l14 14 l10 -8 l16 16" fill="none" stroke="#888" stroke-width="3"/>
  <text x="240" y="126" text-anchor="middle" font-family="sans-serif" font-size="13" fill="#555">{address}</text>
</svg>
"""
"""A picture that could not be imported: a dashed frame with the address where it is."""


def _placeholder(address: str) -> bytes:
    shown = address if len(address) <= 64 else address[:30] + "…" + address[-30:]
    return PLACEHOLDER.format(address=html.escape(shown)).encode("utf-8")


def _image(
    match: re.Match[str],
    path: Path,
    images: dict[str, bytes],
    notes: list[str],
    decisions: list[Decision],
    line: int,
) -> str:
    """A picture the Markdown file uses, copied into the project; one that cannot be becomes a placeholder."""
    alt, target, title = match.group(1), match.group(2), match.group(3)
    address = target.strip("<>")
    if address.startswith("chart:"):
        return match.group(0)
    source = None if re.match(r"^[a-z][a-z0-9+.-]*:|^/", address, re.IGNORECASE) else (path.parent / address)
    if source is None or not source.resolve().is_file():
        where = (
            "is on the web"
            if re.match(r"^https?:", address, re.I)
            else ("is not a local file" if source is None else f"was not found next to {path.name}")
        )
        name = f"images/missing-{sum(1 for k in images if '/missing-' in k) + 1}.svg"
        images[f"source/{name}"] = _placeholder(address)
        notes.append(
            f"picture '{address}' {where}: source/{name} holds a placeholder; "
            "save the picture in source/images/ and put its name in source/report.md"
        )
        decisions.append(
            Decision(line, 1, match.group(0), f"a placeholder picture, {name}", f"the picture {where}", UNSURE)
        )
        return f"![{alt}]({name})"
    source = source.resolve()
    name = f"images/{source.name}"
    if f"source/{name}" in images and images[f"source/{name}"] != source.read_bytes():
        name = f"images/{len(images) + 1}-{source.name}"
    images[f"source/{name}"] = source.read_bytes()
    return f"![{alt}]({name.replace(' ', '%20')}{title})"
