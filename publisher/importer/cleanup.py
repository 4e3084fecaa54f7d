"""Clean-up of pasted text: page furniture, page numbers, tables, odd spaces, broken lines.

Text copied from a web page brings the page with it: navigation, breadcrumbs,
``【字体：大 中 小】``, ``视力保护色：``, share buttons, the file names of
attachments, ``有话要说...``, ``责任编辑`` lines. Those are dropped before the
first and after the last line of real text, and every dropped line is reported
(the title block finds lines of the page that no pattern knows:
:mod:`.titleblock`). Text converted from a PDF brings page numbers (``— 3 —``,
``Page 3 of 20``, a bare number at a form feed) and running heads: they are
dropped wherever they are. Lines of cells separated by tabs (or, in a PDF's
text, by runs of spaces) are tables.

No-break spaces become spaces, indents go, and lines broken in the middle of a
paragraph are joined again. Where the text marks paragraphs with an indent
(``　　`` or spaces), a line without one goes on the paragraph above; where it
does not, the width most lines reach (the hard-wrap margin) decides. Every
join and every doubtful break is a :class:`~.decisions.Decision`.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from .decisions import LIKELY, SURE, UNSURE, Decision
from .model import Dropped, Span, Unit
from .structure import (
    CANNOT_START,
    CLOSERS,
    CONTINUATION,
    MAX_PLAIN_HEADING,
    SENTENCE_END,
    display_width,
    ends_sentence,
    first_sentence_end,
    is_appendix,
    is_fragment,
    is_salutation,
    numbering,
    starts_block,
)
from .titleblock import is_organisation, is_speaker

FURNITURE = [
    re.compile(r"字\s*[体體号號]\s*[:：]?\s*[【\[〔]?\s*大\s*[】\]〕]?\s*[【\[〔]?\s*中\s*[】\]〕]?\s*[【\[〔]?\s*小"),
    re.compile(r"^[【\[]?\s*大\s*[】\]]?\s*[【\[]?\s*中\s*[】\]]?\s*[【\[]?\s*小\s*[】\]]?$"),
    re.compile(
        r"^[【\[]?(责任编辑|責任編輯|编辑|編輯|责编|審核|审核|审校|校对|校對|来源|來源|信息来源|文章来源|稿源|发布时间|發佈時間|"
        r"发布日期|發布日期|更新时间|作者|浏览次数|瀏覽次數|阅读次数|阅读量|点击数|点击量|访问量|浏览量|索引号|"
        r"发文机关|发布机构|主题分类|成文日期|文号|发文字号|分享|分享到|视力保护色|護眼模式|护眼模式|背景色|背景颜色|"
        r"相关附件|相關附件|附件下载|附件下載|下载附件|相关文件|文件下载|扫码|時間|时间|日期|信息分类|公开方式|"
        r"公开范围|有效性|主题词|关键词|关键字)\s*[:：]"
    ),
    re.compile(
        r"(打印本页|打印本文|打印此页|关闭窗口|關閉窗口|关闭本页|返回顶部|回到顶部|加入收藏|收藏本页|我要纠错|分享到|分享至|"
        r"扫一扫|掃一掃|在手机打开|手机扫码|二维码|二維碼|有话要说|我要评论|发表评论|網友評論|网友评论|相关链接|相關鏈接|"
        r"相关阅读|相关新闻|相关文章|上一篇|下一篇|版权所有|版權所有|网站地图|網站地圖|联系我们|ICP备|ICP證|公网安备|"
        r"网站标识码|主办单位|主辦單位|承办单位|技术支持|技術支持|当前位置|當前位置|您的位置|您现在的位置|所在位置|"
        r"无障碍|長者模式|长者模式|适老化|视力保护色|Copyright|copyright|©)"
    ),
    re.compile(
        r"^[【\[]?(首页|首頁|主页|返回|登录|注册|搜索|English|繁體|简体|繁体|打印|关闭|關閉|收藏|分享|微信|微博|QQ空间|"
        r"朋友圈|字号|大|中|小|默认|默認|护眼|[Pp]rint|[Cc]lose|[Ss]hare)[】\]]?$"
    ),
    re.compile(r"^[-=_*~·•—─━]{3,}$"),
    re.compile(r"^[^\s。，；：:]{1,80}\.(?:pdf|PDF|docx?|DOCX?|xlsx?|XLSX?|wps|WPS|et|ofd|OFD|zip|ZIP|rar|RAR)$"),
]
"""Lines of a web page around the report: navigation, page tools, editor lines, attachments' file names."""
BREADCRUMB = re.compile(r"[>＞»›→]")
NAV_SEPARATORS = re.compile(r"[\s|｜/·•]+")
PAGE_NUMBER = re.compile(
    r"^(?:[-－—–]\s*[0-9０-９]{1,4}\s*[-－—–]"
    r"|第\s*[0-9０-９]{1,4}\s*页(?:\s*[,，/]?\s*共\s*[0-9０-９]{1,4}\s*页)?"
    r"|(?:Page|PAGE|page)\s+[0-9]{1,4}(?:\s+of\s+[0-9]{1,4})?"
    r"|[0-9]{1,4}\s*/\s*[0-9]{1,4})$"
)
"""A page number however it is dressed: ``— 3 —``, ``第3页 共20页``, ``Page 3 of 20``, ``3 / 20``."""
BARE_NUMBER = re.compile(r"^[0-9]{1,4}$")
FOOTER = re.compile(
    r"^(?P<head>\S.{2,78}?)\s{3,}(?P<page>[0-9]{1,4})$|^(?P<page2>[0-9]{1,4})\s{3,}(?P<head2>\S.{2,78})$"
)
"""A running head or foot with its page number: ``Annual Report 2023        2``."""
SPACED_CELLS = re.compile(r"\s{2,}")


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
            where = "before the report" if i < first else "after the report"
            dropped.append(Dropped(number, text, "page furniture", f"a line of the web page {where}"))
        else:
            kept.append((number, text))
    return kept, dropped


