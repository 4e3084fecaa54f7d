"""Page composition read back from the PDF: pages are full but at the end of a part.

A page's shortfall is the whole body lines that would fit between its last
line or picture and the foot of its type area (pdfplumber: characters,
rules, drawings and images; the body's line pitch measured on the pages).
More than two lines short is allowed only on the last page of a part (the
next page starts with a part title) or of the front matter, and where a keep
rule leaves no choice, which ``--verbose`` then names (``BuildResult``
notes).
"""

from __future__ import annotations

import dataclasses
import itertools
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from pdfplumber.pdf import PDF

from publisher.editions import BUILTIN
from publisher.engine.weasyprint.floats import MAX_SHORT_LINES
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.pipeline import BuildResult, build, build_editions

from .conftest import REPO, ProjectMaker, Sample

PT_PER_MM = 72 / 25.4
PART_TITLE_PT = 20.0
"""A line this size or larger is a part's title (``h1``)."""


@dataclasses.dataclass
class Measured:
    short: dict[int, int]
    """Page number (1-based) → whole body lines missing."""
    part_starts: set[int]
    pages: int


def _pitch(pdf: PDF) -> tuple[float, float]:
    """The body's type size and line pitch: the commonest size, and the commonest distance between its lines."""
    sizes = Counter(round(c["size"], 1) for page in pdf.pages for c in page.chars)
    body = sizes.most_common(1)[0][0]
    steps: Counter[float] = Counter()
    for page in pdf.pages:
        tops = sorted({round(c["top"], 1) for c in page.chars if round(c["size"], 1) == body})
        steps.update(round(b - a, 1) for a, b in itertools.pairwise(tops) if b - a > body)
    return body, steps.most_common(1)[0][0]


def measure(path: Path, bottom_margin_mm: float) -> Measured:
    short: dict[int, int] = {}
    starts: set[int] = set()
    with pdfplumber.open(path) as pdf:
        _, pitch = _pitch(pdf)
        for number, page in enumerate(pdf.pages, start=1):
            area_bottom = float(page.height) - bottom_margin_mm * PT_PER_MM
            objects = [*page.chars, *page.rects, *page.lines, *page.curves, *page.images]
            bottoms = [float(o["bottom"]) for o in objects if float(o["top"]) < area_bottom - 1]
            if any(c["size"] >= PART_TITLE_PT and c["top"] < page.height / 3 for c in page.chars):
                starts.add(number)
            if not bottoms:
                continue
            missing = int((area_bottom - max(bottoms)) / pitch + 0.02)
            if missing > MAX_SHORT_LINES:
                short[number] = missing
        return Measured(short, starts, len(pdf.pages))


def unexplained(measured: Measured, notes: list[str]) -> dict[int, int]:
    """Short pages that are neither the end of a part (or the front matter) nor named by ``--verbose``."""
    first_part = min(measured.part_starts)
    named = {int(m[1]) for note in notes if (m := re.match(r"page (\d+) ends", note))}
    return {
        number: lines
        for number, lines in measured.short.items()
        if not (number < first_part or number + 1 in measured.part_starts or number in (measured.pages, *named))
    }


@pytest.fixture(scope="module")
def gongwen(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    out = tmp_path_factory.mktemp("composition") / "gongwen.pdf"
    return out, build(BuildOptions(project=REPO, output=out, theme="gongwen"))


@pytest.fixture(scope="module")
def booklet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, BuildResult]:
    """The booklet's A5 pages, one a page (not imposed)."""
    out = tmp_path_factory.mktemp("composition")
    flat = dataclasses.replace(BUILTIN["booklet"], name="booklet-flat", impose="")
    (result,) = build_editions(BuildOptions(project=REPO, output=out / "r"), [flat], PdfWriter())
    return result.output, result


def _check(path: Path, result: BuildResult, bottom_margin_mm: float) -> Measured:
    measured = measure(path, bottom_margin_mm)
    assert measured.part_starts, "no part title found: the measure reads the wrong size"
    assert unexplained(measured, result.warnings.notes) == {}, (measured.short, result.warnings.notes)
    # What --verbose names is what the PDF shows, page for page.
    for note in result.warnings.notes:
        number = int(note.split()[1])
        assert number in measured.short or number < min(measured.part_starts), note
    named = {int(note.split()[1]) for note in result.warnings.notes}
    assert set(measured.short) - named <= {n for n in measured.short if n < min(measured.part_starts)}
    return measured


def test_report_pages_are_full_but_at_part_ends(sample: Sample) -> None:
    _check(sample.pdf, sample.result, 24)
    assert not [note for note in sample.result.warnings.notes if "keep rule" in note]


def _opens_with_a_heading(path: Path, numbers: set[int]) -> dict[int, str]:
    """Of pages ``numbers``, those whose first line is not in a heading's face (the body's is the commonest)."""
    with pdfplumber.open(path) as pdf:
        body = Counter(c["fontname"] for page in pdf.pages for c in page.chars).most_common(1)[0][0]
        found = {}
        for number in numbers:
            chars = [c for c in pdf.pages[number - 1].chars if c["text"].strip()]
            top = min(c["top"] for c in chars)
            first = [c for c in chars if abs(c["top"] - top) < 1]
            if Counter(c["fontname"] for c in first).most_common(1)[0][0] == body:
                found[number] = "".join(c["text"] for c in first)
        return found


def test_gongwen_pages_are_full_but_at_part_ends(gongwen: tuple[Path, BuildResult]) -> None:
    """On the 22-line grid nothing is spread: a page may end short where a heading (two lines, kept with two of
    its text) does not fit under a figure; the next page then opens with that heading."""
    _check(*gongwen, 35)
    kept = {int(note.split()[1]) for note in gongwen[1].warnings.notes if "keep rule" in note}
    assert _opens_with_a_heading(gongwen[0], {number + 1 for number in kept}) == {}


