"""``publisher new``: a small project that builds at once and teaches by example.

The project's text is package data, one folder per language (``zh-CN``,
``zh-Hant``, ``en``): ``report.md`` (the body: a heading of each level, a run-in
heading, a footnote, a chart and a table with captions, cross-references),
``example.yaml`` (the chart spec), ``publisher.toml`` (the editions, commented)
and ``front.yaml`` (what the front matter sets). The front matter itself is
written from :data:`publisher.frontmatter.KEYS`, every key with its meaning in
the project's language, so it never falls behind the keys the build accepts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..errors import EnvironmentProblem, Pos, PublisherError, did_you_mean
from ..frontmatter import KEYS
from ..i18n import script
from ..model import Meta

STARTER_DIR = Path(__file__).resolve().parent
LANGS = ("zh-CN", "zh-Hant", "en")
"""The languages a new project can be written in (a folder each)."""
COMMENT_COLUMN = 34
"""The display column where the front matter's comments start (when the line leaves room)."""
IGNORED = frozenset({".git"})
"""Entries that do not make a folder "not empty" (``git init`` first, then ``publisher new .``)."""


@dataclass(frozen=True)
class NewProject:
    """What :func:`create` wrote."""

    folder: Path
    files: tuple[Path, ...]
    """Paths relative to :attr:`folder`."""
    theme: str
    lang: str


def create(
    folder: Path, theme: str = "report", lang: str = "zh-CN", title: str | None = None, force: bool = False
) -> NewProject:
    """Write a new project into ``folder`` (new or empty, unless ``force``: files of the same name are replaced)."""
    from ..theme import available_themes, check_theme_name

    if lang not in LANGS:
        raise PublisherError(f"unknown language '{lang}'", None, did_you_mean(lang, LANGS))
    check_theme_name(theme, None)
    themes = available_themes(folder if folder.is_dir() else None)
    if theme not in themes:
        raise PublisherError(f"unknown theme '{theme}'", None, did_you_mean(theme, themes))
    if title is not None and (not title.strip() or any(unicodedata.category(c)[0] == "C" for c in title)):
        raise PublisherError("--title: expected one line of text", None, "e.g. --title 2025年工作报告")
    _check_folder(folder, force)
    words = STARTER_DIR / lang
    files = {
        Path("source") / "report.md": front_matter(folder, lang, theme, title) + "\n" + _read(words / "report.md"),
        Path("source") / "charts" / "example.yaml": _read(words / "example.yaml"),
        Path("publisher.toml"): _read(words / "publisher.toml"),
        Path(".gitignore"): "out/\n",
    }
    try:
        for rel, text in files.items():
            target = folder / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot write the project: {exc.strerror}", Pos(Path(exc.filename or folder)), "check the folder"
        ) from None
    return NewProject(folder, tuple(files), theme, lang)


def _check_folder(folder: Path, force: bool) -> None:
    if folder.exists() and not folder.is_dir():
        raise PublisherError(f"'{folder}' is a file, not a folder", None, "give the name of a new folder")
    if not folder.is_dir() or force:
        return
    held = sorted(p.name for p in folder.iterdir() if p.name not in IGNORED)
    if held:
        shown = ", ".join(held[:3]) + (f" and {len(held) - 3} more" if len(held) > 3 else "")
        raise PublisherError(
            f"folder '{folder}' is not empty (it holds {shown})",
            None,
            "give the name of a new folder, or add --force to write the template into it "
            "(files of the same name are replaced)",
        )


def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def front_matter(folder: Path, lang: str, theme: str, title: str | None) -> str:
    """The front matter of a new project: every key of :data:`~publisher.frontmatter.KEYS`, each with a comment
    in ``lang`` saying what it does; the keys a report usually sets are set, the others commented out."""
    starter = yaml.safe_load(_read(STARTER_DIR / lang / "front.yaml"))
    values: dict[str, Any] = {**starter["values"], "lang": lang, "theme": theme}
    if title is not None:
        values["title"] = title.strip()
    name = _file_name(folder)
    if name != folder.resolve().name:
        values["name"] = name
    defaults = _defaults()
    words = script(lang)
    lines = ["---", f"# {starter['intro']}"]
    for key in KEYS:
        if key.name in values:
            text = f"{key.name}: {_yaml(values[key.name])}"
        else:
            example = starter["examples"].get(key.name, name if key.name == "name" else defaults.get(key.name))
            text = f"# {key.name}: {_yaml(example)}" if example is not None else f"# {key.name}:"
        lines.append(_with_comment(text, key.help[words]))
    lines.append("---")
    return "\n".join(lines) + "\n"


def _defaults() -> dict[str, Any]:
    import dataclasses

    return {f.name: f.default for f in dataclasses.fields(Meta) if f.default is not dataclasses.MISSING}


def _file_name(folder: Path) -> str:
    """The output's name: the folder's, or made one (``name:`` allows letters, digits, ``-``, ``_``, ``.``)."""
    name = re.sub(r"[^\w.-]+", "-", folder.resolve().name).strip("-.")
    return name or "report"


def _yaml(value: Any) -> str:
    """``value`` as one line of YAML."""
    text = yaml.safe_dump(value, allow_unicode=True, default_flow_style=True, width=1000).strip()
    return text.removesuffix("\n...").strip()


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _with_comment(text: str, comment: str) -> str:
    return text + " " * max(2, COMMENT_COLUMN - _width(text)) + "# " + comment
