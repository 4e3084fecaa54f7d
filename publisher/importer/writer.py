"""Writing an imported document as a report project.

The project is ``source/report.md`` (front matter with exactly the keys of
:class:`publisher.model.Meta`, then Markdown), ``source/charts/example.yaml``
(a commented example), ``source/charts/suggestions.yaml`` (the figures the
text states, as commented chart specs) and ``source/images/`` (pictures from a
Word document). Imported text is escaped so that it reads in the PDF exactly
as it was written: a line starting with ``1. `` or ``#`` stays text.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import Pos, PublisherError
from .model import (
    Block,
    ImportedDocument,
    ImportedHeading,
    ListItem,
    NoteDef,
    Paragraph,
    RawBlock,
    Span,
    TableBlock,
)

REPORT = Path("source") / "report.md"
CHARTS = Path("source") / "charts"
IMAGES = Path("source") / "images"

EXAMPLE_CHART = """\
## A chart spec, ready to copy: remove one "# " from the start of each line
## below (or copy the lines into a new file), check the numbers, and place the
## chart in source/report.md with a line of its own:
##
##     ![](chart:example)
##
## Every kind and field is described in docs/source-format.md ("Charts").
## The figures the text of this report states are listed, as specs of the same
## form, in suggestions.yaml beside this file.
#
# id: example
# type: bar                    # bar | hbar | grouped | donut | kpi
# title: 主要指标               # caption after 图 N
# unit: 亿元                    # shown as 单位：亿元
# source: 2021年工作回顾         # where the text states the numbers
# labels: [地区生产总值, 税收总额]
# values: [704.83, 102]
"""


def uncovered_characters(text: str, lang: str) -> list[str]:
    """Characters of ``text`` that some role of the default theme could not draw with the fonts here.

    Any text can be set in any role (a heading in the sans, a run-in heading in
    the kai), so a character counts as missing when one role lacks it.
    """
    from ..fonts import covers, roles
    from ..theme import load_theme

    chains = roles(load_theme("report", None).tokens, lang).values()
    return [
        c
        for c in dict.fromkeys(text)
        if not c.isspace() and not all(any(covers(font, c) for font in chain) for chain in chains)
    ]


# ------------------------------------------------------------------- escaping

_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LIST_NUMBER = re.compile(r"^([0-9]{1,9})([.)])(?=[ \t]|$)")


def escape_text(text: str) -> str:
    """Plain text → Markdown inline source that shows the same text."""
    text = _INLINE_SPECIAL.sub(r"\\\1", text)
    return _ENTITY.sub("&amp;", text)


def escape_line_start(markdown: str) -> str:
    """Escape what would make a block of a paragraph's first line (``#``, ``>``, ``- ``, ``1. ``, fences)."""
    if not markdown:
        return markdown
    match = _LIST_NUMBER.match(markdown)
    if match:
        return f"{match.group(1)}\\{match.group(2)}{markdown[match.end() :]}"
    first = markdown[0]
    if first in "#>" or (first == "~" and markdown.startswith("~~~")):
        return "\\" + markdown
    if first in "-+=" and (len(markdown) == 1 or markdown[1] in " \t" or set(markdown) <= {first, " "}):
        return "\\" + markdown
    return markdown


def _is_punct(char: str) -> bool:
    return unicodedata.category(char).startswith(("P", "S"))


def inline_markdown(spans: list[Span], *, heading: bool = False, cell: bool = False) -> str:
    """Spans → one line of Markdown; bold and italics that CommonMark would not see are adjusted."""
    merged: list[Span] = []
    for span in spans:
        if (
            merged
            and not span.note
            and not span.image
            and not merged[-1].note
            and not merged[-1].image
            and (merged[-1].bold, merged[-1].italic, merged[-1].raw) == (span.bold, span.italic, span.raw)
        ):
            merged[-1] = Span(merged[-1].text + span.text, span.bold, span.italic, raw=span.raw)
        else:
            merged.append(span)

    def escape(text: str) -> str:
        body = escape_text(text.replace("\n", " "))
        if heading:
            body = body.replace("#", "\\#")
        if cell:
            body = body.replace("|", "\\|")
        return body

    plain = "".join(s.text for s in merged)
    out: list[str] = []
    seen = 0
    for span in merged:
        if span.note:
            out.append(f"[^{span.note}]")
            continue
        text = span.text
        before = plain[seen - 1] if seen else " "
        after = plain[seen + len(text)] if seen + len(text) < len(plain) else " "
        seen += len(text)
        if span.image:
            out.append(f"![{escape(text)}]({span.image})")
        elif span.raw:
            out.append(text.replace("\n", " "))
        elif (span.bold or span.italic) and text.strip() and not heading:
            mark = "***" if span.bold and span.italic else "**" if span.bold else "*"
            out.append(_emphasis(text, before, after, mark, escape))
        else:
            out.append(escape(text))
    return "".join(out).strip()


