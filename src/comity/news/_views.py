"""Read news as stored: stories, documents with their facts cut into highlighted text, quotations.

What a reader (the web pages, the API, a notebook) shows of stored news: every function takes a
:class:`~comity.store.Store` and answers plain dicts and lists, ready to serialise. Story
summaries (a story's documents and its facts reconciled across them) are computed when documents
are saved (:func:`summarise_stories`, called by :func:`~comity.news.save_documents`) and read back
by :func:`story_view`; a summary whose documents changed since is computed again on the spot.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlsplit

from comity._bibtex import misc_entry
from comity.errors import UnknownActor
from comity.store import Store, sha256_of

__all__ = [
    "DOC_FACT_TYPES",
    "FACT_TYPES",
    "document_view",
    "documents_in_store",
    "fact_label",
    "highlight_segments",
    "quotes_by",
    "stories_in_store",
    "story_view",
    "summarise_stories",
]

#: Facts of one document as stored (``mention`` holds states and organisations).
DOC_FACT_TYPES: tuple[str, ...] = ("mention", "person", "quote", "coalition", "membership", "meeting")
#: Reconciled fact types of a story, in the order pages show them.
FACT_TYPES: tuple[str, ...] = (
    "state",
    "organization",
    "person",
    "quote",
    "coalition",
    "membership",
    "meeting",
)
#: Facts longer than this (characters) other than quotes are listed but not marked in the text.
_LONGEST_MARK = 160
_TAG = re.compile(r"<[^>]{0,200}>")
_META_LINE = re.compile(r"^(date|by|source|published|posted|updated)\b[ :]", re.IGNORECASE)
#: Reconciled fact types and the stored fact type they come from.
_STORED_TYPE = {"state": "mention", "organization": "mention"}


def _tables(store: Store) -> set[str]:
    return {str(r[0]) for r in store.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}


def _records(cursor: Any) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


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


def fact_label(fact_type: str, payload: dict[str, Any]) -> str:
    """A one-line human reading of a stored fact."""
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
    # Merge overlapping spans first, then lay plain text between the merged highlights.
    merged: list[tuple[int, int, list[int]]] = []
    for start, end, index in clean:
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            first, last, facts = merged[-1]
            merged[-1] = (first, max(last, end), [*facts, index])
        else:
            merged.append((start, end, [index]))
    segments: list[dict[str, Any]] = []
    cursor = 0
    for start, end, facts in merged:
        if start > cursor:
            segments.append({"start": cursor, "text": text[cursor:start], "facts": []})
        segments.append({"start": start, "text": text[start:end], "facts": facts})
        cursor = end
    if cursor < n:
        segments.append({"start": cursor, "text": text[cursor:], "facts": []})
    return segments


def _marks(facts: Sequence[dict[str, Any]]) -> list[tuple[int, int, int]]:
    """The spans a document's text highlights: ``(start, end, index of the fact in facts)``."""
    spans: list[tuple[int, int, int]] = []
    for index, fact in enumerate(facts):
        mentions = fact["payload"].get("mentions") if fact["fact_type"] == "person" else None
        if mentions:
            # A person's span runs from first to last mention: highlight the mentions themselves.
            spans += [(int(m[0]), int(m[1]), index) for m in mentions if len(m) == 2]
        elif fact["start_char"] is not None and (
            fact["fact_type"] == "quote" or fact["end_char"] - fact["start_char"] <= _LONGEST_MARK
        ):
            # A coalition or meeting may span a paragraph: marking it would hide the facts inside.
            spans.append((fact["start_char"], fact["end_char"], index))
    return spans


def _facts_of(store: Store, doc_ids: Sequence[str]) -> list[dict[str, Any]]:
    if not doc_ids or "facts" not in _tables(store):
        return []
    marks = ", ".join("?" for _ in doc_ids)
    records = _records(
        store.con.execute(
            f"""SELECT doc_id, fact_type, payload, start_char, end_char, confidence, stage FROM facts
                WHERE doc_id IN ({marks}) ORDER BY doc_id, start_char NULLS LAST, fact_type""",
            list(doc_ids),
        )
    )
    for record in records:
        record["payload"] = _payload(record["payload"])
        record["label"] = fact_label(record["fact_type"], record["payload"])
    return records


