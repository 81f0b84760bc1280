"""The reader's scores on the shared annotated corpus stay above per-field floors.

A regression test by scores, not by text: the corpus is other people's text and stays in
``shared/corpus`` (see ``conftest.shared_corpus``). The floors sit a little under the scores
measured when they were last raised, so that a change that loses ground on a field fails here.
The held-out stories are scored in aggregate only, as everywhere.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from comity.news import NewsDoc, Pipeline, evaluate, to_gold
from comity.news._eval import EvalReport

DEV_FLOORS = {
    "states": 0.97,
    "organizations": 0.95,
    "people": 0.95,
    "quotes": 0.90,
    "coalitions": 0.95,
    # 8 of the 10 dev events are in one spun text whose garbled phrasings ("announced plans to end
    # the WHO", "withdrawn withdrawal") the frame reader does not learn; train carries the field.
    "memberships": 0.30,
    "meetings": 0.80,
    "stories": 0.95,
}
TRAIN_FLOORS = {
    "states": 0.97,
    "organizations": 0.90,
    "people": 0.90,
    "quotes": 0.80,
    "coalitions": 0.55,
    "memberships": 0.58,
    "meetings": 0.40,
    "stories": 0.65,
}


def _below(report: EvalReport, floors: dict[str, float]) -> dict[str, float]:
    return {
        name: round(report.fields[name].f1, 3)
        for name, floor in floors.items()
        if report.fields[name].f1 < floor
    }


@pytest.mark.slow
def test_corpus_dev_fields_above_floors(data_dir: Path, reader: Pipeline) -> None:
    report = evaluate(data_dir, reader)
    assert report.documents == 31
    assert _below(report, DEV_FLOORS) == {}, report.format()


@pytest.mark.slow
def test_corpus_train_split_fields_above_floors(train_dir: Path, reader: Pipeline) -> None:
    report = evaluate(train_dir, reader, split="train")
    assert report.documents == 42
    assert _below(report, TRAIN_FLOORS) == {}, report.format()


@pytest.mark.slow
def test_corpus_heldout_split_is_scored_in_aggregate(train_dir: Path, reader: Pipeline) -> None:
    report = evaluate(train_dir, reader, split="heldout")
    assert report.documents == 18
    assert report.per_document and all(not report.fields[f].empty for f in ("states", "quotes"))


def test_corpus_rereading_changes_nothing(reader: Pipeline) -> None:
    text = (
        "GENEVA - The Human Rights Council elected four new members on Tuesday. "
        '"This is a good day for the council," Ambassador Clara Ruiz of Chile said. '
        "Russia voted against the motion, and the United States walked out."
    )
    first = to_gold(reader(NewsDoc(id="t", raw=text)))
    second = to_gold(reader(NewsDoc(id="t", raw=text)))
    assert first == second
