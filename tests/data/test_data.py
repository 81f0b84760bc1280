"""comity.data: the manifest, hash-checked fetching from a mirror, the cache and (local) HTTP."""

from __future__ import annotations

import csv
import dataclasses
import functools
import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import comity.data
from comity.data import _manifest, cite, fetch, file_sha256, manifest, verify
from comity.errors import DataError, HashMismatch

SMALL = "sc_vetoes"  # a small pinned file (34 kB)


def test_public_api_is_sorted() -> None:
    assert comity.data.__all__ == sorted(comity.data.__all__)


def test_manifest_matches_the_mirror_manifest(data_mirror: Path) -> None:
    with (data_mirror / "MANIFEST.csv").open(encoding="utf-8", newline="") as handle:
        rows = {row["key"]: row for row in csv.DictReader(handle)}
    ours = {item.key: item for item in manifest()}
    assert set(rows) <= set(ours)
    for key, row in rows.items():
        item = ours[key]
        assert (item.url, item.sha256, item.size, item.repo, item.commit, item.path) == (
            row["url"],
            row["sha256"],
            int(row["bytes"]),
            row["repo"],
            row["commit"],
            row["path"],
        ), key
        assert item.mirror == row["repo"].replace("/", "__") + "/" + row["path"]
        assert item.licence == row["licence"]
    extra = set(ours) - set(rows)
    assert extra == {"dppa_sc_membership_2025_2027", "undl_ga", "undl_sc"}


def test_every_entry_is_complete() -> None:
    for item in manifest():
        assert item.title and item.used_for and item.licence and item.cite and item.mirror, item.key
        if item.upstream and not item.optional:
            assert item.url.startswith("https://") and len(item.sha256) == 64 and item.size > 0, item.key
            assert len(item.commit) == 40, item.key
        for ref in cite([item.key]):
            assert ref.text and ref.bibtex.startswith("@"), ref.key
    optional = {item.key for item in manifest() if item.optional}
    assert optional == {"undl_ga", "undl_sc"}
    assert {i.key for i in manifest(optional=False)} == {i.key for i in manifest()} - optional


def test_every_mirror_file_is_the_pinned_file(data_mirror: Path) -> None:
    results = verify(data_dir=data_mirror)
    states = {r.key: r.state for r in results}
    assert states.pop("undl_ga") == "missing" and states.pop("undl_sc") == "missing"
    assert set(states.values()) == {"ok"}, states
    for item in manifest(optional=False):
        path = fetch(item.key, data_dir=data_mirror)
        assert path.stat().st_size == item.size and file_sha256(path) == item.sha256


def test_converted_only_file_is_served_from_beside_the_mirror(data_mirror: Path) -> None:
    item = _manifest.entry("dppa_sc_membership_2025_2027")
    assert not item.upstream and item.url == ""
    path = fetch(item.key, data_dir=data_mirror)
    assert path == data_mirror.parent / item.mirror


def test_keys_accept_hyphens_and_unknown_keys_are_named() -> None:
    assert _manifest.entry("undl-ga").key == "undl_ga"
    with pytest.raises(DataError, match="unknown dataset 'nope'") as info:
        fetch("nope")
    assert info.value.code == "E070" and "comity data list" in (info.value.hint or "")


@pytest.fixture
def small_mirror(data_mirror: Path, tmp_path: Path) -> Path:
    """A writable mirror holding one small file."""
    item = _manifest.entry(SMALL)
    target = tmp_path / "mirror" / item.mirror
    target.parent.mkdir(parents=True)
    shutil.copyfile(data_mirror / item.mirror, target)
    return tmp_path / "mirror"


def test_a_damaged_mirror_file_is_a_hash_mismatch_naming_it(small_mirror: Path) -> None:
    path = small_mirror / _manifest.entry(SMALL).mirror
    path.write_bytes(path.read_bytes()[:-10] + b"0123456789")
    with pytest.raises(HashMismatch) as info:
        fetch(SMALL, data_dir=small_mirror)
    assert info.value.code == "E071" and str(path) in info.value.message and SMALL in info.value.message
    assert [r.state for r in verify([SMALL], data_dir=small_mirror)] == ["damaged"]


def test_a_file_missing_from_the_mirror_is_not_downloaded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMITY_OFFLINE")  # even with downloads allowed, a mirror means no network
    with pytest.raises(DataError, match="is not in the data mirror"):
        fetch(SMALL, data_dir=tmp_path)
    with pytest.raises(DataError, match="is not a folder"):
        fetch(SMALL, data_dir=tmp_path / "absent")


