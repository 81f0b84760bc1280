"""Reading news at corpus scale: the local engine and the Dask engine on 5,000 to 100,000 documents.

The corpora are built from the annotated texts of the shared corpus (``news-dev`` and the
training stories of ``news-train``; the held-out stories are never used), never copied into the
repository: each document takes the headline and paragraphs of one annotated text, swaps some
paragraphs for paragraphs of other reports of the same story, stops near a length drawn around
230 words (news-sized), and replaces a few common words with near-synonyms. No two documents
are the same text. Each corpus is one JSONL file in a temporary folder.

Each run is ``comity read FILE --out DIR --engine local|dask`` in a subprocess, timed from start
to exit; its peak memory is the largest sum of the resident memory of the process and all its
descendants (the Dask workers included), sampled every 0.1 s with psutil. The Dask engine runs on
a LocalCluster of ``--workers`` worker processes (one thread each) on the same machine: it is the
peer the local engine is compared with in the same run, and its output is checked to be
identical to the local engine's at every size both ran; after the table, each Dask run is given
as a multiple of the local engine's time, CPU and peak memory at the same size.

Wall time depends on what else runs on the machine. Two figures show how the run uses the
cores: the idle core-seconds, wall time x cores - CPU time of the process tree (on a quiet
machine, the time a core had nothing of the run to do: start-up before the workers fork, story
grouping after the last chunk), with the CPU use it gives; and the same estimated from the run
alone, which a loaded machine does not change: every 0.1 s the run's threads that are running or
waiting for a core are counted (k) with the CPU time the run used since the last count; while k
is below the number of cores, each CPU second leaves (cores - k) / k cores idle (on a quiet
machine each of the k threads would have had a core to itself).

The checks of issue 11, for the local engine: peak memory at the largest size within 1.5x of
that at 5,000 documents; time at 100,000 at most 22x the time at 5,000 (linear growth would be
20x); at least 200 documents/s at every size.

Run::

    python benchmarks/bench_corpus.py                              # 5k, 20k, 100k; both engines
    python benchmarks/bench_corpus.py --sizes 5000 20000           # a subset
    python benchmarks/bench_corpus.py --sizes 5000 --engines local # one engine
    python benchmarks/bench_corpus.py --sizes 5000 20000 --engines local dask  # both, side by side
    python benchmarks/bench_corpus.py --sizes 20000 --engines --resume-check   # the check alone

``--resume-check`` also runs ``comity read FILE --out DIR --store --db DB`` at each size once
uninterrupted, and once killed with SIGKILL when half its chunks are finished and started again:
the Parquet tables and the store's documents, stories, facts and story keys must be identical,
and each document id and content hash must be in the store once.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SIZES = (5_000, 20_000, 100_000)
#: Cores the runs may use (the local engine starts one worker per core).
CORES = os.cpu_count() or 1
TARGET_WORDS = 230

# Near-synonyms of common news words (our own list): applied to a few occurrences per document so
# that two documents built from the same paragraphs still differ in their words.
SUBSTITUTIONS = {
    "said": "stated",
    "says": "states",
    "told": "informed",
    "meeting": "session",
    "countries": "nations",
    "support": "backing",
    "important": "key",
    "however": "yet",
    "also": "as well",
    "called": "urged",
    "week": "days",
    "statement": "remarks",
    "officials": "representatives",
    "urged": "pressed",
    "against": "opposing",
    "government": "administration",
    "announced": "declared",
    "during": "throughout",
    "major": "leading",
    "large": "big",
}
_WORD = re.compile(r"\b(" + "|".join(SUBSTITUTIONS) + r")\b")


@dataclass
class Source:
    """One annotated text, split into its non-empty paragraphs (the first is its headline)."""

    story: str
    paragraphs: list[str]
    published: str | None


def corpus_root() -> Path:
    """The shared corpus folder: $COMITY_SHARED/corpus, $COMITY_CORPUS, or ../shared beside the repo."""
    sys.path.insert(0, str(ROOT / "src"))
    from comity.news._corpus import corpus_root as find

    root = find()
    if root is None or not (root / "news-dev").is_dir():
        sys.exit("No annotated corpus: set COMITY_SHARED (or COMITY_CORPUS), or put shared/ beside the repo.")
    return root


def load_sources(root: Path) -> dict[str, list[Source]]:
    """The annotated texts by story, the held-out stories of news-train left out."""
    from comity.news._corpus import split_documents

    stories: dict[str, list[Source]] = {}
    for name, split in (("news-dev", "all"), ("news-train", "train")):
        folder = root / name
        if not folder.is_dir():
            continue
        for stem in sorted(split_documents(folder, split)):  # type: ignore[arg-type]
            gold = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))
            text = (folder / f"{stem}.txt").read_text(encoding="utf-8")
            paragraphs = [p.strip() for p in text.splitlines() if p.strip()]
            if len(paragraphs) < 2:
                continue
            stories.setdefault(gold["story"], []).append(
                Source(gold["story"], paragraphs, gold.get("published"))
            )
    return stories


def _substitute(text: str, rng: random.Random, share: float) -> str:
    return _WORD.sub(lambda m: SUBSTITUTIONS[m.group(0)] if rng.random() < share else m.group(0), text)


def make_document(
    stories: dict[str, list[Source]], names: list[str], rng: random.Random
) -> tuple[str, Source]:
    """One varied document: a story's text with paragraphs of its other reports and a few synonyms."""
    story = names[rng.randrange(len(names))]
    reports = stories[story]
    base = reports[rng.randrange(len(reports))]
    pool = [p for report in reports if report is not base for p in report.paragraphs[1:]]
    # The last paragraph overshoots the target by about 20 words on average.
    target = rng.randint(TARGET_WORDS - 80, TARGET_WORDS + 40)
    chosen = [base.paragraphs[0]]
    words = len(base.paragraphs[0].split())
    body = base.paragraphs[1:]
    extra = rng.sample(pool, len(pool)) if pool else []
    for paragraph in body + extra:
        if words >= target:
            break
        if pool and paragraph in body and rng.random() < 0.35:
            paragraph = pool[rng.randrange(len(pool))]
        if paragraph in chosen:
            continue
        chosen.append(paragraph)
        words += len(paragraph.split())
    text = "\n\n".join(_substitute(p, rng, 0.4) for p in chosen)
    return text, base


