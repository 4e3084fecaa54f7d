"""Traditional Chinese and English reports: language drives glyph forms, words and rules."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from publisher.options import BuildOptions
from publisher.pipeline import BuildResult, build, draw, prepare, render

from .conftest import ProjectMaker, pdftotext

SAMPLES = Path(__file__).parent / "samples"
MM = 72 / 25.4


@pytest.fixture(scope="module")
def hant(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(BuildOptions(project=SAMPLES / "zh-hant", output=tmp_path_factory.mktemp("hant") / "h.pdf"))


@pytest.fixture(scope="module")
def english(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    return build(BuildOptions(project=SAMPLES / "en", output=tmp_path_factory.mktemp("en") / "e.pdf"))


def _outline(pdf: Path) -> list[str]:
    reader = PdfReader(pdf)
    titles: list[str] = []

    def walk(items: object) -> None:
        for item in items:  # type: ignore[attr-defined]
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(str(item.title))

    walk(reader.outline)
    return titles


def test_traditional_chinese_builds_with_its_own_words(hant: BuildResult) -> None:
    assert hant.warnings.warnings == []
    reader = PdfReader(hant.output)
    root: object = reader.trailer["/Root"]
    assert root["/Lang"] == "zh-TW"  # type: ignore[index]
    text = pdftotext(hant.output)
    assert "目錄" in "".join(text.split())
    assert "圖 1" in text.replace("圖1", "圖 1")
    assert "單位：個" in text
    assert _outline(hant.output) == [h.text for h in hant.document.headings()]
    assert "「十四五」" in text


def test_traditional_chinese_does_not_compress_punctuation_by_default() -> None:
    prepared = prepare(BuildOptions(project=SAMPLES / "zh-hant", cache=False))
    html = render(draw(prepared)).html
    assert 'class="halt"' not in html
    assert 'class="aut-l' in html  # Han–Latin spacing still applies


def test_regional_glyph_forms_follow_the_language(make_project: ProjectMaker, tmp_path: Path) -> None:
    """骨 is drawn differently in Simplified and Traditional Chinese: the language picks the form."""
    import pdfplumber
    from PIL import Image, ImageChops

    crops = []
    for lang in ("zh-CN", "zh-TW"):
        root = make_project(body="# 一\n\n骨骨骨骨。\n", front=f"title: 测试\nname: t\nlang: {lang}")
        result = build(BuildOptions(project=root, output=tmp_path / f"{lang}.pdf"))
        with pdfplumber.open(result.output) as pdf:
            index = next(i for i, page in enumerate(pdf.pages) if "骨骨" in (page.extract_text() or ""))
            char = next(c for c in pdf.pages[index].chars if c["text"] == "骨")
        stem = tmp_path / lang
        subprocess.run(["pdftoppm", "-r", "300", "-png", "-singlefile", "-f", str(index + 1), "-l", str(index + 1),
                        str(result.output), str(stem)], check=True)  # fmt: skip
        scale = 300 / 72
        box = (char["x0"] * scale, char["top"] * scale, char["x1"] * scale, char["bottom"] * scale)
        crops.append(Image.open(f"{stem}.png").convert("L").crop(box))
    difference = ImageChops.difference(crops[0], crops[1])
    changed = sum(1 for value in difference.tobytes() if value > 64)
    assert changed > 50, "the Traditional form of 骨 should differ from the Simplified one"


def test_english_uses_english_words_hyphenation_and_word_justification(english: BuildResult) -> None:
    from publisher.typeset.measure import body_lines, measure

    assert english.warnings.warnings == []
    reader = PdfReader(english.output)
    root: object = reader.trailer["/Root"]
    assert root["/Lang"] == "en"  # type: ignore[index]
    text = pdftotext(english.output)
    assert "Contents" in text and "Figure 1" in text and "Unit: projects" in text
    # in layout mode: without it poppler joins a word hyphenated with U+002D back together
    laid_out = subprocess.run(["pdftotext", "-layout", str(english.output), "-"], capture_output=True, text=True)
    body = [line for line in laid_out.stdout.splitlines() if len(line) > 40]
    assert any(line.rstrip().endswith("-") for line in body), "long English words are hyphenated"
    lines = body_lines(english.output, 11.5, fonts=("Serif",), first_page=2)
    report = measure(lines, 25 * MM, (210 - 25) * MM)
    assert report.lines > 8
    assert report.not_flush == []
    assert report.han_latin_gaps == []
