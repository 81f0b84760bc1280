"""The FastAPI application: JSON API under ``/api/``, pages, static files, local API docs."""

from __future__ import annotations

import importlib.util
import re
import time
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.staticfiles import StaticFiles
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from comity.errors import StoreError
from comity.store import Store
from comity.web import _api, _pages
from comity.web._errors import install_error_handlers
from comity.web._live import LiveStore, LiveStoreCheck
from comity.web._security import SecurityHeaders, inline_script_policy
from comity.web._service import WebData
from comity.web._warm import warm

__all__ = ["create_app", "plotly_js_path"]

_HERE = Path(__file__).parent
_DESCRIPTION = """comity's JSON API: the registry of the multilateral system (states, organisations,
coalitions, people, memberships over time), diplomatic news read into sourced facts, and UN
General Assembly votes (alignment, cohesion, blocs, ideal points).

Every failure is answered as `{"error": {"code", "message", "hint"}}`. Lists are paginated with
`limit` and `offset` and give their `total`."""


def plotly_js_path() -> Path:
    """plotly.js as shipped inside the installed ``plotly`` Python package (no CDN)."""
    spec = importlib.util.find_spec("plotly")
    if spec is None or spec.origin is None:  # pragma: no cover - plotly is a dependency
        raise StoreError("The plotly package is not installed.", hint="pip install plotly")
    return Path(spec.origin).parent / "package_data" / "plotly.min.js"


def _swagger_assets() -> Path | None:
    # fastapi-offline ships Swagger UI 5 (which reads OpenAPI 3.1) as package data.
    spec = importlib.util.find_spec("fastapi_offline")
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "static"
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def create_app(
    store: str | Path | Store,
    *,
    upload_token: str | None = None,
    precompute: bool = True,
    allowed_hosts: frozenset[str] | None = None,
) -> FastAPI:
    """Build the comity web application over a store.

    Parameters
    ----------
    store:
        An open :class:`~comity.store.Store` (served as it is), or the path of a store file,
        served from read-only snapshots that follow the file's changes: the server holds no
        lock on it, and uploads open it for their one write.
    upload_token:
        Enables ``POST /api/documents`` for clients that send ``Authorization: Bearer <token>``.
        Without it the endpoint answers 403 and nothing can be written.
    precompute:
        Import the vote analysis libraries (igraph, leidenalg, scipy) and compile the templates at
        start rather than at the first request that needs them, and warm the store
        (:func:`comity.web._warm.warm`: each kind of query once). No answer is computed or kept at start:
        the results pages show were computed by ``comity build`` and are read from the store.
    allowed_hosts:
        Host names (without port) the server answers to; others get 421. None (the default)
        answers to any; ``comity serve`` derives them from ``--host`` (see
        :func:`~comity.web._security.allowed_hosts_for`).

    Returns
    -------
    FastAPI
        The ASGI application (serve it with uvicorn, or test it with ``TestClient``).
    """
    live: LiveStore | None = None
    if isinstance(store, Store):
        opened = store
    else:
        # A path is served through snapshots: the server holds no lock on it, so that `comity read
        # --store`, `build` and `votes load` can write it while the server runs (see _live).
        live = LiveStore(Path(store))
        opened = live.snapshot()
    app = FastAPI(
        title="comity",
        version=_version(),
        description=_DESCRIPTION,
        docs_url=None,
        redoc_url=None,
        openapi_tags=[
            {"name": "registry", "description": "States, organisations, coalitions, people and memberships."},
            {"name": "news", "description": "Documents, stories and the facts read from them, with spans."},
            {
                "name": "votes",
                "description": "UN General Assembly votes: alignment, cohesion, blocs, ideals.",
            },
            {"name": "service", "description": "About this server."},
        ],
    )

    data = WebData(opened)
    app.state.data = data
    app.state.live = live
    if live is not None:

        def swap(new_store: Store) -> None:
            fresh = WebData(new_store)
            if precompute:
                warm(fresh)  # in the refresh thread, before any request reads the new snapshot
            app.state.data = fresh
            app.state.answer_cache = None

        live.on_snapshot = swap
        app.state.save_documents = live.save_documents
    app.state.upload_token = upload_token or None
    install_error_handlers(app)
    app.include_router(_api.router)
    app.include_router(_pages.router)
    _pages.install(app)
    app.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
    _install_assets(app)
    if live is not None:
        app.add_middleware(LiveStoreCheck, live=live)
    app.add_middleware(SecurityHeaders, allowed_hosts=allowed_hosts)
    app.add_middleware(ServerTiming)
    if precompute:
        # Compiling the page templates is no computation of answers: done before the first visitor.
        for name in app.state.templates.env.list_templates(extensions=["html"]):
            app.state.templates.env.get_template(name)
        if data.n_votes:
            _import_analysis()
        # What the first requests would pay (DuckDB reading tables and indexes into memory,
        # first-call code paths) is paid here, before the first visitor.
        warm(data)
    return app


