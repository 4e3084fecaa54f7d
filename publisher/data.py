"""Where the publisher's own files are: its version, the themes and fonts it ships (package data).

The themes (``styles/`` of the repository) and the bundled fonts
(``assets/fonts/``) are the data packages ``publisher.styles`` and
``publisher.assets``, found with importlib.resources, so an installed wheel
works from any folder. A module at the bottom of the package: everything may
import it, it imports nothing of the publisher but its errors.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from .errors import EnvironmentProblem

VERSION = "0.1.0"
"""The publisher's version (``publisher.__version__``)."""


def _package_data(package: str) -> Path:
    """The folder of a data package: a real folder, for WeasyPrint, fontconfig and Jinja to read."""
    found = resources.files(package)
    if not isinstance(found, Path) or not found.is_dir():
        raise EnvironmentProblem(
            f"the publisher's {package} is not a folder on disk ({found})",
            hint="install the publisher as a package (pip install publisher), not as a zip file",
        )
    return found


PACKAGE_ROOT = Path(__file__).resolve().parent.parent
"""The folder holding the ``publisher`` package (a checkout's root when run from one)."""
STYLES_DIR = _package_data("publisher.styles")
"""The themes shipped with the publisher (``styles/`` of the repository)."""
FONTS_DIR = _package_data("publisher.assets") / "fonts"
"""The bundled fonts (``assets/fonts/`` of the repository)."""

FONT_ROLES: dict[str, tuple[str, str]] = {
    "body": ("Publisher Serif", "PublisherSerif-Regular.otf"),
    "body-bold": ("Publisher Serif", "PublisherSerif-Bold.otf"),
    "heading": ("Publisher Sans", "PublisherSans-Bold.otf"),
    "figure": ("Publisher Sans", "PublisherSans-Regular.otf"),
    "kai": ("Publisher Kai", "PublisherKai-Regular.ttf"),
}
"""Font roles and the bundled files that serve them."""
