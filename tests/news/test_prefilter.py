"""Literal prefilters: exact (never change what a pattern finds), and their keys complete."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comity.news import _coalitions, _memberships, _memframes
from comity.news._prefilter import FOLD_EXCEPTIONS, AtEnd, Prefiltered, folded, holds_key


def _non_ascii() -> str:
    return "".join(chr(code) for code in range(0x80, 0x110000) if not 0xD800 <= code < 0xE000)


def test_fold_exceptions_are_the_characters_ignorecase_matches_with_ascii_letters() -> None:
    # What folding relies on: apart from FOLD_EXCEPTIONS, no character that IGNORECASE matches
    # with an ASCII letter is outside ASCII, and lower() keeps every other character one character.
    every = _non_ascii()
    matched = {char for letter in "abcdefghijklmnopqrstuvwxyz" for char in re.findall(letter, every, re.I)}
    assert matched == set(FOLD_EXCEPTIONS)
    assert [char for char in every if len(char.lower()) != 1] == ["\u0130"]


def test_folded_keeps_offsets_or_declines() -> None:
    text = "Élysée: Türkiye JOINED the “Council”."
    assert folded(text) == text.lower() and len(folded(text) or "") == len(text)
    for char in FOLD_EXCEPTIONS:
        assert folded(f"Iran quit{char} the bloc") is None
    assert holds_key(None, 0, 5, ("absent",))  # not folded: nothing is ruled out


def test_prefiltered_search_is_the_pattern_search() -> None:
    pattern = re.compile(r"\b(?:join(?:s|ed)?|quit)\b", re.I)
    search = Prefiltered(pattern, ("join", "quit"))
    text = "Peru JOINED the bloc. Chile stayed. Iran QUIT it; Cuba rejoined."
    folded_text = folded(text)
    for start, end in [(0, 21), (22, 35), (36, 49), (50, len(text)), (0, len(text)), (10, 12)]:
        expected = pattern.search(text, start, end)
        found = search.search(text, start, end, folded_text)
        assert (found and found.span()) == (expected and expected.span())
        assert (search.search(text, start, end, None) and True) == (expected and True)
    with pytest.raises(ValueError, match="lower-case ASCII"):
        Prefiltered(pattern, ("Join",))
    with pytest.raises(ValueError, match="lower-case ASCII"):
        Prefiltered(pattern, ("pull out",))


# Each pattern with a prefilter, and its keys: every string the pattern matches holds a key.
_KEYED = [
    *((f"trigger {word[:24]}", re.compile(rf"\b(?:{word})\b", re.I), _memframes.TRIGGER_KEYS)
      for word in _memframes.TRIGGER_WORDS),
    ("body anaphor", _memberships._BODY_ANAPHOR, _memberships._BODY_ANAPHOR_KEYS),
    ("nominal", _memberships._NOMINAL_ANYWHERE, _memberships._NOMINAL_ANYWHERE_KEYS),
    ("tally", _memberships._TALLY_HINT.pattern, _memberships._TALLY_HINT.keys),
    ("hint", _memberships._HINT, _memberships._HINT_KEYS),
    *((name, search.pattern, search.keys) for name, search in [
        ("closing list", _coalitions._CLOSING_SEARCH), ("continuing list", _coalitions._CONTINUING_SEARCH),
        ("counted list", _coalitions._COUNTED_SINGLE_SEARCH)]),
    *((f"election frame {frame.name}", re.compile(frame.pattern, re.I), _memberships._ELECTION_KEYS)
      for frame in _memberships._FRAMES if frame.name in ("elect", "elected were")),
]  # fmt: skip


@pytest.mark.parametrize(("name", "pattern", "keys"), _KEYED, ids=[name for name, _, _ in _KEYED])
def test_every_match_of_a_prefiltered_pattern_holds_a_key(
    name: str, pattern: re.Pattern[str], keys: tuple[str, ...]
) -> None:
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.from_regex(pattern, fullmatch=True))
    def holds(text: str) -> None:
        folded_text = folded(text)
        assert folded_text is None or any(key in folded_text for key in keys), (name, text)

    holds()


def test_a_missing_key_is_found_out() -> None:
    # The check above can fail: without "join", the joining trigger has a match with no key.
    keys = tuple(key for key in _memframes.TRIGGER_KEYS if key != "join")
    with pytest.raises(AssertionError):
        test_every_match_of_a_prefiltered_pattern_holds_a_key(
            "join", re.compile(r"\b(?:join(?:s|ed|ing)?)\b", re.I), keys
        )


def _election_frames(text: str) -> list[str]:
    """The surface frames of ``text`` that the stage reads in an election (``_election_frames``)."""
    found = []
    for match in _memberships._FRAME_RE.finditer(text):
        frame = _memberships._FRAMES[int(str(match.lastgroup)[1:])]
        if frame.name in ("elect", "elected were") or (
            frame.name == "join" and _memberships._SEAT_WORD.search(match.group(0))
        ):
            found.append(match.group(0))
    return found


def test_election_frames_of_the_join_frame_hold_an_election_key() -> None:
    # A "join" frame is read in an election only when _SEAT_WORD finds a word in it.
    (join,) = [frame for frame in _memberships._FRAMES if frame.name == "join"]

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.from_regex(re.compile(join.pattern, re.I), fullmatch=True))
    def holds(text: str) -> None:
        folded_text = folded(text)
        if folded_text is not None and _memberships._SEAT_WORD.search(text):
            assert _memberships._may_hold_election(folded_text, 0, len(text)), text

    holds()


@pytest.mark.parametrize(
    ("text", "election"),
    [
        ("Kenya was granted Security Council status by the bloc.", True),
        ("Peru became a security member of the forum.", True),
        ("Chile was admitted as a security member to the group.", True),
        ("Ghana secured a seat on the Human Rights Council.", True),
        ("Mali is securing a seat on the council.", True),
        ("Norway and Ireland won seats on the Security Council.", True),
        ("Japan was elected to the Security Council.", True),
        ("The Security Council met on Friday; Russia left the meeting.", False),
        ("Security forces stayed out of the vote against the council.", False),
    ],
)
def test_sentences_without_an_election_word_hold_no_election_frame(text: str, election: bool) -> None:
    # "secur" counts only as "secure"/"securing" or beside a word that opens a join frame's free
    # words: the Security Council alone makes no election.
    assert bool(_election_frames(text)) == election
    assert _memberships._may_hold_election(folded(text), 0, len(text)) or not election


def test_prefilters_find_what_the_patterns_find_in_the_corpus(data_dir: object) -> None:
    # The annotated development texts, sentence by sentence: the prefiltered searches the
    # stage makes give the very matches of the patterns.
    from pathlib import Path

    from comity.news import Pipeline

    nlp = Pipeline(["normalise", "sentences"])
    searches = [
        _memberships._TRIGGER_SEARCH,
        _memberships._BODY_ANAPHOR_SEARCH,
        _memberships._NOMINAL_ANYWHERE_SEARCH,
        _memberships._TALLY_HINT,
        Prefiltered(_memberships._HINT, _memberships._HINT_KEYS),
    ]
    skipped = 0
    for path in sorted(Path(str(data_dir)).glob("*.txt")):
        doc = nlp.read(path.read_text(encoding="utf-8"), id=path.stem)
        folded_text = folded(doc.text)
        for start, end in doc.sentences:
            for search in searches:
                expected = search.pattern.search(doc.text, start, end)
                found = search.search(doc.text, start, end, folded_text)
                assert (found and found.span()) == (expected and expected.span())
                skipped += expected is None and not holds_key(folded_text, start, end, search.keys)
    assert skipped > 100  # the prefilters do pass over sentences


def test_dependency_frames_visit_every_token_that_is_a_trigger_word() -> None:
    # The frames are read only at tokens whose lower-case id is a trigger word's: the very tokens
    # whose text, lower-cased, is one (in any case, hyphenated or not).
    from comity.news._parse import parser

    texts = [
        "PERU JOINED the bloc; Chile Withdrew, and the Withdrawal of Cuba took effect.",
        "Iran re-entered the treaty after its re-entry was approved, then RE-ENGAGED with the court.",
        "Members of the Council elected Ghana; the winners were Kenya and Togo. Mali's suspension ended.",
    ]
    for sdoc in parser().pipe(texts):
        expected = [
            token.i
            for token in sdoc
            if _memframes._lower(token) in _memframes._VERBS or _memframes._lower(token) in _memframes._NOUNS
        ]
        assert _memframes._trigger_positions(sdoc) == expected != []


def test_at_end_refuses_endings_that_could_never_be_met() -> None:
    # An ending with white space around it is never the end of a stripped text: the gate would
    # rule out every text, matches included.
    for endings in ((), ("said ",), ("",)):
        with pytest.raises(ValueError, match="endings"):
            AtEnd(r"said\s*$", endings)
    assert AtEnd(r"\bsaid\s*$", ("said",)).search("she said  ") is not None


def test_every_alternative_of_the_frame_hint_holds_a_key() -> None:
    # _HINT is a flat alternation of stems: each one, in every spelling its optional hyphen
    # allows, must hold a key (a sampled check could miss the one stem a dropped key served).
    for alternative in _memberships._HINT.pattern.split("|"):
        stem = alternative.removesuffix(r"\b")
        for spelling in {stem.replace("-?", "-"), stem.replace("-?", "")}:
            assert any(key in spelling.lower() for key in _memberships._HINT_KEYS), alternative
