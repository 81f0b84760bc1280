"""The news reader's commands: ``comity read``, ``comity stories`` and ``comity eval news``.

:func:`register` adds them to a Typer app (the top-level ``comity`` app mounts them). Inputs
that cannot be read are reported one line per file on stderr and the others are still read;
comity's own errors become one message on stderr and exit code 2.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import typer

from comity._cli_common import DbOption
from comity.errors import BadInput, ComityError

__all__ = ["eval_app", "register"]

FormatOption = Annotated[
    str,
    typer.Option(
        "--format", "-f", help="gold: the fields of gold-format.md; full: every fact with its spans."
    ),
]
StoreOption = Annotated[
    bool, typer.Option("--store/--no-store", help="Also save the documents and their facts in the store.")
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=0, help="Worker processes (0: one per CPU; under 128 documents are read in one)."
    ),
]
MaxBytesOption = Annotated[int, typer.Option("--max-bytes", min=1, help="Skip files larger than this.")]
PathsArgument = Annotated[
    list[str],
    typer.Argument(help="Files (.txt, .html, .jsonl), directories, or - for stdin.", show_default=False),
]

eval_app = typer.Typer(
    name="eval", help="Score comity against hand annotations.", no_args_is_help=True, add_completion=False
)


def _fail(error: ComityError) -> typer.Exit:
    typer.echo(f"Error: {error}", err=True)
    return typer.Exit(2)


def _read(paths: list[str], *, max_bytes: int, jobs: int) -> tuple[list[Any], int]:
    """Read, run the pipeline and group stories; skipped inputs go to stderr and are counted."""
    from comity.news._input import InputDoc, iter_documents, read_documents, unique_documents
    from comity.news._stories import group_stories

    items: list[InputDoc] = []
    skipped = 0
    for item in unique_documents(iter_documents(paths, max_bytes=max_bytes)):
        if isinstance(item, InputDoc):
            items.append(item)
        else:
            skipped += 1
            typer.echo(str(item), err=True)
    if not items:
        raise BadInput(
            f"No readable document in {', '.join(paths)}.",
            hint="Give .txt, .html or .jsonl files (or a directory of them); see the reasons above.",
        )
    docs = read_documents(items, jobs=jobs or os.cpu_count() or 1)
    stories = group_stories(docs)
    for doc in docs:
        doc.story = stories.get(doc.id)
    return docs, skipped


def _some_skipped(skipped: int) -> None:
    """Exit 1 (the documents read were printed and stored) when some inputs were left out."""
    if skipped:
        typer.echo(f"{skipped} input(s) skipped (reasons above); the others were read.", err=True)
        raise typer.Exit(1)


def read_command(
    paths: PathsArgument,
    format: FormatOption = "gold",
    store: StoreOption = False,
    db: DbOption = None,
    jobs: JobsOption = 0,
    max_bytes: MaxBytesOption = 5_000_000,
) -> None:
    """Read news documents and print what they say, one JSON object per line.

    Example: comity read corpus/news-dev --format gold

    Documents read together are grouped into stories: documents of one story share the "story" value.

    With --store the documents and their facts (spans in the text as published) are saved in the store.

    Reading a document again replaces its facts.

    Exit code 0: all read; 1: some inputs skipped (each named on stderr), the others read and
    stored; 2: nothing read, or an error.
    """
    from comity.news._gold import to_full, to_gold

    try:
        if format not in ("gold", "full"):
            raise BadInput(f"Unknown --format {format!r}.", hint="Use --format gold or --format full.")
        # The store is opened (and its lock taken) before any reading, so that a store another
        # process holds is refused at once rather than after minutes of work.
        target = _open_for_writing(db) if store else None
        try:
            docs, skipped = _read(paths, max_bytes=max_bytes, jobs=jobs)
            convert = to_gold if format == "gold" else to_full
            for doc in docs:
                typer.echo(json.dumps(convert(doc), ensure_ascii=False))
            if target is not None:
                _save(docs, target)
        finally:
            if target is not None:
                target.close()
    except ComityError as error:
        raise _fail(error) from error
    _some_skipped(skipped)


def _open_for_writing(db: Path | None) -> Any:
    from comity.store import Store, default_db_path

    # Only the default store is created on first use; a --db that names no store is a typo.
    path = db if db is not None else default_db_path()
    return Store.open(path, read_only=False, create=db is None)


def _save(docs: list[Any], target: Any) -> None:
    from comity.news._store import save_documents

    written = save_documents(target, docs)
    typer.echo(f"stored {len(docs)} documents and {written} facts in {target.path}", err=True)


def stories_command(
    paths: PathsArgument,
    as_json: Annotated[bool, typer.Option("--json", help="Print the reconciled stories as JSON.")] = False,
    jobs: JobsOption = 0,
    max_bytes: MaxBytesOption = 5_000_000,
) -> None:
    """Group news documents into stories and reconcile their facts.

    Example: comity stories corpus/news-dev --json

    The table lists each story with its documents and the facts on which they disagree.

    --json gives every fact with the number of documents that support it.
    """
    from comity.news._stories import reconcile

    try:
        docs, skipped = _read(paths, max_bytes=max_bytes, jobs=jobs)
        by_story: dict[str, list[Any]] = {}
        for doc in docs:
            by_story.setdefault(doc.story or doc.id, []).append(doc)
        stories = [reconcile(group, story_id) for story_id, group in by_story.items()]
        if as_json:
            typer.echo(json.dumps([story.to_dict() for story in stories], ensure_ascii=False, indent=2))
        else:
            typer.echo(_stories_table(stories))
    except ComityError as error:
        raise _fail(error) from error
    _some_skipped(skipped)


def _stories_table(stories: list[Any]) -> str:
    rows = []
    for story in stories:
        kinds = {f.fact_type for f in story.facts}
        meetings = [f.value for f in story.facts if f.fact_type == "meeting"]
        main = max(meetings, key=lambda m: len(m.get("participants") or []), default=None)
        rows.append(
            (
                story.id,
                str(len(story.doc_ids)),
                f"{main['body']} {main['date'] or ''}".strip() if main else "",
                str(len(story.conflicts)),
                ", ".join(sorted(kinds & {"coalition", "membership", "meeting"})),
            )
        )
    header = ("story", "docs", "main meeting", "conflicts", "facts")
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in [header, *rows]
    ]
    for story in stories:
        lines.append("")
        lines.append(f"{story.id}: {', '.join(story.doc_ids)}")
        for fact in story.conflicts:
            lines.append(f"  conflict ({fact.fact_type}): {'; '.join(fact.conflicts)}")
    return "\n".join(line.rstrip() for line in lines)


@eval_app.command("news")
def eval_news_command(
    directory: Annotated[Path, typer.Argument(help="A folder of <id>.txt texts with <id>.json annotations.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    split: Annotated[
        str,
        typer.Option(
            "--split",
            help="all documents; train: all but the held-out stories; heldout: only those (scores only).",
        ),
    ] = "all",
    errors: Annotated[
        bool,
        typer.Option("--errors", help="Also count the errors by kind (missed, invented, wrong speaker)."),
    ] = False,
) -> None:
    """Score the news reader against gold annotations: P/R/F1 per field and macro-F1.

    Example: comity eval news corpus/news-train --split heldout

    The held-out stories (comity.news._corpus.HELDOUT_STORIES) are scored in aggregate only.
    """
    from comity.news._corpus import SPLITS
    from comity.news._eval import evaluate

    try:
        if split not in SPLITS:
            raise BadInput(f"Unknown --split {split!r}.", hint=f"Use one of: {', '.join(SPLITS)}.")
        report = evaluate(directory, split=split)  # type: ignore[arg-type]
    except ComityError as error:
        raise _fail(error) from error
    typer.echo(json.dumps(report.to_dict(), indent=2) if as_json else report.format(errors=errors))


def register(app: typer.Typer) -> None:
    """Add ``read``, ``stories`` and ``eval news`` to ``app``."""
    app.command("read")(read_command)
    app.command("stories")(stories_command)
    app.add_typer(eval_app, name="eval")
