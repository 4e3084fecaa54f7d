"""``publisher import`` on the documents that defeat a line-by-line importer (issue 13).

One test (or a few) per failure class — numbered headings that end with 。,
title blocks, web page chrome, notes, hard-wrapped text, Markdown from other
tools, English PDF text, Word covers and signatures, chart suggestions — and
the uncertainty report, ``--explain`` and ``--strict``. The fixtures are in
``tests/fixtures/import/`` (their goldens are compared in test_import.py);
the generated reports at the end check, for any structure and any wrapping,
that the outline found is the outline written and that no character of the
text is lost or doubled.
"""

from __future__ import annotations

import importlib.util
import re
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.importer import Converted, convert, import_file
from publisher.importer.decisions import uncertainty_lines
from publisher.importer.figures import MAX_BARS, noun_phrase
from publisher.importer.model import NoteDef, Paragraph, TableBlock
from publisher.model import FootnoteRef, Quote, Table
from publisher.model import Heading as ParsedHeading
from publisher.model import Paragraph as ParsedParagraph

from .test_import import (
    CASES,
    FIXTURES,
    alnum,
    body_chars,
    inline_text,
    kept_input,
    parse_project,
    project_text,
    run_cli,
)

# --------------------------------------------------------------------- helpers


def convert_text(text: str, tmp_path: Path, name: str = "report.txt", encoding: str = "utf-8") -> Converted:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return convert(path)


def outline(converted: Converted) -> list[tuple[int, str]]:
    """(level, text) of every heading found."""
    return [(h.level, h.text) for h in converted.document.headings()]


def to_confirm(converted: Converted) -> list[str]:
    """The uncertainty report's lines."""
    return uncertainty_lines(converted.document.decisions, converted.source.name, converted.fmt)


def paragraphs(converted: Converted) -> list[str]:
    """The text of every paragraph found."""
    return ["".join(s.text for s in p.spans) for p in converted.document.blocks if isinstance(p, Paragraph)]


LONG_SECTION = (
    "一、主要工作成效\n"
    "（一）坚持稳中求进工作总基调，推动经济发展质量和效益稳步提升。\n"
    "全年实现地区生产总值58.6亿元，同比增长5.9%。\n"
    "（二）城市面貌持续改善。\n"
    "完成老旧小区改造4个。\n"
)


# ------------------------------------------------- 1. numbered headings with 。


def test_a_long_numbered_sentence_over_body_text_is_a_heading(tmp_path: Path) -> None:
    """The issue's example: （一） is as much a heading as the short （二）, and 一、 stays their parent."""
    converted = convert_text(LONG_SECTION, tmp_path)
    assert outline(converted) == [
        (2, "一、主要工作成效"),
        (3, "（一）坚持稳中求进工作总基调，推动经济发展质量和效益稳步提升。"),
        (3, "（二）城市面貌持续改善。"),
    ]
    assert converted.document.run_in_level == 3
    assert to_confirm(converted) == []  # its sibling （二） confirms it


def test_all_siblings_long_and_a_parent_ending_with_a_full_stop(tmp_path: Path) -> None:
    """Every （n） of the section long and ending with 。, the parent 二、 a sentence too: all headings."""
    sections = [
        "（一）坚持创新驱动发展战略，加快构建具有区域特色的现代化产业体系。",
        "（二）坚持深化改革扩大开放，推动营商环境和发展活力持续改善。",
        "（三）坚持城乡区域协调发展，推动新型城镇化和乡村振兴扎实推进。",
    ]
    text = "二、坚持以高质量发展为主题，全面推进经济社会各项事业发展。\n"
    for i, heading in enumerate(sections):
        text += f"{heading}\n全年完成相关投资{i + 12}亿元，同比增长{i + 5}.2%，各项指标好于预期。\n"
    converted = convert_text(text, tmp_path)
    assert [level for level, _ in outline(converted)] == [2, 3, 3, 3]
    assert [t for _, t in outline(converted)][1:] == sections


