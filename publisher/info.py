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
    return lines
