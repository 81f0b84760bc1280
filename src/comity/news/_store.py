"""Storing read documents and their facts in the store, with provenance.

Each document is one row of ``documents``; each fact (mention, person, quote, coalition,
membership, meeting) one row of ``facts`` with its character span in the document's *raw* text
(as published) and the stage that found it; its story keys one row of ``story_keys``.
:func:`save_documents` replaces a document's previous facts in the same transaction, so reading a
document again changes nothing. A corpus run skips the documents already stored with the same
text (:func:`stored_with_hash`) and groups the new ones with the stored stories from their keys
(:func:`group_stored_stories`), without regrouping the documents already in stories.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import fields
from typing import TYPE_CHECKING, Any

from comity.news._doc import Coalition, Meeting, MembershipChange, Mention, NewsDoc
from comity.store import Store, sha256_of

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd
    import pyarrow as pa

    from comity.news._story_keys import GroupingStats, StoryKeys

__all__ = [
    "add_documents",
    "document_facts",
    "document_row",
    "group_stored_stories",
    "save_documents",
    "save_tables",
    "set_stories",
    "stored_with_hash",
]

_FACT_COLUMNS = ("doc_id", "fact_type", "payload", "start_char", "end_char", "confidence", "stage")


# json.dumps(..., ensure_ascii=False) builds an encoder per call: one serves every fact.
_JSON = json.JSONEncoder(ensure_ascii=False)
# How that encoder writes a string (quoted and escaped), for the mention payloads it writes most.
_JSON_STRING = json.encoder.encode_basestring
# The payload fields of the fact kinds stored whole (all but their span and confidence), in
# field order, as ``dataclasses.asdict`` gave them.
_PAYLOAD_FIELDS = {
    kind: tuple(f.name for f in fields(kind) if f.name not in ("start", "end", "confidence"))
    for kind in (Coalition, MembershipChange, Meeting)
}


def _payload(fact: Coalition | MembershipChange | Meeting) -> dict[str, Any]:
    # Their fields are plain values and lists of strings: read, not deep-copied as asdict would.
    return {name: getattr(fact, name) for name in _PAYLOAD_FIELDS[type(fact)]}


# The mention fields a payload holds, in the order of the template below.
_MENTION_FIELDS = ("entity_id", "entity_type", "kind", "text")


def _mention_json(mention: Mention, source_id: str, source_ref: str) -> str:
    """The payload of a mention fact, as ``_JSON.encode`` writes it.

    Mentions are most of a document's facts, and filling a template is several times faster
    than encoding a dictionary (a test checks both give the same text); a field that is not a
    string takes the encoder's way.
    """
    try:
        return (
            f'{{"entity_id": {_JSON_STRING(mention.entity_id)}, '
            f'"entity_type": {_JSON_STRING(mention.entity_type)}, "kind": {_JSON_STRING(mention.kind)}, '
            f'"text": {_JSON_STRING(mention.text)}, "source_id": {_JSON_STRING(source_id)}, '
            f'"source_ref": {_JSON_STRING(source_ref)}}}'
        )
    except TypeError:
        payload = {name: getattr(mention, name) for name in _MENTION_FIELDS}
        return _JSON.encode({**payload, "source_id": source_id, "source_ref": source_ref})


def document_facts(doc: NewsDoc) -> Iterator[tuple[Any, ...]]:
    """The ``facts`` rows of one document: (doc_id, fact_type, payload, start, end, confidence, stage).

    Spans are offsets in ``doc.raw``; every payload carries ``source_id`` (the document id) and
    ``source_ref`` (``chars START-END``).
    """
    doc_id = doc.id
    raw_span = doc.raw_span

    def row(
        fact_type: str, payload: dict[str, Any], start: int, end: int, confidence: float, stage: str
    ) -> tuple[Any, ...]:
        raw_start, raw_end = raw_span(start, end)
        # The payload is the caller's own new dictionary: the provenance goes last.
        payload["source_id"] = doc_id
        payload["source_ref"] = f"chars {raw_start}-{raw_end}"
        return (doc_id, fact_type, _JSON.encode(payload), raw_start, raw_end, confidence, stage)

    for mention in doc.mentions:
        raw_start, raw_end = raw_span(mention.start, mention.end)
        payload_json = _mention_json(mention, doc_id, f"chars {raw_start}-{raw_end}")
        yield (doc_id, "mention", payload_json, raw_start, raw_end, mention.confidence, "comity.actors.v1")
    for person in doc.people:
        spans = person.mentions or [(0, 0)]
        start = min(s for s, _ in spans)
        end = max(e for _, e in spans)
        payload: dict[str, Any] = {
            "name": person.name,
            "state": person.state,
            "role": person.role,
            "mentions": [list(raw_span(s, e)) for s, e in person.mentions],
        }
        yield row("person", payload, start, end, person.confidence, "comity.people.v1")
    for quote in doc.quotes:
        raw_start, raw_end = raw_span(quote.start, quote.end)
        payload = {"speaker": quote.speaker, "text": doc.raw[raw_start:raw_end].strip()}
        yield row("quote", payload, quote.start, quote.end, quote.confidence, "comity.quotes.v1")
    for coalition in doc.coalitions:
        yield row(
            "coalition",
            _payload(coalition),
            coalition.start,
            coalition.end,
            coalition.confidence,
            "comity.coalitions.v1",
        )
    for change in doc.memberships:
        yield row(
            "membership",
            _payload(change),
            change.start,
            change.end,
            change.confidence,
            "comity.memberships.v1",
        )
    for meeting in doc.meetings:
        yield row(
            "meeting", _payload(meeting), meeting.start, meeting.end, meeting.confidence, "comity.meetings.v1"
        )


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


def save_documents(store: Store, docs: Iterable[NewsDoc], *, keys: Iterable[StoryKeys] = ()) -> int:
    """Write documents and their facts to the store in one transaction.

    A document already stored (same id) has its row and facts replaced, so saving the same
    reading twice leaves the store as it was.

    Parameters
    ----------
    store:
        An open, writable store.
    docs:
        Read documents.
    keys:
        Story keys the caller computed already for some of ``docs`` (matched by document id);
        those of the others are computed here.

    Returns
    -------
    int
        The number of fact rows written.
    """
    import pandas as pd

    docs = list(docs)
    if not docs:
        return 0
    from comity.news._story_keys import keys_to_table, story_keys
    from comity.news._views import summarise_stories

    documents = pd.DataFrame([document_row(doc) for doc in docs])
    facts = pd.DataFrame([row for doc in docs for row in document_facts(doc)], columns=list(_FACT_COLUMNS))
    # The keys let later corpus runs add their documents to these documents' stories.
    given = {item.doc_id: item for item in keys}
    table = keys_to_table(given.get(doc.id) or story_keys(doc) for doc in docs)

    with store.transaction():
        # Stories the documents leave (read again into another story) need new summaries too.
        touched = _stories_of(store, documents["doc_id"].tolist())
        written = save_tables(store, documents, facts, table)
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


def save_tables(
    store: Store,
    documents: pa.Table | pd.DataFrame,
    facts: pa.Table | pd.DataFrame,
    keys: pa.Table | None = None,
) -> int:
    """Write ``documents`` and ``facts`` rows (as :func:`document_row`, :func:`document_facts`) and
    the documents' story ``keys`` (:func:`~comity.news._story_keys.keys_to_table`) in one
    transaction, replacing what the store holds for those documents.

    A corpus run saves each chunk this way: a chunk saved twice (a run killed after the store's
    commit and before its manifest was written, then resumed) leaves each document once. The
    ``documents`` rows may lack ``story_id`` (set later by :func:`set_stories` or
    :func:`group_stored_stories`).

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
            for table in ("facts", "story_keys", "documents"):
                store.con.execute(f"DELETE FROM {table} WHERE doc_id IN (SELECT doc_id FROM _comity_ids)")
        finally:
            store.con.unregister("_comity_ids")
        store.insert_frame("documents", documents)
        # Facts of a document given twice in one call are written once.
        facts = facts[facts["doc_id"].isin(ids)].drop_duplicates()
        store.insert_frame("facts", facts.astype({"start_char": "int64", "end_char": "int64"}))
        if keys is not None and keys.num_rows:
            _insert_keys(store, keys, set(ids))
    return len(facts)


