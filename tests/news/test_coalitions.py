"""The coalitions stage on hand-made sentences and on the seed text."""

from __future__ import annotations

from pathlib import Path

import pytest

from comity.news import Coalition, Pipeline

CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]


@pytest.fixture(scope="module")
def nlp() -> Pipeline:
    return Pipeline([*CORE_STAGES, "coalitions"])


def _coalitions(nlp: Pipeline, text: str) -> list[Coalition]:
    return nlp.read(text, id="t").coalitions


def test_coalitions_members_spread_over_sentences_merge_into_named_group(nlp: Pipeline) -> None:
    text = (
        "China, Russia and Iran have formed the "
        '"Group of Friends in Defense of the Charter of the United Nations". '
        "Other founding members of the new group are Bolivia, Algeria and Angola."
    )
    [group] = _coalitions(nlp, text)
    assert group.org_id == "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"
    assert sorted(group.members) == ["AGO", "BOL", "CHN", "DZA", "IRN", "RUS"]
    assert group.complete


def test_coalitions_acting_together_on_a_draft(nlp: Pipeline) -> None:
    [group] = _coalitions(nlp, "Germany, Belgium and Kuwait tabled the draft resolution on Friday.")
    assert sorted(group.members) == ["BEL", "DEU", "KWT"]
    assert group.complete
    [passive] = _coalitions(nlp, "The text, drafted by Norway and Ireland, was put to a vote.")
    assert sorted(passive.members) == ["IRL", "NOR"]


def test_coalitions_pronoun_in_next_sentence(nlp: Pipeline) -> None:
    text = "Russia and China objected to the text. They tabled a counter-resolution the same day."
    [group] = _coalitions(nlp, text)
    assert sorted(group.members) == ["CHN", "RUS"]


def test_coalitions_list_cut_short_is_incomplete(nlp: Pipeline) -> None:
    text = (
        "A coalition of countries, including Cuba, Nicaragua and Venezuela, was launched at the UN on Monday."
    )
    [group] = _coalitions(nlp, text)
    assert sorted(group.members) == ["CUB", "NIC", "VEN"]
    assert not group.complete
    [others] = _coalitions(nlp, "Egypt, Jordan and others formed a new contact group.")
    assert not others.complete


def test_coalitions_fewer_members_than_stated_count_is_incomplete(nlp: Pipeline) -> None:
    text = "The bloc of 12 countries was founded by Chile, Peru and Colombia."
    [group] = _coalitions(nlp, text)
    assert not group.complete


def test_coalitions_voting_alike_is_not_a_coalition(nlp: Pipeline) -> None:
    assert (
        _coalitions(nlp, "China and India abstained, while Belarus and Syria voted against the resolution.")
        == []
    )
    assert _coalitions(nlp, "Foreign ministers of Mexico, Kenya and Norway spoke at the meeting.") == []


def test_coalitions_group_named_after_its_founders(nlp: Pipeline) -> None:
    [group] = _coalitions(nlp, "She praised the Franco-German Alliance for Multilateralism.")
    assert set(group.members) >= {"FRA"}
    assert not group.complete
    assert group.name is not None and "Alliance for Multilateralism" in group.name


def test_coalitions_seed_text_lists_group_of_friends(nlp: Pipeline, data_dir: Path) -> None:
    text = (data_dir / "seed-000.txt").read_text(encoding="utf-8")
    groups = _coalitions(nlp, text)
    [group] = [g for g in groups if g.org_id == "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"]
    assert {"CHN", "RUS", "PRK", "IRN", "DZA", "AGO", "BLR", "CUB", "SYR", "VCT"} <= set(group.members)
    assert "USA" not in group.members
    assert not group.complete  # the list is broken off: "... Syria and The draft note said"


def test_coalitions_standing_group_with_listed_members(nlp: Pipeline) -> None:
    text = (
        "The foreign ministers of the Quad - Australia, India, Japan and the United States - met on Thursday."
    )
    [group] = _coalitions(nlp, text)
    assert group.org_id == "QUAD"
    assert sorted(group.members) == ["AUS", "IND", "JPN", "USA"]


