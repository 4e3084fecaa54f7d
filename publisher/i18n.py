"""The few words the publisher itself prints (TOC title, figure label, unit, change), per language."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "zh-Hans": {"toc": "目　录", "figure": "图", "unit": "单位：", "up": "同比增长", "down": "同比下降"},
    "zh-Hant": {"toc": "目　錄", "figure": "圖", "unit": "單位：", "up": "同比增長", "down": "同比下降"},
    "en": {"toc": "Contents", "figure": "Figure", "unit": "Unit: ", "up": "up", "down": "down"},
}


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
