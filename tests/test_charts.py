"""The chart library: every kind from a spec, goldens, PDF read-back, errors, the figures cross-check."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from publisher import charts
from publisher.charts.kinds.kpi import Cards
from publisher.charts.numbers import format_number
from publisher.charts.shapes import Values
from publisher.charts.spec import NOT_PRINTED
from publisher.commands.cli import main
from publisher.errors import Pos
from publisher.html import chart_templates
from publisher.options import BuildOptions
from publisher.pipeline import build, prepare
from publisher.theme import Theme, load_theme

from .conftest import REPO, ProjectMaker, pdftotext

GALLERY = REPO / "docs" / "gallery"
GOLDEN = Path(__file__).parent / "golden" / "charts"
UPDATE = os.environ.get("PUBLISHER_UPDATE_GOLDENS") == "1"


@pytest.fixture(scope="module")
def gallery_specs() -> dict[str, charts.ChartSpec]:
    return charts.load_specs(GALLERY)


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme("report", GALLERY)


@pytest.fixture(scope="module")
def style(theme: Theme) -> charts.ChartStyle:
    # The golden files are drawn with the chart font alone: its fallbacks are the full faces a machine may
    # or may not have (test_a_chart_label_only_a_fallback_has_prints_in_it tests them).
    return dataclasses.replace(theme.chart_style("A5"), font_fallbacks=())


def test_there_are_at_least_eight_kinds_and_the_gallery_shows_each(gallery_specs: dict[str, charts.ChartSpec]) -> None:
    kinds = set(charts.registry())
    assert len(kinds) >= 8
    assert {spec.type for spec in gallery_specs.values()} == kinds


@pytest.mark.parametrize(
    "kind", ["bar", "hbar", "grouped", "stacked", "line", "donut", "progress", "waffle", "kpi", "table"]
)
def test_each_kind_matches_its_golden_file(
    kind: str, gallery_specs: dict[str, charts.ChartSpec], style: charts.ChartStyle, theme: Theme
) -> None:
    spec = gallery_specs[kind]
    rendered = charts.render(spec, style, chart_templates(theme))
    assert charts.render(spec, style, chart_templates(theme)) == rendered, "drawing must be deterministic"
    golden = GOLDEN / f"{kind}.{rendered.kind}"
    if UPDATE or not golden.exists():
        if not UPDATE:
            pytest.fail(f"no golden file {golden}; run with PUBLISHER_UPDATE_GOLDENS=1")
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(rendered.markup, encoding="utf-8")
    assert rendered.markup == golden.read_text(encoding="utf-8")
    if rendered.kind == "svg":
        texts = re.findall(r"<text\b[^>]*>", rendered.markup)
        assert texts, "chart text must stay text"
        assert all("font-family: 'Publisher Sans'" in t for t in texts)
        assert "<image" not in rendered.markup
        assert "Date" not in rendered.markup and "<metadata" not in rendered.markup
        for label in getattr(spec.data, "labels", []):
            assert label.replace("“", "&#8220;").replace("”", "&#8221;") in rendered.markup or label in rendered.markup


def test_gallery_pdf_has_every_title_and_label_as_text_and_no_image(tmp_path: Path) -> None:
    result = build(BuildOptions(project=GALLERY, output=tmp_path / "g.pdf", cache=False))
    assert result.warnings.warnings == []
    text = re.sub(r"\s+", "", pdftotext(result.output))
    specs = prepare(BuildOptions(project=GALLERY)).specs
    for figure in result.document.figures():
        spec = specs[figure.chart_id]
        assert f"图{figure.number}{spec.caption_text}" in text
        for label in getattr(spec.data, "labels", []):
            assert re.sub(r"\s+", "", label) in text
        if isinstance(spec.data, Cards):
            for item in spec.data.items:
                assert item.label in text and format_number(item.value) in text
    reader = PdfReader(result.output)
    assert all(not page.images for page in reader.pages)
    fonts = subprocess.run(["pdffonts", str(result.output)], capture_output=True, text=True, check=True).stdout
    assert "Publisher-Sans " in fonts  # charts add no font of their own
    assert len(fonts.splitlines()) - 2 <= 5


ERRORS = [
    (
        "id: a\ntype: donut\ntitle: t\nlabels: [a, b, c, d, e, f, g]\nvalues: [1, 2, 3, 4, 5, 6, 7]\n",
        r"a\.yaml:5:9: error: a donut shows at most 6 parts",
    ),
    (
        "id: a\ntype: waffle\ntitle: t\nlabels: [a]\nvalues: [2.5]\n",
        r"a\.yaml:5:10: error: a waffle counts whole units",
    ),
    (
        "id: a\ntype: progress\ntitle: t\nlabels: [a, b]\nvalues: [1, 2]\ntargets: [3]\n",
        r"a\.yaml:6:10: error: 2 labels but 1 targets",
    ),
    (
        "id: a\ntype: progress\ntitle: t\nlabels: [a]\nvalues: [1]\n",
        r"a\.yaml:1:1: error: a 'progress' chart needs `targets:`",
    ),
    (
        "id: a\ntype: table\ntitle: t\ncolumns: [x, y]\nrows:\n  - [1, 2, 3]\n",
        r"a\.yaml:6:3: error: rows\[1\] has 3 cells for 2 columns",
    ),
    (
        "id: a\ntype: bar\ntitle: t\nlabels: [a]\nvalues: [1]\nheight: 900\n",
        r"a\.yaml:6:9: error: height: expected millimetres",
    ),
    ("id: a\ntype: grouped\ntitle: t\nlabels: [a]\nseries: {x: 1}\n", r"a\.yaml:5:9: error: series: expected a list"),
    (
        "id: a\ntype: line\ntitle: t\ncsv: gdp.csv\nlabel_column: 年份\nvalue_columns: [产值]\n",
        r"a\.yaml:6:16: error: value_columns: the CSV has no column '产值'",
    ),
    (
        "id: a\ntype: line\ntitle: t\ncsv: ../report.md\nlabel_column: x\nvalue_columns: [y]\n",
        r"a\.yaml:4:6: error: csv: '\.\./report\.md' is outside source/data/",
    ),
    (
        "id: a\ntype: line\ntitle: t\ncsv: none.csv\nlabel_column: x\nvalue_columns: [y]\n",
        r"a\.yaml:4:6: error: CSV file not found",
    ),
    (
        "- id: a\n  type: kpi\n  title: t\n  items:\n    - {label: x, value: 1, delta: 2}\n",
        r"a\.yaml:5:28: error: unknown card field 'delta'",
    ),
    ("[1, 2\n", r"a\.yaml:2:1: error: YAML syntax error"),
]


def test_a_chart_label_only_a_fallback_has_prints_in_it(make_project: ProjectMaker, tmp_path: Path) -> None:
    """☎ is not in the chart font (Publisher Sans) but in its fallbacks, as in the text's: the chart prints it
    in one of them, and no face of the system is taken for it (matplotlib warns of nothing)."""
    chart = "id: a\ntype: bar\ntitle: 主要指标\nlabels: [甲, 乙☎]\nvalues: [3, 5]\n"
    root = make_project(body="# 一\n\n正文甲为3，乙为5。\n\n![](chart:a)\n", charts={"a.yaml": chart})
    done = subprocess.run(
        [sys.executable, "-m", "publisher", "build", str(root), "-o", str(tmp_path / "c.pdf"), "--no-cache"],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl")},
    )
    assert done.returncode == 0, done.stderr
    assert "Glyph" not in done.stderr and "findfont" not in done.stderr and "warning" not in done.stderr, done.stderr
    assert "乙☎" in pdftotext(tmp_path / "c.pdf")
    fonts = subprocess.run(["pdffonts", str(tmp_path / "c.pdf")], capture_output=True, text=True, check=True).stdout
    names = [line.split()[0].split("+")[-1] for line in fonts.splitlines()[2:]]
    assert names and all(name.startswith("Publisher-") for name in names), names


def test_a_chart_label_no_chart_face_has_is_an_error_at_its_place(make_project: ProjectMaker) -> None:
    """An emoji is printed in the text (the colour emoji face), but no face a chart is drawn with has it."""
    chart = "id: a\ntype: bar\ntitle: 主要指标\nlabels: [甲, 乙😀]\nvalues: [3, 5]\n"
    root = make_project(body="# 一\n\n正文😀甲为3，乙为5。\n\n![](chart:a)\n", charts={"a.yaml": chart})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1, result.output
    assert re.search(r"a\.yaml:4:14: error: U\+1F600 '😀' \(GRINNING FACE\) is in no font of the charts", result.output)


@pytest.mark.parametrize(("spec", "pattern"), ERRORS)
def test_spec_errors_are_reported_with_positions(make_project: ProjectMaker, spec: str, pattern: str) -> None:
    root = make_project(body="# 一\n\n正文。\n\n![](chart:a)\n", charts={"a.yaml": spec})
    (root / "source" / "data").mkdir()
    (root / "source" / "data" / "gdp.csv").write_text("年份,生产总值\n2021年,704.83\n", encoding="utf-8")
    for command in ("check", "build"):
        result = CliRunner().invoke(main, [command, str(root)])
        assert result.exit_code == 1, result.output
        assert re.search(r"^source/charts/" + pattern, result.stderr, re.M), result.stderr
        assert "Traceback" not in result.stderr


def test_csv_cell_error_points_at_the_cell(make_project: ProjectMaker) -> None:
    spec = "id: a\ntype: bar\ntitle: t\ncsv: d.csv\nlabel_column: 名称\nvalue_columns: [数量]\n"
    root = make_project(body="# 一\n\n![](chart:a)\n", charts={"a.yaml": spec})
    (root / "source" / "data").mkdir()
    (root / "source" / "data" / "d.csv").write_text("名称,数量\n甲,3\n乙,三\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "source/data/d.csv:3:3: error: column '数量': expected a number, got '三'" in result.stderr


def test_cross_check_names_both_places(make_project: ProjectMaker) -> None:
    body = "# 一\n\n全年实现地区生产总值704.83亿元，同比增长8.0%。\n\n![](chart:a)\n"
    spec = "id: a\ntype: bar\ntitle: t\nlabels: [生产总值, 增速]\nvalues: [704.8, 8]\n"
    root = make_project(body=body, charts={"a.yaml": spec})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0
    lines = result.stderr.splitlines()
    assert lines[0] == "source/charts/a.yaml:5:10: warning: chart 'a': values[1] = 704.8 is not stated in the text"
    assert "nearest figure in the text is 704.83 at source/report.md:8:11" in lines[1]
    assert len([line for line in lines if "is not stated in the text" in line]) == 1  # 8 matches 8.0%
    strict = CliRunner().invoke(main, ["build", str(root), "--strict"])
    assert strict.exit_code == 1
    assert not (root / "out" / "t.pdf").exists()


def test_the_sample_passes_the_cross_check() -> None:
    result = CliRunner().invoke(main, ["check", str(REPO), "--strict"])
    assert result.exit_code == 0, result.stderr
    assert re.search(r"check: ok; (\d+) chart specs, \1 figures, \d+ chart and table numbers checked", result.stdout)


def test_sample_has_a_kpi_page_and_charts_of_three_values_or_more() -> None:
    specs = charts.load_specs(REPO)
    assert any(s.type == "kpi" and s.placement == "page" for s in specs.values())
    plotted = [s for s in specs.values() if not charts.kind_of(s).template]
    assert len(plotted) >= 6 and all(len(s.numbers) >= 3 for s in plotted)


@pytest.mark.parametrize(
    ("value", "text"),
    [(704.83, "704.83"), (8.0, "8.0"), (102, "102"), (2.15, "2.15"), (30000, "30000"), (132000, "132,000"),
     (1200000.0, "1,200,000"), (-3.5, "-3.5"), (0.5, "0.5")],
)  # fmt: skip
def test_numbers_print_as_chinese_reports_write_them(value: float, text: str) -> None:
    assert format_number(value) == text


def test_every_text_field_of_a_kind_is_glyph_checked(make_project: ProjectMaker) -> None:
    """The glyph check reads a kind's fields by their types: a text field added to a kind needs no word elsewhere."""

    @dataclass(frozen=True, kw_only=True)
    class Legended(Values):
        legend: str = ""
        hidden: str = field(default="", metadata=NOT_PRINTED)

    data = Legended(labels=["甲"], values=[1], legend="图例𓀀", hidden="㊙")
    spec = charts.ChartSpec(id="a", type="bar", title="t", pos=Pos(Path("a.yaml")), data=data)
    printed = charts.printed_text(spec)
    assert "图例𓀀" in printed and "㊙" not in printed
    # and in a build: a value label (a field of the bar's data) with a character no font has
    spec_yaml = "id: a\ntype: bar\ntitle: t\nlabels: [甲, 乙]\nvalues: [3, 5]\nvalue_labels: [三, 𓀀]\n"
    root = make_project(body="# 一\n\n甲3，乙5。\n\n![](chart:a)\n", charts={"a.yaml": spec_yaml})
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 1
    assert "error: U+13000 '𓀀' (EGYPTIAN HIEROGLYPH A001) is in no font of the charts" in result.stderr
    assert result.stderr.startswith("source/charts/a.yaml:6:"), result.stderr  # at the value label


def test_what_matplotlib_warns_of_is_collected_not_printed(capfd: pytest.CaptureFixture[str]) -> None:
    """matplotlib warns through Python's warnings and through its log: both are text for a chart's warning
    (publisher.pipeline puts it at the spec), neither is printed as it is (a file and line of code)."""
    import logging

    from matplotlib.figure import Figure

    from publisher.charts.kind import _matplotlib_said

    with _matplotlib_said() as said:
        Figure().add_subplot().set_ylim(0, 0)
        logging.getLogger("matplotlib.font_manager").warning("findfont: Font family 'Nowhere' not found.")
    assert said == [
        "findfont: Font family 'Nowhere' not found.",
        "Attempting to set identical low and high ylims makes transformation singular; automatically expanding.",
    ]
    assert capfd.readouterr().err == ""
    assert not logging.getLogger("matplotlib").handlers  # as it was
