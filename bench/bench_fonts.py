"""Benchmark: what the full font faces cost a cold build.

Two copies of the sample report are built, each in a new process per run,
alternating so that the machine's load falls on both alike: the sample as it
is (only the bundled subsets draw it), and the sample with one more paragraph
of 勠 饋 堃 ① ℃ ⭐ 😀 Ω Ж (Noto Serif CJK, Noto Serif, the symbol faces and
Noto Color Emoji join it, cut down to those characters). The font subsets are
made by a first build and reused, as on any rebuild. Prints the medians and
their difference. Not a test: ``.venv/bin/python bench/bench_fonts.py``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import REPO, cold_build, machine

EXTRA = "\n\n全区上下勠力同心，群众回饋良好，张堃同志说：①气温 25 ℃，五星好评 ⭐ 😀，Ω Ж。\n"


def project(folder: Path, extra: str) -> Path:
    """A copy of the sample's source (and its chart cache) with ``extra`` at the end of the report."""
    shutil.copytree(REPO / "source", folder / "source")
    cache = REPO / "out" / ".cache" / "charts"
    if cache.is_dir():
        shutil.copytree(cache, folder / "out" / ".cache" / "charts")
    report = folder / "source" / "report.md"
    report.write_text(report.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        plain = project(Path(tmp) / "plain", "")
        rare = project(Path(tmp) / "rare", EXTRA)
        times: dict[str, list[float]] = {"bundled subsets only": [], "with full faces": []}
        for root in (plain, rare):  # make the subsets once
            cold_build(root / "out" / "x.pdf", project_root=root)
        for _ in range(args.runs):
            for name, root in (("bundled subsets only", plain), ("with full faces", rare)):
                seconds, _mib = cold_build(root / "out" / "x.pdf", project_root=root)
                times[name].append(seconds)
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, value in medians.items():
        print(f"cold build, {name}: median {value:.2f} s of {args.runs}")
    print(f"the full faces cost {medians['with full faces'] - medians['bundled subsets only']:+.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
