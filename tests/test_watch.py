"""Watch mode, for real: ``python -m publisher watch`` in a subprocess on a temp project.

The test edits files the way an author does and waits (with generous
timeouts, never timing anything) for the watcher's output and the PDF.
"""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from publisher.commands.watch import describe_changes, watched_paths
from publisher.progress import TerminalProgress

from .conftest import REPO, pdftotext

WAIT = 60.0
"""Longest wait for anything (only to avoid hanging; a build takes about a second)."""

REPORT = """---
title: 测试
name: t
---

# 第一部分

第一段文字，说明本年度的工作情况。

![](chart:a)

## 小节

第二段文字，继续说明工作。
"""
CHART = "id: a\ntype: bar\ntitle: 图\nlabels: [甲, 乙]\nvalues: [3, 5]\n"


def write_project(root: Path) -> Path:
    """A small project: a report with two headings, two paragraphs and one bar chart."""
    (root / "source" / "charts").mkdir(parents=True)
    (root / "source" / "report.md").write_text(REPORT, encoding="utf-8")
    (root / "source" / "charts" / "a.yaml").write_text(CHART, encoding="utf-8")
    return root


def edit(path: Path, old: str, new: str) -> None:
    """Replace text in a file, as an editor saving it would."""
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


class Running:
    """A ``publisher watch`` subprocess whose output is collected line by line."""

    def __init__(self, *args: str, cwd: Path):
        env = dict(os.environ, PYTHONUNBUFFERED="1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "publisher", "watch", *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()

    @property
    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def wait_for(self, pattern: str, after: int = 0) -> tuple[int, re.Match[str]]:
        """Wait for a line matching ``pattern`` from line ``after`` on; return its index and match."""
        deadline = time.monotonic() + WAIT
        with self._changed:
            while True:
                for index in range(after, len(self.lines)):
                    if found := re.search(pattern, self.lines[index]):
                        return index, found
                left = deadline - time.monotonic()
                if left <= 0 or self.proc.poll() is not None:
                    pytest.fail(f"no line matching {pattern!r}; output:\n" + "\n".join(self.lines))
                self._changed.wait(min(left, 0.5))

    def exit_code(self) -> int:
        """Wait for the watcher to end by itself."""
        code = self.proc.wait(WAIT)
        self._reader.join(10)
        return code

    def stop(self) -> int:
        """Ctrl-C, then wait for the exit code."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            code = self.proc.wait(WAIT)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            pytest.fail("the watcher did not stop on Ctrl-C")
        self._reader.join(10)
        return code


@pytest.fixture
def watcher(tmp_path: Path) -> Iterator[Callable[..., Running]]:
    """Start watchers; any still running at the end are stopped."""
    started: list[Running] = []

    def start(*args: str) -> Running:
        running = Running(*args, cwd=tmp_path)
        started.append(running)
        return running

    yield start
    for running in started:
        if running.proc.poll() is None:
            running.proc.kill()
            running.proc.wait(WAIT)


def wait_until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.1)


BUILT = r"→ .*t\.pdf: (\d+) pages in [\d.]+ s"


def test_watch_rebuilds_keeps_the_last_good_pdf_and_stops_cleanly(
    tmp_path: Path, watcher: Callable[..., Running]
) -> None:
    root = write_project(tmp_path / "proj")
    pdf = root / "out" / "t.pdf"
    running = watcher(str(root))
    at, first = running.wait_for(r"first build " + BUILT)
    assert "1 chart drawn" in first.string
    assert "第一段文字" in pdftotext(pdf)

    # A paragraph edit shows in the PDF; the chart comes from the cache.
    edit(root / "source" / "report.md", "第一段文字", "第一段修改后的文字")
    wait_until(lambda: "第一段修改后的文字" in pdftotext(pdf), "the edited paragraph in the PDF")
    at, second = running.wait_for(r"source/report\.md changed " + BUILT, at)
    assert "chart" not in second.string  # not drawn again
    at, changes = running.wait_for(r"changes: (.*) → .*t-changes\.html", at)
    assert changes.group(1).startswith("changed p. ")
    report = (root / "out" / "t-changes.html").read_text(encoding="utf-8")
    assert "<ins>修改后的</ins>" in report

    # A broken chart spec: its file:line:col error, and the last good PDF untouched.
    good = pdf.read_bytes()
    edit(root / "source" / "charts" / "a.yaml", "[3, 5]", "[3, x5]")
    at, _ = running.wait_for(r"source/charts/a\.yaml changed → failed, .*t\.pdf kept", at)
    at, error = running.wait_for(r"^source/charts/a\.yaml:(\d+):(\d+): error: values\[2\]: expected a number", at)
    assert error.groups() == ("5", "13")
    assert pdf.read_bytes() == good

    # Fixed: rebuilt, and only that chart drawn again.
    edit(root / "source" / "charts" / "a.yaml", "[3, x5]", "[3, 6]")
    at, fixed = running.wait_for(r"source/charts/a\.yaml changed " + BUILT, at)
    assert "1 chart drawn" in fixed.string
    assert pdf.read_bytes() != good
    running.wait_for(r"changes: ", at)

    code = running.stop()
    assert code in (0, 130), running.output
    assert "Traceback" not in running.output
    assert running.lines[-1] == "stopped watching"
    assert not list((root / "out").glob(".*.part"))


def test_watch_refuses_a_folder_that_is_not_a_project(tmp_path: Path, watcher: Callable[..., Running]) -> None:
    running = watcher(str(tmp_path / "nothing-here"))
    assert running.exit_code() == 1
    assert re.search(r"^error: project folder '.*nothing-here' does not exist", running.output, re.M)
    assert "Traceback" not in running.output


def test_a_broken_first_build_keeps_watching(tmp_path: Path, watcher: Callable[..., Running]) -> None:
    root = write_project(tmp_path / "proj")
    edit(root / "source" / "charts" / "a.yaml", "[3, 5]", "[3, x5]")
    running = watcher(str(root))
    at, _ = running.wait_for(r"first build → failed, no PDF yet")
    running.wait_for(r"^source/charts/a\.yaml:5:13: error: ", at)
    at, found = running.wait_for(r"watching .* for changes", at)
    # each folder once, the publisher's own by what they hold (was "source, styles, styles, assets/fonts")
    assert found.string == "watching source, the built-in themes, the bundled fonts for changes; Ctrl-C stops"
    edit(root / "source" / "charts" / "a.yaml", "[3, x5]", "[3, 5]")
    running.wait_for(r"source/charts/a\.yaml changed " + BUILT, at)
    assert (root / "out" / "t.pdf").is_file()
    assert running.stop() in (0, 130)
    assert "Traceback" not in running.output


def test_watched_paths_are_the_sources_themes_and_fonts(tmp_path: Path) -> None:
    root = write_project(tmp_path / "proj")
    names = [describe_changes([p], root) for p in watched_paths(root)]
    assert names == ["source", "styles", "assets/fonts"]
    # The sample project is the repository: its styles/ is the themes folder, watched once.
    assert len(watched_paths(REPO)) == 3


def test_changed_files_are_named_shortly(tmp_path: Path) -> None:
    root = tmp_path
    paths = [root / "source" / "charts" / f"{c}.yaml" for c in "abcde"]
    assert describe_changes(paths[:1], root) == "source/charts/a.yaml"
    assert describe_changes(paths, root) == "source/charts/a.yaml, source/charts/b.yaml, source/charts/c.yaml +2 more"


def test_progress_shows_on_a_terminal_only() -> None:
    piped = io.StringIO()
    quiet = TerminalProgress(stream=piped)  # a StringIO is no terminal
    quiet("pdf")
    quiet.clear()
    assert piped.getvalue() == ""

    terminal = io.StringIO()
    shown = TerminalProgress("building", stream=terminal, enabled=True)
    shown("charts")
    shown.count("page images", 3, 18)
    shown.clear()
    steps = terminal.getvalue().split("\r\033[K")
    assert [s.split("…")[0] for s in steps if s] == ["building: charts", "building: page images 3/18"]
    assert terminal.getvalue().endswith("\r\033[K")


def test_a_page_too_large_to_show_costs_its_images_only(tmp_path: Path, watcher: Callable[..., Running]) -> None:
    """A theme with pages past publisher diff's 1,200 mm: the PDF is written, its page images are not made
    (a warning, no traceback), and the temporary folder goes when the watcher stops."""
    root = write_project(tmp_path / "proj")
    edit(root / "source" / "report.md", "name: t", "name: t\ntheme: big")
    (root / "styles" / "big").mkdir(parents=True)
    (root / "styles" / "big" / "theme.yaml").write_text("extends: report\n", encoding="utf-8")
    (root / "styles" / "big" / "theme.css").write_text("@page { size: 1300mm 1300mm !important }\n", encoding="utf-8")
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    os.environ["TMPDIR"], before = str(scratch), os.environ.get("TMPDIR")
    try:
        running = watcher(str(root))
    finally:
        os.environ.pop("TMPDIR") if before is None else os.environ.update(TMPDIR=before)
    at, _ = running.wait_for(r"first build " + BUILT)
    running.wait_for(r"warning: no page images of this build: '.*t\.pdf': page 1 is 1,300 × 1,300 mm: publisher "
                     r"diff compares pages of at most 1,200 mm a side", at)  # fmt: skip
    assert [p.name.split("-")[1] for p in scratch.glob("publisher-*")] == ["watch"]
    assert running.stop() in (0, 130)
    assert "Traceback" not in running.output
    assert sorted(p.name for p in scratch.iterdir()) == []
