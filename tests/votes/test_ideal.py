"""Ideal point estimators: recovery of simulated positions, orientation, errors, standard errors."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from comity.errors import BadInput, NotFittedError
from comity.votes._ideal import ConvergenceWarning, DynamicIdealPoints, IdealPoints, ideal_points_table

CHOICES = np.array(["yes", "abstain", "no"])
Static = tuple[pd.DataFrame, pd.Series]
Panel = tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]


def _draw_votes(
    positions: np.ndarray, n_items: int, rng: np.random.Generator
) -> tuple[np.ndarray, list[tuple[float, float, float]]]:
    """Ordinal probit votes (states x items) and the item parameters used."""
    items = []
    for _ in range(n_items):
        discrimination = rng.normal(0.0, 1.5)
        cut1 = rng.normal(-0.5, 1.0)
        items.append((discrimination, cut1, cut1 + rng.exponential(0.7)))
    return _votes_for(positions, items, rng), items


def _votes_for(
    positions: np.ndarray, items: list[tuple[float, float, float]], rng: np.random.Generator
) -> np.ndarray:
    latent = np.outer(positions, [b for b, _, _ in items]) + rng.normal(size=(len(positions), len(items)))
    cut1 = np.array([c for _, c, _ in items])
    cut2 = np.array([c for _, _, c in items])
    return np.where(latent < cut1, 0, np.where(latent < cut2, 1, 2))


def simulate_static(
    n_states: int = 80, n_items: int = 300, seed: int = 0, missing: float = 0.1
) -> tuple[pd.DataFrame, pd.Series]:
    rng = np.random.default_rng(seed)
    positions = rng.normal(size=n_states)
    positions[0] = abs(positions[0]) + 0.5  # the USA, on the positive side of the truth
    categories, _ = _draw_votes(positions, n_items, rng)
    states = ["USA"] + [f"S{i:02d}" for i in range(1, n_states)]
    votes = pd.DataFrame(
        {
            "rcid": np.tile([f"rc{j}" for j in range(n_items)], n_states),
            "iso3": np.repeat(states, n_items),
            "vote": CHOICES[categories.ravel()],
            "year": 2001,
        }
    )
    keep = rng.random(len(votes)) > missing
    return votes[keep].reset_index(drop=True), pd.Series(positions, index=states)


def simulate_panel(
    n_states: int = 60, n_years: int = 10, items_per_year: int = 40, bridged: int = 15, seed: int = 1
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Drifting states; the first ``bridged`` roll calls of a year repeat last year's."""
    rng = np.random.default_rng(seed)
    start = rng.normal(size=n_states)
    moves = rng.normal(0.0, 0.15, size=(n_years - 1, n_states))
    positions = np.cumsum(np.vstack([start, moves]), axis=0)
    positions[:, 0] = np.abs(positions[:, 0]) + 0.5
    states = ["USA"] + [f"S{i:02d}" for i in range(1, n_states)]
    frames, pairs = [], []
    previous: list[tuple[float, float, float]] = []
    for year in range(n_years):
        _, fresh = _draw_votes(positions[year], items_per_year, rng)
        items = previous[:bridged] + fresh[len(previous[:bridged]) :]
        if previous:
            pairs += [(f"{year - 1}-{j}", f"{year}-{j}") for j in range(bridged)]
        categories = _votes_for(positions[year], items, rng)
        frames.append(
            pd.DataFrame(
                {
                    "rcid": np.tile([f"{year}-{j}" for j in range(items_per_year)], n_states),
                    "iso3": np.repeat(states, items_per_year),
                    "vote": CHOICES[categories.ravel()],
                    "year": 1990 + year,
                }
            )
        )
        previous = items
    truth = pd.DataFrame(
        {
            "iso3": np.tile(states, n_years),
            "year": np.repeat(1990 + np.arange(n_years), n_states),
            "truth": positions.ravel(),
        }
    )
    return pd.concat(frames, ignore_index=True), truth, pd.DataFrame(pairs, columns=["rcid1", "rcid2"])


@pytest.fixture(scope="module")
def static_data() -> tuple[pd.DataFrame, pd.Series]:
    return simulate_static()


@pytest.fixture(scope="module")
def static_fit(static_data: tuple[pd.DataFrame, pd.Series]) -> IdealPoints:
    return IdealPoints().fit(static_data[0])


def test_ideal_static_recovers_simulated_positions(
    static_data: tuple[pd.DataFrame, pd.Series], static_fit: IdealPoints
) -> None:
    estimates = static_fit.ideal_points_.set_index("iso3")["ideal"]
    truth = static_data[1][estimates.index]
    assert np.corrcoef(estimates, truth)[0, 1] >= 0.98
    assert static_fit.converged_
    assert len(static_fit.ideal_points_) == 80


