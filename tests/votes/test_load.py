from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from comity.errors import BadInput, LoadError
from comity.store import Store
from comity.votes import (
    load_undl_csv,
    load_undl_resolutions,
    load_unvotes,
    load_unvotes_2020,
    load_vetoes,
    read_repeated_roll_calls,
    read_undl_resolutions,
    read_unvotes,
    read_unvotes_2020,
    read_vetoes,
    read_votes,
)


def _snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {
        table: store.query(f"SELECT * FROM {table}").sort_values(by=key).reset_index(drop=True)
        for table, key in (
            ("roll_calls", ["rcid"]),
            ("votes", ["rcid", "iso3"]),
            ("vetoes", ["source_ref", "iso3"]),
        )
    }


def _copy(source: Path, target: Path) -> Path:
    shutil.copytree(source, target)
    return target


# --------------------------------------------------------------------------- unvotes


def test_load_unvotes_maps_seats_and_reload_changes_nothing(store: Store, unvotes_slice: Path) -> None:
    counts = load_unvotes(store, unvotes_slice)
    assert counts["roll_calls"] == 146
    before = _snapshot(store)
    load_unvotes(store, unvotes_slice)
    after = _snapshot(store)
    for table in before:
        pd.testing.assert_frame_equal(before[table], after[table])
    seats = store.query(
        "SELECT v.iso3, min(r.date) AS first, max(r.date) AS last "
        "FROM votes v JOIN roll_calls r USING (rcid) "
        "WHERE v.iso3 IN ('CHN', 'TWN', 'RUS', 'SUN') GROUP BY 1"
    ).set_index("iso3")
    # The Chinese seat is Taiwan's until 25 October 1971, the PRC's after; the USSR's votes, filed
    # as Russia's by unvotes, stay the USSR's (Russia continues its seat only from 1991-12-24).
    assert str(seats.loc["TWN", "last"]) < "1971-10-25" <= str(seats.loc["CHN", "first"])
    assert "RUS" not in seats.index and str(seats.loc["SUN", "first"]).startswith("1946")
    sample = store.query("SELECT * FROM roll_calls WHERE rcid = 'unvotes:3'").iloc[0]
    assert sample["body"] == "GA" and sample["year"] == 1946 and sample["source_id"] == "unvotes"
    assert sample["source_ref"] == "roll_calls.parquet row 1"


def test_load_unvotes_rejects_bad_vote_whole(store: Store, unvotes_slice: Path, tmp_path: Path) -> None:
    folder = _copy(unvotes_slice, tmp_path / "bad")
    votes = pd.read_parquet(folder / "votes.parquet")
    votes.loc[41, "vote"] = "maybe"
    votes.to_parquet(folder / "votes.parquet", index=False)
    with pytest.raises(LoadError, match="bad vote") as caught:
        load_unvotes(store, folder)
    assert caught.value.line == 42 and "'maybe'" in str(caught.value)
    assert store.count("votes") == 0 and store.count("roll_calls") == 0


def test_load_unvotes_reports_unknown_states_with_rows(
    store: Store, unvotes_slice: Path, tmp_path: Path
) -> None:
    folder = _copy(unvotes_slice, tmp_path / "atlantis")
    votes = pd.read_parquet(folder / "votes.parquet")
    votes.loc[[4, 9], "country"] = "Atlantis"
    votes.loc[12, "country"] = "Lilliput"
    votes.to_parquet(folder / "votes.parquet", index=False)
    with pytest.raises(LoadError, match="2 unknown state name") as caught:
        load_unvotes(store, folder)
    message = str(caught.value)
    assert "'Atlantis' (rows 5, 10)" in message and "'Lilliput' (rows 13)" in message
    assert caught.value.line == 5
    assert store.count("votes") == 0


def test_load_unvotes_rejects_missing_column_and_bad_date(
    store: Store, unvotes_slice: Path, tmp_path: Path
) -> None:
    folder = _copy(unvotes_slice, tmp_path / "nodate")
    calls = pd.read_parquet(folder / "roll_calls.parquet")
    calls.drop(columns=["descr"]).to_parquet(folder / "roll_calls.parquet", index=False)
    with pytest.raises(LoadError, match="missing column.*descr"):
        load_unvotes(store, folder)
    calls["date"] = calls["date"].astype(str)
    calls.loc[3, "date"] = "1946-02-30"
    calls.to_parquet(folder / "roll_calls.parquet", index=False)
    with pytest.raises(LoadError, match="bad date '1946-02-30'") as caught:
        load_unvotes(store, folder)
    assert caught.value.line == 4
    assert store.count("roll_calls") == 0


