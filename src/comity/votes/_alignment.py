"""How alike states vote: agreement, Lijphart, Signorino-Ritter S, Cohen's kappa, Scott's pi.

All indices work on the 3 x 3 table of two states' votes on the roll calls where both voted
yes, abstain or no (absences and non-voting do not count). Votes are ordered
yes (0) < abstain (1) < no (2) and two votes are ``|a - b|`` apart:

* ``agree``: share of identical votes.
* ``lijphart``: Lijphart's index, an abstention against a yes or no counting half:
  ``1 - mean distance / 2``.
* ``s``: Signorino and Ritter's S with this metric, ``1 - 2 * mean distance / max distance``
  (``= 2 * lijphart - 1``), from -1 to 1.
* ``kappa`` and ``pi``: Häge's (2011) chance-corrected indices ``1 - D_obs / D_exp``; the
  expected distance comes from each state's own vote shares (Cohen's kappa) or from their
  pooled shares (Scott's pi). Undefined (NaN) when chance alone predicts no disagreement.

Each row carries ``n_votes`` (the roll calls both states voted on) and ``thin`` (fewer than
:data:`THIN_ROLL_CALLS`). With ``n_boot``, 95% percentile bootstrap intervals
(``<metric>_lo``, ``<metric>_hi``) come from resampling the roll calls of each group with
replacement; each group's resamples are seeded by ``(random_state, group)``, so a year's
interval does not depend on the other years asked for.

Counting is done with one-hot matrix products (one BLAS call per year for all pairs), so that
all-pairs matrices of every year take milliseconds.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd

from comity.errors import BadInput

__all__ = [
    "METRICS",
    "THIN_ROLL_CALLS",
    "agreement_matrices",
    "agreement_matrix",
    "alignment",
    "pair_indices",
]

METRICS: tuple[str, ...] = ("agree", "lijphart", "s", "kappa", "pi")
#: A year (or pair-year) with fewer roll calls than this is flagged ``thin`` in cohesion,
#: alignment and ideal-point tables: an index over a handful of votes says little.
THIN_ROLL_CALLS = 20
_CODES = {"yes": 0, "abstain": 1, "no": 2}
_ISSUES = ("me", "nu", "di", "hr", "co", "ec")
_DISTANCE = np.abs(np.subtract.outer(np.arange(3), np.arange(3))).astype(np.float64)

FloatArray = np.ndarray[Any, np.dtype[np.float64]]


def _check_votes(votes: pd.DataFrame, need: Iterable[str] = ("rcid", "iso3", "vote")) -> None:
    missing = [c for c in need if c not in votes.columns]
    if missing:
        raise BadInput(
            f"the votes table lacks column(s) {', '.join(missing)}",
            hint="Pass a tidy votes frame such as comity.votes.read_votes() returns.",
        )


def _check_metrics(metrics: Sequence[str]) -> list[str]:
    unknown = [m for m in metrics if m not in METRICS]
    if unknown:
        raise BadInput(f"unknown metric(s) {', '.join(unknown)}", hint=f"Choose from {', '.join(METRICS)}.")
    return list(metrics)


def pair_indices(table: FloatArray, metrics: Sequence[str] = METRICS) -> dict[str, FloatArray]:
    """Indices from contingency tables ``table[a, b, ...]`` (a: first state's vote, b: second's).

    ``table`` has shape ``(3, 3, ...)``; the result arrays have the trailing shape. Pairs
    with no common vote give NaN.
    """
    table = np.asarray(table, dtype=np.float64)
    n = table.sum(axis=(0, 1))
    out: dict[str, FloatArray] = {}
    with np.errstate(invalid="ignore", divide="ignore"):
        d_obs = np.tensordot(_DISTANCE, table, axes=([0, 1], [0, 1])) / n
        if "agree" in metrics:
            out["agree"] = np.trace(table, axis1=0, axis2=1) / n
        if "lijphart" in metrics:
            out["lijphart"] = 1.0 - d_obs / 2.0
        if "s" in metrics:
            out["s"] = 1.0 - d_obs
        if "kappa" in metrics or "pi" in metrics:
            share_a = table.sum(axis=1) / n
            share_b = table.sum(axis=0) / n
            if "kappa" in metrics:
                d_exp = np.einsum("ab,a...,b...->...", _DISTANCE, share_a, share_b)
                out["kappa"] = np.where(d_exp > 0, 1.0 - d_obs / d_exp, np.nan)
            if "pi" in metrics:
                pooled = (share_a + share_b) / 2.0
                d_exp = np.einsum("ab,a...,b...->...", _DISTANCE, pooled, pooled)
                out["pi"] = np.where(d_exp > 0, 1.0 - d_obs / d_exp, np.nan)
    return {k: np.asarray(v, dtype=np.float64) for k, v in out.items()}


class _Encoded:
    """Votes as a dense states x roll-calls matrix of codes (-1: no yes/abstain/no vote).

    Roll calls are sorted by ``group`` (the year) so that each group is a slice of columns.
    """

    def __init__(self, votes: pd.DataFrame, group: str | None) -> None:
        vote_codes = pd.Categorical(votes["vote"], categories=list(_CODES)).codes.astype(np.int8)
        cast = vote_codes >= 0
        state_codes, self.states = pd.factorize(votes["iso3"].to_numpy()[cast], sort=True)
        rc_codes, rc_unique = pd.factorize(votes["rcid"].to_numpy()[cast])
        group_of_rc = np.zeros(len(rc_unique), dtype=np.int64)
        if group is not None:
            group_of_rc[rc_codes] = votes[group].to_numpy()[cast]
        order = np.argsort(group_of_rc, kind="stable")
        position = np.empty_like(order)
        position[order] = np.arange(len(order))
        self.matrix = np.full((len(self.states), len(rc_unique)), -1, dtype=np.int8)
        self.matrix[state_codes, position[rc_codes]] = vote_codes[cast]
        sorted_groups = group_of_rc[order]
        groups, starts = np.unique(sorted_groups, return_index=True)
        self.groups: list[int] = [int(g) for g in groups]
        ends = [*starts[1:], len(order)] if len(starts) else []
        self.slices = {g: slice(int(s), int(e)) for g, s, e in zip(self.groups, starts, ends, strict=True)}

    def block(self, group: int) -> np.ndarray[Any, Any]:
        return self.matrix[:, self.slices[group]]


@contextmanager
def _single_threaded_blas() -> Iterator[None]:
    """Many small products run faster on one BLAS thread than on a pool that must wake up each time
    (and far faster on a busy machine)."""
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _one_hot(block: np.ndarray[Any, Any]) -> np.ndarray[Any, Any]:
    """(3, n, m) float32 indicators of yes, abstain, no."""
    indicators: np.ndarray[Any, Any] = block[None, :, :] == np.arange(3, dtype=np.int8)[:, None, None]
    return indicators.astype(np.float32)


def _contingency(block: np.ndarray[Any, Any]) -> FloatArray:
    """All pairs' 3 x 3 tables, shape (3, 3, n, n), from one product of stacked indicators."""
    n = block.shape[0]
    stacked = _one_hot(block).reshape(3 * n, block.shape[1])
    gram: np.ndarray[Any, Any] = stacked @ stacked.T
    return np.asarray(gram.reshape(3, n, 3, n).transpose(0, 2, 1, 3), dtype=np.float64)


