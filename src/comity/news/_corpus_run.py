"""Reading a corpus of any size: streamed in chunks, written as partitioned Parquet, resumable.

A run reads its inputs as a stream of :class:`InputChunk` (``chunk_size`` documents each, in
input order), runs the reader over each chunk (:func:`read_chunk`, a pure function of the chunk:
any engine may call it, in any process) and writes each finished chunk at once
(:func:`write_chunk`): ``OUT/documents/part-NNNNN.parquet`` and ``OUT/facts/part-NNNNN.parquet``,
each file written under a temporary name and renamed, so that a part is whole or absent. A
small manifest (``OUT/manifest.json``) records the finished chunks with the input's fingerprint
and comity's version; a run killed mid-way and started again skips the chunks it lists, and
ends with the same files as a run that was never interrupted. Each chunk also writes the story
keys of its documents (``OUT/story_keys/part-NNNNN.parquet``, about 2 KB a document, see
:mod:`comity.news._story_keys`); stories are grouped at the end from the keys alone, in time
linear in the corpus, and written to ``OUT/stories/part-00000.parquet`` (``doc_id``,
``story_id``).

Nothing of a chunk's documents is kept once it is written: memory depends on the chunk size,
not on the size of the corpus (except the document ids, kept to refuse duplicates, and the
story keys while stories are grouped at the end).

The tables are those of the store: ``documents`` (without ``story_id``, which is in
``stories``) and ``facts`` (see :func:`comity.news._store.document_facts`); DuckDB reads them
directly (``SELECT * FROM read_parquet('OUT/facts/*.parquet')``) and ``comity attach OUT``
makes them views of the store.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import re
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from comity.errors import BadInput, ComityError, FileError
from comity.news._input import (
    DEFAULT_MAX_BYTES,
    InputDoc,
    ParquetColumns,
    Skipped,
    iter_documents,
    list_input_files,
    unique_documents,
)
from comity.news._pipeline import DEFAULT_TIME_BUDGET

if TYPE_CHECKING:
    import pyarrow as pa

    from comity.news._pipeline import Pipeline
    from comity.store import Store

__all__ = [
    "CorpusChunk",
    "CorpusRun",
    "CorpusRunSummary",
    "DEFAULT_CHUNK_SIZE",
    "InputChunk",
    "attach_corpus",
    "documents_schema",
    "facts_schema",
    "input_fingerprint",
    "iter_input_chunks",
    "read_chunk",
    "read_corpus",
    "read_in_window",
    "stories_schema",
    "write_chunk",
]

#: Documents per chunk: the unit of work sent to a worker, of writing and of resumption.
DEFAULT_CHUNK_SIZE = 500
#: Documents the reader takes through its stages together (see :meth:`Pipeline.pipe`).
READ_BATCH = 32
#: Documents per task of the local engine's workers: each chunk is read in pieces of whole
#: batches, so that at the end of a run no worker waits while another reads a whole chunk.
PIECE_SIZE = 2 * READ_BATCH
#: Version of the output layout, recorded in the manifest.
LAYOUT_VERSION = 1
MANIFEST = "manifest.json"
_TABLES = ("documents", "facts")
# Parts of every chunk, each written under its chunk's number.
_PARTS = (*_TABLES, "story_keys")


def documents_schema() -> pa.Schema:
    """Columns of ``documents`` parts: the store's ``documents`` table without ``story_id``."""
    import pyarrow as pa

    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("url", pa.string()),
            ("outlet", pa.string()),
            ("published", pa.string()),
            ("text", pa.string()),
            ("sha256", pa.string()),
            ("source_path", pa.string()),
        ]
    )


def facts_schema() -> pa.Schema:
    """Columns of ``facts`` parts: those of the store's ``facts`` table (payload as JSON text)."""
    import pyarrow as pa

    return pa.schema(
        [
            ("doc_id", pa.string()),
            ("fact_type", pa.string()),
            ("payload", pa.string()),
            ("start_char", pa.int64()),
            ("end_char", pa.int64()),
            ("confidence", pa.float64()),
            ("stage", pa.string()),
        ]
    )


def stories_schema() -> pa.Schema:
    """Columns of ``stories`` parts: each document's story."""
    import pyarrow as pa

    return pa.schema([("doc_id", pa.string()), ("story_id", pa.string())])


@dataclass
class InputChunk:
    """Documents read from the inputs, not yet through the reader.

    Attributes
    ----------
    index:
        0-based position of the chunk in the run; names its parts (``part-00003.parquet``).
    items:
        The documents, in input order.
    skipped:
        Inputs met while this chunk was filled that could not be read, with the reason.
    bytes_read:
        Input bytes (as stored on disk) consumed up to the end of this chunk, for progress.
    stored:
        Documents of the chunk left out of ``items`` because the store holds them already, with
        the same text (a run into the store alone never reads them again).
    """

    index: int
    items: list[InputDoc]
    skipped: list[Skipped] = field(default_factory=list)
    bytes_read: int = 0
    stored: int = 0


