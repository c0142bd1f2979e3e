"""Every IRI the code names comes from cqkg/namespaces.py: no other module types a namespace again."""

from __future__ import annotations

import ast
from pathlib import Path

from cqkg.namespaces import BASE, PREFIXES

PACKAGE = Path(__file__).resolve().parent.parent / "cqkg"
NAMESPACES = sorted(set(PREFIXES.values()) | {BASE}, key=len, reverse=True)


def typed_iris(path: Path) -> list[str]:
    """The string constants of ``path`` (parsed, docstrings included) that begin with a namespace cqkg declares."""
    return [f"{path.relative_to(PACKAGE)}:{node.lineno}: {node.value[:60]}"
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and any(node.value.startswith(namespace) for namespace in NAMESPACES)]


def test_no_module_types_a_namespace_again():
    modules = [p for p in sorted(PACKAGE.rglob("*.py")) if p.name != "namespaces.py"]
    assert [hit for path in modules for hit in typed_iris(path)] == []
