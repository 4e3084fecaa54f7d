"""The title block at the top of a report and the signature at its end.

A government work report opens with a title block::

    政府工作报告
    ——2024年1月10日在某某省第十四届人民代表大会第二次会议上
    某某省省长　王五
    各位代表：

(title, occasion line, speaker, salutation; also an issuing organisation, a
date, a date in brackets) and often ends with a signature (``某某区人民政府`` /
``2024年1月8日``). Both go into the front matter: the cover prints them, the
``gongwen`` theme sets the signature after the text. The salutation stays the
first paragraph.

The title is found by what it is (a short line with a word such as 报告 or 总结,
followed by an occasion line, a byline, a date or the salutation), not by being
the first line: lines of a web page before it — known furniture or not — are
left out and reported, so one unrecognised line (``视力保护色：``) cannot cost
the title block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .decisions import LIKELY, SURE, UNSURE
from .model import Dropped, FrontLine, Unit
from .structure import (
    CONTINUATION,
    DATE_LINE,
    NOTE_DEF,
    NOTES_HEADING,
    TITLE_WORDS,
    ends_sentence,
    is_appendix,
    is_caps,
    is_salutation,
    numbering,
)

SUBTITLE_ZH = re.compile(
    r"^(——|—|--|──|－－)\s*\S|^[（(].*(会议|會議|大会|大會|上的|讲话|講話|报告|報告).*[）)]$|.*(会议上|會議上)$"
)
"""An occasion line: ``——2024年1月10日在…会议上``, ``（2022年1月10日在…上的报告）``."""
SUBTITLE_EN = re.compile(
    r"^(?:Presented|Submitted|Delivered|Adopted|Approved|Laid|Published|Prepared|Given)\s+(?:to|before|at|by|on|for)\b",
    re.IGNORECASE,
)
OFFICES = (
    "省长|副省长|市长|副市长|区长|副区长|县长|副县长|州长|镇长|乡长|旗长|盟长|总理|副总理|主任|副主任|书记|副书记|"
    "局长|院长|厅长|部长|处长|科长|主席|委员长|董事长|总经理|校长|署长|司长|秘书长|"
    "省長|市長|區長|縣長|鎮長|鄉長|總理|書記|局長|院長|廳長|部長|處長|董事長|總經理|校長|署長|司長|秘書長"
)
"""Office titles that a speaker's byline names before the name."""
SPEAKER = re.compile(rf"^[\u4e00-\u9fff（）()]{{0,24}}(?:{OFFICES})[\s\u3000]*[\u4e00-\u9fff·]{{2,5}}$")
"""``某某省省长　王五``, ``区长　王明``."""
ORG_SUFFIX = re.compile(
    r"(人民政府|政府|办事处|辦事處|委员会|委員會|党工委|黨工委|管委会|管委會|局|厅|廳|署|办公室|辦公室|中心|医院|醫院|"
    r"公司|集团|集團|银行|銀行|学校|學校|大学|大學|学院|學院|协会|協會|街道|镇|鎮|乡|鄉|村|社区|社區|研究院|研究所|"
    r"Council|Committee|Office|Board|Department|Ministry|Agency|Authority|Trust|Corporation|Company|Ltd)$"
)
"""Names of organisations end like this."""
BYLINE_WORDS = re.compile(
    r"(主任|书记|書記|市长|市長|区长|區長|县长|縣長|镇长|鎮長|局长|局長|主席|部长|部長|厅长|廳長|处长|處長|"
    r"办事处|辦事處|委员会|委員會|人民政府|政府|街道|党工委|黨工委|代表|"
    r"Prepared by|Submitted by|Presented by|^By\s|Department|Council|Committee|Office|Board|Ministry|Agency)"
)
PLACE_SUFFIX = re.compile(r"(省|市|区|區|县|縣|镇|鎮|乡|鄉|街道|村|社区|社區|州|盟|旗)$")
"""A place name: the first line of a title broken over two lines (``佛山市禅城区祖庙街道`` / ``2021年工作报告``)."""
WEAK_BYLINE = "a short name on its own line"
"""A byline that alone does not show a title above it."""
_BRACKETED = re.compile(r"^[（(〔\[【]\s*(.+?)\s*[）)〕\]】]$")
_YEAR_START = re.compile(r"^(?:19|20)[0-9]{2}\s*年|^[0-9]{4}$")


