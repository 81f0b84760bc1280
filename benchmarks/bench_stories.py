"""Story grouping at corpus scale: linear-time grouping from story keys against the old pairwise method.

Corpora of N documents are made from the annotated texts in ``../shared/corpus`` (news-dev and
the train split of news-train; the held-out stories are not used): each document recombines the
paragraphs of one story -- a random subset of the paragraphs of its reports, in random order, a
few words dropped -- so that documents are not exact copies, and carries the facts the reader
found in the paragraphs it keeps. Texts are made in memory and never stored.

For each size the keys are computed (in ``--jobs`` processes) and written to Parquet; then a fresh
process reads the keys and groups them (:func:`comity.news.group_story_keys`), and the script
prints its grouping time, its peak RSS, the work done (pair verifications per document) and the
pairwise F1 against the story each document was made from. The peer, in the same run: the
pairwise method of the first reader (TF-IDF cosine over all pairs, dense n x n matrices, average
linkage), on ``--peer`` documents (default 2,000), beside the new grouping of the same documents.

Run::

    python benchmarks/bench_stories.py                          # 5k, 20k, 100k and the 2k peer
    python benchmarks/bench_stories.py --sizes 2000 5000 --peer 1000   # quicker
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any

from comity.news import NewsDoc, Pipeline
from comity.news._corpus import corpus_root, split_documents

_SOURCES: dict[str, list[NewsDoc]] = {}


def _read_sources() -> dict[str, list[NewsDoc]]:
    """The annotated reports read once, by story (news-dev, and news-train without its held-out stories)."""
    root = corpus_root()
    if root is None or not (root / "news-dev").is_dir():
        sys.exit("No annotated corpus: set COMITY_CORPUS or put shared/corpus beside the repository.")
    reader = Pipeline()
    stories: dict[str, list[NewsDoc]] = defaultdict(list)
    for name, split in (("news-dev", "all"), ("news-train", "train")):
        folder = root / name
        if not folder.is_dir():
            continue
        keep = None if split == "all" else split_documents(folder, "train")
        for path in sorted(folder.glob("*.txt")):
            if keep is not None and path.stem not in keep:
                continue
            story = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))["story"]
            doc = reader(NewsDoc(id=path.stem, raw=path.read_text(encoding="utf-8")))
            doc.parses = {}
            stories[story].append(doc)
    return dict(stories)


def _paragraphs(doc: NewsDoc) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\n]+(?:\n(?!\s*\n)[^\n]+)*", doc.text)]


def _shift(items: list[Any], spans: list[tuple[int, int, int]]) -> list[Any]:
    """Facts whose span lies in a kept paragraph, moved to its place in the new text."""
    kept = []
    for item in items:
        for start, end, offset in spans:
            if start <= item.start and item.end <= end:
                kept.append(replace(item, start=item.start + offset, end=item.end + offset))
                break
    return kept


def make_doc(story: str, reports: Sequence[NewsDoc], index: int, seed: int) -> NewsDoc:
    """A new report of ``story``: a random subset of its reports' paragraphs, in random order."""
    rng = random.Random(seed * 1_000_003 + index)
    pieces = [(doc, span) for doc in reports for span in _paragraphs(doc)]
    chosen = rng.sample(pieces, max(1, round(len(pieces) * rng.uniform(0.25, 0.5))))
    parts: list[str] = []
    moved: dict[int, list[tuple[int, int, int]]] = defaultdict(list)
    length = 0
    for doc, (start, end) in chosen:
        text = doc.text[start:end]
        words = text.split(" ")
        if len(words) > 12:
            # Drop one word: reprints are edited, not copied byte for byte.
            del words[rng.randrange(len(words))]
            text = " ".join(words)
        moved[id(doc)].append((start, start + len(text), length - start))
        parts.append(text)
        length += len(text) + 2
    new = NewsDoc(id=f"{story}-{index:06d}", raw="\n\n".join(parts))
    for doc in reports:
        spans = moved.get(id(doc), [])
        if not spans:
            continue
        new.mentions += _shift(doc.mentions, spans)
        new.quotes += _shift(doc.quotes, spans)
        new.coalitions += _shift(doc.coalitions, spans)
        new.memberships += _shift(doc.memberships, spans)
        new.meetings += _shift(doc.meetings, spans)
        new.people += [p for p in doc.people if any(s <= a < e for a, _ in p.mentions for s, e, _ in spans)]
    return new


def _init(sources: dict[str, list[NewsDoc]]) -> None:
    _SOURCES.update(sources)


