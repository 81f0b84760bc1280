"""`comity panel` and comity.panel: codes, memberships, votes; CSV, Parquet and Stata files."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
from typer.testing import CliRunner

import comity
from comity._panel import cow_code, gw_code
from comity.cli import app
from comity.errors import BadInput

runner = CliRunner()


def test_state_year_panel_has_codes_memberships_and_votes() -> None:
    table = comity.panel("state-year", 1989, 1991, ["NATO"], ideal=False)
    by = table.set_index(["iso3", "year"])
    assert by.loc[("SUN", 1990), "unsc_permanent"] and by.loc[("SUN", 1990), "cow_code"] == 365
    assert by.loc[("DEU", 1989), "cow_code"] == 260 and by.loc[("DEU", 1991), "cow_code"] == 255
    assert by.loc[("DEU", 1991), "gw_code"] == 260 and by.loc[("DDR", 1989), "gw_code"] == 265
    assert by.loc[("USA", 1990), "member_nato"] and not by.loc[("SUN", 1990), "member_nato"]
    assert int(table.loc[table["year"] == 1990, "unsc_member"].sum()) == 15
    assert (table.groupby("year")["iso3"].nunique() > 150).all()
    assert "RUS" not in set(table.loc[table["year"] == 1990, "iso3"])
    with pytest.raises(BadInput, match="unknown panel unit"):
        comity.panel("state-month", 2000, 2001)  # type: ignore[arg-type]
    with pytest.raises(BadInput, match="ends before"):
        comity.panel("state-year", 2001, 2000)


def test_gleditsch_ward_rules() -> None:
    import datetime as dt

    day = dt.date(2010, 7, 1)
    assert [gw_code(c, day) for c in ("USA", "YEM", "SRB", "RUS", "CZE")] == [2, 678, 340, 365, 316]
    assert cow_code("YEM", day) == 679 and cow_code("SRB", day) == 345 and cow_code("ZZZ", day) is None


@pytest.mark.slow
def test_cli_dyad_year_panel_reads_back_as_stata(tmp_path: Path) -> None:
    target = tmp_path / "p.dta"
    result = runner.invoke(
        app, ["panel", "--unit", "dyad-year", "--from", "2000", "--to", "2024", "--out", str(target)]
    )
    assert result.exit_code == 0, result.output
    frame, meta = pyreadstat.read_dta(str(target))
    assert len(frame) > 400_000 and frame["year"].min() == 2000 and frame["year"].max() == 2024
    for column in ("iso3_a", "iso3_b", "cow_code_a", "gw_code_b", "agree", "ideal_distance", "thin"):
        assert column in meta.column_names
    usa_chn = frame[(frame["iso3_a"] == "CHN") & (frame["iso3_b"] == "USA")].set_index("year")
    assert 0 < usa_chn.loc[2015, "agree"] < 0.5 and usa_chn.loc[2015, "ideal_distance"] > 1
    assert set(frame["thin"].unique()) <= {0, 1}
    assert (frame["iso3_a"] < frame["iso3_b"]).all()
    back = pd.read_stata(target)
    assert list(back.columns) == meta.column_names


def test_cli_panel_rejects_unknown_extension_and_body(tmp_path: Path) -> None:
    result = runner.invoke(app, ["panel", "--out", str(tmp_path / "p.xlsx")])
    assert result.exit_code == 2 and "unknown extension .xlsx" in result.stderr
    result = runner.invoke(
        app, ["panel", "--from", "2020", "--bodies", "NOSUCHBODY", "--out", str(tmp_path / "p.csv")]
    )
    assert result.exit_code == 2 and "NOSUCHBODY" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "p.csv").exists()