def test_coalitions_invited_states_are_not_members(nlp: Pipeline) -> None:
    text = "The BRICS group of Brazil, Russia, India, China and South Africa invited Egypt and Iran to join."
    [group] = _coalitions(nlp, text)
    assert sorted(group.members) == ["BRA", "CHN", "IND", "RUS", "ZAF"]


# One sentence of our own for each general pattern added for unseen text.
@pytest.mark.parametrize(
    ("pattern", "text", "members"),
    [
        ("states announcing a pact together",
         "Peru, Chile and Colombia announced a new fisheries pact on Monday.", ["CHL", "COL", "PER"]),
        ("a passive act whose agents come after a long phrase",
         "The draft was put forward at the council for a vote on Tuesday by Ghana, Fiji and Norway.",
         ["FJI", "GHA", "NOR"]),
        ("a standing group introduced by a descriptive appositive",
         "The Quad, an informal grouping of Australia, India, Japan and the United States, met online.",
         ["AUS", "IND", "JPN", "USA"]),
        ("a list named after it ('known as')",
         "Brazil, Russia, India and China, known as the BRICS, pledged to trade in their own currencies.",
         ["BRA", "CHN", "IND", "RUS"]),
        ("three or more states pledging together",
         "Kenya, Uganda and Tanzania pledged on Friday to build a joint railway.", ["KEN", "TZA", "UGA"]),
        ("a list of leaders stands for their states",
         "Brazilian President Lula da Silva, Chilean President Gabriel Boric and "
         "Colombian President Gustavo Petro "
         "issued a joint statement.", ["BRA", "CHL", "COL"]),
    ],
)  # fmt: skip
def test_coalitions_general_patterns(nlp: Pipeline, pattern: str, text: str, members: list[str]) -> None:
    found = _coalitions(nlp, text)
    assert [sorted(c.members) for c in found] == [members], pattern


def test_coalitions_states_voting_alike_or_in_a_referendum_are_not_one(nlp: Pipeline) -> None:
    assert _coalitions(nlp, "Peru, Chile and Colombia voted against the resolution.") == []
    assert _coalitions(nlp, "Officials from Peru, Chile and Colombia attended the talks.") == []


def test_coalitions_states_the_registry_counts_in_the_named_group(nlp: Pipeline) -> None:
    # No word of grouping: the registry says Japan, India and Australia are members of the Quad.
    [group] = _coalitions(
        nlp, "Joe Biden met his counterparts from Japan, India and Australia at the Quad summit."
    )
    assert group.org_id == "QUAD" and group.members == ["JPN", "IND", "AUS"]
    # Two states of which one is no member of the group named: not its member list.
    assert _coalitions(nlp, "Ghana and Japan spoke before the Quad summit opened in the capital.") == []


def test_coalitions_list_set_off_by_dashes_or_in_a_joint_statement_acts_together(nlp: Pipeline) -> None:
    [dashes] = _coalitions(
        nlp, "The four democracies - Chile, Peru, Ghana and Kenya - pledged to share vaccines."
    )
    assert dashes.members == ["CHL", "PER", "GHA", "KEN"]
    text = "In a joint statement, the leaders of Chile, Peru and Ghana said they would defend open trade."
    [joint] = _coalitions(nlp, text)
    assert joint.members == ["CHL", "PER", "GHA"]


def test_coalitions_new_members_of_a_body_are_no_coalition(nlp: Pipeline) -> None:
    text = "The new members of the Human Rights Council are Bolivia, Gabon, Malawi and Nepal."
    assert _coalitions(nlp, text) == []


def test_coalitions_also_continues_a_list_only_after_it(nlp: Pipeline) -> None:
    text = "Members of the Quad, which also includes Japan and Australia, are wary of Brazil."
    [group] = _coalitions(nlp, text)
    assert group.members == ["JPN", "AUS"]


def test_coalitions_two_state_hyphen_relation_is_no_group(nlp: Pipeline) -> None:
    assert _coalitions(nlp, "The Chile-Peru Alliance is the cornerstone of their trade.") == []
