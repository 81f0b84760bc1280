"""Saving read documents and their facts in the store."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comity.news import NewsDoc, Pipeline
from comity.news._store import save_documents
from comity.store import Store

TEXT = (
    "Russian\u00a0Foreign Minister Sergey Lavrov told the UN Security Council on Friday: \u201cThe West is "
    "not guided by the imperative to cooperate.\u201d Germany, Belgium and Kuwait tabled the draft. "
    "Washington rejoined the World Health Organization in 2021."
)


@pytest.fixture
def store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "news.duckdb", read_only=False)


@pytest.fixture(scope="module")
def doc(reader: Pipeline) -> NewsDoc:
    return reader(
        NewsDoc(id="lavrov", raw=TEXT, meta={"url": "https://example.org/x", "published": "2021-05-10"})
    )


def _facts(store: Store) -> list[tuple[object, ...]]:
    return store.con.execute("SELECT * FROM facts ORDER BY ALL").fetchall()


def test_store_rereading_changes_nothing(store: Store, doc: NewsDoc) -> None:
    written = save_documents(store, [doc])
    first_docs = store.con.execute("SELECT * FROM documents").fetchall()
    first = _facts(store)
    assert written == len(first) > 0
    save_documents(store, [doc])
    assert store.con.execute("SELECT * FROM documents").fetchall() == first_docs
    assert _facts(store) == first


def test_store_replaces_previous_facts(store: Store, reader: Pipeline, doc: NewsDoc) -> None:
    save_documents(store, [doc])
    shorter = reader(NewsDoc(id="lavrov", raw="The United Nations said China must act."))
    written = save_documents(store, [shorter])
    types = {row[0] for row in store.con.execute("SELECT fact_type FROM facts").fetchall()}
    assert types == {"mention"}
    assert store.count("facts") == written == len(shorter.mentions) > 0
    assert store.count("documents") == 1


def test_store_spans_point_into_raw_text(store: Store, doc: NewsDoc) -> None:
    save_documents(store, [doc])
    rows = store.con.execute("SELECT fact_type, payload, start_char, end_char FROM facts").fetchall()
    for fact_type, payload, start, end in rows:
        record = json.loads(payload)
        assert record["source_id"] == "lavrov" and record["source_ref"] == f"chars {start}-{end}"
        if fact_type == "mention":
            assert (
                TEXT[start:end] == record["text"] or TEXT[start:end].replace("\u00a0", " ") == record["text"]
            )
        if fact_type == "quote":
            assert record["text"] in TEXT[start - 1 : end + 1]
    kinds = {row[0] for row in rows}
    assert {"mention", "person", "quote", "coalition", "membership", "meeting"} <= kinds


def test_store_document_row_has_hash_and_meta(store: Store, doc: NewsDoc) -> None:
    save_documents(store, [doc])
    url, published, text, sha = store.con.execute(
        "SELECT url, published, text, sha256 FROM documents"
    ).fetchone()
    assert (url, published, text) == ("https://example.org/x", "2021-05-10", TEXT)
    assert len(sha) == 64


def test_store_one_transaction_rolls_back_on_error(store: Store, doc: NewsDoc) -> None:
    save_documents(store, [doc])
    before = _facts(store)
    # Fail inside the transaction, after the documents are written and while the facts go in.
    original = Store.insert_frame

    def failing(self: Store, table: str, frame: Any) -> int:
        if table == "facts":
            raise RuntimeError("disk full")
        return original(self, table, frame)

    again = NewsDoc(id="second", raw=TEXT, meta={"published": "2021-05-10"})
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Store, "insert_frame", failing)
        with pytest.raises(RuntimeError, match="disk full"):
            save_documents(store, [doc, again])
    assert _facts(store) == before
    assert store.count("documents") == 1


def test_fact_payloads_are_the_json_of_their_fields() -> None:
    # Mention payloads are written from a template (the commonest fact): the text must be
    # json.dumps's, for names with quotes, backslashes, control characters and non-ASCII
    # letters, and a field that is not a string still gives valid JSON.
    from comity.news._doc import Meeting, Mention, Person
    from comity.news._store import document_facts

    raw = 'Il a dit: "Côte d\'Ivoire\\Ghana"\tet\n l’ONU ✓ — fin.'
    names = ['"Côte d\'Ivoire\\Ghana"', "l’ONU ✓", "fin\u2028"]
    doc = NewsDoc(id='doc "7" ✓', raw=raw)
    doc.mentions = [Mention(4, 7 + i, name, "CIV", "state", "name", 0.9) for i, name in enumerate(names)]
    doc.mentions.append(Mention(0, 2, "Il", None, "state", "alias", 0.5))  # type: ignore[arg-type]
    doc.people = [Person("Ama Owusu", None, "minister", [(0, 2), (10, 14)])]
    doc.meetings = [Meeting("UNSC", None, None, ["CIV", "GHA"], 3, 9, 0.8, cue="met")]
    rows = list(document_facts(doc))
    assert [row[1] for row in rows] == ["mention"] * 4 + ["person", "meeting"]
    for row, mention in zip(rows, doc.mentions, strict=False):
        expected = {
            "entity_id": mention.entity_id,
            "entity_type": mention.entity_type,
            "kind": mention.kind,
            "text": mention.text,
            "source_id": doc.id,
            "source_ref": f"chars {row[3]}-{row[4]}",
        }
        assert row[2] == json.dumps(expected, ensure_ascii=False)
    assert json.loads(rows[4][2]) == {
        "name": "Ama Owusu",
        "state": None,
        "role": "minister",
        "mentions": [[0, 2], [10, 14]],
        "source_id": doc.id,
        "source_ref": "chars 0-14",
    }
    assert rows[5][2] == json.dumps(
        {
            "body": "UNSC",
            "date": None,
            "chair": None,
            "participants": ["CIV", "GHA"],
            "cue": "met",
            "source_id": doc.id,
            "source_ref": "chars 3-9",
        },
        ensure_ascii=False,
    )
