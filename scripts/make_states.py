"""Generate the registry's states table and the names of states.

Writes ``states.csv`` and ``state_aliases.csv`` (and checks ``sources.csv`` lists every source
used) from country_converter's bundled table, pycountry, the Correlates of War state list, the
NGEC demonym table, the names used by four UN vote data sets, and the hand-written files in
``src/comity/registry/data/hand/``. Re-running it gives byte-identical files.

Usage::

    python scripts/make_states.py                 # writes into src/comity/registry/data/
    python scripts/make_states.py --out OUTDIR    # writes elsewhere (the tests compare)
    python scripts/make_states.py --shared ../shared   # where the shared inputs live
"""

from __future__ import annotations

import argparse
import csv
import logging
import os
import re
import sys
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import country_converter
import pandas as pd
import pycountry

from comity.registry._build import STATE_COLUMNS as _STATE_COLUMNS

REPO = Path(__file__).resolve().parents[1]
DATA_DIR = REPO / "src" / "comity" / "registry" / "data"
HAND_DIR = DATA_DIR / "hand"
DEFAULT_SHARED = Path(os.environ.get("COMITY_SHARED", REPO.parent / "shared"))

STATE_COLUMNS = list(_STATE_COLUMNS)
ALIAS_COLUMNS = ["iso3", "alias", "kind", "source_id", "source_ref"]
ALIAS_KINDS = ("name", "alias", "demonym", "capital", "government", "code", "cow_code")
UN_STATUSES = ("member", "observer", "non_member", "former_member")

UN_MEMBER_STATES_URL = "https://www.un.org/en/about-us/member-states"

# ISO 3166-3 codes of former names of states that are still in the registry under their
# current code: pycountry keeps the old name, which is an alias of today's state.
RENAMED_HISTORIC_CODES = {
    "BUR": "MMR",
    "BYS": "BLR",
    "DHY": "BEN",
    "HVO": "BFA",
    "ZAR": "COD",
    "TMP": "TLS",
    "VDR": "VNM",
    "NHB": "VUT",
    "RHO": "ZWE",
}

# Column names of the UN Digital Library scrape that are not states.
UNDL_NOT_STATES = {"DONOTKNOW"}

DEMONYM_SOURCE_ID = "ngec_demonyms"
NAME_WORDS = re.compile(
    r"\b(Republic|Kingdom|State|States|Union|Coast|Congo|Verde|Timor|Britain|Arabia|City|Príncipe|"
    r"Principe|Islands?|Federation|Emirates)\b"
)
# Demonyms that take a plain -s plural ("Emirati" -> "Emiratis"); -ese, -ish, -ch, -ss do not.
PLURAL_S = re.compile(r"(an|ian|i|ot|er|ard|ek|ak|ene|ite|ic|ol)$")
NO_PLURAL = re.compile(r"(ese|ish|ch|ss|sh|x|y|s)$")


def fix_mojibake(text: str) -> str:
    """Undo UTF-8 text decoded as Latin-1 ("CÃ´te" -> "Côte"); other text is returned as is."""
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def norm(text: str) -> str:
    """The form aliases are matched on: stripped (also of no-break spaces) and case-folded."""
    return text.replace("\xa0", " ").strip().casefold()


def loose(text: str) -> str:
    """A looser form for comparing names: no accents, straight apostrophes."""
    decomposed = unicodedata.normalize("NFKD", norm(text).replace("\u2019", "'"))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def cow_date(year: int, month: int, day: int) -> str:
    return f"{int(year):04d}-{int(month):02d}-{int(day):02d}"


@dataclass
class AliasTable:
    rows: list[dict[str, str]] = field(default_factory=list)
    seen: set[tuple[str, str]] = field(default_factory=set)

    def add(self, iso3: str, alias: str, kind: str, source_id: str, source_ref: str) -> None:
        alias = alias.replace("\xa0", " ").strip()
        if not alias or kind not in ALIAS_KINDS:
            raise ValueError(f"bad alias row {iso3!r} {alias!r} {kind!r}")
        key = (iso3, alias)
        if key in self.seen:  # first source wins: sources are added from most to least authoritative
            return
        self.seen.add(key)
        self.rows.append(
            {"iso3": iso3, "alias": alias, "kind": kind, "source_id": source_id, "source_ref": source_ref}
        )

    def index(self, kinds: Iterable[str] | None = None) -> dict[str, set[str]]:
        wanted = set(kinds) if kinds is not None else set(ALIAS_KINDS)
        out: dict[str, set[str]] = defaultdict(set)
        for row in self.rows:
            if row["kind"] in wanted:
                out[norm(row["alias"])].add(row["iso3"])
        return out


