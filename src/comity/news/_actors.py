"""The actors stage: states and organisations named in the text, by dictionary matching.

Surface forms come from the registry gazetteer (names, aliases, demonyms, capitals,
acronyms), completed by the forms news writing adds (``Franco-``, ``Kremlin``, ``U.N.``,
"the Security Council") and by *blockers*: names that contain a state's name without
meaning the state ("South China Sea", "Latin America", "Washington Post"). One
Aho-Corasick automaton over the lower-cased forms finds every candidate; then

- a candidate must sit on word boundaries and start with a capital letter; acronyms and
  other all-capital forms must match case exactly ("US" but not "us", "WHO" but not "who");
- overlapping candidates resolve to the longest (a blocker that wins removes the state);
- states and ``UN`` named inside a longer organisation name are kept too ("Franco-German
  Alliance for Multilateralism" gives FRA and DEU, "UN Security Council" gives UN);
- a capital counts as its state's government (and a city standing for a body, "Brussels"
  for the EU) only when it acts or is acted upon ("Beijing said", "Moscow's attack",
  "pressure on Tehran."), not as a place ("in Beijing", "Washington-based", "the Vienna
  talks");
- an acronym of a lesser-known organisation (the Correlates of War list has "AP", "EPA",
  "BONN") counts only when the text also names that organisation in full; the generic names
  of UN organs count only when no other body owns them ("National Security Council",
  "NATO Secretary-General");
- a named agreement or group the registry does not know ("Black Sea Grain Initiative")
  gets an UPPER_SNAKE id made from its name, as the gold format asks;
- a state named only in a dateline ("CAMEROON -", "MOSCOW, May 7 (Sputnik) -") or inside a
  publisher's name ("Pakistan Point News", "China Daily") is left out.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from comity.news._doc import Mention, NewsDoc
from comity.news._pipeline import Resources, stage
from comity.news._prefilter import has_fold_exception

__all__ = ["ActorMatcher", "actors", "load_gazetteer"]

GazetteerRow = tuple[str, str, str, str]

# Organisation forms of news writing for the ids of the gold format. The registry holds the
# canonical names; these are the short, long and journalistic variants a reader meets.
_ORG_FORMS: dict[str, tuple[str, ...]] = {
    "UN": ("world body", "UN", "U.N.", "United Nations", "U.N", "UNO", "United Nations Organization"),
    "UNGA": (
        "UN General Assembly",
        "U.N. General Assembly",
        "United Nations General Assembly",
        "General Assembly",
        "UNGA",
        "GA",
    ),
    "UNSC": (
        "UN Security Council",
        "U.N. Security Council",
        "United Nations Security Council",
        "Security Council",
        "UNSC",
    ),
    "UNSG": (
        "UN Secretary-General",
        "UN Secretary General",
        "U.N. Secretary-General",
        "Secretary-General",
        "Secretary General",
        "UN Secretariat",
        "United Nations Secretariat",
        "UN chief",
        "U.N. chief",
    ),
    "UNHRC": (
        "UN Human Rights Council",
        "U.N. Human Rights Council",
        "United Nations Human Rights Council",
        "Human Rights Council",
        "UNHRC",
        "Human Rights Commission",
    ),
    "OHCHR": (
        "UN human rights chief",
        "U.N. human rights chief",
        "UN rights chief",
        "U.N. rights chief",
        "UN rights office",
        "OHCHR",
        "Office of the High Commissioner for Human Rights",
        "UN human rights office",
        "U.N. human rights office",
        "UN High Commissioner for Human Rights",
    ),
    "WHO": (
        "UN health agency",
        "U.N. health agency",
        "WHO",
        "World Health Organization",
        "World Health Organisation",
    ),
    "UNESCO": (
        "UNESCO",
        "Unesco",
        "United Nations Educational, Scientific and Cultural Organization",
        "UN cultural agency",
        "U.N. cultural agency",
    ),
    "UNICEF": ("UNICEF", "Unicef", "United Nations Children's Fund", "UN children's agency"),
    "UNHCR": (
        "UNHCR",
        "UN refugee agency",
        "U.N. refugee agency",
        "United Nations High Commissioner for Refugees",
        "UN High Commissioner for Refugees",
    ),
    "UNRWA": (
        "UN agency for Palestinian refugees",
        "U.N. agency for Palestinian refugees",
        "UNRWA",
        "United Nations Relief and Works Agency",
    ),
    "WFP": ("UN food agency", "U.N. food agency", "WFP", "World Food Programme", "World Food Program"),
    "UNDP": (
        "UN development agency",
        "U.N. development agency",
        "UNDP",
        "United Nations Development Programme",
        "UN Development Programme",
    ),
    "UNFCCC": (
        "UNFCCC",
        "United Nations Framework Convention on Climate Change",
        "UN Framework Convention on Climate Change",
    ),
    "PARIS_AGREEMENT": (
        "Paris Agreement",
        "Paris climate agreement",
        "Paris climate accord",
        "Paris accord",
        "Paris Accords",
        "Paris climate accords",
        "Paris Climate Agreement",
        "climate agreement",
        "global agreement on climate change",
        "Paris deal",
        "Paris climate deal",
    ),
    "KYOTO_PROTOCOL": ("Kyoto Protocol",),
    "JCPOA": (
        "JCPOA",
        "Joint Comprehensive Plan of Action",
        "Iran nuclear deal",
        "nuclear deal with Iran",
        "Iran nuclear agreement",
        "international nuclear agreement",
        "Iran deal",
        "nuclear agreement with Iran",
    ),
    "NPT": (
        "NPT",
        "Non-Proliferation Treaty",
        "Nuclear Non-Proliferation Treaty",
        "Treaty on the Non-Proliferation of Nuclear Weapons",
    ),
    "INF_TREATY": ("INF Treaty", "Intermediate-Range Nuclear Forces Treaty", "INF"),
    "NEW_START": ("New START", "New Start treaty"),
    "OPEN_SKIES": ("Open Skies Treaty", "Treaty on Open Skies", "Open Skies"),
    "IAEA": (
        "UN nuclear watchdog",
        "U.N. nuclear watchdog",
        "UN atomic agency",
        "U.N. atomic agency",
        "IAEA",
        "International Atomic Energy Agency",
    ),
    "ICC": ("ICC", "International Criminal Court"),
    "ICJ": (
        "UN's top court",
        "U.N.'s top court",
        "UN top court",
        "U.N. top court",
        "ICJ",
        "International Court of Justice",
        "World Court",
    ),
    "WTO": ("WTO", "World Trade Organization", "World Trade Organisation"),
    "IMF": ("IMF", "International Monetary Fund"),
    "WORLD_BANK": ("World Bank",),
    "NATO": (
        "NATO",
        "Nato",
        "North Atlantic Treaty Organization",
        "North Atlantic Treaty Organisation",
        "North Atlantic Alliance",
    ),
    "EU": ("EU", "E.U.", "European Union"),
    "AU": ("African Union", "AU"),
    "ASEAN": (
        "ASEAN",
        "Asean",
        "Association of Southeast Asian Nations",
        "Association of South East Asian Nations",
    ),
    "BRICS": ("BRICS",),
    "SCO": ("Shanghai Cooperation Organization", "Shanghai Cooperation Organisation", "SCO"),
    "CSTO": ("CSTO", "Collective Security Treaty Organization", "Collective Security Treaty Organisation"),
    "EAEU": ("EAEU", "Eurasian Economic Union", "EEU"),
    "G7": ("G7", "G-7", "Group of Seven"),
    "G20": ("G20", "G-20", "Group of 20", "Group of Twenty"),
    "G77": ("G77", "G-77", "Group of 77"),
    "NAM": (
        "NAM",
        "Non-Aligned Movement",
        "Non Aligned Movement",
        "Nonaligned Movement",
        "Movement of Non-Aligned Countries",
        "Non-Aligned Countries",
    ),
    "OAS": ("OAS", "Organization of American States"),
    "ARAB_LEAGUE": ("Arab League", "League of Arab States"),
    "OIC": (
        "OIC",
        "Organisation of Islamic Cooperation",
        "Organization of Islamic Cooperation",
        "Organization of the Islamic Conference",
    ),
    "GCC": ("GCC", "Gulf Cooperation Council"),
    "OPEC": ("OPEC", "Organization of the Petroleum Exporting Countries"),
    "OSCE": (
        "OSCE",
        "Organization for Security and Co-operation in Europe",
        "Organization for Security and Cooperation in Europe",
    ),
    "COUNCIL_OF_EUROPE": ("Council of Europe",),
    # The Council of Europe's two statutory organs: news names the Assembly by its acronym alone
    # and the Committee without its owner once the Council of Europe is named.
    "COE_COMMITTEE_OF_MINISTERS": ("Committee of Ministers",),
    "PACE": ("PACE",),
    "QUAD": ("Quad", "Quadrilateral Security Dialogue"),
    "AUKUS": ("AUKUS",),
    "UN_CHARTER": (
        "UN Charter",
        "U.N. Charter",
        "United Nations Charter",
        "Charter of the United Nations",
        "Charter of the UN",
        "UN's Charter",
        "United Nations' Charter",
    ),
    "UDHR": ("UDHR", "Universal Declaration of Human Rights"),
    "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER": (
        "Group of Friends in Defense of the Charter of the United Nations",
        "Group of Friends in Defence of the Charter of the United Nations",
        "Group of Friends in Defense of the United Nations Charter",
        "Group of Friends in Defence of the United Nations Charter",
        "Group of Friends in Defense of the UN Charter",
        "Group of Friends in Defence of the UN Charter",
        "Group of Friends of the UN Charter",
    ),
    "ALLIANCE_FOR_MULTILATERALISM": ("Alliance for Multilateralism",),
    "HUMANITARIAN_TROIKA": ("humanitarian troika", "Humanitarian Troika"),
    "NAM_COORDINATING_BUREAU": (
        "NAM Coordinating Bureau",
        "Coordinating Bureau of the Non-Aligned Movement",
        "Coordinating Bureau of the NAM",
        "NAM Ministerial Coordinating Bureau",
        "Coordinating Bureau",
        "Coordination Bureau",
    ),
    "COVAX": ("COVAX", "Covax"),
    "UN75_DECLARATION": (
        "UN75 declaration",
        "UN75 Declaration",
        "Declaration on the commemoration of the seventy-fifth anniversary of the United Nations",
        "UN75 political declaration",
    ),
    "CARACAS_POLITICAL_DECLARATION": (
        "Caracas Political Declaration",
        "Caracas Declaration",
        "Political Declaration of Caracas",
    ),
}

# Forms that name a state's government or a state in compounds; the registry may lack them.
_STATE_FORMS: tuple[GazetteerRow, ...] = (
    ("Kremlin", "RUS", "state", "government"),
    ("White House", "USA", "state", "government"),
    ("Downing Street", "GBR", "state", "government"),
    ("Elysee", "FRA", "state", "government"),
    ("Élysée", "FRA", "state", "government"),
    ("Zhongnanhai", "CHN", "state", "government"),
    ("Brussels", "EU", "organisation", "capital"),
    ("Franco-", "FRA", "state", "demonym"),
    ("Sino-", "CHN", "state", "demonym"),
    ("Russo-", "RUS", "state", "demonym"),
    ("Anglo-", "GBR", "state", "demonym"),
    ("U.S.", "USA", "state", "acronym"),
    ("U.S", "USA", "state", "acronym"),
    ("US", "USA", "state", "acronym"),
    ("USA", "USA", "state", "acronym"),
    ("U.S.A.", "USA", "state", "acronym"),
    ("America", "USA", "state", "alias"),
    ("United States", "USA", "state", "name"),
    ("United States of America", "USA", "state", "name"),
    ("American", "USA", "state", "demonym"),
    ("Americans", "USA", "state", "demonym"),
    ("UK", "GBR", "state", "acronym"),
    ("U.K.", "GBR", "state", "acronym"),
    ("Britain", "GBR", "state", "alias"),
    ("Great Britain", "GBR", "state", "alias"),
    ("British", "GBR", "state", "demonym"),
    ("Washington", "USA", "state", "capital"),
    ("Moscow", "RUS", "state", "capital"),
    ("Beijing", "CHN", "state", "capital"),
    ("Palestinians", "PSE", "state", "demonym"),
    ("Palestinian", "PSE", "state", "demonym"),
    ("Palestine", "PSE", "state", "name"),
    ("State of Palestine", "PSE", "state", "name"),
    ("North Korea", "PRK", "state", "alias"),
    ("North Korean", "PRK", "state", "demonym"),
    ("DPRK", "PRK", "state", "acronym"),
    ("Democratic People's Republic of Korea", "PRK", "state", "name"),
    ("South Korea", "KOR", "state", "alias"),
    ("South Korean", "KOR", "state", "demonym"),
    ("Soviet Union", "SUN", "state", "name"),
    ("USSR", "SUN", "state", "acronym"),
    ("Soviet", "SUN", "state", "demonym"),
    ("Holy See", "VAT", "state", "name"),
    ("Vatican", "VAT", "state", "alias"),
    ("Kosovo", "XKX", "state", "name"),
    ("Taiwan", "TWN", "state", "name"),
    ("Kiev", "UKR", "state", "capital"),
    ("Kyiv", "UKR", "state", "capital"),
    ("Saint Vincent and the Grenadines", "VCT", "state", "name"),
    ("St. Vincent and the Grenadines", "VCT", "state", "name"),
    ("St Vincent and the Grenadines", "VCT", "state", "name"),
    ("Laos", "LAO", "state", "name"),
    ("Syria", "SYR", "state", "name"),
    ("Iran", "IRN", "state", "name"),
    ("Russia", "RUS", "state", "name"),
    ("Venezuela", "VEN", "state", "name"),
    ("Bolivia", "BOL", "state", "name"),
    ("Vietnam", "VNM", "state", "name"),
    ("Viet Nam", "VNM", "state", "name"),
    ("Tanzania", "TZA", "state", "name"),
    ("Moldova", "MDA", "state", "name"),
    ("Czech Republic", "CZE", "state", "name"),
    ("Czechia", "CZE", "state", "name"),
    ("Ivory Coast", "CIV", "state", "alias"),
    ("Cote d'Ivoire", "CIV", "state", "name"),
    ("Turkiye", "TUR", "state", "name"),
    ("Turkey", "TUR", "state", "name"),
    ("Türkiye", "TUR", "state", "name"),
    ("Emirati", "ARE", "state", "demonym"),
    ("UAE", "ARE", "state", "acronym"),
    ("United Arab Emirates", "ARE", "state", "name"),
    ("Emirates", "ARE", "state", "alias"),
)

# Names that contain a state's form without meaning the state.
_BLOCKERS: tuple[str, ...] = (
    "South China Sea",
    "East China Sea",
    "China Sea",
    "Sea of Japan",
    "Indian Ocean",
    "Gulf of Mexico",
    "New Mexico",
    "New York",
    "New Jersey",
    "New South Wales",
    "New England",
    "New Guinea",
    "Latin America",
    "Latin American",
    "Latin Americans",
    "South America",
    "South American",
    "Central America",
    "Central American",
    "North America",
    "North American",
    "Americas",
    "Indian Ocean",
    "American Samoa",
    "Washington Post",
    "Washington Times",
    "Washington Examiner",
    "Washington state",
    "Washington State",
    "Washington, D.C.",
    "George Washington",
    "Denzel Washington",
    "Paris Hilton",
    "Turkey Creek",
    "Korean Peninsula",
    "Korean peninsula",
    "Persian Gulf",
    "Arabian Sea",
    "Arabian Peninsula",
    "China Daily",
    "China Global Television Network",
    "China Central Television",
    "China Radio International",
    "Russia Today",
    "Moscow Times",
    "Kyiv Independent",
    "Kyiv Post",
    "Japan Times",
    "Korea Times",
    "Korea Herald",
    "Jerusalem Post",
    "Times of India",
    "Voice of America",
    "Radio Free Europe",
    "Pakistan Point News",
    "Pakistan Today",
    "Iran International",
    "American Thinker",
    "American University",
    "AP",
    "AFP",
    "UPI",
    "TASS",
    "Xinhua",
    "Reuters",
    "Sputnik",
    "IRNA",
    "ANI",
    "PTI",
    "APP",
    "EFE",
    "DPA",
    "ANSA",
    "Yonhap",
    "Kyodo",
    "Anadolu",
    "WAM",
    "KCNA",
    "CNN",
    "BBC",
    "CGTN",
    "RT",
    "VOA",
    "RFE/RL",
    "NPR",
    "PBS",
    "Press TV",
    "China News Service",
    "China News",
    "Associated Press",
    "Agence France-Presse",
    "Native American",
    "Native Americans",
    "African American",
    "African Americans",
    "Asian American",
    "Indian Country",
    "Guinea pig",
    "Chad Smith",
    "Georgia Tech",
    "Jordan River",
)

_MEDIA_WORDS = (
    "News",
    "Daily",
    "Times",
    "Post",
    "Today",
    "Herald",
    "Tribune",
    "Observer",
    "Gazette",
    "Telegraph",
    "Journal",
    "Express",
    "Radio",
    "TV",
    "Television",
    "Broadcasting",
    "Chronicle",
    "Standard",
    "Press",
    "Insider",
    "Weekly",
    "Online",
    "Review",
    "Dispatch",
    "Reporter",
)
_MEDIA_AFTER = re.compile(r"^(?:\s+[A-Z][\w'-]*){0,2}?\s+(?:" + "|".join(_MEDIA_WORDS) + r")\b")
_PLACE_BEFORE = re.compile(
    r"\b(?:in|at|from|to|near|into|outside|around|via|visited|visiting|visit|across|throughout|toward|towards"
    r"|within|between|of|capital|city)\s+$",
    re.IGNORECASE,
)
_CAPITAL_END = re.compile(r"^\s*(?:[.;:!?)\]\"'-]|$|(?:and|or|to|as|in|on|over|for|with|about|from|by|of)\b)")
_GOVERNMENT_AFTER = re.compile(
    r"^\s*(?:(?:also|then|now|still|later|again|already|never|quickly|[a-z]+ly)\s+)?"
    r"(?:[a-z]+ed\b|opposes\b|supports\b|backs\b|demands\b|seeks\b|plans\b|expects\b|fears\b|needs\b"
    r"|spoke\b|speaks\b|sent\b|sends\b|took\b|takes\b|made\b|makes\b|gave\b|gives\b|held\b|holds\b|met\b"
    r"|meets\b|won\b|lost\b|chose\b|led\b|leads\b|kept\b|left\b|struck\b|sought\b|brought\b|became\b"
    r"|began\b|broke\b|fought\b|wrote\b|writes\b|went\b|came\b|quit\b|threatens\b|vetoes\b|votes\b"
    r"|agrees\b|refuses\b|condemns\b|welcomes\b|denounces\b|responds\b|remains\b|continues\b|insists\b"
    r"|'s\b|has\b|have\b|had\b|is\b|was\b|will\b|would\b|said\b|says\b|say\b|told\b|insisted\b|insists\b"
    r"|accused\b|accuses\b|wants\b|wanted\b|claimed\b|claims\b|denied\b|denies\b|rejected\b|rejects\b|urged\b"
    r"|urges\b|called\b|calls\b|warned\b|warns\b|announced\b|responded\b|hit\b|sees\b|saw\b|views\b|blamed\b"
    r"|argued\b|argues\b|hopes\b|believes\b|regards\b|considers\b|does\b|did\b|can\b|could\b|should\b|may\b"
    r"|might\b|must\b|and\b|or\b|,)"
)
# A dateline: capitals, optional date and agency, then a dash, at the start of a line.
_DATELINE = re.compile(
    r"^[ \t]*(?:[A-Z][A-Z.'-]+(?:[ ,]+[A-Z][A-Z.'-]+)*)(?:,\s*[A-Z][\w.'-]*(?:\s[A-Z][\w.'-]*){0,2})?"
    r"(?:,?\s+(?:[A-Z][a-z]{2,8}\.?\s+\d{1,2}|\d{1,2}\s+[A-Z][a-z]{2,8}\.?)(?:,\s*\d{4})?)?"
    r"(?:\s*\([A-Za-z./ ]{2,40}\))?\s*(?:-{1,2}|:)\s",
    re.MULTILINE,
)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
# A mixed-case dateline: places, a date and the agency in brackets ("United Nations, United
# States, March 2 (UrduPoint / Pakistan Point News) -").
_DATELINE_AGENCY = re.compile(
    r"^[ \t]*[A-Z][\w.'-]*(?: [A-Za-z][\w.'-]*){0,3}(?:,\s*[A-Z][\w.'-]*(?: [A-Za-z][\w.'-]*){0,3}){0,3},\s*"
    r"(?:" + _MONTH + r"\s+\d{1,2}|\d{1,2}\s+" + _MONTH + r")(?:,?\s+\d{4})?\s*\([^()\n]{2,80}\)",
    re.MULTILINE,
)
# Organisations named by description rather than by a fixed form: (pattern, id, a lower-case
# word every match contains). Most texts lack the word, and looking for it in the lower-cased
# text is much cheaper than running the pattern.
_ORG_PATTERNS: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(
            r"\bdeclaration\b[^.\n]{0,60}?\b(?:75th|seventy-fifth)\s+anniversary\s+of\s+the\s+"
            r"(?:UN|U\.N\.|United Nations)\b",
            re.IGNORECASE,
        ),
        "UN75_DECLARATION",
        "declaration",
    ),
    (
        re.compile(
            r"\bgroup of friends (?:in|for|of) (?:the )?defen[cs]e of the (?:charter of the united nations|"
            r"united nations charter|u\.?n\.? charter)",
            re.IGNORECASE,
        ),
        "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER",
        "group of friends",
    ),
)
_WORD_CHAR = re.compile(r"\w")
# A named agreement the registry does not know: capitalised words ending in a treaty word
# ("Black Sea Grain Initiative", "Astana Declaration"); its id is the name in UPPER_SNAKE case.
_CAP_WORD = r"(?:[A-Z][\w'’-]*|[0-9]{1,4})"
_AGREEMENT_HEADS = (
    r"Treaty|Agreements?|Accords?|Convention|Protocol|Declaration|Pact|Initiative|Compact|Charter|"
    r"Memorandum|Framework|Partnership|Alliance|Coalition|Group|Forum|Dialogue|Format|Process"
)
# Every named agreement contains one of the heads: a text without any skips the full pattern,
# whose search tries every capitalised word as the start of a name.
_AGREEMENT_HEAD = re.compile(_AGREEMENT_HEADS)
_NAMED_AGREEMENT = re.compile(
    r"(?<![\w-])(?P<name>" + _CAP_WORD + r"(?:\s+(?:of|on|for|and|the|de|to)?\s*" + _CAP_WORD + r"){0,6}?"
    r"\s+(?:" + _AGREEMENT_HEADS + r"))"
    r"(?:\s+(?:on|of|for|against)\s+(?:the\s+)?"
    + _CAP_WORD
    + r"(?:\s+(?:of|and|the)?\s*"
    + _CAP_WORD
    + r"){0,5})?(?![\w-])"
)
_AGREEMENT_STOP = frozenset(
    {
        "The",
        "A",
        "An",
        "This",
        "That",
        "In",
        "On",
        "At",
        "For",
        "But",
        "And",
        "By",
        "With",
        "As",
        "Under",
        "After",
        "Before",
        "During",
        "Its",
        "Their",
        "His",
        "Her",
        "Our",
        "New",
        "Old",
        "First",
        "Second",
        "Final",
        "Joint",
        "Political",
        "Draft",
        "Former",
        "Current",
        "Proposed",
        "Landmark",
        "Historic",
    }
)
_GENERIC_HEADS = frozenset(
    {
        "Group",
        "Forum",
        "Dialogue",
        "Format",
        "Process",
        "Partnership",
        "Framework",
        "Alliance",
        "Coalition",
        "Charter",
        "Memorandum",
        "Compact",
        "Initiative",
    }
)


def _snake_id(name: str) -> str | None:
    """UPPER_SNAKE id of a named agreement, or None when the name is too generic."""
    words = name.split()
    while words and words[0] in _AGREEMENT_STOP:
        words = words[1:]
    if len(words) < 2:
        return None
    # Companies and national programmes also end in "Group" or "Initiative": such heads need
    # at least two words before them ("Black Sea Grain Initiative", not "Wagner Group").
    if words[-1] in _GENERIC_HEADS and len(words) < 3:
        return None
    text = re.sub(r"['’]s\b", "", " ".join(words))
    text = re.sub(r"[^\w]+", "_", text).strip("_").upper()
    return text or None


_SKIPPED_KINDS = frozenset({"code", "iso2", "iso3", "cow", "cow_code", "cow_abbr", "id"})
_HISTORICAL = frozenset({"SUN", "YUG", "CSK", "DDR", "YAR", "YMD", "ZAN", "SCG"})
_ISO3 = re.compile(r"^[A-Z]{3}$")
_UN_NAME = re.compile(r"^(?:United Nations|UN|U\.N\.)\s")
_LOWER_NEAR = re.compile(r"[a-z]{3}")


def _registry_rows() -> list[GazetteerRow]:
    """Every surface form of the registry: (alias, entity_id, entity_type, kind)."""
    from comity.registry import Registry

    rows = Registry.default().gazetteer().itertuples(index=False)
    return [(str(r[0]), str(r[1]), str(r[2]), str(r[3])) for r in rows]


def _country_converter_rows() -> list[GazetteerRow]:
    """State names from country_converter, so that the reader knows every state's name."""
    try:
        import country_converter as coco
    except ImportError:
        return []
    data = coco.CountryConverter().data
    rows: list[GazetteerRow] = []
    for name_short, name_official, iso3 in zip(
        data["name_short"], data["name_official"], data["ISO3"], strict=True
    ):
        if not isinstance(iso3, str) or len(iso3) != 3:
            continue
        for name in (name_short, name_official):
            if isinstance(name, str) and name:
                rows.append((name, iso3, "state", "name"))
    return rows


