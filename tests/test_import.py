"""``publisher import``: plain text, Markdown and Word reports become projects that build.

Layers, as elsewhere in the suite:

* golden projects: every input under ``tests/fixtures/import/<case>/`` is
  imported and compared with ``<case>/expected/`` (the whole project and the
  summary the command prints). ``PUBLISHER_UPDATE_GOLDENS=1 pytest
  tests/test_import.py`` rewrites the goldens after a deliberate change;
* the seed's raw text gives the hand-made ``source/report.md`` again;
* small constructs, one input and the Markdown expected;
* real builds of the imported seed, Word document, Traditional Chinese
  Markdown and English text, read back with pypdf and pdftotext;
* properties (hypothesis): the importer never loses text.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
import tempfile
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import Destination

from publisher import charts
from publisher.charts.shapes import Values
from publisher.commands.cli import main
from publisher.errors import Diagnostics, PublisherError
from publisher.importer import ImportReport, convert, import_file
from publisher.importer.cleanup import clean_line, is_furniture
from publisher.importer.reading import decode
from publisher.importer.structure import NOTE_REF
from publisher.model import (
    Code,
    Document,
    Emph,
    FootnoteRef,
    Heading,
    Image,
    Inline,
    Link,
    ListBlock,
    Paragraph,
    Quote,
    Strong,
    Table,
    Text,
)
from publisher.options import BuildOptions
from publisher.parse import build_model
from publisher.pipeline import BuildResult, build
from publisher.source import load_source

from .conftest import REPO, pdftotext

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "import"
SEED = Path(__file__).resolve().parents[2] / "shared" / "seed" / "zumiao-2021-work-report.txt"
UPDATE_GOLDENS = os.environ.get("PUBLISHER_UPDATE_GOLDENS") == "1"

CASES: dict[str, Path] = {
    "seed": SEED,
    "gbk-report": FIXTURES / "gbk-report" / "gbk-report.txt",
    "web-paste": FIXTURES / "web-paste" / "web-paste.txt",
    "hant-markdown": FIXTURES / "hant-markdown" / "hant-report.md",
    "english-text": FIXTURES / "english-text" / "english-report.txt",
    "word-report": FIXTURES / "word-report" / "word-report.docx",
    "provincial-web": FIXTURES / "provincial-web" / "provincial-web.txt",
    "city-gbk-wrapped": FIXTURES / "city-gbk-wrapped" / "city-report.txt",
    "county-utf16-wrapped": FIXTURES / "county-utf16-wrapped" / "county-report.txt",
    "chapters-big5": FIXTURES / "chapters-big5" / "chapters-report.txt",
    "english-pdftotext": FIXTURES / "english-pdftotext" / "english-report.txt",
    "markdown-tools": FIXTURES / "markdown-tools" / "tools-report.md",
    "word-cover": FIXTURES / "word-cover" / "word-cover.docx",
}
"""Each case: its input; the expected project is in ``FIXTURES / case / "expected"``."""

needs_seed = pytest.mark.skipif(not SEED.is_file(), reason="shared/seed is not beside the repository")


# --------------------------------------------------------------------- helpers


def inline_text(nodes: list[Inline], alt: bool = True, labels: bool = True) -> str:
    """The text of inline nodes (a note call gives its label if ``labels``, an image its alt text if ``alt``)."""
    out: list[str] = []
    for node in nodes:
        if isinstance(node, Text | Code):
            out.append(node.text)
        elif isinstance(node, Strong | Emph | Link):
            out.append(inline_text(node.children, alt, labels))
        elif isinstance(node, FootnoteRef):
            out.append(node.label if labels else "")
        elif isinstance(node, Image) and alt:
            out.append(node.alt)
    return "".join(out)


def block_text(block: object, alt: bool = True, labels: bool = True) -> str:
    """The text of a block; ``alt=False``: as the PDF's text layer has it (no image descriptions)."""
    if isinstance(block, Heading):
        return inline_text(block.content, alt, labels)
    if isinstance(block, Paragraph):
        lead = inline_text(block.lead.content, alt, labels) if block.lead else ""
        return lead + inline_text(block.content, alt, labels)
    if isinstance(block, ListBlock):
        items = []
        for i, item in enumerate(block.items):
            number = f"{block.start + i}." if block.ordered else ""
            items.append(number + "".join(block_text(b, alt, labels) for b in item))
        return "".join(items)
    if isinstance(block, Table):
        cells = [*block.header, *block.rows]
        return "".join(inline_text(cell.content, alt, labels) for row in cells for cell in row)
    if isinstance(block, Quote):
        return "".join(block_text(b, alt, labels) for b in block.children)
    return ""


