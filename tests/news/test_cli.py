"""The news commands: comity read, comity stories, comity eval news."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity.cli import app
from comity.store import Store

runner = CliRunner()


@pytest.fixture
def two_reports(data_dir: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for doc_id in (
        "syria-veto-2019-12-rferl",
        "syria-veto-2019-12-voltairenet",
        "un75-declaration-2020-09-wrex",
    ):
        (folder / f"{doc_id}.txt").write_text((data_dir / f"{doc_id}.txt").read_text(encoding="utf-8"))
    return folder


def test_cli_read_gold_one_json_object_per_line(two_reports: Path) -> None:
    result = runner.invoke(app, ["read", str(two_reports), "--format", "gold"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == [
        "syria-veto-2019-12-rferl",
        "syria-veto-2019-12-voltairenet",
        "un75-declaration-2020-09-wrex",
    ]
    assert records[0]["story"] == records[1]["story"] != records[2]["story"]
    assert {"states", "organizations", "people", "quotes", "coalitions", "memberships", "meetings"} <= set(
        records[0]
    )


def test_cli_read_full_has_spans(two_reports: Path) -> None:
    result = runner.invoke(
        app, ["read", str(two_reports / "syria-veto-2019-12-rferl.txt"), "--format", "full"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["mentions"] and {"start", "end", "raw_start", "raw_end"} <= set(record["mentions"][0])


def test_cli_read_skips_bad_files_per_file_and_reads_the_rest(two_reports: Path) -> None:
    (two_reports / "empty.txt").write_bytes(b"")
    (two_reports / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    result = runner.invoke(app, ["read", str(two_reports)])
    assert result.exit_code == 0
    assert "empty.txt: empty file" in result.stderr
    assert "binary.txt: binary file" in result.stderr
    assert len(result.stdout.splitlines()) == 3


def test_cli_read_nothing_readable_exits_2_without_traceback(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["read", str(tmp_path / "empty.txt"), str(tmp_path / "missing.txt")])
    assert result.exit_code == 2
    assert "No readable document" in result.stderr
    assert "missing.txt: no such file" in result.stderr
    assert "Traceback" not in result.output


def test_cli_read_bad_format_exits_2(two_reports: Path) -> None:
    result = runner.invoke(app, ["read", str(two_reports), "--format", "xml"])
    assert result.exit_code == 2
    assert "--format" in result.stderr


def test_cli_read_store_twice_changes_nothing(two_reports: Path, tmp_path: Path) -> None:
    db = tmp_path / "news.duckdb"
    for _ in range(2):
        result = runner.invoke(app, ["read", str(two_reports), "--store", "--db", str(db)])
        assert result.exit_code == 0, result.output
    with Store.open(db, read_only=True) as store:
        assert store.count("documents") == 3
        facts = store.count("facts")
        stories = {row[0] for row in store.con.execute("SELECT story_id FROM documents").fetchall()}
    assert facts > 0 and len(stories) == 2


def test_cli_stories_table_and_json(two_reports: Path) -> None:
    table = runner.invoke(app, ["stories", str(two_reports)])
    assert table.exit_code == 0, table.output
    assert table.stdout.splitlines()[0].split()[:2] == ["story", "docs"]
    result = runner.invoke(app, ["stories", str(two_reports), "--json"])
    stories = json.loads(result.stdout)
    assert sorted(len(s["doc_ids"]) for s in stories) == [1, 2]
    assert all(
        {"fact_type", "support", "doc_ids", "conflicts"} <= set(f) for s in stories for f in s["facts"]
    )


def test_cli_eval_news_ends_with_macro_f1(data_dir: Path) -> None:
    result = runner.invoke(app, ["eval", "news", str(data_dir)])
    assert result.exit_code == 0, result.output
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("macro-F1 0.")
    assert float(last.split()[1]) >= 0.85


def test_cli_eval_news_missing_directory_exits_2(tmp_path: Path) -> None:
    result = runner.invoke(app, ["eval", "news", str(tmp_path / "nope")])
    assert result.exit_code == 2
    assert "not a directory" in result.stderr


@pytest.mark.parametrize("command", [["read"], ["stories"], ["eval", "news"]])
def test_cli_help_has_an_example(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example: comity" in result.stdout
