"""Membership spells from third-party lists: the Security Council by year (UN DPPA), the Paris
Agreement and UNFCCC parties, and the UN regional groups.

Each loader reads one upstream file (fetched by its manifest key), resolves names or codes to
registry ids, and returns spells in the columns of the ``memberships`` table plus the coverage
rows that say from when to when the file is complete. A code the registry does not know is not
dropped silently: the coverage row turns ``partial`` and names it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd

from comity.errors import LoadError
from comity.registry._names import normalise_name

__all__ = [
    "COVERAGE_COLUMNS",
    "SPELL_COLUMNS",
    "dppa_unsc_spells",
    "paris_spells",
    "regional_group_spells",
    "unfccc_spells",
]

SPELL_COLUMNS = [
    "actor_id",
    "actor_type",
    "body_id",
    "kind",
    "start_date",
    "start_precision",
    "end_date",
    "end_precision",
    "observed_to",
    "source_id",
    "source_ref",
    "note",
]
COVERAGE_COLUMNS = [
    "body_id",
    "kind",
    "known_from",
    "known_from_precision",
    "known_to",
    "known_to_precision",
    "status",
    "how",
    "source_id",
    "source_ref",
    "note",
    "derived",
]
#: Charter Art. 23: the five permanent members as the Charter names them in 1945.
CHARTER_P5 = ("CHN", "FRA", "SUN", "GBR", "USA")
# The first year of each DPPA file that it, not an earlier file, answers for.
_DPPA_EU = "EUU"

Resolver = Callable[[str], str | None]
_DGACM = "https://www.un.org/dgacm/en/content/regional-groups"
# DGACM: "the United States is not a member of any regional group, but attends meetings of WEOG
# as an observer and is considered a member of that group for electoral purposes".
_GROUP_OBSERVERS = {"WEOG": ("USA",)}


def _day(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _spell(
    actor: str,
    body: str,
    kind: str,
    start: dt.date | None,
    end: dt.date | None,
    source_id: str,
    source_ref: str,
    *,
    actor_type: str = "state",
    note: str | None = None,
    start_precision: str = "day",
    end_precision: str = "day",
) -> dict[str, Any]:
    return {
        "actor_id": actor,
        "actor_type": actor_type,
        "body_id": body,
        "kind": kind,
        "start_date": start,
        "start_precision": start_precision if start is not None else None,
        "end_date": end,
        "end_precision": end_precision if end is not None else None,
        "observed_to": None,
        "source_id": source_id,
        "source_ref": source_ref,
        "note": note,
    }


def coverage_row(
    body: str,
    kind: str | None,
    known_from: dt.date | None,
    known_to: dt.date | None,
    status: str,
    how: str,
    source_id: str,
    source_ref: str,
    note: str | None = None,
    *,
    precision: str = "day",
) -> dict[str, Any]:
    """One derived coverage row (``derived`` marks rows the build made, not ``coverage.csv``)."""
    return {
        "body_id": body,
        "kind": kind,
        "known_from": known_from,
        "known_from_precision": precision if known_from is not None else None,
        "known_to": known_to,
        "known_to_precision": precision if known_to is not None else None,
        "status": status,
        "how": how,
        "source_id": source_id,
        "source_ref": source_ref,
        "note": note,
        "derived": True,
    }


def _frame(rows: list[dict[str, Any]], columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=columns)


# -- Security Council ----------------------------------------------------------------------------
def _read_dppa(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    missing = {"id", "year", "security_council_member"} - set(frame.columns)
    if missing:
        raise LoadError(f"missing column(s) {', '.join(sorted(missing))}.", path=str(path), line=1)
    frame["line"] = range(2, len(frame) + 2)
    years = pd.to_numeric(frame["year"], errors="coerce")
    if years.isna().any():
        line = int(frame.loc[years.isna(), "line"].iloc[0])
        raise LoadError("year is not a number.", path=str(path), line=line)
    frame["year"] = years.astype(int)
    frame["name"] = frame["security_council_member"].str.strip()
    return frame


def _dppa_name(name: str, resolve_name: Resolver) -> str | None:
    """DPPA writes 'USSR (Union of Soviet Socialist Republics)': try the whole, then each part."""
    parts = [name]
    if "(" in name and name.endswith(")"):
        head, _, tail = name.partition("(")
        parts += [head.strip(), tail[:-1].strip()]
    for part in parts:
        found = resolve_name(part)
        if found is not None:
            return found
    return None


def dppa_unsc_spells(
    files: list[tuple[str, Path, range]],
    blanks: pd.DataFrame,
    resolve_name: Resolver,
    successions: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Security Council seats from the DPPA tables, one row per (year, member).

    ``files`` are (source_id, path, years that file answers for). ``blanks`` names the members
    whose names the copies lost (columns source_id, year, name, source_ref). Terms run 1 January to
    31 December and DPPA gives years, so spells are of year precision (stored as 1 January and
    31 December). The Charter's five permanent seats pass to their successors on the day of
    succession (``successions``: predecessor, successor, date), so a seat has one holder a day.
    """
    rows: list[dict[str, Any]] = []
    coverage: list[dict[str, Any]] = []
    unknown: list[str] = []
    for source_id, path, years in files:
        frame = _read_dppa(path)
        frame = frame[frame["year"].isin(list(years))]
        mine = blanks[blanks["source_id"] == source_id]
        for year_key, group in frame.groupby("year"):
            year = int(str(year_key))
            empty = group[group["name"] == ""]
            fills = mine[mine["year"] == year]
            if len(empty) != len(fills):
                raise LoadError(
                    f"{len(empty)} blank member name(s) in {year} but {len(fills)} in the blanks table.",
                    path=str(path),
                    line=int(empty["line"].iloc[0]) if len(empty) else int(group["line"].iloc[0]),
                    hint="List each blank name of the year in hand/unsc_dppa_blanks.csv.",
                )
            named = group[group["name"] != ""]
            entries = [(name, line, False) for name, line in zip(named["name"], named["line"], strict=True)]
            entries += [
                (str(fill), line, True) for line, fill in zip(empty["line"], fills["name"], strict=True)
            ]
            for name, line, blank in entries:
                actor = _dppa_name(name, resolve_name)
                if actor is None:
                    unknown.append(f"{name!r} ({year})")
                    continue
                rows.append(
                    {
                        "year": year,
                        "actor_id": actor,
                        "file": path.name,
                        "line": int(line),
                        "blank": blank,
                        "source_id": source_id,
                    }
                )
        coverage.append(
            coverage_row(
                "UNSC",
                None,
                dt.date(years.start, 1, 1),
                dt.date(years.stop - 1, 12, 31),
                "complete",
                f"UN DPPA Security Council membership by year, {years.start}-{years.stop - 1}",
                source_id,
                path.name,
                precision="year",
            )
        )
    if unknown:
        raise LoadError(
            f"Security Council members with no registry state: {', '.join(unknown[:10])}.",
            path=str(files[0][1]),
            hint="Add the names to hand/state_aliases_hand.csv, or the blank to hand/unsc_dppa_blanks.csv.",
        )
    table = pd.DataFrame(rows, columns=["year", "actor_id", "file", "line", "blank", "source_id"])
    dup = table.duplicated(["year", "actor_id"])
    if dup.any():
        first = table[dup].iloc[0]
        raise LoadError(f"{first['actor_id']} is listed twice in {first['year']}.", path=str(files[0][1]))
    sizes = table.groupby("year").size()
    # Charter Art. 23: 11 members until the 1965 amendment took effect, 15 from 1966.
    wrong = [f"{year}: {n}" for year, n in sizes.items() if n != (11 if int(str(year)) < 1966 else 15)]
    if wrong:
        raise LoadError(
            f"the Security Council has the wrong number of members in {', '.join(wrong[:5])}.",
            path=str(files[0][1]),
        )
    seat_of = _permanent_seats(successions)
    table["seat"] = table["actor_id"].map(seat_of)
    spells: list[dict[str, Any]] = []
    for seat, group in table[table["seat"].notna()].groupby("seat"):
        holders = {actor for actor, its_seat in seat_of.items() if its_seat == seat}
        spells += _seat_spells(str(seat), holders, group, successions)
    elected = table[table["seat"].isna()].sort_values(["actor_id", "year"])
    new_term = (elected["actor_id"] != elected["actor_id"].shift()) | (
        elected["year"] - elected["year"].shift() != 1
    )
    for _, term in elected.groupby(new_term.cumsum()):
        spells.append(
            _spell(
                str(term["actor_id"].iloc[0]),
                "UNSC",
                "elected_seat",
                dt.date(int(term["year"].min()), 1, 1),
                dt.date(int(term["year"].max()), 12, 31),
                str(term["source_id"].iloc[-1]),
                _lines_ref(term),
                start_precision="year",
                end_precision="year",
            )
        )
    return _frame(spells, SPELL_COLUMNS), _frame(coverage, COVERAGE_COLUMNS)


