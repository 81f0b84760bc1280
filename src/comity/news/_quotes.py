"""The quotes stage: quotations and who said them.

Finding quotations
    After normalisation every quote mark is ``"`` or ``'``; the raw text still tells an
    opening curly mark from a closing one. Each mark is classed by its neighbours (space
    before and a word after: opening; a word or punctuation before and space after:
    closing) and paired paragraph by paragraph. A mark that looks like an opening one
    while a quotation is open closes it when it follows the end of a sentence (machine
    translation turns many closing marks around); otherwise it is a stray mark inside
    the quotation. A double quotation left open runs to the end of its paragraph only when
    the text ends there (an excerpt cut off) or the next paragraph opens with a quote mark
    (a quotation of several paragraphs); otherwise it is narrative between stray marks.
    Single quote marks are looked at only outside double quotations, must open before a
    word, and an apostrophe inside a word never opens or closes. Left out: quotations of
    one or two words (scare quotes), titles (every word capitalised, no sentence inside),
    names of known organisations, and titles announced as such ("a resolution entitled
    ...", "the resolution, '...'").

Finding the speaker
    In order: an attribution right after the quotation (``, he said``; ``said Pompeo``;
    ``Power said``; ``the letter read``; ``- UN Secretary-General Guterres``; after a
    quotation that ends its sentence, only a short "Name said."), then one before it in the
    same sentence (``according to``; a document cited with "that" -- "recalled the
    declaration ... that"; the subject of the first speech verb; ``said Pompeo,``; a colon;
    a sentence opening with a person, a resolution or a document), then the speaker of the
    quotation just before in the same or the previous paragraph when no other person is named in
    between; an unattributed paragraph running on into the next quoted one takes that one's
    speaker; a quotation that is a paragraph of its own, after a paragraph showing a named
    person speaking without quoting them, is that person's. A speaker phrase resolves to a
    person named in it (their fullest name), "he"/"she" next to the verb or alone to the first
    person named in the nearest sentence that names one (credit lines skipped), "it"/"they" to
    the body or document quoted just before ("its statement" too), else to the subject body of
    the nearest sentence that names one ("they" first to people named together: ``joint:``),
    "the Chinese minister" to the last person of that state, "the diplomat" or "the IAEA chief"
    to the nearest person with such an office, "the two leaders" to ``joint:`` and the last two
    people named, an unnamed source to ``unnamed:<description>``, a letter, note, statement or
    group to the group or declaration named nearest before, an adopted resolution to the organ
    that voted, a draft to ``unnamed:draft resolution``, a state or organisation to its id (the
    first named, the grammatical subject), and anything else to ``unknown``.

Parsing
    The sentences whose parse can change a speaker (a quotation's sentence the surface leaves in
    doubt, the sentences an "it said" looks back through for a subject) are planned by the parse
    stage's selector, which reads the surface once and keeps it for this stage, so a batch is
    parsed in one call of the model.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from comity.news._doc import Mention, NewsDoc, Person, Quote
from comity.news._parse import KeptPlans, parse_span, parse_spans, parser, register_selector
from comity.news._people import given_name_detector
from comity.news._pipeline import Resources, stage
from comity.news._speakers import ORG_NOUNS, PERSON_NOUNS, accepts_org, organisation_kinds, person_description

__all__ = ["find_quotes", "quotes"]

_OPEN_RAW = frozenset("\u201c\u201e\u00ab\u2018\u201a\u201f\u201b\u2039")
_CLOSE_RAW = frozenset("\u201d\u00bb\u2019\u203a")
_SPEECH = (
    r"said|says|say|told|tells|added|adds|noted|notes|stressed|stresses|urged|urges|warned|warns|insisted|insists|"
    r"declared|declares|stated|states|argued|argues|explained|explains|wrote|writes|tweeted|asked|asks|replied|"
    r"replies|recalled|recalls|called|calls|continued|continues|concluded|concludes|emphasized|emphasised|"
    r"emphasizes|emphasises|underscored|underscores|underlined|observed|remarked|acknowledged|acknowledges|"
    r"admitted|admits|claimed|claims|commented|responded|answered|read|reads|described|describes|"
    r"affirmed|affirms|reaffirmed|reiterated|reiterates|highlighted|highlights|announced|announces|"
    r"cautioned|suggested|suggests|conceded|concedes|predicted|vowed|vows|pledged|pledges|demanded|demands|"
    r"deplored|deplores|condemned|condemns|accused|accuses|blamed|blames|added|pointed out|went on|"
    r"spoke|speaks|proclaimed|proclaims|complained|complains|charged|charges|lamented|laments|agreed|agrees|"
    r"saying|adding|noting|stressing|warning|urging|insisting|declaring|calling|arguing|explaining|telling|"
    r"assured|assures|asserted|asserts|maintained|maintains|contended|contends|quipped|recounted|opined|"
    r"exclaimed|shouted|joked|countered|retorted|protested|objected|mentioned|mentions|announced|"
    r"indicated|indicates|confirmed|confirms|revealed|reveals|posted|wrote|writes|notified|notifies|informed|informs|ruled"
)
_SPEECH_RE = re.compile(r"\b(?:" + _SPEECH + r")\b")
_ACCORDING = re.compile(r"\baccording to\s+", re.IGNORECASE)
_PRONOUN = re.compile(r"\b(?:he|she|He|She|him|her)\b(?!\s+(?:own|country|government|ministry)\b)")
_PRONOUN_LAST = re.compile(r"\b(?:he|she|He|She)\s*,?\s*$")
# What follows "a diplomat from/at/for": a capitalised name whole ("the State Department"), a
# few lower-case words up to the body they name ("the German foreign ministry"), or one word.
_UNNAMED_TAIL = (
    r"(?:the\s+)?(?:[A-Z][\w.'’-]*(?:\s+(?:of\s+(?:the\s+)?|for\s+|and\s+)?[A-Z][\w.'’-]*)*"
    r"(?:\s+(?:[a-z][\w-]*\s+){0,2}?(?:ministry|government|department|office|delegation|mission|embassy|"
    r"administration|presidency|secretariat|agency|team|talks|negotiations))?"
    r"|(?:[a-z][\w-]*\s+){0,2}?(?:ministry|government|department|office|delegation|mission|embassy|"
    r"administration|presidency|secretariat|agency|team|talks|negotiations)"
    r"|[\w-]+)"
)
_UNNAMED = re.compile(
    r"\b(?:[Aa]|[Aa]n|[Oo]ne|[Aa]nother|[Tt]wo|[Tt]hree|[Ss]everal|[Ss]ome|[Oo]ther)\s+"
    r"((?:(?!(?:that|which|who|the|and|but|to|as|said|says|told)\b)[\w.-]+\s+){0,5}?(?:diplomats?|officials?|sources?|spokesman|spokeswoman|spokesperson|analysts?|"
    r"experts?|observers?|envoys?|ambassadors?|ministers?|delegates?|representatives?|officers?|aides?|"
    r"insiders?|members?|lawmakers?|negotiators?|commentators?|critics?|residents?|witnesses|witness|"
    r"sponsors?|participants?|advisers?|advisors?|staffers?|people)"
    r"(?:\s+(?:of|from|at|in|with|for|close to|familiar with)\s+" + _UNNAMED_TAIL + r"){0,2})\b"
)
_UNNAMED_PLURAL = re.compile(
    r"(?<![\w-])((?:[A-Za-z][\w.-]*\s+){0,3}?(?:diplomats|officials|sources|analysts|experts|observers|lawmakers|"
    r"legislators|critics|residents|witnesses|activists|protesters|negotiators|delegates|envoys|ministers|leaders)"
    r"(?:\s+(?:of|from|in|with)\s+(?:the\s+)?(?:[\w-]+\s+){0,2}?[\w-]+)?)\s*,?\s*$"
)
_UNNAMED_THE = re.compile(
    r"\b[Tt]he\s+((?:[\w-]+\s+){0,3}?(?:sponsors|authors|drafters|signatories|signers|organizers|organisers)"
    r"(?:\s+of\s+the\s+(?:[\w-]+\s+){0,3}?[\w-]+)?)\b"
)
_DOCUMENT_WORDS = re.compile(
    r"\b(?:letter|note|concept note|statement|joint statement|declaration|document|text|communiqu[eé]|group|"
    r"coalition|bloc|alliance|appeal|initiative|movement|memo|memorandum|draft note|message)\b",
    re.IGNORECASE,
)
_RESOLUTION = re.compile(r"\b(?:(draft)\s+)?resolution\b", re.IGNORECASE)
_NOMINAL = re.compile(
    r"(?:\b[Tt]he\s+|^\s*|\b[Hh]is\s+|\b[Hh]er\s+)([A-Z][\w.'-]+)\s+"
    r"((?:top |foreign |chief |senior |deputy )?"
    r"(?:minister|diplomat|president|"
    r"leader|envoy|ambassador|premier|chancellor|spokesman|spokeswoman|official|secretary|representative|"
    r"delegate|counterpart))\b"
)
_BARE_NOMINAL = re.compile(
    r"\b[Tt]he\s+(?:(?:top|foreign|chief|senior|deputy|former|prime|new|US|U\.S\.|[A-Z][\w.]*[A-Z]\.?) ){0,2}"
    r"(?i:(minister|diplomat|president|leader|envoy|ambassador|premier|chancellor|spokesman|spokeswoman|"
    r"spokesperson|secretary|secretary-general|representative|delegate|chief|head|director|director-general))\b"
)
# "the organisation", "the UN agency": a body named before, of the kind the word says.
_ORG_NOMINAL = re.compile(
    r"\b[Tt]he\s+(?:[\w.-]+\s+){0,2}?("
    + "|".join(sorted(ORG_NOUNS, key=len, reverse=True))
    + r")\b(?!['’]s)",
    re.IGNORECASE,
)
# "the spokesman of the Department of Foreign Affairs": whose office it is belongs to the description.
_OFFICE_COMPLEMENT = re.compile(
    r"\s+(?:of|for|at|to)\s+(?:the\s+)?(?:[A-Z][\w.'’-]*|of|and|the)"
    r"(?:\s+(?:[A-Z][\w.'’-]*|of|and|the))*(?<!\sthe)(?<!\sof)(?<!\sand)"
)
_DEFINITE = re.compile(r"^\s*(?:[Tt]he|[Ii]ts|[Tt]heir)\s+")
# Between two people of one subject: "X and Y", "X, Y and Z", "President X and Chancellor Y".
_JOINED = re.compile(r"\s*(?:,\s*and|,|and|&)\s*(?:(?:[A-Z][\w.'’-]*|of|the)\s+){0,4}")
_JOINT = re.compile(
    r"\b(?:[Tt]he\s+)?(two|both|three|four)\s+(?:leaders|ministers|presidents|men|women|diplomats|"
    r"heads of state|foreign ministers|prime ministers|envoys|ambassadors)\b"
)
_COUNTS = {"two": 2, "both": 2, "three": 3, "four": 4}
# A state's own bodies speak as the state (gold format): "the ministry", "a government statement".
_STATE_BODY = re.compile(
    r"\b(?:government|ministry|foreign ministry|foreign office|presidency|state department|"
    r"department|administration|cabinet|kremlin|embassy|mission)\b",
    re.IGNORECASE,
)
# "Japan's Foreign Ministry", "Japan's foreign ministry", "the Japanese defence ministry".
_STATE_BODY_AFTER = re.compile(
    r"['’]?s?\s+(?:(?:[A-Z][\w-]+|foreign|defen[cs]e|interior|finance|justice|trade|economy|health)\s+){0,2}"
    r"(?:Ministry|ministry|[Gg]overnment|Presidency|[Ee]mbassy|Mission)\b"
)
# "Netanyahu's office": the office of a named person is not the person (gold: unnamed).
_OFFICE_OF = re.compile(r"['’]s\s+(office|spokes(?:man|woman|person)|aides?|camp|team|lawyers?)\b")
# Words for a person: "the ministry's spokesman" is someone of the ministry, not the ministry.
_PERSON_NOUN = re.compile(
    r"\b(?:official|officials|spokes(?:man|woman|person)|minister|head|chief|director|envoy|ambassador|"
    r"representative|aide|adviser|advisor|diplomat|secretary|president|leader|member|staffer)\b",
    re.IGNORECASE,
)
_SPOKE_AFTER = re.compile(
    r"\s*(?:,[^,\"\n]{0,60},\s*)?(?:has |had |also |then )?(?:said|says|told|added|stated|wrote|declared)\b"
)
_SPOKE_BEFORE = re.compile(r"\b(?:said|says|told|added|stated|wrote|declared)\s+(?:[\w.-]+\s+){0,4}$")
_FORMER = re.compile(
    r"\b[Tt]he\s+former\s+(?:[\w-]+\s+){0,3}?[\w-]*(?:minister|president|leader|secretary|envoy|"
    r"ambassador|premier|chancellor|commissioner|chief|head)\b"
)
# "it said", "they wrote", "It added": a pronoun that speaks for a body or for several people.
_BODY_PRONOUN = re.compile(
    r"\W*\b(it|It|they|They)\b(?:\s+(?:has\s+|had\s+|also\s+)?(?:" + _SPEECH + r")\b)?\W*"
)
_LOWER_WORD = re.compile(r"\b[a-z][a-z]+\b")
# The words of a byline or a photo credit ("By Jane Doe", "Photo: John Roe/Reuters").
_CREDIT_WORDS = re.compile(
    r"\b(?:[Bb]y|BY|[Pp]hoto(?:s|graph)?|PHOTO|[Cc]redit|[Ii]mage|[Rr]eporting|[Ee]diting|[Ww]ritten|[Ff]ile|"
    r"[Cc]ourtesy|[Ss]ource)\b|[©/|]"
)


def _is_credit_line(text: str, start: int, end: int) -> bool:
    """A byline or a caption credit, which names people without speaking of them: almost no
    lower-case words (a short sentence such as "X addressed the Council." has two and a verb,
    so it is a credit only when it also holds a credit word)."""
    lower = len(_LOWER_WORD.findall(text, start, end))
    return lower < 2 or (lower < 3 and _CREDIT_WORDS.search(text, start, end) is not None)


# "its statement", "their joint letter", "its delegation": a body's document or delegation named
# by a possessive pronoun and nothing else.
_OWNED_BY_PRONOUN = re.compile(
    r"\W*\b(its|Its|their|Their)\s+(?:[\w-]+\s+){0,2}?(?:statement|letter|note|declaration|communiqu[eé]|"
    r"message|memo|delegation|mission|government|ministry)\b"
)
_GROUP_IDS_HINT = re.compile(r"GROUP|ALLIANCE|COALITION|TROIKA|BUREAU|FRIENDS|QUAD|BRICS|NAM|G77|CARACAS")
_VOTING_ORGANS = ("UNGA", "UNSC", "UNHRC")
_TITLE_BEFORE = re.compile(
    r"(?:\b(?:entitled|titled|headlined|dubbed|named|themed|theme|motto|slogan|hashtag|the title)\s*[,:]?"
    r"|\b(?:resolution|report|book|film|programme|program|operation|plan|strategy|initiative|campaign|article|"
    r"op-ed|column|session|summit|conference|debate|event|forum|meeting|agenda item)\s*[,:])\s*[\"']$",
    re.IGNORECASE,
)
# A capitalised phrase, a colon, then more words, and no sentence end: a title, not speech.
_TITLE_WITH_COLON = re.compile(r"[A-Z][^.!?:\n]{2,80}:\s+[^.!?\n]+$")
_TITLE_SMALL = frozenset(
    {
        "of",
        "the",
        "and",
        "in",
        "for",
        "on",
        "to",
        "a",
        "an",
        "at",
        "by",
        "with",
        "as",
        "into",
        "over",
        "from",
        "via",
        "or",
        "nor",
        "but",
        "per",
        "vs",
        "against",
        "under",
        "between",
        "among",
        "through",
    }
)


@dataclass
class _Span:
    start: int  # first character inside the marks
    end: int  # first character after the words (the closing mark, or paragraph end)
    mark: str


def _mark_class(text: str, index: int, raw_char: str) -> str:
    """'open', 'close' or 'both' for the quote mark at ``text[index]``."""
    before = text[index - 1] if index > 0 else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    space_before = before.isspace() or before in "([{-\u2013\u2014/:"
    space_after = after.isspace() or after in ".,;:!?)]}-"
    if space_before and not space_after:
        return "open"
    if space_after and not space_before:
        return "close"
    if raw_char in _OPEN_RAW:
        return "open" if not space_before or not space_after else "both"
    if raw_char in _CLOSE_RAW:
        return "close"
    return "both"


def _after_sentence_end(text: str, index: int) -> bool:
    position = index - 1
    while position >= 0 and text[position] in " \t":
        position -= 1
    return position >= 0 and text[position] in ".!?"


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans = []
    position = 0
    for line in text.split("\n"):
        spans.append((position, position + len(line)))
        position += len(line) + 1
    return spans


def _raw_char(doc: NewsDoc, index: int) -> str:
    raw_index = doc.offsets[index] if doc.offsets and index < len(doc.offsets) else index
    return doc.raw[raw_index] if raw_index < len(doc.raw) else ""


def _pair_marks(
    doc: NewsDoc, para_start: int, para_end: int, mark: str, blocked: list[tuple[int, int]]
) -> list[_Span]:
    text = doc.text
    spans: list[_Span] = []
    open_at: int | None = None
    index = text.find(mark, para_start, para_end)
    while index >= 0:
        current = index
        index = text.find(mark, current + 1, para_end)
        if not _consider_mark(doc, current, mark, para_start, para_end, blocked, open_at is None):
            continue
        kind = _mark_class(text, current, _raw_char(doc, current))
        if open_at is None:
            if kind == "open" or (kind == "both" and mark == '"'):
                open_at = current
            continue
        if kind == "open" and not _after_sentence_end(text, current):
            continue  # a stray opening mark inside the quotation
        spans.append(_Span(open_at + 1, current, mark))
        open_at = None
    if open_at is not None and mark == '"' and open_at + 1 < para_end and _runs_on(text, para_end):
        spans.append(_Span(open_at + 1, para_end, mark))
    return spans


def _consider_mark(
    doc: NewsDoc,
    index: int,
    mark: str,
    para_start: int,
    para_end: int,
    blocked: list[tuple[int, int]],
    closed: bool,
) -> bool:
    """False for marks that are no quotation marks: apostrophes, possessives, marks already used."""
    text = doc.text
    if any(start <= index < end for start, end in blocked):
        return False
    if mark == "'":
        before = text[index - 1] if index > para_start else " "
        after = text[index + 1] if index + 1 < para_end else " "
        if before.isalnum() and after.isalnum():
            return False  # an apostrophe inside a word: it's, O'Connor
        if closed and before.isalnum():
            return False  # a possessive: countries'
    return True


def _runs_on(text: str, para_end: int) -> bool:
    """True when an unclosed quotation may run to the end of its paragraph: the text ends there
    (an excerpt cut off), or the next paragraph opens with a quote mark (a quotation of several
    paragraphs)."""
    rest = text[para_end:].lstrip()
    return not rest or rest[0] in "\"'"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _is_title(words: list[str]) -> bool:
    content = [word for word in words if word.lower() not in _TITLE_SMALL]
    starts_capital = words[0][:1].isupper() or words[0][:1].isdigit()
    return (
        starts_capital and bool(content) and all(word[:1].isupper() or word[:1].isdigit() for word in content)
    )


def find_quotes(doc: NewsDoc) -> list[tuple[int, int]]:
    """Spans (in ``doc.text``) of the words inside quotation marks, 3 words or more, in order."""
    text = doc.text
    name_ends: dict[int, int] = {}
    for mention in doc.mentions:
        if mention.entity_type != "state":
            name_ends[mention.start] = max(name_ends.get(mention.start, -1), mention.end)
    found: list[tuple[int, int]] = []
    for para_start, para_end in _paragraphs(text):
        doubles = _pair_marks(doc, para_start, para_end, '"', [])
        blocked = [(span.start - 1, span.end + 1) for span in doubles]
        singles = _pair_marks(doc, para_start, para_end, "'", blocked)
        singles = [span for span in singles if span.end < para_end or text[span.end - 1 : span.end] == "'"]
        for span in sorted(doubles + singles, key=lambda s: s.start):
            start, end = _trim(text, span.start, span.end)
            words = re.findall(r"[\w][\w'’-]*", text[start:end])
            if len(words) < 3:
                continue
            inner = text[start:end]
            if _TITLE_WITH_COLON.match(inner) and len(words) <= 25 and _is_title(inner.split(":")[0].split()):
                continue  # "Name of the Day: what it means" -- a title or a headline in marks
            if _is_title(words) and not re.search(r"[.!?]\s", inner):
                continue
            name_start = start + 4 if text[start : start + 4].lower() == "the " else start
            if name_ends.get(name_start, -1) >= end - 1:
                continue  # a name in quotation marks
            if _TITLE_BEFORE.search(text, max(0, start - 40), start):
                continue  # "a resolution entitled 'Aggression against Ukraine'"
            found.append((start, end))
    return found


class _Context:
    """Look-ups over one document's mentions and people."""

    def __init__(self, doc: NewsDoc) -> None:
        self.doc = doc
        self.people_by_mention: list[tuple[int, int, Person]] = sorted(
            ((start, end, person) for person in doc.people for start, end in person.mentions),
            key=lambda item: item[0],
        )
        self.person_starts = [item[0] for item in self.people_by_mention]
        self.entities = [m for m in doc.mentions if m.entity_type != "person"]
        self.entity_starts = [m.start for m in self.entities]
        self.sentences = doc.sentences or [(0, len(doc.text))]
        self.sentence_starts = [start for start, _ in self.sentences]
        #: When a list, sentences whose subject is asked for and not yet parsed are noted here
        #: (and read as having none) instead of parsed: the parse stage's selector plans them.
        self.subject_requests: list[tuple[int, int]] | None = None

    def person_in(self, start: int, end: int, last: bool = True) -> tuple[Person, int, int] | None:
        low = bisect.bisect_left(self.person_starts, start)
        high = bisect.bisect_left(self.person_starts, end)
        inside = [(s, e, p) for s, e, p in self.people_by_mention[low:high] if e <= end]
        if not inside:
            return None
        s, e, p = inside[-1] if last else inside[0]
        return p, s, e

    def last_person_before(self, offset: int, floor: int = 0) -> tuple[Person, int, int] | None:
        index = bisect.bisect_left(self.person_starts, offset) - 1
        if index >= 0:
            s, e, p = self.people_by_mention[index]
            if s >= floor:
                return p, s, e
        return None

    def subject_before(
        self, offset: int, role_word: str | None = None, gender: str | None = None
    ) -> Person | None:
        """The person a pronoun or "the diplomat" refers to: the first person named in the
        nearest sentence before ``offset`` that names one (credit lines do not count) and is
        compatible (an office of the family of ``role_word``; not of the other ``gender``)."""
        doc = self.doc
        sentences = self.sentences
        index = bisect.bisect_right(self.sentence_starts, offset) - 1
        wanted = PERSON_NOUNS.get(role_word or "", None)
        for sentence_index in range(index, max(index - 12, -1), -1):
            s_start, s_end = sentences[sentence_index]
            if _is_credit_line(doc.text, s_start, s_end):
                continue
            limit = min(s_end, offset)
            low = bisect.bisect_left(self.person_starts, s_start)
            high = bisect.bisect_left(self.person_starts, limit)
            for _, pe, person in self.people_by_mention[low:high]:
                if pe > limit:
                    continue
                if wanted is not None and not (
                    person.role is not None and any(word in person.role.lower() for word in wanted)
                ):
                    continue
                if gender is not None and _gender(person.name) not in (gender, None):
                    continue
                return person
        return None

    def last_speaker_before(self, offset: int, gender: str | None) -> Person | None:
        """The person last shown speaking ("Name said", "said Name") in the sentence holding
        ``offset`` or the one before it, when compatible with ``gender``: "he said" after
        "..., Tolstoy said." is Tolstoy even when another man is named in between."""
        index = bisect.bisect_right(self.sentence_starts, offset) - 1
        floor = self.sentences[max(index - 1, 0)][0]
        text = self.doc.text
        low = bisect.bisect_left(self.person_starts, floor)
        high = bisect.bisect_left(self.person_starts, offset)
        for s, e, person in reversed(self.people_by_mention[low:high]):
            if e > offset:
                continue
            if _SPOKE_AFTER.match(text, e, min(offset, e + 80)) or _SPOKE_BEFORE.search(
                text, max(floor, s - 20), s
            ):
                if gender is None or _gender(person.name) in (gender, None):
                    return person
                return None  # the last speaker does not fit the pronoun: leave it to the other rules
        return None

    def person_after(self, offset: int, gender: str | None) -> Person | None:
        """A compatible person named in the rest of the sentence or the next one (a pronoun
        whose person the text names only after the quotation)."""
        index = bisect.bisect_right(self.sentence_starts, offset) - 1
        ceiling = self.sentences[min(index + 1, len(self.sentences) - 1)][1]
        low = bisect.bisect_left(self.person_starts, offset)
        high = bisect.bisect_left(self.person_starts, ceiling)
        for _, _, person in self.people_by_mention[low:high]:
            if gender is None or _gender(person.name) in (gender, None):
                return person
        return None

    def entities_in(self, start: int, end: int) -> list[Mention]:
        low = bisect.bisect_left(self.entity_starts, start)
        high = bisect.bisect_left(self.entity_starts, end)
        return [m for m in self.entities[low:high] if m.end <= end]

    def last_entity_before(self, offset: int, accept: Callable[[Mention], bool]) -> Mention | None:
        index = bisect.bisect_left(self.entity_starts, offset) - 1
        while index >= 0:
            mention = self.entities[index]
            if accept(mention):
                return mention
            index -= 1
        return None

    def first_entity_after(self, offset: int, accept: Callable[[Mention], bool]) -> Mention | None:
        index = bisect.bisect_left(self.entity_starts, offset)
        while index < len(self.entities):
            mention = self.entities[index]
            if accept(mention):
                return mention
            index += 1
        return None