def test_a_long_heading_no_sibling_confirms_is_reported(tmp_path: Path) -> None:
    text = (
        "一、工作回顾\n"
        "（一）坚持稳中求进工作总基调，推动经济发展质量和效益稳步提升，各项主要指标好于预期。\n"
        "全年实现地区生产总值58.6亿元，同比增长5.9%。\n"
        "（二）推进城市更新行动，完成老旧小区改造4个，惠及居民2300户，城市面貌进一步改善，背街小巷环境整治全面完成，"
        "群众满意度明显提高。新建口袋公园6个。\n"
    )
    converted = convert_text(text, tmp_path)
    assert (3, "（一）坚持稳中求进工作总基调，推动经济发展质量和效益稳步提升，各项主要指标好于预期。") in outline(
        converted
    )
    confirm = to_confirm(converted)
    assert len(confirm) == 1
    assert re.match(
        r"report\.txt:2:1: treated as a level-3 heading \(long, ends with 。.*\) — confirm: “（一）坚持", confirm[0]
    )


def test_fourteen_long_headings_of_a_provincial_report(tmp_path: Path) -> None:
    converted = convert(CASES["provincial-web"])
    headings = outline(converted)
    assert sum(1 for _, t in headings if t.startswith("（")) == 11
    assert [t for level, t in headings if level == 2] == ["一、2023年工作回顾", "二、2024年主要目标任务"]
    assert all(level in (2, 3) for level, _ in headings)


def test_a_restarted_numbering_without_a_part_heading_is_reported(tmp_path: Path) -> None:
    text = "一、工作回顾\n正文一。\n二、存在问题\n正文二。\n一、工作安排\n正文三。\n二、保障措施\n正文四。\n"
    converted = convert_text(text, tmp_path)
    confirm = to_confirm(converted)
    assert len(confirm) == 1 and confirm[0].startswith("report.txt:5:1: treated as a level-2 heading")
    assert "starts again here: is a part heading missing above it?" in confirm[0]


# ------------------------------------------------------------- 2. title blocks


def test_the_title_block_of_a_work_report(tmp_path: Path) -> None:
    converted = convert(CASES["provincial-web"])
    assert converted.meta["title"] == "政府工作报告"
    assert converted.meta["subtitle"] == "——2024年1月10日在某某省第十四届人民代表大会第二次会议上"
    assert converted.meta["organisation"] == "某某省省长　王五"
    first = converted.document.blocks[0]
    assert isinstance(first, Paragraph) and first.spans[0].text == "各位代表："
    assert not any("王五" in h.text for h in converted.document.headings())


@pytest.mark.parametrize(
    "speaker",
    [
        "某某省省长　王五",
        "某某市市长 张三",
        "区长　李四",
        "某某县县长　赵六",
        "国务院总理　钱七",
        "某某市发展和改革委员会主任　孙八",
        "某某区委书记　周九",
        "某某市统计局局长　吴十",
        "某某区人民法院院长　郑一",
    ],
)
def test_speakers_go_on_the_cover(speaker: str, tmp_path: Path) -> None:
    text = (
        f"政府工作报告\n——2024年1月10日在某某会议上\n{speaker}\n各位代表：\n"
        "现在，我向大会报告工作。\n一、工作回顾\n正文。\n"
    )
    converted = convert_text(text, tmp_path)
    assert (converted.meta["title"], converted.meta["organisation"]) == ("政府工作报告", speaker)
    assert outline(converted) == [(2, "一、工作回顾")]


@pytest.mark.parametrize(
    "organisation",
    [
        "某某市统计局",
        "某某区人民代表大会常务委员会",
        "某某街道办事处",
        "某某市第一人民医院",
        "某某城市建设投资有限公司",
    ],
)
def test_organisations_go_on_the_cover(organisation: str, tmp_path: Path) -> None:
    converted = convert_text(f"2023年工作总结\n{organisation}\n一年来，我们认真做好各项工作。\n", tmp_path)
    assert (converted.meta["title"], converted.meta["organisation"]) == ("2023年工作总结", organisation)


def test_first_numbering_is_a_heading_sequence() -> None:
    converted = convert(CASES["city-gbk-wrapped"])
    assert [t for level, t in outline(converted) if level == 2] == ["第一、过去一年工作回顾", "第二、2024年工作安排"]


def test_a_short_line_over_numbered_items_is_a_lead_in(tmp_path: Path) -> None:
    text = (
        "一、下一步工作\n今年要重点抓好以下工作。\n具体措施\n1.加强领导。各级要落实责任。\n2.强化保障。加大资金投入。\n"
        "二、保障措施\n正文。\n"
    )
    converted = convert_text(text, tmp_path)
    assert "具体措施" in paragraphs(converted)
    assert all(level >= 2 for level, _ in outline(converted))


