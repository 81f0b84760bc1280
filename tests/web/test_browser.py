"""The pages in a real browser: Debian's chromium driven by Playwright, against a live server.

Each test opens pages, checks what they show and that every chart drew (plotly's ``.main-svg``),
follows links, and fails on any console error. A screenshot of each page goes to
``tests/web/screenshots/`` (``scripts/screenshots.py`` copies them to ``docs/screenshots/``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import wait_for_ideal_points

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parent / "screenshots"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GOF = "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"

if not CHROMIUM.exists():  # CI installs it with apt (see .ci/run)
    pytest.skip("Debian's chromium is not installed at /usr/bin/chromium", allow_module_level=True)


class Console:
    """Console errors and uncaught exceptions of a page."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    def watch(self, page: Any) -> None:
        page.on("console", lambda message: message.type == "error" and self.errors.append(message.text))
        page.on("pageerror", lambda error: self.errors.append(f"uncaught: {error}"))


@pytest.fixture(scope="module")
def browser(live_server: str) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # The charts need the ideal points; the server estimates them in the background at start.
    with httpx.Client(base_url=live_server, timeout=30) as http:
        wait_for_ideal_points(http)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[tuple[Any, Console]]:
    context = browser.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    console = Console()
    console.watch(tab)
    yield tab, console
    context.close()
    assert console.errors == [], f"console errors: {console.errors}"


