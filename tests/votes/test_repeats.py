"""Finding resolutions voted again in later sessions from roll-call descriptions."""

from __future__ import annotations

import pandas as pd
import pytest

from comity.errors import BadInput
from comity.votes._repeats import find_repeated_resolutions


def roll_calls() -> pd.DataFrame:
    rows = [
        # rcid, session, short, descr, amend
        (1, 50, "ECONOMIC COERCION", "Economic measures as a means of political and economic coercion", 0),
        (2, 50, "FREEDOM OF TRAVEL", "Respect for the right to universal freedom of travel", 0),
        (3, 50, "NUCLEAR TESTS", "Comprehensive nuclear-test-ban treaty", 0),
        (4, 50, "NUCLEAR TESTS", "Amendment deleting paragraph 3 of the nuclear-test-ban resolution", 1),
        (11, 51, "ECONOMIC COERCION", "Economic measures as a means of political and economic coercion", 0),
        (
            12,
            51,
            "FREEDOM OF TRAVEL",
            "Respect for the right to universal freedom of travel and family reunification",
            0,
        ),
        (
            13,
            51,
            "NUCLEAR TESTS",
            "Comprehensive nuclear-test-ban treaty : resolution / adopted by the General Assembly",
            0,
        ),
        (14, 51, "HUMAN RIGHTS IN IRAN", "Situation of human rights in the Islamic Republic of Iran", 0),
        (21, 53, "ECONOMIC COERCION", "Economic measures as a means of political and economic coercion", 0),
        (
            22,
            52,
            "HUMAN RIGHTS IN IRAN",
            "Situation of human rights in the Islamic Republic of Iran A/52/100",
            0,
        ),
    ]
    return pd.DataFrame(rows, columns=["rcid", "session", "short", "descr", "amend"])


def test_repeats_pairs_consecutive_sessions_one_to_one() -> None:
    pairs = find_repeated_resolutions(roll_calls())
    found = set(zip(pairs["rcid1"], pairs["rcid2"], strict=True))
    assert found == {(1, 11), (2, 12), (3, 13), (14, 22)}
    assert list(pairs.columns) == ["rcid1", "rcid2", "similarity"]
    assert pairs["similarity"].between(0.6, 1.0 + 1e-9).all()
    assert pairs.loc[pairs["rcid1"] == 1, "similarity"].iloc[0] == pytest.approx(1.0)


def test_repeats_session_gap_and_threshold() -> None:
    wide = find_repeated_resolutions(roll_calls(), max_session_gap=2)
    assert (11, 21) in set(zip(wide["rcid1"], wide["rcid2"], strict=True))
    strict = find_repeated_resolutions(roll_calls(), threshold=0.99)
    # Boilerplate and document symbols do not count: these are identical once normalised.
    assert set(zip(strict["rcid1"], strict["rcid2"], strict=True)) == {(1, 11), (3, 13), (14, 22)}


def test_repeats_amendments_only_match_amendments() -> None:
    calls = roll_calls()
    pairs = find_repeated_resolutions(calls, threshold=0.2)
    assert 4 not in set(pairs["rcid1"])


def test_repeats_bad_input() -> None:
    with pytest.raises(BadInput, match="rcid"):
        find_repeated_resolutions(pd.DataFrame({"session": [1]}))
    with pytest.raises(BadInput, match="descr"):
        find_repeated_resolutions(pd.DataFrame({"rcid": [1], "session": [1]}))
    with pytest.raises(BadInput, match="threshold"):
        find_repeated_resolutions(roll_calls(), threshold=1.5)
    with pytest.raises(BadInput, match="session"):
        find_repeated_resolutions(roll_calls().drop(columns="session"))
