"""Batch publishing: one parameterised project, a spreadsheet of units, one report per unit.

``publisher batch PROJECT --data units.xlsx`` reads one row per unit (the
first row names the columns: the report's parameters, :mod:`publisher.params`,
and the key column that names each report), then builds every row:

- on this machine, in a pool of warm worker processes (``--jobs``, default the
  number of cores): each keeps its imports and its font configuration between
  builds and is replaced after about :data:`RECYCLE_AFTER` builds (a pool
  builds that many rows a worker, then a fresh pool takes the next ones), so
  memory stays flat; a worker that dies (killed, out of memory) costs its pool, not a row:
  the rows it held are built again in a new pool, and reported failed only
  after :data:`RETRIES` deaths;
- or on a Dask cluster (``--scheduler tcp://HOST:8786``): the client sends the
  project's files once and each row's values; workers, which need only the
  installed package and its fonts, build in a folder of their own and return
  the PDF's bytes, which the client writes (atomically). Dask reschedules the
  task of a worker that dies.

A failed row never stops the others. ``DIR/batch-report.csv`` lists every row
with its outcome, pages, time and error (with its place: ``units.xlsx:Sheet1!C7``);
a rerun skips rows whose inputs (the project's files, the row, the publisher's
version, its themes and fonts) have not changed since their PDF was written.
"""

from __future__ import annotations

import atexit
import contextlib
import csv
import hashlib
import io
import itertools
import json
import multiprocessing
import os
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import params as parameters
from .data import STYLES_DIR, VERSION
from .errors import Pos, PublisherError, did_you_mean
from .files import write_atomic
from .source import MAIN_FILE, find_project, read_text

RECYCLE_AFTER = 100
"""Builds a local worker makes before it is replaced by a fresh one: a backstop for what a library might keep
(each worker also collects its garbage after every report, :func:`.output.release_memory`, which keeps its
memory flat); a fresh worker's first report costs about twice a warm one's."""
RETRIES = 2
"""Times a row is built again after its worker died, before it is reported failed."""
REPORT_FILE = "batch-report.csv"
STATE_FILE = ".batch-state.json"
MAX_UNITS = 10_000
PROJECT_PARTS = ("source", "styles", "publisher.toml")
"""What of a project a build reads (and a cluster worker is sent)."""


@dataclass(frozen=True)
class Unit:
    """One row of the data file: the report it makes."""

    key: str
    """The key column's value: names the PDF."""
    values: dict[str, str]
    """The parameters' values from this row."""
    place: str
    """Where the row is: ``units.csv:7``, ``units.xlsx:Sheet1!7``."""
    error: str = ""
    """Why the row cannot be built (a bad cell), found while reading it."""


@dataclass
class Outcome:
    """What became of one row."""

    key: str
    status: str
    """``built``, ``skipped`` or ``failed``."""
    output: str = ""
    pages: int = 0
    seconds: float = 0.0
    error: str = ""
    attempts: int = 1


@dataclass
class Batch:
    """A batch's rows and outcomes."""

    units: list[Unit]
    outcomes: dict[str, Outcome] = field(default_factory=dict)
    folder: Path = Path(".")

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes.values() if o.status == "failed"]


# ----------------------------------------------------------------- reading the units


