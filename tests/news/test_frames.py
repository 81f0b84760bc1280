"""News results convert to DataFrames for notebooks."""

from __future__ import annotations

import pytest

from comity.errors import BadInput
from comity.news import Pipeline, docs_to_frame


@pytest.fixture(scope="module")
def pipeline() -> Pipeline:
    return Pipeline()


def test_news_doc_to_frame(pipeline: Pipeline) -> None:
    # A sentence written for this test.
    text = 'Brazil and India joined the talks in Geneva. "We will not sign," the Indian minister said.'
    doc = pipeline.read(text, id="t1")
    mentions = doc.to_frame()
    assert list(mentions.columns[:3]) == ["doc_id", "start", "end"]
    assert {"BRA", "IND"} <= set(mentions["entity_id"]) and set(mentions["doc_id"]) == {"t1"}
    quotes = doc.to_frame("quotes")
    assert "speaker" in quotes.columns and len(quotes) == len(doc.quotes)
    both = docs_to_frame([doc, pipeline.read("France spoke.", id="t2")])
    assert set(both["doc_id"]) == {"t1", "t2"}
    assert docs_to_frame([], "meetings").empty
    with pytest.raises(BadInput, match="unknown kind"):
        doc.to_frame("votes")
