"""News reader quality on the three splits of the annotated corpus: dev, train and held-out.

- ``news-dev``: the 31 documents the first reader was written on;
- ``train``: ``news-train`` without the held-out stories (``comity.news._corpus.HELDOUT_STORIES``);
- ``held-out``: only those stories -- scored in aggregate, never printed document by document.

The corpus is read from ``$COMITY_CORPUS`` or ``../shared/corpus`` (see
``comity.news._corpus.corpus_root``). Prints per-field precision, recall and F1 and macro-F1 for
each split; asserts nothing. The same figures, one split at a time::

    comity eval news ../shared/corpus/news-dev
    comity eval news ../shared/corpus/news-train --split train
    comity eval news ../shared/corpus/news-train --split heldout --errors

Run::

    python benchmarks/eval_news.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--json", action="store_true", help="print the scores as one JSON object")
    args = parser.parse_args(argv)

    from comity.news import Pipeline
    from comity.news._corpus import corpus_root
    from comity.news._eval import evaluate

    root = corpus_root()
    if root is None:
        print("No annotated corpus: set COMITY_CORPUS or put shared/corpus beside the repository.")
        return 2
    reader = Pipeline(time_budget=None)  # scores must not depend on machine load
    runs: list[tuple[str, Any]] = [
        ("news-dev", evaluate(root / "news-dev", reader)),
        ("train", evaluate(root / "news-train", reader, split="train")),
        ("held-out", evaluate(root / "news-train", reader, split="heldout")),
    ]
    if args.json:
        print(json.dumps({name: report.to_dict() for name, report in runs}, indent=2))
        return 0
    print(f"corpus: {root}")
    for name, report in runs:
        print(f"\n== {name}")
        print(report.format(errors=True))
    print("\nF1 by field")
    fields = list(runs[0][1].fields)
    print(f"{'split':<10}" + "".join(f"{field[:11]:>12}" for field in fields) + f"{'macro-F1':>10}")
    for name, report in runs:
        cells = "".join(
            f"{'n/a':>12}" if report.fields[f].empty else f"{report.fields[f].f1:12.3f}" for f in fields
        )
        print(f"{name:<10}{cells}{report.macro_f1:10.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
