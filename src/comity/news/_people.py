"""The people stage: named persons, their offices and the states they act for. Rule-based.

A *name run* is a run of capitalised tokens that are neither office words ("Foreign",
"Minister"), nor part of a state or organisation mention, nor common capitalised words
("The", "Friday"). A run becomes a person when the text gives evidence:

- an office before it, with or without a state word ("Russian Foreign Minister Sergey
  Lavrov", "U.S. Secretary of State Antony Blinken", "opposition leader Alexei Navalny");
- an office after it ("Lavrov, Russia's top diplomat", "Rodolfo Reyes Rodriguez, Permanent
  Representative of Cuba to the United Nations");
- a byline or a photo credit ("By Stephen Feller", "Photo by Amanda Voisard/UPI",
  "Efrem Lukatsky / AP Photo");
- a speech verb next to it ("Name said", "said Name");
- a first token that is a known given name (the name list of gender-guesser, when installed),
  or the name is in the registry's list of people.

A single capitalised word is a person only with an office or honorific before it ("President
Obama"), with a state word before a given name ("Chinese Wang"), right after a quotation
and before a speech verb ('"...," Zakharova said'), before "administration" ("the Trump
administration"), when the registry knows the name, when it is the surname (or, for names
such as "Wang Yi", the family name) of a person already found, or when it stands in a list
with found people. A state's name after a given name is a surname ("John Irish"), and the
state mention is dropped. All mentions of one
person are merged under the fullest form of the name the text gives; the office is given
without the state word, and the state comes from the state word, an "of Country" phrase
or a possessive ("Russia's top diplomat").
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from comity.news._doc import Mention, NewsDoc, Person
from comity.news._pipeline import Resources, stage
from comity.news._prefilter import AtEnd

__all__ = ["PersonFinder", "given_name_detector", "people"]

# Office words: a name after them is a person's name.
_ROLE_HEADS = frozenset(
    """
    president vice-president premier chancellor minister ministers secretary secretary-general undersecretary
    under-secretary ambassador ambassadors envoy envoys representative representatives spokesman spokeswoman
    spokesperson spokespeople king queen prince princess emir sheikh sultan senator sen. rep. representative
    congressman congresswoman lawmaker speaker governor mayor chairman chairwoman chairperson chair director
    director-general commissioner chief leader general gen. admiral councilor councillor counsellor counselor
    diplomat diplomats official officials adviser advisor advisers advisors pope judge justice rapporteur
    coordinator negotiator head premier ayatollah correspondent reporter editor analyst professor prof. dr. dr
    mr mr. mrs mrs. ms ms. deputy delegate officer commander colonel col. captain lieutenant sergeant mp mep
    foreign-minister prime-minister attorney prosecutor founder ceo dictator monarch strongman brother sister
    wife husband son daughter father mother cardinal archbishop bishop rabbi imam cleric activist spokesperson
    mufti supremo tsar czar envoy chargé charge rep sen manager
    """.split()
)
# Words that may stand in an office phrase besides the heads.
_ROLE_MODIFIERS = frozenset(
    """
    foreign former deputy vice acting top senior permanent state national security defense defence interior
    trade finance economy economic chief executive special high first assistant under general opposition then
    outgoing incoming prime crown supreme late current new younger elder older interim caretaker affairs
    external international political ministry human rights humanitarian principal press foreign-policy
    communications cabinet presidential federal united nations council assembly house representatives
    chamber upper lower junior leading veteran longtime long-time republican democratic democrat conservative
    labour liberal party communist opposition sitting lead the a an his her their its policy
    of for to and
    """.split()
)
_CONNECTORS = frozenset(
    {"of", "for", "to", "and", "the", "on", "in", "at", "a", "an", "his", "her", "their", "its"}
)
_HONORIFICS = frozenset(
    {"mr", "mr.", "mrs", "mrs.", "ms", "ms.", "dr", "dr.", "sir", "dame", "madam", "madame"}
)
# Capitalised words that do not start or form a person's name.
_NOT_NAMES = frozenset(
    """
    the a an but and or if in on at of for to by with from as after before during while when where since
    although though however meanwhile moreover also yet so thus still then there here this that these those
    it its he she they we i you his her their our my your him them us me who whom whose which what why how
    monday tuesday wednesday thursday friday saturday sunday today yesterday
    one two three four five six seven eight nine ten dozens hundreds thousands
    tomorrow tonight morning evening night week month year years
    mr mrs ms dr prof sir
    not no yes all some many most few other others another each every both either neither any such only even
    according despite unlike like until unless because instead rather just now again already never ever
    western eastern northern southern west east north south central western europe asia africa america
    americas european asian african arab latin pacific atlantic middle gulf
    photo photos image images video file getty reuters ap afp associated press sputnik xinhua tass upi
    news daily times post online editor editorial opinion analysis comment comments share read more related
    advertisement click subscribe follow copyright rights reserved all
    covid covid-19 coronavirus pandemic world war ii i iii iv
    group friends charter declaration resolution resolutions council assembly security general nations united
    union alliance movement organization organisation agency committee commission court bank fund
    government ministry embassy mission delegation administration office department parliament congress
    senate house state states republic kingdom federation democratic people peoples party army navy
    force forces military police internet twitter facebook
    multilateralism unilateralism international global human humanitarian foreign
    later earlier separately speaking asked instead indeed finally first second third last next recently
    previously subsequently similarly likewise additionally furthermore nonetheless nevertheless elsewhere
    hence accordingly consequently addressing responding commenting writing reacting asked following
    god allah christ lord new pool villa palace hotel street avenue square hall center centre university
    airport building plaza park station campus summit conference forum headquarters
    """.split()
)
# Months start no name, but "May" and "Jun" end some ("Theresa May", "Zhang Jun").
_MONTHS = frozenset(
    """
    january february march april may june july august september october november december jan feb mar apr
    jun jul aug sep sept oct nov dec
    """.split()
)
_HONORIFICS_BARE = frozenset({"mr", "mrs", "ms", "dr", "sir", "dame", "madam", "madame"})
_PARTICLES = frozenset(
    {
        "al",
        "al-",
        "el",
        "bin",
        "ibn",
        "de",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "das",
        "van",
        "von",
        "der",
        "den",
        "la",
        "le",
        "du",
        "y",
        "abu",
        "bint",
        "ter",
    }
)
_SPEECH_VERBS = (
    r"said|says|say|told|tells|added|adds|noted|notes|stressed|stresses|urged|urges|warned|warns|insisted|"
    r"insists|declared|declares|stated|states|argued|argues|explained|explains|wrote|writes|tweeted|asked|asks|"
    r"replied|replies|announced|announces|accused|accuses|called|calls|recalled|recalls|emphasized|emphasised|"
    r"underscored|underlined|pointed|remarked|observed|acknowledged|admitted|claimed|claims|denied|"
    r"commented|responded|answered|concluded|continued|spoke|speaks|thanked|welcomed|condemned|blamed|"
    r"expressed|reiterated|highlighted|affirmed|reaffirmed|suggested|cautioned|mentioned|presided|chaired|"
    r"addressed|met|attended|joined"
)
_VERB_AFTER = re.compile(
    r"^\s*(?:,\s*)?(?:has |had |have |also |then |later |once |previously |on \w+ )?"
    r"(?:" + _SPEECH_VERBS + r")\b"
)


_VERB_BEFORE = AtEnd(
    r"\b(?:said|says|told|added|wrote|according to|asked|noted|stressed)\s+$",
    ("said", "says", "told", "added", "wrote", "according to", "asked", "noted", "stressed"),
)
_CREDIT_BEFORE = AtEnd(
    r"(?:(?:^|\n)\s*By|(?:^|\n)\s*by|Photo:|Photo by|photo by|Photos by|Credit:|credit:|Photo/|PHOTO/"
    r"|Photo /|Pool/|Reporting by|reporting by|Written by|written by|Edited by|"
    r"edited by|Author:|Story by|Text by)\s*$",
    ("By", "by", ":", "/"),
)
_CREDIT_AFTER = re.compile(
    r"^\s*(?:/|\|)\s*(?:AP|AFP|Reuters|Getty|EPA|Xinhua|Sputnik|TASS|Anadolu|UN Photo|"
    r"U\.N\. Photo|Bloomberg|Pool|Shutterstock|[A-Z][A-Za-z]+ (?:Photo|Images|Pictures))"
)
_SPEECH_LATER = re.compile(r",[^\"\n]{0,160}?\b(?:said|says|told|added|wrote|stated|declared)\b")
_ADMINISTRATION_AFTER = re.compile(r"^\s*(?:'s\s+)?administration\b")
_HEADLINE_VERBS = frozenset(
    """
    says said say chairs chaired presides presided meets met urges urged calls called warns warned
    slams slammed
    exchange exchanges exchanged hold holds held vows vowed rejects rejected backs backed condemns condemned
    joins joined seeks sought tells told speaks spoke addresses addressed attends attended leads led welcomes
    welcomed visits visited accuses accused blames blamed pledges pledged signs signed talks stresses stressed
    admits admitted acknowledges acknowledged defends defended criticizes criticises criticized criticised
    """.split()
)
# An office not yet taken: "President-elect", "the Secretary-General Designate".
_TITLE_SUFFIX = re.compile(r"^(?:[\w-]+)-(?:elect|designate|designee)$")
_TITLE_WORDS_AFTER = frozenset({"designate", "elect", "designee", "emeritus"})
# A capitalised run right after these is part of an institution's name, not a person's
# ("the Palestine Authority", "the Union of Concerned Scientists").
_INSTITUTION_OF = AtEnd(r"\b(?:[A-Z][a-z]+)\s+of\s+(?:the\s+)?$", ("of", "the"))
# Arabic articles joined to a name by a hyphen ("al-Assad").
_ARTICLES = "al|el|ad|as|ash|an|ar|at|az"
_ARABIC_ARTICLE = re.compile(rf"^(?:{_ARTICLES}|bin|ibn|abu|bint)-[A-Z]")
_TOKEN = re.compile(r"\w[\w'’.-]*\w\.?|\w\.?|[^\w\s]")
_POSSESSIVE = re.compile(r"['’]s$")
_CAPITAL = re.compile(r"[A-Z]")
# The end of a quotation: closing punctuation inside the marks ('...," Name') or after them ('...", Name').
_AFTER_QUOTE = AtEnd(r"(?:[,.!?]\s*[\"']|\w[\"']\s*[,.])\s*$", ('"', "'", ",", "."))
_LIST_GAP = re.compile(r"\s*(?:,|,?\s*and|&)\s*")
# Regexes of the per-candidate checks, compiled once (a module-level re.match(str) looks its
# pattern up in re's cache on every call, a cost paid per candidate).
_OF_AFTER = re.compile(r"^\s*,?\s*of\s+")
_HONORIFIC_BEFORE = AtEnd(r"\b(?:Mr|Mrs|Ms|Dr|Sir)\.?\s+$", ("Mr", "Mrs", "Ms", "Dr", "Sir", "."))
_APPOSITION_START = re.compile(r"^\s*(?:\([^()\n]{1,20}\)\s*)?,\s*(?:who is |who was )?(?:the |a |an )?")
_APPOSITION_STOP = re.compile(r"[,;:()\"]|\s-\s|\bwho\b|\bsaid\b|\bsays\b")
_PHRASE_WORD = re.compile(r"[\w'’.-]+")
_ARTICLE_PREFIX = re.compile(rf"^(?:{_ARTICLES})-")
_SPACED_POSSESSIVE = re.compile(r"\s+(['’]s)\b")
_ROLE_LEAD = re.compile(r"^(?:the|a|an|and|of|for|to|his|her|their|its|'s|’s)\s+", re.IGNORECASE)
_ROLE_TAIL = re.compile(r"\s+(?:of|for|to|and|the|in|on|at)$", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
# ASCII letters as bytes, for counting them with bytes.translate (see _shouting).
_UPPER_BYTES = bytes(range(ord("A"), ord("Z") + 1))
_LOWER_BYTES = bytes(range(ord("a"), ord("z") + 1))


@dataclass
class _Candidate:
    start: int
    end: int
    tokens: list[str]
    role: str | None = None
    state: str | None = None
    evidence: float = 0.0
    single_needs_link: bool = False


@dataclass
class _PersonBuild:
    name: str
    tokens: list[str]
    role: str | None
    state: str | None
    spans: list[tuple[int, int]] = field(default_factory=list)
    confidence: float = 0.0
    # The tokens as _find_by_part compares them, worked out once rather than for every candidate.
    keys: list[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.keys = _name_keys(self.tokens)


@functools.lru_cache(maxsize=65536)
def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).lower()


@functools.cache
def given_name_detector() -> Any:
    """gender-guesser's table of given names (None when it is not installed), loaded once per process.

    The people stage reads its names, the quotes stage the usual gender of a name; its tables take
    a fifth of a second to load, so both share this one.
    """
    try:
        from gender_guesser.detector import Detector  # type: ignore[import-untyped,unused-ignore]
    except ImportError:  # optional: without it, names need other evidence
        return None
    return Detector(case_sensitive=False)


def _load_given_names() -> frozenset[str]:
    names: dict[str, object] = getattr(given_name_detector(), "names", {})
    return frozenset(_plain(name) for name in names if len(name) > 1)


_REGISTRY_DATA = Path(__file__).resolve().parent.parent / "registry" / "data"


def _load_known_people() -> dict[str, tuple[str, str | None, str | None]]:
    """Known people from the registry: lower-cased name or alias -> (name, state, role)."""
    known: dict[str, tuple[str, str | None, str | None]] = {}
    path = _REGISTRY_DATA / "people.csv"
    if not path.exists():
        return known
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            name = (row.get("name") or "").strip()
            if not name:
                continue
            state = (row.get("state") or row.get("iso3") or "").strip() or None
            role = (row.get("role") or "").strip() or None
            known[_plain(name)] = (name, state, role)
            for alias in (row.get("aliases") or "").split(";"):
                if alias.strip():
                    known[_plain(alias.strip())] = (name, state, role)
    return known


class PersonFinder:
    """Finds people in a document whose state and organisation mentions are known.

    Parameters
    ----------
    given_names:
        Lower-cased, accent-free given names (evidence that a capitalised run is a name).
    known_people:
        Lower-cased names and aliases mapped to ``(name, state, role)``.
    """

    def __init__(
        self,
        given_names: frozenset[str] = frozenset(),
        known_people: dict[str, tuple[str, str | None, str | None]] | None = None,
    ) -> None:
        self.given_names = given_names
        self.known_people = known_people or {}

    def find(self, doc: NewsDoc) -> list[Person]:
        """The people of ``doc``, merged under their fullest names, in order of first mention."""
        text = doc.text
        entity_at = _entity_index(doc)
        candidates: list[_Candidate] = []
        sentences = doc.sentences or [(0, len(text))]
        wrapped = _hard_wrapped(text)
        if wrapped:
            sentences = _join_wrapped(text, sentences)
        # A line (a paragraph) holds several sentences and is judged as a headline once.
        headlines: dict[int, bool] = {}
        for sent_start, sent_end in sentences:
            doc.check_deadline("comity.people.v1")
            candidates.extend(
                self._sentence_candidates(
                    text, sent_start, sent_end, entity_at, headlines, wrapped, doc.check_deadline
                )
            )
        return self._merge(text, candidates, doc.check_deadline)

    # -- candidates ---------------------------------------------------------------------
    def _sentence_candidates(
        self,
        text: str,
        sent_start: int,
        sent_end: int,
        entity_at: dict[int, Mention],
        headlines: dict[int, bool],
        wrapped: bool = False,
        check_deadline: Callable[[str], None] | None = None,
    ) -> list[_Candidate]:
        """The name candidates of one sentence; ``headlines`` keeps the headline judgment of
        each line start already seen in the document."""
        sentence = text[sent_start:sent_end]
        if not _CAPITAL.search(sentence):
            return []
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN.finditer(text, sent_start, sent_end)]
        shouting = _shouting(sentence)
        # A headline is judged as a whole line: its question or exclamation marks split it.
        line_start = text.rfind("\n", 0, sent_start) + 1
        headline = headlines.get(line_start)
        if headline is None:
            line_end = text.find("\n", sent_end)
            headline = headlines[line_start] = _is_headline(
                text[line_start : line_end if line_end >= 0 else len(text)]
            )
        found: list[_Candidate] = []
        index = 0
        while index < len(tokens):
            # Joined hard-wrapped lines can make one very long "sentence": keep to the budget inside it.
            if check_deadline is not None and index % 512 == 0:
                check_deadline("comity.people.v1")
            if not tokens[index][2][0].isupper() or not _is_name_token(
                tokens[index], entity_at, shouting, first=True
            ):
                index += 1
                continue
            run_end = index + 1
            while run_end < len(tokens):
                token = tokens[run_end]
                if token[2].lower() in _PARTICLES:
                    # "von der Leyen", "de la Cruz": particles, then a name.
                    following = run_end
                    while following < len(tokens) and tokens[following][2].lower() in _PARTICLES:
                        following += 1
                    if following < len(tokens) and _is_name_token(
                        tokens[following], entity_at, shouting, first=False
                    ):
                        run_end = following + 1
                        continue
                if not _is_name_token(token, entity_at, shouting, first=False):
                    # "John Irish", "Michael Jordan": a state's name as the surname of a given name.
                    mention = entity_at.get(token[0])
                    if not (
                        run_end == index + 1
                        and mention is not None
                        and mention.entity_type == "state"
                        and mention.start == token[0]
                        and mention.end == token[1]
                        and self._is_given(tokens[index][2])
                        and not (run_end + 1 < len(tokens) and tokens[run_end + 1][2][:1].isupper())
                    ):
                        break
                # A name does not run across a line break or a comma.
                gap = text[tokens[run_end - 1][1] : token[0]]
                if "\n" in gap and not (wrapped and gap.strip(" ") == "\n"):
                    break  # (a hard-wrapped text breaks its lines anywhere, names too)
                run_end += 1
            run = tokens[index:run_end]
            while len(run) > 1 and run[-1][2].lower() in _HEADLINE_VERBS:
                run = run[:-1]
            while sum(1 for token in run if token[2].lower() not in _PARTICLES) > 5:
                run = run[1:]
            candidate = self._judge(text, sent_start, sent_end, tokens, index, run, entity_at, shouting)
            if candidate is not None and headline and len(run) > 1 and candidate.evidence < 0.85:
                # In a headline every word is capitalised, so a run of capitals is no name by
                # itself ("Will Duterte Quit"): its words are people only as the surnames of
                # people the text names elsewhere.
                found.extend(
                    _Candidate(token[0], token[1], [token[2]], evidence=0.6, single_needs_link=True)
                    for token in run
                    if token[2].lower() not in _PARTICLES
                )
            elif candidate is not None:
                found.append(candidate)
            index = run_end
        return found

    def _is_given(self, token: str) -> bool:
        return _plain(token) in self.given_names

    def _judge(
        self,
        text: str,
        sent_start: int,
        sent_end: int,
        tokens: list[tuple[int, int, str]],
        index: int,
        run: list[tuple[int, int, str]],
        entity_at: dict[int, Mention],
        shouting: bool,
    ) -> _Candidate | None:
        start, end = run[0][0], run[-1][1]
        words = [_POSSESSIVE.sub("", token[2]).rstrip(",") for token in run]
        if words[-1].endswith(".") and len(words[-1]) > 2:
            words[-1] = words[-1].rstrip(".")
            end -= 1
        if _POSSESSIVE.search(run[-1][2]):
            end = run[-1][0] + len(words[-1])
        capitals = any(word.isupper() and len(word) > 2 for word in words)
        if capitals and not shouting and not self._is_given(words[0]):
            return None
        if shouting or capitals:
            words = [word.title() if word.isupper() else word for word in words]
        candidate = _Candidate(start, end, words)
        before = text[max(sent_start, start - 80) : start]
        after = text[end : min(sent_end, end + 80)]
        known = self.known_people.get(_plain(" ".join(words)))
        if known is None and self._inside_institution(text, before, index, tokens, entity_at):
            return None

        role_tokens, state = self._role_before(tokens, index, entity_at)
        while role_tokens and _bare_lower(role_tokens[0][2]) in _HONORIFICS_BARE:
            role_tokens = role_tokens[1:]
        if not role_tokens and state is not None:
            candidate.state = state
        if role_tokens:
            candidate.role = _role_text(text, role_tokens)
            candidate.state = state
            heads = [
                t
                for t in role_tokens
                if t[2].lower().rstrip(".") in _ROLE_HEADS
                or t[2].lower() in _ROLE_HEADS
                or _elect_office(t[2].lower())
            ]
            if heads:
                candidate.evidence = max(candidate.evidence, 0.9)
        apposition = self._role_after(text, end, sent_end, entity_at)
        if apposition is not None:
            role, app_state = apposition
            candidate.role = candidate.role or role
            candidate.state = candidate.state or app_state
            candidate.evidence = max(candidate.evidence, 0.85)
        of_state = _OF_AFTER.match(after)
        if of_state:
            mention = entity_at.get(end + of_state.end())
            if mention is not None and mention.entity_type == "state":
                candidate.state = candidate.state or mention.entity_id
                candidate.evidence = max(candidate.evidence, 0.6)
        if _CREDIT_BEFORE.search(before) or _CREDIT_AFTER.match(after):
            candidate.role, candidate.state = None, None
            candidate.evidence = max(candidate.evidence, 0.85)
        if len(words) > 1 and _AFTER_QUOTE.search(before) and _SPEECH_LATER.match(text, end, sent_end):
            # '"...," Name Surname, <who they are>, said': the speaker of a quotation.
            candidate.evidence = max(candidate.evidence, 0.7)
        if _VERB_AFTER.match(after) or _VERB_BEFORE.search(before):
            candidate.evidence = max(candidate.evidence, 0.7 if len(words) > 1 else 0.0)
            # '"...," Zakharova said': a lone name attributing a quotation.
            if len(words) == 1 and _AFTER_QUOTE.search(before) and _VERB_AFTER.match(after):
                candidate.evidence = max(candidate.evidence, 0.7)
        if len(words) == 1 and _ADMINISTRATION_AFTER.match(after):
            candidate.evidence = max(candidate.evidence, 0.7)
        if known is not None:
            candidate.evidence = max(candidate.evidence, 0.9)
        if len(words) >= 2 and self._is_given(words[0]):
            candidate.evidence = max(candidate.evidence, 0.75)
        if len(words) == 1:
            heads_before = candidate.role is not None and candidate.evidence >= 0.85
            honorific = bool(_HONORIFIC_BEFORE.search(before))
            if honorific:
                candidate.evidence = max(candidate.evidence, 0.85)
            elif candidate.state is not None and self._is_given(words[0]):
                # "Chinese Wang": a state word before a single given name.
                candidate.evidence = max(candidate.evidence, 0.7)
            elif not heads_before and candidate.evidence < 0.7:
                # Only as a surname of someone found elsewhere, or in a list of people.
                candidate.single_needs_link = True
                candidate.evidence = max(candidate.evidence, 0.6)
        if candidate.evidence <= 0.0:
            return None
        return candidate

    def _inside_institution(
        self,
        text: str,
        before: str,
        index: int,
        tokens: list[tuple[int, int, str]],
        entity_at: dict[int, Mention],
    ) -> bool:
        """True for a run that continues an institution's name: after "the <State>" ("the
        Palestine Authority") or after "<Institution word> of" ("Union of Concerned Scientists")."""
        if index >= 2:
            mention = _covering(entity_at, tokens[index - 1][0])
            if (
                mention is not None
                and mention.entity_type == "state"
                and tokens[index - 2][2].lower() == "the"
                and mention.start == tokens[index - 1][0]
            ):
                return True
        institution = _INSTITUTION_OF.search(before)
        return institution is not None and institution.group().split()[0].lower() in _NOT_NAMES

    def _role_before(
        self, tokens: list[tuple[int, int, str]], index: int, entity_at: dict[int, Mention]
    ) -> tuple[list[tuple[int, int, str]], str | None]:
        role: list[tuple[int, int, str]] = []
        state: str | None = None
        position = index - 1
        # "Ukraine's UN envoy, Sergiy Kyslytsya": one comma may separate the office from the name.
        if (
            position >= 1
            and tokens[position][2] == ","
            and _bare_lower(tokens[position - 1][2]) in _ROLE_HEADS
        ):
            position -= 1
        while position >= 0 and len(role) < 12:
            start, _, word = tokens[position]
            lowered = word.lower()
            mention = entity_at.get(start)
            covered = _covering(entity_at, start)
            if covered is not None:
                if covered.entity_type == "state":
                    if (
                        position > 1
                        and tokens[position - 1][2].lower() == "of"
                        and tokens[position - 2][2][:1].isupper()
                        and _bare_lower(tokens[position - 2][2]) not in _ROLE_HEADS
                    ):
                        break  # "Lavrov of Russia and Wang Yi": the state is the previous person's
                    state = state or covered.entity_id
                else:
                    role.insert(0, tokens[position])
                position -= 1
                continue
            if mention is None and (
                lowered in _ROLE_HEADS
                or lowered.rstrip(".") in _ROLE_HEADS
                or lowered in _ROLE_MODIFIERS
                or lowered in {"'s", "’s", "-"}
                or _POSSESSIVE.sub("", lowered) in _ROLE_HEADS
                or _elect_office(lowered)
            ):
                role.insert(0, tokens[position])
                position -= 1
                continue
            break
        # Drop leading connectors and determiners; keep the phrase only if it names an office
        # or a state.
        while role and (role[0][2].lower() in _CONNECTORS or role[0][2] in {"'s", "’s", "-"}):
            role.pop(0)
        while role and role[-1][2].lower() in _CONNECTORS:
            role.pop()
        if not role:
            return [], state
        return role, state

    def _role_after(
        self, text: str, end: int, sent_end: int, entity_at: dict[int, Mention]
    ) -> tuple[str | None, str | None] | None:
        match = _APPOSITION_START.match(text[end:sent_end])
        if match is None:
            return None
        position = end + match.end()
        phrase_end = sent_end
        stop = _APPOSITION_STOP.search(text[position:sent_end])
        if stop:
            phrase_end = position + stop.start()
        phrase = text[position:phrase_end]
        words = _PHRASE_WORD.findall(phrase)
        if not words or len(words) > 12:
            return None
        has_head = any(_POSSESSIVE.sub("", w.lower()).rstrip(".") in _ROLE_HEADS for w in words)
        if not has_head:
            return None
        # Only an office phrase: every word an office word, a connector or part of an entity.
        state: str | None = None
        role_words: list[str] = []
        for match_word in _PHRASE_WORD.finditer(phrase):
            absolute = position + match_word.start()
            covered = _covering(entity_at, absolute)
            word = match_word.group()
            if covered is not None:
                if covered.entity_type == "state":
                    state = state or covered.entity_id
                    continue
                role_words.append(word)
                continue
            lowered = _POSSESSIVE.sub("", word.lower())
            if lowered in _ROLE_HEADS or lowered.rstrip(".") in _ROLE_HEADS or lowered in _ROLE_MODIFIERS:
                role_words.append(word)
                continue
            return None
        role = _clean_role(" ".join(role_words))
        return role, state

    # -- merging ------------------------------------------------------------------------
    def _merge(
        self, text: str, candidates: list[_Candidate], check_deadline: Callable[[str], None] | None = None
    ) -> list[Person]:
        # Matching candidates against the people found so far grows with both counts: a text that
        # is nothing but capitalised words keeps to the document's budget here too.
        people: list[_PersonBuild] = []
        by_key: dict[str, _PersonBuild] = {}
        full = [c for c in candidates if not c.single_needs_link]
        linked_later = [c for c in candidates if c.single_needs_link]
        for index, candidate in enumerate(sorted(full, key=lambda c: -len(c.tokens))):
            if check_deadline is not None and index % 64 == 0:
                check_deadline("comity.people.v1")
            key = _plain(" ".join(candidate.tokens))
            person = by_key.get(key) or self._find_by_part(people, candidate.tokens)
            if person is None:
                person = _PersonBuild(" ".join(candidate.tokens), candidate.tokens, None, None)
                people.append(person)
                by_key[key] = person
            person.spans.append((candidate.start, candidate.end))
            person.confidence = max(person.confidence, candidate.evidence)
            if candidate.role and not person.role:
                person.role = candidate.role
            if candidate.state and not person.state:
                person.state = candidate.state
        for index, candidate in enumerate(linked_later):
            if check_deadline is not None and index % 64 == 0:
                check_deadline("comity.people.v1")
            person = self._find_by_part(people, candidate.tokens)
            if person is None and self._in_list_with_people(text, candidate, people):
                person = _PersonBuild(candidate.tokens[0], candidate.tokens, candidate.role, candidate.state)
                people.append(person)
                person.confidence = 0.6
            if person is not None:
                person.spans.append((candidate.start, candidate.end))
                if candidate.state and not person.state:
                    person.state = candidate.state
        result = []
        for person in sorted(people, key=lambda p: min(p.spans)):
            person.spans.sort()
            result.append(
                Person(person.name, person.state, person.role, person.spans, round(person.confidence, 2))
            )
        return result

    @staticmethod
    def _find_by_part(people: list[_PersonBuild], tokens: list[str]) -> _PersonBuild | None:
        """The found person whose name ends (or, family name first, starts) with ``tokens``."""
        plain = _name_keys(tokens)
        for person in people:
            names = person.keys
            if names == plain:
                return person
            if len(names) <= len(plain):
                continue
            if names[-len(plain) :] == plain or names[: len(plain)] == plain:
                return person
        return None

    @staticmethod
    def _in_list_with_people(text: str, candidate: _Candidate, people: list[_PersonBuild]) -> bool:
        for person in people:
            for start, end in person.spans:
                if 0 <= candidate.start - end <= 8:
                    gap = text[end : candidate.start]
                elif 0 <= start - candidate.end <= 8:
                    gap = text[candidate.end : start]
                else:
                    continue
                if _LIST_GAP.fullmatch(gap):
                    return True
        return False


