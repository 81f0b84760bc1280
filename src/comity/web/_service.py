"""What the API and the pages show, read from one store and shared by both.

:class:`WebData` wraps a read-only :class:`~comity.store.Store`. DuckDB connections must not
be shared between threads, so every worker thread gets its own cursor (a connection to the
same database) and its own :class:`~comity.registry.Registry` over it; the registry's name
index is built once and shared. Everything in a read-only store is immutable while the
server runs, so results are cached (LRU) and the heavy vote computations (the votes table,
per-year agreement matrices, ideal points) are done once, on first use.
"""

from __future__ import annotations

import copy
import functools
import json
import logging
import os
import re
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from comity._output import frame_records
from comity.errors import BadInput, ComityError, UnknownActor
from comity.registry import Registry
from comity.store import Store, sha256_of
from comity.web._errors import ApiError, unavailable

__all__ = ["DOC_FACT_TYPES", "FACT_TYPES", "Page", "WebData", "paginate"]

T = TypeVar("T")
log = logging.getLogger("comity.web")
_IDEAL_CACHE_VERSION = "2"
#: Facts longer than this (characters) other than quotes are listed but not marked in the text.
_LONGEST_MARK = 160

#: Vote measures of :func:`comity.votes.alignment`, in the CLI's order.
MEASURES: tuple[str, ...] = ("agree", "lijphart", "s", "kappa", "pi")
#: Fact types the news reader stores, in the order pages show them.
#: Facts of one document as stored (``mention`` holds states and organisations).
DOC_FACT_TYPES: tuple[str, ...] = ("mention", "person", "quote", "coalition", "membership", "meeting")
FACT_TYPES: tuple[str, ...] = (
    "state",
    "organization",
    "person",
    "quote",
    "coalition",
    "membership",
    "meeting",
)
_ISO3 = re.compile(r"^[A-Z]{3}$")
_TAG = re.compile(r"<[^>]{0,200}>")
_META_LINE = re.compile(r"^(date|by|source|published|posted|updated)\b[ :]", re.IGNORECASE)


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


def _payload(value: Any) -> dict[str, Any]:
    if isinstance(value, dict):
        return value
    try:
        parsed = json.loads(value) if isinstance(value, str | bytes) else {}
    except ValueError:
        return {"value": value}
    return parsed if isinstance(parsed, dict) else {"value": parsed}


def _norm_words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.lower()))


def fact_key(fact_type: str, payload: dict[str, Any]) -> str:
    """What makes two facts of different documents the same fact (for support counts)."""
    if fact_type == "quote":
        return f"quote|{payload.get('speaker')}|{_norm_words(str(payload.get('text', '')))[:160]}"
    if fact_type == "person":
        return f"person|{_norm_words(str(payload.get('name', '')))}"
    if fact_type == "coalition":
        return f"coalition|{payload.get('org_id') or _norm_words(str(payload.get('name') or ''))}"
    if fact_type == "membership":
        return "membership|" + "|".join(str(payload.get(k)) for k in ("actor", "body", "action", "date"))
    if fact_type == "meeting":
        return f"meeting|{payload.get('body')}|{payload.get('date')}"
    for key in ("entity_id", "id", "iso3", "org_id"):
        if payload.get(key):
            return f"{fact_type}|{payload[key]}"
    return f"{fact_type}|{json.dumps(payload, sort_keys=True)}"


def fact_label(fact_type: str, payload: dict[str, Any]) -> str:
    """A one-line human reading of a fact."""
    p = payload
    if fact_type == "quote":
        return f"{p.get('speaker') or 'unknown'}: “{p.get('text', '')}”"
    if fact_type == "person":
        extra = ", ".join(str(v) for v in (p.get("role"), p.get("state")) if v)
        return f"{p.get('name')}" + (f" ({extra})" if extra else "")
    if fact_type == "coalition":
        members = ", ".join(p.get("members") or [])
        more = "" if p.get("complete", True) else ", …"
        return f"{p.get('name') or p.get('org_id')}: {members}{more}"
    if fact_type == "membership":
        return f"{p.get('actor')} {p.get('action')} {p.get('body')}" + (
            f" ({p['date']})" if p.get("date") else ""
        )
    if fact_type == "meeting":
        parts = [str(p.get("body")), str(p.get("date") or "undated")]
        if p.get("chair"):
            parts.append(f"chair {p['chair']}")
        if p.get("participants"):
            parts.append("with " + ", ".join(p["participants"]))
        return " · ".join(parts)
    for key in ("entity_id", "id", "iso3", "org_id", "name", "text"):
        if p.get(key):
            return str(p[key])
    return json.dumps(p, ensure_ascii=False)


