"""Tables the news stages read from the registry: organisation kinds and group members.

Rules of the reader consult the registry rather than keeping their own word lists: "the
agency" refers back to an organisation whose registry kind is a UN agency or an IGO, and a list
of states named beside a group of states is that group's member list when the registry counts
every one of them among the group's members. Both tables are read once per process; a reader
without a registry (an empty one) still reads, knowing fewer kinds.
"""

from __future__ import annotations

import functools

__all__ = ["GROUP_KINDS", "group_members", "organisation_kinds"]

#: Registry kinds of organisation that are groups of states (the G7, the Quad, a Group of Friends).
GROUP_KINDS = frozenset({"group", "coalition"})


@functools.cache
def organisation_kinds() -> dict[str, tuple[str, str]]:
    """``org_id -> (kind, name)`` for every organisation of the registry (empty without one)."""
    try:
        from comity.registry import Registry

        frame = Registry.default().store.query("SELECT org_id, kind, name FROM organisations")
    except Exception:  # noqa: BLE001 - a reader without a registry still reads; it only knows fewer kinds
        return {}
    return {str(row[0]): (str(row[1]), str(row[2])) for row in frame.itertuples(index=False)}


@functools.cache
def group_members() -> dict[str, frozenset[str]]:
    """``group id -> every state ever a member`` for the registry's groups of states."""
    try:
        from comity.registry import Registry

        frame = Registry.default().store.query(
            """SELECT m.body_id, m.actor_id FROM memberships m
               JOIN organisations o ON o.org_id = m.body_id
               WHERE o.kind IN ('group', 'coalition') AND m.actor_type = 'state'"""
        )
    except Exception:  # noqa: BLE001 - as organisation_kinds
        return {}
    members: dict[str, set[str]] = {}
    for body, actor in frame.itertuples(index=False):
        members.setdefault(str(body), set()).add(str(actor))
    return {body: frozenset(states) for body, states in members.items()}
