"""How state names in the vote data become ISO3 codes.

All name mapping of the vote loaders goes through :func:`resolve_state_names` and
:func:`seat_iso3`, so that one place decides which state a vote belongs to.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = [
    "VOTE_CODES",
    "known_iso3",
    "normalise_name",
    "resolve_state_names",
    "seat_iso3",
    "seat_iso3_series",
]

#: The vote values the store holds.
VOTE_CODES: tuple[str, ...] = ("yes", "no", "abstain", "absent", "non_voting")


def normalise_name(name: str) -> str:
    """The registry's look-up key of a name (case, accents, dots and spacing do not matter)."""
    from comity.registry._names import normalise_name as registry_normalise

    return registry_normalise(name)


#: Which alias kinds name a state in vote data, best first (demonyms and capitals never do).
_KIND_RANK = {"name": 0, "alias": 1, "acronym": 2, "government": 3}


@lru_cache(maxsize=1)
def _alias_table() -> dict[str, str] | None:
    path = Path(__file__).resolve().parent.parent / "registry" / "data" / "state_aliases.csv"
    if not path.exists():
        return None
    best: dict[str, tuple[int, str]] = {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            alias, iso3 = (row.get("alias") or "").strip(), (row.get("iso3") or "").strip()
            rank = _KIND_RANK.get((row.get("kind") or "name").strip(), 9)
            if not alias or not iso3 or rank == 9:
                continue
            key = normalise_name(alias)
            # An official name beats an informal alias: 'CONGO' is the Republic of the Congo.
            if key not in best or rank < best[key][0]:
                best[key] = (rank, iso3)
    return {key: iso3 for key, (_rank, iso3) in best.items()}


@lru_cache(maxsize=1)
def _registry() -> Any:
    try:
        from comity.registry import Registry  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return None
    try:
        return Registry.default()
    except Exception:  # noqa: BLE001 - a registry still being built must not break the vote loaders
        return None


def resolve_state_names(names: Iterable[str]) -> dict[str, str | None]:
    """ISO3 code of each state name, ``None`` for names nobody knows.

    Uses ``comity.registry`` when it is available, else the registry's alias table
    ``comity/registry/data/state_aliases.csv``. Callers report the ``None`` names; they never
    drop them silently.
    """
    from comity.errors import ComityError, LoadError, UnknownActor

    unique = sorted({str(n) for n in names})
    registry = _registry()
    table = _alias_table()
    if registry is None and table is None:
        raise LoadError(
            "no table of state names is available (neither comity.registry nor "
            "comity/registry/data/state_aliases.csv)",
            hint="Reinstall comity; the registry's data ships with the package.",
        )
    resolved: dict[str, str | None] = {}
    for name in unique:
        code: str | None = None
        if registry is not None:
            try:
                code = str(registry.resolve_state(name.strip()))
            except (UnknownActor, ComityError, KeyError):
                code = None
        if code is None and table is not None:
            code = table.get(normalise_name(name))
        resolved[name] = code
    return resolved


#: Codes of states that no longer exist but appear in vote data (ISO 3166-3 or comity's convention).
HISTORICAL_ISO3 = frozenset(
    {"SUN", "YUG", "CSK", "DDR", "YAR", "YMD", "ZAN", "SCG", "XKX", "TWN", "PSE", "VAT"}
)


@lru_cache(maxsize=1)
def known_iso3() -> frozenset[str]:
    """Every ISO3 code a vote may carry: current ISO 3166-1, historical states, the registry's."""
    import pycountry

    codes = {str(country.alpha_3) for country in pycountry.countries}
    table = _alias_table()
    if table is not None:
        codes.update(table.values())
    return frozenset(codes | HISTORICAL_ISO3)


def seat_iso3(iso3: str, date: dt.date | None) -> str:
    """The state that cast a vote filed under ``iso3`` on ``date`` (see :mod:`comity.votes._identity`).

    The USSR's votes stay SUN's, the Chinese seat's are Taiwan's before 25 October 1971, and
    ``Yugoslavia`` after 2000 is Serbia and Montenegro (SCG) until Serbia continues it in 2006.
    """
    when = pd.Series([pd.NaT if date is None else pd.Timestamp(date)])
    return str(seat_iso3_series(pd.Series([iso3]), when).iloc[0])


def seat_iso3_series(iso3: pd.Series, dates: pd.Series) -> pd.Series:
    """Vectorised :func:`seat_iso3` over a Series of ISO3 codes and a parallel Series of dates."""
    from comity.votes._identity import voting_state_series

    return voting_state_series(iso3, dates)
