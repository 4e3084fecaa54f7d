"""Stage 1, source: find a report project and read its files.

A project is a folder with ``source/report.md`` (YAML front matter + Markdown),
chart specs in ``source/charts/*.yaml`` and data in ``source/data/``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

from . import frontmatter, paths, yamlpos
from .errors import Pos, PublisherError
from .frontmatter import parse_meta
from .model import Meta

MAIN_FILE = Path("source") / "report.md"
MAX_SOURCE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class SourceFile:
    """A text file of the project, decoded."""

    path: Path
    """Path relative to the project (used in messages)."""
    text: str


@dataclass(frozen=True)
class Source:
    """The project's main document split into front matter and body."""

    root: Path
    main: SourceFile
    meta: Meta
    body: str
    body_line: int
    """Line of ``main`` on which ``body`` starts (1-based)."""
    params: Mapping[str, str] = field(default_factory=dict)
    """The values of the parameters the report declares, filled in :attr:`main` (:mod:`publisher.params`)."""


def find_project(project: Path) -> Path:
    """The project folder, checked; raises a user error when it is not one."""
    if not project.exists():
        raise PublisherError(
            f"project folder '{project}' does not exist",
            hint="give the folder that contains source/report.md, e.g. `publisher build .`",
        )
    if not project.is_dir():
        raise PublisherError(f"'{project}' is not a folder", hint="give the project folder, not a file")
    if not (project / MAIN_FILE).is_file():
        raise PublisherError(
            f"'{project}' is not a report project: {MAIN_FILE} is missing",
            hint="a project is a folder with source/report.md; see docs/source-format.md",
        )
    return project.resolve()


def read_text(root: Path, rel: Path, pos: Pos | None = None, what: str = "file") -> SourceFile:
    """Read a UTF-8 text file of the project (through the path policy, :mod:`publisher.paths`), with a clear
    error for other encodings; ``pos`` is where the file was named, if elsewhere."""
    data = paths.read_bytes(root, rel, MAX_SOURCE_BYTES, pos, what)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        col = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        guess = _guess_encoding(data)
        if guess is None:
            raise PublisherError(
                f"not UTF-8 text (byte 0x{data[exc.start]:02x})",
                Pos(rel, line, col),
                "save it as UTF-8 (in Notepad or WPS: Save As → Encoding: UTF-8)",
            ) from None
        raise PublisherError(
            f"not UTF-8 text (byte 0x{data[exc.start]:02x}); it looks like {guess}",
            Pos(rel, line, col),
            f"convert it: iconv -f {guess.split()[-1]} -t UTF-8 {rel} -o {rel}.utf8 && mv {rel}.utf8 {rel}",
        ) from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    control = _CONTROL.search(text)
    if control is not None:
        line = text.count("\n", 0, control.start()) + 1
        col = control.start() - text.rfind("\n", 0, control.start())
        char = control[0]
        raise PublisherError(
            f"a control character {_control_name(char)} in the text",
            Pos(rel, line, col),
            "remove it: it prints nothing (it comes from a damaged file or a copy from a terminal)",
        )
    return SourceFile(rel, text)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
"""Control characters no report text holds (tab, line ends and form feed are text)."""
_CONTROL_NAMES = {0: "NUL", 7: "BEL", 8: "BS", 0x1B: "ESC", 0x7F: "DEL"}


def _control_name(char: str) -> str:
    code = ord(char)
    name = _CONTROL_NAMES.get(code)
    return f"U+{code:04X} ({name})" if name else f"U+{code:04X}"


def _guess_encoding(data: bytes) -> str | None:
    """The encoding ``data`` (not UTF-8) is most likely in, or ``None`` when no guess is safe."""
    from .importer.reading import decode_legacy_guess

    return decode_legacy_guess(data)


def load_source(project: Path, params: Mapping[str, str] | None = None) -> Source:
    """Read ``source/report.md`` and validate its front matter; ``params``: values of its parameters."""
    from . import params as parameters

    root = find_project(project)
    main = read_text(root, MAIN_FILE)
    declared = parameters.declared(main.text, main.path)
    if not declared and not params:
        return parse_source(root, main)
    values = parameters.resolve(declared, params or {})
    filled = SourceFile(main.path, parameters.apply_to_report(main.text, main.path, values))
    return replace(parse_source(root, filled), params=values)


def parse_source(root: Path, main: SourceFile) -> Source:
    """The report ``main`` of the project ``root`` (read from disk, or from elsewhere), front matter checked."""
    front = frontmatter.split(main.text)
    if front is None:
        raise PublisherError(
            "the report has no front matter",
            Pos(main.path, 1, 1),
            "start source/report.md with a YAML block between '---' lines holding at least `title:`",
        )
    if not front.closed:
        raise PublisherError(
            "front matter is not closed",
            Pos(main.path, 1, 1),
            "end the YAML block with a line holding only '---'",
        )
    data = yamlpos.load(front.yaml, main.path, first_line=2)
    if isinstance(data, yamlpos.YMap) and "params" in data:  # read by publisher.params
        del data["params"]
    meta = parse_meta(data, Pos(main.path, 1, 1), root)
    return Source(root, main, meta, front.body, front.body_line)
