"""Exports parse as what their consumers expect."""

from __future__ import annotations

import re

from netops.inventory import Inventory
from netops.inventory.export import to_ansible, to_json, to_prometheus_sd

_LABEL = re.compile(r"^[a-zA-Z_][a-zA-Z0-9_]*$")


def test_prometheus_file_sd_shape(reference: Inventory) -> None:
    groups = to_prometheus_sd(reference)
    assert len(groups) == len(reference.devices)
    for group in groups:
        assert set(group) == {"targets", "labels"}
        assert group["targets"] and all(isinstance(t, str) for t in group["targets"])
        for name, value in group["labels"].items():
            assert _LABEL.match(name) and not name.startswith("__"), name
            assert isinstance(value, str)
    by_device = {g["labels"]["device"]: g for g in groups}
    assert by_device["core-1"]["targets"] == [str(reference.device("core-1").mgmt_address)]
    assert by_device["in-core-1"]["labels"]["network"] == "intranet"


def test_ansible_inventory_shape(reference: Inventory) -> None:
    inv = to_ansible(reference)
    hostvars = inv["_meta"]["hostvars"]
    assert set(hostvars) == {d.name for d in reference.devices}
    groups = {k: v for k, v in inv.items() if k not in ("_meta", "all")}
    assert sorted(groups) == inv["all"]["children"]
    in_groups = {h for g in groups.values() for h in g["hosts"]}
    assert in_groups == set(hostvars)
    assert "agg-jiefang" in groups["role_aggregation"]["hosts"]
    assert hostvars["edge-br-1"]["ansible_network_os"] == "cisco.ios.ios"
    assert all(_LABEL.match(g) for g in groups)
    assert not any("password" in k or "secret" in k for v in hostvars.values() for k in v)


def test_json_lists_every_device_with_required_fields(reference: Inventory) -> None:
    data = to_json(reference)
    assert len(data["devices"]) == len(reference.devices)
    for device in data["devices"]:
        assert {"name", "role", "platform", "site", "zones", "mgmt_address"} <= set(device)
    core = next(d for d in data["devices"] if d["name"] == "core-1")
    assert core["role"] == "core" and core["platform"] == "huawei_vrp" and "public" in core["zones"]
