"""The whole shipped store: registry, votes and news sample, built twice to no change."""

from __future__ import annotations

from pathlib import Path

from comity import Store, build_store

TABLES = ("states", "organisations", "memberships", "roll_calls", "votes", "vetoes", "documents", "facts")


def test_build_store_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "full.duckdb"
    lines: list[str] = []
    with Store.open(path, read_only=False) as store:
        build_store(store, progress=lines.append)
        counts = {t: store.count(t) for t in TABLES}
        loads = store.query("SELECT name, sha256, loaded_at FROM loads ORDER BY name")
        facts = store.query("SELECT * FROM facts ORDER BY doc_id, fact_type, start_char, payload")
    assert counts["votes"] > 1_500_000 and counts["documents"] == 31 and counts["facts"] > 500
    assert any(line.startswith("news sample: 31 documents") for line in lines)
    with Store.open(path, read_only=False) as store:
        build_store(store)
        assert {t: store.count(t) for t in TABLES} == counts
        assert store.query("SELECT name, sha256, loaded_at FROM loads ORDER BY name").equals(loads)
        assert store.query("SELECT * FROM facts ORDER BY doc_id, fact_type, start_char, payload").equals(
            facts
        )
