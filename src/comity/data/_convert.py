"""Readers of the upstream formats: each turns one published file into the table comity's loaders read.

The R data files (``.rda``) are read with pyreadr; the wide CSV of General Assembly votes is
melted to one row per state and roll call. Each function reads the file it is given (by
default the manifest's file, through :func:`comity.data.fetch`), and a file it cannot read
is a :class:`~comity.errors.LoadError` naming it.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from comity.errors import LoadError

__all__ = [
    "UNVOTES_DUPLICATE_RCID",
    "cow_memberships",
    "cow_organizations",
    "cow_states",
    "read_rda",
    "unga_wide_2020",
    "unvotes_roll_calls",
    "unvotes_tables",
]

#: The one roll call of 2020 in the unvotes data (A/RES/74/267, 2020-01-14); the 2020-2024 data
#: (:func:`unga_wide_2020`) holds it too, with the same votes, so unvotes leaves it out.
UNVOTES_DUPLICATE_RCID = 9079

#: Codes of the wide General Assembly file (Voeten's coding): 1 yes, 2 abstain, 3 no, 8 absent,
#: 9 not a member.
WIDE_VOTE_CODES = {"1": "yes", "2": "abstain", "3": "no", "8": "absent", "9": "not_member"}
#: Codes of the COW state-year table that are memberships (1 full, 2 associate, 3 observer);
#: 0 is no membership, -1 not a state, -9 missing.
COW_STATUS_CODES = {1: "full", 2: "associate", 3: "observer"}


def read_rda(path: str | Path, name: str) -> pd.DataFrame:
    """The data frame ``name`` of an R data file (a copy: callers may change it)."""
    fpath = Path(path)
    if not fpath.is_file():
        raise LoadError("file not found", path=str(fpath))
    stat = fpath.stat()
    # Parsing R files takes seconds; a build (and a test session) reads the same ones repeatedly.
    return _read_rda_cached(str(fpath.resolve()), stat.st_size, stat.st_mtime_ns, name).copy()


@lru_cache(maxsize=8)
def _read_rda_cached(path: str, size: int, mtime_ns: int, name: str) -> pd.DataFrame:
    import pyreadr

    fpath = Path(path)
    try:
        objects = pyreadr.read_r(str(fpath), use_objects=[name])
    except (pyreadr.custom_errors.PyreadrError, pyreadr.custom_errors.LibrdataError) as exc:
        raise LoadError(f"not a readable R data file ({exc})", path=str(fpath)) from exc
    if name not in objects:
        raise LoadError(f"no R object {name!r} in the file", path=str(fpath))
    frame: pd.DataFrame = objects[name]
    return frame


def _path(path: str | Path | None, key: str) -> Path:
    if path is not None:
        return Path(path)
    from comity.data._fetch import fetch

    return fetch(key)


def _int_flags(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values, errors="coerce").astype("Int8")


def unvotes_tables(
    votes: str | Path | None = None, roll_calls: str | Path | None = None, issues: str | Path | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The unvotes package's three tables (votes, roll calls, issues), without roll call 9079.

    The index of each frame is the row's position in the R data frame (from 0), so that a
    row can be cited as ``un_votes.rda row <index + 1>``.
    """
    vote_frame = read_rda(_path(votes, "unvotes_votes"), "un_votes")
    issue_frame = read_rda(_path(issues, "unvotes_roll_call_issues"), "un_roll_call_issues")
    vote_frame = vote_frame[vote_frame["rcid"] != UNVOTES_DUPLICATE_RCID]
    issue_frame = issue_frame[issue_frame["rcid"] != UNVOTES_DUPLICATE_RCID]
    out_votes = pd.DataFrame(
        {
            "rcid": vote_frame["rcid"].astype("int32"),
            "country": vote_frame["country"].astype(object),
            "country_code": vote_frame["country_code"].astype(object),
            "vote": vote_frame["vote"].astype(str),
        }
    )
    out_calls = unvotes_roll_calls(roll_calls)
    out_issues = pd.DataFrame(
        {
            "rcid": issue_frame["rcid"].astype("int32"),
            "short_name": issue_frame["short_name"].astype(object),
            "issue": issue_frame["issue"].astype(str),
        }
    )
    return out_votes, out_calls, out_issues


def unvotes_roll_calls(path: str | Path | None = None) -> pd.DataFrame:
    """The unvotes package's roll calls (rcid, session, importantvote, date, unres, amend, para,
    short, descr), without roll call 9079; indexed by row position in the R data frame."""
    call_frame = read_rda(_path(path, "unvotes_roll_calls"), "un_roll_calls")
    call_frame = call_frame[call_frame["rcid"] != UNVOTES_DUPLICATE_RCID]
    return pd.DataFrame(
        {
            "rcid": call_frame["rcid"].astype("int32"),
            "session": call_frame["session"].astype("int16"),
            "importantvote": _int_flags(call_frame["importantvote"]),
            "date": call_frame["date"],
            "unres": call_frame["unres"],
            "amend": _int_flags(call_frame["amend"]),
            "para": _int_flags(call_frame["para"]),
            "short": call_frame["short"],
            "descr": call_frame["descr"],
        }
    )


