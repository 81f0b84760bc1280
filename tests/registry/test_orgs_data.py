"""Checks of the shipped organisations, memberships, events, people and roles (src/comity/registry/data)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
import pytest

from comity._dates import PartialDate, parse_partial_date
from comity.data import fetch
from comity.data._convert import cow_organizations
from comity.errors import BadDate
from comity.registry._build import EVENT_ACTIONS

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "comity" / "registry" / "data"

ORG_HEADER = "org_id,name,acronym,kind,founded,dissolved,parent_id,cow_ioname,source_id,source_ref"
ALIAS_HEADER = "org_id,alias,kind,source_id,source_ref"
MEMBERSHIP_HEADER = "actor_id,body_id,kind,start,end,source_id,source_ref,note"
EVENT_HEADER = "actor_id,body_id,action,date,source_id,source_ref,note"
PEOPLE_HEADER = "person_id,name,aliases,source_id,source_ref"
ROLES_HEADER = "person_id,role,state,org_id,start,end,source_id,source_ref"

ORG_KINDS = {"un", "un_organ", "un_body", "un_agency", "treaty", "declaration", "igo", "group", "coalition"}
ALIAS_KINDS = {"name", "acronym", "alias"}
MEMBERSHIP_KINDS = {
    "member",
    "observer",
    "party",
    "signatory",
    "permanent_seat",
    "elected_seat",
    "associate",
    "partner",
    "suspended",
}

# The ids of ../shared/gold-format.md ("Organisation ids" and the new ids of "Clarifications").
GOLD_IDS = {
    "UN",
    "UNGA",
    "UNSC",
    "UNSG",
    "UNHRC",
    "OHCHR",
    "WHO",
    "UNESCO",
    "UNICEF",
    "UNHCR",
    "UNRWA",
    "WFP",
    "UNDP",
    "UNFCCC",
    "PARIS_AGREEMENT",
    "KYOTO_PROTOCOL",
    "JCPOA",
    "NPT",
    "INF_TREATY",
    "NEW_START",
    "OPEN_SKIES",
    "IAEA",
    "ICC",
    "ICJ",
    "WTO",
    "IMF",
    "WORLD_BANK",
    "NATO",
    "EU",
    "AU",
    "ASEAN",
    "BRICS",
    "SCO",
    "CSTO",
    "EAEU",
    "G7",
    "G20",
    "G77",
    "NAM",
    "OAS",
    "ARAB_LEAGUE",
    "OIC",
    "GCC",
    "OPEC",
    "OSCE",
    "COUNCIL_OF_EUROPE",
    "QUAD",
    "AUKUS",
    "UN_CHARTER",
    "UDHR",
    "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER",
    "ALLIANCE_FOR_MULTILATERALISM",
    "HUMANITARIAN_TROIKA",
    "NAM_COORDINATING_BUREAU",
    "COVAX",
    "UN75_DECLARATION",
    "CARACAS_POLITICAL_DECLARATION",
}
GOF_FOUNDERS = {
    "DZA",
    "AGO",
    "BLR",
    "BOL",
    "KHM",
    "CHN",
    "CUB",
    "PRK",
    "ERI",
    "IRN",
    "LAO",
    "NIC",
    "PSE",
    "RUS",
    "SYR",
    "VEN",
    "VCT",
}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(DATA / name, dtype=str, keep_default_na=False)


def header(name: str) -> str:
    with open(DATA / name, encoding="utf-8") as fh:
        return fh.readline().rstrip("\n")


@pytest.fixture(scope="module")
def orgs() -> pd.DataFrame:
    return read("organisations.csv")


@pytest.fixture(scope="module")
def spells() -> pd.DataFrame:
    return read("memberships.csv")


@pytest.fixture(scope="module")
def events() -> pd.DataFrame:
    return read("membership_events.csv")


@pytest.fixture(scope="module")
def states() -> set[str]:
    path = DATA / "states.csv"
    if not path.exists():
        pytest.skip("states.csv is not shipped yet, so actor ids cannot be checked against it")
    return set(read("states.csv")["iso3"])


def partial(value: str) -> PartialDate | None:
    return parse_partial_date(value) if value else None


def interval(start: str, end: str) -> tuple[dt.date, dt.date]:
    first = partial(start)
    last = partial(end)
    return (first.first if first else dt.date.min, last.last if last else dt.date.max)


def active_on(frame: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    bounds = [interval(s, e) for s, e in zip(frame["start"], frame["end"], strict=True)]
    mask = [lo <= day <= hi for lo, hi in bounds]
    return frame[mask]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("organisations.csv", ORG_HEADER),
        ("org_aliases.csv", ALIAS_HEADER),
        ("memberships.csv", MEMBERSHIP_HEADER),
        ("membership_events.csv", EVENT_HEADER),
        ("people.csv", PEOPLE_HEADER),
        ("roles.csv", ROLES_HEADER),
    ],
)
def test_orgs_data_headers_are_exact(name: str, expected: str) -> None:
    assert header(name) == expected


def test_orgs_data_every_gold_format_id_is_present(orgs: pd.DataFrame) -> None:
    assert GOLD_IDS - set(orgs["org_id"]) == set()


def test_orgs_data_ids_are_unique_upper_snake(orgs: pd.DataFrame) -> None:
    assert not orgs["org_id"].duplicated().any()
    bad = [i for i in orgs["org_id"] if not re.fullmatch(r"[A-Z][A-Z0-9]*(_[A-Z0-9]+)*", i)]
    assert bad == []


def test_orgs_data_kinds_parents_and_dates(orgs: pd.DataFrame) -> None:
    assert set(orgs["kind"]) <= ORG_KINDS
    ids = set(orgs["org_id"])
    assert {p for p in orgs["parent_id"] if p} <= ids
    for row in orgs.itertuples():
        founded = partial(row.founded)
        assert founded is not None, row.org_id
        if row.dissolved:
            assert founded.first <= partial(row.dissolved).last, row.org_id


def test_orgs_data_known_placements(orgs: pd.DataFrame) -> None:
    by_id = orgs.set_index("org_id")
    assert by_id.loc["UNGA", "parent_id"] == "UN"
    assert by_id.loc["WHO", "parent_id"] == "UN"
    assert by_id.loc["UN", "kind"] == "un"
    assert by_id.loc["UNSC", "kind"] == "un_organ"
    assert by_id.loc["PARIS_AGREEMENT", "kind"] == "treaty"
    assert by_id.loc["UDHR", "kind"] == "declaration"
    assert by_id.loc["GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", "kind"] == "coalition"
    assert by_id.loc["INF_TREATY", "dissolved"] == "2019-08-02"


def test_orgs_data_cow_links_exist_in_cow_data(orgs: pd.DataFrame, data_mirror: Path) -> None:
    cow = cow_organizations()
    linked = [i for i in orgs["cow_ioname"] if i]
    assert set(linked) <= set(cow["ioname"])
    assert len(linked) == len(set(linked)), "two organisations link the same COW IGO"
    assert orgs.set_index("org_id").loc["WHO", "cow_ioname"] == "WHO"


def test_orgs_data_upstream_cow_and_unsc_are_read(data_mirror: Path) -> None:
    cow = cow_organizations()
    assert len(cow) == 534
    elected = pd.read_csv(fetch("sc_elected_members_csv"))
    assert pd.to_numeric(elected["year"]).max() == 2019
    assert not (DATA / "cow").exists() and not (DATA / "unsc").exists()


def test_orgs_data_aliases_cover_news_names(orgs: pd.DataFrame) -> None:
    aliases = read("org_aliases.csv")
    assert set(aliases["kind"]) <= ALIAS_KINDS
    assert set(aliases["org_id"]) <= set(orgs["org_id"])
    assert not aliases.duplicated(["org_id", "alias"]).any()
    lookup = {(a.casefold(), o) for a, o in zip(aliases["alias"], aliases["org_id"], strict=True)}
    for alias, org in [
        ("United Nations", "UN"),
        ("U.N.", "UN"),
        ("Security Council", "UNSC"),
        ("U.N. Security Council", "UNSC"),
        ("General Assembly", "UNGA"),
        ("Secretary-General", "UNSG"),
        ("World Health Organisation", "WHO"),
        ("Human Rights Council", "UNHRC"),
        ("Paris climate accord", "PARIS_AGREEMENT"),
        ("Iran nuclear deal", "JCPOA"),
        ("Charter of the United Nations", "UN_CHARTER"),
        ("Non-Aligned Movement", "NAM"),
        ("Group of 77", "G77"),
        ("Brussels", "EU"),
        (
            "Group of Friends in Defense of the United Nations Charter",
            "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER",
        ),
    ]:
        assert (alias.casefold(), org) in lookup, alias
    # an alias naming two organisations would make dictionary matching guess
    per_alias = aliases.assign(a=aliases["alias"].str.casefold()).groupby("a")["org_id"].nunique()
    assert per_alias[per_alias > 1].to_dict() == {}


def test_orgs_data_membership_values_are_allowed(spells: pd.DataFrame, events: pd.DataFrame) -> None:
    assert set(spells["kind"]) <= MEMBERSHIP_KINDS
    assert set(events["action"]) <= EVENT_ACTIONS
    assert (spells["source_ref"] != "").all() and (events["source_ref"] != "").all()


def test_orgs_data_actor_and_body_ids_are_known(
    spells: pd.DataFrame, events: pd.DataFrame, orgs: pd.DataFrame, states: set[str]
) -> None:
    known = states | set(orgs["org_id"])
    for frame in (spells, events):
        assert set(frame["body_id"]) <= set(orgs["org_id"])
        assert set(frame["actor_id"]) - known == set()


def test_orgs_data_dates_parse_and_spells_are_ordered(spells: pd.DataFrame, events: pd.DataFrame) -> None:
    for row in spells.itertuples():
        assert row.start, f"membership without a start: {row}"
        lo, hi = interval(row.start, row.end)
        assert lo <= hi, row
    for value in events["date"]:
        assert partial(value) is not None


def test_orgs_data_bad_dates_are_rejected() -> None:
    with pytest.raises(BadDate):
        partial("2021-02-30")
    with pytest.raises(BadDate):
        partial("21-3")


def test_orgs_data_spells_of_one_kind_never_overlap(spells: pd.DataFrame) -> None:
    overlaps = []
    for key, group in spells.groupby(["actor_id", "body_id", "kind"]):
        bounds = sorted(interval(s, e) for s, e in zip(group["start"], group["end"], strict=True))
        for (_, prev_hi), (lo, _) in zip(bounds, bounds[1:], strict=False):
            if lo <= prev_hi:
                overlaps.append(key)
    assert overlaps == []


def test_orgs_data_group_of_friends_has_17_founders(spells: pd.DataFrame) -> None:
    gof = spells[spells["body_id"] == "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"]
    founders = gof[gof["start"] == "2021-03"]
    assert set(founders["actor_id"]) == GOF_FOUNDERS
    assert len(founders) == 17 and "PSE" in set(founders["actor_id"])


def test_orgs_data_us_who_events_in_order(events: pd.DataFrame) -> None:
    who = events[(events["actor_id"] == "USA") & (events["body_id"] == "WHO")]
    got = list(zip(who["date"], who["action"], strict=True))
    assert got == sorted(got)
    assert got == [
        ("2020-05-29", "announce_withdrawal"),
        ("2020-07-06", "notify_withdrawal"),
        ("2021-01-20", "rescind_withdrawal"),
        ("2025-01-20", "announce_withdrawal"),
        ("2026-01-22", "withdraw"),
    ]


def test_orgs_data_us_left_who_and_paris_in_2026(spells: pd.DataFrame) -> None:
    us = spells[spells["actor_id"] == "USA"]
    for body, inside, outside in [
        ("WHO", dt.date(2020, 12, 1), dt.date(2026, 2, 1)),
        ("PARIS_AGREEMENT", dt.date(2021, 3, 1), dt.date(2026, 2, 1)),
        ("UNESCO", dt.date(2024, 1, 1), dt.date(2020, 1, 1)),
    ]:
        rows = us[(us["body_id"] == body) & us["kind"].isin(["member", "party"])]
        assert len(active_on(rows, inside)) == 1, body
        assert len(active_on(rows, outside)) == 0, body


def test_orgs_data_blocs_have_their_size_today(spells: pd.DataFrame) -> None:
    today = dt.date(2026, 11, 27)
    expected = {"NATO": 32, "EU": 27, "AU": 55, "ASEAN": 11, "NAM": 121, "G77": 134, "SCO": 10, "G20": 21}
    for body, size in expected.items():
        rows = spells[(spells["body_id"] == body) & (spells["kind"] == "member")]
        assert len(active_on(rows, today)) == size, body
    brics = spells[(spells["body_id"] == "BRICS") & (spells["kind"] == "member")]
    assert len(active_on(brics, today)) == 10


def test_orgs_data_every_source_id_is_listed(
    spells: pd.DataFrame, events: pd.DataFrame, orgs: pd.DataFrame
) -> None:
    listed = set(read("sources.csv")["source_id"])
    cited = set()
    for name in ("org_aliases.csv", "people.csv", "roles.csv"):
        cited |= set(read(name)["source_id"])
    cited |= set(spells["source_id"]) | set(events["source_id"]) | set(orgs["source_id"])
    assert cited - listed == set()


def test_orgs_data_people_and_roles(orgs: pd.DataFrame, states: set[str]) -> None:
    people = read("people.csv")
    roles = read("roles.csv")
    assert not people["person_id"].duplicated().any()
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", p) for p in people["person_id"])
    assert set(roles["person_id"]) <= set(people["person_id"])
    assert {s for s in roles["state"] if s} <= states
    assert {o for o in roles["org_id"] if o} <= set(orgs["org_id"])
    for row in roles.itertuples():
        lo, hi = interval(row.start, row.end)
        assert lo <= hi, row
    guterres = roles[(roles["person_id"] == "antonio_guterres") & (roles["org_id"] == "UNSG")]
    assert list(guterres["start"]) == ["2017-01-01"]
    blinken = roles[roles["person_id"] == "antony_blinken"]
    assert list(blinken["role"]) == ["Secretary of State"]
