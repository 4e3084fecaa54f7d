"""Editions: one source, several PDFs, each made for one job.

An :class:`Edition` says how a report is turned into one PDF: page bleed and
printer's marks, the PDF variant (PDF/A, PDF/UA), tags, the output intent,
attached source files, bookmarks, booklet imposition. Four are built in
(:data:`BUILTIN`: ``print``, ``meeting``, ``archive``, ``booklet``); a
project changes them, or adds its own, in ``publisher.toml``::

    [editions.print]
    bleed_mm = 5

    [editions.web]          # a new edition, starting from the meeting one
    base = "meeting"
    image_dpi = 96

Every key is checked like the front matter: an unknown one is an error with
its ``file:line:col`` and the nearest valid name.

:func:`build_editions` builds the chosen editions through the ordinary
:func:`publisher.build.build`, each with its own CSS, WeasyPrint options and a
post-processing step (:func:`finish`, with pikepdf) that sets the boxes, the
bookmarks' open state, the viewer preferences and fixed dates, imposes the
booklet, and saves with a content-derived file identifier, so that the same
source gives byte-identical PDFs.
"""

from __future__ import annotations

import dataclasses
import io
import math
import os
import re
import tomllib
import typing
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .build import BuildOptions, BuildResult, Progress, build
from .errors import Diagnostics, Pos, PublisherError, did_you_mean
from .model import Meta
from .source import find_project, load_source

if typing.TYPE_CHECKING:
    import pikepdf

    from .pdf import Renderer

CONFIG_FILE = "publisher.toml"
"""The project configuration file, at the project root."""

MM = 72 / 25.4
"""PDF points per millimetre."""

PDF_VARIANTS = (
    "pdf/a-1b",
    "pdf/a-2b",
    "pdf/a-3b",
    "pdf/a-2u",
    "pdf/a-3u",
    "pdf/a-4u",
    "pdf/a-1a",
    "pdf/a-2a",
    "pdf/a-3a",
    "pdf/ua-1",
    "pdf/ua-2",
    "pdf/x-1a",
    "pdf/x-3",
    "pdf/x-4",
    "pdf/x-5g",
)
"""The ``pdf_variant`` values WeasyPrint 70 knows."""

MARKS = ("", "crop", "cross", "crop cross")
IMPOSITIONS = ("", "saddle-stitch")
OUTPUT_INTENTS = ("", "srgb")
PAPERS = ("", "A4", "A5")


@dataclass(frozen=True)
class Edition:
    """How one PDF of the report is made. Every field can be set in ``publisher.toml``."""

    name: str
    """The edition's name; the PDF is ``out/<report name>-<edition name>.pdf``."""
    description: str = ""
    """What the edition is for (shown by the docs and ``--help``)."""
    paper: str = ""
    """``A4`` or ``A5``: typeset the report on this paper; empty: the front matter's ``paper``."""
    bleed_mm: float = 0
    """Bleed in mm: backgrounds that touch the page edge run this far past it; ``BleedBox``."""
    marks: str = ""
    """Printer's marks outside the bleed: ``crop``, ``cross``, ``crop cross`` or empty."""
    pdf_variant: str = ""
    """A WeasyPrint PDF variant (``pdf/a-3b``, ``pdf/ua-1`` …); empty: plain PDF."""
    tagged: bool = False
    """Write a structure tree (tagged PDF) for screen readers and reflow."""
    output_intent: str = ""
    """``srgb``: declare the colours as sRGB with an output intent; empty: none."""
    output_profile: str = ""
    """An ICC profile of the printing condition (CMYK), relative to the project: the output intent."""
    attach_source: bool = False
    """Attach the project's source (a zip and a manifest) so ``publisher extract`` gets it back."""
    impose: str = ""
    """``saddle-stitch``: two pages a sheet side in booklet order; empty: one page a page."""
    outline_depth: int = 0
    """Bookmark levels shown when the PDF opens (2: parts and chapters); 0: all open."""
    show_outline: bool = False
    """Open the PDF with the bookmarks panel showing."""
    image_dpi: int = 0
    """Downsample raster images to this resolution; 0: keep them as they are."""
    jpeg_quality: int = 0
    """JPEG quality (1-95) for recompressed images; 0: WeasyPrint's default."""
    min_image_dpi: int = 0
    """Warn about raster images printed at a lower resolution than this; 0: no check."""
    max_mb: float = 0
    """Warn when the PDF is larger than this many megabytes; 0: no limit."""
    css: str = ""
    """More CSS for this edition, after the theme's."""

    @property
    def media_bleed_mm(self) -> float:
        """How far the PDF's MediaBox reaches past the trim: the bleed, plus room for the marks.

        WeasyPrint draws crop marks in the outer half of the CSS bleed area, so
        with marks the area is ``2 × bleed + 2 mm``: the marks then sit 1 mm
        outside the bleed and never print on the bleed's background.
        """
        if self.marks:
            return 2 * self.bleed_mm + 2
        return self.bleed_mm