def test_ideal_static_binary_model_recovers_positions(static_data: tuple[pd.DataFrame, pd.Series]) -> None:
    fitted = IdealPoints(model="binary").fit(static_data[0])
    estimates = fitted.ideal_points_.set_index("iso3")["ideal"]
    assert np.corrcoef(estimates, static_data[1][estimates.index])[0, 1] >= 0.97
    assert np.isfinite(fitted.cutpoints_.to_numpy()).all()
    # Without abstentions the two cutpoints coincide.
    assert np.allclose(fitted.cutpoints_["cut1"], fitted.cutpoints_["cut2"])


def test_ideal_orientation_makes_anchor_positive(static_data: tuple[pd.DataFrame, pd.Series]) -> None:
    votes = static_data[0]
    # Swapping yes and no mirrors every position; the anchor must still come out positive.
    flipped = votes.assign(vote=votes["vote"].map({"yes": "no", "no": "yes", "abstain": "abstain"}))
    for table in (votes, flipped):
        estimates = IdealPoints(anchor="USA").fit(table).ideal_points_.set_index("iso3")["ideal"]
        assert estimates["USA"] > 0
    other = IdealPoints(anchor="S05").fit(votes).ideal_points_.set_index("iso3")["ideal"]
    assert other["S05"] > 0


def test_ideal_attributes_and_shapes(static_fit: IdealPoints) -> None:
    table = static_fit.ideal_points_
    assert list(table.columns) == ["iso3", "ideal", "se", "n_votes"]
    assert (table["n_votes"] > 0).all()
    assert static_fit.discrimination_.index.name == "rcid"
    assert list(static_fit.cutpoints_.columns) == ["cut1", "cut2"]
    finite = static_fit.cutpoints_.dropna()
    assert (finite["cut1"] <= finite["cut2"]).all()
    assert static_fit.n_iter_ >= 1


def test_ideal_se_positive_and_shrinking_with_more_votes() -> None:
    votes, _ = simulate_static(n_states=40, n_items=400, seed=3, missing=0.0)
    # Half of the states vote on only the first 60 roll calls.
    few = votes["iso3"].isin([f"S{i:02d}" for i in range(20, 40)])
    early = votes["rcid"].str[2:].astype(int) < 60
    thinned = votes[~few | early]
    table = IdealPoints().fit(thinned).ideal_points_.set_index("iso3")
    assert (table["se"] > 0).all()
    rich = table.loc[~table.index.isin([f"S{i:02d}" for i in range(20, 40)])]
    poor = table.loc[table.index.isin([f"S{i:02d}" for i in range(20, 40)])]
    assert poor["n_votes"].max() < rich["n_votes"].min()
    assert poor["se"].median() > 1.5 * rich["se"].median()


def test_ideal_fit_by_year_gives_one_row_per_state_and_year(
    static_data: tuple[pd.DataFrame, pd.Series],
) -> None:
    first = static_data[0]
    second, _ = simulate_static(n_states=30, n_items=120, seed=7)
    second = second.assign(year=2002, rcid="b" + second["rcid"])
    table = IdealPoints().fit_by_year(pd.concat([first, second], ignore_index=True))
    assert list(table.columns) == ["iso3", "year", "ideal", "se", "n_votes"]
    assert table.groupby("year").size().to_dict() == {2001: 80, 2002: 30}
    assert (table.set_index(["iso3", "year"]).loc[("USA", 2002), "ideal"]) > 0


def test_ideal_not_fitted_raises() -> None:
    with pytest.raises(NotFittedError, match="not fitted"):
        IdealPoints().transform()
    with pytest.raises(NotFittedError):
        DynamicIdealPoints()._check_fitted()


def test_ideal_missing_columns_raise_bad_input() -> None:
    with pytest.raises(BadInput, match="lacks the column"):
        IdealPoints().fit(pd.DataFrame({"rcid": [1], "vote": ["yes"]}))
    with pytest.raises(BadInput, match="year"):
        DynamicIdealPoints().fit(pd.DataFrame({"rcid": [1], "iso3": ["USA"], "vote": ["yes"]}))


def test_ideal_unknown_vote_codes_raise_bad_input(static_data: tuple[pd.DataFrame, pd.Series]) -> None:
    votes = static_data[0].copy()
    votes.loc[5, "vote"] = "maybe"
    with pytest.raises(BadInput, match="'maybe'.*row 5"):
        IdealPoints().fit(votes)


def test_ideal_missing_vote_codes_are_ignored(static_data: tuple[pd.DataFrame, pd.Series]) -> None:
    votes = static_data[0].copy()
    extra = pd.DataFrame(
        {"rcid": "extra", "iso3": ["USA", "S01", "S02"], "vote": ["absent", None, "not_member"], "year": 2001}
    )
    fitted = IdealPoints().fit(pd.concat([votes, extra], ignore_index=True))
    assert "extra" not in fitted.discrimination_.index