def _unknown(store: Store, kind: str, given: str, sql: str, hint: str) -> UnknownActor:
    from rapidfuzz import process

    ids = [str(r[0]) for r in store.con.execute(sql).fetchall()]
    close = [m[0] for m in process.extract(given, ids, limit=5, score_cutoff=50)]
    return UnknownActor(given, suggestions=close, kind=kind, hint=hint)


def document_view(store: Store, doc_id: str) -> dict[str, Any]:
    """One stored document: its row, its facts (each with ``index``, ``label`` and, where marked,
    ``anchor``: the id of the highlighted segment holding it) and its text cut into ``segments``."""
    rows = []
    if "documents" in _tables(store):
        rows = _records(
            store.con.execute(
                "SELECT doc_id, story_id, url, outlet, published, text, sha256 FROM documents "
                "WHERE doc_id = ?",
                [doc_id],
            )
        )
    if not rows:
        raise _unknown(
            store,
            "document",
            doc_id,
            "SELECT doc_id FROM documents" if "documents" in _tables(store) else "SELECT NULL WHERE FALSE",
            "List documents at /api/documents; read new ones with `comity read`.",
        )
    record = rows[0]
    facts = _facts_of(store, [doc_id])
    for index, fact in enumerate(facts):
        fact["index"] = index
    record["facts"] = facts
    record["segments"] = highlight_segments(record["text"], _marks(facts))
    for segment in record["segments"]:
        for index in segment["facts"]:
            facts[index]["anchor"] = _anchor(doc_id, segment["start"])
    return record


def _anchor(doc_id: str, start: int) -> str:
    return f"{doc_id}-at-{start}"


def documents_in_store(store: Store, story: str | None = None) -> list[dict[str, Any]]:
    """Stored documents (of one story), oldest first, with their size and number of facts."""
    if "documents" not in _tables(store):
        return []
    where, params = ("WHERE coalesce(story_id, doc_id) = ?", [story]) if story else ("", [])
    return _records(
        store.con.execute(
            f"""SELECT d.doc_id, d.story_id, d.url, d.outlet, d.published, length(d.text) AS n_chars,
                       (SELECT count(*) FROM facts f WHERE f.doc_id = d.doc_id) AS n_facts
                FROM documents d {where} ORDER BY d.published NULLS LAST, d.doc_id""",
            params,
        )
    )


def stories_in_store(store: Store) -> list[dict[str, Any]]:
    """Every story with its documents' count, outlets, first and last date and title, newest first."""
    if "documents" not in _tables(store):
        return []
    records = _records(
        store.con.execute(
            """SELECT coalesce(story_id, doc_id) AS story_id, count(*) AS n_documents,
                      list(DISTINCT outlet ORDER BY outlet) FILTER (WHERE outlet IS NOT NULL) AS outlets,
                      min(published) AS first_published, max(published) AS last_published,
                      list(doc_id ORDER BY doc_id) AS doc_ids,
                      arg_min(text, doc_id) AS first_text
               FROM documents GROUP BY 1 ORDER BY first_published DESC NULLS LAST, story_id"""
        )
    )
    for record in records:
        record["outlets"] = record["outlets"] or []
        record["title"] = _title(str(record.pop("first_text") or ""), record["story_id"])
    return records


def _title(text: str, story_id: str) -> str:
    # The first line of the story's first document usually is its headline.
    for raw_line in text.splitlines():
        # Rewritten pages carry debris: stray tags, "date ..." and byline lines.
        line = " ".join(_TAG.sub(" ", raw_line).split())
        if len(line) > 15 and not _META_LINE.match(line):
            return line if len(line) <= 140 else line[:140].rsplit(" ", 1)[0].rstrip(" ,;:") + " …"
    return story_id


def _story_version(store: Store, story_id: str) -> str:
    """What a story's summary depends on: its documents' ids and texts' hashes, and their facts."""
    row = store.con.execute(
        """SELECT string_agg(d.doc_id || ':' || d.sha256 || ':' ||
                  (SELECT count(*) FROM facts f WHERE f.doc_id = d.doc_id), ',' ORDER BY d.doc_id)
           FROM documents d WHERE coalesce(d.story_id, d.doc_id) = ?""",
        [story_id],
    ).fetchone()
    return sha256_of(str(row[0] if row else ""))[:32]