def parse_project(root: Path) -> Document:
    """The project as the publisher reads it (Chinese punctuation not normalised)."""
    source = load_source(root)
    source = dataclasses.replace(source, meta=dataclasses.replace(source.meta, normalize=False))
    diagnostics = Diagnostics()
    doc = build_model(source, diagnostics)
    # The parser also warns about escaped text that looks like a tag (\<b>): not raw HTML, so not counted.
    warnings = [w.format() for w in diagnostics.warnings if not w.message.startswith("raw HTML")]
    assert not warnings, warnings
    return doc


def document_text(doc: Document, labels: bool = True) -> str:
    """All the text of a parsed project in reading order, notes where they were written.

    ``labels``: with the labels of footnote calls and notes (``[^1]`` as ``1``).
    """
    pieces = [(block.pos.line, block_text(block, labels=labels)) for block in doc.blocks if hasattr(block, "pos")]
    # The parser gives every footnote the position of the body's start: find where each is written.
    lines = (doc.root / "source" / "report.md").read_text(encoding="utf-8").split("\n")
    for note in doc.footnotes.values():
        line = next(n for n, text in enumerate(lines, start=1) if text.startswith(f"[^{note.label}]:"))
        pieces.append((line, (note.label if labels else "") + inline_text(note.content, labels=labels)))
    return "".join(text for _, text in sorted(pieces, key=lambda piece: piece[0]))


