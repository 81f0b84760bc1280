"""Take the README's screenshots of the web app, on a desktop and on a 390 px phone.

Serves a built store (``comity build``, news read with ``comity read DIR --store``) on a free
loopback port, waits for the ideal points, and drives chromium through Playwright over the pages;
the PNG files go to ``docs/screenshots/``. Desktop shots show up to the first 2,000 pixels of a page,
phone shots what a phone shows first.

Usage::

    python scripts/screenshots.py [--db STORE] [--chromium PATH] [--out DIR]
"""

from __future__ import annotations

import argparse
import os
import socket
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
GOF = "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
#: Tallest desktop shot (a state's page is several thousand pixels long).
TALLEST = 2000


def type_search(tab: Any) -> None:
    tab.locator("#home-search").press_sequentially("Beij", delay=60)
    tab.locator(".hero .suggestions a", has_text="China").first.wait_for()


#: (file name, page, what to do there first, the element to take alone or None for the page) for
#: each viewport. No whole story, document or person page: they show the news texts and quotations,
#: which are their publishers', not ours to commit (a person's roles table alone is registry data).
Shot = tuple[str, str, Callable[[Any], None] | None, str | None]
SHOTS: dict[str, list[Shot]] = {
    "desktop": [
        ("home", "/", None, None),
        ("home-suggestions", "/", type_search, None),
        ("actor-usa", "/actors/USA", None, None),
        ("coalition-group-of-friends", f"/coalitions/{GOF}", None, None),
        ("votes", "/votes?states=USA,CHN,RUS,ZAF", None, None),
        ("votes-blocs-1975", "/votes?states=ZAF,USA&year=1975", None, "figure.chart-box:has(#chart-blocs)"),
        ("person-roles", "/actors/kofi_annan", None, "section:has(p[data-table=roles])"),
    ],
    "phone": [
        ("phone-home", "/", None, None),
        ("phone-actor-usa", "/actors/USA", None, None),
        ("phone-coalition", f"/coalitions/{GOF}", None, None),
        ("phone-votes", "/votes", None, None),
    ],
}


def serve(db: Path) -> tuple[str, Callable[[], None]]:
    """The app over ``db`` served by uvicorn in a thread; its base URL and a function stopping it."""
    import uvicorn

    from comity.web import create_app

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server = uvicorn.Server(
        uvicorn.Config(create_app(db), host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        if not thread.is_alive():
            raise SystemExit("the server did not start")
        time.sleep(0.05)

    def stop() -> None:
        server.should_exit = True
        thread.join(timeout=10)

    return f"http://127.0.0.1:{port}", stop


def wait_for_ideal_points(base: str, timeout: float = 600) -> None:
    deadline = time.monotonic() + timeout
    with httpx.Client(base_url=base, timeout=60) as http:
        while time.monotonic() < deadline:
            status = str(http.get("/api/status").json().get("ideal_points", ""))
            if status.startswith(("ready", "failed", "not")):
                return
            time.sleep(1)
    raise SystemExit("the ideal points were not estimated in time")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--db", type=Path, default=os.environ.get("COMITY_DB"), help="The store (default $COMITY_DB)."
    )
    parser.add_argument("--chromium", default="/usr/bin/chromium", help="The chromium binary.")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "docs" / "screenshots", help="Where the PNG files go."
    )
    args = parser.parse_args()
    if args.db is None or not Path(args.db).is_file():
        print("no store: give --db STORE or set COMITY_DB (build one with `comity build`)", file=sys.stderr)
        return 2
    from playwright.sync_api import sync_playwright

    base, stop = serve(Path(args.db))
    try:
        wait_for_ideal_points(base)
        args.out.mkdir(parents=True, exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            for viewport, shots in SHOTS.items():
                phone = viewport == "phone"
                context = browser.new_context(
                    base_url=base,
                    viewport=PHONE if phone else DESKTOP,
                    device_scale_factor=2 if phone else 1,
                    is_mobile=phone,
                    has_touch=phone,
                )
                tab = context.new_page()
                tab.set_default_timeout(120_000)
                for name, path, action, element in shots:
                    tab.goto(path)
                    tab.wait_for_load_state("networkidle")
                    if action is not None:
                        action(tab)
                        tab.wait_for_load_state("networkidle")
                    target = args.out / f"{name}.png"
                    if element is not None:
                        tab.locator(element).screenshot(path=str(target))
                    elif phone:
                        tab.screenshot(path=str(target))
                    else:
                        height = min(TALLEST, int(tab.evaluate("document.scrollingElement.scrollHeight")))
                        clip = {"x": 0, "y": 0, "width": DESKTOP["width"], "height": height}
                        tab.screenshot(path=str(target), full_page=True, clip=clip)
                    print(target.relative_to(ROOT) if target.is_relative_to(ROOT) else target)
                context.close()
            browser.close()
    finally:
        stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
