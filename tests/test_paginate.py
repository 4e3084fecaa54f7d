"""Pagination lays out each page once, and gives the pages WeasyPrint's own pagination gives.

WeasyPrint makes every page after the table of contents again when the
contents, once their page numbers are known, take one page more: the
publisher's pagination shifts those pages instead. Each test builds a
project with both paginations (``layout_document``, WeasyPrint's, as the
reference) and compares the PDFs byte for byte.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from publisher.engine.weasyprint import paginate
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.pipeline import build

from .conftest import ProjectMaker

PARAGRAPH = "坚持学懂弄通做实新时代中国特色社会主义思想,精心组织系列活动,推动各项工作落地见效。" * 5
BRANCHES = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉戌亥"
LONG_TITLE = "关于深入推进基层治理现代化建设的若干工作措施和实施情况第项目组织推进落实进展"
"""With the branch character 39 characters: a contents line fits one line with a one-digit page number, not with two."""


NARROW_NUMBERS = ".toc li { padding-right: 0.6em; } .toc a::after { margin-right: -0.6em; }\n"
"""The page numbers' column narrower than two digits and a leader (the themes make it wide enough for three):
a number then decides where its entry wraps, as it did before the column."""


def contents_that_grow(make_project: ProjectMaker, sections: int = 39) -> Path:
    """A report whose table of contents takes one page more once its page numbers are known."""
    parts = ["# 第一部分\n"]
    for n in range(1, sections + 1):
        parts.append(f"## {LONG_TITLE}{BRANCHES[n % len(BRANCHES)]}\n\n{PARAGRAPH}\n\n{PARAGRAPH}\n")
    root = make_project("\n".join(parts))
    theme = root / "styles" / "report" / "theme.css"
    theme.parent.mkdir(parents=True)
    theme.write_text(NARROW_NUMBERS, encoding="utf-8")
    return root


def weasyprint_pdf(options: BuildOptions, monkeypatch: pytest.MonkeyPatch) -> bytes:
    """The PDF with WeasyPrint's own pagination (``layout_document``)."""
    from weasyprint.layout import layout_document

    with monkeypatch.context() as patch:
        patch.setattr(paginate, "layout", lambda html, box, context, remote: list(layout_document(html, box, context)))
        return build(options, PdfWriter(incremental=False)).output.read_bytes()


def test_contents_that_grow_shift_the_pages_after_them(
    make_project: ProjectMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stats: list[paginate.Stats]
) -> None:
    root = contents_that_grow(make_project)
    options = BuildOptions(project=root, output=tmp_path / "ours.pdf")
    result = build(options, PdfWriter(incremental=False))
    made = stats[-1]
    assert made.shifts == [1]  # the contents took one page more
    assert made.made < result.pages * 1.4  # WeasyPrint lays out every page after the contents twice
    assert made.shifted >= result.pages - 5
    assert result.output.read_bytes() == weasyprint_pdf(
        BuildOptions(project=root, output=tmp_path / "ref.pdf"), monkeypatch
    )


def test_left_and_right_pages_that_differ_are_laid_out_again(
    make_project: ProjectMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, stats: list[paginate.Stats]
) -> None:
    """An odd shift moves right pages to the left: when their margins differ, they are laid out again."""
    root = contents_that_grow(make_project)
    theme = root / "styles" / "report" / "theme.css"
    theme.write_text(NARROW_NUMBERS + "@page :left { margin-left: 30mm; }\n", encoding="utf-8")
    options = BuildOptions(project=root, output=tmp_path / "ours.pdf")
    result = build(options, PdfWriter(incremental=False))
    assert stats[-1].shifted == 0
    assert stats[-1].made > result.pages * 1.5
    assert result.output.read_bytes() == weasyprint_pdf(
        BuildOptions(project=root, output=tmp_path / "ref.pdf"), monkeypatch
    )


@pytest.mark.parametrize("theme", ["report", "gongwen"])
def test_footnotes_and_themes(
    make_project: ProjectMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, theme: str
) -> None:
    notes = "".join(f"第{n}段:{PARAGRAPH}[^n{n}]\n\n" for n in range(1, 16))
    notes += "".join(f"[^n{n}]: 注释{n}:" + "相关数据来源于年度统计。" * 4 + "\n" for n in range(1, 16))
    root = make_project("# 一\n\n" + notes + "\n# 二\n\n" + notes.replace("[^n", "[^m"))
    ours = build(BuildOptions(project=root, theme=theme, output=tmp_path / "ours.pdf"), PdfWriter(incremental=False))
    reference = weasyprint_pdf(BuildOptions(project=root, theme=theme, output=tmp_path / "ref.pdf"), monkeypatch)
    assert ours.output.read_bytes() == reference
