"""The full font faces: files of Debian's font packages, installed beside the bundled subsets.

The subsets in ``assets/fonts/`` (GB 2312 and common Big5) travel with the
publisher; the full faces behind them (all of CJK Unified Ideographs, the
Traditional and Hong Kong glyph shapes, Latin, Greek and Cyrillic, symbols,
emoji, and the open substitutes for the fonts GB/T 9704 names) are a hundred
megabytes, so they are not committed. ``publisher fonts install`` (``make
fonts``, run by ``make report``) takes them out of Debian's packages — copied
from ``/usr/share/fonts`` when the package is installed, else fetched with
``apt-get download`` and unpacked with ``dpkg-deb -x``, so the system's fonts
are never changed — into one folder:

* ``$PUBLISHER_FONT_DIR`` when set, else
* ``$XDG_DATA_HOME/publisher/fonts`` (``~/.local/share/publisher/fonts``),

shared by every checkout and installed copy of the publisher of that user.
Every file is checked against the SHA-256 recorded in :data:`FILES`: the same
files give the same PDF on every machine, and a package whose bytes differ is
reported when it is installed (``publisher --info`` says so too).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .errors import EnvironmentProblem

ENV_VAR = "PUBLISHER_FONT_DIR"


@dataclass(frozen=True)
class StoreFile:
    """One font file of the store, as a Debian package ships it."""

    name: str
    """File name in the store (the package's own name)."""
    package: str
    """The Debian package that has it."""
    member: str
    """Its path inside the package."""
    sha256: str
    size: int
    licence: str


NOTO_CJK = "fonts-noto-cjk"
NOTO_CORE = "fonts-noto-core"
NOTO_EMOJI = "fonts-noto-color-emoji"
WENKAI = "fonts-lxgw-wenkai"
FANDOL = "texlive-lang-chinese"

PACKAGE_VERSIONS: dict[str, str] = {
    NOTO_CJK: "1:20220127+repack1-1",
    NOTO_CORE: "20201225-1",
    NOTO_EMOJI: "2.042-0+deb12u1",
    WENKAI: "1.250+repack-1",
    FANDOL: "2022.20230122-1",
}
"""The versions (Debian 12 "bookworm") whose bytes :data:`FILES` records."""

_CJK = "/usr/share/fonts/opentype/noto/"
_CORE = "/usr/share/fonts/truetype/noto/"
_FANDOL = "/usr/share/texlive/texmf-dist/fonts/opentype/public/fandol/"
OFL = "SIL Open Font License 1.1"
GPL_FONT = "GPL with the font exception (embedding in a document is allowed)"

FILES: tuple[StoreFile, ...] = (
    StoreFile("NotoSerifCJK-Regular.ttc", NOTO_CJK, _CJK + "NotoSerifCJK-Regular.ttc",
              "a04178ec485dffdff7cc0c0c20e1fce9202d7e2160d805e8e44a4c8841c58481", 26297400, OFL),
    StoreFile("NotoSerifCJK-Bold.ttc", NOTO_CJK, _CJK + "NotoSerifCJK-Bold.ttc",
              "a5d4b046c127da3d7c72f98b46c41489cd29bf52abfdf18aba920903e920d4ac", 27290960, OFL),
    StoreFile("NotoSansCJK-Regular.ttc", NOTO_CJK, _CJK + "NotoSansCJK-Regular.ttc",
              "b76b0433203017ca80401b2ee0dd69350349871c4b19d504c34dbdd80541690a", 19484784, OFL),
    StoreFile("NotoSansCJK-Bold.ttc", NOTO_CJK, _CJK + "NotoSansCJK-Bold.ttc",
              "faa5f3656a78b2e2d450d27fe8382c778bc2b6bb5ea29c986664a6a435056ceb", 20050760, OFL),
    StoreFile("NotoSerif-Regular.ttf", NOTO_CORE, _CORE + "NotoSerif-Regular.ttf",
              "9d7583b7dc9e812afd32a14280c5cac3160012efe50c8d08938f4fea266ff67f", 588876, OFL),
    StoreFile("NotoSerif-Bold.ttf", NOTO_CORE, _CORE + "NotoSerif-Bold.ttf",
              "0af0ff2be8f84910fb21ec5fe1b6b7395e3073250502a334baf6ca2f860c88fe", 611904, OFL),
    StoreFile("NotoSans-Regular.ttf", NOTO_CORE, _CORE + "NotoSans-Regular.ttf",
              "89c3c497f618fdaa0b2d1e98fef93582f28c71debd2c4a8cdf41f190ced2909d", 512672, OFL),
    StoreFile("NotoSans-Bold.ttf", NOTO_CORE, _CORE + "NotoSans-Bold.ttf",
              "e83493c945848ecd4a9ad0f6d19164541a0d3e23a9c952304a00a46e00272ac5", 515752, OFL),
    StoreFile("NotoSansSymbols-Regular.ttf", NOTO_CORE, _CORE + "NotoSansSymbols-Regular.ttf",
              "24b615ceb7d50a2c09060664ca9e24a160c9beb6bfca0563e8359369a4bc0993", 258148, OFL),
    StoreFile("NotoSansSymbols2-Regular.ttf", NOTO_CORE, _CORE + "NotoSansSymbols2-Regular.ttf",
              "876598db5f1e3bef2bc77c4d94c5b0d5d2c1620be4878a06f18fb5434e331688", 656852, OFL),
    StoreFile("NotoSansMath-Regular.ttf", NOTO_CORE, _CORE + "NotoSansMath-Regular.ttf",
              "8242bd1e55368b27e32455260754cf9aa58f3ad7ea80664b66c21f1b09910d6c", 590896, OFL),
    StoreFile("NotoColorEmoji.ttf", NOTO_EMOJI, _CORE + "NotoColorEmoji.ttf",
              "e5899ed38b8ed83e08bd3ac5de09791e9d19d288333a796de1d35ad17396f1ec", 10980856, OFL),
    StoreFile("LXGWWenKai-Regular.ttf", WENKAI, "/usr/share/fonts/truetype/lxgw-wenkai/LXGWWenKai-Regular.ttf",
              "bbf534b0ca093928f94d1782855e65a19a32cde82b075d495d072025521953c8", 15679832, OFL),
    StoreFile("FandolFang-Regular.otf", FANDOL, _FANDOL + "FandolFang-Regular.otf",
              "d838ad32ce2244d8144f408c37fe71065aba6fbbc80759a4d2aa2033948d5bc9", 6961384, GPL_FONT),
    StoreFile("FandolKai-Regular.otf", FANDOL, _FANDOL + "FandolKai-Regular.otf",
              "ea7e7fb4f9b3ac694a68d43946e04d21deed6e8c29a7c2d3081e1a4138f2f827", 7790552, GPL_FONT),
    StoreFile("FandolHei-Regular.otf", FANDOL, _FANDOL + "FandolHei-Regular.otf",
              "4afa97aa8751e0118617df88272b58d43691b5cffb7ea024c4580496e9f34d28", 5808908, GPL_FONT),
)  # fmt: skip
BY_NAME = {f.name: f for f in FILES}
VERIFIED = ".verified.json"
"""Per file: size, mtime and SHA-256 when it was last checked (a changed file is checked again)."""


def font_dir() -> Path:
    """The folder of the full faces."""
    configured = os.environ.get(ENV_VAR)
    if configured:
        return Path(configured).expanduser()
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "publisher" / "fonts"


def install_command() -> str:
    """The one command that installs the full faces, for hints."""
    from .data import PACKAGE_ROOT

    if (PACKAGE_ROOT / "Makefile").is_file() and (PACKAGE_ROOT / "scripts").is_dir():
        return "make fonts"
    return "publisher fonts install"


def path(name: str) -> Path | None:
    """The store's file ``name`` if it is there (same size as recorded), else ``None``."""
    return _present(font_dir(), name)


def _present(folder: Path, name: str) -> Path | None:
    target = folder / name
    try:
        size = target.stat().st_size
    except OSError:
        return None
    return target if size == BY_NAME[name].size else None


def _sha256(file: Path) -> str:
    digest = hashlib.sha256()
    with file.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _verified(folder: Path) -> dict[str, list[object]]:
    try:
        data = json.loads((folder / VERIFIED).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def status(folder: Path | None = None) -> dict[str, str]:
    """File name → ``ok``, ``missing`` or ``differs`` (bytes unlike the recorded package's)."""
    folder = folder or font_dir()
    known = _verified(folder)
    states: dict[str, str] = {}
    for item in FILES:
        target = folder / item.name
        try:
            stat = target.stat()
        except OSError:
            states[item.name] = "missing"
            continue
        stamp = known.get(item.name)
        if isinstance(stamp, list) and stamp[:2] == [stat.st_size, stat.st_mtime_ns]:
            digest = str(stamp[2])
        else:
            digest = _sha256(target)
        states[item.name] = "ok" if digest == item.sha256 else "differs"
    return states


Progress = Callable[[str], None]


@dataclass
class InstallReport:
    """What :func:`install` did."""

    folder: Path
    copied: list[str]
    """Files taken from the installed system packages."""
    downloaded: list[str]
    """Debian packages fetched."""
    differs: list[str]
    """Files whose bytes are not those recorded (another package version)."""


def install(folder: Path | None = None, progress: Progress = print) -> InstallReport:
    """Put every file of :data:`FILES` into ``folder``, from installed packages or downloaded ones."""
    folder = folder or font_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise EnvironmentProblem(
            f"cannot create the font folder {folder}: {exc.strerror}",
            hint=f"set {ENV_VAR} to a folder you can write",
        ) from None
    report = InstallReport(folder, [], [], [])
    states = status(folder)
    wanted = [item for item in FILES if states[item.name] != "ok"]
    from_system = [item for item in wanted if _system_copy_ok(item)]
    for item in from_system:
        _copy(Path(item.member), folder / item.name)
        report.copied.append(item.name)
    rest = [item for item in wanted if item not in from_system]
    packages = sorted({item.package for item in rest})
    if packages:
        progress(f"fetching {', '.join(packages)} (Debian packages; nothing is installed on the system)")
        with tempfile.TemporaryDirectory(prefix="publisher-fonts-") as tmp:
            for package in packages:
                root = _unpack(package, Path(tmp))
                for item in rest:
                    if item.package != package:
                        continue
                    source = root / item.member.lstrip("/")
                    if not source.is_file():
                        raise EnvironmentProblem(
                            f"{package} has no {item.member}",
                            hint=f"this Debian release packages it differently; expected {package} "
                            f"{PACKAGE_VERSIONS[package]} (Debian 12)",
                        )
                    _copy(source, folder / item.name)
                shutil.rmtree(root, ignore_errors=True)
                report.downloaded.append(package)
    _record(folder)
    final = status(folder)
    report.differs = [name for name, state in final.items() if state != "ok"]
    return report


def _system_copy_ok(item: StoreFile) -> bool:
    source = Path(item.member)
    try:
        return source.stat().st_size == item.size and _sha256(source) == item.sha256
    except OSError:
        return False


def _copy(source: Path, target: Path) -> None:
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _unpack(package: str, tmp: Path) -> Path:
    """Download ``package`` with ``apt-get download`` and unpack it with ``dpkg-deb -x``; its root folder."""
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise EnvironmentProblem(
            "the full font faces come from Debian packages, and this system has no apt-get/dpkg-deb",
            hint=f"copy these files into {font_dir()} (or set {ENV_VAR}): "
            + ", ".join(f"{f.name} ({f.package})" for f in FILES),
        )
    debs = tmp / "debs"
    debs.mkdir(exist_ok=True)
    command = ["apt-get", "download", "-q", package]
    done = subprocess.run(command, cwd=debs, capture_output=True, text=True, check=False)
    if done.returncode != 0 and os.geteuid() == 0:  # a fresh machine: no package lists yet
        subprocess.run(["apt-get", "update", "-qq"], capture_output=True, check=False)
        done = subprocess.run(command, cwd=debs, capture_output=True, text=True, check=False)
    found = sorted(debs.glob(f"{package}_*.deb"))
    if done.returncode != 0 or not found:
        detail = (done.stderr.strip().splitlines() or ["no .deb file"])[-1]
        raise EnvironmentProblem(
            f"could not download the Debian package {package}: {detail}",
            hint="run `sudo apt-get update` and try again",
        )
    root = tmp / package
    unpacked = subprocess.run(["dpkg-deb", "-x", str(found[0]), str(root)], capture_output=True, text=True)
    if unpacked.returncode != 0:
        raise EnvironmentProblem(f"could not unpack {found[0].name}: {unpacked.stderr.strip()}")
    found[0].unlink()
    return root


def _record(folder: Path) -> None:
    """Remember each file's checksum with its size and mtime, so a later check only stats it."""
    data: dict[str, list[object]] = {}
    for item in FILES:
        target = folder / item.name
        if target.is_file():
            stat = target.stat()
            data[item.name] = [stat.st_size, stat.st_mtime_ns, _sha256(target)]
    (folder / VERIFIED).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
