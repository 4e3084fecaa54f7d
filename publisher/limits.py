"""Limits on what one document may hold, so a hostile or broken source ends in a clear error, not a hang.

A yearly work report has a few dozen headings, a few dozen notes, paragraphs of a few hundred
characters and tables of a few hundred rows. Each limit below is far above that and far below
what makes the typesetter run for minutes or out of memory; README "Security" lists them (with
the YAML limits of :mod:`publisher.yamlpos` and the chart limits).
"""

from __future__ import annotations

from pathlib import Path

from markdown_it.token import Token

from .errors import Pos, PublisherError

MAX_HEADINGS = 5_000
MAX_FOOTNOTES = 10_000
MAX_PARAGRAPH_CHARS = 100_000
MAX_TABLE_ROWS = 5_000
MAX_NESTING = 32
"""Lists, quotes, emphasis and links inside one another, counted together."""
MAX_CHART_ENTRIES = 500
"""Entries of one list in a chart spec (labels, values, rows, series, cards) and rows of its CSV data."""
MAX_CHART_VALUES = 5_000
"""Values of one chart over all its series, rows and cells (500 series of 500 values is 250,000 bars)."""
MAX_LINES = 50_000
"""Lines of one Markdown body: a 300-page report has about 10,000. Checked before the text is parsed
(a million blank lines took 15 s, 400,000 one-word paragraphs 8 minutes and 1.3 GB)."""

MAX_DIFF_PAGES = 500
"""Pages of one PDF that ``publisher diff`` compares, counted in A4 pages (a larger page counts as the A4
pages it would cover): every page is rendered to an image and compared, about 0.3 s and 240 KB of temporary
image each (1,000 pages took minutes and left 2.8 GB of images)."""
MAX_DIFF_PAGE_MM = 1_200
"""The longest page side ``publisher diff`` renders (A0 is 841 × 1189 mm): two pages of 9000 pt (3175 mm)
took 58 s and 3.7 GB."""


def check_lines(body: str, path: Path, body_line: int) -> None:
    """Raise a :class:`PublisherError` at the first line past :data:`MAX_LINES`, before anything is parsed."""
    if body.count("\n") < MAX_LINES:
        return
    where = Pos(path, body_line + MAX_LINES, 1)
    _at_most(MAX_LINES + 1, MAX_LINES, "lines in one source file", where, "split the report into parts")


def check_tokens(tokens: list[Token], path: Path, body_line: int) -> None:
    """Raise a :class:`PublisherError` at the first place where the parsed body passes one of the limits."""
    headings = footnotes = rows = 0
    line = 0
    for index, token in enumerate(tokens):
        if token.map:
            line = token.map[0]
        where = Pos(path, line + body_line, 1)
        if token.type == "heading_open":
            headings += 1
            _at_most(headings, MAX_HEADINGS, "headings in one document", where, "split the report into parts")
        elif token.type == "footnote_open":  # a definition, moved to the end by the footnote plugin
            footnotes += 1
            following = tokens[index + 1].map if index + 1 < len(tokens) else None
            where = Pos(path, following[0] + body_line, 1) if following else where
            _at_most(footnotes, MAX_FOOTNOTES, "footnotes in one document", where, "split the report into parts")
        elif token.type == "table_open":
            rows = 0
        elif token.type == "tr_open":
            rows += 1
            _at_most(rows, MAX_TABLE_ROWS, "rows in one table", where, "split the table, or print it as an annex")
        elif token.type == "inline" and index and tokens[index - 1].type == "paragraph_open":
            _at_most(
                len(token.content), MAX_PARAGRAPH_CHARS, "characters in one paragraph", where,
                "a paragraph ends at a blank line: put one between paragraphs",
            )  # fmt: skip
        depth = token.level
        for child in token.children or ():
            depth += child.nesting
            _at_most(
                depth + (child.nesting < 0), MAX_NESTING, "levels of nesting (lists, quotes, emphasis, links)",
                where, "emphasis marks (* and _) that are meant as text need a backslash: \\*",
            )  # fmt: skip
        _at_most(token.level, MAX_NESTING, "levels of nesting (lists, quotes, emphasis, links)", where,
                 "flatten the lists and quotes")  # fmt: skip


def _at_most(count: int, limit: int, what: str, where: Pos, hint: str) -> None:
    if count > limit:
        raise PublisherError(f"more than {limit:,} {what}", where, hint)
