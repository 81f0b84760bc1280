"""Serving a store while other commands write it: the server reads a snapshot and swaps it.

DuckDB lets one process write a file or several read it, never both: a server holding the store
open (even read-only) would lock ``comity read --store``, ``comity build`` and ``comity votes
load`` out for as long as it runs. So the server never keeps the store open. It copies the store
(under DuckDB's shared lock, for the instant of the copy: about 0.1 s for the 40 MB shipped store)
to a private snapshot and serves that, read-only. Requests check, at most once a second, whether
the store file changed (its size and modification time, and its write-ahead log's); if so a
background thread takes a new snapshot, builds the server's data over it and swaps it in; answers
cached for the old snapshot are dropped. While a writer holds the store the server keeps serving
the last snapshot and tries again on a later request.

Uploads (``POST /api/documents``) open the store itself for writing, for the one transaction, and
swap in a fresh snapshot before they answer, so an uploaded document is visible at once.
"""

from __future__ import annotations

import atexit
import logging
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

from comity.errors import StoreError
from comity.store import Store

__all__ = ["LiveStore", "LiveStoreCheck"]

log = logging.getLogger("comity.web")
Signature = tuple[tuple[int, int], ...]


class LiveStore:
    """A store file served through snapshots that follow its changes.

    Parameters
    ----------
    path:
        The store file. It is opened only for the instant of each copy (and of each upload).
    check_every:
        Seconds between two looks at the file (made by requests, never by an idle server).
    """

    def __init__(self, path: Path, *, check_every: float = 1.0) -> None:
        self.path = Path(path)
        self.check_every = check_every
        self.folder = Path(tempfile.mkdtemp(prefix="comity-serve-"))
        atexit.register(shutil.rmtree, self.folder, True)
        self._signature: Signature = ()
        self._generation = 0
        self._current: Path | None = None
        self._last_check = 0.0
        self._refreshing = threading.Lock()
        self._write_lock = threading.Lock()
        #: Called with each new snapshot's store; swaps in the data built over it.
        self.on_snapshot: Callable[[Store], None] | None = None
        #: Snapshots taken since the start (the first included), for the status and tests.
        self.snapshots = 0

    # -- snapshots ---------------------------------------------------------------------------
    def _stat(self) -> Signature:
        parts = []
        for file in (self.path, self.path.with_name(self.path.name + ".wal")):
            try:
                info = file.stat()
            except OSError:
                parts.append((0, 0))
            else:
                parts.append((info.st_mtime_ns, info.st_size))
        return tuple(parts)

    def snapshot(self) -> Store:
        """Copy the store (under its shared lock) and open the copy read-only.

        Raises :class:`~comity.errors.StoreError` when the store cannot be opened, for instance
        while another process writes it (after waiting ``lock_wait`` seconds).
        """
        signature = self._stat()
        self._generation += 1
        target = self.folder / f"snapshot-{self._generation}.duckdb"
        # Opening the store read-only checks it (a comity store, this schema version) and holds
        # DuckDB's shared lock, so no writer can change the file while it is copied.
        with Store.open(self.path, read_only=True, lock_wait=0.5):
            shutil.copyfile(self.path, target)
            wal = self.path.with_name(self.path.name + ".wal")
            if wal.exists():
                shutil.copyfile(wal, target.with_name(target.name + ".wal"))
        store = Store.open(target, read_only=True)
        self._signature = signature
        self.snapshots += 1
        previous, self._current = self._current, target
        if previous is not None:
            # Requests still reading the old snapshot keep their open file; the name goes now.
            for stale in (previous, previous.with_name(previous.name + ".wal")):
                stale.unlink(missing_ok=True)
        return store

    def changed(self) -> bool:
        return self._stat() != self._signature

    def refresh(self) -> bool:
        """Take a new snapshot and hand it to :attr:`on_snapshot` (one refresh at a time).

        Returns whether a snapshot was swapped in; a store that is busy or failing is logged and
        tried again on a later request.
        """
        with self._refreshing:
            if not self.changed():
                return False
            try:
                store = self.snapshot()
            except StoreError as error:
                log.info("store not reloaded yet: %s", error.message)
                return False
            if self.on_snapshot is not None:
                self.on_snapshot(store)
            log.info("serving a new snapshot of %s", self.path)
            return True

    def maybe_refresh(self) -> None:
        """Called by each request: at most every ``check_every`` s, look at the file; if it changed,
        refresh in a background thread (this request is answered from the current snapshot)."""
        now = time.monotonic()
        if now - self._last_check < self.check_every:
            return
        self._last_check = now
        if self._refreshing.locked() or not self.changed():
            return
        threading.Thread(target=self.refresh, name="comity-snapshot", daemon=True).start()

    # -- writing -----------------------------------------------------------------------------
    def save_documents(self, docs: Sequence[Any]) -> int:
        """Save read documents to the store itself, then serve a snapshot that has them."""
        from comity.news import save_documents

        with self._write_lock:
            with Store.open(self.path, read_only=False, create=False) as store:
                written = save_documents(store, list(docs))
            self.refresh()
        return written


class LiveStoreCheck:
    """ASGI middleware: each request lets the :class:`LiveStore` look for a changed store."""

    def __init__(self, app: ASGIApp, live: LiveStore) -> None:
        self.app = app
        self.live = live

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            self.live.maybe_refresh()
        await self.app(scope, receive, send)