def story_view(store: Store, story_id: str) -> dict[str, Any]:
    """A story: its title, documents and facts reconciled across them (support counts, spans,
    conflicts), from its stored summary when that is up to date, else computed now."""
    if "story_summaries" in _tables(store):
        row = store.con.execute(
            "SELECT source_version, summary FROM story_summaries WHERE story_id = ?", [story_id]
        ).fetchone()
        if row and str(row[0]) == _story_version(store, story_id):
            summary: dict[str, Any] = json.loads(row[1])
            return summary
    return _summarise(store, story_id)


def summarise_stories(store: Store, story_ids: Iterable[str] | None = None) -> int:
    """Compute and store the summaries of ``story_ids`` (default every story); returns how many.

    Runs inside the caller's transaction when there is one (as :func:`save_documents` does).
    """
    if "story_summaries" not in _tables(store) or "documents" not in _tables(store):
        return 0
    if story_ids is None:
        ids = [
            str(r[0])
            for r in store.con.execute("SELECT DISTINCT coalesce(story_id, doc_id) FROM documents").fetchall()
        ]
    else:
        ids = sorted(set(story_ids))
    with store.transaction():
        for story_id in ids:
            store.con.execute("DELETE FROM story_summaries WHERE story_id = ?", [story_id])
            try:
                summary = _summarise(store, story_id)
            except UnknownActor:
                continue  # no document of it is left
            store.con.execute(
                "INSERT INTO story_summaries VALUES (?, ?, ?)",
                [
                    story_id,
                    _story_version(store, story_id),
                    json.dumps(summary, ensure_ascii=False, default=str),
                ],
            )
    return len(ids)


def _summarise(store: Store, story_id: str) -> dict[str, Any]:
    docs = documents_in_store(store, story_id)
    if not docs:
        raise _unknown(
            store,
            "story",
            story_id,
            "SELECT DISTINCT coalesce(story_id, doc_id) FROM documents",
            "List stories at /api/stories.",
        )
    doc_ids = [d["doc_id"] for d in docs]
    facts = _facts_of(store, doc_ids)
    reconciled = _reconcile(store, story_id, doc_ids, facts)
    order = {t: i for i, t in enumerate(FACT_TYPES)}
    reconciled.sort(key=lambda g: (order.get(g["fact_type"], 99), -g["support"], g["label"]))
    first = store.con.execute("SELECT text FROM documents WHERE doc_id = ?", [sorted(doc_ids)[0]]).fetchone()
    for doc in docs:
        doc["published"] = None if doc["published"] is None else str(doc["published"])
    return {
        "story_id": story_id,
        "title": _title(str(first[0]) if first else "", story_id),
        "documents": docs,
        "facts": reconciled,
        "n_documents": len(docs),
    }