def norm(text: str) -> str:
    """Compatibility-normalised, without whitespace: what two renderings of a text share."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def alnum(text: str) -> str:
    """Letters and digits only (PDF text has hyphens, spaces and normalised punctuation)."""
    return "".join(c for c in unicodedata.normalize("NFKC", text) if c.isalnum())


def is_subsequence(needle: str, haystack: str) -> tuple[bool, int]:
    """Whether every character of ``needle`` is in ``haystack`` in order; else where it failed."""
    pos = 0
    for i, char in enumerate(needle):
        pos = haystack.find(char, pos)
        if pos < 0:
            return False, i
        pos += 1
    return True, len(needle)


def kept_input(text: str, report: ImportReport, labels: bool = True) -> str:
    """The input without the lines the importer reported dropped, note calls as their labels (or left out)."""
    left_out = {d.line for d in report.converted.document.dropped}
    lines = [line for number, line in enumerate(text.split("\n"), start=1) if number not in left_out]
    kept = "\n".join(lines)
    return NOTE_REF.sub(lambda m: m.group(1) if labels else "", kept)


def project_text(report: ImportReport, doc: Document, labels: bool = True) -> str:
    """The title block (now the front matter), the body and the signature (front matter too) of a project."""
    front = report.converted.document.front
    opening = "".join(f.text for f in front if not f.closing)
    closing = "".join(f.text for f in front if f.closing)
    return opening + document_text(doc, labels) + closing


def body_chars(text: str) -> str:
    """What must survive an import exactly once: the text normalised, without note markers (［1］, [^1])."""
    return NOTE_REF.sub("", norm(text))


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def imported(case: str, tmp: Path) -> ImportReport:
    return import_file(CASES[case], tmp / case)


# --------------------------------------------------------------------- goldens


@pytest.mark.parametrize("case", list(CASES))
def test_golden_project(case: str, tmp_path: Path) -> None:
    if case == "seed" and not SEED.is_file():
        pytest.skip("shared/seed is not beside the repository")
    report = imported(case, tmp_path)
    got = tree(report.out_dir)
    # Whether the fonts have every character depends on the fonts, not on the import
    # (test_characters_no_font_has_are_named_and_nothing_else_is checks that part).
    log = [line for line in report.summary() if "in no font here" not in line]
    got["import.log"] = ("\n".join(log) + "\n").encode("utf-8")
    expected_dir = FIXTURES / case / "expected"
    if UPDATE_GOLDENS:
        shutil.rmtree(expected_dir, ignore_errors=True)
        for name, data in got.items():
            (expected_dir / name).parent.mkdir(parents=True, exist_ok=True)
            (expected_dir / name).write_bytes(data)
    expected = tree(expected_dir)
    assert sorted(got) == sorted(expected), "files differ; PUBLISHER_UPDATE_GOLDENS=1 rewrites the goldens"
    for name, data in expected.items():
        if name.endswith((".md", ".yaml", ".log")):
            assert got[name].decode("utf-8") == data.decode("utf-8"), name
        else:
            assert got[name] == data, name


TEXT_CASES = [c for c, path in CASES.items() if path.suffix == ".txt" and c != "seed"]


@pytest.mark.parametrize("case", TEXT_CASES)
def test_imported_text_is_all_there_once(case: str, tmp_path: Path) -> None:
    """Every character of a text fixture but the lines reported dropped is in the project, once and in order
    (the title block and the signature in the front matter)."""
    report = imported(case, tmp_path)
    doc = parse_project(report.out_dir)
    text = decode(CASES[case].read_bytes(), CASES[case]).text
    got = body_chars(project_text(report, doc, labels=False))
    expected = body_chars(kept_input(text, report, labels=False))
    if report.converted.document.lang == "en":  # "- " and "1. " became list markers
        expected, got = alnum(expected), alnum(got)
    assert got == expected


@pytest.mark.parametrize("case", ["hant-markdown", "word-report", "word-cover"])
def test_imported_text_is_all_there(case: str, tmp_path: Path) -> None:
    """Markdown and Word: every character of the text is in the project, in order (markdown-tools, whose
    tables, boxes and pictures change form, has its own test in test_import_outline.py)."""
    report = imported(case, tmp_path)
    doc = parse_project(report.out_dir)
    got = norm(project_text(report, doc))
    if CASES[case].suffix == ".docx":
        return  # the .docx has no text form to compare with; its golden shows the text
    text = decode(CASES[case].read_bytes(), CASES[case]).text
    front_matter = text.split("---", 2)[1]  # it became the project's: blank it, keeping the line numbers
    text = text.replace(front_matter, "\n" * front_matter.count("\n"), 1)
    text = re.sub(r"[#>|*`\[\]^:-]", "", text)  # Markdown markup is the same markup, not text
    got = re.sub(r"[|:-]", "", got)
    ok, at = is_subsequence(norm(kept_input(text, report)), got)
    assert ok, norm(kept_input(text, report))[max(0, at - 20) : at + 20]


# ---------------------------------------------------------- the seed, by hand


@needs_seed
def test_seed_gives_the_hand_made_report(tmp_path: Path) -> None:
    """Same headings (levels and text) and paragraphs as the hand-made ``source/report.md``.

    The hand-made report adds what the raw text does not have: a title block in
    the front matter, the part heading "# 2022年工作安排" (the seed starts that
    part without a heading) and the charts. Everything else must be the same.
    """

    def outline(doc: Document) -> list[tuple[str, int, str]]:
        out: list[tuple[str, int, str]] = []
        for block in doc.blocks:
            if isinstance(block, Heading):
                out.append(("heading", block.level, block.text))
            elif isinstance(block, Paragraph):
                if block.lead is not None:
                    out.append(("heading", block.lead.level, block.lead.text))
                out.append(("paragraph", 0, inline_text(block.content)))
        return out

    report = import_file(SEED, tmp_path / "seed")
    ours = outline(parse_project(report.out_dir))
    hand = [item for item in outline(parse_project(REPO)) if item != ("heading", 1, "2022年工作安排")]
    assert len(ours) == len(hand) == 96
    for mine, theirs in zip(ours, hand, strict=True):
        assert mine == theirs
    meta = parse_project(report.out_dir).meta
    assert (meta.run_in_level, meta.lang) == (3, "zh-CN")
    assert [d.text for d in report.converted.document.dropped] == ["有话要说..."]


# ------------------------------------------------------------ small constructs


def body_of(text: str, tmp_path: Path, name: str = "t.txt", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    rendered = convert(path).rendered.text
    return rendered.split("\n---\n", 1)[1].strip()


CONSTRUCTS = {
    "run-in heading, starting at （一）": (
        "前言部分的正文，说明情况。\n（一）空气质量改善。全年优良天数比例92.3%。\n（二）水质改善。消除黑臭水体。",
        "前言部分的正文，说明情况。\n\n### （一）空气质量改善。\n全年优良天数比例92.3%。\n\n"
        "### （二）水质改善。\n消除黑臭水体。",
    ),
    "full-width numbering and levels": (
        "一、总体情况\n正文一。\n（一）分项。正文二。\n１．细项。正文三。\n二、下步打算\n正文四。",
        "## 一、总体情况\n\n正文一。\n\n### （一）分项。\n正文二。\n\n#### １．细项。\n\n正文三。\n\n"
        "## 二、下步打算\n\n正文四。",
    ),
    "a year after 一、, a sentence heading over numbered sub-headings": (
        "一、2022年工作回顾\n正文。\n（一）坚持制造业当家，加快建设现代化产业体系。\n"
        "1.推动制造业高端化。实施技改行动。\n2.推动数字化转型。新增上云企业。",
        "## 一、2022年工作回顾\n\n正文。\n\n### （一）坚持制造业当家，加快建设现代化产业体系。\n\n"
        "#### 1.推动制造业高端化。\n实施技改行动。\n\n#### 2.推动数字化转型。\n新增上云企业。",
    ),
    "一是…二是… stays text": (
        "（一）成效。一是推动升级；二是培育新兴产业。\n（二）问题。一是动力不足。",
        "### （一）成效。\n一是推动升级；二是培育新兴产业。\n\n### （二）问题。\n一是动力不足。",
    ),
    "numbered lines in a row are a list, not headings": (
        "主要任务如下：\n1.完善制度\n2.加强监督\n3.严格考核\n以上任务要落实。",
        "主要任务如下：\n\n1.完善制度\n\n2.加强监督\n\n3.严格考核\n\n以上任务要落实。",
    ),
    "a bare 2.5 line is part of the sentence": (
        "全年PM\n2.5\n年平均浓度为25微克/立方米，同比下降10%。",
        "全年PM2.5年平均浓度为25微克/立方米，同比下降10%。",
    ),
    "a line broken after a comma is joined": (
        "新建污水管网18.6公里，\n黑臭水体全部消除。\n\n第二段。",
        "新建污水管网18.6公里，黑臭水体全部消除。\n\n第二段。",
    ),
    "Markdown characters stay text": (
        "1. 这不是列表，这一句比较长，是一个完整的正文段落，说明了很多情况和问题。\n* 星号开头。\n# 井号开头。\n"
        "<b>不是标签</b>，&copy; 不是实体，[链接](x)不是链接。\n- 减号\n> 引号",
        "1\\. 这不是列表，这一句比较长，是一个完整的正文段落，说明了很多情况和问题。\n\n"
        "\\* 星号开头。\n\n\\# 井号开头。\n\n"
        "\\<b>不是标签\\</b>，&amp;copy; 不是实体，\\[链接\\](x)不是链接。\n\n\\- 减号\n\n\\> 引号",
    ),
    "U+3000 indents and no-break spaces": (
        "\u3000\u3000完成河涌整治\u00a0\u00a0\u00a012条。\n\u3000\u3000第二段。",
        "完成河涌整治 12条。\n\n第二段。",
    ),
    "notes become footnotes": (
        "正文一［1］，正文二［2］。\n注释：\n［1］第一条注释。\n［2］第二条注释。",
        "正文一[^1]，正文二[^2]。\n\n[^1]: 第一条注释。\n\n[^2]: 第二条注释。",
    ),
    "appendices are sections, their numbered lines stay items": (
        "正文。\n附件1\n名词解释\n1．甲：解释一。\n2．乙：解释二。\n附件2 指标表\n一、指标一",
        "正文。\n\n# 附件1 名词解释\n\n1．甲：解释一。\n\n2．乙：解释二。\n\n# 附件2 指标表\n\n一、指标一",
    ),
    "furniture only at the start and the end": (
        "首页 > 新闻 > 正文\n某某街道工作报告\n【字体：大 中 小】\n正文第一段，内容足够长的一句话，用来说明情况。\n"
        "分享到：这一行在正文中间，留下。\n正文第二段，内容足够长的一句话，用来说明情况。\n责任编辑：张三",
        "正文第一段，内容足够长的一句话，用来说明情况。\n\n分享到：这一行在正文中间，留下。\n\n"
        "正文第二段，内容足够长的一句话，用来说明情况。",
    ),
}


@pytest.mark.parametrize("name", list(CONSTRUCTS))
def test_construct(name: str, tmp_path: Path) -> None:
    text, expected = CONSTRUCTS[name]
    assert body_of(text, tmp_path) == expected


def test_title_block(tmp_path: Path) -> None:
    path = tmp_path / "r.txt"
    path.write_text(
        "佛山市某某区2021年政府工作报告\n——2022年1月10日在区第五届人民代表大会第一次会议上\n区长　王明\n"
        "各位代表：\n现在，我代表区人民政府向大会报告工作，请予审议。\n一、工作回顾\n正文。",
        encoding="utf-8",
    )
    converted = convert(path)
    assert converted.meta["title"] == "佛山市某某区2021年政府工作报告"
    assert converted.meta["subtitle"] == "——2022年1月10日在区第五届人民代表大会第一次会议上"
    assert converted.meta["organisation"] == "区长　王明"
    assert converted.meta["year"] == 2021
    assert converted.rendered.text.split("\n---\n", 1)[1].startswith("\n各位代表：\n\n现在，")


def test_parts_from_unnumbered_headings_over_numbered_ones(tmp_path: Path) -> None:
    body = body_of(
        "2021年工作回顾\n过去一年，我们做了很多工作。\n一、经济\n正文。\n"
        "2022年工作安排\n今年的目标如下。\n一、改革\n正文。",
        tmp_path,
    )
    headings = [line for line in body.split("\n") if line.startswith("#")]
    assert headings == ["# 2021年工作回顾", "## 一、经济", "# 2022年工作安排", "## 一、改革"]


def test_characters_no_font_has_are_named_and_nothing_else_is(tmp_path: Path) -> None:
    """堃 is beyond the bundled subsets but in the full faces; U+30000 (Extension G) is in no font."""
    path = tmp_path / "rare.txt"
    path.write_text("一、概况\n张堃同志说，这里有一个罕见字\U00030000。\n", encoding="utf-8")
    report = import_file(path, tmp_path / "rare")
    assert not (report.out_dir / "styles").exists()
    notes = [line for line in report.summary() if "in no font" in line]
    assert len(notes) == 1 and "1 characters are in no font here (\U00030000)" in notes[0], notes
    assert "--allow-missing-glyphs" in notes[0]
    plain = tmp_path / "plain.txt"
    plain.write_text("一、概况\n正文。\n", encoding="utf-8")
    assert not any("in no font" in line for line in import_file(plain, tmp_path / "plain").summary())


def test_traditional_chinese_and_english_get_their_lang(tmp_path: Path) -> None:
    hant = tmp_path / "hant.txt"
    hant.write_text("一、發展經濟\n我們這個區過去一年的「經濟」發展很好。", encoding="utf-8")
    assert convert(hant).meta["lang"] == "zh-TW"
    english = tmp_path / "en.txt"
    english.write_text("1. INTRODUCTION\n\nThe council met twelve times.\n", encoding="utf-8")
    assert convert(english).meta["lang"] == "en"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("报告正文。".encode("utf-8-sig"), "UTF-8"),
        ("報告正文。".encode("utf-16"), "UTF-16"),
        (b"\xfe\xff" + "报告".encode("utf-16-be"), "UTF-16"),
        ("祖庙街道工作报告：经济发展稳中有进，社会事业全面进步。".encode("gbk"), "GB18030"),
        ("臺北市區公所工作報告：我們這個區的經濟發展與社會建設。".encode("big5"), "Big5"),
    ],
)
def test_encodings(data: bytes, encoding: str) -> None:
    decoded = decode(data, Path("r.txt"))
    assert decoded.encoding == encoding
    assert "报告" in decoded.text or "報告" in decoded.text


def test_word_styles_by_other_names_and_a_table_of_contents(tmp_path: Path) -> None:
    """WPS names its styles 标题 1…; any style with an outline level is a heading; a TOC is left out."""
    import docx
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    chapter = document.styles.add_style("我的标题", WD_STYLE_TYPE.PARAGRAPH)
    chapter.element.get_or_add_pPr().append(parse_xml(f'<w:outlineLvl {nsdecls("w")} w:val="0"/>'))
    document.styles["Heading 2"].name = "标题 2"
    document.styles.add_style("toc 1", WD_STYLE_TYPE.PARAGRAPH)
    document.add_paragraph("关于加强社区治理的实施方案", style="Title")
    document.add_paragraph("第一章　总则………………1", style="toc 1")
    document.add_paragraph("第一章　总则", style="我的标题")
    document.add_paragraph("第一条　为加强社区治理，制定本方案。")
    document.add_paragraph("（一）工作目标", style="标题 2")
    document.add_paragraph("到2025年，社区服务覆盖率达到100%。")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "合并的表头"
    table.cell(1, 0).text = "甲|乙"
    path = tmp_path / "wps.docx"
    document.save(str(path))
    converted = convert(path)
    body = converted.rendered.text.split("\n---\n", 1)[1]
    assert [line for line in body.split("\n") if line.startswith("#")] == ["## 第一章　总则", "### （一）工作目标"]
    assert "| 合并的表头 |   |\n|---|---|\n| 甲\\|乙 |   |" in body
    assert [d.text for d in converted.document.dropped] == ["第一章　总则………………1"]
    assert converted.meta["title"] == "关于加强社区治理的实施方案"


# ------------------------------------------------------------------ chart hints


@needs_seed
def test_suggestions_are_valid_specs_once_uncommented(tmp_path: Path) -> None:
    report = import_file(SEED, tmp_path / "seed")
    charts_dir = report.out_dir / "source" / "charts"
    suggestions = (charts_dir / "suggestions.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(suggestions) is None  # all commented: the project builds as it is
    assert "704.83亿元: “" in suggestions and "21.82公里" in suggestions and "8.0%" in suggestions
    enabled = "\n".join(line.removeprefix("# ") if line.startswith("# ") else line for line in suggestions.split("\n"))
    (charts_dir / "suggestions.yaml").write_text(enabled, encoding="utf-8")
    example = (charts_dir / "example.yaml").read_text(encoding="utf-8")
    assert yaml.safe_load(example) is None
    (charts_dir / "example.yaml").write_text(
        "\n".join(line.removeprefix("# ") for line in example.split("\n")), encoding="utf-8"
    )
    specs = charts.load_specs(report.out_dir)  # read and checked by their kinds
    assert len(specs) > 20 and "example" in specs
    gdp = next(
        s
        for s in specs.values()
        if s.id.startswith("figure-") and isinstance(s.data, Values) and 704.83 in s.data.values
    )
    assert isinstance(gdp.data, Values)
    assert gdp.data.value_labels[gdp.data.values.index(704.83)] == "704.83" and gdp.unit == "亿元"


# ---------------------------------------------------------------- user errors


def run_cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "data", "pattern"),
    [
        ("missing.txt", None, r"error: file not found: .*missing\.txt\n  hint: "),
        ("report.pdf", b"%PDF-1.4", r"report\.pdf:1:1: error: cannot import '\.pdf' files\n  hint: save it as \.docx"),
        (
            "report.docx",
            b"not a zip file",
            r"report\.docx:1:1: error: cannot read the Word document.*\n  hint: open it",
        ),
        ("report.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1old", r"hint: this is an old \.doc file"),
        ("report.txt", b"\x81\x30\xff\xfe\xff\xfe", r"report\.txt:1:\d+: error: cannot read the text"),
        (
            "report.txt",
            b"PK\x03\x04zip",
            r"error: this is a zip archive .*\n  hint: give it the extension it has: \.docx",
        ),
        ("empty.txt", " \n\u3000\n".encode(), r"empty\.txt:1:1: error: the file has no text to import\n  hint: "),
    ],
)
def test_user_errors_are_one_clean_message(name: str, data: bytes | None, pattern: str, tmp_path: Path) -> None:
    path = tmp_path / name
    if data is not None:
        path.write_bytes(data)
    code, _, err = run_cli("import", str(path), "-o", str(tmp_path / "out"))
    assert code == 1, err
    assert "Traceback" not in err
    assert re.search(pattern, err), err


def test_output_folder_must_be_empty_unless_forced(tmp_path: Path) -> None:
    source = tmp_path / "r.txt"
    source.write_text("一、总体\n正文。\n", encoding="utf-8")
    out = tmp_path / "project"
    out.mkdir()
    (out / "keep.txt").write_text("mine", encoding="utf-8")
    code, _, err = run_cli("import", str(source), "-o", str(out))
    assert code == 1 and re.search(r"project:1:1: error: folder '.*project' is not empty\n  hint: .*--force", err)
    assert not (out / "source").exists()
    code, stdout, err = run_cli("import", str(source), "-o", str(out), "--force")
    assert code == 0, err
    assert (out / "source" / "report.md").is_file() and (out / "keep.txt").read_text(encoding="utf-8") == "mine"
    assert "wrote " in stdout and "next: publisher build" in stdout


def test_cli_reports_what_it_dropped(tmp_path: Path) -> None:
    code, stdout, err = run_cli("import", str(CASES["web-paste"]), "-o", str(tmp_path / "web"))
    assert code == 0, err
    assert re.search(r"^import: dropped 10 lines of page furniture: “首页 > 政务公开", err, re.M)
    assert "“有话要说...” (line 33)" in err
    assert re.search(r"^wrote .*source/report\.md$", stdout, re.M)
    with pytest.raises(PublisherError):
        import_file(CASES["web-paste"], tmp_path / "web")  # not empty now


# ------------------------------------------------------------ real PDF builds


@dataclass
class Built:
    """An imported project built to PDF."""

    report: ImportReport
    result: BuildResult
    outline: list[str]
    """The PDF's bookmarks, depth first."""
    text: str
    """pdftotext of the whole PDF."""


