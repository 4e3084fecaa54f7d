"""The GB/T 9704 `gongwen` theme, measured on the built sample."""

from __future__ import annotations

import collections
import itertools
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.checks.gbt9704 import compliance
from publisher.commands.cli import main
from publisher.options import BuildOptions
from publisher.pipeline import build
from publisher.typeset.chars import FULL_WIDTH_MARKS, is_han
from publisher.typeset.measure import body_lines
from publisher.units import PT_PER_MM as MM

from .conftest import REPO, ProjectMaker

GONGWEN_FRONT = "title: 测试报告\norganisation: 测试单位\nname: t\ntheme: gongwen"


@pytest.fixture(scope="module")
def gongwen_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gongwen") / "gw.pdf"
    result = build(BuildOptions(project=REPO, output=out, theme="gongwen"))
    # CI has none of the office's fonts: one warning per role set in a substitute, nothing else
    assert [w.message.split(" role ")[0] for w in result.warnings.warnings] == [
        f"the {role}" for role in ("body", "heading", "kai", "title", "folio")
    ]
    return out


def test_every_rule_of_the_standard_is_met(gongwen_pdf: Path) -> None:
    failed = [rule for rule in compliance(gongwen_pdf) if not rule.ok]
    assert failed == []


def test_full_pages_have_22_lines_on_a_28_99_pt_pitch(gongwen_pdf: Path) -> None:
    lines = body_lines(gongwen_pdf, 16.0, fonts=("",))
    per_page = collections.Counter(line.page for line in lines)
    assert max(per_page.values()) == 22
    assert sum(1 for n in per_page.values() if n == 22) >= 10
    full_page = next(page for page, n in per_page.items() if n == 22)
    # the top of each line's last character (body face; a run-in heading starts in 楷体)
    tops = sorted(line.chars[-1].top for line in lines if line.page == full_page)
    assert all(abs(b - a - 28.99) < 0.15 for a, b in itertools.pairwise(tops))
    assert tops[-1] - tops[0] == pytest.approx(21 * 28.99, abs=0.15)


def test_full_lines_hold_28_characters_in_156_mm(gongwen_pdf: Path) -> None:
    lines = body_lines(gongwen_pdf, 16.0, fonts=("",))
    full = [line for line in lines if abs(line.x0 - 28 * MM) < 1 and abs(line.x1 - 184 * MM) < 1]
    chinese = [line for line in full if all(is_han(c) or c in FULL_WIDTH_MARKS for c in line.text)]
    plain = [line for line in chinese if not any(a in FULL_WIDTH_MARKS and b in FULL_WIDTH_MARKS
                                                 for a, b in zip(line.text, line.text[1:], strict=False))]  # fmt: skip
    counts = collections.Counter(len(line.text) for line in plain)
    assert counts.most_common(1)[0] == (28, max(counts.values()))
    assert counts[28] > 100
    assert max(counts) == 28  # never more than the grid


OFFICIAL = {"body": "仿宋", "heading": "黑体", "kai": "楷体", "title": "小标宋", "folio": "宋体"}


def test_check_fails_on_substitute_faces_unless_allowed() -> None:
    result = CliRunner().invoke(main, ["check", str(REPO), "--theme", "gongwen"])
    assert result.exit_code == 1, result.output
    assert "GB/T 9704-2012 compliance" in result.stdout
    assert "check: 9 of 14 GB/T 9704 rules met" in result.stdout
    failed = [line for line in result.stdout.splitlines() if line.startswith("  FAIL")]
    assert failed[0] == (
        "  FAIL body face 仿宋: expected 仿宋 (仿宋_GB2312, FangSong_GB2312, 仿宋 …); "
        "measured Publisher FangSong (FandolFang-Regular.otf), a substitute"
    )
    assert [line.split(":")[0] for line in failed] == [f"  FAIL {role} face {face}" for role, face in OFFICIAL.items()]
    assert result.stderr.count("a substitute for the") == 5
    allowed = CliRunner().invoke(main, ["check", str(REPO), "--theme", "gongwen", "--allow-substitute-fonts"])
    assert allowed.exit_code == 0, allowed.output
    assert "check: 14 of 14 GB/T 9704 rules met" in allowed.stdout
    assert "a substitute, allowed by --allow-substitute-fonts" in allowed.stdout


