"""Queries on the registry: who is who, who belongs to what, on any date, with sources."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

import pandas as pd
from rapidfuzz import fuzz, process

from comity._dates import parse_date, parse_partial_date
from comity.errors import BadDate, UnknownActor
from comity.registry._build import build_registry
from comity.registry._names import normalise_name
from comity.store import Store

__all__ = ["Actor", "Registry", "SearchHit"]

# Which surface form wins when one name could mean several things.
_KIND_RANK = {
    "code": 0,
    "name": 1,
    "acronym": 2,
    "alias": 3,
    "capital": 4,
    "government": 5,
    "demonym": 6,
    "cow_code": 7,
}
_TYPE_RANK = {"state": 0, "organisation": 1, "person": 2}
# Bulk sources (the COW panel) answer only for (actor, body) pairs that no source compiled for
# comity covers: where comity has the pair's own dated record, COW's yearly rows would only blur it.
_BULK_SOURCES = ("cow_igo",)
_KIND_ORDER = [
    "permanent_seat",
    "elected_seat",
    "member",
    "party",
    "associate",
    "observer",
    "partner",
    "signatory",
    "suspended",
]


@dataclass(frozen=True)
class Actor:
    """A state, organisation or person of the registry, as a name resolved to it."""

    id: str
    type: str
    name: str
    matched: str | None = None
    match_kind: str | None = None


@dataclass(frozen=True)
class SearchHit:
    """One answer of :meth:`Registry.search`."""

    id: str
    type: str
    name: str
    alias: str
    kind: str
    score: float


@dataclass
class _AliasIndex:
    by_norm: dict[str, list[tuple[str, str, str, str]]] = field(default_factory=dict)
    choices: list[str] = field(default_factory=list)


class Registry:
    """The registry of the multilateral system, read from a :class:`~comity.store.Store`.

    >>> reg = Registry.default()
    >>> reg.resolve("Beijing").id
    'CHN'
    """

    _default: ClassVar[Registry | None] = None
    _default_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, store: Store) -> None:
        self.store = store
        self._index: _AliasIndex | None = None
        self._names: dict[str, dict[str, str]] | None = None

    @classmethod
    def from_store(cls, store: Store) -> Registry:
        """A registry over an open store (built with ``comity build``)."""
        return cls(store)

    @classmethod
    def default(cls) -> Registry:
        """The shipped registry, built once per process in memory (no file needed)."""
        with cls._default_lock:
            if cls._default is None:
                store = Store.memory()
                build_registry(store)
                cls._default = cls(store)
            return cls._default

    # -- names -----------------------------------------------------------------------------
    def _alias_index(self) -> _AliasIndex:
        if self._index is None:
            rows = self.store.con.execute(
                "SELECT alias_norm, entity_id, entity_type, kind, alias FROM aliases"
            ).fetchall()
            index = _AliasIndex()
            for norm, entity_id, entity_type, kind, alias in rows:
                index.by_norm.setdefault(norm, []).append((entity_id, entity_type, kind, alias))
            index.choices = sorted(index.by_norm)
            self._index = index
        return self._index

    def _display_names(self) -> dict[str, dict[str, str]]:
        """Display names by entity type, then id (an id may name a state and a body: NAM)."""
        if self._names is None:
            rows = self.store.con.execute(
                """SELECT iso3, 'state', name_short FROM states
                   UNION ALL SELECT org_id, 'organisation', name FROM organisations
                   UNION ALL SELECT person_id, 'person', name FROM people"""
            ).fetchall()
            names: dict[str, dict[str, str]] = {t: {} for t in _TYPE_RANK}
            for entity_id, entity_type, name in rows:
                names[str(entity_type)][str(entity_id)] = str(name)
            self._names = names
        return self._names

    def name_of(self, entity_id: str, entity_type: str | None = None) -> str:
        """The display name of an id (states first where an id is also a body's); the id if unknown."""
        names = self._display_names()
        for kind in (entity_type,) if entity_type else tuple(_TYPE_RANK):
            if entity_id in names.get(kind, {}):
                return names[kind][entity_id]
        return entity_id

    def _by_id(self, text: str, types: tuple[str, ...] | None) -> Actor | None:
        names = self._display_names()
        for kind in types or tuple(_TYPE_RANK):
            for key in (text, text.upper(), text.lower()):
                if key in names.get(kind, {}):
                    return Actor(key, kind, names[kind][key], text, "id")
        return None

    def resolve(
        self, name: str, *, on: str | date | None = None, types: tuple[str, ...] | None = None
    ) -> Actor:
        """The state, organisation or person that ``name`` stands for.

        Ids, names, aliases, acronyms, demonyms and capitals all work, case-insensitively.
        A bare id that is both a state's and a body's (NAM) means the state unless ``types``
        says otherwise. Raises :class:`~comity.errors.UnknownActor` with the closest matches.
        """
        text = str(name).strip()
        direct = self._by_id(text, types)
        if direct is not None:
            return direct
        norm = normalise_name(text)
        candidates = [c for c in self._alias_index().by_norm.get(norm, []) if types is None or c[1] in types]
        if not candidates:
            kind = " or ".join(types) if types else "state, organisation or person"
            raise UnknownActor(text, suggestions=self.suggest(text, types=types), kind=kind)
        when = parse_date(on) if on is not None else None
        best = min(candidates, key=lambda c: self._rank(c, when))
        return Actor(best[0], best[1], self.name_of(best[0], best[1]), best[3], best[2])

    def _rank(self, candidate: tuple[str, str, str, str], when: date | None) -> tuple[int, int, int, str]:
        entity_id, entity_type, kind, _ = candidate
        existed = 0
        if entity_type == "state":
            row = self.store.con.execute(
                "SELECT historical, exists_from, exists_to FROM states WHERE iso3 = ?", [entity_id]
            ).fetchone()
            if row is not None:
                historical, start, end = row
                if when is not None:
                    inside = (not start or str(start)[:4] <= str(when.year)) and (
                        not end or str(end)[:4] >= str(when.year)
                    )
                    existed = 0 if inside else 1
                else:
                    existed = 1 if historical else 0
        return (existed, _KIND_RANK.get(kind, 9), _TYPE_RANK.get(entity_type, 9), entity_id)

    def resolve_state(self, name: str, *, on: str | date | None = None) -> str:
        """The ISO3 code of the state ``name`` stands for."""
        return self.resolve(name, on=on, types=("state",)).id

    def suggest(self, text: str, *, types: tuple[str, ...] | None = None, limit: int = 5) -> list[str]:
        """Close matches for an unknown name, as 'Name (ID)'."""
        index = self._alias_index()
        hits = process.extract(
            normalise_name(text), index.choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60
        )
        out: list[str] = []
        for norm, _score, _ in hits:
            for entity_id, entity_type, _kind, _alias in index.by_norm[norm]:
                if types is not None and entity_type not in types:
                    continue
                label = f"{self.name_of(entity_id, entity_type)} ({entity_id})"
                if label not in out:
                    out.append(label)
            if len(out) >= limit:
                break
        return out[:limit]

    def search(self, query: str, *, limit: int = 10) -> list[SearchHit]:
        """Names, aliases, demonyms and capitals that start like or resemble ``query``."""
        norm = normalise_name(query)
        if not norm:
            return []
        index = self._alias_index()
        scored: dict[str, SearchHit] = {}
        prefix = [c for c in index.choices if c.startswith(norm)][: limit * 5]
        fuzzy = [
            h[0]
            for h in process.extract(
                norm, index.choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=70
            )
        ]
        for rank, choice in enumerate(prefix + fuzzy):
            score = (
                100.0
                if choice == norm
                else (
                    90.0 - rank * 0.01 if choice.startswith(norm) else float(fuzz.WRatio(norm, choice)) * 0.85
                )
            )
            for entity_id, entity_type, kind, alias in index.by_norm[choice]:
                hit = SearchHit(
                    entity_id, entity_type, self.name_of(entity_id, entity_type), alias, kind, score
                )
                key = entity_id
                if key not in scored or scored[key].score < score:
                    scored[key] = hit
        ranked = sorted(scored.values(), key=lambda h: (-h.score, _TYPE_RANK.get(h.type, 9), h.id))
        return ranked[:limit]

    def gazetteer(self) -> pd.DataFrame:
        """Every surface form of every entity: alias, entity_id, entity_type, kind."""
        return self.store.query(
            "SELECT alias, entity_id, entity_type, kind FROM aliases ORDER BY entity_type, entity_id, alias"
        )

    # -- entities --------------------------------------------------------------------------
    def show(self, name: str, *, types: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Everything the registry knows of one actor, as a JSON-ready dict."""
        actor = self.resolve(name, types=types)
        info: dict[str, Any] = {"id": actor.id, "type": actor.type, "name": actor.name}
        if actor.matched and actor.match_kind != "id":
            info["matched"] = {"text": actor.matched, "as": actor.match_kind}
        table = {
            "state": ("states", "iso3"),
            "organisation": ("organisations", "org_id"),
            "person": ("people", "person_id"),
        }[actor.type]
        record = self.store.query(f"SELECT * FROM {table[0]} WHERE {table[1]} = ?", [actor.id])
        if not record.empty:
            info["record"] = _jsonable(record.iloc[0].to_dict())
        aliases = self.store.query(
            "SELECT kind, alias FROM aliases WHERE entity_id = ? AND entity_type = ? ORDER BY kind, alias",
            [actor.id, actor.type],
        )
        info["aliases"] = {k: sorted(set(g["alias"])) for k, g in aliases.groupby("kind")}
        if actor.type == "person":
            info["roles"] = _records(
                self.store.query(
                    "SELECT role, state, org_id, start_date, end_date, source_id, source_ref FROM roles "
                    "WHERE person_id = ? ORDER BY start_date",
                    [actor.id],
                )
            )
        else:
            info["memberships_today"] = _records(self.memberships_of(actor.id, types=(actor.type,)))
        if actor.type == "organisation":
            info["members_today"] = int(len(self.members(actor.id)))
        return info

    # -- memberships -----------------------------------------------------------------------
    def members(
        self, body: str, *, on: str | date | None = None, include_observers: bool = True
    ) -> pd.DataFrame:
        """The members of ``body`` on a date (today by default), one row per member.

        ``on="founding"`` asks for the founding members: those on the last day of the period the
        founding date names ('2021-03' -> 2021-03-31).

        Columns: actor_id, name, kind, start_date, end_date, source_id, source_ref, note.
        """
        org = self.resolve(body, types=("organisation",))
        when = (
            self.founding_date(org.id)
            if str(on).strip().lower() == "founding"
            else parse_date(on, what="--on date")
        )
        rows = self.store.query(
            """SELECT actor_id, actor_type, kind, start_date, start_precision, end_date, end_precision,
                      observed_to, source_id, source_ref, note
               FROM memberships m
               WHERE body_id = ? AND (start_date IS NULL OR start_date <= ?)
                 AND (end_date IS NULL OR end_date >= ?)
                 AND NOT (source_id IN (SELECT unnest(?)) AND EXISTS (
                     SELECT 1 FROM memberships c WHERE c.actor_id = m.actor_id AND c.body_id = m.body_id
                     AND c.source_id NOT IN (SELECT unnest(?))))""",
            [org.id, when, when, list(_BULK_SOURCES), list(_BULK_SOURCES)],
        )
        if not include_observers:
            rows = rows[~rows["kind"].isin(["observer", "partner"])]
        if rows.empty:
            return _empty_members()
        rows["_bulk"] = rows["source_id"].isin(_BULK_SOURCES)
        rows["_kind"] = rows["kind"].map({k: i for i, k in enumerate(_KIND_ORDER)}).fillna(99)
        rows = rows.sort_values(["actor_id", "_bulk", "_kind"]).drop_duplicates("actor_id")
        assumed = rows["observed_to"].notna() & (pd.to_datetime(rows["observed_to"]) < pd.Timestamp(when))
        rows.loc[assumed, "note"] = rows.loc[assumed, "note"].fillna(
            "assumed to continue after the source ends"
        )
        rows["name"] = [self.name_of(a, t) for a, t in zip(rows["actor_id"], rows["actor_type"], strict=True)]
        out = rows[["actor_id", "name", "kind", "start_date", "end_date", "source_id", "source_ref", "note"]]
        return out.sort_values("actor_id").reset_index(drop=True)

    def founding_date(self, body: str) -> date:
        """The last day of the period in which ``body`` was founded."""
        org = self.resolve(body, types=("organisation",))
        row = self.store.con.execute(
            "SELECT founded FROM organisations WHERE org_id = ?", [org.id]
        ).fetchone()
        if row is None or not row[0]:
            raise BadDate(
                f"The founding date of {org.name} ({org.id}) is not known.",
                hint="Give a date with --on YYYY-MM-DD instead.",
            )
        return parse_partial_date(str(row[0])).last

    def memberships_of(
        self, actor: str, *, on: str | date | None = None, types: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """The bodies ``actor`` belongs to on a date (today by default); ``types`` as in :meth:`resolve`."""
        who = self.resolve(actor, types=types)
        when = parse_date(on, what="--on date")
        rows = self.store.query(
            """SELECT body_id, kind, start_date, end_date, source_id, source_ref, note FROM memberships m
               WHERE actor_id = ? AND (start_date IS NULL OR start_date <= ?)
                 AND (end_date IS NULL OR end_date >= ?)
                 AND NOT (source_id IN (SELECT unnest(?)) AND EXISTS (
                     SELECT 1 FROM memberships c WHERE c.actor_id = m.actor_id AND c.body_id = m.body_id
                     AND c.source_id NOT IN (SELECT unnest(?))))""",
            [who.id, when, when, list(_BULK_SOURCES), list(_BULK_SOURCES)],
        )
        if rows.empty:
            return rows.assign(name=pd.Series(dtype=str))
        rows["_bulk"] = rows["source_id"].isin(_BULK_SOURCES)
        rows = rows.sort_values(["body_id", "_bulk"]).drop_duplicates("body_id").drop(columns="_bulk")
        rows.insert(1, "name", [self.name_of(b, "organisation") for b in rows["body_id"]])
        return rows.reset_index(drop=True)

    def has(self, entity_id: str, entity_type: str | None = None) -> bool:
        """Whether ``entity_id`` is an id of the registry (of ``entity_type``, if given)."""
        return (
            bool(self.types_of(entity_id)) if entity_type is None else entity_type in self.types_of(entity_id)
        )

    def types_of(self, entity_id: str) -> tuple[str, ...]:
        """The kinds of entity ``entity_id`` is the id of, states first: ('state', 'organisation') for NAM."""
        names = self._display_names()
        return tuple(kind for kind in _TYPE_RANK if entity_id in names.get(kind, {}))

    def spells(self, entity_id: str, *, as_body: bool = False, limit: int | None = None) -> pd.DataFrame:
        """Membership spells of an actor in bodies or, ``as_body``, of the members of a body.

        Where comity's own sources cover a pair, the bulk COW spells of that pair are left out;
        with ``limit``, the spells of at most that many counterparts, those of comity's own
        sources first. Columns: other, name, kind, start_date, end_date, observed_to, source_id,
        source_ref; sorted by start date.
        """
        column, other = ("body_id", "actor_id") if as_body else ("actor_id", "body_id")
        frame = self.store.query(
            f"""SELECT {other} AS other, actor_type, kind, start_date, end_date, observed_to, source_id,
                       source_ref FROM memberships WHERE {column} = ?""",
            [entity_id],
        )
        if frame.empty:
            return frame.drop(columns="actor_type").assign(name=pd.Series(dtype=str))
        frame["_bulk"] = frame["source_id"].isin(_BULK_SOURCES)
        frame = frame[frame["_bulk"] == frame.groupby("other")["_bulk"].transform("min")]
        frame = frame.sort_values(["_bulk", "start_date", "other"], na_position="first")
        if limit is not None:
            frame = frame[frame["other"].isin(list(dict.fromkeys(frame["other"]))[:limit])]
        frame = frame.sort_values(["start_date", "other"], na_position="first")
        frame.insert(
            1,
            "name",
            [
                self.name_of(o, t if as_body else "organisation")
                for o, t in zip(frame["other"], frame["actor_type"], strict=True)
            ],
        )
        return frame.drop(columns=["_bulk", "actor_type"]).reset_index(drop=True)

    def timeline(
        self, actor: str, body: str | None = None, *, types: tuple[str, ...] | None = None
    ) -> pd.DataFrame:
        """Membership events of ``actor`` (in ``body``, or everywhere) in date order, with sources.

        Recorded events (join, withdraw, announce_withdrawal, rejoin, suspend, expel) come from
        comity's sources; where a membership spell's start or end has no recorded event, it is
        shown as ``join`` or ``leave`` with the spell's source.
        """
        who = self.resolve(actor, types=types)
        params: list[Any] = [who.id]
        where = "actor_id = ?"
        if body is not None:
            params.append(self.resolve(body, types=("organisation",)).id)
            where += " AND body_id = ?"
        events = self.store.query(
            f"""SELECT date, date_precision AS precision, actor_id, body_id, action, NULL AS kind,
                       source_id, source_ref, note FROM membership_events WHERE {where}""",
            params,
        )
        spells = self.store.query(
            f"""SELECT actor_id, body_id, kind, start_date, start_precision, end_date, end_precision,
                       source_id, source_ref FROM memberships WHERE {where}""",
            params,
        )
        derived: list[dict[str, Any]] = []
        if not spells.empty:
            spells["_bulk"] = spells["source_id"].isin(_BULK_SOURCES)
            best = spells.groupby("body_id")["_bulk"].transform("min")
            spells = spells[spells["_bulk"] == best]
            for row in spells.itertuples(index=False):
                for when, precision, action in (
                    (row.start_date, row.start_precision, "join"),
                    (row.end_date, row.end_precision, "leave"),
                ):
                    if when is None or pd.isna(when):
                        continue
                    derived.append(
                        {
                            "date": when,
                            "precision": precision,
                            "actor_id": row.actor_id,
                            "body_id": row.body_id,
                            "action": action,
                            "kind": row.kind,
                            "source_id": row.source_id,
                            "source_ref": row.source_ref,
                            "note": None,
                        }
                    )
        derived_frame = pd.DataFrame(derived, columns=events.columns)
        if not derived_frame.empty and not events.empty:
            # A spell boundary within a year of a recorded event of the same pair is that event.
            recorded = events.assign(date=pd.to_datetime(events["date"]))
            keep = []
            for row in derived_frame.itertuples(index=False):
                same = recorded[recorded["body_id"] == row.body_id]
                gap = (same["date"] - pd.Timestamp(str(row.date))).abs()
                keep.append(not (gap <= pd.Timedelta(days=366)).any())
            derived_frame = derived_frame[keep]
        frames = [f for f in (events, derived_frame) if not f.empty]
        if not frames:
            return events
        out = pd.concat(frames, ignore_index=True)
        out["date"] = pd.to_datetime(out["date"]).dt.date
        out["body_name"] = [self.name_of(b, "organisation") for b in out["body_id"]]
        order = {
            "announce_withdrawal": 0,
            "withdraw": 1,
            "leave": 2,
            "suspend": 3,
            "expel": 4,
            "join": 5,
            "rejoin": 6,
        }
        out["_order"] = out["action"].map(order).fillna(9)
        out = out.sort_values(["date", "body_id", "_order"]).drop(columns="_order")
        columns = [
            "date",
            "precision",
            "actor_id",
            "body_id",
            "body_name",
            "action",
            "kind",
            "source_id",
            "source_ref",
            "note",
        ]
        return out[columns].reset_index(drop=True)

    # -- summaries -------------------------------------------------------------------------
    def counts(self) -> pd.DataFrame:
        """How many entities and facts of each kind the registry holds, with their date ranges."""
        return self.store.query(
            """SELECT 'state' AS what, coalesce(un_status, 'unknown') AS kind, count(*) AS n,
                      min(un_admission)::TEXT AS first, max(un_admission)::TEXT AS last FROM states GROUP BY 2
               UNION ALL SELECT 'organisation', kind, count(*), min(founded), max(founded)
                      FROM organisations GROUP BY 2
               UNION ALL SELECT 'membership', kind || ' (' || source_id || ')', count(*),
                      min(start_date)::TEXT, max(coalesce(end_date, observed_to, start_date))::TEXT
                      FROM memberships GROUP BY kind, source_id
               UNION ALL SELECT 'event', action, count(*), min(date)::TEXT, max(date)::TEXT
                      FROM membership_events GROUP BY 2
               UNION ALL SELECT 'person', 'person', count(*), NULL, NULL FROM people
               UNION ALL SELECT 'alias', kind, count(*), NULL, NULL FROM aliases GROUP BY 2
               ORDER BY 1, 2"""
        )


def _empty_members() -> pd.DataFrame:
    return pd.DataFrame(
        columns=["actor_id", "name", "kind", "start_date", "end_date", "source_id", "source_ref", "note"]
    )


def _jsonable(record: dict[Any, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in record.items():
        if (
            value is None
            or (isinstance(value, float) and pd.isna(value))
            or value is pd.NA
            or value is pd.NaT
        ):
            out[str(key)] = None
        elif isinstance(value, date | pd.Timestamp):
            out[str(key)] = value.isoformat()[:10]
        elif hasattr(value, "item"):
            out[str(key)] = value.item()
        else:
            out[str(key)] = value
    return out


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return [
        _jsonable(r)
        for r in frame.drop(columns=[c for c in frame.columns if c.startswith("_")]).to_dict("records")
    ]
