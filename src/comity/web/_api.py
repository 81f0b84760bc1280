"""The JSON API under ``/api/``.

Read endpoints answer from :class:`~comity.web._service.WebData`, the thin door to the library.
The store does not change while the server runs (except through the optional upload, which clears
the cache), so each answer is kept once, serialised, in an LRU cache: a repeated request costs a
dictionary look-up, which is what keeps latency low under load.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from comity.errors import BadInput, ComityError
from comity.web._errors import ApiError
from comity.web._present import paginate, round_floats
from comity.web._service import WebData

__all__ = ["MAX_UPLOAD_BYTES", "UPLOAD_TYPES", "router"]

router = APIRouter(prefix="/api")

#: Largest document the upload endpoint reads.
MAX_UPLOAD_BYTES = 1_000_000
#: Content types the upload endpoint reads.
UPLOAD_TYPES = ("text/plain", "text/html", "application/json")
_DOC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,119}$")
_ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"description": "Unknown id (the message lists the closest matches)."},
    422: {"description": "Bad parameter (the message says which and why)."},
}

#: Endpoints that answer CSV with ``format=csv`` say so in the schema.
_CSV_RESPONSES: dict[int | str, dict[str, Any]] = {
    **_ERROR_RESPONSES,
    200: {
        "description": "JSON; with format=csv every row as CSV.",
        "content": {"application/json": {}, "text/csv": {"schema": {"type": "string"}}},
    },
}
Limit = Annotated[int, Query(ge=1, le=500, description="Rows per page (1 to 500).")]
Offset = Annotated[int, Query(ge=0, le=10_000_000, description="Rows to skip.")]
# The schema says what the server accepts (a schemathesis run checks it): full dates of years 1
# to 9999 (a day a month lacks, such as 02-30, is answered 422), years of UN votes up to next year.
_DAY = r"(\d{3}[1-9]|\d\d[1-9]0|\d[1-9]00|[1-9]000)-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
OnDate = Annotated[
    str | None,
    Query(
        description="Date YYYY-MM-DD or 'today' (the default).",
        max_length=10,
        pattern=rf"^({_DAY}|today)$",
        examples=["2021-05-07"],
    ),
]
MembersOn = Annotated[
    str | None,
    Query(
        description="Date YYYY-MM-DD, 'today' (the default) or 'founding' (the founding members).",
        max_length=10,
        pattern=rf"^({_DAY}|today|founding)$",
        examples=["2021-05-07"],
    ),
]
Issue = Literal["me", "nu", "di", "hr", "co", "ec"]
_LAST_YEAR = date.today().year + 1
YearFrom = Annotated[int | None, Query(alias="from", ge=1946, le=_LAST_YEAR, description="First year.")]
YearTo = Annotated[int | None, Query(alias="to", ge=1946, le=_LAST_YEAR, description="Last year.")]


class _AnswerCache:
    """A bounded LRU of serialized JSON answers, safe across threads."""

    def __init__(self, size: int = 4096) -> None:
        self.size = size
        self._items: OrderedDict[Any, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Any) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def put(self, key: Any, value: bytes) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def _data(request: Request) -> WebData:
    data: WebData = request.app.state.data
    return data


def _cache(request: Request) -> _AnswerCache:
    cache: _AnswerCache | None = getattr(request.app.state, "answer_cache", None)
    if cache is None:
        cache = _AnswerCache()
        request.app.state.answer_cache = cache
    return cache


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()


#: ``format=csv`` answers the rows of the JSON answer as CSV, all of them (no paging), for download.
Format = Annotated[
    Literal["json", "csv"],
    Query(description="json (default, paged), or csv: every row of the answer, for download."),
]
#: What ``limit`` becomes for a CSV answer: every row.
ALL_ROWS = 10**9


def _items(value: dict[str, Any]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = value["items"]
    return rows


def csv_bytes(rows: list[dict[str, Any]]) -> bytes:
    """``rows`` as CSV: columns in first-seen order, lists joined by ``;``, None as an empty cell."""
    columns: dict[str, None] = {}
    for row in rows:
        columns.update(dict.fromkeys(row))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ";".join(map(str, v)) if isinstance(v, list | tuple) else v for k, v in row.items()}
        )
    return out.getvalue().encode()


async def _answer(
    request: Request,
    compute: Callable[[WebData], Any],
    rows: Callable[[Any], list[dict[str, Any]]] | None = None,
) -> Response:
    """Answer from the cache, or compute in a worker thread and cache the answer.

    With ``rows`` and ``format=csv`` in the query, the answer is ``rows(value)`` as CSV.
    """
    as_csv = rows is not None and request.query_params.get("format") == "csv"
    key = (request.url.path, request.url.query)
    cache = _cache(request)
    body = cache.get(key)
    if body is None:
        data = _data(request)
        value = await run_in_threadpool(compute, data)
        body = csv_bytes(rows(value)) if as_csv and rows is not None else _json_bytes(value)
        cache.put(key, body)
    if as_csv:
        name = request.url.path.strip("/").replace("/", "-").removeprefix("api-") or "comity"
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
        )
    return Response(body, media_type="application/json")


def _states(text: str | None, data: WebData) -> list[str]:
    if text is None:
        return []
    names = [part for part in re.split(r"[,\s]+", text) if part]
    if len(names) > 60:
        raise BadInput(f"{len(names)} states were given; at most 60 are allowed.", hint="Pick fewer states.")
    return data.check_states(names)


# -- service -------------------------------------------------------------------------------------


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


# -- registry ------------------------------------------------------------------------------------


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


# -- news ----------------------------------------------------------------------------------------


@router.get("/stories", tags=["news"], summary="Stories of the read news")
async def stories(request: Request, limit: Limit = 50, offset: Offset = 0) -> Response:
    """Stories (documents reporting one event), newest first, with their outlets and documents."""
    return await _answer(request, lambda data: paginate(data.stories(), limit, offset).body())


@router.get(
    "/stories/{story_id}",
    tags=["news"],
    summary="One story with its reconciled facts",
    responses=_ERROR_RESPONSES,
)
async def story(request: Request, story_id: Annotated[str, Path(max_length=200)]) -> Response:
    """The story's documents and its facts reconciled across them: each with its support count
    (the number of documents stating it), its spans, and a flag where the documents conflict."""
    return await _answer(request, lambda data: data.story(story_id))


@router.get(
    "/documents",
    tags=["news"],
    summary="Read documents",
    responses={
        **_ERROR_RESPONSES,
        200: {
            "description": "JSON; with format=csv every row as CSV, with format=bibtex a BibTeX entry each.",
            "content": {
                "application/json": {},
                "text/csv": {"schema": {"type": "string"}},
                "text/plain": {"schema": {"type": "string"}},
            },
        },
    },
)
async def documents(
    request: Request,
    story: Annotated[str | None, Query(max_length=200, description="Only this story.")] = None,
    limit: Limit = 50,
    offset: Offset = 0,
    format: Annotated[
        Literal["json", "csv", "bibtex"],
        Query(description="json (default, paged), csv (every row, for download) or bibtex (to cite)."),
    ] = "json",
) -> Response:
    """Documents in the store with outlet, date, size and number of facts; as BibTeX, an entry
    citing each document as its outlet published it."""
    size = ALL_ROWS if format in ("csv", "bibtex") else limit
    if format == "bibtex":
        from comity.news import document_bibtex

        rows = await run_in_threadpool(lambda: paginate(_data(request).documents(story), size, offset).items)
        text = "\n\n".join(document_bibtex(row) for row in rows) + "\n"
        return Response(text.encode(), media_type="text/plain; charset=utf-8")
    return await _answer(
        request, lambda data: paginate(data.documents(story), size, offset).body(story=story), _items
    )


@router.get(
    "/documents/{doc_id}",
    tags=["news"],
    summary="One document with its facts and spans",
    responses=_ERROR_RESPONSES,
)
async def document(request: Request, doc_id: Annotated[str, Path(max_length=200)]) -> Response:
    """The document's text and every fact read from it with ``start_char``/``end_char`` in that text."""

    def compute(data: WebData) -> dict[str, Any]:
        record = dict(data.document(doc_id))
        record.pop("segments", None)
        return record

    return await _answer(request, compute)


