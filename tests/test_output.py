"""CLI tables: through rich on a terminal (cells wrap, nothing cut, addresses whole), plain aligned
text when piped (stable for scripts)."""

from __future__ import annotations

import io
import os
import pty
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
from rich.console import Console

from comity._output import echo_frame, render_frame

#: An address of our own making, longer than any cut the plain table makes.
LONG_URL = "https://www.example.org/records/" + "/".join(f"section-{i}" for i in range(12)) + "?page=3"
NOTE = "a note written for this test that runs on well past sixty characters before it stops here"


def frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "id": ["AAA", "BBB"],
            "year": [1999, 2024],
            "note": [NOTE, "short [bold]not markup[/bold]"],
            "source": [LONG_URL, "https://example.org/b"],
        }
    )


def test_plain_table_keeps_pandas_layout_for_short_cells() -> None:
    small = pd.DataFrame({"id": ["AAA", "BB"], "n": [1, 22], "missing": [None, "x"]})
    assert render_frame(small) == small.fillna("").astype(str).to_string(index=False)
    assert render_frame(small.iloc[0:0]) == "(no rows)"


def test_plain_table_cuts_long_text_but_never_an_address() -> None:
    text = render_frame(frame())
    assert LONG_URL in text
    assert NOTE[:59] + "…" in text and NOTE not in text


def test_piped_output_is_plain() -> None:
    out = io.StringIO()
    echo_frame(frame(), file=out)
    assert out.getvalue() == render_frame(frame()) + "\n"


def rich_text(table: pd.DataFrame, width: int = 80) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), force_terminal=True)
    echo_frame(table, console=console)
    return console.export_text()


def test_rich_table_wraps_to_the_terminal_and_keeps_every_character() -> None:
    text = rich_text(frame())
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 80
    assert len(lines) > 4  # wrapped, not cut
    assert "…" not in text
    assert "[bold]not markup[/bold]" in text  # cells are text, not rich markup
    # Each long cell is all there, over several lines (spaces aside).
    for column, whole in (("source", LONG_URL), ("note", NOTE)):
        squeezed = re.sub(r"\s+", "", rich_text(frame()[["id", column]]))
        assert re.sub(r"\s+", "", whole) in squeezed


def test_rich_table_links_addresses() -> None:
    out = io.StringIO()
    console = Console(width=200, file=out, force_terminal=True, color_system="standard")
    echo_frame(frame(), console=console)
    # Addresses are terminal hyperlinks (OSC 8) where the terminal shows them.
    assert "\x1b]8;id=" in out.getvalue() and LONG_URL in out.getvalue()


def run_in_terminal(args: list[str], columns: int, env: dict[str, str]) -> tuple[str, str]:
    """Run a command with its output on a pseudo-terminal ``columns`` wide, as a user's shell does;
    what it wrote, and the text a user reads (without colours and hyperlink escapes)."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        args,
        stdout=follower,
        stderr=subprocess.STDOUT,
        env={**env, "COLUMNS": str(columns), "TERM": "xterm-256color"},
    )
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command ended
            break
        if not chunk:
            break
        chunks.append(chunk)
    process.wait(timeout=120)
    os.close(leader)
    raw = b"".join(chunks).decode().replace("\r\n", "\n")
    return raw, re.sub(r"\x1b\]8;[^\x07\x1b]*(?:\x1b\\|\x07)|\x1b\[[0-9;]*m", "", raw)


def test_cli_table_on_a_terminal_shows_whole_source_links(db_copy: Path) -> None:
    """`comity timeline USA PARIS_AGREEMENT` in a terminal: the output fits its width and the
    Wikipedia address of the United States' withdrawal (79 characters) is whole, as a link. In 160
    columns it is a table whose long cells wrap; in 100, too narrow for ten columns, each event is a
    block of lines. Piped, the same command prints the plain table."""
    command = [sys.executable, "-m", "comity.cli", "timeline", "USA", "PARIS_AGREEMENT", "--db", str(db_copy)]
    env = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES", "NO_COLOR")}
    address = "https://en.wikipedia.org/wiki/United_States_withdrawal_from_the_Paris_Agreement"
    for columns in (160, 100):
        raw, shown = run_in_terminal(command, columns, env)
        assert max(len(line) for line in shown.splitlines()) <= columns, shown
        assert f";{address}\x1b\\" in raw  # the link's target, whole
        assert "…" not in shown and "2026-01-27" in shown
        if columns == 160:
            assert "─" * 100 in shown and re.search(r"\n2016-04-22 +day +USA +PARIS_AGREEMENT ", shown)
        else:
            assert re.search(rf"\nsource_ref +{re.escape(address)} *\n", shown), shown
    piped = subprocess.run(command, capture_output=True, text=True, env=env, check=True).stdout
    assert "─" not in piped and address in piped


def test_rich_table_too_narrow_for_its_columns_shows_blocks() -> None:
    many = pd.DataFrame([{f"column_{i}": f"value {i} of a row" for i in range(8)}] * 2)
    text = rich_text(many, width=60)
    assert max(len(line) for line in text.splitlines()) <= 60
    assert re.search(r"^column_7 +value 7 of a row", text, re.M)
    assert text.count("column_0") == 2
