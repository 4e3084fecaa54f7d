"""Stage 4, html: document model and drawn charts → one HTML document, through the theme's Jinja2 templates.

The result, :class:`Rendered`, is what every output writer takes
(:class:`~publisher.output.Writer`). The HTML has no ``@font-face`` rules:
which faces a document needs, and which file serves each (a bundled face, a
subset cut down to the report's characters), depends on its characters and
is the writer's business (it gives them to the engine as a stylesheet of
their own).
"""

from __future__ import annotations

import base64
import dataclasses
import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache
from jinja2.exceptions import SecurityError
from jinja2.loaders import split_template_path
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup

from . import model
from .charts import ChartSpec, Drawing, Templates
from .charts.numbers import format_number
from .editions import Edition
from .errors import Pos, PublisherError
from .files import user_cache
from .i18n import labels
from .theme import Theme
from .typeset.markup import keep_last_two, spaced_plain, typeset
from .units import four_sides
from .webpages import TEMPLATE_OPTIONS


@dataclass(frozen=True)
class Rendered:
    """The report as one HTML document, and what an output writer needs besides."""

    html: str
    document: model.Document
    """The model the HTML was made from (for writers that do not read HTML, and for metadata)."""
    specs: Mapping[str, ChartSpec]
    drawings: Mapping[str, Drawing]
    """The drawing of each chart placed in the text, by chart id."""
    root: Path
    """The project folder: relative addresses are resolved against it."""
    resources: tuple[Path, ...]
    """The folders whose files the document may load (the project, the themes)."""
    characters: frozenset[str]
    """Every character the document may print (its HTML and its drawings): what a font subset must keep."""
    fonts: Mapping[str, list[str]]
    """The theme's font roles: the families tried in order for each."""
    images: Mapping[str, str] = dataclasses.field(default_factory=dict)
    """The address to load for each image of the text (a ``file:`` URI, or ``http(s)`` if allowed), by its
    address as written."""
    tokens: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    """The theme's design tokens (a writer that does not read the CSS reads them: the document grid …)."""
    edition: Edition | None = None
    date: datetime | None = None
    """The date of the document (``SOURCE_DATE_EPOCH``, else the front matter's), for editions that record one."""


def _node_type(node: Any) -> str:
    return type(node).__name__


def landscape_margin(margin: str) -> str:
    """A page's margins (CSS shorthand) for the page turned a quarter anticlockwise: the landscape page's top
    is the portrait page's left (the binding edge of a right-hand page, GB/T 9704 10.2), its right the top."""
    top, right, bottom, left = four_sides(str(margin).split())
    return f"{left} {top} {right} {bottom}"


def decimal_parts(text: str) -> tuple[str, str]:
    """A number split at its decimal point: ``("1,234", ".50")``; ``(text, "")`` without one."""
    point = text.find(".")
    return (text, "") if point < 0 else (text[:point], text[point:])


def svg_data_uri(svg: str) -> str:
    """An SVG drawing as a ``data:`` URI, so WeasyPrint draws it as an image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


@jinja2.pass_context
def _spaced_in_context(context: jinja2.runtime.Context, text: str) -> str:
    """The ``spaced`` filter: plain text with the report's Chinese–Western spacing as U+2005 (for running
    heads, which CSS makes from an attribute)."""
    meta = context["meta"]
    return spaced_plain(text, meta.lang) if meta.autospace else text


@jinja2.pass_context
def _typeset_in_context(context: jinja2.runtime.Context, text: str) -> Markup:
    """The ``typeset`` filter, with the report's language and options from the template's ``meta``."""
    meta = context["meta"]
    compress = model.uses_compression(meta)
    if not meta.autospace and not compress:
        return Markup.escape(text)
    return typeset(text, meta.lang, compress=compress, autospace=meta.autospace)


def environment(theme: Theme) -> jinja2.Environment:
    """A Jinja2 environment over the theme's search path, autoescaping on.

    Templates are data, not code: when a theme has a folder outside the
    publisher's own (a project's ``styles/``), its templates run in Jinja's
    :class:`~jinja2.sandbox.SandboxedEnvironment`, which refuses
    ``__``-attributes, unsafe functions and huge ranges; and they are read
    through the path policy (inside the project, regular files).
    Environments are kept (by search path), so a warm rebuild does not compile
    the templates again; Jinja reloads a template whose file changed.
    """
    project = str(theme.project) if theme.project is not None else None
    return _environment(tuple(str(d / "templates") for d in theme.dirs), project, not theme.trusted())


class _ThemeLoader(jinja2.BaseLoader):
    """Templates from the theme's folders, most specific first, each read through the path policy."""

    def __init__(self, search_path: tuple[str, ...], project: Path | None):
        self.search_path = [Path(folder) for folder in search_path]
        self.project = project

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        from .theme import read_theme_file

        pieces = split_template_path(template)
        for folder in self.search_path:
            path = folder.joinpath(*pieces)
            if not path.is_file():
                continue
            text = read_theme_file(path, self.project)
            stamp = _mtime(path)
            return text, str(path), functools.partial(_unchanged, path, stamp)
        raise jinja2.TemplateNotFound(template)


def _unchanged(path: Path, stamp: float) -> bool:
    return _mtime(path) == stamp


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return -1.0


