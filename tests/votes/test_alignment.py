from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from comity.errors import BadInput
from comity.votes import METRICS, agreement_matrices, agreement_matrix, alignment, pair_indices

from .conftest import tidy


def _two_states() -> pd.DataFrame:
    # A and B on six roll calls; B is absent on r5, which therefore does not count.
    return tidy(
        [
            ("r1", "A", "yes"),
            ("r1", "B", "yes"),
            ("r2", "A", "yes"),
            ("r2", "B", "no"),
            ("r3", "A", "abstain"),
            ("r3", "B", "yes"),
            ("r4", "A", "no"),
            ("r4", "B", "no"),
            ("r5", "A", "yes"),
            ("r5", "B", "absent"),
            ("r6", "A", "no"),
            ("r6", "B", "abstain"),
        ]
    )


def test_alignment_indices_match_hand_computation() -> None:
    row = alignment(_two_states(), ["A", "B"], by=None).iloc[0]
    # Common votes: r1 r2 r3 r4 r6, n = 5; distances (yes=0, abstain=1, no=2): 0, 2, 1, 0, 1 -> mean 0.8.
    assert row["n_votes"] == 5
    assert row["agree"] == pytest.approx(2 / 5)  # r1 and r4
    assert row["lijphart"] == pytest.approx((2 + 0.5 * 2) / 5)  # two half agreements (r3, r6) = 0.6
    assert row["s"] == pytest.approx(1 - 0.8)  # 1 - 2 * 0.8 / 2
    # Shares A: yes 2/5, abstain 1/5, no 2/5; B the same. Expected distance:
    # .4*.2*1 + .4*.4*2 + .2*.4*1 + .2*.4*1 + .4*.4*2 + .4*.2*1 = 0.96
    assert row["kappa"] == pytest.approx(1 - 0.8 / 0.96)
    assert row["pi"] == pytest.approx(1 - 0.8 / 0.96)


def test_alignment_kappa_and_pi_differ_with_unequal_shares() -> None:
    votes = tidy(
        [
            ("r1", "C", "yes"),
            ("r1", "D", "yes"),
            ("r2", "C", "yes"),
            ("r2", "D", "yes"),
            ("r3", "C", "yes"),
            ("r3", "D", "no"),
            ("r4", "C", "no"),
            ("r4", "D", "no"),
        ]
    )
    row = alignment(votes, ["C", "D"], by=None).iloc[0]
    # D_obs = (0 + 0 + 2 + 0) / 4 = 0.5. C: yes .75, no .25; D: yes .5, no .5.
    assert row["agree"] == pytest.approx(0.75)
    assert row["lijphart"] == pytest.approx(0.75)
    assert row["s"] == pytest.approx(0.5)
    # kappa: D_exp = .75*.5*2 + .25*.5*2 = 1.0
    assert row["kappa"] == pytest.approx(0.5)
    # pi: pooled yes .625, no .375: D_exp = 2 * .625 * .375 * 2 = 0.9375
    assert row["pi"] == pytest.approx(1 - 0.5 / 0.9375)


def test_alignment_by_year_issue_and_reference() -> None:
    early = tidy([("a1", "A", "yes"), ("a1", "B", "yes"), ("a1", "C", "no")], year=2000, issues="hr,me")
    late = tidy([("b1", "A", "yes"), ("b1", "B", "no"), ("b1", "C", "no")], year=2001, issues="ec")
    votes = pd.concat([early, late], ignore_index=True)
    by_year = alignment(votes, ["A", "B"], metrics=["agree"])
    assert by_year[["year", "agree"]].values.tolist() == [[2000, 1.0], [2001, 0.0]]
    human_rights = alignment(votes, ["A", "B"], issue="hr", metrics=["agree"])
    assert human_rights["year"].tolist() == [2000]
    against_a = alignment(votes, ["B", "C"], reference="A", by=None, metrics=["agree"])
    assert set(zip(against_a["iso3_a"], against_a["iso3_b"], strict=True)) == {("A", "B"), ("A", "C")}
    assert against_a.set_index("iso3_b")["agree"].to_dict() == {"B": 0.5, "C": 0.0}


def test_alignment_rejects_unknown_metric_and_state() -> None:
    with pytest.raises(BadInput, match="unknown metric"):
        alignment(_two_states(), ["A", "B"], metrics=["cosine"])
    with pytest.raises(BadInput, match="no votes at all for ZZZ"):
        alignment(_two_states(), ["A", "ZZZ"])


