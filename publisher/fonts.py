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
from typing import Any

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


# ------------------------------------------------------------- pre-subsetting

ALWAYS = "".join(chr(c) for c in (*range(0x20, 0x7F), *range(0x2000, 0x2070), *range(0x3000, 0x3040))) + "▲▼●•◦▪■□"
"""Characters kept in every subset: what the page furniture, lists and hyphenation may add."""


def _hb_subset() -> object | None:
    import ctypes
    import ctypes.util

    names = [ctypes.util.find_library("harfbuzz-subset"), "libharfbuzz-subset.so.0"]
    for name in names:
        if not name:
            continue
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def subset_file(source: Path, chars: set[str], target: Path, retain_gids: bool = False) -> bool:
    """Write ``source`` cut down to ``chars`` (all layout features kept) to ``target``; False if unavailable.

    ``retain_gids`` keeps every glyph at its id. The bundled CID-keyed CFF fonts
    have CID == glyph id, which PDF/A validators check; a renumbered subset
    draws and extracts the same but does not pass them, and a retained one is
    slower for WeasyPrint to load. So it is for PDF/A (and /UA, /X) editions.
    """
    import ctypes

    hb: Any = _hb_subset()
    if hb is None:
        return False
    p = ctypes.c_void_p
    hb.hb_blob_create_from_file.restype = p
    hb.hb_blob_create_from_file.argtypes = [ctypes.c_char_p]
    hb.hb_face_create.restype = p
    hb.hb_face_create.argtypes = [p, ctypes.c_uint]
    hb.hb_subset_input_create_or_fail.restype = p
    hb.hb_subset_input_unicode_set.restype = p
    hb.hb_subset_input_unicode_set.argtypes = [p]
    hb.hb_subset_input_set.restype = p
    hb.hb_subset_input_set.argtypes = [p, ctypes.c_int]
    hb.hb_subset_input_set_flags.argtypes = [p, ctypes.c_uint]
    hb.hb_set_add.argtypes = [p, ctypes.c_uint32]
    hb.hb_set_clear.argtypes = [p]
    hb.hb_set_invert.argtypes = [p]
    hb.hb_subset_or_fail.restype = p
    hb.hb_subset_or_fail.argtypes = [p, p]
    hb.hb_face_reference_blob.restype = p
    hb.hb_face_reference_blob.argtypes = [p]
    hb.hb_blob_get_data.restype = ctypes.POINTER(ctypes.c_char)
    hb.hb_blob_get_data.argtypes = [p, ctypes.POINTER(ctypes.c_uint)]
    for name in ("hb_blob_destroy", "hb_face_destroy", "hb_subset_input_destroy"):
        getattr(hb, name).argtypes = [p]
    blob = hb.hb_blob_create_from_file(str(source).encode())
    face = hb.hb_face_create(blob, 0)
    request = hb.hb_subset_input_create_or_fail()
    try:
        unicodes = hb.hb_subset_input_unicode_set(request)
        for char in chars | set(ALWAYS):
            hb.hb_set_add(unicodes, ord(char))
        for which in (4, 5, 6, 7):  # name ids, name languages, layout features, layout scripts: keep all
            keep = hb.hb_subset_input_set(request, which)
            hb.hb_set_clear(keep)
            hb.hb_set_invert(keep)
        # no hinting, keep the .notdef outline (and glyph ids if asked)
        hb.hb_subset_input_set_flags(request, 0x1 | 0x40 | (0x2 if retain_gids else 0))
        result = hb.hb_subset_or_fail(face, request)
        if not result:
            return False
        out_blob = hb.hb_face_reference_blob(result)
        length = ctypes.c_uint()
        data = hb.hb_blob_get_data(out_blob, ctypes.byref(length))
        payload = ctypes.string_at(data, length.value)
        hb.hb_blob_destroy(out_blob)
        hb.hb_face_destroy(result)
    finally:
        hb.hb_subset_input_destroy(request)
        hb.hb_face_destroy(face)
        hb.hb_blob_destroy(blob)
    if not payload:
        return False
    import os
    import tempfile

    try:  # a unique temporary name: two builds may make the same subset at once
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, suffix=".part")
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
        os.replace(tmp, target)
    except OSError:
        return False  # an unwritable cache only costs time: the full font is used
    return True


def document_fonts(chars: set[str], cache: Path | None, retain_gids: bool = False) -> dict[str, Path]:
    """Bundled font file name → the file to use: a subset to ``chars`` in ``cache``, or the full font."""
    import hashlib

    files = {filename: FONTS_DIR / filename for _, filename in FONT_ROLES.values()}
    if cache is None:
        return files
    wanted = "".join(sorted(chars | set(ALWAYS)))
    used: dict[str, Path] = {}
    for filename, path in files.items():
        stat = path.stat()
        spec = f"{filename}|{stat.st_size}|{stat.st_mtime_ns}|{retain_gids}|{wanted}"
        key = hashlib.sha256(spec.encode()).hexdigest()[:24]
        target = cache / key / filename
        if target.is_file() or subset_file(path, set(wanted), target, retain_gids):
            used[filename] = target
        else:
            used[filename] = path
    return used