class _BytecodeCache(jinja2.FileSystemBytecodeCache):
    """Compiled templates of the publisher's own themes, kept between processes (a cold build compiled
    them every time: about 0.1 s). A cache that cannot be read or written is no cache, never an error."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, EOFError, ValueError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().dump_bytecode(bucket)
        except OSError:
            pass


def template_cache_dir() -> Path:
    """Where compiled templates of the built-in themes are kept: ``$XDG_CACHE_HOME/publisher/templates``."""
    return user_cache("templates")


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """The cache for trusted templates, or ``None`` where the folder cannot be made.

    Only the publisher's own themes use it: a project's templates (sandboxed) are compiled from their
    source every time, so nothing that travels with a project is ever loaded as code. The folder is the
    user's own (mode 0700), like Python's ``__pycache__``; Jinja checks each entry against its template's
    source, so an edited template is compiled again."""
    folder = template_cache_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError:
        return None
    return _BytecodeCache(str(folder))


@functools.lru_cache(maxsize=16)
def _environment(search_path: tuple[str, ...], project: str | None, sandboxed: bool) -> jinja2.Environment:
    kind = SandboxedEnvironment if sandboxed else jinja2.Environment
    env = kind(
        loader=_ThemeLoader(search_path, None if project is None else Path(project)),
        bytecode_cache=None if sandboxed else _bytecode_cache(),
        **TEMPLATE_OPTIONS,
    )
    env.filters["node_type"] = _node_type
    env.filters["plain"] = model.plain_text
    env.filters["svg_data_uri"] = svg_data_uri
    env.filters["typeset"] = _typeset_in_context
    env.filters["keep_last_two"] = keep_last_two
    env.filters["spaced"] = _spaced_in_context
    env.filters["number"] = format_number
    env.filters["decimal_parts"] = decimal_parts
    env.filters["landscape_margin"] = landscape_margin
    env.filters["bare"] = lambda text: str(text).rstrip("。．.，,；;：:！!？?")
    return env


def chart_templates(theme: Theme) -> Templates:
    """Renders the theme's chart templates (``charts/NAME.html.j2``): how HTML chart kinds are drawn."""
    env = environment(theme)

    def render(name: str, context: Mapping[str, object]) -> str:
        return env.get_template(name).render(context)

    return render


def render_html(
    doc: model.Document,
    theme: Theme,
    specs: Mapping[str, ChartSpec] | None = None,
    drawings: Mapping[str, Drawing] | None = None,
    images: Mapping[str, str] | None = None,
    paper: str | None = None,
    edition: Edition | None = None,
) -> str:
    """The whole report as HTML: the model through the theme's ``report.html.j2``.

    ``specs`` and ``drawings`` are the charts by id, ``images`` the address
    to load for each image as written in the source, ``paper`` the paper to
    typeset on (default the front matter's), ``edition`` adds the edition's
    CSS (the theme's ``edition.html.j2``).
    """
    try:
        return _render(doc, theme, specs, drawings, images, paper, edition)
    except jinja2.TemplateError as exc:
        raise template_error(exc, theme) from None


def template_error(exc: jinja2.TemplateError, theme: Theme) -> PublisherError:
    """A template's mistake (or a sandbox refusal) as a user error at the template's line."""
    from .theme import STYLES_DIR

    where: Pos | None = None
    if isinstance(exc, jinja2.TemplateSyntaxError) and exc.filename:
        where = Pos(Path(exc.filename), exc.lineno or 1)
    else:
        folders = tuple(str(d / "templates") for d in theme.dirs)
        trace = exc.__traceback__
        while trace is not None:  # the innermost frame of a template file (Jinja keeps their names and lines)
            name = trace.tb_frame.f_code.co_filename
            if name.startswith(folders):
                where = Pos(Path(name), trace.tb_lineno)
            trace = trace.tb_next
    if where is not None:
        root = theme.project if theme.project is not None and where.path.is_relative_to(theme.project) else None
        base = root if root is not None else STYLES_DIR
        where = Pos(where.path.relative_to(base) if where.path.is_relative_to(base) else where.path, where.line)
    unsafe = isinstance(exc, SecurityError)
    return PublisherError(
        f"template: {'refused: ' if unsafe else ''}{exc.message or type(exc).__name__}",
        where,
        "templates are data: they may show the report's values, not reach Python (see README, Security)"
        if unsafe
        else "see the templates of the publisher's themes (styles/base/templates) for what a template may use",
    )


def _render(
    doc: model.Document,
    theme: Theme,
    specs: Mapping[str, ChartSpec] | None,
    drawings: Mapping[str, Drawing] | None,
    images: Mapping[str, str] | None,
    paper: str | None,
    edition: Edition | None,
) -> str:
    template = environment(theme).get_template("report.html.j2")
    toc = [h for h in doc.headings() if h.level <= doc.meta.toc_levels and not h.appendix]
    words = labels(doc.meta.lang)
    continued = theme.captions.continued or words["continued"]
    return template.render(
        continued=lambda label: continued.format(label=label),
        appendices=doc.appendices(),
        figure_list=_figure_list(doc, specs or {}) if doc.meta.figure_list else [],
        doc=doc,
        meta=doc.meta,
        toc=toc,
        footnotes=doc.footnotes,
        charts=specs or {},
        drawings=drawings or {},
        images=images or {},
        tokens_css=theme.css_variables(),
        stylesheets=[Path(p).as_uri() for p in theme.css_files()],
        paper=paper or doc.meta.paper,
        tokens=theme.tokens,
        labels=words,
        edition=edition,
        output_profile=(doc.root / edition.output_profile).resolve().as_uri()
        if edition is not None and edition.output_profile
        else "",
    )


def _figure_list(doc: model.Document, specs: Mapping[str, ChartSpec]) -> list[tuple[str, str, str]]:
    """The entries of the list of figures and tables: (anchor, label, caption), figures first."""
    figures = [
        (f"fig-{f.number}", f.label, specs[f.chart_id].caption_text if f.chart_id in specs else f.chart_id)
        for f in doc.figures()
        if f.label
    ]
    tables = [(f"tbl-{t.number}", t.label, model.plain_text(t.caption)) for t in doc.tables() if t.label]
    return figures + tables
