"""Issue 14 at the HTTP level: every chart links to a CSV and a JSON of exactly its rows, with a
source line and a cite link; gaps in a series are gaps; bad parameters keep the votes page; hints
show commands as code; a document without outlet is not named by its id."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

import httpx
import pytest

from comity.news import outlet_label as outlet_of
from comity.web._pages import _extend, code_spans

from .conftest import wait_for_ideal_points
from .test_api import assert_error

GOF = "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"


def charts_of(page: str) -> dict[str, dict[str, Any]]:
    """Each chart of a page: its spec, its CSV, JSON and cite links and its source line."""
    out: dict[str, dict[str, Any]] = {}
    for figure in re.findall(r'<figure class="chart-box">(.*?)</figure>', page, re.S):
        key = re.search(r'id="data-(\w+)"', figure)
        assert key, figure[:200]
        spec = re.search(r'<script type="application/json" id="data-\w+">(.*?)</script>', figure, re.S)
        assert spec
        links = {
            name: html.unescape(href)
            for name, href in re.findall(r'class="(download-csv|download-json|cite)" href="([^"]+)"', figure)
        }
        source = re.search(r'<span class="source">(.*?)</span>', figure, re.S)
        out[key.group(1)] = {
            "spec": json.loads(spec.group(1).replace("<\\/", "</")),
            "source": html.unescape(source.group(1)) if source else "",
            **links,
        }
    return out


def csv_rows(client: httpx.Client, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    return list(csv.DictReader(io.StringIO(response.text)))


def points(spec: dict[str, Any]) -> dict[tuple[str, int], float]:
    """The drawn points of a lines chart (gap points left out)."""
    return {
        (name, x): y
        for name, s in spec["series"].items()
        for x, y in zip(s["x"], s["y"], strict=True)
        if y is not None
    }


@pytest.fixture(scope="module")
def ready(client: httpx.Client) -> httpx.Client:
    wait_for_ideal_points(client)
    return client


def check_links(client: httpx.Client, chart: dict[str, Any], licence: bool = True) -> None:
    assert chart["download-json"].startswith("/api/")
    json_url = chart["download-json"]
    assert chart["download-csv"] == json_url + ("&" if "?" in json_url else "?") + "format=csv"
    assert client.get(chart["download-json"]).status_code == 200
    assert chart["source"].startswith("Source: ")
    if licence:
        assert "licence: " in chart["source"]
    if "cite" in chart:
        bib = client.get(chart["cite"])
        assert bib.status_code == 200 and bib.text.lstrip().startswith("@"), bib.text[:200]


def test_issue14_votes_page_downloads_give_the_chart_rows(ready: httpx.Client) -> None:
    page = ready.get("/votes?states=USA,CHN,ZAF")
    assert page.status_code == 200
    charts = charts_of(page.text)
    assert set(charts) == {"ideal", "blocs"}
    ideal = charts["ideal"]
    check_links(ready, ideal)
    assert "unvotes" in ideal["source"] and "MIT" in ideal["source"]
    rows = csv_rows(ready, ideal["download-csv"])
    drawn = points(ideal["spec"])
    assert len(rows) == len(drawn) > 30
    for row in rows:
        assert drawn[(row["iso3"], int(row["year"]))] == pytest.approx(float(row["ideal"]), abs=1e-4)
    blocs = charts["blocs"]
    check_links(ready, blocs)
    rows = csv_rows(ready, blocs["download-csv"])
    assert [(r["iso3"], int(r["bloc"])) for r in rows] == [
        (r["iso3"], r["bloc"]) for r in blocs["spec"]["rows"]
    ]


def test_issue14_actor_page_downloads_give_the_chart_rows(ready: httpx.Client) -> None:
    charts = charts_of(ready.get("/actors/ZAF").text)
    assert {"memberships", "alignment", "ideal"} <= set(charts)
    alignment = charts["alignment"]
    check_links(ready, alignment)
    rows = csv_rows(ready, alignment["download-csv"])
    drawn = points(alignment["spec"])
    assert len(rows) == len(drawn) > 100
    for row in rows:
        other = row["iso3_b"] if row["iso3_a"] == "ZAF" else row["iso3_a"]
        assert drawn[(other, int(row["year"]))] == pytest.approx(float(row["agree"]), abs=1e-4)
    spells = charts["memberships"]
    check_links(ready, spells)
    assert "Correlates of War" in spells["source"]
    rows = csv_rows(ready, spells["download-csv"])
    assert [(r["other"], r["start_date"]) for r in rows if r["start_date"]] == [
        (r["id"], r["start"]) for r in spells["spec"]["rows"]
    ]


def test_issue14_suspension_is_a_gap(ready: httpx.Client) -> None:
    """South Africa did not vote in the General Assembly from 1974 to 1993 (its credentials were
    rejected): its alignment line is broken there, not drawn straight across."""
    spec = charts_of(ready.get("/actors/ZAF").text)["alignment"]["spec"]
    usa = spec["series"]["USA"]
    drawn_years = [x for x, y in zip(usa["x"], usa["y"], strict=True) if y is not None]
    assert not [y for y in drawn_years if 1975 <= y <= 1993]
    before = max(y for y in drawn_years if y < 1980)
    gap = usa["x"].index(before + 1)
    assert usa["y"][gap] is None


def test_issue14_extend_marks_missing_years() -> None:
    series: dict[str, list[Any]] = {"x": [], "y": [], "se": []}
    for year, value in [(1970, 0.5), (1971, 0.4), (1995, 0.3)]:
        _extend(series, year, y=value, se=0.1)
    assert series == {
        "x": [1970, 1971, 1972, 1995],
        "y": [0.5, 0.4, None, 0.3],
        "se": [0.1, 0.1, None, 0.1],
    }


def test_issue14_coalition_page_downloads(ready: httpx.Client) -> None:
    charts = charts_of(ready.get(f"/coalitions/{GOF}").text)
    assert {"members", "cohesion", "heatmap"} <= set(charts)
    cohesion = charts["cohesion"]
    check_links(ready, cohesion)
    rows = csv_rows(ready, cohesion["download-csv"])
    assert [int(r["year"]) for r in rows] == [r["year"] for r in cohesion["spec"]["rows"]]
    assert [float(r["ai"]) for r in rows] == pytest.approx(
        [r["ai"] for r in cohesion["spec"]["rows"]], abs=1e-4
    )
    heat = charts["heatmap"]
    check_links(ready, heat)
    rows = csv_rows(ready, heat["download-csv"])
    states = heat["spec"]["states"]
    assert len(rows) == len(states) ** 2
    for row in rows:
        value = heat["spec"]["z"][states.index(row["state_a"])][states.index(row["state_b"])]
        if value is None:
            assert row["agree"] == ""
        else:
            assert float(row["agree"]) == pytest.approx(value)


def test_issue14_cite_endpoint(client: httpx.Client) -> None:
    body = client.get("/api/cite?files=unvotes_votes,bsv_matches").json()
    assert [c["key"] for c in body["items"]] == ["voeten_dataverse", "unvotes_package", "bsv_2017"]
    assert_error(client.get("/api/cite?files=no_such_file"), 422)


def test_issue14_votes_page_keeps_a_bad_year(ready: httpx.Client) -> None:
    page = ready.get("/votes?year=1800")
    assert page.status_code == 200
    assert re.search(r'<input name="year"[^>]*value="1800"', page.text)
    assert 'id="year-error"' in page.text and "1946 to" in page.text
    assert "ideal" in charts_of(page.text)
    page = ready.get("/votes?year=not-a-year")
    assert page.status_code == 200 and 'id="year-error"' in page.text


def test_issue14_votes_page_keeps_an_unknown_state(ready: httpx.Client) -> None:
    page = ready.get("/votes?states=USA,Narnia,CHN")
    assert page.status_code == 200
    assert 'value="USA,Narnia,CHN"' in page.text
    assert re.search(r'class="note">State &#39;Narnia&#39;', page.text)
    spec = charts_of(page.text)["ideal"]["spec"]
    assert sorted(spec["series"]) == ["CHN", "USA"]


def test_issue14_hints_show_commands_as_code(client: httpx.Client) -> None:
    assert str(code_spans("read them with `comity read` <now>")) == (
        "read them with <code>comity read</code> &lt;now&gt;"
    )
    assert str(code_spans("a lone ` stays")) == "a lone ` stays"
    page = client.get("/documents/no-such-document", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "`" not in page.text.split("<main", 1)[-1]
    assert "<code>comity read</code>" in page.text


def test_issue14_outlet_is_never_the_document_id() -> None:
    assert outlet_of({"doc_id": "seed-003", "outlet": None, "url": None}) == "outlet not given"
    assert (
        outlet_of({"doc_id": "seed-003", "outlet": "", "url": "https://www.example.org/a"}) == "example.org"
    )
    assert outlet_of({"doc_id": "x", "outlet": "Press TV"}) == "Press TV"


def tables_of(page: str) -> dict[str, dict[str, str]]:
    """Each table's download paragraph: its CSV, JSON and cite links and its source line."""
    out: dict[str, dict[str, str]] = {}
    found = re.findall(r'<p class="chart-source table-source" data-table="(\w+)">(.*?)</p>', page, re.S)
    for key, body in found:
        links = {
            name: html.unescape(href)
            for name, href in re.findall(r'class="(download-csv|download-json|cite)" href="([^"]+)"', body)
        }
        source = re.search(r'<span class="source">(.*?)</span>', body, re.S)
        out[key] = {"source": html.unescape(source.group(1)) if source else "", **links}
    return out