def _flatten(outline: Sequence[object]) -> Iterator[str]:
    for entry in outline:
        if isinstance(entry, list):
            yield from _flatten(entry)
        elif isinstance(entry, Destination):
            yield str(entry.title)


BUILT = [
    "seed",
    "word-report",
    "hant-markdown",
    "english-text",
    "provincial-web",
    "word-cover",
    "markdown-tools",
    "english-pdftotext",
]
"""The imports built to PDF: one of each kind of input."""


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Built]:
    """The imports of :data:`BUILT`, each built once for the module."""
    out: dict[str, Built] = {}
    folder = tmp_path_factory.mktemp("imported")
    for case in BUILT:
        if case == "seed" and not SEED.is_file():
            continue
        report = import_file(CASES[case], folder / case)
        result = build(BuildOptions(project=report.out_dir, output=folder / f"{case}.pdf"))
        reader = PdfReader(str(result.output))
        out[case] = Built(report, result, list(_flatten(reader.outline)), pdftotext(result.output))
    return out


@pytest.mark.parametrize("case", BUILT)
def test_pdf_bookmarks_are_the_headings_found(case: str, built: dict[str, Built]) -> None:
    if case not in built:
        pytest.skip("shared/seed is not beside the repository")
    item = built[case]
    expected = [h.text for h in item.report.converted.document.headings()]
    assert expected, "no headings found"
    assert [norm(t) for t in item.outline] == [norm(t) for t in expected]
    unexpected = [
        w.format() for w in item.result.warnings.warnings if "subset" not in w.message and "glyph" not in w.message
    ]
    assert not unexpected