def _filter(votes: pd.DataFrame, issue: str | None, start: int | None, end: int | None) -> pd.DataFrame:
    mask = pd.Series(True, index=votes.index)
    if issue is not None:
        if issue not in _ISSUES:
            raise BadInput(
                f"unknown issue code {issue!r}",
                hint="Voeten's issue codes: me (Palestinian conflict), nu (nuclear weapons), "
                "di (arms control), hr (human rights), co (colonialism), ec (economic development).",
            )
        if "issues" not in votes.columns:
            raise BadInput("the votes table has no issues column, so it cannot be filtered by issue")
        codes = votes["issues"].fillna("").astype(str)
        mask &= codes.str.contains(rf"(?:^|,){issue}(?:,|$)", regex=True)
    if start is not None or end is not None:
        if "year" not in votes.columns:
            raise BadInput("the votes table has no year column, so it cannot be filtered by year")
        years = votes["year"]
        if start is not None:
            mask &= years >= start
        if end is not None:
            mask &= years <= end
    return votes[mask.to_numpy()]


_BY = {None: (), "none": (), "year": ("year",), "issue": ("issue",), "year,issue": ("year", "issue")}


def _by_issue(votes: pd.DataFrame) -> pd.DataFrame:
    """One row per vote and issue code of its roll call (roll calls without issue codes drop out);
    the roll call is renamed ``rcid#issue`` so that each issue is its own column of votes."""
    if "issues" not in votes.columns:
        raise BadInput("the votes table has no issues column, so it cannot be grouped by issue")
    exploded = votes.assign(issue=votes["issues"].fillna("").astype(str).str.split(",")).explode("issue")
    exploded = exploded[exploded["issue"].isin(_ISSUES)]
    return exploded.assign(rcid=exploded["rcid"].astype(str) + "#" + exploded["issue"])


