"""Ideal points from UN General Assembly roll-call votes: static and dynamic ordinal probit.

The model is the one of Bailey, Strezhnev and Voeten (2017) and of ``emIRT::ordIRT`` (Imai,
Lo and Olmsted 2016): votes are ordered ``yes < abstain < no`` and for state ``i`` on roll
call ``j``

    P(vote <= k) = Phi(tau_jk - beta_j * x_i),   k = yes, abstain;  tau_j1 < tau_j2,

with ``x_i`` the state's ideal point, ``beta_j`` the roll call's discrimination and two
cutpoints per roll call. ``DynamicIdealPoints`` lets each state's position follow a Gaussian
random walk over years (gently pulled towards 0) and gives roll calls that are the same
resolution voted again one set of item parameters (bridging), which is what makes years
comparable.

Both estimators find the posterior mode (normal priors on every parameter) by alternating
Newton steps: all roll calls at once given the positions (a 3 x 3 system per roll call), then
all positions at once given the roll calls (one number per state, or one tridiagonal system
over all state-years for the random walk), then a closed-form jump along the likelihood's
shift-and-scale ridge (which alternating steps would otherwise crawl along). Every step is
damped so that it never lowers the log posterior, and the ordinal probit likelihood is
log-concave in each block, so the log posterior rises every round.

Standard errors are Laplace approximations: the inverse curvature of the log posterior in the
positions with the roll-call parameters held at their estimates. They ignore the uncertainty
of the roll-call parameters, so they are somewhat too small, as are those of emIRT.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Literal, cast

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy.linalg import solveh_banded
from scipy.special import log_ndtr, ndtri

from comity.errors import BadInput, NotFittedError

__all__ = [
    "ConvergenceWarning",
    "DynamicIdealPoints",
    "IdealPoints",
    "ideal_points_table",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: Vote codes and their ordered category (yes < abstain < no).
VOTE_CATEGORIES: dict[str, int] = {"yes": 0, "abstain": 1, "no": 2}
#: Vote codes read as "did not vote" (absent, not a member, non-voting).
MISSING_VOTES: frozenset[str] = frozenset(
    {"absent", "non_voting", "non-voting", "nonvoting", "not_member", "not voting", "nv", "x", ""}
)

_LOG_SQRT_2PI = 0.5 * math.log(2.0 * math.pi)
_MIN_GAP = 1e-6
_MAX_HALVINGS = 8
# Rounding slack when checking that a step did not lower the log posterior.
_SLACK = 1e-9


class ConvergenceWarning(UserWarning):
    """The ideal point iteration stopped at ``max_iter`` before meeting ``tol``."""


# ---------------------------------------------------------------------------------------------
# Input checking


def _check_votes(votes: pd.DataFrame, required: Iterable[str]) -> pd.DataFrame:
    if not isinstance(votes, pd.DataFrame):
        raise BadInput(
            f"votes must be a pandas DataFrame, not {type(votes).__name__}.",
            hint="Pass a tidy table with columns rcid, iso3, vote and year, one row per state and roll call.",
        )
    missing = [column for column in required if column not in votes.columns]
    if missing:
        raise BadInput(
            f"The votes table lacks the column(s) {', '.join(missing)} "
            f"(it has {', '.join(map(str, votes.columns))}).",
            hint="Ideal points need one row per state and roll call with columns rcid, iso3, vote and year.",
        )
    raw = votes["vote"]
    # Normalise the few distinct codes, not every row.
    codes, distinct = pd.factorize(raw, use_na_sentinel=True)
    distinct_text = pd.Series(distinct, dtype=object).astype("string").str.strip().str.lower()
    distinct_category = (
        distinct_text.map(VOTE_CATEGORIES).astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    )
    distinct_known = (
        distinct_text.isin(list(VOTE_CATEGORIES)) | distinct_text.isin(list(MISSING_VOTES))
    ).to_numpy()
    category = pd.Series(np.where(codes >= 0, distinct_category[codes], np.nan), index=votes.index)
    unknown = (codes >= 0) & ~distinct_known.astype(bool)[np.maximum(codes, 0)]
    if unknown.any():
        bad = sorted(set(raw[unknown].astype(str)))
        first = votes.index[unknown][0]
        raise BadInput(
            f"Unknown vote code(s) {', '.join(repr(b) for b in bad[:10])} in column 'vote' "
            f"(first at row {first}).",
            hint="Use 'yes', 'abstain' or 'no'; 'absent', 'non_voting', 'not_member' and empty values count "
            "as not voting.",
        )
    if votes["iso3"].isna().any():
        first = votes.index[votes["iso3"].isna().to_numpy()][0]
        raise BadInput(
            f"Column 'iso3' has empty values (first at row {first}).",
            hint="Map every state to its ISO 3166-1 alpha-3 code before estimating ideal points.",
        )
    table = pd.DataFrame(
        {
            "rcid": votes["rcid"].to_numpy(),
            "iso3": votes["iso3"].astype(str).to_numpy(),
            "category": category.to_numpy(dtype=float),
        },
        index=votes.index,
    )
    if "year" in votes.columns and "year" in required:
        year = pd.to_numeric(votes["year"], errors="coerce")
        if year.isna().any():
            first = votes.index[year.isna().to_numpy()][0]
            raise BadInput(
                f"Column 'year' has empty or non-numeric values (first at row {first}).",
                hint="Give every vote its calendar year as an integer.",
            )
        table["year"] = year.astype(np.int64).to_numpy()
    duplicated = table.duplicated(["rcid", "iso3"])
    if duplicated.any():
        first = table.index[duplicated.to_numpy()][0]
        row = table.loc[first]
        raise BadInput(
            f"State {row['iso3']} has more than one vote on roll call {row['rcid']!r} (row {first}).",
            hint="Keep one row per state and roll call; roll-call ids must be unique across sessions "
            "and datasets.",
        )
    return table[table["category"].notna()].reset_index(drop=True)


def _check_positive(name: str, value: float) -> None:
    if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
        raise BadInput(f"{name} must be a positive number, not {value!r}.", hint=f"Set {name} to e.g. 1.0.")


def _check_common(n_dims: int, model: str, max_iter: int, tol: float) -> None:
    if n_dims != 1:
        raise BadInput(
            f"n_dims={n_dims!r}: only one-dimensional ideal points are implemented.",
            hint="Use n_dims=1 (UN General Assembly votes are well described by one dimension).",
        )
    if model not in ("ordinal", "binary"):
        raise BadInput(
            f"model={model!r} is not a known model.",
            hint="Use 'ordinal' (yes < abstain < no) or 'binary' (yes/no, abstentions as missing).",
        )
    if not isinstance(max_iter, int) or max_iter < 1:
        raise BadInput(f"max_iter must be a positive integer, not {max_iter!r}.", hint="Use e.g. 500.")
    _check_positive("tol", tol)


# ---------------------------------------------------------------------------------------------
# The ordinal probit likelihood, vectorised over observations


@dataclass
class _Terms:
    """Per-observation log-likelihood and its derivatives in the interval bounds ``a < b``."""

    loglik: FloatArray
    d_a: FloatArray  # d logL / d a
    d_b: FloatArray
    d_aa: FloatArray
    d_bb: FloatArray
    d_ab: FloatArray


def _interval_terms(a: FloatArray, b: FloatArray) -> _Terms:
    """log(Phi(b) - Phi(a)) and its derivatives, accurate far in the tails.

    The interval is reflected so that its centre is not positive, where ``log_ndtr`` keeps
    full precision for both bounds.
    """
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        flip = (a + b) > 0
        lo = np.where(flip, -b, a)
        hi = np.where(flip, -a, b)
        log_hi = log_ndtr(hi)
        log_lo = log_ndtr(lo)
        loglik = log_hi + np.log1p(-np.exp(log_lo - log_hi))
        p_lo = np.exp(-0.5 * lo * lo - _LOG_SQRT_2PI - loglik)
        p_hi = np.exp(-0.5 * hi * hi - _LOG_SQRT_2PI - loglik)
        pa = np.where(flip, p_hi, p_lo)  # phi(a) / L
        pb = np.where(flip, p_lo, p_hi)  # phi(b) / L
        a_pa = np.where(np.isfinite(a), a * pa, 0.0)
        b_pb = np.where(np.isfinite(b), b * pb, 0.0)
    return _Terms(loglik=loglik, d_a=-pa, d_b=pb, d_aa=a_pa - pa * pa, d_bb=-b_pb - pb * pb, d_ab=pa * pb)


class _Problem:
    """Votes as integer arrays: observation -> (position unit, item, category)."""

    def __init__(self, unit: IntArray, item: IntArray, category: IntArray, n_units: int, n_items: int):
        # Votes sorted by category: a 'yes' is bounded only above and a 'no' only below, so
        # contiguous blocks let ``evaluate`` skip the other bound for most votes.
        order = np.argsort(category, kind="stable")
        unit, item, category = unit[order], item[order], category[order]
        self.unit = unit
        self.item = item
        self.category = category
        self.n_units = n_units
        self.n_items = n_items
        counts = np.zeros((n_items, 3), dtype=np.int64)
        np.add.at(counts, (item, category), 1)
        self.counts = counts
        present = counts > 0
        # Items missing a category: {yes, no} only -> one shared cutpoint (tied); without 'no'
        # the upper cutpoint is +inf, without 'yes' the lower one is -inf.
        self.tied = present[:, 0] & ~present[:, 1] & present[:, 2]
        self.no_lower = ~present[:, 0]
        self.no_upper = ~present[:, 2]
        self.lower_slot = np.maximum(category - 1, 0)  # cutpoint that bounds the category below
        self.upper_slot = np.minimum(category, 1)  # cutpoint that bounds it above
        self.abstained = category == 1
        self.units_per_obs_count = np.bincount(unit, minlength=n_units)
        self.lo_index = item * 2 + self.lower_slot
        self.up_index = item * 2 + self.upper_slot
        n_yes, n_abstain = int((category == 0).sum()), int((category == 1).sum())
        self._yes = slice(0, n_yes)
        self._abstain = slice(n_yes, n_yes + n_abstain)
        self._no = slice(n_yes + n_abstain, len(category))

    def evaluate(self, x: FloatArray, cut: FloatArray, beta: FloatArray) -> tuple[_Terms, FloatArray]:
        """Likelihood terms of every vote, and each vote's state position."""
        x_obs = x[self.unit]
        eta = beta[self.item] * x_obs
        n = len(eta)
        terms = _Terms(*(np.zeros(n) for _ in range(6)))
        lower, upper = cut[:, 0], cut[:, 1]
        yes, abstain, no = self._yes, self._abstain, self._no
        with np.errstate(over="ignore", under="ignore"):
            # yes: log Phi(b), b = cut1 - eta
            b = lower[self.item[yes]] - eta[yes]
            loglik = log_ndtr(b)
            pb = np.exp(-0.5 * b * b - _LOG_SQRT_2PI - loglik)
            terms.loglik[yes] = loglik
            terms.d_b[yes] = pb
            terms.d_bb[yes] = -pb * (b + pb)
            # no: log(1 - Phi(a)) = log Phi(-a), a = cut2 - eta
            a = upper[self.item[no]] - eta[no]
            loglik = log_ndtr(-a)
            pa = np.exp(-0.5 * a * a - _LOG_SQRT_2PI - loglik)
            terms.loglik[no] = loglik
            terms.d_a[no] = -pa
            terms.d_aa[no] = pa * (a - pa)
        if abstain.stop > abstain.start:
            items = self.item[abstain]
            middle = _interval_terms(lower[items] - eta[abstain], upper[items] - eta[abstain])
            for name in ("loglik", "d_a", "d_b", "d_aa", "d_bb", "d_ab"):
                getattr(terms, name)[abstain] = getattr(middle, name)
        return terms, x_obs

    def item_sum(self, weights: FloatArray) -> FloatArray:
        return cast(FloatArray, np.bincount(self.item, weights, minlength=self.n_items))

    def unit_sum(self, weights: FloatArray) -> FloatArray:
        return cast(FloatArray, np.bincount(self.unit, weights, minlength=self.n_units))