def test_issue14_person_roles_table_has_downloads(ready: httpx.Client) -> None:
    page = ready.get("/actors/kofi_annan")
    assert page.status_code == 200
    table = tables_of(page.text)["roles"]
    assert table["download-csv"] == table["download-json"] + "?format=csv"
    assert table["source"].startswith("Source: comity registry")
    rows = csv_rows(ready, table["download-csv"])
    shown = re.search(r"<h2>Roles</h2>\s*<table>(.*?)</table>", page.text, re.S)
    assert shown
    cells = re.findall(r"<tr><td>([^<]+)</td>", shown.group(1))
    assert len(rows) == len(cells) >= 1
    assert [r["role"] for r in rows] == [html.unescape(c) for c in cells]
    body = ready.get(table["download-json"]).json()
    assert body["actor_id"] == "kofi_annan" and body["total"] == len(rows)
    assert ready.get("/api/actors/kofi_annan").json()["links"]["roles"] == "/api/actors/kofi_annan/roles"
    # Each role row links the page it was compiled from.
    assert all(r["source_ref"].startswith("http") for r in rows)
    assert_error(ready.get("/api/actors/nobody_at_all_xyz/roles"), 404, "E010")


@pytest.mark.parametrize(
    "url",
    ["/actors/USA", "/actors/kofi_annan", "/actors/ZAF?with=USA", f"/coalitions/{GOF}", "/votes", "STORY"],
)
def test_issue14_every_table_and_chart_has_downloads_and_a_source(ready: httpx.Client, url: str) -> None:
    if url == "STORY":
        url = "/stories/" + ready.get("/api/stories").json()["items"][0]["story_id"]
    page = ready.get(url).text
    tables = tables_of(page)
    # Every table of data (the API index page aside) is followed by its downloads.
    assert page.count("<table") == len(tables), url
    for table in tables.values():
        check_links(ready, table, licence=False)
        assert "cite" in table, (url, table["source"])
    for chart in charts_of(page).values():
        check_links(ready, chart, licence=False)
        assert "cite" in chart, chart["source"]


def test_issue14_speaker_names_are_the_news_library_s() -> None:
    from comity.news import speaker_names

    person = {
        "id": "a_person",
        "name": "A Person",
        "type": "person",
        "aliases": {"alias": ["A. Person"], "x": ["no"]},
    }
    assert speaker_names(person) == ["A Person", "A. Person", "a_person"]
    state = {"id": "FRA", "name": "France", "type": "state", "aliases": {"alias": ["French Republic"]}}
    assert speaker_names(state) == ["FRA", "France"]


def test_issue14_story_documents_are_cited_one_entry_each(ready: httpx.Client) -> None:
    story = ready.get("/api/stories").json()["items"][0]["story_id"]
    rows = ready.get("/api/documents", params={"story": story, "limit": 500}).json()["items"]
    answer = ready.get("/api/documents", params={"story": story, "limit": 500, "format": "bibtex"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    entries = [e for e in answer.text.split("\n\n") if e.strip()]
    assert len(entries) == len(rows) >= 1
    for entry, row in zip(entries, rows, strict=True):
        assert entry.startswith("@misc{") and row["doc_id"] in entry
        if row.get("url"):
            assert row["url"] in entry
