"""One error shape for every failure of the HTTP service.

Every error, whether comity's own, a bad parameter caught by FastAPI, an unknown route or a
bug, is answered as ``{"error": {"code", "message", "hint"}}`` with a fitting status. Pages
(paths outside ``/api/``) get the same content as an HTML page. A bug never shows its
traceback to the client: it is logged and answered with code ``E500``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any, cast

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import HTMLResponse, JSONResponse, Response

from comity.errors import ComityError

__all__ = ["ApiError", "error_body", "install_error_handlers", "unavailable"]

log = logging.getLogger("comity.web")

_STATUS_TEXT = {
    400: "Bad request.",
    401: "Authentication required.",
    403: "Forbidden.",
    404: "Not found.",
    405: "Method not allowed.",
    413: "Request body too large.",
    415: "Unsupported media type.",
    422: "Invalid parameters.",
    503: "Service unavailable.",
}


class ApiError(Exception):
    """An HTTP failure of the service itself (not of the comity library).

    Parameters
    ----------
    status:
        HTTP status code.
    code:
        Stable error code (``E401``, ``E413``, ``E503``...).
    message:
        What went wrong.
    hint:
        What the client can do about it.
    headers:
        Extra response headers (``WWW-Authenticate`` for 401).
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.hint = hint
        self.headers = headers


def unavailable(part: str, reason: str) -> ApiError:
    """The 503 error for a part of comity that is not installed or not loaded in this store."""
    return ApiError(
        503,
        "E503",
        f"{part} is not available in this comity: {reason}",
        "Install the complete comity package and rebuild the store with `comity build`.",
    )


def error_body(code: str, message: str, hint: str | None) -> dict[str, Any]:
    """The JSON body of every error answer."""
    return {"error": {"code": code, "message": message, "hint": hint}}


def _wants_html(request: Request) -> bool:
    path = request.url.path
    if path.startswith("/api/") or path in ("/openapi.json", "/docs"):
        return False
    return "text/html" in request.headers.get("accept", "")


def _answer(
    request: Request,
    status: int,
    code: str,
    message: str,
    hint: str | None,
    headers: dict[str, str] | None = None,
) -> Response:
    if _wants_html(request):
        renderer = getattr(request.app.state, "render_error", None)
        if renderer is not None:
            try:
                html: str = renderer(request, status, code, message, hint)
                return HTMLResponse(html, status_code=status, headers=headers)
            except Exception:  # an error page must never fail; fall back to JSON
                log.exception("rendering the error page failed")
    return JSONResponse(error_body(code, message, hint), status_code=status, headers=headers)


def _describe_validation(errors: Sequence[Any]) -> str:
    parts = []
    for error in errors:
        location = [str(p) for p in error.get("loc", ())]
        where = location[0] if location else "request"
        name = ".".join(location[1:]) or where
        given = error.get("input")
        text = f"{where} parameter {name!r}: {error.get('msg', 'invalid')}"
        if given is not None and not isinstance(given, dict | list) and error.get("type") != "missing":
            text += f" (got {str(given)[:60]!r})"
        parts.append(text)
    return "Invalid " + "; ".join(parts) + "."


async def _comity_error(request: Request, exc: Exception) -> Response:
    exc = cast(ComityError, exc)  # registered for this type only
    return _answer(request, exc.status, exc.code, exc.message, exc.hint)


async def _api_error(request: Request, exc: Exception) -> Response:
    exc = cast(ApiError, exc)  # registered for this type only
    return _answer(request, exc.status, exc.code, exc.message, exc.hint, exc.headers)


async def _validation_error(request: Request, exc: Exception) -> Response:
    exc = cast(RequestValidationError, exc)  # registered for this type only
    return _answer(
        request,
        422,
        "E030",
        _describe_validation(exc.errors()),
        "See the parameters of this endpoint at /docs.",
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    exc = cast(StarletteHTTPException, exc)  # registered for this type only
    status = exc.status_code
    if status == 404:
        message = f"No such page or endpoint: {request.url.path}."
        hint = "The API is listed at /docs; pages start at /."
    else:
        detail = exc.detail if isinstance(exc.detail, str) else None
        message = detail or _STATUS_TEXT.get(status, "Request failed.")
        if status == 405:
            message = f"Method {request.method} is not allowed on {request.url.path}."
        hint = "See /docs for the methods and parameters of each endpoint."
    headers = dict(exc.headers or {})
    if status == 405:
        # Starlette names the methods of the first route of this path only (GET /api/documents),
        # not of every route of the path (also POST).
        headers["Allow"] = ", ".join(_allowed_methods(request))
    return _answer(request, status, f"E{status}", message, hint, headers or None)


def _allowed_methods(request: Request) -> list[str]:
    from starlette.routing import Match

    allowed = []
    for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    if "GET" in allowed and "HEAD" not in allowed:
        allowed.insert(1, "HEAD")
    return allowed


async def _duckdb_error(request: Request, exc: Exception) -> Response:
    from comity.store._store import as_store_error

    error = as_store_error(exc, request.app.state.data.store.path)
    # Over HTTP the store's path is not named: the client cannot act on it, the operator reads the log.
    log.error("the store failed on %s %s: %s", request.method, request.url.path, error.message)
    return _answer(
        request,
        503,
        error.code,
        "The store could not be read: it is damaged or its disk failed.",
        "The server's operator must move the store away and run `comity build`.",
    )


async def _unexpected_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return _answer(
        request,
        500,
        "E500",
        "comity failed to answer this request because of an internal error.",
        "This is a bug in comity; please report it with the URL you asked for.",
    )


def install_error_handlers(app: FastAPI) -> None:
    """Route every kind of failure of ``app`` to the one error shape."""
    app.add_exception_handler(ComityError, _comity_error)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    import duckdb

    app.add_exception_handler(duckdb.Error, _duckdb_error)
    app.add_exception_handler(Exception, _unexpected_error)
