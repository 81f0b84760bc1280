"""The memberships stage: states joining, leaving, rejoining, suspended from or expelled from a body.

A sentence is cut at each membership verb ("withdrew from", "pulled out of", "returned to",
"announced plans to leave", "was suspended from", "acceded to" ...); the organisations named
after a verb, up to the next verb, are the bodies it governs ("announced plans to end the WHO,
the UN Human Rights Council, UNESCO ..." gives five events). The actor is the state nearest
before the verb (a person stands for the state they act for); for "the AU suspended Mali" the
state after the verb. Intentions ("wants to rejoin", "plans to return", "threatened to quit")
are not events; announcements of a withdrawal are ``announce_withdrawal``. Dates are taken as
precisely as the clause gives them and resolved against the page's date.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from comity.news._coalitions import StateList, state_lists
from comity.news._dates import find_dates, page_date
from comity.news._doc import MembershipChange, Mention, NewsDoc
from comity.news._pipeline import stage

__all__ = ["ACTIONS", "find_memberships", "memberships"]

#: The actions of the gold format.
ACTIONS = ("join", "withdraw", "announce_withdrawal", "rejoin", "suspend", "expel")

_ACTING_KINDS = frozenset({"name", "alias", "acronym", "demonym", "capital", "government", "role"})


@dataclass(frozen=True)
class _Verb:
    pattern: str
    action: str
    # The state is the object ("the AU suspended Mali"), unless passive ("Mali was suspended").
    object_actor: bool = False


_VERBS: tuple[_Verb, ...] = (
    # Reversing a withdrawal is a return.
    _Verb(
        r"(?:revers(?:e|es|ed|ing)|rescind(?:s|ed|ing)?|revok(?:e|es|ed|ing)|cancel(?:s|led|ed|ling)?|"
        r"undo(?:es)?|"
        r"undid|halt(?:s|ed|ing)?|stopp?(?:s|ed|ing)?|withdr[ae]wn?|end(?:s|ed|ing)?|reverse)\s+"
        r"(?:(?:the|its|their|his|that|a|US|U\.S\.|American)\s+){0,3}(?:planned\s+)?withdrawal",
        "rejoin",
    ),
    _Verb(
        r"re-?join(?:s|ed|ing)?|re-?enter(?:s|ed|ing)?|re-?engag(?:e|es|ed|ing)|reconnect(?:s|ed|ing)?|"
        r"return(?:s|ed|ing)?\s+to|came back to|come back to|(?:is|are|was) back (?:in|at)|re-?admitted|"
        r"re-?accede[sd]?|resum(?:e|es|ed|ing) (?:its |their )?(?:membership|participation|seat)",
        "rejoin",
    ),
    _Verb(
        # "announced on Thursday that it would quit", "announced in January 2024 that they would withdraw"
        r"announc(?:e|es|ed|ing)\s+"
        r"(?:(?:on|in|at|last|this|late|early)\b[\w ,]{0,25}?\s+(?=that\b|it\b|they\b))?"
        r"(?:(?:its|their|a|the|plans?|intention|decision|that|it|they)\s+)*"
        r"(?:to\s+|would\s+|will\s+|was\s+|is\s+|were\s+)?"
        r"(?:withdrawal|withdraw|leave|quit|exit|pull out|end|"
        r"leaving|withdrawing|"
        r"quitting|exiting|pulling out)|"
        r"(?:notif(?:y|ies|ied)|gave notice|giving notice|give notice|serv(?:e|ed) notice)\b[^.]{0,40}?"
        r"(?:withdraw|leave|exit|quit)|"
        r"(?:said|says|decided|declared|confirmed)\s+(?:on\s+)?(?:\w+day\s+|today\s+)?(?:that\s+)?"
        r"(?:it|they|the \w+)\s+(?:would|will|"
        r"was going to)"
        r"\s+(?:withdraw|leave|quit|exit|pull out)|"
        r"(?:begun|began|started|launched|initiated|formally started)\s+(?:the\s+)?(?:formal\s+)?"
        r"(?:process|procedure)\s+(?:of|to)\s+(?:withdraw|leav|exit)\w*",
        "announce_withdrawal",
    ),
    _Verb(
        r"withdr(?:ew|awn|aws?|awing)\s+(?:from|its|their)|withdrawal\s+(?:of\s+[\w .]{2,30}?\s+)?from|"
        r"pull(?:s|ed|ing)?\s+out(?:\s+of)?|pull-?out\s+from|left|leav(?:es|ing)|quit(?:s|ting)?|"
        r"exit(?:s|ed|ing)?(?:\s+from)?|exit\s+from|walk(?:s|ed)?\s+(?:out|away)\s+from|"
        r"ditch(?:es|ed|ing)?|abandon(?:s|ed|ing)?|renounc(?:e|es|ed|ing)|"
        r"(?:ceased|ceases) to be (?:a )?(?:member|party)",
        "withdraw",
    ),
    _Verb(r"(?:was|were|been|is|are|be|being)\s+suspended\s+from|suspension\s+from", "suspend"),
    _Verb(r"suspend(?:s|ed|ing)?", "suspend", object_actor=True),
    _Verb(r"(?:was|were|been|is|are|be|being)\s+expelled\s+from|expulsion\s+from", "expel"),
    _Verb(r"expel(?:s|led|ling)?|kick(?:s|ed)? out", "expel", object_actor=True),
    _Verb(
        r"join(?:s|ed|ing)?(?!\s+(?:forces|hands|efforts|the call|calls|talks|us|in\b|with\b))|"
        r"accede[sd]?\s+to|acceding\s+to|accession\s+to|(?:was|were|been|be|is|are)\s+admitted"
        r"(?:\s+(?:to|into|as))?|became\s+(?:a\s+|the\s+\w+\s+)?(?:full\s+)?(?:members?|part(?:y|ies)|signator(?:y|ies))\s+"
        r"(?:of|to)|ratif(?:y|ies|ied)",
        "join",
    ),
    _Verb(r"admit(?:s|ted|ting)", "join", object_actor=True),
)
# Every membership verb holds one of these; a sentence without any is passed over cheaply.
_VERB_HINT = re.compile(
    r"withdr|pull|left|leav|quit|exit|walk|ditch|abandon|renounc|ceas|suspen|expel|expul|kick|join|acce|admi|"
    r"becam|ratif|re-?ent|re-?eng|reconn|return|back|resum|announc|notif|notice",
    re.IGNORECASE,
)
_VERB_RE = re.compile("|".join(f"(?P<v{i}>\\b(?:{verb.pattern})\\b)" for i, verb in enumerate(_VERBS)), re.I)
# Words just before a verb that make it an intention, a wish or a threat rather than an event.
_INTENT = re.compile(
    r"\b(?:wants?|wanted|wish(?:es|ed)?|plans?|planned|planning|intends?|intended|intention|hopes?|hoped|"
    r"seeks?|"
    r"sought|aims?|aimed|threaten(?:s|ed)?|vow(?:s|ed)|pledg(?:e|es|ed)|promis(?:e|es|ed)|consider(?:s|ed|"
    r"ing)?|"
    r"mulls?|weigh(?:s|ed|ing)|could|would|might|may|should|will|shall|must|ready|willing|expected|set|"
    r"likely|"
    r"refus(?:e|es|ed)|decline[sd]?|not|never|no|calls?\s+(?:on|for)|urg(?:e|es|ed)|demand(?:s|ed)?|"
    r"asked|asks|push(?:es|ed)? for|over whether|whether|if)\b(?:\s+\w+){0,2}\s+(?:to\s+)?$",
    re.I,
)
# "US withdrawal from the Paris Agreement": the noun's actor comes from a state adjective right before it.
_NOUN_ACTIONS = re.compile(r"\b(?:withdrawal|suspension|expulsion|accession|pull-?out|exit)\b", re.I)
_CLAUSE_BREAK = re.compile(r";|\bbut\b|\bwhile\b|\bwhereas\b|\bafter\b|\bbefore\b|\bwhich\b|\bwho\b", re.I)


def _actor_mentions(doc: NewsDoc) -> list[tuple[int, int, str]]:
    """Spans that stand for a state: state mentions and people's mentions (as their state)."""
    spans = [
        (m.start, m.end, m.entity_id)
        for m in doc.mentions
        if m.entity_type == "state" and m.kind in _ACTING_KINDS
    ]
    for person in doc.people:
        if person.state:
            spans.extend((start, end, person.state) for start, end in person.mentions)
    spans.sort()
    return spans


