"""Build the registry tables from comity's own files and the upstream datasets.

comity's own hand-compiled files ship in the package and are described in
``registry/data/README.md``; the third-party ones (Correlates of War IGO data, the UN DPPA
Security Council tables, the Paris Agreement and UNFCCC parties, the UN regional groups) come
through :mod:`comity.data` (a mirror folder, the cache, or a download). The build reads them all,
checks them (a bad row rejects the build with its file and line), turns the Correlates of War
year rows and the Security Council year rows into membership spells, derives the coverage of
each body (from when to when its membership is known), and writes every registry table in one
transaction: a build either lands whole or leaves the store as it was. An upstream file that
cannot be had (no network, no mirror) leaves its part out; the build reports it in
``BuildReport.missing``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from comity._dates import PartialDate, parse_partial_date
from comity.data import fetch, locate
from comity.data._convert import cow_memberships, cow_organizations
from comity.data._manifest import entry
from comity.errors import BadDate, DataError, HashMismatch, LoadError
from comity.registry._names import normalise_name
from comity.registry._upstream import (
    COVERAGE_COLUMNS,
    SPELL_COLUMNS,
    coverage_row,
    dppa_unsc_spells,
    name_resolver,
    paris_spells,
    regional_group_spells,
    unfccc_spells,
)
from comity.store import Store, sha256_of
from comity.store._schema import REGISTRY_TABLES

__all__ = [
    "REGISTRY_UPSTREAM",
    "SOURCE_FILES",
    "BuildReport",
    "RegistryFreshness",
    "build_registry",
    "data_dir",
    "registry_frames",
    "registry_freshness",
    "upstream_files",
]

#: The upstream files of the registry (keys of comity.data's manifest), by the part they make.
REGISTRY_UPSTREAM: dict[str, tuple[str, ...]] = {
    "registry:cow": ("igo_year_format3", "igo_state_year_format3"),
    "registry:unsc": ("dppa_sc_membership_2023", "dppa_sc_membership_2025_2027"),
    "registry:paris": ("paris_entry_into_force",),
    "registry:unfccc": ("unfccc_parties",),
    "registry:groups": ("un_regional_groups",),
}
#: The data files (keys of comity.data's manifest) that each source of registry rows
#: (``sources.source_id``) is read from, to cite them: the upstream files of
#: :data:`REGISTRY_UPSTREAM` under the source id their rows carry (the file's own key, but for the
#: Correlates of War), and the files that rows of the hand data were compiled from.
SOURCE_FILES: dict[str, tuple[str, ...]] = {
    "cow_igo": (*REGISTRY_UPSTREAM["registry:cow"], "igo_states2016"),
    **{
        key: (key,)
        for part in ("registry:unsc", "registry:paris", "registry:unfccc", "registry:groups")
        for key in REGISTRY_UPSTREAM[part]
    },
    "unsc_elected": ("sc_elected_members_csv",),
    "ngec_demonyms": ("ngec_countries",),
    "unvotes": ("unvotes_votes",),
    "undl": ("undl_scrape_zip",),
    "bsv_idealpoints": ("bsv_idealpoints_jul2025",),
}

MEMBERSHIP_KINDS = frozenset(
    {
        "member",
        "observer",
        "party",
        "signatory",
        "permanent_seat",
        "elected_seat",
        "associate",
        "partner",
        "suspended",
    }
)
#: The columns of ``states.csv``, in order (``scripts/make_states.py`` writes them).
STATE_COLUMNS = (
    "iso3",
    "iso2",
    "m49",
    "cow_code",
    "cow_abbr",
    "name_short",
    "name_official",
    "capital",
    "un_status",
    "un_admission",
    "un_end",
    "exists_from",
    "exists_to",
    "historical",
    "continued_by",
    "source_id",
    "source_ref",
)
#: Kinds that make a full member (shown by default) and the others (asked for by name).
FULL_KINDS = ("member", "party", "permanent_seat", "elected_seat")
OTHER_KINDS = ("observer", "partner", "signatory", "associate")
#: A notice (``notify_withdrawal``, deposited, not yet in effect) or an announcement ends nothing;
#: ``withdraw`` is the day the withdrawal takes effect; ``rescind_withdrawal`` retracts a notice.
EVENT_ACTIONS = frozenset(
    {
        "join",
        "rejoin",
        "notify_withdrawal",
        "announce_withdrawal",
        "rescind_withdrawal",
        "withdraw",
        "suspend",
        "reinstate",
        "expel",
    }
)
COVERAGE_STATUSES = frozenset({"complete", "partial", "unknown"})
_COW_STATUS = {"full": "member", "associate": "associate", "observer": "observer"}
_COW_LAST_YEAR = 2014
_NONE: Any = None
# numpy's stubs refuse None as a choice, and None (SQL NULL) is what these columns need.
_where: Any = np.where


def data_dir() -> Path:
    """The folder of the registry data shipped in the package."""
    return Path(str(resources.files("comity.registry") / "data"))


@dataclass(frozen=True)
class BuildReport:
    """What a build did: ``skipped`` when the store already held the same data; ``sha256`` the hash
    of the registry's rows (its ``loads`` fingerprint); ``missing`` the parts left out because
    their upstream files could not be had (``registry:cow``, ...)."""

    skipped: bool
    counts: dict[str, int]
    sha256: str
    missing: tuple[str, ...] = ()


def upstream_files(*, mirror: Path | None = None) -> dict[str, Path | None]:
    """The local copy of each upstream file of the registry (checked against its sha256), or None
    where it cannot be had. A copy whose hash is wrong is an error, never left out silently."""
    found: dict[str, Path | None] = {}
    for keys in REGISTRY_UPSTREAM.values():
        for key in keys:
            try:
                found[key] = fetch(key, data_dir=mirror, progress=False)
            except HashMismatch:
                raise
            except DataError:
                found[key] = None
    return found


def _missing_parts(files: dict[str, Path | None]) -> tuple[str, ...]:
    return tuple(part for part, keys in REGISTRY_UPSTREAM.items() if any(files.get(k) is None for k in keys))


def _read_csv(path: Path, required: list[str]) -> pd.DataFrame:
    if not path.exists():
        raise LoadError("file is missing from the package data.", path=str(path), hint="Reinstall comity.")
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""], encoding="utf-8")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise LoadError(f"missing column(s) {', '.join(missing)}.", path=str(path), line=1)
    for column in ("source_id", "source_ref"):
        if column in required:
            empty = frame[column].isna()
            if empty.any():
                line = int(np.flatnonzero(empty.to_numpy())[0]) + 2
                raise LoadError(
                    f"row has no {column}: every fact needs its source.", path=str(path), line=line
                )
    return frame


def _partial(value: Any, path: Path, line: int, what: str) -> PartialDate | None:
    if value is None or (isinstance(value, float) and np.isnan(value)) or value == "":
        return None
    try:
        return parse_partial_date(str(value), what=what)
    except BadDate as exc:
        raise LoadError(exc.message, path=str(path), line=line) from exc


def _date_columns(frame: pd.DataFrame, column: str, path: Path, *, end: bool, prefix: str) -> None:
    """Replace a column of partial date strings by ``<prefix>_date`` and ``<prefix>_precision``."""
    dates: list[Any] = []
    precisions: list[Any] = []
    for i, value in enumerate(frame[column].tolist()):
        partial = _partial(value, path, i + 2, column)
        if partial is None:
            dates.append(None)
            precisions.append(None)
        else:
            dates.append(partial.last if end else partial.first)
            precisions.append(partial.precision)
    frame[f"{prefix}_date"] = pd.Series(dates, index=frame.index, dtype="object")
    frame[f"{prefix}_precision"] = pd.Series(precisions, index=frame.index, dtype="object")


def _check_values(frame: pd.DataFrame, column: str, allowed: frozenset[str], path: Path) -> None:
    bad = ~frame[column].isin(allowed)
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise LoadError(
            f"{column} {frame[column].iloc[i]!r} is not one of {', '.join(sorted(allowed))}.",
            path=str(path),
            line=i + 2,
        )


def _alias_rows(
    entity_ids: pd.Series,
    entity_type: str,
    aliases: pd.Series,
    kind: str | pd.Series,
    source_id: pd.Series | str,
    source_ref: pd.Series | str,
) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "entity_id": entity_ids.to_numpy(),
            "entity_type": entity_type,
            "alias": aliases.to_numpy(),
            "kind": kind if isinstance(kind, str) else kind.to_numpy(),
            "source_id": source_id if isinstance(source_id, str) else source_id.to_numpy(),
            "source_ref": source_ref if isinstance(source_ref, str) else source_ref.to_numpy(),
        }
    )
    frame = frame[frame["alias"].notna() & (frame["alias"].astype(str).str.strip() != "")]
    frame["alias"] = frame["alias"].astype(str).str.strip()
    return frame


def _states(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = folder / "states.csv"
    states = _read_csv(path, list(STATE_COLUMNS))
    dup = states["iso3"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise LoadError(f"iso3 {states['iso3'].iloc[i]!r} appears twice.", path=str(path), line=i + 2)
    for column in ("un_admission", "un_end"):
        for i, value in enumerate(states[column].tolist()):
            _partial(value, path, i + 2, column)
    out = states.copy()
    out["m49"] = pd.to_numeric(out["m49"], errors="coerce").astype("Int64")
    out["cow_code"] = pd.to_numeric(out["cow_code"], errors="coerce").astype("Int64")
    out["historical"] = out["historical"].fillna("0").isin(["1", "true", "True"])
    out["un_admission"] = pd.to_datetime(out["un_admission"], errors="coerce").dt.date
    out["un_end"] = pd.to_datetime(out["un_end"], errors="coerce").dt.date

    alias_path = folder / "state_aliases.csv"
    aliases = _read_csv(alias_path, ["iso3", "alias", "kind", "source_id", "source_ref"])
    unknown = ~aliases["iso3"].isin(set(states["iso3"]))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise LoadError(
            f"alias for unknown state {aliases['iso3'].iloc[i]!r}.", path=str(alias_path), line=i + 2
        )
    ref = "states.csv iso3=" + states["iso3"]
    own = pd.concat(
        [
            _alias_rows(states["iso3"], "state", states["iso3"], "code", states["source_id"], ref),
            _alias_rows(states["iso3"], "state", states["name_short"], "name", states["source_id"], ref),
            _alias_rows(states["iso3"], "state", states["name_official"], "name", states["source_id"], ref),
            _alias_rows(states["iso3"], "state", states["capital"], "capital", states["source_id"], ref),
        ]
    )
    listed = _alias_rows(
        aliases["iso3"],
        "state",
        aliases["alias"],
        aliases["kind"],
        aliases["source_id"],
        aliases["source_ref"],
    )
    return out, pd.concat([own, listed], ignore_index=True)


def _organisations(
    folder: Path, cow_orgs: pd.DataFrame, state_codes: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    path = folder / "organisations.csv"
    orgs = _read_csv(
        path,
        [
            "org_id",
            "name",
            "acronym",
            "kind",
            "founded",
            "dissolved",
            "parent_id",
            "cow_ioname",
            "source_id",
            "source_ref",
        ],
    )
    dup = orgs["org_id"].duplicated()
    if dup.any():
        i = int(np.flatnonzero(dup.to_numpy())[0])
        raise LoadError(f"org_id {orgs['org_id'].iloc[i]!r} appears twice.", path=str(path), line=i + 2)
    for column in ("founded", "dissolved"):
        for i, value in enumerate(orgs[column].tolist()):
            _partial(value, path, i + 2, column)

    # The 534 COW IGOs: linked to a curated organisation by cow_ioname, else added under their
    # own id (the COW short name in upper case, prefixed where it would clash with a curated id).
    ioname_to_id: dict[str, str] = {
        str(io): str(org)
        for io, org in zip(orgs["cow_ioname"], orgs["org_id"], strict=True)
        if isinstance(io, str)
    }
    # A COW id that would read as a state's ISO3 code (GEO, Group on Earth Observations) is prefixed.
    taken = set(orgs["org_id"]) | state_codes
    extra = []
    for row in cow_orgs.itertuples(index=False):
        ioname = str(row.ioname)
        if ioname in ioname_to_id:
            continue
        candidate = normalise_name(ioname).upper().replace(" ", "_") or f"COW_{row.ionum}"
        org_id = candidate if candidate not in taken else f"COW_{candidate}"
        taken.add(org_id)
        ioname_to_id[ioname] = org_id
        extra.append(
            {
                "org_id": org_id,
                "name": str(row.longorgname or row.orgname),
                "acronym": ioname,
                "kind": "igo",
                "founded": None if pd.isna(row.sdate) else str(int(float(str(row.sdate)))),
                "dissolved": None if pd.isna(row.deaddate) else str(int(float(str(row.deaddate)))),
                "parent_id": None,
                "cow_ioname": ioname,
                "source_id": "cow_igo",
                "source_ref": f"igo_year_format3.rda ioname={ioname}",
            }
        )
    all_orgs = pd.concat([orgs, pd.DataFrame(extra, columns=orgs.columns)], ignore_index=True)

    alias_path = folder / "org_aliases.csv"
    aliases = _read_csv(alias_path, ["org_id", "alias", "kind", "source_id", "source_ref"])
    unknown = ~aliases["org_id"].isin(set(all_orgs["org_id"]))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise LoadError(
            f"alias for unknown organisation {aliases['org_id'].iloc[i]!r}.", path=str(alias_path), line=i + 2
        )
    ref = "organisations.csv org_id=" + all_orgs["org_id"]
    cow = cow_orgs.assign(org_id=cow_orgs["ioname"].map(ioname_to_id))
    cow_ref = "igo_year_format3.rda ioname=" + cow["ioname"].astype(str)
    alias_frame = pd.concat(
        [
            _alias_rows(
                all_orgs["org_id"], "organisation", all_orgs["org_id"], "code", all_orgs["source_id"], ref
            ),
            _alias_rows(
                all_orgs["org_id"], "organisation", all_orgs["name"], "name", all_orgs["source_id"], ref
            ),
            _alias_rows(
                all_orgs["org_id"], "organisation", all_orgs["acronym"], "acronym", all_orgs["source_id"], ref
            ),
            _alias_rows(cow["org_id"], "organisation", cow["orgname"], "name", "cow_igo", cow_ref),
            _alias_rows(cow["org_id"], "organisation", cow["longorgname"], "name", "cow_igo", cow_ref),
            _alias_rows(
                aliases["org_id"],
                "organisation",
                aliases["alias"],
                aliases["kind"],
                aliases["source_id"],
                aliases["source_ref"],
            ),
        ],
        ignore_index=True,
    )
    return all_orgs, alias_frame, ioname_to_id


def _people(folder: Path, states: set[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    path = folder / "people.csv"
    people = _read_csv(path, ["person_id", "name", "aliases", "source_id", "source_ref"])
    roles_path = folder / "roles.csv"
    roles = _read_csv(
        roles_path, ["person_id", "role", "state", "org_id", "start", "end", "source_id", "source_ref"]
    )
    unknown = ~roles["person_id"].isin(set(people["person_id"]))
    if unknown.any():
        i = int(np.flatnonzero(unknown.to_numpy())[0])
        raise LoadError(
            f"role of unknown person {roles['person_id'].iloc[i]!r}.", path=str(roles_path), line=i + 2
        )
    _date_columns(roles, "start", roles_path, end=False, prefix="start")
    _date_columns(roles, "end", roles_path, end=True, prefix="end")
    split = people.assign(alias=people["aliases"].fillna("").str.split(";")).explode("alias")
    split["alias"] = split["alias"].str.strip()
    ref = "people.csv person_id=" + people["person_id"]
    alias_frame = pd.concat(
        [
            _alias_rows(people["person_id"], "person", people["name"], "name", people["source_id"], ref),
            _alias_rows(
                split["person_id"],
                "person",
                split["alias"],
                "alias",
                split["source_id"],
                "people.csv person_id=" + split["person_id"],
            ),
        ],
        ignore_index=True,
    )
    role_cols = [
        "person_id",
        "role",
        "state",
        "org_id",
        "start_date",
        "start_precision",
        "end_date",
        "end_precision",
        "source_id",
        "source_ref",
    ]
    return people[["person_id", "name", "source_id", "source_ref"]], roles[role_cols], alias_frame


def _curated_memberships(folder: Path, known_ids: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    path = folder / "memberships.csv"
    spells = _read_csv(
        path, ["actor_id", "body_id", "kind", "start", "end", "source_id", "source_ref", "note"]
    )
    _check_values(spells, "kind", MEMBERSHIP_KINDS, path)
    for column in ("actor_id", "body_id"):
        _check_values(spells, column, frozenset(known_ids), path)
    _date_columns(spells, "start", path, end=False, prefix="start")
    _date_columns(spells, "end", path, end=True, prefix="end")
    bad = (
        spells["start_date"].notna()
        & spells["end_date"].notna()
        & (spells["start_date"] > spells["end_date"])
    )
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise LoadError("membership ends before it starts.", path=str(path), line=i + 2)
    spells["observed_to"] = None

    events_path = folder / "membership_events.csv"
    events = _read_csv(
        events_path, ["actor_id", "body_id", "action", "date", "source_id", "source_ref", "note"]
    )
    _check_values(events, "action", EVENT_ACTIONS, events_path)
    for column in ("actor_id", "body_id"):
        _check_values(events, column, frozenset(known_ids), events_path)
    _date_columns(events, "date", events_path, end=False, prefix="date")
    events = events.rename(columns={"date_date": "event_date"})
    events = events[
        ["actor_id", "body_id", "action", "event_date", "date_precision", "source_id", "source_ref", "note"]
    ].rename(columns={"event_date": "date"})
    return spells, events


def _cow_state_table(states: pd.DataFrame, state_aliases: pd.DataFrame) -> pd.DataFrame:
    """COW code -> ISO3 with the years each state held the code (COW 365 is SUN to 1991, RUS after)."""

    def year(values: pd.Series, default: int) -> pd.Series:
        return pd.to_numeric(values.astype(str).str[:4], errors="coerce").fillna(default).astype(int)

    own = states[states["cow_code"].notna()]
    table = pd.DataFrame(
        {
            "ccode": own["cow_code"].astype(int),
            "iso3": own["iso3"],
            "from_year": year(own["exists_from"], -9999),
            "to_year": year(own["exists_to"], 9999),
        }
    )
    codes = state_aliases[(state_aliases["kind"] == "cow_code") & state_aliases["alias"].str.isdigit()]
    extra = pd.DataFrame(
        {"ccode": codes["alias"].astype(int), "iso3": codes["entity_id"], "from_year": -9999, "to_year": 9999}
    )
    return pd.concat([table, extra], ignore_index=True)


def _cow_actor(rows: pd.DataFrame, cow_states: pd.DataFrame) -> pd.Series:
    """The registry state of each COW row: of the states that held its code, the one whose years
    contain the row's year and began latest (the most specific), else the latest to hold it."""
    keyed = rows[["ccode", "year"]].reset_index().merge(cow_states, on="ccode", how="left")
    inside = (keyed["year"] >= keyed["from_year"]) & (keyed["year"] <= keyed["to_year"])
    keyed = keyed.assign(_inside=inside.astype(int)).sort_values(
        ["index", "_inside", "from_year"], ascending=[True, False, False]
    )
    best = keyed.drop_duplicates("index").set_index("index")["iso3"]
    return best.reindex(rows.index)


