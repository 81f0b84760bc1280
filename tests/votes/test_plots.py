from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from comity.errors import BadInput
from comity.votes import alignment, cohesion, plot_alignment, plot_cohesion, plot_ideal_points

from .conftest import planted_votes


@pytest.fixture(scope="module")
def votes() -> pd.DataFrame:
    return pd.concat(
        [
            planted_votes([["A", "B"], ["C"], ["D"], ["E"]], n_calls=15, year=y, seed=y)
            for y in (2000, 2001, 2002)
        ],
        ignore_index=True,
    )


@pytest.mark.parametrize("suffix", [".png", ".svg", ".html"])
def test_plots_write_each_format(votes: pd.DataFrame, tmp_path: Path, suffix: str) -> None:
    table = alignment(votes, ["A", "B", "C"], metrics=["agree"])
    written = tmp_path / f"align{suffix}"
    plot_alignment(table, written)
    head = written.read_bytes()[:200]
    expected = {".png": b"\x89PNG", ".svg": b"<svg", ".html": b"<html"}[suffix]
    assert expected in head or (suffix == ".svg" and b"<?xml" in head)
    group = cohesion(votes, ["A", "B"], n_draws=20, random_state=0)
    plot_cohesion(group, tmp_path / f"cohesion{suffix}")
    assert (tmp_path / f"cohesion{suffix}").stat().st_size > 1000
    ideal = pd.DataFrame(
        {
            "iso3": ["USA", "USA", "CHN", "CHN"],
            "year": [2000, 2001, 2000, 2001],
            "ideal": [1.2, 1.3, -0.5, -0.7],
            "se": [0.1, 0.1, 0.2, 0.2],
        }
    )
    plot_ideal_points(ideal, tmp_path / f"ideal{suffix}", states=["USA"])
    assert (tmp_path / f"ideal{suffix}").stat().st_size > 1000


def test_html_plot_is_self_contained(votes: pd.DataFrame, tmp_path: Path) -> None:
    table = alignment(votes, ["A", "B"], metrics=["agree"])
    plot_alignment(table, tmp_path / "a.html")
    text = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert '<script src="http' not in text and "plotly" in text.lower()


def test_plots_reject_unknown_extension_and_empty_table(votes: pd.DataFrame, tmp_path: Path) -> None:
    table = alignment(votes, ["A", "B"], metrics=["agree"])
    with pytest.raises(BadInput, match="unknown extension .gif"):
        plot_alignment(table, tmp_path / "a.gif")
    with pytest.raises(BadInput, match="empty"):
        plot_alignment(table.iloc[0:0], tmp_path / "a.png")
    with pytest.raises(BadInput, match="lacks column"):
        plot_cohesion(table, tmp_path / "c.png")


def test_plots_return_figures_and_write_only_when_given_a_path(votes: pd.DataFrame, tmp_path: Path) -> None:
    from matplotlib.figure import Figure

    table = alignment(votes, ["A", "B", "C"], metrics=["agree"], n_boot=20)
    figure = plot_alignment(table)  # no path: a figure for the notebook, nothing written
    assert isinstance(figure, Figure) and len(figure.axes[0].collections) == 3  # the bootstrap bands
    assert list(tmp_path.iterdir()) == []
    interactive = plot_alignment(table, backend="plotly")
    assert type(interactive).__name__ == "Figure" and interactive.to_dict()["data"]
    html = tmp_path / "a.html"
    assert type(plot_alignment(table, html)).__module__.startswith("plotly") and html.exists()
    with pytest.raises(BadInput, match="backend"):
        plot_alignment(table, backend="bokeh")  # type: ignore[arg-type]


def test_cohesion_plot_marks_thin_and_projected_years(votes: pd.DataFrame) -> None:
    group = cohesion(votes, ["A", "B"], n_draws=20)
    group.loc[group["year"] == 2000, "projected"] = True
    figure = plot_cohesion(group)
    ax = figure.axes[0]
    assert "projected (before the group existed)" in ax.get_legend_handles_labels()[1]
    hollow = [line for line in ax.get_lines() if line.get_markerfacecolor() == "white"]
    assert hollow and len(hollow[0].get_xdata()) == 3  # every year has 15 roll calls: all thin
    with pytest.raises(BadInput, match="no ideal points for FOO"):
        plot_ideal_points(
            pd.DataFrame({"iso3": ["USA"], "year": [2000], "ideal": [1.0]}), states=["USA", "FOO"]
        )
