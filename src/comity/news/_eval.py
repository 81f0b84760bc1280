"""Scoring the news reader against hand annotations in the gold format.

:func:`evaluate` reads every ``<id>.txt`` of a directory that has an ``<id>.json`` beside it
(documents are matched by file stem; a ``.txt`` without its ``.json`` is skipped and
listed in ``EvalReport.skipped``), runs the reader on the text alone (the annotation's url,
outlet and date are not given to it), converts the result with :func:`to_gold` and scores
it field by field. Counts (true positives, false positives, false negatives) are summed
over documents (micro-average per field); macro-F1 is the mean of the field F1s.

Matching rules
--------------
states, organizations
    Sets of ids per document.
people
    Sets of normalised names per document: lower case, accents and punctuation removed,
    spaces collapsed ("António Guterres" = "antonio guterres").
quotes
    A predicted quote matches a gold quote (one to one, best overlap first) when their words
    overlap by at least 80% -- the size of the multiset intersection of their lower-cased
    words divided by the word count of the longer of the two -- *and* the speaker is the
    same: equal after normalisation, or, for person names, the words of one name are the
    first or last words of the other ("Wang" = "Wang Yi", "Blinken" = "Antony Blinken").
coalitions
    Scored as (coalition, member) pairs. Each gold coalition is aligned one to one with the
    predicted coalition sharing most members with it (names are not compared: texts name
    one group in many ways). A member of an aligned pair present in both is a true
    positive; gold members not found are false negatives; predicted members not in the
    aligned gold coalition (or of an unaligned predicted coalition) are false positives.
memberships
    A predicted event matches a gold event (one to one) when actor, body and action are
    equal and the dates agree: both null, or both given and equal up to the precision of
    the less precise one ("2020" agrees with "2020-01-20"). A date on one side only is a
    mismatch.
meetings
    (body, date) pairs, with dates compared as for memberships; chair and participants are
    not scored.
stories
    Pairwise over documents: a pair of documents is positive when both are in one story.
    Predicted stories come from ``comity.news._stories.group_stories`` when that module
    exists; otherwise the field is not scored.

A field that has neither gold nor predicted items in any document is left out of the
macro-average.

Errors by kind
--------------
``EvalReport.errors`` counts errors over all documents, so that a held-out split is read in
aggregate, never text by text: quotations missed, not quotations, or given the wrong kind of
speaker ("person as unknown"); and, with :func:`quote_cue`, how the text attributes each
quotation missed or misattributed ("quotes by cue: wrong speaker (after, pronoun; person as
unknown)": a pronoun after the quotation, a person's words read as nobody's); meetings and
memberships by what differs from the gold ("memberships by kind: wrong date (gold year, read
null)", "missed (join, body read, date day)").
"""

from __future__ import annotations

import itertools
import json
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from comity.errors import BadInput
from comity.news._corpus import Split, split_documents
from comity.news._doc import NewsDoc
from comity.news._gold import to_gold
from comity.news._pipeline import Pipeline

__all__ = [
    "EvalReport",
    "FieldScore",
    "evaluate",
    "meeting_context",
    "meeting_error_kinds",
    "membership_error_kinds",
    "quote_cue",
    "score_documents",
]

FIELDS = ("states", "organizations", "people", "quotes", "coalitions", "memberships", "meetings", "stories")


