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
import re
import shutil
import tempfile
import zipfile
import zlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from .. import paths
from ..data import VERSION
from ..errors import PublisherError
from ..model import Meta

ZIP_NAME = "source.zip"
MANIFEST_NAME = "manifest.json"
MANIFEST_FORMAT = "publisher-archive/1"
PROJECT_PARTS = ("source", "styles", "publisher.toml")
"""What a project is made of: its source folder, its own themes and its configuration."""
MAX_EXTRACT_BYTES = 512 * 1024 * 1024
"""Refuse to unpack more than this in all (a PDF is untrusted input): checked while inflating, not trusted
from the zip's own sizes."""
MAX_ZIP_BYTES = 128 * 1024 * 1024
"""The largest ``source.zip`` taken out of a PDF."""
MAX_MANIFEST_BYTES = 1024 * 1024
MAX_PROJECT_FILE_BYTES = 64 * 1024 * 1024
"""The largest file of a project put into an archive PDF or a Word document."""
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


def project_files(root: Path) -> list[PurePosixPath]:
    """The project's input files, relative and sorted: ``source/``, ``styles/`` and ``publisher.toml``.

    Hidden files and folders (``.git``, ``.DS_Store``) and ``__pycache__`` are left out, and so is anything
    that is not a regular file (a FIFO, a device); a symlink leaving the project is an error (the path
    policy, :mod:`publisher.paths`).
    """
    found: list[PurePosixPath] = []
    for part in PROJECT_PARTS:
        path = root / part
        if not path.exists():
            continue
        paths.inside(root, part, what="file" if path.is_file() else "folder", folder=not path.is_file())
        if path.is_file():
            found.append(PurePosixPath(part))
        elif path.is_dir():
            for file in path.rglob("*"):
                rel = file.relative_to(root)
                if any(p.startswith(".") or p == "__pycache__" for p in rel.parts):
                    continue
                if file.is_symlink() or file.is_file():
                    if paths.inside(root, rel).is_file():
                        found.append(PurePosixPath(rel.as_posix()))
    return sorted(found)


def read_project_file(root: Path, rel: PurePosixPath | Path) -> bytes:
    """A file :func:`project_files` listed, read through the path policy."""
    return paths.read_bytes(root, Path(rel), MAX_PROJECT_FILE_BYTES)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def source_zip(root: Path, date: datetime | None) -> tuple[bytes, list[dict[str, Any]]]:
    """The project's files as a reproducible zip, and one manifest entry (path, size, sha256) per file."""
    stamp = date.timetuple()[:6] if date is not None and date.year >= 1980 else ZIP_EPOCH
    buffer = io.BytesIO()
    entries: list[dict[str, Any]] = []
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for rel in project_files(root):
            data = read_project_file(root, rel)
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

    def contents(self) -> list[str]:
        """What the project holds, for the person about to build it: its text, charts, data and images, and
        what in it is more than data (its own themes' templates and stylesheets, ``publisher.toml``)."""
        return describe(self.files)

    @property
    def made_by(self) -> str:
        """The version of the publisher that made the PDF, as its manifest says (``?`` when it does not)."""
        made_with = self.manifest.get("made_with", {})
        version = made_with.get("publisher") if isinstance(made_with, dict) else None
        return version if isinstance(version, str) else "?"

    @property
    def edition(self) -> str:
        """The edition to rebuild it as: the manifest's when it is a plain name, else ``archive`` (a command
        the user copies never carries text from the PDF)."""
        edition = self.manifest.get("edition")
        return edition if isinstance(edition, str) and re.fullmatch(r"[a-z0-9][a-z0-9_-]*", edition) else "archive"


