"""The JSON API on the real shipped data: every endpoint, its bad parameters, the one error shape."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from comity.registry import Registry
from comity.store import Store
from comity.web import create_app
from comity.web._service import WebData

from .conftest import make_client, wait_for_ideal_points

GOF = "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"


def assert_error(response: httpx.Response, status: int, code: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "hint"}
    assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    assert "Traceback" not in response.text
    if code is not None:
        assert body["error"]["code"] == code
    error: dict[str, Any] = body["error"]
    return error


# -- registry ----------------------------------------------------------------------------------------


def test_api_status_counts_the_store(client: httpx.Client) -> None:
    body = client.get("/api/status").json()
    assert body["read_only"] is True
    assert body["counts"]["states"] > 190
    assert body["counts"]["votes"] > 500_000
    assert body["parts"] == {"registry": True, "news": True, "votes": True, "uploads": False}


def test_api_search_finds_a_capital(client: httpx.Client) -> None:
    body = client.get("/api/search", params={"q": "Beijing"}).json()
    assert body["items"][0]["id"] == "CHN"
    assert body["items"][0]["url"] == "/actors/CHN"
    assert body["query"] == "Beijing"


def test_api_search_pages(client: httpx.Client) -> None:
    first = client.get("/api/search", params={"q": "united", "limit": 3}).json()
    second = client.get("/api/search", params={"q": "united", "limit": 3, "offset": 3}).json()
    assert len(first["items"]) == 3
    assert {h["id"] for h in first["items"]}.isdisjoint({h["id"] for h in second["items"]})


def test_api_actor_resolves_names_and_links(client: httpx.Client) -> None:
    body = client.get("/api/actors/Beijing").json()
    assert body["id"] == "CHN" and body["type"] == "state"
    assert body["matched"] == {"text": "Beijing", "as": "capital"}
    assert body["links"]["page"] == "/actors/CHN"
    who = client.get("/api/actors/WHO").json()
    assert who["is_body"] is True
    assert who["links"]["members"] == "/api/bodies/WHO/members"


def test_api_actor_kind_settles_a_shared_id(client: httpx.Client) -> None:
    # A bare shared id means the state (as in the registry); the type settles it the other way.
    assert client.get("/api/actors/NAM").json()["type"] == "state"
    movement = client.get("/api/actors/NAM", params={"type": "organisation"}).json()
    assert (movement["id"], movement["name"]) == ("NAM", "Non-Aligned Movement")
    assert movement["links"]["page"] == "/actors/NAM?type=organisation"
    assert_error(client.get("/api/actors/NAM", params={"type": "planet"}), 422, "E030")


def test_api_actor_unknown_gives_404_with_close_matches(client: httpx.Client) -> None:
    error = assert_error(client.get("/api/actors/Frannce"), 404, "E010")
    assert "France (FRA)" in error["message"]


def test_api_members_of_the_security_council_on_a_day(client: httpx.Client) -> None:
    body = client.get("/api/bodies/UNSC/members", params={"on": "2021-05-07"}).json()
    assert body["total"] == 15
    members = {m["actor_id"] for m in body["items"]}
    assert {
        "CHN",
        "FRA",
        "GBR",
        "RUS",
        "USA",
        "EST",
        "IND",
        "IRL",
        "KEN",
        "MEX",
        "NER",
        "NOR",
        "TUN",
        "VCT",
        "VNM",
    } == members
    assert all(m["source_id"] for m in body["items"])
    assert body["coverage"]["status"] == "complete"


def test_api_members_kinds_and_coverage(client: httpx.Client) -> None:
    full = client.get("/api/bodies/UN/members", params={"on": "2020-01-01", "limit": 500}).json()
    assert full["total"] == 193 and {m["kind"] for m in full["items"]} == {"member"}
    more = client.get(
        "/api/bodies/UN/members", params={"on": "2020-01-01", "limit": 500, "kind": "observer"}
    ).json()
    assert more["total"] == 195
    every = client.get("/api/bodies/UN/members", params={"on": "2020-01-01", "all_kinds": "true"}).json()
    assert every["total"] == 195
    council = client.get("/api/bodies/UNSC/members", params={"on": "2031-01-01"}).json()
    assert council["coverage"]["status"] == "unknown"
    ended = client.get("/api/bodies/JCPOA/members", params={"on": "2026-12-01"}).json()
    assert ended["total"] == 0
    assert (ended["coverage"]["status"], ended["coverage"]["known_to"]) == ("ended", "2025-10-18")
    assert_error(client.get("/api/bodies/UN/members", params={"kind": "friend"}), 422, "E030")


def test_api_members_paginate(client: httpx.Client) -> None:
    everything = client.get("/api/bodies/UN/members", params={"on": "2020-01-01", "limit": 500}).json()
    first = client.get("/api/bodies/UN/members", params={"on": "2020-01-01", "limit": 50}).json()
    second = client.get(
        "/api/bodies/UN/members", params={"on": "2020-01-01", "limit": 50, "offset": 50}
    ).json()
    beyond = client.get("/api/bodies/UN/members", params={"on": "2020-01-01", "offset": 5000}).json()
    assert everything["total"] == first["total"] == second["total"] >= 193
    assert [m["actor_id"] for m in first["items"] + second["items"]] == [
        m["actor_id"] for m in everything["items"][:100]
    ]
    assert beyond["items"] == [] and beyond["total"] == everything["total"]


def test_api_timeline_of_the_us_in_the_who(client: httpx.Client) -> None:
    body = client.get("/api/actors/USA/timeline", params={"body": "WHO"}).json()
    events = [(e["date"][:4], e["action"]) for e in body["items"]]
    assert ("2020", "notify_withdrawal") in events and ("2020", "announce_withdrawal") in events
    assert ("2021", "rescind_withdrawal") in events
    assert any(
        year in ("2025", "2026") and action in ("withdraw", "announce_withdrawal") for year, action in events
    )
    assert all(e["source_id"] for e in body["items"])


def test_api_memberships_of_a_state(client: httpx.Client) -> None:
    body = client.get("/api/actors/FRA/memberships", params={"on": "2020-06-01", "limit": 500}).json()
    bodies = {m["body_id"] for m in body["items"]}
    assert {"UN", "NATO", "EU"} <= bodies


def test_api_coalition_lists_its_founders(client: httpx.Client) -> None:
    body = client.get(f"/api/coalitions/{GOF}").json()
    assert body["id"] == GOF
    founders = {s["other"] for s in body["items"]}
    assert "PSE" in founders and len(founders) >= 17
    assert all(s["start_date"] for s in body["items"])


def test_api_coalition_of_a_state_is_an_error(client: httpx.Client) -> None:
    assert_error(client.get("/api/coalitions/FRA"), 404, "E010")


# -- news --------------------------------------------------------------------------------------------


def test_api_stories_and_their_reconciled_facts(client: httpx.Client) -> None:
    stories = client.get("/api/stories").json()
    assert stories["total"] >= 5
    seed = next(s for s in stories["items"] if "seed-000" in s["doc_ids"])
    story = client.get(f"/api/stories/{seed['story_id']}").json()
    assert story["n_documents"] == len(story["documents"]) >= 2
    coalitions = [f for f in story["facts"] if f["fact_type"] == "coalition"]
    assert coalitions and max(f["support"] for f in coalitions) >= 2
    for fact in story["facts"]:
        assert 1 <= fact["support"] <= story["n_documents"]
        assert set(fact["documents"]) <= {d["doc_id"] for d in story["documents"]}


def test_api_document_facts_carry_spans_into_its_text(client: httpx.Client) -> None:
    doc = client.get("/api/documents/seed-003").json()
    quotes = [f for f in doc["facts"] if f["fact_type"] == "quote"]
    assert quotes
    for fact in quotes:
        assert (
            doc["text"][fact["start_char"] : fact["end_char"]]
            .strip()
            .startswith(fact["payload"]["text"][:20])
        )
    only = client.get("/api/documents/seed-003/facts", params={"type": "quote", "limit": 2}).json()
    assert only["total"] == len(quotes) and len(only["items"]) == min(2, len(quotes))


def test_api_documents_filter_by_story(client: httpx.Client) -> None:
    all_docs = client.get("/api/documents", params={"limit": 500}).json()
    story = all_docs["items"][0]["story_id"]
    some = client.get("/api/documents", params={"story": story}).json()
    assert 0 < some["total"] < all_docs["total"]
    assert {d["story_id"] for d in some["items"]} == {story}


def test_api_quotes_of_a_person_and_of_their_state(client: httpx.Client) -> None:
    russia = client.get("/api/actors/RUS/quotes").json()
    assert any(q["speaker"] == "Sergey Lavrov" for q in russia["items"])
    for quote in russia["items"]:
        assert quote["document_url"].startswith(f"/documents/{quote['doc_id']}")


# -- votes -------------------------------------------------------------------------------------------


def _agreement_by_hand(web_db: Path, a: str, b: str, year: int) -> float:
    with Store.open(web_db, read_only=True) as store:
        frame = store.query(
            """SELECT va.vote = vb.vote AS same FROM votes va JOIN votes vb USING (rcid)
               JOIN roll_calls r USING (rcid)
               WHERE va.iso3 = ? AND vb.iso3 = ? AND r.year = ? AND r.source_id IN ('unvotes', 'unvotes2020')
                 AND va.vote IN ('yes', 'no', 'abstain') AND vb.vote IN ('yes', 'no', 'abstain')""",
            [a, b, year],
        )
    return float(frame["same"].mean())


def test_api_alignment_matches_a_hand_count(client: httpx.Client, web_db: Path) -> None:
    body = client.get("/api/votes/alignment", params={"states": "USA,China", "from": 2015, "to": 2023}).json()
    assert body["states"] == ["USA", "CHN"]
    rows = {r["year"]: r for r in body["items"]}
    assert sorted(rows) == list(range(2015, 2024))
    assert rows[2019]["agree"] == pytest.approx(_agreement_by_hand(web_db, "USA", "CHN", 2019), abs=1e-4)


def test_api_alignment_pooled_with_a_measure(client: httpx.Client) -> None:
    body = client.get(
        "/api/votes/alignment",
        params={"states": "USA,CHN,RUS", "by": "all", "from": 1991, "measure": "kappa"},
    ).json()
    assert body["total"] == 3
    assert all("kappa" in r and "year" not in r for r in body["items"])


def test_api_agreement_matrix_is_symmetric(client: httpx.Client) -> None:
    body = client.get("/api/votes/agreement", params={"year": 2019, "states": "USA,CHN,RUS,FRA"}).json()
    matrix = body["matrix"]
    assert body["states"] == ["USA", "CHN", "RUS", "FRA"]
    for i in range(4):
        assert matrix[i][i] == pytest.approx(1.0)
        for j in range(4):
            assert matrix[i][j] == pytest.approx(matrix[j][i])


def test_api_cohesion_of_a_coalition_against_random_groups(client: httpx.Client) -> None:
    body = client.get(
        "/api/votes/cohesion", params={"group": GOF, "from": 2018, "to": 2023, "draws": 200}
    ).json()
    assert body["group"] == GOF
    years = [r["year"] for r in body["items"]]
    assert years == list(range(2018, 2024))
    for row in body["items"]:
        assert 0 <= row["ai_random_lo"] <= row["ai_random_hi"] <= 1
        assert 0 <= row["ai_percentile"] <= 100


def test_api_blocs_of_a_year(client: httpx.Client) -> None:
    body = client.get("/api/votes/blocs", params={"year": 2022}).json()
    assert body["year"] == 2022
    states = {r["iso3"] for r in body["blocs"]}
    assert len(states) > 150
    assert body["stability"]["previous"] == 2021
    assert 0 <= body["stability"]["ari"] <= 1
    assert all(m["bloc"] != m["previous_bloc"] for m in body["movers"])
    bloc_of = {r["iso3"]: r["bloc"] for r in body["blocs"]}
    assert bloc_of["USA"] != bloc_of["CHN"] or len(set(bloc_of.values())) == 1


def test_api_ideal_points_put_the_usa_positive(client: httpx.Client) -> None:
    wait_for_ideal_points(client)
    body = client.get("/api/votes/ideal", params={"states": "USA,CHN", "from": 2020}).json()
    rows = body["items"]
    assert {r["iso3"] for r in rows} == {"USA", "CHN"}
    assert all(r["year"] >= 2020 for r in rows)
    usa = {r["year"]: r["ideal"] for r in rows if r["iso3"] == "USA"}
    chn = {r["year"]: r["ideal"] for r in rows if r["iso3"] == "CHN"}
    assert all(usa[y] > 0 > chn[y] for y in usa if y in chn and y < 2024)


# -- errors ------------------------------------------------------------------------------------------

FAILURES = [
    ("/api/actors/Atlantis", 404, "E010"),
    ("/api/actors/Atlantis/timeline", 404, "E010"),
    ("/api/actors/Atlantis/memberships", 404, "E010"),
    ("/api/actors/Atlantis/quotes", 404, "E010"),
    ("/api/actors/USA/timeline?body=NOPE_ORG", 404, "E010"),
    ("/api/bodies/NOPE_ORG/members", 404, "E010"),
    ("/api/coalitions/NOPE_ORG", 404, "E010"),
    ("/api/stories/no-such-story", 404, "E010"),
    ("/api/documents/no-such-doc", 404, "E010"),
    ("/api/documents/no-such-doc/facts", 404, "E010"),
    ("/api/bodies/UNSC/members?on=2021-02-30", 422, "E020"),
    ("/api/bodies/UNSC/members?on=yesterday", 422, "E030"),  # refused by the schema pattern
    ("/api/actors/FRA/memberships?on=2021-13", 422, "E030"),
    ("/api/search", 422, "E030"),
    ("/api/search?q=", 422, "E030"),
    ("/api/search?q=x&limit=0", 422, "E030"),
    ("/api/search?q=x&limit=many", 422, "E030"),
    ("/api/bodies/UN/members?offset=-1", 422, "E030"),
    ("/api/documents/seed-000/facts?type=rumour", 422, "E030"),
    ("/api/votes/alignment", 422, "E030"),
    ("/api/votes/alignment?states=USA", 422, "E030"),
    ("/api/votes/alignment?states=USA,Atlantis", 404, "E010"),
    ("/api/votes/alignment?states=USA,CHN&measure=vibes", 422, "E030"),
    ("/api/votes/alignment?states=USA,CHN&issue=zz", 422, "E030"),
    ("/api/votes/alignment?states=USA,CHN&from=2020&to=2010", 422, "E030"),
    ("/api/votes/alignment?states=USA,CHN&from=1800", 422, "E030"),
    ("/api/votes/agreement?states=USA,CHN", 422, "E030"),
    ("/api/votes/agreement?year=2019&states=USA,XKX", 422, "E030"),
    ("/api/votes/cohesion?group=USA", 422, "E030"),
    ("/api/votes/cohesion?group=GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER&draws=1", 422, "E030"),
    ("/api/votes/blocs", 422, "E030"),
    ("/api/votes/blocs?year=1900", 422, "E030"),
    ("/api/votes/blocs?year=2022&resolution=0", 422, "E030"),
    ("/api/votes/ideal?states=USA&from=abc", 422, "E030"),
    ("/api/no/such/endpoint", 404, "E404"),
]


@pytest.mark.parametrize(("url", "status", "code"), FAILURES)
def test_api_error_shape_on_every_failure(client: httpx.Client, url: str, status: int, code: str) -> None:
    error = assert_error(client.get(url), status, code)
    assert error["hint"]


def test_api_validation_error_says_what_is_wrong(client: httpx.Client) -> None:
    error = assert_error(client.get("/api/search", params={"q": "x", "limit": 900}), 422, "E030")
    assert "'limit'" in error["message"] and "50" in error["message"]


def test_api_wrong_method_has_the_error_shape(client: httpx.Client) -> None:
    assert_error(client.delete("/api/actors/USA"), 405, "E405")


def test_api_internal_error_is_e500_without_traceback(
    client: httpx.Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: WebData, actor: str, body: str | None) -> None:
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(WebData, "timeline", broken)
    response = client.get("/api/actors/NOR/timeline", params={"body": "NATO", "limit": 7})
    assert_error(response, 500, "E500")
    assert "secret internal detail" not in response.text


def test_api_votes_missing_from_the_store_give_503(registry: Registry) -> None:
    app = create_app(registry.store, precompute=False)
    with make_client(app) as bare:
        assert_error(bare.get("/api/votes/alignment", params={"states": "USA,CHN"}), 503, "E503")
        assert_error(bare.get("/api/votes/ideal"), 503, "E503")
        assert bare.get("/api/actors/USA").status_code == 200
        assert bare.get("/api/stories").json()["total"] == 0


# -- documents and the API description ---------------------------------------------------------------


def test_api_openapi_lists_every_endpoint(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for path in (
        "/api/search",
        "/api/actors/{actor_id}",
        "/api/bodies/{body_id}/members",
        "/api/actors/{actor_id}/timeline",
        "/api/stories/{story_id}",
        "/api/documents/{doc_id}",
        "/api/votes/alignment",
        "/api/votes/cohesion",
        "/api/votes/blocs",
        "/api/votes/ideal",
    ):
        assert path in paths
    assert "post" in paths["/api/documents"]


def test_api_docs_are_served_without_a_cdn(client: httpx.Client) -> None:
    page = client.get("/docs")
    assert page.status_code == 200
    assert "cdn." not in page.text and "https://" not in page.text.split("<body>")[0]
    for asset in (
        "/assets/swagger/swagger-ui-bundle.js",
        "/assets/swagger/swagger-ui.css",
        "/assets/plotly.min.js",
    ):
        assert client.get(asset).status_code == 200


# -- uploads -----------------------------------------------------------------------------------------

TEXT = (
    'Russian Foreign Minister Sergey Lavrov said on Friday: "The United Nations must remain the centre of '
    'the world order." The United States withdrew from the World Health Organization in 2020.'
)


def test_api_upload_is_off_without_a_token(client: httpx.Client) -> None:
    response = client.post(
        "/api/documents",
        content=TEXT,
        headers={"content-type": "text/plain", "authorization": "Bearer guess"},
    )
    assert_error(response, 403, "E403")


@pytest.fixture
def uploader(writable_db: Path) -> httpx.Client:
    app = create_app(writable_db, upload_token="s3cret-token", precompute=False)
    return make_client(app)


def test_api_upload_refuses_a_missing_token(uploader: httpx.Client) -> None:
    response = uploader.post("/api/documents", content=TEXT, headers={"content-type": "text/plain"})
    assert_error(response, 401, "E401")
    assert response.headers["www-authenticate"] == "Bearer"


def test_api_upload_refuses_a_wrong_token(uploader: httpx.Client) -> None:
    response = uploader.post(
        "/api/documents",
        content=TEXT,
        headers={"content-type": "text/plain", "authorization": "Bearer wrong"},
    )
    assert_error(response, 403, "E403")


def test_api_upload_refuses_a_large_body(uploader: httpx.Client) -> None:
    response = uploader.post(
        "/api/documents",
        content=b"a" * 1_000_001,
        headers={"content-type": "text/plain", "authorization": "Bearer s3cret-token"},
    )
    assert_error(response, 413, "E413")


def test_api_upload_refuses_other_content_types(uploader: httpx.Client) -> None:
    response = uploader.post(
        "/api/documents",
        content=b"\x89PNG\r\n",
        headers={"content-type": "image/png", "authorization": "Bearer s3cret-token"},
    )
    assert_error(response, 415, "E415")


def test_api_upload_refuses_a_path_as_id(uploader: httpx.Client) -> None:
    response = uploader.post(
        "/api/documents",
        params={"id": "../../etc/passwd"},
        content=TEXT,
        headers={"content-type": "text/plain", "authorization": "Bearer s3cret-token"},
    )
    assert_error(response, 422, "E030")


def test_api_upload_reads_and_stores_a_document(uploader: httpx.Client) -> None:
    headers = {"content-type": "text/plain; charset=utf-8", "authorization": "Bearer s3cret-token"}
    response = uploader.post("/api/documents", params={"id": "lavrov-note"}, content=TEXT, headers=headers)
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["doc_id"] == "lavrov-note"
    quotes = body["document"]["quotes"]
    assert quotes and quotes[0]["speaker"] == "Sergey Lavrov"
    stored = uploader.get("/api/documents/lavrov-note").json()
    assert any(f["fact_type"] == "quote" for f in stored["facts"])
    again = uploader.post("/api/documents", params={"id": "lavrov-note"}, content=TEXT, headers=headers)
    assert again.status_code == 201
    assert uploader.get("/api/documents/lavrov-note").json()["facts"] == stored["facts"]


def test_api_upload_reads_json(uploader: httpx.Client) -> None:
    payload = {"id": "json-note", "text": TEXT, "outlet": "Example Wire", "published": "2021-05-07"}
    response = uploader.post("/api/documents", json=payload, headers={"authorization": "Bearer s3cret-token"})
    assert response.status_code == 201, response.text
    doc = uploader.get("/api/documents/json-note").json()
    assert doc["outlet"] == "Example Wire" and doc["published"] == "2021-05-07"


def test_pages_home_offers_the_starting_coalitions(client: httpx.Client) -> None:
    page = client.get("/").text
    assert 'href="/coalitions/GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"' in page


def test_pages_shared_id_shows_the_body_when_asked(client: httpx.Client) -> None:
    page = client.get("/actors/NAM", params={"type": "organisation"}).text
    assert "Non-Aligned Movement" in page
    coalition = client.get("/api/coalitions/NAM").json()
    assert coalition["name"] == "Non-Aligned Movement"
    assert all(item["name"] != "Non-Aligned Movement" for item in coalition["items"])
