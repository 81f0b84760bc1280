"""A registry of named stages and the pipeline that runs them, in the manner of spaCy.

A stage is a function ``NewsDoc -> NewsDoc`` registered under a name with the document
attributes it needs and the ones it sets::

    @stage("comity.quotes.v1", requires=["doc.people"], assigns=["doc.quotes"])
    def quotes(doc: NewsDoc) -> NewsDoc: ...

A stage that needs shared, expensive data (the registry gazetteer, an automaton) is
registered with ``factory=True``: the decorated function takes a :class:`Resources` and
returns the ``NewsDoc -> NewsDoc`` function; the pipeline calls it once when it is built.
A factory may return a :class:`BatchStage` instead: a stage that also runs over many documents
at once (the parse stage parses the sentences of a whole batch in one call of the model), which
:meth:`Pipeline.pipe` uses; the result is the same as one document at a time.

Stages live in their own modules (``comity.news._quotes`` ...). A pipeline imports the module
of a stage it does not yet know by the stage's short name, so a missing module gives a clear
error rather than an empty pipeline.
"""

from __future__ import annotations

import contextlib
import importlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, TypeVar

from comity.errors import BadInput, ExtractionError
from comity.news._doc import NewsDoc

__all__ = [
    "BatchStage",
    "DEFAULT_STAGES",
    "DEFAULT_TIME_BUDGET",
    "Pipeline",
    "Resources",
    "StageInfo",
    "registered_stages",
    "stage",
]

StageFunc = Callable[[NewsDoc], NewsDoc]
T = TypeVar("T")

#: The default stage order.
DEFAULT_STAGES: tuple[str, ...] = (
    "comity.normalise.v1",
    "comity.sentences.v1",
    "comity.actors.v1",
    "comity.people.v1",
    "comity.parse.v1",
    "comity.quotes.v1",
    "comity.coalitions.v1",
    "comity.memberships.v1",
    "comity.meetings.v1",
)

#: Seconds one document may take to read before it is skipped and reported (see
#: :meth:`NewsDoc.check_deadline`). Stages bound their work so that no document up to the input
#: size limit comes near it; the budget is the backstop for what they did not foresee. It is 4 s,
#: not 5, because a stage checks it between steps: the step under way when it runs out still
#: finishes, and the promise to users is that no document takes more than 5 s.
DEFAULT_TIME_BUDGET = 4.0

#: Rounds of deferred parses per stage and batch in :meth:`Pipeline.pipe` (see
#: :class:`comity.news._parse.ParseWanted`); a stage still asking after them parses as it asks.
_DEFER_ROUNDS = 3

# Attributes a freshly read document already has.
_INITIAL_ATTRS = frozenset({"doc.id", "doc.raw", "doc.text", "doc.meta"})


@dataclass(frozen=True)
class StageInfo:
    """A registered stage: its name, function, and declared requirements and assignments."""

    name: str
    func: Callable[..., Any]
    requires: tuple[str, ...]
    assigns: tuple[str, ...]
    factory: bool
    module: str


_REGISTRY: dict[str, StageInfo] = {}


