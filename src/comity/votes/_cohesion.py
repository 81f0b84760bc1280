"""How cohesively a group of states votes, set against random groups of the same size.

Two indices per roll call, averaged over the roll calls of a year:

* Rice index ``|yes - no| / (yes + no)`` (abstentions ignored; roll calls where no member
  voted yes or no are skipped);
* the Hix-Noury-Roland Agreement Index ``(max - (total - max) / 2) / total`` over
  yes, no and abstain (``max`` the largest of the three counts), 0 when votes split evenly
  three ways, 1 when unanimous.

For each year, ``n_draws`` random groups of as many states as the group had voting are drawn
from all of that year's voters; the group's percentile among them says whether it votes as a
bloc. A group is a bloc in a year when its percentile reaches ``threshold``.

Reproducibility: each year's draws come from a generator seeded with ``(random_state, year)``,
so a year's answer is the same whether it is asked alone or within a longer period, and the
default seed (:data:`DEFAULT_SEED`) makes two calls agree. The percentile is a Monte-Carlo
estimate: ``ai_percentile_lo``/``_hi`` give its 95% Wilson interval over the draws, and
``bloc_certain`` says whether that interval lies wholly on one side of ``threshold``.

Years with fewer than :data:`THIN_ROLL_CALLS` contested roll calls are flagged ``thin``: an
index over a handful of votes says little. Years before the group existed (its founding
members projected back) are flagged ``projected``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from comity.errors import BadInput
from comity.votes._alignment import THIN_ROLL_CALLS, _Encoded, _filter, _single_threaded_blas
from comity.votes._identity import successor_map

__all__ = [
    "DEFAULT_SEED",
    "THIN_ROLL_CALLS",
    "bloc_since",
    "cohesion",
    "cohesion_indices",
    "group_members",
    "year_generator",
]

#: Seed of the random groups when none is given: a fixed number, so results repeat.
DEFAULT_SEED = 0


FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def cohesion_indices(yes: FloatArray, no: FloatArray, abstain: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Rice index and Agreement Index of vote counts (any shape; NaN where undefined)."""
    yes, no, abstain = (np.asarray(a, dtype=np.float64) for a in (yes, no, abstain))
    decided = yes + no
    total = decided + abstain
    largest = np.maximum(np.maximum(yes, no), abstain)
    with np.errstate(invalid="ignore", divide="ignore"):
        rice = np.where(decided > 0, np.abs(yes - no) / decided, np.nan)
        agreement = np.where(total > 0, (largest - (total - largest) / 2.0) / total, np.nan)
    return rice, agreement


def _is_iso3_list(group: str | Sequence[str]) -> bool:
    return not isinstance(group, str)


def group_members(
    group: str | Sequence[str], year: int, registry: Any = None
) -> tuple[list[str], str | None]:
    """The ISO3 members of ``group`` in ``year`` and the date the list is taken on.

    A list of ISO3 codes is returned as is. A registry id (coalition or organisation) is resolved
    to its members on 1 July of the year; before the group existed, its first member list is used
    (so that one can ask how its founders voted earlier).
    """
    if _is_iso3_list(group):
        return sorted({str(g).upper() for g in group}), None
    if registry is None:
        from comity.registry import Registry

        registry = Registry.default()
    on = dt.date(year, 7, 1)
    members = registry.members(str(group), on=on)
    if members.empty:
        timeline = registry.members(str(group), on=_first_membership_date(registry, str(group)))
        if timeline.empty:
            raise BadInput(f"{group} has no members in the registry", hint="Pass ISO3 codes instead.")
        return sorted(timeline["actor_id"].astype(str)), "founding"
    return sorted(members["actor_id"].astype(str)), on.isoformat()


def _first_membership_date(registry: Any, body: str) -> dt.date:
    org = registry.resolve(body, types=("organisation",))
    rows = registry.store.query(
        "SELECT min(start_date) AS first FROM memberships WHERE body_id = ?", [org.id]
    )
    first = rows["first"].iloc[0] if not rows.empty else None
    if first is None or pd.isna(first):
        return dt.date.today()
    return pd.Timestamp(first).date()