def _keys_chunk(args: tuple[int, int, int, str]) -> int:
    """Make documents ``start``..``stop`` and write their story keys to one Parquet file."""
    import pyarrow.parquet as pq

    from comity.news._story_keys import keys_to_table, story_keys

    start, stop, seed, path = args
    names = sorted(_SOURCES)
    keys = []
    for index in range(start, stop):
        story = names[index % len(names)]
        keys.append(story_keys(make_doc(story, _SOURCES[story], index, seed)))
    pq.write_table(keys_to_table(keys), path)
    return stop - start


def _group_from_keys(folder: str) -> None:
    """Child process: read the keys of ``folder``, group them, print figures as JSON."""
    import pyarrow.parquet as pq

    from comity.news._story_keys import GroupingStats, group_story_keys, keys_from_table

    before = _rss_mib("VmRSS")
    started = time.perf_counter()
    keys = keys_from_table(pq.read_table(folder))
    read = time.perf_counter() - started
    loaded = _rss_mib("VmRSS")
    stats = GroupingStats()
    started, cpu = time.perf_counter(), time.process_time()
    stories = group_story_keys(keys, stats=stats)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    truth = {doc_id: doc_id.rsplit("-", 1)[0] for doc_id in stories}
    print(
        json.dumps(
            {
                "read_s": read,
                "group_s": seconds,
                "group_cpu_s": cpu,
                "start_rss_mib": before,
                "keys_rss_mib": loaded - before,
                # VmHWM, not ru_maxrss: Linux carries the parent's high-water mark over fork and exec.
                "peak_rss_mib": _rss_mib("VmHWM"),
                "verifications": stats.verifications,
                "largest_component": stats.largest_component,
                "stories": len(set(stories.values())),
                "f1": pairwise_f1(truth, stories),
            }
        )
    )


def _rss_mib(field: str) -> float:
    """A memory figure of this process from /proc (VmRSS: now; VmHWM: peak), in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    return float("nan")


def pairwise_f1(truth: dict[str, str], predicted: dict[str, str]) -> float:
    """Pairwise F1 from the contingency table (linear in the number of documents)."""

    def pairs(counts: Counter[Any]) -> int:
        return sum(n * (n - 1) // 2 for n in counts.values())

    both = pairs(Counter((truth[d], predicted[d]) for d in truth))
    gold, pred = pairs(Counter(truth.values())), pairs(Counter(predicted.values()))
    return 2 * both / (gold + pred) if gold + pred else 1.0


# -- the peer: the first reader's pairwise grouping (dense n x n, average linkage) ----------------


def pairwise_group(docs: Sequence[NewsDoc]) -> dict[str, int]:
    """The first reader's story grouping (comity before issue 11), clusters only (no slugs)."""
    import itertools

    import numpy as np
    from datasketch import MinHash, MinHashLSH
    from scipy import sparse
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from comity.news._story_keys import story_date, story_features, term_tokens, words

    vectorizer = TfidfVectorizer(
        analyzer=lambda i: term_tokens(docs[i]) + story_features(docs[i]), sublinear_tf=True, norm=None
    )
    matrix = vectorizer.fit_transform(list(range(len(docs))))
    names = vectorizer.get_feature_names_out()
    weights = sparse.diags(np.array([1.5 if ":" in name else 1.0 for name in names]))
    vectors = normalize(matrix @ weights)
    distance = np.clip(1.0 - (vectors @ vectors.T).toarray(), 0.0, 2.0)
    days = [{(m.body, m.date) for m in doc.meetings if m.date and len(m.date) == 10} for doc in docs]
    dates = [story_date(doc) for doc in docs]
    for i, j in itertools.combinations(range(len(docs)), 2):
        if any(d == e and (a == b or "UN" in (a, b)) for a, d in days[i] for b, e in days[j]):
            distance[i, j] = distance[j, i] = distance[i, j] * 0.5
        first, second = dates[i], dates[j]
        if first and second and abs((np.datetime64(first) - np.datetime64(second)).astype(int)) > 45:
            distance[i, j] = distance[j, i] = 1.0
    lsh = MinHashLSH(threshold=0.5, num_perm=128)
    hashes = []
    for index, doc in enumerate(docs):
        tokens = words(doc.text)
        shingles = {" ".join(tokens[i : i + 5]) for i in range(max(1, len(tokens) - 4))}
        minhash = MinHash(num_perm=128)
        minhash.update_batch([s.encode("utf-8") for s in shingles])
        lsh.insert(str(index), minhash)
        hashes.append(minhash)
    for index, minhash in enumerate(hashes):
        for other in lsh.query(minhash):
            distance[index, int(other)] = distance[int(other), index] = 0.0
    np.fill_diagonal(distance, 0.0)
    labels = fcluster(
        linkage(squareform(distance, checks=False), method="average"), t=0.91, criterion="distance"
    )
    return {doc.id: int(label) for doc, label in zip(docs, labels, strict=True)}


