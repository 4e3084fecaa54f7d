"""Pipeline pieces: chart registry and cache, --info, fonts independent of the machine."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher import charts
from publisher.charts.shapes import Values
from publisher.commands.cli import main
from publisher.options import BuildOptions
from publisher.pipeline import build, draw, prepare
from publisher.theme import FONT_ROLES, FONTS_DIR

from .conftest import REPO, ProjectMaker, pdftotext

BAR = "id: a\ntype: bar\ntitle: 测试图\nlabels: [甲, 乙]\nvalues: [3, 5]\n"


def test_registering_a_kind_twice_is_an_error() -> None:
    charts.registry()

    class Another(charts.Kind[Values]):
        name = "bar"
        data = Values

    with pytest.raises(ValueError, match="already registered"):
        charts.register(Another)
    assert type(charts.registry()["bar"]).__name__ == "Bar"


def test_builtin_kinds() -> None:
    assert {"bar", "hbar", "grouped", "donut", "kpi"} <= set(charts.registry())


def test_unchanged_charts_are_not_drawn_again(make_project: ProjectMaker) -> None:
    root = make_project(body="# 一\n\n正文。\n\n![](chart:a)\n", charts={"a.yaml": BAR})
    first = build(BuildOptions(project=root))
    second = build(BuildOptions(project=root))
    assert (first.charts_drawn, second.charts_drawn) == (1, 0)
    (root / "source" / "charts" / "a.yaml").write_text(BAR.replace("[3, 5]", "[3, 6]"), encoding="utf-8")
    third = build(BuildOptions(project=root))
    assert third.charts_drawn == 1
    assert "6" in pdftotext(third.output)
    fourth = build(BuildOptions(project=root, cache=False))
    assert fourth.charts_drawn == 1


def test_chart_svg_keeps_text_in_the_document_font(make_project: ProjectMaker) -> None:
    root = make_project(body="# 一\n\n![](chart:a)\n", charts={"a.yaml": BAR})
    options = BuildOptions(project=root)
    svg = draw(prepare(options)).drawings["a"].markup
    result = build(options)
    assert "<text" in svg and "Publisher Sans" in svg
    assert "<path" in svg and "glyph" not in svg  # text is text, not outlines
    text = pdftotext(result.output)
    assert "甲" in text and "图 1" in text.replace("图1", "图 1")


def test_info_names_versions_and_font_files() -> None:
    out = CliRunner().invoke(main, ["--info"]).stdout
    for name in ("Python", "WeasyPrint", "Pango", "HarfBuzz", "HarfBuzz subset", "matplotlib"):
        assert re.search(rf"^{name} \S", out, re.M), name
    for role, (_, filename) in FONT_ROLES.items():
        assert re.search(rf"^\s+{role}\s+.*{re.escape(str(FONTS_DIR / filename))}$", out, re.M)
    assert "MISSING" not in out


def test_slow_subsetting_is_loud_and_strict_fails(make_project: ProjectMaker, monkeypatch: pytest.MonkeyPatch) -> None:
    # Only the probe is replaced: the build itself is real.
    monkeypatch.setattr("publisher.engine.weasyprint.writer.harfbuzz_subset_available", lambda: False)
    root = make_project()
    result = build(BuildOptions(project=root))
    assert any("fontTools" in w.message and "libharfbuzz-subset0" in (w.hint or "") for w in result.warnings.warnings)
    code = CliRunner().invoke(main, ["build", str(root), "--strict"]).exit_code
    assert code == 1


def test_output_does_not_depend_on_system_fonts(make_project: ProjectMaker, tmp_path: Path) -> None:
    """A machine without any system font gives the same fonts and text."""
    root = make_project(
        body="# 第一部分\n\n祖庙街道实现地区生产总值704.83亿元，甲3个，乙5个。\n\n![](chart:a)\n",
        charts={"a.yaml": BAR},
    )
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n"
    )
    outputs = []
    for env_extra, name in (({}, "a.pdf"), ({"FONTCONFIG_FILE": str(conf)}, "b.pdf")):
        env = {**os.environ, **env_extra, "MPLCONFIGDIR": str(tmp_path / "mpl")}
        pdf = tmp_path / name
        proc = subprocess.run(
            [sys.executable, "-m", "publisher", "build", str(root), "-o", str(pdf), "--no-cache"],
            env=env,
            capture_output=True,
            text=True,
            cwd=REPO,
        )
        assert proc.returncode == 0, proc.stderr
        assert "warning" not in proc.stderr
        fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
        names = sorted(line.split()[0].split("+")[1] for line in fonts.splitlines()[2:])
        outputs.append((names, pdftotext(pdf)))
    assert outputs[0] == outputs[1]
    assert all(n.startswith("Publisher-") for n in outputs[0][0])


def test_no_contents_page_when_no_level_is_listed(make_project: ProjectMaker, tmp_path: Path) -> None:
    root = make_project(front="title: 测试报告\norganisation: 测试单位\nname: t\ntoc_levels: 0")
    out = tmp_path / "t.pdf"
    build(BuildOptions(project=root, output=out))
    text = pdftotext(out)
    assert "目" not in text.replace("测试", "") and text.count("\f") == 2  # the cover and the text