def drop_page_marks(
    lines: list[tuple[int, str]], raw: dict[int, str]
) -> tuple[list[tuple[int, str]], list[Dropped], set[int]]:
    """Page numbers and running heads of a text converted from a PDF, wherever they are.

    Returns the lines kept, the lines dropped and the kept lines that start a
    page (after a dropped page mark or a form feed): a paragraph may go on there.
    """
    feeds = {n for n, text in raw.items() if "\f" in text}
    nonblank = [(n, t) for n, t in lines if t]
    near_feed = set()
    for i, (number, _) in enumerate(nonblank):
        before = nonblank[i - 1][0] if i else 0
        after = nonblank[i + 1][0] if i + 1 < len(nonblank) else number + 1
        if any(before < f <= number or number < f <= after for f in feeds):
            near_feed.add(number)
    heads: Counter[str] = Counter()
    for _, text in nonblank:
        found = FOOTER.match(text)
        if found:
            heads[(found.group("head") or found.group("head2")).strip()] += 1
    repeated = Counter(t for _, t in nonblank if len(t) <= 60)
    bare = [(n, int(t)) for n, t in nonblank if BARE_NUMBER.match(t)]
    rising: set[int] = set()
    for (n, v), (n2, v2) in itertools.pairwise(bare):
        if 0 < v2 - v <= 3 and n2 - n >= 8:
            rising |= {n, n2}
    kept: list[tuple[int, str]] = []
    dropped: list[Dropped] = []
    for number, text in lines:
        why = ""
        footer = FOOTER.match(text) if text else None
        if text and PAGE_NUMBER.match(text):
            why = "a page number"
        elif text and BARE_NUMBER.match(text) and (number in near_feed or number in rising):
            why = (
                "a page number at a page break" if number in near_feed else "a page number (they rise through the text)"
            )
        elif footer and heads[(footer.group("head") or footer.group("head2")).strip()] >= 2:
            why = "a running head with its page number, on every page"
        elif footer and number in near_feed:
            why = "a running head with its page number, at a page break"
        elif text and number in near_feed and repeated[text] >= 3 and not ends_sentence(text):
            why = "a running head, repeated at every page break"
        if why:
            dropped.append(Dropped(number, text, "page numbers and running heads", why))
        else:
            kept.append((number, text))
    page_starts: set[int] = set()
    removed = {d.line for d in dropped} | feeds
    previous = 0
    for number, text in kept:
        if text:
            if any(previous < r <= number for r in removed):
                page_starts.add(number)
            previous = number
    return kept, dropped, page_starts


