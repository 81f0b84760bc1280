"""The memberships stage on hand-made sentences and on the seed text."""

from __future__ import annotations

import pytest

from comity.news import Pipeline

CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline([*CORE_STAGES, "memberships"])


def _events(nlp: Pipeline, text: str, published: str | None = None) -> list[tuple[str, str, str, str | None]]:
    doc = nlp.read(text, id="t", meta={"published": published})
    return [(m.actor, m.body, m.action, m.date) for m in doc.memberships]


_FrameCase = tuple[str, str, str | None, list[tuple[str, str, str, str | None]]]


def test_memberships_registry_kind_is_the_one_the_registry_shows() -> None:
    from comity.news._memberships import _registry_kind
    from comity.registry import Registry

    registry = Registry.default()
    # Ids in any case (read from one table), and a name, which only the registry resolves.
    for name in ("UNSC", "unsc", "NATO", "WHO", "NPT", "European Union"):
        expected = registry.show(name, types=("organisation",))["record"]["kind"]
        assert _registry_kind.__wrapped__(name) == expected, name
    assert _registry_kind.__wrapped__("NOT_A_BODY_OF_THE_REGISTRY") is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The United States withdrew from the Paris Agreement in 2020.",
         [("USA", "PARIS_AGREEMENT", "withdraw", "2020")]),
        ("Britain left the European Union on 31 January 2020.", [("GBR", "EU", "withdraw", "2020-01-31")]),
        ("Russia was expelled from the Council of Europe on 16 March 2022.",
         [("RUS", "COUNCIL_OF_EUROPE", "expel", "2022-03-16")]),
        ("The African Union suspended Mali after the coup in 2021.", [("MLI", "AU", "suspend", "2021")]),
        ("Finland joined NATO on April 4, 2023.", [("FIN", "NATO", "join", "2023-04-04")]),
        ("Venezuela announced it would leave the OAS in 2017.",
         [("VEN", "OAS", "announce_withdrawal", "2017")]),
        ("Washington returned to the UN Human Rights Council.", [("USA", "UNHRC", "rejoin", None)]),
    ],
)  # fmt: skip
def test_memberships_actions_dates(
    nlp: Pipeline, text: str, expected: list[tuple[str, str, str, str | None]]
) -> None:
    assert _events(nlp, text) == expected


def test_memberships_intentions_and_threats_are_not_events(nlp: Pipeline) -> None:
    assert _events(nlp, "The U.S. wants to rejoin the JCPOA, officials said.") == []
    assert _events(nlp, "Washington threatened to quit the WHO.") == []
    assert _events(nlp, "Russia demanded that Ukraine never join NATO.") == []
    assert _events(nlp, "Moscow demanded that Russia's troops withdraw from Ukraine.") == []


def test_memberships_weekday_resolved_only_against_page_date(nlp: Pipeline) -> None:
    text = "Washington rejoined the World Health Organization on Friday."
    assert _events(nlp, text, published="2021-02-08") == [("USA", "WHO", "rejoin", "2021-02-05")]
    assert _events(nlp, text) == [("USA", "WHO", "rejoin", None)]


def test_memberships_list_of_actors(nlp: Pipeline) -> None:
    events = _events(nlp, "Burkina Faso, Mali and Niger announced their withdrawal from the African Union.")
    assert sorted(e[0] for e in events) == ["BFA", "MLI", "NER"]
    assert {e[2] for e in events} == {"announce_withdrawal"}


def test_memberships_invited_states_join_when_membership_takes_effect(nlp: Pipeline) -> None:
    text = (
        "The BRICS group on Thursday invited Egypt and Iran to join the bloc. "
        "Their membership will take effect on Jan. 1, 2024, officials said."
    )
    assert _events(nlp, text, published="2023-08-24") == [
        ("EGY", "BRICS", "join", "2024-01-01"),
        ("IRN", "BRICS", "join", "2024-01-01"),
    ]
    assert _events(nlp, "The founders asked every other UN member to sign up to the new forum.") == []


def test_memberships_announcement_dated_when_made(nlp: Pipeline) -> None:
    text = "The United States said Thursday it will withdraw from UNESCO at the end of 2018."
    assert _events(nlp, text, published="2017-10-12") == [
        ("USA", "UNESCO", "announce_withdrawal", "2017-10-12")
    ]


def test_memberships_suspended_from_the_body_named_after_from(nlp: Pipeline) -> None:
    text = "The UN General Assembly voted on Thursday to suspend Russia from the Human Rights Council."
    assert _events(nlp, text, published="2022-04-07") == [("RUS", "UNHRC", "suspend", "2022-04-07")]


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        (
            "Burkina Faso and Mali announced in January 2024 that they would withdraw from ECOWAS.",
            None,
            [
                ("BFA", "ECOWAS", "announce_withdrawal", "2024-01"),
                ("MLI", "ECOWAS", "announce_withdrawal", "2024-01"),
            ],
        ),
        (
            "Egypt and Iran became full members of BRICS on January 1, 2024.",
            None,
            [("EGY", "BRICS", "join", "2024-01-01"), ("IRN", "BRICS", "join", "2024-01-01")],
        ),
        (
            "Hungary announced on Thursday it would quit the International Criminal Court.",
            "2025-04-05",
            [("HUN", "ICC", "announce_withdrawal", "2025-04-03")],
        ),
    ],
)
def test_memberships_announcement_with_a_time_phrase(
    nlp: Pipeline, text: str, published: str | None, expected: list[tuple[str, str, str, str | None]]
) -> None:
    assert _events(nlp, text, published) == expected