def _peer(size: int, seed: int) -> None:
    """Child process: the old pairwise method and the new grouping on the same ``size`` documents."""
    from comity.news import group_stories

    sources = _read_sources()
    names = sorted(sources)
    docs = [make_doc(names[i % len(names)], sources[names[i % len(names)]], i, seed) for i in range(size)]
    truth = {doc.id: doc.id.rsplit("-", 1)[0] for doc in docs}
    started = time.process_time()
    new = group_stories(docs)
    new_s = time.process_time() - started
    started = time.process_time()
    old = pairwise_group(docs)
    old_s = time.process_time() - started
    old_named = {k: str(v) for k, v in old.items()}
    print(
        json.dumps(
            {
                "new_s": new_s,
                "old_s": old_s,
                "new_f1": pairwise_f1(truth, new),
                "old_f1": pairwise_f1(truth, old_named),
                "peak_rss_mib": _rss_mib("VmHWM"),
            }
        )
    )


def _child(args: list[str], script: str = __file__) -> dict[str, Any]:
    """Run ``script`` with ``args`` in a fresh process (its own peak memory) and read its last line."""
    done = subprocess.run([sys.executable, script, *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"child {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=[5_000, 20_000, 100_000])
    parser.add_argument(
        "--peer", type=int, default=2_000, help="documents for the old pairwise method (0: skip)"
    )
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--chunk", type=int, default=2_500)
    parser.add_argument("--_group", help=argparse.SUPPRESS)
    parser.add_argument("--_peer", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args._group:
        _group_from_keys(args._group)
        return
    if args._peer:
        _peer(args._peer, args.seed)
        return

    if args.peer:
        peer = _child(["--_peer", str(args.peer), "--seed", str(args.seed)])
        print(
            f"peer, {args.peer:,} documents (texts to stories, CPU time): pairwise method "
            f"{peer['old_s']:.1f} s (F1 {peer['old_f1']:.3f}); keys and linear grouping "
            f"{peer['new_s']:.1f} s "
            f"(F1 {peer['new_f1']:.3f}); "
            f"{peer['old_s'] / peer['new_s']:.1f}x; peak RSS of both {peer['peak_rss_mib']:.0f} MiB"
        )
    sources = _read_sources()
    stories = len(sources)
    rows = []
    with tempfile.TemporaryDirectory(prefix="comity-bench-stories-") as tmp:
        for size in args.sizes:
            folder = Path(tmp) / f"keys-{size}"
            folder.mkdir()
            tasks = [
                (start, min(size, start + args.chunk), args.seed, str(folder / f"part-{start:07d}.parquet"))
                for start in range(0, size, args.chunk)
            ]
            started = time.perf_counter()
            with ProcessPoolExecutor(args.jobs, initializer=_init, initargs=(sources,)) as pool:
                made = sum(pool.map(_keys_chunk, tasks))
            keys_s = time.perf_counter() - started
            size_mib = sum(p.stat().st_size for p in folder.iterdir()) / 2**20
            result = _child(["--_group", str(folder)])
            rows.append((size, made, keys_s, size_mib, result))
            print(
                f"{size:>7,} docs: keys {keys_s:6.1f} s ({made / keys_s:,.0f} docs/s, {args.jobs} processes, "
                f"{size_mib:.1f} MiB Parquet); grouping {result['group_s']:6.2f} s "
                f"({result['group_cpu_s']:.2f} s CPU), RSS at start {result['start_rss_mib']:,.0f} MiB, "
                f"keys in memory {result['keys_rss_mib']:,.0f} MiB, "
                f"peak RSS {result['peak_rss_mib']:,.0f} MiB, "
                f"{result['verifications'] / size:.1f} verifications/doc, "
                f"largest component {result['largest_component']:,}, F1 {result['f1']:.3f}",
                flush=True,
            )
    base = rows[0]
    print(f"\n{stories} source stories; ratios to {base[0]:,} documents (linear would be the size ratio):")
    print("| documents | grouping wall s | CPU s | CPU ratio | peak RSS MiB | RSS ratio | checks/doc | F1 |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for size, _, _, _, result in rows:
        print(
            f"| {size:,} | {result['group_s']:.2f} | {result['group_cpu_s']:.2f} | "
            f"{result['group_cpu_s'] / base[4]['group_cpu_s']:.1f}x (size {size / base[0]:.0f}x) | "
            f"{result['peak_rss_mib']:,.0f} | {result['peak_rss_mib'] / base[4]['peak_rss_mib']:.2f}x | "
            f"{result['verifications'] / size:.1f} | {result['f1']:.3f} |"
        )


if __name__ == "__main__":
    main()
