"""Membership semantics on the real registry: seats, kinds, suspensions, coverage, events, names."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from comity._dates import parse_partial_date
from comity.errors import AmbiguousName, BadInput
from comity.registry import Registry

P5_BEFORE_1971 = {"TWN", "FRA", "GBR", "USA", "SUN"}
P5_TODAY = {"CHN", "FRA", "GBR", "USA", "RUS"}
_ALL = ("member", "party", "permanent_seat", "elected_seat", "observer", "partner", "signatory", "associate")


def test_security_council_has_11_then_15_members_every_year_1946_2027(registry: Registry) -> None:
    wrong = {}
    for year in range(1946, 2028):
        # mid-year every year; the first and last day where seats change hands or terms turn over
        days = [f"{year}-06-30"] + (
            [f"{year}-01-01", f"{year}-12-31"] if year in (1946, 1966, 1971, 1991) else []
        )
        for day in days:
            n = len(registry.members("UNSC", on=day))
            if n != (11 if year < 1966 else 15):
                wrong[day] = n
    assert wrong == {}


@pytest.mark.parametrize(
    ("day", "seats"),
    [
        ("1971-10-24", P5_BEFORE_1971),
        ("1971-10-25", {"CHN", "FRA", "GBR", "USA", "SUN"}),
        ("1991-12-23", {"CHN", "FRA", "GBR", "USA", "SUN"}),
        ("1991-12-24", P5_TODAY),
        ("2027-12-31", P5_TODAY),
    ],
)
def test_one_holder_per_permanent_seat_on_handover_days(
    registry: Registry, day: str, seats: set[str]
) -> None:
    council = registry.members("UNSC", on=day)
    assert len(council) == 15
    assert set(council.loc[council["kind"] == "permanent_seat", "actor_id"]) == seats


def test_un_seat_handover_days_count_once(registry: Registry) -> None:
    for day, gone, came in (
        ("1971-10-25", "TWN", "CHN"),
        ("1991-12-24", "SUN", "RUS"),
        ("1990-05-22", "YAR", "YEM"),
    ):
        members = set(registry.members("UN", on=day)["actor_id"])
        assert came in members and gone not in members, day
        before = set(registry.members("UN", on=dt.date.fromisoformat(day) - dt.timedelta(days=1))["actor_id"])
        assert gone in before and came not in before, day


def test_security_council_2026_and_2027_from_dppa(registry: Registry) -> None:
    elected_2027 = registry.members("UNSC", on="2027-03-01")
    elected = set(elected_2027.loc[elected_2027["kind"] == "elected_seat", "actor_id"])
    # the 2026-2027 members (the DR Congo is the name the DPPA copy left blank) and the 2027-2028 ones
    assert elected == {"BHR", "COL", "COD", "LVA", "LBR", "AUT", "PRT", "ZWE", "KGZ", "TTO"}
    assert elected_2027.attrs["coverage"].status == "complete"
    later = registry.members("UNSC", on="2028-03-01")
    assert later.attrs["coverage"].status == "unknown"


def test_terms_print_at_their_precision(registry: Registry) -> None:
    council = registry.members("UNSC", on="2004-06-01").set_index("actor_id")
    assert (council.loc["BRA", "start"], council.loc["BRA", "end"]) == ("2004", "2005")
    assert pd.Timestamp(council.loc["BRA", "start_date"]) == pd.Timestamp("2004-01-01")
    assert council.loc["CHN", "start"] == "1971-10-25" and council.loc["FRA", "start"] == "1946"


def test_default_members_are_full_members_with_kind_column(registry: Registry) -> None:
    un = registry.members("UN", on="2020-01-01")
    assert len(un) == 193 and set(un["kind"]) == {"member"}
    with_observers = registry.members("UN", on="2020-01-01", kinds="observer")
    assert set(with_observers.loc[with_observers["kind"] == "observer", "actor_id"]) == {"PSE", "VAT"}
    assert len(registry.members("UN", on="2020-01-01", all_kinds=True)) == 195
    with pytest.raises(BadInput, match="unknown membership kind"):
        registry.members("UN", kinds=["member", "friend"])


def test_paris_agreement_2021_parties_without_the_united_states(registry: Registry) -> None:
    parties = registry.members("PARIS_AGREEMENT", on="2021-01-01")
    assert "USA" not in set(parties["actor_id"])
    assert 185 <= len(parties) <= 192 and set(parties["kind"]) == {"party"}
    assert "EU" in set(parties["actor_id"])
    signatories = registry.members("PARIS_AGREEMENT", on="2021-01-01", kinds="signatory")
    assert {"IRN", "LBY", "YEM"} <= set(signatories.loc[signatories["kind"] == "signatory", "actor_id"])
    again = registry.members("PARIS_AGREEMENT", on="2021-03-01")
    assert "USA" in set(again["actor_id"])
    assert "USA" not in set(registry.members("PARIS_AGREEMENT", on="2026-02-01")["actor_id"])


def test_regional_groups_as_the_dgacm_list_says(registry: Registry) -> None:
    groups = {
        "AFRICAN_GROUP": 54,
        "ASIA_PACIFIC_GROUP": 55,
        "EASTERN_EUROPEAN_GROUP": 23,
        "GRULAC": 33,
        "WEOG": 28,
    }
    for body, size in groups.items():
        assert len(registry.members(body, on="2024-01-01")) == size, body
    turkey = registry.memberships_of("TUR", on="2024-01-01")
    assert {"WEOG", "ASIA_PACIFIC_GROUP"} <= set(turkey["body_id"])
    usa = registry.memberships_of("USA", on="2024-01-01").set_index("body_id")
    assert set(groups) & set(usa.index) == {"WEOG"} and usa.loc["WEOG", "kind"] == "observer"
    assert registry.resolve("Western European and Others Group").id == "WEOG"


def test_suspended_members_show_as_suspended(registry: Registry) -> None:
    au = registry.members("AU", on="2023-10-01").set_index("actor_id")
    suspended = set(au.index[au["kind"] == "suspended"])
    assert {"MLI", "GIN", "SDN", "BFA", "NER", "GAB"} <= suspended
    assert au.loc["MLI", "source_id"]


def test_cow_is_never_extended_past_2014(registry: Registry) -> None:
    cow = registry.store.query(
        "SELECT count(*) AS n FROM memberships WHERE source_id = 'cow_igo' "
        "AND (end_date IS NULL OR end_date > DATE '2014-12-31')"
    )
    assert int(cow["n"].iloc[0]) == 0
    # a COW-only body after 2014 says its coverage is not complete, whatever rows it shows
    only_cow = registry.store.query(
        "SELECT body_id FROM coverage GROUP BY body_id HAVING bool_and(source_id = 'cow_igo') ORDER BY 1"
    )
    body = str(only_cow["body_id"].iloc[0])
    cov = registry.coverage(body, on="2020-01-01")
    assert cov.status == "unknown" and "2014" in cov.how
    assert registry.coverage(body, on="2010-01-01").status == "complete"


def test_every_membership_body_has_a_coverage_answer(registry: Registry) -> None:
    for body in ("UN", "UNSC", "PARIS_AGREEMENT", "UNFCCC", "WEOG"):
        cov = registry.coverage(body, on="2020-06-01")
        assert cov.status in {"complete", "partial"} and cov.source_id, body
    assert registry.coverage("UNSC", on="2031-01-01").status == "unknown"


def test_every_event_agrees_with_the_spells(registry: Registry) -> None:
    """join/rejoin open a spell that day; withdraw/expel close one; suspend/reinstate bound a
    suspension; notices and announcements close nothing (the member is still in the day after).

    An event on a date for which the body's list is not known (coverage not complete: e.g. a COW
    body after 2014 with no compiled list yet) cannot be checked against spells; it is counted,
    and checked as soon as the list is compiled.
    """
    events = registry.store.query("SELECT * FROM membership_events")
    spells = registry.store.query("SELECT * FROM memberships")
    spells["start"] = [
        _text(d, p) for d, p in zip(spells["start_date"], spells["start_precision"], strict=True)
    ]
    spells["end"] = [_text(d, p) for d, p in zip(spells["end_date"], spells["end_precision"], strict=True)]
    full = {"member", "party", "permanent_seat", "elected_seat", "associate", "observer", "partner"}
    problems: list[str] = []
    unchecked: list[str] = []
    checked = 0
    for e in events.itertuples(index=False):
        when = _text(e.date, e.date_precision)
        pair = spells[(spells["actor_id"] == e.actor_id) & (spells["body_id"] == e.body_id)]
        member = pair[pair["kind"].isin(full)]
        suspended = pair[pair["kind"] == "suspended"]
        ok = True
        if e.action in ("join", "rejoin"):
            ok = any(_same(when, s) for s in member["start"])
        elif e.action in ("withdraw", "expel"):
            ok = any(_same(when, s) or _day_before(when, s) for s in pair["end"])
        elif e.action == "suspend":
            ok = any(_same(when, s) for s in suspended["start"])
        elif e.action == "reinstate":
            ok = any(_same(when, s) or _day_before(when, s) for s in suspended["end"])
        elif e.action in ("notify_withdrawal", "announce_withdrawal", "rescind_withdrawal"):
            # the member is still in the day after, unless it also left that very day
            day = parse_partial_date(when).last + dt.timedelta(days=1)
            left = events[
                (events["actor_id"] == e.actor_id)
                & (events["body_id"] == e.body_id)
                & events["action"].isin(["withdraw", "expel"])
                & (events["date"] == e.date)
            ]
            ok = _on(member, day) or not left.empty
        if ok:
            checked += 1
        elif registry.coverage(e.body_id, on=parse_partial_date(when).first, kinds=_ALL).complete:
            problems.append(f"{e.actor_id} {e.body_id} {e.action} {when}")
        else:
            unchecked.append(f"{e.actor_id} {e.body_id} {e.action} {when}")
    assert problems == [], "\n".join(problems)
    assert checked > 0.8 * len(events), unchecked


def _text(value: object, precision: object) -> str:
    text = str(value)[:10]
    return text[:4] if precision == "year" else text[:7] if precision == "month" else text


def _same(a: str, b: str | None) -> bool:
    if not b or b == "NaT":
        return False
    n = min(len(a), len(b))
    return a[:n] == b[:n]


def _day_before(event: str, end: str | None) -> bool:
    """An end on the day before the event: the event is the first day outside."""
    if not end or len(event) < 10 or len(end) < 10:
        return False
    return dt.date.fromisoformat(end) == dt.date.fromisoformat(event) - dt.timedelta(days=1)


def _on(spells: pd.DataFrame, day: dt.date) -> bool:
    when = pd.Timestamp(day)
    starts = pd.to_datetime(spells["start_date"])
    ends = pd.to_datetime(spells["end_date"])
    return bool(((starts <= when) & (ends.isna() | (ends >= when))).any())


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Congo", {"COG", "COD"}),
        ("Korea", {"KOR", "PRK"}),
        ("Guinea", {"GIN", "GNB", "GNQ", "PNG"}),
        ("Sudan", {"SDN", "SSD"}),
    ],
)
def test_ambiguous_names_list_their_candidates(registry: Registry, name: str, expected: set[str]) -> None:
    assert {a.id for a in registry.candidates(name)} == expected
    with pytest.raises(AmbiguousName) as info:
        registry.show(name)
    assert {c[0] for c in info.value.candidates} == expected
    best = registry.resolve(name)
    assert {best.id} | {a[0] for a in best.alternatives} == expected


@pytest.mark.parametrize("name", ["China", "Germany", "Yemen", "Niger", "Dominica", "CHN", "COD"])
def test_unambiguous_names_resolve_to_one(registry: Registry, name: str) -> None:
    assert len(registry.candidates(name)) == 1
    assert registry.resolve(name, strict=True).alternatives == ()


def test_historical_states_are_candidates_on_their_dates(registry: Registry) -> None:
    assert {a.id for a in registry.candidates("Korea", on="1900-01-01")} == {"COW_KOR"}


def test_search_ranks_names_before_codes_inside_words(registry: Registry) -> None:
    hits = registry.search("china")
    assert hits[0].id == "CHN" and hits[0].score == 100.0
    assert not {"CHE", "IND", "NAM"} & {h.id for h in hits}
    for hit in hits + registry.search("group of fr") + registry.search("non-alig"):
        assert hit.score == round(hit.score, 1)
    assert registry.search("group of friends")[0].id == "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"
    assert registry.search("ch")[0].id == "CHE"
    assert registry.search("non-alig")[0].id == "NAM"


def test_ended_bodies_say_so_after_their_end(registry: Registry) -> None:
    # the JCPOA terminated under resolution 2231 on 2025-10-18: its last day is still listed
    assert registry.coverage("JCPOA", on="2025-10-18").status == "complete"
    cov = registry.coverage("JCPOA", on="2026-12-01")
    assert cov.status == "ended" and cov.known_to == "2025-10-18" and cov.source_id
    assert "ended on 2025-10-18" in cov.summary()
    assert registry.members("JCPOA", on="2026-12-01").empty
    for body, end in (("WARSAW_PACT", "1991-07-01"), ("COMECON", "1991-06-28")):
        cov = registry.coverage(body, on="2000-01-01")
        assert (cov.status, cov.known_to) == ("ended", end), body
    # a body that lives on is not ended, and one with a source past its end keeps that source
    assert registry.coverage("UN", on="2026-12-01").status != "ended"
    assert registry.coverage("G8", on="2015-06-01").status == "complete"


def test_every_ended_body_is_ended_a_year_after_its_last_known_date(registry: Registry) -> None:
    ended = registry.store.query(
        """SELECT o.org_id, o.dissolved, max(c.known_to) AS last FROM organisations o
           LEFT JOIN coverage c ON c.body_id = o.org_id AND c.status <> 'unknown'
           WHERE o.dissolved IS NOT NULL GROUP BY ALL"""
    )
    assert len(ended) > 100
    for body, dissolved, last in ended.itertuples(index=False):
        after = max(parse_partial_date(dissolved).last, dt.date.min if pd.isna(last) else last.date())
        assert registry.coverage(body, on=after + dt.timedelta(days=366)).status == "ended", body
