"""Reading into the store run after run: documents already stored are skipped by content hash,
new documents join the stored stories (from the story keys the store keeps), and a store-only
run killed mid-way ends as one never interrupted. Every text here is written for these tests."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity.cli import app
from comity.news import NewsDoc, Pipeline
from comity.news._corpus import split_documents
from comity.news._corpus_run import read_corpus
from comity.news._eval import story_pair_counts
from comity.news._story_keys import group_story_keys, keys_from_table
from comity.store import Store

runner = CliRunner()
CORE_STAGES = ["normalise", "sentences", "actors", "people", "quotes"]

RIVER = (
    "Ministers of the Mekong River Commission met in Vientiane on 12 June 2024 and agreed to share "
    "daily readings of the water level at every dam on the river. Cambodia and Vietnam had asked for "
    "the readings after a drought left rice fields dry along the delta. Laos said its new dams would "
    "report each morning, and Thailand offered to pay for the gauges. The commission will publish the "
    "figures on a public map before the rains of September."
)
RIVER_REPRINT = (
    "Ministers of the Mekong River Commission met in Vientiane on 12 June 2024 and agreed to share "
    "daily readings of the water level at every dam on the river. Cambodia and Vietnam had asked for "
    "the readings after a drought left rice fields dry along the delta. Laos said its new dams would "
    "report each morning, and Thailand offered to pay for the gauges."
)
LOCUSTS = (
    "The Food and Agriculture Organization warned on 3 February 2025 that swarms of desert locusts "
    "were moving from Sudan towards Eritrea and Ethiopia. It asked donors for money to spray the "
    "breeding grounds near the coast of the Red Sea before the spring harvest."
)
SATELLITE = (
    "Argentina and Chile signed an agreement in Santiago on 20 October 2023 to launch a shared "
    "weather satellite. Engineers of both space agencies will build it in Cordoba, and the launch "
    "is planned from French Guiana within three years."
)
TEXTS = {"river": RIVER, "locusts": LOCUSTS, "satellite": SATELLITE}


def _jsonl(path: Path, rows: dict[str, str]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": k, "text": v}) + "\n" for k, v in rows.items()), encoding="utf-8"
    )
    return path


def _stories(store: Store) -> dict[str, str]:
    return dict(store.con.execute("SELECT doc_id, story_id FROM documents ORDER BY doc_id").fetchall())


def _once(store: Store) -> tuple[int, int, int]:
    """Rows of documents, distinct ids and distinct content hashes."""
    [(rows, ids, hashes)] = store.con.execute(
        "SELECT count(*), count(DISTINCT doc_id), count(DISTINCT sha256) FROM documents"
    ).fetchall()
    return int(rows), int(ids), int(hashes)


def test_store_run_skips_stored_documents_by_hash_and_rereads_changed_ones(tmp_path: Path) -> None:
    first = _jsonl(tmp_path / "first.jsonl", TEXTS)
    with Store.memory() as store:
        done = read_corpus([first], store=store, jobs=1, stages=CORE_STAGES, progress=False)
        assert (done.documents, done.stored) == (3, 0)
        keys_before = store.count("story_keys")
        facts_before = store.count("facts")
        # The same documents again, one with a new text, and one new document.
        second = _jsonl(
            tmp_path / "second.jsonl",
            {**TEXTS, "satellite": SATELLITE.replace("three years", "four years"), "reprint": RIVER_REPRINT},
        )
        again = read_corpus([second], store=store, jobs=1, stages=CORE_STAGES, progress=False)
        assert (again.documents, again.stored) == (2, 2)  # the changed text and the new one
        assert _once(store) == (4, 4, 4)
        assert store.count("story_keys") == keys_before + 1
        assert store.count("facts") >= facts_before
        [(text,)] = store.con.execute("SELECT text FROM documents WHERE doc_id = 'satellite'").fetchall()
        assert "four years" in text
        # Started once more: nothing is read, nothing changes.
        third = read_corpus([second], store=store, jobs=1, stages=CORE_STAGES, progress=False)
        assert (third.documents, third.stored) == (0, 4) and _once(store) == (4, 4, 4)


def test_cli_store_rerun_reports_already_stored_and_exits_0(tmp_path: Path) -> None:
    source = _jsonl(tmp_path / "in.jsonl", TEXTS)
    db = tmp_path / "store.duckdb"
    Store.open(db, read_only=False).close()
    args = [
        "read",
        str(source),
        "--store",
        "--db",
        str(db),
        "--format",
        "summary",
        "-j",
        "1",
        "--no-progress",
        "--time-budget",
        "0",  # no limit: the output depends on the inputs alone
    ]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.stdout)["documents"] == 3
    second = runner.invoke(app, args)
    assert second.exit_code == 0, second.output
    summary = json.loads(second.stdout)
    assert (summary["documents"], summary["already_stored"]) == (0, 3)
    # Printed reading (no --format summary): the store keeps what it holds and says so.
    printed = runner.invoke(app, ["read", str(source), "--store", "--db", str(db), "-j", "1"])
    assert printed.exit_code == 0 and "3 already stored with the same text" in printed.stderr
    with Store.open(db) as store:
        assert _once(store) == (3, 3, 3)
    assert "--store" in runner.invoke(app, ["read", "--help"]).stdout
    assert "SHA-256" in runner.invoke(app, ["read", "--help"]).stdout
    refused = runner.invoke(app, [*args, "--time-budget", "-1"])
    assert refused.exit_code == 2 and "Traceback" not in refused.output


def test_new_reprint_joins_the_stored_story(tmp_path: Path, reader: Pipeline) -> None:
    first = _jsonl(tmp_path / "first.jsonl", TEXTS)
    with Store.memory() as store:
        read_corpus([first], store=store, jobs=1, progress=False)
        before = _stories(store)
        assert len(set(before.values())) == 3
        later = _jsonl(tmp_path / "later.jsonl", {"reprint": RIVER_REPRINT})
        read_corpus([later], store=store, jobs=1, progress=False)
        after = _stories(store)
        assert after["reprint"] == before["river"]
        assert {k: after[k] for k in before} == before  # stored stories keep their ids
        # The printed path (comity read --store) joins stories the same way.
        from comity.news._store import add_documents

        doc = reader.read(RIVER_REPRINT.replace("four", "4"), id="second-reprint")
        assert add_documents(store, [doc]) == (1, 0)
        assert _stories(store)["second-reprint"] == before["river"] == doc.story


def test_add_documents_computes_each_documents_keys_once(
    reader: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Grouping the new documents with the stored stories and storing their keys share one computation."""
    from comity.news import _story_keys
    from comity.news._store import add_documents

    computed: list[str] = []
    original = _story_keys.story_keys

    def counting(doc: NewsDoc) -> _story_keys.StoryKeys:
        computed.append(doc.id)
        return original(doc)

    monkeypatch.setattr(_story_keys, "story_keys", counting)
    docs = [reader.read(text, id=doc_id) for doc_id, text in TEXTS.items()]
    with Store.memory() as store:
        assert add_documents(store, docs) == (3, 0)
        assert sorted(computed) == sorted(TEXTS)
        stored = keys_from_table(store.con.sql("SELECT * FROM story_keys ORDER BY doc_id").to_arrow_table())
        # The stored keys are the documents' keys (the weights pass through float32 in the store).
        expected = sorted((original(doc) for doc in docs), key=lambda k: k.doc_id)
        assert [(k.doc_id, k.signature, k.tokens, k.events) for k in stored] == [
            (k.doc_id, k.signature, k.tokens, k.events) for k in expected
        ]


