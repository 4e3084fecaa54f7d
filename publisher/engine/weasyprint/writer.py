"""The PDF writer: a rendered document → PDF with WeasyPrint, written atomically.

One :class:`PdfWriter` can be kept alive to build many times (watch mode): it
owns the shared ``FontConfiguration`` so fonts are not loaded again and
memory stays flat, and it keeps the last build's pages so a warm rebuild lays
out only the pages an edit touched (:mod:`.incremental`).
"""

from __future__ import annotations

import atexit
import logging
import shutil
import weakref
from pathlib import Path
from typing import Any

from ...editions import Edition
from ...editions.finish import finish
from ...errors import Diagnostics
from ...files import write_atomic
from ...fonts import Face
from ...html import Rendered
from ...options import BuildOptions
from ...output import Written
from ...resources import link_allowed
from . import require
from .subset import SLOW_SUBSET_HINT, document_faces, font_face_css, harfbuzz_subset_available

STANDARDS = ("pdf/a", "pdf/ua", "pdf/x")
"""PDF variants whose validators check that CID == glyph id in the embedded fonts."""


class _LogCollector(logging.Handler):
    def __init__(self, diagnostics: Diagnostics):
        super().__init__(logging.WARNING)
        self.diagnostics = diagnostics

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        if "Using fontTools instead of HarfBuzz-Subset" in message:
            return  # reported once, with a hint, by the writer
        self.diagnostics.warn(f"WeasyPrint: {message}")


def weasyprint_options(edition: Edition | None, document: Rendered) -> dict[str, Any]:
    """WeasyPrint's ``write_pdf`` options for ``edition`` (``None``: a plain PDF without tags)."""
    options: dict[str, Any] = {"pdf_tags": False}
    if edition is None:
        return options
    options["pdf_identifier"] = True
    if edition.output_profile:
        options["output_intent"] = "device-cmyk"  # the @color-profile of the theme's edition.html.j2
    elif edition.output_intent:
        options["output_intent"] = edition.output_intent
    if edition.pdf_variant:
        options["pdf_variant"] = edition.pdf_variant
    if edition.tagged:
        options["pdf_tags"] = True
    if edition.image_dpi:
        options["dpi"] = edition.image_dpi
        options["optimize_images"] = True
    if edition.jpeg_quality:
        options["jpeg_quality"] = edition.jpeg_quality
    if edition.attach_source:
        import weasyprint
        from weasyprint import Attachment

        from ...editions.archive import source_attachments

        attached = source_attachments(
            document.root, document.document.meta, edition.name, document.date, {"weasyprint": weasyprint.__version__}
        )
        options["attachments"] = [
            Attachment(
                string=item.data,
                name=item.name,
                description=item.description,
                relationship=item.relationship,
                created=item.date,
                modified=item.date,
            )
            for item in attached
        ]
    return options


_configurations: weakref.WeakSet[Any] = weakref.WeakSet()
"""The font configurations of this process: each has a temporary folder of the faces WeasyPrint loaded."""


def font_configuration() -> Any:
    """A new WeasyPrint ``FontConfiguration`` whose folder is removed at exit.

    WeasyPrint removes it in ``__del__``, which the publisher's program never reaches: it ends with
    ``os._exit`` once the ``atexit`` functions have run (:func:`publisher.commands.cli.leave`).
    """
    from weasyprint.text.fonts import FontConfiguration

    made = FontConfiguration()
    _configurations.add(made)
    return made


@atexit.register
def _remove_font_folders() -> None:
    for configuration in list(_configurations):
        folder = getattr(configuration, "_folder", None)
        if folder is not None:
            shutil.rmtree(folder, ignore_errors=True)


