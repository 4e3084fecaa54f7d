"""Font roles: which families draw which text, the files behind them, and their glyphs.

A theme names, for each role (``body``, ``heading``, ``kai``, ``title``,
``figure`` …), a list of families tried in order (``tokens.yaml``, key
``fonts``). The bundled ``Publisher …`` families are always available; a
system family (``FangSong``, ``仿宋_GB2312`` …) is used when fontconfig finds
exactly that family on the machine. After the theme's families every role
falls back to the full faces of the font store (:mod:`publisher.fontstore`):
the whole Noto CJK face of the document's region (SC, TC or HK), Noto Serif or
Sans for Latin, Greek and Cyrillic, Noto's symbol and mathematics faces, Noto
Color Emoji and LXGW WenKai (the 31 ideographs of Unicode 13–14 that Noto CJK
2.001 lacks). The glyph check runs on the same chain WeasyPrint will use, so
no character is ever drawn as tofu.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import fontstore
from .data import FONT_ROLES, FONTS_DIR

BUNDLED: dict[str, Path] = {}
"""Bundled family → its regular file."""
for _family, _filename in FONT_ROLES.values():
    if "Bold" not in _filename:
        BUNDLED.setdefault(_family, FONTS_DIR / _filename)


@dataclass(frozen=True)
class Face:
    """One font face: the file (and face index in a collection) behind a family at one weight."""

    family: str
    """The CSS family name it is registered under."""
    bold: bool
    path: Path
    index: int = 0
    """Face index in a font collection (``.ttc``)."""
    fallback: bool = False
    """A fallback face: only put into a document when it draws a character no earlier face has."""

    @property
    def stored(self) -> bool:
        """A face of the font store (not a bundled subset): always cut down before WeasyPrint sees it."""
        return not self.path.is_relative_to(FONTS_DIR)


_REGION_INDEX = {"SC": 2, "TC": 3, "HK": 4}
"""Face index of each region in Debian's Noto CJK collections (JP, KR, SC, TC, HK)."""


def region(lang: str) -> str:
    """The Noto CJK region whose glyph shapes ``lang`` wants: ``SC``, ``TC`` or ``HK``."""
    lang = lang.lower()
    if lang.startswith(("zh-hk", "zh-mo", "zh-hant-hk", "zh-hant-mo")):
        return "HK"
    if lang.startswith(("zh-tw", "zh-hant")):
        return "TC"
    return "SC"


def _store_face(family: str, name: str, bold: bool = False, index: int = 0, fallback: bool = True) -> Face | None:
    found = fontstore.path(name)
    return Face(family, bold, found, index, fallback) if found is not None else None


def _noto_cjk(family: str, kind: str, region_: str, fallback: bool) -> list[Face]:
    index = _REGION_INDEX[region_]
    faces = [
        _store_face(family, f"Noto{kind}CJK-{weight}.ttc", weight == "Bold", index, fallback)
        for weight in ("Regular", "Bold")
    ]
    return [face for face in faces if face is not None]


FALLBACKS: dict[str, tuple[str, ...]] = {
    "serif": ("Publisher Serif CJK", "Publisher Serif Latin"),
    "sans": ("Publisher Sans CJK", "Publisher Sans Latin"),
    "kai": ("Publisher Kai CJK", "Publisher Serif CJK", "Publisher Serif Latin"),
}
"""Fallback families of each style of role, before :data:`COMMON_FALLBACKS`."""
COMMON_FALLBACKS = (
    "Publisher Symbols",
    "Publisher Symbols 2",
    "Publisher Math",
    "Publisher Emoji",
    "Publisher Kai CJK",
)
"""Fallback families of every role, last: symbols, mathematics, emoji, and LXGW WenKai for Unicode 13–14 ideographs."""
_STYLE_OF = {"Publisher Sans": "sans", "Publisher HeiTi": "sans", "Publisher Kai": "kai", "Publisher KaiTi": "kai"}


