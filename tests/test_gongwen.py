"""The GB/T 9704 `gongwen` theme, measured on the built sample."""

from __future__ import annotations

import collections
import itertools
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import main
from publisher.options import BuildOptions
from publisher.pipeline import build
from publisher.typeset.chars import FULL_WIDTH_MARKS, is_han
from publisher.typeset.gongwen import MM, compliance
from publisher.typeset.measure import body_lines

from .conftest import REPO


@pytest.fixture(scope="module")
def gongwen_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("gongwen") / "gw.pdf"
    result = build(BuildOptions(project=REPO, output=out, theme="gongwen"))
    assert result.warnings.warnings == []
    return out


def test_every_rule_of_the_standard_is_met(gongwen_pdf: Path) -> None:
    failed = [rule for rule in compliance(gongwen_pdf) if not rule.ok]
    assert failed == []


def test_full_pages_have_22_lines_on_a_28_99_pt_pitch(gongwen_pdf: Path) -> None:
    lines = body_lines(gongwen_pdf, 16.0, fonts=("",))
    per_page = collections.Counter(line.page for line in lines)
    assert max(per_page.values()) == 22
    assert sum(1 for n in per_page.values() if n == 22) >= 10
    full_page = next(page for page, n in per_page.items() if n == 22)
    # the top of each line's last character (body face; a run-in heading starts in 楷体)
    tops = sorted(float(line.chars[-1]["top"]) for line in lines if line.page == full_page)
    assert all(abs(b - a - 28.99) < 0.15 for a, b in itertools.pairwise(tops))
    assert tops[-1] - tops[0] == pytest.approx(21 * 28.99, abs=0.15)


def test_full_lines_hold_28_characters_in_156_mm(gongwen_pdf: Path) -> None:
    lines = body_lines(gongwen_pdf, 16.0, fonts=("",))
    full = [line for line in lines if abs(line.x0 - 28 * MM) < 1 and abs(line.x1 - 184 * MM) < 1]
    chinese = [line for line in full if all(is_han(c) or c in FULL_WIDTH_MARKS for c in line.text)]
    plain = [line for line in chinese if not any(a in FULL_WIDTH_MARKS and b in FULL_WIDTH_MARKS
                                                 for a, b in zip(line.text, line.text[1:], strict=False))]  # fmt: skip
    counts = collections.Counter(len(line.text) for line in plain)
    assert counts.most_common(1)[0] == (28, max(counts.values()))
    assert counts[28] > 100
    assert max(counts) == 28  # never more than the grid


def test_check_prints_the_compliance_report() -> None:
    result = CliRunner().invoke(main, ["check", str(REPO), "--theme", "gongwen"])
    assert result.exit_code == 0, result.output
    assert "GB/T 9704-2012 compliance" in result.stdout
    assert "check: 9 of 9 GB/T 9704 rules met" in result.stdout
    assert "FAIL" not in result.stdout
