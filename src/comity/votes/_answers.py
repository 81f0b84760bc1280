"""Answers to questions on the General Assembly votes of a store, for readers such as the web app.

Each answer comes from the results ``comity build`` materialised (:class:`StoredVotes`) where they
hold it; only what cannot be stored for every input (blocs of a year with other parameters,
cohesion of an ad-hoc group or by issue, alignment by issue) calls the library's estimators on the
store's votes, reading only the rows the question needs. Answers are JSON-ready records.
"""

from __future__ import annotations

import copy
import logging
import re
import warnings
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pandas as pd

from comity._output import frame_records
from comity.errors import BadInput, ComityError
from comity.store import Store
from comity.votes._stored import StoredVotes

if TYPE_CHECKING:
    from comity.registry import Registry

__all__ = ["ResultsUnavailable", "VoteAnswers"]

T = TypeVar("T")
log = logging.getLogger("comity.votes")
_ISO3 = re.compile(r"^[A-Z]{3}$")


class ResultsUnavailable(ComityError):
    """The store lacks the votes, or the results computed from them, that a question needs."""

    code = "E503"
    status = 503

    def __init__(self, reason: str) -> None:
        super().__init__(
            f"Vote analysis is not available in this comity: {reason}",
            hint="Install the complete comity package and rebuild the store with `comity build`.",
        )


def check_year(value: int | None, what: str) -> None:
    """A :class:`BadInput` for a year outside those of UN votes."""
    if value is not None and not 1945 <= value <= date.today().year + 1:
        raise BadInput(
            f"{what} {value} is outside the years of UN votes (1946 to now).",
            hint="Give a year such as 1991 or 2024.",
        )


