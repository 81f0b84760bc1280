"""Stories: the documents that report one event, and their facts reconciled.

Grouping works on two kinds of evidence. Copies and rewrites of one wire story share long runs
of words: MinHash LSH (datasketch) over word shingles finds them. Independent reports of one
event share few words but the same facts: each document becomes a TF-IDF vector over its key
terms *and* what the reader found in it (states, bodies, people, meeting dates, coalition
members, quoted words), with found facts weighted above plain words; documents are then
clustered by average-linkage over cosine distance, near-duplicates forced together.

:func:`reconcile` merges the facts of one story: each fact with the number of documents that
support it, conflicts flagged (member lists, chairs or dates that differ), the most complete
version kept.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from comity.news._doc import NewsDoc

__all__ = ["Story", "StoryFact", "group_stories", "reconcile", "story_features"]

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# Function words and the genre's most common words: they say nothing about which event is told.
_STOP = frozenset(
    """a about after again against all also am an and any are as at be because been before being between both
    but by can could did do does during each few for from further had has have having he her here hers him his
    how i if in into is it its itself just me more most my no nor not now of off on once only or other
    our ours out over own same she should so some such than that the their theirs them then there these
    they this those through to too under until up very was we were what when where which while who whom
    why will with would you your said says say told according new one two three year years also week month day
    today time first last mr ms un u.n united nations countries country nation nations states state
    international world people
    including however news more photo image getty images ap reuters""".split()
)
_FACT_WEIGHT = 1.5
# Two reports of a meeting of one body on one day: their distance is shrunk by this factor.
_SHARED_MEETING_FACTOR = 0.5
# Reports whose event dates lie further apart than this are not one story.
_MAX_DAYS_APART = 45
_SHINGLE = 5


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


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", folded.lower())).strip()


def _words(text: str) -> list[str]:
    return [w.lower().strip("'’-") for w in _WORD.findall(text)]


def _surname(name: str) -> str:
    parts = _norm(name).split()
    return parts[-1] if parts else ""


def story_features(doc: NewsDoc) -> list[str]:
    """The facts the reader found in ``doc``, as tokens for the story vector."""
    tokens: list[str] = []
    tokens += [f"state:{m.entity_id}" for m in doc.mentions if m.entity_type == "state"]
    tokens += [
        f"org:{m.entity_id}" for m in doc.mentions if m.entity_type == "organisation" and m.entity_id != "UN"
    ]
    tokens += [f"person:{_surname(p.name)}" for p in doc.people if _surname(p.name)]
    for meeting in doc.meetings:
        tokens.append(f"meeting:{meeting.body}")
        if meeting.date:
            tokens += [f"date:{meeting.date[:7]}", f"meeting:{meeting.body}:{meeting.date[:7]}"]
        tokens += [f"participant:{state}" for state in meeting.participants]
    for coalition in doc.coalitions:
        tokens += [f"member:{state}" for state in coalition.members]
    for change in doc.memberships:
        tokens.append(f"membership:{change.actor}:{change.body}")
    for quote in doc.quotes:
        words = [w for w in _words(doc.text[quote.start : quote.end]) if w not in _STOP]
        tokens += [f"quote:{a}_{b}" for a, b in zip(words, words[1:], strict=False)]
    return tokens


def _term_tokens(doc: NewsDoc) -> list[str]:
    return [w for w in _words(doc.text) if len(w) > 2 and w not in _STOP]


def _minhash_pairs(docs: Sequence[NewsDoc], threshold: float) -> list[tuple[int, int]]:
    from datasketch import MinHash, MinHashLSH

    lsh = MinHashLSH(threshold=threshold, num_perm=128)
    hashes = []
    for index, doc in enumerate(docs):
        words = _words(doc.text)
        shingles = {" ".join(words[i : i + _SHINGLE]) for i in range(max(1, len(words) - _SHINGLE + 1))}
        minhash = MinHash(num_perm=128)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        lsh.insert(str(index), minhash)
        hashes.append(minhash)
    pairs = []
    for index, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            if int(other) > index:
                pairs.append((index, int(other)))
    return pairs


def _similarities(docs: Sequence[NewsDoc]) -> np.ndarray:
    """Cosine similarities of the documents' TF-IDF vectors (terms and found facts), dense n x n."""
    from scipy import sparse
    from sklearn.feature_extraction.text import TfidfVectorizer  # type: ignore[import-untyped]
    from sklearn.preprocessing import normalize  # type: ignore[import-untyped]

    def analyse(doc_index: int) -> list[str]:
        doc = docs[doc_index]
        return _term_tokens(doc) + story_features(doc)

    vectorizer = TfidfVectorizer(analyzer=analyse, sublinear_tf=True, norm=None)
    matrix = vectorizer.fit_transform(list(range(len(docs))))
    names = vectorizer.get_feature_names_out()
    weights = sparse.diags(np.array([_FACT_WEIGHT if ":" in name else 1.0 for name in names]))
    # Kept sparse until the product: a vocabulary of tens of thousands of terms times thousands
    # of documents would not fit dense.
    vectors = normalize(matrix @ weights)
    result: np.ndarray = (vectors @ vectors.T).toarray()
    return result


