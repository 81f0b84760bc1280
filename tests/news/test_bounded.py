"""Bounded work per document: hostile texts finish (or are skipped and reported), never hang."""

from __future__ import annotations

import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comity.errors import BadInput, ExtractionError
from comity.news import Pipeline
from comity.news._doc import NewsDoc
from comity.news._sentences import MAX_SENTENCE_CHARS, split_sentences

STATES = ["France", "Germany", "China", "Russia", "Brazil", "India", "Japan", "Kenya", "Peru", "Chile"]
WORDS = ["the", "council", "met", "and", "joined", "withdrew", "from", "voted", "tabled", "a", "draft",
         "NATO",
         "the European Union", "the United Nations", "said", "group", "members", "treaty"]  # fmt: skip
# Generous: the reader's own budget is 5 s a document; this bounds the whole call on a slow CI machine.
BOUND_SECONDS = 30.0


@pytest.fixture(scope="module")
def reader() -> Pipeline:
    nlp = Pipeline()
    nlp.read("France joined NATO in 1949.", id="warm-up")
    return nlp


def _prose(words: list[str], size: int) -> str:
    text = " ".join(words) or "France"
    return (text + " ") * (size // (len(text) + 1) + 1)


@st.composite
def hostile_texts(draw: st.DrawFn) -> str:
    """Texts of the shapes that once took quadratic time, up to 400 KB."""
    size = draw(st.sampled_from([2_000, 50_000, 400_000]))
    shape = draw(st.sampled_from(["prose", "repeat", "states", "nesting", "control"]))
    if shape == "prose":  # no punctuation at all
        return _prose(draw(st.lists(st.sampled_from(WORDS + STATES), min_size=5, max_size=40)), size)[:size]
    if shape == "repeat":  # one word over and over
        return (draw(st.sampled_from(WORDS + STATES)) + " ") * (size // 8)
    if shape == "states":  # one endless list of states
        members = draw(st.lists(st.sampled_from(STATES), min_size=3, max_size=30))
        return "The group tabled a draft with " + ", ".join(members * (size // (len(members) * 9) + 1))
    if shape == "nesting":  # deep brackets and quotation marks
        depth = size // 4
        return "(" * depth + '"' * (depth // 2) + "France joined NATO" + '"' * (depth // 2) + ")" * depth
    noise = draw(
        st.lists(st.sampled_from(["\x00", "\x07", "\x0b", "\x0c", "\x1b", "\x7f", "\u2028"]), min_size=1)
    )
    return "".join(
        noise[i % len(noise)] + word for i, word in enumerate(_prose(STATES, size)[:size].split(" "))
    )


@pytest.mark.slow
@settings(
    max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(text=hostile_texts())
def test_hostile_texts_finish_or_are_skipped_within_bound(reader: Pipeline, text: str) -> None:
    started = time.perf_counter()
    try:
        doc = reader.read(text, id="hostile")
    except ExtractionError as error:  # over budget: skipped, with the document named
        assert "hostile" in error.message and "time budget" in error.message
    else:
        assert all(end - start <= MAX_SENTENCE_CHARS for start, end in doc.sentences)
    assert time.perf_counter() - started < BOUND_SECONDS


def test_long_sentences_are_cut_at_clause_marks_within_the_cap() -> None:
    text = "; ".join(["Peru and Chile tabled a draft"] * 200)  # 6,200 characters, no full stop
    spans = split_sentences(text)
    assert len(spans) > 1
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in spans)
    assert all(text[end - 1] != " " and not text[start].isspace() for start, end in spans)
    # Short sentences are left alone.
    assert split_sentences("Peru joined. Chile left.") == [(0, 12), (13, 24)]


def test_time_budget_turns_a_slow_document_into_a_reported_skip(reader: Pipeline) -> None:
    slow = Pipeline(time_budget=1e-9)
    with pytest.raises(ExtractionError) as caught:
        slow.read("France joined NATO. " * 50, id="doc-17")
    assert caught.value.code == "E040"
    assert "doc-17" in caught.value.message and "time budget" in caught.value.message
    assert caught.value.hint and "time_budget" in caught.value.hint
    # A document that fits in its budget is read, and the budget is not kept on it.
    doc = reader.read("France joined NATO in 1949.", id="ok")
    assert doc.time_budget is None
    assert [(m.actor, m.body, m.action) for m in doc.memberships] == [("FRA", "NATO", "join")]


def test_stage_loops_check_the_deadline() -> None:
    doc = NewsDoc(id="late", raw="x")
    doc.time_budget = (0.5, time.monotonic() - 1)  # already spent
    with pytest.raises(ExtractionError, match="stopped in comity.memberships.v1"):
        doc.check_deadline("comity.memberships.v1")


@pytest.mark.parametrize("budget", [0, -1.0, float("nan")])
def test_time_budget_must_be_positive(budget: float) -> None:
    with pytest.raises(BadInput, match="time_budget"):
        Pipeline(["normalise"], time_budget=budget)
