"""Stage 5, pdf: HTML → PDF with WeasyPrint, written atomically.

One :class:`Renderer` can be kept alive to build many times (watch mode): it
owns the shared ``FontConfiguration`` so fonts are not loaded again and
memory stays flat.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import incremental as relayout
from .errors import Diagnostics, EnvironmentProblem, PublisherError


def harfbuzz_subset_available() -> bool:
    """Whether WeasyPrint can subset fonts with HarfBuzz (fast) instead of fontTools (slow)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    return bool(harfbuzz_subset) and bool(harfbuzz.hb_version_atleast(4, 1, 0))


SLOW_SUBSET_HINT = (
    "install HarfBuzz's subsetter: `sudo apt-get install libharfbuzz-subset0` on Debian/Ubuntu, "
    "`dnf install harfbuzz` on Fedora, `brew install harfbuzz` on macOS; without it a build is ~10x slower"
)


def library_versions() -> dict[str, str]:
    """Versions of the typesetting libraries WeasyPrint uses."""
    import weasyprint
    from weasyprint.text.ffi import pango

    def lib_version(name: str, func: str) -> str:
        found = ctypes.util.find_library(name)
        if not found:
            return "not found"
        lib = ctypes.CDLL(found)
        getattr(lib, func).restype = ctypes.c_char_p
        return str(getattr(lib, func)().decode())

    p = int(pango.pango_version())
    return {
        "WeasyPrint": weasyprint.__version__,
        "Pango": f"{p // 10000}.{p // 100 % 100}.{p % 100}",
        "HarfBuzz": lib_version("harfbuzz", "hb_version_string"),
        "HarfBuzz subset": "native (libharfbuzz-subset)"
        if harfbuzz_subset_available()
        else "MISSING: fontTools fallback, slow",
    }


class _ProjectFetcher:
    """Builds WeasyPrint's URL fetcher that only serves files below the allowed roots."""

    def __init__(
        self, roots: list[Path], diagnostics: Diagnostics, allow_remote: bool = False, seen: set[Path] | None = None
    ):
        from weasyprint.urls import URLFetcher

        allowed = [r.resolve() for r in roots]
        read: set[Path] = set() if seen is None else seen

        class Fetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                if url.startswith("data:") or (allow_remote and url.startswith(("http:", "https:"))):
                    return super().fetch(url, headers)
                if url.startswith("file:"):
                    from urllib.request import url2pathname

                    path = Path(url2pathname(url.split("?")[0].removeprefix("file:"))).resolve()
                    if any(path.is_relative_to(root) for root in allowed):
                        read.add(path)
                        return super().fetch(url, headers)
                diagnostics.warn(
                    f"refused to load '{url}': only files inside the project are allowed",
                    hint="copy the file into the project; remote files need --allow-remote",
                )
                raise ValueError(f"refused: {url}")

        protocols = {"file", "data", "http", "https"} if allow_remote else {"file", "data"}
        self.fetcher = Fetcher(allowed_protocols=protocols)
        self.fetcher.publisher_roots = (tuple(map(str, allowed)), allow_remote)  # what it may fetch: a cache key
        self.fetcher.publisher_read = read  # files read, also from a stylesheet cache


class _LogCollector(logging.Handler):
    def __init__(self, diagnostics: Diagnostics):
        super().__init__(logging.WARNING)
        self.diagnostics = diagnostics

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Using fontTools instead of HarfBuzz-Subset" in message:
            return  # reported once, with a hint, by the orchestrator
        self.diagnostics.warn(f"WeasyPrint: {message}")


@dataclass
class RenderResult:
    """A rendered PDF, not yet written."""

    pdf: bytes
    pages: int


