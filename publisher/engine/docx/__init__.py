"""The Word writer: the report as a ``.docx`` colleagues can edit, from the same model as the PDF.

python-docx writes the package; the few WordprocessingML pieces it has no
API for (fields, bookmarks, footnotes, frames, the document grid, SVG
pictures) are raw ``w:`` elements (:mod:`.xml`). The look comes from the
theme: every Word style is computed from the theme's CSS by the CSS engine
(:mod:`publisher.engine.weasyprint.styles`), so Word and the PDF agree on
faces, sizes, colours and spacing.

=================  ==========================================================
module             does
=================  ==========================================================
:mod:`.writer`     :class:`~.writer.DocxWriter`: sections, front matter, text,
                   figures, tables, notes, headers and footers
:mod:`.styles`     Word styles from computed CSS, ``styles.xml``, the font table
:mod:`.package`    the package python-docx starts from, settings, numbering,
                   footnotes, the project part, a reproducible zip
:mod:`.xml`        properties in schema order, fields, bookmarks
=================  ==========================================================
"""
