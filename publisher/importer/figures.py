"""Figures the text states (``704.83亿元``, ``8.0%``, ``21.82公里``) as chart suggestions.

Every number with a unit is listed with the sentence it came from. Numbers of
one section that share their *whole* unit (``亿人次`` is not ``亿次``) become
bar chart specs of at most :data:`MAX_BARS` bars, the others of the section a
KPI spec; all are commented out in ``source/charts/suggestions.yaml`` so the
project builds as it is, and enabling one is removing a ``# ``.

A label is the noun phrase the text puts before the number (``地区生产总值``),
or after it for counted things (``7个工地党支部``); a bare verb (``增长8.0%``)
takes the subject of its sentence (``地区生产总值增长``). A figure with no such
label in the text is listed but not charted: a chart never shows a label the
text does not have.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from .model import ImportedHeading, ListItem, Paragraph, spans_text
from .structure import SENTENCE_END, display_width

BASE_UNITS_ZH = sorted(
    """
    美元 元 % ％ ‰ 个百分点 百分点 倍
    平方公里 平方千米 平方米 立方米 公里 千米 米 亩 公顷 吨 千克 公斤
    千瓦时 千瓦 兆瓦 人次 次 人 户 家 个 件 场次 场 项 条 所 处 座 栋 幢
    套 辆 台 名 宗 批 株 棵 份 篇 部 册 间 张 位 支 期 班 届 天 小时 分钟 标箱 艘 架 辆次 床 张床
    """.split(),
    key=len,
    reverse=True,
)
MAGNITUDES_ZH = ("万亿", "亿", "万", "千")
"""``亿`` in ``1.2亿人次``: part of the unit, never the whole of it when a unit follows."""
UNITS_ZH = [*BASE_UNITS_ZH, *MAGNITUDES_ZH]
MAX_BARS = 12
"""More bars than this do not print legibly on a page: a larger group is split."""
UNITS_EN = ["percent", "per cent", "%", "million", "billion", "km", "kilometres", "kilometers", "miles", "people"]
_NUMBER = r"(?<![0-9０-９.．第])([0-9０-９]+(?:[,，][0-9]{3})*(?:[.．][0-9０-９]+)?)"
_ZH_FIGURE = re.compile(
    _NUMBER
    + r"\s*(?:余|多)?\s*((?:"
    + "|".join(MAGNITUDES_ZH)
    + r")?(?:余|多)?(?:"
    + "|".join(re.escape(u) for u in BASE_UNITS_ZH)
    + r")|(?:"
    + "|".join(MAGNITUDES_ZH)
    + r"))(?![0-9０-９])"
)
_EN_FIGURE = re.compile(_NUMBER + r"\s*(" + "|".join(re.escape(u) for u in UNITS_EN) + r")(?![A-Za-z])")
_FILLER_END = re.compile(
    r"(同比|分别|全年|累计|总计|合计|共计|共|均|达到|达|约|近|超过|超|逾|多达|为|是|了|有|至|到|以上|左右|余|预计|突破|"
    r"提高到|提高|提升到|提升|上升到|上升|下降到|降低到|降至|控制在|保持在|稳定在|占|比重|已|再|又|新|累|可|将|的)+$"
)
_FILLER_START = re.compile(
    r"^(其中|以及|全年|辖区|累计|共计|全省|全市|全区|全县|全镇|全街道|本年度|今年|去年|上年|预计|实现|完成|同比|比上年|较上年|"
    r"达到|共|已|并|且|还|再|同时|此外)+"
)
_VERBS = frozenset(
    "增长 下降 增加 减少 提高 提升 降低 上升 下跌 回落 增幅 降幅 扩大 缩小 突破 达到 完成 实现 超过 新增 达 为 占 "
    "拆除 推进 正在推进 开展 举办 投入 签约 新建 建成 改造 服务 培训 扶持 纳税 发放 办理 引进 入驻 覆盖".split()
)
"""Words that are not a label on their own (``增长8.0%``)."""
_CHANGES = frozenset("增长 下降 增加 减少 提高 提升 降低 上升 下跌 回落".split())
"""Verbs of change that take the subject of their sentence as a label (``地区生产总值增长``)."""
_BAD_START = tuple("、，,；;：:的了和及与或对从把被以于是为")
_BAD_END = tuple("的和及与或、在对从把被以于")
_CLAUSE_SPLIT = re.compile(r"[，,；;：:。！？!?（(）)]")
_EN_FILLER = frozenset(
    "a an the of was were is are be been has have had by to for in on at and which with about some".split()
)
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，", "0123456789.,")
MAX_LABEL = 20
MEASURE_WORDS = frozenset(
    "个 件 场次 场 项 条 所 处 座 栋 幢 套 辆 台 名 宗 批 株 棵 份 篇 部 册 间 张 位 支 期 班 届 家 户".split()
)
"""Units that come before the noun they count (``7个工地党支部``): the label follows the number."""
_NUMBERING = re.compile(
    r"^(?:[（(][一二三四五六七八九十0-9０-９]{1,3}[）)]|[一二三四五六七八九十0-9０-９]{1,3}[、.．])"
)
_CONJUNCTION_END = re.compile(r"(和|及|与|以及|或|、)$")


@dataclass
class StatedNumber:
    """A number with a unit stated in the text."""

    written: str
    """The number as written, e.g. ``704.83``."""
    value: float
    """Its value."""
    unit: str
    """Its unit, e.g. ``亿元`` or ``%``."""
    label: str
    """What it counts, guessed from the words before (or after) it."""
    sentence: str
    """The sentence it came from."""
    section: str
    """The heading of the section it is in ("" before the first heading)."""
    line: int
    """Line of ``source/report.md`` its paragraph starts on."""


def sentences(text: str, lang: str = "zh-CN") -> list[str]:
    """The sentences of a paragraph (each with its end mark)."""
    if lang == "en":
        return [s.strip() for s in re.split(r"(?<=[.!?;])\s+(?=[A-Z0-9£$€\"'(])", text) if s.strip()]
    out: list[str] = []
    start = 0
    for i, char in enumerate(text):
        if char in SENTENCE_END + "；;":
            out.append(text[start : i + 1].strip())
            start = i + 1
    if text[start:].strip():
        out.append(text[start:].strip())
    return [s for s in out if s]


def _shorten(label: str, keep_end: bool = True) -> str:
    """At most ``MAX_LABEL`` characters: the end of the words before a number, the start of those after it,
    cut at a natural break (的、等与) where there is one."""
    if len(label) <= MAX_LABEL:
        return label
    if keep_end:
        tail = label[-MAX_LABEL:]
        for i, char in enumerate(tail[:-4]):
            if char in "的、等与":
                return tail[i + 1 :]
        return tail
    head = label[:MAX_LABEL]
    for i in range(len(head) - 1, 3, -1):
        if head[i] in "的、等与":
            return head[:i]
    return head


def _label(sentence: str, start: int, end: int, unit: str, pattern: re.Pattern[str], lang: str) -> str:
    """What a figure counts: the words before it (亿元, %) or after it (个, 家), within its clause."""
    before = _CLAUSE_SPLIT.split(sentence[:start])[-1]
    before = _NUMBERING.sub("", before.strip())
    previous = list(pattern.finditer(before))
    if previous:
        before = before[previous[-1].end() :]
    after = _CLAUSE_SPLIT.split(sentence[end:])[0].strip()
    after = _CONJUNCTION_END.sub("", re.split(r"[0-9０-９]", after)[0].removeprefix("的").strip())
    if lang == "en":
        words = [w.strip("£$€¥") for w in before.split()]
        while words and (words[-1].lower() in _EN_FILLER or not words[-1]):
            words.pop()
        after_words = [w.strip(".,;:!?") for w in after.split()]
        if after_words and after_words[0] == "of":
            after_words = after_words[1:5]
            while after_words and after_words[-1].lower() in _EN_FILLER:
                after_words.pop()
            return " ".join(after_words)
        return " ".join(words[-5:]) or " ".join(after_words[:5])
    listed = bool(_CONJUNCTION_END.search(before.strip()))
    before = _FILLER_END.sub("", _FILLER_START.sub("", before.strip().lstrip("、，,；;")))
    base = unit.lstrip("万亿千") or unit
    if (base in MEASURE_WORDS or listed or len(before) < 2) and len(after) >= 2 and noun_phrase(after[:MAX_LABEL]):
        return _shorten(after, keep_end=False)
    if len(before) <= 2 and len(after) >= 2 and noun_phrase(after):
        return _shorten(before + after, keep_end=False)  # 投入 + 推进佛山中医院扩建项目
    return _shorten(before) or _shorten(after, keep_end=False)


def noun_phrase(label: str) -> bool:
    """Whether a label can name a bar: a phrase from the text, not a verb, not starting or ending mid-phrase."""
    core = label.strip("“”\"'《》（）()")
    letters = [c for c in core if "\u4e00" <= c <= "\u9fff" or c.isalpha()]
    if len(letters) < 2 or label.startswith(_BAD_START) or label.endswith(_BAD_END):
        return False
    if core in _VERBS or _FILLER_END.sub("", core) in _VERBS or not _FILLER_END.sub("", core):
        return False
    return not any(core == verb + rest for verb in _VERBS for rest in ("", "了", "到", "至"))


def find_figures(blocks: list[tuple[object, int]], lang: str) -> list[StatedNumber]:
    """Figures in paragraphs and list items; ``blocks`` pairs each block with its line in report.md."""
    pattern = _EN_FIGURE if lang == "en" else _ZH_FIGURE
    figures: list[StatedNumber] = []
    section = ""
    for block, line in blocks:
        if isinstance(block, ImportedHeading):
            section = block.text
            continue
        if not isinstance(block, Paragraph | ListItem):
            continue
        for sentence in sentences(spans_text(block.spans), lang):
            subject = ""
            for match in pattern.finditer(sentence):
                written = match.group(1)
                try:
                    value = float(written.translate(_FULLWIDTH).replace(",", ""))
                except ValueError:  # pragma: no cover - the pattern only matches numbers
                    continue
                unit = match.group(2)
                label = _label(sentence, match.start(), match.end(), unit, pattern, lang)
                if lang != "en" and label in _CHANGES and subject:
                    label = _shorten(subject + label)  # 地区生产总值704.83亿元，增长8.0%: 地区生产总值增长
                if lang != "en" and not noun_phrase(label):
                    label = ""
                elif label and label not in _VERBS:
                    subject = label
                figures.append(StatedNumber(written, value, unit, label, sentence, section, line))
    return figures


def _short(heading: str) -> str:
    """A heading up to its first comma, without its numbering: a chart title."""
    text = re.sub(
        r"^(?:[（(][一二三四五六七八九十0-9０-９]+[）)]|[一二三四五六七八九十0-9０-９]{1,3}[、.．])\s*", "", heading
    )
    for i, char in enumerate(text):
        if char in "，,：:。；" and i >= 4:
            return text[:i]
    return text or heading


def _comment(text: str) -> str:
    return text.replace("\n", " ")


def _yaml_text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _number(written: str) -> str:
    """The number as written, in ASCII digits: charts print it the way the text does (8.0 stays 8.0)."""
    return written.translate(_FULLWIDTH).replace(",", "")


def suggestions_yaml(figures: list[StatedNumber], report: str = "source/report.md") -> str:
    """The commented chart specs for ``figures``."""
    lines = [
        "## Figures the text states, as chart specs ready to enable.",
        "##",
        '## To use one: remove one "# " from the start of each of its lines, fix the',
        "## labels (they are guessed from the words before each number), and place",
        "## the chart in source/report.md with ![](chart:ID) on a line of its own.",
        "## Lines starting with ## stay comments. Every number is quoted below with the",
        "## sentence it comes from; charts should show only numbers the text states.",
    ]
    if not figures:
        lines.append("##")
        lines.append("## (No figures with units were found in the text.)")
        return "\n".join(lines) + "\n"
    groups: dict[str, list[StatedNumber]] = {}
    for figure in figures:
        groups.setdefault(figure.section, []).append(figure)
    count = 0
    for section, found in groups.items():
        lines.append("")
        where = f"{report}:{found[0].line}"
        lines.append(f"## ── {_comment(section) or '(before the first heading)'} ({where})")
        by_unit: dict[str, list[StatedNumber]] = {}
        for figure in found:
            if figure.label:
                by_unit.setdefault(figure.unit, []).append(figure)
        singles: list[StatedNumber] = []
        for unit, same in by_unit.items():
            if len(same) < 2:
                singles.extend(same)
                continue
            for part, chunk in enumerate(chunks(same, MAX_BARS), start=1):
                count += 1
                suffix = f"，{part}" if len(same) > MAX_BARS else ""
                title = f"{_short(section) or '主要数据'}（{unit}{suffix}）"
                labels = [f.label for f in chunk]
                kind = "hbar" if max(display_width(label) for label in labels) > 12 else "bar"
                lines += [
                    "#",
                    f"# - id: figure-{count}",
                    f"#   type: {kind}",
                    f"#   title: {_yaml_text(title)}",
                    f"#   unit: {_yaml_text(unit)}",
                    f"#   source: {_yaml_text(_comment(section))}",
                    f"#   labels: [{', '.join(_yaml_text(label) for label in labels)}]",
                    f"#   values: [{', '.join(_number(f.written) for f in chunk)}]",
                    f"#   value_labels: [{', '.join(_yaml_text(f.written) for f in chunk)}]",
                ]
                lines += [f"##   {f.written}{f.unit}: “{_comment(f.sentence)}” ({report}:{f.line})" for f in chunk]
        for chunk in chunks(singles, MAX_BARS):
            count += 1
            lines += [
                "#",
                f"# - id: figure-{count}",
                "#   type: kpi",
                f"#   title: {_yaml_text(_short(section) or '主要数据')}",
                f"#   source: {_yaml_text(_comment(section))}",
                "#   items:",
            ]
            for figure in chunk:
                lines += [
                    f"#     - label: {_yaml_text(figure.label)}",
                    f"#       value: {_number(figure.written)}",
                    f"#       unit: {_yaml_text(figure.unit)}",
                    f"##        {figure.written}{figure.unit}: “{_comment(figure.sentence)}” ({report}:{figure.line})",
                ]
        unlabelled = [f for f in found if not f.label]
        if unlabelled:
            lines.append("## Not charted (no label for them in the text):")
            lines += [f"##   {f.written}{f.unit}: “{_comment(f.sentence)}” ({report}:{f.line})" for f in unlabelled]
    return "\n".join(lines) + "\n"


def chunks(items: list[StatedNumber], size: int) -> list[list[StatedNumber]]:
    """``items`` in consecutive groups of at most ``size``, as even as possible."""
    if len(items) <= size:
        return [items] if items else []
    parts = -(-len(items) // size)
    base, extra = divmod(len(items), parts)
    out: list[list[StatedNumber]] = []
    start = 0
    for i in range(parts):
        end = start + base + (1 if i < extra else 0)
        out.append(items[start:end])
        start = end
    return out
