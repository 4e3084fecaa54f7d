"""The hostile corpus: projects and inputs made as an attacker would, each with what the publisher must do.

Every case writes its input into a fresh folder (``project/``, and
``outside/`` for what lies beyond the project: the files a symlink points to,
a victim a write must not reach), names the command to run, and states the
exit code, the first line of stderr (a regular expression), and the time and
memory it may take. ``tests/test_hostile.py`` runs each one in a new process
under ``resource.setrlimit`` with a timeout, and checks that nothing in
``outside/`` was opened, written, renamed or removed.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

FRONT = "---\ntitle: 测试\nname: t\n---\n"
REPO = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Case:
    """One hostile input and what the publisher must answer."""

    name: str
    make: Callable[[Path, Path], list[str]]
    """Writes the input into (project, outside); returns the command's arguments."""
    exit: int
    stderr: str
    """A regular expression the first line of stderr must match (``""``: no output on stderr)."""
    seconds: float = 60
    memory_mib: int = 1536
    check: Callable[[Path, Path], None] | None = None
    """Further checks on (project, outside) after the run."""
    stdout: str = ""
    """A regular expression stdout must match somewhere (``""``: not checked)."""
    tags: tuple[str, ...] = field(default=())


def write(root: Path, files: dict[str, str | bytes]) -> None:
    for name, content in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")


def project(
    root: Path, body: str = "# 一\n\n正文。\n", front: str = FRONT, files: dict[str, str | bytes] | None = None
) -> None:
    write(root, {"source/report.md": front + "\n" + body, **(files or {})})


BAR = "id: a\ntype: bar\ntitle: 甲\nlabels: [甲, 乙]\nvalues: [3, 5]\n"
CHART_BODY = "# 一\n\n正文3与5。\n\n![](chart:a)\n"
SECRET = "root:x:0:0:secret-of-the-machine\n"


# ------------------------------------------------------------- code and files outside the project


def template_runs_code(root: Path, outside: Path) -> list[str]:
    cover = (REPO / "styles" / "base" / "templates" / "cover.html.j2").read_text(encoding="utf-8")
    attack = "{{ cycler.__init__.__globals__.os.popen('touch " + str(outside / "pwned") + "').read() }}\n"
    project(root, files={"styles/report/templates/cover.html.j2": attack + cover})
    return ["build", str(root)]


def csv_symlink_out(root: Path, outside: Path) -> list[str]:
    (outside / "passwd").write_text("x,y\n" + SECRET, encoding="utf-8")
    spec = "id: a\ntype: bar\ntitle: 甲\ncsv: d.csv\nlabel_column: x\nvalue_columns: [y]\n"
    project(root, CHART_BODY, files={"source/charts/a.yaml": spec})
    (root / "source" / "data").mkdir(parents=True)
    (root / "source" / "data" / "d.csv").symlink_to(outside / "passwd")
    return ["check", str(root)]


def spec_symlink_out(root: Path, outside: Path) -> list[str]:
    (outside / "spec.yaml").write_text(BAR, encoding="utf-8")
    project(root, CHART_BODY)
    (root / "source" / "charts").mkdir(parents=True)
    (root / "source" / "charts" / "a.yaml").symlink_to(outside / "spec.yaml")
    return ["build", str(root)]


def spec_is_dev_zero(root: Path, outside: Path) -> list[str]:
    project(root, CHART_BODY)
    (root / "source" / "charts").mkdir(parents=True)
    (root / "source" / "charts" / "a.yaml").symlink_to("/dev/zero")
    return ["check", str(root)]


def spec_is_a_fifo(root: Path, outside: Path) -> list[str]:
    project(root, CHART_BODY)
    (root / "source" / "charts").mkdir(parents=True)
    os.mkfifo(root / "source" / "charts" / "a.yaml")
    return ["check", str(root)]


def fix_through_dangling_bak(root: Path, outside: Path) -> list[str]:
    text = FRONT + "\n# 一\n\n我们完成了项目,效果很好。\n"
    write(root, {"source/report.md": text.replace("\n", "\r\n").encode("utf-8")})
    (root / "source" / "report.md").chmod(0o600)
    (root / "source" / "report.md.bak").symlink_to(outside / "victim")
    return ["check", str(root), "--fix"]


def fix_kept_crlf_and_mode(root: Path, outside: Path) -> None:
    report = root / "source" / "report.md"
    assert not (outside / "victim").exists()
    assert (report.stat().st_mode & 0o777) == 0o600
    backup = (root / "source" / "report.md.bak.1").read_bytes()
    assert report.read_bytes().count(b"\r\n") == backup.count(b"\r\n") == 8
    assert "，" in report.read_text(encoding="utf-8") and "," in backup.decode("utf-8")


def out_symlink_out(root: Path, outside: Path) -> list[str]:
    project(root)
    (outside / "t.pdf").write_bytes(b"%PDF- the victim's own file")
    (root / "out").symlink_to(outside)
    return ["build", str(root)]


def theme_is_a_path(root: Path, outside: Path) -> list[str]:
    write(outside, {"elsewhere/templates/cover.html.j2": "{{ 7 * 7 }}", "elsewhere/theme.yaml": "extends: report\n"})
    project(root, front=FRONT.replace("name: t", f"name: t\ntheme: ../../../../..{outside}/elsewhere"))
    return ["check", str(root)]


def theme_folder_symlink_out(root: Path, outside: Path) -> list[str]:
    write(outside, {"mine/theme.yaml": "extends: report\n"})
    project(root, front=FRONT.replace("name: t", "name: t\ntheme: mine"))
    (root / "styles").mkdir()
    (root / "styles" / "mine").symlink_to(outside / "mine")
    return ["build", str(root)]


