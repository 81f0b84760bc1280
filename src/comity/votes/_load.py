"""Readers and store loaders for UN roll-call votes and Security Council vetoes.

Each ``read_*`` function parses one dataset into tidy tables shaped like the store's
``roll_calls``, ``votes`` and ``vetoes`` tables, validating the whole file first: a malformed
file raises :class:`~comity.errors.LoadError` naming the line and the reason. Each ``load_*``
function writes what its reader returns into the store in one transaction, replacing that
source's earlier rows, so that loading twice changes nothing.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from comity.data import fetch
from comity.data._convert import unga_wide_2020, unvotes_roll_calls, unvotes_tables
from comity.errors import BadInput, LoadError
from comity.votes._data import known_iso3, resolve_state_names, seat_iso3_series

__all__ = [
    "DEFAULT_GA_SOURCES",
    "ISSUE_CODES",
    "VoteTables",
    "load_all",
    "load_undl_csv",
    "load_undl_resolutions",
    "load_unvotes",
    "load_unvotes_2020",
    "load_vetoes",
    "read_undl_csv",
    "read_undl_resolutions",
    "read_unvotes",
    "read_unvotes_2020",
    "read_repeated_roll_calls",
    "read_vetoes",
    "read_votes",
    "votes_in_store",
]

#: The General Assembly sources analyses use by default: Voeten's roll calls 1946-2019 and 2020-2024.
#: (``undl`` repeats many of these votes with another unit, the adopted resolution.)
DEFAULT_GA_SOURCES: tuple[str, ...] = ("unvotes", "unvotes2020")

#: Bumped when a loader's output changes, so that ``load_all`` reloads unchanged files.
_LOADER_VERSION = "votes-loaders-2"  # 2: votes keep the state that cast them (SUN, SCG, YAR...)

#: Voeten's six issue codes, in his order.
ISSUE_CODES: tuple[str, ...] = ("me", "nu", "di", "hr", "co", "ec")

ROLL_CALL_COLUMNS = [
    "rcid",
    "body",
    "session",
    "date",
    "year",
    "resolution",
    "title",
    "issues",
    "important",
    "amend",
    "para",
    "source_id",
    "source_ref",
]
VOTE_COLUMNS = ["rcid", "iso3", "vote", "source_id", "source_ref"]
VETO_COLUMNS = ["draft", "date", "year", "meeting", "agenda", "iso3", "n_vetoes", "source_id", "source_ref"]

_UNKNOWN_NAME_HINT = (
    "Add the name as an alias of its state in the registry, or fix the file; nothing was stored."
)
_UNDL_VOTES = {"Y": "yes", "N": "no", "A": "abstain", "X": "non_voting", "NV": "non_voting", "": "non_voting"}

#: Column headers of the UN Digital Library scrape that are scraping artefacts, not state names
#: (stray prefixes and suffixes from the page layout). ``DONOTKNOW`` holds one vote, on
#: S/RES/1966(2010): the only 2010 Council member without a column in that row is Mexico.
UNDL_SCRAPE_HEADER_FIXES: dict[str, str] = {
    "Aa UNITED STATES": "UNITED STATES",
    "AY DENMARK": "DENMARK",
    "AY SWEDEN": "SWEDEN",
    "AY UNION OF SOUTH AFRICA": "UNION OF SOUTH AFRICA",
    "CHILEs": "CHILE",
    "TKAZAKHSTAN": "KAZAKHSTAN",
    "SERBIAMONTENEGRO": "SERBIA AND MONTENEGRO",
    "DONOTKNOW": "MEXICO",
}


class VoteTables(NamedTuple):
    """Tidy tables of one vote dataset, with the store's columns."""

    roll_calls: pd.DataFrame
    votes: pd.DataFrame


# --------------------------------------------------------------------------- helpers


def _label(path: Path | str) -> str:
    return str(path)