def test_event_blocks_in_sql_follow_the_python_rule() -> None:
    """The store finds stored documents sharing an event block with new ones in SQL: the rule there
    is event_block's, for every kind of event (and an undated meeting makes no block)."""
    from comity.news._store import EVENT_BLOCK_SQL
    from comity.news._story_keys import event_block

    events = [
        "meet:UNGA:2024-03-02",
        "meet:UNSC:",
        "meet:NAM_COORDINATING_BUREAU:2019-07",
        "coalition:BRA+IND+ZAF",
        "leave:BFA:ECOWAS:2024-01-28",
        "rejoin:NER:ECOWAS:",
        "join:PSE:UNGA:2012",
    ]
    with Store.memory() as store:
        found = [
            row[0]
            for row in store.con.execute(
                f"SELECT {EVENT_BLOCK_SQL} FROM (SELECT unnest(?::VARCHAR[]) AS e, "
                "generate_subscripts(?::VARCHAR[], 1) AS i) ORDER BY i",
                [events, events],
            ).fetchall()
        ]
    assert found == [event_block(e) for e in events]
    assert found[1] is None and found[0] == "day:2024-03-02" and found[4] == "change:BFA:ECOWAS"


def test_joining_new_documents_loads_only_the_stories_they_can_join(reader: Pipeline, tmp_path: Path) -> None:
    """A reprint read into a store of unrelated stories loads the keys of its story alone, and gets
    the story that grouping every stored key with it gives."""
    from comity.news._store import _join_stored_stories, add_documents
    from comity.news._story_keys import GroupingStats, story_keys

    first = _jsonl(tmp_path / "first.jsonl", TEXTS)
    with Store.memory() as store:
        read_corpus([first], store=store, jobs=1, progress=False)
        before = _stories(store)
        doc = reader.read(RIVER_REPRINT, id="reprint")
        stats = GroupingStats()
        joined = _join_stored_stories(store, [story_keys(doc)], stats=stats)
        assert joined == {"reprint": before["river"]}
        # The reprint and the one stored report of its story: not the locusts, not the satellite.
        assert stats.documents == 2
        stored = keys_from_table(store.con.sql("SELECT * FROM story_keys").to_arrow_table())
        everything = group_story_keys([*stored, story_keys(doc)], existing=before, regroup=True)
        assert everything["reprint"] == joined["reprint"]
        # A text near no stored story is compared with none and gets a story id of its own.
        alone = reader.read(
            "Mongolia opened a school for herders' children in the Gobi on 2 May 2025, paid for by a "
            "loan from the Asian Development Bank. Teachers will travel between camps by motorbike.",
            id="gobi",
        )
        stats = GroupingStats()
        story = _join_stored_stories(store, [story_keys(alone)], stats=stats)["gobi"]
        assert stats.documents == 1 and story not in before.values()
        assert add_documents(store, [doc, alone]) == (2, 0)
        assert _stories(store) == {**before, "reprint": before["river"], "gobi": story}


