from __future__ import annotations

from comity.news._speakers import accepts_org, organisation_kinds, person_description


def test_person_description_needs_the_office_word_at_the_end() -> None:
    assert person_description("the Japanese ambassador") == ("Japanese ambassador", "ambassador")
    assert person_description("a move that the minister") == ("minister", "minister")
    assert person_description("the minister's office") is None
    assert person_description("the United States") is None


def test_organisation_words_accept_bodies_of_the_registry_kind() -> None:
    assert organisation_kinds()["WHO"][0] == "un_agency"
    assert accepts_org("agency", "WHO")
    assert not accepts_org("alliance", "WHO")
    assert accepts_org("alliance", "NATO")
    assert accepts_org("council", "UNSC") and not accepts_org("council", "UNGA")
    # A group the registry does not know can only be a group.
    assert accepts_org("group", "SOME_NEW_GROUP") and not accepts_org("agency", "SOME_NEW_GROUP")
