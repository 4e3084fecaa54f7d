"""Warm rebuilds lay out only the pages an edit touched, and write the PDF a full build writes.

One long-lived writer (as in ``publisher watch``) rebuilds the sample after
each kind of edit; every PDF it writes must be byte for byte the PDF a fresh
process writes for the same source (:func:`cold`: a worker process started
for that one build, which shares no cache with this one, and gets nothing but
the pickled options). ``pages_laid_out`` shows the incremental path was taken
where it should be.
"""

from __future__ import annotations

import gc
import multiprocessing
import shutil
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

import publisher
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.pipeline import build

from .conftest import REPO, ProjectMaker

PARAGRAPH = "一年来,我们坚持做好以下工作:"
LAST = "扛牢管党治党政治责任"
HEADING = "### (二)党史学习教育走深走实。"
CHART = Path("source") / "charts" / "review-2021.yaml"

_fresh: ProcessPoolExecutor | None = None


@pytest.fixture(scope="module", autouse=True)
def fresh_processes() -> Iterator[None]:
    """Worker processes for the reference builds: a new one for every build, started with nothing imported."""
    global _fresh
    _fresh = ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn"), max_tasks_per_child=1)
    yield
    _fresh.shutdown()
    _fresh = None


def _build_bytes(options: BuildOptions) -> tuple[bytes, int]:
    result = publisher.build_with(options)  # the public API, as a batch worker calls it
    return result.output.read_bytes(), result.pages


def cold(options: BuildOptions) -> tuple[bytes, int]:
    """The PDF (and its page count) that a full build in a fresh process writes."""
    assert _fresh is not None
    return _fresh.submit(_build_bytes, options).result()


class Project:
    def __init__(self, root: Path):
        self.root = root
        self.report = root / "source" / "report.md"
        self.original = self.report.read_text(encoding="utf-8")
        self.writer = PdfWriter()
        self.options = BuildOptions(project=root)

    def edit(self, old: str, new: str) -> None:
        text = self.report.read_text(encoding="utf-8")
        assert old in text, "the sample changed: update the test"
        assert set(new) <= set(self.original), "a new character makes new font subsets: a full build"
        self.report.write_text(text.replace(old, new, 1), encoding="utf-8")

    def warm(self) -> tuple[bytes, int]:
        result = build(self.options, self.writer)
        assert result.warnings.warnings == []
        return result.output.read_bytes(), result.pages_laid_out

    def cold(self) -> bytes:
        return cold(BuildOptions(project=self.root, output=self.root / "cold.pdf"))[0]


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    root = tmp_path_factory.mktemp("incremental") / "sample"
    shutil.copytree(REPO / "source", root / "source")
    made = Project(root)
    made.warm()
    return made


def test_paragraph_edit_lays_out_one_page_and_writes_the_full_builds_pdf(project: Project) -> None:
    project.edit(PARAGRAPH, "一年来,我们坚持做好以下各项工作:")
    pdf, laid_out = project.warm()
    assert laid_out <= 2
    assert pdf == project.cold()


def test_edit_on_the_last_page(project: Project) -> None:
    project.edit(LAST, "扛牢管党治党的政治责任")
    pdf, laid_out = project.warm()
    assert laid_out <= 2
    assert pdf == project.cold()


def test_nothing_changed_lays_out_nothing(project: Project) -> None:
    before, _ = project.warm()
    pdf, laid_out = project.warm()
    assert laid_out == 0
    assert pdf == before


def test_metadata_edit_lays_out_no_page_and_the_pdf_says_it(project: Project) -> None:
    project.edit("subject: 祖庙街道2021年工作回顾", "subject: 祖庙街道2021年工作总结")
    pdf, laid_out = project.warm()
    assert laid_out == 0  # the subject is the PDF's metadata only
    assert pdf == project.cold()  # which has the new subject


