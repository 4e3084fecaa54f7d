"""Write the table of front matter keys in docs/source-format.md from publisher/frontmatter.py (KEYS).

The keys are described once, in the schema that checks them; this script puts
that description into the documentation, and ``tests/test_new.py`` fails when
the two differ. Run it after changing a key: ``.venv/bin/python scripts/frontmatter_doc.py``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from publisher.frontmatter import markdown_table

DOC = Path(__file__).resolve().parent.parent / "docs" / "source-format.md"
START = "<!-- front-matter-keys: made from"
END = "<!-- front-matter-keys: end -->"


def with_table(text: str) -> str:
    """``text`` (the document) with the table between its two markers made anew."""
    start = text.index(START)
    head_end = text.index("\n", start) + 1
    end = text.index(END, head_end)
    return text[:head_end] + "\n" + markdown_table() + "\n" + text[end:]


def main() -> int:
    text = DOC.read_text(encoding="utf-8")
    new = with_table(text)
    if new != text:
        DOC.write_text(new, encoding="utf-8")
        print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
