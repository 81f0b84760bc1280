"""Queries on the registry: who is who, who belongs to what, on any date, with sources."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

if TYPE_CHECKING:
    from comity.data._manifest import Citation

from comity._bibtex import misc_entry
from comity._dates import format_partial, parse_date, parse_partial_date
from comity.errors import AmbiguousName, BadDate, BadInput, UnknownActor
from comity.registry._build import (
    FULL_KINDS,
    MEMBERSHIP_KINDS,
    OTHER_KINDS,
    build_registry_cached,
)
from comity.registry._names import normalise_name
from comity.registry._profiles import (
    BULK_SOURCES,
    KIND_ORDER,
    PROFILES,
    coverage_of,
    coverage_rows,
    current_spells_sql,
    profiles_on,
    stored_profile,
)
from comity.store import Store

__all__ = ["Actor", "Coverage", "Registry", "SearchHit"]

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
# Capitals and metonyms name a state only where no name or alias matches ('Brussels' is the EU).
_WEAK_KINDS = frozenset({"capital", "government", "cow_code"})
# Codes match a search only whole: 'ch' is Switzerland's code, not a part of 'china'.
_WHOLE_ONLY_KINDS = frozenset({"code", "cow_code"})


@dataclass(frozen=True)
class Actor:
    """A state, organisation or person of the registry, as a name resolved to it."""

    id: str
    type: str
    name: str
    matched: str | None = None
    match_kind: str | None = None
    #: Other actors the same name fits ('Congo': COD besides COG), as (id, name); empty if none.
    alternatives: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Coverage:
    """How far a body's membership on a date is known: ``complete``, ``partial`` or ``unknown``,
    or ``ended`` for a date after the body ended (its dissolution or termination, ``known_to``).

    ``how`` and the source say where the answer comes from; ``known_from``/``known_to`` bound the
    period that source covers (``None``: open).
    """

    body_id: str
    on: date
    status: str
    how: str
    known_from: str | None = None
    known_to: str | None = None
    source_id: str | None = None
    source_ref: str | None = None
    note: str | None = None

    @property
    def complete(self) -> bool:
        return self.status == "complete"

    def summary(self) -> str:
        """One line for a table footer."""
        span = f"{self.known_from or '…'} to {self.known_to or 'today'}"
        if self.status == "unknown":
            text = f"coverage: unknown on {self.on.isoformat()}: {self.how}"
        elif self.status == "ended":
            text = f"coverage: ended ({self.how}; source {self.source_id})"
        else:
            text = f"coverage: {self.status} ({self.how}; {span}; source {self.source_id})"
        return text + (f"; {self.note}" if self.note else "")

    def as_dict(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "how": self.how,
            "known_from": self.known_from,
            "known_to": self.known_to,
            "source_id": self.source_id,
            "source_ref": self.source_ref,
            "note": self.note,
        }


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
    #: Names longer than three characters: the only ones matched by prefix or fuzzily.
    long_choices: list[str] = field(default_factory=list)


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
        self._states: list[tuple[str, str, bool, str | None, str | None]] | None = None
        #: Whether the store's actor profiles are of its data (None: not checked yet).
        self._profiles_fresh: bool | None = None
        self._sources: dict[str, dict[str, str | None]] | None = None

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
                build_registry_cached(store)
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
            index.long_choices = [c for c in index.choices if len(c) > 3]
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
        self,
        name: str,
        *,
        on: str | date | None = None,
        types: tuple[str, ...] | None = None,
        strict: bool = False,
    ) -> Actor:
        """The state, organisation or person that ``name`` stands for.

        Ids, names, aliases, acronyms, demonyms and capitals all work, case-insensitively.
        A bare id that is both a state's and a body's (NAM) means the state unless ``types``
        says otherwise. Where a name fits several actors ('Congo', 'Korea', 'Guinea'), the best
        guess is returned with the others in ``alternatives``; with ``strict`` it raises
        :class:`~comity.errors.AmbiguousName` listing them instead. Raises
        :class:`~comity.errors.UnknownActor` with the closest matches for a name it does not know.
        """
        found = self.candidates(name, on=on, types=types)
        if not found:
            text = str(name).strip()
            kind = " or ".join(types) if types else "state, organisation or person"
            raise UnknownActor(text, suggestions=self.suggest(text, types=types), kind=kind)
        if strict and len(found) > 1:
            raise AmbiguousName(str(name).strip(), [(a.id, a.name) for a in found])
        best = found[0]
        others = tuple((a.id, a.name) for a in found[1:])
        return Actor(best.id, best.type, best.name, best.matched, best.match_kind, others)

    def candidates(
        self, name: str, *, on: str | date | None = None, types: tuple[str, ...] | None = None
    ) -> list[Actor]:
        """Every actor ``name`` fits, the best guess first; empty if it fits none.

        An id fits one actor. A name fits every actor it is a name or alias of (capitals and
        metonyms count only where nothing else matches), and a state's name also fits the other
        current states whose common name contains it as whole words ('Sudan': South Sudan;
        'Guinea': Guinea-Bissau, Equatorial Guinea, Papua New Guinea). States that no longer
        exist are left out unless nothing else fits, or they existed on ``on``.
        """
        text = str(name).strip()
        direct = self._by_id(text, types)
        if direct is not None:
            return [direct]
        norm = normalise_name(text)
        hits = [c for c in self._alias_index().by_norm.get(norm, []) if types is None or c[1] in types]
        if not hits:
            return []
        strong = [c for c in hits if c[2] not in _WEAK_KINDS]
        hits = strong or hits
        when = parse_date(on) if on is not None else None
        best: dict[tuple[str, str], tuple[str, str, str, str]] = {}
        for hit in sorted(hits, key=lambda c: self._rank(c, when)):
            best.setdefault((hit[0], hit[1]), hit)
        ranked = list(best.values())
        if any(c[1] == "state" for c in ranked):
            present = set(best)
            for iso3 in self._states_named_within(norm):
                if (iso3, "state") not in present:
                    ranked.append((iso3, "state", "contains", self.name_of(iso3, "state")))
        alive = [c for c in ranked if self._existed(c, when)]
        ranked = alive or ranked
        return [
            Actor(c[0], c[1], self.name_of(c[0], c[1]), text if c[2] != "contains" else None, c[2])
            for c in ranked
        ]

    def _state_names(self) -> list[tuple[str, str, bool, str | None, str | None]]:
        if self._states is None:
            rows = self.store.con.execute(
                "SELECT iso3, name_short, historical, exists_from, exists_to FROM states"
            ).fetchall()
            # 'Hong Kong, China': what follows a comma qualifies the name, it is not part of it.
            self._states = [
                (str(iso3), normalise_name(str(short).split(",")[0]), bool(historical), start, end)
                for iso3, short, historical, start, end in rows
            ]
        return self._states

    def _states_named_within(self, norm: str) -> list[str]:
        """Current states whose common name holds ``norm`` as whole words ('south sudan')."""
        words = f" {norm} "
        return [
            iso3
            for iso3, short, historical, _, _ in self._state_names()
            if not historical and short != norm and words in f" {short} "
        ]

    def _existed(self, candidate: tuple[str, str, str, str], when: date | None) -> bool:
        if candidate[1] != "state":
            return True
        for iso3, _, historical, start, end in self._state_names():
            if iso3 == candidate[0]:
                if when is None:
                    return not historical
                return (not start or str(start)[:4] <= str(when.year)) and (
                    not end or str(end)[:4] >= str(when.year)
                )
        return True

    def _rank(self, candidate: tuple[str, str, str, str], when: date | None) -> tuple[int, int, int, str]:
        entity_id, entity_type, kind, _ = candidate
        existed = 0 if self._existed(candidate, when) else 1
        return (existed, _KIND_RANK.get(kind, 9), _TYPE_RANK.get(entity_type, 9), entity_id)

    def resolve_state(self, name: str, *, on: str | date | None = None) -> str:
        """The ISO3 code of the state ``name`` stands for."""
        return self.resolve(name, on=on, types=("state",)).id

    def suggest(self, text: str, *, types: tuple[str, ...] | None = None, limit: int = 5) -> list[str]:
        """Close matches for an unknown name, as 'Name (ID)'."""
        index = self._alias_index()
        hits = process.extract(
            normalise_name(text), index.long_choices, scorer=fuzz.WRatio, limit=limit * 4, score_cutoff=60
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
        """Names, aliases, demonyms and capitals that match, start like or resemble ``query``.

        Ranked in tiers: a whole name or alias (100), a name that starts with the query (90), a
        name with a word that starts with it (80), then fuzzy matches (at most 75, so never above
        a real match). Codes and other names of three letters or fewer match only whole, so
        'china' does not find Switzerland by its code CH. Scores are rounded to one decimal.
        """
        norm = normalise_name(query)
        if not norm:
            return []
        index = self._alias_index()
        scored: dict[tuple[str, str], tuple[float, int, SearchHit]] = {}

        def add(choice: str, score: float) -> None:
            for entity_id, entity_type, kind, alias in index.by_norm[choice]:
                if score < 100 and (kind in _WHOLE_ONLY_KINDS or len(choice) <= 3):
                    continue
                hit = SearchHit(
                    entity_id,
                    entity_type,
                    self.name_of(entity_id, entity_type),
                    alias,
                    kind,
                    round(score, 1),
                )
                key = (entity_id, entity_type)
                rank = _KIND_RANK.get(kind, 9)
                if key not in scored or (score, -rank) > (scored[key][0], -scored[key][1]):
                    scored[key] = (score, rank, hit)

        if norm in index.by_norm:
            add(norm, 100.0)
        word = f" {norm}"
        for choice in index.long_choices:
            if choice == norm:
                continue
            if choice.startswith(norm):
                add(choice, 90.0)
            elif word in f" {choice}":
                add(choice, 80.0)
        if len(scored) < limit and len(norm) > 3:
            for choice, score, _ in process.extract(
                norm, index.long_choices, scorer=fuzz.WRatio, limit=limit * 3, score_cutoff=80
            ):
                add(choice, min(75.0, float(score) * 0.75))
        ranked = sorted(scored.values(), key=lambda t: (-t[0], t[1], _TYPE_RANK.get(t[2].type, 9), t[2].id))
        return [t[2] for t in ranked[:limit]]

    def gazetteer(self) -> pd.DataFrame:
        """Every surface form of every entity: alias, entity_id, entity_type, kind."""
        return self.store.query(
            "SELECT alias, entity_id, entity_type, kind FROM aliases ORDER BY entity_type, entity_id, alias"
        )

    # -- entities --------------------------------------------------------------------------
    def show(self, name: str, *, types: tuple[str, ...] | None = None) -> dict[str, Any]:
        """Everything the registry knows of one actor, as a JSON-ready dict.

        Raises :class:`~comity.errors.AmbiguousName`, listing the candidates, where the name
        fits several actors ('Congo'): give the id of the one meant.
        """
        actor = self.resolve(name, types=types, strict=True)
        info: dict[str, Any] = {"id": actor.id, "type": actor.type, "name": actor.name}
        if actor.matched and actor.match_kind != "id":
            info["matched"] = {"text": actor.matched, "as": actor.match_kind}
        today = date.today()
        profile = self._stored_profile(actor.id, actor.type, today)
        if profile is None:
            profile = profiles_on(self, today, only=(actor.id, actor.type))[(actor.id, actor.type)]
        info.update(profile)
        return info

    def _stored_profile(self, entity_id: str, entity_type: str, on: date) -> dict[str, Any] | None:
        """The profile ``comity build`` stored, while it is of this store's data and holds on ``on``."""
        if self._profiles_fresh is None:
            self._profiles_fresh = self.store.result_is_fresh(PROFILES, self.store.data_version())
        return stored_profile(self.store, entity_id, entity_type, on) if self._profiles_fresh else None

    # -- memberships -----------------------------------------------------------------------
    def members(
        self,
        body: str,
        *,
        on: str | date | None = None,
        kinds: str | tuple[str, ...] | list[str] | None = None,
        all_kinds: bool = False,
    ) -> pd.DataFrame:
        """The members of ``body`` on a date (today by default), one row per member.

        By default the full members: kinds ``member``, ``party``, ``permanent_seat`` and
        ``elected_seat``. ``kinds`` adds others (``observer``, ``partner``, ``signatory``,
        ``associate``; a list or a comma-separated string) and ``all_kinds`` adds them all. A
        member whose suspension covers the date is listed with kind ``suspended``.
        ``on="founding"`` asks for the founding members: those on the last day of the period the
        founding date names ('2021-03' -> 2021-03-31).

        Columns: actor_id, name, kind, start, end (each at its own precision: '2004', '2021-03',
        '1971-10-25'), start_date, end_date, source_id, source_ref, note. How complete the list is
        on that date is in ``frame.attrs["coverage"]`` (a :class:`Coverage`; see :meth:`coverage`).
        """
        org = self.resolve(body, types=("organisation",))
        when = self._on(org.id, on)
        asked = set(FULL_KINDS) | set(self._other_kinds(kinds, all_kinds))
        rows = self._spells_on("body_id", org.id, when)
        coverage = self.coverage(org.id, on=when, kinds=tuple(sorted(asked)))
        if rows.empty:
            out = _empty_members()
            out.attrs["coverage"] = coverage
            return out
        rows = rows[rows["kind"].isin(asked | {"suspended"})].copy()
        rows["name"] = [self.name_of(a, t) for a, t in zip(rows["actor_id"], rows["actor_type"], strict=True)]
        rows["start"] = [
            _precise(d, p) for d, p in zip(rows["start_date"], rows["start_precision"], strict=True)
        ]
        rows["end"] = [_precise(d, p) for d, p in zip(rows["end_date"], rows["end_precision"], strict=True)]
        out = rows[_MEMBER_COLUMNS].sort_values("actor_id").reset_index(drop=True)
        out.attrs["coverage"] = coverage
        return out

    def _on(self, body_id: str, on: str | date | None) -> date:
        if on is not None and not isinstance(on, date) and str(on).strip().lower() == "founding":
            return self.founding_date(body_id)
        return parse_date(on, what="--on date")

    @staticmethod
    def _other_kinds(kinds: str | tuple[str, ...] | list[str] | None, all_kinds: bool) -> tuple[str, ...]:
        if all_kinds:
            return OTHER_KINDS
        if kinds is None:
            return ()
        asked = [k.strip() for k in (kinds.split(",") if isinstance(kinds, str) else kinds) if k.strip()]
        unknown = [k for k in asked if k not in MEMBERSHIP_KINDS]
        if unknown:
            raise BadInput(
                f"unknown membership kind(s): {', '.join(unknown)}.",
                hint=f"Kinds are {', '.join(FULL_KINDS + OTHER_KINDS)} (suspended members are always shown).",
            )
        return tuple(asked)

    def coverage(
        self, body: str, *, on: str | date | None = None, kinds: tuple[str, ...] | None = None
    ) -> Coverage:
        """How completely comity knows the members of ``body`` on a date (today by default).

        The answer is the strongest (complete, then partial) of the coverage rows that span the
        date and apply to one of ``kinds`` (default: the full-member kinds). A row without an end
        runs to today: a date after today is not covered by it. Without any such row the status is
        ``unknown``: the members listed are then only those some source happens to record. After
        the body ended (``dissolved`` in ``organisations.csv``), on a date no membership spell covers,
        the status is ``ended``.
        """
        org = self.resolve(body, types=("organisation",))
        when = self._on(org.id, on)
        ended = self._ended(org.id, org.name, when)
        if ended is not None:
            return ended
        rows = coverage_rows(self.store, when, org.id, kinds or FULL_KINDS)
        return Coverage(org.id, when, **coverage_of(rows[0] if rows else None, org.name))

    def _ended(self, body_id: str, name: str, when: date) -> Coverage | None:
        """The coverage of a body on a date after it ended (dissolved, terminated), else None."""
        row = self.store.con.execute(
            "SELECT dissolved, source_id, source_ref FROM organisations WHERE org_id = ?", [body_id]
        ).fetchone()
        if row is None or not row[0] or when <= parse_partial_date(str(row[0])).last:
            return None
        # A spell past the end is a source's word that the body lived on in some form (Russia
        # suspended from the G8 to 2017, a Correlates of War year rounded to 31 December).
        spell = self.store.con.execute(
            """SELECT 1 FROM memberships WHERE body_id = ? AND (start_date IS NULL OR start_date <= ?)
                 AND (end_date IS NULL OR end_date >= ?) LIMIT 1""",
            [body_id, when, when],
        ).fetchone()
        if spell is not None:
            return None
        return Coverage(
            body_id,
            when,
            "ended",
            f"{name} ended on {row[0]}: it has no members after that date",
            known_to=str(row[0]),
            source_id=str(row[1]),
            source_ref=str(row[2]),
        )

    def coverage_table(self) -> pd.DataFrame:
        """Every body's coverage rows (from ``coverage.csv`` and those the build derives)."""
        frame = self.store.query("SELECT * FROM coverage ORDER BY body_id, known_from NULLS FIRST, kind")
        frame["known_from"] = [
            _precise(d, p) for d, p in zip(frame["known_from"], frame["known_from_precision"], strict=True)
        ]
        frame["known_to"] = [
            _precise(d, p) for d, p in zip(frame["known_to"], frame["known_to_precision"], strict=True)
        ]
        return frame.drop(columns=["known_from_precision", "known_to_precision"])

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
        rows = self._spells_on("actor_id", who.id, when)[
            ["body_id", "kind", "start_date", "end_date", "source_id", "source_ref", "note"]
        ]
        if rows.empty:
            return rows.assign(name=pd.Series(dtype=str))
        rows.insert(1, "name", [self.name_of(b, "organisation") for b in rows["body_id"]])
        return rows.reset_index(drop=True)

    def _spells_on(self, column: str, entity_id: str, when: date) -> pd.DataFrame:
        """The one spell that speaks for each pair of ``entity_id`` (an actor or, with
        ``column="body_id"``, a body) on ``when`` (see :func:`current_spells_sql`), in one query,
        sorted by the other side's id."""
        other = {"actor_id": "body_id", "body_id": "actor_id"}[column]
        return self.store.query(
            current_spells_sql(f"{column} = $id", other),
            {"bulk": list(BULK_SOURCES), "order": KIND_ORDER, "id": entity_id, "on": when},
        )

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
        frame["_bulk"] = frame["source_id"].isin(BULK_SOURCES)
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

        Recorded events (join, rejoin, notify_withdrawal, announce_withdrawal,
        rescind_withdrawal, withdraw, suspend, reinstate, expel) come from comity's sources; where
        a membership spell's start or end has no recorded event, it is shown as ``join`` or
        ``leave`` with the spell's source.
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
            spells["_bulk"] = spells["source_id"].isin(BULK_SOURCES)
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
            # One join of the boundaries with the recorded events of the same body, not one scan of
            # the events per boundary (a state with hundreds of spells took most of a second).
            recorded = pd.DataFrame(
                {"body_id": events["body_id"], "_recorded": pd.to_datetime(events["date"])}
            )
            boundaries = pd.DataFrame(
                {
                    "_row": np.arange(len(derived_frame)),
                    "body_id": derived_frame["body_id"].to_numpy(),
                    "_date": pd.to_datetime(derived_frame["date"].astype(str)).to_numpy(),
                }
            )
            pairs = boundaries.merge(recorded, on="body_id")
            near = (pairs["_recorded"] - pairs["_date"]).abs() <= pd.Timedelta(days=366)
            derived_frame = derived_frame[~np.isin(boundaries["_row"], pairs.loc[near, "_row"])]
        frames = [f for f in (events, derived_frame) if not f.empty]
        if not frames:
            return events
        out = pd.concat(frames, ignore_index=True)
        out["date"] = pd.to_datetime(out["date"]).dt.date
        out["body_name"] = [self.name_of(b, "organisation") for b in out["body_id"]]
        order = {
            "announce_withdrawal": 0,
            "notify_withdrawal": 1,
            "rescind_withdrawal": 2,
            "withdraw": 3,
            "leave": 4,
            "suspend": 5,
            "reinstate": 6,
            "expel": 7,
            "join": 8,
            "rejoin": 9,
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

    # -- sources ---------------------------------------------------------------------------
    def sources(self) -> dict[str, dict[str, str | None]]:
        """The registry's sources by id (title, url, licence), as the store's ``sources`` table
        holds them."""
        if self._sources is None:
            rows = self.store.con.execute("SELECT source_id, title, url, licence FROM sources").fetchall()
            self._sources = {str(r[0]): {"title": r[1], "url": r[2], "licence": r[3]} for r in rows}
        return self._sources

    def cite_sources(self, source_ids: list[str] | tuple[str, ...]) -> list[Citation]:
        """References to cite for registry sources (``sources.source_id``), each once, from the
        store's ``sources`` table (title, address, licence); an unknown id is a :class:`BadInput`."""
        from comity.data._manifest import Citation

        wanted = list(dict.fromkeys(source_ids))
        if not wanted:
            return []
        marks = ", ".join("?" for _ in wanted)
        rows = self.store.con.execute(
            f"SELECT source_id, title, url, licence FROM sources WHERE source_id IN ({marks})", wanted
        ).fetchall()
        found = {str(r[0]): r for r in rows}
        unknown = [s for s in wanted if s not in found]
        if unknown:
            raise BadInput(
                f"unknown registry source(s) {', '.join(unknown)}.",
                hint="Source ids are those of the source_id column of registry rows.",
            )
        out = []
        for source_id in wanted:
            _, title, url, licence = found[source_id]
            title_text = str(title or source_id)
            text = title_text + (f". {url}" if url else "") + (f" (licence: {licence})" if licence else "")

            bibtex = misc_entry(
                f"comity-source-{source_id}",
                title=title_text,
                url=url,
                note=f"Licence: {licence}" if licence else None,
            )
            out.append(Citation(key=f"source:{source_id}", text=text, bibtex=bibtex))
        return out

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


_MEMBER_COLUMNS = [
    "actor_id",
    "name",
    "kind",
    "start",
    "end",
    "start_date",
    "end_date",
    "source_id",
    "source_ref",
    "note",
]


def _empty_members() -> pd.DataFrame:
    return pd.DataFrame(columns=_MEMBER_COLUMNS)


def _precise(value: Any, precision: Any) -> str | None:
    """A stored date at its own precision ('2004'), or None."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return format_partial(value, None if precision is None or pd.isna(precision) else str(precision))
