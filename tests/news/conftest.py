from __future__ import annotations

import os
from pathlib import Path

import pytest

from comity.news import Pipeline

#: The stages of this package's core (no coalitions, memberships or meetings).
CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]


def _corpus_folder(root: Path, name: str) -> Path:
    folder = root / name
    if not folder.is_dir():
        reason = f"the annotated corpus {folder} is not available (set COMITY_CORPUS or COMITY_SHARED)"
        if os.environ.get("COMITY_REQUIRE_SHARED", "").strip() in {"1", "true", "yes"}:
            pytest.fail(reason + "; COMITY_REQUIRE_SHARED is set, so this is a failure, not a skip")
        pytest.skip(reason)
    return folder


@pytest.fixture(scope="session")
def data_dir(shared_corpus: Path) -> Path:
    """The annotated development set, read from the shared corpus (news-dev), never copied."""
    return _corpus_folder(shared_corpus, "news-dev")


@pytest.fixture(scope="session")
def train_dir(shared_corpus: Path) -> Path:
    """The annotated training set, read from the shared corpus (news-train), never copied."""
    return _corpus_folder(shared_corpus, "news-train")


@pytest.fixture(scope="session")
def core() -> Pipeline:
    """The core stages, built once (the gazetteer automaton is shared)."""
    return Pipeline(CORE_STAGES)


@pytest.fixture(scope="session")
def reader() -> Pipeline:
    """The full default pipeline, built once."""
    return Pipeline()


@pytest.fixture
def parse_calls(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The number of texts of each call to the parse model made during the test (one item per call)."""
    from comity.news import _parse

    calls: list[int] = []
    original = _parse._parse_texts

    def counted(texts: list[str]) -> list[object]:
        calls.append(len(texts))
        return original(texts)

    monkeypatch.setattr(_parse, "_parse_texts", counted)
    return calls
