"""The meetings stage, and the dates helper it resolves dates with."""

from __future__ import annotations

import pytest

from comity.errors import BadDate
from comity.news import Meeting, Pipeline
from comity.news._dates import find_dates, page_date, parse_iso

CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline([*CORE_STAGES, "meetings"])


def _meetings(nlp: Pipeline, text: str, published: str | None = None) -> list[Meeting]:
    return nlp.read(text, id="t", meta={"published": published}).meetings


def test_meetings_vote_is_meeting_of_voting_organ_with_voters(nlp: Pipeline) -> None:
    text = (
        "The UN General Assembly voted on Wednesday to demand that Russia withdraw from Ukraine. "
        "China and India abstained, while Belarus and Eritrea voted against the resolution."
    )
    [meeting] = _meetings(nlp, text, published="2022-03-03")
    assert meeting.body == "UNGA"
    assert meeting.date == "2022-03-02"
    assert {"CHN", "IND", "BLR", "ERI"} <= set(meeting.participants)
    assert "UKR" not in meeting.participants  # the subject matter, not a participant


def test_meetings_chair_and_attendance(nlp: Pipeline) -> None:
    text = (
        "The UN Security Council met on May 7, 2021 to debate cooperation among nations. "
        "Wang Yi, the foreign minister, presided over the session, which the foreign ministers of Russia, "
        "Mexico and Kenya also attended."
    )
    [meeting] = _meetings(nlp, text)
    assert (meeting.body, meeting.date) == ("UNSC", "2021-05-07")
    assert meeting.chair == "Wang Yi"
    assert {"RUS", "MEX", "KEN"} <= set(meeting.participants)


def test_meetings_future_and_habitual_left_out(nlp: Pipeline) -> None:
    assert _meetings(nlp, "The NAM summit is scheduled for next October in Baku.") == []
    assert _meetings(nlp, "Russia has vetoed 14 Security Council resolutions on Syria since 2011.") == []


def test_meetings_veto_is_a_security_council_meeting(nlp: Pipeline) -> None:
    [meeting] = _meetings(nlp, "On 20 December 2019 China and Russia vetoed a UN resolution on aid.")
    assert (meeting.body, meeting.date) == ("UNSC", "2019-12-20")
    assert set(meeting.participants) == {"CHN", "RUS"}


def test_meetings_weekday_without_page_date_is_null(nlp: Pipeline) -> None:
    [meeting] = _meetings(nlp, "The Security Council met on Friday to discuss the crisis.")
    assert meeting.date is None


def test_dates_relative_expressions_resolve_against_anchor() -> None:
    found = {
        m.text: m.value
        for m in find_dates("yesterday, on Friday, last September, last year, in 2017", "2021-05-09")
    }
    assert found == {
        "yesterday": "2021-05-08",
        "Friday": "2021-05-07",
        "last September": "2020-09",
        "last year": "2020",
        "2017": "2017",
    }


def test_dates_absolute_shapes_and_partial_without_year() -> None:
    values = [m.value for m in find_dates("May 7, 2021; 20 December 2019; 2019-12-20; 3/12/21; Oct. 26")]
    assert values == ["2021-05-07", "2019-12-20", "2019-12-20", "2021-03-12", None]
    assert [m.value for m in find_dates("Oct. 26", "2016-10-27")] == ["2016-10-26"]
    # A weekday written with its full date names that date, not a separate one.
    assert [m.value for m in find_dates("Thursday, May 6, 2021", "2021-05-07")] == ["2021-05-06"]


def test_dates_page_date_found_on_the_page() -> None:
    assert page_date("date 2021-03-12 China, Russia ...") == "2021-03-12"
    assert page_date("Section: Politics | Posted Friday, 07 May 2021 09:40 | Views: 12") == "2021-05-07"
    assert page_date("Daily Wire Desk | December 21, 2019 8:05 AM\nTwo vetoes block aid") == "2019-12-21"
    assert page_date("No date here at all.") is None
    assert page_date("anything", published="2020-09") == "2020-09"


