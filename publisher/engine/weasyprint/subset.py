"""The bundled fonts cut down to a report's characters, before WeasyPrint loads them.

Loading and subsetting a 6 MB CJK font costs WeasyPrint far more than a font
of the few hundred characters a report uses. The subsets are made with
HarfBuzz (all layout features kept) and cached by font file and characters,
so a rebuild after an edit that adds no new character reuses them.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ...errors import PublisherError
from ...files import get_verified, put_verified
from ...fonts import BUNDLED, Face, needed_faces, publisher_faces

SLOW_SUBSET_HINT = (
    "install HarfBuzz's subsetter: `sudo apt-get install libharfbuzz-subset0` on Debian/Ubuntu, "
    "`dnf install harfbuzz` on Fedora, `brew install harfbuzz` on macOS; without it a build is ~10x slower"
)


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (fast) instead of fontTools (slow)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


MAX_SUBSET_BYTES = 64 * 1024 * 1024
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


def subset_bytes(
    source: Path, chars: set[str], retain_gids: bool = False, index: int = 0, always: bool = True
) -> bytes | None:
    """``source`` cut down to ``chars`` (all layout features kept); ``None`` if HarfBuzz cannot do it.

    ``retain_gids`` keeps every glyph at its id. The bundled CID-keyed CFF fonts
    have CID == glyph id, which PDF/A validators check; a renumbered subset
    draws and extracts the same but does not pass them, and a retained one is
    slower for WeasyPrint to load. So it is for PDF/A (and /UA, /X) editions.
    """
    import ctypes

    hb: Any = _hb_subset()
    if hb is None:
        return None
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
    face = hb.hb_face_create(blob, index)
    request = hb.hb_subset_input_create_or_fail()
    try:
        unicodes = hb.hb_subset_input_unicode_set(request)
        for char in chars | set(ALWAYS) if always else chars:
            hb.hb_set_add(unicodes, ord(char))
        for which in (4, 5, 6, 7):  # name ids, name languages, layout features, layout scripts: keep all
            keep = hb.hb_subset_input_set(request, which)
            hb.hb_set_clear(keep)
            hb.hb_set_invert(keep)
        # no hinting, keep the .notdef outline (and glyph ids if asked)
        hb.hb_subset_input_set_flags(request, 0x1 | 0x40 | (0x2 if retain_gids else 0))
        result = hb.hb_subset_or_fail(face, request)
        if not result:
            return None
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
    return payload or None


def _fonttools_subset(source: Path, chars: set[str], index: int) -> bytes:
    """The slow way, without libharfbuzz-subset: one face of ``source`` cut down with fontTools."""
    import io

    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options(layout_features=["*"], name_IDs=["*"], name_languages=["*"], notdef_outline=True)
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=[ord(c) for c in chars])
    with TTFont(source, fontNumber=index) as font:
        subsetter.subset(font)
        buffer = io.BytesIO()
        font.save(buffer)
    return buffer.getvalue()


_SCRATCH: list[Path] = []


def _scratch() -> Path:
    """A folder for the subsets of a build without cache, removed when the process ends (or, if it is killed,
    by a later run: :func:`publisher.files.make_temporary_folder`)."""
    if not _SCRATCH:
        import atexit

        from ...files import make_temporary_folder

        folder = make_temporary_folder("fonts")
        atexit.register(shutil.rmtree, folder, True)
        _SCRATCH.append(folder)
    return _SCRATCH[0]


def document_faces(
    chars: set[str],
    lang: str,
    chains: Iterable[list[str]],
    cache: Path | None,
    retain_gids: bool = False,
) -> list[tuple[Face, Path]]:
    """The faces a document uses, each with the file WeasyPrint gets: a subset to ``chars``.

    The bundled faces are always there (cut down to ``chars`` in ``cache``, or
    whole without a cache); a face of the font store only when it draws
    something, and always cut down (into ``cache`` or a temporary folder), so
    WeasyPrint never loads a whole 20 MB face.
    """
    wanted = chars | set(ALWAYS)
    needed = needed_faces(chars, lang, chains)
    used: list[tuple[Face, Path]] = []
    for family, faces in publisher_faces(lang).items():
        if family not in BUNDLED and family not in needed:
            continue  # draws nothing here: a fallback not needed, a substitute an office font replaces
        for face in faces:
            keep = needed[family] if face.fallback else wanted
            folder = cache if cache is not None else (_scratch() if face.stored else None)
            target = None if folder is None else _subset_of(face, keep, folder, retain_gids)
            if target is not None:
                used.append((face, target))
            elif not face.stored:
                used.append((face, face.path))  # no cache, or no subsetter: the bundled file whole
    return used


def _subset_of(face: Face, chars: set[str], folder: Path, retain_gids: bool) -> Path | None:
    """``face`` cut down to ``chars`` in ``folder`` (made once, then reused while its hash matches: a damaged
    entry is made again, never replaced by another font), or ``None`` if it cannot be made."""
    import hashlib

    stat = face.path.stat()
    spec = f"{face.path.name}|{face.index}|{stat.st_size}|{stat.st_mtime_ns}|{retain_gids}|{''.join(sorted(chars))}"
    key = hashlib.sha256(spec.encode()).hexdigest()[:24]
    suffix = ".otf" if face.path.suffix in (".otf", ".ttc") else face.path.suffix
    found = get_verified(folder, key, suffix, MAX_SUBSET_BYTES)
    if found is not None:
        return found[0]
    payload = subset_bytes(face.path, chars, retain_gids, face.index, always=False)
    if payload is None and face.stored:
        payload = _fonttools_subset(face.path, chars, face.index)
    if payload is None:
        return None
    try:  # a unique temporary name: two builds may make the same subset at once
        return put_verified(folder, key, suffix, payload)
    except PublisherError:
        return None  # an unwritable cache only costs time: the full font is used


def font_face_css(faces: list[tuple[Face, Path]]) -> str:
    """``@font-face`` rules for the faces of a document (one face per file, never a collection)."""
    rules = []
    for face, path in faces:
        weight = "bold" if face.bold else "normal"
        src = path.resolve().as_uri()
        rules.append(f'@font-face {{ font-family: "{face.family}"; font-weight: {weight}; src: url("{src}"); }}')
    return "\n".join(rules) + "\n"
