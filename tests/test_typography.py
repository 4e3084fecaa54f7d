"""Chinese typography, measured on the PDF: justification, prohibitions, compression, spacing."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.commands.cli import main
from publisher.engine import weasyprint as weasyprint_engine
from publisher.typeset.markup import typeset
from publisher.typeset.measure import Report, body_lines, measure
from publisher.typeset.normalize import normalize

from .conftest import REPO, ProjectMaker, Sample, pdftotext

MM = 72 / 25.4
BODY_PT = 11.5


@pytest.fixture(scope="module")
def report(sample: Sample) -> Report:
    lines = body_lines(sample.pdf, BODY_PT, first_page=3)
    return measure(lines, 25 * MM, (210 - 25) * MM)


def test_every_line_but_the_last_of_a_paragraph_is_flush(report: Report) -> None:
    assert report.lines > 300
    assert report.not_flush == []


def test_no_line_starts_or_ends_with_a_forbidden_mark(report: Report) -> None:
    assert report.forbidden_start == []
    assert report.forbidden_end == []


def test_no_half_width_punctuation_between_han(report: Report) -> None:
    assert report.half_width_between_han == []


def test_adjacent_marks_take_one_and_a_half_em(report: Report) -> None:
    assert len(report.pairs) > 30
    assert all(1.45 <= width <= 1.65 for width in report.pairs), sorted(report.pairs)


def test_han_latin_gap_is_about_a_quarter_em(report: Report) -> None:
    assert len(report.han_latin_gaps) > 100
    assert all(0.12 <= gap <= 0.35 for gap in report.han_latin_gaps), sorted(report.han_latin_gaps)


def test_extracted_text_has_no_space_between_han(sample: Sample) -> None:
    text = pdftotext(sample.pdf)
    assert re.findall(r"[\u4e00-\u9fff] +[\u4e00-\u9fff]", text) == []
    # the corrected punctuation is what a reader copies
    assert "一年来，我们坚持做好以下工作：" in text


def test_no_spacing_at_line_edges(report: Report, sample: Sample) -> None:
    lines = body_lines(sample.pdf, BODY_PT, first_page=3)
    left = 25 * MM
    starting = [line for line in lines if line.text[0].isascii() and line.text[0].isalnum()]
    assert starting, "no line of the sample starts with a number: the test would check nothing"
    for line in starting:
        assert line.x0 == pytest.approx(left, abs=0.5) or line.x0 == pytest.approx(left + 2 * BODY_PT, abs=0.5)


def test_the_engine_supports_only_the_pinned_weasyprint_and_pydyf() -> None:
    pyproject = (REPO / "pyproject.toml").read_text()
    assert '"weasyprint==70.*"' in pyproject and '"pydyf>=0.11,<0.14"' in pyproject
    assert weasyprint_engine.WEASYPRINT == ("70.",)
    assert weasyprint_engine.PYDYF == ("0.11.", "0.12.", "0.13.")


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("一年来,我们坚持", "一年来，我们坚持"),
        ("(一)政治建设", "（一）政治建设"),
        ("政策(“祖七条”),完成", "政策（“祖七条”），完成"),
        ("生产总值704.83 亿元,同比增长 8.0%。", "生产总值704.83亿元，同比增长8.0%。"),
        ("PM2.5浓度", "PM2.5浓度"),
        ("比例尺1:500,共1,200.5万元", "比例尺1:500，共1,200.5万元"),
        ("见https://example.org/a,b,c页", "见https://example.org/a,b,c页"),
        ("《Nature》,好", "《Nature》，好"),
        ("２０２１年ＧＤＰ", "2021年GDP"),
        ('他说"好的"。', "他说“好的”。"),
        ("Hello, world (and more).", "Hello, world (and more)."),
        ("(PM2.5)浓度", "(PM2.5)浓度"),
        ("真的?好!", "真的？好！"),
    ],
)
def test_normaliser(source: str, expected: str) -> None:
    assert normalize(source)[0] == expected


def test_normaliser_reports_each_change_with_its_offset() -> None:
    text, changes = normalize("增长 8.0%,好")
    assert text == "增长8.0%，好"
    assert [(c.offset, c.old, c.new, c.rule) for c in changes] == [(2, " ", "", "space"), (7, ",", "，", "punct")]


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("总值704.83亿元", '总值<span class="aut-l aut-r">704.83</span>亿元'),
        ("好。”然后", '好<span class="halt">。</span>”\u200b然后'),
        ("抓好“改”“建”", '抓好\u200b“改<span class="halt">”</span>\u200b“建”'),
        ("（“甲", '（<span class="halt">“</span>甲'),
        ("我们——坚持", '我<span class="nobr">们——</span>坚持'),
        ("a<b", "a&lt;b"),
    ],
)
def test_markup(text: str, html: str) -> None:
    assert str(typeset(text)) == html


def test_markup_leaves_other_languages_alone() -> None:
    assert str(typeset("GDP grew 8.0% in 2021", "en")) == "GDP grew 8.0% in 2021"


def test_pdf_text_of_a_line_is_the_source(sample: Sample) -> None:
    out = subprocess.run(["pdftotext", "-f", "4", "-l", "4", str(sample.pdf), "-"], capture_output=True, text=True)
    assert "2021年是中国共产党成立100周年，也是“十四五”规划开局之年。" in re.sub(r"\s+", "", out.stdout)


def test_a_character_no_font_has_stops_the_build(make_project: ProjectMaker) -> None:
    root = make_project(body="# 一\n\n这里有一个字𰀀不在字库里。\n")
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == (
        "source/report.md:8:7: error: U+30000 '𰀀' (CJK UNIFIED IDEOGRAPH-30000) is in no font for the body role"
    )
    assert "--allow-missing-glyphs" in result.stderr and "Traceback" not in result.stderr
    assert "tokens.yaml" not in result.stderr
    assert not (root / "out" / "t.pdf").exists()
    allowed = CliRunner().invoke(main, ["build", str(root), "--allow-missing-glyphs"])
    assert allowed.exit_code == 0
    assert "warning: U+30000" in allowed.stderr
    assert "it prints as a box" in allowed.stderr and "--allow-missing-glyphs" not in allowed.stderr


def test_missing_glyph_in_a_heading_names_the_heading_role(make_project: ProjectMaker) -> None:
    root = make_project(body="# 第一部分\U00030003\n\n正文。\n")
    result = CliRunner().invoke(main, ["check", str(root)])
    assert result.stderr.startswith(
        "source/report.md:6:7: error: U+30003 '\U00030003' (CJK UNIFIED IDEOGRAPH-30003) "
        "is in no font for the heading role"
    )


def test_without_the_full_faces_the_hint_is_the_command_that_installs_them(
    make_project: ProjectMaker, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """勠 (勠力同心) is beyond GB 2312: the bundled subsets lack it, the full faces have it."""
    root = make_project(body="# 一\n\n全区上下勠力同心。\n")
    monkeypatch.setenv("PUBLISHER_FONT_DIR", str(tmp_path / "empty"))
    result = CliRunner().invoke(main, ["build", str(root)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert lines[0] == (
        "source/report.md:8:5: error: U+52E0 '勠' (CJK UNIFIED IDEOGRAPH-52E0) is in no font for the body role"
    )
    assert lines[1] == "  hint: `make fonts` installs the full faces (all CJK ideographs, symbols, emoji)"
    monkeypatch.delenv("PUBLISHER_FONT_DIR")
    assert CliRunner().invoke(main, ["build", str(root)]).exit_code == 0


def test_check_fix_rewrites_the_source_and_keeps_a_backup(make_project: ProjectMaker) -> None:
    original = "# 一\n\n一年来,我们实现生产总值704.83 亿元,增长 8.0%。\n\n```\ncode, stays\n```\n"
    root = make_project(body=original)
    report = root / "source" / "report.md"
    before = report.read_text(encoding="utf-8")
    listed = CliRunner().invoke(main, ["check", str(root)])
    assert "4 typography corrections" in listed.stdout
    fixed = CliRunner().invoke(main, ["check", str(root), "--fix"])
    assert fixed.exit_code == 0
    assert fixed.stdout.splitlines()[:2] == [
        "source/report.md:8:4: punct: ',' → '，'",
        "source/report.md:8:19: space: '␣' → ''",
    ]
    assert (root / "source" / "report.md.bak").read_text(encoding="utf-8") == before
    after = report.read_text(encoding="utf-8")
    assert "一年来，我们实现生产总值704.83亿元，增长8.0%。" in after
    assert "code, stays" in after
    again = CliRunner().invoke(main, ["check", str(root)])
    assert "typography corrections" not in again.stdout


def test_check_fix_leaves_code_alone_as_the_pdf_does(make_project: ProjectMaker) -> None:
    """The fixes come from the build's own walk over the text: an indented code block, inline code and a
    link's address are left as they are, and text in a list or a quote is fixed as the PDF shows it."""
    body = (
        "# 一\n\n    数据,结构:说明\n\n见`配置,文件:`和[链接](http://例子.中国/a,b)。\n\n- 列表,项目\n\n> 引用,文字\n"
    )
    root = make_project(body=body)
    fixed = CliRunner().invoke(main, ["check", str(root), "--fix"])
    assert fixed.exit_code == 0, fixed.output
    after = (root / "source" / "report.md").read_text(encoding="utf-8")
    assert "    数据,结构:说明" in after
    assert "`配置,文件:`" in after and "(http://例子.中国/a,b)" in after
    assert "- 列表，项目" in after and "> 引用，文字" in after


def test_a_heading_never_ends_with_one_character_alone() -> None:
    from publisher.typeset.markup import keep_last_two

    html = str(keep_last_two(typeset("群众幸福指数不断提升")))
    assert html.endswith('不断<span class="nobr">提升</span>')
    assert str(keep_last_two(typeset("Review of 2021", "en"))) == "Review of 2021"
