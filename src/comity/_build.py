"""Building the store: the registry from comity's own files, the rest from the upstream data.

The store is made of parts. ``registry`` (comity's own hand-compiled files, shipped in the
package) is always built; the other parts come from third-party files that
:func:`comity.data.fetch` gets from a mirror folder, the cache or the network. A part whose
files cannot be had is left out, and :func:`build_store` says which and how to get it, so
that a machine with no network and no mirror still gets a working registry.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from comity.errors import DataError, HashMismatch
from comity.registry import build_registry
from comity.registry._build import REGISTRY_UPSTREAM
from comity.store import Store

__all__ = ["PARTS", "BuildResult", "build_store", "store_parts"]

#: The upstream files of the vote parts (keys of comity.data's manifest); kept here rather than
#: imported so that the build does not import comity.votes before it needs it.
_VOTE_PARTS: dict[str, tuple[str, ...]] = {
    "votes:unvotes": ("unvotes_votes", "unvotes_roll_calls", "unvotes_roll_call_issues"),
    "votes:unvotes2020": ("unga_wide_1946_2024",),
    "votes:undl": ("undl_scrape_zip",),
    "votes:unsc_vetoes": ("sc_vetoes",),
}
#: Every part of a full store, with the manifest keys of the files it is made from.
PARTS: dict[str, tuple[str, ...]] = {"registry": (), **REGISTRY_UPSTREAM, **_VOTE_PARTS}


@dataclass
class BuildResult:
    """What :func:`build_store` did: rows per part and table, and the parts it could not build,
    each with the manifest keys of its missing files."""

    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    missing: dict[str, tuple[str, ...]] = field(default_factory=dict)
    #: Seconds each materialised result took (0 for one kept from an earlier build of the same data).
    materialised: dict[str, float] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """Whether every part was built."""
        return not self.missing

    def hint(self) -> str:
        """How to get the missing parts' files (empty when nothing is missing)."""
        if not self.missing:
            return ""
        keys = sorted({k for keys in self.missing.values() for k in keys})
        return (
            f"get the files with `comity data fetch {' '.join(keys)}` (needs the network), or point "
            "COMITY_DATA (or --data DIR) at a mirror of them; then run `comity build` again."
        )


def _available(keys: tuple[str, ...], data_dir: str | os.PathLike[str] | None) -> tuple[str, ...]:
    """The keys whose files cannot be had. A damaged file is an error, never a missing part."""
    from comity.data import fetch

    missing = []
    for key in keys:
        try:
            fetch(key, data_dir=data_dir)
        except HashMismatch:
            raise
        except DataError:
            missing.append(key)
    return tuple(missing)


def build_store(
    store: Store,
    *,
    votes: bool = True,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    data_dir: str | os.PathLike[str] | None = None,
) -> BuildResult:
    """Build the registry and (with ``votes``) the UN votes into ``store``, and compute the vote
    results the web pages show (:func:`comity.votes._stored.materialise_votes`).

    The upstream files come from ``data_dir`` (a mirror folder) or ``$COMITY_DATA``, else the
    cache, else the network. Each part is one transaction and is skipped when the store already
    holds the same data (unless ``force``), so building twice changes nothing. Parts whose files
    cannot be had are left out and listed in the result's ``missing``.
    """
    say = progress or (lambda _line: None)
    result = BuildResult()
    mirror = None if data_dir is None else Path(data_dir)
    registry = build_registry(store, force=force, mirror=mirror)
    result.counts["registry"] = dict(registry.counts)
    for part in registry.missing:
        result.missing[part] = REGISTRY_UPSTREAM[part]
    say(
        ("registry already up to date: " if registry.skipped else "registry built: ")
        + ", ".join(f"{k} {v:,}" for k, v in registry.counts.items())
        + (f" (without {', '.join(registry.missing)})" if registry.missing else "")
    )
    if votes:
        for part, keys in _VOTE_PARTS.items():
            missing = _available(keys, mirror)
            if missing:
                result.missing[part] = missing
                continue
            from comity.votes import load_all

            source = part.split(":", 1)[1]
            tables = load_all(store, force=force, sources=[source])[source]
            result.counts[part] = dict(tables)
            say(f"votes {source}: " + ", ".join(f"{t} {n:,}" for t, n in tables.items()))
        # What the pages draw from the votes is computed here, once, so that a server only reads.
        from comity.votes._stored import materialise_votes

        started = time.perf_counter()
        result.materialised = materialise_votes(store, force=force, progress=say, data_dir=mirror)
        if any(result.materialised.values()):
            say(f"vote results computed in {time.perf_counter() - started:.1f} s")
    # Each actor's profile (what `comity show` and the actor pages answer), so that a server reads it.
    from comity.registry._profiles import PROFILES, materialise_profiles

    result.materialised[PROFILES] = materialise_profiles(store, force=force, progress=say)
    for part, keys in result.missing.items():
        say(f"not built: {part} (missing {', '.join(keys)})")
    if result.missing:
        say("To build them: " + result.hint())
    _record_missing(store, result.missing)
    return result


def _record_missing(store: Store, missing: dict[str, tuple[str, ...]]) -> None:
    with store.transaction():
        store.con.execute("DELETE FROM meta WHERE key = 'missing_parts'")
        store.con.execute("INSERT INTO meta VALUES ('missing_parts', ?)", [",".join(missing)])


def store_parts(store: Store) -> dict[str, dict[str, Any]]:
    """Which parts the store holds: for each of :data:`PARTS`, ``built`` (bool), ``loaded_at`` of
    its last load, ``rows`` loaded (for the registry's upstream parts, which load with it:
    None) and the manifest keys of its ``files``."""
    rows = store.con.execute("SELECT name, n_rows, loaded_at FROM loads").fetchall()
    loads = {str(name): (int(n_rows), loaded_at) for name, n_rows, loaded_at in rows}
    row = store.con.execute("SELECT value FROM meta WHERE key = 'registry_missing'").fetchone()
    registry_missing = set(str(row[0]).split(",")) if row and row[0] else set()
    out: dict[str, dict[str, Any]] = {}
    for part, keys in PARTS.items():
        load_name = "registry" if part.startswith("registry") else part
        loaded = load_name in loads and part not in registry_missing
        n_rows, loaded_at = loads.get(load_name, (0, None))
        out[part] = {
            "built": loaded,
            "rows": None if part != load_name else n_rows if loaded else 0,
            "loaded_at": loaded_at.isoformat(timespec="seconds") if loaded and loaded_at else None,
            "files": list(keys),
        }
    return out
