"""Checks of the hand-compiled groups data (regional organisations, clubs, coalitions) and its
coverage rows: counts on given dates against the bodies' own published counts, and events that
agree with the spells of these bodies."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from comity._dates import parse_partial_date

DATA = Path(__file__).resolve().parents[2] / "src" / "comity" / "registry" / "data"
COVERAGE_HEADER = "body_id,kind,known_from,known_to,status,how,source_id,source_ref,note"
MEMBERSHIP_KINDS = {
    "member",
    "party",
    "permanent_seat",
    "elected_seat",
    "observer",
    "partner",
    "signatory",
    "associate",
    "suspended",
}
GROUPS = {
    "OPEC",
    "OAS",
    "ARAB_LEAGUE",
    "COMMONWEALTH",
    "MERCOSUR",
    "CSTO",
    "EAEU",
    "ECOWAS",
    "QUAD",
    "AUKUS",
    "SCO",
    "SUMMIT_FOR_DEMOCRACY",
}

# (body, date, full members in the hand rows, what the count is checked against)
COUNTS = [
    ("OPEC", "2019-06-01", 14, "OPEC after Qatar left on 2019-01-01"),
    ("OPEC", "2020-06-01", 13, "OPEC after Ecuador left on 2020-01-01"),
    ("OPEC", "2025-01-01", 12, "OPEC after Angola left on 2024-01-01"),
    ("ARAB_LEAGUE", "2024-01-01", 22, "the 22 members of the League"),
    ("COMMONWEALTH", "2019-01-01", 53, "53 members before the Maldives returned on 2020-02-01"),
    ("COMMONWEALTH", "2024-01-01", 56, "56 members after Gabon and Togo joined on 2022-06-25"),
    ("MERCOSUR", "2025-01-01", 6, "six States Parties with Bolivia (Venezuela suspended)"),
    ("CSTO", "2024-06-01", 6, "six member states"),
    ("EAEU", "2024-06-01", 5, "five member states"),
    ("ECOWAS", "2024-06-01", 15, "15 members before the Sahel states' exit"),
    ("ECOWAS", "2025-06-01", 12, "12 members after 2025-01-29"),
    ("OAS", "2015-06-01", 35, "the 35 states that ratified the Charter"),
    ("OAS", "2024-06-01", 34, "35 less Nicaragua; Venezuela counted, as the OAS counts it"),
    ("QUAD", "2024-06-01", 4, "Australia, India, Japan, the United States"),
    ("AUKUS", "2024-06-01", 3, "Australia, the United Kingdom, the United States"),
    ("SCO", "2025-01-01", 10, "ten member states with Belarus"),
]


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def bounds(start: str, end: str) -> tuple[dt.date, dt.date]:
    lo = parse_partial_date(start).first
    hi = parse_partial_date(end).last if end else dt.date.max
    return lo, hi


def members_on(spells: pd.DataFrame, body: str, day: dt.date, kind: str = "member") -> set[str]:
    rows = spells[(spells["body_id"] == body) & (spells["kind"] == kind)]
    return {
        row.actor_id
        for row in rows.itertuples()
        if bounds(row.start, row.end)[0] <= day <= bounds(row.start, row.end)[1]
    }


@pytest.fixture(scope="module")
def spells() -> pd.DataFrame:
    return read("memberships.csv")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return read("membership_events.csv")


@pytest.mark.parametrize(("body", "day", "expected", "why"), COUNTS)
def test_groups_count_on_date(spells: pd.DataFrame, body: str, day: str, expected: int, why: str) -> None:
    assert len(members_on(spells, body, dt.date.fromisoformat(day))) == expected, why


def test_groups_exits_and_returns(spells: pd.DataFrame) -> None:
    in_2024 = dt.date(2024, 6, 1)
    assert "NIC" not in members_on(spells, "OAS", in_2024)
    assert "NIC" in members_on(spells, "OAS", dt.date(2023, 11, 1))
    assert {"QAT", "ECU", "AGO", "IDN"}.isdisjoint(members_on(spells, "OPEC", in_2024))
    assert {"GAB", "GNQ", "COG"} <= members_on(spells, "OPEC", in_2024)
    assert "MDV" not in members_on(spells, "COMMONWEALTH", dt.date(2018, 1, 1))
    assert "SYR" in members_on(spells, "ARAB_LEAGUE", dt.date(2015, 1, 1), "suspended")
    assert "SYR" not in members_on(spells, "ARAB_LEAGUE", dt.date(2023, 6, 1), "suspended")
    assert "VEN" in members_on(spells, "MERCOSUR", in_2024, "suspended")
    assert "BOL" not in members_on(spells, "MERCOSUR", in_2024)
    assert "BOL" in members_on(spells, "MERCOSUR", dt.date(2024, 7, 8))


def test_groups_events_open_and_close_their_spells(spells: pd.DataFrame, events: pd.DataFrame) -> None:
    """A join or rejoin starts a spell that day; a withdrawal or expulsion ends one that day; a
    suspension starts a suspended spell that day. Announcements and notices close nothing."""
    ours = events[events["body_id"].isin(GROUPS)]
    assert len(ours) > 0
    wrong = []
    for row in ours.itertuples():
        pair = spells[(spells["actor_id"] == row.actor_id) & (spells["body_id"] == row.body_id)]
        full = pair[pair["kind"] != "suspended"]
        if row.action in {"join", "rejoin"}:
            ok = row.date in set(full["start"])
        elif row.action in {"withdraw", "expel"}:
            ok = row.date in set(full["end"])
        elif row.action == "suspend":
            ok = row.date in set(pair.loc[pair["kind"] == "suspended", "start"])
        else:
            ok = True
        if not ok:
            wrong.append((row.actor_id, row.body_id, row.action, row.date))
    assert wrong == []


def test_coverage_rows_are_well_formed() -> None:
    assert (DATA / "coverage.csv").read_text(encoding="utf-8").splitlines()[0] == COVERAGE_HEADER
    coverage = read("coverage.csv")
    orgs = set(read("organisations.csv")["org_id"])
    assert set(coverage["body_id"]) <= orgs
    assert set(coverage["status"]) <= {"complete", "partial", "unknown"}
    assert {k for k in coverage["kind"] if k} <= MEMBERSHIP_KINDS
    for row in coverage.itertuples():
        lo, hi = bounds(row.known_from, row.known_to)
        assert lo <= hi, row
        assert row.source_ref and row.how, row
    assert GROUPS <= set(coverage["body_id"])


def test_summit_for_democracy_invitees_are_dated_to_the_summit(spells: pd.DataFrame) -> None:
    summit = spells[spells["body_id"] == "SUMMIT_FOR_DEMOCRACY"]
    assert set(summit["start"]) == {"2021-12-09", "2023-03-29", "2024-03-18"}
    assert summit["note"].str.contains("invited participant|host|co-host").all()
    assert len(members_on(spells, "SUMMIT_FOR_DEMOCRACY", dt.date(2021, 12, 9))) == 110
    # 2023: every 2021 invitee again, eight new governments (State Department briefing of 2023-03-22)
    second = members_on(spells, "SUMMIT_FOR_DEMOCRACY", dt.date(2023, 3, 29))
    assert len(second) == 118
    assert members_on(spells, "SUMMIT_FOR_DEMOCRACY", dt.date(2021, 12, 9)) <= second
    assert members_on(spells, "SUMMIT_FOR_DEMOCRACY", dt.date(2022, 6, 1)) == set()