def _bodies(doc: NewsDoc) -> list[Mention]:
    orgs = sorted(
        (m for m in doc.mentions if m.entity_type == "organisation"),
        key=lambda m: (m.start, -(m.end - m.start)),
    )
    kept: list[Mention] = []
    for mention in orgs:
        # Keep the outermost name: "UN Human Rights Council", not the "UN" inside it.
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def find_memberships(doc: NewsDoc) -> list[MembershipChange]:
    """The membership events of one document."""
    text = doc.text
    anchor = page_date(text, published=doc.meta.get("published"))
    actors = _actor_mentions(doc)
    bodies = _bodies(doc)
    lists = [run for run in state_lists(doc, min_length=2)]
    events: list[MembershipChange] = []
    seen: set[tuple[str, str, str]] = set()
    for sent_start, sent_end in doc.sentences or [(0, len(text))]:
        sentence = text[sent_start:sent_end]
        if not any(sent_start <= b.start < sent_end for b in bodies) and not _BODY_ANAPHOR_ANYWHERE.search(
            sentence
        ):
            continue  # no organisation named: no membership event (and the verb pattern is costly)
        if _VERB_HINT.search(sentence) is None:
            continue
        matches = list(_VERB_RE.finditer(sentence))
        for index, match in enumerate(matches):
            verb = _VERBS[int(str(match.lastgroup)[1:])]
            start, end = sent_start + match.start(), sent_start + match.end()
            if _INTENT.search(sentence[max(0, match.start() - 40) : match.start()]) and verb.action != (
                "announce_withdrawal"
            ):
                continue
            if verb.action == "announce_withdrawal" and re.search(
                r"\b(?:threaten\w*|could|might|may|considering)\b[^.]{0,20}$", sentence[: match.start()]
            ):
                continue
            segment_end = sent_start + matches[index + 1].start() if index + 1 < len(matches) else sent_end
            governed = [b for b in bodies if end <= b.start < segment_end and not _is_body_of_state(b)]
            if not governed:
                governed = _anaphoric_body(text, bodies, end, segment_end)
            governed = _first_coordinated(
                text, governed, end, max_first_gap=18 if verb.action == "join" else 60
            )
            actor_id: str | None
            if verb.object_actor:
                actor_id = _first_after(actors, end, segment_end)
                subject_bodies = [b for b in bodies if sent_start <= b.start < start]
                # "voted to suspend Russia from the Human Rights Council": the body after "from".
                from_body = [
                    b
                    for b in governed
                    if re.search(r"\bfrom\s+(?:the\s+)?$", text[max(end, b.start - 12) : b.start])
                ]
                if actor_id is None or not (subject_bodies or from_body):
                    continue
                governed = from_body[:1] or [subject_bodies[-1]]
            else:
                actor_id = _actor_before(text, actors, sent_start, start)
                if actor_id is None and _NOUN_ACTIONS.search(match.group(0)):
                    actor_id = _first_after(actors, start, start + 1)
            if actor_id is None or not governed:
                continue
            actor_ids = [actor_id]
            if not verb.object_actor:
                actor_ids = _coordinated_actors(doc, lists, actor_id, start) or actor_ids
            invitation = _INVITED.search(sentence[: match.start()])
            if invitation is not None:
                # "invited Iran and Egypt to join": the invited states join; an invitation to nobody
                # named ("invitations to other UN members to join") is no event.
                span_start, span_end = sent_start + invitation.start(1), sent_start + invitation.end(1)
                actor_ids = _unique_ids(a[2] for a in actors if span_start <= a[0] < span_end)
                if not actor_ids:
                    continue
            date = _date_near(
                text,
                sent_start,
                sent_end,
                start,
                segment_end,
                anchor,
                before_only=verb.action == "announce_withdrawal",
            )
            for body, actor_id in ((b, a) for b in governed for a in actor_ids):
                key = (actor_id, body.entity_id, verb.action)
                if key in seen:
                    continue
                seen.add(key)
                events.append(
                    MembershipChange(
                        actor=actor_id,
                        body=body.entity_id,
                        action=verb.action,
                        date=date,
                        start=min(start, body.start),
                        end=max(body.end, end),
                        confidence=0.8 if verb.action != "announce_withdrawal" else 0.7,
                    )
                )
    return _effective_dates(doc, _reversals(doc, events), anchor)


