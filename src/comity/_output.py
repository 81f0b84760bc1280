"""Rendering results for the terminal: tables for people, JSON for programs.

A table goes to a terminal through rich: cells wrap to the terminal's width, nothing is cut, web
addresses are shown whole (and are links where the terminal supports them). Piped or redirected,
the same table is plain aligned text (pandas' layout), stable for scripts; ``--json`` and ``--csv``
give machine output.
"""

from __future__ import annotations

import json
import math
import os
import sys
from datetime import date, datetime
from typing import IO, TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["echo_frame", "frame_records", "render_frame", "rich_table", "to_json"]


def _plain(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return (
            value.isoformat()[:10] if value.hour == value.minute == value.second == 0 else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, np.generic):
        return _plain(value.item())
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | np.ndarray):
        return [_plain(v) for v in value]
    return value


def frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A DataFrame as JSON-ready records (dates as ISO strings, missing as null)."""
    return [{str(k): _plain(v) for k, v in row.items()} for row in frame.to_dict("records")]


def to_json(value: Any) -> str:
    """JSON text of a DataFrame, a dataclass-like dict or a list, dates as ISO strings."""
    if isinstance(value, pd.DataFrame):
        value = frame_records(value)
    return json.dumps(_plain(value), ensure_ascii=False, indent=2)


def _is_url(text: str) -> bool:
    return text.startswith(("http://", "https://")) and " " not in text


def _cell(value: Any, max_width: int) -> str:
    text = "" if _plain(value) is None else str(_plain(value))
    # A web address cut short is no address: it is always shown whole.
    if len(text) > max_width and not _is_url(text):
        return text[: max_width - 1] + "…"
    return text


def render_frame(frame: pd.DataFrame, *, max_width: int = 60) -> str:
    """A DataFrame as an aligned text table (for pipes and files); long cells are cut with an
    ellipsis at ``max_width`` characters, except web addresses, which are never cut."""
    if frame.empty:
        return "(no rows)"
    shown = frame.copy()
    for column in shown.columns:
        shown[column] = [_cell(v, max_width) for v in shown[column]]
    return shown.to_string(index=False)


#: Spaces between two columns of a terminal table; columns no wider than ``_SHORT`` (codes, dates,
#: numbers) are never broken, and a wrapped column is at least ``_NARROWEST`` wide.
_GAP = 2
_SHORT = 12
_NARROWEST = 14


def _cap(widths: list[int], room: int) -> int | None:
    """The widest a long column may be so that the columns fit ``room``: short columns keep their
    width, the long ones share what is left equally (water filling); None when all fit as they are,
    0 when even the short ones do not fit."""
    if sum(widths) <= room:
        return None
    left = room - sum(w for w in widths if w <= _SHORT)
    wide = sorted(w for w in widths if w > _SHORT)
    if left <= 0 or not wide:
        return 0
    for i, width in enumerate(wide):
        if width * (len(wide) - i) > left:
            return left // (len(wide) - i)
        left -= width
    return None  # pragma: no cover - sum(widths) > room ends the loop above


def _text(value: str) -> Any:
    from rich.style import Style
    from rich.text import Text

    # Text, not markup: a "[...]" in a source reference is printed as it is.
    return Text(value, style=Style(link=value)) if _is_url(value) else Text(value)


def rich_table(frame: pd.DataFrame, width: int | None = None) -> Any:
    """A DataFrame as a rich Table fitting ``width`` columns.

    Every cell is whole: long cells wrap at spaces and fold long words (a web address breaks
    across lines rather than being cut); short columns (codes, dates, numbers) are never broken;
    numbers are right-aligned; addresses are terminal hyperlinks. When the columns cannot share
    the width, each row is a block of ``column  value`` lines instead.
    """
    from rich import box
    from rich.table import Table

    rows = [
        ["" if _plain(v) is None else str(_plain(v)) for v in row] for row in frame.itertuples(index=False)
    ]
    names = [str(c) for c in frame.columns]
    longest = [max([len(name), *(len(row[i]) for row in rows)]) for i, name in enumerate(names)]
    cap = None if width is None else _cap(longest, width - _GAP * (len(longest) - 1))
    if cap is not None and cap < _NARROWEST:
        blocks = Table(box=None, show_header=False, pad_edge=False, padding=(0, _GAP, 0, 0))
        blocks.add_column(style="bold", no_wrap=True)
        blocks.add_column(overflow="fold")
        for number, row in enumerate(rows):
            if number:
                blocks.add_row("", "")
            for name, value in zip(names, row, strict=True):
                blocks.add_row(name, _text(value))
        return blocks
    table = Table(
        box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, _GAP - 1, 0, 0), header_style="bold"
    )
    for i, name in enumerate(names):
        kind = frame.dtypes.iloc[i]
        numeric = pd.api.types.is_numeric_dtype(kind) and not pd.api.types.is_bool_dtype(kind)
        wrapped = cap is not None and longest[i] > max(cap, _SHORT)
        table.add_column(
            name,
            overflow="fold",
            no_wrap=not wrapped,
            width=cap if wrapped else None,
            justify="right" if numeric else "left",
        )
    for row in rows:
        table.add_row(*(_text(t) for t in row))
    return table


def _rich_terminal(stream: IO[str]) -> bool:
    """Whether ``stream`` is a terminal that rich may draw on (not a pipe, a file or TERM=dumb)."""
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and os.environ.get("TERM") != "dumb"


def echo_frame(
    frame: pd.DataFrame,
    *,
    max_width: int = 60,
    file: IO[str] | None = None,
    console: Console | None = None,
) -> None:
    """Print a table: through rich on a terminal (or on ``console``), plain text otherwise."""
    stream = file if file is not None else sys.stdout
    if console is None and not _rich_terminal(stream):
        stream.write(render_frame(frame, max_width=max_width) + "\n")
        return
    if frame.empty:
        text = "(no rows)"
        (console.print(text) if console is not None else stream.write(text + "\n"))
        return
    if console is None:
        from rich.console import Console

        console = Console(file=stream)
    console.print(rich_table(frame, console.width))
