"""The coalitions stage: groups of states that the text shows forming or acting together.

News names such groups in three ways, and this stage reads all three:

* a *group* with a member list spread over several sentences: "China, Russia, Iran and others
  are seeking support for a coalition ..." then "Other founding members of the group are A, B
  and C"; lists that refer to one group are merged into one coalition;
* states *acting together* on a text: "X, Y and Z tabled the draft", "a resolution introduced
  by X, Y and Z", "They tabled a counter-resolution" (the list in the sentence before);
* a named group whose name holds its founders: the "Franco-German Alliance for Multilateralism".

States that merely vote alike ("China and India abstained") are not a coalition. The list of
members is ``complete`` unless the text cuts it short: "including", "among others", "and other
nations", a list broken off by the end of the excerpt, or fewer members than the count the text
gives ("a group of 17 countries") — unless a later list closes it ("Other founding members are",
"also includes").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from comity.news._doc import Coalition, Mention, NewsDoc
from comity.news._orgtables import GROUP_KINDS, group_members, organisation_kinds
from comity.news._pipeline import Resources, stage
from comity.news._prefilter import Prefiltered, folded
from comity.news._spans import SpanIndex

__all__ = ["coalitions", "find_coalitions", "state_lists"]

# Mention kinds that name a state acting in its own right (not inside an organisation's name).
_ACTING_KINDS = frozenset({"name", "alias", "acronym", "demonym", "capital", "government"})
# Between two members of one list: a comma, "and", "as well as", an optional article.
_SEPARATOR = re.compile(
    # A tally after a member ("China (139 votes), Cuba (170)") does not break the list.
    r"(?:\s*\(\s*[\d,]+(?:\s+votes?)?\s*\))?"
    r"\s*(?:,|;|&|\band\b|\bas well as\b|,\s*and\b|\bplus\b)\s*(?:\bthe\b\s*)?",
    re.I,
)
_GROUP_WORDS = re.compile(
    r"\b(?:group|coalition|alliance|bloc|troika|quartet|quintet|friends|members?|membership|signator(?:y|"
    r"ies)|"
    r"founders?|founding|co-founders?|club|axis|caucus|core group|partnership|grouping|union|league)\b",
    re.I,
)
_FORMING = re.compile(
    r"\b(?:form(?:s|ed|ing)?|creat(?:e|es|ed|ing|ion)|establish(?:es|ed|ing|ment)?|launch(?:es|ed|ing)?|"
    r"found(?:s|ed|ing)?|set up|sets up|float(?:s|ed|ing)?|join(?:s|ed)? forces|team(?:s|ed)? up|"
    r"united|unite|made up of|comprised of|composed of|consist(?:s|ed|ing)? of|includ(?:e|es|ed|ing))\b",
    re.I,
)
_ACTING = re.compile(
    r"\b(?:tabl(?:e|es|ed|ing)|draft(?:s|ed|ing)?|introduc(?:e|es|ed|ing)|present(?:s|ed|ing)|"
    r"(?:co-?)?sponsor(?:s|ed|ing)?|submit(?:s|ted|ting)?|propos(?:e|es|ed|ing)|put forward|penned|"
    r"sign(?:s|ed|ing)|co-?signed|issu(?:e|es|ed|ing) a joint|joint (?:statement|letter|declaration|"
    r"proposal|draft|resolution)|authored|co-?authored|circulat(?:e|es|ed|ing))\b",
    re.I,
)
_ACTION_VERBS = (
    r"(?:tabled|drafted|introduced|presented|sponsored|co-?sponsored|submitted|proposed|put forward|penned|"
    r"signed|co-?signed|circulated|authored|co-?authored|prepared|floated|launched|founded|formed|created|"
    r"established|set up|initiated|convened|requested|called for)"
)
# "a resolution drafted by X, Y and Z"
_ACTED_BY = re.compile(rf"\b{_ACTION_VERBS}\s+(?:jointly\s+|together\s+)?by\s*(?:the\s+)?$|"
                       # "was put forward at the council for a vote on Friday by X, Y and Z"
                       rf"\b{_ACTION_VERBS}\b[^.;]{{0,80}}?\bby\s*(?:the\s+)?$|"
                       r"\b(?:co-?sponsors|sponsors|authors|co-?authors|penholders)\s+(?:are|were|include|"
                       r"included)"
                       r"\s*:?\s*(?:the\s+)?$", re.I)  # fmt: skip
# "X, Y and Z tabled the draft"
_ACTS = re.compile(
    r"^\s*(?:,[^,.]{0,50},)?\s*(?:(?:have|has|had|also|jointly|together|on \w+|then|recently|already)\s+)*"
    rf"(?:{_ACTION_VERBS[3:-1]}|table|draft|introduce|present|sponsor|submit|propose|sign|circulate|"
    r"issued a joint|issue a joint|joined forces|join forces|teamed up|team up|"
    # "Chile, Peru and Colombia unveiled a trade partnership"
    r"(?:announced|unveiled|agreed|forged|struck|sealed|concluded)\s+(?:on\s+\w+\s+)?(?:a|an|the|their)\s+"
    r"(?:[\w-]+\s+){0,3}(?:pact|alliance|partnership|agreement|accord|deal|initiative|group|declaration|"
    r"joint\s+statement|security\s+arrangement))\b",
    re.I,
)
# Three or more states that pledge, agree or hold a summit together act as a group.
_ACTS_TOGETHER = re.compile(
    r"^\s*(?:,[^,.]{0,50},|[-–—)]\s*)?\s*(?:(?:have|has|had|also|jointly|together|on \w+|then)\s+)*"
    r"(?:pledged|vowed|agreed|committed|declared|said\s+in\s+a\s+joint|held\s+(?:a|an|their)\s+(?:\w+\s+){0,2}"
    r"(?:summit|meeting|talks))\b",
    re.I,
)
_JOINT_TEXT = re.compile(r"\bjoint\s+(?:statement|letter|declaration|communiqu[eé]|proposal|appeal)\b", re.I)
_SPEAKS = re.compile(
    r"^\s*(?:,[^,.]{0,50},|[-–—)]\s*)?\s*(?:(?:have|has|had|also|jointly|together)\s+)*"
    r"(?:said|say|says|stated|declared|wrote|write|issued|signed|agreed|pledged|vowed|called|urged|warned)\b",
    re.I,
)
_NAMED_AFTER = re.compile(
    r"^\s*[,(–—-]?\s*(?:(?:collectively|together|jointly)\s+)?(?:known\s+as|called|dubbed|so-called|"
    r"forming|who\s+form|which\s+form|members\s+of)\s+(?:the\s+)?$",
    re.I,
)
# Lists cut short by the text itself.
_PARTIAL_BEFORE = re.compile(
    r"(?:\bincluding|\bincludes?|\bsuch as|\bamong them|\bamong others|\bnotably|\bamong which|"
    r"\blike)\s*:?\s*$",
    re.I,
)
_PARTIAL_AFTER = re.compile(
    r"^\s*,?\s*(?:and|as well as|among|plus)\s+(?:others|other\b|some\b|several\b|more\b|a few\b|a number\b|"
    r"many\b|additional\b)|^\s*,?\s*(?:etc\b|among others)",
    re.I,
)
# Lists that give the rest of a group's members.
_CLOSING_BEFORE = re.compile(
    r"(?:\bother (?:founding |fellow )?(?:members|signatories|founders|countries|states)\b[^.]{0,40}?"
    r"\b(?:are|were|include|included|includes)|\balso includes?|\balso included|\bmade up of|\bcomprised of|"
    r"\bcomposed of|\bconsist(?:s|ed|ing)? of|\bmembers (?:are|were)|\bcalled|\bbrings? together|"
    r"\bbringing together|\bbrought together)\s*:?\s*(?:the\s+)?$",
    re.I,
)
_CONTINUING = re.compile(r"\balso\b|\bother (?:founding )?members\b|\bfurther\b|\badditionally\b", re.I)
# "12 countries and the US": a lone state that completes a counted list.
_COUNTED_SINGLE = re.compile(r"\b\d+\s+(?:countries|states|nations)\s+and\s+(?:the\s+)?$")
# The three searches made before every list of states (most are lone states, which none of them
# concerns), with the literals one of which each match holds (see _prefilter).
_CLOSING_SEARCH = Prefiltered(
    _CLOSING_BEFORE,
    ("other", "also", "made", "compris", "compos", "consist", "members", "called", "bring", "brought"),
)
_CONTINUING_SEARCH = Prefiltered(_CONTINUING, ("also", "other", "further", "additionally"))
_COUNTED_SINGLE_SEARCH = Prefiltered(_COUNTED_SINGLE, ("countries", "states", "nations"))
_VOTING = re.compile(
    r"\b(?:vot(?:e|es|ed|ing)|abstain(?:s|ed|ing)?|abstentions?|veto(?:es|ed|ing)?|oppos(?:e|es|ed|ing))\b",
    re.I,
)
_COUNT = re.compile(
    r"\b(\d{1,3}|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|"
    r"sixteen|"
    r"seventeen|eighteen|nineteen|twenty)\s+(?:countries|states|nations|signatories|members|"
    r"member states|governments)\b",
    re.I,
)
_WORD_NUMBERS = {
    "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20,
}  # fmt: skip
_PRONOUN_ACTORS = re.compile(
    r"^\W*(?:they|both(?: countries| states)?|the two(?: countries| states)?)\b", re.I
)
# A truncated list: the excerpt ends, or the list's "and" runs into a capitalised non-state word.
_TRUNCATED_AFTER = re.compile(r"^\s*(?:,|and)?\s*(?:and\s+)?(?:The|This|A|An|It)\b|^\s*(?:,|and)?\s*$")
_GROUP_NAME_WORDS = re.compile(
    r"\b(?:Group|Alliance|Coalition|Friends|Troika|Bloc|Quartet|Quad|Club|Axis|Caucus|Initiative|"
    r"Partnership)\b"
)
# Standing groups of states whose members a text may list ("the BRICS group of Brazil, Russia, ...").
_STANDING_GROUPS = frozenset(
    {"BRICS", "G7", "G20", "G77", "NAM", "EU", "AU", "ASEAN", "SCO", "CSTO", "EAEU", "OAS", "ARAB_LEAGUE",
     "OIC", "GCC", "OPEC", "OSCE", "NATO", "QUAD", "AUKUS", "COUNCIL_OF_EUROPE", "HUMANITARIAN_TROIKA"}
)  # fmt: skip
# "the Quad - Australia, India, Japan and the United States", "BRICS members Brazil, ..."
# Also "the Quad, an informal grouping of", "the Quadrilateral Security Dialogue (Quad) between",
# "the bloc, which comprises": words that only introduce the group's member list.
_APPOSITIVE_GAP = re.compile(
    r"^(?:\s|[-–—():,]|members?\b|countries\b|states\b|nations\b|of\b|the\b|an?\b|informal\b|strategic\b|"
    r"security\b|diplomatic\b|grouping\b|group\b|alliance\b|partnership\b|dialogue\b|forum\b|bloc\b|"
    r"partners?\b|leaders?\b|comprising\b|compris(?:es|ed)\b|consisting\b|made\s+up\b|including\b|"
    r"includes?\b|which\b|whose\b|are\b|is\b|between\b|among\b|from\b|with\b|[A-Z][A-Za-z]{1,8}\b)*$"
)
# A list right after these words is the object of someone else's act, not a group acting.
_OBJECT_OF = re.compile(
    r"\b(?:invit(?:e|es|ed|ing)|urg(?:e|es|ed|ing)|call(?:s|ed)? on|ask(?:s|ed)?|sanction(?:s|ed)?|"
    r"accus(?:e|es|ed|ing)|criticis(?:e|es|ed)|criticiz(?:e|es|ed)|against|toward|towards)\s+(?:the\s+)?$",
    re.I,
)
_HYPHEN_GROUP = re.compile(
    r"^-?\s*(?:[A-Z][\w'’]*\s+){0,3}?(?:Alliance|Group|Coalition|Initiative|Partnership|Axis|Format|Quartet|"
    r"Troika|Declaration)\b(?:\s+(?:for|of|on|in|against)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*)?"
)


# A story shows a handful of groups; past this many lists of states a text is a table or a dump, and
# the stage stops rather than spend time on it.
_MAX_LISTS = 500


@dataclass
class StateList:
    """A run of state mentions joined by commas and "and"."""

    mentions: list[Mention]
    start: int
    end: int

    @property
    def members(self) -> list[str]:
        return _unique([m.entity_id for m in self.mentions])


@dataclass
class _Draft:
    key: str
    name: str | None
    org_id: str | None
    members: list[str] = field(default_factory=list)
    start: int = 0
    end: int = 0
    partial: bool = False
    closed: bool = False
    truncated: bool = False
    count: int | None = None
    confidence: float = 0.8


def _unique(values: list[str]) -> list[str]:
    seen: set[str] = set()
    return [v for v in values if not (v in seen or seen.add(v))]  # type: ignore[func-returns-value]


def state_lists(doc: NewsDoc, *, min_length: int = 1) -> list[StateList]:
    """Runs of acting-state mentions joined only by separators, in text order."""
    states = sorted(
        (m for m in doc.mentions if m.entity_type == "state" and m.kind in _ACTING_KINDS),
        key=lambda m: (m.start, -m.end),
    )
    # Drop states nested inside another state mention ("Guinea" in "Papua New Guinea").
    flat: list[Mention] = []
    for mention in states:
        if flat and mention.start < flat[-1].end:
            continue
        flat.append(mention)
    runs: list[list[Mention]] = []
    for mention in flat:
        if runs:
            gap = doc.text[runs[-1][-1].end : mention.start]
            if _SEPARATOR.fullmatch(gap) or gap.strip() in {"", ","} and "\n" not in gap:
                runs[-1].append(mention)
                continue
        runs.append([mention])
    return [StateList(run, run[0].start, run[-1].end) for run in runs if len(run) >= min_length]


# Between two people of one list: a separator, then maybe their titles ("and Japanese Prime Minister").
_PEOPLE_GAP = re.compile(r"\s*(?:,\s*and|,|and|&)\s*(?:(?:the|[A-Z][\w.'’-]*|of|and)\s+){0,5}", re.I)


def people_lists(doc: NewsDoc, *, min_length: int = 2) -> list[StateList]:
    """Runs of people who act for states, joined by commas and "and": "Biden, Modi, Suga and
    Morrison" lists the four states they stand for (each as a mention of kind ``person``)."""
    spans = sorted(
        (start, end, person.state) for person in doc.people if person.state for start, end in person.mentions
    )
    runs: list[list[Mention]] = []
    for start, end, state in spans:
        mention = Mention(start, end, doc.text[start:end], state, "state", "person", 0.8)
        if (
            runs
            and 0 <= start - runs[-1][-1].end <= 60
            and _PEOPLE_GAP.fullmatch(doc.text, runs[-1][-1].end, start)
        ):
            runs[-1].append(mention)
            continue
        runs.append([mention])
    return [
        StateList(run, run[0].start, run[-1].end)
        for run in runs
        if len({m.entity_id for m in run}) >= min_length
    ]


