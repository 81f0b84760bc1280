"""Issue 13 at the HTTP API: dates out of range, the schema matches the server, 405 Allow,
a JSON upload without id, a damaged store."""

from __future__ import annotations

import os
import re
import shutil
from datetime import date
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from comity.store import Store
from comity.web import create_app

from .conftest import make_client
from .test_api import assert_error


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/api/bodies/UNSC/members?on=0000-01-01", 422),
        ("/api/bodies/UNSC/members?on=0001-01-01", 200),
        ("/api/bodies/UNSC/members?on=9999-12-31", 200),
        ("/api/actors/FRA/memberships?on=0000-12-31", 422),
        ("/api/bodies/UNSC/members?on=2021-02-30", 422),
    ],
)
def test_issue13_api_dates_out_of_range(client: httpx.Client, url: str, status: int) -> None:
    response = client.get(url)
    if status == 200:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, status)


def test_issue13_openapi_dates_and_years_are_what_the_server_accepts(app: FastAPI) -> None:
    schema = app.openapi()
    members = schema["paths"]["/api/bodies/{body_id}/members"]["get"]["parameters"]
    [on] = [p for p in members if p["name"] == "on"]
    pattern = re.compile(
        on["schema"]["anyOf"][0]["pattern"] if "anyOf" in on["schema"] else on["schema"]["pattern"]
    )
    assert pattern.match("2021-05-07") and pattern.match("founding") and pattern.match("today")
    for refused in ("2021", "2021-05", "yesterday", "0000-01-01", "2021-13-01"):
        assert not pattern.match(refused)
    years = schema["paths"]["/api/votes/blocs"]["get"]["parameters"]
    [year] = [p for p in years if p["name"] == "year"]
    assert year["schema"]["maximum"] == date.today().year + 1


def test_issue13_405_allow_lists_post(client: httpx.Client) -> None:
    response = client.put("/api/documents")
    assert_error(response, 405, "E405")
    assert set(response.headers["allow"].split(", ")) == {"GET", "HEAD", "POST"}


def test_issue13_json_upload_without_id_gets_a_derived_id(writable_db: Path) -> None:
    uploader = make_client(create_app(writable_db, upload_token="tok", precompute=False))
    text = "The Foreign Minister of Chile met his counterpart from Peru in Lima to talk about trade."
    response = uploader.post(
        "/api/documents",
        json={"text": text, "published": "2022-03-04T09:00:00Z"},
        headers={"authorization": "Bearer tok"},
    )
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["doc_id"].startswith("upload-")
    assert uploader.get(f"/api/documents/{body['doc_id']}").status_code == 200


def test_issue13_damaged_store_answers_503_e050(web_db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "damaged.duckdb"
    shutil.copyfile(web_db, copy)
    with Store.open(copy, read_only=True) as store:
        blocks = store.con.execute(
            "SELECT DISTINCT block_id FROM pragma_storage_info('facts') WHERE block_id >= 0"
        ).fetchall()
    with copy.open("r+b") as handle:
        for (block,) in blocks:
            handle.seek(3 * 4096 + int(block) * 262144 + 512)
            handle.write(os.urandom(2048))
    damaged = make_client(create_app(copy, precompute=False))
    response = damaged.get("/api/documents")  # counts each document's facts
    error = assert_error(response, 503, "E050")
    assert "damaged" in error["message"] and str(copy) not in response.text


# -- 3. web security ------------------------------------------------------------------------------------


def test_issue13_javascript_url_is_never_a_link(writable_db: Path) -> None:
    from comity.news import Pipeline, save_documents

    text = "The Prime Minister of Norway met the President of Finland in Oslo on Tuesday."
    with Store.open(writable_db, read_only=False) as store:
        doc = Pipeline().read(text, id="xss-doc", meta={"url": "javascript:alert(3)", "outlet": "Test"})
        save_documents(store, [doc])
    pages = make_client(create_app(writable_db, precompute=False))
    html = pages.get("/documents/xss-doc").text
    assert "javascript:alert(3)" in html  # shown as text,
    assert 'href="javascript' not in html.lower()  # never a link
    for story in pages.get("/api/stories").json()["items"]:
        if "xss-doc" in story.get("doc_ids", []):
            assert 'href="javascript' not in pages.get(story["url"]).text.lower()


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("https://example.org/a?b=1", True),
        ("http://example.org", True),
        ("javascript:alert(3)", False),
        (" JavaScript:alert(3)", False),
        ("java\tscript:alert(3)", False),
        ("data:text/html,<script>alert(1)</script>", False),
        ("//evil.example/x", False),
        ("https:///nohost", False),
        ("vbscript:msgbox", False),
    ],
)
def test_issue13_http_url_filter(url: str, kept: bool) -> None:
    from comity.web._security import http_url

    assert (http_url(url) is not None) is kept


