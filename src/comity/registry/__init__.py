"""The registry: states, organisations, coalitions, people and memberships over time."""

from comity.registry._build import BuildReport, build_registry, data_dir, registry_frames
from comity.registry._names import normalise_name
from comity.registry._registry import Actor, Registry, SearchHit

__all__ = [
    "Actor",
    "BuildReport",
    "Registry",
    "SearchHit",
    "build_registry",
    "data_dir",
    "normalise_name",
    "registry_frames",
]