def test_ideal_duplicate_votes_and_bad_params_raise(static_data: tuple[pd.DataFrame, pd.Series]) -> None:
    votes = static_data[0]
    with pytest.raises(BadInput, match="more than one vote"):
        IdealPoints().fit(pd.concat([votes, votes.iloc[:1]], ignore_index=True))
    with pytest.raises(BadInput, match="n_dims"):
        IdealPoints(n_dims=2).fit(votes)
    with pytest.raises(BadInput, match="anchor"):
        IdealPoints(anchor="ZZZ").fit(votes)
    with pytest.raises(BadInput, match="evolution_sd"):
        DynamicIdealPoints(evolution_sd=0).fit(votes)
    with pytest.raises(BadInput, match="level_sd"):
        DynamicIdealPoints(level_sd=-1.0).fit(votes)


def test_ideal_non_convergence_warns(static_data: tuple[pd.DataFrame, pd.Series]) -> None:
    with pytest.warns(ConvergenceWarning, match="max_iter=1"):
        fitted = IdealPoints(max_iter=1).fit(static_data[0])
    assert not fitted.converged_
    assert issubclass(ConvergenceWarning, UserWarning)


@pytest.fixture(scope="module")
def panel() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    return simulate_panel()


def test_ideal_dynamic_recovers_drifting_states(
    panel: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    votes, truth, pairs = panel
    fitted = DynamicIdealPoints(evolution_sd=0.15).fit(votes, pairs)
    table = fitted.ideal_points_.merge(truth, on=["iso3", "year"])
    pure_walk = DynamicIdealPoints(evolution_sd=0.15, level_sd=None).fit(votes, pairs).ideal_points_
    assert np.corrcoef(pure_walk["ideal"], table["truth"])[0, 1] >= 0.98
    assert list(fitted.ideal_points_.columns) == ["iso3", "year", "ideal", "se", "n_votes"]
    assert len(table) == 600
    assert np.corrcoef(table["ideal"], table["truth"])[0, 1] >= 0.98
    assert fitted.n_bridges_ == len(pairs)
    assert (table["se"] > 0).all()
    usa = fitted.ideal_points_.query("iso3 == 'USA'")["ideal"]
    assert usa.mean() > 0
    # Bridged roll calls share their parameters.
    assert fitted.discrimination_["0-3"] == fitted.discrimination_["9-3"]


def test_ideal_dynamic_bridges_make_years_comparable(
    panel: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    votes, truth, pairs = panel
    # Shift everyone in later years: with bridges the common drift must show in the estimates.
    rng = np.random.default_rng(5)
    shift = {1990 + t: 0.12 * t for t in range(10)}
    moved = truth.assign(truth=truth["truth"] + truth["year"].map(shift))
    states = moved["iso3"].unique()
    frames = []
    previous: list[tuple[float, float, float]] = []
    for year in range(10):
        positions = moved.query("year == @year + 1990").set_index("iso3").loc[states, "truth"].to_numpy()
        _, fresh = _draw_votes(positions, 40, rng)
        items = previous[:15] + fresh[len(previous[:15]) :]
        categories = _votes_for(positions, items, rng)
        frames.append(
            pd.DataFrame(
                {
                    "rcid": np.tile([f"{year}-{j}" for j in range(40)], len(states)),
                    "iso3": np.repeat(states, 40),
                    "vote": CHOICES[categories.ravel()],
                    "year": 1990 + year,
                }
            )
        )
        previous = items
    del votes
    fitted = DynamicIdealPoints(evolution_sd=0.15, anchor=None).fit(pd.concat(frames), pairs)
    table = fitted.ideal_points_.merge(moved, on=["iso3", "year"])
    sign = np.sign(np.corrcoef(table["ideal"], table["truth"])[0, 1])
    yearly = table.groupby("year")[["ideal", "truth"]].mean()
    assert np.corrcoef(sign * yearly["ideal"], yearly["truth"])[0, 1] >= 0.9
    assert np.corrcoef(table["ideal"], table["truth"])[0, 1] * sign >= 0.98


def test_ideal_points_table_static_and_dynamic(
    panel: tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame],
) -> None:
    votes, _, pairs = panel
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        static = ideal_points_table(votes, 1992, 1994, dynamic=False)
        dynamic = ideal_points_table(votes, 1992, 1994, repeats=pairs)  # dynamic by default
    for table in (static, dynamic):
        assert list(table.columns) == ["iso3", "year", "ideal", "se", "n_votes", "thin"]
        assert (table["thin"] == (table["n_votes"] < 20)).all()
        assert sorted(table["year"].unique()) == [1992, 1993, 1994]
    with pytest.raises(BadInput, match="No votes"):
        ideal_points_table(votes, 2030, 2031)
    with pytest.raises(BadInput, match="ends before"):
        ideal_points_table(votes, 1995, 1991)
