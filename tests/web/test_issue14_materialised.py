"""Issue 14, items 1 and 2: `comity build` materialises what the pages draw from the votes and the news
(versioned with the data it came from), the library reads it back with the library's own numbers,
and the server computes nothing at start."""

from __future__ import annotations

import json
import shutil
import threading
import warnings
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from comity import news
from comity.errors import BadInput
from comity.registry import Registry
from comity.store import Store
from comity.votes import VotingBlocs, agreement_matrix, alignment, cohesion, read_votes, yearly_blocs
from comity.votes import _cohesion as cohesion_module
from comity.votes._stored import RESULTS, StoredVotes, known_groups, materialise_votes
from comity.web import create_app

from .conftest import make_client
from .test_api import assert_error


@pytest.fixture(scope="module")
def store(web_db: Path) -> Iterator[Store]:
    with Store.open(web_db) as opened:
        yield opened


@pytest.fixture(scope="module")
def votes(store: Store) -> pd.DataFrame:
    return read_votes(store)


def test_build_stores_every_result_with_the_version_of_its_data(store: Store) -> None:
    stored = StoredVotes(store)
    version = store.data_version()
    rows = store.con.execute("SELECT name, source_version, seconds, n_rows FROM materialised").fetchall()
    by_name = {name: (source, seconds, n_rows) for name, source, seconds, n_rows in rows}
    for name in RESULTS:
        assert stored.has(name), name
        source, seconds, n_rows = by_name[name]
        assert source == version and seconds > 0 and n_rows > 0, name
    cohesion_groups = stored.info("group_cohesion")["params"]["groups"]  # type: ignore[index]
    assert {"BRICS", "G7", "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", "UNSC"} <= set(cohesion_groups)
    assert set(cohesion_groups) <= set(known_groups(store))


@pytest.mark.parametrize(
    ("states", "reference", "by", "start", "end"),
    [
        (["USA", "CHN", "RUS"], [], "year", None, None),
        (["NOR", "SWE", "FIN", "ISL"], ["USA"], "year", 1991, None),
        (["KEN", "TZA", "UGA", "ZAF"], ["ZAF", "KEN"], None, 1991, 2010),
        (["ZAF", "GBR"], [], "year", 1970, 1995),  # South Africa's seat empty 1974-1993: no rows
        (["CUB", "USA"], ["CUB"], None, None, None),
    ],
)
def test_stored_alignment_gives_the_library_numbers(
    store: Store,
    votes: pd.DataFrame,
    states: list[str],
    reference: list[str],
    by: str | None,
    start: int | None,
    end: int | None,
) -> None:
    stored = StoredVotes(store).alignment(states, reference, by=by, start=start, end=end)
    assert stored is not None and len(stored)
    computed = alignment(votes, states, reference=reference or None, by=by, start=start, end=end)
    pd.testing.assert_frame_equal(stored, computed, check_dtype=False)


@pytest.mark.parametrize("metric", ["agree", "kappa", "s"])
def test_stored_agreement_matrix_gives_the_library_numbers(
    store: Store, votes: pd.DataFrame, metric: str
) -> None:
    states = ["USA", "CHN", "RUS", "FRA", "GBR", "IND", "BRA", "SUN"]  # SUN did not vote in 2023
    stored = StoredVotes(store).agreement_matrix(2023, states, metric)
    assert stored is not None and list(stored.index) == states[:-1]
    computed = agreement_matrix(votes, 2023, metric).loc[states[:-1], states[:-1]]
    pd.testing.assert_frame_equal(stored, computed, check_names=False)


def test_stored_cohesion_gives_the_library_numbers(store: Store, votes: pd.DataFrame) -> None:
    stored = StoredVotes(store).cohesion("BRICS", start=2005)
    assert stored is not None and stored["year"].min() >= 2005
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        computed = cohesion(votes, "BRICS", start=2005, registry=Registry.from_store(store))
    pd.testing.assert_frame_equal(stored, computed, check_dtype=False)
    # Other draws, or an ad-hoc group, are not stored: the reader says so.
    assert StoredVotes(store).cohesion("BRICS", n_draws=200) is None
    assert StoredVotes(store).cohesion("NOT_A_GROUP") is None