def _require_columns(frame: pd.DataFrame, columns: Iterable[str], path: Path | str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise LoadError(
            f"missing column(s) {', '.join(missing)}; found {', '.join(map(str, frame.columns))}",
            path=_label(path),
            line=1,
        )


def _first_bad(mask: np.ndarray[Any, Any] | pd.Series, offset: int) -> int:
    """Line number of the first True in ``mask``: row position plus ``offset`` (1 for parquet rows,
    2 for CSV lines under a header)."""
    return int(np.flatnonzero(np.asarray(mask))[0]) + offset


def _check_values(
    values: pd.Series, allowed: Iterable[str], what: str, path: Path | str, offset: int
) -> None:
    allowed_set = set(allowed)
    bad = ~values.isin(allowed_set)
    if bool(bad.any()):
        line = _first_bad(bad, offset)
        examples = sorted({str(v) for v in values[bad].unique()[:5]})
        raise LoadError(
            f"{int(bad.sum())} bad {what}(s), such as {', '.join(map(repr, examples))} "
            f"(allowed: {', '.join(sorted(allowed_set))})",
            path=_label(path),
            line=line,
        )


def _parse_dates(values: pd.Series, path: Path | str, offset: int, fmt: str = "%Y-%m-%d") -> pd.Series:
    text = values.astype("string").str.strip()
    parsed = pd.to_datetime(text, format=fmt, errors="coerce")
    bad = parsed.isna()
    if bool(bad.any()):
        line = _first_bad(bad, offset)
        raise LoadError(
            f"bad date {values.iloc[line - offset]!r} ({int(bad.sum())} bad date(s) in all); "
            f"expected {fmt.replace('%', '')}",
            path=_label(path),
            line=line,
        )
    return parsed.dt.date


def _resolve_names(
    names: pd.Series, dates: pd.Series, path: Path | str, offset: int, where: str = "row"
) -> pd.Series:
    """ISO3 of each state name (by the seat convention on that date); unknown names raise."""
    table = resolve_state_names(names.dropna().unique())
    codes = names.map(table)
    unknown = codes.isna()
    if bool(unknown.any()):
        parts = []
        for name in sorted(names[unknown].astype(str).unique()):
            lines = (np.flatnonzero((names == name).to_numpy()) + offset)[:5]
            parts.append(f"{name!r} ({where}s {', '.join(map(str, lines))})")
        raise LoadError(
            f"{len(parts)} unknown state name(s): " + "; ".join(parts),
            path=_label(path),
            line=_first_bad(unknown, offset),
            hint=_UNKNOWN_NAME_HINT,
        )
    return seat_iso3_series(codes, dates)


def _check_iso3(codes: pd.Series, path: Path | str, offset: int) -> None:
    known = known_iso3()
    bad = ~codes.isin(known)
    if bool(bad.any()):
        unknown = sorted(codes[bad].astype(str).unique())
        parts = [f"{code!r} (rows {_lines_of(codes == code, offset)})" for code in unknown]
        raise LoadError(
            f"{len(unknown)} unknown state code(s): " + "; ".join(parts),
            path=_label(path),
            line=_first_bad(bad, offset),
        )


def _lines_of(mask: pd.Series, offset: int, limit: int = 5) -> str:
    """The first ``limit`` line numbers where ``mask`` holds, comma-separated."""
    return ", ".join(map(str, (np.flatnonzero(mask.to_numpy()) + offset)[:limit]))


def _row_refs(prefix: str, positions: np.ndarray[Any, Any] | pd.Index | range) -> pd.Series:
    return prefix + pd.Series(np.asarray(positions)).astype(str)


def _issues_from_flags(flags: pd.DataFrame) -> pd.Series:
    parts = [np.where(flags[c].fillna(0).astype(int).to_numpy() == 1, c, "") for c in ISSUE_CODES]
    joined = pd.Series([",".join(p for p in row if p) for row in zip(*parts, strict=True)], index=flags.index)
    return joined.mask(joined == "")


def _bool_flags(values: pd.Series) -> pd.Series:
    return values.astype("Int8").astype("boolean")


# --------------------------------------------------------------------------- readers


def read_unvotes(path: str | Path | None = None) -> VoteTables:
    """Voeten's General Assembly roll calls 1946-2019 (R package ``unvotes``), tidy.

    Parameters
    ----------
    path:
        A directory holding the package's R data files (``un_votes.rda``, ``un_roll_calls.rda``,
        ``un_roll_call_issues.rda``), or the same tables as ``votes.parquet``,
        ``roll_calls.parquet`` and ``roll_call_issues.parquet``; default: the package's files
        as :func:`comity.data.fetch` gets them. Roll call 9079 of the R files (2020) is left
        out: the 2020-2024 data (:func:`read_unvotes_2020`) holds it.
    """
    if path is None:
        votes_path, calls_path, issues_path = (
            fetch("unvotes_votes"),
            fetch("unvotes_roll_calls"),
            fetch("unvotes_roll_call_issues"),
        )
    else:
        base = Path(path)
        rda = (base / "un_votes.rda").exists()
        votes_path, calls_path, issues_path = (
            (base / "un_votes.rda", base / "un_roll_calls.rda", base / "un_roll_call_issues.rda")
            if rda
            else (base / "votes.parquet", base / "roll_calls.parquet", base / "roll_call_issues.parquet")
        )
    for file in (votes_path, calls_path, issues_path):
        if not file.exists():
            raise LoadError(
                "file not found",
                path=str(file),
                hint="Pass the directory of the unvotes R data files (or of the same tables as parquet).",
            )
    if votes_path.suffix == ".rda":
        votes, calls, issues = unvotes_tables(votes_path, calls_path, issues_path)
    else:
        calls = pd.read_parquet(calls_path)
        votes = pd.read_parquet(votes_path)
        issues = pd.read_parquet(issues_path)
    # Rows as numbered in the file read (the R files keep their numbers without rcid 9079).
    call_rows, vote_rows = _positions(calls) + 1, _positions(votes) + 1
    calls, votes = calls.reset_index(drop=True), votes.reset_index(drop=True)
    issues = issues.reset_index(drop=True)
    _require_columns(
        calls,
        ["rcid", "session", "importantvote", "date", "unres", "amend", "para", "short", "descr"],
        calls_path,
    )
    _require_columns(votes, ["rcid", "country", "vote"], votes_path)
    _require_columns(issues, ["rcid", "short_name"], issues_path)

    if bool(calls["rcid"].isna().any()) or bool(calls["rcid"].duplicated().any()):
        bad = calls["rcid"].isna() | calls["rcid"].duplicated()
        raise LoadError("missing or repeated rcid", path=str(calls_path), line=_first_bad(bad, 1))
    dates = _parse_dates(calls["date"].astype(str), calls_path, 1)
    _check_values(issues["short_name"], ISSUE_CODES, "issue code", issues_path, 1)
    _check_values(votes["vote"], ("yes", "no", "abstain"), "vote", votes_path, 1)
    unknown_rc = ~votes["rcid"].isin(calls["rcid"])
    if bool(unknown_rc.any()):
        raise LoadError(
            f"{int(unknown_rc.sum())} vote(s) on roll calls missing from roll_calls.parquet",
            path=str(votes_path),
            line=_first_bad(unknown_rc, 1),
        )

    flags = (
        issues.assign(flag=1)
        .pivot_table(index="rcid", columns="short_name", values="flag", aggfunc="max")
        .reindex(columns=list(ISSUE_CODES))
    )
    issue_text = _issues_from_flags(flags).reindex(calls["rcid"]).to_numpy()
    title = calls["short"].astype("string").str.strip()
    descr = calls["descr"].astype("string").str.strip()
    roll_calls = pd.DataFrame(
        {
            "rcid": "unvotes:" + calls["rcid"].astype(str),
            "body": "GA",
            "session": calls["session"].astype("Int64"),
            "date": dates,
            "year": pd.to_datetime(dates).dt.year.astype("Int64").to_numpy(),
            "resolution": calls["unres"].astype("string"),
            "title": title.where(title.notna() & (title != ""), descr),
            "description": descr,
            "issues": issue_text,
            "important": _bool_flags(calls["importantvote"]),
            "amend": _bool_flags(calls["amend"]),
            "para": _bool_flags(calls["para"]),
            "source_id": "unvotes",
            "source_ref": _row_refs(f"{calls_path.name} row ", call_rows),
        }
    )
    vote_dates = votes["rcid"].map(pd.Series(np.asarray(dates), index=calls["rcid"].to_numpy()))
    iso3 = _resolve_names(votes["country"].astype(str), vote_dates, votes_path, 1)
    tidy = pd.DataFrame(
        {
            "rcid": "unvotes:" + votes["rcid"].astype(str),
            "iso3": iso3.astype(str),
            "vote": votes["vote"].astype(str),
            "source_id": "unvotes",
            "source_ref": _row_refs(f"{votes_path.name} row ", vote_rows),
        }
    )
    _check_duplicate_votes(tidy, votes_path, 1)
    return VoteTables(roll_calls, tidy)


def _positions(frame: pd.DataFrame) -> np.ndarray[Any, Any]:
    """Row positions in the file a frame was read from: its index when that is one of integers."""
    index = frame.index
    if pd.api.types.is_integer_dtype(index.dtype):
        return np.asarray(index, dtype=np.int64)
    return np.arange(len(frame))


def _check_duplicate_votes(votes: pd.DataFrame, path: Path | str, offset: int) -> None:
    dup = votes.duplicated(["rcid", "iso3"], keep=False)
    if bool(dup.any()):
        first = votes[dup].iloc[0]
        raise LoadError(
            f"{int(dup.sum())} rows give a second vote to one state on one roll call, such as "
            f"{first['iso3']} on {first['rcid']}",
            path=_label(path),
            line=_first_bad(dup, offset),
        )


def read_unvotes_2020(path: str | Path | None = None) -> VoteTables:
    """Voeten's General Assembly roll calls January 2020 - June 2024, tidy.

    Roll calls are keyed by rcid and date (``unvotes2020:411-2023-06-12``): four rcids of 2023
    repeat rcids of the 1950s. ``not_member`` rows are not votes and are left out;
    ``absent`` is kept.

    Parameters
    ----------
    path:
        The wide CSV of roll calls 1946-2024 with one column per state (``ungaVoting_003.csv``;
        its roll calls dated 2020 or later are read), or a directory holding the same tables as
        ``votes.parquet`` and ``roll_calls.parquet``; default: the CSV as
        :func:`comity.data.fetch` gets it.
    """
    base = fetch("unga_wide_1946_2024") if path is None else Path(path)
    if base.is_dir():
        votes_path, calls_path = base / "votes.parquet", base / "roll_calls.parquet"
        for file in (votes_path, calls_path):
            if not file.exists():
                raise LoadError(
                    "file not found",
                    path=str(file),
                    hint="Pass the wide CSV, or a directory of parquet files.",
                )
        calls = pd.read_parquet(calls_path)
        votes = pd.read_parquet(votes_path)
    else:
        votes, calls = unga_wide_2020(base)
        votes_path = calls_path = base
    _require_columns(calls, ["rcid", "date", *ISSUE_CODES], calls_path)
    _require_columns(votes, ["rcid", "iso3", "vote"], votes_path)
    dates = _parse_dates(calls["date"].astype(str), calls_path, 1)
    if bool(calls["rcid"].duplicated().any()):
        bad = calls["rcid"].duplicated(keep=False)
        raise LoadError(
            "an rcid appears twice among the roll calls, so votes cannot be matched to one",
            path=str(calls_path),
            line=_first_bad(bad, 1),
        )
    _check_values(votes["vote"], ("yes", "no", "abstain", "absent", "not_member"), "vote", votes_path, 1)
    unknown_rc = ~votes["rcid"].isin(calls["rcid"])
    if bool(unknown_rc.any()):
        raise LoadError(
            f"{int(unknown_rc.sum())} vote(s) on roll calls missing from roll_calls.parquet",
            path=str(votes_path),
            line=_first_bad(unknown_rc, 1),
        )
    _check_iso3(votes["iso3"].astype(str), votes_path, 1)

    keys = "unvotes2020:" + calls["rcid"].astype(str) + "-" + pd.Series(dates).astype(str)
    roll_calls = pd.DataFrame(
        {
            "rcid": keys,
            "body": "GA",
            "session": pd.array([pd.NA] * len(calls), dtype="Int64"),
            "date": dates,
            "year": pd.to_datetime(dates).dt.year.astype("Int64").to_numpy(),
            "resolution": pd.array([None] * len(calls), dtype="string"),
            "title": pd.array([None] * len(calls), dtype="string"),
            "description": pd.array([None] * len(calls), dtype="string"),
            "issues": _issues_from_flags(calls[list(ISSUE_CODES)]),
            "important": pd.array([pd.NA] * len(calls), dtype="boolean"),
            "amend": pd.array([pd.NA] * len(calls), dtype="boolean"),
            "para": pd.array([pd.NA] * len(calls), dtype="boolean"),
            "source_id": "unvotes2020",
            "source_ref": (
                calls["source_ref"].to_numpy()
                if "source_ref" in calls
                else _row_refs(f"{calls_path.name} row ", np.arange(len(calls)) + 1)
            ),
        }
    )
    members = votes["vote"] != "not_member"
    kept = votes[members]
    key_of = pd.Series(keys.to_numpy(), index=calls["rcid"].to_numpy())
    date_of = pd.Series(np.asarray(dates), index=calls["rcid"].to_numpy())
    tidy = pd.DataFrame(
        {
            "rcid": kept["rcid"].map(key_of).to_numpy(),
            "iso3": seat_iso3_series(kept["iso3"].astype(str), kept["rcid"].map(date_of)).to_numpy(),
            "vote": kept["vote"].astype(str).to_numpy(),
            "source_id": "unvotes2020",
            "source_ref": (
                kept["source_ref"].to_numpy()
                if "source_ref" in kept
                else _row_refs(f"{votes_path.name} row ", np.flatnonzero(members.to_numpy()) + 1).to_numpy()
            ),
        }
    )
    _check_duplicate_votes(tidy, votes_path, 1)
    return VoteTables(roll_calls, tidy)


def _read_zipped_csv(path: Path) -> tuple[pd.DataFrame, str]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.lower().endswith(".csv")]
            if len(members) != 1:
                raise LoadError(
                    f"expected one CSV file in the zip archive, found {len(members)}", path=str(path)
                )
            raw = archive.read(members[0])
    except zipfile.BadZipFile as exc:
        raise LoadError(f"not a zip archive ({exc})", path=str(path)) from exc
    frame = _read_csv_bytes(raw, f"{path}!{members[0]}")
    return frame, members[0]