class PdfWriter:
    """Turns rendered documents into PDF files; keep one alive to rebuild cheaply.

    ``patched=False`` uses WeasyPrint as it is: no CJK justification and no
    incremental layout (the tests compare it with the patched engine).
    """

    suffix = ".pdf"
    office_charts = False

    def __init__(self, incremental: bool = True, patched: bool = True) -> None:
        require()

        if patched:
            from . import actualtext, bold, floats, headings, justify, leaders, tables
            from . import incremental as relayout

            justify.install()
            actualtext.install()
            headings.install()
            bold.install()
            tables.install()
            leaders.install()
            relayout.install()
            floats.install()
        self.patched = patched
        self.incremental = incremental and patched
        """Keep the last build's pages and lay out only what an edit changed (see :mod:`.incremental`)."""
        self.font_config = font_configuration()
        self.fonts_key: str | None = None
        self._faces: dict[str, Any] = {}
        """The ``@font-face`` stylesheet parsed with :attr:`font_config`, by its text."""
        self.snapshot: Any = None
        """The :class:`.incremental.LayoutSnapshot` of the last build."""
        self.renders = 0
        """Documents rendered so far."""
        self.files: dict[Path, tuple[int, int, int]] = {}
        """Files read with this font configuration (stylesheets, images, fonts), with their stat when read:
        when one changes, the next build lays out everything."""

    def write(self, document: Rendered, options: BuildOptions, target: Path, diagnostics: Diagnostics) -> Written:
        """Typeset ``document`` and write the PDF to ``target`` atomically (finished for its edition)."""
        if not harfbuzz_subset_available():
            diagnostics.warn("fonts will be subset with fontTools, about 10x slower", hint=SLOW_SUBSET_HINT)
        edition = document.edition
        pdf_options = weasyprint_options(edition, document)
        standard = str(pdf_options.get("pdf_variant") or "").startswith(STANDARDS)
        cache = options.cache_folder(document.root)
        chains = [[str(f) for f in families] for families in document.fonts.values()]
        lang = document.document.meta.lang
        faces = document_faces(set(document.characters), lang, chains, cache / "fonts" if cache else None, standard)
        fonts_key = "|".join(sorted(str(path) for _, path in faces))
        pdf, pages, laid_out, kept = self._render(document, faces, fonts_key, pdf_options, options, diagnostics)
        diagnostics.fail_if_strict(options.strict)
        sheets = 0
        if edition is not None:
            finished = finish(pdf, edition, document.date)
            pdf, sheets = finished.pdf, finished.sheets
            for message, hint in finished.warnings:
                diagnostics.warn(message, hint=hint)
            diagnostics.fail_if_strict(options.strict)
        write_atomic(target, pdf)
        return Written(target, pages, len(pdf), sheets, laid_out, kept, self.renders)

    def _render(
        self,
        document: Rendered,
        faces: list[tuple[Face, Path]],
        fonts_key: str,
        pdf_options: dict[str, Any],
        options: BuildOptions,
        diagnostics: Diagnostics,
    ) -> tuple[bytes, int, int, frozenset[int]]:
        """PDF bytes, page count, pages laid out, pages kept byte for byte."""
        import weasyprint

        from .fetcher import ProjectFetcher

        self.renders += 1
        if fonts_key != self.fonts_key:
            # A new character made new subsets: start afresh, as fontconfig would keep
            # serving the previous files of the same family.
            if self.fonts_key is not None:
                self.font_config = font_configuration()
                self.snapshot = None
                self.files = {}
                self._faces = {}
            self.fonts_key = fonts_key
        fonts = [path for _, path in faces]
        fetcher = ProjectFetcher(document.resources, fonts, diagnostics, options.allow_remote)
        handler = _LogCollector(diagnostics)
        logger = logging.getLogger("weasyprint")
        logger.addHandler(handler)
        base_url = str(document.root) + "/"
        try:
            html = weasyprint.HTML(string=document.html, base_url=base_url, url_fetcher=fetcher)
            # The faces go to WeasyPrint as a stylesheet of their own, before the document's (as one
            # parsed stylesheet per font configuration, so a warm rebuild does not load them again).
            faces_css = font_face_css(faces)
            if self.patched:
                from .tables import SHOW_CONTINUED

                faces_css += "\n" + SHOW_CONTINUED
            found = self._faces.get(faces_css)
            if found is None:
                found = self._faces[faces_css] = weasyprint.CSS(
                    string=faces_css, url_fetcher=fetcher, font_config=self.font_config
                )
            pdf_options = {**pdf_options, "stylesheets": [found]}
            if not self.patched:
                plain = html.render(font_config=self.font_config, **pdf_options)
                keep_safe_links(plain.pages)
                pdf = plain.write_pdf(**pdf_options)
                assert isinstance(pdf, bytes)
                return _turned(pdf, plain.pages), len(plain.pages), len(plain.pages), frozenset()
            from . import incremental as relayout

            key = (fonts_key, repr(sorted(pdf_options.items())), base_url, fetcher.cache_key)
            rebuilt = None
            if self.snapshot is not None and any(_stat(path) != stamp for path, stamp in self.files.items()):
                self.snapshot = None  # an image or stylesheet changed on disk: kept pages would show the old one
            if self.incremental and self.snapshot is not None:
                try:
                    rebuilt = relayout.rerender(html, self.font_config, pdf_options, key, self.snapshot)
                except Exception:  # the shortcut must never cost a build: lay out everything instead
                    logging.getLogger(__name__).debug("incremental layout failed", exc_info=True)
                    rebuilt = None
            if rebuilt is not None:
                rendered, self.snapshot = rebuilt
                made = self.snapshot.laid_out or []
                laid_out = len(made)
                kept = frozenset(n + 1 for n in range(len(rendered.pages)) if n not in made)
            else:
                self.snapshot = None  # let the previous pages go before laying out new ones
                from .parallel import default_jobs

                jobs = options.jobs if options.jobs is not None else default_jobs()
                rendered, self.snapshot = relayout.render(
                    html, self.font_config, pdf_options, key, self.incremental, jobs
                )
                laid_out = len(rendered.pages)
                kept = frozenset()
            self.files.update((path, _stat(path)) for path in fetcher.read)
            from .floats import short_pages

            for short in short_pages(rendered):
                diagnostics.note(
                    f"page {short.number} ends {short.lines} body lines short of its type area: {short.reason}"
                )
            relayout.number_pages(rendered)
            keep_safe_links(rendered.pages)
            pdf = rendered.write_pdf(**pdf_options)
        except BaseException:
            self.snapshot = None
            raise
        finally:
            logger.removeHandler(handler)
        assert isinstance(pdf, bytes)
        return _turned(pdf, rendered.pages), len(rendered.pages), laid_out, kept


def _turned(pdf: bytes, pages: list[Any]) -> bytes:
    """The PDF with its landscape pages turned onto portrait sheets (:mod:`.landscape`)."""
    from .landscape import turn_pages, turned_pages

    return turn_pages(pdf, turned_pages([(page.width, page.height) for page in pages]))


def keep_safe_links(pages: list[Any]) -> None:
    """Drop every link of the laid-out pages that is not ``http(s)``, ``mailto:`` or inside the document.

    The report's own links were checked on the model (:func:`publisher.resources.link_allowed`); this is
    the backstop for what a project's template or stylesheet makes a link (``file:``, ``launch:``, an
    attachment), so no PDF action opens a file or a program.
    """
    for page in pages:
        page.links[:] = [
            link for link in page.links if link[0] == "internal" or (link[0] == "external" and link_allowed(link[1]))
        ]


def _stat(path: Path) -> tuple[int, int, int]:
    """What tells that a file changed: modification time, size, inode (editors that save by renaming)."""
    try:
        found = path.stat()
    except OSError:
        return (-1, -1, -1)
    return (found.st_mtime_ns, found.st_size, found.st_ino)