OFFICE_FONTS = {
    "仿宋_GB2312": "FandolFang-Regular.otf",
    "黑体": "FandolHei-Regular.otf",
    "楷体_GB2312": "FandolKai-Regular.otf",
    "方正小标宋简体": "PublisherSerif-Bold.otf",
    "宋体": "PublisherSerif-Regular.otf",
}
"""The office font names a test installs, each a renamed copy of an open font."""


def renamed_copy(source: Path, family: str, target: Path) -> None:
    """``source`` under the family name ``family`` (name table only), as an office's font would be."""
    from fontTools.ttLib import TTFont

    with TTFont(source, lazy=True) as font:
        table = font["name"]
        table.names = [record for record in table.names if record.nameID not in (1, 2, 3, 4, 6, 16, 17, 21, 22)]
        for language in (0x409, 0x804):
            for name_id, value in ((1, family), (2, "Regular"), (3, f"{family} test"), (4, family), (6, "OfficeTest")):
                table.setName(value, name_id, 3, 1, language)
        font.save(target)


def with_office_fonts(tmp_path: Path) -> dict[str, str]:
    """The environment of a process that finds the office's fonts by their names: renamed copies in a
    temporary fontconfig folder (never the system's); they are in ``tmp_path / "fonts"``."""
    from publisher import fontstore
    from publisher.theme import FONTS_DIR

    folder = tmp_path / "fonts"
    folder.mkdir()
    for index, (family, name) in enumerate(OFFICE_FONTS.items()):
        source = fontstore.path(name) or FONTS_DIR / name
        renamed_copy(source, family, folder / f"office-{index}{source.suffix}")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><dir>{folder}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "MPLCONFIGDIR": str(tmp_path / "mpl")}


def test_the_offices_fonts_are_found_by_their_names_and_pass(tmp_path: Path) -> None:
    """Renamed copies in a temporary fontconfig folder (never the system's): every role passes."""
    env = with_office_fonts(tmp_path)
    folder = tmp_path / "fonts"
    command = [sys.executable, "-m", "publisher", "check", str(REPO), "--theme", "gongwen"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "check: 14 of 14 GB/T 9704 rules met" in proc.stdout
    assert "substitute" not in proc.stdout + proc.stderr
    assert f"measured 仿宋_GB2312 ({folder / 'office-0.otf'})" in proc.stdout


def _ink(png: Path, box: tuple[float, float, float, float], scale: float) -> int:
    """Dark pixels of a rendered page inside ``box`` (PDF points: x0, top, x1, bottom)."""
    from PIL import Image

    with Image.open(png) as image:
        x0, top, x1, bottom = (round(v * scale) for v in box)
        crop = image.convert("L").crop((x0, top, x1, bottom))
        return sum(crop.histogram()[:128])


def test_bold_fangsong_prints_bold(make_project: ProjectMaker, tmp_path: Path) -> None:
    """`1.` heads are 仿宋 bold; the 仿宋 face has no bold weight, so it is stroked: measured on the page."""
    import pdfplumber

    from .pdfglyphs import runs

    words = "加强组织领导"
    root = make_project(
        body=f"# 一、总体情况\n\n#### 1. {words}\n\n全区上下{words}，落实工作责任。\n", front=GONGWEN_FRONT
    )
    pdf = build(BuildOptions(project=root)).output
    drawn = runs(pdf)
    stroked = [run for run in drawn if run.mode == 2]
    assert "".join(run.text for run in stroked).replace(" ", "") == f"1.{words}"  # the head, nothing else
    assert {round(run.stroke_em, 3) for run in stroked} == {0.04}
    assert f"全区上下{words}" in "".join(run.text for run in drawn if run.mode == 0)
    with pdfplumber.open(pdf) as document:
        page = document.pages[0]
        chars = [c for c in page.chars if c["text"] in words]
        boxes = []
        for top in sorted({round(float(c["top"])) for c in chars}):
            line = [c for c in chars if round(float(c["top"])) == top]
            boxes.append((min(float(c["x0"]) for c in line) - 1, top - 2.0,
                          max(float(c["x1"]) for c in line) + 1, top + 18.0))  # fmt: skip
    subprocess.run(["pdftoppm", "-r", "300", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf),
                    str(tmp_path / "page")], check=True)  # fmt: skip
    heading, body = (_ink(tmp_path / "page.png", box, 300 / 72) for box in boxes)
    assert heading > 1.25 * body, (heading, body)  # the same six characters, 25 % more ink


