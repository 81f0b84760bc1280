"""The registry's endpoints: search, actors, memberships, spells, roles, members, coalitions, citations."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from comity.errors import BadInput
from comity.web._api._common import (
    _CSV_RESPONSES,
    _ERROR_RESPONSES,
    ALL_ROWS,
    Format,
    Limit,
    MembersOn,
    Offset,
    OnDate,
    _answer,
    _data,
    _items,
    _json_bytes,
    router,
)
from comity.web._present import paginate, round_floats
from comity.web._service import WebData


@router.get("/search", tags=["registry"], summary="Find actors by any name")
async def search(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=100,
            description="Part of a name, alias, demonym or capital.",
            examples=["Beijing"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
    offset: Annotated[int, Query(ge=0, le=200)] = 0,
) -> Response:
    """States, organisations, coalitions and people whose name, alias, demonym or capital matches ``q``."""

    def compute(data: WebData) -> dict[str, Any]:
        hits = data.search(q, limit + offset)
        return paginate(hits, limit, offset).body(query=q)

    return await _answer(request, compute)


@router.get("/actors/{actor_id}", tags=["registry"], summary="One actor", responses=_ERROR_RESPONSES)
async def actor(
    request: Request,
    actor_id: Annotated[str, Path(max_length=200, description="Id or any name.", examples=["USA"])],
    kind: Annotated[
        Literal["state", "organisation", "person"] | None,
        Query(alias="type", description="Only this kind (ids such as NAM name a state and a body)."),
    ] = None,
) -> Response:
    """What comity knows of a state, organisation, coalition or person: record, names, memberships today."""

    def compute(data: WebData) -> dict[str, Any]:
        info = dict(data.actor(actor_id, kind))
        base = f"/api/actors/{info['id']}"
        info["links"] = {
            "page": info["url"],
            "timeline": f"{base}/timeline",
            "memberships": f"{base}/memberships",
            "quotes": f"{base}/quotes",
        }
        if info["type"] == "person":
            info["links"]["roles"] = f"{base}/roles"
        if info["is_body"]:
            info["links"]["members"] = f"/api/bodies/{info['id']}/members"
            info["links"]["coalition"] = f"/api/coalitions/{info['id']}"
        return info

    return await _answer(request, compute)


@router.get(
    "/actors/{actor_id}/memberships",
    tags=["registry"],
    summary="Bodies an actor belongs to",
    responses=_ERROR_RESPONSES,
)
async def memberships(
    request: Request,
    actor_id: Annotated[str, Path(max_length=200, examples=["FRA"])],
    on: OnDate = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """The bodies the actor belongs to on a date, each with kind, dates and source."""

    def compute(data: WebData) -> dict[str, Any]:
        found, rows = data.memberships_of(actor_id, on)
        return paginate(rows, limit, offset).body(actor_id=found, on=on)

    return await _answer(request, compute)


@router.get(
    "/actors/{actor_id}/timeline",
    tags=["registry"],
    summary="Membership events of an actor",
    responses=_CSV_RESPONSES,
)
async def timeline(
    request: Request,
    actor_id: Annotated[str, Path(max_length=200, examples=["USA"])],
    body: Annotated[
        str | None, Query(max_length=200, description="Only this body.", examples=["WHO"])
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
    format: Format = "json",
) -> Response:
    """Joins, withdrawals, announcements, returns, suspensions in date order, each with its source."""

    def compute(data: WebData) -> dict[str, Any]:
        found, rows = data.timeline(actor_id, body)
        size = ALL_ROWS if format == "csv" else limit
        return paginate(rows, size, offset).body(actor_id=found, body=body)

    return await _answer(request, compute, _items)


@router.get(
    "/actors/{actor_id}/spells",
    tags=["registry"],
    summary="Membership spells of an actor, or of a body's members",
    responses=_CSV_RESPONSES,
)
async def spells(
    request: Request,
    actor_id: Annotated[str, Path(max_length=200, examples=["ZAF"])],
    members: Annotated[
        bool, Query(description="The spells of the body's members instead of the actor's own.")
    ] = False,
    limit: Annotated[int, Query(ge=1, le=1000, description="Most spells (1 to 1000).")] = 60,
    format: Format = "json",
) -> Response:
    """Spells of membership (start, end, kind, source), as the timeline charts draw them; a
    suspension or a withdrawal ends a spell, so a gap between two spells is a gap in membership."""

    def compute(data: WebData) -> dict[str, Any]:
        found = data.actor(actor_id)["id"]
        rows = round_floats(data.membership_spells(found, as_body=members, limit=limit))
        return {"actor_id": found, "members": members, "total": len(rows), "items": rows}

    return await _answer(request, compute, _items)


@router.get(
    "/actors/{actor_id}/roles",
    tags=["registry"],
    summary="Offices a person held",
    responses=_CSV_RESPONSES,
)
async def roles(
    request: Request,
    actor_id: Annotated[
        str, Path(max_length=200, description="A person's id or name.", examples=["kofi_annan"])
    ],
    format: Format = "json",
) -> Response:
    """The roles of a person (office, for which state or body, from, to, source), as the person's page
    shows them; other actors hold no roles (an empty list)."""

    def compute(data: WebData) -> dict[str, Any]:
        info = data.actor(actor_id)
        rows = [dict(r) for r in info.get("roles") or []]
        return {"actor_id": info["id"], "total": len(rows), "items": rows}

    return await _answer(request, compute, _items)


@router.get(
    "/cite",
    tags=["service"],
    summary="References to cite for data files",
    responses={
        422: _ERROR_RESPONSES[422],
        200: {
            "description": "JSON; with format=bibtex the BibTeX entries as text.",
            "content": {"application/json": {}, "text/plain": {"schema": {"type": "string"}}},
        },
    },
)
async def cite(
    request: Request,
    files: Annotated[
        str | None,
        Query(
            max_length=400,
            description="Keys of data files (see `comity data list`), comma-separated; default every file.",
            examples=["unvotes_votes,bsv_matches"],
        ),
    ] = None,
    sources: Annotated[
        str | None,
        Query(
            max_length=400,
            description="Registry sources (the source_id of registry rows), comma-separated.",
            examples=["hand,cow_igo"],
        ),
    ] = None,
    format: Annotated[Literal["json", "bibtex"], Query(description="json (default) or bibtex.")] = "json",
) -> Response:
    """The references to cite for the data behind a chart or table, each once (as ``comity data
    cite``): of data files, and of the registry's sources (``sources``; then files only if given)."""
    from comity.data import cite as references
    from comity.errors import DataError

    keys = [k for k in re.split(r"[,\s]+", files or "") if k] or None
    ids = [k for k in re.split(r"[,\s]+", sources or "") if k]
    try:
        found = references(keys) if keys is not None or not ids else []
    except DataError as error:
        # An unknown key is a bad parameter here (422), not a missing file of the server (503).
        raise BadInput(error.message, hint=error.hint) from None
    if ids:
        found = found + await run_in_threadpool(lambda: _data(request).registry().cite_sources(ids))
    if format == "bibtex":
        text = "\n\n".join(c.bibtex for c in found) + "\n"
        return Response(text.encode(), media_type="text/plain; charset=utf-8")
    items = [{"key": c.key, "text": c.text, "bibtex": c.bibtex} for c in found]
    return Response(_json_bytes({"files": keys, "items": items}), media_type="application/json")


