"""Refresh the README's screenshots of the web app.

The browser tests (``pytest -m browser tests/web``) save a screenshot of every page they open in
``tests/web/screenshots/`` (not committed). This script copies the set the README shows to
``docs/screenshots/``; with ``--run`` it runs the browser tests first.

Usage::

    python scripts/screenshots.py [--run]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "web" / "screenshots"
TARGET = ROOT / "docs" / "screenshots"
#: The pages the README shows, in its order.
PAGES = (
    "home",
    "home-suggestions",
    "actor-usa",
    "actor-person",
    "coalition-group-of-friends",
    "story",
    "document",
    "votes",
    "phone-coalition",
)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--run", action="store_true", help="Run the browser tests first.")
    args = parser.parse_args()
    if args.run:
        command = [sys.executable, "-m", "pytest", "-m", "browser", "-q", str(ROOT / "tests" / "web")]
        if subprocess.run(command, cwd=ROOT, check=False).returncode != 0:
            print("the browser tests failed; screenshots not copied", file=sys.stderr)
            return 1
    missing = [name for name in PAGES if not (SOURCE / f"{name}.png").is_file()]
    if missing:
        print(f"no screenshot of {', '.join(missing)} in {SOURCE}; run with --run", file=sys.stderr)
        return 1
    TARGET.mkdir(parents=True, exist_ok=True)
    for name in PAGES:
        shutil.copyfile(SOURCE / f"{name}.png", TARGET / f"{name}.png")
        print(f"{TARGET / name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
