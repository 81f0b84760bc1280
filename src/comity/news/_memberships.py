"""The memberships stage: states (and organisations) joining, leaving, rejoining, suspended or expelled.

The stage reads *event frames*. A frame is a trigger -- a verb in any of its forms, a passive,
or a nominalisation -- with the roles it gives its arguments:

======================  =======================================================================
frame                   triggers (general pattern) and where the actor and the body are
======================  =======================================================================
join                    join, accede, ratify, become a member/party/signatory, be admitted /
                        accepted as a member, be granted membership or permanent status, be
                        elected to (a body with elected seats), win a seat; "X's accession
                        to Y": actor before (subject, possessive, coordinated list), body after
join (object actor)     "Y admitted X", "Y elected X to Z": body is the organisation before,
                        actor the state after
join (vote tally)       "A received 169 votes, B 164, C 150 and D 90" with the number of seats
                        the sentence or the one before gives: the states with most votes
withdraw                withdraw, leave, quit, exit, pull out, walk out, cease to be a member;
                        "X's withdrawal/exit/pullout took effect"
announce_withdrawal     announce / notify / give notice / declare / signal / begin the process
                        ... of (withdrawal | intention/decision/plan to leave); a future
                        withdrawal ("will pull out", "said it would leave")
rejoin                  rejoin, re-enter, re-engage, return to, be readmitted; reversing,
                        revoking or cancelling a withdrawal or the notice of it
suspend                 "X suspended its participation in Y", "X was suspended from Y";
                        "Y suspended X" (object actor); "the suspension of X from Y"
expel                   "X was expelled from Y", "Y expelled X", "the expulsion of X from Y"
======================  =======================================================================

Arguments are found in bounded windows of the trigger's clause (a clause ends at ``;``, "but",
"while", a relative pronoun ...): the actor is the nearest state, person (as the state they act
for) or organisation before the trigger that no preposition governs, with every state of a
coordinated list ("Egypt, Ethiopia and Iran will join"); for a relative clause ("Burundi, which
left the court") the antecedent; for "it", "its", "the country" the last state named before.
The body is the organisation right after the trigger, with those coordinated with it, or the
organisation a noun phrase refers back to ("the court", "the treaty", "the bloc": the last
organisation named of a kind the registry gives for that noun).

Modality decides whether a frame is an event: intentions, wishes, threats, bids, refusals and
negations ("wants to rejoin", "a failed bid to rejoin", "threatened to quit", "never joined")
are not events; a future withdrawal is an announcement, never a withdrawal. Dates come from the
trigger's clause (an announcement is dated when it is made), from a "takes effect" phrase for
the event it governs, from the page's date for an undated event of the page's first sentence
(the news of its day), or are null; weekdays resolve only against the page's date. One event is
listed once per document, with the most precise date the document gives it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import islice

from comity.errors import ComityError
from comity.news._coalitions import StateList, state_lists
from comity.news._dates import DateMention, find_dates, page_date, page_date_span
from comity.news._doc import MembershipChange, Mention, NewsDoc
from comity.news._memframes import (
    TRIGGER_KEYS,
    TRIGGER_WORDS,
    agent,
    clause_owner,
    dependency_events,
    trigger_noun_or_verb,
)
from comity.news._orgtables import organisation_kinds
from comity.news._parse import KeptPlans, Parse, parse_spans, parser, register_selector
from comity.news._pipeline import Resources, stage
from comity.news._prefilter import Prefiltered, folded, holds_key
from comity.news._spans import SpanIndex

__all__ = ["ACTIONS", "find_memberships", "memberships"]

#: The actions of the gold format.
ACTIONS = ("join", "withdraw", "announce_withdrawal", "rejoin", "suspend", "expel")

_ACTING_KINDS = frozenset({"name", "alias", "acronym", "demonym", "capital", "government", "role"})
# How far (characters) the stage looks from a trigger for its arguments: bounded windows keep the
# work per trigger constant, whatever the length of the sentence.
_ACTOR_WINDOW = 160
_BODY_WINDOW = 70
_MAX_TRIGGERS_PER_SENTENCE = 12
# A news story tells a few dozen membership events at most; past this many triggers a document is
# a list or a machine's output, and reading further only costs time.
_MAX_TRIGGERS_PER_DOCUMENT = 400
# Sentences parsed per document for memberships: a parse costs about 0.1 ms a word, and a story
# tells its membership events in a handful of sentences.
_MAX_PARSED_SENTENCES = 24


def _verb(*stems: str) -> str:
    """Regular English verb forms of each stem: "join" -> join|joins|joined|joining."""
    forms: list[str] = []
    for stem in stems:
        if stem.endswith("e"):
            forms.append(f"{stem[:-1]}(?:e|es|ed|ing)")
        elif stem.endswith("y") and stem[-2] not in "aeiou":
            forms.append(f"{stem[:-1]}(?:y|ies|ied|ying)")
        else:
            # "admitted", "cancelled", "submitted": the last consonant may double.
            double = f"{stem[-1]}?" if re.search(r"[^aeiou][aeiou][bdgmnprtl]$", stem) else ""
            forms.append(f"{stem}(?:s|{double}ed|{double}ing)?")
    return "(?:" + "|".join(forms) + ")"


_WITHDRAW_VERB = r"(?:withdr(?:aw|aws|ew|awn|awing)|leav(?:e|es|ing)|left|quit(?:s|ting)?|" \
    r"exit(?:s|ed|ing)?|" \
    r"pull(?:s|ed|ing)?\s+out|pull(?:s|ed|ing)?\s+back|walk(?:s|ed|ing)?\s+(?:out|away))"  # fmt: skip
_WITHDRAW_NOUN = r"(?:withdrawal|exit|pull-?out|departure)"
_WITHDRAW_BASE = r"(?:withdraw|leave|quit|exit|pull\s+out|pull\s+back|walk\s+out)"
# "its notice of withdrawal", "their intention to leave", "plans to withdraw", "the decision to quit"
_INTENT_NOUN = r"(?:intention|intent|decision|plans?|choice|notice|notification|process|procedure|" \
    r"proceedings|" \
    r"instrument|letter|move|bid)"  # fmt: skip
_WITHDRAWAL_OBJECT = (
    rf"(?:(?:(?:its|their|his|her|the|a|an|formal|official|country's|government's|nation's)\s+){{0,3}}"
    rf"(?:{_INTENT_NOUN}\s+(?:of\s+|to\s+|for\s+)(?:(?:its|their|the|a|formal)\s+)?)?"
    rf"(?:{_WITHDRAW_NOUN}|{_WITHDRAW_BASE}|withdrawing|leaving|quitting|exiting|pulling\s+out))"
)


@dataclass(frozen=True)
class _Frame:
    name: str
    pattern: str
    action: str
    # Where the actor is: "subject" (before), "object" (the state after the trigger, body before).
    actor: str = "subject"
    # A future or modal form of this frame is an announcement (withdrawals) or nothing.
    future_action: str | None = None


_REJOIN_VERB = _verb(
    "rejoin", "re-join", "reenter", "re-enter", "reengage", "re-engage", "readmit", "re-admit"
)
_REVERSE_VERB = _verb(
    "reverse",
    "revoke",
    "rescind",
    "cancel",
    "repudiate",
    "renounce",
    "halt",
    "undo",
    "overturn",
    "scrap",
    "abandon",
    "drop",
)

_FRAMES: tuple[_Frame, ...] = (
    # Undoing a withdrawal is a return: "reversed its withdrawal", "revoked its notice of withdrawal".
    _Frame(
        "reverse a withdrawal",
        rf"\b{_REVERSE_VERB}\s+"
        rf"(?:(?:its|their|his|her|the|that|this|a|an|[\w-]+(?:'s|’s))\s+){{0,2}}(?:(?:earlier|planned|previous)\s+)?"
        rf"(?:{_INTENT_NOUN}\s+(?:of\s+|to\s+)(?:(?:its|their|the)\s+)?)?(?:{_WITHDRAW_NOUN}|{_WITHDRAW_BASE}|"
        rf"leaving|withdrawing)",
        "rejoin",
    ),
    # "South Africa's withdrawal was revoked", "had its plans to withdraw revoked"
    _Frame(
        "withdrawal reversed (passive)",
        rf"\b(?:{_WITHDRAW_NOUN}|(?:{_INTENT_NOUN})\s+to\s+{_WITHDRAW_BASE})\s+(?:was|were|has been|had been|"
        rf"is)?\s*(?:\w+\s+)?(?:revoked|reversed|rescinded|cancell?ed|withdrawn|halted)\b",
        "rejoin",
    ),
    _Frame(
        "rejoin",
        rf"\b(?:{_REJOIN_VERB}|"
        rf"{_verb('return')}\s+to|{_verb('resume')}\s+(?:its\s+|their\s+)?(?:membership|participation|seat)"
        rf"(?:\s+(?:in|of|at))?|(?:came|come|comes|coming)\s+back\s+(?:in)?to|(?:is|are|was|were)\s+back\s+"
        rf"(?:in|at))\b",
        "rejoin",
        future_action=None,
    ),
    # Announcements: the verb of saying and the withdrawal it announces.
    _Frame(
        "announce a withdrawal",
        rf"\b(?:{_verb('announce', 'notify', 'declare', 'signal', 'decide', 'submit', 'deposit')}|"
        rf"(?:gave|give|gives|giving|served|serve|serves|sent|send|sends)\s+(?:formal\s+|official\s+)?notice)"
        rf"\b(?:[^.;]{{0,60}}?\b(?:of|on|that|to|it|they)\b)?\s*(?:it\s+|they\s+)?"
        rf"(?:(?:would|will|was going to|is to)\s+)?"
        rf"{_WITHDRAWAL_OBJECT}\b(?!\s+(?:\w+\s+){{0,2}}(?:took|takes|taking|came|comes)\s+(?:into\s+)?effect)",
        "announce_withdrawal",
        future_action="announce_withdrawal",
    ),
    _Frame(
        "begin withdrawal proceedings",
        rf"\b(?:{_verb('begin', 'start', 'launch', 'initiate', 'trigger')}|began|begun)\s+"
        rf"(?:the\s+|its\s+|their\s+|"
        rf"a\s+)?(?:formal\s+)?(?:(?:process|procedure|proceedings)\s+(?:of|to|for)\s+(?:its\s+)?"
        rf"(?:{_WITHDRAW_NOUN}|{_WITHDRAW_BASE}|withdrawing|leaving|exiting)|{_WITHDRAW_NOUN}\s+"
        rf"(?:process|procedure|proceedings))\b",
        "announce_withdrawal",
        future_action="announce_withdrawal",
    ),
    # "its intention to leave", "signalled their intention to quit" without a verb of saying before.
    _Frame(
        "intention to withdraw (noun)",
        rf"\b(?:intention|intent|decision|plans?)\s+to\s+{_WITHDRAW_BASE}\b",
        "announce_withdrawal",
        future_action="announce_withdrawal",
    ),
    # "X's withdrawal took effect", "the pullout takes effect on Friday"
    _Frame(
        "withdrawal takes effect",
        rf"\b{_WITHDRAW_NOUN}\s+(?:[\w-]+\s+){{0,4}}"
        rf"(?:took|takes|taking|came into|comes into|became|becomes)\s+"
        rf"(?:effect|effective)\b",
        "withdraw",
        future_action="withdraw",
    ),
    _Frame(
        "withdraw",
        rf"\b(?:{_WITHDRAW_VERB}(?:\s+(?:from|of))?|{_verb('remove')}\s+(?:\w+\s+){{0,2}}from)\b",
        "withdraw",
        future_action="announce_withdrawal",
    ),
    # "Nicaragua's formal withdrawal from the OAS", "the US exit from the treaty"
    _Frame(
        "withdrawal (noun)",
        rf"\b{_WITHDRAW_NOUN}\s+from\b",
        "withdraw",
        future_action="announce_withdrawal",
    ),
    _Frame(
        "suspended from (passive)",
        r"\b(?:was|were|been|is|are|be|being|got|get)\s+suspended\s+(?:from|by)\b|\bsuspension\s+(?:of\s+\S+\s+)?from\b",
        "suspend",
    ),
    # "X suspends its participation in the treaty" (actor = subject) vs "the AU suspended Mali" (object).
    _Frame(
        "suspend participation",
        rf"\b{_verb('suspend', 'halt', 'freeze', 'pause')}\s+"
        rf"(?:(?:its|their|his|her|the|[\w-]+(?:'s|’s))\s+){{0,2}}"
        rf"(?:participation|membership|involvement|implementation|obligations)\s+(?:in|of|under)\b|"
        rf"\bsuspension\s+of\s+(?:(?:its|their|the\s+country's|[\w-]+(?:'s|’s))\s+participation\s+in\s+)?"
        rf"(?=(?:the\s+)?(?:[A-Z][\w-]*\s+){{0,5}}(?:Treaty|Agreement|Convention|Accord|Pact|START|Protocol)\b)",
        "suspend",
    ),
    _Frame("suspend", rf"\b{_verb('suspend')}\b", "suspend", actor="object"),
    _Frame(
        "expelled from (passive)",
        r"\b(?:was|were|been|is|are|be|being|got|get)\s+(?:formally\s+)?(?:expelled|kicked\s+out|thrown\s+out)"
        r"\s+(?:from|of|by)\b|\bexpulsion\s+(?:of\s+\S+\s+)?from\b",
        "expel",
    ),
    _Frame(
        "expel", rf"\b(?:{_verb('expel')}|expell(?:ed|ing)|kick(?:s|ed)?\s+out)\b", "expel", actor="object"
    ),
    _Frame(
        "join",
        rf"\b(?:{_verb('join')}(?!\s+(?:forces|hands|efforts|the\s+call|calls|talks|us\b|in\b|with\b|a\s+"
        rf"(?:statement|call|letter|chorus)))|{_verb('accede')}\s+to|accession\s+to|{_verb('ratify')}|"
        rf"(?:{_verb('become')}|became)\s+(?:a\s+|the\s+\w+\s+|an?\s+\w+\s+)?(?:full\s+|permanent\s+)?"
        rf"(?:members?|part(?:y|ies)|signator(?:y|ies)|state\s+part(?:y|ies))\s+(?:of|to|in)|"
        rf"became\s+(?:a\s+)?(?:full\s+)?(?:members?|part(?:y|ies))\s+(?:of|to)|"
        rf"(?:was|were|been|is|are|be|being|got)\s+(?:formally\s+|officially\s+)?"
        rf"(?:admitted|accepted|welcomed|inducted)\s+(?:as\s+(?:a\s+|the\s+)?(?:\w+\s+){{0,2}}members?\s+)?"
        rf"(?:to|into|in|of|by)?|"
        rf"(?:was|were|been|is|are|has|have|had)\s+(?:\w+\s+)?granted\s+(?:\w+\s+){{0,2}}(?:membership|status|"
        rf"seat)|"
        rf"(?:(?:was|were|been|are|is|being|get|got)\s+|(?:countries|states|nations|members|those|candidates|"
        rf"others)\s+)(?:also\s+)?(?:newly\s+)?elected\b(?:\s+(?:as\s+(?:a\s+)?members?\s+)?(?:to|onto|on)\b|"
        rf"(?!\s+(?:were|are|was|is|include)\b|\s+(?:as\s+)?(?:the\s+)?(?:vice[\s-]+)?(?:president|chair|head|leader|"
        rf"secretary|judge|prime|"
        rf"speaker|mayor|governor|deputy|member\s+of\s+parliament)))|"
        rf"{_verb('win')}|won|{_verb('secure', 'gain', 'clinch', 'take')}|took)\b",
        "join",
    ),
    # "Elected to the council were A, B and C", "the other countries elected were: A, B, C"
    _Frame(
        "elected were",
        r"\b(?:elected|winning\s+(?:the\s+)?seats?|(?:the\s+)?winners?)(?:\s+(?:to|onto|on)\s+[^.;:,]{0,60}?)?"
        r"(?:\s+(?:were|are|was|is|include[sd]?)\s*:?|\s*:)",
        "join",
        actor="object",
    ),
    _Frame("admit", rf"\b{_verb('admit', 'readmit', 'induct')}\b", "join", actor="object"),
    _Frame(
        "elect",
        r"\b(?:elect|elects|elected|electing)\b(?!\s+(?:as\s+)?(?:president|chair|head|leader))",
        "join",
        actor="object",
    ),  # fmt: skip
)
# Which frames need what right after them to be read as membership: "win" and "take" only with
# a seat; "elected" only with a body that has elected seats; "admitted" with a body.
_SEAT_FRAMES = re.compile(
    r"\s*(?:(?:a|an|the|its|their|one\s+of\s+the|\w+)\s+){0,3}(?:\w+\s+)?seats?\b", re.I
)

_FRAME_RE = re.compile("|".join(f"(?P<f{i}>{frame.pattern})" for i, frame in enumerate(_FRAMES)), re.I)
# Every frame holds one of these: a sentence without any is passed over cheaply.
_HINT = re.compile(
    r"withdr|pull|left|leav|quit|exit|walk|ceas|remov|suspen|expel|expul|kick|thrown|join|acce|admi|ratif|"
    r"becom|became|grant|elect|won\b|win|secur|gain|clinch|took|take|re-?ent|re-?eng|readm|re-admit|return|"
    r"back|resum|revers|revok|rescind|cancel|repudiat|renounc|halt|undo|announc|notif|notice|declar|signal|"
    r"decid|begin|began|begun|start|launch|initiat|trigger|intent|welcom|induct|departure",
    re.I,
)
# _HINT's alternatives as literals ("won" for "won\b"): most sentences hold none (see _prefilter).
_HINT_KEYS = (
    "withdr", "pull", "left", "leav", "quit", "exit", "walk", "ceas", "remov", "suspen", "expel", "expul",
    "kick", "thrown", "join", "acce", "admi", "ratif", "becom", "became", "grant", "elect", "won", "win",
    "secur", "gain", "clinch", "took", "take", "reent", "re-ent", "reeng", "re-eng", "readm", "re-admit",
    "return", "back", "resum", "revers", "revok", "rescind", "cancel", "repudiat", "renounc", "halt",
    "undo", "announc", "notif", "notice", "declar", "signal", "decid", "begin", "began", "begun", "start",
    "launch", "initiat", "trigger", "intent", "welcom", "induct", "departure",
)  # fmt: skip
_HINT_SEARCH = Prefiltered(_HINT, _HINT_KEYS)
# What a frame read in an election holds: "elect" ("elect", "elected were"), "win" ("winning seats",
# "winners"), or a word _SEAT_WORD finds in a "join" frame. _SEAT_WORD's "secur" is in a "join" frame
# as "secure(s|d)"/"securing", or in one of its free words ("was granted security council status",
# "became a security member", "was admitted as a security member"), which come after one of
# _FREE_WORD_ANCHORS; "secur" alone is mostly the Security Council's.
_ELECTION_KEYS = ("elect", "won", "win", "gain", "clinch", "took", "take", "secure", "securing")
_FREE_WORD_ANCHORS = ("becom", "became", "admitted", "accepted", "welcomed", "inducted", "granted")


def _may_hold_election(folded_text: str | None, sent_start: int, sent_end: int) -> bool:
    """False when no frame of the sentence can be read in an election (``_election_frames``)."""
    return holds_key(folded_text, sent_start, sent_end, _ELECTION_KEYS) or (
        holds_key(folded_text, sent_start, sent_end, ("secur",))
        and holds_key(folded_text, sent_start, sent_end, _FREE_WORD_ANCHORS)
    )


# Words before a trigger that make it an intention, a wish, a threat, a bid or a refusal.
_NOT_EVENT = re.compile(
    r"\b(?:wants?|wanted|wanting|wish(?:es|ed)?|hopes?|hoped|hoping|seeks?|sought|seeking|aims?|aimed|aiming|"
    r"threat(?:en|ens|ened|ening)?|vows?|vowed|pledg(?:e|es|ed)|promis(?:e|es|ed)|consider(?:s|ed|ing)?|"
    r"mulls?|mulled|weigh(?:s|ed|ing)|could|might|may|should|shall|must|ready|willing|eager|likely|"
    r"unlikely|possible|possibly|potential|potentially|refus(?:e|es|ed|ing)|declin(?:e|es|ed|ing)|"
    r"not(?!\s+only)|n't|approv\w*|block\w*|challeng\w*|delay\w*|stop\w*|prevent\w*|needs?|needed|"
    r"requir\w*|discuss\w*|"
    r"never|no|calls?\s+(?:on|for)|called\s+(?:on|for)|urg(?:e|es|ed|ing)|demand(?:s|ed|ing)?|asks?|asked|"
    r"push(?:es|ed|ing)?\s+for|pressure|whether|if|bid|bids|attempt(?:s|ed)?|effort(?:s)?|tried|tries|try|"
    r"trying|failed|fail|fails|applied|apply|applies|applying|application|candidacy|campaign(?:s|ed|ing)?|"
    r"lobby(?:ing)?|lobbied|proposal|proposed|propose|talks?|talked|debate|debating|would-be|reluctan\w*|"
    r"opposed|oppose|against|allow(?:s|ed)?|permit(?:s|ted)?|plans?|planned|planning|intends?|intended|"
    r"expected|set|due|about|prepar(?:e|es|ed|ing)|invitations?|cannot|can't|unable)\b"
    r"(?:\s+\w+){0,3}\s+(?:to\s+)?(?:\w+\s+)?$",
    re.I,
)
# A future or conditional before the trigger: "will pull out", "would leave", "is to leave", "to quit".
_FUTURE = re.compile(
    r"(?:\b(?:will|would|'ll|shall|is\s+to|are\s+to|was\s+to|is\s+going\s+to|are\s+going\s+to|was\s+going\s+to|"
    r"set\s+to|due\s+to|to)\s+(?:also\s+|formally\s+|officially\s+|soon\s+|now\s+|then\s+|eventually\s+)?)$",
    re.I,
)
# Clause boundaries: an actor or a body on the other side belongs to another clause.
_CLAUSE_BREAK = re.compile(
    r";|\s[-–—]\s|\b(?:but|while|whereas|although|though|because|after|before|when|since|until|unless|"
    r"and\s+(?:then|also|later)|saying|said|says|told|according)\b|,\s*(?:which|who|whose|where)\b",
    re.I,
)
# Infinitives that report a fact, not a plan: "voted to suspend", "the first country to quit".
_FACTUAL_TO = re.compile(
    r"\b(?:(?:vot(?:ed|es)|agree[sd]?|decide[sd]|mov(?:ed|es)|cho(?:se|oses)|opt(?:ed|s)|resolve[sd])\b[^.;]{0,30}|"
    r"(?:first|last|only|second|third|latest|newest|\d+(?:st|nd|rd|th))(?:\s+(?:\w+\s+){0,2}(?:country|nation|"
    r"state|member|one))?)"
    r"\s+to\s+$",
    re.I,
)
# For dates, "after the coup in 2021" still dates the clause's event: temporal adjuncts stay in.
_DATE_BREAK = re.compile(
    r";|\s[-–—]\s|\b(?:but|while|whereas|although|though|because|saying|said|says|told|according)\b|"
    r",\s*(?:which|who|whose|where)\b",
    re.I,
)
_OBSERVER_AFTER = re.compile(r"[^.;]{0,40}?\bas\s+(?:an?\s+)?[\"“']?(?:non-?member|observer)", re.I)
_OBSERVER = re.compile(r"\s*as\s+(?:an?\s+)?[\"“']?(?:non-?member|observer)", re.I)
# Words that let a sentence without an organisation hold an event: a nominal withdrawal whose body was
# named before, or an election to the story's seated body.
_NOMINAL_ANYWHERE = re.compile(
    r"\b(?:withdrawal|pull-?out|exit|elected|seats?|membership|(?:new|newest|incoming)\s+members|unopposed|"
    r"uncontested|winners?|(?:intention|intent|decision|notice)\s+to\s+(?:leave|withdraw|quit|exit))\b",
    re.I,
)
_NOMINAL_ANYWHERE_KEYS = ("withdraw", "pull", "exit", "elected", "seat", "member", "unopposed", "uncontested",
                          "winner", "leave", "quit")  # fmt: skip
_NOMINAL = re.compile(
    r"(?:withdrawal|exit|pull-?out|departure|accession|suspension|expulsion|admission)\b", re.I
)
_PREMODIFIER = re.compile(
    r"(?:'s|’s)?\s*(?:(?:formal|official|planned|final|eventual|abrupt|unilateral|full)\s+)?"
)
_RELATIVE = re.compile(r",?\s*(?:which|who|that)\s+(?:\w+\s+){0,3}$", re.I)
# A state after these words is not the subject: "the future of Iran", "talks with Russia".
_GOVERNED = re.compile(
    r"\b(?:of|with|on|against|to|for|from|by|in|at|into|than|about|over|between|among|toward|towards|"
    r"including|like|unlike|via)\s+(?:the\s+)?$",
    re.I,
)
_PRONOUN_SUBJECT = re.compile(
    r"\b(?:it|its|they|their|the\s+(?:\w+\s+){0,2}(?:country|nation|state|government|republic|kingdom|"
    r"administration|regime|island|authorities|federation)(?:'s|’s)?)\s*(?:(?:has|have|had|is|are|was|were|also|"
    r"formally|officially|then|now|later|itself|themselves|would|will)\s+){0,3}$",
    re.I,
)
_BODY_ANAPHOR = re.compile(
    r"(?:the|this|that|its|their)\s+(?:(?:\w+-based|new|\d+-(?:nation|member)|world|hague|[a-z][a-z-]+)\s+){0,2}"
    r"(?P<noun>bloc|group|grouping|alliance|organi[sz]ation|body|union|movement|club|treaty|agreement|"
    r"accord|pact|deal|convention|council|court|tribunal|commonwealth|association|community|forum|"
    r"institution|agency|statute|protocol)\b",
    re.I,
)
_BODY_ANAPHOR_KEYS = ("bloc", "group", "alliance", "organi", "body", "union", "movement", "club", "treaty",
                      "agreement", "accord", "pact", "deal", "convention", "council", "court", "tribunal",
                      "commonwealth", "association", "community", "forum", "institution", "agency", "statute",
                      "protocol")  # fmt: skip
# The searches of every sentence for a referring noun or a nominal event, with their keys.
_BODY_ANAPHOR_SEARCH = Prefiltered(_BODY_ANAPHOR, _BODY_ANAPHOR_KEYS)
_NOMINAL_ANYWHERE_SEARCH = Prefiltered(_NOMINAL_ANYWHERE, _NOMINAL_ANYWHERE_KEYS)


def _refers_to_body(
    bodies: SpanIndex[Mention], text: str, folded_text: str | None, sent_start: int, sent_end: int
) -> bool:
    """Whether a sentence names or refers to an organisation, or tells a nominal event (without
    one, a sentence holds no membership event)."""
    return bool(
        bodies.between(sent_start, sent_end)
        or _BODY_ANAPHOR_SEARCH.search(text, sent_start, sent_end, folded_text) is not None
        or _NOMINAL_ANYWHERE_SEARCH.search(text, sent_start, sent_end, folded_text) is not None
    )


# Which registry kinds of organisation a referring noun can stand for.
_NOUN_KINDS = {
    "treaty": {"treaty"}, "agreement": {"treaty"}, "accord": {"treaty"}, "pact": {"treaty"},
    "deal": {"treaty"}, "convention": {"treaty"}, "statute": {"treaty", "igo"}, "protocol": {"treaty"},
    "bloc": {"group", "igo"}, "group": {"group", "igo"}, "grouping": {"group", "igo"},
    "alliance": {"group", "igo"}, "club": {"group", "igo"}, "union": {"igo", "group"},
    "movement": {"group", "igo"}, "commonwealth": {"igo", "group"}, "association": {"igo", "group"},
    "community": {"igo", "group"}, "forum": {"group", "igo"}, "council": {"un_body", "un_organ", "igo"},
    "court": {"igo", "court", "un_body"}, "tribunal": {"igo", "court", "un_body"},
    "organisation": {"igo", "un_agency", "agency"}, "organization": {"igo", "un_agency", "agency"},
    "body": {"igo", "un_body", "un_organ", "un_agency", "agency", "group"},
    "institution": {"igo", "un_agency", "agency"}, "agency": {"un_agency", "agency", "igo"},
}  # fmt: skip


@dataclass(frozen=True)
class _Actor:
    start: int
    end: int
    entity_id: str
    kind: str  # "state", "person" (standing for their state) or "organisation"


@dataclass
class _Event:
    actor: str
    body: str
    action: str
    date: str | None
    start: int
    end: int
    confidence: float
    # A joining read from a membership held "since" a date: the first joining, never a return.
    original: bool = False


def _org_kind(entity_id: str, registry_kind: Callable[[str], str | None]) -> str | None:
    kind = registry_kind(entity_id)
    if kind is not None:
        return kind
    # An id the registry does not hold (the gold format makes them from the usual English name).
    if re.search(r"TREATY|CONVENTION|AGREEMENT|PROTOCOL|ACCORD|PACT|STATUTE", entity_id):
        return "treaty"
    if re.search(r"COURT|TRIBUNAL", entity_id):
        return "court"
    return None


@functools.lru_cache(maxsize=4096)
def _registry_kind(entity_id: str) -> str | None:
    """The registry's kind of an organisation (``igo``, ``treaty``, ``un_body``, ``group`` ...)."""
    from comity.registry import Registry

    # An id of the registry (as the registry resolves one: as given, upper- or lower-cased) is
    # looked up in a table read once; Registry.show costs about 50 ms a call, and each worker
    # process of a corpus run paid it again for every body it met.
    kinds = organisation_kinds()
    text = entity_id.strip()
    for key in (text, text.upper(), text.lower()):
        if key in kinds:
            return kinds[key][0]
    try:
        record = Registry.default().show(entity_id, types=("organisation",)).get("record") or {}
    except ComityError:
        return None
    kind = record.get("kind")
    return str(kind) if kind else None