def read_units(project: Path, data: Path, sheet: str = "", key: str = "") -> list[Unit]:
    """The rows of ``data`` (CSV or .xlsx) as units, their cells checked against the report's parameters."""
    root = find_project(project)
    main = read_text(root, MAIN_FILE)
    declared = parameters.declared(main.text, main.path)
    if not declared:
        raise PublisherError(
            "the report declares no parameters",
            Pos(main.path, 1, 1),
            "declare them in the front matter (`params: {unit: {type: text}}`) and write {{unit}} in the text",
        )
    if not data.is_file():
        raise PublisherError(f"data file not found: {data}", hint="give a .csv or .xlsx file of one row per unit")
    suffix = data.suffix.lower()
    if suffix == ".csv":
        if sheet:
            raise PublisherError("--sheet goes with an Excel file, not a CSV file", Pos(data))
        rows = _csv_rows(data)
    elif suffix == ".xlsx":
        rows = _xlsx_rows(data, sheet)
    else:
        raise PublisherError(f"{data.name}: neither a CSV nor an Excel (.xlsx) file", Pos(data))
    if not rows:
        raise PublisherError("the data file has no rows", Pos(data), "the first row names the columns")
    (_, header), body = rows[0], rows[1:]
    names = [cell.strip() for cell, _ in header]
    key = key or names[0]
    if key not in names:
        raise PublisherError(f"--key {key}: no such column", Pos(data), did_you_mean(key, names))
    missing = [p for p in declared.values() if p.name not in names and p.default is None]
    if missing:
        raise PublisherError(
            f"the data file has no column '{missing[0].name}', and the parameter has no default",
            Pos(data),
            f"add a column named {missing[0].name} (the first row names the columns)",
        )
    if len(body) > MAX_UNITS:
        raise PublisherError(f"{len(body)} rows, more than {MAX_UNITS}", Pos(data), "split the data file")
    units: list[Unit] = []
    seen: set[str] = set()
    for line, cells in body:
        if all(not value.strip() for value, _ in cells):
            continue
        by_name = {name: cells[i] if i < len(cells) else ("", "") for i, name in enumerate(names)}
        unit_key = by_name[key][0].strip()
        values: dict[str, str] = {}
        error = ""
        for name, param in declared.items():
            if name not in by_name or not by_name[name][0].strip():
                if param.default is None:
                    error = error or f"{by_name.get(name, ('', line))[1]}: the cell of '{name}' is empty"
                continue
            value, place = by_name[name]
            try:
                values[name] = parameters.check_value(param, value.strip(), place)
            except PublisherError as problem:
                error = error or problem.message
        if not unit_key:
            error = error or f"{by_name[key][1]}: the key cell is empty"
            unit_key = f"row-{line}"
        elif unit_key in seen:
            error = error or f"{by_name[key][1]}: the key '{unit_key}' is on an earlier row too"
            unit_key = f"{unit_key}-row-{line}"
        seen.add(unit_key)
        units.append(Unit(unit_key, values, f"{data.name}:{line}", error))
    return units


Row = tuple[int, list[tuple[str, str]]]
"""A row's number and its cells, each (text, place)."""


def _csv_rows(path: Path) -> list[Row]:
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PublisherError(f"{path.name} is not UTF-8", Pos(path), "save it as CSV UTF-8") from None
    rows: list[Row] = []
    for number, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        rows.append((number, [(cell, f"{path.name}:{number}:{col}") for col, cell in enumerate(row, start=1)]))
    return rows


def _xlsx_rows(path: Path, sheet: str) -> list[Row]:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds on a damaged file
        raise PublisherError(f"{path.name}: cannot read the workbook ({error})", Pos(path)) from None
    try:
        if sheet and sheet not in book.sheetnames:
            raise PublisherError(f"--sheet {sheet}: no such sheet", Pos(path), did_you_mean(sheet, book.sheetnames))
        ws = book[sheet] if sheet else book.worksheets[0]
        rows: list[Row] = []
        for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
            cells = [
                (_cell_text(value), f"{path.name}:{ws.title}!{get_column_letter(col)}{number}")
                for col, value in enumerate(row, start=1)
            ]
            rows.append((number, cells))
        return rows
    finally:
        book.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


# ----------------------------------------------------------------- what a row's PDF depends on


def file_name(key: str) -> str:
    """A file name for the report of ``key`` (letters, digits, CJK, ``-``, ``_``, ``.``; others become ``_``)."""
    name = re.sub(r"[^\w.-]", "_", key).strip("._") or "unit"
    return name[:120]


