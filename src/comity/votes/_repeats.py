"""Find roll calls that are the same resolution voted again in a later session.

The General Assembly adopts many resolutions every year under the same title ("The Syrian
Golan", "Economic coercion against developing countries"). Giving such repeats one set of item
parameters is what bridges the years in a dynamic ideal point model (Bailey, Strezhnev and
Voeten 2017 matched 955 pairs by hand). This module finds them from the roll-call titles and
descriptions: normalised text, TF-IDF weighted words and word pairs, cosine similarity between
the roll calls of consecutive sessions, and a one-to-one greedy matching of the most similar
pairs above a threshold.
"""

from __future__ import annotations

import re

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import sparse

from comity.errors import BadInput

__all__ = ["find_repeated_resolutions"]

# Boilerplate that the UN Digital Library appends to titles, the chair's procedural phrases
# quoted in some descriptions (2000s), and words that carry no topic.
_BOILERPLATE = re.compile(
    r"resolution\s*/\s*adopted by the general assembl\w*|adopted by the general assembl\w*"
    r"|draft resolution(?: [ivxl]+\b)?|the (?:acting )?president\s*:|i shall now put to the ?vote"
    r"|may i take it that[^?.]*[?.]|separate,? recorded vote has been requested|it was so decided"
    r"|in accordance with rule \d+ of the rules of procedure"
)
#: Texts with fewer content words than this are too generic to match.
_MIN_WORDS = 3
_SYMBOL = re.compile(r"\b[a-z]{1,4}(?:/[a-z0-9.\-]+)+\b")  # A/71/251, R/44/47A, A/C.3/72/L.5
_NON_WORD = re.compile(r"[^a-z]+")
_STOPWORDS = frozenset(
    """a an and are as at be by for from has have in is it its of on or that the this to was were which
    with all any their its into other such shall should not no nor""".split()
)


def _normalise(text: str) -> list[str]:
    text = text.lower()
    text = _BOILERPLATE.sub(" ", text)
    text = _SYMBOL.sub(" ", text)
    return [word for word in _NON_WORD.sub(" ", text).split() if len(word) > 1 and word not in _STOPWORDS]


def _features(tokens: list[str], title: list[str]) -> list[str]:
    pairs = [f"{left}_{right}" for left, right in zip(tokens, tokens[1:], strict=False)]
    return tokens + pairs + [f"title:{word}" for word in title]


