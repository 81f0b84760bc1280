"""The news reader's commands: ``comity read``, ``attach``, ``stories`` and ``eval news``.

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
from comity.news._pipeline import DEFAULT_TIME_BUDGET

__all__ = ["eval_app", "register"]

FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        "-f",
        help="gold (default): the fields of gold-format.md; full: every fact with its spans; "
        "summary: only what the run did (streams the corpus; needs --out or --store).",
        show_default=False,
    ),
]
StoreOption = Annotated[
    bool,
    typer.Option(
        "--store/--no-store",
        help="Also save the documents, their facts and story keys in the store (documents it holds "
        "with the same text, by SHA-256, are skipped; new ones join the stored stories).",
    ),
]
JobsOption = Annotated[
    int,
    typer.Option(
        "--jobs", "-j", min=0, help="Worker processes (0: one per CPU; under 128 documents are read in one)."
    ),
]
MaxBytesOption = Annotated[
    int,
    typer.Option(
        "--max-bytes",
        min=1,
        help="Skip documents larger than this (a text or HTML file; one JSON line or Parquet row).",
    ),
]
PathsArgument = Annotated[
    list[str],
    typer.Argument(
        help="Files (.txt, .html, .jsonl, .jsonl.gz, .jsonl.zst, .parquet), directories, or - for stdin.",
        show_default=False,
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option(
        "--out",
        "-o",
        help="Stream the corpus in chunks into this folder as partitioned Parquet "
        "(documents/, facts/, stories/) and a manifest; a killed run resumes where it stopped.",
        show_default=False,
    ),
]
ChunkSizeOption = Annotated[
    int, typer.Option("--chunk-size", min=1, help="Documents per chunk (with --out or --format summary).")
]
ResumeOption = Annotated[
    bool,
    typer.Option("--resume/--no-resume", help="Continue the run the --out folder holds, or start over."),
]
ProgressOption = Annotated[
    bool | None,
    typer.Option(
        "--progress/--no-progress",
        help="Progress bar (docs/s, time left) on stderr; default: when stderr is a terminal.",
        show_default=False,
    ),
]
EngineOption = Annotated[
    str,
    typer.Option(
        "--engine",
        help="local: worker processes on this machine; dask: a Dask cluster (with --out; "
        "pip install 'comity[dask]').",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        help="--engine dask: address of a running Dask scheduler (tcp://HOST:8786); "
        "default: a LocalCluster on this machine.",
        show_default=False,
    ),
]
WorkersOption = Annotated[
    int, typer.Option("--workers", min=1, help="--engine dask: worker processes of the LocalCluster.")
]
TextColumnOption = Annotated[str, typer.Option("--text-column", help="Parquet inputs: the text column.")]
IdColumnOption = Annotated[
    str, typer.Option("--id-column", help="Parquet inputs: the id column (if absent: <file>-<row>).")
]
DateColumnOption = Annotated[
    str, typer.Option("--date-column", help="Parquet inputs: the publication date column (optional).")
]
TimeBudgetOption = Annotated[
    float,
    typer.Option(
        "--time-budget",
        min=0,
        help="With --out or --format summary: seconds one document may take before it is skipped "
        "and reported (0: no limit, so that the output depends on the inputs alone).",
    ),
]
ENGINES = ("local", "dask")

eval_app = typer.Typer(
    name="eval", help="Score comity against hand annotations.", no_args_is_help=True, add_completion=False
)


def _fail(error: ComityError) -> typer.Exit:
    typer.echo(f"Error: {error}", err=True)
    return typer.Exit(2)


def _read(paths: list[str], *, max_bytes: int, jobs: int, columns: Any = None) -> tuple[list[Any], int]:
    """Read, run the pipeline and group stories; skipped inputs go to stderr and are counted."""
    from comity.news._input import InputDoc, iter_documents, read_documents, unique_documents
    from comity.news._stories import group_stories

    items: list[InputDoc] = []
    skipped = 0
    for item in unique_documents(iter_documents(paths, max_bytes=max_bytes, columns=columns)):
        if isinstance(item, InputDoc):
            items.append(item)
        else:
            skipped += 1
            typer.echo(str(item), err=True)
    if not items:
        raise BadInput(
            f"No readable document in {', '.join(paths)}.",
            hint="Give .txt, .html, .jsonl or .parquet files (or a directory of them); "
            "see the reasons above.",
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
    format: FormatOption = None,
    store: StoreOption = False,
    db: DbOption = None,
    jobs: JobsOption = 0,
    max_bytes: MaxBytesOption = 5_000_000,
    out: OutOption = None,
    chunk_size: ChunkSizeOption = 500,
    resume: ResumeOption = True,
    progress: ProgressOption = None,
    engine: EngineOption = "local",
    text_column: TextColumnOption = "text",
    id_column: IdColumnOption = "id",
    date_column: DateColumnOption = "published",
    scheduler: SchedulerOption = None,
    workers: WorkersOption = 2,
    time_budget: TimeBudgetOption = DEFAULT_TIME_BUDGET,
) -> None:
    """Read news documents and print what they say, one JSON object per line.

    Example: comity read corpus/news-dev --format gold

    Example (a corpus of any size): comity read wire.jsonl.zst --out wire-read --store

    Documents read together are grouped into stories: documents of one story share the "story" value.

    With --store the documents and their facts (spans in the text as published) are saved in the store.

    Reading a document again replaces its facts.

    With --out the corpus is streamed in chunks (--chunk-size) through the worker processes into
    partitioned Parquet: documents/, facts/ and stories/ (doc_id, story_id), which DuckDB reads
    directly (read_parquet('DIR/facts/*.parquet')) and `comity attach DIR` makes views of the
    store. Each finished chunk is noted in DIR/manifest.json: a run killed mid-way and started
    again with the same command continues from its last finished chunk and ends with the same
    output. Only a summary is printed (JSON). --format summary streams into the store alone.

    Reading into the store (--store with --out or --format summary) skips the documents it holds
    already with the same text (same id, same SHA-256 content hash; counted as "already_stored"),
    so a run started again, after it finished or was killed, stores no document twice; a
    document whose text changed replaces the stored one. The new documents join the stored
    stories they belong to (from the story keys the store keeps for each document); stored
    stories keep their ids and are not regrouped.

    Example (add a week of news to a store): comity read week-49.jsonl --store --format summary

    Example (on a Dask cluster): comity read wire.jsonl --out wire-read --engine dask --scheduler tcp://10.0.0.5:8786

    --engine dask reads the chunks on a Dask cluster (a LocalCluster of --workers processes, or
    the scheduler at --scheduler) and writes the same output as the local engine.

    Exit code 0: all read; 1: some inputs skipped (each named on stderr), the others read and
    stored; 2: nothing read, or an error.
    """
    from comity.news._gold import to_full, to_gold
    from comity.news._input import ParquetColumns

    try:
        columns = ParquetColumns(text=text_column, id=id_column, date=date_column)
        if engine not in ENGINES:
            raise BadInput(f"Unknown --engine {engine!r}.", hint=f"Use one of: {', '.join(ENGINES)}.")
        if format not in (None, "gold", "full", "summary"):
            raise BadInput(
                f"Unknown --format {format!r}.", hint="Use --format gold, --format full or --format summary."
            )
        if out is not None and format in ("gold", "full"):
            raise BadInput(
                f"--format {format} prints every document, which --out writes to Parquet instead.",
                hint="Drop --format (a summary is printed), or drop --out to print the documents.",
            )
        streaming = out is not None or format == "summary"
        if engine == "dask" and not streaming:
            raise BadInput(
                "--engine dask streams the corpus into Parquet or the store, so it needs --out.",
                hint="Add --out DIR (or --store --format summary), or use --engine local.",
            )
        if scheduler is not None and engine != "dask":
            raise BadInput(
                "--scheduler is for --engine dask.", hint="Add --engine dask, or drop --scheduler."
            )
        if streaming and out is None and not store:
            raise BadInput(
                "--format summary reads the corpus without printing it, so it needs somewhere to write it.",
                hint="Add --out DIR (Parquet) and/or --store.",
            )
        # The store is opened (and its lock taken) before any reading, so that a store another
        # process holds is refused at once rather than after minutes of work.
        target = _open_for_writing(db) if store else None
        try:
            if streaming:
                skipped = _read_corpus(
                    paths,
                    out=out,
                    target=target,
                    chunk_size=chunk_size,
                    jobs=jobs,
                    progress=progress,
                    resume=resume,
                    max_bytes=max_bytes,
                    columns=columns,
                    engine=engine,
                    scheduler=scheduler,
                    workers=workers,
                    time_budget=time_budget or None,
                )
            else:
                docs, skipped = _read(paths, max_bytes=max_bytes, jobs=jobs, columns=columns)
                convert = to_gold if format in (None, "gold") else to_full
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


def _read_corpus(
    paths: list[str],
    *,
    out: Path | None,
    target: Any,
    chunk_size: int,
    jobs: int,
    progress: bool | None,
    resume: bool,
    max_bytes: int,
    columns: Any,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    time_budget: float | None = DEFAULT_TIME_BUDGET,
) -> int:
    """Stream ``paths`` into ``out`` and/or the store; print the summary; return the inputs skipped."""
    from comity.news._corpus_run import read_corpus

    options: dict[str, Any] = {
        "out": out,
        "store": target,
        "chunk_size": chunk_size,
        "progress": progress,
        "resume": resume,
        "max_bytes": max_bytes,
        "columns": columns,
        "on_skipped": lambda item: typer.echo(str(item), err=True),
        "time_budget": time_budget,
    }
    if engine == "dask":
        from comity.news._dask import read_corpus_dask

        summary = read_corpus_dask(paths, scheduler=scheduler, n_workers=workers, **options)
    else:
        summary = read_corpus(paths, jobs=jobs, **options)
    if summary.documents == 0 and summary.stored == 0:
        raise BadInput(
            f"No readable document in {', '.join(paths)}.",
            hint="Give .txt, .html, .jsonl or .parquet files (or a directory of them); "
            "see the reasons above.",
        )
    record = summary.to_dict()
    if target is not None:
        record["store"] = str(target.path)
    typer.echo(json.dumps(record))
    return summary.skipped


def _open_for_writing(db: Path | None) -> Any:
    from comity.store import Store, default_db_path

    # Only the default store is created on first use; a --db that names no store is a typo.
    path = db if db is not None else default_db_path()
    return Store.open(path, read_only=False, create=db is None)


def _save(docs: list[Any], target: Any) -> None:
    from comity.news._store import add_documents

    saved, known = add_documents(target, docs)
    also = f" ({known} already stored with the same text, left as they were)" if known else ""
    typer.echo(f"stored {saved} documents in {target.path}{also}", err=True)


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


def attach_command(
    folder: Annotated[Path, typer.Argument(help="The --out folder of a finished `comity read --out` run.")],
    name: Annotated[
        str, typer.Option("--name", help="Prefix of the views: NAME_documents, NAME_facts, NAME_stories.")
    ] = "corpus",
    db: DbOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the views as JSON.")] = False,
) -> None:
    """Make the Parquet output of `comity read --out` queryable from the store, as views.

    Example: comity attach wire-read --name wire

    Creates (or replaces) the views NAME_documents (with each document's story_id), NAME_facts
    and NAME_stories over the folder's Parquet parts; nothing is copied, so the folder must stay
    where it is. Query them with DuckDB on the store, e.g.
    SELECT fact_type, count(*) FROM wire_facts GROUP BY 1.
    """
    from comity.news._corpus_run import attach_corpus

    try:
        target = _open_for_writing(db)
        try:
            views = attach_corpus(target, folder, name=name)
        finally:
            target.close()
    except ComityError as error:
        raise _fail(error) from error
    if as_json:
        typer.echo(json.dumps({"store": str(target.path), "views": views}, indent=2))
        return
    width = max(len(view) for view in views)
    typer.echo(f"{'view'.ljust(width)}  rows")
    for view, rows in views.items():
        typer.echo(f"{view.ljust(width)}  {rows:,}")
    typer.echo(f"attached {folder} to {target.path}", err=True)


def register(app: typer.Typer) -> None:
    """Add ``read``, ``attach``, ``stories`` and ``eval news`` to ``app``."""
    app.command("read")(read_command)
    app.command("attach")(attach_command)
    app.command("stories")(stories_command)
    app.add_typer(eval_app, name="eval")