def _cow_spells(
    memberships: pd.DataFrame, label: str, cow_states: pd.DataFrame, ioname_to_id: dict[str, str]
) -> pd.DataFrame:
    rows = memberships[["ccode", "year", "ioname", "status"]]
    rows = rows[rows["status"].isin(list(_COW_STATUS))]
    rows = rows.assign(actor_id=_cow_actor(rows, cow_states), body_id=rows["ioname"].map(ioname_to_id))
    unmapped = rows["actor_id"].isna()
    if unmapped.any():
        codes = sorted({int(c) for c in rows.loc[unmapped, "ccode"]})
        raise LoadError(
            f"COW state codes without a registry state: {codes[:20]}.",
            path=label,
            hint="Add the state (with its cow_code) to states.csv.",
        )
    rows = rows.sort_values(["actor_id", "ioname", "year"], kind="stable").reset_index(drop=True)
    same_pair = (rows["actor_id"] == rows["actor_id"].shift()) & (rows["ioname"] == rows["ioname"].shift())
    same_status = rows["status"] == rows["status"].shift()
    # COW is five-yearly up to 1965 and yearly after: a gap of one observation is not an exit.
    prev_year = rows["year"].shift()
    allowed_gap = np.where(prev_year < 1965, 5, 1)
    contiguous = (rows["year"] - prev_year) <= allowed_gap
    new_spell = ~(same_pair & same_status & contiguous)
    rows["spell"] = new_spell.cumsum()
    spells = rows.groupby("spell", sort=False).agg(
        ccode=("ccode", "first"),
        ioname=("ioname", "first"),
        actor_id=("actor_id", "first"),
        body_id=("body_id", "first"),
        status=("status", "first"),
        first=("year", "min"),
        last=("year", "max"),
    )
    # COW stops in 2014: a spell still running then ends with COW's last year (``observed_to`` marks
    # it); whether it went on is for a later list to say, never assumed (coverage says 'unknown').
    censored = (spells["last"] >= _COW_LAST_YEAR).to_numpy()
    out = pd.DataFrame(
        {
            "actor_id": spells["actor_id"].to_numpy(),
            "actor_type": "state",
            "body_id": spells["body_id"].to_numpy(),
            "kind": spells["status"].map(_COW_STATUS).to_numpy(),
            "start_date": pd.to_datetime(spells["first"].astype(str) + "-01-01").dt.date.to_numpy(),
            "start_precision": "year",
            "end_date": pd.to_datetime(spells["last"].astype(str) + "-12-31").dt.date.to_numpy(),
            "end_precision": "year",
            "observed_to": _where(censored, pd.Timestamp(f"{_COW_LAST_YEAR}-12-31").date(), None),
            "source_id": "cow_igo",
            "source_ref": (
                "state_year_format3.rda ccode="
                + spells["ccode"].astype(str)
                + " ioname="
                + spells["ioname"].astype(str)
                + " years "
                + spells["first"].astype(str)
                + "-"
                + spells["last"].astype(str)
            ).to_numpy(),
            "note": _where(
                censored,
                f"COW data end in {_COW_LAST_YEAR}: membership after {_COW_LAST_YEAR} is not known from COW",
                None,
            ),
        }
    )
    return out