def _org_name_mentions(doc: NewsDoc) -> list[Mention]:
    """Organisation mentions that name a group of states (not contained in a longer name)."""
    orgs = [m for m in doc.mentions if m.entity_type == "organisation" and m.kind != "contained"]
    return [m for m in orgs if _GROUP_NAME_WORDS.search(m.text) or m.entity_id in _STANDING_GROUPS]


def _count_in(text: str) -> int | None:
    found = _COUNT.search(text)
    if not found:
        return None
    word = found.group(1).lower()
    return int(word) if word.isdigit() else _WORD_NUMBERS[word]


def _snake(name: str) -> str:
    return re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")


def find_coalitions(doc: NewsDoc) -> list[Coalition]:
    """The coalitions of one document (see the module docstring for what counts)."""
    text = doc.text
    folded_text = folded(text)
    groups = _org_name_mentions(doc)
    group_index = SpanIndex(groups)
    org_index = SpanIndex(
        m for m in doc.mentions if m.entity_type == "organisation" and m.kind != "contained"
    )
    sentence_tests: dict[tuple[int, int], tuple[bool, bool, bool]] = {}
    drafts: dict[str, _Draft] = {}
    order: list[str] = []
    lists = sorted(state_lists(doc) + people_lists(doc), key=lambda run: run.start)
    previous_key: str | None = None
    previous_end = 0
    for index, run in enumerate(lists):
        if index % 64 == 0:
            doc.check_deadline("comity.coalitions.v1")
        if index >= _MAX_LISTS:
            break
        sent_start, sent_end = doc.sentence_at(run.start)
        # Windows of bounded size around the list: the work per list does not grow with the text.
        before = text[max(sent_start, run.start - 300) : run.start]
        after = text[run.end : min(sent_end, run.end + 300)]
        closing_window = before[-70:]
        closing = bool(_CLOSING_SEARCH.search(closing_window, 0, len(closing_window), folded(closing_window)))
        # "also", "other members" continue the previous group's list only when they come after
        # the end of the previous list ("..., which also includes A and B, are wary of C": C is
        # no member).
        continuing = (
            previous_key is not None
            and _CONTINUING_SEARCH.search(
                text, max(run.start - 80, previous_end, sent_start), run.start, folded_text
            )
            is not None
        )
        counted_single = bool(_COUNTED_SINGLE_SEARCH.search(before, 0, len(before), folded(before)))
        if len(run.mentions) < 2 and not (closing or continuing or counted_single):
            continue  # a lone state is a member only when it continues or completes a list
        # The sentence's words, searched once per sentence and only for a list that may be a group
        # (most runs are lone states, passed over above).
        sentence = text[sent_start:sent_end]
        tests = sentence_tests.get((sent_start, sent_end))
        if tests is None:
            tests = sentence_tests[(sent_start, sent_end)] = (
                bool(_GROUP_WORDS.search(sentence)),
                bool(_FORMING.search(sentence)),
                bool(_VOTING.search(sentence)),
            )
        has_group_word, has_forming, has_voting = tests
        near_group = list(group_index.between(sent_start, sent_end))
        appositive = any(
            0 <= run.start - g.end <= 60 and _APPOSITIVE_GAP.match(text[g.end : run.start])
            for g in near_group
        ) or any(
            # "the US, Japan, India and Australia, known as the Quad"
            0 <= g.start - run.end <= 40 and _NAMED_AFTER.match(text[run.end : g.start])
            for g in near_group
        )
        # A list of states that the registry counts among the members of a group of states the
        # sentence names ("the leaders of Japan, India and Australia ... the Quad"): its members.
        registry_group = _registry_group(list(org_index.between(sent_start, sent_end)), run.members)
        grouped = (
            appositive
            or registry_group is not None
            or has_group_word
            and not _body_membership(doc, sentence, sent_start, sent_end)
            and bool(
                has_forming
                or near_group
                or closing
                or _CONTINUING.search(before[-80:])
                or re.search(r"\bmembers?\b", before[-60:], re.I)
            )
        )
        acting = bool(
            _ACTED_BY.search(before[-150:])
            or _ACTS.match(after[:90])
            or (len(run.mentions) >= 3 and _ACTS_TOGETHER.match(after[:90]))
            # "In a joint statement, the leaders of X, Y and Z said ...": one statement of them all.
            or bool(_JOINT_TEXT.search(sentence) and _SPEAKS.match(after[:90]))
        )
        if not acting and len(run.mentions) >= 2:
            # "X and Y reminded the Council ... They tabled a counter-resolution."
            next_start = sent_end
            while next_start < len(text) and text[next_start].isspace():
                next_start += 1
            next_sentence = (
                text[next_start : doc.sentence_at(next_start)[1]] if next_start < len(text) else ""
            )
            if _PRONOUN_ACTORS.match(next_sentence) and _ACTING.search(next_sentence[:60]):
                acting = True
        if not (grouped or acting or continuing):
            continue
        if _OBJECT_OF.search(before[-25:]):
            continue
        if has_voting and not acting and not closing:
            continue
        if _founder_prefix(doc, run):
            continue
        group = (
            registry_group
            if registry_group is not None
            else _nearest_group(near_group, group_index, run.start)
            if (grouped or continuing)
            else None
        )
        if group is None and near_group and acting:
            group = near_group[0]
        key: str
        if group is not None:
            name: str | None = group.text
            org_id: str | None = group.entity_id
            key = group.entity_id
        elif continuing and not acting and previous_key is not None:
            key = previous_key
            name = drafts[key].name
            org_id = drafts[key].org_id
        elif grouped:
            key = "_group"
            name, org_id = _self_name(sentence), None
        else:
            surface = text[run.start : run.end]
            key = "list:" + ",".join(sorted(run.members))
            name, org_id = surface, None
        draft = drafts.get(key)
        if draft is None:
            draft = drafts[key] = _Draft(key, name, org_id, start=run.start, end=run.end)
            order.append(key)
        draft.members = _unique(draft.members + run.members)
        draft.start, draft.end = min(draft.start, run.start), max(draft.end, run.end)
        if _PARTIAL_BEFORE.search(before[-25:]) or _PARTIAL_AFTER.search(after[:30]):
            draft.partial = True
        if closing:
            draft.closed = True
        if draft.name is None and key == "_group":
            draft.name = _self_name(sentence)
        draft.truncated = (
            draft.truncated
            or bool(
                _TRUNCATED_AFTER.match(after[:12])
                and index == len(lists) - 1
                and sent_end >= len(text.rstrip()) - 1
            )
            or bool(re.match(r"^\s*and\s+(?:The|This|A|An|It)\b", after))
        )
        count = _count_in(before) or _count_in(after)
        if count is not None and grouped:
            draft.count = max(draft.count or 0, count)
        draft.confidence = 0.9 if group is not None else 0.75 if acting else 0.6
        previous_key = key
        previous_end = run.end
    _attach_unnamed(drafts, order, groups)
    result = _drop_sublists([_finish(drafts[key]) for key in order if key in drafts])
    result.extend(_hyphen_coalitions(doc, {c.org_id for c in result if c.org_id}))
    return [c for c in result if len(c.members) >= 2]


