"""Back from Word: ``publisher import`` of the Word edition gives back the project, ``--update`` the edits.

The edits are made the way a colleague's word processor makes them: with
python-docx on the document's XML (runs split, paragraphs added, a figure
deleted, the title changed), and by LibreOffice saving the document again.
"""

from __future__ import annotations

import copy
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn

from publisher.commands.cli import main
from publisher.editions import BUILTIN
from publisher.editions.archive import project_files
from publisher.errors import Diagnostics
from publisher.importer.update import block_markdown
from publisher.options import BuildOptions
from publisher.parse import build_model
from publisher.pipeline import build
from publisher.source import load_source

from .conftest import REPO, ProjectMaker
from .test_docx import RICH, RICH_CHARTS, SOFFICE

DOCX = BUILTIN["docx"]


def export(project: Path, out: Path, theme: str | None = None) -> Path:
    return build(BuildOptions(project=project, output=out, theme=theme, edition=DOCX)).output


@pytest.fixture(scope="module")
def sample_docx(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return export(REPO, tmp_path_factory.mktemp("roundtrip"))


def run(*args: str | Path) -> Any:
    return CliRunner().invoke(main, [str(a) for a in args])


def files_of(root: Path) -> dict[str, bytes]:
    return {str(rel): (root / rel).read_bytes() for rel in project_files(root)}


def style(p: Any) -> str:
    found = p.find(qn("w:pPr") + "/" + qn("w:pStyle"))
    return "" if found is None else str(found.get(qn("w:val")))


# ----------------------------------------------------------------- the same project back


def test_markdown_of_every_block_reads_back_as_itself() -> None:
    source = load_source(REPO)
    document = build_model(source, Diagnostics())
    for block in document.blocks:
        said = block_markdown(block)
        again = build_model(
            source.__class__(source.root, source.main, source.meta, said, source.body_line), Diagnostics()
        )
        assert [block_markdown(b) for b in again.blocks] == [said]


@pytest.mark.parametrize("theme", ["report", "gongwen"])
def test_importing_the_word_edition_gives_back_the_same_project(tmp_path: Path, theme: str) -> None:
    exported = export(REPO, tmp_path / "out", theme)
    done = run("import", exported, "-o", tmp_path / "back")
    assert done.exit_code == 0, done.output
    assert "a Word document the publisher wrote" in done.stderr
    assert "no changes" in done.stderr
    assert files_of(tmp_path / "back") == files_of(REPO)


def test_footnotes_tables_lists_links_and_images_come_back(make_project: ProjectMaker, tmp_path: Path) -> None:
    from PIL import Image

    root = make_project(RICH, charts=RICH_CHARTS)
    (root / "source" / "images").mkdir()
    Image.new("RGB", (60, 40), "red").save(root / "source" / "images" / "dot.png")
    exported = export(root, tmp_path / "out")
    done = run("import", exported, "-o", tmp_path / "back")
    assert done.exit_code == 0, done.output
    assert files_of(tmp_path / "back") == files_of(root)


def test_traditional_chinese_comes_back(tmp_path: Path) -> None:
    project = REPO / "tests" / "samples" / "zh-hant"
    exported = export(project, tmp_path / "out")
    assert run("import", exported, "-o", tmp_path / "back").exit_code == 0
    assert files_of(tmp_path / "back") == files_of(project)


# ----------------------------------------------------------------- edits


def edit(source: Path, target: Path) -> None:
    """What a colleague does in Word: a number corrected (in a run split in two), a paragraph added, a figure
    deleted, the title changed, a caption changed."""
    document = docx.Document(str(source))
    paragraphs = list(document.element.body.iter(qn("w:p")))
    body = [p for p in paragraphs if style(p) == "BodyText"]
    target_run = next(r for p in body for r in p.iter(qn("w:r")) if "7个工地党支部" in "".join(r.itertext()))
    text = target_run.find(qn("w:t"))
    before, after = text.text.split("7个工地党支部", 1)
    text.text = before + "8个工地"
    tail = copy.deepcopy(target_run)  # Word splits runs where it was typed in
    tail.find(qn("w:t")).text = "党支部" + after
    target_run.addnext(tail)
    added = copy.deepcopy(body[5])
    for r in added.findall(qn("w:r"))[1:]:
        added.remove(r)
    added.find(qn("w:r")).find(qn("w:t")).text = "这是在Word里新加的一段。"
    body[5].addnext(added)
    figures = [p for p in paragraphs if style(p) == "Figure"]
    caption = figures[1].getnext()
    figures[1].getparent().remove(figures[1])
    caption.getparent().remove(caption)
    for p in paragraphs:
        if style(p) == "Title":
            p.find(qn("w:r")).find(qn("w:t")).text = "祖庙街道二〇二一年工作报告"
        if style(p) == "Caption" and "重点建设项目投入" in "".join(p.itertext()):
            last = list(p.iter(qn("w:t")))[-1]
            last.text = last.text.replace("重点建设项目投入", "重点项目投入")
    document.save(str(target))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    for rel in project_files(REPO):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / rel, root / rel)
    return root


