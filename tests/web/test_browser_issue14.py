"""Issue 14 in a real browser (Debian's chromium through Playwright, against a live server).

Every page of the app, on a desktop and on a 390 px phone: nothing scrolls sideways (neither the
page nor a table inside it), no chart text is cut at the chart's edge, and axe-core finds no serious
or critical accessibility violation. Then the data taken away: the CSV and JSON links of a chart give
exactly the rows the chart draws, one colour per state on every page, gaps drawn as gaps, and pages
that keep the user's input when a parameter is bad.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from .test_browser import ARGS, CHROMIUM, GOF, SCREENSHOTS, Console, browser, page  # noqa: F401

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: One page of each kind the app serves, and the same pages with bad parameters.
PAGES = (
    "/",
    "/search?q=united",
    "/search?q=zzzzqqq",
    "/actors/USA",
    "/actors/ZAF?with=USA,CHN",
    "/actors/WHO",
    "/actors/sergey_lavrov",
    "/actors/kofi_annan",
    f"/coalitions/{GOF}",
    "/coalitions/BRICS",
    "/votes",
    "/votes?year=1800",
    "/votes?states=USA,Narnia,CHN",
    "/actors/Frannce",
    "/documents/no-such-document",
    "/no/such/page",
    "/docs",
    "STORY",
    "DOCUMENT",
)

#: Screenshots taken at 390 px (``scripts/screenshots.py`` copies them to ``docs/screenshots/``).
PHONE_SHOTS = {
    "/": "phone-home",
    "/actors/USA": "phone-actor-usa",
    f"/coalitions/{GOF}": "phone-coalition",
    "/votes": "phone-votes",
    "STORY": "phone-story",
}
#: Pages answering 404 on purpose.
BAD_PATHS = ("/actors/Frannce", "/documents/no-such-document", "/no/such/page")

#: Elements of a page wider than their box (a table scrolling inside itself), and chart texts
#: (titles, legend entries, notes) reaching past the chart's edge.
OVERFLOW = """() => {
  const out = [];
  for (const el of document.querySelectorAll('main *')) {
    const style = getComputedStyle(el);
    if ((style.overflowX === 'auto' || style.overflowX === 'scroll') && el.scrollWidth > el.clientWidth + 1)
      out.push(`${el.tagName}.${el.className} scrolls: ${el.scrollWidth} > ${el.clientWidth}px`);
  }
  const texts = '.gtitle, .g-xtitle text, .g-ytitle text, .legendtext, .annotation-text';
  for (const text of document.querySelectorAll(texts)) {
    const box = text.getBoundingClientRect();
    const chart = text.closest('.js-plotly-plot').getBoundingClientRect();
    if (box.left < chart.left - 1 || box.right > chart.right + 1)
      out.push(`chart text cut: "${text.textContent}" at ${box.left | 0}-${box.right | 0}px`);
  }
  return out;
}"""


def resolve(tab: Any, path: str) -> str:
    """A page's address: the first story and its first document are found from the home page."""
    if path not in ("STORY", "DOCUMENT"):
        return path
    tab.goto("/")
    story = tab.locator("ul.stories a[href^='/stories/']").first.get_attribute("href")
    assert story
    if path == "STORY":
        return story
    tab.goto(story)
    document = tab.locator("table a[href^='/documents/']").first.get_attribute("href")
    assert document
    return document


def open_page(tab: Any, path: str) -> None:
    tab.goto(path)
    tab.wait_for_load_state("networkidle")
    if path.startswith("/docs"):
        tab.wait_for_selector(".swagger-ui .opblock", state="attached")
    tab.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true; })")


#: A first load of a page may take long on a busy machine (the coalition page computes its cohesion).
NAVIGATION_TIMEOUT = 120_000


@pytest.fixture
def patient(page: tuple[Any, Console]) -> tuple[Any, Console]:  # noqa: F811
    """A desktop tab that waits up to two minutes for a page."""
    page[0].set_default_navigation_timeout(NAVIGATION_TIMEOUT)
    return page