def _cow_coverage(cow: pd.DataFrame) -> pd.DataFrame:
    """COW is complete for its bodies as far as it goes (to 2014), and says nothing after."""
    rows = []
    firsts = cow.groupby("body_id")["start_date"].min()
    for body, first_day in firsts.items():
        first = first_day.year
        rows.append(
            coverage_row(
                str(body),
                None,
                dt.date(first, 1, 1),
                dt.date(_COW_LAST_YEAR, 12, 31),
                "complete",
                "as coded by COW IGO v3 (every five years to 1965, yearly after)",
                "cow_igo",
                "state_year_format3.rda",
                precision="year",
            )
        )
        rows.append(
            coverage_row(
                str(body),
                None,
                dt.date(_COW_LAST_YEAR + 1, 1, 1),
                None,
                "unknown",
                f"COW data end in {_COW_LAST_YEAR}; no later list unless coverage.csv names one",
                "cow_igo",
                "state_year_format3.rda",
                precision="year",
            )
        )
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _un_spells(states: pd.DataFrame, folder: Path) -> pd.DataFrame:
    # Observer states carry no admission date; their observer spells are dated in memberships.csv.
    rows = states[states["un_admission"].notna()].copy()
    # The UN lists a continuing state (Russia, Yemen, Serbia, China) with its predecessor's
    # admission date; the seat was the predecessor's until the succession, so the spell starts then.
    path = folder / "un_seat_successions.csv"
    successions = _read_csv(path, ["predecessor", "successor", "date", "source_id", "source_ref", "note"])
    rows["source_ref"] = "states.csv iso3=" + rows["iso3"] + " (un_admission, un_end)"
    for i, item in enumerate(successions.itertuples(index=False)):
        when = _partial(item.date, path, i + 2, "date")
        if when is None or item.successor not in set(rows["iso3"]):
            raise LoadError("succession needs a date and a known successor.", path=str(path), line=i + 2)
        chosen = rows["iso3"] == item.successor
        rows.loc[chosen, "un_admission"] = when.first
        rows.loc[chosen, "source_id"] = item.source_id
        rows.loc[chosen, "source_ref"] = f"un_seat_successions.csv line {i + 2}: {item.source_ref}"
    kind = _where(rows["un_status"] == "observer", "observer", "member")
    return pd.DataFrame(
        {
            "actor_id": rows["iso3"].to_numpy(),
            "actor_type": "state",
            "body_id": "UN",
            "kind": kind,
            "start_date": rows["un_admission"].to_numpy(),
            "start_precision": _where(rows["un_admission"].notna().to_numpy(), "day", None),
            "end_date": rows["un_end"].to_numpy(),
            "end_precision": _where(rows["un_end"].notna().to_numpy(), "day", None),
            "observed_to": None,
            "source_id": rows["source_id"].to_numpy(),
            "source_ref": rows["source_ref"].to_numpy(),
            "note": None,
        }
    )