# ----------------------------------------------------------------------- tables


def _cells(raw: str) -> list[str] | None:
    """The cells of a line separated by tabs, if it has any."""
    text = raw.strip(" \u3000\r\f")
    if "\t" not in text:
        return None
    cells = [c.strip(" \u3000") for c in re.split(r"\t+", text)]
    return cells if len(cells) >= 2 else None


def _spaced_cells(text: str) -> list[str] | None:
    """The cells of a line of a PDF's text whose columns are aligned with spaces (short cells, no sentence)."""
    cells = [c for c in SPACED_CELLS.split(text.strip()) if c]
    if len(cells) < 2 or any(len(c) > 40 or c.endswith((".", "。")) for c in cells):
        return None
    return cells


def find_tables(lines: list[tuple[int, str]], raw: dict[int, str]) -> tuple[list[tuple[int, str]], list[Unit]]:
    """Runs of lines that are rows of cells become table units; returns the other lines and the tables.

    A run is two or more lines of tab-separated cells, or three or more lines
    whose columns are aligned with runs of spaces with a number in most rows.
    """
    tables: list[Unit] = []
    kept: list[tuple[int, str]] = []
    i = 0
    while i < len(lines):
        number, text = lines[i]
        for spaced, minimum in ((False, 2), (True, 3)):
            rows: list[list[str]] = []
            j = i
            while j < len(lines) and lines[j][1]:
                n, t = lines[j]
                cells = _spaced_cells(t) if spaced else _cells(raw.get(n, t))
                if cells is None:
                    break
                rows.append(cells)
                j += 1
            width = Counter(len(r) for r in rows).most_common(1)[0][0] if rows else 0
            numeric = sum(1 for r in rows[1:] if any(re.search(r"[0-9]", c) for c in r[1:]))
            if (
                len(rows) >= minimum
                and sum(1 for r in rows if len(r) == width) >= 0.8 * len(rows)
                and (not spaced or numeric >= 0.6 * (len(rows) - 1))
            ):
                cells_of = [[[Span(cell)] for cell in row] for row in rows]
                tables.append(Unit([Span(" ".join(" ".join(r) for r in rows))], number, "table", rows=cells_of))
                tables[-1].joined = len(rows) - 1
                kept.append((number, "\x00table"))
                kept.extend((lines[k][0], "\x00row") for k in range(i + 1, j))
                i = j
                break
        else:
            kept.append((number, text))
            i += 1
    return kept, tables


# ---------------------------------------------------------------------- joining


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


