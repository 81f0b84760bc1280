"""Story keys and linear-time story grouping (every text here is written for these tests)."""

from __future__ import annotations

import math
import random
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from comity.errors import BadInput
from comity.news import NewsDoc, Pipeline, _story_keys
from comity.news._story_keys import (
    CONFLICT_DISTANCE,
    CUT,
    GroupingStats,
    StoryKeys,
    TermStats,
    block_edges,
    block_keys,
    connected_stories,
    copy_jaccard,
    group_story_keys,
    keys_from_table,
    keys_to_table,
    pair_distance,
    split_component,
    story_keys,
    verify_pair,
)

HARBOUR = (
    "The Council of the Baltic Sea States met in Stockholm on 14 March 2024 to agree a common plan "
    "for cleaning the harbour of Klaipeda. Lithuania and Latvia asked the other members to pay for "
    "dredging ships and new filters at the port. Sweden said the money would come from a shared fund "
    "that Finland and Denmark set up last spring. The ministers also named a panel of engineers to "
    "report on the silt, the broken breakwater and the old fuel tanks by the end of the summer. "
    "Estonia abstained because it wanted the plan to cover the ports of Tallinn and Parnu as well."
)
HARBOUR_REWRITE = (
    "Meeting in Stockholm on 14 March 2024, the Council of the Baltic Sea States agreed a common plan "
    "to clean the harbour of Klaipeda. Lithuania and Latvia had asked fellow members to pay for dredging "
    "ships and new filters at the port, and Sweden said a shared fund set up by Finland and Denmark last "
    "spring would provide the money. A panel of engineers will report on the silt, the broken breakwater "
    "and the old fuel tanks by the end of the summer. Estonia abstained, wanting Tallinn and "
    "Parnu covered too."
)
VOLCANO = (
    "The African Union sent a team of doctors to the Comoros on 2 August 2023 after the eruption of "
    "Mount Karthala covered the island of Grande Comore in ash. Kenya and Tanzania flew tents, water "
    "pumps and masks to Moroni, and the Red Cross opened three field clinics near the airport. "
    "The government of the Comoros asked for help to rebuild the roads that the lava had cut."
)
TREATY = (
    "Norway signed a fisheries treaty with Iceland in Reykjavik on 9 November 2022, ending a quarrel over "
    "mackerel quotas in the waters around Jan Mayen. The two governments will share the catch and set up "
    "a joint board of scientists to count the stocks every year."
)

# One event told twice in different words (a spun rewrite), and another event of the same body.
LEAVING = (
    "Burkina Faso announced on 28 January 2024 that it was withdrawing from the Economic Community of "
    "West African States with immediate effect. The military government in Ouagadougou accused the bloc of "
    "ignoring the threat of armed groups and of imposing sanctions that hurt ordinary people. Officials in "
    "Abuja, where the community has its seat, said they had not yet received a formal notice."
)
LEAVING_SPUN = (
    "On 28 January 2024 Burkina Faso said it would quit ECOWAS at once. The junta ruling the country blamed "
    "the regional organisation for turning a blind eye to jihadist violence and for penalties that punished "
    "its citizens. Staff at the body's headquarters in Abuja stated that no written notification had reached "
    "them so far."
)
SUSPENDED = (
    "Guinea was suspended from the Economic Community of West African States on 8 September 2021 after "
    "soldiers seized power in Conakry. Leaders of the bloc met by video and demanded the release of the "
    "detained president. They sent a mission of envoys to the capital to talk with the new rulers."
)


def _doc(doc_id: str, text: str) -> NewsDoc:
    return NewsDoc(id=doc_id, raw=text)


def _partition(stories: dict[str, str]) -> set[frozenset[str]]:
    groups: dict[str, set[str]] = {}
    for doc_id, story in stories.items():
        groups.setdefault(story, set()).add(doc_id)
    return {frozenset(members) for members in groups.values()}


def _variant(text: str, seed: int) -> str:
    """The text with one sentence dropped and one word changed: a near-identical reprint."""
    rng = random.Random(seed)
    sentences = text.split(". ")
    del sentences[rng.randrange(1, len(sentences))]
    words = " ".join(sentences).split()
    words[rng.randrange(len(words))] = f"w{seed}"
    return " ".join(words)


def test_keys_copies_and_rewrites_grouped_other_stories_apart(reader: Pipeline) -> None:
    docs = [
        reader(_doc("harbour-a", HARBOUR)),
        reader(_doc("harbour-copy", "Advertisement\n" + HARBOUR.replace("Sweden", "Sweden's minister", 1))),
        reader(_doc("harbour-rewrite", HARBOUR_REWRITE)),
        reader(_doc("volcano", VOLCANO)),
        reader(_doc("treaty", TREATY)),
    ]
    stories = group_story_keys(story_keys(doc) for doc in docs)
    assert stories["harbour-a"] == stories["harbour-copy"] == stories["harbour-rewrite"]
    assert len({stories["harbour-a"], stories["volcano"], stories["treaty"]}) == 3


