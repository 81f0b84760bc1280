"""/api/status: what the server holds."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from comity.web._api._common import (
    _data,
    _json_bytes,
    router,
)
from comity.web._service import WebData


@router.get("/status", tags=["service"], summary="What this server holds")
async def status(request: Request) -> Response:
    """Counts of the store's tables, which parts (registry, news, votes, uploads) are available, and
    which parts of the build (``built``: the registry, COW, Security Council, each vote source) the
    store holds."""
    from comity._build import store_parts
    from comity.registry._profiles import PROFILES
    from comity.votes._stored import RESULTS

    def compute(data: WebData) -> dict[str, Any]:
        tables = [
            "states",
            "organisations",
            "people",
            "memberships",
            "membership_events",
            "documents",
            "facts",
            "roll_calls",
            "votes",
        ]
        counts = {t: data.count(t) for t in tables}
        return {
            # The file name only: where the server keeps its files is none of a client's business.
            "store": _store_name(request, data),
            "read_only": data.store.read_only,
            # Set when the store was left by a `comity build` that did not finish: answers may lack data.
            "partial_build_started": data.local_store().unfinished_build(),
            "counts": counts,
            "ideal_points": data.votes().ideal_status(),
            # The results `comity build` computed for the pages, each with the data version it is of.
            "results": {
                name: {k: info[k] for k in ("n_rows", "seconds", "computed_at")}
                for name in (*RESULTS, PROFILES)
                if (info := data.votes().stored.info(name)) is not None
            },
            "parts": {
                "registry": counts["states"] > 0,
                "news": counts["documents"] > 0,
                "votes": counts["votes"] > 0,
                "uploads": request.app.state.upload_token is not None,
            },
            # What `comity build` put in the store, part by part (as `comity status` shows it).
            "built": {
                part: {"built": info["built"], "loaded_at": info["loaded_at"], "files": info["files"]}
                for part, info in store_parts(data.store).items()
            },
        }

    # Not cached: the counts change with uploads.
    value = await run_in_threadpool(compute, _data(request))
    return Response(_json_bytes(value), media_type="application/json")


def _store_name(request: Request, data: WebData) -> str:
    live = getattr(request.app.state, "live", None)
    if live is not None:  # served from a snapshot: name the store, not the copy
        return str(live.path.name)
    return data.store.path.name if data.store.path else ":memory:"