def test_a_real_bold_face_is_not_stroked(make_project: ProjectMaker) -> None:
    """The report theme's bold text has Noto Serif/Sans CJK Bold: nothing is stroked."""
    from .pdfglyphs import runs

    root = make_project(body="# 一、总体情况\n\n#### 1. 加强组织领导\n\n全区上下**加强组织领导**。\n")
    pdf = build(BuildOptions(project=root)).output
    assert {run.mode for run in runs(pdf)} == {0}


# ------------------------------------------------------------------------------ figures, KPI data, signature

CHAR = 442.205 / 28
"""The advance of one character on the document grid (156 mm / 28)."""


def test_figures_and_kpi_data_are_black_and_grey_with_chart_text_of_12_pt(gongwen_pdf: Path) -> None:
    import pdfplumber

    with pdfplumber.open(gongwen_pdf) as pdf:
        chart_text = [c for page in pdf.pages for c in page.chars if "Publisher-Sans" in str(c["fontname"])]
        assert len(chart_text) > 100
        assert min(float(c["size"]) for c in chart_text) >= 11.95  # 小四 at least, beside a 16 pt body
        colours = set()
        for page in pdf.pages:
            for thing in [*page.chars, *page.rects, *page.curves, *page.lines]:
                for key in ("non_stroking_color", "stroking_color"):
                    value = thing.get(key)
                    if isinstance(value, tuple | list) and len(value) == 3:
                        colours.add(tuple(round(float(v), 3) for v in value))
    hues = {c for c in colours if len(set(c)) > 1}
    assert len(hues) <= 1, hues  # black and greys, at most one accent
    assert len(colours) >= 3  # the greys of the charts


def test_kpi_cards_are_a_ruled_table(gongwen_pdf: Path) -> None:
    import pdfplumber

    with pdfplumber.open(gongwen_pdf) as pdf:
        page = pdf.pages[0]
        [table] = page.find_tables()
        rows = [[(cell or "").replace(" ", "") for cell in row] for row in table.extract()]
    assert len(rows) == 7
    assert rows[0] == ["指标", "数值", "同比", "说明"]
    assert rows[1][:3] == ["地区生产总值", "704.83亿元", "增长8.0%"]
    assert rows[6][1] == "2.15%"


def test_captions_have_a_blank_line_after_them(gongwen_pdf: Path) -> None:
    import pdfplumber

    gaps = []
    with pdfplumber.open(gongwen_pdf) as pdf:
        for page in pdf.pages:
            chars = sorted(page.chars, key=lambda c: (float(c["top"]), float(c["x0"])))
            for i, char in enumerate(chars):
                if char["text"] != "图" or abs(float(char["size"]) - 14) > 0.01 or "HeiTi" not in str(char["fontname"]):
                    continue
                below = [float(c["top"]) for c in chars[i:] if float(c["top"]) > float(char["bottom"]) + 1]
                if below:
                    gaps.append(min(below) - float(char["bottom"]))
    assert len(gaps) >= 5
    assert min(gaps) >= 28, gaps  # a whole line of the grid between a caption and the text after it


