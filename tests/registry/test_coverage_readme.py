"""The registry README lists every body with its sources and coverage, as the data says."""

from __future__ import annotations

from comity.registry import Registry, data_dir
from comity.registry._report import COVERAGE_BEGIN, COVERAGE_END, coverage_markdown


def test_readme_coverage_table_is_current(registry: Registry) -> None:
    text = (data_dir() / "README.md").read_text(encoding="utf-8")
    table = text[text.index(COVERAGE_BEGIN) + len(COVERAGE_BEGIN) : text.index(COVERAGE_END)].strip()
    assert table == coverage_markdown(registry).strip(), (
        "The README's table of bodies is stale: run `python scripts/registry_coverage.py --write`."
    )


def test_readme_lists_every_body_with_own_data(registry: Registry) -> None:
    table = coverage_markdown(registry)
    bodies = registry.store.query("SELECT DISTINCT body_id FROM memberships WHERE source_id <> 'cow_igo'")
    missing = [b for b in bodies["body_id"] if f"| {b} |" not in table]
    assert missing == []
