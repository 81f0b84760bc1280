"""Fixtures of the web tests: one store built from the upstream mirror and the news corpus, the app over it,
a live server."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from comity._build import build_store
from comity.store import Store
from comity.web import create_app


@pytest.fixture(scope="session", autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Keep every cache (the data files fetched) out of the user's home during tests."""
    old = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("cache"))
    yield
    if old is None:
        del os.environ["XDG_CACHE_HOME"]
    else:
        os.environ["XDG_CACHE_HOME"] = old


def read_news_into(store: Store, corpus: Path, folder: Path) -> int:
    """Read the development corpus into ``store`` as `comity read DIR --store` does (texts with their
    page metadata, one JSON line each); returns the number of documents."""
    from comity.news import InputDoc, group_stories, iter_documents, read_documents, save_documents
    from comity.news._corpus import annotated_jsonl

    source = annotated_jsonl(corpus, folder / "news-dev.jsonl")
    items = [item for item in iter_documents([source]) if isinstance(item, InputDoc)]
    docs = read_documents(items, jobs=1)
    stories = group_stories(docs)
    for doc in docs:
        doc.story = stories.get(doc.id)
    save_documents(store, docs)
    return len(docs)


@pytest.fixture(scope="session")
def web_db(tmp_path_factory: pytest.TempPathFactory, data_mirror: Path, shared_corpus: Path) -> Path:
    """A store built as `comity build` does from the upstream mirror, with the development news
    corpus read into it as `comity read DIR --store` does."""
    folder = tmp_path_factory.mktemp("web")
    path = folder / "comity.duckdb"
    with Store.open(path, read_only=False) as store:
        build_store(store, data_dir=data_mirror)
        read_news_into(store, shared_corpus / "news-dev", folder)
    return path


@pytest.fixture(scope="session")
def app(web_db: Path) -> FastAPI:
    return create_app(web_db)


def make_client(app: FastAPI) -> httpx.Client:
    """A client calling ``app`` in process (no socket), answering errors as the server would."""
    with warnings.catch_warnings():
        # Starlette >= 1 warns that its test client should move to the httpx2 fork; httpx still works.
        warnings.simplefilter("ignore")
        from fastapi.testclient import TestClient
    return TestClient(app, raise_server_exceptions=False)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[httpx.Client]:
    with make_client(app) as test_client:
        yield test_client


def wait_for_ideal_points(client: httpx.Client, timeout: float = 180.0) -> None:
    """Wait until the ideal points are ready (at once: `comity build` stored them; kept for the
    tests that ask, so that a server that estimated them again would still be waited for)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = client.get("/api/status").json()["ideal_points"]
        if status.startswith(("ready", "failed")):
            return
        time.sleep(0.5)
    raise TimeoutError("ideal points were not estimated in time")


@pytest.fixture
def writable_db(web_db: Path, tmp_path: Path) -> Path:
    """A private copy of the web store that uploads may write to."""
    target = tmp_path / "comity.duckdb"
    shutil.copyfile(web_db, target)
    return target


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def live_server(app: FastAPI) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread; yields its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="comity-test-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    yield base
    server.should_exit = True
    thread.join(timeout=10)
