"""The parse stage: only the sentences that a stage asks for are parsed, with spans into the text."""

from __future__ import annotations

import pickle
from collections.abc import Iterator

import pytest

from comity.errors import BadInput
from comity.news import NewsDoc, Pipeline, _parse
from comity.news._parse import STAND_IN, parse_span, register_selector, register_triggers

TEXT = (
    "The envoys met in Oslo on Monday. Norway will join the new fisheries pact next year. "
    'The minister said: "We have waited a long time for this day to come." Then they ate.'
)


@pytest.fixture
def clean_registry() -> Iterator[None]:
    triggers, selectors = dict(_parse._TRIGGERS), dict(_parse._SELECTORS)
    _parse._TRIGGERS.clear()
    _parse._SELECTORS.clear()
    yield
    _parse._TRIGGERS.clear()
    _parse._TRIGGERS.update(triggers)
    _parse._SELECTORS.clear()
    _parse._SELECTORS.update(selectors)


def _read(text: str) -> NewsDoc:
    return Pipeline(["normalise", "sentences", "parse"]).read(text, id="t")


def test_parse_only_triggered_sentences(clean_registry: None) -> None:
    register_triggers("test", [r"join(?:s|ed)?"])
    doc = _read(TEXT)
    assert [doc.text[s:e] for s, e in doc.parses] == ["Norway will join the new fisheries pact next year."]
    [parse] = doc.parses.values()
    verb = next(t for t in parse.sdoc if t.text == "join")
    subject = next(t for t in verb.children if t.dep_ == "nsubj")
    start, end = parse.span_of(subject)
    assert doc.text[start:end] == "Norway"


def test_parse_selector_and_long_quotations_stand_in(clean_registry: None) -> None:
    register_selector("test", lambda doc: [(s, e) for s, e in doc.sentences if '"' in doc.text[s:e]])
    doc = _read(TEXT)
    [parse] = doc.parses.values()
    assert STAND_IN in parse.sdoc.text and "waited" not in parse.sdoc.text
    stand_in = next(t for t in parse.sdoc if t.text.startswith(STAND_IN))
    start, end = parse.span_of(stand_in)
    assert doc.text[start:end].startswith("We have waited") and doc.text[end - 1] in '."'
    said = next(t for t in parse.sdoc if t.text == "said")
    assert [doc.text[slice(*parse.span_of(t))] for t in said.children if t.dep_ == "nsubj"] == ["minister"]


def test_parse_nothing_registered_parses_nothing(clean_registry: None) -> None:
    assert _read(TEXT).parses == {}


def test_parse_span_on_demand_is_cached(clean_registry: None) -> None:
    doc = _read(TEXT)
    span = doc.sentences[0]
    first = parse_span(doc, *span)
    assert parse_span(doc, *span) is first
    assert [t.text for t in first.sdoc][:2] == ["The", "envoys"]


def test_parse_bad_trigger_is_a_clear_error(clean_registry: None) -> None:
    with pytest.raises(BadInput, match="not a regular expression"):
        register_triggers("test", ["join("])


def test_parse_results_are_not_pickled(clean_registry: None) -> None:
    register_triggers("test", ["join"])
    doc = _read(TEXT)
    assert doc.parses
    copy = pickle.loads(pickle.dumps(doc))
    assert copy.parses == {} and copy.sentences == doc.sentences


def test_parse_stage_is_in_the_default_pipeline() -> None:
    assert "comity.parse.v1" in Pipeline().stage_names
