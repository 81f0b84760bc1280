"""Reading news documents from files, directories and stdin.

Accepted: ``.txt`` (any encoding, detected), ``.html``/``.htm`` (main text taken with trafilatura,
page boilerplate dropped, title kept), ``.jsonl`` (one document a line: ``id``, ``text`` and
optional ``url``, ``outlet``, ``published``; also compressed, ``.jsonl.gz`` and ``.jsonl.zst``),
``.parquet`` (one document a row: a text column and optional id and date columns), directories of
these (recursive, in sorted order) and ``-`` for stdin. JSON lines and Parquet files are streamed,
a line or a batch of rows at a time: the size limit applies to one document, never to the file,
and a corpus of any size is read in flat memory. A file that cannot be read (empty, binary, too
large, undecodable, a bad JSON line, a JSON document with a bad field) becomes a :class:`Skipped`
with the reason and where it is, and the rest are still read. ``published`` may be a date
(``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) or an ISO date-time (``2021-05-07T10:00:00Z``: the day as
written is kept). A NUL character anywhere (a raw byte or a JSON ``\\u0000``) marks an input as
binary, never text.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, BinaryIO

__all__ = [
    "DEFAULT_MAX_BYTES",
    "InputDoc",
    "ParquetColumns",
    "SUFFIXES",
    "Skipped",
    "decode_bytes",
    "input_kind",
    "iter_documents",
    "list_input_files",
    "normalise_published",
    "read_documents",
    "unique_documents",
]

#: Documents larger than this are skipped (a news page is a few kilobytes; 5 MB is a mistake). For
#: a text or HTML file the document is the file; for JSON lines and Parquet it is one line or row.
DEFAULT_MAX_BYTES = 5_000_000
#: File suffixes read from directories (other files there, such as gold ``.json``, are passed over).
SUFFIXES = (".txt", ".html", ".htm", ".jsonl", ".jsonl.gz", ".jsonl.zst", ".parquet")
# Bytes looked at for NUL characters before a JSON lines file is streamed: a binary file given a
# .jsonl name is refused whole instead of line by line.
_SNIFF_BYTES = 8192
# Rows of a Parquet file decoded at a time.
_PARQUET_BATCH = 1024
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
    #: What ``line`` counts: ``line`` (JSON lines) or ``row`` (Parquet).
    unit: str = "line"

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}, {self.unit} {self.line}"
        return f"skipped {where}: {self.reason}"


@dataclass(frozen=True)
class ParquetColumns:
    """The columns of a Parquet input that hold each document's text, id and publication date.

    A file without the ``id`` column gets ids ``<file stem>-<row>`` (1-based rows); the ``date``
    column is optional. ``url`` and ``outlet`` columns are kept when present.
    """

    text: str = "text"
    id: str = "id"
    date: str = "published"


def input_kind(path: Path) -> str | None:
    """The reader for a file name: ``txt``, ``html``, ``jsonl``, ``jsonl.gz``, ``jsonl.zst``, ``parquet``."""
    name = path.name.lower()
    for suffix in (".jsonl.gz", ".jsonl.zst"):
        if name.endswith(suffix):
            return suffix[1:]
    suffix = path.suffix.lower()
    if suffix in (".html", ".htm"):
        return "html"
    if suffix in (".txt", ".jsonl", ".parquet"):
        return suffix[1:]
    return None


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
    columns: ParquetColumns | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Iterator[InputDoc | Skipped]:
    """Read every document under ``paths``, yielding it or the reason it was skipped.

    Parameters
    ----------
    paths:
        Files, directories (read recursively in sorted order; only files with one of
        :data:`SUFFIXES` in them), or ``-`` for stdin (JSON lines when its first line is a JSON
        object, otherwise one text or HTML document).
    max_bytes:
        Larger documents are skipped: a text or HTML file, one JSON line, one Parquet row.
    stdin:
        The stream read for ``-`` (default ``sys.stdin.buffer``).
    columns:
        The column names of Parquet inputs (default :class:`ParquetColumns()`).
    on_bytes:
        Called with the number of input bytes (as stored on disk) consumed since its last call,
        for a progress bar.

    Yields
    ------
    InputDoc or Skipped
        In input order; JSON lines and Parquet rows are read as they are yielded.

    Examples
    --------
    >>> docs = [d for d in iter_documents(["corpus/"]) if isinstance(d, InputDoc)]  # doctest: +SKIP
    """
    report = on_bytes if on_bytes is not None else _ignore_bytes
    names = columns if columns is not None else ParquetColumns()
    for item in paths:
        if str(item) == "-":
            yield from _read_stdin(stdin if stdin is not None else sys.stdin.buffer, max_bytes)
            continue
        path = Path(item)
        if path.is_dir():
            files = list_input_files(path)
            if not files:
                yield Skipped(str(path), f"directory holds no {', '.join(SUFFIXES)} files")
            for file in files:
                yield from _read_file(file, max_bytes, names, report)
        elif path.is_file():
            yield from _read_file(path, max_bytes, names, report)
        elif path.exists():
            yield Skipped(str(path), "not a regular file")
        else:
            yield Skipped(str(path), "no such file or directory")


def list_input_files(directory: Path) -> list[Path]:
    """The files under ``directory`` that :func:`iter_documents` reads, in the order it reads them."""
    return sorted(p for p in directory.rglob("*") if p.is_file() and input_kind(p) is not None)


def _ignore_bytes(count: int) -> None:
    return None


def _read_stdin(stream: BinaryIO, max_bytes: int) -> Iterator[InputDoc | Skipped]:
    # JSON lines are streamed; anything else is one document, read whole up to the limit.
    head: list[bytes] = []
    first = b""
    while True:
        line = stream.readline(max_bytes + 1)
        head.append(line)
        if not line or line.strip():
            first = line.strip().removeprefix(b"\xef\xbb\xbf")
            break
    if first.startswith(b"{") and _is_json_object(first):
        buffered = io.BufferedReader(_Prefixed(b"".join(head), stream))
        yield from _parse_json_lines(buffered, "-", max_bytes, _ignore_bytes, None)
        return
    data = b"".join(head) + stream.read(max(max_bytes + 1 - sum(map(len, head)), 0))
    if len(data) > max_bytes:
        yield Skipped("-", f"input larger than {max_bytes:,} bytes; split it or raise --max-bytes")
        return
    decoded = decode_bytes(data)
    if isinstance(decoded, str):
        yield Skipped("-", decoded)
        return
    text, encoding = decoded
    if not text.strip():
        # str.strip() also removes the separators \x1c-\x1f, which bytes.strip() above keeps.
        yield Skipped("-", "empty input (white space only)")
    elif text.lstrip()[:15].lower().startswith(("<!doctype html", "<html")):
        yield from _parse_html(text, "stdin", "-", encoding)
    else:
        yield InputDoc("stdin", text, {"source_path": "-", "encoding": encoding})


def _is_json_object(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


class _Prefixed(io.RawIOBase):
    """A stream that gives ``prefix`` and then the rest of ``stream`` (stdin after a peek)."""

    def __init__(self, prefix: bytes, stream: BinaryIO) -> None:
        self._prefix = prefix
        self._stream = stream

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._prefix:
            size = min(len(view), len(self._prefix))
            view[:size] = self._prefix[:size]
            self._prefix = self._prefix[size:]
            return size
        data = self._stream.read(len(view))
        view[: len(data)] = data
        return len(data)


def _read_file(
    path: Path, max_bytes: int, columns: ParquetColumns, report: Callable[[int], None]
) -> Iterator[InputDoc | Skipped]:
    kind = input_kind(path)
    if kind is None:
        suffix = path.suffix.lower()
        yield Skipped(str(path), f"unsupported file type {suffix or '(none)'!r}; use {', '.join(SUFFIXES)}")
        return
    if kind.startswith("jsonl"):
        yield from _read_json_lines_file(path, kind, max_bytes, report)
        return
    if kind == "parquet":
        yield from _read_parquet(path, max_bytes, columns, report)
        return
    try:
        size = path.stat().st_size
        if size > max_bytes:
            report(size)
            yield Skipped(
                str(path), f"file too large ({size:,} bytes > {max_bytes:,}); split it or raise --max-bytes"
            )
            return
        data = path.read_bytes()
    except OSError as exc:
        yield Skipped(str(path), f"cannot read the file: {exc.strerror or exc}")
        return
    report(len(data))
    decoded = decode_bytes(data)
    if isinstance(decoded, str):
        yield Skipped(str(path), decoded)
        return
    text, encoding = decoded
    if kind == "html":
        yield from _parse_html(text, path.stem, str(path), encoding)
    elif not text.strip():
        yield Skipped(str(path), "empty file (white space only)")
    else:
        yield InputDoc(path.stem, text, {"source_path": str(path), "encoding": encoding})


def _read_json_lines_file(
    path: Path, kind: str, max_bytes: int, report: Callable[[int], None]
) -> Iterator[InputDoc | Skipped]:
    source = str(path)
    try:
        raw = path.open("rb", buffering=0)
    except OSError as exc:
        yield Skipped(source, f"cannot read the file: {exc.strerror or exc}")
        return
    with raw:
        stream: IO[bytes]
        if kind == "jsonl.gz":
            import gzip

            stream = gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[assignment]
        elif kind == "jsonl.zst":
            import zstandard

            stream = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw), 1 << 16)
        else:
            stream = io.BufferedReader(raw, 1 << 16)
        yield from _parse_json_lines(stream, source, max_bytes, report, raw)


def _parse_json_lines(
    stream: IO[bytes],
    source: str,
    max_bytes: int,
    report: Callable[[int], None],
    raw: IO[bytes] | None,
) -> Iterator[InputDoc | Skipped]:
    """Documents of a JSON lines stream, one line at a time; ``raw`` is the file read, for progress."""
    import zstandard

    number = 0
    found = False
    reported = 0
    try:
        head = stream.peek(_SNIFF_BYTES)[:_SNIFF_BYTES]  # type: ignore[attr-defined]
        if b"\x00" in head:
            yield Skipped(source, "binary file (contains NUL bytes), not text")
            return
        while True:
            line = stream.readline(max_bytes + 1)
            if not line:
                break
            number += 1
            if raw is not None and number % 64 == 0:
                position = raw.tell()
                report(position - reported)
                reported = position
            if len(line) > max_bytes and not line.endswith(b"\n"):
                size = len(line)
                while line and not line.endswith(b"\n"):
                    line = stream.readline(1 << 20)
                    size += len(line)
                found = True
                yield Skipped(
                    source,
                    f"document too large ({size:,} bytes > {max_bytes:,}); split it or raise --max-bytes",
                    line=number,
                )
                continue
            if number == 1:
                line = line.removeprefix(b"\xef\xbb\xbf")
            if not line.strip():
                continue
            found = True
            yield _json_line(line, source, number)
    except (OSError, EOFError, zstandard.ZstdError) as exc:
        where = f"after line {number}" if number else "at its start"
        yield Skipped(
            source, f"corrupt or truncated compressed data {where} ({exc}); the lines before it were read"
        )
        return
    finally:
        if raw is not None:
            try:
                report(raw.tell() - reported)
            except (OSError, ValueError):
                pass
    if not found:
        yield Skipped(source, "empty file (no JSON lines)")


def _json_line(line: bytes, source: str, number: int) -> InputDoc | Skipped:
    if b"\x00" in line:
        return Skipped(source, "the line contains a NUL character (binary data)", line=number)
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        # JSON should be UTF-8; a line in a legacy code page is still read, its encoding detected.
        decoded = decode_bytes(line)
        if isinstance(decoded, str):
            return Skipped(source, decoded.replace("file", "line"), line=number)
        text = decoded[0]
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        return Skipped(source, f"not valid JSON ({exc.msg} at column {exc.colno})", line=number)
    if not isinstance(record, dict):
        return Skipped(source, "a JSON line must be an object with 'id' and 'text'", line=number)
    return _record_to_doc(record, source, number, "line")


def _record_to_doc(record: dict[str, Any], source: str, number: int, unit: str) -> InputDoc | Skipped:
    """A document of one JSON line or Parquet row, or why it is skipped."""
    doc_id, body = record.get("id"), record.get("text")
    if not isinstance(doc_id, str | int) or isinstance(doc_id, bool) or not str(doc_id).strip():
        return Skipped(source, "missing or empty 'id' (a string)", line=number, unit=unit)
    if not isinstance(body, str) or not body.strip():
        return Skipped(source, f"document {doc_id!r} has a missing or empty 'text'", line=number, unit=unit)
    if "\x00" in body or "\x00" in str(doc_id):
        return Skipped(
            source, f"document {doc_id!r} contains a NUL character (binary data)", line=number, unit=unit
        )
    meta: dict[str, Any] = {"source_path": source, unit: number}
    for key in _META_KEYS:
        value = record.get(key)
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()
        elif value is not None and not isinstance(value, str):
            value = str(value)
        if value is not None and "\x00" in value:
            problem = f"its {key!r} contains a NUL character"
            return Skipped(source, f"document {str(doc_id)[:60]!r}: {problem}", line=number, unit=unit)
        if key == "published" and value is not None:
            published = normalise_published(value)
            if published is None:
                problem = (
                    f"its 'published' {value[:40]!r} is not a date "
                    "(use YYYY-MM-DD, YYYY-MM, YYYY or an ISO date-time such as 2021-05-07T10:00:00Z)"
                )
                return Skipped(source, f"document {str(doc_id)[:60]!r}: {problem}", line=number, unit=unit)
            value = published
        meta[key] = value
    return InputDoc(str(doc_id), body, meta)


def _read_parquet(
    path: Path, max_bytes: int, columns: ParquetColumns, report: Callable[[int], None]
) -> Iterator[InputDoc | Skipped]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    source = str(path)
    try:
        size = path.stat().st_size
        parquet = pq.ParquetFile(path)
    except (OSError, pa.ArrowException) as exc:
        yield Skipped(source, f"not a readable Parquet file ({str(exc).splitlines()[0][:200]})")
        return
    names = parquet.schema_arrow.names
    if columns.text not in names:
        yield Skipped(
            source,
            f"no text column {columns.text!r} (columns: {', '.join(names[:12])}); "
            "name the text column with --text-column",
        )
        return
    text_type = parquet.schema_arrow.field(columns.text).type
    if not (pa.types.is_string(text_type) or pa.types.is_large_string(text_type)):
        yield Skipped(source, f"the text column {columns.text!r} holds {text_type}, not text")
        return
    wanted = {
        "text": columns.text,
        "id": columns.id,
        "published": columns.date,
        "url": "url",
        "outlet": "outlet",
    }
    present = {key: name for key, name in wanted.items() if name in names}
    total_rows = max(parquet.metadata.num_rows, 1)
    number = 0
    reported = 0
    try:
        batches = parquet.iter_batches(batch_size=_PARQUET_BATCH, columns=sorted(set(present.values())))
        for batch in batches:
            values = {key: batch.column(name).to_pylist() for key, name in present.items()}
            for index in range(batch.num_rows):
                number += 1
                record = {key: column[index] for key, column in values.items()}
                if "id" not in present:
                    record["id"] = f"{path.stem}-{number}"
                text = record.get("text")
                if isinstance(text, str) and len(text) * 4 > max_bytes and len(text.encode()) > max_bytes:
                    yield Skipped(
                        source,
                        f"document too large ({len(text.encode()):,} bytes > {max_bytes:,}); "
                        "split it or raise --max-bytes",
                        line=number,
                        unit="row",
                    )
                    continue
                yield _record_to_doc(record, source, number, "row")
            position = size * number // total_rows
            report(position - reported)
            reported = position
    except (OSError, pa.ArrowException) as exc:
        yield Skipped(source, f"cannot read the Parquet file after row {number} ({str(exc)[:200]})")
        return
    if number == 0:
        yield Skipped(source, "empty Parquet file (no rows)")


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
        unit = "row" if item.meta.get("row") is not None else "line"
        if item.meta.get(unit) is not None:
            where += f", {unit} {item.meta[unit]}"
        if item.id in seen:
            yield Skipped(
                str(item.meta.get("source_path", "")),
                f"duplicate id {item.id[:60]!r} (first read from {seen[item.id]}); ids must be unique",
                line=item.meta.get(unit),
                unit=unit,
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
    import gc

    from comity.news._pipeline import Pipeline

    _WORKER_PIPELINE = Pipeline(stages)
    # The model, gazetteer and registry live as long as the worker: the garbage collector's
    # full passes need not walk them (about 2% of the time a document takes).
    gc.freeze()


def _run_in_worker(items: list[InputDoc]) -> list[Any]:
    return list(_WORKER_PIPELINE.pipe(_to_news_doc(item) for item in items))


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
        return list(reader.pipe(_to_news_doc(item) for item in items))
    import multiprocessing

    stages = list(pipeline.stage_names) if pipeline is not None else None
    # fork shares the loaded gazetteer and spaCy with the workers; spawn would rebuild them.
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    # Whole batches go to a worker, which reads each through the pipeline's batched stages.
    batches = [items[i : i + chunksize] for i in range(0, len(items), chunksize)]
    with multiprocessing.get_context(method).Pool(jobs, initializer=_init_worker, initargs=(stages,)) as pool:
        return [doc for batch in pool.imap(_run_in_worker, batches) for doc in batch]
