"""Clean-up of pasted text: page furniture, odd spaces, lines broken mid-sentence.

Text copied from a web page brings the page with it: navigation, breadcrumbs,
``【字体：大 中 小】``, share buttons, ``有话要说...``, ``责任编辑`` lines. Those are
dropped, but only before the first and after the last line of real text, and
every dropped line is reported. No-break spaces become spaces, ideographic
space (U+3000) indents go, and lines broken in the middle of a sentence are
joined again (``全年PM`` / ``2.5`` / ``年平均浓度…`` is one sentence).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .model import Dropped, Span, Unit
from .structure import (
    CANNOT_START,
    CONTINUATION,
    display_width,
    ends_sentence,
    first_sentence_end,
    is_appendix,
    is_fragment,
    is_salutation,
    numbering,
    starts_block,
)

FURNITURE = [
    re.compile(r"字\s*[体體号號]\s*[:：]?\s*[【\[〔]?\s*大\s*[】\]〕]?\s*[【\[〔]?\s*中\s*[】\]〕]?\s*[【\[〔]?\s*小"),
    re.compile(
        r"^[【\[]?(责任编辑|責任編輯|编辑|編輯|责编|審核|审核|审校|校对|校對|来源|來源|信息来源|文章来源|稿源|发布时间|發佈時間|"
        r"发布日期|發布日期|更新时间|作者|浏览次数|瀏覽次數|阅读次数|阅读量|点击数|点击量|访问量|浏览量|索引号|"
        r"发文机关|发布机构|主题分类|成文日期|文号|发文字号|分享|分享到)\s*[:：]"
    ),
    re.compile(
        r"(打印本页|打印本文|打印此页|关闭窗口|關閉窗口|关闭本页|返回顶部|回到顶部|加入收藏|收藏本页|我要纠错|分享到|分享至|"
        r"扫一扫|掃一掃|在手机打开|手机扫码|二维码|二維碼|有话要说|我要评论|发表评论|網友評論|网友评论|相关链接|相關鏈接|"
        r"相关阅读|相关新闻|相关文章|上一篇|下一篇|版权所有|版權所有|网站地图|網站地圖|联系我们|ICP备|ICP證|公网安备|"
        r"网站标识码|主办单位|主辦單位|承办单位|技术支持|技術支持|当前位置|當前位置|您的位置|您现在的位置|所在位置|"
        r"无障碍|長者模式|长者模式|适老化|Copyright|copyright|©)"
    ),
    re.compile(
        r"^[【\[]?(首页|首頁|主页|返回|登录|注册|搜索|English|繁體|简体|繁体|打印|关闭|關閉|收藏|分享|微信|微博|QQ空间|"
        r"朋友圈|字号|大|中|小)[】\]]?$"
    ),
    re.compile(r"^[-=_*~·•—─━]{3,}$"),
]
BREADCRUMB = re.compile(r"[>＞»›→]")
NAV_SEPARATORS = re.compile(r"[\s|｜/·•]+")


def clean_line(text: str) -> str:
    """No-break spaces as spaces, no indent (spaces, U+3000), no trailing spaces."""
    text = re.sub(r"[\u00a0\u2007\u202f]+", " ", text)
    return text.strip(" \t\u3000\u00a0\ufeff\u200b\f\v")


def is_furniture(text: str) -> bool:
    """A line of web page furniture: navigation, breadcrumbs, share buttons, editor lines."""
    if not text or len(text) > 100:
        return False
    if any(pattern.search(text) for pattern in FURNITURE):
        return True
    crumbs = [t for t in BREADCRUMB.split(text) if t.strip()]
    if len(BREADCRUMB.findall(text)) >= 2 and all(len(t.strip()) <= 12 for t in crumbs):
        return True
    tokens = [t for t in NAV_SEPARATORS.split(text) if t]
    return len(tokens) >= 4 and all(len(t) <= 6 for t in tokens) and not re.search(r"[0-9０-９。，；！？.,;!?]", text)


def _is_body_line(text: str) -> bool:
    """A line of real text: long, or a sentence."""
    return not is_furniture(text) and (len(text) > 50 or (len(text) >= 12 and ends_sentence(text)))


def drop_furniture(lines: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], list[Dropped]]:
    """Drop furniture lines before the first and after the last line of real text."""
    body = [i for i, (_, text) in enumerate(lines) if _is_body_line(text)]
    first = body[0] if body else len(lines)
    last = body[-1] if body else -1
    kept: list[tuple[int, str]] = []
    dropped: list[Dropped] = []
    for i, (number, text) in enumerate(lines):
        if (i < first or i > last) and is_furniture(text):
            dropped.append(Dropped(number, text, "page furniture"))
        else:
            kept.append((number, text))
    return kept, dropped


def _wrap_width(texts: list[str], width_of: Callable[[str], int]) -> int | None:
    """The width lines were hard-wrapped at (text copied from a PDF or an e-mail), if they were."""
    widths = [width_of(t) for t in texts if t]
    if len(widths) < 6:
        return None
    ranked = sorted(widths)
    top = ranked[int(len(ranked) * 0.9) - 1]
    near = sum(1 for w in widths if top - 4 <= w <= top + 1)
    if top >= 30 and near >= max(4, 0.4 * len(widths)):
        return top
    return None


@dataclass
class Wrap:
    """Where a hard-wrapped text breaks its lines."""

    columns: int | None
    """Display width (CJK characters count 2) most lines reach, if they were wrapped by width."""
    characters: int | None
    """Number of characters most lines reach, if they were wrapped by count."""

    def reached(self, line: str) -> bool:
        """Whether ``line`` is as long as a wrapped line (so it was probably wrapped)."""
        if self.columns is not None and display_width(line) >= self.columns - 4:
            return True
        return self.characters is not None and len(line) >= self.characters - 2


def _glue(left: str, right: str) -> str:
    """Join two pieces of a broken line: a space only between two Latin words."""
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


def _joins(
    current: str, last_piece: str, nxt: str, raw_next: str, blanks: int, wrap: Wrap, lang: str, indents: bool | None
) -> bool:
    """Whether ``nxt`` continues the sentence in ``current`` (Chinese text).

    ``last_piece`` and ``raw_next`` are the input lines as written (with their indent); ``indents``:
    None if the text does not mark paragraph starts with an indent, else whether ``nxt`` has none.
    """
    if indents is False:
        return False  # an indented line starts a paragraph
    if starts_block(nxt, lang) and not is_fragment(nxt):
        return False
    if blanks > 1 or is_appendix(current, lang):
        return False
    if ends_sentence(current):
        # A hard-wrapped line may end with a sentence: it goes on when the next line is not indented.
        return bool(indents) and blanks == 0 and wrap.reached(last_piece)
    if numbering(current, lang) is not None and first_sentence_end(current) is None and wrap.reached(raw_next):
        # A heading as long as a line, then a full line of text: the heading ended, unless that line
        # starts by finishing it ("轴线。全面开展……").
        end = first_sentence_end(nxt)
        if end is None or end > 8:
            return False
    if current[-1] in CONTINUATION:
        return True
    if is_fragment(nxt) or is_fragment(last_piece):
        return True
    if current[-1].isascii() and current[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum():
        return True
    if nxt[0] in CANNOT_START:
        return True
    return blanks == 0 and wrap.reached(last_piece)


def join_chinese(
    lines: list[tuple[int, str]], lang: str, raw: dict[int, str] | None = None
) -> tuple[list[Unit], list[int]]:
    """One unit per paragraph line; lines broken mid-sentence joined.

    ``raw``: the input lines as they were (indent included), by line number: a
    hard-wrapped text counts the indent in its line width, and an indent marks
    where a paragraph starts.
    """
    raw = raw or {}
    originals = [raw.get(n, t).rstrip() for n, t in lines if t]
    wrap = Wrap(_wrap_width(originals, display_width), _wrap_width(originals, len))
    indented = {n for n, t in lines if t and raw.get(n, t)[:1] in (" ", "\t", "\u3000")}
    marks_paragraphs = len(indented) >= max(3, 0.05 * len(originals))
    units: list[Unit] = []
    joined: list[int] = []
    current: Unit | None = None
    last_piece = ""
    blanks = 0
    for number, text in lines:
        if not text:
            blanks += 1
            continue
        indents = (number not in indented) if marks_paragraphs else None
        raw_next = raw.get(number, text).rstrip()
        if current is not None and _joins(current.text, last_piece, text, raw_next, blanks, wrap, lang, indents):
            current.spans[0].text = _glue(current.spans[0].text, text)
            current.joined += 1
            joined.append(number)
        else:
            current = Unit([Span(text)], number)
            units.append(current)
        last_piece = raw_next
        blanks = 0
    return units, joined


def _english_heading_line(text: str, wrap: int) -> bool:
    """A line that ends its paragraph although more lines follow: a heading, a title, an address line."""
    if text.endswith((".", ",", ";")) or (text[-1].isalpha() and text[-1].islower() and len(text) > wrap * 0.6):
        return False
    if len(text) < wrap * 0.6:
        return True
    letters = [c for c in text if c.isalpha()]
    caps = len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)
    return (caps or numbering(text, "en") is not None) and len(text) <= max(40, wrap * 0.8)


def join_english(lines: list[tuple[int, str]]) -> tuple[list[Unit], list[int]]:
    """English text: paragraphs are blocks between blank lines, their lines joined with spaces."""
    lengths = sorted(len(t) for _, t in lines if t)
    wrap = lengths[int(len(lengths) * 0.9) - 1] if len(lengths) >= 10 else max(lengths, default=72)
    units: list[Unit] = []
    joined: list[int] = []
    current: Unit | None = None
    last_piece = ""
    for number, text in lines:
        if not text:
            current = None
            continue
        starts_new = (
            current is None
            or _english_heading_line(last_piece, wrap)
            or numbering(text, "en") is not None
            or re.match(r"^[-*•·]\s", text) is not None
            or is_salutation(last_piece)
            or starts_block(text, "en")
        )
        if current is not None and not starts_new:
            piece = current.spans[0].text
            if piece.endswith("-") and len(piece) > 1 and piece[-2].isalpha() and text[0].islower():
                current.spans[0].text = piece + text
            else:
                current.spans[0].text = f"{piece} {text}"
            current.joined += 1
            joined.append(number)
        else:
            current = Unit([Span(text)], number)
            units.append(current)
        last_piece = text
    return units, joined


def text_units(text: str, lang: str) -> tuple[list[Unit], list[Dropped], list[int]]:
    """Plain text → units, with the lines dropped and the lines joined."""
    raw_lines = dict(enumerate(text.split("\n"), start=1))
    lines = [(number, clean_line(raw)) for number, raw in raw_lines.items()]
    kept, dropped = drop_furniture(lines)
    if lang == "en":
        units, joined = join_english(kept)
    else:
        units, joined = join_chinese(kept, lang, raw_lines)
    return units, dropped, joined