@functools.lru_cache(maxsize=4096)
def _gender(name: str) -> str | None:
    """'he', 'she' or None (unknown) for a person's name, from the given name's usual gender."""
    detector = given_name_detector()  # None: pronouns take the nearest person of any gender
    first = name.split()[0] if name.split() else ""
    if detector is None or not first:
        return None
    guess = detector.get_gender(first)
    if guess in ("male", "mostly_male"):
        return "he"
    if guess in ("female", "mostly_female"):
        return "she"
    return None


def _pronoun_gender(word: str) -> str | None:
    word = word.lower()
    return "he" if word in ("he", "him", "his") else "she" if word in ("she", "her") else None


def _is_group(mention: Mention) -> bool:
    """A group of states or a declaration: its letter, note or communique speaks for it (the
    registry's kinds ``group``, ``coalition`` and ``declaration``, or a group's id)."""
    if mention.entity_type != "organisation":
        return False
    if _GROUP_IDS_HINT.search(mention.entity_id) or mention.entity_id.endswith("DECLARATION"):
        return True
    known = organisation_kinds().get(mention.entity_id)
    return known is not None and known[0] in ("group", "coalition", "declaration")


def _pronoun_referent(ctx: _Context, offset: int, plural: bool) -> str | None:
    """What "it" or "they" before ``offset`` refers to as a speaker.

    Pattern: a pronoun that cannot be a person ("it said") or stands for several ("they
    wrote") refers back to the nearest sentence (this one up to ``offset``, then up to three
    before it) that names a body: "they" first to named people coordinated in one phrase
    ("X and Y met ... they wrote": ``joint:X; Y``), then either to the first state or
    organisation the sentence names (its subject, as news puts it first), which is also how
    a state's ministry speaks ("Japan's foreign ministry ... it said": the state).
    """
    index = bisect.bisect_right(ctx.sentence_starts, offset) - 1
    for sentence_index in range(index, max(index - 4, -1), -1):
        s_start, s_end = ctx.sentences[sentence_index]
        limit = min(s_end, offset)
        if plural:
            joint = _first_joint(ctx, s_start, limit)
            if joint is not None:
                return joint
        if limit > s_start:
            subject = _sentence_subject(ctx, s_start, s_end, limit)
            if subject is not None:
                return subject
        bodies = [
            m
            for m in ctx.entities_in(s_start, limit)
            if m.kind != "contained" and m.entity_id not in {"UN_CHARTER"}
        ]
        if bodies:
            return bodies[0].entity_id
    return None


