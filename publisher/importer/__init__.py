"""``publisher import``: a report in plain text, Markdown or Word becomes a report project.

One function per step, one orchestrator (:func:`convert`):

=============  ==================================  =====================================
step           module                              does
=============  ==================================  =====================================
read           :mod:`.reading`, :mod:`.docx`,       bytes → text (encoding detected), or
               :mod:`.markdown`                    Word/Markdown blocks → units
clean up       :mod:`.cleanup`                     page furniture, page numbers, tables,
                                                   odd spaces, broken lines
structure      :mod:`.titleblock`, :mod:`.outline`, title block and signature, heading
               :mod:`.notes` (over the line-level   levels from the whole document's
               tests of :mod:`.structure`)          numbering, run-in headings, notes
write          :mod:`.writer`, :mod:`.figures`     ``source/report.md``, chart suggestions
=============  ==================================  =====================================

A Word document the publisher wrote (the ``docx`` edition) is not guessed at:
:mod:`.exported` reads its styles and ids back into the document model, and
:mod:`.update` compares that with the source it carries
(``publisher import --update PROJECT edited.docx``).

Every step records its decisions with a reason and a confidence
(:mod:`.decisions`). :func:`import_file` converts and writes the project, and
returns an :class:`ImportReport` whose :meth:`~ImportReport.summary` says what
was found, dropped and written, gives the outline and lists the decisions a
person should confirm; :meth:`~ImportReport.explain` gives every decision.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Pos, PublisherError
from ..typeset.chars import is_han
from .cleanup import text_units
from .decisions import Decision, explain_lines, outline_lines, uncertainty_lines
from .figures import StatedNumber, find_figures, suggestions_yaml
from .model import Dropped, ImportedDocument, NoteDef, TableBlock
from .outline import analyse
from .reading import read_input
from .structure import detect_lang
from .update import WordUpdate
from .writer import ReportText, check_out_dir, render_markdown, uncovered_characters, write_project

__all__ = ["Converted", "ImportReport", "UncertainImport", "WordUpdate", "convert", "import_file"]

FORMATS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown", ".docx": "docx"}
"""Extensions that can be imported, and how they are read."""
FORMAT_NAMES = {"text": "plain text", "markdown": "Markdown", "docx": "Word document"}
_YEAR = re.compile(r"((?:19|20)[0-9]{2})\s*年|\b((?:19|20)[0-9]{2})\b")


@dataclass
class Converted:
    """An input converted in memory: what the project's files will hold."""

    source: Path
    """The file imported."""
    fmt: str
    """``text``, ``markdown`` or ``docx``."""
    encoding: str
    """The text encoding read (``UTF-8``, ``GB18030``, …); ``""`` for Word."""
    document: ImportedDocument
    """The structure found."""
    meta: dict[str, object]
    """The front matter, in the order it is written."""
    rendered: ReportText
    """``source/report.md``."""
    figures: list[StatedNumber]
    """Figures with units found in the text."""
    suggestions: str
    """``source/charts/suggestions.yaml``."""