_SELF_NAME = re.compile(
    r"\b(?:call(?:ing|ed)? themselves|called|known as|dubbed|named|under the name(?: of)?)\s*,?\s*"
    r"[\"“‘']\s*(?:the\s+)?(?P<name>[^\"”’']{3,120}?)\s*[,.]?\s*[\"”’']",
    re.I,
)


_CAPITALISED_GROUP = re.compile(
    r"\b((?:[A-Z][\w'’-]*\s+){0,4}(?:Group|Alliance|Coalition|Troika|Quartet|Friends|Bloc|Caucus)"
    r"(?:\s+(?:of|on|for|in)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:of\s+(?:the\s+)?)?[A-Z][\w'’-]*)*)?)"
)


def _registry_group(near: list[Mention], members: list[str]) -> Mention | None:
    """The group of states named in the sentence (registry kind ``group`` or ``coalition``)
    that counts every state of ``members`` (two or more) among its members, if any."""
    if len(members) < 2:
        return None
    known = group_members()
    for mention in near:
        if organisation_kinds().get(mention.entity_id, ("", ""))[0] not in GROUP_KINDS:
            continue
        if set(members) <= known.get(mention.entity_id, frozenset()):
            return mention
    return None


# Words that say states belong to something; of a body that is no group of states ("the new
# members of the Council are ..."), a list is a membership, not a coalition.
_MEMBER_WORDS = re.compile(r"\b(?:members?|membership|signator(?:y|ies)|union|league)\b", re.I)