def test_spun_copy_joins_its_story_and_another_event_of_the_body_stays_apart(reader: Pipeline) -> None:
    keys = [
        story_keys(reader(_doc(doc_id, text)))
        for doc_id, text in (("leaving", LEAVING), ("leaving-spun", LEAVING_SPUN), ("suspended", SUSPENDED))
    ]
    assert keys[0].events == keys[1].events == ("leave:BFA:ECOWAS:2024-01-28",)
    assert copy_jaccard(keys[0], keys[1]) < 0.2  # not a copy: the words differ
    stats = TermStats.from_keys(keys)
    # One dated event halves the distance of the two wordings; two events of one body are apart.
    assert pair_distance(keys[0], keys[1], stats) < CUT
    assert (
        pair_distance(keys[0], keys[2], stats) == pair_distance(keys[1], keys[2], stats) == CONFLICT_DISTANCE
    )
    stories = group_story_keys(keys)
    assert stories["leaving"] == stories["leaving-spun"] != stories["suspended"]
    assert stories["leaving"].startswith("ecowas-2024-01")


# Two stories of one body a fortnight apart that both recall an event of two years before, and a
# second report of the first story's news.
RETURNING = (
    "Niger rejoined the Economic Community of West African States on 3 June 2026, two years after its "
    "rulers took it out of the bloc. Niger withdrew from ECOWAS in January 2024, together with Mali and "
    "Burkina Faso. Ministers in Niamey said the return would reopen the border markets and the roads to "
    "the coast. The bloc's commission in Abuja welcomed the decision and promised help with customs posts."
)
RETURNING_AGAIN = (
    "Two years after walking out, Niger is back in ECOWAS: the country rejoined the West African bloc on "
    "3 June 2026. It had withdrawn from ECOWAS in January 2024 with its two Sahel neighbours. Traders at "
    "the frontier hope lorries will soon cross again without long checks."
)
CHOOSING_A_CHAIR = (
    "Leaders of the Economic Community of West African States met in Accra on 20 June 2026 to choose a new "
    "chair and to agree a budget for the common currency. Niger withdrew from ECOWAS in January 2024, and "
    "the summit heard calls to win back the states that left. Ghana's president said trade across the "
    "region had fallen since the split. The leaders asked the commission to draw up a plan for a single "
    "visa by the end of the year."
)


def test_shared_event_counts_only_as_the_news_of_both_pages(reader: Pipeline) -> None:
    """An event two pages recall from long before their own dates (background) does not make them
    one story; the event that is both pages' news does (issue 10: stories by what happened)."""
    dated = {"returning": "2026-06-03", "returning-again": "2026-06-04", "chair": "2026-06-20"}
    texts = {"returning": RETURNING, "returning-again": RETURNING_AGAIN, "chair": CHOOSING_A_CHAIR}
    keys = {
        doc_id: story_keys(reader(NewsDoc(id=doc_id, raw=text, meta={"published": dated[doc_id]})))
        for doc_id, text in texts.items()
    }
    # The reader finds the background withdrawal in every page.
    assert all("leave:NER:ECOWAS:2024-01" in k.events for k in keys.values())
    stats = TermStats.from_keys(keys.values())

    def cosine_distance(first: str, second: str) -> float:
        return 1.0 - _story_keys._cosine(stats.unit(keys[first]), stats.unit(keys[second]))

    # The rejoining (dated on both pages' days) is both reports' news: their distance is halved.
    assert pair_distance(keys["returning"], keys["returning-again"], stats) == pytest.approx(
        0.5 * cosine_distance("returning", "returning-again")
    )
    # The summit's page shares only the withdrawal of 2024 with them: words alone decide.
    for other in ("returning", "returning-again"):
        plain = cosine_distance("chair", other)
        assert pair_distance(keys["chair"], keys[other], stats) == pytest.approx(plain)
    # Pages without a date cannot tell their news from their background: their events all count.
    undated = {
        doc_id: story_keys(reader(NewsDoc(id=doc_id, raw=text.replace(day, ""))))
        for doc_id, text, day in (
            ("returning-undated", RETURNING, " on 3 June 2026"),
            ("chair-undated", CHOOSING_A_CHAIR, " on 20 June 2026"),
        )
    }
    assert [k.date for k in undated.values()] == [None, None]
    both = TermStats.from_keys(undated.values())
    first, second = undated["returning-undated"], undated["chair-undated"]
    plain = 1.0 - _story_keys._cosine(both.unit(first), both.unit(second))
    assert pair_distance(first, second, both) == pytest.approx(0.5 * plain)


