"""UN roll-call votes: loaders, alignment, cohesion, blocs, ideal points and plots.

>>> from comity.votes import read_votes, alignment
>>> votes = read_votes()                       # GA roll calls 1946-2024 shipped with comity
>>> alignment(votes, ["USA", "CHN", "RUS"], start=1991)  # doctest: +SKIP
"""

import importlib as _importlib
import typing as _typing

if _typing.TYPE_CHECKING:
    from comity.votes._alignment import (
        METRICS,
        THIN_ROLL_CALLS,
        agreement_matrices,
        agreement_matrix,
        alignment,
        pair_indices,
    )
    from comity.votes._blocs import (
        VotingBlocs,
        YearlyBlocs,
        adjusted_rand_index,
        normalized_mutual_info,
        yearly_blocs,
    )
    from comity.votes._cohesion import DEFAULT_SEED, bloc_since, cohesion, cohesion_indices, group_members
    from comity.votes._ideal import ConvergenceWarning, DynamicIdealPoints, IdealPoints, ideal_points_table
    from comity.votes._identity import follow_successors, successor_map
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
    "DEFAULT_SEED",
    "DynamicIdealPoints",
    "ISSUE_CODES",
    "IdealPoints",
    "METRICS",
    "THIN_ROLL_CALLS",
    "VoteTables",
    "VotingBlocs",
    "YearlyBlocs",
    "adjusted_rand_index",
    "agreement_matrices",
    "agreement_matrix",
    "alignment",
    "bloc_since",
    "cohesion",
    "cohesion_indices",
    "find_repeated_resolutions",
    "follow_successors",
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
    "successor_map",
    "votes_in_store",
    "yearly_blocs",
]

# Where each public name lives. scipy, igraph and matplotlib take most of a second to import;
# `comity` commands that do not analyse votes should not pay for them.
_HOMES = {
    "ConvergenceWarning": "comity.votes._ideal",
    "DEFAULT_GA_SOURCES": "comity.votes._load",
    "DEFAULT_SEED": "comity.votes._cohesion",
    "DynamicIdealPoints": "comity.votes._ideal",
    "ISSUE_CODES": "comity.votes._load",
    "IdealPoints": "comity.votes._ideal",
    "METRICS": "comity.votes._alignment",
    "THIN_ROLL_CALLS": "comity.votes._alignment",
    "VoteTables": "comity.votes._load",
    "VotingBlocs": "comity.votes._blocs",
    "YearlyBlocs": "comity.votes._blocs",
    "adjusted_rand_index": "comity.votes._blocs",
    "agreement_matrices": "comity.votes._alignment",
    "agreement_matrix": "comity.votes._alignment",
    "alignment": "comity.votes._alignment",
    "bloc_since": "comity.votes._cohesion",
    "cohesion": "comity.votes._cohesion",
    "cohesion_indices": "comity.votes._cohesion",
    "find_repeated_resolutions": "comity.votes._repeats",
    "follow_successors": "comity.votes._identity",
    "group_members": "comity.votes._cohesion",
    "ideal_points_table": "comity.votes._ideal",
    "load_all": "comity.votes._load",
    "load_undl_csv": "comity.votes._load",
    "load_undl_resolutions": "comity.votes._load",
    "load_unvotes": "comity.votes._load",
    "load_unvotes_2020": "comity.votes._load",
    "load_vetoes": "comity.votes._load",
    "normalized_mutual_info": "comity.votes._blocs",
    "pair_indices": "comity.votes._alignment",
    "plot_alignment": "comity.votes._plots",
    "plot_cohesion": "comity.votes._plots",
    "plot_ideal_points": "comity.votes._plots",
    "read_repeated_roll_calls": "comity.votes._load",
    "read_undl_csv": "comity.votes._load",
    "read_undl_resolutions": "comity.votes._load",
    "read_unvotes": "comity.votes._load",
    "read_unvotes_2020": "comity.votes._load",
    "read_vetoes": "comity.votes._load",
    "read_votes": "comity.votes._load",
    "successor_map": "comity.votes._identity",
    "votes_in_store": "comity.votes._load",
    "yearly_blocs": "comity.votes._blocs",
}


def __getattr__(name: str) -> _typing.Any:
    if name in _HOMES:
        return getattr(_importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'comity.votes' has no attribute {name!r}")


def __dir__() -> list[str]:
    # The names load on first use; completion in a notebook should still offer them.
    return sorted({*globals(), *__all__})
