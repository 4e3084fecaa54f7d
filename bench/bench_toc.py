"""Benchmark: a long table of contents against the same lines as paragraphs (issue #20).

Projects of N ``##`` headings (a contents of N entries, each with a dot
leader and a page number) and of the same N lines as paragraphs are made in a
temporary folder and built in a new process each (``python -m publisher
build --jobs 1``): wall time, CPU time and peak memory (``wait4``), medians of
``--runs`` (1). The headings should cost about what the paragraphs cost (the
heading pages are more, their lines bigger, and the contents is laid out
again once its page numbers are known). Not a test: run ``make bench-toc``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import REPO, machine

FRONT = "---\ntitle: 目录测试\nname: t\n---\n\n# 一\n\n"


def _project(root: Path, lines: list[str]) -> Path:
    (root / "source").mkdir(parents=True)
    (root / "source" / "report.md").write_text(FRONT + "\n\n".join(lines) + "\n", encoding="utf-8")
    return root


def _build(project: Path) -> tuple[float, float, float, str]:
    """Wall seconds, CPU seconds and peak MiB of one build in a new process, and what it printed."""
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "publisher", "build", str(project), "--jobs", "1"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    output = process.stdout.read() if process.stdout else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"build failed: {output}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, output.strip().splitlines()[-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,5000", help="numbers of headings (comma-separated)")
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    print(machine())
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    print(f"{'lines':>6} {'as':<10} {'wall s':>8} {'cpu s':>8} {'peak MiB':>9}  pages")
    with tempfile.TemporaryDirectory() as folder:
        for size in (int(n) for n in args.sizes.split(",")):
            for kind, lines in (
                ("headings", [f"## 第{i}节" for i in range(size - 1)]),
                ("paragraphs", [f"第{i}节" for i in range(size - 1)]),
            ):
                project = _project(Path(folder) / f"{kind}-{size}", lines)
                runs = [_build(project) for _ in range(args.runs)]
                wall = statistics.median(r[0] for r in runs)
                cpu = statistics.median(r[1] for r in runs)
                peak = max(r[2] for r in runs)
                print(f"{size:>6} {kind:<10} {wall:>8.1f} {cpu:>8.1f} {peak:>9.0f}  {runs[0][3]}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