def test_failed_reload_keeps_the_earlier_load(store: Store, unvotes_slice: Path, tmp_path: Path) -> None:
    load_unvotes(store, unvotes_slice)
    before = _snapshot(store)
    folder = _copy(unvotes_slice, tmp_path / "broken")
    votes = pd.read_parquet(folder / "votes.parquet")
    votes.loc[len(votes) - 1, "vote"] = "?"
    votes.to_parquet(folder / "votes.parquet", index=False)
    with pytest.raises(LoadError):
        load_unvotes(store, folder)
    pd.testing.assert_frame_equal(before["votes"], _snapshot(store)["votes"])


# --------------------------------------------------------------------------- 2020-2024


def test_load_unvotes_2020_keys_by_rcid_and_date(
    store: Store, unvotes_slice: Path, unvotes_2020_folder: Path
) -> None:
    load_unvotes(store, unvotes_slice)
    load_unvotes_2020(store, unvotes_2020_folder)
    clash = store.query("SELECT rcid FROM roll_calls WHERE rcid LIKE 'unvotes2020:411-%'")
    assert clash["rcid"].tolist() == [
        "unvotes2020:411-2023-12-04"
    ]  # rcid 411 of the file is dated 2023-12-04
    counts = store.query("SELECT vote, count(*) AS n FROM votes WHERE source_id = 'unvotes2020' GROUP BY 1")
    counts = counts.set_index("vote")["n"].to_dict()
    # not_member rows (391 in the file, all of Taiwan's among them) are not votes; absences are kept.
    assert counts == {"yes": 49118, "abstain": 7144, "absent": 6081, "no": 4972}
    assert (
        store.query("SELECT count(*) AS n FROM votes WHERE iso3 = 'TWN' AND source_id = 'unvotes2020'")["n"][
            0
        ]
        == 0
    )


# --------------------------------------------------------------------------- UN Digital Library scrape

_UNDL_HEADER = (
    "Council,Date,Title,Resolution,TOTAL VOTES,NO-VOTE COUNT,ABSENT COUNT,NO COUNT,YES COUNT,Link,"
    "token,UNITED STATES,CHINA,USSR,RUSSIAN FEDERATION,SWAZILAND,ESWATINI"
)


