"""The web layer's one door to the library: a store opened for the server's threads.

:class:`WebData` computes nothing of its own. Registry answers come from
:class:`comity.registry.Registry`, news from :mod:`comity.news`'s store views (story summaries are
computed when documents are saved), votes from the results ``comity build`` materialised
(:class:`comity.votes._stored.StoredVotes`); only what cannot be stored for every input (blocs of
a year with other parameters, cohesion of an ad-hoc group or by issue, alignment by issue) calls
the library's estimators on the store's votes. Answers are cached once, as serialised bytes, by
the API (:mod:`comity.web._api`); this adapter keeps no answers.

DuckDB connections must not be shared between threads, so every worker thread gets its own cursor
(a connection to the same database) and its own registry over it; the registry's name index is
built once and shared.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from comity import news
from comity._output import frame_records
from comity.errors import BadInput, ComityError
from comity.registry import Registry
from comity.store import Store
from comity.votes._cohesion import DEFAULT_SEED
from comity.votes._stored import DEFAULT_DRAWS, StoredVotes
from comity.web._errors import ApiError, unavailable

__all__ = ["Page", "WebData", "paginate", "round_floats"]

T = TypeVar("T")
#: One actor of each kind for :meth:`WebData.warm`: the organisation with most members reads the
#: most of the membership tables.
_WARM_ACTORS = (
    ("state", "states", "SELECT iso3 FROM states ORDER BY iso3 LIMIT 1"),
    (
        "organisation",
        "memberships",
        "SELECT body_id FROM memberships GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    ),
    ("person", "roles", "SELECT person_id FROM roles GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"),
)
log = logging.getLogger("comity.web")
_ISO3 = re.compile(r"^[A-Z]{3}$")


@dataclass(frozen=True)
class Page:
    """One page of a list: the rows, and the total before paging."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def body(self, **extra: Any) -> dict[str, Any]:
        return {**extra, "total": self.total, "limit": self.limit, "offset": self.offset, "items": self.items}


def paginate(records: Sequence[dict[str, Any]], limit: int, offset: int) -> Page:
    """Cut a list of records to one page."""
    return Page(list(records[offset : offset + limit]), len(records), limit, offset)


def round_floats(records: list[dict[str, Any]], digits: int = 4) -> list[dict[str, Any]]:
    for record in records:
        for key, value in record.items():
            if isinstance(value, float) and not np.isnan(value):
                record[key] = round(value, digits)
    return records


def _check_year(value: int | None, what: str) -> None:
    if value is not None and not 1945 <= value <= date.today().year + 1:
        raise BadInput(
            f"{what} {value} is outside the years of UN votes (1946 to now).",
            hint="Give a year such as 1991 or 2024.",
        )


