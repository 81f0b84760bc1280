"""The Dask engine of ``comity read``: the reader's stages on a Dask distributed cluster.

The client (this process) reads the input in chunks, as the local engine does, and sends each
chunk to a worker. A worker builds the pipeline (spaCy, the registry's gazetteer) once and
sends back the chunk's rows; the client writes them with the local engine's own code
(:func:`comity.news._corpus_run.read_corpus`, given this engine's executor), so both engines
write the same Parquet parts and the same manifest, and a killed run resumes with either.
Stories are grouped on the cluster by an LSH shuffle: each document's story keys (computed on
the workers) are exploded into its blocks, the rows shuffled so that one block lands in one
partition, each block's candidate pairs verified there with the local engine's bound on work,
and only the verified pairs come back; the client replays the local engine's walk over them
(union-find) and the components are clustered on the workers. The stories are the same, with
the same ids, as the local engine's (:func:`comity.news._story_keys.group_story_keys`).

With no scheduler address a :class:`distributed.LocalCluster` of ``n_workers`` processes is
started on this machine; with one (``tcp://host:8786``) the engine connects to a running
cluster: dask-jobqueue on a batch system, dask-kubernetes, a Dask Gateway. The workers need
comity installed (``pip install "comity[dask]"``), not the input or output files.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from comity.errors import BadInput, ComityError
from comity.news._pipeline import DEFAULT_TIME_BUDGET

if TYPE_CHECKING:
    from comity.news._corpus_run import CorpusRunSummary

__all__ = ["dask_client", "read_corpus_dask", "require_dask"]

#: What a user installs for the Dask engine.
INSTALL_HINT = "pip install 'comity[dask]'"
#: Seconds to wait for a scheduler given by address before saying it cannot be reached.
CONNECT_TIMEOUT = 10.0


def require_dask() -> None:
    """Raise :class:`BadInput` naming the extra to install when dask.distributed is missing."""
    try:
        import dask.dataframe  # noqa: F401
        import distributed  # noqa: F401
    except ImportError as error:
        raise BadInput(
            f"The Dask engine needs dask and distributed, which are not installed ({error.name} is missing).",
            hint=f"Install them with: {INSTALL_HINT}; or use --engine local.",
        ) from error


@contextlib.contextmanager
def dask_client(
    scheduler: str | None = None,
    *,
    n_workers: int = 2,
    threads_per_worker: int = 1,
    timeout: float = CONNECT_TIMEOUT,
) -> Iterator[Any]:
    """A :class:`distributed.Client`: to ``scheduler`` if given, else to a new LocalCluster.

    Parameters
    ----------
    scheduler:
        The address of a running scheduler (``tcp://10.0.0.5:8786``); None starts a
        LocalCluster on this machine.
    n_workers, threads_per_worker:
        The LocalCluster's worker processes and threads in each (unused with ``scheduler``).
        One thread a worker: spaCy holds the interpreter lock, so processes, not threads,
        give parallel reading.
    timeout:
        Seconds to wait for ``scheduler`` to answer.

    Raises
    ------
    BadInput
        dask is not installed, or the scheduler cannot be reached.
    """
    require_dask()
    from distributed import Client, LocalCluster

    if scheduler is None:
        if n_workers < 1:
            raise BadInput(f"--workers must be at least 1, not {n_workers}.", hint="Give --workers 2.")
        with (
            LocalCluster(  # type: ignore[no-untyped-call]
                n_workers=n_workers,
                threads_per_worker=threads_per_worker,
                processes=True,
                # A free port: the default 8787 may be taken (another cluster), and the
                # dashboard is not needed by comity.
                dashboard_address=":0",
                silence_logs=logging.ERROR,
            ) as cluster,
            Client(cluster) as client,  # type: ignore[no-untyped-call]
        ):
            yield client
        return
    try:
        client = Client(scheduler, timeout=timeout)  # type: ignore[no-untyped-call]
    except (OSError, TimeoutError, ValueError) as error:
        raise BadInput(
            f"Cannot reach the Dask scheduler at {scheduler!r}: {error}",
            hint="Check the address (tcp://HOST:8786) and that the scheduler is running and reachable "
            "from here; or leave out --scheduler to start a local cluster.",
        ) from error
    try:
        yield client
    finally:
        client.close()  # type: ignore[no-untyped-call]


def read_corpus_dask(
    paths: Sequence[str | Path],
    out: str | Path | None = None,
    *,
    scheduler: str | None = None,
    n_workers: int = 2,
    timeout: float = CONNECT_TIMEOUT,
    **options: Any,
) -> CorpusRunSummary:
    """Read a corpus on a Dask cluster into the same partitioned Parquet as the local engine.

    Parameters
    ----------
    paths, out:
        As for :func:`comity.news._corpus_run.read_corpus`: inputs (read by this process,
        chunk by chunk) and the output folder (written by this process, chunk by chunk, with the
        same manifest, so that a killed run resumes with either engine).
    scheduler:
        Address of a running scheduler; None starts a LocalCluster of ``n_workers`` processes.
    n_workers:
        Worker processes of the LocalCluster.
    timeout:
        Seconds to wait for ``scheduler``.
    **options:
        Passed to ``read_corpus`` (``store``, ``chunk_size``, ``progress``, ``resume``,
        ``max_bytes``, ``columns``, ``stages``, ``on_skipped``).

    Returns
    -------
    CorpusRunSummary

    Examples
    --------
    >>> read_corpus_dask(["wire.jsonl"], out="wire-read", scheduler="tcp://10.0.0.5:8786")  # doctest: +SKIP
    """
    from comity.news._corpus_run import read_corpus

    stages = options.get("stages")
    budget = options.get("time_budget", DEFAULT_TIME_BUDGET)
    with dask_client(scheduler, n_workers=n_workers, timeout=timeout) as client:

        def execute(chunks: Iterator[Any], done: set[int], jobs: int) -> Iterator[tuple[Any, Any]]:
            return dask_chunks_in_order(client, chunks, done, stages=stages, time_budget=budget)

        def group(folder: Path, run: Any) -> Any:
            return _group_run(client, folder, run)

        return read_corpus(paths, out=out, executor=execute, grouper=group, **options)


# -- on the workers -------------------------------------------------------------------------

# One pipeline per worker process and stage list, built by the first chunk it reads: spaCy and
# the gazetteer's automaton take seconds to load and are then shared by every later chunk.
_PIPELINES: dict[tuple[tuple[str, ...] | None, float | None], Any] = {}


def _worker_pipeline(stages: tuple[str, ...] | None, time_budget: float | None = DEFAULT_TIME_BUDGET) -> Any:
    if (stages, time_budget) not in _PIPELINES:
        from comity.news._pipeline import Pipeline

        _PIPELINES[stages, time_budget] = Pipeline(stages, time_budget=time_budget)
    return _PIPELINES[stages, time_budget]


def _read_on_worker(
    chunk: Any, stages: tuple[str, ...] | None, time_budget: float | None = DEFAULT_TIME_BUDGET
) -> Any:
    """Read one input chunk with the worker's pipeline: what a local engine's worker returns."""
    from comity.news._corpus_run import read_chunk

    return read_chunk(chunk, _worker_pipeline(stages, time_budget))


def dask_chunks_in_order(
    client: Any,
    chunks: Iterator[Any],
    done: set[int],
    *,
    stages: Sequence[str] | None = None,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
) -> Iterator[tuple[Any, Any]]:
    """Each input chunk with its reading on the cluster (None for a chunk finished earlier), in order.

    The local engine's window (:func:`comity.news._corpus_run.read_in_window`), with pieces
    sent to the cluster: every worker is busy until the last piece, at most two chunks per
    worker thread are in flight (the client reads the input only as fast as the cluster reads
    documents), and results come back in input order, which keeps the output and the run's
    manifest the same as the local engine's.
    """
    from distributed import KilledWorker

    from comity.news._corpus_run import read_in_window

    names = tuple(stages) if stages is not None else None
    threads = sum(client.nthreads().values()) or 1

    def submit(piece: Any) -> Any:
        return client.submit(_read_on_worker, piece, names, time_budget, pure=False)

    def gather(futures: list[Any]) -> list[Any]:
        try:
            return [future.result() for future in futures]
        except KilledWorker as error:
            raise ComityError(
                f"A Dask worker died while reading a chunk ({error}).",
                hint="See the workers' logs (out of memory?); run the same command again to resume.",
            ) from error

    return read_in_window(chunks, done, submit=submit, gather=gather, in_flight=2 * threads)


# -- story grouping: a distributed LSH shuffle ---------------------------------------------------
#
# The local engine (comity.news._story_keys.group_story_keys) walks the blocks in sorted order
# with one union-find: in a small block it passes over a pair already joined by an earlier block,
# and the copies it finds on the way are folded before average linkage. The cluster does the
# costly part, the verification of every candidate pair of every block, after a shuffle that puts
# each block in one partition; the client then replays the walk over the verified pairs only
# (blocks in the same order, the same pairs passed over), so that the stories come out the same.


def _keys_frame(table: Any) -> Any:
    """A table of story keys as a pandas frame of plain Python values (lists, bytes)."""
    import pandas as pd

    return pd.DataFrame({name: table.column(name).to_pylist() for name in table.column_names})


def _explode_blocks(frame: Any) -> Any:
    """One row per (block, document) of a partition of story keys, with the document's keys."""
    from comity.news._story_keys import StoryKeys, _block_hash, block_keys

    # Blocks are known by their 64-bit hash, as the local engine knows them (a document is in a
    # block once, and two names of one hash are one block).
    blocks = [
        sorted({_block_hash(block) for block in block_keys(StoryKeys.from_row(row))})
        for row in frame.to_dict("records")
    ]
    exploded = frame.assign(block=blocks).explode("block")
    exploded["block"] = exploded["block"].astype("int64")
    return exploded[["block", *frame.columns]].reset_index(drop=True)


def _verify_blocks(frame: Any, stats: Any) -> Any:
    """The verified pairs of each block of one partition (a block's rows are all in one partition).

    A small block gives every pair that verifies, in the local engine's order, with whether it
    is a copy; a large block gives the edges of the bounded comparison and the copies it met.
    """
    import pandas as pd

    from comity.news._story_keys import SMALL_BLOCK, StoryKeys, _is_copy, block_edges, verify_pair

    # Each document's keys once, though it is in several blocks of the partition.
    unique = frame.drop(columns="block").drop_duplicates(subset="doc_id")
    by_id = {row["doc_id"]: StoryKeys.from_row(row) for row in unique.to_dict("records")}
    blocks: dict[int, list[str]] = {}
    for block, doc_id in zip(frame["block"].tolist(), frame["doc_id"].tolist(), strict=True):
        blocks.setdefault(block, []).append(doc_id)
    records: list[dict[str, Any]] = []
    # A pair met in several blocks (copies share most of their blocks) is verified once.
    verified: dict[tuple[str, str], tuple[bool, bool]] = {}
    for block, ids in blocks.items():
        if len(ids) < 2:
            continue
        members = [by_id[doc_id] for doc_id in sorted(ids)]
        pairs: list[tuple[str, str]] = []
        copies: list[tuple[str, str]] = []

        def check(first: Any, second: Any, copies: list[tuple[str, str]] = copies) -> bool:
            pair = (first.doc_id, second.doc_id)
            if second.doc_id < first.doc_id:
                pair = (second.doc_id, first.doc_id)
            found = verified.get(pair)
            if found is None:
                copy = _is_copy(stats.facts(first), stats.facts(second))
                found = verified[pair] = (copy, copy or bool(verify_pair(first, second, stats)))
            if found[0]:
                copies.append(pair)
            return found[1]

        small = len(members) <= SMALL_BLOCK
        if small:
            for i, first in enumerate(members):
                for second in members[i + 1 :]:
                    if check(first, second):
                        pairs.append((first.doc_id, second.doc_id))
        else:
            pairs = list(block_edges(members, check))
        if pairs or copies:
            records.append(
                {
                    "block": block,
                    "small": small,
                    "a": [p[0] for p in pairs],
                    "b": [p[1] for p in pairs],
                    "copy_a": [p[0] for p in copies],
                    "copy_b": [p[1] for p in copies],
                }
            )
    stats.forget()
    result = pd.DataFrame(records, columns=["block", "small", "a", "b", "copy_a", "copy_b"])
    return result.astype({"block": "int64", "small": bool})


def _replay(doc_ids: Sequence[str], results: Any) -> tuple[dict[str, str], set[tuple[str, str]]]:
    """The local engine's walk over the blocks, from their verified pairs: components and copies."""
    from comity.news._story_keys import _UnionFind

    union: _UnionFind[str] = _UnionFind()
    for doc_id in sorted(doc_ids):
        union.find(doc_id)
    copies: set[tuple[str, str]] = set()
    # Blocks in the local engine's order: by hash.
    for row in sorted(results.to_dict("records"), key=lambda r: int(r["block"])):
        if not row["small"]:
            # A large block checks the same pairs whatever the others found.
            copies.update(zip(row["copy_a"], row["copy_b"], strict=True))
            for first, second in zip(row["a"], row["b"], strict=True):
                union.union(first, second)
            continue
        # A small block checks only the pairs not yet joined (and records copies among those).
        found = set(zip(row["copy_a"], row["copy_b"], strict=True))
        for first, second in zip(row["a"], row["b"], strict=True):
            if union.find(first) == union.find(second):
                continue
            union.union(first, second)
            pair = (first, second) if first < second else (second, first)
            if pair in found:
                copies.add(pair)
    return {doc_id: union.find(doc_id) for doc_id in union.parent}, copies


def group_stories_dask(client: Any, tables: Iterator[Any]) -> dict[str, str]:
    """Group documents into stories from their story keys, by an LSH shuffle on the cluster.

    Gives the same stories, with the same ids, as
    :func:`comity.news._story_keys.group_story_keys` on the same keys.

    Parameters
    ----------
    client:
        A :class:`distributed.Client`.
    tables:
        Arrow tables of story keys (:func:`~comity.news._story_keys.keys_schema`), one per
        chunk; each is sent to the cluster as it comes.

    Returns
    -------
    dict
        Document id -> story id.
    """
    import dask

    # dask would turn object columns (lists, bytes) into strings.
    with dask.config.set({"dataframe.convert-string": False}):
        return _group_stories_dask(client, tables)


def _group_stories_dask(client: Any, tables: Iterator[Any]) -> dict[str, str]:
    import dask.dataframe as dd
    import pandas as pd

    from comity.news._story_keys import TermStats, keys_from_table, keys_schema, split_component, story_ids

    parts = []
    by_id: dict[str, Any] = {}
    for table in tables:
        if table.num_rows == 0:
            continue
        parts.append(client.scatter(_keys_frame(table)))
        for item in keys_from_table(table):
            by_id[item.doc_id] = item
    if not by_id:
        return {}
    # Document frequencies over the whole run, for every worker's TF-IDF vectors.
    stats = TermStats.from_keys(by_id.values())
    shared_stats = client.scatter(stats, broadcast=True)
    meta = _keys_frame(keys_schema().empty_table())
    block_meta = pd.DataFrame(
        {
            "block": pd.Series([], dtype="int64"),
            **{name: pd.Series([], dtype=object) for name in meta.columns},
        }
    )
    result_meta = pd.DataFrame(
        {
            "block": pd.Series([], dtype="int64"),
            "small": pd.Series([], dtype=bool),
            **{name: pd.Series([], dtype=object) for name in ("a", "b", "copy_a", "copy_b")},
        }
    )
    keys = dd.from_delayed(parts, meta=meta, verify_meta=False)
    blocks = keys.map_partitions(_explode_blocks, meta=block_meta)
    # The shuffle puts every row of one block in one partition.
    shuffled = blocks.shuffle(on="block", npartitions=max(1, blocks.npartitions))
    results = shuffled.map_partitions(_verify_blocks, shared_stats, meta=result_meta).compute()
    roots, copies = _replay(list(by_id), results)
    components: dict[str, list[str]] = {}
    for doc_id in by_id:
        components.setdefault(roots[doc_id], []).append(doc_id)
    copies_of: dict[str, list[tuple[str, str]]] = {}
    for pair in sorted(copies):
        copies_of.setdefault(roots[pair[0]], []).append(pair)
    # Average linkage inside each component, on the cluster (components are independent).
    names = sorted(components)
    futures = client.map(
        split_component,
        [[by_id[m] for m in components[name]] for name in names],
        [shared_stats] * len(names),
        [copies_of.get(name, []) for name in names],
        pure=False,
    )
    groups: dict[str, list[str]] = {}
    for found in client.gather(futures):
        for group in found:
            groups[min(group)] = group
    ids = story_ids(groups, by_id, {})
    return dict(sorted((doc_id, ids[name]) for name, group in groups.items() for doc_id in group))


def _group_run(client: Any, folder: Path, run: Any) -> Any:
    """The stories table of a run (as :meth:`CorpusRun.group_stories` writes it), grouped on the cluster.

    The story keys are those every finished chunk wrote (chunks of an earlier, killed run
    included), so the documents are never read again.
    """
    import pyarrow as pa
    import pyarrow.parquet as pq

    from comity.news._corpus_run import _part_name, stories_schema

    tables = []
    for index in sorted(run.chunks):
        path = folder / "story_keys" / _part_name(index)
        try:
            tables.append(pq.read_table(path))
        except (OSError, pa.ArrowException) as exc:
            raise ComityError(
                f"The run in {folder} lacks the story keys of chunk {index} ({exc}).",
                hint="Start the run again with --no-resume.",
            ) from exc
    stories = group_stories_dask(client, iter(tables))
    ids = [doc_id for table in tables for doc_id in table.column("doc_id").to_pylist()]
    return pa.Table.from_pydict(
        {"doc_id": ids, "story_id": [stories.get(doc_id) for doc_id in ids]}, schema=stories_schema()
    )