def test_parts_when_the_numbering_starts_again(tmp_path: Path) -> None:
    text = "2021年工作回顾\n一、经济发展\n正文一。\n二、社会事业\n正文二。\n2022年工作安排\n一、稳增长\n正文三。\n"
    converted = convert_text(text, tmp_path)
    assert [t for level, t in outline(converted) if level == 1] == ["2021年工作回顾", "2022年工作安排"]
    assert to_confirm(converted) == []


# ---------------------------------------------------------- 3. web page chrome


@pytest.mark.parametrize(
    "chrome",
    [
        "视力保护色：",
        "字号：大 中 小",
        "【字体：大 中 小】",
        "相关附件：",
        "附件下载：2024年政府工作报告.pdf",
        "2024年政府工作报告（图解版）.pdf",
        "分享到：",
        "打印本页",
        "【关闭窗口】",
        "首页 > 政务公开 > 政府工作报告",
        "扫一扫在手机打开当前页",
    ],
)
def test_a_line_of_the_web_page_before_the_title_costs_nothing(chrome: str, tmp_path: Path) -> None:
    text = (
        f"{chrome}\n政府工作报告\n——2024年1月10日在某某会议上\n某某省省长　王五\n各位代表：\n现在，我向大会报告工作。\n"
    )
    converted = convert_text(text, tmp_path)
    assert converted.meta["title"] == "政府工作报告" and converted.meta["organisation"] == "某某省省长　王五"
    assert [d.text for d in converted.document.dropped] == [chrome]
    assert to_confirm(converted) == []


def test_an_unknown_line_before_the_title_is_left_out_and_reported(tmp_path: Path) -> None:
    text = (
        "欢迎访问某某省人民政府门户网站\n政府工作报告\n——2024年1月10日在某某会议上\n"
        "某某省省长　王五\n各位代表：\n正文。\n"
    )
    converted = convert_text(text, tmp_path)
    assert converted.meta["title"] == "政府工作报告"
    assert to_confirm(converted) == [
        "report.txt:1:1: treated as page furniture, left out (an unrecognised line before the title) — confirm: "
        "“欢迎访问某某省人民政府门户网站”"
    ]


def test_a_line_of_the_web_page_inside_the_title_block(tmp_path: Path) -> None:
    text = "政府工作报告\n视力保护色：\n——2024年1月10日在某某会议上\n某某省省长　王五\n各位代表：\n正文。\n"
    converted = convert_text(text, tmp_path)
    assert converted.meta["subtitle"] == "——2024年1月10日在某某会议上"
    assert converted.meta["organisation"] == "某某省省长　王五"
    assert [d.text for d in converted.document.dropped] == ["视力保护色："]


def test_the_page_around_a_provincial_report() -> None:
    converted = convert(CASES["provincial-web"])
    dropped = [d.text for d in converted.document.dropped]
    for line in (
        "视力保护色：",
        "相关附件：",
        "2024年政府工作报告（图解版）.pdf",
        "责任编辑：赵六",
        "【打印本页】　【关闭窗口】",
    ):
        assert line in dropped
    # The page's headline above the report's own title block is left out, and a person is asked.
    assert "2024年某某省政府工作报告" in dropped
    assert [line.split(": treated")[0] for line in to_confirm(converted)] == ["provincial-web.txt:4:1"]


# ---------------------------------------------------------------------- 4. notes


def test_a_note_carries_the_explanation_from_the_next_line(tmp_path: Path) -> None:
    converted = convert(CASES["provincial-web"])
    notes = {n.label: "".join(s.text for s in n.spans) for n in converted.document.blocks if isinstance(n, NoteDef)}
    assert notes == {
        "1": "三清一改：清理农村生活垃圾、清理村内塘沟、清理畜禽养殖粪污等农业生产废弃物，"
        "改变影响农村人居环境的不良习惯。",
        "2": "千村示范、万村整治工程：以农村生产、生活、生态“三生”环境改善为重点，整治建设村庄、建设示范村的工程。",
    }
    report = import_file(CASES["provincial-web"], tmp_path / "p")
    doc = parse_project(report.out_dir)
    assert {label: inline_text(note.content) for label, note in doc.footnotes.items()} == notes
    assert "名词解释" in [d.text for d in converted.document.dropped]