def _speaks_for_previous(ctx: _Context, resolved: _Resolved, previous: Quote, paragraphs_apart: int) -> bool:
    """True when the speaker phrase is "it" or "they" and the quotation just before (this
    paragraph or the one before) has a speaker that the pronoun can stand for: a body or a
    document for "it", several people or a body for "they" ('"...," the letter said.
    '"...," it added.'). A person is never "it"."""
    s_start, s_end = resolved[1], resolved[2]
    if s_start is None or s_end is None or paragraphs_apart > 1 or previous.speaker == "unknown":
        return False
    word = ctx.doc.text[s_start:s_end].lower()
    if word not in ("it", "they"):
        return False
    if any(
        m.kind != "contained" and m.entity_id != previous.speaker
        for m in ctx.entities_in(previous.end, s_start)
    ):
        return False  # another body named in between is the nearer referent
    if previous.speaker.startswith("joint:"):
        return word == "they"
    if previous.speaker.startswith("unnamed:"):
        # "a senior diplomat" is no "it"; "the draft resolution" is.
        description = previous.speaker.split(":", 1)[1]
        return word == "they" or bool(_DOCUMENT_WORDS.search(description) or _RESOLUTION.search(description))
    return not _is_person(ctx.doc, (previous.speaker, None, None, 0.0))


