"""IS-01..IS-08: pass, fail, and the edge that tempts a false positive, for each."""

from __future__ import annotations

from netops.compliance import Snapshot
from netops.compliance.snapshot import ImportedIdentities, Sighting
from netops.inventory import Inventory
from netops.models import ArpEntry, Interface, LldpNeighbor, Route, Vrf
from netops.settings import ComplianceSettings
from tests.compliance.helpers import Run, append, edit_config, failing, one, replace
from tests.compliance.synthetic import mac_of


def lldp(
    device: str,
    port: str,
    remote: str | None,
    rport: str,
    chassis: str | None = None,
    name: str | None = None,
) -> LldpNeighbor:
    return LldpNeighbor(
        device=device,
        local_interface=port,
        remote_chassis_id=chassis or (mac_of(remote) if remote else None),
        remote_port_id=rport,
        remote_system_name=name or remote,
    )


# -- IS-01 ----------------------------------------------------------------------------------------
def test_is01_intranet_links_pass_and_seen_from_both_ends_once(clean: Snapshot, run: Run) -> None:
    f = run(clean, "IS-01")
    edge = one(f, "in-acc-1:GigabitEthernet1/0/1 <-> in-core-1:GigabitEthernet1/0/1")
    assert edge.verdict == "PASS" and len(edge.evidence) == 2  # both ends' LLDP entries


def test_is01_undeclared_neighbour_on_intranet_switch_fails(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "in-acc-3",
        "lldp",
        lldp(
            "in-acc-3",
            "GigabitEthernet1/0/9",
            None,
            "eth0",
            chassis="00:1e:67:aa:bb:cc",
            name="laptop-17",
        ),
    )
    bad = failing(run(clean, "IS-01"))
    assert len(bad) == 1 and bad[0].severity == "critical" and bad[0].devices == ("in-acc-3",)
    assert "undeclared device (laptop-17)" in bad[0].summary


def test_is01_remote_identified_by_chassis_even_under_an_intranet_name(
    clean: Snapshot, run: Run
) -> None:
    # an extranet switch that calls itself "in-acc-9" is still the extranet switch
    append(
        clean,
        "in-acc-2",
        "lldp",
        lldp(
            "in-acc-2",
            "GigabitEthernet1/0/9",
            None,
            "GigabitEthernet0/0/9",
            chassis=mac_of("agg-renmin"),
            name="in-acc-1",
        ),
    )
    bad = failing(run(clean, "IS-01"))
    assert [b.devices for b in bad] == [("in-acc-2", "agg-renmin")]


def test_is01_crossing_without_sanction_fails_but_firewall_crossing_passes(
    clean: Snapshot, reference: Inventory, run: Run
) -> None:
    # the Internet-zone border router cabled straight to an access switch: no firewall between
    append(
        clean,
        "edge-br-1",
        "lldp",
        lldp("edge-br-1", "GigabitEthernet0/0/3", "acc-renmin-01", "GigabitEthernet0/0/20"),
    )
    f = run(clean, "IS-01")
    bad = failing(f)
    assert [(b.devices, b.severity) for b in bad] == [(("edge-br-1", "acc-renmin-01"), "critical")]
    # the edge firewall joins the Internet zone to the core: sanctioned, PASS
    assert (
        one(f, "core-1:XGigabitEthernet1/0/20 <-> edge-fw-1:GigabitEthernet1/0/1").verdict == "PASS"
    )


def test_is01_no_lldp_is_needs_evidence_not_pass(clean: Snapshot, run: Run) -> None:
    clean.sets[:] = [s for s in clean.sets if not (s.device == "in-acc-1" and s.kind == "lldp")]
    clean.__post_init__()
    f = one(run(clean, "IS-01"), "in-acc-1")
    assert (f.verdict, f.severity) == ("NEEDS_EVIDENCE", "critical")


