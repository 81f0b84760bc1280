"""Third-party data: a manifest of every file comity uses, and hash-checked access to it.

Nothing third-party ships with comity. Each file is listed in ``datasets.toml`` with its
pinned URL, sha256, size, licence and citation; :func:`fetch` downloads it once (through
pooch, into the user cache) or reads it from a mirror folder (``$COMITY_DATA``), checking
its sha256 either way::

    from comity.data import fetch, cite
    path = fetch("unvotes_votes")            # ~/.cache/comity/data/dgrtwo__unvotes/data/un_votes.rda
    print(cite(["unvotes_votes"])[0].bibtex)
"""

from comity.data._fetch import (
    FileStatus,
    cache_dir,
    cite,
    fetch,
    file_sha256,
    is_offline,
    locate,
    mirror_dir,
    verify,
)
from comity.data._manifest import Citation, DataFile, manifest

__all__ = [
    "Citation",
    "DataFile",
    "FileStatus",
    "cache_dir",
    "cite",
    "fetch",
    "file_sha256",
    "is_offline",
    "locate",
    "manifest",
    "mirror_dir",
    "verify",
]