def _read_csv_bytes(raw: bytes, label: str) -> pd.DataFrame:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise LoadError(f"not UTF-8 text ({exc.reason})", path=label, line=line) from exc
    try:
        return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except pd.errors.EmptyDataError as exc:  # found by the fuzz suite (issue 13)
        raise LoadError("empty file: no header and no rows", path=label, line=1) from exc
    except pd.errors.ParserError as exc:
        match = re.search(r"line (\d+)", str(exc))
        raise LoadError(
            f"malformed CSV ({exc})", path=label, line=int(match.group(1)) if match else None
        ) from exc


def read_undl_resolutions(path: str | Path | None = None) -> VoteTables:
    """The UN Digital Library scrape of adopted GA and SC resolutions 1946-2021 (wide CSV in a zip).

    One roll call per resolution (``undl:<record id>``), body ``GA`` or ``SC``; state columns
    are names in capitals resolved through the registry; Y/N/A/X become yes/no/abstain/
    non_voting and empty cells are no vote. A date given as a bare year keeps ``date`` empty.
    """
    zpath = fetch("undl_scrape_zip") if path is None else Path(path)
    if not zpath.exists():
        raise LoadError("file not found", path=str(zpath))
    frame, member = _read_zipped_csv(zpath)
    label = f"{zpath}!{member}"
    fixed_columns = [UNDL_SCRAPE_HEADER_FIXES.get(str(c).strip(), str(c).strip()) for c in frame.columns]
    frame.columns = pd.Index(fixed_columns)
    meta = ["Council", "Date", "Title", "Resolution", "token"]
    _require_columns(frame, meta, label)
    if "token" not in frame.columns[:12]:
        raise LoadError("state columns must follow the column 'token'", path=label, line=1)
    first_state = list(frame.columns).index("token") + 1
    state_columns = [str(c) for c in frame.columns[first_state:]]
    lines = np.arange(len(frame)) + 2

    bodies = frame["Council"].str.strip().map({"General Assembly": "GA", "Security Council": "SC"})
    if bool(bodies.isna().any()):
        line = _first_bad(bodies.isna(), 2)
        raise LoadError(f"unknown Council {frame['Council'].iloc[line - 2]!r}", path=label, line=line)
    date_text = frame["Date"].str.strip()
    full = date_text.str.fullmatch(r"\d{4}-\d{2}-\d{2}")
    year_only = date_text.str.fullmatch(r"\d{4}")
    parsed = pd.to_datetime(date_text.where(full), format="%Y-%m-%d", errors="coerce")
    bad_date = ~(year_only | (full & parsed.notna()))
    if bool(bad_date.any()):
        line = _first_bad(bad_date, 2)
        raise LoadError(
            f"bad date {date_text.iloc[line - 2]!r}; expected YYYY-MM-DD or YYYY", path=label, line=line
        )
    years = np.where(year_only, pd.to_numeric(date_text.where(year_only), errors="coerce"), parsed.dt.year)
    tokens = frame["token"].str.strip()
    bad_token = ~tokens.str.fullmatch(r"\d+") | tokens.duplicated(keep=False)
    if bool(bad_token.any()):
        raise LoadError(
            "missing, malformed or repeated record id (token)", path=label, line=_first_bad(bad_token, 2)
        )

    dates = parsed.dt.date.astype(object).mask(~full)
    roll_calls = pd.DataFrame(
        {
            "rcid": "undl:" + tokens,
            "body": bodies,
            "session": pd.array([pd.NA] * len(frame), dtype="Int64"),
            "date": dates,
            "year": pd.array(years, dtype="Int64"),
            "resolution": frame["Resolution"].str.strip(),
            "title": frame["Title"].str.strip(),
            "description": pd.array([None] * len(frame), dtype="string"),
            "issues": pd.array([None] * len(frame), dtype="string"),
            "important": pd.array([pd.NA] * len(frame), dtype="boolean"),
            "amend": pd.array([pd.NA] * len(frame), dtype="boolean"),
            "para": pd.array([pd.NA] * len(frame), dtype="boolean"),
            "source_id": "undl",
            "source_ref": _row_refs(f"{member} line ", lines),
        }
    )

    # Positional: after the header fixes two columns may carry one name.
    cells = frame.iloc[:, first_state:].to_numpy(dtype=object)
    row_idx, col_idx = np.nonzero(cells != "")
    values = pd.Series(cells[row_idx, col_idx], dtype=object).str.strip()
    bad_vote = ~values.isin(["Y", "N", "A", "X"])
    if bool(bad_vote.any()):
        first = int(np.flatnonzero(bad_vote.to_numpy())[0])
        raise LoadError(
            f"bad vote {values.iloc[first]!r} in column {state_columns[col_idx[first]]!r} "
            f"({int(bad_vote.sum())} bad vote(s) in all; allowed Y, N, A, X or empty)",
            path=label,
            line=int(lines[row_idx[first]]),
        )
    names = pd.Series(np.asarray(state_columns, dtype=object)[col_idx])
    # Unknown names are reported by column header, each with the lines that hold its votes.
    table = resolve_state_names(state_columns)
    unknown = sorted(n for n in set(names) if table.get(n) is None)
    if unknown:
        parts = []
        for name in unknown:
            hit = np.unique(lines[row_idx[(names == name).to_numpy()]])[:5]
            parts.append(f"{name!r} (lines {', '.join(map(str, hit))})")
        raise LoadError(
            f"{len(unknown)} unknown state name(s) in the header: " + "; ".join(parts),
            path=label,
            line=1,
            hint=_UNKNOWN_NAME_HINT,
        )
    row_dates = pd.Series(pd.to_datetime(dates.to_numpy()[row_idx]))
    # A bare-year date still decides the Chinese seat: take 1 July of that year.
    no_day = row_dates.isna().to_numpy()
    if no_day.any():
        row_dates[no_day] = pd.to_datetime(years[row_idx[no_day]].astype(int).astype(str) + "-07-01")
    iso3 = seat_iso3_series(names.map(table), row_dates)
    tidy = pd.DataFrame(
        {
            "rcid": roll_calls["rcid"].to_numpy()[row_idx],
            "iso3": iso3.to_numpy(),
            "vote": values.map(_UNDL_VOTES).to_numpy(),
            "source_id": "undl",
            "source_ref": (
                f"{member} line " + pd.Series(lines[row_idx]).astype(str) + " column " + names
            ).to_numpy(),
        }
    )
    tidy = _merge_repeated_columns(tidy, label, lines, row_idx)
    _check_totals(frame, roll_calls["rcid"], tidy, label)
    return VoteTables(roll_calls, tidy)


