"""Structure detection: units of text → title block, headings with levels, notes, appendices.

Chinese reports number their headings ``一、`` → ``（一）`` → ``1.`` → ``（1）``
(half- or full-width digits and brackets); a document uses the levels it
needs, starting wherever it likes. A numbered line is

* a heading when it is short and has no sentence end (``一、坚持以党建为引领``);
* a *run-in* heading when its first sentence is short and more text follows on
  the same line (``（一）政治建设更加自觉坚定。坚持……``): the heading is the
  first sentence, the rest a paragraph;
* a numbered paragraph otherwise, and also when several numbered lines follow
  each other with nothing between (a list), inside appendices, and for
  ``一是…二是…`` (not numbering at all).

The kinds found are ranked in the conventional order and mapped onto Markdown
levels from ``#`` down, so a report that starts at ``（一）`` gets ``#`` for
``（一）``. English reports have numbered (``1.``, ``1.1``) and ALL-CAPS headings.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

from ..typeset.chars import is_han
from .model import (
    Block,
    Document,
    Dropped,
    FrontLine,
    Heading,
    ListItem,
    NoteDef,
    Paragraph,
    RawBlock,
    Span,
    TableBlock,
    Unit,
    spans_text,
)

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


def is_cjk(char: str) -> bool:
    """A CJK ideograph (the publisher's one definition: :func:`publisher.typeset.chars.is_han`)."""
    return is_han(char)


def display_width(text: str) -> int:
    """Columns the text takes in a monospaced editor (CJK and full-width characters count 2)."""
    return sum(2 if is_cjk(c) or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" else 1 for c in text)


def detect_lang(text: str) -> str:
    """``zh-CN``, ``zh-TW`` (Traditional characters) or ``en`` (Latin letters, few ideographs)."""
    cjk = sum(1 for c in text if is_cjk(c))
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
    digits = numeral.translate(_FULLWIDTH_DIGITS)
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


_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９．", "0123456789.")
_FORMAL_DIGITS = str.maketrans("壹贰貳叁參肆伍陆陸柒捌玖拾", "一二二三三四五六六七八九十")

# ------------------------------------------------------------------- patterns


@dataclass
class Numbering:
    """The numbering at the start of a line."""

    kind: str
    """``part``, ``chap``, ``sec``, ``article``, ``cn1``, ``cn2``, ``ar1``, ``ar2``, ``ar3``, ``circ``;
    English ``en1``…``en4``, ``roman``."""
    value: int
    """Its number (1 for 一 or １)."""
    end: int
    """Index just after the numbering (and the spaces after it)."""


ZH_NUMBERING: list[tuple[str, re.Pattern[str]]] = [
    ("part", re.compile(rf"^第\s*({_CN}|{_AR})\s*(?:部分|篇|编)[\s:：、]*")),
    ("chap", re.compile(rf"^第\s*({_CN}|{_AR})\s*章[\s:：、]*")),
    ("sec", re.compile(rf"^第\s*({_CN}|{_AR})\s*节[\s:：、]*")),
    ("article", re.compile(rf"^第\s*({_CN}|{_AR})\s*条\s*")),
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
HEADING_KINDS_ZH = ("part", "chap", "sec", "formal", "cn1", "cn2", "ar1", "ar2", "ar3")
"""Numberings that can make a heading (``第…条`` articles and ①② never do)."""
RANK: dict[str, int] = {
    "part": 0,
    "plain": 0,
    "caps": 0,
    "chap": 1,
    "roman": 1,
    "sec": 2,
    "formal": 2,
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
NOTES_HEADING = re.compile(r"^(注释|注|注解|附注|尾注|脚注|說明|註釋|註|Notes?|NOTES?|Footnotes|FOOTNOTES)\s*[:：]?$")
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
SUBTITLE_ZH = re.compile(
    r"^(——|—|--|──|－－)\s*\S|^[（(].*(会议|會議|大会|大會|上的|讲话|講話|报告|報告).*[）)]$|.*(会议上|會議上)$"
)
BYLINE_WORDS = re.compile(
    r"(主任|书记|書記|市长|市長|区长|區長|县长|縣長|镇长|鎮長|局长|局長|主席|部长|部長|厅长|廳長|处长|處長|"
    r"办事处|辦事處|委员会|委員會|人民政府|政府|街道|党工委|黨工委|代表|"
    r"Prepared by|Submitted by|Presented by|^By\s|Department|Council|Committee|Office|Board|Ministry|Agency)"
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


# ----------------------------------------------------------------- title block


def _title_like(unit: Unit, lang: str) -> bool:
    text = unit.text
    limit = 100 if lang == "en" else 40
    return (
        unit.hint in ("", "title")
        and 0 < len(text) <= limit
        and not ends_sentence(text)
        and text[-1] not in CONTINUATION
        and numbering(text, lang) is None
        and not is_salutation(text)
        and not is_appendix(text, lang)
    )


def _front_role(unit: Unit, lang: str) -> str | None:
    """The role of a line after the title: subtitle, date, byline (organisation), or None (body starts)."""
    text = unit.text
    if unit.hint == "subtitle":
        return "subtitle"
    if unit.hint not in ("", "title") or not text or len(text) > (100 if lang == "en" else 50):
        return None
    if DATE_LINE.match(text):
        return "date"
    if lang != "en" and SUBTITLE_ZH.match(text):
        return "subtitle"
    if ends_sentence(text) or numbering(text, lang) is not None or is_salutation(text):
        return None
    if BYLINE_WORDS.search(text) or (lang != "en" and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", text)):
        return "organisation"
    return None


def take_title_block(units: list[Unit], lang: str) -> tuple[list[FrontLine], int]:
    """The title block at the start of the document and the index of the first body unit."""
    if not units:
        return [], 0
    first = units[0]
    if first.hint != "title":
        if not _title_like(first, lang):
            return [], 0
        following = _front_role(units[1], lang) if len(units) > 1 else None
        next_is_salutation = len(units) > 1 and is_salutation(units[1].text)
        if not (TITLE_WORDS.search(first.text) or following or next_is_salutation):
            return [], 0
    front = [FrontLine("title", first.text, first.line)]
    index = 1
    # A title broken over two lines ("佛山市禅城区祖庙街道" / "2021年工作报告").
    if (
        index < len(units)
        and units[index].hint in ("", "title")
        and (units[index].hint == "title" or (lang != "en" and not TITLE_WORDS.search(first.text)))
        and _title_like(units[index], lang)
        and TITLE_WORDS.search(units[index].text)
    ):
        front[0] = FrontLine("title", first.text + units[index].text, first.line)
        index += 1
    seen: set[str] = set()
    while index < len(units) and len(front) < 6:
        role = _front_role(units[index], lang)
        if role is None:
            break
        if role == "subtitle" and "subtitle" in seen and lang == "en":
            break
        front.append(FrontLine(role, units[index].text, units[index].line))
        seen.add(role)
        index += 1
    if lang == "en" and index < len(units) and "subtitle" not in seen:
        # An English subtitle has no mark: a short line without a full stop right after the title.
        unit = units[index]
        text = unit.text
        after = units[index + 1] if index + 1 < len(units) else None
        if (
            unit.hint == ""
            and 0 < len(text) <= 100
            and not ends_sentence(text)
            and numbering(text, lang) is None
            and not _is_caps(text)
            and after is not None
            and _front_role(after, lang) is not None
        ):
            front.append(FrontLine("subtitle", text, unit.line))
            index += 1
            while index < len(units) and len(front) < 6 and (role := _front_role(units[index], lang)):
                front.append(FrontLine(role, units[index].text, units[index].line))
                index += 1
    return front, index


# ------------------------------------------------------------------ detection


@dataclass
class _Item:
    """A unit being classified."""

    unit: Unit
    """The unit."""
    role: str
    """``heading``, ``para``, ``plain`` (an unnumbered heading candidate), ``list``, ``enlist``
    (an English list item), ``table``, ``note``, ``wordnote``, ``notes-heading``, ``appendix``,
    ``raw``, ``merged`` (joined to the appendix heading before it)."""
    kind: str = ""
    """Its numbering kind (also for numbered paragraphs), or the heading kind."""
    value: int = 0
    """Its number."""
    head: list[Span] = field(default_factory=list)
    """The heading's text (for a run-in heading: its first sentence; for a list item: without the marker)."""
    tail: list[Span] = field(default_factory=list)
    """The rest of a run-in heading's line: the paragraph it leads."""
    run_in: bool = False
    """Written run-in, or as a sentence standing over a paragraph."""


def _is_caps(text: str) -> bool:
    letters = [c for c in text if c.isascii() and c.isalpha()]
    return len(letters) >= 3 and sum(c.isupper() for c in letters) >= 0.9 * len(letters)


def _classify(unit: Unit, lang: str) -> _Item:
    text = unit.text
    if unit.hint == "heading":
        run_in = first_sentence_end(text) == len(text.rstrip()) and len(text) <= MAX_RUN_IN
        prefix = "md" if unit.spans and unit.spans[0].raw else "style"
        return _Item(unit, "heading", f"{prefix}{unit.level}", head=unit.spans, run_in=run_in)
    if unit.hint == "list":
        return _Item(unit, "list")
    if unit.hint == "table":
        return _Item(unit, "table")
    if unit.hint == "raw":
        return _Item(unit, "raw")
    if unit.hint == "note":
        return _Item(unit, "wordnote")
    if NOTES_HEADING.match(text):
        return _Item(unit, "notes-heading")
    if NOTE_DEF.match(text):
        return _Item(unit, "note")
    if is_appendix(text, lang):
        return _Item(unit, "appendix", "appendix", head=unit.spans)
    if is_salutation(text) or DATE_LINE.match(text):
        return _Item(unit, "para")
    found = numbering(text, lang)
    if found is not None:
        if lang == "en":
            return _classify_en_numbered(unit, found)
        if found.kind in HEADING_KINDS_ZH:
            return _classify_zh_numbered(unit, found)
        return _Item(unit, "para")
    if lang == "en":
        bullet = EN_BULLET.match(text)
        if bullet:
            return _Item(unit, "enlist", head=split_spans(unit.spans, bullet.end())[1])
        if _is_caps(text) and len(text) <= 80 and not text.rstrip().endswith("."):
            return _Item(unit, "heading", "caps", head=unit.spans)
        return _Item(unit, "para")
    whole_bold = all(s.bold or not s.text.strip() for s in unit.spans) and any(s.bold for s in unit.spans)
    if (
        0 < len(text) <= MAX_PLAIN_HEADING
        and not ends_sentence(text)
        and text[-1] not in CONTINUATION
        and any(is_cjk(c) or c.isalpha() for c in text)
        and not is_fragment(text)
    ) or (whole_bold and 0 < len(text) <= MAX_HEADING and not text.rstrip().endswith(("。", "；"))):
        return _Item(unit, "plain", "plain", head=unit.spans)
    return _Item(unit, "para")


def _classify_zh_numbered(unit: Unit, found: Numbering) -> _Item:
    text = unit.text
    rest = text[found.end :]
    if not rest.strip():
        return _Item(unit, "para", found.kind, found.value)
    end = first_sentence_end(rest)
    if end is None:
        stripped = rest.rstrip()
        if stripped[-1] in "，,、；;" or len(stripped) > MAX_HEADING:
            return _Item(unit, "para", found.kind, found.value)
        if stripped[-1] in "：:" and len(stripped) > 16:
            return _Item(unit, "para", found.kind, found.value)
        return _Item(unit, "heading", found.kind, found.value, head=unit.spans)
    tail_text = rest[end:].strip()
    if end <= MAX_RUN_IN and tail_text and not unit.spans[0].raw:
        head, tail = split_spans(unit.spans, found.end + end)
        return _Item(unit, "heading", found.kind, found.value, head=head, tail=tail, run_in=True)
    if (
        end <= MAX_RUN_IN
        and tail_text
        and unit.spans[0].raw
        and not re.search(r"[*_`\[\]<\\]", text[: found.end + end])
    ):
        head, tail = split_spans(unit.spans, found.end + end)
        return _Item(unit, "heading", found.kind, found.value, head=head, tail=tail, run_in=True)
    if not tail_text and end <= MAX_STANDALONE_SENTENCE:
        return _Item(unit, "heading", found.kind, found.value, head=unit.spans, run_in=True)
    return _Item(unit, "para", found.kind, found.value)


def _classify_en_numbered(unit: Unit, found: Numbering) -> _Item:
    """English numbered lines: ``1.1 Background`` is a heading, ``1. Route 12 runs…`` a list item."""
    item = _classify_en_numbered_heading(unit, found)
    if item.role == "para" and EN_LIST_NUMBER.match(unit.text):
        return _Item(unit, "enlist", found.kind, found.value, head=split_spans(unit.spans, found.end)[1])
    return item


def _classify_en_numbered_heading(unit: Unit, found: Numbering) -> _Item:
    rest = unit.text[found.end :].strip()
    words = rest.split()
    if (
        rest
        and len(rest) <= 80
        and len(words) <= 12
        and not rest.endswith((".", ",", ";"))
        and (rest[0].isupper() or not rest[0].isalpha())
    ):
        return _Item(unit, "heading", found.kind, found.value, head=unit.spans)
    return _Item(unit, "para", found.kind, found.value)


def _is_body(item: _Item) -> bool:
    """Content that a heading can stand over."""
    if item.role in ("heading", "list", "table", "raw"):
        return True
    if item.role == "para":
        text = item.unit.text
        return ends_sentence(text) or len(text) > MAX_PLAIN_HEADING
    return False


def _demote_lists(items: list[_Item]) -> None:
    """Numbered lines that are list items rather than headings become paragraphs.

    * numbered headings that follow each other with nothing between are a list;
    * in a run of numbered lines of one kind, if one is a paragraph (``（1）教育：…；``)
      the others without text after their first sentence are too;
    * a heading that ends with ``。`` is a heading only over an unnumbered paragraph.
    """

    def numbered(item: _Item) -> bool:
        return item.kind in HEADING_KINDS_ZH or item.kind.startswith("en")

    i = 0
    while i < len(items):
        item = items[i]
        if not numbered(item) or item.role not in ("heading", "para"):
            i += 1
            continue
        j = i
        while j + 1 < len(items) and items[j + 1].kind == item.kind and items[j + 1].role in ("heading", "para"):
            j += 1
        run = items[i : j + 1]
        standalone = [it for it in run if it.role == "heading" and not it.tail]
        if len(run) > 1 and (len(standalone) == len(run) or any(it.role == "para" for it in run)):
            for it in standalone:
                it.role = "para"
        i = j + 1
    for i, item in enumerate(items):
        if item.role == "heading" and item.run_in and not item.tail and numbered(item):
            nxt = items[i + 1] if i + 1 < len(items) else None
            if nxt is not None and nxt.role == "heading" and numbered(nxt) and _rank(nxt.kind) > _rank(item.kind):
                item.run_in = False  # （一）xxx。 over its 1. 2. …: a heading, not run-in
            elif nxt is None or nxt.role != "para" or numbered(nxt):
                item.role = "para"
                item.run_in = False


def _check_list_numbers(items: list[_Item]) -> None:
    """English numbered items become a Markdown list only when numbered 1, 2, 3… (the list numbers itself)."""
    i = 0
    while i < len(items):
        if items[i].role != "enlist" or not items[i].kind:
            i += 1
            continue
        j = i
        while j + 1 < len(items) and items[j + 1].role == "enlist" and items[j + 1].kind:
            j += 1
        run = items[i : j + 1]
        if any(b.value != a.value + 1 for a, b in itertools.pairwise(run)):
            for item in run:
                item.role = "para"
        i = j + 1


def _resolve_plain(items: list[_Item], lang: str) -> None:
    """Unnumbered short lines: a heading over the body that follows, else a paragraph.

    Where the author used heading styles (Word, Markdown), an unstyled line is a heading
    only if it is all bold.
    """
    numbered = [it for it in items if it.role == "heading" and it.kind in RANK and it.kind != "plain"]
    styled = any(it.role == "heading" and it.kind.startswith(("style", "md")) for it in items)
    for i, item in enumerate(items):
        if item.role != "plain":
            continue
        nxt = items[i + 1] if i + 1 < len(items) else None
        bold = all(s.bold or not s.text.strip() for s in item.unit.spans) and any(s.bold for s in item.unit.spans)
        if nxt is None or not _is_body(nxt) or (i > 0 and items[i - 1].role == "plain") or (styled and not bold):
            item.role = "para"
            continue
        if not numbered:
            item.role = "heading"
            continue
        following = next((it for it in items[i + 1 :] if it.role in ("heading", "appendix", "plain")), None)
        if following is not None and following.role == "heading" and following.value == 1:
            item.role = "heading"
        else:
            item.role = "para"


def _notes(items: list[_Item], dropped: list[Dropped]) -> set[str]:
    """Turn ``［1］…`` lines into notes when the text calls them; returns the labels."""
    calls: set[str] = set()
    for item in items:
        if item.role in ("para", "heading", "plain", "list") and not any(s.raw for s in item.unit.spans):
            for call in NOTE_REF.finditer(item.unit.text):
                calls.add(_label(call.group(1)))
    labels: set[str] = set()
    for i, item in enumerate(items):
        if item.role == "note":
            definition = NOTE_DEF.match(item.unit.text)
            label = _label(definition.group(1)) if definition else ""
            if label in calls and label not in labels:
                labels.add(label)
                continue
            item.role = "para"
        elif item.role == "notes-heading":
            nxt = items[i + 1] if i + 1 < len(items) else None
            if nxt is not None and nxt.role == "note":
                first = NOTE_DEF.match(nxt.unit.text)
                if first and _label(first.group(1)) in calls:
                    continue
            item.role = "para"
    for item in items:
        if item.role == "notes-heading":
            dropped.append(Dropped(item.unit.line, item.unit.text, "the heading of the notes, which became footnotes"))
    return labels


def _label(raw: str) -> str:
    return raw.translate(_FULLWIDTH_DIGITS)


def _call_notes(spans: list[Span], labels: set[str]) -> list[Span]:
    """Note calls ``［1］`` in the text become footnote references."""
    if not labels:
        return spans
    out: list[Span] = []
    for span in spans:
        if span.note or span.image or span.raw:
            out.append(span)
            continue
        pos = 0
        for match in NOTE_REF.finditer(span.text):
            label = _label(match.group(1))
            if label not in labels:
                continue
            if match.start() > pos:
                out.append(_with_text(span, span.text[pos : match.start()]))
            out.append(Span("", note=label))
            pos = match.end()
        if pos < len(span.text):
            out.append(_with_text(span, span.text[pos:]))
    return out


def _note_def(item: _Item, labels: set[str]) -> NoteDef:
    match = NOTE_DEF.match(item.unit.text)
    assert match is not None
    _, content = split_spans(item.unit.spans, match.start(2))
    return NoteDef(_label(match.group(1)), _call_notes(content, labels), item.unit.line)


def _rank(kind: str) -> int:
    if kind.startswith(("style", "md")):
        return -100 + int(kind.removeprefix("style").removeprefix("md"))
    return RANK.get(kind, 8)


def _assign_levels(headings: list[Heading], style_claims: dict[str, str]) -> int:
    """Heading kinds → Markdown levels; returns the run-in level (0: none).

    The theme's levels are ``#`` part (starts a page), ``##`` chapter, ``###``
    run-in section (bookmarked at level 3). So the kind written run-in goes to
    ``###`` and the kinds above it to ``##`` and ``#``; without run-in headings
    the outermost kind is ``##`` unless it is a part (``第一部分``, an unnumbered
    line over numbered headings, ALL CAPS over numbered headings). Markdown
    headings keep their levels. Appendices are parts: ``#``.
    """
    for heading in headings:
        heading.kind = style_claims.get(heading.kind, heading.kind)
    body = [h for h in headings if h.kind != "appendix"]
    for heading in headings:
        if heading.kind == "appendix":
            heading.level = 1
    if not body:
        return 0
    if any(h.kind.startswith("md") for h in body):
        # Markdown headings keep their levels; numbered lines not written as headings go below them.
        deepest = max(int(h.kind.removeprefix("md")) for h in body if h.kind.startswith("md"))
        others = sorted({_rank(h.kind) for h in body if not h.kind.startswith("md")})
        for heading in body:
            if heading.kind.startswith("md"):
                heading.level = int(heading.kind.removeprefix("md"))
            else:
                heading.level = min(6, deepest + 1 + others.index(_rank(heading.kind)))
        return _run_in_by_level(body)
    kinds = {h.kind for h in body}
    if "caps" in kinds:
        # "1. HOUSING" among "INTRODUCTION" and "PRIORITIES": numbered ALL-CAPS headings are their siblings.
        for kind in kinds - {"caps"}:
            same = [h for h in body if h.kind == kind]
            if kind.startswith(("en", "roman", "chap")) and all(_is_caps(h.text) for h in same):
                for heading in same:
                    heading.kind = "caps"
    distinct = sorted({_rank(h.kind) for h in body})
    styles = [r for r in distinct if r < 0]
    top_kinds = {h.kind for h in body if _rank(h.kind) == distinct[0]}
    part_like = (distinct[0] == 0 and len(distinct) > 1 and bool(top_kinds & {"part", "plain"})) or len(styles) >= 3
    base = 1 if part_like else 2
    level_of = {rank: base + i for i, rank in enumerate(distinct)}
    counts: dict[int, int] = {}
    totals: dict[int, int] = {}
    for heading in body:
        rank = _rank(heading.kind)
        totals[rank] = totals.get(rank, 0) + 1
        counts[rank] = counts.get(rank, 0) + (1 if heading.run_in else 0)
    candidates = [r for r in distinct if counts[r] and counts[r] * 2 >= totals[r]]
    run_in_rank = max(candidates, key=lambda r: (counts[r], -r)) if candidates else None
    shift = 0
    if run_in_rank is not None and level_of[run_in_rank] < 3:
        shift = 3 - level_of[run_in_rank]
    for heading in body:
        heading.level = min(6, level_of[_rank(heading.kind)] + shift)
    return min(6, level_of[run_in_rank] + shift) if run_in_rank is not None else 0


def _run_in_by_level(headings: list[Heading]) -> int:
    """The level whose headings are mostly written run-in (``### （一）xxx。``), 0 if none."""
    counts: dict[int, int] = {}
    totals: dict[int, int] = {}
    for heading in headings:
        totals[heading.level] = totals.get(heading.level, 0) + 1
        counts[heading.level] = counts.get(heading.level, 0) + (1 if heading.run_in else 0)
    levels = [lv for lv in totals if counts[lv] and counts[lv] * 2 >= totals[lv]]
    return max(levels, key=lambda lv: (counts[lv], -lv)) if levels else 0


def analyse(units: list[Unit], lang: str) -> Document:
    """Find the title block, headings, notes and appendices of a document."""
    front, start = take_title_block(units, lang)
    doc = Document(blocks=[], front=front, lang=lang)
    items = [_classify(unit, lang) for unit in units[start:]]
    # Inside appendices, numbered lines are list items, not headings.
    in_appendix = False
    for i, item in enumerate(items):
        if item.role == "appendix":
            in_appendix = True
            nxt = items[i + 1] if i + 1 < len(items) else None
            if (
                nxt is not None
                and not _appendix_title(item.unit.text, lang)
                and nxt.role in ("plain", "para")
                and len(nxt.unit.text) <= MAX_PLAIN_HEADING
                and not ends_sentence(nxt.unit.text)
            ):
                # "附件1" on one line and its title on the next.
                item.head = [*item.head, Span(" "), *nxt.unit.spans]
                nxt.role = "merged"
        elif in_appendix and item.role in ("heading", "plain") and not item.kind.startswith(("style", "md")):
            item.role = "para"
    _demote_lists(items)
    _check_list_numbers(items)
    _resolve_plain(items, lang)
    labels = _notes(items, doc.dropped)
    style_claims = _style_claims(items, lang)
    blocks: list[Block] = []
    for item in items:
        unit = item.unit
        if item.role == "merged" or item.role == "notes-heading":
            continue
        if item.role in ("heading", "appendix"):
            kind = "appendix" if item.role == "appendix" else item.kind
            head = _call_notes(item.head, labels)
            blocks.append(Heading(head, kind, unit.line, run_in=item.run_in))
            if item.tail:
                blocks.append(Paragraph(_call_notes(item.tail, labels), unit.line))
        elif item.role == "list":
            blocks.append(ListItem(_call_notes(unit.spans, labels), unit.line, unit.ordered, unit.level))
        elif item.role == "enlist":
            ordered = bool(item.kind)
            blocks.append(ListItem(_call_notes(item.head, labels), unit.line, ordered, 0, item.value if ordered else 0))
        elif item.role == "table":
            rows = [[_call_notes(cell, labels) for cell in row] for row in unit.rows]
            blocks.append(TableBlock(rows, unit.line))
        elif item.role == "note":
            blocks.append(_note_def(item, labels))
        elif item.role == "wordnote":
            blocks.append(NoteDef(str(unit.level), unit.spans, unit.line))
        elif item.role == "raw":
            blocks.append(RawBlock(spans_text(unit.spans), unit.line))
        else:
            blocks.append(Paragraph(_call_notes(unit.spans, labels), unit.line))
    headings = [b for b in blocks if isinstance(b, Heading)]
    doc.run_in_level = _assign_levels(headings, style_claims)
    body_levels = [h.level for h in headings if h.kind != "appendix"]
    doc.toc_levels = 3 if body_levels and min(body_levels) >= 3 else 2
    doc.blocks = blocks
    return doc


def _appendix_title(text: str, lang: str) -> str:
    """The title written after ``附件1`` on the same line, if any."""
    match = (APPENDIX_EN if lang == "en" else APPENDIX_ZH).match(text)
    if not match:
        return ""
    return str(match.group(match.lastindex or 0)).strip()


def _style_claims(items: list[_Item], lang: str) -> dict[str, str]:
    """Numbering kinds that a Word heading style also uses: same level for the unstyled ones."""
    claims: dict[str, str] = {}
    for item in items:
        if item.role == "heading" and item.kind.startswith(("style", "md")):
            found = numbering(item.unit.text, lang)
            if found is not None and found.kind not in claims:
                claims[found.kind] = item.kind
    return claims
