"""User mistakes end in one clean `file:line:col` message, a hint and a non-zero exit."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.commands.cli import main

from .conftest import MINIMAL_FRONT, ProjectMaker


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def assert_clean_error(code: int, err: str, pattern: str) -> None:
    assert code == 1, err
    assert "Traceback" not in err
    assert re.search(pattern, err), err
    assert "hint:" in err


def test_missing_project(tmp_path: Path) -> None:
    code, _, err = run("build", str(tmp_path / "nope"))
    assert_clean_error(code, err, r"error: project folder .* does not exist")


def test_folder_without_report(tmp_path: Path) -> None:
    code, _, err = run("build", str(tmp_path))
    assert_clean_error(code, err, r"source/report\.md is missing")


def test_broken_front_matter_yaml(make_project: ProjectMaker) -> None:
    root = make_project(front="title: 测试\norganisation: [未闭合")
    code, _, err = run("build", str(root))
    assert_clean_error(code, err, r"^source/report\.md:\d+:\d+: error: YAML syntax error")


def test_unknown_front_matter_key_suggests_the_nearest(make_project: ProjectMaker) -> None:
    root = make_project(front="title: 测试\norganization: 单位")
    code, _, err = run("build", str(root))
    assert_clean_error(code, err, r"^source/report\.md:3:1: error: unknown front matter key 'organization'")
    assert "did you mean 'organisation'" in err


def test_wrong_type_in_front_matter(make_project: ProjectMaker) -> None:
    root = make_project(front="title: 测试\ntoc_levels: two")
    code, _, err = run("build", str(root))
    assert_clean_error(code, err, r"^source/report\.md:3:13: error: toc_levels: expected a whole number")


def test_unknown_theme(make_project: ProjectMaker) -> None:
    root = make_project()
    code, _, err = run("build", str(root), "--theme", "reprot")
    assert code == 1
    assert "unknown theme 'reprot'" in err and "did you mean 'report'" in err


def test_chart_reference_to_missing_chart(make_project: ProjectMaker) -> None:
    root = make_project(body="# 一\n\n正文。\n\n![](chart:gdp)\n")
    code, _, err = run("build", str(root))
    assert_clean_error(code, err, r"^source/report\.md:10:5: error: no chart with id 'gdp'")


def test_non_utf8_file_names_the_encoding(make_project: ProjectMaker) -> None:
    text = f"---\n{MINIMAL_FRONT}\n---\n# 一\n\n祖庙街道。\n"
    root = make_project(raw_report=text.encode("gb18030"))
    code, _, err = run("build", str(root))
    assert_clean_error(code, err, r"^source/report\.md:2:\d+: error: not UTF-8 text .* looks like GB18030")
    assert "iconv -f GB18030 -t UTF-8" in err


def test_broken_chart_yaml(make_project: ProjectMaker) -> None:
    root = make_project(charts={"a.yaml": "id: a\ntype: bar\n  title: x\n"})
    code, _, err = run("build", str(root))
    assert_clean_error(code, err, r"^source/charts/a\.yaml:\d+:\d+: error: YAML syntax error")


@pytest.mark.parametrize(
    ("spec", "pattern"),
    [
        ("id: a\ntype: pie\ntitle: t\n", r"a\.yaml:2:7: error: unknown chart type 'pie'"),
        (
            'id: a\ntype: bar\ntitle: t\nlabels: [x, y]\nvalues: [1, "8.0%"]\n',
            r"a\.yaml:5:13: error: values\[2\]: expected a number",
        ),
        ("id: a\ntype: bar\ntitle: t\nlabels: [x, y]\nvalues: [1]\n", r"a\.yaml:5:9: error: 2 labels but 1 values"),
        ("id: a\ntype: bar\ntitle: t\ncolour: red\n", r"a\.yaml:4:1: error: unknown chart field 'colour'"),
        ("id: a\ntype: bar\ntitle: t\n", r"a\.yaml:1:1: error: a 'bar' chart needs `labels:`"),
    ],
)
def test_chart_spec_errors_have_positions(make_project: ProjectMaker, spec: str, pattern: str) -> None:
    root = make_project(body="# 一\n\n![](chart:a)\n", charts={"a.yaml": spec})
    code, _, err = run("build", str(root))
    assert code == 1
    assert re.search(r"^source/charts/" + pattern, err), err
    assert "Traceback" not in err


def test_output_folder_not_writable(make_project: ProjectMaker, tmp_path: Path) -> None:
    root = make_project()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, _, err = run("build", str(root), "-o", str(blocker / "sub"))
    assert code == 3
    assert "cannot write to" in err and "Traceback" not in err


def test_failed_build_keeps_the_last_good_pdf(make_project: ProjectMaker) -> None:
    root = make_project()
    code, _, err = run("build", str(root))
    assert code == 0, err
    pdf = root / "out" / "t.pdf"
    good = pdf.read_bytes()
    assert good.startswith(b"%PDF")
    report = root / "source" / "report.md"
    report.write_text(report.read_text(encoding="utf-8") + "\n![](chart:missing)\n", encoding="utf-8")
    code, _, err = run("build", str(root))
    assert code == 1
    assert pdf.read_bytes() == good
    assert [p.name for p in pdf.parent.iterdir() if p.name != ".cache"] == ["t.pdf"]  # no temporary file left


def test_strict_turns_warnings_into_errors(make_project: ProjectMaker) -> None:
    root = make_project(charts={"a.yaml": "id: a\ntype: bar\ntitle: t\nlabels: [x]\nvalues: [1]\n"})
    code, _, err = run("build", str(root))
    assert code == 0
    assert "source/charts/a.yaml:1:1: warning: chart 'a' is never placed in the text" in err
    code, _, err = run("build", str(root), "--strict")
    assert code == 1
    assert "(--strict)" in err
    assert not (root / "out" / "t.pdf").exists() or code == 1


def test_the_real_command_prints_no_traceback(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "publisher", "build", str(tmp_path / "missing")], capture_output=True, text=True
    )
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: project folder")
    assert "Traceback" not in proc.stderr


def test_an_output_file_of_another_format_is_refused(make_project: ProjectMaker, tmp_path: Path) -> None:
    root = make_project()
    code, _, err = run("build", str(root), "--edition", "docx", "-o", str(tmp_path / "report.pdf"))
    assert_clean_error(code, err, r"error: -o .*report\.pdf: this edition writes a \.docx file, not a \.pdf file")
    assert "-o report.docx" in err
    assert not (tmp_path / "report.pdf").exists()