def build_corpus(path: Path, size: int, stories: dict[str, list[Source]], seed: int = 11) -> dict[str, float]:
    """Write ``size`` distinct documents to ``path`` (JSONL); returns the words per document and bytes."""
    rng = random.Random(seed)
    names = sorted(stories)
    seen: set[int] = set()
    total_words = 0
    with path.open("w", encoding="utf-8") as handle:
        index = 0
        while index < size:
            text, base = make_document(stories, names, rng)
            key = hash(text)
            if key in seen:
                continue  # an exact copy of an earlier document: draw again
            seen.add(key)
            record: dict[str, Any] = {"id": f"doc-{index:06d}", "text": text}
            if base.published:
                record["published"] = base.published
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
            total_words += len(text.split())
            index += 1
    return {"words_per_doc": total_words / size, "bytes": path.stat().st_size}


@dataclass
class Run:
    size: int
    engine: str
    seconds: float
    peak_rss: int
    cpu_seconds: float
    load_before: float
    returncode: int
    out: Path
    #: Core-seconds the run would leave idle on a quiet machine, estimated from its own threads
    #: and CPU time (see the module's docstring), whatever else runs: start-up before the
    #: workers fork, work after the last chunk.
    starved_core_seconds: float = 0.0

    @property
    def idle_core_seconds(self) -> float:
        """Core-seconds the run's process tree did not use: wall time x cores - its CPU time (on a
        quiet machine, about :attr:`starved_core_seconds`; on a loaded one, more)."""
        return self.seconds * CORES - self.cpu_seconds

    @property
    def cpu_share(self) -> float:
        """The run's CPU time as a share of the cores' time over its wall time."""
        return self.cpu_seconds / (self.seconds * CORES) if self.seconds > 0 else 0.0


