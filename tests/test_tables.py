"""Tables, cross-references and appendices, from the source to the PDF read back."""

from __future__ import annotations

import dataclasses
import re
import subprocess
from pathlib import Path

import pdfplumber
import pytest
from click.testing import CliRunner

from publisher.commands.cli import main
from publisher.editions import BUILTIN
from publisher.errors import PublisherError
from publisher.model import Ref, Table, Text
from publisher.options import BuildOptions
from publisher.pipeline import build, prepare
from publisher.tables import grid_text

from .conftest import MINIMAL_FRONT, ProjectMaker, Sample, pdftotext

PIPE = """
# 一、总体情况

主要指标见[@main]，分镇情况见[@towns]。

: 主要指标 {#main unit=万元}

| 指标 | 2020年 | 2021年 |
|---|---|---|
| 收入 | 1200 | 1350.5 |
| 支出 | 980 | 1010 |
| 合计 | 2180 | 2360.5 |

注：收入含上级补助。
资料来源：测试单位财务科。

正文继续。

: 分镇情况 {#towns}

| 镇 | 人口 | < |
|---|---|---|
| ^ | 男 | 女 |
| 甲镇 | 10 | 12 |
"""


def tables_of(root: Path) -> list[Table]:
    return prepare(BuildOptions(project=root)).document.tables()


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


# ----------------------------------------------------------------- the model


def test_a_captioned_pipe_table_is_numbered_with_unit_notes_and_totals(make_project: ProjectMaker) -> None:
    first, second = tables_of(make_project(PIPE))
    assert (first.label, first.key, first.unit) == ("表 1", "main", "万元")
    assert [n[0] for n in first.notes[:2]] == [Text("注：收入含上级补助。"), Text("资料来源：测试单位财务科。")]
    assert first.totals == frozenset({2})
    # numbers right-aligned, the label column not
    assert [c.align for c in first.rows[0]] == [None, "right", "right"]
    assert second.label == "表 2"


def test_merged_cells_of_a_pipe_table(make_project: ProjectMaker) -> None:
    table = tables_of(make_project(PIPE + "\n\n"))[1]
    # `<` joins the cell to the left, `^` the one above; `{header=2}` is not needed: the caption has no header=,
    # so the second row is body here, and its first cell is spanned from the header row
    assert table.header[0][0].rowspan == 2 and table.header[0][1].colspan == 2


def test_references_print_the_current_number(make_project: ProjectMaker) -> None:
    root = make_project(PIPE)
    doc = prepare(BuildOptions(project=root)).document
    refs = [n for run in doc.inline_runs() for n in run if isinstance(n, Ref)]
    assert [(r.label, r.anchor) for r in refs] == [("表 1", "tbl-1"), ("表 2", "tbl-2")]
    # a table added before them: the references follow, nobody edits a number by hand
    added = PIPE.replace("主要指标见", ": 新表 {#new}\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n\n主要指标见")
    doc = prepare(BuildOptions(project=make_project(added))).document
    refs = [n for run in doc.inline_runs() for n in run if isinstance(n, Ref)]
    assert [r.label for r in refs] == ["表 2", "表 3"]


def test_numbering_by_chapter(make_project: ProjectMaker) -> None:
    body = PIPE + "\n# 二、下一部分\n\n: 第三张 {#third}\n\n| 甲 | 乙 |\n|---|---|\n| 1 | 2 |\n"
    root = make_project(body, front=MINIMAL_FRONT + "\nnumbering: chapter")
    assert [t.label for t in tables_of(root)] == ["表 1-1", "表 1-2", "表 2-1"]


def test_an_unknown_reference_is_an_error_at_its_place(make_project: ProjectMaker) -> None:
    root = make_project(PIPE.replace("[@towns]", "[@town]"))
    code, err = run("build", str(root))
    assert code == 1 and "Traceback" not in err
    assert re.search(r"source/report\.md:\d+:\d+: error: no figure, table, heading or note with id 'town'", err), err
    assert "did you mean 'towns'" in err


