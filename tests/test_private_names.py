"""No subpackage reaches for another's private names: what packages share has a name of its own."""

from __future__ import annotations

import ast
from pathlib import Path

import comity

PACKAGE = Path(comity.__file__).resolve().parent


def _owner(path: Path) -> str:
    """The subpackage of a module (``votes``), or the module itself at the top (``_panel``)."""
    parts = path.relative_to(PACKAGE).parts
    return parts[0] if len(parts) > 1 else parts[0].removesuffix(".py")


def test_no_module_imports_a_private_name_of_another_subpackage() -> None:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("comity.")):
                continue
            if node.module.split(".")[1] == _owner(path):
                continue
            found += [
                f"{path.relative_to(PACKAGE)}:{node.lineno} {node.module}.{alias.name}"
                for alias in node.names
                if alias.name.startswith("_")
            ]
    assert found == []