@dataclass
class FieldScore:
    """Counts and scores of one field."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def empty(self) -> bool:
        return self.tp + self.fp + self.fn == 0

    def add(self, tp: int, fp: int, fn: int) -> None:
        self.tp += tp
        self.fp += fp
        self.fn += fn


@dataclass
class EvalReport:
    """Per-field scores over a set of documents."""

    fields: dict[str, FieldScore]
    documents: int
    skipped: list[str] = field(default_factory=list)
    per_document: dict[str, dict[str, tuple[int, int, int]]] = field(default_factory=dict)
    #: Error counts by kind over all documents ("quotes: wrong speaker (person as unknown)"), so
    #: that a held-out set can be read in aggregate, never text by text.
    errors: Counter[str] = field(default_factory=Counter)

    @property
    def macro_f1(self) -> float:
        scored = [score.f1 for score in self.fields.values() if not score.empty]
        return sum(scored) / len(scored) if scored else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "skipped": list(self.skipped),
            "fields": {
                name: {
                    "tp": s.tp,
                    "fp": s.fp,
                    "fn": s.fn,
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                }
                for name, s in self.fields.items()
            },
            "macro_f1": round(self.macro_f1, 4),
            "errors": dict(sorted(self.errors.items())),
        }

    def format(self, errors: bool = False) -> str:
        """A table of the fields (then, with ``errors``, error counts by kind), ending with the
        line ``macro-F1 0.xxx``."""
        lines = [f"documents {self.documents}", f"{'field':<14} {'P':>6} {'R':>6} {'F1':>6}   tp/fp/fn"]
        for name, score in self.fields.items():
            if score.empty:
                lines.append(f"{name:<14} {'n/a':>6} {'n/a':>6} {'n/a':>6}")
                continue
            lines.append(
                f"{name:<14} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f}   "
                f"{score.tp}/{score.fp}/{score.fn}"
            )
        for name in self.skipped:
            lines.append(f"skipped {name}")
        if errors:
            lines.append("errors by kind")
            for kind, count in sorted(self.errors.items(), key=lambda item: (-item[1], item[0])):
                lines.append(f"  {count:>4}  {kind}")
        lines.append(f"macro-F1 {self.macro_f1:.3f}")
        return "\n".join(lines)


def normalise_name(name: str) -> str:
    """Lower case, no accents, no punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", name)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char)).lower()
    plain = re.sub(r"[^\w\s:]", " ", plain)
    return re.sub(r"\s+", " ", plain).strip()


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", text).lower())


def word_overlap(gold: str, pred: str) -> float:
    """Multiset word intersection over the word count of the longer text."""
    gold_words, pred_words = Counter(_words(gold)), Counter(_words(pred))
    longest = max(sum(gold_words.values()), sum(pred_words.values()))
    if longest == 0:
        return 0.0
    return sum((gold_words & pred_words).values()) / longest


def same_speaker(gold: str, pred: str) -> bool:
    """Equal after normalisation, or one person name the first/last words of the other."""
    a, b = normalise_name(gold), normalise_name(pred)
    if a == b:
        return True
    if ":" in a or ":" in b or a.isupper() or not a or not b:
        return False
    if gold.isupper() or pred.isupper():  # ids such as USA, UNGA
        return False
    short, long_ = sorted((a.split(), b.split()), key=len)
    return long_[: len(short)] == short or long_[-len(short) :] == short


