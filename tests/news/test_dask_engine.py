"""The Dask engine of `comity read`: the same output as the local engine, on a real LocalCluster.

The annotated corpora are read from the shared folder (never copied); the held-out stories are
left out, so that no assertion message can show their texts.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from comity.cli import app
from comity.errors import BadInput
from comity.news._corpus import split_documents

pytest.importorskip("distributed")

runner = CliRunner()
TABLES = ("documents", "facts", "stories")


@pytest.fixture(scope="module")
def cluster() -> Iterator[Any]:
    """A LocalCluster of two single-threaded worker processes, shared by the tests here."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=logging.ERROR
    ) as local:
        yield local


@pytest.fixture(scope="module")
def corpus_files(shared_corpus: Path) -> list[str]:
    """The texts of news-dev and of news-train's development stories (held-out stories left out)."""
    files = []
    for name, split in (("news-dev", "all"), ("news-train", "train")):
        folder = shared_corpus / name
        files += [str(folder / f"{stem}.txt") for stem in sorted(split_documents(folder, split))]  # type: ignore[arg-type]
    assert len(files) > 60
    return files


def _table(out: Path, name: str) -> Any:
    import pyarrow.dataset as ds

    frame = ds.dataset(out / name, format="parquet").to_table().to_pandas()
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _differences(first: Path, second: Path) -> list[str]:
    """The tables that differ, by name and the documents concerned (never their texts)."""
    problems = []
    for name in TABLES:
        a, b = _table(first, name), _table(second, name)
        if list(a.columns) != list(b.columns):
            problems.append(f"{name}: columns {list(a.columns)} vs {list(b.columns)}")
        elif not a.equals(b):
            merged = a.merge(b, how="outer", indicator=True)
            ids = sorted(set(merged.loc[merged["_merge"] != "both", "doc_id"]))
            problems.append(f"{name}: {len(a)} vs {len(b)} rows; differing documents {ids[:10]}")
    return problems


@pytest.mark.slow
def test_dask_engine_output_equals_local_engine(
    cluster: Any, corpus_files: list[str], tmp_path: Path
) -> None:
    local, dask_out = tmp_path / "local", tmp_path / "dask"
    # No time budget: on a loaded machine a document over it would be skipped by one engine only.
    common = ["--chunk-size", "16", "--no-progress", "--time-budget", "0"]
    first = runner.invoke(app, ["read", *corpus_files, "--out", str(local), "--engine", "local", *common])
    assert first.exit_code == 0, first.output
    second = runner.invoke(
        app,
        ["read", *corpus_files, "--out", str(dask_out), "--engine", "dask"]
        + ["--scheduler", cluster.scheduler_address, *common],
    )
    assert second.exit_code == 0, second.output
    assert _differences(local, dask_out) == []
    documents, stories = _table(dask_out, "documents"), _table(dask_out, "stories")
    assert len(documents) == len(corpus_files)
    # Several chunks were read, on both workers, and stories group documents across chunks.
    assert len(list((dask_out / "documents").glob("part-*.parquet"))) == -(-len(corpus_files) // 16)
    assert 1 < stories["story_id"].nunique() < len(corpus_files)


@pytest.mark.slow
def test_distributed_grouping_equals_local_on_large_blocks(cluster: Any, corpus_files: list[str]) -> None:
    """Thirty reprints of each text: blocks far above SMALL_BLOCK take the bounded path."""
    import pyarrow as pa
    from distributed import Client

    from comity.news import Pipeline
    from comity.news._dask import group_stories_dask
    from comity.news._story_keys import (
        SMALL_BLOCK,
        group_story_keys,
        keys_from_table,
        keys_to_table,
        story_keys,
    )

    reader = Pipeline()
    keys = [
        story_keys(reader.read(Path(f).read_text(encoding="utf-8"), id=Path(f).stem)) for f in corpus_files
    ]
    rows = []
    for copy in range(30):
        for item in keys:
            row = item.to_row()
            row["doc_id"] = f"{copy:02d}-{item.doc_id}"
            rows.append(row)
    table = keys_to_table(keys_from_table(pa.Table.from_pylist(rows, schema=keys_to_table(keys).schema)))
    expected = group_story_keys(keys_from_table(table))
    with Client(cluster) as client:
        found = group_stories_dask(client, iter([table.slice(i, 400) for i in range(0, table.num_rows, 400)]))
    assert found == expected
    assert len(set(found.values())) < len(keys)
    assert len(rows) // len(set(found.values())) > SMALL_BLOCK


def test_unreachable_scheduler_is_refused_quickly() -> None:
    from comity.news._dask import dask_client

    with pytest.raises(BadInput, match="Cannot reach the Dask scheduler at 'tcp://127.0.0.1:9'"):
        with dask_client("tcp://127.0.0.1:9", timeout=1.0):
            pass


def test_cli_bad_scheduler_address_exits_2_without_traceback(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("The Security Council met on Monday to discuss the situation in Haiti.", encoding="utf-8")
    result = runner.invoke(
        app,
        ["read", str(text), "--out", str(tmp_path / "out"), "--engine", "dask", "--scheduler", "nonsense::"],
    )
    assert result.exit_code == 2
    assert "Cannot reach the Dask scheduler at 'nonsense::'" in result.output
    assert "Traceback" not in result.output


def test_cli_without_dask_installed_says_what_to_install(tmp_path: Path, monkeypatch: Any) -> None:
    text = tmp_path / "note.txt"
    text.write_text("The General Assembly adopted a resolution on Tuesday.", encoding="utf-8")
    # As if distributed were not installed: importing it fails.
    monkeypatch.setitem(sys.modules, "distributed", None)
    result = runner.invoke(app, ["read", str(text), "--out", str(tmp_path / "out"), "--engine", "dask"])
    assert result.exit_code == 2
    assert "pip install 'comity[dask]'" in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "out" / "documents").exists()


def test_cli_dask_engine_needs_out(tmp_path: Path) -> None:
    text = tmp_path / "note.txt"
    text.write_text("The General Assembly adopted a resolution on Tuesday.", encoding="utf-8")
    result = runner.invoke(app, ["read", str(text), "--engine", "dask"])
    assert result.exit_code == 2
    assert "--engine dask" in result.output and "--out" in result.output
