"""``publisher --info``: what this installation typesets with."""

from __future__ import annotations

import platform

from .theme import FONT_ROLES, FONTS_DIR


def info_lines() -> list[str]:
    """Versions of the parts and the font file behind each role."""
    import matplotlib

    from . import __version__
    from .pdf import library_versions

    lines = [f"publisher {__version__}", f"Python {platform.python_version()}"]
    lines += [f"{name} {version}" for name, version in library_versions().items()]
    lines.append(f"matplotlib {matplotlib.__version__}")
    lines.append("font roles:")
    for role, (family, filename) in FONT_ROLES.items():
        path = FONTS_DIR / filename
        state = "" if path.is_file() else "  (MISSING)"
        lines.append(f"  {role:10} {family:16} {path}{state}")
    from .fonts import roles
    from .theme import available_themes, load_theme

    for name in available_themes():
        lines.append(f"theme {name}: font roles (families tried in order; the first installed one draws)")
        for role, chain in roles(load_theme(name, None).tokens).items():
            shown = "; ".join(f"{f.family} = {f.path or 'not installed'}" for f in chain)
            lines.append(f"  {role:10} {shown}")
    return lines
