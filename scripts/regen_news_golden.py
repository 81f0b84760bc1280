"""Regenerate tests/news/golden/<id>.json: the reader's gold-format output for each dev document.

Run after a deliberate change of the reader's behaviour, then review the diff::

    python scripts/regen_news_golden.py

tests/news/test_golden.py compares the current output with these files.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from comity.news import NewsDoc, Pipeline, to_gold

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "news" / "data"
GOLDEN = ROOT / "tests" / "news" / "golden"


def main() -> int:
    reader = Pipeline()
    GOLDEN.mkdir(parents=True, exist_ok=True)
    written = 0
    for text_path in sorted(DATA.glob("*.txt")):
        doc = reader(NewsDoc(id=text_path.stem, raw=text_path.read_text(encoding="utf-8")))
        record = to_gold(doc)
        target = GOLDEN / f"{text_path.stem}.json"
        target.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written += 1
    print(f"wrote {written} golden files to {GOLDEN}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
