"""Reading a text file to import: bytes → text, with the encoding detected.

Reports arrive as UTF-8 (with or without a byte-order mark), UTF-16 with a
byte-order mark (Windows Notepad's "Unicode"), GB18030/GBK (older Windows and
WPS in mainland China) or Big5 (Taiwan, Hong Kong). Legacy Chinese encodings
overlap (most Big5 text is also valid GBK), so when several decode the bytes
the one whose text has the most common Chinese characters wins.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ..errors import Pos, PublisherError

MAX_INPUT_BYTES = 20 * 1024 * 1024

# The most frequent characters of Chinese text, simplified and traditional.
# Big5 bytes read as GBK (or the other way round) give rare characters instead.
COMMON_HANZI = frozenset(
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面"
    "而方后多定行学法所民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性"
    "好应开它合还因由其些然前外天政四日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第"
    "向道命此变条只没结解问意建月公无系军很情者最立代想已通并提直题党程展五果料象员革位入常文总次品式活设及管"
    "特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指几九区强放决西被干做必战先回则任取据处"
    "理世车十县城市街道镇村社区务服推进完成全面加强坚持落实深入治保障提升发展改革创新规划项目工作报告会议代表"
    "這們來說時會對國發為與學經開關點區實應進還當將從長問題動體業處現過見門頭機間東車書條義際務報總產線統導"
    "們個於麼後從會經種與現當並應點戰產實進體標記關問題機議層務團該質達運還區隊會與縣鄉鎮處辦黨濟設計劃項"
)


@dataclass
class Decoded:
    """A text file read into memory."""

    text: str
    """The text, line ends as ``\\n``, without a byte-order mark."""
    encoding: str
    """The encoding it was read in: ``UTF-8``, ``UTF-16``, ``GB18030`` or ``Big5``."""


def read_input(path: Path) -> Decoded:
    """Read and decode a text file; a user error when it cannot be read as text."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise PublisherError(f"file not found: {path}", hint="check the name and the folder") from None
    except IsADirectoryError:
        raise PublisherError(f"'{path}' is a folder", hint="give the file to import") from None
    except OSError as exc:
        raise PublisherError(f"cannot read {path}: {exc.strerror}", Pos(path)) from None
    if len(data) > MAX_INPUT_BYTES:
        raise PublisherError(
            f"file is {len(data) // 1024 // 1024} MiB, more than the {MAX_INPUT_BYTES // 1024 // 1024} MiB limit",
            Pos(path),
            "check that this is the report and not, e.g., a scanned PDF saved as text",
        )
    return decode(data, path)


def decode(data: bytes, path: Path) -> Decoded:
    """Decode ``data`` read from ``path`` (used in messages)."""
    if data.startswith(b"PK\x03\x04"):
        raise PublisherError(
            "this is a zip archive (a Word document?), not text",
            Pos(path),
            "give it the extension it has: .docx",
        )
    for bom, codec, name in (
        (b"\xef\xbb\xbf", "utf-8", "UTF-8"),
        (b"\xff\xfe\x00\x00", "utf-32-le", "UTF-32"),
        (b"\x00\x00\xfe\xff", "utf-32-be", "UTF-32"),
        (b"\xff\xfe", "utf-16-le", "UTF-16"),
        (b"\xfe\xff", "utf-16-be", "UTF-16"),
    ):
        if data.startswith(bom):
            try:
                return Decoded(_normalise(data[len(bom) :].decode(codec)), name)
            except UnicodeDecodeError as exc:
                raise _error(data, exc, path, f"it starts with a {name} byte-order mark but is not {name}") from None
    try:
        return Decoded(_normalise(data.decode("utf-8")), "UTF-8")
    except UnicodeDecodeError as exc:
        first_error = exc
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return Decoded(_normalise(utf16), "UTF-16")
    if b"\x00" in data:
        raise PublisherError("this is a binary file, not text", Pos(path), "import .txt, .md or .docx files")
    foreign = foreign_encoding(data)
    if foreign is not None:
        raise PublisherError(
            f"cannot read the text: it looks like {foreign}, not Chinese text in UTF-8, GB18030 or Big5",
            Pos(path),
            f"the publisher typesets Chinese reports; if this is one, convert it first: "
            f"iconv -f {foreign.split()[-1]} -t UTF-8 {path} -o {path.stem}.utf8{path.suffix}",
        )
    candidates: list[tuple[int, int, str, str]] = []
    for order, (codec, name) in enumerate((("gb18030", "GB18030"), ("cp950", "Big5"), ("big5hkscs", "Big5"))):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        candidates.append((_score(text), -order, name, text))
    if not candidates:
        raise _error(data, first_error, path, "it is neither UTF-8 nor GB18030 nor Big5") from None
    _, _, name, text = max(candidates)
    return Decoded(_normalise(text), name)


