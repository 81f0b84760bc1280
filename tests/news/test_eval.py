from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from comity.errors import BadInput
from comity.news import Pipeline, evaluate, score_documents
from comity.news._corpus import HELDOUT_STORIES, corpus_root, split_documents
from comity.news._eval import (
    error_kinds,
    meeting_context,
    meeting_error_kinds,
    membership_error_kinds,
    same_speaker,
    story_pair_counts,
    word_overlap,
)


def _record(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "states": [],
        "organizations": [],
        "people": [],
        "quotes": [],
        "coalitions": [],
        "memberships": [],
        "meetings": [],
        "story": None,
    }
    base.update(fields)
    return base


def test_eval_word_overlap_and_speakers() -> None:
    assert word_overlap("a b c d e", "a b c d e") == 1.0
    assert word_overlap("a b c d e", "a b c d") == pytest.approx(0.8)
    assert word_overlap("a b c d e", "a b c") == pytest.approx(0.6)
    assert same_speaker("Wang", "Wang Yi")
    assert same_speaker("António Guterres", "Antonio Guterres")
    assert not same_speaker("UN", "UNGA")
    assert not same_speaker("unnamed:diplomat", "unknown")


def test_eval_hand_computed_scores() -> None:
    gold = {
        "d1": _record(
            states=["USA", "CHN", "RUS"],
            organizations=["UN"],
            people=[{"name": "António Guterres"}, {"name": "Wang Yi"}],
            quotes=[
                {"speaker": "Wang Yi", "text": "one two three four five"},
                {"speaker": "UNGA", "text": "six seven eight"},
            ],
            coalitions=[{"name": "G", "members": ["DZA", "AGO", "BLR", "CUB"], "complete": False}],
            memberships=[
                {"actor": "USA", "body": "WHO", "action": "withdraw", "date": "2020"},
                {"actor": "USA", "body": "WHO", "action": "rejoin", "date": None},
            ],
            meetings=[{"body": "UNSC", "date": "2021-05-07"}],
        ),
    }
    pred = {
        "d1": _record(
            states=["USA", "CHN", "FRA"],  # tp 2, fp 1, fn 1
            organizations=["UN", "WHO"],  # tp 1, fp 1
            people=[{"name": "Antonio Guterres"}],  # tp 1, fn 1
            quotes=[
                {"speaker": "Wang", "text": "one two three four"},  # overlap 0.8, same person: tp
                {"speaker": "UNSC", "text": "six seven eight"},  # wrong speaker: fp and fn
            ],
            coalitions=[
                {"name": "X", "members": ["DZA", "AGO", "IRN"], "complete": False},  # 2 tp, 1 fp; 2 fn
                {"name": "Y", "members": ["SYR"], "complete": True},  # unaligned: 1 fp
            ],
            memberships=[
                {"actor": "USA", "body": "WHO", "action": "withdraw", "date": "2020-07-06"},  # tp
                {
                    "actor": "USA",
                    "body": "WHO",
                    "action": "rejoin",
                    "date": "2021",
                },  # date on one side: fp/fn
            ],
            meetings=[{"body": "UNSC", "date": "2021-05"}],  # agrees at month precision: tp
        ),
    }
    report = score_documents(gold, pred, stories={})
    counts = {name: (s.tp, s.fp, s.fn) for name, s in report.fields.items()}
    assert counts["states"] == (2, 1, 1)
    assert counts["organizations"] == (1, 1, 0)
    assert counts["people"] == (1, 0, 1)
    assert counts["quotes"] == (1, 1, 1)
    assert counts["coalitions"] == (2, 2, 2)
    assert counts["memberships"] == (1, 1, 1)
    assert counts["meetings"] == (1, 0, 0)
    assert report.fields["stories"].empty
    # states P = R = 2/3, F1 = 2/3; people P = 1, R = 1/2, F1 = 2/3; meetings F1 = 1.
    assert report.fields["states"].f1 == pytest.approx(2 / 3)
    assert report.fields["people"].f1 == pytest.approx(2 / 3)
    assert report.fields["organizations"].f1 == pytest.approx(2 / 3)
    assert report.fields["quotes"].f1 == pytest.approx(0.5)
    assert report.fields["coalitions"].f1 == pytest.approx(0.5)
    assert report.fields["memberships"].f1 == pytest.approx(0.5)
    expected_macro = (2 / 3 + 2 / 3 + 2 / 3 + 0.5 + 0.5 + 0.5 + 1.0) / 7
    assert report.macro_f1 == pytest.approx(expected_macro)
    assert report.format().splitlines()[-1] == f"macro-F1 {expected_macro:.3f}"


