"""A long report laid out by two processes is the PDF one process writes, byte for byte.

The sample repeated twice (36 pages) is long enough once the threshold is
lowered; each test builds it with ``jobs=2`` (a forked worker lays out and
paints the second part) and with ``jobs=1`` and compares. A worker that
fails, crashes or starts from the wrong state costs only time.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from publisher.editions import BUILTIN
from publisher.engine.weasyprint import paginate, parallel
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.pipeline import build

from .conftest import REPO

PARAGRAPH = "一年来,我们坚持做好以下工作:"


@pytest.fixture
def long_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The sample with its body twice, and the threshold for a worker lowered to it."""
    monkeypatch.setattr(parallel, "MIN_CHARACTERS", 10_000)
    assert parallel.available(2), "a worker needs Linux and a single thread in the test process"
    root = tmp_path / "long"
    shutil.copytree(REPO / "source", root / "source")
    report = root / "source" / "report.md"
    _, front, body = report.read_text(encoding="utf-8").split("---\n", 2)
    report.write_text(f"---\n{front}---\n{body}\n{body}", encoding="utf-8")
    return root


def pdf(root: Path, jobs: int, name: str) -> bytes:
    options = BuildOptions(project=root, output=root / "out" / name, jobs=jobs)
    return build(options, PdfWriter(incremental=False)).output.read_bytes()


def test_two_processes_write_the_pdf_one_writes(
    long_report: Path, stats: list[paginate.Stats], monkeypatch: pytest.MonkeyPatch
) -> None:
    redone: list[int] = []
    materialize = paginate.materialize

    def counted(html: Any, root_box: Any, context: Any, pages: list[Any]) -> list[Any]:
        redone.append(sum(1 for page in pages if paginate.is_placeholder(page)))
        return materialize(html, root_box, context, pages)

    monkeypatch.setattr(paginate, "materialize", counted)
    two = pdf(long_report, 2, "two.pdf")
    # The worker's painted pages are used: none is laid out here again (its painting of marked content, the
    # lines' ActualText, could not be sent, and the worker's half was redone here, the same PDF twice as slow).
    assert sum(redone) == 0, redone
    assert stats[-1].remote > 10  # the worker laid out and painted the second part
    assert stats[-1].made + stats[-1].remote < 50  # 36 pages, and the contents made again
    floated = stats[-1].floated
    one = pdf(long_report, 1, "one.pdf")
    assert stats[-1].remote == 0
    # Figures float forward in both halves: the worker's moves are made on this process's boxes too.
    assert floated == stats[-1].floated >= 2
    assert two == one


def test_an_edition_with_bleed_marks_and_an_output_intent(long_report: Path, stats: list[paginate.Stats]) -> None:
    environ = {"SOURCE_DATE_EPOCH": "1640995200"}
    results = []
    for jobs in (2, 1):
        options = BuildOptions(
            project=long_report, output=long_report / "out" / f"print{jobs}", jobs=jobs, edition=BUILTIN["print"]
        )
        results.append(build(options, PdfWriter(incremental=False), environ=environ).output.read_bytes())
        assert (stats[-1].remote > 0) == (jobs == 2)
    assert results[0] == results[1]


def test_an_image_in_the_workers_part(long_report: Path, stats: list[paginate.Stats]) -> None:
    report = long_report / "source" / "report.md"
    (long_report / "source" / "images").mkdir()
    Image.new("RGB", (60, 30), (200, 30, 30)).save(long_report / "source" / "images" / "a.png")
    report.write_text(report.read_text(encoding="utf-8") + "\n![图](images/a.png)\n", encoding="utf-8")
    two = pdf(long_report, 2, "two.pdf")
    assert stats[-1].remote > 0
    assert two == pdf(long_report, 1, "one.pdf")


def test_a_failing_worker_costs_only_time(
    long_report: Path, monkeypatch: pytest.MonkeyPatch, stats: list[paginate.Stats]
) -> None:
    one = pdf(long_report, 1, "one.pdf")

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in the worker")

    monkeypatch.setattr(parallel, "_paint", broken)  # fails after its pages were merged: laid out here again
    assert pdf(long_report, 2, "painting.pdf") == one
    assert stats[-1].remote > 0

    def crash(*args: object, **kwargs: object) -> None:
        os._exit(3)

    monkeypatch.setattr(parallel, "_work", crash)  # the worker dies before sending anything
    assert pdf(long_report, 2, "crash.pdf") == one
    assert stats[-1].remote == 0


def test_a_worker_that_started_in_another_state_is_not_used(
    long_report: Path, monkeypatch: pytest.MonkeyPatch, stats: list[paginate.Stats]
) -> None:
    start_entry = parallel._start_entry

    def wrong(*args: object) -> object:
        resume_at, next_page, right_page, state, remake = start_entry(*args)  # type: ignore[arg-type]
        return resume_at, {**next_page, "page": "cover"}, right_page, state, remake

    monkeypatch.setattr(parallel, "_start_entry", wrong)
    two = pdf(long_report, 2, "two.pdf")
    assert stats[-1].remote == 0
    assert two == pdf(long_report, 1, "one.pdf")


def test_a_warm_rebuild_after_a_build_in_two_processes(long_report: Path, stats: list[paginate.Stats]) -> None:
    """The worker's pages are kept by the writer like its own: an edit there lays out one page."""
    writer = PdfWriter()
    options = BuildOptions(project=long_report, output=long_report / "out" / "warm.pdf", jobs=2)
    build(options, writer)
    assert stats[-1].remote > 0
    report = long_report / "source" / "report.md"
    text = report.read_text(encoding="utf-8")
    last = text.rindex(PARAGRAPH)
    report.write_text(
        text[:last] + "一年来,我们坚持做好以下各项工作:" + text[last + len(PARAGRAPH) :], encoding="utf-8"
    )
    warm = build(options, writer)
    assert warm.pages_laid_out <= 2
    assert warm.output.read_bytes() == pdf(long_report, 1, "cold.pdf")


def test_verbose_names_the_short_pages_the_worker_laid_out(long_report: Path, stats: list[paginate.Stats]) -> None:
    """``build --verbose`` measures the worker's pages too (it sends each page's empty foot back)."""
    notes = {}
    for jobs in (2, 1):
        options = BuildOptions(project=long_report, output=long_report / "out" / f"{jobs}.pdf", jobs=jobs)
        notes[jobs] = build(options, PdfWriter(incremental=False)).warnings.notes
        assert (stats[-1].remote > 10) == (jobs == 2)
    last = int(notes[1][-1].split()[1])
    assert last > 30, notes[1]  # the end of the document: on a page the worker made
    assert notes[2] == notes[1]