def _lines_ref(rows: pd.DataFrame) -> str:
    parts = []
    for name, lines in rows.groupby("file", sort=False):
        parts.append(f"{name} lines {', '.join(str(n) for n in lines['line'])}")
    ref = "; ".join(parts)
    if rows["blank"].any():
        ref += " (name left blank there; filled from hand/unsc_dppa_blanks.csv)"
    return ref


def _permanent_seats(successions: pd.DataFrame) -> dict[str, str]:
    """Each state that held a permanent seat -> the seat (the Charter's name for it)."""
    seat_of = {p: p for p in CHARTER_P5}
    changed = True
    while changed:
        changed = False
        for item in successions.itertuples(index=False):
            for a, b in ((item.predecessor, item.successor), (item.successor, item.predecessor)):
                if a in seat_of and b not in seat_of and _sole_link(successions, str(a), str(b)):
                    seat_of[str(b)] = seat_of[str(a)]
                    changed = True
    return seat_of


def _sole_link(successions: pd.DataFrame, a: str, b: str) -> bool:
    # A union of two members (Yemen) is no seat handover: only one-to-one successions count.
    preds = successions.groupby("successor")["predecessor"].nunique()
    return bool(preds.get(a, 1) == 1 and preds.get(b, 1) == 1)


def _seat_spells(
    seat: str, holders: set[str], group: pd.DataFrame, successions: pd.DataFrame
) -> list[dict[str, Any]]:
    """One permanent seat's spells: DPPA's years, the holder changing on each succession day."""
    years = sorted(set(group["year"]))
    if years != list(range(years[0], years[-1] + 1)):
        raise LoadError(
            f"the permanent seat of {seat} is missing in some years between {years[0]} and {years[-1]}."
        )
    handovers = sorted(
        (_day(str(s.date)), str(s.predecessor), str(s.successor))
        for s in successions.itertuples(index=False)
        if s.predecessor in holders and s.successor in holders
    )
    start = dt.date(years[0], 1, 1)
    last = dt.date(years[-1], 12, 31)
    out = []
    start_precision = "year"
    holder = handovers[0][1] if handovers else str(group["actor_id"].iloc[0])
    sources = group.sort_values("year")
    for when, predecessor, successor in handovers:
        if predecessor != holder:
            raise LoadError(f"the seat of {seat} passes from {predecessor}, but {holder} holds it.")
        ref = _seat_ref(group, start, when - dt.timedelta(days=1), seat, holder)
        source = str(sources.loc[sources["year"] >= start.year, "source_id"].iloc[0])
        out.append(
            _spell(
                holder,
                "UNSC",
                "permanent_seat",
                start,
                when - dt.timedelta(days=1),
                source,
                ref,
                start_precision=start_precision,
            )
        )
        holder, start, start_precision = successor, when, "day"
    ref = _seat_ref(group, start, last, seat, holder)
    source = str(sources.loc[sources["year"] >= start.year, "source_id"].iloc[0])
    out.append(
        _spell(
            holder,
            "UNSC",
            "permanent_seat",
            start,
            last,
            source,
            ref,
            start_precision=start_precision,
            end_precision="year",
        )
    )
    return out


