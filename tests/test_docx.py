"""The Word edition: a ``.docx`` made from the same model as the PDF, read back with python-docx and LibreOffice.

Reading back: built-in heading styles with outline levels, body text with a
two-character indent, the faces for every script on every run with Han text,
fields (TOC, SEQ, REF, PAGE, STYLEREF), figures as SVG with a PNG fallback,
tables with repeated header rows, footnotes, the GB/T 9704 grid. Then
LibreOffice opens the document (``soffice --headless --convert-to pdf``) and
its PDF has the text, the headings, the pictures and Chinese text in Chinese
faces.
"""

from __future__ import annotations

import dataclasses
import io
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest
from docx.oxml.ns import qn
from lxml import etree
from PIL import Image

from publisher import fontstore, word
from publisher.editions import BUILTIN
from publisher.model import Document, Paragraph, plain_text
from publisher.options import BuildOptions
from publisher.pipeline import BuildResult, build
from publisher.typeset.chars import is_han

from .conftest import REPO, ProjectMaker
from .test_gongwen import OFFICE_FONTS, renamed_copy

DOCX = BUILTIN["docx"]
ENV = {"SOURCE_DATE_EPOCH": "1640995200"}
SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@dataclass
class Word:
    """A built ``.docx``, its parts parsed."""

    result: BuildResult
    path: Path
    parts: dict[str, Any]

    @property
    def document(self) -> Document:
        return self.result.document

    @property
    def body(self) -> Any:
        return self.parts["word/document.xml"].find(f"{W}body")

    def paragraphs(self) -> list[Any]:
        return list(self.body.iter(f"{W}p"))

    def style(self, name: str) -> Any:
        styles = self.parts["word/styles.xml"]
        return styles.find(f"{W}style[@{W}styleId='{style_id(name)}']")

    def instructions(self, part: str = "word/document.xml") -> list[str]:
        return [" ".join((node.text or "").split()) for node in self.parts[part].iter(f"{W}instrText")]


def style_id(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split())


def paragraph_style(p: Any) -> str:
    found = p.find(f"{W}pPr/{W}pStyle")
    return "" if found is None else str(found.get(f"{W}val"))


def text_of(element: Any) -> str:
    return "".join(node.text or "" for node in element.iter(f"{W}t"))


def build_docx(project: Path, out: Path, theme: str | None = None) -> Word:
    result = build(BuildOptions(project=project, output=out, theme=theme, edition=DOCX), environ=ENV)
    parts = {}
    with zipfile.ZipFile(result.output) as archive:
        for name in archive.namelist():
            if name.endswith(".xml"):
                parts[name] = etree.fromstring(archive.read(name))
    return Word(result, result.output, parts)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Word:
    return build_docx(REPO, tmp_path_factory.mktemp("docx"))


@pytest.fixture(scope="module")
def gongwen(tmp_path_factory: pytest.TempPathFactory) -> Word:
    return build_docx(REPO, tmp_path_factory.mktemp("docx-gongwen"), theme="gongwen")


RICH = """\
# 第一部分

## 一、总体情况，以及其他

### （一）主要工作。
全年完成**重点项目**12个，*同比*增加3个[^1]，详见[图 1](#fig-1)，另见[总体情况](#h2)。

![](chart:bars)

| 指标 | 2020年 | 2021年 |
|---|---:|---:|
| 产值 | 10 | 12 |
| 税收 | 5 | 6 |

- 第一项
- 第二项

3. 甲项
4. 乙项

> 引用的一段话。

---

图片：![小图](images/dot.png)

![](chart:cards)

![](chart:compare)

[^1]: 数据来源：[统计局](https://example.org/stats)。
"""
RICH_CHARTS = {
    "c.yaml": """\
    - id: bars
      type: bar
      title: 重点项目
      labels: [2020年, 2021年]
      values: [10, 12]
    - id: cards
      type: kpi
      title: 主要指标
      items:
        - label: 重点项目
          value: 12
          unit: 个
          change: 3
    - id: compare
      type: table
      title: 对比
      unit: 个
      note: 注：示例。
      columns: [指标, 2020年, 2021年]
      rows:
        - [产值, "10", "12"]
        - [税收, "5", "6"]
    """
}


