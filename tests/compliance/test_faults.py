"""The clean network passes; each planted fault is found with the right ID, device and
evidence, and no other finding changes verdict (the strongest guard against false positives)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from netops.compliance import Snapshot, run_checks
from netops.inventory import Inventory
from netops.models import ArpEntry, Finding, Interface, LldpNeighbor, Route, Vrf
from tests.compliance.helpers import Run, append, by_target, edit_config
from tests.compliance.synthetic import COLLECTED, NOW, build_snapshot, mac_of


def rogue_lldp(snap: Snapshot, inv: Inventory) -> None:
    inside, outside = inv.device("in-acc-1"), inv.device("acc-jiefang-01")
    append(
        snap,
        "in-acc-1",
        "lldp",
        LldpNeighbor(
            device="in-acc-1",
            local_interface="GigabitEthernet1/0/20",
            remote_chassis_id=mac_of(outside.name),
            remote_port_id="GigabitEthernet0/0/20",
            remote_system_name=outside.name,
            remote_mgmt_address=str(outside.mgmt_address),
        ),
    )
    append(
        snap,
        "acc-jiefang-01",
        "lldp",
        LldpNeighbor(
            device="acc-jiefang-01",
            local_interface="GigabitEthernet0/0/20",
            remote_chassis_id=mac_of(inside.name),
            remote_port_id="GigabitEthernet1/0/20",
            remote_system_name=inside.name,
            remote_mgmt_address=str(inside.mgmt_address),
        ),
    )


def rt_leak(snap: Snapshot, inv: Inventory) -> None:
    rs = snap.get("vrf", "core-1")
    assert rs is not None
    vrfs = [
        v.model_copy(update={"import_targets": (*v.import_targets, "65000:90")})
        if isinstance(v, Vrf) and v.name == "ZW_PUBLIC"
        else v
        for v in rs.records
    ]
    snap.add("core-1", "vrf", vrfs, rs.collected_at, rs.source)
    edit_config(
        snap,
        "core-1",
        lambda t: t.replace(
            "  vpn-target 65000:10 import-extcommunity",
            "  vpn-target 65000:10 import-extcommunity\n  vpn-target 65000:90 import-extcommunity",
            1,
        ),
    )


def cross_vrf_static(snap: Snapshot, inv: Inventory) -> None:
    line = "ip route-static vpn-instance ZW_PUBLIC 10.128.0.0 255.240.0.0 vpn-instance ZW_INTERNET 10.128.16.254"
    edit_config(snap, "core-1", lambda t: t.replace("#\nstelnet", f"{line}\n#\nstelnet"))
    append(
        snap,
        "core-1",
        "route",
        Route(
            device="core-1",
            vrf="ZW_PUBLIC",
            prefix="10.128.0.0/12",
            next_hop="10.128.16.254",
            next_hop_vrf="ZW_INTERNET",
            protocol="static",
        ),
    )


def intranet_default(snap: Snapshot, inv: Inventory) -> None:
    append(
        snap,
        "in-core-1",
        "route",
        Route(device="in-core-1", prefix="0.0.0.0/0", next_hop="172.16.16.254", protocol="static"),
    )
    edit_config(
        snap,
        "in-core-1",
        lambda t: t.replace(
            " snmp-agent\n", " ip route-static 0.0.0.0 0 172.16.16.254\n#\n snmp-agent\n", 1
        ),
    )


def foreign_arp(snap: Snapshot, inv: Inventory) -> None:
    append(
        snap,
        "in-acc-2",
        "arp",
        ArpEntry(
            device="in-acc-2",
            ip="10.0.64.77",
            mac="28:aa:bb:cc:dd:ee",
            interface="GigabitEthernet1/0/7",
            entry_type="dynamic",
        ),
    )


def telnet_on(snap: Snapshot, inv: Inventory) -> None:
    edit_config(
        snap,
        "acc-jiefang-01",
        lambda t: t.replace("undo telnet server enable", "telnet server enable").replace(
            " protocol inbound ssh", " protocol inbound all"
        ),
    )


def snmp_public(snap: Snapshot, inv: Inventory) -> None:
    edit_config(
        snap,
        "agg-renmin",
        lambda t: t.replace(
            "snmp-agent sys-info version v3",
            "snmp-agent sys-info version v2c v3\nsnmp-agent community read public",
        ),
    )


def any_any_permit(snap: Snapshot, inv: Inventory) -> None:
    edit_config(
        snap,
        "edge-fw-1",
        lambda t: t.replace(
            "security-policy\n", "security-policy\n rule name any_any\n  action permit\n", 1
        ),
    )


def uplink_down(snap: Snapshot, inv: Inventory) -> None:
    for device, port in (
        ("agg-jiefang", "GigabitEthernet0/0/1"),
        ("core-1", "GigabitEthernet2/0/1"),
    ):
        rs = snap.get("interface", device)
        assert rs is not None
        snap.add(
            device,
            "interface",
            [
                i.model_copy(update={"oper_status": "down"})
                if isinstance(i, Interface) and i.name == port
                else i
                for i in rs.records
            ],
            rs.collected_at,
            rs.source,
        )
        lldp = snap.get("lldp", device)
        assert lldp is not None
        snap.add(
            device,
            "lldp",
            [n for n in lldp.records if isinstance(n, LldpNeighbor) and n.local_interface != port],
            lldp.collected_at,
            lldp.source,
        )


FAULTS = {
    "rogue LLDP link on an intranet switch": (
        rogue_lldp,
        {("IS-01", "acc-jiefang-01:GigabitEthernet0/0/20 <-> in-acc-1:GigabitEthernet1/0/20")},
        {"in-acc-1", "acc-jiefang-01"},
        "lldp",
    ),
    "route-target import leak": (
        rt_leak,
        {("IS-04", "core-1/ZW_PUBLIC")},
        {"core-1"},
        "route_target",
    ),
    "cross-VRF static route": (cross_vrf_static, {("IS-05", "core-1")}, {"core-1"}, "config"),
    "default route in the intranet": (
        intranet_default,
        {("IS-06", "in-core-1")},
        {"in-core-1"},
        "route",
    ),
    "foreign ARP": (foreign_arp, {("IS-03", "in-acc-2")}, {"in-acc-2"}, "arp"),
    "telnet enabled": (telnet_on, {("MG-01", "acc-jiefang-01")}, {"acc-jiefang-01"}, "config"),
    "SNMP public community": (snmp_public, {("MG-07", "agg-renmin")}, {"agg-renmin"}, "config"),
    "firewall any-any permit": (any_any_permit, {("BD-01", "edge-fw-1")}, {"edge-fw-1"}, "rule"),
    "one aggregation uplink down": (
        uplink_down,
        {("AR-01", "agg-jiefang")},
        {"agg-jiefang"},
        "interface",
    ),
}


@pytest.fixture(scope="module")
def clean_findings(reference: Inventory) -> dict[tuple[str, str], Finding]:
    result = run_checks(reference, build_snapshot(reference), now=NOW)
    assert not result.errors
    return by_target(result.findings)


def test_clean_network_has_no_fail(clean_findings: dict[tuple[str, str], Finding]) -> None:
    findings = list(clean_findings.values())
    assert [f for f in findings if f.verdict == "FAIL"] == []
    # and it is not vacuous: every check judged something, most of it PASS
    assert {f.check_id for f in findings} >= {
        "IS-01",
        "IS-02",
        "IS-03",
        "IS-04",
        "IS-05",
        "IS-06",
        "IS-07",
        "IS-08",
        "MG-01",
        "MG-07",
        "BD-01",
        "AR-01",
        "BK-01",
        "BK-02",
    }
    assert sum(f.verdict == "PASS" for f in findings) > 2000


@pytest.mark.parametrize("name", list(FAULTS))
def test_planted_fault_is_found_and_nothing_else_changes(
    name: str,
    clean: Snapshot,
    reference: Inventory,
    run: Run,
    clean_findings: dict[tuple[str, str], Finding],
) -> None:
    plant, expected, devices, evidence_kind = FAULTS[name]
    before = clean_findings
    plant(clean, reference)
    after = by_target(run(clean))
    changed = {
        k
        for k, f in after.items()
        if (k not in before and f.verdict != "PASS")
        or (k in before and before[k].verdict != f.verdict)
    }
    assert changed == expected
    for key in expected:
        finding = after[key]
        assert finding.verdict == "FAIL"
        assert set(finding.devices) == devices
        assert any(e.kind == evidence_kind for e in finding.evidence), [
            e.kind for e in finding.evidence
        ]
        assert all(e.collected_at is not None for e in finding.evidence if e.source != "inventory")
        assert finding.remediation


def test_uplink_down_is_a_warning_and_both_down_critical(
    clean: Snapshot, reference: Inventory, run: Run
) -> None:
    uplink_down(clean, reference)
    one = by_target(run(clean, "AR-01"))[("AR-01", "agg-jiefang")]
    assert (one.verdict, one.severity) == ("FAIL", "warning")
    rs = clean.get("interface", "agg-jiefang")
    assert rs is not None
    clean.add(
        "agg-jiefang",
        "interface",
        [
            i.model_copy(update={"oper_status": "down"})
            if isinstance(i, Interface) and i.name.startswith("GigabitEthernet0/0/")
            else i
            for i in rs.records
        ],
        rs.collected_at + timedelta(seconds=1),
        rs.source,
    )
    both = by_target(run(clean, "AR-01"))[("AR-01", "agg-jiefang")]
    assert (both.verdict, both.severity) == ("FAIL", "critical")


def test_fault_evidence_quotes_the_line(clean: Snapshot, reference: Inventory, run: Run) -> None:
    telnet_on(clean, reference)
    finding = by_target(run(clean, "MG-01"))[("MG-01", "acc-jiefang-01")]
    texts = [e.text for e in finding.evidence]
    assert "telnet server enable" in texts
    assert any(t == "user-interface vty 0 4\n protocol inbound all" for t in texts)
    line = next(e for e in finding.evidence if e.text == "telnet server enable")
    assert line.data["line"] > 1 and line.source == "ssh" and line.collected_at == COLLECTED
