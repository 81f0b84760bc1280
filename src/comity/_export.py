"""Writing analysis tables for R, Stata and notebooks: CSV, Parquet or Stata .dta by extension.

>>> write_table(frame, "panel.dta")  # doctest: +SKIP
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast

import pandas as pd

from comity.errors import BadInput

__all__ = ["TABLE_FORMATS", "check_table_path", "with_state_codes", "write_table"]

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


def with_state_codes(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the name, COW and Gleditsch-Ward codes of each state beside its ISO3 column.

    Columns ``iso3``, ``iso3_a`` and ``iso3_b`` get ``name``, ``cow_code`` and ``gw_code`` (with the
    same suffix) after them, so that an export joins other datasets on the code their field uses.
    Codes are those of 1 July of the row's ``year`` where the table has one (West Germany is COW 260
    before 1990), else of today.
    """
    from comity._panel import cow_code, gw_code
    from comity.votes._identity import state_table

    states = state_table()
    years = frame["year"] if "year" in frame.columns else None
    table = frame.reset_index(drop=True).copy()
    for column in [c for c in ("iso3", "iso3_a", "iso3_b") if c in table.columns]:
        suffix = column[len("iso3") :]
        dates = [
            dt.date(int(y), 7, 1) if years is not None and pd.notna(y) else dt.date.today()
            for y in (years if years is not None else [None] * len(table))
        ]
        codes = list(zip(table[column], dates, strict=True))
        added: dict[str, Any] = {
            f"name{suffix}": [
                str(states.at[c, "name_short"]) if c in states.index else None for c in table[column]
            ],
            f"cow_code{suffix}": pd.array([cow_code(c, d) for c, d in codes], dtype="Int64"),
            f"gw_code{suffix}": pd.array([gw_code(c, d) for c, d in codes], dtype="Int64"),
        }
        position = list(table.columns).index(column) + 1
        for offset, (name, values) in enumerate(added.items()):
            if name not in table.columns:
                table.insert(position + offset, name, values)
    return table


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