def style_of(families: Iterable[str]) -> str:
    """``serif``, ``sans`` or ``kai``: the style of the first bundled family of a role."""
    for family in families:
        if family.startswith("Publisher "):
            return _STYLE_OF.get(family, "serif")
    return "serif"


def with_fallbacks(families: list[str]) -> list[str]:
    """A role's families and then the publisher's fallback families, each once."""
    extra = [*FALLBACKS[style_of(families)], *COMMON_FALLBACKS]
    return list(dict.fromkeys([*families, *extra]))


def publisher_faces(lang: str = "zh-CN") -> dict[str, list[Face]]:
    """Every ``Publisher …`` family available here → its faces (regular first), for a document in ``lang``.

    The bundled subsets are Simplified Chinese faces; a Traditional Chinese
    document gets the whole TC (or HK) face of the font store instead, when it
    is installed, for its glyph shapes and centred punctuation.
    """
    folder = fontstore.font_dir()
    try:
        stamp = folder.stat().st_mtime_ns  # a file added or removed changes it
    except OSError:
        stamp = 0
    return {family: list(faces) for family, faces in _publisher_faces(region(lang), folder, stamp).items()}


@functools.lru_cache(maxsize=16)
def _publisher_faces(where: str, folder: Path, stamp: int) -> dict[str, list[Face]]:
    families: dict[str, list[Face]] = {}
    for family, filename in FONT_ROLES.values():
        face = Face(family, "Bold" in filename, FONTS_DIR / filename)
        if face not in families.setdefault(family, []):
            families[family] = sorted([*families[family], face], key=lambda f: f.bold)
    if where != "SC":
        for family, kind in (("Publisher Serif", "Serif"), ("Publisher Sans", "Sans")):
            full = _noto_cjk(family, kind, where, fallback=False)
            if full:
                families[family] = full
    families["Publisher Serif CJK"] = _noto_cjk("Publisher Serif CJK", "Serif", where, True)
    families["Publisher Sans CJK"] = _noto_cjk("Publisher Sans CJK", "Sans", where, True)
    # The open substitutes of the faces GB/T 9704 names (the gongwen theme): Fandol's 仿宋, 楷体
    # and 黑体, and Noto Serif CJK Bold as a regular weight for 小标宋.
    for family, name in (
        ("Publisher FangSong", "FandolFang-Regular.otf"),
        ("Publisher KaiTi", "FandolKai-Regular.otf"),
        ("Publisher HeiTi", "FandolHei-Regular.otf"),
    ):
        substitute = _store_face(family, name, fallback=False)
        if substitute is not None:
            families[family] = [substitute]
    bold_serif = next(face for face in families["Publisher Serif"] if face.bold)
    families["Publisher XiaoBiaoSong"] = [Face("Publisher XiaoBiaoSong", False, bold_serif.path, bold_serif.index)]
    stored = {
        "Publisher Kai CJK": [("LXGWWenKai-Regular.ttf", False)],
        "Publisher Serif Latin": [("NotoSerif-Regular.ttf", False), ("NotoSerif-Bold.ttf", True)],
        "Publisher Sans Latin": [("NotoSans-Regular.ttf", False), ("NotoSans-Bold.ttf", True)],
        "Publisher Symbols": [("NotoSansSymbols-Regular.ttf", False)],
        "Publisher Symbols 2": [("NotoSansSymbols2-Regular.ttf", False)],
        "Publisher Math": [("NotoSansMath-Regular.ttf", False)],
        "Publisher Emoji": [("NotoColorEmoji.ttf", False)],
    }
    for family, files in stored.items():
        faces = [_store_face(family, name, bold) for name, bold in files]
        families[family] = [face for face in faces if face is not None]
    return {family: faces for family, faces in families.items() if faces}


