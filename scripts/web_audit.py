"""Audit the web app's pages in a real browser: sideways scroll on a 390 px phone and axe-core's
accessibility violations by impact, one line per page.

Runs against a live server (``comity serve``) with Debian's chromium through Playwright and
axe-core (the ``axe-playwright-python`` package). The browser tests check the same things
(``tests/web/test_browser_phone_a11y.py``); this script prints the figures.

Usage::

    comity serve --port 8731 &
    python scripts/web_audit.py --base http://127.0.0.1:8731 [--chromium PATH]
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from typing import Any

#: One page of each kind the app serves (the story and document are found from the home page).
PAGES = (
    "/",
    "/search?q=united",
    "/actors/USA",
    "/actors/ZAF",
    "/actors/WHO",
    "/actors/sergey_lavrov",
    "/coalitions/GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER",
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
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def first_link(tab: Any, base: str, prefix: str) -> str:
    href = tab.locator(f"a[href^='{prefix}']").first.get_attribute("href")
    if not href:
        raise SystemExit(f"no link to {prefix} on {tab.url}")
    return href


def resolve(tab: Any, base: str, path: str) -> str:
    if path == "STORY":
        tab.goto(base + "/")
        return first_link(tab, base, "/stories/")
    if path == "DOCUMENT":
        tab.goto(base + "/")
        tab.goto(base + first_link(tab, base, "/stories/"))
        return first_link(tab, base, "/documents/")
    return path


def audit(tab: Any, base: str, path: str) -> dict[str, Any]:
    from axe_playwright_python.sync_playwright import Axe

    tab.goto(base + path)
    tab.wait_for_load_state("networkidle")
    width = int(tab.evaluate("document.scrollingElement.scrollWidth"))
    result = Axe().run(tab)
    impacts = collections.Counter(v["impact"] for v in result.response["violations"])
    rules = sorted({f"{v['id']}({v['impact']})" for v in result.response["violations"]})
    return {"path": path, "width": width, "impacts": dict(impacts), "rules": rules}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="http://127.0.0.1:8000", help="The server's base URL.")
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="The chromium binary.")
    parser.add_argument("--json", action="store_true", help="One JSON object per page.")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    total: collections.Counter[str] = collections.Counter()
    widest = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
        for name, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            context = browser.new_context(viewport=viewport, is_mobile=name == "phone")
            tab = context.new_page()
            tab.set_default_timeout(60_000)
            for page in PAGES:
                row = audit(tab, args.base, resolve(tab, args.base, page))
                row["viewport"] = name
                total.update({f"{name}:{k}": n for k, n in row["impacts"].items()})
                if name == "phone":
                    widest = max(widest, row["width"])
                if args.json:
                    print(json.dumps(row))
                else:
                    counts = " ".join(f"{k}={n}" for k, n in sorted(row["impacts"].items())) or "clean"
                    print(f"{name:7} {row['width']:5}px  {counts:40} {row['path']}  {' '.join(row['rules'])}")
            context.close()
        browser.close()
    print(f"widest page at 390 px: {widest}px; axe violations by impact: {dict(sorted(total.items()))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