def _undl_zip(path: Path, lines: list[str]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("UN DATA.csv", "\ufeff" + "\n".join([_UNDL_HEADER, *lines]) + "\n")
    return path


def test_load_undl_resolutions_maps_capital_names_and_seats(store: Store, tmp_path: Path) -> None:
    path = _undl_zip(
        tmp_path / "undl.zip",
        [
            "General Assembly,1950-12-01,T1,A/RES/400(V),3,0,0,1,2,l,100,Y,N,Y,,,A",
            "Security Council,1990-05-02,T2,S/RES/650(1990),3,0,0,0,2,l,101,Y,Y,A,,,",
            "General Assembly,2015-10-01,T3,A/RES/70/1,3,0,0,0,3,l,102,X,Y,,Y,Y,Y",
            "General Assembly,2011,T4,A/RES/66/230,1,0,0,0,1,l,103,Y,,,,,",
        ],
    )
    counts = load_undl_resolutions(store, path)
    assert counts == {"roll_calls": 4, "votes": 12}  # 4 + 3 + (5 - 1 merged) + 1
    votes = store.query("SELECT rcid, iso3, vote FROM votes ORDER BY rcid, iso3")
    got = {(r.rcid, r.iso3): r.vote for r in votes.itertuples()}
    # 1950: China's seat is Taiwan's and the vote under Russia's column the USSR's; Y/N/A/X ->
    # yes/no/abstain/non_voting.
    assert got[("undl:100", "TWN")] == "no" and got[("undl:100", "SUN")] == "yes"
    assert got[("undl:100", "SWZ")] == "abstain"
    assert got[("undl:101", "CHN")] == "yes" and got[("undl:102", "USA")] == "non_voting"
    # SWAZILAND and ESWATINI are one state: the two equal cells become one vote.
    assert sum(1 for key in got if key == ("undl:102", "SWZ")) == 1
    calls = store.query("SELECT rcid, body, date, year FROM roll_calls ORDER BY rcid").set_index("rcid")
    assert calls.loc["undl:101", "body"] == "SC"
    assert pd.isna(calls.loc["undl:103", "date"]) and calls.loc["undl:103", "year"] == 2011
    load_undl_resolutions(store, path)
    assert store.count("votes") == 12


def test_load_undl_resolutions_rejects_bad_cells_and_unknown_names(store: Store, tmp_path: Path) -> None:
    bad_vote = _undl_zip(
        tmp_path / "bad.zip",
        [
            "General Assembly,1950-12-01,T1,A/RES/400(V),3,0,0,1,2,l,100,Y,N,Y,,,",
            "General Assembly,1950-12-02,T2,A/RES/401(V),3,0,0,1,2,l,101,Y,Q,Y,,,",
        ],
    )
    with pytest.raises(LoadError, match="bad vote 'Q' in column 'CHINA'") as caught:
        load_undl_resolutions(store, bad_vote)
    assert caught.value.line == 3
    conflict = _undl_zip(
        tmp_path / "conflict.zip",
        [
            "General Assembly,2015-10-01,T3,A/RES/70/1,3,0,0,0,3,l,102,Y,Y,,Y,Y,N",
        ],
    )
    with pytest.raises(LoadError, match="different votes"):
        load_undl_resolutions(store, conflict)
    # The file's own totals must match the votes read: here a yes went missing.
    short_row = "General Assembly,1950-12-01,T1,A/RES/400(V),3,0,0,1,3,l,100,Y,N,Y,,,"
    short = _undl_zip(tmp_path / "short.zip", [short_row])
    with pytest.raises(LoadError, match="YES COUNT says 3 but the state columns hold 2") as caught:
        load_undl_resolutions(store, short)
    assert caught.value.line == 2
    unknown = tmp_path / "unknown.zip"
    with zipfile.ZipFile(unknown, "w") as archive:
        archive.writestr(
            "UN DATA.csv",
            "Council,Date,Title,Resolution,Link,token,ATLANTIS,CHINA\n"
            "General Assembly,1980-01-01,T,A/RES/1,l,1,Y,Y\n",
        )
    with pytest.raises(LoadError, match=r"unknown state name.*'ATLANTIS' \(lines 2\)"):
        load_undl_resolutions(store, unknown)
    assert store.count("votes") == 0 and store.count("roll_calls") == 0


# --------------------------------------------------------------------------- UN Digital Library bulk CSV

_BULK_HEADER = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,"
    "agenda_title,subjects,vote_note,total_yes,total_no,total_abstentions,total_non_voting,total_ms,"
    "undl_link"
)


