"""The engine fence: one version gate, patches only where needed, and the same document without them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from .conftest import REPO, Sample, pdftotext


def _run(script: str, tmp_path: Path, extra_path: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "MPLCONFIGDIR": str(tmp_path / "mpl")}
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)], capture_output=True, text=True, env=env, cwd=tmp_path
    )


def test_unpatched_weasyprint_typesets_the_same_text_on_as_many_pages(sample: Sample, tmp_path: Path) -> None:
    """A fresh process builds the sample with WeasyPrint as it is: the patches change where glyphs sit, not what."""
    out = tmp_path / "plain.pdf"
    done = _run(
        f"""
        from pathlib import Path
        import weasyprint.document, weasyprint.layout.inline
        from publisher.engine.weasyprint.writer import PdfWriter
        from publisher.options import BuildOptions
        from publisher.pipeline import build

        result = build(BuildOptions(project=Path({str(REPO)!r}), output=Path({str(out)!r}),
                                    cache_dir=Path({str(tmp_path / "cache")!r})), PdfWriter(patched=False))
        assert not hasattr(weasyprint.document.Page.paint, "_publisher"), "incremental patches installed"
        assert weasyprint.layout.inline.justify_line.__module__ == "weasyprint.layout.inline", "justify patched"
        print(result.pages)
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) == sample.result.pages
    plain = pdftotext(out).split("\f")
    assert len(plain) == len(sample.text_by_page)
    # Without the patches figures do not float forward (publisher/engine/weasyprint/floats.py): the same
    # text, but a figure may sit a page later; the contents show other page numbers, and their leaders
    # other counts of dots (engine/weasyprint/leaders.py fills them to the page numbers' column).
    squash = [re.sub(r"\s+", "", page) for page in plain], [re.sub(r"\s+", "", page) for page in sample.text_by_page]
    # Sorted characters: the reading order may differ where a line's ActualText keeps runs of different sizes
    # together (a KPI card's 704.83 and 亿元, which poppler otherwise sorts apart).
    front = [[sorted(re.sub(r"[\d.]", "", page)) for page in pages[:3]] for pages in squash]
    assert front[0] == front[1]
    # The type area of the body pages (running heads and page numbers name other chapters and pages).
    area = ["pdftotext", "-enc", "UTF-8", "-f", "4", "-x", "0", "-y", "62", "-W", "600", "-H", "718"]
    bodies = [
        subprocess.run([*area, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        for pdf in (out, sample.pdf)
    ]
    assert sorted(re.sub(r"\s+", "", bodies[0])) == sorted(re.sub(r"\s+", "", bodies[1]))


def test_another_weasyprint_is_one_clear_error(tmp_path: Path) -> None:
    """A WeasyPrint the patches were not written for stops the build with exit code 3, before any patch."""
    fake = tmp_path / "site"
    (fake / "weasyprint").mkdir(parents=True)
    (fake / "weasyprint" / "__init__.py").write_text('__version__ = "71.0"\n')
    done = subprocess.run(
        [sys.executable, "-m", "publisher", "build", str(REPO), "-o", str(tmp_path / "x.pdf")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(fake), "MPLCONFIGDIR": str(tmp_path / "mpl")},
        cwd=tmp_path,
    )
    assert done.returncode == 3, done.stderr
    assert "supports WeasyPrint 70.x; WeasyPrint 71.0 is installed" in done.stderr
    assert "hint: install the versions pinned in pyproject.toml" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "x.pdf").exists()


def test_importing_the_publisher_patches_nothing(tmp_path: Path) -> None:
    """Only making a writer installs the patches; a check or an import leaves WeasyPrint as it is."""
    done = _run(
        f"""
        from pathlib import Path
        import publisher.pipeline, publisher.engine.weasyprint.writer
        from publisher.options import BuildOptions
        from publisher.pipeline import prepare
        import weasyprint.document, weasyprint.layout.inline
        prepare(BuildOptions(project=Path({str(REPO)!r})))
        assert not hasattr(weasyprint.document.Page.paint, "_publisher")
        assert weasyprint.layout.inline.justify_line.__module__ == "weasyprint.layout.inline"
        from publisher.engine.weasyprint.writer import PdfWriter
        PdfWriter()
        assert hasattr(weasyprint.document.Page.paint, "_publisher")
        assert weasyprint.layout.inline.justify_line.__module__ != "weasyprint.layout.inline"
        """,
        tmp_path,
    )
    assert done.returncode == 0, done.stderr
