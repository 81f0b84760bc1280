"""Issue 13, hardening: each bad input or fault of the issue, run again, gives a clear message.

Every test runs the case as the issue wrote it (the CLI, a real store, real files) and checks the
message, the exit code and that nothing stored was lost; none prints a traceback.
"""

from __future__ import annotations

import errno
import json
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from comity._files import check_writable
from comity.cli import app
from comity.errors import FileError, StoreError
from comity.news._input import InputDoc, Skipped, iter_documents, normalise_published
from comity.store import Store

runner = CliRunner()

GOOD = "France and Germany met the Secretary-General in New York on Monday to discuss the budget."
OTHER = "Japan and Brazil asked the Security Council to meet again before the end of the month."


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    assert "Traceback" not in result.output, result.output
    return result.exit_code, result.stdout, result.stderr


def jsonl(path: Path, *records: dict[str, object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# -- 2. per-document errors ------------------------------------------------------------------------


def test_issue13_published_yesterday_is_skipped_and_the_rest_read_and_stored(
    tmp_path: Path, db_copy: Path
) -> None:
    batch = jsonl(
        tmp_path / "batch.jsonl",
        {"id": "good", "text": GOOD, "published": "2021-05-07"},
        {"id": "bad", "text": OTHER, "published": "yesterday"},
        {"id": "iso", "text": OTHER, "published": "2021-05-07T10:00:00Z"},
    )
    code, out, err = run("read", str(batch), "--store", "--db", str(db_copy))
    assert code == 1  # some were skipped: the exit code says so
    assert [json.loads(line)["id"] for line in out.splitlines()] == ["good", "iso"]
    assert "batch.jsonl, line 2" in err and "'bad'" in err and "'yesterday' is not a date" in err
    with Store.open(db_copy, read_only=True) as store:
        rows = store.con.execute("SELECT doc_id, published FROM documents ORDER BY doc_id").fetchall()
    assert [(doc, str(day)) for doc, day in rows] == [("good", "2021-05-07"), ("iso", "2021-05-07")]


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("2021-05-07T10:00:00Z", "2021-05-07"),
        ("2021-05-07T23:30:00-05:00", "2021-05-07"),  # the page's own day, not the day in UTC
        ("2021-05-07 10:00", "2021-05-07"),
        ("2021-05", "2021-05"),
        ("2021", "2021"),
        ("yesterday", None),
        ("0000-01-01", None),
        ("2021-02-30", None),
        ("2021-13", None),
        ("", None),
    ],
)
def test_issue13_published_forms(given: str, expected: str | None) -> None:
    assert normalise_published(given) == expected


def test_issue13_duplicate_ids_in_one_batch_are_reported_and_counted_right(
    tmp_path: Path, db_copy: Path
) -> None:
    batch = jsonl(
        tmp_path / "dup.jsonl",
        {"id": "same", "text": GOOD},
        {"id": "other", "text": OTHER},
        {"id": "same", "text": OTHER},
    )
    code, out, err = run("read", str(batch), "--store", "--db", str(db_copy))
    assert code == 1
    assert "dup.jsonl, line 3" in err and "duplicate id 'same'" in err and "line 1" in err
    assert "stored 2 documents" in err
    assert len(out.splitlines()) == 2
    with Store.open(db_copy, read_only=True) as store:
        assert store.count("documents") == 2
        [(text,)] = store.con.execute("SELECT text FROM documents WHERE doc_id = 'same'").fetchall()
    assert text == GOOD  # the first is kept


def test_issue13_nul_byte_anywhere_is_rejected(tmp_path: Path) -> None:
    late = tmp_path / "late-nul.txt"
    late.write_bytes((GOOD + "\n").encode() * 800 + b"\x00" + GOOD.encode())  # NUL after 70 KB
    escaped = jsonl(
        tmp_path / "escaped.jsonl", {"id": "n", "text": GOOD + "\u0000"}, {"id": "ok", "text": GOOD}
    )
    meta = jsonl(tmp_path / "meta.jsonl", {"id": "m", "text": GOOD, "outlet": "a\u0000b"})
    results = list(iter_documents([late, escaped, meta]))
    skipped = [r for r in results if isinstance(r, Skipped)]
    read = [r for r in results if isinstance(r, InputDoc)]
    assert [r.id for r in read] == ["ok"]
    assert len(skipped) == 3 and all("NUL" in s.reason for s in skipped)


# -- 4. every failure is a message ------------------------------------------------------------------