def test_issue13_security_headers_on_pages_api_and_errors(client: httpx.Client) -> None:
    for path in ("/", "/api/status", "/no-such-page", "/static/comity.js"):
        response = client.get(path)
        csp = response.headers["content-security-policy"]
        assert "script-src 'self';" in csp and "'unsafe-eval'" not in csp and "frame-ancestors 'none'" in csp
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"


def test_issue13_docs_page_allows_its_inline_script_by_hash(client: httpx.Client) -> None:
    response = client.get("/docs")
    csp = response.headers["content-security-policy"]
    assert "'sha256-" in csp and "'unsafe-inline'" not in csp.split("script-src", 1)[1].split(";")[0]


def test_issue13_host_check_for_a_loopback_server(web_db: Path) -> None:
    from comity.web._security import allowed_hosts_for

    app = create_app(web_db, precompute=False, allowed_hosts=allowed_hosts_for("127.0.0.1"))
    local = make_client(app)
    for host in ("127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST"):
        assert local.get("/api/status", headers={"host": host}).status_code == 200, host
    refused = local.get("/api/status", headers={"host": "attacker.example:8000"})
    assert_error(refused, 421, "E421")
    assert "--allowed-host" in refused.json()["error"]["hint"]
    assert allowed_hosts_for("0.0.0.0") is None
    assert allowed_hosts_for("0.0.0.0", ["comity.example"]) == frozenset({"comity.example"})
    assert "comity.example" in (allowed_hosts_for("127.0.0.1", ["comity.example:8000"]) or ())
    assert allowed_hosts_for("127.0.0.1", ["*"]) is None


@pytest.mark.browser
@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="Debian's chromium is not installed")
def test_issue13_docs_page_runs_under_the_policy_in_a_browser(live_server: str) -> None:
    from playwright.sync_api import sync_playwright

    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        page = browser.new_page()
        page.on("console", lambda message: message.type == "error" and errors.append(message.text))
        page.goto(f"{live_server}/docs")
        page.wait_for_selector(".swagger-ui .opblock", timeout=30_000)
        browser.close()
    assert errors == []


# -- 5. reading and serving together --------------------------------------------------------------------


@pytest.mark.slow
def test_issue13_read_store_while_serve_runs(writable_db: Path, tmp_path: Path) -> None:
    """A real `comity serve` process, and `comity read --store` into its store: the read works and
    the new document shows in the web app; then `comity build` also works."""
    import subprocess
    import sys
    import time

    from .conftest import free_port

    port = free_port()
    env = {**os.environ, "COMITY_DB": str(writable_db)}
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "comity.cli",
            "serve",
            "--port",
            str(port),
            "--no-precompute",
            "--log-level",
            "warning",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=10) as http:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if http.get("/api/status").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
            assert http.get("/documents/while-serving").status_code == 404
            news = tmp_path / "while-serving.txt"
            news.write_text(
                "The Foreign Minister of Ghana met the Foreign Minister of Kenya in Accra on Friday.",
                encoding="utf-8",
            )
            started = time.monotonic()
            read = subprocess.run(
                [sys.executable, "-m", "comity.cli", "read", str(news), "--store"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert read.returncode == 0, read.stderr
            assert "stored 1 documents" in read.stderr
            while http.get("/documents/while-serving").status_code != 200:
                assert time.monotonic() - started < 60, "the new document never showed"
                time.sleep(0.3)
            page = http.get("/documents/while-serving").text
            assert "Ghana" in page
            build = subprocess.run(
                [sys.executable, "-m", "comity.cli", "build", "--no-votes"],
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert build.returncode == 0, build.stderr
            assert http.get("/api/status").status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=20)