def test_eval_story_pairs() -> None:
    gold = {"a": "s1", "b": "s1", "c": "s1", "d": "s2"}
    pred = {"a": "x", "b": "x", "c": "y", "d": "y"}
    # gold pairs: ab ac bc; predicted pairs: ab cd -> tp 1 (ab), fp 1 (cd), fn 2 (ac, bc)
    assert story_pair_counts(gold, pred) == (1, 1, 2)


def test_eval_directory(tmp_path: Path, core: Pipeline) -> None:
    (tmp_path / "d1.txt").write_text("Chinese Foreign Minister Wang Yi met UN officials.", encoding="utf-8")
    gold = _record(
        states=["CHN"], organizations=["UN"], people=[{"name": "Wang Yi", "state": "CHN", "role": None}]
    )
    (tmp_path / "d1.json").write_text(json.dumps(gold), encoding="utf-8")
    (tmp_path / "orphan.txt").write_text("No annotation.", encoding="utf-8")
    report = evaluate(tmp_path, core)
    assert report.documents == 1
    assert report.skipped and "orphan.txt" in report.skipped[0]
    assert report.fields["states"].f1 == 1.0
    assert report.fields["people"].f1 == 1.0


def test_eval_scores_do_not_depend_on_machine_load(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A loaded machine is simulated by a clock that jumps a minute at every reading: a reader
    # with a wall-clock budget would skip the document, the evaluation's default reader must not.
    (tmp_path / "d1.txt").write_text("Chinese Foreign Minister Wang Yi met UN officials.", encoding="utf-8")
    gold = _record(states=["CHN"], organizations=["UN"], people=[])
    (tmp_path / "d1.json").write_text(json.dumps(gold), encoding="utf-8")
    clock = iter(range(0, 10**6, 60))
    monkeypatch.setattr("comity.news._doc.time.monotonic", lambda: float(next(clock)))
    monkeypatch.setattr("comity.news._pipeline.time.monotonic", lambda: float(next(clock)))
    report = evaluate(tmp_path)
    assert report.documents == 1
    assert report.fields["states"].f1 == 1.0


def test_eval_empty_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(BadInput):
        evaluate(tmp_path)


def test_eval_dev_set_meets_the_goals(data_dir: Path, reader: Pipeline) -> None:
    report = evaluate(data_dir, reader)
    assert report.documents == 31
    for name in ("states", "organizations", "people", "quotes"):
        assert report.fields[name].f1 >= 0.8, (name, report.format())


def test_eval_splits_by_story(tmp_path: Path, core: Pipeline) -> None:
    held = sorted(HELDOUT_STORIES)[0]
    for doc_id, story in (("a", "some-other-story"), ("b", held), ("c", held)):
        (tmp_path / f"{doc_id}.txt").write_text("The Kremlin said Moscow would reply.", encoding="utf-8")
        (tmp_path / f"{doc_id}.json").write_text(json.dumps(_record(states=["RUS"], story=story)))
    assert split_documents(tmp_path, "train") == {"a"}
    assert split_documents(tmp_path, "heldout") == {"b", "c"}
    assert evaluate(tmp_path, core, split="train").documents == 1
    assert evaluate(tmp_path, core, split="heldout").documents == 2
    assert evaluate(tmp_path, core).documents == 3
    with pytest.raises(BadInput, match="split"):
        split_documents(tmp_path, "test")  # type: ignore[arg-type]


def test_eval_empty_split_is_an_error(tmp_path: Path, core: Pipeline) -> None:
    (tmp_path / "a.txt").write_text("Moscow said no.", encoding="utf-8")
    (tmp_path / "a.json").write_text(json.dumps(_record(story="not-held-out")))
    with pytest.raises(BadInput, match="'heldout' split"):
        evaluate(tmp_path, core, split="heldout")


def test_eval_corpus_root_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMITY_CORPUS", str(tmp_path))
    assert corpus_root() == tmp_path
    monkeypatch.setenv("COMITY_CORPUS", str(tmp_path / "missing"))
    with pytest.raises(BadInput, match="COMITY_CORPUS"):
        corpus_root()


def test_eval_error_kinds_in_aggregate() -> None:
    gold = _record(
        people=[{"name": "Ana Lima"}, {"name": "Tom Berg"}],
        quotes=[
            {"speaker": "Ana Lima", "text": "we will not give up on this"},
            {"speaker": "BRA", "text": "the talks are over for now"},
            {"speaker": "Tom Berg", "text": "nobody asked us about it"},
        ],
        meetings=[{"body": "UNSC", "date": "2021-05-07"}],
    )
    pred = _record(
        people=[{"name": "Ana Lima"}, {"name": "Rio Branco"}],
        quotes=[
            {"speaker": "Ana Lima", "text": "we will not give up on this"},
            {"speaker": "unknown", "text": "the talks are over for now"},
            {"speaker": "unknown", "text": "a headline in quotation marks"},
        ],
    )
    report = score_documents({"d": gold}, {"d": pred}, stories={})
    assert report.errors == {
        "quotes: wrong speaker (state as unknown)": 1,
        "quotes: missed": 1,
        "quotes: not a quotation": 1,
        "people: missed": 1,
        "people: invented": 1,
        "meetings: missed": 1,
        "meetings by kind: missed (body not read)": 1,
    }
    assert "errors by kind" in report.format(errors=True)
    assert "errors by kind" not in report.format()


@pytest.mark.parametrize(
    ("text", "quote", "cue"),
    [
        ('"We shall stay in the pact," she said on Monday.', "We shall stay in the pact,", "after, pronoun"),
        (
            '"The vote was a mistake for all of us," the envoy told reporters.',
            "The vote was a mistake for all of us,",
            "after, description",
        ),
        (
            'Mara Olsen said: "Nothing has changed since May."',
            "Nothing has changed since May.",
            "colon, name",
        ),
        (
            'The talks failed. "It was a long night." Tom Weir said the text was weak.',
            "It was a long night.",
            "next sentence, name",
        ),
        (
            'According to a statement, the bloc "will keep its seat at the table."',
            "will keep its seat at the table.",
            "according to, document",
        ),
        (
            'The minister added that the plan "cannot work without money."',
            "cannot work without money.",
            "before, description",
        ),
        (
            'Ana Lima spoke first.\n"We will go back to the table."',
            "We will go back to the table.",
            "continuation",
        ),
        (
            'The letter vowed to "defend the charter at every turn."',
            "defend the charter at every turn.",
            "other verb, document",
        ),
    ],
)
def test_eval_quote_cue_place_and_form(text: str, quote: str, cue: str) -> None:
    from comity.news._eval import quote_cue

    assert quote_cue(text, quote) == cue


def test_eval_quote_cue_unknown_words() -> None:
    from comity.news._eval import quote_cue

    assert quote_cue("Nobody said anything.", "words that are not there") is None


def test_eval_error_kinds_by_cue(tmp_path: Path) -> None:
    text = 'Ana Lima arrived late for the talks. "We need more time to read the text," she said.\n'
    (tmp_path / "d.txt").write_text(text, encoding="utf-8")
    gold = _record(
        people=[{"name": "Ana Lima"}],
        quotes=[{"speaker": "unnamed:senior diplomat", "text": "We need more time to read the text,"}],
    )
    (tmp_path / "d.json").write_text(json.dumps(gold), encoding="utf-8")
    report = evaluate(tmp_path)
    # The reader gives the quotation to Ana Lima (the pronoun's antecedent); the gold says
    # someone unnamed, so the error is read as "after the quotation, a pronoun".
    assert report.errors["quotes by cue: wrong speaker (after, pronoun; unnamed as person)"] == 1
    assert report.errors["quotes: wrong speaker (unnamed as person)"] == 1


def test_eval_meeting_errors_by_kind() -> None:
    gold = _record(
        organizations=["UNSC", "UNGA", "NAM"],
        meetings=[
            {"body": "UNSC", "date": "2021-05-07", "chair": "Wang Yi"},
            {"body": "UNGA", "date": "2020"},
            {"body": "NAM", "date": None},
            {"body": "UNHRC", "date": "2019-03"},
        ],
    )
    pred = _record(
        organizations=["UNSC", "UNGA", "UNHRC"],
        meetings=[
            {"body": "UNSC", "date": "2021-05-07", "chair": None},
            {"body": "UNGA", "date": "2021-01-02"},
            {"body": "ZZ_PACT_COUNCIL", "date": "2018", "context": "a signing", "cue": "met"},
            {"body": "UN", "date": "2019-03-04"},
        ],
    )
    kinds = meeting_error_kinds(gold, pred)
    assert kinds == {
        "meetings by kind: chair missed": 1,
        "meetings by kind: wrong date (both dated)": 1,
        "meetings by kind: wrong body (UN for an organ)": 1,
        "meetings by kind: not a meeting (a signing, cue 'met', body not in the registry)": 1,
        "meetings by kind: missed (body not read)": 1,
    }
    assert meeting_context("The ministers signed the accord at a ceremony.") == "a signing"
    assert meeting_context("The court issued an arrest warrant after the session.") == "a warrant"
    assert meeting_context("The council met on Monday.") == "other words"


def test_annotated_folder_as_one_jsonl_file_that_read_takes(tmp_path: Path) -> None:
    from comity.news import iter_documents
    from comity.news._corpus import annotated_jsonl

    (tmp_path / "a.txt").write_text("Ministers met in Lima.", encoding="utf-8")
    gold = _record(states=["PER"], organizations=[], people=[])
    gold.update({"url": "https://example.org/a", "outlet": "Example Wire", "published": "2031-04-02"})
    (tmp_path / "a.json").write_text(json.dumps(gold), encoding="utf-8")
    path = annotated_jsonl(tmp_path, tmp_path / "out.jsonl")
    [record] = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert record == {
        "id": "a",
        "text": "Ministers met in Lima.",
        "url": "https://example.org/a",
        "outlet": "Example Wire",
        "published": "2031-04-02",
    }
    assert [doc.id for doc in iter_documents([path])] == ["a"]


def test_membership_error_kinds_name_what_differs() -> None:
    def event(actor: str, body: str, action: str, date: str | None) -> dict[str, Any]:
        return {"actor": actor, "body": body, "action": action, "date": date}

    gold = {
        "organizations": ["ICC", "OAS", "G20", "AU"],
        "memberships": [
            event("PER", "ICC", "withdraw", "2030-05-02"),  # matched
            event("CHL", "ICC", "withdraw", "2030"),  # read undated
            event("BOL", "OAS", "announce_withdrawal", "2029"),  # read as a withdrawal
            event("AU", "G20", "join", "2023"),  # missed; an organisation actor
            event("FJI", "NATO", "join", None),  # missed; neither body nor actor read
        ],
    }
    pred = {
        "organizations": ["ICC", "OAS", "G20", "AU"],
        "states": ["PER", "CHL", "BOL", "TGO"],
        "memberships": [
            event("PER", "ICC", "withdraw", "2030"),
            event("CHL", "ICC", "withdraw", None),
            event("BOL", "OAS", "withdraw", "2029"),
            event("TGO", "OAS", "expel", None),
        ],
    }
    assert membership_error_kinds(gold, pred) == {
        "memberships by kind: wrong date (gold year, read null)": 1,
        "memberships by kind: wrong action (announce_withdrawal as withdraw)": 1,
        "memberships by kind: missed (join, body read, organisation actor, date year)": 1,
        "memberships by kind: missed (join, body not read, actor not read, date null)": 1,
        "memberships by kind: invented (expel)": 1,
    }
    # the counts are part of the errors a split is read by
    assert error_kinds(gold, pred)["memberships by kind: invented (expel)"] == 1
