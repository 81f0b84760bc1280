"""Output of a read document: the gold annotation shape, and the full records with spans.

:func:`to_gold` gives exactly the fields of ``gold-format.md`` so that the reader's output
can be compared with hand annotations; :func:`to_full` adds, for every fact, its character
span in the normalised text, the matching span in the raw text and a confidence.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from comity.news._doc import NewsDoc

__all__ = ["to_full", "to_gold"]


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    ordered: list[str] = []
    for value in values:
        if value and value not in seen:
            seen.add(value)
            ordered.append(value)
    return ordered


def _raw_text(doc: NewsDoc, start: int, end: int) -> str:
    """The raw characters behind ``text[start:end]``, spaces just inside trimmed."""
    raw_start, raw_end = doc.raw_span(start, end)
    return doc.raw[raw_start:raw_end].strip()


def doc_states(doc: NewsDoc) -> list[str]:
    """States named in the document, in order of first mention."""
    return _unique([m.entity_id for m in doc.mentions if m.entity_type == "state"])


def doc_organizations(doc: NewsDoc) -> list[str]:
    """Organisations named in the document, in order of first mention."""
    return _unique([m.entity_id for m in doc.mentions if m.entity_type == "organisation"])


def to_gold(doc: NewsDoc) -> dict[str, Any]:
    """The document's facts in the shape of the gold annotation format.

    Quote texts are taken from ``doc.raw`` (the words exactly as published); every other
    field comes from the normalised reading.
    """
    meta = doc.meta
    return {
        "id": doc.id,
        "url": meta.get("url"),
        "outlet": meta.get("outlet"),
        "published": meta.get("published"),
        "story": doc.story,
        "quality": meta.get("quality"),
        "states": doc_states(doc),
        "organizations": doc_organizations(doc),
        "people": [{"name": p.name, "state": p.state, "role": p.role} for p in doc.people],
        "quotes": [{"speaker": q.speaker, "text": _raw_text(doc, q.start, q.end)} for q in doc.quotes],
        "coalitions": [
            {
                "name": c.name if c.name is not None else c.org_id,
                "members": list(c.members),
                "complete": c.complete,
            }
            for c in doc.coalitions
        ],
        "memberships": [
            {"actor": m.actor, "body": m.body, "action": m.action, "date": m.date} for m in doc.memberships
        ],
        "meetings": [
            {"body": m.body, "date": m.date, "chair": m.chair, "participants": list(m.participants)}
            for m in doc.meetings
        ],
    }


def _with_raw(doc: NewsDoc, record: dict[str, Any]) -> dict[str, Any]:
    if "start" in record and "end" in record:
        record["raw_start"], record["raw_end"] = doc.raw_span(record["start"], record["end"])
    return record


def to_full(doc: NewsDoc) -> dict[str, Any]:
    """Every fact of the document with its spans (normalised and raw) and confidence."""
    gold = to_gold(doc)
    full: dict[str, Any] = {
        key: gold[key]
        for key in ("id", "url", "outlet", "published", "story", "quality", "states", "organizations")
    }
    full["source_path"] = doc.meta.get("source_path")
    full["sentences"] = len(doc.sentences)
    full["mentions"] = [_with_raw(doc, asdict(m)) for m in doc.mentions]
    people = []
    for person in doc.people:
        record = asdict(person)
        record["mentions"] = [list(span) for span in person.mentions]
        record["raw_mentions"] = [list(doc.raw_span(s, e)) for s, e in person.mentions]
        people.append(record)
    full["people"] = people
    quotes = []
    for quote in doc.quotes:
        record = _with_raw(doc, asdict(quote))
        record["text"] = _raw_text(doc, quote.start, quote.end)
        quotes.append(record)
    full["quotes"] = quotes
    full["coalitions"] = [_with_raw(doc, asdict(c)) for c in doc.coalitions]
    full["memberships"] = [_with_raw(doc, asdict(m)) for m in doc.memberships]
    full["meetings"] = [_with_raw(doc, asdict(m)) for m in doc.meetings]
    return full
