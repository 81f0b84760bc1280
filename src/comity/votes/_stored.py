"""Vote results computed once by ``comity build`` and read back from the store.

What the web pages draw from the General Assembly votes is too slow to compute per request (the
dynamic ideal point fit takes seconds, cohesion against random groups a second per coalition), so
:func:`materialise_votes` computes it when the data is built and stores it:

* ``vote_years`` and ``vote_state_years``: roll calls per year, and each state's yes/abstain/no
  counts per year (which states voted when);
* ``vote_dyads``: for every year and pair of states, the 3 x 3 table of their votes on the roll
  calls of that year. Every alignment index of :func:`comity.votes.alignment` is a function of
  that table, and a period's table is the sum of its years' tables, so the alignment of *any*
  set of states, per year or pooled over any period, is one indexed query and a few array sums
  (:meth:`StoredVotes.alignment`) with the same numbers as the library;
* ``vote_blocs``: the voting blocs of every year (:func:`comity.votes.yearly_blocs` with its
  default parameters), the states that moved since the year before and the stability of each
  year's partition (tables ``vote_blocs``, ``vote_bloc_movers``, ``vote_bloc_years``);
* ``ideal_points``: one dynamic fit over all years, bridged by the repeated resolutions, as
  ``comity votes ideal --dynamic`` does;
* ``group_cohesion``: :func:`comity.votes.cohesion` of every coalition, group and principal UN
  organ of the registry (kinds :data:`KNOWN_GROUP_KINDS`) with the default draws and seed.

Each result is recorded in ``materialised`` with the version of the data it came from
(:meth:`Store.data_version`: a hash of the loads it was computed from). :class:`StoredVotes` reads a
result only while that version is the store's: after a new load it is stale until the next build,
and readers fall back to computing (or say that the build must run).
"""

from __future__ import annotations

import json
import time
import warnings
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from comity.errors import BadInput, ComityError
from comity.store import Store

if TYPE_CHECKING:
    from comity.votes._blocs import YearlyBlocs
from comity.votes._alignment import (
    METRICS,
    THIN_ROLL_CALLS,
    _check_metrics,
    _contingency,
    _Encoded,
    _single_threaded_blas,
    pair_indices,
)

__all__ = [
    "BLOC_PARAMS",
    "DEFAULT_DRAWS",
    "KNOWN_GROUP_KINDS",
    "RESULTS",
    "StoredVotes",
    "materialise_votes",
]

#: Kinds of registry bodies whose cohesion the build computes: coalitions, groups and the UN's
#: principal organs (the Security Council's elected members change every year, which makes its
#: cohesion the slowest to compute on request). Other bodies' cohesion is computed on request.
KNOWN_GROUP_KINDS: tuple[str, ...] = ("coalition", "group", "un_organ")
#: Random groups per year of the stored cohesion (the default of :func:`comity.votes.cohesion`).
DEFAULT_DRAWS = 1000
#: The materialised vote results, in the order the build computes them.
RESULTS: tuple[str, ...] = ("vote_years", "vote_dyads", "vote_blocs", "ideal_points", "group_cohesion")
#: Parameters of the stored blocs (the defaults of :func:`comity.votes.yearly_blocs`).
BLOC_PARAMS: dict[str, Any] = {"resolution": 1.0, "metric": "agree", "min_votes": 10, "seed": 0}
#: Column names of the nine cells of a pair's table: first state's vote, second state's vote.
_VOTES = ("yes", "abstain", "no")
CELLS: tuple[str, ...] = tuple(f"{a}_{b}" for a in _VOTES for b in _VOTES)
_IDEAL_COLUMNS = ["iso3", "year", "ideal", "se", "n_votes"]


