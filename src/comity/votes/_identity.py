"""One identity for states across the registry and the vote data.

A vote row carries the state that cast it on that day, by the registry's dated relations
(``states.csv`` and ``un_seat_successions.csv``), not the state that holds the seat today:

* a successor that *continues the membership* of a predecessor (same UN admission date in the
  registry: RUS of SUN, CHN's seat of TWN, YEM of YAR, SRB of SCG) casts the seat's votes only
  from the succession date; a vote a dataset files under the successor before that day is the
  predecessor's (the USSR's votes, filed as Russia's by ``unvotes``, stay SUN's);
* a vote filed under a predecessor on or after the succession date is the successor's
  (``unvotes`` files unified Yemen's 1990 votes as the Yemen Arab Republic's);
* a vote filed under a former member after its membership ended is that of the member of that
  day with the same Correlates of War code (``Yugoslavia`` in 2000-2006 is Serbia and
  Montenegro, which the UN admitted on 2000-11-01; the SFRY's seat ended in 1992).

Analyses that want one line per country over time, as Bailey, Strezhnev and Voeten do, pass
``successors=True`` to :func:`comity.votes.read_votes` (CLI ``--successors``): each state that
no longer exists is then counted as the state that continues it (``continued_by`` in
``states.csv``) or, failing that, as the existing state with its COW code. That merges SUN into
RUS and YUG and SCG into SRB, and leaves CSK, DDR, YAR, YMD and TWN apart, as BSV's COW-keyed
estimates do.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd

from comity.errors import BadInput

__all__ = [
    "Succession",
    "follow_successors",
    "state_table",
    "successions",
    "successor_map",
    "voting_state_series",
]


@dataclass(frozen=True)
class Succession:
    """A dated succession between two states of the registry."""

    predecessor: str
    successor: str
    date: dt.date
    #: The successor continues the predecessor's UN membership (the same seat).
    same_seat: bool


def _date(value: object) -> dt.date | None:
    text = str(value or "").strip()
    if not text or text.lower() == "nan":
        return None
    return dt.date.fromisoformat(text[:10])


@lru_cache(maxsize=1)
def state_table() -> pd.DataFrame:
    """The registry's states (``states.csv``, indexed by ``iso3``) with their dates parsed and COW codes
    as integers; read once per process."""
    from comity.registry import data_dir

    frame = pd.read_csv(data_dir() / "states.csv", dtype=str, keep_default_na=False)
    frame = frame[frame["iso3"].str.fullmatch(r"[A-Z]{3}")].copy()
    for column in ("un_admission", "un_end", "exists_from", "exists_to"):
        frame[column] = [_date(v) for v in frame[column]]
    frame["cow_code"] = pd.to_numeric(frame["cow_code"], errors="coerce").astype("Int64")
    return frame.set_index("iso3", drop=False)


@lru_cache(maxsize=1)
def successions() -> tuple[Succession, ...]:
    """The registry's dated successions: UN seat successions, then ``continued_by`` links they lack."""
    from comity.registry import data_dir

    states = state_table()
    rows = pd.read_csv(data_dir() / "un_seat_successions.csv", dtype=str, keep_default_na=False)
    found: dict[tuple[str, str], Succession] = {}
    for row in rows.itertuples():
        pred, succ, when = str(row.predecessor), str(row.successor), _date(row.date)
        if when is None or pred not in states.index or succ not in states.index:
            continue
        same = states.at[pred, "un_admission"] is not None and (
            states.at[pred, "un_admission"] == states.at[succ, "un_admission"]
        )
        found[(pred, succ)] = Succession(pred, succ, when, bool(same))
    for iso3, succ in zip(states["iso3"], states["continued_by"], strict=True):
        if succ and (iso3, succ) not in found and succ in states.index:
            ended = states.at[iso3, "un_end"] or states.at[iso3, "exists_to"]
            if isinstance(ended, dt.date):
                found[(iso3, succ)] = Succession(iso3, succ, ended, False)
    return tuple(found.values())


def _member_on(states: pd.DataFrame, when: pd.Series) -> pd.Series:
    """Per row: is the state a UN member on the date (admission <= date < end)."""
    start = pd.to_datetime(states["un_admission"])
    end = pd.to_datetime(states["un_end"])
    return pd.Series((start <= when) & (end.isna() | (when < end)), index=when.index)


