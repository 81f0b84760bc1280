"""Building a complete store from everything shipped with comity."""

from __future__ import annotations

from collections.abc import Callable

from comity.registry import build_registry
from comity.store import Store

__all__ = ["build_store"]


def build_store(
    store: Store,
    *,
    votes: bool = True,
    news: bool = True,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
) -> dict[str, dict[str, int]]:
    """Load the registry, the UN votes and the news sample shipped with comity into ``store``.

    Each part is one transaction and is skipped when the store already holds the same data
    (unless ``force``), so building twice changes nothing. Returns row counts per part and table.
    """
    say = progress or (lambda _line: None)
    report: dict[str, dict[str, int]] = {}
    registry = build_registry(store, force=force)
    report["registry"] = dict(registry.counts)
    say(
        ("registry already up to date: " if registry.skipped else "registry built: ")
        + ", ".join(f"{k} {v:,}" for k, v in registry.counts.items())
    )
    if votes:
        from comity.votes import load_all

        for source, tables in load_all(store, force=force).items():
            report[f"votes:{source}"] = dict(tables)
            say(f"votes {source}: " + ", ".join(f"{t} {n:,}" for t, n in tables.items()))
    if news:
        from comity.news import load_samples

        n_docs = load_samples(store, force=force)
        report["news:samples"] = {"documents": n_docs}
        say(f"news sample: {n_docs} documents, with their facts and stories")
    return report