BUILTIN: dict[str, Edition] = {
    "print": Edition(
        name="print",
        description="for the print shop: 3 mm bleed, crop and registration marks, TrimBox and BleedBox",
        bleed_mm=3,
        marks="crop cross",
        output_intent="srgb",
        min_image_dpi=300,
    ),
    "meeting": Edition(
        name="meeting",
        description="for screens and office printers: small, tagged PDF/UA-1, linked, bookmarks open to level 2",
        pdf_variant="pdf/ua-1",
        tagged=True,
        outline_depth=2,
        show_outline=True,
        image_dpi=150,
        jpeg_quality=85,
        max_mb=2,
    ),
    "archive": Edition(
        name="archive",
        description="for the archive: PDF/A-3b with the report's source attached",
        pdf_variant="pdf/a-3b",
        attach_source=True,
    ),
    "booklet": Edition(
        name="booklet",
        description="A5 pages two-up on A4 landscape in saddle-stitch order, for duplex office printing",
        paper="A5",
        impose="saddle-stitch",
    ),
}
"""The built-in editions, before ``publisher.toml`` changes them."""

_FIELDS = {f.name: f for f in dataclasses.fields(Edition) if f.name != "name"}
_TYPES = typing.get_type_hints(Edition)
_CONFIG_KEYS = {"editions"}
_EDITION_KEYS = {*_FIELDS, "base"}


# --------------------------------------------------------------- config


def load_editions(project: Path) -> dict[str, Edition]:
    """The project's editions: the built-in ones as changed or added to by ``publisher.toml``."""
    editions = dict(BUILTIN)
    root = find_project(project)
    path = root / CONFIG_FILE
    if not path.is_file():
        return editions
    rel = Path(CONFIG_FILE)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise PublisherError(f"cannot read {CONFIG_FILE}: {exc}", Pos(rel), "save it as UTF-8 text") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise PublisherError(f"not valid TOML: {_toml_message(exc)}", _toml_pos(exc, rel)) from None
    where = _KeyPositions(text, rel)
    for key in data:
        if key not in _CONFIG_KEYS:
            raise PublisherError(f"unknown key '{key}'", where((key,)), did_you_mean(key, _CONFIG_KEYS))
    tables = data.get("editions", {})
    if not isinstance(tables, dict):
        raise PublisherError("editions: expected a table", where(("editions",)), "write [editions.NAME] tables")
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise PublisherError(
                f"editions.{name}: expected a table", where(("editions", name)), f"write [editions.{name}]"
            )
        if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name):
            raise PublisherError(
                f"edition name '{name}' cannot be part of a file name",
                where(("editions", name)),
                "use lower-case letters, digits, '-' and '_'",
            )
        editions[name] = _parse_edition(name, table, editions, where, root)
    return editions


def _parse_edition(
    name: str, table: dict[str, Any], known: Mapping[str, Edition], where: _KeyPositions, root: Path
) -> Edition:
    """One ``[editions.NAME]`` table on top of the built-in edition it changes (or ``base``)."""
    base_name = table.get("base", name if name in BUILTIN else None)
    if base_name is None:
        start = Edition(name=name)
    elif isinstance(base_name, str) and base_name in known:
        start = dataclasses.replace(known[base_name], name=name)
    else:
        raise PublisherError(
            f"editions.{name}.base: no edition '{base_name}'",
            where(("editions", name, "base")),
            did_you_mean(str(base_name), known),
        )
    values: dict[str, Any] = {}
    for key, value in table.items():
        pos = where(("editions", name, key))
        if key == "base":
            continue
        if key not in _FIELDS:
            raise PublisherError(f"unknown edition key '{key}'", pos, did_you_mean(key, _EDITION_KEYS))
        values[key] = _check_value(f"editions.{name}.{key}", value, _TYPES[key], pos)
    edition = dataclasses.replace(start, **values)
    check_edition(edition, root, lambda key: where(("editions", name, key)))
    return edition


