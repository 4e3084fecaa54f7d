"""Batch publishing: parameters, a spreadsheet of (fictional) units, a local pool and a real Dask cluster."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.batch import Outcome, read_units, run_batch
from publisher.commands.cli import main
from publisher.errors import PublisherError

from .conftest import REPO

EXAMPLE = REPO / "examples" / "batch"
UNITS = 20


def fictional_units(count: int, bad: int | None = None) -> list[list[str]]:
    """Generated units (fictional: 测试单位N); row ``bad`` has a GDP that is not a number."""
    rows = [["unit", "gdp", "growth", "projects", "households"]]
    for n in range(1, count + 1):
        gdp = "约5" if n == bad else f"{10 + n * 1.25:.2f}"
        rows.append([f"测试单位{n:02d}", gdp, f"{n % 7 + 1}.5", str(n % 5 + 1), str(100 * n)])
    return rows


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows(rows)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "batch"
    shutil.copytree(EXAMPLE / "source", root / "source")
    return root


def pdf_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return "".join(text.split())


# ----------------------------------------------------------------- parameters


def test_a_parameter_fills_the_text_the_title_and_the_charts(project: Path, tmp_path: Path) -> None:
    out = tmp_path / "one.pdf"
    args = ["build", str(project), "-o", str(out), "--param", "unit=测试*单位", "--param", "gdp=61.2"]
    result = CliRunner().invoke(main, [*args, "--param", "growth=3.5", "--param", "projects=5"])
    assert result.exit_code == 0, result.output
    text = pdf_text(out)
    # escaped, never markup: the * prints as itself; the KPI card shows the number of the row
    assert "测试*单位2021年工作总结" in text and "地区生产总值61.2亿元" in text and "61.2亿元" in text


def test_markup_in_a_value_prints_as_text_without_a_warning(project: Path, tmp_path: Path) -> None:
    from publisher import api

    values = {"unit": "<b>甲</b>", "gdp": 1, "growth": 2, "projects": 3}
    result = api.build(project, output=tmp_path / "m.pdf", params=values)
    assert not [w for w in result.warnings.warnings if "raw HTML" in w.message]
    assert "<b>甲</b>全年实现地区生产总值1亿元" in pdf_text(tmp_path / "m.pdf")


def test_a_missing_or_mistyped_parameter_is_a_clear_error(project: Path) -> None:
    result = CliRunner().invoke(main, ["build", str(project), "--param", "unit=甲", "--param", "gdp=约5"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert "--param gdp: expected a number, got '约5'" in result.stderr
    result = CliRunner().invoke(main, ["build", str(project), "--param", "unit=甲"])
    assert result.exit_code == 1
    assert "source/report.md:10:3: error: parameter 'gdp' has no value" in result.stderr


def test_a_placeholder_naming_no_parameter_is_an_error_at_its_place(project: Path) -> None:
    report = project / "source" / "report.md"
    report.write_text(report.read_text(encoding="utf-8").replace("{{growth}}%", "{{grwth}}%"), encoding="utf-8")
    with pytest.raises(PublisherError) as found:
        from publisher import api

        api.build(project, params={"unit": "甲", "gdp": 1, "growth": 2, "projects": 3})
    assert found.value.message == "no parameter 'grwth'"
    assert found.value.pos is not None and (found.value.pos.line, found.value.pos.col) == (20, 33)


def test_an_excel_cell_that_is_not_a_number_is_named(project: Path, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in fictional_units(6, bad=5):
        sheet.append(row)
    book.save(tmp_path / "units.xlsx")
    units = read_units(project, tmp_path / "units.xlsx")
    assert [u.error for u in units if u.error] == ["units.xlsx:Sheet!B6: expected a number, got '约5'"]
    assert units[0].values == {
        "unit": "测试单位01",
        "gdp": "11.25",
        "growth": "2.5",
        "projects": "2",
        "households": "100",
    }


# ----------------------------------------------------------------- the local pool


def test_a_batch_on_the_local_pool(project: Path, tmp_path: Path) -> None:
    data = write_csv(tmp_path / "units.csv", fictional_units(UNITS, bad=7))
    out = tmp_path / "out"
    args = ["batch", str(project), "--data", str(data), "-o", str(out), "--jobs", "2"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output  # one row failed
    assert "failed  测试单位07: units.csv:8:2: expected a number, got '约5'" in result.stderr
    with (out / "batch-report.csv").open(encoding="utf-8-sig") as summary:
        rows = list(csv.DictReader(summary))
    assert [r["key"] for r in rows] == [f"测试单位{n:02d}" for n in range(1, UNITS + 1)]
    assert {r["status"] for r in rows if r["key"] != "测试单位07"} == {"built"}
    for n in range(1, UNITS + 1):
        if n == 7:
            assert not (out / "测试单位07.pdf").exists()
            continue
        text = pdf_text(out / f"测试单位{n:02d}.pdf")
        assert f"测试单位{n:02d}全年实现地区生产总值{10 + n * 1.25:.2f}亿元" in text
        assert f"惠及居民{100 * n}户" in text
    # nothing changed: every built row is skipped, the failed one fails again
    again = CliRunner().invoke(main, args)
    assert again.exit_code == 1
    assert f"0 built, {UNITS - 1} up to date, 1 failed" in again.stderr
    # one row changed: only it is built
    rows_now = fictional_units(UNITS, bad=7)
    rows_now[3][4] = "1"
    write_csv(data, rows_now)
    third = CliRunner().invoke(main, args)
    assert f"1 built, {UNITS - 2} up to date, 1 failed" in third.stderr


def test_a_worker_killed_mid_batch_loses_no_row(project: Path, tmp_path: Path) -> None:
    import psutil

    units = read_units(project, write_csv(tmp_path / "units.csv", fictional_units(8)))
    me = psutil.Process()
    killed: list[int] = []

    def report(outcome: Outcome) -> None:
        if killed:
            return
        # the pool's workers are the forkserver's children
        workers = [p for p in me.children(recursive=True) if p.ppid() != me.pid]
        if workers:
            os.kill(workers[0].pid, signal.SIGKILL)
            killed.append(workers[0].pid)

    batch = run_batch(project, units, tmp_path / "out", jobs=2, report=report)
    assert killed
    assert sorted(batch.outcomes) == sorted(u.key for u in units)
    for outcome in batch.outcomes.values():
        assert outcome.status == "built" or "its worker died" in outcome.error
    assert any(o.attempts > 1 for o in batch.outcomes.values())
    assert all((tmp_path / "out" / f"{o.key}.pdf").is_file() for o in batch.outcomes.values() if o.status == "built")


def test_workers_are_replaced_after_their_builds_and_every_row_is_built(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With the executor's max_tasks_per_child, a batch of more rows than that stopped for good once the first
    # worker retired (CPython gh-115634): the 100-unit bench waited forever after its 25th report.
    import threading

    import psutil

    import publisher.batch

    monkeypatch.setattr(publisher.batch, "RECYCLE_AFTER", 2)
    units = read_units(project, write_csv(tmp_path / "units.csv", fictional_units(5)))
    me = psutil.Process()
    workers: set[int] = set()

    def report(_outcome: Outcome) -> None:
        workers.update(p.pid for p in me.children(recursive=True) if p.ppid() != me.pid)

    found: list[object] = []
    thread = threading.Thread(
        target=lambda: found.append(run_batch(project, units, tmp_path / "out", jobs=1, report=report)), daemon=True
    )
    thread.start()
    thread.join(600)  # a guard against the hang, far above the batch's time: not a speed target
    assert not thread.is_alive(), "the batch stopped after a worker was replaced"
    [batch] = found
    assert isinstance(batch, publisher.batch.Batch)
    assert {o.status for o in batch.outcomes.values()} == {"built"}
    assert sorted(batch.outcomes) == sorted(u.key for u in units)
    assert len(workers) >= 3  # rows 1-2, 3-4 and 5 each in a fresh worker


# ----------------------------------------------------------------- a Dask cluster


CLUSTER_RUN = """
import json, sys
from pathlib import Path
from distributed import LocalCluster
from publisher.batch import read_units, run_batch