# One sentence of our own for each general pattern the frames cover.
# Frames: (pattern, a sentence of our own, page date, events).
_FRAMES: list[_FrameCase] = [
        ("coordinated subjects of a future join",
         "Chile, Ghana and Vietnam will join the World Trade Organization on 1 March 2031.", None,
         [("CHL", "WTO", "join", "2031-03-01"), ("GHA", "WTO", "join", "2031-03-01"),
          ("VNM", "WTO", "join", "2031-03-01")]),
        ("passive admission as a full member",
         "Portugal was accepted as a full member of the Commonwealth in 2030.", None,
         [("PRT", "COMMONWEALTH", "join", "2030")]),
        ("granted membership status",
         "Brazil has been granted permanent status in the OECD.", None, [("BRA", "OECD", "join", None)]),
        ("an organisation as the actor",
         "The African Union became a permanent member of the G20 in 2023.", None,
         [("AU", "G20", "join", "2023")]),
        ("object of an admitting body",
         "NATO admitted Ireland and Austria in 2029.", None,
         [("IRL", "NATO", "join", "2029"), ("AUT", "NATO", "join", "2029")]),
        ("a withdrawal that took effect (nominalisation)",
         "Peru's withdrawal from the OAS took effect on 2 May 2028.", None,
         [("PER", "OAS", "withdraw", "2028-05-02")]),
        ("a future pull-out is an announcement",
         "Colombia will pull out of the OAS, its foreign minister said on Monday.", "2027-06-09",
         [("COL", "OAS", "announce_withdrawal", "2027-06-07")]),
        ("notice of withdrawal given",
         "In March 2026 Mexico gave formal notice of its withdrawal from the WTO.", None,
         [("MEX", "WTO", "announce_withdrawal", "2026-03")]),
        ("the intention to leave, with a referring noun for the body",
         "Chad joined the ICC in 2002. Two decades later the country notified the UN of its intention "
         "to leave "
         "the court.", None,
         [("TCD", "ICC", "join", "2002"), ("TCD", "ICC", "announce_withdrawal", None)]),
        ("reversing a withdrawal is a return",
         "Kenya left the ICC in 2025. In 2027 Kenya's new government reversed the withdrawal.", None,
         [("KEN", "ICC", "withdraw", "2025"), ("KEN", "ICC", "rejoin", "2027")]),
        ("readmitted (passive)", "Fiji was readmitted to the Commonwealth in 2014.", None,
         [("FJI", "COMMONWEALTH", "rejoin", "2014")]),
        ("re-engaged with", "Australia re-engaged with UNESCO in 2028.", None,
         [("AUS", "UNESCO", "rejoin", "2028")]),
        ("suspended from (passive)", "Guinea was suspended from the African Union in 2021.", None,
         [("GIN", "AU", "suspend", "2021")]),
        ("a state suspending its part in a treaty",
         "Russia suspended its participation in the Open Skies Treaty in 2020.", None,
         [("RUS", "OPEN_SKIES", "suspend", "2020")]),
        ("relative clause",
         "Burundi, which left the International Criminal Court in 2017, was criticised.", None,
         [("BDI", "ICC", "withdraw", "2017")]),
        ("elected to a council", "Fiji, Ghana and Peru were elected to the Human Rights Council on Friday.",
         "2030-10-14",
         [("FJI", "UNHRC", "join", "2030-10-11"), ("GHA", "UNHRC", "join", "2030-10-11"),
          ("PER", "UNHRC", "join", "2030-10-11")]),
        ("present tense on the page's date", "Norway leaves the Council of Europe", "2031-05-02",
         [("NOR", "COUNCIL_OF_EUROPE", "withdraw", "2031-05-02")]),
        ("seats won in an election",
         "Chile and Fiji won seats on the Human Rights Council on 12 October 2032.", None,
         [("CHL", "UNHRC", "join", "2032-10-12"), ("FJI", "UNHRC", "join", "2032-10-12")]),
        ("elected from a regional group: the story's seated body",
         "The Security Council vote was held on 3 June 2032. "
         "Kenya and Ghana were elected from the African group.",
         None, [("KEN", "UNSC", "join", "2032-06-03"), ("GHA", "UNSC", "join", "2032-06-03")]),
        ("inverted list by regional group, dated by the term's start",
         "The Human Rights Council vote took place on 9 October 2032. "
         "The countries elected were Peru and Chile "
         "from Latin America; and Japan from Asia. Their three-year terms begin on 1 January.", "2032-10-10",
         [("PER", "UNHRC", "join", "2033-01-01"), ("CHL", "UNHRC", "join", "2033-01-01"),
          ("JPN", "UNHRC", "join", "2033-01-01")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("a headquarters city is not a joining",
         "The summit was held at the headquarters of the African Union "
         "in Addis Ababa, and Ethiopia hosted it."),
        ("a failed bid to rejoin is no return",
         "Gabon made a failed bid to rejoin the Commonwealth last year."),
        ("a wish is no event", "Serbia hopes to join the European Union by 2030."),
        ("a threat is no event", "Hungary threatened to leave the European Union."),
        ("re-elected states take no join", "Cuba was re-elected to the Human Rights Council."),
        ("elected to an office is no membership",
         "Maria Silva of Brazil was elected president of the UN General Assembly."),
        ("admitted as an observer is no membership",
         "By a vote of the General Assembly, Palestine was admitted as a non-member observer state."),
        ("a negation is no event", "Norway never joined the European Union."),
        ("a vote to reject is no event", "Germany refused to quit the WHO."),
    ],
)  # fmt: skip
def test_memberships_not_events(nlp: Pipeline, pattern: str, text: str) -> None:
    assert _events(nlp, text) == [], pattern


# Frames read over the dependency parse (comity.news._memframes): one sentence of our own per pattern.
# Dependency frames: (pattern, a sentence of our own, page date, events).
_DEPENDENCY_FRAMES: list[_FrameCase] = [
        ("passive acceptance as a full member",
         "Mongolia was accepted as a full member of the Shanghai Cooperation Organisation in 2031.", None,
         [("MNG", "SCO", "join", "2031")]),
        ("membership granted (passive)",
         "Kenya has been granted permanent membership of the Commonwealth.", None,
         [("KEN", "COMMONWEALTH", "join", None)]),
        ("a nominal exit that takes effect", "Chile's exit from the OAS took effect on 2 May 2030.", None,
         [("CHL", "OAS", "withdraw", "2030-05-02")]),
        ("readmitted (passive) is a return", "Fiji was readmitted to the Commonwealth in 2014.", None,
         [("FJI", "COMMONWEALTH", "rejoin", "2014")]),
        ("an organisation admitted as a member",
         "The G20 admitted the African Union as a permanent member in September 2023.", None,
         [("AU", "G20", "join", "2023-09")]),
        ("a failed bid is no event",
         "A failed bid to rejoin the OAS in 2029 left Bolivia isolated.", None, []),
        ("a future withdrawal is an announcement, dated by the saying",
         "Canada will pull out of NATO, the prime minister said on 3 May 2031.", None,
         [("CAN", "NATO", "announce_withdrawal", "2031-05-03")]),
        ("no relation from words that sit near each other",
         "Bolivia, whose capital hosts the headquarters of the OAS, met the delegates on Monday.", None, []),
        ("a nominal withdrawal as subject keeps its own polarity",
         "Burundi's withdrawal from the ICC did not end the inquiry.", None,
         [("BDI", "ICC", "withdraw", None)]),
        ("a completed withdrawal announced is a withdrawal, dated by the announcement",
         "Peru announced on Friday it has withdrawn from the WTO.", "2031-04-04",
         [("PER", "WTO", "withdraw", "2031-04-04")]),
        ("a reversed withdrawal: a return, and the withdrawal was only announced",
         "Gambia reversed its withdrawal from the ICC in February 2017.", None,
         [("GMB", "ICC", "rejoin", "2017-02"), ("GMB", "ICC", "announce_withdrawal", None)]),
        ("the antecedent of a relative clause", "Burundi, which left the ICC in 2017, was criticised.", None,
         [("BDI", "ICC", "withdraw", "2017")]),
        ("a body expelling a state (active)", "The Council of Europe expelled Russia on 16 March 2022.", None,
         [("RUS", "COUNCIL_OF_EUROPE", "expel", "2022-03-16")]),
        ("a state suspending a treaty", "Russia suspended the New START treaty in February 2023.", None,
         [("RUS", "NEW_START", "suspend", "2023-02")]),
        ("coordinated subjects of 'became members of'",
         "Egypt, Ethiopia and Iran became members of BRICS in January 2024.", None,
         [("EGY", "BRICS", "join", "2024-01"), ("ETH", "BRICS", "join", "2024-01"),
          ("IRN", "BRICS", "join", "2024-01")]),
        ("re-entered (split by the tokenizer) is a return",
         "Uruguay re-entered the Paris Agreement in 2032.", None,
         [("URY", "PARIS_AGREEMENT", "rejoin", "2032")]),
        ("a negated withdrawal is no event", "Norway did not leave the Council of Europe.", None, []),
        ("a decision to leave is an announcement dated by the decision",
         "Ecuador decided in March 2031 to leave OPEC.", None,
         [("ECU", "OPEC", "announce_withdrawal", "2031-03")]),
        ("notice of an exit", "Chad gave notice of its exit from the African Union on 5 June 2030.", None,
         [("TCD", "AU", "announce_withdrawal", "2030-06-05")]),
        ("a withdrawal that became effective",
         "The Philippines' withdrawal from the ICC became effective on 17 March 2019.", None,
         [("PHL", "ICC", "withdraw", "2019-03-17")]),
]  # fmt: skip


def test_memberships_parse_only_sentences_that_need_it(nlp: Pipeline) -> None:
    # A sentence without a membership word, or without a body, is not parsed for this stage.
    text = "Ghana and Togo held talks in Accra. Togo left the meeting early. Chile joined the WTO in 1995."
    doc = nlp.read(text, id="t")
    parsed = {doc.text[s:e] for s, e in doc.parses}
    assert parsed == {"Chile joined the WTO in 1995."}
    assert [(m.actor, m.body, m.action) for m in doc.memberships] == [("CHL", "WTO", "join")]


# Dependency modality and roles: (pattern, a sentence of our own, page date, events).
_DEPENDENCY_MODALITY_AND_ROLES: list[_FrameCase] = [
        ("a counterfactual ('would have left') is no event",
         "The foreign minister said Peru would have left the OAS anyway.", None, []),
        ("a withdrawal under way ('was leaving') is an announcement",
         "Bolivia was leaving the organisation, the minister said of the OAS.", None,
         [("BOL", "OAS", "announce_withdrawal", None)]),
        ("a membership suspended, in a relative clause whose owner is the antecedent",
         "The OAS met in Lima. Cuba, whose membership was suspended in 1962, was absent.", None,
         [("CUB", "OAS", "suspend", "1962")]),
        ("the body under 'its membership of'",
         "Nicaragua formally withdrew from its membership of the OAS on 2 November 2031.", None,
         [("NIC", "OAS", "withdraw", "2031-11-02")]),
        ("the process to leave, begun: an announcement by the subject of 'started'",
         "Bolivia's cabinet started the long process to leave the OAS in November 2029.", None,
         [("BOL", "OAS", "announce_withdrawal", "2029-11")]),
        ("a call for an expulsion is no event",
         "Several states called for Russia's expulsion from the Council of Europe.", None, []),
        ("'called X's withdrawal a mistake' tells a withdrawal",
         "The minister called Ecuador's withdrawal from OPEC a mistake.", None,
         [("ECU", "OPEC", "withdraw", None)]),
        ("a withdrawal deep in another clause's phrase is not what that clause announces",
         "On Monday Chile announced new tariffs in response to the US withdrawal from the WTO.", "2031-03-05",
         [("USA", "WTO", "withdraw", None)]),
        ("halting participation is a suspension by the subject",
         "Hungary halted its participation in the ICC in June 2030.", None,
         [("HUN", "ICC", "suspend", "2030-06")]),
]  # fmt: skip


def test_memberships_election_lists_by_region_and_reelected_states(nlp: Pipeline) -> None:
    # A list by regional group with a single state in the middle; a state re-elected takes no event;
    # the terms start on a date without a year: the next one after the page's date.
    text = (
        "date 2031-10-15\nThe General Assembly filled seats on the UN Human Rights Council on Tuesday. "
        "The countries elected were Ghana and Togo from Africa; Poland from Eastern Europe; and Spain "
        "and Norway from the Western group. Norway was re-elected. The new members take office on Jan. 1."
    )
    assert _events(nlp, text) == [
        ("GHA", "UNHRC", "join", "2032-01-01"),
        ("TGO", "UNHRC", "join", "2032-01-01"),
        ("POL", "UNHRC", "join", "2032-01-01"),
        ("ESP", "UNHRC", "join", "2032-01-01"),
    ]


# Election frames over the dependency parse (the ``elect`` row of comity.news._memframes).
_VOTE = "The General Assembly held its vote for the Human Rights Council on 12 October 2033. "


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("passive list, with 'as were' adding more states",
         "Chile and Nepal were also elected, as were Malawi and Latvia.", ["CHL", "NPL", "MWI", "LVA"]),
        ("an inverted list: 'elected from the region were A and B'",
         "Elected from the Asia-Pacific region were Nepal and Fiji.", ["NPL", "FJI"]),
        ("the seats passive: 'the seats were won by A and B'",
         "The three seats were won by Peru, Chile and Ghana.", ["PER", "CHL", "GHA"]),
        ("seats going to states", "The two African seats went to Togo and Benin.", ["TGO", "BEN"]),
        ("a list of those elected: 'others elected included A and B'",
         "Others elected included Latvia and Peru.", ["LVA", "PER"]),
        ("a list of those winning seats", "The other countries winning seats were Fiji, Togo and Peru.",
         ["FJI", "TGO", "PER"]),
        ("an active election with its body after 'to'",
         "The Assembly elected Ghana, Peru and Fiji to the Human Rights Council.", ["GHA", "PER", "FJI"]),
        ("voted onto a council (passive)", "Benin and Chile were voted onto the Human Rights Council.",
         ["BEN", "CHL"]),
        ("the nominal 'election of A to Y'",
         "Activists condemned the election of Togo and Nepal to the Human Rights Council.", ["TGO", "NPL"]),
        ("a win told without its object in an election's sentence",
         "Peru, which ran for a seat unopposed, also won.", ["PER"]),
        ("a list after 'including' under the seats a generic subject won",
         "Nine countries won seats on the council, including Togo, Fiji and Chile.", ["TGO", "FJI", "CHL"]),
        ("a list after 'among them'", "Nine countries won seats in the ballot, among them Chile and Togo.",
         ["CHL", "TGO"]),
        ("'the states winning seats included A and B'",
         "The states winning seats in the ballot included Peru and Ghana.", ["PER", "GHA"]),
        ("an inverted 'set to join ... are A and B'", "Set to join the council are Benin and Latvia.",
         ["BEN", "LVA"]),
        ("states joining together 'as new members'",
         "Peru will join Ghana and Fiji as new members of the council.", ["PER", "GHA", "FJI"]),
    ],
)  # fmt: skip
def test_memberships_election_frames(nlp: Pipeline, pattern: str, text: str, expected: list[str]) -> None:
    events = _events(nlp, _VOTE + text)
    assert [e[0] for e in events] == expected, pattern
    assert {(e[1], e[2], e[3]) for e in events} == {("UNHRC", "join", "2033-10-12")}, pattern


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("a failed bid is no seat", "Chile failed to win the seat it sought on the rights council."),
        ("a defeated candidate is no member", "Chile lost its bid for a seat on the Human Rights Council."),
        ("an office is no seat", "The council elected Peru's ambassador as its president."),
        ("a person elected is not their state", "Ana Ruiz of Peru was elected to the Human Rights Council."),
        ("not elected", "Chile was not elected to the Human Rights Council."),
    ],
)  # fmt: skip
def test_memberships_election_non_events(nlp: Pipeline, pattern: str, text: str) -> None:
    assert _events(nlp, _VOTE + text) == [], pattern


