"""/api/status says which parts of the build the store holds, as `comity status` does."""

from __future__ import annotations

import httpx

from comity._build import PARTS
from comity.registry import Registry
from comity.web import create_app

from .conftest import make_client


def test_api_status_lists_the_built_parts(client: httpx.Client) -> None:
    body = client.get("/api/status").json()
    built = body["built"]
    assert set(built) == set(PARTS)
    assert all(info["built"] for info in built.values())  # the test store is built from the mirror
    assert built["votes:unvotes2020"]["files"] == ["unga_wide_1946_2024"]
    assert built["registry"]["loaded_at"]


def test_home_page_without_news_says_how_to_read_some(registry: Registry) -> None:
    app = create_app(registry.store, precompute=False)
    with make_client(app) as bare:
        page = bare.get("/")
    assert page.status_code == 200
    assert "No news has been read into this store yet" in page.text
    assert "comity read DIR --store" in page.text
