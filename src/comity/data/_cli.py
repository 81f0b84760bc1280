"""`comity data`: list, fetch, verify and cite the third-party files comity uses."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from comity._cli_common import ComityGroup, JsonOption
from comity._output import echo_frame, to_json

__all__ = ["DataOption", "data_app"]

DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="A mirror folder of the upstream files (`<owner>__<repo>/<path>`) to read instead of "
        "the network (default: $COMITY_DATA).",
        show_default=False,
    ),
]
KeysArgument = Annotated[
    list[str] | None,
    typer.Argument(help="Manifest keys (see `comity data list`); default: all.", show_default=False),
]

data_app = typer.Typer(
    cls=ComityGroup,
    name="data",
    help="The third-party data comity uses: list, fetch, verify, cite.",
    no_args_is_help=True,
    add_completion=False,
)


def _size(n: int) -> str:
    if n < 0:
        return "?"
    if n < 1000:
        return f"{n} B"
    value = n / 1000
    for unit in ("kB", "MB"):
        if value < 1000:
            return f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} GB"


@data_app.command("list")
def list_command(data: DataOption = None, as_json: JsonOption = False) -> None:
    """List every third-party file: key, what it is for, licence, size, and whether it is here.

    "here" is "mirror" (in the mirror folder), "cache" (downloaded), or "-" (not yet fetched).

    Example: comity data list

    Example: comity data list --json
    """
    import pandas as pd

    from comity.data import locate, manifest, mirror_dir

    mirror = mirror_dir(data)
    rows = []
    for item in manifest():
        found = locate(item.key, data_dir=data)
        rows.append(
            {
                "key": item.key,
                "used_for": item.used_for,
                "licence": item.licence,
                "size": item.size if as_json else _size(item.size),
                "here": "-" if found is None else "mirror" if mirror is not None else "cache",
                "optional": item.optional if as_json else "yes" if item.optional else "",
                **({"url": item.url, "sha256": item.sha256, "path": str(found or "")} if as_json else {}),
            }
        )
    frame = pd.DataFrame(rows)
    if as_json:
        typer.echo(to_json(frame))
    else:
        echo_frame(frame, max_width=70)


@data_app.command("fetch")
def fetch_command(
    keys: KeysArgument = None,
    data: DataOption = None,
    as_json: JsonOption = False,
) -> None:
    """Download the files (or read them from the mirror) and check each against its sha256.

    With no KEY, every file but the optional ones (undl_ga, undl_sc), which are large and
    fetched only when named. A file the manifest cannot pin (the UN Digital Library's, updated in
    place) is reported with the sha256 it has.

    Example: comity data fetch

    Example: comity data fetch undl-ga --json

    Example: comity data fetch sc_vetoes --data ../shared/data/upstream
    """
    import pandas as pd

    from comity.data import fetch, file_sha256, manifest
    from comity.data._manifest import entry

    chosen = [entry(k) for k in keys] if keys else list(manifest(optional=False))
    rows = []
    for item in chosen:
        path = fetch(item.key, data_dir=data, progress=not as_json)
        rows.append(
            {
                "key": item.key,
                "path": str(path),
                "sha256": item.sha256 or file_sha256(path),
                "checked": "sha256 ok" if item.pinned else "not pinned: sha256 as fetched",
            }
        )
    frame = pd.DataFrame(rows)
    if as_json:
        typer.echo(to_json(frame))
    else:
        echo_frame(frame, max_width=100)


@data_app.command("verify")
def verify_command(keys: KeysArgument = None, data: DataOption = None, as_json: JsonOption = False) -> None:
    """Check the local copies (the mirror if one is set, else the cache) against the manifest.

    Downloads nothing. Exits with code 1 when a copy is damaged (its sha256 is not the pinned one).

    Example: comity data verify

    Example: comity data verify unvotes_votes --data ../shared/data/upstream --json
    """
    import pandas as pd

    from comity.data import verify

    results = verify(keys or None, data_dir=data)
    frame = pd.DataFrame(
        [{"key": r.key, "state": r.state, "path": str(r.path or ""), "sha256": r.sha256} for r in results]
    )
    if as_json:
        typer.echo(to_json(frame))
    else:
        echo_frame(frame, max_width=100)
    damaged = [r.key for r in results if r.state == "damaged"]
    if damaged:
        typer.echo(
            f"Error: damaged: {', '.join(damaged)}; delete them and run `comity data fetch` again.", err=True
        )
        raise typer.Exit(1)


@data_app.command("cite")
def cite_command(
    keys: KeysArgument = None,
    format: Annotated[str, typer.Option("--format", "-f", help="bibtex, text, or both (default).")] = "both",
    as_json: JsonOption = False,
) -> None:
    """Print what to cite for the files (default: every file comity uses), as BibTeX and text.

    Example: comity data cite unvotes_votes

    Example: comity data cite --format bibtex > comity-data.bib
    """
    from comity.data import cite
    from comity.errors import BadInput

    if format not in ("bibtex", "text", "both"):
        raise BadInput(f"unknown --format {format!r}.", hint="Use bibtex, text or both.")
    refs = cite(keys or None)
    if as_json:
        typer.echo(to_json([{"key": r.key, "text": r.text, "bibtex": r.bibtex} for r in refs]))
        return
    for ref in refs:
        if format in ("text", "both"):
            typer.echo(("% " if format == "both" else "") + ref.text)
        if format in ("bibtex", "both"):
            typer.echo(ref.bibtex)
        typer.echo("")