# A "join" told as undoing an earlier exit ("These measures undo steps taken by ...") is a return.
_UNDOING = re.compile(r"\b(?:undo(?:es|ne)?|undid|revers(?:e|es|ed|ing|al)|again|once more|back)\b", re.I)


def _reversals(doc: NewsDoc, events: list[MembershipChange]) -> list[MembershipChange]:
    left = {(e.actor, e.body) for e in events if e.action in ("withdraw", "announce_withdrawal")}
    for event in events:
        if event.action != "join":
            continue
        sent_start, sent_end = doc.sentence_at(event.start)
        following_end = (
            doc.sentence_at(min(sent_end + 2, len(doc.text) - 1))[1] if sent_end < len(doc.text) else sent_end
        )
        if (event.actor, event.body) in left or _UNDOING.search(doc.text[sent_start:following_end]):
            event.action = "rejoin"
    return events


_INVITED = re.compile(r"\binvit(?:e|es|ed|ing|ations?)\b(.{0,200}?)\bto\s+$", re.I | re.S)


def _unique_ids(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))


_BODY_ANAPHOR_ANYWHERE = re.compile(
    r"\b(?:the|this|that)\s+(?:new\s+)?(?:bloc|group|grouping|alliance|organi[sz]ation|body|union|movement|club|"
    r"treaty|agreement|accord|pact|deal|convention|council)\b",
    re.I,
)
_BODY_ANAPHOR = re.compile(
    r"\s*(?:the|this|that)\s+(?:new\s+)?(?:bloc|group|grouping|alliance|organi[sz]ation|body|union|movement|club|"
    r"treaty|agreement|accord|pact|deal|convention|council)\b",
    re.I,
)


