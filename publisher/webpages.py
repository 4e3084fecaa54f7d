"""Pages the publisher shows a person in a browser: the change report and the live preview.

Their markup is in Jinja2 templates beside this module (``publisher/templates/``,
package data), rendered with autoescaping on: every value from a PDF, a path or
an error message is text, never markup.
"""

from __future__ import annotations

import functools
from typing import Any

import jinja2

TEMPLATE_OPTIONS: dict[str, Any] = {
    "autoescape": True,
    "undefined": jinja2.StrictUndefined,
    "trim_blocks": True,
    "lstrip_blocks": True,
    "keep_trailing_newline": True,
}
"""How the publisher's templates are read: its own web pages' here, and the document's (:mod:`publisher.html`)."""


def clip(text: str, limit: int) -> str:
    """``text``, cut to ``limit`` characters with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("publisher", "templates"), **TEMPLATE_OPTIONS)
    env.filters["clip"] = clip
    return env


def render(template: str, **context: Any) -> str:
    """The page ``template`` (a name in ``publisher/templates/``) with ``context``."""
    return _environment().get_template(template).render(**context)
