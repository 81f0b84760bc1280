"""Thirty-one membership questions as users ask them, answered through the public registry API.

Each question carries the answer a public reference gives (the URL is in the row) and is asked
through :class:`~comity.registry.Registry` (``members``, ``timeline``, ``coverage``). A question
comes out one of three ways:

* ``right``: the API gives the reference's answer (a "no" counts only from a complete list);
* ``partial``: the answer differs, but the API says its list is not complete on that date
  (``coverage.status`` ``partial`` or ``unknown``): an honest "I do not know all of it";
* ``wrong``: the answer differs and the API claims a complete list. This fails the test.

Questions the registry still gets wrong carry ``gap`` (why, and what data would fix it): they are
``xfail(strict=True)``, so they turn red once the data makes them right (then drop the gap).

Run ``python tests/registry/test_membership_questions.py`` for the table and the tally.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import pytest

from comity.registry import Registry

#: The actions of a timeline that end a membership.
_EXITS = ("withdraw", "leave", "expel")


class Question(NamedTuple):
    id: str
    ask: str
    #: 'status' (the actor's kind on the date, None if absent), 'count', 'who' (the full members),
    #: 'suspended' (who is suspended) or 'left' (the date the actor's last spell ended).
    how: str
    body: str
    on: str | None
    expected: object
    source: str
    actor: str | None = None
    gap: str | None = None


Q = Question
QUESTIONS = [
    # -- the UN and its organs -------------------------------------------------------------
    Q(
        "un-1990",
        "How many members did the UN have in June 1990?",
        "count",
        "UN",
        "1990-06-01",
        159,
        "https://www.un.org/en/about-us/growth-in-un-membership (159 after the two Yemens merged on "
        "1990-05-22; Namibia 1990-04-23)",
    ),
    Q(
        "un-che-2000",
        "Was Switzerland a UN member in 2000?",
        "status",
        "UN",
        "2000-06-01",
        None,
        "https://www.un.org/en/about-us/member-states (Switzerland admitted 2002-09-10)",
        actor="CHE",
    ),
    Q(
        "unsc-1990",
        "Who sat on the Security Council in mid-1990?",
        "who",
        "UNSC",
        "1990-06-01",
        frozenset(
            {
                "CAN",
                "CHN",
                "CIV",
                "COD",
                "COL",
                "CUB",
                "ETH",
                "FIN",
                "FRA",
                "GBR",
                "MYS",
                "ROU",
                "SUN",
                "USA",
                "YEM",
            }
        ),
        "https://psdata.un.org/dataset/DPPA-SCMembership (1990: the P5, Canada, Colombia, Cote "
        "d'Ivoire, Cuba, Ethiopia, Finland, Malaysia, Romania, Yemen, Zaire)",
    ),
    Q(
        "unsc-2027",
        "Who holds the Security Council seats in 2027?",
        "who",
        "UNSC",
        "2027-06-01",
        frozenset(
            {
                "CHN",
                "FRA",
                "GBR",
                "RUS",
                "USA",
                "BHR",
                "COL",
                "COD",
                "LVA",
                "LBR",
                "AUT",
                "PRT",
                "KGZ",
                "TTO",
                "ZWE",
            }
        ),
        "https://psdata.un.org/dataset/DPPA-SCMembership and https://main.un.org/securitycouncil/en/content/"
        "countries-elected-members (2027, version of 2026-07-02: the P5, the "
        "2026-2027 cohort and the five elected in June 2026)",
    ),
    Q(
        "unhrc-2024",
        "How many states sat on the Human Rights Council in June 2024?",
        "count",
        "UNHRC",
        "2024-06-01",
        47,
        "https://www.ohchr.org/en/hr-bodies/hrc/membership (47 seats, GA res. 60/251)",
    ),
    Q(
        "unhrc-rus-2022",
        "Was Russia still on the Human Rights Council on 2022-05-01?",
        "status",
        "UNHRC",
        "2022-05-01",
        None,
        "https://digitallibrary.un.org/record/3967950 (A/RES/ES-11/3 suspended its rights on 2022-04-07; "
        "Russia ended its membership the same day and Czechia took the seat on 2022-05-10: "
        "https://www.vindobona.org/article/czech-republic-replaces-russia-in-un-human-rights-council)",
        actor="RUS",
    ),
    Q(
        "unhrc-lby-2011",
        "Was Libya suspended from the Human Rights Council in mid-2011?",
        "status",
        "UNHRC",
        "2011-06-01",
        "suspended",
        "https://www.un.org/press/en/2011/ga11082.doc.htm (suspended by GA res. 65/265 of 2011-03-01, "
        "restored by 66/11 of 2011-11-18)",
        actor="LBY",
    ),
    Q(
        "ecosoc-2027",
        "How many members will ECOSOC have in 2027?",
        "count",
        "ECOSOC",
        "2027-06-01",
        54,
        "UN Charter Art. 61 (54 members): https://www.un.org/en/about-us/un-charter/chapter-10",
    ),
    # -- treaties -------------------------------------------------------------------------
    Q(
        "paris-usa-2021",
        "Was the US a party to the Paris Agreement on 2021-01-01?",
        "status",
        "PARIS_AGREEMENT",
        "2021-01-01",
        None,
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XXVII-7-d&chapter=27 (US "
        "withdrawal effective 2020-11-04, back in force 2021-02-19)",
        actor="USA",
    ),
    Q(
        "paris-usa-2024",
        "Was the US a party to the Paris Agreement on 2024-06-01?",
        "status",
        "PARIS_AGREEMENT",
        "2024-06-01",
        "party",
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XXVII-7-d&chapter=27",
        actor="USA",
    ),
    Q(
        "icc-hun-left",
        "When did Hungary's exit from the ICC take effect?",
        "left",
        "ICC",
        None,
        "2026-06-02",
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-10&chapter=18 "
        "(notified 2025-06-02, effective one year later under Art. 127)",
        actor="HUN",
    ),
    Q(
        "icc-bdi-left",
        "When did Burundi leave the ICC?",
        "left",
        "ICC",
        None,
        "2017-10-27",
        "https://treaties.un.org/Pages/ViewDetails.aspx?src=TREATY&mtdsg_no=XVIII-10&chapter=18",
        actor="BDI",
    ),
    Q(
        "npt-2025",
        "How many states are parties to the NPT (2025)?",
        "count",
        "NPT",
        "2025-01-01",
        190,
        "https://treaties.unoda.org/t/npt (191 listed, the DPRK among them; its 2003 withdrawal applied)",
    ),
    Q(
        "tpnw-2025",
        "How many parties did the nuclear ban treaty have on 2025-01-01?",
        "count",
        "TPNW",
        "2025-01-01",
        73,
        "https://treaties.unoda.org/t/tpnw (73 states parties at the start of 2025)",
    ),
    # -- specialised agencies ---------------------------------------------------------------
    Q(
        "who-2025",
        "How many Member States did WHO have on 2025-01-01?",
        "count",
        "WHO",
        "2025-01-01",
        194,
        "https://www.who.int/countries (194 Member States)",
    ),
    Q(
        "who-arg-2026",
        "Is Argentina in WHO on 2026-06-01?",
        "status",
        "WHO",
        "2026-06-01",
        None,
        "https://healthpolicy-watch.news/argentina-says-its-not-withdrawing-from-pan-american-health-"
        "organization-despite-leaving-who (notified 2025-03-17; out one year later, 2026-03-17)",
        actor="ARG",
    ),
    Q(
        "who-usa-2021",
        "Was the US still in WHO in March 2021, after Trump's 2020 withdrawal?",
        "status",
        "WHO",
        "2021-03-01",
        "member",
        "https://www.beckershospitalreview.com/hospital-management-administration/"
        "u-s-sets-who-exit-date.html "
        "(the notice of 2020-07-06 was retracted on 2021-01-20, before "
        "the one-year delay ran out)",
        actor="USA",
    ),
    Q(
        "unesco-pse-2012",
        "Is Palestine a UNESCO member in 2012?",
        "status",
        "UNESCO",
        "2012-06-01",
        "member",
        "https://www.unesco.org/archives/multimedia/document-2173 (admitted by the General Conference, "
        "2011-10-31; member from 2011-11-23)",
        actor="PSE",
    ),
    Q(
        "unesco-usa-2019",
        "Was the US in UNESCO in 2019?",
        "status",
        "UNESCO",
        "2019-06-01",
        None,
        "https://www.unesco.org/en/countries (the US withdrew 2018-12-31, rejoined 2023-07-10)",
        actor="USA",
    ),
    Q(
        "unesco-usa-2024",
        "Was the US in UNESCO in 2024?",
        "status",
        "UNESCO",
        "2024-06-01",
        "member",
        "https://www.unesco.org/en/countries (the US rejoined 2023-07-10)",
        actor="USA",
    ),
    Q(
        "wto-1995",
        "How many members did the WTO have on its first day, 1995-01-01?",
        "count",
        "WTO",
        "1995-01-01",
        76,
        "https://www.wto.org/english/thewto_e/whatis_e/tif_e/org6_e.htm (76 governments members on "
        "1995-01-01, the others joined later in 1995 and after)",
    ),
    Q(
        "wto-dza-2010",
        "Was Algeria a WTO member in 2010?",
        "status",
        "WTO",
        "2010-06-01",
        None,
        "https://www.wto.org/english/thewto_e/whatis_e/tif_e/org6_e.htm (not among the members; an "
        "observer negotiating its accession)",
        actor="DZA",
    ),
    # -- groups ----------------------------------------------------------------------------
    Q(
        "brics-2024",
        "Who were the BRICS members on 2024-06-01?",
        "who",
        "BRICS",
        "2024-06-01",
        frozenset({"BRA", "RUS", "IND", "CHN", "ZAF", "EGY", "ETH", "IRN", "ARE"}),
        "https://www.dailysabah.com/world/asia-pacific/indonesia-officially-becomes-brics-member-brazil "
        "(Iran, Egypt, Ethiopia and the UAE full members in 2024; Saudi Arabia invited, not joined)",
    ),
    Q(
        "brics-idn-2025",
        "Is Indonesia in BRICS on 2025-02-01?",
        "status",
        "BRICS",
        "2025-02-01",
        "member",
        "https://sputnikglobe.com/20250106/brazil-announces-indonesia-joined-brics-as-full-member-"
        "1121370949.html (Brazil's presidency: full member 2025-01-06)",
        actor="IDN",
    ),
    Q(
        "au-suspended-2023",
        "Which states did the African Union have suspended in October 2023?",
        "suspended",
        "AU",
        "2023-10-01",
        frozenset({"MLI", "GIN", "SDN", "BFA", "NER", "GAB"}),
        "https://en.wikipedia.org/wiki/Member_states_of_the_African_Union (PSC suspensions: Mali 2021, "
        "Guinea 2021, Sudan 2021, Burkina Faso 2022, Niger 2023-08-22, Gabon 2023-08-31)",
    ),
    Q(
        "ecowas-bfa-2025",
        "Is Burkina Faso an ECOWAS member on 2025-06-01?",
        "status",
        "ECOWAS",
        "2025-06-01",
        None,
        "https://afrinz.ru/en/2024/12/ecowas-summit-sets-date-for-withdrawal-of-mali-burkina-faso-and-"
        "niger-from-the-union/ (66th summit: out from 2025-01-29 under Art. 91)",
        actor="BFA",
    ),
    Q(
        "oas-nic-2024",
        "Is Nicaragua in the OAS in 2024?",
        "status",
        "OAS",
        "2024-06-01",
        None,
        "http://www.oas.org/en/sla/dil/inter_american_treaties_A-41_charter_OAS_signatories.asp "
        "(denunciation of 2021-11-19 effective two years later, 2023-11-19)",
        actor="NIC",
    ),
    Q(
        "opec-ecu-2021",
        "Was Ecuador still in OPEC in 2021?",
        "status",
        "OPEC",
        "2021-01-01",
        None,
        "https://www.azernews.az/region/141979.html (Ecuador left 2020-01-01)",
        actor="ECU",
    ),
    Q(
        "arab-syr-2020",
        "Was Syria suspended from the Arab League in 2020?",
        "status",
        "ARAB_LEAGUE",
        "2020-01-01",
        "suspended",
        "https://en.wikipedia.org/wiki/Member_states_of_the_Arab_League (suspended 2011-11-16, "
        "readmitted 2023-05-07)",
        actor="SYR",
    ),
    Q(
        "nato-1999",
        "How many NATO members were there after the 1999 enlargement?",
        "count",
        "NATO",
        "1999-06-01",
        19,
        "https://www.nato.int/cps/en/natohq/topics_52044.htm (Czechia, Hungary, Poland 1999-03-12)",
    ),
    Q(
        "coe-rus-2022",
        "Is Russia in the Council of Europe in June 2022?",
        "status",
        "COE",
        "2022-06-01",
        None,
        "https://www.eeas.europa.eu/delegations/council-europe/committee-ministers-decides-russia-ceases-"
        "be-member-council-europe_en (out from 2022-03-16)",
        actor="RUS",
    ),
]


def answer(registry: Registry, q: Question) -> tuple[object, str]:
    """The API's answer to ``q`` and its coverage status for the body on the date asked about."""
    if q.how == "left":
        assert q.actor is not None
        timeline = registry.timeline(q.actor, q.body)
        exits = timeline[timeline["action"].isin(_EXITS)]
        got: object = None if exits.empty else exits["date"].iloc[-1].isoformat()
        on = str(got or q.expected)
        return got, registry.coverage(q.body, on=on).status
    members = registry.members(q.body, on=q.on)
    status = members.attrs["coverage"].status
    if q.how == "count":
        return len(members), status
    if q.how == "who":
        return frozenset(members["actor_id"]), status
    if q.how == "suspended":
        return frozenset(members.loc[members["kind"] == "suspended", "actor_id"]), status
    assert q.how == "status" and q.actor is not None
    row = members[members["actor_id"] == q.actor]
    return (None if row.empty else str(row["kind"].iloc[0])), status


