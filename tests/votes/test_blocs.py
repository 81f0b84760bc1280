from __future__ import annotations

import pandas as pd
import pytest

from comity.errors import BadInput, NotFittedError
from comity.votes import VotingBlocs, adjusted_rand_index, normalized_mutual_info, yearly_blocs

from .conftest import planted_votes

GROUPS = [[f"{letter}{i:02d}" for i in range(15)] for letter in "PQR"]


def _truth(groups: list[list[str]]) -> dict[str, int]:
    return {state: g for g, members in enumerate(groups) for state in members}


def test_blocs_recover_planted_groups() -> None:
    votes = planted_votes(GROUPS, n_calls=80, loyalty=0.85, seed=11)
    model = VotingBlocs(random_state=0).fit(votes)
    found = model.blocs_.set_index("iso3")["bloc"]
    truth = pd.Series(_truth(GROUPS))
    assert adjusted_rand_index(truth[found.index], found) == pytest.approx(1.0)
    assert sorted(len(m) for m in model.blocs(2000).values()) == [15, 15, 15]


def test_blocs_stability_and_movers_across_periods() -> None:
    moved = ["P00", "P01"]
    later = [[s for s in GROUPS[0] if s not in moved], GROUPS[1] + moved, GROUPS[2]]
    votes = pd.concat(
        [
            planted_votes(GROUPS, n_calls=80, year=2000, loyalty=0.85, seed=1),
            planted_votes(later, n_calls=80, year=2001, loyalty=0.85, seed=2),
        ],
        ignore_index=True,
    )
    model = VotingBlocs(random_state=0).fit(votes)
    assert sorted(model.movers_["iso3"]) == moved
    q_label = model.bloc_of("Q00")["bloc"].tolist()
    assert q_label[0] == q_label[1]  # labels carried over between periods
    assert model.movers_["bloc"].tolist() == [q_label[1]] * 2
    stability = model.stability_.iloc[0]
    assert stability["period"] == 2001 and stability["previous"] == 2000
    assert 0.8 < stability["ari"] < 1.0


def test_blocs_are_reproducible_with_random_state() -> None:
    votes = planted_votes(GROUPS, n_calls=40, loyalty=0.7, seed=5)
    first = VotingBlocs(random_state=3).fit(votes).blocs_
    second = VotingBlocs(random_state=3).fit(votes).blocs_
    pd.testing.assert_frame_equal(first, second)


def test_blocs_before_fit_and_bad_parameters() -> None:
    with pytest.raises(NotFittedError):
        VotingBlocs().blocs(2000)
    votes = planted_votes(GROUPS, n_calls=5, seed=0)
    with pytest.raises(BadInput, match="metric"):
        VotingBlocs(metric="cosine").fit(votes)
    with pytest.raises(BadInput, match="resolution"):
        VotingBlocs(resolution=0).fit(votes)


def test_adjusted_rand_and_nmi_match_hand_computation() -> None:
    a, b = [0, 0, 1, 1], [0, 0, 1, 2]
    # Contingency [[2,0,0],[0,1,1]]: index C(2,2) = 1; rows C(2,2)+C(2,2) = 2; columns C(2,2) = 1;
    # expected 2 * 1 / C(4,2) = 1/3; maximum (2 + 1)/2 = 1.5; ARI (1 - 1/3)/(1.5 - 1/3) = 4/7.
    assert adjusted_rand_index(a, b) == pytest.approx(4 / 7)
    # H(a) = ln 2, H(b) = 1.5 ln 2, b determines a so I = H(a); NMI = ln 2 / (1.25 ln 2) = 0.8.
    assert normalized_mutual_info(a, b) == pytest.approx(0.8)
    assert adjusted_rand_index(a, [5, 5, 7, 7]) == 1.0
    assert normalized_mutual_info(a, [5, 5, 7, 7]) == pytest.approx(1.0)


def _three_years() -> pd.DataFrame:
    moved = ["P00", "P01"]
    later = [[s for s in GROUPS[0] if s not in moved], GROUPS[1] + moved, GROUPS[2]]
    return pd.concat(
        [
            planted_votes(GROUPS, n_calls=60, year=2000, loyalty=0.85, seed=1),
            planted_votes(later, n_calls=60, year=2001, loyalty=0.85, seed=2),
            planted_votes(later, n_calls=60, year=2002, loyalty=0.85, seed=3),
        ],
        ignore_index=True,
    )


def test_yearly_blocs_are_each_year_fitted_with_the_year_before() -> None:
    votes = _three_years()
    every = yearly_blocs(votes)
    assert sorted(every.blocs["period"].unique()) == [2000, 2001, 2002]
    for year in (2001, 2002):
        # What VotingBlocs finds on that year and the one before, row for row.
        pair = VotingBlocs(random_state=0).fit(votes[votes["year"].between(year - 1, year)])
        expected = pair.blocs_[pair.blocs_["period"] == year].reset_index(drop=True)
        one = every.year(year)
        pd.testing.assert_frame_equal(one.blocs, expected, check_dtype=False)
        pd.testing.assert_frame_equal(one.movers, pair.movers_.reset_index(drop=True), check_dtype=False)
        pd.testing.assert_frame_equal(one.stability, pair.stability_, check_dtype=False)
        assert one.modularity == {year: pair.modularity_[year]}
    assert sorted(every.year(2001).movers["iso3"]) == ["P00", "P01"]
    assert every.year(2002).movers.empty  # nobody moved again
    assert every.year(2000).stability.empty  # no year before the first


def test_yearly_blocs_of_some_years_and_bad_years() -> None:
    votes = _three_years()
    some = yearly_blocs(votes, [2002])
    assert set(some.blocs["period"]) == {2002}
    pd.testing.assert_frame_equal(some.blocs, yearly_blocs(votes).year(2002).blocs)
    with pytest.raises(BadInput, match="no General Assembly votes in 1999"):
        yearly_blocs(votes, [1999, 2001])
    with pytest.raises(BadInput, match="metric"):
        yearly_blocs(votes, metric="cosine")
