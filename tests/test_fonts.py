"""Every character of a real report prints: the full faces, read back from the PDF.

Two large projects are built once per session: every CJK Unified Ideograph
(U+4E00–U+9FFF), all of Extension A, the 通用规范汉字表 characters of
Extensions B–E (from Unihan's kTGH field, Debian's unicode-data), symbols and
emoji (zh-CN); and every character Python's ``big5hkscs`` codec encodes
(zh-Hant). The glyph ids each page draws are read from the content streams:
none may be .notdef, and every character must be in the ToUnicode map of a
glyph drawn (or share its glyph with one that is, as the fonts unify a few).
"""

from __future__ import annotations

import bz2
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pikepdf
import pytest
from click.testing import CliRunner
from fontTools.ttLib import TTFont

from publisher import fontstore
from publisher.commands.cli import main
from publisher.fonts import publisher_faces
from publisher.options import BuildOptions
from publisher.pipeline import BuildResult, build

from .conftest import REPO, ProjectMaker
from .pdfglyphs import PdfFont, drawn_text, notdefs, read_glyphs

UNIHAN = Path("/usr/share/unicode/Unihan_OtherMappings.txt.bz2")
SYMBOLS = "①②⑩⑳⑴⑽⒈㈠㈩℃℉‰‱±×÷≤≥≠≈∞∑√∫∠⊥∥°′″§№※→←↑↓↔⇒⇔▲△▼▽◆◇○●□■★☆✓✔✗☎☑☐♀♂αβγΔΩАБВЯабвяÀÉÖçñßŁłŒœ€£¥©®™ŋɐɔɛ❤"
EMOJI = ("⭐", "😀", "🎉", "📈", "👍🏽", "🇨🇳", "👨\u200d👩\u200d👧", "❤\ufe0f")
"""Emoji, one glyph each (a skin tone, a flag, a family joined with ZWJ, a heart asking for emoji presentation).

❤ ✓ ☎ alone have text presentation and print as text (``SYMBOLS``)."""


def tongyong_extensions_b_to_e() -> str:
    """The 196 characters of 通用规范汉字表 (2013) in Extensions B–E, from Unihan's kTGH field."""
    chars = []
    with bz2.open(UNIHAN, "rt", encoding="utf-8") as handle:
        for line in handle:
            if "\tkTGH\t" in line:
                code = int(line.split("\t", 1)[0][2:], 16)
                if code >= 0x20000:
                    chars.append(chr(code))
    return "".join(chars)


def big5hkscs() -> str:
    """Every character the ``big5hkscs`` codec decodes from a two-byte code (HKSCS-2008 included)."""
    chars: dict[str, None] = {}
    for high in range(0x81, 0xFF):
        for low in (*range(0x40, 0x7F), *range(0xA1, 0xFF)):
            try:
                text = bytes((high, low)).decode("big5hkscs")
            except UnicodeDecodeError:
                continue
            chars.update(dict.fromkeys(c for c in text if not c.isspace()))
    return "".join(chars)


def write_project(root: Path, lang: str, chars: str, extra: str = "") -> Path:
    paragraphs = [chars[i : i + 800] for i in range(0, len(chars), 800)]
    (root / "source").mkdir(parents=True)
    text = "\n\n".join(paragraphs)
    front = f"title: 全字测试\norganisation: 测试单位\nname: all\nlang: {lang}\nnormalize: false"
    (root / "source" / "report.md").write_text(f"---\n{front}\n---\n# 一\n\n{extra}\n\n{text}\n", encoding="utf-8")
    return root


@dataclass
class Built:
    chars: str
    result: BuildResult
    fonts: dict[str, PdfFont]
    lang: str


def build_all(root: Path, lang: str, chars: str, extra: str = "") -> Built:
    write_project(root, lang, chars, extra)
    result = build(BuildOptions(project=root))
    return Built(chars + extra, result, read_glyphs(result.output), lang)


@pytest.fixture(scope="module")
def simplified(tmp_path_factory: pytest.TempPathFactory) -> Built:
    ideographs = "".join(chr(c) for c in (*range(0x4E00, 0xA000), *range(0x3400, 0x4DC0)))
    extra = f"符号：{SYMBOLS}。表情：{' '.join(EMOJI)}。"
    return build_all(tmp_path_factory.mktemp("hans"), "zh-CN", ideographs + tongyong_extensions_b_to_e(), extra)


@pytest.fixture(scope="module")
def traditional(tmp_path_factory: pytest.TempPathFactory) -> Built:
    return build_all(tmp_path_factory.mktemp("hant"), "zh-Hant", big5hkscs())


def undrawn(built: Built) -> list[str]:
    """Characters of the project no glyph of the PDF stands for (two code points may share one glyph)."""
    drawn = drawn_text(built.fonts)
    missing = {c for c in built.chars if not c.isspace() and c not in drawn} - {"\ufe0f"}
    if not missing:
        return []
    shared: set[str] = set()
    for faces in publisher_faces(built.lang).values():
        for face in faces:
            with TTFont(face.path, fontNumber=face.index, lazy=True) as font:
                cmap = font.getBestCmap()
            by_glyph: dict[str, set[str]] = {}
            for code, glyph in cmap.items():
                by_glyph.setdefault(glyph, set()).add(chr(code))
            shared |= {c for c in missing if ord(c) in cmap and by_glyph[cmap[ord(c)]] & drawn}
    return sorted(missing - shared)


