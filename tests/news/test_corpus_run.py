"""Reading a corpus in chunks: streamed inputs, Parquet output, the run manifest, the CLI."""

from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard
from typer.testing import CliRunner

from comity.cli import app
from comity.news import Pipeline
from comity.news._corpus_run import (
    CorpusChunk,
    CorpusRun,
    InputChunk,
    documents_schema,
    facts_schema,
    input_fingerprint,
    iter_input_chunks,
    join_readings,
    read_chunk,
    read_corpus,
    read_in_window,
    split_chunk,
    write_chunk,
)
from comity.news._input import InputDoc, ParquetColumns, Skipped, iter_documents
from comity.news._store import document_facts
from comity.store import Store

runner = CliRunner()

# Sentences written for these tests.
STATES = ["France", "Kenya", "Brazil", "Japan", "Canada", "Egypt", "India", "Chile"]


def sentence(i: int) -> str:
    first, second = STATES[i % len(STATES)], STATES[(i * 3 + 1) % len(STATES)]
    return (
        f"{first} and {second} agreed on {i + 1} March to open talks on fishing rights. "
        f"The foreign minister of {first} said the meeting in Geneva was useful."
    )


def records(n: int, start: int = 0) -> list[dict[str, str]]:
    return [
        {"id": f"n{i:04d}", "text": sentence(i), "published": f"2024-03-{1 + i % 28:02d}"}
        for i in range(start, start + n)
    ]


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    body = "".join(json.dumps(row) + "\n" for row in rows).encode()
    if path.name.endswith(".gz"):
        path.write_bytes(gzip.compress(body))
    elif path.name.endswith(".zst"):
        path.write_bytes(zstandard.ZstdCompressor().compress(body))
    else:
        path.write_bytes(body)
    return path


def docs_of(items: list[InputDoc | Skipped]) -> list[InputDoc]:
    return [item for item in items if isinstance(item, InputDoc)]


@pytest.mark.parametrize("name", ["batch.jsonl", "batch.jsonl.gz", "batch.jsonl.zst"])
def test_corpus_json_lines_streamed_plain_and_compressed(tmp_path: Path, name: str) -> None:
    path = write_jsonl(tmp_path / name, records(30))
    read = docs_of(list(iter_documents([path])))
    assert [d.id for d in read] == [f"n{i:04d}" for i in range(30)]
    assert read[4].text == sentence(4) and read[4].meta["published"] == "2024-03-05"
    assert read[4].meta["line"] == 5
    # A directory holds them too.
    assert [d.id for d in docs_of(list(iter_documents([tmp_path])))] == [d.id for d in read]


def test_corpus_size_limit_is_per_document_not_per_file(tmp_path: Path) -> None:
    rows = records(40)
    rows[7]["text"] = "Kenya said so. " * 400  # about 6 KB: the only document over the limit
    path = write_jsonl(tmp_path / "big.jsonl", rows)
    assert path.stat().st_size > 5_000  # the file is well over the limit; its documents are not
    results = list(iter_documents([path], max_bytes=5_000))
    [skipped] = [r for r in results if isinstance(r, Skipped)]
    assert skipped.line == 8 and "too large" in skipped.reason and "--max-bytes" in skipped.reason
    assert len(docs_of(results)) == 39
    zst = write_jsonl(tmp_path / "big.jsonl.zst", rows)
    assert len(docs_of(list(iter_documents([zst], max_bytes=5_000)))) == 39


def test_corpus_truncated_gzip_reports_and_keeps_the_lines_before(tmp_path: Path) -> None:
    whole = gzip.compress("".join(json.dumps(r) + "\n" for r in records(200)).encode())
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    results = list(iter_documents([path]))
    assert isinstance(results[-1], Skipped) and "truncated" in results[-1].reason
    assert 0 < len(docs_of(results)) < 200


def test_corpus_binary_file_named_jsonl_is_skipped_whole(tmp_path: Path) -> None:
    path = tmp_path / "image.jsonl"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(range(256)) * 4)
    [result] = list(iter_documents([path]))
    assert isinstance(result, Skipped) and "binary" in result.reason