def _insert_keys(store: Store, keys: pa.Table, ids: set[str]) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    # Keys of the documents written only, each once (the last, as for the documents).
    keys = keys.filter(pc.is_in(keys.column("doc_id"), value_set=pa.array(sorted(ids), pa.string())))
    seen: set[str] = set()
    keep = []
    for position, doc_id in reversed(list(enumerate(keys.column("doc_id").to_pylist()))):
        if doc_id not in seen:
            seen.add(doc_id)
            keep.append(position)
    keys = keys.take(sorted(keep))
    store.con.register("_comity_keys", keys)
    try:
        store.con.execute("INSERT INTO story_keys BY NAME SELECT * FROM _comity_keys")
    finally:
        store.con.unregister("_comity_keys")


def stored_with_hash(store: Store, doc_ids: Sequence[str], hashes: Sequence[str]) -> set[str]:
    """The documents of ``doc_ids`` that the store holds with the same text (SHA-256 ``hashes``).

    A corpus run reads only the others: a document is never read twice into the store, and a
    run started again (after it finished, or was killed) adds nothing twice. A document whose
    text changed (same id, another hash) is read again and replaces the stored one; so is one
    stored without story keys (before schema version 5), so that it gets them.
    """
    if not doc_ids:
        return set()
    # Lists as parameters, not a registered frame: registering fails while the connection still
    # holds an unfinished result of the caller's.
    rows = store.con.execute(
        "SELECT d.doc_id FROM documents AS d JOIN "
        "(SELECT unnest(?::VARCHAR[]) AS doc_id, unnest(?::VARCHAR[]) AS sha256) AS h "
        "ON d.doc_id = h.doc_id AND d.sha256 = h.sha256 "
        "WHERE d.doc_id IN (SELECT doc_id FROM story_keys)",
        [list(doc_ids), list(hashes)],
    ).fetchall()
    return {str(row[0]) for row in rows}


