"""How names are compared: case, accents, dots and spacing do not matter."""

from __future__ import annotations

import re
import unicodedata

__all__ = ["normalise_name"]

_DROP = re.compile(r"[.'’`´]")
_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalise_name(text: str) -> str:
    """The lookup key of a name: 'U.S.' -> 'us', 'Côte d’Ivoire' -> 'cote divoire'."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    stripped = stripped.replace("&", " and ")
    return _NON_WORD.sub(" ", _DROP.sub("", stripped)).strip()