def _sentence_subject(ctx: _Context, start: int, end: int, limit: int) -> str | None:
    """The body that is the grammatical subject of the sentence ``text[start:end]`` (before
    ``limit``), by the dependency parse: "NATO allies said ...", "The agency warned ...",
    "Japan's ministry protested ..." (a state's ministry speaks as the state). None when the
    subject is a person or names no body."""
    parse = ctx.doc.parses.get((start, end))
    if parse is None:
        if ctx.subject_requests is not None:
            ctx.subject_requests.append((start, end))
            return None
        parse = parse_span(ctx.doc, start, end)
    for token in parse.sdoc:
        if token.dep_ != "ROOT":
            continue
        for child in token.children:
            if child.dep_ not in _SUBJECTS:
                continue
            s, e = _phrase_span(parse, child)
            if e > limit or ctx.doc.text[s:e].strip().lower() in ("it", "they"):
                return None
            resolved = _resolve_phrase(ctx, s, e, limit)
            if resolved is None or _is_person(ctx.doc, resolved) or resolved[0].startswith("unnamed:"):
                return None
            return resolved[0]
    return None


def _first_joint(ctx: _Context, start: int, end: int) -> str | None:
    """``joint:`` the first run of two or more people coordinated in ``text[start:end]``."""
    low = bisect.bisect_left(ctx.person_starts, start)
    high = bisect.bisect_left(ctx.person_starts, end)
    inside = [(s, e, p) for s, e, p in ctx.people_by_mention[low:high] if e <= end]
    text = ctx.doc.text
    names: list[str] = []
    for index, (s, _, person) in enumerate(inside):
        if names and not _JOINED.fullmatch(text, inside[index - 1][1], s):
            if len(names) > 1:
                break
            names = []
        if person.name not in names:
            names.append(person.name)
    return "joint:" + "; ".join(names) if len(names) > 1 else None


def _resolve_phrase(
    ctx: _Context, start: int, end: int, quote_start: int
) -> tuple[str, int | None, int | None, float] | None:
    """Resolve the speaker phrase ``text[start:end]``; None when it names no speaker."""
    text = ctx.doc.text
    carrier = _CARRIER.search(text, start, end)
    if carrier is not None:
        end = carrier.start()  # "a document posted on the UN website": where it was seen, not who wrote it
    phrase = text[start:end]
    if not phrase.strip():
        return None
    coordinated = _joint_subject(ctx, start, end)
    if coordinated is not None:
        return coordinated
    found = ctx.person_in(start, end)
    if found is not None:
        person, s, e = found
        office = _OFFICE_OF.match(text, e)
        if office is not None and office.end() <= end:
            return f"unnamed:{text[s : office.end()]}", s, office.end(), 0.6
        return person.name, s, e, 0.9
    body_pronoun = _BODY_PRONOUN.fullmatch(phrase)
    if body_pronoun is not None:
        # "it said", "they wrote": no person; a body or a joint statement named before.
        offset = start + body_pronoun.start(1)
        referent = _pronoun_referent(ctx, min(offset, quote_start), body_pronoun.group(1).lower() == "they")
        if referent is not None:
            return referent, offset, start + body_pronoun.end(1), 0.6
        return None
    owned = _OWNED_BY_PRONOUN.match(phrase)
    if owned is not None:
        # "Its statement denounced ...", "their letter said": the document or delegation of the
        # body or group the pronoun refers to, which speaks as that body.
        offset = start + owned.start(1)
        referent = _pronoun_referent(ctx, min(offset, quote_start), owned.group(1).lower() == "their")
        if referent is not None:
            return referent, offset, start + owned.end(), 0.55
    last_pronoun = _PRONOUN_LAST.search(phrase)
    if last_pronoun is not None:
        # "Beijing, he added, ...": the pronoun next to the verb is the speaker.
        word = last_pronoun.group().strip(" ,")
        gender = _pronoun_gender(word)
        previous = ctx.last_speaker_before(start + last_pronoun.start(), gender) or ctx.subject_before(
            start + last_pronoun.start(), gender=gender
        )
        if previous is not None:
            return previous.name, start + last_pronoun.start(), start + last_pronoun.end(), 0.75
    former = _FORMER.search(phrase)
    if former is not None:
        # "the former prime minister": a person described by a past office, not a state.
        previous = ctx.subject_before(start + former.start())
        if previous is not None:
            return previous.name, start + former.start(), start + former.end(), 0.6
    nominal = _NOMINAL.search(phrase)
    if nominal is not None:
        states = [
            m
            for m in ctx.entities_in(start + nominal.start(1), start + nominal.end(1))
            if m.entity_type == "state"
        ]
        if states:
            state = states[0].entity_id
            candidates = [
                (s, e, p) for s, e, p in ctx.people_by_mention if p.state == state and s < quote_start
            ]
            if candidates:
                s, e, p = candidates[-1]
                return p.name, start + nominal.start(), start + nominal.end(), 0.7
            described = _described_person(ctx, start + nominal.start(1), start + nominal.end(), quote_start)
            if described is not None:
                return described
            return state, start + nominal.start(), start + nominal.end(), 0.6
    joint = _JOINT.search(phrase)
    if joint is not None:
        count = _COUNTS[joint.group(1).lower()]
        names: list[str] = []
        for _, _, person in reversed([item for item in ctx.people_by_mention if item[0] < start]):
            if person.name not in names:
                names.append(person.name)
            if len(names) == count:
                break
        if len(names) == count:
            return "joint:" + "; ".join(reversed(names)), start + joint.start(), start + joint.end(), 0.6
    unnamed = _UNNAMED.search(phrase) or _UNNAMED_THE.search(phrase) or _UNNAMED_PLURAL.search(phrase)
    if unnamed is not None and _names_organ(
        ctx,
        start + unnamed.start(1),
        start + unnamed.start(1) + len(_COMPLEMENT_START.split(unnamed.group(1))[0]),
    ):
        unnamed = None  # "the Committee of Ministers said": an organ's name, not people described
    if unnamed is not None:
        group = _collective_group(ctx, unnamed.group(1), start + unnamed.start(1), start + unnamed.end(1))
        if group is not None:
            return group.entity_id, group.start, group.end, 0.65
        # The description without its article, as the gold format writes it ("unnamed:leaders
        # of ...", never "unnamed:the leaders of ...").
        description = _ARTICLE_START.sub("", re.sub(r"\s+", " ", unnamed.group(1)).strip())
        return f"unnamed:{description}", start + unnamed.start(), start + unnamed.end(), 0.7
    pronoun = _PRONOUN.search(phrase)
    if pronoun is not None and not ctx.entities_in(start, end):
        gender = _pronoun_gender(pronoun.group())
        previous = ctx.last_speaker_before(start + pronoun.start(), gender) or ctx.subject_before(
            start + pronoun.start(), gender=gender
        )
        if previous is None:
            previous = ctx.person_after(end, gender)
        if previous is not None:
            return previous.name, start + pronoun.start(), start + pronoun.end(), 0.75
        return None
    bare = _BARE_NOMINAL.search(phrase)
    if bare is not None:
        previous = ctx.subject_before(start + bare.start(), role_word=bare.group(1).lower())
        if previous is not None:
            return previous.name, start + bare.start(), start + bare.end(), 0.6
        if not ctx.entities_in(start, end):
            # "the spokesperson said" with nobody of that office named before: someone the
            # text describes and does not name.
            complement = _OFFICE_COMPLEMENT.match(phrase, bare.end())
            described = _described_person(
                ctx,
                start + bare.start(),
                start + (complement.end() if complement else bare.end()),
                quote_start,
            )
            if described is not None:
                return described
    org_nominal = _ORG_NOMINAL.search(phrase)
    if org_nominal is not None and not ctx.entities_in(start, end):
        noun = org_nominal.group(1).lower()
        antecedent = ctx.last_entity_before(
            quote_start, lambda m: m.entity_type == "organisation" and accepts_org(noun, m.entity_id)
        )
        if antecedent is not None:
            return antecedent.entity_id, start + org_nominal.start(), start + org_nominal.end(), 0.6
    if _DEFINITE.match(phrase) and not ctx.person_in(start, end):
        # "the Philippine presidential spokesman": a person by office, whatever the words
        # between the article and the office (never the state those words name).
        described = _described_person(ctx, start + len(phrase) - len(phrase.lstrip()), end, quote_start)
        if described is not None:
            return described
    resolution = _RESOLUTION.search(phrase)
    if resolution is not None:
        if resolution.group(1):
            return "unnamed:draft resolution", start + resolution.start(), start + resolution.end(), 0.6
        organ = ctx.last_entity_before(
            quote_start, lambda m: m.entity_id in _VOTING_ORGANS
        ) or ctx.first_entity_after(quote_start, lambda m: m.entity_id in _VOTING_ORGANS)
        if organ is not None:
            return organ.entity_id, start + resolution.start(), start + resolution.end(), 0.6
    institution = _STATE_INSTITUTION.search(phrase)
    if institution is not None and any(
        m.entity_type == "state"
        for m in ctx.entities_in(start + institution.start(), start + institution.end())
    ):
        # "South Africa's High Court", "the Kenyan parliament": a state's court or legislature is
        # not its government, so it does not speak as the state (gold: unnamed:<as named>).
        description = _ARTICLE_START.sub("", re.sub(r"\s+", " ", institution.group(0)).strip())
        return f"unnamed:{description}", start + institution.start(), start + institution.end(), 0.6
    entities = ctx.entities_in(start, end)
    body = _STATE_BODY.search(phrase)
    if body is not None and not _PERSON_NOUN.search(phrase):
        states = [m for m in entities if m.entity_type == "state" and m.kind != "contained"]
        if states:
            return states[0].entity_id, states[0].start, states[0].end, 0.65
        if not entities:
            body_state = _state_of_body_before(ctx, quote_start)
            if body_state is not None:
                return body_state, start + body.start(), start + body.end(), 0.55
    groups = [m for m in entities if _is_group(m)]
    if groups:
        return groups[-1].entity_id, groups[-1].start, groups[-1].end, 0.75
    document = _DOCUMENT_WORDS.search(phrase)
    if document is not None:
        word = document.group().lower()
        accept = (
            (lambda m: m.entity_type == "organisation" and m.entity_id.endswith("DECLARATION"))
            if ("declaration" in word)
            else _is_group
        )
        group = ctx.last_entity_before(quote_start, accept) or ctx.last_entity_before(quote_start, _is_group)
        if group is not None:
            return group.entity_id, start + document.start(), start + document.end(), 0.65
    actors = [m for m in entities if m.kind not in {"contained"} and m.entity_id not in {"UN_CHARTER"}]
    if actors:
        chosen = actors[0]
        return chosen.entity_id, chosen.start, chosen.end, 0.6
    return None


