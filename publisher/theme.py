"""Themes: Jinja2 templates + CSS + design tokens, found on a search path.

A theme is a folder of data, no code: ``templates/``, ``theme.css``,
``tokens.yaml`` and ``theme.yaml``, which says what the theme extends
(``extends: report``; default ``base``, underneath every theme) and which
checks it registers (``checks: [gbt9704]``, :mod:`publisher.checks`). The
search path is, for the theme and then each theme it extends: the project's
own ``styles/<name>/``, then the publisher's (package data,
``publisher.styles``). Tokens are read by both the CSS (as custom
properties) and the charts, so the two always agree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import paths, yamlpos
from .charts import ChartStyle
from .data import FONT_ROLES, FONTS_DIR, PACKAGE_ROOT, STYLES_DIR
from .errors import EnvironmentProblem, Pos, PublisherError, did_you_mean
from .numbering import APPENDIX_NUMBERING, Captions
from .tokens import check_used as check_tokens_used
from .tokens import css_value, grid_variables
from .tokens import validate as validate_tokens
from .units import CSS_LENGTH_HINT, MAX_CSS_LENGTH_MM, absurd_css_lengths

__all__ = ["FONTS_DIR", "FONT_ROLES", "PACKAGE_ROOT", "STYLES_DIR", "Theme", "load_theme"]

BASE_THEME = "base"
THEME_FILE = "theme.yaml"
THEME_KEYS = ("description", "extends", "checks", "captions")
THEME_NAME = re.compile(r"[^\W_][\w-]*")
"""A theme is named by its folder (letters, digits, ``-``, ``_``): never by a path."""
MAX_THEME_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Theme:
    """A resolved theme."""

    name: str
    dirs: tuple[Path, ...]
    """Folders searched for templates and CSS, most specific first."""
    tokens: dict[str, Any]
    """Design tokens (colours, sizes) shared by CSS and charts."""
    checks: tuple[str, ...] = ()
    """Checks the theme registers (:data:`publisher.checks.CHECKS`), run by ``publisher check``."""
    captions: Captions = field(default_factory=Captions)
    """How it numbers and labels tables and figures (``captions:`` in ``theme.yaml``)."""
    project: Path | None = None
    """The project whose ``styles/`` holds some of :attr:`dirs` (their files are read through the path policy)."""

    def css_files(self) -> list[Path]:
        """Stylesheets in cascade order: base first, the most specific last."""
        return [d / "theme.css" for d in reversed(self.dirs) if (d / "theme.css").is_file()]

    def css_texts(self) -> list[str]:
        """The text of :meth:`css_files`, read through the path policy."""
        return [read_theme_file(path, self.project) for path in self.css_files()]

    def trusted(self) -> bool:
        """Whether every folder of the theme is the publisher's own (else its templates run sandboxed)."""
        return all(d.is_relative_to(STYLES_DIR) for d in self.dirs)

    def css_variables(self) -> str:
        """The tokens as CSS custom properties on ``:root``, with their units; font roles as ``--font-ROLE``;
        the document grid's measures (:func:`publisher.tokens.grid_variables`).

        Each role's list ends with the publisher's fallback families (the full
        faces, symbols, emoji: :func:`publisher.fonts.with_fallbacks`).
        """
        from .fonts import with_fallbacks

        tokens = {k: v for k, v in self.tokens.items() if k not in ("fonts", "official-faces")}
        lines = [f"  --{name.replace('.', '-')}: {css_value(name, value)};" for name, value in _flatten(tokens)]
        lines += [f"  --{name}: {value};" for name, value in grid_variables(self.tokens)]
        for role, families in self.tokens.get("fonts", {}).items():
            names = ", ".join('"' + str(f).replace('"', "") + '"' for f in with_fallbacks([str(f) for f in families]))
            lines.append(f"  --font-{role}: {names};")
        return ":root {\n" + "\n".join(lines) + "\n}\n"

    def chart_style(self, paper: str, lang: str = "zh-CN", office: bool = False) -> ChartStyle:
        """Chart styling from the same tokens the CSS uses, with the words of ``lang``; ``office``: for Word."""
        from .fonts import chart_chain
        from .i18n import labels

        words = labels(lang)
        colour = self.tokens["color"]
        width = float(self.tokens["page"][paper.lower()]["content-width-mm"])
        return ChartStyle(
            palette=tuple(str(c) for c in self.tokens["chart"]["palette"]),
            text=str(colour["text"]),
            muted=str(colour["muted"]),
            font_family=FONT_ROLES["figure"][0],
            font_files=(FONTS_DIR / FONT_ROLES["figure"][1], FONTS_DIR / FONT_ROLES["heading"][1]),
            font_fallbacks=tuple((font.family, font.path, font.index) for font in chart_chain(lang)[1:] if font.path),
            font_size=float(self.tokens["chart"]["font-size-pt"]),
            line_width=float(self.tokens["chart"]["line-width-pt"]),
            width_mm=width,
            unit_label=words["unit"],
            up_label=words["up"],
            down_label=words["down"],
            office=office,
        )


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, Any]]:
    """Dotted token names and values; a list gives ``NAME.1``, ``NAME.2`` … (``--chart-palette-2``)."""
    out: list[tuple[str, Any]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, name + "."))
        elif isinstance(value, list):
            out.extend((f"{name}.{i + 1}", v) for i, v in enumerate(value))
        else:
            out.append((name, value))
    return out


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def check_fonts(fonts_dir: Path = FONTS_DIR) -> None:
    """Every font role's file must be readable and look like a font."""
    for role, (family, filename) in FONT_ROLES.items():
        path = fonts_dir / filename
        try:
            with path.open("rb") as handle:
                magic = handle.read(4)
        except OSError as exc:
            raise EnvironmentProblem(
                f"font file for role '{role}' ({family}) is unreadable: {path}: {exc.strerror}",
                hint="restore assets/fonts/ from the repository, or regenerate it with `make subsets`",
            ) from None
        if magic not in (b"OTTO", b"\x00\x01\x00\x00", b"true", b"wOFF", b"wOF2"):
            raise EnvironmentProblem(
                f"font file for role '{role}' ({family}) is not a font: {path}",
                hint="restore assets/fonts/ from the repository, or regenerate it with `make subsets`",
            )