def records(frame: pd.DataFrame) -> list[dict[str, str]]:
    """Rows of an all-string frame as plain dicts (typed for mypy)."""
    return cast(list[dict[str, str]], frame.to_dict("records"))


def read_csv_str(path: Path, **kwargs: object) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8", **kwargs)  # type: ignore[call-overload, no-any-return]


def load_cc() -> pd.DataFrame:
    path = Path(country_converter.__file__).parent / "country_data.tsv"
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False, encoding="utf-8")
    table["line"] = [str(i + 2) for i in range(len(table))]  # line 1 is the header
    return table


def make_converter() -> country_converter.CountryConverter:
    logging.getLogger("country_converter").setLevel(logging.ERROR)
    return country_converter.CountryConverter()


def cc_match(converter: country_converter.CountryConverter, name: str) -> str | None:
    """ISO3 that country_converter's regexes give a name, or None when none or several match."""
    result = converter.convert(name, src="regex", to="ISO3", not_found=None)
    # Without a match country_converter hands the input back, so keep only real ISO3 codes.
    known = set(converter.data["ISO3"])
    return result if isinstance(result, str) and result in known else None


def build_states(shared: Path) -> tuple[pd.DataFrame, dict[str, list[str]], pd.DataFrame, pd.DataFrame]:
    cc = load_cc()
    hand = read_csv_str(HAND_DIR / "states_hand.csv")
    capitals = read_csv_str(HAND_DIR / "capitals.csv")
    cow = pd.read_parquet(shared / "data" / "cow-igo" / "states.parquet")
    cow = cow.reset_index(drop=True)
    cow["row"] = cow.index.astype(str)
    converter = make_converter()

    hand_by_iso = {r["iso3"]: r for r in records(hand)}
    if len(hand_by_iso) != len(hand):
        raise SystemExit("states_hand.csv: an iso3 appears twice")

    cc_members = cc[cc["UNmember"] != ""]
    cc_by_iso = {r["ISO3"]: r for r in records(cc)}
    iso3s = sorted(set(cc_members["ISO3"]) | set(hand_by_iso))

    # Which registry rows hold each COW code: hand rows claim theirs, the rest are matched by name.
    cow_claims: dict[int, list[str]] = defaultdict(list)
    extra_cow: dict[int, str] = {}
    for iso3, r in hand_by_iso.items():
        if r["cow_code"]:
            cow_claims[int(r["cow_code"])].append(iso3)
        for code in filter(None, r["extra_cow_codes"].split("|")):
            extra_cow[int(code)] = iso3
    for raw_code, group in cow.groupby("ccode", sort=True):
        ccode = int(str(raw_code))
        if ccode in cow_claims or ccode in extra_cow:
            continue
        match = cc_match(converter, str(group["statenme"].iloc[0]))
        if match is None or match not in iso3s:
            raise SystemExit(
                f"COW state {ccode} {group['statenme'].iloc[0]!r} matches no registry state: "
                "add a row to hand/states_hand.csv"
            )
        cow_claims[ccode].append(match)
    iso_to_cow: dict[str, int] = {}
    for ccode, owners in cow_claims.items():
        for iso3 in owners:
            if iso3 in iso_to_cow:
                raise SystemExit(f"{iso3} gets COW codes {iso_to_cow[iso3]} and {ccode}: fix states_hand.csv")
            iso_to_cow[iso3] = ccode

    primary_capital = {
        r["iso3"]: r["name"] for r in records(capitals) if r["primary"] == "1" and r["kind"] == "capital"
    }

    rows = []
    for iso3 in iso3s:
        c = cc_by_iso.get(iso3) if iso3 in set(cc["ISO3"]) else None
        h = hand_by_iso.get(iso3, {})
        refs: list[str] = []
        row = dict.fromkeys(STATE_COLUMNS, "")
        row["iso3"] = iso3
        if c is not None:
            country = pycountry.countries.get(alpha_3=iso3)
            row["iso2"] = (
                country.alpha_2 if country is not None else (c["ISO2"] if len(c["ISO2"]) == 2 else "")
            )
            row["m49"] = c["UNcode"]
            row["name_short"] = c["name_short"]
            row["name_official"] = c["name_official"]
            row["un_status"] = "member" if c["UNmember"] else "non_member"
            row["historical"] = "0"
            row["source_id"] = "country_converter"
            refs.append(f"country_data.tsv line {c['line']}")
        else:
            row["source_id"] = "hand"
        own_code = iso_to_cow.get(iso3)
        if own_code is not None:
            spells = cow[cow["ccode"] == own_code]
            row["cow_code"] = str(own_code)
            row["cow_abbr"] = str(spells["stateabb"].iloc[0])
            first, last = spells.iloc[0], spells.iloc[-1]
            row["exists_from"] = cow_date(first["styear"], first["stmonth"], first["stday"])
            end = cow_date(last["endyear"], last["endmonth"], last["endday"])
            # COW's 2016 version closes every surviving state on 2016-12-31.
            row["exists_to"] = "" if end == "2016-12-31" else end
            refs.append(f"cow_igo states.parquet row {','.join(spells['row'])}")
        for column in STATE_COLUMNS:
            if column in h and h[column] and column not in ("source_ref",):
                row[column] = h[column]
        if h:
            refs.append(h["source_ref"])
        row["capital"] = primary_capital.get(iso3, "")
        if row["un_status"] == "member" and not row["un_admission"]:
            raise SystemExit(f"{iso3}: UN member without an admission date in states_hand.csv")
        if c is not None and c["UNmember"] and row["un_admission"][:4] != c["UNmember"]:
            print(
                f"note: {iso3} admitted {row['un_admission']} (UN page);"
                f" country_converter says {c['UNmember']}",
                file=sys.stderr,
            )
        row["source_ref"] = " ; ".join(dict.fromkeys(r for r in refs if r))
        rows.append(row)
    states = pd.DataFrame(rows, columns=STATE_COLUMNS)
    # Historical rows first: a reader that maps cow_code -> iso3 with a plain dict keeps the last
    # row, so a COW code shared across periods (345, 365) lands on the state that exists today.
    states = states.sort_values(["historical", "iso3"], ascending=[False, True], kind="mergesort")
    extra = {iso3: [str(code) for code, owner in extra_cow.items() if owner == iso3] for iso3 in iso3s}
    return states, extra, cow, capitals


