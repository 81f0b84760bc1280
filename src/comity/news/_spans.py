"""Items of a document looked up by position, in logarithmic time.

The event stages ask, for every sentence or every verb, "which mentions start in this window?".
A scan of every mention for every window costs the number of windows times the number of
mentions, which grows with the square of a document's length; :class:`SpanIndex` answers from
a sorted list of start offsets instead, so that a stage's work stays linear.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, TypeVar

__all__ = ["SpanIndex"]

T = TypeVar("T")


class SpanIndex(Generic[T]):
    """Items sorted by their start offset.

    Parameters
    ----------
    items:
        The items (in any order).
    start:
        Their start offset (default: the ``start`` attribute).
    """

    def __init__(self, items: Iterable[T], start: Callable[[T], int] | None = None) -> None:
        key: Callable[[T], int] = start if start is not None else _start_attr
        pairs = sorted(((key(item), index, item) for index, item in enumerate(items)), key=lambda p: p[:2])
        self.starts: list[int] = [p[0] for p in pairs]
        self.items: list[T] = [p[2] for p in pairs]

    def __len__(self) -> int:
        return len(self.items)

    def between(self, start: int, end: int) -> Sequence[T]:
        """The items that start in ``[start, end)``, in text order."""
        return self.items[bisect.bisect_left(self.starts, start) : bisect.bisect_left(self.starts, end)]

    def last_before(self, position: int, limit: int = 0) -> T | None:
        """The last item that starts before ``position`` and at or after ``limit``."""
        index = bisect.bisect_left(self.starts, position) - 1
        if index < 0 or self.starts[index] < limit:
            return None
        return self.items[index]


def _start_attr(item: object) -> int:
    value = getattr(item, "start")  # noqa: B009 - items of any type with a start offset
    assert isinstance(value, int)
    return value
