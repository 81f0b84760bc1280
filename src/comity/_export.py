"""Writing analysis tables for R, Stata and notebooks: CSV, Parquet or Stata .dta by extension.

>>> write_table(frame, "panel.dta")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pandas as pd

from comity.errors import BadInput

__all__ = ["TABLE_FORMATS", "check_table_path", "write_table"]

#: File extensions :func:`write_table` understands, and the format each picks.
TABLE_FORMATS: dict[str, str] = {".csv": "CSV", ".parquet": "Parquet", ".dta": "Stata 15+ (.dta version 118)"}

#: Stata's limit on the length of a variable name.
_STATA_NAME = 32


def _check_target(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in TABLE_FORMATS:
        raise BadInput(
            f"cannot write a table to {path}: unknown extension {suffix or '(none)'}",
            hint=f"Use one of {', '.join(TABLE_FORMATS)}.",
        )
    if not path.parent.exists():
        raise BadInput(f"cannot write {path}: the folder {path.parent} does not exist")
    return suffix


def check_table_path(path: str | Path) -> Path:
    """``path`` as a Path if :func:`write_table` can write there; a clear error otherwise.

    Commands call this before long computations, so that a bad ``--out`` costs nothing.
    """
    target = Path(path)
    _check_target(target)
    return target


def _for_stata(frame: pd.DataFrame) -> pd.DataFrame:
    """Stata has no booleans, nullable integers, lists or long names: convert, and refuse names
    that would clash once cut."""
    out = pd.DataFrame(index=frame.index)
    for column in frame.columns:
        name = str(column)
        if len(name) > _STATA_NAME:
            raise BadInput(f"column {name!r} is longer than Stata's {_STATA_NAME} characters")
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            out[name] = values.astype("int8")
        elif isinstance(values.dtype, pd.BooleanDtype):
            out[name] = values.astype("Float64").astype("float64")
        elif pd.api.types.is_integer_dtype(values) and values.isna().any():
            out[name] = values.astype("float64")
        elif pd.api.types.is_integer_dtype(values):
            out[name] = values.astype("int64") if values.abs().max() >= 2**31 - 1 else values.astype("int32")
        elif pd.api.types.is_float_dtype(values):
            out[name] = values.astype("float64")
        elif pd.api.types.is_datetime64_any_dtype(values):
            out[name] = values
        else:
            sample = values.dropna()
            if len(sample) and all(hasattr(v, "isoformat") for v in sample.head(50)):
                out[name] = pd.to_datetime(values)
            else:
                out[name] = values.astype(object).where(values.notna(), "").astype(str)
    return out


def write_table(frame: pd.DataFrame, path: str | Path) -> Path:
    """Write ``frame`` to ``path``; the extension picks the format (.csv, .parquet, .dta).

    An unknown extension is an error, never a silent CSV. In .dta files booleans become 0/1,
    missing numbers Stata's missing value and missing text an empty string; dates stay dates.
    """
    target = Path(path)
    suffix = _check_target(target)
    table = frame.reset_index(drop=True)
    if suffix == ".csv":
        table.to_csv(target, index=False)
    elif suffix == ".parquet":
        table.to_parquet(target, index=False)
    else:
        converted = _for_stata(table)
        dates: dict[str, Any] = {
            str(c): "td" for c in converted.columns if pd.api.types.is_datetime64_any_dtype(converted[c])
        }
        converted.to_stata(target, write_index=False, version=118, convert_dates=cast(Any, dates))
    return target