def _check_totals(frame: pd.DataFrame, rcids: pd.Series, votes: pd.DataFrame, label: str) -> None:
    """The scrape's own YES COUNT and NO COUNT must match the votes read from its state columns;
    a mismatch means a column was lost or misread."""
    for column, vote in (("YES COUNT", "yes"), ("NO COUNT", "no")):
        if column not in frame.columns:
            continue
        stated = pd.to_numeric(frame[column].str.strip(), errors="coerce")
        tally = votes.loc[votes["vote"] == vote, "rcid"].value_counts()
        counted = tally.reindex(rcids, fill_value=0).to_numpy()
        wrong = stated.notna().to_numpy() & (stated.to_numpy() != counted)
        if wrong.any():
            first = int(np.flatnonzero(wrong)[0])
            raise LoadError(
                f"{column} says {int(stated.iloc[first])} but the state columns hold {int(counted[first])} "
                f"{vote} vote(s) ({int(wrong.sum())} such row(s))",
                path=label,
                line=first + 2,
            )


def _merge_repeated_columns(
    votes: pd.DataFrame, label: str, lines: np.ndarray[Any, Any], row_idx: np.ndarray[Any, Any]
) -> pd.DataFrame:
    """Keep one vote where two headers of one state (``SWAZILAND``, ``ESWATINI``) both hold a vote,
    and reject the file if the two disagree."""
    dup = votes.duplicated(["rcid", "iso3"], keep=False).to_numpy()
    if not dup.any():
        return votes
    groups = votes[dup].groupby(["rcid", "iso3"])["vote"].nunique()
    conflicts = groups[groups > 1]
    if len(conflicts):
        rcid, iso3 = conflicts.index[0]
        first = int(np.flatnonzero(((votes["rcid"] == rcid) & (votes["iso3"] == iso3)).to_numpy())[0])
        raise LoadError(
            f"two columns give {iso3} different votes on one resolution ({len(conflicts)} such case(s))",
            path=label,
            line=int(lines[row_idx[first]]),
        )
    return votes.drop_duplicates(["rcid", "iso3"], keep="first").reset_index(drop=True)


