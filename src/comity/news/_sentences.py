"""The sentences stage: spaCy's rule-based English tokenizer and sentencizer, plus line breaks.

News pages put headlines, datelines, captions and credits on lines of their own without
end punctuation, so a line break always ends a sentence here; inside a line spaCy's
sentencizer decides.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from comity.news._doc import NewsDoc
from comity.news._pipeline import Resources, stage

__all__ = ["sentences", "split_sentences"]


def _build_sentencizer() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def split_sentences(text: str, nlp: Any | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, stripped of surrounding white space."""
    if nlp is None:
        nlp = Resources.default().cached("spacy.sentencizer", _build_sentencizer)
    spans: list[tuple[int, int]] = []
    for sent in nlp(text).sents:
        start = sent.start_char
        end = sent.end_char
        for line_start, line_end in _lines(text, start, end):
            while line_start < line_end and text[line_start].isspace():
                line_start += 1
            while line_end > line_start and text[line_end - 1].isspace():
                line_end -= 1
            if line_end > line_start:
                spans.append((line_start, line_end))
    return spans


def _lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces = []
    position = start
    while True:
        newline = text.find("\n", position, end)
        if newline < 0:
            pieces.append((position, end))
            return pieces
        pieces.append((position, newline))
        position = newline + 1


@stage("comity.sentences.v1", requires=["doc.text"], assigns=["doc.sentences"], factory=True)
def sentences(resources: Resources) -> Callable[[NewsDoc], NewsDoc]:
    """Split ``doc.text`` into sentences (``doc.sentences``: character spans)."""
    nlp = resources.cached("spacy.sentencizer", _build_sentencizer)

    def run(doc: NewsDoc) -> NewsDoc:
        doc.sentences = split_sentences(doc.text, nlp)
        return doc

    return run
