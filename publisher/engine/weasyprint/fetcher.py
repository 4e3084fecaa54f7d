"""WeasyPrint's URL fetcher for a report: project and theme files, the bundled fonts, nothing else.

The report's own references were checked on the model already
(:mod:`publisher.resources`); this is the backstop for what stylesheets and
templates load. Font files are served only when the writer chose them for the
document (a subset, or a bundled face).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.request import url2pathname

from weasyprint.urls import URLFetcher

from ...errors import Diagnostics


class ProjectFetcher(URLFetcher):  # type: ignore[misc]
    """Serves files below the allowed roots, the chosen font files, ``data:`` URLs, and ``http(s)`` if allowed."""

    def __init__(
        self, roots: tuple[Path, ...], fonts: Iterable[Path], diagnostics: Diagnostics, allow_remote: bool = False
    ):
        super().__init__(allowed_protocols={"file", "data", "http", "https"} if allow_remote else {"file", "data"})
        self.roots = tuple(root.resolve() for root in roots)
        self.fonts = frozenset(font.resolve() for font in fonts)
        self.diagnostics = diagnostics
        self.allow_remote = allow_remote
        self.read: set[Path] = set()
        """Every file served (fonts included), so a long-lived writer notices when one changes on disk."""

    @property
    def cache_key(self) -> tuple[Any, ...]:
        """What this fetcher may serve: parsed stylesheets are shared only between fetchers with the same key."""
        return (
            tuple(map(str, self.roots)),
            tuple(sorted(map(str, self.fonts))),
            self.allow_remote,
        )

    def allows(self, path: Path) -> bool:
        """Whether ``path`` (resolved) is below an allowed root, or a chosen font file."""
        return path in self.fonts or any(path.is_relative_to(root) for root in self.roots)

    def fetch(self, url: str, headers: Any = None) -> Any:
        if url.startswith("data:") or (self.allow_remote and url.startswith(("http:", "https:"))):
            return super().fetch(url, headers)
        elif url.startswith("file:"):
            path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
            if self.allows(path):
                self.read.add(path)
                return super().fetch(url, headers)
        self.diagnostics.warn(
            f"refused to load '{url}': only files inside the project are allowed",
            hint="copy the file into the project; remote files need --allow-remote",
        )
        raise ValueError(f"refused: {url}")