UNDL_CSV_COLUMNS = [
    "undl_id",
    "ms_code",
    "ms_name",
    "ms_vote",
    "date",
    "session",
    "resolution",
    "draft",
    "committee_report",
    "meeting",
    "title",
    "agenda_title",
    "subjects",
    "vote_note",
    "total_yes",
    "total_no",
    "total_abstentions",
    "total_non_voting",
    "total_ms",
    "undl_link",
]


def read_undl_csv(path: str | Path, source_id: str = "undl_csv") -> VoteTables:
    """The UN Digital Library's official bulk voting CSV (one row per member state and vote).

    ``ms_code`` is taken as ISO3 (the name is resolved when the code is empty); ``ms_vote`` Y, N,
    A, X or NV (or empty: non-voting). Roll calls are ``<source_id>:<undl_id>``; body ``GA`` or
    ``SC`` from the resolution symbol.

    Reads both published layouts (UN Digital Library records 4060887 and 4055387, data
    dictionaries of July 2025): the General Assembly's (``session``, ``title``,
    ``agenda_title``, ...) and the Security Council's, which has no ``session`` and gives the
    title as ``description`` and the agenda item as ``agenda`` (its ``permanent_member`` and
    ``modality`` columns are not needed).
    """
    fpath = Path(path)
    if not fpath.exists():
        raise LoadError("file not found", path=str(fpath))
    if fpath.suffix.lower() == ".zip":
        frame, member = _read_zipped_csv(fpath)
        label = f"{fpath}!{member}"
    else:
        frame = _read_csv_bytes(fpath.read_bytes(), str(fpath))
        label = str(fpath)
    frame.columns = pd.Index([str(c).strip() for c in frame.columns])
    # The Security Council file: no sessions; the title is its "description", the agenda its "agenda".
    if "title" not in frame.columns and "description" in frame.columns:
        frame["title"] = frame["description"]
    if "agenda_title" not in frame.columns and "agenda" in frame.columns:
        frame["agenda_title"] = frame["agenda"]
    if "session" not in frame.columns:
        frame["session"] = ""
    _require_columns(
        frame, ["undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "title"], label
    )
    if frame.empty:
        raise LoadError("no rows", path=label, line=2)
    for column in ("undl_id", "ms_code", "ms_name", "ms_vote", "date", "session", "resolution", "title"):
        frame[column] = frame[column].str.strip()
    missing_id = frame["undl_id"] == ""
    if bool(missing_id.any()):
        raise LoadError("empty undl_id", path=label, line=_first_bad(missing_id, 2))
    _check_values(frame["ms_vote"].str.upper(), _UNDL_VOTES.keys(), "ms_vote", label, 2)
    # Exports may carry a time of day after the date ("2024-12-17T00:00:00"); the day is what counts.
    day = frame["date"].str.replace(r"^(\d{4}-\d{2}-\d{2})[T ].*$", r"\1", regex=True)
    dates = _parse_dates(day, label, 2)
    session = pd.to_numeric(frame["session"].where(frame["session"] != ""), errors="coerce")
    bad_session = (frame["session"] != "") & session.isna()
    if bool(bad_session.any()):
        raise LoadError("session is not a number", path=label, line=_first_bad(bad_session, 2))

    codes = frame["ms_code"].str.upper()
    by_name = codes == ""
    iso3 = codes.copy()
    if bool(by_name.any()):
        iso3[by_name] = _resolve_names(
            frame.loc[by_name, "ms_name"], pd.Series(dates)[by_name.to_numpy()], label, 2, where="line"
        ).to_numpy()
    _check_iso3(iso3, label, 2)
    iso3 = seat_iso3_series(iso3, pd.Series(np.asarray(dates), index=frame.index))

    rcids = source_id + ":" + frame["undl_id"]
    first_rows = ~rcids.duplicated()
    calls = frame[first_rows]
    resolution = calls["resolution"]
    body = np.where(resolution.str.startswith("S/"), "SC", "GA")
    call_dates = pd.Series(dates)[first_rows.to_numpy()]
    roll_calls = pd.DataFrame(
        {
            "rcid": rcids[first_rows].to_numpy(),
            "body": body,
            "session": session[first_rows].astype("Int64").to_numpy(),
            "date": call_dates.to_numpy(),
            "year": pd.to_datetime(call_dates).dt.year.astype("Int64").to_numpy(),
            "resolution": resolution.mask(resolution == "").to_numpy(),
            "title": calls["title"].to_numpy(),
            "description": calls["agenda_title"].to_numpy() if "agenda_title" in calls else None,
            "issues": None,
            "important": pd.array([pd.NA] * len(calls), dtype="boolean"),
            "amend": pd.array([pd.NA] * len(calls), dtype="boolean"),
            "para": pd.array([pd.NA] * len(calls), dtype="boolean"),
            "source_id": source_id,
            "source_ref": _row_refs(
                f"{fpath.name} line ", np.flatnonzero(first_rows.to_numpy()) + 2
            ).to_numpy(),
        }
    )
    tidy = pd.DataFrame(
        {
            "rcid": rcids.to_numpy(),
            "iso3": iso3.to_numpy(),
            "vote": frame["ms_vote"].str.upper().map(_UNDL_VOTES).to_numpy(),
            "source_id": source_id,
            "source_ref": _row_refs(f"{fpath.name} line ", np.arange(len(frame)) + 2).to_numpy(),
        }
    )
    _check_duplicate_votes(tidy, label, 2)
    return VoteTables(roll_calls, tidy)


#: Columns of the veto list that count each permanent member's vetoes; the USSR's continue as
#: Russia's by the seat convention, China's before 25 October 1971 are Taiwan's.
_VETO_MEMBERS = {"China": "CHN", "France": "FRA", "Russia": "RUS", "USSR": "SUN", "USA": "USA", "UK": "GBR"}


def read_vetoes(path: str | Path | None = None) -> pd.DataFrame:
    """Security Council vetoes 1946-2022 (World Politics Data Lab), one row per draft and vetoing state."""
    fpath = fetch("sc_vetoes") if path is None else Path(path)
    if not fpath.exists():
        raise LoadError("file not found", path=str(fpath))
    frame = _read_csv_bytes(fpath.read_bytes(), str(fpath))
    _require_columns(frame, ["year", "date", "draft", "meeting_record", "agenda_item", *_VETO_MEMBERS], fpath)
    dates = _parse_dates(frame["date"], fpath, 2, fmt="%m/%d/%Y")
    counts = {}
    for column in _VETO_MEMBERS:
        text = frame[column].str.strip().replace("", "0")
        numbers = pd.to_numeric(text, errors="coerce")
        bad = numbers.isna() | (numbers < 0) | (numbers % 1 != 0)
        if bool(bad.any()):
            line = _first_bad(bad, 2)
            raise LoadError(
                f"veto count {frame[column].iloc[line - 2]!r} in column {column!r} "
                "is not a whole number >= 0",
                path=str(fpath),
                line=line,
            )
        counts[column] = numbers.astype(int)
    # member_veto1-3 name who vetoed; the count columns (sometimes left at 0) how many times.
    named = {column: pd.Series(False, index=frame.index) for column in _VETO_MEMBERS}
    for slot in ("member_veto1", "member_veto2", "member_veto3"):
        if slot not in frame.columns:
            continue
        names = frame[slot].str.strip()
        _check_values(names, ["", *_VETO_MEMBERS], slot, fpath, 2)
        for column in _VETO_MEMBERS:
            named[column] |= names == column
    hits = {column: named[column] | (counts[column] > 0) for column in _VETO_MEMBERS}
    no_veto = ~np.logical_or.reduce([h.to_numpy() for h in hits.values()])
    if bool(no_veto.any()):
        raise LoadError(
            "a row of the veto list names no vetoing member", path=str(fpath), line=_first_bad(no_veto, 2)
        )
    rows = []
    for column, code in _VETO_MEMBERS.items():
        hit = hits[column]
        if not bool(hit.any()):
            continue
        part = frame[hit]
        rows.append(
            pd.DataFrame(
                {
                    "draft": part["draft"].str.strip().to_numpy(),
                    "date": pd.Series(dates)[hit.to_numpy()].to_numpy(),
                    "iso3": seat_iso3_series(
                        pd.Series([code] * int(hit.sum())),
                        pd.Series(dates)[hit.to_numpy()].reset_index(drop=True),
                    ).to_numpy(),
                    "meeting": part["meeting_record"].str.strip().to_numpy(),
                    "agenda": part["agenda_item"].str.strip().to_numpy(),
                    "n_vetoes": counts[column][hit].clip(lower=1).to_numpy(),
                    "line": np.flatnonzero(hit.to_numpy()) + 2,
                }
            )
        )
    vetoes = pd.concat(rows, ignore_index=True).sort_values(["line", "iso3"], kind="stable")
    vetoes["year"] = pd.to_datetime(vetoes["date"]).dt.year.astype("Int64")
    vetoes["source_id"] = "unsc_vetoes"
    vetoes["source_ref"] = fpath.name + " line " + vetoes["line"].astype(str)
    return vetoes[VETO_COLUMNS].reset_index(drop=True)


# --------------------------------------------------------------------------- store


def _table_columns(store: Any, table: str) -> list[str]:
    rows = store.con.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position",
        [table],
    ).fetchall()
    return [str(r[0]) for r in rows]