def _seated(entity_id: str, kind: str | None) -> bool:
    """A body whose seats states are elected to: a UN organ or body (the registry's kinds), but not
    the General Assembly (every member sits) nor the Court (it elects judges, not states)."""
    return kind in ("un_body", "un_organ") and entity_id not in ("UNGA", "ICJ")


class _Reader:
    """The per-document state of the stage: indexes of actors and bodies, the page date."""

    def __init__(self, doc: NewsDoc, registry_kind: Callable[[str], str | None]) -> None:
        self.doc = doc
        self.text = doc.text
        self._registry_kind = registry_kind
        self.anchor = page_date(doc.text, published=doc.meta.get("published"))
        actors = [
            _Actor(m.start, m.end, m.entity_id, "state")
            for m in doc.mentions
            if m.entity_type == "state" and m.kind in _ACTING_KINDS
        ]
        for person in doc.people:
            if person.state:
                actors.extend(_Actor(start, end, person.state, "person") for start, end in person.mentions)
        self.bodies = SpanIndex(_outermost_bodies(doc))
        actors.extend(_Actor(b.start, b.end, b.entity_id, "organisation") for b in self.bodies.items)
        self.actors = SpanIndex(actors)
        self.states = SpanIndex(a for a in actors if a.kind == "state")
        self.lists = SpanIndex(state_lists(doc, min_length=2))
        self._dates: dict[tuple[int, int], list[DateMention]] = {}
        self.event_bodies: set[str] = set()
        # The text lower-cased for the literal prefilters (None: search every pattern).
        self.folded = folded(doc.text)
        # Triggers counted against _MAX_TRIGGERS_PER_DOCUMENT, and the sentences whose surface
        # triggers are still to be counted (see ``at_limit``).
        self.triggers = 0
        self.uncounted: list[tuple[int, int]] = []

    def at_limit(self) -> bool:
        """Whether the document has used up its triggers (``_MAX_TRIGGERS_PER_DOCUMENT``).

        The surface frames of a sentence that holds no election word give no event and are
        only counted; finding them is the stage's most expensive search, so a sentence's count
        is put off (``uncounted``) until the counts put off could reach the limit (a sentence
        counts at most ``_MAX_TRIGGERS_PER_SENTENCE``). The answer is the one counting them at
        once would give: each count is capped at the limit as the triggers are."""
        if self.uncounted and (
            self.triggers + _MAX_TRIGGERS_PER_SENTENCE * len(self.uncounted) >= _MAX_TRIGGERS_PER_DOCUMENT
        ):
            for sent_start, sent_end in self.uncounted:
                found = _surface_triggers(self.text, self.folded, sent_start, sent_end)
                self.triggers = min(_MAX_TRIGGERS_PER_DOCUMENT, self.triggers + found)
            self.uncounted.clear()
        return self.triggers >= _MAX_TRIGGERS_PER_DOCUMENT

    def kind_of(self, entity_id: str) -> str | None:
        """The registry's kind of an organisation (or one read from its id)."""
        return _org_kind(entity_id, self._registry_kind)

    # -- dates -------------------------------------------------------------------------------
    def dates_in(self, sent_start: int, sent_end: int) -> list[DateMention]:
        key = (sent_start, sent_end)
        if key not in self._dates:
            self._dates[key] = [m for m in find_dates(self.text[sent_start:sent_end], self.anchor) if m.value]
        return self._dates[key]


