"""The few words the publisher itself prints (TOC title, figure label, unit, change), per language."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh-Hans": {
        "toc": "目　录",
        "figure": "图",
        "unit": "单位：",
        "up": "同比增长",
        "down": "同比下降",
        "table": "表",
        "appendix": "附件",
        "figure-label": "图 {n}",
        "table-label": "表 {n}",
        "appendix-figure-label": "附图{n}",
        "appendix-table-label": "附表{n}",
        "attachments": "附件：",
        "figure-list": "图表目录",
        "part": "第{n}部分",
        "note-ref": "注{n}",
        "continued": "续{label}",
        "conventions": "符号说明：",
        "below": "“…”表示数据不足本表最小单位数",
        "blank": "空格表示数据不详或无该项数据",
        "main": "“#”表示其中的主要项",
        "sep": "；",
        "end": "。",
    },
    "zh-Hant": {
        "toc": "目　錄",
        "figure": "圖",
        "unit": "單位：",
        "up": "同比增長",
        "down": "同比下降",
        "table": "表",
        "appendix": "附件",
        "figure-label": "圖 {n}",
        "table-label": "表 {n}",
        "appendix-figure-label": "附圖{n}",
        "appendix-table-label": "附表{n}",
        "attachments": "附件：",
        "figure-list": "圖表目錄",
        "part": "第{n}部分",
        "note-ref": "註{n}",
        "continued": "續{label}",
        "conventions": "符號說明：",
        "below": "「…」表示數據不足本表最小單位數",
        "blank": "空格表示數據不詳或無該項數據",
        "main": "「#」表示其中的主要項",
        "sep": "；",
        "end": "。",
    },
    "en": {
        "toc": "Contents",
        "figure": "Figure",
        "unit": "Unit: ",
        "up": "up",
        "down": "down",
        "table": "Table",
        "appendix": "Appendix",
        "figure-label": "Figure {n}",
        "table-label": "Table {n}",
        "appendix-figure-label": "Figure A{n}",
        "appendix-table-label": "Table A{n}",
        "attachments": "Appendices: ",
        "figure-list": "List of Figures and Tables",
        "part": "Part {n}",
        "note-ref": "note {n}",
        "continued": "{label} (continued)",
        "conventions": "Symbols: ",
        "below": "… below the smallest unit of the table",
        "blank": "blank: not known or not applicable",
        "main": "#: of which, the main items",
        "sep": "; ",
        "end": ".",
    },
}
CHINESE_NUMERALS = "〇一二三四五六七八九"


def chinese_numeral(n: int) -> str:
    """``n`` (1–99) in Chinese numerals as ordinals are written: 一, 十, 十二, 二十, 二十一."""
    if n < 10:
        return CHINESE_NUMERALS[n]
    tens, units = divmod(n, 10)
    if tens >= 10:
        return str(n)
    return ("" if tens == 1 else CHINESE_NUMERALS[tens]) + "十" + (CHINESE_NUMERALS[units] if units else "")


def ordinal(lang: str, n: int) -> str:
    """A part's number as the language writes it in ``第{n}部分`` (Chinese numerals) or ``Part {n}``."""
    return chinese_numeral(n) if script(lang) != "en" else str(n)


def script(lang: str) -> str:
    """``zh-Hans``, ``zh-Hant`` or ``en`` for a BCP 47 tag (other languages use the English words)."""
    tag = lang.lower()
    if tag.startswith("zh"):
        traditional = any(part in tag for part in ("hant", "-tw", "-hk", "-mo"))
        return "zh-Hant" if traditional else "zh-Hans"
    return "en"


def labels(lang: str) -> dict[str, str]:
    """The words for ``lang``."""
    return LABELS[script(lang)]
