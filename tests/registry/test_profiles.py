"""Actor profiles materialised by the build: the same answers as computed, read only while they hold."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from comity.registry import Registry
from comity.registry._profiles import PROFILES, materialise_profiles, profiles_on
from comity.store import Store

# States (one suspended in a body, one historical, one whose id is also a body's), bodies (the
# largest, a coalition, one with a suspended member, the Council with elected seats, one that
# ended), people.
ACTORS = [
    ("USA", "state"),
    ("ZAF", "state"),
    ("VEN", "state"),
    ("SUN", "state"),
    ("NAM", "state"),
    ("NAM", "organisation"),
    ("UN", "organisation"),
    ("BRICS", "organisation"),
    ("MERCOSUR", "organisation"),
    ("UNSC", "organisation"),
    ("JCPOA", "organisation"),
    ("kofi_annan", "person"),
]


@pytest.fixture
def profiled(db_copy: Path) -> Path:
    with Store.open(db_copy, read_only=False) as store:
        assert materialise_profiles(store) > 0
    return db_copy


def test_stored_profiles_answer_as_computed(profiled: Path, registry: Registry) -> None:
    with Store.open(profiled, read_only=True) as store:
        stored = Registry.from_store(store)
        for entity_id, kind in ACTORS:
            answer = stored.show(entity_id, types=(kind,))
            assert stored._profiles_fresh is True
            assert answer == registry.show(entity_id, types=(kind,)), (entity_id, kind)


@pytest.mark.parametrize(("entity_id", "kind"), [a for a in ACTORS if a[1] != "person"])
def test_profile_agrees_with_the_membership_queries(registry: Registry, entity_id: str, kind: str) -> None:
    """The set-wise profile against the one-actor queries (memberships_of, members, coverage)."""
    profile = profiles_on(registry, date.today())[(entity_id, kind)]
    held = registry.memberships_of(entity_id, types=(kind,))
    assert [m["body_id"] for m in profile["memberships_today"]] == list(held["body_id"])
    assert [m["kind"] for m in profile["memberships_today"]] == list(held["kind"])
    if kind == "organisation":
        members = registry.members(entity_id)
        assert profile["members_today"] == len(members)
        assert profile["coverage_today"] == members.attrs["coverage"].as_dict()


def test_profiles_of_other_data_or_past_their_day_are_not_read(profiled: Path) -> None:
    with Store.open(profiled, read_only=False) as store:
        computed = Registry.from_store(store).show("ZAF")
        # A profile that no longer holds today (a spell of the actor changed since) is computed.
        store.con.execute(
            "UPDATE actor_profiles SET valid_to = ?, profile = '{}' WHERE entity_id = 'ZAF'",
            [date.today() - timedelta(days=1)],
        )
        assert Registry.from_store(store).show("ZAF") == computed
        # The next build computes them anew; then other data (a new load) makes them stale.
        assert materialise_profiles(store) > 0
        assert materialise_profiles(store) == 0.0
        store.con.execute("UPDATE actor_profiles SET profile = '{}'")
        store.con.execute("INSERT INTO loads VALUES ('test-load', 'written-by-this-test', 0, now())")
        fresh = Registry.from_store(store)
        assert fresh.show("ZAF") == computed and fresh._profiles_fresh is False
        assert store.con.execute("SELECT n_rows FROM materialised WHERE name = ?", [PROFILES]).fetchone() == (
            store.count("actor_profiles"),
        )
