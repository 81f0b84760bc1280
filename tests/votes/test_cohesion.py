from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from comity.errors import BadInput
from comity.votes import bloc_since, cohesion, cohesion_indices

from .conftest import planted_votes, tidy


def test_cohesion_indices_match_hand_computation() -> None:
    # Three members on four roll calls (yes, no, abstain counts):
    # r1 3/0/0: Rice |3-0|/3 = 1,   AI (3 - 0/2)/3 = 1
    # r2 2/1/0: Rice |2-1|/3 = 1/3, AI (2 - 1/2)/3 = 0.5
    # r3 1/1/1: Rice |1-1|/2 = 0,   AI (1 - 2/2)/3 = 0
    # r4 0/0/3: Rice undefined,     AI (3 - 0)/3 = 1
    rice, agreement = cohesion_indices(np.array([3, 2, 1, 0]), np.array([0, 1, 1, 0]), np.array([0, 0, 1, 3]))
    assert rice[:3] == pytest.approx([1.0, 1 / 3, 0.0]) and np.isnan(rice[3])
    assert agreement == pytest.approx([1.0, 0.5, 0.0, 1.0])


def test_cohesion_yearly_means_match_hand_computation() -> None:
    votes = tidy(
        [
            ("r1", "A", "yes"),
            ("r1", "B", "yes"),
            ("r1", "C", "yes"),
            ("r1", "D", "no"),
            ("r2", "A", "yes"),
            ("r2", "B", "yes"),
            ("r2", "C", "no"),
            ("r2", "D", "no"),
            ("r3", "A", "yes"),
            ("r3", "B", "no"),
            ("r3", "C", "abstain"),
            ("r3", "D", "yes"),
            ("r4", "A", "abstain"),
            ("r4", "B", "abstain"),
            ("r4", "C", "abstain"),
            ("r4", "D", "yes"),
        ]
    )
    row = cohesion(votes, ["A", "B", "C"], n_draws=50, random_state=1).iloc[0]
    assert row["n_members"] == 3 and row["n_votes"] == 4
    assert row["rice"] == pytest.approx((1 + 1 / 3 + 0) / 3)  # r4 has no yes or no: skipped
    assert row["ai"] == pytest.approx((1 + 0.5 + 0 + 1) / 4)
    assert 0 <= row["ai_percentile"] <= 100


def test_cohesion_of_planted_bloc_is_high_and_random_group_is_not() -> None:
    bloc = [f"B{i:02d}" for i in range(10)]
    others = [[f"O{i:02d}"] for i in range(50)]  # each outsider votes on its own
    votes = planted_votes([bloc, *others], n_calls=60, loyalty=0.95, seed=7)
    planted = cohesion(votes, bloc, n_draws=300, random_state=0).iloc[0]
    assert planted["ai"] > 0.85
    assert planted["ai_percentile"] == 100.0 and bool(planted["bloc"])
    assert planted["ai_random_hi"] < planted["ai"]
    scattered = cohesion(votes, [o[0] for o in others[:10]], n_draws=300, random_state=0).iloc[0]
    assert scattered["ai_percentile"] < 95 and not bool(scattered["bloc"])


def test_cohesion_is_reproducible_with_random_state() -> None:
    votes = planted_votes([["A", "B", "C"], ["D"], ["E"], ["F"], ["G"]], n_calls=20, seed=2)
    first = cohesion(votes, ["A", "D", "E"], n_draws=100, random_state=5)
    second = cohesion(votes, ["A", "D", "E"], n_draws=100, random_state=5)
    pd.testing.assert_frame_equal(first, second)


def test_bloc_since_finds_the_last_unbroken_run() -> None:
    table = pd.DataFrame({"year": [2000, 2001, 2002, 2003, 2004], "bloc": [True, False, True, True, True]})
    assert bloc_since(table) == 2002
    assert bloc_since(table.assign(bloc=[True, True, True, True, False])) is None


def test_cohesion_rejects_bad_parameters() -> None:
    votes = tidy([("r1", "A", "yes"), ("r1", "B", "yes")])
    with pytest.raises(BadInput, match="at least two states"):
        cohesion(votes, ["A"])
    with pytest.raises(BadInput, match="n_draws"):
        cohesion(votes, ["A", "B"], n_draws=0)


def test_cohesion_of_registry_group_takes_members_per_year(registry: object) -> None:
    group = "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"
    members = sorted(registry.members(group, on="2022-07-01")["actor_id"])  # type: ignore[attr-defined]
    outsiders = [[f"X{i:02d}"] for i in range(30)]
    votes = pd.concat(
        [
            planted_votes([members, *outsiders], n_calls=30, year=year, loyalty=0.95, seed=year)
            for year in (2000, 2022)
        ],
        ignore_index=True,
    )
    table = cohesion(votes, group, n_draws=100, random_state=0, registry=registry).set_index("year")
    assert table.loc[2022, "members_on"] == "2022-07-01"
    assert table.loc[2022, "n_members"] == len(members)
    # Before the group existed (2021) its first member list stands in.
    assert table.loc[2000, "members_on"] == "founding"
    assert table.loc[2022, "bloc"] and table.loc[2022, "ai_percentile"] == 100.0