def _check_value(label: str, value: Any, hint: Any, pos: Pos) -> Any:
    if hint is bool and isinstance(value, bool):
        return value
    if hint is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint is str and isinstance(value, str):
        return value
    kind = {bool: "true or false", int: "a whole number", float: "a number", str: "text"}[hint]
    raise PublisherError(f"{label}: expected {kind}, got {value!r}", pos, "see docs/editions.md")


def check_edition(edition: Edition, root: Path, where: Callable[[str], Pos | None] = lambda _: None) -> None:
    """Check the values that have a fixed set of choices, and the files an edition names."""
    choices: dict[str, Sequence[str]] = {
        "paper": PAPERS,
        "marks": MARKS,
        "impose": IMPOSITIONS,
        "output_intent": OUTPUT_INTENTS,
        "pdf_variant": ("", *PDF_VARIANTS),
    }
    for key, valid in choices.items():
        value = getattr(edition, key)
        if value not in valid:
            raise PublisherError(
                f"editions.{edition.name}.{key}: '{value}' is not one of {', '.join(repr(v) for v in valid if v)}",
                where(key),
                did_you_mean(value, [v for v in valid if v]),
            )
    for key in ("bleed_mm", "outline_depth", "image_dpi", "jpeg_quality", "min_image_dpi", "max_mb"):
        if getattr(edition, key) < 0:
            raise PublisherError(f"editions.{edition.name}.{key}: must not be negative", where(key))
    if edition.bleed_mm > 20:
        raise PublisherError(f"editions.{edition.name}.bleed_mm: at most 20 mm", where("bleed_mm"), "3 mm is usual")
    if edition.jpeg_quality > 95:
        raise PublisherError(f"editions.{edition.name}.jpeg_quality: at most 95", where("jpeg_quality"))
    if edition.marks and not edition.bleed_mm:
        raise PublisherError(
            f"editions.{edition.name}: marks need a bleed",
            where("marks"),
            "set bleed_mm (3 is usual); the marks are drawn outside it",
        )
    if edition.attach_source and edition.pdf_variant in ("pdf/a-1b", "pdf/a-1a", "pdf/a-2b", "pdf/a-2a", "pdf/a-2u"):
        raise PublisherError(
            f"editions.{edition.name}: PDF/A-1 and PDF/A-2 forbid attaching the source",
            where("attach_source"),
            'use pdf_variant = "pdf/a-3b"',
        )
    if edition.output_profile:
        profile = (root / edition.output_profile).resolve()
        if not profile.is_relative_to(root) or not profile.is_file():
            raise PublisherError(
                f"editions.{edition.name}.output_profile: no file '{edition.output_profile}' in the project",
                where("output_profile"),
                "give the print shop's ICC profile (e.g. a FOGRA39 or GRACoL CMYK profile) relative to the project",
            )


class _KeyPositions:
    """Where keys are in a TOML file: ``tomllib`` gives none, so the lines are scanned.

    Table headers (``[editions.print]``) and ``key =`` lines (dotted keys too)
    are found; a key not found falls back to its table, then to line 1.
    """

    _HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]")
    _NAME = r"(?:[A-Za-z0-9_-]+|\"[^\"]*\"|'[^']*')"
    _KEY = re.compile(rf"^(\s*)({_NAME}(?:\s*\.\s*{_NAME})*)\s*=")

    def __init__(self, text: str, path: Path):
        self.path = path
        self.found: dict[tuple[str, ...], Pos] = {}
        table: tuple[str, ...] = ()
        for number, line in enumerate(text.split("\n"), start=1):
            header = self._HEADER.match(line)
            if header:
                table = self._split(header.group(1))
                col = line.index(header.group(1)) + 1
                for depth in range(1, len(table) + 1):
                    self.found.setdefault(table[:depth], Pos(path, number, col))
                continue
            key = self._KEY.match(line)
            if key:
                keys = table + self._split(key.group(2))
                self.found.setdefault(keys, Pos(path, number, len(key.group(1)) + 1))

    @staticmethod
    def _split(dotted: str) -> tuple[str, ...]:
        return tuple(part.strip().strip("\"'") for part in dotted.split("."))

    def __call__(self, keys: tuple[str, ...]) -> Pos:
        for depth in range(len(keys), 0, -1):
            if keys[:depth] in self.found:
                return self.found[keys[:depth]]
        return Pos(self.path, 1, 1)


