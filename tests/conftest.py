"""Shared fixtures: one real build of the sample report, and small projects."""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import hypothesis.configuration
import pdfplumber
import pytest
from pdfplumber.pdf import PDF

from publisher.engine.weasyprint import paginate
from publisher.options import BuildOptions
from publisher.pipeline import BuildResult, build

REPO = Path(__file__).resolve().parent.parent
SEED = REPO.parent / "shared" / "seed" / "zumiao-2021-work-report.txt"


@dataclass
class Sample:
    """The sample report built once for the whole test session."""

    result: BuildResult
    pdf: Path
    text_by_page: list[str]
    """Text of each page, from pdftotext (layout off)."""


def pdftotext(pdf: Path, first: int | None = None, last: int | None = None) -> str:
    args = ["pdftotext", "-enc", "UTF-8"]
    if first:
        args += ["-f", str(first)]
    if last:
        args += ["-l", str(last)]
    return subprocess.run([*args, str(pdf), "-"], check=True, capture_output=True, text=True).stdout


# Hypothesis keeps its examples and caches in a temporary folder, not in .hypothesis/ of the checkout:
# tests write into temporary folders only.
_HYPOTHESIS_HOME = tempfile.mkdtemp(prefix="publisher-hypothesis-")
hypothesis.configuration.set_hypothesis_home_dir(_HYPOTHESIS_HOME)
atexit.register(shutil.rmtree, _HYPOTHESIS_HOME, True)

TOOL_FOLDERS = {".git", ".venv", "__pycache__", ".pytest_cache", ".mypy_cache", ".ruff_cache", "publisher.egg-info"}
"""What tools (not the tests) keep in the checkout."""


def repository_paths() -> set[str]:
    """Every file and folder of the checkout but the tools' own."""
    found: set[str] = set()
    for folder, dirs, files in os.walk(REPO):
        dirs[:] = [d for d in dirs if d not in TOOL_FOLDERS]
        rel = Path(folder).relative_to(REPO)
        found.update(str(rel / name) for name in dirs + files)
    return found


@pytest.fixture(scope="session", autouse=True)
def nothing_written_into_the_repository() -> Iterator[None]:
    """The session fails when a test left a file in the checkout (an ``out/``, a cache, a project's PDF)."""
    before = repository_paths()
    yield
    left = sorted(repository_paths() - before)
    if left:
        pytest.fail(f"tests wrote into the repository: {', '.join(left[:10])}", pytrace=False)


@pytest.fixture(scope="session", autouse=True)
def caches_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Builds keep their caches in a temporary folder, never in the repository or a test project's ``out/``."""
    from publisher.options import CACHE_ENV

    before = os.environ.get(CACHE_ENV)
    os.environ[CACHE_ENV] = str(tmp_path_factory.mktemp("caches"))
    yield
    if before is None:
        del os.environ[CACHE_ENV]
    else:
        os.environ[CACHE_ENV] = before


@pytest.fixture(scope="session")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Sample:
    out = tmp_path_factory.mktemp("sample") / "sample.pdf"
    result = build(BuildOptions(project=REPO, output=out))
    pages = pdftotext(out).split("\f")
    return Sample(result, out, pages)


@pytest.fixture(scope="session")
def sample_plumber(sample: Sample) -> Iterator[PDF]:
    with pdfplumber.open(sample.pdf) as pdf:
        yield pdf


MINIMAL_FRONT = "title: 测试报告\norganisation: 测试单位\nname: t"

ProjectMaker = Callable[..., Path]


@pytest.fixture
def make_project(tmp_path: Path) -> ProjectMaker:
    """Write a small project: ``make_project(body, front=..., charts={name: yaml})``."""

    def make(
        body: str = "# 一\n\n正文。\n",
        front: str = MINIMAL_FRONT,
        charts: dict[str, str] | None = None,
        raw_report: bytes | None = None,
    ) -> Path:
        root = tmp_path / "proj"
        if root.exists():
            shutil.rmtree(root)
        (root / "source" / "charts").mkdir(parents=True)
        report = root / "source" / "report.md"
        if raw_report is not None:
            report.write_bytes(raw_report)
        else:
            report.write_text(f"---\n{front}\n---\n{textwrap.dedent(body)}", encoding="utf-8")
        for name, text in (charts or {}).items():
            (root / "source" / "charts" / name).write_text(textwrap.dedent(text), encoding="utf-8")
        return root

    return make


@pytest.fixture
def stats() -> Iterator[list[paginate.Stats]]:
    """The statistics of every pagination made while the test runs."""
    made: list[paginate.Stats] = []
    original = paginate.layout

    def layout(
        html: Any, root_box: Any, context: Any, stats: paginate.Stats | None = None, remote: Any = None
    ) -> list[Any]:
        made.append(paginate.Stats())
        return original(html, root_box, context, made[-1], remote)

    paginate.layout = layout
    try:
        yield made
    finally:
        paginate.layout = original
