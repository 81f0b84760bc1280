"""Queries on the real shipped registry."""

from __future__ import annotations

import pytest

from comity.errors import BadDate, UnknownActor
from comity.registry import Registry

GROUP_OF_FRIENDS = "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Beijing", "CHN"),
        ("beijing", "CHN"),
        ("Kremlin", "RUS"),
        ("Chinese", "CHN"),
        ("U.S.", "USA"),
        ("United States of America", "USA"),
        ("Holy See", "VAT"),
        ("Kosovo", "XKX"),
        ("Taiwan", "TWN"),
        ("Soviet Union", "SUN"),
        ("State of Palestine", "PSE"),
        ("who", "WHO"),
        ("World Health Organization", "WHO"),
        ("Security Council", "UNSC"),
        ("Antony Blinken", "antony_blinken"),
    ],
)
def test_registry_resolve_names(registry: Registry, name: str, expected: str) -> None:
    assert registry.resolve(name).id == expected


def test_registry_unknown_name_suggests_close_matches(registry: Registry) -> None:
    with pytest.raises(UnknownActor) as info:
        registry.resolve("Germny")
    assert any("DEU" in s for s in info.value.suggestions)
    assert "Closest matches" in str(info.value)


def test_registry_group_of_friends_has_17_founders_with_palestine(registry: Registry) -> None:
    members = registry.members(GROUP_OF_FRIENDS, on="2021-03-15")
    assert len(members) == 17
    assert "PSE" in set(members["actor_id"])
    assert members["source_id"].notna().all()


def test_registry_security_council_on_2021_05_07(registry: Registry) -> None:
    members = registry.members("UNSC", on="2021-05-07")
    assert len(members) == 15
    assert {"CHN", "FRA", "GBR", "RUS", "USA", "IND", "IRL", "KEN", "MEX", "NOR"} <= set(members["actor_id"])


def test_registry_security_council_from_dppa_years(registry: Registry) -> None:
    members = registry.members("UNSC", on="1985-06-01")
    assert len(members) == 15
    assert "SUN" in set(members["actor_id"]) and "RUS" not in set(members["actor_id"])
    assert (members["source_id"] == "dppa_sc_membership_2023").all()
    assert (members["kind"] == "elected_seat").sum() == 10


def test_registry_who_2010_answers_from_cow(registry: Registry) -> None:
    members = registry.members("WHO", on="2010-01-01")
    assert len(members) > 150
    # The hand list that carries WHO past COW's 2014 keeps COW's join years and cites COW for them.
    from_cow = (members["source_id"] == "cow_igo") | members["note"].fillna("").str.contains("per COW IGO")
    assert from_cow.mean() > 0.9


def test_registry_us_who_timeline_has_2020_2021_and_2025_2026(registry: Registry) -> None:
    events = registry.timeline("USA", "WHO")
    actions = [(str(d)[:4], a) for d, a in zip(events["date"], events["action"], strict=True)]
    assert ("2020", "notify_withdrawal") in actions
    assert ("2021", "rescind_withdrawal") in actions
    assert any(year in ("2025", "2026") and a in ("withdraw", "announce_withdrawal") for year, a in actions)
    assert events["source_ref"].notna().all() and events["source_id"].notna().all()
    assert list(events["date"]) == sorted(events["date"])


def test_registry_un_membership_from_admission_dates(registry: Registry) -> None:
    assert len(registry.members("UN", on="2024-01-01")) == 193
    before = set(registry.members("UN", on="1973-09-17")["actor_id"])
    after = set(registry.members("UN", on="1973-09-18")["actor_id"])
    assert {"DEU", "DDR"} <= after - before


def test_registry_impossible_date_is_bad_date(registry: Registry) -> None:
    with pytest.raises(BadDate, match="28 days"):
        registry.members("UN", on="2021-02-30")
    with pytest.raises(BadDate):
        registry.members("UN", on="yesterday-ish")


def test_registry_show_state(registry: Registry) -> None:
    info = registry.show("Beijing")
    assert info["id"] == "CHN" and info["type"] == "state"
    assert info["matched"]["as"] == "capital"
    assert "UN" in {m["body_id"] for m in info["memberships_today"]}


def test_registry_search_prefix(registry: Registry) -> None:
    hits = registry.search("non-alig")
    assert hits and hits[0].id == "NAM"


def test_registry_memberships_never_overlap_within_a_source(registry: Registry) -> None:
    spells = registry.store.query(
        """SELECT a.actor_id, a.body_id, a.kind, a.source_id FROM memberships a JOIN memberships b
           ON a.actor_id = b.actor_id AND a.body_id = b.body_id AND a.kind = b.kind
           AND a.source_id = b.source_id
           AND a.start_date < b.start_date AND (a.end_date IS NULL OR a.end_date >= b.start_date)"""
    )
    assert spells.empty, spells.head(10).to_string()


@pytest.mark.parametrize(("day", "count"), [("1950-01-01", 59), ("1992-01-01", 166), ("2024-01-01", 193)])
def test_registry_un_member_counts_match_un_history(registry: Registry, day: str, count: int) -> None:
    # One seat, one member: continuing states take their predecessor's seat on the day of succession.
    assert len(registry.members("UN", on=day)) == count


def test_registry_china_seat_passes_in_1971(registry: Registry) -> None:
    before = set(registry.members("UNSC", on="1970-06-01")["actor_id"])
    after = set(registry.members("UNSC", on="1972-06-01")["actor_id"])
    assert "TWN" in before and "CHN" not in before
    assert "CHN" in after and "TWN" not in after


def test_registry_founding_members(registry: Registry) -> None:
    founders = registry.members("GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", on="founding")
    assert len(founders) == 17 and "PSE" in set(founders["actor_id"])
