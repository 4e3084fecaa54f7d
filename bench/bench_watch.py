"""Benchmark: what watch mode costs on the sample report.

* cold build: a new process (``python -m publisher build``), as in bench_build;
* warm rebuild after a paragraph edit and after a chart edit: ``build()`` in
  this process with one long-lived ``PdfWriter``, the collector set as the
  CLI sets it and the watcher's housekeeping between builds, as ``publisher
  watch`` does. The paragraph edit uses characters the report already has
  (as most edits of a report do): the font subsets stay, and the pages laid
  out again are printed. An edit that adds a character the report did not
  use yet is measured apart: it needs new font subsets, so every page is
  laid out again (docs/watch.md);
* edit → new PDF through the real watcher (file saved → PDF replaced), which
  adds the file watcher's debounce;
* memory over 50 rebuilds: resident size of this process after the first and
  after the last, with the watcher's housekeeping between builds;
* Typst compiling the same text with the same fonts (headings and paragraphs,
  no charts), if the ``typst`` package is installed, as a ratio from the same run.

The sample is copied to a temporary folder, so the repository is not edited.
Not a test: run ``make bench-watch``.
"""

from __future__ import annotations

import argparse
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench_build import REPO, cold_build, machine

from publisher.commands.cli import collect_less
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.options import BuildOptions
from publisher.output import release_memory
from publisher.pipeline import build
from publisher.theme import FONTS_DIR

TARGET_SECONDS = 0.25
"""Paragraph edit → new PDF, median (the issue's target)."""
TARGET_GROWTH = 0.10
"""Resident memory growth over 50 rebuilds."""
PARAGRAPH = "一年来,我们坚持做好以下工作:"
NEW_CHARACTERS = "稿鑫瑜璟"
"""Characters the sample does not use."""
CHART_FILE = Path("source") / "charts" / "review-2021.yaml"
CHART_VALUES = "values: [132, 41, 7, 5]"


