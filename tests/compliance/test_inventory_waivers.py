"""The inventory's waivers section and route-target interconnects (model, loader, rules)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from netops.errors import InventoryError
from netops.inventory import load_inventory
from tests.conftest import REFERENCE


def _inv(tmp_path: Path, extra: str) -> Path:
    out = tmp_path / "inv"
    shutil.copytree(REFERENCE, out)
    (out / "waivers.yaml").write_text(extra, encoding="utf-8")
    return out


def test_waivers_load_with_every_field(tmp_path: Path) -> None:
    inv = load_inventory(
        _inv(
            tmp_path,
            "waivers:\n- check_id: MG-12\n  target: core-1\n  reason: firmware upgrades need FTP\n  owner: 张工\n  expires: 2027-03-31\n",
        )
    )
    [w] = inv.waivers
    assert (w.check_id, w.target, w.owner, w.expires.isoformat()) == (
        "MG-12",
        "core-1",
        "张工",
        "2027-04-01T00:00:00+00:00",
    )


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        (
            "- check_id: MG-12\n  target: core-1\n  reason: firmware upgrades need FTP\n  expires: 2027-03-31\n",
            "waivers[0].owner: Field required",
        ),
        (
            "- check_id: MG12\n  target: core-1\n  reason: firmware upgrades need FTP\n  owner: x\n  expires: 2027-03-31\n",
            "waivers[0].check_id: String should match pattern",
        ),
        (
            "- check_id: MG-12\n  target: core-1\n  reason: firmware upgrades need FTP\n  owner: x\n  expires: 2027-03-31T10:00:00\n",
            "give a date, or a date-time with its time zone",
        ),
        (
            "- check_id: MG-12\n  target: core-1\n  reason: '   '\n  owner: x\n  expires: 2027-03-31\n",
            "waivers[0].reason",
        ),
        (
            "- check_id: MG-12\n  target: core-1\n  reason: firmware upgrades need FTP\n  owner: x\n  expires: 2027-03-31\n  approved: yes\n",
            "waivers[0].approved: unknown field",
        ),
    ],
)
def test_bad_waivers_are_reported_with_file_and_line(
    tmp_path: Path, entry: str, message: str
) -> None:
    with pytest.raises(InventoryError) as err:
        load_inventory(_inv(tmp_path, "waivers:\n" + entry))
    assert any(message in str(p) and "waivers.yaml:" in str(p) for p in err.value.problems), [
        str(p) for p in err.value.problems
    ]


def test_two_waivers_for_one_finding_are_refused(tmp_path: Path) -> None:
    w = "- check_id: MG-12\n  target: core-1\n  reason: firmware upgrades need FTP\n  owner: x\n  expires: 2027-03-31\n"
    with pytest.raises(InventoryError, match="a second waiver for MG-12 on core-1"):
        load_inventory(_inv(tmp_path, "waivers:\n" + w + w))


def test_route_target_crossing_allows_an_approved_import_but_never_the_internet(
    tmp_path: Path,
) -> None:
    out = _inv(
        tmp_path, "zone_crossings:\n- zones: [public, dedicated-tax]\n  via: [route_target]\n"
    )
    zones = (out / "zones.yaml").read_text(encoding="utf-8")
    (out / "zones.yaml").write_text(
        zones.replace(
            "  import_targets: ['65000:104']", "  import_targets: ['65000:104', '65000:10']"
        ),
        encoding="utf-8",
    )
    load_inventory(out)  # approved interconnect: valid
    (out / "waivers.yaml").write_text(
        "zone_crossings:\n- zones: [internet, dedicated-tax]\n  via: [route_target]\n",
        encoding="utf-8",
    )
    with pytest.raises(InventoryError, match="never by route-target import"):
        load_inventory(out)
