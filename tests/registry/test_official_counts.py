"""The registry against the member counts the bodies themselves publish, on given dates.

Each row names its source. Bodies whose lists are still being compiled are marked ``pending``
with the data they lack: their test is an xfail(strict), so it turns red as soon as the data
makes it pass (then drop the mark). The other rows are checked together, and every mismatch is
reported at once.
"""

from __future__ import annotations

from typing import NamedTuple

import pytest

from comity.registry import Registry


class Count(NamedTuple):
    body: str
    on: str
    expected: int
    source: str
    pending: str | None = None


COUNTS = [
    Count("UN", "2025-01-01", 193, "https://www.un.org/en/about-us/member-states"),
    Count("UN", "2011-07-14", 193, "https://www.un.org/en/about-us/member-states (South Sudan admitted)"),
    Count("UNSC", "2025-01-01", 15, "UN Charter Art. 23 (as amended 1965)"),
    Count("UNSC", "1965-06-01", 11, "UN Charter Art. 23 (before the 1965 amendment)"),
    Count("UNHRC", "2024-06-01", 47, "https://www.ohchr.org/en/hr-bodies/hrc/membership (GA res. 60/251)"),
    Count(
        "PARIS_AGREEMENT",
        "2025-01-01",
        195,
        "https://unfccc.int/process/the-paris-agreement/status-of-ratification (194 states and the EU)",
    ),
    Count("UNFCCC", "2025-01-01", 198, "https://unfccc.int/process/parties-non-party-stakeholders/parties"),
    Count(
        "WHO",
        "2025-01-01",
        194,
        "https://www.who.int/countries (194 Member States)",
    ),
    Count(
        "UNESCO",
        "2025-01-01",
        194,
        "https://www.unesco.org/en/countries (194 Member States, 12 Associate Members)",
    ),
    Count(
        "WTO",
        "2025-01-01",
        166,
        "https://www.wto.org/english/thewto_e/whatis_e/tif_e/org6_e.htm (166 members since 2024-08-30)",
    ),
    Count(
        "ICC",
        "2025-01-01",
        125,
        "https://asp.icc-cpi.int/states-parties (Ukraine the 125th State Party from 2025-01-01)",
    ),
    Count(
        "ECOSOC",
        "2025-01-01",
        54,
        "https://ecosoc.un.org/en/about-us/members (UN Charter Art. 61)",
        pending="ECOSOC members by year: only 2020-2021 and some cohorts are compiled (registry-data-un)",
    ),
    # Groups (hand lists; counts are full members, suspended members included, as the bodies count them)
    Count(
        "NATO", "2024-06-01", 32, "https://www.nato.int/cps/en/natohq/topics_52044.htm (Sweden 2024-03-07)"
    ),
    Count(
        "EU",
        "2024-06-01",
        27,
        "https://european-union.europa.eu/principles-countries-history/country-profiles_en",
    ),
    Count(
        "AU",
        "2023-10-01",
        55,
        "https://en.wikipedia.org/wiki/Member_states_of_the_African_Union (55; six suspended)",
    ),
    Count(
        "ASEAN",
        "2026-01-01",
        11,
        "https://en.wikipedia.org/wiki/ASEAN (Timor-Leste the 11th member, 2025-10-26)",
    ),
    Count("G20", "2024-06-01", 21, "https://www.consilium.europa.eu/en/policies/g20/ (19 states, EU, AU)"),
    Count(
        "BRICS",
        "2025-06-01",
        10,
        "https://en.wikipedia.org/wiki/BRICS (Indonesia the tenth member, 2025-01-06)",
    ),
    Count("SCO", "2025-01-01", 10, "https://tass.com/world/2010381/amp (ten member states)"),
    Count(
        "OPEC", "2025-01-01", 12, "https://primebusiness.africa/?p=110775 (Angola's exit reduces OPEC to 12)"
    ),
    Count("OPEC", "2019-06-01", 14, "https://www.azernews.az/region/141979.html (Qatar left 2019-01-01)"),
    Count("ARAB_LEAGUE", "2020-01-01", 22, "https://en.wikipedia.org/wiki/Member_states_of_the_Arab_League"),
    Count(
        "COMMONWEALTH",
        "2024-06-01",
        56,
        "https://www.kfm.co.ug/news/gabon-and-togo-admitted-to-commonwealth.html (56 members)",
    ),
    Count(
        "ECOWAS",
        "2025-06-01",
        12,
        "https://en.wikipedia.org/wiki/Economic_Community_of_West_African_States (15 less 3)",
    ),
    Count(
        "EAEU",
        "2025-01-01",
        5,
        "https://en.irna.ir/news/85498880/Russia-welcomes-Iran-s-request-to-join-Eurasian-Economic-Union",
    ),
    Count(
        "CSTO",
        "2025-01-01",
        6,
        "https://en.wikipedia.org/wiki/Collective_Security_Treaty_Organization (Armenia frozen)",
    ),
    Count(
        "MERCOSUR",
        "2025-01-01",
        6,
        "https://datamarnews.com/noticias/mercosur-summit-in-asuncion-bestows-full-member-status-to-bolivia",
    ),
    Count(
        "NAM",
        "2025-01-01",
        121,
        "https://en.wikipedia.org/wiki/Non-Aligned_Movement (South Sudan 2024-01-19)",
    ),
    Count("G77", "2025-01-01", 134, "https://www.g77.org/doc/members.html"),
]


def _mismatch(registry: Registry, row: Count) -> str | None:
    members = registry.members(row.body, on=row.on)
    if len(members) == row.expected:
        return None
    coverage = members.attrs["coverage"]
    return (
        f"{row.body} on {row.on}: {len(members)}, official {row.expected} "
        f"({row.source}; coverage {coverage.status})"
    )


def test_official_counts_of_compiled_bodies(registry: Registry) -> None:
    mismatches = [m for row in COUNTS if row.pending is None if (m := _mismatch(registry, row))]
    assert mismatches == [], "\n".join(mismatches)


@pytest.mark.parametrize(
    "row",
    [
        pytest.param(row, id=f"{row.body}-{row.on}", marks=pytest.mark.xfail(strict=True, reason=row.pending))
        for row in COUNTS
        if row.pending is not None
    ],
)
def test_official_counts_of_bodies_still_compiled(registry: Registry, row: Count) -> None:
    assert _mismatch(registry, row) is None


def test_a_full_count_has_complete_coverage(registry: Registry) -> None:
    """Where the count is right, the registry also says its list is complete (or partial with a reason)."""
    for row in COUNTS:
        if row.pending is None:
            coverage = registry.coverage(row.body, on=row.on)
            assert coverage.status in {"complete", "partial"}, row
            assert coverage.status == "complete" or coverage.how, row