def materialise_votes(
    store: Store,
    *,
    force: bool = False,
    progress: Callable[[str], None] | None = None,
    data_dir: Any = None,
) -> dict[str, float]:
    """Compute the vote results pages need and store them (each result in one transaction).

    A result already computed from the store's current data is kept unless ``force``. Returns the
    seconds each result took (0 for one kept). A store without General Assembly votes gets none.
    """
    from comity.votes._load import DEFAULT_GA_SOURCES, _sources_in_store, read_votes

    say = progress or (lambda _line: None)
    version = store.data_version()
    todo = [name for name in RESULTS if force or not store.result_is_fresh(name, version)]
    timings = dict.fromkeys(RESULTS, 0.0)
    if not todo:
        say("vote results already computed from this data")
        return timings
    lacking = [s for s in DEFAULT_GA_SOURCES if s not in _sources_in_store(store, DEFAULT_GA_SOURCES)]
    if lacking:
        # Results of votes the store does not hold would be of files read from elsewhere.
        say(f"no vote results computed: the store lacks the votes of {', '.join(lacking)} (`comity build`)")
        return timings
    started = time.perf_counter()
    votes = read_votes(store)
    if votes.empty:
        say("no General Assembly votes in the store: no vote results computed")
        return timings
    say(f"votes read for the results in {time.perf_counter() - started:.1f} s")
    steps: dict[str, Callable[[], tuple[int, dict[str, Any], str | None]]] = {
        "vote_years": lambda: _store_years(store, votes),
        "vote_dyads": lambda: _store_dyads(store, votes),
        "vote_blocs": lambda: _store_blocs(store, votes),
        "ideal_points": lambda: _store_ideal_points(store, votes, data_dir),
        "group_cohesion": lambda: _store_cohesion(store, votes),
    }
    for name in todo:
        started = time.perf_counter()
        with store.transaction():
            n_rows, params, note = steps[name]()
            seconds = time.perf_counter() - started
            store.record_result(name, version, params, n_rows, seconds, note)
        timings[name] = seconds
        say(f"computed {name}: {n_rows:,} rows in {seconds:.1f} s" + (f" ({note})" if note else ""))
    return timings


def _store_years(store: Store, votes: pd.DataFrame) -> tuple[int, dict[str, Any], str | None]:
    years = votes.groupby("year")["rcid"].nunique().rename("n_roll_calls").reset_index()
    # Every state with a vote row (absences too), with its yes, abstain and no counts.
    counts = pd.crosstab([votes["year"], votes["iso3"]], votes["vote"]).reindex(
        columns=list(_VOTES), fill_value=0
    )
    states = counts.rename(columns={v: f"n_{v}" for v in _VOTES}).reset_index()
    store.con.execute("DELETE FROM vote_years")
    store.con.execute("DELETE FROM vote_state_years")
    store.insert_frame("vote_years", years.astype({"year": "int32", "n_roll_calls": "int32"}))
    store.insert_frame("vote_state_years", states)
    sources = sorted(str(s) for s in votes["source_id"].unique())
    return len(years) + len(states), {"sources": sources}, None


def _store_dyads(store: Store, votes: pd.DataFrame) -> tuple[int, dict[str, Any], str | None]:
    encoded = _Encoded(votes, "year")
    names = np.asarray(encoded.states, dtype=object)
    store.con.execute("DELETE FROM vote_dyads")
    total = 0
    with _single_threaded_blas():
        for year in encoded.groups:
            block = encoded.block(year)
            rows = np.flatnonzero((block >= 0).any(axis=1))
            table = _contingency(block[rows])  # (3, 3, n, n)
            ia, ib = np.triu_indices(len(rows), k=1)
            cells = table[:, :, ia, ib].reshape(9, -1).astype(np.int32)
            keep = cells.sum(axis=0) > 0
            frame = pd.DataFrame(
                {"year": np.int32(year), "iso3_a": names[rows][ia[keep]], "iso3_b": names[rows][ib[keep]]}
            )
            for i, cell in enumerate(CELLS):
                frame[cell] = cells[i, keep]
            total += store.insert_frame("vote_dyads", frame)
    return total, {}, None


