from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from comity.registry import Registry, build_registry
from comity.store import Store

# In CI the property tests draw the same examples every run, so that a red build is reproducible.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The shipped registry, built once in memory for the whole test session."""
    return Registry.default()


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with the shipped registry, built once; tests copy it before writing."""
    path = tmp_path_factory.mktemp("store") / "comity.duckdb"
    with Store.open(path) as store:
        build_registry(store)
    return path


@pytest.fixture
def db_copy(built_db: Path, tmp_path: Path) -> Iterator[Path]:
    """A private, writable copy of the built store."""
    target = tmp_path / "comity.duckdb"
    target.write_bytes(built_db.read_bytes())
    yield target