_HEADLINE_WORD = re.compile(r"[A-Za-z][\w'’-]*")
# A byline or credit line is a list of names, all capitalised, and no headline.
_BYLINE = re.compile(r"^\s*(?:By|Photo|Photos|Credit|Reporting|Written|Edited)\b|/", re.IGNORECASE)


def _is_headline(sentence: str) -> bool:
    """True for a line in title case ("Leaders Pledge Doses As Summit Opens"): five words or more
    besides the small ones, nearly all capitalised, and no full stop closing it."""
    # The cheap tests first: most lines are paragraphs that end with a full stop.
    if sentence.rstrip().endswith(".") or _BYLINE.match(sentence):
        return False
    words = [w for w in _HEADLINE_WORD.findall(sentence) if w.lower() not in _CONNECTORS and len(w) > 2]
    if len(words) < 5 or len(words) > 30:
        return False
    capitalised = sum(1 for word in words if word[0].isupper())
    return capitalised >= 0.85 * len(words)


def _shouting(sentence: str) -> bool:
    """True for a sentence in capitals: more than four ASCII capitals to each lower-case letter.

    Counted by deleting the letters from the ASCII bytes of the sentence (bytes.translate runs in
    C; listing every letter with a regex costs more than finding the sentence's names)."""
    ascii_bytes = sentence.encode("ascii", "ignore")
    size = len(ascii_bytes)
    upper = size - len(ascii_bytes.translate(None, _UPPER_BYTES))
    lower = size - len(ascii_bytes.translate(None, _LOWER_BYTES))
    return upper > 4 * lower