def _initial_cutpoints(problem: _Problem) -> FloatArray:
    counts = problem.counts.astype(float) + 0.5
    share = np.cumsum(counts, axis=1) / counts.sum(axis=1, keepdims=True)
    cut = ndtri(share[:, :2])
    cut[problem.tied, 1] = cut[problem.tied, 0] = ndtri(
        (problem.counts[problem.tied, 0] + 0.5) / (problem.counts[problem.tied].sum(axis=1) + 1.0)
    )
    cut[problem.no_lower, 0] = -np.inf
    cut[problem.no_upper, 1] = np.inf
    return np.asarray(cut, dtype=float)


def _item_log_prior(cut: FloatArray, beta: FloatArray, cut_sd: float, beta_sd: float) -> FloatArray:
    finite = np.where(np.isfinite(cut), cut, 0.0)
    return np.asarray(-0.5 * (finite**2).sum(axis=1) / cut_sd**2 - 0.5 * beta**2 / beta_sd**2)


def _item_newton_step(
    problem: _Problem,
    terms: _Terms,
    x_obs: FloatArray,
    cut: FloatArray,
    beta: FloatArray,
    cut_sd: float,
    beta_sd: float,
) -> FloatArray:
    """Newton direction for every roll call's (cut1, cut2, beta) given the positions."""
    n = problem.n_items
    t = terms

    def sum2(index: IntArray, weights: FloatArray) -> FloatArray:
        return cast(FloatArray, np.bincount(index, weights, minlength=2 * n).reshape(n, 2))

    grad = np.zeros((n, 3))
    hess = np.zeros((n, 3, 3))
    grad[:, :2] = sum2(problem.lo_index, t.d_a) + sum2(problem.up_index, t.d_b)
    grad[:, 2] = problem.item_sum(-x_obs * (t.d_a + t.d_b))
    h_cut_diag = sum2(problem.lo_index, t.d_aa) + sum2(problem.up_index, t.d_bb)
    hess[:, 0, 0] = h_cut_diag[:, 0]
    hess[:, 1, 1] = h_cut_diag[:, 1]
    # Only an abstention has both cutpoints as bounds.
    hess[:, 0, 1] = hess[:, 1, 0] = problem.item_sum(np.where(problem.abstained, t.d_ab, 0.0))
    cross = sum2(problem.lo_index, -x_obs * (t.d_aa + t.d_ab)) + sum2(
        problem.up_index, -x_obs * (t.d_bb + t.d_ab)
    )
    hess[:, 0, 2] = hess[:, 2, 0] = cross[:, 0]
    hess[:, 1, 2] = hess[:, 2, 1] = cross[:, 1]
    hess[:, 2, 2] = problem.item_sum(x_obs**2 * (t.d_aa + t.d_bb + 2 * t.d_ab))
    finite_cut = np.where(np.isfinite(cut), cut, 0.0)
    grad[:, :2] -= finite_cut / cut_sd**2
    grad[:, 2] -= beta / beta_sd**2
    hess[:, 0, 0] -= 1 / cut_sd**2
    hess[:, 1, 1] -= 1 / cut_sd**2
    hess[:, 2, 2] -= 1 / beta_sd**2

    # Tied items: one cutpoint c = cut1 = cut2, so fold the two cutpoint rows into one.
    tied = problem.tied
    if tied.any():
        h = hess[tied]
        g = grad[tied]
        # The prior counts the shared cutpoint twice, as _item_log_prior does.
        h_cc = h[:, 0, 0] + 2 * h[:, 0, 1] + h[:, 1, 1]
        h_cb = h[:, 0, 2] + h[:, 1, 2]
        g_c = g[:, 0] + g[:, 1]
        h_bb = h[:, 2, 2].copy()
        h[:] = 0.0
        h[:, 0, 0] = h_cc
        h[:, 0, 2] = h[:, 2, 0] = h_cb
        h[:, 2, 2] = h_bb
        h[:, 1, 1] = -1.0
        g[:, 0] = g_c
        g[:, 1] = 0.0
        hess[tied] = h
        grad[tied] = g
    for slot, mask in ((0, problem.no_lower), (1, problem.no_upper)):
        if mask.any():
            hess[mask, slot, :] = 0.0
            hess[mask, :, slot] = 0.0
            hess[mask, slot, slot] = -1.0
            grad[mask, slot] = 0.0

    step = -np.linalg.solve(hess, grad[:, :, None])[:, :, 0]
    step[tied, 1] = step[tied, 0]
    step[~np.isfinite(step)] = 0.0
    return np.asarray(step)


