"""Files the CLI writes: checked before the work, and every failure named with its path and reason."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from comity.errors import FileError

__all__ = ["check_writable", "writing"]


def check_writable(path: Path, *, option: str = "--out") -> Path:
    """Fail at once, before a long computation, if ``path`` cannot be written.

    A folder, a missing folder, a read-only file system, a file or folder without write
    permission, or a file that refuses writes (such as ``/proc/version``) are reported as a
    :class:`~comity.errors.FileError` naming the option, the path and the reason. Nothing is left
    behind: an existing file is not truncated, a new one is removed again. Returns ``path``.
    """
    if path.is_dir():
        raise FileError(f"Cannot write {option} {path}: it is a folder.", hint="Give a file name inside it.")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise FileError(
            f"Cannot write {option} {path}: the folder {parent} does not exist.",
            hint="Create the folder first, or give another path.",
        )
    existed = path.exists()
    try:
        # Opening for append creates nothing new in an existing file and truncates nothing; the
        # empty write and fsync make special files (procfs, sysfs) and full disks say no now.
        with path.open("ab") as handle:
            handle.write(b"")
            handle.flush()
            if not existed:
                os.fsync(handle.fileno())
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise FileError.from_os_error(exc, action="write") from exc
    if not existed:
        path.unlink(missing_ok=True)
    return path


@contextmanager
def writing(path: Path | str) -> Iterator[None]:
    """Turn an :class:`OSError` raised while writing ``path`` into a :class:`FileError` naming it.

    Some writers (pandas, matplotlib, a failing flush) raise without a file name; the message
    then still says which file it was.
    """
    try:
        yield
    except OSError as exc:
        if exc.filename is None:
            exc.filename = str(path)
        raise FileError.from_os_error(exc, action="write") from exc