def _write(store: Any, source_id: str, tables: Mapping[str, pd.DataFrame], label: str) -> dict[str, int]:
    """Replace ``source_id``'s rows of each table in one transaction; report row counts."""
    counts: dict[str, int] = {}
    with store.transaction():
        if "roll_calls" in tables:
            rcids = tables["roll_calls"][["rcid"]]
            store.con.register("_comity_new_rcids", rcids)
            try:
                clash = store.con.execute(
                    "SELECT r.rcid, r.source_id FROM roll_calls r JOIN _comity_new_rcids n USING (rcid) "
                    "WHERE r.source_id <> ? LIMIT 5",
                    [source_id],
                ).fetchall()
            finally:
                store.con.unregister("_comity_new_rcids")
            if clash:
                raise LoadError(
                    "roll call id(s) already stored from another source: "
                    + ", ".join(f"{r} ({s})" for r, s in clash),
                    path=label,
                    hint="Load the file under another source id (source_id=...).",
                )
        for table, frame in tables.items():
            columns = _table_columns(store, table)
            store.replace_source(source_id, table, frame[[c for c in columns if c in frame.columns]])
            counts[table] = len(frame)
    return counts


def load_unvotes(store: Any, path: str | Path | None = None) -> dict[str, int]:
    """Load Voeten's GA roll calls 1946-2019 (source ``unvotes``) into ``store``."""
    tables = read_unvotes(path)
    return _write(
        store, "unvotes", {"roll_calls": tables.roll_calls, "votes": tables.votes}, str(path or "unvotes")
    )


def load_unvotes_2020(store: Any, path: str | Path | None = None) -> dict[str, int]:
    """Load Voeten's GA roll calls 2020-2024 (source ``unvotes2020``) into ``store``."""
    tables = read_unvotes_2020(path)
    return _write(
        store,
        "unvotes2020",
        {"roll_calls": tables.roll_calls, "votes": tables.votes},
        str(path or "unvotes2020"),
    )


