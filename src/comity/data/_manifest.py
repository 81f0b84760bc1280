"""The data manifest: every third-party file comity uses, read from ``datasets.toml``."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from comity.errors import DataError

__all__ = ["Citation", "DataFile", "citation", "entry", "manifest", "normalise_key"]


@dataclass(frozen=True)
class Citation:
    """A reference to cite: plain ``text`` and a ``bibtex`` entry."""

    key: str
    text: str
    bibtex: str


@dataclass(frozen=True)
class DataFile:
    """One third-party file: where it is published, its hash, licence, and what comity uses it for."""

    key: str
    title: str
    used_for: str
    repo: str
    commit: str
    path: str
    url: str
    #: sha256 of the file's bytes; empty when it cannot be known before a download.
    sha256: str
    #: Size in bytes; -1 when not known before a download.
    size: int
    licence: str
    cite: tuple[str, ...]
    #: Path of the file in a mirror folder (``<owner>__<repo>/<path>`` for upstream files).
    mirror: str
    #: False for a file that exists only in converted form, with no public copy that could be pinned.
    upstream: bool = True
    #: True for large datasets fetched only on request.
    optional: bool = False
    note: str = ""

    @property
    def pinned(self) -> bool:
        """Whether the file's sha256 is known, so that any copy of it can be checked."""
        return bool(self.sha256)

    @property
    def known_hash(self) -> str | None:
        """The hash in pooch's form (``sha256:...``), or None when it is not pinned."""
        return f"sha256:{self.sha256}" if self.sha256 else None


def normalise_key(key: str) -> str:
    """``undl-ga`` and ``UNDL_GA`` are both ``undl_ga``."""
    return key.strip().lower().replace("-", "_")


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, DataFile], dict[str, Citation]]:
    text = resources.files("comity.data").joinpath("datasets.toml").read_text(encoding="utf-8")
    raw: dict[str, Any] = tomllib.loads(text)
    citations = {
        key: Citation(key=key, text=str(item["text"]), bibtex=str(item["bibtex"]))
        for key, item in raw["citations"].items()
    }
    files: dict[str, DataFile] = {}
    for key, item in raw["files"].items():
        fields = dict(item)
        fields["cite"] = tuple(fields.get("cite", ()))
        files[key] = DataFile(key=key, **fields)
    return files, citations


def manifest(*, optional: bool = True) -> tuple[DataFile, ...]:
    """Every third-party file comity knows, in manifest order (without the optional ones if asked)."""
    files, _ = _load()
    return tuple(f for f in files.values() if optional or not f.optional)


def entry(key: str) -> DataFile:
    """The manifest entry of ``key`` (``undl-ga`` works as well as ``undl_ga``)."""
    files, _ = _load()
    found = files.get(normalise_key(key))
    if found is None:
        raise DataError(
            f"unknown dataset {key!r}.",
            hint="See `comity data list` for the keys: " + ", ".join(files) + ".",
        )
    return found


def citation(key: str) -> Citation:
    """A citation of the manifest by its key."""
    _, citations = _load()
    return citations[key]