class Renderer:
    """Turns HTML into PDF files; keep one alive to rebuild cheaply."""

    def __init__(self, incremental: bool = True) -> None:
        from weasyprint.text.fonts import FontConfiguration

        from .typeset import justify

        justify.install()
        relayout.install()
        self.font_config = FontConfiguration()
        self.fonts_key: str | None = None
        self.incremental = incremental
        """Keep the last build's pages and lay out only what an edit changed (see :mod:`publisher.incremental`)."""
        self.snapshot: relayout.Snapshot | None = None
        self.pages_laid_out = 0
        """Pages the last :meth:`render` laid out (the others were kept from the build before)."""
        self.pages_kept: frozenset[int] = frozenset()
        self.renders = 0
        """Calls of :meth:`render` so far."""
        self.files: dict[Path, tuple[int, int, int]] = {}
        """Files read with this font configuration (stylesheets, images, fonts), with their stat when read:
        when one changes, the next build lays out everything."""
        """Numbers (1-based) of the pages the last :meth:`render` wrote exactly as the build before."""

    def render(
        self,
        html: str,
        base_url: Path,
        roots: list[Path],
        diagnostics: Diagnostics,
        options: dict[str, Any] | None = None,
        allow_remote: bool = False,
        fonts_key: str | None = None,
    ) -> RenderResult:
        """Render ``html`` to PDF bytes; resources only from below ``roots``.

        ``fonts_key`` names the font files the HTML uses: when it changes (a new
        character made new subsets), the font configuration starts afresh, as
        fontconfig would otherwise keep serving the previous files of the same family.
        """
        self.renders += 1
        self.pages_kept = frozenset()
        if fonts_key != self.fonts_key:
            from weasyprint.text.fonts import FontConfiguration

            if self.fonts_key is not None:
                self.font_config = FontConfiguration()
                self.snapshot = None
                self.files = {}
            self.fonts_key = fonts_key
        import weasyprint

        seen: set[Path] = set()
        fetcher = _ProjectFetcher(roots, diagnostics, allow_remote, seen).fetcher
        handler = _LogCollector(diagnostics)
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        options = options or {}
        key = (fonts_key, repr(sorted(options.items())), str(base_url), allow_remote, tuple(map(str, roots)))
        try:
            source = weasyprint.HTML(string=html, base_url=str(base_url) + "/", url_fetcher=fetcher)
            rebuilt = None
            if self.snapshot is not None and any(_stat(path) != stamp for path, stamp in self.files.items()):
                self.snapshot = None  # an image or stylesheet changed on disk: kept pages would show the old one
            if self.incremental and self.snapshot is not None:
                try:
                    rebuilt = relayout.rerender(source, self.font_config, options, key, self.snapshot)
                except Exception:  # the shortcut must never cost a build: lay out everything instead
                    logging.getLogger(__name__).debug("incremental layout failed", exc_info=True)
                    rebuilt = None
            if rebuilt is not None:
                document, self.snapshot = rebuilt
                made = self.snapshot.laid_out or []
                self.pages_laid_out = len(made)
                self.pages_kept = frozenset(n + 1 for n in range(len(document.pages)) if n not in made)
            else:
                self.snapshot = None  # let the previous pages go before laying out new ones
                document, self.snapshot = relayout.render(source, self.font_config, options, key, self.incremental)
                self.pages_laid_out = len(document.pages)
                self.pages_kept = frozenset()
            self.files.update((path, _stat(path)) for path in seen)
            relayout.number_pages(document)
            pdf = document.write_pdf(**options)
        except BaseException:
            self.snapshot = None
            raise
        finally:
            logger.removeHandler(handler)
        assert isinstance(pdf, bytes)
        return RenderResult(pdf, len(document.pages))


def _stat(path: Path) -> tuple[int, int, int]:
    """What tells that a file changed: modification time, size, inode (editors that save by renaming)."""
    try:
        found = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (found.st_mtime_ns, found.st_size, found.st_ino)


def write_atomic(output: Path, data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``output`` and rename it into place."""
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".part", dir=output.parent)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot write to {output.parent}: {exc.strerror}",
            hint="choose another folder with -o, or fix its permissions",
        ) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, output)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise PublisherError(f"cannot write {output}: {exc.strerror}") from None
