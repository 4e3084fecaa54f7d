"""The example of docs/tables.md and its pictures.

Writes the Excel sheet of ``docs/examples/tables`` (``source/data/budget.xlsx``:
two header rows with merged cells, 100 rows in ``#,##0.00``), builds the
example in the ``report`` and ``gongwen`` themes into a temporary folder and
writes ``docs/images/tables-report.png`` and ``docs/images/tables-gongwen.png``
(the text with its tables, the landscape page, the appendix's first page
and a continuation page), and ``docs/images/tables-lists.png`` (the table of
contents and the list of figures and tables, in the ``report`` theme).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from edition_images import page_image, side_by_side

from publisher.options import BuildOptions
from publisher.pipeline import build

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = REPO / "docs" / "examples" / "tables"
ROWS = 100


def write_workbook(path: Path, rows: int = ROWS) -> None:
    """The example's sheet: 序号, 单位 and two groups of two columns of amounts, made up."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2021年"
    sheet.append(["序号", "单位", "一般公共预算", None, "政府性基金", None])
    sheet.append([None, None, "年初预算", "执行数", "年初预算", "执行数"])
    for i in range(1, rows + 1):
        sheet.append([i, f"单位{i}", 1000 + i * 37.5, 900 + i * 41.25, i * 12.5, i * 11.75])
    for merged in ("A1:A2", "B1:B2", "C1:D1", "E1:F1"):
        sheet.merge_cells(merged)
    for row in sheet.iter_rows(min_row=3, min_col=3, max_col=6):
        for cell in row:
            cell.number_format = "#,##0.00"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)


def build_example(folder: Path, theme: str) -> Path:
    """The example built in ``theme`` into ``folder``; the PDF."""
    root = folder / theme
    shutil.copytree(EXAMPLE, root)
    report = root / "source" / "report.md"
    report.write_text(re.sub(r"(?m)^theme: \w+$", f"theme: {theme}", report.read_text(encoding="utf-8")), "utf-8")
    return build(BuildOptions(project=root, output=root / "out.pdf")).output


def pages_with(pdf: Path, *words: str) -> list[int]:
    """The numbers (1-based) of the first page holding each of ``words``."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    pages = [re.sub(r"\s+", "", page) for page in text.split("\f")]
    return [next(i for i, page in enumerate(pages) if word in page) + 1 for word in words]


def main() -> None:
    """Write the sheet, build the example twice, write the two pictures."""
    write_workbook(EXAMPLE / "source" / "data" / "budget.xlsx")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for theme, words in (
            ("report", ("各单位预算执行情况见附表1", "12月", "附件预算执行情况表", "续附表1")),
            ("gongwen", ("各单位预算执行情况见附表1", "12月", "附件预算执行情况表", "续附表1")),
        ):
            pdf = build_example(folder, theme)
            pictures = [page_image(pdf, page, 50, folder) for page in pages_with(pdf, *words)]
            out = REPO / "docs" / "images" / f"tables-{theme}.png"
            side_by_side(pictures).save(out, optimize=True)
            print(f"wrote {out.relative_to(REPO)}")
            if theme == "report":
                lists = [page_image(pdf, page, 50, folder) for page in pages_with(pdf, "目录", "图表目录")]
                out = REPO / "docs" / "images" / "tables-lists.png"
                side_by_side(lists).save(out, optimize=True)
                print(f"wrote {out.relative_to(REPO)}")


if __name__ == "__main__":
    main()
