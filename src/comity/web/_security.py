"""What the server adds to keep pages safe: security headers, a Host check, safe links.

* :class:`SecurityHeaders` (ASGI middleware) sends a Content-Security-Policy that lets pages run
  only the server's own scripts (``/static/comity.js``, plotly.js from ``/assets``; no inline code,
  no ``eval``, nothing from other sites), ``X-Content-Type-Options: nosniff``, a
  ``Referrer-Policy`` and frame protection (``frame-ancestors 'none'`` and ``X-Frame-Options``).
  A response that brings its own policy (the API docs page, whose one inline script is allowed by
  its hash) keeps it.
* The same middleware checks the ``Host`` header when the server was given the names it answers
  to: a page on another site cannot reach a server on the loopback interface through a DNS name
  that it points at 127.0.0.1 (DNS rebinding).
* :func:`http_url` is the Jinja filter for links to documents' sources: only ``http`` and
  ``https`` URLs become links, so a stored ``javascript:`` URL is shown as text, never run.
"""

from __future__ import annotations

import base64
import hashlib
import ipaddress
import json
import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["CSP", "SecurityHeaders", "allowed_hosts_for", "http_url", "inline_script_policy"]

#: The pages' policy. Scripts: the server's own files only (no inline code, no eval). Inline styles
#: are allowed: plotly.js sets style attributes and fills <style> elements as it draws, and a style
#: cannot run code. Images may be data: URIs (plotly's and Swagger UI's icons).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)
_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
_LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def http_url(value: object) -> str | None:
    """``value`` if it is an absolute ``http``/``https`` URL with a host, else None."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if any(ord(char) < 32 for char in text):
        return None
    try:
        parts = urlsplit(text)
    except ValueError:
        return None
    return text if parts.scheme.lower() in ("http", "https") and parts.netloc else None


def inline_script_policy(html: str) -> str:
    """:data:`CSP` allowing, by their SHA-256, exactly the inline scripts of ``html``."""
    hashes = [
        "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"
        for body in _INLINE_SCRIPT.findall(html)
    ]
    return CSP.replace("script-src 'self'", " ".join(["script-src 'self'", *hashes]))


def allowed_hosts_for(bind: str, extra: Iterable[str] = ()) -> frozenset[str] | None:
    """The Host names a server bound to ``bind`` answers to; None (any) when it listens everywhere.

    A loopback server answers to its loopback names only; one bound to an address or name answers
    to that and to the loopback names; one on every interface (``0.0.0.0``, ``::``) to any name
    unless ``extra`` names them. ``extra`` adds names (``--allowed-host``); ``*`` turns the check off.
    """
    names = {_host_only(name) for name in extra if name.strip()}
    if "*" in names:
        return None
    if bind in ("0.0.0.0", "::", ""):
        return frozenset(names) if names else None
    return frozenset({*_LOOPBACK_NAMES, _host_only(bind), *names})


def _host_only(host: str) -> str:
    """The host of a Host header value: lower case, without port or IPv6 brackets."""
    text = host.strip().lower()
    if text.startswith("["):
        return text[1 : text.find("]")] if "]" in text else text
    if text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return text.rstrip(".")


class SecurityHeaders:
    """ASGI middleware: the security headers on every answer, and the Host check.

    Parameters
    ----------
    app:
        The application to wrap.
    allowed_hosts:
        Host names (without port) the server answers to; None answers to any.
    """

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str] | None = None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None:
            host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
            if _host_only(host) not in self.allowed_hosts:
                await _refuse_host(host, send)
                return

        async def secured_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CSP.encode()))
                headers.extend(item for item in _HEADERS if item[0] not in present)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, secured_send)


async def _refuse_host(host: str, send: Send) -> None:
    body = json.dumps(
        {
            "error": {
                "code": "E421",
                "message": f"This server does not answer to the host name {host[:100]!r}.",
                "hint": "Use the address the server was started on, or start it with --allowed-host NAME.",
            }
        }
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 421,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *_HEADERS,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
