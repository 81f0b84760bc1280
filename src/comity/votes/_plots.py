"""Figures of vote analyses, for notebooks and files.

Each function takes the tidy DataFrame the matching analysis returns and returns a figure:
a matplotlib :class:`~matplotlib.figure.Figure` (shown inline by Jupyter), or a plotly figure
with ``backend="plotly"``. Given a ``path`` it also writes the figure there, the extension
picking the format (.png, .svg, .pdf through matplotlib; self-contained .html through plotly).
Without a path nothing is written.

Years flagged ``thin`` (too few roll calls to say much) are drawn as hollow markers; years
flagged ``projected`` (before a group existed) are shaded grey and dotted.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from comity.errors import BadInput

__all__ = ["plot_alignment", "plot_cohesion", "plot_ideal_points"]

_STATIC = {".png", ".svg", ".pdf"}
_HTML = {".html", ".htm"}

Backend = Literal["matplotlib", "plotly"]


@dataclass
class _Line:
    label: str
    x: list[float]
    y: list[float]
    lo: list[float] | None = None
    hi: list[float] | None = None
    dash: bool = False
    thin: list[bool] | None = None


@dataclass
class _Figure:
    title: str
    ylabel: str
    lines: list[_Line] = field(default_factory=list)
    #: Years shaded as projected (before the group existed).
    projected: list[float] = field(default_factory=list)


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


def _matplotlib(figure: _Figure) -> Any:
    # A bare Figure, not pyplot: no global state, no backend switch in the user's notebook, and
    # Jupyter still shows it inline when it is the value of a cell.
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D

    fig = Figure(figsize=(9, 5), layout="constrained")
    ax = fig.add_subplot()
    if figure.projected:
        first, last = min(figure.projected), max(figure.projected)
        ax.axvspan(
            first - 0.5, last + 0.5, color="0.85", zorder=0, label="projected (before the group existed)"
        )
    for line in figure.lines:
        drawn = ax.plot(line.x, line.y, label=line.label, linestyle="--" if line.dash else "-", marker=".")
        colour = drawn[0].get_color()
        if line.lo is not None and line.hi is not None:
            ax.fill_between(line.x, line.lo, line.hi, alpha=0.2, color=colour, linewidth=0)
        if line.thin is not None and any(line.thin):
            xs = [x for x, t in zip(line.x, line.thin, strict=True) if t]
            ys = [y for y, t in zip(line.y, line.thin, strict=True) if t]
            ax.plot(xs, ys, linestyle="none", marker="o", markersize=8, markerfacecolor="white", color=colour)
    handles, labels = ax.get_legend_handles_labels()
    if any(line.thin is not None and any(line.thin) for line in figure.lines):
        handles.append(
            Line2D([], [], linestyle="none", marker="o", markerfacecolor="white", color="0.3", markersize=8)
        )
        labels.append("thin year (few roll calls)")
    ax.set_title(figure.title)
    ax.set_xlabel("year")
    ax.set_ylabel(figure.ylabel)
    ax.grid(alpha=0.3)
    ax.legend(handles, labels, fontsize="small", ncol=2)
    return fig


def _plotly(figure: _Figure) -> Any:
    import plotly.graph_objects as go

    fig = go.Figure()
    if figure.projected:
        fig.add_vrect(
            x0=min(figure.projected) - 0.5,
            x1=max(figure.projected) + 0.5,
            fillcolor="lightgrey",
            opacity=0.4,
            line_width=0,
            annotation_text="projected",
        )
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
        symbols = ["circle-open" if t else "circle" for t in (line.thin or [False] * len(line.x))]
        fig.add_trace(
            go.Scatter(
                x=line.x,
                y=line.y,
                mode="lines+markers",
                name=line.label,
                marker={"symbol": symbols, "size": [10 if s == "circle-open" else 6 for s in symbols]},
                line={"dash": "dash" if line.dash else "solid"},
            )
        )
    fig.update_layout(
        title=figure.title, xaxis_title="year", yaxis_title=figure.ylabel, template="plotly_white"
    )
    return fig


def _render(figure: _Figure, path: str | Path | None, backend: Backend) -> Any:
    if backend not in ("matplotlib", "plotly"):
        raise BadInput(f"backend must be 'matplotlib' or 'plotly', not {backend!r}")
    target = None if path is None else Path(path)
    if target is not None:
        kind = _format_of(target)
        if target.parent and not target.parent.exists():
            raise BadInput(f"cannot write {target}: the folder {target.parent} does not exist")
        backend = "plotly" if kind == "html" else "matplotlib"
    fig = _plotly(figure) if backend == "plotly" else _matplotlib(figure)
    if target is not None:
        if backend == "plotly":
            fig.write_html(str(target), include_plotlyjs=True, full_html=True)
        else:
            fig.savefig(target)
    return fig


def _require(table: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise BadInput(f"the {what} table lacks column(s) {', '.join(missing)}")
    if table.empty:
        raise BadInput(f"the {what} table is empty: nothing to plot")


def _thin(rows: pd.DataFrame) -> list[bool] | None:
    return rows["thin"].astype(bool).tolist() if "thin" in rows.columns else None


def plot_alignment(
    table: pd.DataFrame,
    path: str | Path | None = None,
    *,
    metric: str = "agree",
    title: str | None = None,
    backend: Backend = "matplotlib",
) -> Any:
    """Alignment over time, one line per pair of states (from :func:`alignment` with ``by='year'``).

    Returns the figure; writes it to ``path`` when given. With ``<metric>_lo``/``_hi`` columns
    (bootstrap), draws the 95% band.
    """
    _require(table, ["iso3_a", "iso3_b", "year", metric], "alignment")
    figure = _Figure(title or f"UN General Assembly voting alignment ({metric})", metric)
    for (a, b), rows in table.sort_values("year").groupby(["iso3_a", "iso3_b"], sort=True):
        years, values = rows["year"].astype(float).tolist(), rows[metric].astype(float).tolist()
        line = _Line(f"{a}–{b}", years, values, thin=_thin(rows))
        if f"{metric}_lo" in rows.columns:
            line.lo = rows[f"{metric}_lo"].astype(float).tolist()
            line.hi = rows[f"{metric}_hi"].astype(float).tolist()
        figure.lines.append(line)
    return _render(figure, path, backend)


def plot_ideal_points(
    table: pd.DataFrame,
    path: str | Path | None = None,
    *,
    states: Sequence[str] | None = None,
    title: str | None = None,
    backend: Backend = "matplotlib",
) -> Any:
    """Ideal point trajectories with 95% bands (``iso3, year, ideal, se``), for ``states`` or all.

    The band uses ``se_boot`` when the table has it (parametric bootstrap), else ``se``.
    Returns the figure; writes it to ``path`` when given.
    """
    _require(table, ["iso3", "year", "ideal"], "ideal points")
    if states is not None:
        missing = sorted(set(states) - set(table["iso3"]))
        if missing:
            raise BadInput(
                f"no ideal points for {', '.join(missing)}", hint="Check the ISO3 codes and the period."
            )
    chosen = table if states is None else table[table["iso3"].isin(list(states))]
    figure = _Figure(title or "Ideal points (USA positive)", "ideal point")
    spread = "se_boot" if "se_boot" in chosen.columns else "se"
    for iso3, rows in chosen.sort_values("year").groupby("iso3", sort=True):
        ideal = rows["ideal"].astype(float)
        line = _Line(str(iso3), rows["year"].astype(float).tolist(), ideal.tolist(), thin=_thin(rows))
        if spread in rows.columns and rows[spread].notna().all():
            se = rows[spread].astype(float)
            line.lo, line.hi = (ideal - 1.96 * se).tolist(), (ideal + 1.96 * se).tolist()
        figure.lines.append(line)
    return _render(figure, path, backend)


def plot_cohesion(
    table: pd.DataFrame,
    path: str | Path | None = None,
    *,
    index: str = "ai",
    title: str | None = None,
    backend: Backend = "matplotlib",
) -> Any:
    """A group's cohesion per year against the 95% band of random groups (from :func:`cohesion`).

    Thin years are hollow markers, projected years shaded. Returns the figure; writes it to
    ``path`` when given.
    """
    if index not in ("ai", "rice"):
        raise BadInput(f"index must be 'ai' or 'rice', not {index!r}")
    needed = ["year", index, f"{index}_random_mean", f"{index}_random_lo", f"{index}_random_hi"]
    _require(table, needed, "cohesion")
    years = table["year"].astype(float).tolist()
    label = "Agreement Index" if index == "ai" else "Rice index"
    figure = _Figure(title or f"Cohesion ({label}) against random groups of the same size", label)
    if "projected" in table.columns:
        figure.projected = table.loc[table["projected"].astype(bool), "year"].astype(float).tolist()
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
    figure.lines.append(_Line("group", years, table[index].astype(float).tolist(), thin=_thin(table)))
    return _render(figure, path, backend)