def _outermost_bodies(doc: NewsDoc) -> list[Mention]:
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


def _clause_start(text: str, sent_start: int, position: int, breaks: re.Pattern[str] = _CLAUSE_BREAK) -> int:
    window_start = max(sent_start, position - _ACTOR_WINDOW)
    ends = [found.end() for found in breaks.finditer(text, window_start, position)]
    return ends[-1] if ends else window_start


def _clause_end(
    text: str, position: int, sent_end: int, limit: int, breaks: re.Pattern[str] = _CLAUSE_BREAK
) -> int:
    found = breaks.search(text, position, min(sent_end, position + limit))
    return found.start() if found is not None else min(sent_end, position + limit)


def _subject(reader: _Reader, sent_start: int, trigger_start: int, *, states_only: bool = False) -> list[str]:
    """The actor(s) before a trigger: subject, possessive, coordinated list, relative or pronoun.

    ``states_only``: a state named as such (a seat is won by a state, not by a person of it)."""
    text = reader.text
    clause_start = _clause_start(text, sent_start, trigger_start)
    candidates = [a for a in reader.actors.between(clause_start, trigger_start) if a.end <= trigger_start]
    gap_start = candidates[-1].end if candidates else clause_start
    pronoun = _PRONOUN_SUBJECT.search(text, gap_start, trigger_start)
    if pronoun is not None:
        return _antecedent(reader, sent_start, pronoun.start())
    nominal = _NOMINAL.match(text, trigger_start) is not None
    for actor in reversed(candidates):
        before = text[max(clause_start, actor.start - 12) : actor.start]
        # "the US withdrawal", "Nicaragua's formal exit": the state before the noun is its actor,
        # even inside a prepositional phrase ("in response to the US withdrawal from ...").
        premodifier = nominal and _PREMODIFIER.fullmatch(text, actor.end, trigger_start) is not None
        if _GOVERNED.search(before) and not premodifier:
            continue
        if actor.kind == "organisation" and reader.kind_of(actor.entity_id) in (None, "treaty"):
            continue  # a treaty does not act
        if states_only and actor.kind != "state":
            return []
        return _with_coordinated(reader, actor, trigger_start)
    # "Burundi, which left the court": the relative pronoun stands for the word before it.
    relative = _RELATIVE.search(text, max(sent_start, trigger_start - 40), trigger_start)
    if relative is not None and not candidates:
        antecedent = reader.actors.last_before(relative.start(), max(sent_start, relative.start() - 60))
        if antecedent is not None and antecedent.kind != "organisation":
            return _with_coordinated(reader, antecedent, trigger_start)
    return []


