"""Issue 13 fuzz suite: generated inputs for every reader and loader of user files.

Each property says: whatever the bytes, the reader answers with a document or a reason (never an
exception other than comity's own), and what it keeps is clean (no NUL, dates normalised).
The CI profile (tests/conftest.py) makes the examples the same on every run.
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from comity._dates import parse_date, parse_partial_date
from comity.errors import BadDate, BadInput, ComityError
from comity.news._input import InputDoc, Skipped, iter_documents, normalise_published, unique_documents

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=40),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)
records = st.fixed_dictionaries(
    {},
    optional={
        "id": json_values | st.text(min_size=1, max_size=20),
        "text": json_values | st.text(min_size=1, max_size=200),
        "published": json_values
        | st.dates().map(str)
        | st.datetimes().map(lambda d: d.isoformat() + "Z")
        | st.sampled_from(["yesterday", "0000-01-01", "2021-02-30", "2021-05-07T10:00:00+02:00"]),
        "url": json_values | st.sampled_from(["javascript:alert(3)", "https://example.org/a"]),
        "outlet": json_values,
    },
)


def _check(items: list[InputDoc | Skipped]) -> None:
    for item in items:
        assert isinstance(item, InputDoc | Skipped)
        if isinstance(item, InputDoc):
            assert "\x00" not in item.text and item.text.strip()
            published = item.meta.get("published")
            assert published is None or normalise_published(published) == published
        else:
            assert item.reason


@FUZZ
@given(st.binary(max_size=3000), st.sampled_from([".txt", ".html", ".jsonl"]))
def test_issue13_fuzz_any_bytes_in_any_file(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"doc{suffix}"
        path.write_bytes(data)
        _check(list(iter_documents([path])))


@FUZZ
@given(st.lists(records, max_size=6), st.lists(st.text(max_size=30), max_size=2))
def test_issue13_fuzz_json_lines(lines: list[dict[str, object]], junk: list[str]) -> None:
    body = "\n".join([json.dumps(r) for r in lines] + junk)
    items = list(
        unique_documents(iter_documents(["-"], stdin=io.BytesIO(body.encode("utf-8", "surrogatepass"))))
    )
    _check(items)
    ids = [item.id for item in items if isinstance(item, InputDoc)]
    assert len(ids) == len(set(ids))


@FUZZ
@given(st.text(max_size=40))
def test_issue13_fuzz_published(text: str) -> None:
    value = normalise_published(text)
    assert value is None or __import__("re").match(_DATE, value)


@FUZZ
@given(st.text(max_size=30) | st.from_regex(r"\d{4}-\d{1,2}-\d{1,2}", fullmatch=True))
def test_issue13_fuzz_dates(text: str) -> None:
    for parse in (parse_date, parse_partial_date):
        try:
            parse(text)
        except BadDate:
            pass


UNDL_HEADER = (
    "undl_id,ms_code,ms_name,ms_vote,date,session,resolution,draft,committee_report,meeting,title,"
    "agenda_title,subjects,vote_note,total_yes,total_no,total_abstentions,total_non_voting,total_ms,undl_link"
)
cells = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12) | st.sampled_from(
    ["Y", "N", "A", "X", "", "2024-12-01", "0000-01-01", "USA", "79", "-1", "1e9", "nan"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(cells, min_size=18, max_size=22), max_size=5), st.booleans())
def test_issue13_fuzz_undl_csv(rows: list[list[str]], with_header: bool) -> None:
    from comity.votes._load import read_undl_csv

    lines = ([UNDL_HEADER] if with_header else []) + [",".join(json.dumps(c) for c in row) for row in rows]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "votes.csv"
        path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
        try:
            read_undl_csv(path)
        except (BadInput, ComityError):
            pass


def test_stdin_of_separator_characters_only_is_skipped_as_empty() -> None:
    # Hypothesis found it: "\x1f" is white space to str.strip() but not to bytes.strip().
    items = list(iter_documents(["-"], stdin=io.BytesIO(b"\x1f\n \x1c")))
    assert [type(item) for item in items] == [Skipped]
    assert isinstance(items[0], Skipped) and "empty" in items[0].reason