def test_offline_without_mirror_or_cache_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("COMITY_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    with pytest.raises(DataError, match="downloads are off") as info:
        fetch(SMALL)
    assert "COMITY_DATA" in (info.value.hint or "")
    with pytest.raises(DataError, match="no public copy"):
        fetch("dppa_sc_membership_2025_2027")


# ----------------------------------------------------------------------------- downloads


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTP server on localhost serving a folder: downloads without the network."""
    root = tmp_path / "served"
    root.mkdir()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", root
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture
def download_env(
    local_server: tuple[str, Path], data_mirror: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, Path]:
    """SMALL's URL pointed at the local server (which serves the real file); empty cache; no mirror."""
    base, root = local_server
    item = _manifest.entry(SMALL)
    shutil.copyfile(data_mirror / item.mirror, root / "file.csv")
    files, _ = _manifest._load()
    monkeypatch.setitem(files, SMALL, dataclasses.replace(item, url=f"{base}/file.csv"))
    monkeypatch.delenv("COMITY_DATA", raising=False)
    monkeypatch.delenv("COMITY_OFFLINE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    return root / "file.csv", comity.data.cache_dir() / item.mirror


def test_download_lands_in_the_cache_and_is_reused(download_env: tuple[Path, Path]) -> None:
    served, cached = download_env
    path = fetch(SMALL, progress=False)
    assert path == cached and file_sha256(path) == _manifest.entry(SMALL).sha256
    served.unlink()  # the cached copy is used; no second download
    assert fetch(SMALL, progress=False) == cached
    assert [r.state for r in verify([SMALL])] == ["ok"]


def test_a_damaged_cached_file_is_fetched_again(download_env: tuple[Path, Path]) -> None:
    _, cached = download_env
    fetch(SMALL, progress=False)
    cached.write_bytes(b"damaged")
    assert [r.state for r in verify([SMALL])] == ["damaged"]
    assert file_sha256(fetch(SMALL, progress=False)) == _manifest.entry(SMALL).sha256


def test_a_download_with_another_hash_is_rejected_and_not_kept(download_env: tuple[Path, Path]) -> None:
    served, cached = download_env
    served.write_bytes(b"year,date\n1946,not the pinned file\n")
    with pytest.raises(HashMismatch) as info:
        fetch(SMALL, progress=False)
    assert SMALL in info.value.message and "is not the pinned file" in info.value.message
    assert not cached.exists()


def test_a_failed_download_is_a_data_error(download_env: tuple[Path, Path]) -> None:
    served, _ = download_env
    served.unlink()  # HTTP 404
    with pytest.raises(DataError, match="could not download sc_vetoes"):
        fetch(SMALL, progress=False)


def test_cite_gives_each_reference_once() -> None:
    refs = cite(["unvotes_votes", "unvotes_roll_calls"])
    assert [r.key for r in refs] == ["voeten_dataverse", "unvotes_package"]
    assert "Voeten" in refs[0].text and refs[0].bibtex.startswith("@misc{")


# ----------------------------------------------------------------------------- the CLI


def _cli(*args: str) -> Any:
    from typer.testing import CliRunner

    from comity.cli import app

    return CliRunner().invoke(app, list(args))


def test_cli_data_list_and_verify_against_the_mirror(data_mirror: Path) -> None:
    listed = _cli("data", "list", "--data", str(data_mirror), "--json")
    assert listed.exit_code == 0, listed.output
    rows = {row["key"]: row for row in json.loads(listed.output)}
    assert rows["unvotes_votes"]["here"] == "mirror" and rows["unvotes_votes"]["licence"] == "MIT"
    assert rows["undl_ga"]["here"] == "-" and rows["undl_ga"]["optional"] is True
    table = _cli("data", "list", "--data", str(data_mirror))
    assert "igo_year_format3" in table.output and "214.5 kB" in table.output
    verified = _cli("data", "verify", "unvotes_votes", "sc_vetoes", "--data", str(data_mirror), "--json")
    assert [r["state"] for r in json.loads(verified.output)] == ["ok", "ok"]


def test_cli_data_verify_fails_on_a_damaged_copy(small_mirror: Path) -> None:
    path = small_mirror / _manifest.entry(SMALL).mirror
    path.write_bytes(b"damaged")
    result = _cli("data", "verify", SMALL, "--data", str(small_mirror))
    assert result.exit_code == 1 and "damaged" in result.output


def test_cli_data_fetch_from_the_mirror_and_its_errors(small_mirror: Path) -> None:
    fetched = _cli("data", "fetch", SMALL, "--data", str(small_mirror), "--json")
    assert fetched.exit_code == 0, fetched.output
    [row] = json.loads(fetched.output)
    assert row["checked"] == "sha256 ok" and row["sha256"] == _manifest.entry(SMALL).sha256
    missing = _cli("data", "fetch", "unvotes_votes", "--data", str(small_mirror))
    assert missing.exit_code == 2 and "E070" in missing.output and "Traceback" not in missing.output
    unknown = _cli("data", "fetch", "no-such-data")
    assert unknown.exit_code == 2 and "unknown dataset" in unknown.output


def test_cli_data_cite_prints_bibtex_and_text() -> None:
    both = _cli("data", "cite", "undl-ga")
    assert both.exit_code == 0 and "@misc{undl_ga_voting" in both.output and "% United Nations" in both.output
    bib = _cli("data", "cite", "igo_year_format3", "--format", "bibtex")
    assert bib.output.count("@") == 2 and "Pevehouse" in bib.output
    bad = _cli("data", "cite", "--format", "ris")
    assert bad.exit_code == 2 and "unknown --format" in bad.output
    assert _cli("data", "--help").exit_code == 0
