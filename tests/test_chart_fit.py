"""`publisher check` on charts whose form the text does not support: units, wholes, targets, too few values."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from publisher.commands.cli import main

from .conftest import REPO, ProjectMaker


def check(root: Path) -> list[str]:
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.exit_code == 0, result.stderr
    lines = result.stderr.splitlines()
    warned = [i for i, line in enumerate(lines) if "warning:" in line]
    return [text for i in warned for text in lines[i : i + 2]]  # each warning and its hint


def test_different_units_on_one_scale_point_at_the_value(make_project: ProjectMaker) -> None:
    body = "# 一\n\n申报高企认定企业96家，累计毕业企业44家，新入驻项目31个，新引进博士42人。\n\n![](chart:a)\n"
    spec = "id: a\ntype: bar\ntitle: t\nlabels: [高企, 毕业, 项目, 博士]\nvalues: [96, 44, 31, 42]\n"
    lines = check(make_project(body=body, charts={"a.yaml": spec}))
    assert lines[0] == (
        "source/charts/a.yaml:5:18: warning: chart 'a': one value scale in different units: "
        "the text states 31 个, 42 人, the other values 家"
    )
    assert "one chart per unit, or these figures as KPI cards" in lines[1]
    assert len(lines) == 2


def test_a_stated_unit_is_the_scale_and_value_labels_say_theirs(make_project: ProjectMaker) -> None:
    body = "# 一\n\n甲96家，乙44家，丙31家。\n\n![](chart:a)\n"
    spec = "id: a\ntype: hbar\ntitle: t\nunit: 个\nlabels: [甲, 乙, 丙]\nvalues: [96, 44, 31]\n"
    lines = check(make_project(body=body, charts={"a.yaml": spec}))
    assert lines[0].startswith("source/charts/a.yaml:6:10: warning: chart 'a': one value scale in different units")
    assert lines[0].endswith("the chart 个")
    labelled = spec.replace("unit: 个\n", "") + "value_labels: [96家, 44家, 31人]\n"
    lines = check(make_project(body=body, charts={"a.yaml": labelled}))
    assert lines[0].startswith("source/charts/a.yaml:5:18: warning:") and "31 人" in lines[0]
    same = spec.replace("unit: 个", "unit: 家")
    assert check(make_project(body=body, charts={"a.yaml": same})) == []


def test_a_part_of_whole_chart_needs_its_whole_stated(make_project: ProjectMaker) -> None:
    body = "# 一\n\n办理人大建议15件、政协提案21件、群众来信30件。另建园36个。\n\n![](chart:a)\n"
    spec = "id: a\ntype: donut\ntitle: t\nunit: 件\nlabels: [建议, 提案, 来信]\nvalues: [15, 21, 30]\n"
    lines = check(make_project(body=body, charts={"a.yaml": spec}))
    assert lines[0] == (
        "source/charts/a.yaml:6:9: warning: chart 'a': a donut shows parts of one whole, "
        "but its parts add up to 66件, a whole the text does not state with them"
    )
    # a sum the text states elsewhere, or in another unit, is no whole: 36个 is not 15件 + 21件
    two_plus = body.replace("、群众来信30件", "").replace("另建园36个", "共36个")
    waffle = "id: a\ntype: waffle\ntitle: t\nlabels: [建议, 提案, 其他]\nvalues: [15, 21, 1]\n"
    assert any("a waffle shows parts" in line for line in check(make_project(body=two_plus, charts={"a.yaml": waffle})))
    whole = body.replace("。另建园36个", "，共66件")
    assert check(make_project(body=whole, charts={"a.yaml": spec})) == []


def test_stacked_bars_need_each_total_stated(make_project: ProjectMaker) -> None:
    body = "# 一\n\n一片甲村10户、乙村20户，共30户；二片甲村5户、乙村3户。\n\n![](chart:a)\n"
    spec = (
        "id: a\ntype: stacked\ntitle: t\nunit: 户\nlabels: [一片, 二片]\n"
        "series:\n  - {name: 甲, values: [10, 5]}\n  - {name: 乙, values: [20, 3]}\n"
    )
    lines = check(make_project(body=body, charts={"a.yaml": spec}))
    assert lines[0].startswith("source/charts/a.yaml:7:3: warning: chart 'a': a stacked shows parts of one whole")
    assert "add up to 8户" in lines[0]


def test_progress_targets_must_be_stated_as_targets(make_project: ProjectMaker) -> None:
    body = "# 一\n\n签约面积超过70%，建有率达71.8%，正版化率达100%。\n\n![](chart:a)\n"
    spec = (
        "id: a\ntype: progress\ntitle: t\nunit: '%'\nlabels: [签约, 建有, 正版]\n"
        "values: [70, 71.8, 100]\ntargets: [100, 100, 100]\n"
    )
    lines = check(make_project(body=body, charts={"a.yaml": spec}))
    warned = [line for line in lines if "warning:" in line]
    assert warned == [
        f"source/charts/a.yaml:7:{col}: warning: chart 'a': targets[{i}] = 100 is not stated in the text as a target"
        for i, col in ((1, 11), (2, 16), (3, 21))
    ]
    stated = body.replace("。\n", "。全年目标为签约面积和建有率达100%。\n", 1)
    assert check(make_project(body=stated, charts={"a.yaml": spec})) == []


def test_fewer_than_three_values_suggest_a_kpi_card(make_project: ProjectMaker) -> None:
    body = "# 一\n\n土地出让468亩，拆除756亩。\n\n![](chart:a)\n"
    spec = "id: a\ntype: bar\ntitle: t\nunit: 亩\nlabels: [出让, 拆除]\nvalues: [468, 756]\n"
    lines = check(make_project(body=body, charts={"a.yaml": spec}))
    assert lines == [
        "source/charts/a.yaml:1:1: warning: chart 'a' shows 2 values: a chart compares at least 3",
        "  hint: let the sentence that states the figures carry them, or show them as KPI cards (type: kpi)",
    ]
    strict = CliRunner().invoke(main, ["check", str(make_project(body=body, charts={"a.yaml": spec})), "--strict"])
    assert strict.exit_code == 1


def test_the_sample_charts_suit_their_data() -> None:
    result = CliRunner().invoke(main, ["check", str(REPO), "--strict"])
    assert result.exit_code == 0, result.stderr
    assert "warning:" not in result.stderr
