"""Presentation helpers of the API's answers: pages of a list, rounded numbers."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Page", "paginate", "round_floats"]


@dataclass(frozen=True)
class Page:
    """One page of a list: the rows, and the total before paging."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int

    def body(self, **extra: Any) -> dict[str, Any]:
        return {**extra, "total": self.total, "limit": self.limit, "offset": self.offset, "items": self.items}


def paginate(records: Sequence[dict[str, Any]], limit: int, offset: int) -> Page:
    """Cut a list of records to one page."""
    return Page(list(records[offset : offset + limit]), len(records), limit, offset)


def round_floats(records: list[dict[str, Any]], digits: int = 4) -> list[dict[str, Any]]:
    """Round the floats of ``records`` (in place) for display; NaN is left as it is."""
    for record in records:
        for key, value in record.items():
            if isinstance(value, float) and not np.isnan(value):
                record[key] = round(value, digits)
    return records
