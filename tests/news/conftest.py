from __future__ import annotations

import os
from pathlib import Path

import pytest

from comity.news import Pipeline
from comity.news._corpus import corpus_root

#: The stages of this package's core (no coalitions, memberships or meetings).
CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]


def shared_corpus(name: str) -> Path:
    """The folder ``name`` of the shared annotated corpus (never copied into the repository).

    Found through ``$COMITY_CORPUS`` or ``shared/corpus`` beside the repository. Absent, the
    test is skipped -- or fails, when ``COMITY_REQUIRE_SHARED=1`` (as in CI).
    """
    root = corpus_root()
    folder = root / name if root is not None else None
    if folder is not None and folder.is_dir():
        return folder
    reason = (
        f"the annotated corpus {name!r} is not available: set COMITY_CORPUS to the folder that "
        "holds news-dev and news-train, or put shared/corpus beside the repository"
    )
    if os.environ.get("COMITY_REQUIRE_SHARED") == "1":
        pytest.fail(f"COMITY_REQUIRE_SHARED=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The annotated development set, read from the shared corpus (news-dev)."""
    return shared_corpus("news-dev")


@pytest.fixture(scope="session")
def train_dir() -> Path:
    """The annotated training set, read from the shared corpus (news-train)."""
    return shared_corpus("news-train")


@pytest.fixture(scope="session")
def core() -> Pipeline:
    """The core stages, built once (the gazetteer automaton is shared)."""
    return Pipeline(CORE_STAGES)


@pytest.fixture(scope="session")
def reader() -> Pipeline:
    """The full default pipeline, built once."""
    return Pipeline()
