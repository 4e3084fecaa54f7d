"""The example of docs/tables.md (docs/examples/tables) in both themes, read back from the PDF: a long appendix
table from an Excel sheet with its header rows on every page at the same place, ``续附表1`` over each
continuation, every row once; a wide table on a landscape page with its folio; references as links to the page
of their target; the list of figures and tables with the pages the captions are on."""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from publisher.options import BuildOptions
from publisher.pipeline import build

from .conftest import pdftotext

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "examples" / "tables"
ROWS = 100
"""The rows of the example's sheet (source/data/budget.xlsx, written by scripts/table_images.py)."""


@dataclass
class Built:
    pdf: Path
    pages: list[str]
    """Each page's text without white space (pdftotext shows Han–Latin gaps as spaces)."""

    def words(self, page: int) -> list[tuple[str, float, float]]:
        """The words of page ``page`` (0-based): text, x, y of their top left corner."""
        found = subprocess.run(
            ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(self.pdf), "-"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        pattern = r'<word xMin="([\d.]+)" yMin="([\d.]+)"[^>]*>([^<]+)</word>'
        return [(m[3], float(m[1]), float(m[2])) for m in re.finditer(pattern, found)]


@pytest.fixture(scope="module", params=["report", "gongwen"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp(request.param) / "example"
    shutil.copytree(EXAMPLE, root)
    report = root / "source" / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("theme: report", f"theme: {request.param}"), "utf-8")
    out = root / "out.pdf"
    build(BuildOptions(project=root, output=out))
    return Built(out, [re.sub(r"\s+", "", page) for page in pdftotext(out).split("\f")])


def table_pages(built: Built) -> list[int]:
    first = next(
        i for i, page in enumerate(built.pages) if "附表1各单位预算执行情况" in page and "图表目录" not in page
    )
    last = next(i for i, page in enumerate(built.pages) if f"单位{ROWS}" in page)
    return list(range(first, last + 1))


def test_the_appendix_table_runs_over_three_pages_with_its_header_on_each(built: Built) -> None:
    pages = table_pages(built)
    assert len(pages) >= 3, pages
    header = ("一般公共预算", "政府性基金", "年初预算", "执行数", "序号")
    tops: list[list[float]] = []
    for index in pages:
        words = built.words(index)
        found = {text: y for text, _, y in words if text in header}
        assert set(found) == set(header), (index, found)
        assert "单位：万元" in built.pages[index]
        units = [y for _, y in _rows(words)]
        assert units and min(units) > max(found.values()), "the header rows are above the rows of the page"
        tops.append([found[h] - found["序号"] for h in header])
    assert all(top == pytest.approx(tops[1], abs=0.5) for top in tops[1:]), "the header is set alike on each page"


def test_continuation_pages_say_continued_and_every_row_is_there_once(built: Built) -> None:
    pages = table_pages(built)
    assert "续附表1" not in built.pages[pages[0]]
    for index in pages[1:]:
        assert built.pages[index].count("续附表1") == 1
        assert "资料来源" not in built.pages[index] or index == pages[-1]
    seen = [n for index in pages for n, _ in _rows(built.words(index))]
    assert seen == list(range(1, ROWS + 1))


def test_the_attachment_starts_a_page_with_its_label(built: Built) -> None:
    first = table_pages(built)[0]
    assert built.pages[first].startswith(("附件", "附件预算执行情况表")) or "附件预算执行情况表" in built.pages[first]
    assert "附件：预算执行情况表" in "".join(built.pages[:first])


def _rows(words: list[tuple[str, float, float]]) -> list[tuple[int, float]]:
    """The rows of the budget table on a page: the number after ``单位`` and the row's top, in reading order
    (``单位 12`` is one word or two, as the Han–Latin gap falls)."""
    texts = [text for text, _, _ in words]
    found = []
    for i, (text, _, y) in enumerate(words):
        match = re.fullmatch(r"单位(\d+)", text)
        if match:
            found.append((int(match[1]), y))
        elif text == "单位" and i + 1 < len(texts) and texts[i + 1].isdigit():
            found.append((int(texts[i + 1]), y))
    return found


def _destination_page(reader: PdfReader, annotation: DictionaryObject) -> int | None:
    dest = annotation.get("/Dest")
    action = annotation.get("/A")
    if dest is None and action is not None:
        dest = action.get_object().get("/D")
    if dest is None:
        return None
    dest = dest.get_object()
    if not isinstance(dest, ArrayObject):  # a named destination
        named = reader.named_destinations[str(dest)]
        return reader.get_destination_page_number(named)
    return reader.get_page_number(dest[0].get_object().indirect_reference)


def test_references_link_to_the_page_of_their_target(built: Built) -> None:
    reader = PdfReader(built.pdf)
    text_page = next(i for i, page in enumerate(built.pages) if "各单位预算执行情况见附表1" in page)
    targets = []
    for annotation in reader.pages[text_page].get("/Annots") or []:
        annotation = annotation.get_object()
        if annotation.get("/Subtype") == "/Link":
            targets.append(_destination_page(reader, annotation))
    assert table_pages(built)[0] in targets, targets
    assert _caption_page(built, "表1两项资金") in targets, targets


def test_the_list_of_figures_and_tables_gives_their_pages(built: Built) -> None:
    listing = next(i for i, page in enumerate(built.pages) if "图表目录" in page)
    lines = pdftotext(built.pdf, first=listing + 1, last=listing + 1)
    entries = {}
    for line in lines.splitlines():
        match = re.match(r"\s*(附?表\s*\d+)\s*(\S+?)[.…·\s]*(\d+)\s*$", line)
        if match:
            entries[match[1].replace(" ", "")] = int(match[3])
    assert entries["表1"] == _folio(built, _caption_page(built, "表1两项资金"))
    assert entries["附表1"] == _folio(built, table_pages(built)[0])


def _caption_page(built: Built, caption: str) -> int:
    """The page a caption is on (the last page naming it: the list of figures and tables comes first)."""
    return max(i for i, page in enumerate(built.pages) if caption in page)


def _folio(built: Built, index: int) -> int | None:
    """The page number printed at the foot of page ``index`` (``5`` or ``— 5 —``: one word, the folio's line
    carries its text as ActualText, or three)."""
    words = built.words(index)
    if not words:
        return None
    bottom = max(y for _, _, y in words)
    numbers = [m[1] for t, _, y in words if y > bottom - 5 and (m := re.fullmatch(r"(?:—\s*)?(\d+)(?:\s*—)?", t))]
    return int(numbers[0]) if numbers else None


def test_the_wide_table_is_on_a_landscape_page_with_its_folio(built: Built) -> None:
    index = _caption_page(built, "12月")
    reader = PdfReader(built.pdf)
    page, upright = reader.pages[index], reader.pages[0]
    sheet = (float(page.mediabox.width), float(page.mediabox.height))
    assert sheet == (float(upright.mediabox.width), float(upright.mediabox.height)), "a portrait sheet like the rest"
    assert int(page.get("/Rotate", 0)) == 90 and int(upright.get("/Rotate", 0)) == 0, "turned by the viewer"
    height = sheet[0]  # as the viewer shows it: wider than high
    before = _folio(built, index - 1)
    assert before is not None and _folio(built, index) == before + 1, "its folio reads upright, in sequence"
    words = built.words(index)
    caption = next(y for text, _, y in words if text.endswith("分月支出") or text == "分月支出")
    assert caption < height / 3, "the table is set from the top of the turned page"