class VoteAnswers:
    """Vote answers from one store (see the module's description).

    ``copy.copy`` of an instance with another ``store`` (a cursor of the same database) reads
    through that cursor: one copy per thread, as DuckDB connections are not shared across threads.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self.stored = StoredVotes(store)
        self.n_votes = store.count("votes")

    def on(self, store: Store) -> VoteAnswers:
        """The same answers read through ``store`` (another cursor of the same database)."""
        other = copy.copy(self)
        other.store = store
        other.stored = copy.copy(self.stored)
        other.stored.store = store
        return other

    # -- what the store holds -----------------------------------------------------------------
    def _require_votes(self) -> None:
        if self.n_votes == 0:
            raise ResultsUnavailable("the store holds no UN votes (load them with `comity build`).")

    def _require_results(self, name: str) -> None:
        self._require_votes()
        if not self.stored.has(name):
            raise ResultsUnavailable(
                "the results computed from the votes are missing or older than the votes "
                "(run `comity build` on this store to compute them)."
            )

    def years(self) -> tuple[int, int]:
        """The first and last year of General Assembly votes."""
        self._require_results("vote_years")
        years = self.stored.years()
        if years is None:
            raise ResultsUnavailable("the store holds no General Assembly votes.")
        return years

    def default_year(self) -> int:
        """The latest year with a full session of roll calls (the last year of a source may hold a few)."""
        self._require_results("vote_years")
        year = self.stored.default_year()
        if year is None:
            raise ResultsUnavailable("the store holds no General Assembly votes.")
        return year

    def states(self) -> frozenset[str]:
        """The ISO3 codes of the states with General Assembly votes."""
        self._require_results("vote_years")
        return self.stored.states() or frozenset()

    def sources(self) -> list[str]:
        """The vote sources of the stored results (for source lines)."""
        return self.stored.sources()

    def check_states(self, names: Iterable[str], registry: Registry) -> list[str]:
        """Resolve names or codes of states to the ISO3 codes the vote data uses, each once."""
        known = self.states()
        out: list[str] = []
        for name in names:
            name = name.strip()
            if not name:
                continue
            code = name.upper() if _ISO3.match(name.upper()) else registry.resolve_state(name)
            if code not in known:
                raise BadInput(
                    f"{code} has no General Assembly votes in this store.",
                    hint="States are ISO3 codes or names such as USA, China, Russia.",
                )
            if code not in out:
                out.append(code)
        return out

    # -- answers ----------------------------------------------------------------------------------
    def alignment(
        self,
        states: tuple[str, ...],
        reference: tuple[str, ...],
        by: str | None,
        issue: str | None,
        start: int | None,
        end: int | None,
        measure: str,
    ) -> list[dict[str, Any]]:
        """Pairwise alignment: from the stored yearly tables of every pair, or (by issue) the library."""
        check_year(start, "--from")
        check_year(end, "--to")
        if issue is None:
            self._require_results("vote_dyads")
            frame = self.stored.alignment(states, reference, by=by, start=start, end=end, metrics=[measure])
            if frame is not None:
                return frame_records(frame)
        from comity.votes import alignment, read_votes

        # The alignment of a few states needs only their votes (of the issue and years asked).
        self._require_votes()
        # (No states: the references against every state, whose votes are all needed.)
        chosen = sorted(set(states) | set(reference)) if states else None
        votes = read_votes(self.store, start=start, end=end, states=chosen, issue=issue)
        computed, _ = _capture(
            alignment,
            votes,
            list(states) or None,
            by=by,
            issue=issue,
            reference=list(reference) or None,
            metrics=[measure],
            start=start,
            end=end,
        )
        return frame_records(computed)

    def agreement(self, year: int, states: tuple[str, ...], measure: str = "agree") -> dict[str, Any]:
        """The all-pairs agreement matrix of ``states`` in ``year``, from the stored tables."""
        check_year(year, "year")
        self._require_results("vote_dyads")
        self._check_vote_year(year)
        matrix = self.stored.agreement_matrix(year, states, measure)
        if matrix is None:  # pragma: no cover - checked by _require_results
            raise ResultsUnavailable("the agreement tables are not in this store.")
        chosen = [s for s in states if s in matrix.index]
        sub = matrix.loc[chosen, chosen] if chosen else matrix
        values = [[None if pd.isna(v) else round(float(v), 4) for v in row] for row in sub.to_numpy()]
        missing = [s for s in states if s not in chosen]
        return {"year": year, "measure": measure, "states": chosen, "missing": missing, "matrix": values}

    def _check_vote_year(self, year: int) -> None:
        low, high = self.years()
        if not low <= year <= high:
            raise BadInput(
                f"There are no General Assembly votes in {year}.",
                hint=f"Pick a year between {low} and {high}.",
            )

    def cohesion(
        self,
        group: str | tuple[str, ...],
        start: int | None,
        end: int | None,
        issue: str | None,
        draws: int,
        seed: int,
        registry: Registry,
    ) -> list[dict[str, Any]]:
        """Cohesion per year against random groups: stored for the registry's coalitions and groups,
        computed by the library for other groups or an issue."""
        check_year(start, "--from")
        check_year(end, "--to")
        self._require_votes()
        if isinstance(group, str) and issue is None:
            frame = self.stored.cohesion(group, n_draws=draws, seed=seed, start=start, end=end)
            if frame is not None:
                return frame_records(frame)
        from comity.votes import cohesion, read_votes

        # Random groups are drawn from every state: all states' votes of the years and issue asked.
        votes = read_votes(self.store, start=start, end=end, issue=issue)
        computed, _ = _capture(
            cohesion,
            votes,
            list(group) if isinstance(group, tuple) else group,
            start=start,
            end=end,
            issue=issue,
            n_draws=draws,
            random_state=seed,
            registry=registry,
        )
        return frame_records(computed)

    def blocs(
        self, year: int, resolution: float = 1.0, metric: str = "agree", seed: int = 0
    ) -> dict[str, Any]:
        """Voting blocs of ``year``, matched to those of the year before to show who moved: as the
        build stored them, or (other parameters) :func:`comity.votes.yearly_blocs` of two years."""
        check_year(year, "year")
        self._check_vote_year(year)
        stored = self.stored.blocs(year, resolution=resolution, metric=metric, random_state=seed)
        notes: list[str] = []
        if stored is None:
            from comity.votes import read_votes, yearly_blocs

            # Two years of votes only, read from the store: no need of the whole table.
            data = read_votes(self.store, start=max(year - 1, self.years()[0]), end=year)
            found, notes = _capture(
                yearly_blocs, data, [year], resolution=resolution, metric=metric, random_state=seed
            )
        else:
            found = stored
        stability = frame_records(found.stability)
        return {
            "year": year,
            "blocs": frame_records(found.blocs),
            "movers": frame_records(found.movers),
            "stability": stability[0] if stability else None,
            "modularity": _round_or_none(found.modularity.get(year)),
            "warnings": found.notes.get(year, []) + notes,
        }

    # -- ideal points ----------------------------------------------------------------------------
    def ideal_status(self) -> str:
        """Whether the store holds the ideal points, and how they were computed."""
        info = self.stored.info("ideal_points")
        if info is None:
            return "not in the store (run `comity build`)" if self.n_votes else "no votes"
        method = info["params"].get("method", "dynamic")
        return f"ready (stored, {method}, {info['n_rows']:,} state-years, computed {info['computed_at']})"

    @property
    def ideal_method(self) -> str:
        info = self.stored.info("ideal_points")
        return str(info["params"].get("method", "dynamic")) if info else "dynamic"

    def ideal(self, states: Sequence[str], start: int | None, end: int | None) -> list[dict[str, Any]]:
        """Ideal points per state and year, as ``comity build`` estimated them (one dynamic fit)."""
        check_year(start, "--from")
        check_year(end, "--to")
        self._require_results("ideal_points")
        table = self.stored.ideal_points(list(states), start, end)
        return frame_records(table) if table is not None else []


def _capture(function: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, list[str]]:
    """Call ``function``, collecting its warnings (statistical notes) instead of raising or printing them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = function(*args, **kwargs)
    notes = [str(w.message) for w in caught]
    for note in notes:
        log.info("vote analysis: %s", note)
    return result, notes


def _round_or_none(value: Any, digits: int = 4) -> float | None:
    if value is None:
        return None
    number = float(value)
    return None if np.isnan(number) else round(number, digits)