def test_title_edit_lays_out_the_cover_not_the_report(project: Project) -> None:
    # the title is the cover's and the PDF's: a batch's units differ in it and keep every page it is not on
    project.edit("title: 祖庙街道工作报告", "title: 祖庙街道工作总结")
    pdf, laid_out = project.warm()
    assert laid_out <= 2
    assert pdf == project.cold()


def test_cover_and_text_edit_lays_out_the_contents_again_not_the_report(project: Project) -> None:
    # A batch's next unit: its name on the cover and in the text of the first pages. The contents page, laid
    # out again between them, learns the page numbers of its entries after it is made and is made once more.
    project.edit("title: 祖庙街道工作总结", "title: 祖庙街道工作报告")
    project.edit("一年来,我们坚持做好以下各项工作:", PARAGRAPH)  # back: the first test changed it
    pdf, laid_out = project.warm()
    assert 2 < laid_out < 10  # the cover, the contents and the pages up to the paragraph's, of 18
    assert pdf == project.cold()


def test_new_paragraph(project: Project) -> None:
    project.edit("### (一)政治建设更加自觉坚定。", "坚持做好以下工作。\n\n### (一)政治建设更加自觉坚定。")
    pdf, _ = project.warm()
    assert pdf == project.cold()


def test_heading_edit_updates_contents_and_running_header(project: Project) -> None:
    project.edit(HEADING, "### (二)党史学习教育走深走实走好。")
    pdf, _ = project.warm()
    assert pdf == project.cold()


def test_edit_that_moves_page_breaks(project: Project) -> None:
    sentence = "坚持学懂弄通做实习近平新时代中国特色社会主义思想。"
    project.edit("精心推出贯穿全年的", sentence * 12 + "精心推出贯穿全年的")
    pdf, _ = project.warm()
    assert pdf == project.cold()


def test_chart_edit(project: Project) -> None:
    chart = project.root / CHART
    spec = chart.read_text(encoding="utf-8")
    assert "values: [132, 41, 7, 5]" in spec
    chart.write_text(spec.replace("values: [132, 41, 7, 5]", "values: [132, 41, 5, 7]"), encoding="utf-8")
    pdf, laid_out = project.warm()
    assert laid_out <= 2
    assert pdf == project.cold()


def _layout_contexts() -> set[int]:
    from weasyprint.layout import LayoutContext

    gc.collect()
    return {id(found) for found in gc.get_objects() if isinstance(found, LayoutContext)}


def test_kept_pages_keep_no_build_alive(project: Project) -> None:
    """A chart's page laid out again keeps no layout context (styles of every element, the HTML tree).

    WeasyPrint's SVG image holds its layout's context: each page kept from an earlier build kept that
    whole build alive (watch memory grew with every page edited; 68 pages: 202 to 293 MiB in 9 edits).
    """
    chart = project.root / CHART
    spec = chart.read_text(encoding="utf-8")
    one, other = "values: [132, 41, 7, 5]", "values: [132, 41, 5, 7]"
    assert one in spec or other in spec, "the sample changed: update the test"
    before = _layout_contexts()
    chart.write_text(spec.replace(one, other) if one in spec else spec.replace(other, one), encoding="utf-8")
    try:
        pdf, laid_out = project.warm()
        assert laid_out >= 1
        assert _layout_contexts() - before == set()
        assert pdf == project.cold()
    finally:
        chart.write_text(spec, encoding="utf-8")


def test_back_to_the_original(project: Project) -> None:
    project.report.write_text(project.original, encoding="utf-8")
    pdf, _ = project.warm()
    assert pdf == project.cold()


