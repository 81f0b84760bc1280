"""One BibTeX writer for what comity cites itself: registry sources and news documents."""

from __future__ import annotations

import pandas as pd

from comity._bibtex import misc_entry
from comity.news import document_bibtex
from comity.registry import Registry
from comity.store import Store


def test_misc_entry_keeps_the_order_leaves_out_empty_fields_and_breaks_no_brace() -> None:
    entry = misc_entry("k", title="A {braced} title", url="https://example.org/{x}", date="", note=None)
    assert entry == (
        "@misc{k,\n  title = {A (braced) title},\n  howpublished = {\\url{https://example.org/(x)}}\n}"
    )
    assert entry.count("{") == entry.count("}")


def test_news_documents_and_registry_sources_are_cited_by_the_same_writer() -> None:
    doc = {
        "doc_id": "story 7/a",
        "outlet": "The {Test} Post",
        "url": "https://example.org/7",
        "published": "",
    }
    assert document_bibtex(doc) == misc_entry(
        "story-7-a",
        organization="The {Test} Post",
        url="https://example.org/7",
        note="News document story 7/a, read by comity",
    )
    assert document_bibtex(doc) == (
        "@misc{story-7-a,\n  organization = {The (Test) Post},\n"
        "  howpublished = {\\url{https://example.org/7}},\n"
        "  note = {News document story 7/a, read by comity}\n}"
    )
    store = Store.memory()
    rows = [
        {"source_id": "mine", "title": "A table {v2}", "url": "https://example.org/t", "licence": "CC0"},
        {"source_id": "bare", "title": None, "url": None, "licence": None},
    ]
    store.insert_frame("sources", pd.DataFrame(rows))
    mine, bare = Registry.from_store(store).cite_sources(["mine", "bare"])
    assert mine.bibtex == (
        "@misc{comity-source-mine,\n  title = {A table (v2)},\n"
        "  howpublished = {\\url{https://example.org/t}},\n  note = {Licence: CC0}\n}"
    )
    assert bare.bibtex == "@misc{comity-source-bare,\n  title = {bare}\n}"
