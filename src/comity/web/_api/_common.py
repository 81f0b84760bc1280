"""What the endpoints of the API share: the router, parameter types, the answer cache and CSV."""

from __future__ import annotations

import csv
import io
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from comity.errors import BadInput
from comity.web._service import WebData

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