def _store_blocs(store: Store, votes: pd.DataFrame) -> tuple[int, dict[str, Any], str | None]:
    from comity.votes._blocs import yearly_blocs

    found = yearly_blocs(
        votes,
        resolution=BLOC_PARAMS["resolution"],
        metric=BLOC_PARAMS["metric"],
        min_votes=BLOC_PARAMS["min_votes"],
        random_state=BLOC_PARAMS["seed"],
    )
    for table in ("vote_blocs", "vote_bloc_movers", "vote_bloc_years"):
        store.con.execute(f"DELETE FROM {table}")
    blocs = found.blocs.rename(columns={"period": "year"})[["year", "iso3", "bloc", "bloc_size"]]
    movers = found.movers.rename(columns={"period": "year"})[
        ["year", "iso3", "previous", "bloc", "previous_bloc"]
    ]
    years = pd.DataFrame({"year": sorted(set(found.blocs["period"]) | set(found.notes))})
    stability = found.stability.rename(columns={"period": "year"})
    years = years.merge(stability, on="year", how="left")
    years["modularity"] = years["year"].map(found.modularity)
    years["notes"] = years["year"].map(lambda y: json.dumps(found.notes[y]) if y in found.notes else None)
    n = store.insert_frame(
        "vote_blocs", blocs.astype({"year": "int32", "bloc": "int32", "bloc_size": "int32"})
    )
    if len(movers):
        store.insert_frame(
            "vote_bloc_movers", movers.astype({c: "int32" for c in movers.columns if c != "iso3"})
        )
    store.insert_frame("vote_bloc_years", years)
    skipped = sorted(found.notes)
    return (
        n,
        dict(BLOC_PARAMS),
        f"{len(years)} years; notes for {len(skipped)}" if skipped else f"{len(years)} years",
    )


def _store_ideal_points(
    store: Store, votes: pd.DataFrame, data_dir: Any
) -> tuple[int, dict[str, Any], str | None]:
    from comity.data import fetch
    from comity.votes._ideal import ideal_points_table
    from comity.votes._load import read_repeated_roll_calls

    note = None
    try:
        repeats = read_repeated_roll_calls(found=True, path=fetch("bsv_matches", data_dir=data_dir))
    except ComityError as error:
        # Without the hand-matched pairs the fit still runs, bridged less: say so.
        repeats, note = None, f"without the repeated resolutions ({error.message})"
    with warnings.catch_warnings():
        # A fit that stops at max_iter still gives usable positions; the note says how it was made.
        warnings.simplefilter("ignore")
        table = ideal_points_table(votes, dynamic=True, repeats=repeats)
    table = table[_IDEAL_COLUMNS].reset_index(drop=True)
    store.con.execute("DELETE FROM ideal_points")
    n = store.insert_frame("ideal_points", table)
    return n, {"method": "dynamic", "bridged": repeats is not None}, note


def known_groups(store: Store) -> list[str]:
    """Ids of the registry's coalitions and groups (kinds :data:`KNOWN_GROUP_KINDS`)."""
    marks = ", ".join("?" for _ in KNOWN_GROUP_KINDS)
    rows = store.con.execute(
        f"SELECT org_id FROM organisations WHERE kind IN ({marks}) ORDER BY org_id", list(KNOWN_GROUP_KINDS)
    ).fetchall()
    return [str(r[0]) for r in rows]


def _store_cohesion(store: Store, votes: pd.DataFrame) -> tuple[int, dict[str, Any], str | None]:
    from comity.registry import Registry
    from comity.votes._cohesion import DEFAULT_SEED, cohesion

    registry = Registry.from_store(store)
    store.con.execute("DELETE FROM group_cohesion")
    done, skipped = [], []
    total = 0
    for group in known_groups(store):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                frame = cohesion(
                    votes, group, n_draws=DEFAULT_DRAWS, random_state=DEFAULT_SEED, registry=registry
                )
        except BadInput:
            skipped.append(group)  # no members in the registry, or none that voted
            continue
        if frame.empty:
            skipped.append(group)
            continue
        frame.insert(0, "group_id", group)
        frame.insert(1, "n_draws", DEFAULT_DRAWS)
        frame.insert(2, "seed", DEFAULT_SEED)
        total += store.insert_frame("group_cohesion", frame)
        done.append(group)
    params = {"groups": done, "n_draws": DEFAULT_DRAWS, "seed": DEFAULT_SEED}
    return (
        total,
        params,
        f"{len(done)} groups; none for {', '.join(skipped)}" if skipped else f"{len(done)} groups",
    )