@pytest.mark.parametrize("case", BUILT)
def test_pdf_text_is_complete(case: str, built: dict[str, Built]) -> None:
    if case not in built:
        pytest.skip("shared/seed is not beside the repository")
    item = built[case]
    doc = item.result.document
    pdf = alnum(item.text)
    # the PDF numbers notes; a table's cells are read in an order of pdftotext's choosing (columns of numbers
    # set apart from their labels come as blocks of their own): each cell must be there
    body = alnum("".join(block_text(b, alt=False, labels=False) for b in doc.blocks if not isinstance(b, Table)))
    ok, at = is_subsequence(body, pdf)
    assert ok, f"missing from the PDF near: {body[max(0, at - 30) : at + 10]}"
    for table in (b for b in doc.blocks if isinstance(b, Table)):
        for cell in (c for row in [*table.header, *table.rows] for c in row):
            assert alnum(inline_text(cell.content, False, False)) in pdf
    for note in doc.footnotes.values():
        assert alnum(inline_text(note.content)) in pdf
    meta = doc.meta
    for value in (meta.title, meta.subtitle, meta.organisation, meta.date):
        assert all(alnum(word) in pdf for word in value.split()), value  # the cover sets words apart


def test_notes_print_on_the_page_that_calls_them(built: dict[str, Built]) -> None:
    """A note whose explanation was on the line after its term prints term and explanation together at the foot
    of the page that calls it."""
    pdf = built["provincial-web"].result.output
    pages = [alnum(pdftotext(pdf, n, n)) for n in range(1, int(PdfReader(str(pdf)).get_num_pages()) + 1)]
    for call, note in (("深化三清一改", "三清一改清理农村生活垃圾"), ("万村整治工程", "万村整治工程以农村生产")):
        page = next(text for text in pages if alnum(call) in text)
        assert note in page, call