# -- IS-02 ----------------------------------------------------------------------------------------
def test_is02_same_serial_in_both_networks_fails(clean: Snapshot, run: Run) -> None:
    rs = clean.get("system", "in-acc-1")
    assert rs is not None
    twin = clean.get("system", "acc-zhongshan-04")
    assert twin is not None
    serial = twin.records[0].serial  # type: ignore[attr-defined]
    replace(clean, "in-acc-1", "system", rs.records[0].model_copy(update={"serial": serial}))
    bad = failing(run(clean, "IS-02"))
    assert [(b.target, set(b.devices)) for b in bad] == [
        (f"serial {serial.lower()}", {"in-acc-1", "acc-zhongshan-04"})
    ]


def test_is02_virtual_router_macs_and_placeholders_are_not_identities(
    clean: Snapshot, run: Run
) -> None:
    vrrp = "00:00:5e:00:01:0a"
    append(clean, "in-core-1", "arp", ArpEntry(device="in-core-1", ip="172.16.16.254", mac=vrrp))
    append(
        clean, "core-1", "arp", ArpEntry(device="core-1", ip="10.250.2.254", mac="0000-5e00-010a")
    )
    for device in ("in-acc-1", "acc-jiefang-01"):
        rs = clean.get("system", device)
        assert rs is not None
        replace(
            clean,
            device,
            "system",
            rs.records[0].model_copy(update={"serial": "To be filled by O.E.M."}),
        )
    append(
        clean,
        "in-acc-3",
        "arp",
        ArpEntry(device="in-acc-3", ip="172.16.16.90", mac="02:42:ac:11:00:02"),
    )  # docker
    append(
        clean,
        "ofc-srv-1",
        "arp",
        ArpEntry(device="ofc-srv-1", ip="10.1.9.2", mac="02:42:ac:11:00:02"),
    )
    f = run(clean, "IS-02")
    assert [x.verdict for x in f] == ["PASS"]


def test_is02_uses_imported_snapshot_and_needs_one(
    reference: Inventory, clean: Snapshot, run: Run
) -> None:
    # an intranet-only instance: no extranet data -> NEEDS_EVIDENCE
    intranet = Snapshot(
        sets=[s for s in clean.sets if s.device.startswith("in-")], taken_at=clean.taken_at
    )
    f = run(intranet, "IS-02")
    assert [(x.verdict, x.target) for x in f] == [("NEEDS_EVIDENCE", "identities")]
    # with the extranet's signed identities imported: the MAC of an extranet switch seen in intranet ARP
    from tests.compliance.synthetic import NOW

    sighting = Sighting("mac", mac_of("agg-xinhua"), "agg-xinhua", "chassis ID", "snmp", NOW)
    intranet.identities.append(
        ImportedIdentities("extranet", "Qingshan", NOW, "k1", "x.json", (sighting,))
    )
    assert [x.verdict for x in run(intranet, "IS-02")] == ["PASS"]
    append(
        intranet,
        "in-acc-2",
        "arp",
        ArpEntry(device="in-acc-2", ip="172.16.16.77", mac=mac_of("agg-xinhua").replace(":", "-")),
    )
    bad = failing(run(intranet, "IS-02"))
    assert len(bad) == 1 and set(bad[0].devices) == {"in-acc-2", "agg-xinhua"}
    assert {e.source for e in bad[0].evidence} == {"snmp", "import:snmp"}


def test_is02_stale_import_is_needs_evidence(clean: Snapshot, run: Run) -> None:
    from datetime import timedelta

    from tests.compliance.synthetic import NOW

    intranet = Snapshot(
        sets=[s for s in clean.sets if s.device.startswith("in-")], taken_at=clean.taken_at
    )
    old = NOW - timedelta(days=90)
    intranet.identities.append(
        ImportedIdentities(
            "extranet",
            "Q",
            old,
            "k1",
            "x.json",
            (Sighting("serial", "ABC", "core-1", "serial", "snmp", old),),
        )
    )
    assert [x.verdict for x in run(intranet, "IS-02")] == ["NEEDS_EVIDENCE"]