def test_joining_right_after_opening_a_store_file(reader: Pipeline, tmp_path: Path) -> None:
    """Story keys are joined to a store file just opened (Store.open leaves a result unfetched)."""
    from comity.news._store import _join_stored_stories
    from comity.news._story_keys import story_keys

    path = tmp_path / "store.duckdb"
    with Store.open(path, read_only=False) as store:
        read_corpus([_jsonl(tmp_path / "first.jsonl", TEXTS)], store=store, jobs=1, progress=False)
        river = _stories(store)["river"]
    keys = story_keys(reader.read(RIVER_REPRINT, id="reprint"))
    with Store.open(path) as store:
        assert _join_stored_stories(store, [keys]) == {"reprint": river}


def _f1(gold: dict[str, str | None], pred: dict[str, str | None]) -> float:
    tp, fp, fn = story_pair_counts(gold, pred)
    return 2 * tp / (2 * tp + fp + fn)


@pytest.mark.slow
def test_incremental_store_stories_equal_grouping_all_at_once(shared_corpus: Path) -> None:
    """The annotated corpora (held-out stories left out) read into a store in three runs, the later
    runs' documents interleaved with the first's stories (each joined to the stored stories from the
    keys that can block with it): same stories as grouping all at once."""
    files: list[Path] = []
    gold: dict[str, str | None] = {}
    for name, split in (("news-dev", "all"), ("news-train", "train")):
        folder = shared_corpus / name
        for stem in sorted(split_documents(folder, split)):  # type: ignore[arg-type]
            files.append(folder / f"{stem}.txt")
            gold[stem] = json.loads((folder / f"{stem}.json").read_text(encoding="utf-8"))["story"]
    with Store.memory() as store:
        read_corpus(files[::2], store=store, progress=False)
        alone = _stories(store)
        read_corpus(files[1::4], store=store, progress=False)
        read_corpus(files[3::4], store=store, progress=False)
        incremental: dict[str, str | None] = dict(_stories(store))
        keys = keys_from_table(store.con.sql("SELECT * FROM story_keys").to_arrow_table())
    assert len(incremental) == len(files) == len(keys)
    batch: dict[str, str | None] = dict(group_story_keys(keys))
    assert _f1(gold, incremental) == _f1(gold, batch)
    assert {frozenset(d for d in batch if batch[d] == s) for s in set(batch.values())} == {
        frozenset(d for d in incremental if incremental[d] == s) for s in set(incremental.values())
    }
    # Stories of the first run keep their ids when the second run's documents join them.
    kept = set(alone.values()) & set(incremental.values())
    assert kept and all(
        incremental[d] == alone[d]
        for d in alone
        if alone[d] in kept and d == min(x for x in alone if alone[x] == alone[d])
    )