def _margin(widths: list[int]) -> int | None:
    """The margin lines that certainly go on were wrapped at: most of them end within a few columns."""
    if len(widths) < 2:
        return None
    ranked = sorted(widths)
    median = ranked[len(ranked) // 2]
    band = [w for w in widths if median - 3 <= w <= median + 2]
    return max(band) if len(band) >= 0.6 * len(widths) and median >= 16 else None


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

    @property
    def known(self) -> bool:
        """Whether the text is hard-wrapped at all."""
        return self.columns is not None or self.characters is not None

    def describe(self) -> str:
        if self.characters is not None:
            return f"{self.characters} characters"
        return f"{self.columns} columns"


def _glue(left: str, right: str) -> str:
    """Join two pieces of a broken line: a space only between two Latin words."""
    if left and right and left[-1].isascii() and left[-1].isalpha() and right[0].isascii() and right[0].isalpha():
        return f"{left} {right}"
    return left + right


@dataclass
class _Layout:
    """What the whole text says about its paragraphs."""

    wrap: Wrap
    indents: bool
    """Paragraph starts are indented (so a line without an indent goes on the paragraph above)."""
    indented: set[int] = field(default_factory=set)
    """Lines with an indent."""
    page_starts: set[int] = field(default_factory=set)
    """Lines that start a page of a PDF's text."""
    ends_at_margin: float = 0.5
    """How often a line ending with a sentence end at the margin ends its paragraph, judged from the text:
    paragraph ends seen before the margin against sentence ends inside full lines."""


@dataclass
class _Join:
    """Whether a line goes on the paragraph above, why, and how sure that is."""

    joins: bool
    reason: str
    confidence: float = SURE


def _heading_like(text: str) -> bool:
    """A short line without punctuation: a heading rather than the end of a paragraph."""
    return len(text) <= MAX_PLAIN_HEADING and not re.search(r"[。！？；;，,：:]", text) and text[-1] not in CONTINUATION


def _join_chinese(
    current: Unit,
    first_piece: str,
    last_piece: str,
    nxt: str,
    raw_next: str,
    blanks: int,
    layout: _Layout,
    lang: str,
    page_start: bool = False,
) -> _Join:
    """Whether line ``nxt`` continues the paragraph in ``current`` (Chinese text), and why."""
    text = current.text
    wrap = layout.wrap
    indented = raw_next[:1] in (" ", "\t", "\u3000")
    if blanks > 1:
        return _Join(False, "blank lines before it")
    if layout.indents and indented:
        return _Join(False, "indented: a new paragraph")
    if starts_block(nxt, lang) and not is_fragment(nxt):
        return _Join(False, "it starts with a numbering, a note or a date")
    if is_appendix(text, lang):
        return _Join(False, "the line above starts an appendix")
    if current.hint == "table":
        return _Join(False, "the lines above are a table")
    if text[-1] in CONTINUATION and blanks <= 1:
        return _Join(True, f"the line above ends with {text[-1]}")
    if nxt[0] in CANNOT_START:
        return _Join(True, f"it starts with {nxt[0]}")
    if is_fragment(nxt) or is_fragment(last_piece):
        return _Join(True, "a bit of a word or number broken off")
    if blanks == 0 and len(nxt) <= 4 and ends_sentence(nxt) and not ends_sentence(text) and len(text) >= 16:
        return _Join(True, "a few characters that finish the sentence above", LIKELY)
    if is_speaker(nxt) or (is_organisation(nxt, lang) and len(nxt) <= 20):
        return _Join(False, "a byline or the name of an organisation")
    if text[-1].isascii() and text[-1].isalnum() and nxt[0].isascii() and nxt[0].isalnum() and blanks == 0:
        return _Join(True, "a word or number broken over two lines", LIKELY)
    if blanks:
        if page_start and not ends_sentence(text) and not _heading_like(text):
            return _Join(True, "the paragraph goes on after a page break", LIKELY)
        return _Join(False, "a blank line before it")
    if numbering(text, lang) is not None and first_sentence_end(text) is None and wrap.reached(raw_next):
        # A heading, then a full line of text: the heading ended, unless that line starts by finishing it.
        end = first_sentence_end(nxt)
        if end is None or end > 8:
            return _Join(False, "the line above is a numbered heading and this is a full line of text")
    paragraph_above = not layout.indents or first_piece[:1] in (" ", "\t", "\u3000") or wrap.reached(first_piece)
    if not ends_sentence(text):
        if layout.indents and paragraph_above:
            return _Join(True, "no indent: the paragraph above goes on (the text indents paragraphs)")
        if wrap.reached(last_piece):
            return _Join(True, f"the line above reaches the margin of the hard-wrapped text ({wrap.describe()})")
        return _Join(False, "the line above is short" if wrap.known else "a line of its own")
    # The line above ends with a sentence end: at the margin it may go on.
    if not wrap.reached(last_piece):
        return _Join(False, "the line above ends a sentence before the margin" if wrap.known else "a line of its own")
    if _heading_like(nxt) and not wrap.reached(raw_next):
        return _Join(False, "a short line without punctuation: a heading", LIKELY)
    if layout.indents:
        return _Join(True, "the line above ends with a sentence end at the margin and this line has no indent", LIKELY)
    if text.rstrip().rstrip(CLOSERS)[-1] not in SENTENCE_END:
        return _Join(True, f"the line above ends with {text.rstrip()[-1]} at the margin ({wrap.describe()})", LIKELY)
    return _Join(
        True,
        f"the line above ends with {text.rstrip()[-1]} at the margin ({wrap.describe()}): it may end there",
        UNSURE,
    )


def _indent_layout(lines: list[tuple[int, str]], raw: dict[int, str], lang: str) -> tuple[bool, set[int]]:
    """Whether the text marks paragraph starts with an indent, and the lines indented."""
    nonblank = [(n, t) for n, t in lines if t and not t.startswith("\x00")]
    indented = {n for n, t in nonblank if raw.get(n, t)[:1] in (" ", "\t", "\u3000")}
    flush = [n for n, t in nonblank if n not in indented and not starts_block(t, lang)]
    marks = len(indented) >= 2 and len(indented) >= 0.05 * len(nonblank) and bool(flush)
    return marks, indented


def join_chinese(
    lines: list[tuple[int, str]],
    lang: str,
    raw: dict[int, str] | None = None,
    page_starts: set[int] | None = None,
) -> tuple[list[Unit], list[int], list[Decision]]:
    """One unit per paragraph; lines broken mid-paragraph joined, with the decisions.

    ``raw``: the input lines as they were (indent included), by line number: a
    hard-wrapped text counts the indent in its line width, and an indent marks
    where a paragraph starts.
    """
    raw = raw or {}
    marks, indented = _indent_layout(lines, raw, lang)
    originals = [(n, raw.get(n, t).rstrip()) for n, t in lines if t and not t.startswith("\x00")]
    # Lines that certainly go on (no sentence end, the next line not a new block): their widths give the margin.
    going_on: list[str] = []
    for (n, line), (n2, nxt) in itertools.pairwise(originals):
        text = line.strip(" \t\u3000")
        if (
            n2 == n + 1
            and text
            and not ends_sentence(text)
            and text[-1] not in CONTINUATION
            and not starts_block(nxt.strip(" \t\u3000"), lang)
            and (not marks or n2 not in indented)
            and numbering(text, lang) is None
            and len(text) >= 16
        ):
            going_on.append(line)
    columns = _margin([display_width(t) for t in going_on])
    characters = _margin([len(t) for t in going_on])
    if columns is None and characters is None and going_on:
        # Few lines certainly go on: the widths most lines reach, if one of those lines reaches it.
        plain = [t for _, t in originals]
        columns, characters = _wrap_width(plain, display_width), _wrap_width(plain, len)
        if not any(Wrap(columns, characters).reached(t) for t in going_on):
            columns = characters = None
    if columns is None and characters is None and originals:
        # Little evidence: lines of the greatest length, one of them broken mid-sentence, show the margin.
        longest = max(len(t) for _, t in originals)
        at_most = [t.strip(" \t\u3000") for _, t in originals if len(t) >= longest - 1]
        if longest >= 16 and len(at_most) >= 2 and any(not ends_sentence(t) for t in at_most):
            characters = longest
    layout = _Layout(Wrap(columns, characters), marks, indented, page_starts or set())
    if layout.wrap.known:
        full = [t.strip(" \t\u3000") for _, t in originals if layout.wrap.reached(t)]
        short = [t.strip(" \t\u3000") for _, t in originals if not layout.wrap.reached(t)]
        paragraph_ends = sum(1 for t in short if t and t.rstrip(CLOSERS)[-1:] in SENTENCE_END)
        inner_ends = sum(sum(1 for c in t[:-1] if c in SENTENCE_END) for t in full)
        if paragraph_ends + inner_ends:
            layout.ends_at_margin = paragraph_ends / (paragraph_ends + inner_ends)
    units: list[Unit] = []
    joined: list[int] = []
    decisions: list[Decision] = []
    current: Unit | None = None
    first_piece = last_piece = ""
    blanks = 0
    for number, text in lines:
        if not text:
            blanks += 1
            continue
        if text.startswith("\x00"):
            current = None  # a table's row
            blanks = 0
            continue
        raw_next = raw.get(number, text).rstrip()
        col = len(raw_next) - len(raw_next.lstrip(" \t\u3000\ufeff")) + 1
        if current is not None:
            page_start = number in layout.page_starts
            join = _join_chinese(current, first_piece, last_piece, text, raw_next, blanks, layout, lang, page_start)
            if join.joins:
                current.spans[0].text = _glue(current.spans[0].text, text)
                current.joined += 1
                joined.append(number)
                decisions.append(
                    Decision(
                        number, col, text, f"part of the paragraph of line {current.line}", join.reason, join.confidence
                    )
                )
                last_piece = raw_next
                blanks = 0
                continue
            if join.confidence < SURE:
                decisions.append(
                    Decision(number, col, text, "the start of a new paragraph", join.reason, join.confidence)
                )
        current = Unit([Span(text)], number, col=col)
        units.append(current)
        first_piece = last_piece = raw_next
        blanks = 0
    return units, joined, decisions


def _english_heading_line(text: str, wrap: int) -> bool:
    """A line that ends its paragraph although more lines follow: a heading, a title, an address line."""
    if text.endswith((".", ",", ";")) or (text[-1].isalpha() and text[-1].islower() and len(text) > wrap * 0.6):
        return False
    if len(text) < wrap * 0.6:
        return True
    letters = [c for c in text if c.isalpha()]
    caps = len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)
    return (caps or numbering(text, "en") is not None) and len(text) <= max(40, wrap * 0.8)


