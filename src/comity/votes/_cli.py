"""`comity votes`: alignment, cohesion, blocs, ideal points and loading, from the command line.

Commands read votes from the store (``--db``, default ``$COMITY_DB``) and fall back to the data
shipped with comity when the store holds none.
"""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Annotated, Any

import typer

from comity._cli_common import ComityGroup, DbOption, JsonOption, registry_at, votes_at
from comity._files import check_writable, writing
from comity.errors import BadInput

__all__ = ["votes_app"]


votes_app = typer.Typer(
    cls=ComityGroup,
    help="UN roll calls: alignment, cohesion, blocs, ideal points.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

# Bounds as the HTTP API's: years of UN votes, seeds of numpy's generators, draws that fit in memory.
FromOption = Annotated[
    int | None, typer.Option("--from", min=1945, max=2100, help="First year.", show_default=False)
]
ToOption = Annotated[
    int | None, typer.Option("--to", min=1945, max=2100, help="Last year.", show_default=False)
]
PlotOption = Annotated[
    Path | None,
    typer.Option(
        "--plot", help="Also draw a figure: .png, .svg, .pdf or self-contained .html.", show_default=False
    ),
]
BodyOption = Annotated[
    str,
    typer.Option("--body", help="Organ: GA (default), SC, or all (the undl source mixes GA and SC votes)."),
]
SuccessorsOption = Annotated[
    bool,
    typer.Option(
        "--successors",
        help="Count states that no longer exist as their successor (SUN as RUS, YUG as SRB), as BSV do.",
    ),
]
OutOption = Annotated[
    Path | None,
    typer.Option("--out", help="Also write the table: .csv, .parquet or Stata .dta.", show_default=False),
]
SourceOption = Annotated[
    str,
    typer.Option("--source", help="Comma-separated vote sources (shipped: unvotes, unvotes2020, undl)."),
]


def _check_period(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and start > end:
        raise BadInput(
            f"--from {start} comes after --to {end}: the period is empty.",
            hint=f"Swap them: --from {end} --to {start}.",
        )


def _state_codes(names: list[str], votes: Any, successors: bool = False) -> list[str]:
    """ISO3 codes of the states named: codes present in the votes as they are, other names
    (``China``, ``Russian Federation``) through the registry. Names that are neither are an
    error that lists them all. With ``successors``, a state that no longer exists stands for
    the one that continues it (SUN for RUS), as in the votes."""
    from comity.errors import ComityError

    present = set(votes["iso3"].unique())
    codes, unknown = [], []
    for name in names:
        if name.upper() in present:
            codes.append(name.upper())
            continue
        from comity.registry import Registry

        try:
            code = Registry.default().resolve_state(name)
        except ComityError:
            unknown.append(name)
            continue
        if successors:
            from comity.votes._identity import successor_map

            heir = successor_map().get(code, code)
            if heir != code:
                typer.echo(f"{code} is counted as {heir} (--successors)", err=True)
            code = heir
        codes.append(code)
    if unknown:
        raise BadInput(
            f"unknown state(s): {', '.join(unknown)}",
            hint="Use ISO3 codes (USA, CHN, SUN) or names the registry knows; see `comity search NAME`.",
        )
    return codes


def _write_out(table: Any, out: Path | None) -> None:
    if out is not None:
        from comity._export import with_state_codes, write_table

        with writing(out):
            write_table(with_state_codes(table), out)
        typer.echo(f"table written to {out}", err=True)


def _echo(value: Any, as_json: bool) -> None:
    import pandas as pd

    from comity._output import echo_frame, to_json

    if as_json:
        typer.echo(to_json(value))
    elif isinstance(value, pd.DataFrame):
        echo_frame(value.round(3))
    else:
        typer.echo(to_json(value))


@votes_app.command()
def agree(
    states: Annotated[
        list[str], typer.Argument(help="ISO3 codes of two or more states.", show_default=False)
    ],
    by: Annotated[
        str, typer.Option("--by", help="'year', 'issue', 'year,issue' or 'none' (pooled over the period).")
    ] = "year",
    issue: Annotated[str | None, typer.Option("--issue", help="Issue code: me, nu, di, hr, co, ec.")] = None,
    start: FromOption = None,
    end: ToOption = None,
    metric: Annotated[
        list[str] | None,
        typer.Option(
            "--metric", help="agree, lijphart, s, kappa or pi (repeatable; default all).", show_default=False
        ),
    ] = None,
    reference: Annotated[
        str | None, typer.Option("--reference", help="Only pairs with this state.", show_default=False)
    ] = None,
    boot: Annotated[
        int,
        typer.Option(
            "--boot", min=0, max=10000, help="Bootstrap resamples of roll calls for 95% intervals (0: none)."
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**31, help="Seed of the bootstrap.")] = 0,
    plot: PlotOption = None,
    out: OutOption = None,
    source: SourceOption = "unvotes,unvotes2020",
    body: BodyOption = "GA",
    successors: SuccessorsOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Voting alignment between states, by year or pooled; thin years (few common votes) flagged.

    Example: comity votes agree USA CHN RUS --by year --from 1991 --issue hr --out agree.dta
    """
    from comity.votes._alignment import METRICS, alignment
    from comity.votes._plots import plot_alignment

    if by not in ("year", "issue", "year,issue", "none"):
        raise BadInput(f"--by must be 'year', 'issue', 'year,issue' or 'none', not {by!r}")
    if len(states) + (1 if reference else 0) < 2:
        raise BadInput("name at least two states", hint="Example: comity votes agree USA CHN RUS")
    metrics = list(metric) if metric else list(METRICS)
    _check_period(start, end)
    if out is not None:
        from comity._export import check_table_path

        check_table_path(check_writable(out, option="--out"))
    if plot is not None:
        check_writable(plot, option="--plot")
    votes = votes_at(db, source, body, successors)
    codes = _state_codes(list(states), votes, successors)
    if reference:
        reference = _state_codes([reference], votes, successors)[0]
    table = alignment(
        votes,
        codes,
        by=None if by == "none" else by,
        issue=issue,
        reference=reference,
        metrics=metrics,
        start=start,
        end=end,
        n_boot=boot,
        random_state=seed,
    )
    if plot is not None:
        if by != "year":
            raise BadInput("--plot needs --by year")
        with writing(plot):
            plot_alignment(table, plot, metric=metrics[0])
        typer.echo(f"figure written to {plot}", err=True)
    _write_out(table, out)
    _echo(table, as_json)


@votes_app.command()
def cohesion(
    group: Annotated[
        list[str],
        typer.Argument(
            help="A registry group id (coalition, organisation) or two or more ISO3 codes.",
            show_default=False,
        ),
    ],
    start: FromOption = None,
    end: ToOption = None,
    draws: Annotated[int, typer.Option("--draws", min=10, max=5000, help="Random groups per year.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**31, help="Seed of the random groups.")] = 0,
    issue: Annotated[str | None, typer.Option("--issue", help="Issue code: me, nu, di, hr, co, ec.")] = None,
    projected: Annotated[
        bool,
        typer.Option(
            "--projected/--no-projected",
            help="Keep the years before the group existed (founders projected back; flagged).",
        ),
    ] = True,
    plot: PlotOption = None,
    out: OutOption = None,
    source: SourceOption = "unvotes,unvotes2020",
    body: BodyOption = "GA",
    successors: SuccessorsOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Cohesion of a group per year against random groups of the same size: is it a bloc, since when?

    A group id takes the group's members on 1 July of each year. Each year's random groups are
    seeded by (--seed, year), so a year's answer does not depend on the period asked for.

    Example: comity votes cohesion GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER --from 1991 --to 2024
    """
    from comity.votes._cohesion import bloc_since
    from comity.votes._cohesion import cohesion as group_cohesion
    from comity.votes._plots import plot_cohesion

    _check_period(start, end)
    if out is not None:
        from comity._export import check_table_path

        check_table_path(check_writable(out, option="--out"))
    if plot is not None:
        check_writable(plot, option="--plot")
    votes = votes_at(db, source, body, successors)
    members: str | list[str] = group[0] if len(group) == 1 else _state_codes(list(group), votes, successors)
    registry = None
    if isinstance(members, str):
        registry = registry_at(db)
    table = group_cohesion(
        votes,
        members,
        start=start,
        end=end,
        issue=issue,
        n_draws=draws,
        random_state=seed,
        registry=registry,
        projected=projected,
    )
    if table.empty:
        raise BadInput("the group had fewer than two voting members in every year of the period")
    if plot is not None:
        if len(group) == 1:
            from comity.registry import Registry

            label = Registry.default().resolve(group[0]).name
        else:
            label = " ".join(members)
        # A long coalition name goes on a line of its own so the title fits the figure.
        with writing(plot):
            plot_cohesion(
                table, plot, title=f"{label}\nAgreement Index against random groups of the same size"
            )
        typer.echo(f"figure written to {plot}", err=True)
    _write_out(table, out)
    since = bloc_since(table)
    if as_json:
        from comity._output import frame_records

        typer.echo(
            json.dumps(
                {"group": group, "bloc_since": since, "years": frame_records(table)},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    shown = table[
        [
            "year",
            "n_members",
            "n_votes",
            "rice",
            "ai",
            "ai_random_mean",
            "ai_random_lo",
            "ai_random_hi",
            "ai_percentile",
            "ai_percentile_lo",
            "ai_percentile_hi",
            "bloc",
            "thin",
            "projected",
        ]
    ]
    _echo(shown, False)
    typer.echo(
        "bloc (AI percentile >= 95) since: "
        + (str(since) if since is not None else "not a bloc in the last year")
    )
    for note in _cohesion_notes(table, since):
        typer.echo(note)


def _cohesion_notes(table: Any, since: int | None) -> list[str]:
    """Warnings a reader of the table needs: thin years, projected years, uncertain verdicts."""
    from comity.votes._cohesion import THIN_ROLL_CALLS

    notes = []
    thin = table[table["thin"]]
    if len(thin):
        listed = ", ".join(f"{int(r.year)} ({int(r.n_votes)})" for r in thin.itertuples())
        notes.append(f"thin years (< {THIN_ROLL_CALLS} roll calls; roll calls in brackets): {listed}")
    if since is not None and bool(table.loc[table["year"] >= since, "thin"].all()):
        notes.append(f"warning: 'bloc since {since}' rests only on thin years")
    projected = table[table["projected"]]
    if len(projected):
        notes.append(
            f"projected: {int(projected['year'].min())}-{int(projected['year'].max())} are before the group "
            "existed; its founding members are projected back (--no-projected leaves them out)"
        )
    unsure = table[~table["bloc_certain"]]
    if len(unsure):
        notes.append(
            "Monte-Carlo interval of the percentile straddles 95 in: "
            + ", ".join(str(int(y)) for y in unsure["year"])
            + " (raise --draws)"
        )
    return notes


@votes_app.command()
def blocs(
    year: Annotated[
        int,
        typer.Option("--year", min=1945, max=2100, help="The year whose blocs to find.", show_default=False),
    ],
    resolution: Annotated[
        float,
        typer.Option("--resolution", min=0.001, max=10.0, help="Higher: more, smaller blocs (0.001 to 10)."),
    ] = 1.0,
    metric: Annotated[
        str, typer.Option("--metric", help="Edge weight: agree, lijphart, s, kappa, pi.")
    ] = "agree",
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**31, help="Seed of the Leiden algorithm.")] = 0,
    out: OutOption = None,
    source: SourceOption = "unvotes,unvotes2020",
    body: BodyOption = "GA",
    successors: SuccessorsOption = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Voting blocs of one year (Leiden communities of the agreement graph) and movers since the year before.

    Example: comity votes blocs --year 2023
    """
    from comity.votes._blocs import yearly_blocs

    if out is not None:
        from comity._export import check_table_path

        check_table_path(check_writable(out, option="--out"))
    votes = votes_at(db, source, body, successors)
    window = votes[(votes["year"] >= year - 1) & (votes["year"] <= year)]
    if not (window["year"] == year).any():
        raise BadInput(
            f"no votes in {year}", hint=f"Years with votes: {votes['year'].min()}-{votes['year'].max()}."
        )
    model = yearly_blocs(window, [year], resolution=resolution, metric=metric, random_state=seed)
    found = {int(str(b)): sorted(g["iso3"]) for b, g in model.blocs.groupby("bloc")}
    stability = model.stability
    movers = model.movers
    if out is not None:
        import pandas as pd

        _write_out(
            pd.DataFrame(
                [(year, iso3, label) for label, members in found.items() for iso3 in members],
                columns=["year", "iso3", "bloc"],
            ),
            out,
        )
    if as_json:
        payload = {
            "year": year,
            "blocs": [{"bloc": b, "size": len(m), "members": m} for b, m in found.items()],
            "stability": None
            if stability.empty
            else {
                "previous": int(stability["previous"].iloc[0]),
                "ari": float(stability["ari"].iloc[0]),
                "nmi": float(stability["nmi"].iloc[0]),
            },
            "movers": [
                {"iso3": str(iso3), "from": int(previous), "to": int(now)}
                for iso3, previous, now in zip(
                    movers["iso3"], movers["previous_bloc"], movers["bloc"], strict=True
                )
            ],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    for label, members in found.items():
        typer.echo(
            textwrap.fill(
                " ".join(members),
                width=100,
                initial_indent=f"bloc {label} ({len(members)}): ",
                subsequent_indent="    ",
            )
        )
    if not stability.empty:
        typer.echo(
            f"stability against {int(stability['previous'].iloc[0])}: adjusted Rand "
            f"{stability['ari'].iloc[0]:.3f}, NMI {stability['nmi'].iloc[0]:.3f}"
        )
        typer.echo(
            "movers: "
            + (", ".join(f"{r.iso3} ({r.previous_bloc}→{r.bloc})" for r in movers.itertuples()) or "none")
        )


@votes_app.command()
def ideal(
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="File to write: .csv, .parquet or Stata .dta (iso3, year, ideal, se, ...).",
            show_default=False,
        ),
    ],
    start: FromOption = None,
    end: ToOption = None,
    dynamic: Annotated[
        bool,
        typer.Option(
            "--dynamic/--per-year",
            help="One dynamic fit over all years, comparable over time (default), or a separate "
            "fit per year (each year on its own scale).",
        ),
    ] = True,
    boot: Annotated[
        int,
        typer.Option(
            "--boot",
            min=0,
            max=500,
            help="Parametric bootstrap refits for standard errors (se_boot; 0: none).",
        ),
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", min=0, max=2**31, help="Seed of the bootstrap.")] = 0,
    plot: PlotOption = None,
    states: Annotated[
        str, typer.Option("--states", help="States drawn with --plot (comma-separated).")
    ] = "USA,CHN,RUS",
    source: SourceOption = "unvotes,unvotes2020",
    body: BodyOption = "GA",
    successors: SuccessorsOption = False,
    db: DbOption = None,
) -> None:
    """Ideal points per state and year (yes < abstain < no; USA positive), written to a file.

    Example: comity votes ideal --from 1991 --to 2024 --out ideal.dta --plot ideal.png
    """
    from comity._export import check_table_path, with_state_codes, write_table
    from comity.votes._ideal import ideal_points_table
    from comity.votes._load import read_repeated_roll_calls
    from comity.votes._plots import _format_of, plot_ideal_points

    # Checked before the fit, which can take a while: a bad path or state should not cost it.
    _check_period(start, end)
    check_table_path(check_writable(out, option="--out"))
    if plot is not None:
        check_writable(plot, option="--plot")
        _format_of(plot)  # the figure's kind, from its extension, before the fit
    votes = votes_at(db, source, body, successors)
    drawn = (
        _state_codes([s.strip() for s in states.split(",") if s.strip()], votes, successors) if plot else []
    )
    repeats = read_repeated_roll_calls(found=True) if dynamic else None
    table = ideal_points_table(votes, start, end, dynamic, repeats=repeats, n_boot=boot, random_state=seed)
    with writing(out):
        write_table(with_state_codes(table), out)
    typer.echo(f"{len(table):,} state-years written to {out}")
    if plot is not None:
        with writing(plot):
            plot_ideal_points(table, plot, states=drawn)
        typer.echo(f"figure written to {plot}", err=True)


@votes_app.command()
def load(
    undl_csv: Annotated[
        Path | None,
        typer.Option(
            "--undl-csv", help="A UN Digital Library bulk voting CSV (or .zip) to load.", show_default=False
        ),
    ] = None,
    source_id: Annotated[
        str, typer.Option("--source-id", help="Source id of the --undl-csv rows.")
    ] = "undl_csv",
    dataset: Annotated[
        str | None,
        typer.Option(
            "--dataset",
            help="undl-ga or undl-sc: fetch the UN Digital Library's voting data (`comity data fetch`) "
            "and load it under that source id.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Reload shipped data even if unchanged.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Load the shipped vote data, or a UN Digital Library bulk CSV, into the store.

    Example: comity votes load --undl-csv 2024_ga_voting.csv

    Example: comity votes load --dataset undl-ga
    """
    from comity.store import Store, default_db_path
    from comity.votes._load import load_all, load_undl_csv

    if dataset is not None:
        from comity.data._manifest import entry, normalise_key
        from comity.errors import BadInput

        if normalise_key(dataset) not in ("undl_ga", "undl_sc"):
            raise BadInput(f"unknown --dataset {dataset!r}.", hint="Use undl-ga or undl-sc.")
        from comity.data import fetch

        undl_csv, source_id = fetch(dataset), entry(dataset).key
    path = db if db is not None else default_db_path()
    with Store.open(path, read_only=False) as store:
        if undl_csv is not None:
            counts: dict[str, Any] = {source_id: load_undl_csv(store, undl_csv, source_id=source_id)}
        else:
            counts = dict(load_all(store, force=force))
        # The results the pages show are computed from the votes: again, from the data as now loaded.
        from comity.votes._stored import materialise_votes

        materialise_votes(store, progress=None if as_json else lambda line: typer.echo(line, err=True))
    if as_json:
        typer.echo(json.dumps({"db": str(path), "loaded": counts}, indent=2))
        return
    for source, tables in counts.items():
        typer.echo(
            f"{source}: " + ", ".join(f"{table} {n:,}" for table, n in tables.items()) + f" rows into {path}"
        )