def load_gazetteer() -> list[GazetteerRow]:
    """All surface forms the actors stage matches: ``(form, entity_id, entity_type, kind)``.

    The registry's gazetteer (or its CSV files until its API exists), state names from
    country_converter, and the news forms of this module. Blockers have entity type ``none``.
    """
    rows: list[GazetteerRow] = []
    rows.extend(_registry_rows())
    rows.extend(_country_converter_rows())
    rows.extend(_STATE_FORMS)
    for org_id, forms in _ORG_FORMS.items():
        for form in forms:
            kind = "acronym" if form.replace(".", "").isupper() else "alias"
            rows.append((form, org_id, "organisation", kind))
    rows.extend((form, "", "none", "blocker") for form in _BLOCKERS)
    return rows


@dataclass(frozen=True)
class _Entry:
    form: str
    entity_id: str
    entity_type: str
    kind: str
    exact_case: bool
    needs_support: bool = False


_ORG_CONFIDENCE = {"name": 0.95, "alias": 0.9, "acronym": 0.85}
_STATE_CONFIDENCE = {
    "name": 0.95,
    "alias": 0.9,
    "acronym": 0.9,
    "demonym": 0.85,
    "capital": 0.7,
    "government": 0.8,
    "contained": 0.8,
}


def _needs_exact_case(form: str, kind: str) -> bool:
    letters = [char for char in form if char.isalpha()]
    return kind == "acronym" or (len(letters) <= 5 and all(char.isupper() for char in letters))