def _with_coordinated(reader: _Reader, actor: _Actor, trigger_start: int) -> list[str]:
    """Every state of the list an actor ends: "Egypt, Ethiopia and Iran will join"."""
    if actor.kind == "state":
        run: StateList | None = reader.lists.last_before(actor.start + 1, actor.start - 2000)
        if run is not None and run.start <= actor.start < run.end + 1 and actor.entity_id in run.members:
            return run.members
    return [actor.entity_id]


def _antecedent(reader: _Reader, sent_start: int, position: int) -> list[str]:
    """The state "it", "they" or "the country" refers to: the last one named before (within reach)."""
    limit = max(0, position - 600)
    for actor in reversed(reader.actors.between(limit, position)):
        if actor.kind == "organisation":
            continue
        return _with_coordinated(reader, actor, position)
    return []


_REGION_TAIL = re.compile(
    r"\s*(?:\((?:[^()]{1,40})\)\s*)?(?:(?:from|for|of|representing)\s+(?:the\s+)?(?:[A-Z][\w-]*\s*){1,4}"
    r"(?:(?:and|&)\s+(?:the\s+)?(?:[A-Z][\w-]*\s*){1,3})?(?:(?:group|region|bloc|states)\s*)?)?[;,]\s*"
    r"(?:and\s+)?(?:the\s+)?"
)


def _object(reader: _Reader, trigger_end: int, sent_end: int) -> list[str]:
    """The state(s) right after an object-actor trigger: "the bloc admitted Egypt and Iran"."""
    text = reader.text
    end = _clause_end(text, trigger_end, sent_end, _BODY_WINDOW)
    for actor in reader.states.between(trigger_end, end):
        if re.fullmatch(
            r"\s*(?:(?:the|its|fellow|member|state|country)\s+)*", text[trigger_end : actor.start]
        ):
            run: StateList | None = reader.lists.last_before(actor.start + 1, actor.start - 1)
            if run is not None and run.start == actor.start:
                members, position = list(run.members), run.end
            else:
                members, position = [actor.entity_id], actor.end
            # Elections list states by regional group: "A and B from Africa; C from Asia; and D ..."
            for _ in range(8):
                tail = _REGION_TAIL.match(text, position, min(sent_end, position + 80))
                if tail is None:
                    break
                following = reader.lists.between(tail.end(), tail.end() + 1)
                single = reader.states.between(tail.end(), tail.end() + 1)
                if following:
                    members.extend(m for m in following[0].members if m not in members)
                    position = following[0].end
                elif single:
                    if single[0].entity_id not in members:
                        members.append(single[0].entity_id)
                    position = single[0].end
                else:
                    break
            return members
        break
    return []


def _bodies_after(reader: _Reader, trigger_end: int, sent_end: int, *, first_gap: int = 40) -> list[Mention]:
    """The organisation right after a trigger and those coordinated with it."""
    text = reader.text
    end = min(sent_end, trigger_end + _BODY_WINDOW + 200)
    found: list[Mention] = []
    position = trigger_end
    for body in reader.bodies.between(trigger_end, end):
        gap = text[position : body.start]
        if not found:
            if len(gap) > first_gap or _CLAUSE_BREAK.search(gap) or re.search(r"[.!?]", gap):
                break
            # "withdraw troops from", "quit the talks on": the first organisation must follow closely.
            if not re.fullmatch(
                r"\s*(?:(?:from|of|to|into|in|at|with|the|its|their|a|an|formal|full|permanent|member|"
                r"membership|participation|seat|seats|on|as|us|u\.s\.|landmark|\d+-(?:nation|member)|"
                r"hague-based|nuclear|arms|control|global|regional|international|climate|world|"
                r"powerful|historic|key|major|main|whole|entire)\s*)*",
                gap,
                re.I,
            ):
                break
        elif len(gap) > 30 or not re.fullmatch(r"\s*(?:,|and|or|as well as|&)\s*(?:the\s+)?(?:,|and\s+)?\s*",
                                               gap, re.I):  # fmt: skip
            break
        if found and re.match(r"\s+(?:countries|members|states|nations|officials|allies|forces|troops)\b",
                              text[body.end : body.end + 20], re.I):  # fmt: skip
            break  # "..., and NATO countries were": a new clause whose subject the body modifies
        found.append(body)
        position = body.end
    if not found:
        anaphor = _BODY_ANAPHOR.match(text, _skip_space(text, trigger_end), end)
        if anaphor is None:
            preposition = re.match(r"\s*(?:from|of|to|into|in|with)\s+", text[trigger_end : trigger_end + 12])
            if preposition is not None:
                anaphor = _BODY_ANAPHOR.match(text, trigger_end + preposition.end(), end)
        if anaphor is not None:
            referent = _referent(reader, anaphor.group("noun").lower(), trigger_end)
            if referent is not None:
                found.append(referent)
    return found


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position].isspace():
        position += 1
    return position


def _referent(reader: _Reader, noun: str, position: int) -> Mention | None:
    """The organisation "the court", "the treaty", "the bloc" refers to: the last of a fitting kind."""
    kinds = _NOUN_KINDS.get(noun.replace("organization", "organisation"), set())
    candidates = [
        body
        for body in reader.bodies.between(max(0, position - 2000), position)
        if body.entity_id not in ("UN", "UNSG")
        # "NATO countries", "EU members": the organisation only qualifies another noun
        and not re.match(r"\s+(?:countries|members|states|nations|officials|allies|forces|troops|leaders)\b",
                         reader.text[body.end : body.end + 20], re.I)
    ]  # fmt: skip
    # The body the story's events are about so far comes first, then the last one named.
    topical = [b for b in candidates if b.entity_id in reader.event_bodies]
    for body in [*reversed(topical), *reversed(candidates)]:
        kind = reader.kind_of(body.entity_id)
        words = body.text.lower()
        if noun in words or kind in kinds or (kind is None and not kinds):
            return body
    return None


def _body_before(reader: _Reader, sent_start: int, trigger_start: int) -> list[Mention]:
    """The organisation that acts on a state: "the African Union suspended Mali"."""
    clause_start = _clause_start(reader.text, sent_start, trigger_start)
    before = [b for b in reader.bodies.between(clause_start, trigger_start) if b.end <= trigger_start]
    if before:
        return before[-1:]
    anaphors = list(_BODY_ANAPHOR.finditer(reader.text, clause_start, trigger_start))
    if anaphors:
        anaphor = anaphors[-1]
        referent = _referent(reader, anaphor.group("noun").lower(), anaphor.start())
        if referent is not None:
            return [referent]
    return []


def _modality(text: str, sent_start: int, trigger_start: int) -> str:
    """``event``, ``future`` ("will pull out") or ``none`` (an intention, a bid, a negation)."""
    before = text[max(sent_start, trigger_start - 60) : trigger_start]
    if _NOT_EVENT.search(before):
        return "none"
    if _FUTURE.search(before) and not _FACTUAL_TO.search(before):
        return "future"
    return "event"