# Where a document was found or seen, which names no author: "posted on the UN treaties website",
# "seen by Reuters", "obtained by the paper" ("issued by" and "published by" do name one).
_CARRIER = re.compile(
    r"\s+(?:posted|seen|obtained|reviewed|viewed|circulated|leaked|uploaded)\s+(?:on|to|by|in|at)\b", re.I
)
# A state's court or legislature, named with the state: "Kenya's High Court", "the Kenyan parliament".
_STATE_INSTITUTION = re.compile(
    r"(?<![\w'’-])[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*)*(?:['’]s)?\s+(?:(?:High|Supreme|Constitutional|Federal|"
    r"national|top|highest)\s+)*(?:[Cc]ourt|[Pp]arliament|Congress|Senate|National Assembly|[Ll]egislature|"
    r"[Jj]udiciary)\b"
)
_ARTICLE_START = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
# Heads of a description that stand for the members of a group acting as one ("the G7 leaders",
# "EU foreign ministers"), unlike "officials" or "diplomats", who speak as people.
_COLLECTIVE_HEAD = re.compile(r"\b(?:leaders|ministers|members|allies|partners|heads of state)\s*$", re.I)


def _collective_group(ctx: _Context, description: str, start: int, end: int) -> Mention | None:
    """The group or organisation whose members a plural description names as one speaker: "the G7
    leaders said in their communique" is the G7 (the gold format gives a group's words its id);
    "the leaders of the G7" too. None for people described ("EU officials", "two diplomats")."""
    head = _COMPLEMENT_START.split(description)[0]
    if not _COLLECTIVE_HEAD.search(head):
        return None
    for mention in ctx.entities_in(max(0, start - 1), end + 1):
        if mention.entity_type != "organisation" or mention.kind == "contained":
            continue
        kind = organisation_kinds().get(mention.entity_id, ("", ""))[0]
        if kind in ("group", "coalition", "igo") or _is_group(mention):
            return mention
    return None


# Where a description's complement opens ("officials of the agency"): its head is the word before.
_COMPLEMENT_START = re.compile(r"\s+(?:of|from|at|in|with|for|close to|familiar with)\s+")


def _names_organ(ctx: _Context, start: int, end: int) -> bool:
    """True when the last word of the description ``text[start:end]`` lies inside the name of an
    organisation: "Committee of Ministers", "Board of Governors", "Council of Ministers" name a
    body whose words the text quotes, while "officials of the agency" describe people."""
    words = list(re.finditer(r"[\w.'’-]+", ctx.doc.text[start:end]))
    if not words:
        return False
    last_start = start + words[-1].start()
    return any(
        m.entity_type == "organisation" and m.start <= last_start < m.end
        for m in ctx.entities_in(max(0, start - 80), end + 80)
    )


def _weak_state(ctx: _Context, resolved: _Resolved, quote_start: int) -> bool:
    """True for a state id found before the quotation more than a clause away from it, with no
    speech verb between them ("The United States left the treaty in 2020, a decision that ...")."""
    speaker, s_start, s_end, _ = resolved
    if s_start is None or s_end is None or s_end > quote_start or not _is_state_id(speaker):
        return False
    between = ctx.doc.text[s_end:quote_start]
    return len(between) > 40 and _SPEECH_RE.search(between) is None


def _is_state_id(speaker: str) -> bool:
    return len(speaker) == 3 and speaker.isalpha() and speaker.isupper()


def _joint_subject(ctx: _Context, start: int, end: int) -> tuple[str, int | None, int | None, float] | None:
    """Two or more named people coordinated in one speaker phrase ("President X and Chancellor
    Y said in a joint statement"): a joint statement, ``joint:X; Y``."""
    low = bisect.bisect_left(ctx.person_starts, start)
    high = bisect.bisect_left(ctx.person_starts, end)
    inside = [(s, e, p) for s, e, p in ctx.people_by_mention[low:high] if e <= end]
    if len(inside) < 2:
        return None
    text = ctx.doc.text
    names: list[str] = []
    for index, (s, _, person) in enumerate(inside):
        if index and not _JOINED.fullmatch(text, inside[index - 1][1], s):
            return None
        if person.name not in names:
            names.append(person.name)
    if len(names) < 2 or _OFFICE_OF.match(text, inside[-1][1]):
        return None
    return "joint:" + "; ".join(names), inside[0][0], inside[-1][1], 0.7


def _described_person(
    ctx: _Context, start: int, end: int, quote_start: int
) -> tuple[str, int | None, int | None, float] | None:
    """The person a description such as "the Japanese ambassador" refers to: the last person
    named before with an office of that family and no other state; else ``unnamed:`` the
    description. None when the phrase does not end in a word for a person."""
    text = ctx.doc.text
    found = person_description(text[start:end])
    if found is None:
        return None
    description, office = found
    head = text.lower().rfind(office, start, end)
    if head >= 0 and _names_organ(ctx, start, head + len(office)):
        return None  # "the Committee of Ministers": the office word is part of an organ's name
    states = {m.entity_id for m in ctx.entities_in(start, end) if m.entity_type == "state"}
    family = PERSON_NOUNS.get(office, (office,))
    index = bisect.bisect_left(ctx.person_starts, quote_start) - 1
    while index >= 0:
        s, e, person = ctx.people_by_mention[index]
        index -= 1
        if e > start and s < end:
            continue
        role = (person.role or "").lower()
        if role and any(word in role for word in family) and (not states or person.state in states | {None}):
            return person.name, start, end, 0.6
    # "A spokesperson for the ministry confirmed ... the spokesperson said": the description the
    # text gave before for someone of that office, when it named nobody.
    if description.lower() == office or description.lower() == office + "s":
        earlier = [
            m
            for m in _UNNAMED.finditer(text, max(0, start - 3000), start)
            if re.search(rf"\b{re.escape(office)}s?\b", m.group(1), re.IGNORECASE)
        ]
        if earlier:
            description = re.sub(r"\s+", " ", earlier[-1].group(1)).strip()
    return f"unnamed:{description}", start, end, 0.55


