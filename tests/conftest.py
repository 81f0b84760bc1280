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

# ----------------------------------------------------------------------------- shared data
# Third-party data and the annotated news corpus are never in the repository: tests read them
# from the shared folder beside it (`<repo>/../shared`, or $COMITY_SHARED), its upstream mirror
# (`shared/data/upstream`, or $COMITY_DATA) and its corpus (`shared/corpus`). Where they are
# absent, the tests that need them skip with the reason; under `.ci/run`
# (COMITY_REQUIRE_SHARED=1) they fail instead, so that CI never passes by skipping.

REPO_ROOT = Path(__file__).resolve().parent.parent

# Tests never touch the network: comity.data may read the mirror or the cache, never download.
os.environ["COMITY_OFFLINE"] = "1"


def shared_missing(what: str) -> None:
    """Skip the calling test because ``what`` is absent, or fail under COMITY_REQUIRE_SHARED=1."""
    reason = f"{what} is not available (set COMITY_SHARED / COMITY_DATA, or put shared/ beside the repo)"
    if os.environ.get("COMITY_REQUIRE_SHARED", "").strip() in {"1", "true", "yes"}:
        pytest.fail(reason + "; COMITY_REQUIRE_SHARED is set, so this is a failure, not a skip")
    pytest.skip(reason)


def _shared_root() -> Path:
    env = os.environ.get("COMITY_SHARED", "").strip()
    return Path(env) if env else REPO_ROOT.parent / "shared"


def _mirror_root() -> Path:
    env = os.environ.get("COMITY_DATA", "").strip()
    return Path(env) if env else _shared_root() / "data" / "upstream"


# The library finds the mirror through COMITY_DATA; point it at the shared one when there is one.
if not os.environ.get("COMITY_DATA", "").strip() and _mirror_root().is_dir():
    os.environ["COMITY_DATA"] = str(_mirror_root())


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """A test that needs an upstream file nobody can provide (no mirror, no cache; tests never
    download) skips with the reason, or fails under COMITY_REQUIRE_SHARED=1."""
    from comity.errors import DataError, HashMismatch

    try:
        return (yield)
    except DataError as error:
        if isinstance(error, HashMismatch):
            raise
        shared_missing(f"upstream data ({error.message})")
        raise  # pragma: no cover - shared_missing always raises


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder (data and corpus); skips (or fails under COMITY_REQUIRE_SHARED) if absent."""
    root = _shared_root()
    if not root.is_dir():
        shared_missing(f"the shared folder {root}")
    return root


@pytest.fixture(scope="session")
def data_mirror() -> Path:
    """The upstream data mirror (MANIFEST.csv and `<owner>__<repo>/<path>` files)."""
    root = _mirror_root()
    if not (root / "MANIFEST.csv").is_file():
        shared_missing(f"the upstream data mirror {root}")
    return root


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    """The annotated news corpus (`news-dev/`, `news-train/`)."""
    env = os.environ.get("COMITY_CORPUS", "").strip()
    root = Path(env) if env else _shared_root() / "corpus"
    if not (root / "news-dev").is_dir():
        shared_missing(f"the annotated news corpus {root}")
    return root


@pytest.fixture(scope="session")
def registry() -> Registry:
    """The shipped registry, built once in memory for the whole test session."""
    return Registry.default()


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store file with the shipped registry, built once; tests copy it before writing."""
    path = tmp_path_factory.mktemp("store") / "comity.duckdb"
    with Store.open(path, read_only=False) as store:
        build_registry(store)
    return path


@pytest.fixture
def db_copy(built_db: Path, tmp_path: Path) -> Iterator[Path]:
    """A private, writable copy of the built store."""
    target = tmp_path / "comity.duckdb"
    target.write_bytes(built_db.read_bytes())
    yield target