def group_stored_stories(store: Store, *, stats: GroupingStats | None = None) -> dict[str, str]:
    """Give the stored documents that have no story yet (``story_id`` NULL) their stories.

    Incremental: the new documents are grouped with the stored ones from the story keys alone
    (:func:`~comity.news._story_keys.group_story_keys` with the stored stories as ``existing``
    and ``regroup``): only the keys of the stored documents that share a block with a new one,
    and of the other members of their stories, are loaded (found in SQL; only the stored token
    column is read whole, for the document frequencies), and only the blocks that hold a new document are
    examined; a new document joins the stored story it is near, or the new ones form new stories.
    A stored story that a new document is near is clustered again with the new documents, so that
    the stories are those of grouping every stored document at once (a new report that bridges two
    stories joins them); it keeps its id. Stories no new document touches are not looked at. Documents stored
    without keys (before schema version 5) keep their stories and are not compared.

    Returns
    -------
    dict
        The story id of each document whose story was set or changed (written to the store in
        one transaction).
    """
    import pandas as pd

    [(pending,)] = store.con.execute(
        "SELECT count(*) FROM documents AS d JOIN story_keys AS k USING (doc_id) WHERE d.story_id IS NULL"
    ).fetchall()
    if not pending:
        return {}
    new = _join_stored_stories(store, [], stats=stats)
    set_stories(store, pd.DataFrame({"doc_id": list(new), "story_id": list(new.values())}))
    return new