def unga_wide_2020(path: str | Path | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The General Assembly roll calls dated 2020 or later of the wide file (one column per state),
    as tidy ``votes`` (rcid, iso3, vote, source_ref) and ``roll_calls`` (rcid, date, six issue
    flags 0/1, source_ref). Votes run state by state (the file's column order), roll calls in
    the file's row order."""
    fpath = _path(path, "unga_wide_1946_2024")
    if not fpath.is_file():
        raise LoadError("file not found", path=str(fpath))
    try:
        frame = pd.read_csv(fpath, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise LoadError(f"malformed CSV ({exc})", path=str(fpath)) from exc
    flags = ["me", "nu", "di", "hr", "co", "ec"]
    missing = [c for c in ["rcid", "date", *flags] if c not in frame.columns]
    if missing:
        raise LoadError(f"missing column(s) {', '.join(missing)}", path=str(fpath), line=1)
    frame.index = pd.RangeIndex(2, len(frame) + 2)  # CSV line numbers
    recent = frame[frame["date"].str[:4] >= "2020"]
    states = [c for c in frame.columns if c not in ("rcid", "date", *flags)]
    name = fpath.name
    calls = pd.DataFrame(
        {
            "rcid": pd.to_numeric(recent["rcid"], errors="coerce"),
            "date": recent["date"],
            **{flag: recent[flag].str.upper().map({"TRUE": 1, "FALSE": 0}).astype("Int8") for flag in flags},
            "source_ref": name + " line " + recent.index.astype(str),
        }
    ).reset_index(drop=True)
    if bool(calls["rcid"].isna().any()):
        line = int(recent.index[int(np.flatnonzero(calls["rcid"].isna().to_numpy())[0])])
        raise LoadError("rcid is not a number", path=str(fpath), line=line)
    calls["rcid"] = calls["rcid"].astype("int64")
    cells = recent[states].to_numpy(dtype=object)
    # Some cells carry a decimal point (``1.0``): the code is the integer part.
    codes = pd.Series(cells.T.ravel()).str.strip().str.replace(r"\.0$", "", regex=True)
    votes = codes.map(WIDE_VOTE_CODES)
    bad = votes.isna().to_numpy()
    if bad.any():
        first = int(np.flatnonzero(bad)[0])
        state, row = divmod(first, len(recent))
        raise LoadError(
            f"bad vote code {codes.iloc[first]!r} in column {states[state]!r} (allowed: 1, 2, 3, 8, 9)",
            path=str(fpath),
            line=int(recent.index[row]),
        )
    lines = np.tile(recent.index.to_numpy(), len(states)).astype(str)
    iso3 = np.repeat(np.asarray(states, dtype=object), len(recent))
    tidy = pd.DataFrame(
        {
            "rcid": np.tile(calls["rcid"].to_numpy(dtype="int64"), len(states)).astype("int32"),
            "iso3": iso3,
            "vote": votes.to_numpy(),
            "source_ref": pd.Series(name + " line " + lines) + " column " + pd.Series(iso3),
        }
    )
    return tidy, calls


def cow_organizations(path: str | Path | None = None) -> pd.DataFrame:
    """The COW IGOs (ioname, orgname, longorgname, sdate, deaddate, ionum), one row each, from
    the IGO-year table of igoR."""
    frame = read_rda(_path(path, "igo_year_format3"), "igo_year_format3")
    orgs = frame.drop_duplicates("ioname", keep="first")
    return pd.DataFrame(
        {
            "ioname": orgs["ioname"].astype(object),
            "orgname": orgs["orgname"].astype(object),
            "longorgname": orgs["longorgname"].astype(object),
            "sdate": orgs["sdate"].astype("Int16"),
            "deaddate": orgs["deaddate"].astype("Int16"),
            "ionum": orgs["ionum"].astype("Int32"),
        }
    ).reset_index(drop=True)


def cow_memberships(
    path: str | Path | None = None, organizations: pd.DataFrame | None = None
) -> pd.DataFrame:
    """State memberships of COW IGOs (ccode, year, state, ioname, status), from the state-year
    table of igoR melted and kept to its membership codes (full, associate, observer).

    ``ioname`` is spelled as in the IGO-year table (upper case; the state-year table's column
    names are lower case)."""
    fpath = _path(path, "igo_state_year_format3")
    frame = read_rda(fpath, "state_year_format3")
    orgs = cow_organizations() if organizations is None else organizations
    spelled = {str(name).lower(): str(name) for name in orgs["ioname"]}
    igo_columns = [c for c in frame.columns if c not in ("ccode", "year", "state")]
    unknown = [c for c in igo_columns if c not in spelled]
    if unknown:
        raise LoadError(f"IGO column(s) not in the IGO-year table: {unknown[:10]}", path=str(fpath), line=1)
    codes = frame[igo_columns].to_numpy()
    rows, cols = np.nonzero(np.isin(codes, list(COW_STATUS_CODES)))
    status_of: dict[Any, str] = dict(COW_STATUS_CODES)
    out = pd.DataFrame(
        {
            "ccode": frame["ccode"].to_numpy()[rows].astype("int16"),
            "year": frame["year"].to_numpy()[rows].astype("int16"),
            "state": frame["state"].to_numpy()[rows],
            "ioname": np.asarray([spelled[c] for c in igo_columns], dtype=object)[cols],
            "status": pd.Series(codes[rows, cols].astype(int)).map(status_of).to_numpy(),
        }
    )
    return out.sort_values(["ioname", "ccode", "year"], kind="stable").reset_index(drop=True)


def cow_states(path: str | Path | None = None) -> pd.DataFrame:
    """COW State System Membership 2016 (ccode, stateabb, statenme, start/end dates, version)."""
    frame = read_rda(_path(path, "igo_states2016"), "states2016")
    return frame.drop(columns=["state"], errors="ignore")