def test_dates_page_date_guess_skips_period_ends_and_dates_ahead() -> None:
    # An undated page: the first full date of its opening lines is a guess for the page's day,
    # but not a date that ends a term or lies ahead (the page reports what happened before it).
    text = (
        "The council named her envoy for a term ending 30 June 2031. She will take up the post on "
        "1 July 2030. The ministers met on 4 May 2030 in Lisbon."
    )
    assert page_date(text) == "2030-05-04"
    assert page_date("The treaty stays in force until 1 March 2040, the ministers agreed.") is None


def test_meetings_day_month_not_resolved_against_a_term_end(nlp: Pipeline) -> None:
    text = "The Security Council met on 9 April and chose a judge for a term ending 31 December 2035."
    [meeting] = _meetings(nlp, text)
    assert meeting.date is None


def test_meetings_body_in_a_title_of_the_person_met_is_no_sitting(nlp: Pipeline) -> None:
    # "met NATO Secretary-General X": the body names the office of the person met.
    assert _meetings(nlp, "The president met NATO Secretary-General Ada Lind on 12 May 2031.") == []
    assert _meetings(nlp, "The minister met EU foreign policy chief Ada Lind on 12 May 2031.") == []
    assert _meetings(nlp, "Ana Ruiz, UN director at a rights group, met the press on 2 May 2031.") == []
    [meeting] = _meetings(nlp, "NATO foreign ministers met in Oslo on 1 December 2030.")
    assert (meeting.body, meeting.date) == ("NATO", "2030-12-01")


def test_meetings_a_city_standing_for_a_body_is_only_a_place_after_in(nlp: Pipeline) -> None:
    # "Brussels" is the EU where it acts, not where people meet.
    assert _meetings(nlp, "The two foreign ministers met in Brussels on 3 May 2031.") == []


def test_dates_parse_iso_rejects_impossible_dates() -> None:
    assert parse_iso("2020-09").isoformat() == "2020-09-01"
    with pytest.raises(BadDate):
        parse_iso("2021-02-30")


def test_meetings_state_chair_from_rotating_presidency(nlp: Pipeline) -> None:
    text = (
        "The UN Security Council on Wednesday failed to adopt the draft after the United States vetoed it. "
        "Brazil, which holds the rotating presidency of the council this month, regretted the outcome."
    )
    [meeting] = _meetings(nlp, text, published="2023-10-18")
    assert (meeting.body, meeting.date, meeting.chair) == ("UNSC", "2023-10-18", "BRA")