def template_symlink_out(root: Path, outside: Path) -> list[str]:
    (outside / "passwd").write_text(SECRET, encoding="utf-8")
    project(root)
    (root / "styles" / "report" / "templates").mkdir(parents=True)
    (root / "styles" / "report" / "templates" / "cover.html.j2").symlink_to(outside / "passwd")
    return ["build", str(root)]


def links(root: Path, outside: Path) -> list[str]:
    body = (
        "# 一\n\n正文[m](../../../etc/passwd)、[s](smb://host/share)、[l](launch:calc)、[r](other.md)、"
        "[w](https://example.com)、[e](mailto:a@example.com)、[h](#h1)。\n"
    )
    project(root, body)
    return ["build", str(root)]


def pdf_text_and_actions(pdf_path: Path) -> tuple[str, list[str]]:
    """The text of a PDF (pdftotext) and every action dictionary in it, as text."""
    import subprocess

    import pikepdf

    text = subprocess.run(["pdftotext", str(pdf_path), "-"], capture_output=True, text=True, check=True).stdout
    actions = []
    with pikepdf.open(pdf_path) as pdf:
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Dictionary) and ("/S" in obj or "/JS" in obj or "/AA" in obj):
                actions.append(repr(obj))
    return text, actions


def only_web_links_in_pdf(root: Path, outside: Path) -> None:
    import pikepdf

    with pikepdf.open(root / "out" / "t.pdf") as pdf:
        uris = [
            str(annot.A.URI)
            for page in pdf.pages
            for annot in page.get("/Annots", [])
            if "/A" in annot and "/URI" in annot.A
        ]
        assert sorted(uris) == ["https://example.com", "mailto:a@example.com"], uris
        assert not any("/Launch" in str(annot.get("/A", "")) for page in pdf.pages for annot in page.get("/Annots", []))
    assert str(root.parent).encode() not in (root / "out" / "t.pdf").read_bytes()


def planted_chart_cache(root: Path, outside: Path) -> list[str]:
    import hashlib

    from publisher.options import BuildOptions
    from publisher.pipeline import build

    project(root, CHART_BODY.replace("![](chart:a)", "![](chart:a)\n\n![](chart:k)"), files={
        "source/charts/a.yaml": BAR,
        "source/charts/k.yaml": "id: k\ntype: kpi\ntitle: 乙\nitems:\n  - {label: 甲, value: 3}\n",
    })  # fmt: skip
    build(BuildOptions(project=root, cache_dir=root / "out" / ".cache"))
    charts = root / "out" / ".cache" / "charts"
    [drawn] = charts.glob("*.svg")
    key = drawn.name.split(".")[0]
    evil = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
        b'<a xlink:href="javascript:app.alert(1)"><text>planted</text></a></svg>'
    )
    drawn.unlink()
    (charts / f"{key}.{hashlib.sha256(evil).hexdigest()[:32]}.svg").write_bytes(evil)
    html = '<a href="javascript:app.alert(2)">planted</a>'
    for name in (f"{key}.html", "k.html"):
        (charts / name).write_text(html, encoding="utf-8")
    return ["build", str(root)]


def no_planted_markup(root: Path, outside: Path) -> None:
    text, actions = pdf_text_and_actions(root / "out" / "t.pdf")
    assert "planted" not in text and not any("javascript" in action for action in actions), actions
    assert "甲" in text


def corrupted_font_cache(root: Path, outside: Path) -> list[str]:
    """Every font subset in the cache overwritten: the next build must cut them again, never fall back to the
    machine's fonts."""
    from publisher.options import BuildOptions
    from publisher.pipeline import build

    project(root, "# 一\n\n正文，**粗体**。\n")
    build(BuildOptions(project=root, cache_dir=root / "out" / ".cache"))
    fonts = sorted((root / "out" / ".cache" / "fonts").iterdir())
    assert fonts
    for font in fonts:
        font.write_bytes(b"not a font at all")
    return ["build", str(root)]


def only_publisher_fonts(root: Path, outside: Path) -> None:
    import pikepdf

    names = set()
    with pikepdf.open(root / "out" / "t.pdf") as pdf:
        for page in pdf.pages:
            for font in page.Resources.Font.values():
                names.add(str(font.BaseFont).split("+")[-1])
    assert names and all(name.startswith("/Publisher-") or name.startswith("Publisher-") for name in names), names
    assert all(
        f.read_bytes()[:4] in (b"OTTO", b"\x00\x01\x00\x00") for f in (root / "out" / ".cache" / "fonts").iterdir()
    )


def output_onto_the_source(root: Path, outside: Path) -> list[str]:
    project(root)
    return ["build", str(root), "-o", str(root / "source" / "report.md")]


def source_untouched(root: Path, outside: Path) -> None:
    assert (root / "source" / "report.md").read_text(encoding="utf-8") == FRONT + "\n# 一\n\n正文。\n"
    assert not (root / "out").exists()


# ------------------------------------------------------------------------ numbers and labels in charts


def chart_values(kind: str, values: str) -> Callable[[Path, Path], list[str]]:
    def make(root: Path, outside: Path) -> list[str]:
        spec = f"id: a\ntype: {kind}\ntitle: 甲\nlabels: [甲, 乙]\nvalues: [{values}, 5]\n"
        project(root, CHART_BODY, files={"source/charts/a.yaml": spec})
        return ["build", str(root)]

    return make