@dataclass
class ImportReport:
    """What an import found and wrote."""

    converted: Converted
    """The conversion."""
    out_dir: Path
    """The project folder."""
    files: list[Path] = field(default_factory=list)
    """Files written, relative to :attr:`out_dir`."""

    def uncertain(self) -> list[Decision]:
        """The decisions a person should confirm."""
        return [d for d in self.converted.document.decisions if d.uncertain]

    def explain(self, source: str | None = None) -> list[str]:
        """Every decision, in input order: where, what it became, why, how sure."""
        c = self.converted
        return explain_lines(c.document.decisions, source or c.source.name, c.fmt)

    def summary(self, source: str | None = None) -> list[str]:
        """Lines for the user: what was read, dropped, joined and found, the outline, what to confirm.

        ``source``: how to name the input in positions (default: its file name).
        """
        c = self.converted
        doc = c.document
        name = source or c.source.name
        how = FORMAT_NAMES[c.fmt] + (f" ({c.encoding})" if c.encoding and c.encoding != "UTF-8" else "")
        lines = [f"import: read {c.source.name}: {how}, language {doc.lang}"]
        by_reason: dict[str, list[str]] = {}
        for dropped in sorted(doc.dropped, key=lambda d: d.line):
            by_reason.setdefault(dropped.reason, []).append(f"“{dropped.text}” (line {dropped.line})")
        for reason, items in by_reason.items():
            noun = "line" if len(items) == 1 else "lines"
            what = f"of {reason}" if reason in ("page furniture", "page numbers and running heads") else f"({reason})"
            lines.append(f"import: dropped {len(items)} {noun} {what}: {', '.join(items)}")
        if doc.joined:
            shown = ", ".join(str(n) for n in doc.joined[:12]) + (", …" if len(doc.joined) > 12 else "")
            noun = "line" if len(doc.joined) == 1 else "lines"
            lines.append(
                f"import: joined {len(doc.joined)} {noun} broken mid-paragraph to the line before (lines {shown})"
            )
        for role in ("title", "subtitle", "organisation", "date"):
            for front in doc.front:
                if front.role == role:
                    where = ", the signature" if front.closing else ""
                    lines.append(f"import: {role}: {front.meta_text} (line {front.line}{where})")
        lines.extend(f"import: {line}" for line in outline_lines(doc.decisions, doc.run_in_level))
        headings = doc.headings()
        extras = [
            (sum(1 for h in headings if h.kind == "appendix"), "appendix", "appendices"),
            (sum(1 for b in doc.blocks if isinstance(b, NoteDef)), "note", "notes"),
            (sum(1 for b in doc.blocks if isinstance(b, TableBlock)), "table", "tables"),
            (len(doc.images), "image", "images"),
        ]
        found = [f"{n} {one if n == 1 else many}" for n, one, many in extras if n]
        if found:
            lines.append(f"import: {', '.join(found)}")
        lines.extend(f"import: {note}" for note in doc.notes)
        figures = f"{len(c.figures)} figure{'' if len(c.figures) == 1 else 's'}"
        lines.append(f"import: {figures} with units listed as chart suggestions in source/charts/suggestions.yaml")
        confirm = uncertainty_lines(doc.decisions, name, c.fmt)
        if confirm:
            noun = "decision" if len(confirm) == 1 else "decisions"
            lines.append(f"import: {len(confirm)} {noun} to confirm (publisher import --explain gives every decision):")
            lines.extend(f"  {line}" for line in confirm)
        else:
            lines.append("import: nothing uncertain")
        return lines


class UncertainImport(PublisherError):
    """``--strict``: the import has decisions a person should confirm; nothing was written."""

    def __init__(self, report: ImportReport):
        count = len(report.uncertain())
        super().__init__(
            f"{count} decision{'s' if count != 1 else ''} to confirm (listed above); nothing written",
            Pos(report.converted.source),
            "check those lines of the input (fix them there, e.g. a heading on a line of its own), "
            "or import without --strict and check source/report.md",
        )
        self.report = report


def _read(path: Path) -> tuple[str, str, ImportedDocument]:
    """Read and analyse ``path``: format, encoding, document."""
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        if path.suffix.lower() == ".doc":
            hint = "open it in Word or WPS and save it as .docx"
        elif path.suffix.lower() in (".pdf", ".wps", ".rtf", ".odt", ".html", ".htm"):
            hint = "save it as .docx or .txt (File → Save As) and import that"
        else:
            hint = "import a .txt, .md or .docx file"
        raise PublisherError(f"cannot import '{path.suffix or path.name}' files", Pos(path), hint)
    if not path.exists():
        raise PublisherError(f"file not found: {path}", hint="check the name and the folder")
    if fmt == "docx":
        from .docx import read_docx

        word = read_docx(path)
        lang = detect_lang(" ".join(u.text for u in word.units))
        doc = analyse(word.units, lang)
        _left_out(doc, word.dropped)
        doc.meta.update(word.meta)
        doc.images = word.images
        return fmt, "", doc
    decoded = read_input(path)
    lang = detect_lang(decoded.text)
    if fmt == "markdown":
        from .markdown import read_markdown

        md = read_markdown(decoded.text, path, lang)
        if isinstance(md.meta.get("lang"), str):
            lang = str(md.meta["lang"])
        doc = analyse(md.units, "en" if lang.startswith("en") else lang)
        doc.lang = lang
        doc.meta.update(md.meta)
        doc.images = md.images
        doc.notes.extend(md.notes)
        doc.decisions.extend(md.decisions)
        return fmt, decoded.encoding, doc
    units, dropped, joined, decisions = text_units(decoded.text, lang)
    doc = analyse(units, lang)
    _left_out(doc, dropped)
    doc.joined = joined
    doc.decisions[:0] = decisions
    return fmt, decoded.encoding, doc


