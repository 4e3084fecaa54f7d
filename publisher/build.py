"""The orchestrator: source → model → charts → html → pdf.

:func:`prepare` runs everything that can fail on the user's input (reading,
parsing, chart specs, the figures cross-check); :func:`build` then draws the
charts and typesets. Everything is passed as arguments, so one process can
build many projects, many times.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import charts
from .charts.cache import ChartCache, chart_key
from .charts.check import check_spec
from .charts.crosscheck import cross_check, stated_numbers
from .errors import Diagnostics, Pos, PublisherError, did_you_mean
from .fonts import document_faces, font_face_css, font_roots, publisher_faces, region
from .fonts import roles as font_roles
from .fontstore import install_command
from .html import FONT_FACES_MARK, render_html
from .model import Document
from .parse import build_model
from .pdf import SLOW_SUBSET_HINT, Renderer, harfbuzz_subset_available, write_atomic
from .resources import resolve_images
from .source import Source, load_source
from .theme import FONTS_DIR, STYLES_DIR, Theme, load_theme
from .typeset.glyphs import check_glyphs


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
    allow_remote: bool = False
    """Let the report load ``http(s)`` resources (off: only project files)."""
    extra_css: list[str] = field(default_factory=list)
    """CSS added after the theme's (an edition's page setup, bleed, marks)."""
    pdf_options: dict[str, Any] = field(default_factory=dict)
    """Options passed to WeasyPrint's ``write_pdf`` (pdf_variant, attachments, …)."""
    postprocess: Callable[[bytes], bytes] | None = None
    """Turns the rendered PDF into the one written (e.g. booklet imposition)."""
    output_name: str | None = None
    """File name (without ``.pdf``) instead of the front matter's ``name``."""
    allow_missing_glyphs: bool = False
    """Warn instead of failing when a character is in no font of its role."""
    paper: str | None = None
    """Typeset on this paper (``A4``/``A5``) instead of the front matter's (an edition's booklet)."""


@dataclass
class Prepared:
    """A project read, parsed and checked: everything but drawing and typesetting."""

    source: Source
    theme: Theme
    document: Document
    specs: dict[str, charts.ChartSpec]
    diagnostics: Diagnostics
    numbers_checked: int = 0
    """Chart numbers compared with the text."""


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
    name = options.output_name or name
    if options.output is None:
        return root / "out" / f"{name}.pdf"
    if options.output.suffix.lower() == ".pdf":
        return options.output
    return options.output / f"{name}.pdf"


def _fail_if_strict(options: BuildOptions, diagnostics: Diagnostics) -> None:
    if options.strict and diagnostics.warnings:
        first = diagnostics.warnings[0]
        raise PublisherError(f"{first.message} (--strict)", first.pos, first.hint)


def prepare(options: BuildOptions, diagnostics: Diagnostics | None = None, progress: Progress = _quiet) -> Prepared:
    """Read, parse and check the project; raises :class:`PublisherError` on the first error."""
    diagnostics = diagnostics if diagnostics is not None else Diagnostics()
    progress("source")
    source = load_source(options.project)
    if options.paper is not None:
        if options.paper not in ("A4", "A5"):
            raise PublisherError(f"unknown paper '{options.paper}'", hint="valid: A4, A5")
        source.meta = dataclasses.replace(source.meta, paper=options.paper)
    theme = load_theme(options.theme or source.meta.theme, source.root)
    progress("model")
    doc = build_model(source, diagnostics)
    resolve_images(doc, options.allow_remote)
    progress("chart specs")
    specs = charts.load_specs(doc.root, set(charts.registry()))
    for spec in specs.values():
        check_spec(spec)
    for figure in doc.figures():
        found = specs.get(figure.chart_id)
        if found is None:
            raise PublisherError(
                f"no chart with id '{figure.chart_id}'",
                figure.pos,
                did_you_mean(figure.chart_id, specs) or "add a spec under source/charts/",
            )
        figure.chart = found
    placed = {figure.chart_id for figure in doc.figures()}
    for spec in specs.values():
        if spec.id not in placed:
            diagnostics.warn(
                f"chart '{spec.id}' is never placed in the text",
                spec.pos,
                f"place it with ![](chart:{spec.id}) or delete the spec",
            )
    check_glyphs(doc, source, font_roles(theme.tokens, doc.meta.lang), diagnostics, options.allow_missing_glyphs)
    if region(doc.meta.lang) != "SC" and not publisher_faces(doc.meta.lang)["Publisher Serif"][0].stored:
        diagnostics.warn(
            f"{doc.meta.lang} text is set in the Simplified Chinese faces (their punctuation sits in the corner)",
            hint=f"`{install_command()}` installs the Traditional Chinese and Hong Kong faces",
        )
    stated = stated_numbers(source.body, Pos(source.main.path), source.body_line)
    checked = cross_check(list(specs.values()), stated, diagnostics)
    return Prepared(source, theme, doc, specs, diagnostics, checked)