def dollar_labels(root: Path, outside: Path) -> list[str]:
    spec = 'id: a\ntype: bar\ntitle: 甲\nlabels: ["$5 至 $10", "$\\\\sqrt{x}$"]\nvalues: [3, 5]\n'
    project(root, CHART_BODY, files={"source/charts/a.yaml": spec})
    return ["build", str(root), "--strict"]


def labels_printed_as_written(root: Path, outside: Path) -> None:
    text, _ = pdf_text_and_actions(root / "out" / "t.pdf")
    assert "$5 至 $10" in text and "$\\sqrt{x}$" in text, text


def label_no_font_has(root: Path, outside: Path) -> list[str]:
    """A label with a character no chart font has, let through: matplotlib warns of the glyph as it draws."""
    spec = 'id: a\ntype: bar\ntitle: 甲\nlabels: ["😀甲", 乙, 丙]\nvalues: [3, 5, 6]\n'
    project(root, CHART_BODY.replace("3与5", "3、5与6"), files={"source/charts/a.yaml": spec})
    return ["build", str(root), "--allow-missing-glyphs"]


def all_zero_values(kind: str) -> Callable[[Path, Path], list[str]]:
    """Every value 0: a scale from 0 to 0, which matplotlib warns of ("identical low and high ylims")."""

    def make(root: Path, outside: Path) -> list[str]:
        values = "values: [0, 0, 0]\n" + ("targets: [0, 0, 0]\n" if kind == "progress" else "")
        if kind in ("grouped", "stacked"):
            values = "series:\n  - {name: 丁, values: [0, 0, 0]}\n  - {name: 戊, values: [0, 0, 0]}\n"
        spec = f"id: a\ntype: {kind}\ntitle: 甲\nlabels: [甲, 乙, 丙]\n{values}"
        project(root, CHART_BODY.replace("3与5", "都是0"), files={"source/charts/a.yaml": spec})
        return ["build", str(root)]

    return make


def toml_case(toml: str) -> Callable[[Path, Path], list[str]]:
    def make(root: Path, outside: Path) -> list[str]:
        project(root, files={"publisher.toml": toml})
        return ["build", str(root), "--edition", "print"]

    return make


def theme_css_page_size(root: Path, outside: Path) -> list[str]:
    project(root, front=FRONT.replace("name: t", "name: t\ntheme: big"), files={
        "styles/big/theme.yaml": "extends: report\n",
        "styles/big/theme.css": "body { color: black; }\n@page { size: 100000000mm 1mm }\n",
    })  # fmt: skip
    return ["build", str(root)]


# ------------------------------------------------------------------------ leftovers


def stale_parts(root: Path, outside: Path) -> list[str]:
    project(root, files={
        "out/.t.pdf.4194399.k1ll3d.part": b"%PDF- half of a PDF of a build killed with kill -9",
        "out/.t.pdf.u2x9vw.part": b"%PDF- a leftover named before names carried the process id",
        f"out/.t.pdf.{os.getpid()}.alive1.part": b"%PDF- the file of a build running now",
    })  # fmt: skip
    return ["build", str(root)]


def only_live_parts_kept(root: Path, outside: Path) -> None:
    left = sorted(p.name for p in (root / "out").iterdir() if p.name.endswith(".part"))
    assert left == [f".t.pdf.{os.getpid()}.alive1.part"], left
    assert (root / "out" / "t.pdf").read_bytes().startswith(b"%PDF-")


# ------------------------------------------------------------------------ text and messages


def source_bytes(body: bytes) -> Callable[[Path, Path], list[str]]:
    def make(root: Path, outside: Path) -> list[str]:
        write(root, {"source/report.md": FRONT.encode() + b"\n# \xe4\xb8\x80\n\n" + body})
        return ["check", str(root)]

    return make


def terminal_codes_in_a_name(root: Path, outside: Path) -> list[str]:
    project(root)
    return ["check", str(root / "\x1b[2J\x07\u202eevil")]


def theme_name_with_rlo(root: Path, outside: Path) -> list[str]:
    project(root, front=FRONT.replace("name: t", "name: t\ntheme: fdp\u202etxt.exe"))
    return ["check", str(root)]


def import_text(text: str, encoding: str) -> Callable[[Path, Path], list[str]]:
    def make(root: Path, outside: Path) -> list[str]:
        (root / "in.md").write_bytes(text.encode(encoding))
        return ["import", str(root / "in.md"), "-o", str(root / "imported")]

    return make