def group_stories(
    docs: Sequence[NewsDoc], *, threshold: float = 0.91, duplicate_threshold: float = 0.5
) -> dict[str, str]:
    """Group documents that report the same event.

    Parameters
    ----------
    docs:
        Read documents (after the pipeline).
    threshold:
        Average-linkage cut on cosine distance: documents join while their average distance
        is below it.
    duplicate_threshold:
        Estimated Jaccard similarity of word 5-shingles above which two documents are copies.

    Returns
    -------
    dict
        Document id -> story id (a readable slug: main body, date, key term).
    """
    if not docs:
        return {}
    if len(docs) == 1:
        return {docs[0].id: _slug([docs[0]], {})}
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform

    distance = np.clip(1.0 - _similarities(docs), 0.0, 2.0)
    _apply_fact_links(docs, distance)
    for i, j in _minhash_pairs(docs, duplicate_threshold):
        distance[i, j] = distance[j, i] = 0.0
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(
        linkage(squareform(distance, checks=False), method="average"), t=threshold, criterion="distance"
    )
    members: dict[int, list[NewsDoc]] = defaultdict(list)
    for doc, label in zip(docs, labels, strict=True):
        members[int(label)].append(doc)
    result: dict[str, str] = {}
    used: Counter[str] = Counter()
    for label in sorted(members, key=lambda key: min(docs.index(d) for d in members[key])):
        slug = _slug(members[label], used)
        for doc in members[label]:
            result[doc.id] = slug
    return result


def _event_days(doc: NewsDoc) -> set[tuple[str, str]]:
    return {(m.body, m.date) for m in doc.meetings if m.date and len(m.date) == 10}


def _story_date(doc: NewsDoc) -> dt.date | None:
    from comity.news._dates import page_date

    days = sorted(m.date for m in doc.meetings if m.date and len(m.date) == 10)
    value = days[0] if days else page_date(doc.text, published=doc.meta.get("published"))
    try:
        return dt.date.fromisoformat(value) if value and len(value) == 10 else None
    except ValueError:
        return None


def _apply_fact_links(docs: Sequence[NewsDoc], distance: np.ndarray) -> None:
    """Reports of one meeting on one day belong together; reports dated far apart do not."""
    days = [_event_days(doc) for doc in docs]
    dates = [_story_date(doc) for doc in docs]
    for i, j in itertools.combinations(range(len(docs)), 2):
        shared = {(a, d) for a, d in days[i] for b, e in days[j] if d == e and (a == b or "UN" in (a, b))}
        if shared:
            distance[i, j] = distance[j, i] = distance[i, j] * _SHARED_MEETING_FACTOR
        first, second = dates[i], dates[j]
        if first is not None and second is not None and abs((first - second).days) > _MAX_DAYS_APART:
            distance[i, j] = distance[j, i] = 1.0


def _slug(docs: Sequence[NewsDoc], used: dict[str, int] | Counter[str]) -> str:
    bodies = Counter(m.body for doc in docs for m in doc.meetings)
    if not bodies:
        bodies = Counter(c.org_id for doc in docs for c in doc.coalitions if c.org_id)
    if not bodies:
        bodies = Counter(
            m.entity_id
            for doc in docs
            for m in doc.mentions
            if m.entity_type == "organisation" and m.entity_id != "UN"
        )
    body = bodies.most_common(1)[0][0] if bodies else "news"
    dates = Counter(m.date[:7] for doc in docs for m in doc.meetings if m.date and len(m.date) >= 7)
    if not dates:
        from comity.news._dates import page_date

        shown = [page_date(doc.text, published=doc.meta.get("published")) for doc in docs]
        dates = Counter(value[:7] for value in shown if value and len(value) >= 7)
    date = dates.most_common(1)[0][0] if dates else ""
    body_words = body.lower().split("_")[:3]
    terms = Counter(w for doc in docs for w in _term_tokens(doc) if len(w) > 3 and w not in body_words)
    term = terms.most_common(1)[0][0] if terms else ""
    parts = ["-".join(body_words), date, re.sub(r"[^a-z0-9]+", "-", _norm(term))]
    slug = "-".join(part for part in parts if part).strip("-") or "story"
    if isinstance(used, Counter):
        used[slug] += 1
        if used[slug] > 1:
            slug = f"{slug}-{used[slug]}"
    return slug


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
    a, b = Counter(_words(first)), Counter(_words(second))
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
    identifier = story_id or (docs[0].story if docs and docs[0].story else None) or _slug(docs, {})
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