def test_signature_and_date_as_gbt9704_7_3_5_2(gongwen_pdf: Path) -> None:
    import pdfplumber

    with pdfplumber.open(gongwen_pdf) as pdf:
        page = pdf.pages[-1]
        lines: dict[float, list[dict[str, object]]] = {}
        for char in page.chars:
            lines.setdefault(round(float(char["top"]), 1), []).append(char)
    text = {top: "".join(str(c["text"]) for c in sorted(chars, key=lambda c: float(c["x0"])))  # type: ignore[arg-type]
            for top, chars in lines.items()}  # fmt: skip
    tops = sorted(top for top in text if abs(float(lines[top][0]["size"]) - 16) < 0.01)  # type: ignore[arg-type]
    org = next(top for top in tops if text[top] == "佛山市禅城区祖庙街道")
    date = next(top for top in tops if text[top] == "2022年")
    left = {top: min(float(c["x0"]) for c in lines[top]) for top in (org, date)}  # type: ignore[arg-type]
    right = max(float(c["x1"]) for c in lines[org])  # type: ignore[arg-type]
    body = max(top for top in tops if top < org)
    assert org - body == pytest.approx(2 * 28.99, abs=0.5)  # one blank line under the text
    assert 184 * MM - right == pytest.approx(2 * CHAR, abs=2)  # the signature two characters from the right
    assert date - org == pytest.approx(28.99, abs=0.5)  # the date on the next line
    assert left[date] - left[org] == pytest.approx(2 * CHAR, abs=1.5)  # two characters right of its first


def test_the_grid_comes_from_the_tokens() -> None:
    """The stylesheet has no grid measure of its own: the pitch, the tracking and the indents are the tokens'."""
    from publisher.theme import load_theme
    from publisher.tokens import grid_variables

    theme = load_theme("gongwen", None)
    measures = dict(grid_variables(theme.tokens))
    assert (measures["grid-pitch"], measures["grid-char"], measures["grid-tracking"]) == (
        "28.99pt",
        "15.793pt",
        "-0.2073pt",
    )
    css = (REPO / "styles" / "gongwen" / "theme.css").read_text(encoding="utf-8")
    rules = css.split("*/", 1)[1]  # after the header comment, which explains the numbers
    literals = {value for value in measures.values()} | {value.lstrip("-") for value in measures.values()}
    assert [literal for literal in literals if literal in rules] == []
    assert "16pt" not in rules  # the body size is size.body-pt


def test_a_project_grid_of_20_lines_of_26_characters(make_project: ProjectMaker, tmp_path: Path) -> None:
    """A project that sets its own grid in ``styles/gongwen/tokens.yaml`` gets it in the PDF."""
    text = "本段文字用于检验公文版心网格由设计令牌决定，每行字数与每页行数都随令牌改变而改变。" * 12
    root = make_project("\n\n".join([text] * 6) + "\n", front=GONGWEN_FRONT)
    (root / "styles" / "gongwen").mkdir(parents=True)
    (root / "styles" / "gongwen" / "tokens.yaml").write_text("grid:\n  lines: 20\n  chars: 26\n", encoding="utf-8")
    out = tmp_path / "grid.pdf"
    build(BuildOptions(project=root, output=out))
    lines = body_lines(out, 16.0, fonts=("",))
    per_page = collections.Counter(line.page for line in lines)
    assert max(per_page.values()) == 20
    # the last character's letter-spacing (1 pt: 26 characters of 17.008 pt) is not drawn
    full = [line for line in lines if abs(line.x0 - 28 * MM) < 1 and abs(line.x1 - 184 * MM) < 2]
    assert full and collections.Counter(len(line.text) for line in full).most_common(1)[0][0] == 26
    full_page = next(page for page, n in per_page.items() if n == 20)
    tops = sorted(line.chars[-1].top for line in lines if line.page == full_page)
    pitch = 225 * MM / 20
    assert all(abs(b - a - pitch) < 0.15 for a, b in itertools.pairwise(tops))
