"""Batch publishing: reports a minute on the local pool and on a Dask LocalCluster, warm against cold, memory.

The project is the sample report made parameterised (its unit's name is a
parameter), so every report is the sample's size; the units are fictional
(测试单位N). Prints, in one run:

- reports a minute with ``--jobs 1``, ``--jobs N`` and a ``LocalCluster`` of N
  workers, and the speed-up against N (target >= 0.85 x N);
- the time of a report in a warm worker against a cold ``publisher build``
  (target <= 40 %);
- the local workers' memory (RSS) once the batch has made its 10th report and
  at its end (target: < 10 % growth). Workers are replaced after about
  ``RECYCLE_AFTER`` reports, so this is the largest worker's RSS at those two
  points of the batch; each worker's own growth over its life is printed too.

``python bench/bench_batch.py [--units 100] [--jobs N]``
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from publisher.batch import Outcome, read_units, run_batch  # noqa: E402


def parameterised_sample(folder: Path) -> Path:
    """The sample with its unit's name a parameter (the rest of its text as it is)."""
    root = folder / "sample"
    shutil.copytree(REPO / "source", root / "source")
    report = root / "source" / "report.md"
    text = report.read_text(encoding="utf-8")
    head, sep, body = text.partition("\n---\n")
    head = head.replace("title: ", "params:\n  unit: {type: text}\ntitle: ", 1)
    head = head.replace("祖庙街道", "{{unit}}")
    report.write_text(head + sep + body.replace("祖庙街道", "{{unit}}", 3), encoding="utf-8")
    return root


def units_file(folder: Path, count: int) -> Path:
    path = folder / "units.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["unit"])
        writer.writerows([f"测试单位{n:03d}"] for n in range(1, count + 1))
    return path


class Memory:
    """Samples the RSS of this process's worker processes while a batch runs."""

    def __init__(self) -> None:
        self.samples: dict[int, list[tuple[int, int]]] = {}
        """By worker pid: (reports done so far, RSS)."""
        self.done = 0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        me = psutil.Process()
        while not self.stop.wait(0.2):
            for child in me.children(recursive=True):
                try:
                    if child.ppid() != me.pid and child.status() != psutil.STATUS_ZOMBIE:  # a pool worker
                        rss = child.memory_info().rss
                        if rss:
                            self.samples.setdefault(child.pid, []).append((self.done, rss))
                except psutil.Error:
                    pass


def batch_rate(project: Path, data: Path, out: Path, jobs: int, scheduler: str | None = None) -> tuple[float, Memory]:
    units = read_units(project, data)
    memory = Memory()

    def report(_outcome: Outcome) -> None:
        memory.done += 1

    memory.thread.start()
    start = time.perf_counter()
    batch = run_batch(project, units, out, jobs=jobs, scheduler=scheduler, report=report, force=True)
    seconds = time.perf_counter() - start
    memory.stop.set()
    failed = batch.failed
    if failed:
        raise SystemExit(f"{len(failed)} rows failed: {failed[0].error}")
    return len(units) / seconds * 60, memory


def cold_build(project: Path, out: Path) -> float:
    times = []
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "publisher"), "build", str(project), "-o", str(out), "--param",
             "unit=测试单位000", "--no-cache", "--jobs", "1"],
            check=True, capture_output=True,
        )  # fmt: skip
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def print_memory(memory: Memory, units: int) -> None:
    """The largest live worker's RSS after the batch's 10th report and near its end; each worker's own growth."""
    early = [rss for samples in memory.samples.values() for done, rss in samples if 10 <= done < 15]
    late = [rss for samples in memory.samples.values() for done, rss in samples if done >= units - 5]
    if early and late:
        growth = max(late) / max(early) - 1
        print(
            f"  worker memory: {max(early) / 2**20:.0f} MiB after the 10th report, {max(late) / 2**20:.0f} MiB "
            f"at the end ({growth:+.1%}; target < +10 %)"
        )
    for pid, samples in sorted(memory.samples.items()):
        if len(samples) >= 2:
            first, last = samples[0], samples[-1]
            print(
                f"    worker {pid}: reports {first[0]}-{last[0]} of the batch, {first[1] / 2**20:.0f} -> "
                f"{last[1] / 2**20:.0f} MiB"
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    n = args.jobs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = parameterised_sample(folder)
        data = units_file(folder, args.units)
        print(f"{args.units} reports of the sample's size, {os.cpu_count()} cores; N = {n}")
        one, _ = batch_rate(project, data, folder / "one", 1)
        print(f"  --jobs 1      {one:6.1f} reports a minute ({60 / one:.2f} s a report in a warm worker)")
        many, memory = batch_rate(project, data, folder / "many", n)
        print(f"  --jobs {n:<6} {many:6.1f} reports a minute, speed-up {many / one:.2f} (target >= {0.85 * n:.2f})")
        from distributed import LocalCluster

        cluster = LocalCluster(  # type: ignore[no-untyped-call]
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        )
        with cluster:
            dask, _ = batch_rate(project, data, folder / "dask", n, cluster.scheduler_address)
        print(f"  LocalCluster  {dask:6.1f} reports a minute with {n} workers, speed-up {dask / one:.2f}")
        cold = cold_build(project, folder / "cold.pdf")
        warm = 60 / one
        print(f"  cold `publisher build` {cold:.2f} s; a warm worker {warm:.2f} s = {warm / cold:.0%} (target <= 40 %)")
        print_memory(memory, args.units)


if __name__ == "__main__":
    main()
