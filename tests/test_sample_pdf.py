"""The sample report, built for real and read back from the PDF."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from pdfplumber.pdf import PDF
from pypdf import PdfReader
from pypdf.generic import Destination

from publisher.model import Heading
from publisher.pdfread import open_pdf
from publisher.typeset.normalize import normalize

from .conftest import SEED, Sample

BODY_TOP, BODY_BOTTOM = 24 / 25.4 * 72, 24 / 25.4 * 72  # page margins of the report theme, in pt


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def body_text(pdf: PDF) -> str:
    """Text of the type area of every page (no running heads, no folios)."""
    parts = []
    for page in pdf.pages:
        area = page.crop((0, BODY_TOP, page.width, page.height - BODY_BOTTOM))
        parts.append(area.extract_text() or "")
    return "".join(parts)


def outline(reader: PdfReader) -> list[tuple[int, str, int, float]]:
    """(level, title, page index, top) of every bookmark, in order."""
    found: list[tuple[int, str, int, float]] = []

    def walk(items: Any, level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                assert isinstance(item, Destination)
                page = reader.get_destination_page_number(item)
                assert page is not None
                found.append((level, str(item.title), page, float(item.get("/Top", 0))))

    walk(reader.outline, 1)
    return found


def test_build_is_clean(sample: Sample) -> None:
    assert sample.result.warnings.warnings == []
    assert 14 <= sample.result.pages <= 24


@pytest.mark.skipif(not SEED.is_file(), reason="shared/seed is not beside the repository")
def test_every_paragraph_of_the_seed_is_in_the_pdf(sample_plumber: PDF) -> None:
    text = squash(body_text(sample_plumber))
    lines = SEED.read_text(encoding="utf-8").splitlines()
    assert lines[-1].startswith("有话要说")
    # The PDF shows the normalised text (full-width punctuation); the source keeps the original.
    missing = [line[:30] for line in lines[:-1] if squash(normalize(line)[0]) not in text]
    assert missing == []
    assert "有话要说" not in text


def test_bookmarks_are_the_headings(sample: Sample) -> None:
    reader = PdfReader(sample.pdf)
    marks = [(level, title) for level, title, _, _ in outline(reader)]
    headings = [(h.level, h.text) for h in sample.result.document.headings()]
    assert marks == headings
    assert len([m for m in marks if m[0] == 3]) == 37  # every run-in (一)… heading


def test_toc_entries_point_at_their_pages(sample: Sample) -> None:
    reader = PdfReader(sample.pdf)
    pages_of = {title: page + 1 for _, title, page, _ in outline(reader)}
    toc = sample.text_by_page[1]
    assert "目" in toc and "录" in toc
    chapters = [h for h in sample.result.document.headings() if h.level == 2]
    for heading in chapters:
        escaped = re.escape(heading.text[:12])
        match = re.search(escaped + r"[^\d]*?(\d+)\s*$", toc, re.M)  # an entry may wrap: its number ends it
        assert match, heading.text
        printed = int(match[1])
        assert printed == pages_of[heading.text], heading.text
        # and the heading really is on that page
        assert squash(heading.text)[:12] in squash(sample.text_by_page[printed - 1])


def test_fonts_are_bundled_embedded_and_subset(sample: Sample) -> None:
    out = subprocess.run(["pdffonts", str(sample.pdf)], check=True, capture_output=True, text=True).stdout
    rows = out.splitlines()[2:]
    assert rows
    for row in rows:
        name, *_rest = row.split()
        cols = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+Publisher-(Serif|Sans|Kai)(-Bold)?", name), row
        emb, sub, uni = cols[-5], cols[-4], cols[-3]
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row


def test_metadata_and_language(sample: Sample) -> None:
    reader = PdfReader(sample.pdf)
    root: Any = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-CN"
    meta = reader.metadata
    assert meta is not None
    assert meta.title == "祖庙街道工作报告"
    assert meta.author == "佛山市禅城区祖庙街道"
    assert meta.subject == "祖庙街道2021年工作回顾和2022年工作安排"
    assert "工作报告" in str(meta.get("/Keywords"))


def test_figure_captions_are_numbered_in_order(sample: Sample) -> None:
    text = "".join(sample.text_by_page)
    numbers = [int(n) for n in re.findall(r"图\s*(\d+)\s", text)]
    figures = sample.result.document.figures()
    assert len(figures) >= 8
    numbered = [f for f in figures if f.label]
    assert len(numbered) == len(figures) - 1  # the KPI page is titled, not numbered
    assert numbers == list(range(1, len(numbered) + 1))


def test_charts_are_vector_with_text(sample: Sample) -> None:
    reader = PdfReader(sample.pdf)
    for page in reader.pages:
        assert not page.images, "charts must be vector drawings, not images"
    text = "".join(sample.text_by_page)
    for label in ("物业小区党组织", "新建污水管网", "31.26", "单位：万人次", "老旧小区改造工程"):
        assert label in text


def test_cover_and_kpi_page(sample: Sample) -> None:
    cover = squash(sample.text_by_page[0])
    assert cover.startswith("佛山市禅城区祖庙街道祖庙街道工作报告")
    kpi = squash(sample.text_by_page[2])
    for figure in ("704.83", "亿元", "8.0%", "102", "7.2%", "2.15"):
        assert figure in kpi
    assert kpi.startswith("2021年主要指标") and "图" not in kpi  # the page's title, no figure number


def test_the_kpi_page_fills_its_page_under_one_rule(sample_plumber: PDF) -> None:
    page = sample_plumber.pages[2]
    cards = [r for r in page.rects if float(r["height"]) > 100]
    assert len(cards) == 6
    tint = cards[0]["non_stroking_color"]
    # a border is painted as the area between two rectangles: one rule is one place with rectangles of its colour
    rules = {(round(float(r["x0"])), round(float(r["top"]))) for r in page.rects
             if float(r["width"]) > 100 and r["non_stroking_color"] != tint}  # fmt: skip
    assert len(rules) == 1, rules  # under the title; the cards have none of their own
    assert not page.lines
    bottom = max(float(r["bottom"]) for r in cards)
    assert page.height - BODY_BOTTOM - bottom < 12 * 72 / 25.4  # within 12 mm of the type area's foot
    # 2.15% with no gap before the sign, 704.83 亿元 with the Han–digit gap
    chars = page.chars
    sign = next(i for i, c in enumerate(chars) if c["text"] == "%" and chars[i - 1]["text"] == "5")
    assert float(chars[sign]["x0"]) - float(chars[sign - 1]["x1"]) < 0.5
    unit = next(i for i, c in enumerate(chars) if c["text"] == "亿" and chars[i - 1]["text"] == "3")
    assert float(chars[unit]["x0"]) - float(chars[unit - 1]["x1"]) > 2


def test_first_line_indent_is_two_em(sample_plumber: PDF) -> None:
    page = sample_plumber.pages[3]  # the part opener of 2021
    lines: dict[float, list[dict[str, Any]]] = {}
    for char in page.chars:
        lines.setdefault(round(float(char["top"]), 0), []).append(char)
    starts = {top: min(float(c["x0"]) for c in chars) for top, chars in lines.items()}
    first_top = next(
        top for top, chars in sorted(lines.items()) if "".join(str(c["text"]) for c in chars).startswith("2021年是")
    )
    size = float(next(c["size"] for c in lines[first_top]))
    following = [x for top, x in sorted(starts.items()) if top > first_top][:3]
    left = min(following)
    assert starts[first_top] - left == pytest.approx(2 * size, abs=0.5)


def test_running_header_names_the_chapter_of_the_page(sample: Sample, sample_plumber: PDF) -> None:
    reader = PdfReader(sample.pdf)
    marks = outline(reader)
    body_top_y = sample_plumber.pages[0].height - BODY_TOP
    by_text = {h.text: h for h in sample.result.document.headings()}
    checked = 0
    for index, page in enumerate(sample_plumber.pages[4:], start=4):
        head = page.crop((page.width / 2, 0, page.width, BODY_TOP)).extract_text() or ""
        # the chapter in force where the page starts: the last level-2 heading before
        # this page, or the one at the very top of it
        current: Heading | None = None
        for level, title, mark_page, top in marks:
            if level == 1 and (mark_page < index or (mark_page == index and top >= body_top_y - 30)):
                current = None
            if level == 2 and (mark_page < index or (mark_page == index and top >= body_top_y - 30)):
                current = by_text[title]
        expected = current.short_text if current else ""
        assert squash(head) == squash(expected), f"page {index + 1}"
        checked += 1
    assert checked > 10


def test_the_measurements_read_each_glyph_where_it_is_drawn(sample: Sample, sample_plumber: PDF) -> None:
    """Each CJK line carries its text as ActualText; PDFium gives that text spread evenly over the line unless
    :mod:`publisher.pdfread` sets it aside. pdfminer (pdfplumber) reads the glyphs: both agree on every page."""
    with open_pdf(sample.pdf) as pdf:
        for page, plumbed in zip(pdf.pages(), sample_plumber.pages, strict=True):
            ours = sorted((round(c.top), c.x0, c.text) for c in page.chars() if c.text.strip())
            theirs = sorted((round(float(c["top"])), float(c["x0"]), str(c["text"])) for c in plumbed.chars)
            theirs = [char for char in theirs if char[2].strip()]
            assert [c[2] for c in ours] == [c[2] for c in theirs], f"page {page.index + 1}"
            worst = max((abs(a[1] - b[1]) for a, b in zip(ours, theirs, strict=True)), default=0.0)
            assert worst < 0.05, f"page {page.index + 1}: a glyph {worst:.1f} pt from its place"
