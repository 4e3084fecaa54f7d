"""The change report: real builds with known edits, compared with ``publisher diff``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.commands.cli import main
from publisher.diff import Comparison, compare, diff_pdfs, page_ranges, take_snapshot, text_changes
from publisher.diff import TextLine as Line
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.pipeline import build

from .conftest import pdftotext

FILLER = "街道坚持以人民为中心的发展思想，稳步推进各项工作，群众的获得感不断增强。"
CHART = "id: a\ntype: bar\ntitle: 主要指标\nlabels: [甲, 乙]\nvalues: [3, 5]\n"


def report(paragraphs: dict[int, str]) -> str:
    """A report of twelve sections, long enough for several pages; paragraph 9 is followed by a chart."""
    parts = ["---\ntitle: 测试\nname: t\n---\n", "# 工作情况\n"]
    for n in range(1, 13):
        parts.append(f"## 第{n}节\n\n{paragraphs.get(n, f'第{n}段：' + FILLER * 6)}\n")
        if n == 9:
            parts.append("![](chart:a)\n")
    return "\n".join(parts)


@dataclass
class Builds:
    """PDFs of one project: the original and versions with one known edit each."""

    base: Path
    word: Path
    """Two characters of paragraph 7 replaced by two others: nothing moves."""
    insert: Path
    """A sentence added to paragraph 2: the rest of the document moves down."""
    chart: Path
    """A value of the chart changed."""


WORD_OLD = f"第7段：{FILLER}"
WORD_NEW = WORD_OLD.replace("稳步推进", "加快推进", 1)
INSERTED = "新增一句说明文字，介绍本年度新设立的便民服务中心的工作安排。"


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Builds]:
    root = tmp_path_factory.mktemp("diff-project")
    (root / "source" / "charts").mkdir(parents=True)
    (root / "source" / "charts" / "a.yaml").write_text(CHART, encoding="utf-8")
    renderer = PdfWriter()
    out = root / "pdfs"

    def make(name: str, paragraphs: dict[int, str] | None = None, chart: str = CHART) -> Path:
        (root / "source" / "report.md").write_text(report(paragraphs or {}), encoding="utf-8")
        (root / "source" / "charts" / "a.yaml").write_text(chart, encoding="utf-8")
        return build(BuildOptions(project=root, output=out / f"{name}.pdf"), renderer).output

    yield Builds(
        base=make("base"),
        word=make("word", {7: WORD_NEW + FILLER * 5}),
        insert=make("insert", {2: "第2段：" + FILLER * 3 + INSERTED + FILLER * 3}),
        chart=make("chart", chart=CHART.replace("[3, 5]", "[3, 8]")),
    )


def page_of(pdf: Path, text: str) -> int:
    pages = pdftotext(pdf).split("\f")
    found = [n for n, page in enumerate(pages, start=1) if text in re.sub(r"\s", "", page)]
    assert len(found) == 1, (text, found)
    return found[0]


def compared(tmp_path: Path, old: Path, new: Path) -> Comparison:
    return compare(take_snapshot(old, tmp_path / "old"), take_snapshot(new, tmp_path / "new"))


def test_a_one_word_edit_is_that_page_and_that_text(builds: Builds, tmp_path: Path) -> None:
    page = page_of(builds.base, "第7段")
    assert len(pdftotext(builds.base).split("\f")) > page + 1  # pages follow it: they must stay unchanged
    report_file = tmp_path / "changes.html"
    comparison = diff_pdfs(builds.base, builds.word, report_file)
    assert comparison.changed_pages() == [page]
    assert comparison.with_status("moved") == []
    [change] = comparison.text
    assert (change.removed, change.added, change.old_page, change.new_page) == ("稳步", "加快", page, page)
    assert change.describe() == "“稳步推进各项工” → “加快推进各项工”"
    assert comparison.summary() == f"changed p. {page} (text)"

    html = report_file.read_text(encoding="utf-8")
    assert re.findall(r'<section class="page" id="p(\d+)"', html) == [str(page)]
    assert "<del>稳步</del><ins>加快</ins>" in html
    assert f"Content changed on page {page};" in html
    assert html.count("data:image/png;base64,") == 2  # that page, before and after


def test_an_insertion_changes_its_page_and_only_moves_the_next(builds: Builds, tmp_path: Path) -> None:
    page, toc = page_of(builds.base, "第2段"), page_of(builds.base, "目录")
    comparison = compared(tmp_path, builds.base, builds.insert)
    assert comparison.changed_pages() == [toc, page]
    body = [change for change in comparison.text if change.new_page == page]
    assert [(c.removed, c.added) for c in body] == [("", INSERTED)]
    # The table of contents changed too: sections moved to later pages.
    toc_changes = [change for change in comparison.text if change.new_page == toc]
    assert toc_changes and all(re.fullmatch(r"\d+", c.added) for c in toc_changes)
    moved = [p.number for p in comparison.with_status("moved")]
    assert moved and min(moved) == page + 1  # the text pushed down is reported as moved, not changed
    # the chart on a later page moved too, and is not reported as a changed drawing
    assert all(not p.drawings for p in comparison.pages)


def test_a_changed_chart_is_named_by_its_caption(builds: Builds, tmp_path: Path) -> None:
    page = page_of(builds.base, "主要指标")
    comparison = compared(tmp_path, builds.base, builds.chart)
    assert comparison.changed_pages() == [page]
    [diff] = comparison.with_status("changed")
    names = [name for name, _ in diff.drawings]
    assert names and all(name.startswith("图 1") for name in names)
    assert [(c.removed, c.added) for c in diff.text] == [("5", "8")]  # the value label


def test_identical_pdfs(builds: Builds, tmp_path: Path) -> None:
    comparison = diff_pdfs(builds.base, builds.base, tmp_path / "same.html")
    assert comparison.summary() == "no visible change"
    assert comparison.text == []
    assert "No visible change" in (tmp_path / "same.html").read_text(encoding="utf-8")


def test_diff_command(builds: Builds, tmp_path: Path) -> None:
    page = page_of(builds.base, "第7段")
    out = tmp_path / "r.html"
    result = CliRunner().invoke(main, ["diff", str(builds.base), str(builds.word), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        f"changed p. {page} (text)",
        f"  p. {page}: “稳步推进各项工” → “加快推进各项工”",
        f"wrote {out}",
    ]
    assert out.is_file()


def test_diff_command_default_report_name(builds: Builds) -> None:
    result = CliRunner().invoke(main, ["diff", str(builds.base), str(builds.insert)])
    assert result.exit_code == 0, result.output
    assert (builds.insert.parent / "insert-changes.html").is_file()


def test_diff_errors_are_clean(builds: Builds, tmp_path: Path) -> None:
    not_pdf = tmp_path / "notes.pdf"
    not_pdf.write_text("not a PDF", encoding="utf-8")
    cases = [
        ([str(tmp_path / "missing.pdf"), str(builds.base)], r"^error: '.*missing\.pdf' does not exist"),
        ([str(not_pdf), str(builds.base)], r"^error: '.*notes\.pdf' is not a readable PDF"),
        ([str(builds.base), str(builds.word), "-o", str(tmp_path / "r.txt")], r"^error: report '.*r\.txt' must be"),
    ]
    for args, message in cases:
        result = CliRunner().invoke(main, ["diff", *args])
        assert result.exit_code == 1, result.output
        assert re.search(message, result.output, re.M), result.output
        assert "Traceback" not in result.output


def line(page: int, text: str, y: float) -> Line:
    from publisher.diff import Box

    return Line(page, text, Box(0, y, 10 * len(text), y + 10))


def test_text_moved_to_the_next_page_is_not_a_change() -> None:
    old = [line(1, "甲乙丙丁", 10), line(1, "戊己庚辛", 20), line(2, "壬癸", 10)]
    new = [line(1, "甲乙丙丁", 10), line(2, "戊己庚辛", 10), line(2, "壬癸", 20)]
    assert text_changes(old, new) == []


def test_rewrapped_lines_give_the_edited_words() -> None:
    old = [line(3, "一二三四五", 10), line(3, "六七八九十", 20)]
    new = [line(3, "一二三新增四", 10), line(3, "五六七八九", 20), line(4, "十", 10)]
    [change] = text_changes(old, new)
    assert (change.removed, change.added, change.new_page) == ("", "新增", 3)
    assert [page for page, _ in change.new_boxes] == [3]


def test_page_ranges() -> None:
    assert page_ranges([5, 1, 2, 3, 9, 10]) == "1–3, 5, 9–10"
    assert page_ranges([]) == ""


def test_pages_a_warm_rebuild_kept_are_not_rendered_again(builds: Builds, tmp_path: Path) -> None:
    old = take_snapshot(builds.base, tmp_path / "old")
    page = page_of(builds.base, "第7段")
    others = [p.number for p in old.pages if p.number != page]
    hinted = take_snapshot(builds.word, tmp_path / "hinted", old, unchanged=others)
    full = take_snapshot(builds.word, tmp_path / "full", old)
    for number in others:
        assert hinted.pages[number - 1].image.stat().st_ino == old.pages[number - 1].image.stat().st_ino
    assert [p.digest for p in hinted.pages] == [p.digest for p in full.pages]
    assert compare(old, hinted).changed_pages() == compare(old, full).changed_pages() == [page]