def _bulk(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([_BULK_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def _bulk_row(
    undl_id: str, code: str, name: str, vote: str, date: str = "2024-12-17", resolution: str = "A/RES/79/200"
) -> str:
    return (
        f"{undl_id},{code},{name},{vote},{date},79,{resolution},A/79/L.1,,A/79/PV.50,Some title,"
        f"Agenda,Subjects,,150,5,10,28,193,https://digitallibrary.un.org/record/{undl_id}"
    )


def test_load_undl_csv_reads_codes_and_vote_values(store: Store, tmp_path: Path) -> None:
    path = _bulk(
        tmp_path / "ga.csv",
        [
            _bulk_row("4070001", "USA", "UNITED STATES", "N"),
            _bulk_row("4070001", "CHN", "CHINA", "Y"),
            _bulk_row("4070001", "RUS", "RUSSIAN FEDERATION", "A"),
            _bulk_row("4070001", "VEN", "VENEZUELA", "NV", date="2024-12-17T00:00:00"),
            _bulk_row("4070002", "USA", "UNITED STATES", "Y", resolution="S/RES/2760(2024)"),
            _bulk_row("4070002", "", "CHINA", "X", resolution="S/RES/2760(2024)"),
        ],
    )
    assert load_undl_csv(store, path) == {"roll_calls": 2, "votes": 6}
    votes = store.query("SELECT rcid, iso3, vote, source_ref FROM votes ORDER BY rcid, iso3")
    assert votes["vote"].tolist() == ["yes", "abstain", "no", "non_voting", "non_voting", "yes"]
    assert votes["source_ref"].iloc[0] == "ga.csv line 3"
    calls = store.query("SELECT rcid, body, session, year FROM roll_calls ORDER BY rcid")
    assert calls.values.tolist() == [
        ["undl_csv:4070001", "GA", 79, 2024],
        ["undl_csv:4070002", "SC", 79, 2024],
    ]
    load_undl_csv(store, path)
    assert store.count("votes") == 6


def test_load_undl_csv_rejects_malformed_files_whole(store: Store, tmp_path: Path) -> None:
    bad_vote = _bulk(
        tmp_path / "a.csv",
        [_bulk_row("1", "USA", "UNITED STATES", "Y"), _bulk_row("1", "CHN", "CHINA", "MAYBE")],
    )
    with pytest.raises(LoadError, match="bad ms_vote") as caught:
        load_undl_csv(store, bad_vote)
    assert caught.value.line == 3
    bad_code = _bulk(tmp_path / "b.csv", [_bulk_row("1", "XYZ", "NOWHERE", "Y")])
    with pytest.raises(LoadError, match="unknown state code.*'XYZ' \\(rows 2\\)"):
        load_undl_csv(store, bad_code)
    bad_date = _bulk(tmp_path / "c.csv", [_bulk_row("1", "USA", "UNITED STATES", "Y", date="17/12/2024")])
    with pytest.raises(LoadError, match="bad date"):
        load_undl_csv(store, bad_date)
    no_columns = tmp_path / "d.csv"
    no_columns.write_text("undl_id,ms_code\n1,USA\n", encoding="utf-8")
    with pytest.raises(LoadError, match="missing column") as caught:
        load_undl_csv(store, no_columns)
    assert caught.value.line == 1
    assert store.count("votes") == 0


#: The Security Council file's layout (data dictionary of record 4055387, July 2025): no session,
#: ``description`` for the title, ``agenda``, ``permanent_member`` and ``modality``.
_SC_HEADER = (
    "undl_id,ms_code,ms_name,permanent_member,ms_vote,date,resolution,draft,meeting,description,agenda,"
    "subjects,vote_note,modality,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link"
)


def _sc_row(code: str, name: str, permanent: str, vote: str) -> str:
    return (
        f"4090001,{code},{name},{permanent},{vote},2025-03-17,S/RES/2900(2025),S/2025/100,S/PV.9900,"
        "Resolution 2900 (2025) on a made-up question,Agenda of the made-up question,,,Voting,"
        "2,0,1,0,15,https://digitallibrary.un.org/record/4090001"
    )


def _sc_file(path: Path) -> Path:
    rows = [
        _sc_row("USA", "UNITED STATES", "True", "Y"),
        _sc_row("CHN", "CHINA", "True", "A"),
        _sc_row("GUY", "GUYANA", "False", "Y"),
    ]
    path.write_text("\n".join([_SC_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_load_undl_csv_reads_the_security_council_layout(store: Store, tmp_path: Path) -> None:
    path = _sc_file(tmp_path / "sc.csv")
    assert load_undl_csv(store, path, source_id="undl_sc") == {"roll_calls": 1, "votes": 3}
    call = store.query("SELECT rcid, body, session, year, title, description FROM roll_calls").iloc[0]
    assert (call["rcid"], call["body"], call["year"]) == ("undl_sc:4090001", "SC", 2025)
    assert call["session"] is pd.NA or pd.isna(call["session"])
    assert call["title"].startswith("Resolution 2900") and call["description"].startswith("Agenda")
    votes = store.query("SELECT iso3, vote FROM votes ORDER BY iso3").values.tolist()
    assert votes == [["CHN", "abstain"], ["GUY", "yes"], ["USA", "yes"]]


def test_cli_votes_load_dataset_fetches_the_file_from_a_mirror(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from comity.cli import app
    from comity.data._manifest import entry

    mirror = tmp_path / "mirror"
    target = mirror / entry("undl_sc").mirror
    target.parent.mkdir(parents=True)
    _sc_file(target)
    monkeypatch.setenv("COMITY_DATA", str(mirror))
    db = tmp_path / "votes.duckdb"
    result = CliRunner().invoke(app, ["votes", "load", "--dataset", "undl-sc", "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["loaded"] == {"undl_sc": {"roll_calls": 1, "votes": 3}}
    bad = CliRunner().invoke(app, ["votes", "load", "--dataset", "unvotes", "--db", str(db)])
    assert bad.exit_code == 2 and "undl-ga or undl-sc" in bad.output


# --------------------------------------------------------------------------- vetoes

_VETO_HEADER = (
    "year,date,month,draft,meeting_record,agenda_item,crisis_topic,region,member_veto1,member_veto2,"
    "member_veto3,single_veto,multiple_vetoes,China,France,Russia,USSR,USA,UK"
)


def test_load_vetoes_one_row_per_vetoing_member(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "vetoes.csv"
    path.write_text(
        "\n".join(
            [
                _VETO_HEADER,
                "1955,12/13/1955,12,S/3502,S/PV.705,Admission of new members,x,y,China,,,1,0,1,0,0,0,0,0",
                "1976,10/19/1976,10,S/12211,S/PV.1963,Namibia,x,y,France,UK,USA,0,0,0,0,0,0,1,1",
                "2022,9/30/2022,9,S/2022/720,S/PV.9143,Ukraine,x,y,Russia,,,1,0,0,0,2,0,0,0",
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    assert load_vetoes(store, path) == {"vetoes": 5}
    rows = store.query("SELECT draft, iso3, n_vetoes, year FROM vetoes ORDER BY draft, iso3")
    got = {(r.draft, r.iso3): r.n_vetoes for r in rows.itertuples()}
    # 1955: China's seat was the Republic of China's; France is named in member_veto1 but its count is 0.
    assert got == {
        ("S/3502", "TWN"): 1,
        ("S/12211", "FRA"): 1,
        ("S/12211", "GBR"): 1,
        ("S/12211", "USA"): 1,
        ("S/2022/720", "RUS"): 2,
    }
    load_vetoes(store, path)
    assert store.count("vetoes") == 5
    path.write_text(
        _VETO_HEADER + "\n1950,2/30/1950,2,S/1,S/PV.1,x,x,y,USSR,,,1,0,0,0,0,1,0,0\n", encoding="utf-8"
    )
    with pytest.raises(LoadError, match="bad date") as caught:
        load_vetoes(store, path)
    assert caught.value.line == 2 and store.count("vetoes") == 5


# --------------------------------------------------------------------------- the upstream files


@pytest.fixture(scope="module")
def shipped_votes(data_mirror: Path) -> pd.DataFrame:
    return read_votes()


def test_shipped_votes_follow_the_seat_convention(shipped_votes: pd.DataFrame) -> None:
    years = shipped_votes.groupby("iso3")["year"].agg(["min", "max"])
    assert years.loc["TWN", "max"] == 1971 and years.loc["CHN", "min"] == 1971
    china = shipped_votes[shipped_votes["iso3"].isin(["CHN", "TWN"])]
    assert (china.loc[china["iso3"] == "TWN", "date"].astype(str) < "1971-10-25").all()
    assert (china.loc[china["iso3"] == "CHN", "date"].astype(str) >= "1971-10-25").all()
    # Each vote is the state's that cast it, by the registry's dated successions.
    assert years.loc["SUN", "max"] == 1991 and years.loc["RUS", "min"] == 1992
    assert years.loc["DEU", "min"] == 1973 and years.loc["DDR", "max"] <= 1990
    assert years.loc["YUG", "max"] == 1992 and years.loc["SCG", "min"] == 2000
    assert years.loc["SCG", "max"] == 2006 and years.loc["SRB", "min"] == 2006
    assert years.loc["YAR", "max"] <= 1990 and years.loc["YEM", "min"] == 1990
    for historical in ("YAR", "YMD", "CSK", "ZAN"):
        assert historical in years.index
    assert years["max"].max() == 2024 and shipped_votes["year"].min() == 1946
    assert not shipped_votes.duplicated(["rcid", "iso3"]).any()


def test_shipped_undl_and_vetoes_parse(data_mirror: Path) -> None:
    tables = read_undl_resolutions()
    assert len(tables.roll_calls) == 7855
    assert set(tables.roll_calls["body"]) == {"GA", "SC"}
    assert set(tables.votes["vote"]) == {"yes", "no", "abstain", "non_voting"}
    vetoes = read_vetoes()
    assert set(vetoes["iso3"]) <= {"SUN", "RUS", "USA", "GBR", "FRA", "CHN", "TWN"}
    assert vetoes.loc[vetoes["iso3"] == "SUN", "year"].max() <= 1991
    assert vetoes.loc[vetoes["iso3"] == "RUS", "year"].min() >= 1992
    assert vetoes["year"].between(1946, 2022).all()


def test_read_unvotes_of_missing_folder_is_a_load_error(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match="file not found"):
        read_unvotes(tmp_path)


def test_read_votes_prefers_the_store(store: Store, unvotes_slice: Path) -> None:
    load_unvotes(store, unvotes_slice)
    from_store = read_votes(store, ["unvotes"])
    assert from_store["year"].between(1946, 1971).all()
    assert set(from_store.columns) >= {"rcid", "iso3", "vote", "year", "issues", "body"}
    assert len(from_store) == len(pd.read_parquet(io.BytesIO((unvotes_slice / "votes.parquet").read_bytes())))


def test_load_all_skips_unchanged_sources(
    store: Store, monkeypatch: pytest.MonkeyPatch, data_mirror: Path
) -> None:
    from comity.votes import _load

    calls: list[str] = []

    def fake(source: str) -> object:
        def loader(target: Store) -> dict[str, int]:
            calls.append(source)
            return {"votes": 0}

        return loader

    for name in ("load_unvotes", "load_unvotes_2020", "load_undl_resolutions", "load_vetoes"):
        monkeypatch.setattr(_load, name, fake(name))
    _load.load_all(store)
    assert len(calls) == 4
    report = _load.load_all(store)
    assert len(calls) == 4 and report["unvotes"] == {"roll_calls": 0, "votes": 0}
    _load.load_all(store, force=True)
    assert len(calls) == 8


def test_repeated_roll_calls_name_shipped_roll_calls(data_mirror: Path) -> None:
    pairs = read_repeated_roll_calls(found=False)
    assert len(pairs) == 955 and set(pairs["source"]) == {"bsv"}
    rcids = set(read_unvotes().roll_calls["rcid"])
    assert pairs["rcid1"].isin(rcids).mean() > 0.99 and pairs["rcid2"].isin(rcids).mean() > 0.99


def test_read_votes_fills_sources_the_store_lacks(
    store: Store, unvotes_slice: Path, data_mirror: Path
) -> None:
    load_unvotes(store, unvotes_slice)
    votes = read_votes(store)
    # The store holds two sessions of unvotes only; 2020-2024 come from the upstream file.
    assert set(votes["source_id"]) == {"unvotes", "unvotes2020"}
    assert votes.loc[votes["source_id"] == "unvotes", "year"].max() < 1975
    assert votes["year"].max() >= 2023


def test_read_votes_rejects_an_unknown_body() -> None:
    with pytest.raises(BadInput, match="unknown body"):
        read_votes(body="ECOSOC")


def test_read_unvotes_reads_the_r_files_without_the_2020_roll_call(data_mirror: Path) -> None:
    tables = read_unvotes()
    assert len(tables.roll_calls) == 6_202 and len(tables.votes) == 869_937
    assert "unvotes:9079" not in set(tables.roll_calls["rcid"])
    assert tables.roll_calls["source_ref"].iloc[0] == "un_roll_calls.rda row 1"
    assert tables.votes["source_ref"].str.startswith("un_votes.rda row ").all()


def test_read_unvotes_2020_melts_the_wide_file(data_mirror: Path) -> None:
    tables = read_unvotes_2020()
    assert len(tables.roll_calls) == 349 and len(tables.votes) == 67_315
    first = tables.votes.iloc[0]
    assert first["rcid"] == "unvotes2020:9079-2020-01-14"
    assert first["source_ref"] == "ungaVoting_003.csv line 6204 column AFG"


def test_a_malformed_wide_file_is_rejected_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "rcid,date,me,nu,di,hr,co,ec,AFG,AGO\n"
        "1,1946-01-01,FALSE,FALSE,FALSE,FALSE,FALSE,FALSE,9,9\n"
        "2,2021-03-02,TRUE,FALSE,FALSE,FALSE,FALSE,FALSE,1,7\n",
        encoding="utf-8",
    )
    with pytest.raises(LoadError, match="bad vote code '7' in column 'AGO'") as info:
        read_unvotes_2020(path)
    assert info.value.line == 3
    path.write_text("rcid,when\n1,2020-01-01\n", encoding="utf-8")
    with pytest.raises(LoadError, match="missing column"):
        read_unvotes_2020(path)


def test_a_damaged_r_file_is_a_load_error(tmp_path: Path) -> None:
    for name in ("un_votes.rda", "un_roll_calls.rda", "un_roll_call_issues.rda"):
        (tmp_path / name).write_bytes(b"RDX3\nnot really R data")
    with pytest.raises(LoadError, match="not a readable R data file"):
        read_unvotes(tmp_path)
