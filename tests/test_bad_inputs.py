"""Bad and untrusted input: every case ends in one clean message, never a traceback or a leak."""

from __future__ import annotations

import os
import shutil
import string
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.commands.cli import main
from publisher.errors import EnvironmentProblem
from publisher.theme import FONT_ROLES, FONTS_DIR, check_fonts

from .conftest import REPO, ProjectMaker

CORPUS = Path(__file__).parent / "bad_inputs"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
FRONT = "---\ntitle: 测试\nname: t\n---\n"


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stderr


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("command", ["build", "check"])
def test_corpus_case(case: str, command: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    folder = CORPUS / case
    expected = (folder / "expected.txt").read_text(encoding="utf-8").strip()
    exit_code = int((folder / "exit").read_text()) if (folder / "exit").exists() else 1
    args = [command, str(folder.relative_to(REPO))]
    if command == "build":
        args += ["-o", str(tmp_path / "out.pdf")]
    code, err = invoke(*args)
    assert err.splitlines()[0] == expected, err
    assert code == exit_code, err
    assert "Traceback" not in err
    hint_needed = code != 0 or "warning" in expected
    assert ("hint:" in err) == hint_needed or "unknown theme" in expected
    if exit_code == 0:  # a warning: --strict makes it fail
        strict_code, _ = invoke(*args, "--strict")
        assert strict_code == 1


def test_raw_html_is_shown_as_text_not_run(tmp_path: Path) -> None:
    from publisher.html import render_html
    from publisher.options import BuildOptions
    from publisher.pipeline import prepare

    prepared = prepare(BuildOptions(project=CORPUS / "raw-html"))
    html = render_html(prepared.document, prepared.theme)
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_file_urls_never_become_images(make_project: ProjectMaker) -> None:
    from pypdf import PdfReader

    root = make_project(body="# 一\n\n![x](file:///etc/passwd)\n")
    code, err = invoke("build", str(root))
    assert code == 0, err  # Markdown does not make an image of a file: URL: it stays text
    reader = PdfReader(root / "out" / "t.pdf")
    assert not any(page.images for page in reader.pages)
    assert "root:" not in "".join(page.extract_text() for page in reader.pages)


def test_symlink_out_of_the_project_is_refused(make_project: ProjectMaker) -> None:
    root = make_project(body="# 一\n\n![x](images/secret.png)\n")
    (root / "source" / "images").mkdir()
    (root / "source" / "images" / "secret.png").symlink_to("/etc/passwd")
    code, err = invoke("build", str(root))
    assert code == 1
    assert err.startswith("source/report.md:8:6: error: image 'images/secret.png' is outside the project")


def test_huge_image_is_refused_before_it_is_decoded(make_project: ProjectMaker) -> None:
    from PIL import Image

    root = make_project(body="# 一\n\n![x](big.png)\n")
    Image.new("1", (8000, 6000)).save(root / "source" / "big.png")  # 48 Mpx, a few KiB
    code, err = invoke("build", str(root))
    assert code == 1
    assert "source/report.md:8:6: error: image 'big.png' has 8000×6000 pixels" in err


def test_an_image_inside_the_project_is_used(make_project: ProjectMaker) -> None:
    from PIL import Image
    from pypdf import PdfReader

    root = make_project(body="# 一\n\n![x](images/dot.png)\n")
    (root / "source" / "images").mkdir()
    Image.new("RGB", (40, 20), "red").save(root / "source" / "images" / "dot.png")
    code, err = invoke("build", str(root))
    assert code == 0, err
    assert any(page.images for page in PdfReader(root / "out" / "t.pdf").pages)


def test_oversized_source_is_refused(make_project: ProjectMaker) -> None:
    root = make_project(body="# 一\n\n" + "正文。" * 600_000 + "\n")
    code, err = invoke("check", str(root))
    assert code == 1
    assert err.startswith("source/report.md:1:1: error: file is") and "MiB limit" in err


def test_output_folder_not_writable(make_project: ProjectMaker, tmp_path: Path) -> None:
    if os.geteuid() == 0:
        blocker = tmp_path / "a-file"
        blocker.write_text("x")
        target = blocker / "out.pdf"  # even root cannot write below a file
    else:
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        target = locked / "out.pdf"
    code, err = invoke("build", str(make_project()), "-o", str(target))
    assert code == 3
    assert err.startswith("error: cannot write to") and "hint:" in err


def test_unreadable_or_broken_font_file_is_reported(tmp_path: Path) -> None:
    for _, filename in FONT_ROLES.values():
        shutil.copy(FONTS_DIR / filename, tmp_path / filename)
    check_fonts(tmp_path)
    body_font = tmp_path / FONT_ROLES["body"][1]
    body_font.write_bytes(b"<html>not a font</html>")
    with pytest.raises(EnvironmentProblem, match=r"font file for role 'body' .* is not a font"):
        check_fonts(tmp_path)
    body_font.unlink()
    with pytest.raises(EnvironmentProblem, match="unreadable") as info:
        check_fonts(tmp_path)
    assert "make subsets" in (info.value.hint or "")


def test_two_builds_at_once_never_leave_a_corrupt_pdf(make_project: ProjectMaker) -> None:
    root = make_project(body="# 一\n\n" + "祖庙街道。" * 400 + "\n")
    results: list[int] = []

    def run() -> None:
        proc = subprocess.run([sys.executable, "-m", "publisher", "build", str(root)], capture_output=True)
        results.append(proc.returncode)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert results == [0, 0, 0]
    pdf = root / "out" / "t.pdf"
    subprocess.run(["qpdf", "--check", str(pdf)], check=True, capture_output=True)
    assert sorted(p.name for p in pdf.parent.iterdir() if not p.name.startswith(".cache")) == ["t.pdf"]


# ----------------------------------------------------------------- properties

TEXT = st.text(
    alphabet=st.sampled_from(list("祖庙街道，。“”（）、#*-_[]()!<>`:|\n 0123456789.%亿元" + string.ascii_letters))
)
YAML_VALUE = st.one_of(st.text(max_size=12), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())


def _front_matter(data: dict[str, object]) -> str:
    import yaml

    return yaml.safe_dump(data, allow_unicode=True)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=TEXT, extra=st.dictionaries(st.sampled_from(["subtitle", "year", "lang", "paper", "toc_levels", "colour"]),
                                        YAML_VALUE, max_size=3))  # fmt: skip