def test_meetings_chaired_by_names_the_chair_not_the_speaker_nearby(nlp: Pipeline) -> None:
    text = (
        "Speaking after a closed-door meeting of the U.N. Security Council chaired by Slovenia, "
        "Iranian Foreign Minister Abbas Araqchi said Tehran remained committed to diplomacy."
    )
    [meeting] = _meetings(nlp, text)
    assert meeting.body == "UNSC"
    assert meeting.chair == "SVN"


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("a referendum is no sitting of a body",
         "Voters in Norway voted against joining the European Union in a 1994 referendum."),
        ("a crowd gathering is no meeting",
         "Thousands of activists gathered outside the NATO summit venue on 3 May 2030."),
        ("a press conference is no meeting of the body",
         "The WHO chief spoke at a press conference in Geneva on 4 May 2030."),
        ("an arrest warrant is no meeting",
         "The ICC issued an arrest warrant for the minister on 5 May 2030."),
        ("an attitude is no body", "Pro-EU campaigners met in Dublin on 6 May 2030."),
    ],
)  # fmt: skip
def test_meetings_gatherings_that_are_no_sitting(nlp: Pipeline, pattern: str, text: str) -> None:
    assert nlp.read(text, id="t").meetings == [], pattern


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("a meeting word under a condition reports no sitting",
         "If adopted, the draft would have imposed sanctions, a UN Security Council diplomat said.", []),
        ("'told the' needs a body after it",
         "The OPCW spokesman told the press on 3 May 2031 that inspections would go on.", []),
        ("a meeting word inside a person's title",
         "President of the 80th session of the UN General Assembly Maria Lopez visited Lima on 4 May 2031.",
         []),
        ("a warrant approved is no sitting",
         "The ICC judges approved an arrest warrant for the former leader on 5 May 2031.", []),
        ("a decision by the body named before it",
         "The Security Council adopted the resolution on 6 May 2031.", [("UNSC", "2031-05-06")]),
        ("a decision by the body named after 'by'",
         "The resolution was adopted by the General Assembly on 7 May 2031.", [("UNGA", "2031-05-07")]),
    ],
)  # fmt: skip
def test_meetings_words_that_report_no_sitting(
    nlp: Pipeline, pattern: str, text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == expected, pattern


@pytest.fixture(scope="module")
def parsed() -> Pipeline:
    """The reader with the parse stage, for the rules that read the dependency parse."""
    return Pipeline([*CORE_STAGES, "parse", "meetings"])


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("a participle's actor is the subject of the clause it hangs on",
         "Adopting a text drafted by Norway, the UN General Assembly on 4 May 2032 asked for a ceasefire.",
         [("UNGA", "2032-05-04")]),
        ("an appointment by a body is a sitting of it",
         "The envoy was appointed to the post by the UN Security Council on 6 May 2032.",
         [("UNSC", "2032-05-06")]),
        ("a relative clause's actor is the noun it hangs on",
         "Delegates praised the UN Security Council, which on 8 May 2032 backed the truce plan.",
         [("UNSC", "2032-05-08")]),
        ("'backed' of another actor is no sitting",
         "The NATO-backed authorities in the region were praised on 9 May 2032.", []),
        ("an agency's approval is no sitting",
         "The World Health Organization approved the new vaccine on 10 May 2032.", []),
    ],
)  # fmt: skip
def test_meetings_decision_frames_from_the_parse(
    parsed: Pipeline, pattern: str, text: str, expected: list[tuple[str, str]]
) -> None:
    assert [(m.body, m.date) for m in parsed.read(text, id="t").meetings] == expected, pattern


def test_meetings_page_stamps_and_datelines_date_no_event(nlp: Pipeline) -> None:
    stamped = "March 3, 2033 - 09:15 GMT\nThe UN Security Council has voted to renew the mission in Haiti."
    assert [(m.body, m.date) for m in _meetings(nlp, stamped)] == [("UNSC", None)]
    dateline = "Tuesday, 8 March 2033\nThe UN General Assembly has adopted a resolution on ocean plastics."
    assert [(m.body, m.date) for m in _meetings(nlp, dateline)] == [("UNGA", None)]


def test_meetings_date_of_another_event_in_the_sentence(nlp: Pipeline) -> None:
    text = "The UN General Assembly voted on the application submitted in May 2031 by the island state."
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == [("UNGA", None)]


def test_meetings_organ_inside_a_chair_title_is_not_the_body(nlp: Pipeline) -> None:
    text = (
        "Guests included the Chairwoman of the 80th session of the UN General Assembly at the summit of "
        "the African Union in Addis Ababa on 10 February 2034."
    )
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == [("AU", "2034-02-10")]


def test_meetings_the_vote_in_a_story_of_one_voting_organ(nlp: Pipeline) -> None:
    text = (
        "Members of the UN Security Council argued for hours over the draft text. "
        "The resolution was passed after two members abstained."
    )
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == [("UNSC", None)]
    two_organs = "The UN Security Council and the UN General Assembly heard the envoy. The vote was close."
    assert _meetings(nlp, two_organs) == []


def test_meetings_short_reference_to_an_organ_named_before(nlp: Pipeline) -> None:
    text = (
        "The UN Security Council and the UN General Assembly heard the envoy. "
        "On 5 June 2035 the 15-member Council voted to extend the mission."
    )
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == [("UNSC", "2035-06-05")]


