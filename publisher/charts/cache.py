"""A disk cache of drawn charts, keyed by everything that changes the drawing.

The key hashes the spec's fields, the chart style (tokens), the font files
(size and modification time), the chart code and the versions of the
publisher and matplotlib, so an unchanged chart is never drawn again and a changed one
always is.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem
from ..files import write_atomic
from .kind import ChartStyle, Drawing
from .spec import ChartSpec

_EXTENSIONS = {"svg": ".svg", "html": ".html"}


def _spec_fields(spec: ChartSpec) -> dict[str, Any]:
    """What of a spec goes into its drawing: all but where it was written (its data with the rest)."""
    fields = dataclasses.asdict(dataclasses.replace(spec, yaml=None, numbers=[]))
    for name in ("pos", "yaml", "numbers"):
        fields.pop(name, None)
    return fields


@functools.cache
def _matplotlib_version() -> str:
    """matplotlib's version without importing it (0.15 s) when every chart is cached."""
    from importlib.metadata import version

    return version("matplotlib")


@functools.cache
def _code_hash() -> str:
    """A hash of the chart code itself: a changed kind must not reuse old drawings."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def chart_key(spec: ChartSpec, style: ChartStyle) -> str:
    """A hash of all that goes into drawing ``spec`` with ``style``."""
    from ..data import VERSION

    fonts = []
    for path in style.font_files:
        stat = path.stat()
        fonts.append([path.name, stat.st_size, stat.st_mtime_ns])
    payload = {
        "spec": _spec_fields(spec),
        "style": dataclasses.asdict(style) | {"font_files": fonts},
        "publisher": VERSION,
        "code": _code_hash(),
        "matplotlib": _matplotlib_version(),
    }
    blob = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:32]


class ChartCache:
    """Drawn charts on disk; counts hits and misses."""

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def get(self, key: str, png: bool = False) -> Drawing | None:
        """The drawing stored under ``key`` (with its PNG when ``png``), or ``None``."""
        if self.folder is not None:
            for kind, ext in _EXTENSIONS.items():
                path = self.folder / f"{key}{ext}"
                try:
                    markup = path.read_text(encoding="utf-8")
                    raster = (self.folder / f"{key}.png").read_bytes() if png and kind == "svg" else b""
                except OSError:
                    continue
                self.hits += 1
                return Drawing(kind, markup, raster)
        self.misses += 1
        return None

    def put(self, key: str, rendered: Drawing) -> None:
        if self.folder is None:
            return
        try:
            if rendered.png:
                write_atomic(self.folder / f"{key}.png", rendered.png, durable=False)
            write_atomic(self.folder / f"{key}{_EXTENSIONS[rendered.kind]}", rendered.markup.encode(), durable=False)
        except EnvironmentProblem:
            pass  # a cache that cannot be written only costs time
