"""Storing read documents and their facts in the store, with provenance.

Each document is one row of ``documents``; each fact (mention, person, quote, coalition,
membership, meeting) one row of ``facts`` with its character span in the document's *raw* text
(as published) and the stage that found it. :func:`save_documents` replaces a document's
previous facts in the same transaction, so reading a document again changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from comity.news._doc import NewsDoc
from comity.store import Store, sha256_of

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

__all__ = ["document_facts", "document_row", "save_documents", "save_tables", "set_stories"]

_FACT_COLUMNS = ("doc_id", "fact_type", "payload", "start_char", "end_char", "confidence", "stage")


def _raw(doc: NewsDoc, start: int, end: int) -> tuple[int, int]:
    return doc.raw_span(start, end)


def document_facts(doc: NewsDoc) -> Iterator[tuple[Any, ...]]:
    """The ``facts`` rows of one document: (doc_id, fact_type, payload, start, end, confidence, stage).

    Spans are offsets in ``doc.raw``; every payload carries ``source_id`` (the document id) and
    ``source_ref`` (``chars START-END``).
    """

    def row(
        fact_type: str, payload: dict[str, Any], start: int, end: int, confidence: float, stage: str
    ) -> tuple[Any, ...]:
        raw_start, raw_end = _raw(doc, start, end)
        payload = {**payload, "source_id": doc.id, "source_ref": f"chars {raw_start}-{raw_end}"}
        return (
            doc.id,
            fact_type,
            json.dumps(payload, ensure_ascii=False),
            raw_start,
            raw_end,
            confidence,
            stage,
        )

    for mention in doc.mentions:
        payload: dict[str, Any] = {
            "entity_id": mention.entity_id,
            "entity_type": mention.entity_type,
            "kind": mention.kind,
            "text": mention.text,
        }
        yield row("mention", payload, mention.start, mention.end, mention.confidence, "comity.actors.v1")
    for person in doc.people:
        spans = person.mentions or [(0, 0)]
        start = min(s for s, _ in spans)
        end = max(e for _, e in spans)
        payload = {
            "name": person.name,
            "state": person.state,
            "role": person.role,
            "mentions": [list(doc.raw_span(s, e)) for s, e in person.mentions],
        }
        yield row("person", payload, start, end, person.confidence, "comity.people.v1")
    for quote in doc.quotes:
        raw_start, raw_end = doc.raw_span(quote.start, quote.end)
        payload = {"speaker": quote.speaker, "text": doc.raw[raw_start:raw_end].strip()}
        yield row("quote", payload, quote.start, quote.end, quote.confidence, "comity.quotes.v1")
    for coalition in doc.coalitions:
        payload = {k: v for k, v in asdict(coalition).items() if k not in ("start", "end", "confidence")}
        yield row(
            "coalition", payload, coalition.start, coalition.end, coalition.confidence, "comity.coalitions.v1"
        )
    for change in doc.memberships:
        payload = {k: v for k, v in asdict(change).items() if k not in ("start", "end", "confidence")}
        yield row("membership", payload, change.start, change.end, change.confidence, "comity.memberships.v1")
    for meeting in doc.meetings:
        payload = {k: v for k, v in asdict(meeting).items() if k not in ("start", "end", "confidence")}
        yield row("meeting", payload, meeting.start, meeting.end, meeting.confidence, "comity.meetings.v1")


def document_row(doc: NewsDoc) -> dict[str, Any]:
    """The ``documents`` row of one document (text as published, with its SHA-256)."""
    return {
        "doc_id": doc.id,
        "story_id": doc.story,
        "url": doc.meta.get("url"),
        "outlet": doc.meta.get("outlet"),
        "published": doc.meta.get("published"),
        "text": doc.raw,
        "sha256": sha256_of(doc.raw),
        "source_path": doc.meta.get("source_path"),
    }


def save_documents(store: Store, docs: Iterable[NewsDoc]) -> int:
    """Write documents and their facts to the store in one transaction.

    A document already stored (same id) has its row and facts replaced, so saving the same
    reading twice leaves the store as it was.

    Parameters
    ----------
    store:
        An open, writable store.
    docs:
        Read documents.

    Returns
    -------
    int
        The number of fact rows written.
    """
    import pandas as pd

    docs = list(docs)
    if not docs:
        return 0
    documents = pd.DataFrame([document_row(doc) for doc in docs])
    facts = pd.DataFrame([row for doc in docs for row in document_facts(doc)], columns=list(_FACT_COLUMNS))
    from comity.news._views import summarise_stories

    with store.transaction():
        # Stories the documents leave (read again into another story) need new summaries too.
        touched = _stories_of(store, documents["doc_id"].tolist())
        written = save_tables(store, documents, facts)
        touched |= {
            str(story or doc_id)
            for story, doc_id in zip(documents["story_id"], documents["doc_id"], strict=True)
        }
        # The summaries readers show are computed here, once, not by each reader. (A corpus run,
        # which saves chunks with save_tables and sets stories after, leaves them to be computed
        # when first read: comity.news.story_view does that for a summary missing or stale.)
        summarise_stories(store, touched)
    return written


def _stories_of(store: Store, doc_ids: list[str]) -> set[str]:
    """The stories the stored documents ``doc_ids`` belong to (a document alone is its own story)."""
    import pandas as pd

    store.con.register("_comity_story_ids", pd.DataFrame({"doc_id": doc_ids}))
    try:
        rows = store.con.execute(
            "SELECT DISTINCT coalesce(story_id, doc_id) FROM documents "
            "WHERE doc_id IN (SELECT doc_id FROM _comity_story_ids)"
        ).fetchall()
    finally:
        store.con.unregister("_comity_story_ids")
    return {str(r[0]) for r in rows}


def save_tables(store: Store, documents: pa.Table | pd.DataFrame, facts: pa.Table | pd.DataFrame) -> int:
    """Write ``documents`` and ``facts`` rows (as :func:`document_row`, :func:`document_facts`) in one
    transaction, replacing what the store holds for those documents.

    A corpus run saves each chunk this way: a chunk saved twice (a run killed after the store's
    commit and before its manifest was written, then resumed) leaves each document once. The
    ``documents`` rows may lack ``story_id`` (set later by :func:`set_stories`).

    Returns
    -------
    int
        The number of fact rows written.
    """
    import pandas as pd

    if not isinstance(documents, pd.DataFrame):
        documents = documents.to_pandas()
    if not isinstance(facts, pd.DataFrame):
        facts = facts.to_pandas()
    if documents.empty:
        return 0
    if "story_id" not in documents.columns:
        documents = documents.assign(story_id=None)
    documents = documents.drop_duplicates("doc_id", keep="last")
    ids = documents["doc_id"].tolist()
    with store.transaction():
        # The ids go through a registered frame, not a list of placeholders: a chunk holds
        # thousands of documents.
        store.con.register("_comity_ids", pd.DataFrame({"doc_id": ids}))
        try:
            store.con.execute("DELETE FROM facts WHERE doc_id IN (SELECT doc_id FROM _comity_ids)")
            store.con.execute("DELETE FROM documents WHERE doc_id IN (SELECT doc_id FROM _comity_ids)")
        finally:
            store.con.unregister("_comity_ids")
        store.insert_frame("documents", documents)
        # Facts of a document given twice in one call are written once.
        facts = facts[facts["doc_id"].isin(ids)].drop_duplicates()
        store.insert_frame("facts", facts.astype({"start_char": "int64", "end_char": "int64"}))
    return len(facts)


def set_stories(store: Store, stories: pa.Table | pd.DataFrame) -> int:
    """Set the ``story_id`` of stored documents from rows ``(doc_id, story_id)``, in one transaction.

    Returns
    -------
    int
        The number of rows given.
    """
    import pandas as pd

    frame = stories if isinstance(stories, pd.DataFrame) else stories.to_pandas()
    if frame.empty:
        return 0
    with store.transaction():
        store.con.register("_comity_stories", frame[["doc_id", "story_id"]])
        try:
            store.con.execute(
                "UPDATE documents SET story_id = s.story_id FROM _comity_stories AS s "
                "WHERE documents.doc_id = s.doc_id"
            )
        finally:
            store.con.unregister("_comity_stories")
    return len(frame)
