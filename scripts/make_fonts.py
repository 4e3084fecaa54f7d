#!/usr/bin/env python3
"""Regenerate the fonts bundled in ``assets/fonts/`` reproducibly.

publisher embeds its own copies of a serif, a sans-serif and a kai (楷体)
face so that the PDFs it produces look the same on every machine, whatever
fonts happen to be installed there.  This script builds those copies from
the fonts shipped by Debian:

* ``PublisherSerif-{Regular,Bold}.otf``: the Simplified Chinese ("SC") face
  of ``NotoSerifCJK-{Regular,Bold}.ttc`` (package ``fonts-noto-cjk``);
* ``PublisherSans-{Regular,Bold}.otf``: the SC face of
  ``NotoSansCJK-{Regular,Bold}.ttc`` (package ``fonts-noto-cjk``);
* ``PublisherKai-Regular.ttf``: ``LXGWWenKai-Regular.ttf`` (package
  ``fonts-lxgw-wenkai``).

Each font is subset to :func:`charset` (all of GB 2312, Latin-1, the common
punctuation/symbol blocks, full-width forms and every character of the
``--extra-text`` files), keeping every OpenType layout feature, script and
language system (``halt``, ``palt``, ``vhal``, ``vpal`` and ``locl`` are
checked explicitly).  The families are renamed to "Publisher Serif",
"Publisher Sans" and "Publisher Kai" in the ``name`` table (all platforms
and languages) and in the CFF top dict, so they can never be confused with
the system fonts they come from; the SIL Open Font License also requires a
modified version not to use the original (reserved) names.

Timestamps are taken from the source fonts, so two runs on the same inputs
produce byte-identical files.  Besides the fonts the script writes
``SHA256SUMS``, ``README.md`` and the licence texts
``LICENSE-Noto-CJK.txt`` / ``LICENSE-LXGW-WenKai.txt``.

Usage (from the repository root)::

    sudo apt-get install fonts-noto-cjk fonts-lxgw-wenkai
    .venv/bin/python scripts/make_fonts.py [--extra-text FILE ...] [--output-dir DIR]

``--extra-text`` may be given several times; without it the seed report
``../shared/seed/zumiao-2021-work-report.txt`` is used if it exists.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import re
import subprocess
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT_DIR = REPO_ROOT / "assets" / "fonts"
DEFAULT_EXTRA_TEXT = REPO_ROOT.parent / "shared" / "seed" / "zumiao-2021-work-report.txt"
SCRIPT_ID = "publisher scripts/make_fonts.py"
REGENERATE_CMD = ".venv/bin/python scripts/make_fonts.py"

# Unicode blocks (inclusive ranges) added on top of GB 2312.
EXTRA_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0020, 0x007E, "ASCII"),
    (0x00A0, 0x00FF, "Latin-1 Supplement"),
    (0x2000, 0x206F, "General Punctuation"),
    (0x2212, 0x2212, "MINUS SIGN"),
    (0x2100, 0x218F, "Letterlike Symbols, Number Forms"),
    (0x2190, 0x21FF, "Arrows"),
    (0x25A0, 0x25FF, "Geometric Shapes"),
    (0x3000, 0x303F, "CJK Symbols and Punctuation"),
    (0x3200, 0x32FF, "Enclosed CJK Letters and Months"),
    (0xFF00, 0xFFEF, "Halfwidth and Fullwidth Forms"),
)
# Python's gb2312 codec maps A1A4 to U+30FB and A1AA to U+2015; Chinese text
# normally uses U+00B7 MIDDLE DOT and U+2014 EM DASH instead.  Both are inside
# the ranges above already; they are listed again so that nobody narrows the
# ranges and loses them by accident.
MUST_HAVE = "\u00b7\u2014\u2026\u201c\u201d\u2018\u2019"
# Characters every output font must map (checked after subsetting).
SAMPLE_TEXT = "祖庙街道、，。“”（）·０１A"

# Layout features that must survive subsetting in the Noto CJK faces.
REQUIRED_GPOS_FEATURES = frozenset({"halt", "palt", "vhal", "vpal"})
REQUIRED_GSUB_FEATURES = frozenset({"locl"})

# Name IDs that carry the family name and are removed (set consistently
# through IDs 1/2/4 instead): typographic family/subfamily, Mac compatible
# full name, PostScript CID findfont name, WWS family/subfamily.
DROPPED_NAME_IDS = frozenset({16, 17, 18, 20, 21, 22})

OFL_MARKERS = (
    "SIL OPEN FONT LICENSE Version 1.1",
    "PERMISSION & CONDITIONS",
    "DISCLAIMER",
)


@dataclass(frozen=True)
class Package:
    """A Debian package providing source fonts."""

    name: str
    expected_version: str
    copyright_file: Path
    license_output: str
    upstream: str


@dataclass(frozen=True)
class FontSpec:
    """One output font."""

    source: Path
    package: Package
    face_family: str | None  # name ID 1 of the face to take from a .ttc
    family: str
    style: str  # "Regular" or "Bold"
    output: str
    verify_noto_features: bool

    @property
    def postscript_name(self) -> str:
        return f"{self.family.replace(' ', '')}-{self.style}"

    @property
    def full_name(self) -> str:
        return f"{self.family} {self.style}"

    @property
    def is_bold(self) -> bool:
        return self.style == "Bold"


NOTO = Package(
    name="fonts-noto-cjk",
    expected_version="1:20220127+repack1-1",
    copyright_file=Path("/usr/share/doc/fonts-noto-cjk/copyright"),
    license_output="LICENSE-Noto-CJK.txt",
    upstream="https://github.com/googlefonts/noto-cjk",
)
WENKAI = Package(
    name="fonts-lxgw-wenkai",
    expected_version="1.250+repack-1",
    copyright_file=Path("/usr/share/doc/fonts-lxgw-wenkai/copyright"),
    license_output="LICENSE-LXGW-WenKai.txt",
    upstream="https://github.com/lxgw/LxgwWenKai",
)
PACKAGES: tuple[Package, ...] = (NOTO, WENKAI)

NOTO_DIR = Path("/usr/share/fonts/opentype/noto")
WENKAI_DIR = Path("/usr/share/fonts/truetype/lxgw-wenkai")

FONTS: tuple[FontSpec, ...] = (
    FontSpec(
        NOTO_DIR / "NotoSerifCJK-Regular.ttc",
        NOTO,
        "Noto Serif CJK SC",
        "Publisher Serif",
        "Regular",
        "PublisherSerif-Regular.otf",
        True,
    ),
    FontSpec(
        NOTO_DIR / "NotoSerifCJK-Bold.ttc",
        NOTO,
        "Noto Serif CJK SC",
        "Publisher Serif",
        "Bold",
        "PublisherSerif-Bold.otf",
        True,
    ),
    FontSpec(
        NOTO_DIR / "NotoSansCJK-Regular.ttc",
        NOTO,
        "Noto Sans CJK SC",
        "Publisher Sans",
        "Regular",
        "PublisherSans-Regular.otf",
        True,
    ),
    FontSpec(
        NOTO_DIR / "NotoSansCJK-Bold.ttc",
        NOTO,
        "Noto Sans CJK SC",
        "Publisher Sans",
        "Bold",
        "PublisherSans-Bold.otf",
        True,
    ),
    FontSpec(
        WENKAI_DIR / "LXGWWenKai-Regular.ttf",
        WENKAI,
        None,
        "Publisher Kai",
        "Regular",
        "PublisherKai-Regular.ttf",
        False,
    ),
)


@dataclass(frozen=True)
class BuildResult:
    """What was built, for README.md."""

    spec: FontSpec
    original_family: str
    original_version: str
    face_index: int | None
    glyphs: int
    mapped: int
    lost_features: tuple[str, ...]


class BuildError(Exception):
    """A fatal, explained problem."""


def gb2312_chars() -> set[int]:
    """Every character of GB 2312 (row/cell bytes 0xA1..0xFE, rows up to 0xF7)."""
    chars: set[int] = set()
    for hi in range(0xA1, 0xF8):
        for lo in range(0xA1, 0xFF):
            try:
                text = bytes((hi, lo)).decode("gb2312")
            except UnicodeDecodeError:
                continue
            chars.update(ord(c) for c in text)
    return chars


def big5_common_chars() -> set[int]:
    """The 5,401 common characters of Big5 (常用字, 0xA440..0xC67E), for Traditional Chinese."""
    chars: set[int] = set()
    for hi in range(0xA4, 0xC7):
        for lo in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            if (hi, lo) > (0xC6, 0x7E):
                continue
            try:
                text = bytes((hi, lo)).decode("big5")
            except UnicodeDecodeError:
                continue
            chars.update(ord(c) for c in text)
    return chars


def text_chars(paths: Iterable[Path]) -> set[int]:
    """Every printable character of the given UTF-8 files (controls dropped)."""
    chars: set[int] = set()
    for path in paths:
        for c in path.read_text(encoding="utf-8"):
            if unicodedata.category(c) != "Cc":
                chars.add(ord(c))
    return chars


def charset(extra_text_files: Iterable[Path] = ()) -> set[int]:
    """The code points the bundled fonts should cover.

    GB 2312, the common characters of Big5 (so Traditional Chinese reports
    set with ``lang: zh-TW``/``zh-Hant`` find their glyphs; the fonts' ``locl``
    feature picks the regional forms), the blocks in :data:`EXTRA_RANGES`,
    :data:`MUST_HAVE` and every character of ``extra_text_files``.  Characters a source font lacks are
    silently skipped by the subsetter.
    """
    chars = gb2312_chars() | big5_common_chars()
    for first, last, _ in EXTRA_RANGES:
        chars.update(range(first, last + 1))
    chars.update(ord(c) for c in MUST_HAVE)
    chars |= text_chars(extra_text_files)
    return chars


def dpkg_version(package: str) -> str | None:
    """Installed version of a Debian package, or None if unknown."""
    try:
        proc = subprocess.run(
            ["dpkg-query", "-W", "-f=${Version}", package],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return None
    version = proc.stdout.strip()
    return version if proc.returncode == 0 and version else None


def check_sources() -> dict[str, str]:
    """Fail if a source font is missing; warn if a package version differs.

    Returns the installed version of each package (or a placeholder).
    """
    missing = [spec.source for spec in FONTS if not spec.source.is_file()]
    missing += [pkg.copyright_file for pkg in PACKAGES if not pkg.copyright_file.is_file()]
    if missing:
        names = " ".join(pkg.name for pkg in PACKAGES)
        listing = "\n".join(f"  {path}" for path in missing)
        raise BuildError(f"source file(s) missing:\n{listing}\nInstall them with:\n  sudo apt-get install {names}")
    versions: dict[str, str] = {}
    for pkg in PACKAGES:
        version = dpkg_version(pkg.name)
        if version is None:
            print(
                f"warning: cannot determine the version of {pkg.name} with dpkg-query "
                f"(expected {pkg.expected_version}); output may differ",
                file=sys.stderr,
            )
            versions[pkg.name] = f"unknown (expected {pkg.expected_version})"
        else:
            if version != pkg.expected_version:
                print(
                    f"warning: {pkg.name} is version {version}, expected "
                    f"{pkg.expected_version}; the fonts will not match the committed ones",
                    file=sys.stderr,
                )
            versions[pkg.name] = version
    return versions


def find_face(path: Path, family: str) -> int:
    """Index of the face of a .ttc whose name ID 1 (en-US) is ``family``."""
    collection = TTCollection(str(path), lazy=True)
    try:
        for index, face in enumerate(collection.fonts):
            record = face["name"].getName(1, 3, 1, 0x409)
            if record is not None and record.toUnicode() == family:
                return index
    finally:
        collection.close()
    raise BuildError(f"{path}: no face with family name {family!r}")


def font_version(font: TTFont) -> str:
    """Upstream version number, from name ID 5 ("Version 2.001;...")."""
    version = font["name"].getDebugName(5) or ""
    match = re.search(r"(\d+\.\d+)", version)
    return match.group(1) if match else f"{font['head'].fontRevision:.3f}"


def feature_tags(font: TTFont, table: str) -> set[str]:
    if table not in font or font[table].table.FeatureList is None:
        return set()
    return {rec.FeatureTag for rec in font[table].table.FeatureList.FeatureRecord}


def all_feature_tags(font: TTFont) -> set[str]:
    return feature_tags(font, "GSUB") | feature_tags(font, "GPOS")


def subset_options(cid_keyed: bool = False) -> subset.Options:
    options = subset.Options()
    # A CID-keyed CFF font (Noto CJK, Adobe-Identity-0) has CID == glyph id. A
    # PDF addresses its glyphs by CID, WeasyPrint writes glyph ids: keep the ids
    # (unused glyphs become empty) so the two stay equal, as PDF/A requires.
    options.retain_gids = cid_keyed
    options.layout_features = ["*"]
    options.layout_scripts = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.name_legacy = True
    options.notdef_glyph = True
    options.notdef_outline = True
    options.glyph_names = False
    # CFF hints cost ~20 % of the size and PDF viewers autohint anyway;
    # WenKai's TrueType instructions are dropped for size as well.
    options.hinting = False
    options.recalc_timestamp = False
    options.recalc_bounds = False
    return options


def rename(font: TTFont, spec: FontSpec, original_family: str, version: str) -> None:
    """Give the font its Publisher names everywhere fontconfig or a PDF looks."""
    name = font["name"]
    unique_id = f"{version};PUBLISHER;{spec.postscript_name}"
    new_names = {
        1: spec.family,
        2: spec.style,
        3: unique_id,
        4: spec.full_name,
        6: spec.postscript_name,
    }
    description = f"Subset of {original_family} {version} made by {SCRIPT_ID}"
    platforms = {(rec.platformID, rec.platEncID, rec.langID) for rec in name.names}
    name.names = [rec for rec in name.names if rec.nameID not in DROPPED_NAME_IDS and rec.nameID != 10]
    for rec in name.names:
        if rec.nameID in new_names:
            rec.string = new_names[rec.nameID]
    english = [(3, 1, 0x409)] + ([(1, 0, 0)] if (1, 0, 0) in platforms else [])
    for platform_id, enc_id, lang_id in english:
        for name_id, value in new_names.items():
            name.setName(value, name_id, platform_id, enc_id, lang_id)
        name.setName(description, 10, platform_id, enc_id, lang_id)
    name.names.sort()

    if "CFF " in font:
        cff = font["CFF "].cff
        old_ps = cff.fontNames[0]
        cff.fontNames[0] = spec.postscript_name
        top = cff.topDictIndex[0]
        top.FullName = spec.full_name
        top.FamilyName = spec.family
        top.Weight = spec.style
        if hasattr(top, "FDArray"):
            for fd in top.FDArray:
                fd_name = getattr(fd, "FontName", None)
                if fd_name and fd_name.startswith(old_ps):
                    fd.FontName = spec.postscript_name + fd_name[len(old_ps) :]


def set_style_bits(font: TTFont, spec: FontSpec) -> None:
    """usWeightClass, fsSelection and macStyle for Regular/Bold."""
    os2 = font["OS/2"]
    head = font["head"]
    os2.usWeightClass = 700 if spec.is_bold else 400
    bold, regular = 1 << 5, 1 << 6
    if spec.is_bold:
        os2.fsSelection = (os2.fsSelection | bold) & ~regular
        head.macStyle |= 1
    else:
        os2.fsSelection = (os2.fsSelection | regular) & ~bold
        head.macStyle &= ~1
    if "CFF " in font:
        font["CFF "].cff.topDictIndex[0].Weight = spec.style


def verify(font: TTFont, spec: FontSpec, source_features: set[str]) -> tuple[str, ...]:
    """Fail loudly if the output lacks something it must have.

    Returns the layout features that subsetting dropped (informational).
    """
    problems: list[str] = []
    cmap = font.getBestCmap()
    missing = [c for c in SAMPLE_TEXT if ord(c) not in cmap]
    if missing:
        problems.append(f"cmap lacks {''.join(missing)!r}")
    if spec.verify_noto_features:
        for table, required in (
            ("GPOS", REQUIRED_GPOS_FEATURES),
            ("GSUB", REQUIRED_GSUB_FEATURES),
        ):
            lost = sorted(required - feature_tags(font, table))
            if lost:
                problems.append(f"{table} lost feature(s) {', '.join(lost)}")
    name = font["name"]
    for rec in name.names:
        expected = {
            1: spec.family,
            2: spec.style,
            4: spec.full_name,
            6: spec.postscript_name,
        }
        if rec.nameID in expected and rec.toUnicode() != expected[rec.nameID]:
            problems.append(f"name ID {rec.nameID} is {rec.toUnicode()!r}")
    if "CFF " in font and font["CFF "].cff.fontNames[0] != spec.postscript_name:
        problems.append("CFF FontName was not renamed")
    if problems:
        raise BuildError(f"{spec.output}: " + "; ".join(problems))
    return tuple(sorted(source_features - all_feature_tags(font)))


def build_font(spec: FontSpec, wanted: set[int], output_dir: Path) -> BuildResult:
    face_index: int | None = None
    if spec.face_family is not None:
        face_index = find_face(spec.source, spec.face_family)
        font = TTFont(str(spec.source), fontNumber=face_index, recalcTimestamp=False)
    else:
        font = TTFont(str(spec.source), recalcTimestamp=False)
    original_family = font["name"].getDebugName(1) or spec.source.stem
    if spec.face_family is not None and original_family != spec.face_family:
        raise BuildError(f"{spec.source}: face {face_index} is {original_family!r}")
    version = font_version(font)
    source_features = all_feature_tags(font)
    available = wanted & set(font.getBestCmap())

    subsetter = subset.Subsetter(subset_options(cid_keyed="CFF " in font))
    subsetter.populate(unicodes=available)
    subsetter.subset(font)

    rename(font, spec, original_family, version)
    set_style_bits(font, spec)
    lost = verify(font, spec, source_features)

    buffer = io.BytesIO()
    font.recalcTimestamp = False
    font.save(buffer, reorderTables=True)
    data = buffer.getvalue()
    (output_dir / spec.output).write_bytes(data)
    result = BuildResult(
        spec=spec,
        original_family=original_family,
        original_version=version,
        face_index=face_index,
        glyphs=len(font.getGlyphOrder()),
        mapped=len(font.getBestCmap()),
        lost_features=lost,
    )
    font.close()
    return result


def debian_license_text(copyright_file: Path) -> str:
    """The OFL text from a machine-readable debian/copyright file."""
    lines = copyright_file.read_text(encoding="utf-8").splitlines()
    for start, line in enumerate(lines):
        if re.fullmatch(r"License:\s*(SIL-1\.1|OFL-1\.1)\s*", line):
            body: list[str] = []
            for cont in lines[start + 1 :]:
                if not cont.startswith((" ", "\t")):
                    break
                text = cont[1:]
                body.append("" if text.strip() == "." else text)
            license_text = "\n".join(body).strip("\n")
            if all(marker in license_text for marker in OFL_MARKERS):
                return license_text + "\n"
    raise BuildError(
        f"{copyright_file}: no complete SIL OFL 1.1 text found; "
        "add the licence file by hand from https://openfontlicense.org"
    )


def debian_copyright_lines(copyright_file: Path) -> list[str]:
    """The "Files: *" paragraph's Copyright/Comment lines, unfolded."""
    paragraphs = copyright_file.read_text(encoding="utf-8").split("\n\n")
    for paragraph in paragraphs:
        if paragraph.startswith("Files: *"):
            out: list[str] = []
            for line in paragraph.splitlines()[1:]:
                out.append(line.strip())
            return [line for line in out if line and line != "."]
    return []