def test_keys_record_events_actors_and_date(reader: Pipeline) -> None:
    keys = story_keys(reader(_doc("harbour", HARBOUR)))
    assert keys.date == "2024-03-14"
    assert "state:LTU" in keys.actors
    assert "klaipeda" in keys.terms
    assert len(keys.bands) == 16
    assert any(block.startswith("term:") for block in block_keys(keys))


def test_signature_is_datasketch_minhash_of_the_word_shingles() -> None:
    # The signature is computed in one numpy expression; it must stay datasketch's MinHash of
    # the shingles (CRC-32 hashes, the "affine32" scheme), so stored keys keep matching.
    import zlib

    from datasketch import MinHash

    texts = [HARBOUR, VOLCANO, TREATY, "", "Oslo", "one two three four five", "Zürich’s café façade " * 4]
    for text in texts:
        tokens = _story_keys.words(text)
        shingles = {" ".join(tokens[i : i + 5]) for i in range(max(1, len(tokens) - 4))}
        reference = MinHash(num_perm=_story_keys.NUM_PERM, seed=_story_keys.SEED, hashfunc=zlib.crc32)
        reference.update_batch([s.encode("utf-8") for s in shingles])
        assert _story_keys._minhash(tokens).tolist() == [int(v) for v in reference.hashvalues], text


def _reference_vector(terms: list[str], facts: list[str]) -> tuple[bytes, bytes]:
    """The story vector's rule spelled out plainly: weights 1 + ln(count) (facts times the fact
    weight), the most frequent tokens first (facts ranked without their factor, ties in
    alphabetical order), sorted by token hash."""
    import hashlib
    import math
    from collections import Counter

    import numpy as np

    weights = {t: 1.0 + math.log(c) for t, c in Counter(terms).items()}
    for fact, count in Counter(facts).items():
        weights[fact] = _story_keys.FACT_WEIGHT * (1.0 + math.log(count))
    ranked = sorted(weights, key=lambda t: (-weights[t] / (_story_keys.FACT_WEIGHT if ":" in t else 1.0), t))
    digest = [
        hashlib.blake2b(t.encode(), digest_size=8).digest() for t in ranked[: _story_keys.VECTOR_TOKENS]
    ]
    pairs = sorted(
        (int.from_bytes(d, "little", signed=True), weights[t]) for d, t in zip(digest, ranked, strict=False)
    )
    return (
        np.array([h for h, _ in pairs], dtype=np.int64).tobytes(),
        np.array([w for _, w in pairs], dtype=np.float32).tobytes(),
    )


def test_vector_and_salient_terms_follow_their_rules() -> None:
    from collections import Counter

    # Over 128 distinct tokens (so the vector keeps the most frequent), ties between facts and
    # words of one count, and possessives (a short one is no term once folded).
    # The cut falls among words of one count that sort before the facts' kinds.
    many = " ".join(f"item{chr(97 + i % 26)}{chr(97 + i // 26)}" for i in range(150))
    text = f"{HARBOUR} {many} Council's council's councils Klaipeda Klaipeda’s {many[:300]}"
    terms = [w for w in _story_keys.words(text) if len(w) > 2 and w not in _story_keys.STOP]
    facts = ["state:LTU", "state:LTU", "state:SWE", "org:CBSS", "person:itemaa", "meeting:CBSS"]
    assert _story_keys._vector(Counter(terms), facts) == _reference_vector(terms, facts)
    # A short word's possessive, frequent enough to rank first were it kept.
    terms = [
        w
        for w in _story_keys.words(f"{text} qj's qj's qj's qj's")
        if len(w) > 2 and w not in _story_keys.STOP
    ]
    salient, weights = _story_keys._salient_terms(Counter(terms))
    counts = Counter(t[:-2] if t.endswith(("'s", "’s")) else t for t in terms)
    assert counts["council"] == 3 and "qj" not in salient
    expected = sorted(
        ((t, (1.0 + math.log(c)) * _story_keys._rarity(t)) for t, c in counts.items() if len(t) > 2),
        key=lambda item: (-item[1], item[0]),
    )[: _story_keys.TERMS]
    assert salient == tuple(t for t, _ in expected)
    assert weights == tuple(round(w, 3) for _, w in expected)


def test_keys_round_trip_through_parquet(tmp_path: Path, reader: Pipeline) -> None:
    keys = [story_keys(reader(_doc("harbour", HARBOUR))), story_keys(_doc("treaty", TREATY))]
    pq.write_table(keys_to_table(keys), tmp_path / "keys.parquet")
    back = keys_from_table(pq.read_table(tmp_path / "keys.parquet"))
    assert [k.doc_id for k in back] == ["harbour", "treaty"]
    for first, second in zip(keys, back, strict=True):
        assert first.to_row() == {**second.to_row(), "weights": first.to_row()["weights"]}
        assert second.weights == pytest.approx(first.weights, rel=1e-6)
        assert StoryKeys.from_row(first.to_row()) == first
    assert group_story_keys(back) == group_story_keys(keys)