@dataclass(frozen=True)
class RoleFont:
    """One family of a role's chain, and the file that serves it here (``None``: not installed)."""

    family: str
    path: Path | None
    index: int = 0

    @property
    def bundled(self) -> bool:
        return self.family.startswith("Publisher ")


def system_font(family: str) -> Path | None:
    """The file of ``family`` if fontconfig has exactly that family (any of a font's names), else ``None``.

    A regular face is preferred to the bold or italic ones of the family.
    """
    return _system_families(os.environ.get("FONTCONFIG_FILE", ""), os.environ.get("FONTCONFIG_PATH", "")).get(
        family.casefold()
    )


_REGULAR = ("regular", "normal", "book", "roman", "medium", "常规", "標準", "标准")


@functools.cache
def _system_families(*_environment: str) -> dict[str, Path]:
    """Every family name fontconfig lists (case-folded) → its file, from one ``fc-list``."""
    if shutil.which("fc-list") is None:
        return {}
    try:
        out = subprocess.run(
            ["fc-list", "--format", "%{file}\\t%{family}\\t%{style}\\n"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    found: dict[str, tuple[bool, Path]] = {}
    for line in sorted(out.splitlines()):
        file, _, rest = line.partition("\t")
        names, _, styles = rest.partition("\t")
        regular = any(style.strip().casefold() in _REGULAR for style in styles.split(","))
        for name in names.split(","):
            key = name.strip().casefold()
            if key and (key not in found or (regular and not found[key][0])):
                found[key] = (regular, Path(file))
    return {key: path for key, (_, path) in found.items()}


def chain(families: list[str], lang: str = "zh-CN", fallbacks: bool = True) -> list[RoleFont]:
    """Resolve a role's families in order (then the publisher's fallback families)."""
    faces = publisher_faces(lang)
    resolved = []
    for family in with_fallbacks(families) if fallbacks else families:
        if family.startswith("Publisher "):
            regular = faces.get(family)
            if regular is None and family not in families:
                continue  # a fallback that is not installed
            first = regular[0] if regular else None
            resolved.append(RoleFont(family, first.path if first else None, first.index if first else 0))
        else:
            resolved.append(RoleFont(family, system_font(family)))
    return resolved


def chart_chain(lang: str = "zh-CN") -> list[RoleFont]:
    """The faces a drawn chart's text is set in: the chart font (the ``figure`` role's bundled family) and its
    fallbacks that are installed and have outlines (matplotlib measures and draws outlines; a colour bitmap
    emoji face cannot serve it). The glyph check holds chart text to these, as body text to its role's."""
    return [font for font in chain([FONT_ROLES["figure"][0]], lang) if font.path and _outlines(font.path, font.index)]


@functools.cache
def _outlines(path: Path, index: int) -> bool:
    from fontTools.ttLib import TTFont

    try:
        with TTFont(path, fontNumber=index, lazy=True) as font:
            return any(tag in font for tag in ("glyf", "CFF ", "CFF2"))
    except Exception:  # a damaged file: the glyph check does not count on it
        return False


def roles(tokens: dict[str, object], lang: str = "zh-CN") -> dict[str, list[RoleFont]]:
    """Every role of a theme's tokens, resolved for a document in ``lang``."""
    fonts = tokens.get("fonts", {})
    assert isinstance(fonts, dict)
    return {str(role): chain([str(f) for f in families], lang) for role, families in fonts.items()}


@dataclass(frozen=True)
class Substitute:
    """A role whose face GB/T 9704 names is drawn by one of the publisher's own families."""

    role: str
    official: str
    """The face the standard names (仿宋, 黑体 …)."""
    served: RoleFont
    """What draws the role instead."""
    names: tuple[str, ...]
    """The office font names the role looks for."""


def substitutes(tokens: dict[str, Any], lang: str = "zh-CN") -> list[Substitute]:
    """The roles of a theme with ``official-faces`` drawn by a substitute (none installed of the office's fonts)."""
    official = tokens.get("official-faces") or {}
    resolved = roles(tokens, lang)
    found = []
    for role, face in official.items():
        chain_ = resolved.get(str(role), [])
        served = next((font for font in chain_ if font.path is not None), None)
        if served is not None and served.bundled:
            names = tuple(font.family for font in chain_ if not font.bundled)
            found.append(Substitute(str(role), str(face), served, names))
    return found


@functools.cache
def _cmap(path: Path, index: int, mtime: float) -> frozenset[int]:
    """The code points a font maps, read with HarfBuzz (fast) or fontTools."""
    codepoints = _harfbuzz_unicodes(path, index)
    if codepoints is not None:
        return codepoints
    from fontTools.ttLib import TTFont

    with TTFont(path, fontNumber=index, lazy=True) as font:
        return frozenset(font.getBestCmap() or {})


def coverage(path: Path, index: int = 0) -> frozenset[int]:
    """The code points the face ``index`` of ``path`` maps."""
    return _cmap(path, index, path.stat().st_mtime)


def _harfbuzz_unicodes(path: Path, index: int = 0) -> frozenset[int] | None:
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
    face = hb.hb_face_create(blob, index)
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


def covers(font: Path | RoleFont, char: str) -> bool:
    """Whether the font file (or the face of a role) has a glyph for ``char``."""
    if isinstance(font, RoleFont):
        if font.path is None:
            return False
        return ord(char) in coverage(font.path, font.index)
    return ord(char) in coverage(font)


def invisible(char: str) -> bool:
    """A default-ignorable character (zero-width space and joiners, soft hyphen, variation selectors): no glyph."""
    code = ord(char)
    return (
        char in "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u3164\ufeff\uffa0"
        or 0x180B <= code <= 0x180F
        or 0x200B <= code <= 0x200F
        or 0x202A <= code <= 0x202E
        or 0x2060 <= code <= 0x206F
        or 0xFE00 <= code <= 0xFE0F
        or 0x1BCA0 <= code <= 0x1BCA3
        or 0x1D173 <= code <= 0x1D17A
        or 0xE0000 <= code <= 0xE0FFF
    )


_NOT_EMOJI = frozenset(range(0x80)) | {0xA9, 0xAE}
"""Characters Noto Color Emoji maps that are text first (digits, ``#``, ``*``, ©, ®)."""


def needed_faces(chars: set[str], lang: str, chains: Iterable[list[str]]) -> dict[str, set[str]]:
    """Publisher family → the characters of the document it may have to draw.

    Every character may appear in every role (a heading is in the table of
    contents, a figure caption in the body's face...), so each role's chain is
    walked for all of them: a fallback face is needed for what no face before
    it in some chain has. The emoji face gets every emoji it has, whoever else
    has them, since Pango prefers a colour font for emoji and would otherwise
    take one from the system.
    """
    faces = publisher_faces(lang)
    wanted = {ord(c) for c in chars if not c.isspace() and not invisible(c)}
    needed: dict[str, set[int]] = {}
    for families in chains:
        remaining = set(wanted)
        for font in chain(families, lang):
            if not remaining:
                break
            if font.path is None:
                continue
            got = remaining & coverage(font.path, font.index)
            remaining -= got
            family_faces = faces.get(font.family)
            if got and family_faces:
                needed.setdefault(font.family, set()).update(got)
    emoji = faces.get("Publisher Emoji")
    if emoji:
        found = (wanted & coverage(emoji[0].path)) - _NOT_EMOJI
        if found:
            needed.setdefault("Publisher Emoji", set()).update(found)
    # Pango sets a space in the face of the text around it, whether or not that face has one; joiners
    # and variation selectors make emoji sequences (👨‍👩‍👧, ❤️).
    quiet = {c for c in chars if c.isspace() or invisible(c)} | {" ", "\u00a0", "\u3000"}
    return {family: {chr(c) for c in codes} | quiet for family, codes in needed.items()}
