"""The Word edition's conventions, shared by its writer (:mod:`publisher.engine.docx`) and the importer.

A ``.docx`` the publisher writes can be edited in Word or WPS and read back
(``publisher import``, ``publisher import --update``), so both sides agree on:

* the **styles**: Word's built-in ones where Word has one (``Heading 1`` …,
  ``Body Text``, ``Caption``, ``Title``, ``Quote``, ``List Bullet``…), so the
  navigation pane and Word's own table of contents work, and a few of the
  publisher's own (:data:`STYLES`);
* the **ids** it leaves in the document: a figure's picture is named
  ``chart:ID`` (``wp:docPr/@name``), a KPI or chart table carries the same in
  its table description, headings and captions have hidden bookmarks
  (:func:`bookmark`);
* the **project part**: a custom XML part (:data:`PROJECT_NAMESPACE`) with the
  source it was made from (the report and its chart specs), which Word and
  WPS keep when they save, so an edited document can be compared with the
  text it started as.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..i18n import script

FIGURE_PREFIX = "chart:"
"""``wp:docPr/@name`` of a chart's picture, and ``w:tblDescription`` of a chart table: ``chart:ID``."""
TABLE_PREFIX = "table:"
"""``w:tblCaption`` of a table made from a table spec (``table:ID``), and ``#ID`` of a pipe table with an id."""
BOOKMARK_PREFIX = "_pub_"
"""Bookmarks the publisher sets (hidden in Word: they start with ``_``)."""
PROJECT_NAMESPACE = "urn:publisher:project:1"
"""The namespace of the custom XML part that carries the project's source."""


def bookmark(kind: str, key: str) -> str:
    """A hidden bookmark name (Word: letters, digits, ``_``; at most 40 characters)."""
    clean = re.sub(r"[^0-9A-Za-z_]", "_", key)
    return f"{BOOKMARK_PREFIX}{kind}_{clean}"[:40]


# Paragraph styles: Word's built-in names where there is one.
NORMAL = "Normal"
BODY = "Body Text"
TITLE = "Title"
SUBTITLE = "Subtitle"
CAPTION = "Caption"
QUOTE = "Quote"
TOC_HEADING = "TOC Heading"
FOOTNOTE_TEXT = "footnote text"
HEADER = "Header"
FOOTER = "Footer"
LIST_BULLET = ("List Bullet", "List Bullet 2", "List Bullet 3")
LIST_NUMBER = ("List Number", "List Number 2", "List Number 3")
LIST_CONTINUE = ("List Continue", "List Continue 2", "List Continue 3")
SIGNATURE = "Signature"
DATE = "Date"
FIGURE = "Figure"
FIGURE_NOTE = "Figure Note"
UNIT = "Unit"
TABLE_HEADING = "Table Heading"
TABLE_TEXT = "Table Text"
RULE = "Rule"
COVER_ORGANISATION = "Cover Organisation"
COVER_DATE = "Cover Date"
COVER_YEAR = "Cover Year"
COVER_TEXT = "Cover Text"
KPI_LABEL = "KPI Label"
KPI_VALUE = "KPI Value"
KPI_CHANGE = "KPI Change"
KPI_NOTE = "KPI Note"
# Character styles.
STRONG = "Strong"
EMPHASIS = "Emphasis"
CODE = "HTML Code"
HYPERLINK = "Hyperlink"
FOOTNOTE_REFERENCE = "footnote reference"
CAPTION_LABEL = "Caption Label"
RUNNING_HEAD = "Running Head"
KPI_UNIT = "KPI Unit"
KPI_UP = "KPI Up"
KPI_DOWN = "KPI Down"


def heading_style(level: int) -> str:
    return f"Heading {level}"


def heading_level(style_name: str) -> int:
    """The level of a ``Heading N`` style (Word's English or Chinese name), 0 for any other style."""
    found = re.fullmatch(r"(?:heading|标题|標題)\s*([1-9])", style_name.strip(), re.IGNORECASE)
    return int(found.group(1)) if found else 0


FRONT_MATTER_STYLES = {
    TITLE: "title",
    SUBTITLE: "subtitle",
    COVER_ORGANISATION: "organisation",
    COVER_DATE: "date",
    SIGNATURE: "organisation",
    DATE: "date",
}
"""Paragraph styles whose text is a front matter field: editing it in Word edits the field."""


# ------------------------------------------------------------------- fonts

BUNDLED_ORIGINS: dict[str, str] = {
    "Publisher Serif": "Noto Serif CJK {region}",
    "Publisher Sans": "Noto Sans CJK {region}",
    "Publisher Kai": "LXGW WenKai",
    "Publisher FangSong": "FandolFang",
    "Publisher KaiTi": "FandolKai",
    "Publisher HeiTi": "FandolHei",
    "Publisher XiaoBiaoSong": "Noto Serif CJK {region}",
}
"""The publisher's own families and the font each was made from, under the name Word knows it by."""
OFFICE_NAMES: dict[str, tuple[str, ...]] = {
    "宋体": ("SimSun",),
    "仿宋": ("FangSong",),
    "仿宋_GB2312": ("FangSong_GB2312", "仿宋", "FangSong"),
    "黑体": ("SimHei",),
    "楷体": ("KaiTi",),
    "楷体_GB2312": ("KaiTi_GB2312", "楷体", "KaiTi"),
    "方正小标宋简体": ("FZXiaoBiaoSong-B05S", "方正小标宋_GBK"),
}
"""Windows' and WPS's other names for the usual office faces (Word tries them when the first is missing)."""


@dataclass(frozen=True)
class WordFont:
    """How a font role is named in a Word document."""

    name: str
    """The family Word uses (``w:rFonts``)."""
    alternates: tuple[str, ...]
    """Other names of the same face, tried by Word when ``name`` is not installed (``w:altName``)."""
    serif: bool = True


def _region(lang: str) -> str:
    from ..fonts import region

    return region(lang)


def word_font(families: list[str], lang: str = "zh-CN") -> WordFont:
    """The Word name of a role whose CSS families are ``families`` (in the theme's order).

    The first family is the name: an office face as the theme names it
    (``仿宋_GB2312``), or for one of the publisher's own families the font it
    was cut from (``Noto Serif CJK SC``). The others follow as alternates,
    with the usual other names of the office faces.
    """
    names: list[str] = []
    for family in families:
        origin = BUNDLED_ORIGINS.get(family)
        if origin is not None:
            names.append(origin.format(region=_region(lang)))
        elif not family.startswith("Publisher "):
            names.append(family)
            names.extend(OFFICE_NAMES.get(family, ()))
    unique = list(dict.fromkeys(names)) or ["SimSun"]
    sans = any(word in unique[0] for word in ("Sans", "Hei", "黑"))
    return WordFont(unique[0], tuple(unique[1:6]), serif=not sans)


def east_asian_lang(lang: str) -> str:
    """``w:lang/@w:eastAsia`` for a document in ``lang``: ``zh-CN``, or ``zh-TW``/``zh-HK`` for Traditional."""
    tag = lang.lower()
    if script(lang) == "zh-Hant":
        return "zh-HK" if "-hk" in tag or "-mo" in tag else "zh-TW"
    return "zh-CN"


def charset(lang: str) -> str:
    """The Windows character set of the document's East Asian fonts (``w:charset``, hex): GB2312 or Big5."""
    return "88" if script(lang) == "zh-Hant" else "86"
