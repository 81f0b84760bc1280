"""Checks of the shipped states table and state names (src/comity/registry/data)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "src" / "comity" / "registry" / "data"
SHARED = Path(os.environ.get("COMITY_SHARED") or REPO.parent / "shared") / "data"
GENERATOR = REPO / "scripts" / "make_states.py"

STATE_HEADER = (
    "iso3,iso2,m49,cow_code,cow_abbr,name_short,name_official,capital,un_status,un_admission,un_end,"
    "exists_from,exists_to,historical,continued_by,source_id,source_ref"
)
ALIAS_HEADER = "iso3,alias,kind,source_id,source_ref"
HISTORICAL = {"SUN", "YUG", "CSK", "DDR", "YAR", "YMD", "ZAN", "SCG", "COW_BAV", "COW_AUH", "COW_RVN"}
# Surface forms that name more than one state on purpose; README.md (## States) explains each.
DOCUMENTED_AMBIGUOUS = {
    "congo": {"COG", "COD"},
    "congolese": {"COG", "COD"},
    "korea": {"KOR", "COW_KOR"},
}
# Columns of the UN Digital Library scrape that are not states.
UNDL_NOT_STATES = {"DONOTKNOW"}

# The shared_dir fixture skips these (or fails them under COMITY_REQUIRE_SHARED=1) without shared data.
needs_shared = pytest.mark.usefixtures("shared_dir")


def norm(text: str) -> str:
    return text.replace("\xa0", " ").strip().casefold()


def fix_mojibake(text: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


@pytest.fixture(scope="module")
def states() -> pd.DataFrame:
    return pd.read_csv(DATA / "states.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def aliases() -> pd.DataFrame:
    return pd.read_csv(DATA / "state_aliases.csv", dtype=str, keep_default_na=False, encoding="utf-8")


@pytest.fixture(scope="module")
def name_index(aliases: pd.DataFrame) -> dict[str, set[str]]:
    index: dict[str, set[str]] = {}
    for alias, iso3 in zip(
        aliases.loc[aliases["kind"] == "name", "alias"],
        aliases.loc[aliases["kind"] == "name", "iso3"],
        strict=True,
    ):
        index.setdefault(norm(alias), set()).add(iso3)
    return index


def test_states_data_headers_are_exact() -> None:
    assert (DATA / "states.csv").read_text(encoding="utf-8").splitlines()[0] == STATE_HEADER
    assert (DATA / "state_aliases.csv").read_text(encoding="utf-8").splitlines()[0] == ALIAS_HEADER
    sources_header = (DATA / "sources.csv").read_text(encoding="utf-8").splitlines()[0]
    assert sources_header == "source_id,title,url,licence,note"


def test_states_data_has_193_members_and_two_observers(states: pd.DataFrame) -> None:
    assert (states["un_status"] == "member").sum() == 193
    assert set(states.loc[states["un_status"] == "observer", "iso3"]) == {"PSE", "VAT"}
    assert states.loc[states["iso3"] == "XKX", "un_status"].item() == "non_member"
    twn = states.set_index("iso3").loc["TWN"]
    assert (twn["un_status"], twn["un_admission"], twn["un_end"]) == (
        "former_member",
        "1945-10-24",
        "1971-10-25",
    )
    assert set(states["un_status"]) <= {"member", "observer", "non_member", "former_member"}


def test_states_data_iso3_unique_and_historical_present(states: pd.DataFrame) -> None:
    assert states["iso3"].is_unique
    by_iso = states.set_index("iso3")
    assert HISTORICAL <= set(by_iso.index)
    assert (by_iso.loc[sorted(HISTORICAL), "historical"] == "1").all()
    assert by_iso.loc["SUN", "continued_by"] == "RUS"
    assert set(states["continued_by"]) - {""} <= set(states["iso3"])
    # ids that are not ISO codes cannot collide with them
    assert all(len(i) == 3 or i.startswith("COW_") for i in states["iso3"])


def test_states_data_known_admission_dates(states: pd.DataFrame) -> None:
    adm = states.set_index("iso3")["un_admission"]
    expected = {
        "USA": "1945-10-24",
        "CHN": "1945-10-24",
        "RUS": "1945-10-24",
        "DEU": "1973-09-18",
        "SSD": "2011-07-14",
        "MNE": "2006-06-28",
        "TLS": "2002-09-27",
        "CHE": "2002-09-10",
        "ZAN": "1963-12-16",
        "PSE": "",
        "VAT": "",
    }
    assert {k: adm[k] for k in expected} == expected


def test_states_data_dates_are_valid_and_not_in_future(states: pd.DataFrame) -> None:
    today = dt.date.today()
    for column in ("un_admission", "un_end", "exists_from", "exists_to"):
        for iso3, value in zip(states["iso3"], states[column], strict=True):
            if not value:
                continue
            parsed = dt.date.fromisoformat(value)  # raises on a bad date
            assert parsed <= today, (iso3, column, value)
    members = states[states["un_status"] == "member"]
    assert (members["un_admission"].str.len() == 10).all()
    closed = states[(states["un_end"] != "") & (states["un_admission"] != "")]
    assert (closed["un_admission"] < closed["un_end"]).all()


def test_states_data_capitals_for_current_states(states: pd.DataFrame) -> None:
    current = states[states["historical"] == "0"]
    missing = sorted(current.loc[current["capital"] == "", "iso3"])
    assert missing == []


def test_states_data_sources_listed(states: pd.DataFrame, aliases: pd.DataFrame) -> None:
    sources = pd.read_csv(DATA / "sources.csv", dtype=str, keep_default_na=False)
    assert sources["source_id"].is_unique
    used = set(states["source_id"]) | set(aliases["source_id"])
    assert used <= set(sources["source_id"])
    assert (states["source_ref"] != "").all() and (aliases["source_ref"] != "").all()


def test_states_data_aliases_well_formed(states: pd.DataFrame, aliases: pd.DataFrame) -> None:
    assert set(aliases["kind"]) <= {"name", "alias", "demonym", "capital", "government", "code", "cow_code"}
    assert set(aliases["iso3"]) <= set(states["iso3"])
    assert not aliases.duplicated(["iso3", "alias"]).any()
    assert (aliases["alias"] == aliases["alias"].str.strip()).all()


@pytest.mark.parametrize(
    ("surface", "iso3"),
    [
        ("Beijing", "CHN"),
        ("Kremlin", "RUS"),
        ("Emirati", "ARE"),
        ("White House", "USA"),
        ("Downing Street", "GBR"),
        ("USSR", "SUN"),
        ("West Germany", "DEU"),
        ("Ivory Coast", "CIV"),
        ("DPRK", "PRK"),
        ("Holy See", "VAT"),
        ("Pyongyang", "PRK"),
        ("Tehran", "IRN"),
        ("Palestinian", "PSE"),
    ],
)
def test_states_data_alias_resolves(aliases: pd.DataFrame, surface: str, iso3: str) -> None:
    hits = set(aliases.loc[aliases["alias"].map(norm) == norm(surface), "iso3"])
    assert hits == {iso3}


@pytest.mark.parametrize(
    "territory",
    [
        "Greenland",
        "Greenlander",
        "Puerto Rico",
        "Puerto Rican",
        "Aruba",
        "Falkland Islands",
        "Bermuda",
        "Guam",
        "England",
        "Scotland",
        "Manx",
        "New Caledonia",
        "Faroese",
        "Curaçao",
    ],
)
def test_states_data_territories_are_not_aliases(aliases: pd.DataFrame, territory: str) -> None:
    # The demonym table lists overseas territories under their parent state; they are not its names.
    assert set(aliases.loc[aliases["alias"].map(norm) == norm(territory), "iso3"]) == set()


@pytest.mark.parametrize(("name", "actor"), [("Hong Kong", "HKG"), ("Macao", "MAC"), ("Macau", "MAC")])
def test_states_data_wto_territories_name_themselves(aliases: pd.DataFrame, name: str, actor: str) -> None:
    # Hong Kong and Macao are actors of their own (WTO members), never names of China.
    assert set(aliases.loc[aliases["alias"].map(norm) == norm(name), "iso3"]) == {actor}


def test_states_data_no_undocumented_ambiguity(aliases: pd.DataFrame) -> None:
    groups = aliases.groupby(aliases["alias"].map(norm))["iso3"].agg(lambda s: set(s))
    ambiguous = {alias: isos for alias, isos in groups.items() if len(isos) > 1}
    assert ambiguous == DOCUMENTED_AMBIGUOUS


def test_states_data_names_are_unambiguous(name_index: dict[str, set[str]]) -> None:
    assert {k: v for k, v in name_index.items() if len(v) > 1} == {}


def source_names() -> list[tuple[str, str]]:
    names: list[tuple[str, str]] = []
    with zipfile.ZipFile(
        SHARED / "undl-resolutions-1946-2021" / "undl_scrape_GA_SC_1946_2021_wide.csv.zip"
    ) as z:
        with z.open("UN DATA.csv") as f:
            header = pd.read_csv(f, nrows=0, encoding="utf-8-sig").columns.tolist()
    assert header[:11] == [
        "Council",
        "Date",
        "Title",
        "Resolution",
        "TOTAL VOTES",
        "NO-VOTE COUNT",
        "ABSENT COUNT",
        "NO COUNT",
        "YES COUNT",
        "Link",
        "token",
    ]
    assert len(header) - 11 == 259
    from comity.votes._load import UNDL_SCRAPE_HEADER_FIXES

    # The vote loader fixes scraping artefacts ("AY SWEDEN") before it resolves names, as here.
    fixed = [UNDL_SCRAPE_HEADER_FIXES.get(c.strip(), c) for c in header[11:]]
    names += [("undl", c) for c in fixed if c.strip() not in UNDL_NOT_STATES]
    votes = pd.read_parquet(SHARED / "unga-votes" / "votes.parquet", columns=["country"])
    names += [("unvotes", c) for c in sorted(votes["country"].unique())]
    unsc = pd.read_csv(SHARED / "unsc" / "elected_members_1946_2019.csv", dtype=str)
    names += [("unsc", c) for c in sorted(unsc["country"].unique())]
    bsv = pd.read_csv(SHARED / "bsv-ideal-points" / "IdealpointsJuly2025.csv", dtype=str)
    names += [("bsv", fix_mojibake(c)) for c in sorted(bsv["countryname"].dropna().unique())]
    return names


@needs_shared
def test_states_data_every_source_name_resolves(name_index: dict[str, set[str]]) -> None:
    names = source_names()
    assert len({n for s, n in names if s == "unvotes"}) == 200
    failures = [
        (s, n, sorted(name_index.get(norm(n), set())))
        for s, n in names
        if len(name_index.get(norm(n), set())) != 1
    ]
    for failure in failures:
        print("unresolved:", failure)
    assert failures == []


@needs_shared
def test_states_data_source_names_map_to_expected_states(name_index: dict[str, set[str]]) -> None:
    expected = {
        "Federal Republic of Germany": "DEU",
        "GERMANY, FEDERAL REPUBLIC OF": "DEU",
        "USSR": "SUN",
        "Yemen People's Republic": "YMD",
        "Yemen Arab Republic": "YAR",
        "Zanzibar": "ZAN",
        "Taiwan": "TWN",
        "UNITED REPUBLIC OF TANZANIA": "TZA",
        "Congo - Brazzaville": "COG",
        "Congo - Kinshasa": "COD",
        "St. Kitts & Nevis": "KNA",
        "Myanmar (Burma)": "MMR",
        "BYELORUSSIAN SSR": "BLR",
        "East Germany": "DDR",
        "SERBIA AND MONTENEGRO": "SCG",
        "Côte d’Ivoire": "CIV",
        "German Federal Republic": "DEU",
    }
    assert {k: next(iter(name_index[norm(k)])) for k in expected} == expected


@needs_shared
def test_states_data_regeneration_is_identical(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(out), "--shared", str(SHARED.parent)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    for name in ("states.csv", "state_aliases.csv"):
        assert (out / name).read_bytes() == (DATA / name).read_bytes(), name


def test_scrape_artefacts_are_not_aliases(registry: Any) -> None:
    """Garbled column headers of the UNDL scrape ("AY SWEDEN") are fixed by the vote loader, so they
    are no names of states: a search for one finds no alias spelt that way."""
    from comity.votes._load import UNDL_SCRAPE_HEADER_FIXES

    for garbled in UNDL_SCRAPE_HEADER_FIXES:
        hits = registry.search(garbled, limit=5)
        assert all(getattr(h, "alias", None) != garbled for h in hits), garbled
    # The fixed names still resolve, so the loader maps every column.
    assert registry.resolve_state("UNION OF SOUTH AFRICA") == "ZAF"
    assert registry.resolve_state("UNITED STATES") == "USA"
