"""Dates in news text: find them, and resolve relative ones against the page's date.

News gives dates in many shapes ("May 7, 2021", "20 December 2019", "Oct. 26", "on Friday",
"last September", "yesterday"). Relative expressions are only resolved against a date shown on the
page (the document's published date, or a page date found in the text), never against today:
the gold rules say a weekday is "resolved only against a date shown on the page".

Dates are ISO strings whose length gives the precision: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from comity.errors import BadDate

__all__ = [
    "DateMention",
    "find_dates",
    "page_date",
    "page_date_span",
    "page_stamp_spans",
    "parse_iso",
    "resolve_weekday",
]

_MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
    "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9,
    "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_WEEKDAYS = {
    "monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4, "saturday": 5, "sunday": 6,
}  # fmt: skip

_MONTH = (
    r"(?P<month>January|February|March|April|May|June|July|August|September|October|November|December|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?"
)
_MONTH2 = _MONTH.replace("?P<month>", "?P<month2>")
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = _DAY.replace("?P<day>", "?P<day2>")
_YEAR = r"(?P<year>1[89]\d\d|20\d\d)(?!\d)"
_YEAR2 = _YEAR.replace("?P<year>", "?P<year2>")
_WEEKDAY = r"(?P<weekday>Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"

# One alternation, longest shapes first, so that "May 7, 2021" is not read as "May 7" + "2021".
_DATE_RE = re.compile(
    "|".join(
        [
            r"(?P<iso>\b(?P<iy>(?:1[89]|20)\d\d)-(?P<im>[01]\d)-(?P<id>[0-3]\d)\b)",
            rf"(?P<dmy>\b{_DAY}\s+(?:of\s+)?{_MONTH},?\s+{_YEAR})",
            rf"(?P<mdy>\b{_MONTH2}\s+{_DAY2},?\s+{_YEAR2})",
            r"(?P<us>\b(?P<um>1[0-2]|0?[1-9])/(?P<ud>[0-3]?\d)/(?P<uy>\d{4}|\d\d)\b)",
            r"(?P<my>\b(?P<mym>January|February|March|April|May|June|July|August|September|October|November"
            r"|December)\s+(?P<myy>1[89]\d\d|20\d\d)\b)",
            r"(?P<md>\b(?P<mdm>January|February|March|April|June|July|August|September|October|November"
            r"|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\.?\s+(?P<mdd>[0-3]?\d)(?:st|nd|rd|th)?"
            r"(?![\d,]*\s*\d{4})\b)",
            r"(?P<mayd>\bMay\s+(?P<maydd>[0-3]?\d)(?:st|nd|rd|th)?\b(?!,?\s*\d{4}))",
            r"(?P<dm>\b(?:the\s+)?(?P<dmd>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<dmm>January|February|March"
            r"|April|May|June|July|August|September|October|November|December)\b(?!,?\s*\d{4}))",
            # "this July 20": the page's own year (any precision of page date gives it).
            r"(?P<this_md>\bthis\s+(?P<tmd_m>January|February|March|April|May|June|July|August|September|October"
            r"|November|December)\s+(?P<tmd_d>[0-3]?\d)(?:st|nd|rd|th)?\b(?![\d,]*\s*\d{4}))",
            # "on the 7th" (of the page's month, or the month before when the page is earlier in its
            # month); only where the ordinal ends the phrase, not "on the 7th anniversary".
            r"(?P<ord_day>(?<=\bon the )(?P<odd>[0-3]?\d)(?:st|nd|rd|th)\b"
            r"(?=\s*[,.;:\"'\u201c\u201d]|\s+of\s+this\s+month\b))",
            r"(?P<rel_month>\b(?P<rel_dir>last|this|next|past)\s+(?P<rel_m>January|February|March|April|May|June"
            r"|July|August|September|October|November|December)\b)",
            r"(?P<rel_year>\b(?P<ry_dir>last|this|next|past)\s+year\b)",
            r"(?P<rel_unit>\b(?P<ru_dir>last|this|next|past|earlier\s+this|early\s+this|later\s+this|"
            r"late\s+last|early\s+last|earlier\s+in\s+the)\s+(?P<ru_unit>month|week)\b)",
            r"(?P<oneword>\b(?P<ow>today|yesterday|tomorrow|tonight)\b)",
            rf"(?P<wd>\b{_WEEKDAY}\b)",
            r"(?P<year_only>(?<![\d$£€.,/-])\b(?P<yo>1[89]\d\d|20\d\d)\b(?![\d/%-]|\.\d|,\d))",
        ]
    ),
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression found in text.

    Attributes
    ----------
    start, end:
        Character span of the expression in the text searched.
    text:
        The expression as written.
    value:
        The ISO date it stands for (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), or None when it
        cannot be resolved (a relative expression and no page date, or a day without a year).
    kind:
        ``absolute`` (gives its own year), ``partial`` (day and month only), ``relative``
        (today, Friday, last year, last September) or ``year``.
    """

    start: int
    end: int
    text: str
    value: str | None
    kind: str