def test_unihan_gives_the_tongyong_characters_beyond_the_basic_plane() -> None:
    assert len(tongyong_extensions_b_to_e()) == 196


def test_every_ideograph_of_the_basic_block_and_extension_a_prints(simplified: Built) -> None:
    assert len(simplified.chars) > 27_584
    assert not simplified.result.warnings.warnings, simplified.result.warnings.warnings[:3]
    assert notdefs(simplified.fonts) == []
    assert undrawn(simplified) == []


def test_no_system_font_draws_anything(simplified: Built, traditional: Built) -> None:
    """Every font of the PDFs is one of the publisher's, whatever the machine has installed."""
    for built in (simplified, traditional):
        names = sorted(name.split("+", 1)[1] for name in built.fonts)
        assert all(name.startswith("Publisher-") for name in names), names


def test_symbols_and_emoji_print_and_emoji_are_in_colour(simplified: Built) -> None:
    assert set(SYMBOLS) <= drawn_text(simplified.fonts)
    emoji_font = next(font for name, font in simplified.fonts.items() if name.endswith("Publisher-Emoji"))
    assert {emoji_font.to_unicode[gid] for gid in emoji_font.used} == set(EMOJI)
    with pikepdf.open(simplified.result.output) as pdf:
        images = sum(
            1
            for page in pdf.pages
            for instruction in pikepdf.parse_content_stream(page)
            if isinstance(instruction, pikepdf.ContentStreamInstruction) and str(instruction.operator) == "Do"
        )
    assert images >= len(emoji_font.used)  # Noto Color Emoji's glyphs are pictures


def test_big5_and_hkscs_print_in_traditional_glyph_shapes(traditional: Built) -> None:
    assert len(traditional.chars) > 18_000
    assert not traditional.result.warnings.warnings, traditional.result.warnings.warnings[:3]
    assert notdefs(traditional.fonts) == []
    assert undrawn(traditional) == []
    han = {
        font.family
        for font in traditional.fonts.values()
        if any("\u4e00" <= c <= "\u9fff" for gid in font.used for c in font.to_unicode.get(gid, ""))
    }
    assert han and all(family.endswith(" TC") for family in han), han  # not the SC faces


def test_the_notdef_reader_finds_a_box(make_project: ProjectMaker, tmp_path: Path) -> None:
    """A character no font has, allowed through and built without system fonts, is read back as .notdef."""
    root = make_project(body="# 一\n\n字库里没有\U00030003。\n")
    conf = tmp_path / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n"
    )
    pdf = tmp_path / "box.pdf"
    env = {**os.environ, "FONTCONFIG_FILE": str(conf), "MPLCONFIGDIR": str(tmp_path / "mpl")}
    command = [sys.executable, "-m", "publisher", "build", str(root), "-o", str(pdf), "--allow-missing-glyphs"]
    proc = subprocess.run(command, env=env, capture_output=True, text=True, cwd=REPO)
    assert proc.returncode == 0, proc.stderr
    assert "U+30003" in proc.stderr
    assert notdefs(read_glyphs(pdf))


def _states(names: Iterable[str]) -> dict[str, str]:
    return {name: state for name, state in fontstore.status().items() if name in names}


def test_the_store_says_which_file_is_not_the_recorded_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    installed = fontstore.font_dir()
    assert set(fontstore.status(installed).values()) == {"ok"}, "run `make fonts`"
    for item in fontstore.FILES:
        (tmp_path / item.name).symlink_to(installed / item.name)
    changed = tmp_path / "NotoSansSymbols-Regular.ttf"
    data = bytearray(changed.read_bytes())
    data[-1] ^= 0xFF
    changed.unlink()
    changed.write_bytes(bytes(data))  # same size, other bytes
    (tmp_path / "NotoSansMath-Regular.ttf").unlink()
    monkeypatch.setenv("PUBLISHER_FONT_DIR", str(tmp_path))
    assert _states(["NotoSansSymbols-Regular.ttf", "NotoSansMath-Regular.ttf", "NotoSerif-Regular.ttf"]) == {
        "NotoSansSymbols-Regular.ttf": "differs",
        "NotoSansMath-Regular.ttf": "missing",
        "NotoSerif-Regular.ttf": "ok",
    }
    out = CliRunner().invoke(main, ["--info"]).stdout
    assert f"full faces in {tmp_path}: 14 of 16 files; `make fonts` installs the 1 missing" in out
    assert "  NotoSansSymbols-Regular.ttf: not the recorded file" in out
    assert "    Publisher Math: not installed" not in out  # a fallback that is missing is left out of the chain


def test_info_shows_each_face_of_a_role_and_its_characters() -> None:
    out = CliRunner().invoke(main, ["--info"]).stdout
    store = fontstore.font_dir()
    assert f"    Publisher Serif CJK: {store / 'NotoSerifCJK-Regular.ttc'} (face 2), 44,746 characters" in out
    assert f"    Publisher Emoji: {store / 'NotoColorEmoji.ttf'}, 1,487 characters" in out