@pytest.mark.parametrize("year", [1975, 2023])
def test_stored_blocs_are_those_of_the_year_fitted_with_the_year_before(
    store: Store, votes: pd.DataFrame, year: int
) -> None:
    stored = StoredVotes(store).blocs(year)
    assert stored is not None and len(stored.blocs) > 100
    window = votes[votes["year"].between(year - 1, year)]
    computed = yearly_blocs(window, [year])
    for name in ("blocs", "movers", "stability"):
        pd.testing.assert_frame_equal(getattr(stored, name), getattr(computed, name), check_dtype=False)
    assert stored.modularity == pytest.approx(computed.modularity)
    # The same blocs and movers as the estimator fitted on the two years (the web's former way).
    pair = VotingBlocs().fit(window)
    assert stored.blocs[["iso3", "bloc"]].values.tolist() == (
        pair.blocs_[pair.blocs_["period"] == year][["iso3", "bloc"]].values.tolist()
    )
    assert sorted(stored.movers["iso3"]) == sorted(pair.movers_["iso3"])
    # Other parameters are not stored: the reader says so, and the API computes them.
    assert StoredVotes(store).blocs(year, resolution=1.5) is None


def test_cohesion_asks_the_registry_once_per_stretch_of_unchanged_members(
    store: Store, votes: pd.DataFrame, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = Registry.from_store(store)
    calls: list[int] = []
    original = cohesion_module.group_members

    def counted(group: object, year: int, reg: object = None) -> object:
        calls.append(year)
        return original(group, year, reg)  # type: ignore[arg-type]

    monkeypatch.setattr(cohesion_module, "group_members", counted)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fast = cohesion(votes, "G7", start=1990, registry=registry)
        n_fast = len(calls)
        monkeypatch.setattr(cohesion_module, "_change_dates", lambda group, reg: None)
        slow = cohesion(votes, "G7", start=1990, registry=registry)
    assert n_fast < len(calls) - n_fast  # fewer registry look-ups than years
    pd.testing.assert_frame_equal(fast, slow)


def test_read_votes_of_some_years_reads_only_those(store: Store, votes: pd.DataFrame) -> None:
    some = read_votes(store, start=1990, end=1991)
    assert set(some["year"]) == {1990, 1991}
    expected = votes[votes["year"].between(1990, 1991)]
    assert len(some) == len(expected)
    assert set(some["source_id"]) == set(expected["source_id"])


@pytest.mark.parametrize(("states", "issue"), [(["USA", "CHN", "RUS"], "hr"), (["RUS", "SUN", "UKR"], None)])
def test_read_votes_of_some_states_and_an_issue_reads_only_those(
    store: Store, votes: pd.DataFrame, states: list[str], issue: str | None
) -> None:
    some = read_votes(store, start=1985, end=2000, states=states, issue=issue)
    assert set(some["iso3"]) <= set(states)
    expected = votes[votes["year"].between(1985, 2000) & votes["iso3"].isin(states)]
    if issue is not None:
        expected = expected[expected["issues"].fillna("").str.split(",").map(lambda codes: issue in codes)]
    assert len(some) == len(expected) > 0
    # The alignment of those states from their rows alone is the library's on every vote.
    pd.testing.assert_frame_equal(
        alignment(some, states, issue=issue, start=1985, end=2000),
        alignment(votes, states, issue=issue, start=1985, end=2000),
    )
    with pytest.raises(BadInput, match="issue code"):
        read_votes(store, issue="xx")


def test_api_alignment_by_issue_gives_the_library_numbers(web_db: Path, votes: pd.DataFrame) -> None:
    client = make_client(create_app(web_db))
    body = client.get(
        "/api/votes/alignment", params={"states": "USA,CHN,RUS", "issue": "me", "from": 1990, "to": 2000}
    ).json()
    computed = alignment(votes, ["USA", "CHN", "RUS"], issue="me", start=1990, end=2000, metrics=["agree"])
    assert [(r["iso3_a"], r["iso3_b"], r["year"]) for r in body["items"]] == list(
        computed[["iso3_a", "iso3_b", "year"]].itertuples(index=False, name=None)
    )
    assert [r["agree"] for r in body["items"]] == pytest.approx(computed["agree"].tolist(), abs=1e-4)


def test_a_second_build_keeps_results_of_the_same_data(web_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "comity.duckdb"
    shutil.copyfile(web_db, copy)
    with Store.open(copy, read_only=False) as writable:
        assert materialise_votes(writable) == dict.fromkeys(RESULTS, 0.0)


def test_results_of_other_data_are_not_served(web_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "comity.duckdb"
    shutil.copyfile(web_db, copy)
    with Store.open(copy, read_only=False) as writable:
        # A new load (the votes changed) makes every stored result stale until the next build.
        writable.record_load("votes:unvotes", "0" * 64, 1)
        assert not any(StoredVotes(writable).has(name) for name in RESULTS)
        client = make_client(create_app(writable, precompute=False))
        body = assert_error(client.get("/api/votes/ideal", params={"states": "USA"}), 503, "E503")
        assert "comity build" in f"{body['message']} {body['hint']}"
        page = client.get("/votes")
        assert page.status_code == 200 and "comity build" in page.text


def test_the_server_computes_nothing_at_start(web_db: Path) -> None:
    client = make_client(create_app(web_db))
    assert "comity-ideal-points" not in {t.name for t in threading.enumerate()}
    status = client.get("/api/status").json()
    assert status["ideal_points"].startswith("ready (stored, dynamic")
    # the vote results and the actor profiles, each of the store's data
    assert set(status["results"]) == {*RESULTS, "actor_profiles"}
    assert status["results"]["actor_profiles"]["n_rows"] > 1000
    rows = client.get("/api/votes/ideal", params={"states": "USA,CHN", "from": 2020}).json()["items"]
    assert {r["iso3"] for r in rows} == {"USA", "CHN"}


def test_saving_documents_stores_their_story_summaries(store: Store) -> None:
    stories = news.stories_in_store(store)
    assert stories
    summaries = dict(store.con.execute("SELECT story_id, summary FROM story_summaries").fetchall())
    assert set(summaries) == {s["story_id"] for s in stories}
    for story in stories[:3]:
        stored = news.story_view(store, story["story_id"])
        assert stored == json.loads(summaries[story["story_id"]])
        assert stored["title"] == story["title"]
        assert stored["n_documents"] == story["n_documents"] == len(stored["documents"])
        assert stored["facts"] and all(f["support"] >= 1 for f in stored["facts"])


def test_quotes_are_paged_before_their_anchors_are_found(store: Store) -> None:
    speaker = store.con.execute(
        """SELECT json_extract_string(payload, '$.speaker') AS s, count(*) AS n FROM facts
           WHERE fact_type = 'quote' AND s IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 1"""
    ).fetchone()
    assert speaker is not None and speaker[1] >= 2
    rows, total = news.quotes_by(store, str(speaker[0]), [str(speaker[0])], limit=1, offset=1)
    assert len(rows) == 1 and total >= 2
    every, same_total = news.quotes_by(store, str(speaker[0]), [str(speaker[0])], limit=500)
    assert same_total == total and every[1] == rows[0]
    # The anchor is the segment of the document page that holds the quotation.
    doc = news.document_view(store, rows[0]["doc_id"])
    anchors = {
        f["anchor"] for f in doc["facts"] if f["start_char"] == rows[0]["start_char"] and f.get("anchor")
    }
    assert rows[0]["anchor"] in anchors