def parse_iso(value: str) -> dt.date:
    """Parse ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` to a date (first day of the period).

    Raises
    ------
    BadDate
        When the string is not one of those shapes or names no real day.
    """
    try:
        if len(value) == 4:
            return dt.date(int(value), 1, 1)
        if len(value) == 7:
            return dt.date(int(value[:4]), int(value[5:7]), 1)
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadDate(
            f"Cannot read the date {value!r}.",
            hint="Write dates as YYYY, YYYY-MM or YYYY-MM-DD, e.g. 2021-05-07.",
        ) from exc


def _full(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def resolve_weekday(weekday: int, anchor: dt.date) -> dt.date:
    """The latest date on or before ``anchor`` that falls on ``weekday`` (Monday is 0).

    News reports past events; a weekday on a page published that very day is the same day.
    """
    return anchor - dt.timedelta(days=(anchor.weekday() - weekday) % 7)


def _day_month(day: int, month: int, anchor: dt.date | None) -> str | None:
    if anchor is None:
        return None
    year = anchor.year
    # A day-month shortly after the page date is most likely last year's (a January story about
    # "December 20"); otherwise take the page's year.
    candidate = _full(year, month, day)
    if candidate is not None and dt.date.fromisoformat(candidate) > anchor + dt.timedelta(days=60):
        candidate = _full(year - 1, month, day)
    return candidate


def _ordinal_day(day: int, anchor: dt.date | None) -> str | None:
    """The date of "on the 7th": that day of the page's month, or of the month before when the day
    is after the page's (news reports what has happened)."""
    if anchor is None:
        return None
    if day <= anchor.day:
        return _full(anchor.year, anchor.month, day)
    previous = anchor.replace(day=1) - dt.timedelta(days=1)
    return _full(previous.year, previous.month, day)


def _relative_unit(direction: str, unit: str, anchor: dt.date | None) -> str | None:
    """The month of "last month", "this week", "earlier this month" (a week only when all of it
    falls in one month); None without a page day or for a week across two months."""
    if anchor is None:
        return None
    if unit == "month":
        shift = {"last": -1, "past": -1, "this": 0, "the": 0, "next": 1}[direction]
        month_index = anchor.year * 12 + anchor.month - 1 + shift
        return f"{month_index // 12:04d}-{month_index % 12 + 1:02d}"
    # The week is the seven days before the page's date (last week) or around it (this week).
    first, last = {
        "last": (anchor - dt.timedelta(days=13), anchor - dt.timedelta(days=1)),
        "past": (anchor - dt.timedelta(days=7), anchor),
        "this": (anchor - dt.timedelta(days=6), anchor),
        "the": (anchor - dt.timedelta(days=6), anchor),
        "next": (anchor + dt.timedelta(days=1), anchor + dt.timedelta(days=13)),
    }[direction]
    if (first.year, first.month) != (last.year, last.month):
        return None
    return f"{first.year:04d}-{first.month:02d}"


def _year_of_two_digits(text: str) -> int:
    value = int(text)
    return value if len(text) == 4 else 2000 + value if value < 70 else 1900 + value


def find_dates(text: str, anchor: str | dt.date | None = None) -> list[DateMention]:
    """Every date expression in ``text``, resolved against ``anchor`` where needed.

    Parameters
    ----------
    text:
        The text to search.
    anchor:
        The date shown on the page (ISO string or date); relative expressions resolve against it.
        Only a full ``YYYY-MM-DD`` anchor resolves weekdays and "yesterday"; ``YYYY-MM`` and
        ``YYYY`` anchors resolve "last year" and month names.

    Returns
    -------
    list of DateMention, in text order.
    """
    if isinstance(anchor, dt.date):
        anchor = anchor.isoformat()
    return list(_find_dates_cached(text, anchor))


@functools.lru_cache(maxsize=4096)
def _find_dates_cached(text: str, anchor: str | None) -> tuple[DateMention, ...]:
    # Several stages ask for the dates of the same sentence; the mentions are immutable.
    anchor_date: dt.date | None = None
    anchor_precision = 0
    if isinstance(anchor, dt.date):
        anchor_date, anchor_precision = anchor, 10
    elif anchor:
        anchor_date, anchor_precision = parse_iso(anchor), len(anchor)
    day_anchor = anchor_date if anchor_precision == 10 else None
    found = list(_iter_dates(text, anchor_date, day_anchor))
    # "Thursday, May 6, 2021" is one date: the weekday only names the day the full date gives.
    absolute_starts = {m.start for m in found if m.kind in ("absolute", "partial")}
    return tuple(
        m
        for m in found
        if not (m.kind == "relative" and any(0 < start - m.end <= 3 for start in absolute_starts))
    )


# Where a date expression can start: a digit that starts a number, or a month, weekday or relative
# word. Trying the long date pattern only there is many times faster than scanning every position.
_HINT = re.compile(
    r"(?<!\d)\d|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|mon|tue|wed|thu|fri|sat|sun|"
    r"today|yesterday|tomorrow|tonight|last|this|next|past|earl|late)",
    re.IGNORECASE,
)


def _matches(text: str) -> Iterator[re.Match[str]]:
    position = 0
    for hint in _HINT.finditer(text):
        if hint.start() < position:
            continue
        match = _DATE_RE.match(text, hint.start())
        if match is not None:
            position = match.end()
            yield match


def _iter_dates(text: str, anchor: dt.date | None, day_anchor: dt.date | None) -> Iterator[DateMention]:
    for match in _matches(text):
        group = match.lastgroup
        value: str | None = None
        kind = "absolute"
        g = match.group
        if match.group("iso"):
            value = _full(int(g("iy")), int(g("im")), int(g("id")))
        elif match.group("dmy"):
            value = _full(int(g("year")), _MONTHS[g("month").lower()], int(g("day")))
        elif match.group("mdy"):
            value = _full(int(g("year2")), _MONTHS[g("month2").lower()], int(g("day2")))
        elif match.group("us"):
            value = _full(_year_of_two_digits(g("uy")), int(g("um")), int(g("ud")))
        elif match.group("my"):
            value = f"{int(g('myy')):04d}-{_MONTHS[g('mym').lower()]:02d}"
        elif match.group("md"):
            kind = "partial"
            value = _day_month(int(g("mdd")), _MONTHS[g("mdm").lower().rstrip(".")], day_anchor)
        elif match.group("mayd"):
            kind = "partial"
            value = _day_month(int(g("maydd")), 5, day_anchor)
        elif match.group("dm"):
            kind = "partial"
            value = _day_month(int(g("dmd")), _MONTHS[g("dmm").lower()], day_anchor)
        elif match.group("this_md"):
            kind = "partial"
            if anchor is not None:
                value = _full(anchor.year, _MONTHS[g("tmd_m").lower()], int(g("tmd_d")))
        elif match.group("ord_day"):
            kind = "relative"
            value = _ordinal_day(int(g("odd")), day_anchor)
        elif match.group("rel_month"):
            kind = "relative"
            if anchor is not None:
                month = _MONTHS[g("rel_m").lower()]
                direction = g("rel_dir").lower()
                year = anchor.year
                if direction in ("last", "past") and month >= anchor.month:
                    year -= 1
                elif direction == "next" and month <= anchor.month:
                    year += 1
                value = f"{year:04d}-{month:02d}"
        elif match.group("rel_year"):
            kind = "relative"
            if anchor is not None:
                shift = {"last": -1, "past": -1, "this": 0, "next": 1}[g("ry_dir").lower()]
                value = f"{anchor.year + shift:04d}"
        elif match.group("rel_unit"):
            kind = "relative"
            value = _relative_unit(g("ru_dir").split()[-1].lower(), g("ru_unit").lower(), day_anchor)
        elif match.group("oneword"):
            kind = "relative"
            if day_anchor is not None:
                shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[g("ow").lower()]
                value = (day_anchor + dt.timedelta(days=shift)).isoformat()
        elif match.group("wd"):
            kind = "relative"
            if day_anchor is not None:
                value = resolve_weekday(_WEEKDAYS[g("weekday").lower()], day_anchor).isoformat()
        elif match.group("year_only"):
            kind = "year"
            value = g("yo")
        if group is None:  # pragma: no cover - every alternative is a named group
            continue
        yield DateMention(match.start(), match.end(), match.group(0), value, kind)


_PAGE_DATE_LINE = re.compile(r"\A\s*date\s+(\d{4}-\d{2}-\d{2})\b")
_PUBLISHED = re.compile(r"\b(?:published|posted|updated|last modified)\b(?:\s+on)?[:\s]", re.IGNORECASE)
_CLOCK = re.compile(r"^\W{0,3}(?:at\s+)?\d{1,2}[:.]\d{2}\b", re.IGNORECASE)


def page_date_span(text: str) -> tuple[int, int] | None:
    """The span of a leading ``date YYYY-MM-DD`` line (a scraper's page date, not an event's)."""
    found = _PAGE_DATE_LINE.match(text)
    return (found.start(1), found.end(1)) if found else None


@functools.lru_cache(maxsize=512)
def page_stamp_spans(text: str) -> tuple[tuple[int, int], ...]:
    """The spans of the page's own date stamps, which date the page and not an event.

    A leading ``date YYYY-MM-DD`` line, a full date right after "Published"/"Updated", and a
    full date followed by a clock time ("March 3, 2021 - 10:20", "3 Mar, 2021 15:59"): a
    timestamp, as pages print above or below a story.
    """
    spans: list[tuple[int, int]] = []
    line = page_date_span(text)
    if line is not None:
        spans.append(line)
    spans.extend((start, end) for start, end, _ in _stamps(text))
    return tuple(sorted(set(spans)))


def _stamps(text: str) -> Iterator[tuple[int, int, str | None]]:
    """The page's date stamps, ``(start, end, ISO date)``: the full dates right after
    "Published"/"Posted"/"Updated", then those followed by a clock time, each in text order."""
    for marker in _PUBLISHED.finditer(text):
        for mention in _full_dates(text[marker.end() : marker.end() + 70]):
            if mention.start <= 40:
                yield marker.end() + mention.start, marker.end() + mention.end, mention.value
    for clock in _CLOCK_ANYWHERE.finditer(text):
        window_start = max(0, clock.start() - 40)
        for mention in _full_dates(text[window_start : clock.start()]):
            if _CLOCK.match(text[window_start + mention.end : window_start + mention.end + 12]):
                yield window_start + mention.start, window_start + mention.end, mention.value


@functools.lru_cache(maxsize=512)
def page_date(text: str, *, published: str | None = None, head_chars: int = 600) -> str | None:
    """The date the page shows as its own (its publication date), or None.

    Looks, in order, for: a given ``published`` value; a leading ``date YYYY-MM-DD`` line (as
    scrapers write it); a date after "Published"/"Posted"/"Updated"; a full date followed by a
    clock time (a timestamp, anywhere); the first full date in the first ``head_chars``
    characters (datelines and captions) that does not end a period or lie ahead. Cached: every
    stage of one document asks for it.
    """
    if published:
        parse_iso(published)  # raise BadDate on nonsense rather than resolve against it
        return published
    found = _PAGE_DATE_LINE.match(text)
    if found and _full(int(found.group(1)[:4]), int(found.group(1)[5:7]), int(found.group(1)[8:])):
        return found.group(1)
    stamp = next(_stamps(text), None)
    if stamp is not None:
        return stamp[2]
    head = [
        m
        for m in _full_dates(text[: head_chars + 40])
        if m.start < head_chars and not _NOT_THE_PAGES.search(text, max(0, m.start - 60), m.start)
    ]
    return head[0].value if head else None


# Before a date in a story's opening lines, words that make it the end of a period or a date
# still to come ("a term ending 31 December 2021", "until", "he will take office on 1 January
# 2017"): such a date is no guess for the day the page was written, which is on or after the
# events it reports.
_NOT_THE_PAGES = re.compile(
    r"(?:\b(?:end(?:s|ed|ing)?|until|till|through|expir(?:es|ed|ing|y)|by|deadline)\s+"
    r"(?:on\s+|the\s+)?$"
    r"|\b(?:will|shall|is to|are to|due to|set to|scheduled|planned)\b[^.;!?\n]*$)",
    re.IGNORECASE,
)


def _full_dates(text: str) -> list[DateMention]:
    return [m for m in find_dates(text) if m.kind == "absolute" and m.value and len(m.value) == 10]


_CLOCK_ANYWHERE = re.compile(r"\b\d{1,2}[:.]\d{2}\b")
