"""Voting blocs: communities of the agreement graph per period, their stability and movers.

Each period's states are the nodes of a complete weighted graph whose edge weights are pairwise
voting similarity (by default the share of identical votes); the Leiden algorithm
(``leidenalg``, seeded) finds the partition of highest modularity at the chosen resolution.
Blocs are relabelled from period to period by the largest overlap (Hungarian matching), so
that a state whose label changes has moved; adjusted Rand index and normalised mutual
information of consecutive partitions measure stability.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from comity.errors import BadInput, NotFittedError
from comity.votes._alignment import METRICS, _Encoded, _matrix_from_block, _single_threaded_blas

__all__ = ["VotingBlocs", "YearlyBlocs", "adjusted_rand_index", "normalized_mutual_info", "yearly_blocs"]


def _contingency(a: np.ndarray[Any, Any], b: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    _, ia = np.unique(a, return_inverse=True)
    _, ib = np.unique(b, return_inverse=True)
    table = np.zeros((ia.max() + 1, ib.max() + 1), dtype=np.int64)
    np.add.at(table, (ia, ib), 1)
    return table


def adjusted_rand_index(a: Any, b: Any) -> float:
    """Hubert and Arabie's adjusted Rand index of two labellings of the same items."""
    la, lb = np.asarray(a), np.asarray(b)
    if len(la) != len(lb):
        raise BadInput("the two labellings must cover the same items")
    n = len(la)
    if n < 2:
        return 1.0
    table = _contingency(la, lb)

    def pairs(x: np.ndarray[Any, Any]) -> float:
        return float((x * (x - 1) / 2).sum())

    index = pairs(table)
    rows, cols = pairs(table.sum(axis=1)), pairs(table.sum(axis=0))
    expected = rows * cols / (n * (n - 1) / 2)
    maximum = (rows + cols) / 2
    if maximum == expected:
        return 1.0
    return (index - expected) / (maximum - expected)


def normalized_mutual_info(a: Any, b: Any) -> float:
    """Mutual information of two labellings divided by the mean of their entropies (1: identical)."""
    table = _contingency(np.asarray(a), np.asarray(b)).astype(np.float64)
    n = table.sum()
    if n == 0:
        return 1.0
    p = table / n
    pa, pb = p.sum(axis=1), p.sum(axis=0)
    nz = p > 0
    mutual = float((p[nz] * np.log(p[nz] / np.outer(pa, pb)[nz])).sum())
    ha = float(-(pa[pa > 0] * np.log(pa[pa > 0])).sum())
    hb = float(-(pb[pb > 0] * np.log(pb[pb > 0])).sum())
    if ha == 0 and hb == 0:
        return 1.0
    return mutual / ((ha + hb) / 2) if ha + hb > 0 else 0.0