def _toml_message(exc: tomllib.TOMLDecodeError) -> str:
    return re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc)) or "syntax error"


def _toml_pos(exc: tomllib.TOMLDecodeError, path: Path) -> Pos:
    found = re.search(r"at line (\d+), column (\d+)", str(exc))
    return Pos(path, int(found.group(1)), int(found.group(2))) if found else Pos(path)


def select(editions: Mapping[str, Edition], names: Sequence[str] | None) -> list[Edition]:
    """The editions named (in the order given, once each), or all of them for ``None``."""
    if names is None:
        return list(editions.values())
    chosen: list[Edition] = []
    for name in names:
        if name not in editions:
            raise PublisherError(
                f"unknown edition '{name}'", hint=did_you_mean(name, editions) or f"define it in {CONFIG_FILE}"
            )
        if editions[name] not in chosen:
            chosen.append(editions[name])
    return chosen


# ----------------------------------------------------------------- dates


def source_date(meta: Meta, environ: Mapping[str, str]) -> datetime | None:
    """The date written into the PDFs: ``SOURCE_DATE_EPOCH``, else the front matter's ``date`` or ``year``.

    ``date: 2022年1月`` gives 2022-01-01, ``year: 2021`` gives 2021-01-01
    (midnight UTC). Without any of them the PDFs carry no date at all, which is
    just as reproducible.
    """
    epoch = environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        if not epoch.isdigit():
            raise PublisherError(
                f"SOURCE_DATE_EPOCH must be a whole number of seconds, got '{epoch}'",
                hint="e.g. SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)",
            )
        return datetime.fromtimestamp(int(epoch), UTC)
    found = re.search(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})(?:\s*[-/.月]\s*(\d{1,2}))?)?", meta.date)
    if found:
        year, month, day = int(found.group(1)), int(found.group(2) or 1), int(found.group(3) or 1)
        try:
            return datetime(year, month, day, tzinfo=UTC)
        except ValueError:
            pass
    if meta.year:
        return datetime(meta.year, 1, 1, tzinfo=UTC)
    return None


def _pdf_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("D:%Y%m%d%H%M%S+00'00'")


def _xmp_date(when: datetime) -> str:
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


# ---------------------------------------------------------------- build


@dataclass
class EditionResult:
    """One edition built."""

    edition: Edition
    result: BuildResult
    sheets: int = 0
    """Sheets of paper, for an imposed edition (each printed on both sides)."""
    size: int = 0
    """Size of the PDF in bytes."""

    def summary(self) -> str:
        """One line about what was written, e.g. ``booklet, 30 pages on 8 sheets, 0.67 MB in 1.93 s``."""
        pages = f"{self.result.pages} pages" + (f" on {self.sheets} sheets" if self.sheets else "")
        return f"{self.edition.name}, {pages}, {self.size / 1_000_000:.2f} MB in {self.result.seconds:.2f} s"


def merged_warnings(results: Sequence[EditionResult]) -> Diagnostics:
    """The warnings of several editions, each once (most come from the one source)."""
    merged = Diagnostics()
    seen: set[str] = set()
    for item in results:
        for warning in item.result.warnings.warnings:
            if warning.format() not in seen:
                seen.add(warning.format())
                merged.warnings.append(warning)
    return merged


@dataclass
class _Finish:
    """What :func:`finish` needs besides the PDF; collects its warnings."""

    edition: Edition
    date: datetime | None
    strict: bool = False
    """Raise on the first warning, before the PDF is written."""
    warnings: list[tuple[str, str | None]] = field(default_factory=list)
    """(message, hint) of each warning."""
    sheets: int = 0