def test_notes_numbered_per_chapter_each_print_their_own(tmp_path: Path) -> None:
    report = import_file(CASES["chapters-big5"], tmp_path / "c")
    doc = parse_project(report.out_dir)
    texts = {label: inline_text(note.content) for label, note in doc.footnotes.items()}
    assert texts == {
        "1": "貸款：指透過縣府專案協助，由金融機構核貸的中小企業貸款。",
        "1-2": "社區照顧關懷據點：由在地團體設置，提供長者關懷訪視、電話問安及健康促進等服務的場所。",
    }
    calls = [
        (inline_text(block.content, labels=False).split("。")[0][-8:], node.label)
        for block in doc.blocks
        if isinstance(block, ParsedParagraph)
        for node in block.content
        if isinstance(node, FootnoteRef)
    ]
    assert calls == [("貸款12.5億元", "1"), ("長者3.2萬人次", "1-2")]
    assert [n.number for n in doc.footnotes.values()] == [1, 2]


def test_notes_without_calls_and_calls_without_notes_are_reported(tmp_path: Path) -> None:
    converted = convert_text("正文一［1］，正文二［3］。\n注释：\n［1］第一条注释。\n［2］第二条注释。\n", tmp_path)
    confirm = to_confirm(converted)
    assert any("a note call without its note" in line and "［3］" in line for line in confirm)
    assert any(
        line.startswith("report.txt:4:1: treated as a paragraph (a note ［2］ that the text never calls)")
        for line in confirm
    )


# ----------------------------------------------------------- 5. hard-wrapped text


def test_hard_wrapped_text_with_indents_is_rejoined() -> None:
    converted = convert(CASES["city-gbk-wrapped"])
    texts = paragraphs(converted)
    assert "现在，我代表区人民政府，向大会报告工作，请予审议，并请区政协委员和其他列席人员提出意见。" in texts
    # A line ending with 。 at the margin: the next line has no indent, so the paragraph goes on.
    assert (
        "规模以上工业增加值增长８.１％，工业经济运行稳中有进。新增规模以上工业企业３６家，"
        "高新技术企业达到４１２家。数字经济核心产业增加值占比提高到１２.６％。"
    ) in texts
    assert "完成老旧小区改造２８个。" in texts  # a short indented paragraph stays one
    assert to_confirm(converted) == []


def test_a_short_hard_wrapped_text_with_indents(tmp_path: Path) -> None:
    text = (
        "　　全年新建城市道路１５.８公里，打通断头\n路９条。城市功能进一步完善。\n"
        "　　新增公共停车泊位２６００个，缓解了停\n车难问题。\n"
    )
    converted = convert_text(text, tmp_path)
    assert paragraphs(converted) == [
        "全年新建城市道路１５.８公里，打通断头路９条。城市功能进一步完善。",
        "新增公共停车泊位２６００个，缓解了停车难问题。",
    ]


def test_hard_wrapped_text_without_indents_uses_the_margin() -> None:
    converted = convert(CASES["county-utf16-wrapped"])
    assert converted.encoding == "UTF-16"
    texts = paragraphs(converted)
    assert (
        "全县地区生产总值完成168.4亿元，增长5.8%；固定资产投资完成92.6亿元，增长7.5%；社会消费品零售总额完成61.3亿元，增长6.9%。"
        in texts
    )
    assert (
        "经济总量不大、产业结构不优的问题仍然突出，县域经济发展的内生动力不足。民生保障还有不少短板，城乡区域发展不够平衡。"
        in texts
    )
    confirm = to_confirm(converted)
    assert len(confirm) == 1
    assert confirm[0].startswith(
        "county-report.txt:16:1: treated as part of the paragraph of line 15 (the line above ends with 。 at the margin"
    )


# ------------------------------------------------------ 6. Markdown from other tools


