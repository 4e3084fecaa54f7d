"""Benchmark: the Word edition of the sample, and reading an edited one back.

Cold builds of ``--edition docx`` in new processes (charts from the cache, and
every chart drawn with ``--no-cache``: the office drawings add a 300 dpi PNG),
``publisher import --update`` of the document, and, when LibreOffice is
installed, opening it and printing it to PDF (``soffice --headless``).
Medians of a few runs; not a test: ``python bench/bench_docx.py``.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench_build import REPO, run_publisher


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        docx = folder / "sample.docx"
        run_publisher("build", str(REPO), "--edition", "docx", "-o", str(docx))  # fills the chart cache
        rows = []
        for label, extra in (
            ("cold build, charts from the cache", []),
            ("cold build, every chart drawn", ["--no-cache"]),
        ):
            found = [
                run_publisher("build", str(REPO), "--edition", "docx", "-o", str(docx), *extra) for _ in range(runs)
            ]
            rows.append((label, statistics.median(s for s, _ in found), statistics.median(m for _, m in found)))
        found = [run_publisher("import", "--update", str(REPO), str(docx)) for _ in range(runs)]
        rows.append(("import --update (no changes)", statistics.median(s for s, _ in found), max(m for _, m in found)))
        soffice = shutil.which("soffice")
        if soffice:
            seconds = []
            for index in range(runs):
                started = time.perf_counter()
                subprocess.run(
                    [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
                     "--convert-to", "pdf", "--outdir", str(folder / f"lo-{index}"), str(docx)],
                    check=True, capture_output=True,
                )  # fmt: skip
                seconds.append(time.perf_counter() - started)
            rows.append(("LibreOffice opens it and prints a PDF", statistics.median(seconds[1:] or seconds), 0.0))
        print(f"{'run':45} {'median s':>9} {'peak MiB':>9}   ({runs} runs, {docx.stat().st_size / 1e6:.2f} MB docx)")
        for label, seconds_, mib in rows:
            print(f"{label:45} {seconds_:9.2f} {mib:9.0f}" if mib else f"{label:45} {seconds_:9.2f} {'':>9}")


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    main()