def load_undl_resolutions(store: Any, path: str | Path | None = None) -> dict[str, int]:
    """Load the UN Digital Library scrape of GA and SC resolutions 1946-2021 (source ``undl``)."""
    tables = read_undl_resolutions(path)
    return _write(
        store, "undl", {"roll_calls": tables.roll_calls, "votes": tables.votes}, str(path or "undl")
    )


def load_undl_csv(store: Any, path: str | Path, source_id: str = "undl_csv") -> dict[str, int]:
    """Load a UN Digital Library bulk voting CSV (source ``undl_csv`` unless told otherwise).

    Loading a newer download replaces the rows of the earlier one of the same ``source_id``.
    """
    tables = read_undl_csv(path, source_id=source_id)
    return _write(store, source_id, {"roll_calls": tables.roll_calls, "votes": tables.votes}, str(path))


def load_vetoes(store: Any, path: str | Path | None = None) -> dict[str, int]:
    """Load the Security Council veto list (source ``unsc_vetoes``) into ``store``."""
    return _write(store, "unsc_vetoes", {"vetoes": read_vetoes(path)}, str(path or "unsc_vetoes"))


def _count_rows(store: Any, table: str, source_id: str) -> int:
    row = store.con.execute(f"SELECT count(*) FROM {table} WHERE source_id = ?", [source_id]).fetchone()
    return int(row[0]) if row else 0


#: The upstream files (keys of comity.data's manifest) behind each source that ``load_all`` loads.
VOTE_UPSTREAM: dict[str, tuple[str, ...]] = {
    "unvotes": ("unvotes_votes", "unvotes_roll_calls", "unvotes_roll_call_issues"),
    "unvotes2020": ("unga_wide_1946_2024",),
    "undl": ("undl_scrape_zip",),
    "unsc_vetoes": ("sc_vetoes",),
}


def load_all(
    store: Any, *, force: bool = False, sources: Sequence[str] | None = None
) -> dict[str, dict[str, int]]:
    """Load the vote datasets comity knows (default: all of :data:`VOTE_UPSTREAM`); returns rows
    stored per source and table.

    The files come through :func:`comity.data.fetch` (a mirror, the cache or a download); one
    that cannot be had raises :class:`~comity.errors.DataError`. A source whose files (and this
    version of the loaders) are already in the store, as recorded in its ``loads`` table, is
    skipped unless ``force``; skipped sources report the rows the store holds.
    """
    from comity.data._manifest import entry
    from comity.store import sha256_of

    loaders = {
        "unvotes": load_unvotes,
        "unvotes2020": load_unvotes_2020,
        "undl": load_undl_resolutions,
        "unsc_vetoes": load_vetoes,
    }
    report: dict[str, dict[str, int]] = {}
    for source in sources if sources is not None else list(loaders):
        loader = loaders[source]
        # fetch checks each file against its pinned sha256, so the manifest's hashes identify the bytes.
        for key in VOTE_UPSTREAM[source]:
            fetch(key, progress=False)
        fingerprint = sha256_of(_LOADER_VERSION, *(f"{k}:{entry(k).sha256}" for k in VOTE_UPSTREAM[source]))
        name = f"votes:{source}"
        if not force and store.loaded_sha256(name) == fingerprint:
            tables = ("vetoes",) if source == "unsc_vetoes" else ("roll_calls", "votes")
            report[source] = {table: _count_rows(store, table, source) for table in tables}
            continue
        with store.transaction():
            report[source] = loader(store)
            store.record_load(name, fingerprint, sum(report[source].values()))
    return report


# --------------------------------------------------------------------------- bridges between years


def read_repeated_roll_calls(found: bool = True, path: str | Path | None = None) -> pd.DataFrame:
    """Pairs of unvotes roll calls that are one resolution voted again (``rcid1``, ``rcid2``, ``source``).

    The 955 pairs Bailey, Strezhnev and Voeten matched by hand (``source`` ``bsv``), plus, with
    ``found``, the pairs :func:`comity.votes.find_repeated_resolutions` finds in the roll-call
    descriptions (``source`` ``found``; pairs already matched by hand are not repeated).
    rcids are those of :func:`read_unvotes` (``unvotes:<rcid>``).
    """
    fpath = fetch("bsv_matches") if path is None else Path(path)
    if not fpath.exists():
        raise LoadError("file not found", path=str(fpath))
    frame = _read_csv_bytes(fpath.read_bytes(), str(fpath))
    _require_columns(frame, ["rcid1", "rcid2"], fpath)
    for column in ("rcid1", "rcid2"):
        bad = ~frame[column].str.strip().str.fullmatch(r"\d+")
        if bool(bad.any()):
            raise LoadError(f"{column} is not a roll-call number", path=str(fpath), line=_first_bad(bad, 2))
    pairs = pd.DataFrame(
        {
            "rcid1": "unvotes:" + frame["rcid1"].str.strip(),
            "rcid2": "unvotes:" + frame["rcid2"].str.strip(),
            "source": "bsv",
        }
    )
    if found:
        from comity.votes._repeats import find_repeated_resolutions

        calls = unvotes_roll_calls()
        auto = find_repeated_resolutions(calls)
        auto = pd.DataFrame(
            {
                "rcid1": "unvotes:" + auto["rcid1"].astype(str),
                "rcid2": "unvotes:" + auto["rcid2"].astype(str),
                "source": "found",
            }
        )
        known = set(zip(pairs["rcid1"], pairs["rcid2"], strict=True))
        fresh = [pair not in known for pair in zip(auto["rcid1"], auto["rcid2"], strict=True)]
        pairs = pd.concat([pairs, auto[fresh]], ignore_index=True)
    return pairs


# --------------------------------------------------------------------------- analysis frames

_READERS = {
    "unvotes": read_unvotes,
    "unvotes2020": read_unvotes_2020,
    "undl": read_undl_resolutions,
}
ANALYSIS_COLUMNS = ["rcid", "iso3", "vote", "year", "date", "issues", "body", "source_id"]


def _join(tables: VoteTables) -> pd.DataFrame:
    calls = tables.roll_calls[["rcid", "year", "date", "issues", "body"]]
    joined = tables.votes[["rcid", "iso3", "vote", "source_id"]].merge(calls, on="rcid", how="left")
    return joined[ANALYSIS_COLUMNS]


@lru_cache(maxsize=4)
def _shipped_votes(sources: tuple[str, ...]) -> pd.DataFrame:
    frames = [_join(_READERS[source]()) for source in sources]
    votes = pd.concat(frames, ignore_index=True)
    votes["year"] = votes["year"].astype("int64")
    return votes


