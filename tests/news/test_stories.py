"""Grouping documents into stories, and reconciling a story's facts."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from comity.news import Coalition, NewsDoc, Pipeline
from comity.news._stories import group_stories, reconcile


@pytest.fixture(scope="module")
def dev_docs(reader: Pipeline, data_dir: Path) -> list[NewsDoc]:
    return [
        reader(NewsDoc(id=path.stem, raw=path.read_text(encoding="utf-8")))
        for path in sorted(data_dir.glob("*.txt"))
    ]


def _pairwise_f1(gold: dict[str, str], pred: dict[str, str]) -> float:
    tp = fp = fn = 0
    for a, b in itertools.combinations(sorted(gold), 2):
        same_gold, same_pred = gold[a] == gold[b], pred[a] == pred[b]
        tp += same_gold and same_pred
        fp += same_pred and not same_gold
        fn += same_gold and not same_pred
    return 2 * tp / (2 * tp + fp + fn)


def test_stories_dev_set_pairwise_f1_high(dev_docs: list[NewsDoc], data_dir: Path) -> None:
    gold = {
        d.id: json.loads((data_dir / f"{d.id}.json").read_text(encoding="utf-8"))["story"] for d in dev_docs
    }
    pred = group_stories(dev_docs)
    assert set(pred) == set(gold)
    assert _pairwise_f1(gold, pred) >= 0.9


def test_stories_ids_are_readable_slugs(dev_docs: list[NewsDoc]) -> None:
    pred = group_stories(dev_docs)
    assert all(slug == slug.lower() and " " not in slug for slug in pred.values())
    seed = pred["seed-003"]
    assert seed.startswith("unsc-2021-05")


def test_stories_near_duplicates_grouped(reader: Pipeline, dev_docs: list[NewsDoc]) -> None:
    original = next(d for d in dev_docs if d.id == "syria-veto-2019-12-rferl")
    copy = reader(
        NewsDoc(id="copy", raw="Advertisement\n" + original.raw.replace("Pompeo", "Mike Pompeo", 1))
    )
    other = next(d for d in dev_docs if d.id == "un75-declaration-2020-09-wrex")
    pred = group_stories([original, copy, other])
    assert pred["copy"] == pred[original.id]
    assert pred[other.id] != pred[original.id]


def test_stories_empty_and_single() -> None:
    assert group_stories([]) == {}
    doc = NewsDoc(id="only", raw="The UN met.")
    assert list(group_stories([doc])) == ["only"]


def _with_coalition(doc_id: str, members: list[str], complete: bool) -> NewsDoc:
    doc = NewsDoc(id=doc_id, raw="text")
    doc.coalitions = [Coalition("Group of Friends", "GOF", members, complete, 0, 4)]
    return doc


def test_stories_reconcile_counts_support_and_flags_member_conflicts() -> None:
    docs = [
        _with_coalition("a", ["CHN", "RUS", "IRN"], False),
        _with_coalition("b", ["CHN", "RUS", "IRN", "VEN"], True),
        _with_coalition("c", ["CHN", "RUS", "IRN", "VEN"], True),
    ]
    story = reconcile(docs, "gof")
    [fact] = [f for f in story.facts if f.fact_type == "coalition"]
    assert fact.support == 3
    assert sorted(fact.value["members"]) == ["CHN", "IRN", "RUS", "VEN"]  # the most complete version
    assert fact.value["complete"] is True
    assert fact.value["member_support"]["VEN"] == 2
    assert fact.conflicts and "VEN" in fact.conflicts[0]
    assert story.conflicts == [fact]
    assert story.to_dict()["id"] == "gof"


def test_stories_reconcile_dev_story(dev_docs: list[NewsDoc]) -> None:
    docs = [d for d in dev_docs if d.id.startswith("unsc-multilateralism") or d.id == "seed-003"]
    story = reconcile(docs, "unsc")
    meetings = [f for f in story.facts if f.fact_type == "meeting" and f.value["body"] == "UNSC"]
    assert max(f.support for f in meetings) >= 3
    people = {f.value["name"]: f.support for f in story.facts if f.fact_type == "person"}
    assert max(support for name, support in people.items() if name.endswith("Blinken")) >= 3
