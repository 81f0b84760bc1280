"""Dates of known precision: properties and the errors users see."""

from __future__ import annotations

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from comity._dates import parse_date, parse_partial_date
from comity.errors import BadDate


@given(
    st.dates(min_value=date(1000, 1, 1), max_value=date(2999, 12, 31)),
    st.sampled_from(["year", "month", "day"]),
)
def test_dates_partial_round_trip_and_bounds(day: date, precision: str) -> None:
    text = {"year": f"{day.year:04d}", "month": f"{day.year:04d}-{day.month:02d}", "day": day.isoformat()}[
        precision
    ]
    partial = parse_partial_date(text)
    assert str(partial) == text and partial.precision == precision
    assert partial.first <= day <= partial.last
    assert parse_partial_date(str(partial)) == partial


@pytest.mark.parametrize("text", ["2021-02-29", "2021-13", "2021-04-31", "21-01-01", "soon", ""])
def test_dates_impossible_or_malformed_are_bad_dates(text: str) -> None:
    with pytest.raises(BadDate):
        parse_partial_date(text)


def test_dates_full_date_required_where_a_day_is_meant() -> None:
    with pytest.raises(BadDate, match="not a full date"):
        parse_date("2021-05")
    assert parse_date("2024-02-29") == date(2024, 2, 29)
    assert calendar.isleap(2024)
