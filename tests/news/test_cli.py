"""The news commands: comity read, comity stories, comity eval news."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity.cli import app
from comity.store import Store

runner = CliRunner()


# Three short reports written for these tests: two tell one event, the third another.
REPORTS = {
    "veto-wire": (
        "UNITED NATIONS, Dec. 20 - Russia and China vetoed a Security Council draft on Friday that "
        "would have kept two border crossings open for aid deliveries into Syria. Thirteen members "
        "voted in favour. U.S. Secretary of State Mike Pompeo said the two vetoes were "
        '"a shameful act that will cost lives in the northwest." Russian Ambassador Vassily Nebenzia '
        "told the Council that a shorter mandate was enough."
    ),
    "veto-blog": (
        "Moscow and Beijing blocked the Security Council draft on Syria aid crossings on Friday, "
        "casting two vetoes. Thirteen of the fifteen members backed the text. Mike Pompeo called "
        'the vetoes "a shameful act that will cost lives." Vassily Nebenzia said Russia wanted a '
        "shorter mandate for the border crossings."
    ),
    "anniversary": (
        "The General Assembly adopted a declaration marking the 75th anniversary of the United "
        "Nations on Monday. Secretary-General Antonio Guterres told leaders that "
        '"we need a networked multilateralism more than ever." The declaration pledges to upgrade '
        "the organisation and to protect the planet."
    ),
}


@pytest.fixture
def two_reports(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for doc_id, text in REPORTS.items():
        (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8")
    return folder


def test_cli_read_gold_one_json_object_per_line(two_reports: Path) -> None:
    result = runner.invoke(app, ["read", str(two_reports), "--format", "gold"])
    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["anniversary", "veto-blog", "veto-wire"]
    assert records[1]["story"] == records[2]["story"] != records[0]["story"]
    assert {"states", "organizations", "people", "quotes", "coalitions", "memberships", "meetings"} <= set(
        records[0]
    )


def test_cli_read_full_has_spans(two_reports: Path) -> None:
    result = runner.invoke(app, ["read", str(two_reports / "veto-wire.txt"), "--format", "full"])
    assert result.exit_code == 0, result.output
    record = json.loads(result.stdout)
    assert record["mentions"] and {"start", "end", "raw_start", "raw_end"} <= set(record["mentions"][0])


def test_cli_read_skips_bad_files_per_file_and_reads_the_rest(two_reports: Path) -> None:
    (two_reports / "empty.txt").write_bytes(b"")
    (two_reports / "binary.txt").write_bytes(b"\x00\x01\x02garbage")
    result = runner.invoke(app, ["read", str(two_reports)])
    assert result.exit_code == 1  # some inputs were skipped; the others were read
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


def test_cli_read_store_twice_changes_nothing(two_reports: Path, db_copy: Path) -> None:
    db = db_copy
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


def test_cli_eval_news_split_and_bad_split(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Moscow said no.", encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps({"states": ["RUS"], "story": "a-story"}), encoding="utf-8")
    result = runner.invoke(app, ["eval", "news", str(tmp_path), "--split", "train", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["documents"] == 1
    bad = runner.invoke(app, ["eval", "news", str(tmp_path), "--split", "test"])
    assert bad.exit_code == 2 and "--split" in bad.stderr and "Traceback" not in bad.output