def write_license(pkg: Package, results: Sequence[BuildResult], output_dir: Path) -> None:
    notices: list[str] = []
    for result in results:
        if result.spec.package != pkg:
            continue
        font = TTFont(str(output_dir / result.spec.output), lazy=True)
        notice = (font["name"].getDebugName(0) or "").replace("\r\n", "\n")
        font.close()
        if notice and notice not in notices:
            notices.append(notice)
    header = [
        f"Fonts in this directory derived from {pkg.name} ({pkg.upstream}).",
        "",
        "Copyright notices of the original fonts (name table ID 0):",
        "",
        *notices,
        "",
        f"Debian's {pkg.copyright_file} states:",
        "",
        *(f"  {line}" for line in debian_copyright_lines(pkg.copyright_file)),
        "",
        "The fonts here are subset and renamed (see README.md): they are Modified",
        "Versions in the sense of the licence below.",
        "",
        "This Font Software is licensed under the SIL Open Font License, Version 1.1.",
        "",
    ]
    text = "\n".join(header) + "\n" + debian_license_text(pkg.copyright_file)
    (output_dir / pkg.license_output).write_text(text, encoding="utf-8")


def write_readme(
    results: Sequence[BuildResult],
    versions: dict[str, str],
    extra_files: Sequence[Path],
    extra_count: int,
    output_dir: Path,
) -> None:
    rows = []
    for r in results:
        spec = r.spec
        face = f" face {r.face_index}" if r.face_index is not None else ""
        size = (output_dir / spec.output).stat().st_size
        rows.append(
            f"| `{spec.output}` | {spec.family} / {spec.style} (`{spec.postscript_name}`) "
            f"| {r.original_family} {r.original_version} — `{spec.source}`{face} "
            f"| `{spec.package.name}` {versions[spec.package.name]} "
            f"| {r.mapped} / {r.glyphs} | {size:,} |"
        )
    ranges = "\n".join(f"  - U+{first:04X}–U+{last:04X} {label}" for first, last, label in EXTRA_RANGES)
    extra_desc = ", ".join(f"`{path.name}`" for path in extra_files) if extra_files else "none"
    lost = sorted({tag for r in results for tag in r.lost_features})
    lines = [
        "# Bundled fonts",
        "",
        "Generated by `scripts/make_fonts.py`; do not edit these files by hand.",
        "",
        ("| File | Family / style (PostScript name) | Source | Debian package | mapped chars / glyphs | bytes |"),
        "|---|---|---|---|---|---|",
        *rows,
        "",
        "The Noto CJK sources are OpenType collections; the Simplified Chinese face",
        '(family "Noto Serif CJK SC" / "Noto Sans CJK SC") is selected by its name',
        "table, so glyph shapes follow the PRC standard.",
        "",
        "## Changes from the originals",
        "",
        "- Renamed so that they never collide with installed system fonts: name IDs",
        "  1, 2, 3, 4 and 6 in every platform/language record, and the CFF",
        "  FontName/FullName/FamilyName; name IDs 16/17 are removed; name ID 10 says",
        "  which font the subset was made from.  Copyright (ID 0) and licence",
        "  (IDs 13/14) are kept.",
        "- Subset to the character set below; all OpenType layout features, scripts",
        "  and language systems are kept (`halt`, `palt`, `vhal`, `vpal`, `locl`",
        "  are verified for the Noto faces).  Features that only apply to dropped",
        f"  characters disappear: {', '.join(f'`{t}`' for t in lost) or 'none'}.",
        "- Hinting removed.  Timestamps are those of the source fonts, so the build",
        "  is byte-reproducible (see `SHA256SUMS`).",
        "",
        "## Character set",
        "",
        "- GB 2312: every two-byte code 0xA1A1–0xF7FE that Python's `gb2312` codec",
        f"  decodes ({len(gb2312_chars())} characters);",
        "- Big5 common characters (常用字, 0xA440–0xC67E, "
        f"{len(big5_common_chars())} characters) for Traditional Chinese;",
        "- these ranges:",
        ranges,
        "- U+00B7 MIDDLE DOT and U+2014 EM DASH explicitly (Python's `gb2312` codec",
        "  maps GB 2312 A1A4/A1AA to U+30FB/U+2015);",
        (
            f"- every character of the extra text file(s): {extra_desc}"
            f" ({extra_count} characters not already covered above)."
        ),
        "",
        "Characters that a source font lacks are left out of that font.",
        "",
        "## Licence",
        "",
        "All five fonts are under the SIL Open Font License 1.1: see",
        f"`{NOTO.license_output}` (Noto CJK, © Adobe) and `{WENKAI.license_output}`",
        '(LXGW WenKai, © lxgw, Reserved Font Names "霞鹜" and "LXGW").  The',
        "derived fonts carry new names as the OFL requires for Modified Versions.",
        "",
        "## Regenerating",
        "",
        "```sh",
        "sudo apt-get install " + " ".join(pkg.name for pkg in PACKAGES),
        REGENERATE_CMD,
        "sha256sum -c --quiet assets/fonts/SHA256SUMS  # run in assets/fonts",
        "```",
        "",
        "Expected package versions: "
        + ", ".join(f"`{pkg.name}` {pkg.expected_version}" for pkg in PACKAGES)
        + ".  Other versions produce different files (the script warns).",
        "",
    ]
    (output_dir / "README.md").write_text("\n".join(lines), encoding="utf-8")


