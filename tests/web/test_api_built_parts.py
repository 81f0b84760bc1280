"""/api/status says which parts of the build the store holds, as `comity status` does."""

from __future__ import annotations

import httpx

from comity._build import PARTS


def test_api_status_lists_the_built_parts(client: httpx.Client) -> None:
    body = client.get("/api/status").json()
    built = body["built"]
    assert set(built) == set(PARTS)
    assert all(info["built"] for info in built.values())  # the test store is built from the mirror
    assert built["votes:unvotes2020"]["files"] == ["unga_wide_1946_2024"]
    assert built["registry"]["loaded_at"]
