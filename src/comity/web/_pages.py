"""Server-rendered pages: home, actor, coalition, story, document and the votes explorer.

Pages are Jinja2 templates. Charts are drawn in the browser by plotly.js (served from the
installed plotly package); each chart's data is written into the page as JSON, so that a page
needs no request of its own beyond its static files and works with no network.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, FastAPI, Query, Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse, RedirectResponse, Response

from comity.errors import ComityError
from comity.news import DOC_FACT_TYPES, FACT_TYPES, outlet_label
from comity.registry._build import SOURCE_FILES
from comity.votes._cohesion import DEFAULT_SEED
from comity.votes._stored import DEFAULT_DRAWS
from comity.web._errors import ApiError
from comity.web._security import http_url
from comity.web._service import WebData

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


@dataclass(frozen=True)
class Chart:
    """A chart of a page: its JSON spec, the API address of exactly its rows, where they come from."""

    spec: str
    api: str
    source: str
    cite: str | None = None

    @property
    def csv(self) -> str:
        return self.api + ("&" if "?" in self.api else "?") + "format=csv"


#: The source line of a table of news documents.
NEWS_SOURCE = (
    "Source: the documents as their outlets published them (linked under Original), read by comity; "
    "licence: the publishers' own terms (the texts are not redistributed)."
)


def _api(path: str, **params: Any) -> str:
    query = urlencode({k: v for k, v in params.items() if v is not None})
    return f"/api/{path}" + (f"?{query}" if query else "")


#: Vote sources of the store (``votes.source_id``) and the data files of the manifest they are read from.
_VOTE_FILES = {
    "unvotes": "unvotes_votes",
    "unvotes2020": "unga_wide_1946_2024",
    "undl": "undl_scrape_zip",
    "undl_ga": "undl_ga",
    "undl_sc": "undl_sc",
}


def _describe_files(keys: list[str]) -> str:
    from comity.data import manifest

    files = {f.key: f for f in manifest()}
    parts = []
    for key in keys:
        f = files.get(key)
        if f is None:
            continue
        where = f"{f.repo}@{f.commit[:7]}" if f.repo and f.commit else (f.url or f.mirror)
        parts.append(f"{f.title} ({where}; licence: {f.licence})")
    return "; ".join(parts)


def _vote_source(data: WebData, *, ideal: bool = False) -> tuple[str, str | None]:
    """The source line and the cite link of a chart drawn from the store's General Assembly votes."""
    present = data.votes().sources()
    keys = [_VOTE_FILES[s] for s in present if s in _VOTE_FILES]
    if ideal and data.votes().ideal_method == "dynamic":
        keys.append("bsv_matches")
    if not keys:
        return "Source: the General Assembly votes of this store.", None
    text = "Source: " + _describe_files(keys)
    if ideal:
        text += f". Ideal points estimated by comity ({data.votes().ideal_method})"
    return text + ".", _api("cite", files=",".join(keys), format="bibtex")


def _registry_cite(data: WebData, rows: list[dict[str, Any]]) -> str | None:
    """The cite link of registry rows: the data files their sources are read from and the sources
    themselves (a hand-compiled row cites its own page in ``source_ref``, shown in tables)."""
    ids = sorted({str(r["source_id"]) for r in rows if r.get("source_id")} & set(data.registry().sources()))
    if not ids:
        return None
    keys = list(dict.fromkeys(k for i in ids for k in SOURCE_FILES.get(i, ())))
    return _api("cite", files=",".join(keys) or None, sources=",".join(ids), format="bibtex")


def _registry_source(data: WebData, rows: list[dict[str, Any]]) -> str:
    """The source line of registry rows: each source of their ``source_id`` column, as the store's
    ``sources`` table describes it."""
    ids = sorted({str(r["source_id"]) for r in rows if r.get("source_id")})
    if not ids:
        return "Source: the comity registry."
    found = data.registry().sources()
    parts = []
    for source_id in ids:
        row = found.get(source_id)
        parts.append(f"{row['title']} (licence: {row['licence']})" if row and row.get("title") else source_id)
    return "Source: comity registry: " + "; ".join(parts) + "."


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
    env.filters["code_spans"] = code_spans
    env.filters["outlet"] = outlet_label

    def render_error(request: Request, status: int, code: str, message: str, hint: str | None) -> str:
        template = templates.get_template("error.html")
        return template.render(
            request=request, status=status, code=code, message=message, hint=hint, title=f"Error {status}"
        )

    app.state.render_error = render_error