def _tree_sample(process: Any, cpu: dict[int, float]) -> tuple[int, int, float]:
    """The resident memory of ``process`` and its descendants, how many of their threads are
    running or waiting for a core (state R: a thread that waits behind another program still
    counts), and the CPU seconds they used since the last sample (``cpu``: each process's CPU
    time at the last sample, updated)."""
    import psutil

    rss = runnable = 0
    used = 0.0
    try:
        procs = [process, *process.children(recursive=True)]
    except psutil.Error:
        return 0, 0, 0.0
    for proc in procs:
        try:
            rss += proc.memory_info().rss
            times = proc.cpu_times()
        except psutil.Error:
            continue
        total = times.user + times.system
        used += total - cpu.get(proc.pid, 0.0)
        cpu[proc.pid] = total
        runnable += _runnable_threads(proc.pid)
    return rss, runnable, used


def _runnable_threads(pid: int) -> int:
    """Threads of ``pid`` in state R, from /proc (0 where /proc is not there)."""
    count = 0
    tasks = Path(f"/proc/{pid}/task")
    try:
        names = [entry.name for entry in tasks.iterdir()]
    except OSError:
        return 0
    for name in names:
        try:
            stat = (tasks / name / "stat").read_text()
        except OSError:
            continue
        # The state follows the command name, which is in parentheses and may hold spaces.
        if stat[stat.rindex(")") + 2 : stat.rindex(")") + 3] == "R":
            count += 1
    return count


def _command(engine: str, corpus: Path, out: Path, workers: int, db: Path | None = None) -> list[str]:
    command = [sys.executable, "-c", "from comity.cli import main; main()", "read", str(corpus)]
    # No time budget: on a loaded machine a document could go over it and be skipped in one run
    # and not in another, and the outputs compared here must depend on the inputs alone.
    command += ["--out", str(out), "--engine", engine, "--time-budget", "0"]
    if engine == "dask":
        command += ["--workers", str(workers)]
    if db is not None:
        command += ["--store", "--db", str(db)]
    return command


def _finished_chunks(out: Path) -> int:
    try:
        return len(json.loads((out / "manifest.json").read_text(encoding="utf-8")).get("chunks", {}))
    except (OSError, ValueError):
        return 0


def run_engine(
    engine: str,
    corpus: Path,
    out: Path,
    size: int,
    workers: int,
    kill_after: float | None = None,
    *,
    db: Path | None = None,
    kill_at_chunks: int | None = None,
) -> Run:
    """Run ``comity read`` in a subprocess, sampling the memory of its process tree.

    ``kill_after`` seconds, or once ``kill_at_chunks`` chunks are finished, the process tree is
    killed with SIGKILL.
    """
    import psutil

    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + env.get("PYTHONPATH", "")
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    log = out.with_suffix(".log")
    with log.open("wb") as stderr:
        process = psutil.Popen(
            _command(engine, corpus, out, workers, db), stdout=subprocess.DEVNULL, stderr=stderr, env=env
        )
        peak = 0
        # Core-seconds a quiet machine would leave idle, from the run's threads and CPU time.
        starved = 0.0
        cpu: dict[int, float] = {}
        kill = kill_after is not None or kill_at_chunks is not None
        while process.poll() is None:
            rss, runnable, used = _tree_sample(process, cpu)
            peak = max(peak, rss)
            if 0 < runnable < CORES:
                starved += (CORES - runnable) / runnable * used
            late = kill_after is not None and time.perf_counter() - start > kill_after
            if late or (kill_at_chunks is not None and _finished_chunks(out) >= kill_at_chunks):
                # A hard kill, as the system's out-of-memory killer or a power cut would.
                for child in process.children(recursive=True):
                    child.send_signal(signal.SIGKILL)
                process.send_signal(signal.SIGKILL)
                process.wait()
                break
            time.sleep(0.1)
    seconds = time.perf_counter() - start
    # CPU time of the run's whole process tree (workers are reaped by their parents): what the
    # run costs whatever else shares the machine, unlike wall time.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if process.returncode not in (0, 1) and not kill:
        sys.stderr.write(log.read_text(encoding="utf-8", errors="replace")[-3000:])
    return Run(size, engine, seconds, peak, cpu, load, process.returncode, out, starved)