@router.get(
    "/documents/{doc_id}/facts", tags=["news"], summary="Facts of one document", responses=_ERROR_RESPONSES
)
async def document_facts(
    request: Request,
    doc_id: Annotated[str, Path(max_length=200)],
    type: Annotated[  # noqa: A002 - the parameter's public name
        Literal["mention", "person", "quote", "coalition", "membership", "meeting"] | None,
        Query(description="Only facts of this type."),
    ] = None,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Response:
    """Facts read from the document, each with its type, payload, character span and confidence."""

    def compute(data: WebData) -> dict[str, Any]:
        facts = data.document(doc_id)["facts"]
        if type is not None:
            facts = [f for f in facts if f["fact_type"] == type]
        return paginate(facts, limit, offset).body(doc_id=doc_id, type=type)

    return await _answer(request, compute)


@router.post(
    "/documents",
    tags=["news"],
    summary="Read a new document (needs the upload token)",
    status_code=201,
    responses={
        401: {"description": "No bearer token."},
        403: {"description": "Uploads disabled or bad token."},
        413: {"description": "Larger than 1 MB."},
        415: {"description": "Not text, HTML or JSON."},
    },
)
async def upload(
    request: Request,
    id: Annotated[
        str | None,
        Query(
            max_length=120,
            pattern=_DOC_ID.pattern,  # noqa: A002 - public name
            description="Document id (default: derived from the content).",
        ),
    ] = None,
) -> Response:
    """Read a text, HTML page or JSON document (``{"id", "text", "url", "outlet", "published"}``) with
    comity's news reader and return its facts with spans. Off unless the server was started with an
    upload token; the request must then carry ``Authorization: Bearer <token>``. At most 1 MB."""
    token: str | None = request.app.state.upload_token
    if token is None:
        raise ApiError(
            403,
            "E403",
            "Uploads are disabled on this server.",
            "Start the server with --upload-token (or COMITY_UPLOAD_TOKEN) to enable them.",
        )
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        raise ApiError(
            401,
            "E401",
            "This endpoint needs a bearer token.",
            "Send the header 'Authorization: Bearer <token>'.",
            {"WWW-Authenticate": "Bearer"},
        )
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        raise ApiError(
            403, "E403", "The bearer token is not valid.", "Use the token the server was started with."
        )
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in UPLOAD_TYPES:
        raise ApiError(
            415,
            "E415",
            f"Content type {media_type or '(none)'!r} cannot be read.",
            f"Send one of {', '.join(UPLOAD_TYPES)}.",
        )
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_UPLOAD_BYTES:
        raise _too_large()
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > MAX_UPLOAD_BYTES:
            raise _too_large()
    if not body.strip():
        raise BadInput("The document is empty.", hint="Send the text of a news report.")
    data = _data(request)
    saver = getattr(request.app.state, "save_documents", None)
    result = await run_in_threadpool(_read_upload, data, bytes(body), media_type, id, saver)
    if result.pop("stored"):
        _cache(request).clear()
        data.clear_caches()
    return Response(_json_bytes(result), status_code=201, media_type="application/json")


def _too_large() -> ApiError:
    return ApiError(
        413,
        "E413",
        f"The document is larger than {MAX_UPLOAD_BYTES:,} bytes.",
        "Split it into smaller documents.",
    )


def _read_upload(
    data: WebData,
    body: bytes,
    media_type: str,
    doc_id: str | None,
    saver: Callable[[list[Any]], int] | None = None,
) -> dict[str, Any]:
    import hashlib

    from comity.news import InputDoc, Pipeline, iter_documents, save_documents, to_full

    if media_type == "application/json":
        try:
            record = json.loads(body)
        except ValueError as exc:
            raise BadInput(
                f"The JSON document cannot be parsed: {exc}.",
                hint='Send {"text": "...", "url": ..., "outlet": ..., "published": ...}.',
            ) from exc
        if not isinstance(record, dict) or not isinstance(record.get("text"), str):
            raise BadInput(
                "The JSON document needs a string field 'text'.",
                hint='Send {"text": "...", "url": ..., "outlet": ..., "published": ...}.',
            )
        if record.get("id") in (None, ""):
            # As documented: without an id (in the JSON or the query) it is derived from the content.
            record["id"] = doc_id or "upload-" + hashlib.sha256(record["text"].encode()).hexdigest()[:16]
        body = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    # The bytes are read from memory: nothing of the request names a file.
    read = [d for d in iter_documents(["-"], stdin=io.BytesIO(body), max_bytes=MAX_UPLOAD_BYTES)]
    docs = [d for d in read if isinstance(d, InputDoc)]
    if not docs:
        reasons = "; ".join(getattr(d, "reason", str(d)) for d in read) or "no text"
        raise BadInput(
            f"The document cannot be read: {reasons}.", hint="Send UTF-8 text, an HTML page or JSON."
        )
    item = docs[0]
    given_id = doc_id or (str(item.id) if media_type == "application/json" and item.id != "stdin" else None)
    if given_id is not None and not _DOC_ID.match(given_id):
        raise BadInput(
            f"Document id {given_id[:40]!r} is not allowed.",
            hint="Ids are letters, digits, '.', '_' and '-', at most 120 characters.",
        )
    final_id = given_id or "upload-" + hashlib.sha256(item.text.encode()).hexdigest()[:16]
    meta = {k: v for k, v in item.meta.items() if k in ("url", "outlet", "published", "title")}
    doc = Pipeline().read(item.text, id=final_id, meta=meta)
    stored = False
    if saver is not None:
        # Served from snapshots: the store itself is opened for this one write.
        saver([doc])
        stored = True
    elif not data.store.read_only:
        # Writes go through the server's one read-write connection, one upload at a time.
        with data.write_lock:
            save_documents(data.store, [doc])
        stored = True
    return {"doc_id": final_id, "stored": stored, "document": to_full(doc)}


# -- votes ---------------------------------------------------------------------------------------


@router.get(
    "/votes/alignment", tags=["votes"], summary="Voting alignment of states", responses=_CSV_RESPONSES
)
async def alignment(
    request: Request,
    states: Annotated[
        str,
        Query(
            max_length=2000, description="States, comma-separated (ISO3 or names).", examples=["USA,CHN,RUS"]
        ),
    ],
    reference: Annotated[
        str | None, Query(max_length=400, description="Only pairs with these states.")
    ] = None,
    by: Annotated[Literal["year", "all"], Query(description="Per year, or pooled over the period.")] = "year",
    issue: Annotated[Issue | None, Query(description="Voeten issue code.")] = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    measure: Annotated[Literal["agree", "lijphart", "s", "kappa", "pi"], Query()] = "agree",
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> Response:
    """Pairwise alignment (share of identical votes, Lijphart, Signorino-Ritter S, Cohen's kappa,
    Scott's pi), as ``comity votes agree``."""

    def compute(data: WebData) -> dict[str, Any]:
        _check_order(year_from, year_to)
        chosen = tuple(_states(states, data))
        refs = tuple(_states(reference, data))
        if len(set(chosen) | set(refs)) < 2:
            raise BadInput("Alignment needs at least two states.", hint="Give e.g. states=USA,CHN,RUS.")
        rows = data.votes().alignment(
            chosen, refs, None if by == "all" else "year", issue, year_from, year_to, measure
        )
        size = ALL_ROWS if format == "csv" else limit
        return paginate(round_floats([dict(r) for r in rows]), size, offset).body(
            states=list(chosen), reference=list(refs), by=by, issue=issue, measure=measure
        )

    return await _answer(request, compute, _items)


def _check_order(start: int | None, end: int | None) -> None:
    if start is not None and end is not None and start > end:
        raise BadInput(f"The period runs backwards: from {start} to {end}.", hint="Give from <= to.")


@router.get(
    "/votes/agreement",
    tags=["votes"],
    summary="Agreement matrix of states in one year",
    responses=_CSV_RESPONSES,
)
async def agreement(
    request: Request,
    year: Annotated[int, Query(ge=1946, le=_LAST_YEAR, examples=[2023])],
    states: Annotated[
        str, Query(max_length=2000, description="States, comma-separated.", examples=["USA,CHN,RUS,FRA,GBR"])
    ],
    measure: Annotated[Literal["agree", "lijphart", "s", "kappa", "pi"], Query()] = "agree",
    format: Format = "json",
) -> Response:
    """All-pairs agreement of the given states in one year (the heatmap of the coalition page).
    As CSV: one row per ordered pair of states (state_a, state_b, the measure)."""

    def compute(data: WebData) -> dict[str, Any]:
        return data.votes().agreement(year, tuple(_states(states, data)), measure)

    def pairs(value: dict[str, Any]) -> list[dict[str, Any]]:
        names = value["states"]
        return [
            {"year": year, "state_a": a, "state_b": b, measure: value["matrix"][i][j]}
            for i, a in enumerate(names)
            for j, b in enumerate(names)
        ]

    return await _answer(request, compute, pairs)


@router.get(
    "/votes/cohesion",
    tags=["votes"],
    summary="Cohesion of a group against random groups",
    responses=_CSV_RESPONSES,
)
async def cohesion(
    request: Request,
    group: Annotated[
        str,
        Query(
            max_length=2000,
            description="A coalition id, or states comma-separated.",
            examples=["GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"],
        ),
    ],
    year_from: YearFrom = None,
    year_to: YearTo = None,
    issue: Annotated[Issue | None, Query(description="Voeten issue code.")] = None,
    draws: Annotated[int, Query(ge=10, le=5000, description="Random groups drawn per year.")] = 1000,
    seed: Annotated[int, Query(ge=0, le=2**31, description="Seed of the random groups.")] = 0,
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> Response:
    """Per year: the group's Rice index and Hix-Noury-Roland agreement index (``ai``), the mean and
    2.5-97.5 percentile band of random groups of the same size, its percentile, and whether it is a
    bloc (percentile >= 95), as ``comity votes cohesion``. A coalition's members are taken per year."""

    def compute(data: WebData) -> dict[str, Any]:
        _check_order(year_from, year_to)
        members = _group(data, group)
        rows = data.cohesion(members, year_from, year_to, issue, draws, seed)
        size = ALL_ROWS if format == "csv" else limit
        return paginate(round_floats([dict(r) for r in rows]), size, offset).body(
            group=members if isinstance(members, str) else list(members), issue=issue, draws=draws
        )

    return await _answer(request, compute, _items)


def _group(data: WebData, group: str) -> str | tuple[str, ...]:
    """A registry group id (its members are taken per year), or a tuple of ISO3 codes."""
    names = [part for part in re.split(r"[,\s]+", group) if part]
    if len(names) == 1:
        try:
            return str(data.resolve(names[0], types=("organisation",)).id)
        except ComityError:
            pass
    members = tuple(_states(group, data))
    if len(members) < 2:
        raise BadInput(
            f"The group {group!r} is neither a coalition nor two or more states.",
            hint="Give a coalition id such as GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER, or ISO3 codes.",
        )
    return members


@router.get("/votes/blocs", tags=["votes"], summary="Voting blocs of one year", responses=_CSV_RESPONSES)
async def blocs(
    request: Request,
    year: Annotated[int, Query(ge=1946, le=_LAST_YEAR, examples=[2023])],
    resolution: Annotated[float, Query(gt=0, le=10, description="Higher: more, smaller blocs.")] = 1.0,
    metric: Annotated[
        Literal["agree", "lijphart", "s", "kappa", "pi"], Query(description="Edge weight.")
    ] = "agree",
    seed: Annotated[int, Query(ge=0, le=2**31, description="Seed of the Leiden algorithm.")] = 0,
    format: Format = "json",
) -> Response:
    """Voting blocs (Leiden communities of the year's agreement graph), the states that moved since
    the year before, and the stability of the partition, as ``comity votes blocs``. As CSV: one row
    per state and its bloc."""
    return await _answer(
        request, lambda data: data.votes().blocs(year, resolution, metric, seed), lambda value: value["blocs"]
    )


@router.get("/votes/ideal", tags=["votes"], summary="Ideal points over time", responses=_CSV_RESPONSES)
async def ideal(
    request: Request,
    states: Annotated[
        str | None,
        Query(
            max_length=2000, description="States, comma-separated (default all).", examples=["USA,CHN,RUS"]
        ),
    ] = None,
    year_from: YearFrom = None,
    year_to: YearTo = None,
    limit: Limit = 500,
    offset: Offset = 0,
    format: Format = "json",
) -> Response:
    """One-dimensional ideal points per state and year (USA positive), with standard errors,
    as ``comity votes ideal``."""

    def compute(data: WebData) -> dict[str, Any]:
        _check_order(year_from, year_to)
        chosen = _states(states, data)
        rows = round_floats(data.votes().ideal(chosen, year_from, year_to))
        return paginate(rows, ALL_ROWS if format == "csv" else limit, offset).body(states=chosen)

    return await _answer(request, compute, _items)
