"""The web service: ``comity serve``, a JSON API under ``/api/`` and server-rendered pages."""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from comity.web._app import create_app, plotly_js_path
    from comity.web._errors import ApiError, error_body

__all__ = ["ApiError", "create_app", "error_body", "plotly_js_path"]

_HOMES = {
    "ApiError": "comity.web._errors",
    "create_app": "comity.web._app",
    "error_body": "comity.web._errors",
    "plotly_js_path": "comity.web._app",
}


def __getattr__(name: str) -> _typing.Any:
    # FastAPI takes about a third of a second to import: every `comity` command would pay for it
    # (the CLI mounts `serve` from this package), so the app is imported when first asked for.
    if name in _HOMES:
        return getattr(_importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'comity.web' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The names load on first use; completion in a notebook should still offer them.
    return sorted({*globals(), *__all__})