def _is_name_token(
    token: tuple[int, int, str], entity_at: dict[int, Mention], shouting: bool, first: bool
) -> bool:
    """Whether ``token`` may be part of a name (``first``: start one)."""
    if token[0] in entity_at:
        return False  # a state or an organisation
    return _is_name_word(token[2], shouting, first)


@functools.lru_cache(maxsize=65536)
def _is_name_word(word: str, shouting: bool, first: bool) -> bool:
    """Whether ``word`` may be part of a name, as far as the word itself tells (the caller tests
    that it is no state or organisation). Cached: the same capitalised words recur in every text.
    """
    if not word[0].isupper():
        return not first and bool(_ARABIC_ARTICLE.match(word))
    bare = _POSSESSIVE.sub("", word)
    lowered = bare.lower().rstrip(".")
    if len(bare.rstrip(".")) == 1 and bare[0].isupper():
        return not first  # an initial: "Mohamad Y", "John F. Kennedy"
    if lowered in _NOT_NAMES or lowered in _ROLE_HEADS or lowered.rstrip(".") in _ROLE_HEADS:
        return False
    if _TITLE_SUFFIX.search(lowered) or lowered in _TITLE_WORDS_AFTER:
        return False  # "President-elect", "Secretary-General Designate": offices, not names
    if lowered in _MONTHS and (first or bare.endswith(".")):
        return False
    if lowered in _ROLE_MODIFIERS and lowered not in {"new", "lead", "chief"}:
        return False
    # (A word of letters has no digit: only other words are looked at character by character.)
    if not bare.isalpha() and any(char.isdigit() for char in bare):
        return False
    if bare.isupper() and len(bare) < 3 and not shouting:
        return False
    if len(bare) == 2 and bare.endswith(".") and first:
        return False
    return True


