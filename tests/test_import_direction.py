"""Imports flow one way (DESIGN.md §3): api, cli -> ... -> models. A walk of every module keeps it so."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "netops"

#: Layer of each top-level part of the package; a module may import only lower layers
#: (or its own part). Parts not listed are a test failure: place them deliberately.
LAYERS: dict[str, int] = {
    "errors": 0,
    "models": 0,
    "settings": 1,
    "yamlfile": 1,
    "credentials": 1,
    "endpoints": 1,
    "inventory": 2,
    "dashboards": 2,
    "transports": 2,
    "store": 2,
    "collectors": 3,
    "backups": 4,
    "dbha": 4,
    "compliance": 4,
    "checks": 4,
    "snapshot": 4,
    "playbooks": 5,
    "lab": 6,
    "scheduler": 6,
    "api": 7,
    "cli": 8,
}


def _part(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def _imports(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, node.lineno))
    return found


def _modules() -> list[tuple[str, Path]]:
    return [
        (
            "netops."
            + ".".join(p.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__"),
            p,
        )
        for p in sorted(PACKAGE.rglob("*.py"))
    ]


def test_every_part_has_a_layer() -> None:
    parts = {_part(name) for name, _ in _modules()} - {"__init__"}
    assert parts <= set(LAYERS), f"place these in LAYERS: {sorted(parts - set(LAYERS))}"


def test_imports_flow_one_way() -> None:
    wrong = []
    for name, path in _modules():
        own = _part(name)
        if own == "__init__":
            continue
        for imported, line in _imports(path):
            if not imported.startswith("netops.") or _part(imported) in (own, "__init__"):
                continue
            theirs = _part(imported)
            if LAYERS.get(theirs, 99) >= LAYERS[own]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)}:{line}: {own} imports {imported}")
    assert not wrong, "imports against the direction of DESIGN.md §3:\n" + "\n".join(wrong)


def test_models_import_only_stdlib_and_pydantic() -> None:
    allowed = set(sys.stdlib_module_names) | {"pydantic", "netops", "__future__"}
    for path in (PACKAGE / "models").rglob("*.py"):
        for imported, line in _imports(path):
            assert imported.split(".")[0] in allowed, f"{path.name}:{line} imports {imported}"