def test_corpus_parquet_rows_with_named_columns(tmp_path: Path) -> None:
    rows = records(25)
    table = pa.table(
        {
            "article": [r["text"] for r in rows],
            "key": [r["id"] for r in rows],
            "day": pa.array([None] + [r["published"] for r in rows[1:]]),
            "outlet": ["Example Wire"] * 25,
        }
    )
    pq.write_table(table, tmp_path / "wire.parquet", row_group_size=10)
    columns = ParquetColumns(text="article", id="key", date="day")
    read = docs_of(list(iter_documents([tmp_path / "wire.parquet"], columns=columns)))
    assert [d.id for d in read] == [r["id"] for r in rows]
    assert read[3].meta["published"] == rows[3]["published"] and read[0].meta["published"] is None
    assert read[3].meta["outlet"] == "Example Wire" and read[3].meta["row"] == 4
    # Without the id column, ids are the file's stem and the row.
    pq.write_table(pa.table({"text": ["Kenya and Chile spoke.", "  ", "x" * 50]}), tmp_path / "plain.parquet")
    results = list(iter_documents([tmp_path / "plain.parquet"], max_bytes=40))
    assert [d.id for d in docs_of(results)] == ["plain-1"]
    assert [(s.line, s.unit) for s in results if isinstance(s, Skipped)] == [(2, "row"), (3, "row")]
    assert "row 3" in str(results[2]) and "too large" in str(results[2])


def test_corpus_parquet_without_the_text_column_is_skipped_with_the_columns(tmp_path: Path) -> None:
    pq.write_table(pa.table({"body": ["Kenya spoke."]}), tmp_path / "other.parquet")
    (tmp_path / "fake.parquet").write_bytes(b"not parquet at all")
    first, second = iter_documents([tmp_path / "other.parquet", tmp_path / "fake.parquet"])
    assert isinstance(first, Skipped) and "'text'" in first.reason and "body" in first.reason
    assert isinstance(second, Skipped) and "Parquet" in second.reason


def test_corpus_stdin_json_lines_streamed() -> None:
    body = "".join(json.dumps(r) + "\n" for r in records(5)).encode()
    read = docs_of(list(iter_documents(["-"], stdin=io.BytesIO(b"\n" + body))))
    assert [d.id for d in read] == [f"n{i:04d}" for i in range(5)]


def test_corpus_chunks_are_fixed_by_the_input(tmp_path: Path) -> None:
    rows = records(23)
    rows.insert(5, {"id": "n0001", "text": "A second document with an id already read."})
    path = write_jsonl(tmp_path / "c.jsonl", rows)
    chunks = list(iter_input_chunks([path, tmp_path / "missing.jsonl"], chunk_size=10))
    assert [len(c.items) for c in chunks] == [10, 10, 3]
    assert [c.index for c in chunks] == [0, 1, 2]
    assert "duplicate id" in chunks[0].skipped[0].reason
    assert "no such file" in chunks[-1].skipped[-1].reason
    assert chunks[-1].bytes_read == path.stat().st_size
    again = list(iter_input_chunks([path, tmp_path / "missing.jsonl"], chunk_size=10))
    assert [[d.id for d in c.items] for c in again] == [[d.id for d in c.items] for c in chunks]


def test_corpus_read_chunk_rows_are_the_store_rows(core: Pipeline) -> None:
    items = [InputDoc(r["id"], r["text"], {"source_path": "x.jsonl"}) for r in records(4)]
    chunk = read_chunk(InputChunk(3, items), core)
    assert chunk.index == 3
    assert chunk.documents.schema == documents_schema() and chunk.facts.schema == facts_schema()
    assert chunk.documents.column("doc_id").to_pylist() == [r["id"] for r in records(4)]
    expected = [row for item in items for row in document_facts(core.read(item.text, id=item.id))]
    assert [tuple(row.values()) for row in chunk.facts.to_pylist()] == expected
    assert any(row[1] == "mention" for row in expected)


def test_corpus_write_chunk_parts_whole_and_replaced(tmp_path: Path, core: Pipeline) -> None:
    items = [InputDoc(r["id"], r["text"], {}) for r in records(3)]
    chunk = read_chunk(InputChunk(2, items), core)
    write_chunk(chunk, tmp_path)
    write_chunk(chunk, tmp_path)
    assert sorted(p.name for p in (tmp_path / "facts").iterdir()) == ["part-00002.parquet"]
    assert pq.read_table(tmp_path / "documents" / "part-00002.parquet").equals(chunk.documents)


