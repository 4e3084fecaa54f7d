"""Benchmark: cold builds of the sample report, wall time and peak memory.

Each run is a fresh process (``python -m publisher build``), as a user runs
it; its peak RSS comes from ``wait4``. Prints the figures and compares them
with the targets in one run. Not a test: run ``make bench``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 2.0
TARGET_MIB = 250.0


def run_publisher(*args: str) -> tuple[float, float]:
    """``python -m publisher ARGS`` in a new process: (seconds, peak MiB); exits when it fails."""
    started = time.perf_counter()
    # As on a user's machine, Python keeps the modules' bytecode (the warm-up run writes it): a shell with
    # PYTHONDONTWRITEBYTECODE set would have every run compile the publisher's modules again.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "publisher", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        assert proc.stderr is not None
        sys.exit(f"publisher {args[0]} failed: {proc.stderr.read().decode()}")
    return seconds, usage.ru_maxrss / 1024


def cold_build(output: Path, cache: bool = True, project_root: Path = REPO) -> tuple[float, float]:
    """One build of ``project_root`` (the sample) in a new process: (seconds, peak MiB)."""
    return run_publisher("build", str(project_root), "-o", str(output), *([] if cache else ["--no-cache"]))


def warm_builds(output: Path, runs: int) -> list[float]:
    """Rebuilds in this process with one shared renderer (what watch mode will do)."""
    from publisher.engine.weasyprint.writer import PdfWriter
    from publisher.options import BuildOptions
    from publisher.pipeline import build

    renderer = PdfWriter()
    options = BuildOptions(project=REPO, output=output)
    build(options, renderer)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        build(options, renderer)
        times.append(time.perf_counter() - started)
    return times


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    print(f"machine: {machine()}")
    with tempfile.TemporaryDirectory() as tmp:
        output = Path(tmp) / "sample.pdf"
        cold_build(output)  # warm the OS file cache and matplotlib's font cache
        runs = [cold_build(output) for _ in range(args.runs)]
        uncached = [cold_build(output, cache=False) for _ in range(args.runs)]
        warm = warm_builds(output, args.runs)
    seconds = [s for s, _ in runs]
    peaks = [m for _, m in runs]
    median_s, median_mib = statistics.median(seconds), statistics.median(peaks)
    print(f"cold build, {args.runs} runs: median {median_s:.2f} s (min {min(seconds):.2f}, max {max(seconds):.2f})")
    print(f"peak memory: median {median_mib:.0f} MiB (max {max(peaks):.0f})")
    no_cache_s = statistics.median(s for s, _ in uncached)
    no_cache_mib = statistics.median(m for _, m in uncached)
    print(f"cold build drawing every chart (--no-cache): median {no_cache_s:.2f} s, peak {no_cache_mib:.0f} MiB")
    print(f"warm rebuild in one process: median {statistics.median(warm):.2f} s")
    ok = median_s <= TARGET_SECONDS and median_mib <= TARGET_MIB
    verdict = "meets" if ok else "MISSES"
    print(f"{verdict} the targets: cold build <= {TARGET_SECONDS} s, peak <= {TARGET_MIB:.0f} MiB")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
