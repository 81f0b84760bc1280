"""The news sample shipped with comity, read into the store by `comity build`."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from comity.news._input import InputDoc, iter_documents, read_documents
from comity.news._store import save_documents
from comity.news._stories import group_stories
from comity.store import Store, sha256_of

__all__ = ["load_samples", "samples_path"]

_LOAD_NAME = "news:samples"


def samples_path() -> Path:
    """The shipped sample: one document a line (id, text, url, outlet, published)."""
    return Path(str(resources.files("comity.news") / "samples" / "news-dev.jsonl"))


def load_samples(store: Store, *, force: bool = False) -> int:
    """Read the shipped news sample, group it into stories and store documents and facts.

    One transaction; skipped (nothing changes) when the store holds this sample already.
    Returns the number of documents in the store from the sample.
    """
    import comity

    path = samples_path()
    # The reader's version is part of the fingerprint: a new reader re-reads the sample.
    fingerprint = sha256_of(comity.__version__, path.read_bytes())
    if not force and store.loaded_sha256(_LOAD_NAME) == fingerprint:
        row = store.con.execute("SELECT value FROM meta WHERE key = 'news_samples'").fetchone()
        return int(row[0]) if row else 0
    items = [item for item in iter_documents([path]) if isinstance(item, InputDoc)]
    docs = read_documents(items, jobs=1)
    stories = group_stories(docs)
    for doc in docs:
        doc.story = stories.get(doc.id)
    with store.transaction():
        save_documents(store, docs)
        store.con.execute("DELETE FROM meta WHERE key = 'news_samples'")
        store.con.execute("INSERT INTO meta VALUES ('news_samples', ?)", [str(len(docs))])
        store.record_load(_LOAD_NAME, fingerprint, len(docs))
    return len(docs)
