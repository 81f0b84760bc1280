"""Nothing third-party in the repository: no tracked file is a copy of a shared file, and data files
are only comity's own (an explicit allow-list)."""

from __future__ import annotations

import fnmatch
import hashlib
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

#: Extensions of data files and texts: a tracked file with one must be on the allow-list below.
DATA_EXTENSIONS = (
    ".parquet",
    ".feather",
    ".arrow",
    ".rda",
    ".rds",
    ".rdata",
    ".dta",
    ".sav",
    ".xlsx",
    ".xls",
    ".zip",
    ".gz",
    ".bz2",
    ".xz",
    ".7z",
    ".csv",
    ".tsv",
    ".jsonl",
    ".json",
    ".txt",
    ".pdf",
    ".docx",
    ".duckdb",
    ".sqlite",
    ".db",
    ".png",
    ".jpg",
    ".jpeg",
)
#: comity's own data: the hand-compiled, sourced registry tables and the documentation's figures.
ALLOWED = (
    "src/comity/registry/data/*.csv",
    "src/comity/registry/data/*/*.csv",
    "docs/*.png",
    "docs/screenshots/*.png",
)


def _tracked() -> list[str]:
    try:
        result = subprocess.run(
            ["git", "ls-files", "-z"], cwd=REPO, capture_output=True, check=True, timeout=60
        )
    except (OSError, subprocess.CalledProcessError) as exc:
        pytest.skip(f"not a git checkout ({exc}): nothing to check")
    return [name for name in result.stdout.decode("utf-8").split("\0") if name and (REPO / name).is_file()]


def _sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def _outside_allow_list(names: list[str]) -> list[str]:
    return [
        name
        for name in names
        if name.lower().endswith(DATA_EXTENSIONS)
        and not any(fnmatch.fnmatch(name, pattern) for pattern in ALLOWED)
    ]


def _copies(files: dict[str, Path], shared_dir: Path) -> list[str]:
    """``name = shared path`` for each file whose bytes equal a file's under ``shared_dir``."""
    by_size: dict[int, list[str]] = {}
    for name, path in files.items():
        size = path.stat().st_size
        if size > 0:
            by_size.setdefault(size, []).append(name)
    copies = []
    for shared in sorted(shared_dir.rglob("*")):
        if not shared.is_file() or shared.stat().st_size not in by_size:
            continue
        digest = _sha256(shared)
        copies += [
            f"{name} = {shared.relative_to(shared_dir)}"
            for name in by_size[shared.stat().st_size]
            if _sha256(files[name]) == digest
        ]
    return copies


def test_no_tracked_data_file_outside_the_allow_list() -> None:
    offending = _outside_allow_list(_tracked())
    assert offending == [], (
        f"data files of others in the repository (or add comity's own to ALLOWED): {offending}"
    )


def test_no_tracked_file_is_a_copy_of_a_shared_file(shared_dir: Path) -> None:
    tracked = {name: REPO / name for name in _tracked()}
    assert len(tracked) > 50, "git ls-files listed too few files for this check to mean anything"
    copies = _copies(tracked, shared_dir)
    assert copies == [], f"tracked files that are byte-identical to shared files: {copies}"


def test_the_checks_catch_a_renamed_copy_and_a_shipped_dataset(shared_dir: Path, tmp_path: Path) -> None:
    source = shared_dir / "data" / "upstream" / "MANIFEST.csv"
    copy = tmp_path / "renamed.dat"
    copy.write_bytes(source.read_bytes())
    other = tmp_path / "own.dat"
    other.write_bytes(source.read_bytes() + b"\n")
    found = _copies({"src/x/renamed.dat": copy, "src/x/own.dat": other}, shared_dir)
    assert found == ["src/x/renamed.dat = data/upstream/MANIFEST.csv"]
    assert _outside_allow_list(
        ["src/comity/votes/data/votes.parquet", "src/comity/registry/data/states.csv", "docs/home.png"]
    ) == ["src/comity/votes/data/votes.parquet"]