def test_markdown_tables_boxes_pictures_and_notes_of_other_tools(tmp_path: Path) -> None:
    report = import_file(CASES["markdown-tools"], tmp_path / "m")
    doc = parse_project(report.out_dir)
    tables = [b for b in doc.blocks if isinstance(b, Table)]
    assert len(tables) == 1
    assert [inline_text(c.content) for c in tables[0].header[0]] == ["指标", "2022年", "2023年"]
    assert [[inline_text(c.content) for c in row] for row in tables[0].rows][-1] == ["平均办理时限压缩", "", "42%"]
    quotes = [b for b in doc.blocks if isinstance(b, Quote)]
    assert [inline_text(q.children[0].content) for q in quotes if isinstance(q.children[0], ParsedParagraph)] == [
        "工作亮点",
        "注意",
    ]
    placeholder = report.out_dir / "source" / "images" / "missing-1.svg"
    assert placeholder.read_text(encoding="utf-8").startswith("<svg") and "hall-2023.jpg" in placeholder.read_text(
        encoding="utf-8"
    )
    md = (report.out_dir / "source" / "report.md").read_text(encoding="utf-8")
    assert "![政务服务中心大厅](images/missing-1.svg)" in md
    notes = {label: inline_text(note.content)[:6] for label, note in doc.footnotes.items()}
    assert notes == {"1": "网上可办率：", "1-2": "数据资源目录", "2": "免证办：办事"}
    confirm = uncertainty_lines(report.converted.document.decisions, "tools-report.md", "markdown")
    assert [line.split(" (")[0] for line in confirm] == [
        "tools-report.md:30:1: treated as a placeholder picture, images/missing-1.svg"
    ]


# ---------------------------------------------------------- 7. English PDF text


def test_english_text_from_a_pdf(tmp_path: Path) -> None:
    converted = convert(CASES["english-pdftotext"])
    assert [t for _, t in outline(converted)] == [
        "1. HOUSING",
        "2. TRANSPORT",
        "3. OUR PEOPLE",
        "4. PRIORITIES FOR 2024",
    ]
    texts = paragraphs(converted)
    assert "JANE OKAFOR" in texts and "MARK ELLIS" in texts  # names over their roles are not headings
    assert any("the average wait for a family home is now eleven months, down from fourteen." in t for t in texts)
    assert not any(re.search(r"[.,] ?[234]$", t) for t in texts)  # no page number glued to a sentence
    dropped = {d.text.split()[-1] for d in converted.document.dropped}
    assert dropped == {"2", "3", "4"}
    tables = [b for b in converted.document.blocks if isinstance(b, TableBlock)]
    assert [["".join(s.text for s in cell) for cell in table.rows[0]] for table in tables] == [
        ["Rank", "Service", "2022", "2023"],
        ["Route", "Journeys 2023", "Change"],
    ]
    assert converted.meta["title"] == "Annual Report 2023"
    assert converted.meta["organisation"] == "NORTHFIELD DISTRICT COUNCIL"


def test_tab_separated_chinese_table(tmp_path: Path) -> None:
    report = import_file(CASES["city-gbk-wrapped"], tmp_path / "city")
    doc = parse_project(report.out_dir)
    (table,) = [b for b in doc.blocks if isinstance(b, Table)]
    assert [inline_text(c.content) for c in table.header[0]] == ["指标", "单位", "2023年", "增长"]
    assert [inline_text(c.content) for c in table.rows[0]] == ["地区生产总值", "亿元", "456.7", "6.2%"]


# ------------------------------------------------------------------ 8. Word


def test_word_cover_page_breaks_and_signature(tmp_path: Path) -> None:
    converted = convert(CASES["word-cover"])
    assert converted.meta["title"] == "2023年法治政府建设情况报告"
    assert converted.meta["organisation"] == "某某市某某区人民政府"
    assert converted.meta["date"] == "2024年1月"  # the cover's （2024年1月）, without its brackets
    assert "某某市某某区人民政府" not in paragraphs(converted)  # the signature left the body
    assert [t for level, t in outline(converted) if level == 1] == [
        "一、2023年法治政府建设主要举措和成效",
        "二、存在的不足",
        "三、2024年工作安排",
    ]
    assert to_confirm(converted) == []


def test_a_signature_goes_to_the_front_matter(tmp_path: Path) -> None:
    converted = convert(CASES["county-utf16-wrapped"])
    assert (converted.meta["organisation"], converted.meta["date"]) == ("某某县人民政府", "2024年1月15日")
    assert not {"某某县人民政府", "2024年1月15日"} & set(paragraphs(converted))


def test_a_signature_that_disagrees_with_the_title_block_stays(tmp_path: Path) -> None:
    converted = convert(CASES["city-gbk-wrapped"])
    assert converted.meta["organisation"] == "区长　李明"
    assert paragraphs(converted)[-2:] == ["某某市某某区人民政府", "２０２４年１月８日"]


# ------------------------------------------------------- 9. chart suggestions