def stage(
    name: str,
    *,
    requires: Iterable[str] = (),
    assigns: Iterable[str] = (),
    factory: bool = False,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a stage under ``name``.

    Parameters
    ----------
    name:
        Dotted name with a version, such as ``"comity.quotes.v1"``.
    requires, assigns:
        Document attributes (``"doc.people"``) the stage reads and sets; checked by
        :meth:`Pipeline.analyze`.
    factory:
        If true, the decorated function takes a :class:`Resources` and returns the stage
        function.
    """

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        _REGISTRY[name] = StageInfo(
            name=name,
            func=func,
            requires=tuple(requires),
            assigns=tuple(assigns),
            factory=factory,
            module=func.__module__,
        )
        return func

    return register


def registered_stages() -> dict[str, StageInfo]:
    """All stages registered so far (the default ones are imported first)."""
    for name in DEFAULT_STAGES:
        try:
            _import_stage_module(name)
        except BadInput:
            continue
    return dict(sorted(_REGISTRY.items()))


def _short_name(name: str) -> str:
    # "comity.quotes.v1" -> "quotes"
    parts = name.split(".")
    if len(parts) >= 3 and parts[0] == "comity":
        return parts[1]
    return name


def _full_name(name: str) -> str:
    if name in _REGISTRY or "." in name:
        return name
    for full in DEFAULT_STAGES:
        if _short_name(full) == name:
            return full
    return f"comity.{name}.v1"


def _import_stage_module(name: str) -> None:
    if name in _REGISTRY:
        return
    module = f"comity.news._{_short_name(name)}"
    try:
        importlib.import_module(module)
    except ModuleNotFoundError as error:
        if error.name != module:
            raise
        raise BadInput(
            f"The news stage {name!r} is not available: its module {module} does not exist.",
            hint="Check the stage name (see comity.news.registered_stages()) or leave it out.",
        ) from error
    if name not in _REGISTRY:
        raise BadInput(
            f"The module {module} does not register a stage named {name!r}.",
            hint="Check the stage's version suffix; see comity.news.registered_stages().",
        )


def _snapshot(doc: NewsDoc) -> dict[str, Any]:
    """A document's attributes, with copies of its lists and dicts (its parses excepted, which
    only grow): what a stage run again must start from."""
    return {
        key: value.copy() if isinstance(value, list | dict) and key != "parses" else value
        for key, value in vars(doc).items()
    }


class BatchStage:
    """A stage function that can also run over a batch of documents at once.

    Parameters
    ----------
    one:
        The stage on one document (what :meth:`Pipeline.__call__` runs).
    many:
        The same work over a list of documents, changing them in place; it must set on each
        document what ``one`` would set.
    """

    def __init__(self, one: StageFunc, many: Callable[[list[NewsDoc]], None]) -> None:
        self.one = one
        self.many = many

    def __call__(self, doc: NewsDoc) -> NewsDoc:
        return self.one(doc)


@dataclass
class Resources:
    """Shared data the stages build once and reuse for every document.

    Parameters
    ----------
    gazetteer:
        Rows ``(surface form, entity_id, entity_type, kind)``; loaded from the registry on
        first use when not given.
    """

    gazetteer: list[tuple[str, str, str, str]] | None = None
    _cache: dict[str, Any] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get_gazetteer(self) -> list[tuple[str, str, str, str]]:
        """The gazetteer rows, loaded on first use."""
        if self.gazetteer is None:
            from comity.news._actors import load_gazetteer

            self.gazetteer = load_gazetteer()
        return self.gazetteer

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """The object stored under ``key``, built by ``build()`` the first time."""
        with self._lock:
            if key not in self._cache:
                self._cache[key] = build()
            value: T = self._cache[key]
            return value

    _default: ClassVar[Resources | None] = None

    @classmethod
    def default(cls) -> Resources:
        """One process-wide instance, so that pipelines share their automata."""
        if cls._default is None:
            cls._default = cls()
        return cls._default


class _Batch:
    """A batch of documents going through the stages together (:meth:`Pipeline.pipe`).

    Each document's time is counted (its own stages and its share of work done for the batch
    together); a document over its time budget leaves the batch (reported to ``on_error``).
    ``docs`` is changed in place: each position holds the document as the last stage returned it.
    """

    def __init__(
        self,
        docs: list[NewsDoc],
        budget: float | None,
        on_error: Callable[[NewsDoc, ExtractionError], None] | None,
    ) -> None:
        self.docs = docs
        self.budget = budget
        self.on_error = on_error
        # Seconds each document has used: its own stages, and its share of a batch stage.
        self.spent = [0.0] * len(docs)
        #: Positions of the documents still in the batch, in order.
        self.alive = list(range(len(docs)))

    def give_up(self, doc: NewsDoc, error: ExtractionError) -> None:
        """Report a document over its budget (or raise, without ``on_error``)."""
        doc.time_budget = None
        if self.on_error is None:
            raise error
        self.on_error(doc, error)

    def charge(self, index: int, seconds: float, name: str) -> bool:
        """Add ``seconds`` to a document's time; False (and reported) when it is over budget."""
        self.spent[index] += seconds
        doc = self.docs[index]
        if self.budget is not None:
            doc.time_budget = (self.budget, time.monotonic() + self.budget - self.spent[index])
        try:
            doc.check_deadline(name)
        except ExtractionError as error:
            self.give_up(doc, error)
            return False
        return True

    def share(self, indices: list[int], seconds: float, name: str) -> list[int]:
        """Charge work done for several documents together; the ones still within budget."""
        # Shared out by length: a long document costs more.
        total = sum(len(self.docs[i].text) for i in indices) or 1
        return [i for i in indices if self.charge(i, seconds * len(self.docs[i].text) / total, name)]

    def run_batch_stage(self, name: str, func: BatchStage) -> None:
        """Run a batch stage over every document still in the batch at once."""
        started = time.monotonic()
        func.many([self.docs[i] for i in self.alive])
        self.alive = self.share(self.alive, time.monotonic() - started, name)

    def run_stage(self, name: str, func: StageFunc, *, defer_parses: bool) -> None:
        """Run a stage document by document.

        After the parse stage (``defer_parses``) a stage may ask for more parses (a sentence
        whose speaker the surface leaves in doubt). One at a time, each costs a call of the
        model; deferred, the batch's requests are parsed in one call and the stage is run again
        on the documents that asked (a few rounds; then parsed as asked).
        """
        from comity.news._parse import parse_requests

        kept: set[int] = set()
        pending = self.alive
        for round_ in range(_DEFER_ROUNDS + 1):
            defer = defer_parses and round_ < _DEFER_ROUNDS and len(pending) > 1
            again, requests = self._run_round(name, func, pending, kept, defer=defer)
            if not again:
                break
            started = time.monotonic()
            parse_requests(requests)
            pending = self.share(again, time.monotonic() - started, name)
        self.alive = [i for i in self.alive if i in kept]

    def _run_round(
        self, name: str, func: StageFunc, pending: list[int], kept: set[int], *, defer: bool
    ) -> tuple[list[int], list[Any]]:
        """One pass of a stage over ``pending``: the documents done are added to ``kept``; returns
        those that asked for parses (with ``defer``) and their requests."""
        from comity.news._parse import deferred_parses

        again: list[int] = []
        deferring: contextlib.AbstractContextManager[list[Any]] = (
            deferred_parses() if defer else contextlib.nullcontext([])
        )
        with deferring as requests:
            for index in pending:
                outcome = self._run_one(name, func, index, defer=defer)
                if outcome == "done":
                    kept.add(index)
                elif outcome == "again":
                    again.append(index)
        return again, requests

    def _run_one(
        self, name: str, func: StageFunc, index: int, *, defer: bool
    ) -> Literal["done", "again"] | None:
        """Run a stage on one document: "done", "again" (it asked for parses, and is left as it
        was before the stage), or None (it left the batch)."""
        from comity.news._parse import ParseWanted

        doc = self.docs[index]
        saved = _snapshot(doc) if defer else None
        if self.budget is not None:
            doc.time_budget = (self.budget, time.monotonic() + self.budget - self.spent[index])
        started = time.monotonic()
        try:
            self.docs[index] = func(doc)
        except ParseWanted:
            if saved is not None:
                vars(doc).update(saved)  # as before the stage, to run it again
            return "again" if self.charge(index, time.monotonic() - started, name) else None
        except ExtractionError as error:
            self.give_up(doc, error)
            return None
        return "done" if self.charge(index, time.monotonic() - started, name) else None


