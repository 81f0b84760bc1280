"""Where the annotated news corpus lives, and the project's held-out split of it.

The corpus (``news-dev``, ``news-train``: ``<id>.txt`` texts with ``<id>.json`` annotations in
the gold format) is other people's text, so it is never copied into the repository: it is read
from ``$COMITY_CORPUS`` or from a ``shared/corpus`` folder beside the repository (the first
ancestor of this package that has one).

:data:`HELDOUT_STORIES` names the stories of ``news-train`` set aside before the reader's second
version was written. Their texts are not read while rules are developed; they are scored only
in aggregate (per field), so that the scores say how the reader does on stories it has not seen.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Literal

from comity.errors import BadInput

__all__ = ["HELDOUT_STORIES", "SPLITS", "annotated_jsonl", "corpus_root", "split_documents"]

#: Stories of news-train held out from development (6 stories, 18 documents), chosen on
#: 2026-12-05 before any rule of the second reader was written.
HELDOUT_STORIES: frozenset[str] = frozenset(
    {
        "g7-carbis-bay-2021",
        "open-skies-withdrawal-2020",
        "philippines-icc-withdrawal",
        "quad-summit-2021-03",
        "unga-jerusalem-2017",
        "unhrc-election-2020",
    }
)

Split = Literal["all", "train", "heldout"]
#: ``all``: every annotated document; ``train``: all but the held-out stories; ``heldout``: only them.
SPLITS: tuple[Split, ...] = ("all", "train", "heldout")


def corpus_root() -> Path | None:
    """The folder holding ``news-dev`` and ``news-train``, or None when there is none.

    ``$COMITY_CORPUS`` wins when set (an error if it is not a folder), then
    ``$COMITY_SHARED/corpus``; otherwise the first ``shared/corpus`` folder found going up from
    this package (``<repo>/../shared/corpus``
    for a checkout that sits beside ``shared``).
    """
    env = os.environ.get("COMITY_CORPUS", "").strip()
    if env:
        path = Path(env)
        if not path.is_dir():
            raise BadInput(
                f"COMITY_CORPUS={env} is not a folder.",
                hint="Point COMITY_CORPUS at the folder that holds news-dev and news-train, or unset it.",
            )
        return path
    shared = os.environ.get("COMITY_SHARED", "").strip()
    if shared and (Path(shared) / "corpus").is_dir():
        return Path(shared) / "corpus"
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "shared" / "corpus"
        if candidate.is_dir():
            return candidate
    return None


def annotated_jsonl(folder: str | Path, out: str | Path) -> Path:
    """Write the annotated texts of ``folder`` as one JSON-lines file that ``comity read`` takes.

    Each line holds a text's id and text with the page metadata its annotation records (``url``,
    ``outlet``, ``published``), so a document read from it is dated and attributed as the page was.
    Returns ``out``.
    """
    lines = []
    for text_path in sorted(Path(folder).glob("*.txt")):
        meta = json.loads(text_path.with_suffix(".json").read_text(encoding="utf-8"))
        record = {"id": text_path.stem, "text": text_path.read_text(encoding="utf-8")}
        record.update({key: meta.get(key) for key in ("url", "outlet", "published")})
        lines.append(json.dumps(record, ensure_ascii=False))
    path = Path(out)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _story(gold_path: Path) -> str | None:
    try:
        record = json.loads(gold_path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return None  # evaluate() reports unreadable annotations with their path
    story = record.get("story") if isinstance(record, dict) else None
    return story if isinstance(story, str) else None


def split_documents(folder: str | Path, split: Split, heldout: Iterable[str] = HELDOUT_STORIES) -> set[str]:
    """The stems of the annotated documents of ``folder`` in ``split``.

    A document's story is the ``story`` of its annotation; ``heldout`` lists the stories held
    out (default :data:`HELDOUT_STORIES`).
    """
    if split not in SPLITS:
        raise BadInput(f"Unknown split {split!r}.", hint=f"Use one of: {', '.join(SPLITS)}.")
    held = set(heldout)
    stems = set()
    for gold_path in sorted(Path(folder).glob("*.json")):
        if not gold_path.with_suffix(".txt").exists():
            continue
        in_heldout = _story(gold_path) in held
        if split == "all" or (split == "heldout") == in_heldout:
            stems.add(gold_path.stem)
    return stems
