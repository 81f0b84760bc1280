"""comity: a time-aware, source-linked model of the multilateral system.

The public surface is small: the store, the registry and the errors live here; vote analysis
is in :mod:`comity.votes`, the news reader in :mod:`comity.news`, the web service in
:mod:`comity.web`.
"""

import importlib as _importlib
import typing as _typing

from comity._build import build_store
from comity.errors import (
    BadDate,
    BadInput,
    ComityError,
    ExtractionError,
    FileError,
    LoadError,
    NotFittedError,
    SchemaVersionError,
    StoreError,
    UnknownActor,
)
from comity.registry import Actor, Registry, SearchHit, build_registry
from comity.store import Store, default_db_path

__version__ = "0.1.0"

if _typing.TYPE_CHECKING:
    from comity._export import write_table
    from comity._panel import panel

__all__ = [
    "Actor",
    "BadDate",
    "BadInput",
    "ComityError",
    "ExtractionError",
    "FileError",
    "LoadError",
    "NotFittedError",
    "Registry",
    "SchemaVersionError",
    "SearchHit",
    "Store",
    "StoreError",
    "UnknownActor",
    "__version__",
    "build_registry",
    "build_store",
    "default_db_path",
    "panel",
    "write_table",
]


def __getattr__(name: str) -> _typing.Any:
    # The panel builder pulls in the vote analyses (scipy, igraph): loaded when first asked for.
    if name == "panel":
        return _importlib.import_module("comity._panel").panel
    if name == "write_table":
        return _importlib.import_module("comity._export").write_table
    raise AttributeError(f"module 'comity' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