def test_check_ends_cleanly_on_random_markdown_and_front_matter(
    make_project: ProjectMaker, body: str, extra: dict[str, object]
) -> None:
    root = make_project(body=body, front=_front_matter({"title": "测试", "name": "t", **extra}).strip())
    code, err = invoke("check", str(root))
    assert code in (0, 1)
    assert "Traceback" not in err and "internal error" not in err


SPEC = st.fixed_dictionaries(
    {"id": st.just("a"), "type": st.sampled_from(["bar", "hbar", "grouped", "donut", "kpi", "waffle", "line", "pie"])},
    optional={
        "title": st.text(max_size=8),
        "labels": st.lists(st.text(max_size=4), max_size=4),
        "values": st.lists(st.one_of(st.integers(-5, 300), st.floats(-1, 1e4, allow_nan=False), st.text(max_size=3)),
                           max_size=4),
        "series": st.lists(st.fixed_dictionaries({"name": st.text(max_size=3),
                                                  "values": st.lists(st.integers(0, 9), max_size=4)}), max_size=2),
        "items": st.lists(st.fixed_dictionaries({"label": st.text(max_size=3), "value": YAML_VALUE}), max_size=2),
        "height": YAML_VALUE,
    },
)  # fmt: skip


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(spec=SPEC)
def test_build_ends_in_a_pdf_or_a_clean_error_on_random_chart_specs(
    make_project: ProjectMaker, spec: dict[str, object]
) -> None:
    import yaml

    root = make_project(
        body="# 一\n\n正文。\n\n![](chart:a)\n", charts={"a.yaml": yaml.safe_dump(spec, allow_unicode=True)}
    )
    code, err = invoke("build", str(root), "--no-cache")
    assert code in (0, 1), err
    assert "Traceback" not in err and "internal error" not in err
    if code == 0:
        assert (root / "out" / "t.pdf").read_bytes().startswith(b"%PDF")
    else:
        assert err.startswith("source/"), err