@dataclass
class CorpusChunk:
    """One chunk read: its rows, ready to be written.

    Attributes
    ----------
    index:
        The chunk's position in the run.
    documents, facts:
        pyarrow Tables of :func:`documents_schema` and :func:`facts_schema`, in input order.
    story_keys:
        Each document's story keys (:func:`comity.news._story_keys.keys_schema`), from which
        stories are grouped at the end of the run.
    skipped:
        Inputs that could not be read (from :class:`InputChunk`) and documents the reader gave up
        on (over its time budget).
    """

    index: int
    documents: pa.Table
    facts: pa.Table
    story_keys: pa.Table | None = None
    skipped: list[Skipped] = field(default_factory=list)


@dataclass
class CorpusRunSummary:
    """What a run did.

    Attributes
    ----------
    documents, facts, skipped:
        Totals over the whole run (chunks finished by an earlier, interrupted run included).
    stored:
        Documents not written to the store because it held them already, with the same text
        (over the whole run, as ``documents``).
    chunks:
        Chunks in the run; ``resumed`` of them were finished by an earlier run.
    stories:
        Distinct stories.
    seconds:
        Wall time of this call.
    out:
        The output folder, if any.
    """

    documents: int
    facts: int
    skipped: int
    chunks: int
    resumed: int
    stories: int
    seconds: float
    out: Path | None = None

    @property
    def docs_per_second(self) -> float:
        """Documents read by this call per second (chunks resumed from an earlier run not counted)."""
        return 0.0 if self.seconds <= 0 else self.documents_read / self.seconds

    #: Documents read by this call.
    documents_read: int = 0
    stored: int = 0

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary."""
        return {
            "documents": self.documents,
            "facts": self.facts,
            "skipped": self.skipped,
            "already_stored": self.stored,
            "chunks": self.chunks,
            "resumed_chunks": self.resumed,
            "stories": self.stories,
            "seconds": round(self.seconds, 3),
            "docs_per_second": round(self.docs_per_second, 1),
            "out": str(self.out) if self.out is not None else None,
        }


# -- input ------------------------------------------------------------------------------------


def iter_input_chunks(
    paths: Iterable[str | Path],
    *,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    columns: ParquetColumns | None = None,
    stdin: BinaryIO | None = None,
) -> Iterator[InputChunk]:
    """Stream the documents under ``paths`` in chunks of ``chunk_size``.

    The chunks depend only on the inputs and ``chunk_size``: reading the same inputs again
    gives the same chunks, which is what lets a run resume. A second document with an id
    already read is skipped (ids key the output); inputs that cannot be read are carried in the
    chunk being filled when they are met.

    Parameters
    ----------
    paths:
        As for :func:`~comity.news.iter_documents`: files (``.txt``, ``.html``, ``.jsonl``,
        ``.jsonl.gz``, ``.jsonl.zst``, ``.parquet``), directories, ``-`` for stdin.
    chunk_size:
        Documents per chunk (the last may hold fewer).
    max_bytes:
        Documents larger than this are skipped (one JSON line or Parquet row, or one text file).
    columns:
        Column names of Parquet inputs.
    stdin:
        The stream read for ``-``.

    Examples
    --------
    >>> for chunk in iter_input_chunks(["wire.jsonl.zst"], chunk_size=1000):  # doctest: +SKIP
    ...     print(chunk.index, len(chunk.items))
    """
    if chunk_size < 1:
        raise BadInput(f"chunk_size must be at least 1, not {chunk_size}.", hint="Give for instance 500.")
    consumed = 0

    def count(size: int) -> None:
        nonlocal consumed
        consumed += size

    index = 0
    items: list[InputDoc] = []
    skipped: list[Skipped] = []
    stream = iter_documents(paths, max_bytes=max_bytes, stdin=stdin, columns=columns, on_bytes=count)
    for item in unique_documents(stream):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        items.append(item)
        if len(items) == chunk_size:
            yield InputChunk(index, items, skipped, consumed)
            index += 1
            items, skipped = [], []
    if items or skipped:
        yield InputChunk(index, items, skipped, consumed)


def input_size(paths: Iterable[str | Path]) -> int:
    """Bytes on disk of the inputs (0 for stdin), the total a progress bar counts towards."""
    total = 0
    for item in paths:
        path = Path(item)
        if str(item) == "-":
            continue
        files = list_input_files(path) if path.is_dir() else [path]
        for file in files:
            with contextlib.suppress(OSError):
                total += file.stat().st_size
    return total


def input_fingerprint(
    paths: Sequence[str | Path], *, chunk_size: int, max_bytes: int, stages: Sequence[str], **options: Any
) -> dict[str, Any]:
    """What identifies a run: every input file (path, size, modification time) and the options.

    A run resumes only into a folder whose manifest holds the same fingerprint. Files are known
    by size and modification time (as ``make`` knows them), not by a hash of their content: the
    inputs of a large run would otherwise be read twice.
    """
    files: list[list[Any]] = []
    for item in paths:
        if str(item) == "-":
            files.append(["-", None, None])
            continue
        path = Path(item)
        for file in list_input_files(path) if path.is_dir() else [path]:
            try:
                stat = file.stat()
                files.append([str(file.resolve()), stat.st_size, stat.st_mtime_ns])
            except OSError:
                files.append([str(file), None, None])
    return {
        "inputs": files,
        "chunk_size": chunk_size,
        "max_bytes": max_bytes,
        "stages": list(stages),
        **{key: value for key, value in sorted(options.items())},
    }


# -- reading ----------------------------------------------------------------------------------

_PIPELINE: Pipeline | None = None


def _default_pipeline() -> Pipeline:
    global _PIPELINE
    if _PIPELINE is None:
        from comity.news._pipeline import Pipeline

        _PIPELINE = Pipeline()
    return _PIPELINE


def read_chunk(chunk: InputChunk | Sequence[InputDoc], pipeline: Pipeline | None = None) -> CorpusChunk:
    """Run the reader over one chunk and return its rows (pure: reads and writes nothing else).

    Parameters
    ----------
    chunk:
        An :class:`InputChunk`, or documents (then the chunk's index is 0).
    pipeline:
        The reader (default: all default stages, built once per process).

    Returns
    -------
    CorpusChunk
        ``documents``, ``facts`` and ``story_keys`` tables; a document the reader gives up on
        (over its time budget) is left out of them and listed in ``skipped``.
    """
    import pyarrow as pa

    from comity.errors import ExtractionError
    from comity.news._doc import NewsDoc
    from comity.news._store import document_facts, document_row
    from comity.news._story_keys import keys_to_table, story_keys

    if not isinstance(chunk, InputChunk):
        chunk = InputChunk(0, list(chunk))
    reader = pipeline if pipeline is not None else _default_pipeline()
    skipped = list(chunk.skipped)
    documents: list[dict[str, Any]] = []
    facts: list[tuple[Any, ...]] = []
    keys: list[Any] = []
    failed: dict[str, Skipped] = {}

    def give_up(doc: NewsDoc, error: ExtractionError) -> None:
        where = doc.meta.get("source_path", "")
        unit = "row" if doc.meta.get("row") is not None else "line"
        failed[doc.id] = Skipped(str(where), str(error), line=doc.meta.get(unit), unit=unit)

    docs = [NewsDoc(id=item.id, raw=item.text, text=item.text, meta=dict(item.meta)) for item in chunk.items]
    # In batches: the parse stage parses the sentences of a whole batch in one call of the model.
    read = list(reader.pipe(docs, batch_size=READ_BATCH, on_error=give_up))
    skipped.extend(failed.pop(doc.id) for doc in docs if doc.id in failed)
    for doc in read:
        row = document_row(doc)
        del row["story_id"]
        documents.append(row)
        facts.extend(document_facts(doc))
        # What story grouping needs of the document (about 2 KB); the document itself is dropped.
        keys.append(story_keys(doc))
    doc_schema, fact_schema = documents_schema(), facts_schema()
    documents_table = pa.Table.from_pylist(documents, schema=doc_schema)
    fact_columns: list[Sequence[Any]] = list(zip(*facts, strict=True)) if facts else [[]] * len(fact_schema)
    facts_table = pa.Table.from_arrays(
        [pa.array(list(column), type=f.type) for column, f in zip(fact_columns, fact_schema, strict=True)],
        schema=fact_schema,
    )
    return CorpusChunk(chunk.index, documents_table, facts_table, keys_to_table(keys), skipped)


# -- writing ----------------------------------------------------------------------------------


def _part_name(index: int) -> str:
    return f"part-{index:05d}.parquet"


def _write_table(table: pa.Table, path: Path) -> None:
    """Write ``table`` to ``path`` whole or not at all (a temporary name, then a rename)."""
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        pq.write_table(table, temporary, compression="zstd")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


def write_chunk(chunk: CorpusChunk, out_dir: str | Path, index: int | None = None) -> None:
    """Write a read chunk's parts under ``out_dir``, each atomically.

    ``out_dir/documents/part-NNNNN.parquet`` and ``out_dir/facts/part-NNNNN.parquet`` (and the
    chunk's story keys, when it has them), with ``NNNNN`` the chunk's index (or ``index``).
    Writing a chunk again replaces its parts with the same content. The manifest is not touched:
    :meth:`CorpusRun.record` marks the chunk finished once its parts (and store rows) are written.
    """
    folder = Path(out_dir)
    number = chunk.index if index is None else index
    try:
        _write_table(chunk.documents, folder / "documents" / _part_name(number))
        _write_table(chunk.facts, folder / "facts" / _part_name(number))
        if chunk.story_keys is not None:
            _write_table(chunk.story_keys, folder / "story_keys" / _part_name(number))
    except OSError as exc:
        raise FileError.from_os_error(exc, action="write") from exc


def _atomic_write_text(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        temporary.write_text(text, encoding="utf-8")
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise


class CorpusRun:
    """The output folder of a run and its manifest: which chunks are finished.

    Open with :meth:`open`; engines call :meth:`record` after each chunk's parts (and store rows)
    are written, and :meth:`finish` with the stories at the end. The manifest is rewritten
    atomically each time, so that it always describes whole parts.

    Parameters
    ----------
    folder:
        The output folder.
    fingerprint:
        :func:`input_fingerprint` of the run.
    """

    def __init__(self, folder: Path, fingerprint: dict[str, Any]) -> None:
        self.folder = folder
        self.fingerprint = fingerprint
        self.chunks: dict[int, dict[str, int]] = {}
        self.finished = False

    @classmethod
    def open(cls, folder: str | Path, *, fingerprint: dict[str, Any], resume: bool = True) -> CorpusRun:
        """Open ``folder`` for a run: resume the run it holds, or start one there.

        Raises
        ------
        BadInput
            ``folder`` holds other files, or a run of other inputs, options or comity version
            (with ``resume``: use ``resume=False`` to replace it).
        FileError
            ``folder`` cannot be created.
        """
        from comity import __version__

        path = Path(folder)
        run = cls(path, fingerprint)
        manifest = path / MANIFEST
        if path.exists() and not path.is_dir():
            raise BadInput(f"--out {path} is a file, not a folder.", hint="Give a new or empty folder.")
        if path.is_dir() and not manifest.is_file():
            ours = {*_PARTS, "stories"}
            others = sorted(p.name for p in path.iterdir() if p.name not in ours)
            if others:
                raise BadInput(
                    f"--out {path} holds other files ({', '.join(others[:3])}), not a comity run.",
                    hint="Give a new or empty folder for the run's output.",
                )
        stdin = any(entry[0] == "-" for entry in fingerprint.get("inputs", []))
        if manifest.is_file() and resume and not stdin:
            try:
                state = json.loads(manifest.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise BadInput(
                    f"The run manifest {manifest} cannot be read ({exc}).",
                    hint="Start the run again with --no-resume (the folder's parts are replaced).",
                ) from exc
            if state.get("fingerprint") != fingerprint or state.get("comity_version") != __version__:
                why = (
                    "another comity version"
                    if state.get("comity_version") != __version__
                    else "other inputs or options"
                )
                raise BadInput(
                    f"--out {path} holds a run of {why}; it cannot be resumed with these.",
                    hint="Give another --out folder, or --no-resume to replace that run.",
                )
            run.chunks = {int(key): value for key, value in state.get("chunks", {}).items()}
            run.finished = bool(state.get("finished"))
            return run
        # A new run: the parts of an earlier one (other inputs, or --no-resume) are removed.
        try:
            for name in (*_PARTS, "stories"):
                shutil.rmtree(path / name, ignore_errors=True)
            path.mkdir(parents=True, exist_ok=True)
            run._save()
        except OSError as exc:
            raise FileError.from_os_error(exc, action="write") from exc
        return run

    @property
    def done(self) -> set[int]:
        """Indices of the finished chunks."""
        return set(self.chunks)

    def _save(self) -> None:
        from comity import __version__

        state = {
            "layout": LAYOUT_VERSION,
            "comity_version": __version__,
            "fingerprint": self.fingerprint,
            "finished": self.finished,
            "chunks": {str(key): self.chunks[key] for key in sorted(self.chunks)},
        }
        _atomic_write_text(self.folder / MANIFEST, json.dumps(state, indent=1, sort_keys=True))

    def record(self, index: int, *, documents: int, facts: int, skipped: int, stored: int = 0) -> None:
        """Mark chunk ``index`` finished (its parts and store rows are written)."""
        self.chunks[index] = {"documents": documents, "facts": facts, "skipped": skipped}
        if stored:
            self.chunks[index]["stored"] = stored
        try:
            self._save()
        except OSError as exc:
            raise FileError.from_os_error(exc, action="write") from exc

    def totals(self) -> dict[str, int]:
        """Documents, facts, skipped inputs and documents already stored, over the finished chunks."""
        keys = ("documents", "facts", "skipped", "stored")
        return {key: sum(entry.get(key, 0) for entry in self.chunks.values()) for key in keys}

    def group_stories(self) -> pa.Table:
        """Group the documents of every finished chunk into stories, from their story keys alone.

        Returns
        -------
        pyarrow.Table
            ``(doc_id, story_id)`` of :func:`stories_schema`, in input order.
        """
        import pyarrow as pa
        import pyarrow.parquet as pq

        from comity.news._story_keys import group_story_keys, keys_from_table

        keys: list[Any] = []
        for index in sorted(self.chunks):
            path = self.folder / "story_keys" / _part_name(index)
            try:
                keys.extend(keys_from_table(pq.read_table(path)))
            except (OSError, pa.ArrowException) as exc:
                raise ComityError(
                    f"The run in {self.folder} lacks the story keys of chunk {index} ({exc}).",
                    hint="Start the run again with --no-resume.",
                ) from exc
        stories = group_story_keys(keys)
        ids = [item.doc_id for item in keys]
        return pa.Table.from_pydict(
            {"doc_id": ids, "story_id": [stories.get(doc_id) for doc_id in ids]}, schema=stories_schema()
        )

    def finish(self, stories: pa.Table) -> None:
        """Write the stories, remove parts of no finished chunk, and mark the run finished."""
        try:
            _write_table(stories, self.folder / "stories" / _part_name(0))
            keep = {_part_name(index) for index in self.chunks}
            for name in _PARTS:
                folder = self.folder / name
                if folder.is_dir():
                    for part in folder.iterdir():
                        if part.name not in keep:
                            part.unlink()
            self.finished = True
            self._save()
        except OSError as exc:
            raise FileError.from_os_error(exc, action="write") from exc


# -- the local engine -------------------------------------------------------------------------

_WORKER_PIPELINE: Pipeline | None = None


def _work(chunk: InputChunk) -> CorpusChunk:
    return read_chunk(chunk, _WORKER_PIPELINE)


def split_chunk(chunk: InputChunk, size: int = PIECE_SIZE) -> list[InputChunk]:
    """The chunk's documents in pieces of ``size`` (the chunk's skipped inputs in none of them).

    ``size`` is rounded up to whole batches of ``READ_BATCH`` documents, so that the reader
    takes the same batches through its stages as over the whole chunk: reading the pieces and
    joining them with :func:`join_readings` gives what :func:`read_chunk` gives for the chunk.
    """
    size = max(READ_BATCH, -(-size // READ_BATCH) * READ_BATCH)
    items = chunk.items
    return [InputChunk(chunk.index, items[start : start + size]) for start in range(0, len(items), size)] or [
        InputChunk(chunk.index, [])
    ]


def join_readings(chunk: InputChunk, readings: Sequence[CorpusChunk]) -> CorpusChunk:
    """One chunk's reading from the readings of its pieces (:func:`split_chunk`), in order."""
    import pyarrow as pa

    def joined(tables: list[pa.Table]) -> pa.Table:
        # One contiguous array per column, as read_chunk builds it: the Parquet parts written
        # from it are the same bytes.
        return pa.concat_tables(tables).combine_chunks()

    keys = [r.story_keys for r in readings if r.story_keys is not None]
    return CorpusChunk(
        chunk.index,
        joined([r.documents for r in readings]),
        joined([r.facts for r in readings]),
        joined(keys) if keys else None,
        [*chunk.skipped, *(item for r in readings for item in r.skipped)],
    )


def _chunks_in_order(
    chunks: Iterator[InputChunk], done: set[int], jobs: int
) -> Iterator[tuple[InputChunk, CorpusChunk | None]]:
    """Each chunk with its reading (None for a chunk finished earlier), in order.

    The workers read pieces of ``PIECE_SIZE`` documents (:func:`split_chunk`), taken in input
    order as each worker comes free, so that all are busy until the last piece. At most
    ``2 * jobs`` chunks are in flight, so the input is read only as fast as the workers read
    documents (``Pool.imap`` would read all of it ahead into its queue).
    """
    if jobs <= 1:
        for chunk in chunks:
            yield chunk, None if chunk.index in done else _work(chunk)
        return
    import multiprocessing

    # fork shares the loaded gazetteer and spaCy model with the workers; spawn would rebuild them
    # (read_corpus has frozen them out of the garbage collector's passes: see there).
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    yield from _in_pool(multiprocessing.get_context(method).Pool(jobs), chunks, done, jobs)


def _in_pool(
    pool: Any, chunks: Iterator[InputChunk], done: set[int], jobs: int
) -> Iterator[tuple[InputChunk, CorpusChunk | None]]:
    with pool:
        yield from read_in_window(
            chunks,
            done,
            submit=lambda piece: pool.apply_async(_work, (piece,)),
            gather=lambda pending: [piece.get() for piece in pending],
            in_flight=2 * jobs,
        )


def read_in_window(
    chunks: Iterator[InputChunk],
    done: set[int],
    *,
    submit: Callable[[InputChunk], Any],
    gather: Callable[[list[Any]], list[CorpusChunk]],
    in_flight: int,
) -> Iterator[tuple[InputChunk, CorpusChunk | None]]:
    """Each chunk with its reading (None for a chunk finished earlier), in input order: the
    window of chunks in flight that every engine uses.

    Each chunk not in ``done`` is cut into pieces (:func:`split_chunk`), each sent to a worker
    with ``submit(piece)`` (which returns a handle: an ``AsyncResult``, a Dask future) as the
    chunk is read; ``gather(handles)`` waits for a chunk's readings, which are joined
    (:func:`join_readings`). At most ``in_flight`` chunks are sent ahead of the one being
    waited for, so the input is read only as fast as the workers read documents, and the
    pieces queued keep every worker busy until the last one.
    """
    from collections import deque

    window: deque[tuple[InputChunk, list[Any] | None]] = deque()

    def finished(chunk: InputChunk, pending: list[Any] | None) -> CorpusChunk | None:
        return None if pending is None else join_readings(chunk, gather(pending))

    for chunk in chunks:
        pending = None if chunk.index in done else [submit(piece) for piece in split_chunk(chunk)]
        window.append((chunk, pending))
        while len(window) > in_flight or (window and window[0][1] is None):
            first, reading = window.popleft()
            yield first, finished(first, reading)
    while window:
        first, reading = window.popleft()
        yield first, finished(first, reading)


class _Progress:
    """A progress bar on stderr: documents, documents/s and the time left (from input bytes)."""

    def __init__(self, total_bytes: int, enabled: bool) -> None:
        self.enabled = enabled
        self.docs = 0
        self.started = time.monotonic()
        if not enabled:
            return
        from rich.console import Console
        from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

        self.bar = Progress(
            TextColumn("reading"),
            BarColumn(),
            TextColumn("{task.percentage:>3.0f}%"),
            TextColumn("{task.fields[docs]:,} docs"),
            TextColumn("{task.fields[rate]:.0f} docs/s"),
            TimeElapsedColumn(),
            TextColumn("left"),
            TimeRemainingColumn(),
            console=Console(stderr=True),
            transient=False,
        )
        self.task = self.bar.add_task("read", total=total_bytes or None, docs=0, rate=0.0)
        self.bar.start()

    def update(self, docs: int, bytes_read: int) -> None:
        self.docs += docs
        if self.enabled:
            rate = self.docs / max(time.monotonic() - self.started, 1e-9)
            self.bar.update(self.task, completed=bytes_read, docs=self.docs, rate=rate)

    def close(self) -> None:
        if self.enabled:
            self.bar.stop()


def read_corpus(
    paths: Sequence[str | Path],
    *,
    out: str | Path | None = None,
    store: Store | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    jobs: int = 0,
    progress: bool | None = None,
    resume: bool = True,
    max_bytes: int = DEFAULT_MAX_BYTES,
    columns: ParquetColumns | None = None,
    stages: Sequence[str] | None = None,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
    stdin: BinaryIO | None = None,
    on_skipped: Callable[[Skipped], None] | None = None,
    executor: Callable[..., Iterator[tuple[InputChunk, CorpusChunk | None]]] | None = None,
    grouper: Callable[[Path, CorpusRun], pa.Table] | None = None,
) -> CorpusRunSummary:
    """Read a corpus chunk by chunk into partitioned Parquet and/or the store, resumably.

    Parameters
    ----------
    paths:
        Inputs, as for :func:`iter_input_chunks`.
    out:
        Folder of the Parquet output and of the run's manifest.
    store:
        An open, writable store: each chunk's documents, facts and story keys are saved in one
        transaction. A document the store holds already with the same text (same id and
        SHA-256) is not written again (without ``out``, not even read), so a run started again,
        after it finished or was killed, stores nothing twice; a document whose text changed
        replaces the stored one. At the end the new documents are grouped with the stored
        stories (:func:`~comity.news._store.group_stored_stories`: they join the stories they
        belong to, stored stories keep their ids). Without ``out`` the manifest lives in a
        folder of the user cache (removed when the run ends), so a store-only run resumes too.
    chunk_size:
        Documents per chunk.
    jobs:
        Worker processes (0: one per CPU).
    progress:
        Show a progress bar on stderr; None: only when stderr is a terminal.
    resume:
        Continue the run the output folder holds (same inputs and options); False starts over.
    max_bytes, columns, stdin:
        As for :func:`iter_input_chunks`.
    stages:
        The reader's stages (default: all default stages).
    time_budget:
        Seconds one document may take before it is skipped and reported (None: no limit). A
        loaded machine may push a document over it; without a limit, the output depends on the
        inputs alone (what a check of a resumed run against an uninterrupted one needs).
    on_skipped:
        Called with each input that could not be read (default: printed on stderr).
    executor, grouper:
        Another engine's way of reading the chunks (``executor(chunks, done, jobs)`` yields each
        :class:`InputChunk` with its :class:`CorpusChunk` from :func:`read_chunk`, or None for a
        chunk finished earlier, in input order) and of grouping the stories
        (``grouper(folder, run)``, default :meth:`CorpusRun.group_stories`); writing and the
        manifest stay here, so every engine writes the same output (see
        :mod:`comity.news._dask`).

    Returns
    -------
    CorpusRunSummary

    Examples
    --------
    >>> read_corpus(["wire.jsonl.zst"], out="wire-read", jobs=2).docs_per_second  # doctest: +SKIP
    """
    from comity.news._pipeline import Pipeline

    global _WORKER_PIPELINE
    started = time.monotonic()
    if out is None and store is None:
        raise BadInput("Nothing to write the documents to.", hint="Give an output folder (--out) or a store.")
    paths = [str(p) for p in paths]
    from comity.news._story_keys import load_story_key_resources

    # Built before the workers fork, so that they share its gazetteer and model, and what
    # story keys need.
    reader = Pipeline(stages, time_budget=time_budget)
    load_story_key_resources()
    column_names = columns if columns is not None else ParquetColumns()
    fingerprint = input_fingerprint(
        paths,
        chunk_size=chunk_size,
        max_bytes=max_bytes,
        stages=reader.stage_names,
        columns=[column_names.text, column_names.id, column_names.date],
        store=str(store.path) if store is not None else None,
    )
    scratch = out is None
    folder = Path(out) if out is not None else _scratch_folder(fingerprint)
    run = CorpusRun.open(folder, fingerprint=fingerprint, resume=resume)
    report = on_skipped if on_skipped is not None else _print_skipped
    jobs = jobs or os.cpu_count() or 1
    show = sys.stderr.isatty() if progress is None else progress
    bar = _Progress(input_size(paths), show)
    done = run.done
    resumed = len(done)
    read_now = 0
    # Objects alive now (the model, the gazetteer, the registry: most of the heap) are left out
    # of the garbage collector's passes until the run ends, in the workers as in this process: a
    # worker's full collections no longer walk them (about 2% of its time) nor write to their
    # pages, which then stay shared with this process rather than copied into each worker; and
    # the story grouping after the last chunk, which makes objects by the hundred thousand, does
    # not walk them again at each full collection (about 8% of its time at 5,000 documents).
    gc.freeze()
    try:
        if not run.finished:
            _WORKER_PIPELINE = reader
            chunks = iter_input_chunks(
                paths, chunk_size=chunk_size, max_bytes=max_bytes, columns=column_names, stdin=stdin
            )
            if store is not None and scratch:
                # Nothing but the store needs the documents it holds already: they are not read.
                chunks = _skip_stored(chunks, store, done)
            for chunk, reading in (executor or _chunks_in_order)(chunks, done, jobs):
                if reading is None:
                    for item in chunk.skipped:
                        report(item)
                    bar.update(0, chunk.bytes_read)
                    continue
                result = reading
                stored = chunk.stored + _write_reading(folder, result, store, write_tables=not scratch)
                for item in result.skipped:
                    report(item)
                run.record(
                    chunk.index,
                    documents=result.documents.num_rows,
                    facts=result.facts.num_rows,
                    skipped=len(result.skipped),
                    stored=stored,
                )
                read_now += result.documents.num_rows
                bar.update(result.documents.num_rows, chunk.bytes_read)
            stories = None
            if not scratch:
                # The Parquet output's stories are those of the run's documents alone.
                stories = grouper(folder, run) if grouper is not None else run.group_stories()
            if store is not None:
                from comity.news._store import group_stored_stories

                # The store's: the documents not yet in a story (this run's, those of a killed
                # earlier run) join the stored stories or form new ones.
                grouped = group_stored_stories(store)
                if stories is None:
                    stories = _stories_table(grouped)
            run.finish(stories if stories is not None else _stories_table({}))
        story_count = _count_stories(folder)
    finally:
        gc.unfreeze()
        _WORKER_PIPELINE = None
        bar.close()
    totals = run.totals()
    if scratch:
        shutil.rmtree(folder, ignore_errors=True)
    return CorpusRunSummary(
        documents=totals["documents"],
        facts=totals["facts"],
        skipped=totals["skipped"],
        chunks=len(run.chunks),
        resumed=resumed,
        stories=story_count,
        seconds=time.monotonic() - started,
        out=None if scratch else folder,
        documents_read=read_now,
        stored=totals["stored"],
    )


def _print_skipped(item: Skipped) -> None:
    print(str(item), file=sys.stderr)


def _scratch_folder(fingerprint: dict[str, Any]) -> Path:
    from platformdirs import user_cache_dir

    digest = hashlib.sha256(json.dumps(fingerprint, sort_keys=True).encode()).hexdigest()[:16]
    return Path(user_cache_dir("comity")) / "runs" / digest


def _skip_stored(chunks: Iterator[InputChunk], store: Store, done: set[int]) -> Iterator[InputChunk]:
    """The chunks without the documents the store holds already with the same text."""
    from comity.news._store import stored_with_hash
    from comity.store import sha256_of

    for chunk in chunks:
        if chunk.index not in done and chunk.items:
            # The hash of the text as published: document_row's, so a stored text matches.
            hashes = [sha256_of(item.text) for item in chunk.items]
            stored = stored_with_hash(store, [item.id for item in chunk.items], hashes)
            if stored:
                items = [item for item in chunk.items if item.id not in stored]
                chunk = InputChunk(
                    chunk.index, items, chunk.skipped, chunk.bytes_read, chunk.stored + len(stored)
                )
        yield chunk


def _write_reading(folder: Path, result: CorpusChunk, store: Store | None, *, write_tables: bool) -> int:
    """Write a chunk's parts (``write_tables``) and store rows; return the documents already stored."""
    if write_tables:
        write_chunk(result, folder)
    if store is None:
        return 0
    import pyarrow as pa
    import pyarrow.compute as pc

    from comity.news._store import save_tables, stored_with_hash

    documents, facts, keys = result.documents, result.facts, result.story_keys
    # The Parquet output needs every document; the store only those it lacks (a chunk read again
    # after a kill between the store's commit and the manifest, or a run over stored documents).
    stored = stored_with_hash(
        store, documents.column("doc_id").to_pylist(), documents.column("sha256").to_pylist()
    )
    if stored:
        known = pa.array(sorted(stored), pa.string())
        documents = documents.filter(pc.invert(pc.is_in(documents.column("doc_id"), value_set=known)))
        facts = facts.filter(pc.invert(pc.is_in(facts.column("doc_id"), value_set=known)))
        if keys is not None:
            keys = keys.filter(pc.invert(pc.is_in(keys.column("doc_id"), value_set=known)))
    save_tables(store, documents, facts, keys)
    return len(stored)


def _stories_table(stories: dict[str, str]) -> pa.Table:
    import pyarrow as pa

    ids = sorted(stories)
    return pa.Table.from_pydict(
        {"doc_id": ids, "story_id": [stories[i] for i in ids]}, schema=stories_schema()
    )


def _count_stories(folder: Path) -> int:
    import pyarrow.parquet as pq

    path = folder / "stories" / _part_name(0)
    if not path.is_file():
        return 0
    column = pq.read_table(path, columns=["story_id"]).column("story_id")
    return len(set(column.to_pylist()))


# -- attaching --------------------------------------------------------------------------------

_VIEW_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,62}$")