def _date(
    reader: _Reader, sent_start: int, sent_end: int, trigger_start: int, trigger_end: int, action: str
) -> str | None:
    """The date of the clause that holds the trigger (an announcement's: before its withdrawal)."""
    text = reader.text
    clause_start = _clause_start(text, sent_start, trigger_start, _DATE_BREAK)
    clause_end = _clause_end(text, trigger_end, sent_end, 160, _DATE_BREAK)
    dates = reader.dates_in(sent_start, sent_end)
    mentions = [
        m
        for m in dates
        if clause_start <= sent_start + m.start and sent_start + m.end <= clause_end
        and not _NOT_EVENT_DATE.search(text, max(sent_start, sent_start + m.start - 16), sent_start + m.start)
    ]  # fmt: skip
    if action == "announce_withdrawal":
        # Dated when it is made: "announced on Thursday it would quit", "said Thursday it will leave at
        # the end of 2018"; a date after the withdrawal is when it takes effect, not the announcement's.
        earlier = [
            m
            for m in dates
            if trigger_start - 140 <= sent_start + m.start and sent_start + m.end <= trigger_end
            and not _NOT_EVENT_DATE.search(text, max(sent_start, sent_start + m.start - 16),
                                           sent_start + m.start)
        ]  # fmt: skip
        later = [
            m for m in dates
            if sent_start + m.start >= trigger_end
            and not _EFFECT_DATE.search(text, max(sent_start, sent_start + m.start - 16),
                                        sent_start + m.start)
        ]  # fmt: skip
        mentions = earlier[-1:] or later
    elif _NOMINAL.match(text, trigger_start):
        # "in response to the US withdrawal from the pact": a date before the noun is another event's.
        mentions = [m for m in mentions if sent_start + m.start >= trigger_end]
    if not mentions:
        if (
            reader.anchor
            and len(reader.anchor) == 10
            and _PRESENT.search(text, max(sent_start, trigger_start - 30), trigger_end)
        ):
            return (
                reader.anchor
            )  # "Britain leaves the EU", "has left", "is becoming the first to quit": today
        return None
    best = min(mentions, key=lambda m: abs(sent_start + m.start - trigger_end))
    return best.value


# Dates that belong to another event than the trigger's: "after 2016", "since 1995", "until 2020".
_NOT_EVENT_DATE = re.compile(r"\b(?:after|since|until|till|by|before|from)\s+(?:the\s+)?$", re.I)
# Dates of when a withdrawal takes effect ("at the end of 2018", "effective January 1").
_EFFECT_DATE = re.compile(r"\b(?:end\s+of|by|effective|from|as\s+of|until)\s+(?:the\s+)?$", re.I)

# An event told as happening at the time of the page: present tense, present perfect, progressive.
_PRESENT = re.compile(
    r"\b(?:has|have)\s+(?:now\s+|just\s+|officially\s+|formally\s+|finally\s+)*(?:withdrawn|left|quit|exited|"
    r"pulled|joined|rejoined|become|suspended|expelled|been\s+(?:suspended|expelled|admitted))\b|"
    r"\b(?:leaves|withdraws|quits|exits|joins|rejoins|becomes|suspends|expels)\b|"
    r"\b(?:is|are)\s+(?:now\s+|officially\s+|formally\s+)*(?:becoming|leaving|withdrawing|quitting|exiting|"
    r"joining|rejoining)\b",
    re.I,
)

_EFFECT = re.compile(
    r"\b(?:tak(?:e|es|ing)|took|come|comes|came)\s+(?:into\s+)?effect\b|\beffective\b|"
    r"\bbecom(?:e|es|ing)\s+(?:full\s+)?members?\b",
    re.I,
)


def _effect_date(reader: _Reader, sent_start: int, sent_end: int) -> str | None:
    """The date a "takes effect" phrase gives, in this sentence or the next one."""
    text = reader.text
    window_end = min(len(text), sent_end + 300)
    following = reader.doc.sentence_at(min(sent_end + 2, len(text) - 1)) if sent_end < len(text) else None
    if following is not None:
        window_end = min(window_end, following[1])
    cue = _EFFECT.search(text, sent_start, window_end)
    if cue is None:
        return None
    dates = [m for m in find_dates(text[cue.end() : cue.end() + 40], reader.anchor) if m.value]
    return dates[0].value if dates else None


def _surface_triggers(text: str, folded_text: str | None, sent_start: int, sent_end: int) -> int:
    """How many surface triggers ``_election_frames`` counts in a sentence (at most
    ``_MAX_TRIGGERS_PER_SENTENCE``; the document's limit aside)."""
    if _HINT_SEARCH.search(text, sent_start, sent_end, folded_text) is None:
        return 0
    return sum(1 for _ in islice(_FRAME_RE.finditer(text, sent_start, sent_end), _MAX_TRIGGERS_PER_SENTENCE))


def _election_frames(reader: _Reader, sent_start: int, sent_end: int) -> Iterable[_Event]:
    """The elections the surface frames of a sentence read (every frame found still counts
    towards the document's trigger limit)."""
    text = reader.text
    if not _may_hold_election(reader.folded, sent_start, sent_end):
        # No frame this sentence holds can be an election's: its triggers are only counted,
        # and counting is put off until the count matters (``_Reader.at_limit``).
        reader.uncounted.append((sent_start, sent_end))
        return
    if _HINT_SEARCH.search(text, sent_start, sent_end, reader.folded) is None:
        return
    for count, match in enumerate(_FRAME_RE.finditer(text, sent_start, sent_end)):
        if count >= _MAX_TRIGGERS_PER_SENTENCE or reader.at_limit():
            return
        reader.triggers += 1
        frame = _FRAMES[int(str(match.lastgroup)[1:])]
        if not (
            frame.name in ("elect", "elected were")
            or (frame.name == "join" and _SEAT_WORD.search(match.group(0)))
        ):
            continue
        start, end = match.start(), match.end()
        modality = _modality(text, sent_start, start)
        if modality == "none":
            continue
        action = frame.action
        if modality == "future":
            if frame.future_action is None and action != "join":
                continue
            action = frame.future_action or action
        if frame.actor == "object":
            actor_ids = _object(reader, end, sent_end)
            bodies = _body_before(reader, sent_start, start)
            after = _bodies_after(reader, _object_end(reader, end, sent_end), sent_end, first_gap=30)
            if after and re.match(
                r"\s*(?:from|to|into|as)\b", text[_object_end(reader, end, sent_end) :], re.I
            ):
                bodies = after[:1]  # "voted to suspend Russia from the council", "elected X to the council"
            object_end = _object_end(reader, end, sent_end)
            if _OBSERVER.match(text, object_end, sent_end):
                continue  # admitted as an observer: no membership
            if frame.name in ("elect", "elected were"):
                object_end = _object_end(reader, end, sent_end)
                if re.search(r"re-$", text[max(sent_start, start - 3) : start], re.I) or re.match(
                    r"(?:'s|’s)", text[object_end : object_end + 2]
                ):
                    continue  # re-elected, or "elected Slovakia's minister as president"
                # "elected Estonia to the Security Council": only the body after "to" has the seat.
                inside = [b for b in reader.bodies.between(start, end) if b.end <= end]
                bodies = [
                    b for b in (after[:1] or inside[:1]) if _seated(b.entity_id, reader.kind_of(b.entity_id))
                ] or _seated_topic(reader, start)
        else:
            bodies = _bodies_after(reader, end, sent_end)
            election = frame.name == "join" and _SEAT_WORD.search(match.group(0)) is not None
            actor_ids = _subject(reader, sent_start, start, states_only=election)
            if not actor_ids and re.match(r"(?:accession|suspension|expulsion|withdrawal|exit|pull-?out)",
                                          match.group(0), re.I):  # fmt: skip
                # "the suspension of Mali from", "the withdrawal of the United States from"
                of = re.search(r"\bof\s+(?:the\s+)?$", text[max(sent_start, start - 8) : start])
                actor_ids = _object(reader, end, sent_end) if of is None else []
            if frame.name == "join" and re.search(
                r"(?:elected|\bwon|\bwin|secur|gain|clinch|took|take)", match.group(0), re.I
            ):
                if not _SEAT_FRAMES.match(
                    text, end, min(sent_end, end + 60)
                ) and "elected" not in match.group(0):
                    continue
                bodies = [b for b in bodies if _seated(b.entity_id, reader.kind_of(b.entity_id))]
                if "elected" not in match.group(0) and not bodies:
                    bodies = _seat_body(reader, end, sent_end)
                # "were elected from the Asia-Pacific group": the seats are those of the story's body.
                bodies = bodies or _seated_topic(reader, start)
                if re.search(r"\bre-?elected\b", text[max(sent_start, start - 12) : end], re.I):
                    continue
        bodies = [b for b in bodies if b.entity_id not in actor_ids]
        if not actor_ids or not bodies:
            continue
        date = _date(reader, sent_start, sent_end, start, end, action)
        if action in ("join", "rejoin", "withdraw"):
            effect = _effect_date(reader, sent_start, sent_end)
            if effect is not None and (date is None or action != "withdraw"):
                date = effect
        for body in bodies:
            for actor in actor_ids:
                if actor == body.entity_id:
                    continue
                yield _Event(actor, body.entity_id, action, date, min(start, body.start), max(end, body.end),
                             0.7 if action == "announce_withdrawal" else 0.8)  # fmt: skip


def _object_end(reader: _Reader, trigger_end: int, sent_end: int) -> int:
    """The end of the state list right after a trigger (or the trigger's end)."""
    position = trigger_end
    for actor in reader.states.between(trigger_end, min(sent_end, trigger_end + 400)):
        if not re.fullmatch(
            r"\s*(?:,|and|as well as|the|its|fellow|member|state|country|\s)*",
            reader.text[position : actor.start],
        ):
            break
        position = actor.end
    return position


def _seat_body(reader: _Reader, trigger_end: int, sent_end: int) -> list[Mention]:
    """ "won a seat on the Security Council": the body after "seat(s) on"."""
    seat = _SEAT_FRAMES.match(reader.text, trigger_end, min(sent_end, trigger_end + 60))
    if seat is None:
        return []
    return [
        b
        for b in _bodies_after(reader, seat.end(), sent_end)
        if _seated(b.entity_id, reader.kind_of(b.entity_id))
    ]


# A vote tally: "Pakistan received 169 votes, Uzbekistan 164, Nepal 150 and China 139".
_TALLY_HINT = Prefiltered(re.compile(r"\b\d{1,3}\s+votes\b", re.I), ("votes",))
_TALLY_COUNT = re.compile(
    r"\s*(?:\(\s*(\d{1,3})\s*(?:votes)?\s*\)|,?\s*(?:(?:which|who)\s+)?(?:received|receiving|got|getting|won|"
    r"winning|obtained|secured|garnered|polled|had|with)?\s*(\d{1,3})\b(?!\s*(?:%|per|seats?|members?|"
    r"countries|states)))",
    re.I,
)
_NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8}
# "the four Asia-Pacific seats", "for 4 seats": how many seats a tally is for.
_SEAT_COUNT = re.compile(
    r"\b(one|two|three|four|five|six|seven|eight|[1-8])\s+(?:(?:[\w-]+|open|available|vacant)\s+){0,3}seats?\b",
    re.I,
)