def test_corpus_chunk_read_in_pieces_equals_the_whole_chunk(tmp_path: Path, core: Pipeline) -> None:
    items = [InputDoc(r["id"], r["text"], {"source_path": "x.jsonl"}) for r in records(40)]
    lost = Skipped("x.jsonl", "not valid JSON", line=9)
    chunk = InputChunk(4, items, [lost])
    # Pieces are whole batches of the reader: one document asked for, 32 given.
    pieces = split_chunk(chunk, 1)
    assert [len(p.items) for p in pieces] == [32, 8] and {p.index for p in pieces} == {4}
    assert all(not p.skipped for p in pieces)
    joined = join_readings(chunk, [read_chunk(piece, core) for piece in pieces])
    whole = read_chunk(chunk, core)
    assert joined.index == 4 and joined.skipped == whole.skipped == [lost]
    write_chunk(joined, tmp_path / "pieces")
    write_chunk(whole, tmp_path / "whole")
    for table in ("documents", "facts", "story_keys"):
        part = Path(table) / "part-00004.parquet"
        assert (tmp_path / "pieces" / part).read_bytes() == (tmp_path / "whole" / part).read_bytes()
    assert [len(p.items) for p in split_chunk(InputChunk(0, []))] == [0]


def test_read_in_window_keeps_input_order_and_bounds_chunks_in_flight(core: Pipeline) -> None:
    items = [InputDoc(r["id"], r["text"], {}) for r in records(8)]
    chunks = [InputChunk(index, items[index * 2 : index * 2 + 2]) for index in range(4)]
    sent: list[int] = []
    gathered: list[int] = []
    in_flight: list[int] = []

    def submit(piece: InputChunk) -> InputChunk:
        sent.append(piece.index)
        return piece

    def gather(pieces: list[InputChunk]) -> list[CorpusChunk]:
        gathered.append(pieces[0].index)
        # Chunks sent and not yet gathered when this one is waited for.
        in_flight.append(len(set(sent)) - len(gathered) + 1)
        return [read_chunk(piece, core) for piece in pieces]

    # Chunk 1 was finished by an earlier run: it is not sent, and comes back without a reading.
    results = list(read_in_window(iter(chunks), {1}, submit=submit, gather=gather, in_flight=1))
    assert [chunk.index for chunk, _ in results] == [0, 1, 2, 3]
    assert results[1][1] is None and sent == gathered == [0, 2, 3]
    first, last = results[0][1], results[3][1]
    assert first is not None and last is not None
    assert first.documents.column("doc_id").to_pylist() == ["n0000", "n0001"]
    assert last.documents.column("doc_id").to_pylist() == ["n0006", "n0007"]
    # One chunk ahead of the one waited for, never the whole input.
    assert max(in_flight) == 2


def test_corpus_run_manifest_refuses_other_inputs(tmp_path: Path) -> None:
    fingerprint = input_fingerprint([tmp_path], chunk_size=10, max_bytes=100, stages=["a"])
    run = CorpusRun.open(tmp_path / "out", fingerprint=fingerprint)
    run.record(0, documents=10, facts=5, skipped=0)
    again = CorpusRun.open(tmp_path / "out", fingerprint=fingerprint)
    assert again.done == {0} and again.totals()["facts"] == 5
    other = input_fingerprint([tmp_path], chunk_size=20, max_bytes=100, stages=["a"])
    with pytest.raises(Exception, match="cannot be resumed") as info:
        CorpusRun.open(tmp_path / "out", fingerprint=other)
    assert "--no-resume" in str(info.value)
    assert CorpusRun.open(tmp_path / "out", fingerprint=other, resume=False).done == set()


def _tables(folder: Path) -> dict[str, pa.Table]:
    return {name: pq.read_table(folder / name) for name in ("documents", "facts", "stories")}


