"""The orchestrator: source → model → charts drawn → HTML document → output.

Each stage is a function of its inputs that returns a new value:

- :func:`prepare` reads, parses and checks the project (everything that can
  fail on the user's input): a :class:`Prepared`;
- :func:`draw` draws the placed charts (or takes them from the cache) for
  one paper: a :class:`Drawn`;
- :func:`render` makes the HTML document: a :class:`~publisher.html.Rendered`;
- a :class:`~publisher.output.Writer` writes it.

:func:`build` runs them for one output, :func:`build_editions` for several
editions of one source (read and checked once). Everything is passed as
arguments, so one process can build many projects, many times, and a worker
process can build from :class:`~publisher.options.BuildOptions` alone.
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from . import charts
from .charts.cache import ChartCache, chart_key
from .charts.crosscheck import cross_check, stated_numbers
from .data import STYLES_DIR
from .editions import Edition, check_edition, select, source_date
from .errors import Diagnostics, Pos, PublisherError, did_you_mean
from .fonts import publisher_faces, region, substitutes
from .fonts import roles as font_roles
from .fontstore import install_command
from .html import Rendered, chart_templates, render_html
from .model import Document, Figure
from .numbering import Target, number
from .options import BuildOptions
from .output import Writer, Written, make_writer
from .parse import build_model
from .resources import resolve_images
from .source import Source, load_source
from .tables.place import fit_tables, page_room, place_tables
from .tables.spec import from_chart_spec, load_table_specs, table_numbers
from .theme import Theme, load_theme
from .typeset.glyphs import check_glyphs

Progress = Callable[[str], None]
"""Told the name of each step as it starts (``source``, ``charts``, ``pdf`` …)."""


def quiet(_: str) -> None:
    """A :data:`Progress` that shows nothing."""


@dataclass(frozen=True)
class Prepared:
    """A project read, parsed and checked: everything but drawing and typesetting."""

    options: BuildOptions
    source: Source
    theme: Theme
    document: Document
    specs: Mapping[str, charts.ChartSpec]
    """Every chart spec of the project, by id."""
    images: Mapping[str, str]
    """The address to load for each image, by its address as written."""
    diagnostics: Diagnostics
    numbers_checked: int = 0
    """Chart and table numbers compared with the text."""
    unreferred: tuple[Target, ...] = ()
    """Numbered figures and tables no cross-reference points at (``publisher check`` lists them)."""


@dataclass(frozen=True)
class Drawn:
    """A prepared project with its placed charts drawn for one paper."""

    prepared: Prepared
    paper: str
    drawings: Mapping[str, charts.Drawing]
    """The drawing of each placed chart, by chart id."""
    charts_drawn: int = 0
    """SVG charts drawn now (the others came from the cache; HTML kinds are rendered from their template every time)."""


@dataclass
class BuildResult:
    """What a build made."""

    output: Path
    pages: int
    seconds: float
    document: Document
    warnings: Diagnostics = field(default_factory=Diagnostics)
    charts_drawn: int = 0
    """Charts drawn by this build (the others came from the cache)."""
    edition: Edition | None = None
    size: int = 0
    """Size of the output in bytes."""
    sheets: int = 0
    """Sheets of paper, for an imposed edition (each printed on both sides)."""
    pages_laid_out: int = 0
    """Pages the writer typeset (a warm rebuild keeps the pages an edit did not touch)."""
    pages_kept: frozenset[int] = frozenset()
    """Numbers (1-based) of the pages written exactly as by the writer's previous build."""
    serial: int = 0
    """Which of the writer's renders this was (1 for its first)."""

    def summary(self) -> str:
        """One line about what was written, e.g. ``18 pages, 1.02 MB in 2.10 s``, ``booklet, 30 pages on 8 sheets,
        0.67 MB in 1.93 s``
        (a Word document has no page count: ``docx, 0.51 MB in 2.10 s``)."""
        if self.edition is None:
            return f"{self.pages} pages, {self.size / 1_000_000:.2f} MB in {self.seconds:.2f} s"
        pages = f"{self.pages} pages" + (f" on {self.sheets} sheets" if self.sheets else "")
        if not self.pages:  # a Word document: the word processor sets the pages
            return f"{self.edition.name}, {self.size / 1_000_000:.2f} MB in {self.seconds:.2f} s"
        return f"{self.edition.name}, {pages}, {self.size / 1_000_000:.2f} MB in {self.seconds:.2f} s"