def shoot(tab: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def open_details(tab: Any) -> None:
    tab.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")


def charts_drawn(tab: Any, keys: list[str]) -> None:
    for key in keys:
        tab.wait_for_selector(f"#chart-{key} .main-svg", state="attached")
        assert tab.locator(f"#chart-{key} .main-svg").count() >= 1, key


def test_browser_home_search_suggests_and_follows(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto("/")
    assert tab.title() == "comity: the multilateral system, sourced"
    stories = tab.locator("ul.stories li a")
    assert stories.count() >= 5
    shoot(tab, "home")
    tab.locator("#home-search").press_sequentially("Beij", delay=40)
    suggestion = tab.locator(".hero .suggestions a", has_text="China")
    suggestion.first.wait_for()
    shoot(tab, "home-suggestions")
    suggestion.first.click()
    tab.wait_for_url("**/actors/CHN")
    assert tab.title().startswith("China (CHN)")


def test_browser_home_story_link_opens_the_story(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto("/")
    first = tab.locator("ul.stories li a").first
    title = first.inner_text()
    first.click()
    tab.wait_for_url("**/stories/**")
    assert tab.locator("h1").inner_text() == title


def test_browser_state_page_draws_its_charts(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto("/actors/USA")
    assert tab.title() == "United States (USA) · comity"
    charts_drawn(tab, ["memberships", "alignment", "ideal"])
    events = tab.locator("table.events tbody tr")
    assert events.count() > 5
    assert tab.locator("table.events", has_text="rejoin").count() == 1
    quotes = tab.locator("ul.quotes li")
    assert quotes.count() >= 1
    shoot(tab, "actor-usa")
    open_details(tab)
    tab.locator("table.events a", has_text="World Health Organization").first.click()
    tab.wait_for_url("**/actors/WHO")
    assert "World Health Organization" in tab.locator("h1").inner_text()


def test_browser_partner_choice_redraws_alignment(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto("/actors/Russia")  # a name: redirected to the canonical page
    tab.wait_for_url("**/actors/RUS")
    tab.fill("input[name=with]", "CHN,IND,BRA")
    tab.click("form.inline button[type=submit]")
    tab.wait_for_url(re.compile(r".*/actors/RUS\?with=CHN%2CIND%2CBRA"))
    charts_drawn(tab, ["alignment", "ideal"])
    legend = tab.locator("#chart-alignment .legendtext").all_text_contents()
    assert sorted(legend) == ["BRA", "CHN", "IND"]
    assert tab.locator("ul.quotes li", has_text="Lavrov").count() >= 1


def test_browser_person_page_links_quotes_to_documents(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto("/actors/sergey_lavrov")
    assert "Lavrov" in tab.locator("h1").inner_text()
    quote_link = tab.locator("ul.quotes li .meta a").first
    quote_link.wait_for()
    shoot(tab, "actor-person")
    quote_link.click()
    tab.wait_for_url("**/documents/**")
    assert tab.locator(".source-text mark").count() > 5


def test_browser_coalition_page_shows_members_cohesion_and_heatmap(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto(f"/coalitions/{GOF}")
    assert tab.title().startswith("Group of Friends in Defense of the Charter")
    charts_drawn(tab, ["members", "cohesion", "heatmap"])
    # Issue 12: years before the group existed are shaded as projected, thin years drawn hollow.
    shaded, hollow = tab.evaluate(
        """() => {
             const chart = document.querySelector('#chart-cohesion');
             const line = chart.data[chart.data.length - 1];
             return [(chart.layout.shapes || []).length,
                     line.marker.symbol.filter((s) => s === 'circle-open').length];
           }"""
    )
    assert shaded > 0 and hollow > 0
    members = tab.locator("details table tbody tr")
    assert members.count() >= 17
    assert tab.locator("details table", has_text="Palestine").count() == 1
    shoot(tab, "coalition-group-of-friends")
    open_details(tab)
    tab.locator("details table a", has_text="Venezuela").first.click()
    tab.wait_for_url("**/actors/VEN")


def test_browser_story_page_highlights_fact_spans(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto("/")
    tab.locator("ul.stories li a[href*='friends']").first.click()
    tab.wait_for_url("**/stories/**")
    supports = tab.locator("ul.facts .support").all_inner_texts()
    assert supports and all(re.fullmatch(r"\d+/\d+", s) for s in supports)
    assert any(int(s.split("/")[0]) >= 2 for s in supports)
    assert tab.locator("details[open] .source-text mark.f-quote").count() >= 1
    assert tab.locator("ul.facts li.f-coalition").count() >= 1
    shoot(tab, "story")
    tab.locator("table a[href^='/documents/']").first.click()
    tab.wait_for_url("**/documents/**")
    marks = tab.locator(".source-text mark")
    assert marks.count() >= 3
    shoot(tab, "document")


def test_browser_votes_explorer_draws_ideal_points_and_blocs(page: tuple[Any, Console]) -> None:
    tab, _ = page
    tab.goto("/votes")
    assert tab.title() == "Votes explorer · comity"
    charts_drawn(tab, ["ideal", "blocs"])
    assert tab.locator("p.bloc").count() >= 2
    shoot(tab, "votes")
    tab.fill("input[name=states]:not([type=hidden])", "USA,CHN,RUS,GBR")
    tab.locator("form:has(input[name=states]:not([type=hidden])) button[type=submit]").click()
    tab.wait_for_url("**/votes?states=USA%2CCHN%2CRUS%2CGBR**")
    charts_drawn(tab, ["ideal"])
    legend = tab.locator("#chart-ideal .legendtext").all_text_contents()
    assert sorted(legend) == ["CHN", "GBR", "RUS", "USA"]


def test_browser_pages_fit_a_phone(browser: Any, live_server: str) -> None:
    context = browser.new_context(
        base_url=live_server,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    tab = context.new_page()
    console = Console()
    console.watch(tab)
    for path, name in (
        ("/", "phone-home"),
        (f"/coalitions/{GOF}", "phone-coalition"),
        ("/actors/CHN", "phone-actor"),
    ):
        tab.goto(path)
        tab.wait_for_load_state("networkidle")
        overflow = tab.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 1, f"{path} is {overflow}px wider than a phone"
        shoot(tab, name)
    context.close()
    assert console.errors == []


def test_browser_api_docs_render_offline(page: tuple[Any, Console]) -> None:
    tab, _ = page
    requests: list[str] = []
    tab.on("request", lambda request: requests.append(request.url))
    tab.goto("/docs")
    tab.wait_for_selector(".swagger-ui .opblock", state="attached")
    assert tab.locator(".opblock").count() >= 15
    shoot(tab, "api-docs")
    base = tab.url.split("/docs")[0]
    assert all(url.startswith(base) or url.startswith("data:") for url in requests), requests


def test_browser_unknown_actor_page_suggests_matches(browser: Any, live_server: str) -> None:
    context = browser.new_context(base_url=live_server)
    tab = context.new_page()
    response = tab.goto("/actors/Frannce")
    assert response is not None and response.status == 404
    assert "France (FRA)" in tab.locator("h1").inner_text()
    context.close()