def _body_membership(doc: NewsDoc, sentence: str, start: int, end: int) -> bool:
    """True when the sentence's only word of grouping is a word of membership and the body it
    names is an organ, agency, treaty or organisation rather than a group of states."""
    others = _GROUP_WORDS.sub(lambda m: "" if _MEMBER_WORDS.fullmatch(m.group()) else "#", sentence)
    if "#" in others:
        return False
    kinds = organisation_kinds()
    bodies = [
        m
        for m in doc.mentions
        if m.entity_type == "organisation" and start <= m.start < end and m.kind != "contained"
    ]
    return bool(bodies) and all(
        kinds.get(m.entity_id, ("", ""))[0] not in GROUP_KINDS
        and m.entity_id not in _STANDING_GROUPS
        and not _GROUP_NAME_WORDS.search(m.text)
        for m in bodies
    )


def _self_name(sentence: str) -> str | None:
    """The name a described group gives itself: 'calling themselves "the Group of ..."', or a
    capitalised group name in the sentence ("the Core Group on Ukraine")."""
    found = _SELF_NAME.search(sentence)
    if not found:
        named = _CAPITALISED_GROUP.search(sentence)
        return named.group(1).removeprefix("The ").strip() if named else None
    name = found.group("name").strip(" ,.")
    return name[:1].upper() + name[1:] if name else None