def _text(unit: Unit) -> str:
    return unit.text


def title_like(unit: Unit, lang: str) -> bool:
    """A line that could be a title: short, no sentence end, not numbered, not a salutation or appendix."""
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
        and not DATE_LINE.match(text)
    )


def is_speaker(text: str) -> bool:
    """A speaker's byline: an office title and a name (``某某省省长　王五``)."""
    return len(text) <= 32 and bool(SPEAKER.match(text))


def is_organisation(text: str, lang: str) -> bool:
    """The name of an organisation on a line of its own (``某某区人民政府``, ``Northfield District Council``)."""
    if len(text) > (60 if lang == "en" else 30) or ends_sentence(text) or numbering(text, lang) is not None:
        return False
    if lang == "en":
        return bool(ORG_SUFFIX.search(text.title() if is_caps(text) else text)) and len(text.split()) <= 8
    return bool(ORG_SUFFIX.search(text)) and not re.search(r"[，,。；;：:！？]", text)


def front_role(unit: Unit, lang: str) -> tuple[str, str] | None:
    """The role of a line of a title block (``subtitle``, ``date``, ``organisation``) and why, or None."""
    text = unit.text
    if unit.hint == "subtitle":
        return "subtitle", "the Word style Subtitle"
    if unit.hint not in ("", "title") or not text or len(text) > (100 if lang == "en" else 50):
        return None
    if DATE_LINE.match(text):
        return "date", "a date on a line of its own"
    if lang != "en" and SUBTITLE_ZH.match(text):
        return "subtitle", "an occasion line (——…在…会议上)"
    if lang == "en" and SUBTITLE_EN.match(text) and not text.endswith("."):
        return "subtitle", "an occasion line (Presented to …)"
    if ends_sentence(text) or numbering(text, lang) is not None or is_salutation(text):
        return None
    if lang != "en" and is_speaker(text):
        return "organisation", "a speaker's byline: office title and name"
    if TITLE_WORDS.search(text) and not is_organisation(text, lang):
        return None
    if is_organisation(text, lang):
        return "organisation", "the name of an organisation"
    if BYLINE_WORDS.search(text):
        return "organisation", "a byline"
    if lang != "en" and re.fullmatch(r"[\u4e00-\u9fff]{2,4}", text):
        return "organisation", WEAK_BYLINE
    return None


def front_line(role: str, unit: Unit, why: str, confidence: float = SURE, closing: bool = False) -> FrontLine:
    """A line of the title block or signature; a date loses its brackets (``（2024年1月）`` → ``2024年1月``)."""
    value = ""
    if role == "date":
        bracketed = _BRACKETED.match(unit.text)
        if bracketed:
            value = bracketed.group(1)
    return FrontLine(role, unit.text, unit.line, unit.col, value, closing, why, confidence)


@dataclass
class TitleBlock:
    """The title block found at the top."""

    front: list[FrontLine] = field(default_factory=list)
    """Its lines, in input order."""
    start: int = 0
    """Index of the first unit of the body."""
    dropped: list[Dropped] = field(default_factory=list)
    """Lines of the web page around it."""


