"""What every `comity` command group shares: error handling and the common options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from comity.errors import ComityError, FileError

__all__ = ["ComityGroup", "DbOption", "JsonOption", "as_comity_error"]


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
