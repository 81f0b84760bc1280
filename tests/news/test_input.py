"""Reading inputs: text, HTML, JSON lines, directories, stdin; bad files skipped with a reason."""

from __future__ import annotations

import io
import json
from pathlib import Path

from comity.news import NewsDoc, Pipeline
from comity.news._input import InputDoc, Skipped, decode_bytes, iter_documents, read_documents

ARTICLE = (
    "The UN General Assembly voted on Wednesday to demand that Russia withdraw its troops from Ukraine. "
    "China and India abstained, while Belarus, Eritrea, North Korea and Syria voted with Russia against it."
)


def _read(paths: list[str | Path], **kwargs: object) -> list[InputDoc | Skipped]:
    return list(iter_documents(paths, **kwargs))  # type: ignore[arg-type]


def test_input_txt_id_is_file_stem(tmp_path: Path) -> None:
    path = tmp_path / "unga-vote.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    [doc] = _read([path])
    assert isinstance(doc, InputDoc)
    assert doc.id == "unga-vote"
    assert doc.text == ARTICLE
    assert doc.meta["source_path"] == str(path)


def test_input_empty_file_skipped_with_reason(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.txt").write_bytes(b"  \n\t\n")
    results = _read([tmp_path / "empty.txt", tmp_path / "blank.txt"])
    assert all(isinstance(r, Skipped) and "empty" in r.reason for r in results)


def test_input_binary_file_skipped_with_reason(tmp_path: Path) -> None:
    (tmp_path / "image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    [result] = _read([tmp_path / "image.txt"])
    assert isinstance(result, Skipped)
    assert "binary" in result.reason
    assert result.source.endswith("image.txt")


def test_input_oversized_file_skipped_and_rest_still_read(tmp_path: Path) -> None:
    (tmp_path / "a-huge.txt").write_text("word " * 5000, encoding="utf-8")
    (tmp_path / "b-small.txt").write_text(ARTICLE, encoding="utf-8")
    results = _read([tmp_path], max_bytes=10_000)
    assert isinstance(results[0], Skipped) and "too large" in results[0].reason
    assert isinstance(results[1], InputDoc) and results[1].id == "b-small"


def test_input_wrong_encoding_detected(tmp_path: Path) -> None:
    text = "Le président français a déclaré à l'ONU que la résolution était « inacceptable » pour Moscou."
    (tmp_path / "latin.txt").write_bytes(text.encode("cp1252"))
    [doc] = _read([tmp_path / "latin.txt"])
    assert isinstance(doc, InputDoc)
    assert doc.text == text
    assert doc.meta["encoding"] == "cp1252"


def test_input_decode_bytes_reports_undecodable() -> None:
    assert decode_bytes(b"") == "empty file"
    assert isinstance(decode_bytes("Kyiv – Київ".encode()), tuple)


def test_input_html_main_text_kept_boilerplate_dropped(tmp_path: Path) -> None:
    page = f"""<!DOCTYPE html><html><head><title>UN Assembly demands Russia withdraw</title></head>
    <body><nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/login">Sign in</a></nav>
    <article><h1>UN Assembly demands Russia withdraw</h1><p>{ARTICLE}</p>
    <p>The resolution was adopted by 141 votes to 5, with 35 abstentions, after two days of debate.</p>
    </article><footer>Subscribe to our newsletter. Cookie settings. Copyright 2022 Example Media.</footer>
    </body></html>"""
    (tmp_path / "page.html").write_text(page, encoding="utf-8")
    [doc] = _read([tmp_path / "page.html"])
    assert isinstance(doc, InputDoc)
    assert doc.id == "page"
    assert "China and India abstained" in doc.text
    assert doc.text.startswith("UN Assembly demands Russia withdraw")
    assert "Subscribe to our newsletter" not in doc.text
    assert "Sign in" not in doc.text


def test_input_html_soup_still_read(tmp_path: Path) -> None:
    soup = f"<div><p>Unclosed <b>bold <p>{ARTICLE}<span>trailing</div></html"
    (tmp_path / "soup.htm").write_text(soup, encoding="utf-8")
    [doc] = _read([tmp_path / "soup.htm"])
    assert isinstance(doc, InputDoc)
    assert "voted on Wednesday" in doc.text
    assert "<p>" not in doc.text


def test_input_html_without_text_skipped(tmp_path: Path) -> None:
    (tmp_path / "blank.html").write_text(
        "<html><body><script>var x = 1;</script></body></html>", encoding="utf-8"
    )
    [result] = _read([tmp_path / "blank.html"])
    assert isinstance(result, Skipped)
    assert "HTML" in result.reason


def test_input_jsonl_bad_line_skipped_with_line_number(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": ARTICLE, "url": "https://example.org/a", "outlet": "Example"}),
        "{not json",
        json.dumps({"id": "b"}),
        "",
        json.dumps(["a", "list"]),
        json.dumps({"id": "c", "text": "Second text.", "published": "2022-03-02"}),
    ]
    (tmp_path / "batch.jsonl").write_text("\n".join(lines), encoding="utf-8")
    results = _read([tmp_path / "batch.jsonl"])
    docs = [r for r in results if isinstance(r, InputDoc)]
    skipped = [r for r in results if isinstance(r, Skipped)]
    assert [d.id for d in docs] == ["a", "c"]
    assert docs[0].meta["url"] == "https://example.org/a" and docs[0].meta["outlet"] == "Example"
    assert docs[1].meta["published"] == "2022-03-02"
    assert [s.line for s in skipped] == [2, 3, 5]
    assert "line 2" in str(skipped[0])


def test_input_directory_recursive_sorted_and_gold_json_ignored(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.txt").write_text("Second.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("First.", encoding="utf-8")
    (tmp_path / "a.json").write_text("{}", encoding="utf-8")
    (tmp_path / "notes.md").write_text("ignored", encoding="utf-8")
    results = _read([tmp_path])
    assert [r.id for r in results if isinstance(r, InputDoc)] == ["a", "b"]
    assert not [r for r in results if isinstance(r, Skipped)]


def test_input_missing_path_and_unsupported_file(tmp_path: Path) -> None:
    (tmp_path / "data.csv").write_text("a,b", encoding="utf-8")
    results = _read([tmp_path / "missing.txt", tmp_path / "data.csv"])
    assert isinstance(results[0], Skipped) and "no such file" in results[0].reason
    assert isinstance(results[1], Skipped) and "unsupported" in results[1].reason


def test_input_stdin_text_and_jsonl() -> None:
    [doc] = _read(["-"], stdin=io.BytesIO(ARTICLE.encode()))
    assert isinstance(doc, InputDoc) and doc.id == "stdin"
    stream = io.BytesIO(b'{"id": "x", "text": "One."}\n{"id": "y", "text": "Two."}\n')
    assert [d.id for d in _read(["-"], stdin=stream) if isinstance(d, InputDoc)] == ["x", "y"]


def test_input_read_documents_in_processes_equals_one_process(core: Pipeline) -> None:
    items = [InputDoc(f"d{i}", ARTICLE if i % 2 else "Beijing and Moscow said so.", {}) for i in range(12)]
    one = read_documents(items, pipeline=core, jobs=1)
    two = read_documents(items, pipeline=core, jobs=2, chunksize=2)
    assert all(isinstance(doc, NewsDoc) for doc in two)
    assert [d.id for d in two] == [d.id for d in one]
    assert [[m.entity_id for m in d.mentions] for d in two] == [
        [m.entity_id for m in d.mentions] for d in one
    ]