def edition_options(
    options: BuildOptions, edition: Edition, meta: Meta, root: Path, date: datetime | None
) -> tuple[BuildOptions, _Finish]:
    """The build options of one edition: its CSS, WeasyPrint options, output name and post-processing."""
    css: list[str] = []
    pdf_options: dict[str, Any] = {"pdf_identifier": True}
    if edition.bleed_mm:
        css.append(_bleed_css(edition))
    if edition.output_profile:
        url = (root / edition.output_profile).resolve().as_uri()
        css.append(f'@color-profile device-cmyk {{ src: url("{url}"); components: c, m, y, k; }}')
        pdf_options["output_intent"] = "device-cmyk"
    elif edition.output_intent:
        pdf_options["output_intent"] = edition.output_intent
    if edition.css:
        css.append(edition.css)
    if edition.pdf_variant:
        pdf_options["pdf_variant"] = edition.pdf_variant
    if edition.tagged:
        pdf_options["pdf_tags"] = True
    if edition.image_dpi:
        pdf_options["dpi"] = edition.image_dpi
        pdf_options["optimize_images"] = True
    if edition.jpeg_quality:
        pdf_options["jpeg_quality"] = edition.jpeg_quality
    if edition.attach_source:
        from .archive import source_attachments

        pdf_options["attachments"] = source_attachments(root, meta, edition.name, date)
    finishing = _Finish(edition, date, options.strict)
    name = options.output_name or meta.name
    out = dataclasses.replace(
        options,
        extra_css=[*options.extra_css, *css],
        pdf_options={**options.pdf_options, **pdf_options},
        postprocess=lambda pdf: finish(pdf, finishing),
        output_name=f"{name}-{edition.name}",
    )
    return out, finishing


def _bleed_css(edition: Edition) -> str:
    """Page bleed and marks, and the cover band of the base template run into the bleed."""
    bleed = f"{edition.bleed_mm:g}mm"
    marks = edition.marks or "none"
    return (
        f"@page {{ bleed: {edition.media_bleed_mm:g}mm; marks: {marks}; }}\n"
        # The cover band is absolutely placed against the left, top and bottom
        # edges of the cover page: push it out by the bleed on those sides.
        f".cover-band {{ margin: -{bleed} 0 -{bleed} -{bleed}; padding-left: {bleed}; }}\n"
    )