def test_a_data_file_table_from_csv(make_project: ProjectMaker) -> None:
    root = make_project("# 一\n\n见[@money]。\n\n![](table:money)\n")
    (root / "source" / "data").mkdir()
    (root / "source" / "data" / "money.csv").write_text(
        "项目,金额\n甲,1234567.5\n乙,…\n丙,\n合计,1234567.5\n", encoding="utf-8"
    )
    (root / "source" / "tables").mkdir()
    (root / "source" / "tables" / "money.yaml").write_text(
        "id: money\ntitle: 资金情况\nunit: 元\ndata: money.csv\n"
        "format:\n  金额: {decimals: 2, thousands: true}\nnotes: ['资料来源：测试。']\n",
        encoding="utf-8",
    )
    (table,) = tables_of(root)
    assert table.label == "表 1" and table.unit == "元"
    money = "1,234,567.50"
    assert grid_text(table) == [["项目", "金额"], ["甲", money], ["乙", "…"], ["丙", ""], ["合计", money]]
    assert table.totals == frozenset({3})
    notes = ["".join(getattr(n, "text", "") for n in note) for note in table.notes]
    assert notes[0] == "资料来源：测试。"
    # the conventions the table uses are explained under it
    assert "“…”表示数据不足本表最小单位数" in notes[1] and "空格表示数据不详" in notes[1]


def test_an_excel_sheet_with_merged_header_and_number_formats(make_project: ProjectMaker) -> None:
    from openpyxl import Workbook

    root = make_project("# 一\n\n![](table:towns)\n")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "2021年"
    sheet.append(["镇街", "常住人口", None])
    sheet.append([None, "男", "女"])
    sheet.append(["甲镇", 12345.6, 0.071])
    sheet.merge_cells("A1:A2")
    sheet.merge_cells("B1:C1")
    sheet["B3"].number_format = "#,##0.0"
    sheet["C3"].number_format = "0.0%"
    (root / "source" / "data").mkdir()
    book.save(root / "source" / "data" / "towns.xlsx")
    (root / "source" / "tables").mkdir()
    (root / "source" / "tables" / "towns.yaml").write_text(
        "id: towns\ntitle: 分镇人口\ndata: towns.xlsx\nsheet: 2021年\nheader_rows: 2\n", encoding="utf-8"
    )
    (table,) = tables_of(root)
    assert table.header[0][0].rowspan == 2 and table.header[0][1].colspan == 2
    assert grid_text(table)[2] == ["甲镇", "12,345.6", "7.1%"]


def test_a_spec_naming_a_column_it_does_not_have(make_project: ProjectMaker) -> None:
    root = make_project("# 一\n\n![](table:t)\n")
    (root / "source" / "tables").mkdir()
    (root / "source" / "tables" / "t.yaml").write_text(
        "id: t\ntitle: 表\ncolumns: [项目, 金额]\nrows:\n  - [甲, 1]\nformat:\n  金钱: {decimals: 1}\n",
        encoding="utf-8",
    )
    with pytest.raises(PublisherError) as found:
        prepare(BuildOptions(project=root))
    assert "the table has no column '金钱'" in found.value.message
    assert str(found.value.pos).startswith("source/tables/t.yaml:7:")


def test_a_table_spec_placed_nowhere_is_a_warning(make_project: ProjectMaker) -> None:
    root = make_project("# 一\n\n正文。\n")
    (root / "source" / "tables").mkdir()
    (root / "source" / "tables" / "t.yaml").write_text(
        "id: t\ntitle: 表\ncolumns: [项目, 金额]\nrows:\n  - [甲, 1]\n", encoding="utf-8"
    )
    warnings = [str(w) for w in prepare(BuildOptions(project=root)).diagnostics.warnings]
    assert any("table 't' is never placed" in w for w in warnings), warnings