#: The block of an event ``e`` of the signature, in SQL: the rule of
#: :func:`comity.news._story_keys.event_block` (NULL for an undated meeting).
EVENT_BLOCK_SQL = (
    "CASE WHEN starts_with(e, 'meet:') THEN "
    "CASE WHEN length(regexp_extract(e, '^meet:[^:]*:(.*)$', 1)) = 10 "
    "THEN 'day:' || regexp_extract(e, '^meet:[^:]*:(.*)$', 1) END "
    "WHEN starts_with(e, 'coalition:') THEN e "
    "ELSE 'change:' || split_part(e, ':', 2) || ':' || split_part(e, ':', 3) END"
)


def _join_stored_stories(
    store: Store, keys: Sequence[StoryKeys], *, stats: GroupingStats | None = None
) -> dict[str, str]:
    """The stories of ``keys`` (documents about to be stored) and of the stored documents without one,
    grouped with the stored stories: each document whose story is new or changed, with its story.

    Incremental: of the stored keys, only those that can matter are loaded -- of the documents that
    share a block (a MinHash band, a salient term, an event) with a new document, found in SQL,
    and of the other members of their stories (a story a new document touches is clustered again
    whole). The document frequencies come from the stored vectors' token column alone, counted
    in one array. Grouping these with the stored stories gives what grouping every stored key
    gives: a document that shares no block with a new one is never compared with it, and a story
    none of whose members does is left as it is.
    """
    import numpy as np

    from comity.news._story_keys import (
        TERM_BLOCKS,
        TermStats,
        event_block,
        group_story_keys,
        keys_from_table,
    )

    # A document given twice is grouped with its last keys (as a dictionary by id keeps them).
    keys = list({item.doc_id: item for item in keys}.values())
    incoming = [item.doc_id for item in keys]
    # Stored documents without a story (a corpus run's, grouped at its end) are new too; a
    # document about to be stored again is grouped as new (its text may have changed).
    # (Fetched whole with execute first: a relation fails while the connection holds a result
    # not fetched to its end, as Store.open leaves one.)
    waiting = store.con.execute(
        "SELECT doc_id FROM documents WHERE story_id IS NULL "
        "AND doc_id NOT IN (SELECT unnest(?::VARCHAR[])) ORDER BY doc_id",
        [incoming],
    ).fetchall()
    pending = keys_from_table(
        store.con.sql(
            "SELECT * FROM story_keys WHERE doc_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY doc_id",
            params={"ids": [row[0] for row in waiting]},
        ).to_arrow_table()
    )
    new = [*keys, *pending]
    if not new:
        return {}
    # The new documents' blocks (block_keys), by kind, without a string per band: at the end of a
    # corpus run every document of the run is new.
    bands = sorted({value for item in new for value in item.bands})
    terms = sorted({term for item in new for term in item.terms[:TERM_BLOCKS]})
    events = sorted({block for item in new for block in map(event_block, item.events) if block is not None})
    params = {"incoming": incoming, "bands": bands, "terms": terms, "events": events}
    # The stored documents in a story that share a block with a new one, and their stories.
    # (Each list unnested and semi-joined with the new blocks: list_has_any with a long list of
    # values compares every pair, 200 times slower.)
    candidates = (
        "SELECT doc_id FROM (SELECT doc_id, unnest(bands) AS b FROM story_keys) "
        "WHERE b IN (SELECT unnest($bands::BIGINT[])) "
        f"UNION SELECT doc_id FROM (SELECT doc_id, unnest(terms[1:{TERM_BLOCKS}]) AS t FROM story_keys) "
        "WHERE t IN (SELECT unnest($terms::VARCHAR[])) "
        "UNION SELECT doc_id FROM (SELECT doc_id, unnest(events) AS e FROM story_keys) "
        f"WHERE {EVENT_BLOCK_SQL} IN (SELECT unnest($events::VARCHAR[]))"
    )
    stories = (
        "SELECT DISTINCT d.story_id FROM documents AS d "
        f"WHERE d.story_id IS NOT NULL AND d.doc_id IN ({candidates})"
    )
    members = (
        "SELECT doc_id, story_id FROM documents WHERE story_id IN "
        f"({stories}) AND doc_id NOT IN (SELECT unnest($incoming::VARCHAR[]))"
    )
    existing = dict(store.con.execute(f"{members} ORDER BY doc_id", params).fetchall())
    table = store.con.sql(
        "SELECT * FROM story_keys WHERE doc_id IN (SELECT unnest($ids::VARCHAR[])) ORDER BY doc_id",
        params={"ids": list(existing)},
    ).to_arrow_table()
    stored = keys_from_table(table)
    del table
    # The frequencies of every stored vector's tokens (a document stored again counted with its
    # incoming keys), as grouping all the keys counts them: the tokens are sorted 64-bit hashes,
    # end to end in one Arrow buffer, read without a Python object per document.
    column = store.con.sql(
        "SELECT k.tokens FROM story_keys AS k JOIN documents AS d USING (doc_id) "
        "WHERE doc_id NOT IN (SELECT unnest($incoming::VARCHAR[]))",
        params={"incoming": incoming},
    ).to_arrow_table()["tokens"]
    arrays = [_token_hashes(chunk) for chunk in column.chunks]
    arrays += [item.token_hashes for item in keys]
    every = np.concatenate(arrays) if arrays else np.zeros(0, dtype=np.int64)
    hashes, counts = np.unique(every, return_counts=True)
    frequencies = TermStats(hashes, counts.astype(np.int64), len(column) + len(keys))
    del column, arrays, every
    grouped = group_story_keys(
        [*stored, *new],
        existing=existing,
        stats=stats,
        regroup=True,
        terms=frequencies,
        taken=_stored_story_ids(store),
    )
    return {doc_id: story for doc_id, story in grouped.items() if existing.get(doc_id) != story}