def test_figures_are_grouped_by_their_whole_unit(tmp_path: Path) -> None:
    text = (
        "一、交通运输\n全年旅客发送量1.2亿人次，快递业务量3.5亿件，网上办件量2.1亿次，"
        "公交客运量0.8亿人次，地铁客运量4.6亿人次。\n"
    )
    converted = convert_text(text, tmp_path)
    units = {f.unit for f in converted.figures}
    assert units == {"亿人次", "亿件", "亿次"}
    specs = yaml.safe_load("\n".join(line[2:] for line in converted.suggestions.split("\n") if line.startswith("# ")))
    bars = [s for s in specs if s["type"] in ("bar", "hbar")]
    assert [(s["unit"], s["labels"]) for s in bars] == [("亿人次", ["旅客发送量", "公交客运量", "地铁客运量"])]


def test_a_chart_suggestion_has_at_most_twelve_bars(tmp_path: Path) -> None:
    items = "，".join(f"第{i}项指标增长{i}.5%" for i in range(1, 31))
    converted = convert_text(f"一、主要指标\n{items}。\n", tmp_path)
    specs = yaml.safe_load("\n".join(line[2:] for line in converted.suggestions.split("\n") if line.startswith("# ")))
    bars = [s for s in specs if s["type"] in ("bar", "hbar")]
    assert sum(len(s["labels"]) for s in bars) == 30
    assert all(len(s["labels"]) <= MAX_BARS for s in bars)


def test_labels_are_noun_phrases_of_the_text() -> None:
    converted = convert(CASES["provincial-web"])
    labels = [f.label for f in converted.figures if f.label]
    assert labels and all(noun_phrase(label) for label in labels)
    assert not any(label.startswith(("、", "，", "增长")) for label in labels)
    gdp = next(f for f in converted.figures if f.written == "5.6")
    assert gdp.label == "地区生产总值增长"  # a bare 增长 takes the subject of its sentence
    for junk in ("、增长", "增长", "的", "提高到", "同比"):
        assert not noun_phrase(junk)


def test_seed_suggestions_have_no_junk_labels() -> None:
    seed = CASES["seed"]
    if not seed.is_file():
        pytest.skip("shared/seed is not beside the repository")
    figures = convert(seed).figures
    labelled = [f for f in figures if f.label]
    assert len(labelled) >= 0.8 * len(figures)
    assert all(noun_phrase(f.label) for f in labelled)


# ----------------------------------------------- the uncertainty report, the CLI


def test_the_outline_summary_is_always_printed(tmp_path: Path) -> None:
    code, _, err = run_cli("import", str(CASES["city-gbk-wrapped"]), "-o", str(tmp_path / "city"))
    assert code == 0, err
    assert "import: outline: 7 headings (## 2, ### 5 run-in)" in err
    assert "import: numbered lines: 第一、 2: 2 headings; （一） 5: 5 headings" in err
    assert err.rstrip().endswith("import: nothing uncertain")


def test_strict_fails_on_uncertain_decisions_and_writes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "county"
    code, stdout, err = run_cli("import", str(CASES["county-utf16-wrapped"]), "-o", str(out), "--strict")
    assert code == 1
    assert not out.exists() and "wrote" not in stdout
    assert re.search(r"county-report\.txt:16:1: treated as part of the paragraph of line 15 \(", err)
    assert re.search(
        r"county-report\.txt:1:1: error: 1 decision to confirm \(listed above\); nothing written\n  hint: ", err
    )
    assert "Traceback" not in err


def test_strict_passes_when_nothing_is_uncertain(tmp_path: Path) -> None:
    code, stdout, err = run_cli("import", str(CASES["word-cover"]), "-o", str(tmp_path / "w"), "--strict")
    assert code == 0, err
    assert "wrote " in stdout


def test_explain_says_what_every_line_became(tmp_path: Path) -> None:
    code, stdout, err = run_cli("import", str(CASES["provincial-web"]), "-o", str(tmp_path / "p"), "--explain")
    assert code == 0, err
    explained = {int(m.group(1)) for m in re.finditer(r"provincial-web\.txt:(\d+):\d+: ", stdout)}
    lines = CASES["provincial-web"].read_text(encoding="utf-8").split("\n")
    assert explained == {n for n, line in enumerate(lines, start=1) if line.strip()}
    assert re.search(
        r"provincial-web\.txt:18:1: a level-3 heading \(###, run-in\): “（二）坚持创新驱动发展战略.*” — "
        r"a numbered sentence on its own line over body text, like \d+ of its \d+ siblings.* \[likely 0\.80\]",
        stdout,
    )
    assert re.search(r"provincial-web\.txt:48:1: the text of footnote \[\^1\] \(line 47\): “清理农村", stdout)