def alignment(
    votes: pd.DataFrame,
    states: Sequence[str] | None = None,
    *,
    by: str | None = "year",
    issue: str | None = None,
    reference: str | Sequence[str] | None = None,
    metrics: Sequence[str] = METRICS,
    start: int | None = None,
    end: int | None = None,
    n_boot: int = 0,
    random_state: int = 0,
) -> pd.DataFrame:
    """Pairwise voting similarity of states, per year, per issue, per both, or pooled.

    Parameters
    ----------
    votes:
        Tidy votes with columns rcid, iso3, vote, and year and issues for ``by``/``issue``.
    states:
        ISO3 codes; default all states in ``votes``.
    by:
        ``"year"``, ``"issue"`` (Voeten's six codes; a roll call with two codes counts under
        both), ``"year,issue"`` or ``None`` (pooled over everything selected).
    reference:
        One or more ISO3 codes: only pairs (reference, other state) are returned.
        Without it every pair of ``states`` is returned once (iso3_a < iso3_b).
    issue:
        Keep roll calls of one of Voeten's issue codes (me, nu, di, hr, co, ec).
    metrics:
        Some of ``agree``, ``lijphart``, ``s``, ``kappa``, ``pi``.
    n_boot, random_state:
        Bootstrap resamples of the roll calls (0: none) and their seed; with ``n_boot``, each
        metric gets ``<metric>_lo`` and ``<metric>_hi``, the 2.5 and 97.5 percentiles.

    Returns
    -------
    DataFrame with iso3_a, iso3_b, the ``by`` columns, one column per metric (and its interval),
    n_votes, thin.
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise BadInput(f"n_boot must be a whole number >= 0, not {n_boot!r}")
    if by not in _BY:
        raise BadInput(f"by={by!r} is not supported", hint="Use 'year', 'issue', 'year,issue' or None.")
    keys = _BY[by]
    _check_votes(votes, ["rcid", "iso3", "vote"] + (["year"] if "year" in keys else []))
    metric_list = _check_metrics(metrics)
    refs = [reference] if isinstance(reference, str) else list(reference or [])
    chosen = sorted(set(states or []) | set(refs)) if states is not None or refs else None
    data = _filter(votes, issue, start, end)
    if chosen is not None:
        unknown = sorted(set(chosen) - set(votes["iso3"].unique()))
        if unknown:
            raise BadInput(
                f"no votes at all for {', '.join(unknown)}",
                hint="States are ISO3 codes such as USA, CHN, RUS; check the period and source.",
            )
        data = data[data["iso3"].isin(chosen)]
    if "issue" in keys:
        data = _by_issue(data)
        if issue is not None:
            data = data[data["issue"] == issue]
    # One integer per group: the year, the issue's position, or year * 10 + position.
    group_key = pd.Series(0, index=data.index, dtype=np.int64)
    if "year" in keys:
        group_key += data["year"].astype(np.int64) * (10 if "issue" in keys else 1)
    if "issue" in keys:
        group_key += data["issue"].map({code: i for i, code in enumerate(_ISSUES)}).astype(np.int64)
    encoded = _Encoded(data.assign(_group=group_key), "_group")
    names = np.asarray(encoded.states, dtype=object)
    rows: list[pd.DataFrame] = []
    for group in encoded.groups:
        with _single_threaded_blas():
            table = _contingency(encoded.block(group))
        values = pair_indices(table, metric_list)
        n_votes = table.sum(axis=(0, 1))
        if refs:
            ref_idx = np.flatnonzero(np.isin(names, refs))
            other = np.arange(len(names))
            grid_a, grid_b = np.meshgrid(ref_idx, other, indexing="ij")
            # Each pair once: a reference against another reference only in name order.
            keep = (grid_a != grid_b) & ~(np.isin(names[grid_b], refs) & (grid_b < grid_a))
            ia, ib = grid_a[keep].ravel(), grid_b[keep].ravel()
        else:
            ia, ib = np.triu_indices(len(names), k=1)
        frame = pd.DataFrame({"iso3_a": names[ia], "iso3_b": names[ib]})
        if "year" in keys:
            frame["year"] = group // 10 if "issue" in keys else group
        if "issue" in keys:
            frame["issue"] = _ISSUES[group % 10 if "year" in keys else group]
        bounds = {}
        if n_boot:
            bounds = _bootstrap(encoded.block(group), metric_list, n_boot, random_state, group, ia, ib)
        for metric in metric_list:
            frame[metric] = values[metric][ia, ib]
            if n_boot:
                frame[f"{metric}_lo"], frame[f"{metric}_hi"] = bounds[metric]
        frame["n_votes"] = n_votes[ia, ib].astype(np.int64)
        frame["thin"] = frame["n_votes"] < THIN_ROLL_CALLS
        rows.append(frame[frame["n_votes"] > 0])
    intervals = [f"{m}_{end}" for m in metric_list for end in ("lo", "hi")] if n_boot else []
    columns = ["iso3_a", "iso3_b", *keys, *metric_list, *intervals, "n_votes", "thin"]
    if not rows:
        return pd.DataFrame(columns=columns)
    result = pd.concat(rows, ignore_index=True)[columns]
    return result.sort_values(["iso3_a", "iso3_b", *keys], kind="stable").reset_index(drop=True)


def _bootstrap(
    block: np.ndarray[Any, Any],
    metrics: list[str],
    n_boot: int,
    seed: int,
    group: int,
    ia: np.ndarray[Any, Any],
    ib: np.ndarray[Any, Any],
) -> dict[str, tuple[FloatArray, FloatArray]]:
    """2.5 and 97.5 percentiles of each metric over ``n_boot`` resamples of the block's roll calls."""
    rng = np.random.default_rng(np.random.SeedSequence([int(seed), int(group)]))
    n_calls = block.shape[1]
    stacked = _one_hot(block).reshape(3 * block.shape[0], n_calls)
    draws = {m: np.empty((n_boot, len(ia))) for m in metrics}
    with _single_threaded_blas():
        for b in range(n_boot):
            weights = np.bincount(rng.integers(0, n_calls, n_calls), minlength=n_calls).astype(np.float32)
            gram = (stacked * weights) @ stacked.T
            n = block.shape[0]
            table = np.asarray(gram.reshape(3, n, 3, n).transpose(0, 2, 1, 3), dtype=np.float64)
            values = pair_indices(table[:, :, ia, ib], metrics)
            for metric in metrics:
                draws[metric][b] = values[metric]
    out: dict[str, tuple[FloatArray, FloatArray]] = {}
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: pairs without common votes
        for metric in metrics:
            lo, hi = np.nanpercentile(draws[metric], [2.5, 97.5], axis=0)
            out[metric] = (np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64))
    return out


