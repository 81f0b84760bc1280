"""Write the table of bodies, their sources and coverage into src/comity/registry/data/README.md.

    python scripts/registry_coverage.py          # print the table
    python scripts/registry_coverage.py --write  # replace the table in the README

The table is made from the built registry (coverage.csv, the coverage the build derives, and the
membership spells); tests/registry/test_coverage_readme.py checks that the README holds it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from comity.registry import Registry, data_dir
from comity.registry._report import COVERAGE_BEGIN, COVERAGE_END, coverage_markdown


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--write", action="store_true", help="Replace the table in the registry README.")
    args = parser.parse_args()
    table = coverage_markdown(Registry.default())
    if not args.write:
        print(table, end="")
        return
    readme = Path(data_dir()) / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(COVERAGE_BEGIN), text.index(COVERAGE_END)
    readme.write_text(
        text[: start + len(COVERAGE_BEGIN)] + "\n\n" + table + "\n" + text[end:], encoding="utf-8"
    )
    print(f"wrote {readme}")


if __name__ == "__main__":
    main()