def test_memberships_states_a_named_newcomer_joins_are_sitting_members(nlp: Pipeline) -> None:
    actors = {
        e[0] for e in _events(nlp, _VOTE + "Peru will join Ghana and Fiji on the Human Rights Council.")
    }
    assert not actors & {"GHA", "FJI"}


def test_memberships_election_reelected_and_new_in_one_sentence(nlp: Pipeline) -> None:
    text = _VOTE + "Latvia was re-elected to the council, and Ghana was elected for the first time."
    assert _events(nlp, text) == [("GHA", "UNHRC", "join", "2033-10-12")]


def test_memberships_election_seats_are_never_returns(nlp: Pipeline) -> None:
    # "return" elsewhere in the sentence does not make a seat won a rejoining
    text = _VOTE + "Togo lost its bid to return to the Human Rights Council, while Peru and Fiji won seats."
    assert _events(nlp, text) == [
        ("PER", "UNHRC", "join", "2033-10-12"),
        ("FJI", "UNHRC", "join", "2033-10-12"),
    ]


@pytest.mark.parametrize(
    ("pattern", "term", "date"),
    [
        ("a stated start with a full date", "Their terms begin on 1 January 2034.", "2034-01-01"),
        ("a start without a year: the next one after the page", "They begin serving on January 1.",
         "2034-01-01"),
        ("a month only, made precise by the registry's term rule",
         "They will take up their posts in January.", "2034-01-01"),
        ("'next year', made precise by the registry's term rule", "Their terms start next year.",
         "2034-01-01"),
        ("joining the council at a stated time", "Both will join the council in January.", "2034-01-01"),
    ],
)  # fmt: skip
def test_memberships_election_dated_by_term_start(nlp: Pipeline, pattern: str, term: str, date: str) -> None:
    text = "Ghana and Peru were elected to the Human Rights Council on Tuesday. " + term
    assert _events(nlp, text, published="2033-10-12") == [
        ("GHA", "UNHRC", "join", date),
        ("PER", "UNHRC", "join", date),
    ], pattern


