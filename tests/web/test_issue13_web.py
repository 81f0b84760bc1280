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
