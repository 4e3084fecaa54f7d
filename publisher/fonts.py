"""Font roles: which families draw which text, the files behind them, and their glyphs.

A theme names, for each role (``body``, ``heading``, ``kai``, ``title``,
``figure`` …), a list of families tried in order (``tokens.yaml``, key
``fonts``). The bundled ``Publisher …`` families are always available; a
system family (``FangSong``, ``仿宋_GB2312`` …) is used when fontconfig finds
exactly that family on the machine. The glyph check runs on the same chain
WeasyPrint will use, so no character is ever drawn as tofu.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .theme import FONT_ROLES, FONTS_DIR

BUNDLED: dict[str, Path] = {}
"""Bundled family → its regular file."""
for _family, _filename in FONT_ROLES.values():
    if "Bold" not in _filename:
        BUNDLED.setdefault(_family, FONTS_DIR / _filename)


@dataclass(frozen=True)
class RoleFont:
    """One family of a role's chain, and the file that serves it here (``None``: not installed)."""

    family: str
    path: Path | None

    @property
    def bundled(self) -> bool:
        return self.family in BUNDLED


@functools.cache
def system_font(family: str) -> Path | None:
    """The file of ``family`` if fontconfig has exactly that family, else ``None``."""
    if shutil.which("fc-match") is None:
        return None
    try:
        out = subprocess.run(
            ["fc-match", "-f", "%{family}\\n%{file}", family], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    names, _, file = out.partition("\n")
    if family.casefold() in (n.strip().casefold() for n in names.split(",")) and file:
        return Path(file.strip())
    return None


def chain(families: list[str]) -> list[RoleFont]:
    """Resolve a role's families in order."""
    return [RoleFont(f, BUNDLED.get(f) or system_font(f)) for f in families]


def roles(tokens: dict[str, object]) -> dict[str, list[RoleFont]]:
    """Every role of a theme's tokens, resolved."""
    fonts = tokens.get("fonts", {})
    assert isinstance(fonts, dict)
    return {str(role): chain([str(f) for f in families]) for role, families in fonts.items()}


@functools.cache
def _cmap(path: Path, mtime: float) -> frozenset[int]:
    """The code points a font maps, read with HarfBuzz (fast) or fontTools."""
    codepoints = _harfbuzz_unicodes(path)
    if codepoints is not None:
        return codepoints
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=0, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def _harfbuzz_unicodes(path: Path) -> frozenset[int] | None:
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("harfbuzz")
    if name is None:
        return None
    hb = ctypes.CDLL(name)
    if not hasattr(hb, "hb_set_next_many"):  # HarfBuzz < 4.2
        return None
    hb.hb_blob_create_from_file.restype = ctypes.c_void_p
    hb.hb_blob_create_from_file.argtypes = [ctypes.c_char_p]
    hb.hb_face_create.restype = ctypes.c_void_p
    hb.hb_face_create.argtypes = [ctypes.c_void_p, ctypes.c_uint]
    hb.hb_set_create.restype = ctypes.c_void_p
    hb.hb_face_collect_unicodes.argtypes = [ctypes.c_void_p, ctypes.c_void_p]
    hb.hb_set_next_many.restype = ctypes.c_uint
    hb.hb_set_next_many.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.POINTER(ctypes.c_uint32), ctypes.c_uint]
    hb.hb_set_get_population.restype = ctypes.c_uint
    hb.hb_set_get_population.argtypes = [ctypes.c_void_p]
    for func in ("hb_blob_destroy", "hb_face_destroy", "hb_set_destroy"):
        getattr(hb, func).argtypes = [ctypes.c_void_p]
    blob = hb.hb_blob_create_from_file(str(path).encode())
    face = hb.hb_face_create(blob, 0)
    unicodes = hb.hb_set_create()
    try:
        hb.hb_face_collect_unicodes(face, unicodes)
        count = hb.hb_set_get_population(unicodes)
        buffer = (ctypes.c_uint32 * max(count, 1))()
        got = hb.hb_set_next_many(unicodes, 0xFFFFFFFF, buffer, count)
        return frozenset(buffer[:got])
    finally:
        hb.hb_set_destroy(unicodes)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)


def covers(path: Path, char: str) -> bool:
    """Whether the font file has a glyph for ``char``."""
    return ord(char) in _cmap(path, path.stat().st_mtime)