def _state_of_body_before(ctx: _Context, offset: int) -> str | None:
    """The state whose ministry or government the text last named before ``offset``."""
    text = ctx.doc.text
    mention = ctx.last_entity_before(
        offset,
        lambda m: m.entity_type == "state" and _STATE_BODY_AFTER.match(text, m.end, m.end + 60) is not None,
    )
    return mention.entity_id if mention is not None else None


_TRAIL_PRONOUN = re.compile(r"^\s*[,.]?\s*(?:he|she|He|She|it|they)\s+(?:also\s+)?(?:" + _SPEECH + r")\b")
_TRAIL_SAID_X = re.compile(r"^\s*[,.]?\s*(?:" + _SPEECH + r")\s+(?=\S)")
_TRAIL_X_SAID = re.compile(
    r"^\s*[,.]?\s*(?P<subject>[^\"\n.;:!?]{1,90}?)\s+(?:has |had |also |then )?(?:" + _SPEECH + r")\b"
)
# '"...," while X said ...': a new clause with its own speaker, not an attribution of the quotation.
_SUBORDINATE = re.compile(r"(?:while|whereas|but|and|as|when|after|before|although|though|because)\b", re.I)
# After a speech verb that follows the quotation, words that open its content or an adjunct,
# never its subject: '"...", adding that they ...', '"...", saying it was ...', '"...", said on
# Monday'. The subject of an inverted verb opens with a name, an article or a pronoun.
_NOT_A_SPEAKER = re.compile(
    r"(?:that|it|this|to|in|on|at|for|with|about|after|before|during|while|when|if|whether|how|what|"
    r"why|there|so|not|no|nothing|yes|again|earlier|later|last|once|repeatedly|also|then)\b"
)
_TRAIL_DASH = re.compile(r"^\s*[-\u2013\u2014]\s*(?=\S)")
_CITED_DOCUMENT = re.compile(
    r"\b((?:the|a|an|its|their|his|her)\s+(?:[\w-]+\s+){0,3}?(?:declaration|statement|letter|communiqu[eé]|"
    r"resolution|charter|report|note|document)\b[^\"'.;:]{0,160}?)\bthat\s*$",
    re.IGNORECASE,
)
_LEAD_COLON = re.compile(r":\s*$")
# A sentence-opening adjunct set off by a comma ("In a letter to X,", "Speaking in Y,",
# "On Friday,"), then a subject that runs to the verb without another comma.
_ADJUNCT = re.compile(
    r"^\s*(?:(?:In|On|At|After|Before|During|Speaking|Addressing|Writing|Responding|Asked|Following|"
    r"Earlier|Later|Meanwhile|However|Separately|Under|With|From|For|Despite|Amid|Since|As|When|Unlike)\b"
    r"[^,\n]{0,120},\s*)+(?=[^,\s][^,]*$)"
)
# A quotation that opens with a verb of the third person ("demands that", "calls upon").
_VERB_OPENING = re.compile(r"[\"']?[a-z]+(?:s|ed)\b(?:\s+(?:that|upon|on|for|all|the)\b)?")


def _opens_with_verb(text: str, mark: int) -> bool:
    """True when the quotation at ``mark`` opens with a verb of the third person ("demands that")."""
    return _VERB_OPENING.match(text, mark) is not None


def _attribute_after(
    ctx: _Context, end: int, limit: int, quote_start: int
) -> tuple[str, int | None, int | None, float] | None:
    text = ctx.doc.text
    after = text[end + 1 : limit] if end < len(text) and text[end : end + 1] in "\"'" else text[end:limit]
    base = end + 1 if end < len(text) and text[end : end + 1] in "\"'" else end
    if not after.strip():
        return None
    match = _TRAIL_PRONOUN.match(after)
    if match:
        return _resolve_phrase(ctx, base, base + match.end(), quote_start)
    if re.search(r"[.!?]\s*$", text[quote_start:end]) and re.match(r"^\s*[A-Z]", after):
        # The quotation ended its sentence: what follows is a new sentence, unless it is
        # only "Name said."
        short = re.match(r"^\s*(?P<subject>(?:[A-Z][\w.'-]*\s+){1,3})(?:" + _SPEECH + r")\s*[.,]", after)
        if short is None:
            return None
        return _resolve_phrase(ctx, base + short.start("subject"), base + short.end("subject"), quote_start)
    match = _TRAIL_SAID_X.match(after)
    if match and not _NOT_A_SPEAKER.match(after, match.end()):
        _, sentence_end = ctx.doc.sentence_at(base + match.end())
        tail = text[base + match.end() : max(sentence_end, base + match.end())]
        stop = re.search(r"[,;:!?\"\n]|\.$|\s(?:in|on|at|during|after|before|while|when|who|as)\s", tail)
        phrase_end = base + match.end() + (stop.start() if stop else len(tail))
        resolved = _resolve_phrase(ctx, base + match.end(), phrase_end, quote_start)
        if resolved is not None:
            return resolved
    match = _TRAIL_DASH.match(after)
    if match:
        tail = after[match.end() :]
        stop = re.search(r"[\n]", tail)
        resolved = _resolve_phrase(
            ctx, base + match.end(), base + match.end() + (stop.start() if stop else len(tail)), quote_start
        )
        if resolved is not None:
            return resolved
    match = _TRAIL_X_SAID.match(after)
    complete = bool(re.search(r"[,.!?]\s*$", text[quote_start:end])) or after.lstrip().startswith(",")
    if (
        match
        and complete
        and len(match.group("subject").split()) <= 10
        and " and " not in match.group("subject")
        and not _SUBORDINATE.match(match.group("subject"))
    ):
        resolved = _resolve_phrase(
            ctx, base + match.start("subject"), base + match.end("subject"), quote_start
        )
        if resolved is not None:
            return resolved
    return None


# A noun phrase right before a speech verb (its subject, whether or not it names a speaker).
_NOUN_SUBJECT = re.compile(r"\b(?:[Tt]he|[Aa]n?|[Hh]is|[Hh]er|[Ii]ts|[Tt]heir)\s+(?:[\w'’-]+\s+){0,3}$")


def _attribute_before(
    ctx: _Context, lead_start: int, start: int
) -> tuple[str, int | None, int | None, float] | None:
    text = ctx.doc.text
    lead = text[lead_start:start]
    if not lead.strip():
        return None
    according = list(_ACCORDING.finditer(lead))
    if according:
        match = according[-1]
        comma = lead.find(",", match.end())
        tail_end = lead_start + (comma if comma >= 0 else len(lead))
        resolved = _resolve_phrase(ctx, lead_start + match.end(), tail_end, start)
        if resolved is not None:
            return resolved
    verbs = list(_SPEECH_RE.finditer(lead))
    if verbs:
        verb = verbs[0]
        subject_start = lead_start
        # "Wang recalled the declaration adopted last September ... that '...'": the words are
        # the document's, not the speaker's.
        cited = _CITED_DOCUMENT.search(lead, verb.end())
        if cited is not None:
            resolved = _resolve_phrase(ctx, lead_start + cited.start(1), lead_start + cited.end(1), start)
            if resolved is not None and resolved[0] != "unknown":
                return resolved
        subject_area = lead[: verb.start()]
        adjunct = _ADJUNCT.match(subject_area)
        if adjunct is not None:
            # "In a letter to Guterres, Portugal said": the words before the comma are an
            # adjunct; the subject is what follows it.
            resolved = _resolve_phrase(ctx, lead_start + adjunct.end(), lead_start + verb.start(), start)
            if resolved is not None or _LOWER_WORD.search(subject_area, adjunct.end()):
                return resolved
        resolved = _resolve_phrase(ctx, subject_start, lead_start + verb.start(), start)
        if resolved is not None:
            return resolved
        if _NOUN_SUBJECT.search(subject_area):
            # "His office said in a statement that the leaders '...'": the verb has a subject of its
            # own, so the words after it are its object, never an inverted speaker.
            return None
        # "said Pompeo, ..." before the quotation.
        resolved = _resolve_phrase(ctx, lead_start + verb.end(), start, start)
        if resolved is not None and not resolved[0].startswith("unnamed:draft"):
            return resolved
    if _LEAD_COLON.search(lead):
        resolved = _resolve_phrase(ctx, lead_start, start, start)
        if resolved is not None:
            return resolved
    # The sentence's subject, when the sentence opens with a speaker ("The resolution ...").
    opening = re.match(r"^\s*(?:[\w'’.-]+\s+){1,6}", lead)
    if opening is not None:
        phrase = text[lead_start : lead_start + opening.end()]
        if (
            _RESOLUTION.search(phrase)
            or _DOCUMENT_WORDS.search(phrase)
            or ctx.person_in(lead_start, lead_start + opening.end())
        ):
            resolved = _resolve_phrase(ctx, lead_start, lead_start + opening.end(), start)
            if (
                resolved is not None
                and (
                    not resolved[0].startswith("unnamed:")
                    # 'The draft resolution "demands that ..."': the quotation goes on with the
                    # subject's verb, so the subject is the source of the words.
                    or (
                        resolved[0] == "unnamed:draft resolution"
                        and _VERB_OPENING.match(text, start + (text[start : start + 1] in "\"'"))
                    )
                )
            ):
                return resolved
    return None