def _founder_prefix(doc: NewsDoc, run: StateList) -> bool:
    """True for "Franco-" in "Franco-German Alliance": handled as a named group's founders."""
    last = run.mentions[-1]
    return last.text.endswith("-") or doc.text[last.end : last.end + 1] == "-"


def _drop_sublists(found: list[Coalition]) -> list[Coalition]:
    # "Belgium and Kuwait" after "Germany, Belgium and Kuwait tabled ...": one coalition, told twice.
    kept = []
    for coalition in found:
        members = set(coalition.members)
        if coalition.org_id is None and any(
            other is not coalition and members < set(other.members) for other in found
        ):
            continue
        kept.append(coalition)
    return kept


def _nearest_group(near: list[Mention], groups: SpanIndex[Mention], position: int) -> Mention | None:
    if near:
        return min(near, key=lambda g: abs(g.start - position))
    before = groups.last_before(position)
    if before is not None:
        return before
    return groups.items[0] if groups.items else None


def _attach_unnamed(drafts: dict[str, _Draft], order: list[str], groups: list[Mention]) -> None:
    # Lists that speak of "the group" without naming it belong to the one named group, if any.
    unnamed = drafts.get("_group")
    named = [key for key in order if key in drafts and drafts[key].org_id is not None]
    if unnamed is None or len(named) != 1:
        return
    target = drafts[named[0]]
    target.members = _unique(unnamed.members + target.members)
    target.partial = target.partial or unnamed.partial
    target.closed = target.closed or unnamed.closed
    target.truncated = target.truncated or unnamed.truncated
    target.count = max(target.count or 0, unnamed.count or 0) or None
    target.start = min(target.start, unnamed.start)
    del drafts["_group"]


