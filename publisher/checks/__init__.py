"""Checks a theme registers: rules measured on the built output (``publisher check``).

A theme names its checks in its ``theme.yaml`` (``checks: [gbt9704]``); each
name here maps to a function that measures a built PDF and returns one
:class:`Rule` per requirement. The theme's own files say which checks apply,
so the command line knows no theme by name.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Rule:
    """One requirement and what the output shows."""

    name: str
    expected: str
    measured: str
    ok: bool


@dataclass(frozen=True)
class Subject:
    """What a check measures: a build of the report, and the theme it was built with."""

    pdf: Path
    tokens: dict[str, Any]
    """The theme's tokens."""
    lang: str
    """The report's language."""
    allow_substitute_fonts: bool = False
    """Pass a role set in an open substitute face (``--allow-substitute-fonts``)."""


@dataclass(frozen=True)
class Check:
    """A registered check."""

    name: str
    title: str
    """What it checks, as printed: ``GB/T 9704-2012``."""
    function: str
    """``module:function`` taking a :class:`Subject` and returning its :class:`Rule` list."""

    def run(self, subject: Subject) -> list[Rule]:
        """Measure ``subject``."""
        module, _, name = self.function.partition(":")
        measure: Callable[[Subject], list[Rule]] = getattr(importlib.import_module(module), name)
        return measure(subject)


CHECKS: dict[str, Check] = {
    "gbt9704": Check("gbt9704", "GB/T 9704-2012", "publisher.checks.gbt9704:check"),
}
"""The checks a theme may name."""