def voting_state_series(codes: pd.Series, dates: pd.Series) -> pd.Series:
    """The state that cast each vote, from the code a dataset files it under and its date.

    See the module notes for the three rules. Codes the registry does not know pass unchanged.
    """
    states = state_table()
    out = codes.astype(object).reset_index(drop=True).copy()
    ended = states[states["un_end"].notna() & states["cow_code"].notna()]
    involved = set(ended["iso3"]) | {c for link in successions() for c in (link.predecessor, link.successor)}
    # Only the rows of states touched by a rule are looked at (a few percent of a vote table).
    rows = np.flatnonzero(out.isin(involved).to_numpy())
    if not len(rows):
        out.index = codes.index
        return out
    sub = out.iloc[rows].reset_index(drop=True)
    when = pd.Series(pd.to_datetime(pd.Series(list(dates)).iloc[rows], errors="coerce")).reset_index(
        drop=True
    )
    # Rule 3: a former member's name used after its membership ended.
    for iso3, row in ended.iterrows():
        late = ((sub == iso3) & (when >= pd.Timestamp(row["un_end"]))).to_numpy()
        if not late.any():
            continue
        kin = states[(states["cow_code"] == row["cow_code"]) & (states["iso3"] != iso3)]
        for kin_iso3, kin_row in kin.iterrows():
            admitted = kin_row["un_admission"]
            if admitted is None:
                continue
            exists_from = pd.Timestamp(kin_row["exists_from"] or admitted)
            exists_to = pd.Timestamp(kin_row["exists_to"]) if kin_row["exists_to"] else pd.Timestamp.max
            member_to = pd.Timestamp(kin_row["un_end"]) if kin_row["un_end"] else pd.Timestamp.max
            hit = late & ((when >= pd.Timestamp(admitted)) & (when >= exists_from)).to_numpy()
            hit &= ((when < exists_to) & (when < member_to)).to_numpy()
            sub[hit] = kin_iso3
            late &= ~hit
    # Rules 1 and 2, repeated so that chains (YUG -> SCG -> SRB) settle.
    for _ in range(3):
        before = sub.copy()
        for link in successions():
            cut = pd.Timestamp(link.date)
            if link.same_seat:
                early = ((sub == link.successor) & (when < cut)).to_numpy()
                sub[early] = link.predecessor
            late_votes = ((sub == link.predecessor) & (when >= cut)).to_numpy()
            sub[late_votes] = link.successor
        if sub.equals(before):
            break
    values = out.to_numpy(dtype=object)
    values[rows] = sub.to_numpy(dtype=object)
    return pd.Series(values, index=codes.index, dtype=object)


@lru_cache(maxsize=1)
def successor_map() -> dict[str, str]:
    """Each state that no longer exists -> the existing state that continues its line (as BSV).

    ``continued_by`` in the registry first (SUN -> RUS, SCG -> SRB); otherwise the one existing
    state with the same Correlates of War code (YUG -> SRB). Chains are followed to the end.
    """
    states = state_table()
    direct: dict[str, str] = {}
    gone = states[states["historical"] == "1"]
    existing = states[(states["historical"] != "1") & states["exists_to"].isna() & states["cow_code"].notna()]
    for iso3, row in gone.iterrows():
        if row["continued_by"]:
            direct[str(iso3)] = str(row["continued_by"])
        elif not pd.isna(row["cow_code"]):
            kin = existing[existing["cow_code"] == row["cow_code"]]
            if len(kin) == 1:
                direct[str(iso3)] = str(kin.index[0])
    final: dict[str, str] = {}
    for start in direct:
        code, seen = start, {start}
        while code in direct and direct[code] not in seen:
            code = direct[code]
            seen.add(code)
        final[start] = code
    return final


def follow_successors(votes: pd.DataFrame) -> pd.DataFrame:
    """``votes`` with each predecessor's rows counted as its successor's (:func:`successor_map`)."""
    mapping = successor_map()
    iso3 = votes["iso3"].map(lambda code: mapping.get(code, code))
    merged = votes.assign(iso3=iso3)
    if "rcid" in merged.columns:
        clash = merged.duplicated(["rcid", "iso3"], keep=False)
        if bool(clash.any()):
            first = merged[clash].iloc[0]
            raise BadInput(
                f"following successors gives {first['iso3']} two votes on {first['rcid']}",
                hint="A predecessor and its successor both voted on one roll call; leave successors off.",
            )
    return merged
