"""Draw the README's vote figures with the notebook API, as a reader's notebook would.

Runs the worked example of the README ("A notebook session") and saves each figure it returns
to ``docs/``. Every figure is comity's own output from the shipped data.

Usage::

    python scripts/make_readme_figures.py
"""

from __future__ import annotations

from pathlib import Path

from comity.votes import (
    alignment,
    cohesion,
    ideal_points_table,
    plot_alignment,
    plot_cohesion,
    plot_ideal_points,
    read_repeated_roll_calls,
    read_votes,
)

DOCS = Path(__file__).resolve().parents[1] / "docs"


def main() -> None:
    votes = read_votes()  # General Assembly, 1946-2024; the USSR's votes are SUN's until 1991
    pairs = alignment(votes, ["USA", "CHN", "RUS"], start=1991, metrics=["agree"], n_boot=200)
    plot_alignment(pairs).savefig(DOCS / "alignment-usa-chn-rus.png")

    group = cohesion(votes, "GROUP_OF_FRIENDS_IN_DEFENSE_OF_THE_UN_CHARTER", start=1991)
    title = "Group of Friends in Defense of the UN Charter\nAgreement Index against random groups"
    plot_cohesion(group, title=title).savefig(DOCS / "cohesion-group-of-friends.png")

    ideal = ideal_points_table(votes, 1991, 2024, repeats=read_repeated_roll_calls(), n_boot=20)
    figure = plot_ideal_points(ideal, states=["USA", "CHN", "RUS"], title="Ideal points, 95% bootstrap bands")
    figure.savefig(DOCS / "ideal-points-usa-chn-rus.png")
    for name in ("alignment-usa-chn-rus", "cohesion-group-of-friends", "ideal-points-usa-chn-rus"):
        print(f"wrote docs/{name}.png")


if __name__ == "__main__":
    main()