def code_spans(text: Any) -> Markup:
    """Escape ``text`` and show its `backticked` parts (commands in hints) as code, not as backticks."""
    parts = str(text or "").split("`")
    out = Markup("")
    for i, part in enumerate(parts):
        # Odd parts sit between a pair of backticks; a lone trailing backtick stays text.
        if i % 2 and i < len(parts) - 1:
            out += Markup("<code>{}</code>").format(part)
        else:
            out += escape(part if i % 2 == 0 or i == 0 else "`" + part)
    return out


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
    charts: dict[str, Chart] = {}
    tables: dict[str, Chart] = {}
    if timeline:
        tables["events"] = Chart(
            "",
            _api(f"actors/{info['id']}/timeline", limit=500),
            _registry_source(data, timeline),
            _registry_cite(data, timeline),
        )
    if info.get("roles"):
        tables["roles"] = Chart(
            "",
            _api(f"actors/{info['id']}/roles"),
            _registry_source(data, info["roles"]),
            _registry_cite(data, info["roles"]),
        )
    notes: list[str] = []
    if spells:
        charts["memberships"] = Chart(
            _spell_chart(spells, f"Memberships of {info['name']}"),
            _api(f"actors/{info['id']}/spells", limit=40),
            _registry_source(data, spells),
            _registry_cite(data, spells),
        )
    members_today: list[dict[str, Any]] = []
    if info["is_body"]:
        _, members_today, _ = data.members(info["id"], None)
    quotes, _ = data.quotes_by(info, limit=50)
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
                lambda: data.votes().alignment(
                    tuple(chosen), (info["id"],), "year", None, None, None, "agree"
                ),
            )
            if rows:
                source, cite = _vote_source(data)
                charts["alignment"] = Chart(
                    _alignment_chart(rows, info["id"], chosen),
                    _api(
                        "votes/alignment",
                        states=",".join(chosen),
                        reference=info["id"],
                        by="year",
                        measure="agree",
                        limit=500,
                    ),
                    source,
                    cite,
                )
            if note:
                notes.append(note)
        ideal, note = _optional("Ideal points", lambda: data.votes().ideal([info["id"], *chosen], None, None))
        if ideal:
            source, cite = _vote_source(data, ideal=True)
            charts["ideal"] = Chart(
                _ideal_chart(ideal, f"Ideal points of {info['name']} and partners"),
                _api("votes/ideal", states=",".join([info["id"], *chosen]), limit=500),
                source,
                cite,
            )
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
        tables=tables,
        notes=notes,
        partners=",".join(chosen),
    )


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
    _, today, _ = data.members(org.id, None)
    charts: dict[str, Chart] = {}
    notes: list[str] = []
    if spells:
        charts["members"] = Chart(
            _spell_chart(spells[:80], f"Members of {info['name']}"),
            _api(f"actors/{org.id}/spells", members="true", limit=80),
            _registry_source(data, spells[:80]),
            _registry_cite(data, spells[:80]),
        )
    tables: dict[str, Chart] = {}
    if spells:
        tables["spells"] = Chart(
            "",
            _api(f"actors/{org.id}/spells", members="true", limit=400),
            _registry_source(data, spells),
            _registry_cite(data, spells),
        )
    ever = sorted({s["other"] for s in spells if s.get("other")})
    voters, note = _optional("Votes", lambda: [s for s in ever if s in data.votes().states()])
    if note:
        notes.append(note)
    heat_year = year
    if voters and len(voters) >= 2:
        # The draws and seed of the cohesion `comity build` stores for the registry's groups.
        draws, seed = DEFAULT_DRAWS, DEFAULT_SEED
        rows, note = _optional("Cohesion", lambda: data.cohesion(org.id, None, None, None, draws, seed))
        if rows:
            source, cite = _vote_source(data)
            charts["cohesion"] = Chart(
                _cohesion_chart(rows, info["name"]),
                _api("votes/cohesion", group=org.id, draws=draws, seed=seed, limit=500),
                source,
                cite,
            )
        if note:
            notes.append(note)
        if heat_year is None:
            heat_year, _ = _optional("Votes", data.votes().default_year)
        if heat_year is not None:
            current = [m["actor_id"] for m in today if m["actor_id"] in voters] or voters
            matrix, note = _optional(
                "Agreement", lambda: data.votes().agreement(heat_year, tuple(current), "agree")
            )
            if matrix and matrix["states"]:
                source, cite = _vote_source(data)
                charts["heatmap"] = Chart(
                    _chart(
                        "heatmap",
                        title=f"Share of identical votes, {heat_year}",
                        states=matrix["states"],
                        z=matrix["matrix"],
                    ),
                    _api("votes/agreement", year=heat_year, states=",".join(current), measure="agree"),
                    source,
                    cite,
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
        tables=tables,
        notes=notes,
        heat_year=heat_year,
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
def story_page(request: Request, story_id: str) -> HTMLResponse:
    data = _data(request)
    story = data.story(story_id)
    texts = [data.document(d["doc_id"]) for d in story["documents"]]
    tables = {
        "documents": Chart(
            "",
            _api("documents", story=story["story_id"], limit=500),
            NEWS_SOURCE,
            _api("documents", story=story["story_id"], limit=500, format="bibtex"),
        )
    }
    return _render(
        request,
        "story.html",
        title=f"{story['title']} · story · comity",
        story=story,
        texts=texts,
        tables=tables,
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
    year: Annotated[str | None, Query(max_length=20)] = None,
) -> HTMLResponse:
    """The votes explorer. Bad parameters keep the page: each is named in a note beside its form, the
    input keeps what the user typed, and the parts that can be drawn are drawn."""
    data = _data(request)
    notes: list[str] = []
    charts: dict[str, Chart] = {}
    typed = states if states is not None else ",".join(DEFAULT_EXPLORER_STATES)
    wanted = [s.strip() for s in typed.split(",") if s.strip()]
    chosen: list[str] = []
    for name in wanted:
        # One state at a time: an unknown name is reported, the others are still drawn.
        found, note = _optional(f"State {name!r}", lambda name=name: data.check_states([name]))
        if note:
            notes.append(note)
        chosen += [c for c in found or [] if c not in chosen]
    span, note = _optional("Votes", data.votes().years)
    if note:
        notes.append(note)
    bloc_year: int | None = None
    year_error: str | None = None
    if year is not None and year.strip():
        low, high = span if span else (1946, date.today().year)
        if not year.strip().isdigit() or not low <= int(year) <= high:
            year_error = f"Year {year!r}: give a year of the votes, {low} to {high}."
        else:
            bloc_year = int(year)
    if bloc_year is None and span:
        bloc_year, _ = _optional("Votes", data.votes().default_year)
    if chosen:
        ideal, note = _optional("Ideal points", lambda: data.votes().ideal(chosen, None, None))
        if ideal:
            source, cite = _vote_source(data, ideal=True)
            charts["ideal"] = Chart(
                _ideal_chart(ideal, "Ideal points over time"),
                _api("votes/ideal", states=",".join(chosen), limit=500),
                source,
                cite,
            )
        if note:
            notes.append(note)
    blocs: dict[str, Any] | None = None
    if bloc_year is not None:
        blocs, note = _optional("Blocs", lambda: data.votes().blocs(bloc_year))
        if note:
            notes.append(note)
        if blocs:
            source, cite = _vote_source(data)
            charts["blocs"] = Chart(
                _blocs_chart(blocs, data), _api("votes/blocs", year=bloc_year), source, cite
            )
    return _render(
        request,
        "votes.html",
        title="Votes explorer · comity",
        chosen=chosen,
        states=typed,
        bloc_year=bloc_year,
        year_typed=year if year_error else (bloc_year or ""),
        year_error=year_error,
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


def _extend(series: dict[str, list[Any]], year: Any, **values: Any) -> None:
    """Add one year's point to a series, first a gap point (None) if years are missing in between:
    a year without votes (South Africa 1974-1993, a state not yet a member) is drawn as a gap."""
    xs = series["x"]
    if xs and isinstance(year, int) and isinstance(xs[-1], int) and year > xs[-1] + 1:
        xs.append(xs[-1] + 1)
        for key in values:
            series[key].append(None)
    xs.append(year)
    for key, value in values.items():
        series[key].append(value)


def _alignment_chart(rows: list[dict[str, Any]], actor_id: str, partners: list[str]) -> str:
    series: dict[str, dict[str, list[Any]]] = {}
    for row in rows:
        other = row["iso3_b"] if row["iso3_a"] == actor_id else row["iso3_a"]
        if other not in partners:
            continue
        entry = series.setdefault(other, {"x": [], "y": []})
        _extend(entry, row.get("year"), y=row.get("agree"))
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
        _extend(entry, row["year"], y=row["ideal"], se=row.get("se"))
    return _chart("lines", title=title, series=series, ytitle="ideal point (USA positive)", bands=True)


def _cohesion_chart(rows: list[dict[str, Any]], name: str) -> str:
    return _chart("cohesion", title=f"Cohesion of {name} against random groups of the same size", rows=rows)


def _blocs_chart(blocs: dict[str, Any], data: WebData) -> str:
    return _chart("blocs", title=f"Voting blocs of {blocs['year']}", rows=blocs["blocs"])