def _tally_events(reader: _Reader, index: int) -> list[_Event]:
    """The states a vote tally shows elected: with the number of seats the sentence (or the one
    before) gives, the states with the most votes, as many as there are seats. A tally without
    its number of seats elects no one (who won is not said)."""
    sentences = reader.doc.sentences
    sent_start, sent_end = sentences[index]
    tally: list[tuple[int, str, int]] = []
    for state in reader.states.between(sent_start, sent_end):
        count = _TALLY_COUNT.match(reader.text, state.end, min(sent_end, state.end + 40))
        if count is None:
            continue
        votes = int(count.group(1) or count.group(2))
        if all(entity != state.entity_id for _, entity, _ in tally):
            tally.append((votes, state.entity_id, state.start))
    if len(tally) < 3:
        return []
    window_start = sentences[index - 1][0] if index > 0 else sent_start
    seats = _SEAT_COUNT.search(reader.text, window_start, sent_end)
    if seats is None:
        return []
    word = seats.group(1).lower()
    number = int(word) if word.isdigit() else _NUMBER_WORDS[word]
    if not 0 < number < len(tally):
        return []
    body = _seated_topic(reader, sent_start)
    if not body:
        return []
    ranked = sorted(tally, key=lambda item: -item[0])
    if ranked[number - 1][0] == ranked[number][0]:
        return []  # a tie for the last seat: the tally alone does not say who won
    return [
        _Event(entity, body[0].entity_id, "join", None, start, start + 1, 0.7)
        for _, entity, start in ranked[:number]
    ]


def _seated_topic(reader: _Reader, position: int) -> list[Mention]:
    """The body with elected seats the story is about: the last named before, else the first after."""
    for body in reversed(reader.bodies.between(max(0, position - 3000), position)):
        if _seated(body.entity_id, reader.kind_of(body.entity_id)):
            return [body]
    for body in reader.bodies.between(position, position + 3000):
        if _seated(body.entity_id, reader.kind_of(body.entity_id)):
            return [body]
    return []


# The start of an elected term: "three-year terms starting Jan. 1", "take their seats on 1 January",
# "will begin serving in January", "sit on the council from 1 January".
_TERM_START = re.compile(
    r"\b(?:terms?|seats?|mandates?|tenure)\b[^.;]{0,50}?\b(?:begin(?:s|ning)?|start(?:s|ing)?|from|commencing|"
    r"running\s+from|effective)\b(?:\s+(?:on|in))?|\b(?:tak(?:e|es|ing)|took)\s+(?:up\s+)?(?:their|its|the)\s+"
    r"(?:(?:new|council|two-year|three-year)\s+)?(?:seats?|places?|posts?|positions?|roles?|duties|office)\b"
    r"(?:\s+(?:on|in|from))?|\b(?:tak(?:e|es|ing)|took|assum(?:e|es|ing))\s+"
    r"(?:up\s+)?office\b(?:\s+(?:on|in|from))?|"
    r"\b(?:begin|start|commence)(?:s|ning|ing)?\s+(?:serving|their\s+(?:[\w-]+\s+){0,2}(?:terms?|mandates?|tenure))\b"
    r"(?:\s+(?:on|in|from))?|"
    r"\b(?:serv(?:e|es|ing)|sit(?:s|ting)?)\b[^.;]{0,40}?\b(?:from|starting|beginning)\b(?:\s+(?:on|in))?|"
    r"\bjoin(?:s|ing)?\s+(?:the\s+)?(?:[\w-]+\s+){0,3}(?:council|body|board|organ)\s+(?:on|in|from)\b",
    re.I,
)


_TERM_YEARS = re.compile(r"\b(20\d\d)\s*[-–/]\s*(?:20)?\d\d\s+terms?\b")
_NEXT_YEAR = re.compile(
    r"\s*(?:on\s+|in\s+|from\s+|at\s+)?(?:the\s+)?(?:(?:start|beginning)\s+of\s+)?next\s+year\b", re.I
)
_BARE_MONTH = re.compile(
    r"\s*(?:in\s+)?(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t|tember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?(?!\s*\d)",
    re.I,
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]


@functools.lru_cache(maxsize=64)
def _registry_term_rule(body: str) -> tuple[int, int] | None:
    """The (month, day) on which the elected terms of a body start, read from the registry's
    elected-seat spells (the rule of its latest elections: the Security Council's, ECOSOC's and,
    since 2013, the Human Rights Council's terms start on 1 January)."""
    from comity.registry import Registry

    try:
        spells = Registry.default().spells(body, as_body=True)
    except ComityError:
        return None
    if spells.empty:
        return None
    starts = sorted(str(d)[:10] for d, kind in zip(spells["start_date"], spells["kind"], strict=True)
                    if kind == "elected_seat" and d is not None and str(d)[:4].isdigit())  # fmt: skip
    if not starts:
        return None
    latest = [d for d in starts if d[:4] >= str(int(starts[-1][:4]) - 4)]
    month_day = max(set(d[5:10] for d in latest), key=lambda md: sum(d[5:10] == md for d in latest))
    return int(month_day[:2]), int(month_day[3:5])


def _next_term_day(rule: tuple[int, int], after: str) -> str:
    """The first term day of ``rule`` after a date (a year, year-month or full date)."""
    year = int(after[:4])
    month = int(after[5:7]) if len(after) >= 7 else 12
    day = int(after[8:10]) if len(after) >= 10 else 31
    if (rule[0], rule[1]) <= (month, day):
        year += 1
    return f"{year}-{rule[0]:02d}-{rule[1]:02d}"


def _term_start(reader: _Reader, body: str | None = None) -> str | None:
    """When the elected terms of the story start, if it says so. A start the text gives without
    a year ("on 1 January", "next year", "in January") is the next one after the page's date
    (terms start after the vote), made precise by the body's term rule in the registry."""
    span = _TERM_YEARS.search(reader.text)
    rule = _registry_term_rule(body) if body is not None else None
    if span is not None:
        return span.group(1)  # "the 2021-2023 term"
    for index, cue in enumerate(_TERM_START.finditer(reader.text)):
        if index >= 8:
            break
        after = reader.text[cue.end() : cue.end() + 40]
        dates = [m for m in find_dates(after, reader.anchor) if m.value]
        month = _BARE_MONTH.match(after)
        if month is not None and reader.anchor and (not dates or dates[0].start > 12):
            number = _MONTHS.index(month.group(1).lower()[:3]) + 1
            year = int(reader.anchor[:4]) + (
                1 if len(reader.anchor) >= 7 and number < int(reader.anchor[5:7]) else 0
            )
            if rule is not None and rule[0] == number:
                return f"{year}-{number:02d}-{rule[1]:02d}"
            return f"{year}-{number:02d}"
        if _NEXT_YEAR.match(after) and reader.anchor:
            year_next = str(int(reader.anchor[:4]) + 1)
            if rule is not None:
                return _next_term_day(rule, reader.anchor[:4])
            return year_next
        if not dates or dates[0].start > 12:
            continue
        value = str(dates[0].value)
        if dates[0].kind == "partial" and reader.anchor and len(value) == 10 and value < reader.anchor[:10]:
            value = f"{int(value[:4]) + 1}{value[4:]}"
        if rule is not None and len(value) < 10 and (len(value) == 4 or int(value[5:7]) == rule[0]):
            value = f"{value[:4]}-{rule[0]:02d}-{rule[1]:02d}"  # "from January 2032", "in 2032"
        return value
    return None


_SEAT_WORD = re.compile(r"elected|\bwon|\bwin|secur|gain|clinch|took|take", re.I)
_ELECTION = re.compile(r"\b(?:elect(?:ed|ion|ions|s)?|vot(?:e|ed|es|ing)|ballot|won|win|secured?)\b", re.I)


def _election_dates(reader: _Reader, events: list[_Event]) -> list[_Event]:
    """A seat won in an election is dated when the term starts if the text says so (the gold
    format's rule: a membership is dated when it takes effect, if the text says); otherwise by the
    election: the clause's date, else the first full date of a sentence that reports the vote,
    else the page's date (the news of the day)."""
    seated = [e for e in events if e.action == "join" and _seated(e.body, reader.kind_of(e.body))]
    if not seated:
        return events
    terms = {body: _term_start(reader, body) for body in {e.body for e in seated}}
    undated = []
    for event in seated:
        term = terms[event.body]
        if event.date and reader.anchor and event.date[:4] < reader.anchor[:4]:
            continue  # a past election the story recalls ("elected in 2016") keeps its own date
        if term is not None:
            event.date = term
        elif event.date is None:
            undated.append(event)
    if not undated:
        return events
    election: str | None = None
    for sent_start, sent_end in reader.doc.sentences[:40]:
        if _ELECTION.search(reader.text, sent_start, sent_end) is None:
            continue
        dates = [
            m for m in reader.dates_in(sent_start, sent_end) if m.kind != "year" or len(m.value or "") == 4
        ]
        full = [m for m in dates if m.value and len(m.value) == 10]
        if full:
            election = full[0].value
            break
    if election is None and reader.anchor and len(reader.anchor) == 10:
        election = reader.anchor
    for event in undated:
        event.date = election
    return events


_REELECTED = re.compile(r"\bre-?elected\b", re.I)


def _drop_reelected(reader: _Reader, events: list[_Event]) -> list[_Event]:
    """States the text calls re-elected take no join event for their seat (the gold format's rule),
    even when a list of those elected names them too."""
    seated = [e for e in events if e.action == "join" and _seated(e.body, reader.kind_of(e.body))]
    if not seated:
        return events
    again: set[str] = set()
    for sent_start, sent_end in reader.doc.sentences:
        for found in _REELECTED.finditer(reader.text, sent_start, sent_end):
            again.update(_subject(reader, sent_start, found.start()))
            again.update(_object(reader, found.end(), sent_end))
    return [e for e in events if not (e.actor in again and e in seated)]


_ELECTED = re.compile(r"\b(?:elected|election|elections)\b", re.I)


def _returns_to_seats(reader: _Reader, events: list[_Event]) -> list[_Event]:
    """A return to a body with elected seats, in a story of its election, that no withdrawal of
    the document undoes is a new term ("A and B are returning to the council after a year
    away"): a ``join`` (the gold format's rule for elected seats), dated as the election is."""
    left = {(e.actor, e.body) for e in events if e.action in ("withdraw", "announce_withdrawal")}
    for event in events:
        if (
            event.action == "rejoin"
            and (event.actor, event.body) not in left
            and _seated(event.body, reader.kind_of(event.body))
            and _ELECTED.search(reader.text) is not None
        ):
            event.action = "join"
            event.date = None if event.date == reader.anchor else event.date
    return events


