"""`comity panel`: state-year or dyad-year panels for R, Stata and notebooks."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from comity._cli_common import DbOption, JsonOption, registry_at, votes_at

__all__ = ["register"]


def panel(
    out: Annotated[
        Path,
        typer.Option("--out", help="File to write: .csv, .parquet or Stata .dta.", show_default=False),
    ],
    unit: Annotated[str, typer.Option("--unit", help="state-year or dyad-year.")] = "state-year",
    start: Annotated[int, typer.Option("--from", help="First year.")] = 1946,
    end: Annotated[int, typer.Option("--to", help="Last year.")] = 2024,
    bodies: Annotated[
        str,
        typer.Option("--bodies", help="Comma-separated bodies whose memberships to add (NATO,EU,G77...)."),
    ] = "",
    successors: Annotated[
        bool,
        typer.Option("--successors", help="Merge lines of succession in the votes (SUN as RUS), as BSV."),
    ] = False,
    ideal: Annotated[bool, typer.Option("--ideal/--no-ideal", help="Add dynamic ideal points.")] = True,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Write a panel of UN member states (or their pairs) per year: names, ISO3, COW and
    Gleditsch-Ward codes, memberships on 1 July, UNSC seats, GA agreement and ideal points.

    Example: comity panel --unit dyad-year --from 2000 --to 2024 --bodies NATO,EU --out dyads.dta
    """
    from comity._export import check_table_path, write_table
    from comity._panel import panel as build_panel

    check_table_path(out)
    votes = votes_at(db, "unvotes,unvotes2020", "GA", successors)
    chosen = [b.strip() for b in bodies.split(",") if b.strip()]
    table = build_panel(
        unit,  # type: ignore[arg-type]  # checked by panel()
        start,
        end,
        chosen,
        votes=votes,
        ideal=ideal,
        registry=registry_at(db),
    )
    write_table(table, out)
    columns = [str(c) for c in table.columns]
    summary = {
        "file": str(out),
        "unit": unit,
        "rows": len(table),
        "years": f"{start}-{end}",
        "columns": columns,
    }
    if as_json:
        typer.echo(json.dumps(summary, indent=2))
        return
    typer.echo(f"{len(table):,} {unit} rows, {len(table.columns)} columns written to {out}")
    typer.echo("columns: " + ", ".join(columns))


def register(app: typer.Typer) -> None:
    """Add ``comity panel`` to the main command."""
    app.command(name="panel")(panel)
