"""Reading news documents from files, directories and stdin.

Accepted: ``.txt`` (any encoding, detected), ``.html``/``.htm`` (main text taken with trafilatura,
page boilerplate dropped, title kept), ``.jsonl`` (one document a line: ``id``, ``text`` and
optional ``url``, ``outlet``, ``published``), directories of these (recursive, in sorted order)
and ``-`` for stdin. A file that cannot be read (empty, binary, too large, undecodable, a bad JSON
line, a JSON document with a bad field) becomes a :class:`Skipped` with the reason and where it
is, and the rest are still read. ``published`` may be a date (``YYYY``, ``YYYY-MM``,
``YYYY-MM-DD``) or an ISO date-time (``2021-05-07T10:00:00Z``: the day as written is kept).
A NUL character anywhere (a raw byte or a JSON ``\\u0000``) marks an input as binary, never text.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

__all__ = [
    "DEFAULT_MAX_BYTES",
    "InputDoc",
    "SUFFIXES",
    "Skipped",
    "decode_bytes",
    "iter_documents",
    "normalise_published",
    "read_documents",
    "unique_documents",
]

#: Files larger than this are skipped (a news page is a few kilobytes; 5 MB is a mistake).
DEFAULT_MAX_BYTES = 5_000_000
#: File suffixes read from directories (other files there, such as gold ``.json``, are passed over).
SUFFIXES = (".txt", ".html", ".htm", ".jsonl")
_META_KEYS = ("url", "outlet", "published")
# Share of control characters (other than tab, newline, carriage return, form feed) above which
# decoded text is taken to be binary data that happened to decode.
_MAX_CONTROL_SHARE = 0.01


@dataclass
class InputDoc:
    """A document as read, before the pipeline.

    Attributes
    ----------
    id:
        The file stem, the JSON line's ``id``, or ``stdin``.
    text:
        The text (for HTML, the title and the main text).
    meta:
        ``source_path`` always; ``url``, ``outlet``, ``published``, ``title``, ``encoding`` when known.
    """

    id: str
    text: str
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class Skipped:
    """An input that was not read, and why.

    Attributes
    ----------
    source:
        The path (or ``-``) it came from.
    reason:
        What is wrong with it, in words a user can act on.
    line:
        For JSON lines, the 1-based line number.
    """

    source: str
    reason: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}, line {self.line}"
        return f"skipped {where}: {self.reason}"


def decode_bytes(data: bytes) -> tuple[str, str] | str:
    """Decode a text file's bytes, detecting the encoding.

    Returns
    -------
    tuple[str, str] or str
        ``(text, encoding)``, or a reason (str) why the bytes are not text.
    """
    if not data.strip():
        return "empty file"
    # Anywhere, not only at the start: a NUL is never part of a news text, and a store or a page
    # must not receive one that was hidden after the first block.
    if b"\x00" in data:
        return "binary file (contains NUL bytes), not text"
    try:
        return data.decode("utf-8-sig"), "utf-8"
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    matches = list(from_bytes(data))
    if not matches:
        return "cannot detect the text encoding (binary or corrupt data)"
    best = matches[0]
    # Short Western texts decode equally well in several code pages; Windows-1252 is by far the
    # most common one for English news, so it wins a tie.
    for match in matches:
        if "cp1252" in match.could_be_from_charset and (match.chaos, -match.coherence) <= (
            best.chaos,
            -best.coherence,
        ):
            best = match
            break
    text = str(best)
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > _MAX_CONTROL_SHARE * len(text):
        return "binary file (control characters), not text"
    return text, best.encoding


def iter_documents(
    paths: Iterable[str | Path],
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    stdin: BinaryIO | None = None,
) -> Iterator[InputDoc | Skipped]:
    """Read every document under ``paths``, yielding it or the reason it was skipped.

    Parameters
    ----------
    paths:
        Files, directories (read recursively in sorted order; only ``.txt``, ``.html``,
        ``.htm`` and ``.jsonl`` files in them), or ``-`` for stdin (plain text, or JSON lines
        when every line is a JSON object).
    max_bytes:
        Larger files are skipped.
    stdin:
        The stream read for ``-`` (default ``sys.stdin.buffer``).

    Yields
    ------
    InputDoc or Skipped
        In input order.

    Examples
    --------
    >>> docs = [d for d in iter_documents(["corpus/"]) if isinstance(d, InputDoc)]  # doctest: +SKIP
    """
    for item in paths:
        if str(item) == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes)
            continue
        path = Path(item)
        if path.is_dir():
            files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUFFIXES)
            if not files:
                yield Skipped(str(path), f"directory holds no {', '.join(SUFFIXES)} files")
            for file in files:
                yield from _read_file(file, max_bytes)
        elif path.is_file():
            yield from _read_file(path, max_bytes)
        elif path.exists():
            yield Skipped(str(path), "not a regular file")
        else:
            yield Skipped(str(path), "no such file or directory")


def _read_stdin(stream: BinaryIO, max_bytes: int) -> Iterator[InputDoc | Skipped]:
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        yield Skipped("-", f"input larger than {max_bytes:,} bytes; split it or raise --max-bytes")
        return
    decoded = decode_bytes(data)
    if isinstance(decoded, str):
        yield Skipped("-", decoded)
        return
    text, encoding = decoded
    lines = [line for line in text.splitlines() if line.strip()]
    if lines and all(line.lstrip().startswith("{") for line in lines):
        yield from _parse_jsonl(text, "-")
    elif text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        yield from _parse_html(text, "stdin", "-", encoding)
    else:
        yield InputDoc("stdin", text, {"source_path": "-", "encoding": encoding})


def _read_file(path: Path, max_bytes: int) -> Iterator[InputDoc | Skipped]:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        yield Skipped(str(path), f"unsupported file type {suffix or '(none)'!r}; use {', '.join(SUFFIXES)}")
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            yield Skipped(
                str(path), f"file too large ({size:,} bytes > {max_bytes:,}); split it or raise --max-bytes"
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot read the file: {exc.strerror or exc}")
        return
    decoded = decode_bytes(data)
    if isinstance(decoded, str):
        yield Skipped(str(path), decoded)
        return
    text, encoding = decoded
    if suffix == ".jsonl":
        yield from _parse_jsonl(text, str(path))
    elif suffix in (".html", ".htm"):
        yield from _parse_html(text, path.stem, str(path), encoding)
    elif not text.strip():
        yield Skipped(str(path), "empty file (white space only)")
    else:
        yield InputDoc(path.stem, text, {"source_path": str(path), "encoding": encoding})


def _parse_jsonl(text: str, source: str) -> Iterator[InputDoc | Skipped]:
    found = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        found = True
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            yield Skipped(source, f"not valid JSON ({exc.msg} at column {exc.colno})", line=number)
            continue
        if not isinstance(record, dict):
            yield Skipped(source, "a JSON line must be an object with 'id' and 'text'", line=number)
            continue
        doc_id, body = record.get("id"), record.get("text")
        if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or not str(doc_id).strip():
            yield Skipped(source, "missing or empty 'id' (a string)", line=number)
            continue
        if not isinstance(body, str) or not body.strip():
            yield Skipped(source, f"document {doc_id!r} has a missing or empty 'text'", line=number)
            continue
        if "\x00" in body or "\x00" in str(doc_id):
            yield Skipped(source, f"document {doc_id!r} contains a NUL character (binary data)", line=number)
            continue
        meta: dict[str, Any] = {"source_path": source, "line": number}
        problem = None
        for key in _META_KEYS:
            value = record.get(key)
            if value is not None and not isinstance(value, str):
                value = str(value)
            if value is not None and "\x00" in value:
                problem = f"its {key!r} contains a NUL character"
                break
            if key == "published" and value is not None:
                published = normalise_published(value)
                if published is None:
                    problem = (
                        f"its 'published' {value[:40]!r} is not a date "
                        "(use YYYY-MM-DD, YYYY-MM, YYYY or an ISO date-time such as 2021-05-07T10:00:00Z)"
                    )
                    break
                value = published
            meta[key] = value
        if problem is not None:
            yield Skipped(source, f"document {str(doc_id)[:60]!r}: {problem}", line=number)
            continue
        yield InputDoc(str(doc_id), body, meta)
    if not found:
        yield Skipped(source, "empty file (no JSON lines)")


_DATE_ONLY = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")


def normalise_published(value: str) -> str | None:
    """A publication date as ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, or None if it is not one.

    ISO date-times (``2021-05-07T10:00:00Z``, ``2021-05-07 10:00+02:00``) give their day as
    written: the page's own calendar day, not the day in UTC. Years before 1 or after 9999 and
    days that cannot exist are refused, as are words such as ``yesterday`` (nothing to resolve
    them against).
    """
    text = value.strip()
    if not text:
        return None
    try:
        if _DATE_ONLY.match(text):
            if len(text) == 4:
                return text if int(text) >= 1 else None
            if len(text) == 7:
                dt.date(int(text[:4]), int(text[5:7]), 1)
                return text
            return dt.date.fromisoformat(text).isoformat()
        return dt.datetime.fromisoformat(text).date().isoformat()
    except ValueError:
        return None


def unique_documents(items: Iterable[InputDoc | Skipped]) -> Iterator[InputDoc | Skipped]:
    """Pass inputs through, turning a second document with an id already seen into a :class:`Skipped`.

    Ids key the store: two documents of one batch with the same id would silently replace each
    other. The first one is kept, and the report says where the duplicate is and where the first
    came from.
    """
    seen: dict[str, str] = {}
    for item in items:
        if isinstance(item, Skipped):
            yield item
            continue
        where = str(item.meta.get("source_path", ""))
        if item.meta.get("line") is not None:
            where += f", line {item.meta['line']}"
        if item.id in seen:
            yield Skipped(
                str(item.meta.get("source_path", "")),
                f"duplicate id {item.id[:60]!r} (first read from {seen[item.id]}); ids must be unique",
                line=item.meta.get("line"),
            )
            continue
        seen[item.id] = where
        yield item


def _parse_html(html: str, doc_id: str, source: str, encoding: str) -> Iterator[InputDoc | Skipped]:
    import trafilatura

    extracted = trafilatura.bare_extraction(html, include_comments=False, with_metadata=True)
    record: dict[str, Any] = {}
    if extracted is not None:
        record = extracted.as_dict() if hasattr(extracted, "as_dict") else dict(extracted)
    body = (record.get("text") or "").strip()
    if not body:
        # Pages too short or too broken for trafilatura's main-text detection: keep all text.
        body = (trafilatura.html2txt(html) or "").strip()
    if not body:
        yield Skipped(source, "HTML page without readable text")
        return
    title = (record.get("title") or "").strip()
    published = record.get("date")
    if published is not None:
        # trafilatura's guess from the page; one it cannot vouch for is dropped, not the page.
        published = normalise_published(str(published))
    text = f"{title}\n\n{body}" if title and not body.startswith(title) else body
    meta: dict[str, Any] = {
        "source_path": source,
        "encoding": encoding,
        "title": title or None,
        "url": record.get("url"),
        "outlet": record.get("sitename"),
        "published": published,
    }
    yield InputDoc(doc_id, text, meta)


def _to_news_doc(item: InputDoc) -> Any:
    from comity.news._doc import NewsDoc

    return NewsDoc(id=item.id, raw=item.text, text=item.text, meta=dict(item.meta))


_WORKER_PIPELINE: Any = None


def _init_worker(stages: list[str] | None) -> None:
    global _WORKER_PIPELINE
    from comity.news._pipeline import Pipeline

    _WORKER_PIPELINE = Pipeline(stages)


def _run_in_worker(item: InputDoc) -> Any:
    return _WORKER_PIPELINE(_to_news_doc(item))


def read_documents(
    items: Iterable[InputDoc],
    *,
    pipeline: Any = None,
    jobs: int = 1,
    chunksize: int = 64,
) -> list[Any]:
    """Run the reader over input documents, in ``jobs`` processes.

    Parameters
    ----------
    items:
        Documents from :func:`iter_documents` (skipped inputs filtered out beforehand).
    pipeline:
        A :class:`~comity.news.Pipeline` (default: all default stages). With ``jobs > 1`` each
        worker builds a pipeline of the same stages.
    jobs:
        Worker processes; 1 reads in this process.
    chunksize:
        Documents sent to a worker at a time.

    Returns
    -------
    list of NewsDoc
        In input order.
    """
    from comity.news._pipeline import Pipeline

    items = list(items)
    if jobs <= 1 or len(items) < 2 * chunksize:
        reader = pipeline if pipeline is not None else Pipeline()
        return [reader(_to_news_doc(item)) for item in items]
    import multiprocessing

    stages = list(pipeline.stage_names) if pipeline is not None else None
    # fork shares the loaded gazetteer and spaCy with the workers; spawn would rebuild them.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    with multiprocessing.get_context(method).Pool(jobs, initializer=_init_worker, initargs=(stages,)) as pool:
        return list(pool.imap(_run_in_worker, items, chunksize=chunksize))