def _update_items(
    problem: _Problem,
    x: FloatArray,
    cut: FloatArray,
    beta: FloatArray,
    terms: _Terms,
    x_obs: FloatArray,
    cut_sd: float,
    beta_sd: float,
) -> tuple[FloatArray, FloatArray, _Terms]:
    """A damped Newton step for all roll calls; no roll call's log posterior goes down.

    Returns the new item parameters and the likelihood terms at them (reused by the position
    step), so that a round costs two passes over the votes when no step needs halving.
    """
    step = _item_newton_step(problem, terms, x_obs, cut, beta, cut_sd, beta_sd)
    old = problem.item_sum(terms.loglik) + _item_log_prior(cut, beta, cut_sd, beta_sd)
    scale = np.ones(problem.n_items)

    def trial_at(scale: FloatArray) -> tuple[FloatArray, FloatArray]:
        return cut + scale[:, None] * step[:, :2], beta + scale * step[:, 2]

    # Keep the cutpoints ordered without evaluating anything.
    for _ in range(_MAX_HALVINGS):
        trial_cut, _ = trial_at(scale)
        with np.errstate(invalid="ignore"):
            disordered = ~problem.tied & (trial_cut[:, 1] - trial_cut[:, 0] < _MIN_GAP)
        if not disordered.any():
            break
        scale[disordered] /= 2
    scale[disordered] = 0.0
    for halving in range(_MAX_HALVINGS + 1):
        trial_cut, trial_beta = trial_at(scale)
        new_terms, _ = problem.evaluate(x, trial_cut, trial_beta)
        new = problem.item_sum(new_terms.loglik) + _item_log_prior(trial_cut, trial_beta, cut_sd, beta_sd)
        worse = (new < old - _SLACK * (1.0 + np.abs(old))) & (scale > 0)
        if not worse.any():
            return trial_cut, trial_beta, new_terms
        scale[worse] = scale[worse] / 2 if halving < _MAX_HALVINGS - 1 else 0.0
    return cut, beta, terms