def _long_project(make_project: ProjectMaker, notes: bool) -> Path:
    """A project of several pages: paragraphs, and footnotes that fill page bottoms."""
    paragraph = "坚持学懂弄通做实新时代中国特色社会主义思想,精心组织系列活动,推动各项工作落地见效。" * 6
    parts = []
    for n in range(1, 25):
        note = f"[^n{n}]" if notes else ""
        parts.append(f"第{n}段:{paragraph}{note}\n")
        if n % 6 == 0:
            parts.append(f"## 第{n}节\n")
    if notes:
        parts += [f"[^n{n}]: 注释{n}:" + "相关数据来源于年度统计。" * 4 + "\n" for n in range(1, 25)]
    return make_project("# 一\n\n" + "\n".join(parts))


@pytest.mark.parametrize("notes", [False, True], ids=["paragraphs", "footnotes"])
@pytest.mark.parametrize("theme", ["report", "gongwen"])
def test_small_project_edits(make_project: ProjectMaker, tmp_path: Path, notes: bool, theme: str) -> None:
    root = _long_project(make_project, notes)
    report = root / "source" / "report.md"
    options = BuildOptions(project=root, theme=theme)
    writer = PdfWriter()
    build(options, writer)
    text = report.read_text(encoding="utf-8")
    for old, new in [("第9段:坚持", "第9段:坚持做"), ("第20段:坚持", "第20段:做坚持"), ("第9段:坚持做", "第9段:坚持")]:
        text = text.replace(old, new, 1)
        report.write_text(text, encoding="utf-8")
        result = build(options, writer)
        # gongwen without the office's fonts warns about its substitutes, nothing else
        assert [w for w in result.warnings.warnings if "a substitute for" not in w.message] == []
        warm = result.output.read_bytes()
        reference, pages = cold(BuildOptions(project=root, theme=theme, output=tmp_path / "cold.pdf"))
        assert warm == reference, (old, new, result.pages_laid_out)
        assert result.pages_laid_out < pages


def test_a_failing_shortcut_costs_only_time(
    make_project: ProjectMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bug in the incremental layout falls back to laying out everything: the build still succeeds."""
    from publisher.engine.weasyprint import incremental

    root = _long_project(make_project, notes=False)
    writer = PdfWriter()
    build(BuildOptions(project=root), writer)
    report = root / "source" / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("第9段:坚持", "第9段:坚持做", 1), encoding="utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(incremental, "rerender", broken)
    result = build(BuildOptions(project=root), writer)
    assert result.pages_laid_out == result.pages
    assert result.output.read_bytes() == cold(BuildOptions(project=root, output=tmp_path / "cold.pdf"))[0]


def test_a_stylesheet_or_image_changed_on_disk_is_seen(make_project: ProjectMaker, tmp_path: Path) -> None:
    """The HTML stays the same when a linked stylesheet or an image changes: the kept pages must not."""
    from PIL import Image

    root = _long_project(make_project, notes=False)
    report = root / "source" / "report.md"
    report.write_text(report.read_text(encoding="utf-8") + "\n![图](images/a.png)\n", encoding="utf-8")
    (root / "source" / "images").mkdir()
    Image.new("RGB", (40, 20), (200, 30, 30)).save(root / "source" / "images" / "a.png")
    theme = root / "styles" / "report" / "theme.css"
    theme.parent.mkdir(parents=True)
    theme.write_text("p { color: #000; }\n", encoding="utf-8")
    writer = PdfWriter()
    build(BuildOptions(project=root), writer)
    laid_out = 0

    def same_as_cold() -> None:
        nonlocal laid_out
        warm = build(BuildOptions(project=root), writer)
        laid_out = warm.pages_laid_out
        assert warm.output.read_bytes() == cold(BuildOptions(project=root, output=tmp_path / "cold.pdf"))[0]

    theme.write_text("p { color: #336; }\n", encoding="utf-8")
    same_as_cold()
    Image.new("RGB", (40, 20), (30, 30, 200)).save(root / "source" / "images" / "a.png")
    same_as_cold()
    report.write_text(report.read_text(encoding="utf-8").replace("第9段:坚持", "第9段:坚持做", 1), encoding="utf-8")
    same_as_cold()
    assert laid_out < 3  # and then warm again
