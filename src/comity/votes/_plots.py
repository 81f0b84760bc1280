"""Figures of vote analyses: PNG, SVG or PDF through matplotlib, self-contained HTML through plotly.

The file extension picks the format. Each function takes the tidy DataFrame the matching
analysis returns and writes one figure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from comity.errors import BadInput

__all__ = ["plot_alignment", "plot_cohesion", "plot_ideal_points"]

_STATIC = {".png", ".svg", ".pdf"}
_HTML = {".html", ".htm"}


@dataclass
class _Line:
    label: str
    x: list[float]
    y: list[float]
    lo: list[float] | None = None
    hi: list[float] | None = None
    dash: bool = False


@dataclass
class _Figure:
    title: str
    ylabel: str
    lines: list[_Line] = field(default_factory=list)


def _format_of(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix in _STATIC:
        return "static"
    if suffix in _HTML:
        return "html"
    raise BadInput(
        f"cannot write a figure to {path}: unknown extension {suffix or '(none)'}",
        hint="Use .png, .svg, .pdf or .html.",
    )


def _render(figure: _Figure, path: str | Path) -> Path:
    target = Path(path)
    kind = _format_of(target)
    if target.parent and not target.parent.exists():
        raise BadInput(f"cannot write {target}: the folder {target.parent} does not exist")
    if kind == "static":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
        for line in figure.lines:
            drawn = ax.plot(
                line.x, line.y, label=line.label, linestyle="--" if line.dash else "-", marker="."
            )
            if line.lo is not None and line.hi is not None:
                ax.fill_between(line.x, line.lo, line.hi, alpha=0.2, color=drawn[0].get_color(), linewidth=0)
        ax.set_title(figure.title)
        ax.set_xlabel("year")
        ax.set_ylabel(figure.ylabel)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small", ncol=2)
        fig.savefig(target)
        plt.close(fig)
    else:
        import plotly.graph_objects as go

        fig = go.Figure()
        for line in figure.lines:
            if line.lo is not None and line.hi is not None:
                fig.add_trace(
                    go.Scatter(
                        x=line.x + line.x[::-1],
                        y=line.hi + line.lo[::-1],
                        fill="toself",
                        opacity=0.2,
                        line={"width": 0},
                        name=f"{line.label} (band)",
                        hoverinfo="skip",
                        showlegend=False,
                    )
                )
            fig.add_trace(
                go.Scatter(
                    x=line.x,
                    y=line.y,
                    mode="lines+markers",
                    name=line.label,
                    line={"dash": "dash" if line.dash else "solid"},
                )
            )
        fig.update_layout(
            title=figure.title, xaxis_title="year", yaxis_title=figure.ylabel, template="plotly_white"
        )
        fig.write_html(str(target), include_plotlyjs=True, full_html=True)
    return target


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise BadInput(f"the {what} table lacks column(s) {', '.join(missing)}")
    if table.empty:
        raise BadInput(f"the {what} table is empty: nothing to plot")


def plot_alignment(
    table: pd.DataFrame, path: str | Path, *, metric: str = "agree", title: str | None = None
) -> Path:
    """Alignment over time, one line per pair of states (from :func:`alignment` with ``by='year'``)."""
    _require(table, ["iso3_a", "iso3_b", "year", metric], "alignment")
    figure = _Figure(title or f"UN General Assembly voting alignment ({metric})", metric)
    for (a, b), rows in table.sort_values("year").groupby(["iso3_a", "iso3_b"], sort=True):
        figure.lines.append(
            _Line(f"{a}–{b}", rows["year"].astype(float).tolist(), rows[metric].astype(float).tolist())
        )
    return _render(figure, path)


def plot_ideal_points(
    table: pd.DataFrame, path: str | Path, *, states: Sequence[str] | None = None, title: str | None = None
) -> Path:
    """Ideal point trajectories with 95% bands (``iso3, year, ideal, se``), for ``states`` or all."""
    _require(table, ["iso3", "year", "ideal"], "ideal points")
    chosen = table if states is None else table[table["iso3"].isin(list(states))]
    if chosen.empty:
        raise BadInput(f"no ideal points for {', '.join(states or [])}")
    figure = _Figure(title or "Ideal points (USA positive)", "ideal point")
    for iso3, rows in chosen.sort_values("year").groupby("iso3", sort=True):
        ideal = rows["ideal"].astype(float)
        line = _Line(str(iso3), rows["year"].astype(float).tolist(), ideal.tolist())
        if "se" in rows.columns and rows["se"].notna().all():
            se = rows["se"].astype(float)
            line.lo, line.hi = (ideal - 1.96 * se).tolist(), (ideal + 1.96 * se).tolist()
        figure.lines.append(line)
    return _render(figure, path)


def plot_cohesion(
    table: pd.DataFrame, path: str | Path, *, index: str = "ai", title: str | None = None
) -> Path:
    """A group's cohesion per year against the 95% band of random groups (from :func:`cohesion`)."""
    if index not in ("ai", "rice"):
        raise BadInput(f"index must be 'ai' or 'rice', not {index!r}")
    needed = ["year", index, f"{index}_random_mean", f"{index}_random_lo", f"{index}_random_hi"]
    _require(table, needed, "cohesion")
    years = table["year"].astype(float).tolist()
    label = "Agreement Index" if index == "ai" else "Rice index"
    figure = _Figure(title or f"Cohesion ({label}) against random groups of the same size", label)
    figure.lines.append(
        _Line(
            "random groups (mean, 95% band)",
            years,
            table[f"{index}_random_mean"].astype(float).tolist(),
            table[f"{index}_random_lo"].astype(float).tolist(),
            table[f"{index}_random_hi"].astype(float).tolist(),
            dash=True,
        )
    )
    figure.lines.append(_Line("group", years, table[index].astype(float).tolist()))
    return _render(figure, path)