def rss_mib() -> float:
    """Resident set size of this process."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def copy_sample(folder: Path) -> Path:
    """The sample project (its source/) in ``folder``."""
    project = folder / "sample"
    shutil.copytree(REPO / "source", project / "source")
    return project


def revised(paragraph: str, count: int) -> str:
    """``paragraph`` revised (the ``count``-th time) with characters the sample already has, at the same length.

    The baseline is revision 0 (built before the timed edits), so the paragraph keeps its lines and only
    its page is laid out again: the common edit (a number corrected, a word replaced).
    """
    return paragraph.replace("工作", f"工作第{count % 9 + 1 if count else 0}项")


def lengthened(paragraph: str) -> str:
    """``paragraph`` (revision 0) with about five lines more: the pages after it move and are laid out again
    (all of them when the report gets a page longer: the contents' page numbers change)."""
    return revised(paragraph, 0) + paragraph * 12


def with_new_character(paragraph: str, count: int) -> str:
    """Revision 0 with a character the sample does not use (a different one than revision ``count - 1``)."""
    return revised(paragraph, 0).replace("项", NEW_CHARACTERS[count % len(NEW_CHARACTERS)])


def check_edits(text: str) -> None:
    """Stop when the sample no longer suits the edits."""
    assert PARAGRAPH in text, "the sample changed: update the benchmark"
    assert set("第项") <= set(text), "the sample lost 第 or 项: update revised()"
    assert not set(NEW_CHARACTERS) & set(text), "the sample uses one of NEW_CHARACTERS: pick others"


@dataclass
class Rebuilds:
    """Seconds of warm rebuilds and the pages each laid out."""

    times: list[float] = field(default_factory=list)
    laid_out: list[int] = field(default_factory=list)
    pages: int = 0

    def summary(self) -> str:
        made = sorted(set(self.laid_out))
        which = "/".join(str(n) for n in made) if len(made) <= 3 else f"{made[0]}–{made[-1]}"
        return f"{summary(self.times)}, {which} of {self.pages} pages laid out"


class Edits:
    """Alternating edits of one paragraph or one chart value, each build different from the last."""

    def __init__(self, project: Path):
        self.report = project / "source" / "report.md"
        self.chart = project / CHART_FILE
        self.text = self.report.read_text(encoding="utf-8")
        self.spec = self.chart.read_text(encoding="utf-8")
        check_edits(self.text)
        assert CHART_VALUES in self.spec, "the sample changed: update the benchmark"
        self.count = 0

    def settle(self) -> None:
        """Write revision 0 of the paragraph: the baseline the edits change (build after it)."""
        self.report.write_text(self.text.replace(PARAGRAPH, revised(PARAGRAPH, 0)), encoding="utf-8")

    def paragraph(self) -> None:
        """A paragraph edit with characters the report has, which keeps the paragraph's lines."""
        self.count += 1
        self.report.write_text(self.text.replace(PARAGRAPH, revised(PARAGRAPH, self.count)), encoding="utf-8")

    def new_character(self) -> None:
        """A paragraph edit that adds a character the report did not have."""
        self.count += 1
        edited = self.text.replace(PARAGRAPH, with_new_character(PARAGRAPH, self.count))
        self.report.write_text(edited, encoding="utf-8")

    def chart_value(self) -> None:
        self.count += 1
        value = CHART_VALUES.replace("132", str(132 + self.count % 7 + 1))
        self.chart.write_text(self.spec.replace(CHART_VALUES, value), encoding="utf-8")


def timed_builds(options: BuildOptions, renderer: PdfWriter, edit: Callable[[], None], runs: int) -> Rebuilds:
    """Seconds of ``build()`` after each of ``runs`` edits, with the watcher's housekeeping between builds."""
    found = Rebuilds()
    for _ in range(runs):
        edit()
        started = time.perf_counter()
        result = build(options, renderer)
        found.times.append(time.perf_counter() - started)
        found.laid_out.append(result.pages_laid_out)
        found.pages = result.pages
        release_memory()
    return found


class _Output:
    """The lines a subprocess prints, collected by a thread."""

    def __init__(self, proc: subprocess.Popen[str]):
        self.lines: list[str] = []
        self.changed = threading.Condition()
        self.proc = proc
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            with self.changed:
                self.lines.append(line)
                self.changed.notify_all()

    def wait_for(self, pattern: str, count: int, timeout: float = 120) -> None:
        def seen() -> bool:
            return sum(1 for line in self.lines if re.search(pattern, line)) >= count

        with self.changed:
            if not self.changed.wait_for(seen, timeout):
                sys.exit(f"the watcher did not print {pattern!r}:\n{''.join(self.lines)}")


def watch_latency(project: Path, edits: Edits, runs: int) -> list[float]:
    """Seconds from saving a paragraph edit to the new PDF being in place, through ``publisher watch``.

    The watcher runs in its own process, as an author runs it; this process
    only polls the PDF.
    """
    proc = subprocess.Popen(
        [sys.executable, "-m", "publisher", "watch", str(project)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        encoding="utf-8",
    )
    out = _Output(proc)
    try:
        out.wait_for(r"^watching ", 1)
        pdf = project / "out" / "zumiao-2021-work-report.pdf"
        times = []
        for run in range(runs):
            time.sleep(1.0)  # an author's next save comes later than the last change report
            before = pdf.stat().st_ino
            edits.paragraph()
            started = time.perf_counter()
            while pdf.stat().st_ino == before:  # replaced atomically: a new inode
                if time.perf_counter() - started > 60:
                    sys.exit("the watcher did not rebuild within 60 s")
                time.sleep(0.003)
            times.append(time.perf_counter() - started)
            out.wait_for(r"changes: ", run + 1)  # the change report written: the watcher is idle again
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(60)
    return times


def typst_source(report: str) -> str:
    """The sample's headings and paragraphs as Typst markup (charts left out)."""
    body = report.split("\n---\n", 1)[1]
    out = [
        '#set page(paper: "a4", margin: (x: 25mm, y: 24mm), numbering: "1")',
        '#set text(font: "Publisher Serif", lang: "zh", region: "cn", size: 11.5pt)',
        "#set par(justify: true, first-line-indent: (amount: 2em, all: true), leading: 1em)",
        '#show heading: set text(font: "Publisher Sans")',
        "#outline()",
    ]
    for line in body.splitlines():
        text = line.strip()
        if not text or text.startswith("![]("):
            continue
        literal = '#"' + text.lstrip("#").strip().replace("\\", "\\\\").replace('"', '\\"') + '"'
        level = len(text) - len(text.lstrip("#"))
        out.append(("=" * level + " " + literal) if level else literal)
        out.append("")
    return "\n".join(out)


def typst_times(project: Path, runs: int) -> tuple[float, list[float], int] | None:
    """(first compile, warm compiles, pages) of the same text with Typst, or None without Typst."""
    try:
        import typst
    except ImportError:
        return None
    source = project / "typst" / "report.typ"
    source.parent.mkdir()
    source.write_text(typst_source((project / "source" / "report.md").read_text(encoding="utf-8")), encoding="utf-8")
    started = time.perf_counter()
    compiler = typst.Compiler(str(source), font_paths=[str(FONTS_DIR)], ignore_system_fonts=True)
    pdf = compiler.compile()
    first = time.perf_counter() - started
    times = []
    for run in range(runs):
        text = source.read_text(encoding="utf-8")
        source.write_text(text.replace("工作", f"工作（第{run}稿）", 1), encoding="utf-8")
        started = time.perf_counter()
        pdf = compiler.compile()
        times.append(time.perf_counter() - started)
    assert isinstance(pdf, bytes)
    return first, times, len(re.findall(rb"/Type\s*/Page\b", pdf))


def summary(times: list[float]) -> str:
    return f"median {statistics.median(times):.3f} s (min {min(times):.3f}, max {max(times):.3f}, n={len(times)})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=15, help="edits per measurement")
    parser.add_argument("--rebuilds", type=int, default=50, help="rebuilds for the memory measurement")
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = copy_sample(folder)
        cold_build(folder / "warm-up.pdf")  # the OS file cache and matplotlib's font cache
        cold = [cold_build(folder / "cold.pdf")[0] for _ in range(3)]
        print(f"cold build (new process, charts cached): {summary(cold)}")

        collect_less()  # as the CLI sets the collector for `publisher watch`
        rss_start = rss_mib()
        renderer = PdfWriter()
        options = BuildOptions(project=project)
        edits = Edits(project)
        edits.settle()
        started = time.perf_counter()
        first = build(options, renderer)
        print(
            f"first build in this process (imports, fonts, {first.charts_drawn} charts drawn): "
            f"{time.perf_counter() - started:.2f} s, {first.pages} pages"
        )
        rebuilds = timed_builds(options, renderer, edits.paragraph, args.runs)
        paragraph = rebuilds.times
        print(f"warm rebuild after a paragraph edit (same lines, characters the report has): {rebuilds.summary()}")
        chart = timed_builds(options, renderer, edits.chart_value, max(3, args.runs // 2))
        print(f"warm rebuild after a chart edit (that chart drawn again): {chart.summary()}")
        fresh = timed_builds(options, renderer, edits.new_character, 3)
        print(f"warm rebuild after an edit adding a character the report did not have (new subsets): {fresh.summary()}")

        release_memory()
        memory = [rss_mib()]
        for _ in range(args.rebuilds - 1):
            edits.paragraph()
            build(options, renderer)
            release_memory()
            memory.append(rss_mib())
        growth = memory[-1] / memory[0] - 1
        print(
            f"memory over {args.rebuilds} rebuilds: {memory[0]:.0f} MiB after the first, {memory[-1]:.0f} MiB after "
            f"the last ({growth:+.1%}; max {max(memory):.0f} MiB; {rss_start:.0f} MiB before any build)"
        )
        latency = watch_latency(project, edits, max(5, args.runs // 2))
        print(f"edit saved → new PDF through `publisher watch`: {summary(latency)}")

        reference = typst_times(project, args.runs)
        if reference is None:
            print("typst: not installed, no reference (pip install typst, or '.[bench]')")
        else:
            typst_first, typst_warm, pages = reference
            ratio = statistics.median(paragraph) / statistics.median(typst_warm)
            print(
                f"typst, same text and fonts, no charts ({pages} pages): first compile {typst_first:.3f} s, "
                f"recompile after an edit {summary(typst_warm)}"
            )
            print(f"ratio: a warm paragraph rebuild takes {ratio:.1f}x Typst's recompile")

    fast = statistics.median(paragraph) <= TARGET_SECONDS
    flat = growth <= TARGET_GROWTH
    print(f"{'meets' if fast else 'MISSES'} the target: paragraph edit <= {TARGET_SECONDS} s median")
    print(f"{'meets' if flat else 'MISSES'} the target: memory growth <= {TARGET_GROWTH:.0%} over 50 rebuilds")
    return 0 if fast and flat else 1


if __name__ == "__main__":
    raise SystemExit(main())