def _import_analysis() -> None:
    """Import what the computed-on-request vote answers (blocs of a year, cohesion of an ad-hoc
    group) need, so that the first such request does not wait a second for imports."""
    import igraph  # noqa: F401
    import leidenalg  # noqa: F401
    import scipy.optimize  # noqa: F401

    import comity.votes._blocs  # noqa: F401
    import comity.votes._cohesion  # noqa: F401


def _accessible_swagger(html: str) -> str:
    """FastAPI's Swagger UI page with a language, a main landmark and our contrast fixes
    (``static/swagger-a11y.css``), so that the API docs pass the same accessibility check as the pages."""
    html = html.replace("<html>", '<html lang="en">', 1)
    main = '<main><div id="swagger-ui"></div></main>'
    html = re.sub(r'<div id="swagger-ui">\s*</div>', main, html, count=1)
    return html.replace("</head>", '<link rel="stylesheet" href="/static/swagger-a11y.css">\n</head>', 1)


def _install_assets(app: FastAPI) -> None:
    plotly_js = plotly_js_path()

    @app.get("/assets/plotly.min.js", include_in_schema=False)
    def plotly() -> Response:
        # One year: the file changes only with the installed plotly version.
        return FileResponse(
            plotly_js, media_type="text/javascript", headers={"Cache-Control": "public, max-age=31536000"}
        )

    swagger = _swagger_assets()
    if swagger is not None:
        app.mount("/assets/swagger", StaticFiles(directory=swagger), name="swagger")

    @app.get("/docs", include_in_schema=False)
    def docs(request: Request) -> HTMLResponse:
        if swagger is not None:
            page = get_swagger_ui_html(
                openapi_url="/openapi.json",
                title="comity API",
                swagger_js_url="/assets/swagger/swagger-ui-bundle.js",
                swagger_css_url="/assets/swagger/swagger-ui.css",
                swagger_favicon_url="/static/favicon.svg",
                # Deep links put a link inside each operation's button (axe: nested-interactive).
                swagger_ui_parameters={"deepLinking": False},
            )
            html = _accessible_swagger(bytes(page.body).decode())
            # Swagger UI starts from one inline script: allowed by its hash, and nothing else.
            return HTMLResponse(html, headers={"Content-Security-Policy": inline_script_policy(html)})
        # Without Swagger UI's assets: a plain page listing the endpoints from the schema.
        return _pages.api_index_page(request, app.openapi())


class ServerTiming:
    """ASGI middleware adding ``Server-Timing: app;dur=MS`` to every answer (time spent in the app).

    A pure ASGI wrapper (not ``BaseHTTPMiddleware``), so that it costs microseconds: load tests use
    the header to tell the server's own latency from the client's.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                elapsed = (time.perf_counter() - started) * 1000
                headers = list(message.get("headers", []))
                headers.append((b"server-timing", f"app;dur={elapsed:.3f}".encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, timed_send)


def _version() -> str:
    try:
        from importlib.metadata import version

        return version("comity")
    except Exception:  # not installed (running from a source tree)
        return "0"