def _fingerprint(folder: Path) -> str:
    parts: list[bytes | str] = []
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix in {".csv", ".parquet"}:
            parts.extend([str(path.relative_to(folder)), path.read_bytes()])
    return sha256_of(*parts)


#: The years each DPPA file answers for (the 2023 version stops in 2024).
_DPPA_YEARS = {
    "dppa_sc_membership_2023": range(1946, 2025),
    "dppa_sc_membership_2025_2027": range(2025, 2028),
}
_PARIS_FILE_DATE = dt.date(2023, 2, 13)  # last data commit of paris-agreement-entry-into-force
_UNFCCC_FILE_DATE = dt.date(2023, 7, 10)  # countrygroups data/unfccc.csv last changed
_REGIONAL_LIST_DATE = dt.date(2019, 4, 10)  # countrygroups data/un-regional-groups.csv last changed
#: The UN regional groups: the file's name of each -> (org id, name, acronym).
REGIONAL_GROUPS = {
    "African Group": ("AFRICAN_GROUP", "Group of African States", "African Group"),
    "Asia-Pacific Group": ("ASIA_PACIFIC_GROUP", "Group of Asia-Pacific States", "Asia-Pacific Group"),
    "Eastern European Group": ("EASTERN_EUROPEAN_GROUP", "Group of Eastern European States", "EEG"),
    "GRULAC": ("GRULAC", "Group of Latin American and Caribbean States", "GRULAC"),
    "WEOG": ("WEOG", "Western European and Others Group", "WEOG"),
}
_COVERAGE_HEADER = [
    "body_id",
    "kind",
    "known_from",
    "known_to",
    "status",
    "how",
    "source_id",
    "source_ref",
    "note",
]


