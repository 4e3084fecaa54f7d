"""Stage 4, html: document model → one HTML string through the theme's Jinja2 templates."""

from __future__ import annotations

import base64
import functools
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from . import model
from .i18n import labels
from .theme import Theme
from .typeset.markup import keep_last_two, typeset


def _node_type(node: Any) -> str:
    return type(node).__name__


def svg_data_uri(svg: str) -> str:
    """An SVG drawing as a ``data:`` URI, so WeasyPrint draws it as an image."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")


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

    Environments are kept (by search path), so a warm rebuild does not compile
    the templates again; Jinja reloads a template whose file changed.
    """
    return _environment(tuple(str(d / "templates") for d in theme.dirs))


@functools.lru_cache(maxsize=16)
def _environment(search_path: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(search_path)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["node_type"] = _node_type
    env.filters["plain"] = model.plain_text
    env.filters["svg_data_uri"] = svg_data_uri
    env.filters["typeset"] = _typeset_in_context
    env.filters["keep_last_two"] = keep_last_two
    return env


FONT_FACES_MARK = "/* @font-face rules of the report's fonts */"
"""Where :func:`render_html` puts the ``@font-face`` rules when it is given none: the build puts them there."""


def font_faces(lang: str = "zh-CN") -> str:
    """``@font-face`` rules for the bundled fonts, whole (one face per file, never a collection)."""
    from .fonts import Face, font_face_css, publisher_faces

    faces: list[tuple[Face, Path]] = [
        (face, face.path) for faces in publisher_faces(lang).values() for face in faces if not face.stored
    ]
    return font_face_css(faces)


def render_html(
    doc: model.Document,
    theme: Theme,
    env: jinja2.Environment | None = None,
    extra_css: list[str] | None = None,
    fonts_css: str | None = None,
) -> str:
    """The whole report as HTML for WeasyPrint."""
    env = env or environment(theme)
    template = env.get_template("report.html.j2")
    toc = [h for h in doc.headings() if h.level <= doc.meta.toc_levels]
    return template.render(
        doc=doc,
        meta=doc.meta,
        toc=toc,
        footnotes=doc.footnotes,
        fonts_css=font_faces(doc.meta.lang) if fonts_css is None else fonts_css,
        tokens_css=theme.css_variables(),
        stylesheets=[Path(p).as_uri() for p in theme.css_files()],
        paper=doc.meta.paper,
        tokens=theme.tokens,
        labels=labels(doc.meta.lang),
        extra_css=extra_css or [],
    )