def word_document(root: Path, damage: Callable[[str, bytes], bytes]) -> list[str]:
    """A Word document made by python-docx, each part passed through ``damage(name, data)``."""
    import io
    import zipfile

    import docx

    made = io.BytesIO()
    document = docx.Document()
    document.add_heading("一", 1)
    document.add_paragraph("正文。")
    document.save(made)
    with zipfile.ZipFile(made) as source, zipfile.ZipFile(root / "in.docx", "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            out.writestr(name, damage(name, source.read(name)))
    return ["import", str(root / "in.docx"), "-o", str(root / "imported")]


ENTITY_BOMB = (
    '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a0 "lol">'
    + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
    "<w:body><w:p><w:r><w:t>&a9;</w:t></w:r></w:p></w:body></w:document>"
).encode()


def docx_entity_bomb(root: Path, outside: Path) -> list[str]:
    return word_document(root, lambda name, data: ENTITY_BOMB if name == "word/document.xml" else data)


def docx_corrupt_deflate(root: Path, outside: Path) -> list[str]:
    args = word_document(root, lambda name, data: data)
    packed = bytearray((root / "in.docx").read_bytes())
    start = packed.index(b"word/document.xml") + len("word/document.xml")
    for i in range(start + 20, start + 60):
        packed[i] ^= 0x5A
    (root / "in.docx").write_bytes(bytes(packed))
    return args


def docx_zero_filled_part(root: Path, outside: Path) -> list[str]:
    """A Word document of about 300 KB with a part of 300 MiB of zeros (the issue's was 1 GiB: 2.1 GB to
    import)."""
    import zipfile

    args = word_document(root, lambda name, data: data)
    with zipfile.ZipFile(root / "in.docx", "a", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as part:
            block = bytes(1 << 20)
            for _ in range(300):
                part.write(block)
    return args


def nothing_imported(root: Path, outside: Path) -> None:
    assert not (root / "imported").exists()


# ------------------------------------------------------------------------ PDFs to compare

A4 = (595.28, 841.89)


def pdf_of(path: Path, pages: int, size: tuple[float, float] = A4, mark: int = -1) -> Path:
    """A PDF of ``pages`` pages of ``size`` (points), blank but for a black square on page ``mark`` (0-based)."""
    import pikepdf

    pdf = pikepdf.new()
    for number in range(pages):
        page = pdf.add_blank_page(page_size=size)
        if number == mark:
            page.Contents = pdf.make_stream(b"0 g 100 400 120 120 re f")
    pdf.save(path)
    return path


def diff_case(old: Callable[[Path], Path], new: Callable[[Path], Path]) -> Callable[[Path, Path], list[str]]:
    def make(root: Path, outside: Path) -> list[str]:
        return ["diff", str(old(root / "old.pdf")), str(new(root / "new.pdf")), "-o", str(root / "changes.html")]

    return make


def no_report_and_no_images(root: Path, outside: Path) -> None:
    assert not (root / "changes.html").exists()
    assert [p.name for p in (root.parent / "tmp").iterdir()] == []  # TMPDIR of the run


def dead_pid() -> int:
    import subprocess

    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid


def diff_after_killed_diffs(root: Path, outside: Path) -> list[str]:
    """A diff run where two earlier ones were killed (``kill -9``) and one runs now: the images of the killed
    ones are removed, those of the one running are kept."""
    scratch = root.parent / "tmp"
    write(scratch, {
        f"publisher-diff-{dead_pid()}-k1ll3d/old/page-001.png": b"a page image of a killed diff",
        f"publisher-watch-{dead_pid()}-k1ll3d/build-1/page-001.png": b"a page image of a killed watch",
        f"publisher-diff-{os.getpid()}-alive1/old/page-001.png": b"a page image of a diff running now",
        "publisher-diff-u2x9vw/note.txt": b"not named with a process id: not the publisher's to remove",
    })  # fmt: skip
    old, new = pdf_of(root / "old.pdf", 3), pdf_of(root / "new.pdf", 3, mark=1)
    return ["diff", str(old), str(new), "-o", str(root / "changes.html")]


def only_live_images_kept(root: Path, outside: Path) -> None:
    left = sorted(p.name for p in (root.parent / "tmp").iterdir())
    assert left == [f"publisher-diff-{os.getpid()}-alive1", "publisher-diff-u2x9vw"], left
    assert "Content changed on page 2" in (root / "changes.html").read_text(encoding="utf-8")


# ------------------------------------------------------------------------ archive PDFs to extract


def archive_pdf(path: Path, zipped: bytes, manifest: object = None, packed: bytes | None = None) -> None:
    """A PDF carrying ``zipped`` as ``source.zip`` and a manifest (by default one that matches it);
    ``packed``: the zip's stream as stored, already deflated (for an inflation bomb)."""
    import hashlib
    import io
    import json
    import zipfile

    import pikepdf

    if manifest is None:
        files = []
        try:
            with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
                for info in archive.infolist():
                    digest = hashlib.sha256()
                    with archive.open(info) as member:
                        while chunk := member.read(1 << 20):
                            digest.update(chunk)
                    files.append({"path": info.filename, "sha256": digest.hexdigest()})
        except (zipfile.BadZipFile, Exception):  # a zip made to be damaged: list its names only
            files = [{"path": "source/report.md", "sha256": "0" * 64}]
        manifest = {"name": "t", "edition": "archive", "files": files,
                    "source_zip": {"sha256": hashlib.sha256(zipped).hexdigest()}}  # fmt: skip
    pdf = pikepdf.new()
    pdf.add_blank_page()
    pdf.attachments["manifest.json"] = pikepdf.AttachedFileSpec(pdf, json.dumps(manifest).encode())
    spec = pikepdf.AttachedFileSpec(pdf, zipped)
    pdf.attachments["source.zip"] = spec
    if packed is not None:
        pdf.attachments["source.zip"].obj.EF.F.write(packed, filter=pikepdf.Name.FlateDecode)
    pdf.save(path)


def zip_of(files: dict[str, bytes]) -> bytes:
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


REPORT = (FRONT + "\n# 一\n\n正文。\n").encode()


def extract_case(zipped: Callable[[], bytes], manifest: object = None, packed: Callable[[], bytes] | None = None):  # type: ignore[no-untyped-def]
    def make(root: Path, outside: Path) -> list[str]:
        root.rmdir()  # extract makes the folder
        pdf = root.parent / "in.pdf"
        archive_pdf(pdf, zipped(), manifest, None if packed is None else packed())
        return ["extract", str(pdf), "-o", str(root)]

    return make


def extract_bomb_without_output(root: Path, outside: Path) -> list[str]:
    """An inflation bomb extracted without ``-o``: the project's folder is named from the manifest (the
    attachment was inflated twice, once to find the name)."""
    root.rmdir()
    pdf = root.parent / "in.pdf"
    archive_pdf(pdf, b"", None, deflated_zeros(300 << 20))
    return ["extract", str(pdf)]


def nothing_extracted_beside(root: Path, outside: Path) -> None:
    left = sorted(p.name for p in root.parent.iterdir())
    assert left == ["in.pdf", "outside", "record.json", "tmp"], left


def nothing_extracted(root: Path, outside: Path) -> None:
    assert not root.exists()
    assert [p.name for p in root.parent.iterdir() if p.name.startswith(".")] == []


def corrupt_stream() -> bytes:
    data = bytearray(zip_of({"source/report.md": REPORT * 50}))
    start = data.index(b"source/report.md") + len("source/report.md")
    for i in range(start + 10, start + 40):
        data[i] ^= 0x5A
    return bytes(data)


def deflated_zeros(size: int) -> bytes:
    import zlib

    packer = zlib.compressobj(9)
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(size >> 20)) + packer.flush()


def template_project() -> bytes:
    return zip_of({
        "source/report.md": REPORT.replace(b"name: t", b"name: t\ntheme: mine"),
        "styles/mine/theme.yaml": b"extends: report\n",
        "styles/mine/templates/cover.html.j2": b"{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    })  # fmt: skip


def extracted_template_is_named(root: Path, outside: Path) -> None:
    assert (root / "styles" / "mine" / "templates" / "cover.html.j2").exists()


# ------------------------------------------------------------------------------- bounded resources


def alias_bomb(levels: int) -> str:
    """``levels`` levels of nine aliases each: a few hundred bytes that stand for 9**levels values."""
    names = "abcdefghijklmnop"
    lines = ["a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        lines.append(f"{names[level]}: &{names[level]} [" + ", ".join([f"*{names[level - 1]}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def chart_spec_alias_bomb(root: Path, outside: Path) -> list[str]:
    project(root, CHART_BODY, files={"source/charts/a.yaml": BAR + alias_bomb(9)})
    return ["check", str(root)]


def chart_many_series(root: Path, outside: Path, count: int = 500) -> list[str]:
    """``count`` series of ``count`` values: every list within its 500 entries, ``count`` squared bars in all."""
    row = "[" + ", ".join(["3"] * count) + "]"
    series = "".join(f"  - {{name: s{i}, values: {row}}}\n" for i in range(count))
    labels = "[" + ", ".join(f"l{i}" for i in range(count)) + "]"
    spec = f"id: a\ntype: grouped\ntitle: 甲\nlabels: {labels}\nseries:\n{series}"
    project(root, CHART_BODY, files={"source/charts/a.yaml": spec})
    return ["check", str(root)]


def chart_100_series(root: Path, outside: Path) -> list[str]:
    return chart_many_series(root, outside, 100)


def chart_table_many_cells(root: Path, outside: Path) -> list[str]:
    """A comparison table of 100 rows of 100 text cells (10,000 cells, in 50 KB)."""
    row = "  - [" + ", ".join(["甲"] * 100) + "]\n"
    spec = "id: a\ntype: table\ntitle: 甲\nrows:\n" + row * 100
    project(root, CHART_BODY, files={"source/charts/a.yaml": spec})
    return ["build", str(root)]


def front_matter_alias_bomb(root: Path, outside: Path) -> list[str]:
    project(root, front=FRONT.replace("name: t\n", "name: t\n" + alias_bomb(9)))
    return ["build", str(root)]


def front_matter_nested_deep(root: Path, outside: Path) -> list[str]:
    project(root, front=FRONT.replace("name: t\n", "name: t\nx: " + "[" * 20_000 + "]" * 20_000 + "\n"))
    return ["check", str(root)]


def import_front_matter_alias_bomb(root: Path, outside: Path) -> list[str]:
    write(root, {"in.md": "---\ntitle: 测试\n" + alias_bomb(9) + "---\n\n# 一\n\n正文。\n"})
    return ["import", str(root / "in.md"), "-o", str(root / "imported")]


def import_front_matter_nested_deep(root: Path, outside: Path) -> list[str]:
    write(root, {"in.md": "---\nx: " + "[" * 20_000 + "]" * 20_000 + "\n---\n\n# 一\n\n正文。\n"})
    return ["import", str(root / "in.md"), "-o", str(root / "imported")]


def chart_spec_nested_deep(root: Path, outside: Path) -> list[str]:
    project(root, CHART_BODY, files={"source/charts/a.yaml": BAR + "x: " + "[" * 20_000 + "]" * 20_000 + "\n"})
    return ["check", str(root)]


def paragraph_of_4_8_mb(root: Path, outside: Path) -> list[str]:
    """One paragraph of 1.6 million characters (4.8 MB of UTF-8), within the 5 MiB source limit."""
    project(root, "# 一\n\n" + "正文。" * 533_000 + "\n")
    return ["check", str(root)]


def table_of_200000_rows(root: Path, outside: Path) -> list[str]:
    project(root, "# 一\n\n| 甲 | 乙 |\n|---|---|\n" + "| 1 | 2 |\n" * 200_000)
    return ["check", str(root)]


def a_million_lines(root: Path, outside: Path) -> list[str]:
    project(root, "# 一\n" + "\n" * 1_000_000 + "正文。\n")
    return ["check", str(root)]


def many_footnotes(root: Path, outside: Path) -> list[str]:
    notes = range(8_000)
    project(
        root,
        "# 一\n\n" + "".join(f"正文{i}[^n{i}]。\n\n" for i in notes) + "".join(f"[^n{i}]: 注{i}。\n" for i in notes),
    )
    return ["check", str(root)]


def too_many_headings(root: Path, outside: Path) -> list[str]:
    project(root, "# 一\n\n" + "".join(f"## 节{i}\n\n" for i in range(5_000)))
    return ["check", str(root)]


def thousands_of_headings(root: Path, outside: Path) -> list[str]:
    """A contents of 2,000 entries: each line's dot leader is one run of text, not one per dot (#20)."""
    project(root, "# 一\n\n" + "".join(f"## 第{i}节\n\n" for i in range(2_000)))
    return ["build", str(root), "--jobs", "1"]


def too_many_footnotes(root: Path, outside: Path) -> list[str]:
    notes = range(10_001)
    project(
        root,
        "# 一\n\n正文" + "".join(f"[^n{i}]" for i in notes) + "。\n\n" + "".join(f"[^n{i}]: 注。\n" for i in notes),
    )
    return ["check", str(root)]


def long_paragraph(root: Path, outside: Path) -> list[str]:
    project(root, "# 一\n\n正文" + "*" * 200_000 + "\n")
    return ["check", str(root)]


def deep_emphasis(root: Path, outside: Path) -> list[str]:
    project(root, "# 一\n\n正文" + "*" * 40_000 + "x" + "*" * 40_000 + "\n")
    return ["check", str(root)]


def long_table(root: Path, outside: Path) -> list[str]:
    project(root, "# 一\n\n| 甲 | 乙 |\n|---|---|\n" + "| 1 | 2 |\n" * 5_001)
    return ["check", str(root)]


CASES: list[Case] = [
    Case("template-runs-code", template_runs_code, 1,
         r"^styles/report/templates/cover\.html\.j2:1:1: error: template: refused: access to attribute '__init__'"),
    Case("csv-symlink-out", csv_symlink_out, 1,
         r"^source/charts/a\.yaml:4:6: error: CSV file 'source/data/d\.csv' is outside the project "
         r"\(the symlink 'source/data/d\.csv' points out of it\)$"),
    Case("chart-spec-symlink-out", spec_symlink_out, 1,
         r"^source/charts/a\.yaml:1:1: error: file 'source/charts/a\.yaml' is outside the project"),
    Case("chart-spec-is-dev-zero", spec_is_dev_zero, 1,
         r"^source/charts/a\.yaml:1:1: error: file 'source/charts/a\.yaml' is outside the project", seconds=30),
    Case("chart-spec-is-a-fifo", spec_is_a_fifo, 1,
         r"^source/charts/a\.yaml:1:1: error: file 'source/charts/a\.yaml' is a named pipe \(FIFO\), not a file",
         seconds=30),
    Case("fix-through-dangling-bak", fix_through_dangling_bak, 0, r"^$", check=fix_kept_crlf_and_mode),
    Case("out-symlink-out", out_symlink_out, 1,
         r"^error: cache folder 'out/\.cache' is outside the project \(the symlink 'out' points out of it\)$"),
    Case("theme-is-a-path", theme_is_a_path, 1,
         r"^source/report\.md:4:8: error: theme '.*' is not a theme name$"),
    Case("theme-folder-symlink-out", theme_folder_symlink_out, 1,
         r"^error: theme folder 'styles/mine' is outside the project \(the symlink 'styles/mine' points out of it\)"),
    Case("template-symlink-out", template_symlink_out, 1,
         r"^styles/report/templates/cover\.html\.j2:1:1: error: theme file 'styles/report/templates/cover\.html\.j2' "
         r"is outside the project"),
    Case("links-to-files-and-programs", links, 0,
         r"^source/report\.md:8:7: warning: link to '\.\./\.\./\.\./etc/passwd' is printed as text",
         check=only_web_links_in_pdf),
    Case("planted-chart-cache", planted_chart_cache, 0, r"^$", check=no_planted_markup),
    Case("extract-a-project-with-templates", extract_case(template_project), 0, r"^$",
         check=extracted_template_is_named,
         stdout=r"styles/mine/: a theme of its own \(1 template, 0 stylesheets\)\n  its templates render in a sandbox"),
    Case("extract-source-zip-not-a-zip", extract_case(lambda: b"PK\x03\x04 not a zip at all"), 1,
         r"^error: '.*in\.pdf': the attached source\.zip is not a zip archive \(damaged\?\)$", check=nothing_extracted),
    Case("extract-corrupt-deflate-stream", extract_case(corrupt_stream), 1,
         r"^error: '.*in\.pdf': source/report\.md in the attached source is damaged$", check=nothing_extracted),
    Case("extract-file-and-folder-of-one-name",
         extract_case(lambda: zip_of({"source/report.md": REPORT, "source/a": b"x", "source/a/b": b"y"})), 1,
         r"^error: '.*in\.pdf': the attached source holds 'source/a' as a file and as a folder$",
         check=nothing_extracted),
    Case("extract-broken-manifest", extract_case(lambda: zip_of({"source/report.md": REPORT}), manifest=[1, 2]), 1,
         r"^error: '.*in\.pdf': the attached manifest\.json is not a publisher manifest$", check=nothing_extracted),
    Case("extract-manifest-files-not-a-list",
         extract_case(lambda: zip_of({"source/report.md": REPORT}), manifest={"files": 3, "name": "../../x"}), 1,
         r"^error: '.*in\.pdf': the attached manifest\.json is not a publisher manifest$", check=nothing_extracted),
    Case("extract-inflation-bomb", extract_case(lambda: b"", packed=lambda: deflated_zeros(300 << 20)), 1,
         r"^error: '.*in\.pdf': the attached source\.zip is larger than 128 MiB: not unpacked$",
         seconds=60, memory_mib=1024, check=nothing_extracted),
    Case("extract-inflation-bomb-without-o", extract_bomb_without_output, 1,
         r"^error: '.*in\.pdf': the attached source\.zip is larger than 128 MiB: not unpacked$",
         seconds=60, memory_mib=1024, check=nothing_extracted_beside),
    Case("extract-zip-member-bomb", extract_case(lambda: zip_of({"source/report.md": bytes(600 << 20)})), 1,
         r"^error: '.*in\.pdf': the attached source is too large to unpack$", seconds=90, memory_mib=2048,
         check=nothing_extracted),
    *(Case(f"chart-{kind}-{name}", chart_values(kind, value), 1,
           rf"^source/charts/a\.yaml:5:10: error: values\[1\]: {shown} is not a number a chart can show$")
      for kind in ("bar", "line", "donut", "waffle")
      for name, value, shown in (("nan", ".nan", "nan"), ("inf", "-.inf", "-inf"))),
    Case("chart-400-digit-value", chart_values("bar", "9" * 400), 1,
         r"^source/charts/a\.yaml:5:10: error: values\[1\]: a 400-digit number is not a number a chart can show$"),
    Case("chart-labels-with-dollars", dollar_labels, 0, r"^$", check=labels_printed_as_written),
    Case("source-with-a-nul-byte", source_bytes(b"\xe6\xad\xa3\x00\xe6\x96\x87\n"), 1,
         r"^source/report\.md:8:2: error: a control character U\+0000 \(NUL\) in the text$"),
    Case("source-with-bel-and-esc", source_bytes(b"\x1b[31m\x07\n"), 1,
         r"^source/report\.md:8:1: error: a control character U\+001B \(ESC\) in the text$"),
    Case("source-with-a-utf8-surrogate", source_bytes(b"\xe6\xad\xa3\xed\xa0\x80\n"), 1,
         r"^source/report\.md:8:4: error: not UTF-8 text \(byte 0xed\)$"),
    Case("terminal-codes-in-a-folder-name", terminal_codes_in_a_name, 1,
         r"^error: project folder '.*<ESC>\[2J<BEL><U\+202E RLO>evil' does not exist$"),
    Case("rlo-in-a-theme-name", theme_name_with_rlo, 1, r"^source/report\.md:4:8: error: .*fdp<U\+202E RLO>txt\.exe"),
    Case("import-shift-jis", import_text("# 報告\n\n日本語の文章です。ありがとうございます。\n", "shift_jis"), 1,
         r"in\.md:1:1: error: cannot read the text: it looks like Japanese in Shift-JIS, not Chinese text",
         check=nothing_imported),
    Case("import-euc-kr", import_text("# 보고서\n\n한국어 문장입니다. 감사합니다.\n", "euc_kr"), 1,
         r"in\.md:1:1: error: cannot read the text: it looks like Korean in EUC-KR, not Chinese text",
         check=nothing_imported),
    Case("import-gbk-still-works", import_text("# 工作报告\n\n我们完成了全年工作。\n", "gbk"), 0,
         r"^import: read in\.md: Markdown \(GB18030\), language zh-CN$"),
    Case("import-docx-entity-bomb", docx_entity_bomb, 1,
         r"in\.docx:1:1: error: cannot read the Word document: its XML expands entities without end",
         check=nothing_imported),
    Case("import-docx-corrupt-deflate", docx_corrupt_deflate, 1,
         r"in\.docx:1:1: error: cannot read the Word document: a part of it is damaged",
         check=nothing_imported),
    Case("import-docx-zero-filled-part", docx_zero_filled_part, 1,
         r"in\.docx:1:1: error: cannot read the Word document: its parts unpack to 30\d MiB, more than 256 MiB$",
         seconds=60, memory_mib=1024, check=nothing_imported),
    Case("stale-part-files-of-killed-builds", stale_parts, 0, r"^$", check=only_live_parts_kept),
    Case("corrupted-font-cache", corrupted_font_cache, 0, r"^$", check=only_publisher_fonts),
    Case("output-onto-the-source", output_onto_the_source, 1,
         r"^error: -o .*/source/report\.md: a file, not a folder \(and not a \.pdf file\)$", check=source_untouched),
    Case("chart-label-no-font-has", label_no_font_has, 0,
         r"^source/charts/a\.yaml:4:11: warning: U\+1F600 '😀' \(GRINNING FACE\) is in no font of the charts$"),
    *(Case(f"chart-{kind}-all-zero", all_zero_values(kind), 0, r"^$")
      for kind in ("bar", "hbar", "grouped", "stacked", "progress")),
    Case("diff-9000pt-pages", diff_case(lambda p: pdf_of(p, 1, (9000, 9000)), lambda p: pdf_of(p, 1, (9000, 9000))),
         1, r"^error: '.*old\.pdf': page 1 is 3,175 × 3,175 mm: publisher diff compares pages of at most 1,200 mm "
         r"a side$", seconds=30, memory_mib=768, check=no_report_and_no_images),
    Case("diff-1000-pages", diff_case(lambda p: pdf_of(p, 1000), lambda p: pdf_of(p, 1000, mark=500)), 1,
         r"^error: '.*old\.pdf' has 1,000 pages: publisher diff compares at most 500$",
         seconds=30, memory_mib=768, check=no_report_and_no_images),
    Case("diff-300-a2-pages", diff_case(lambda p: pdf_of(p, 1), lambda p: pdf_of(p, 300, (1190.55, 1683.78))), 1,
         r"^error: '.*new\.pdf': its 300 pages cover as much paper as 1,200 A4 pages: publisher diff compares at "
         r"most 500 A4 pages' worth$", seconds=30, memory_mib=768, check=no_report_and_no_images),
    Case("diff-after-killed-diffs", diff_after_killed_diffs, 0, r"^$", seconds=60, memory_mib=1024,
         stdout=r"changed p\. 2 \(", check=only_live_images_kept),
    Case("toml-bleed-nan", toml_case("[editions.print]\nbleed_mm = nan\n"), 1,
         r"^publisher\.toml:2:1: error: editions\.print\.bleed_mm: must be a number, not nan$"),
    Case("edition-css-font-size-1e30pt", toml_case('[editions.print]\ncss = "body { font-size: 1e30pt }"\n'), 1,
         r"^publisher\.toml:2:1: error: editions\.print\.css: the length 1e30pt is larger than 10 m$", seconds=30),
    Case("edition-css-page-100000000mm", toml_case('[editions.print]\ncss = "@page { size: 100000000mm 1mm }"\n'),
         1, r"^publisher\.toml:2:1: error: editions\.print\.css: the length 100000000mm is larger than 10 m$",
         seconds=30),
    Case("theme-css-page-100000000mm", theme_css_page_size, 1,
         r"^styles/big/theme\.css:2:15: error: the length 100000000mm is larger than 10 m$", seconds=30),
    Case("chart-500-series-of-500-values", chart_many_series, 1,
         r"^source/charts/a\.yaml:\d+:\d+: error: more than 256 KiB of YAML in one file$", seconds=20),
    Case("chart-100-series-of-100-values", chart_100_series, 1,
         r"^source/charts/a\.yaml:\d+:\d+: error: more than 5,000 values in one chart \(over all its series, rows "
         r"and cells\)$", seconds=30),
    Case("chart-table-of-10000-cells", chart_table_many_cells, 1,
         r"^source/charts/a\.yaml:\d+:\d+: error: more than 5,000 values in one chart", seconds=30),
    Case("chart-spec-alias-bomb", chart_spec_alias_bomb, 1,
         r"^source/charts/a\.yaml:10:8: error: YAML aliases stand for more than 10,000 values$",
         seconds=20, memory_mib=768),
    Case("front-matter-alias-bomb", front_matter_alias_bomb, 1,
         r"^source/report\.md:8:8: error: YAML aliases stand for more than 10,000 values$",
         seconds=20, memory_mib=768),
    Case("front-matter-nested-deep", front_matter_nested_deep, 1,
         r"^source/report\.md:4:67: error: YAML nested more than 64 levels deep$", seconds=20, memory_mib=768),
    Case("import-front-matter-alias-bomb", import_front_matter_alias_bomb, 1,
         r"^\S*/in\.md:7:8: error: YAML aliases stand for more than 10,000 values$", seconds=20, memory_mib=768),
    Case("import-front-matter-nested-deep", import_front_matter_nested_deep, 1,
         r"^\S*/in\.md:2:67: error: YAML nested more than 64 levels deep$", seconds=20, memory_mib=768),
    Case("chart-spec-nested-deep", chart_spec_nested_deep, 1,
         r"^source/charts/a\.yaml:6:67: error: YAML nested more than 64 levels deep$", seconds=20, memory_mib=768),
    Case("paragraph-of-4.8-mb", paragraph_of_4_8_mb, 1,
         r"^source/report\.md:8:1: error: more than 100,000 characters in one paragraph$",
         seconds=60, memory_mib=1024),
    Case("table-of-200000-rows", table_of_200000_rows, 1,
         r"^source/report\.md:50005:1: error: more than 50,000 lines in one source file$",
         seconds=20, memory_mib=768),
    Case("a-million-lines", a_million_lines, 1,
         r"^source/report\.md:50005:1: error: more than 50,000 lines in one source file$", seconds=20, memory_mib=768),
    Case("eight-thousand-footnotes", many_footnotes, 0, r"^$",
         seconds=60, memory_mib=1024),
    Case("too-many-headings", too_many_headings, 1,
         r"^source/report\.md:\d+:1: error: more than 5,000 headings in one document$",
         seconds=60, memory_mib=1024),
    Case("thousands-of-headings", thousands_of_headings, 0, r"^$",
         seconds=600, memory_mib=1536, stdout=r"wrote .*: \d{3} pages"),
    Case("too-many-footnotes", too_many_footnotes, 1,
         r"^source/report\.md:\d+:1: error: more than 10,000 footnotes in one document$",
         seconds=60, memory_mib=1024),
    Case("long-paragraph", long_paragraph, 1,
         r"^source/report\.md:8:1: error: more than 100,000 characters in one paragraph$",
         seconds=60, memory_mib=1024),
    Case("deep-emphasis", deep_emphasis, 1,
         r"^source/report\.md:8:1: error: more than 32 levels of nesting \(lists, quotes, emphasis, links\)$",
         seconds=60, memory_mib=1024),
    Case("long-table", long_table, 1,
         r"^source/report\.md:\d+:1: error: more than 5,000 rows in one table$",
         seconds=60, memory_mib=1024),
]  # fmt: skip
