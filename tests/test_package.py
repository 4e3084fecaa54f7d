"""The installable package: a wheel with its themes and fonts builds the sample outside the checkout."""

from __future__ import annotations

import os
import re
import shutil
import site
import subprocess
import sys
import zipfile
from pathlib import Path

from packaging.requirements import Requirement

from .conftest import REPO, Sample, pdftotext


def _run(args: list[str | Path], **kwargs: object) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, **kwargs)  # type: ignore[call-overload]
    assert done.returncode == 0, f"{args}: {done.stdout}\n{done.stderr}"
    return done  # type: ignore[no-any-return]


def test_the_wheel_builds_the_sample_outside_the_checkout(sample: Sample, tmp_path: Path) -> None:
    """Build the wheel, install it into a new venv, and build the sample in a folder far from the checkout.

    To stay fast and work offline, the new venv gets the publisher from the
    wheel only and its dependencies from this venv (a ``.pth`` file, checked
    against the wheel's ``Requires-Dist``), not from the package index.
    """
    dist = tmp_path / "dist"
    # from a copy: setuptools writes build/ and *.egg-info beside the sources it builds
    tree = tmp_path / "tree"
    skip = shutil.ignore_patterns("__pycache__", "*.egg-info")
    for name in ("publisher", "styles", "assets"):
        shutil.copytree(REPO / name, tree / name, ignore=skip)
    for name in ("pyproject.toml", "README.md"):
        shutil.copyfile(REPO / name, tree / name)
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", dist, tree])
    [wheel] = dist.glob("publisher-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        metadata = next(archive.read(n).decode() for n in names if n.endswith(".dist-info/METADATA"))
    for needed in (
        "publisher/styles/base/templates/report.html.j2",
        "publisher/styles/gongwen/theme.yaml",
        "publisher/starter/zh-Hant/report.md",
        "publisher/assets/fonts/PublisherSerif-Regular.otf",
        "publisher/engine/weasyprint/writer.py",
        "publisher/templates/changes.html.j2",
        "publisher/templates/preview.html.j2",
    ):
        assert needed in names, needed

    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv])
    _run([sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "--no-deps", "--quiet", wheel])
    [purelib] = (venv / "lib").glob("python3*/site-packages")
    (purelib / "dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    from importlib.metadata import version

    for line in re.findall(r"^Requires-Dist: (.+)$", metadata, re.M):
        requirement = Requirement(line)
        if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
            assert requirement.specifier.contains(version(requirement.name), prereleases=True), line

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(REPO / "source", elsewhere / "report" / "source")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["MPLCONFIGDIR"] = str(tmp_path / "mpl")
    where = _run([venv / "bin" / "python", "-c", "import publisher.theme as t; print(t.STYLES_DIR, t.FONTS_DIR)"],
                 cwd=elsewhere, env=env).stdout  # fmt: skip
    assert str(purelib) in where and str(REPO) not in where
    _run([venv / "bin" / "publisher", "build", "report", "-o", "report.pdf"], cwd=elsewhere, env=env)
    built = elsewhere / "report.pdf"
    pages = pdftotext(built).split("\f")
    assert [re.sub(r"\s+", "", p) for p in pages] == [re.sub(r"\s+", "", p) for p in sample.text_by_page]
    _run([venv / "bin" / "publisher", "new", "mine", "--lang", "zh-Hant"], cwd=elsewhere, env=env)
    _run([venv / "bin" / "publisher", "build", "mine", "--strict"], cwd=elsewhere, env=env)
    assert "範本" in pdftotext(elsewhere / "mine" / "out" / "mine.pdf")
    # the change report: its template is package data, the PDF is read back by the installed reader
    _run([venv / "bin" / "publisher", "diff", "report.pdf", "report.pdf", "-o", "changes.html"], cwd=elsewhere, env=env)
    assert "No visible change" in (elsewhere / "changes.html").read_text(encoding="utf-8")