# -- IS-03 ----------------------------------------------------------------------------------------
def test_is03_address_of_another_zone_in_a_vrf_fails(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "core-2",
        "arp",
        ArpEntry(
            device="core-2",
            ip="10.64.9.9",
            mac="28:00:00:00:00:99",
            interface="Vlanif100",
            vrf="ZW_PUBLIC",
        ),
    )
    bad = failing(run(clean, "IS-03"))
    assert [(b.target, b.severity) for b in bad] == [("core-2", "major")]
    assert "dedicated-police" in bad[0].summary


def test_is03_outside_every_zone_and_loopback_are_not_is03(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "core-2",
        "arp",
        ArpEntry(device="core-2", ip="203.0.113.9", mac="28:00:00:00:00:98", vrf="ZW_INTERNET"),
    )
    append(
        clean,
        "in-core-1",
        "interface",
        Interface(device="in-core-1", name="InLoopBack0", addresses=("127.0.0.1/8",)),
    )
    append(
        clean, "in-core-1", "arp", ArpEntry(device="in-core-1", ip="172.16.16.50", mac="Incomplete")
    )
    assert failing(run(clean, "IS-03")) == []


# -- IS-04 ----------------------------------------------------------------------------------------
def _vrfs(snap: Snapshot, device: str, name: str, **update: object) -> None:
    rs = snap.get("vrf", device)
    assert rs is not None
    replace(
        snap,
        device,
        "vrf",
        *[
            v.model_copy(update=update) if isinstance(v, Vrf) and v.name == name else v
            for v in rs.records
        ],
    )


def test_is04_department_importing_public_fails_on_the_importer(clean: Snapshot, run: Run) -> None:
    _vrfs(clean, "core-2", "ZW_DEPT_TAX", import_targets=("65000:104", "65000:10"))
    bad = failing(run(clean, "IS-04"))
    assert [(b.target, b.devices) for b in bad] == [("core-2/ZW_DEPT_TAX", ("core-2",))]
    assert {e.device for e in bad[0].evidence} == {"core-1", "core-2"}  # both PEs export 65000:10


def test_is04_approved_route_target_interconnect_passes(
    reference: Inventory, clean: Snapshot, run: Run
) -> None:
    from dataclasses import replace as dc_replace

    from netops.inventory.model import Crossing, ZoneCrossing

    inv = dc_replace(
        reference,
        zone_crossings=(
            *reference.zone_crossings,
            ZoneCrossing(zones=("public", "dedicated-tax"), via=(Crossing.ROUTE_TARGET,)),
        ),
    )
    _vrfs(clean, "core-2", "ZW_DEPT_TAX", import_targets=("65000:104", "65000:10"))
    assert failing(run(clean, "IS-04", inventory=inv)) == []


def test_is04_leak_through_an_undeclared_vrf_is_followed(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "core-1",
        "vrf",
        Vrf(
            device="core-1",
            name="TEMP_X",
            import_targets=("65000:90",),
            export_targets=("65000:777",),
        ),
    )
    _vrfs(clean, "core-1", "ZW_PUBLIC", import_targets=("65000:10", "65000:777"))
    f = run(clean, "IS-04")
    bad = failing(f)
    assert [b.target for b in bad] == ["core-1/ZW_PUBLIC"] and "TEMP_X" in bad[0].summary
    assert one(f, "core-1/TEMP_X").verdict == "NEEDS_EVIDENCE"


# -- IS-05 ----------------------------------------------------------------------------------------
def test_is05_public_next_hop_fails_and_same_vrf_static_passes(clean: Snapshot, run: Run) -> None:
    edit_config(
        clean,
        "core-2",
        lambda t: t.replace(
            "#\nstelnet",
            "ip route-static vpn-instance ZW_PUBLIC 10.9.0.0 255.255.0.0 10.0.64.200\n#\nstelnet",
        ),
    )
    assert failing(run(clean, "IS-05")) == []  # a static route inside its own VRF is no leak
    edit_config(
        clean,
        "core-2",
        lambda t: t.replace(
            "#\nstelnet",
            "ip route-static vpn-instance ZW_MGMT 0.0.0.0 0 10.1.1.1 public\n#\nstelnet",
        ),
    )
    bad = failing(run(clean, "IS-05"))
    assert [b.target for b in bad] == ["core-2"] and bad[0].evidence[0].text.endswith("public")