def _match_greedy(
    gold: list[Any], pred: list[Any], score: Callable[[Any, Any], float], threshold: float
) -> int:
    """Number of one-to-one matches with score >= threshold, best pairs first."""
    pairs = sorted(
        ((score(g, p), i, j) for i, g in enumerate(gold) for j, p in enumerate(pred)),
        key=lambda item: -item[0],
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    matched = 0
    for value, i, j in pairs:
        if value < threshold:
            break
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        matched += 1
    return matched


def _dates_agree(gold: str | None, pred: str | None) -> bool:
    if gold is None or pred is None:
        return gold is None and pred is None
    size = min(len(gold), len(pred))
    return gold[:size] == pred[:size]


def _set_counts(gold: Iterable[str], pred: Iterable[str]) -> tuple[int, int, int]:
    g, p = set(gold), set(pred)
    return len(g & p), len(p - g), len(g - p)


def _quote_counts(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[int, int, int]:
    def score(g: dict[str, Any], p: dict[str, Any]) -> float:
        if not same_speaker(str(g.get("speaker", "")), str(p.get("speaker", ""))):
            return 0.0
        return word_overlap(str(g.get("text", "")), str(p.get("text", "")))

    matched = _match_greedy(gold, pred, score, 0.8)
    return matched, len(pred) - matched, len(gold) - matched


def _coalition_counts(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[int, int, int]:
    gold_sets = [set(c.get("members") or []) for c in gold]
    pred_sets = [set(c.get("members") or []) for c in pred]
    pairs = sorted(
        ((len(g & p), i, j) for i, g in enumerate(gold_sets) for j, p in enumerate(pred_sets)),
        key=lambda item: -item[0],
    )
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    tp = 0
    for shared, i, j in pairs:
        if shared == 0:
            break
        if i in used_gold or j in used_pred:
            continue
        used_gold.add(i)
        used_pred.add(j)
        tp += shared
    gold_total = sum(len(s) for s in gold_sets)
    pred_total = sum(len(s) for s in pred_sets)
    return tp, pred_total - tp, gold_total - tp


def _membership_counts(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[int, int, int]:
    def score(g: dict[str, Any], p: dict[str, Any]) -> float:
        same = all(g.get(key) == p.get(key) for key in ("actor", "body", "action"))
        return 1.0 if same and _dates_agree(g.get("date"), p.get("date")) else 0.0

    matched = _match_greedy(gold, pred, score, 1.0)
    return matched, len(pred) - matched, len(gold) - matched


def _meeting_counts(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[int, int, int]:
    def score(g: dict[str, Any], p: dict[str, Any]) -> float:
        return 1.0 if g.get("body") == p.get("body") and _dates_agree(g.get("date"), p.get("date")) else 0.0

    matched = _match_greedy(gold, pred, score, 1.0)
    return matched, len(pred) - matched, len(gold) - matched


def _speaker_kind(speaker: str) -> str:
    if speaker == "unknown" or not speaker:
        return "unknown"
    if speaker.startswith(("unnamed:", "joint:")):
        return speaker.split(":", 1)[0]
    if speaker.replace("_", "").isupper():
        return "state" if len(speaker) == 3 and speaker.isalpha() else "organisation"
    return "person"


def error_kinds(gold: dict[str, Any], pred: dict[str, Any]) -> Counter[str]:
    """The errors of one document by kind: quotations missed, invented, or given the wrong
    kind of speaker; people, memberships and meetings missed or invented."""
    kinds: Counter[str] = Counter()
    gold_quotes, pred_quotes = gold.get("quotes") or [], pred.get("quotes") or []
    used: set[int] = set()
    for quote in gold_quotes:
        overlaps = [
            (word_overlap(str(quote.get("text", "")), str(p.get("text", ""))), j)
            for j, p in enumerate(pred_quotes)
            if j not in used
        ]
        best = max(overlaps, default=(0.0, -1))
        if best[0] < 0.8:
            kinds["quotes: missed"] += 1
            if quote.get("cue"):
                kinds[f"quotes by cue: missed ({quote['cue']})"] += 1
            continue
        used.add(best[1])
        gold_speaker, pred_speaker = (
            str(quote.get("speaker", "")),
            str(pred_quotes[best[1]].get("speaker", "")),
        )
        if not same_speaker(gold_speaker, pred_speaker):
            kinds[
                f"quotes: wrong speaker ({_speaker_kind(gold_speaker)} as {_speaker_kind(pred_speaker)})"
            ] += 1
            if quote.get("cue"):
                kinds[
                    f"quotes by cue: wrong speaker ({quote['cue']}; "
                    f"{_speaker_kind(gold_speaker)} as {_speaker_kind(pred_speaker)})"
                ] += 1
    kinds["quotes: not a quotation"] += len(pred_quotes) - len(used)
    for name in ("people", "memberships", "meetings"):
        tp, fp, fn = score_document({name: gold.get(name)}, {name: pred.get(name)})[name]
        kinds[f"{name}: missed"] += fn
        kinds[f"{name}: invented"] += fp
    kinds.update(meeting_error_kinds(gold, pred))
    kinds.update(membership_error_kinds(gold, pred))
    return +kinds


# Words that attribute speech, for reading errors by kind (the reader keeps its own lists: the
# scorer must not share the reader's blind spots).
_CUE_VERB = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|stated|states|wrote|writes|declared|declares|noted|notes|"
    r"stressed|warned|urged|insisted|argued|explained|continued|concluded|tweeted|posted|announced|"
    r"reads?|saying|adding|noting|telling|warning|urging|called|calls|described|describes|according to)\b",
    re.IGNORECASE,
)
_CUE_PRONOUN = re.compile(r"\b(?:he|she|they|it)\b", re.IGNORECASE)
_CUE_DOCUMENT = re.compile(
    r"\b(?:statement|letter|declaration|resolution|communiqu\w*|text|report|draft|document|note|op-ed)\b",
    re.IGNORECASE,
)
_CUE_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019]?(?:\s|$)")
_CUE_MARKS = "\"'\u201c\u201d\u2018\u2019\u201e\u00ab\u00bb"


def _cue_form(window: str) -> str:
    """How a stretch of attribution names the speaker: pronoun, document, description or name."""
    if _CUE_PRONOUN.search(window):
        return "pronoun"
    if _CUE_DOCUMENT.search(window):
        return "document"
    words = [w for w in re.findall(r"[\w'-]+", _CUE_VERB.sub(" ", window)) if w[:1].isalpha()]
    # A description is all lower case ("the minister", "a senior diplomat", "the organisation")
    # but for a first word that opens the sentence.
    if words and not any(w[:1].isupper() for w in words[1:]) and len(words) <= 8:
        return "description"
    return "name"


def quote_cue(text: str, quote: str) -> str | None:
    """Where and how ``text`` attributes the quotation ``quote`` (its words, as in the gold format).

    ``"<place>, <form>"``: the place is ``according to``, ``colon`` (a lead ending in a colon),
    ``after`` (a speech verb after the quotation in its sentence), ``next sentence`` (the
    quotation ends its sentence; the next one speaks), ``before`` (a speech verb before it in its
    sentence), ``continuation`` (the quotation opens its paragraph with no speech verb about it)
    or ``other verb`` (the words hang from another verb; the form is that of the sentence's
    opening words); the form is ``pronoun``, ``document``, ``description`` ("the minister") or
    ``name``. None when the words are not found in the text. Used to read errors by kind.
    """
    start = text.find(quote)
    if start < 0 or not quote.strip():
        return None
    end = start + len(quote)
    para_start = text.rfind("\n", 0, start) + 1
    para_end = text.find("\n", end)
    para_end = len(text) if para_end < 0 else para_end
    lead_all = text[para_start:start].rstrip(_CUE_MARKS + " ")
    ends = list(_CUE_SENTENCE_END.finditer(lead_all))
    lead = lead_all[ends[-1].end() :] if ends else lead_all
    after = text[end:para_end].lstrip(_CUE_MARKS + " ")
    first_end = _CUE_SENTENCE_END.search(after)
    trail = after[: first_end.end()] if first_end else after
    ends_sentence = quote.rstrip()[-1:] in ".!?" and after[:1].isupper()
    if "according to" in (lead + " " + trail[:80]).lower():
        return "according to, " + _cue_form(
            re.split(r"according to", lead + " " + trail, flags=re.I)[-1][:60]
        )
    if lead.rstrip().endswith(":"):
        return "colon, " + _cue_form(lead[-80:])
    verb = _CUE_VERB.search(trail[:100])
    if verb is not None:
        # The subject before the verb ("she said"), or the words after it ("said the envoy").
        window = trail[: verb.start()]
        if not window.strip(" ,.-"):
            window = re.split(r"[,.;:]", trail[verb.end() :])[0][:60]
        return ("next sentence, " if ends_sentence else "after, ") + _cue_form(window)
    verbs = list(_CUE_VERB.finditer(lead))
    if verbs:
        return "before, " + _cue_form(lead[max(0, verbs[-1].start() - 60) : verbs[-1].start()])
    if not lead.strip():
        return "continuation"
    # No speech verb: the words hang from some other verb ("X vowed to '...'"); the form of the
    # sentence's opening words says what kind of subject it has.
    return "other verb, " + _cue_form(lead[:60])


# What the sentence of a meeting read in error speaks of, first match wins: the events that the
# issue saw taken for meetings (signings, warrants, announcements), then the meeting word itself.
_MEETING_CONTEXTS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (label, re.compile(pattern, re.I))
    for label, pattern in (
        ("a signing", r"\bsign(?:s|ed|ing|atures?)?\b"),
        ("a warrant", r"\bwarrants?\b"),
        ("an announcement", r"\bannounc\w*"),
        ("an election or appointment", r"\b(?:elect|appoint)\w*"),
        ("a plan or intention", r"\b(?:will|would|plans?|planned|scheduled|expected|intends?|wants?)\b"),
        ("a statement", r"\b(?:statement|declaration|communiqu\w*|letter)\b"),
        ("a vote", r"\b(?:vot\w*|veto\w*|abstain\w*|abstentions?)\b"),
        ("a decision", r"\b(?:adopt|pass|approv|reject|endors)\w*"),
        ("a meeting word", r"\b(?:meetings?|sessions?|summits?|debates?|conferences?|forums?|talks)\b"),
    )
)


def meeting_context(sentence: str) -> str:
    """What a sentence that reports a meeting speaks of ("a signing", "a vote", ...)."""
    for label, pattern in _MEETING_CONTEXTS:
        if pattern.search(sentence):
            return label
    return "other words"


def _body_kind(body: Any) -> str:
    from comity.news._orgtables import organisation_kinds

    kind = organisation_kinds().get(str(body))
    return f"of kind {kind[0]}" if kind else "not in the registry"


_Pairs = Callable[[dict[str, Any], dict[str, Any]], bool]


def _take_pairs(
    gold_left: list[dict[str, Any]], pred_left: list[dict[str, Any]], pairs: _Pairs
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pair each gold fact left with the first prediction left that ``pairs`` accepts, removing
    both: the error breakdowns take the closest agreement first, then looser ones."""
    found = []
    for g in list(gold_left):
        p = next((p for p in pred_left if pairs(g, p)), None)
        if p is not None:
            gold_left.remove(g)
            pred_left.remove(p)
            found.append((g, p))
    return found


def meeting_error_kinds(gold: dict[str, Any], pred: dict[str, Any]) -> Counter[str]:
    """The meeting errors of one document by kind, under ``meetings by kind: ...``.

    Gold and read meetings are first matched on (body, date) as in scoring; a matched pair with
    another chair is ``chair wrong`` (or missed, invented). Of the rest, a gold and a read meeting
    of one body are a ``wrong date`` (which side is null, or both dated), then ones of one date a
    ``wrong body``; a read meeting left is ``not a meeting`` with what its sentence speaks of (the
    ``context`` key of the read meeting, see :func:`meeting_context`, and its meeting word, the
    ``cue`` key), a gold one left ``missed``
    (body read as an organisation of the document or not).
    """
    kinds: Counter[str] = Counter()
    gold_left = list(gold.get("meetings") or [])
    pred_left = list(pred.get("meetings") or [])

    def take(pairs: _Pairs) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return _take_pairs(gold_left, pred_left, pairs)

    for g, p in take(
        lambda g, p: g.get("body") == p.get("body") and _dates_agree(g.get("date"), p.get("date"))
    ):
        gold_chair, pred_chair = g.get("chair"), p.get("chair")
        if gold_chair and not pred_chair:
            kinds["meetings by kind: chair missed"] += 1
        elif pred_chair and not gold_chair:
            kinds["meetings by kind: chair invented"] += 1
        elif gold_chair and pred_chair and not same_speaker(str(gold_chair), str(pred_chair)):
            kinds["meetings by kind: chair wrong"] += 1
    for g, p in take(lambda g, p: g.get("body") == p.get("body")):
        if g.get("date") is None:
            kinds["meetings by kind: wrong date (gold null, read dated)"] += 1
        elif p.get("date") is None:
            kinds["meetings by kind: wrong date (gold dated, read null)"] += 1
        else:
            kinds["meetings by kind: wrong date (both dated)"] += 1
    for _g, p in take(lambda g, p: _dates_agree(g.get("date"), p.get("date"))):
        kinds[
            f"meetings by kind: wrong body ({'UN for an organ' if p.get('body') == 'UN' else 'another body'})"
        ] += 1
    gold_bodies = {g.get("body") for g in gold.get("meetings") or []}
    for p in pred_left:
        cue = f", cue {str(p['cue']).lower()!r}" if p.get("cue") else ""
        known = (
            ", body of a gold meeting"
            if p.get("body") in gold_bodies
            else f", body {_body_kind(p.get('body'))}"
        )
        kinds[f"meetings by kind: not a meeting ({p.get('context') or 'context unknown'}{cue}{known})"] += 1
    organisations = set(pred.get("organizations") or [])
    for g in gold_left:
        known = "body read" if g.get("body") in organisations else "body not read"
        kinds[f"meetings by kind: missed ({known})"] += 1
    return kinds


def _date_precision(date: object) -> str:
    return {None: "null", 4: "year", 7: "month", 10: "day"}.get(
        len(date) if isinstance(date, str) else None, "other"
    )


def membership_error_kinds(gold: dict[str, Any], pred: dict[str, Any]) -> Counter[str]:
    """The membership errors of one document by kind, under ``memberships by kind: ...``.

    Gold and read events are first matched as in scoring; of the rest, a pair that differs in
    one thing only is a ``wrong date`` (with each side's precision: "gold year, read null"), a
    ``wrong action`` ("withdraw as announce_withdrawal"), a ``wrong actor`` or a ``wrong body``.
    An event left is ``missed`` or ``invented`` with its action, and for a missed one whether the
    reader took its body (and, for an organisation actor, its actor) as an organisation of the
    document: a membership missed although both its parties were read is a missed frame ("actor
    not read" marks a state actor the reader did not find in the document at all).
    """
    kinds: Counter[str] = Counter()
    gold_left = list(gold.get("memberships") or [])
    pred_left = list(pred.get("memberships") or [])

    def same(g: dict[str, Any], p: dict[str, Any], *keys: str) -> bool:
        return all(g.get(key) == p.get(key) for key in keys)

    def take(pairs: _Pairs) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        return _take_pairs(gold_left, pred_left, pairs)

    take(lambda g, p: same(g, p, "actor", "body", "action") and _dates_agree(g.get("date"), p.get("date")))
    for g, p in take(lambda g, p: same(g, p, "actor", "body", "action")):
        gold_kind, pred_kind = _date_precision(g.get("date")), _date_precision(p.get("date"))
        kinds[f"memberships by kind: wrong date (gold {gold_kind}, read {pred_kind})"] += 1
    for g, p in take(lambda g, p: same(g, p, "actor", "body")):
        kinds[f"memberships by kind: wrong action ({g.get('action')} as {p.get('action')})"] += 1
    for g, _p in take(
        lambda g, p: same(g, p, "body", "action") and _dates_agree(g.get("date"), p.get("date"))
    ):
        kinds[f"memberships by kind: wrong actor ({g.get('action')})"] += 1
    for g, _p in take(
        lambda g, p: same(g, p, "actor", "action") and _dates_agree(g.get("date"), p.get("date"))
    ):
        kinds[f"memberships by kind: wrong body ({g.get('action')})"] += 1
    organisations = set(pred.get("organizations") or [])
    for g in gold_left:
        read = "body read" if g.get("body") in organisations else "body not read"
        actor = str(g.get("actor") or "")
        if not (len(actor) == 3 and actor.isalpha() and actor.isupper()):
            read += ", organisation actor" + ("" if actor in organisations else " not read")
        elif actor not in set(pred.get("states") or []):
            read += ", actor not read"
        kinds[
            f"memberships by kind: missed ({g.get('action')}, {read}, date {_date_precision(g.get('date'))})"
        ] += 1
    for p in pred_left:
        kinds[f"memberships by kind: invented ({p.get('action')})"] += 1
    return kinds


def score_document(gold: dict[str, Any], pred: dict[str, Any]) -> dict[str, tuple[int, int, int]]:
    """(tp, fp, fn) per field for one document (every field but ``stories``)."""
    return {
        "states": _set_counts(gold.get("states") or [], pred.get("states") or []),
        "organizations": _set_counts(gold.get("organizations") or [], pred.get("organizations") or []),
        "people": _set_counts(
            (normalise_name(p["name"]) for p in gold.get("people") or []),
            (normalise_name(p["name"]) for p in pred.get("people") or []),
        ),
        "quotes": _quote_counts(gold.get("quotes") or [], pred.get("quotes") or []),
        "coalitions": _coalition_counts(gold.get("coalitions") or [], pred.get("coalitions") or []),
        "memberships": _membership_counts(gold.get("memberships") or [], pred.get("memberships") or []),
        "meetings": _meeting_counts(gold.get("meetings") or [], pred.get("meetings") or []),
    }


def story_pair_counts(gold: dict[str, str | None], pred: dict[str, str | None]) -> tuple[int, int, int]:
    """Pairwise (tp, fp, fn) over the documents both mappings hold."""
    ids = sorted(set(gold) & set(pred))
    tp = fp = fn = 0
    for a, b in itertools.combinations(ids, 2):
        in_gold = gold[a] is not None and gold[a] == gold[b]
        in_pred = pred[a] is not None and pred[a] == pred[b]
        tp += in_gold and in_pred
        fp += in_pred and not in_gold
        fn += in_gold and not in_pred
    return tp, fp, fn


def score_documents(
    gold: dict[str, dict[str, Any]],
    pred: dict[str, dict[str, Any]],
    stories: dict[str, str | None] | None = None,
) -> EvalReport:
    """Score predicted gold-format records against gold ones (both keyed by document id).

    ``stories`` maps document ids to predicted story ids; when None the ``story`` values of
    ``pred`` are used, and the field is not scored if they are all null.
    """
    fields = {name: FieldScore() for name in FIELDS}
    per_document: dict[str, dict[str, tuple[int, int, int]]] = {}
    errors: Counter[str] = Counter()
    for doc_id, gold_record in gold.items():
        pred_record = pred.get(doc_id, {})
        counts = score_document(gold_record, pred_record)
        errors.update(error_kinds(gold_record, pred_record))
        per_document[doc_id] = counts
        for name, (tp, fp, fn) in counts.items():
            fields[name].add(tp, fp, fn)
    predicted_stories = stories
    if predicted_stories is None:
        predicted_stories = {doc_id: record.get("story") for doc_id, record in pred.items()}
        if all(value is None for value in predicted_stories.values()):
            predicted_stories = {}
    if predicted_stories:
        fields["stories"].add(
            *story_pair_counts({k: v.get("story") for k, v in gold.items()}, predicted_stories)
        )
    return EvalReport(fields=fields, documents=len(gold), per_document=per_document, errors=errors)


def _read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is None:
            raise BadInput(f"{path}: cannot decode the text.", hint="Save the file as UTF-8.") from None
        return str(best)


def _group_stories(docs: list[NewsDoc]) -> dict[str, str | None] | None:
    try:
        from comity.news._stories import group_stories  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
    grouped: dict[str, Any] = group_stories(docs)
    return {str(k): (None if v is None else str(v)) for k, v in grouped.items()}


def evaluate(directory: str | Path, pipeline: Pipeline | None = None, *, split: Split = "all") -> EvalReport:
    """Run the reader on every ``<id>.txt`` in ``directory`` and score it against ``<id>.json``.

    Parameters
    ----------
    directory:
        A folder of ``.txt`` texts with ``.json`` gold annotations beside them.
    pipeline:
        The reader; default ``Pipeline(time_budget=None)``: all default stages, with no
        wall-clock budget, so that a score never depends on how loaded the machine is.
    split:
        ``all`` documents, or only those outside (``train``) or inside (``heldout``) the
        held-out stories (:data:`comity.news._corpus.HELDOUT_STORIES`).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise BadInput(f"{folder} is not a directory.", hint="Give a folder of <id>.txt and <id>.json files.")
    keep = None if split == "all" else split_documents(folder, split)
    reader = pipeline if pipeline is not None else Pipeline(time_budget=None)
    gold: dict[str, dict[str, Any]] = {}
    docs: list[NewsDoc] = []
    skipped: list[str] = []
    for text_path in sorted(folder.glob("*.txt")):
        if keep is not None and text_path.stem not in keep:
            continue
        gold_path = text_path.with_suffix(".json")
        if not gold_path.exists():
            skipped.append(f"{text_path.name}: no {gold_path.name} beside it")
            continue
        try:
            gold_record = json.loads(gold_path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise BadInput(
                f"{gold_path}: not valid JSON ({error}).", hint="Fix the annotation file."
            ) from error
        doc_id = text_path.stem
        gold[doc_id] = gold_record
        raw = _read_text(text_path)
        for quote in gold_record.get("quotes") or [] if isinstance(gold_record, dict) else []:
            # How the text attributes each gold quotation, to read quote errors by kind.
            if isinstance(quote, dict) and isinstance(quote.get("text"), str):
                quote["cue"] = quote_cue(raw, quote["text"])
        doc = NewsDoc(id=doc_id, raw=raw, meta={"source_path": str(text_path)})
        docs.append(reader(doc))
    if not gold:
        raise BadInput(
            f"{folder} holds no <id>.txt with an <id>.json beside it"
            + ("." if split == "all" else f" in the {split!r} split."),
            hint="Each text needs its gold annotation with the same stem.",
        )
    stories = _group_stories(docs)
    if stories is not None:
        for doc in docs:
            doc.story = stories.get(doc.id)
    pred = {doc.id: to_gold(doc) for doc in docs}
    for doc in docs:
        for record, meeting in zip(pred[doc.id]["meetings"], doc.meetings, strict=True):
            start, end = doc.sentence_at(meeting.start)
            record["context"] = meeting_context(doc.text[start:end])
            record["cue"] = meeting.cue
    report = score_documents(gold, pred, stories if stories is not None else {})
    report.skipped = skipped
    return report