@router.get(
    "/actors/{actor_id}/quotes", tags=["news"], summary="Quotations of an actor", responses=_ERROR_RESPONSES
)
async def quotes(
    request: Request,
    actor_id: Annotated[str, Path(max_length=200, examples=["RUS"])],
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Words the news attributes to the actor, each with its document and character span."""

    def compute(data: WebData) -> dict[str, Any]:
        info = data.actor(actor_id)
        rows, total = data.quotes_by(info, limit=limit, offset=offset)
        return {"actor_id": info["id"], "total": total, "limit": limit, "offset": offset, "items": rows}

    return await _answer(request, compute)


@router.get(
    "/bodies/{body_id}/members",
    tags=["registry"],
    summary="Members of a body on a date",
    responses=_ERROR_RESPONSES,
)
async def members(
    request: Request,
    body_id: Annotated[str, Path(max_length=200, examples=["UNSC"])],
    on: MembersOn = None,
    kind: Annotated[
        str | None,
        Query(
            max_length=100,
            description="Kinds to add to the full members: observer,partner,signatory,associate.",
            examples=["observer,signatory"],
        ),
    ] = None,
    all_kinds: Annotated[bool, Query(description="List members of every kind.")] = False,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """The members of an organisation, organ, agreement or coalition on a date, each with its kind
    and source (full members by default; suspended members as suspended), and how complete the list
    is (``coverage.status``: complete, partial or unknown; ended after the body ended)."""

    def compute(data: WebData) -> dict[str, Any]:
        found, rows, coverage = data.members(body_id, on, kind, all_kinds)
        return paginate(rows, limit, offset).body(body_id=found, on=on, coverage=coverage)

    return await _answer(request, compute)


@router.get(
    "/coalitions/{body_id}",
    tags=["registry"],
    summary="A coalition with its members over time",
    responses=_ERROR_RESPONSES,
)
async def coalition(
    request: Request,
    body_id: Annotated[str, Path(max_length=200, examples=["GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"])],
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """A body (coalition, organisation or agreement), its members today, and every membership spell."""

    def compute(data: WebData) -> dict[str, Any]:
        found = data.resolve(body_id, types=("organisation",))
        info = data.actor(found.id, "organisation")
        _, today, _ = data.members(found.id, None)
        spells = data.membership_spells(found.id, as_body=True, limit=10_000)
        return {
            "id": found.id,
            "name": info["name"],
            "kind": info.get("kind"),
            "record": info.get("record"),
            "members_today": [m["actor_id"] for m in today],
            **paginate(spells, limit, offset).body(),
        }

    return await _answer(request, compute)
