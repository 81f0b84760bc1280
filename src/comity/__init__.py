"""comity: a time-aware, source-linked model of the multilateral system."""

from comity.errors import (
    BadDate,
    BadInput,
    ComityError,
    ExtractionError,
    LoadError,
    NotFittedError,
    SchemaVersionError,
    StoreError,
    UnknownActor,
)

__version__ = "0.1.0"

__all__ = [
    "BadDate",
    "BadInput",
    "ComityError",
    "ExtractionError",
    "LoadError",
    "NotFittedError",
    "SchemaVersionError",
    "StoreError",
    "UnknownActor",
    "__version__",
]
