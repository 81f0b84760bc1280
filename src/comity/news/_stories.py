"""Stories: the documents that report one event, and their facts reconciled.

Grouping works on two kinds of evidence. Copies and rewrites of one wire story share long runs
of words: MinHash over word shingles finds them. Independent reports of one event share few
words but the same facts: each document's TF-IDF vector holds its key terms *and* what the
reader found in it (states, bodies, people, meetings, coalition members, membership events,
quoted words), facts weighted above plain words; documents are clustered by average linkage
over cosine distance, copies forced together, two membership events of different bodies or
actors kept apart. All of it works from a small record per document, its story keys, in time
linear in the number of documents: see :mod:`comity.news._story_keys`.

:func:`reconcile` merges the facts of one story: each fact with the number of documents that
support it, conflicts flagged (member lists, chairs or dates that differ), the most complete
version kept.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from comity.news._doc import NewsDoc
from comity.news._story_keys import (
    _surname,
    group_story_keys,
    story_features,
    story_ids,
    story_keys,
    words,
)

__all__ = ["Story", "StoryFact", "group_stories", "reconcile", "story_features"]


@dataclass
class StoryFact:
    """One reconciled fact of a story.

    Attributes
    ----------
    fact_type:
        ``state``, ``organization``, ``person``, ``quote``, ``coalition``, ``membership`` or ``meeting``.
    value:
        The most complete version of the fact (gold-format shape).
    support:
        How many documents state it.
    doc_ids:
        Those documents.
    conflicts:
        Notes where the documents disagree ("members differ: ...").
    """

    fact_type: str
    value: Any
    support: int
    doc_ids: list[str]
    conflicts: list[str] = field(default_factory=list)


@dataclass
class Story:
    """The documents of one story and their reconciled facts."""

    id: str
    doc_ids: list[str]
    facts: list[StoryFact]

    @property
    def conflicts(self) -> list[StoryFact]:
        """The facts on which the documents disagree."""
        return [fact for fact in self.facts if fact.conflicts]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {"id": self.id, "doc_ids": list(self.doc_ids), "facts": [asdict(fact) for fact in self.facts]}


def group_stories(docs: Sequence[NewsDoc], *, existing: Mapping[str, str] | None = None) -> dict[str, str]:
    """Group documents that report the same event.

    Each document's :func:`~comity.news._story_keys.story_keys` are computed and grouped by
    :func:`~comity.news._story_keys.group_story_keys` (blocking, verified pairs, average linkage
    inside the candidate components): time grows linearly with the number of documents.

    Parameters
    ----------
    docs:
        Read documents (after the pipeline).
    existing:
        Document id -> story id of documents grouped before (their stories are kept; the
        documents of ``docs`` join them or form new stories).

    Returns
    -------
    dict
        Document id -> story id (a readable slug: main body, month, key term).
    """
    return group_story_keys((story_keys(doc) for doc in docs), existing=existing)


def _slug(docs: Sequence[NewsDoc]) -> str:
    return story_ids({"story": [doc.id for doc in docs]}, {doc.id: story_keys(doc) for doc in docs})["story"]


# -- reconciliation ---------------------------------------------------------------------------


def _dates_agree(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return True
    size = min(len(first), len(second))
    return first[:size] == second[:size]


def _most_precise(values: Iterable[str | None]) -> str | None:
    given = [v for v in values if v]
    return max(given, key=len) if given else None


def _overlap(first: str, second: str) -> float:
    a, b = Counter(words(first)), Counter(words(second))
    longest = max(sum(a.values()), sum(b.values()))
    return sum((a & b).values()) / longest if longest else 0.0


def reconcile(docs: Sequence[NewsDoc], story_id: str | None = None) -> Story:
    """Merge the facts of the documents of one story.

    Each fact carries its support (the number of documents that state it); where documents
    disagree (member lists, dates, chairs, speakers) the fact is flagged and the most complete
    version kept.
    """
    from comity.news._gold import to_gold

    records = [(doc.id, to_gold(doc)) for doc in docs]
    facts: list[StoryFact] = []
    for fact_type, key in (("state", "states"), ("organization", "organizations")):
        support: dict[str, list[str]] = defaultdict(list)
        for doc_id, record in records:
            for value in record[key]:
                support[value].append(doc_id)
        facts += [StoryFact(fact_type, value, len(ids), ids) for value, ids in support.items()]
    facts += _reconcile_people(records)
    facts += _reconcile_quotes(records)
    facts += _reconcile_coalitions(records)
    facts += _reconcile_memberships(records)
    facts += _reconcile_meetings(records)
    identifier = story_id or (docs[0].story if docs and docs[0].story else None) or _slug(docs)
    return Story(identifier, [doc_id for doc_id, _ in records], facts)


def _cluster(items: list[tuple[str, dict[str, Any]]], same: Any) -> list[list[tuple[str, dict[str, Any]]]]:
    groups: list[list[tuple[str, dict[str, Any]]]] = []
    for item in items:
        for group in groups:
            if same(group[0][1], item[1]):
                group.append(item)
                break
        else:
            groups.append([item])
    return groups


def _support(group: list[tuple[str, dict[str, Any]]]) -> list[str]:
    return sorted({doc_id for doc_id, _ in group})


def _reconcile_people(records: list[tuple[str, dict[str, Any]]]) -> list[StoryFact]:
    items = [(doc_id, person) for doc_id, record in records for person in record["people"]]
    groups = _cluster(items, lambda a, b: _surname(a["name"]) == _surname(b["name"]))
    facts = []
    for group in groups:
        spellings = Counter(p["name"] for _, p in group)
        # The fullest form of the name, and of those the spelling most reports use.
        best = max(
            (p for _, p in group),
            key=lambda p: (len(p["name"].split()), spellings[p["name"]], p.get("role") is not None),
        )
        conflicts = []
        states = {p["state"] for _, p in group if p.get("state")}
        if len(states) > 1:
            conflicts.append(f"states differ: {', '.join(sorted(states))}")
        value = dict(best)
        value["state"] = value.get("state") or next(iter(states), None)
        facts.append(StoryFact("person", value, len(_support(group)), _support(group), conflicts))
    return facts


def _reconcile_quotes(records: list[tuple[str, dict[str, Any]]]) -> list[StoryFact]:
    items = [(doc_id, quote) for doc_id, record in records for quote in record["quotes"]]
    groups = _cluster(items, lambda a, b: _overlap(a["text"], b["text"]) >= 0.8)
    facts = []
    for group in groups:
        best = max((q for _, q in group), key=lambda q: len(q["text"]))
        speakers = {q["speaker"] for _, q in group}
        conflicts = [f"speakers differ: {', '.join(sorted(speakers))}"] if len(speakers) > 1 else []
        facts.append(StoryFact("quote", dict(best), len(_support(group)), _support(group), conflicts))
    return facts


def _reconcile_coalitions(records: list[tuple[str, dict[str, Any]]]) -> list[StoryFact]:
    items = [(doc_id, c) for doc_id, record in records for c in record["coalitions"]]

    def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
        shared = len(set(a["members"]) & set(b["members"]))
        return shared >= max(1, min(len(a["members"]), len(b["members"])) // 2)

    facts = []
    for group in _cluster(items, same):
        best = max((c for _, c in group), key=lambda c: (len(c["members"]), bool(c["complete"])))
        lists = {tuple(sorted(c["members"])) for _, c in group}
        conflicts = []
        if len(lists) > 1:
            union = set().union(*map(set, lists))
            counts = Counter(m for _, c in group for m in set(c["members"]))
            partial = sorted(m for m in union if counts[m] < len(group))
            conflicts.append(
                f"member lists differ ({len(lists)} versions); not in every report: {', '.join(partial)}"
            )
        value = dict(best)
        value["member_support"] = dict(Counter(m for _, c in group for m in set(c["members"])))
        facts.append(StoryFact("coalition", value, len(_support(group)), _support(group), conflicts))
    return facts


def _reconcile_memberships(records: list[tuple[str, dict[str, Any]]]) -> list[StoryFact]:
    items = [(doc_id, m) for doc_id, record in records for m in record["memberships"]]
    groups = _cluster(
        items,
        lambda a, b: (
            (a["actor"], a["body"], a["action"]) == (b["actor"], b["body"], b["action"])
            and _dates_agree(a["date"], b["date"])
        ),
    )
    facts = []
    for group in groups:
        value = dict(group[0][1])
        value["date"] = _most_precise(m["date"] for _, m in group)
        facts.append(StoryFact("membership", value, len(_support(group)), _support(group)))
    return _flag_date_conflicts(facts, ("actor", "body", "action"))


def _reconcile_meetings(records: list[tuple[str, dict[str, Any]]]) -> list[StoryFact]:
    items = [(doc_id, m) for doc_id, record in records for m in record["meetings"]]
    groups = _cluster(items, lambda a, b: a["body"] == b["body"] and _dates_agree(a["date"], b["date"]))
    facts = []
    for group in groups:
        meetings = [m for _, m in group]
        best = max(
            meetings, key=lambda m: (len(m["participants"]), m.get("chair") is not None, len(m["date"] or ""))
        )
        value = dict(best)
        value["date"] = _most_precise(m["date"] for m in meetings)
        chairs = {m["chair"] for m in meetings if m.get("chair")}
        conflicts = [f"chairs differ: {', '.join(sorted(chairs))}"] if len(chairs) > 1 else []
        participant_lists = {tuple(sorted(m["participants"])) for m in meetings if m["participants"]}
        if len(participant_lists) > 1:
            conflicts.append(f"participant lists differ ({len(participant_lists)} versions)")
        value["participant_support"] = dict(Counter(s for m in meetings for s in set(m["participants"])))
        facts.append(StoryFact("meeting", value, len(_support(group)), _support(group), conflicts))
    return _flag_date_conflicts(facts, ("body",))


def _flag_date_conflicts(facts: list[StoryFact], keys: tuple[str, ...]) -> list[StoryFact]:
    by_key: dict[tuple[Any, ...], list[StoryFact]] = defaultdict(list)
    for fact in facts:
        by_key[tuple(fact.value[k] for k in keys)].append(fact)
    for same in by_key.values():
        dates = sorted({f.value["date"] for f in same if f.value["date"]})
        if len(dates) > 1:
            for fact in same:
                fact.conflicts.append(f"dates differ across reports: {', '.join(dates)}")
    return facts
