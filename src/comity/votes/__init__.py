"""UN roll-call votes: loaders, alignment, cohesion, blocs, ideal points and plots.

>>> from comity.votes import read_votes, alignment
>>> votes = read_votes()                       # GA roll calls 1946-2024 shipped with comity
>>> alignment(votes, ["USA", "CHN", "RUS"], start=1991)  # doctest: +SKIP
"""

from comity.votes._alignment import METRICS, agreement_matrices, agreement_matrix, alignment, pair_indices
from comity.votes._blocs import VotingBlocs, adjusted_rand_index, normalized_mutual_info
from comity.votes._cohesion import bloc_since, cohesion, cohesion_indices, group_members
from comity.votes._ideal import ConvergenceWarning, DynamicIdealPoints, IdealPoints, ideal_points_table
from comity.votes._load import (
    DEFAULT_GA_SOURCES,
    ISSUE_CODES,
    VoteTables,
    load_all,
    load_undl_csv,
    load_undl_resolutions,
    load_unvotes,
    load_unvotes_2020,
    load_vetoes,
    read_repeated_roll_calls,
    read_undl_csv,
    read_undl_resolutions,
    read_unvotes,
    read_unvotes_2020,
    read_vetoes,
    read_votes,
    votes_in_store,
)
from comity.votes._plots import plot_alignment, plot_cohesion, plot_ideal_points
from comity.votes._repeats import find_repeated_resolutions

__all__ = [
    "ConvergenceWarning",
    "DEFAULT_GA_SOURCES",
    "DynamicIdealPoints",
    "ISSUE_CODES",
    "IdealPoints",
    "METRICS",
    "VoteTables",
    "VotingBlocs",
    "adjusted_rand_index",
    "agreement_matrices",
    "agreement_matrix",
    "alignment",
    "bloc_since",
    "cohesion",
    "cohesion_indices",
    "find_repeated_resolutions",
    "group_members",
    "ideal_points_table",
    "load_all",
    "load_undl_csv",
    "load_undl_resolutions",
    "load_unvotes",
    "load_unvotes_2020",
    "load_vetoes",
    "normalized_mutual_info",
    "pair_indices",
    "plot_alignment",
    "plot_cohesion",
    "plot_ideal_points",
    "read_repeated_roll_calls",
    "read_undl_csv",
    "read_undl_resolutions",
    "read_unvotes",
    "read_unvotes_2020",
    "read_vetoes",
    "read_votes",
    "votes_in_store",
]