def _is_body_start(unit: Unit, lang: str) -> bool:
    """Where the title block certainly ends: a heading, a numbered line, the salutation, a paragraph."""
    text = unit.text
    if unit.hint in ("heading", "list", "table", "raw", "note") or unit.joined:
        return True
    if numbering(text, lang) is not None or is_salutation(text) or NOTE_DEF.match(text) or NOTES_HEADING.match(text):
        return True
    if is_appendix(text, lang):
        return True
    if front_role(unit, lang) is not None:
        return False
    limit = 100 if lang == "en" else 50
    return len(text) > limit or (ends_sentence(text) and len(text) >= 12 and not text.rstrip().endswith(("：", ":")))


def _title_score(units: list[Unit], i: int, lang: str, furniture: set[int]) -> tuple[int, list[str]]:
    unit = units[i]
    text = unit.text
    score = 0
    why: list[str] = []
    if unit.hint == "title":
        score += 5
        why.append("the Word style Title")
    if TITLE_WORDS.search(text):
        score += 2
        why.append(f"a short line with “{TITLE_WORDS.search(text).group(0)}”")  # type: ignore[union-attr]
    chain = 0
    for following in units[i + 1 : i + 5]:
        role = front_role(following, lang)
        if role is not None and role[1] == WEAK_BYLINE and not chain:
            break
        if role is None:
            if is_salutation(following.text):
                chain += 1
                why.append("followed by the salutation")
            break
        if not chain:
            why.append("followed by " + role[1])
        chain += 1
    score += 2 * min(chain, 1) + min(chain, 3)
    if i in furniture or text.rstrip().endswith(("：", ":")):
        score -= 10
    if any(units[j].text == text for j in range(i + 1, min(len(units), i + 4))):
        score -= 3  # the page's title bar, repeated by the article's own title below
    return score, why


def take_title_block(units: list[Unit], lang: str, furniture: set[int] | None = None) -> TitleBlock:
    """The title block at the start of the document (after any web page lines) and where the body starts.

    ``furniture``: indexes of units that are known page furniture.
    """
    furniture = furniture or set()
    window = min(len(units), 16)
    body_at = next((i for i in range(window) if _is_body_start(units[i], lang) and i not in furniture), window)
    best: tuple[int, int, list[str]] | None = None
    for i in range(body_at):
        if not title_like(units[i], lang) and units[i].hint != "title":
            continue
        if sum(1 for c in units[i].text if c.isalpha()) < 2:
            continue
        score, why = _title_score(units, i, lang, furniture)
        if score >= 2 and (best is None or score >= best[0]):
            best = (score, i, why)
    if best is None:
        return TitleBlock()
    _, at, why = best
    block = TitleBlock()
    title_unit = units[at]
    title_text = title_unit.text
    before = at - 1
    # A title whose first line names the place ("佛山市禅城区祖庙街道" / "2021年工作报告"), or an issuing
    # organisation on the line above it.
    org_above: Unit | None = None
    if (
        before >= 0
        and before not in furniture
        and title_like(units[before], lang)
        and not TITLE_WORDS.search(units[before].text)
    ):
        if lang != "en" and _YEAR_START.match(title_text) and PLACE_SUFFIX.search(units[before].text):
            title_text = units[before].text + title_text
            why.append(f"joined to the line above ({units[before].text})")
            before -= 1
        elif is_organisation(units[before].text, lang) or (lang != "en" and is_speaker(units[before].text)):
            org_above = units[before]
            before -= 1
    for i in range(before + 1):
        unit = units[i]
        if unit.text == title_unit.text:
            block.dropped.append(
                Dropped(unit.line, unit.text, "page furniture", "the page's title bar: the title repeats it")
            )
        elif i in furniture:
            block.dropped.append(
                Dropped(unit.line, unit.text, "page furniture", "a line of the web page before the title")
            )
        else:
            block.dropped.append(
                Dropped(unit.line, unit.text, "page furniture", "an unrecognised line before the title", UNSURE)
            )
    if org_above is not None:
        block.front.append(front_line("organisation", org_above, "the name of an organisation above the title"))
    block.front.append(FrontLine("title", title_text, title_unit.line, title_unit.col, why="; ".join(why)))
    index = at + 1
    # The second line of a title broken over two lines ("某某市某某区" / "2023年政府工作报告").
    if (
        index < len(units)
        and units[index].hint in ("", "title")
        and (units[index].hint == "title" or (lang != "en" and not TITLE_WORDS.search(title_text)))
        and title_like(units[index], lang)
        and TITLE_WORDS.search(units[index].text)
    ):
        block.front[-1] = FrontLine(
            "title", title_text + units[index].text, title_unit.line, title_unit.col, why="; ".join(why)
        )
        index += 1
    roles: set[str] = set()
    while index < len(units) and len(block.front) < 8:
        unit = units[index]
        if index in furniture:
            block.dropped.append(
                Dropped(unit.line, unit.text, "page furniture", "a line of the web page in the title block")
            )
            index += 1
            continue
        found = front_role(unit, lang)
        if found is None:
            following = front_role(units[index + 1], lang) if index + 1 < len(units) else None
            if (
                following is not None
                and len(unit.text) <= 20
                and not is_salutation(unit.text)
                and unit.text.rstrip().endswith(("：", ":"))
            ):
                # "视力保护色：" between the title and the occasion line.
                block.dropped.append(
                    Dropped(unit.line, unit.text, "page furniture", "an unrecognised line in the title block", UNSURE)
                )
                index += 1
                continue
            break
        role, reason = found
        if role == "subtitle" and "subtitle" in roles and lang == "en":
            break
        block.front.append(front_line(role, unit, reason))
        roles.add(role)
        index += 1
    if lang == "en" and index < len(units) and "subtitle" not in roles:
        # An English subtitle has no mark: a short line without a full stop right after the title.
        unit = units[index]
        text = unit.text
        after = units[index + 1] if index + 1 < len(units) else None
        if (
            unit.hint == ""
            and 0 < len(text) <= 100
            and not ends_sentence(text)
            and numbering(text, lang) is None
            and not is_caps(text)
            and after is not None
            and front_role(after, lang) is not None
        ):
            block.front.append(front_line("subtitle", unit, "a line after the title, before the byline", LIKELY))
            index += 1
            while index < len(units) and len(block.front) < 8 and (found := front_role(units[index], lang)):
                block.front.append(front_line(found[0], units[index], found[1]))
                index += 1
    block.start = index
    return block