def test_captioned_tables_come_back_from_the_word_edition(make_project: ProjectMaker, tmp_path: Path) -> None:
    body = PIPE.replace("| 镇 | 人口 | < |", "| 镇 | 人口 | < |").replace(
        ": 分镇情况 {#towns}", ": 分镇情况 {#towns header=2}"
    )
    root = make_project(body)
    code, err = run("build", str(root), "--edition", "docx", "-o", str(tmp_path / "out"))
    assert code == 0, err
    (exported,) = (tmp_path / "out").rglob("*.docx")
    code, err = run("import", str(exported), "-o", str(tmp_path / "back"))
    assert code == 0, err
    back = (tmp_path / "back" / "source" / "report.md").read_text(encoding="utf-8")
    assert back == (root / "source" / "report.md").read_text(encoding="utf-8")


# ----------------------------------------------------------------- on the page

LONG = "\n".join(f"| 单位{i} | {i * 10} | {i * 3} |" for i in range(1, 71))
BOOK = f"""
# 一、情况

见[@long]和[@wide]，附件见[@annex]。

: 长表 {{#long unit=万元}}

| 单位 | 金额 | 人数 |
|---|---|---|
{LONG}

: 宽表 {{#wide}}

| {" | ".join(f"指标名称{i}" for i in range(1, 19))} |
|{"---|" * 18}
| {" | ".join(str(i * 1000) for i in range(1, 19))} |

# 附表 {{#annex .appendix}}

: 附件中的表 {{#inannex}}

| 甲 | 乙 |
|---|---|
| 1 | 2 |
"""


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("book")
    (root / "source").mkdir()
    (root / "source" / "report.md").write_text(
        f"---\n{MINIMAL_FRONT}\nfigure_list: true\n---\n{BOOK}", encoding="utf-8"
    )
    out = root / "book.pdf"
    build(BuildOptions(project=root, output=out))
    # pdftotext shows the Han–Latin gaps as spaces: compare without them
    return out, [re.sub(r"\s+", "", page) for page in pdftotext(out).split("\f")]


def test_a_long_table_repeats_its_header_under_a_continued_label(book: tuple[Path, list[str]]) -> None:
    _, pages = book
    first = next(i for i, page in enumerate(pages) if "表1长表" in page and "图表目录" not in page)
    last = next(i for i, page in enumerate(pages) if "单位70" in page)
    assert last > first
    assert "续表1" not in pages[first] and "单位1" in pages[first]
    for page in pages[first + 1 : last + 1]:
        assert "续表1" in page and "金额" in page and "人数" in page
        assert "单位：万元" in page


def test_a_wide_table_goes_on_a_landscape_page(book: tuple[Path, list[str]]) -> None:
    pdf, pages = book
    index = next(i for i, page in enumerate(pages) if "宽表" in page and "指标名称18" in page)
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[index]
        upright = doc.pages[0]
        size = sorted((float(page.width), float(page.height)))
        assert size == sorted((float(upright.width), float(upright.height)))
        assert page.rotation == 90 and upright.rotation == 0, "a portrait sheet the viewer turns"
        assert page.width > page.height, "shown landscape"


def test_links_and_bookmarks_to_a_turned_page_point_inside_it(book: tuple[Path, list[str]]) -> None:
    """The reference to the wide table jumps to a point on its turned page, not off the sheet."""
    import pikepdf

    pdf, pages = book
    index = next(i for i, page in enumerate(pages) if "宽表" in page and "指标名称18" in page)
    with pikepdf.open(pdf) as doc:
        turned = doc.pages[index].obj
        width, height = (float(v) for v in turned.MediaBox[2:])
        named = pikepdf.NameTree(doc.Root.Names.Dests)
        points = []
        for page in doc.pages:
            for annot in page.obj.get("/Annots", []):
                dest = annot.get("/Dest") or (annot.A.get("/D") if "/A" in annot else None)
                if isinstance(dest, pikepdf.String):
                    dest = named[str(dest)]
                dest = dest.get("/D", dest) if isinstance(dest, pikepdf.Dictionary) else dest
                if isinstance(dest, pikepdf.Array) and dest[0].objgen == turned.objgen and dest[1] == "/XYZ":
                    points.append((float(dest[2]), float(dest[3])))
        for annot in turned.get("/Annots", []):
            x0, y0, x1, y1 = (float(v) for v in annot.Rect)
            assert 0 <= x0 < x1 <= width and 0 <= y0 < y1 <= height, "a link on the turned page lies on its sheet"
    assert points, "no link to the wide table's page"
    # the table starts at the top left as shown, which is the sheet's lower left (the viewer turns it clockwise)
    assert all(0 <= x <= width / 2 and 0 <= y <= height / 2 for x, y in points), points


