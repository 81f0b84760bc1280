"""Dates of known precision: '2021', '2021-03', '2021-03-12'."""

from __future__ import annotations

import calendar
import re
from datetime import date

from comity.errors import BadDate

__all__ = ["PartialDate", "format_partial", "parse_date", "parse_partial_date"]

_PARTIAL = re.compile(r"^\s*(\d{4})(?:-(\d{1,2}))?(?:-(\d{1,2}))?\s*$")


class PartialDate:
    """A date known to the year, the month or the day.

    ``first`` and ``last`` are the first and last days it may stand for, which is what
    interval queries compare against.
    """

    __slots__ = ("day", "month", "year")

    def __init__(self, year: int, month: int | None = None, day: int | None = None) -> None:
        self.year = year
        self.month = month
        self.day = day

    @property
    def precision(self) -> str:
        return "day" if self.day else "month" if self.month else "year"

    @property
    def first(self) -> date:
        return date(self.year, self.month or 1, self.day or 1)

    @property
    def last(self) -> date:
        if self.day and self.month:
            return date(self.year, self.month, self.day)
        if self.month:
            return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])
        return date(self.year, 12, 31)

    def __str__(self) -> str:
        if self.day and self.month:
            return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"
        if self.month:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def __repr__(self) -> str:
        return f"PartialDate({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PartialDate) and str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))


def parse_partial_date(text: str, *, what: str = "date") -> PartialDate:
    """Parse 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD'; raise :class:`BadDate` if it cannot exist."""
    match = _PARTIAL.match(str(text))
    if not match:
        raise BadDate(
            f"{what} {text!r} is not a date.",
            hint="Write dates as YYYY-MM-DD (or YYYY-MM, YYYY where a partial date is allowed).",
        )
    year, month, day = (int(g) if g else None for g in match.groups())
    assert year is not None  # the pattern requires it
    if year < 1:
        # Python's dates (and the calendar the sources use) start at year 1; there was no year 0.
        raise BadDate(
            f"{what} {text!r} has year 0, which does not exist.", hint="Years run from 0001 to 9999."
        )
    if month is not None and not 1 <= month <= 12:
        raise BadDate(f"{what} {text!r} has no month {month}.", hint="Months run from 01 to 12.")
    if day is not None:
        assert month is not None
        last = calendar.monthrange(year, month)[1]
        if not 1 <= day <= last:
            raise BadDate(
                f"{what} {text!r} cannot exist: {calendar.month_name[month]} {year} has {last} days.",
                hint="Check the day of the month.",
            )
    return PartialDate(year, month, day)


def parse_date(text: str | date | None, *, what: str = "date") -> date:
    """Parse a full date ('YYYY-MM-DD' or 'today'); ``None`` means today."""
    if text is None:
        return date.today()
    if isinstance(text, date):
        return text
    if str(text).strip().lower() == "today":
        return date.today()
    partial = parse_partial_date(text, what=what)
    if partial.precision != "day":
        raise BadDate(
            f"{what} {text!r} is not a full date.",
            hint="Give a day, as YYYY-MM-DD (for example 2021-05-07).",
        )
    return partial.first


def format_partial(value: date | str | None, precision: str | None) -> str | None:
    """A stored date at its own precision: ``2004`` for a year, ``2021-03`` for a month.

    Stored dates are the first day (starts) or the last day (ends) of the period they stand
    for, so the year or month prefix is the period itself.
    """
    if value is None or (isinstance(value, float) and value != value):
        return None
    text = value.isoformat()[:10] if isinstance(value, date) else str(value)[:10]
    return text[:4] if precision == "year" else text[:7] if precision == "month" else text