def add_state_names(table: AliasTable, states: pd.DataFrame) -> None:
    for r in records(states):
        for column in ("name_short", "name_official"):
            if r[column]:
                table.add(r["iso3"], r[column], "name", r["source_id"], r["source_ref"].split(" ; ")[0])


def add_pycountry_names(table: AliasTable, states: pd.DataFrame) -> None:
    registry = set(states["iso3"])
    for iso3 in sorted(registry):
        country = pycountry.countries.get(alpha_3=iso3)
        if country is None:
            continue
        for attr in ("name", "official_name", "common_name"):
            value = getattr(country, attr, None)
            if value:
                # pycountry writes some official names with an article ("the State of Palestine").
                value = value[4:] if value.startswith("the ") else value
                table.add(iso3, value, "name", "pycountry", f"countries alpha_3={iso3} {attr}")
    for old in sorted(pycountry.historic_countries, key=lambda c: c.alpha_3):
        if old.alpha_3 in registry:
            table.add(old.alpha_3, old.name, "name", "pycountry", f"historic_countries alpha_3={old.alpha_3}")
        elif old.alpha_3 in RENAMED_HISTORIC_CODES:
            table.add(
                RENAMED_HISTORIC_CODES[old.alpha_3],
                old.name,
                "alias",
                "pycountry",
                f"historic_countries alpha_3={old.alpha_3}",
            )


