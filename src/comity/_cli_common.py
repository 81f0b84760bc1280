"""What every `comity` command group shares: error handling and the common options."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from comity.errors import ComityError

__all__ = ["ComityGroup", "DbOption", "JsonOption"]


class ComityGroup(TyperGroup):
    """Turns comity's own errors into one message on stderr and exit code 2, never a traceback."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except ComityError as error:
            typer.echo(f"Error: {error}", err=True)
            raise typer.Exit(2) from error


DbOption = Annotated[
    Path | None,
    typer.Option(
        "--db",
        help="Store file (default: $COMITY_DB or ~/.local/share/comity/comity.duckdb).",
        show_default=False,
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
