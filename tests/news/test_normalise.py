from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from comity.news import normalise_text


def test_normalise_quote_marks_dashes_and_spaces() -> None:
    text, _ = normalise_text("\u201cYes\u201d \u2013 \u2018no\u2019\u00a0and\u2009so \u2014 on\u2026")
    assert text == "\"Yes\" - 'no' and so - on..."


def test_normalise_entities_markup_and_debris() -> None:
    raw = "<span style='x'>Russia &amp; China</span> vetoed.<br />'' <br />'' Next.\nAdvertisement\nEnd"
    text, _ = normalise_text(raw)
    assert "Russia & China vetoed." in text
    assert "<" not in text and "''" not in text
    assert "Advertisement" not in text
    assert text.rstrip().endswith("End")


def test_normalise_repairs_mojibake() -> None:
    text, _ = normalise_text(
        "The minister\u00e2\u20ac\u2122s statement \u00e2\u20ac\u0153was clear\u00e2\u20ac\u009d."
    )
    assert text == 'The minister\'s statement "was clear".'


def test_normalise_offsets_point_into_raw() -> None:
    raw = "A\u00a0B &amp; C\u201d  D"
    text, offsets = normalise_text(raw)
    assert len(offsets) == len(text) + 1
    assert offsets[-1] == len(raw)
    for index, char in enumerate(text):
        if char.isalpha():
            assert raw[offsets[index]] == char


@given(st.text(max_size=200))
def test_normalise_offsets_are_monotonic_for_any_text(raw: str) -> None:
    text, offsets = normalise_text(raw)
    assert len(offsets) == len(text) + 1
    assert all(0 <= a <= b <= len(raw) for a, b in zip(offsets, offsets[1:], strict=False))