def _matrix_from_block(block: np.ndarray[Any, Any], metric: str) -> FloatArray:
    if metric == "agree":
        one_hot = _one_hot(block)
        wide = one_hot.transpose(1, 0, 2).reshape(block.shape[0], -1)
        present = (block >= 0).astype(np.float32)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.asarray((wide @ wide.T) / (present @ present.T), dtype=np.float64)
    return pair_indices(_contingency(block), [metric])[metric]


def agreement_matrix(votes: pd.DataFrame, year: int, metric: str = "agree") -> pd.DataFrame:
    """All-pairs similarity of the states that voted in ``year``, as a square DataFrame (ISO3 x ISO3)."""
    _check_votes(votes, ["rcid", "iso3", "vote", "year"])
    _check_metrics([metric])
    data = votes[votes["year"] == year]
    if data.empty:
        raise BadInput(f"no votes in {year}", hint="Check the year and the vote source.")
    return agreement_matrices(data, metric=metric)[int(year)]


def agreement_matrices(votes: pd.DataFrame, metric: str = "agree") -> dict[int, pd.DataFrame]:
    """:func:`agreement_matrix` for every year in ``votes`` at once (one encoding, one product a year)."""
    _check_votes(votes, ["rcid", "iso3", "vote", "year"])
    _check_metrics([metric])
    encoded = _Encoded(votes, "year")
    names = np.asarray(encoded.states, dtype=object)
    result: dict[int, pd.DataFrame] = {}
    with _single_threaded_blas():
        for year in encoded.groups:
            block = encoded.block(year)
            rows = np.flatnonzero((block >= 0).any(axis=1))
            values = _matrix_from_block(block[rows], metric)
            labels = pd.Index(names[rows], name="iso3")
            result[year] = pd.DataFrame(values, index=labels, columns=labels)
    return result
