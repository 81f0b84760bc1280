"""The whole store built from the upstream files (the shared mirror), and built with none of them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity import Store, build_store
from comity._build import PARTS, store_parts
from comity.cli import app

runner = CliRunner()

#: What the store held when it was built from the files once shipped in the package (counted with
#: scripts/store_summary.py before they were removed); built from the upstream files, it holds the same.
#: The Security Council comes from the DPPA tables (1946-2027), no longer the elected-members list.
EXPECTED_BY_SOURCE = {
    ("roll_calls", "unvotes"): 6_202,
    ("roll_calls", "unvotes2020"): 349,
    ("roll_calls", "undl"): 7_855,
    ("votes", "unvotes"): 869_937,
    ("votes", "unvotes2020"): 67_315,
    ("votes", "undl"): 897_663,
    ("vetoes", "unsc_vetoes"): 265,
    ("memberships", "cow_igo"): 18_833,
    ("memberships", "dppa_sc_membership_2023"): 368,
    ("memberships", "dppa_sc_membership_2025_2027"): 20,
    ("memberships", "paris_entry_into_force"): 388,
    ("memberships", "unfccc_parties"): 197,
    ("memberships", "un_regional_groups"): 194,
    ("organisations", "cow_igo"): 470,
}
TABLES = ("states", "organisations", "aliases", "memberships", "roll_calls", "votes", "vetoes")


def _by_source(store: Store) -> dict[tuple[str, str], int]:
    out = {}
    for table in {t for t, _ in EXPECTED_BY_SOURCE}:
        for source, n in store.con.execute(f"SELECT source_id, count(*) FROM {table} GROUP BY 1").fetchall():
            out[(table, str(source))] = int(n)
    return out


@pytest.mark.slow
def test_store_from_the_mirror_has_todays_counts_and_builds_twice_to_no_change(
    tmp_path: Path, data_mirror: Path
) -> None:
    path = tmp_path / "full.duckdb"
    lines: list[str] = []
    with Store.open(path, read_only=False) as store:
        result = build_store(store, progress=lines.append, data_dir=data_mirror)
        by_source = _by_source(store)
        counts = {t: store.count(t) for t in TABLES}
        loads = store.query("SELECT name, sha256, loaded_at FROM loads ORDER BY name")
        parts = store_parts(store)
    assert result.complete and result.missing == {}
    assert {k: by_source.get(k) for k in EXPECTED_BY_SOURCE} == EXPECTED_BY_SOURCE
    assert counts["votes"] == 1_834_915 and counts["roll_calls"] == 14_406 and counts["vetoes"] == 265
    # rcid 9079 (A/RES/74/267, 2020) is in both upstream files; it is stored once, from the 2020 data.
    with Store.open(path, read_only=True) as store:
        rows = store.con.execute("SELECT rcid FROM roll_calls WHERE rcid LIKE 'unvotes%:9079%'").fetchall()
    assert rows == [("unvotes2020:9079-2020-01-14",)]
    assert all(info["built"] for info in parts.values()) and set(parts) == set(PARTS)
    assert not any(line.startswith("not built") for line in lines)
    with Store.open(path, read_only=False) as store:
        again = build_store(store, data_dir=data_mirror)
        assert {t: store.count(t) for t in TABLES} == counts
        assert store.query("SELECT name, sha256, loaded_at FROM loads ORDER BY name").equals(loads)
    assert again.counts["votes:unvotes"] == {"roll_calls": 6_202, "votes": 869_937}


def test_without_network_or_mirror_the_registry_is_built_and_the_rest_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-mirror"
    empty.mkdir()
    monkeypatch.setenv("COMITY_DATA", str(empty))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    db = tmp_path / "offline.duckdb"

    built = runner.invoke(app, ["build", "--db", str(db)])
    assert built.exit_code == 0, built.output
    assert "registry built:" in built.output and "without registry:cow, registry:unsc" in built.output
    for part in ("registry:cow", "registry:unsc", "votes:unvotes", "votes:unvotes2020", "votes:undl"):
        assert f"not built: {part}" in built.output
    assert "comity data fetch" in built.output and "COMITY_DATA" in built.output

    members = runner.invoke(
        app, ["members", "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", "--on", "founding", "--db", str(db)]
    )
    assert members.exit_code == 0, members.output
    assert "VEN" in members.output and "RUS" in members.output

    status = runner.invoke(app, ["status", "--db", str(db), "--json"])
    assert status.exit_code == 0, status.output
    parts = json.loads(status.output)["parts"]
    assert parts["registry"]["built"] is True
    assert {p for p, info in parts.items() if not info["built"]} == set(PARTS) - {"registry"}

    strict = runner.invoke(app, ["build", "--db", str(db), "--require-all"])
    assert strict.exit_code == 3, strict.output


def test_status_of_a_missing_store_is_a_clear_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["status", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "comity build" in result.output and "Traceback" not in result.output
