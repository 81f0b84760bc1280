"""The `comity` command: a thin shell over the library.

Each command parses its arguments, calls one library function, and prints a table or, with
``--json``, JSON. Errors of comity's own become one line on stderr and exit code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from comity._build import build_store, store_parts
from comity._cli_common import ComityGroup, DbOption, JsonOption
from comity._output import echo_frame, frame_records, to_json
from comity._panel_cli import register as _register_panel
from comity.data._cli import DataOption, data_app
from comity.errors import ComityError, StoreError
from comity.news._cli import register as _register_news
from comity.registry import Registry, RegistryFreshness, build_registry, registry_freshness
from comity.store import Store, default_db_path
from comity.votes._cli import votes_app
from comity.web._cli import register as _register_web

app = typer.Typer(
    cls=ComityGroup,
    name="comity",
    help="Model and measure the multilateral system: registry, news reader, UN votes, web app.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def open_store(db: Path | None, *, write: bool = False) -> Store:
    """Open the store for a command, building it from the shipped data on first use."""
    path = db if db is not None else default_db_path()
    if write or not path.exists():
        # Only the default store is built on first use: a --db naming no store is a typo, and
        # must not leave new folders and an empty store behind (`comity build --db` creates one).
        store = Store.open(path, read_only=False, create=db is None)
        if not write:
            typer.echo(f"comity: building the store at {path} (first use)…", err=True)
            build_registry(store)
        return store
    store = Store.open(path, read_only=True)
    started = store.unfinished_build()
    if started is not None:
        typer.echo(
            f"comity: warning: the store at {path} is partial: a `comity build` started {started} did not "
            "finish (killed or failed). Answers may lack data; run `comity build` to complete it.",
            err=True,
        )
    if store.loaded_sha256("registry") is None:
        store.close()
        typer.echo(f"comity: loading the registry into {path}…", err=True)
        store = Store.open(path, read_only=False)
        build_registry(store)
        return store
    freshness = registry_freshness(store)
    if not freshness.current:
        store = _refresh_registry(store, path, freshness)
    return store


def _refresh_registry(store: Store, path: Path, freshness: RegistryFreshness) -> Store:
    """Reload a registry built from other data or code, else say that its answers are old.

    The reload is :func:`build_registry`'s one transaction over the registry's tables: votes,
    news and the rest of the store are left as they are, and a reload that fails keeps the old
    registry whole.
    """
    what = " and ".join(freshness.changed)
    stale = f"the registry in the store at {path} was built before a change of {what}"
    old = "answers below come from the old registry"
    if not freshness.rebuildable:
        typer.echo(
            f"comity: warning: {stale}; it cannot be reloaded here because the upstream file(s) "
            f"{', '.join(freshness.unavailable)} it was built from are not found ({old}). "
            f"Run `comity build --db {path} --data DIR` with the data mirror it was built from.",
            err=True,
        )
        return store
    store.close()
    try:
        writable = Store.open(path, read_only=False, create=False)
    except StoreError as exc:
        typer.echo(
            f"comity: warning: {stale}, and it cannot be reloaded: {exc.message} ({old}). "
            f"Run `comity build --db {path}` where the store can be written.",
            err=True,
        )
        return Store.open(path, read_only=True)
    typer.echo(f"comity: {stale}: reloading the registry…", err=True)
    with writable:
        version = writable.data_version()
        try:
            build_registry(writable)
        except ComityError as exc:
            typer.echo(
                f"comity: warning: reloading the registry failed, the store is as it was ({old}): {exc}",
                err=True,
            )
        else:
            if writable.data_version() != version and writable.count("materialised"):
                # Results stored by the build carry the version of the data they came from: they
                # are of the old registry now, and answers compute or wait until they are rebuilt.
                # (New code that built the same rows keeps the version, and the results current.)
                typer.echo(
                    f"comity: the results `comity build` stored were computed with the old registry; "
                    f"run `comity build --db {path}` to compute them again.",
                    err=True,
                )
    return Store.open(path, read_only=True)


def registry_for(db: Path | None) -> Registry:
    return Registry.from_store(open_store(db))


def echo_result(value: Any, as_json: bool) -> None:
    import pandas as pd

    if as_json:
        typer.echo(to_json(value))
    elif isinstance(value, pd.DataFrame):
        echo_frame(value)
    else:
        typer.echo(to_json(value))


@app.command()
def build(
    db: DbOption = None,
    data: DataOption = None,
    rebuild: Annotated[bool, typer.Option("--rebuild", help="Delete the store and create it anew.")] = False,
    force: Annotated[bool, typer.Option("--force", help="Reload even if the data has not changed.")] = False,
    votes: Annotated[bool, typer.Option("--votes/--no-votes", help="Also load the UN votes.")] = True,
    require_all: Annotated[
        bool,
        typer.Option("--require-all", help="Exit with code 3 if a part could not be built (for scripts)."),
    ] = False,
) -> None:
    """Create or update the store: the registry, and the upstream datasets it can get.

    The upstream files come from --data DIR or $COMITY_DATA (a mirror folder, no network),
    else the cache, else their pinned URLs (`comity data list`). Without them the registry's own
    part is still built; the parts left out are named, with the command that gets them, and
    `comity status` lists what the store holds. News is not part of the build: read it into the
    store with `comity read DIR --store`.

    Example: comity build

    Example: COMITY_DATA=../shared/data/upstream comity build --db comity.duckdb --require-all
    """
    path = db if db is not None else default_db_path()
    if rebuild and path.exists():
        path.unlink()
        wal = path.with_name(path.name + ".wal")
        if wal.exists():
            wal.unlink()
    with Store.open(path, read_only=False) as store:
        # Marked until the build ends: a build that is killed leaves a store that says it is partial.
        store.mark_build_started()
        typer.echo(f"store: {path}")
        result = build_store(store, votes=votes, force=force, progress=typer.echo, data_dir=data)
        store.mark_build_finished()
    # Read back from disk what was written (blocks still in memory would not be checked): a store
    # that was damaged before, or by a failing disk, is an error, never a success.
    with Store.open(path, read_only=True) as written:
        written.verify()
    typer.echo("store checked: every table reads back intact")
    if require_all and not result.complete:
        raise typer.Exit(3)


@app.command()
def status(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Say which parts the store holds (registry, COW, Security Council, votes...) and what is missing.

    Example: comity status

    Example: comity status --json
    """
    import pandas as pd

    path = db if db is not None else default_db_path()
    if not path.exists():
        raise StoreError(f"there is no store at {path}.", hint="Create it with `comity build`.")
    with Store.open(path, read_only=True) as store:
        parts = store_parts(store)
        freshness = registry_freshness(store) if store.loaded_sha256("registry") is not None else None
    registry = None
    if freshness is not None:
        registry = {
            "current": freshness.current,
            "changed": list(freshness.changed),
            "unavailable": list(freshness.unavailable),
        }
    if as_json:
        typer.echo(to_json({"store": str(path), "parts": parts, "registry": registry}))
        return
    typer.echo(f"store: {path}")
    frame = pd.DataFrame(
        [
            {
                "part": name,
                "built": "yes" if info["built"] else "no",
                "rows": "" if info["rows"] is None else f"{info['rows']:,}",
                "loaded_at": info["loaded_at"],
                "files": " ".join(info["files"]),
            }
            for name, info in parts.items()
        ]
    )
    echo_frame(frame, max_width=80)
    missing = [name for name, info in parts.items() if not info["built"]]
    if missing:
        typer.echo(f"missing: {', '.join(missing)}; `comity data fetch` then `comity build` adds them.")
    if freshness is not None and not freshness.current:
        stale = f"registry: built before a change of {' and '.join(freshness.changed)}"
        if freshness.rebuildable:
            typer.echo(f"{stale}; the next command that reads it reloads it (so does `comity build`).")
        else:
            typer.echo(
                f"{stale}; reloading it needs the upstream file(s) {', '.join(freshness.unavailable)} "
                "it was built from: `comity build --data DIR`."
            )


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="An id, name, alias, demonym or capital.")],
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Tell what comity knows of a state, organisation, coalition or person.

    Example: comity show Beijing
    """
    info = registry_for(db).show(name)
    if as_json:
        typer.echo(to_json(info))
        return
    typer.echo(f"{info['name']} ({info['id']}, {info['type']})")
    if "matched" in info:
        typer.echo(f"  matched {info['matched']['text']!r} as {info['matched']['as']}")
    for key, value in (info.get("record") or {}).items():
        if value not in (None, "") and key not in ("name_short",):
            typer.echo(f"  {key}: {value}")
    for kind, names in info["aliases"].items():
        typer.echo(f"  {kind}: {', '.join(names[:12])}{' …' if len(names) > 12 else ''}")
    if info.get("roles"):
        for role in info["roles"]:
            typer.echo(
                f"  role: {role['role']} ({role.get('state') or role.get('org_id') or ''}) "
                f"{role.get('start_date') or ''}–{role.get('end_date') or ''}"
            )
    if info.get("memberships_today"):
        bodies = [m["body_id"] for m in info["memberships_today"]]
        typer.echo(
            f"  member today of {len(bodies)} bodies: {', '.join(bodies[:25])}"
            + (" …" if len(bodies) > 25 else "")
        )
    if "members_today" in info:
        coverage = info.get("coverage_today") or {}
        typer.echo(
            f"  members today: {info['members_today']} (coverage {coverage.get('status', 'unknown')}"
            + (f": {coverage['how']})" if coverage.get("how") else ")")
        )


@app.command()
def members(
    body: Annotated[str, typer.Argument(help="An organisation, organ, agreement or coalition (id or name).")],
    on: Annotated[
        str | None, typer.Option("--on", help="Date YYYY-MM-DD, 'today' (default) or 'founding'.")
    ] = None,
    kind: Annotated[
        str | None,
        typer.Option(
            "--kind",
            help="Kinds to add to the full members: observer,partner,signatory,associate.",
        ),
    ] = None,
    all_kinds: Annotated[bool, typer.Option("--all-kinds", help="List members of every kind.")] = False,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List the members of a body on a date, each with its kind and source, and say how complete
    the list is (coverage: complete, partial or unknown; ended after the body ended).

    By default only full members (members, parties, Security Council seats); suspended members
    are listed as suspended.

    Example: comity members UNSC --on 2021-05-07 --json

    Example: comity members PARIS_AGREEMENT --on 2021-01-01 --kind signatory

    Example: comity members GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER --on founding
    """
    registry = registry_for(db)
    frame = registry.members(body, on=on, kinds=kind, all_kinds=all_kinds)
    coverage = frame.attrs["coverage"]
    if as_json:
        typer.echo(
            to_json(
                {
                    "body_id": coverage.body_id,
                    "on": coverage.on,
                    "count": len(frame),
                    "coverage": coverage.as_dict(),
                    "members": frame_records(frame),
                }
            )
        )
        return
    echo_frame(frame.drop(columns=["start_date", "end_date"]))
    typer.echo(
        f"{len(frame)} members of {coverage.body_id} on {coverage.on.isoformat()}; {coverage.summary()}"
    )