# -- IS-06 ----------------------------------------------------------------------------------------
def test_is06_extranet_default_to_a_non_firewall_fails(clean: Snapshot, run: Run) -> None:
    rs = clean.get("arp", "core-1")
    assert rs is not None
    replace(
        clean,
        "core-1",
        "arp",
        *[
            a.model_copy(update={"mac": mac_of("agg-heping")})
            if isinstance(a, ArpEntry) and a.ip == "10.0.64.254"
            else a
            for a in rs.records
        ],
    )
    bad = failing(run(clean, "IS-06"))
    assert [(b.target, b.devices) for b in bad] == [("core-1/ZW_PUBLIC", ("core-1", "agg-heping"))]


def test_is06_unresolvable_default_is_needs_evidence(clean: Snapshot, run: Run) -> None:
    rs = clean.get("arp", "core-2")
    assert rs is not None
    replace(
        clean,
        "core-2",
        "arp",
        *[a for a in rs.records if isinstance(a, ArpEntry) and a.ip != "10.64.4.254"],
    )
    f = one(run(clean, "IS-06"), "core-2/ZW_DEPT_POLICE")
    assert f.verdict == "NEEDS_EVIDENCE"


def test_is06_intranet_host_and_loopback_routes_are_fine(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "in-core-1",
        "route",
        Route(device="in-core-1", prefix="127.0.0.0/8", protocol="direct", next_hop="127.0.0.1"),
        Route(device="in-core-1", prefix="172.16.16.1/32", protocol="direct", next_hop="127.0.0.1"),
    )
    assert failing(run(clean, "IS-06")) == []
    append(
        clean,
        "in-acc-3",
        "route",
        Route(device="in-acc-3", prefix="10.0.0.0/8", next_hop="172.16.16.1", protocol="static"),
    )
    assert [b.target for b in failing(run(clean, "IS-06"))] == ["in-acc-3"]


# -- IS-07 / IS-08 -------------------------------------------------------------------------------
def test_is07_internet_vrf_importing_public_is_a_bypass(clean: Snapshot, run: Run) -> None:
    _vrfs(clean, "core-2", "ZW_INTERNET", import_targets=("65000:90", "65000:10"))
    bad = failing(run(clean, "IS-07"))
    assert [b.target for b in bad] == ["Internet -> public"]
    assert "core-2/ZW_INTERNET" in bad[0].summary and "rt 65000:10" in bad[0].summary


def test_is07_public_importing_internet_is_not_an_inbound_path(clean: Snapshot, run: Run) -> None:
    # routes flow internet -> public, so public hosts can send out; nothing inbound (IS-04 reports the leak)
    _vrfs(clean, "core-2", "ZW_PUBLIC", import_targets=("65000:10", "65000:90"))
    assert failing(run(clean, "IS-07")) == []


def test_is07_shared_subnet_around_the_firewall_is_a_bypass(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "edge-br-1",
        "interface",
        Interface(device="edge-br-1", name="GigabitEthernet0/0/2", addresses=("10.0.64.9/24",)),
    )
    bad = failing(run(clean, "IS-07"))
    assert [b.target for b in bad] == ["Internet -> public"]
    assert bad[0].devices[0] == "edge-br-1"


def test_is08_walk_reaching_public_without_firewall_fails(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "edge-br-1",
        "interface",
        Interface(device="edge-br-1", name="GigabitEthernet0/0/2", addresses=("10.0.99.1/30",)),
    )
    append(
        clean,
        "edge-br-1",
        "route",
        Route(device="edge-br-1", prefix="10.0.64.0/24", next_hop="10.0.99.2", protocol="static"),
    )
    append(
        clean,
        "core-1",
        "interface",
        Interface(
            device="core-1",
            name="GigabitEthernet4/0/1",
            addresses=("10.0.99.2/30",),
            vrf="ZW_PUBLIC",
        ),
    )
    f = run(clean, "IS-08")
    bad = failing(f)
    assert bad and all(b.devices[:2] == ("edge-br-1", "core-1") for b in bad)
    assert {b.target for b in bad} == {"edge-br-1 -> public"}


