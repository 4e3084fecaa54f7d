"""Parameters: one project, many reports (``publisher build --param``, ``publisher batch``).

The front matter declares them::

    params:
      unit: {type: text}                 # no default: every build must give it
      gdp: {type: number, default: 58.6}
      projects: {type: integer, default: 4}

and the report, its chart specs and its table specs refer to them as
``{{unit}}``. A value is inserted as text, never evaluated: in the Markdown it
is escaped (``*``, ``[``, ``<`` … print as themselves), in a YAML spec a number
is a number and text a quoted string, in the front matter it is inserted as
written. A placeholder naming no declared parameter is an error at its place;
a project that declares no parameters is read exactly as before (``{{`` has no
meaning in it).
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import frontmatter, yamlpos
from .errors import Pos, PublisherError, did_you_mean

PLACEHOLDER = re.compile(r"\{\{\s*([^\W\d][\w]*)\s*\}\}")
"""``{{name}}`` (spaces allowed inside the braces)."""
TYPES = ("text", "number", "integer")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~!{}$])")


@dataclass(frozen=True)
class Param:
    """A declared parameter."""

    name: str
    type: str = "text"
    default: str | None = None
    pos: Pos | None = None


def declared(text: str, path: Path) -> dict[str, Param]:
    """The parameters the front matter of ``text`` declares (``params:``); ``{}`` when it declares none."""
    front = frontmatter.split(text)
    if front is None or "params:" not in front.yaml:
        return {}
    # the front matter may use placeholders itself: read it with each one replaced by a plain word
    data = yamlpos.load(PLACEHOLDER.sub("x", front.yaml), path, first_line=2)
    if not isinstance(data, yamlpos.YMap) or "params" not in data:
        return {}
    raw = data["params"]
    if not isinstance(raw, yamlpos.YMap):
        raise PublisherError(
            "params: expected a mapping of names", data.where("params"), "write `params: {unit: {type: text}}`"
        )
    out: dict[str, Param] = {}
    for name, spec in raw.items():
        where = raw.key_pos[name]
        if not isinstance(name, str) or not re.fullmatch(r"[^\W\d]\w*", name):
            raise PublisherError(f"params: '{name}' cannot be a parameter name", where, "use letters, digits and _")
        if spec is None or (isinstance(spec, str | int | float) and not isinstance(spec, bool)):
            # `unit: 祖庙街道` is a text parameter with a default
            out[name] = Param(name, "number" if isinstance(spec, int | float) else "text", _text(spec), where)
            continue
        if not isinstance(spec, yamlpos.YMap):
            raise PublisherError(f"params.{name}: expected a default or `{{type: …, default: …}}`", where)
        for key in spec:
            if key not in ("type", "default"):
                raise PublisherError(f"unknown params field '{key}'", spec.key_pos[key], did_you_mean(key, TYPES))
        kind = str(spec.get("type", "text"))
        if kind not in TYPES:
            raise PublisherError(
                f"params.{name}.type: unknown type '{kind}'", spec.where("type"), did_you_mean(kind, TYPES)
            )
        default = spec.get("default")
        param = Param(name, kind, _text(default), where)
        if param.default is not None:
            check_value(param, param.default, spec.where("default"))
        out[name] = param
    return out


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def check_value(param: Param, value: str, where: Pos | str | None) -> str:
    """``value`` checked against the parameter's type (a number written ``1,234.5`` is kept as written)."""
    if param.type == "text":
        if "\n" in value:
            raise _value_error(where, "expected text on one line", value)
        return value
    number = value.replace(",", "").strip()
    try:
        parsed = float(number)
    except ValueError:
        raise _value_error(
            where, f"expected {'a whole number' if param.type == 'integer' else 'a number'}", value
        ) from None
    if not math.isfinite(parsed):
        raise _value_error(where, "expected a finite number", value)
    if param.type == "integer" and not parsed.is_integer():
        raise _value_error(where, "expected a whole number", value)
    return number


def _value_error(where: Pos | str | None, what: str, value: str) -> PublisherError:
    if isinstance(where, str):  # a cell of a data file, ``units.xlsx:Sheet1!C7``
        return PublisherError(f"{where}: {what}, got {value!r}", None, "correct the cell in the data file")
    return PublisherError(f"{what}, got {value!r}", where)


def resolve(params: Mapping[str, Param], given: Mapping[str, str]) -> dict[str, str]:
    """The value of every declared parameter: ``given`` (checked) or its default; unknown names are errors."""
    for name in given:
        if name not in params:
            hint = did_you_mean(name, params) or (
                f"the report declares {', '.join(params)}"
                if params
                else "declare it under `params:` in the front matter"
            )
            raise PublisherError(f"--param {name}: the report has no parameter '{name}'", None, hint)
    values: dict[str, str] = {}
    for name, param in params.items():
        if name in given:
            values[name] = (
                check_value(param, given[name], None) if param.type == "text" else _checked(param, given[name])
            )
        elif param.default is not None:
            values[name] = param.default
        else:
            raise PublisherError(
                f"parameter '{name}' has no value", param.pos, f"give it: --param {name}=…, or a default in `params:`"
            )
    return values


def _checked(param: Param, value: str) -> str:
    try:
        return check_value(param, value, None)
    except PublisherError as error:
        raise PublisherError(
            f"--param {param.name}: {error.message}", None, "give a number: --param name=12.5"
        ) from None


def substitute(text: str, values: Mapping[str, str], path: Path, first_line: int = 1, mode: str = "markdown") -> str:
    """``text`` with every ``{{name}}`` replaced by its value, escaped for ``mode`` (``markdown``, ``yaml`` or
    ``raw``); a placeholder naming no parameter is an error at its line and column."""
    if "{{" not in text:
        return text

    def one(match: re.Match[str]) -> str:
        name = match[1]
        if name not in values:
            line = text.count("\n", 0, match.start())
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            raise PublisherError(
                f"no parameter '{name}'",
                Pos(path, first_line + line, column),
                did_you_mean(name, values) or "declare it under `params:` in the front matter",
            )
        value = values[name]
        if mode == "yaml":
            return value if _is_number(value) else json.dumps(value, ensure_ascii=False)
        if mode == "markdown":
            return _MARKDOWN_SPECIAL.sub(r"\\\1", value)
        return value

    return PLACEHOLDER.sub(one, text)


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def apply_to_report(text: str, path: Path, values: Mapping[str, str]) -> str:
    """The report ``text`` with its parameters filled in: as written in the front matter, escaped in the body."""
    front = frontmatter.split(text)
    if front is None:
        return substitute(text, values, path)
    head = text[: len(text) - len(front.body)] if front.body else text
    body = text[len(head) :]
    return substitute(head, values, path, 1, "raw") + substitute(body, values, path, front.body_line)