def highlight_segments(text: str, spans: Iterable[tuple[int, int, int]]) -> list[dict[str, Any]]:
    """Cut ``text`` into plain and highlighted segments.

    ``spans`` are ``(start, end, fact_index)``; overlapping spans are merged into one
    highlighted segment that lists every fact it holds. Spans outside the text are clipped.
    """
    n = len(text)
    clean = sorted(
        (max(0, min(s, n)), max(0, min(e, n)), i) for s, e, i in spans if s is not None and e is not None
    )
    segments: list[dict[str, Any]] = []
    cursor = 0
    current: dict[str, Any] | None = None
    for start, end, index in clean:
        if end <= start:
            continue
        if current is not None and start < current["end"]:
            current["end"] = max(current["end"], end)
            current["facts"].append(index)
            continue
        if current is not None:
            segments.append(
                {
                    "start": current["start"],
                    "text": text[current["start"] : current["end"]],
                    "facts": current["facts"],
                }
            )
            cursor = current["end"]
        if start > cursor:
            segments.append({"start": cursor, "text": text[cursor:start], "facts": []})
        current = {"start": max(start, cursor), "end": end, "facts": [index]}
    if current is not None:
        segments.append(
            {
                "start": current["start"],
                "text": text[current["start"] : current["end"]],
                "facts": current["facts"],
            }
        )
        cursor = current["end"]
    if cursor < n:
        segments.append({"start": cursor, "text": text[cursor:], "facts": []})
    return segments


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
        self._lock = threading.Lock()
        #: Held while writing to the store (uploads), which only the server's own connection may do.
        self.write_lock = threading.Lock()
        self._votes: pd.DataFrame | None = None
        self._vote_error: ApiError | None = None
        self._ideal: pd.DataFrame | None = None
        self._ideal_method = ""
        self._ideal_error: ApiError | None = None
        self._ideal_thread: threading.Thread | None = None
        #: First year of the estimated ideal points (None: all years); set before the estimate starts.
        self.ideal_from: int | None = None
        #: ``dynamic`` (one random-walk fit over all years) or ``static`` (one fit per year).
        self.ideal_method = "dynamic"
        self.tables = {
            str(r[0]) for r in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        }

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

    def clear_caches(self) -> None:
        """Forget cached answers (after the store was written)."""
        rows = self.local_store().con.execute("SELECT table_name FROM duckdb_tables()").fetchall()
        self.tables = {str(r[0]) for r in rows}
        # Uploads add documents and facts only: the registry and vote caches stay valid.
        for name in ("stories", "document", "story"):
            getattr(self, name).cache_clear()

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

    @functools.lru_cache(maxsize=2048)  # noqa: B019 - one WebData per server; the store is immutable
    def actor(self, name: str, kind: str | None = None) -> dict[str, Any]:
        """What the registry knows of an actor, plus whether it is a body with members.

        ``kind`` (state, organisation, person) settles ids that two kinds share: NAM is Namibia
        and the Non-Aligned Movement, GEO Georgia and the Group on Earth Observations.
        """
        registry = self.registry()
        info = registry.show(name, types=(kind,) if kind is not None else None)
        info["url"] = self.actor_url(info["id"], info["type"])
        if info["type"] == "organisation":
            info["is_body"] = True
            info["kind"] = (info.get("record") or {}).get("kind")
        else:
            info["is_body"] = False
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

    def actor_url(self, entity_id: str, kind: str | None = None) -> str:
        """The page of an actor; ``?type=`` only where its id is shared by two kinds."""
        if entity_id in self.shared_ids and kind is not None:
            return f"/actors/{entity_id}?type={kind}"
        return f"/actors/{entity_id}"

    @functools.lru_cache(maxsize=8192)  # noqa: B019
    def link_target(self, text: str, kind: str | None = None) -> tuple[str, str] | None:
        """The (id, kind) a name in a fact stands for (so that pages can link it), or None."""
        try:
            found = self.registry().resolve(text, types=(kind,) if kind else None)
        except ComityError:
            return None
        return str(found.id), found.type

    @functools.lru_cache(maxsize=2048)  # noqa: B019
    def members(
        self, body: str, on: str | None, kinds: str | None = None, all_kinds: bool = False
    ) -> tuple[str, list[dict[str, Any]]]:
        registry = self.registry()
        org = registry.resolve(body, types=("organisation",))
        return org.id, frame_records(registry.members(org.id, on=on, kinds=kinds, all_kinds=all_kinds))

    @functools.lru_cache(maxsize=2048)  # noqa: B019
    def coverage(
        self, body: str, on: str | None, kinds: str | None = None, all_kinds: bool = False
    ) -> dict[str, Any]:
        """How complete the members list of ``body`` on ``on`` is (as ``members`` would list it)."""
        frame = self.registry().members(body, on=on, kinds=kinds, all_kinds=all_kinds)
        coverage: dict[str, Any] = frame.attrs["coverage"].as_dict()
        return coverage

    @functools.lru_cache(maxsize=2048)  # noqa: B019
    def memberships_of(
        self, actor: str, on: str | None, kind: str | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        registry = self.registry()
        who = registry.resolve(actor, types=(kind,) if kind else None)
        return who.id, frame_records(registry.memberships_of(who.id, on=on, types=(who.type,)))

    @functools.lru_cache(maxsize=2048)  # noqa: B019
    def timeline(
        self, actor: str, body: str | None, kind: str | None = None
    ) -> tuple[str, list[dict[str, Any]]]:
        registry = self.registry()
        who = registry.resolve(actor, types=(kind,) if kind else None)
        return who.id, frame_records(registry.timeline(who.id, body, types=(who.type,)))

    @functools.lru_cache(maxsize=512)  # noqa: B019
    def membership_spells(
        self, actor_id: str, *, as_body: bool = False, limit: int = 60
    ) -> list[dict[str, Any]]:
        """Membership spells for a timeline chart: of the actor in bodies, or of members in a body.

        Spells from comity's own sources outrank the bulk COW data for the same pair.
        """
        return frame_records(self.registry().spells(actor_id, as_body=as_body, limit=limit))

    # -- news ------------------------------------------------------------------------------
    def has_news(self) -> bool:
        return self.count("documents") > 0

    @functools.lru_cache(maxsize=1)  # noqa: B019
    def stories(self) -> list[dict[str, Any]]:
        """Every story with its documents' count, outlets and first date, newest first."""
        if "documents" not in self.tables:
            return []
        frame = self.query(
            """SELECT coalesce(story_id, doc_id) AS story_id, count(*) AS n_documents,
                      list(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,
                      min(published) AS first_published, max(published) AS last_published,
                      list(doc_id ORDER BY doc_id) AS doc_ids
               FROM documents GROUP BY 1 ORDER BY first_published DESC NULLS LAST, story_id"""
        )
        records = frame_records(frame)
        for record in records:
            record["outlets"] = record["outlets"] or []
            record["title"] = self._story_title(record["story_id"], record["doc_ids"])
            record["url"] = f"/stories/{record['story_id']}"
        return records

    def _story_title(self, story_id: str, doc_ids: list[str]) -> str:
        # The first line of the story's first document usually is its headline.
        row = (
            self.local_store()
            .con.execute("SELECT text FROM documents WHERE doc_id = ?", [doc_ids[0]])
            .fetchone()
        )
        if row:
            for raw_line in str(row[0]).splitlines():
                # Rewritten pages carry debris: stray tags, "date ..." and byline lines.
                line = " ".join(_TAG.sub(" ", raw_line).split())
                if len(line) > 15 and not _META_LINE.match(line):
                    return line if len(line) <= 140 else line[:140].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"
        return story_id

    def _facts_of(self, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
        if not doc_ids or "facts" not in self.tables:
            return []
        marks = ", ".join("?" for _ in doc_ids)
        frame = self.query(
            f"""SELECT doc_id, fact_type, payload, start_char, end_char, confidence, stage FROM facts
                WHERE doc_id IN ({marks}) ORDER BY doc_id, start_char NULLS LAST, fact_type""",
            list(doc_ids),
        )
        records = frame_records(frame)
        for record in records:
            record["payload"] = _payload(record["payload"])
            record["label"] = fact_label(record["fact_type"], record["payload"])
        return records

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def document(self, doc_id: str) -> dict[str, Any]:
        """One document, its facts with character spans, and its text cut into highlighted segments."""
        frame = pd.DataFrame()
        if "documents" in self.tables:
            frame = self.query(
                "SELECT doc_id, story_id, url, outlet, published, text, sha256 FROM documents "
                "WHERE doc_id = ?",
                [doc_id],
            )
        if frame.empty:
            raise self._unknown_document(doc_id)
        record = frame_records(frame)[0]
        facts = self._facts_of([doc_id])
        for index, fact in enumerate(facts):
            fact["index"] = index
        spans: list[tuple[int, int, int]] = []
        for fact in facts:
            mentions = fact["payload"].get("mentions") if fact["fact_type"] == "person" else None
            if mentions:
                # A person's span runs from first to last mention: highlight the mentions themselves.
                spans += [(int(m[0]), int(m[1]), fact["index"]) for m in mentions if len(m) == 2]
            elif fact["start_char"] is not None and (
                fact["fact_type"] == "quote" or fact["end_char"] - fact["start_char"] <= _LONGEST_MARK
            ):
                # A coalition or meeting may span a paragraph: marking it would hide the facts inside.
                spans.append((fact["start_char"], fact["end_char"], fact["index"]))
        record["facts"] = facts
        record["segments"] = highlight_segments(record["text"], spans)
        for segment in record["segments"]:
            for index in segment["facts"]:
                facts[index]["anchor"] = f"{doc_id}-at-{segment['start']}"
        return record

    def _unknown_document(self, doc_id: str) -> UnknownActor:
        ids = (
            [str(r[0]) for r in self.local_store().con.execute("SELECT doc_id FROM documents").fetchall()]
            if "documents" in self.tables
            else []
        )
        from rapidfuzz import process

        close = [m[0] for m in process.extract(doc_id, ids, limit=5, score_cutoff=50)]
        return UnknownActor(
            doc_id,
            suggestions=close,
            kind="document",
            hint="List documents at /api/documents; read new ones with `comity read`.",
        )

    def documents(self, story: str | None = None) -> list[dict[str, Any]]:
        if "documents" not in self.tables:
            return []
        where, params = ("WHERE coalesce(story_id, doc_id) = ?", [story]) if story else ("", [])
        frame = self.query(
            f"""SELECT d.doc_id, d.story_id, d.url, d.outlet, d.published, length(d.text) AS n_chars,
                       (SELECT count(*) FROM facts f WHERE f.doc_id = d.doc_id) AS n_facts
                FROM documents d {where} ORDER BY d.published NULLS LAST, d.doc_id""",
            params,
        )
        records = frame_records(frame)
        for record in records:
            record["page"] = f"/documents/{record['doc_id']}"
        return records

    @functools.lru_cache(maxsize=256)  # noqa: B019
    def story(self, story_id: str) -> dict[str, Any]:
        """A story: its documents, and its facts reconciled across them with support counts."""
        docs = self.documents(story_id)
        if not docs:
            stories = [s["story_id"] for s in self.stories()]
            from rapidfuzz import process

            close = [m[0] for m in process.extract(story_id, stories, limit=5, score_cutoff=50)]
            raise UnknownActor(
                story_id, suggestions=close, kind="story", hint="List stories at /api/stories."
            )
        doc_ids = [d["doc_id"] for d in docs]
        facts = self._facts_of(doc_ids)
        reconciled = self._reconcile_with_reader(story_id, doc_ids, facts)
        order = {t: i for i, t in enumerate(FACT_TYPES)}
        reconciled.sort(key=lambda g: (order.get(g["fact_type"], 99), -g["support"], g["label"]))
        info = next((s for s in self.stories() if s["story_id"] == story_id), None)
        return {
            "story_id": story_id,
            "title": info["title"] if info else story_id,
            "documents": docs,
            "facts": reconciled,
            "n_documents": len(docs),
        }

    def _reconcile_with_reader(
        self, story_id: str, doc_ids: list[str], facts: list[dict[str, Any]]
    ) -> list[dict[str, Any]]:
        """The news reader's own reconciliation, run on the documents rebuilt from the store."""
        from comity.news import reconcile

        news_docs = [
            self._news_doc(doc_id, [f for f in facts if f["doc_id"] == doc_id]) for doc_id in doc_ids
        ]
        story = reconcile(news_docs, story_id)
        out = []
        for fact in story.facts:
            value = fact.value if isinstance(fact.value, dict) else {"entity_id": fact.value}
            spans = [
                {"doc_id": f["doc_id"], "start_char": f["start_char"], "end_char": f["end_char"]}
                for f in facts
                if _supports(fact.fact_type, value, f)
            ]
            out.append(
                {
                    "fact_type": fact.fact_type,
                    "payload": value,
                    "label": fact_label(_STORED_TYPE.get(fact.fact_type, fact.fact_type), value),
                    "support": fact.support,
                    "documents": list(fact.doc_ids),
                    "conflict": "; ".join(fact.conflicts) or None,
                    "spans": spans,
                }
            )
        return out

    def _news_doc(self, doc_id: str, facts: list[dict[str, Any]]) -> Any:
        """A :class:`comity.news.NewsDoc` rebuilt from a stored document and its facts."""
        import dataclasses

        from comity import news

        row = (
            self.local_store()
            .con.execute(
                "SELECT text, story_id, url, outlet, published FROM documents WHERE doc_id = ?", [doc_id]
            )
            .fetchone()
        )
        text, story, url, outlet, published = row if row else ("", None, None, None, None)
        doc = news.NewsDoc(
            id=doc_id,
            raw=text,
            text=text,
            meta={"url": url, "outlet": outlet, "published": published},
            story=story,
        )
        kinds: dict[str, tuple[Any, list[Any]]] = {
            "mention": (news.Mention, doc.mentions),
            "person": (news.Person, doc.people),
            "quote": (news.Quote, doc.quotes),
            "coalition": (news.Coalition, doc.coalitions),
            "membership": (news.MembershipChange, doc.memberships),
            "meeting": (news.Meeting, doc.meetings),
        }
        for fact in facts:
            if fact["fact_type"] not in kinds:
                continue
            cls, target = kinds[fact["fact_type"]]
            given = {
                **fact["payload"],
                "start": fact["start_char"],
                "end": fact["end_char"],
                "confidence": fact["confidence"] if fact["confidence"] is not None else 1.0,
            }
            if fact["fact_type"] == "person":
                given["mentions"] = [tuple(m) for m in given.get("mentions") or []]
            names = {f.name for f in dataclasses.fields(cls)}
            try:
                target.append(cls(**{k: v for k, v in given.items() if k in names}))
            except TypeError:  # a fact stored by another version of the reader: leave it out
                continue
        return doc

    def quotes_by(self, actor_id: str, names: Sequence[str], limit: int = 50) -> list[dict[str, Any]]:
        """Quotations whose speaker is the actor (by id or any of its names), with their documents."""
        if "facts" not in self.tables or not names:
            return []
        marks = ", ".join("?" for _ in names)
        # Words of the actor itself, or of people the reader found acting for it in that document.
        frame = self.query(
            f"""WITH agents AS (
                    SELECT DISTINCT doc_id, json_extract_string(payload, '$.name') AS name FROM facts
                    WHERE fact_type = 'person' AND json_extract_string(payload, '$.state') = ?)
                SELECT f.doc_id, f.payload, f.start_char, f.end_char, f.confidence, d.outlet, d.published,
                       d.story_id
                FROM facts f JOIN documents d USING (doc_id)
                WHERE f.fact_type = 'quote'
                  AND (json_extract_string(f.payload, '$.speaker') IN ({marks})
                       OR EXISTS (SELECT 1 FROM agents a WHERE a.doc_id = f.doc_id
                                  AND a.name = json_extract_string(f.payload, '$.speaker')))
                ORDER BY d.published NULLS LAST, f.doc_id, f.start_char LIMIT ?""",
            [actor_id, *names, limit],
        )
        records = frame_records(frame)
        for record in records:
            payload = _payload(record.pop("payload"))
            record["speaker"] = payload.get("speaker")
            record["text"] = payload.get("text")
            record["document_url"] = f"/documents/{record['doc_id']}" + self._anchor(
                record["doc_id"], record["start_char"]
            )
        return records

    def _anchor(self, doc_id: str, start_char: int | None) -> str:
        for fact in self.document(doc_id)["facts"]:
            if fact["start_char"] == start_char and fact.get("anchor"):
                return "#" + str(fact["anchor"])
        return ""

    # -- votes ---------------------------------------------------------------------------------
    def _votes_function(self, name: str) -> Callable[..., Any]:
        import comity.votes

        function: Callable[..., Any] = getattr(comity.votes, name)
        return function

    def votes(self) -> pd.DataFrame:
        """The General Assembly votes of the default sources, loaded once from the store."""
        with self._lock:
            if self._vote_error is not None:
                raise self._vote_error
            if self._votes is None:
                if self.count("votes") == 0:
                    self._vote_error = unavailable(
                        "Vote analysis", "the store holds no UN votes (load them with `comity build`)."
                    )
                    raise self._vote_error
                read_votes = self._votes_function("read_votes")
                frame: pd.DataFrame = read_votes(self.local_store())
                if frame.empty:
                    self._vote_error = unavailable(
                        "Vote analysis", "the store holds no General Assembly votes."
                    )
                    raise self._vote_error
                self._votes = frame
            return self._votes

    @functools.lru_cache(maxsize=1)  # noqa: B019
    def vote_years(self) -> tuple[int, int]:
        years = self.votes()["year"]
        return int(years.min()), int(years.max())

    @functools.lru_cache(maxsize=1)  # noqa: B019
    def default_vote_year(self) -> int:
        """The latest year with a full session of roll calls (the last year of a source may hold a few)."""
        votes = self.votes()
        per_year = votes.groupby("year")["rcid"].nunique()
        full = per_year[per_year >= 30]
        return int(full.index.max() if len(full) else per_year.index.max())

    @functools.lru_cache(maxsize=1)  # noqa: B019
    def vote_states(self) -> frozenset[str]:
        return frozenset(str(s) for s in self.votes()["iso3"].unique())

    def check_states(self, states: Iterable[str]) -> list[str]:
        """Resolve names or codes of states to the ISO3 codes the vote data uses."""
        out: list[str] = []
        for name in states:
            name = name.strip()
            if not name:
                continue
            code = name.upper() if _ISO3.match(name.upper()) else self.registry().resolve_state(name)
            if code not in self.vote_states():
                raise BadInput(
                    f"{code} has no General Assembly votes in this store.",
                    hint="States are ISO3 codes or names such as USA, China, Russia.",
                )
            if code not in out:
                out.append(code)
        return out

    @functools.lru_cache(maxsize=256)  # noqa: B019
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
        _check_year(start, "--from")
        _check_year(end, "--to")
        alignment = self._votes_function("alignment")
        frame, _ = _capture(
            alignment,
            self.votes(),
            list(states) or None,
            by=by,
            issue=issue,
            reference=list(reference) or None,
            metrics=[measure],
            start=start,
            end=end,
        )
        return frame_records(frame)

    @functools.lru_cache(maxsize=128)  # noqa: B019
    def agreement(self, year: int, states: tuple[str, ...], measure: str = "agree") -> dict[str, Any]:
        """The all-pairs agreement matrix of ``states`` in ``year`` (the year's matrix is cached)."""
        matrix = self._agreement_year(year, measure)
        chosen = [s for s in states if s in matrix.index]
        sub = matrix.loc[chosen, chosen]
        values = [[None if pd.isna(v) else round(float(v), 4) for v in row] for row in sub.to_numpy()]
        missing = [s for s in states if s not in chosen]
        return {"year": year, "measure": measure, "states": chosen, "missing": missing, "matrix": values}

    @functools.lru_cache(maxsize=32)  # noqa: B019
    def _agreement_year(self, year: int, measure: str) -> pd.DataFrame:
        _check_year(year, "year")
        function = self._votes_function("agreement_matrix")
        data = self._votes_of_years(year, year)
        result, _ = _capture(function, data, year, metric=measure)
        return result  # type: ignore[no-any-return]

    def _votes_of_years(self, first: int, last: int) -> pd.DataFrame:
        votes = self.votes()
        data = votes[(votes["year"] >= first) & (votes["year"] <= last)]
        if data.empty:
            low, high = self.vote_years()
            raise BadInput(
                f"There are no General Assembly votes in {first if first == last else f'{first}-{last}'}.",
                hint=f"Pick a year between {low} and {high}.",
            )
        return data

    @functools.lru_cache(maxsize=128)  # noqa: B019
    def cohesion(
        self,
        group: str | tuple[str, ...],
        start: int | None,
        end: int | None,
        issue: str | None,
        draws: int,
        seed: int,
    ) -> list[dict[str, Any]]:
        """Cohesion per year against random groups, as ``comity votes cohesion``."""
        _check_year(start, "--from")
        _check_year(end, "--to")
        cohesion = self._votes_function("cohesion")
        frame, _ = _capture(
            cohesion,
            self.votes(),
            list(group) if isinstance(group, tuple) else group,
            start=start,
            end=end,
            issue=issue,
            n_draws=draws,
            random_state=seed,
            registry=self.registry(),
        )
        return frame_records(frame)

    @functools.lru_cache(maxsize=64)  # noqa: B019
    def blocs(
        self, year: int, resolution: float = 1.0, metric: str = "agree", seed: int = 0
    ) -> dict[str, Any]:
        """Voting blocs of ``year``, matched to those of the year before to show who moved."""
        _check_year(year, "year")
        estimator = self._votes_function("VotingBlocs")
        low, _ = self.vote_years()
        data = self._votes_of_years(max(year - 1, low), year)
        if not (data["year"] == year).any():
            raise BadInput(f"There are no General Assembly votes in {year}.", hint="Pick another year.")
        fitted, notes = _capture(estimator(resolution, metric=metric, random_state=seed).fit, data)
        blocs = fitted.blocs_[fitted.blocs_["period"] == year].sort_values(["bloc", "iso3"])
        movers = fitted.movers_[fitted.movers_["period"] == year] if len(fitted.movers_) else fitted.movers_
        stability = fitted.stability_[fitted.stability_["period"] == year] if len(fitted.stability_) else None
        return {
            "year": year,
            "blocs": frame_records(blocs),
            "movers": frame_records(movers),
            "stability": frame_records(stability)[0] if stability is not None and len(stability) else None,
            "modularity": _round_or_none(fitted.modularity_.get(year)),
            "warnings": notes,
        }

    # -- ideal points ------------------------------------------------------------------------------
    def ideal_table(self) -> pd.DataFrame:
        """Ideal points of every state and year: from the store when it has them, else estimated once.

        The estimate runs in a background thread started by :meth:`start_ideal_estimate` (it takes
        a minute or more); until it is done this raises a 503 error saying so.
        """
        if "ideal_points" in self.tables and self.count("ideal_points"):
            with self._lock:
                if self._ideal is None:
                    self._ideal = self.query("SELECT iso3, year, ideal, se, n_votes FROM ideal_points")
                    self._ideal_method = "stored"
                return self._ideal
        with self._lock:
            if self._ideal is not None:
                return self._ideal
            error = self._ideal_error
        if error is not None:
            raise error
        self.start_ideal_estimate()
        raise ApiError(
            503,
            "E503",
            "Ideal points are being estimated from the votes in this store (once per server start).",
            "Retry in a minute.",
            {"Retry-After": "30"},
        )

    def ideal_status(self) -> str:
        with self._lock:
            if self._ideal is not None:
                return f"ready ({self._ideal_method}, {len(self._ideal):,} state-years)"
            if self._ideal_error is not None:
                return f"failed: {self._ideal_error.message}"
            return "estimating" if self._ideal_thread is not None else "not started"

    def start_ideal_estimate(self) -> None:
        """Estimate the ideal point table in the background (no-op if done or running)."""
        with self._lock:
            if self._ideal is not None or self._ideal_thread is not None or self._ideal_error is not None:
                return
            thread = threading.Thread(target=self._estimate_ideal, name="comity-ideal-points", daemon=True)
            self._ideal_thread = thread
        thread.start()

    def _estimate_ideal(self) -> None:
        try:
            votes = self.votes()
            if self.ideal_from is not None:
                votes = votes[votes["year"] >= self.ideal_from]
            cache = self._ideal_cache_path()
            if cache is not None and cache.is_file():
                table, method = pd.read_parquet(cache), self.ideal_method
            else:
                import comity.votes

                table, method = _estimate_ideal_points(comity.votes, votes, self.ideal_method)
                if cache is not None:
                    _write_quietly(table, cache)
        except (ComityError, ApiError) as error:
            failure = (
                error
                if isinstance(error, ApiError)
                else ApiError(
                    503, "E503", f"Ideal points could not be estimated: {error.message}", error.hint
                )
            )
            with self._lock:
                self._ideal_error = failure
            return
        except Exception:  # a failed estimate must not take the server down
            log.exception("estimating ideal points failed")
            with self._lock:
                # The cause is in the log; clients get no detail of a bug.
                self._ideal_error = ApiError(
                    503, "E503", "Ideal points could not be estimated.", "See the server's log for the cause."
                )
            return
        with self._lock:
            self._ideal = table
            self._ideal_method = method

    def _ideal_cache_path(self) -> Path | None:
        """Where the estimate for exactly these votes is kept between server starts (None: in memory only)."""
        if self.store.path is None:
            return None
        rows = self.local_store().con.execute("SELECT name, sha256 FROM loads ORDER BY name").fetchall()
        key = sha256_of(repr(rows), self.ideal_method, str(self.ideal_from), _IDEAL_CACHE_VERSION)[:24]
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return Path(base) / "comity" / f"ideal-points-{key}.parquet"

    def ideal(self, states: Sequence[str], start: int | None, end: int | None) -> list[dict[str, Any]]:
        _check_year(start, "--from")
        _check_year(end, "--to")
        table = self.ideal_table()
        mask = table["iso3"].isin(list(states)) if states else pd.Series(True, index=table.index)
        if start is not None:
            mask &= table["year"] >= start
        if end is not None:
            mask &= table["year"] <= end
        return frame_records(table[mask].sort_values(["iso3", "year"]))


def _estimate_ideal_points(module: Any, votes: pd.DataFrame, method: str) -> tuple[pd.DataFrame, str]:
    """Ideal points per state and year: one dynamic fit over all years, or one static fit per year.

    The dynamic fit is bridged by the repeated resolutions (hand-matched and found), as
    ``comity votes ideal --dynamic`` does, so the web shows the same numbers as the CLI.
    """
    import warnings

    columns = ["iso3", "year", "ideal", "se", "n_votes"]
    dynamic = method == "dynamic"
    repeats = module.read_repeated_roll_calls(found=True) if dynamic else None
    with warnings.catch_warnings():
        # A fit that stops at max_iter still gives usable positions; the API reports the method.
        warnings.simplefilter("ignore")
        table = module.ideal_points_table(votes, dynamic=dynamic, repeats=repeats)
    return table[columns].reset_index(drop=True), "dynamic" if dynamic else "static per year"


def _write_quietly(table: pd.DataFrame, path: Path) -> None:
    # A cache that cannot be written only costs time at the next start.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        table.to_parquet(partial, index=False)
        partial.replace(path)
    except OSError as exc:
        log.warning("cannot keep the ideal points in %s: %s", path, exc)


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


#: Reconciled fact types and the stored fact type they come from.
_STORED_TYPE = {"state": "mention", "organization": "mention"}


def _supports(fact_type: str, value: dict[str, Any], stored: dict[str, Any]) -> bool:
    """Whether a stored fact is one of the statements behind a reconciled fact (to link its spans)."""
    p = stored["payload"]
    kind = stored["fact_type"]
    if fact_type in ("state", "organization"):
        return kind == "mention" and bool(p.get("entity_id") == value.get("entity_id"))
    if fact_type != kind:
        return False
    if kind == "person":
        return str(p.get("name", "")).split()[-1:] == str(value.get("name", "")).split()[-1:]
    if kind == "quote":
        a, b = _norm_words(str(p.get("text", ""))), _norm_words(str(value.get("text", "")))
        return bool(a) and (a in b or b in a)
    if kind == "coalition":
        shared = set(p.get("members") or []) & set(value.get("members") or [])
        return len(shared) >= max(1, min(len(p.get("members") or []), len(value.get("members") or [])) // 2)
    if kind == "membership":
        return all(p.get(k) == value.get(k) for k in ("actor", "body", "action"))
    if kind == "meeting":
        return bool(p.get("body") == value.get("body"))
    return False


def round_floats(records: list[dict[str, Any]], digits: int = 4) -> list[dict[str, Any]]:
    for record in records:
        for key, value in record.items():
            if isinstance(value, float) and not np.isnan(value):
                record[key] = round(value, digits)
    return records
