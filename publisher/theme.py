"""Themes: Jinja2 templates + CSS + design tokens, found on a search path.

The search path is: the project's own ``styles/<theme>/``, then the
publisher's ``styles/<theme>/``, then ``styles/base/``. Tokens
(``tokens.yaml``) are read by both the CSS (as custom properties) and the
charts, so the two always agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import yamlpos
from .charts import ChartStyle
from .errors import EnvironmentProblem, Pos, PublisherError, did_you_mean

PACKAGE_ROOT = Path(__file__).resolve().parent.parent
STYLES_DIR = PACKAGE_ROOT / "styles"
FONTS_DIR = PACKAGE_ROOT / "assets" / "fonts"
BASE_THEME = "base"

# Font roles and the bundled files that serve them.
FONT_ROLES: dict[str, tuple[str, str]] = {
    "body": ("Publisher Serif", "PublisherSerif-Regular.otf"),
    "body-bold": ("Publisher Serif", "PublisherSerif-Bold.otf"),
    "heading": ("Publisher Sans", "PublisherSans-Bold.otf"),
    "figure": ("Publisher Sans", "PublisherSans-Regular.otf"),
    "kai": ("Publisher Kai", "PublisherKai-Regular.ttf"),
}


@dataclass(frozen=True)
class Theme:
    """A resolved theme."""

    name: str
    dirs: tuple[Path, ...]
    """Folders searched for templates and CSS, most specific first."""
    tokens: dict[str, Any]
    """Design tokens (colours, sizes) shared by CSS and charts."""

    def css_files(self) -> list[Path]:
        """Stylesheets in cascade order: base first, the most specific last."""
        return [d / "theme.css" for d in reversed(self.dirs) if (d / "theme.css").is_file()]

    def css_variables(self) -> str:
        """The tokens as CSS custom properties on ``:root``; font roles as ``--font-ROLE`` family lists.

        Each role's list ends with the publisher's fallback families (the full
        faces, symbols, emoji: :func:`publisher.fonts.with_fallbacks`).
        """
        from .fonts import with_fallbacks

        tokens = {k: v for k, v in self.tokens.items() if k not in ("fonts", "official-faces")}
        lines = [f"  --{key}: {value};" for key, value in _flatten(tokens)]
        for role, families in self.tokens.get("fonts", {}).items():
            names = ", ".join('"' + str(f).replace('"', "") + '"' for f in with_fallbacks([str(f) for f in families]))
            lines.append(f"  --font-{role}: {names};")
        return ":root {\n" + "\n".join(lines) + "\n}\n"

    def chart_style(self, paper: str, lang: str = "zh-CN") -> ChartStyle:
        """Chart styling from the same tokens the CSS uses, with the words of ``lang``."""
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
            font_size=float(self.tokens["chart"]["font-size-pt"]),
            line_width=float(self.tokens["chart"]["line-width-pt"]),
            width_mm=width,
            unit_label=words["unit"],
            up_label=words["up"],
            down_label=words["down"],
        )


def _flatten(data: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            out.extend(_flatten(value, name + "-"))
        elif isinstance(value, list):
            out.extend((f"{name}-{i + 1}", str(v)) for i, v in enumerate(value))
        else:
            out.append((name, str(value)))
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


def available_themes(project: Path | None = None) -> list[str]:
    """Names of the themes a project can use."""
    names = {p.name for p in STYLES_DIR.iterdir() if p.is_dir() and p.name != BASE_THEME}
    if project is not None and (project / "styles").is_dir():
        names |= {p.name for p in (project / "styles").iterdir() if p.is_dir()}
    return sorted(names)


def load_theme(name: str, project: Path | None, pos: Pos | None = None) -> Theme:
    """Resolve theme ``name`` for ``project``; an unknown name is a user error."""
    candidates = []
    if project is not None:
        candidates.append(project / "styles" / name)
    candidates.append(STYLES_DIR / name)
    dirs = [d for d in candidates if d.is_dir()]
    if not dirs or name == BASE_THEME:
        raise PublisherError(f"unknown theme '{name}'", pos, did_you_mean(name, available_themes(project)))
    dirs.append(STYLES_DIR / BASE_THEME)
    check_fonts()
    tokens: dict[str, Any] = {}
    for folder in reversed(dirs):
        path = folder / "tokens.yaml"
        if path.is_file():
            data = yamlpos.load(path.read_text(encoding="utf-8"), path)
            tokens = _merge(tokens, _plain(data or {}))
    return Theme(name, tuple(dirs), tokens)


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value
