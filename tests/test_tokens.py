"""Theme tokens are typed, checked with positions, and drive the CSS they feed."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from publisher.errors import Pos, PublisherError
from publisher.options import BuildOptions
from publisher.pipeline import build
from publisher.theme import load_theme

from .conftest import ProjectMaker


def _tokens(root: Path, text: str, theme: str = "report") -> None:
    folder = root / "styles" / theme
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "tokens.yaml").write_text(text, encoding="utf-8")


def _body_sizes(pdf: Path) -> set[float]:
    with pdfplumber.open(pdf) as document:
        return {round(float(c["size"]), 1) for page in document.pages[2:] for c in page.chars if c["text"] == "正"}


def test_the_body_size_token_sets_the_body_size(make_project: ProjectMaker, tmp_path: Path) -> None:
    root = make_project("# 一\n\n正文正文。\n")
    assert _body_sizes(build(BuildOptions(project=root, output=tmp_path / "a.pdf")).output) == {11.5}
    _tokens(root, "size:\n  body-pt: 14\n")
    assert _body_sizes(build(BuildOptions(project=root, output=tmp_path / "b.pdf")).output) == {14.0}


def test_a_falling_kpi_is_marked_in_the_second_chart_colour(make_project: ProjectMaker, tmp_path: Path) -> None:
    kpi = "id: k\ntype: kpi\ntitle: 指标\nitems:\n  - {label: 甲, value: 3, change: -2.5}\n"
    root = make_project("# 一\n\n甲3，下降2.5。\n\n![](chart:k)\n", charts={"k.yaml": kpi})
    result = build(BuildOptions(project=root, output=tmp_path / "k.pdf"))
    with pdfplumber.open(result.output) as document:
        marks = [c for page in document.pages for c in page.chars if c["text"] == "▼"]
    assert marks
    assert [round(v * 255) for v in marks[0]["non_stroking_color"]] == [0x6A, 0x8A, 0xAE]  # palette[2] of base


@pytest.mark.parametrize(
    ("tokens", "message", "pos"),
    [
        ("color:\n  primry: '#000000'\n", "unknown token 'color.primry'", (2, 3)),
        ("size:\n  body-pt: big\n", "size.body-pt: expected a number of points, got 'big'", (2, 12)),
        ("color:\n  primary: red\n", "color.primary: expected a colour", (2, 12)),
        ("fonts:\n  marginal: [Publisher Sans]\n", "font role 'marginal' is used by no stylesheet", (2, 3)),
    ],
)
def test_token_mistakes_have_positions(
    make_project: ProjectMaker, tokens: str, message: str, pos: tuple[int, int]
) -> None:
    root = make_project()
    _tokens(root, tokens)
    with pytest.raises(PublisherError) as caught:
        load_theme("report", root)
    assert message in caught.value.message
    assert caught.value.pos == Pos(root / "styles" / "report" / "tokens.yaml", *pos)


def test_a_theme_declares_what_it_extends_and_its_checks(make_project: ProjectMaker) -> None:
    root = make_project()
    folder = root / "styles" / "mine"
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text("extends: gongwen\n", encoding="utf-8")
    theme = load_theme("mine", root)
    assert [d.name for d in theme.dirs] == ["mine", "gongwen", "base"]
    assert theme.checks == ("gbt9704",)
    (folder / "theme.yaml").write_text("extends: gongwen\nchecks: [gbt9740]\n", encoding="utf-8")
    with pytest.raises(PublisherError, match="unknown check 'gbt9740'") as caught:
        load_theme("mine", root)
    assert caught.value.hint is not None and "gbt9704" in caught.value.hint