def test_keys_from_bad_row_is_a_clear_error() -> None:
    row = story_keys(_doc("treaty", TREATY)).to_row()
    with pytest.raises(BadInput, match="lacks bands"):
        StoryKeys.from_row({k: v for k, v in row.items() if k != "bands"})
    with pytest.raises(BadInput, match="signature of 3 bytes"):
        StoryKeys.from_row({**row, "signature": b"abc"})


def test_large_block_costs_linear_verifications() -> None:
    keys = [story_keys(_doc(f"reprint-{i:04d}", _variant(HARBOUR, i))) for i in range(1000)]
    stats = GroupingStats()
    stories = group_story_keys(keys, stats=stats)
    assert len(set(stories.values())) == 1
    assert stats.large_blocks > 0
    # Pair by pair this would be 499,500 verifications; each document costs a few (one per
    # block it shares with others, at most, as repeated pairs are checked once).
    assert stats.verifications <= 8 * len(keys)


def test_block_edges_bound_holds_for_many_stories_in_one_block() -> None:
    texts = [HARBOUR, VOLCANO, TREATY]
    members = [story_keys(_doc(f"d{i:03d}", _variant(texts[i % 3], i))) for i in range(90)]
    stats = TermStats.from_keys(members)
    calls = 0

    def counting(first: StoryKeys, second: StoryKeys) -> bool:
        nonlocal calls
        calls += 1
        return verify_pair(first, second, stats)

    edges = list(block_edges(members, counting))
    assert calls <= 90 * 8 * 2
    stories = connected_stories([m.doc_id for m in members], edges)
    assert len(set(stories.values())) == 3


def test_grouping_is_independent_of_order() -> None:
    texts = [HARBOUR, HARBOUR_REWRITE, VOLCANO, TREATY]
    keys = [story_keys(_doc(f"doc-{i:02d}", _variant(texts[i % 4], i))) for i in range(40)]
    expected = group_story_keys(keys)
    shuffled = list(keys)
    random.Random(7).shuffle(shuffled)
    assert group_story_keys(shuffled) == expected
    assert group_story_keys(reversed(keys)) == expected


def test_incremental_grouping_equals_batch() -> None:
    texts = [HARBOUR, VOLCANO, TREATY]
    keys = [story_keys(_doc(f"doc-{i:02d}", _variant(texts[i % 3], i))) for i in range(30)]
    batch = group_story_keys(keys)
    first = group_story_keys(keys[:12])
    later = group_story_keys(keys, existing=first)
    assert _partition(later) == _partition(batch)
    assert {doc: later[doc] for doc in first} == first  # existing stories keep their ids
    stats = GroupingStats()
    group_story_keys(keys, existing=batch, stats=stats)
    assert stats.blocks == 0  # nothing new: nothing is compared again


def test_incremental_grouping_keeps_stories_known_only_by_id() -> None:
    keys = [story_keys(_doc("new-copy", HARBOUR)), story_keys(_doc("old", HARBOUR))]
    result = group_story_keys(keys, existing={"old": "harbour-story", "gone": "other-story"})
    assert result == {"gone": "other-story", "new-copy": "harbour-story", "old": "harbour-story"}


def test_large_component_is_split_by_centroids_in_bounded_work(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = [HARBOUR, VOLCANO, TREATY]
    # Distinct wordings (no two are copies) so that folding copies does not shrink the component.
    members = [
        story_keys(_doc(f"d{i:02d}", " ".join(_variant(texts[i % 3], i).split()[i // 3 :])))
        for i in range(24)
    ]
    stats = TermStats.from_keys(members)
    exact = split_component(members, stats)
    monkeypatch.setattr(_story_keys, "AVERAGE_LIMIT", 4)
    bounded = split_component(members, stats)
    assert {frozenset(g) for g in bounded} == {frozenset(g) for g in exact}
    assert len(bounded) == 3


def test_group_stories_keeps_existing_stories(reader: Pipeline) -> None:
    from comity.news import group_stories

    first = [reader(_doc("leaving", LEAVING)), reader(_doc("suspended", SUSPENDED))]
    known = group_stories(first)
    later = group_stories([*first, reader(_doc("leaving-spun", LEAVING_SPUN))], existing=known)
    assert later["leaving-spun"] == later["leaving"] == known["leaving"]
    assert later["suspended"] == known["suspended"]