@pytest.mark.slow
def test_store_only_run_killed_and_resumed_equals_an_uninterrupted_run(tmp_path: Path) -> None:
    states = ["France", "Kenya", "Brazil", "Japan", "Canada", "Egypt", "India", "Chile"]
    rows = {
        f"k{i:04d}": (
            f"{states[i % 8]} and {states[(i * 3 + 1) % 8]} agreed on {i % 28 + 1} May to share data on "
            f"river floods. The envoy of {states[i % 8]} said talks in Nairobi would go on in {2020 + i % 5}."
        )
        for i in range(150)
    }
    source = _jsonl(tmp_path / "in.jsonl", rows)
    db, other = tmp_path / "store.duckdb", tmp_path / "other.duckdb"
    for path in (db, other):
        Store.open(path, read_only=False).close()
    cache = tmp_path / "cache"
    env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
    args = ["read", str(source), "--store", "--format", "summary", "--chunk-size", "10", "--jobs", "2"]
    # No time budget: on a loaded machine a document over it would be skipped in one run only.
    args += ["--time-budget", "0"]
    command = [sys.executable, "-m", "comity.cli", *args, "--no-progress", "--db", str(db)]
    # A session of its own, so that the kill reaches the worker processes too.
    first = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True, env=env
    )
    deadline = time.monotonic() + 600
    chunks = 0
    while time.monotonic() < deadline and first.poll() is None and chunks < 3:
        for manifest in cache.glob("comity/runs/*/manifest.json"):
            try:
                chunks = len(json.loads(manifest.read_text(encoding="utf-8")).get("chunks", {}))
            except (OSError, ValueError):
                pass
        time.sleep(0.05)
    assert first.poll() is None, "the run ended before it could be killed"
    os.killpg(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    with Store.open(db) as store:
        partial = store.count("documents")
        assert 30 <= partial < 150
        [(grouped,)] = store.con.execute("SELECT count(story_id) FROM documents").fetchall()
        assert grouped == 0  # stories are set at the end, in one transaction

    resumed = subprocess.run(command, capture_output=True, text=True, timeout=900, check=False, env=env)
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout)
    # Every document once: those stored before the kill were not read again.
    assert summary["documents"] + summary["already_stored"] == 150

    uninterrupted = runner.invoke(app, [*args, "--no-progress", "--db", str(other)])
    assert uninterrupted.exit_code == 0, uninterrupted.output
    with Store.open(db) as store, Store.open(other) as whole:
        assert _once(store) == (150, 150, 150)
        for query in (
            "SELECT doc_id, story_id, text, sha256 FROM documents ORDER BY doc_id",
            "SELECT * FROM facts ORDER BY ALL",
            "SELECT * EXCLUDE (weights) FROM story_keys ORDER BY doc_id",
        ):
            assert store.query(query).equals(whole.query(query)), query
        [(per_doc,)] = store.con.execute(
            "SELECT max(n) FROM (SELECT count(*) AS n FROM story_keys GROUP BY doc_id)"
        ).fetchall()
        assert per_doc == 1
    assert not list(cache.glob("comity/runs/*")), "the run's scratch folder is removed when it ends"


def test_term_stats_pickle_without_their_caches() -> None:
    """A Dask worker may send its statistics while its tasks fill their caches: only the
    frequencies are pickled, so the copy is the same statistics with empty caches."""
    import pickle

    from comity.news._doc import NewsDoc
    from comity.news._story_keys import TermStats, story_keys

    keys = [story_keys(NewsDoc(id=name, raw=text)) for name, text in TEXTS.items()]
    stats = TermStats.from_keys(keys)
    for item in keys:
        stats.unit(item)
        stats.facts(item)
    copy = pickle.loads(pickle.dumps(stats))
    assert not copy._unit and not copy._facts
    assert copy.documents == 3 and (copy.hashes == stats.hashes).all()
    assert (copy.idf(keys[0].token_hashes) == stats.idf(keys[0].token_hashes)).all()