class WebData:
    """Read access to one comity store for the web service, safe across worker threads.

    Parameters
    ----------
    store:
        An open store (read-only in production). It stays open for the life of the server.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        self._local = threading.local()
        self._registry = Registry.from_store(store)
        # Build the shared name index and display names once, before threads copy the registry.
        self._registry.search("united")
        self._registry.name_of("USA")
        #: Held while writing to the store (uploads), which only the server's own connection may do.
        self.write_lock = threading.Lock()
        self.tables = {
            str(r[0]) for r in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }
        self.results = StoredVotes(store)
        self.n_votes = self.count("votes")

    def warm(self) -> None:
        """Run each kind of query the pages and API make once, on one actor of each kind, one
        story and the stored vote results, keeping no answer: the first visitors then do not pay
        for DuckDB reading the tables' blocks and indexes into memory, nor for first-call code
        paths (pandas conversions, the registry's name lookups). Run at start and before a new
        snapshot is swapped in."""
        started = time.perf_counter()
        con = self.local_store().con
        for kind, table, sql in _WARM_ACTORS:
            row = con.execute(sql).fetchone() if table in self.tables else None
            if row is None:
                continue
            with contextlib.suppress(ComityError, ApiError):
                info = self.actor(str(row[0]), kind)
                self.timeline(info["id"], None, kind)
                self.membership_spells(info["id"], as_body=info["is_body"])
                if info["is_body"]:
                    self.members(info["id"], None)
                self.quotes_by(info, limit=1)
        if self.has_news():
            with contextlib.suppress(ComityError, ApiError, IndexError):
                story = self.stories()[0]["story_id"]
                doc = self.story(story)["documents"][0]["doc_id"]
                self.document(doc)
        if self.n_votes and self.stored().has("vote_dyads"):
            with contextlib.suppress(ComityError, ApiError):
                year = self.default_vote_year()
                states = tuple(sorted(self.vote_states()))[:3]
                self.alignment(states, (), "year", None, None, None, "agree")
                self.agreement(year, states)
                self.ideal(states, None, None)
                self.blocs(year)
                groups = (self.stored().info("group_cohesion") or {}).get("params", {}).get("groups", [])
                if groups:
                    self.cohesion(groups[0], None, None, None, DEFAULT_DRAWS, DEFAULT_SEED)
        log.info("store warmed in %.2f s", time.perf_counter() - started)

    # -- connections -----------------------------------------------------------------------
    def local_store(self) -> Store:
        """This thread's view of the store (its own DuckDB cursor)."""
        store: Store | None = getattr(self._local, "store", None)
        if store is None:
            store = Store(self.store.con.cursor(), self.store.path, self.store.read_only)
            self._local.store = store
        return store

    def registry(self) -> Registry:
        """This thread's registry (shares the name index, queries through its own cursor)."""
        registry: Registry | None = getattr(self._local, "registry", None)
        if registry is None:
            registry = copy.copy(self._registry)
            registry.store = self.local_store()
            self._local.registry = registry
        return registry

    def stored(self) -> StoredVotes:
        """This thread's reader of the materialised vote results."""
        reader: StoredVotes | None = getattr(self._local, "stored", None)
        if reader is None:
            reader = copy.copy(self.results)
            reader.store = self.local_store()
            self._local.stored = reader
        return reader

    def clear_caches(self) -> None:
        """Note the tables after the store was written (uploads add documents and facts only)."""
        rows = self.local_store().con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        self.tables = {str(r[0]) for r in rows}

    def query(self, sql: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.local_store().query(sql, params)

    def count(self, table: str) -> int:
        if table not in self.tables:
            return 0
        return self.local_store().count(table)

    # -- registry --------------------------------------------------------------------------
    def search(self, q: str, limit: int) -> list[dict[str, Any]]:
        hits = self.registry().search(q, limit=limit)
        return [{**h.__dict__, "url": self.actor_url(h.id, h.type)} for h in hits]

    def resolve(self, name: str, types: tuple[str, ...] | None = None) -> Any:
        return self.registry().resolve(name, types=types)

    def actor(self, name: str, kind: str | None = None) -> dict[str, Any]:
        """What the registry knows of an actor, plus whether it is a body with members.

        ``kind`` (state, organisation, person) settles ids that two kinds share: NAM is Namibia
        and the Non-Aligned Movement, GEO Georgia and the Group on Earth Observations.
        """
        info = self.registry().show(name, types=(kind,) if kind is not None else None)
        info["url"] = self.actor_url(info["id"], info["type"])
        info["is_body"] = info["type"] == "organisation"
        if info["is_body"]:
            info["kind"] = (info.get("record") or {}).get("kind")
        return info

    @functools.cached_property
    def shared_ids(self) -> frozenset[str]:
        """Ids that name a state and an organisation at once."""
        rows = (
            self.local_store()
            .con.execute("SELECT iso3 FROM states WHERE iso3 IN (SELECT org_id FROM organisations)")
            .fetchall()
        )
        return frozenset(str(r[0]) for r in rows)

    @functools.cached_property
    def source_ids(self) -> frozenset[str]:
        """Ids of the registry's sources (the ``sources`` table), which can be cited."""
        if "sources" not in self.tables:
            return frozenset()
        rows = self.local_store().con.execute("SELECT source_id FROM sources").fetchall()
        return frozenset(str(r[0]) for r in rows)

    def actor_url(self, entity_id: str, kind: str | None = None) -> str:
        """The page of an actor; ``?type=`` only where its id is shared by two kinds."""
        if entity_id in self.shared_ids and kind is not None:
            return f"/actors/{entity_id}?type={kind}"
        return f"/actors/{entity_id}"

    @functools.lru_cache(maxsize=8192)  # noqa: B019 - a name's target, not an answer; store immutable
    def link_target(self, text: str, kind: str | None = None) -> tuple[str, str] | None:
        """The (id, kind) a name in a fact stands for (so that pages can link it), or None."""
        try:
            found = self.registry().resolve(text, types=(kind,) if kind else None)
        except ComityError:
            return None
        return str(found.id), found.type

    def members(
        self, body: str, on: str | None, kinds: str | None = None, all_kinds: bool = False
    ) -> tuple[str, list[dict[str, Any]]]:
        registry = self.registry()
        org = registry.resolve(body, types=("organisation",))
        return org.id, frame_records(registry.members(org.id, on=on, kinds=kinds, all_kinds=all_kinds))

    def coverage(
        self, body: str, on: str | None, kinds: str | None = None, all_kinds: bool = False
    ) -> dict[str, Any]:
        """How complete the members list of ``body`` on ``on`` is (as ``members`` would list it)."""
        frame = self.registry().members(body, on=on, kinds=kinds, all_kinds=all_kinds)
        coverage: dict[str, Any] = frame.attrs["coverage"].as_dict()
        return coverage

    def memberships_of(
        self, actor: str, on: str | None, kind: str | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        registry = self.registry()
        who = registry.resolve(actor, types=(kind,) if kind else None)
        return who.id, frame_records(registry.memberships_of(who.id, on=on, types=(who.type,)))

    def timeline(
        self, actor: str, body: str | None, kind: str | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        registry = self.registry()
        who = registry.resolve(actor, types=(kind,) if kind else None)
        return who.id, frame_records(registry.timeline(who.id, body, types=(who.type,)))

    def membership_spells(
        self, actor_id: str, *, as_body: bool = False, limit: int = 60
    ) -> list[dict[str, Any]]:
        """Membership spells for a timeline chart: of the actor in bodies, or of members in a body."""
        return frame_records(self.registry().spells(actor_id, as_body=as_body, limit=limit))

    # -- news ------------------------------------------------------------------------------
    def has_news(self) -> bool:
        return self.count("documents") > 0

    def stories(self) -> list[dict[str, Any]]:
        """Every story, newest first, with the address of its page."""
        records = news.stories_in_store(self.local_store())
        for record in records:
            record["url"] = f"/stories/{record['story_id']}"
        return records

    def document(self, doc_id: str) -> dict[str, Any]:
        """One document, its facts with character spans, and its text cut into highlighted segments."""
        return news.document_view(self.local_store(), doc_id)

    def documents(self, story: str | None = None) -> list[dict[str, Any]]:
        records = news.documents_in_store(self.local_store(), story)
        for record in records:
            record["page"] = f"/documents/{record['doc_id']}"
        return records

    def story(self, story_id: str) -> dict[str, Any]:
        """A story: its documents, and its facts reconciled across them with support counts."""
        summary = news.story_view(self.local_store(), story_id)
        for doc in summary["documents"]:
            doc["page"] = f"/documents/{doc['doc_id']}"
        return summary

    def quotes_by(
        self, actor: dict[str, Any], limit: int = 50, offset: int = 0
    ) -> tuple[list[dict[str, Any]], int]:
        """One page of an actor's quotations (``actor`` as :meth:`actor` gives it) and their total,
        each linked to its place in its document."""
        names = news.speaker_names(actor)
        rows, total = news.quotes_by(self.local_store(), actor["id"], names, limit=limit, offset=offset)
        for record in rows:
            anchor = record.pop("anchor")
            record["document_url"] = f"/documents/{record['doc_id']}" + (f"#{anchor}" if anchor else "")
        return rows, total

    # -- votes ---------------------------------------------------------------------------------
    def _require_votes(self) -> None:
        if self.n_votes == 0:
            raise unavailable("Vote analysis", "the store holds no UN votes (load them with `comity build`).")

    def _require_results(self, name: str) -> None:
        self._require_votes()
        if not self.stored().has(name):
            raise unavailable(
                "Vote analysis",
                "the results computed from the votes are missing or older than the votes "
                "(run `comity build` on this store to compute them).",
            )

    def vote_years(self) -> tuple[int, int]:
        self._require_results("vote_years")
        years = self.stored().years()
        if years is None:
            raise unavailable("Vote analysis", "the store holds no General Assembly votes.")
        return years

    def default_vote_year(self) -> int:
        """The latest year with a full session of roll calls (the last year of a source may hold a few)."""
        self._require_results("vote_years")
        year = self.stored().default_year()
        if year is None:
            raise unavailable("Vote analysis", "the store holds no General Assembly votes.")
        return year

    def vote_states(self) -> frozenset[str]:
        self._require_results("vote_years")
        return self.stored().states() or frozenset()

    def vote_sources(self) -> list[str]:
        """The vote sources of the stored results (for source lines)."""
        return self.stored().sources()

    def check_states(self, states: Iterable[str]) -> list[str]:
        """Resolve names or codes of states to the ISO3 codes the vote data uses."""
        known = self.vote_states()
        out: list[str] = []
        for name in states:
            name = name.strip()
            if not name:
                continue
            code = name.upper() if _ISO3.match(name.upper()) else self.registry().resolve_state(name)
            if code not in known:
                raise BadInput(
                    f"{code} has no General Assembly votes in this store.",
                    hint="States are ISO3 codes or names such as USA, China, Russia.",
                )
            if code not in out:
                out.append(code)
        return out

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
        _check_year(start, "--from")
        _check_year(end, "--to")
        if issue is None:
            self._require_results("vote_dyads")
            frame = self.stored().alignment(states, reference, by=by, start=start, end=end, metrics=[measure])
            if frame is not None:
                return frame_records(frame)
        from comity.votes import alignment, read_votes

        # The alignment of a few states needs only their votes (of the issue and years asked).
        self._require_votes()
        # (No states: the references against every state, whose votes are all needed.)
        chosen = sorted(set(states) | set(reference)) if states else None
        votes = read_votes(self.local_store(), start=start, end=end, states=chosen, issue=issue)
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
        _check_year(year, "year")
        self._require_results("vote_dyads")
        low, high = self.vote_years()
        if not low <= year <= high:
            raise BadInput(
                f"There are no General Assembly votes in {year}.",
                hint=f"Pick a year between {low} and {high}.",
            )
        matrix = self.stored().agreement_matrix(year, states, measure)
        if matrix is None:  # pragma: no cover - checked by _require_results
            raise unavailable("Vote analysis", "the agreement tables are not in this store.")
        chosen = [s for s in states if s in matrix.index]
        sub = matrix.loc[chosen, chosen] if chosen else matrix
        values = [[None if pd.isna(v) else round(float(v), 4) for v in row] for row in sub.to_numpy()]
        missing = [s for s in states if s not in chosen]
        return {"year": year, "measure": measure, "states": chosen, "missing": missing, "matrix": values}

    def cohesion(
        self,
        group: str | tuple[str, ...],
        start: int | None,
        end: int | None,
        issue: str | None,
        draws: int,
        seed: int,
    ) -> list[dict[str, Any]]:
        """Cohesion per year against random groups: stored for the registry's coalitions and groups,
        computed by the library for other groups or an issue."""
        _check_year(start, "--from")
        _check_year(end, "--to")
        self._require_votes()
        if isinstance(group, str) and issue is None:
            frame = self.stored().cohesion(group, n_draws=draws, seed=seed, start=start, end=end)
            if frame is not None:
                return frame_records(frame)
        from comity.votes import cohesion, read_votes

        # Random groups are drawn from every state: all states' votes of the years and issue asked.
        votes = read_votes(self.local_store(), start=start, end=end, issue=issue)
        computed, _ = _capture(
            cohesion,
            votes,
            list(group) if isinstance(group, tuple) else group,
            start=start,
            end=end,
            issue=issue,
            n_draws=draws,
            random_state=seed,
            registry=self.registry(),
        )
        return frame_records(computed)

    def blocs(
        self, year: int, resolution: float = 1.0, metric: str = "agree", seed: int = 0
    ) -> dict[str, Any]:
        """Voting blocs of ``year``, matched to those of the year before to show who moved: as the
        build stored them, or (other parameters) :func:`comity.votes.yearly_blocs` of two years."""
        _check_year(year, "year")
        low, high = self.vote_years()
        if not low <= year <= high:
            raise BadInput(
                f"There are no General Assembly votes in {year}.",
                hint=f"Pick a year between {low} and {high}.",
            )
        stored = self.stored().blocs(year, resolution=resolution, metric=metric, random_state=seed)
        notes: list[str] = []
        if stored is None:
            from comity.votes import read_votes, yearly_blocs

            # Two years of votes only, read from the store: no need of the whole table.
            data = read_votes(self.local_store(), start=max(year - 1, low), end=year)
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

    # -- ideal points ------------------------------------------------------------------------------
    def ideal_status(self) -> str:
        info = self.stored().info("ideal_points")
        if info is None:
            return "not in the store (run `comity build`)" if self.n_votes else "no votes"
        method = info["params"].get("method", "dynamic")
        return f"ready (stored, {method}, {info['n_rows']:,} state-years, computed {info['computed_at']})"

    @property
    def ideal_method(self) -> str:
        info = self.stored().info("ideal_points")
        return str(info["params"].get("method", "dynamic")) if info else "dynamic"

    def ideal(self, states: Sequence[str], start: int | None, end: int | None) -> list[dict[str, Any]]:
        """Ideal points per state and year, as ``comity build`` estimated them (one dynamic fit)."""
        _check_year(start, "--from")
        _check_year(end, "--to")
        self._require_results("ideal_points")
        table = self.stored().ideal_points(list(states), start, end)
        return frame_records(table) if table is not None else []


def _capture(function: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, list[str]]:
    """Call ``function``, collecting its warnings (statistical notes) instead of raising or printing them."""
    import warnings

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