#: ``body`` value of :func:`read_votes` that keeps both organs.
BOTH_BODIES = "all"


def read_votes(
    store: Any | None = None,
    sources: Sequence[str] = DEFAULT_GA_SOURCES,
    *,
    body: str | None = "GA",
    successors: bool = False,
    start: int | None = None,
    end: int | None = None,
    states: Sequence[str] | None = None,
    issue: str | None = None,
) -> pd.DataFrame:
    """One tidy votes frame for analysis: rcid, iso3, vote, year, date, issues, body, source_id.

    Reads ``store`` when given and it holds votes of ``sources``; otherwise parses the upstream
    files (:func:`comity.data.fetch`; once per process).

    Parameters
    ----------
    sources:
        Source ids; default Voeten's General Assembly roll calls 1946-2024. The shipped ones are
        ``unvotes``, ``unvotes2020`` and ``undl`` (GA and SC resolutions, 1946-2021).
    body:
        ``GA`` (the default) or ``SC`` keeps one organ; ``"all"`` (or ``None``) keeps both. The
        default matters for ``undl``, which mixes Security Council and General Assembly votes:
        agreement over both is not comparable with agreement in the Assembly.
    successors:
        ``False`` (default): each vote is the state's that cast it (SUN until 1991, YUG, SCG,
        DDR, YAR...). ``True``: states that no longer exist count as the state that continues
        them (SUN and RUS one series, YUG and SCG in SRB), as Bailey, Strezhnev and Voeten do;
        see :func:`comity.votes.successor_map`.
    start, end:
        First and last year to read (``None``: no bound); a store reads only those years.
    states:
        Only the votes of these ISO3 codes (``None``: every state); a store reads only theirs. What
        :func:`comity.votes.alignment` computes for a pair depends on the pair's votes only, so the
        alignment of a few states needs only their rows. With ``successors``, the codes are those
        after the mapping (RUS takes in SUN's votes).
    issue:
        Only roll calls of one of Voeten's issue codes (me, nu, di, hr, co, ec).
    """
    chosen = tuple(sources)
    if not chosen:
        raise BadInput("no vote source chosen", hint=f"Use some of {', '.join(_READERS)}.")
    organ = None if body is None or body.lower() == BOTH_BODIES else body.upper()
    if organ is not None and organ not in ("GA", "SC"):
        raise BadInput(
            f"unknown body {body!r}",
            hint="Use GA (General Assembly), SC (Security Council) or all (both organs).",
        )
    if issue is not None and issue not in ISSUE_CODES:
        raise BadInput(
            f"unknown issue code {issue!r}", hint=f"Voeten's issue codes: {', '.join(ISSUE_CODES)}."
        )
    # Successors are mapped after reading: SUN's rows must be read for RUS.
    wanted = None if states is None or successors else tuple(states)
    stored = (
        votes_in_store(store, chosen, start=start, end=end, states=wanted, issue=issue)
        if store is not None
        else None
    )
    present = _sources_in_store(store, chosen) if store is not None else set()
    missing = tuple(s for s in chosen if s not in present)
    unknown = [s for s in missing if s not in _READERS]
    if unknown:
        raise BadInput(
            f"unknown vote source(s) {', '.join(unknown)} (not in the store, not shipped)",
            hint=f"Shipped sources: {', '.join(_READERS)}; load others with `comity votes load`.",
        )
    # A source the store lacks comes from the shipped data, so that no asked-for year goes missing.
    # Shallow copy: the cached columns are shared; adding or replacing columns does not touch the cache.
    shipped = _shipped_votes(missing).copy(deep=False) if missing else None
    parts = [p for p in (stored, shipped) if p is not None and not p.empty]
    votes = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0] if parts else shipped
    if votes is None:  # pragma: no cover - every source is either stored or shipped
        raise BadInput("no votes found for the chosen sources")
    if shipped is not None and (start is not None or end is not None):
        years = votes["year"]
        keep = (years >= (start if start is not None else years.min())) & (
            years <= (end if end is not None else years.max())
        )
        votes = votes[keep]
    if shipped is not None and wanted is not None:
        votes = votes[votes["iso3"].isin(wanted)]
    if shipped is not None and issue is not None:
        votes = votes[votes["issues"].fillna("").astype(str).str.split(",").map(lambda codes: issue in codes)]
    if organ is not None:
        votes = votes[votes["body"] == organ]
    votes = votes.reset_index(drop=True)
    if successors:
        from comity.votes._identity import follow_successors

        votes = follow_successors(votes)
        if states is not None:
            votes = votes[votes["iso3"].isin(tuple(states))].reset_index(drop=True)
    return votes


def _sources_in_store(store: Any, sources: Sequence[str]) -> set[str]:
    """Which of ``sources`` the store holds votes of (in any year)."""
    placeholders = ", ".join("?" for _ in sources)
    rows = store.con.execute(
        f"SELECT DISTINCT source_id FROM votes WHERE source_id IN ({placeholders})", list(sources)
    ).fetchall()
    return {str(r[0]) for r in rows}


def votes_in_store(
    store: Any,
    sources: Sequence[str] = DEFAULT_GA_SOURCES,
    *,
    start: int | None = None,
    end: int | None = None,
    states: Sequence[str] | None = None,
    issue: str | None = None,
) -> pd.DataFrame:
    """The tidy analysis frame of ``sources`` from the store (empty if it holds none), of the years
    ``start`` to ``end`` (default all), of ``states`` (default all) and roll calls of ``issue``
    (default all): only those rows are read."""
    placeholders = ", ".join("?" for _ in sources)
    where = [f"v.source_id IN ({placeholders})", "r.year IS NOT NULL", "r.year >= ?", "r.year <= ?"]
    params: list[Any] = [*sources, start if start is not None else -1, end if end is not None else 10_000]
    if states is not None:
        where.append("v.iso3 IN (SELECT unnest(?::VARCHAR[]))")
        params.append(list(states))
    if issue is not None:
        # Issue codes are comma-separated, as the library's issue filter reads them.
        where.append("list_contains(string_split(coalesce(r.issues, ''), ','), ?)")
        params.append(issue)
    frame = store.con.execute(
        f"""SELECT v.rcid, v.iso3, v.vote, r.year, r.date, r.issues, r.body, v.source_id
            FROM votes v JOIN roll_calls r USING (rcid) WHERE {" AND ".join(where)}""",
        params,
    ).df()
    frame["year"] = frame["year"].astype("int64")
    result: pd.DataFrame = frame[ANALYSIS_COLUMNS]
    return result
