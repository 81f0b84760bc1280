"""The sentences stage: sentence spans, fast.

News pages put headlines, datelines, captions and credits on lines of their own without
end punctuation, so a line break always ends a sentence here. Inside a line a sentence ends
at ``.``, ``!`` or ``?`` (with any closing quote marks or brackets after it) followed by
space and an upper-case letter, a digit or an opening quote mark -- unless the word before
the full stop is a known abbreviation ("Mr.", "U.S.", "Jan.", "Gen.") or a single initial.
This is the rule set of spaCy's ``sentencizer`` with the abbreviation handling of its
tokenizer exceptions, done with one regular expression: about twenty times faster than
``spacy.blank("en")`` with the sentencizer, which gives the same spans on news text and is
kept as ``engine="spacy"`` for comparison.

A sentence longer than :data:`MAX_SENTENCE_CHARS` (a page without full stops, a run-on list)
is cut into pieces of at most that size, at the last clause mark (``;``, ``,``, a dash) or else
the last space before the limit: every later stage searches windows of one sentence, so this
bound keeps their work linear in the length of the text. Real sentences stay far below it
(the longest of the annotated corpus has about 700 characters).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from comity.news._doc import NewsDoc
from comity.news._pipeline import Resources, stage

__all__ = ["MAX_SENTENCE_CHARS", "sentences", "split_sentences"]

#: The longest span kept as one sentence; longer ones are cut into pieces of at most this size.
MAX_SENTENCE_CHARS = 1000

_ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sr jr st mt ft gen col lt maj capt sgt adm gov sen rep pres amb rev hon fr messrs mme
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
    no nos vol vols fig figs p pp ed eds approx est inc ltd co corp dept univ assn bros vs etc al cf ca
    e.g i.e u.s u.n u.k u.s.a e.u d.c a.m p.m
    """.split()
)
# A candidate boundary: end punctuation, closing marks, space, then what may start a sentence.
_BOUNDARY = re.compile(r"([.!?]+)([\"')\]]*)(\s+)(?=[\"'(\[]?[A-Z0-9])")
_WORD_BEFORE = re.compile(r"([\w.-]+)$")


def _build_spacy() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def _line_sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    position = start
    for match in _BOUNDARY.finditer(text, start, end):
        if match.group(1) == ".":
            word = _WORD_BEFORE.search(text, max(start, match.start() - 30), match.start())
            if word is not None:
                token = word.group(1).lower().rstrip(".")
                bare = token.rsplit("-", 1)[-1]
                if bare in _ABBREVIATIONS or token in _ABBREVIATIONS or (len(bare) == 1 and bare.isalpha()):
                    continue
        spans.append((position, match.end(2)))
        position = match.end()
    spans.append((position, end))
    return spans


def split_sentences(text: str, engine: str = "rules", nlp: Any | None = None) -> list[tuple[int, int]]:
    """Character spans of the sentences of ``text``, stripped of surrounding white space.

    Parameters
    ----------
    engine:
        ``"rules"`` (default, fast) or ``"spacy"`` (spaCy's blank English with the sentencizer).
    """
    raw_spans: list[tuple[int, int]] = []
    if engine == "spacy":
        if nlp is None:
            nlp = Resources.default().cached("spacy.sentencizer", _build_spacy)
        for sent in nlp(text).sents:
            raw_spans.extend(_split_lines(text, sent.start_char, sent.end_char))
    else:
        for line_start, line_end in _split_lines(text, 0, len(text)):
            raw_spans.extend(_line_sentences(text, line_start, line_end))
    spans: list[tuple[int, int]] = []
    for start, end in raw_spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            spans.extend(_cap(text, start, end))
    return spans


_CLAUSE_MARK = re.compile(r"[;,\u2013\u2014]\s")


def _cap(text: str, start: int, end: int, limit: int = MAX_SENTENCE_CHARS) -> list[tuple[int, int]]:
    """``(start, end)`` cut into pieces of at most ``limit`` characters (see the module docstring)."""
    pieces: list[tuple[int, int]] = []
    while end - start > limit:
        window = text[start + limit // 2 : start + limit]
        marks = [m.end() for m in _CLAUSE_MARK.finditer(window)]
        space = max(window.rfind(" "), window.rfind("\t"))
        cut = start + limit // 2 + (marks[-1] if marks else space + 1 if space >= 0 else len(window))
        piece_end = cut
        while piece_end > start and text[piece_end - 1].isspace():
            piece_end -= 1
        pieces.append((start, piece_end))
        start = cut
        while start < end and text[start].isspace():
            start += 1
    if end > start:
        pieces.append((start, end))
    return pieces


def _split_lines(text: str, start: int, end: int) -> list[tuple[int, int]]:
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

    def run(doc: NewsDoc) -> NewsDoc:
        doc.sentences = split_sentences(doc.text)
        return doc

    return run
