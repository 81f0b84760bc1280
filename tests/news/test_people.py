from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

import comity.news._people as _people_module
from comity.news import Person, Pipeline


def _people(core: Pipeline, text: str) -> dict[str, Person]:
    return {person.name: person for person in core.read(text, id="t").people}


def test_people_title_state_and_role(core: Pipeline) -> None:
    people = _people(
        core, "Russian Foreign Minister Sergey Lavrov phoned U.S. Secretary of State Antony Blinken."
    )
    assert people["Sergey Lavrov"].state == "RUS"
    assert people["Sergey Lavrov"].role == "Foreign Minister"
    assert people["Antony Blinken"].state == "USA"
    assert people["Antony Blinken"].role == "Secretary of State"


def test_people_surname_merges_with_fullest_name(core: Pipeline) -> None:
    text = "Estonian Foreign Minister Eva Kallasmaa spoke first. Later Kallasmaa said no. Tammsaare agreed."
    people = _people(core, text)
    assert set(people) == {"Eva Kallasmaa"}  # a lone unknown surname with no title is not enough
    first, later = text.index("Eva Kallasmaa"), text.index("Kallasmaa said")
    assert people["Eva Kallasmaa"].mentions == [(first, first + 13), (later, later + 9)]


def test_people_apposition_and_possessive_state(core: Pipeline) -> None:
    people = _people(
        core, "Marta Quintero Alba, Permanent Representative of Peru to the United Nations, spoke next."
    )
    person = people["Marta Quintero Alba"]
    assert person.state == "PER"
    assert person.role is not None and person.role.startswith("Permanent Representative")


def test_people_bylines_and_photo_credits(core: Pipeline) -> None:
    text = "By Maria Lindqvist\nPhoto by Tomas Berger/UPI\nLviv. (AP Photo/Olena Marchuk, Pool)"
    people = _people(core, text)
    assert {"Maria Lindqvist", "Tomas Berger", "Olena Marchuk"} <= set(people)
    assert people["Maria Lindqvist"].state is None and people["Maria Lindqvist"].role is None
    assert "Pool" not in people


def test_people_capitalised_non_names_are_left_out(core: Pipeline) -> None:
    text = "The Security Council gathered at Villa Madama in New York. Human Rights Watch protested."
    assert _people(core, text) == {}


def test_people_arabic_article_names(core: Pipeline) -> None:
    people = _people(core, "Syrian President Bashar al-Assad declined the offer. Assad gave no reason.")
    assert set(people) == {"Bashar al-Assad"}
    assert people["Bashar al-Assad"].state == "SYR"


# Each test names the general pattern a rule covers, with sentences written for it.


def test_people_offices_not_yet_taken_are_roles_not_names(core: Pipeline) -> None:
    people = _people(
        core, "US President-elect Jane Holloway asked for a veto. The Director Designate agreed."
    )
    assert set(people) == {"Jane Holloway"}
    assert people["Jane Holloway"].role == "President-elect" and people["Jane Holloway"].state == "USA"


def test_people_runs_of_particles_inside_a_name(core: Pipeline) -> None:
    people = _people(core, "In Brussels, Commission President, Ursula von der Leyen, welcomed the vote.")
    assert set(people) == {"Ursula von der Leyen"}


def test_people_capitalised_words_continuing_an_institution_are_not_people(core: Pipeline) -> None:
    text = (
        "Mahmoud Abbas spoke for the Palestine Authority first. Later Tara Drozdenko, who works "
        "for the Union of Concerned Scientists, agreed."
    )
    assert set(_people(core, text)) == {"Mahmoud Abbas", "Tara Drozdenko"}


def test_people_speaker_named_after_a_quotation_with_a_description(core: Pipeline) -> None:
    text = '"We are leaving the court," Param-Preet Singh, a lawyer at a rights group, said.'
    assert set(_people(core, text)) == {"Param-Preet Singh"}


def test_people_names_broken_by_a_hard_wrapped_line(core: Pipeline) -> None:
    # Wire copy broken at a fixed width: a name may run across a single line break.
    text = (
        "The summit opened on Friday in the conference hall of the capital, where the\n"
        "delegations of more than a hundred countries gathered for two days of talks.\n"
        "Leaders who spoke on the first day included Ghanaian President Kwame\n"
        "Mensah-Boateng, Nepalese Prime Minister Ram Prasad Thapa and the foreign\n"
        "ministers of several states from Africa, Asia and Latin America who came.\n"
        "The host said the meeting would adopt a final declaration on the last day\n"
        "and that the next summit would be held in three years in another region.\n"
        "Several delegations asked for more time to study the draft text, which ran\n"
        "to more than forty pages and covered trade, debt, climate and security.\n"
    )
    people = _people(core, text)
    assert {"Kwame Mensah-Boateng", "Ram Prasad Thapa"} <= set(people)
    assert "Kwame" not in people


def test_people_number_words_and_managers(core: Pipeline) -> None:
    text = "General Manager Chuck Fletcher met Daniel Ortega Two weeks later."
    assert set(_people(core, text)) == {"Chuck Fletcher", "Daniel Ortega"}


def test_people_headline_capitals_are_no_names_by_themselves() -> None:
    from comity.news import Pipeline

    nlp = Pipeline(["normalise", "sentences", "actors", "people"])
    text = (
        "Will Romero Quit The Court? Lima Weighs Its Options\n"
        "President Luis Romero has threatened to leave the court several times."
    )
    names = sorted(person.name for person in nlp.read(text).people)
    assert names == ["Luis Romero"]


# -- fast paths that must answer as the plain computation does ---------------------------------
_END_FRAGMENTS = [
    "said", "says", "told", "according to", "asked", "By", "by", "Photo", "Photo:", "Photo by", "Pool/",
    "Credit:", "Union of", "Union of the", "of", "the", "Mr", "Mr.", "Dr", "Sir", "Ms.", "end.", '"', "'",
    ",", ".", "!", "?", "x", "Lyon", "/", " ", "  ", "\n", "\t", "\u00a0", "\u2009",
]  # fmt: skip


@given(st.lists(st.sampled_from(_END_FRAGMENTS), max_size=12))
def test_people_end_patterns_answer_as_their_regex(parts: list[str]) -> None:
    text = "".join(parts)
    for gate in (
        _people_module._VERB_BEFORE,
        _people_module._CREDIT_BEFORE,
        _people_module._INSTITUTION_OF,
        _people_module._AFTER_QUOTE,
        _people_module._HONORIFIC_BEFORE,
    ):
        expected = gate.pattern.search(text)
        found = gate.search(text)
        assert (found and found.span()) == (expected and expected.span()), (gate.pattern.pattern, text)


@given(st.text(alphabet="aZbY 1.ÉéßΣσ\n", max_size=40))
def test_people_shouting_counts_ascii_letters_as_the_regexes_do(sentence: str) -> None:
    upper = len(re.findall(r"[A-Z]", sentence))
    lower = len(re.findall(r"[a-z]", sentence))
    assert _people_module._shouting(sentence) == (upper > 4 * lower)


def test_people_headline_line_of_two_sentences(core: Pipeline) -> None:
    # A headline split by its question mark is still judged as one line: its capitalised runs
    # are no people by themselves.
    text = "Will Talks Survive Another Long Winter? Delegates Weigh Ceasefire Offer Tonight\n\nTalks went on."
    assert _people(core, text) == {}