def join_english(
    lines: list[tuple[int, str]], page_starts: set[int] | None = None
) -> tuple[list[Unit], list[int], list[Decision]]:
    """English text: paragraphs are blocks between blank lines, their lines joined with spaces.

    A paragraph broken by a page break (the line before it does not end a
    sentence, the page goes on in lower case) is joined across it.
    """
    page_starts = page_starts or set()
    lengths = sorted(len(t) for _, t in lines if t and not t.startswith("\x00"))
    wrap = lengths[int(len(lengths) * 0.9) - 1] if len(lengths) >= 10 else max(lengths, default=72)
    units: list[Unit] = []
    joined: list[int] = []
    decisions: list[Decision] = []
    current: Unit | None = None
    last_piece = ""
    blank = False
    for number, text in lines:
        if not text:
            blank = True
            continue
        if text.startswith("\x00"):
            current = None
            blank = False
            continue
        across_page = (
            blank
            and number in page_starts
            and current is not None
            and not current.text.endswith((".", "!", "?", ":"))
            and text[:1].islower()
        )
        starts_new = (
            current is None
            or (blank and not across_page)
            or _english_heading_line(last_piece, wrap)
            or numbering(text, "en") is not None
            or re.match(r"^[-*•·]\s", text) is not None
            or is_salutation(last_piece)
            or starts_block(text, "en")
        )
        blank = False
        if current is not None and not starts_new:
            piece = current.spans[0].text
            if piece.endswith("-") and len(piece) > 1 and piece[-2].isalpha() and text[0].islower():
                current.spans[0].text = piece + text
            else:
                current.spans[0].text = f"{piece} {text}"
            current.joined += 1
            joined.append(number)
            reason = "the paragraph goes on after a page break" if across_page else "no blank line between"
            decisions.append(Decision(number, 1, text, f"part of the paragraph of line {current.line}", reason))
        else:
            current = Unit([Span(text)], number)
            units.append(current)
        last_piece = text
    return units, joined, decisions


def text_units(text: str, lang: str) -> tuple[list[Unit], list[Dropped], list[int], list[Decision]]:
    """Plain text → units, with the lines dropped, the lines joined and the decisions taken."""
    raw_lines = dict(enumerate(text.split("\n"), start=1))
    lines = [(number, clean_line(raw)) for number, raw in raw_lines.items()]
    lines, marks, page_starts = drop_page_marks(lines, raw_lines)
    kept, dropped = drop_furniture(lines)
    kept, tables = find_tables(kept, raw_lines)
    if lang == "en":
        units, joined, decisions = join_english(kept, page_starts)
    else:
        units, joined, decisions = join_chinese(kept, lang, raw_lines, page_starts)
    units = sorted([*units, *tables], key=lambda u: u.line)
    for table in tables:
        rows = len(table.rows)
        decisions.append(
            Decision(table.line, 1, table.text, f"a table of {rows} rows", "lines of cells separated by tabs or spaces")
        )
    return units, sorted([*marks, *dropped], key=lambda d: d.line), joined, decisions
