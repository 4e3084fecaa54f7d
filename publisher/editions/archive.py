"""The report's source inside its archive PDF, and back out of it.

The ``archive`` edition attaches two files to the PDF (PDF/A-3 allows
embedded files, each with an ``AFRelationship``):

- ``source.zip`` (relationship ``Source``): the project's files, as
  :func:`project_files` lists them, in a zip whose bytes depend only on their
  names and contents;
- ``manifest.json`` (relationship ``Supplement``): what made the PDF (the
  publisher and WeasyPrint versions, the bundled fonts' hashes) and the
  SHA-256 of every file.

``publisher extract report-archive.pdf -o DIR`` (:func:`extract`) checks the
hashes and writes the project into ``DIR``, ready for ``publisher build DIR``.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from ..data import VERSION
from ..errors import PublisherError
from ..model import Meta

ZIP_NAME = "source.zip"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "publisher-archive/1"
PROJECT_PARTS = ("source", "styles", "publisher.toml")
"""What a project is made of: its source folder, its own themes and its configuration."""
MAX_EXTRACT_BYTES = 512 * 1024 * 1024
"""Refuse to unpack more than this (a PDF is untrusted input)."""
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def project_files(root: Path) -> list[PurePosixPath]:
    """The project's input files, relative and sorted: ``source/``, ``styles/`` and ``publisher.toml``.

    Hidden files and folders (``.git``, ``.DS_Store``) and ``__pycache__`` are left out.
    """
    found: list[PurePosixPath] = []
    for part in PROJECT_PARTS:
        path = root / part
        if path.is_file():
            found.append(PurePosixPath(part))
        elif path.is_dir():
            for file in path.rglob("*"):
                rel = file.relative_to(root)
                if file.is_file() and not any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
                    found.append(PurePosixPath(rel.as_posix()))
    return sorted(found)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_zip(root: Path, date: datetime | None) -> tuple[bytes, list[dict[str, Any]]]:
    """The project's files as a reproducible zip, and one manifest entry (path, size, sha256) per file."""
    stamp = date.timetuple()[:6] if date is not None and date.year >= 1980 else ZIP_EPOCH
    buffer = io.BytesIO()
    entries: list[dict[str, Any]] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for rel in project_files(root):
            data = (root / rel).read_bytes()
            info = zipfile.ZipInfo(str(rel), date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3  # Unix, whatever the machine
            archive.writestr(info, data, compresslevel=9)
            entries.append({"path": str(rel), "size": len(data), "sha256": _sha256(data)})
    return buffer.getvalue(), entries


def manifest(
    meta: Meta, edition: str, zipped: bytes, entries: list[dict[str, Any]], made_with: dict[str, str]
) -> dict[str, Any]:
    """What made the archive PDF (``made_with``: the engine's versions) and what its source is."""
    from ..data import FONT_ROLES, FONTS_DIR

    fonts = sorted({filename for _, filename in FONT_ROLES.values()})
    return {
        "format": MANIFEST_FORMAT,
        "name": meta.name,
        "title": meta.title,
        "edition": edition,
        "made_with": {"publisher": VERSION, **made_with},
        "fonts": {name: _sha256((FONTS_DIR / name).read_bytes()) for name in fonts},
        "source_zip": {"name": ZIP_NAME, "size": len(zipped), "sha256": _sha256(zipped)},
        "files": entries,
        "rebuild": f"publisher extract {meta.name}-{edition}.pdf -o DIR && publisher build DIR --edition {edition}",
    }


@dataclass(frozen=True)
class Attached:
    """A file to attach to a PDF (PDF/A-3 ``AF``), whatever engine writes it."""

    name: str
    data: bytes
    description: str
    relationship: str
    """``AFRelationship``: ``Source``, ``Supplement`` …"""
    date: datetime
    """Creation and modification date (naive, UTC)."""


def source_attachments(
    root: Path, meta: Meta, edition: str, date: datetime | None, made_with: dict[str, str]
) -> list[Attached]:
    """The two files attached to an archive PDF: the source zip and its manifest."""
    zipped, entries = source_zip(root, date)
    listing = json.dumps(
        manifest(meta, edition, zipped, entries, made_with), ensure_ascii=False, indent=2, sort_keys=True
    )
    when = (date or datetime(*ZIP_EPOCH)).replace(tzinfo=None)
    return [
        Attached(ZIP_NAME, zipped, "The report's source: publisher extract gets it back", "Source", when),
        Attached(
            MANIFEST_NAME,
            (listing + "\n").encode("utf-8"),
            "What made this PDF, and the SHA-256 of every source file",
            "Supplement",
            when,
        ),
    ]


@dataclass
class Extracted:
    """A project taken out of an archive PDF."""

    folder: Path
    files: list[str]
    manifest: dict[str, Any]


def read_attachments(pdf_path: Path) -> dict[str, bytes]:
    """The embedded files of a PDF, by name."""
    import pikepdf

    try:
        with pikepdf.open(pdf_path) as pdf:
            return {name: spec.get_file().read_bytes() for name, spec in pdf.attachments.items()}
    except FileNotFoundError:
        raise PublisherError(f"no file '{pdf_path}'", hint="check the path of the archive PDF") from None
    except pikepdf.PdfError as exc:
        raise PublisherError(
            f"'{pdf_path}' is not a readable PDF: {exc}",
            hint="give the archive edition: publisher build --edition archive writes out/<name>-archive.pdf",
        ) from None


def extract(pdf_path: Path, dest: Path) -> Extracted:
    """Write the project attached to an archive PDF into ``dest`` (absent or empty), hashes checked."""
    files = read_attachments(pdf_path)
    if ZIP_NAME not in files or MANIFEST_NAME not in files:
        raise PublisherError(
            f"'{pdf_path}' carries no report source",
            hint="only the archive edition has it inside: publisher build PROJECT --edition archive",
        )
    try:
        listing = json.loads(files[MANIFEST_NAME])
        expected = {entry["path"]: entry["sha256"] for entry in listing["files"]}
        zip_hash = listing["source_zip"]["sha256"]
    except (ValueError, KeyError, TypeError):
        raise PublisherError(f"'{pdf_path}': the attached {MANIFEST_NAME} is not a publisher manifest") from None
    zipped = files[ZIP_NAME]
    if _sha256(zipped) != zip_hash:
        raise PublisherError(f"'{pdf_path}': the attached {ZIP_NAME} does not match its manifest (damaged?)")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise PublisherError(f"'{dest}' exists and is not an empty folder", hint="give a new folder with -o")
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_EXTRACT_BYTES:
            raise PublisherError(f"'{pdf_path}': the attached source is too large to unpack")
        contents: dict[PurePosixPath, bytes] = {}
        for member in members:
            rel = _safe_member(member.filename, pdf_path)
            if member.is_dir():
                continue
            data = archive.read(member)
            if expected.get(str(rel)) != _sha256(data):
                raise PublisherError(f"'{pdf_path}': {rel} does not match its manifest (damaged?)")
            contents[rel] = data
    if set(map(str, contents)) != set(expected):
        raise PublisherError(f"'{pdf_path}': the attached source and its manifest list different files")
    for rel, data in contents.items():
        target = dest.joinpath(*rel.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return Extracted(dest, sorted(map(str, contents)), listing)


def _safe_member(name: str, pdf_path: Path) -> PurePosixPath:
    """A zip member's path, refused unless it is a relative path inside one of the project's parts."""
    rel = PurePosixPath(name)
    if rel.is_absolute() or "\\" in name or any(p in ("", ".", "..") for p in rel.parts[:-1]) or ".." in rel.parts:
        raise PublisherError(f"'{pdf_path}': the attached source holds an unsafe path '{name}'")
    if not rel.parts or rel.parts[0] not in PROJECT_PARTS:
        raise PublisherError(f"'{pdf_path}': the attached source holds '{name}', outside a project's files")
    return rel