def _reconcile(
    store: Store, story_id: str, doc_ids: list[str], facts: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The news reader's own reconciliation, run on the documents rebuilt from the store."""
    from comity.news._stories import reconcile

    news_docs = [_news_doc(store, doc_id, [f for f in facts if f["doc_id"] == doc_id]) for doc_id in doc_ids]
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


def _news_doc(store: Store, doc_id: str, facts: list[dict[str, Any]]) -> Any:
    """A :class:`comity.news.NewsDoc` rebuilt from a stored document and its facts."""
    from comity.news import _doc as news

    row = store.con.execute(
        "SELECT text, story_id, url, outlet, published FROM documents WHERE doc_id = ?", [doc_id]
    ).fetchone()
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


def speaker_names(actor: dict[str, Any]) -> list[str]:
    """The names under which the news may quote ``actor`` (a registry record as
    :meth:`comity.registry.Registry.show` gives it): its id and name, and a person's other names."""
    names = {str(actor["id"]), str(actor["name"])}
    if actor.get("type") == "person":
        for kind, values in (actor.get("aliases") or {}).items():
            if kind in ("name", "alias"):
                names.update(str(v) for v in values)
    return sorted(names)


def outlet_label(doc: Any) -> str:
    """A document's outlet as people know it: the stored outlet, else the host of its URL, never the
    store's internal document id (an upload such as "seed-003" has neither). ``doc`` is a row or
    view of a document (a mapping), or an object with those attributes."""

    def get(key: str) -> Any:
        return doc.get(key) if isinstance(doc, dict) else getattr(doc, key, None)

    meta = get("meta") or {}
    name = get("outlet") or (meta.get("outlet") if isinstance(meta, dict) else None)
    if name:
        return str(name)
    url = get("url") or (meta.get("url") if isinstance(meta, dict) else None)
    host = urlsplit(str(url)).hostname if url else None
    return host.removeprefix("www.") if host else "outlet not given"


def document_bibtex(doc: dict[str, Any]) -> str:
    """A BibTeX entry citing a news document as its outlet published it (a row of
    :func:`documents_in_store`): outlet, address and date; the text itself is the publisher's."""

    return misc_entry(
        re.sub(r"[^A-Za-z0-9_-]", "-", str(doc["doc_id"])),
        organization=outlet_label(doc),
        url=doc.get("url"),
        date=doc.get("published"),
        note=f"News document {doc['doc_id']}, read by comity",
    )


def quotes_by(
    store: Store, actor_id: str, names: Sequence[str], *, limit: int = 50, offset: int = 0
) -> tuple[list[dict[str, Any]], int]:
    """Quotations whose speaker is the actor (by id or any of ``names``), or a person the reader
    found acting for it in that document; one page of them (oldest first) and the total.

    Each row has doc_id, speaker, text, start_char, end_char, confidence, outlet, published,
    story_id and ``anchor``: the id of the highlighted segment of the document that holds it
    (computed for the rows of the page only).
    """
    tables = _tables(store)
    if "facts" not in tables or "documents" not in tables or not names:
        return [], 0
    marks = ", ".join("?" for _ in names)
    matching = f"""WITH agents AS (
            SELECT DISTINCT doc_id, json_extract_string(payload, '$.name') AS name FROM facts
            WHERE fact_type = 'person' AND json_extract_string(payload, '$.state') = ?)
        SELECT f.doc_id, f.payload, f.start_char, f.end_char, f.confidence, d.outlet, d.published, d.story_id
        FROM facts f JOIN documents d USING (doc_id)
        WHERE f.fact_type = 'quote'
          AND (json_extract_string(f.payload, '$.speaker') IN ({marks})
               OR EXISTS (SELECT 1 FROM agents a WHERE a.doc_id = f.doc_id
                          AND a.name = json_extract_string(f.payload, '$.speaker')))"""
    params = [actor_id, *names]
    total_row = store.con.execute(f"SELECT count(*) FROM ({matching})", params).fetchone()
    total = int(total_row[0]) if total_row else 0
    rows = _records(
        store.con.execute(
            f"{matching} ORDER BY d.published NULLS LAST, f.doc_id, f.start_char LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
    )
    anchors = _anchors_of({r["doc_id"] for r in rows}, store)
    for record in rows:
        payload = _payload(record.pop("payload"))
        record["speaker"] = payload.get("speaker")
        record["text"] = payload.get("text")
        record["anchor"] = anchors.get((record["doc_id"], record["start_char"]))
    return rows, total


def _anchors_of(doc_ids: set[str], store: Store) -> dict[tuple[str, int | None], str]:
    """(doc_id, start_char) of each marked fact -> its segment's anchor, for the given documents."""
    out: dict[tuple[str, int | None], str] = {}
    if not doc_ids:
        return out
    ids = sorted(doc_ids)
    facts = _facts_of(store, ids)
    marks = ", ".join("?" for _ in ids)
    lengths = dict(
        store.con.execute(
            f"SELECT doc_id, length(text) FROM documents WHERE doc_id IN ({marks})", ids
        ).fetchall()
    )
    for doc_id in ids:
        own = [f for f in facts if f["doc_id"] == doc_id]
        # Segments depend on the text's length only (spans are clipped to it), not on its words.
        segments = highlight_segments(" " * int(lengths.get(doc_id) or 0), _marks(own))
        for segment in segments:
            for index in segment["facts"]:
                out.setdefault((doc_id, own[index]["start_char"]), _anchor(doc_id, segment["start"]))
    return out
