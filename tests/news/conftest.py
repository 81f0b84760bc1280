from __future__ import annotations

from pathlib import Path

import pytest

from comity.news import Pipeline

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden"

#: The stages of this package's core (no coalitions, memberships or meetings).
CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]


@pytest.fixture(scope="session")
def data_dir() -> Path:
    """The annotated development set (a copy of shared/corpus/news-dev)."""
    return DATA


@pytest.fixture(scope="session")
def core() -> Pipeline:
    """The core stages, built once (the gazetteer automaton is shared)."""
    return Pipeline(CORE_STAGES)


@pytest.fixture(scope="session")
def reader() -> Pipeline:
    """The full default pipeline, built once."""
    return Pipeline()