def describe(files: list[str]) -> list[str]:
    """Lines naming what a project's files are (see :meth:`Extracted.contents`)."""
    rels = [PurePosixPath(name) for name in files]
    source = [r for r in rels if r.parts[0] == "source"]
    kinds = {
        "chart spec files": [r for r in source if r.parts[1:2] == ("charts",) and r.suffix in (".yaml", ".yml")],
        "data files": [r for r in source if r.parts[1:2] == ("data",)],
        "images": [r for r in source if r.suffix.lower() in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")],
    }
    counted = ", ".join(f"{len(found)} {what}" for what, found in kinds.items() if found)
    lines = [f"source/: the report{', ' + counted if counted else ''}"]
    themes: dict[str, list[PurePosixPath]] = {}
    for rel in rels:
        if rel.parts[0] == "styles" and len(rel.parts) > 2:
            themes.setdefault(rel.parts[1], []).append(rel)
    for name, found in sorted(themes.items()):
        templates = sum(1 for r in found if r.suffix == ".j2")
        sheets = sum(1 for r in found if r.suffix == ".css")
        lines.append(
            f"styles/{name}/: a theme of its own ({templates} template{'s' * (templates != 1)}, "
            f"{sheets} stylesheet{'s' * (sheets != 1)})"
        )
    if themes:
        lines.append("its templates render in a sandbox: they cannot run code or read files outside the folder")
    if "publisher.toml" in files:
        lines.append("publisher.toml: its editions (their CSS applies to those editions)")
    return lines


def read_attachments(pdf_path: Path, names: tuple[str, ...] = (ZIP_NAME, MANIFEST_NAME)) -> dict[str, bytes]:
    """The embedded files ``names`` of a PDF, by name; each inflated with a cap (:data:`MAX_ZIP_BYTES`)."""
    import pikepdf

    found: dict[str, bytes] = {}
    try:
        with pikepdf.open(pdf_path) as pdf:
            for name, spec in pdf.attachments.items():
                if name in names:
                    cap = MAX_MANIFEST_BYTES if name == MANIFEST_NAME else MAX_ZIP_BYTES
                    found[name] = _inflate(spec.get_file().obj, cap, f"'{pdf_path}': the attached {name}")
    except FileNotFoundError:
        raise PublisherError(f"no file '{pdf_path}'", hint="check the path of the archive PDF") from None
    except (pikepdf.PdfError, ValueError, KeyError, AttributeError) as exc:
        raise PublisherError(
            f"'{pdf_path}' is not a readable PDF: {exc}",
            hint="give the archive edition: publisher build --edition archive writes out/<name>-archive.pdf",
        ) from None
    return found


def _inflate(stream: Any, cap: int, what: str) -> bytes:
    """The content of a PDF stream, inflated a piece at a time and refused beyond ``cap`` bytes (a small
    attachment may inflate to gigabytes)."""
    import zlib

    import pikepdf

    filters = stream.get("/Filter")
    names = (
        [str(f) for f in filters] if isinstance(filters, pikepdf.Array) else [] if filters is None else [str(filters)]
    )
    if names not in ([], ["/FlateDecode"]) or stream.get("/DecodeParms") is not None:
        raise PublisherError(f"{what} is stored in a way the publisher does not unpack ({', '.join(names)})")
    raw = bytes(stream.read_raw_bytes())
    if not names:
        data = raw
    else:
        inflater = zlib.decompressobj()
        try:
            data = inflater.decompress(raw, cap + 1)
        except zlib.error:
            raise PublisherError(f"{what} is damaged (its compressed data cannot be read)") from None
    if len(data) > cap:
        raise PublisherError(
            f"{what} is larger than {cap // 1024 // 1024} MiB: not unpacked",
            hint="a report's source is far smaller; this PDF was not made by the publisher",
        )
    return data


def _manifest(files: dict[str, bytes], pdf_path: Path) -> tuple[dict[str, Any], dict[str, str], str]:
    """The attached manifest, checked: the listing, the hash of each file by path, the zip's hash."""
    problem = PublisherError(
        f"'{pdf_path}': the attached {MANIFEST_NAME} is not a publisher manifest",
        hint="the archive edition's manifest lists every file with its SHA-256; this one is damaged or foreign",
    )
    try:
        listing = json.loads(files[MANIFEST_NAME].decode("utf-8"))
    except (ValueError, UnicodeDecodeError):
        raise problem from None
    if not isinstance(listing, dict) or not isinstance(listing.get("files"), list):
        raise problem
    zipped = listing.get("source_zip")
    if not isinstance(zipped, dict) or not isinstance(zipped.get("sha256"), str):
        raise problem
    expected: dict[str, str] = {}
    for entry in listing["files"]:
        if (
            not isinstance(entry, dict)
            or not isinstance(entry.get("path"), str)
            or not isinstance(entry.get("sha256"), str)
        ):
            raise problem
        expected[entry["path"]] = entry["sha256"]
    return listing, expected, zipped["sha256"]


def default_folder(pdf_path: Path) -> Path:
    """Where ``publisher extract`` puts a project by default: the report's name from the manifest, here."""
    try:
        listing = json.loads(read_attachments(pdf_path, (MANIFEST_NAME,)).get(MANIFEST_NAME, b"{}"))
    except (ValueError, UnicodeDecodeError):
        listing = {}
    name = listing.get("name") if isinstance(listing, dict) else None
    safe = isinstance(name, str) and re.fullmatch(r"[\w][\w.-]*", name) is not None and ".." not in name
    return Path(str(name) if safe else "report")


def extract(pdf_path: Path, dest: Path | None = None) -> Extracted:
    """Write the project attached to an archive PDF into ``dest`` (absent or empty; default
    :func:`default_folder`), hashes checked.

    Everything is checked and unpacked into a temporary folder beside ``dest``
    first, and moved into place only when complete: a damaged or hostile PDF
    never leaves a half-written folder.
    """
    files = read_attachments(pdf_path)
    if ZIP_NAME not in files or MANIFEST_NAME not in files:
        raise PublisherError(
            f"'{pdf_path}' carries no report source",
            hint="only the archive edition has it inside: publisher build PROJECT --edition archive",
        )
    listing, expected, zip_hash = _manifest(files, pdf_path)
    dest = default_folder(pdf_path) if dest is None else dest
    zipped = files.pop(ZIP_NAME)
    if _sha256(zipped) != zip_hash:
        raise PublisherError(f"'{pdf_path}': the attached {ZIP_NAME} does not match its manifest (damaged?)")
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise PublisherError(f"'{dest}' exists and is not an empty folder", hint="give a new folder with -o")
    try:
        archive = zipfile.ZipFile(io.BytesIO(zipped))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PublisherError(f"'{pdf_path}': the attached {ZIP_NAME} is not a zip archive (damaged?)") from None
    dest.absolute().parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", suffix=".extracting", dir=dest.absolute().parent))
    try:
        with archive:
            written = _unpack(archive, staging, expected, pdf_path)
        if set(written) != set(expected):
            raise PublisherError(f"'{pdf_path}': the attached source and its manifest list different files")
        if dest.exists():
            dest.rmdir()
        staging.rename(dest)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Extracted(dest, sorted(written), listing)


def _unpack(archive: zipfile.ZipFile, folder: Path, expected: dict[str, str], pdf_path: Path) -> list[str]:
    """Every member of ``archive`` written below ``folder``, each hash checked, the total inflated size capped."""
    members = [m for m in archive.infolist() if not m.is_dir()]
    names = [str(_safe_member(m.filename, pdf_path)) for m in members]
    if len(set(names)) != len(names):
        raise PublisherError(f"'{pdf_path}': the attached source holds a file twice")
    for name in names:  # a file that is also a folder: "source/a" and "source/a/b"
        if any(other.startswith(name + "/") for other in names):
            raise PublisherError(f"'{pdf_path}': the attached source holds '{name}' as a file and as a folder")
    if sum(m.file_size for m in members) > MAX_EXTRACT_BYTES:  # what the zip says; counted again below
        raise PublisherError(f"'{pdf_path}': the attached source is too large to unpack")
    total = 0
    for member, name in zip(members, names, strict=True):
        target = folder.joinpath(*PurePosixPath(name).parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        digest = hashlib.sha256()
        try:
            with archive.open(member) as packed, target.open("wb") as out:
                while chunk := packed.read(1024 * 1024):
                    total += len(chunk)
                    if total > MAX_EXTRACT_BYTES:
                        raise PublisherError(f"'{pdf_path}': the attached source is too large to unpack")
                    digest.update(chunk)
                    out.write(chunk)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            raise PublisherError(f"'{pdf_path}': {name} in the attached source is damaged") from None
        if expected.get(name) != digest.hexdigest():
            raise PublisherError(f"'{pdf_path}': {name} does not match its manifest (damaged?)")
    return names


def _safe_member(name: str, pdf_path: Path) -> PurePosixPath:
    """A zip member's path, refused unless it is a relative path inside one of the project's parts."""
    rel = PurePosixPath(name)
    if rel.is_absolute() or "\\" in name or any(p in ("", ".", "..") for p in rel.parts[:-1]) or ".." in rel.parts:
        raise PublisherError(f"'{pdf_path}': the attached source holds an unsafe path '{name}'")
    if not rel.parts or rel.parts[0] not in PROJECT_PARTS:
        raise PublisherError(f"'{pdf_path}': the attached source holds '{name}', outside a project's files")
    return rel
