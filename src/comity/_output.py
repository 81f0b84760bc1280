"""Rendering results for the terminal: tables for people, JSON for programs."""

from __future__ import annotations

import json
import math
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["frame_records", "render_frame", "to_json"]


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


def render_frame(frame: pd.DataFrame, *, max_width: int = 60) -> str:
    """A DataFrame as an aligned text table; long cells are cut with an ellipsis."""
    if frame.empty:
        return "(no rows)"
    shown = frame.copy()
    for column in shown.columns:
        shown[column] = [
            ""
            if _plain(v) is None
            else (
                str(_plain(v))[: max_width - 1] + "…" if len(str(_plain(v))) > max_width else str(_plain(v))
            )
            for v in shown[column]
        ]
    return shown.to_string(index=False)