def outcome(registry: Registry, q: Question) -> tuple[str, object, str]:
    """``right``, ``partial`` (wrong, but declared not complete) or ``wrong``; the answer; the coverage."""
    got, status = answer(registry, q)
    # A 'no' (or an empty list) from a list the API does not call complete is no answer: partial.
    if got == q.expected and (status == "complete" or got):
        return "right", got, status
    return ("partial" if status != "complete" else "wrong"), got, status


def test_the_table_is_thirty_distinct_questions_with_sources() -> None:
    assert len(QUESTIONS) >= 30
    assert len({q.id for q in QUESTIONS}) == len(QUESTIONS)
    for q in QUESTIONS:
        assert q.source.startswith(("http", "UN Charter")), q.id
        assert q.how in {"status", "count", "who", "suspended", "left"}, q.id
        assert (q.actor is not None) == (q.how in {"status", "left"}), q.id
        assert q.on is None or date.fromisoformat(q.on).year in range(1990, 2028), q.id


@pytest.mark.parametrize(
    "q",
    [
        pytest.param(q, id=q.id, marks=[pytest.mark.xfail(strict=True, reason=q.gap)] if q.gap else [])
        for q in QUESTIONS
    ],
)
def test_question_is_right_or_declared_partial(registry: Registry, q: Question) -> None:
    result, got, status = outcome(registry, q)
    assert result != "wrong", (
        f"{q.ask} the registry says {got!r} with coverage {status}; {q.source} says {q.expected!r}"
    )


def test_a_partial_answer_says_why(registry: Registry) -> None:
    """Where a question comes out partial, the coverage explains what the list lacks."""
    for q in QUESTIONS:
        result, _, _ = outcome(registry, q)
        if result == "partial" and q.on is not None:
            coverage = registry.coverage(q.body, on=q.on)
            assert coverage.how, q.id


if __name__ == "__main__":
    reg = Registry.default()
    tally: dict[str, int] = {}
    for question in QUESTIONS:
        kind, value, cover = outcome(reg, question)
        tally[kind] = tally.get(kind, 0) + 1
        shown = sorted(value) if isinstance(value, frozenset) else value
        print(f"{kind:8} {question.id:18} coverage={cover:9} got={shown!r:.60}")
    print(" / ".join(f"{tally.get(k, 0)} {k}" for k in ("right", "wrong", "partial")), f"of {len(QUESTIONS)}")
