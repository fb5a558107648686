"""Make broken copies of the reference inventory and read back the problems."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netops.errors import InventoryError, Problem
from tests.conftest import REFERENCE


def edited(tmp_path: Path, edits: dict[str, list[tuple[str, str]]]) -> Path:
    """A copy of the reference inventory with ``old -> new`` text edits applied per file."""
    root = tmp_path / "inv"
    shutil.copytree(REFERENCE, root)
    for rel, replacements in edits.items():
        path = root / rel
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        for old, new in replacements:
            if old:
                assert old in text, f"edit target {old!r} not in {rel}"
                text = text.replace(old, new, 1)
            else:
                text += new
        path.write_text(text, encoding="utf-8")
    return root


def problems_of(path: Path) -> list[Problem]:
    from netops.inventory import load_inventory

    with pytest.raises(InventoryError) as info:
        load_inventory(path)
    return info.value.problems


def find(problems: list[Problem], file_end: str, field: str, fragment: str) -> Problem:
    """The one problem in ``file_end`` at ``field`` whose message holds ``fragment``."""
    hits = [
        p
        for p in problems
        if p.file.endswith(file_end) and p.field == field and fragment in p.message
    ]
    assert len(hits) == 1, f"want one {file_end} {field} {fragment!r}; got:\n" + "\n".join(
        map(str, problems)
    )
    return hits[0]


def line_of(path: Path, text: str) -> int:
    """1-based line of the first line holding ``text``."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")
