"""The problems of issue 12 ('Why', items 1-5 and 8), each run again as written on the real data."""

from __future__ import annotations

import importlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

import comity.votes
from comity.errors import BadInput, NotFittedError, StoreError
from comity.store import Store
from comity.votes import (
    DynamicIdealPoints,
    IdealPoints,
    VotingBlocs,
    alignment,
    cohesion,
    follow_successors,
    read_votes,
    successor_map,
)
from comity.votes._cli import votes_app

from .conftest import planted_votes

runner = CliRunner()

GROUP = "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"


@pytest.fixture(scope="module")
def ga() -> pd.DataFrame:
    return read_votes()


# -- 1. one identity -------------------------------------------------------------------------


def test_votes_keep_the_state_that_cast_them(ga: pd.DataFrame) -> None:
    years = ga.groupby("iso3")["year"].agg(["min", "max"])
    assert (years.loc["SUN"].tolist(), years.loc["RUS", "min"]) == ([1946, 1991], 1992)
    # USA-SUN works now (it failed with 'no votes at all for SUN').
    pair = alignment(ga, ["USA", "SUN"], start=1985, end=1986, metrics=["agree"])
    assert list(pair["year"]) == [1985, 1986] and (pair["n_votes"] > 50).all()


def test_successors_follow_the_line_as_bsv(ga: pd.DataFrame) -> None:
    assert successor_map() == {"SCG": "SRB", "SUN": "RUS", "YUG": "SRB"}
    merged = read_votes(successors=True)
    codes = set(merged["iso3"])
    assert not codes & {"SUN", "YUG", "SCG"} and {"CSK", "DDR", "YAR", "YMD", "TWN"} <= codes
    assert merged.loc[merged["iso3"] == "RUS", "year"].min() == 1946
    assert merged.loc[merged["iso3"] == "SRB", "year"].min() == 1946
    assert len(merged) == len(ga)
    with pytest.raises(BadInput, match="two votes"):
        follow_successors(pd.DataFrame({"rcid": ["r1", "r1"], "iso3": ["SUN", "RUS"], "vote": ["yes", "no"]}))


def test_security_council_cohesion_counts_the_ussr(ga: pd.DataFrame) -> None:
    table = cohesion(ga, "UNSC", start=1984, end=1986, n_draws=50)
    assert list(table["n_members"]) == [15, 15, 15]
    merged = cohesion(read_votes(successors=True), "UNSC", start=1984, end=1986, n_draws=50)
    assert list(merged["n_members"]) == [15, 15, 15]


