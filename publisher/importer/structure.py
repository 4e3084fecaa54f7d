"""What the structure of a report is made of: numberings, sentence ends, notes, appendices, dates.

Chinese reports number their headings ``一、`` → ``（一）`` → ``1.`` → ``（1）``
(half- or full-width digits and brackets), over ``第一部分``, ``第一章``,
``第一节`` or ``第一、``; English reports ``1.``, ``1.1``, ``I.``. The functions
here look at one line; :mod:`.outline` decides, from the whole document, what
each line is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..typeset.chars import is_han
from .model import Span

# ------------------------------------------------------------------ characters

_CN_NUM = "零〇一二三四五六七八九十百两"
_CN = f"[{_CN_NUM}]+"
_AR = "[0-9０-９]{1,3}"
_OPEN = r"[（(]"
_CLOSE = r"[）)]"
_NOT_DIGIT = r"(?![0-9０-９])"

SENTENCE_END = "。！？!?"
"""Characters that end a sentence (a run-in heading ends at the first one)."""
CLOSERS = "”’」』）)】〕》\"'"
"""Closing quotes and brackets that may follow a sentence end."""
TERMINAL = SENTENCE_END + "；;：:…"
"""A line ending with one of these is not broken mid-sentence."""
CONTINUATION = "，,、（(“‘《〈「『—-/"
"""A line ending with one of these certainly goes on in the next line."""
CANNOT_START = "，,。、；;：:！？!?）)」』”’》〉%％"
"""A line starting with one of these is the end of the line before."""

_SIMPLIFIED = (
    "们这个来说时会对国发为与学经开关点区实应进还当将从问题动体业处现过见门头机间东车书条义际务报总产线统导"
    "谁级类该认议让设证识语读调财责费资质边达运选释钟铁银错闭队阳阶难须顺领风飞馆马验鱼鸟黄齐龙乡镇办党济计划项县"
)
_TRADITIONAL = (
    "們這個來說時會對國發為與學經開關點區實應進還當將從問題動體業處現過見門頭機間東車書條義際務報總產線統導"
    "誰級類該認議讓設證識語讀調財責費資質邊達運選釋鐘鐵銀錯閉隊陽階難須順領風飛館馬驗魚鳥黃齊龍鄉鎮辦黨濟計劃項縣"
)
SIMPLIFIED_ONLY = frozenset(_SIMPLIFIED) - frozenset(_TRADITIONAL)
TRADITIONAL_ONLY = frozenset(_TRADITIONAL) - frozenset(_SIMPLIFIED)


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced editor (CJK and full-width characters count 2)."""
    return sum(2 if is_han(c) or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" else 1 for c in text)


def detect_lang(text: str) -> str:
    """``zh-CN``, ``zh-TW`` (Traditional characters) or ``en`` (Latin letters, few ideographs)."""
    cjk = sum(1 for c in text if is_han(c))
    latin = sum(1 for c in text if c.isascii() and c.isalpha())
    if latin and cjk * 4 < latin:
        return "en"
    traditional = sum(1 for c in text if c in TRADITIONAL_ONLY)
    simplified = sum(1 for c in text if c in SIMPLIFIED_ONLY)
    if traditional >= 3 and traditional > 2 * simplified:
        return "zh-TW"
    return "zh-CN"


def ends_sentence(text: str) -> bool:
    """The line ends with a sentence end, a semicolon or a colon (closing quotes skipped)."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in TERMINAL


def cn_value(numeral: str) -> int:
    """The value of a Chinese (``二十三``) or Arabic (``２３``) numeral; 0 if it is not one."""
    digits = numeral.translate(FULLWIDTH_DIGITS)
    if digits.isdigit():
        return int(digits)
    values = {
        "零": 0,
        "〇": 0,
        "一": 1,
        "二": 2,
        "两": 2,
        "三": 3,
        "四": 4,
        "五": 5,
        "六": 6,
        "七": 7,
        "八": 8,
        "九": 9,
    }
    total, current = 0, 0
    for char in numeral:
        if char in values:
            current = values[char]
        elif char == "十":
            total += (current or 1) * 10
            current = 0
        elif char == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return 0
    return total + current


FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_FORMAL_DIGITS = str.maketrans("壹贰貳叁參肆伍陆陸柒捌玖拾", "一二二三三四五六六七八九十")

# ------------------------------------------------------------------- patterns


@dataclass
class Numbering:
    """The numbering at the start of a line."""

    kind: str
    """``part``, ``chap``, ``sec``, ``article``, ``cnord`` (第一、), ``cn1``, ``cn2``, ``ar1``, ``ar2``, ``ar3``,
    ``circ``;
    English ``en1``…``en4``, ``roman``."""
    value: int
    """Its number (1 for 一 or １)."""
    end: int
    """Index just after the numbering (and the spaces after it)."""


ZH_NUMBERING: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"^第\s*({_CN}|{_AR})\s*(?:部分|部份|篇|编|編)[\s:：、]*")),
    ("chap", re.compile(rf"^第\s*({_CN}|{_AR})\s*章[\s:：、]*")),
    ("sec", re.compile(rf"^第\s*({_CN}|{_AR})\s*[节節][\s:：、]*")),
    ("article", re.compile(rf"^第\s*({_CN}|{_AR})\s*[条條]\s*")),
    ("cnord", re.compile(rf"^第\s*({_CN})\s*、\s*")),
    ("formal", re.compile(r"^([壹贰貳叁參肆伍陆陸柒捌玖拾]+)\s*[、．.]\s*")),
    ("cn1", re.compile(rf"^({_CN})\s*(?:、|[．.]{_NOT_DIGIT})\s*")),
    ("cn2", re.compile(rf"^{_OPEN}\s*({_CN})\s*{_CLOSE}\s*")),
    ("ar1", re.compile(rf"^({_AR})(?:、|[.．]{_NOT_DIGIT})\s*")),
    ("ar2", re.compile(rf"^{_OPEN}\s*({_AR})\s*{_CLOSE}\s*")),
    ("ar3", re.compile(rf"^({_AR})[）)]\s*")),
    ("circ", re.compile(r"^([①-⑳])\s*")),
]
EN_NUMBERING: list[tuple[str, re.Pattern[str]]] = [
    (
        "part",
        re.compile(r"^(?:PART|Part)\s+([0-9]+|[IVXLC]+|One|Two|Three|Four|Five|ONE|TWO|THREE|FOUR|FIVE)\b[.:]?\s*"),
    ),
    ("chap", re.compile(r"^(?:CHAPTER|Chapter)\s+([0-9]+|[IVXLC]+)\b[.:]?\s*")),
    ("roman", re.compile(r"^([IVX]{1,5})\.\s+")),
    ("en", re.compile(r"^([0-9]{1,2}(?:\.[0-9]{1,2}){0,3})(?:\.|\))?\s+(?=\S)")),
]
HEADING_KINDS_ZH = ("part", "chap", "sec", "formal", "cnord", "cn1", "cn2", "ar1", "ar2", "ar3")
"""Numberings that can make a heading (``第…条`` articles and ①② never do)."""
RANK: dict[str, int] = {
    "part": 0,
    "plain": 0,
    "caps": 0,
    "chap": 1,
    "roman": 1,
    "sec": 2,
    "formal": 2,
    "cnord": 2,
    "cn1": 3,
    "en1": 3,
    "cn2": 4,
    "en2": 4,
    "ar1": 5,
    "en3": 5,
    "ar2": 6,
    "en4": 6,
    "ar3": 7,
}
"""Conventional order of heading kinds, outermost first."""

APPENDIX_ZH = re.compile(
    r"^(附件|附录|附表)\s*([0-9０-９]{1,2}|[一二三四五六七八九十]{1,3}|[A-Za-z])?\s*([：:])?\s*(.*)$"
)
APPENDIX_EN = re.compile(
    r"^(?:APPENDIX|Appendix|ANNEX|Annex|Attachment|ATTACHMENT)\b\s*([A-Z0-9]{0,3})\s*[.:]?\s*(.*)$"
)
NOTE_DEF = re.compile(r"^[［\[〔]\s*([0-9０-９]{1,3})\s*[］\]〕]\s*(.*)$")
NOTE_REF = re.compile(r"[［\[〔]\s*([0-9０-９]{1,3})\s*[］\]〕]")
NOTES_HEADING = re.compile(
    r"^(注释|注|注解|附注|尾注|脚注|說明|註釋|註|名词解释|名詞解釋|Notes?|NOTES?|Footnotes|FOOTNOTES)\s*[:：]?$"
)
SALUTATION = re.compile(
    r"^(各位|尊敬的|亲爱的|親愛的|同志们|同志們|女士们|女士們|先生们|朋友们|朋友們|老师们|同学们)[^。！？]{0,30}[：:，,！!]$"
    r"|^(Dear|Ladies and gentlemen|Fellow|Members of)\b.{0,60}[,:]$"
)
DATE_LINE = re.compile(
    r"^[（(]?\s*(?:[0-9０-９]{4}|[〇零一二三四五六七八九]{4})\s*年"
    r"(?:\s*[0-9０-９〇一二三四五六七八九十]{1,3}\s*月(?:\s*[0-9０-９〇一二三四五六七八九十]{1,3}\s*日)?)?\s*[）)]?$"
    r"|^[0-9]{4}[-./][0-9]{1,2}(?:[-./][0-9]{1,2})?$"
    r"|^(?:(?:January|February|March|April|May|June|July|August|September|October|November|December)\s+"
    r"(?:[0-9]{1,2},?\s+)?)?[0-9]{4}$"
)
TITLE_WORDS = re.compile(
    r"(报告|報告|讲话|講話|总结|總結|要点|要點|计划|計劃|规划|規劃|方案|意见|意見|通知|决定|決定|公报|公報|致辞|致辭|"
    r"发言|發言|汇报|匯報|纲要|綱要|白皮书|白皮書|述职|述職|简报|簡報|纪要|紀要|决议|決議|办法|辦法|措施|细则|細則|"
    r"公告|年鉴|年鑑|情况|情況|"
    r"\b(?:Report|REPORT|Review|REVIEW|Plan|PLAN|Statement|STATEMENT|Summary|SUMMARY|Strategy|STRATEGY|Budget|BUDGET|"
    r"Address|ADDRESS|Speech|SPEECH|Proposal|PROPOSAL|Annual|ANNUAL))"
)
EN_BULLET = re.compile(r"^[-*•·●▪]\s+(?=\S)")
EN_LIST_NUMBER = re.compile(r"^[0-9]{1,3}[.)]\s+\S")
FRAGMENT = re.compile(r"^[A-Za-z0-9０-９.．%％+\-/·°℃₂₃²³㎡μ]{1,8}$")
"""A line that is only a bit of a word or number (``PM``, ``2.5``): part of the sentence around it."""

MAX_HEADING = 60
"""Longest heading without a sentence end (characters after the numbering)."""
MAX_RUN_IN = 50
"""Longest first sentence that makes a run-in heading."""
MAX_STANDALONE_SENTENCE = 24
"""Longest heading that ends with ``。`` and stands on its own line."""
MAX_PLAIN_HEADING = 30
"""Longest unnumbered line taken as a heading."""


def numbering(text: str, lang: str) -> Numbering | None:
    """The numbering at the start of ``text``, if any."""
    if lang == "en":
        for kind, pattern in EN_NUMBERING:
            match = pattern.match(text)
            if match:
                if kind == "en":
                    depth = match.group(1).count(".") + 1
                    value = int(match.group(1).split(".")[-1])
                    return Numbering(f"en{depth}", value, match.end())
                raw = match.group(1)
                value = int(raw) if raw.isdigit() else _roman(raw) or 1
                return Numbering(kind, value, match.end())
        return None
    for kind, pattern in ZH_NUMBERING:
        match = pattern.match(text)
        if match:
            raw = match.group(1)
            if kind == "circ":
                value = ord(raw) - ord("①") + 1
            elif kind == "formal":
                value = cn_value(raw.translate(_FORMAL_DIGITS))
            else:
                value = cn_value(raw)
            return Numbering(kind, value, match.end())
    return None


def _roman(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    if not text or any(c not in values for c in text.upper()):
        return 0
    total = 0
    for i, char in enumerate(text.upper()):
        value = values[char]
        total += -value if i + 1 < len(text) and values[text[i + 1].upper()] > value else value
    return total


def is_salutation(text: str) -> bool:
    """``各位代表：``, ``同志们：``, ``Dear colleagues,``."""
    return len(text) <= 80 and bool(SALUTATION.match(text))


def is_fragment(text: str) -> bool:
    """A line holding only part of a word or number, e.g. ``2.5`` of ``PM2.5``."""
    return bool(FRAGMENT.match(text))


def is_appendix(text: str, lang: str) -> bool:
    """``附件1``, ``附件2 名词解释``, ``Appendix A: Terms`` (not ``附件：1.…``, a list of attachments)."""
    if len(text) > 40 or (ends_sentence(text) and not text.rstrip().endswith(("：", ":"))):
        return False
    if lang == "en":
        match_en = APPENDIX_EN.match(text)
        return match_en is not None and not match_en.group(2).endswith(".")
    match = APPENDIX_ZH.match(text)
    if not match:
        return False
    number, colon, rest = match.group(2), match.group(3), match.group(4)
    if colon and not number:
        return False  # 附件：1.…… lists the attachments
    return not rest or numbering(rest, lang) is None


def starts_block(text: str, lang: str) -> bool:
    """A line that starts something new (numbering, appendix, note, salutation): never a continuation."""
    return (
        numbering(text, lang) is not None
        or is_appendix(text, lang)
        or bool(NOTE_DEF.match(text))
        or is_salutation(text)
        or bool(DATE_LINE.match(text))
        or bool(NOTES_HEADING.match(text))
    )


def first_sentence_end(text: str) -> int | None:
    """Index just after the first sentence end (and closing quotes after it), if any."""
    depth = 0
    for i, char in enumerate(text):
        if char in "“「『《（(":
            depth += 1
        elif char in "”」』》）)":
            depth = max(0, depth - 1)
        elif char in SENTENCE_END and depth == 0:
            end = i + 1
            while end < len(text) and text[end] in CLOSERS:
                end += 1
            return end
    return None


def split_spans(spans: list[Span], index: int) -> tuple[list[Span], list[Span]]:
    """Spans split at character ``index`` of their plain text; leading spaces of the second part go."""
    left: list[Span] = []
    right: list[Span] = []
    seen = 0
    for span in spans:
        if span.note or span.image:
            (left if seen <= index and not right else right).append(span)
            continue
        if seen + len(span.text) <= index:
            left.append(span)
        elif seen >= index:
            right.append(span)
        else:
            cut = index - seen
            left.append(_with_text(span, span.text[:cut]))
            right.append(_with_text(span, span.text[cut:]))
        seen += len(span.text)
    while right and not right[0].note and not right[0].image and not right[0].text.strip():
        right.pop(0)
    if right and not right[0].note and not right[0].image:
        right[0] = _with_text(right[0], right[0].text.lstrip())
    return left, right


def _with_text(span: Span, text: str) -> Span:
    return Span(text, span.bold, span.italic, span.note, span.image, span.raw)


def is_caps(text: str) -> bool:
    """Latin text in capitals (``1. HOUSING``)."""
    letters = [c for c in text if c.isascii() and c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)
