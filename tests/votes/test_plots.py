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
    written = plot_alignment(table, tmp_path / f"align{suffix}")
    head = written.read_bytes()[:200]
    expected = {".png": b"\x89PNG", ".svg": b"<svg", ".html": b"<html"}[suffix]
    assert expected in head or (suffix == ".svg" and b"<?xml" in head)
    group = cohesion(votes, ["A", "B"], n_draws=20, random_state=0)
    assert plot_cohesion(group, tmp_path / f"cohesion{suffix}").stat().st_size > 1000
    ideal = pd.DataFrame(
        {
            "iso3": ["USA", "USA", "CHN", "CHN"],
            "year": [2000, 2001, 2000, 2001],
            "ideal": [1.2, 1.3, -0.5, -0.7],
            "se": [0.1, 0.1, 0.2, 0.2],
        }
    )
    assert plot_ideal_points(ideal, tmp_path / f"ideal{suffix}", states=["USA"]).stat().st_size > 1000


def test_html_plot_is_self_contained(votes: pd.DataFrame, tmp_path: Path) -> None:
    table = alignment(votes, ["A", "B"], metrics=["agree"])
    text = plot_alignment(table, tmp_path / "a.html").read_text(encoding="utf-8")
    assert '<script src="http' not in text and "plotly" in text.lower()


def test_plots_reject_unknown_extension_and_empty_table(votes: pd.DataFrame, tmp_path: Path) -> None:
    table = alignment(votes, ["A", "B"], metrics=["agree"])
    with pytest.raises(BadInput, match="unknown extension .gif"):
        plot_alignment(table, tmp_path / "a.gif")
    with pytest.raises(BadInput, match="empty"):
        plot_alignment(table.iloc[0:0], tmp_path / "a.png")
    with pytest.raises(BadInput, match="lacks column"):
        plot_cohesion(table, tmp_path / "c.png")
