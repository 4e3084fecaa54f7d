"""Benchmark: importing a 20,000-character government work report.

The report is made here, deterministically, from the sentences of the
provincial fixture (tests/fixtures/import/provincial-web/): a title block in a
web page's chrome, three parts of 一、 chapters with long （n） headings over
body paragraphs, notes with their explanation on the next line — 20,000
characters of text, the length of a provincial government work report. It is
imported three ways: one paragraph a line (pasted from a web page),
hard-wrapped at 35 characters with indents (text from a PDF), and the same in
GBK without indents. For each: the median wall time of ``convert`` in this
process, and of ``python -m publisher import`` in a new process (what a user
waits for), with its peak memory. Not a test: run ``make bench-import``.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import machine, run_publisher

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "import" / "provincial-web" / "provincial-web.txt"
TARGET_CHARACTERS = 20_000
TARGET_SECONDS = 1.0
"""What an import of a report this long should take in process (the CLI adds Python's start-up)."""
CN = "一二三四五六七八九十"


def sentences() -> list[str]:
    """The body sentences of the provincial fixture, to build paragraphs from."""
    out: list[str] = []
    for line in FIXTURE.read_text(encoding="utf-8").split("\n"):
        if len(line) > 30 and not line.startswith(("（", "［", "——")):
            out += [re.sub(r"［[0-9]+］", "", s) + "。" for s in line.split("。") if len(s) > 12]
    return out


def report_text() -> str:
    """A work report of at least :data:`TARGET_CHARACTERS` characters (whitespace not counted)."""
    pool = sentences()
    lines = ["视力保护色：", "字号：大 中 小", "2024年某某省政府工作报告", "政府工作报告"]
    lines += ["——2024年1月10日在某某省第十四届人民代表大会第二次会议上", "某某省省长　王五", "各位代表："]
    lines.append("现在，我代表省人民政府，向大会报告工作，请予审议，并请省政协委员和其他列席人员提出意见。")
    headings = [s.rstrip("。") for s in pool if 16 <= len(s) <= 40]
    count = 0
    for part in range(3):
        lines.append(["2023年工作回顾", "2024年主要目标任务", "持续加强政府自身建设"][part])
        for chapter in range(4):
            lines.append(f"{CN[chapter]}、{headings[count % len(headings)][:18]}")
            for section in range(7):
                count += 1
                lines.append(f"（{CN[section]}）{headings[(count * 7) % len(headings)]}，推动各项工作取得新成效。")
                for paragraph in range(2):
                    start = (count * 3 + paragraph * 5) % len(pool)
                    lines.append("".join(pool[start : start + 3]) + ("［1］" if count == 3 and paragraph == 0 else ""))
                if sum(len(line) for line in lines) >= TARGET_CHARACTERS * (part + 1) / 3:
                    break
    lines += ["名词解释", "［1］三清一改：", "清理农村生活垃圾、清理村内塘沟、清理畜禽养殖粪污等农业生产废弃物。"]
    lines += ["责任编辑：赵六", "【打印本页】　【关闭窗口】"]
    return "\n".join(lines) + "\n"


def wrapped(text: str, width: int, indent: bool) -> str:
    """``text`` hard-wrapped at ``width`` characters, body paragraphs indented when ``indent``."""
    wrap = fixture_wrap()
    out: list[str] = []
    for line in text.rstrip("\n").split("\n"):
        body = len(line) > 60 and not line.startswith(("（", "［"))
        out += wrap(line, width, "\u3000\u3000" if indent and body else "")
    return "\n".join(out) + "\n"


def fixture_wrap() -> Callable[[str, int, str], list[str]]:
    """The hard-wrapping of the text fixtures (tests/fixtures/import/make_text.py)."""
    spec = importlib.util.spec_from_file_location("make_text", FIXTURE.parent.parent / "make_text.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.wrap  # type: ignore[no-any-return]


def in_process(path: Path, runs: int) -> tuple[float, int, int]:
    """Median seconds of ``convert``, and the headings and decisions to confirm of the last run."""
    from publisher.importer import convert

    convert(path)  # warm: imports, regex compilation
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        converted = convert(path)
        times.append(time.perf_counter() - started)
    uncertain = sum(1 for d in converted.document.decisions if d.uncertain)
    return statistics.median(times), len(converted.document.headings()), uncertain


def cold(path: Path, out: Path) -> tuple[float, float]:
    """One ``publisher import`` in a new process: (seconds, peak MiB)."""
    return run_publisher("import", str(path), "-o", str(out), "--force")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    text = report_text()
    characters = sum(1 for c in text if not c.isspace())
    print(f"machine: {machine()}, load average {os.getloadavg()[0]:.2f}")
    print(f"report: {characters} characters, {text.count(chr(10))} lines")
    variants = {
        "one paragraph a line (web page), UTF-8": (text, "utf-8"),
        "hard-wrapped at 35 with indents (PDF text), UTF-8": (wrapped(text, 35, True), "utf-8"),
        "hard-wrapped at 35 without indents, GBK": (wrapped(text, 35, False), "gbk"),
    }
    slowest = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for name, (content, encoding) in variants.items():
            path = Path(tmp) / "report.txt"
            path.write_bytes(content.encode(encoding))
            seconds, headings, uncertain = in_process(path, args.runs)
            cold(path, Path(tmp) / "warm-up")
            runs = [cold(path, Path(tmp) / f"project-{i}") for i in range(3)]
            wall = statistics.median(r[0] for r in runs)
            peak = max(r[1] for r in runs)
            slowest = max(slowest, seconds)
            print(
                f"{name}: convert {seconds:.3f} s (median of {args.runs}); publisher import {wall:.2f} s, "
                f"peak {peak:.0f} MiB; {headings} headings, {uncertain} to confirm"
            )
    verdict = "meets" if slowest <= TARGET_SECONDS else "MISSES"
    print(f"{verdict} the target: a 20,000-character report converts in ≤ {TARGET_SECONDS:.1f} s")
    return 0 if slowest <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
