from __future__ import annotations

from comity.news import highlight_segments


def test_highlight_segments_merge_overlaps_and_keep_plain_text_between() -> None:
    text = "The council met in Geneva on Monday."
    # facts 0 and 1 overlap ("council met" and "met in Geneva"); fact 2 runs past the end.
    segments = highlight_segments(text, [(4, 15, 0), (12, 25, 1), (29, 99, 2)])
    assert segments == [
        {"start": 0, "text": "The ", "facts": []},
        {"start": 4, "text": "council met in Geneva", "facts": [0, 1]},
        {"start": 25, "text": " on ", "facts": []},
        {"start": 29, "text": "Monday.", "facts": [2]},
    ]
    assert "".join(segment["text"] for segment in segments) == text


def test_highlight_segments_without_spans_is_the_whole_text() -> None:
    assert highlight_segments("No facts here.", [(5, 5, 0)]) == [
        {"start": 0, "text": "No facts here.", "facts": []}
    ]
