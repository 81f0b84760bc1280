"""The memberships stage on hand-made sentences and on the seed text."""

from __future__ import annotations

from pathlib import Path

import pytest

from comity.news import Pipeline

CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline([*CORE_STAGES, "memberships"])


def _events(nlp: Pipeline, text: str, published: str | None = None) -> list[tuple[str, str, str, str | None]]:
    doc = nlp.read(text, id="t", meta={"published": published})
    return [(m.actor, m.body, m.action, m.date) for m in doc.memberships]


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


def test_memberships_seed_text_us_withdrawals_and_returns(nlp: Pipeline, data_dir: Path) -> None:
    text = (data_dir / "seed-000.txt").read_text(encoding="utf-8")
    events = {(a, b, action) for a, b, action, _ in _events(nlp, text)}
    assert {
        ("USA", body, "announce_withdrawal")
        for body in ("WHO", "UNHRC", "UNESCO", "PARIS_AGREEMENT", "JCPOA")
    } <= events
    assert {("USA", "WHO", "rejoin"), ("USA", "PARIS_AGREEMENT", "rejoin")} <= events
    assert ("USA", "JCPOA", "rejoin") not in events  # "wants to rejoin" is an intention


def test_memberships_invited_states_join_when_membership_takes_effect(nlp: Pipeline) -> None:
    text = (
        "The BRICS group on Thursday invited Egypt and Iran to join the bloc. "
        "Their membership will take effect on Jan. 1, 2024, officials said."
    )
    assert _events(nlp, text, published="2023-08-24") == [
        ("EGY", "BRICS", "join", "2024-01-01"),
        ("IRN", "BRICS", "join", "2024-01-01"),
    ]
    assert _events(nlp, "The group extended invitations to other UN members to join the new body.") == []


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
