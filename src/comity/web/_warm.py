"""Warming a store before the server answers: each kind of query the pages make, run once."""

from __future__ import annotations

import contextlib
import logging
import time

from comity.errors import ComityError
from comity.votes._cohesion import DEFAULT_SEED
from comity.votes._stored import DEFAULT_DRAWS
from comity.web._errors import ApiError
from comity.web._service import WebData

__all__ = ["warm"]

log = logging.getLogger("comity.web")
#: One actor of each kind: the organisation with most members reads the most of the membership tables.
_WARM_ACTORS = (
    ("state", "states", "SELECT iso3 FROM states ORDER BY iso3 LIMIT 1"),
    (
        "organisation",
        "memberships",
        "SELECT body_id FROM memberships GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1",
    ),
    ("person", "roles", "SELECT person_id FROM roles GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1"),
)


def warm(data: WebData) -> None:
    """Run each kind of query the pages and API make once, on one actor of each kind, one story
    and the stored vote results, keeping no answer: the first visitors then do not pay for DuckDB
    reading the tables' blocks and indexes into memory, nor for first-call code paths (pandas
    conversions, the registry's name lookups). Run at start and before a new snapshot is swapped in."""
    started = time.perf_counter()
    con = data.local_store().con
    for kind, table, sql in _WARM_ACTORS:
        row = con.execute(sql).fetchone() if table in data.tables else None
        if row is None:
            continue
        with contextlib.suppress(ComityError, ApiError):
            info = data.actor(str(row[0]), kind)
            data.timeline(info["id"], None, kind)
            data.membership_spells(info["id"], as_body=info["is_body"])
            if info["is_body"]:
                data.members(info["id"], None)
            data.quotes_by(info, limit=1)
    if data.has_news():
        with contextlib.suppress(ComityError, ApiError, IndexError):
            story = data.stories()[0]["story_id"]
            doc = data.story(story)["documents"][0]["doc_id"]
            data.document(doc)
    votes = data.votes()
    if votes.n_votes and votes.stored.has("vote_dyads"):
        with contextlib.suppress(ComityError, ApiError):
            year = votes.default_year()
            states = tuple(sorted(votes.states()))[:3]
            votes.alignment(states, (), "year", None, None, None, "agree")
            votes.agreement(year, states)
            votes.ideal(states, None, None)
            votes.blocs(year)
            groups = (votes.stored.info("group_cohesion") or {}).get("params", {}).get("groups", [])
            if groups:
                data.cohesion(groups[0], None, None, None, DEFAULT_DRAWS, DEFAULT_SEED)
    log.info("store warmed in %.2f s", time.perf_counter() - started)
