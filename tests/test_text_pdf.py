"""A typesetter's pass over the text of the sample, both themes, measured on the PDF (issue #15, items 2–6):
headings, opening marks at a line start, Han–Latin spacing in every role, the extracted text, Latin hyphens."""

from __future__ import annotations

import collections
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pdfplumber
import pytest

from publisher import model
from publisher.options import BuildOptions
from publisher.pipeline import BuildResult, build
from publisher.typeset.chars import FULL_WIDTH_MARKS, OPENING, is_han
from publisher.units import PT_PER_MM as MM

from .conftest import REPO

MARGINS = {"report": (24, 25, 24, 25), "gongwen": (37, 26, 35, 28)}
"""Page margins (top, right, bottom, left, mm) of each theme on A4: the text area, without running heads and folios."""
BODY = {"report": 11.5, "gongwen": 16.0}
A4 = (210 * MM, 297 * MM)


@dataclass
class Built:
    theme: str
    pdf: Path
    result: BuildResult


@pytest.fixture(scope="module", params=["report", "gongwen"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Built:
    theme = str(request.param)
    out = tmp_path_factory.mktemp(theme) / f"{theme}.pdf"
    return Built(theme, out, build(BuildOptions(project=REPO, output=out, theme=theme)))


# ------------------------------------------------------------------ extracted text


def text_area(built: Built) -> str:
    """pdftotext of the text area of every page (no running heads, no folios), line ends removed."""
    top, right, bottom, left = (m * MM for m in MARGINS[built.theme])
    width, height = A4[0] - left - right, A4[1] - top - bottom
    box = [str(round(v)) for v in (left - 3, top - 3, width + 6, height + 6)]
    args = ["pdftotext", "-enc", "UTF-8", "-x", box[0], "-y", box[1], "-W", box[2], "-H", box[3]]
    out = subprocess.run([*args, str(built.pdf), "-"], check=True, capture_output=True, text=True).stdout
    return re.sub(r"\n+", "", out.replace("\f", ""))


def paragraphs(doc: model.Document) -> Iterator[str]:
    """The normalised text of every paragraph of the body, as the reader should get it back."""
    for block in doc.blocks:
        if isinstance(block, model.Paragraph) and not any(isinstance(n, model.Image) for n in block.content):
            lead = block.lead.text if block.lead is not None else ""
            yield lead + model.plain_text(block.content)


def test_extracted_text_of_every_paragraph_is_the_source(built: Built) -> None:
    """pdftotext (poppler: what a viewer's copy-paste does) gives every paragraph exactly as written:
    no space guessed from the Han–Latin spacing, justification or compressed punctuation."""
    extracted = text_area(built)
    texts = list(paragraphs(built.result.document))
    assert len(texts) > 40
    missing = [text for text in texts if text not in extracted]
    assert missing == []
    assert "完成签约投资1亿元人民币或1000万美元以上产业项目7个" in extracted


def test_a_caption_number_stays_a_word_of_its_own(built: Built) -> None:
    """The gap after 图 1 is a word boundary, not Chinese–Western spacing: the text keeps a space there."""
    extracted = subprocess.run(["pdftotext", "-enc", "UTF-8", str(built.pdf), "-"], capture_output=True, text=True)
    assert re.search(r"图 \d+ 基层党组织和红色驿站", extracted.stdout)


# ------------------------------------------------------------------------ lines


@dataclass
class Line:
    page: int
    top: float
    size: float
    chars: list[dict[str, Any]]

    @property
    def text(self) -> str:
        return "".join(str(c["text"]) for c in self.chars)


def lines(pdf: Path) -> list[Line]:
    """Every printed line (characters of one size on one baseline), page by page, top to bottom."""
    found: list[Line] = []
    with pdfplumber.open(pdf) as document:
        for index, page in enumerate(document.pages):
            grouped: dict[tuple[int, float], list[dict[str, Any]]] = collections.defaultdict(list)
            for char in page.chars:
                if str(char["text"]).strip():
                    grouped[(round(float(char["bottom"])), round(float(char["size"]), 1))].append(char)
            for (_, size), chars in sorted(grouped.items()):
                chars.sort(key=lambda c: float(c["x0"]))
                found.append(Line(index, float(chars[0]["top"]), size, chars))
    return found


def test_an_opening_mark_at_a_line_start_is_half_width(built: Built) -> None:
    """clreq: “ or （ starting a line at the left edge takes half an em; the next character starts within
    0.75 em of the edge (half an em and the line's justification), never a full em in."""
    left = MARGINS[built.theme][3] * MM
    body = BODY[built.theme]
    starting = [
        line
        for line in lines(built.pdf)
        if abs(line.size - body) < 0.2 and line.text[0] in OPENING and line.chars[1]["x0"] - left < 1.6 * body
    ]
    assert len(starting) >= 5, "the sample has lines starting with “: the test would check nothing"
    for line in starting:
        advance = (float(line.chars[1]["x0"]) - left) / body
        assert advance < 0.75, f"page {line.page + 1}: {line.text[:12]}… next character {advance:.2f} em in"


def test_full_lines_still_hold_28_characters_in_gongwen(built: Built) -> None:
    if built.theme != "gongwen":
        pytest.skip("the grid is gongwen's")
    left, right = 28 * MM, 184 * MM
    starting = [
        line
        for line in lines(built.pdf)
        if line.size == 16.0 and line.text[0] in OPENING and abs(float(line.chars[-1]["x1"]) - right) < 1
    ]
    chinese = [
        line
        for line in starting
        if float(line.chars[0]["x0"]) < left and all(is_han(c) or c in FULL_WIDTH_MARKS for c in line.text)
    ]
    assert chinese, "no full Chinese line of the sample starts with “: the test would check nothing"
    for line in chinese:
        assert len(line.text) == 28, line.text


# --------------------------------------------------------------------- headings


def heading_lines(built: Built) -> list[tuple[str, list[Line], list[Line]]]:
    """Each heading of the text (not run-in ones) with its printed lines and the lines under it on its page."""
    printed = lines(built.pdf)
    found = []
    for heading in built.result.document.headings():
        if heading.run_in:
            continue
        wanted = heading.text.replace(" ", "")
        for start in range(len(printed)):
            joined, end = "", start
            while end < len(printed) and printed[end].page == printed[start].page and len(joined) < len(wanted):
                joined += printed[end].text.replace(" ", "")
                end += 1
            if joined == wanted:
                page = printed[start].page
                below = [line for line in printed[end:] if line.page == page]
                found.append((heading.text, printed[start:end], below))
                break
        else:
            raise AssertionError(f"heading not found in the PDF: {heading.text}")
    return found


def test_multi_line_headings_are_balanced(built: Built) -> None:
    """No heading ends with one or two characters alone; the last line is at least a third of the longest,
    and a two-line heading breaks after a comma where it can."""
    multi = [(text, printed) for text, printed, _ in heading_lines(built) if len(printed) > 1]
    assert len(multi) >= 4, "the sample has long headings: the test would check nothing"
    for text, printed in multi:
        lengths = [len(line.text) for line in printed]
        assert lengths[-1] > 2 and lengths[-1] >= max(lengths) / 3, (text, lengths)
    broken_at_comma = [printed for _, printed in multi if printed[0].text.endswith(("，", "、"))]
    assert len(broken_at_comma) == len(multi)


def test_headings_are_ragged(built: Built) -> None:
    """A heading line is never spread to the full measure: letter-spacing is the same in every heading."""
    right = A4[0] - MARGINS[built.theme][1] * MM
    for text, printed, _ in heading_lines(built):
        for line in printed[:-1]:
            assert float(line.chars[-1]["x1"]) < right - line.size, text


def test_no_heading_alone_at_a_page_foot(built: Built) -> None:
    """At least two lines of what follows a heading stand under it on its page."""
    foot = A4[1] - MARGINS[built.theme][2] * MM
    for text, _, below in heading_lines(built):
        assert len([line for line in below if line.top < foot]) >= 2, text


# ------------------------------------------------------------------- Latin text


def test_an_english_hyphen_is_a_latin_hyphen(tmp_path: Path) -> None:
    """Hyphenation adds U+002D at its Latin width, never the CJK face's full-width U+2010 (``cir -``)."""
    out = tmp_path / "en.pdf"
    build(BuildOptions(project=REPO / "tests" / "samples" / "en", output=out))
    hyphens = []
    with pdfplumber.open(out) as pdf:
        for page in pdf.pages:
            hyphens += [c for c in page.chars if c["text"] in "-\u2010\u2011"]
    assert any(float(c["x1"]) > A4[0] - 26 * MM for c in hyphens), "no line ends hyphenated: nothing checked"
    for char in hyphens:
        assert char["text"] == "-" and float(char["x1"]) - float(char["x0"]) < 0.5 * float(char["size"])
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True).stdout
    assert "interdis-\n" in text


# ------------------------------------------------------------ Han–Latin spacing


def han_digit_gaps(built: Built, needle: str) -> list[tuple[float, float]]:
    """(font size, gap in pt) between the first digit-to-Han or Han-to-digit pair of ``needle`` wherever a line
    shows it: from the end of the first character to the start of the second, less the line's letter-spacing
    (measured between two Han characters of ``needle``)."""
    pair = next(i for i in range(len(needle) - 1) if is_han(needle[i]) != is_han(needle[i + 1]))
    han = next(i for i in range(len(needle) - 1) if is_han(needle[i]) and is_han(needle[i + 1]))
    found = []
    top = MARGINS[built.theme][0] * MM - 1
    for line in lines(built.pdf):
        if line.top < top:
            continue  # a running head: measured by test_running_heads_are_spaced_too
        text = line.text
        start = text.find(needle)
        if start < 0:
            continue
        a, b = line.chars[start + pair], line.chars[start + pair + 1]
        first_end = float(a["x0"]) + (line.size if is_han(str(a["text"])) else float(a["x1"]) - float(a["x0"]))
        tracking = float(line.chars[start + han + 1]["x0"]) - float(line.chars[start + han]["x0"]) - line.size
        found.append((line.size, float(b["x0"]) - first_end - tracking))
    return found


@pytest.mark.parametrize(
    ("role", "needle"),
    [
        ("body", "生产总值704.83亿元|成立100周年|超2700平方米"),
        ("part heading, contents and cover", "2021年工作回顾"),
        ("figure caption", "2021年主要指标"),
        ("table caption", "2021年完成和2022年安排"),
    ],
)
def test_han_latin_spacing_is_one_rule_in_every_role(built: Built, role: str, needle: str) -> None:
    """¼ em between Han and digits at text sizes; at display sizes no more than ¼ of the body size (``needle``:
    texts of that role, ``|`` between them, any of which a line may show whole)."""
    body = BODY[built.theme]
    gaps = [gap for text in needle.split("|") for gap in han_digit_gaps(built, text)]
    if role == "body":  # not a table's row, where a line of cells may read 生产总值 | 704.83亿元
        gaps = [(size, gap) for size, gap in gaps if size == pytest.approx(body)]
    assert gaps, f"{role}: {needle} not found"
    tolerance = 0.1 * body if role == "body" else 0.35  # justified body lines add their letter-spacing
    for size, gap in gaps:
        assert gap == pytest.approx(min(size, body) / 4, abs=tolerance), f"{role} at {size} pt: gap {gap:.2f} pt"


def test_running_heads_are_spaced_too(built: Built) -> None:
    """A running head is plain text (CSS ``string-set``), spaced with a four-per-em space (U+2005): ¼ of its
    size, which at 8.5 pt is also less than ¼ of the body size."""
    if built.theme == "gongwen":
        pytest.skip("GB/T 9704 pages have no running head")
    top = MARGINS[built.theme][0] * MM - 1
    gaps = []
    for line in lines(built.pdf):
        if line.top >= top:
            continue
        chars = [c for c in line.chars if c["text"] != "\u2005"]
        at = "".join(str(c["text"]) for c in chars).find("2022年工作安排")
        if at >= 0:
            gaps.append((line.size, float(chars[at + 4]["x0"]) - float(chars[at + 3]["x1"])))
    assert len(gaps) >= 4  # the part's pages but its opener
    for size, gap in gaps:
        assert gap == pytest.approx(min(size, BODY[built.theme]) / 4, abs=0.35), f"{size} pt: gap {gap:.2f} pt"