def _regional_group_orgs(taken: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Organisation rows and names for the regional groups that organisations.csv does not hold."""
    rows, names = [], []
    for region, (org_id, name, acronym) in REGIONAL_GROUPS.items():
        if org_id in taken:
            continue
        ref = f"un-regional-groups.csv Region={region}"
        rows.append(
            {
                "org_id": org_id,
                "name": name,
                "acronym": acronym,
                "kind": "group",
                "founded": None,
                "dissolved": None,
                "parent_id": "UNGA",
                "cow_ioname": None,
                "source_id": "un_regional_groups",
                "source_ref": ref,
            }
        )
        for alias, kind in ((name, "name"), (acronym, "acronym"), (region, "name"), (org_id, "code")):
            names.append((org_id, alias, kind, ref))
    orgs = pd.DataFrame(rows)
    aliases = pd.DataFrame(
        {
            "entity_id": [n[0] for n in names],
            "entity_type": "organisation",
            "alias": [n[1] for n in names],
            "kind": [n[2] for n in names],
            "source_id": "un_regional_groups",
            "source_ref": [n[3] for n in names],
        }
    )
    return orgs, aliases


def _coverage_file(folder: Path, known_ids: set[str]) -> pd.DataFrame:
    """``coverage.csv``: from when to when each body's membership is known, and how."""
    path = folder / "coverage.csv"
    if not path.exists():
        return pd.DataFrame(columns=COVERAGE_COLUMNS)
    frame = _read_csv(path, _COVERAGE_HEADER)
    _check_values(frame, "body_id", frozenset(known_ids), path)
    _check_values(frame, "status", COVERAGE_STATUSES, path)
    kinds = frame["kind"].fillna("")
    bad = ~kinds.isin(MEMBERSHIP_KINDS | {""})
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise LoadError(
            f"kind {kinds.iloc[i]!r} is not a membership kind (or empty for all).", path=str(path), line=i + 2
        )
    _date_columns(frame, "known_from", path, end=False, prefix="from")
    _date_columns(frame, "known_to", path, end=True, prefix="to")
    backwards = (
        frame["from_date"].notna() & frame["to_date"].notna() & (frame["from_date"] > frame["to_date"])
    )
    if backwards.any():
        i = int(np.flatnonzero(backwards.to_numpy())[0])
        raise LoadError("coverage ends before it starts.", path=str(path), line=i + 2)
    return pd.DataFrame(
        {
            "body_id": frame["body_id"],
            "kind": frame["kind"].astype(object).where(frame["kind"].notna(), other=_NONE),
            "known_from": frame["from_date"],
            "known_from_precision": frame["from_precision"],
            "known_to": frame["to_date"],
            "known_to_precision": frame["to_precision"],
            "status": frame["status"],
            "how": frame["how"],
            "source_id": frame["source_id"],
            "source_ref": frame["source_ref"],
            "note": frame["note"].astype(object).where(frame["note"].notna(), other=_NONE),
            "derived": False,
        },
        columns=COVERAGE_COLUMNS,
    )


def _successions(folder: Path) -> pd.DataFrame:
    path = folder / "un_seat_successions.csv"
    return _read_csv(path, ["predecessor", "successor", "date", "source_id", "source_ref", "note"])


def _one_holder_per_day(memberships: pd.DataFrame, successions: pd.DataFrame) -> pd.DataFrame:
    """A seat handed over on day D is the successor's from D: where a predecessor's spell in a body
    ends on D and the successor's starts on D, the predecessor's ends on D - 1."""
    out = memberships.copy()
    for item in successions.itertuples(index=False):
        day = parse_partial_date(str(item.date)).first
        taken_over = set(out.loc[(out["actor_id"] == item.successor) & (out["start_date"] == day), "body_id"])
        ends = (
            (out["actor_id"] == item.predecessor) & (out["end_date"] == day) & out["body_id"].isin(taken_over)
        )
        out.loc[ends, "end_date"] = day - dt.timedelta(days=1)
        out.loc[ends, "end_precision"] = "day"
    return out


def registry_frames(
    folder: Path | None = None, upstream: dict[str, Path | None] | None = None
) -> dict[str, pd.DataFrame]:
    """Read and check the registry data; one DataFrame per registry table.

    ``upstream`` maps the keys of :data:`REGISTRY_UPSTREAM` to their local files (default:
    :func:`upstream_files`); a part whose file is None is left out.
    """
    folder = folder or data_dir()
    files = upstream_files() if upstream is None else upstream
    sources = _read_csv(folder / "sources.csv", ["source_id", "title", "url", "licence", "note"])
    states, state_aliases = _states(folder)
    igo_year, igo_state_year = files.get("igo_year_format3"), files.get("igo_state_year_format3")
    has_cow = igo_year is not None and igo_state_year is not None
    cow_orgs = (
        cow_organizations(igo_year)
        if has_cow
        else pd.DataFrame(columns=["ioname", "orgname", "longorgname", "sdate", "deaddate", "ionum"])
    )
    orgs, org_aliases, ioname_to_id = _organisations(folder, cow_orgs, set(states["iso3"]))
    groups_file = files.get("un_regional_groups")
    group_orgs, group_aliases = (
        _regional_group_orgs(set(orgs["org_id"]) | set(states["iso3"]))
        if groups_file is not None
        else (pd.DataFrame(columns=orgs.columns), pd.DataFrame(columns=org_aliases.columns))
    )
    orgs = pd.concat([orgs, group_orgs], ignore_index=True)
    people, roles, person_aliases = _people(folder, set(states["iso3"]))
    known_ids = set(states["iso3"]) | set(orgs["org_id"])
    spells, events = _curated_memberships(folder, known_ids)

    aliases = pd.concat([state_aliases, org_aliases, group_aliases, person_aliases], ignore_index=True)
    aliases["alias_norm"] = aliases["alias"].map(normalise_name)
    aliases = aliases[aliases["alias_norm"] != ""].drop_duplicates(
        ["entity_id", "entity_type", "alias", "kind"]
    )

    cow_states = _cow_state_table(states, state_aliases)

    spells = spells.assign(
        actor_type=np.where(spells["actor_id"].isin(set(states["iso3"])), "state", "organisation")
    )
    state_ids = set(states["iso3"])
    hand_pairs = set(zip(spells["actor_id"], spells["body_id"], strict=True))
    successions = _successions(folder)
    parts: list[tuple[pd.DataFrame, pd.DataFrame]] = []
    dppa = [(key, files.get(key), years) for key, years in _DPPA_YEARS.items()]
    if all(path is not None for _, path, _ in dppa):
        blanks = _read_csv(
            folder / "hand" / "unsc_dppa_blanks.csv", ["source_id", "year", "name", "source_ref"]
        )
        blanks["year"] = blanks["year"].astype(int)
        parts.append(
            dppa_unsc_spells(
                [(key, Path(str(path)), years) for key, path, years in dppa],
                blanks,
                name_resolver(aliases),
                successions,
            )
        )
    paris_file = files.get("paris_entry_into_force")
    if paris_file is not None:
        parts.append(
            paris_spells(paris_file, "paris_entry_into_force", state_ids, hand_pairs, _PARIS_FILE_DATE)
        )
    unfccc_file = files.get("unfccc_parties")
    if unfccc_file is not None:
        parts.append(unfccc_spells(unfccc_file, "unfccc_parties", state_ids, hand_pairs, _UNFCCC_FILE_DATE))
    if groups_file is not None:
        parts.append(
            regional_group_spells(
                groups_file,
                "un_regional_groups",
                state_ids,
                {region: ids[0] for region, ids in REGIONAL_GROUPS.items()},
                _REGIONAL_LIST_DATE,
            )
        )
    if has_cow:
        cow = _cow_spells(
            cow_memberships(igo_state_year, cow_orgs), str(igo_state_year), cow_states, ioname_to_id
        )
    else:
        cow = pd.DataFrame(columns=SPELL_COLUMNS)
    columns = list(SPELL_COLUMNS)
    memberships = pd.concat(
        [
            spells[columns],
            _un_spells(states, folder)[columns],
            *(spells_part[columns] for spells_part, _ in parts),
            cow[columns],
        ],
        ignore_index=True,
    )
    memberships = _one_holder_per_day(memberships, successions)
    un_cover = pd.DataFrame(
        [
            coverage_row(
                "UN",
                None,
                dt.date(1945, 10, 24),
                None,
                "complete",
                "UN member-states page (admission dates of all members, past and present); "
                "observer states by hand",
                "hand",
                "states.csv un_admission, un_end; memberships.csv",
            )
        ],
        columns=COVERAGE_COLUMNS,
    )
    coverage = pd.concat(
        [
            frame
            for frame in (
                _coverage_file(folder, set(orgs["org_id"])),
                un_cover,
                *(cover for _, cover in parts),
                _cow_coverage(cow) if not cow.empty else pd.DataFrame(columns=COVERAGE_COLUMNS),
            )
            if not frame.empty
        ],
        ignore_index=True,
    )
    for frame, name in (
        (memberships, "memberships"),
        (events, "membership_events"),
        (roles, "roles"),
        (coverage, "coverage"),
    ):
        unknown = set(frame["source_id"]) - set(sources["source_id"])
        if unknown:
            raise LoadError(
                f"{name} cite sources missing from sources.csv: {sorted(unknown)}.",
                path=str(folder / "sources.csv"),
            )
    return {
        "sources": sources,
        "states": states,
        "organisations": orgs.drop(columns=[c for c in orgs.columns if c.endswith("_date")], errors="ignore"),
        "aliases": aliases[
            ["entity_id", "entity_type", "alias", "alias_norm", "kind", "source_id", "source_ref"]
        ],
        "people": people,
        "roles": roles,
        "memberships": memberships,
        "membership_events": events,
        "coverage": coverage,
    }


def build_registry(
    store: Store, *, folder: Path | None = None, force: bool = False, mirror: Path | None = None
) -> BuildReport:
    """Load the registry into ``store`` in one transaction.

    Skips the work (and changes nothing) when the store's registry was built from the same data,
    upstream files and building code (the ``registry_inputs`` meta), unless ``force``. The load is
    recorded under a hash of the rows it wrote (:meth:`Store.content_sha256`): results computed
    from the registry are of its rows, whatever code built them.

    The upstream files come from ``mirror`` (a mirror folder), else as :func:`comity.data.fetch`
    finds them; parts whose files cannot be had are left out and named in the report's ``missing``.
    """
    folder = folder or data_dir()
    files = upstream_files(mirror=mirror)
    missing = _missing_parts(files)
    inputs = _registry_inputs(folder, {key: path is not None for key, path in files.items()})
    loaded = store.loaded_sha256("registry")
    if not force and loaded is not None and _built_from(store) == inputs:
        counts = {table: store.count(table) for table in REGISTRY_TABLES}
        return BuildReport(True, counts, loaded, missing)
    frames = registry_frames(folder, files)
    with store.transaction():
        for table in REGISTRY_TABLES:
            store.con.execute(f'DELETE FROM "{table}"')
            store.insert_frame(table, frames[table])
        # The load is named by the rows, not by what made them: results computed from the registry
        # (profiles, cohesion) stay current when new code builds the same rows.
        fingerprint = store.content_sha256(REGISTRY_TABLES)
        store.record_load("registry", fingerprint, sum(len(f) for f in frames.values()))
        store.con.execute("DELETE FROM meta WHERE key = 'registry_inputs'")
        store.con.execute("INSERT INTO meta VALUES ('registry_inputs', ?)", [json.dumps(inputs)])
        store.con.execute("DELETE FROM meta WHERE key = 'registry_missing'")
        store.con.execute("INSERT INTO meta VALUES ('registry_missing', ?)", [",".join(missing)])
    return BuildReport(False, {t: len(frames[t]) for t in REGISTRY_TABLES}, fingerprint, missing)


def _built_from(store: Store) -> dict[str, Any] | None:
    """The inputs (:func:`_registry_inputs`) the store's registry was built from, if recorded."""
    row = store.con.execute("SELECT value FROM meta WHERE key = 'registry_inputs'").fetchone()
    return None if row is None else dict(json.loads(row[0]))


#: The modules whose code makes the registry's tables (paths under the ``comity`` package): a
#: registry built by other code is stale even when the data is the same.
_BUILD_MODULES = (
    "_dates.py",
    "data/_convert.py",
    "registry/_build.py",
    "registry/_names.py",
    "registry/_upstream.py",
)


def _build_code_digest() -> str:
    package = Path(__file__).resolve().parents[1]
    return sha256_of(*(part for name in _BUILD_MODULES for part in (name, (package / name).read_bytes())))


def _registry_inputs(folder: Path, present: Mapping[str, bool]) -> dict[str, Any]:
    """What a build of the registry depends on: the hand data, the building code, and each
    upstream file by its pinned hash (``-`` where it cannot be had)."""
    # The upstream files are pinned by hash: their manifest hashes (or their absence) identify them.
    return {
        "data": _fingerprint(folder),
        "code": _build_code_digest(),
        "upstream": {key: str(entry(key).sha256) if present[key] else "-" for key in sorted(present)},
    }


def _data_fingerprint(folder: Path, files: Mapping[str, Path | None]) -> str:
    """A hash of the registry's data: the hand data and the upstream files at hand (not the code)."""
    inputs = _registry_inputs(folder, {key: path is not None for key, path in files.items()})
    return sha256_of(inputs["data"], *(f"{k}={v}" for k, v in inputs["upstream"].items()))


@dataclass(frozen=True)
class RegistryFreshness:
    """Whether a store's registry was built from the data and code at hand.

    ``changed`` names what differs since the build (the registry's data files, the code that
    builds it, an upstream file); ``unavailable`` the upstream files the stored build used that
    cannot be found now: rebuilding without them would drop their part, so a caller should
    warn rather than rebuild.
    """

    current: bool
    changed: tuple[str, ...] = ()
    unavailable: tuple[str, ...] = ()

    @property
    def rebuildable(self) -> bool:
        return not self.unavailable


def registry_freshness(
    store: Store, *, folder: Path | None = None, mirror: Path | None = None
) -> RegistryFreshness:
    """Compare the registry in ``store`` with what :func:`build_registry` would load now.

    Cheap enough for every command (about 3 ms): it hashes the hand data (about 1 MB) and the
    building code, and finds the upstream files without reading them (their manifest hashes
    stand for their bytes; :func:`build_registry` checks the bytes when it loads them).
    """
    folder = folder or data_dir()
    present = {
        key: locate(key, data_dir=mirror) is not None for keys in REGISTRY_UPSTREAM.values() for key in keys
    }
    now = _registry_inputs(folder, present)
    if store.loaded_sha256("registry") is None:
        return RegistryFreshness(False, ("nothing (no registry is loaded)",))
    built = _built_from(store)
    if built == now:
        return RegistryFreshness(True)
    if built is None:
        # Built by a comity that did not record its inputs: whichever upstream file is not at
        # hand may have been used.
        unavailable = tuple(key for key, sha in now["upstream"].items() if sha == "-")
        return RegistryFreshness(False, ("the comity that built it",), unavailable)
    changed = [
        what
        for what, key in (
            ("the registry's data files", "data"),
            ("the code that builds the registry", "code"),
        )
        if built.get(key) != now[key]
    ]
    old = built.get("upstream", {})
    changed += [
        f"the upstream file {key}" for key, sha in now["upstream"].items() if sha not in ("-", old.get(key))
    ]
    unavailable = tuple(
        key for key, sha in now["upstream"].items() if sha == "-" and old.get(key, "-") != "-"
    )
    # Upstream files the build used but that are not at hand now change nothing stored.
    return RegistryFreshness(not changed, tuple(changed), unavailable)


def _code_digest() -> str:
    """A hash of comity's code, so that a registry cached by other code is never reused."""
    import duckdb

    package = Path(__file__).resolve().parents[1]
    parts: list[bytes | str] = [duckdb.__version__]
    for path in sorted(package.rglob("*.py")):
        parts.extend([str(path.relative_to(package)), path.read_bytes()])
    return sha256_of(*parts)


def registry_cache_path(folder: Path | None = None) -> Path:
    """Where a process keeps the registry it built, for the next process to copy.

    A file in the user cache (``$XDG_CACHE_HOME/comity/registry/``) named by what the build
    depends on: the registry's data and upstream files, comity's code (all of it, the building
    code included) and DuckDB's version.
    """
    from platformdirs import user_cache_dir

    key = sha256_of(_data_fingerprint(folder or data_dir(), upstream_files()), _code_digest())[:24]
    return Path(user_cache_dir("comity")) / "registry" / f"{key}.duckdb"


def build_registry_cached(store: Store) -> BuildReport:
    """:func:`build_registry` into a fresh store, copied from the user cache when it can be.

    Building reads the upstream R files and takes seconds of CPU, and every process that reads
    news needs the registry (``comity read`` starts one process per run); a copy of the tables
    from :func:`registry_cache_path` takes a fraction of a second. The copy is then checked as
    any store is (:func:`build_registry` rebuilds unless its fingerprint is the data's), and a
    cache that cannot be read or written is passed over: it only saves time.
    """
    import os

    import duckdb

    try:
        path: Path | None = registry_cache_path()
    except OSError:
        path = None
    if path is not None and path.is_file():
        with contextlib.suppress(duckdb.Error, OSError):
            _copy_registry(store, path)
    report = build_registry(store)
    if path is not None and not report.skipped:
        temporary = path.with_name(f".{path.name}.tmp-{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.unlink(missing_ok=True)
            store.con.execute("ATTACH ? AS registry_cache", [str(temporary)])
            try:
                store.con.execute("COPY FROM DATABASE memory TO registry_cache")
            finally:
                store.con.execute("DETACH registry_cache")
            os.replace(temporary, path)  # whole or absent, for a process reading it at once
        except (duckdb.Error, OSError):
            with contextlib.suppress(OSError):
                temporary.unlink()
        else:
            _prune_registry_cache(path)
    return report


def _prune_registry_cache(keep: Path) -> None:
    """Remove the registries earlier code or data left in the cache (one file per version)."""
    for old in keep.parent.glob("*.duckdb"):
        if old != keep:
            # A process may still be copying it; it then keeps its open handle (POSIX) or the
            # removal fails (Windows), and either is harmless.
            with contextlib.suppress(OSError):
                old.unlink()


def _copy_registry(store: Store, path: Path) -> None:
    store.con.execute("ATTACH ? AS registry_cache (READ_ONLY)", [str(path)])
    try:
        with store.transaction():
            for table in REGISTRY_TABLES:
                store.con.execute(f'DELETE FROM "{table}"')
                store.con.execute(f'INSERT INTO "{table}" SELECT * FROM registry_cache."{table}"')
            # What build_registry reads to skip: the load, and the inputs it was built from.
            for table, key, value in (
                ("loads", "name", "registry"),
                ("meta", "key", "registry_missing"),
                ("meta", "key", "registry_inputs"),
            ):
                store.con.execute(f'DELETE FROM "{table}" WHERE {key} = ?', [value])
                store.con.execute(
                    f'INSERT INTO "{table}" SELECT * FROM registry_cache."{table}" WHERE {key} = ?', [value]
                )
    finally:
        store.con.execute("DETACH registry_cache")