def _emphasis(text: str, before: str, after: str, mark: str, escape: Callable[[str], str]) -> str:
    """``**text**`` with spaces and (where CommonMark needs it) punctuation moved outside the marks.

    CommonMark sees ``**`` before a punctuation mark as opening only after a space or
    punctuation: in ``护**“两个维护”**`` it would not, so the quotes go outside.
    """
    core = text.strip()
    lead = text[: len(text) - len(text.lstrip())]
    trail = text[len(text.rstrip()) :]
    before = " " if lead else before
    after = " " if trail else after
    front = ""
    while core and _is_punct(core[0]) and not (before.isspace() or _is_punct(before)):
        front += core[0]
        before = core[0]
        core = core[1:]
    back = ""
    while core and _is_punct(core[-1]) and not (after.isspace() or _is_punct(after)):
        back = core[-1] + back
        after = core[-1]
        core = core[:-1]
    if not core:
        return escape(text)
    return f"{escape(lead + front)}{mark}{escape(core)}{mark}{escape(back + trail)}"


# ----------------------------------------------------------------- the report


@dataclass
class ReportText:
    """``source/report.md`` as text, with the line each block starts on."""

    text: str
    """The whole file."""
    block_lines: list[int] = field(default_factory=list)
    """For each block of the document, its 1-based line in the file."""


def front_matter(meta: dict[str, object], source_name: str) -> list[str]:
    """The YAML front matter lines (between the ``---``), keys in ``meta``'s order, empty ones left out."""
    lines = [
        f"# Imported by `publisher import` from {source_name}.",
        "# Check the title, subtitle, organisation and date; the keys are described in docs/source-format.md.",
    ]
    for key, value in meta.items():
        if value in ("", None, []):
            continue
        if isinstance(value, list):
            items = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=10**9).strip()
            lines.append(f"{key}: {items}")
        else:
            dumped = yaml.safe_dump({key: value}, allow_unicode=True, default_flow_style=False, width=10**9)
            lines.append(dumped.strip().removesuffix("\n..."))
    return lines


def render_markdown(doc: ImportedDocument, meta: dict[str, object], source_name: str) -> ReportText:
    """The report source: front matter and the body as Markdown."""
    lines = ["---", *front_matter(meta, source_name), "---", ""]
    block_lines: list[int] = []
    previous: Block | None = None
    for block in doc.blocks:
        tight = (
            isinstance(previous, ImportedHeading)
            and previous.level == doc.run_in_level
            and isinstance(block, Paragraph)
        ) or (
            isinstance(previous, ListItem)
            and isinstance(block, ListItem)
            and (previous.ordered == block.ordered or block.depth != previous.depth)
        )
        if previous is not None and not tight:
            lines.append("")
        block_lines.append(len(lines) + 1)
        lines.extend(_block_lines(block))
        previous = block
    text = "\n".join(lines).rstrip("\n") + "\n"
    return ReportText(text, block_lines)


def _block_lines(block: Block) -> list[str]:
    if isinstance(block, ImportedHeading):
        return ["#" * block.level + " " + inline_markdown(block.spans, heading=True)]
    if isinstance(block, Paragraph):
        return [escape_line_start(inline_markdown(block.spans))]
    if isinstance(block, ListItem):
        marker = f"{block.number or 1}." if block.ordered else "-"
        indent = "   " * block.depth
        return [f"{indent}{marker} {escape_line_start(inline_markdown(block.spans))}".rstrip()]
    if isinstance(block, NoteDef):
        return [f"[^{block.label}]: {escape_line_start(inline_markdown(block.spans))}".rstrip()]
    if isinstance(block, TableBlock):
        return _table_lines(block)
    if isinstance(block, RawBlock):
        return block.markdown.rstrip("\n").split("\n")
    raise TypeError(f"unknown block {block!r}")  # pragma: no cover


def _table_lines(table: TableBlock) -> list[str]:
    width = max((len(row) for row in table.rows), default=0)
    if width == 0:
        return []

    def row_line(row: list[list[Span]]) -> str:
        cells = [inline_markdown(cell, cell=True) or " " for cell in row]
        cells += [" "] * (width - len(cells))
        return "| " + " | ".join(cells) + " |"

    header, *rows = table.rows
    return [row_line(header), "|" + "|".join(["---"] * width) + "|", *(row_line(row) for row in rows)]


# ----------------------------------------------------------------- the project


def check_out_dir(out_dir: Path, force: bool) -> None:
    """Refuse to write into a folder that holds anything, unless ``force``."""
    if out_dir.exists() and not out_dir.is_dir():
        raise PublisherError(f"'{out_dir}' is a file, not a folder", Pos(out_dir), "give a new folder with -o")
    if out_dir.is_dir() and any(out_dir.iterdir()) and not force:
        raise PublisherError(
            f"folder '{out_dir}' is not empty",
            Pos(out_dir),
            "give a new folder with -o, or add --force to write into it (files of the same name are replaced)",
        )


def write_project(
    out_dir: Path, rendered: ReportText, suggestions: str, images: dict[str, bytes], force: bool
) -> list[Path]:
    """Write the project's files; returns their paths relative to ``out_dir``."""
    check_out_dir(out_dir, force)
    files: dict[Path, bytes] = {
        REPORT: rendered.text.encode("utf-8"),
        CHARTS / "example.yaml": EXAMPLE_CHART.encode("utf-8"),
        CHARTS / "suggestions.yaml": suggestions.encode("utf-8"),
    }
    for name, data in images.items():
        files[Path(name)] = data
    try:
        for rel, data in files.items():
            target = out_dir / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
    except OSError as exc:
        from ..errors import EnvironmentProblem

        raise EnvironmentProblem(
            f"cannot write the project: {exc.strerror}", Pos(Path(exc.filename or out_dir)), "check the folder"
        ) from None
    return sorted(files)
