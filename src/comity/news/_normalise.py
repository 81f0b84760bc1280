"""The normalise stage: one spelling for quote marks, dashes and spaces; no markup or mojibake.

Every later stage matches patterns written for plain ASCII punctuation, so the stage maps
curly, angled and low quote marks to ``"`` and ``'``, the dash family to ``-`` (a spaced dash
stays spaced), every kind of space to `` `` (line breaks are kept), drops zero-width
characters, decodes HTML entities, turns block markup into line breaks, drops other tags and
lines of page debris ("Advertisement"), and repairs mojibake with ftfy when the text looks
broken. It keeps, for every character of the new text, its offset in the raw text, so that
facts can be traced to the text as published (:meth:`NewsDoc.raw_span`).
"""

from __future__ import annotations

import html
import re

from comity.news._doc import NewsDoc
from comity.news._pipeline import stage

__all__ = ["normalise", "normalise_text"]

_QUOTE_CHARS = {
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\u2033": '"',
    "\u301d": '"',
    "\u301e": '"',
    "\uff02": '"',
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2039": "'",
    "\u203a": "'",
    "\u0060": "'",
    "\u00b4": "'",
    "\uff07": "'",
}
_DASH_CHARS = dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d", "-")
_SPACE_CHARS = dict.fromkeys(
    "\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000\t\f\v",
    " ",
)
_DROP_CHARS = dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad", "")
_CHAR_MAP: dict[str, str] = {
    **_QUOTE_CHARS,
    **_DASH_CHARS,
    **_SPACE_CHARS,
    **_DROP_CHARS,
    "\r": "",
    "\u2026": "...",
    "\u2022": "\n",
}

_BLOCK_TAG = (
    r"</?(?:br|p|div|li|ul|ol|h[1-6]|tr|td|th|table|blockquote|section|article|header|footer)\b[^<>]*>"
)
# Some pages double up typewriter apostrophes after line-break markup ("<br />''"); they
# are debris, not quote marks.
_TOKEN = re.compile(
    r"(?P<block>(?:" + _BLOCK_TAG + r")(?:[ \t\u00a0]*'')?)"
    r"|(?P<tag></?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>|<!--.*?-->)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});)"
    r"|(?P<char>[" + re.escape("".join(_CHAR_MAP)) + r"])",
    re.DOTALL,
)
_DEBRIS_LINE = re.compile(
    r"^[ \t]*(?:Advertisement|ADVERTISEMENT|Advertisements?|Sponsored(?: Content)?|Skip to (?:main )?content"
    r"|(?:Click|Tap) here[^\n]{0,60}|Read more:?|Read More:?|READ MORE:?|Share this( article| story)?:?"
    r"|Subscribe(?: now| to our newsletter)?[^\n]{0,40}|Follow us on[^\n]{0,40}|\d+ of \d+ \|?"
    r"|Share|Tweet|Email|Print|Comments?|Loading\.\.\.|(?:Also )?Read:?"
    r"|Recommended|Related(?: Articles| Stories| News)?:?|Top Stories)[ \t]*$",
    re.MULTILINE,
)
_MOJIBAKE_HINT = re.compile(
    "[\u00c2\u00c3\u00c5\u00e2][\u0080-\u00bf\u20ac\u201a-\u203a\u0152\u0153\u0160\u0161\u017d\u017e\u0178\u02c6\u02dc]"
)
_SPACE_RUN = re.compile(r"(?<=\S) {2,}(?=\S)")


def _fix_mojibake(raw: str) -> tuple[str, list[int]]:
    """Repair mojibake line by line with ftfy; offsets map each new line proportionally."""
    try:
        import ftfy
    except ImportError:  # ftfy is optional: without it mojibake stays as it is
        return raw, list(range(len(raw) + 1))
    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for line in raw.splitlines(keepends=True):
        fixed = ftfy.fix_text(line, normalization="NFC") if _MOJIBAKE_HINT.search(line) else line
        if fixed == line:
            offsets.extend(range(position, position + len(line)))
        else:
            span = len(line)
            offsets.extend(position + (index * span) // max(len(fixed), 1) for index in range(len(fixed)))
        pieces.append(fixed)
        position += len(line)
    offsets.append(len(raw))
    return "".join(pieces), offsets


def normalise_text(raw: str) -> tuple[str, list[int]]:
    """Normalise ``raw``; return the new text and, per character (plus the end), its raw offset.

    Examples
    --------
    >>> text, offsets = normalise_text("\u201cYes\u201d \u2013 she&nbsp;said")
    >>> text
    '"Yes" - she said'
    """
    source, base = raw, list(range(len(raw) + 1))
    if _MOJIBAKE_HINT.search(raw):
        source, base = _fix_mojibake(raw)

    pieces: list[str] = []
    offsets: list[int] = []
    position = 0
    for match in _TOKEN.finditer(source):
        start, end = match.span()
        if start > position:
            pieces.append(source[position:start])
            offsets.extend(base[position:start])
        kind = match.lastgroup
        if kind == "block":
            replacement = "\n"
        elif kind == "tag":
            replacement = ""
        elif kind == "entity":
            replacement = html.unescape(match.group())
            replacement = "".join(_CHAR_MAP.get(char, char) for char in replacement)
        else:
            replacement = _CHAR_MAP[match.group()]
        pieces.append(replacement)
        offsets.extend(base[start] for _ in replacement)
        position = end
    pieces.append(source[position:])
    offsets.extend(base[position : len(source)])
    text = "".join(pieces)

    # Drop debris lines and collapse runs of spaces inside a line, keeping the map aligned.
    removals = [m.span() for m in _DEBRIS_LINE.finditer(text)]
    removals.extend((m.start() + 1, m.end()) for m in _SPACE_RUN.finditer(text))
    if removals:
        removals.sort()
        keep_text: list[str] = []
        keep_offsets: list[int] = []
        position = 0
        for start, end in removals:
            if start < position:
                start = position
            if start > position:
                keep_text.append(text[position:start])
                keep_offsets.extend(offsets[position:start])
            position = max(position, end)
        keep_text.append(text[position:])
        keep_offsets.extend(offsets[position:])
        text, offsets = "".join(keep_text), keep_offsets
    offsets.append(len(raw))
    return text, offsets


@stage("comity.normalise.v1", requires=["doc.raw"], assigns=["doc.text"])
def normalise(doc: NewsDoc) -> NewsDoc:
    """Normalise ``doc.raw`` into ``doc.text`` and keep the offset map."""
    doc.text, doc.offsets = normalise_text(doc.raw)
    return doc