project, data, out = (Path(a) for a in sys.argv[1:4])
from distributed import Client

units = read_units(project, data)
profiling = []


def profiler_on(probe):
    return sorted(probe.run(lambda dask_worker: dask_worker.periodic_callbacks["profile"].is_running()).values())


with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
    with Client(cluster) as probe:
        before = profiler_on(probe)

        def report(outcome):
            if outcome.status == "built" and not profiling:
                profiling.append(profiler_on(probe))

        batch = run_batch(project, units, out, scheduler=cluster.scheduler_address, report=report)
        after = profiler_on(probe)
result = {k: [o.status, o.error] for k, o in batch.outcomes.items()}
print(json.dumps({"outcomes": result, "profiler": [before, profiling[0], after]}, ensure_ascii=False))
"""


def test_a_batch_on_a_dask_cluster(project: Path, tmp_path: Path) -> None:
    # in a process of its own: Dask's threads would stay in the test process (parallel layout needs it alone)
    import json
    import sys

    data = write_csv(tmp_path / "units.csv", fictional_units(6, bad=2))
    out = tmp_path / "out"
    done = subprocess.run(
        [sys.executable, "-c", CLUSTER_RUN, str(project), str(data), str(out)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    outcomes = found["outcomes"]
    # Dask's profiler (a stack sample every 10 ms) is paused on the workers while the batch runs, and only then
    assert found["profiler"] == [[True, True], [False, False], [True, True]]
    assert {k: v[0] for k, v in outcomes.items()} == {
        f"测试单位{n:02d}": "failed" if n == 2 else "built" for n in range(1, 7)
    }
    assert "units.csv:3:2: expected a number, got '约5'" in outcomes["测试单位02"][1]
    for n in (1, 3, 6):
        assert f"测试单位{n:02d}全年实现地区生产总值{10 + n * 1.25:.2f}亿元" in pdf_text(out / f"测试单位{n:02d}.pdf")
    assert (out / "batch-report.csv").is_file()


def test_an_unreachable_scheduler_is_a_clear_error(project: Path, tmp_path: Path) -> None:
    import sys

    data = write_csv(tmp_path / "units.csv", fictional_units(2))
    args = ["batch", str(project), "--data", str(data), "-o", str(tmp_path / "o"), "--scheduler", "tcp://127.0.0.1:9"]
    # a process of its own: a Dask client leaves threads behind in the process that made it
    done = subprocess.run([sys.executable, "-m", "publisher", *args], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "cannot reach the Dask scheduler" in done.stderr


def test_a_cluster_worker_writes_the_project_once(project: Path, tmp_path: Path) -> None:
    """What a Dask worker runs, in a process of its own: every unit of a batch builds from one project folder
    (the writer's caches are keyed by it), a changed project gets a folder of its own, both go at exit."""
    import json
    import sys

    script = """
import json, sys
from pathlib import Path
from publisher import batch
files = batch.project_files(Path(sys.argv[1]))
texts = []
for unit in ("测试单位01", "测试单位02"):
    outcome, data = batch.build_remote(files, {"unit": unit, "gdp": "12.5", "growth": "3.5", "projects": "2",
                                               "households": "100"})
    assert outcome.status == "built", outcome.error
    texts.append(len(data))
first = dict(batch._projects)
changed = {**files, "source/report.md": files["source/report.md"] + "\\n另起一段。\\n".encode()}
batch.build_remote(changed, {"unit": "测试单位03", "gdp": "1", "growth": "1", "projects": "1", "households": "1"})
print(json.dumps({"first": [str(p) for p in first.values()], "all": [str(p) for p in batch._projects.values()]}))
"""
    done = subprocess.run([sys.executable, "-c", script, str(project)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    folders = json.loads(done.stdout.strip().splitlines()[-1])
    assert len(folders["first"]) == 1, "two units of one project were written to two folders"
    assert len(folders["all"]) == 2, "a changed project must not reuse the first one's folder"
    assert not any(Path(folder).exists() for folder in folders["all"]), "the worker's project folders outlive it"


def test_a_worker_leaves_no_garbage_between_reports(project: Path, tmp_path: Path) -> None:
    """A report leaves some 30,000 objects in reference cycles that the collector reaches only in a full
    collection, rarer and rarer as the heap grows: a worker grew 10 MiB a report. It collects after each."""
    import gc

    from publisher import batch

    (header, *rows) = fictional_units(2)
    for n, row in enumerate(rows):
        outcome = batch.build_unit(str(project), dict(zip(header, row, strict=True)), str(tmp_path / f"{n}.pdf"), None)
        assert outcome.status == "built", outcome.error
        assert gc.collect() < 100  # nothing left for a collection to find
