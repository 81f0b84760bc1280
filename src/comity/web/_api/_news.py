"""The news endpoints: stories, documents, their facts, and the optional upload."""

from __future__ import annotations

import hmac
import io
import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import Path, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from comity.errors import BadInput
from comity.web._api._common import (
    _DOC_ID,
    _ERROR_RESPONSES,
    ALL_ROWS,
    MAX_UPLOAD_BYTES,
    UPLOAD_TYPES,
    Limit,
    Offset,
    _answer,
    _cache,
    _data,
    _items,
    _json_bytes,
    router,
)
from comity.web._errors import ApiError
from comity.web._present import paginate
from comity.web._service import WebData


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
