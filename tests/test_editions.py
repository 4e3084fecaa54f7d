"""Editions of the sample report, built for real and read back with pikepdf, pdfplumber and poppler."""

from __future__ import annotations

import dataclasses
import json
import math
import re
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from PIL import Image

from publisher.commands.cli import main
from publisher.editions import BUILTIN, Edition, select, source_date
from publisher.editions.archive import MANIFEST_NAME, ZIP_NAME, extract, project_files
from publisher.editions.config import load_editions
from publisher.editions.impose import saddle_stitch_order
from publisher.engine.weasyprint.writer import PdfWriter
from publisher.errors import Pos, PublisherError
from publisher.model import Meta
from publisher.options import BuildOptions
from publisher.pipeline import BuildResult, build, project_editions
from publisher.pipeline import build_editions as build_several
from publisher.units import PT_PER_MM as MM

from .conftest import REPO, ProjectMaker, pdftotext

ENV = {"SOURCE_DATE_EPOCH": "1640995200"}  # 2022-01-01T00:00:00Z


def build_edition(
    options: BuildOptions, edition: Edition, writer: PdfWriter | None = None, environ: dict[str, str] | None = None
) -> BuildResult:
    return build(dataclasses.replace(options, edition=edition), writer, environ=environ)


def build_editions(
    options: BuildOptions,
    names: list[str] | None,
    writer: PdfWriter | None = None,
    environ: dict[str, str] | None = None,
) -> list[BuildResult]:
    return build_several(options, project_editions(options.project, names), writer, environ=environ)


A4 = (595.28, 841.89)


@dataclass
class Built:
    """Every edition of the sample, built once for the session."""

    results: dict[str, BuildResult]
    flat_booklet: Path
    """The booklet's A5 pages before imposition."""
    renderer: PdfWriter

    def pdf(self, edition: str) -> Path:
        return self.results[edition].output


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Built:
    out = tmp_path_factory.mktemp("editions")
    renderer = PdfWriter()
    # Charts are drawn, not taken from a cache, so a stale cache cannot make two builds differ.
    options = BuildOptions(project=REPO, output=out, cache=False)
    first = build_editions(options, None, renderer, environ=ENV)
    flat = dataclasses.replace(BUILTIN["booklet"], name="booklet-flat", impose="")
    flat_result = build_edition(options, flat, renderer, environ=ENV)
    return Built({r.edition.name: r for r in first if r.edition}, flat_result.output, renderer)


@pytest.fixture
def print_pdf(built: Built) -> Iterator[pikepdf.Pdf]:
    with pikepdf.open(built.pdf("print")) as pdf:
        yield pdf


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def boxes(page: pikepdf.Page) -> dict[str, list[float]]:
    return {name: [float(v) for v in page.obj[f"/{name}"]] for name in ("MediaBox", "BleedBox", "TrimBox")}


def render(pdf: Path, page: int, dpi: int, tmp_path: Path) -> Image.Image:
    stem = tmp_path / f"page-{page}"
    subprocess.run(
        ["pdftoppm", "-r", str(dpi), "-png", "-singlefile", "-f", str(page), "-l", str(page), str(pdf), str(stem)],
        check=True,
    )
    return Image.open(f"{stem}.png").convert("RGB")


# ------------------------------------------------------------ all editions


def test_all_editions_are_written_under_their_names(built: Built) -> None:
    names = {name: r.output.name for name, r in built.results.items()}
    pdfs = {e: f"zumiao-2021-work-report-{e}.pdf" for e in ("print", "meeting", "archive", "booklet")}
    assert names == {**pdfs, "docx": "zumiao-2021-work-report.docx"}
    for name, item in built.results.items():
        assert item.warnings.warnings == [], name


