"""Benchmarks of comity's ideal point estimators (see benchmarks/README.md, section "Ideal points").

Run: ``python benchmarks/bench_ideal.py [--skip-pscl]``. Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from comity.votes._ideal import DynamicIdealPoints, IdealPoints
from comity.votes._repeats import find_repeated_resolutions

DATA = Path(os.environ.get("COMITY_SHARED_DATA", "/work/shared/data"))
HERE = Path(__file__).resolve().parent

# Rows of the 1946-2019 file without an ISO2 code; seats kept as the continuing state (BSV).
NULL_CODED = {
    "Federal Republic of Germany": "DEU",
    "Yemen Arab Republic": "YAR",
    "Zanzibar": "ZAN",
    "Yemen People's Republic": "YMD",
}
# ISO2 codes country_converter does not map to the ISO3 used by the BSV data.
ISO2_EXTRA = {"CS": "CSK", "DD": "DDR", "YU": "YUG", "SU": "RUS", "XK": "XKX", "YD": "YMD"}


def load_votes() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both vote files as one tidy table (rcid, iso3, vote, year, date) and the 1946-2019 roll calls."""
    import country_converter as coco

    old_votes = pd.read_parquet(DATA / "unga-votes/votes.parquet")
    old_calls = pd.read_parquet(DATA / "unga-votes/roll_calls.parquet")
    codes = old_votes["country_code"].astype("string")
    unique = [c for c in codes.dropna().unique()]
    converted = coco.convert(unique, src="ISO2", to="ISO3", not_found=None)
    mapping = dict(zip(unique, converted, strict=True)) | ISO2_EXTRA
    iso3 = codes.map(mapping)
    iso3 = iso3.fillna(old_votes["country"].map(NULL_CODED))
    if iso3.isna().any():
        raise SystemExit(f"unmapped states: {sorted(old_votes.loc[iso3.isna(), 'country'].unique())}")
    old = pd.DataFrame({"rcid": old_votes["rcid"].astype(str), "iso3": iso3.astype(str), "vote": old_votes["vote"]})
    dates = old_calls.set_index(old_calls["rcid"].astype(str))["date"].astype(str)
    old["date"] = old["rcid"].map(dates)

    new_votes = pd.read_parquet(DATA / "unga-votes-2020-2024/votes.parquet")
    new_calls = pd.read_parquet(DATA / "unga-votes-2020-2024/roll_calls.parquet")
    new = new_votes.merge(new_calls[["rcid", "date"]], on="rcid")
    new = pd.DataFrame(
        {"rcid": new["rcid"].astype(str) + "-" + new["date"].astype(str), "iso3": new["iso3"],
         "vote": new["vote"], "date": new["date"].astype(str)}
    )
    votes = pd.concat([old, new], ignore_index=True)
    votes["year"] = votes["date"].str[:4].astype(int)
    return votes, old_calls
