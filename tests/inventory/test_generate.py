"""Synthetic provinces: valid by construction, deterministic for a seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from netops.inventory import load_inventory
from netops.inventory.generate import write_network


def _texts(root: Path) -> dict[str, str]:
    return {str(p.relative_to(root)): p.read_text() for p in sorted(root.rglob("*.yaml"))}


def test_two_districts_validate(tmp_path: Path) -> None:
    count = write_network(tmp_path / "p", 2, seed=7)
    inv = load_inventory(tmp_path / "p")
    assert len(inv.devices) == count == 2 * 159
    assert {d.name for d in inv.devices if d.role.value == "aggregation"} >= {
        "d001-agg-jiefang",
        "d002-agg-jiefang",
    }
    assert len(inv.ha_pair_by_name) == 8
    assert len({d.mgmt_address for d in inv.devices}) == count


def test_same_seed_same_network(tmp_path: Path) -> None:
    write_network(tmp_path / "a", 2, seed=3)
    write_network(tmp_path / "b", 2, seed=3)
    write_network(tmp_path / "c", 2, seed=4)
    assert _texts(tmp_path / "a") == _texts(tmp_path / "b")
    assert _texts(tmp_path / "a") != _texts(tmp_path / "c")


def test_district_count_is_bounded(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="between 1 and 250"):
        write_network(tmp_path, 251)