@pytest.mark.parametrize("edition", ["print", "meeting", "archive", "booklet"])
def test_qpdf_check_passes(built: Built, edition: str) -> None:
    done = subprocess.run(["qpdf", "--check", str(built.pdf(edition))], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "No syntax or stream encoding errors found" in done.stdout


def test_a_second_build_is_byte_identical(built: Built, tmp_path: Path) -> None:
    # The booklet: imposition and finishing on top of the layout the writer keeps from the flat booklet.
    # A rebuild of the archive edition from its extracted project (below) and of the Word edition
    # (test_docx.py) are compared byte for byte too.
    options = BuildOptions(project=REPO, output=tmp_path, cache=False)
    again = build_edition(options, BUILTIN["booklet"], built.renderer, environ=ENV)
    assert again.output.read_bytes() == built.pdf("booklet").read_bytes()


@pytest.mark.parametrize("edition", ["print", "meeting", "archive", "booklet"])
def test_dates_come_from_source_date_epoch(built: Built, edition: str) -> None:
    with pikepdf.open(built.pdf(edition)) as pdf:
        assert str(pdf.docinfo["/CreationDate"]) == "D:20220101000000+00'00'"
        assert str(pdf.docinfo["/ModDate"]) == "D:20220101000000+00'00'"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        if "/Metadata" in pdf.Root:
            meta = pdf.open_metadata()
            assert meta["xmp:CreateDate"] == "2022-01-01T00:00:00+00:00"


def test_fonts_are_embedded_as_subsets(built: Built) -> None:
    for edition in ("print", "archive"):
        listing = subprocess.run(["pdffonts", str(built.pdf(edition))], capture_output=True, text=True).stdout
        rows = listing.splitlines()[2:]
        assert rows
        for row in rows:
            assert re.match(r"[A-Z]{6}\+", row), row  # subset tag
            assert re.search(r"\byes\s+yes\s+yes\b", row), row  # embedded, subset, unicode map


# ------------------------------------------------------------------- print


def test_print_boxes_and_offsets(print_pdf: pikepdf.Pdf) -> None:
    marks_room = BUILTIN["print"].media_bleed_mm * MM
    for page in print_pdf.pages:
        box = boxes(page)
        assert box["TrimBox"] == pytest.approx([0, 0, *A4], abs=0.01)
        bleed = 3 * MM
        assert box["BleedBox"] == pytest.approx([-bleed, -bleed, A4[0] + bleed, A4[1] + bleed], abs=0.01)
        assert box["MediaBox"] == pytest.approx(
            [-marks_room, -marks_room, A4[0] + marks_room, A4[1] + marks_room], abs=0.01
        )
    intents = print_pdf.Root.OutputIntents
    assert [str(i.S) for i in intents] == ["/GTS_PDFX"]
    assert "sRGB" in str(intents[0].OutputConditionIdentifier)


def test_print_has_crop_marks_outside_the_bleed(built: Built, tmp_path: Path) -> None:
    dpi = 150
    image = render(built.pdf("print"), 2, dpi, tmp_path)
    px = dpi / 25.4
    room = BUILTIN["print"].media_bleed_mm
    gray = image.convert("L")

    def dark(x0: float, y0: float, x1: float, y1: float) -> int:
        region = gray.crop((round(x0 * px), round(y0 * px), round(x1 * px), round(y1 * px)))
        return sum(region.histogram()[:128])

    # The corners outside the bleed hold the crop marks; the bleed itself is clean on a text page.
    width = image.width / px
    assert dark(0, room - 0.5, room - 3, room + 0.5) > 0  # top left, along the top trim line
    assert dark(room - 0.5, 0, room + 0.5, room - 3) > 0  # top left, along the left trim line
    assert dark(width - (room - 3), room - 0.5, width, room + 0.5) > 0  # top right
    assert dark(room - 3 + 0.3, room - 3 + 0.3, room - 0.3, room - 0.3) == 0
    # Registration crosses at the middle of each side.
    middle = image.height / px / 2
    assert dark(0, middle - 3, room - 3, middle + 3) > 0


def test_print_cover_band_runs_into_the_bleed(built: Built, tmp_path: Path) -> None:
    dpi = 100
    image = render(built.pdf("print"), 1, dpi, tmp_path)
    px = dpi / 25.4
    room = BUILTIN["print"].media_bleed_mm
    red = (166, 27, 41)  # --color-primary

    def colour(x_mm: float, y_mm: float) -> tuple[int, ...]:
        value = image.getpixel((round(x_mm * px), round(y_mm * px)))
        assert isinstance(value, tuple)
        return value

    def is_red(value: tuple[int, ...]) -> bool:
        return all(abs(a - b) < 30 for a, b in zip(value, red, strict=True))

    middle = image.height / px / 2
    assert is_red(colour(room - 2.7, middle))  # inside the left bleed
    assert is_red(colour(room + 10, room - 2.7))  # inside the top bleed
    assert is_red(colour(room + 10, image.height / px - room + 2.7))  # inside the bottom bleed
    assert not is_red(colour(room - 3.5, middle))  # the marks area stays clear


# ----------------------------------------------------------------- meeting


def test_meeting_is_small_and_not_marked(built: Built) -> None:
    pdf_path = built.pdf("meeting")
    assert pdf_path.stat().st_size <= 2_000_000
    with pikepdf.open(pdf_path) as pdf:
        for page in pdf.pages:
            assert [float(v) for v in page.obj.MediaBox] == pytest.approx([0, 0, *A4], abs=0.01)


def test_meeting_toc_links_go_to_the_headings(built: Built) -> None:
    document = built.results["meeting"].document
    toc = [h for h in document.headings() if h.level <= document.meta.toc_levels]
    with pikepdf.open(built.pdf("meeting")) as pdf:
        names = _named_destinations(pdf)
        links = [a for a in pdf.pages[1].obj.get("/Annots", []) if a.Subtype == "/Link"]
        targets = []
        for link in links:
            dest = link.get("/Dest")
            if dest is None and "/A" in link:
                dest = link.A.get("/D")
            if isinstance(dest, pikepdf.String):
                dest = names[str(dest)]
            assert isinstance(dest, pikepdf.Array)
            targets.append(pdf.pages.index(pikepdf.Page(dest[0])))
        assert len(links) >= len(toc)
        assert all(t >= 2 for t in targets)


def _named_destinations(pdf: pikepdf.Pdf) -> dict[str, pikepdf.Object]:
    found: dict[str, pikepdf.Object] = {}

    def walk(node: pikepdf.Object) -> None:
        names = node.get("/Names")
        if names is not None:
            for i in range(0, len(names), 2):
                found[str(names[i])] = names[i + 1]
        for kid in node.get("/Kids", []):
            walk(kid)

    walk(pdf.Root.Names.Dests)
    return found


def test_meeting_is_tagged_pdf_ua(built: Built) -> None:
    with pikepdf.open(built.pdf("meeting")) as pdf:
        assert bool(pdf.Root.MarkInfo.Marked)
        assert str(pdf.Root.Lang) == "zh-CN"
        assert bool(pdf.Root.ViewerPreferences.DisplayDocTitle)
        assert pdf.open_metadata()["pdfuaid:part"] == "1"
        kinds: dict[str, int] = {}
        headers: list[pikepdf.Object] = []
        todo = [pdf.Root.StructTreeRoot]
        while todo:
            node = todo.pop()
            kind = str(node.get("/S", ""))
            kinds[kind] = kinds.get(kind, 0) + 1
            if kind == "/TH":
                headers.append(node)
            kids = node.get("/K")
            for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
                if isinstance(kid, pikepdf.Dictionary):
                    todo.append(kid)
        assert kinds["/H1"] >= 2 and kinds["/H2"] >= 10 and kinds["/Link"] >= 12
        assert kinds["/Figure"] >= 8  # every drawn chart of the sample
        assert headers and all("/Scope" in h.A for h in headers)


def test_meeting_bookmarks_open_to_level_2(built: Built) -> None:
    with pikepdf.open(built.pdf("meeting")) as pdf:
        assert pdf.Root.PageMode == pikepdf.Name.UseOutlines
        levels: list[tuple[int, int]] = []

        def walk(item: pikepdf.Object | None, level: int) -> None:
            while item is not None:
                if "/First" in item:
                    levels.append((level, int(item.Count)))
                    walk(item.First, level + 1)
                item = item.get("/Next")

        walk(pdf.Root.Outlines.First, 1)
        assert all(count > 0 for level, count in levels if level == 1)
        assert all(count < 0 for level, count in levels if level >= 2)
        shown = sum(1 + count for level, count in levels if level == 1)
        assert int(pdf.Root.Outlines.Count) == shown


# ----------------------------------------------------------------- archive


KNOWN_FONT_RULES: set[str] = set()
"""Rules pikepdf's validator may report (none since the bundled CFF fonts keep CID == glyph id)."""


def test_archive_built_with_font_subsets_passes_the_validator(tmp_path: Path) -> None:
    """The usual build pre-subsets the fonts; for PDF/A the subsets keep CID == glyph id."""
    import pikepdf.pdfa

    project = tmp_path / "p"
    shutil.copytree(REPO / "source", project / "source")
    [result] = build_editions(BuildOptions(project=project), ["archive"], environ=ENV)
    with pikepdf.open(result.output) as pdf:
        assert {f.rule for f in pikepdf.pdfa.check(pdf, "3b").violations} == set()


def test_archive_claims_pdf_a_3b(built: Built) -> None:
    import pikepdf.pdfa

    with pikepdf.open(built.pdf("archive")) as pdf:
        meta = pdf.open_metadata()
        assert meta["pdfaid:part"] == "3"
        assert meta["pdfaid:conformance"] == "B"
        assert meta["dc:title"] == "祖庙街道工作报告"
        assert [str(i.S) for i in pdf.Root.OutputIntents] == ["/GTS_PDFA1"]
        report = pikepdf.pdfa.check(pdf, "3b")
        assert {f.rule for f in report.violations} <= KNOWN_FONT_RULES, report.summary()


def test_archive_carries_its_source(built: Built) -> None:
    with pikepdf.open(built.pdf("archive")) as pdf:
        files = dict(pdf.attachments.items())
        assert set(files) == {ZIP_NAME, MANIFEST_NAME}
        assert files[ZIP_NAME].obj.AFRelationship == pikepdf.Name.Source
        assert files[MANIFEST_NAME].obj.AFRelationship == pikepdf.Name.Supplement
        assert len(pdf.Root.AF) == 2
        listing = json.loads(files[MANIFEST_NAME].get_file().read_bytes())
    assert listing["name"] == "zumiao-2021-work-report"
    assert listing["made_with"]["weasyprint"] == "70.0"
    assert [f["path"] for f in listing["files"]] == [str(p) for p in project_files(REPO)]
    assert "source/report.md" in [f["path"] for f in listing["files"]]


def test_extract_then_rebuild_gives_the_same_report(built: Built, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["extract", str(built.pdf("archive")), "-o", str(tmp_path / "project")])
    assert result.exit_code == 0, result.output
    assert "extracted" in result.output
    project = tmp_path / "project"
    assert (project / "source" / "report.md").read_bytes() == (REPO / "source" / "report.md").read_bytes()
    options = BuildOptions(project=project, output=tmp_path / "out", cache=False)
    rebuilt = build_edition(options, BUILTIN["archive"], built.renderer, environ=ENV).output
    assert pdftotext(rebuilt) == pdftotext(built.pdf("archive"))
    assert rebuilt.read_bytes() == built.pdf("archive").read_bytes()


def test_extract_refuses_pdfs_without_source_and_full_folders(built: Built, tmp_path: Path) -> None:
    with pytest.raises(PublisherError, match="carries no report source"):
        extract(built.pdf("print"), tmp_path / "x")
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "a").write_text("a")
    with pytest.raises(PublisherError, match="not an empty folder"):
        extract(built.pdf("archive"), tmp_path / "full")