class Pipeline:
    """Named stages run in order over :class:`NewsDoc` objects.

    Parameters
    ----------
    stages:
        Stage names (full, ``"comity.quotes.v1"``, or short, ``"quotes"``); default
        :data:`DEFAULT_STAGES`.
    resources:
        Shared data; default :meth:`Resources.default`.
    time_budget:
        Seconds one document may take; a document over budget raises
        :class:`~comity.errors.ExtractionError` (E040) naming it, checked between stages and in
        the stages' loops. None for no limit.

    Examples
    --------
    >>> nlp = Pipeline(["normalise", "sentences", "actors"])
    >>> doc = nlp.read("Beijing said on Friday that the UN must lead.", id="x")
    >>> sorted({m.entity_id for m in doc.mentions})
    ['CHN', 'UN']
    """

    def __init__(
        self,
        stages: Iterable[str] | None = None,
        resources: Resources | None = None,
        *,
        time_budget: float | None = DEFAULT_TIME_BUDGET,
    ) -> None:
        if time_budget is not None and not time_budget > 0:
            raise BadInput(
                f"time_budget must be a positive number of seconds, not {time_budget!r}.",
                hint="Give for instance time_budget=5.0, or None for no limit.",
            )
        self.time_budget = time_budget
        names = [_full_name(name) for name in (DEFAULT_STAGES if stages is None else stages)]
        self.resources = resources if resources is not None else Resources.default()
        self.stage_names: list[str] = []
        self._funcs: list[StageFunc] = []
        # Import every stage's module before building any: a module may declare what an
        # earlier stage needs to know (the parse stage's triggers).
        for name in names:
            _import_stage_module(name)
        for name in names:
            info = _REGISTRY[name]
            func: StageFunc = info.func(self.resources) if info.factory else info.func
            self.stage_names.append(name)
            self._funcs.append(func)

    def __repr__(self) -> str:
        return f"Pipeline({[_short_name(name) for name in self.stage_names]!r})"

    def __call__(self, doc: NewsDoc) -> NewsDoc:
        if self.time_budget is not None:
            doc.time_budget = (self.time_budget, time.monotonic() + self.time_budget)
        try:
            for name, func in zip(self.stage_names, self._funcs, strict=True):
                doc = func(doc)
                doc.check_deadline(name)
        finally:
            doc.time_budget = None
        return doc

    def read(self, text: str, *, id: str = "doc", meta: dict[str, Any] | None = None) -> NewsDoc:
        """Make a document of ``text`` and run every stage on it."""
        return self(NewsDoc(id=id, raw=text, text=text, meta=dict(meta or {})))

    def pipe(
        self,
        docs: Iterable[NewsDoc],
        *,
        batch_size: int = 32,
        on_error: Callable[[NewsDoc, ExtractionError], None] | None = None,
    ) -> Iterator[NewsDoc]:
        """Run the pipeline over many documents, lazily, ``batch_size`` at a time.

        Each batch goes through the stages one stage at a time, so that a :class:`BatchStage`
        (the parse stage) does its work for the whole batch at once; every document ends as
        :meth:`__call__` would leave it.

        Parameters
        ----------
        docs:
            The documents, read in this order and yielded in it.
        batch_size:
            Documents per batch (1 reads one document at a time).
        on_error:
            Called with a document the reader gives up on (over its time budget) and the
            :class:`~comity.errors.ExtractionError`; the document is then left out of the
            output. Without it the error is raised.
        """
        if batch_size < 1:
            raise BadInput(f"batch_size must be at least 1, not {batch_size}.", hint="Give for instance 32.")
        batch: list[NewsDoc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch, on_error)
                batch = []
        if batch:
            yield from self._run_batch(batch, on_error)

    def _run_batch(
        self, docs: list[NewsDoc], on_error: Callable[[NewsDoc, ExtractionError], None] | None
    ) -> list[NewsDoc]:
        batch = _Batch(docs, self.time_budget, on_error)
        after_batch_stage = False
        try:
            for name, func in zip(self.stage_names, self._funcs, strict=True):
                if isinstance(func, BatchStage) and len(batch.alive) > 1:
                    batch.run_batch_stage(name, func)
                    after_batch_stage = True
                else:
                    batch.run_stage(name, func, defer_parses=after_batch_stage)
        finally:
            for doc in docs:
                doc.time_budget = None
        return [docs[i] for i in batch.alive]

    def analyze(self) -> dict[str, Any]:
        """Check that every stage's requirements are set by an earlier stage.

        Returns
        -------
        dict
            ``summary``: for each stage its ``requires`` and ``assigns``; ``problems``: for
            each stage the attributes it requires that no earlier stage assigns.
        """
        available = set(_INITIAL_ATTRS)
        summary: dict[str, dict[str, list[str]]] = {}
        problems: dict[str, list[str]] = {}
        for name in self.stage_names:
            info = _REGISTRY[name]
            summary[name] = {"requires": list(info.requires), "assigns": list(info.assigns)}
            problems[name] = [attr for attr in info.requires if attr not in available]
            available.update(info.assigns)
        return {"summary": summary, "problems": problems}