@pytest.fixture
def phone(browser: Any, live_server: str) -> Iterator[Any]:  # noqa: F811
    context = browser.new_context(
        base_url=live_server, viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.set_default_navigation_timeout(NAVIGATION_TIMEOUT)
    console = Console()
    console.watch(tab)
    failed: list[str] = []
    tab.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    yield tab
    context.close()
    # The pages of BAD_PATHS answer 404 on purpose (the browser logs that); nothing else may fail.
    assert [f for f in failed if not f.startswith("404 ") or not f.endswith(BAD_PATHS)] == []
    assert [e for e in console.errors if not e.startswith("Failed to load resource")] == []


def axe_violations(tab: Any) -> list[str]:
    """axe-core's serious and critical violations on the page, as 'rule (impact): first target'."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(tab)
    return [
        f"{v['id']} ({v['impact']}): {v['nodes'][0]['target']} of {len(v['nodes'])}"
        for v in result.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.slow
def test_browser_every_page_fits_a_phone_and_passes_axe(phone: Any) -> None:
    """At 390 px no page scrolls sideways (nor a table in it), no chart text is cut, and axe-core
    finds no serious or critical violation."""
    problems: dict[str, Any] = {}
    for name, path in [(p, resolve(phone, p)) for p in PAGES]:
        open_page(phone, path)
        width = phone.evaluate("document.scrollingElement.scrollWidth")
        found = phone.evaluate(OVERFLOW)
        if width > PHONE["width"]:
            found.append(f"page is {width}px wide")
        found += axe_violations(phone)
        if found:
            problems[path] = found
        if name in PHONE_SHOTS:
            # What a phone shows first (a whole page of a state is several metres long).
            SCREENSHOTS.mkdir(exist_ok=True)
            phone.screenshot(path=str(SCREENSHOTS / f"{PHONE_SHOTS[name]}.png"), timeout=120_000)
    assert problems == {}


@pytest.mark.slow
def test_browser_every_page_passes_axe_on_a_desktop(patient: tuple[Any, Console]) -> None:
    tab, console = patient
    problems: dict[str, list[str]] = {}
    for path in [resolve(tab, p) for p in PAGES]:
        open_page(tab, path)
        found = axe_violations(tab)
        if found:
            problems[path] = found
    # The browser logs the 404 answers of BAD_PATHS, asked for on purpose.
    console.errors = [e for e in console.errors if "status of 404" not in e]
    assert problems == {}


def test_browser_axe_check_can_fail(browser: Any) -> None:  # noqa: F811
    """The check above is not vacuous: a page with an unlabelled image and input is caught."""
    tab = browser.new_page()
    tab.set_content('<html><body><img src="data:,"><input type="text"><a href="#"></a></body></html>')
    found = axe_violations(tab)
    tab.close()
    assert {line.split(" ")[0] for line in found} >= {"image-alt", "label", "html-has-lang"}


# -- the data taken away -----------------------------------------------------------------------------


def drawn_points(tab: Any, key: str) -> dict[tuple[str, int], float]:
    """The points a lines chart draws: (legend name, year) -> value, gap points left out."""
    tab.wait_for_selector(f"#chart-{key} .main-svg", state="attached")
    traces = tab.evaluate(
        f"""() => document.querySelector('#chart-{key}').data
              .filter(t => t.showlegend !== false && t.name)
              .map(t => [t.name, t.x, t.y])"""
    )
    return {
        (name, int(x)): y for name, xs, ys in traces for x, y in zip(xs, ys, strict=True) if y is not None
    }


def download(tab: Any, links: Any) -> list[dict[str, str]]:
    """Click a "Download CSV" link as a user does; the rows of the file the browser saved."""
    with tab.expect_download() as info:
        links.locator("a.download-csv").click()
    saved = Path(info.value.path())
    assert info.value.suggested_filename.endswith(".csv")
    return list(csv.DictReader(io.StringIO(saved.read_text(encoding="utf-8"))))


def json_rows(tab: Any, links: Any) -> list[dict[str, Any]]:
    href = links.locator("a.download-json").get_attribute("href")
    answer = tab.request.get(href)
    assert answer.ok, href
    rows: list[dict[str, Any]] = answer.json()["items"]
    return rows


def check_source_and_cite(tab: Any, figure: Any) -> None:
    source = figure.locator(".source").inner_text()
    assert source.startswith("Source: ") and "licence: " in source, source
    cite = figure.locator("a.cite")
    if cite.count():
        bib = tab.request.get(cite.get_attribute("href"))
        assert bib.ok and bib.text().lstrip().startswith("@"), bib.text()[:200]


def figure_of(tab: Any, key: str) -> Any:
    return tab.locator(f"figure.chart-box:has(#chart-{key})")


def test_browser_chart_downloads_give_the_drawn_rows(patient: tuple[Any, Console]) -> None:
    tab, _ = patient
    tab.goto("/votes?states=USA,CHN,ZAF")
    drawn = drawn_points(tab, "ideal")
    figure = figure_of(tab, "ideal")
    rows = download(tab, figure)
    assert len(rows) == len(drawn) > 30
    for row in rows:
        assert drawn[(row["iso3"], int(row["year"]))] == pytest.approx(float(row["ideal"]), abs=1e-4)
    assert [(r["iso3"], r["year"]) for r in json_rows(tab, figure)] == [
        (r["iso3"], int(r["year"])) for r in rows
    ]
    check_source_and_cite(tab, figure)

    tab.goto("/actors/ZAF?with=USA,CHN")
    drawn = drawn_points(tab, "alignment")
    figure = figure_of(tab, "alignment")
    rows = download(tab, figure)
    assert len(rows) == len(drawn) > 60
    for row in rows:
        other = row["iso3_b"] if row["iso3_a"] == "ZAF" else row["iso3_a"]
        assert drawn[(other, int(row["year"]))] == pytest.approx(float(row["agree"]), abs=1e-4)
    check_source_and_cite(tab, figure)

    tab.goto(f"/coalitions/{GOF}")
    tab.wait_for_selector("#chart-cohesion .main-svg", state="attached")
    line = tab.evaluate(
        """() => { const d = document.querySelector('#chart-cohesion').data;
                   const t = d[d.length - 1]; return [t.x, t.y]; }"""
    )
    figure = figure_of(tab, "cohesion")
    rows = download(tab, figure)
    assert [int(r["year"]) for r in rows] == line[0]
    assert [float(r["ai"]) for r in rows] == pytest.approx(line[1], abs=1e-4)
    check_source_and_cite(tab, figure)
    for key in ("members", "heatmap"):
        check_source_and_cite(tab, figure_of(tab, key))


def test_browser_table_downloads_give_the_shown_rows(patient: tuple[Any, Console]) -> None:
    tab, _ = patient
    tab.goto("/actors/USA")
    tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    shown = tab.locator("table.events tbody tr td:first-child").all_inner_texts()
    links = tab.locator("p.table-source[data-table=events]")
    rows = download(tab, links)
    assert [r["date"] for r in rows] == shown and len(shown) > 50
    assert "licence: " in links.locator(".source").inner_text()

    tab.goto(f"/coalitions/{GOF}")
    tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    members = tab.locator("section:has(p[data-table=spells]) table tbody tr td:first-child a")
    shown = [href.rsplit("/", 1)[-1] for href in members.evaluate_all("links => links.map(a => a.href)")]
    rows = download(tab, tab.locator("p.table-source[data-table=spells]"))
    assert [r["other"] for r in rows] == shown and len(shown) >= 17

    tab.goto("/")
    tab.locator("ul.stories li a").first.click()
    tab.wait_for_url("**/stories/**")
    shown = tab.locator("section:has(p[data-table=documents]) tbody tr td:first-child").all_inner_texts()
    links = tab.locator("p.table-source[data-table=documents]")
    rows = download(tab, links)
    assert [r["doc_id"] for r in rows] == shown and shown
    assert [r["doc_id"] for r in json_rows(tab, links)] == shown


def test_browser_person_roles_download_gives_the_shown_rows(patient: tuple[Any, Console]) -> None:
    tab, _ = patient
    tab.goto("/actors/kofi_annan")
    shown = tab.locator("section:has(p[data-table=roles]) tbody tr td:first-child").all_inner_texts()
    links = tab.locator("p.table-source[data-table=roles]")
    rows = download(tab, links)
    assert [r["role"] for r in rows] == shown and shown
    assert [r["role"] for r in json_rows(tab, links)] == shown
    # Each row links the page it was compiled from; the table cites the registry's sources.
    pages = tab.locator("section:has(p[data-table=roles]) tbody td.src a").evaluate_all(
        "links => links.map(a => a.href)"
    )
    assert pages == [r["source_ref"] for r in rows]
    check_source_and_cite(tab, links)
    assert links.locator("a.cite").count() == 1


def test_browser_every_table_and_chart_has_its_downloads(patient: tuple[Any, Console]) -> None:
    """On every page, each table of data and each chart has its CSV and JSON links, a source line
    and a cite link."""
    tab, console = patient
    missing: dict[str, list[str]] = {}
    for path in [resolve(tab, p) for p in PAGES if p not in BAD_PATHS and p != "/docs"]:
        open_page(tab, path)
        problems = []
        n_tables = tab.locator("main table").count()
        n_links = tab.locator("main p.table-source").count()
        if n_tables != n_links:
            problems.append(f"{n_tables} tables, {n_links} with downloads")
        for box in tab.locator("main figure.chart-box, main p.table-source").all():
            for needed in ("a.download-csv", "a.download-json", "a.cite", ".source"):
                if box.locator(needed).count() != 1:
                    problems.append(f"{box.get_attribute('class')}: no {needed}")
        if problems:
            missing[path] = problems
    console.errors = [e for e in console.errors if "status of 404" not in e]
    assert missing == {}


def test_browser_a_state_has_one_colour_on_every_page(patient: tuple[Any, Console]) -> None:
    tab, _ = patient

    def colours(path: str, key: str) -> dict[str, str]:
        tab.goto(path)
        tab.wait_for_selector(f"#chart-{key} .main-svg", state="attached")
        # The colour the browser drew the line in, not only the one asked for.
        return dict(
            tab.evaluate(
                f"""() => Array.from(document.querySelectorAll('#chart-{key} .scatterlayer .trace'))
                      .filter(g => g.querySelector('path.js-line'))
                      .map(g => [g.__data__[0].trace.name,
                                 getComputedStyle(g.querySelector('path.js-line')).stroke])"""
            )
        )

    seen = [
        colours("/actors/ZAF?with=USA,CHN", "alignment"),
        colours("/actors/RUS?with=CHN,USA", "alignment"),
        colours("/votes?states=CHN,USA,ZAF", "ideal"),
        colours("/actors/USA?with=CHN,RUS", "ideal"),
    ]
    for state in ("USA", "CHN"):
        assert len({s[state] for s in seen}) == 1, (state, seen)
    assert seen[0]["USA"] != seen[0]["CHN"]


def test_browser_a_suspension_is_drawn_as_a_gap(patient: tuple[Any, Console]) -> None:
    """South Africa did not vote in the General Assembly 1974-1993: its line breaks there."""
    tab, _ = patient
    tab.goto("/actors/ZAF?with=USA")
    drawn = drawn_points(tab, "alignment")
    years = sorted(year for name, year in drawn if name == "USA")
    assert years[0] < 1974 and years[-1] > 2000
    assert not [y for y in years if 1975 <= y <= 1993]
    # The browser draws the line in pieces (one SVG path each), not in one stroke across the gap.
    pieces = tab.evaluate(
        """() => Array.from(document.querySelectorAll('#chart-alignment .scatterlayer .trace'))
              .filter(g => g.__data__[0].trace.name === 'USA')
              .map(g => g.querySelectorAll('path.js-line').length)[0]"""
    )
    assert pieces >= 2


def test_browser_bad_year_keeps_the_votes_page(patient: tuple[Any, Console]) -> None:
    tab, _ = patient
    tab.goto("/votes")
    # The form itself refuses a year before 1946 (the browser's own check) ...
    year = tab.locator("input[name=year][type=number]")
    year.fill("1800")
    assert year.evaluate("input => input.validity.rangeUnderflow")
    # ... and a link or a typed address with one keeps the page, with the error beside the field.
    tab.goto("/votes?states=USA,CHN&year=1800")
    error = tab.locator("#year-error")
    assert "1946" in error.inner_text()
    assert tab.locator("input[name=year][type=number]").input_value() == "1800"
    assert tab.locator("input[name=year][type=number]").get_attribute("aria-describedby") == "year-error"
    tab.wait_for_selector("#chart-ideal .main-svg", state="attached")
    assert tab.locator("h1").inner_text() == "Votes explorer"
    assert tab.locator("input[name=states]:not([type=hidden])").input_value() == "USA,CHN"


def test_browser_unknown_state_keeps_the_chart_and_the_input(patient: tuple[Any, Console]) -> None:
    tab, _ = patient
    tab.goto("/votes")
    states = tab.locator("input[name=states]:not([type=hidden])")
    states.fill("USA,Narnia,CHN")
    tab.locator("form:has(input[name=states]:not([type=hidden])) button[type=submit]").click()
    tab.wait_for_url("**/votes?states=USA%2CNarnia%2CCHN**")
    assert states.input_value() == "USA,Narnia,CHN"
    assert tab.locator("p.note", has_text="Narnia").count() == 1
    tab.wait_for_selector("#chart-ideal .main-svg", state="attached")
    legend = tab.locator("#chart-ideal .legendtext").all_text_contents()
    assert sorted(legend) == ["CHN", "USA"]


def test_browser_error_pages_show_commands_as_code(patient: tuple[Any, Console]) -> None:
    tab, console = patient
    for path in BAD_PATHS:
        response = tab.goto(path)
        assert response is not None and response.status == 404
        text = tab.locator("main").inner_text()
        assert "`" not in text, (path, text)
        assert tab.locator("main a[href='/']").count() >= 1
    tab.goto("/documents/no-such-document")
    assert tab.locator("main .hint code", has_text="comity read").count() == 1
    # The browser logs each 404 it was answered; those were asked for.
    console.errors = [e for e in console.errors if "status of 404" not in e]


JUNK_ALIAS = re.compile(r"(^|, )[A-Z][A-Za-z]? [A-Z]{4,}")


def test_browser_no_junk_aliases(patient: tuple[Any, Console]) -> None:
    """Scrape artefacts of the UN Digital Library ("Aa UNITED STATES", "AY UNION OF SOUTH AFRICA")
    are not names of a state, neither on its page nor in the search suggestions."""
    tab, _ = patient
    for iso3, name in (("USA", "UNITED STATES"), ("ZAF", "UNION OF SOUTH AFRICA")):
        tab.goto(f"/actors/{iso3}")
        aliases = tab.locator(".aliases").inner_text()
        assert name in aliases.upper()
        assert not JUNK_ALIAS.search(aliases), aliases
        tab.locator("header input[data-search]").press_sequentially(name.title(), delay=20)
        tab.locator("header .suggestions a").first.wait_for()
        suggested = tab.locator("header .suggestions a small").all_inner_texts()
        assert not [s for s in suggested if re.search(r"“[A-Z][A-Za-z]? [A-Z]{4,}", s)], suggested


def test_browser_outlets_are_never_document_ids(patient: tuple[Any, Console]) -> None:
    tab, _ = patient
    tab.goto("/")
    stories = tab.locator("ul.stories li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    for href in stories:
        tab.goto(href)
        rows = tab.locator("section:has(p[data-table=documents]) tbody tr")
        ids = set()
        for i in range(rows.count()):
            cells = rows.nth(i).locator("td")
            doc_id, outlet = cells.nth(0).inner_text(), cells.nth(1).inner_text()
            assert outlet and outlet != doc_id, (href, doc_id)
            ids.add(doc_id)
        summaries = tab.locator("main details summary").all_inner_texts()
        assert not [s for s in summaries if s.split(" · ")[0] in ids], summaries