def _within_years(where: list[str], params: list[Any], start: int | None, end: int | None) -> None:
    """Add the clauses (and their parameters) that keep the years from ``start`` to ``end``."""
    if start is not None:
        where.append("year >= ?")
        params.append(start)
    if end is not None:
        where.append("year <= ?")
        params.append(end)


class StoredVotes:
    """Read the materialised vote results of a store (see the module's description).

    Every method answers from stored tables only; a result that is missing or stale (computed from
    other data than the store's) is reported by :meth:`has` and its reader returns None.
    """

    def __init__(self, store: Store) -> None:
        self.store = store
        tables = {str(r[0]) for r in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        self._fresh: dict[str, dict[str, Any]] = {}
        if "materialised" in tables and "loads" in tables:
            version = store.data_version()
            rows = store.con.execute(
                "SELECT name, source_version, params, n_rows, seconds, computed_at, note FROM materialised"
            ).fetchall()
            for name, source, params, n_rows, seconds, computed_at, note in rows:
                if source == version:
                    self._fresh[str(name)] = {
                        "params": json.loads(params),
                        "n_rows": int(n_rows),
                        "seconds": float(seconds),
                        "computed_at": computed_at.isoformat(timespec="seconds") if computed_at else None,
                        "note": note,
                    }

    def has(self, name: str) -> bool:
        """Whether result ``name`` is stored and computed from the store's current data."""
        return name in self._fresh

    def info(self, name: str) -> dict[str, Any] | None:
        """Parameters, rows, seconds, time and note of a fresh result (None: missing or stale)."""
        return self._fresh.get(name)

    def _query(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self.store.con.execute(sql, list(params)).df()

    # -- which years and states ------------------------------------------------------------
    def years(self) -> tuple[int, int] | None:
        """First and last year with General Assembly votes."""
        if not self.has("vote_years"):
            return None
        row = self.store.con.execute("SELECT min(year), max(year) FROM vote_years").fetchone()
        return (int(row[0]), int(row[1])) if row and row[0] is not None else None

    def default_year(self, min_roll_calls: int = 30) -> int | None:
        """The latest year with a full session of roll calls (the last year of a source may hold a few)."""
        if not self.has("vote_years"):
            return None
        row = self.store.con.execute(
            "SELECT coalesce(max(year) FILTER (WHERE n_roll_calls >= ?), max(year)) FROM vote_years",
            [min_roll_calls],
        ).fetchone()
        return int(row[0]) if row and row[0] is not None else None

    def states(self) -> frozenset[str] | None:
        """States with any General Assembly vote row."""
        if not self.has("vote_years"):
            return None
        return frozenset(
            str(r[0]) for r in self.store.con.execute("SELECT DISTINCT iso3 FROM vote_state_years").fetchall()
        )

    def sources(self) -> list[str]:
        """The vote sources the results were computed from."""
        info = self.info("vote_years")
        return list(info["params"].get("sources", [])) if info else []

    # -- alignment -------------------------------------------------------------------------
    def alignment(
        self,
        states: Sequence[str],
        reference: Sequence[str] = (),
        *,
        by: str | None = "year",
        start: int | None = None,
        end: int | None = None,
        metrics: Sequence[str] = METRICS,
    ) -> pd.DataFrame | None:
        """:func:`comity.votes.alignment` (``by`` ``year`` or None, no issue) from ``vote_dyads``.

        The same rows and numbers as the library on the store's votes; None when the table is not
        fresh.
        """
        if not self.has("vote_dyads"):
            return None
        if by not in ("year", None, "none"):
            raise BadInput(f"by={by!r} is not stored", hint="Use 'year' or None, or comity.votes.alignment.")
        metric_list = _check_metrics(metrics)
        refs = list(dict.fromkeys(reference))
        chosen = sorted(set(states) | set(refs))
        known = self.states() or frozenset()
        unknown = sorted(set(chosen) - known)
        if unknown:
            raise BadInput(
                f"no votes at all for {', '.join(unknown)}",
                hint="States are ISO3 codes such as USA, CHN, RUS; check the period and source.",
            )
        per_year = by == "year"
        marks = ", ".join("?" for _ in chosen)
        where = [f"iso3_a IN ({marks})", f"iso3_b IN ({marks})"]
        params: list[Any] = [*chosen, *chosen]
        _within_years(where, params, start, end)
        sums = ", ".join(f'sum("{c}")::BIGINT AS "{c}"' for c in CELLS)
        cells = ", ".join(f'"{c}"' for c in CELLS)
        sql = (
            f"SELECT iso3_a, iso3_b, year, {cells} FROM vote_dyads WHERE {' AND '.join(where)}"
            if per_year
            else f"SELECT iso3_a, iso3_b, {sums} FROM vote_dyads WHERE {' AND '.join(where)} GROUP BY 1, 2"
        )
        frame = self._query(sql, params)
        keys = ["year"] if per_year else []
        columns = ["iso3_a", "iso3_b", *keys, *metric_list, "n_votes", "thin"]
        if refs:
            ref_set = set(refs)
            keep = frame["iso3_a"].isin(ref_set) | frame["iso3_b"].isin(ref_set)
            frame = frame[keep]
            # A pair is shown from its reference's side; two references stay in name order.
            swap = ~frame["iso3_a"].isin(ref_set)
            if swap.any():
                frame = frame.copy()
                frame.loc[swap, ["iso3_a", "iso3_b"]] = frame.loc[swap, ["iso3_b", "iso3_a"]].to_numpy()
                transposed = [f"{b}_{a}" for a in _VOTES for b in _VOTES]
                frame.loc[swap, list(CELLS)] = frame.loc[swap, transposed].to_numpy()
        if frame.empty:
            return pd.DataFrame(columns=columns)
        table = frame[list(CELLS)].to_numpy(dtype=np.float64).T.reshape(3, 3, -1)
        values = pair_indices(table, metric_list)
        out = frame[["iso3_a", "iso3_b", *keys]].reset_index(drop=True)
        for metric in metric_list:
            out[metric] = values[metric]
        out["n_votes"] = table.sum(axis=(0, 1)).astype(np.int64)
        out["thin"] = out["n_votes"] < THIN_ROLL_CALLS
        out = out[out["n_votes"] > 0]
        return out[columns].sort_values(["iso3_a", "iso3_b", *keys], kind="stable").reset_index(drop=True)

    def agreement_matrix(
        self, year: int, states: Sequence[str], metric: str = "agree"
    ) -> pd.DataFrame | None:
        """All-pairs similarity of those of ``states`` that voted in ``year`` (ISO3 x ISO3), as
        :func:`comity.votes.agreement_matrix` gives it for them; None when not stored."""
        if not (self.has("vote_dyads") and self.has("vote_years")):
            return None
        _check_metrics([metric])
        wanted = list(dict.fromkeys(states))
        if not wanted:
            return pd.DataFrame()
        marks = ", ".join("?" for _ in wanted)
        own = self._query(
            f"""SELECT iso3, n_yes, n_abstain, n_no FROM vote_state_years
                WHERE year = ? AND iso3 IN ({marks}) AND n_yes + n_abstain + n_no > 0""",
            [year, *wanted],
        )
        voted = [s for s in wanted if s in set(own["iso3"])]
        index = {s: i for i, s in enumerate(voted)}
        n = len(voted)
        tables = np.zeros((3, 3, n, n))
        for iso3, *counts in own[["iso3", "n_yes", "n_abstain", "n_no"]].itertuples(index=False):
            for k, count in enumerate(counts):
                tables[k, k, index[str(iso3)], index[str(iso3)]] = float(count)
        if n > 1:
            marks = ", ".join("?" for _ in voted)
            pairs = self._query(
                f"SELECT * FROM vote_dyads WHERE year = ? AND iso3_a IN ({marks}) AND iso3_b IN ({marks})",
                [year, *voted, *voted],
            )
            pair_cells = pairs[list(CELLS)].to_numpy(dtype=np.float64).reshape(-1, 3, 3)
            for (a, b), cells in zip(
                pairs[["iso3_a", "iso3_b"]].itertuples(index=False), pair_cells, strict=True
            ):
                i, j = index[str(a)], index[str(b)]
                tables[:, :, i, j] = cells
                tables[:, :, j, i] = cells.T
        values = pair_indices(tables, [metric])[metric]
        labels = pd.Index(voted, name="iso3")
        return pd.DataFrame(values, index=labels, columns=labels)

    # -- blocs -------------------------------------------------------------------------------
    def blocs(
        self,
        year: int,
        *,
        resolution: float = 1.0,
        metric: str = "agree",
        min_votes: int = 10,
        random_state: int | None = 0,
    ) -> YearlyBlocs | None:
        """:func:`comity.votes.yearly_blocs` of ``year`` as stored; None when not stored with these
        parameters (or the year has no stored blocs)."""
        from comity.votes._blocs import _STABILITY_COLUMNS, YearlyBlocs

        info = self.info("vote_blocs")
        wanted = {"resolution": resolution, "metric": metric, "min_votes": min_votes, "seed": random_state}
        if info is None or info["params"] != wanted:
            return None
        row = self.store.con.execute(
            "SELECT previous, ari, nmi, n_common, modularity, notes FROM vote_bloc_years WHERE year = ?",
            [year],
        ).fetchone()
        if row is None:
            return None
        previous, ari, nmi, n_common, modularity, notes = row
        if modularity is None:  # a year with too few states voting, as yearly_blocs says
            raise BadInput(
                f"{year}: fewer than two states with {min_votes} votes; no blocs", hint="Pick another year."
            )
        blocs = self._query(
            "SELECT year AS period, iso3, bloc, bloc_size FROM vote_blocs WHERE year = ? ORDER BY bloc, iso3",
            [year],
        )
        movers = self._query(
            "SELECT iso3, year AS period, previous, bloc, previous_bloc FROM vote_bloc_movers WHERE year = ? "
            "ORDER BY iso3",
            [year],
        )
        stability = pd.DataFrame(
            [] if previous is None else [(year, previous, ari, nmi, n_common)],
            columns=_STABILITY_COLUMNS,
        )
        return YearlyBlocs(
            blocs,
            movers,
            stability,
            {year: float(modularity)},
            {year: json.loads(notes)} if notes else {},
        )

    # -- ideal points, cohesion ------------------------------------------------------------
    def ideal_points(
        self, states: Sequence[str] = (), start: int | None = None, end: int | None = None
    ) -> pd.DataFrame | None:
        """Stored ideal points (iso3, year, ideal, se, n_votes) of ``states`` (default all)."""
        if not self.has("ideal_points"):
            return None
        where: list[str] = ["TRUE"]
        params: list[Any] = []
        if states:
            where.append(f"iso3 IN ({', '.join('?' for _ in states)})")
            params += list(states)
        _within_years(where, params, start, end)
        return self._query(
            f"SELECT iso3, year, ideal, se, n_votes FROM ideal_points WHERE {' AND '.join(where)} "
            "ORDER BY iso3, year",
            params,
        )

    def cohesion(
        self,
        group: str,
        *,
        n_draws: int = DEFAULT_DRAWS,
        seed: int = 0,
        start: int | None = None,
        end: int | None = None,
    ) -> pd.DataFrame | None:
        """:func:`comity.votes.cohesion` of a registry group as stored (no issue filter); None when
        this group, draws and seed were not computed. Each year's draws are seeded by the year, so
        the years of a period are the stored rows of those years."""
        if not self.has("group_cohesion"):
            return None
        info = self.info("group_cohesion") or {}
        stored = info.get("params", {})
        if (
            group not in stored.get("groups", [])
            or n_draws != stored.get("n_draws")
            or seed != stored.get("seed")
        ):
            return None
        frame = self._query(
            """SELECT * EXCLUDE (group_id, n_draws, seed) FROM group_cohesion
               WHERE group_id = ? AND year >= ? AND year <= ? ORDER BY year""",
            [group, start if start is not None else -1, end if end is not None else 10_000],
        )
        return frame
