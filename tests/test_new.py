"""``publisher new``, ``publisher themes``, the front matter keys described once, shell completion, and what a
build tells the person who ran it (where the PDF is, a link on a terminal, ``--open``)."""

from __future__ import annotations

import dataclasses
import os
import re
import subprocess
import sys
import typing
from pathlib import Path

import pytest
from click.testing import CliRunner
from pypdf import PdfReader
from pypdf.generic import Destination

from publisher import frontmatter
from publisher.commands.cli import main
from publisher.commands.terminal import link, open_in_viewer
from publisher.editions.config import load_editions
from publisher.model import Meta
from publisher.source import load_source
from publisher.starter import LANGS

from .conftest import REPO, pdftotext
from .test_gongwen import with_office_fonts

PUBLISHER = Path(sys.executable).parent / "publisher"
"""The installed command (shell completion is keyed to its name)."""

EXPECTED: dict[str, dict[str, typing.Any]] = {
    "zh-CN": {
        "outline": [
            "第一部分　标题的层级",
            "一、二级标题（##）是章，列入目录和页眉",
            "（一）三级标题（###）后紧接段落时是段首标题。",
        ],
        "footnote": "这是脚注的注文。",
        "figure": r"图\s*1\s*示例柱状图",
        "table": r"表\s*1\s*示例表",
        "unit": "单位：项",
        "reference": r"见图\s*1\s*和表\s*1",
        "run-in": r"段首标题。\s*它和本段",
    },
    "zh-Hant": {
        "outline": [
            "第一部分　標題的層級",
            "一、二級標題（##）是章，列入目錄和頁首",
            "（一）三級標題（###）後緊接段落時是段首標題。",
        ],
        "footnote": "這是註腳的註文。",
        "figure": r"圖\s*1\s*示例柱狀圖",
        "table": r"表\s*1\s*示例表",
        "unit": "單位：項",
        "reference": r"見圖\s*1\s*和表\s*1",
        "run-in": r"段首標題。\s*它和本段",
    },
    "en": {
        "outline": [
            "Part one: headings",
            "1. A level-2 heading (##) is a chapter, in the contents and the running head",
            "(1) A level-3 heading followed by a paragraph is set run-in.",
        ],
        "footnote": "This is the footnote's text.",
        "figure": r"Figure\s*1\s*An example bar chart",
        "table": r"Table\s*1\s*An example table",
        "unit": "Unit: items",
        "reference": r"see\s*Figure\s*1\s*and\s*Table\s*1",
        "run-in": r"set run-in\. It shares",
    },
}
"""What each language's template must show in its PDF."""


