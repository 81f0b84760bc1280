"""The registry: states, organisations, coalitions, people and memberships over time."""

from comity.registry._build import (
    BuildReport,
    RegistryFreshness,
    build_registry,
    data_dir,
    registry_frames,
    registry_freshness,
)
from comity.registry._names import normalise_name
from comity.registry._registry import Actor, Registry, SearchHit

__all__ = [
    "Actor",
    "BuildReport",
    "Registry",
    "RegistryFreshness",
    "SearchHit",
    "build_registry",
    "data_dir",
    "normalise_name",
    "registry_frames",
    "registry_freshness",
]