class ActorMatcher:
    """Finds state and organisation mentions in normalised text.

    Parameters
    ----------
    gazetteer:
        Rows ``(form, entity_id, entity_type, kind)``; entity type ``none`` marks a blocker.
    """

    def __init__(self, gazetteer: Iterable[GazetteerRow]) -> None:
        import ahocorasick

        rows = list(gazetteer)
        # News forms of organisations win over state rows of the same form ("UN" is no state).
        org_forms = {form.lower() for forms in _ORG_FORMS.values() for form in forms}
        capital_states: dict[str, set[str]] = {}
        for form, entity_id, entity_type, kind in rows:
            if entity_type == "state" and kind == "capital":
                capital_states.setdefault(form.strip().lower(), set()).add(entity_id)
        # Organisations of the UN family are known by their acronyms ("OCHA", "UNCTAD").
        un_family = {
            entity_id
            for form, entity_id, entity_type, kind in rows
            if entity_type == "organisation" and kind in {"name", "alias"} and _UN_NAME.match(form)
        }
        table: dict[str, dict[tuple[str, str, str], _Entry]] = {}
        for form, entity_id, entity_type, kind in rows:
            form = form.strip()
            if len(form) < 2 or entity_type not in {"state", "organisation", "none"}:
                continue
            if kind in _SKIPPED_KINDS:
                continue  # bare ISO codes: "AND", "CAN", "EST" are words far more often
            if entity_type == "state" and not _ISO3.match(entity_id):
                continue  # the registry's own ids for pre-modern entities ("COW_KOR") are no ISO3
            if entity_type == "state" and form.lower() in org_forms:
                continue
            if kind == "capital" and entity_type == "state" and entity_id in _HISTORICAL:
                if len(capital_states.get(form.lower(), set()) - _HISTORICAL) > 0:
                    continue
            if kind == "capital" and entity_type == "organisation" and entity_id != "EU":
                continue
            if entity_type == "organisation" and form.lower() in capital_states:
                # A capital standing for a body ("Brussels" for the EU) is the body only where a
                # capital is a government: acting, not as the place of a meeting ("met in Brussels").
                kind = "capital"
            exact = _needs_exact_case(form, kind)
            # An acronym of a lesser-known organisation ("AP", "EPA", "BONN" in the Correlates of War
            # list) counts only when the text also names the organisation in full.
            needs_support = (
                entity_type == "organisation"
                and kind == "acronym"
                and entity_id not in _ORG_FORMS
                and entity_id not in un_family
            )
            entry = _Entry(form, entity_id, entity_type, kind, exact, needs_support)
            bucket = table.setdefault(form.lower(), {})
            key = (entity_id, entity_type, form if exact else "")
            previous = bucket.get(key)
            # Prefer the strongest kind for one form and entity.
            if previous is None or _rank(kind) < _rank(previous.kind):
                bucket[key] = entry
        self._automaton = ahocorasick.Automaton()
        for lowered, bucket in table.items():
            self._automaton.add_word(lowered, (len(lowered), tuple(bucket.values())))
        self._automaton.make_automaton()

    def find(self, text: str, check_deadline: Callable[[str], None] | None = None) -> list[Mention]:
        """All state and organisation mentions of ``text``, in order.

        ``check_deadline`` (the document's :meth:`NewsDoc.check_deadline`) is called every few
        hundred mentions, so that a text made of nothing but names still stops within its budget.
        """
        lowered = text.lower()
        candidates = self._candidates(text, lowered, check_deadline)
        chosen = _longest_first(candidates, check_deadline)
        chosen_spans = {(c[0], c[1]) for c in chosen}
        mentions: list[Mention] = []
        datelines = [m.span() for m in _DATELINE.finditer(text)]
        datelines.extend(m.span() for m in _DATELINE_AGENCY.finditer(text))
        for index, (start, end, entry) in enumerate(chosen):
            if check_deadline is not None and index % 256 == 0:
                check_deadline("comity.actors.v1")
            if entry.entity_type == "none":
                continue
            if (entry.entity_type == "state" or entry.kind == "capital") and not self._keeps_state(
                text, start, end, entry, datelines
            ):
                continue
            if entry.form.lower() in _GENERIC_ORGANS and _owned_by_other(text, start):
                continue
            mentions.append(_mention(text, start, end, entry, entry.kind))
        # States and the UN inside longer organisation names.
        by_start = sorted(candidates, key=lambda c: c[0])
        starts = [c[0] for c in by_start]
        for start, end, entry in chosen:
            if entry.entity_type != "organisation":
                continue
            low, high = bisect.bisect_left(starts, start), bisect.bisect_left(starts, end)
            for inner_start, inner_end, inner in by_start[low:high]:
                if (inner_start, inner_end) in chosen_spans or inner_end > end:
                    continue
                hyphenated = "-" in (
                    text[inner_end : inner_end + 1],
                    text[inner_start - 1 : inner_start],
                    text[inner_end - 1 : inner_end],
                )
                if inner.entity_type == "state" and (
                    inner.kind in {"name", "alias", "acronym"} or (inner.kind == "demonym" and hyphenated)
                ):
                    mentions.append(_mention(text, inner_start, inner_end, inner, "contained"))
                elif inner.entity_type == "organisation" and inner.entity_id in {"UN", "UN_CHARTER"}:
                    mentions.append(_mention(text, inner_start, inner_end, inner, "contained"))
        # Acronyms of lesser-known organisations count only with the full name in the text, except
        # long ones in running text ("ECOWAS", not "BONN, Germany (AP) -").
        needs_support = {
            (start, end, entry.entity_id)
            for start, end, entry in chosen
            if entry.needs_support
            and (
                any(d_start <= start < d_end for d_start, d_end in datelines)
                or len(entry.form) < 4
                or not entry.form.isupper()
                or not _LOWER_NEAR.search(text, max(0, start - 30), min(len(text), end + 30))
            )
        }
        supported = {m.entity_id for m in mentions if m.kind != "acronym"}
        mentions = [
            m
            for m in mentions
            if (m.start, m.end, m.entity_id) not in needs_support or m.entity_id in supported
        ]
        if _AGREEMENT_HEAD.search(text):
            known = {
                offset
                for m in mentions
                if m.entity_type == "organisation"
                for offset in range(m.start, m.end)
            }
            for match in _NAMED_AGREEMENT.finditer(text):
                start, end = match.span("name")
                if any(offset in known for offset in range(start, end)):
                    continue
                org_id = _snake_id(match.group("name"))
                if org_id:
                    mentions.append(
                        Mention(start, end, text[start:end], org_id, "organisation", "pattern", 0.6)
                    )
        # The lower-cased text rules a description out unless re.IGNORECASE could match it otherwise.
        folds_to_ascii = has_fold_exception(text)
        for pattern, org_id, needle in _ORG_PATTERNS:
            if needle not in lowered and not folds_to_ascii:
                continue
            for match in pattern.finditer(text):
                mentions.append(
                    Mention(
                        match.start(), match.end(), match.group(), org_id, "organisation", "description", 0.75
                    )
                )
        mentions.sort(key=lambda m: (m.start, -m.end))
        # One mention per start and entity: the longest ("U.N." rather than "U.N").
        unique: list[Mention] = []
        seen: set[tuple[int, str]] = set()
        for mention in mentions:
            if (mention.start, mention.entity_id) not in seen:
                seen.add((mention.start, mention.entity_id))
                unique.append(mention)
        return unique

    def _candidates(
        self, text: str, lowered: str, check_deadline: Callable[[str], None] | None = None
    ) -> list[tuple[int, int, _Entry]]:
        found: list[tuple[int, int, _Entry]] = []
        length = len(text)
        word_char = _WORD_CHAR.match
        # Short forms ("un", "us", "ga") hit inside most words: the word-boundary tests come
        # first and look at the text in place, before anything is sliced out of it.
        for count, (last, (size, entries)) in enumerate(self._automaton.iter(lowered)):
            if check_deadline is not None and count % 4096 == 0:
                check_deadline("comity.actors.v1")
            end = last + 1
            start = end - size
            if start > 0 and word_char(text, start - 1):
                continue
            if end < length and text[last] != "-" and text[last] != "." and word_char(text, end):
                continue
            surface = text[start:end]
            for entry in entries:
                if entry.form[0].isupper() and not surface[0].isupper():
                    continue
                if entry.exact_case and surface != entry.form:
                    continue
                if (
                    entry.entity_type != "none"
                    and not entry.exact_case
                    and surface.isupper()
                    and len(surface) <= 3
                ):
                    continue
                found.append((start, end, entry))
        return found

    def _keeps_state(
        self, text: str, start: int, end: int, entry: _Entry, datelines: list[tuple[int, int]]
    ) -> bool:
        if any(d_start <= start and end <= d_end for d_start, d_end in datelines):
            return False
        after = text[end : end + 40]
        if _MEDIA_AFTER.match(after):
            return False
        if entry.kind == "capital":
            if text[start:end].isupper():
                return False  # capitals in capitals are datelines: "ANKARA, (APP) -"
            before = text[max(0, start - 20) : start]
            if _PLACE_BEFORE.search(before) or after.startswith("-based") or re.match(r"^,\s+[A-Z]", after):
                return False
            # A government acts or is acted upon ("Beijing said", "Moscow's attack", "pressure on
            # Tehran."); a capital before a noun names a place or an event ("Vienna talks").
            if not (_GOVERNMENT_AFTER.match(after) or _CAPITAL_END.match(after)):
                return False
        return True