def read_theme_file(path: Path, project: Path | None) -> str:
    """A file of a theme folder: a project's through the path policy (inside the project, a regular file)."""
    root = project if project is not None and path.is_relative_to(project) else STYLES_DIR
    data = paths.read_bytes(root, path, MAX_THEME_FILE_BYTES, what="theme file", name=str(paths.shown(root, path)))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise PublisherError(
            f"{paths.shown(root, path)} is not UTF-8 text", Pos(paths.shown(root, path)), "save it as UTF-8"
        ) from None


def check_theme_name(name: str, pos: Pos | None) -> None:
    """A theme name must be a name (a folder in ``styles/``), not a path."""
    if not THEME_NAME.fullmatch(name):
        raise PublisherError(
            f"theme '{name}' is not a theme name",
            pos,
            "name a theme by its folder in styles/ (the project's or the publisher's): "
            "letters, digits, '-' and '_', not a path",
        )


def available_themes(project: Path | None = None) -> list[str]:
    """Names of the themes a project can use."""

    def names(folder: Path) -> set[str]:
        return {p.name for p in folder.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}

    found = names(STYLES_DIR) - {BASE_THEME}
    if project is not None and (project / "styles").is_dir():
        found |= names(project / "styles")
    return sorted(found)


@dataclass(frozen=True)
class ThemeInfo:
    """A theme as ``publisher themes`` lists it."""

    name: str
    origin: str
    """``built-in``, ``project`` or ``built-in, changed by the project``."""
    description: str
    """The ``description:`` of its ``theme.yaml`` (the project's copy over the publisher's); empty when none."""


def describe_themes(project: Path | None = None) -> list[ThemeInfo]:
    """The themes ``project`` can use (the publisher's and its own), each with what it is for."""
    found = []
    for name in available_themes(project):
        own = project / "styles" / name if project is not None else None
        own_dir = own if own is not None and own.is_dir() else None
        builtin = (STYLES_DIR / name).is_dir()
        origin = ("built-in, changed by the project" if own_dir else "built-in") if builtin else "project"
        folders = [d for d in (own_dir, STYLES_DIR / name) if d is not None and d.is_dir()]
        found.append(ThemeInfo(name, origin, _declared(folders, name, project).description))
    return found


@dataclass(frozen=True)
class _Declared:
    extends: str | None
    checks: tuple[str, ...] | None
    captions: dict[str, str]
    description: str = ""


