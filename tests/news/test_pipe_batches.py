"""Reading documents in batches (Pipeline.pipe) gives what reading them one by one gives."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest

from comity.errors import BadInput, ExtractionError
from comity.news import Coalition, NewsDoc, Pipeline, to_full
from comity.news._pipeline import BatchStage, stage

# Sentences written for these tests: a join, a withdrawal, quotations with and without a speaker.
TEXTS = [
    "Peru joined the World Health Organization in 1949. "
    '"We will work with all," Peru\'s foreign minister said.',
    "Argentina will withdraw from the Paris Agreement, its president announced on Monday.",
    '"The council failed us," she said. The Security Council met on Tuesday and adopted a resolution.',
    "Kenya and Ghana tabled a draft at the United Nations General Assembly, which voted on Friday.",
    "No state is named here at all.",
]


_COALITION = Coalition(name="x", org_id=None, members=["PER"], complete=True, start=0, end=1)


def _docs() -> list[NewsDoc]:
    return [NewsDoc(id=f"d{i}", raw=text, text=text) for i, text in enumerate(TEXTS * 3)]


@pytest.fixture(scope="module")
def reader() -> Pipeline:
    return Pipeline(time_budget=None)


@pytest.mark.parametrize("batch_size", [1, 4, 32])
def test_batches_read_as_one_by_one(reader: Pipeline, batch_size: int) -> None:
    one_by_one = [to_full(reader(doc)) for doc in _docs()]
    batched = [to_full(doc) for doc in reader.pipe(_docs(), batch_size=batch_size)]
    assert batched == one_by_one
    assert any(quote["speaker"] != "unknown" for doc in batched for quote in doc["quotes"])


def test_parse_stage_parses_a_batch_in_one_call(reader: Pipeline, parse_calls: list[int]) -> None:
    calls = parse_calls
    parse_stage = reader._funcs[reader.stage_names.index("comity.parse.v1")]
    assert isinstance(parse_stage, BatchStage)
    docs = list(Pipeline(["normalise", "sentences", "actors", "people"]).pipe(_docs()))
    parse_stage.many(docs)
    assert len(calls) == 1 and calls[0] > 1
    parsed = sum(len(doc.parses) for doc in docs)
    assert parsed == calls[0]
    # The same sentences as the stage parses one document at a time.
    single = [reader._funcs[reader.stage_names.index("comity.parse.v1")](d) for d in _docs_through_people()]
    assert [sorted(d.parses) for d in single] == [sorted(d.parses) for d in docs]


def _docs_through_people() -> list[NewsDoc]:
    return [Pipeline(["normalise", "sentences", "actors", "people"])(doc) for doc in _docs()]


@stage("comity.test_fails_on_bad.v1")
def _fails_on_bad(doc: NewsDoc) -> NewsDoc:
    if "bad" in doc.id:
        raise ExtractionError(f"Document {doc.id!r} cannot be read.")
    return doc


def test_a_failed_document_is_reported_and_the_others_read() -> None:
    reader = Pipeline(["normalise", "sentences", "comity.test_fails_on_bad.v1", "parse"])
    docs = [NewsDoc(id=name, raw="Peru joined the WHO.") for name in ("a", "bad-1", "b", "bad-2", "c")]
    failed: list[tuple[str, str]] = []

    def report(doc: NewsDoc, error: ExtractionError) -> None:
        failed.append((doc.id, error.message))

    read = list(reader.pipe(docs, batch_size=4, on_error=report))
    assert [doc.id for doc in read] == ["a", "b", "c"]
    assert [doc_id for doc_id, _ in failed] == ["bad-1", "bad-2"]
    assert all(doc.time_budget is None for doc in docs)
    with pytest.raises(ExtractionError, match="bad-1"):
        list(reader.pipe(docs))


def test_time_budget_holds_in_batches() -> None:
    slow = Pipeline(time_budget=1e-9)
    skipped: list[str] = []
    read = list(slow.pipe(_docs()[:3], on_error=lambda doc, error: skipped.append(error.code)))
    assert read == [] and skipped == ["E040"] * 3


@stage("comity.test_batch_marks.v1", factory=True)
def _batch_marks(resources: object) -> Callable[[NewsDoc], NewsDoc]:
    def one(doc: NewsDoc) -> NewsDoc:
        doc.meta["seen"] = "one"
        return doc

    def many(docs: list[NewsDoc]) -> None:
        for doc in docs:
            doc.meta["seen"] = f"many of {len(docs)}"

    return BatchStage(one, many)


def test_batch_stage_runs_once_per_batch() -> None:
    reader = Pipeline(["comity.test_batch_marks.v1"])
    docs = [NewsDoc(id=str(i), raw="x") for i in range(5)]
    assert [d.meta["seen"] for d in reader.pipe(docs, batch_size=2)] == [
        "many of 2", "many of 2", "many of 2", "many of 2", "one",
    ]  # fmt: skip
    assert reader(NewsDoc(id="x", raw="x")).meta["seen"] == "one"


def test_batch_size_must_be_positive(reader: Pipeline) -> None:
    with pytest.raises(BadInput, match="batch_size"):
        list(reader.pipe(_docs(), batch_size=0))


def test_pipe_keeps_documents_as_dataclasses(reader: Pipeline) -> None:
    [doc] = list(reader.pipe([NewsDoc(id="x", raw=TEXTS[0])]))
    assert dataclasses.is_dataclass(doc) and doc.memberships


@stage("comity.test_asks_for_parses.v1")
def _asks_for_parses(doc: NewsDoc) -> NewsDoc:
    """After the parse stage: notes something on the document, then asks for two parses."""
    from comity.news._parse import parse_span

    doc.meta.setdefault("notes", []).append("asked")
    doc.coalitions.append(dataclasses.replace(_COALITION, name=doc.id))
    for start, end in doc.sentences[:2]:
        parse_span(doc, start, end)
        doc.meta["notes"].append(f"parsed {start}")
    return doc


def test_parses_asked_for_after_the_parse_stage_are_made_per_batch(parse_calls: list[int]) -> None:
    calls = parse_calls
    stages = ["normalise", "sentences", "parse", "comity.test_asks_for_parses.v1"]
    reader = Pipeline(stages, time_budget=None)
    one_by_one = [reader(doc) for doc in _docs()]
    single_calls, parsed = len(calls), sum(calls)
    assert single_calls >= len(one_by_one)  # at least one call per document
    calls.clear()
    batched = list(reader.pipe(_docs(), batch_size=8))
    # Per batch (two of them): the parse stage's call, then one per round of requests (two).
    assert len(calls) <= 2 * 3 < single_calls
    assert sum(calls) == parsed  # the same sentences, each parsed once
    assert [to_full(doc) for doc in batched] == [to_full(doc) for doc in one_by_one]
    # A stage run again starts from the document as it was: nothing it added is doubled.
    for doc, single in zip(batched, one_by_one, strict=True):
        assert doc.meta["notes"] == single.meta["notes"]
        assert len(doc.coalitions) == 1
        assert sorted(doc.parses) == sorted(single.parses)


def test_a_deferred_parse_is_no_exception_for_stages_to_catch() -> None:
    from comity.news._parse import ParseWanted

    assert not issubclass(ParseWanted, Exception)
