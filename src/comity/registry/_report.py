"""The registry README's table of bodies: each body's sources and coverage, made from the data."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comity.registry._registry import Registry

__all__ = ["COVERAGE_BEGIN", "COVERAGE_END", "coverage_markdown"]

COVERAGE_BEGIN = "<!-- coverage table: made by scripts/registry_coverage.py, do not edit -->"
COVERAGE_END = "<!-- end of coverage table -->"


def coverage_markdown(registry: Registry) -> str:
    """A Markdown table: one row per body with its own (non-COW) spells or coverage rows.

    The COW IGOs without other data are summed up in one line: complete as COW codes them to
    2014, unknown after.
    """
    spells = registry.store.query(
        """SELECT body_id, list(DISTINCT source_id ORDER BY source_id) AS sources, count(*) AS n
           FROM memberships WHERE source_id <> 'cow_igo' GROUP BY body_id"""
    )
    coverage = registry.coverage_table()
    own = set(spells["body_id"]) | set(coverage.loc[coverage["source_id"] != "cow_igo", "body_id"])
    lines = [
        "| body | name | spells | sources | coverage (status, kinds, period, how) |",
        "| --- | --- | ---: | --- | --- |",
    ]
    by_body = spells.set_index("body_id")
    for body in sorted(own):
        rows = coverage[coverage["body_id"] == body]
        periods = [
            f"{r.status}{' (' + r.kind + ')' if isinstance(r.kind, str) and r.kind else ''} "
            f"{r.known_from or '…'} to {r.known_to or 'today'}: {r.how} [{r.source_id}]"
            for r in rows.itertuples(index=False)
        ]
        sources = ", ".join(by_body.loc[body, "sources"]) if body in by_body.index else ""
        n = int(by_body.loc[body, "n"]) if body in by_body.index else 0
        text = "<br>".join(_cell(p) for p in periods) or "unknown: no coverage row"
        lines.append(
            f"| {body} | {_cell(registry.name_of(body, 'organisation'))} | {n} | {sources} | {text} |"
        )
    cow_only = sorted(set(coverage.loc[coverage["source_id"] == "cow_igo", "body_id"]) - own)
    lines.append(
        f"| *{len(cow_only)} COW IGOs* | other intergovernmental organisations of COW IGO v3 | | cow_igo | "
        "complete as coded by COW to 2014; unknown after |"
    )
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return str(text).replace("|", "/").replace("\n", " ")
