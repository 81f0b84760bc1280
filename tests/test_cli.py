"""The `comity` command on the real registry, and its error paths."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from comity.cli import app

runner = CliRunner()


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_cli_members_group_of_friends_json(db_copy: Path) -> None:
    code, out, _ = run(
        "members",
        "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER",
        "--on",
        "founding",
        "--db",
        str(db_copy),
        "--json",
    )
    assert code == 0
    rows = json.loads(out)["members"]
    assert len(rows) == 17 and "PSE" in {r["actor_id"] for r in rows}
    assert all(r["source_id"] and r["source_ref"] for r in rows)


def test_cli_members_unsc_on_date_json(db_copy: Path) -> None:
    code, out, _ = run("members", "UNSC", "--on", "2021-05-07", "--db", str(db_copy), "--json")
    assert code == 0
    answer = json.loads(out)
    assert answer["count"] == len(answer["members"]) == 15
    assert answer["coverage"]["status"] == "complete"
    assert answer["coverage"]["source_id"] == "dppa_sc_membership_2023"


def test_cli_members_table_has_kind_column_and_coverage_footer(db_copy: Path) -> None:
    code, out, _ = run("members", "UNSC", "--on", "2004-06-01", "--db", str(db_copy))
    assert code == 0
    assert "permanent_seat" in out and "elected_seat" in out
    lines = out.strip().splitlines()
    assert lines[-1].startswith("15 members of UNSC on 2004-06-01; coverage: complete")
    # year-precision terms print as years, not as 1 January and 31 December
    brazil = next(line for line in lines if line.strip().startswith("BRA"))
    assert " 2004 " in brazil and " 2005 " in brazil and "2004-01-01" not in brazil


def test_cli_members_kinds(db_copy: Path) -> None:
    code, out, _ = run("members", "UN", "--on", "2020-01-01", "--db", str(db_copy), "--json")
    assert code == 0 and json.loads(out)["count"] == 193
    code, out, _ = run(
        "members", "UN", "--on", "2020-01-01", "--kind", "observer", "--db", str(db_copy), "--json"
    )
    rows = json.loads(out)["members"]
    assert len(rows) == 195 and {r["actor_id"] for r in rows if r["kind"] == "observer"} == {"PSE", "VAT"}
    code, out, _ = run("members", "UN", "--on", "2020-01-01", "--all-kinds", "--db", str(db_copy), "--json")
    assert json.loads(out)["count"] == 195
    code, _, err = run("members", "UN", "--kind", "friend", "--db", str(db_copy))
    assert code == 2 and "unknown membership kind" in err and "Traceback" not in err


def test_cli_show_body_says_its_coverage(db_copy: Path) -> None:
    code, out, _ = run("show", "UNSC", "--db", str(db_copy))
    assert code == 0
    assert "members today: 15 (coverage complete: UN DPPA Security Council membership by year" in out


def test_cli_show_ambiguous_name_lists_candidates_exit_2(db_copy: Path) -> None:
    code, out, err = run("show", "Congo", "--db", str(db_copy))
    assert code == 2
    assert "COG" in err and "COD" in err and "E011" in err and "Traceback" not in err + out


def test_cli_timeline_usa_who_json(db_copy: Path) -> None:
    code, out, _ = run("timeline", "USA", "WHO", "--db", str(db_copy), "--json")
    assert code == 0
    events = json.loads(out)
    years = {(e["date"][:4], e["action"]) for e in events}
    assert ("2020", "notify_withdrawal") in years and ("2021", "rescind_withdrawal") in years
    assert all(e["source_ref"] for e in events)


def test_cli_show_beijing_is_china(db_copy: Path) -> None:
    code, out, _ = run("show", "Beijing", "--db", str(db_copy))
    assert code == 0
    assert "(CHN, state)" in out


def test_cli_members_upu_2010_from_cow(db_copy: Path) -> None:
    # The UPU is known from COW only (WHO now has a hand list that cites COW's years in its notes).
    code, out, _ = run("members", "UPU", "--on", "2010-01-01", "--db", str(db_copy))
    assert code == 0
    assert "cow_igo" in out


def test_cli_unknown_name_exit_2_with_suggestions(db_copy: Path) -> None:
    code, out, err = run("members", "Untied Nations", "--db", str(db_copy))
    assert code == 2
    assert "Unknown organisation" in err and "Closest matches" in err
    assert "Traceback" not in err + out


def test_cli_impossible_date_exit_2(db_copy: Path) -> None:
    code, _, err = run("members", "UN", "--on", "2021-02-30", "--db", str(db_copy))
    assert code == 2
    assert "cannot exist" in err and "Traceback" not in err


def test_cli_corrupt_database_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.duckdb"
    bad.write_bytes(b"\x00garbage" * 500)
    code, _, err = run("members", "UN", "--db", str(bad))
    assert code == 2
    assert "not a DuckDB database" in err and "Traceback" not in err


def test_cli_read_only_database_reads_but_refuses_build(db_copy: Path) -> None:
    os.chmod(db_copy, 0o444)
    try:
        code, out, _ = run("members", "UNSC", "--on", "2021-05-07", "--db", str(db_copy), "--json")
        assert code == 0 and json.loads(out)["count"] == 15
        code, _, err = run("build", "--db", str(db_copy), "--no-votes")
        assert code == 2 and "read-only" in err
    finally:
        os.chmod(db_copy, 0o644)


def test_cli_build_twice_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "c.duckdb"
    code, out, _ = run("build", "--db", str(path), "--no-votes")
    assert code == 0 and "registry built" in out
    code, out, _ = run("build", "--db", str(path), "--no-votes")
    assert code == 0 and "already up to date" in out


def _all_commands() -> list[tuple[str, ...]]:
    import typer.main

    def walk(group: object, prefix: tuple[str, ...]) -> list[tuple[str, ...]]:
        found: list[tuple[str, ...]] = []
        for name, command in getattr(group, "commands", {}).items():
            path = (*prefix, name)
            found.extend(walk(command, path) if hasattr(command, "commands") else [path])
        return found

    return walk(typer.main.get_command(app), ())


def test_cli_command_list_covers_every_capability() -> None:
    names = {" ".join(c) for c in _all_commands()}
    assert {"build", "show", "members", "timeline", "read", "stories", "eval news", "serve"} <= names
    assert {"votes agree", "votes cohesion", "votes blocs", "votes ideal"} <= names


@pytest.mark.parametrize("command", _all_commands(), ids=" ".join)
def test_cli_every_command_has_help_with_example(command: tuple[str, ...]) -> None:
    code, out, _ = run(*command, "--help")
    assert code == 0
    assert "Example" in out, f"`comity {' '.join(command)} --help` shows no example"


def test_cli_members_of_an_ended_body_say_it_ended(db_copy: Path) -> None:
    code, out, _ = run("members", "JCPOA", "--on", "2026-12-01", "--db", str(db_copy))
    assert code == 0
    assert out.strip().splitlines()[-1].startswith("0 members of JCPOA on 2026-12-01; coverage: ended")
    assert "ended on 2025-10-18" in out
    code, out, _ = run("members", "JCPOA", "--on", "2026-12-01", "--db", str(db_copy), "--json")
    assert code == 0 and json.loads(out)["coverage"]["status"] == "ended"