def _seat_ref(group: pd.DataFrame, start: dt.date, end: dt.date, seat: str, holder: str) -> str:
    rows = group[(group["year"] >= start.year) & (group["year"] <= end.year)]
    files = sorted(set(rows["file"]))
    held = "" if holder == seat else f", held by {holder} from {start.isoformat()} (un_seat_successions.csv)"
    return (
        f"{'; '.join(files)}: yearly rows {start.year}-{end.year}; "
        f"the Charter's permanent seat of {seat} (Art. 23){held}"
    )


# -- treaties --------------------------------------------------------------------------------------
def _treaty_actor(code: str, states: set[str]) -> tuple[str, str] | None:
    if code == _DPPA_EU:
        return "EU", "organisation"
    if code in states:
        return code, "state"
    return None


def paris_spells(
    path: Path,
    source_id: str,
    states: set[str],
    hand_pairs: set[tuple[str, str]],
    file_date: dt.date,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Paris Agreement parties from their date of effect; signatories from signature to then.

    Pairs that ``memberships.csv`` records by hand (the United States' two withdrawals) are left to
    those rows: the file only shows the last instrument.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    _require(frame, {"Code", "Signature", "Date-Of-Effect", "Kind"}, path)
    spells: list[dict[str, Any]] = []
    missing: list[str] = []
    for line, code, signature, effect_text, kind in zip(
        range(2, len(frame) + 2),
        frame["Code"],
        frame["Signature"],
        frame["Date-Of-Effect"],
        frame["Kind"],
        strict=True,
    ):
        found = _treaty_actor(str(code), states)
        if found is None:
            missing.append(str(code))
            continue
        actor, actor_type = found
        if (actor, "PARIS_AGREEMENT") in hand_pairs:
            continue
        ref = f"{path.name} line {line}"
        signed = _date_or_none(str(signature), path, line)
        effect = _date_or_none(str(effect_text), path, line)
        if signed is not None and (effect is None or signed < effect):
            end = None if effect is None else effect - dt.timedelta(days=1)
            spells.append(
                _spell(
                    actor, "PARIS_AGREEMENT", "signatory", signed, end, source_id, ref, actor_type=actor_type
                )
            )
        if effect is not None:
            spells.append(
                _spell(
                    actor,
                    "PARIS_AGREEMENT",
                    "party",
                    effect,
                    None,
                    source_id,
                    f"{ref} ({kind}, date of effect)",
                    actor_type=actor_type,
                )
            )
    coverage = [
        _file_coverage(
            "PARIS_AGREEMENT",
            dt.date(2016, 4, 22),
            file_date,
            missing,
            source_id,
            path,
            "UN depositary status of the Paris Agreement (signatures, instruments, dates of effect)",
        ),
        _after_file("PARIS_AGREEMENT", file_date, source_id, path),
    ]
    return _frame(spells, SPELL_COLUMNS), _frame(coverage, COVERAGE_COLUMNS)


def unfccc_spells(
    path: Path,
    source_id: str,
    states: set[str],
    hand_pairs: set[tuple[str, str]],
    file_date: dt.date,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """UNFCCC parties from the date of their instrument (the file gives no date of effect).

    Under Art. 23 of the Convention a party is bound from the 90th day after its instrument (or
    from 1994-03-21 for instruments before that day's entry into force); the spell starts then.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    date_column = "Ratification-Acceptance-Accession-Approval-Succession"
    _require(frame, {"Code", "Kind", date_column}, path)
    in_force = dt.date(1994, 3, 21)
    spells: list[dict[str, Any]] = []
    missing: list[str] = []
    for line, code, kind, when in zip(
        range(2, len(frame) + 2), frame["Code"], frame["Kind"], frame[date_column], strict=True
    ):
        found = _treaty_actor(str(code), states)
        if found is None:
            missing.append(str(code))
            continue
        actor, actor_type = found
        if (actor, "UNFCCC") in hand_pairs:
            continue
        instrument = _date_or_none(str(when), path, line)
        if instrument is None:
            raise LoadError("party without the date of its instrument.", path=str(path), line=line)
        effect = max(in_force, instrument + dt.timedelta(days=90))
        spells.append(
            _spell(
                actor,
                "UNFCCC",
                "party",
                effect,
                None,
                source_id,
                f"{path.name} line {line} ({kind} {instrument.isoformat()}; in force 90 days later, Art. 23)",
                actor_type=actor_type,
            )
        )
    coverage = [
        _file_coverage(
            "UNFCCC",
            in_force,
            file_date,
            missing,
            source_id,
            path,
            "UNFCCC status of ratification (instrument dates; effect on the 90th day, Art. 23)",
        ),
        _after_file("UNFCCC", file_date, source_id, path),
    ]
    return _frame(spells, SPELL_COLUMNS), _frame(coverage, COVERAGE_COLUMNS)


def regional_group_spells(
    path: Path, source_id: str, states: set[str], group_ids: Mapping[str, str], list_date: dt.date
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The five UN regional groups as the DGACM list gives them (no dates: members on ``list_date``).

    Turkey is in two groups (WEOG and Asia-Pacific), as the list says. The file puts the United
    States in WEOG, but the DGACM page says it is in no group and attends WEOG as an observer
    (counted with it for elections): it is an ``observer`` spell here. Each spell starts on the
    list's date, with a note that the joining date is unknown.
    """
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    _require(frame, {"Code", "Region"}, path)
    spells: list[dict[str, Any]] = []
    missing: list[str] = []
    for line, code, region in zip(range(2, len(frame) + 2), frame["Code"], frame["Region"], strict=True):
        body = group_ids.get(str(region))
        if body is None:
            raise LoadError(f"unknown regional group {region!r}.", path=str(path), line=line)
        if code not in states:
            missing.append(str(code))
            continue
        observer = code in _GROUP_OBSERVERS.get(body, ())
        spells.append(
            _spell(
                str(code),
                body,
                "observer" if observer else "member",
                list_date,
                None,
                source_id,
                f"{path.name} line {line}" + (f"; {_DGACM}" if observer else ""),
                note=(
                    "in no regional group; attends WEOG as an observer and counts with it for elections"
                    if observer
                    else f"member on the list of {list_date.isoformat()}; the source gives no joining date"
                ),
            )
        )
    coverage = []
    for region, body in sorted(group_ids.items()):
        coverage.append(
            _file_coverage(
                body,
                list_date,
                None,
                missing,
                source_id,
                path,
                f"UN DGACM list of the regional groups of Member States ({region}) as of "
                f"{list_date.isoformat()}; no change since is known to comity",
            )
        )
    return _frame(spells, SPELL_COLUMNS), _frame(coverage, COVERAGE_COLUMNS)


def _after_file(body: str, file_date: dt.date, source_id: str, path: Path) -> dict[str, Any]:
    """After the file's date, only the changes that hand rows record are known."""
    return coverage_row(
        body,
        None,
        file_date + dt.timedelta(days=1),
        None,
        "partial",
        f"the file stops on {file_date.isoformat()}; later changes only where memberships.csv records them",
        source_id,
        path.name,
    )


def _file_coverage(
    body: str,
    start: dt.date,
    end: dt.date | None,
    missing: list[str],
    source_id: str,
    path: Path,
    how: str,
) -> dict[str, Any]:
    if missing:
        return coverage_row(
            body,
            None,
            start,
            end,
            "partial",
            how,
            source_id,
            path.name,
            f"not in the registry, so left out: {', '.join(sorted(set(missing)))}",
        )
    return coverage_row(body, None, start, end, "complete", how, source_id, path.name)


def _require(frame: pd.DataFrame, columns: set[str], path: Path) -> None:
    missing = columns - set(frame.columns)
    if missing:
        raise LoadError(f"missing column(s) {', '.join(sorted(missing))}.", path=str(path), line=1)


def _date_or_none(text: str, path: Path, line: int) -> dt.date | None:
    text = text.strip()
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise LoadError(f"{text!r} is not a date (YYYY-MM-DD).", path=str(path), line=line) from exc


def name_resolver(aliases: pd.DataFrame) -> Resolver:
    """Names of kind ``name`` (never two states, see data/README.md) -> the state they name."""
    names = aliases[(aliases["entity_type"] == "state") & (aliases["kind"] == "name")]
    table = dict(zip(names["alias_norm"], names["entity_id"], strict=True))

    def resolve(text: str) -> str | None:
        return table.get(normalise_name(text))

    return resolve