class VotingBlocs:
    """Voting blocs per period from roll-call votes (Leiden communities of the agreement graph).

    Parameters
    ----------
    resolution:
        Modularity resolution: higher gives more, smaller blocs.
    period:
        Years pooled into one period (1: each year).
    metric:
        Edge weight: ``agree`` (share of identical votes), ``lijphart``, ``s``, ``kappa`` or ``pi``;
        negative values count as no edge.
    min_votes:
        States with fewer yes/abstain/no votes in a period are left out of it.
    random_state:
        Seed of the Leiden algorithm.

    Attributes
    ----------
    blocs_ : DataFrame
        period (first year), iso3, bloc (labels matched across periods), bloc_size.
    stability_ : DataFrame
        period, previous, ari, nmi, n_common (states present in both periods).
    movers_ : DataFrame
        iso3, period, previous, bloc, previous_bloc: states whose bloc changed.
    modularity_ : dict[int, float]
        Quality of each period's partition.
    """

    def __init__(
        self,
        resolution: float = 1.0,
        *,
        period: int = 1,
        metric: str = "agree",
        min_votes: int = 10,
        random_state: int | None = 0,
    ) -> None:
        self.resolution = resolution
        self.period = period
        self.metric = metric
        self.min_votes = min_votes
        self.random_state = random_state

    def _validate(self, votes: pd.DataFrame) -> None:
        if self.metric not in METRICS:
            raise BadInput(f"unknown metric {self.metric!r}", hint=f"Choose from {', '.join(METRICS)}.")
        if self.period < 1:
            raise BadInput(f"period must be at least one year, not {self.period}")
        if self.resolution <= 0:
            raise BadInput(f"resolution must be positive, not {self.resolution}")
        missing = [c for c in ("rcid", "iso3", "vote", "year") if c not in votes.columns]
        if missing:
            raise BadInput(f"the votes table lacks column(s) {', '.join(missing)}")
        if votes.empty:
            raise BadInput("no votes to find blocs in", hint="Check the years and the vote source.")

    def fit(self, votes: pd.DataFrame) -> VotingBlocs:
        """Find the blocs of each period of ``votes`` (rcid, iso3, vote, year)."""
        partitions, modularity, notes = self._partitions(votes)
        for period in sorted(notes):
            for note in notes[period]:
                warnings.warn(note, RuntimeWarning, stacklevel=2)
        if not partitions:
            raise BadInput("no period had two states with enough votes", hint="Lower min_votes.")
        self.blocs_, self.stability_, self.movers_ = _match_periods(list(partitions.values()))
        self.modularity_ = modularity
        return self

    def _partitions(
        self, votes: pd.DataFrame
    ) -> tuple[dict[int, pd.DataFrame], dict[int, float], dict[int, list[str]]]:
        """Each period's raw Leiden partition (period, iso3, bloc), its quality, and notes of the
        periods skipped. A period's partition depends on its own votes only (states in ISO3 order,
        seeded), so it is the same whatever other periods ``votes`` holds."""
        import igraph as ig
        import leidenalg

        self._validate(votes)
        years = votes["year"].astype(int)
        first = int(years.min())
        frame = votes.assign(_period=first + (years - first) // self.period * self.period)
        encoded = _Encoded(frame, "_period")
        names = np.asarray(encoded.states, dtype=object)
        partitions: dict[int, pd.DataFrame] = {}
        modularity: dict[int, float] = {}
        notes: dict[int, list[str]] = {}
        for period in encoded.groups:
            block = encoded.block(period)
            rows = np.flatnonzero((block >= 0).sum(axis=1) >= self.min_votes)
            if len(rows) < 2:
                notes[int(period)] = [
                    f"period {period}: fewer than two states with {self.min_votes} votes; skipped"
                ]
                continue
            with _single_threaded_blas():
                weights = _matrix_from_block(block[rows], self.metric)
            weights = np.nan_to_num(weights, nan=0.0)
            np.fill_diagonal(weights, 0.0)
            weights = np.clip(weights, 0.0, None)
            src, dst = np.nonzero(np.triu(weights, k=1))
            graph = ig.Graph(n=len(rows), edges=list(zip(src.tolist(), dst.tolist(), strict=True)))
            graph.es["weight"] = weights[src, dst].tolist()
            partition = leidenalg.find_partition(
                graph,
                leidenalg.RBConfigurationVertexPartition,
                weights="weight",
                resolution_parameter=self.resolution,
                seed=self.random_state if self.random_state is not None else None,
                n_iterations=-1,
            )
            modularity[int(period)] = float(partition.quality())
            partitions[int(period)] = pd.DataFrame(
                {"period": int(period), "iso3": names[rows], "bloc": np.asarray(partition.membership)}
            )
        return partitions, modularity, notes

    def _check_fitted(self) -> None:
        if not hasattr(self, "blocs_"):
            raise NotFittedError("This VotingBlocs is not fitted yet.", hint="Call fit(votes) first.")

    def blocs(self, period: int) -> dict[int, list[str]]:
        """The blocs of one period: label -> sorted ISO3 codes."""
        self._check_fitted()
        rows = self.blocs_[self.blocs_["period"] == period]
        if rows.empty:
            raise BadInput(
                f"no blocs for period {period}", hint=f"Periods: {sorted(self.blocs_['period'].unique())}"
            )
        return {int(str(b)): sorted(g["iso3"]) for b, g in rows.groupby("bloc")}

    def bloc_of(self, iso3: str) -> pd.DataFrame:
        """The bloc label of one state in each period."""
        self._check_fitted()
        return self.blocs_[self.blocs_["iso3"] == iso3].reset_index(drop=True)


@dataclass(frozen=True)
class YearlyBlocs:
    """Voting blocs of each year, labelled against the year before (see :func:`yearly_blocs`).

    Attributes
    ----------
    blocs:
        period (the year), iso3, bloc, bloc_size.
    movers:
        iso3, period, previous (the year before), bloc, previous_bloc: states whose bloc changed.
    stability:
        period, previous, ari, nmi, n_common: agreement of the year's partition with the year before.
    modularity:
        Quality of each year's partition.
    notes:
        Per year, what was skipped in computing it (a year with fewer than two states that voted).
    """

    blocs: pd.DataFrame
    movers: pd.DataFrame
    stability: pd.DataFrame
    modularity: dict[int, float]
    notes: dict[int, list[str]]

    def year(self, year: int) -> YearlyBlocs:
        """Only ``year``'s rows."""

        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            return frame[frame["period"] == year].reset_index(drop=True)

        return YearlyBlocs(
            rows(self.blocs),
            rows(self.movers),
            rows(self.stability),
            {year: self.modularity[year]} if year in self.modularity else {},
            {year: self.notes[year]} if year in self.notes else {},
        )


def yearly_blocs(
    votes: pd.DataFrame,
    years: Sequence[int] | None = None,
    *,
    resolution: float = 1.0,
    metric: str = "agree",
    min_votes: int = 10,
    random_state: int | None = 0,
) -> YearlyBlocs:
    """Voting blocs of each of ``years`` (default: every year of ``votes``), each matched to those
    of the year before, as ``comity votes blocs --year`` shows them.

    Each year is what :class:`VotingBlocs` finds fitted on that year and the one before: the year
    before is labelled by size (largest 0) and the year's blocs by their largest overlap with it, so
    that the movers are the states whose bloc changed. Each year's partition is computed once, so
    all years cost one fit per year (not two).

    >>> found = yearly_blocs(read_votes(start=2022, end=2023), [2023])  # doctest: +SKIP
    >>> found.blocs.head()  # doctest: +SKIP
    """
    model = VotingBlocs(resolution, metric=metric, min_votes=min_votes, random_state=random_state)
    model._validate(votes)
    present = sorted(int(y) for y in votes["year"].unique())
    wanted = present if years is None else sorted({int(y) for y in years})
    missing = [y for y in wanted if y not in present]
    if missing:
        raise BadInput(
            f"There are no General Assembly votes in {', '.join(map(str, missing))}.",
            hint=f"Pick years between {present[0]} and {present[-1]}.",
        )
    needed = set(wanted) | {y - 1 for y in wanted}
    partitions, modularity, skipped = model._partitions(votes[votes["year"].isin(needed)])
    blocs, movers, stability = [], [], []
    notes: dict[int, list[str]] = {}
    for year in wanted:
        note = skipped.get(year - 1, []) + skipped.get(year, [])
        if note:
            notes[year] = note
        if year not in partitions:
            continue
        pair = [partitions[y] for y in (year - 1, year) if y in partitions]
        found, steady, moved = _match_periods(pair)
        blocs.append(found[found["period"] == year])
        movers.append(moved)
        stability.append(steady)
    if not blocs:
        raise BadInput("no year had two states with enough votes", hint="Lower min_votes.")
    return YearlyBlocs(
        pd.concat(blocs, ignore_index=True),
        _concat(movers, _MOVER_COLUMNS),
        _concat(stability, _STABILITY_COLUMNS),
        {y: modularity[y] for y in wanted if y in modularity},
        notes,
    )


_MOVER_COLUMNS = ["iso3", "period", "previous", "bloc", "previous_bloc"]
_STABILITY_COLUMNS = ["period", "previous", "ari", "nmi", "n_common"]


def _concat(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    kept = [f for f in frames if len(f)]
    return pd.concat(kept, ignore_index=True)[columns] if kept else pd.DataFrame(columns=columns)


def _match_periods(
    assignments: list[pd.DataFrame],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    from scipy.optimize import linear_sum_assignment

    matched: list[pd.DataFrame] = []
    stability: list[dict[str, Any]] = []
    movers: list[pd.DataFrame] = []
    next_label = 0
    previous: pd.DataFrame | None = None
    for current in assignments:
        current = current.copy()
        raw = current["bloc"].to_numpy()
        sizes = pd.Series(raw).value_counts()
        if previous is None:
            # First period: label blocs by size, largest 0.
            relabel = {int(b): i for i, b in enumerate(sizes.index)}
            next_label = len(relabel)
        else:
            common = current.merge(previous, on="iso3", suffixes=("", "_prev"))
            new_labels = list(sizes.index)
            old_labels = sorted(previous["bloc"].unique())
            overlap = np.zeros((len(new_labels), len(old_labels)))
            index_new = {b: i for i, b in enumerate(new_labels)}
            index_old = {b: i for i, b in enumerate(old_labels)}
            for b_new, b_old in zip(common["bloc"], common["bloc_prev"], strict=True):
                overlap[index_new[b_new], index_old[b_old]] += 1
            r, c = linear_sum_assignment(-overlap)
            relabel = {}
            for i, j in zip(r, c, strict=True):
                if overlap[i, j] > 0:
                    relabel[int(new_labels[i])] = int(old_labels[j])
            for b in new_labels:
                if int(b) not in relabel:
                    relabel[int(b)] = next_label
                    next_label += 1
        current["bloc"] = [relabel[int(b)] for b in raw]
        current["bloc_size"] = current.groupby("bloc")["iso3"].transform("size")
        if previous is not None:
            both = current.merge(previous[["iso3", "bloc", "period"]], on="iso3", suffixes=("", "_prev"))
            stability.append(
                {
                    "period": int(current["period"].iloc[0]),
                    "previous": int(previous["period"].iloc[0]),
                    "ari": adjusted_rand_index(both["bloc"], both["bloc_prev"]),
                    "nmi": normalized_mutual_info(both["bloc"], both["bloc_prev"]),
                    "n_common": len(both),
                }
            )
            moved = both[both["bloc"] != both["bloc_prev"]]
            movers.append(
                pd.DataFrame(
                    {
                        "iso3": moved["iso3"],
                        "period": moved["period"],
                        "previous": moved["period_prev"],
                        "bloc": moved["bloc"],
                        "previous_bloc": moved["bloc_prev"],
                    }
                )
            )
        matched.append(current)
        previous = current
    blocs = (
        pd.concat(matched, ignore_index=True).sort_values(["period", "bloc", "iso3"]).reset_index(drop=True)
    )
    stability_frame = pd.DataFrame(stability, columns=_STABILITY_COLUMNS)
    movers_frame = pd.concat(movers, ignore_index=True) if movers else pd.DataFrame(columns=_MOVER_COLUMNS)
    return blocs, stability_frame, movers_frame[_MOVER_COLUMNS].reset_index(drop=True)
