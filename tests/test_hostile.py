"""Hostile projects and inputs (README, "Security"): no code runs, nothing outside is read or written, resources
stay bounded, and every case ends in its clean message.

Each case of ``tests/hostile/cases.py`` runs in a new process under a memory
cap (``resource.setrlimit``) and a time budget, so a regression fails here
instead of hanging the machine; an audit hook in that process records every
file event that reaches the folder outside the project.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import REPO
from .hostile.cases import CASES, Case

Listener = Callable[[str, tuple[object, ...]], None]
_LISTENERS: list[Listener] = []


def _dispatch(event: str, args: tuple[object, ...]) -> None:
    for listener in list(_LISTENERS):
        listener(event, args)


@contextlib.contextmanager
def _audit(listener: Listener) -> Iterator[None]:
    """Call ``listener`` with every audit event while in the block (a hook cannot be removed: one dispatches)."""
    if not getattr(sys, "_publisher_audit", False):
        sys.addaudithook(_dispatch)
        sys._publisher_audit = True  # type: ignore[attr-defined]
    _LISTENERS.append(listener)
    try:
        yield
    finally:
        _LISTENERS.remove(listener)


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for path in sorted(folder.rglob("*")):
        stat = path.lstat()
        found[str(path.relative_to(folder))] = (stat.st_size, stat.st_mtime_ns)
    return found


def run_case(case: Case, tmp_path: Path) -> tuple[int, str, list[list[str]]]:
    root, outside, scratch = tmp_path / "project", tmp_path / "outside", tmp_path / "tmp"
    for folder in (root, outside, scratch):
        folder.mkdir()
    args = case.make(root, outside)
    before = _snapshot(outside)
    record = tmp_path / "record.json"
    env = {k: v for k, v in os.environ.items() if k != "PUBLISHER_CACHE_DIR"}
    env["TMPDIR"] = str(scratch)
    command = [sys.executable, "-m", "tests.hostile.run", str(record), str(case.memory_mib), str(outside), *args]
    try:
        proc = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=case.seconds)
    except subprocess.TimeoutExpired:
        pytest.fail(f"{case.name}: still running after {case.seconds} s")
    assert record.exists(), f"{case.name}: the process died (exit {proc.returncode}): {proc.stderr[-2000:]}"
    touched = json.loads(record.read_text(encoding="utf-8"))["touched"]
    assert _snapshot(outside) == before, f"{case.name}: something outside the project changed"
    if case.stdout:
        assert re.search(case.stdout, proc.stdout), proc.stdout
    return proc.returncode, proc.stderr, touched


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_hostile_case(case: Case, tmp_path: Path) -> None:
    code, err, touched = run_case(case, tmp_path)
    first = err.splitlines()[0] if err else ""
    assert re.search(case.stderr, first), err
    assert code == case.exit, err
    assert "Traceback" not in err and "internal error" not in err
    assert not re.search(r"\w+Warning: ", err), f"a raw Python warning: {err}"  # matplotlib's, a library's
    assert touched == [], f"files outside the project were touched: {touched}"
    if case.check is not None:
        case.check(tmp_path / "project", tmp_path / "outside")


# --------------------------------------------------------------- generated projects, one audit hook

OUTSIDE_NAMES = ("secret.png", "secret.csv", "secret.yaml", "secret.css", "secret.j2", "secret.icc")
REFERENCE = st.sampled_from(
    ["../outside/{f}", "../../outside/{f}", "{outside}/{f}", "file://{outside}/{f}", "link-{f}", "images/link-{f}",
     "%2e%2e/%2e%2e/outside/{f}", "..\\\\..\\\\outside\\\\{f}", "data/../../../outside/{f}"]
)  # fmt: skip


BENIGN = {
    "image": "images/ok.png",
    "link": "https://example.com",
    "csv": "ok.csv",
    "css": "ok.css",
    "profile": "",
    "theme": "report",
    "extends": "report",
}


@st.composite
def hostile_project(draw: st.DrawFn) -> dict[str, str]:
    """Where a generated project points: every kind of reference a project has, each at a file inside it or at
    one outside it (so that some projects get as far as the typesetting engine with a hostile stylesheet)."""

    def ref(key: str, name: str) -> str:
        hostile = draw(REFERENCE).replace("{f}", name)
        return hostile if draw(st.booleans()) else BENIGN[key]

    return {
        "image": ref("image", "secret.png"),
        "link": ref("link", "secret.md"),
        "csv": ref("csv", "secret.csv"),
        "css": ref("css", "secret.css"),
        "profile": ref("profile", "secret.icc"),
        "theme": draw(st.sampled_from(["report", "mine", "../outside", "mine/../../outside", "/etc"])),
        "extends": draw(st.sampled_from(["report", "../../outside", "link-theme"])),
    }


def _make_hostile(base: Path, refs: dict[str, str]) -> Path:
    from .hostile.cases import project, write

    root, outside = base / "project", base / "outside"
    for name in OUTSIDE_NAMES:
        write(outside, {name: "x,y\n甲,1\n" if name.endswith(".csv") else "id: a\ntype: bar\n"})
    write(outside, {"theme.yaml": "extends: report\n", "templates/cover.html.j2": "{{ 6 * 7 }}"})
    from PIL import Image

    (root / "source" / "images").mkdir(parents=True)
    Image.new("RGB", (4, 4), "red").save(root / "source" / "images" / "ok.png")
    Image.new("RGB", (4, 4), "blue").save(outside / "secret.png")
    body = f"# 一\n\n正文1。\n\n![p]({refs['image']})\n\n[m]({refs['link']})\n\n![](chart:a)\n"
    spec = f"id: a\ntype: bar\ntitle: 甲\ncsv: {refs['csv']}\nlabel_column: x\nvalue_columns: [y]\n"
    theme = f"extends: {refs['extends']}\n"
    project(root, body, front=f"---\ntitle: 测试\nname: t\ntheme: {refs['theme']}\n---\n", files={
        "source/charts/a.yaml": spec,
        "styles/mine/theme.yaml": theme,
        "styles/mine/theme.css": f"@import url({refs['css']});\nbody {{ background: url({refs['image']}); }}\n",
        "source/data/ok.csv": "x,y\n甲,1\n",
        "styles/mine/ok.css": "body { color: black; }\n",
        "publisher.toml": f'[editions.print]\noutput_profile = "{refs["profile"]}"\n'
        f'css = "@import url({refs["css"]});"\n',
    })  # fmt: skip
    for name in OUTSIDE_NAMES:
        for folder in (root, root / "source", root / "source" / "images", root / "source" / "data"):
            folder.mkdir(parents=True, exist_ok=True)
            (folder / f"link-{name}").symlink_to(outside / name)
    (root / "styles" / "link-theme").symlink_to(outside)
    (root / "styles" / "mine" / "templates").mkdir(parents=True)
    (root / "styles" / "mine" / "templates" / "toc.html.j2").symlink_to(outside / "templates" / "cover.html.j2")
    return root


def _allowed(base: Path) -> Callable[[str], bool]:
    """Whether a file opened by a build of ``base/project`` is one it may open: the project, the publisher's
    own files (its package, themes and fonts, the full faces it installed), Python's, its cache and output, the
    engine's temporary files."""
    import tempfile

    import matplotlib

    import publisher
    from publisher.data import FONTS_DIR, STYLES_DIR
    from publisher.fontstore import font_dir
    from publisher.html import template_cache_dir

    folders = tuple(
        os.path.realpath(p) + "/"
        for p in (base / "project", base / "cache", Path(publisher.__file__).parent, STYLES_DIR, FONTS_DIR,
                  font_dir(), template_cache_dir(), sys.prefix, sys.base_prefix, matplotlib.get_cachedir(),
                  matplotlib.get_configdir())
    )  # fmt: skip
    temporary = tuple(os.path.join(os.path.realpath(tempfile.gettempdir()), p) for p in ("weasyprint-", "publisher-"))
    own = (f"/proc/{os.getpid()}/",)  # the process's own threads (parallel layout looks before it forks)
    output = os.path.realpath(base / "out.pdf")
    part = os.path.join(os.path.realpath(base), ".out.pdf.")

    def allowed(path: str) -> bool:
        # a folder itself counts as inside it (the template cache's folder is opened when it is first made)
        return (path + "/").startswith(folders + temporary + own + (part,)) or path in (output, "/dev/null")

    return allowed


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(refs=hostile_project())
def test_no_generated_project_reads_outside_its_folder(
    refs: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    import mimetypes
    import tempfile

    from publisher import api
    from publisher.errors import PublisherError
    from publisher.output import make_writer

    # What a process does once, on its first build, is not the build's: Python's first look for a temporary
    # folder, its MIME types, loading WeasyPrint's libraries (ctypes asks the compiler where they are)
    tempfile.gettempdir()
    mimetypes.init()
    make_writer()
    base = tmp_path_factory.mktemp("gen")
    root = _make_hostile(base, refs)
    allowed = _allowed(base)
    opened: list[str] = []

    def hook(event: str, args: tuple[object, ...]) -> None:
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            opened.append(os.path.realpath(os.fsdecode(args[0])))

    with _audit(hook):
        for run in (
            lambda: api.check(root),
            lambda: api.build(root, output=base / "out.pdf", cache_dir=base / "cache"),
            lambda: api.build(root, output=base / "out.pdf", cache_dir=base / "cache", edition="print"),
        ):
            try:
                run()
            except PublisherError:
                pass
    outside = [path for path in opened if not allowed(path)]
    assert outside == [], f"read outside the project: {sorted(set(outside))}"


# ------------------------------------------------------------------ signals during an atomic write

SIGNALLED_WRITE = """
import os, signal, sys
from pathlib import Path
from publisher.commands.cli import run_user_command
from publisher.files import write_atomic

real = os.fsync
def fsync(fd):  # the signal arrives while the temporary file is written, as a kill would
    os.kill(os.getpid(), getattr(signal, sys.argv[2]))
    real(fd)
os.fsync = fsync
run_user_command(False, lambda: write_atomic(Path(sys.argv[1]) / "t.pdf", b"%PDF-" * 1000))
"""


@pytest.mark.parametrize(
    ("signal_name", "code", "said"), [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")]
)
def test_a_signal_during_a_write_leaves_no_part_file(signal_name: str, code: int, said: str, tmp_path: Path) -> None:
    (tmp_path / "t.pdf").write_bytes(b"%PDF- the last good one")
    proc = subprocess.run(
        [sys.executable, "-c", SIGNALLED_WRITE, str(tmp_path), signal_name],
        cwd=REPO, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert (proc.returncode, proc.stderr.strip()) == (code, said), proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.pdf"]
    assert (tmp_path / "t.pdf").read_bytes() == b"%PDF- the last good one"


SIGNALLED_DIFF = """
import os, signal, sys
from publisher import pdfread
from publisher.commands.cli import main

real = pdfread.Page.render
def render(self, dpi):  # the signal arrives while the page images are made, as a kill would
    if self.index == 1:
        os.kill(os.getpid(), getattr(signal, sys.argv[4]))
    return real(self, dpi)
pdfread.Page.render = render
main(["diff", sys.argv[1], sys.argv[2], "-o", sys.argv[3]], prog_name="publisher")
"""


@pytest.mark.parametrize(
    ("signal_name", "code", "said"), [("SIGTERM", 143, "terminated"), ("SIGINT", 130, "interrupted")]
)
def test_a_signal_during_a_diff_leaves_no_page_images(signal_name: str, code: int, said: str, tmp_path: Path) -> None:
    from .hostile.cases import pdf_of

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    old, new = pdf_of(tmp_path / "old.pdf", 3), pdf_of(tmp_path / "new.pdf", 3, mark=1)
    report = tmp_path / "changes.html"
    proc = subprocess.run(
        [sys.executable, "-c", SIGNALLED_DIFF, str(old), str(new), str(report), signal_name],
        cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    assert (proc.returncode, proc.stderr.strip().splitlines()[-1:]) == (code, [said]), proc.stderr
    assert list(scratch.iterdir()) == [] and not report.exists()


FULL_DISK = """
import errno, os, sys
from publisher.commands.cli import main

def fsync(fd):  # the disk fills up as the PDF is written: ENOSPC, as the kernel says it
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
os.fsync = fsync
main(["build", sys.argv[1]], prog_name="publisher")
"""


def test_a_full_disk_is_an_environment_problem_and_the_last_pdf_stays(tmp_path: Path) -> None:
    from .hostile.cases import project

    project(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "t.pdf").write_bytes(b"%PDF- the last good one")
    proc = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path)], cwd=REPO, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 3, proc.stderr
    assert re.fullmatch(
        r"error: cannot write \S+/out/t\.pdf: the disk is full\n  hint: free some space on that disk .*\n", proc.stderr
    ), proc.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir() if not p.name.startswith(".cache")) == ["t.pdf"]
    assert (tmp_path / "out" / "t.pdf").read_bytes() == b"%PDF- the last good one"


def test_a_diff_that_cannot_write_its_page_images_is_an_environment_problem(tmp_path: Path) -> None:
    """A real write error (``RLIMIT_FSIZE``: no page image may be larger than 1 KB) while the page images are
    made: exit 3 with the folder and a hint, no traceback, no report and no images left."""
    from .hostile.cases import pdf_of

    scratch = tmp_path / "tmp"
    scratch.mkdir()
    old, new = pdf_of(tmp_path / "old.pdf", 2), pdf_of(tmp_path / "new.pdf", 2, mark=1)
    limit = (
        "import resource, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024)); "
        "from publisher.commands.cli import main; main(sys.argv[1:], prog_name='publisher')"
    )
    report = tmp_path / "changes.html"
    proc = subprocess.run(
        [sys.executable, "-c", limit, "diff", str(old), str(new), "-o", str(report)],
        cwd=REPO, capture_output=True, text=True, timeout=60, env={**os.environ, "TMPDIR": str(scratch)},
    )  # fmt: skip
    assert proc.returncode == 3, proc.stderr
    assert re.fullmatch(
        rf"error: cannot write the page images to {re.escape(str(scratch))}: File too large\n"
        r"  hint: free some space there, or set TMPDIR to a folder on a disk with room\n",
        proc.stderr,
    ), proc.stderr
    assert list(scratch.iterdir()) == [] and not report.exists()
