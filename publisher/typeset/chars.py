"""Character classes used by the Chinese typography rules (clreq, GB/T 15834)."""

from __future__ import annotations

import re

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
"""Han ideographs (CJK Unified Ideographs, Extension A–G, compatibility)."""

CJK_PUNCT = (
    "\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\u2018\u2019\u201c\u201d\u2014\u2026\u00b7"
)
"""Full-width punctuation and CJK symbols (including curly quotes, dashes, ellipsis, middle dot)."""

OPENING = "（《「『“‘〈【〔［｛﹁﹃"
"""Marks that may not end a line."""
CLOSING = "，。、；：？！）》」』”’〉】〕］｝"
"""Marks that may not start a line."""
FULL_WIDTH_MARKS = set(OPENING + CLOSING)
"""Marks that take a full em and can be compressed when two meet."""

IS_HAN = re.compile(f"[{HAN}]")
LATIN_RUN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9.,:%+\-/&'’_]*[A-Za-z0-9%])?")
"""A run of Latin letters or digits as it is spaced from Han (``704.83``, ``8.0%``, ``PM2.5``)."""


def is_han(char: str) -> bool:
    """Whether ``char`` is a Han ideograph."""
    return bool(IS_HAN.match(char))


IS_CJK = re.compile(f"[{HAN}{CJK_PUNCT}\u3040-\u30ff]")
"""Han, kana, or full-width CJK punctuation."""


def is_cjk(char: str) -> bool:
    """Han, kana, or full-width CJK punctuation: where inter-character expansion may go."""
    return IS_CJK.match(char) is not None