def prepare(options: BuildOptions, diagnostics: Diagnostics | None = None, progress: Progress = quiet) -> Prepared:
    """Read, parse and check the project; raises :class:`PublisherError` on the first error."""
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    progress("source")
    source = load_source(options.project, dict(options.params))
    theme = load_theme(options.theme or source.meta.theme, source.root)
    progress("model")
    doc = build_model(source, diagnostics)
    images = resolve_images(doc, options.allow_remote)
    progress("chart specs")
    specs = charts.load_specs(doc.root, params=source.params)
    tables = load_table_specs(doc.root, source.params)
    for spec in specs.values():
        if spec.type == "table":  # a table among the charts, as before tables had specs of their own
            if spec.id in tables:
                raise PublisherError(
                    f"table id '{spec.id}' is already used at {tables[spec.id].pos}", spec.where("id"),
                    "give every table its own id",
                )  # fmt: skip
            tables[spec.id] = from_chart_spec(spec)
    numbered_specs = [*specs.values()]  # a `type: table` chart spec's numbers are checked as a chart's, as before
    specs = {key: spec for key, spec in specs.items() if spec.type != "table"}
    doc = place_tables(doc, tables, diagnostics)
    for figure in doc.figures():
        if figure.chart_id not in specs:
            raise PublisherError(
                f"no chart with id '{figure.chart_id}'",
                figure.pos,
                did_you_mean(figure.chart_id, specs) or "add a spec under source/charts/",
            )
    numbered = number(_page_figures(doc, specs), theme.captions)
    doc = fit_tables(numbered.document, page_room(theme.tokens, doc.meta.paper), diagnostics)
    placed = {figure.chart_id for figure in doc.figures()}
    for spec in specs.values():
        if spec.id not in placed:
            diagnostics.warn(
                f"chart '{spec.id}' is never placed in the text",
                spec.pos,
                f"place it with ![](chart:{spec.id}) or delete the spec",
            )
    check_glyphs(doc, source, specs, font_roles(theme.tokens, doc.meta.lang), diagnostics, options.allow_missing_glyphs)
    for substitute in substitutes(theme.tokens, doc.meta.lang):
        served = substitute.served
        where = served.path.name if served.path else "not installed"
        diagnostics.warn(
            f"the {substitute.role} role is set in {served.family} ({where}), a substitute for the "
            f"{substitute.official} GB/T 9704 names",
            hint=f"install the office's {substitute.official} font (fontconfig names tried: "
            f"{', '.join(substitute.names[:4])} …); see docs/fonts.md",
        )
    if region(doc.meta.lang) != "SC" and not publisher_faces(doc.meta.lang)["Publisher Serif"][0].stored:
        diagnostics.warn(
            f"{doc.meta.lang} text is set in the Simplified Chinese faces (their punctuation sits in the corner)",
            hint=f"`{install_command()}` installs the Traditional Chinese and Hong Kong faces",
        )
    stated = stated_numbers(source.body, Pos(source.main.path), source.body_line)
    checked = cross_check(numbered_specs, stated, diagnostics)
    from_charts = {spec.id for spec in numbered_specs}
    in_tables = [table_numbers(spec, doc.root) for spec in tables.values() if spec.id not in from_charts]
    checked += cross_check(in_tables, stated, diagnostics, noun="table")
    return Prepared(options, source, theme, doc, specs, images, diagnostics, checked, tuple(numbered.unreferred()))