def cohesion(
    votes: pd.DataFrame,
    group: str | Sequence[str],
    *,
    start: int | None = None,
    end: int | None = None,
    issue: str | None = None,
    n_draws: int = 1000,
    random_state: int | np.random.Generator | None = DEFAULT_SEED,
    threshold: float = 95.0,
    registry: Any = None,
    projected: bool = True,
) -> pd.DataFrame:
    """Cohesion of ``group`` per year against random groups of the same size.

    Parameters
    ----------
    votes:
        Tidy votes (rcid, iso3, vote, year; issues for ``issue``).
    group:
        A list of ISO3 codes, or a registry coalition or organisation id (members taken per year).
    n_draws, random_state:
        Number of random groups per year and the seed that makes them reproducible (default
        :data:`DEFAULT_SEED`; ``None`` draws a fresh seed; a Generator gives one base seed).
        Each year's generator is seeded with ``(seed, year)``.
    threshold:
        Percentile at or above which the group counts as a bloc in a year.
    projected:
        Keep the years before the group existed, when its founding members are projected back
        (flagged ``projected``); ``False`` leaves them out.

    Returns
    -------
    DataFrame, one row per year: year, n_members (voting), n_votes (roll calls), thin
    (n_votes < :data:`THIN_ROLL_CALLS`), rice, ai, rice_random_mean, rice_random_lo,
    rice_random_hi (2.5 and 97.5 percentiles), rice_percentile, the same four for ai,
    ai_percentile_lo and ai_percentile_hi (95% Monte-Carlo interval), bloc
    (ai_percentile >= threshold), bloc_certain, members_on, projected.
    """
    if n_draws < 1:
        raise BadInput(f"n_draws must be at least 1, not {n_draws}")
    if not 0 <= threshold <= 100:
        raise BadInput(f"threshold is a percentile between 0 and 100, not {threshold}")
    if _is_iso3_list(group) and len(group) < 2:
        raise BadInput("a group needs at least two states", hint="Pass two or more ISO3 codes or a group id.")
    seed = _base_seed(random_state)
    data = _filter(votes, issue, start, end)
    encoded = _Encoded(data, "year")
    names = np.asarray(encoded.states, dtype=object)
    rows: list[dict[str, Any]] = []
    changes = _change_dates(group, registry)
    known: dict[int, tuple[list[str], str | None]] = {}
    # Limiting BLAS to one thread costs a scan of the loaded libraries: once, not once a year.
    with _single_threaded_blas():
        for year in encoded.groups:
            on = dt.date(year, 7, 1)
            # A group's members change only on the dates its memberships start or end: between two
            # such dates the registry's answer is the same, so it is asked once per stretch.
            stretch = bisect.bisect_right(changes, on) if changes is not None else None
            if stretch is not None and stretch in known:
                members, members_on = known[stretch]
                members_on = members_on if members_on in (None, "founding") else on.isoformat()
            else:
                members, members_on = group_members(group, year, registry)
                if stretch is not None:
                    known[stretch] = (members, members_on)
            if members_on == "founding" and not projected:
                continue
            rng = year_generator(seed, year)
            block = encoded.block(year)
            voters = np.flatnonzero((block >= 0).any(axis=1))
            block = block[voters]
            # A member absent from the year's votes counts through its line of succession: merged
            # votes (successors=True) file SUN's votes as RUS's, and founders projected back before
            # they existed (RUS in 1991) voted as their predecessor (SUN).
            voting = set(names[voters])
            members = [_in_line(m, voting) for m in members]
            in_group = np.isin(names[voters], members)
            k = int(in_group.sum())
            if k < 2:
                continue
            one_hot = (block[None, :, :] == np.arange(3, dtype=np.int8)[:, None, None]).astype(np.float32)
            selectors = np.zeros((n_draws + 1, len(voters)), dtype=np.float32)
            selectors[0, in_group] = 1.0
            # The k smallest of each row's random keys: a uniform random k-subset (the set, not its
            # order, matters, so a partition does what a full sort would).
            keys = rng.random((n_draws, len(voters)))
            picks = (
                np.argpartition(keys, k - 1, axis=1)[:, :k] if k < len(voters) else np.argsort(keys, axis=1)
            )
            np.put_along_axis(selectors[1:], picks, 1.0, axis=1)
            yes, abstain, no = (selectors @ one_hot[c] for c in range(3))
            rice, agreement = cohesion_indices(yes, no, abstain)
            with np.errstate(invalid="ignore"):
                # Rounded: a mean's last bits depend on how numpy's summation meets the memory, and a
                # random group equal to the observed one must tie with it (percentiles count ties half).
                rice_year = np.round(_nanmean_rows(rice), 12)
                ai_year = np.round(_nanmean_rows(agreement), 12)
            row: dict[str, Any] = {
                "year": year,
                "n_members": k,
                "n_votes": int(np.isfinite(agreement[0]).sum()),
            }
            row["thin"] = row["n_votes"] < THIN_ROLL_CALLS
            for label, values in (("rice", rice_year), ("ai", ai_year)):
                observed, random = values[0], values[1:]
                random = random[np.isfinite(random)]
                row[label] = observed
                row[f"{label}_random_mean"] = float(random.mean()) if len(random) else np.nan
                row[f"{label}_random_lo"] = float(np.percentile(random, 2.5)) if len(random) else np.nan
                row[f"{label}_random_hi"] = float(np.percentile(random, 97.5)) if len(random) else np.nan
                row[f"{label}_percentile"] = _percentile_of(observed, random)
            n_random = int(np.isfinite(ai_year[1:]).sum())
            row["ai_percentile_lo"], row["ai_percentile_hi"] = _wilson(row["ai_percentile"], n_random)
            row["bloc"] = bool(row["ai_percentile"] >= threshold)
            row["bloc_certain"] = bool(
                row["ai_percentile_lo"] >= threshold or row["ai_percentile_hi"] < threshold
            )
            row["members_on"] = members_on
            row["projected"] = members_on == "founding"
            rows.append(row)
    columns = (
        ["year", "n_members", "n_votes", "thin", "rice", "ai"]
        + [
            f"{label}_{part}"
            for label in ("rice", "ai")
            for part in ("random_mean", "random_lo", "random_hi", "percentile")
        ]
        + ["ai_percentile_lo", "ai_percentile_hi", "bloc", "bloc_certain", "members_on", "projected"]
    )
    return pd.DataFrame(rows, columns=columns)