def test_issue13_members_on_year_zero(db_copy: Path) -> None:
    code, _, err = run("members", "UNSC", "--on", "0000-01-01", "--db", str(db_copy))
    assert code == 2 and "[E020]" in err and "year 0" in err
    code, out, _ = run("members", "UNSC", "--on", "0001-01-01", "--db", str(db_copy), "--json")
    assert code == 0 and json.loads(out)["members"] == []
    assert json.loads(out)["coverage"]["status"] == "unknown"
    # the Council's seats are known to 2027 (DPPA): far dates answer with no rows and say so
    code, out, _ = run("members", "UNSC", "--on", "9999-12-31", "--db", str(db_copy), "--json")
    assert code == 0 and json.loads(out)["members"] == []
    assert json.loads(out)["coverage"]["status"] == "unknown"


@pytest.mark.parametrize(
    "args",
    [
        ["votes", "ideal", "--out", "{dir}"],
        ["votes", "ideal", "--out", "{dir}/x.csv", "--plot", "{dir}"],
        ["votes", "ideal", "--out", "{dir}/missing/x.csv"],
        ["votes", "agree", "USA", "FRA", "--plot", "{dir}"],
        ["votes", "cohesion", "G77", "--plot", "{dir}"],
    ],
)
def test_issue13_write_to_a_folder_names_path_and_reason(
    tmp_path: Path, db_copy: Path, args: list[str]
) -> None:
    argv = [a.replace("{dir}", str(tmp_path)) for a in args]
    code, _, err = run(*argv, "--db", str(db_copy))
    assert code == 2 and "[E080]" in err and str(tmp_path) in err
    assert "folder" in err


@pytest.mark.skipif(not Path("/proc/version").exists(), reason="no procfs")
def test_issue13_write_to_proc_version(db_copy: Path) -> None:
    code, _, err = run("votes", "ideal", "--out", "/proc/version", "--db", str(db_copy))
    assert code == 2 and "[E080] Cannot write /proc/version" in err


@pytest.mark.parametrize(
    ("number", "words"),
    [(errno.EROFS, "read-only"), (errno.ENOSPC, "disk is full"), (errno.EACCES, "may not")],
)
def test_issue13_write_errors_say_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, number: int, words: str
) -> None:
    target = tmp_path / "out.csv"

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise OSError(number, os.strerror(number))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(FileError) as caught:
        check_writable(target)
    assert str(target) in str(caught.value) and os.strerror(number) in str(caught.value)
    assert words in (caught.value.hint or "")


def test_issue13_undl_csv_a_directory(tmp_path: Path, db_copy: Path) -> None:
    code, _, err = run("votes", "load", "--undl-csv", str(tmp_path), "--db", str(db_copy))
    assert code == 2 and "[E080]" in err and str(tmp_path) in err and "Is a directory" in err


@pytest.mark.parametrize(
    "args",
    [
        ["votes", "cohesion", "G77", "--seed", "-1"],
        ["votes", "cohesion", "G77", "--draws", "100000000"],
        ["votes", "blocs", "--year", "2000", "--resolution", "nan"],
        ["votes", "blocs", "--year", "2000", "--resolution", "0"],
        ["votes", "blocs", "--year", "1800"],
        ["votes", "agree", "USA", "FRA", "--from", "-5"],
    ],
)
def test_issue13_cli_parameters_bounded_like_the_api(db_copy: Path, args: list[str]) -> None:
    result = runner.invoke(app, [*args, "--db", str(db_copy)])
    assert result.exit_code == 2
    assert "Invalid value for" in result.output and "Traceback" not in result.output


def test_issue13_reversed_period_in_votes_agree_is_an_error(db_copy: Path) -> None:
    code, _, err = run("votes", "agree", "USA", "FRA", "--from", "2000", "--to", "1990", "--db", str(db_copy))
    assert code == 2 and "--from 2000 comes after --to 1990" in err and "Swap them" in err


def test_issue13_mistyped_db_creates_nothing(tmp_path: Path) -> None:
    typo = tmp_path / "typo" / "deeper" / "comity.duckdb"
    for argv in (["members", "UNSC"], ["stats"], ["read", "-", "--store"]):
        result = runner.invoke(app, [*argv, "--db", str(typo)], input=GOOD)
        assert result.exit_code == 2, result.output
        assert "No comity store at" in result.stderr and "comity build --db" in result.stderr
    assert not (tmp_path / "typo").exists()


# -- corrupted store, disk full -------------------------------------------------------------------------