def test_memberships_election_without_term_dated_by_vote_or_page(nlp: Pipeline) -> None:
    # No term start in the text: the election's date (the clause's, else the page's); a past
    # election the story recalls keeps the year it gives.
    text = "Ghana and Peru won seats on the Security Council. Chile was elected to the council in 2019."
    assert _events(nlp, text, published="2033-06-07") == [
        ("GHA", "UNSC", "join", "2033-06-07"),
        ("PER", "UNSC", "join", "2033-06-07"),
        ("CHL", "UNSC", "join", "2019"),
    ]


def test_registry_term_rule_reads_elected_seats() -> None:
    from comity.news._memberships import _next_term_day, _registry_term_rule

    assert _registry_term_rule("UNSC") == (1, 1)
    assert _registry_term_rule("UNHRC") == (1, 1)  # June terms until 2011, 1 January since 2013
    assert _registry_term_rule("WHO") is None  # no elected seats
    assert _next_term_day((1, 1), "2033-10-12") == "2034-01-01"
    assert _next_term_day((6, 19), "2033-05") == "2033-06-19"


# Patterns read over the parse in the second round: one sentence of our own per general pattern.
# Second round frames: (pattern, a sentence of our own, page date, events).
_SECOND_ROUND_FRAMES: list[_FrameCase] = [
        ("a list of bodies the parse breaks is read from the text",
         "Peru left UNESCO, the WHO and the Paris Agreement in 2030.", None,
         [("PER", "UNESCO", "withdraw", "2030"), ("PER", "WHO", "withdraw", "2030"),
          ("PER", "PARIS_AGREEMENT", "withdraw", "2030")]),
        ("a body list stops at a name that qualifies another noun",
         "Peru left the WHO in 2030, and NATO countries protested.", None,
         [("PER", "WHO", "withdraw", "2030")]),
        ("a body list stops at the subject of a new clause",
         "Chile joined the WTO in 1995 and the IMF said it was pleased.", None,
         [("CHL", "WTO", "join", "1995")]),
        ("a participle suspending someone's participation: the possessor suspends",
         "Russian President Vladimir Putin spoke on Monday. The Open Skies Treaty was signed in 1992. "
         "Last month, Putin signed a decree suspending the country's participation in the treaty.",
         "2031-08-02", [("RUS", "OPEN_SKIES", "suspend", "2031-07")]),
        ("the nominal suspension of a treaty, by the subject of the verb it is the object of",
         "In Minsk, President Vladimir Putin of Russia announced the suspension of New START.", None,
         [("RUS", "NEW_START", "suspend", None)]),
        ("readmitted (active): the body takes the state back",
         "The African Union readmitted Morocco in January 2017.", None, [("MAR", "AU", "rejoin", "2017-01")]),
        ("reinstated as a member (passive)",
         "Fiji was reinstated as a full member of the Commonwealth in 2014.", None,
         [("FJI", "COMMONWEALTH", "rejoin", "2014")]),
        ("reconnected with a body is a return",
         "Peru reconnected with the Human Rights Council in 2030.", None,
         [("PER", "UNHRC", "rejoin", "2030")]),
        ("a notice of withdrawal taken back: a return dated by the taking back, the notice undated",
         "Ghana withdrew its notice of withdrawal from the ICC in May 2031.", None,
         [("GHA", "ICC", "rejoin", "2031-05"), ("GHA", "ICC", "announce_withdrawal", None)]),
        ("renouncing a notice of withdrawal",
         "Ghana renounced its notice of withdrawal from the ICC in May 2031.", None,
         [("GHA", "ICC", "rejoin", "2031-05"), ("GHA", "ICC", "announce_withdrawal", None)]),
        ("halting proceedings to leave, announced on a weekday: a return dated by the announcement",
         "Ghana announced on Tuesday that it will halt proceedings to leave the International Criminal "
         "Court.",
         "2031-06-12", [("GHA", "ICC", "rejoin", "2031-06-10"), ("GHA", "ICC", "announce_withdrawal", None)]),
        ("a declared choice to pull back from a body (an infinitive hung on the verb)",
         "In October 2029, Chile declared its decision to pull back from the ICC.", None,
         [("CHL", "ICC", "announce_withdrawal", "2029-10")]),
        ("pulling back without a body left is no withdrawal",
         "Chile pulled back in October 2029, the OAS said.", None, []),
        ("a possessive body of a membership noun",
         "Timor-Leste formally became ASEAN's 11th member on 26 October 2025.", None,
         [("TLS", "ASEAN", "join", "2025-10-26")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("an active vote onto a council with a list of objects",
         "The Assembly voted Chile, Ghana and Fiji onto the Human Rights Council.",
         ["CHL", "GHA", "FJI"]),
        ("'among the countries elected to Y were A and B'",
         "Among the countries elected to the Human Rights Council were Togo and Nepal.", ["TGO", "NPL"]),
        ("gapping: 'A were elected from X, and B and C from Z'",
         "Chile was elected to the council from Latin America, and Latvia and Benin from their groups.",
         ["CHL", "LVA", "BEN"]),
        ("the body's new members, listed after 'including'",
         "The council's new members, including Togo, Fiji and Peru, were applauded.", ["TGO", "FJI", "PER"]),
        ("'the new members are A and B'", "The new members are Togo and Fiji.", ["TGO", "FJI"]),
        ("candidates that ran unopposed for seats", "Togo and Benin ran unopposed for the two African seats.",
         ["TGO", "BEN"]),
        ("candidates that were unopposed", "Latvia and Peru were unopposed in their regional groups.",
         ["LVA", "PER"]),
        ("'won election to Y'", "Nepal won election to the Human Rights Council with 150 votes.", ["NPL"]),
    ],
)  # fmt: skip
def test_memberships_second_round_election_frames(
    nlp: Pipeline, pattern: str, text: str, expected: list[str]
) -> None:
    events = _events(nlp, _VOTE + text)
    assert [e[0] for e in events] == expected, pattern
    assert {(e[1], e[2], e[3]) for e in events} == {("UNHRC", "join", "2033-10-12")}, pattern


@pytest.mark.parametrize(
    "text",
    [
        "The resolution was unopposed in the Human Rights Council.",
        "NATO's newest members, Finland and Sweden, attended the summit.",
        "Barrow won the election in December, the Human Rights Council said.",
    ],
)
def test_memberships_second_round_not_events(nlp: Pipeline, text: str) -> None:
    assert _events(nlp, text) == []


def test_memberships_term_start_after_a_qualified_term(nlp: Pipeline) -> None:
    # "start their three-year terms on Jan. 1": the start of the term dates the seat.
    text = (
        "Chile and Peru were elected to the Human Rights Council on Tuesday. "
        "The new members start their three-year terms on Jan. 1."
    )
    assert {e[3] for e in _events(nlp, text, "2032-10-14")} == {"2033-01-01"}
    text = text.replace(
        "start their three-year terms on Jan. 1", "will take their seats at the start of next year"
    )
    assert {e[3] for e in _events(nlp, text, "2032-10-14")} == {"2033-01-01"}


# Since and announced intentions: (pattern, a sentence of our own, page date, events).
_SINCE_AND_ANNOUNCED_INTENTIONS: list[_FrameCase] = [
        ("a membership held since a date is a joining then",
         "Peru has been a member of the OAS since 1948.", None, [("PER", "OAS", "join", "1948")]),
        ("'a member since' in apposition", "Peru, a member of the OAS since 1948, protested.", None,
         [("PER", "OAS", "join", "1948")]),
        ("'which it has belonged to since': the first joining, never a return",
         "Peru left the OAS in 2031. It was the bloc, which Peru had belonged to since 1948.", None,
         [("PER", "OAS", "withdraw", "2031"), ("PER", "OAS", "join", "1948")]),
        ("plural members since a date: each a joining then, not an election's new members",
         "Peru and Chile have been members of the OAS since 1948.", None,
         [("PER", "OAS", "join", "1948"), ("CHL", "OAS", "join", "1948")]),
        ("a membership without 'since' tells no joining",
         "Peru has been a member of the OAS for decades.", None, []),
        ("an infinitive right after an announcing noun is that noun's, wherever the parser hangs it",
         "Ghana later overturned its predecessor's choice to pull back from the ICC.", None,
         [("GHA", "ICC", "announce_withdrawal", None)]),
        ("a suspension announced for the future is no event yet",
         "On 2 February 2031 Russia announced that it would suspend its participation in the New START "
         "treaty.", None, []),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("a vote tally with the number of seats: the states with most votes",
         "Five states ran for the four Asia-Pacific seats. Nepal received 169 votes, Fiji 164, Togo 150, "
         "Peru 139 and Chile 90.", ["NPL", "FJI", "TGO", "PER"]),
        ("a tally without the number of seats elects no one",
         "Nepal received 169 votes, Fiji 164, Togo 150, Peru 139 and Chile 90.", []),
        ("'the newly elected members are A and B'", "The newly elected members are Togo and Fiji.",
         ["TGO", "FJI"]),
    ],
)  # fmt: skip
def test_memberships_tallies_and_elected_members(
    nlp: Pipeline, pattern: str, text: str, expected: list[str]
) -> None:
    events = _events(nlp, _VOTE + text)
    assert [e[0] for e in events] == expected, pattern
    assert {(e[1], e[2], e[3]) for e in events} <= {("UNHRC", "join", "2033-10-12")}, pattern


