"""The orchestrator: source → model → charts → html → pdf.

:func:`build` runs the stages in order with everything they need passed as
arguments, so one process can build many projects, many times.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import charts
from .charts.cache import ChartCache, chart_key
from .charts.check import check_spec
from .errors import Diagnostics, PublisherError
from .html import render_html
from .model import Document
from .parse import build_model
from .pdf import SLOW_SUBSET_HINT, Renderer, harfbuzz_subset_available, write_atomic
from .source import load_source
from .theme import FONTS_DIR, STYLES_DIR, Theme, load_theme


@dataclass
class BuildOptions:
    """Options of one build; the CLI and the Python API share them."""

    project: Path = Path(".")
    """The report project folder."""
    output: Path | None = None
    """A ``.pdf`` file or a folder; default ``PROJECT/out/<name>.pdf``."""
    theme: str | None = None
    """Theme name; default the front matter's ``theme``."""
    strict: bool = False
    """Treat warnings as errors."""
    cache: bool = True
    """Reuse charts drawn by earlier builds (``PROJECT/out/.cache``)."""


@dataclass
class BuildResult:
    """What a build made."""

    pdf: Path
    pages: int
    seconds: float
    document: Document
    warnings: Diagnostics = field(default_factory=Diagnostics)
    charts_drawn: int = 0
    """Charts drawn by this build (the others came from the cache)."""


Progress = Callable[[str], None]


def _quiet(_: str) -> None:
    pass


def output_path(options: BuildOptions, root: Path, name: str) -> Path:
    """Where the PDF goes."""
    if options.output is None:
        return root / "out" / f"{name}.pdf"
    if options.output.suffix.lower() == ".pdf":
        return options.output
    return options.output / f"{name}.pdf"


def resolve_charts(doc: Document, theme: Theme, diagnostics: Diagnostics, cache: ChartCache) -> None:
    """Attach a spec to every figure, check it, and draw it (or take it from ``cache``)."""
    kinds = charts.registry()
    specs = charts.load_specs(doc.root, set(kinds))
    used: set[str] = set()
    style = theme.chart_style(doc.meta.paper)
    for figure in doc.figures():
        spec = specs.get(figure.chart_id)
        if spec is None:
            from .errors import did_you_mean

            raise PublisherError(
                f"no chart with id '{figure.chart_id}'",
                figure.pos,
                did_you_mean(figure.chart_id, specs) or "add a spec under source/charts/",
            )
        check_spec(spec)
        used.add(spec.id)
        figure.chart = spec
        key = chart_key(spec, style)
        rendered = cache.get(key)
        if rendered is None:
            rendered = charts.render(spec, style)
            cache.put(key, rendered)
        figure.rendered = rendered
    for spec in specs.values():
        if spec.id not in used:
            check_spec(spec)
            diagnostics.warn(
                f"chart '{spec.id}' is never placed in the text",
                spec.pos,
                f"place it with ![](chart:{spec.id}) or delete the spec",
            )


def build(options: BuildOptions, renderer: Renderer | None = None, progress: Progress = _quiet) -> BuildResult:
    """Build one report PDF. Raises :class:`PublisherError` for user mistakes."""
    started = time.perf_counter()
    diagnostics = Diagnostics()
    if not harfbuzz_subset_available():
        diagnostics.warn("fonts will be subset with fontTools, about 10x slower", hint=SLOW_SUBSET_HINT)
    progress("source")
    source = load_source(options.project)
    theme_name = options.theme or source.meta.theme
    theme = load_theme(theme_name, source.root)
    progress("model")
    doc = build_model(source, diagnostics)
    progress("charts")
    cache = ChartCache(source.root / "out" / ".cache" / "charts" if options.cache else None)
    resolve_charts(doc, theme, diagnostics, cache)
    progress("html")
    html = render_html(doc, theme)
    out = output_path(options, source.root, doc.meta.name)
    if options.strict and diagnostics.warnings:
        first = diagnostics.warnings[0]
        raise PublisherError(f"{first.message} (--strict)", first.pos, first.hint)
    progress("pdf")
    renderer = renderer or Renderer()
    result = renderer.render(
        html,
        base_url=source.root,
        roots=[source.root, STYLES_DIR, FONTS_DIR],
        diagnostics=diagnostics,
        options={"pdf_tags": False},
    )
    if options.strict and diagnostics.warnings:
        first = diagnostics.warnings[0]
        raise PublisherError(f"{first.message} (--strict)", first.pos, first.hint)
    progress("write")
    write_atomic(out, result.pdf)
    return BuildResult(out, result.pages, time.perf_counter() - started, doc, diagnostics, cache.misses)