# --------------------------------------------------------- generated reports

_WORDS = (
    "坚持 推动 经济 发展 质量 效益 稳步 提升 城市 面貌 持续 改善 民生 保障 创新 驱动 改革 开放 生态 环境 治理 服务"
).split()
_CN = "一二三四五六七八九十"


@st.composite
def _report(draw: st.DrawFn) -> tuple[str, list[tuple[int, str]]]:
    """A work report with a known outline: title block, 一、 chapters, （n） sections of any length, body text."""

    def words(low: int, high: int) -> str:
        return "".join(draw(st.lists(st.sampled_from(_WORDS), min_size=low, max_size=high)))

    lines = [
        "某某区2023年政府工作报告",
        "——2024年1月10日在某某区第五届人民代表大会第三次会议上",
        "区长　张三",
        "各位代表：",
    ]
    lines.append(words(12, 20) + "，" + words(8, 16) + "。")
    expected: list[tuple[int, str]] = []
    for c in range(draw(st.integers(1, 3))):
        chapter = f"{_CN[c]}、{words(2, 6)}"
        lines.append(chapter)
        expected.append((2, chapter))
        if draw(st.booleans()):
            lines.append(words(10, 20) + "。")
        for k in range(draw(st.integers(2, 5))):
            long = draw(st.booleans())
            section = f"（{_CN[k]}）{words(6, 14) + '，' + words(6, 12) if long else words(2, 5)}。"
            lines.append(section)
            expected.append((3, section))
            for _ in range(draw(st.integers(1, 2))):
                lines.append(words(8, 18) + f"，全年完成{draw(st.integers(2, 99))}个项目。")
    return "\n".join(lines) + "\n", expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_report(), st.sampled_from(["\n", "\r\n"]), st.sampled_from(["utf-8", "gb18030", "utf-16"]))
def test_generated_reports_get_their_outline(
    report: tuple[str, list[tuple[int, str]]], newline: str, encoding: str
) -> None:
    """Any mix of short and long （n） headings over body text comes out as written, in any encoding and line end,
    and nothing of the text is lost or doubled."""
    text, expected = report
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_bytes(text.replace("\n", newline).encode(encoding))
        imported = import_file(path, Path(folder) / "project")
        assert [(h.level, h.text) for h in imported.converted.document.headings()] == expected
        assert imported.converted.meta["organisation"] == "区长　张三"
        doc = parse_project(imported.out_dir)
        assert body_chars(project_text(imported, doc, labels=False)) == body_chars(kept_input(text, imported, False))
        headings = [b for b in doc.blocks if isinstance(b, ParsedHeading)]
        leads = [b.lead for b in doc.blocks if isinstance(b, ParsedParagraph) and b.lead is not None]
        assert len(headings) + len(leads) == len(expected)


def _wrap(text: str, width: int, indent: bool) -> str:
    """Hard-wrap the paragraphs of ``text`` at ``width`` characters (headings and the title block too)."""
    spec = importlib.util.spec_from_file_location("make_text", FIXTURES / "make_text.py")
    assert spec is not None and spec.loader is not None
    make_text = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_text)
    out: list[str] = []
    for number, line in enumerate(text.rstrip("\n").split("\n")):
        body = number > 3 and not re.match(r"^[一二三四五六七八九十]、|^（", line)
        out += make_text.wrap(line, width, "\u3000\u3000" if indent and body else "")
    return "\n".join(out) + "\n"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_report(), st.integers(30, 44), st.booleans())
def test_generated_reports_hard_wrapped(report: tuple[str, list[tuple[int, str]]], width: int, indent: bool) -> None:
    """The same reports hard-wrapped, with or without indents: the same outline, the same text."""
    text, expected = report
    wrapped = _wrap(text, width, indent)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.txt"
        path.write_text(wrapped, encoding="utf-8")
        imported = import_file(path, Path(folder) / "project")
        assert [(h.level, h.text) for h in imported.converted.document.headings()] == expected
        doc = parse_project(imported.out_dir)
        got = body_chars(project_text(imported, doc, labels=False))
        assert got == body_chars(kept_input(wrapped, imported, False))


def test_english_alnum_helper_is_used_for_lists() -> None:
    assert alnum("1. Route 12") == "1Route12"