def test_booklet_pages_are_full_but_at_part_ends(booklet: tuple[Path, BuildResult]) -> None:
    _check(*booklet, 18)


def test_a_figure_that_does_not_fit_floats_past_the_text_after_it(make_project: ProjectMaker, tmp_path: Path) -> None:
    """A figure too tall for the rest of the page waits on the next page; the paragraphs after it fill this one."""
    para = "本段文字用于填充页面，检验图表在放不下时是否向后浮动，而后面的正文先把本页排满。" * 6
    body = "# 第一部分\n\n" + "\n\n".join([para] * 2) + "\n\n![](chart:big)\n\n" + "\n\n".join([para] * 6) + "\n"
    chart = (
        "id: big\ntype: bar\ntitle: 大图\ncaption: 大图\nunit: 个\n"
        "labels: [甲, 乙, 丙, 丁]\nvalues: [1, 2, 3, 4]\nheight: 150\n"
    )
    project = make_project(body, charts={"big.yaml": chart})
    out = tmp_path / "f.pdf"
    result = build(BuildOptions(project=project, output=out))
    measured = measure(out, 24)
    body_pages = range(3, measured.pages)  # after the cover and the contents, before the last page
    assert not {n: lines for n, lines in measured.short.items() if n in body_pages}, measured.short
    assert result.warnings.notes == [] or all("end of" in note for note in result.warnings.notes)


# ------------------------------------------------------------------------------------------ contents


def _toc_entries(page: Any) -> list[list[dict[str, Any]]]:
    """The lines of a contents page that end in a page number, as lists of characters left to right."""
    lines: dict[float, list[dict[str, Any]]] = {}
    for char in page.chars:
        lines.setdefault(round(float(char["bottom"]), 0), []).append(char)
    found = []
    for chars in lines.values():
        chars.sort(key=lambda c: c["x0"])
        if chars[-1]["text"].isdigit() and len(chars) > 3:
            found.append(chars)
    return found


def test_every_contents_entry_has_a_leader_a_gap_and_its_number_in_a_column(sample: Sample) -> None:
    with pdfplumber.open(sample.pdf) as pdf:
        page = pdf.pages[1]
        assert "目" in page.extract_text()
        entries = _toc_entries(page)
        assert len(entries) == 12
        ends = set()
        for chars in entries:
            digits = len(chars) - next(n for n, c in enumerate(reversed(chars)) if not c["text"].isdigit())
            number, before = chars[digits:], chars[:digits]
            dots = [c for c in before if c["text"] == "."]
            assert len(dots) >= 2, "".join(c["text"] for c in chars)
            text_end = max(c["x1"] for c in before if c["text"] not in ". \u00a0")
            assert dots[0]["x0"] >= text_end, "".join(c["text"] for c in chars)
            gap = number[0]["x0"] - dots[-1]["x1"]
            assert gap >= 0.25 * number[0]["size"], ("".join(c["text"] for c in chars), gap)
            ends.add(round(float(number[-1]["x1"]), 0))
        assert len(ends) == 1, ends  # one column of page numbers, flush right
        # A wrapped entry hangs under its text, after its 一、
        lines = sorted({round(float(c["top"]), 0) for c in page.chars if c["text"] == "一"})
        starts = {round(float(c["x0"]), 0) for c in page.chars if c["text"] in "提"}
        assert max(starts) > min(c["x0"] for c in page.chars if c["text"] == "一") + 15, (lines, starts)


def test_leaders_are_one_run_a_line(sample: Sample) -> None:
    """The dot leaders cost one text run a line, not one per dot (a long contents took minutes)."""
    import pikepdf

    with pikepdf.open(sample.pdf) as pdf:
        operators = [item.operator for item in pikepdf.parse_content_stream(pdf.pages[1])]
    shows = sum(1 for op in operators if str(op) in ("Tj", "TJ"))
    assert shows < 12 * 6, shows  # 12 entries: text, leader, number (about 110 dots a line before)


def _header_objects(page: Any, top_mm: float) -> list[dict[str, Any]]:
    limit = top_mm * PT_PER_MM
    return [o for o in (*page.chars, *page.rects, *page.lines) if float(o["bottom"]) < limit]


def test_no_running_head_on_a_part_opening_page_one_rule_on_the_others(sample: Sample) -> None:
    with pdfplumber.open(sample.pdf) as pdf:
        measured = measure(sample.pdf, 24)
        first = min(n for n in measured.part_starts if n > 3)
        for number in sorted(measured.part_starts):
            if number > 3:
                assert _header_objects(pdf.pages[number - 1], 24) == [], number
        page = pdf.pages[first]  # the page after the first part's opening page
        rules = [o for o in (*page.rects, *page.lines) if float(o["bottom"]) < 24 * PT_PER_MM]
        width = float(page.width) - 50 * PT_PER_MM
        assert rules and sum(float(r["x1"]) - float(r["x0"]) for r in rules) > width - 1, rules
        assert len({round(float(r["top"]), 0) for r in rules}) == 1
        rule_bottom = max(float(r["bottom"]) for r in rules)
        body = [c for c in page.chars if float(c["top"]) > rule_bottom]
        assert min(float(c["top"]) for c in body) - rule_bottom >= 3 * PT_PER_MM


def test_the_contents_start_on_a_right_hand_page_in_the_booklet(booklet: tuple[Path, BuildResult]) -> None:
    with pdfplumber.open(booklet[0]) as pdf:
        assert not pdf.pages[1].chars  # the cover's back
        assert "目" in pdf.pages[2].extract_text()
