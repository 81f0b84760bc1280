"""Write the news sample shipped in the package: ``src/comity/news/samples/news-dev.jsonl``.

One document a line (id, text, url, outlet, published) from ``../shared/corpus/news-dev``: the
texts as published and the page metadata of their annotations (not the annotations themselves).

    python scripts/make_news_samples.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    corpus = args.shared / "corpus" / "news-dev"
    out = ROOT / "src" / "comity" / "news" / "samples" / "news-dev.jsonl"
    lines = []
    for text_path in sorted(corpus.glob("*.txt")):
        meta = json.loads(text_path.with_suffix(".json").read_text(encoding="utf-8"))
        record = {
            "id": text_path.stem,
            "text": text_path.read_text(encoding="utf-8"),
            "url": meta.get("url"),
            "outlet": meta.get("outlet"),
            "published": meta.get("published"),
        }
        lines.append(json.dumps(record, ensure_ascii=False))
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"wrote {len(lines)} documents to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
