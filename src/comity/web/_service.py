"""The web layer's one door to the library: a store opened for the server's threads.

:class:`WebData` computes nothing of its own. Registry answers come from
:class:`comity.registry.Registry` (actor profiles as ``comity build`` stored them), news from
:mod:`comity.news`'s store views, votes from :class:`comity.votes._answers.VoteAnswers` (the
results ``comity build`` materialised, or the library's estimators where no stored result can
answer). This adapter adds the pages' addresses to the answers and keeps none: answers are cached
once, as serialised bytes, by the API (:mod:`comity.web._api`).

DuckDB connections must not be shared between threads, so every worker thread gets its own cursor
(a connection to the same database) with its own registry and vote reader over it; the registry's
name index is built once and shared.
"""

from __future__ import annotations

import copy
import functools
import threading
from collections.abc import Iterable
from typing import Any

from comity import news
from comity._output import frame_records
from comity.errors import ComityError
from comity.registry import Registry
from comity.store import Store
from comity.votes._answers import VoteAnswers

__all__ = ["WebData"]


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
        self._votes = VoteAnswers(store)
        self.n_votes = self._votes.n_votes

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

    def votes(self) -> VoteAnswers:
        """This thread's vote answers (stored results, or the library's estimators)."""
        answers: VoteAnswers | None = getattr(self._local, "votes", None)
        if answers is None:
            answers = self._votes.on(self.local_store())
            self._local.votes = answers
        return answers

    def clear_caches(self) -> None:
        """Note the tables after the store was written (uploads add documents and facts only)."""
        rows = self.local_store().con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        self.tables = {str(r[0]) for r in rows}

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

    def actor_url(self, entity_id: str, kind: str | None = None) -> str:
        """The page of an actor; ``?type=`` only where its id is shared by two kinds."""
        if kind is not None and len(self._registry.types_of(entity_id)) > 1:
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
    ) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
        """The members of ``body`` on ``on`` and how complete their list is (its coverage)."""
        registry = self.registry()
        org = registry.resolve(body, types=("organisation",))
        frame = registry.members(org.id, on=on, kinds=kinds, all_kinds=all_kinds)
        return org.id, frame_records(frame), frame.attrs["coverage"].as_dict()

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

    # -- votes (the registry resolves names of states and members of groups) ---------------------
    def check_states(self, names: Iterable[str]) -> list[str]:
        """Resolve names or codes of states to the ISO3 codes the vote data uses."""
        return self.votes().check_states(names, self.registry())

    def cohesion(
        self,
        group: str | tuple[str, ...],
        start: int | None,
        end: int | None,
        issue: str | None,
        draws: int,
        seed: int,
    ) -> list[dict[str, Any]]:
        """Cohesion per year against random groups (see :meth:`VoteAnswers.cohesion`)."""
        return self.votes().cohesion(group, start, end, issue, draws, seed, self.registry())