def build_edition(
    options: BuildOptions,
    edition: Edition,
    renderer: Renderer | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> EditionResult:
    """Build one edition of the project in ``options.project``."""
    source = load_source(options.project)
    root = source.root
    check_edition(edition, root)
    date = source_date(source.meta, os.environ if environ is None else environ)
    edition_opts, finishing = edition_options(options, edition, source.meta, root, date)
    step: Progress = progress or (lambda _: None)

    def report(name: str) -> None:
        step(f"{edition.name}: {name}")

    if edition.paper and edition.paper != source.meta.paper:
        edition_opts = dataclasses.replace(edition_opts, paper=edition.paper)
    result = build(edition_opts, renderer, report)
    for message, hint in finishing.warnings:
        result.warnings.warn(message, hint=hint)
    return EditionResult(edition, result, finishing.sheets, result.pdf.stat().st_size)


def build_editions(
    options: BuildOptions,
    names: Sequence[str] | None = None,
    renderer: Renderer | None = None,
    progress: Progress | None = None,
    environ: Mapping[str, str] | None = None,
) -> list[EditionResult]:
    """Build the named editions (all for ``None``) into ``out/<name>-<edition>.pdf``."""
    editions = select(load_editions(options.project), names)
    if options.output is not None and options.output.suffix.lower() == ".pdf" and len(editions) > 1:
        raise PublisherError(
            f"-o {options.output}: several editions need a folder, not one .pdf file",
            hint="give a folder (-o out/) or one --edition",
        )
    if renderer is None:
        from .pdf import Renderer

        renderer = Renderer()
    return [build_edition(options, edition, renderer, progress, environ) for edition in editions]


# ------------------------------------------------------------ finishing


def finish(data: bytes, finishing: _Finish) -> bytes:
    """Post-process a PDF that WeasyPrint wrote for an edition; the result is deterministic.

    Sets the BleedBox to the bleed, the bookmarks' open state, the viewer
    preferences and the dates (Info and XMP), checks image resolutions,
    imposes the booklet, and saves with a file identifier derived from the
    content.
    """
    import pikepdf

    edition = finishing.edition
    pdf = pikepdf.open(io.BytesIO(data))
    if edition.bleed_mm:
        _set_bleed_box(pdf, edition.bleed_mm * MM)
    if edition.outline_depth:
        _open_outline_to(pdf, edition.outline_depth)
    if edition.show_outline:
        pdf.Root.PageMode = pikepdf.Name.UseOutlines
    if "/AF" in pdf.Root:
        _dedupe_associated_files(pdf)
    if edition.tagged and "/StructTreeRoot" in pdf.Root:
        _scope_table_headers(pdf.Root.StructTreeRoot)
    if edition.min_image_dpi:
        hint = "use an image with more pixels, or a vector drawing (SVG)"
        finishing.warnings.extend((message, hint) for message in _low_resolution_images(pdf, edition.min_image_dpi))
    if edition.impose == "saddle-stitch":
        from .impose import impose_saddle_stitch

        pages = len(pdf.pages)
        pdf = impose_saddle_stitch(pdf)
        finishing.sheets = math.ceil(pages / 4)
    prefs = pdf.Root.get("/ViewerPreferences", pikepdf.Dictionary())
    prefs.DisplayDocTitle = True
    pdf.Root.ViewerPreferences = prefs
    if finishing.date is not None:
        _set_dates(pdf, finishing.date)
    out = io.BytesIO()
    pdf.save(
        out,
        deterministic_id=True,
        compress_streams=True,
        object_stream_mode=pikepdf.ObjectStreamMode.generate,
    )
    size = out.tell()
    if edition.max_mb and size > edition.max_mb * 1_000_000:
        finishing.warnings.append(
            (
                f"{edition.name}: the PDF is {size / 1_000_000:.1f} MB, more than max_mb = {edition.max_mb:g}",
                f"lower image_dpi or jpeg_quality in [editions.{edition.name}] of {CONFIG_FILE}",
            )
        )
    if finishing.strict and finishing.warnings:
        problem, advice = finishing.warnings[0]
        raise PublisherError(f"{problem} (--strict)", hint=advice)
    return out.getvalue()


def _set_bleed_box(pdf: pikepdf.Pdf, bleed: float) -> None:
    """BleedBox = TrimBox grown by ``bleed`` (WeasyPrint puts it up to 10 pt out, whatever the bleed)."""
    import pikepdf

    for page in pdf.pages:
        trim = page.obj.get("/TrimBox")
        if trim is None:
            continue
        left, bottom, right, top = (float(v) for v in trim)
        media = [float(v) for v in page.obj.MediaBox]
        box = [
            max(left - bleed, media[0]),
            max(bottom - bleed, media[1]),
            min(right + bleed, media[2]),
            min(top + bleed, media[3]),
        ]
        page.obj.BleedBox = pikepdf.Array([round(v, 4) for v in box])


def _open_outline_to(pdf: pikepdf.Pdf, depth: int) -> None:
    """Bookmarks of levels below ``depth`` open, the others closed: levels 1..depth show."""
    outlines = pdf.Root.get("/Outlines")
    if outlines is None or "/First" not in outlines:
        return

    def visit(first: pikepdf.Object, level: int) -> int:
        """Set /Count below ``first``; return how many items show at and below this level."""
        shown = 0
        item: pikepdf.Object | None = first
        while item is not None:
            below = visit(item.First, level + 1) if "/First" in item else 0
            if "/First" in item:
                if level < depth:
                    item.Count = below
                    shown += below
                else:
                    item.Count = -below
            shown += 1
            item = item.get("/Next")
        return shown

    outlines.Count = visit(outlines.First, 1)


def _dedupe_associated_files(pdf: pikepdf.Pdf) -> None:
    """Each file once in the catalog's ``/AF`` (WeasyPrint 70 lists every attachment twice)."""
    import pikepdf

    unique: list[pikepdf.Object] = []
    seen: set[tuple[int, int]] = set()
    for spec in pdf.Root.AF:
        if spec.is_indirect and spec.objgen in seen:
            continue
        if spec.is_indirect:
            seen.add(spec.objgen)
        unique.append(spec)
    pdf.Root.AF = pikepdf.Array(unique)


def _scope_table_headers(root: pikepdf.Object) -> None:
    """Give every table header cell (``/TH``) a ``/Scope``: ``Column`` in a ``/THead`` row, else ``Row``.

    WeasyPrint tags header cells but does not say what they head; PDF/UA-1
    checkers then cannot tell which data cells a header belongs to.
    """
    import pikepdf

    seen: set[tuple[int, int]] = set()
    todo: list[tuple[pikepdf.Object, str]] = [(root, "")]
    while todo:
        node, section = todo.pop()
        if node.is_indirect:
            if node.objgen in seen:
                continue
            seen.add(node.objgen)
        kind = str(node.get("/S", ""))
        if kind == "/TH":
            attributes = node.get("/A")
            if not isinstance(attributes, pikepdf.Dictionary) or attributes.get("/O") != pikepdf.Name.Table:
                attributes = pikepdf.Dictionary(O=pikepdf.Name.Table)
            if "/Scope" not in attributes:
                attributes.Scope = pikepdf.Name.Column if section == "/THead" else pikepdf.Name.Row
            node.A = attributes
        if kind in ("/THead", "/TBody", "/TFoot", "/Table"):
            section = kind
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
            if isinstance(kid, pikepdf.Dictionary) and ("/S" in kid or "/K" in kid):
                todo.append((kid, section))


def _set_dates(pdf: pikepdf.Pdf, when: datetime) -> None:
    """Creation and modification dates in the Info dictionary, and in the XMP metadata if there is any."""
    import pikepdf

    if "/Metadata" in pdf.Root:
        with pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False) as xmp:
            xmp["xmp:CreateDate"] = _xmp_date(when)
            xmp["xmp:ModifyDate"] = _xmp_date(when)
            xmp["xmp:MetadataDate"] = _xmp_date(when)
    pdf.docinfo[pikepdf.Name.CreationDate] = pikepdf.String(_pdf_date(when))
    pdf.docinfo[pikepdf.Name.ModDate] = pikepdf.String(_pdf_date(when))