# ----------------------------------------------------------------- booklet


def test_saddle_stitch_order() -> None:
    assert saddle_stitch_order(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    # 5 pages: three blanks at the end
    assert saddle_stitch_order(5) == [(None, 0), (1, None), (None, 2), (3, 4)]
    assert saddle_stitch_order(4) == [(3, 0), (1, 2)]


def test_booklet_sheets_are_a4_landscape_in_saddle_stitch_order(built: Built) -> None:
    with pdfplumber.open(built.flat_booklet) as flat:
        assert flat.pages[0].width == pytest.approx(419.53, abs=0.1)  # A5
        pages = [squash(page.extract_text() or "") for page in flat.pages]
    assert built.results["booklet"].sheets == math.ceil(len(pages) / 4)
    with pdfplumber.open(built.pdf("booklet")) as booklet:
        assert len(booklet.pages) == 2 * math.ceil(len(pages) / 4)
        found = []
        for sheet in booklet.pages:
            assert (sheet.width, sheet.height) == pytest.approx((841.89, 595.28), abs=0.1)
            middle = sheet.width / 2
            halves = [sheet.crop((0, 0, middle, sheet.height)), sheet.crop((middle, 0, sheet.width, sheet.height))]
            found.append(tuple(squash(half.extract_text() or "") for half in halves))
    expected = [tuple(pages[i] if i is not None else "" for i in side) for side in saddle_stitch_order(len(pages))]
    assert found == expected
    assert found[0][1].startswith("佛山市禅城区祖庙街道")  # the cover, right of the first front


# ------------------------------------------------------------- configuration


def test_publisher_toml_changes_and_adds_editions(make_project: ProjectMaker) -> None:
    root = make_project()
    (root / "publisher.toml").write_text(
        '[editions.meeting]\noutline_depth = 1\n\n[editions.web]\nbase = "meeting"\nimage_dpi = 96\n',
        encoding="utf-8",
    )
    editions = load_editions(root)
    assert editions["meeting"].outline_depth == 1
    assert editions["web"].image_dpi == 96 and editions["web"].pdf_variant == "pdf/ua-1"
    assert [e.name for e in select(editions, None)] == ["print", "meeting", "archive", "booklet", "docx", "web"]


@pytest.mark.parametrize(
    ("toml", "message", "pos", "hint"),
    [
        (
            "[editions.print]\nbleed_mm = 3\nmark = 'crop'\n",
            "unknown edition key 'mark'",
            (3, 1),
            "did you mean 'marks'",
        ),
        ("[editions.print]\nmarks = 'crops'\n", "'crops' is not one of", (2, 1), "did you mean 'crop'"),
        ("[editions.print]\nbleed_mm = '3'\n", "expected a number", (2, 1), None),
        ("[edition.print]\n", "unknown key 'edition'", (1, 2), "did you mean 'editions'"),
        ("[editions.web]\nbase = 'meting'\n", "no edition 'meting'", (2, 1), "did you mean 'meeting'"),
        ("[editions.print\n", "not valid TOML", (1, 16), None),
        ("[editions.print]\nbleed_mm = 0\n", "marks need a bleed", (1, 2), "bleed_mm"),
        ("[editions.print]\noutput_profile = 'x.icc'\n", "no file 'x.icc'", (2, 1), "ICC profile"),
    ],
)
def test_publisher_toml_errors_have_positions(
    make_project: ProjectMaker, toml: str, message: str, pos: tuple[int, int], hint: str | None
) -> None:
    root = make_project()
    (root / "publisher.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(PublisherError) as caught:
        load_editions(root)
    assert message in caught.value.message
    assert caught.value.pos == Pos(Path("publisher.toml"), *pos)
    if hint:
        assert caught.value.hint is not None and hint in caught.value.hint


def test_unknown_edition_on_the_command_line(make_project: ProjectMaker) -> None:
    root = make_project()
    result = CliRunner().invoke(main, ["build", str(root), "--edition", "meting"])
    assert result.exit_code == 1
    assert "unknown edition 'meting'" in result.output
    assert "did you mean 'meeting'?" in result.output


def test_source_date() -> None:
    meta = Meta(title="t", date="2022年3月", year=2021)
    assert source_date(meta, {"SOURCE_DATE_EPOCH": "0"}).isoformat() == "1970-01-01T00:00:00+00:00"  # type: ignore[union-attr]
    assert str(source_date(meta, {})) == "2022-03-01 00:00:00+00:00"
    assert str(source_date(Meta(title="t", year=2021), {})) == "2021-01-01 00:00:00+00:00"
    assert source_date(Meta(title="t"), {}) is None
    with pytest.raises(PublisherError, match="SOURCE_DATE_EPOCH"):
        source_date(meta, {"SOURCE_DATE_EPOCH": "yesterday"})


def test_print_warns_about_low_resolution_images(make_project: ProjectMaker, tmp_path: Path) -> None:
    root = make_project("# 一\n\n正文。\n\n![地图](map.png)\n")
    Image.new("RGB", (60, 40), (200, 30, 30)).save(root / "source" / "map.png")
    done = build_edition(BuildOptions(project=root, output=tmp_path / "out"), BUILTIN["print"], environ={})
    messages = [w.message for w in done.warnings.warnings]
    assert any("dpi, less than the 300 dpi" in m for m in messages), messages
    strict = BuildOptions(project=root, output=tmp_path / "strict", strict=True)
    with pytest.raises(PublisherError, match=r"less than the 300 dpi.*\(--strict\)"):
        build_edition(strict, BUILTIN["print"], environ={})
    assert not (tmp_path / "strict").exists() or not any((tmp_path / "strict").iterdir())