def take_signature(units: list[Unit], lang: str, start: int) -> tuple[list[FrontLine], int, int]:
    """The signature at the end of the body: an organisation and/or a date on lines of their own.

    Returns its lines and the index range ``[first, end)`` of its units; only
    notes and appendices may follow it.
    """
    last = len(units)
    for i in range(start, len(units)):
        unit = units[i]
        if unit.hint in ("note",) or is_appendix(unit.text, lang) or NOTES_HEADING.match(unit.text):
            last = i
            break
        if NOTE_DEF.match(unit.text) and all(NOTE_DEF.match(u.text) or not numbering(u.text, lang) for u in units[i:]):
            last = i
            break
    if last - start < 2:
        return [], last, last
    date_at = last - 1
    lines: list[FrontLine] = []
    if units[date_at].hint in ("", "title") and DATE_LINE.match(units[date_at].text):
        lines.append(front_line("date", units[date_at], "a date on a line of its own at the end", LIKELY, closing=True))
        first = date_at
    else:
        first = last
    j = first - 1
    while j > start and len(lines) < 3:
        unit = units[j]
        text = unit.text
        if unit.hint not in ("", "title"):
            break
        if lang != "en" and is_speaker(text):
            reason = "a speaker's byline at the end"
        elif is_organisation(text, lang):
            reason = "the name of an organisation at the end"
        else:
            break
        lines.insert(0, front_line("organisation", unit, reason, LIKELY, closing=True))
        first = j
        j -= 1
    if not lines or first <= start:
        return [], last, last
    return lines, first, first + len(lines)
