"""The web service: ``comity serve``, a JSON API under ``/api/`` and server-rendered pages."""

from comity.web._app import create_app, plotly_js_path
from comity.web._errors import ApiError, error_body

__all__ = ["ApiError", "create_app", "error_body", "plotly_js_path"]
