"""Server-rendered pages: home, actor, coalition, story, document and the votes explorer.

Pages are Jinja2 templates. Charts are drawn in the browser by plotly.js (served from the
installed plotly package); each chart's data is written into the page as JSON, so that a page
needs no request of its own beyond its static files and works with no network.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from comity.errors import ComityError
from comity.web._errors import ApiError
from comity.web._security import http_url
from comity.web._service import DOC_FACT_TYPES, FACT_TYPES, WebData

__all__ = ["api_index_page", "install", "router"]

router = APIRouter(include_in_schema=False)
_TEMPLATES = Path(__file__).parent / "templates"

#: States compared with by default on actor pages and in the votes explorer.
DEFAULT_PARTNERS = ("USA", "CHN", "RUS")
DEFAULT_EXPLORER_STATES = ("USA", "CHN", "RUS", "DEU", "IND", "BRA", "ZAF")
_ID_FIELDS = ("actor", "body", "entity_id", "org_id", "chair", "speaker")


def _data(request: Request) -> WebData:
    data: WebData = request.app.state.data
    return data


def _render(request: Request, name: str, status: int = 200, **context: Any) -> HTMLResponse:
    templates: Jinja2Templates = request.app.state.templates
    response: HTMLResponse = templates.TemplateResponse(request, name, context, status_code=status)
    return response


def _optional(part: str, function: Any) -> tuple[Any, str | None]:
    """Run a computation for an optional part of a page: its value, or why it is missing."""
    try:
        return function(), None
    except (ComityError, ApiError) as error:
        return None, f"{part}: {error.message}"


def _chart(kind: str, **payload: Any) -> str:
    # The JSON sits inside a <script> element: "</" must not close it.
    return json.dumps({"kind": kind, **payload}, ensure_ascii=False, default=str).replace("</", "<\\/")


# -- template helpers ------------------------------------------------------------------------------


def install(app: FastAPI) -> None:
    """Give ``app`` its templates (helpers bound to its store), and the HTML error page."""
    templates = Jinja2Templates(directory=_TEMPLATES)
    app.state.templates = templates
    env = templates.env

    def link(entity_id: Any, label: Any = None, kind: str | None = None) -> Markup:
        if entity_id is None or entity_id == "":
            return Markup("")
        text = str(entity_id)
        data: WebData = app.state.data
        registry = data.registry()
        if registry.has(text, kind):
            target, target_kind = text, kind or registry.types_of(text)[0]
        else:
            found = data.link_target(text, kind)
            if found is None:
                return escape(label if label is not None else text)
            target, target_kind = found
        shown = (
            label
            if label is not None
            else (registry.name_of(target, target_kind) if target == text else text)
        )
        return Markup('<a href="{}" title="{}">{}</a>').format(
            data.actor_url(target, target_kind), target, shown
        )

    def state(iso3: Any, label: Any = None) -> Markup:
        return link(iso3, label, "state")

    def links(ids: Any, kind: str | None = None) -> Markup:
        return Markup(", ").join(link(i, None, kind) for i in (ids or []))

    env.globals["link"] = link
    env.globals["state"] = state
    env.globals["links"] = links
    env.globals["fact_types"] = FACT_TYPES
    env.globals["doc_fact_types"] = DOC_FACT_TYPES
    env.globals["id_fields"] = _ID_FIELDS
    env.filters["tojson_attr"] = lambda value: json.dumps(value, ensure_ascii=False, default=str)
    # Links to a document's source only for http(s) URLs: a stored javascript: URL stays text.
    env.filters["http_url"] = http_url

    def render_error(request: Request, status: int, code: str, message: str, hint: str | None) -> str:
        template = templates.get_template("error.html")
        return template.render(
            request=request, status=status, code=code, message=message, hint=hint, title=f"Error {status}"
        )

    app.state.render_error = render_error


def api_index_page(request: Request, schema: dict[str, Any]) -> HTMLResponse:
    """A plain list of the API's endpoints, for when Swagger UI's files are not installed."""
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            params = [p["name"] for p in operation.get("parameters", [])]
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "params": params,
                }
            )
    return _render(request, "api_index.html", endpoints=endpoints, title="comity API")


# -- pages ---------------------------------------------------------------------------------------


@router.get("/favicon.ico")
def favicon() -> Response:
    return RedirectResponse("/static/favicon.svg", status_code=308)


@router.get("/", response_class=HTMLResponse)
def home(request: Request) -> HTMLResponse:
    data = _data(request)
    stories = data.stories()
    counts = {
        t: data.count(t) for t in ("states", "organisations", "people", "memberships", "documents", "votes")
    }
    starts = [
        s
        for s in (
            "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER",
            "UNSC",
            "WHO",
            "BRICS",
            "G7",
            "ALLIANCE_FOR_MULTILATERALISM",
        )
        if data.registry().has(s, "organisation")
    ]
    return _render(
        request,
        "home.html",
        title="comity: the multilateral system, sourced",
        stories=stories,
        counts=counts,
        starts=starts,
    )


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, q: Annotated[str, Query(max_length=100)] = "") -> HTMLResponse:
    hits = _data(request).search(q, 30) if q.strip() else []
    return _render(request, "search.html", title=f"Search {q} · comity", q=q, hits=hits)


@router.get("/actors/{actor_id}", response_class=HTMLResponse)
def actor_page(
    request: Request,
    actor_id: str,
    partners: Annotated[str | None, Query(alias="with", max_length=400)] = None,
    kind: Annotated[Literal["state", "organisation", "person"] | None, Query(alias="type")] = None,
) -> Response:
    data = _data(request)
    info = data.actor(actor_id, kind)
    if info["id"] != actor_id:
        # A name or alias: send the browser to the page's canonical address.
        target = f"/actors/{info['id']}" + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(target, status_code=307)
    _, timeline = data.timeline(info["id"], None, info["type"])
    spells = data.membership_spells(info["id"], as_body=False, limit=40)
    charts: dict[str, str] = {}
    notes: list[str] = []
    if spells:
        charts["memberships"] = _spell_chart(spells, f"Memberships of {info['name']}")
    members_today: list[dict[str, Any]] = []
    if info["is_body"]:
        _, members_today = data.members(info["id"], None)
    quotes = data.quotes_by(info["id"], _speaker_names(info))
    chosen: list[str] = []
    if info["type"] == "state":
        wanted = partners.split(",") if partners else [p for p in DEFAULT_PARTNERS if p != info["id"]]
        chosen_or_none, note = _optional("Partners", lambda: data.check_states(wanted))
        chosen = [c for c in (chosen_or_none or []) if c != info["id"]]
        if note:
            notes.append(note)
        if chosen:
            rows, note = _optional(
                "Alignment",
                lambda: data.alignment(tuple(chosen), (info["id"],), "year", None, None, None, "agree"),
            )
            if rows:
                charts["alignment"] = _alignment_chart(rows, info["id"], chosen)
            if note:
                notes.append(note)
        ideal, note = _optional("Ideal points", lambda: data.ideal([info["id"], *chosen], None, None))
        if ideal:
            charts["ideal"] = _ideal_chart(ideal, f"Ideal points of {info['name']} and partners")
        if note:
            notes.append(note)
    return _render(
        request,
        "actor.html",
        title=f"{info['name']} ({info['id']}) · comity",
        info=info,
        timeline=timeline,
        spells=spells,
        members_today=members_today,
        quotes=quotes,
        charts=charts,
        notes=notes,
        partners=",".join(chosen),
    )


def _speaker_names(info: dict[str, Any]) -> list[str]:
    names = {info["id"], info["name"]}
    if info["type"] == "person":
        for kind, values in info.get("aliases", {}).items():
            if kind in ("name", "alias"):
                names.update(values)
    return sorted(names)


@router.get("/coalitions/{body_id}", response_class=HTMLResponse)
def coalition_page(
    request: Request,
    body_id: str,
    year: Annotated[int | None, Query(ge=1946, le=2100)] = None,
) -> Response:
    data = _data(request)
    org = data.resolve(body_id, types=("organisation",))
    if org.id != body_id:
        return RedirectResponse(f"/coalitions/{org.id}", status_code=307)
    info = data.actor(org.id)
    spells = data.membership_spells(org.id, as_body=True, limit=400)
    _, today = data.members(org.id, None)
    charts: dict[str, str] = {}
    notes: list[str] = []
    if spells:
        charts["members"] = _spell_chart(spells[:80], f"Members of {info['name']}")
    ever = sorted({s["other"] for s in spells if s.get("other")})
    voters, note = _optional("Votes", lambda: [s for s in ever if s in data.vote_states()])
    if note:
        notes.append(note)
    heat_year = year
    if voters and len(voters) >= 2:
        rows, note = _optional("Cohesion", lambda: data.cohesion(org.id, None, None, None, 300, 0))
        if rows:
            charts["cohesion"] = _cohesion_chart(rows, info["name"])
        if note:
            notes.append(note)
        if heat_year is None:
            heat_year, _ = _optional("Votes", data.default_vote_year)
        if heat_year is not None:
            current = [m["actor_id"] for m in today if m["actor_id"] in voters] or voters
            matrix, note = _optional("Agreement", lambda: data.agreement(heat_year, tuple(current), "agree"))
            if matrix and matrix["states"]:
                charts["heatmap"] = _chart(
                    "heatmap",
                    title=f"Share of identical votes, {heat_year}",
                    states=matrix["states"],
                    z=matrix["matrix"],
                )
            if note:
                notes.append(note)
    return _render(
        request,
        "coalition.html",
        title=f"{info['name']}: members and cohesion · comity",
        info=info,
        spells=spells,
        today=today,
        charts=charts,
        notes=notes,
        heat_year=heat_year,
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    data = _data(request)
    story = data.story(story_id)
    texts = [data.document(d["doc_id"]) for d in story["documents"]]
    return _render(
        request, "story.html", title=f"{story['title']} · story · comity", story=story, texts=texts
    )


@router.get("/documents/{doc_id}", response_class=HTMLResponse)
def document_page(request: Request, doc_id: str) -> HTMLResponse:
    data = _data(request)
    doc = data.document(doc_id)
    return _render(request, "document.html", title=f"{doc['doc_id']} · document · comity", doc=doc)


@router.get("/votes", response_class=HTMLResponse)
def votes_page(
    request: Request,
    states: Annotated[str | None, Query(max_length=400)] = None,
    year: Annotated[int | None, Query(ge=1946, le=2100)] = None,
) -> HTMLResponse:
    data = _data(request)
    notes: list[str] = []
    charts: dict[str, str] = {}
    wanted = [s for s in (states.split(",") if states else DEFAULT_EXPLORER_STATES) if s.strip()]
    chosen, note = _optional("States", lambda: data.check_states(wanted))
    if note:
        notes.append(note)
    chosen = chosen or []
    span, note = _optional("Votes", data.vote_years)
    if note:
        notes.append(note)
    bloc_year = year
    if bloc_year is None and span:
        bloc_year, _ = _optional("Votes", data.default_vote_year)
    if chosen:
        ideal, note = _optional("Ideal points", lambda: data.ideal(chosen, None, None))
        if ideal:
            charts["ideal"] = _ideal_chart(ideal, "Ideal points over time")
        if note:
            notes.append(note)
    blocs: dict[str, Any] | None = None
    if bloc_year is not None:
        blocs, note = _optional("Blocs", lambda: data.blocs(bloc_year))
        if note:
            notes.append(note)
        if blocs:
            charts["blocs"] = _blocs_chart(blocs, data)
    return _render(
        request,
        "votes.html",
        title="Votes explorer · comity",
        chosen=chosen,
        states=",".join(chosen),
        bloc_year=bloc_year,
        span=span,
        blocs=blocs,
        charts=charts,
        notes=notes,
    )


# -- chart data ------------------------------------------------------------------------------------


def _spell_chart(spells: list[dict[str, Any]], title: str) -> str:
    today = date.today().isoformat()
    rows = []
    for spell in spells:
        start = spell.get("start_date")
        if not start:
            continue
        rows.append(
            {
                "id": spell["other"],
                "name": spell.get("name") or spell["other"],
                "kind": spell.get("kind"),
                "start": start,
                "end": spell.get("end_date") or today,
                "open": not spell.get("end_date"),
            }
        )
    return _chart("spells", title=title, rows=rows)


def _alignment_chart(rows: list[dict[str, Any]], actor_id: str, partners: list[str]) -> str:
    series: dict[str, dict[str, list[Any]]] = {}
    for row in rows:
        other = row["iso3_b"] if row["iso3_a"] == actor_id else row["iso3_a"]
        if other not in partners:
            continue
        entry = series.setdefault(other, {"x": [], "y": []})
        entry["x"].append(row.get("year"))
        entry["y"].append(row.get("agree"))
    return _chart(
        "lines",
        title=f"Share of identical votes with {actor_id} (General Assembly)",
        series=series,
        ytitle="agreement",
        yrange=[0, 1],
    )


def _ideal_chart(rows: list[dict[str, Any]], title: str) -> str:
    series: dict[str, dict[str, list[Any]]] = {}
    for row in rows:
        entry = series.setdefault(row["iso3"], {"x": [], "y": [], "se": []})
        entry["x"].append(row["year"])
        entry["y"].append(row["ideal"])
        entry["se"].append(row.get("se"))
    return _chart("lines", title=title, series=series, ytitle="ideal point (USA positive)", bands=True)


def _cohesion_chart(rows: list[dict[str, Any]], name: str) -> str:
    return _chart("cohesion", title=f"Cohesion of {name} against random groups of the same size", rows=rows)


def _blocs_chart(blocs: dict[str, Any], data: WebData) -> str:
    return _chart("blocs", title=f"Voting blocs of {blocs['year']}", rows=blocs["blocs"])
