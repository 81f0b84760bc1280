"""A store whose registry was built from other data is reloaded on opening, or says it is old."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

import comity.registry._build as registry_build
from comity.cli import app
from comity.registry import build_registry, data_dir, registry_freshness
from comity.store import Store

runner = CliRunner()


def _moved_brics_entry(tmp_path: Path) -> Path:
    """A copy of the hand data in which South Africa joins BRICS at its first summit, 2011-04-14."""
    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    for name in ("memberships.csv", "membership_events.csv"):
        path = folder / name
        text = path.read_text(encoding="utf-8")
        row = next(line for line in text.splitlines() if line.startswith("ZAF,BRICS,"))
        path.write_text(text.replace(row, row.replace("2010-12-24", "2011-04-14")), encoding="utf-8")
    return folder


def _brics_on(db: Path, day: str) -> tuple[set[str], str]:
    result = runner.invoke(app, ["members", "BRICS", "--on", day, "--db", str(db), "--json"])
    assert result.exit_code == 0, result.output
    return {row["actor_id"] for row in json.loads(result.stdout)["members"]}, result.stderr


def test_a_fresh_build_is_current(db_copy: Path) -> None:
    with Store.open(db_copy) as store:
        assert registry_freshness(store).current


def test_changed_hand_data_is_reloaded_on_open_and_the_rest_kept(
    db_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_copy, read_only=False) as store:
        store.con.execute("INSERT INTO vote_years VALUES (1999, 7)")
        store.con.execute(
            "INSERT INTO materialised VALUES ('vote_years', 'v0', '{}', 1, 0.1, current_timestamp, NULL)"
        )
    members, _ = _brics_on(db_copy, "2011-01-01")
    assert "ZAF" in members

    folder = _moved_brics_entry(tmp_path)
    monkeypatch.setattr(registry_build, "data_dir", lambda: folder)
    with Store.open(db_copy) as store:
        freshness = registry_freshness(store)
    assert not freshness.current and freshness.changed == ("the registry's data files",)
    assert freshness.rebuildable

    status = runner.invoke(app, ["status", "--db", str(db_copy)])
    assert (
        status.exit_code == 0
        and "registry: built before a change of the registry's data files" in status.stdout
    )
    status = runner.invoke(app, ["status", "--db", str(db_copy), "--json"])
    assert json.loads(status.stdout)["registry"]["current"] is False

    members, err = _brics_on(db_copy, "2011-01-01")
    assert "ZAF" not in members and {"BRA", "RUS", "IND", "CHN"} <= members
    assert "reloading the registry" in err
    # results the build stored from the old registry: the user is told how to compute them again
    assert f"run `comity build --db {db_copy}`" in err
    with Store.open(db_copy) as store:
        assert registry_freshness(store).current
        # votes, news and the rest of the store are not the registry's: they stay
        assert store.query("SELECT * FROM vote_years").to_dict("records") == [
            {"year": 1999, "n_roll_calls": 7}
        ]
    # the next command finds the store current and says nothing
    members, err = _brics_on(db_copy, "2011-06-01")
    assert "ZAF" in members and err == ""
    status = runner.invoke(app, ["status", "--db", str(db_copy), "--json"])
    assert json.loads(status.stdout)["registry"] == {"current": True, "changed": [], "unavailable": []}


def test_read_only_store_warns_with_the_command_to_run(
    db_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _moved_brics_entry(tmp_path)
    monkeypatch.setattr(registry_build, "data_dir", lambda: folder)
    os.chmod(db_copy, 0o444)
    try:
        members, err = _brics_on(db_copy, "2011-01-01")
    finally:
        os.chmod(db_copy, 0o644)
    # the old registry answers, and says so with what to run
    assert "ZAF" in members
    assert "warning" in err and "the registry's data files" in err and "old registry" in err
    assert f"comity build --db {db_copy}" in err


def test_reload_that_fails_keeps_the_old_registry(
    db_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _moved_brics_entry(tmp_path)
    path = folder / "memberships.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("2011-04-14", "2011-02-30"), encoding="utf-8")
    monkeypatch.setattr(registry_build, "data_dir", lambda: folder)
    with Store.open(db_copy) as store:
        before = store.count("memberships"), store.loaded_sha256("registry")
    members, err = _brics_on(db_copy, "2011-01-01")
    assert "ZAF" in members
    assert "reloading the registry failed" in err and "memberships.csv" in err
    with Store.open(db_copy) as store:
        assert (store.count("memberships"), store.loaded_sha256("registry")) == before


def test_upstream_files_missing_now_do_not_make_it_stale(db_copy: Path, tmp_path: Path) -> None:
    empty = tmp_path / "mirror"
    empty.mkdir()
    with Store.open(db_copy) as store:
        freshness = registry_freshness(store, mirror=empty)
    # the store keeps what it was built from: nothing to reload
    assert freshness.current and "igo_year_format3" in freshness.unavailable


def test_upstream_file_found_after_a_build_without_it_is_a_change(tmp_path: Path) -> None:
    empty = tmp_path / "mirror"
    empty.mkdir()
    path = tmp_path / "comity.duckdb"
    with Store.open(path, read_only=False) as store:
        build_registry(store, mirror=empty)
        assert registry_freshness(store, mirror=empty).current
        freshness = registry_freshness(store)
    if not freshness.changed:
        pytest.skip("no upstream file of the registry is at hand")
    assert not freshness.current and freshness.rebuildable
    assert all(what.startswith("the upstream file ") for what in freshness.changed)


def test_store_of_a_comity_that_did_not_record_its_inputs_is_stale(db_copy: Path) -> None:
    with Store.open(db_copy, read_only=False) as store:
        store.con.execute("DELETE FROM meta WHERE key = 'registry_inputs'")
        store.con.execute("UPDATE loads SET sha256 = 'older' WHERE name = 'registry'")
        freshness = registry_freshness(store)
    assert not freshness.current and freshness.changed == ("the comity that built it",)


def _record_result(store: Store, name: str, version: str) -> None:
    with store.transaction():
        store.record_result(name, version, {}, 1, 0.1)


def test_a_change_of_the_building_code_alone_keeps_the_stored_results(
    db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_copy, read_only=False) as store:
        _record_result(store, "actor_profiles", store.data_version())
        before = store.loaded_sha256("registry")
        monkeypatch.setattr(registry_build, "_build_code_digest", lambda: "other code")
        freshness = registry_freshness(store)
        assert not freshness.current and freshness.changed == ("the code that builds the registry",)
        report = build_registry(store)
        # rebuilt by the new code, to the same rows: the load and the results computed from it stay
        assert not report.skipped and report.sha256 == before == store.loaded_sha256("registry")
        assert store.result_is_fresh("actor_profiles", store.data_version())
        assert registry_freshness(store).current and build_registry(store).skipped
        row = store.con.execute("SELECT value FROM meta WHERE key = 'registry_inputs'").fetchone()
        assert row is not None and json.loads(row[0])["code"] == "other code"


def test_a_change_of_the_data_makes_the_stored_results_stale(
    db_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = _moved_brics_entry(tmp_path)
    with Store.open(db_copy, read_only=False) as store:
        _record_result(store, "actor_profiles", store.data_version())
        before = store.loaded_sha256("registry")
        monkeypatch.setattr(registry_build, "data_dir", lambda: folder)
        report = build_registry(store)
        assert not report.skipped and report.sha256 != before
        assert not store.result_is_fresh("actor_profiles", store.data_version())


def test_reload_after_a_change_of_code_alone_does_not_ask_to_recompute_the_results(
    db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_copy, read_only=False) as store:
        _record_result(store, "actor_profiles", store.data_version())
    monkeypatch.setattr(registry_build, "_build_code_digest", lambda: "other code")
    members, err = _brics_on(db_copy, "2011-06-01")
    assert "ZAF" in members
    assert "the code that builds the registry: reloading the registry" in err
    assert "compute them again" not in err
    with Store.open(db_copy) as store:
        assert store.result_is_fresh("actor_profiles", store.data_version())
