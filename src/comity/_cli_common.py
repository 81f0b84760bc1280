"""What every `comity` command group shares: error handling and the common options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from comity.errors import BadInput, ComityError, FileError

if TYPE_CHECKING:
    import pandas as pd

    from comity.registry import Registry

__all__ = ["ComityGroup", "DbOption", "JsonOption", "as_comity_error", "registry_at", "votes_at"]


def as_comity_error(exc: BaseException) -> ComityError | None:
    """comity's own error for a failure a user can meet, or None for a bug.

    A file that cannot be written (a folder, read-only, disk full) names its path and the reason;
    a DuckDB failure (a damaged or full store) becomes E050 with what to do.
    """
    if isinstance(exc, ComityError):
        return exc
    if isinstance(exc, OSError) and not isinstance(exc, BrokenPipeError):  # click handles a closed pipe
        return FileError.from_os_error(exc)
    duckdb = sys.modules.get("duckdb")
    if duckdb is not None and isinstance(exc, duckdb.Error):
        from comity.store._store import as_store_error

        return as_store_error(exc)
    return None


class ComityGroup(TyperGroup):
    """Turns comity's own errors, failed writes and a damaged store into one message on stderr
    and exit code 2, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except Exception as exc:
            error = as_comity_error(exc)
            if error is None:
                raise
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(2) from exc


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Store file (default: $COMITY_DB or ~/.local/share/comity/comity.duckdb).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def votes_at(db: Path | None, source: str, body: str = "GA", successors: bool = False) -> pd.DataFrame:
    """The votes of one organ (or ``all``) of the comma-separated ``source`` for a command's
    ``--db``: from the store at ``db`` (or the default store, if it exists), else the shipped data."""
    from comity.store import Store, default_db_path
    from comity.votes._load import read_votes

    if body.upper() not in ("GA", "SC", "ALL"):
        raise BadInput(f"--body must be GA, SC or all, not {body!r}")
    sources = [s.strip() for s in source.split(",") if s.strip()]
    path = db if db is not None else default_db_path()
    if Path(path).exists():
        store = Store.open(path, read_only=True)
        try:
            return read_votes(store, sources, body=body, successors=successors)
        finally:
            store.close()
    if db is not None:
        raise BadInput(f"no store at {db}", hint="Create it with `comity build --db FILE` or leave out --db.")
    return read_votes(None, sources, body=body, successors=successors)


def registry_at(db: Path | None) -> Registry:
    """The registry for a command's ``--db``: of the store at ``db`` if it exists, else the shipped one."""
    from comity.registry import Registry
    from comity.store import Store

    if db is not None and Path(db).exists():
        return Registry.from_store(Store.open(db, read_only=True))
    return Registry.default()