@pytest.fixture
def rich(make_project: ProjectMaker, tmp_path: Path) -> Word:
    root = make_project(RICH, charts=RICH_CHARTS)
    (root / "source" / "images").mkdir()
    Image.new("RGB", (60, 40), "red").save(root / "source" / "images" / "dot.png")
    return build_docx(root, tmp_path / "out")


# ----------------------------------------------------------------- styles


def test_the_docx_edition_writes_out_name_docx(sample: Word) -> None:
    assert sample.path.name == "zumiao-2021-work-report.docx"
    assert sample.result.summary().startswith("docx, ")
    assert "pages" not in sample.result.summary()


def test_headings_are_words_heading_styles_with_outline_levels(sample: Word) -> None:
    headings = sample.document.headings()
    found = [
        (int(paragraph_style(p)[-1]), text_of(p))
        for p in sample.paragraphs()
        if paragraph_style(p).startswith("Heading")
    ]
    assert found == [(h.level, h.text) for h in headings]
    for level in (1, 2, 3):
        outline = sample.style(word.heading_style(level)).find(f"{W}pPr/{W}outlineLvl")
        assert outline.get(f"{W}val") == str(level - 1)
        assert sample.style(word.heading_style(level)).find(f"{W}name").get(f"{W}val") == f"heading {level}"


def test_body_text_is_one_style_with_a_two_character_indent(sample: Word) -> None:
    paragraphs = [b for b in sample.document.blocks if isinstance(b, Paragraph)]
    body = [p for p in sample.paragraphs() if paragraph_style(p) == "BodyText"]
    assert [text_of(p) for p in body] == [plain_text(b.content) for b in paragraphs]
    assert all(p.find(f"{W}pPr/{W}ind") is None for p in body), "the indent is the style's, not each paragraph's"
    indent = sample.style(word.BODY).find(f"{W}pPr/{W}ind")
    assert indent.get(f"{W}firstLineChars") == "200"


def test_run_in_headings_run_on_with_words_style_separator(sample: Word) -> None:
    run_in = [p for p in sample.paragraphs() if paragraph_style(p) == "Heading3"]
    assert len(run_in) == sum(1 for h in sample.document.headings() if h.run_in)
    for p in run_in:
        mark = p.find(f"{W}pPr/{W}rPr")
        assert mark.find(f"{W}vanish") is not None and mark.find(f"{W}specVanish") is not None
        assert paragraph_style(p.getnext()) == "BodyText"


def test_the_themes_sizes_and_faces_are_the_styles(sample: Word, gongwen: Word) -> None:
    def run_props(doc: Word, name: str) -> tuple[str, str, str]:
        rpr = doc.style(name).find(f"{W}rPr")
        fonts = rpr.find(f"{W}rFonts")
        return fonts.get(f"{W}eastAsia"), rpr.find(f"{W}sz").get(f"{W}val"), (rpr.find(f"{W}color").get(f"{W}val"))

    assert run_props(sample, word.BODY) == ("Noto Serif CJK SC", "23", "1F1F1F")  # 11.5 pt
    assert run_props(sample, word.heading_style(1)) == ("Noto Sans CJK SC", "48", "A61B29")  # 24 pt, seal red
    assert run_props(sample, word.heading_style(3)) == ("LXGW WenKai", "23", "A61B29")  # the run-in's kai
    # GB/T 9704: 3号 (16 pt) 仿宋 body, 2号 (22 pt) 小标宋 title, 黑体 一、, 楷体 （一）
    assert run_props(gongwen, word.BODY) == ("仿宋_GB2312", "32", "000000")
    assert run_props(gongwen, word.TITLE) == ("方正小标宋简体", "44", "000000")
    assert run_props(gongwen, word.heading_style(2)) == ("黑体", "32", "000000")
    assert run_props(gongwen, word.heading_style(3)) == ("楷体_GB2312", "32", "000000")