def attach_corpus(store: Store, folder: str | Path, *, name: str = "corpus") -> dict[str, int]:
    """Create views of a finished run's Parquet output in ``store``: ``NAME_documents`` (with
    ``story_id``), ``NAME_facts`` and ``NAME_stories``.

    The views read the Parquet files where they are (by absolute path); nothing is copied.

    Returns
    -------
    dict
        Each view's name and its number of rows.

    Raises
    ------
    BadInput
        ``folder`` holds no finished run, or ``name`` is not a plain SQL name.
    """
    path = Path(folder).resolve()
    if not _VIEW_NAME.match(name):
        raise BadInput(
            f"--name {name!r} cannot name a view.",
            hint="Use letters, digits and underscores, starting with a letter (e.g. wire_2024).",
        )
    manifest = path / MANIFEST
    try:
        state = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(
            f"{folder} holds no comity run ({manifest.name} is missing or unreadable).",
            hint="Give the --out folder of `comity read --out`.",
        ) from exc
    if not state.get("finished"):
        raise BadInput(
            f"The run in {folder} has not finished.",
            hint="Run the same `comity read --out` command again: it continues where it stopped.",
        )

    def parts(table: str) -> str:
        pattern = str(path / table / "*.parquet").replace("'", "''")
        return f"read_parquet('{pattern}')"

    views = {
        f"{name}_documents": (
            f"SELECT d.doc_id, s.story_id, d.url, d.outlet, d.published, d.text, d.sha256, d.source_path "
            f"FROM {parts('documents')} AS d LEFT JOIN {parts('stories')} AS s USING (doc_id)"
        ),
        f"{name}_facts": f"SELECT * FROM {parts('facts')}",
        f"{name}_stories": f"SELECT * FROM {parts('stories')}",
    }
    counts: dict[str, int] = {}
    with store.transaction():
        for view, query in views.items():
            store.con.execute(f'CREATE OR REPLACE VIEW "{view}" AS {query}')
    for view in views:
        row = store.con.execute(f'SELECT count(*) FROM "{view}"').fetchone()
        counts[view] = int(row[0]) if row else 0
    return counts
