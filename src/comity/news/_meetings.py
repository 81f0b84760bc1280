"""The meetings stage: meetings of a named body that the text reports.

A sentence reports a meeting when it holds a meeting word (meeting, session, summit, debate,
vote, veto, "adopted", "told the Council", "chaired" ...) and names a body that meets (an
organisation mention that is not an agreement, a charter or a declaration); "the UN" stands for
a meeting when no organ is named. A vote is a meeting of the organ that votes. Sentences of one
body and compatible dates ("2016" and "2016-10-26") are one meeting; sentences that speak of "the
vote", "the meeting" or a draft's sponsors without naming a body add to the document's main
meeting. Planned and habitual meetings ("scheduled for next October", "has vetoed 14 times")
are left out.

Participants are the states shown voting, speaking, sponsoring or attending in the meeting's
sentences (and the states of the people who do so); states that are only the subject matter
("a resolution against Syria", "withdraw from Ukraine") are not. The chair is the person (or,
failing one, the state) said to chair or preside.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from comity.news._coalitions import state_lists
from comity.news._dates import find_dates, page_date, page_stamp_spans, parse_iso
from comity.news._doc import Meeting, Mention, NewsDoc
from comity.news._orgtables import organisation_kinds
from comity.news._parse import KeptPlans, parsed_sentence, register_selector
from comity.news._pipeline import stage
from comity.news._prefilter import Prefiltered, folded, holds_key
from comity.news._spans import SpanIndex

__all__ = ["find_meetings", "meetings"]

# The words that may report a sitting, in the order the regex tries them; each starts with a letter.
_TRIGGER_WORDS = (
    *("meetings?", "sessions?", "summit", "debate", "conference", "video ?conference", "videoconference"),
    *("forum", "virtual (?:event|call)", "online (?:event|call)", "three-way (?:event|call)"),
    *("trilateral (?:event|call)", "joint (?:event|call)", "video ?call", "vot(?:e|es|ed|ing)"),
    *("secret ballots?", "ballots?", "abstain(?:s|ed|ing)?", "abstentions?", "veto(?:es|ed|ing)?"),
    *("adopt(?:s|ed|ing)?", "pass(?:es|ed)", "approv(?:e|es|ed)", "reject(?:s|ed)", "endors(?:e|es|ed)"),
    *("appoint(?:s|ed)", "elect(?:s|ed)", "recommend(?:s|ed)", "declar(?:es|ed)", "expel(?:s|led)"),
    *("suspend(?:s|ed)", "admit(?:s|ted)", "forward(?:s|ed)", "back(?:s|ed)", "convened?", "met"),
    *("gathered", "held", "attended", "attending", "chair(?:s|ed)", "presid(?:e|es|ed|ing)", "told the"),
    *("before the", "address(?:es|ed)? the", "briefed the", "spoke (?:at|before|to) the"),
    "speaking (?:at|before|to) the",
)
_TRIGGER = re.compile(
    # The lookahead on the words' first letters lets the engine pass over most word starts without
    # trying each of the fifty words (it halves the time of a scan that runs on every sentence).
    rf"\b(?=[{''.join(sorted({word[0] for word in _TRIGGER_WORDS}))}])(?:{'|'.join(_TRIGGER_WORDS)})\b",
    re.I,
)
# A meeting held on a day of its own, its body left to the story: "a preparatory meeting was held on 3 May".
_HELD_WITHOUT_BODY = re.compile(
    r"\b(?:meeting|session|summit|conference|talks)s?\s+(?:[\w-]+\s+){0,8}?"
    r"(?:was|were)\s+(?:held|convened)\b",
    re.IGNORECASE,
)
# Words naming the main meeting without its body.
_ANAPHORIC = re.compile(
    r"\b(?:the (?:vote|meeting|session|debate|summit|resolution|draft|text)|vot(?:e|ed|ing) (?:for|against|"
    r"in favou?r)|"
    r"abstain(?:s|ed|ing)?|abstentions?|veto(?:es|ed)?|told the (?:Council|Assembly|meeting|session|body)|"
    r"(?:introduced|drafted|tabled|sponsored|co-?sponsored|presented|submitted|prepared) by|"
    r"attended the|attended by|addressed the|(?:Council|Assembly)'s (?:vote|meeting)|"
    r"(?:introduced|drafted|tabled|sponsored|co-?sponsored|presented|submitted|prepared|put forward)"
    r" (?:a|the|their|its) (?:\w+ )?(?:draft|resolution|text|counter-resolution|proposal))\b",
    re.I,
)
_FUTURE = re.compile(
    r"\b(?:will|shall|to be held|scheduled|slated|expected to|due to|is to|are to|plans? to|planned|upcoming|"
    r"forthcoming|next (?:week|month|year|session|January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday))\b",
    re.I,
)
_HABITUAL = re.compile(
    r"\b(?:\d+|several|many|multiple|numerous) times\b|\bevery (?:year|other year|three months|month)\b|"
    r"\beach year\b|"
    # "has vetoed 14 resolutions", "have voted against it repeatedly": a record, not one sitting
    r"\bha(?:s|ve) (?:been )?(?:vetoed|voted)\b(?=.*\b(?:times|repeatedly|consistently|always|regularly|"
    r"resolutions|drafts|texts)\b)|"
    # "since 2011", but not "since 2011, when the Council voted ...": that clause is one past sitting
    r"\bsince\b(?!\s+(?:[\w-]+\s+){0,2}\d{4},?\s+when\b)|"
    r"\b(?:for|in|over) the (?:past|last) \d+ years\b|\bevery time\b|"
    r"\b(?:requires?|needs?)\s+(?:at least\s+)?(?:\w+\s+)?(?:votes?|majority)\b",
    re.I,
)
# A sentence about a planned meeting, whatever else it says ("... to prepare for the summit scheduled for
# next October, where Azerbaijan will chair").
_PLANNED = re.compile(
    r"\b(?:scheduled|slated|planned|set|due)\s+(?:for|to take place)\b|"
    r"\bnext (?:week|month|year|January|February|March|April|May|June|July|August|September|October|"
    r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b",
    re.I,
)
# Votes and gatherings that are no sitting of a body: a referendum or an election of voters, a press
# conference, a person "held" in custody, a signing ceremony, a warrant issued.
_NOT_A_SITTING = re.compile(
    r"\b(?:referendum|plebiscite|voters|electorate|polling|(?:press|news)\s+(?:conference|briefing)|"
    r"held\s+(?:responsible|accountable|hostage|captive|in\s+custody|back)|signing\s+ceremony|"
    r"arrest\s+warrants?|warrants?\s+(?:for|of)\s+(?:the\s+)?arrest|"
    # crowds, not delegations: "thousands of activists gathered", "Britons voted narrowly"
    r"(?:thousands|hundreds|crowds?|protesters|demonstrators|activists|supporters|citizens|people|public|"
    r"[A-Z][a-z]+(?:ons|ans|ians))\s+(?:of\s+\w+\s+)?(?:had\s+)?(?:voted|gathered|attended|met)|"
    r"protests?|rall(?:y|ies)|demonstrations?)\b",
    re.I,
)
# Bodies that do not meet: agreements, charters, declarations and the like.
_NOT_MEETING_BODY = re.compile(r"AGREEMENT|CHARTER|DECLARATION|TREATY|PROTOCOL|CONVENTION|ACCORD|COVAX|"
    r"^UDHR$|"
                               r"^JCPOA$|^NPT$|^NEW_START$|^OPEN_SKIES$|^UNSG$")  # fmt: skip
_CHAIR_PERSON = re.compile(
    r"\b(?:chair(?:s|ed|ing)?|presid(?:e|es|ed|ing)(?: over)?|as (?:the )?(?:chair|president)|"
    r"opening the|opened the)\b",
    re.I,
)
_CHAIR_STATE = re.compile(
    r"\b(?:(?:rotating )?presidency|(?:is|was|as) (?:the )?chair|holds? the (?:rotating )?(?:presidency|"
    r"chair)|"
    r"chairmanship|chairs|chaired|chairing)\b",
    re.I,
)
_GENERIC_PRESIDENCY = re.compile(
    r"\b(?:presidency|chair(?:manship|s|ed|ing)?)\s+(?:(?:of|at|in)\s+)?the\s+"
    r"(?:council|assembly|movement|bloc|group|body)\b",
    re.I,
)
# One of these is in every match of _CHAIR_PASSIVE, _CHAIR_PERSON, _CHAIR_STATE and
# _GENERIC_PRESIDENCY (ignoring case): a sentence without any names no chair, and most sentences
# are passed over without their four searches (see comity.news._prefilter).
_CHAIR_KEYS = ("chair", "presid", "open", "hosted", "convened")
_PRESIDENT_OF = re.compile(
    r"\bPresident of the (?P<body>General Assembly|Security Council|Human Rights Council)|"
    r"(?P<body2>General Assembly|Security Council|Assembly|Council) President\b",
    re.I,
)
_PRESIDENT_BODIES = {
    "general assembly": "UNGA", "assembly": "UNGA", "security council": "UNSC", "council": "UNSC",
    "human rights council": "UNHRC",
}  # fmt: skip
# A state right after these words is the matter discussed, not a participant.
_SUBJECT_MATTER = re.compile(
    r"\b(?:against|on|over|toward|towards|into|in|about|regarding|concerning|for|from|to|at|of|"
    r"annexation of|sovereignty of|people of|war in|situation in|aggression against|embargo (?:of|on|"
    r"against))"
    r"\s+(?:(?:the|its|their|[a-z][\w-]*)\s+){0,3}$",
    re.I,
)
# "the Cuban embargo", "a Syria resolution": the state is what the meeting is about.
_TOPIC_AFTER = re.compile(
    r"\s*(?:embargo|sanctions|crisis|war|conflict|issue|question|file|invasion|situation|aid|resolution|"
    r"regime|"
    r"people|minority|policy|policies|government|administration)\b",
    re.I,
)
_ACTING_KINDS = frozenset({"name", "alias", "acronym", "demonym", "capital", "government", "role"})


# A story reports a few meetings in a few dozen sentences; past this many sentences with a meeting
# word a text is a dump or a list, and the stage stops rather than spend time on it.
_MAX_MEETING_SENTENCES = 400


@dataclass
class _Draft:
    body: str
    date: str | None
    start: int
    end: int
    participants: list[str] = field(default_factory=list)
    chair: str | None = None
    chair_state: str | None = None
    # Set when the text says outright who chaired ("chaired by Slovenia"): nothing overrides it.
    chair_settled: bool = False
    sentences: list[tuple[int, int]] = field(default_factory=list)
    cue: str = ""


def _bodies(doc: NewsDoc) -> list[Mention]:
    orgs = sorted(
        (m for m in doc.mentions if m.entity_type == "organisation"),
        key=lambda m: (m.start, -(m.end - m.start)),
    )
    kept: list[Mention] = []
    for mention in orgs:
        if mention.kind == "contained" or (kept and mention.start < kept[-1].end):
            continue
        if _NOT_MEETING_BODY.search(mention.entity_id):
            continue
        if re.search(
            r"\b(?:pro|anti|non)-$",
            doc.text[max(0, mention.start - 5) : mention.start],
            re.I,
        ):
            continue  # "pro-EU activists": an attitude, not the body
        kept.append(mention)
    return sorted(kept + _short_references(doc, kept), key=lambda m: m.start)


# The last word of an organ's name, by which a story refers back to it: "the Council", "the Assembly".
_SHORT_NAME = re.compile(
    r"\b[Tt]he\s+(?:\d+-(?:member|nation)\s+)?(Council|Assembly|council|assembly)\b(?!\s+of\b)"
)


def _short_references(doc: NewsDoc, named: list[Mention]) -> list[Mention]:
    """ "The Council", "the 193-member Assembly" after the story has named one organ so called.

    The reference is read as that organ when exactly one body named before it has a registry name
    ending in the word ("United Nations Security Council"); with two (a Security Council and a Human
    Rights Council) it is left unread.
    """
    if not named:
        return []
    kinds = organisation_kinds()
    found: list[Mention] = []
    taken = SpanIndex(named)
    for match in _SHORT_NAME.finditer(doc.text):
        start, end = match.start(1), match.end(1)
        if taken.between(start, end):
            continue
        word = match.group(1).lower()
        candidates = {
            m.entity_id
            for m in named
            if m.start < start and kinds.get(m.entity_id, ("", ""))[1].lower().endswith(word)
        }
        if len(candidates) == 1:
            found.append(
                Mention(
                    start,
                    end,
                    match.group(1),
                    candidates.pop(),
                    "organisation",
                    "short",
                    0.6,
                )
            )
    return found


def _compatible(first: str | None, second: str | None) -> bool:
    if first is None or second is None:
        return True
    return first.startswith(second) or second.startswith(first)


def find_meetings(doc: NewsDoc) -> list[Meeting]:
    """The meetings one document reports."""
    text = doc.text
    anchor = page_date(text, published=doc.meta.get("published"))
    bodies = _planned_bodies(doc)
    body_index = SpanIndex(bodies)
    frame = _frame_body(doc, body_index)
    drafts: list[_Draft] = []
    loose: list[tuple[int, int]] = []
    dated_loose: list[tuple[int, int, str, str]] = []
    previous_bodies: list[Mention] = []
    previous_span = (0, 0)
    extra_dates: list[tuple[int, int]] = []
    triggered = 0
    for sent_index, (sent_start, sent_end) in enumerate(doc.sentences or [(0, len(text))]):
        if sent_index % 64 == 0:
            doc.check_deadline("comity.meetings.v1")
        sentence = text[sent_start:sent_end]
        found = _sitting_trigger(text, sentence, sent_start, body_index, frame)
        trigger, acting = found if found is not None else (None, None)
        if trigger is not None:
            triggered += 1
            if triggered > _MAX_MEETING_SENTENCES:
                break
        if trigger is None:
            previous_bodies = [
                b
                for b in body_index.between(sent_start, sent_end)
                if b.entity_id != "UN" and not _is_title(text, b)
            ]
            previous_span = (sent_start, sent_end)
            continue
        date_span: tuple[int, int] | None = None
        window = sentence[max(0, trigger.start() - 50) : trigger.end() + 60]
        if _FUTURE.search(window) and not re.search(
            r"\b(?:held|met|voted|adopted|chaired|attended|gathered|convened|began|opened|started|took place|"
            r"ended|concluded)\b",
            window,
            re.I,
        ):
            continue
        if _HABITUAL.search(sentence) or _PLANNED.search(sentence):
            continue
        if _NOT_A_SITTING.search(sentence[max(0, trigger.start() - 40) : trigger.end() + 40]):
            continue
        in_sentence = [
            b
            for b in body_index.between(sent_start, sent_end)
            if not _is_affiliation(text, b) and not _is_counterpart(text, b) and _sits(text, b)
        ]
        organs = [b for b in in_sentence if b.entity_id != "UN"] or in_sentence
        if organs and all(_is_title(text, b) for b in organs) and _ANAPHORIC.search(sentence):
            organs = []
        if (
            not organs
            and previous_bodies
            and re.search(r"\b(?:meeting|session|summit|conference)\b", sentence, re.I)
            and re.match(
                r"\W*(?:this|it|the (?:meeting|session|summit|statement|declaration))\b",
                sentence,
                re.I,
            )
        ):
            # "The bloc urged restraint. It did so in a declaration agreed at a summit ..."
            organs = previous_bodies
            date_span = previous_span
        previous_span = (sent_start, sent_end)
        previous_bodies = [b for b in in_sentence if b.entity_id != "UN"]
        if not organs:
            held = _HELD_WITHOUT_BODY.search(sentence)
            held_date = (
                _date_of(text, sent_start, sent_end, sent_start + held.start(), anchor) if held else None
            )
            if held is not None and held_date is not None and len(held_date) == 10:
                dated_loose.append((sent_start, sent_end, held_date, held.group(0)))
            elif _ANAPHORIC.search(sentence):
                loose.append((sent_start, sent_end))
            continue
        trigger_at = sent_start + trigger.start()
        if date_span is not None and _date_of(text, sent_start, sent_end, trigger_at, anchor) is None:
            extra_dates.append(date_span)
        body = (
            acting
            or _adjacent_body(text, organs, trigger_at, sent_start + trigger.end(), (sent_start, sent_end))
        ).entity_id
        if body == "UN" and re.search(r"\bveto", sentence, re.I):
            body = "UNSC"  # only the Security Council has vetoes
        date = _date_of(text, sent_start, sent_end, trigger_at, anchor)
        target = next(
            (
                d
                for d in drafts
                if d.body == body and d.date is not None and date is not None and _compatible(d.date, date)
            ),
            None,
        )
        if target is None and date is None:
            target = next((d for d in drafts if d.body == body), None)
        if target is None and date is not None:
            target = next((d for d in drafts if d.body == body and d.date is None), None)
        if target is None:
            target = _Draft(body, date, sent_start, sent_end, cue=trigger.group(0))
            drafts.append(target)
        if date is not None and (target.date is None or len(date) > len(target.date)):
            target.date = date
        target.sentences.append((sent_start, sent_end))
        target.sentences.extend(extra_dates)
        extra_dates = []
        target.end = max(target.end, sent_end)
    if not drafts and loose:
        drafts = _sole_organ_meeting(bodies, loose, text, anchor)
    if not drafts:
        return []
    drafts = _fold_un(drafts, anchor)
    main = _main(drafts, anchor)
    for span in loose:
        main.sentences.append(span)
    for sent_start, sent_end, held_date, cue in dated_loose:
        # "A preparatory meeting was held on 3 May": a sitting of the story's body, on its own day.
        same = next((d for d in drafts if d.body == main.body and _compatible(d.date, held_date)), None)
        if same is None:
            drafts.append(_Draft(main.body, held_date, sent_start, sent_end, cue=cue))
        else:
            same.sentences.append((sent_start, sent_end))
    main.sentences.sort()
    people = SpanIndex(_people_spans(doc), start=lambda p: p[0])
    mentions = SpanIndex(doc.mentions)
    first_of_run = {m.start: run.mentions[0] for run in state_lists(doc) for m in run.mentions}
    for draft in drafts:
        if draft.date is None:
            draft.date = _first_date(text, draft.sentences, anchor)
    if main.date is None and anchor is not None:
        main.date = _lede_date(doc, anchor)
    folded_text = folded(text)
    for draft in drafts:
        for sent_start, sent_end in draft.sentences:
            _add_participants(doc, draft, sent_start, sent_end, people, mentions, first_of_run)
            if holds_key(folded_text, sent_start, sent_end, _CHAIR_KEYS):  # else no chair is named
                _find_chair(doc, draft, sent_start, sent_end, people, mentions)
        for sent_start, sent_end in doc.sentences:
            if draft.chair is not None or draft.chair_settled:
                break  # nothing more to find: _find_chair would change nothing
            if not holds_key(folded_text, sent_start, sent_end, _CHAIR_KEYS):
                continue  # no chair named: nor the generic presidency
            names_body = any(b.entity_id == draft.body for b in body_index.between(sent_start, sent_end))
            # "Brazil, which holds the rotating presidency of the council this month"
            generic = draft is main and _GENERIC_PRESIDENCY.search(text, sent_start, sent_end) is not None
            if names_body or generic:
                _find_chair(doc, draft, sent_start, sent_end, people, mentions)
    _president_chairs(doc, drafts)
    return [
        Meeting(
            body=d.body,
            date=d.date,
            chair=d.chair or d.chair_state,
            participants=d.participants,
            start=d.start,
            end=d.end,
            confidence=0.7,
            cue=d.cue,
        )
        for d in drafts
    ]


# A meeting word in a condition or a counterfactual reports no sitting: "if adopted, the draft would ...".
_CONDITIONAL = re.compile(
    r"\b(?:if|unless|whether|once|until)\s+(?:[\w-]+\s+){0,3}$|\bwould\s+(?:have\s+)?$",
    re.I,
)
# A meeting still to come from where the story stands: "ahead of the NATO summit", "on the eve of the vote".
_AHEAD_OF = re.compile(
    r"\b(?:ahead of|run-up to|eve of|preparation for|prepare for|preparing for)\s+"
    r"(?:the\s+|a\s+|an\s+|next\s+|this\s+)?(?:[\w'’-]+\s+){0,4}$",
    re.IGNORECASE,
)
# A meeting someone asks for has not been held: "France called for an emergency meeting of the Council",
# "Moscow requested a session". A sitting that followed is reported by its own words ("..., which met").
_ASKED_FOR = re.compile(
    r"\b(?:call(?:s|ed|ing)?\s+for|request(?:s|ed|ing)?|demand(?:s|ed|ing)?|propos(?:e|es|ed|ing)|"
    r"urg(?:e|es|ed|ing)|seek(?:s|ing)?|sought|push(?:es|ed|ing)?\s+for|ask(?:s|ed|ing)?\s+for)\s+"
    r"(?:(?:an?|the|another|its|their)\s+)?(?:[\w'’-]+\s+){0,3}$",
    re.IGNORECASE,
)
# A meeting under a modal or a wish is not one held: "could attend the summit", "hopes to be invited
# to the summit", "would host the next summit"; nor one called "the next" ("the next SCO summit").
_MODAL_BEFORE = re.compile(
    r"\b(?:(?i:could|might|would|should|hopes?\s+to|hoping\s+to|wants?\s+to|wishes\s+to|aims?\s+to|"
    r"intends?\s+to|plans?\s+to)|may)\s+(?:[\w'’-]+\s+){0,5}$|\b(?i:next)\s+(?:[\w'’-]+\s+){0,3}$"
)
# The same after the meeting word and its body's name: "an AU summit could take place this year".
_MODAL_AFTER = re.compile(
    r"(?:\s+(?:of\s+)?(?:the\s+)?[\w'’-]+){0,5}?\s+(?:(?i:could|might|would|is\s+to|are\s+to|"
    r"is\s+(?:expected|likely|set)\s+to)|may)\s+(?:(?i:not|also|then|now|still)\s+)?"
    r"(?i:be|take|go|open|start|begin|happen|convene|meet|vote|decide)\b"
)
# A meeting word inside a person's title: "President of the 74th session of the General Assembly".
_IN_TITLE = re.compile(r"\b(?:President|Chair(?:man|woman|person)?)\s+of\s+the\s+(?:\w+\s+){0,2}$")
# Words that make a meeting only with a body right after them: "told the Council", not "told the press".
_NEEDS_BODY_AFTER = re.compile(
    r"^(?:told the|before the|address(?:es|ed)? the|briefed the|spoke|speaking)", re.I
)
# Decisions that make a meeting only when the body makes them (subject before, or "by the <body>").
_DECISION_STEMS = (
    "adopt|pass|approv|reject|endors|appoint|elect|recommend|declar|expel|suspend|admit|forward|back"
)
_DECISION = re.compile(rf"^(?:{_DECISION_STEMS})", re.I)
# The decision words of _TRIGGER, to find quickly the sentences that may need the parse (the stems
# are literals: a sentence that holds none is passed over without a search).
_DECISION_WORD = Prefiltered(re.compile(rf"\b(?:{_DECISION_STEMS})", re.I), keys=_DECISION_STEMS.split("|"))
# Decisions that the surface check alone never accepts: too often someone else's act ("Moscow-backed",
# "the elected government"); only the parse can say that a body is their subject or agent.
_FRAME_ONLY = re.compile(r"^(?:back|elect|declar|forward|admit)", re.I)
# Registry kinds of organisation whose decisions are taken at a sitting; an agency's or a court's
# ("the agency approved a vaccine", "the court admitted the case") are not.
_DECIDING_KINDS = frozenset({"un", "un_organ", "un_body", "igo", "group", "coalition"})

FrameBody = Callable[[int], Mention | None]


def _decides(body: Mention, text: str) -> bool:
    """Whether a body takes its decisions at sittings, by its registry kind (unknown kinds do); an
    agency does through the organ named with it ("the IAEA Board of Governors passed a resolution")."""
    kind = organisation_kinds().get(body.entity_id, ("", ""))[0]
    if kind == "un_agency":
        return _AGENCY_ORGAN.match(text, body.end, body.end + 50) is not None
    return kind in _DECIDING_KINDS or not kind


def _sitting_trigger(
    text: str,
    sentence: str,
    sent_start: int,
    body_index: SpanIndex[Mention],
    frame: FrameBody | None = None,
) -> tuple[re.Match[str], Mention | None] | None:
    """The first meeting word of a sentence that can report a sitting of a body, and the body that
    the parse shows acting (None when the surface alone accepts the word).

    Each general pattern it passes over: a word under a condition or in a counterfactual; a meeting
    asked for ("called for a meeting"), wished for or under a modal ("could attend the summit"), or
    "the next" one; a word in a person's title; "told the", "addressed the" without a body after; a
    decision ("adopted", "approved", "appointed") that no body makes: none named before it in the
    clause or after "by", and none that ``frame`` (the parse: subject, agent, subject of the clause
    a participle or a relative clause hangs on) finds.
    """
    for found in _TRIGGER.finditer(sentence):
        before = sentence[max(0, found.start() - 40) : found.start()]
        word = found.group(0)
        if _CONDITIONAL.search(before) or _IN_TITLE.search(before) or _AHEAD_OF.search(before):
            continue
        if (
            _ASKED_FOR.search(before)
            or _MODAL_BEFORE.search(before)
            or _MODAL_AFTER.match(sentence, found.end())
        ):
            continue
        start, end = sent_start + found.start(), sent_start + found.end()
        if _NEEDS_BODY_AFTER.match(word):
            gap = text[end : end + 12]
            following = body_index.between(end, end + 12)
            if not following or not re.fullmatch(r"[\s\w.-]*", gap[: max(0, following[0].start - end)]):
                continue
        if _DECISION.match(word):
            window_start = max(sent_start, start - 120)
            clause = re.split(
                r"[;,]\s|\b(?:which|who|that|after|before|because|while)\b",
                text[window_start:start],
            )[-1]
            named_before = any(
                b.end <= start and b.start >= start - len(clause) and _decides(b, text)
                for b in body_index.between(window_start, start)
            )
            by_body = re.match(r"\s+(?:[\w-]+\s+){0,6}?by\s+(?:the\s+)?", text[end : end + 80])
            by_named = by_body is not None and any(
                _decides(b, text) for b in body_index.between(end + by_body.end(), end + by_body.end() + 2)
            )
            if _FRAME_ONLY.match(word) or not (named_before or by_named):
                acting = frame(start) if frame is not None else None
                if acting is None:
                    continue
                return found, acting
        return found, None
    return None


def _frame_body(doc: NewsDoc, bodies: SpanIndex[Mention]) -> FrameBody:
    """The body that a parsed decision verb at an offset has as its actor, if any.

    The actor is the verb's subject; the agent of a passive ("appointed by the Council"); for a
    participle opening the sentence ("Adopting the text, the Assembly ...") or a verb coordinated
    with another, the subject of that other verb; for a relative clause ("the Council, which
    approved ..."), the noun it hangs on. A body counts when it is, or stands in front of, that
    word ("the 15-member Council", "the IAEA board"), and its registry kind decides at sittings.
    """

    def actor(offset: int) -> Mention | None:
        parse = parsed_sentence(doc, offset)
        if parse is None:
            return None
        verb = parse.token_at(offset)
        if verb is None or not verb.tag_.startswith("VB"):
            return None
        if verb.i == 0 and verb.tag_ == "VBG":
            # A participle opening the sentence ("Adopting the text, the Assembly ..."): the statistical
            # parse often misreads it, the comma that closes its clause does not.
            comma = doc.text.find(",", offset, parse.end)
            if comma >= 0:
                lead = re.match(
                    r",\s*(?:the\s+)?(?:[\w-]+\s+){0,3}",
                    doc.text[comma : comma + 60],
                    re.I,
                )
                after = bodies.between(comma, comma + (lead.end() if lead else 1) + 1)
                if after and _decides(after[0], doc.text):
                    return after[0]
        candidates = [c for c in verb.children if c.dep_ in ("nsubj", "csubj")]
        candidates += [g for c in verb.children if c.dep_ == "agent" or c.lower_ == "by" for g in c.children
                       if g.dep_ == "pobj"]  # fmt: skip
        if not candidates and verb.dep_ in ("advcl", "conj", "xcomp"):
            candidates = [c for c in verb.head.children if c.dep_ == "nsubj"]
        if verb.dep_ == "relcl" and any(c.lower_ in ("which", "that", "who") for c in verb.children):
            candidates.append(verb.head)
        for token in candidates:
            start = parse.span_of(token.left_edge)[0]
            end = parse.span_of(token)[1]
            for body in bodies.between(start, end):
                if _decides(body, doc.text):
                    return body
        return None

    return actor


def _sole_organ_meeting(
    bodies: list[Mention], loose: list[tuple[int, int]], text: str, anchor: str | None
) -> list[_Draft]:
    """The meeting that sentences about "the vote" or "the resolution" report in a story that names one
    organ that votes (the Security Council) and never says it met: a meeting of that organ."""
    kinds = organisation_kinds()
    organs = {b.entity_id for b in bodies if kinds.get(b.entity_id, ("", ""))[0] in ("un_organ", "un_body")}
    if len(organs) != 1:
        return []
    start, end = loose[0]
    draft = _Draft(organs.pop(), None, start, end, sentences=list(loose), cue="the vote")
    return [draft]


# Between a body and its meeting noun: "the G20 leaders' summit", "a summit of the G20".
_BODY_THEN_NOUN = re.compile(
    r"(?:['’]s?)?\s+(?:(?:leaders|ministers|foreign|heads|leaders['’]|ministers['’]|"
    r"annual|extraordinary|emergency|special|virtual)\s+){0,2}$",
    re.IGNORECASE,
)
_NOUN_THEN_BODY = re.compile(r"^\s+(?:of|by)\s+(?:the\s+)?$", re.IGNORECASE)


_MEETING_NOUN = re.compile(
    r"\b(?:meetings?|sessions?|summits?|conferences?|talks|forum|ballots?)\b", re.IGNORECASE
)


def _adjacent_body(
    text: str, organs: list[Mention], trigger_start: int, trigger_end: int, sentence: tuple[int, int]
) -> Mention:
    """The body whose meeting noun the sentence names ("met EU leaders at the G7 summit", "a session of
    the Assembly"), else the one named nearest the meeting word."""
    for noun in _MEETING_NOUN.finditer(text, *sentence):
        if _IN_TITLE.search(text, max(sentence[0], noun.start() - 40), noun.start()):
            continue  # "the President of the 80th session of the Assembly"
        for body in organs:
            if _is_title(text, body):
                continue
            if body.end <= noun.start() and _BODY_THEN_NOUN.fullmatch(text[body.end : noun.start()]):
                return body
            if body.start >= noun.end() and _NOUN_THEN_BODY.match(text[noun.end() : body.start]):
                return body
    return min(organs, key=lambda b: abs(b.start - trigger_start))


def _main(drafts: list[_Draft], anchor: str | None) -> _Draft:
    """The meeting the story is about: the one on the page's date, else the most precisely dated."""
    for draft in drafts:
        if anchor is not None and draft.date is not None and draft.date == anchor:
            return draft
    return max(drafts, key=lambda d: (len(d.date or ""), -d.start))


def _lede_date(doc: NewsDoc, anchor: str) -> str | None:
    """The event date of a story's lede ("... urged cooperation on Friday"), near the page date."""
    anchor_day = parse_iso(anchor)
    # Weekdays first: "urged cooperation on Friday" dates the event; a full date in the first lines is
    # more often a photo caption's.
    for kinds in (("relative",), ("partial", "absolute")):
        found = _lede_date_of_kind(doc, anchor_day, anchor, kinds)
        if found is not None:
            return found
    return None


def _is_stamp(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is (in) one of the page's own date stamps, which date no event."""
    return any(s < end and start < e for s, e in page_stamp_spans(text))


def _is_dateline(text: str, start: int, end: int) -> bool:
    """Whether a date stands on a line of its own ("Friday, 20 May 2016"): it dates the page."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    rest = line.replace(text[start:end], "", 1)
    return re.fullmatch(r"[\W\d_]*(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)?[\W\d_]*", rest) is not None


def _lede_date_of_kind(doc: NewsDoc, anchor_day: dt.date, anchor: str, kinds: tuple[str, ...]) -> str | None:
    for sent_start, sent_end in doc.sentences[:4]:
        sentence = doc.text[sent_start:sent_end]
        for mention in find_dates(sentence, anchor):
            if _is_stamp(doc.text, sent_start + mention.start, sent_start + mention.end) or _is_dateline(
                doc.text, sent_start + mention.start, sent_start + mention.end
            ):
                continue  # the page's own date, not the event's
            if mention.value and len(mention.value) == 10 and mention.kind in kinds:
                if 0 <= (anchor_day - parse_iso(mention.value)).days <= 7:
                    return mention.value
    return None


def _fold_un(drafts: list[_Draft], anchor: str | None) -> list[_Draft]:
    # "at the UN" in a story about a Security Council meeting is that meeting, not another one; so is
    # an undated "NAM" meeting in a story about the meeting of its Coordinating Bureau.
    organs = [d for d in drafts if d.body != "UN"]
    if not organs:
        return drafts
    main = _main(organs, anchor)
    kept = []
    for draft in drafts:
        if draft is not main and draft.date is None and main.body.startswith(draft.body + "_"):
            main.sentences.extend(draft.sentences)
            main.start = min(main.start, draft.start)
            continue
        if draft.body == "UN":
            candidates = (
                [o for o in organs if o.date == draft.date] if draft.date else [_main(organs, anchor)]
            )
            target = candidates[0] if candidates else None
            if target is not None:
                target.sentences.extend(draft.sentences)
                target.start = min(target.start, draft.start)
                if target.date is None:
                    target.date = draft.date
                continue
        kept.append(draft)
    return kept


def _date_of(text: str, sent_start: int, sent_end: int, trigger_at: int, anchor: str | None) -> str | None:
    local = trigger_at - sent_start
    sentence = text[sent_start:sent_end]
    mentions = [
        m
        for m in find_dates(text[sent_start:sent_end], anchor)
        if not _is_stamp(text, sent_start + m.start, sent_start + m.end)
        if
        # A bare year far from the meeting word is another event's ("its founders in 1945").
        m.value
        and (m.kind != "year" or abs(m.start - local) < 45)
        # A date ahead ("scheduled for next October") is a planned meeting's, not this one's.
        and not _FUTURE.search(sentence[max(0, m.start - 25) : m.end])
        and (anchor is None or m.value[:10] <= anchor[:10] or len(m.value) < len(anchor))
        and not _dates_other_event(sentence[max(0, m.start - 30) : m.start])
    ]
    if not mentions:
        return None
    return min(mentions, key=lambda m: abs(m.start - local)).value


# A past participle or verb right before "in"/"on" and a date: the date of that event ("the request
# submitted in May 2011", "the body founded in 1945"), unless the verb is a meeting word itself.
_EVENT_VERB_BEFORE = re.compile(r"\b([a-z]+ed)\s+(?:on|in)\s+(?:the\s+)?$")


# A date that closes a period ("a term ending 31 December 2035", "in office until 2030") is the
# end of a mandate, not the day of the sitting that gave it.
_PERIOD_END_BEFORE = re.compile(
    r"\b(?:end(?:s|ed|ing)?|until|till|through|expir(?:es|ed|ing|y))\s+(?:on\s+|in\s+|the\s+)?$", re.I
)


def _dates_other_event(before: str) -> bool:
    """Whether the words before a date make it the date of an event other than a meeting."""
    if _PERIOD_END_BEFORE.search(before):
        return True
    verb = _EVENT_VERB_BEFORE.search(before)
    return verb is not None and _TRIGGER.fullmatch(verb.group(1)) is None


def _first_date(text: str, sentences: list[tuple[int, int]], anchor: str | None) -> str | None:
    for sent_start, sent_end in sentences:
        trigger = _TRIGGER.search(text[sent_start:sent_end])
        date = _date_of(
            text,
            sent_start,
            sent_end,
            sent_start + (trigger.start() if trigger else 0),
            anchor,
        )
        if date is not None:
            return date
    return None


_OFFICIAL = (
    r"(?:ambassador|envoy|representative|delegation|spokes(?:man|woman|person)|chief|head|mission|official)"
)


def _is_affiliation(text: str, body: Mention) -> bool:
    """An organisation named as someone's employer: "the EU's ambassador", "ambassador to the UN"."""
    after = text[body.end : body.end + 40]
    before = text[max(0, body.start - 30) : body.start]
    return bool(
        re.match(rf"\s*['’]s\s+(?:\w+\s+){{0,2}}{_OFFICIAL}", after, re.I)
        or re.search(rf"\b{_OFFICIAL}s?\s+(?:to|at)\s+(?:the\s+)?$", before, re.I)
        # "met NATO Secretary-General X", "talks with EU foreign policy chief Y": the body names
        # the office of the person met, not a sitting of its own.
        or _OFFICE_AFTER.match(after)
    )


_OFFICE_AFTER = re.compile(
    rf"\s+(?:[a-z][\w-]*\s+){{0,2}}(?:{_OFFICIAL}|[Ss]ecretary[- ][Gg]eneral|[Dd]irector[- ][Gg]eneral|"
    r"[Hh]igh [Rr]epresentative|[Cc]ommissioner|director|rapporteur|expert|coordinator|investigator)s?\b",
    re.IGNORECASE,
)


# "met with", "a meeting with", "talks with": the body after "with" is the other side of a meeting.
_WITH_BEFORE = re.compile(
    r"\b(?:met|meets|meeting|meetings|talks|spoke|speaks|call)\s+with\s+(?:the\s+)?(?:[\w-]+\s+){0,3}$", re.I
)


def _is_counterpart(text: str, body: Mention) -> bool:
    """A body someone meets with ("the minister met with NATO's chief"): a meeting with it, not of it."""
    return _WITH_BEFORE.search(text[max(0, body.start - 60) : body.start]) is not None


# The organs through which an agency sits: "the WHO's World Health Assembly", "the IAEA Board of Governors".
_AGENCY_ORGAN = re.compile(
    r"(?:['’]s)?\s+(?:[\w-]+\s+){0,2}(?:Assembly|Board|Committee|Conference|Council)\b"
)


def _sits(text: str, body: Mention) -> bool:
    """Whether a body named here can be the one meeting: a UN agency or office only with one of its organs.

    An agency "convening" talks or "hosting" a forum organises a meeting of others; its own sittings
    are those of its assembly or board.
    """
    if organisation_kinds().get(body.entity_id, ("", ""))[0] != "un_agency":
        return True
    return _AGENCY_ORGAN.match(text, body.end, body.end + 50) is not None


def _is_title(text: str, body: Mention) -> bool:
    """An organ named in a person's title: "President of the General Assembly", "Assembly President",
    "Chairman of the 12th session of the Assembly"."""
    before = text[max(0, body.start - 60) : body.start]
    after = text[body.end : body.end + 12]
    return bool(_TITLE_BEFORE.search(before) or re.match(r"\s+(?:President|Chair(?:man|woman)?)\b", after))


_TITLE_BEFORE = re.compile(
    r"\b(?:President|Chair(?:man|woman|person)?)\s+of\s+(?:the\s+)?"
    r"(?:(?:[\w-]+\s+){1,3}(?:session|meeting)\s+of\s+(?:the\s+)?)?$"
)


def _people_spans(doc: NewsDoc) -> list[tuple[int, int, str, str | None]]:
    spans = []
    for person in doc.people:
        for start, end in person.mentions:
            spans.append((start, end, person.name, person.state))
    spans.sort()
    return spans


def _add_participants(
    doc: NewsDoc,
    draft: _Draft,
    sent_start: int,
    sent_end: int,
    people: SpanIndex[tuple[int, int, str, str | None]],
    mentions: SpanIndex[Mention],
    first_of_run: dict[int, Mention],
) -> None:
    text = doc.text
    states = [
        m
        for m in mentions.between(sent_start, sent_end)
        if m.entity_type == "state" and m.kind in _ACTING_KINDS
    ]
    for mention in states:
        head = first_of_run.get(mention.start, mention)
        before = text[max(sent_start, head.start - 40) : head.start]
        if text[mention.end : mention.end + 1] == ")" and text[mention.start - 1 : mention.start] == "(":
            continue  # "JANE DOE (Norway), chair of the committee": nationality
        if _TOPIC_AFTER.match(text[mention.end : mention.end + 20]):
            continue
        if _SUBJECT_MATTER.search(before) and not re.search(
            r"\b(?:ministers?|delegations?|representatives?|ambassadors?|envoys?|initiative|presidency|"
            r"presidents?|"
            r"leaders?|heads?) of\s+(?:the\s+)?$",
            before,
            re.I,
        ):
            continue
        if mention.entity_id not in draft.participants:
            draft.participants.append(mention.entity_id)
    for _start, _end, _name, state in people.between(sent_start, sent_end):
        if state and state not in draft.participants:
            draft.participants.append(state)


_CHAIR_PASSIVE = re.compile(r"\b(?:chaired|presided(?: over)?|hosted|convened)\s+by\s+(?:the\s+)?", re.I)


def _find_chair(
    doc: NewsDoc,
    draft: _Draft,
    sent_start: int,
    sent_end: int,
    people: SpanIndex[tuple[int, int, str, str | None]],
    mentions: SpanIndex[Mention],
) -> None:
    """Set the draft's chair (a person) or chair state from one sentence, when it names one
    (callers pass over sentences holding none of ``_CHAIR_KEYS``)."""
    if draft.chair is not None or draft.chair_settled:
        return
    sentence = doc.text[sent_start:sent_end]
    # "chaired by Slovenia", "presided over by Wang Yi": the chair is whoever "by" names, and a
    # person standing nearby (often the speaker of the sentence) is not.
    passive = _CHAIR_PASSIVE.search(sentence)
    if passive is not None:
        at = sent_start + passive.end()
        for start, _end, name, _state in people.between(at, at + 4):
            if 0 <= start - at <= 3:
                draft.chair = name
                draft.chair_settled = True
                return
        for mention in mentions.between(at, at + 7):
            if mention.entity_type == "state" and 0 <= mention.start - at <= 6:
                draft.chair_state = mention.entity_id
                draft.chair_settled = True
                return
    cue = _CHAIR_PERSON.search(sentence)
    if cue is not None:
        at = sent_start + cue.start()
        near = [p for p in people.between(sent_start, sent_end) if abs(p[0] - at) < 90]
        if near:
            draft.chair = min(near, key=lambda p: abs(p[0] - at))[2]
            return
    cue = _CHAIR_STATE.search(sentence)
    body_after_cue = False
    if cue is not None and draft.body != "UN":
        after = sentence[cue.end() : cue.end() + 40]
        body_after_cue = bool(
            re.match(
                r"\s*(?:(?:of|at|in)\s+)?the\s+(?:council|assembly|movement|bloc|group|body)\b",
                after,
                re.I,
            )
        ) or any(
            m.entity_id == draft.body and m.entity_type == "organisation"
            for m in mentions.between(sent_start + cue.end(), sent_start + cue.end() + 40)
        )
    if cue is not None and body_after_cue and draft.chair_state is None:
        at = sent_start + cue.start()
        states = [
            m
            for m in mentions.between(sent_start, sent_end)
            if m.entity_type == "state" and m.kind in _ACTING_KINDS and abs(m.start - at) < 80
        ]
        if states:
            draft.chair_state = min(states, key=lambda m: abs(m.start - at)).entity_id


def _president_chairs(doc: NewsDoc, drafts: list[_Draft]) -> None:
    """The President of the General Assembly chairs its meetings (and so on for the Councils)."""
    for person in doc.people:
        role = person.role or ""
        found = _PRESIDENT_OF.search(role)
        if not found:
            continue
        body = _PRESIDENT_BODIES[(found.group("body") or found.group("body2")).lower()]
        for draft in drafts:
            if draft.body == body and draft.chair is None:
                draft.chair = person.name


# The bodies the parse stage's selector read for a document, kept for the meetings stage (which needs
# the same list).
_BODIES: KeptPlans[list[Mention]] = KeptPlans()


def _planned_bodies(doc: NewsDoc) -> list[Mention]:
    kept = _BODIES.take(doc, doc.mentions)
    return kept if kept is not None else _bodies(doc)


def _wanted(doc: NewsDoc) -> Iterator[tuple[int, int]]:
    """The sentences whose decision word only the parse can give a body: the surface found none."""
    text = doc.text
    folded_text = folded(text)
    with_decision = [(s, e) for s, e in doc.sentences if _DECISION_WORD.search(text, s, e, folded_text)]
    if not with_decision:
        return
    found = _bodies(doc)
    _BODIES.keep(doc, found, doc.mentions)
    bodies = SpanIndex(found)
    asked: list[int] = []

    def ask(offset: int) -> Mention | None:
        asked.append(offset)
        return None

    for sent_start, sent_end in with_decision:
        if not bodies.between(sent_start, sent_end):
            continue
        asked.clear()
        if _sitting_trigger(text, text[sent_start:sent_end], sent_start, bodies, ask) is None and asked:
            yield sent_start, sent_end


register_selector("comity.meetings.v1", _wanted)


@stage(
    "comity.meetings.v1",
    requires=["doc.sentences", "doc.mentions", "doc.people"],
    assigns=["doc.meetings"],
)
def meetings(doc: NewsDoc) -> NewsDoc:
    """Find the meetings the text reports (``doc.meetings``)."""
    doc.meetings = find_meetings(doc)
    return doc