def _hard_wrapped(text: str) -> bool:
    """True for a text whose lines were broken at a fixed width (wire copy, plain-text mail):
    most lines are long, of similar length, and end inside a sentence."""
    lines = [line.rstrip() for line in text.split("\n") if line.strip()]
    if len(lines) < 8:
        return False
    long_lines = [line for line in lines if 55 <= len(line) <= 90]
    open_ends = [line for line in long_lines if line[-1] not in '.!?:"\u201d']
    return len(long_lines) >= 0.6 * len(lines) and len(open_ends) >= 0.5 * len(long_lines)


def _join_wrapped(text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentence spans with the spans that a single line break cut inside a sentence joined."""
    joined: list[tuple[int, int]] = []
    for start, end in sentences:
        if joined:
            previous_start, previous_end = joined[-1]
            gap = text[previous_end:start]
            if gap.strip(" ") == "\n" and text[previous_end - 1] not in '.!?:"\u201d':
                joined[-1] = (previous_start, end)
                continue
        joined.append((start, end))
    return joined


def _elect_office(lowered: str) -> bool:
    """ "president-elect": an office word with the suffix of an office not yet taken."""
    match = _TITLE_SUFFIX.match(lowered)
    return match is not None and lowered.rsplit("-", 1)[0] in _ROLE_HEADS


def _bare_lower(word: str) -> str:
    return _POSSESSIVE.sub("", word.lower()).rstrip(".")


def _name_keys(tokens: list[str]) -> list[str]:
    """Name tokens without accents, case or Arabic article ("al-Assad" and "Assad" are one name)."""
    return [_strip_article(_plain(token)) for token in tokens]


def _strip_article(token: str) -> str:
    return _ARTICLE_PREFIX.sub("", token)


def _entity_index(doc: NewsDoc) -> dict[int, Mention]:
    """State and organisation mentions by every character offset they cover."""
    index: dict[int, Mention] = {}
    for mention in doc.mentions:
        if mention.entity_type == "person":
            continue
        for offset in range(mention.start, mention.end):
            index.setdefault(offset, mention)
    return index


def _covering(entity_at: dict[int, Mention], offset: int) -> Mention | None:
    return entity_at.get(offset)


def _role_text(text: str, role_tokens: list[tuple[int, int, str]]) -> str | None:
    """The office text without the state words: 'U.S. Secretary of State' -> 'Secretary of State'."""
    words = [token[2] for token in role_tokens]
    return _clean_role(" ".join(words))


def _clean_role(role: str) -> str | None:
    role = _SPACED_POSSESSIVE.sub(r"\1", role)
    role = _ROLE_LEAD.sub("", role)
    role = _ROLE_TAIL.sub("", role)
    role = role.strip(" ,-")
    return role or None


def _strip_state_words(role: str, state_words: list[str]) -> str:
    for word in state_words:
        role = role.replace(word, "")
    return _SPACES.sub(" ", role).strip()


@stage(
    "comity.people.v1",
    requires=["doc.text", "doc.sentences", "doc.mentions"],
    assigns=["doc.people"],
    factory=True,
)
def people(resources: Resources) -> Callable[[NewsDoc], NewsDoc]:
    """Find the named people of ``doc`` (``doc.people``; person mentions in ``doc.mentions``)."""
    finder: PersonFinder = resources.cached(
        "people.finder", lambda: PersonFinder(_load_given_names(), _load_known_people())
    )

    def run(doc: NewsDoc) -> NewsDoc:
        doc.people = finder.find(doc)
        inside_names = {
            offset for person in doc.people for start, end in person.mentions for offset in range(start, end)
        }
        # A state's name that is part of a person's name ("John Irish") is no state mention.
        doc.mentions = [
            m
            for m in doc.mentions
            if m.entity_type != "person" and not (m.entity_type == "state" and m.start in inside_names)
        ]
        for person in doc.people:
            for start, end in person.mentions:
                doc.mentions.append(
                    Mention(start, end, doc.text[start:end], person.name, "person", "name", person.confidence)
                )
        doc.mentions.sort(key=lambda m: (m.start, -m.end))
        return doc

    return run