_GENERIC_ORGANS = frozenset(
    {
        "security council",
        "general assembly",
        "human rights council",
        "secretary-general",
        "secretary general",
        "secretariat",
        "coordinating bureau",
        "coordination bureau",
        "committee of ministers",
    }
)
_OWNER_WORD = re.compile(r"([A-Za-z][\w.-]*)\s+$")
_NOT_OWNERS = frozenset(
    {
        "the",
        "a",
        "an",
        "at",
        "in",
        "of",
        "to",
        "by",
        "for",
        "from",
        "with",
        "and",
        "or",
        "this",
        "that",
        "its",
        "their",
        "his",
        "her",
        "our",
        "un",
        "u.n.",
        "un's",
        "nations",
        "whole",
        "entire",
        "emergency",
        "special",
        "annual",
        "powerful",
        "full",
        "next",
        "last",
        "said",
        "told",
        "before",
        "during",
        "after",
        "on",
    }
)


def _owned_by_other(text: str, start: int) -> bool:
    """True when a capitalised word right before an organ's generic name makes it another body's:
    "National Security Council", "Virginia General Assembly", "NATO Secretary-General"."""
    match = _OWNER_WORD.search(text, max(0, start - 30), start)
    if match is None:
        return False
    word = match.group(1)
    if re.search(r"-[a-z]+$", word):
        # A compound modifier ending in a lower-case word ("Geneva-based", "Vienna-headquartered",
        # "Chinese-chaired") says where or by whom, not whose organ it is: "the Geneva-based Human
        # Rights Council" is the UN's.
        return False
    return word[0].isupper() and word.lower() not in _NOT_OWNERS