def _topic_body(reader: _Reader, position: int) -> list[Mention]:
    """ "Gambia reversed its withdrawal": the organisation last named before (not the UN itself)."""
    for body in reversed(reader.bodies.between(max(0, position - 1500), position)):
        if (
            body.entity_id not in ("UN", "UNSG", "UNGA", "UNSC")
            and reader.kind_of(body.entity_id) != "un_body"
        ):
            return [body]
    return []


def _merge(events: list[_Event]) -> list[_Event]:
    """One event per (actor, body, action), with the most precise date; other dates, other events."""
    merged: dict[tuple[str, str, str], list[_Event]] = {}
    for event in events:
        group = merged.setdefault((event.actor, event.body, event.action), [])
        for kept in group:
            if kept.date is None or event.date is None or _compatible(kept.date, event.date):
                if event.date is not None and (kept.date is None or len(event.date) > len(kept.date)):
                    kept.date = event.date
                break
        else:
            group.append(event)
    out = [event for group in merged.values() for event in group]
    out.sort(key=lambda e: e.start)
    return out


def _compatible(first: str, second: str) -> bool:
    return first.startswith(second) or second.startswith(first)


# A "join" told as undoing an earlier exit ("joined again", "came back") is a return.
_UNDOING = re.compile(r"\b(?:again|once more|anew)\b", re.I)
# "... is back": a sentence that tells a return makes its joinings returns.
_BACK = re.compile(r"\b(?:is|are|was|were|came|come|comes|coming)\s+back\b|\breturn(?:s|ed|ing)?\b", re.I)


def _reversals(reader: _Reader, events: list[_Event]) -> list[_Event]:
    left = {(e.actor, e.body) for e in events if e.action in ("withdraw", "announce_withdrawal")}
    for event in events:
        if event.action != "join" or event.original or _seated(event.body, reader.kind_of(event.body)):
            continue  # a seat won in an election is a new term, a membership "since" a date the first
        sent_start, sent_end = reader.doc.sentence_at(event.start)
        if (
            (event.actor, event.body) in left
            and any(
                e.action == "withdraw"
                and e.actor == event.actor
                and e.body == event.body
                and e.start < event.start
                for e in events
            )
            or _UNDOING.search(reader.text, event.end, min(sent_end, event.end + 40))
            or _BACK.search(reader.text, sent_start, sent_end)
        ):
            event.action = "rejoin"
    return events


# "withdrew from its membership", "suspended its participation": the body is the story's.
_OWN_PART = frozenset({"membership", "participation", "seat", "involvement"})
# Nouns that stand for the state last named ("the country withdrew"), or pronouns.
_STANDING_FOR_STATE = frozenset({"it", "its", "they", "their", "them", "country", "nation", "state",
                                 "government", "administration", "kingdom", "republic", "regime", "island",
                                 "authorities", "federation", "which", "who", "that"})  # fmt: skip


def _token_span(parse: Parse, token: object) -> tuple[int, int]:
    """The ``doc.text`` span of a noun phrase's head and its premodifiers ("the African Union")."""
    left = token
    for child in token.children:  # type: ignore[attr-defined]
        if child.i < token.i and child.dep_ in ("compound", "amod", "poss", "nmod", "det", "nummod", "case"):  # type: ignore[attr-defined]
            if child.left_edge.i < left.i:  # type: ignore[attr-defined]
                left = child.left_edge
    start = parse.span_of(left)[0]
    end = parse.span_of(token)[1]
    # "the United States of America": a name may run past its head
    return start, end


def _conj(token: object) -> list[object]:
    from comity.news._memframes import _conjuncts

    return list(_conjuncts(token))


def _actor_ids(
    reader: _Reader, parse: Parse, tokens: Iterable[object], sent_start: int, *, states_only: bool = False
) -> list[str]:
    """The states (or acting organisations) argument tokens stand for, through coordination.

    ``states_only``: only a state named by the token itself (a seat is won by a state, and
    "Maria Silva of Brazil was elected" is a person's election, not Brazil's).
    """
    ids: list[str] = []
    for head in tokens:
        for token in _conj(head):
            start, end = _token_span(parse, token)
            head_start, head_end = parse.span_of(token)
            found = [
                a for a in reader.actors.between(max(0, start - 60), end)
                if a.start < end and a.end > start
                and not (a.kind == "organisation" and reader.kind_of(a.entity_id) in (None, "treaty"))
                and not (states_only and (a.kind != "state" or not a.start < head_end or a.end <= head_start))
            ]  # fmt: skip
            # The head's own mention first ("Russian President Vladimir Putin": Putin's state).
            found.sort(key=lambda a: not (a.start < head_end and a.end > head_start))
            if found:
                for entity_id in _with_coordinated(reader, found[0], head_start):
                    if entity_id not in ids:  # the whole list a state ends: the parser may split one
                        ids.append(entity_id)
                continue
            word = str(token.text).lower()  # type: ignore[attr-defined]
            if word in _STANDING_FOR_STATE:
                for entity_id in _antecedent(reader, sent_start, head_start):
                    if entity_id not in ids:
                        ids.append(entity_id)
    return ids


def _body_mentions(
    reader: _Reader, parse: Parse, tokens: Iterable[object], *, pronouns: bool = False
) -> list[Mention]:
    """The organisations argument tokens name or refer to ("the court": the last court named).

    ``pronouns``: "it" and "them" stand for the organisation last named (for joining and
    returning; "withdrew it" is as often a draft taken back as a body left).
    """
    found: list[Mention] = []
    for head in tokens:
        for token in _conj(head):
            start, end = _token_span(parse, token)
            named = [
                b for b in reader.bodies.between(max(0, start - 80), end) if b.start < end and b.end > start
            ]
            if named:
                found.extend(b for b in named[-1:] if b not in found)
                found.extend(b for b in _listed_after(reader, parse, named[-1]) if b not in found)
                continue
            word = str(token.text).lower()  # type: ignore[attr-defined]
            if pronouns and word in ("it", "them") and token.dep_ in ("dobj", "pobj"):  # type: ignore[attr-defined]
                # "left the OAS in 2029 and rejoined it in 2031": the organisation last named
                referent = _pronoun_body(reader, start)
                if referent is not None and referent not in found:
                    found.append(referent)
                continue
            if word in _NOUN_KINDS:
                referent = _referent(reader, word, start)
                if referent is None:
                    # "suspended the last arms treaty with the US, ... the New START treaty": named after
                    kinds = _NOUN_KINDS[word]
                    sentence_end = reader.doc.sentence_at(start)[1]
                    later = [
                        b
                        for b in reader.bodies.between(end, sentence_end)
                        if reader.kind_of(b.entity_id) in kinds
                    ]
                    referent = later[0] if later else None
                if referent is not None and referent not in found:
                    found.append(referent)
    return found


def _pronoun_body(reader: _Reader, position: int) -> Mention | None:
    """The organisation "it" or "them" stands for as a trigger's body: the last one named within
    the sentence or the one before (not the UN itself, which is named in passing)."""
    sentence_start = reader.doc.sentence_at(position)[0]
    previous_start = reader.doc.sentence_at(max(0, sentence_start - 2))[0] if sentence_start else 0
    for body in reversed(reader.bodies.between(previous_start, position)):
        if body.end <= position and body.entity_id not in ("UN", "UNSG"):
            return body
    return None


# What may stand between two bodies of one list: "UNESCO, the Human Rights Council and the WHO".
_BODY_LIST_GAP = re.compile(r"\s*(?:,\s*(?:and\s+|or\s+)?|\s(?:and|or|as\s+well\s+as)\s+)(?:the\s+)?", re.I)
_SUBJECT_DEPS = frozenset({"nsubj", "nsubjpass", "csubj"})


def _listed_after(reader: _Reader, parse: Parse, body: Mention) -> list[Mention]:
    """The bodies coordinated after one in a list ("withdrew from UNESCO, the Human Rights Council
    and the Paris Agreement"): the parser often hangs such a list's later members elsewhere, so
    the list is read from the text -- organisation names joined by commas and closed by "and" or
    "or". A name that is the subject of a clause of its own ("..., and the UN said") ends it."""
    found: list[Mention] = []
    closed = 0
    position = body.end
    for _ in range(8):
        gap = _BODY_LIST_GAP.match(reader.text, position, position + 24)
        if gap is None:
            break
        following = reader.bodies.between(gap.end(), gap.end() + 1)
        if not following:
            break
        token = parse.token_at(following[0].end - 1)
        if token is None or token.dep_ in _SUBJECT_DEPS or token.dep_ in ("compound", "nmod", "amod", "poss"):
            break  # a new clause's subject, or a name that qualifies another noun ("NATO countries")
        found.append(following[0])
        position = following[0].end
        if re.search(r"\b(?:and|or|as\s+well\s+as)\b", gap.group(0), re.I):
            closed = len(found)
    return found[:closed]


def _dep_dates(
    reader: _Reader, parse: Parse, sent_start: int, sent_end: int
) -> list[tuple[object, DateMention]]:
    """Each date of a sentence with the clause head it belongs to."""
    owned: list[tuple[object, DateMention]] = []
    page_line = page_date_span(reader.text)
    for mention in reader.dates_in(sent_start, sent_end):
        start = sent_start + mention.start
        if page_line is not None and page_line[0] <= start < page_line[1]:
            continue  # a scraper's "date YYYY-MM-DD" line dates the page, not an event
        if _NOT_EVENT_DATE.search(reader.text, max(sent_start, start - 16), start):
            continue
        token = parse.token_at(start)
        if token is None:
            continue
        owner = clause_owner(token, trigger_noun_or_verb)
        if owner is not None:
            owned.append((owner, mention))
    return owned


# Gapping: a second list of states that shares the first one's verb -- "A and B were elected for
# Africa, and C and D for Asia"; "the African seats went to A and B, and the Asian seats to C".
_GAP_OPEN = re.compile(r",?\s+and\s+(?:the\s+(?:[\w-]+\s+){0,3}seats?\s+(?:to|went\s+to)\s+)?$", re.I)
_GAP_CLOSE = re.compile(r"\s*(?:\([^()]{1,40}\)\s*)?(?:(?:for|from|in|to)\b|[.;]|$)", re.I)