def read_tables(out: Path) -> dict[str, Any]:
    """The output's tables, each sorted by all its columns (row order is not part of the output)."""
    import pyarrow.dataset as ds

    tables = {}
    for name in sorted(p.name for p in out.iterdir() if p.is_dir()):
        table = ds.dataset(out / name, format="parquet").to_table()
        frame = table.to_pandas()
        keys = [c for c in frame.columns if frame[c].map(lambda v: isinstance(v, str | int | float)).all()]
        tables[name] = frame.sort_values(keys).reset_index(drop=True) if keys else frame
    return tables


def same_output(first: Path, second: Path) -> tuple[bool, str]:
    """Whether two output folders hold the same tables (rows compared after sorting)."""
    a, b = read_tables(first), read_tables(second)
    if sorted(a) != sorted(b):
        return False, f"tables differ: {sorted(a)} vs {sorted(b)}"
    for name in a:
        if not a[name].equals(b[name]):
            return False, f"table {name} differs ({len(a[name])} vs {len(b[name])} rows)"
    return True, ", ".join(f"{name} {len(frame):,} rows" for name, frame in a.items())


def count_documents(out: Path) -> int:
    import pyarrow.dataset as ds

    folder = out / "documents"
    return ds.dataset(folder, format="parquet").count_rows() if folder.is_dir() else 0


def _gib(value: int) -> str:
    return f"{value / 1024**3:.2f} GiB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DEFAULT_SIZES))
    parser.add_argument(
        "--engines",
        nargs="*",
        default=["local", "dask"],
        choices=["local", "dask"],
        help="engines timed at each size (none: only --resume-check)",
    )
    parser.add_argument("--workers", type=int, default=2, help="Dask workers (LocalCluster)")
    parser.add_argument("--keep", type=Path, default=None, help="keep corpora and outputs in this folder")
    parser.add_argument(
        "--resume-check",
        action="store_true",
        help="at each size, also kill a local run into Parquet and the store half-way, restart it, and "
        "compare both outputs with an uninterrupted run's",
    )
    args = parser.parse_args(argv)

    stories = load_sources(corpus_root())
    sources = sum(len(v) for v in stories.values())
    print(f"sources: {sources} annotated texts in {len(stories)} stories (held-out stories left out)")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    workdir = Path(tempfile.mkdtemp(prefix="comity-bench-corpus-")) if args.keep is None else args.keep
    workdir.mkdir(parents=True, exist_ok=True)
    runs: list[Run] = []
    failures: list[str] = []
    try:
        for size in sorted(args.sizes):
            corpus = workdir / f"corpus-{size}.jsonl"
            built = build_corpus(corpus, size, stories)
            print(
                f"\ncorpus {size:,} documents: {built['bytes'] / 1e6:.1f} MB, "
                f"{built['words_per_doc']:.0f} words per document"
            )
            for engine in args.engines:
                out = workdir / f"out-{size}-{engine}"
                shutil.rmtree(out, ignore_errors=True)
                run = run_engine(engine, corpus, out, size, args.workers)
                runs.append(run)
                read = count_documents(out)
                print(
                    f"  {engine:5s} {run.seconds:8.1f} s  {size / run.seconds:7.1f} docs/s  "
                    f"peak {_gib(run.peak_rss)}  CPU {run.cpu_seconds / size * 1000:.1f} ms/doc  "
                    f"idle core-s {run.idle_core_seconds:.1f} (CPU {run.cpu_share:.0%} of {CORES}), "
                    f"idle core-s estimated for a quiet machine {run.starved_core_seconds:.1f}  "
                    f"exit {run.returncode}  {read:,} documents written  "
                    f"(load average before {run.load_before:.1f})"
                )
                if run.returncode not in (0, 1) or read != size:
                    failures.append(
                        f"{engine} at {size:,}: exit {run.returncode}, {read:,} of {size:,} written"
                    )
            if {"local", "dask"} <= set(args.engines):
                same, detail = same_output(workdir / f"out-{size}-local", workdir / f"out-{size}-dask")
                print(f"  dask output identical to local: {same} ({detail})")
                if not same:
                    failures.append(f"dask output differs from local at {size:,}: {detail}")
            if args.resume_check:
                failures += resume_check(workdir, corpus, size)
        report(runs, failures)
    finally:
        if args.keep is None:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failures else 0


