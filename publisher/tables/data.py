"""Data files: CSV files and Excel sheets under ``source/data/``, read as a grid of places.

Statistics offices keep their figures in Excel: a sheet is read with openpyxl
(imported only when an ``.xlsx`` file is used, so a report without one builds
as fast as before), its merged ranges become spans, each number keeps the
format the sheet shows it in (``#,##0.00`` → two decimals, grouped; ``0.0%``
→ a percentage with one decimal), and every cell keeps its place
(``source/data/a.xlsx#Sheet1:12:3``: row 12, column 3) for messages and the
figures cross-check. A CSV file is UTF-8, its cells are numbers or text as
they read.

Limits (a data file is input like any other): files up to
:data:`MAX_DATA_BYTES`, a workbook's parts up to :data:`MAX_UNPACKED_BYTES`
unpacked, at most :data:`MAX_ROWS` rows and :data:`MAX_COLUMNS` columns read.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import Pos, PublisherError, did_you_mean
from ..model import Inline, Text
from ..source import read_text
from .cells import MERGE_LEFT, MERGE_UP, Place, format_value, number_value, place

DATA_DIR = Path("source") / "data"
MAX_DATA_BYTES = 20 * 1024 * 1024
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_ROWS = 5000
MAX_COLUMNS = 60
SUFFIXES = (".csv", ".xlsx")


@dataclass(frozen=True)
class Format:
    """How a number is printed (a spec's ``format:``, or what an Excel cell's number format says)."""

    decimals: int | None = None
    thousands: bool = False
    percent: bool = False
    """The value is a fraction printed as a percentage (Excel's ``0.0%``)."""


def data_path(root: Path, name: str, where: Pos) -> Path:
    """The file ``name`` under ``source/data/`` of the project ``root`` (relative to the project), checked: inside
    the folder (no ``..``, no absolute path, no symlink out), there, a CSV or Excel file, not too big."""
    rel = Path(name)
    if rel.parts[:2] == DATA_DIR.parts:  # written from the project's folder
        rel = Path(*rel.parts[2:])
    if rel.is_absolute() or ".." in rel.parts or not rel.parts:
        hint = f"give a file name under {DATA_DIR}/, e.g. `data: {rel.name or 'figures.xlsx'}`"
        raise PublisherError(f"data: '{name}' is outside {DATA_DIR}/", where, hint)
    path = DATA_DIR / rel
    folder = (root / DATA_DIR).resolve()
    full = (root / path).resolve()
    if not full.is_relative_to(folder):
        raise PublisherError(f"data: '{name}' leads outside {DATA_DIR}/", where, "copy the file into the folder")
    if not full.is_file():
        found = sorted(p.name for p in folder.iterdir() if p.suffix.lower() in SUFFIXES) if folder.is_dir() else []
        raise PublisherError(
            f"data file not found: {path}", where, did_you_mean(rel.name, found) or f"put it in {DATA_DIR}/"
        )
    if full.suffix.lower() not in SUFFIXES:
        raise PublisherError(
            f"data: '{name}' is neither a CSV nor an Excel (.xlsx) file",
            where,
            "save the sheet as .xlsx, or export it as CSV (UTF-8)",
        )
    if full.stat().st_size > MAX_DATA_BYTES:
        raise PublisherError(
            f"data: {path} is {full.stat().st_size // (1024 * 1024)} MiB, more than {MAX_DATA_BYTES // (1024 * 1024)}",
            where,
            "keep only the sheet the report needs",
        )
    return path


def read_grid(root: Path, path: Path, where: Pos, sheet: str = "", cells: str = "") -> list[list[Place]]:
    """The places of a data file (``path`` relative to the project): its ``sheet`` (an Excel workbook's; default
    the first) and ``cells`` (a range such as ``A3:F40``; default every used cell)."""
    if path.suffix.lower() == ".csv":
        if sheet:
            raise PublisherError("sheet: a CSV file has no sheets", where, "leave `sheet:` out")
        return _limit(_csv(root, path, cells, where), path, where)
    return _limit(_xlsx(root, path, sheet, cells, where), path, where)


def _limit(grid: list[list[Place]], path: Path, where: Pos) -> list[list[Place]]:
    while grid and not any(p.content or p.merge for p in grid[-1]):
        grid.pop()
    if len(grid) > MAX_ROWS:
        raise PublisherError(f"{path}: {len(grid)} rows, more than {MAX_ROWS}", where, "give `range:` a smaller range")
    if grid and max(len(row) for row in grid) > MAX_COLUMNS:
        raise PublisherError(f"{path}: more than {MAX_COLUMNS} columns", where, "give `range:` a smaller range")
    return grid


# ------------------------------------------------------------------ ranges

_RANGE = re.compile(r"([A-Za-z]{1,3})([1-9]\d*)(?::([A-Za-z]{1,3})([1-9]\d*))?")


def column_number(letters: str) -> int:
    """``A`` → 1, ``Z`` → 26, ``AA`` → 27."""
    n = 0
    for char in letters.upper():
        n = n * 26 + ord(char) - 64
    return n


def column_letters(n: int) -> str:
    """1 → ``A``, 27 → ``AA``."""
    out = ""
    while n:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out


def parse_range(text: str, where: Pos) -> tuple[int, int, int, int]:
    """``A3:F40`` → (first row, first column, last row, last column), 1-based; ``A3`` alone: from there on."""
    match = _RANGE.fullmatch(text.strip().replace("$", ""))
    if match is None:
        raise PublisherError(f"range: cannot read '{text}'", where, "write the cells as Excel does, e.g. A3:F40")
    first_col, first_row = column_number(match[1]), int(match[2])
    if match[3] is None:
        return first_row, first_col, 10**9, 10**9
    last_col, last_row = column_number(match[3]), int(match[4])
    if last_row < first_row or last_col < first_col:
        raise PublisherError(f"range: '{text}' ends before it starts", where, "write the top left cell first")
    return first_row, first_col, last_row, last_col


# --------------------------------------------------------------------- CSV


def _csv(root: Path, path: Path, cells: str, where: Pos) -> list[list[Place]]:
    text = read_text(root, path).text
    top, left, bottom, right = parse_range(cells, where) if cells else (1, 1, 10**9, 10**9)
    grid: list[list[Place]] = []
    for line, row in enumerate(csv.reader(io.StringIO(text)), start=1):
        if not top <= line <= bottom:
            continue
        places = []
        column = 1
        for index, cell in enumerate(row, start=1):
            if left <= index <= right:
                content: list[Inline] = [Text(cell.strip())] if cell.strip() else []
                places.append(place(content, None, Pos(path, line, column)))
            column += len(cell) + 1
        grid.append(places)
        if len(grid) > MAX_ROWS:
            break
    if not grid:
        raise PublisherError("the data file is empty", Pos(path), "put a header row and rows of figures in it")
    return grid


# ------------------------------------------------------------------- Excel


def _xlsx(root: Path, path: Path, sheet: str, cells: str, where: Pos) -> list[list[Place]]:
    full = root / path
    try:
        with zipfile.ZipFile(full) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise PublisherError(
            f"{path} is not an Excel workbook (.xlsx)", where, "save it from Excel or WPS as .xlsx"
        ) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise PublisherError(
            f"{path} unpacks to {unpacked // (1024 * 1024)} MiB, more than {MAX_UNPACKED_BYTES // (1024 * 1024)}",
            where,
            "keep only the sheet the report needs",
        )
    import warnings

    import openpyxl

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Data Validation extension is not supported" and the like
            book = openpyxl.load_workbook(full, data_only=True, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise PublisherError(f"cannot read {path}: {exc}", where, "open and save it again in Excel or WPS") from None
    try:
        names = list(book.sheetnames)
        name = sheet or names[0]
        if name not in names:
            raise PublisherError(f"{path} has no sheet '{name}'", where, did_you_mean(name, names))
        ws = book[name]
        return _sheet(ws, Path(f"{path}#{name}"), cells, where)
    finally:
        book.close()


def _sheet(ws: Any, path: Path, cells: str, where: Pos) -> list[list[Place]]:
    top, left, bottom, right = parse_range(cells, where) if cells else (1, 1, 10**9, 10**9)
    bottom = min(bottom, ws.max_row, top + MAX_ROWS)
    right = min(right, ws.max_column, left + MAX_COLUMNS)
    marks: dict[tuple[int, int], str] = {}
    for merged in ws.merged_cells.ranges:
        for row in range(merged.min_row, merged.max_row + 1):
            for col in range(merged.min_col, merged.max_col + 1):
                if (row, col) != (merged.min_row, merged.min_col):
                    marks[(row, col)] = MERGE_LEFT if row == merged.min_row else MERGE_UP
    grid: list[list[Place]] = []
    for row in range(top, bottom + 1):
        places = []
        for col in range(left, right + 1):
            pos = Pos(path, row, col)
            if (row, col) in marks:
                places.append(Place([], None, pos, merge=marks[(row, col)]))
                continue
            cell = ws.cell(row=row, column=col)
            places.append(_excel_place(cell.value, str(cell.number_format or "General"), pos))
        grid.append(places)
    return grid


def excel_format(number_format: str) -> Format:
    """What an Excel number format says about decimals, grouping and percentages (``General``: nothing)."""
    code = number_format.split(";")[0]
    code = re.sub(r'"[^"]*"|\[[^\]]*\]|\\.', "", code)
    if code in ("", "General", "@"):
        return Format()
    point = code.find(".")
    decimals = len(re.match(r"[0#?]*", code[point + 1 :])[0]) if point >= 0 else 0  # type: ignore[index]
    return Format(decimals, "," in code, "%" in code)


def _excel_place(value: Any, number_format: str, pos: Pos) -> Place:
    if value is None:
        return Place([], None, pos)
    if isinstance(value, bool):
        return place([Text(str(value).upper())], None, pos)
    if isinstance(value, int | float):
        found = excel_format(number_format)
        text = format_value(float(value), found.decimals, found.thousands, found.percent)
        shown = float(value) * 100 if found.percent else float(value)
        return Place([Text(text)], None, pos, shown)
    if isinstance(value, datetime.datetime | datetime.date):
        text = value.date().isoformat() if isinstance(value, datetime.datetime) else value.isoformat()
        return Place([Text(text)], None, pos)
    text = str(value).strip()
    if text in (MERGE_LEFT, MERGE_UP):
        return Place([], None, pos, merge=text)
    return Place([Text(text)] if text else [], None, pos, number_value(text))