def test_cli_agree_usa_sun_and_successors() -> None:
    result = runner.invoke(votes_app, ["agree", "USA", "SUN", "--to", "1950", "--metric", "agree", "--json"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(votes_app, ["agree", "USA", "SUN", "--successors", "--to", "1950", "--json"])
    assert result.exit_code == 0 and "SUN is counted as RUS" in result.stderr
    assert {row["iso3_b"] for row in json.loads(result.stdout)} == {"USA"}


# -- 2. honest defaults ----------------------------------------------------------------------


def test_undl_is_general_assembly_unless_asked(ga: pd.DataFrame) -> None:
    undl = read_votes(sources=["undl"])
    assert set(undl["body"]) == {"GA"}
    both = read_votes(sources=["undl"], body="all")
    assert set(both["body"]) == {"GA", "SC"}
    ga_2015 = alignment(undl, ["USA", "CHN"], start=2015, end=2015, metrics=["agree"]).iloc[0]
    mixed_2015 = alignment(both, ["USA", "CHN"], start=2015, end=2015, metrics=["agree"]).iloc[0]
    assert ga_2015["n_votes"] < mixed_2015["n_votes"] and ga_2015["agree"] < mixed_2015["agree"] - 0.2
    with pytest.raises(BadInput, match="unknown body"):
        read_votes(body="ECOSOC")


def test_bloc_test_of_a_year_does_not_depend_on_the_period(ga: pd.DataFrame) -> None:
    alone = cohesion(ga, GROUP, start=2020, end=2020, n_draws=300)
    within = cohesion(ga, GROUP, start=2016, end=2024, n_draws=300)
    row = within[within["year"] == 2020]
    pd.testing.assert_frame_equal(alone.reset_index(drop=True), row.reset_index(drop=True))
    again = cohesion(ga, GROUP, start=2020, end=2020, n_draws=300)  # default seed: a fixed int
    pd.testing.assert_frame_equal(alone, again)
    lo, hi = alone[["ai_percentile_lo", "ai_percentile_hi"]].iloc[0]
    assert lo <= alone["ai_percentile"].iloc[0] <= hi and hi - lo < 10


def test_thin_and_projected_years_are_flagged(ga: pd.DataFrame) -> None:
    table = cohesion(ga, GROUP, start=2016, end=2024, n_draws=50)
    last = table.set_index("year").loc[2024]
    assert bool(last["thin"]) and last["n_votes"] < 20
    assert not table.set_index("year").loc[2019, "thin"]
    assert table.loc[table["year"] < 2021, "projected"].all()
    assert not table.loc[table["year"] >= 2022, "projected"].any()
    kept = cohesion(ga, GROUP, start=2016, end=2024, n_draws=50, projected=False)
    assert kept["year"].min() >= 2021 and not kept["projected"].any()


def test_cli_cohesion_shows_thin_projected_and_interval() -> None:
    result = runner.invoke(votes_app, ["cohesion", GROUP, "--from", "2019", "--to", "2024", "--draws", "100"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "thin" in out and "projected" in out and "ai_percentile_lo" in out
    assert "thin years (< 20 roll calls" in out and "2024 (" in out
    assert "projected: 2019-" in out


# -- 8. notebooks ----------------------------------------------------------------------------


def test_lazy_votes_module_lists_its_names() -> None:
    names = dir(comity.votes)
    assert {"alignment", "cohesion", "read_votes", "plot_cohesion", "successor_map"} <= set(names)
    web = importlib.import_module("comity.web")
    assert "create_app" in dir(web)


def test_unfitted_estimators_raise_not_fitted() -> None:
    for estimator in (IdealPoints(), DynamicIdealPoints()):
        with pytest.raises(NotFittedError, match="not fitted"):
            _ = estimator.ideal_points_
        assert not hasattr(estimator, "discrimination_")
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = IdealPoints().nope  # type: ignore[attr-defined]
    with pytest.raises(NotFittedError):
        VotingBlocs().blocs(2000)


def test_store_open_is_read_only_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with pytest.raises(StoreError, match="No comity store"):
        Store.open(path)  # read-only: does not create a file
    Store.open(path, read_only=False).close()
    with Store.open(path) as store:
        assert store.read_only
        with pytest.raises(StoreError, match="read-only"), store.transaction():
            pass


def test_unknown_states_are_named(tmp_path: Path) -> None:
    result = runner.invoke(
        votes_app,
        ["ideal", "--from", "2020", "--to", "2021", "--out", str(tmp_path / "i.csv"), "--plot",
         str(tmp_path / "i.png"), "--states", "USA,FOO,QQQ"],
    )  # fmt: skip
    assert result.exit_code == 2 and "unknown state(s): FOO, QQQ" in result.stderr
    assert not (tmp_path / "i.csv").exists()


def test_out_picks_the_format_by_extension(tmp_path: Path) -> None:
    bad = runner.invoke(
        votes_app, ["agree", "USA", "CHN", "--from", "2020", "--out", str(tmp_path / "x.xlsx")]
    )
    assert bad.exit_code == 2 and "unknown extension .xlsx" in bad.stderr
    for suffix in (".csv", ".parquet", ".dta"):
        target = tmp_path / f"agree{suffix}"
        result = runner.invoke(votes_app, ["agree", "USA", "CHN", "--from", "2020", "--out", str(target)])
        assert result.exit_code == 0, result.output
        back = {
            ".csv": pd.read_csv,
            ".parquet": pd.read_parquet,
            ".dta": pd.read_stata,
        }[suffix](target)
        assert list(back["year"]) == [2020, 2021, 2022, 2023, 2024]
        assert back["thin"].astype(int).tolist()[-1] == 1
        assert np.isclose(back["agree"].iloc[0], back["agree"].iloc[0])


def test_cli_ideal_is_dynamic_by_default(tmp_path: Path) -> None:
    target = tmp_path / "ideal.parquet"
    result = runner.invoke(votes_app, ["ideal", "--from", "2021", "--to", "2024", "--out", str(target)])
    assert result.exit_code == 0, result.output
    table = pd.read_parquet(target)
    usa = table[table["iso3"] == "USA"].set_index("year")["ideal"]
    # One scale for all years: the US does not jump as the per-year fits did (2.70, 3.88, 0.65).
    assert usa.max() - usa.min() < 0.5
    assert table.loc[table["year"] == 2024, "thin"].all()


# -- 7. uncertainty --------------------------------------------------------------------------


def test_agreement_bootstrap_intervals() -> None:
    votes = pd.concat(
        [planted_votes([["A", "B"], ["C"]], n_calls=40, year=y, seed=y) for y in (2000, 2001)],
        ignore_index=True,
    )
    table = alignment(votes, ["A", "B", "C"], metrics=["agree", "kappa"], n_boot=200)
    assert {"agree_lo", "agree_hi", "kappa_lo", "kappa_hi"} <= set(table.columns)
    assert ((table["agree_lo"] <= table["agree"]) & (table["agree"] <= table["agree_hi"])).all()
    ab = table[(table["iso3_a"] == "A") & (table["iso3_b"] == "B")]
    ac = table[(table["iso3_a"] == "A") & (table["iso3_b"] == "C")]
    assert (ab["agree_lo"].to_numpy() > ac["agree_hi"].to_numpy()).all()  # the planted bloc stands out
    one_year = alignment(
        votes[votes["year"] == 2001], ["A", "B", "C"], metrics=["agree", "kappa"], n_boot=200
    )
    pd.testing.assert_frame_equal(one_year, table[table["year"] == 2001].reset_index(drop=True))
    with pytest.raises(BadInput, match="n_boot"):
        alignment(votes, ["A", "B"], n_boot=-1)


def test_ideal_point_parametric_bootstrap() -> None:
    from comity.votes import ideal_points_table

    rng = np.random.default_rng(3)
    truth = {f"S{i:02d}": x for i, x in enumerate(np.linspace(-1.5, 1.5, 30))}
    rows = []
    for year in (2000, 2001):
        for call in range(60):
            beta, cut = rng.normal(0, 1.5), rng.normal(0, 0.7)
            for state, x in truth.items():
                latent = beta * x + rng.standard_normal()
                vote = "yes" if latent < cut else "no"
                rows.append((f"r{year}-{call}", state, vote, year))
    votes = pd.DataFrame(rows, columns=["rcid", "iso3", "vote", "year"])
    table = ideal_points_table(votes, dynamic=True, anchor="S29", n_boot=8, random_state=1)
    assert "se_boot" in table.columns and table["se_boot"].notna().all()
    assert (table["se_boot"] > 0).all()
    # Not conditional on item parameters: on average at least as wide as the Laplace errors.
    assert table["se_boot"].median() >= 0.8 * table["se"].median()
    again = ideal_points_table(votes, dynamic=True, anchor="S29", n_boot=8, random_state=1)
    pd.testing.assert_frame_equal(table, again)
    per_year = ideal_points_table(votes, dynamic=False, anchor="S29", n_boot=4)
    assert per_year["se_boot"].notna().all()