# Notices and following: (pattern, a sentence of our own, page date, events).
_NOTICES_AND_FOLLOWING: list[_FrameCase] = [
        ("a notice of withdrawal with no body named: the owner of the notice, the story's body",
         "Ghana joined the ICC in 2000. Ghana submitted its notice of withdrawal to the UN Secretary-General "
         "on 17 March 2030.", None,
         [("GHA", "ICC", "join", "2000"), ("GHA", "ICC", "announce_withdrawal", "2030-03-17")]),
        ("a withdrawal after 'following' is a fact, dated by the date the parser hangs on 'following'",
         "Peru said on Friday it would quit the WTO, following the US exit last year.", "2031-03-18",
         [("PER", "WTO", "announce_withdrawal", "2031-03-14"), ("USA", "WTO", "withdraw", "2030")]),
]  # fmt: skip


# Reduced passives, relative objects, pronoun bodies and memberships ended: (pattern, a sentence
# of our own, page date, events).
_CLAUSE_SHAPES: list[_FrameCase] = [
        ("a headline's bare participle is a passive: elected to a seated body",
         "Togo, Fiji and Peru elected to UN Human Rights Council", "2033-10-12",
         [("TGO", "UNHRC", "join", "2033-10-12"), ("FJI", "UNHRC", "join", "2033-10-12"),
          ("PER", "UNHRC", "join", "2033-10-12")]),
        ("a headline's bare participle is a passive: suspended from",
         "Niger suspended from African Union over coup", None, [("NER", "AU", "suspend", None)]),
        ("a body named by a relative pronoun object: 'Y, which X joined in D'",
         "The Ottawa Treaty, which Togo joined in 2004, bans landmines.", None,
         [("TGO", "OTTAWA_TREATY", "join", "2004")]),
        ("an actor named by a relative pronoun object: 'X, which Y suspended in D'",
         "Niger, which the African Union suspended in 2033, protested.", None,
         [("NER", "AU", "suspend", "2033")]),
        ("'it' as the body of a return: the organisation last named",
         "Togo, which left the OAS in 2029, rejoined it in 2034.", None,
         [("TGO", "OAS", "withdraw", "2029"), ("TGO", "OAS", "rejoin", "2034")]),
        ("a body after the verb of 'became a party to Y'",
         "Togo became a party to the Paris Agreement in 2017.", None,
         [("TGO", "PARIS_AGREEMENT", "join", "2017")]),
        ("a membership ended is a withdrawal", "Togo ended its membership of the OAS in 2034.", None,
         [("TGO", "OAS", "withdraw", "2034")]),
        ("'ceased to be a member of Y' is a withdrawal, dated by its clause",
         "Togo ceased to be a member of the OAS in 2034.", None, [("TGO", "OAS", "withdraw", "2034")]),
        ("a membership to end in the future is announced", "Togo will cease to be a member of the OAS.",
         None, [("TGO", "OAS", "announce_withdrawal", None)]),
        ("'re-engaged' split by the tokenizer keeps its subject", "Togo re-engaged with UNESCO in 2034.",
         None, [("TGO", "UNESCO", "rejoin", "2034")]),
        ("a withdrawal completed is dated by the completing verb",
         "Togo completed its withdrawal from the OAS in 2034.", None, [("TGO", "OAS", "withdraw", "2034")]),
        ("an intention to leave with no body named: the story's body, dated by the leaving's clause",
         "Togo joined the OAS in 1990. Lome announced its intention to leave in 2034 after a dispute.", None,
         [("TGO", "OAS", "join", "1990"), ("TGO", "OAS", "announce_withdrawal", "2034")]),
        ("a possessor's election to a seated body",
         "Togo's election to the Human Rights Council on 12 October 2033 angered activists.", None,
         [("TGO", "UNHRC", "join", "2033-10-12")]),
        ("the winners listed in a sentence that names no body: the story's seated body",
         "The Human Rights Council vote was held on 12 October 2033. The other winners were Togo and Fiji.",
         None, [("TGO", "UNHRC", "join", "2033-10-12"), ("FJI", "UNHRC", "join", "2033-10-12")]),
        ("gapping: a second list shares the election's verb ('..., and C and D for Asia')",
         "The Human Rights Council vote was held on 12 October 2033. Togo and Mali were elected for the "
         "African group, and Nepal and Fiji for the Asia-Pacific group.", None,
         [("TGO", "UNHRC", "join", "2033-10-12"), ("MLI", "UNHRC", "join", "2033-10-12"),
          ("NPL", "UNHRC", "join", "2033-10-12"), ("FJI", "UNHRC", "join", "2033-10-12")]),
        ("gapping: 'the A seats went to X, and the B seats to Y'",
         "The Human Rights Council vote was held on 12 October 2033. The African seats went to Togo and "
         "Mali, and the Asian seats to Nepal.", None,
         [("TGO", "UNHRC", "join", "2033-10-12"), ("MLI", "UNHRC", "join", "2033-10-12"),
          ("NPL", "UNHRC", "join", "2033-10-12")]),
        ("an uncontested list the parser hangs on the group's noun: the states before the trigger",
         "The Human Rights Council vote was held on 12 October 2033. In the African group, Togo and Mali "
         "ran unopposed.", None,
         [("TGO", "UNHRC", "join", "2033-10-12"), ("MLI", "UNHRC", "join", "2033-10-12")]),
        ("'were unopposed ..., as were C and D'",
         "The Human Rights Council vote was held on 12 October 2033. Togo and Mali were unopposed for the "
         "African seats, as were Peru and Chile for the Latin American seats.", None,
         [("TGO", "UNHRC", "join", "2033-10-12"), ("MLI", "UNHRC", "join", "2033-10-12"),
          ("PER", "UNHRC", "join", "2033-10-12"), ("CHL", "UNHRC", "join", "2033-10-12")]),
        ("a notice noun's body after the verb: 'sent its withdrawal notice from Y'",
         "Togo joined the WHO in 1990. In 2034 Togo sent its withdrawal notice from the OAS.", None,
         [("TGO", "WHO", "join", "1990"), ("TGO", "OAS", "announce_withdrawal", "2034")]),
        ("a body named but not resolved is not the story's topic",
         "Togo joined the OAS in 1990. In 2034 Togo sent its withdrawal notice from the regional arms pact.",
         None, [("TGO", "OAS", "join", "1990")]),
        ("an undated event in the page's first sentence is the news of the page's day",
         "date 2034-03-15\nTogo decided to withdraw from the OAS, its foreign minister said.", None,
         [("TGO", "OAS", "announce_withdrawal", "2034-03-15")]),
        ("an undated event after the page's first sentence stays undated",
         "date 2034-03-15\nThe OAS met in Lima. Togo decided to withdraw from the OAS.", None,
         [("TGO", "OAS", "announce_withdrawal", None)]),
        ("a nominal event in a phrase of the first sentence is background, not the page's news",
         "date 2034-03-15\nIn response to the Togolese withdrawal from the OAS, Peru protested.", None,
         [("TGO", "OAS", "withdraw", None)]),
        ("a return to a seated body in an election story, with no withdrawal told: a new term",
         "Togo and Fiji are returning to the Human Rights Council after they were elected on 12 October "
         "2033.", None, [("TGO", "UNHRC", "join", "2033-10-12"), ("FJI", "UNHRC", "join", "2033-10-12")]),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("a plan to return is no return", "Togo plans to return to UNESCO next year."),
        ("announced plans to rejoin is no return", "Togo announced plans to rejoin UNESCO."),
        ("admitted as an observer in quotation marks is no membership",
         'The General Assembly voted to admit Togo as a "non-member observer state" in 2034.'),
        ("'withdrew it' after a draft: no body is left",
         "The draft was put to the Security Council after Togo withdrew it."),
    ],
)  # fmt: skip
def test_memberships_clause_shapes_not_events(nlp: Pipeline, pattern: str, text: str) -> None:
    assert _events(nlp, text) == [], pattern