def _gapped(reader: _Reader, actors: list[str], trigger_end: int, sent_end: int) -> list[str]:
    """The states of the gapped lists after an election's own list (see ``_GAP_OPEN``)."""
    if not actors:
        return []

    def opens(before: str) -> bool:
        # "; and C from Asia" closes a list by region, which the election list reader takes
        gap = _GAP_OPEN.search(before)
        return gap is not None and not before[: gap.start()].rstrip().endswith(";")

    found: list[str] = []
    for run in reader.lists.between(trigger_end, sent_end):
        if any(member in actors for member in run.members):
            continue
        before = reader.text[max(trigger_end, run.start - 60) : run.start]
        if opens(before) and _GAP_CLOSE.match(reader.text, run.end, sent_end + 1):
            found.extend(run.members)
    for state in reader.states.between(trigger_end, sent_end):
        if state.entity_id in actors or state.entity_id in found:
            continue
        before = reader.text[max(trigger_end, state.start - 60) : state.start]
        if opens(before) and _GAP_CLOSE.match(reader.text, state.end, sent_end + 1):
            found.append(state.entity_id)
    return found


def _in_lead(reader: _Reader, sent_start: int) -> bool:
    """Whether a sentence is the page's lead: the first one after its ``date`` line, if any."""
    page_line = page_date_span(reader.text)
    after = page_line[1] if page_line is not None else 0
    starts = [s for s, _ in reader.doc.sentences if s >= after - 1][:1]
    return sent_start in starts


def _dep_events(reader: _Reader, parse: Parse, sent_start: int, sent_end: int) -> Iterable[_Event]:
    """The membership events a sentence's dependency parse shows (see ``_memframes``)."""
    dates = None
    for count, frame in enumerate(dependency_events(parse.sdoc)):
        if count >= _MAX_TRIGGERS_PER_SENTENCE or reader.at_limit():
            return
        reader.triggers += 1
        start, end = parse.span_of(frame.trigger)
        actors = _actor_ids(reader, parse, frame.actors, sent_start, states_only=frame.election)
        if frame.election:
            if not actors and not frame.actors:
                # "In the African group, A and B ran unopposed": the parser may hang the list on
                # the group's noun; the states right before the trigger are its subject.
                actors = _subject(reader, sent_start, start, states_only=True)
            actors += [a for a in _gapped(reader, actors, end, sent_end) if a not in actors]
        bodies = _body_mentions(
            reader, parse, frame.bodies, pronouns=frame.action in ("join", "rejoin") and not frame.election
        )
        action = frame.action
        if frame.election:
            # Seats are won on a body with elected seats; else the one the story is about.
            bodies = [b for b in bodies if _seated(b.entity_id, reader.kind_of(b.entity_id))]
            bodies = bodies or _seated_topic(reader, start)
        if action in ("suspend", "expel") and frame.actors:
            objects = _body_mentions(reader, parse, frame.actors)
            treaties = [b for b in objects if reader.kind_of(b.entity_id) == "treaty"]
            if treaties and not [a for a in actors if a not in {b.entity_id for b in objects}]:
                # "Russia suspended the treaty": a state suspending its own part in an agreement.
                action = "suspend"
                actors = _actor_ids(reader, parse, agent(frame.trigger), sent_start)
                bodies = treaties
            elif not reader.states.between(start, sent_end) and not actors:
                continue
        own_part = [b for b in frame.bodies if str(b.text).lower() in _OWN_PART]  # type: ignore[attr-defined]
        # a body the text names but the reader cannot resolve ("from the missile pact") is not the
        # story's topic (a date the parser hangs where a body could be is no body)
        unresolved = [b for b in frame.bodies if str(b.tag_).startswith("NN") and b not in own_part]  # type: ignore[attr-defined]
        if not bodies and actors and ((frame.topical and not unresolved) or own_part):
            bodies = _topic_body(reader, start)  # "withdrew from its membership": of the story's body
        actor_set = [a for a in actors if a not in {b.entity_id for b in bodies}]
        if not actor_set or not bodies:
            continue
        if action in ("join", "rejoin") and _OBSERVER_AFTER.match(reader.text, end, min(sent_end, end + 70)):
            continue  # "admitted X as a 'non-member observer state'" (the parse sees no quoted words)
        if dates is None:
            dates = _dep_dates(reader, parse, sent_start, sent_end)
        heads = {h.i for h in frame.date_heads}  # type: ignore[attr-defined]
        mine = [m for owner, m in dates if owner.i in heads]  # type: ignore[attr-defined]
        if action == "announce_withdrawal" and not mine and frame.own_dates:
            mine = [m for owner, m in dates if owner.i == frame.trigger.i  # type: ignore[attr-defined]
                    and not _EFFECT_DATE.search(reader.text, max(sent_start, sent_start + m.start - 16),
                                                sent_start + m.start)]  # fmt: skip
        date: str | None = None
        if frame.since is not None:
            # "a member since 1950": the "since" phrase alone dates the joining
            first, last = parse.span_of(frame.since.left_edge)[0], parse.span_of(frame.since.right_edge)[1]  # type: ignore[attr-defined]
            mine = [m for m in reader.dates_in(sent_start, sent_end) if first <= sent_start + m.start < last]
            if not mine:
                continue
        if mine:
            date = min(mine, key=lambda m: abs(sent_start + m.start - end)).value
        elif frame.present and reader.anchor and len(reader.anchor) == 10 and action != "announce_withdrawal":
            date = reader.anchor  # "Britain leaves the EU", "has left": the day of the page
        elif (
            reader.anchor
            and len(reader.anchor) == 10
            and frame.trigger.dep_ != "pobj"  # type: ignore[attr-defined]
            and frame.own_dates  # a notice taken back was given before the news
            and _in_lead(reader, sent_start)
        ):
            # The page's first sentence tells the news of its day: an event it gives no date of
            # happened then ("X decided to withdraw from Y"); not a nominal one in a phrase ("in
            # response to the US withdrawal"), which the news builds on.
            date = reader.anchor
        if action in ("join", "rejoin", "withdraw"):
            # A membership is dated when it takes effect, if the text says ("will take effect on ...").
            effect = _effect_date(reader, sent_start, sent_end)
            if effect is not None and (date is None or action != "withdraw"):
                date = effect
        for body in bodies:
            for actor in actor_set:
                yield _Event(actor, body.entity_id, action, date, min(start, body.start), max(end, body.end),
                             0.7 if action == "announce_withdrawal" else 0.8,
                             original=frame.since is not None)  # fmt: skip


# A sentence is parsed for memberships when it holds a trigger word and names or refers to a body.
_TRIGGER_RE = re.compile(r"\b(?:" + "|".join(TRIGGER_WORDS) + r")\b", re.I)
_TRIGGER_SEARCH = Prefiltered(_TRIGGER_RE, TRIGGER_KEYS)


def _sentences_wanted(doc: NewsDoc) -> list[tuple[int, int]]:
    """The sentences that hold a trigger word and name or refer to a body."""
    bodies = SpanIndex(m for m in doc.mentions if m.entity_type == "organisation")
    folded_text = folded(doc.text)
    wanted: list[tuple[int, int]] = []
    for sent_start, sent_end in doc.sentences[: _MAX_PARSED_SENTENCES * 4]:
        # The cheaper test first: most sentences name an organisation (an index lookup), and the
        # trigger search is the dearer one.
        if not _refers_to_body(bodies, doc.text, folded_text, sent_start, sent_end):
            continue
        if _TRIGGER_SEARCH.search(doc.text, sent_start, sent_end, folded_text) is None:
            continue
        wanted.append((sent_start, sent_end))
        if len(wanted) >= _MAX_PARSED_SENTENCES:
            break
    return wanted


# The selector's sentences, kept for the stage, which would otherwise search every sentence for
# trigger words again (about 4% of reading).
_WANTED: KeptPlans[list[tuple[int, int]]] = KeptPlans()


def _wanted(doc: NewsDoc) -> list[tuple[int, int]]:
    """The sentences the memberships stage needs parsed (the parse stage's selector); the list
    is kept for the stage."""
    found = _sentences_wanted(doc)
    _WANTED.keep(doc, found, doc.mentions, doc.sentences)
    return list(found)


def _planned(doc: NewsDoc) -> list[tuple[int, int]]:
    """The selector's sentences of ``doc`` if its mentions and sentences are those it saw."""
    kept = _WANTED.take(doc, doc.mentions, doc.sentences)
    return kept if kept is not None else _sentences_wanted(doc)


register_selector("comity.memberships.v1", _wanted)


def find_memberships(
    doc: NewsDoc, registry_kind: Callable[[str], str | None] = _registry_kind
) -> list[MembershipChange]:
    """The membership events of one document.

    Parameters
    ----------
    doc:
        A document through the sentences, actors and people stages.
    registry_kind:
        The registry's kind of an organisation id (default: :meth:`Registry.show`'s record).
    """
    reader = _Reader(doc, registry_kind)
    events: list[_Event] = []
    if not doc.sentences:
        doc.sentences = [(0, len(doc.text))]
    parsed = {(p.start, p.end): p for p in parse_spans(doc, _planned(doc))}
    sentences: Sequence[tuple[int, int]] = doc.sentences
    for index, (sent_start, sent_end) in enumerate(sentences):
        if index % 64 == 0:
            doc.check_deadline("comity.memberships.v1")
        if reader.at_limit():
            break
        if _TALLY_HINT.search(doc.text, sent_start, sent_end, reader.folded) is not None:
            for event in _tally_events(reader, index):
                events.append(event)
                reader.event_bodies.add(event.body)
        if not _refers_to_body(reader.bodies, doc.text, reader.folded, sent_start, sent_end):
            continue  # no organisation named or referred to: no membership event
        parse = parsed.get((sent_start, sent_end))
        found = list(_dep_events(reader, parse, sent_start, sent_end)) if parse is not None else []
        # Elections to seated bodies (lists of states by regional group) are read from the surface.
        found.extend(_election_frames(reader, sent_start, sent_end))
        for event in found:
            events.append(event)
            reader.event_bodies.add(event.body)
    events = _drop_reelected(reader, _election_dates(reader, _returns_to_seats(reader, events)))
    events = _reversals(reader, _merge(events))
    return [
        MembershipChange(
            actor=e.actor, body=e.body, action=e.action, date=e.date, start=e.start, end=e.end,
            confidence=e.confidence,
        )
        for e in events
    ]  # fmt: skip


@stage(
    "comity.memberships.v1",
    requires=["doc.sentences", "doc.mentions", "doc.people"],
    assigns=["doc.memberships"],
    factory=True,
)
def memberships(resources: Resources) -> Callable[[NewsDoc], NewsDoc]:
    """Find states joining, leaving, rejoining, suspended or expelled (``doc.memberships``)."""
    # Loaded when the pipeline is built, not within a document's time budget; and before a
    # corpus run forks its workers, which then share them.
    parser()
    organisation_kinds()

    def run(doc: NewsDoc) -> NewsDoc:
        doc.memberships = find_memberships(doc)
        return doc

    return run