def test_word_parts_start_pages(built: dict[str, Built]) -> None:
    """Each 一、 of the Word document with manual page breaks starts a page of the PDF, as in Word: the last
    paragraph of the part before is not on its page."""
    pdf = built["word-cover"].result.output
    pages = [alnum(pdftotext(pdf, n, n)) for n in range(1, int(PdfReader(str(pdf)).get_num_pages()) + 1)]
    for heading, before in (("二、存在的不足", "全年办理行政处罚案件"), ("三、2024年工作安排", "少数干部运用法治思维")):
        page = next(i for i, text in enumerate(pages) if alnum(heading) in text and i > 1)
        assert alnum(before) not in pages[page]
        assert alnum(before) in pages[page - 1]


def test_word_document_details(built: dict[str, Built]) -> None:
    item = built["word-report"]
    md = (item.report.out_dir / "source" / "report.md").read_text(encoding="utf-8")
    assert "**704.83亿元**" in md and "[^1]" in md and "[^1]: 地区生产总值按可比价格计算。" in md
    assert "| 地区生产总值（亿元） | 704.83 | 8.0% |" in md
    assert "![街道区位示意图](images/image-1.png)" in md
    assert (item.report.out_dir / "source" / "images" / "image-1.png").read_bytes().startswith(b"\x89PNG")
    assert "## 三、加强组织保障" in md  # numbered by Word, not typed
    assert "1. 完成土地出让面积约468亩；\n1. 拆除村级工业园756亩；" in md
    assert "三、加强组织保障" in item.outline