def _change_dates(group: str | Sequence[str], registry: Any) -> list[dt.date] | None:
    """The sorted dates on which the registry's member list of ``group`` can change (a membership
    starts, or the day after one ends); None for a list of ISO3 codes or a group not found."""
    if _is_iso3_list(group) or registry is None:
        return None
    try:
        org = registry.resolve(str(group), types=("organisation",))
        rows = registry.store.con.execute(
            """SELECT DISTINCT d FROM (
                   SELECT start_date AS d FROM memberships WHERE body_id = ? AND start_date IS NOT NULL
                   UNION ALL
                   SELECT end_date + INTERVAL 1 DAY FROM memberships
                   WHERE body_id = ? AND end_date IS NOT NULL)
               ORDER BY d""",
            [org.id, org.id],
        ).fetchall()
    except Exception:  # noqa: BLE001 - only a shortcut: without it each year asks the registry
        return None
    return [r[0].date() if isinstance(r[0], dt.datetime) else r[0] for r in rows]


def _in_line(member: str, voting: set[str]) -> str:
    """``member``, or the state of its line of succession that voted (see :func:`successor_map`)."""
    if member in voting:
        return member
    heirs = successor_map()
    if heirs.get(member) in voting:
        return heirs[member]
    for predecessor, heir in heirs.items():
        if heir == member and predecessor in voting:
            return predecessor
    return member


def _base_seed(random_state: int | np.random.Generator | None) -> int:
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(2**63))
    if random_state is None:
        return int(np.random.SeedSequence().entropy % 2**63)  # type: ignore[operator]
    if isinstance(random_state, bool) or not isinstance(random_state, int | np.integer) or random_state < 0:
        raise BadInput(f"random_state must be a whole number >= 0, not {random_state!r}")
    return int(random_state)


def year_generator(seed: int, year: int) -> np.random.Generator:
    """The generator of one year's random groups: seeded by the base seed and the year, so that a
    year's draws do not depend on the other years asked for."""
    return np.random.default_rng(np.random.SeedSequence([int(seed), int(year)]))


def _wilson(percentile: float, n: int, z: float = 1.959963984540054) -> tuple[float, float]:
    """95% Wilson interval of a percentile estimated from ``n`` random draws."""
    if n == 0 or not np.isfinite(percentile):
        return float("nan"), float("nan")
    p = percentile / 100.0
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return 100.0 * max(0.0, centre - half), 100.0 * min(1.0, centre + half)


def _nanmean_rows(values: FloatArray) -> FloatArray:
    finite = np.isfinite(values)
    counts = finite.sum(axis=1)
    sums = np.where(finite, values, 0.0).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / counts, np.nan)


def _percentile_of(observed: float, random: FloatArray) -> float:
    """Percent of random values below ``observed`` (ties count half)."""
    if not len(random) or not np.isfinite(observed):
        return float("nan")
    below = float((random < observed).sum())
    ties = float((random == observed).sum())
    return 100.0 * (below + 0.5 * ties) / len(random)


def bloc_since(table: pd.DataFrame) -> int | None:
    """First year of the unbroken run of bloc years that reaches the table's last year (None if the
    group is not a bloc in its last year)."""
    if table.empty or not bool(table["bloc"].iloc[-1]):
        return None
    flags = table["bloc"].to_numpy(dtype=bool)
    years = table["year"].to_numpy()
    start = len(flags) - 1
    while start > 0 and flags[start - 1]:
        start -= 1
    return int(years[start])