def _position_newton(
    problem: _Problem, terms: _Terms, x_obs: FloatArray, beta: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per-unit log-likelihood, gradient and curvature (negative) in the position."""
    beta_obs = beta[problem.item]
    loglik = problem.unit_sum(terms.loglik)
    grad = problem.unit_sum(-beta_obs * (terms.d_a + terms.d_b))
    curvature = problem.unit_sum(beta_obs**2 * (terms.d_aa + terms.d_bb + 2 * terms.d_ab))
    return loglik, grad, curvature


def _first_component(problem: _Problem) -> FloatArray:
    """Start values: scores on the leading singular vector of the centred unit x item vote matrix.

    A unit's score is averaged over the votes it cast, so that states with many missing votes
    are not pulled to 0.
    """
    from scipy.sparse import csr_matrix
    from scipy.sparse.linalg import svds

    coded = problem.category.astype(float) - 1.0
    item_mean = np.bincount(problem.item, coded, minlength=problem.n_items) / np.maximum(
        np.bincount(problem.item, minlength=problem.n_items), 1
    )
    centred = coded - item_mean[problem.item]
    matrix = csr_matrix((centred, (problem.unit, problem.item)), shape=(problem.n_units, problem.n_items))
    if min(matrix.shape) < 3:
        loadings = np.ones(problem.n_items)
    else:
        _, _, right = svds(matrix, k=1, random_state=0)
        loadings = right[0]
    start = (matrix @ loadings) / np.maximum(problem.units_per_obs_count, 1)
    spread = start.std()
    if spread > 0:
        start = (start - start.mean()) / spread
    return np.asarray(start, dtype=float)


def _encode(values: pd.Series) -> tuple[IntArray, pd.Index]:
    try:
        codes, uniques = pd.factorize(values, sort=True)
    except TypeError:  # ids of mixed types (say int and str) cannot be sorted
        codes, uniques = pd.factorize(values, sort=False)
    return codes.astype(np.int64), pd.Index(uniques)


def _drop_uninformative(table: pd.DataFrame, item_column: str) -> pd.DataFrame:
    """Roll calls (or bridged groups) where every vote is the same say nothing about positions."""
    spread = table.groupby(item_column)["category"].nunique()
    informative = spread.index[spread > 1]
    return table[table[item_column].isin(informative)]


def _as_category_codes(table: pd.DataFrame, model: str) -> pd.DataFrame:
    if model == "binary":
        table = table[table["category"] != 1]
    return table.assign(category=table["category"].astype(np.int64))


class _BaseIdealPoints:
    """Fitted-state checks shared by the two estimators."""

    def __getattr__(self, name: str) -> Any:
        # Only called for attributes that do not exist: a learned attribute (trailing _) read
        # before fit is a NotFittedError (also an AttributeError, so hasattr() still works).
        if name.endswith("_") and not name.startswith("__"):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet, so it has no {name}.",
                hint="Call fit(votes) before reading results.",
            )
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def _check_fitted(self) -> None:
        if "ideal_points_" not in vars(self):
            raise NotFittedError(
                f"This {type(self).__name__} is not fitted yet.",
                hint="Call fit(votes) before reading results.",
            )

    def __repr__(self) -> str:
        params = ", ".join(
            f"{name}={value!r}" for name, value in vars(self).items() if not name.endswith("_")
        )
        return f"{type(self).__name__}({params})"


# ---------------------------------------------------------------------------------------------
# Static estimator


class IdealPoints(_BaseIdealPoints):
    """One-dimensional ideal points from the votes given, pooled into one position per state.

    Parameters
    ----------
    n_dims:
        Number of dimensions; only 1 is implemented.
    model:
        ``"ordinal"`` (yes < abstain < no, two cutpoints per roll call) or ``"binary"``
        (yes/no probit; abstentions treated as missing).
    max_iter:
        Maximum number of alternating Newton rounds.
    tol:
        Stop when the log posterior changes by less than ``tol`` times its size.
    anchor:
        ISO3 of the state whose ideal point is made positive (``None``: leave the sign as found).
    random_state:
        Kept for API symmetry; the fit is deterministic (start values from a singular vector).
    prior_sd, cut_prior_sd, discrimination_prior_sd:
        Standard deviations of the normal priors on positions, cutpoints and discriminations.

    Attributes
    ----------
    ideal_points_ : DataFrame
        ``iso3, ideal, se, n_votes``; ``se`` is the Laplace standard error given the roll-call
        parameters and ``n_votes`` counts the state's votes on roll calls that were not unanimous.
    discrimination_ : Series
        Discrimination of each informative roll call, indexed by rcid.
    cutpoints_ : DataFrame
        ``cut1`` (yes | abstain) and ``cut2`` (abstain | no) per rcid; equal when a roll call had
        no abstentions, infinite when it had no 'yes' or no 'no'.
    n_iter_, converged_, log_posterior_ :
        Iterations used, whether ``tol`` was met, final log posterior.
    """

    def __init__(
        self,
        n_dims: int = 1,
        model: Literal["ordinal", "binary"] = "ordinal",
        max_iter: int = 500,
        tol: float = 1e-7,
        anchor: str | None = "USA",
        random_state: int | None = None,
        prior_sd: float = 1.0,
        cut_prior_sd: float = 5.0,
        discrimination_prior_sd: float = 2.5,
    ) -> None:
        self.n_dims = n_dims
        self.model = model
        self.max_iter = max_iter
        self.tol = tol
        self.anchor = anchor
        self.random_state = random_state
        self.prior_sd = prior_sd
        self.cut_prior_sd = cut_prior_sd
        self.discrimination_prior_sd = discrimination_prior_sd

    def _validate_params(self) -> None:
        _check_common(self.n_dims, self.model, self.max_iter, self.tol)
        for name in ("prior_sd", "cut_prior_sd", "discrimination_prior_sd"):
            _check_positive(name, getattr(self, name))

    def fit(self, votes: pd.DataFrame) -> IdealPoints:
        """Estimate one position per state from ``votes`` (columns rcid, iso3, vote)."""
        self._validate_params()
        table = _as_category_codes(_check_votes(votes, ["rcid", "iso3", "vote"]), self.model)
        table = _drop_uninformative(table, "rcid")
        if table.empty or table["iso3"].nunique() < 3:
            raise BadInput(
                "Too few contested votes to estimate ideal points: need at least 3 states voting on roll "
                "calls that were not unanimous.",
                hint="Widen the period or check that the vote column holds yes/abstain/no.",
            )
        if self.anchor is not None and self.anchor not in set(table["iso3"]):
            raise BadInput(
                f"The anchor state {self.anchor!r} cast no vote on a contested roll call in these votes.",
                hint="Pass anchor=None or the ISO3 of a state that voted.",
            )
        unit, states = _encode(table["iso3"])
        item, rcids = _encode(table["rcid"])
        problem = _Problem(unit, item, table["category"].to_numpy(), len(states), len(rcids))
        walk = _RandomWalk(np.asarray(states), np.zeros(len(states), dtype=np.int64), self.prior_sd, 1.0)
        x, cut, beta, se, n_iter, converged, log_post = _fit(
            problem,
            walk,
            _first_component(problem),
            self.cut_prior_sd,
            self.discrimination_prior_sd,
            self.max_iter,
            self.tol,
        )
        if self.anchor is not None and x[states.get_loc(self.anchor)] < 0:
            x, beta = -x, -beta
        self.ideal_points_ = pd.DataFrame(
            {"iso3": states, "ideal": x, "se": se, "n_votes": problem.units_per_obs_count}
        )
        self.discrimination_ = pd.Series(beta, index=rcids.rename("rcid"), name="discrimination")
        self.cutpoints_ = pd.DataFrame({"cut1": cut[:, 0], "cut2": cut[:, 1]}, index=rcids.rename("rcid"))
        self.n_iter_ = n_iter
        self.converged_ = converged
        self.log_posterior_ = log_post
        if not converged:
            warnings.warn(
                f"IdealPoints stopped after max_iter={self.max_iter} rounds without reaching tol={self.tol}; "
                "raise max_iter or tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self

    def fit_by_year(self, votes: pd.DataFrame) -> pd.DataFrame:
        """Fit one static model per calendar year; returns ``iso3, year, ideal, se, n_votes``.

        Years whose votes are too few to estimate (fewer than 3 states on contested roll calls)
        are left out. ``self`` ends fitted on the last year.
        """
        self._validate_params()
        table = _check_votes(votes, ["rcid", "iso3", "vote", "year"])
        frames = []
        for year, group in table.groupby("year", sort=True):
            year_votes = pd.DataFrame(
                {"rcid": group["rcid"], "iso3": group["iso3"], "vote": group["category"].map(_CATEGORY_NAMES)}
            )
            contested = _drop_uninformative(_as_category_codes(group, self.model), "rcid")
            if contested["iso3"].nunique() < 3:
                continue
            if self.anchor is not None and self.anchor not in set(contested["iso3"]):
                estimator = IdealPoints(**{**self._params(), "anchor": None}).fit(year_votes)
            else:
                estimator = self.fit(year_votes)
            frames.append(estimator.ideal_points_.assign(year=int(str(year))))
        if not frames:
            raise BadInput(
                "No year has enough contested votes to estimate ideal points.",
                hint="Widen the period or check the vote column.",
            )
        out = pd.concat(frames, ignore_index=True)
        return out[["iso3", "year", "ideal", "se", "n_votes"]]

    def _params(self) -> dict[str, Any]:
        return {name: value for name, value in vars(self).items() if not name.endswith("_")}

    def transform(self, states: Iterable[str] | None = None) -> pd.Series:
        """Ideal points of the fitted states (all, or those listed), indexed by iso3."""
        self._check_fitted()
        table = self.ideal_points_.set_index("iso3")["ideal"]
        return table if states is None else table.reindex(list(states))


_CATEGORY_NAMES = {float(code): name for name, code in VOTE_CATEGORIES.items()}


def _rescale(
    x: FloatArray,
    cut: FloatArray,
    beta: FloatArray,
    level_precision: FloatArray,
    position_penalty: Callable[[FloatArray], float],
    cut_sd: float,
    beta_sd: float,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Jump along the likelihood's ridge to the shift and scale the priors like best.

    ``x -> s (x - m)``, ``beta -> beta / s``, ``cut -> cut - beta m`` leaves every linear
    predictor unchanged, so only the priors change. Alternating Newton steps crawl along this
    ridge; jumping to its best point (closed form) cuts the number of rounds several-fold and
    never lowers the log posterior. ``level_precision`` is each position's prior precision
    towards 0 (the shift only changes those terms), ``position_penalty(x)`` the positions'
    negative log prior, quadratic and homogeneous in ``x`` once shifted.
    """
    finite = np.isfinite(cut)
    beta_cut = np.where(finite, beta[:, None], 0.0)
    cut_finite = np.where(finite, cut, 0.0)
    shift = float(
        ((level_precision * x).sum() + (beta_cut * cut_finite).sum() / cut_sd**2)
        / (level_precision.sum() + (beta_cut**2).sum() / cut_sd**2)
    )
    x = x - shift
    cut = cut - beta[:, None] * shift
    position_term = position_penalty(x)
    beta_term = 0.5 * float((beta**2).sum()) / beta_sd**2
    if position_term > 0 and beta_term > 0:
        scale = (beta_term / position_term) ** 0.25
        x = x * scale
        beta = beta / scale
    return x, cut, beta


# ---------------------------------------------------------------------------------------------
# Dynamic estimator


def _bridge_groups(rcids: pd.Index, repeats: pd.DataFrame | None) -> tuple[IntArray, int]:
    """Item group of each roll call: roll calls linked by ``repeats`` pairs (transitively) share one."""
    parent = np.arange(len(rcids))
    n_links = 0
    if repeats is not None and len(repeats):
        first = rcids.get_indexer(pd.Index(repeats["rcid1"]))
        second = rcids.get_indexer(pd.Index(repeats["rcid2"]))
        both = (first >= 0) & (second >= 0)

        def root(node: int) -> int:
            while parent[node] != node:
                parent[node] = parent[parent[node]]
                node = int(parent[node])
            return node

        for left, right in zip(first[both], second[both], strict=True):
            a, b = root(int(left)), root(int(right))
            if a != b:
                parent[max(a, b)] = min(a, b)
                n_links += 1
        for node in range(len(parent)):
            parent[node] = root(node)
    groups, _ = pd.factorize(parent)
    return groups.astype(np.int64), n_links


class DynamicIdealPoints(_BaseIdealPoints):
    """Ideal points for all years jointly; each state's position a Gaussian random walk.

    Roll calls that are the same resolution voted again (pairs given to ``fit``) share one set
    of item parameters, which bridges the years; the random walk does the rest.

    The prior of a state's positions is the random walk (first year N(0, ``prior_sd``^2), then
    N(previous, ``evolution_sd``^2) per year) times, with ``level_sd``, an N(0, ``level_sd``^2)
    term for every year: a random walk pulled gently towards the centre. Without that pull
    a state that votes alone with a few others on some roll calls (the Soviet bloc in the
    1960s-70s) has nothing to stop its position running off to -20 while the roll calls'
    discriminations shrink; each year then has the same prior as a static fit.

    Parameters
    ----------
    evolution_sd:
        Standard deviation of a state's yearly move (a gap of ``g`` years between two years
        with votes allows ``evolution_sd * sqrt(g)``).
    level_sd:
        Standard deviation of the pull of every state-year towards 0 (``None``: a pure random
        walk).
    model, max_iter, tol, anchor, n_dims, random_state:
        As for :class:`IdealPoints`; ``anchor``'s mean position is made positive.
    prior_sd, cut_prior_sd, discrimination_prior_sd:
        Normal prior standard deviations of a state's first position, cutpoints and
        discriminations.

    Attributes
    ----------
    ideal_points_ : DataFrame
        ``iso3, year, ideal, se, n_votes``: ``se`` is the Laplace standard error (from the
        curvature of the log posterior in all positions jointly, roll-call parameters held at
        their estimates); ``n_votes`` counts votes on roll calls that were not unanimous.
    discrimination_, cutpoints_ :
        Item parameters per rcid (bridged roll calls repeat their group's values).
    item_group_ : Series
        The item group of each rcid.
    n_bridges_ : int
        Number of repeat links that joined two roll calls present in the votes.
    n_iter_, converged_, log_posterior_ :
        As for :class:`IdealPoints`.
    """

    def __init__(
        self,
        evolution_sd: float = 0.05,
        level_sd: float | None = 1.0,
        model: Literal["ordinal", "binary"] = "ordinal",
        max_iter: int = 500,
        tol: float = 1e-7,
        anchor: str | None = "USA",
        n_dims: int = 1,
        random_state: int | None = None,
        prior_sd: float = 1.0,
        cut_prior_sd: float = 5.0,
        discrimination_prior_sd: float = 2.5,
    ) -> None:
        self.evolution_sd = evolution_sd
        self.level_sd = level_sd
        self.model = model
        self.max_iter = max_iter
        self.tol = tol
        self.anchor = anchor
        self.n_dims = n_dims
        self.random_state = random_state
        self.prior_sd = prior_sd
        self.cut_prior_sd = cut_prior_sd
        self.discrimination_prior_sd = discrimination_prior_sd

    def fit(self, votes: pd.DataFrame, repeats: pd.DataFrame | None = None) -> DynamicIdealPoints:
        """Estimate every state's position in every year it voted.

        Parameters
        ----------
        votes:
            Columns rcid, iso3, vote, year.
        repeats:
            Optional pairs of roll calls that are the same resolution voted again (columns
            ``rcid1``, ``rcid2``, in the rcids of ``votes``; pairs naming absent rcids are
            ignored), such as ``find_repeated_resolutions`` returns.
        """
        _check_common(self.n_dims, self.model, self.max_iter, self.tol)
        for name in ("evolution_sd", "prior_sd", "cut_prior_sd", "discrimination_prior_sd"):
            _check_positive(name, getattr(self, name))
        if self.level_sd is not None:
            _check_positive("level_sd", self.level_sd)
        if repeats is not None:
            if not isinstance(repeats, pd.DataFrame) or not {"rcid1", "rcid2"} <= set(repeats.columns):
                raise BadInput(
                    "repeats must be a DataFrame with columns rcid1 and rcid2.",
                    hint="Pass the pairs from find_repeated_resolutions or repeated_resolutions_bsv.csv.",
                )
        table = _as_category_codes(_check_votes(votes, ["rcid", "iso3", "vote", "year"]), self.model)
        rcid_code, rcids = _encode(table["rcid"])
        groups, n_bridges = _bridge_groups(rcids, repeats)
        table = table.assign(group=groups[rcid_code])
        table = _drop_uninformative(table, "group")
        if table.empty or table["iso3"].nunique() < 3:
            raise BadInput(
                "Too few contested votes to estimate ideal points: need at least 3 states voting on roll "
                "calls that were not unanimous.",
                hint="Widen the period or check that the vote column holds yes/abstain/no.",
            )
        if self.anchor is not None and self.anchor not in set(table["iso3"]):
            raise BadInput(
                f"The anchor state {self.anchor!r} cast no vote on a contested roll call in these votes.",
                hint="Pass anchor=None or the ISO3 of a state that voted.",
            )
        units = table[["iso3", "year"]].drop_duplicates().sort_values(["iso3", "year"]).reset_index(drop=True)
        unit_index = pd.MultiIndex.from_frame(units)
        unit = unit_index.get_indexer(pd.MultiIndex.from_frame(table[["iso3", "year"]])).astype(np.int64)
        item, group_ids = _encode(table["group"])
        problem = _Problem(unit, item, table["category"].to_numpy(), len(units), len(group_ids))
        walk = _RandomWalk(
            units["iso3"].to_numpy(),
            units["year"].to_numpy(),
            self.prior_sd,
            self.evolution_sd,
            self.level_sd,
        )
        start = _yearly_start(problem, units, self.anchor)
        x, cut, beta, se, n_iter, converged, log_post = _fit(
            problem, walk, start, self.cut_prior_sd, self.discrimination_prior_sd, self.max_iter, self.tol
        )
        if self.anchor is not None and x[units["iso3"].to_numpy() == self.anchor].mean() < 0:
            x, beta = -x, -beta
        self.ideal_points_ = units.assign(ideal=x, se=se, n_votes=problem.units_per_obs_count)[
            ["iso3", "year", "ideal", "se", "n_votes"]
        ]
        rcid_group = table.drop_duplicates("rcid").set_index("rcid")["group"]
        position = group_ids.get_indexer(pd.Index(rcid_group.to_numpy()))
        index = pd.Index(rcid_group.index, name="rcid")
        self.item_group_ = pd.Series(position, index=index, name="item_group")
        self.discrimination_ = pd.Series(beta[position], index=index, name="discrimination")
        self.cutpoints_ = pd.DataFrame({"cut1": cut[position, 0], "cut2": cut[position, 1]}, index=index)
        self.n_bridges_ = n_bridges
        self.n_iter_ = n_iter
        self.converged_ = converged
        self.log_posterior_ = log_post
        if not converged:
            warnings.warn(
                f"DynamicIdealPoints stopped after max_iter={self.max_iter} rounds without reaching "
                f"tol={self.tol}; raise max_iter or tol.",
                ConvergenceWarning,
                stacklevel=2,
            )
        return self


class _RandomWalk:
    """Prior precision of the state-year positions: a banded (tridiagonal) matrix.

    Units are sorted by state then year; a state's first position is N(0, prior_sd^2) and each
    later one N(previous, evolution_sd^2 * years elapsed), times N(0, level_sd^2) for every
    position when ``level_sd`` is given. With every unit "first" it is the static model's
    independent N(0, prior_sd^2) prior.
    """

    def __init__(
        self,
        states: npt.NDArray[Any],
        years: IntArray,
        prior_sd: float,
        evolution_sd: float,
        level_sd: float | None = None,
    ):
        n = len(states)
        same_state = np.zeros(n, dtype=bool)
        same_state[1:] = states[1:] == states[:-1]
        gap = np.ones(n)
        gap[1:] = np.maximum(years[1:] - years[:-1], 1)
        link = np.where(same_state, 1.0 / (evolution_sd**2 * gap), 0.0)  # link between unit k-1 and k
        self.first = ~same_state
        self.level_precision = np.where(self.first, 1.0 / prior_sd**2, 0.0)
        if level_sd is not None:
            self.level_precision += 1.0 / level_sd**2
        diag = self.level_precision.copy()
        diag += link
        diag[:-1] += link[1:]
        self.diag = diag
        self.off = -link[1:]  # (k-1, k) entries
        self.link = link
        self.state_starts = np.flatnonzero(self.first)

    def penalty(self, x: FloatArray) -> float:
        step = np.diff(x)
        return 0.5 * float((self.level_precision * x**2).sum() + (self.link[1:] * step**2).sum())

    def times(self, x: FloatArray) -> FloatArray:
        out = self.diag * x
        out[:-1] += self.off * x[1:]
        out[1:] += self.off * x[:-1]
        return out

    def solve(self, extra_diag: FloatArray, rhs: FloatArray) -> FloatArray:
        banded = np.zeros((2, len(rhs)))
        banded[0, 1:] = self.off
        banded[1] = self.diag + extra_diag
        return np.asarray(solveh_banded(banded, rhs, check_finite=False))

    def marginal_sd(self, extra_diag: FloatArray) -> FloatArray:
        """Square roots of the diagonal of (Q + diag(extra))^-1, one state block at a time."""
        out = np.empty(len(self.diag))
        bounds = [*self.state_starts.tolist(), len(self.diag)]
        for start, stop in zip(bounds[:-1], bounds[1:], strict=True):
            block = np.diag(self.diag[start:stop] + extra_diag[start:stop])
            if stop - start > 1:
                block += np.diag(self.off[start : stop - 1], 1) + np.diag(self.off[start : stop - 1], -1)
            out[start:stop] = np.sqrt(np.diag(np.linalg.inv(block)))
        return out


def _yearly_start(problem: _Problem, units: pd.DataFrame, anchor: str | None) -> FloatArray:
    """Start values: each year's leading singular vector, signs chained from year to year."""
    start = np.zeros(problem.n_units)
    years = units["year"].to_numpy()
    states = units["iso3"].to_numpy()
    previous: pd.Series | None = None
    obs_year = years[problem.unit]
    for year in np.unique(years):
        in_year = obs_year == year
        unit_ids = np.unique(problem.unit[in_year])
        local_unit = np.searchsorted(unit_ids, problem.unit[in_year])
        item_ids, local_item = np.unique(problem.item[in_year], return_inverse=True)
        sub = _Problem(local_unit, local_item, problem.category[in_year], len(unit_ids), len(item_ids))
        values = _first_component(sub)
        current = pd.Series(values, index=states[unit_ids])
        sign = 1.0
        if anchor is not None and anchor in current.index:
            sign = 1.0 if current[anchor] >= 0 else -1.0
        elif previous is not None:
            common = current.index.intersection(previous.index)
            if len(common) > 2 and float(np.dot(current[common], previous[common])) < 0:
                sign = -1.0
        current *= sign
        start[unit_ids] = current.to_numpy()
        previous = current
    return start


@dataclass
class _State:
    """Parameters after a round, the likelihood terms at them and the log posterior."""

    x: FloatArray
    cut: FloatArray
    beta: FloatArray
    terms: _Terms
    x_obs: FloatArray
    log_post: float


def _round(problem: _Problem, walk: _RandomWalk, state: _State, cut_sd: float, beta_sd: float) -> _State:
    """One round: roll-call step, position step, ridge jump."""
    x, terms, x_obs = state.x, state.terms, state.x_obs
    cut, beta, terms = _update_items(problem, x, state.cut, state.beta, terms, x_obs, cut_sd, beta_sd)
    loglik, grad, curvature = _position_newton(problem, terms, x_obs, beta)
    old = float(loglik.sum()) - walk.penalty(x)
    step = walk.solve(-curvature, grad - walk.times(x))
    scale = 1.0
    for _ in range(_MAX_HALVINGS):
        trial = x + scale * step
        trial_terms, trial_obs = problem.evaluate(trial, cut, beta)
        if float(trial_terms.loglik.sum()) - walk.penalty(trial) >= old - _SLACK * (1.0 + abs(old)):
            x, terms, x_obs = trial, trial_terms, trial_obs
            break
        scale /= 2
    # The ridge move leaves every vote's linear predictor, hence ``terms``, unchanged.
    x, cut, beta = _rescale(x, cut, beta, walk.level_precision, walk.penalty, cut_sd, beta_sd)
    log_post = (
        float(terms.loglik.sum()) - walk.penalty(x) + float(_item_log_prior(cut, beta, cut_sd, beta_sd).sum())
    )
    return _State(x, cut, beta, terms, x[problem.unit], log_post)


def _extrapolate(
    problem: _Problem, walk: _RandomWalk, states: list[_State], cut_sd: float, beta_sd: float
) -> _State | None:
    """SQUAREM jump (Varadhan and Roland 2008) from three successive rounds; None if unusable."""
    finite = np.isfinite(states[0].cut)

    def flat(state: _State) -> FloatArray:
        return np.concatenate([state.x, np.where(finite, state.cut, 0.0).ravel(), state.beta])

    p0, p1, p2 = (flat(state) for state in states)
    r = p1 - p0
    v = p2 - 2 * p1 + p0
    v_norm = float(np.linalg.norm(v))
    if v_norm == 0.0:
        return None
    alpha = min(-float(np.linalg.norm(r)) / v_norm, -1.0)
    jumped = p0 - 2 * alpha * r + alpha**2 * v
    n_units, n_items = problem.n_units, problem.n_items
    x = jumped[:n_units]
    cut = np.where(finite, jumped[n_units : n_units + 2 * n_items].reshape(n_items, 2), states[0].cut)
    beta = jumped[n_units + 2 * n_items :]
    with np.errstate(invalid="ignore"):
        disordered = ~problem.tied & (cut[:, 1] - cut[:, 0] < _MIN_GAP)
    if disordered.any() or not np.isfinite(jumped).all():
        return None
    terms, x_obs = problem.evaluate(x, cut, beta)
    log_post = (
        float(terms.loglik.sum()) - walk.penalty(x) + float(_item_log_prior(cut, beta, cut_sd, beta_sd).sum())
    )
    if not math.isfinite(log_post):
        return None
    return _State(x, cut, beta, terms, x_obs, log_post)


def _fit(
    problem: _Problem,
    walk: _RandomWalk,
    start: FloatArray,
    cut_sd: float,
    beta_sd: float,
    max_iter: int,
    tol: float,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray, int, bool, float]:
    """Posterior mode by alternating damped Newton steps, accelerated by SQUAREM.

    Every third round starts from an extrapolation of the two before when that does not lower
    the log posterior. Returns positions, cutpoints, discriminations, standard errors, rounds,
    whether ``tol`` was met, and the log posterior.
    """
    cut = _initial_cutpoints(problem)
    beta = np.zeros(problem.n_items)
    terms, x_obs = problem.evaluate(start, cut, beta)
    state = _State(start, cut, beta, terms, x_obs, -np.inf)
    history: list[_State] = []
    converged = False
    n_iter = 0
    for n_iter in range(1, max_iter + 1):  # noqa: B007 - n_iter is reported
        previous = state.log_post
        state = _round(problem, walk, state, cut_sd, beta_sd)
        if abs(state.log_post - previous) <= tol * abs(state.log_post):
            converged = True
            break
        history = [*history[-2:], state]
        if len(history) == 3:
            jumped = _extrapolate(problem, walk, history, cut_sd, beta_sd)
            if jumped is not None and jumped.log_post > state.log_post:
                state = jumped
            history = []
    _, _, curvature = _position_newton(problem, state.terms, state.x_obs, state.beta)
    se = walk.marginal_sd(-curvature)
    return state.x, state.cut, state.beta, se, n_iter, converged, state.log_post


# ---------------------------------------------------------------------------------------------
# Parametric bootstrap


def _simulate_votes(model: _BaseIdealPoints, votes: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """New votes on the roll calls and state(-years) of a fitted model, drawn from the model itself
    (latent ``beta * x + N(0, 1)`` cut at the roll call's cutpoints)."""
    fitted = model.ideal_points_
    keys = ["iso3", "year"] if "year" in fitted.columns else ["iso3"]
    table = votes[votes["vote"].isin(list(VOTE_CATEGORIES))]
    table = table[table["rcid"].isin(model.discrimination_.index)]
    position = table[keys].merge(fitted[[*keys, "ideal"]], on=keys, how="left")["ideal"].to_numpy()
    keep = np.isfinite(position)
    table, position = table[keep], position[keep]
    beta = model.discrimination_.reindex(table["rcid"]).to_numpy()
    cuts = model.cutpoints_.reindex(table["rcid"])
    latent = beta * position + rng.standard_normal(len(table))
    above = np.where(latent >= cuts["cut2"].to_numpy(), 2, 1)
    category = np.where(latent < cuts["cut1"].to_numpy(), 0, above)
    names = np.array(list(VOTE_CATEGORIES))
    simulated: pd.DataFrame = table.assign(vote=names[category])
    return simulated


def _bootstrap_se(
    model: _BaseIdealPoints,
    votes: pd.DataFrame,
    n_boot: int,
    rng: np.random.Generator,
    refit: Callable[[pd.DataFrame], _BaseIdealPoints],
) -> FloatArray:
    """Standard deviation of each fitted position over ``n_boot`` refits to votes simulated from the
    fit: item parameters are re-estimated in every refit, so the errors are not conditional on
    them (unlike the Laplace ``se``)."""
    fitted = model.ideal_points_
    keys = ["iso3", "year"] if "year" in fitted.columns else ["iso3"]
    draws = np.full((n_boot, len(fitted)), np.nan)
    for b in range(n_boot):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            again = refit(_simulate_votes(model, votes, rng)).ideal_points_
        matched = fitted[keys].merge(again[[*keys, "ideal"]], on=keys, how="left")["ideal"].to_numpy()
        # Without an anchor the sign of a refit is arbitrary: turn it to agree with the fit.
        if np.nansum(matched * fitted["ideal"].to_numpy()) < 0:
            matched = -matched
        draws[b] = matched
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanstd(draws, axis=0, ddof=1), dtype=np.float64)


# ---------------------------------------------------------------------------------------------
# Table for the CLI


def ideal_points_table(
    votes: pd.DataFrame,
    start: int | None = None,
    end: int | None = None,
    dynamic: bool = True,
    repeats: pd.DataFrame | None = None,
    n_boot: int = 0,
    **params: Any,
) -> pd.DataFrame:
    """Ideal points per state and year from ``start`` to ``end`` (inclusive), as one table.

    Parameters
    ----------
    votes:
        Columns rcid, iso3, vote, year (as the vote loaders give them).
    start, end:
        First and last calendar year (``None``: no bound).
    dynamic:
        ``True`` (default): one :class:`DynamicIdealPoints` fit over all the years (comparable
        over time); ``False``: a static :class:`IdealPoints` fit per year (each year on its own
        scale, not comparable across years).
    repeats:
        For the dynamic fit, pairs of roll calls that are the same resolution (``rcid1``,
        ``rcid2``), e.g. ``repeated_resolutions_bsv.csv`` plus ``find_repeated_resolutions``.
    n_boot:
        Parametric bootstrap refits (0: none). Adds ``se_boot``, the standard deviation of each
        position over refits to votes simulated from the fit, item parameters re-estimated
        each time; seeded by ``random_state`` (default 0).
    **params:
        Passed to the estimator (``evolution_sd``, ``model``, ``anchor``, ``random_state``...).

    Returns
    -------
    DataFrame
        ``iso3, year, ideal, se, n_votes, thin`` (and ``se_boot``) sorted by year then iso3;
        ``thin`` marks state-years with fewer than 20 contested votes.
    """
    from comity.votes._alignment import THIN_ROLL_CALLS

    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 0:
        raise BadInput(f"n_boot must be a whole number >= 0, not {n_boot!r}")
    seed = params.get("random_state")
    rng = np.random.default_rng(0 if seed is None else seed)
    if not isinstance(votes, pd.DataFrame) or "year" not in votes.columns:
        raise BadInput(
            "votes must be a DataFrame with a 'year' column.",
            hint="Use the table the vote loaders return (rcid, iso3, vote, year).",
        )
    if start is not None and end is not None and start > end:
        raise BadInput(f"The period {start}-{end} ends before it starts.", hint="Swap --from and --to.")
    year = pd.to_numeric(votes["year"], errors="coerce")
    keep = pd.Series(True, index=votes.index)
    if start is not None:
        keep &= year >= start
    if end is not None:
        keep &= year <= end
    selected = votes[keep.to_numpy()]
    if selected.empty:
        raise BadInput(
            f"No votes between {start} and {end}.",
            hint="UN General Assembly votes shipped with comity run from 1946 to 2024.",
        )
    columns = ["iso3", "year", "ideal", "se", "n_votes"]
    if dynamic:
        model = DynamicIdealPoints(**params).fit(selected, repeats)
        table = model.ideal_points_.copy()
        if n_boot:

            def refit(simulated: pd.DataFrame) -> DynamicIdealPoints:
                return DynamicIdealPoints(**params).fit(simulated, repeats)

            table["se_boot"] = _bootstrap_se(model, selected, n_boot, rng, refit)
    else:
        static = IdealPoints(**params)
        table = static.fit_by_year(selected)
        if n_boot:
            table = _bootstrap_by_year(static, selected, table, n_boot, rng)
    table["thin"] = table["n_votes"] < THIN_ROLL_CALLS
    columns += ["thin"] + (["se_boot"] if n_boot else [])
    return table.sort_values(["year", "iso3"], ignore_index=True)[columns]


def _bootstrap_by_year(
    static: IdealPoints, votes: pd.DataFrame, table: pd.DataFrame, n_boot: int, rng: np.random.Generator
) -> pd.DataFrame:
    """``se_boot`` of per-year static fits: each year refitted to votes simulated from its own fit."""
    parts = []
    for year, rows in table.groupby("year", sort=True):
        year_votes = votes[votes["year"] == year]
        params = static._params()
        if params.get("anchor") is not None and params["anchor"] not in set(rows["iso3"]):
            params["anchor"] = None
        model = IdealPoints(**params).fit(year_votes)

        def refit(simulated: pd.DataFrame, fixed: dict[str, Any] = params) -> IdealPoints:
            return IdealPoints(**fixed).fit(simulated)

        se = _bootstrap_se(model, year_votes, n_boot, rng, refit)
        boot = model.ideal_points_[["iso3"]].assign(se_boot=se)
        parts.append(rows.merge(boot, on="iso3", how="left"))
    return pd.concat(parts, ignore_index=True)
