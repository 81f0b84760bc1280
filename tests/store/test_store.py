from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from comity.errors import SchemaVersionError, StoreError
from comity.store import SCHEMA_VERSION, Store, default_db_path
from comity.store._schema import BLOC_DDL, RESULT_TABLES


def _stored_schema_version(path: Path) -> int:
    """The version the store's meta table records (``Store.schema_version`` is the code's)."""
    with Store.open(path, read_only=True) as store:
        row = store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    assert row is not None
    return int(row[0])


def test_store_creates_schema_and_reopens(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    with Store.open(path, read_only=False) as store:
        assert store.count("states") == 0
    assert _stored_schema_version(path) == SCHEMA_VERSION


@pytest.mark.parametrize("version", [SCHEMA_VERSION + 1, 1])
def test_store_refuses_other_schema_versions(tmp_path: Path, version: int) -> None:
    path = tmp_path / "c.duckdb"
    with Store.open(path, read_only=False) as store:
        store.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])
    with pytest.raises(SchemaVersionError, match=f"schema version {version}") as info:
        Store.open(path, read_only=False)
    assert "comity build --rebuild" in str(info.value)


def test_store_of_version_2_gains_the_result_tables_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    with Store.open(path, read_only=False) as store:
        store.insert_frame("sources", pd.DataFrame([{"source_id": "mine", "title": "kept"}]))
        for table in (*RESULT_TABLES, "story_keys", "actor_profiles"):  # the tables versions 3 to 6 added
            store.con.execute(f"DROP TABLE {table}")
        store.con.execute("UPDATE meta SET value = '2' WHERE key = 'schema_version'")
    # Read-only, it cannot be changed: the error says which command adds the tables.
    with pytest.raises(SchemaVersionError, match="schema version 2") as info:
        Store.open(path, read_only=True)
    assert f"comity build --db {path}" in str(info.value)
    with Store.open(path, read_only=False) as store:
        assert store.count("materialised") == 0
        assert store.count("sources") == 1  # nothing stored is lost
    assert _stored_schema_version(path) == SCHEMA_VERSION


def test_store_of_version_3_gains_the_bloc_tables_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    bloc_tables = RESULT_TABLES[-len(BLOC_DDL) :]
    with Store.open(path, read_only=False) as store:
        store.insert_frame("vote_years", pd.DataFrame([{"year": 2000, "n_roll_calls": 70}]))
        for table in (*bloc_tables, "story_keys", "actor_profiles"):  # the tables versions 4 to 6 added
            store.con.execute(f"DROP TABLE {table}")
        store.con.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="schema version 3"):
        Store.open(path, read_only=True)
    with Store.open(path, read_only=False) as store:
        assert all(store.count(table) == 0 for table in bloc_tables)
        assert store.count("vote_years") == 1  # the results of version 3 are kept
    assert _stored_schema_version(path) == SCHEMA_VERSION


