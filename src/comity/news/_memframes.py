"""Membership event frames read over a dependency parse.

A frame is a *trigger* -- a verb or a nominalisation, found by its word form and part of speech
-- and the *roles* the parse gives its arguments. The table below names each general pattern:

===================  ====================================================================  ===========
trigger              where the actor and the body are                                      action
===================  ====================================================================  ===========
join, accede,        actor: subject (with its conjuncts: "A, B and C will join");          join
ratify, become a     body: object or the object of to/into/of/in
member/party
admit, accept,       passive: actor subject, body after to/into/by ("was accepted as a     join
induct, welcome,     full member of Y"); active: actor object, body subject or after to
grant (membership)
leave, withdraw,     actor: subject; body: object or after from/of ("pulled out of Y")     withdraw
quit, exit, pull
out, walk out
withdrawal, exit,    actor: possessor, premodifier ("the US exit") or "of X"; body: after  withdraw
pullout, departure   from/of; an event when stated as fact ("its exit took effect")
rejoin, re-enter,    as join; "return to Y", "re-engage with Y", "reconnected with Y";     rejoin
re-engage, return,   "Y readmitted X" (object actor), "X was reinstated as a member of Y"
readmit, reinstate
reverse, revoke,     a withdrawal, or the notice of one, undone ("withdrew its notice of   rejoin
rescind, cancel,     withdrawal", "halted proceedings to leave Y"); the notice itself is
renounce, repudiate  an announce_withdrawal, dated only by its own clause
elect, vote in/onto, actor: passive subject ("A and B were elected to Y", "Elected from    join
win/secure a seat,   the region were A and B", "..., as were C"), object of an active     (elected
election of          verb ("the Assembly elected A to Y", "voted in A as members of Y"),  seat)
                     subject of "won/secured seats on Y", "of" of "the election of A to
                     Y", the list "others elected included A"; body: after to/onto/on/
                     as-member-of or under "seat(s) on Y". Re-elected states take none.
ran/were unopposed,  "A and B ran unopposed for the seats", "won election to Y", "voted    join
new members          A, B and C onto Y", "among the countries elected were A", gapped     (elected
                     lists ("..., and C from Asia"), "the council's new members,           seat)
                     including A and B" (bodies with elected seats only)
member/belong since  "X has been a member of Y since 1950", "X, a member of Y since 1950",  join
                     "Y, which X has belonged to since 1950": the first joining, dated only
                     by the "since" phrase (never a return; no "since", no event)
suspend, expel       actor: the state suspended (object, or passive subject); body: the    suspend,
                     subject or after from/by. "X suspended its participation in Y" and    expel
                     "X suspended <treaty>": the subject suspends its own part
end, terminate,      "X ended/terminated its membership of Y", "X ceased to be a member    withdraw
cease (membership)   of Y": a withdrawal told through the membership it ends
===================  ====================================================================  ===========

Clause shapes the table's frames take in any row: a headline's bare participle of a verb that
needs an object when active ("A and B elected to Y", "X suspended from Y") is a passive; a
relative pronoun object stands for the noun its clause describes ("the treaty, which X joined
in 2002"; "Mali, which the AU suspended"); "it"/"them" as the body of a joining or return is
the organisation last named ("left Y in 2029 and rejoined it in 2031"); a joining or admission
"as a (non-member) observer" is no membership; a joining, return, suspension or expulsion under a
plan ("plans to return to Y") has not happened; "completed its withdrawal in 2031" dates the
withdrawal by the completing verb. Elections: "as were C and D" adds states to any election
frame; a second list that shares the first one's verb ("A and B were elected for Africa, and C
for Asia"; "the African seats went to A, and the Asian seats to C") is gapped; an uncontested
list the parser hangs elsewhere is the states right before the trigger. A notice noun's body may
hang on its verb ("sent its withdrawal notice from Y"); a body named but not resolved ("from the
regional arms pact") leaves the event out rather than giving it the story's body.

A body list the parse breaks ("left UNESCO, the WHO and the Paris Agreement") is read from the
text: organisation names joined by commas and closed by "and"/"or". A nominal suspension of a
treaty is the act of its possessor or of the subject of the verb it is the object of ("Putin
announced the suspension of New START"); "a law suspending the country's participation in Y" is
the possessor's. A notice of withdrawal that names no one is its owner's ("submitted its notice
of withdrawal"), of the body the story is about. A nominal event after "following", "after",
"since", "despite" or "amid" is a fact the clause builds on, whatever the clause's modality
("said it would quit, following the US exit last year").

Modality and negation come from the parse too: a negated trigger, a modal ("could", "may"), a
trigger under a verb or noun of wish, threat, attempt or plan ("wants to rejoin", "a failed bid
to rejoin", "threatened to quit"), or in an "if" clause is no event. A withdrawal under a verb
or noun of announcing ("announced it would leave", "gave notice of its withdrawal") or in the
future ("will pull out") is ``announce_withdrawal``, dated by the announcement's clause. A date
belongs to the trigger whose clause holds it: the first trigger or verb up the tree from it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["DepEvent", "TRIGGER_KEYS", "TRIGGER_WORDS", "agent", "dependency_events"]

# Word forms of the verbs (the model has no lemmatiser: forms are listed by pattern).
_VERBS: dict[str, str] = {}


def _forms(action: str, *words: str) -> None:
    for word in words:
        _VERBS[word] = action


_forms("join", "join", "joins", "joined", "joining", "accede", "accedes", "acceded", "acceding",
       "ratify", "ratifies", "ratified", "ratifying")  # fmt: skip
_forms("admit", "admit", "admits", "admitted", "admitting", "accept", "accepts", "accepted", "accepting",
       "induct", "inducts", "inducted", "inducting", "welcome", "welcomes", "welcomed", "welcoming",
       "grant", "grants", "granted", "granting")  # fmt: skip
_forms("become", "become", "becomes", "became", "becoming")
_forms("withdraw", "withdraw", "withdraws", "withdrew", "withdrawn", "withdrawing", "leave", "leaves",
       "left", "leaving", "quit", "quits", "quitting", "exit", "exits", "exited", "exiting")  # fmt: skip
_forms("pull", "pull", "pulls", "pulled", "pulling", "walk", "walks", "walked", "walking")
_forms("rejoin", "rejoin", "rejoins", "rejoined", "rejoining", "reenter", "reenters", "reentered",
       "reentering", "re-enter", "re-entered", "reengage", "reengaged", "re-engage", "re-engaged",
       "re-engages", "re-engaging", "readmit", "readmits", "readmitted", "readmitting", "reinstate",
       "reinstates", "reinstated", "reinstating", "reconnect", "reconnects", "reconnected",
       "reconnecting")  # fmt: skip
_forms("return", "return", "returns", "returned", "returning")
_forms("engage", "engage", "engages", "engaged", "engaging", "enter", "enters", "entered", "entering",
       )  # fmt: skip
_forms("suspend", "suspend", "suspends", "suspended", "suspending")
_forms("elect", "elect", "elects", "elected", "electing", "reelect", "reelects", "reelected", "re-elected",
       "re-elect", "re-elects")  # fmt: skip
_forms("vote", "vote", "votes", "voted", "voting")
_forms("seat", "win", "wins", "won", "winning", "secure", "secures", "secured", "securing", "gain", "gains",
       "gained", "gaining", "clinch", "clinched", "clinches", "take", "takes", "took", "taken", "taking",
       "obtain", "obtained", "obtains", "land", "landed", "grab", "grabbed", "go", "goes", "went",
       "gone")  # fmt: skip
_forms("expel", "expel", "expels", "expelled", "expelling")
_forms("belong", "belong", "belongs", "belonged", "belonging")
# "ended its membership of Y", "ceased to be a member of Y": a withdrawal told through the membership.
_forms("end", "end", "ends", "ended", "ending", "terminate", "terminates", "terminated", "terminating",
       "cease", "ceases", "ceased", "ceasing", "relinquish", "relinquished", "relinquishes")  # fmt: skip
# "ran unopposed for the seats", "were unopposed": an uncontested candidate is elected.
_forms("unopposed", "run", "runs", "ran", "running", "stand", "stands", "stood", "standing", "be", "is",
       "are", "was", "were", "been")  # fmt: skip
_forms("reverse", "reverse", "reverses", "reversed", "reversing", "revoke", "revokes", "revoked",
       "revoking", "rescind", "rescinds", "rescinded", "rescinding", "cancel", "cancels", "cancelled",
       "canceled", "cancelling", "canceling", "undo", "undid", "undoes", "undone", "halt", "halts",
       "halted", "halting", "abandon", "abandons", "abandoned", "drop", "drops", "dropped", "scrap",
       "scrapped", "repudiate", "repudiates", "repudiated", "repudiating", "renounce", "renounces",
       "renounced", "renouncing", "overturn", "overturned",
       "overturns")  # fmt: skip

_NOUNS: dict[str, str] = {
    "accession": "join", "admission": "join", "membership": "member",
    "withdrawal": "withdraw", "exit": "withdraw", "pullout": "withdraw", "pull-out": "withdraw",
    "departure": "withdraw", "readmission": "rejoin", "re-entry": "rejoin", "reentry": "rejoin",
    "reinstatement": "rejoin",
    "suspension": "suspend", "expulsion": "expel", "election": "elect", "winner": "elect",
    "winners": "elect", "members": "newmember", "member": "member",
}  # fmt: skip

#: Words whose presence makes a sentence worth parsing for membership events. A reversal ("revoked
#: its withdrawal") always holds a withdrawal word, so the reversal verbs need no trigger of their own;
#: common verbs ("became", "welcomed", "accepted") count only with the words a membership needs.
TRIGGER_WORDS: tuple[str, ...] = (
    r"join(?:s|ed|ing)?", r"re-?join(?:s|ed|ing)?", r"acce(?:de[sd]?|ding|ssion)", r"ratif(?:y|ies|ied|ying)",
    r"admission", r"(?:is|are|was|were|be|been|being)\s+(?:re-?)?admitted",
    r"(?:re-?)?admit(?:s|ted|ting)?",
    r"(?:accepted|welcomed|inducted|reinstated)\s+(?:[\w'’-]+\s+){0,6}(?:as|into|to)",
    r"reinstat(?:e|es|ed|ing|ement)", r"reconnect(?:s|ed|ing)?\s+with", r"pull(?:s|ed|ing)?\s+back\s+from",
    r"granted\s+(?:[\w-]+\s+){0,2}(?:membership|status|seats?)",
    r"bec(?:ame|ome|omes|oming)\s+(?:[\w'’-]+\s+){0,3}(?:members?|part(?:y|ies)|signator(?:y|ies))",
    r"withdr(?:aw|aws|ew|awn|awing|awal)", r"le(?:ave|aves|aving|ft)",
    r"quit(?:s|ting)?", r"exit(?:s|ed|ing)?", r"pull(?:s|ed|ing)?(?:\s+|-)?out", r"walk(?:s|ed|ing)?\s+out",
    r"departure", r"re-?ent(?:er|ered|ering|ry)", r"re-?engag(?:e|es|ed|ing)", r"readmi(?:t|ts|tted|ssion)",
    r"return(?:s|ed|ing)?\s+to", r"suspen(?:d|ds|ded|ding|sion)", r"expel(?:s|led|ling)?", r"expulsion",
    r"halt(?:s|ed|ing)?\s+(?:[\w'’-]+\s+){0,2}(?:participation|involvement)",
    r"(?:re-?)?elect(?:s|ed|ing)?(?!\s+(?:as\s+)?(?:the\s+|its\s+|a\s+)?(?:new\s+)?(?:president|chair|head|"
    r"leader|secretary|prime|speaker|mayor|governor|deputy|vice|judges?|director))",
    r"election\s+(?:of|to|onto)", r"voted\s+(?:in(?!\s+favou?r)|onto|into|on\s+to)", r"winners?",
    r"(?:new|newest|incoming)\s+members",
    r"(?:members?|belong(?:s|ed|ing)?)\b[^.;]{0,60}\bsince",
    r"voted\s+(?:[\w'’-]+,?\s+){1,10}(?:onto|on\s+to|into)",
    r"(?:w[oi]ns?|winning|secur\w*|gain\w*|clinch\w*|t[ao]ok|tak(?:es?|en|ing)|obtain\w*|land\w*|grab\w*)\s+"
    r"(?:[\w'’-]+\s+){0,4}(?:seats?|terms?)", r"seats?\s+(?:were\s+won|went|go(?:es)?)",
    r"seats?\b[^.;]{0,80}\bwon", r"unopposed|uncontested|unchallenged", r"w[oi]ns?\s+election\s+to",
    r"(?:end(?:s|ed|ing)?|terminat(?:e|es|ed|ing)|relinquish(?:es|ed|ing)?)\s+(?:[\w'’-]+\s+){0,2}membership",
    r"ceas(?:e|es|ed|ing)\s+to\s+be\s+(?:an?\s+)?(?:[\w-]+\s+)?(?:members?|part(?:y|ies))",
)  # fmt: skip
#: Literals one of which every match of a TRIGGER_WORDS pattern holds, ignoring case (a prefilter
#: that passes over most sentences without searching them; keep it with TRIGGER_WORDS).
TRIGGER_KEYS: tuple[str, ...] = (
    "join", "acce", "ratif", "admi", "welcomed", "inducted", "reinstat", "reconnect", "pull", "granted",
    "became", "becom", "withdr", "leav", "left", "quit", "exit", "walk", "departure", "reent", "re-ent",
    "engag", "return", "suspen", "expel", "expul", "halt", "elect", "voted", "winner", "member", "belong",
    "seat", "term", "unopposed", "uncontested", "unchallenged", "ceas",
)  # fmt: skip

# Nouns a membership noun or a becoming needs: "become a member of", "granted permanent status in".
_MEMBER_NOUNS = frozenset({"member", "members", "party", "parties", "signatory", "signatories", "state",
                           "states", "membership", "status", "seat", "participant"})  # fmt: skip
# "suspended its participation in", "halted its obligations under": the subject suspends its own part.
_PART_NOUNS = frozenset({"participation", "membership", "involvement", "implementation", "obligations",
                         "commitments", "role", "cooperation"})  # fmt: skip
# Nouns of a notice given: "withdrew its notice of withdrawal", "the instrument was withdrawn".
_NOTICE_NOUNS = frozenset({"notice", "notification", "instrument", "letter", "decision", "intention", "plan",
                           "plans", "proceedings", "process", "choice"})  # fmt: skip
# Verbs and nouns that make a withdrawal under them an announcement.
_ANNOUNCE = frozenset({
    "announce", "announces", "announced", "announcing", "announcement", "notify", "notifies", "notified",
    "notifying", "notification", "notice", "declare", "declares", "declared", "declaring", "declaration",
    "signal", "signals", "signalled", "signaled", "confirm", "confirms", "confirmed", "decide", "decides",
    "decided", "deciding", "decision", "intention", "intent", "say", "says", "said", "saying", "state",
    "stated", "states", "tell", "told", "inform", "informed", "informs", "letter", "plan", "plans",
    "planned", "process", "procedure", "proceedings", "begin", "began", "begun", "start", "started",
    "launch", "launched", "initiate", "initiated", "trigger", "triggered", "submit", "submitted",
    "deposit", "deposited", "give", "gave", "given", "serve", "served", "send", "sent", "move", "choice",
})  # fmt: skip
# Verbs and nouns of wish, threat, attempt, plan or refusal: what they govern has not happened.
_IRREALIS = frozenset({
    "want", "wants", "wanted", "wanting", "wish", "wishes", "wished", "hope", "hopes", "hoped", "hoping",
    "seek", "seeks", "sought", "seeking", "aim", "aims", "aimed", "threaten", "threatens", "threatened",
    "threatening", "threat", "threats", "vow", "vows", "vowed", "pledge", "pledged", "promise", "promised",
    "consider", "considers", "considered", "considering", "mull", "mulls", "mulled", "weigh", "weighs",
    "weighed", "refuse", "refuses", "refused", "refusing", "decline", "declined", "bid", "bids", "attempt",
    "attempts", "attempted", "effort", "efforts", "try", "tries", "tried", "trying", "fail", "fails",
    "failed", "apply", "applied", "applies", "application", "candidacy", "campaign", "push", "pushed",
    "pushing", "urge", "urged", "urges", "call", "called", "calls", "calling", "ask", "asked", "asks",
    "demand", "demanded", "demands", "propose", "proposed", "proposal", "talk", "talks", "debate",
    "prospect", "possibility", "question", "request", "requested",
    "ready", "willing", "eager", "likely", "unlikely", "able", "unable", "need", "needs", "needed",
    "prepare", "prepared", "preparing", "expect", "expected", "allow", "allowed", "permit", "block",
    "blocked", "prevent", "prevented", "oppose", "opposed", "reject", "rejected", "intend", "intends",
    "intended", "plot", "recommend", "recommended", "fear", "fears", "risk", "risks", "chance", "option",
    "ultimatum", "pressure", "pressured", "lobby", "lobbied", "case", "idea", "vote", "referendum",
})  # fmt: skip
# Verbs under which an infinitive reports what happened: "voted to suspend", "moved to expel".
_FACTUAL = frozenset({"voted", "votes", "agreed", "moved", "chose", "opted", "resolved", "began", "started",
                      "went", "first", "last", "only"})  # fmt: skip
# Verbs whose object is the subject of the infinitive after it: "invited Egypt and Iran to join".
_OBJECT_CONTROL = frozenset({
    "invite", "invites", "invited", "inviting", "ask", "asks", "asked", "urge", "urges", "urged", "allow",
    "allows", "allowed", "permit", "permitted", "encourage", "encouraged", "force", "forced", "persuade",
    "persuaded", "press", "pressed", "require", "required", "tell", "told", "want", "wanted", "expect",
    "expected", "select", "selected", "choose", "chose", "chosen", "approve", "approved", "clear", "cleared",
})  # fmt: skip
_FUTURE_AUX = frozenset({"will", "would", "'ll", "shall", "wo"})
# "admitted as an observer", "as a non-member observer state": a status without membership.
_OBSERVER_WORDS = frozenset({"observer", "observers", "non-member", "nonmember", "non", "associate"})
# Verbs and nouns of a plan: a joining, return, suspension or expulsion under them has not happened
# ("plans to return to Y", "announced plans to rejoin Y"); a withdrawal under them is announced.
_PLAN_WORDS = frozenset({"plan", "plans", "planned", "planning", "intention", "intent", "intend", "intends",
                         "intended"})  # fmt: skip
# Verbs that complete what their object noun tells: "completed its withdrawal in 2031" dates it.
_COMPLETING = frozenset({"complete", "completes", "completed", "completing", "finalise", "finalised",
                         "finalize", "finalized", "formalise", "formalised", "formalize",
                         "formalized"})  # fmt: skip
# Prepositions whose object is a fact that the clause around them builds on.
_BACKGROUND = frozenset({"following", "after", "since", "despite", "amid", "amidst", "given"})
_MODAL_AUX = frozenset({"could", "might", "may", "should", "must", "can", "ca", "cannot"})
_NEGATORS = frozenset({"not", "n't", "never", "no"})
_IRREALIS_AMOD = frozenset({"possible", "potential", "threatened", "proposed", "failed", "attempted",
                            "hypothetical", "would-be", "mooted", "rumoured", "rumored"})  # fmt: skip
_PLANNED_AMOD = frozenset({"planned", "announced", "impending", "looming", "upcoming", "pending"})
# Prepositions after which a body is named for each kind of frame.
_BODY_PREPS = {
    "join": ("to", "into", "of", "in", "as"),
    "withdraw": ("from", "of", "out"),
    "rejoin": ("to", "into", "with", "in", "of"),
    "suspend": ("from", "in", "of", "under", "by"),
    "expel": ("from", "of", "by"),
}
_SUBJECTS = frozenset({"nsubj", "nsubjpass", "csubj"})
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "acl", "conj", "parataxis", "pcomp"})


# Nouns of an elected place: "won a seat on Y", "took up their seats".
_SEAT_NOUNS = frozenset({"seat", "seats", "place", "places", "spot", "spots", "term", "terms"})
# Words an election to an office (not to a body's seat) is told with: "elected X as president".
_OFFICE_NOUNS = frozenset({"president", "chair", "chairman", "chairwoman", "chairperson", "head", "leader",
                           "secretary", "secretary-general", "judge", "judges", "prime", "minister",
                           "speaker", "mayor", "governor", "deputy", "vice", "vice-president", "director",
                           "director-general", "rapporteur", "prosecutor", "commissioner"})  # fmt: skip
# Verbs a list of those elected is given by: "others elected included A and B", "those elected were A".
_LISTING = frozenset({"include", "includes", "included", "including", "were", "are", "was", "is", "be"})


@dataclass
class DepEvent:
    """An event read from a parse: actor and body as argument tokens, before mapping to ids."""

    action: str
    trigger: Any
    actors: list[Any]
    bodies: list[Any]
    date_heads: list[Any]
    announce_head: Any | None
    present: bool
    # Whether a missing body may be the story's topic ("Gambia reversed its withdrawal").
    topical: bool = False
    # An election to a body with elected seats: the body is one with seats (else the story's).
    election: bool = False
    # Whether dates the parse hangs on the trigger itself are the event's (not for a withdrawal
    # that a reversal takes back: "revoked its notice of withdrawal in May" dates the revoking).
    own_dates: bool = True
    # A membership held "since" a date: joined then, dated only by the "since" phrase.
    since: Any | None = None


def _is_verb(token: Any) -> bool:
    # The pipeline runs without the attribute ruler, so coarse parts of speech are read from tags.
    return str(token.tag_).startswith("VB") or token.tag_ == "MD"


def _is_noun(token: Any) -> bool:
    return str(token.tag_).startswith("NN")


def _lower(token: Any) -> str:
    return str(token.text).lower()


def _re_prefixed(token: Any) -> bool:
    """ "re-join" split by the tokenizer into "re", "-", "join"."""
    i = token.i
    return i >= 2 and _lower(token.doc[i - 1]) == "-" and _lower(token.doc[i - 2]) == "re"


def _children(token: Any, *deps: str) -> list[Any]:
    return [child for child in token.children if child.dep_ in deps]


def _conjuncts(token: Any) -> list[Any]:
    """A token and the tokens coordinated with it ("Egypt, Ethiopia and Iran")."""
    out = [token]
    stack = list(_children(token, "conj", "appos"))
    while stack and len(out) < 40:
        item = stack.pop(0)
        out.append(item)
        stack.extend(_children(item, "conj"))
    return out


def _prep_objects(token: Any, preps: Iterable[str]) -> list[Any]:
    """The objects of the prepositions ``preps`` under ``token`` ("pulled out of Y": out -> of -> Y)."""
    wanted = set(preps)
    found: list[Any] = []
    for child in token.children:
        if child.dep_ in ("prep", "prt", "agent", "dative") or (
            child.dep_ == "advmod" and _lower(child) in ("out", "back", "away")
        ):
            word = _lower(child)
            if child.dep_ == "agent":
                word = "by"
            objects = _children(child, "pobj")
            if word in wanted and objects:
                found.extend(objects)
            if word in ("out", "away", "back"):
                found.extend(_prep_objects(child, wanted))
    return found


def _subject(token: Any) -> list[Any]:
    """The subject of a verb, through coordinated verbs, control and relative clauses."""
    found = _subject_of(token)
    if not found and _re_prefixed(token):
        prefix = token.doc[token.i - 2]
        found = _subject_of(prefix)  # "X re-engaged": the parser may hang X on "re" ...
        if not found:
            # ... even as a compound of it, "re" taken for the verb and the verb for a clause of it
            found = [c for c in prefix.children if c.dep_ == "compound" and c.i < prefix.i][:1]
    return found


def _subject_of(token: Any) -> list[Any]:
    current = token
    for _ in range(4):
        subjects = _children(current, "nsubj", "nsubjpass")
        if subjects:
            subject = subjects[0]
            if subject.tag_ in ("WDT", "WP") and current.dep_ == "relcl":
                return [current.head]  # "Burundi, which left the court"
            return [subject]
        if (
            current.dep_ == "xcomp"
            and _children(current.head, "dobj")
            and _lower(current.head) in _OBJECT_CONTROL
        ):
            return _children(current.head, "dobj")[:1]  # "invited Egypt and Iran to join": object control
        if (
            current.dep_ in ("conj", "xcomp") or current.dep_ == "advcl" and _infinitive(current)
        ) and _is_verb(current.head):
            current = current.head  # "suspended X and withdrew from Y", "decided to leave"
            continue
        if current.dep_ in ("relcl", "acl") and (
            _is_noun(current.head) or current.head.tag_ in ("PRP", "CD")
        ):
            noun = current.head
            if _children(noun, "poss"):
                return _children(noun, "poss")[:1]  # "its intention to leave"
            if _lower(noun) in _ANNOUNCE or _lower(noun) in _IRREALIS:
                owner = clause_owner(noun, lambda _token: False)  # "Chad announced a decision to leave"
                return _subject(owner) if owner is not None and owner is not token else []
            return [noun]  # "the first country to quit", "the states that joined"
        if current.dep_ == "advcl" and current.tag_ == "VBG" and _is_verb(current.head):
            current = current.head  # "..., leaving the bloc"
            continue
        break
    return []


def _infinitive(token: Any) -> bool:
    """A "to" infinitive ("to leave")."""
    return token.tag_ == "VB" and any(c.dep_ == "aux" and _lower(c) == "to" for c in token.children)


def _passive(token: Any) -> bool:
    return (
        bool(_children(token, "auxpass", "nsubjpass"))
        or (token.tag_ == "VBN" and token.dep_ in ("acl", "relcl") and not _children(token, "aux"))
        or _reduced_passive(token)
    )


# Verbs that need an object when active: with a subject, no object and a body after a
# preposition, the bare participle is a headline's passive ("Mali suspended from AU",
# "A and B elected to rights council"), which the parser reads as an active past.
_OBJECT_VERBS = frozenset({"elected", "admitted", "suspended", "expelled", "readmitted", "reinstated",
                           "inducted"})  # fmt: skip


def _reduced_passive(token: Any) -> bool:
    return (
        _lower(token) in _OBJECT_VERBS
        and token.tag_ in ("VBD", "VBN")
        and bool(_children(token, "nsubj"))
        and not _children(token, "dobj", "aux", "auxpass", "dative")
        and bool(_prep_objects(token, ("to", "onto", "from", "into")))
    )


# The paths (dependency labels, from the noun up) along which a nominal trigger takes its modality
# from the word that governs it: "announced its withdrawal", "notice of withdrawal", "calls for
# its expulsion", "the threat of an exit".
_NOUN_PATHS = frozenset({("dobj",), ("pobj",), ("pobj", "prep"), ("compound",)})


def _mode(token: Any) -> tuple[str, Any | None]:
    """``event``, ``future``, ``announce`` (with the announcing word) or ``none``."""
    mode = "event"
    announce: Any | None = None
    current = token
    path: list[str] = []
    for depth in range(5):
        if _is_noun(token) and depth > 0 and tuple(path) not in _NOUN_PATHS:
            break  # a nominal event deep in a phrase ("in response to the US withdrawal") is a fact
        for child in current.children:
            word = _lower(child)
            if child.dep_ == "neg" or (word in _NEGATORS and child.dep_ in ("det", "advmod", "neg")):
                if depth == 0 or current is not token:
                    return "none", None
            if child.dep_ == "aux" and word in _MODAL_AUX:
                return "none", None
            if child.dep_ == "aux" and word in _FUTURE_AUX and mode == "event":
                if any(_lower(c) == "have" for c in _children(current, "aux")):
                    return "none", None  # "it would have left anyway": a counterfactual
                mode = "future"
            if child.dep_ == "mark" and word in ("if", "unless", "whether"):
                return "none", None
            if child.dep_ == "amod" and word in _IRREALIS_AMOD:
                return "none", None
            if child.dep_ == "amod" and word in _PLANNED_AMOD and mode == "event":
                mode = "future"
        # "proceedings to leave Y", "a bid to rejoin": an infinitive the parser calls a relative
        # clause qualifies its noun as an infinitival modifier does.
        dep = current.dep_
        if dep == "relcl" and _infinitive(current):
            dep = "acl"
        elif dep == "advcl" and _infinitive(current):
            dep = "xcomp"  # "declared its choice to pull back from Y", the infinitive hung on the verb
            # ... when it follows the verb's object right away, it is that noun's ("upset its
            # predecessor's choice to pull back": the choice, not the upsetting, is the announcement)
            nouns = [o for o in _children(current.head, "dobj") if o.i == current.left_edge.i - 1]
            if nouns and _lower(nouns[0]) in _IRREALIS:
                return "none", None
            if nouns and _lower(nouns[0]) in _ANNOUNCE:
                return "announce", nouns[0]
        if dep in ("ROOT",) or current.head is current:
            if current is token and any(_lower(c) == "to" for c in _children(token, "aux")):
                mode = "future"  # a headline's "Gambia to rejoin the Commonwealth"
            break
        if current is token and _is_noun(token) and token.dep_ in ("nsubj", "nsubjpass", "appos", "ROOT"):
            break  # "Burundi's withdrawal does not affect ...": the noun tells a fact of its own
        if (
            current is token
            and _is_noun(token)
            and token.dep_ == "pobj"
            and _lower(token.head) in _BACKGROUND
        ):
            break  # "said it would quit, following the US exit": the exit is a fact the clause builds on
        head = current.head
        word = _lower(head)
        # "is going to leave", "is set to quit", "is due to withdraw"
        if dep == "xcomp" and word in ("going", "set", "due", "about", "poised", "expected"):
            mode = "future"
        elif dep in ("xcomp", "ccomp", "acl", "pobj", "dobj", "prep", "relcl", "advcl", "nsubj",
                              "nsubjpass", "conj", "pcomp", "compound", "attr", "appos"):  # fmt: skip
            if word in _IRREALIS and dep != "conj" and dep != "relcl":
                if word in ("vote", "referendum") and dep not in ("prep", "pobj", "acl"):
                    pass
                elif word.startswith("call") and not (
                    dep == "xcomp" or (dep == "prep" and _lower(current) in ("for", "on"))
                ):
                    pass  # "called for its expulsion", not "called the withdrawal a mistake"
                else:
                    return "none", None
            if word in _ANNOUNCE and dep not in ("conj", "relcl", "advcl", "nsubj", "nsubjpass"):
                if (
                    dep == "ccomp"
                    and _is_verb(current)
                    and mode == "event"
                    and not _children(current, "aux")
                    or (
                        dep == "ccomp"
                        and mode == "event"
                        and any(_lower(c) in ("has", "have", "had") for c in _children(current, "aux"))
                    )
                ):
                    return "reported", head  # "announced it has withdrawn": a withdrawal, told
                return "announce", head
            if word in _FACTUAL:
                return mode, announce
        if dep in ("conj", "relcl", "advcl", "nsubj", "nsubjpass", "appos") and depth > 0:
            break
        if dep in ("relcl", "advcl", "conj"):
            # the head of a relative or adverbial clause says nothing about this one's modality
            if dep == "conj":
                path.append(dep)
                current = head
                continue
            break
        path.append(dep)
        current = head
    return mode, announce


def _finite(token: Any) -> Any:
    """The finite verb whose tense a non-finite trigger takes: "is becoming the first to leave"."""
    current = token
    for _ in range(4):
        if current.tag_ in ("VBZ", "VBP", "VBD") or _children(current, "aux", "auxpass"):
            return current
        if (
            current.dep_ in ("xcomp", "acl", "relcl", "attr", "oprd", "prep", "pobj")
            and current.head is not current
        ):
            current = current.head
            continue
        break
    return current


def _present(token: Any) -> bool:
    """Told as happening at the time of the page: present tense, present perfect or progressive."""
    verb = _finite(token)
    auxes = [_lower(c) for c in _children(verb, "aux", "auxpass")]
    if any(a in ("will", "would", "'ll", "to", "had", "did") for a in auxes):
        return False
    return (verb.tag_ in ("VBZ", "VBP") and not auxes) or any(
        a in ("has", "have", "is", "are", "'s") for a in auxes
    )


def _is_trigger_noun(token: Any) -> str | None:
    if not _is_noun(token):
        return None
    return _NOUNS.get(_lower(token))


def _descend_member(token: Any) -> list[Any]:
    """ "a full member of Y", "permanent status in Y": the body under a membership noun."""
    if _lower(token) not in _MEMBER_NOUNS:
        return []
    # "ASEAN's eleventh member": the body may be the member noun's possessor
    owners = [o for o in _children(token, "poss") if o.tag_ not in ("PRP$", "WP$")]
    return _prep_objects(token, ("of", "to", "in", "at", "within")) + owners


def _descend_part(token: Any) -> list[Any]:
    return _prep_objects(token, ("of", "in", "at", "within", "to"))


def _nested_withdrawal(token: Any, depth: int = 0) -> Any | None:
    """A withdrawal noun in the object of a reversal or announcement ("its notice of withdrawal")."""
    if depth > 3:
        return None
    for child in token.children:
        if child.dep_ in ("prep", "pobj", "acl", "relcl", "xcomp", "compound", "dobj"):
            if _is_trigger_noun(child) == "withdraw" or _VERBS.get(_lower(child)) in ("withdraw", "pull"):
                return child
            found = _nested_withdrawal(child, depth + 1)
            if found is not None:
                return found
    return None


def _noun_actor(noun: Any) -> list[Any]:
    """The actor of a nominalisation: its possessor, a premodifier, or "of X"."""
    possessors = _children(noun, "poss")
    if possessors:
        return possessors
    modifiers = [c for c in noun.children if c.dep_ in ("compound", "amod", "nmod") and c.i < noun.i]
    if modifiers:
        return modifiers
    return _prep_objects(noun, ("of", "by"))


def agent(token: Any) -> list[Any]:
    """Who does what a trigger tells: a verb's subject; a noun's possessor ("Putin's suspension of
    the treaty"), else the subject of the verb the noun is the object of ("Putin announced the
    suspension of the treaty", "signed a decree on the suspension of ...")."""
    if not _is_noun(token):
        return _subject(token)
    owners = _children(token, "poss")
    if owners:
        return owners
    current = token
    for _ in range(3):
        if current.dep_ == "dobj" and _is_verb(current.head):
            return _subject(current.head)
        if current.dep_ == "pobj" and current.head.dep_ == "prep":
            current = current.head.head
            if _is_verb(current):
                return _subject(current)
            continue
        break
    return []


def _frame(token: Any) -> DepEvent | None:
    """The frame a trigger token opens, with its argument tokens (None when it is no trigger)."""
    word = _lower(token)
    kind = _is_trigger_noun(token)
    if _is_verb(token):
        kind = _VERBS.get(word)
        if kind in ("join", "engage", "admit") and _re_prefixed(token):
            kind = "rejoin"  # "re-join", "re-engaged", "re-admitted", split by the tokenizer
        elif kind == "engage":
            return None
    if kind is None:
        return None
    # "members ... since" is a membership held since a date before it is an election's new members.
    if kind in ("member", "belong") or (kind == "newmember" and word == "members" and any(
        _lower(c) == "since" for c in [*token.children, *token.head.children]
    )):  # fmt: skip
        return _since_frame(token, "belong" if kind == "belong" else "member")
    if kind in ("elect", "vote", "seat", "newmember", "unopposed"):
        return _election_frame(token, kind)
    if kind == "end":
        return _end_membership(token)
    present = _present(token)
    objects = _children(token, "dobj")
    event: DepEvent | None = None
    if _is_noun(token):
        preps = _BODY_PREPS.get(kind, ("from",))
        if kind in ("withdraw",):
            preps = ("from",)
        bodies = _prep_objects(token, preps)
        if token.dep_ == "compound" and _is_noun(token.head):
            bodies += _prep_objects(token.head, preps)  # "its withdrawal notice from Y"
        actors = _noun_actor(token)
        if kind in ("join", "suspend", "expel", "rejoin") and not _children(token, "poss"):
            of = _prep_objects(token, ("of",))
            if of:
                actors = of
                bodies = _prep_objects(token, preps[:1] + ("to", "from", "into"))
        event = DepEvent(kind, token, actors, bodies, [token], None, False, topical=kind == "withdraw")
        # "its exit took effect", "the withdrawal became official in 2019": the governing verb's dates.
        if token.dep_ in ("nsubj", "nsubjpass") and _is_verb(token.head):
            event.date_heads.append(token.head)
        if token.dep_ == "dobj" and _lower(token.head) in _COMPLETING:
            event.date_heads.append(token.head)
        # "following the US exit last year": the parser hangs the date on the preposition-like verb
        if token.dep_ == "pobj" and _lower(token.head) in ("following", "after", "before"):
            event.date_heads.append(token.head)
        return event
    if kind == "pull" or (kind == "withdraw" and word.startswith("walk")):
        particles = {_lower(c) for c in token.children if c.dep_ in ("prt", "prep", "advmod")}
        # "pulled back from Y" with the body it leaves; "pulled back" alone is a retreat
        if not particles & {"out", "away"} and not ("back" in particles and _prep_objects(token, ("from",))):
            return None
        kind = "withdraw"
    if kind == "become":
        attrs = [a for a in _children(token, "attr", "acomp", "oprd") if _lower(a) in _MEMBER_NOUNS]
        if not attrs:
            return None
        # "became a party to Y": the parser may hang the body's preposition on the verb
        bodies = [b for a in attrs for b in _descend_member(a)] or _prep_objects(token, ("to", "of", "in"))
        return DepEvent("join", token, _subject(token), bodies, [token], None, present)
    if kind == "admit":
        if any(_lower(w) in _OBSERVER_WORDS for n in _prep_objects(token, ("as",)) for w in n.subtree):
            return None  # "admitted as a non-member observer state": no membership
        if word.startswith("grant"):
            status = [o for o in objects + _children(token, "nsubjpass") if _lower(o) in _MEMBER_NOUNS]
            if not status:
                return None
            bodies = [b for s in status for b in _descend_member(s)] + _prep_objects(
                token, ("to", "in", "into")
            )
            actors = _children(token, "nsubjpass") if _passive(token) else _children(token, "dative")
            return DepEvent("join", token, actors, bodies, [token], None, present)
        if _passive(token):
            members = [b for p in _prep_objects(token, ("as",)) for b in _descend_member(p)]
            bodies = _prep_objects(token, ("to", "into", "in", "by", "of")) + members
            if word.startswith(("accept", "welcom")) and not _prep_objects(token, ("as", "into")):
                return None  # "the plan was accepted": no membership without "as a member"/"into"
            return DepEvent("join", token, _subject(token), bodies, [token], None, present)
        if word.startswith(("accept", "welcom")) and not _prep_objects(token, ("as", "into")):
            return None
        if word.startswith("admit") and not _prep_objects(token, ("as", "to", "into")) and not objects:
            return None  # "he admitted that ..."
        actors = objects
        bodies = _subject(token) + _prep_objects(token, ("to", "into"))
        bodies += [b for p in _prep_objects(token, ("as",)) for b in _descend_member(p)]
        return DepEvent("join", token, actors, bodies, [token], None, present)
    if kind == "withdraw" and any(
        _is_trigger_noun(o) == "withdraw"
        or (_lower(o) in _NOTICE_NOUNS and _nested_withdrawal(o) is not None)
        for o in objects + _children(token, "nsubjpass")
    ):
        kind = "reverse"  # "withdrew its notice of withdrawal": a withdrawal taken back
    if kind == "reverse" and word.startswith("halt") and any(_lower(o) in _PART_NOUNS for o in objects):
        kind = "suspend"  # "halting its involvement in the treaty"
    if kind == "reverse":
        for obj in objects + _children(token, "nsubjpass"):
            inner = obj if _is_trigger_noun(obj) == "withdraw" else _nested_withdrawal(obj)
            if inner is None:
                continue
            actors = _subject(token) if obj.dep_ == "dobj" else _noun_actor(obj)
            bodies = _prep_objects(inner, ("from",))
            if _is_verb(inner):  # "halted proceedings to leave Y"
                bodies = _children(inner, "dobj") + _prep_objects(inner, ("from", "of"))
            # "revoked its notice of withdrawal in May": the parser hangs the date on the nearest
            # noun, but it dates the revoking.
            return DepEvent("rejoin", token, actors, bodies, [token, inner], None, present, topical=True)
        return None
    if kind in ("suspend", "expel"):
        if _passive(token):
            bodies = _prep_objects(token, ("from", "by", "of", "in"))
            subject = _subject(token)
            parts = [t for t in subject if _lower(t) in _PART_NOUNS]
            if parts:
                # "Cuba, whose membership was suspended in 1962": the owner of the membership
                owner = _children(parts[0], "poss")
                if owner and owner[0].tag_ in ("WP$", "WDT", "WP") and token.dep_ == "relcl":
                    owner = [token.head]
                bodies = bodies or _prep_objects(parts[0], ("of", "in"))
                return DepEvent(kind, token, owner, bodies, [token], None, present, topical=True)
            return DepEvent(kind, token, subject, bodies, [token], None, present)
        subject = _subject(token)
        for obj in objects:
            if _lower(obj) in _PART_NOUNS:
                bodies = _prep_objects(obj, ("in", "of", "under", "to", "with"))
                # "a law suspending the country's participation in Y": whose participation it is
                # (a possessive pronoun stands for the subject when there is one).
                # A participle's "subject" is the noun it describes ("a law suspending its ...").
                acting = subject if token.dep_ != "acl" else []
                owner = [o for o in _children(obj, "poss") if o.tag_ != "PRP$" or not acting]
                return DepEvent("suspend", token, owner or subject, bodies, [token], None, present)
        bodies = _prep_objects(token, ("from",)) or subject
        # Roles are settled when ids are known: an object that is a treaty is suspended by the subject.
        return DepEvent(kind, token, objects, bodies, [token], None, present)
    if kind == "return":
        bodies = _prep_objects(token, ("to",))
        if not bodies:
            return None
        return DepEvent("rejoin", token, _subject(token), bodies, [token], None, present)
    preps = _BODY_PREPS.get(kind, ())
    if kind == "join" and word.startswith("acced"):
        bodies = _prep_objects(token, ("to",))
    elif _passive(token) and kind == "rejoin":
        # "was readmitted to Y", "was reinstated as a full member of Y"
        bodies = _prep_objects(token, ("to", "into", "by"))
        bodies += [b for n in _prep_objects(token, ("as",)) for b in _descend_member(n)]
    elif kind == "rejoin" and word.startswith(("readmit", "reinstat")) and objects:
        # "the African Union readmitted Morocco": the body admits the state back (object actor)
        bodies = _subject(token) + _prep_objects(token, ("to", "into"))
        bodies += [b for n in _prep_objects(token, ("as",)) for b in _descend_member(n)]
        return DepEvent("rejoin", token, objects, bodies, [token], None, present)
    else:
        bodies = objects + _prep_objects(token, preps)
        if kind == "join" and not objects:
            bodies = [b for b in _prep_objects(token, ("as",)) for b in _descend_member(b)] + _prep_objects(
                token, ("to",)
            )
    if kind == "rejoin" and (word.startswith(("reengag", "re-engag", "engag", "reconnect"))):
        bodies = objects + _prep_objects(token, ("with", "in"))
    # "joining the council will be A and B": the list the clause gives
    actors = _subject(token) or (_listing(token) if kind in ("join", "rejoin") else [])
    members_as = [n for n in _prep_objects(token, ("as",)) if _lower(n) in ("members", "newcomers")]
    if kind == "join" and objects and members_as and all(o.tag_ == "NNP" for o in objects):
        # "Peru will join Chile and Fiji as new members on 1 January": they join together
        actors = actors + objects
        return DepEvent("join", token, actors, _prep_objects(token, ("on", "in", "of")), [token], None,
                        present, election=True)  # fmt: skip
    if (
        kind == "join"
        and word.startswith("join")
        and _generic(_subject(token))
        and objects
        and all(o.tag_ == "NNP" for o in objects)
        and _children(objects[0], "conj")
    ):
        # "to join on 1 January: A, B and C", a list of states parsed as the object: a state list
        # is who joins, and the body is a seated one (named after on/in, or the story's).
        return DepEvent("join", token, objects, _prep_objects(token, ("on", "in")), [token], None,
                        present, election=True)  # fmt: skip
    return DepEvent(kind, token, actors, bodies, [token], None, present)


def _end_membership(token: Any) -> DepEvent | None:
    """A withdrawal told through the membership it ends: "X ended its membership of Y", "X
    terminated its participation in Y", "X ceased to be a member of Y"."""
    for obj in _children(token, "dobj"):
        if _lower(obj) in ("membership", "participation"):
            return DepEvent("withdraw", token, _subject(token), _descend_part(obj), [token], None,
                            _present(token))  # fmt: skip
    if not _lower(token).startswith("ceas"):
        return None
    for clause in _children(token, "xcomp"):
        members = [a for a in _children(clause, "attr") if _lower(a) in _MEMBER_NOUNS]
        if _lower(clause) == "be" and members:
            bodies = [b for a in members for b in _descend_member(a)]
            present = _present(token)
            return DepEvent("withdraw", token, _subject(token), bodies, [token, clause], None, present)
    return None


def _as_were(token: Any) -> list[Any]:
    """The subjects of an "as were C and D" clause that repeats a trigger for other states."""
    return [
        subject
        for clause in _children(token, "advcl")
        if any(_lower(m) == "as" for m in _children(clause, "mark"))
        for subject in _children(clause, "nsubj", "nsubjpass", "attr")
    ]


def _listing(token: Any) -> list[Any]:
    """The states a list of those elected names: "the countries winning seats were A and B",
    "also winning seats were A and B", "countries that won seats included A", "among the winners
    were A and B"."""
    found = list(_children(token, "attr"))
    found += [a for aux in _children(token, "aux", "auxpass") for a in _children(aux, "attr", "nsubj")]
    found += [a for obj in _children(token, "dobj") for a in _children(obj, "appos")]
    if token.dep_ in ("advcl", "xcomp") and not found:
        # "set to join the council in January are A and B"
        head = token.head
        found += _children(head, "attr")
        found += [a for aux in _children(head, "aux", "auxpass") for a in _children(aux, "attr")]
    current = token
    for _ in range(3):
        if current.dep_ in ("relcl", "acl") and _is_noun(current.head):
            current = current.head
            found += _children(current, "appos")  # "the countries that won seats - A, B and C -"
            continue
        if _is_noun(current):
            found += _children(current, "appos")
        if current.dep_ in ("csubj", "nsubj", "nsubjpass") and _lower(current.head) in _LISTING:
            found += _children(current.head, "attr", "dobj")
        elif (
            current.dep_ == "pobj"
            and _lower(current.head) == "among"
            and _lower(current.head.head) in _LISTING
        ):
            found += _children(current.head.head, "nsubj", "attr")
        break
    return found


def _generic(tokens: list[Any]) -> bool:
    """No named actor: none, or a common noun ("fifteen countries", "the winners")."""
    return all(t.tag_ in ("NN", "NNS", "CD") for t in tokens)


def _named_under(token: Any) -> list[Any]:
    """Proper nouns a list hangs under a seat or its verb by: "won seats, including A and B",
    "won seats in the vote, among them A and B" (the parser may attach such a list loosely)."""
    found: list[Any] = []
    for child in token.children:
        if child.dep_ in ("prep", "dep", "appos", "npadvmod") and child.tag_ == "NNP":
            found.append(child)
        elif child.dep_ == "prep":
            for obj in _children(child, "pobj"):
                found += [o for o in [obj, *_children(obj, "conj", "appos")] if o.tag_ == "NNP"]
                found += [o for o in _children(child, "dep", "appos") if o.tag_ == "NNP"]
    return found


def _since_frame(token: Any, kind: str) -> DepEvent | None:
    """A membership held since a date is a joining then: "X has been a member of Y since 1950",
    "Y, which X has belonged to since 1950", "X, a member of Y since 1950, ..."."""
    since = [c for c in token.children if c.dep_ == "prep" and _lower(c) == "since"]
    if kind == "member" and not since and token.dep_ == "attr":
        since = [c for c in token.head.children if c.dep_ == "prep" and _lower(c) == "since"]
    if not since or not _children(since[0], "pobj"):
        return None
    if kind == "belong":
        bodies = _prep_objects(token, ("to",))
        stranded = any(_lower(c) == "to" and not _children(c, "pobj") for c in _children(token, "prep"))
        if token.dep_ == "relcl" and (stranded or any(b.tag_ in ("WDT", "WP") for b in bodies)):
            bodies = [token.head]  # "the OAS, which it has belonged to since 1950"
        return DepEvent("join", token, _subject(token), bodies, [], None, False, since=since[0])
    if _lower(token) not in ("member", "members"):
        return None
    bodies = _prep_objects(token, ("of", "in"))
    if token.dep_ == "attr":
        actors = _subject(token.head)
    elif token.dep_ == "appos":
        actors = [token.head]
    else:
        return None
    return DepEvent("join", token, actors, bodies, [], None, False, since=since[0])


def _election_frame(token: Any, kind: str) -> DepEvent | None:
    """A state elected to a body with elected seats (the ``elect`` row of the table)."""
    word = _lower(token)
    if word.startswith("re") and not word.startswith("reg") or _re_prefixed(token):
        return None  # re-elected: no new membership (the gold format's rule)
    if kind == "unopposed":
        if not any(_lower(c) in ("unopposed", "uncontested", "unchallenged") for c in token.children):
            return None
        seats = [o for o in _prep_objects(token, ("for",)) if _lower(o) in _SEAT_NOUNS]
        bodies = [b for s in seats for b in _prep_objects(s, ("on", "in", "at", "to", "of"))]
        actors = _subject(token) + _as_were(token)  # "A and B were unopposed, as were C and D"
        return DepEvent("join", token, actors, bodies, [token], None, _present(token), election=True)
    if kind == "seat" and any(_lower(o) in ("election", "elections") for o in _children(token, "dobj")):
        # "won election to the council": an election won to a body named after "to"
        bodies = [b for o in _children(token, "dobj") for b in _prep_objects(o, ("to", "onto"))]
        bodies += _prep_objects(token, ("to", "onto"))
        if not bodies or word.startswith(("go", "went")):
            return None
        return DepEvent("join", token, _subject(token), bodies, [token], None, _present(token), election=True)
    if kind == "seat":
        # "won a seat on the council", "secured seats", "took up their seats on 1 January"; passive
        # "the seats were won by A and B"; "the seats went to A and B"
        going = word in ("go", "goes", "went", "gone")
        seats = [o for o in _children(token, "nsubj" if going else "dobj", "nsubjpass")
                 if _lower(o) in _SEAT_NOUNS]  # fmt: skip
        if not seats:
            if (
                word in ("won", "win", "wins")
                and not _children(token, "dobj", "attr", "dative")
                and any(
                    _lower(t) in ("seat", "seats", "votes", "ballot", "elected", "election")
                    for t in token.sent
                )
            ):
                # "Mexico, who ran unopposed for a seat, also won": a win in an election's sentence
                return DepEvent("join", token, _subject(token), [], [token], None, _present(token),
                                election=True)  # fmt: skip
            return None
        bodies = [b for s in seats for b in _prep_objects(s, ("on", "in", "at", "to", "of"))]
        if going:
            actors = _prep_objects(token, ("to",))
        elif seats[0].dep_ == "dobj":
            bodies += _prep_objects(token, ("on", "in", "at", "to"))
            actors = _subject(token) + _listing(token)
            if _generic(_subject(token)):
                # "fifteen countries won seats, including A and B"
                actors += _named_under(seats[0]) + _named_under(token)
            for verb in _children(token, "conj"):
                if _lower(verb) in _LISTING:  # "the states winning seats included A and B"
                    actors += _children(verb, "dobj", "attr")
        else:
            bodies += _prep_objects(token, ("on", "in", "at", "to"))
            actors = _prep_objects(token, ("by",))
        return DepEvent("join", token, actors, bodies, [token], None, _present(token), election=True)
    if _is_noun(token) and word.startswith("winner"):
        return DepEvent("join", token, _listing(token), [], [token], None, False, election=True)
    if kind == "newmember":
        # "the council's new members, including A and B, ...", "the new members are A and B":
        # the states listed, members of the body with elected seats the noun names (its possessor
        # or "of"), else of the story's. (New members of other bodies are left to their joining.)
        if not any(_lower(c) in ("new", "newest", "incoming") for c in _children(token, "amod")):
            return None
        actors = _listing(token) + _named_under(token)
        bodies = [o for o in _children(token, "poss") if o.tag_ not in ("PRP$", "WP$")]
        bodies += _prep_objects(token, ("of", "on", "in"))
        return DepEvent("join", token, actors, bodies, [token], None, False, election=True)
    if _is_noun(token):
        # "the election of A and B to the council": the body may hang on the noun or on its verb;
        # "A's election to the council": the possessor
        actors = _prep_objects(token, ("of",)) or [o for o in _children(token, "poss") if o.tag_ != "PRP$"]
        bodies = _prep_objects(token, ("to", "onto", "on"))
        if not bodies and token.dep_ in ("dobj", "pobj", "nsubj", "nsubjpass"):
            bodies = _prep_objects(token.head, ("to", "onto"))
        return DepEvent("join", token, actors, bodies, [token], None, False, election=True)
    preps = ("to", "onto", "on", "into", "in") if kind == "elect" else ("onto", "on", "to", "into")
    as_nouns = _prep_objects(token, ("as",)) + _children(token, "oprd", "attr")
    if any(_lower(n) in _OFFICE_NOUNS or any(_lower(c) in _OFFICE_NOUNS for c in n.children)
           for n in as_nouns):  # fmt: skip
        return None  # "elected X as president": an office, not a seat
    bodies = [b for b in _prep_objects(token, preps) if _lower(b) not in _OFFICE_NOUNS]
    bodies += [b for n in as_nouns for b in _descend_member(n)]
    if kind == "vote":
        particles = {_lower(c) for c in token.children if c.dep_ in ("prt", "prep", "advmod")}
        if not particles & {"onto", "into"}:
            # "voted A, B and C onto Y": the parser may hang "onto Y" on the last state of the list
            onto = [
                b
                for o in _children(token, "dobj")
                for c in _conjuncts(o)
                for b in _prep_objects(c, ("onto",))
            ]
            if onto:
                particles.add("onto")
                bodies += onto
        if not particles & {"in", "onto", "on", "into"} or not (bodies or _passive(token)):
            return None  # "voted to suspend", "voted on the resolution": no election
        if not _passive(token) and "in" in particles:
            actors = [o for p in token.children if _lower(p) == "in" for o in _children(p, "pobj")]
            actors += _children(token, "dobj")
            return DepEvent("join", token, actors, bodies, [token], None, _present(token), election=True)
    if token.dep_ == "amod" and _is_noun(token.head):
        # "the newly elected members are A, B and C": the list the described noun is given
        actors = _listing(token.head) + _named_under(token.head)
        return DepEvent("join", token, actors, bodies, [token], None, _present(token), election=True)
    if _passive(token) or token.dep_ in ("acl", "relcl"):
        actors = _subject(token) + _listing(token)
        if token.dep_ == "acl" and token.head.dep_ in ("nsubj", "nsubjpass"):
            # "others elected included A and B", "the countries elected were A and B"
            verb = token.head.head
            if _lower(verb) in _LISTING:
                actors = _children(verb, "dobj", "attr")
        elif token.dep_ == "acl" and token.head.tag_ in ("NN", "NNS"):
            # "among the countries elected to Y were A and B": a common noun's list, where given
            actors = _listing(token) or [token.head]
        elif token.dep_ == "acl":
            actors = [token.head]  # "Peru, elected in 2030, ...": the noun the participle describes
        actors = actors + _as_were(token)  # "A and B were elected, as were C and D"
    else:
        actors = _children(token, "dobj")
    # Gapping: "A and B were elected from Africa, and C and D from Asia" -- the later states hang
    # on the verb as conjuncts, with no verb of their own.
    actors = actors + [c for c in _children(token, "conj") if c.tag_ == "NNP" and not _children(c, "nsubj")]
    return DepEvent("join", token, actors, bodies, [token], None, _present(token), election=True)


_TRIGGER_IDS: frozenset[int] | None = None


def _trigger_positions(sdoc: Any) -> list[int]:
    """The positions of a sentence's tokens whose lower-case form is a trigger word (a key of
    ``_VERBS`` or ``_NOUNS``), read from the parse's array of lower-case ids: few tokens are,
    and making a Token object of each of the others costs more than the frames found."""
    global _TRIGGER_IDS
    if _TRIGGER_IDS is None:
        # spaCy's LOWER is the id of ``token.text.lower()`` (what _lower reads), as the string
        # store gives it for any string.
        _TRIGGER_IDS = frozenset(sdoc.vocab.strings[word] for word in (*_VERBS, *_NOUNS))
    ids = _TRIGGER_IDS
    return [index for index, lower in enumerate(sdoc.to_array("LOWER").tolist()) if lower in ids]


def dependency_events(sdoc: Any) -> Iterator[DepEvent]:
    """The membership frames of one parsed sentence, with their modality settled.

    ``action`` is the gold format's action; frames that are no event (negated, wished,
    threatened, attempted) are left out.
    """
    for index in _trigger_positions(sdoc):
        token = sdoc[index]
        event = _frame(token)
        if event is None:
            continue
        # "withdrew from its membership of the OAS": the body under a membership noun
        event.bodies = [
            *event.bodies,
            *(b for t in event.bodies if _lower(t) in _PART_NOUNS for b in _descend_part(t)),
        ]
        # "the treaty, which X joined in 2002", "Mali, which the AU suspended": the relative pronoun
        # stands for the noun its clause describes.
        if token.dep_ == "relcl":
            event.bodies = [token.head if _relative(b) else b for b in event.bodies]
            event.actors = [token.head if _relative(a) and a.dep_ != "nsubj" else a for a in event.actors]
        mode, head = _mode(token)
        if mode == "none":
            continue
        if (
            mode == "announce"
            and head is not None
            and _lower(head) in _PLAN_WORDS
            and event.action in ("join", "rejoin", "suspend", "expel")
        ):
            continue  # "plans to return to Y": a plan, not a return
        if token.dep_ == "xcomp" and _is_verb(token.head):
            event.date_heads.append(token.head)  # "voted on Thursday to suspend", "decided in May to leave"
        if token.dep_ == "acl" and token.tag_ == "VBG" and _is_noun(token.head):
            owner = clause_owner(token.head, lambda _token: False)
            if owner is not None:
                event.date_heads.append(owner)  # "last month it signed a law suspending ..."
        reversal = _reversal_above(token) if event.action == "withdraw" else None
        if reversal is not None:
            # "South Africa's withdrawal was revoked", "cancelled its notice of withdrawal": a
            # withdrawal undone before it took effect was announced, not made; its notice is the
            # reverser's ("its notice") when the noun names no one.
            event.action = "announce_withdrawal"
            event.date_heads = []
            event.own_dates = False
            if not event.actors:
                event.actors = [
                    o
                    for t in token.ancestors
                    if t.i != reversal.i and _is_noun(t)
                    for o in _children(t, "poss")
                ][:1]
        elif event.action == "withdraw":
            if mode == "announce" and head is not None:
                event.action = "announce_withdrawal"
                event.announce_head = head
                event.date_heads = _announcement_heads(head)
                if _is_noun(head) and _VERBS.get(_lower(head.head)) == "reverse":
                    event.own_dates = False  # "halted proceedings to leave": a notice given before
                if not event.actors and _is_noun(token):
                    # "Ghana submitted its notice of withdrawal": the notice's owner, else who gave it
                    event.actors = [o for o in _children(head, "poss") if _is_noun(head)] or agent(head)
                if not event.bodies and _is_noun(head) and head.dep_ == "dobj":
                    event.bodies = _prep_objects(head.head, ("from",))  # "sent its exit notice from Y"
                if not event.bodies and _lower(head) in _NOTICE_NOUNS:
                    event.topical = True  # "announced its intention to leave": the story's body
            elif mode == "future":
                event.action = "announce_withdrawal"
                event.announce_head = _saying_head(token)
                event.date_heads = _announcement_heads(event.announce_head)
        elif mode == "future" and event.action not in ("join",):
            continue
        elif (
            mode == "announce"
            and event.action in ("suspend", "expel", "rejoin")
            and any(_lower(c) in _FUTURE_AUX for c in _children(token, "aux"))
            and _VERBS.get(_lower(token)) != "reverse"
        ):
            # "announced that Russia would suspend its participation": an intention told, not yet
            # an event (but "announced it will halt its withdrawal" takes the notice back at once)
            continue
        if event.action == "withdraw" and _progressive(token) and mode in ("event", "reported"):
            event.action = "announce_withdrawal"  # "Russia is leaving the organisation": under way, not done
        if mode == "reported" and head is not None:
            event.date_heads.extend(_announcement_heads(head))
        elif mode == "announce" and head is not None and event.action != "announce_withdrawal":
            # "announced on Tuesday that it will halt proceedings to leave": a return (or another
            # event) made by an announcement is dated by the announcement when its own clause is not.
            event.date_heads.extend(_announcement_heads(head))
        yield event


def _relative(token: Any) -> bool:
    return token.tag_ in ("WDT", "WP") or (_lower(token) == "that" and token.dep_ in ("dobj", "pobj"))


def _reversal_above(token: Any) -> Any | None:
    """The verb that takes a withdrawal back, if one governs it within a few steps: "revoked its
    withdrawal", "its notice of withdrawal was cancelled", "withdrew its notice of withdrawal"."""
    if not _is_noun(token):
        return None
    current = token
    for _ in range(4):
        if current.head is current:
            return None
        current = current.head
        if _is_verb(current):
            kind = _VERBS.get(_lower(current))
            frame = _frame(current) if kind == "withdraw" else None
            if kind == "reverse" or (frame is not None and frame.action == "rejoin"):
                return current
            return None
        if current.dep_ == "ROOT":
            return None
    return None


def _progressive(token: Any) -> bool:
    return token.tag_ == "VBG" and any(
        _lower(c) in ("is", "are", "was", "were", "'s", "'re") for c in _children(token, "aux")
    )


def _announcement_heads(head: Any | None) -> list[Any]:
    """The words whose clause dates an announcement: the announcing word and, for a noun ("gave
    notice of"), the verb it hangs from."""
    if head is None:
        return []
    heads = [head]
    if _is_noun(head):
        owner = clause_owner(head, lambda _token: False)
        if owner is not None:
            heads.append(owner)
    return heads


def _saying_head(token: Any) -> Any | None:
    """The verb of saying a future withdrawal hangs from ("said on Friday it would leave")."""
    current = token
    for _ in range(4):
        if current.dep_ in ("ccomp", "xcomp", "conj") and current.head is not current:
            current = current.head
            if _lower(current) in _ANNOUNCE:
                return current
        else:
            return None
    return None


def clause_owner(token: Any, is_trigger: Callable[[Any], bool]) -> Any | None:
    """The clause a token (a date's first word) belongs to: the first verb or trigger above it."""
    current = token
    for _ in range(12):
        if current.head is current:
            return current if _is_verb(current) or is_trigger(current) else None
        current = current.head
        if _is_verb(current) or is_trigger(current):
            return current
    return None


def trigger_noun_or_verb(token: Any) -> bool:
    """Whether a token opens a membership frame (for :func:`clause_owner`)."""
    return _is_trigger_noun(token) not in (None, "member", "newmember")


_WORD = re.compile(r"\w+")