def test_dates_last_month_and_weeks_resolve_to_a_month() -> None:
    found = {m.text: m.value for m in find_dates("last month, earlier this week, last week", "2036-03-20")}
    assert found == {"last month": "2036-02", "earlier this week": "2036-03", "last week": "2036-03"}
    # A week across two months has no month; without a page day there is nothing to resolve against.
    assert [m.value for m in find_dates("last week", "2036-03-05")] == [None]
    assert [m.value for m in find_dates("last month", None)] == [None]


def test_meetings_past_sitting_in_a_since_when_clause(nlp: Pipeline) -> None:
    text = "Freedonia has opposed such texts since 2015, when the UN Security Council voted down its draft."
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == [("UNSC", "2015")]
    assert _meetings(nlp, "Freedonia has blocked the Security Council since 2015.") == []


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("a body someone meets with is the other side, not the one meeting",
         "The Freedonian minister met with NATO officials in Oslo on 3 March 2037.", []),
        ("a UN agency convening talks organises a meeting of others",
         "The World Health Organization convened the talks in Geneva on 4 March 2037.", []),
        ("a UN agency sits through its organs",
         "The IAEA Board of Governors met in Vienna on 5 March 2037.", [("IAEA", "2037-03-05")]),
        ("leaders in a virtual event of their group",
         "The leaders of the Quad spoke in a virtual event on 6 March 2037.", [("QUAD", "2037-03-06")]),
    ],
)  # fmt: skip
def test_meetings_who_meets(nlp: Pipeline, pattern: str, text: str, expected: list[tuple[str, str]]) -> None:
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == expected, pattern


def test_meetings_a_preparatory_meeting_on_its_own_day(nlp: Pipeline) -> None:
    text = (
        "The summit of the Non-Aligned Movement opened in Kampala on 8 April 2038. "
        "A preparatory meeting of senior officials was held on 5 April 2038 in the same hall."
    )
    found = sorted((m.body, m.date) for m in _meetings(nlp, text))
    assert found == [("NAM", "2038-04-05"), ("NAM", "2038-04-08")]


def test_meetings_body_of_the_meeting_noun_and_meetings_ahead(nlp: Pipeline) -> None:
    text = "The Freedonian premier met EU leaders at the G7 summit in Rome on 3 May 2039."
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == [("G7", "2039-05-03")]
    ahead = "Ministers of Freedonia travelled to Oslo on 4 May 2039 ahead of the NATO summit."
    assert _meetings(nlp, ahead) == []


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("a meeting called for has not been held",
         "Freedonia called for an urgent meeting of the UN Security Council on 3 June 2040."),
        ("a session requested has not been held",
         "On 4 June 2040 Sylvania requested a session of the General Assembly on the dam."),
        ("a summit proposed has not been held", "The Freedonian premier proposed a summit of BRICS leaders."),
        ("a summit hoped for is no sitting", "Sylvania hopes to be invited to the NATO summit in Oslo."),
        ("a summit under a modal is no sitting",
         "An African Union summit could take place before the rains, officials said."),
        ("the next summit is still to come",
         "The Freedonian premier said his country would host the next SCO summit."),
    ],
)  # fmt: skip
def test_meetings_asked_for_wished_or_next_are_no_sitting(nlp: Pipeline, pattern: str, text: str) -> None:
    assert _meetings(nlp, text, published="2040-06-05") == [], pattern


def test_meetings_a_request_then_the_sitting_it_led_to(nlp: Pipeline) -> None:
    text = "Freedonia requested an urgent meeting of the UN Security Council, which met on 3 June 2040."
    assert [(m.body, m.date) for m in _meetings(nlp, text)] == [("UNSC", "2040-06-03")]


def test_meetings_a_secret_ballot_is_a_sitting_of_the_body_that_holds_it(nlp: Pipeline) -> None:
    text = (
        "Freedonia won a seat on the Human Rights Council in a secret ballot of the General Assembly "
        "on Tuesday."
    )
    [meeting] = _meetings(nlp, text, published="2041-10-17")
    assert (meeting.body, meeting.date) == ("UNGA", "2041-10-15")
    national = "Voters in Freedonia cast their ballots on EU membership on Sunday."
    assert _meetings(nlp, national, published="2041-10-17") == []