@app.command()
def timeline(
    actor: Annotated[str, typer.Argument(help="A state or organisation (id or name).")],
    body: Annotated[str | None, typer.Argument(help="Only this body (optional).")] = None,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """List membership events in date order with their sources.

    Example: comity timeline USA WHO --json
    """
    frame = registry_for(db).timeline(actor, body)
    echo_result(frame, as_json)


@app.command()
def search(
    query: Annotated[str, typer.Argument(help="Part of a name, alias, demonym or capital.")],
    limit: Annotated[int, typer.Option("--limit", min=1, max=100)] = 10,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Find states, organisations and people by any of their names.

    Example: comity search "non-aligned"
    """
    import pandas as pd

    hits = registry_for(db).search(query, limit=limit)
    frame = pd.DataFrame([h.__dict__ for h in hits], columns=["id", "type", "name", "alias", "kind", "score"])
    echo_result(frame, as_json)


@app.command()
def stats(db: DbOption = None, as_json: JsonOption = False) -> None:
    """Count what the registry holds, by kind, with date ranges.

    Example: comity stats
    """
    echo_result(registry_for(db).counts(), as_json)


# Each capability adds its own commands.
app.add_typer(data_app, name="data", help="The third-party data comity uses: list, fetch, verify, cite.")
app.add_typer(votes_app, name="votes", help="UN roll calls: alignment, cohesion, blocs, ideal points.")
_register_news(app)
_register_web(app)
_register_panel(app)


def main(argv: list[str] | None = None) -> None:
    """Entry point of the `comity` command."""
    app(args=argv if argv is not None else sys.argv[1:], prog_name="comity")


if __name__ == "__main__":  # pragma: no cover
    main()
