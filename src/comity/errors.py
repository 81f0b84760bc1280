"""The exceptions comity raises, in one tree.

::

    ComityError
    ├── UnknownActor (KeyError)       a name, id, alias or capital that the registry does not know
    ├── AmbiguousName (KeyError)      a name that fits several actors (Congo, Korea): lists them
    ├── BadDate (ValueError)          a date that cannot be parsed or cannot exist
    ├── BadInput (ValueError)         a malformed file, parameter or document; says where and why
    │   └── LoadError                 a data file rejected whole by a loader (carries line and reason)
    ├── ExtractionError               the news reader could not read a document
    ├── StoreError                    the database file is missing, corrupt, locked or read-only
    │   └── SchemaVersionError        the store was written by another schema version
    ├── DataError                     a third-party data file is unknown, missing or cannot be fetched
    │   └── HashMismatch              a data file's bytes are not those its manifest entry pins
    ├── FileError                     a file that cannot be read or written (names path and reason)
    └── NotFittedError (ValueError, AttributeError)   an estimator used before ``fit``

Every message says what went wrong, where, and what to do; each carries a numbered code
(``E0xx``) so that users can search for it and the CLI and HTTP API can report it.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousName",
    "BadDate",
    "BadInput",
    "ComityError",
    "DataError",
    "ExtractionError",
    "FileError",
    "HashMismatch",
    "LoadError",
    "NotFittedError",
    "SchemaVersionError",
    "StoreError",
    "UnknownActor",
]


class ComityError(Exception):
    """Base of every error comity raises on purpose.

    Parameters
    ----------
    message:
        What went wrong and where.
    hint:
        What the user can do about it (shown on its own line by the CLI, and as ``hint``
        in the HTTP API's error body).
    code:
        A stable error code such as ``"E012"``.
    """

    code: str = "E000"
    #: HTTP status the API answers with for this error.
    status: int = 400

    def __init__(self, message: str, *, hint: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        text = f"[{self.code}] {self.message}"
        if self.hint:
            text += f"\nHint: {self.hint}"
        return text


class UnknownActor(ComityError, KeyError):
    """A name or id that matches no state, organisation, coalition or person."""

    code = "E010"
    status = 404

    def __init__(
        self,
        name: str,
        *,
        suggestions: list[str] | None = None,
        kind: str = "actor",
        hint: str | None = None,
    ) -> None:
        self.name = name
        self.suggestions = list(suggestions or [])
        message = f"Unknown {kind} {name!r}."
        if self.suggestions:
            message += " Closest matches: " + ", ".join(self.suggestions) + "."
        super().__init__(
            message,
            hint=hint
            or "Search with `comity show NAME`; ids, names, aliases, demonyms and capitals all work.",
        )

    # KeyError.__str__ would repr() the message; keep ours.
    def __str__(self) -> str:
        return ComityError.__str__(self)


class AmbiguousName(ComityError, KeyError):
    """A name that fits several actors ('Congo', 'Korea', 'Guinea'); ``candidates`` lists them."""

    code = "E011"
    status = 409

    def __init__(self, name: str, candidates: list[tuple[str, str]]) -> None:
        self.name = name
        #: (id, display name) of every actor the name fits, best guess first.
        self.candidates = list(candidates)
        listed = "; ".join(f"{label} ({entity_id})" for entity_id, label in self.candidates)
        super().__init__(
            f"{name!r} fits {len(self.candidates)} actors: {listed}.",
            hint="Give the id (e.g. `comity show "
            + (self.candidates[0][0] if self.candidates else "ID")
            + "`) or the full name of the one you mean.",
        )

    def __str__(self) -> str:
        return ComityError.__str__(self)


class BadDate(ComityError, ValueError):
    """A date that cannot be parsed or does not exist (such as 2021-02-30)."""

    code = "E020"
    status = 422


class BadInput(ComityError, ValueError):
    """Malformed input: a file, a parameter, a document."""

    code = "E030"
    status = 422


class LoadError(BadInput):
    """A data file rejected whole by a loader; nothing of it was stored."""

    code = "E031"

    def __init__(
        self,
        message: str,
        *,
        path: str | None = None,
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        self.path = path
        self.line = line
        where = ""
        if path is not None:
            where = f"{path}"
            if line is not None:
                where += f", line {line}"
            where += ": "
        super().__init__(
            where + message, hint=hint or "Nothing from this file was stored; fix it and load it again."
        )


class ExtractionError(ComityError):
    """The news reader could not read a document (empty, binary, too large, undecodable)."""

    code = "E040"
    status = 422


class StoreError(ComityError):
    """The store cannot be opened or written."""

    code = "E050"
    status = 503


class FileError(ComityError):
    """A file or folder that cannot be read or written: not there, a folder, read-only, disk full."""

    code = "E080"
    status = 422

    @classmethod
    def from_os_error(cls, exc: OSError, *, action: str | None = None) -> FileError:
        """Say which path failed and why, with what to do for the usual reasons."""
        import errno

        if action is None:
            action = "write" if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG) else "use"

        path = exc.filename if exc.filename is not None else "the file"
        reason = exc.strerror or str(exc) or type(exc).__name__
        hints = {
            errno.ENOSPC: "The disk is full: free some space, or give a path on another disk.",
            errno.EDQUOT: "The disk quota is used up: free some space, or give a path on another disk.",
            errno.EROFS: "That file system is read-only: give a path on a writable one.",
            errno.EISDIR: "That is a folder: give a file name inside it.",
            errno.ENOTDIR: "A part of the path is a file, not a folder: check the path.",
            errno.EACCES: "You may not use that path: choose another one or change its permissions.",
            errno.EPERM: "You may not use that path: choose another one or change its permissions.",
            errno.ENOENT: "Check the path: the file or its folder does not exist.",
        }
        return cls(
            f"Cannot {action} {path}: {reason}.",
            hint=hints.get(exc.errno or 0, "Check the path and try again."),
        )


class SchemaVersionError(StoreError):
    """The store was written by a different schema version of comity."""

    code = "E051"


class NotFittedError(ComityError, ValueError, AttributeError):
    """An estimator was used before ``fit`` was called."""

    code = "E060"
    status = 409


class DataError(ComityError):
    """A third-party data file is unknown, missing from the mirror or cache, or cannot be fetched."""

    code = "E070"
    status = 503

    def __init__(
        self, message: str, *, key: str | None = None, path: str | None = None, hint: str | None = None
    ) -> None:
        self.key = key
        self.path = path
        super().__init__(message, hint=hint)


class HashMismatch(DataError):
    """A data file's bytes are not those its manifest entry pins (damaged, or changed at the source)."""

    code = "E071"