def test_is08_walk_via_firewall_passes(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "edge-br-1",
        "route",
        Route(device="edge-br-1", prefix="10.0.0.0/10", next_hop="10.128.30.1", protocol="static"),
    )
    append(
        clean,
        "edge-fw-1",
        "interface",
        Interface(device="edge-fw-1", name="GigabitEthernet1/0/0", addresses=("10.128.30.1/30",)),
    )
    [f] = [x for x in run(clean, "IS-08") if x.target == "edge-br-1 -> public"]
    assert f.verdict == "PASS"
    texts = [e.text for e in f.evidence]
    assert any("10.0.0.0/10 next hop 10.128.30.1" in t for t in texts)
    assert any(e.device == "edge-fw-1" and "10.128.30.1/30" in e.text for e in f.evidence)


def test_is08_no_route_passes_with_the_table_as_evidence(clean: Snapshot, run: Run) -> None:
    [f] = [x for x in run(clean, "IS-08") if x.target == "edge-br-1 -> public"]
    assert f.verdict == "PASS" and "routes in edge-br-1" in f.evidence[0].text


def test_settings_thresholds_change_verdicts(clean: Snapshot, run: Run) -> None:
    strict = ComplianceSettings(idle_timeout_max_minutes=5)
    assert {f.verdict for f in run(clean, "MG-03", settings=strict)} == {"FAIL"}


def test_is01_a_loop_cable_on_an_intranet_switch_is_no_breach(clean: Snapshot, run: Run) -> None:
    append(
        clean,
        "in-acc-2",
        "lldp",
        lldp("in-acc-2", "GigabitEthernet1/0/10", "in-acc-2", "GigabitEthernet1/0/11"),
    )
    f = run(clean, "IS-01")
    assert failing(f) == []
    loop = one(f, "in-acc-2:GigabitEthernet1/0/10 <-> in-acc-2:GigabitEthernet1/0/11")
    assert (loop.verdict, loop.devices) == ("NEEDS_EVIDENCE", ("in-acc-2",))


def _provider_default(snap: Snapshot) -> None:
    """edge-br-1's uplink to its provider and the default route over it."""
    append(
        snap,
        "edge-br-1",
        "interface",
        Interface(device="edge-br-1", name="GigabitEthernet0/0/0", addresses=("10.128.31.254/30",)),
    )
    append(
        snap,
        "edge-br-1",
        "route",
        Route(device="edge-br-1", prefix="0.0.0.0/0", next_hop="10.128.31.253", protocol="static"),
    )


def test_is08_default_route_back_to_the_provider_does_not_enter(clean: Snapshot, run: Run) -> None:
    _provider_default(clean)
    walks = {f.target: f for f in run(clean, "IS-08")}
    police = walks["edge-br-1 -> dedicated-police"]
    assert police.verdict == "PASS" and "goes back to the provider" in police.summary
    assert any("0.0.0.0/0 next hop 10.128.31.253" in e.text for e in police.evidence)


def test_is08_unknown_next_hop_inside_a_protected_zone_needs_evidence(
    clean: Snapshot, run: Run
) -> None:
    # the same default route, but toward an address of the public zone nobody owns: it is
    # not the provider, and the walk cannot say where the traffic goes
    append(
        clean,
        "edge-br-1",
        "interface",
        Interface(device="edge-br-1", name="GigabitEthernet0/0/2", addresses=("10.0.99.1/30",)),
    )
    append(
        clean,
        "edge-br-1",
        "route",
        Route(device="edge-br-1", prefix="0.0.0.0/0", next_hop="10.0.99.2", protocol="static"),
    )
    walks = {f.target: f for f in run(clean, "IS-08")}
    police = walks["edge-br-1 -> dedicated-police"]
    assert police.verdict == "NEEDS_EVIDENCE"
    assert "next hop 10.0.99.2 not resolvable" in police.summary