def test_update_shows_the_changes_and_writes_nothing(sample_docx: Path, project: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.docx"
    edit(sample_docx, edited)
    before = files_of(project)
    done = run("import", "--update", project, edited)
    assert done.exit_code == 0, done.output
    lines = done.stderr.splitlines()
    assert "update: 4 changes made in Word (2 changed, 1 added, 1 removed):" in lines
    changes = [line.strip() for line in lines if line.startswith("  source/report.md:")]
    assert changes == [
        "source/report.md:5: changed title: 祖庙街道{+二〇二一年+}工作报告",
        "source/report.md:34: changed paragraph with its run-in heading: "
        "…部建在工地上”，推动组建[-7-]{+8+}个工地党支部和5个快递小…",
        "source/report.md:42: added paragraph: 这是在Word里新加的一段。",
        "source/report.md:56: removed figure chart:innovation (its spec in source/charts/ stays): "
        "![](chart:innovation)",
    ]
    assert any("caption of chart:investment changed in Word to “重点项目投入”: not applied" in line for line in lines)
    assert "--write` makes these changes" in done.stderr
    assert files_of(project) == before


def test_update_writes_only_the_lines_that_changed(sample_docx: Path, project: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.docx"
    edit(sample_docx, edited)
    report = project / "source" / "report.md"
    old = report.read_text(encoding="utf-8")
    charts = {rel: data for rel, data in files_of(project).items() if "charts" in rel}
    done = run("import", "--update", project, edited, "--write")
    assert done.exit_code == 0, done.output
    assert "update: wrote source/report.md (the old one is report.md.bak)" in done.stderr
    assert (project / "source" / "report.md.bak").read_text(encoding="utf-8") == old
    new = report.read_text(encoding="utf-8")
    import difflib

    diff = [line for line in difflib.unified_diff(old.split("\n"), new.split("\n"), lineterm="", n=0)]
    removed = [line[1:] for line in diff if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff if line.startswith("+") and not line.startswith("+++")]
    assert removed[0] == "title: 祖庙街道工作报告" and added[0] == "title: 祖庙街道二〇二一年工作报告"
    # the corrected paragraph keeps the source's own half-width commas: only 7 → 8 changed
    assert removed[1].replace("推动组建7个", "推动组建8个") == added[1]
    assert "这是在Word里新加的一段。" in added and "![](chart:innovation)" in removed
    assert {rel: data for rel, data in files_of(project).items() if "charts" in rel} == charts
    rebuilt = build(BuildOptions(project=project, output=tmp_path / "out.docx", edition=DOCX))
    assert rebuilt.document.meta.title == "祖庙街道二〇二一年工作报告"
    again = run("import", "--update", project, rebuilt.output)
    assert "no changes" in again.stderr, again.stderr


def test_a_source_changed_since_the_export_keeps_its_changes(sample_docx: Path, project: Path, tmp_path: Path) -> None:
    report = project / "source" / "report.md"
    text = report.read_text(encoding="utf-8")
    # someone edits the source meanwhile: one paragraph the document changed too, one it did not
    text = text.replace("推动组建7个工地党支部", "推动组建七个工地党支部")
    text = text.replace("开展80余场党史学习教育展览", "开展八十余场党史学习教育展览")
    report.write_text(text, encoding="utf-8")
    edited = tmp_path / "edited.docx"
    edit(sample_docx, edited)
    done = run("import", "--update", project, edited, "--write")
    assert done.exit_code == 0, done.output
    assert "source/report.md changed since the export" in done.stderr
    assert "source/report.md:34: not applied (changed paragraph with its run-in heading)" in done.stderr
    new = report.read_text(encoding="utf-8")
    assert "开展八十余场" in new and "推动组建七个" in new  # the source's own changes stay
    assert "这是在Word里新加的一段。" in new and "![](chart:innovation)" not in new


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")
def test_a_document_saved_again_by_libreoffice_still_updates(sample_docx: Path, project: Path, tmp_path: Path) -> None:
    edited = tmp_path / "edited.docx"
    edit(sample_docx, edited)
    assert SOFFICE is not None
    saved = tmp_path / "saved"
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless", "--convert-to",
         "docx:MS Word 2007 XML", "--outdir", str(saved), str(edited)],
        check=True, capture_output=True, timeout=300,
    )  # fmt: skip
    done = run("import", "--update", project, saved / "edited.docx")
    assert done.exit_code == 0, done.output
    changes = [line.strip() for line in done.stderr.splitlines() if line.startswith("  source/report.md:")]
    assert len(changes) == 4, done.stderr
    assert "推动组建[-7-]{+8+}个" in changes[1] and "removed figure chart:innovation" in changes[3]


# ----------------------------------------------------------------- bad input


@pytest.mark.parametrize("kind", ["text", "zip", "missing"])
def test_a_bad_docx_fails_clearly_and_leaves_the_project_alone(project: Path, tmp_path: Path, kind: str) -> None:
    bad = tmp_path / "bad.docx"
    if kind == "text":
        bad.write_text("这不是Word文档", encoding="utf-8")
    elif kind == "zip":
        with zipfile.ZipFile(bad, "w") as archive:
            archive.writestr("hello.txt", "not a word document")
    before = files_of(project)
    done = run("import", "--update", project, bad, "--write")
    assert done.exit_code == 1, done.output
    message = done.stderr.strip().splitlines()
    expected = "error: file not found" if kind == "missing" else f"{bad}:1:1: error: cannot read the Word document"
    assert message[0].startswith(expected), message
    assert any(line.strip().startswith("hint: ") for line in message)
    assert "Traceback" not in done.output
    assert files_of(project) == before


def test_write_needs_update() -> None:
    done = run("import", "x.docx", "--write")
    assert done.exit_code == 2
    assert "--write goes with --update PROJECT" in done.output
