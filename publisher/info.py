"""``publisher --info``: what this installation typesets with."""

from __future__ import annotations

import platform
from pathlib import Path

from .data import FONT_ROLES, FONTS_DIR


def _face(path: Path | None, index: int) -> str:
    """A font file, its face in a collection, and how many characters it has."""
    if path is None:
        return "not installed"
    from .fonts import coverage

    face = f" (face {index})" if path.suffix == ".ttc" else ""
    return f"{path}{face}, {len(coverage(path, index)):,} characters"


def info_lines() -> list[str]:
    """Versions of the parts, the font store, and the font files behind each role."""
    import matplotlib

    from . import fontstore
    from .data import VERSION
    from .engine.weasyprint.info import library_versions

    lines = [f"publisher {VERSION}", f"Python {platform.python_version()}"]
    lines += [f"{name} {version}" for name, version in library_versions().items()]
    lines.append(f"matplotlib {matplotlib.__version__}")
    lines.append("bundled fonts (GB 2312 and common Big5):")
    for role, (family, filename) in FONT_ROLES.items():
        path = FONTS_DIR / filename
        state = "" if path.is_file() else "  (MISSING)"
        lines.append(f"  {role:10} {family:16} {path}{state}")
    states = fontstore.status()
    counts = {state: sum(1 for s in states.values() if s == state) for state in ("ok", "missing", "differs")}
    summary = f"{counts['ok']} of {len(states)} files"
    if counts["missing"]:
        summary += f"; `{fontstore.install_command()}` installs the {counts['missing']} missing"
    lines.append(f"full faces in {fontstore.font_dir()}: {summary}")
    for name, state in states.items():
        if state != "ok":
            lines.append(f"  {name}: {'not the recorded file' if state == 'differs' else 'missing'}")
    from .fonts import roles
    from .theme import available_themes, load_theme

    for name in available_themes():
        lines.append(f"theme {name}: font roles (families tried in order; the first that has a character draws it)")
        for role, chain in roles(load_theme(name, None).tokens).items():
            lines.append(f"  {role}:")
            for font in chain:
                lines.append(f"    {font.family}: {_face(font.path, font.index)}")
    return lines
