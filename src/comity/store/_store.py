"""One embedded DuckDB file holding everything comity knows."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from comity.errors import SchemaVersionError, StoreError
from comity.store._schema import DDL, MIGRATION_NOTES, MIGRATIONS, SCHEMA_VERSION

__all__ = ["Store", "as_store_error", "default_db_path"]

_ENV_VAR = "COMITY_DB"
_MOVE_AWAY = (
    "move it away (for example `mv {path} {path}.broken`) and run `comity build` to create a new store."
)
#: The file of the store opened last in this process, named in errors that DuckDB raises without it.
last_opened: Path | None = None


def default_db_path() -> Path:
    """Where the store lives unless told otherwise.

    ``$COMITY_DB`` if set, else ``$XDG_DATA_HOME/comity/comity.duckdb``
    (``~/.local/share/comity/comity.duckdb``).
    """
    env = os.environ.get(_ENV_VAR)
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "comity" / "comity.duckdb"


class Store:
    """A comity database: a DuckDB connection plus the schema contract.

    Open with :meth:`open` (a file) or :meth:`memory` (in memory, for tests and the default
    registry). Writes go through :meth:`transaction`, so that a load either lands whole or
    not at all.
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path | None, read_only: bool) -> None:
        self.con = con
        self.path = path
        self.read_only = read_only
        self._in_transaction = False

    # -- opening ---------------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        *,
        read_only: bool = True,
        create: bool = True,
        lock_wait: float = 5.0,
    ) -> Store:
        """Open the store at ``path`` or :func:`default_db_path`: read-only unless ``read_only=False``.

        Read-only by default, so that a notebook exploring a store cannot change it by accident
        (and several readers can share it); pass ``read_only=False`` to load data, which also
        creates the file when it does not exist, with its folder, unless ``create=False``:
        commands other than ``comity build`` pass that for a path the user typed, so that a typo
        is an error rather than a new, empty store somewhere.

        A store that another process is writing is waited for up to ``lock_wait`` seconds (a
        running ``comity serve`` takes the lock only for the instant it copies the store).
        """
        db_path = Path(path).expanduser() if path is not None else default_db_path()
        where = str(db_path)
        if db_path.is_dir():
            raise StoreError(f"The store path {where} is a directory.", hint="Give a file path to --db.")
        if not db_path.exists():
            if read_only or not create:
                raise StoreError(
                    f"No comity store at {where}.",
                    hint=f"Check the path, or create a store there with `comity build --db {where}`.",
                )
            try:
                db_path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(
                    f"Cannot create the folder for the store at {where}: {exc.strerror}."
                ) from exc
        elif not read_only and not _writable(db_path):
            raise StoreError(
                f"The store at {where} is read-only: it cannot be written.",
                hint="Query it read-only, or copy it somewhere writable and pass --db.",
            )
        elif db_path.stat().st_size > 0 and not _looks_like_duckdb(db_path):
            raise StoreError(
                f"{where} is not a DuckDB database (corrupt or another kind of file).",
                hint="Move it away and run `comity build` to create a new store, or pass another --db.",
            )
        global last_opened
        last_opened = db_path
        con = _connect(where, read_only=read_only, wait=lock_wait)
        store = cls(con, db_path, read_only)
        try:
            store._check_or_create_schema()
        except BaseException:
            con.close()  # a refused store must not stay open in this process
            raise
        return store

    def _quiet(self) -> None:
        # DuckDB's progress bar writes to stdout, where it would corrupt tables and JSON.
        self.con.execute("SET enable_progress_bar = false")

    @classmethod
    def memory(cls) -> Store:
        """A fresh store in memory (nothing is written to disk)."""
        store = cls(duckdb.connect(":memory:"), None, False)
        store._check_or_create_schema()
        return store

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<Store {self.path or ':memory:'} ({mode}, schema v{SCHEMA_VERSION})>"

    # -- schema ----------------------------------------------------------------------------
    def _check_or_create_schema(self) -> None:
        self._quiet()
        try:
            tables = {row[0] for row in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        except duckdb.Error as exc:  # pragma: no cover - duckdb failing on its own catalogue
            raise StoreError(f"Cannot read the store's catalogue: {_first_line(exc)}") from exc
        where = str(self.path or ":memory:")
        if "meta" not in tables:
            if tables:
                raise StoreError(
                    f"{where} is a DuckDB database but not a comity store "
                    f"(tables: {', '.join(sorted(tables)[:5])}).",
                    hint="Pass another --db for comity's own store.",
                )
            if self.read_only:
                raise StoreError(f"The store at {where} is empty.", hint="Run `comity build` first.")
            with self.transaction():
                for statement in DDL:
                    self.con.execute(statement)
                self.con.execute(
                    "INSERT INTO meta VALUES ('schema_version', ?), ('created_at', ?)",
                    [str(SCHEMA_VERSION), datetime.now(UTC).isoformat(timespec="seconds")],
                )
            return
        row = self.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
        found = int(row[0]) if row else -1
        if found < SCHEMA_VERSION and found in MIGRATIONS:
            if self.read_only:
                adds = " and ".join(MIGRATION_NOTES[v] for v in range(found, SCHEMA_VERSION))
                raise SchemaVersionError(
                    f"The store at {where} has schema version {found}; this comity reads version "
                    f"{SCHEMA_VERSION}, which adds {adds}.",
                    hint=f"Run `comity build --db {where}` once: it adds them (nothing stored is lost).",
                )
            self._migrate(found)
            return
        if found != SCHEMA_VERSION:
            newer = "a newer" if found > SCHEMA_VERSION else "an older"
            raise SchemaVersionError(
                f"The store at {where} has schema version {found}, written by {newer} comity; "
                f"this comity reads version {SCHEMA_VERSION}.",
                hint="Rebuild it with `comity build --rebuild` (reloads the shipped data; documents you read "
                "must be read again), or use the comity version that wrote it.",
            )

    def _migrate(self, found: int) -> None:
        """Bring the schema from version ``found`` up to :data:`SCHEMA_VERSION`, in one transaction."""
        with self.transaction():
            version = found
            while version < SCHEMA_VERSION:
                for step in MIGRATIONS[version]:
                    if isinstance(step, str):
                        self.con.execute(step)
                    else:
                        step(self)
                version += 1
            self.con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(version)])

    @property
    def schema_version(self) -> int:
        return SCHEMA_VERSION

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[Store]:
        """Run the block in one transaction; on any error nothing of it is kept.

        Nested use joins the outer transaction.
        """
        if self._in_transaction:
            yield self
            return
        self._require_writable()
        self.con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        try:
            yield self
        except BaseException:
            with suppress(duckdb.Error):  # an aborted transaction may refuse; the cause is raised
                self.con.execute("ROLLBACK")
            raise
        else:
            self.con.execute("COMMIT")
        finally:
            self._in_transaction = False

    def _require_writable(self) -> None:
        if self.read_only:
            raise StoreError(
                f"The store at {self.path} is open read-only.",
                hint="Open it without read_only to write.",
            )

    def insert_frame(self, table: str, frame: pd.DataFrame) -> int:
        """Insert the rows of ``frame`` into ``table``, matching columns by name."""
        if frame.empty:
            return 0
        _check_identifier(table)
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        self.con.register("_comity_frame", frame)
        try:
            self.con.execute(f'INSERT INTO "{table}" ({columns}) SELECT {columns} FROM _comity_frame')
        except duckdb.Error:
            # After a failed write (a full disk) the transaction is aborted and refuses even this;
            # the first error is the one to report.
            with suppress(duckdb.Error):
                self.con.unregister("_comity_frame")
            raise
        self.con.unregister("_comity_frame")
        return len(frame)

    def replace_source(self, source_id: str, table: str, frame: pd.DataFrame) -> int:
        """Replace every row of ``table`` that comes from ``source_id`` by the rows of ``frame``.

        Runs inside the current transaction, or in one of its own: loading the same rows twice
        leaves the table as it was.
        """
        _check_identifier(table)
        with self.transaction():
            self.con.execute(f'DELETE FROM "{table}" WHERE source_id = ?', [source_id])
            return self.insert_frame(table, frame)

    def record_load(self, name: str, sha256: str, n_rows: int) -> None:
        """Note that the load ``name`` of content ``sha256`` is in the store."""
        with self.transaction():
            self.con.execute("DELETE FROM loads WHERE name = ?", [name])
            self.con.execute(
                "INSERT INTO loads VALUES (?, ?, ?, ?)",
                [name, sha256, n_rows, datetime.now(UTC).replace(tzinfo=None)],
            )

    def mark_build_started(self) -> None:
        """Note (committed at once) that a full build runs; :meth:`mark_build_finished` clears it."""
        with self.transaction():
            self.con.execute("DELETE FROM meta WHERE key = 'build_started'")
            self.con.execute(
                "INSERT INTO meta VALUES ('build_started', ?)",
                [datetime.now(UTC).isoformat(timespec="seconds")],
            )

    def mark_build_finished(self) -> None:
        with self.transaction():
            self.con.execute("DELETE FROM meta WHERE key = 'build_started'")

    def unfinished_build(self) -> str | None:
        """When the build that did not finish started (UTC, ISO), or None if every build finished.

        A store left by a killed build holds every load that committed before the kill (each is
        all or nothing) and lacks the rest.
        """
        row = self.con.execute("SELECT value FROM meta WHERE key = 'build_started'").fetchone()
        return str(row[0]) if row else None

    def loaded_sha256(self, name: str) -> str | None:
        """The content hash of the load ``name`` as last stored, if any."""
        row = self.con.execute("SELECT sha256 FROM loads WHERE name = ?", [name]).fetchone()
        return str(row[0]) if row else None

    def content_sha256(self, tables: tuple[str, ...]) -> str:
        """A hash of the rows of ``tables`` (in a fixed order): the same rows give the same hash,
        whatever code wrote them. About 0.1 s for the registry's tables."""
        digest = hashlib.sha256()
        for table in tables:
            _check_identifier(table)
            digest.update(f"\x00{table}\x00".encode())
            cursor = self.con.execute(f'SELECT * FROM "{table}" ORDER BY ALL')
            while rows := cursor.fetchmany(10_000):
                # repr of DuckDB's Python values (str, int, float, Decimal, date, None) is stable.
                digest.update(repr(rows).encode())
        return digest.hexdigest()

    # -- results computed from the data (the ``materialised`` table) -----------------------
    def data_version(self) -> str:
        """A hash of what the store's data was loaded from (the ``loads`` table): results computed
        from other data carry another version."""
        rows = self.con.execute("SELECT name, sha256 FROM loads ORDER BY name").fetchall()
        return sha256_of(repr([(str(n), str(h)) for n, h in rows]))[:32]

    def record_result(
        self,
        name: str,
        version: str,
        params: dict[str, Any],
        n_rows: int,
        seconds: float,
        note: str | None = None,
    ) -> None:
        """Note that the result ``name`` was computed from the data of ``version`` (see
        :meth:`data_version`) with ``params``; run it in the transaction that stores the result."""
        with self.transaction():
            self.con.execute("DELETE FROM materialised WHERE name = ?", [name])
            self.con.execute(
                "INSERT INTO materialised VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    name,
                    version,
                    json.dumps(params, sort_keys=True),
                    n_rows,
                    round(seconds, 3),
                    datetime.now(UTC).replace(tzinfo=None),
                    note,
                ],
            )

    def result_is_fresh(self, name: str, version: str) -> bool:
        """Whether the result ``name`` is stored and was computed from the data of ``version``."""
        row = self.con.execute("SELECT source_version FROM materialised WHERE name = ?", [name]).fetchone()
        return row is not None and str(row[0]) == version

    # -- reading ---------------------------------------------------------------------------
    def query(self, sql: str, params: list[Any] | dict[str, Any] | None = None) -> pd.DataFrame:
        """Run a parameterised query and return a DataFrame."""
        return self.con.execute(sql, params or []).df()

    def count(self, table: str) -> int:
        _check_identifier(table)
        row = self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        return int(row[0]) if row else 0

    def verify(self) -> None:
        """Read every value of every table, so that DuckDB checks each block's checksum.

        Raises :class:`StoreError` (E050, with the move-away hint) on a damaged store. Open the
        store anew before calling it after writing: blocks still in memory are not read from disk.
        About 60 ms for the full shipped store.
        """
        try:
            tables = [row[0] for row in self.con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
            for table in tables:
                _check_identifier(table)
                # One aggregate per column: every column segment is read, none pruned away.
                self.con.execute(f'SELECT bit_xor(hash(COLUMNS(*))) FROM "{table}"').fetchall()
        except duckdb.Error as exc:
            raise as_store_error(exc, self.path) from exc


def sha256_of(*parts: bytes | str) -> str:
    """A content hash of the given parts, for load bookkeeping."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() if isinstance(part, str) else part)
    return digest.hexdigest()


def _check_identifier(name: str) -> None:
    # Table names are ours, never user input; this guards against a programming error.
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a table name: {name!r}")


def _writable(path: Path) -> bool:
    # Root may write anywhere; a file whose write bits are all off is still meant to stay as it is.
    return os.access(path, os.W_OK) and bool(stat.S_IMODE(path.stat().st_mode) & 0o222)


def _looks_like_duckdb(path: Path) -> bool:
    # DuckDB files carry the magic "DUCK" at byte 8 of the main header.
    try:
        with path.open("rb") as handle:
            head = handle.read(12)
    except OSError:
        return True  # let duckdb report the real problem
    return len(head) >= 12 and head[8:12] == b"DUCK"


def _connect(where: str, *, read_only: bool, wait: float) -> duckdb.DuckDBPyConnection:
    """Connect, waiting up to ``wait`` seconds while another process holds the file's lock."""
    deadline = time.monotonic() + wait
    pause = 0.02
    while True:
        try:
            return duckdb.connect(where, read_only=read_only)
        except duckdb.Error as exc:
            if _is_lock(exc) and time.monotonic() + pause < deadline:
                time.sleep(pause)
                pause = min(pause * 2, 0.5)
                continue
            raise as_store_error(exc, Path(where)) from exc


def _is_lock(exc: BaseException) -> bool:
    text = str(exc)
    return "Could not set lock" in text or "Conflicting lock" in text


def _is_damage(exc: BaseException) -> bool:
    if _is_lock(exc):
        return False
    text = str(exc)
    return (
        "Corrupt" in text
        or "checksum" in text
        or isinstance(exc, duckdb.IOException | duckdb.InternalException)
    )


def as_store_error(exc: BaseException, path: Path | None = None) -> StoreError:
    """A DuckDB failure as comity's E050, naming the store and what to do.

    Damage (a block whose checksum fails, an unreadable file) gets the move-away hint; a disk
    that is full says so; anything else says that the store could not be used.
    """
    path = path if path is not None else last_opened
    where = f"the store at {path}" if path is not None else "the store"
    first = _first_line(exc)
    if "No space left" in str(exc):
        return StoreError(
            f"The disk is full: {where} could not be written ({first}).",
            hint="Free some space and run the command again; the last complete load is kept.",
        )
    if _is_lock(exc):
        return StoreError(
            f"{where[0].upper()}{where[1:]} is in use by another process: {first}",
            hint="Wait for the other comity command (a build, a load, `comity read --store`) to end and run "
            "this again. A running `comity serve` is not the cause: it holds no lock between its reads.",
        )
    if _is_damage(exc):
        return StoreError(
            f"{where[0].upper()}{where[1:]} is damaged: {first}",
            hint="Nothing can repair it: " + _MOVE_AWAY.format(path=path or "comity.duckdb"),
        )
    return StoreError(
        f"{where[0].upper()}{where[1:]} could not be used: {first}",
        hint="If it is damaged, " + _MOVE_AWAY.format(path=path or "comity.duckdb"),
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
