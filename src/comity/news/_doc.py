"""The document type that flows through the news reader's stages.

A :class:`NewsDoc` carries the text as read (``raw``), the normalised text (``text``) that
every stage works on, and the facts the stages find. Every fact holds character offsets in
``text``; :meth:`NewsDoc.raw_span` maps them back to ``raw`` through the offset map that
the normalise stage keeps, so that provenance (``chars START-END``) points at the text as
published.
"""

from __future__ import annotations

import bisect
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from comity.errors import ExtractionError

__all__ = [
    "Coalition",
    "Meeting",
    "MembershipChange",
    "Mention",
    "NewsDoc",
    "Person",
    "Quote",
]

EntityType = Literal["state", "organisation", "person"]


@dataclass
class Mention:
    """A state, organisation or person named in the text.

    ``kind`` says how it was named: ``name``, ``alias``, ``acronym``, ``demonym``,
    ``capital``, ``government``, ``role`` ("the Russian minister") or ``contained``
    (a state inside an organisation's name, "Franco-German").
    """

    start: int
    end: int
    text: str
    entity_id: str
    entity_type: EntityType
    kind: str
    confidence: float


@dataclass
class Person:
    """A named person, with the state they act for and their office as the text gives it."""

    name: str
    state: str | None
    role: str | None
    mentions: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 1.0


@dataclass
class Quote:
    """Words inside quotation marks and who said them (speaker as in the gold format)."""

    text: str
    start: int
    end: int
    speaker: str
    speaker_start: int | None = None
    speaker_end: int | None = None
    confidence: float = 1.0


@dataclass
class Coalition:
    """A group of states shown forming or acting together, with the members the text lists."""

    name: str | None
    org_id: str | None
    members: list[str]
    complete: bool
    start: int
    end: int
    confidence: float = 1.0


@dataclass
class MembershipChange:
    """A state joining, leaving, rejoining, being suspended from or expelled from a body."""

    actor: str
    body: str
    action: str
    date: str | None
    start: int
    end: int
    confidence: float = 1.0


@dataclass
class Meeting:
    """A reported meeting of a named body."""

    body: str
    date: str | None
    chair: str | None
    participants: list[str]
    start: int
    end: int
    confidence: float = 1.0
    #: The meeting word that reported it ("voted", "summit", "the vote"), to tell why it was read.
    cue: str = ""


#: The lists of facts a :class:`NewsDoc` holds, and the type of each.
FACT_KINDS: dict[str, type] = {
    "mentions": Mention,
    "people": Person,
    "quotes": Quote,
    "coalitions": Coalition,
    "memberships": MembershipChange,
    "meetings": Meeting,
}


def docs_to_frame(docs: Iterable[NewsDoc], kind: str = "mentions") -> Any:
    """:meth:`NewsDoc.to_frame` of many documents, stacked into one DataFrame."""
    import pandas as pd

    frames = [doc.to_frame(kind) for doc in docs]
    if not frames:
        return NewsDoc(id="", raw="").to_frame(kind)
    return pd.concat(frames, ignore_index=True)


