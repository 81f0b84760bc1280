"""The store: one embedded DuckDB file with a versioned schema."""

from comity.store._schema import SCHEMA_VERSION
from comity.store._store import Store, default_db_path, sha256_of

__all__ = ["SCHEMA_VERSION", "Store", "default_db_path", "sha256_of"]