_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")


def foreign_encoding(data: bytes) -> str | None:
    """``"Japanese in Shift-JIS"`` or ``"Korean in EUC-KR"`` when ``data`` reads as such and not as Chinese
    (its GB18030 and Big5 readings have few common Chinese characters); else ``None``."""
    for codec in ("gb18030", "cp950"):
        try:
            if _score(data.decode(codec)) > 0:
                return None
        except UnicodeDecodeError:
            continue
    for codec, name, letters in (("cp932", "Japanese in Shift-JIS", _KANA), ("cp949", "Korean in EUC-KR", _HANGUL)):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        wide = sum(1 for char in text if ord(char) > 0x7F)
        found = len(letters.findall(text))
        if found >= 2 and found * 5 >= wide:
            return name
    return None


def decode_legacy_guess(data: bytes) -> str | None:
    """The encoding text that is not UTF-8 is in, named for a message (``GB18030``, ``Big5``, ``UTF-16``,
    ``Japanese in Shift-JIS``, ``Korean in EUC-KR``), or ``None`` when no guess is safe (the bytes decode in
    none of them, or read as nonsense: a damaged UTF-8 file is not GB18030 because its bytes happen to pair)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or _bomless_utf16(data) is not None:
        return "UTF-16"
    foreign = foreign_encoding(data)
    if foreign is not None:
        return foreign
    found: list[tuple[int, str]] = []
    for codec, name in (("gb18030", "GB18030"), ("cp950", "Big5")):
        try:
            found.append((_score(data.decode(codec)), name))
        except UnicodeDecodeError:
            continue
    best = max(found, default=(0, ""))
    return best[1] if best[0] > 0 else None


def _score(text: str) -> int:
    """How Chinese a decoding looks: common characters count, rare ones (and PUA) cost."""
    score = 0
    for char in text:
        if char in COMMON_HANZI:
            score += 2
        elif "\ue000" <= char <= "\uf8ff" or "\u3400" <= char <= "\u4dbf":
            score -= 3
        elif "\u4e00" <= char <= "\u9fff":
            score -= 1
    return score


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: every other byte of ASCII text is zero."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_zero = data[0::2].count(0)
    odd_zero = data[1::2].count(0)
    half = len(data) // 2
    codec = "utf-16-le" if odd_zero > half * 0.3 and even_zero == 0 else None
    if even_zero > half * 0.3 and odd_zero == 0:
        codec = "utf-16-be"
    if codec is None:
        return None
    try:
        return data.decode(codec)
    except UnicodeDecodeError:
        return None


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")


def _error(data: bytes, exc: UnicodeDecodeError, path: Path, why: str) -> PublisherError:
    line = data[: exc.start].count(b"\n") + 1
    col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
    return PublisherError(
        f"cannot read the text: {why} (byte 0x{data[exc.start]:02x})",
        Pos(path, line, col),
        "save it as UTF-8 text (in Notepad or WPS: Save As → Encoding: UTF-8) and import it again",
    )