def add_cow_names(
    table: AliasTable, states: pd.DataFrame, cow: pd.DataFrame, extra: dict[str, list[str]]
) -> None:
    by_code: dict[int, list[dict[str, str]]] = defaultdict(list)
    for r in records(states):
        if r["cow_code"]:
            by_code[int(r["cow_code"])].append(r)
    iso_codes = set(states["iso3"]) | set(states["iso2"])
    for raw_code, group in cow.groupby("ccode", sort=True):
        ccode = int(str(raw_code))
        first = group.iloc[0]
        name, abbr, ref = str(first["statenme"]), str(first["stateabb"]), f"states.parquet row {first['row']}"
        owners = by_code.get(ccode, [])
        owners_extra = [iso3 for iso3, codes in extra.items() if str(ccode) in codes]
        if owners_extra:
            iso3 = owners_extra[0]
            table.add(iso3, name, "name", "cow_igo", ref)
            table.add(iso3, str(ccode), "cow_code", "cow_igo", ref)
            if abbr not in iso_codes:
                table.add(iso3, abbr, "code", "cow_igo", ref)
            continue
        if not owners:
            continue
        # COW keeps one code where the registry has several states: the name goes to the row it
        # names, else to the state that exists today.
        named = [r for r in owners if norm(r["name_short"]) == norm(name)]
        current = [r for r in owners if r["historical"] != "1"]
        owner = (named or current or owners)[0]
        table.add(owner["iso3"], name, "name", "cow_igo", ref)
        if not owner["iso3"].startswith("COW_") and (abbr == owner["iso3"] or abbr not in iso_codes):
            table.add(owner["iso3"], abbr, "code", "cow_igo", ref)


def add_codes(table: AliasTable, states: pd.DataFrame) -> None:
    iso2_counts = states["iso2"][states["iso2"] != ""].value_counts()
    for r in records(states):
        ref = r["source_ref"].split(" ; ")[0]
        if not r["iso3"].startswith("COW_"):
            table.add(r["iso3"], r["iso3"], "code", r["source_id"], ref)
        # ISO reused CS for Czechoslovakia and later Serbia and Montenegro: neither gets it.
        if r["iso2"] and iso2_counts[r["iso2"]] == 1:
            table.add(r["iso3"], r["iso2"], "code", r["source_id"], ref)


def add_capitals(table: AliasTable, capitals: pd.DataFrame, registry: set[str]) -> None:
    for i, r in enumerate(records(capitals)):
        if r["iso3"] not in registry:
            raise SystemExit(f"capitals.csv line {i + 2}: unknown iso3 {r['iso3']}")
        if r["emit_alias"] == "1":
            table.add(r["iso3"], r["name"], r["kind"], "hand", r["source_ref"])


