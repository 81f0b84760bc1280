"""The public surface is what `__all__` says, sorted, and nothing private leaks."""

from __future__ import annotations

import importlib

import pytest

PACKAGES = ["comity", "comity.store", "comity.registry", "comity.votes", "comity.news", "comity.web"]


@pytest.mark.parametrize("name", PACKAGES)
def test_exported_members_match_all(name: str) -> None:
    module = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert exported is not None, f"{name} has no __all__"
    assert list(exported) == sorted(exported), f"{name}.__all__ is not sorted"
    for member in exported:
        assert hasattr(module, member), f"{name}.__all__ names {member!r}, which it does not define"
    public = {
        n for n in vars(module) if not n.startswith("_") and not isinstance(getattr(module, n), type(module))
    }
    public -= {"annotations"}
    assert public <= set(exported), (
        f"{name} exports names missing from __all__: {sorted(public - set(exported))}"
    )
