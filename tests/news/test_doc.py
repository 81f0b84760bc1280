from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comity.errors import BadInput
from comity.news import NewsDoc, Pipeline, registered_stages, stage, to_full
from comity.news._pipeline import _REGISTRY


def test_doc_text_defaults_to_raw() -> None:
    doc = NewsDoc(id="a", raw="Hello world.")
    assert doc.text == "Hello world."
    assert doc.raw_span(0, 5) == (0, 5)


def test_doc_raw_span_follows_normalisation(core: Pipeline) -> None:
    raw = "\u201cWe&nbsp;will\u201d \u2014 said Lavrov."
    doc = Pipeline(["normalise"])(NewsDoc(id="a", raw=raw))
    assert doc.text == '"We will" - said Lavrov.'
    start = doc.text.index("We")
    end = doc.text.index('"', start)
    raw_start, raw_end = doc.raw_span(start, end)
    assert raw[raw_start:raw_end] == "We&nbsp;will"
    lavrov = doc.text.index("Lavrov")
    assert raw[slice(*doc.raw_span(lavrov, lavrov + 6))] == "Lavrov"


def test_doc_sentence_at_finds_the_holding_sentence(core: Pipeline) -> None:
    doc = core.read("Mr. Smith arrived. He spoke at the U.N. on Friday.\nA caption", id="s")
    assert [doc.text[s:e] for s, e in doc.sentences] == [
        "Mr. Smith arrived.",
        "He spoke at the U.N. on Friday.",
        "A caption",
    ]
    assert doc.text[slice(*doc.sentence_at(doc.text.index("Friday")))].startswith("He spoke")


def test_pipeline_registered_stages_include_the_core() -> None:
    names = registered_stages()
    for short in ("normalise", "sentences", "actors", "people", "quotes"):
        assert f"comity.{short}.v1" in names


def test_pipeline_analyze_reports_missing_requirements() -> None:
    ordered = Pipeline(["normalise", "sentences", "actors", "people", "quotes"]).analyze()
    assert all(not missing for missing in ordered["problems"].values())
    skipped = Pipeline(["normalise", "quotes"]).analyze()
    assert set(skipped["problems"]["comity.quotes.v1"]) == {"doc.sentences", "doc.mentions", "doc.people"}


def test_pipeline_unknown_stage_is_a_clear_error() -> None:
    with pytest.raises(BadInput, match="comity.nosuchstage.v1"):
        Pipeline(["nosuchstage"])


def test_pipeline_accepts_a_new_registered_stage() -> None:
    @stage("comity.test_upper.v1", requires=["doc.text"], assigns=["doc.text"])
    def upper(doc: NewsDoc) -> NewsDoc:
        doc.text = doc.text.upper()
        return doc

    try:
        assert Pipeline(["comity.test_upper.v1"]).read("abc").text == "ABC"
    finally:
        _REGISTRY.pop("comity.test_upper.v1")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.sampled_from(
            list("abc ABC.,;:'\"\u201c\u201d\u2018\u2019-\n") + ["Lavrov", " said ", "UN", "Mr. "]
        ),
        max_size=60,
    ).map("".join)
)
def test_pipeline_reads_any_text_without_error(core: Pipeline, text: str) -> None:
    doc = core.read(text, id="fuzz")
    for quote in doc.quotes:
        assert 0 <= quote.start <= quote.end <= len(doc.text)
        raw_start, raw_end = doc.raw_span(quote.start, quote.end)
        assert 0 <= raw_start <= raw_end <= len(doc.raw)
    for mention in doc.mentions:
        assert doc.text[mention.start : mention.end] == mention.text


def test_to_full_carries_raw_spans(core: Pipeline) -> None:
    raw = "\u201cWe will work with all,\u201d Chinese Foreign Minister Wang Yi said&nbsp;today."
    full = to_full(core(NewsDoc(id="f", raw=raw)))
    quote = full["quotes"][0]
    assert raw[quote["raw_start"] : quote["raw_end"]] == "We will work with all,"
    assert quote["speaker"] == "Wang Yi" and 0 < quote["confidence"] <= 1
    person = full["people"][0]
    assert [raw[s:e] for s, e in person["raw_mentions"]] == ["Wang Yi"]
