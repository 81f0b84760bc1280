"""Story grouping in linear time, from a small record of keys per document.

Grouping never looks at the texts once each document has its :class:`StoryKeys`: a MinHash
signature of its word shingles (for copies and light rewrites), its salient terms (rare words
weighted by how rare they are in English, from ``wordfreq``), its main actors and an event
signature (body, action, date, actors, from the reader's meetings, memberships and
coalitions). Keys are written to Parquet and read back (:meth:`StoryKeys.to_row`,
:func:`keys_to_table`), so a chunked or distributed run can group at the end from keys alone.

:func:`group_story_keys` is a blocking scheme whose every step is a public function, so that it
runs the same on one machine or on a cluster:

1. :func:`block_keys` -- a document's blocks: its 16 MinHash band hashes, its events and its
   salient terms (a distributed run shuffles ``(block key, doc id)`` pairs by block key);
2. :func:`block_edges` -- inside one block, the pairs worth comparing, each checked with
   :func:`verify_pair`, with a bound on work: a small block is compared pair by pair, a large
   one (a wire story reprinted 500 times) by comparing each member with a few representatives
   of the clusters met so far in the block, so the work grows with the block, not its square;
3. :func:`connected_stories` -- union-find over the verified edges;
4. :func:`story_ids` -- deterministic, readable ids, derived from the members' keys, and stable
   for stories that already exist.

Members of a block are taken in doc-id order and each block is handled on its own, so the
result does not depend on the order of the input or on how it was chunked.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from comity.news._doc import NewsDoc

__all__ = [
    "GroupingStats",
    "StoryKeys",
    "block_edges",
    "block_keys",
    "connected_stories",
    "group_story_keys",
    "keys_from_table",
    "keys_schema",
    "keys_to_table",
    "pair_score",
    "story_ids",
    "story_keys",
    "verify_pair",
]

#: MinHash over word 5-shingles: 64 permutations, cut into 16 bands of 4 rows. Two texts whose
#: shingle sets have Jaccard similarity J share a band with probability 1 - (1 - J**4)**16:
#: 0.64 at J = 0.5, 0.99 at J = 0.7, 0.05 at J = 0.2.
NUM_PERM = 64
BANDS = 16
ROWS = NUM_PERM // BANDS
SEED = 20261205
SHINGLE = 5
#: How many salient terms a document keeps, and how many of them become blocks.
TERMS = 24
TERM_BLOCKS = 4
#: Estimated shingle Jaccard above which two documents are copies of one text.
COPY_JACCARD = 0.5
#: Similarity of the term-and-fact vectors above which two documents report one event.
MATCH_SCORE = 0.2
#: Weight of an actor or event token against a term of the same rarity.
FACT_WEIGHT = 1.5
#: Reports of one meeting (body, day) or of one membership event: their distance is halved.
SHARED_EVENT_FACTOR = 0.5
#: Reports whose story dates lie further apart than this are not one story.
MAX_DAYS_APART = 45
#: A block of at most this many members is compared pair by pair; a larger one by representatives.
SMALL_BLOCK = 16
#: In a large block, each member is compared with at most this many clusters met so far (the
#: most recently joined) and at most ``REPRESENTATIVES`` members of each (its first and latest).
MAX_CLUSTERS = 8
REPRESENTATIVES = 2

_WORD = re.compile(r"[^\W\d_][\w'’-]*", re.UNICODE)
# Function words and the genre's most common words: they say nothing about which event is told.
STOP = frozenset(
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
# Actions of the membership frames that tell one event: announcing a withdrawal and
# withdrawing are one story told at two moments.
_ACTION_CLASS = {
    "announce_withdrawal": "leave",
    "withdraw": "leave",
    "join": "join",
    "accede": "join",
    "rejoin": "rejoin",
    "suspend": "suspend",
    "expel": "expel",
}


def words(text: str) -> list[str]:
    """Lower-cased words of ``text`` (letters first; possessive ``'s`` dropped)."""
    found = []
    for word in _WORD.findall(text):
        word = word.lower().strip("'’-")
        if word.endswith(("'s", "’s")):
            word = word[:-2]
        found.append(word)
    return found


@functools.lru_cache(maxsize=200_000)
def _rarity(word: str) -> float:
    """How rare ``word`` is in English: 8 minus its Zipf frequency (0 for "the", 8 for unseen)."""
    from wordfreq import zipf_frequency

    return max(0.5, 8.0 - zipf_frequency(word, "en"))


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", folded.lower())).strip()


def _surname(name: str) -> str:
    parts = _norm(name).split()
    return parts[-1] if parts else ""


def _stable_hash(data: bytes) -> int:
    """A signed 64-bit hash that is the same in every process (Python's ``hash`` is salted)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


@dataclass(frozen=True)
class StoryKeys:
    """What story grouping needs to know of one document (about 1 KB).

    Attributes
    ----------
    doc_id:
        The document's id.
    date:
        The story date (ISO day): the first full meeting date, else the page date; or None.
    signature:
        The MinHash signature of the word 5-shingles: ``NUM_PERM`` unsigned 32-bit values, as bytes.
    bands:
        ``BANDS`` hashes of the signature's bands (signed 64-bit): the copy blocks.
    terms, weights:
        The salient terms (most weight first) and their weights (sublinear count times rarity).
    actors:
        Main actors: ``state:ISO3``, ``org:ID``, ``person:surname``, most mentioned first.
    events:
        The event signature: ``meet:BODY:DATE``, ``leave:ACTOR:BODY:DATE`` (and ``join``,
        ``rejoin``, ``suspend``, ``expel``), ``coalition:A+B+C``.
    bodies:
        The bodies the document is about, for the story's readable id.
    """

    doc_id: str
    date: str | None
    signature: bytes
    bands: tuple[int, ...]
    terms: tuple[str, ...]
    weights: tuple[float, ...]
    actors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()
    _vector: dict[str, float] = field(default_factory=dict, init=False, repr=False, compare=False, hash=False)

    def to_row(self) -> dict[str, Any]:
        """A flat dictionary of plain values (one Parquet row; see :func:`keys_schema`)."""
        return {
            "doc_id": self.doc_id,
            "date": self.date,
            "signature": self.signature,
            "bands": list(self.bands),
            "terms": list(self.terms),
            "weights": list(self.weights),
            "actors": list(self.actors),
            "events": list(self.events),
            "bodies": list(self.bodies),
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> StoryKeys:
        """The keys back from :meth:`to_row` (or from a row of a table written with :func:`keys_to_table`).

        Raises
        ------
        BadInput
            When a column is missing or the signature has the wrong length.
        """
        from comity.errors import BadInput

        missing = [name for name in _COLUMNS if name not in row]
        if missing:
            raise BadInput(
                f"story keys row lacks {', '.join(missing)}",
                hint="Write story keys with StoryKeys.to_row() or keys_to_table().",
            )
        signature = bytes(row["signature"])
        if len(signature) != 4 * NUM_PERM or len(row["bands"]) != BANDS:
            raise BadInput(
                f"story keys of {row['doc_id']!r} have a signature of {len(signature)} bytes and "
                f"{len(row['bands'])} bands (expected {4 * NUM_PERM} and {BANDS})",
                hint="The keys were written by another version of comity: compute them again.",
            )
        return cls(
            doc_id=str(row["doc_id"]),
            date=row["date"] or None,
            signature=signature,
            bands=tuple(int(b) for b in row["bands"]),
            terms=tuple(str(t) for t in row["terms"]),
            weights=tuple(float(w) for w in row["weights"]),
            actors=tuple(str(a) for a in row["actors"]),
            events=tuple(str(e) for e in row["events"]),
            bodies=tuple(str(b) for b in row["bodies"]),
        )

    @property
    def day(self) -> dt.date | None:
        """The story date as a date."""
        return dt.date.fromisoformat(self.date) if self.date else None

    def vector(self) -> dict[str, float]:
        """Terms and facts with their weights, unit length (cached)."""
        if not self._vector:
            values = dict(zip(self.terms, self.weights, strict=True))
            for token in self.actors + self.events:
                values[token] = FACT_WEIGHT * _fact_rarity(token)
            norm = math.sqrt(sum(v * v for v in values.values())) or 1.0
            self._vector.update({k: v / norm for k, v in values.items()})
        return self._vector


_COLUMNS = ("doc_id", "date", "signature", "bands", "terms", "weights", "actors", "events", "bodies")


def _fact_rarity(token: str) -> float:
    # Events and people tell a story apart; a state or a body alone (the USA, the UN) does so weakly.
    kind = token.split(":", 1)[0]
    if kind in {"state", "org"}:
        return 2.0
    return 4.0


def keys_schema() -> Any:
    """The Arrow schema of a table of story keys."""
    import pyarrow as pa

    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("date", pa.string()),
            ("signature", pa.binary()),
            ("bands", pa.list_(pa.int64())),
            ("terms", pa.list_(pa.string())),
            ("weights", pa.list_(pa.float32())),
            ("actors", pa.list_(pa.string())),
            ("events", pa.list_(pa.string())),
            ("bodies", pa.list_(pa.string())),
        ]
    )


def keys_to_table(keys: Iterable[StoryKeys]) -> Any:
    """Story keys as an Arrow table (write it with ``pyarrow.parquet.write_table``)."""
    import pyarrow as pa

    return pa.Table.from_pylist([k.to_row() for k in keys], schema=keys_schema())


def keys_from_table(table: Any) -> list[StoryKeys]:
    """Story keys from an Arrow table (or anything with ``to_pylist``) of :func:`keys_schema`."""
    return [StoryKeys.from_row(row) for row in table.to_pylist()]


# -- computing the keys of a document ---------------------------------------------------------


def _minhash(tokens: list[str]) -> np.ndarray:
    from datasketch import MinHash

    shingles = {" ".join(tokens[i : i + SHINGLE]) for i in range(max(1, len(tokens) - SHINGLE + 1))}
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED)
    minhash.update_batch([s.encode("utf-8") for s in shingles])
    # datasketch keeps values below 2**32 (its hash is 32-bit): they fit unsigned 32-bit.
    return np.asarray(minhash.hashvalues, dtype=np.uint32)


def _bands(signature: np.ndarray) -> tuple[int, ...]:
    rows = signature.reshape(BANDS, ROWS)
    return tuple(_stable_hash(bytes([index]) + rows[index].tobytes()) for index in range(BANDS))


def story_date(doc: NewsDoc) -> str | None:
    """The story date of ``doc``: its first full meeting date, else its page date (ISO day), or None."""
    from comity.news._dates import page_date

    days = sorted(m.date for m in doc.meetings if m.date and len(m.date) == 10)
    value = days[0] if days else page_date(doc.text, published=doc.meta.get("published"))
    if not value or len(value) != 10:
        return None
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return None
    return value


def _salient_terms(tokens: list[str]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    counts = Counter(w for w in tokens if len(w) > 2 and w not in STOP)
    weighted = sorted(
        ((term, (1.0 + math.log(count)) * _rarity(term)) for term, count in counts.items()),
        key=lambda item: (-item[1], item[0]),
    )[:TERMS]
    return tuple(t for t, _ in weighted), tuple(round(w, 3) for _, w in weighted)


def _actors(doc: NewsDoc) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    for mention in doc.mentions:
        if mention.entity_type == "state":
            counts[f"state:{mention.entity_id}"] += 1
        elif mention.entity_type == "organisation" and mention.entity_id != "UN":
            counts[f"org:{mention.entity_id}"] += 1
    for person in doc.people:
        surname = _surname(person.name)
        if surname:
            counts[f"person:{surname}"] += max(1, len(person.mentions))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    states = [a for a, _ in ranked if a.startswith("state:")][:4]
    orgs = [a for a, _ in ranked if a.startswith("org:")][:3]
    people = [a for a, _ in ranked if a.startswith("person:")][:4]
    return tuple(states + orgs + people)


def _events(doc: NewsDoc) -> tuple[str, ...]:
    events: set[str] = set()
    for meeting in doc.meetings:
        events.add(f"meet:{meeting.body}:{meeting.date or ''}")
    for change in doc.memberships:
        kind = _ACTION_CLASS.get(change.action, change.action)
        events.add(f"{kind}:{change.actor}:{change.body}:{change.date or ''}")
    for coalition in doc.coalitions:
        if len(coalition.members) >= 2:
            events.add("coalition:" + "+".join(sorted(set(coalition.members))))
    return tuple(sorted(events))


def _bodies(doc: NewsDoc) -> tuple[str, ...]:
    bodies = Counter(m.body for m in doc.meetings)
    if not bodies:
        bodies = Counter(c.org_id for c in doc.coalitions if c.org_id)
    if not bodies:
        bodies = Counter(c.body for c in doc.memberships)
    if not bodies:
        bodies = Counter(
            m.entity_id for m in doc.mentions if m.entity_type == "organisation" and m.entity_id != "UN"
        )
    return tuple(b for b, _ in sorted(bodies.items(), key=lambda item: (-item[1], item[0]))[:3])


def story_keys(doc: NewsDoc) -> StoryKeys:
    """The story keys of a read document (see :class:`StoryKeys`)."""
    tokens = words(doc.text)
    signature = _minhash(tokens)
    terms, weights = _salient_terms(tokens)
    return StoryKeys(
        doc_id=doc.id,
        date=story_date(doc),
        signature=signature.tobytes(),
        bands=_bands(signature),
        terms=terms,
        weights=weights,
        actors=_actors(doc),
        events=_events(doc),
        bodies=_bodies(doc),
    )


# -- blocking and verification -----------------------------------------------------------------


def block_keys(keys: StoryKeys) -> list[str]:
    """The blocks a document falls in: its MinHash bands, its dated events and its salient terms.

    Documents that share no block are never compared.
    """
    blocks = [f"band{index}:{value}" for index, value in enumerate(keys.bands)]
    for event in keys.events:
        kind, _, rest = event.partition(":")
        if kind == "meet":
            body, _, date = rest.partition(":")
            if len(date) == 10:
                # A meeting of any body on that day: "the UN" and "the Security Council" name one meeting.
                blocks.append(f"day:{date}")
        elif kind != "coalition":
            actor, body, _ = rest.split(":", 2)
            blocks.append(f"change:{actor}:{body}")
        else:
            blocks.append(event)
    blocks += [f"term:{term}" for term in keys.terms[:TERM_BLOCKS]]
    return blocks


def _jaccard(first: StoryKeys, second: StoryKeys) -> float:
    a = np.frombuffer(first.signature, dtype=np.uint32)
    b = np.frombuffer(second.signature, dtype=np.uint32)
    return float(np.count_nonzero(a == b)) / NUM_PERM


def _shared_event(first: StoryKeys, second: StoryKeys) -> bool:
    for a in first.events:
        kind, _, rest = a.partition(":")
        if kind == "coalition":
            continue
        for b in second.events:
            other_kind, _, other = b.partition(":")
            if kind == "meet" and other_kind == "meet":
                body_a, _, day_a = rest.partition(":")
                body_b, _, day_b = other.partition(":")
                if len(day_a) == 10 and day_a == day_b and (body_a == body_b or "UN" in (body_a, body_b)):
                    return True
            elif kind == other_kind and kind != "meet":
                actor_a, body_a, date_a = rest.split(":", 2)
                actor_b, body_b, date_b = other.split(":", 2)
                size = min(len(date_a), len(date_b))
                if (actor_a, body_a) == (actor_b, body_b) and date_a[:size] == date_b[:size]:
                    return True
    return False


def pair_score(first: StoryKeys, second: StoryKeys) -> float:
    """How surely two documents report one event, in [0, 1] (see :func:`verify_pair` for the cut)."""
    if _jaccard(first, second) >= COPY_JACCARD:
        return 1.0
    if first.date and second.date:
        apart = abs((dt.date.fromisoformat(first.date) - dt.date.fromisoformat(second.date)).days)
        if apart > MAX_DAYS_APART:
            return 0.0
    a, b = first.vector(), second.vector()
    if len(b) < len(a):
        a, b = b, a
    similarity = sum(value * b.get(token, 0.0) for token, value in a.items())
    if _shared_event(first, second):
        similarity = 1.0 - (1.0 - similarity) * SHARED_EVENT_FACTOR
    return similarity


def verify_pair(first: StoryKeys, second: StoryKeys) -> bool:
    """Whether two documents report one event: copies of one text, or the same terms and facts."""
    return pair_score(first, second) >= MATCH_SCORE


# -- grouping ------------------------------------------------------------------------------------


@dataclass
class GroupingStats:
    """What a grouping run did: blocks seen, pairs verified (the work), edges found."""

    documents: int = 0
    blocks: int = 0
    large_blocks: int = 0
    verifications: int = 0
    edges: int = 0


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, item: str) -> str:
        parent = self.parent.setdefault(item, item)
        if parent != item:
            root = item
            while self.parent[root] != root:
                root = self.parent[root]
            # Path compression: later finds are near constant time.
            while self.parent[item] != root:
                self.parent[item], item = root, self.parent[item]
            return root
        return item

    def union(self, first: str, second: str) -> bool:
        a, b = self.find(first), self.find(second)
        if a == b:
            return False
        # The smaller id becomes the root, so the result does not depend on the order of unions.
        if b < a:
            a, b = b, a
        self.parent[b] = a
        return True


def block_edges(
    members: Sequence[StoryKeys],
    verify: Callable[[StoryKeys, StoryKeys], bool] = verify_pair,
    *,
    skip: Callable[[StoryKeys, StoryKeys], bool] | None = None,
) -> Iterator[tuple[str, str]]:
    """The verified pairs ``(smaller id, larger id)`` inside one block, with bounded work.

    Members are taken in doc-id order. A block of at most ``SMALL_BLOCK`` members is compared
    pair by pair. In a larger one each member is compared with at most ``REPRESENTATIVES``
    members (the first and the latest) of each of at most ``MAX_CLUSTERS`` clusters formed so far
    in the block, most recently joined first: a block of 1,000 copies of one story costs about
    1,000 verifications, not 500,000.

    ``skip(a, b)`` may say that a pair needs no verification (both already in one story);
    in pair-by-pair mode such pairs are passed over.
    """
    ordered = sorted(members, key=lambda k: k.doc_id)
    if len(ordered) <= SMALL_BLOCK:
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                if skip is not None and skip(first, second):
                    continue
                if verify(first, second):
                    yield first.doc_id, second.doc_id
        return
    # Clusters of this block: [first member, latest member], most recently joined last.
    clusters: list[list[StoryKeys]] = []
    for member in ordered:
        joined: list[int] = []
        for position in range(len(clusters) - 1, max(-1, len(clusters) - 1 - MAX_CLUSTERS), -1):
            for representative in clusters[position][:REPRESENTATIVES]:
                if verify(representative, member):
                    yield representative.doc_id, member.doc_id
                    joined.append(position)
                    break
        if not joined:
            clusters.append([member])
            continue
        # The member bridges the clusters it matched: they become one, with it as the latest member.
        merged = clusters[min(joined)]
        for position in sorted(joined, reverse=True):
            if position != min(joined):
                del clusters[position]
        del clusters[clusters.index(merged)]
        clusters.append([merged[0], member])


def connected_stories(doc_ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Union-find over verified edges: document id -> smallest document id of its story."""
    union = _UnionFind()
    for doc_id in doc_ids:
        union.find(doc_id)
    for first, second in edges:
        union.union(first, second)
    return {doc_id: union.find(doc_id) for doc_id in union.parent}


def _slug(members: Sequence[StoryKeys]) -> str:
    bodies = Counter(k.bodies[0] for k in members if k.bodies)
    body = min(bodies, key=lambda b: (-bodies[b], b)) if bodies else "news"
    months = Counter(k.date[:7] for k in members if k.date)
    month = min(months, key=lambda m: (-months[m], m)) if months else ""
    body_words = body.lower().split("_")[:3]
    terms = Counter(t for k in members for t in k.terms[:3] if len(t) > 3 and t not in body_words)
    term = min(terms, key=lambda t: (-terms[t], t)) if terms else ""
    parts = ["-".join(body_words), month, re.sub(r"[^a-z0-9]+", "-", _norm(term))]
    return "-".join(part for part in parts if part).strip("-") or "story"


def story_ids(
    groups: Mapping[str, Sequence[str]],
    keys: Mapping[str, StoryKeys],
    existing: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """Readable, deterministic story ids for groups of document ids, keyed by a root id.

    A group that holds documents of an existing story keeps that story's id (of its smallest
    such document); a new group gets ``body-yyyy-mm-term`` from its members' ``keys``, with
    ``-2``, ``-3`` ... when that id is taken, in the order of the groups' smallest document ids.
    """
    existing = existing or {}
    result: dict[str, str] = {}
    used = set(existing.values())
    fresh = []
    for root, members in groups.items():
        kept = sorted(doc_id for doc_id in members if doc_id in existing)
        if kept:
            result[root] = existing[kept[0]]
        else:
            fresh.append((min(members), root))
    for _, root in sorted(fresh):
        base = slug = _slug([keys[doc_id] for doc_id in groups[root] if doc_id in keys])
        number = 1
        while slug in used:
            number += 1
            slug = f"{base}-{number}"
        used.add(slug)
        result[root] = slug
    return result


def group_story_keys(
    keys: Iterable[StoryKeys],
    *,
    existing: Mapping[str, str] | None = None,
    verify: Callable[[StoryKeys, StoryKeys], bool] = verify_pair,
    stats: GroupingStats | None = None,
) -> dict[str, str]:
    """Group documents into stories from their keys, in time linear in the number of documents.

    Parameters
    ----------
    keys:
        The keys of the documents to group (:func:`story_keys`), and, for an incremental run,
        those of the documents already in stories.
    existing:
        Document id -> story id of documents already grouped. Their stories are kept as they
        are; only blocks that hold a new document are examined, so new documents join the
        existing stories (and may join two of them into one) without regrouping the rest.
    verify:
        The pair check (default :func:`verify_pair`).
    stats:
        When given, filled with the work done.

    Returns
    -------
    dict
        Document id -> story id, for every document of ``keys`` and ``existing``.
    """
    existing = dict(existing or {})
    by_id: dict[str, StoryKeys] = {}
    for item in keys:
        by_id[item.doc_id] = item
    stats = stats if stats is not None else GroupingStats()
    stats.documents = len(by_id)
    union = _UnionFind()
    for doc_id in sorted(set(by_id) | set(existing)):
        union.find(doc_id)
    first_of_story: dict[str, str] = {}
    for doc_id in sorted(existing):
        story = existing[doc_id]
        if story in first_of_story:
            union.union(first_of_story[story], doc_id)
        else:
            first_of_story[story] = doc_id
    blocks: dict[str, list[str]] = defaultdict(list)
    for doc_id, item in by_id.items():
        for block in block_keys(item):
            blocks[block].append(doc_id)
    verified: dict[tuple[str, str], bool] = {}

    def check(first: StoryKeys, second: StoryKeys) -> bool:
        pair = (
            (first.doc_id, second.doc_id) if first.doc_id < second.doc_id else (second.doc_id, first.doc_id)
        )
        found = verified.get(pair)
        if found is None:
            stats.verifications += 1
            found = verified[pair] = verify(first, second)
        return found

    def connected(first: StoryKeys, second: StoryKeys) -> bool:
        return union.find(first.doc_id) == union.find(second.doc_id)

    for block in sorted(blocks):
        members = blocks[block]
        if len(members) < 2 or all(m in existing for m in members):
            continue
        stats.blocks += 1
        stats.large_blocks += len(members) > SMALL_BLOCK
        for first, second in block_edges([by_id[m] for m in members], check, skip=connected):
            stats.edges += union.union(first, second)
    verified.clear()
    roots = {doc_id: union.find(doc_id) for doc_id in union.parent}
    groups: dict[str, list[str]] = defaultdict(list)
    for doc_id, root in roots.items():
        groups[root].append(doc_id)
    ids = story_ids(groups, by_id, existing)
    return {doc_id: ids[root] for doc_id, root in sorted(roots.items())}