_SPEECH_WORDS = frozenset(_SPEECH.split("|")) | frozenset(
    """express expresses expressed classify classifies classified describe term terms termed dub dubs dubbed
    label labels labelled labeled brand brands branded hail hails hailed welcome welcomes welcomed
    criticise criticises criticised criticize criticizes criticized praise praises praised
    denounce denounces denounced
    call say tell add note stress urge warn insist declare state argue explain write tweet ask reply
    recall continue conclude emphasize emphasise underline observe remark acknowledge admit claim
    comment respond answer announce promise promises promised""".split()
)
# Dependency labels of a verb's subject, and of the clause parts a speaker phrase stops before.
_SUBJECTS = ("nsubj", "nsubjpass")
_CLAUSAL = frozenset(
    {"relcl", "acl", "advcl", "ccomp", "xcomp", "punct", "cc", "conj", "appos", "prep", "parataxis"}
)


def _phrase_span(parse: Any, token: Any) -> tuple[int, int]:
    """The ``doc.text`` span of a subject without its relative clauses, appositions and the like."""
    left = token
    for child in token.lefts:
        if child.dep_ not in _CLAUSAL:
            left = child.left_edge if child.left_edge.i < left.i else left
            break
    right = token
    for child in token.rights:
        if child.dep_ in _CLAUSAL:
            break
        right = child.right_edge
    return parse.span_of(left)[0], parse.span_of(right)[1]


def _subject_of(verb: Any, quote_tokens: set[int]) -> Any | None:
    """The subject of ``verb`` (or of the verb it hangs from: "..., adding '...'"), outside the quotation."""
    for candidate in (verb, verb.head):
        for child in candidate.children:
            if child.dep_ in _SUBJECTS and child.i not in quote_tokens:
                return child
            if child.dep_ in _SUBJECTS:
                # '"...," Name, a lawyer ..., said': the parser may hang the speaker on the
                # quotation as an apposition.
                appositions = [c for c in child.children if c.dep_ == "appos" and c.i not in quote_tokens]
                if appositions:
                    return appositions[0]
            if child.dep_ == "agent":  # "was described by the minister as ..."
                objects = [c for c in child.children if c.dep_ == "pobj"]
                if objects:
                    return objects[0]
        if verb.dep_ not in ("advcl", "xcomp", "conj", "acl", "pcomp"):
            break
    return None


def _is_speech_verb(token: Any) -> bool:
    return token.tag_.startswith("VB") and token.text.lower() in _SPEECH_WORDS


def _attribute_parsed(ctx: _Context, parse: Any, start: int, end: int) -> _Resolved | None:
    """The speaker by the dependency parse of the quotation's sentence.

    Covers a speech verb and its subject in either order ("X said", "said X", "X told
    reporters"), any verb whose object is the quotation ("X called the vote '...'"),
    "according to X", and verbs of the quotation's own clause that hang from it.
    """
    tokens = list(parse.sdoc)
    inside = {t.i for t in tokens if start - 1 <= parse.span_of(t)[0] and parse.span_of(t)[1] <= end + 1}
    inside = {i for i in inside if not tokens[i].is_punct}
    if not inside:
        return None
    heads = [tokens[i] for i in inside if tokens[i].head.i not in inside or tokens[i].head.i == i]
    anchor = heads[0] if heads else tokens[min(inside)]
    # "according to X, '...'"
    for token in tokens:
        if token.text.lower() == "according" and token.i not in inside:
            for to in token.children:
                objects = [c for c in to.children if c.dep_ == "pobj"]
                if to.text.lower() == "to" and objects:
                    resolved = _resolve_subject(ctx, parse, objects[0], start)
                    if resolved is not None:
                        return resolved
    candidates: list[Any] = []
    node = anchor
    for _ in range(8):  # the speech verb that governs the quotation, however deep
        if node.i not in inside and _is_speech_verb(node):
            candidates.append(node)
            break
        if node.head.i == node.i:
            break
        node = node.head
    # Speech verbs hanging from the quotation ('"...," he added, "..."'); a speech verb elsewhere
    # in the sentence has its own words and its own speaker.
    attached = {anchor.i, anchor.head.i}
    speech = [
        t
        for t in tokens
        if t.i not in inside and _is_speech_verb(t) and (t.head.i in attached or t.i == anchor.head.i)
    ]
    speech.sort(key=lambda t: min(abs(t.i - i) for i in inside))
    candidates.extend(t for t in speech if t not in candidates)
    for verb in candidates:
        subject = _subject_of(verb, inside)
        if subject is None:
            continue
        # The verb that governs the quotation decides: its subject or nobody.
        return _resolve_subject(ctx, parse, subject, start)
    return None


def _resolve_subject(ctx: _Context, parse: Any, subject: Any, quote_start: int) -> _Resolved | None:
    """Resolve a subject token: coordinated people are a joint statement, "they" the last one."""
    conj = [subject] + [t for t in subject.conjuncts if t.i > subject.i]
    if len(conj) > 1:
        names: list[str] = []
        for token in conj:
            found = ctx.person_in(*_phrase_span(parse, token))
            if found is None:
                names = []
                break
            names.append(found[0].name)
        if len(names) > 1:
            s, e = parse.span_of(subject.left_edge)[0], parse.span_of(subject.right_edge)[1]
            return "joint:" + "; ".join(names), s, e, 0.6
    s, e = _phrase_span(parse, subject)
    resolved = _resolve_phrase(ctx, s, e, quote_start)
    if subject.right_edge.i > subject.i and (resolved is None or resolved[0].startswith("unnamed:")):
        full = parse.span_of(subject.left_edge)[0], parse.span_of(subject.right_edge)[1]
        whole = _resolve_phrase(ctx, full[0], full[1], quote_start)
        # An unnamed speaker is described by the whole noun phrase ("the representative of
        # the Philippines to the court"), not only its head.
        if resolved is None or (
            whole is not None
            and whole[0].startswith("unnamed:")
            and len(whole[0]) > len(resolved[0])
            and subject.right_edge.i - subject.left_edge.i <= 12
        ):
            resolved = whole
    return resolved


def _names_words(ctx: _Context, resolved: _Resolved) -> bool:
    """True when the speaker is a document or resolution the text names as the source of the words."""
    start, end = resolved[1], resolved[2]
    if start is None or end is None:
        return False
    phrase = ctx.doc.text[start:end]
    return bool(_DOCUMENT_WORDS.search(phrase) or _RESOLUTION.search(phrase))


def _is_person(doc: NewsDoc, resolved: _Resolved) -> bool:
    return resolved[0].startswith("joint:") or any(p.name == resolved[0] for p in doc.people)


def _introduced_before(ctx: _Context, start: int) -> _Resolved | None:
    """A quotation standing alone after a sentence in which a named person speaks
    ("X said the draft was unfair." then '"We reject it."'): that person."""
    doc, text = ctx.doc, ctx.doc.text
    sent_start, _ = doc.sentence_at(start)
    if sent_start == 0:
        return None
    prev_start, prev_end = doc.sentence_at(sent_start - 1)
    if text[sent_start:start].strip(" \n\"'\u201c\u2018") or '"' in text[prev_start:prev_end]:
        return None  # the quotation does not open its sentence, or the sentence before quotes someone
    verb = _SPEECH_RE.search(text, prev_start, prev_end)
    if verb is None:
        return None
    found = ctx.person_in(prev_start, verb.start(), last=False)
    if found is None:
        return None
    person, s, e = found
    return person.name, s, e, 0.5


_Resolved = tuple[str, int | None, int | None, float]

# A paragraph that shows someone speaking without quoting them: "She said the four shared a
# purpose.", "The envoy addressed the council on Tuesday."
_SPEAKS_IN_PARAGRAPH = re.compile(
    r"\b(?:" + _SPEECH + r"|spoke|addressed|briefed|speaking|addressing|briefing|"
    # a person shown speaking by the occasion or the manner of it: "lashed out at the court in a speech"
    r"in (?:a|an|his|her) (?:[\w-]+ ){0,2}(?:speech|address|interview|remarks|statement|post|tweet|message)|"
    r"(?:lashed|hit) out|slammed|critici[sz]ed|hailed|praised|welcomed|defended)\b"
)


def _paragraph_after_speaker(
    ctx: _Context, start: int, end: int, paragraphs: list[tuple[int, int]], para_index: int
) -> _Resolved | None:
    """A quotation that is a paragraph of its own, right after a paragraph that shows a named
    person speaking without quoting them: that person ("The envoy, X, addressed the council." then
    a paragraph '"Our country will not stand by."'). The person is the first one named in the
    last sentence of that paragraph that names one, as a pronoun's would be."""
    text = ctx.doc.text
    para_start, para_end = paragraphs[para_index]
    if text[para_start:start].strip(" \t\"'") or text[end:para_end].strip(" \t\"'.,;:!?"):
        return None  # the quotation shares its paragraph with the writer's words
    previous = para_index - 1
    while previous >= 0 and not text[paragraphs[previous][0] : paragraphs[previous][1]].strip():
        previous -= 1
    if previous < 0:
        return None
    prev_start, prev_end = paragraphs[previous]
    if '"' in text[prev_start:prev_end] or not _SPEAKS_IN_PARAGRAPH.search(text, prev_start, prev_end):
        return None
    index = bisect.bisect_right(ctx.sentence_starts, prev_end) - 1
    while index >= 0 and ctx.sentences[index][1] > prev_start:
        s_start, s_end = ctx.sentences[index]
        found = ctx.person_in(max(s_start, prev_start), min(s_end, prev_end), last=False)
        if found is not None and not _is_credit_line(text, s_start, s_end):
            person, p_start, p_end = found
            return person.name, p_start, p_end, 0.5
        index -= 1
    return None