def _anaphoric_body(text: str, bodies: list[Mention], verb_end: int, segment_end: int) -> list[Mention]:
    """ "... invited Iran and Egypt to join the bloc": the bloc is the last body named before."""
    found = _BODY_ANAPHOR.match(text, verb_end, segment_end)
    if found is None:
        return []
    before = [b for b in bodies if b.end <= verb_end and verb_end - b.start < 400 and b.entity_id != "UN"]
    return before[-1:]


_EFFECT = re.compile(
    r"\b(?:tak(?:e|es|ing)|took) effect\b|\beffective\b|\bbecom(?:e|es|ing) (?:full )?members?\b", re.I
)


def _effective_dates(
    doc: NewsDoc, events: list[MembershipChange], anchor: str | None
) -> list[MembershipChange]:
    """A joining is dated when the membership takes effect, if the text says so nearby."""
    for event in events:
        if event.action not in ("join", "rejoin"):
            continue
        sent_start, sent_end = doc.sentence_at(event.start)
        window_end = (
            doc.sentence_at(min(sent_end + 2, len(doc.text) - 1))[1] if sent_end < len(doc.text) else sent_end
        )
        window = doc.text[sent_start:window_end]
        cue = _EFFECT.search(window)
        if cue is None:
            continue
        dates = [
            m
            for m in find_dates(window[cue.end() : cue.end() + 40], anchor)
            if m.value and m.kind != "relative"
        ]
        if dates:
            event.date = dates[0].value
    return events


def _is_body_of_state(body: Mention) -> bool:
    return body.entity_id.isupper() and len(body.entity_id) == 3 and body.entity_type == "state"


def _first_coordinated(
    text: str, governed: list[Mention], verb_end: int, *, max_first_gap: int = 60
) -> list[Mention]:
    """The bodies right after the verb and those coordinated with them (commas, "and")."""
    if not governed:
        return []
    kept: list[Mention] = []
    position = verb_end
    for body in governed:
        gap = text[position : body.start]
        if kept and (len(gap) > 90 or _CLAUSE_BREAK.search(gap)):
            break
        if not kept and (len(gap) > max_first_gap or _CLAUSE_BREAK.search(gap)):
            break
        kept.append(body)
        position = body.end
    return kept


def _actor_before(
    text: str, actors: list[tuple[int, int, str]], sent_start: int, verb_start: int
) -> str | None:
    candidates = [a for a in actors if sent_start <= a[0] and a[1] <= verb_start]
    if not candidates:
        return None
    # A state named inside a possessive or "of" phrase ("the future of Iran") is weaker; news puts
    # the subject first, so take the nearest one that is not the object of a preposition.
    for start, _end, entity in reversed(candidates):
        before = text[max(sent_start, start - 6) : start].lower()
        if re.search(r"\b(?:of|with|on|against|to|for)\s+(?:the\s+)?$", before):
            continue
        return entity
    return candidates[-1][2]


def _coordinated_actors(doc: NewsDoc, lists: list[StateList], actor_id: str, verb_start: int) -> list[str]:
    """All states of a list that is the verb's subject: "Mali, Burkina Faso and Niger left ECOWAS"."""
    for run in lists:
        gap = doc.text[run.end : verb_start]
        if (
            run.end <= verb_start
            and len(gap) < 45
            and actor_id in run.members
            and not re.search(r"[.;]", gap)
        ):
            return run.members
    return []


def _first_after(actors: list[tuple[int, int, str]], start: int, end: int) -> str | None:
    for actor_start, _actor_end, entity in actors:
        if start <= actor_start < end + 60:
            return entity
    return None


def _date_near(
    text: str,
    sent_start: int,
    sent_end: int,
    verb_start: int,
    segment_end: int,
    anchor: str | None,
    *,
    before_only: bool = False,
) -> str | None:
    mentions = [m for m in find_dates(text[sent_start:sent_end], anchor) if m.value]
    if before_only:
        # An announcement is dated when it is made: "said Thursday it will withdraw at the end of 2018".
        earlier = [m for m in mentions if m.end <= verb_start - sent_start]
        mentions = earlier or mentions
    if not mentions:
        return None
    local = verb_start - sent_start
    best = min(mentions, key=lambda m: abs(m.start - local))
    if best.start > segment_end - sent_start:
        return None
    return best.value


@stage(
    "comity.memberships.v1",
    requires=["doc.sentences", "doc.mentions", "doc.people"],
    assigns=["doc.memberships"],
)
def memberships(doc: NewsDoc) -> NewsDoc:
    """Find states joining, leaving, rejoining, suspended or expelled (``doc.memberships``)."""
    doc.memberships = find_memberships(doc)
    return doc