def _finish(draft: _Draft) -> Coalition:
    counted = draft.count is not None and len(draft.members) >= draft.count
    complete = not draft.truncated and (draft.closed or counted or not draft.partial)
    if draft.count is not None and len(draft.members) < draft.count:
        complete = False
    org_id = draft.org_id
    if org_id is None and draft.name is not None and draft.key == "_group":
        org_id = _snake(draft.name)
    return Coalition(
        name=draft.name,
        org_id=org_id,
        members=draft.members,
        complete=complete,
        start=draft.start,
        end=draft.end,
        confidence=draft.confidence,
    )


def _hyphen_coalitions(doc: NewsDoc, known: set[str | None]) -> list[Coalition]:
    """Groups named after their founders: "Franco-German Alliance for Multilateralism"."""
    text = doc.text
    states = sorted((m for m in doc.mentions if m.entity_type == "state"), key=lambda m: m.start)
    orgs: SpanIndex[Mention] | None = None  # indexed at the first chain (most texts have none)
    found: list[Coalition] = []
    index = 0
    while index < len(states):
        chain = [states[index]]
        while index + 1 < len(states) and (
            text[chain[-1].end : states[index + 1].start] == "-"
            or (chain[-1].text.endswith("-") and states[index + 1].start == chain[-1].end)
        ):
            index += 1
            chain.append(states[index])
        index += 1
        if len(chain) < 2:
            continue
        tail = text[chain[-1].end : chain[-1].end + 80]
        named = _HYPHEN_GROUP.match(tail)
        if named is None:
            continue
        if orgs is None:
            orgs = SpanIndex(m for m in doc.mentions if m.entity_type == "organisation")
        org = next(iter(orgs.between(chain[-1].end, chain[-1].end + 3)), None)
        if org is not None and org.entity_id in known:
            continue
        if org is None and len(chain) == 2 and not re.search(r"\s(?:for|of|on|in|against)\s", named.group()):
            continue  # "the US-Japan Alliance": a relation of two states, not a group they formed
        name = org.text if org is not None else tail[: named.end()]
        found.append(
            Coalition(
                name=name.strip(" -"),
                org_id=org.entity_id if org is not None else _snake(name),
                members=_unique([m.entity_id for m in chain]),
                complete=False,
                start=chain[0].start,
                end=org.end if org is not None else chain[-1].end,
                confidence=0.6,
            )
        )
    return found


@stage(
    "comity.coalitions.v1",
    requires=["doc.sentences", "doc.mentions"],
    assigns=["doc.coalitions"],
    factory=True,
)
def coalitions(resources: Resources) -> Callable[[NewsDoc], NewsDoc]:
    """Find the coalitions the text shows forming or acting together (``doc.coalitions``)."""
    # Read the registry's tables when the pipeline is built, not within a document's time budget.
    organisation_kinds()
    group_members()

    def run(doc: NewsDoc) -> NewsDoc:
        doc.coalitions = find_coalitions(doc)
        return doc

    return run
