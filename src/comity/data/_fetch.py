"""Getting the files of the manifest: downloaded through pooch into the user cache, or read from a mirror.

Where a file comes from, in order:

1. a mirror folder (``data_dir=`` or ``$COMITY_DATA``), laid out as the manifest's ``mirror``
   paths (``<owner>__<repo>/<path>``); no network is used, and a file missing from the mirror
   is an error rather than a download, so that an offline build never stalls on the network;
2. the user cache (``~/.cache/comity/data`` on Linux, same layout), when the copy there has the
   pinned sha256;
3. the file's pinned URL, through pooch, unless ``$COMITY_OFFLINE`` is set. A damaged cached
   copy is downloaded again; a download whose sha256 differs is rejected with
   :class:`~comity.errors.HashMismatch`, which names the file.

Every copy is checked against the manifest's sha256, wherever it comes from.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from comity.data._manifest import Citation, DataFile, citation, entry, manifest
from comity.errors import DataError, HashMismatch

__all__ = [
    "FileStatus",
    "cache_dir",
    "cite",
    "fetch",
    "file_sha256",
    "is_offline",
    "locate",
    "mirror_dir",
    "verify",
]

_TRUE = frozenset({"1", "true", "yes", "on"})


def mirror_dir(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The mirror folder in use: ``data_dir`` if given, else ``$COMITY_DATA``, else None."""
    if data_dir is not None:
        return Path(data_dir).expanduser()
    env = os.environ.get("COMITY_DATA", "").strip()
    return Path(env).expanduser() if env else None


def is_offline() -> bool:
    """Whether downloads are forbidden (``$COMITY_OFFLINE`` set to 1, true, yes or on)."""
    return os.environ.get("COMITY_OFFLINE", "").strip().lower() in _TRUE


def cache_dir() -> Path:
    """Where downloads are kept: the user cache folder of comity (``$XDG_CACHE_HOME/comity/data``)."""
    import pooch

    return Path(pooch.os_cache("comity")) / "data"