_KIND_ORDER = ("name", "acronym", "alias", "government", "demonym", "capital")
_KIND_RANK = {kind: rank for rank, kind in enumerate(_KIND_ORDER)}


def _rank(kind: str) -> int:
    return _KIND_RANK.get(kind, len(_KIND_ORDER))


def _longest_first(
    candidates: list[tuple[int, int, _Entry]], check_deadline: Callable[[str], None] | None = None
) -> list[tuple[int, int, _Entry]]:
    """Keep non-overlapping candidates, the longest first; all entries of a kept span stay."""
    spans = sorted({(start, end) for start, end, _ in candidates}, key=lambda s: (-(s[1] - s[0]), s[0]))
    occupied: set[int] = set()  # character offsets already taken by a longer span
    kept: set[tuple[int, int]] = set()
    for count, (start, end) in enumerate(spans):
        if check_deadline is not None and count % 8192 == 0:
            check_deadline("comity.actors.v1")
        if not occupied.isdisjoint(range(start, end)):
            continue
        occupied.update(range(start, end))
        kept.add((start, end))
    # One entity per span: if a blocker shares the span, it wins; else state over organisation
    # only for ambiguous capitals (Brussels) is decided by the table order.
    by_span: dict[tuple[int, int], list[tuple[int, int, _Entry]]] = {}
    for item in candidates:
        if (item[0], item[1]) in kept:
            by_span.setdefault((item[0], item[1]), []).append(item)
    result: list[tuple[int, int, _Entry]] = []
    for count, items in enumerate(by_span.values()):
        if check_deadline is not None and count % 8192 == 0:
            check_deadline("comity.actors.v1")
        if len(items) == 1:
            result.append(items[0])  # most spans have one entry: nothing to choose
            continue
        if any(item[2].entity_type == "none" for item in items):
            result.append(next(item for item in items if item[2].entity_type == "none"))
            continue
        seen_ids: set[tuple[str, str]] = set()
        for item in sorted(items, key=lambda i: _rank(i[2].kind)):
            key = (item[2].entity_id, item[2].entity_type)
            if key not in seen_ids:
                seen_ids.add(key)
                result.append(item)
    result.sort(key=lambda c: c[0])
    return result


def _mention(text: str, start: int, end: int, entry: _Entry, kind: str) -> Mention:
    table = _STATE_CONFIDENCE if entry.entity_type == "state" else _ORG_CONFIDENCE
    return Mention(
        start=start,
        end=end,
        text=text[start:end],
        entity_id=entry.entity_id,
        entity_type="state" if entry.entity_type == "state" else "organisation",
        kind=kind,
        confidence=table.get(kind, 0.8),
    )


def _build_matcher(resources: Resources) -> ActorMatcher:
    return ActorMatcher(resources.get_gazetteer())


@stage("comity.actors.v1", requires=["doc.text"], assigns=["doc.mentions"], factory=True)
def actors(resources: Resources) -> Callable[[NewsDoc], NewsDoc]:
    """Find the states and organisations named in ``doc.text`` (``doc.mentions``)."""
    matcher: ActorMatcher = resources.cached("actors.matcher", lambda: _build_matcher(resources))

    def run(doc: NewsDoc) -> NewsDoc:
        doc.mentions = [m for m in doc.mentions if m.entity_type == "person"]
        doc.mentions.extend(matcher.find(doc.text, doc.check_deadline))
        doc.mentions.sort(key=lambda m: (m.start, -m.end))
        return doc

    return run