def read_hand_aliases(registry: set[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    hand = read_csv_str(HAND_DIR / "state_aliases_hand.csv")
    hand["line"] = [str(i + 2) for i in range(len(hand))]
    unknown = sorted(set(hand["iso3"]) - registry)
    if unknown:
        raise SystemExit(f"state_aliases_hand.csv: unknown iso3 {unknown}")
    return hand[hand["action"] == "add"], hand[hand["action"] == "drop"]


def add_hand_aliases(table: AliasTable, adds: pd.DataFrame) -> None:
    for r in records(adds):
        table.add(r["iso3"], r["alias"], r["kind"], "hand", r["source_ref"])


def add_demonyms(table: AliasTable, shared: Path, registry: set[str]) -> list[str]:
    """Demonyms and other names from the NGEC table, without its overseas territories."""
    converter = make_converter()
    demonyms = read_csv_str(shared / "data" / "reference" / "countries_demonyms.csv")
    names_of: dict[str, set[str]] = defaultdict(set)
    for key, isos in table.index(("name", "alias")).items():
        names_of[loose(key)] |= isos
    dropped: list[str] = []
    for i, r in enumerate(records(demonyms)):
        iso3 = r["CCA3"]
        if iso3 not in registry:  # EUR, UNO and the breakaway entities (GEOPRE, UKRPRE, ...)
            continue
        ref = f"countries_demonyms.csv line {i + 2}"
        tokens = [t.strip() for t in r["Nationality"].split(",") if t.strip()]
        for token in dict.fromkeys(tokens):
            match = cc_match(converter, token)
            if match is not None and match != iso3:
                dropped.append(f"{iso3}: {token} ({match})")  # a territory listed under its parent
                continue
            is_name = (
                iso3 in names_of.get(loose(token), set())
                or bool(NAME_WORDS.search(token) and " " in token)
                or re.fullmatch(r"[A-Z.]{2,}", token) is not None
            )
            kind = "alias" if is_name else "demonym"
            table.add(iso3, token, kind, DEMONYM_SOURCE_ID, ref)
            if (
                kind == "demonym"
                and " " not in token
                and PLURAL_S.search(token)
                and not NO_PLURAL.search(token)
                and "-" not in token
            ):
                table.add(iso3, token + "s", "demonym", DEMONYM_SOURCE_ID, f"{ref} (plural of {token})")
    return dropped


@dataclass
class SourceName:
    name: str
    source_id: str
    source_ref: str
    hint: str = ""  # the source's own code for it, to check our match


def dataset_names(shared: Path) -> list[SourceName]:
    """Every state name used by the UNDL scrape, unvotes, the UNSC list and the BSV ideal points."""
    out: list[SourceName] = []
    with zipfile.ZipFile(
        shared / "data" / "undl-resolutions-1946-2021" / "undl_scrape_GA_SC_1946_2021_wide.csv.zip"
    ) as z:
        with z.open("UN DATA.csv") as f:
            header = pd.read_csv(f, nrows=0, encoding="utf-8-sig").columns.tolist()
    from comity.votes._load import UNDL_SCRAPE_HEADER_FIXES

    for i, column in enumerate(header[11:], start=12):
        # Scraping artefacts ("AY SWEDEN") are fixed as the vote loader fixes them: no alias of a state.
        column = UNDL_SCRAPE_HEADER_FIXES.get(column.strip(), column)
        if column.strip() not in UNDL_NOT_STATES:
            out.append(SourceName(column, "undl", f"UN DATA.csv header column {i}"))
    votes = pd.read_parquet(
        shared / "data" / "unga-votes" / "votes.parquet", columns=["country", "country_code"]
    )
    votes = votes.drop_duplicates("country").sort_values("country")
    for r in records(votes):
        out.append(SourceName(r["country"], "unvotes", "votes.parquet country", r["country_code"] or ""))
    unsc = pd.read_csv(shared / "data" / "unsc" / "elected_members_1946_2019.csv", dtype=str)
    for i, name in enumerate(unsc["country"]):
        out.append(SourceName(name, "unsc_elected", f"elected_members_1946_2019.csv line {i + 2}"))
    bsv = pd.read_csv(
        shared / "data" / "bsv-ideal-points" / "IdealpointsJuly2025.csv",
        dtype=str,
        usecols=["iso3c", "countryname"],
    )
    for i, (iso3c, countryname) in enumerate(zip(bsv["iso3c"], bsv["countryname"], strict=True)):
        if isinstance(countryname, str):
            out.append(
                SourceName(
                    fix_mojibake(countryname),
                    "bsv_idealpoints",
                    f"IdealpointsJuly2025.csv line {i + 2}",
                    str(iso3c),
                )
            )
    return out


def add_dataset_names(table: AliasTable, states: pd.DataFrame, shared: Path) -> list[str]:
    """Map each data set's state names to one registry state and record them as names."""
    converter = make_converter()
    registry = set(states["iso3"])
    iso2_of = {r["iso3"]: r["iso2"] for r in records(states)}
    problems: list[str] = []
    seen: set[tuple[str, str]] = set()
    name_index = table.index(("name",))
    any_index = table.index()
    row_of = {(row["iso3"], row["alias"]): row for row in table.rows}
    for item in dataset_names(shared):
        key = (item.source_id, norm(item.name))
        if key in seen:
            continue
        seen.add(key)
        names = name_index.get(norm(item.name), set())
        anything = any_index.get(norm(item.name), set())
        if len(names) == 1:
            iso3 = next(iter(names))
        elif not names and len(anything) == 1:
            iso3 = next(iter(anything))
        elif not names and not anything:
            match = cc_match(converter, item.name.strip())
            if match is None or match not in registry:
                problems.append(f"{item.source_id}: {item.name!r} matches no state")
                continue
            iso3 = match
        else:
            problems.append(f"{item.source_id}: {item.name!r} is ambiguous: {sorted(names or anything)}")
            continue
        hint_ok = not item.hint or item.hint in (iso3, iso2_of[iso3])
        if not hint_ok and not (item.source_id == "bsv_idealpoints" and iso3 == "YMD" and item.hint == "YAR"):
            problems.append(f"{item.source_id}: {item.name!r} -> {iso3} but the source says {item.hint}")
        alias = item.name.replace("\xa0", " ").strip()
        if (iso3, alias) not in row_of:
            table.add(iso3, alias, "name", item.source_id, item.source_ref)
            row_of[(iso3, alias)] = table.rows[-1]
        # A form the UN's data sets use is a name, whatever kind an earlier source gave it.
        row_of[(iso3, alias)]["kind"] = "name"
        name_index.setdefault(norm(alias), set()).add(iso3)
        any_index.setdefault(norm(alias), set()).add(iso3)
    return problems


def apply_drops(table: AliasTable, drops: pd.DataFrame) -> None:
    unwanted = {(r["iso3"], norm(r["alias"])) for r in records(drops)}
    table.rows = [r for r in table.rows if (r["iso3"], norm(r["alias"])) not in unwanted]


def check_sources(states: pd.DataFrame, aliases: pd.DataFrame, out_dir: Path) -> None:
    sources_path = out_dir / "sources.csv"
    if not sources_path.exists():
        sources_path = DATA_DIR / "sources.csv"
    known = set(read_csv_str(sources_path)["source_id"])
    missing = (set(states["source_id"]) | set(aliases["source_id"])) - known
    if missing:
        raise SystemExit(f"sources.csv lacks {sorted(missing)}")


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        frame.to_csv(f, index=False, lineterminator="\n", quoting=csv.QUOTE_MINIMAL)


def generate(out_dir: Path, shared: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    states, extra, cow, capitals = build_states(shared)
    registry = set(states["iso3"])
    table = AliasTable()
    add_hand_aliases_first, drops = read_hand_aliases(registry)
    add_state_names(table, states)
    add_hand_aliases(table, add_hand_aliases_first)
    add_pycountry_names(table, states)
    add_cow_names(table, states, cow, extra)
    add_codes(table, states)
    add_capitals(table, capitals, registry)
    apply_drops(table, drops)
    dropped = add_demonyms(table, shared, registry)
    apply_drops(table, drops)
    problems = add_dataset_names(table, states, shared)
    for line in dropped:
        print(f"demonym table: dropped territory {line}", file=sys.stderr)
    if problems:
        raise SystemExit("unresolved data set names:\n  " + "\n  ".join(problems))

    aliases = pd.DataFrame(table.rows, columns=ALIAS_COLUMNS)
    kind_order = {k: i for i, k in enumerate(ALIAS_KINDS)}
    aliases = (
        aliases.assign(_k=aliases["kind"].map(kind_order), _a=aliases["alias"].map(norm))
        # Names first: readers that keep the first row per surface form then get the unambiguous one.
        .sort_values(["_k", "iso3", "_a", "alias"], kind="mergesort")
        .drop(columns=["_k", "_a"])
    )
    ambiguous_names = {
        alias: isos for alias, isos in AliasTable(rows=table.rows).index(("name",)).items() if len(isos) > 1
    }
    if ambiguous_names:
        raise SystemExit(f"names that map to several states: {ambiguous_names}")
    check_sources(states, aliases, out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(states, out_dir / "states.csv")
    write_csv(aliases, out_dir / "state_aliases.csv")
    return states, aliases


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="directory to write the CSV files into")
    parser.add_argument("--shared", type=Path, default=DEFAULT_SHARED, help="the shared inputs (holds data/)")
    args = parser.parse_args(argv)
    states, aliases = generate(args.out, args.shared)
    print(f"wrote {len(states)} states and {len(aliases)} aliases to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