def test_corpus_read_in_processes_equals_one_process(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", records(24))
    stages = ["normalise", "sentences", "actors", "people", "quotes"]
    one = read_corpus([path], out=tmp_path / "one", chunk_size=5, jobs=1, stages=stages, progress=False)
    two = read_corpus([path], out=tmp_path / "two", chunk_size=5, jobs=2, stages=stages, progress=False)
    assert one.documents == two.documents == 24 and one.chunks == 5
    assert _tables(tmp_path / "one") == _tables(tmp_path / "two")
    assert pq.read_table(tmp_path / "one" / "story_keys").num_rows == 24
    # Stories come from the keys alone: they do not depend on how the corpus was cut in chunks.
    whole = read_corpus([path], out=tmp_path / "whole", chunk_size=24, jobs=1, stages=stages, progress=False)
    assert (
        whole.chunks == 1 and _tables(tmp_path / "whole")["stories"] == _tables(tmp_path / "one")["stories"]
    )
    with Store.memory() as store:
        read_corpus([path], store=store, chunk_size=7, jobs=1, stages=stages, progress=False)
        assert store.count("documents") == 24
        assert store.count("facts") == one.facts
        [(missing,)] = store.con.execute("SELECT count(*) FROM documents WHERE story_id IS NULL").fetchall()
        assert missing == 0
    # Chunks larger than the workers' pieces: read in pieces by two workers, the same parts.
    more = write_jsonl(tmp_path / "more.jsonl", records(150))
    for jobs in (1, 2):
        read_corpus(
            [more], out=tmp_path / f"big{jobs}", chunk_size=100, jobs=jobs, stages=stages, progress=False
        )
    for table in ("documents", "facts", "story_keys", "stories"):
        for part in sorted((tmp_path / "big1" / table).iterdir()):
            assert part.read_bytes() == (tmp_path / "big2" / table / part.name).read_bytes()


# -- the command ------------------------------------------------------------------------------


def test_cli_read_out_writes_parquet_and_attach_makes_views(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", records(12))
    out = tmp_path / "out"
    result = runner.invoke(app, ["read", str(path), "--out", str(out), "--chunk-size", "5", "-j", "1"])
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["documents"] == 12 and summary["chunks"] == 3 and summary["resumed_chunks"] == 0
    assert pq.read_table(out / "documents").num_rows == 12
    assert json.loads((out / "manifest.json").read_text())["finished"] is True
    # Run again: everything is finished already, nothing is read.
    again = runner.invoke(app, ["read", str(path), "--out", str(out), "--chunk-size", "5", "-j", "1"])
    assert again.exit_code == 0 and json.loads(again.stdout)["resumed_chunks"] == 3
    db = tmp_path / "store.duckdb"
    Store.open(db, read_only=False).close()
    attached = runner.invoke(app, ["attach", str(out), "--name", "wire", "--db", str(db), "--json"])
    assert attached.exit_code == 0, attached.output
    assert json.loads(attached.stdout)["views"]["wire_documents"] == 12
    with Store.open(db) as store:
        rows = store.query("SELECT count(*) AS n FROM wire_documents WHERE story_id IS NOT NULL")
        assert int(rows["n"][0]) == 12
        assert store.query("SELECT count(*) AS n FROM wire_facts")["n"][0] == summary["facts"]


def test_cli_read_out_reports_skipped_lines_and_shows_progress(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "in.jsonl", records(6))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write(json.dumps({"id": "late", "text": "Chile and Kenya met in Geneva on Monday."}) + "\n")
    out = tmp_path / "out"
    args = ["read", str(path), "--out", str(out), "--chunk-size", "4", "-j", "1", "--progress"]
    result = runner.invoke(app, args)
    assert result.exit_code == 1  # one line skipped, the others read
    assert "in.jsonl, line 7: not valid JSON" in result.stderr
    assert "docs/s" in result.stderr  # the progress bar, asked for although stderr is not a terminal
    assert json.loads(result.stdout)["documents"] == 7 and json.loads(result.stdout)["skipped"] == 1
    assert "late" in pq.read_table(out / "documents").column("doc_id").to_pylist()
    quiet = runner.invoke(app, [*args[:-1], "--no-resume"])
    assert quiet.exit_code == 1 and "docs/s" not in quiet.stderr  # not a terminal: no bar


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["{dir}/missing.jsonl", "--out", "{dir}/out"], "No readable document"),
        (["{dir}/in.jsonl", "--out", "{dir}/in.jsonl"], "is a file"),
        (["{dir}/in.jsonl", "--out", "{dir}/busy"], "holds other files"),
        (["{dir}/in.jsonl", "--out", "{dir}/out", "--format", "gold"], "--format gold prints"),
        (["{dir}/in.jsonl", "--format", "summary"], "needs somewhere"),
        (["{dir}/in.jsonl", "--out", "{dir}/out", "--engine", "spark"], "Unknown --engine"),
    ],
)
def test_cli_read_out_bad_input_exits_2_without_traceback(
    tmp_path: Path, args: list[str], message: str
) -> None:
    write_jsonl(tmp_path / "in.jsonl", records(2))
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine", encoding="utf-8")
    result = runner.invoke(app, ["read", *[a.format(dir=tmp_path) for a in args], "--no-progress"])
    assert result.exit_code == 2, result.output
    assert message in result.stderr and "Traceback" not in result.stderr
    assert (tmp_path / "busy" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_cli_attach_refuses_an_unfinished_run(tmp_path: Path) -> None:
    fingerprint = input_fingerprint([tmp_path], chunk_size=10, max_bytes=100, stages=["a"])
    CorpusRun.open(tmp_path / "run", fingerprint=fingerprint)
    db = tmp_path / "store.duckdb"
    Store.open(db, read_only=False).close()
    result = runner.invoke(app, ["attach", str(tmp_path / "run"), "--db", str(db)])
    assert result.exit_code == 2 and "has not finished" in result.stderr
    result = runner.invoke(app, ["attach", str(tmp_path / "nowhere"), "--db", str(db)])
    assert result.exit_code == 2 and "holds no comity run" in result.stderr


# -- a run killed mid-way ---------------------------------------------------------------------


@pytest.mark.slow
def test_cli_read_killed_and_resumed_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import time

    path = write_jsonl(tmp_path / "in.jsonl", records(300))
    db = tmp_path / "store.duckdb"
    Store.open(db, read_only=False).close()
    args = ["--chunk-size", "15", "--jobs", "2", "--no-progress", "--store", "--db", str(db)]
    # No time budget: on a loaded machine a document over it would be skipped in one run only.
    args += ["--time-budget", "0"]
    command = [sys.executable, "-m", "comity.cli", "read", str(path), "--out", str(tmp_path / "run"), *args]
    # A session of its own, so that the kill reaches the worker processes too.
    first = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    manifest = tmp_path / "run" / "manifest.json"
    deadline = time.monotonic() + 300
    finished: dict[str, object] = {}
    while time.monotonic() < deadline and first.poll() is None:
        try:
            finished = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            finished = {}
        if len(finished.get("chunks", {})) >= 3:  # type: ignore[arg-type]
            break
        time.sleep(0.05)
    assert first.poll() is None, "the run ended before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    state = json.loads(manifest.read_text(encoding="utf-8"))
    assert not state["finished"] and 3 <= len(state["chunks"]) < 20

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    assert summary["resumed_chunks"] == len(state["chunks"]) and summary["documents"] == 300

    whole = [a.replace(str(db), str(tmp_path / "other.duckdb")) for a in command]
    whole[whole.index(str(tmp_path / "run"))] = str(tmp_path / "whole")
    Store.open(tmp_path / "other.duckdb", read_only=False).close()
    # The same command, never interrupted (in this process: one start-up less).
    uninterrupted = runner.invoke(app, whole[3:])
    assert uninterrupted.exit_code == 0, uninterrupted.output
    assert _tables(tmp_path / "run") == _tables(tmp_path / "whole")
    assert sorted(p.name for p in (tmp_path / "run" / "facts").iterdir()) == sorted(
        p.name for p in (tmp_path / "whole" / "facts").iterdir()
    )
    with Store.open(db) as store, Store.open(tmp_path / "other.duckdb") as other:
        assert store.count("documents") == 300
        [(distinct,)] = store.con.execute("SELECT count(DISTINCT doc_id) FROM documents").fetchall()
        assert distinct == 300
        query = "SELECT * FROM facts ORDER BY ALL"
        assert store.query(query).equals(other.query(query))
        stories = "SELECT doc_id, story_id FROM documents ORDER BY doc_id"
        assert store.query(stories).equals(other.query(stories))