def test_the_font_table_names_the_office_faces_and_their_other_names(gongwen: Word) -> None:
    fonts = {f.get(f"{W}name"): f for f in gongwen.parts["word/fontTable.xml"].iter(f"{W}font")}
    assert {"仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体", "宋体"} <= set(fonts)
    body = fonts["仿宋_GB2312"]
    assert body.find(f"{W}altName").get(f"{W}val").startswith("FangSong_GB2312,仿宋,FangSong")
    assert body.find(f"{W}charset").get(f"{W}val") == "86"  # GB2312


def east_asian_runs(doc: Word) -> Iterator[tuple[str, Any]]:
    for name, part in doc.parts.items():
        if name.startswith("word/") and name != "word/styles.xml":
            for r in part.iter(f"{W}r"):
                text = text_of(r)
                if any(is_han(c) for c in text):
                    yield name, r


@pytest.mark.parametrize("theme", ["report", "gongwen"])
def test_every_run_with_han_text_names_its_east_asian_face(sample: Word, gongwen: Word, theme: str) -> None:
    doc = sample if theme == "report" else gongwen
    known = {f.get(f"{W}name") for f in doc.parts["word/fontTable.xml"].iter(f"{W}font")}
    runs = list(east_asian_runs(doc))
    assert len(runs) > 150
    for part, r in runs:
        fonts = r.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None, (part, text_of(r))
        faces = {fonts.get(f"{W}{slot}") for slot in ("ascii", "hAnsi", "eastAsia", "cs")}
        assert len(faces) == 1 and faces <= known, (part, text_of(r), faces)
        assert fonts.get(f"{W}hint") == "eastAsia"
        assert r.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") == "zh-CN"
    assert "Publisher" not in " ".join(known), "Word is given the fonts' own names, not the publisher's renamings"


