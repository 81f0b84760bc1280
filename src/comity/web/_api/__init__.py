"""The JSON API under ``/api/``.

Read endpoints answer from :class:`~comity.web._service.WebData`, the thin door to the library.
The store does not change while the server runs (except through the optional upload, which clears
the cache), so each answer is kept once, serialised, in an LRU cache: a repeated request costs a
dictionary look-up, which is what keeps latency low under load.

The endpoints are grouped by resource, one module each; they all register on one router.
"""

from __future__ import annotations

from importlib import import_module

from comity.web._api._common import MAX_UPLOAD_BYTES, UPLOAD_TYPES, router

__all__ = ["MAX_UPLOAD_BYTES", "UPLOAD_TYPES", "router"]

# Importing a module registers its endpoints, in this order: the order of the OpenAPI document.
for _module in ("_status", "_registry", "_news", "_votes"):
    import_module(f"{__name__}.{_module}")