def _declared(folders: list[Path], name: str, project: Path | None) -> _Declared:
    """What ``theme.yaml`` declares (the project's copy over the publisher's), every key checked."""
    from .checks import CHECKS

    extends: str | None = None if name == BASE_THEME else BASE_THEME
    checks: tuple[str, ...] | None = None
    captions: dict[str, str] = {}
    description = ""
    for folder in reversed(folders):
        path = folder / THEME_FILE
        if not path.is_file():
            continue
        data = yamlpos.load(read_theme_file(path, project), path)
        if data is None:
            continue
        if not isinstance(data, yamlpos.YMap):
            raise PublisherError(f"{THEME_FILE} must be a mapping of `key: value` lines", Pos(path))
        for key in data:
            if key not in THEME_KEYS:
                raise PublisherError(f"unknown theme key '{key}'", data.key_pos[key], did_you_mean(key, THEME_KEYS))
        if "extends" in data:
            if not isinstance(data["extends"], str) or not data["extends"]:
                raise PublisherError("extends: expected a theme name", data.where("extends"))
            check_theme_name(data["extends"], data.where("extends"))
            extends = data["extends"]
        if "checks" in data:
            listed = data["checks"]
            if not isinstance(listed, yamlpos.YList) or not all(isinstance(c, str) for c in listed):
                raise PublisherError("checks: expected a list of check names", data.where("checks"))
            for index, check in enumerate(listed):
                if check not in CHECKS:
                    hint = did_you_mean(check, CHECKS)
                    raise PublisherError(f"unknown check '{check}'", listed.item_pos[index], hint)
            checks = tuple(listed)
        if "captions" in data:
            captions.update(_captions(data))
        if "description" in data:
            if not isinstance(data["description"], str):
                raise PublisherError("description: expected one line of text", data.where("description"))
            description = data["description"]
    return _Declared(extends, checks, captions, description)


def _captions(data: yamlpos.YMap) -> dict[str, str]:
    """The ``captions:`` mapping of a ``theme.yaml``, checked."""
    found = data["captions"]
    names = ("continued", "appendix")
    if not isinstance(found, yamlpos.YMap):
        raise PublisherError("captions: expected a mapping (`continued: …`, `appendix: …`)", data.where("captions"))
    out: dict[str, str] = {}
    for key, value in found.items():
        if key not in names:
            raise PublisherError(f"unknown captions key '{key}'", found.key_pos[key], did_you_mean(key, names))
        if not isinstance(value, str):
            raise PublisherError(f"captions.{key}: expected text", found.where(key))
        out[key] = value
    if out.get("continued") and "{label}" not in out["continued"]:
        raise PublisherError(
            "captions.continued: the label goes where {label} is", found.where("continued"), 'e.g. "续{label}"'
        )
    if "appendix" in out and out["appendix"] not in APPENDIX_NUMBERING:
        raise PublisherError(
            f"captions.appendix: unknown value '{out['appendix']}'",
            found.where("appendix"),
            did_you_mean(out["appendix"], APPENDIX_NUMBERING),
        )
    return out


def load_theme(name: str, project: Path | None, pos: Pos | None = None) -> Theme:
    """Resolve theme ``name`` for ``project``, and the themes it extends; an unknown name is a user error."""
    check_theme_name(name, pos)
    if name == BASE_THEME:
        raise PublisherError(f"unknown theme '{name}'", pos, did_you_mean(name, available_themes(project)))
    if project is not None:
        project = project.resolve()
    dirs: list[Path] = []
    checks: tuple[str, ...] | None = None
    captions: dict[str, str] = {}
    chain: list[str] = []
    current: str | None = name
    while current is not None:
        candidates = []
        if project is not None and (project / "styles" / current).is_dir():
            candidates.append(paths.inside(project, Path("styles") / current, what="theme folder", folder=True))
        folders = [d for d in [*candidates, STYLES_DIR / current] if d.is_dir()]
        if not folders:
            raise PublisherError(f"unknown theme '{current}'", pos, did_you_mean(current, available_themes(project)))
        if current in chain:
            raise PublisherError(
                f"theme '{name}' extends itself: {' → '.join([*chain, current])}", Pos(folders[0] / THEME_FILE)
            )
        chain.append(current)
        dirs.extend(folders)
        declared = _declared(folders, current, project)
        checks = declared.checks if checks is None else checks
        captions = {**declared.captions, **captions}
        current = declared.extends
        pos = Pos(folders[0] / THEME_FILE)
    check_fonts()
    tokens: dict[str, Any] = {}
    positions: dict[str, Pos] = {}
    for folder in reversed(dirs):
        path = folder / "tokens.yaml"
        if path.is_file():
            data = yamlpos.load(read_theme_file(path, project), path)
            found = validate_tokens(data, path)
            if folder != STYLES_DIR / BASE_THEME:  # the base's tokens are defaults a theme may leave unused
                positions.update(found)
            tokens = _merge(tokens, _plain(data or {}))
    theme = Theme(name, tuple(dirs), tokens, checks or (), Captions(**captions), project)
    texts = theme.css_texts()
    check_tokens_used(positions, texts)
    for path, text in zip(theme.css_files(), texts, strict=True):
        for line, col, length in absurd_css_lengths(text):
            raise PublisherError(
                f"the length {length} is larger than {MAX_CSS_LENGTH_MM // 1000} m",
                Pos(paths.shown(project if project and path.is_relative_to(project) else STYLES_DIR, path), line, col),
                CSS_LENGTH_HINT,
            )
    return theme


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
