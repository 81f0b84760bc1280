"""Building the registry: one transaction, idempotent, nothing half-written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from comity.errors import HashMismatch, LoadError
from comity.registry import Registry, build_registry, data_dir
from comity.store import Store


def _snapshot(store: Store) -> dict[str, int]:
    return {
        t: store.count(t) for t in ("states", "organisations", "aliases", "memberships", "membership_events")
    }


def test_build_is_idempotent(db_copy: Path) -> None:
    with Store.open(db_copy, read_only=False) as store:
        before = _snapshot(store)
        report = build_registry(store)
        assert report.skipped
        forced = build_registry(store, force=True)
        assert not forced.skipped
        assert _snapshot(store) == before


def test_build_interrupted_midway_leaves_store_as_it_was(
    db_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Store.open(db_copy, read_only=False) as store:
        before = _snapshot(store)
        calls = {"n": 0}
        original = Store.insert_frame

        def failing(self: Store, table: str, frame: pd.DataFrame) -> int:
            calls["n"] += 1
            if calls["n"] == 4:
                raise KeyboardInterrupt("simulated interruption")
            return original(self, table, frame)

        monkeypatch.setattr(Store, "insert_frame", failing)
        with pytest.raises(KeyboardInterrupt):
            build_registry(store, force=True)
        monkeypatch.undo()
        assert _snapshot(store) == before
        assert store.loaded_sha256("registry") is not None


def test_build_rejects_bad_row_with_file_and_line(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    import shutil

    shutil.copytree(data_dir(), folder)
    path = folder / "memberships.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[2, "start"] = "2021-02-30"
    frame.to_csv(path, index=False)
    store = Store.memory()
    with pytest.raises(LoadError, match=r"memberships.csv, line 4") as info:
        build_registry(store, folder=folder)
    assert "cannot exist" in str(info.value)
    assert store.count("memberships") == 0


def test_build_rejects_fact_without_source(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "data"
    shutil.copytree(data_dir(), folder)
    path = folder / "membership_events.csv"
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    frame.loc[0, "source_id"] = ""
    frame.to_csv(path, index=False)
    with pytest.raises(LoadError, match="no source_id"):
        build_registry(Store.memory(), folder=folder)


def test_build_round_trip_returns_the_shipped_rows() -> None:
    from comity.registry import registry_frames

    frames = registry_frames()
    store = Store.memory()
    build_registry(store)
    for table, key in (("states", "iso3"), ("organisations", "org_id"), ("membership_events", None)):
        stored = store.query(f"SELECT * FROM {table}")
        shipped = frames[table]
        assert len(stored) == len(shipped)
        if key is not None:
            assert set(stored[key]) == set(shipped[key])
    shipped_spells = frames["memberships"][["actor_id", "body_id", "kind", "source_ref"]]
    stored_spells = store.query("SELECT actor_id, body_id, kind, source_ref FROM memberships")
    key_columns = ["actor_id", "body_id", "kind", "source_ref"]
    pd.testing.assert_frame_equal(
        stored_spells.sort_values(key_columns).reset_index(drop=True),
        shipped_spells.sort_values(key_columns).reset_index(drop=True).astype(stored_spells.dtypes.to_dict()),
    )


def test_build_without_upstream_files_keeps_comity_own_part(tmp_path: Path) -> None:
    empty = tmp_path / "mirror"
    empty.mkdir()
    store = Store.memory()
    report = build_registry(store, mirror=empty)
    parts = ("registry:cow", "registry:unsc", "registry:paris", "registry:unfccc", "registry:groups")
    assert report.missing == parts
    sources = {s for (s,) in store.con.execute("SELECT DISTINCT source_id FROM memberships").fetchall()}
    assert "cow_igo" not in sources and not {s for s in sources if s.startswith("dppa")}
    founding = Registry.from_store(store).members(
        "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", on="founding"
    )
    assert {"RUS", "CHN", "VEN"} <= set(founding["actor_id"])
    assert store.con.execute("SELECT value FROM meta WHERE key = 'registry_missing'").fetchone() == (
        ",".join(parts),
    )
    # without the DPPA tables the Council's coverage says it is not known
    assert Registry.from_store(store).coverage("UNSC", on="2021-05-07").status == "unknown"


def test_build_refuses_a_damaged_upstream_file(tmp_path: Path, data_mirror: Path) -> None:
    from comity.data._manifest import entry

    mirror = tmp_path / "mirror"
    for key in ("igo_year_format3", "igo_state_year_format3", "dppa_sc_membership_2023"):
        target = mirror / entry(key).mirror
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(data_mirror / entry(key).mirror, target)
    council = mirror / entry("dppa_sc_membership_2023").mirror
    council.write_bytes(council.read_bytes().replace(b"Iraq", b"Iran", 1))
    store = Store.memory()
    with pytest.raises(HashMismatch, match="dppa_sc_membership_2023"):
        build_registry(store, mirror=mirror)
    assert store.count("memberships") == 0


def _registry_tables(store: Store) -> dict[str, list[tuple[object, ...]]]:
    from comity.store._schema import REGISTRY_TABLES

    return {t: store.con.execute(f'SELECT * FROM "{t}" ORDER BY ALL').fetchall() for t in REGISTRY_TABLES}


@pytest.mark.slow
def test_cached_registry_equals_a_fresh_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from comity.registry._build import build_registry_cached, registry_cache_path

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    built = Store.memory()
    first = build_registry_cached(built)
    assert not first.skipped  # nothing cached yet: built from the files
    path = registry_cache_path()
    assert path.is_file() and path.is_relative_to(tmp_path)
    copied = Store.memory()
    second = build_registry_cached(copied)
    assert second.skipped  # the copy held the same data, so nothing was rebuilt
    assert second.sha256 == first.sha256
    assert _registry_tables(copied) == _registry_tables(built)
    assert copied.con.execute("SELECT value FROM meta WHERE key = 'registry_missing'").fetchall() == (
        built.con.execute("SELECT value FROM meta WHERE key = 'registry_missing'").fetchall()
    )

    # A registry left by earlier code or data is removed when a new one is written.
    stale = path.with_name("0" * 24 + ".duckdb")
    stale.write_bytes(b"an older registry")
    # A damaged cache file is passed over: the registry is built again and the file replaced.
    path.write_bytes(b"not a database")
    rebuilt = Store.memory()
    assert not build_registry_cached(rebuilt).skipped
    assert _registry_tables(rebuilt) == _registry_tables(built)
    assert build_registry_cached(Store.memory()).skipped
    assert sorted(path.parent.glob("*.duckdb")) == [path]


def test_registry_cache_is_named_by_code_and_data(monkeypatch: pytest.MonkeyPatch) -> None:
    from comity.registry import _build

    path = _build.registry_cache_path()
    monkeypatch.setattr(_build, "_code_digest", lambda: "other code")
    assert _build.registry_cache_path() != path
    monkeypatch.undo()
    monkeypatch.setattr(_build, "_fingerprint", lambda folder: "other data")
    assert _build.registry_cache_path() != path


def test_source_files_cite_every_upstream_file_under_a_source_of_the_registry() -> None:
    from comity.data import manifest
    from comity.registry._build import REGISTRY_UPSTREAM, SOURCE_FILES

    sources = set(pd.read_csv(data_dir() / "sources.csv")["source_id"])
    assert set(SOURCE_FILES) <= sources
    cited = {key for keys in SOURCE_FILES.values() for key in keys}
    assert {key for keys in REGISTRY_UPSTREAM.values() for key in keys} <= cited
    assert cited <= {f.key for f in manifest()}
    # the rows of an upstream part carry the file's own key as their source, but for the COW
    assert SOURCE_FILES["dppa_sc_membership_2023"] == ("dppa_sc_membership_2023",)
    assert SOURCE_FILES["cow_igo"][:2] == REGISTRY_UPSTREAM["registry:cow"]