def _page_figures(doc: Document, specs: Mapping[str, charts.ChartSpec]) -> Document:
    """``doc`` with the KPI pages (a ``kpi`` chart with ``placement: page``) unnumbered: the page is titled by
    the chart's title, not ``图 1``."""
    blocks = [
        dataclasses.replace(block, numbered=False)
        if isinstance(block, Figure)
        and specs[block.chart_id].type == "kpi"
        and specs[block.chart_id].placement == "page"
        else block
        for block in doc.blocks
    ]
    return dataclasses.replace(doc, blocks=blocks)


def draw(
    prepared: Prepared, paper: str | None = None, office: bool = False, diagnostics: Diagnostics | None = None
) -> Drawn:
    """Draw every placed chart for ``paper`` (default the front matter's), or take it from the cache.

    ``office``: for an office document (text as outlines, a PNG besides). What matplotlib warns of while
    drawing becomes a warning of ``diagnostics`` at the chart's spec.
    """
    meta = prepared.document.meta
    paper = paper or meta.paper
    folder = prepared.options.cache_folder(prepared.source.root)
    cache = ChartCache(folder / "charts" if folder is not None else None)
    style = prepared.theme.chart_style(paper, meta.lang, office)
    templates = chart_templates(prepared.theme)
    drawings: dict[str, charts.Drawing] = {}
    drawn = 0
    for figure in prepared.document.figures():
        spec = prepared.specs[figure.chart_id]
        if charts.kind_of(spec).template:  # HTML through the theme's template: cheap, and a theme may change it
            drawings[figure.chart_id] = charts.render(spec, style, templates)
            continue
        key = chart_key(spec, style)
        drawing = cache.get(key, png=office)
        if drawing is None:
            drawing = charts.render(spec, style, templates, _chart_warnings(spec, diagnostics))
            cache.put(key, drawing)
            drawn += drawing.kind == "svg"  # HTML charts (KPI cards, tables) are made, not drawn: never cached
        drawings[figure.chart_id] = drawing
    return Drawn(prepared, paper, drawings, drawn)


def _chart_warnings(spec: charts.ChartSpec, diagnostics: Diagnostics | None) -> Callable[[str], None] | None:
    if diagnostics is None:
        return None

    def warn(text: str) -> None:
        diagnostics.warn(f"chart '{spec.id}': matplotlib: {text}", spec.pos)

    return warn


def render(drawn: Drawn, edition: Edition | None = None, date: datetime | None = None) -> Rendered:
    """The HTML document of a drawn project, with the CSS of ``edition``."""
    prepared = drawn.prepared
    doc = prepared.document
    if drawn.paper != doc.meta.paper:  # another paper (an A5 booklet): tables fit its width
        doc = fit_tables(doc, page_room(prepared.theme.tokens, drawn.paper), Diagnostics())
    html = render_html(doc, prepared.theme, prepared.specs, drawn.drawings, prepared.images, drawn.paper, edition)
    characters = set(html)
    for drawing in drawn.drawings.values():
        characters |= set(drawing.markup)
    return Rendered(
        html=html,
        document=doc,
        specs=prepared.specs,
        drawings=drawn.drawings,
        root=prepared.source.root,
        resources=(prepared.source.root, STYLES_DIR),
        characters=frozenset(characters),
        fonts={
            str(role): [str(f) for f in families] for role, families in prepared.theme.tokens.get("fonts", {}).items()
        },
        images=prepared.images,
        tokens=prepared.theme.tokens,
        edition=edition,
        date=date,
    )


def _format(options: BuildOptions) -> str:
    return options.edition.format if options.edition is not None else "pdf"


class _Writers:
    """One writer per output format, made when first needed; a writer given by the caller serves its format."""

    def __init__(self, given: Writer | None):
        self.made: dict[str, Writer] = {}
        self.given = given

    def __call__(self, format: str) -> Writer:
        if self.given is not None and self.given.suffix == f".{format}":
            return self.given
        if format not in self.made:
            self.made[format] = make_writer(format)
        return self.made[format]


