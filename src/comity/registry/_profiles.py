"""Actor profiles (what :meth:`Registry.show` answers), computed for every actor at once and
materialised by ``comity build``.

A profile is an actor's record, aliases, roles (people), memberships today, and for a body its
number of members and the coverage of its members list today. Computed one actor at a time that
is five to eight queries (50-150 ms for a large body); a web server that meets fifty actors in
its first second spends it computing. :func:`profiles_on` computes them for all actors in a few
set-wise queries, and :func:`materialise_profiles` stores them (table ``actor_profiles``) with the
version of the data they came from, each with the first day on which it no longer holds (the day
after which a spell or a coverage row of the actor starts or ends): :func:`stored_profile` then
answers with one indexed read as long as the data and the day allow, and ``None`` otherwise (the
caller computes).
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from comity._dates import format_partial, parse_partial_date
from comity.registry._build import FULL_KINDS
from comity.store import Store

if TYPE_CHECKING:
    from comity.registry._registry import Registry

__all__ = ["PROFILES", "materialise_profiles", "profiles_on", "stored_profile"]

#: Name of the result in the ``materialised`` table.
PROFILES = "actor_profiles"
#: Bulk sources (the COW panel) answer only for (actor, body) pairs that no source compiled for
#: comity covers: where comity has the pair's own dated record, COW's yearly rows would only blur it.
BULK_SOURCES = ("cow_igo",)
#: Which spell speaks for a member on a date: a suspension first (it is what the member is then).
KIND_ORDER = [
    "suspended",
    "permanent_seat",
    "elected_seat",
    "member",
    "party",
    "associate",
    "observer",
    "partner",
    "signatory",
]
_TABLES = {
    "state": ("states", "iso3"),
    "organisation": ("organisations", "org_id"),
    "person": ("people", "person_id"),
}
Key = tuple[str, str]


def current_spells_sql(where: str, order: str) -> str:
    """The query of the one spell that speaks for each (actor, body) pair on ``$on``, among the
    memberships that ``where`` keeps (parameters ``$bulk``, ``$order``, ``$on`` and those of
    ``where``).

    Bulk spells of a pair that comity's own sources cover are left out; of the spells left, the
    kind first in :data:`KIND_ORDER` speaks, comity's own sources before bulk ones, then the
    stored order.
    """
    return f"""
        SELECT actor_id, actor_type, body_id, kind, start_date, start_precision, end_date,
               end_precision, observed_to, source_id, source_ref, note
        FROM (SELECT *, list_contains($bulk, source_id) AS _bulk,
                     coalesce(list_position($order, kind), 100) AS _kind, rowid AS _row,
                     bool_or(NOT list_contains($bulk, source_id))
                         OVER (PARTITION BY actor_id, body_id) AS _own
              FROM memberships WHERE {where})
        WHERE (start_date IS NULL OR start_date <= $on) AND (end_date IS NULL OR end_date >= $on)
          AND NOT (_bulk AND _own)
        QUALIFY row_number() OVER (PARTITION BY actor_id, body_id ORDER BY _bulk, _kind, _row) = 1
        ORDER BY {order}"""


def _jsonable(value: Any) -> Any:
    return value.isoformat()[:10] if isinstance(value, date) else value


def _rows(store: Store, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    cursor = store.con.execute(sql, params)
    names = [d[0] for d in cursor.description or ()]
    return [dict(zip(names, map(_jsonable, row), strict=True)) for row in cursor.fetchall()]


def profiles_on(registry: Registry, on: date, only: Key | None = None) -> dict[Key, dict[str, Any]]:
    """The profile of every actor (or of ``only``, an (id, type)) on ``on``: ``show``'s answer
    without its id, type, name and matched text."""
    store = registry.store
    one = only is not None
    who = {"id": only[0] if only else None}
    profiles: dict[Key, dict[str, Any]] = {}
    for kind, (table, column) in _TABLES.items():
        if one and only is not None and only[1] != kind:
            continue
        for record in _rows(
            store, f"SELECT * FROM {table} WHERE $id IS NULL OR {column} = $id ORDER BY {column}", who
        ):
            profiles[(str(record[column]), kind)] = {"record": record}
    aliases: dict[Key, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for entity_id, entity_type, kind, alias in store.con.execute(
        "SELECT entity_id, entity_type, kind, alias FROM aliases WHERE $id IS NULL OR entity_id = $id", who
    ).fetchall():
        aliases[(str(entity_id), str(entity_type))][str(kind)].add(str(alias))
    roles: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for role in _rows(
        store,
        """SELECT person_id, role, state, org_id, start_date, end_date, source_id, source_ref FROM roles
           WHERE $id IS NULL OR person_id = $id ORDER BY person_id, start_date, rowid""",
        who,
    ):
        roles[str(role.pop("person_id"))].append(role)
    spells = _rows(
        store,
        current_spells_sql("$id IS NULL OR actor_id = $id OR body_id = $id", "actor_id, body_id"),
        {**who, "bulk": list(BULK_SOURCES), "order": KIND_ORDER, "on": on},
    )
    held: dict[str, list[dict[str, Any]]] = defaultdict(list)
    members: dict[str, int] = defaultdict(int)
    counted = {*FULL_KINDS, "suspended"}
    for spell in spells:
        held[str(spell["actor_id"])].append(
            {
                "body_id": spell["body_id"],
                "name": registry.name_of(str(spell["body_id"]), "organisation"),
                **{
                    k: spell[k] for k in ("kind", "start_date", "end_date", "source_id", "source_ref", "note")
                },
            }
        )
        if spell["kind"] in counted:
            members[str(spell["body_id"])] += 1
    coverage = {str(c["body_id"]): c for c in coverage_rows(store, on, who["id"])}
    for (entity_id, kind), profile in profiles.items():
        name = registry.name_of(entity_id, kind)
        found = aliases.get((entity_id, kind), {})
        profile["aliases"] = {k: sorted(found[k]) for k in sorted(found)}
        if kind == "person":
            profile["roles"] = roles.get(entity_id, [])
            continue
        profile["memberships_today"] = sorted(held.get(entity_id, []), key=lambda m: str(m["body_id"]))
        if kind == "organisation":
            profile["members_today"] = members.get(entity_id, 0)
            # A body that ended has no coverage rows to speak for it (few bodies: one query each).
            ended = registry._ended(entity_id, name, on) if profile["record"].get("dissolved") else None
            profile["coverage_today"] = (
                ended.as_dict() if ended is not None else coverage_of(coverage.get(entity_id), name)
            )
    return profiles


def coverage_rows(
    store: Store, on: date, body: str | None, kinds: Sequence[str] = FULL_KINDS
) -> list[dict[str, Any]]:
    """The strongest coverage row (complete, then partial; given before derived) of each body (or
    of ``body``) for ``kinds`` on ``on``: the row :meth:`Registry.coverage` answers from."""
    return _rows(
        store,
        """SELECT body_id, status, how, known_from, known_from_precision, known_to, known_to_precision,
                  source_id, source_ref, note FROM coverage
           WHERE ($id IS NULL OR body_id = $id)
             AND (known_from IS NULL OR known_from <= $on)
             AND (known_to IS NULL AND $on <= current_date OR known_to >= $on)
             AND (kind IS NULL OR list_contains($kinds, kind))
           QUALIFY row_number() OVER (
               PARTITION BY body_id
               ORDER BY CASE status WHEN 'complete' THEN 0 WHEN 'partial' THEN 1 WHEN 'unknown' THEN 2 END,
                        derived, rowid) = 1""",
        {"id": body, "on": on, "kinds": list(kinds)},
    )


def coverage_of(row: dict[str, Any] | None, name: str) -> dict[str, Any]:
    """The fields of :class:`Coverage` but the body and date, from a row of :func:`coverage_rows`
    (None: no source lists the members of the body ``name``)."""
    if row is None:
        return {
            "status": "unknown",
            "how": f"no source comity holds lists the members of {name} on this date; "
            "the rows shown are only those its sources record",
            "known_from": None,
            "known_to": None,
            "source_id": None,
            "source_ref": None,
            "note": None,
        }
    return {
        "status": str(row["status"]),
        "how": str(row["how"]),
        "known_from": format_partial(row["known_from"], row["known_from_precision"]),
        "known_to": format_partial(row["known_to"], row["known_to_precision"]),
        "source_id": str(row["source_id"]),
        "source_ref": str(row["source_ref"]),
        "note": None if row["note"] is None else str(row["note"]),
    }


def _valid_to(store: Store, on: date) -> dict[str, date]:
    """For each id, the first day after ``on`` on which a spell or a coverage row of it starts or
    ends, or it ends (a dissolved body): its profile of ``on`` holds until the day before."""
    rows = store.con.execute(
        """SELECT id, min(d) FROM (
               SELECT actor_id AS id, start_date AS d FROM memberships
               UNION ALL SELECT actor_id, end_date + 1 FROM memberships
               UNION ALL SELECT body_id, start_date FROM memberships
               UNION ALL SELECT body_id, end_date + 1 FROM memberships
               UNION ALL SELECT body_id, known_from FROM coverage
               UNION ALL SELECT body_id, known_to + 1 FROM coverage)
           WHERE d > $on GROUP BY id""",
        {"on": on},
    ).fetchall()
    until = {str(r[0]): r[1] for r in rows}
    # A body's coverage says 'ended' from the day after the end of the period it dissolved in.
    for body, dissolved in store.con.execute(
        "SELECT org_id, dissolved FROM organisations WHERE dissolved IS NOT NULL AND dissolved <> ''"
    ).fetchall():
        ended = parse_partial_date(str(dissolved)).last + timedelta(days=1)
        if ended > on and (str(body) not in until or ended < until[str(body)]):
            until[str(body)] = ended
    return until


def materialise_profiles(
    store: Store, *, force: bool = False, progress: Callable[[str], None] | None = None
) -> float:
    """Compute every actor's profile of today and store it (one transaction), unless the stored
    ones are of the store's data and still hold today. Returns the seconds it took (0 if kept)."""
    from comity.registry._registry import Registry

    say = progress or (lambda _line: None)
    today = date.today()
    version = store.data_version()
    if not force and store.result_is_fresh(PROFILES, version) and _holds(store, today):
        say("actor profiles already computed from this data")
        return 0.0
    started = time.perf_counter()
    registry = Registry.from_store(store)
    profiles = profiles_on(registry, today)
    until = _valid_to(store, today)
    with store.transaction():
        store.con.execute("DELETE FROM actor_profiles")
        store.con.executemany(
            "INSERT INTO actor_profiles VALUES (?, ?, ?, ?, ?)",
            [
                [entity_id, kind, today, until.get(entity_id), json.dumps(profile, ensure_ascii=False)]
                for (entity_id, kind), profile in profiles.items()
            ],
        )
        seconds = time.perf_counter() - started
        store.record_result(PROFILES, version, {"on": today.isoformat()}, len(profiles), seconds)
    say(f"computed {PROFILES}: {len(profiles):,} rows in {seconds:.1f} s")
    return seconds


def _holds(store: Store, today: date) -> bool:
    row = store.con.execute(
        "SELECT count(*) FROM actor_profiles WHERE valid_from > $on OR valid_to <= $on", {"on": today}
    ).fetchone()
    return row is not None and row[0] == 0 and store.count("actor_profiles") > 0


def stored_profile(store: Store, entity_id: str, entity_type: str, on: date) -> dict[str, Any] | None:
    """The stored profile of an actor if it holds on ``on`` (the caller checked that the stored
    profiles are of the store's data), else None."""
    row = store.con.execute(
        """SELECT profile FROM actor_profiles WHERE entity_id = $id AND entity_type = $type
             AND valid_from <= $on AND (valid_to IS NULL OR valid_to > $on)""",
        {"id": entity_id, "type": entity_type, "on": on},
    ).fetchone()
    if row is None:
        return None
    profile: dict[str, Any] = json.loads(row[0])
    return profile