def write_sha256sums(output_dir: Path, names: Sequence[str]) -> None:
    lines = []
    for file_name in sorted(names):
        digest = hashlib.sha256((output_dir / file_name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {file_name}\n")
    (output_dir / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Regenerate the bundled fonts in assets/fonts/.",
    )
    parser.add_argument(
        "--extra-text",
        metavar="FILE",
        type=Path,
        action="append",
        help=f"UTF-8 text whose characters must be covered (repeatable; default: {DEFAULT_EXTRA_TEXT} if it exists)",
    )
    parser.add_argument(
        "--output-dir",
        type=Path,
        default=DEFAULT_OUTPUT_DIR,
        help=f"where to write the fonts (default: {DEFAULT_OUTPUT_DIR})",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    extra_files: list[Path] = args.extra_text or ([DEFAULT_EXTRA_TEXT] if DEFAULT_EXTRA_TEXT.is_file() else [])
    output_dir: Path = args.output_dir
    try:
        for path in extra_files:
            if not path.is_file():
                raise BuildError(f"--extra-text {path}: no such file")
        versions = check_sources()
        wanted = charset(extra_files)
        extra_count = len(wanted - charset())
        output_dir.mkdir(parents=True, exist_ok=True)
        results: list[BuildResult] = []
        for spec in FONTS:
            print(f"building {spec.output} from {spec.source.name} ...", flush=True)
            result = build_font(spec, wanted, output_dir)
            print(
                f"  {result.original_family} {result.original_version}: "
                f"{result.mapped} chars, {result.glyphs} glyphs, "
                f"{(output_dir / spec.output).stat().st_size:,} bytes"
                + (f"; dropped features {', '.join(result.lost_features)}" if result.lost_features else ""),
                flush=True,
            )
            results.append(result)
        for pkg in PACKAGES:
            write_license(pkg, results, output_dir)
        write_readme(results, versions, extra_files, extra_count, output_dir)
        generated = [spec.output for spec in FONTS]
        generated += [pkg.license_output for pkg in PACKAGES] + ["README.md"]
        write_sha256sums(output_dir, generated)
    except BuildError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"wrote {output_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