def _tfidf(documents: list[list[str]]) -> sparse.csr_matrix:
    """Rows: L2-normalised TF-IDF vectors (sublinear term frequency, smoothed idf)."""
    rows: list[int] = []
    terms: list[str] = []
    for row, document in enumerate(documents):
        rows.extend([row] * len(document))
        terms.extend(document)
    codes, vocabulary = pd.factorize(pd.Series(terms, dtype=object))
    counts = sparse.coo_matrix(
        (np.ones(len(codes)), (np.asarray(rows, dtype=np.int64), codes)),
        shape=(len(documents), len(vocabulary)),
    ).tocsr()
    counts.sum_duplicates()
    counts.data = 1.0 + np.log(counts.data)
    document_frequency = np.bincount(counts.indices, minlength=len(vocabulary))
    idf = np.log((1.0 + len(documents)) / (1.0 + document_frequency)) + 1.0
    weighted = counts @ sparse.diags(idf)
    norms = np.sqrt(np.asarray(weighted.multiply(weighted).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(sparse.diags(1.0 / norms) @ weighted)


def _greedy_pairs(similarity: npt.NDArray[np.float64], threshold: float) -> list[tuple[int, int, float]]:
    """One-to-one matching: take the most similar pair left, drop its row and column, repeat."""
    rows, cols = np.nonzero(similarity >= threshold)
    order = np.argsort(-similarity[rows, cols], kind="stable")
    used_rows: set[int] = set()
    used_cols: set[int] = set()
    pairs = []
    for k in order:
        row, col = int(rows[k]), int(cols[k])
        if row in used_rows or col in used_cols:
            continue
        used_rows.add(row)
        used_cols.add(col)
        pairs.append((row, col, float(similarity[row, col])))
    return pairs


def find_repeated_resolutions(
    roll_calls: pd.DataFrame,
    threshold: float = 0.6,
    max_session_gap: int = 1,
) -> pd.DataFrame:
    """Pairs of roll calls that look like the same resolution voted again in a later session.

    Parameters
    ----------
    roll_calls:
        One row per roll call with ``rcid``, ``session`` (or ``date``, whose year stands in for
        the session) and at least one of ``descr`` (description) and ``short`` (short title).
        Roll calls flagged as votes on an amendment or a paragraph (``amend``/``para`` = 1) are
        only matched with roll calls flagged the same way; texts with fewer than three content
        words (after dropping boilerplate and procedural phrases) are not matched.
    threshold:
        Smallest cosine similarity (0-1) of the TF-IDF vectors of two roll calls' texts.
    max_session_gap:
        Match a roll call with those up to this many sessions later.

    Returns
    -------
    DataFrame
        ``rcid1`` (earlier), ``rcid2`` (later), ``similarity``; each roll call appears at most
        once as ``rcid1`` and once as ``rcid2`` for each session gap.
    """
    if not isinstance(roll_calls, pd.DataFrame) or "rcid" not in roll_calls.columns:
        raise BadInput(
            "roll_calls must be a DataFrame with an 'rcid' column.",
            hint="Pass the roll-call table (rcid, session, short, descr) of the UN vote data.",
        )
    if not ({"descr", "short"} & set(roll_calls.columns)):
        raise BadInput(
            "roll_calls has neither a 'descr' nor a 'short' column to compare.",
            hint="Repeats are found from the roll-call descriptions; this table has none.",
        )
    if not (isinstance(threshold, int | float) and 0 < threshold <= 1):
        raise BadInput(f"threshold must be in (0, 1], not {threshold!r}.", hint="Use e.g. 0.6.")
    if not isinstance(max_session_gap, int) or max_session_gap < 1:
        raise BadInput(f"max_session_gap must be a positive integer, not {max_session_gap!r}.", hint="Use 1.")
    if "session" in roll_calls.columns:
        session = pd.to_numeric(roll_calls["session"], errors="coerce")
    elif "date" in roll_calls.columns:
        session = pd.to_numeric(roll_calls["date"].astype(str).str[:4], errors="coerce")
    else:
        raise BadInput("roll_calls needs a 'session' or a 'date' column.", hint="Add the session number.")
    if session.isna().any():
        first = roll_calls.index[session.isna().to_numpy()][0]
        raise BadInput(f"roll_calls has no session or date at row {first}.", hint="Fill in the session.")

    blank = pd.Series("", index=roll_calls.index)
    description = roll_calls["descr"] if "descr" in roll_calls.columns else blank
    title = roll_calls["short"] if "short" in roll_calls.columns else blank
    titles = title.fillna("").astype(str).tolist()
    words = [
        _normalise(f"{short} {descr}")
        for short, descr in zip(titles, description.fillna("").astype(str), strict=True)
    ]
    documents = [_features(text, _normalise(short)) for text, short in zip(words, titles, strict=True)]
    vectors = _tfidf(documents)
    empty = np.array([len(text) < _MIN_WORDS for text in words])
    kind = np.zeros(len(roll_calls), dtype=np.int64)
    for weight, column in ((1, "amend"), (2, "para")):
        if column in roll_calls.columns:
            flag = pd.to_numeric(roll_calls[column], errors="coerce").fillna(0).to_numpy()
            kind += weight * (flag > 0).astype(np.int64)

    sessions = session.to_numpy(dtype=float)
    rcids = roll_calls["rcid"].to_numpy()
    by_session = {value: np.flatnonzero((sessions == value) & ~empty) for value in np.unique(sessions)}
    found: list[tuple[object, object, float]] = []
    for value, earlier in by_session.items():
        for gap in range(1, max_session_gap + 1):
            later = by_session.get(value + gap)
            if later is None or len(earlier) == 0 or len(later) == 0:
                continue
            similarity = (vectors[earlier] @ vectors[later].T).toarray()
            similarity[kind[earlier][:, None] != kind[later][None, :]] = 0.0
            for row, col, score in _greedy_pairs(similarity, threshold):
                found.append((rcids[earlier[row]], rcids[later[col]], round(score, 6)))
    pairs = pd.DataFrame(found, columns=["rcid1", "rcid2", "similarity"])
    return pairs.sort_values(["rcid1", "rcid2"], ignore_index=True)
