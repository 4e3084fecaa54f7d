"""The front matter of a Markdown file: a YAML block between ``---`` lines at the very top.

One reader for the report source (:mod:`publisher.source`, where the block is
required) and for Markdown being imported (:mod:`publisher.importer.markdown`,
where it is optional); and the keys a report's front matter may hold
(:data:`KEYS`), the one place they are described.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import yamlpos
from .errors import Pos, PublisherError, did_you_mean
from .model import Meta

OPEN = re.compile(r"^---[ \t]*$")
CLOSE = re.compile(r"^(?:---|\.\.\.)[ \t]*$")


@dataclass(frozen=True)
class FrontMatter:
    """A file split at its front matter."""

    yaml: str
    """The YAML between the fences (it starts on line 2)."""
    body: str
    """Everything after the closing fence."""
    body_line: int
    """The 1-based line on which :attr:`body` starts."""
    closed: bool = True
    """Whether a closing fence was found (if not, :attr:`yaml` runs to the end and :attr:`body` is empty)."""


def split(text: str) -> FrontMatter | None:
    """``text`` split at its front matter, or ``None`` when it does not start with one."""
    lines = text.split("\n")
    if not lines or not OPEN.match(lines[0]):
        return None
    end = next((i for i, line in enumerate(lines[1:], start=1) if CLOSE.match(line)), None)
    if end is None:
        return FrontMatter("\n".join(lines[1:]), "", len(lines) + 1, closed=False)
    return FrontMatter("\n".join(lines[1:end]), "\n".join(lines[end + 1 :]), end + 2)


# ------------------------------------------------------------------ the keys


@dataclass(frozen=True)
class Key:
    """One front matter key: how it is checked, its default, and what it means in each language.

    The one description of the keys: :func:`parse_meta` checks a report's front
    matter against it, :mod:`publisher.starter` writes a new project's commented
    front matter from it and :func:`markdown_table` the table in
    ``docs/source-format.md`` (a test keeps the two in step).
    """

    name: str
    type: Any
    """The Python type the value is checked against (that of :class:`~publisher.model.Meta`'s field)."""
    help: Mapping[str, str]
    """What the key does, by script (``en``, ``zh-Hans``, ``zh-Hant``: :func:`publisher.i18n.script`)."""
    default: str = ""
    """The default as the documentation writes it (empty: none)."""
    choices: tuple[str, ...] = ()
    """The values allowed (empty: any value of :attr:`type`)."""
    required: bool = False

    def kind(self) -> str:
        """The kind of value, in words (``text``, ``whole number``, ``A4 or A5`` …)."""
        if self.choices:
            return " or ".join(f"`{c}`" for c in self.choices)
        return _KINDS.get(self.type, "text")


_KINDS: dict[Any, str] = {
    str: "text",
    int: "whole number",
    int | None: "whole number",
    bool: "true or false",
    bool | None: "true or false",
    list[str]: "list, or text split at `，、,`",
    dict[str, Any]: "mapping",
}

KEYS: tuple[Key, ...] = (
    Key(
        "title",
        str,
        {
            "en": "the title: on the cover and the PDF's title",
            "zh-Hans": "标题：印在封面，也是PDF的标题（必填）",
            "zh-Hant": "標題：印在封面，也是PDF的標題（必填）",
        },
        required=True,
    ),
    Key(
        "subtitle",
        str,
        {"en": "the cover's second line", "zh-Hans": "副标题：封面第二行", "zh-Hant": "副標題：封面第二行"},
    ),
    Key(
        "organisation",
        str,
        {
            "en": "who issues the report: on the cover, and the PDF's author unless `author` is set",
            "zh-Hans": "发文单位：印在封面；未设author时也是PDF的作者",
            "zh-Hant": "發文單位：印在封面；未設author時也是PDF的作者",
        },
    ),
    Key(
        "author",
        str,
        {"en": "the PDF's author", "zh-Hans": "PDF的作者", "zh-Hant": "PDF的作者"},
        default="`organisation`",
    ),
    Key(
        "date",
        str,
        {
            "en": "the date on the cover, printed as written (`2022年1月` also dates the PDF 2022-01-01)",
            "zh-Hans": "封面日期，照写照印（写“2022年1月”，PDF的日期即为2022-01-01）",
            "zh-Hant": "封面日期，照寫照印（寫「2022年1月」，PDF的日期即為2022-01-01）",
        },
    ),
    Key(
        "year",
        int | None,
        {
            "en": "the year the report is about (dates the PDF when `date` does not)",
            "zh-Hans": "报告所述年度（未写date时用作PDF的日期）",
            "zh-Hant": "報告所述年度（未寫date時用作PDF的日期）",
        },
    ),
    Key(
        "lang",
        str,
        {
            "en": "the language (BCP 47): `zh-CN`, `zh-Hant` (`zh-TW`, `zh-HK`) or `en`; "
            "sets glyph forms, the words printed and line breaking",
            "zh-Hans": "语言：zh-CN（简体）、zh-Hant（繁体）或en；决定字形、印出的用词和断行",
            "zh-Hant": "語言：zh-CN（簡體）、zh-Hant（繁體）或en；決定字形、印出的用詞和斷行",
        },
        default="`zh-CN`",
    ),
    Key(
        "theme",
        str,
        {
            "en": "the theme: a folder of `styles/`, the project's or the publisher's (`publisher themes` lists them)",
            "zh-Hans": "主题：styles/下的文件夹名（publisher themes列出全部）",
            "zh-Hant": "主題：styles/下的資料夾名（publisher themes列出全部）",
        },
        default="`report`",
    ),
    Key(
        "paper",
        str,
        {"en": "the paper size", "zh-Hans": "纸张：A4或A5", "zh-Hant": "紙張：A4或A5"},
        default="`A4`",
        choices=("A4", "A5"),
    ),
    Key(
        "subject",
        str,
        {
            "en": "the PDF's subject (a one-line description)",
            "zh-Hans": "PDF的主题（一句话）",
            "zh-Hant": "PDF的主題（一句話）",
        },
    ),
    Key(
        "keywords",
        list[str],
        {"en": "the PDF's keywords", "zh-Hans": "PDF的关键词", "zh-Hant": "PDF的關鍵詞"},
    ),
    Key(
        "name",
        str,
        {
            "en": "the output file's name without `.pdf`: letters, digits, `-`, `_` and `.`",
            "zh-Hans": "输出文件名（不含.pdf），默认为项目文件夹名",
            "zh-Hant": "輸出檔名（不含.pdf），預設為專案資料夾名",
        },
        default="the project folder's name",
    ),
    Key(
        "toc_levels",
        int,
        {
            "en": "heading levels listed in the table of contents",
            "zh-Hans": "目录列出的标题级数",
            "zh-Hant": "目錄列出的標題級數",
        },
        default="`2`",
    ),
    Key(
        "run_in_level",
        int,
        {
            "en": "the heading level set run-in at the start of its paragraph (`0`: none)",
            "zh-Hans": "排在段首的标题级别（0：不用段首标题）",
            "zh-Hant": "排在段首的標題級別（0：不用段首標題）",
        },
        default="`3`",
    ),
    Key(
        "numbering",
        str,
        {
            "en": "figures and tables numbered through the `document` (`图 3`) or by `chapter` "
            "(`表 2-1`: the first table after the second level-1 heading)",
            "zh-Hans": "图表编号：document全文连续（图 3），chapter按部分（表 2-1）",
            "zh-Hant": "圖表編號：document全文連續（圖 3），chapter按部分（表 2-1）",
        },
        default="`document`",
        choices=("document", "chapter"),
    ),
    Key(
        "figure_list",
        bool,
        {
            "en": "a list of figures and tables (`图表目录`) after the table of contents",
            "zh-Hans": "在目录后加图表目录",
            "zh-Hant": "在目錄後加圖表目錄",
        },
        default="`false`",
    ),
    Key(
        "normalize",
        bool,
        {
            "en": "correct punctuation widths, full-width digits, Han–Latin spaces and quotes in the PDF "
            "(not in the source)",
            "zh-Hans": "在PDF中规范标点宽度、全角数字、中西文间空格和引号（不改源文件）",
            "zh-Hant": "在PDF中規範標點寬度、全形數字、中西文間空格和引號（不改原始檔）",
        },
        default="`true`",
    ),
    Key(
        "autospace",
        bool,
        {
            "en": "¼ em between Han characters and Latin letters or digits (never at a line's edge)",
            "zh-Hans": "汉字与西文、数字之间留四分之一字宽",
            "zh-Hant": "漢字與西文、數字之間留四分之一字寬",
        },
        default="`true`",
    ),
    Key(
        "compress_punctuation",
        bool | None,
        {
            "en": "two adjacent full-width marks set in 1.5 em",
            "zh-Hans": "相邻的两个全角标点挤压为一个半字宽（默认：简体是，繁体否）",
            "zh-Hant": "相鄰的兩個全形標點擠壓為一個半字寬（預設：簡體是，繁體否）",
        },
        default="`true` for Simplified Chinese, `false` for Traditional",
    ),
    Key(
        "justify",
        bool,
        {
            "en": "body text justified to both edges (`false`: ragged right)",
            "zh-Hans": "正文两端对齐（false：左对齐）",
            "zh-Hant": "正文兩端對齊（false：靠左對齊）",
        },
        default="`true`",
    ),
    Key(
        "params",
        dict[str, Any],
        {
            "en": "parameters: one project, a report for each unit (docs/batch.md)",
            "zh-Hans": "参数：一个项目为每个单位各出一份报告（见docs/batch.md）",
            "zh-Hant": "參數：一個專案為每個單位各出一份報告（見docs/batch.md）",
        },
    ),
)
"""Every front matter key, in the order a new project's front matter lists them."""

BY_NAME: dict[str, Key] = {key.name: key for key in KEYS}
PARAMS_KEY = "params"
"""Read by :mod:`publisher.params` before the rest is checked."""


def markdown_table() -> str:
    """The table of the keys in ``docs/source-format.md``."""
    lines = ["| key | value | default | what it does |", "|---|---|---|---|"]
    for key in KEYS:
        default = "required" if key.required else (key.default or "none")
        lines.append(f"| `{key.name}` | {key.kind()} | {default} | {key.help['en']} |")
    return "\n".join(lines) + "\n"


def parse_meta(data: Any, pos: Pos, root: Path) -> Meta:
    """Check the front matter against :data:`KEYS`: unknown keys, wrong types and values are errors."""
    if data is None:
        data = yamlpos.YMap()
        data.pos, data.key_pos, data.value_pos = pos, {}, {}
    if not isinstance(data, yamlpos.YMap):
        raise PublisherError("front matter must be a mapping of `key: value` lines", pos)
    values: dict[str, Any] = {}
    for name, value in data.items():
        key = BY_NAME.get(name)
        if key is None:
            raise PublisherError(f"unknown front matter key '{name}'", data.key_pos[name], did_you_mean(name, BY_NAME))
        if name == PARAMS_KEY:
            continue
        values[name] = _check_type(name, value, key.type, data.where(name))
        if key.choices and values[name] not in key.choices:
            raise PublisherError(
                f"{name}: unknown value '{values[name]}'",
                data.where(name),
                did_you_mean(values[name], key.choices),
            )
    for key in KEYS:
        if key.required and key.name not in values:
            raise PublisherError(f"front matter has no `{key.name}`", data.pos, f"add a line `{key.name}: …`")
    values.setdefault("name", root.name)
    values.setdefault("author", values.get("organisation", ""))
    meta = Meta(**values)
    if "theme" in data:
        from .theme import check_theme_name

        check_theme_name(meta.theme, data.where("theme"))
    if not re.fullmatch(r"[\w.-]+", meta.name):
        raise PublisherError(
            f"name '{meta.name}' cannot be a file name",
            data.where("name") if "name" in data else data.pos,
            "use letters, digits, '-', '_' and '.' only",
        )
    return meta


def _check_type(key: str, value: Any, hint: Any, pos: Pos) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if hint is str:
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            return str(value)
        if hasattr(value, "isoformat"):
            return str(value.isoformat())
    elif hint is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif hint is bool:
        if isinstance(value, bool):
            return value
    elif origin in (typing.Union, types.UnionType) and type(None) in args:
        if value is None:
            return None
        inner = next(a for a in args if a is not type(None))
        return _check_type(key, value, inner, pos)
    elif origin is list:
        if isinstance(value, str):
            return [v.strip() for v in re.split(r"[,，、]", value) if v.strip()]
        if isinstance(value, list):
            return [str(v) for v in value]
    kind = {str: "text", int: "a whole number", bool: "true or false"}.get(hint, str(hint))
    if origin is list:
        kind = "a list"
    raise PublisherError(
        f"{key}: expected {kind}, got {value!r}", pos, "see the front matter keys in docs/source-format.md"
    )
