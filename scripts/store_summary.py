"""Print a store's rows per table and source, with a checksum of each table's content.

Used to show that building from the upstream files gives the same store as before:

    python scripts/store_summary.py [STORE]           # default: $COMITY_DB or comity's default store

The checksum covers every column except ``source_ref`` (which names the file and row a fact
comes from, and so changes with the file read); ``--with-refs`` includes it.
"""

from __future__ import annotations

import argparse
import hashlib

import duckdb

from comity.store import Store

TABLES = (
    "sources",
    "states",
    "organisations",
    "aliases",
    "people",
    "roles",
    "memberships",
    "membership_events",
    "roll_calls",
    "votes",
    "vetoes",
)


def summary(con: duckdb.DuckDBPyConnection, *, with_refs: bool = False) -> list[str]:
    lines = []
    for table in TABLES:
        columns = [
            str(r[0])
            for r in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ? "
                "ORDER BY ordinal_position",
                [table],
            ).fetchall()
        ]
        kept = [c for c in columns if with_refs or c != "source_ref"]
        cols = ", ".join(f'"{c}"' for c in kept)
        rows = con.execute(f'SELECT {cols} FROM "{table}" ORDER BY ALL').fetchall()
        digest = hashlib.sha256("\n".join(map(repr, rows)).encode()).hexdigest()[:16]
        by_source = con.execute(f'SELECT source_id, count(*) FROM "{table}" GROUP BY 1 ORDER BY 1').fetchall()
        parts = ", ".join(f"{s} {n:,}" for s, n in by_source)
        lines.append(f"{table:<18} {len(rows):>10,}  sha256:{digest}  ({parts})")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("store", nargs="?", help="path of the store (default: comity's default)")
    parser.add_argument("--with-refs", action="store_true", help="include source_ref in the checksum")
    args = parser.parse_args()
    store = Store.open(args.store, read_only=True)
    print("\n".join(summary(store.con, with_refs=args.with_refs)))


if __name__ == "__main__":
    main()
