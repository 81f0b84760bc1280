"""Literal prefilters: a cheap answer "no match" for large case-insensitive patterns.

The event stages search every sentence with large alternations compiled with ``re.IGNORECASE``.
Such a search tries each alternative at each position of the sentence, and most sentences hold
none of the pattern's words: the search ends with no match after its most expensive work. A
:class:`Prefiltered` pattern first looks for its *keys* -- lower-case literals, one of which
every string the pattern matches holds -- with ``in`` over the lower-cased text, which costs a
small fraction of the search; only where a key is found is the pattern searched. The answer is
the pattern's own: a prefilter never changes what is found, only skips searches that would find
nothing.

The keys are written beside each pattern and must be kept with it (every alternative of the
pattern holds one of them, ignoring case); the tests check them against the corpus.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["FOLD_EXCEPTIONS", "AtEnd", "Prefiltered", "folded", "has_fold_exception", "holds_key"]

#: The characters ``re.IGNORECASE`` matches with an ASCII letter that ``str.lower`` does not turn
#: into that letter (or turns into two characters): dotted capital I, dotless i, long s, and the
#: Kelvin sign. A text that holds one is not folded (its patterns are always searched).
FOLD_EXCEPTIONS = "\u0130\u0131\u017f\u212a"


def has_fold_exception(text: str) -> bool:
    """Whether ``text`` holds one of :data:`FOLD_EXCEPTIONS` (then ``text.lower()`` holding no
    key does not rule out a case-insensitive match)."""
    return not text.isascii() and any(char in text for char in FOLD_EXCEPTIONS)


def folded(text: str) -> str | None:
    """``text`` lower-cased with the same length and offsets, for :meth:`Prefiltered.search`;
    None when the text holds one of :data:`FOLD_EXCEPTIONS`."""
    return None if has_fold_exception(text) else text.lower()


def holds_key(folded_text: str | None, start: int, end: int, keys: Iterable[str]) -> bool:
    """Whether ``text[start:end]`` may hold one of ``keys`` (lower-case literals), ignoring case
    as ``re.IGNORECASE`` does. True when the text was not folded (nothing is ruled out)."""
    if folded_text is None:
        return True
    window = folded_text[start:end]
    for key in keys:  # a loop: a third cheaper than any() over a generator
        if key in window:
            return True
    return False


class Prefiltered:
    """A compiled pattern with the literal keys one of which each of its matches holds.

    Parameters
    ----------
    pattern:
        A compiled pattern (usually with ``re.IGNORECASE``).
    keys:
        Lower-case ASCII literals (no whitespace): every string ``pattern`` matches holds one of
        them, ignoring case.
    """

    def __init__(self, pattern: re.Pattern[str], keys: Iterable[str]) -> None:
        self.pattern = pattern
        self.keys = tuple(keys)
        for key in self.keys:
            if not key.isascii() or key != key.lower() or any(char.isspace() for char in key):
                raise ValueError(f"a prefilter key must be lower-case ASCII without spaces: {key!r}")

    def search(self, text: str, start: int, end: int, folded_text: str | None) -> re.Match[str] | None:
        """``pattern.search(text, start, end)``, skipped when no key is in the span.

        ``folded_text`` is :func:`folded` of ``text`` (or None: always search)."""
        if not holds_key(folded_text, start, end, self.keys):
            return None
        return self.pattern.search(text, start, end)


class AtEnd:
    """A pattern that matches only at the end of a text (then nothing but white space follows),
    with every ending its matches can have before that white space.

    The people stage tests such patterns on the 80 characters before each name. A regex search
    tries every one of them as the start of a match; ``str.endswith`` on the text without its
    trailing white space rules out nearly all texts at once, and only the rest are searched.
    The endings are case-sensitive: the pattern must be too.
    """

    def __init__(self, pattern: str, endings: tuple[str, ...]) -> None:
        if not endings or any(not ending or ending != ending.strip() for ending in endings):
            raise ValueError(f"endings must be non-empty and without surrounding white space: {endings!r}")
        self.pattern = re.compile(pattern)
        self.endings = endings

    def search(self, text: str) -> re.Match[str] | None:
        """``self.pattern.search(text)``, skipped when the text does not end as a match can."""
        if not text.rstrip().endswith(self.endings):
            return None
        return self.pattern.search(text)