def test_the_booklet_prints_a_turned_page_whole_and_sideways(make_project: ProjectMaker, tmp_path: Path) -> None:
    root = make_project(BOOK)
    result = build(BuildOptions(project=root, output=tmp_path / "booklet", edition=BUILTIN["booklet"]))
    with pdfplumber.open(result.output) as doc:
        sheet = next(p for p in doc.pages if "指标名称18" in "".join(c["text"] for c in p.chars))
        chars = [c for c in sheet.chars if c["text"] in "指标名称"]
        assert chars and all(0 <= c["x0"] and c["x1"] <= sheet.width for c in chars), "cut off at the sheet's edge"
        assert sum(not c["upright"] for c in chars) > len(chars) / 2, "set sideways on the portrait page"


def test_appendix_tables_are_numbered_in_the_appendix(book: tuple[Path, list[str]]) -> None:
    _, pages = book
    text = "\f".join(pages)
    assert "附表1附件中的表" in text
    assert "附件：附表" in text  # the attachment note after the text (GB/T 9704 7.3.4)
    assert "见表1和表2，附件见附件" in text


def test_the_list_of_figures_and_tables(book: tuple[Path, list[str]]) -> None:
    _, pages = book
    listing = next(page for page in pages if "图表目录" in page)
    assert "表1长表" in listing and "表2宽表" in listing and "附表1附件中的表" in listing


def test_references_are_links_in_the_pdf(book: tuple[Path, list[str]]) -> None:
    pdf, _ = book
    with pdfplumber.open(pdf) as doc:
        links = [a for page in doc.pages for a in page.annots if a.get("data", {}).get("Dest") or a.get("uri") is None]
    assert len(links) >= 3


# ----------------------------------------------------------------- the sample