def draw_charts(prepared: Prepared, cache: ChartCache) -> None:
    """Draw every placed chart, or take it from ``cache``."""
    meta = prepared.document.meta
    style = prepared.theme.chart_style(meta.paper, meta.lang)
    for figure in prepared.document.figures():
        key = chart_key(figure.chart, style)
        rendered = cache.get(key)
        if rendered is None:
            rendered = charts.render(figure.chart, style)
            cache.put(key, rendered)
        figure.rendered = rendered


def _with_fonts(html: str, prepared: Prepared, cache: Path | None, retain_gids: bool) -> tuple[str, str]:
    """Put the ``@font-face`` rules of the faces this report uses into its HTML.

    Returns the HTML and a key naming the font files it uses.

    Loading and subsetting a 6 MB CJK font costs WeasyPrint far more than a font
    of the few hundred characters a report uses, so every face is cut down to
    the report's characters (cached, so a rebuild after an edit that adds no
    new character reuses them); a face of the font store is used only when it
    draws a character the bundled ones lack.
    """
    chars = set(html)
    for figure in prepared.document.figures():
        if figure.rendered is not None:
            chars |= set(figure.rendered.markup)
    fonts = prepared.theme.tokens.get("fonts", {})
    chains = [[str(f) for f in families] for families in fonts.values()]
    used = document_faces(chars, prepared.document.meta.lang, chains, cache, retain_gids)
    html = html.replace(FONT_FACES_MARK, font_face_css(used), 1)
    return html, "|".join(sorted(str(path) for _, path in used))


def build(options: BuildOptions, renderer: Renderer | None = None, progress: Progress = _quiet) -> BuildResult:
    """Build one report PDF. Raises :class:`PublisherError` for user mistakes."""
    started = time.perf_counter()
    diagnostics = Diagnostics()
    if not harfbuzz_subset_available():
        diagnostics.warn("fonts will be subset with fontTools, about 10x slower", hint=SLOW_SUBSET_HINT)
    prepared = prepare(options, diagnostics, progress)
    _fail_if_strict(options, diagnostics)
    progress("charts")
    root = prepared.source.root
    cache = ChartCache(root / "out" / ".cache" / "charts" if options.cache else None)
    draw_charts(prepared, cache)
    progress("html")
    html = render_html(prepared.document, prepared.theme, extra_css=options.extra_css, fonts_css=FONT_FACES_MARK)
    standard = str(options.pdf_options.get("pdf_variant") or "").startswith(("pdf/a", "pdf/ua", "pdf/x"))
    font_cache = root / "out" / ".cache" / "fonts" if options.cache else None
    html, fonts_key = _with_fonts(html, prepared, font_cache, standard)
    out = output_path(options, root, prepared.document.meta.name)
    progress("pdf")
    renderer = renderer or Renderer()
    result = renderer.render(
        html,
        base_url=root,
        roots=[root, STYLES_DIR, FONTS_DIR, *font_roots()],
        diagnostics=diagnostics,
        allow_remote=options.allow_remote,
        options={"pdf_tags": False, **options.pdf_options},
        fonts_key=fonts_key,
    )
    _fail_if_strict(options, diagnostics)
    progress("write")
    pdf = options.postprocess(result.pdf) if options.postprocess else result.pdf
    write_atomic(out, pdf)
    seconds = time.perf_counter() - started
    return BuildResult(out, result.pages, seconds, prepared.document, diagnostics, cache.misses)
