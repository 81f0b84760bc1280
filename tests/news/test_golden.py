"""The reader's output on the dev documents equals the reviewed golden files.

Regenerate them only with ``python scripts/regen_news_golden.py`` and review the diff.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from comity.news import NewsDoc, Pipeline, to_gold

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"

IDS = sorted(path.stem for path in DATA.glob("*.txt"))


@pytest.mark.parametrize("doc_id", IDS)
def test_golden_output_unchanged(reader: Pipeline, doc_id: str) -> None:
    golden_path = GOLDEN / f"{doc_id}.json"
    assert golden_path.exists(), f"missing {golden_path}; run scripts/regen_news_golden.py"
    expected = json.loads(golden_path.read_text(encoding="utf-8"))
    text = (DATA / f"{doc_id}.txt").read_text(encoding="utf-8")
    actual = to_gold(reader(NewsDoc(id=doc_id, raw=text)))
    for field in expected:
        assert actual[field] == expected[field], f"{doc_id}: field {field!r} changed"


def test_golden_rereading_changes_nothing(reader: Pipeline) -> None:
    text = (DATA / "seed-003.txt").read_text(encoding="utf-8")
    first = to_gold(reader(NewsDoc(id="seed-003", raw=text)))
    second = to_gold(reader(NewsDoc(id="seed-003", raw=text)))
    assert first == second


def test_golden_files_cover_every_document() -> None:
    assert sorted(path.stem for path in GOLDEN.glob("*.json")) == IDS
    assert len(IDS) == 31