def test_alignment_undefined_kappa_is_nan() -> None:
    # Both always vote yes: no disagreement is possible by chance, kappa and pi are undefined.
    votes = tidy([("r1", "A", "yes"), ("r1", "B", "yes"), ("r2", "A", "yes"), ("r2", "B", "yes")])
    row = alignment(votes, ["A", "B"], by=None).iloc[0]
    assert row["agree"] == 1.0 and np.isnan(row["kappa"]) and np.isnan(row["pi"])


vote_lists = st.lists(st.sampled_from(["yes", "no", "abstain", "absent"]), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(first=vote_lists, second=vote_lists)
def test_alignment_is_symmetric_and_bounded(first: list[str], second: list[str]) -> None:
    n = min(len(first), len(second))
    rows = [(f"r{i}", "A", first[i]) for i in range(n)] + [(f"r{i}", "B", second[i]) for i in range(n)]
    votes = tidy(rows)
    table = np.zeros((3, 3))
    codes = {"yes": 0, "abstain": 1, "no": 2}
    for a, b in zip(first[:n], second[:n], strict=True):
        if a in codes and b in codes:
            table[codes[a], codes[b]] += 1
    forward = pair_indices(table[:, :, None])
    backward = pair_indices(table.T[:, :, None])
    for metric in METRICS:
        assert np.allclose(forward[metric], backward[metric], equal_nan=True)
    result = alignment(votes, ["A", "B"], by=None)
    if table.sum() == 0:
        assert result.empty
        return
    row = result.iloc[0]
    # Lijphart adds half-agreements to the identical votes, so it is never below "agree" (up to rounding).
    eps = 1e-12
    assert -eps <= row["agree"] <= row["lijphart"] + eps <= 1.0 + 2 * eps
    assert -1.0 - eps <= row["s"] <= 1.0 + eps
    assert row["lijphart"] == pytest.approx(forward["lijphart"][0])


def test_agreement_matrix_matches_pairwise_alignment() -> None:
    rng = np.random.default_rng(3)
    states = [f"S{i:02d}" for i in range(12)]
    rows = [
        (f"y{year}-{call}", state, str(rng.choice(["yes", "no", "abstain", "absent"])))
        for year in (2001, 2002)
        for call in range(25)
        for state in states
    ]
    frame = pd.DataFrame(rows, columns=["rcid", "iso3", "vote"])
    frame["year"] = frame["rcid"].str.slice(1, 5).astype(int)
    pairs = alignment(frame, states, metrics=["agree", "kappa"])
    matrices = agreement_matrices(frame)
    kappa_2002 = agreement_matrix(frame, 2002, metric="kappa")
    for row in pairs.itertuples():
        assert matrices[row.year].loc[row.iso3_a, row.iso3_b] == pytest.approx(row.agree)
        assert matrices[row.year].loc[row.iso3_b, row.iso3_a] == pytest.approx(row.agree)
        if row.year == 2002:
            assert kappa_2002.loc[row.iso3_a, row.iso3_b] == pytest.approx(row.kappa)
    assert np.allclose(np.diag(matrices[2001].to_numpy()), 1.0)
    with pytest.raises(BadInput, match="no votes in 1999"):
        agreement_matrix(frame, 1999)


def test_alignment_by_issue_counts_a_roll_call_under_each_of_its_issues() -> None:
    votes = pd.concat(
        [
            tidy([("a1", "A", "yes"), ("a1", "B", "yes")], year=2000, issues="hr,me"),
            tidy([("a2", "A", "yes"), ("a2", "B", "no")], year=2000, issues="hr"),
            tidy([("b1", "A", "no"), ("b1", "B", "no")], year=2001, issues=None),
        ],
        ignore_index=True,
    )
    by_issue = alignment(votes, ["A", "B"], by="issue", metrics=["agree"])
    # hr: a1 agree, a2 disagree -> 0.5 on 2 votes; me: a1 only -> 1.0; b1 has no issue code.
    assert by_issue[["issue", "agree", "n_votes"]].values.tolist() == [["hr", 0.5, 2], ["me", 1.0, 1]]
    both = alignment(votes, ["A", "B"], by="year,issue", metrics=["agree"], issue="me")
    assert both[["year", "issue", "agree"]].values.tolist() == [[2000, "me", 1.0]]
    two_references = alignment(votes, ["A", "B"], reference=["A", "B"], by=None, metrics=["agree"])
    assert len(two_references) == 1  # the pair A-B once, not twice
    with pytest.raises(BadInput, match="not supported"):
        alignment(votes, ["A", "B"], by="decade")
