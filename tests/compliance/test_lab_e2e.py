"""End to end on the lab: the simulated reference network, collected over real SSH sessions.

The clean lab gives zero FAIL; each planted lab fault is found with the right check ID,
device and evidence, and nothing else changes verdict. Where one fault really breaks
two controls, both are expected (and the reason is written next to it).

To stay within the test budget the lab is collected for the devices the faults touch
and their surroundings (cores, Internet edge, intranet, one street's aggregation and two access switches); the
devices left out have no data, which the checks report as NEEDS_EVIDENCE, never FAIL.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netops.collectors.ssh import cli_sections, poll_devices
from netops.compliance import Snapshot, run_checks
from netops.credentials import load_secrets
from netops.endpoints import load_endpoints
from netops.inventory import Inventory
from netops.lab import control
from netops.models import Finding
from netops.settings import load_settings
from tests.conftest import REFERENCE, ROOT

SCOPE = ("in-", "core-", "edge-", "agg-jiefang", "acc-jiefang-01", "acc-jiefang-02")


class LabData:
    def __init__(self, inv: Inventory, endpoints: Path) -> None:
        self.inv, self.endpoints = inv, endpoints
        self.cfg = load_settings(collectors_dir=ROOT / "collectors")
        self.sections = cli_sections(self.cfg.collectors_dir)
        self.eps = load_endpoints(endpoints)
        self.snap = Snapshot()

    def collect(self, names: list[str], kinds: list[str] | None = None) -> None:
        devices = [self.inv.device_by_name[n] for n in names]
        for p in poll_devices(
            self.inv, devices, self.sections, self.cfg.ssh, load_secrets(None), self.eps, kinds
        ):
            for kind, records in p.collected.records.items():
                self.snap.add(p.device, kind, records, p.result.started_at, "ssh")
            self.snap.add_poll(p.result)

    def findings(self) -> dict[tuple[str, str], Finding]:
        result = run_checks(self.inv, self.snap, self.cfg)
        assert not result.errors, result.errors
        return {(f.check_id, f.target): f for f in result.findings}

    def fault(self, kind: str) -> dict[str, Any]:
        return control.request(self.endpoints, {"op": "fault-add", "kind": kind})["faults"][0]  # type: ignore[no-any-return]

    def clear(self, fault: dict[str, Any]) -> None:
        control.request(self.endpoints, {"op": "fault-clear", "id": fault["id"]})


@pytest.fixture(scope="module")
def lab(reference: Inventory, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LabData]:
    endpoints = tmp_path_factory.mktemp("lab-compliance") / "endpoints.json"
    control.up(REFERENCE, endpoints)
    try:
        data = LabData(reference, endpoints)
        data.collect([d.name for d in reference.devices if d.name.startswith(SCOPE)])
        yield data
    finally:
        control.down(endpoints)


@pytest.fixture(scope="module")
def clean(lab: LabData) -> dict[tuple[str, str], Finding]:
    return lab.findings()


def test_clean_lab_has_no_fail(clean: dict[tuple[str, str], Finding]) -> None:
    fails = [f"{f.check_id} {f.target}: {f.summary}" for f in clean.values() if f.verdict == "FAIL"]
    assert fails == []
    passed = {f.check_id for f in clean.values() if f.verdict == "PASS"}
    assert {
        "IS-01",
        "IS-03",
        "IS-06",
        "IS-04",
        "IS-05",
        "IS-07",
        "MG-01",
        "MG-02",
        "MG-03",
        "MG-07",
        "BD-01",
        "AR-01",
    } <= passed
    # the extranet VRFs' default routes resolve to the firewall (ARP -> chassis MAC from LLDP)
    assert clean[("IS-06", "core-1/ZW_PUBLIC")].verdict == "PASS"
    # from the border router, the public zone is reached through the firewall pair's outside
    # address; every department zone falls to the default route back to the provider
    walks = {k[1]: f for k, f in clean.items() if k[0] == "IS-08"}
    assert len(walks) == 6 and {f.verdict for f in walks.values()} == {"PASS"}
    assert any(e.device == "edge-fw-1" for e in walks["edge-br-1 -> public"].evidence)


# fault kind -> {(check, target): devices of the finding}; the device(s) it touches come from the lab
EXPECTED: dict[str, dict[tuple[str, str], set[str]]] = {
    # the rogue cable's intranet port was unshut: an active access port without 802.1X (MG-11 is right)
    "rogue-lldp": {
        ("IS-01", "{edge}"): {"in-acc-1", "acc-jiefang-01"},
        ("MG-11", "in-acc-1"): {"in-acc-1"},
    },
    "rt-leak": {("IS-04", "core-1/ZW_PUBLIC"): {"core-1"}},
    # the lab's cross-VRF route is ZW_PUBLIC's default: it also bypasses the firewall (IS-06)
    "cross-vrf-route": {("IS-05", "core-1"): {"core-1"}, ("IS-06", "core-1/ZW_PUBLIC"): {"core-1"}},
    "intranet-default-route": {("IS-06", "in-core-1"): {"in-core-1"}},
    # an extranet switch's address *and* MAC in the intranet's ARP table: IS-03 and IS-02
    "foreign-arp": {
        ("IS-03", "in-core-1"): {"in-core-1"},
        ("IS-02", "{mac}"): {"in-core-1", "acc-jiefang-01"},
    },
    "telnet-on": {("MG-01", "acc-jiefang-01"): {"acc-jiefang-01"}},
    "community-public": {("MG-07", "acc-jiefang-01"): {"acc-jiefang-01"}},
    "firewall-any-any": {("BD-01", "edge-fw-1"): {"edge-fw-1"}},
    "uplink-down": {("AR-01", "agg-jiefang"): {"agg-jiefang"}},
}
#: the record kinds each fault can change (re-collected on the touched devices only)
KINDS = {
    "rogue-lldp": ["lldp", "interface", "config"],
    "rt-leak": ["vrf", "config"],
    "cross-vrf-route": ["route", "config"],
    "intranet-default-route": ["route", "config"],
    "foreign-arp": ["arp"],
    "telnet-on": ["config"],
    "community-public": ["config"],
    "firewall-any-any": ["firewall_rule", "config"],
    "uplink-down": ["interface", "lldp"],
}
EVIDENCE = {
    "IS-01": "lldp",
    "IS-04": "route_target",
    "IS-05": "config",
    "IS-06": "route",
    "IS-03": "arp",
    "IS-02": "arp",
    "MG-01": "config",
    "MG-07": "config",
    "MG-11": "config",
    "BD-01": "rule",
    "AR-01": "interface",
}


@pytest.mark.parametrize("kind", list(EXPECTED))
def test_lab_fault_is_found_and_nothing_else_changes(
    kind: str, lab: LabData, clean: dict[tuple[str, str], Finding]
) -> None:
    fault = lab.fault(kind)
    touched = {fault["device"]}
    if kind == "rogue-lldp":
        touched.add(fault["detail"].split("<->")[1].strip().split(":")[0])
    if kind == "uplink-down":
        touched |= {end.split(":")[0] for end in fault["detail"].split(" <-> ")}
    saved = (list(lab.snap.sets), list(lab.snap.poll_results))
    try:
        lab.collect(sorted(touched), KINDS[kind])
        after = lab.findings()
    finally:
        lab.clear(fault)
        lab.snap = Snapshot(sets=saved[0], poll_results=saved[1])  # the lab is clean again
    changed = {
        k
        for k, f in after.items()
        if (k not in clean and f.verdict != "PASS")
        or (k in clean and clean[k].verdict != f.verdict)
    }
    expected = EXPECTED[kind]
    assert len(changed) == len(expected), (kind, fault, sorted(changed))
    for check_id, target in expected:
        [key] = [
            k for k in changed if k[0] == check_id and (target.startswith("{") or k[1] == target)
        ]
        finding = after[key]
        assert finding.verdict == "FAIL", finding
        assert set(finding.devices) == expected[(check_id, target)]
        assert any(e.kind == EVIDENCE[check_id] and e.collected_at for e in finding.evidence), (
            finding.evidence
        )
    assert json.dumps(
        [f.model_dump(mode="json") for f in after.values() if f.verdict == "FAIL"]
    )  # serialisable