def _surface(
    ctx: _Context, spans: list[tuple[int, int]], number: int, paragraphs: list[tuple[int, int]]
) -> tuple[_Resolved | None, bool]:
    """The speaker the words around quotation ``number`` give, and whether that is certain:
    a pronoun or a person's name right beside a speech verb right beside the quotation."""
    doc, text = ctx.doc, ctx.doc.text
    start, end = spans[number]
    sent_start, sent_end = doc.sentence_at(start)
    para_index = bisect.bisect_right([p[0] for p in paragraphs], start) - 1
    para_start, para_end = paragraphs[para_index]
    next_start = spans[number + 1][0] - 1 if number + 1 < len(spans) else len(text)
    trail_limit = min(max(sent_end, end + 1), para_end, next_start)
    if trail_limit < end + 120 and next_start > trail_limit:
        trail_limit = min(para_end, next_start, end + 160)
    lead_start = max(sent_start, para_start)
    if number > 0 and spans[number - 1][1] > lead_start:
        lead_start = spans[number - 1][1] + 1
    resolved = _attribute_after(ctx, end, trail_limit, start)
    if resolved is not None:
        s_start, s_end = resolved[1], resolved[2]
        is_person = _is_person(doc, resolved)
        near = s_start is not None and s_start - end < 40
        return resolved, is_person and near and (s_end or 0) - (s_start or 0) < 60
    return _attribute_before(ctx, lead_start, start - 1), False


_Surface = tuple[_Resolved | None, bool]


def _needs_parse(ctx: _Context, surface: _Surface) -> bool:
    """Whether the parse of the quotation's sentence can change the surface's answer: no speaker,
    or a state or body that is not a document named as the source, and not certain."""
    resolved, sure = surface
    return not sure and (
        resolved is None or not (_is_person(ctx.doc, resolved) or _names_words(ctx, resolved))
    )


@dataclass
class _Plan:
    """What the quotes stage will read of one document, worked out before the parse stage runs:
    the quotations, their surface speakers (None where a sentence subject was asked for and must
    be read again once parsed) and the sentences to parse."""

    spans: list[tuple[int, int]]
    surface: list[_Surface | None]
    wanted: list[tuple[int, int]] = field(default_factory=list)


# Plans by document, made by the parse stage's selector and taken by the quotes stage.
_PLANS: KeptPlans[_Plan] = KeptPlans()


def _plan(doc: NewsDoc) -> _Plan:
    ctx = _Context(doc)
    ctx.subject_requests = []
    spans = find_quotes(doc)
    paragraphs = _paragraphs(doc.text)
    surface: list[_Surface | None] = []
    wanted: set[tuple[int, int]] = set()
    for number, (start, _) in enumerate(spans):
        asked = len(ctx.subject_requests)
        found = _surface(ctx, spans, number, paragraphs)
        if len(ctx.subject_requests) > asked:
            surface.append(None)  # read again when the subjects asked for are parsed
            wanted.add(doc.sentence_at(start))
            continue
        surface.append(found)
        if _needs_parse(ctx, found):
            wanted.add(doc.sentence_at(start))
    wanted.update(ctx.subject_requests)
    return _Plan(spans, surface, sorted(wanted))


def _wanted(doc: NewsDoc) -> list[tuple[int, int]]:
    """The sentences the quotes stage will parse (those of quotations whose speaker the surface
    leaves in doubt, and those whose subject a pronoun speaker refers to), for the parse stage
    to parse in its batch; the plan is kept for the stage."""
    plan = _plan(doc)
    _PLANS.keep(doc, plan, doc.mentions, doc.people)
    return plan.wanted


register_selector("comity.quotes.v1", _wanted)


def _attribute(
    doc: NewsDoc, spans: list[tuple[int, int]], planned: list[_Surface | None] | None = None
) -> list[Quote]:
    ctx = _Context(doc)
    text = doc.text
    result: list[Quote] = []
    paragraphs = _paragraphs(text)
    para_starts = [p[0] for p in paragraphs]
    # Paragraph numbers that skip blank lines.
    para_number: list[int] = []
    count = 0
    for p_start, p_end in paragraphs:
        if text[p_start:p_end].strip():
            count += 1
        para_number.append(count)
    surface = [
        found
        if planned is not None and (found := planned[number]) is not None
        else _surface(ctx, spans, number, paragraphs)
        for number in range(len(spans))
    ]
    # Parse (in one batch) the sentences whose speaker the surface leaves in doubt (already parsed
    # by the parse stage when it ran this stage's selector).
    unsure = sorted(
        {
            doc.sentence_at(start)
            for (start, _), found in zip(spans, surface, strict=True)
            if _needs_parse(ctx, found)
        }
    )
    parses = {(p.start, p.end): p for p in parse_spans(doc, unsure)} if unsure else {}
    previous: Quote | None = None
    previous_para = -1
    for number, (start, end) in enumerate(spans):
        para_index = bisect.bisect_right(para_starts, start) - 1
        resolved, sure = surface[number]
        if not sure:
            parse = parses.get(doc.sentence_at(start))
            parsed = _attribute_parsed(ctx, parse, start, end) if parse is not None else None
            # The parse decides where the surface gives nothing, or gives a state or body where
            # the parse finds a person (a job title or place taken for the speaker).
            if parsed is not None and (
                resolved is None
                or (
                    (_is_person(doc, parsed) or parsed[0].startswith("unnamed:"))
                    and not _is_person(doc, resolved)
                    and not resolved[0].startswith("unnamed:")
                    and not _names_words(ctx, resolved)
                )
            ):
                resolved = parsed
        if (
            resolved is not None
            and previous is not None
            and _speaks_for_previous(
                ctx, resolved, previous, para_number[para_index] - para_number[previous_para]
            )
        ):
            resolved = (previous.speaker, resolved[1], resolved[2], 0.6)
        # A state the words before the quotation merely name, far from it and with no speech
        # verb tying it to the words, is a weak guess: the speaker of the quotation just before,
        # or a person the sentence before shows speaking, comes first.
        weak: _Resolved | None = None
        if resolved is not None and _weak_state(ctx, resolved, start):
            weak, resolved = resolved, None
        if resolved is None and previous is not None and previous.speaker != "unknown":
            gap_start = previous.end
            gap = text[gap_start:start]
            near = para_number[para_index] - para_number[previous_para] <= 1
            low = bisect.bisect_left(ctx.person_starts, gap_start)
            high = bisect.bisect_left(ctx.person_starts, start)
            other = [p for _, _, p in ctx.people_by_mention[low:high] if p.name != previous.speaker]
            if near and not other and len(gap) < 400:
                resolved = (previous.speaker, previous.speaker_start, previous.speaker_end, 0.6)
        if resolved is None:
            resolved = _introduced_before(ctx, start)
        if resolved is None:
            resolved = _paragraph_after_speaker(ctx, start, end, paragraphs, para_index)
        if resolved is None:
            resolved = weak if weak is not None else ("unknown", None, None, 0.3)
        speaker, speaker_start, speaker_end, confidence = resolved
        quote = Quote(text[start:end], start, end, speaker, speaker_start, speaker_end, confidence)
        result.append(quote)
        previous = quote
        previous_para = para_index
    # A quotation of several paragraphs is attributed after its last paragraph: an unattributed
    # paragraph that runs on into the next quoted one takes that one's speaker.
    for number in range(len(result) - 2, -1, -1):
        quote, following = result[number], result[number + 1]
        if quote.speaker != "unknown" or following.speaker == "unknown":
            continue
        gap = text[quote.end : following.start]
        if "\n" in gap and not gap.strip(" \n\"'"):
            result[number] = Quote(
                quote.text,
                quote.start,
                quote.end,
                following.speaker,
                following.speaker_start,
                following.speaker_end,
                min(following.confidence, 0.6),
            )
    return result


@stage(
    "comity.quotes.v1",
    requires=["doc.text", "doc.sentences", "doc.mentions", "doc.people"],
    assigns=["doc.quotes"],
    factory=True,
)
def quotes(resources: Resources) -> Callable[[NewsDoc], NewsDoc]:
    """Find quotations and their speakers (``doc.quotes``)."""
    # Load what the stage may need when the pipeline is built, not within a document's time
    # budget: the parser (for sentences whose speaker the surface leaves in doubt) and the
    # registry's kinds of organisation (for "the agency said").
    parser()
    organisation_kinds()
    given_name_detector()

    def run(doc: NewsDoc) -> NewsDoc:
        plan = _PLANS.take(doc, doc.mentions, doc.people)
        if plan is not None:
            doc.quotes = _attribute(doc, plan.spans, plan.surface)
        else:
            doc.quotes = _attribute(doc, find_quotes(doc))
        return doc

    return run