def _new(folder: Path, *args: str) -> str:
    result = CliRunner().invoke(main, ["new", str(folder), *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def _outline(reader: PdfReader) -> list[tuple[int, str]]:
    """(level, title) of every bookmark, in order."""
    found: list[tuple[int, str]] = []

    def walk(items: list[typing.Any], level: int) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                assert isinstance(item, Destination)
                found.append((level, str(item.title)))

    walk(reader.outline, 1)
    return found


@pytest.fixture(scope="module")
def office_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """gongwen builds cleanly under --strict only with the office's fonts (else: a warning per substitute)."""
    return with_office_fonts(tmp_path_factory.mktemp("office"))


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("theme", ["report", "gongwen"])
def test_a_new_project_builds_under_strict_and_shows_every_construct(
    theme: str, lang: str, tmp_path: Path, office_env: dict[str, str]
) -> None:
    folder = tmp_path / "myreport"
    said = _new(folder, "--theme", theme, "--lang", lang)
    assert "cd " in said and "publisher watch --serve" in said
    env = office_env if theme == "gongwen" else dict(os.environ)
    done = subprocess.run(
        [sys.executable, "-m", "publisher", "build", "--strict"], cwd=folder, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == "", "no warning at all"
    assert re.fullmatch(r"wrote out/myreport\.pdf: \d+ pages, [\d.]+ MB in [\d.]+ s\n", done.stdout), done.stdout
    pdf = folder / "out" / "myreport.pdf"
    expected = EXPECTED[lang]
    outline = _outline(PdfReader(pdf))
    titles = [title for _level, title in outline]
    for level, title in enumerate(expected["outline"], start=1):
        assert (level, title) in outline, (level, title, outline)
    assert any(level == 4 for level, _title in outline), "a level-4 heading"
    assert len(titles) == 5
    text = pdftotext(pdf)
    flat = re.sub(r"\s+", "" if lang.startswith("zh") else " ", text)  # a Chinese line may end anywhere
    assert expected["footnote"] in text
    for construct in ("figure", "table", "reference", "run-in"):
        assert re.search(expected[construct], flat), (construct, flat)
    assert expected["unit"] in text
    assert "[@" not in text.replace("[@id]", ""), "every reference resolved"


def test_the_front_matter_has_every_key_with_its_meaning_in_the_language(tmp_path: Path) -> None:
    for lang in LANGS:
        folder = tmp_path / lang
        _new(folder, "--lang", lang, "--title", "标题: 有#号")
        text = (folder / "source" / "report.md").read_text(encoding="utf-8")
        front = frontmatter.split(text)
        assert front is not None
        words = {"zh-CN": "zh-Hans"}.get(lang, lang)
        for key in frontmatter.KEYS:
            [line] = [line for line in front.yaml.splitlines() if re.match(rf"(# )?{key.name}:", line)]
            assert line.endswith("# " + key.help[words]), line
        source = load_source(folder)
        assert source.meta.title == "标题: 有#号" and source.meta.lang == lang


def test_every_commented_key_and_edition_is_valid_when_uncommented(tmp_path: Path) -> None:
    """Removing the '# ' in front of a key or an edition table gives a project that still reads."""
    for lang in LANGS:
        folder = tmp_path / lang
        _new(folder, "--lang", lang)
        report = folder / "source" / "report.md"
        report.write_text(re.sub(r"(?m)^# (\w+:)", r"\1", report.read_text(encoding="utf-8")), encoding="utf-8")
        source = load_source(folder)
        assert source.meta.year == 2025 and source.meta.toc_levels == 2
        assert "# title:" not in report.read_text(encoding="utf-8")
        toml = folder / "publisher.toml"
        toml.write_text(re.sub(r"(?m)^# (\[|\w+ =)", r"\1", toml.read_text(encoding="utf-8")), encoding="utf-8")
        editions = load_editions(folder)
        assert editions["print"].bleed_mm == 5 and editions["web"].image_dpi == 96


def test_a_folder_that_is_not_empty_is_refused_unless_forced(tmp_path: Path) -> None:
    folder = tmp_path / "busy"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    result = CliRunner().invoke(main, ["new", str(folder)])
    assert result.exit_code == 1
    assert "is not empty (it holds notes.txt)" in result.output and "--force" in result.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"], "nothing written"
    _new(folder, "--force")
    assert (folder / "notes.txt").read_text() == "mine" and (folder / "source" / "report.md").is_file()

    with_git = tmp_path / "repo"
    (with_git / ".git").mkdir(parents=True)
    _new(with_git)  # `git init` first is fine
    assert (with_git / "publisher.toml").is_file()


def test_a_mistyped_theme_or_language_gets_a_hint(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["new", str(tmp_path / "x"), "--theme", "gongwne"])
    assert result.exit_code == 1
    assert "unknown theme 'gongwne'" in result.output and "did you mean 'gongwen'?" in result.output
    assert not (tmp_path / "x").exists()
    result = CliRunner().invoke(main, ["new", str(tmp_path / "x"), "--lang", "zh-TW"])
    assert result.exit_code == 2 and "zh-Hant" in result.output


def test_a_folder_name_that_is_no_file_name_gets_a_name(tmp_path: Path) -> None:
    folder = tmp_path / "我的 报告 (2025)"
    _new(folder)
    assert load_source(folder).meta.name == "我的-报告-2025"


def test_the_key_table_in_the_docs_is_the_schema() -> None:
    doc = (REPO / "docs" / "source-format.md").read_text(encoding="utf-8")
    assert frontmatter.markdown_table() in doc, "run `.venv/bin/python scripts/frontmatter_doc.py`"
    for key in frontmatter.KEYS:
        assert f"| `{key.name}` |" in doc


def test_the_schema_is_the_models_front_matter() -> None:
    """Every field of Meta is a key of the schema, with the same type (``params`` is read before Meta)."""
    hints = typing.get_type_hints(Meta)
    assert [f.name for f in dataclasses.fields(Meta)] == [k.name for k in frontmatter.KEYS if k.name != "params"]
    for key in frontmatter.KEYS:
        if key.name != "params":
            assert key.type == hints[key.name], key.name
        assert set(key.help) == {"en", "zh-Hans", "zh-Hant"}, key.name


def test_themes_lists_each_with_what_it_is_for(tmp_path: Path) -> None:
    (tmp_path / "styles" / "mine").mkdir(parents=True)
    (tmp_path / "styles" / "mine" / "theme.yaml").write_text("extends: report\ndescription: our office's look\n")
    (tmp_path / "styles" / "plain").mkdir()
    result = CliRunner().invoke(main, ["themes", str(tmp_path)])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line for line in result.output.splitlines()}
    assert set(lines) == {"gongwen", "mine", "plain", "report"}
    assert "built-in" in lines["gongwen"] and "GB/T 9704" in lines["gongwen"]
    assert "built-in" in lines["report"] and "annual report" in lines["report"]
    assert "project" in lines["mine"] and "our office's look" in lines["mine"]
    assert "add `description:` to styles/plain/theme.yaml" in lines["plain"]


def _complete(words: str, cwd: Path) -> list[str]:
    """What bash completion offers for the command line ``words`` (completing its last word)."""
    env = {
        **os.environ,
        "_PUBLISHER_COMPLETE": "bash_complete",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split(" ")) - 1),
    }
    done = subprocess.run([PUBLISHER], env=env, cwd=cwd, capture_output=True, text=True, check=True)
    return [line.split(",", 1)[1] for line in done.stdout.splitlines()]


