"""Reading new documents into a large store: joining them to the stored stories, incrementally.

A store of N documents in stories is built from story keys (no texts): the keys of 5,000
documents made as ``bench_stories.py`` makes them (paragraphs of the annotated stories of
news-dev and the news-train train split recombined; the held-out stories are not used), copied
into N / 5,000 disjoint "universes" (each copy's bands, terms, events, tokens and dates moved
apart, so that a copy shares no block with another and the store holds N / 5,000 times as many
stories). Then 100 new documents of the first universe are joined to the stored stories, each
method in a fresh process on the same store:

- ``incremental`` (comity): ``comity.news._store._join_stored_stories``, which loads only the
  keys of the stored documents that share a block with a new one and of the other members of
  their stories (found in SQL), and the stored token column for the document frequencies;
- ``all keys`` (the peer, the method before it, kept here): every stored key loaded and grouped
  with the new ones (``group_story_keys(..., regroup=True)``).

For each it prints the wall and CPU time, the keys grouped, the peak RSS (VmHWM) and a hash of
the stories it gives (they must be equal). Run::

    python benchmarks/bench_story_join.py                    # stores of 20,000 and 80,000
    python benchmarks/bench_story_join.py --sizes 10000      # quicker
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_stories  # noqa: E402

from comity.news._story_keys import StoryKeys  # noqa: E402

BASE = 5_000
NEW = 100


def _event(event: str, universe: int) -> str:
    kind, _, rest = event.partition(":")
    if kind == "meet":
        body, _, date = rest.partition(":")
        # Meetings block by day whatever the body: each universe's days lie 50 years apart.
        if date[:4].isdigit():
            date = f"{int(date[:4]) + 50 * universe}{date[4:]}"
        return f"meet:{body}:{date}"
    if kind == "coalition":
        return f"coalition:u{universe}{rest}"
    actor, body, date = rest.split(":", 2)
    return f"{kind}:{actor}u{universe}:{body}:{date}"


def in_universe(keys: StoryKeys, universe: int, suffix: str = "") -> StoryKeys:
    """A copy of ``keys`` that shares no block (and no vector token) with the copies of other universes."""
    doc_id = f"{keys.doc_id}-u{universe}{suffix}"
    if universe == 0:
        return replace(keys, doc_id=doc_id)
    salt = int.from_bytes(
        hashlib.blake2b(f"u{universe}".encode(), digest_size=8).digest(), "little", signed=True
    )
    tokens = np.frombuffer(keys.tokens, dtype=np.int64) ^ salt
    order = np.argsort(tokens)
    signature = np.frombuffer(keys.signature, dtype=np.uint32) ^ np.uint32(salt & 0xFFFFFFFF)
    return replace(
        keys,
        doc_id=doc_id,
        signature=signature.tobytes(),
        bands=tuple(band ^ salt for band in keys.bands),
        tokens=tokens[order].tobytes(),
        counts=np.frombuffer(keys.counts, dtype=np.float32)[order].tobytes(),
        terms=tuple(f"{term}u{universe}" for term in keys.terms),
        actors=tuple(f"{actor}u{universe}" for actor in keys.actors),
        events=tuple(_event(event, universe) for event in keys.events),
    )


def _make_keys(folder: Path, jobs: int, seed: int) -> None:
    sources = bench_stories._read_sources()
    tasks = [
        (start, min(BASE, start + 1_250), seed, str(folder / f"base-{start:05d}.parquet"))
        for start in range(0, BASE, 1_250)
    ]
    tasks.append((BASE, BASE + NEW, seed, str(folder / "new.parquet")))
    with ProcessPoolExecutor(jobs, initializer=bench_stories._init, initargs=(sources,)) as pool:
        list(pool.map(bench_stories._keys_chunk, tasks))


def _build(folder: Path, size: int) -> Path:
    """A store of ``size`` documents (keys and stories; no texts) from the base keys."""
    import pandas as pd
    import pyarrow.parquet as pq

    from comity.news._store import save_tables
    from comity.news._story_keys import group_story_keys, keys_from_table, keys_to_table
    from comity.store import Store

    base = keys_from_table(pq.read_table([str(p) for p in sorted(folder.glob("base-*.parquet"))]))
    stories = group_story_keys(base)
    path = folder / f"store-{size}.duckdb"
    columns = ["doc_id", "fact_type", "payload", "start_char", "end_char", "confidence", "stage"]
    with Store.open(path, read_only=False) as store:
        for universe in range(size // BASE):
            keys = [in_universe(k, universe) for k in base]
            documents = pd.DataFrame(
                {
                    "doc_id": [k.doc_id for k in keys],
                    "story_id": [f"{stories[k.doc_id]}-u{universe}" for k in base],
                    "url": None,
                    "outlet": None,
                    "published": None,
                    "text": "",
                    "sha256": "",
                    "source_path": None,
                }
            )
            save_tables(store, documents, pd.DataFrame(columns=columns), keys_to_table(keys))
    return path


def _all_keys(store: Any, keys: list[StoryKeys], stats: Any) -> dict[str, str]:
    """The peer: every stored key loaded and grouped with the new ones (the method before)."""
    from comity.news._story_keys import group_story_keys, keys_from_table

    incoming = [item.doc_id for item in keys]
    existing = dict(
        store.con.execute(
            "SELECT doc_id, story_id FROM documents WHERE story_id IS NOT NULL "
            "AND doc_id NOT IN (SELECT unnest(?::VARCHAR[])) ORDER BY doc_id",
            [incoming],
        ).fetchall()
    )
    stored = keys_from_table(
        store.con.sql(
            "SELECT k.* FROM story_keys AS k JOIN documents AS d USING (doc_id) "
            "WHERE doc_id NOT IN (SELECT unnest($incoming::VARCHAR[])) ORDER BY doc_id",
            params={"incoming": incoming},
        ).to_arrow_table()
    )
    grouped = group_story_keys([*stored, *keys], existing=existing, stats=stats, regroup=True)
    return {doc_id: story for doc_id, story in grouped.items() if existing.get(doc_id) != story}


def _join(method: str, path: str, folder: str) -> None:
    """Child process: join the new documents to the store's stories with ``method``; print JSON."""
    import pyarrow.parquet as pq

    from comity.news._store import _join_stored_stories
    from comity.news._story_keys import GroupingStats, keys_from_table
    from comity.store import Store

    new = [
        in_universe(k, 0, "-new") for k in keys_from_table(pq.read_table(str(Path(folder) / "new.parquet")))
    ]
    # Writable, as comity read opens it (nothing is written).
    with Store.open(path, read_only=False) as store:
        stats = GroupingStats()
        started, cpu = time.perf_counter(), time.process_time()
        if method == "incremental":
            joined = _join_stored_stories(store, new, stats=stats)
        else:
            joined = _all_keys(store, new, stats)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    print(
        json.dumps(
            {
                "wall_s": seconds,
                "cpu_s": cpu,
                "keys": stats.documents,
                "changed": len(joined),
                "peak_rss_mib": bench_stories._rss_mib("VmHWM"),
                "stories": hashlib.sha1(json.dumps(sorted(joined.items())).encode()).hexdigest()[:12],
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=[20_000, 80_000], help="stored documents (multiples of 5,000)"
    )
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--_join", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._join:
        _join(*args._join)
        return
    rows = []
    with tempfile.TemporaryDirectory(prefix="comity-bench-join-") as tmp:
        folder = Path(tmp)
        _make_keys(folder, args.jobs, args.seed)
        for size in args.sizes:
            path = _build(folder, max(BASE, size - size % BASE))
            for method in ("incremental", "all keys"):
                result = bench_stories._child(["--_join", method, str(path), str(folder)], script=__file__)
                rows.append((size, method, result))
                print(
                    f"{size:>7,} stored, {NEW} new, {method:<11}: {result['wall_s']:6.2f} s wall, "
                    f"{result['cpu_s']:5.2f} s CPU, {result['keys']:,} keys grouped, "
                    f"peak RSS {result['peak_rss_mib']:,.0f} MiB, stories {result['stories']}"
                )
    print("\n| stored | method | wall s | CPU s | keys grouped | peak RSS MiB | stories (hash) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for size, method, r in rows:
        print(
            f"| {size:,} | {method} | {r['wall_s']:.2f} | {r['cpu_s']:.2f} | {r['keys']:,} | "
            f"{r['peak_rss_mib']:,.0f} | {r['stories']} |"
        )
    same = all(a[2]["stories"] == b[2]["stories"] for a, b in zip(rows[::2], rows[1::2], strict=True))
    print(f"\nsame stories with both methods at every size: {same}")
    if not same:
        sys.exit(1)


if __name__ == "__main__":
    main()