def _left_out(doc: ImportedDocument, dropped: list[Dropped]) -> None:
    """Lines a reader left out before the structure was found: reported with the others."""
    doc.dropped[:0] = dropped
    doc.decisions.extend(
        Decision(d.line, 1, d.text, f"{d.reason}, left out", d.why or d.reason, d.confidence) for d in dropped
    )


def safe_name(stem: str) -> str:
    """A file name for the PDF from the input's name (letters, digits, ``-``, ``_``, ``.``)."""
    return re.sub(r"[^\w.-]+", "-", stem).strip("-.") or "report"


def _meta(doc: ImportedDocument, path: Path) -> dict[str, object]:
    """The front matter: the title block, what the input said, and the structure found."""
    found = doc.meta
    front: dict[str, list[str]] = {}
    for line in doc.front:
        if line.meta_text not in front.get(line.role, []):
            front.setdefault(line.role, []).append(line.meta_text)
    title = " ".join(front.get("title", [])) or str(found.get("title", "") or "")
    if not title:
        headings = doc.headings()
        if any(is_han(c) for c in path.stem):
            title = path.stem
        elif headings:
            title = headings[0].text
        else:
            title = path.stem
        doc.notes.append(f"no title found in the text: used “{title}” (edit `title:` in source/report.md)")
    year = found.get("year")
    if year is None:
        match = _YEAR.search(title)
        year = int(match.group(1) or match.group(2)) if match else None
    meta: dict[str, object] = {
        "title": title,
        "subtitle": " ".join(front.get("subtitle", [])) or found.get("subtitle", ""),
        "organisation": " ".join(front.get("organisation", [])) or found.get("organisation", ""),
        "author": found.get("author", ""),
        "date": " ".join(front.get("date", [])) or found.get("date", ""),
        "year": year,
        "lang": doc.lang,
        "paper": found.get("paper", ""),
        "subject": found.get("subject", ""),
        "keywords": found.get("keywords", []),
        "name": safe_name(path.stem),
        "toc_levels": doc.toc_levels,
        "run_in_level": doc.run_in_level,
    }
    for key, value in found.items():
        if key not in meta and key != "theme":
            meta[key] = value  # other keys of the input's own front matter (Markdown)
    for key in ("subtitle", "organisation", "author", "date", "subject"):
        value = meta[key]
        meta[key] = "" if value is None else str(value)
    if meta["year"] is not None and not isinstance(meta["year"], int):
        meta["year"] = int(str(meta["year"])) if str(meta["year"]).isdigit() else None
    return meta


def convert(path: Path) -> Converted:
    """Read ``path`` (``.txt``, ``.md``, ``.docx``) and convert it in memory."""
    fmt, encoding, doc = _read(path)
    if not doc.blocks and not doc.front:
        raise PublisherError(
            "the file has no text to import",
            Pos(path),
            "check that this is the report (an empty file, or only web page furniture?)",
        )
    meta = _meta(doc, path)
    rendered = render_markdown(doc, dict(meta), path.name)
    figures = find_figures(list(zip(doc.blocks, rendered.block_lines, strict=True)), doc.lang)
    missing = uncovered_characters(rendered.text, doc.lang)
    if missing:
        from ..typeset.glyphs import missing_glyph_hint

        shown = "".join(missing[:8]) + ("…" if len(missing) > 8 else "")
        doc.notes.append(f"{len(missing)} characters are in no font here ({shown}): {missing_glyph_hint()}")
    return Converted(path, fmt, encoding, doc, meta, rendered, figures, suggestions_yaml(figures))


def import_file(path: Path, out_dir: Path, *, force: bool = False, strict: bool = False) -> ImportReport:
    """Import ``path`` as a report project in ``out_dir`` (which must be new or empty unless ``force``).

    ``strict``: raise :class:`UncertainImport` (and write nothing) when a decision needs confirming. (A Word
    document the publisher wrote is read as any other here; :func:`.update.restore_project` gives back the
    project it carries.)
    """
    check_out_dir(out_dir, force)
    converted = convert(path)
    if strict and any(d.uncertain for d in converted.document.decisions):
        raise UncertainImport(ImportReport(converted, out_dir))
    files = write_project(out_dir, converted.rendered, converted.suggestions, converted.document.images, force)
    return ImportReport(converted, out_dir, files)
