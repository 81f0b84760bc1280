"""The ``comity serve`` command."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["register"]


def _ensure_store(path: Path) -> None:
    """Build the store from the shipped data if there is none, or complete it (registry, votes, news)."""
    from comity._build import build_store
    from comity.registry import registry_freshness
    from comity.store import Store

    if path.exists():
        with Store.open(path, read_only=True) as store:
            freshness = registry_freshness(store)
            complete = store.count("votes") > 0 and store.count("documents") > 0
        if not freshness.current and not freshness.rebuildable:
            # Reloading without the upstream files it was built from would drop their part.
            typer.echo(
                f"comity: warning: the registry in {path} was built before a change of "
                f"{' and '.join(freshness.changed)}; the upstream file(s) {', '.join(freshness.unavailable)} "
                f"are not found, so it is served as it is. Run `comity build --db {path} --data DIR`.",
                err=True,
            )
        elif not freshness.current:
            complete = False
        if complete:
            return
    typer.echo(f"comity: building the store at {path} from the shipped data…", err=True)
    with Store.open(path, read_only=False) as store:
        build_store(store, progress=lambda line: typer.echo(f"comity: {line}", err=True))


def serve(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (loopback by default).")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db",
            help="Store file (default: $COMITY_DB or ~/.local/share/comity/comity.duckdb).",
            show_default=False,
        ),
    ] = None,
    upload_token: Annotated[
        str | None,
        typer.Option(
            "--upload-token",
            envvar="COMITY_UPLOAD_TOKEN",
            show_default=False,
            help="Enable POST /api/documents for clients sending 'Authorization: Bearer TOKEN'.",
        ),
    ] = None,
    precompute: Annotated[
        bool,
        typer.Option(
            "--precompute/--no-precompute",
            help="Import the vote analysis libraries at start (nothing is computed: `comity build` did).",
        ),
    ] = True,
    log_level: Annotated[str, typer.Option("--log-level", help="uvicorn log level.")] = "info",
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            envvar="COMITY_ALLOWED_HOSTS",
            show_default=False,
            help="Also answer to this Host name (repeatable; '*' for any). By default a server on "
            "127.0.0.1 answers to localhost, 127.0.0.1 and ::1 only; one on 0.0.0.0 to any name.",
        ),
    ] = None,
) -> None:
    """Serve the JSON API (/api, documented at /docs) and the web pages on one port.

    Example: comity serve --port 8000   then open http://127.0.0.1:8000/
    """
    import gc

    import uvicorn

    from comity.store import default_db_path
    from comity.web._app import create_app
    from comity.web._security import allowed_hosts_for

    path = db if db is not None else default_db_path()
    _ensure_store(path)
    if host not in ("127.0.0.1", "localhost", "::1"):
        typer.echo(f"comity: listening on {host}, reachable from other machines.", err=True)
    hosts = allowed_hosts_for(host, [name for item in allowed_host or [] for name in item.split(",")])
    app = create_app(
        path,
        allowed_hosts=hosts,
        upload_token=upload_token or os.environ.get("COMITY_UPLOAD_TOKEN") or None,
        precompute=precompute,
    )
    # The objects made at start (modules, the registry's name index, templates) live as long as the
    # server: kept out of the garbage collector's full passes, which then cost requests less.
    gc.collect()
    gc.freeze()
    typer.echo(f"comity: serving {path} at http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(app, host=host, port=port, log_level=log_level)


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to the ``comity`` Typer application."""
    app.command("serve")(serve)