def file_sha256(path: Path) -> str:
    """sha256 of a file's bytes, read in chunks."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _mirror_candidates(item: DataFile, mirror: Path) -> list[Path]:
    candidates = [mirror / item.mirror]
    if not item.upstream:
        # Converted-only files sit beside the upstream mirror in the shared data layout
        # (shared/data/upstream and shared/data/unsc-membership-dppa).
        candidates.append(mirror.parent / item.mirror)
    return candidates


def locate(key: str, *, data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """Where the file of ``key`` is now (mirror, else cache), without checking or fetching it."""
    item = entry(key)
    mirror = mirror_dir(data_dir)
    if mirror is not None:
        return next((p for p in _mirror_candidates(item, mirror) if p.is_file()), None)
    cached = cache_dir() / item.mirror
    return cached if cached.is_file() else None


def _check(item: DataFile, path: Path) -> None:
    if not item.pinned:
        return
    got = file_sha256(path)
    if got != item.sha256:
        raise HashMismatch(
            f"{path} is not the file {item.key} pins: its sha256 is {got}, expected {item.sha256}.",
            key=item.key,
            path=str(path),
            hint="The copy is damaged or was changed at its source; delete it and run "
            f"`comity data fetch {item.key}` again.",
        )


def _no_source_hint(item: DataFile) -> str:
    return (
        f"{item.key} has no public copy that could be pinned; point COMITY_DATA (or --data DIR) at a "
        f"comity data mirror that holds {item.mirror}."
    )


def fetch(key: str, *, data_dir: str | os.PathLike[str] | None = None, progress: bool = True) -> Path:
    """The local path of the manifest file ``key``, checked against its sha256.

    Parameters
    ----------
    key:
        A manifest key (``comity data list``); ``undl-ga`` works as well as ``undl_ga``.
    data_dir:
        A mirror folder to read instead of the network (default ``$COMITY_DATA``).
    progress:
        Show a progress bar while downloading.

    Raises
    ------
    DataError
        The key is unknown, the file is missing from the mirror, it cannot be downloaded
        (no network, ``$COMITY_OFFLINE``, no public copy).
    HashMismatch
        The mirror's or the download's bytes are not those the manifest pins.
    """
    item = entry(key)
    mirror = mirror_dir(data_dir)
    if mirror is not None:
        if not mirror.is_dir():
            raise DataError(
                f"the data mirror {mirror} is not a folder.",
                key=item.key,
                path=str(mirror),
                hint="Set COMITY_DATA (or --data) to a folder laid out as `<owner>__<repo>/<path>`, "
                "or unset it.",
            )
        found = next((p for p in _mirror_candidates(item, mirror) if p.is_file()), None)
        if found is None:
            raise DataError(
                f"{item.key} is not in the data mirror {mirror} (looked for {item.mirror}).",
                key=item.key,
                path=str(mirror / item.mirror),
                hint="Copy the file there, or unset COMITY_DATA to download it.",
            )
        _check(item, found)
        return found

    target = cache_dir() / item.mirror
    if target.is_file() and (not item.pinned or file_sha256(target) == item.sha256):
        return target
    damaged = target.is_file()
    if not item.url:
        raise DataError(
            f"{item.key} is not in the cache ({target}).",
            key=item.key,
            path=str(target),
            hint=_no_source_hint(item),
        )
    if is_offline():
        state = "damaged" if damaged else "not"
        raise DataError(
            f"{item.key} is {state} in the cache ({target}) and downloads are off (COMITY_OFFLINE is set).",
            key=item.key,
            path=str(target),
            hint=f"Unset COMITY_OFFLINE to download it from {item.url}, or point COMITY_DATA at a mirror.",
        )
    return _download(item, target, progress=progress)


def _download(item: DataFile, target: Path, *, progress: bool) -> Path:
    import pooch

    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        # pooch downloads to a temporary file and moves it in place only once its hash is right,
        # so a failed download never leaves a damaged file behind.
        got = pooch.retrieve(
            item.url,
            known_hash=item.known_hash,
            fname=target.name,
            path=target.parent,
            progressbar=progress,
        )
    except ValueError as exc:  # pooch's hash mismatch
        raise HashMismatch(
            f"the download of {item.key} from {item.url} is not the pinned file ({exc}).",
            key=item.key,
            path=str(target),
            hint="The file changed at its source; nothing was kept. Report it, or use a mirror "
            "(COMITY_DATA).",
        ) from exc
    except OSError as exc:  # requests' errors are OSErrors: no network, HTTP 404, ...
        raise DataError(
            f"could not download {item.key} from {item.url}: {exc}",
            key=item.key,
            path=str(target),
            # A file its publisher replaces in place (not pinned) may be gone: its note says what to do.
            hint=item.note
            if not item.pinned and item.note
            else "Check the network, or point COMITY_DATA (or --data DIR) at a mirror of the files.",
        ) from exc
    return Path(got)


@dataclass(frozen=True)
class FileStatus:
    """What :func:`verify` found for one file: ``state`` is ``ok``, ``missing``, ``damaged`` or
    ``unpinned`` (present, but the manifest has no hash to check it against)."""

    key: str
    state: str
    path: Path | None
    sha256: str | None


def verify(
    keys: Iterable[str] | None = None, *, data_dir: str | os.PathLike[str] | None = None
) -> list[FileStatus]:
    """Check the local copies (mirror if one is set, else cache) of ``keys`` (default: all)
    against the manifest, without downloading anything."""
    items = [entry(k) for k in keys] if keys is not None else list(manifest())
    out = []
    for item in items:
        path = locate(item.key, data_dir=data_dir)
        if path is None:
            out.append(FileStatus(item.key, "missing", None, None))
            continue
        got = file_sha256(path)
        if not item.pinned:
            state = "unpinned"
        else:
            state = "ok" if got == item.sha256 else "damaged"
        out.append(FileStatus(item.key, state, path, got))
    return out


def cite(keys: Iterable[str] | None = None) -> list[Citation]:
    """The references to cite for ``keys`` (default: every file), each once, in manifest order."""
    items = [entry(k) for k in keys] if keys is not None else list(manifest())
    seen: dict[str, Citation] = {}
    for item in items:
        for ref in item.cite:
            seen.setdefault(ref, citation(ref))
    return list(seen.values())