@dataclass
class NewsDoc:
    """One news text and what the reader found in it.

    Parameters
    ----------
    id:
        Document id (a file stem or the ``id`` of a JSON line).
    raw:
        The text as read.
    text:
        The normalised text; all offsets refer to it. Equal to ``raw`` until normalised.
    meta:
        ``url``, ``outlet``, ``published``, ``source_path`` (each may be missing or None).
    offsets:
        For each character of ``text`` (plus one final entry for the end), its offset in
        ``raw``; empty means the identity map.
    """

    id: str
    raw: str
    text: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    sentences: list[tuple[int, int]] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    coalitions: list[Coalition] = field(default_factory=list)
    memberships: list[MembershipChange] = field(default_factory=list)
    meetings: list[Meeting] = field(default_factory=list)
    story: str | None = None
    offsets: list[int] = field(default_factory=list, repr=False)
    #: Dependency parses by sentence span (``comity.parse.v1``); dropped when the document is
    #: pickled (sent back from a worker process), as they are only needed while reading.
    parses: dict[tuple[int, int], Any] = field(default_factory=dict, repr=False, compare=False)
    _sentence_starts: tuple[list[tuple[int, int]], list[int]] | None = field(
        default=None, repr=False, compare=False
    )
    #: ``(seconds allowed, time.monotonic() deadline)``, set by the pipeline that reads the document.
    time_budget: tuple[float, float] | None = field(default=None, repr=False, compare=False)

    def check_deadline(self, where: str) -> None:
        """Stop reading a document that has used up its time budget (stages call this in their loops).

        Raises
        ------
        ExtractionError
            When the pipeline's budget for this document is spent: the document is skipped
            and reported, never left running.
        """
        if self.time_budget is not None and time.monotonic() > self.time_budget[1]:
            raise ExtractionError(
                f"Document {self.id!r} ({len(self.text):,} characters) took more than its time budget "
                f"of {self.time_budget[0]:g} s to read (stopped in {where}); it is skipped.",
                hint="Split the text into shorter documents, or give the reader a larger budget "
                "(Pipeline(time_budget=...)).",
            )

    def __post_init__(self) -> None:
        if not self.text and self.raw:
            self.text = self.raw

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["parses"] = {}
        return state

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a span of ``text`` to the span of ``raw`` it came from.

        Parameters
        ----------
        start, end:
            Character offsets in ``text`` (``end`` exclusive).

        Returns
        -------
        tuple[int, int]
            The covering span in ``raw``.
        """
        if not self.offsets:
            return start, end
        last = len(self.offsets) - 1
        start = min(max(start, 0), last)
        end = min(max(end, start), last)
        raw_start = self.offsets[start]
        if end == start:
            return raw_start, raw_start
        # The raw span ends after the raw characters that produced text[end - 1].
        raw_end = self.offsets[end]
        if raw_end <= raw_start:
            raw_end = raw_start + 1
        return raw_start, raw_end

    def text_offset(self, raw_offset: int) -> int:
        """Map an offset in ``raw`` to the first offset in ``text`` at or after it."""
        if not self.offsets:
            return raw_offset
        return bisect.bisect_left(self.offsets, raw_offset)

    def to_frame(self, kind: str = "mentions") -> Any:
        """The facts of one kind as a pandas DataFrame, one row per fact, led by ``doc_id``.

        ``kind`` is ``mentions``, ``people``, ``quotes``, ``coalitions``, ``memberships`` or
        ``meetings``; columns are the fact's fields (offsets refer to ``text``).

        >>> Pipeline().read(text).to_frame("quotes")  # doctest: +SKIP
        """
        import dataclasses

        import pandas as pd

        if kind not in FACT_KINDS:
            from comity.errors import BadInput

            raise BadInput(f"unknown kind of fact {kind!r}", hint=f"Use one of {', '.join(FACT_KINDS)}.")
        fact_type = FACT_KINDS[kind]
        columns = ["doc_id", *(f.name for f in dataclasses.fields(fact_type))]
        rows = [{"doc_id": self.id, **dataclasses.asdict(fact)} for fact in getattr(self, kind)]
        return pd.DataFrame(rows, columns=columns)

    def mentions_of(self, entity_type: EntityType) -> list[Mention]:
        """The mentions of one entity type, in text order."""
        return [mention for mention in self.mentions if mention.entity_type == entity_type]

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """The sentence span holding ``offset`` (the whole text if sentences are not split)."""
        if not self.sentences:
            return 0, len(self.text)
        cache = self._sentence_starts
        if cache is None or cache[0] is not self.sentences:
            cache = (self.sentences, [start for start, _ in self.sentences])
            self._sentence_starts = cache
        index = max(bisect.bisect_right(cache[1], offset) - 1, 0)
        return self.sentences[index]