def _write(
    prepared: Prepared,
    options: BuildOptions,
    writer: Writer,
    progress: Progress,
    environ: Mapping[str, str],
    started: float,
) -> BuildResult:
    """Draw, render and write ``prepared`` as ``options`` say (its edition, if any)."""
    edition = options.edition
    diagnostics = Diagnostics(list(prepared.diagnostics.warnings))
    date = None
    if edition is not None:
        check_edition(edition, prepared.source.root)
        date = source_date(prepared.document.meta, environ)
    progress("charts")
    paper = edition.paper if edition is not None and edition.paper else None
    drawn = draw(prepared, paper, writer.office_charts, diagnostics)
    progress("html")
    rendered = render(drawn, edition, date)
    target = options.output_path(prepared.source.root, prepared.document.meta.name, writer.suffix)
    progress(writer.suffix.lstrip("."))
    written: Written = writer.write(rendered, options, target, diagnostics)
    return BuildResult(
        output=written.path,
        pages=written.pages,
        seconds=time.perf_counter() - started,
        document=prepared.document,
        warnings=diagnostics,
        charts_drawn=drawn.charts_drawn,
        edition=edition,
        size=written.size,
        sheets=written.sheets,
        pages_laid_out=written.pages_laid_out,
        pages_kept=written.pages_kept,
        serial=written.serial,
    )


def build(
    options: BuildOptions,
    writer: Writer | None = None,
    progress: Progress = quiet,
    environ: Mapping[str, str] | None = None,
) -> BuildResult:
    """Build one output (a PDF by default) of the project. Raises :class:`PublisherError` for user mistakes.

    Keep one ``writer`` to rebuild cheaply (it keeps its fonts and pages);
    ``environ`` is where ``SOURCE_DATE_EPOCH`` is read (default the process's).
    """
    started = time.perf_counter()
    chosen = _Writers(writer)(_format(options))
    prepared = prepare(options, Diagnostics(), progress)
    prepared.diagnostics.fail_if_strict(options.strict)
    return _write(prepared, options, chosen, progress, os.environ if environ is None else environ, started)


def build_editions(
    options: BuildOptions,
    editions: Sequence[Edition],
    writer: Writer | None = None,
    progress: Progress = quiet,
    environ: Mapping[str, str] | None = None,
) -> list[BuildResult]:
    """Build several editions of the project: the source is read and checked once."""
    if options.output is not None and options.output.suffix and len(editions) > 1:
        raise PublisherError(
            f"-o {options.output}: several editions need a folder, not one file",
            hint="give a folder (-o out/) or one --edition",
        )
    started = time.perf_counter()
    writers = _Writers(writer)
    prepared = prepare(options, Diagnostics(), progress)
    prepared.diagnostics.fail_if_strict(options.strict)
    results = []
    for edition in editions:

        def step(name: str, edition: Edition = edition) -> None:
            progress(f"{edition.name}: {name}")

        chosen = dataclasses.replace(options, edition=edition)
        results.append(
            _write(prepared, chosen, writers(edition.format), step, os.environ if environ is None else environ, started)
        )
        started = time.perf_counter()
    return results


def merged_warnings(results: Sequence[BuildResult]) -> Diagnostics:
    """The warnings of several builds, each once (most come from the one source)."""
    merged = Diagnostics()
    seen: set[str] = set()
    for result in results:
        for warning in result.warnings.warnings:
            if warning.format() not in seen:
                seen.add(warning.format())
                merged.warnings.append(warning)
    return merged


def project_editions(project: Path, names: Sequence[str] | None) -> list[Edition]:
    """The editions named (all for ``None``) of the project's ``publisher.toml`` and the built-in ones."""
    from .editions.config import load_editions

    return select(load_editions(project), names)
