from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from comity.data._convert import unga_wide_2020, unvotes_tables
from comity.store import Store


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty store file of its own."""
    with Store.open(tmp_path / "votes.duckdb", read_only=False) as opened:
        yield opened


def tidy(rows: list[tuple[str, str, str]], year: int = 2000, issues: str | None = None) -> pd.DataFrame:
    """A votes frame from (rcid, iso3, vote) rows."""
    frame = pd.DataFrame(rows, columns=["rcid", "iso3", "vote"])
    frame["year"] = year
    frame["issues"] = issues
    return frame


def planted_votes(
    groups: list[list[str]], n_calls: int, *, year: int = 2000, loyalty: float = 0.9, seed: int = 0
) -> pd.DataFrame:
    """Roll calls on which each group has a line (yes, abstain or no) that members follow with
    probability ``loyalty``, voting at random otherwise."""
    rng = np.random.default_rng(seed)
    choices = np.array(["yes", "abstain", "no"])
    rows = []
    for call in range(n_calls):
        for group in groups:
            line = rng.integers(3)
            for state in group:
                vote = line if rng.random() < loyalty else rng.integers(3)
                rows.append((f"t:{year}-{call}", state, choices[vote]))
    return tidy(rows, year=year)


@pytest.fixture(scope="session")
def unvotes_slice(tmp_path_factory: pytest.TempPathFactory, data_mirror: Path) -> Path:
    """Sessions 1 and 26 of the unvotes data (China's seat changes hands in 1971), as parquet files
    of the same tables as the package's R files."""
    target = tmp_path_factory.mktemp("unvotes")
    votes, calls, issues = (frame.reset_index(drop=True) for frame in unvotes_tables())
    calls = pd.concat([calls[calls["session"] == 1].head(20), calls[calls["session"] == 26]])
    calls.to_parquet(target / "roll_calls.parquet", index=False)
    votes[votes["rcid"].isin(calls["rcid"])].to_parquet(target / "votes.parquet", index=False)
    issues[issues["rcid"].isin(calls["rcid"])].to_parquet(target / "roll_call_issues.parquet", index=False)
    return target


@pytest.fixture(scope="session")
def unvotes_2020_folder(tmp_path_factory: pytest.TempPathFactory, data_mirror: Path) -> Path:
    """The 2020-2024 roll calls of the wide upstream file, as parquet tables (votes, roll_calls)."""
    target = tmp_path_factory.mktemp("unvotes2020")
    votes, calls = unga_wide_2020()
    votes.drop(columns="source_ref").to_parquet(target / "votes.parquet", index=False)
    calls.drop(columns="source_ref").to_parquet(target / "roll_calls.parquet", index=False)
    return target
