"""Exports carry names, COW and Gleditsch-Ward codes beside ISO3 (issue 12, item 8)."""

from __future__ import annotations

import pandas as pd

from comity._export import with_state_codes


def test_issue12_exports_name_cow_and_gw_beside_iso3() -> None:
    frame = pd.DataFrame(
        {"iso3_a": ["DEU", "DEU"], "iso3_b": ["USA", "VNM"], "year": [1985, 2000], "agree": [0.5, 0.4]}
    )
    table = with_state_codes(frame)
    assert list(table.columns[:4]) == ["iso3_a", "name_a", "cow_code_a", "gw_code_a"]
    assert table["cow_code_a"].tolist() == [260, 255]  # West Germany before unification
    assert table["cow_code_b"].tolist() == [2, 816]
    assert table["gw_code_b"].tolist() == [2, 816]
    assert table["name_b"].iloc[0] and "United States" in str(table["name_b"].iloc[0])
    assert table["agree"].tolist() == [0.5, 0.4]


def test_exports_of_unknown_codes_stay_empty() -> None:
    table = with_state_codes(pd.DataFrame({"iso3": ["ZZZ"]}))
    assert pd.isna(table["cow_code"].iloc[0]) and table["name"].iloc[0] is None