def corrupt_table(path: Path, table: str) -> None:
    """Write garbage over the data blocks of ``table`` (not the file's headers)."""
    with Store.open(path, read_only=True) as store:
        rows = store.con.execute(
            f"SELECT DISTINCT block_id FROM pragma_storage_info('{table}') WHERE block_id >= 0"
        ).fetchall()
        block_size = int(store.con.execute("SELECT block_size FROM pragma_database_size()").fetchone()[0])
    assert rows, f"{table} has no blocks on disk"
    with path.open("r+b") as handle:
        for (block,) in rows:
            # Three 4 KiB headers, then the blocks; the checksum sits in a block's first 8 bytes.
            handle.seek(3 * 4096 + int(block) * block_size + 512)
            handle.write(os.urandom(2048))


@pytest.mark.parametrize(
    "argv",
    [
        ["members", "UNSC"],
        ["timeline", "USA", "WHO"],
        ["build", "--no-votes"],
        ["build", "--force", "--no-votes"],
    ],
)
def test_issue13_corrupted_store_is_e050_with_the_move_away_hint(db_copy: Path, argv: list[str]) -> None:
    corrupt_table(db_copy, "memberships")
    code, out, err = run(*argv, "--db", str(db_copy))
    assert code == 2, out + err
    assert "[E050]" in err and "is damaged" in err and f"mv {db_copy} {db_copy}.broken" in err
    assert "store checked" not in out  # build never reports success on a corrupt store


def test_issue13_build_checks_what_it_wrote(db_copy: Path) -> None:
    code, out, _ = run("build", "--no-votes", "--db", str(db_copy))
    assert code == 0 and "store checked: every table reads back intact" in out
    corrupt_table(db_copy, "states")
    with Store.open(db_copy, read_only=True) as store, pytest.raises(StoreError) as caught:
        store.verify()
    assert caught.value.code == "E050"


def test_issue13_disk_full_during_build_injected(db_copy: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.insert_frame

    def full(self: Store, table: str, frame: object) -> int:
        if table == "memberships":
            raise duckdb.IOException(f'IO Error: Could not write file "{self.path}": No space left on device')
        return real(self, table, frame)  # type: ignore[arg-type]

    monkeypatch.setattr(Store, "insert_frame", full)
    code, _, err = run("build", "--force", "--no-votes", "--db", str(db_copy))
    assert code == 2 and "[E050] The disk is full" in err and str(db_copy) in err
    monkeypatch.undo()
    code, out, _ = run("members", "UNSC", "--on", "2021-05-07", "--db", str(db_copy), "--json")
    assert code == 0 and len(json.loads(out)["members"]) == 15  # the last complete load is kept


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Path:
    """A 6 MB tmpfs (needs root and a kernel that lets us mount; skipped otherwise)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


@pytest.mark.slow
def test_issue13_disk_full_real(tiny_disk: Path) -> None:
    store = tiny_disk / "comity.duckdb"
    code, _, err = run("build", "--db", str(store))
    assert code == 2 and "[E050] The disk is full" in err and str(store) in err
    # What was committed before the disk filled up still answers.
    code, out, _ = run("members", "UNSC", "--on", "2021-05-07", "--db", str(store), "--json")
    assert code == 0 and len(json.loads(out)["members"]) == 15
    (tiny_disk / "filler").write_bytes(b"")
    with (tiny_disk / "filler").open("ab") as filler:
        with pytest.raises(OSError):
            while True:
                filler.write(b"x" * 65536)
                filler.flush()
    figure = tiny_disk / "agree.png"
    code, _, err = run(
        "votes",
        "agree",
        "USA",
        "FRA",
        "--from",
        "2000",
        "--to",
        "2001",
        "--plot",
        str(figure),
        "--db",
        str(store),
    )
    assert code == 2 and f"[E080] Cannot write {figure}: No space left on device" in err


# -- 6. a store left by a killed build -------------------------------------------------------------------


@pytest.mark.slow
def test_issue13_killed_build_leaves_a_store_that_says_it_is_partial(db_copy: Path) -> None:
    import signal
    import sys
    import time

    build = subprocess.Popen(
        [sys.executable, "-m", "comity.cli", "build", "--force", "--db", str(db_copy)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert build.stdout is not None
    with build.stdout:
        line = build.stdout.readline()  # "store: PATH", printed once the build is marked as started
        assert line.startswith("store:"), line
        time.sleep(0.5)
        build.send_signal(signal.SIGKILL)
        build.wait(timeout=30)
    code, out, err = run("members", "UNSC", "--on", "2021-05-07", "--db", str(db_copy), "--json")
    assert code == 0 and json.loads(out)  # still answers, from what was committed
    assert "is partial: a `comity build` started" in err and "did not finish" in err
    code, _, _ = run("build", "--no-votes", "--db", str(db_copy))
    assert code == 0
    code, _, err = run("members", "UNSC", "--db", str(db_copy))
    assert code == 0 and "partial" not in err
