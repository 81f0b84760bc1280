"""Panels for regression work: state-years or dyad-years with codes, memberships and UN votes.

>>> import comity
>>> states = comity.panel("state-year", start=2000, end=2024, bodies=["NATO", "EU"])  # doctest: +SKIP
>>> dyads = comity.panel("dyad-year", start=2000, end=2024)  # doctest: +SKIP

Units are the UN member states on 1 July of each year (the registry's ``UN`` memberships), or
every pair of them (``iso3_a < iso3_b``, each pair once). Memberships of the chosen bodies are
taken on the same day. Vote measures come from the General Assembly roll calls; ideal points
from one dynamic fit over all of 1946-2024, so that a panel's values do not depend on the
years it spans. See the README ("Panels") for every column.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pandas as pd

from comity.errors import BadInput
from comity.votes._identity import state_table

__all__ = ["PANEL_UNITS", "cow_code", "gw_code", "panel"]

PANEL_UNITS: tuple[str, ...] = ("state-year", "dyad-year")

#: Where Gleditsch and Ward's code differs from the registry's (current) COW code. Everywhere
#: else the two lists share the number. Germany: GW keeps the Federal Republic's 260 after
#: unification (COW returns to 255); Yemen: GW continues the Yemen Arab Republic's 678 (COW
#: 679 for unified Yemen); Serbia: GW 340 from 2006 (COW keeps Yugoslavia's 345); the Pacific
#: microstates are numbered 970-973 in GW's list of microstates (COW 946, 970, 955, 947).
GW_DIFFERS: dict[str, int] = {
    "DEU": 260,
    "YEM": 678,
    "SRB": 340,
    "KIR": 970,
    "NRU": 971,
    "TON": 972,
    "TUV": 973,
}
#: The Federal Republic of Germany was COW 260 until unification on 3 October 1990; the
#: registry files West and unified Germany under one id (DEU, COW 255).
GERMAN_UNIFICATION = dt.date(1990, 10, 3)


def cow_code(iso3: str, on: dt.date) -> int | None:
    """Correlates of War code of a registry state on a date (260 for West Germany before 1990)."""
    states = state_table()
    if iso3 not in states.index or pd.isna(states.at[iso3, "cow_code"]):
        return None
    if iso3 == "DEU" and on < GERMAN_UNIFICATION:
        return 260
    return int(str(states.at[iso3, "cow_code"]))


def gw_code(iso3: str, on: dt.date) -> int | None:
    """Gleditsch-Ward code of a registry state: its COW code except :data:`GW_DIFFERS`."""
    if iso3 in GW_DIFFERS:
        return GW_DIFFERS[iso3]
    return cow_code(iso3, on)


def _column_name(body: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", body.lower()).strip("_")


def _members(registry: Any, body: str, on: dt.date) -> pd.DataFrame:
    # Full members (the registry's default kinds); a member suspended on the day is not counted.
    frame: pd.DataFrame = registry.members(body, on=on)
    states = frame["actor_id"].astype(str).str.fullmatch(r"[A-Z]{3}") & (frame["kind"] != "suspended")
    return frame[states]


def _state_years(registry: Any, years: range, bodies: list[str]) -> pd.DataFrame:
    states = state_table()
    rows = []
    for year in years:
        on = dt.date(year, 7, 1)
        members = _members(registry, "UN", on)
        council = _members(registry, "UNSC", on).set_index("actor_id")["kind"]
        held = {body: set(_members(registry, body, on)["actor_id"]) for body in bodies}
        for iso3 in sorted(members["actor_id"]):
            row: dict[str, Any] = {
                "year": year,
                "iso3": iso3,
                "name": states.at[iso3, "name_short"] if iso3 in states.index else registry.name_of(iso3),
                "cow_code": cow_code(iso3, on),
                "gw_code": gw_code(iso3, on),
                "unsc_member": iso3 in council.index,
                "unsc_permanent": bool(council.get(iso3) == "permanent_seat"),
            }
            for body in bodies:
                row[f"member_{_column_name(body)}"] = iso3 in held[body]
            row["n_bodies"] = sum(iso3 in held[body] for body in bodies)
            rows.append(row)
    frame = pd.DataFrame(rows)
    for column in ("cow_code", "gw_code"):
        frame[column] = frame[column].astype("Int64")
    return frame


def _ideal_points(votes: pd.DataFrame) -> pd.DataFrame:
    from comity.votes._ideal import DynamicIdealPoints
    from comity.votes._load import read_repeated_roll_calls

    fitted = DynamicIdealPoints().fit(votes, read_repeated_roll_calls(found=True)).ideal_points_
    return fitted.rename(columns={"se": "ideal_se", "n_votes": "ideal_n_votes"})


def panel(
    unit: Literal["state-year", "dyad-year"] = "state-year",
    start: int = 1946,
    end: int = 2024,
    bodies: Sequence[str] = (),
    *,
    votes: pd.DataFrame | None = None,
    successors: bool = False,
    ideal: bool = True,
    registry: Any = None,
) -> pd.DataFrame:
    """A state-year or dyad-year panel of UN member states from ``start`` to ``end``.

    Parameters
    ----------
    unit:
        ``state-year`` or ``dyad-year``.
    start, end:
        First and last year (inclusive).
    bodies:
        Registry organisation ids or names (``NATO``, ``EU``, ``G77``...): one 0/1 column per
        body (``member_<body>``, in dyads ``both_<body>``) and their count (``n_bodies``,
        ``n_shared_bodies``), on 1 July of each year.
    votes:
        Tidy votes (default: the General Assembly roll calls shipped with comity).
    successors:
        Read the votes with lines of succession merged (SUN in RUS), as BSV.
    ideal:
        Add dynamic ideal points (about ten seconds for the fit).
    registry:
        The registry to take members from (default: the shipped one).

    Returns
    -------
    DataFrame; the columns are listed in the README.
    """
    if unit not in PANEL_UNITS:
        raise BadInput(f"unknown panel unit {unit!r}", hint=f"Use one of {', '.join(PANEL_UNITS)}.")
    if start > end:
        raise BadInput(f"the period {start}-{end} ends before it starts", hint="Swap --from and --to.")
    if start < 1946:
        raise BadInput(f"panels start in 1946 (the first UN year), not {start}")
    if registry is None:
        from comity.registry import Registry

        registry = Registry.default()
    chosen = [registry.resolve(body, types=("organisation",)).id for body in bodies]
    if len(set(chosen)) < len(chosen):
        raise BadInput(f"a body is named twice in {', '.join(bodies)}")
    if votes is None:
        from comity.votes._load import read_votes

        votes = read_votes(successors=successors)
    years = range(start, end + 1)
    states = _state_years(registry, years, chosen)
    window = votes[(votes["year"] >= start) & (votes["year"] <= end)]
    roll_calls = window.groupby("year")["rcid"].nunique().rename("n_roll_calls")
    ideals = _ideal_points(votes) if ideal else None
    if unit == "state-year":
        out = states.merge(roll_calls, left_on="year", right_index=True, how="left")
        if ideals is not None:
            out = out.merge(ideals, on=["iso3", "year"], how="left")
        return out.reset_index(drop=True)
    return _dyads(states, window, ideals, chosen)


def _dyads(
    states: pd.DataFrame, votes: pd.DataFrame, ideals: pd.DataFrame | None, bodies: list[str]
) -> pd.DataFrame:
    from comity.votes._alignment import THIN_ROLL_CALLS, alignment

    flags = [f"member_{_column_name(b)}" for b in bodies]
    keep = ["iso3", "name", "cow_code", "gw_code", "unsc_member", *flags]
    parts = []
    for year, members in states.groupby("year", sort=True):
        members = members.reset_index(drop=True)
        ia, ib = np.triu_indices(len(members), k=1)
        a = members.loc[ia, keep].reset_index(drop=True)
        b = members.loc[ib, keep].reset_index(drop=True)
        frame = pd.DataFrame({"year": year}, index=a.index)
        for column in keep:
            if column.startswith("member_"):
                continue
            frame[f"{column}_a"] = a[column]
            frame[f"{column}_b"] = b[column]
        for flag in flags:
            frame[f"both_{flag.removeprefix('member_')}"] = a[flag].to_numpy() & b[flag].to_numpy()
        frame["n_shared_bodies"] = (
            sum((a[flag].to_numpy() & b[flag].to_numpy()).astype(int) for flag in flags) if flags else 0
        )
        parts.append(frame)
    dyads = pd.concat(parts, ignore_index=True)
    agreement = alignment(votes, None, by="year", metrics=["agree", "s", "kappa"])
    agreement = agreement.rename(columns={"n_votes": "n_common_votes"}).drop(columns="thin")
    dyads = dyads.merge(agreement, on=["iso3_a", "iso3_b", "year"], how="left")
    dyads["n_common_votes"] = dyads["n_common_votes"].fillna(0).astype("int64")
    dyads["thin"] = dyads["n_common_votes"] < THIN_ROLL_CALLS
    if ideals is not None:
        points = ideals[["iso3", "year", "ideal"]]
        dyads = dyads.merge(
            points.rename(columns={"iso3": "iso3_a", "ideal": "ideal_a"}), on=["iso3_a", "year"], how="left"
        )
        dyads = dyads.merge(
            points.rename(columns={"iso3": "iso3_b", "ideal": "ideal_b"}), on=["iso3_b", "year"], how="left"
        )
        dyads["ideal_distance"] = (dyads["ideal_a"] - dyads["ideal_b"]).abs()
    return dyads