def project_files(root: Path) -> dict[str, bytes]:
    """The files of the project a build reads (``source/``, ``styles/``, ``publisher.toml``), by relative path."""
    files: dict[str, bytes] = {}
    for part in PROJECT_PARTS:
        path = root / part
        if path.is_file() and not path.is_symlink():
            files[part] = path.read_bytes()
        elif path.is_dir() and not path.is_symlink():
            for found in sorted(path.rglob("*")):
                if found.is_file() and not found.is_symlink():
                    files[found.relative_to(root).as_posix()] = found.read_bytes()
    return files


def _environment_digest() -> str:
    """The publisher's version, its themes and the font files it would use."""
    from .fontstore import font_dir

    digest = hashlib.sha256(VERSION.encode())
    for folder in (STYLES_DIR, font_dir()):
        if folder.is_dir():
            for path in sorted(folder.rglob("*")):
                # the font folder's own bookkeeping (.verified.json) changes with every build: not an input
                if path.is_file() and not path.name.startswith("."):
                    stat = path.stat()
                    digest.update(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()


def files_digest(files: Mapping[str, bytes]) -> str:
    """One digest of a project's files, their names and contents."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + hashlib.sha256(files[name]).digest())
    return digest.hexdigest()


def input_digest(files: Mapping[str, bytes], unit: Unit, environment: str) -> str:
    """What the PDF of ``unit`` is made from: the project's files, the row's values, the environment."""
    digest = hashlib.sha256(environment.encode())
    digest.update(files_digest(files).encode())
    digest.update(json.dumps(unit.values, sort_keys=True, ensure_ascii=False).encode())
    return digest.hexdigest()


# ----------------------------------------------------------------- building (in a worker)

_writer: Any = None


def _warm() -> None:
    """A worker's start: the pipeline imported, one writer (its font configuration) kept for every build."""
    global _writer
    from .output import make_writer

    _writer = make_writer()


def build_unit(project: str, values: Mapping[str, str], output: str, cache_dir: str | None) -> Outcome:
    """Build one unit's report into ``output`` (in a worker process)."""
    from .api import build_with
    from .errors import failure
    from .options import BuildOptions
    from .output import release_memory

    if _writer is None:
        _warm()
    options = BuildOptions(
        project=Path(project),
        output=Path(output),
        params=tuple(values.items()),
        jobs=1,
        cache_dir=None if cache_dir is None else Path(cache_dir),
    )
    start = time.perf_counter()
    try:
        result = build_with(options, _writer)
    except Exception as error:  # every failure is the row's, reported as the CLI would
        return Outcome("", "failed", error=failure(error)[1].strip(), seconds=time.perf_counter() - start)
    finally:
        release_memory()  # the worker's memory stays flat over its reports
    return Outcome("", "built", output, result.pages, time.perf_counter() - start)


def build_remote(files: Mapping[str, bytes], values: Mapping[str, str]) -> tuple[Outcome, bytes]:
    """Build one unit's report from the project's files (on a cluster worker): the outcome and the PDF's bytes.

    The project is written once per worker process, in a folder named by its files' digest, and every unit of
    the batch builds from there: the writer's caches (parsed stylesheets, templates, font subsets) are keyed by
    the project's folder, so a folder of its own per unit made each build start them afresh.
    """
    project = _worker_project(files)
    folder = Path(tempfile.mkdtemp(prefix="publisher-batch-"))
    try:
        output = folder / "report.pdf"
        # the worker's caches (charts drawn, font subsets) outlive the build: they are content-addressed
        cache = Path(tempfile.gettempdir()) / "publisher-batch-cache"
        outcome = build_unit(str(project), values, str(output), str(cache))
        data = output.read_bytes() if outcome.status == "built" else b""
        return outcome, data
    finally:
        shutil.rmtree(folder, ignore_errors=True)


_projects: dict[str, Path] = {}
"""The projects this worker process has written, by their files' digest."""


def _worker_project(files: Mapping[str, bytes]) -> Path:
    """The folder holding ``files`` in this worker: written on first use, kept for the rest of the batch."""
    key = files_digest(files)[:20]
    found = _projects.get(key)
    if found is not None and found.is_dir():
        return found
    folder = Path(tempfile.mkdtemp(prefix=f"publisher-batch-project-{key}-"))
    for name, data in files.items():
        if ".." in Path(name).parts or Path(name).is_absolute():
            continue
        path = folder / "project" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    atexit.register(shutil.rmtree, folder, True)
    _projects[key] = folder / "project"
    return _projects[key]


# ----------------------------------------------------------------- running a batch

Report = Callable[[Outcome], None]


def run_batch(
    project: Path,
    units: list[Unit],
    folder: Path,
    jobs: int | None = None,
    scheduler: str | None = None,
    report: Report | None = None,
    force: bool = False,
) -> Batch:
    """Build every unit into ``folder`` (skipping those whose PDF is up to date), write the summary, return it."""
    root = find_project(project)
    folder.mkdir(parents=True, exist_ok=True)
    files = project_files(root)
    environment = _environment_digest()
    state_path = folder / STATE_FILE
    try:
        state: dict[str, str] = json.loads(state_path.read_text(encoding="utf-8")) if state_path.is_file() else {}
    except (ValueError, OSError):
        state = {}
    batch = Batch(units, folder=folder)
    digests = {unit.key: input_digest(files, unit, environment) for unit in units}
    todo: list[Unit] = []
    for unit in units:
        output = folder / f"{file_name(unit.key)}.pdf"
        if unit.error:
            _done(batch, Outcome(unit.key, "failed", error=unit.error), report)
        elif not force and state.get(unit.key) == digests[unit.key] and output.is_file():
            _done(batch, Outcome(unit.key, "skipped", str(output)), report)
        else:
            todo.append(unit)

    def finished(outcome: Outcome) -> None:
        _done(batch, outcome, report)
        if outcome.status == "built":
            state[outcome.key] = digests[outcome.key]
        else:
            state.pop(outcome.key, None)
        write_atomic(state_path, json.dumps(state, ensure_ascii=False, indent=0).encode(), durable=False)

    if todo:
        if scheduler:
            _run_dask(scheduler, files, todo, folder, finished)
        else:
            _run_local(root, todo, folder, jobs or os.cpu_count() or 1, finished)
    write_summary(batch)
    return batch


def _done(batch: Batch, outcome: Outcome, report: Report | None) -> None:
    batch.outcomes[outcome.key] = outcome
    if report is not None:
        report(outcome)


def _run_local(root: Path, units: list[Unit], folder: Path, jobs: int, finished: Report) -> None:
    """Build ``units`` in a pool of warm workers; rows of a worker that died are built again in a new pool."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["publisher.pipeline", "publisher.batch"])
    cache = folder / ".cache"
    pending = {unit.key: unit for unit in units}
    deaths: dict[str, int] = {}
    while pending:
        workers = max(1, min(jobs, len(pending)))
        # A pool builds about RECYCLE_AFTER rows a worker, then ends, and a fresh pool takes the next rows: the
        # executor's own max_tasks_per_child hangs once a worker retires (CPython gh-115634, 3.11 to 3.14).
        generation = list(itertools.islice(pending.values(), workers * RECYCLE_AFTER))
        broken = False
        with ProcessPoolExecutor(workers, context, initializer=_warm) as pool:
            futures: dict[Future[Outcome], Unit] = {
                pool.submit(
                    build_unit, str(root), unit.values, str(folder / f"{file_name(unit.key)}.pdf"), str(cache)
                ): unit
                for unit in generation
            }
            waiting = set(futures)
            while waiting:
                done, waiting = wait(waiting, return_when=FIRST_COMPLETED)
                for future in done:
                    unit = futures[future]
                    try:
                        outcome = future.result()
                    except BrokenProcessPool:
                        broken = True
                        continue
                    outcome.key = unit.key
                    outcome.attempts = deaths.get(unit.key, 0) + 1
                    if outcome.status == "failed":
                        outcome.error = f"{unit.place}: {outcome.error}"
                    del pending[unit.key]
                    finished(outcome)
        if broken:
            for key in [unit.key for unit in generation if unit.key in pending]:
                deaths[key] = deaths.get(key, 0) + 1
                if deaths[key] > RETRIES:
                    unit = pending.pop(key)
                    error = f"{unit.place}: its worker died {deaths[key]} times (killed, or out of memory)"
                    finished(Outcome(key, "failed", error=error, attempts=deaths[key]))


def _run_dask(scheduler: str, files: Mapping[str, bytes], units: list[Unit], folder: Path, finished: Report) -> None:
    """Build ``units`` on the Dask cluster at ``scheduler``; the client writes each PDF it gets back."""
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - a dependency of the package
        raise PublisherError("--scheduler needs Dask's distributed package", hint="pip install distributed") from None
    try:
        client = Client(scheduler, timeout="10s")  # type: ignore[no-untyped-call]
    except OSError as error:
        raise PublisherError(
            f"--scheduler {scheduler}: cannot reach the Dask scheduler ({error})",
            hint="start one with `dask scheduler` and workers with `dask worker ADDRESS` (docs/batch.md)",
        ) from None
    from .cluster import PLUGIN_NAME, QuietProfiler

    with client:
        client.register_plugin(QuietProfiler(), name=PLUGIN_NAME)
        try:
            _submit_all(client, files, units, folder, finished)
        finally:
            with contextlib.suppress(Exception):  # the cluster went away: nothing to restore
                client.unregister_worker_plugin(PLUGIN_NAME)  # type: ignore[no-untyped-call]


def _submit_all(client: Any, files: Mapping[str, bytes], units: list[Unit], folder: Path, finished: Report) -> None:
    """Send the project's files once and every unit; write each PDF the workers send back, as it comes."""
    from distributed import as_completed

    [shared] = client.scatter([dict(files)], broadcast=True)
    futures = {}
    for unit in units:
        name = f"publisher-{file_name(unit.key)}-{os.urandom(4).hex()}"
        futures[client.submit(build_remote, shared, unit.values, key=name, pure=False, retries=RETRIES)] = unit
    for future in as_completed(futures):  # type: ignore[no-untyped-call]
        unit = futures[future]
        try:
            outcome, data = future.result()
        except Exception as error:  # KilledWorker (died too often), a worker without the package …
            finished(Outcome(unit.key, "failed", error=f"{unit.place}: the cluster could not build it ({error})"))
            continue
        outcome.key = unit.key
        if outcome.status == "built":
            output = folder / f"{file_name(unit.key)}.pdf"
            write_atomic(output, data)
            outcome.output = str(output)
        else:
            outcome.error = f"{unit.place}: {outcome.error}"
        finished(outcome)


def write_summary(batch: Batch) -> Path:
    """``batch-report.csv``: every row's key, outcome, pages, seconds, output and error, in the data file's order."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["key", "status", "pages", "seconds", "output", "error"])
    for unit in batch.units:
        found = batch.outcomes.get(unit.key)
        if found is None:
            continue
        writer.writerow(
            [unit.key, found.status, found.pages or "", f"{found.seconds:.2f}" if found.seconds else "",
             Path(found.output).name if found.output else "", found.error]
        )  # fmt: skip
    path = batch.folder / REPORT_FILE
    write_atomic(path, out.getvalue().encode("utf-8-sig"), durable=False)
    return path


def summary_lines(batch: Batch, seconds: float) -> Iterable[str]:
    """The short table printed at the end: counts, rate, then each failed row with its error."""
    counts = {s: sum(1 for o in batch.outcomes.values() if o.status == s) for s in ("built", "skipped", "failed")}
    rate = counts["built"] / seconds * 60 if seconds > 0 else 0.0
    yield (
        f"batch: {counts['built']} built, {counts['skipped']} up to date, {counts['failed']} failed "
        f"in {seconds:.1f} s ({rate:.1f} reports a minute); summary in {batch.folder / REPORT_FILE}"
    )
    for outcome in batch.failed:
        first = outcome.error.splitlines()[0] if outcome.error else "failed"
        yield f"  failed  {outcome.key}: {first}"