def test_store_of_version_4_gains_the_story_keys_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    with Store.open(path, read_only=False) as store:
        row = {"doc_id": "kept", "text": "Written for this test.", "sha256": "0" * 64, "story_id": "s"}
        store.insert_frame("documents", pd.DataFrame([row]))
        store.con.execute("DROP TABLE story_keys")
        store.con.execute("DROP TABLE actor_profiles")
        store.con.execute("UPDATE meta SET value = '4' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="schema version 4") as info:
        Store.open(path, read_only=True)
    assert "story keys" in str(info.value) and f"comity build --db {path}" in str(info.value)
    with Store.open(path, read_only=False) as store:
        assert store.count("story_keys") == 0
        assert store.count("documents") == 1  # nothing stored is lost
    assert _stored_schema_version(path) == SCHEMA_VERSION


def test_store_of_version_5_gains_the_actor_profiles_when_opened_for_writing(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    with Store.open(path, read_only=False) as store:
        store.insert_frame("vote_years", pd.DataFrame([{"year": 2000, "n_roll_calls": 70}]))
        store.con.execute("DROP TABLE actor_profiles")
        store.con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="schema version 5") as info:
        Store.open(path, read_only=True)
    assert "actor profiles" in str(info.value)
    with Store.open(path, read_only=False) as store:
        assert store.count("actor_profiles") == 0
        assert store.count("vote_years") == 1  # nothing stored is lost
    with Store.open(path, read_only=True) as store:
        row = store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        assert row is not None and int(row[0]) == SCHEMA_VERSION == 7


def test_store_of_version_6_names_its_registry_by_its_rows_and_keeps_its_results(db_copy: Path) -> None:
    from comity.registry import build_registry, registry_freshness
    from comity.store import sha256_of
    from comity.store._schema import REGISTRY_TABLES

    with Store.open(db_copy, read_only=False) as store:
        # Version 6 named the registry's load by the build's inputs, the code's digest among them.
        store.con.execute("UPDATE loads SET sha256 = ? WHERE name = 'registry'", [sha256_of("data", "code")])
        with store.transaction():
            store.record_result("actor_profiles", store.data_version(), {}, 1, 0.1)
            store.record_result("vote_years", "of other data", {}, 1, 0.1)
        store.con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    with pytest.raises(SchemaVersionError, match="schema version 6") as info:
        Store.open(db_copy, read_only=True)
    assert "fingerprint of the registry's rows" in str(info.value)
    with Store.open(db_copy, read_only=False) as store:
        assert store.loaded_sha256("registry") == store.content_sha256(REGISTRY_TABLES)
        version = store.data_version()
        # a result of the store's data stays current, one of other data stays stale
        assert store.result_is_fresh("actor_profiles", version)
        assert not store.result_is_fresh("vote_years", version)
        # the registry was built from the data and code at hand: nothing to rebuild
        assert registry_freshness(store).current and build_registry(store).skipped
    assert _stored_schema_version(db_copy) == SCHEMA_VERSION


def test_store_of_version_6_without_a_registry_migrates(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    with Store.open(path, read_only=False) as store:
        store.con.execute("UPDATE meta SET value = '6' WHERE key = 'schema_version'")
    with Store.open(path, read_only=False) as store:
        assert store.loaded_sha256("registry") is None
    assert _stored_schema_version(path) == SCHEMA_VERSION


def test_content_sha256_is_of_the_rows_not_their_order(tmp_path: Path) -> None:
    rows = pd.DataFrame([{"source_id": "b", "title": "two"}, {"source_id": "a", "title": "one"}])
    first, second = Store.memory(), Store.memory()
    first.insert_frame("sources", rows)
    second.insert_frame("sources", rows.iloc[::-1])
    assert first.content_sha256(("sources",)) == second.content_sha256(("sources",))
    second.con.execute("UPDATE sources SET title = 'One' WHERE source_id = 'a'")
    assert first.content_sha256(("sources",)) != second.content_sha256(("sources",))
    # the table's name is part of what is hashed
    assert first.content_sha256(("sources",)) != first.content_sha256(("states",))


def test_store_refuses_corrupt_file(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    path.write_bytes(b"this is not a database\n" * 200)
    with pytest.raises(StoreError, match="not a DuckDB database"):
        Store.open(path, read_only=False)
    assert path.read_bytes().startswith(b"this is not")  # left as it was


def test_store_refuses_truncated_database(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    Store.open(path, read_only=False).close()
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 3])
    with pytest.raises(StoreError):
        Store.open(path, read_only=False)


def test_store_refuses_foreign_duckdb(tmp_path: Path) -> None:
    import duckdb

    path = tmp_path / "other.duckdb"
    con = duckdb.connect(str(path))
    con.execute("CREATE TABLE t (x INT)")
    con.close()
    with pytest.raises(StoreError, match="not a comity store"):
        Store.open(path, read_only=False)


def test_store_read_only_file_cannot_be_written_but_can_be_read(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    Store.open(path, read_only=False).close()
    os.chmod(path, 0o444)
    try:
        with pytest.raises(StoreError, match="read-only"):
            Store.open(path, read_only=False)
        with Store.open(path, read_only=True) as store:
            assert store.count("states") == 0
            with pytest.raises(StoreError, match="read-only"):
                with store.transaction():
                    pass
    finally:
        os.chmod(path, 0o644)


def test_store_missing_file_read_only_says_build(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="comity build"):
        Store.open(tmp_path / "absent.duckdb", read_only=True)


def test_store_transaction_rolls_back_on_error() -> None:
    store = Store.memory()
    frame = pd.DataFrame(
        {"source_id": ["s"], "title": ["t"], "url": [None], "licence": [None], "note": [None]}
    )
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.insert_frame("sources", frame)
            raise RuntimeError("interrupted")
    assert store.count("sources") == 0


def test_store_replace_source_is_idempotent() -> None:
    store = Store.memory()
    frame = pd.DataFrame(
        {
            "rcid": ["a:1", "a:1"],
            "iso3": ["USA", "CHN"],
            "vote": ["yes", "no"],
            "source_id": ["a", "a"],
            "source_ref": ["row 1", "row 2"],
        }
    )
    store.replace_source("a", "votes", frame)
    first = store.query("SELECT * FROM votes ORDER BY iso3")
    store.replace_source("a", "votes", frame)
    pd.testing.assert_frame_equal(first, store.query("SELECT * FROM votes ORDER BY iso3"))


def test_store_default_path_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("COMITY_DB", str(tmp_path / "x.duckdb"))
    assert default_db_path() == tmp_path / "x.duckdb"
    monkeypatch.delenv("COMITY_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_db_path() == tmp_path / "comity" / "comity.duckdb"
