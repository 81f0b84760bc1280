"""Descriptions of speakers that name no one: "the minister", "the organisation", "two leaders".

The quotes stage resolves a speaker phrase that holds a name directly. This module covers the
phrases that *describe* a speaker instead, the way news refers back to someone already named:

* a person by office ("the minister", "the Japanese ambassador", "the President"): the
  last person named before with an office of that family (and of that state, when the phrase
  gives one); failing that, nobody the text names, so ``unnamed:<description>``;
* a body by its kind ("the organisation", "the agency", "the alliance", "the court"): the last
  organisation named before whose kind in the registry (``un_agency``, ``igo``, ``group``...)
  fits the word;
* several named people coordinated in one subject ("X and Y said in a joint statement"):
  ``joint:X; Y``.

The kinds of organisation come from the registry (``organisations.kind``), not from a list
kept here.
"""

from __future__ import annotations

import re

from comity.news._orgtables import organisation_kinds

__all__ = [
    "ORG_NOUNS",
    "PERSON_NOUNS",
    "accepts_org",
    "organisation_kinds",
    "person_description",
]

#: Office words that refer to a person, each with the words of offices it may refer back to
#: ("the minister" can be the Foreign Secretary; "the leader" a president or a premier).
PERSON_NOUNS: dict[str, tuple[str, ...]] = {
    "minister": ("minister", "secretary", "councilor", "councillor"),
    "foreign minister": ("minister", "secretary"),
    "prime minister": ("prime minister", "premier"),
    "diplomat": ("minister", "secretary", "ambassador", "envoy", "diplomat", "representative", "delegate"),
    "president": ("president",),
    "vice president": ("vice president", "vice-president"),
    "leader": ("president", "leader", "premier", "chancellor", "minister", "king", "emir", "chair"),
    "envoy": ("envoy", "ambassador", "representative"),
    "ambassador": ("ambassador", "envoy", "representative"),
    "premier": ("premier", "prime minister"),
    "chancellor": ("chancellor",),
    "spokesman": ("spokes",),
    "spokeswoman": ("spokes",),
    "spokesperson": ("spokes",),
    "secretary": ("secretary",),
    "secretary-general": ("secretary-general", "secretary general"),
    "representative": ("representative", "ambassador", "envoy"),
    "delegate": ("delegate", "representative"),
    "chief": ("chief", "head", "director", "secretary-general", "president", "chair"),
    "head": ("chief", "head", "director", "secretary-general", "president", "chair"),
    "director": ("director",),
    "director-general": ("director",),
    "official": ("official", "minister", "secretary", "spokes", "director", "envoy", "ambassador"),
    "negotiator": ("negotiator", "envoy", "minister"),
    "commissioner": ("commissioner",),
    "king": ("king",),
    "emir": ("emir",),
    "prosecutor": ("prosecutor",),
    "judge": ("judge",),
}

#: Words that refer back to an organisation, with the registry kinds they can stand for, and
#: (for organs) a word its name must hold: "the council" is an organ named a Council.
ORG_NOUNS: dict[str, tuple[frozenset[str], str | None]] = {
    "organisation": (frozenset({"un", "un_agency", "igo", "un_body"}), None),
    "organization": (frozenset({"un", "un_agency", "igo", "un_body"}), None),
    "agency": (frozenset({"un_agency", "un_body", "igo"}), None),
    "watchdog": (frozenset({"un_agency", "un_body", "igo"}), None),
    "body": (frozenset({"un", "un_organ", "un_body", "un_agency", "igo"}), None),
    "alliance": (frozenset({"igo", "group", "coalition"}), None),
    "bloc": (frozenset({"igo", "group", "coalition"}), None),
    "union": (frozenset({"igo"}), "union"),
    "group": (frozenset({"group", "coalition", "igo"}), None),
    "grouping": (frozenset({"group", "coalition", "igo"}), None),
    "coalition": (frozenset({"group", "coalition"}), None),
    "council": (frozenset({"un_organ", "un_body", "igo"}), "council"),
    "assembly": (frozenset({"un_organ", "un_body", "igo"}), "assembly"),
    "court": (frozenset({"un_organ", "igo"}), "court"),
    "tribunal": (frozenset({"un_organ", "igo"}), "tribunal"),
    "commission": (frozenset({"un_body", "igo"}), "commission"),
    "secretariat": (frozenset({"un_organ"}), "secretar"),
}

_PERSON_HEAD = re.compile(
    r"(?<![\w-])(?P<head>"
    + "|".join(sorted((re.escape(word) for word in PERSON_NOUNS), key=len, reverse=True))
    + r")s?(?![\w-])",
    re.IGNORECASE,
)
_CLAUSE_BREAK = re.compile(r"\b(?:that|which|who|whom|whose|and|but|while|whereas)\b|[,;:()]", re.IGNORECASE)
_COMPLEMENT = re.compile(r"(?:of|for|at|from|to|in|with)\s+(?:[\w.'’-]+\s*){1,6}", re.IGNORECASE)
_ARTICLE = re.compile(r"^(?:the|a|an|this|that|his|her|its|their)\s+", re.IGNORECASE)


def accepts_org(noun: str, entity_id: str) -> bool:
    """True when the organisation ``entity_id`` can be what ``noun`` ("the agency") refers to.

    An organisation the registry does not know (a group the text names) can be a group,
    coalition, alliance or bloc, nothing else.
    """
    rule = ORG_NOUNS.get(noun.lower())
    if rule is None:
        return False
    kinds, name_word = rule
    known = organisation_kinds().get(entity_id)
    if known is None:
        return noun.lower() in {"group", "grouping", "coalition", "alliance", "bloc"}
    kind, name = known
    if kind not in kinds:
        return False
    return name_word is None or name_word in name.lower() or name_word in entity_id.lower()


def person_description(phrase: str) -> tuple[str, str] | None:
    """``(description, office word)`` when ``phrase`` ends in a word for a person's office.

    "the Japanese ambassador" gives ``("Japanese ambassador", "ambassador")``; the description
    has no article, as ``unnamed:`` wants it.
    """
    cleaned = re.sub(r"\s+", " ", phrase).strip(" ,.;:")
    # Only the noun phrase that ends in the office: "a move that the minister" is the minister.
    cleaned = _CLAUSE_BREAK.split(cleaned)[-1].strip(" ,.;:")
    heads = list(_PERSON_HEAD.finditer(cleaned))
    if not heads:
        return None
    head = heads[-1]
    rest = cleaned[head.end() :].strip()
    if rest and not _COMPLEMENT.fullmatch(rest):
        # The office word ends the phrase, or a complement that says whose office it is
        # ("spokesman of the foreign ministry"); "the minister's office" is not the minister.
        return None
    description = _ARTICLE.sub("", cleaned)
    return description, head.group("head").lower()