def _token_hashes(chunk: pa.Array) -> np.ndarray:
    """The 64-bit token hashes of every value of an Arrow binary array, end to end (no copies)."""
    import numpy as np
    import pyarrow as pa

    _, offsets_buffer, data = chunk.buffers()
    if not len(chunk) or data is None:
        return np.zeros(0, dtype=np.int64)
    offset_type = np.int64 if pa.types.is_large_binary(chunk.type) else np.int32
    offsets = np.frombuffer(offsets_buffer, dtype=offset_type)[chunk.offset : chunk.offset + len(chunk) + 1]
    # Each value is a whole number of 8-byte hashes, so the values end to end are one int64 array.
    return np.frombuffer(data, dtype=np.uint8)[offsets[0] : offsets[-1]].view(np.int64)


def _stored_story_ids(store: Store) -> set[str]:
    """The story ids of the stored documents (new stories get other ids), in one query: a lookup
    per new story would scan the documents once per story."""
    rows = store.con.execute("SELECT DISTINCT story_id FROM documents WHERE story_id IS NOT NULL").fetchall()
    return {str(row[0]) for row in rows}


def add_documents(store: Store, docs: Sequence[NewsDoc]) -> tuple[int, int]:
    """Store read documents that the store lacks, in the stored stories they belong to.

    A document the store holds already with the same text (same id and SHA-256) is left as it
    is; the others are saved (:func:`save_documents`) with the story they have among the stored
    documents, as :func:`group_stored_stories` gives it: they join a stored story they are near
    (which keeps its id), or form new ones. ``doc.story`` of each saved document is set to it.

    Returns
    -------
    tuple
        The number of documents saved and of documents the store held already.
    """
    from comity.news._story_keys import story_keys

    stored = stored_with_hash(store, [doc.id for doc in docs], [sha256_of(doc.raw) for doc in docs])
    new = [doc for doc in docs if doc.id not in stored]
    if not new:
        return 0, len(stored)
    import pandas as pd

    # Computed once: grouping and the stored row use the same keys.
    keys = [story_keys(doc) for doc in new]
    with store.transaction():
        stories = _join_stored_stories(store, keys)
        for doc in new:
            doc.story = stories.pop(doc.id, doc.story)
        save_documents(store, new, keys=keys)
        # Stored documents whose story was regrouped with the new ones (merged or split).
        if stories:
            set_stories(store, pd.DataFrame({"doc_id": list(stories), "story_id": list(stories.values())}))
    return len(new), len(stored)


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