def test_shell_completion_offers_commands_themes_and_editions(tmp_path: Path) -> None:
    project = tmp_path / "p"
    _new(project)
    (project / "publisher.toml").write_text('[editions.web]\nbase = "meeting"\n')
    assert {"build", "new", "themes", "watch", "completion"} <= set(_complete("publisher ", tmp_path))
    assert set(_complete("publisher build --theme ", tmp_path)) == {"gongwen", "report"}
    assert _complete("publisher new x --theme go", tmp_path) == ["gongwen"]
    assert _complete("publisher build --edition ", project) == ["archive", "booklet", "docx", "meeting", "print", "web"]
    assert _complete("publisher build --edition m", tmp_path) == ["meeting"]
    assert "--open" in _complete("publisher build --o", tmp_path)
    script = CliRunner().invoke(main, ["completion", "bash"]).output
    assert "_PUBLISHER_COMPLETE=bash_complete" in script


def test_a_link_only_on_a_terminal(tmp_path: Path) -> None:
    class Tty:
        def isatty(self) -> bool:
            return True

    pdf = tmp_path / "r.pdf"
    assert link(pdf, "out/r.pdf", Tty()) == f"\033]8;;{pdf.as_uri()}\033\\out/r.pdf\033]8;;\033\\"  # type: ignore[arg-type]
    with open(tmp_path / "log", "w") as log:
        assert link(pdf, "out/r.pdf", log) == "out/r.pdf"


def test_open_says_why_it_cannot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert open_in_viewer(tmp_path / "r.pdf") == "there is no desktop viewer here (xdg-open is not installed)"
    viewer = tmp_path / "xdg-open"
    viewer.write_text("#!/bin/sh\n")
    viewer.chmod(0o755)
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    assert "no desktop here" in str(open_in_viewer(tmp_path / "r.pdf"))


def test_a_build_on_a_terminal_links_the_pdf_and_opens_it(tmp_path: Path) -> None:
    """The real command in a pseudo-terminal: an OSC 8 link to the PDF, and --open hands it to xdg-open."""
    import pty

    folder = tmp_path / "t"
    _new(folder)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    opened = tmp_path / "opened"
    (bin_dir / "xdg-open").write_text(f'#!/bin/sh\necho "$1" > {opened}\n')
    (bin_dir / "xdg-open").chmod(0o755)
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "DISPLAY": ":0"}
    primary, secondary = pty.openpty()
    done = subprocess.run(
        [sys.executable, "-m", "publisher", "build", "--open"],
        cwd=folder,
        env=env,
        stdout=secondary,
        stderr=subprocess.PIPE,
        text=True,
    )
    os.close(secondary)
    output = b""
    while True:
        try:
            chunk = os.read(primary, 4096)
        except OSError:
            break
        if not chunk:
            break
        output += chunk
    os.close(primary)
    assert done.returncode == 0, done.stderr
    pdf = folder / "out" / "t.pdf"
    assert f"wrote \033]8;;{pdf.as_uri()}\033\\out/t.pdf\033]8;;\033\\: ".encode() in output
    for _ in range(100):
        if opened.exists() and opened.read_text():
            break
        import time

        time.sleep(0.05)
    assert opened.read_text().strip() == str(pdf)