def test_meetings_an_agency_decides_through_its_board(parsed: Pipeline) -> None:
    board = "The IAEA Board of Governors passed a resolution on the inspections on 6 June 2041."
    assert [(m.body, m.date) for m in parsed.read(board, id="t").meetings] == [("IAEA", "2041-06-06")]
    agency = "The IAEA passed its findings to the inspectors on 6 June 2041."
    assert parsed.read(agency, id="t").meetings == []


def test_dates_this_month_day_and_an_ordinal_day_of_the_page_month() -> None:
    [this_day] = find_dates("they gathered in Lima this July 20 and 21", "2042-07")
    assert (this_day.value, this_day.kind) == ("2042-07-20", "partial")
    [ordinal] = find_dates("the council met on the 7th, after a week of talks", "2042-05-09")
    assert ordinal.value == "2042-05-07"
    [earlier] = find_dates("the council met on the 21st.", "2042-05-09")
    assert earlier.value == "2042-04-21"  # after the page's day: the month before
    assert find_dates("marked on the 75th anniversary", "2042-05-09") == []
    assert [m.value for m in find_dates("the council met on the 7th.")] == [None]  # no page date, no day


# The meetings stage's shortcuts never change what its patterns find: the trigger words' lookahead
# on first letters, and the literal keys that let a sentence be passed over without a search.
_KEYED_MEETING_PATTERNS = {
    "chair passive": ("_CHAIR_PASSIVE", "_CHAIR_KEYS"),
    "chair person": ("_CHAIR_PERSON", "_CHAIR_KEYS"),
    "chair state": ("_CHAIR_STATE", "_CHAIR_KEYS"),
    "generic presidency": ("_GENERIC_PRESIDENCY", "_CHAIR_KEYS"),
}


@pytest.mark.parametrize("name", sorted(_KEYED_MEETING_PATTERNS))
def test_meetings_every_chair_match_holds_a_chair_key(name: str) -> None:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from comity.news import _meetings
    from comity.news._prefilter import folded

    pattern_name, keys_name = _KEYED_MEETING_PATTERNS[name]
    keys = getattr(_meetings, keys_name)

    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.from_regex(getattr(_meetings, pattern_name), fullmatch=True))
    def holds(text: str) -> None:
        folded_text = folded(text)
        assert folded_text is None or any(key in folded_text for key in keys), text

    holds()


def test_meetings_decision_words_are_found_only_with_their_stems() -> None:
    from comity.news import _meetings
    from comity.news._prefilter import folded

    search = _meetings._DECISION_WORD
    text = "The board ADOPTED it. Nothing here. Then they re-elected her; a backlog grew. Unpassable!"
    folded_text = folded(text)
    for start, end in [(0, 21), (22, 35), (36, 67), (68, len(text)), (0, len(text)), (5, 9)]:
        expected = search.pattern.search(text, start, end)
        found = search.search(text, start, end, folded_text)
        assert (found and found.span()) == (expected and expected.span())


def test_meetings_trigger_lookahead_changes_no_match() -> None:
    # The first-letter lookahead is built from the words: each starts with a letter, and the
    # pattern without the lookahead matches exactly where the pattern with it does.
    import re

    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from comity.news import _meetings

    assert all(word[0].isalpha() for word in _meetings._TRIGGER_WORDS)
    plain = re.compile(rf"\b(?:{'|'.join(_meetings._TRIGGER_WORDS)})\b", re.I)
    words = st.sampled_from(["Secret", "ballot", "joint", "Call", "VOTED", "met", "the", "Council", "x", "-"])

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.lists(words, max_size=6).map(" ".join) | st.from_regex(plain, fullmatch=True))
    def same(text: str) -> None:
        spans = [m.span() for m in _meetings._TRIGGER.finditer(text)]
        assert spans == [m.span() for m in plain.finditer(text)], text

    same()
    assert [m.group(0) for m in _meetings._TRIGGER.finditer("a Secret ballot, a joint CALL, they met")] == [
        "Secret ballot",
        "joint CALL",
        "met",
    ]