@pytest.mark.parametrize(
    ("pattern", "text", "published", "expected"),
    [
        *_FRAMES,
        *_CLAUSE_SHAPES,
        *_DEPENDENCY_FRAMES,
        *_DEPENDENCY_MODALITY_AND_ROLES,
        *_SECOND_ROUND_FRAMES,
        *_SINCE_AND_ANNOUNCED_INTENTIONS,
        *_NOTICES_AND_FOLLOWING,
    ],
)
def test_memberships_frame_patterns(
    nlp: Pipeline,
    pattern: str,
    text: str,
    published: str | None,
    expected: list[tuple[str, str, str, str | None]],
) -> None:
    assert _events(nlp, text, published) == expected, pattern


def test_memberships_stage_takes_the_sentences_its_parse_selector_chose(
    nlp: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The parse stage's selector searches the sentences for trigger words; the stage then reads
    # the list it kept instead of searching again, and finds the same events.
    from comity.news import _memberships

    text = "Finland joined NATO on April 4, 2023. Officials in Helsinki welcomed the step."
    expected = _events(nlp, text)
    searched: list[str] = []
    search = _memberships._sentences_wanted

    def counted(doc: object) -> list[tuple[int, int]]:
        searched.append(getattr(doc, "id", ""))
        return search(doc)  # type: ignore[arg-type]

    monkeypatch.setattr(_memberships, "_sentences_wanted", counted)
    with_parse = Pipeline([*CORE_STAGES[:4], "parse", *CORE_STAGES[4:], "memberships"])
    doc = with_parse.read(text, id="kept")
    assert searched == ["kept"]
    assert [(m.actor, m.body, m.action, m.date) for m in doc.memberships] == expected != []
    # A document whose mentions changed after the selector ran is searched again.
    other = with_parse.read(text, id="changed")
    _memberships._wanted(other)
    other.mentions = list(other.mentions)
    assert _memberships._planned(other) == search(other)
    assert searched == ["kept", "changed", "changed", "changed"]


def test_memberships_trigger_limit_counts_put_off_surface_triggers(
    nlp: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Sentences without an election word only count their surface triggers, and the stage puts
    # the counting off until the count could reach the document's limit: the events found are
    # those of counting at once (an empty election key holds everywhere: nothing is put off).
    from comity.news import _memberships

    filler = "The OAS " + ", ".join(["kicked out its envoy"] * 11) + " and kicked out its envoy."
    election = "Brazil and Chile were elected to the Security Council on 6 June 2025."
    found: dict[int, list[tuple[str, str, str, str | None]]] = {}
    for count in (30, 33, 34, 40):
        text = " ".join([filler] * count + [election])
        found[count] = _events(nlp, text)
        with monkeypatch.context() as patch:
            patch.setattr(_memberships, "_ELECTION_KEYS", ("",))
            assert _events(nlp, text) == found[count], count
    # The limit is reached between 30 and 40 such sentences (12 triggers each).
    assert ("BRA", "UNSC", "join", "2025-06-06") in found[30]
    assert found[40] == []