def _low_resolution_images(pdf: pikepdf.Pdf, minimum: int) -> list[str]:
    """Messages for raster images drawn at fewer than ``minimum`` pixels per inch."""
    import pikepdf

    found: dict[str, float] = {}

    def walk(content: pikepdf.Object, resources: pikepdf.Object | None, ctm: tuple[float, ...], page: int) -> None:
        stack: list[tuple[float, ...]] = []
        xobjects = resources.get("/XObject") if resources is not None else None
        for instruction in pikepdf.parse_content_stream(content, "q Q cm Do"):
            if not isinstance(instruction, pikepdf.ContentStreamInstruction):
                continue
            op, operands = str(instruction.operator), instruction.operands
            if op == "q":
                stack.append(ctm)
            elif op == "Q" and stack:
                ctm = stack.pop()
            elif op == "cm":
                ctm = _multiply(tuple(float(v) for v in operands), ctm)
            elif op == "Do" and xobjects is not None and str(operands[0]) in xobjects:
                xobject = xobjects[str(operands[0])]
                if xobject.get("/Subtype") == "/Image":
                    width_in = math.hypot(ctm[0], ctm[1]) / 72
                    height_in = math.hypot(ctm[2], ctm[3]) / 72
                    if width_in and height_in:
                        dpi = min(int(xobject.Width) / width_in, int(xobject.Height) / height_in)
                        key = f"page {page}"
                        found[key] = min(found.get(key, dpi), dpi)
                elif xobject.get("/Subtype") == "/Form":
                    matrix = tuple(float(v) for v in xobject.get("/Matrix", pikepdf.Array([1, 0, 0, 1, 0, 0])))
                    walk(xobject, xobject.get("/Resources", resources), _multiply(matrix, ctm), page)

    for number, page in enumerate(pdf.pages, start=1):
        walk(page.obj, page.obj.get("/Resources"), (1, 0, 0, 1, 0, 0), number)
    return [
        f"an image on {where} prints at {dpi:.0f} dpi, less than the {minimum} dpi a print shop needs"
        for where, dpi in found.items()
        if dpi < minimum
    ]


def _multiply(a: tuple[float, ...], b: tuple[float, ...]) -> tuple[float, ...]:
    """The PDF matrix product ``a × b`` (``a`` applied first)."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )
