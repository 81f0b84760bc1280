"""Story grouping in linear time, from a small record of keys per document.

Grouping never looks at the texts once each document has its :class:`StoryKeys` (about 2 KB):
a MinHash signature of its word shingles (copies and light rewrites), its salient terms (rare
words, weighted by how rare they are in English, from ``wordfreq``), the hashed terms and facts
of its story vector, its main actors and an event signature (body, action, date, actors, from
the reader's meetings, memberships and coalitions). Keys are written to Parquet and read back
(:meth:`StoryKeys.to_row`, :func:`keys_to_table`), so a chunked or distributed run groups at the
end from keys alone.

Two documents are near when their distance (:func:`pair_distance`) is below ``CUT``: one minus
the cosine of their TF-IDF vectors over terms and found facts (facts weighted above words, the
IDF from the document frequencies of the whole run, :class:`TermStats`), halved for reports of
one meeting on one day or one dated membership event that is both pages' news (dated near their
own dates, not recalled from long before), zero for copies, one for reports dated far
apart, two for reports of membership events of different bodies or actors (two events of one
body are two stories). Stories are the clusters of average linkage cut at ``CUT``. Every step
is a public function, so that it runs the same on one machine or a cluster:

1. :func:`block_keys` -- a document's blocks: its 16 MinHash band hashes, its dated events and
   its salient terms (a distributed run shuffles ``(block key, doc id)`` pairs by block key);
2. :func:`block_edges` -- inside one block, the pairs worth comparing, each checked with
   :func:`verify_pair`, with a bound on work: a small block is compared pair by pair, a large one
   (a wire story reprinted 500 times) by comparing each member with a few representatives of
   the clusters met so far in the block, so work grows with the block, not its square;
3. :func:`connected_stories` -- union-find over the verified edges: candidate components. Average
   linkage never joins documents of two components (every pair across them is at least
   ``CUT`` apart), so each component is clustered on its own;
4. :func:`split_component` -- average linkage inside one component (bounded: copies are folded
   first, and a component still larger than ``AVERAGE_LIMIT`` is clustered by comparing each
   document with the centroids of a few candidate clusters);
5. :func:`story_ids` -- deterministic, readable ids from the members' keys, kept for stories
   that already exist.

Members of a block and of a component are taken in doc-id order and each is handled on its own,
so the result does not depend on the order of the input or on how it was chunked.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
import operator
import re
import unicodedata
import zlib
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import accumulate, repeat
from typing import Any, Generic, Protocol, TypeVar

import numpy as np

from comity.news._doc import NewsDoc

__all__ = [
    "GroupingStats",
    "StoryKeys",
    "TermStats",
    "block_edges",
    "block_keys",
    "connected_stories",
    "copy_jaccard",
    "event_block",
    "group_story_keys",
    "keys_from_table",
    "keys_schema",
    "keys_to_table",
    "load_story_key_resources",
    "pair_distance",
    "split_component",
    "story_features",
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
#: Salient terms kept (by count times rarity), and how many of them become blocks.
TERMS = 12
TERM_BLOCKS = 6
#: Tokens (terms and facts) kept in the story vector, most frequent first.
VECTOR_TOKENS = 128
#: Estimated shingle Jaccard at or above which two documents are copies of one text.
COPY_JACCARD = 0.5
#: Average-linkage cut on cosine distance: documents join while their average distance is below it.
CUT = 0.91
#: Weight of a found fact (state, body, person, meeting, member, quoted words) against a word.
FACT_WEIGHT = 1.5
#: Two reports of one meeting (body, day) or of one dated membership event (actor, body,
#: action, date): their distance is multiplied by this factor.
SHARED_EVENT_FACTOR = 0.5
#: The distance of two reports of different membership events: above 1, so that average linkage
#: keeps them apart even when other members of their clusters are near.
CONFLICT_DISTANCE = 2.0
#: Reports whose story dates lie further apart than this are not one story.
MAX_DAYS_APART = 45
#: A block of at most this many members is compared pair by pair; a larger one by representatives.
SMALL_BLOCK = 16
#: In a large block, each member is compared with at most this many clusters met so far (the
#: most recently joined) and at most ``REPRESENTATIVES`` members of each (its first and latest).
MAX_CLUSTERS = 8
REPRESENTATIVES = 2
#: A component of at most this many (copy-folded) documents is clustered by exact average linkage.
AVERAGE_LIMIT = 300
#: Beyond it, each document is compared with the centroids of at most this many candidate clusters.
CANDIDATE_CLUSTERS = 16

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
    """Lower-cased words of ``text`` (starting with a letter; edge quotes and hyphens dropped)."""
    return [w.lower().strip("'’-") for w in _WORD.findall(text)]


def term_tokens(doc: NewsDoc) -> list[str]:
    """The words of ``doc`` that may tell its story: longer than two letters, not function words."""
    return [w for w in words(doc.text) if len(w) > 2 and w not in STOP]


@functools.lru_cache(maxsize=200_000)
def _rarity(word: str) -> float:
    """How rare ``word`` is in English: 8 minus its Zipf frequency (0.5 for "the", 8 for unseen)."""
    from wordfreq import zipf_frequency

    return max(0.5, 8.0 - zipf_frequency(word, "en"))


_PUNCTUATION = re.compile(r"[^\w\s]")
_SPACES = re.compile(r"\s+")


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _SPACES.sub(" ", _PUNCTUATION.sub(" ", folded.lower())).strip()


# Each person's surname is asked for twice per document, and names recur across documents.
@functools.lru_cache(maxsize=1 << 12)
def _surname(name: str) -> str:
    parts = _norm(name).split()
    return parts[-1] if parts else ""


def _stable_hash(data: bytes) -> int:
    """A signed 64-bit hash that is the same in every process (Python's ``hash`` is salted)."""
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little", signed=True)


@functools.lru_cache(maxsize=1 << 16)
def _token_hash(token: str) -> int:
    """:func:`_stable_hash` of a story-vector token. Cached: a document has a hundred tokens and
    most are common words or facts met in other documents (a blake2b call costs more than the
    rest of a token's share of the vector)."""
    return _stable_hash(token.encode("utf-8"))


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
        quoted = [w for w in words(doc.text[quote.start : quote.end]) if w not in STOP]
        tokens += [f"quote:{a}_{b}" for a, b in zip(quoted, quoted[1:], strict=False)]
    return tokens


@dataclass(frozen=True)
class StoryKeys:
    """What story grouping needs to know of one document (about 2 KB).

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
    tokens, counts:
        The story vector: sorted 64-bit hashes of its ``VECTOR_TOKENS`` most frequent terms and
        facts, as bytes, and their weights (1 + log count, facts times ``FACT_WEIGHT``) as
        32-bit floats. The IDF is applied at grouping time, from the whole run.
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
    tokens: bytes = b""
    counts: bytes = b""
    terms: tuple[str, ...] = ()
    weights: tuple[float, ...] = ()
    actors: tuple[str, ...] = ()
    events: tuple[str, ...] = ()
    bodies: tuple[str, ...] = ()

    def to_row(self) -> dict[str, Any]:
        """A flat dictionary of plain values (one Parquet row; see :func:`keys_schema`)."""
        return {
            "doc_id": self.doc_id,
            "date": self.date,
            "signature": self.signature,
            "bands": list(self.bands),
            "tokens": self.tokens,
            "counts": self.counts,
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
            When a column is missing or the signature or vector has the wrong length.
        """
        from comity.errors import BadInput

        missing = [name for name in _COLUMNS if name not in row]
        if missing:
            raise BadInput(
                f"story keys row lacks {', '.join(missing)}",
                hint="Write story keys with StoryKeys.to_row() or keys_to_table().",
            )
        signature = bytes(row["signature"])
        tokens, counts = bytes(row["tokens"]), bytes(row["counts"])
        if len(signature) != 4 * NUM_PERM or len(row["bands"]) != BANDS or len(tokens) != 2 * len(counts):
            raise BadInput(
                f"story keys of {row['doc_id']!r} have a signature of {len(signature)} bytes, "
                f"{len(row['bands'])} bands and {len(tokens)} bytes of tokens for {len(counts)} of counts "
                f"(expected {4 * NUM_PERM}, {BANDS}, and 8 bytes of token for 4 of count)",
                hint="The keys were written by another version of comity: compute them again.",
            )
        return cls(
            doc_id=str(row["doc_id"]),
            date=row["date"] or None,
            signature=signature,
            bands=tuple(int(b) for b in row["bands"]),
            tokens=tokens,
            counts=counts,
            terms=tuple(str(t) for t in row["terms"]),
            weights=tuple(float(w) for w in row["weights"]),
            actors=tuple(str(a) for a in row["actors"]),
            events=tuple(str(e) for e in row["events"]),
            bodies=tuple(str(b) for b in row["bodies"]),
        )

    @property
    def token_hashes(self) -> np.ndarray:
        """The story vector's token hashes (sorted, signed 64-bit)."""
        return np.frombuffer(self.tokens, dtype=np.int64)

    @property
    def token_counts(self) -> np.ndarray:
        """The story vector's weights before IDF, aligned with :attr:`token_hashes`."""
        return np.frombuffer(self.counts, dtype=np.float32)


_COLUMNS = (
    "doc_id",
    "date",
    "signature",
    "bands",
    "tokens",
    "counts",
    "terms",
    "weights",
    "actors",
    "events",
    "bodies",
)


def keys_schema() -> Any:
    """The Arrow schema of a table of story keys."""
    import pyarrow as pa

    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("date", pa.string()),
            ("signature", pa.binary()),
            ("bands", pa.list_(pa.int64())),
            ("tokens", pa.binary()),
            ("counts", pa.binary()),
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


def load_story_key_resources() -> None:
    """Load what :func:`story_keys` needs once per process (datasketch's permutations, the word
    frequency list): about a second, that a corpus run spends before it forks its workers, which
    then share them, rather than once in each."""
    from wordfreq import zipf_frequency

    _permutations()
    zipf_frequency("news", "en")


@functools.lru_cache(maxsize=1)
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """datasketch's random affine permutations (``a``, ``b``) for ``NUM_PERM`` and ``SEED``."""
    from datasketch import MinHash

    # Drawing the permutations costs more than hashing a short text: draw them once.
    a, b = MinHash(num_perm=NUM_PERM, seed=SEED).permutations
    return np.asarray(a, dtype=np.uint32), np.asarray(b, dtype=np.uint32)


# The MurmurHash3 32-bit finalizer's multipliers (datasketch's "affine32" pre-mix).
_FMIX_1 = np.uint32(0x85EBCA6B)
_FMIX_2 = np.uint32(0xC2B2AE35)


def _shingles(tokens: list[str]) -> list[str]:
    """The word ``SHINGLE``-grams of ``tokens`` joined by spaces (the whole text when shorter),
    sliced from one joined string rather than joined one by one (a join per shingle cost half
    the time of the signature)."""
    text = " ".join(tokens)
    count = len(tokens)
    if count <= SHINGLE:
        return [text]
    # ends[i]: the offset just past token i and its space; shingle i runs from the end of token
    # i - 1 to one space before the end of token i + SHINGLE - 1.
    ends = list(accumulate([len(token) + 1 for token in tokens]))
    starts = [0, *ends[: count - SHINGLE]]
    return [text[start : end - 1] for start, end in zip(starts, ends[SHINGLE - 1 :], strict=True)]


def _minhash(tokens: list[str]) -> np.ndarray:
    """The MinHash signature of the word shingles of ``tokens``: ``NUM_PERM`` unsigned 32-bit values.

    It is datasketch's ``MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32)`` updated
    with the UTF-8 shingles (its "affine32" scheme: the CRC-32 of each shingle, mixed by the
    MurmurHash3 finalizer, then ``a * h + b`` modulo 2**32 for each permutation, the minimum over
    the shingles), computed for all shingles in one numpy expression: building a ``MinHash``
    and feeding it cost more than the arithmetic. A test checks it against datasketch.
    """
    shingles = _shingles(tokens)
    # CRC-32, a 32-bit hash in C (SHA-1, datasketch's default, cost most of a document's keys).
    # Repeated shingles need no removing: they cannot change a minimum.
    hashes = np.fromiter(map(zlib.crc32, map(str.encode, shingles)), dtype=np.uint32, count=len(shingles))
    hashes ^= hashes >> 16
    hashes *= _FMIX_1
    hashes ^= hashes >> 13
    hashes *= _FMIX_2
    hashes ^= hashes >> 16
    a, b = _permutations()
    # uint32 arithmetic wraps: the modulo 2**32 of the scheme.
    signature: np.ndarray = (np.multiply.outer(hashes, a) + b).min(axis=0)
    return signature


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


@functools.lru_cache(maxsize=1024)
def _term_weight(count: int) -> float:
    """A term's sublinear weight, ``1 + ln(count)`` (counts are small: cached)."""
    return 1.0 + math.log(count)


@functools.lru_cache(maxsize=1024)
def _fact_weight(count: int) -> float:
    return FACT_WEIGHT * (1.0 + math.log(count))


@functools.lru_cache(maxsize=1024)
def _fact_rank(count: int) -> float:
    # A fact ranks by its weight without the fact factor, as a term of its count would.
    return -_fact_weight(count) / FACT_WEIGHT


def _vector(term_counts: Mapping[str, int], facts: list[str]) -> tuple[bytes, bytes]:
    # Terms are words and facts ``kind:value``: the two never share a token.
    fact_counts = Counter(facts)
    term_weights = list(map(_term_weight, term_counts.values()))
    weights = dict(zip(term_counts, term_weights, strict=True))
    weights.update(zip(fact_counts, map(_fact_weight, fact_counts.values()), strict=True))
    kept: Collection[str] = weights
    if len(weights) > VECTOR_TOKENS:
        # The most frequent tokens, ties broken alphabetically (a fixed rule: the same document
        # always keeps the same tokens). Most documents have fewer distinct tokens: all are kept.
        ranked = sorted(
            [
                *zip(map(operator.neg, term_weights), term_counts, strict=True),
                *zip(map(_fact_rank, fact_counts.values()), fact_counts, strict=True),
            ]
        )
        kept = [token for _, token in ranked[:VECTOR_TOKENS]]
    count = len(kept)
    hashes = np.fromiter(map(_token_hash, kept), dtype=np.int64, count=count)
    values = np.fromiter(map(weights.__getitem__, kept), dtype=np.float64, count=count)
    # Sorted by hash, then weight (a tie only if two tokens' hashes collide).
    order = np.lexsort((values, hashes))
    return hashes[order].tobytes(), values[order].astype(np.float32).tobytes()


def _salient_terms(term_counts: Counter[str]) -> tuple[tuple[str, ...], tuple[float, ...]]:
    counts = term_counts
    # A possessive counts with its word ("council's" as "council"): folded over the distinct
    # words rather than tested token by token. (Terms are longer than two letters; a word
    # left shorter by the folding is no term.)
    possessives = [term for term in counts if term.endswith(("'s", "’s"))]
    if possessives:
        counts = Counter(term_counts)
        folded: Counter[str] = Counter()
        for term in possessives:
            count = counts.pop(term)
            if len(term) > 4:
                folded[term[:-2]] += count
        counts.update(folded)
    weights = map(operator.mul, map(_term_weight, counts.values()), map(_rarity, counts))
    # (-weight, term) tuples sort most weight first, ties alphabetically, without a key function.
    ranked = sorted(zip(map(operator.neg, weights), counts, strict=True))[:TERMS]
    return tuple(t for _, t in ranked), tuple(round(-w, 3) for w, _ in ranked)


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
        if len(set(coalition.members)) >= 2:
            events.add("coalition:" + "+".join(sorted(set(coalition.members))))
    return tuple(sorted(events))


def _bodies(doc: NewsDoc) -> tuple[str, ...]:
    bodies = Counter(m.body for m in doc.meetings)
    if not bodies:
        bodies = Counter(c.org_id for c in doc.coalitions if c.org_id)
    if not bodies:
        bodies = Counter(
            m.entity_id for m in doc.mentions if m.entity_type == "organisation" and m.entity_id != "UN"
        )
    return tuple(b for b, _ in sorted(bodies.items(), key=lambda item: (-item[1], item[0]))[:3])


def story_keys(doc: NewsDoc) -> StoryKeys:
    """The story keys of a read document (see :class:`StoryKeys`)."""
    all_words = words(doc.text)
    term_counts = Counter([w for w in all_words if len(w) > 2 and w not in STOP])
    signature = _minhash(all_words)
    tokens, counts = _vector(term_counts, story_features(doc))
    salient, weights = _salient_terms(term_counts)
    return StoryKeys(
        doc_id=doc.id,
        date=story_date(doc),
        signature=signature.tobytes(),
        bands=_bands(signature),
        tokens=tokens,
        counts=counts,
        terms=salient,
        weights=weights,
        actors=_actors(doc),
        events=_events(doc),
        bodies=_bodies(doc),
    )


# -- blocking ------------------------------------------------------------------------------------


def block_keys(keys: StoryKeys) -> list[str]:
    """The blocks a document falls in: its MinHash bands, its dated events and its salient terms.

    Documents that share no block are never compared.
    """
    blocks = [f"band{index}:{value}" for index, value in enumerate(keys.bands)]
    blocks += [block for block in map(event_block, keys.events) if block is not None]
    blocks += [f"term:{term}" for term in keys.terms[:TERM_BLOCKS]]
    return blocks


def event_block(event: str) -> str | None:
    """The block of one event of the signature: ``day:DATE`` for a meeting of a full date (of any
    body: "the UN" and "the Security Council" name one meeting), the event itself for a coalition,
    ``change:ACTOR:BODY`` for a membership event (of any action or date); None for an undated
    meeting. (The store finds the stored documents that share a block with new ones by the same
    rule in SQL: :data:`comity.news._store.EVENT_BLOCK_SQL`.)"""
    kind, _, rest = event.partition(":")
    if kind == "meet":
        _, _, date = rest.partition(":")
        return f"day:{date}" if len(date) == 10 else None
    if kind == "coalition":
        return event
    actor, body, _ = rest.split(":", 2)
    return f"change:{actor}:{body}"


# -- distances -----------------------------------------------------------------------------------


class TermStats:
    """Document frequencies of the story-vector tokens over a run, and the unit vectors they give.

    The IDF is ``ln((1 + n) / (1 + df)) + 1`` (scikit-learn's smooth IDF), as the TF-IDF of
    the first reader had it. Build it from every document of the run (:meth:`from_keys`) or
    from parts (:meth:`merge`, for a distributed run: frequencies add up).
    """

    def __init__(self, hashes: np.ndarray, frequencies: np.ndarray, documents: int) -> None:
        self.hashes = hashes
        self.frequencies = frequencies
        self.documents = documents
        self._unit: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._facts: dict[str, _Facts] = {}

    def __reduce__(self) -> tuple[type[TermStats], tuple[np.ndarray, np.ndarray, int]]:
        # The frequencies only, not the caches: a Dask worker sends the statistics it holds to
        # another worker while its own tasks fill the caches, and pickling a dict that grows
        # fails ("dictionary changed size during iteration") and left the run waiting forever.
        return (TermStats, (self.hashes, self.frequencies, self.documents))

    @classmethod
    def from_keys(cls, keys: Iterable[StoryKeys]) -> TermStats:
        """Count, for each token, the documents whose vector holds it."""
        arrays = [k.token_hashes for k in keys]
        if not arrays:
            return cls(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 0)
        hashes, frequencies = np.unique(np.concatenate(arrays), return_counts=True)
        return cls(hashes, frequencies.astype(np.int64), len(arrays))

    def merge(self, other: TermStats) -> TermStats:
        """The frequencies of two disjoint sets of documents together."""
        hashes = np.concatenate([self.hashes, other.hashes])
        frequencies = np.concatenate([self.frequencies, other.frequencies])
        unique, inverse = np.unique(hashes, return_inverse=True)
        total = np.zeros(len(unique), dtype=np.int64)
        np.add.at(total, inverse, frequencies)
        return TermStats(unique, total, self.documents + other.documents)

    def idf(self, hashes: np.ndarray) -> np.ndarray:
        """The IDF of each token (a token never counted has frequency 0)."""
        found = np.zeros(len(hashes), dtype=np.float64)
        if len(self.hashes):
            index = np.clip(np.searchsorted(self.hashes, hashes), 0, len(self.hashes) - 1)
            hit = self.hashes[index] == hashes
            found[hit] = self.frequencies[index[hit]]
        result: np.ndarray = np.log((1.0 + self.documents) / (1.0 + found)) + 1.0
        return result

    def unit(self, keys: StoryKeys) -> tuple[np.ndarray, np.ndarray]:
        """The document's TF-IDF vector of unit length: (sorted hashes, values); cached per document."""
        found = self._unit.get(keys.doc_id)
        if found is None:
            hashes = keys.token_hashes
            values = keys.token_counts.astype(np.float64) * self.idf(hashes)
            norm = float(np.sqrt(values @ values)) or 1.0
            found = self._unit[keys.doc_id] = (hashes, values / norm)
        return found

    def facts(self, keys: StoryKeys) -> _Facts:
        """The document's signature, date and events, parsed once per run."""
        found = self._facts.get(keys.doc_id)
        if found is None:
            found = self._facts[keys.doc_id] = _Facts.of(keys)
        return found

    def forget(self) -> None:
        """Drop the cached vectors and parsed facts (memory)."""
        self._unit.clear()
        self._facts.clear()


def _date_span(date: str) -> tuple[int, int] | None:
    """The first and last day (ordinals) of an ISO year, month or day; None when it is not one."""
    try:
        if len(date) == 4:
            year = int(date)
            return dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
        if len(date) == 7:
            first = dt.date(int(date[:4]), int(date[5:7]), 1)
            following = dt.date(first.year + first.month // 12, first.month % 12 + 1, 1)
            return first.toordinal(), following.toordinal() - 1
        if len(date) == 10:
            day = dt.date.fromisoformat(date).toordinal()
            return day, day
    except ValueError:
        return None
    return None


def _is_news(date: str, day: int | None) -> bool:
    """Whether an event dated ``date`` is the news of a page whose story date is ``day``: dated
    within ``MAX_DAYS_APART`` days of it, or either date unknown. An event dated long before
    (background the report recalls: "Burundi left the court in 2016" in a report of 2017) is
    not what the page reports, and two pages recalling it are not thereby one story."""
    if day is None:
        return True
    span = _date_span(date)
    if span is None:
        return True
    return span[0] - MAX_DAYS_APART <= day <= span[1] + MAX_DAYS_APART


@dataclass(slots=True)
class _Facts:
    signature: np.ndarray
    day: int | None
    #: Meetings (body, day) and membership events (kind, actor, body, date) that are the page's
    #: news (:func:`_is_news`): the events two reports must share to be told one event.
    meeting_days: list[tuple[str, str]]
    changes: list[tuple[str, str, str, str]]
    #: Body -> actors of every membership event the page tells, its background included.
    actors: dict[str, set[str]]

    @classmethod
    def of(cls, keys: StoryKeys) -> _Facts:
        days, changes = [], []
        actors: dict[str, set[str]] = defaultdict(set)
        day = dt.date.fromisoformat(keys.date).toordinal() if keys.date else None
        for event in keys.events:
            kind, _, rest = event.partition(":")
            if kind == "meet":
                body, _, date = rest.partition(":")
                if len(date) == 10 and _is_news(date, day):
                    days.append((body, date))
            elif kind != "coalition":
                actor, body, date = rest.split(":", 2)
                if _is_news(date, day):
                    changes.append((kind, actor, body, date))
                actors[body].add(actor)
        return cls(np.frombuffer(keys.signature, dtype=np.uint32), day, days, changes, dict(actors))


def _cosine(first: tuple[np.ndarray, np.ndarray], second: tuple[np.ndarray, np.ndarray]) -> float:
    # Both hash arrays are sorted: look the shorter up in the longer.
    if len(second[0]) < len(first[0]):
        first, second = second, first
    if not len(first[0]) or not len(second[0]):
        return 0.0
    # (The array method: numpy's function wrapper costs as much as the search on 128 values.)
    index = second[0].searchsorted(first[0])
    index[index == len(second[0])] = 0
    hit = second[0][index] == first[0]
    return float(first[1][hit] @ second[1][index[hit]])


def copy_jaccard(first: StoryKeys, second: StoryKeys) -> float:
    """The estimated Jaccard similarity of the two documents' word 5-shingles."""
    a = np.frombuffer(first.signature, dtype=np.uint32)
    b = np.frombuffer(second.signature, dtype=np.uint32)
    return float(np.count_nonzero(a == b)) / NUM_PERM


def _is_copy(first: _Facts, second: _Facts) -> bool:
    return int(np.count_nonzero(first.signature == second.signature)) >= COPY_JACCARD * NUM_PERM


def _shared_event(first: _Facts, second: _Facts) -> bool:
    """Two reports of one meeting on one day, or of one dated membership event (actor, body, action),
    that is the news of both (an event both recall from long before is not)."""
    days = second.meeting_days
    if any(d == e and (a == b or "UN" in (a, b)) for a, d in first.meeting_days for b, e in days):
        return True
    for kind, actor, body, date in first.changes:
        for other_kind, other_actor, other_body, other_date in second.changes:
            size = min(len(date), len(other_date))
            if (kind, actor, body) == (other_kind, other_actor, other_body) and size >= 4:
                if date[:size] == other_date[:size]:
                    return True
    return False


def _different_events(first: _Facts, second: _Facts) -> bool:
    """Both tell membership events, of different bodies, or of one body with different actors."""
    a, b = first.actors, second.actors
    if not a or not b:
        return False
    shared = a.keys() & b.keys()
    return not shared or all(not (a[body] & b[body]) for body in shared)


def _far_apart(first: _Facts, second: _Facts) -> bool:
    if first.day is None or second.day is None:
        return False
    return abs(first.day - second.day) > MAX_DAYS_APART


def pair_distance(first: StoryKeys, second: StoryKeys, stats: TermStats) -> float:
    """The story distance of two documents (near below ``CUT``).

    One minus the cosine of their TF-IDF vectors; halved for two reports of one meeting on one
    day or of one dated membership event that is the news of both (what happened, however it is
    worded; an event both recall from long before their dates does not count); 1 for reports
    dated more than ``MAX_DAYS_APART`` days apart; ``CONFLICT_DISTANCE`` (2) for reports telling
    membership events of different bodies or actors (two events of one body are two stories,
    and average linkage keeps them apart); 0 for copies.
    """
    facts, other = stats.facts(first), stats.facts(second)
    if _is_copy(facts, other):
        return 0.0
    return _distance(first, second, facts, other, stats)


def _distance(first: StoryKeys, second: StoryKeys, facts: _Facts, other: _Facts, stats: TermStats) -> float:
    """:func:`pair_distance` of two documents that are not copies, their parsed facts given."""
    if _different_events(facts, other):
        return CONFLICT_DISTANCE
    if _far_apart(facts, other):
        return 1.0
    distance = min(1.0, max(0.0, 1.0 - _cosine(stats.unit(first), stats.unit(second))))
    if _shared_event(facts, other):
        distance *= SHARED_EVENT_FACTOR
    return distance


def verify_pair(first: StoryKeys, second: StoryKeys, stats: TermStats) -> bool:
    """Whether two documents may be one story: their distance is below ``CUT``."""
    return pair_distance(first, second, stats) < CUT


# -- grouping ------------------------------------------------------------------------------------


class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


_Item = TypeVar("_Item", bound=_Ordered)


@dataclass
class GroupingStats:
    """What a grouping run did: blocks examined, pairs verified (the work), components found."""

    documents: int = 0
    blocks: int = 0
    large_blocks: int = 0
    verifications: int = 0
    edges: int = 0
    components: int = 0
    largest_component: int = 0


class _UnionFind(Generic[_Item]):
    def __init__(self) -> None:
        self.parent: dict[_Item, _Item] = {}

    def find(self, item: _Item) -> _Item:
        parent = self.parent.setdefault(item, item)
        if parent == item:
            return item
        root = parent
        while self.parent[root] != root:
            root = self.parent[root]
        # Path compression: later finds are near constant time.
        while self.parent[item] != root:
            self.parent[item], item = root, self.parent[item]
        return root

    def union(self, first: _Item, second: _Item) -> bool:
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
    verify: Callable[[StoryKeys, StoryKeys], bool],
    *,
    skip: Callable[[StoryKeys, StoryKeys], bool] | None = None,
) -> Iterator[tuple[str, str]]:
    """The verified pairs inside one block, with bounded work.

    Members are taken in doc-id order. A block of at most ``SMALL_BLOCK`` members is compared
    pair by pair. In a larger one each member is compared with at most ``REPRESENTATIVES``
    members (the first and the latest) of each of at most ``MAX_CLUSTERS`` clusters formed so
    far in the block, most recently joined first: a block of 1,000 copies of one story costs
    about 1,000 verifications, not 500,000.

    ``verify(a, b)`` checks a pair (e.g. ``functools.partial`` of :func:`verify_pair` with the
    run's :class:`TermStats`); ``skip(a, b)`` may say that a pair needs no check (both already
    in one component); in pair-by-pair mode such pairs are passed over.
    """
    ordered = sorted(members, key=lambda k: k.doc_id)
    for first, second in _edges(ordered, verify, skip):
        yield first.doc_id, second.doc_id


_T = TypeVar("_T")


def _edges(
    ordered: Sequence[_T],
    verify: Callable[[_T, _T], bool],
    skip: Callable[[_T, _T], bool] | None = None,
) -> Iterator[tuple[_T, _T]]:
    """:func:`block_edges` over members already in order (documents or their indices)."""
    if len(ordered) <= SMALL_BLOCK:
        for i, first in enumerate(ordered):
            for second in ordered[i + 1 :]:
                if skip is not None and skip(first, second):
                    continue
                if verify(first, second):
                    yield first, second
        return
    # Clusters of this block, each [first member, latest member], most recently joined last.
    clusters: list[list[_T]] = []
    for member in ordered:
        joined: list[int] = []
        for position in range(len(clusters) - 1, max(-1, len(clusters) - 1 - MAX_CLUSTERS), -1):
            for representative in clusters[position][:REPRESENTATIVES]:
                if verify(representative, member):
                    yield representative, member
                    joined.append(position)
                    break
        if not joined:
            clusters.append([member])
            continue
        # The member bridges the clusters it matched: they become one, with it as the latest member.
        first_member = clusters[min(joined)][0]
        for position in sorted(joined, reverse=True):
            del clusters[position]
        clusters.append([first_member, member])


def _block_hash(block: str) -> int:
    if block.startswith("band"):
        # Band values are already 64-bit hashes (of the band's number and rows).
        return int(block.partition(":")[2])
    return _stable_hash(block.encode("utf-8"))


def connected_stories(doc_ids: Iterable[str], edges: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Union-find over verified edges: document id -> smallest document id of its component."""
    union: _UnionFind[str] = _UnionFind()
    for doc_id in doc_ids:
        union.find(doc_id)
    for first, second in edges:
        union.union(first, second)
    return {doc_id: union.find(doc_id) for doc_id in union.parent}


def _average_linkage(members: Sequence[StoryKeys], stats: TermStats) -> list[list[str]]:
    from scipy.cluster.hierarchy import fcluster, linkage

    size = len(members)
    condensed = np.empty(size * (size - 1) // 2)
    position = 0
    for i in range(size):
        for j in range(i + 1, size):
            condensed[position] = pair_distance(members[i], members[j], stats)
            position += 1
    labels = fcluster(linkage(condensed, method="average"), t=CUT, criterion="distance")
    groups: dict[int, list[str]] = defaultdict(list)
    for member, label in zip(members, labels, strict=True):
        groups[int(label)].append(member.doc_id)
    return list(groups.values())


def _centroid_clusters(members: Sequence[StoryKeys], stats: TermStats) -> list[list[str]]:
    """Average linkage's bounded stand-in: each document joins the candidate cluster whose mean
    vector it is nearest (the mean cosine to a cluster's members is the cosine to their mean),
    among the clusters most recently joined by documents of its blocks (at most
    ``CANDIDATE_CLUSTERS``, each block remembering its last ``MAX_CLUSTERS``)."""
    clusters: list[list[StoryKeys]] = []
    sums: list[dict[int, float]] = []
    by_block: dict[str, list[int]] = defaultdict(list)
    for member in members:
        blocks = block_keys(member)
        shared = Counter(index for block in blocks for index in by_block.get(block, ()))
        candidates = sorted(shared, key=lambda index: (-shared[index], index))[:CANDIDATE_CLUSTERS]
        hashes, values = stats.unit(member)
        keys = hashes.tolist()
        facts = stats.facts(member)
        best, best_distance = -1, CUT
        for index in candidates:
            first = stats.facts(clusters[index][0])
            if _is_copy(first, facts):
                best, best_distance = index, 0.0
                break
            if _far_apart(first, facts) or _different_events(first, facts):
                continue
            # The cluster's summed weight of each of the document's tokens (0 where it has none).
            centroid = np.array(list(map(sums[index].get, keys, repeat(0.0))), dtype=np.float64)
            distance = 1.0 - float(values @ centroid) / len(clusters[index])
            if distance < best_distance:
                best, best_distance = index, distance
        if best < 0:
            best = len(clusters)
            clusters.append([])
            sums.append({})
        clusters[best].append(member)
        total = sums[best]
        # A document's tokens are distinct: each sum is read before this document adds to it.
        added = map(operator.add, map(total.get, keys, repeat(0.0)), values.tolist())
        total.update(zip(keys, added, strict=True))
        for block in blocks:
            recent = by_block[block]
            if best in recent:
                recent.remove(best)
            recent.append(best)
            if len(recent) > MAX_CLUSTERS:
                del recent[0]
    return [[m.doc_id for m in cluster] for cluster in clusters]


def split_component(
    members: Sequence[StoryKeys],
    stats: TermStats,
    copies: Iterable[tuple[str, str]] = (),
) -> list[list[str]]:
    """The stories of one candidate component: average linkage of its documents, cut at ``CUT``.

    ``copies`` are pairs already known to be copies (distance 0); they are folded into one
    document first, so a wire story reprinted 500 times counts once. A component still larger
    than ``AVERAGE_LIMIT`` is clustered against the centroids of candidate clusters instead
    (:func:`_centroid_clusters`), so work stays linear.
    """
    ordered = sorted(members, key=lambda k: k.doc_id)
    if len(ordered) <= 1:
        return [[k.doc_id for k in ordered]]
    folded = connected_stories([k.doc_id for k in ordered], copies)
    heads: dict[str, list[str]] = defaultdict(list)
    for doc_id, root in folded.items():
        heads[root].append(doc_id)
    by_id = {k.doc_id: k for k in ordered}
    representatives = [by_id[root] for root in sorted(heads)]
    if len(representatives) == 1:
        groups = [[representatives[0].doc_id]]
    elif len(representatives) <= AVERAGE_LIMIT:
        groups = _average_linkage(representatives, stats)
    else:
        groups = _centroid_clusters(representatives, stats)
    return [sorted(doc for root in group for doc in heads[root]) for group in groups]


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
    taken: Container[str] = (),
) -> dict[str, str]:
    """Readable, deterministic story ids for groups of document ids (keyed by any group name).

    A group that holds documents of an existing story keeps that story's id (of its smallest
    such document; when an existing story was split, the group with the smallest document keeps
    it); a new group gets ``body-yyyy-mm-term`` from its members' ``keys``, with ``-2``, ``-3`` ...
    when that id is taken (by ``existing`` or in ``taken``: the ids of stories whose documents are
    not in ``existing``), in the order of the groups' smallest document ids.
    """
    existing = existing or {}
    result: dict[str, str] = {}
    used = set(existing.values())
    claimed: set[str] = set()
    fresh = []
    for name, members in sorted(groups.items(), key=lambda item: min(item[1])):
        kept = [existing[doc_id] for doc_id in sorted(members) if doc_id in existing]
        free = [story for story in kept if story not in claimed]
        if free:
            result[name] = free[0]
            claimed.add(free[0])
        else:
            fresh.append((min(members), name))
    for _, name in sorted(fresh):
        base = slug = _slug([keys[doc_id] for doc_id in groups[name] if doc_id in keys])
        number = 1
        while slug in used or slug in taken:
            number += 1
            slug = f"{base}-{number}"
        used.add(slug)
        result[name] = slug
    return result


def group_story_keys(
    keys: Iterable[StoryKeys],
    *,
    existing: Mapping[str, str] | None = None,
    stats: GroupingStats | None = None,
    regroup: bool = False,
    terms: TermStats | None = None,
    taken: Container[str] = (),
) -> dict[str, str]:
    """Group documents into stories from their keys, in time linear in the number of documents.

    Parameters
    ----------
    keys:
        The keys of the documents to group (:func:`story_keys`), and, for an incremental run,
        those of the documents already in stories.
    existing:
        Document id -> story id of documents already grouped. Their stories are kept: only
        blocks and components that hold a new document are examined, new documents join the
        existing stories, or form new ones. Two existing stories are never merged (unless
        ``regroup``).
    stats:
        When given, filled with the work done.
    regroup:
        With ``existing``: the existing stories that a new document is near (that share a
        candidate component with it) are grouped again together with the new documents, from
        the keys of all their members: they may merge or split, as grouping everything at once
        would have them (a new report that bridges two stories joins them). A regrouped story
        keeps its id (its smallest document's part keeps it when it splits); the others are
        untouched. Only those stories' documents are clustered again, never the whole corpus.
    terms:
        The document frequencies of the whole corpus, when ``keys`` hold only part of the
        documents already in stories (by default they are counted from ``keys``). An incremental
        run needs only the new documents, the stored ones that share a block with them, and the
        other members of those documents' stories: grouping them with the corpus's frequencies
        gives the stories grouping all the stored keys would give.
    taken:
        Story ids in use by documents not in ``existing`` (new stories get other ids).

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
    terms = terms if terms is not None else TermStats.from_keys(by_id.values())
    # Documents are numbered in doc-id order; blocks are (block hash, number) pairs sorted by
    # hash, a few bytes each (a dict of block names would take most of the memory at 100,000).
    ordered = [by_id[doc_id] for doc_id in sorted(by_id)]
    is_new = [k.doc_id not in existing for k in ordered]
    block_hashes: list[int] = []
    block_docs: list[int] = []
    for index, item in enumerate(ordered):
        hashes = {_block_hash(block) for block in block_keys(item)}
        block_hashes += hashes
        block_docs += [index] * len(hashes)
    hash_array = np.array(block_hashes, dtype=np.int64)
    doc_array = np.array(block_docs, dtype=np.int64)
    del block_hashes, block_docs
    order = np.lexsort((doc_array, hash_array))
    hash_array, doc_array = hash_array[order], doc_array[order]
    starts = np.flatnonzero(np.r_[True, hash_array[1:] != hash_array[:-1]])
    ends = np.r_[starts[1:], len(hash_array)]
    del hash_array, order
    union: _UnionFind[int] = _UnionFind()
    for index in range(len(ordered)):
        union.find(index)
    size = len(ordered)
    verified: dict[int, bool] = {}
    copies: list[tuple[int, int]] = []

    def check(first: int, second: int) -> bool:
        pair = first * size + second if first < second else second * size + first
        found = verified.get(pair)
        if found is None:
            stats.verifications += 1
            left, right = ordered[first], ordered[second]
            facts, other = terms.facts(left), terms.facts(right)
            if _is_copy(facts, other):
                copies.append((min(first, second), max(first, second)))
                found = True
            else:
                found = _distance(left, right, facts, other, terms) < CUT
            verified[pair] = found
        return found

    def connected(first: int, second: int) -> bool:
        return union.find(first) == union.find(second)

    for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
        if end - start < 2:
            continue
        members = doc_array[start:end].tolist()
        if not any(is_new[m] for m in members):
            continue
        stats.blocks += 1
        stats.large_blocks += end - start > SMALL_BLOCK
        for first, second in _edges(members, check, connected):
            stats.edges += union.union(first, second)
    verified.clear()
    del doc_array
    if regroup and existing:
        # Every member of an existing story touched by a new document goes into that document's
        # component, so that average linkage sees the whole story again.
        story_members: dict[str, list[int]] = defaultdict(list)
        for index, item in enumerate(ordered):
            if not is_new[index]:
                story = existing.get(item.doc_id)
                if story is not None:
                    story_members[story].append(index)
        new_roots = {union.find(index) for index in range(len(ordered)) if is_new[index]}
        touched: dict[str, int] = {}
        for story, indices in story_members.items():
            root = next((union.find(i) for i in indices if union.find(i) in new_roots), None)
            if root is not None:
                touched[story] = root
        for story, root in touched.items():
            for member in story_members[story]:
                union.union(root, member)
    components: dict[int, list[int]] = defaultdict(list)
    for index in range(len(ordered)):
        components[union.find(index)].append(index)
    copies_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for first, second in copies:
        copies_of[union.find(first)].append((ordered[first].doc_id, ordered[second].doc_id))
    groups: dict[str, list[str]] = {}
    for root, members in components.items():
        if not any(is_new[m] for m in members):
            continue
        stats.components += 1
        stats.largest_component = max(stats.largest_component, len(members))
        for group in split_component([ordered[m] for m in members], terms, copies_of[root]):
            groups[min(group)] = group
    terms.forget()
    result = dict(existing)
    if regroup:
        # Every member of a regrouped story takes its group's id, existing documents included.
        ids = story_ids(groups, by_id, existing, taken)
        for name, group in groups.items():
            result.update(dict.fromkeys(group, ids[name]))
        return dict(sorted(result.items()))
    fresh: dict[str, list[str]] = {}
    for name, group in groups.items():
        # Documents already in a story stay there; new ones go with the existing story that has
        # most documents in their group, or form a new story.
        stories = Counter(existing[d] for d in group if d in existing)
        joined = min(stories, key=lambda story: (-stories[story], story)) if stories else None
        added = [d for d in group if d not in existing]
        if joined is None:
            fresh[name] = added
        else:
            result.update(dict.fromkeys(added, joined))
    ids = story_ids(fresh, by_id, existing, taken)
    for name, group in fresh.items():
        result.update(dict.fromkeys(group, ids[name]))
    return dict(sorted(result.items()))
