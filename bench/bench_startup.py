"""Benchmark: what importing WeasyPrint costs a cold build, with and without the engine's shortcuts.

Each figure is the median wall time of ``import weasyprint`` in a new process
(Python's own start-up not counted), three ways:

- ``plain``: WeasyPrint imported as it is, without the engine's hooks (cffi
  parses the C declarations, ``ctypes.util.find_library`` runs ``gcc`` and ``ld``);
- ``libraries``: the engine's library lookup only (:mod:`publisher.engine.weasyprint.libraries`),
  the declarations parsed and fontTools' subsetter and instancer imported, as before;
- ``engine``: as a build imports it: compiled declarations (:mod:`~publisher.engine.weasyprint.prebuilt`)
  and fontTools' subsetter and instancer deferred (:mod:`~publisher.engine.weasyprint.deferred`).

Not a test: run ``.venv/bin/python bench/bench_startup.py``. The build's own
figures (the whole cold build) are in ``bench/bench_build.py``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import machine

IMPORT = """
import sys, time
started = time.perf_counter()
if sys.argv[1] != "plain":
    import publisher.engine.weasyprint
    from publisher.engine.weasyprint import hooks, prebuilt
    if sys.argv[1] == "libraries":
        prebuilt.execute = lambda module, folder=None: False
        sys.meta_path[:] = [f for f in sys.meta_path if getattr(f, "name", "") != "weasyprint.pdf.fonts"]
import weasyprint
print(time.perf_counter() - started)
"""
WAYS = ("plain", "libraries", "engine")


def import_seconds(way: str) -> float:
    """Seconds of one ``import weasyprint`` in a new process, ``way`` as in the module's docstring."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    done = subprocess.run(
        [sys.executable, "-c", IMPORT, way], capture_output=True, text=True, check=True, env=env, cwd="/"
    )
    return float(done.stdout.strip())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.2f}")
    for way in WAYS:
        import_seconds(way)  # bytecode, the OS file cache, the compiled declarations
    times: dict[str, list[float]] = {way: [] for way in WAYS}
    for _ in range(args.runs):  # interleaved, so a burst of load touches all three
        for way in WAYS:
            times[way].append(import_seconds(way))
    for way in WAYS:
        print(f"import weasyprint, {way}: median {statistics.median(times[way]):.3f} s (min {min(times[way]):.3f})")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
