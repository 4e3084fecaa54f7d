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
import re
from pathlib import Path
from typing import Any

from ..errors import EnvironmentProblem, PublisherError
from ..files import get_verified, put_verified
from .kind import ChartStyle, Drawing
from .spec import ChartSpec


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
    for path in (*style.font_files, *(path for _, path, _ in style.font_fallbacks)):
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


MAX_ENTRY_BYTES = 16 * 1024 * 1024
SVG_ELEMENTS = frozenset(
    "svg defs g path rect circle ellipse line polyline polygon style text tspan use clipPath mask title desc "
    "linearGradient radialGradient stop".split()
)
"""What matplotlib's SVG is made of: a cached drawing with anything else (``a``, ``script``, ``image``,
``foreignObject``) is not one of ours."""
_SVG_NS = "{http://www.w3.org/2000/svg}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_FOREIGN_URL = re.compile(r"url\(\s*(?!['\"]?#)|@import|javascript:|expression\(", re.IGNORECASE)


def safe_svg(markup: str) -> bool:
    """Whether ``markup`` is an SVG drawing as the chart kinds make them: only drawing elements, no event
    attributes, no link or address but to its own parts (``#id``), no entity declarations."""
    import xml.etree.ElementTree as ElementTree

    if "<!" in markup or "<?" in markup or not markup.startswith("<svg"):
        return False
    try:
        root = ElementTree.fromstring(markup)
    except ElementTree.ParseError:
        return False
    for element in root.iter():
        if not isinstance(element.tag, str) or not element.tag.startswith(_SVG_NS):
            return False
        if element.tag[len(_SVG_NS) :] not in SVG_ELEMENTS:
            return False
        if element.text and _FOREIGN_URL.search(element.text):
            return False
        for name, value in element.attrib.items():
            local = name.rsplit("}", 1)[-1].lower()
            if local.startswith("on") or _FOREIGN_URL.search(value):
                return False
            if (local == "href" or name == _XLINK_HREF) and not value.startswith("#"):
                return False
    return True


class ChartCache:
    """Drawn charts on disk (SVG, and PNG for office documents), content-addressed and checked when read back.

    Only drawings are cached: HTML charts (KPI cards, tables) are made from the
    spec on every build, so nothing in the cache folder can put markup into the
    document; a cached SVG is used only if its hash matches and
    :func:`safe_svg` accepts it. Counts hits and misses.
    """

    def __init__(self, folder: Path | None):
        self.folder = folder
        self.hits = 0
        self.misses = 0

    def get(self, key: str, png: bool = False) -> Drawing | None:
        """The drawing stored under ``key`` (with its PNG when ``png``), or ``None``."""
        found = self._get(key, png) if self.folder is not None else None
        if found is None:
            self.misses += 1
        else:
            self.hits += 1
        return found

    def _get(self, key: str, png: bool) -> Drawing | None:
        assert self.folder is not None
        svg = get_verified(self.folder, key, ".svg", MAX_ENTRY_BYTES)
        if svg is None:
            return None
        try:
            markup = svg[1].decode("utf-8")
        except UnicodeDecodeError:
            return None
        if not safe_svg(markup):
            return None
        raster = b""
        if png:
            found = get_verified(self.folder, key, ".png", MAX_ENTRY_BYTES)
            if found is None or not found[1].startswith(b"\x89PNG\r\n\x1a\n"):
                return None
            raster = found[1]
        return Drawing("svg", markup, raster)

    def put(self, key: str, rendered: Drawing) -> None:
        """Keep a drawn chart (HTML charts are not kept: they cost nothing to make)."""
        if self.folder is None or rendered.kind != "svg":
            return
        try:
            if rendered.png:
                put_verified(self.folder, key, ".png", rendered.png)
            put_verified(self.folder, key, ".svg", rendered.markup.encode())
        except (EnvironmentProblem, PublisherError):
            pass  # a cache that cannot be written only costs time