def test_traditional_chinese_asks_for_tc_faces(tmp_path: Path) -> None:
    doc = build_docx(REPO / "tests" / "samples" / "zh-hant", tmp_path)
    runs = list(east_asian_runs(doc))
    assert runs
    assert {r.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") for _, r in runs} == {"zh-TW"}
    assert "Noto Serif CJK TC" in {r.find(f"{W}rPr/{W}rFonts").get(f"{W}eastAsia") for _, r in runs}
    assert {f.find(f"{W}charset").get(f"{W}val") for f in doc.parts["word/fontTable.xml"].iter(f"{W}font")} == {"88"}


# ----------------------------------------------------------------- fields, figures


def test_fields_word_updates_on_opening(sample: Word) -> None:
    settings = sample.parts["word/settings.xml"]
    assert settings.find(f"{W}updateFields").get(f"{W}val") == "true"
    assert settings.find(f"{W}characterSpacingControl").get(f"{W}val") == "compressPunctuation"
    instructions = sample.instructions()
    assert instructions.count('TOC \\o "1-2" \\h \\z \\u') == 1
    seq = [i for i in instructions if i.startswith("SEQ ")]
    figures = len([f for f in sample.document.figures() if f.label])  # the KPI page has a title, no number
    tables = len([t for t in sample.document.tables() if t.label])
    assert sorted(seq) == sorted(["SEQ 图 \\* ARABIC"] * figures + ["SEQ 表 \\* ARABIC"] * tables)
    assert tables == 1
    toc = [p for p in sample.paragraphs() if paragraph_style(p) in ("TOC1", "TOC2")]
    assert [text_of(p) for p in toc] == [h.text for h in sample.document.headings() if h.level <= 2]
    headers = [i for name in sample.parts if name.startswith("word/header") for i in sample.instructions(name)]
    assert "STYLEREF 1" in headers and 'STYLEREF "Running Head"' in headers
    footers = [i for name in sample.parts if name.startswith("word/footer") for i in sample.instructions(name)]
    assert "PAGE" in footers


def test_captions_are_numbered_by_word(sample: Word) -> None:
    found = [p for p in sample.paragraphs() if paragraph_style(p) in ("Caption", "KPICaption")]
    tables = [t for t in sample.document.tables() if t.label]
    assert [text_of(p) for p in found if text_of(p).startswith("表")] == [
        f"{t.label}\u3000{plain_text(t.caption)}" for t in tables
    ]
    captions = [p for p in found if not text_of(p).startswith("表")]
    figures = sample.document.figures()
    assert [text_of(p) for p in captions] == [
        f"图 {f.number}\u3000{spec_title(f.chart_id)}" if f.label else spec_title(f.chart_id) for f in figures
    ]
    for p, figure in zip(captions, figures, strict=True):
        start = p.find(f"{W}bookmarkStart")
        if not figure.label:  # the KPI page: a bookmark of its own, which an edited document maps back
            assert start.get(f"{W}name") == word.bookmark("fig", "p1")
            continue
        assert start.get(f"{W}name") == word.bookmark("fig", str(figure.number))


def spec_title(chart_id: str) -> str:
    from publisher.charts import load_specs

    return load_specs(REPO)[chart_id].caption_text


def spec_type(chart_id: str) -> str:
    from publisher.charts import load_specs

    return load_specs(REPO)[chart_id].type


def test_figures_are_svg_pictures_with_a_300_dpi_png_fallback(sample: Word) -> None:
    from docx import Document as Open

    opened = Open(str(sample.path))
    part = opened.part
    names = []
    for inline in sample.body.iter("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}inline"):
        doc_pr = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}docPr")
        names.append(doc_pr.get("name"))
        blip = next(inline.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip"))
        png = part.related_parts[blip.get(qn("r:embed"))]
        svg_blip = next(blip.iter("{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"))
        svg = part.related_parts[svg_blip.get(qn("r:embed"))]
        assert png.content_type == "image/png" and svg.content_type == "image/svg+xml"
        assert b"<text" not in svg.blob, "the SVG's text is outlines: it needs no font"
        extent = inline.find("{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}extent")
        inches = int(extent.get("cx")) / 914400
        width, _ = Image.open(io.BytesIO(png.blob)).size
        assert abs(width / inches - 300) < 3
        assert abs(inches * 25.4 - 160) < 1  # printed at the text's width, as in the PDF
    drawn = [f.chart_id for f in sample.document.figures() if spec_type(f.chart_id) not in ("kpi", "table")]
    assert names == [f"{word.FIGURE_PREFIX}{chart}" for chart in drawn]


def test_kpi_cards_and_chart_tables_are_tables_named_after_their_chart(sample: Word) -> None:
    tables = {t.find(f"{W}tblPr/{W}tblCaption").get(f"{W}val"): t for t in sample.body.iter(f"{W}tbl")}
    assert list(tables) == ["chart:kpi-2021", "table:works-2022"]
    text = text_of(tables["chart:kpi-2021"])
    for value in ("704.83", "亿元", "同比增长 8.0%", "发放就业补贴550万元"):
        assert value in text


def test_tables_notes_lists_and_links(rich: Word) -> None:
    tables = list(rich.body.iter(f"{W}tbl"))
    assert [t.find(f"{W}tblPr/{W}tblCaption") is None for t in tables] == [True, False, False]
    for table in (tables[0], tables[2]):
        rows = table.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(row.find(f"{W}trPr/{W}tblHeader") is None for row in rows[1:])
    assert [text_of(c) for c in tables[0].findall(f"{W}tr")[1].findall(f"{W}tc")] == ["产值", "10", "12"]
    right = tables[0].findall(f"{W}tr")[1].findall(f"{W}tc")[1].find(f"{W}p/{W}pPr/{W}jc")
    assert right.get(f"{W}val") == "right"
    notes = rich.parts["word/footnotes.xml"].findall(f"{W}footnote")
    assert [n.get(f"{W}id") for n in notes] == ["-1", "0", "1"]
    assert text_of(notes[2]).strip() == "数据来源：统计局。"
    assert len(list(rich.body.iter(f"{W}footnoteReference"))) == 1
    assert "REF _pub_fig_1 \\h" in rich.instructions()
    anchors = [h.get(f"{W}anchor") for h in rich.body.iter(f"{W}hyperlink")]
    assert word.bookmark("h", "h2") in anchors
    styles = [paragraph_style(p) for p in rich.paragraphs()]
    assert styles.count("ListBullet") == 2 and styles.count("ListNumber") == 2 and "Quote" in styles
    numbering = rich.parts["word/numbering.xml"]
    starts = [s.get(f"{W}val") for s in numbering.iter(f"{W}startOverride")]
    assert starts == ["3"]
    drawing = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    images = [d.get("name") for d in rich.body.iter(f"{drawing}docPr") if d.getparent().tag == f"{drawing}inline"]
    assert images == ["chart:bars", "images/dot.png"]


# ----------------------------------------------------------------- GB/T 9704


def test_gongwen_is_22_lines_of_28_characters_on_the_document_grid(gongwen: Word) -> None:
    sect = gongwen.body.find(f"{W}sectPr")
    grid = sect.find(f"{W}docGrid")
    assert grid.get(f"{W}type") == "linesAndChars"
    assert grid.get(f"{W}linePitch") == "579"  # 225 mm / 22 lines, in whole twips (22 must fit)
    assert grid.get(f"{W}charSpace") == str(round((156 / 25.4 * 72 / 28 - 16) * 4096))
    margins = sect.find(f"{W}pgMar")
    mm = {
        side: round(int(margins.get(f"{W}{side}")) / 20 / 72 * 25.4, 1) for side in ("top", "bottom", "left", "right")
    }
    assert mm == {"top": 37.0, "bottom": 35.0, "left": 28.0, "right": 26.0}
    size = sect.find(f"{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")  # A4


def test_gongwen_page_numbers_alternate_sides(gongwen: Word) -> None:
    assert gongwen.parts["word/settings.xml"].find(f"{W}evenAndOddHeaders") is not None
    sect = gongwen.body.find(f"{W}sectPr")
    rels = etree.fromstring(zipfile.ZipFile(gongwen.path).read("word/_rels/document.xml.rels"))
    targets = {r.get("Id"): r.get("Target") for r in rels}
    footers = {
        ref.get(f"{W}type"): gongwen.parts[f"word/{targets[ref.get(qn('r:id'))]}"]
        for ref in sect.findall(f"{W}footerReference")
    }
    for kind, side in (("default", "right"), ("even", "left")):
        p = footers[kind].find(f"{W}p")
        assert p.find(f"{W}pPr/{W}jc").get(f"{W}val") == side
        assert text_of(p).replace("1", "") == "—  —"
        assert [" ".join((i.text or "").split()) for i in p.iter(f"{W}instrText")] == ["PAGE"]
        indent = p.find(f"{W}pPr/{W}ind")
        assert int(indent.get(f"{W}{side}")) == 280  # one 4号 character in from the edge
    assert not [name for name in gongwen.parts if name.startswith("word/header")], "GB/T 9704 has no running head"


def test_the_same_source_gives_the_same_bytes(tmp_path: Path) -> None:
    first = build_docx(REPO, tmp_path / "a").path.read_bytes()
    assert build_docx(REPO, tmp_path / "b").path.read_bytes() == first


# ----------------------------------------------------------------- LibreOffice


def fontconfig(tmp_path: Path, folders: list[Path]) -> dict[str, str]:
    """An environment whose fontconfig sees only ``folders`` (never the system's fonts list changed)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    conf = tmp_path / "fonts.conf"
    dirs = "".join(f"<dir>{folder}</dir>" for folder in folders)
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n'
        f"<fontconfig>{dirs}<dir>/usr/share/fonts</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>\n"
    )
    return {**os.environ, "FONTCONFIG_FILE": str(conf), "HOME": str(tmp_path)}


def libreoffice_pdf(docx: Path, out: Path, env: dict[str, str]) -> Path:
    """Open ``docx`` in LibreOffice (headless, its own profile) and save it as PDF."""
    if SOFFICE is None:
        pytest.skip("LibreOffice is not installed (scripts/system-deps.sh test installs libreoffice-writer-nogui)")
    out.mkdir(parents=True, exist_ok=True)
    profile = (out / "profile").as_uri()
    done = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(out),
            str(docx),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    pdf = out / f"{docx.stem}.pdf"
    assert done.returncode == 0 and pdf.exists(), done.stdout + done.stderr
    return pdf


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def sample_in_libreoffice(sample: Word, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("libreoffice")
    return libreoffice_pdf(sample.path, folder, fontconfig(folder, [fontstore.font_dir()]))


def test_libreoffice_opens_it_and_prints_every_paragraph(sample: Word, sample_in_libreoffice: Path) -> None:
    # the text area only (24 mm top and bottom): no running head or page number inside a paragraph
    top, height = round(24 / 25.4 * 72), round((297 - 48) / 25.4 * 72)
    crop = ["-x", "0", "-y", str(top), "-W", "600", "-H", str(height)]
    done = subprocess.run(["pdftotext", *crop, str(sample_in_libreoffice), "-"], capture_output=True, text=True)
    text = squash(done.stdout)
    for block in sample.document.blocks:
        if isinstance(block, Paragraph):
            if block.lead is not None:
                assert squash(block.lead.text) in text
            assert squash(plain_text(block.content)) in text
    for heading in sample.document.headings():
        assert squash(heading.text) in text
    listing = subprocess.run(["pdfimages", "-list", str(sample_in_libreoffice)], capture_output=True, text=True)
    pictures = [line for line in listing.stdout.splitlines()[2:] if " image " in line]
    assert len(pictures) >= len(sample.document.figures()) - 1  # every chart but the KPI cards, a table


def test_libreoffice_sets_chinese_text_in_chinese_faces(sample_in_libreoffice: Path) -> None:
    with pdfplumber.open(sample_in_libreoffice) as pdf:
        fonts: dict[str, int] = {}
        for page in pdf.pages:
            for char in page.chars:
                if is_han(char["text"]):
                    name = char["fontname"].split("+")[-1]
                    fonts[name] = fonts.get(name, 0) + 1
    assert sum(fonts.values()) > 5000
    assert all("CJK" in name or "WenKai" in name for name in fonts), fonts
    assert any("Serif" in name for name in fonts) and any("Sans" in name for name in fonts)


def test_libreoffice_uses_the_offices_faces_by_their_names(gongwen: Word, tmp_path: Path) -> None:
    """With the office's fonts installed (renamed copies), LibreOffice sets each role in its face: the
    document asked for them by the names Word and WPS know."""
    folder = tmp_path / "fonts"
    folder.mkdir()
    for index, (family, name) in enumerate(OFFICE_FONTS.items()):
        from publisher.data import FONTS_DIR

        source = fontstore.path(name) or FONTS_DIR / name
        renamed_copy(source, family, folder / f"office-{index}{source.suffix}")
    pdf = libreoffice_pdf(gongwen.path, tmp_path / "lo", fontconfig(tmp_path, [folder, fontstore.font_dir()]))
    lines: list[tuple[str, str]] = []
    with pdfplumber.open(pdf) as opened:
        for page in opened.pages[:4]:
            for line in page.extract_text_lines(return_chars=True):
                chars = [c for c in line["chars"] if is_han(c["text"])]
                if chars:
                    lines.append((squash(line["text"]), chars[0]["fontname"].split("+")[-1]))

    def face(start: str, whole: bool = False) -> str:
        return next(found for text, found in lines if (text == start if whole else text.startswith(start)))

    assert face(squash(gongwen.document.meta.title), whole=True).startswith("PublisherSerif-Bold")  # 方正小标宋简体
    assert face("2021年工作回顾", whole=True) == "FandolHei-Regular"  # 黑体: the part heading
    assert face("（一）") == "FandolKai-Regular"  # 楷体_GB2312
    assert face("坚持学懂") == "FandolFang-Regular"  # 仿宋_GB2312


def test_a_docx_edition_refuses_pdf_settings(tmp_path: Path) -> None:
    from publisher.editions import check_edition
    from publisher.errors import PublisherError

    with pytest.raises(PublisherError, match="only a PDF has it"):
        check_edition(dataclasses.replace(DOCX, bleed_mm=3), tmp_path)
