"""The Dask engine of ``comity read``: the reader's stages on a Dask distributed cluster.

The client (this process) reads the input in chunks, as the local engine does, and sends each
chunk to a worker. A worker builds the pipeline (spaCy, the registry's gazetteer) once and
sends back the chunk's rows; the client writes them with the local engine's own code
(:func:`comity.news._corpus_run.read_corpus`, given this engine's executor), so both engines
write the same Parquet parts and the same manifest, and a killed run resumes with either.
Stories are grouped at the end from the read documents, as the local engine groups them.

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
    with dask_client(scheduler, n_workers=n_workers, timeout=timeout) as client:

        def execute(chunks: Iterator[Any], done: set[int], jobs: int) -> Iterator[tuple[Any, Any]]:
            return dask_chunks_in_order(client, chunks, done, stages=stages)

        return read_corpus(paths, out=out, executor=execute, **options)


# -- on the workers -------------------------------------------------------------------------

# One pipeline per worker process and stage list, built by the first chunk it reads: spaCy and
# the gazetteer's automaton take seconds to load and are then shared by every later chunk.
_PIPELINES: dict[tuple[str, ...] | None, Any] = {}


def _worker_pipeline(stages: tuple[str, ...] | None) -> Any:
    if stages not in _PIPELINES:
        from comity.news._pipeline import Pipeline

        _PIPELINES[stages] = Pipeline(stages)
    return _PIPELINES[stages]


def _read_on_worker(chunk: Any, stages: tuple[str, ...] | None) -> tuple[Any, bytes]:
    """Read one input chunk with the worker's pipeline: what a local engine's worker returns."""
    import pickle

    from comity.news._corpus_run import _read_chunk

    result, docs = _read_chunk(chunk, _worker_pipeline(stages))
    return result, pickle.dumps(docs, protocol=pickle.HIGHEST_PROTOCOL)


def dask_chunks_in_order(
    client: Any, chunks: Iterator[Any], done: set[int], *, stages: Sequence[str] | None = None
) -> Iterator[tuple[Any, Any]]:
    """Each input chunk with its reading on the cluster (None for a chunk finished earlier), in order.

    At most two chunks per worker thread are in flight, so the client reads the input only as
    fast as the cluster reads documents; results come back in input order, which keeps the
    output and the run's manifest the same as the local engine's.
    """
    from collections import deque

    from distributed import KilledWorker

    names = tuple(stages) if stages is not None else None
    threads = sum(client.nthreads().values()) or 1
    window: deque[tuple[Any, Any]] = deque()

    def result(future: Any) -> Any:
        try:
            return future.result()
        except KilledWorker as error:
            raise ComityError(
                f"A Dask worker died while reading a chunk ({error}).",
                hint="See the workers' logs (out of memory?); run the same command again to resume.",
            ) from error

    for chunk in chunks:
        pending = None if chunk.index in done else client.submit(_read_on_worker, chunk, names, pure=False)
        window.append((chunk, pending))
        while len(window) > 2 * threads or (window and window[0][1] is None):
            first, future = window.popleft()
            yield first, None if future is None else result(future)
    while window:
        first, future = window.popleft()
        yield first, None if future is None else result(future)