def test_the_sample_table_is_table_1_with_its_caption_above(sample: Sample) -> None:
    text = "".join(sample.text_by_page)
    assert "表 1 城市建设" in text.replace("\n", " ") or "表 1城市建设" in text.replace("\n", "")
    assert "图 12" not in text
    page = next(i for i, p in enumerate(sample.text_by_page) if "城市建设" in p and "单位：个" in p)
    words = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page + 1), "-l", str(page + 1), str(sample.pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    pattern = r'<word xMin="[\d.]+" yMin="([\d.]+)"[^>]*>([^<]+)</word>'
    found = [(m[2], float(m[1])) for m in re.finditer(pattern, words)]

    def top(start: str) -> float:
        """The top of the first word starting with ``start`` (a caption or a note is one word: its line carries
        its text, spaces and all, as ActualText)."""
        return next(y for text, y in found if text.startswith(start))

    assert top("表 1 城市建设：2021") < top("单位：个") < top("项目") < top("注：2022")


def test_a_table_spec_may_be_placed_twice_a_pipe_table_id_may_not(make_project: ProjectMaker) -> None:
    root = make_project("# 一\n\n见[@t]。\n\n![](table:t)\n\n![](table:t)\n")
    (root / "source" / "tables").mkdir()
    (root / "source" / "tables" / "t.yaml").write_text(
        "id: t\ntitle: 表\ncolumns: [项目, 金额]\nrows:\n  - [甲, 1]\n", encoding="utf-8"
    )
    assert [t.label for t in tables_of(root)] == ["表 1", "表 2"]
    twice = PIPE.replace("{#towns}", "{#main}")
    with pytest.raises(PublisherError, match="id 'main' is already used"):
        tables_of(make_project(twice))


def test_a_table_spec_s_numbers_are_checked_against_the_text(make_project: ProjectMaker) -> None:
    root = make_project("# 一\n\n甲完成36个，乙完成7.5个。\n\n![](table:t)\n")
    (root / "source" / "tables").mkdir()
    spec = root / "source" / "tables" / "t.yaml"
    spec.write_text("id: t\ntitle: 表\ncolumns: [项目, 个数]\nrows:\n  - [甲, 36]\n  - [乙, 7.5]\n", encoding="utf-8")
    prepared = prepare(BuildOptions(project=root))
    assert prepared.numbers_checked == 2 and not prepared.diagnostics.warnings
    spec.write_text("id: t\ntitle: 表\ncolumns: [项目, 个数]\nrows:\n  - [甲, 36]\n  - [乙, 7.6]\n", encoding="utf-8")
    (warning,) = prepare(BuildOptions(project=root)).diagnostics.warnings
    assert "table 't': rows[2][2] = 7.6 is not stated in the text" in warning.message
    assert str(warning.pos) == "source/tables/t.yaml:6:9"
    assert "7.5" in (warning.hint or "")


def test_a_data_file_table_is_checked_only_when_its_spec_asks(make_project: ProjectMaker) -> None:
    root = make_project("# 一\n\n甲完成36个。\n\n![](table:t)\n")
    (root / "source" / "data").mkdir()
    (root / "source" / "data" / "t.csv").write_text("项目,个数\n甲,36\n乙,8\n", encoding="utf-8")
    (root / "source" / "tables").mkdir()
    spec = root / "source" / "tables" / "t.yaml"
    spec.write_text("id: t\ntitle: 表\ndata: t.csv\n", encoding="utf-8")
    assert not prepare(BuildOptions(project=root)).diagnostics.warnings
    spec.write_text("id: t\ntitle: 表\ndata: t.csv\ncrosscheck: true\n", encoding="utf-8")
    (warning,) = prepare(BuildOptions(project=root)).diagnostics.warnings
    assert "table 't': rows[2][2] = 8 is not stated in the text" in warning.message
    assert str(warning.pos).startswith("source/data/t.csv:3:")


def test_check_notes_numbered_things_never_referred_to(make_project: ProjectMaker) -> None:
    root = make_project(PIPE.replace("主要指标见[@main]，", ""))
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.output
    assert "source/report.md:" in result.stderr and "note: 表 1 (main) is never referred to" in result.stderr
    assert "表 2 (towns)" not in result.stderr
    assert "check: ok" in result.stdout


def test_a_chart_and_a_table_read_one_excel_sheet(make_project: ProjectMaker) -> None:
    from openpyxl import Workbook

    root = make_project("# 一\n\n甲镇12.5万人，乙镇8万人。\n\n![](table:towns)\n\n![](chart:towns-chart)\n")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "人口"
    for row in (["镇街", "人口"], ["甲镇", 12.5], ["乙镇", 8]):
        sheet.append(row)
    (root / "source" / "data").mkdir()
    book.save(root / "source" / "data" / "towns.xlsx")
    (root / "source" / "tables").mkdir()
    (root / "source" / "tables" / "towns.yaml").write_text(
        "id: towns\ntitle: 分镇人口\nunit: 万人\ndata: towns.xlsx\n", encoding="utf-8"
    )
    (root / "source" / "charts" / "c.yaml").write_text(
        "id: towns-chart\ntype: bar\ntitle: 分镇人口\nunit: 万人\ncsv: towns.xlsx\nsheet: 人口\n"
        "label_column: 镇街\nvalue_columns: [人口]\n",
        encoding="utf-8",
    )
    prepared = prepare(BuildOptions(project=root))
    data = dataclasses.asdict(prepared.specs["towns-chart"].data)
    assert (data["labels"], data["values"]) == (["甲镇", "乙镇"], [12.5, 8])
    assert grid_text(prepared.document.tables()[0])[1:] == [["甲镇", "12.5"], ["乙镇", "8"]]
    assert not prepared.diagnostics.warnings  # both agree with the text
    (root / "source" / "charts" / "c.yaml").write_text(
        "id: towns-chart\ntype: bar\ntitle: 分镇人口\ncsv: towns.xlsx\nsheet: 户数\n"
        "label_column: 镇街\nvalue_columns: [人口]\n",
        encoding="utf-8",
    )
    with pytest.raises(PublisherError, match="户数"):
        prepare(BuildOptions(project=root))
