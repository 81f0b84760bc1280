from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity.store import Store
from comity.votes import load_unvotes
from comity.votes._cli import votes_app

runner = CliRunner()


@pytest.fixture(scope="module")
def small_db(tmp_path_factory: pytest.TempPathFactory, unvotes_slice: Path) -> Path:
    path = tmp_path_factory.mktemp("cli") / "votes.duckdb"
    with Store.open(path, read_only=False) as store:
        load_unvotes(store, unvotes_slice)
    return path


def test_cli_agree_prints_table_and_json(small_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(
        votes_app, ["agree", "USA", "GBR", "FRA", "--source", "unvotes", "--db", str(small_db)]
    )
    assert result.exit_code == 0, result.output
    assert "iso3_a" in result.output and "kappa" in result.output
    result = runner.invoke(
        votes_app,
        [
            "agree",
            "USA",
            "GBR",
            "--by",
            "none",
            "--metric",
            "agree",
            "--json",
            "--source",
            "unvotes",
            "--db",
            str(small_db),
            "--plot",
            str(tmp_path / "x.png"),
        ],
    )
    assert result.exit_code == 2  # --plot needs --by year
    result = runner.invoke(
        votes_app,
        [
            "agree",
            "USA",
            "GBR",
            "--by",
            "none",
            "--metric",
            "agree",
            "--json",
            "--source",
            "unvotes",
            "--db",
            str(small_db),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows[0]["iso3_a"] == "GBR" and rows[0]["iso3_b"] == "USA" and 0 <= rows[0]["agree"] <= 1


def test_cli_agree_plot_and_cohesion(small_db: Path, tmp_path: Path) -> None:
    figure = tmp_path / "agree.svg"
    result = runner.invoke(
        votes_app,
        [
            "agree",
            "USA",
            "GBR",
            "--from",
            "1971",
            "--plot",
            str(figure),
            "--source",
            "unvotes",
            "--db",
            str(small_db),
        ],
    )
    assert result.exit_code == 0, result.output
    assert figure.exists()
    result = runner.invoke(
        votes_app,
        [
            "cohesion",
            "USA",
            "GBR",
            "FRA",
            "CAN",
            "--draws",
            "50",
            "--json",
            "--source",
            "unvotes",
            "--db",
            str(small_db),
        ],
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert [row["year"] for row in payload["years"]] == [1946, 1971]
    assert "bloc_since" in payload


def test_cli_blocs(small_db: Path) -> None:
    result = runner.invoke(
        votes_app, ["blocs", "--year", "1971", "--json", "--source", "unvotes", "--db", str(small_db)]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    members = [state for bloc in payload["blocs"] for state in bloc["members"]]
    assert "USA" in members and len(members) == len(set(members))


def test_cli_errors_are_one_line_and_exit_2(small_db: Path, tmp_path: Path) -> None:
    result = runner.invoke(votes_app, ["agree", "USA", "ZZZ", "--source", "unvotes", "--db", str(small_db)])
    assert result.exit_code == 2
    assert "unknown state(s): ZZZ" in result.stderr and "Traceback" not in result.output
    result = runner.invoke(
        votes_app, ["blocs", "--year", "1800", "--source", "unvotes", "--db", str(small_db)]
    )
    assert result.exit_code == 2 and "'--year'" in result.output  # bounded as in the API
    result = runner.invoke(votes_app, ["agree", "USA", "GBR", "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code == 2 and "no store" in result.stderr


def test_cli_load_undl_csv_into_store(tmp_path: Path) -> None:
    csv = tmp_path / "ga.csv"
    csv.write_text(
        "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,"
        "agenda_title,subjects,vote_note,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link\n"
        "9,USA,UNITED STATES,Y,2024-12-01,79,A/RES/79/1,,,,T,,,,1,0,0,0,1,\n"
        "9,CHN,CHINA,N,2024-12-01,79,A/RES/79/1,,,,T,,,,1,0,0,0,1,\n",
        encoding="utf-8",
    )
    db = tmp_path / "store.duckdb"
    result = runner.invoke(votes_app, ["load", "--undl-csv", str(csv), "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["loaded"] == {"undl_csv": {"roll_calls": 1, "votes": 2}}
    bad = tmp_path / "bad.csv"
    bad.write_text(csv.read_text(encoding="utf-8").replace(",N,", ",Z,"), encoding="utf-8")
    result = runner.invoke(votes_app, ["load", "--undl-csv", str(bad), "--db", str(db)])
    assert result.exit_code == 2 and "line 3" in result.stderr and "bad ms_vote" in result.stderr
    with Store.open(db, read_only=True) as store:
        assert store.count("votes") == 2