def resume_check(workdir: Path, corpus: Path, size: int, chunk_size: int = 500) -> list[str]:
    """Kill a run into Parquet and the store half-way (SIGKILL once half its chunks are finished),
    start it again, and compare both outputs with those of an uninterrupted run.

    The Parquet tables (documents, facts, stories) must be the same, and so must the stores'
    documents (with their stories), facts and story keys; each document id and each content hash
    must be in the store once (no document read twice into it).
    """
    sys.path.insert(0, str(ROOT / "src"))
    from comity.store import Store

    problems: list[str] = []
    folders = {}
    for name in ("uninterrupted", "resumed"):
        out, db = workdir / f"out-{size}-{name}", workdir / f"store-{size}-{name}.duckdb"
        shutil.rmtree(out, ignore_errors=True)
        db.unlink(missing_ok=True)
        Store.open(db, read_only=False).close()
        folders[name] = (out, db)
    out, db = folders["uninterrupted"]
    full = run_engine("local", corpus, out, size, 1, db=db)
    print(
        f"  resume: uninterrupted run into Parquet and the store: {full.seconds:.1f} s, "
        f"exit {full.returncode}"
    )
    out, db = folders["resumed"]
    half = -(-size // chunk_size) // 2
    killed = run_engine("local", corpus, out, size, 1, db=db, kill_at_chunks=half)
    partial, finished = count_documents(out), _finished_chunks(out)
    with Store.open(db, read_only=True) as store:
        stored = store.count("documents")
    total_chunks = -(-size // chunk_size)
    if killed.returncode != -9 or not 0 < finished < total_chunks:
        # A run that ended before the kill, or was killed before any chunk, checks no resumption.
        problems.append(
            f"resumed run at {size:,}: the kill did not land half-way (exit {killed.returncode}, "
            f"{finished} of {total_chunks} chunks finished)"
        )
    resumed = run_engine("local", corpus, out, size, 1, db=db)
    same, detail = same_output(folders["uninterrupted"][0], out)
    print(
        f"  resume: killed (SIGKILL) after {killed.seconds:.1f} s with {finished} of "
        f"{total_chunks} chunks in the manifest, {partial:,} documents in Parquet, {stored:,} in "
        f"the store; restart took {resumed.seconds:.1f} s (exit {resumed.returncode})"
    )
    print(f"  resume: Parquet output identical to the uninterrupted run: {same} ({detail})")
    if not same:
        problems.append(f"resumed run at {size:,}: Parquet differs: {detail}")
    queries = {
        "documents": "SELECT doc_id, story_id, url, outlet, published, text, sha256 FROM documents "
        "ORDER BY doc_id",
        "facts": "SELECT * FROM facts ORDER BY ALL",
        "story_keys": "SELECT doc_id, date, signature, tokens, counts, terms, actors, events FROM story_keys "
        "ORDER BY doc_id",
    }
    with (
        Store.open(folders["uninterrupted"][1], read_only=True) as whole,
        Store.open(db, read_only=True) as store,
    ):
        for table, query in queries.items():
            equal = store.query(query).equals(whole.query(query))
            print(
                f"  resume: store {table} identical to the uninterrupted run's: {equal} "
                f"({store.count(table):,} rows)"
            )
            if not equal:
                problems.append(f"resumed run at {size:,}: store {table} differs")
        [(rows, ids, hashes, keys, stories)] = store.con.execute(
            "SELECT count(*), count(DISTINCT doc_id), count(DISTINCT sha256), "
            "(SELECT count(*) FROM story_keys), count(DISTINCT story_id) FROM documents"
        ).fetchall()
        print(
            f"  resume: store holds {rows:,} document rows for {ids:,} ids and {hashes:,} content hashes, "
            f"{keys:,} story keys rows, {stories:,} stories"
        )
        if not rows == ids == hashes == keys == size:
            problems.append(f"resumed run at {size:,}: a document is in the store more than once, or missing")
    return problems


def report(runs: list[Run], failures: list[str]) -> None:
    print(
        "\n| documents | engine | seconds | docs/s | CPU ms/doc (process tree) | peak RSS (process tree) "
        f"| idle core-s (wall x {CORES} - CPU) | CPU use | idle core-s, estimated for a quiet machine "
        "| time / time at 5,000 | load average before |"
    )
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    base = {r.engine: r for r in runs if r.size == 5_000}
    for run in runs:
        ratio = f"{run.seconds / base[run.engine].seconds:.1f}x" if run.engine in base else ""
        print(
            f"| {run.size:,} | {run.engine} | {run.seconds:.1f} | {run.size / run.seconds:.0f} | "
            f"{run.cpu_seconds / run.size * 1000:.1f} | {_gib(run.peak_rss)} | "
            f"{run.idle_core_seconds:.1f} | {run.cpu_share:.0%} | {run.starved_core_seconds:.1f} | {ratio} | "
            f"{run.load_before:.1f} |"
        )
    local = {r.size: r for r in runs if r.engine == "local"}
    print("\nchecks (issue 11, local engine):")
    for run in local.values():
        rate = run.size / run.seconds
        print(f"  >= 200 docs/s at {run.size:,}: {rate:.0f} docs/s: {'met' if rate >= 200 else 'NOT met'}")
    if 5_000 in local and len(local) > 1:
        largest = local[max(local)]
        rss = largest.peak_rss / local[5_000].peak_rss
        verdict = "met" if rss <= 1.5 else "NOT met"
        print(f"  peak RSS at {largest.size:,} within 1.5x of 5,000: {rss:.2f}x: {verdict}")
    if 5_000 in local and 100_000 in local:
        ratio = local[100_000].seconds / local[5_000].seconds
        print(f"  time(100,000) <= 22x time(5,000): {ratio:.1f}x: {'met' if ratio <= 22 else 'NOT met'}")
    dask = {r.size: r for r in runs if r.engine == "dask"}
    if dask:
        print("\ndask engine (LocalCluster on the same machine) beside the local engine of the same run:")
    for size, run in dask.items():
        peer = local.get(size)
        versus = (
            f"; {run.seconds / peer.seconds:.2f}x the local engine's time, "
            f"{run.cpu_seconds / peer.cpu_seconds:.2f}x its CPU, "
            f"{run.peak_rss / peer.peak_rss:.2f}x its peak RSS"
            if peer is not None
            else ""
        )
        print(f"  {size:,}: {size / run.seconds:.0f} docs/s{versus}")
    for failure in failures:
        print(f"FAILED: {failure}")


if __name__ == "__main__":
    sys.exit(main())
