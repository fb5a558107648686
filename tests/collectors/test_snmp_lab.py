"""End to end: ``netops poll --once --json`` against ``netops lab up`` (the reference network).

Every healthy lab device returns records (interfaces, health, LLDP, VRFs where the platform
has them); each faulted device is a clear failure with its reason, not a crash.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netops.cli.main import app
from netops.inventory import Inventory
from netops.lab import control
from tests.conftest import REFERENCE, ROOT

FAULTS = {
    "acc-jiefang-03": ("snmp-timeout", "timeout"),
    "acc-renmin-02": ("garbled-snmp", "malformed"),
    "acc-renmin-04": ("wrong-credentials", "auth"),
}


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    endpoints = tmp_path_factory.mktemp("collect-lab") / "endpoints.json"
    control.up(REFERENCE, endpoints, snmp_version="3")
    try:
        yield endpoints
    finally:
        control.down(endpoints)


def test_poll_every_lab_device(
    lab: Path, reference: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = CliRunner()
    for device, (fault, _) in FAULTS.items():
        added = runner.invoke(
            app, ["lab", "fault", "add", fault, "-e", str(lab), "--device", device]
        )
        assert added.exit_code == 0, added.output
    monkeypatch.chdir(ROOT)
    # the default settings (256 devices in flight per worker against one lab process): what
    # a user running `netops poll --once -e .lab/endpoints.json` gets must not report an
    # answering device as down
    for name in ("CONCURRENCY", "TIMEOUT", "RETRIES", "BACKOFF", "MAX_TIMEOUT"):
        monkeypatch.delenv(f"NETOPS_SNMP__{name}", raising=False)
    result = runner.invoke(app, ["poll", "--once", "--json", "--endpoints", str(lab)])
    assert result.exit_code == 3, result.output  # some devices failed: scripts notice
    entries = {e["name"]: e for e in json.loads(result.stdout)}
    assert set(entries) == {d.name for d in reference.devices}
    for name, (_, reason) in FAULTS.items():
        assert not entries[name]["ok"]
        assert entries[name]["error"]["reason"] == reason, entries[name]["error"]
    for device in reference.devices:
        if device.name in FAULTS:
            continue
        entry = entries[device.name]
        assert entry["ok"], (device.name, entry["error"])
        records = entry["records"]
        assert records["system"] and records["interface"] and records["health"], device.name
        if device.platform.value != "huawei_usg":
            assert records["lldp"], f"{device.name}: no LLDP neighbours"
        expected_vrfs = {v.name: v for v in reference.vrfs_on(device.name)}
        if expected_vrfs:  # the PEs: the VRFs and route targets the inventory declares
            polled = {v["name"]: v for v in records["vrf"]}
            assert set(polled) == set(expected_vrfs), device.name
            for name, vrf in expected_vrfs.items():
                assert set(polled[name]["import_targets"]) == set(vrf.import_targets)
                assert polled[name]["rd"] == vrf.rd
        names = {i["name"] for i in records["interface"]}
        for link in reference.links_of(device.name):
            end = link.a if link.a.device == device.name else link.b
            assert end.interface in names, f"{device.name} lacks {end.interface}"