# ------------------------------------------------------------------ properties

_HAN = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后"
_ALPHABET = _HAN * 4 + "，。、；：“”（）《》！？…—" + "abcXYZ0123456789 .-+*_#<>[]`\\|&!~=()%:\u3000\u00a0"
_MARKERS = [
    "一、",
    "二、",
    "（一）",
    "(二)",
    "1.",
    "２．",
    "（1）",
    "(３)",
    "第一部分",
    "附件1",
    "附件2 ",
    "一是",
    "［1］",
    "［2］",
    "- ",
    "* ",
    "# ",
    "> ",
    "1. ",
    "    ",
    "|",
    "",
    "",
    "",
]
_SPECIAL_LINES = ["2.5", "PM", "", "", "注释：", "有话要说...", "【字体：大 中 小】", "责任编辑：某某", "---", "```"]

_line = st.one_of(
    st.builds(lambda marker, text: marker + text, st.sampled_from(_MARKERS), st.text(_ALPHABET, max_size=50)),
    st.sampled_from(_SPECIAL_LINES),
)


def _import_text(text: str, encoding: str = "utf-8") -> tuple[ImportReport, Document, str]:
    """Import ``text``; the report, the project as parsed, and its text (title block first, signature last)."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "input.txt"
        source.write_bytes(text.encode(encoding))
        report = import_file(source, Path(folder) / "project")
        doc = parse_project(report.out_dir)
        return report, doc, project_text(report, doc, labels=False)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_line, min_size=1, max_size=20), st.sampled_from(["\n", "\r\n"]))
def test_importing_never_loses_or_duplicates_text(lines: list[str], newline: str) -> None:
    """Every character of the input but the lines reported dropped is in the project exactly once, in order
    (normalised: whitespace and note markers aside; the title block and the signature in the front matter)."""
    text = newline.join(lines)
    if all(not clean_line(line) or is_furniture(clean_line(line)) for line in lines):
        with pytest.raises(PublisherError, match="no text to import"):
            _import_text(text)
        return
    report, doc, got_text = _import_text(text)
    expected = body_chars(kept_input(text.replace("\r\n", "\n"), report, labels=False))
    got = body_chars(got_text)
    if report.converted.document.lang == "en":  # "- " and "1. " of English text became list markers
        expected, got = alnum(expected), alnum(got)
    assert got == expected
    meta = doc.meta
    for front in report.converted.document.front:
        field = {"title": meta.title, "subtitle": meta.subtitle, "organisation": meta.organisation, "date": meta.date}
        assert norm(front.meta_text) in norm(field[front.role])
    dropped = {d.line for d in report.converted.document.dropped}
    assert all(d.reason for d in report.converted.document.dropped)
    assert all(1 <= n <= len(lines) for n in dropped)
    assert all(d.reason and 0 < d.confidence <= 1 for d in report.converted.document.decisions)


_WORDS = st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=1, max_size=9)
_EN_LINE = st.one_of(
    st.builds(" ".join, st.lists(_WORDS, min_size=1, max_size=14)),
    st.builds(lambda n, w: f"{n}. " + " ".join(w), st.integers(1, 12), st.lists(_WORDS, min_size=1, max_size=6)),
    st.builds(lambda w: "- " + " ".join(w), st.lists(_WORDS, min_size=1, max_size=6)),
    st.just(""),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EN_LINE, min_size=1, max_size=16))
def test_importing_english_never_loses_words(lines: list[str]) -> None:
    text = "\n".join(["The annual report of the council, as agreed by all its members today.", *lines])
    report, _, got = _import_text(text)
    expected = alnum(kept_input(text, report))
    ok, at = is_subsequence(expected, alnum(got))
    assert ok, f"lost near {expected[max(0, at - 10) : at + 10]!r}"
