"""The reference district loads, validates, and has the shape PRODUCT.md describes."""

from __future__ import annotations

from netops.inventory import Inventory, Role, SiteKind


def test_reference_counts(reference: Inventory) -> None:
    by_role = reference.counts()["role"]
    cores = [
        d
        for d in reference.devices
        if d.role is Role.CORE and reference.site_by_name[d.site].kind is SiteKind.CORE
    ]
    assert len(cores) == 2
    assert by_role["aggregation"] == 13
    access_sites = [s for s in reference.sites if s.kind is SiteKind.ACCESS]
    agencies = [s for s in reference.sites if s.kind is SiteKind.AGENCY]
    assert len(access_sites) == 102
    assert len(agencies) == 20
    for role in (
        "border_router",
        "firewall",
        "ips",
        "load_balancer",
        "vpn_gateway",
        "isolation_gateway",
    ):
        assert by_role[role] >= 1, role
    assert by_role["db_server"] == 2
    assert by_role["backup_server"] >= 1


def test_every_aggregation_point_is_dual_homed_to_both_mpls_cores(reference: Inventory) -> None:
    core_pair = reference.ha_pair_by_name["core-pair"]
    for device in reference.devices:
        if device.role is Role.AGGREGATION:
            uplinks = reference.uplinks(device.name)
            assert {reference.peer(link, device.name) for link in uplinks} == set(core_pair.members)
            assert len({link.redundancy_group for link in uplinks}) == 1


def test_intranet_connects_to_nothing_else(reference: Inventory) -> None:
    intranet = {d.name for d in reference.devices if reference.network_of(d) == "intranet"}
    assert intranet, "the reference network has an intranet"
    for link in reference.links:
        ends = set(link.devices)
        assert ends <= intranet or not ends & intranet, str(link)


def test_access_switches_hang_off_their_streets_aggregation(reference: Inventory) -> None:
    for device in reference.devices:
        site = reference.site_by_name[device.site]
        if site.kind in (SiteKind.ACCESS, SiteKind.AGENCY):
            peers = {reference.peer(link, device.name) for link in reference.links_of(device.name)}
            street = reference.site_by_name[site.parent or ""]
            assert {reference.device_by_name[p].site for p in peers} == {street.name}


def test_database_pair_and_backup_policies(reference: Inventory) -> None:
    pair = reference.ha_pair_by_name["dc-db"]
    assert pair.engine == "postgresql"
    assert pair.service_address is not None
    policy = next(p for p in reference.backup_policies if p.kind == "database")
    assert "dc-db" in policy.applies_to.ha_pairs
    assert policy.automatic is not None and policy.automatic.max_age_hours <= 26
    assert policy.manual is not None and policy.manual.max_age_hours <= 168


def test_platform_mix_and_vrfs(reference: Inventory) -> None:
    platforms = reference.counts()["platform"]
    assert platforms["huawei_vrp"] > platforms["hp_comware"] > 0
    assert platforms["cisco_ios"] > 0 and platforms["huawei_usg"] > 0 and platforms["linux"] > 0
    zones_with_vrf = {v.zone for v in reference.vrfs}
    extranet_zones = {z.name for z in reference.zones if z.network == "extranet"}
    assert zones_with_vrf == extranet_zones
    assert {v.name for v in reference.vrfs_on("core-1")} == {v.name for v in reference.vrfs}


def test_zone_of_address(reference: Inventory) -> None:
    assert reference.zone_of_address("10.250.2.1").name == "management"  # type: ignore[union-attr]
    assert reference.zone_of_address("172.16.16.1").name == "intranet"  # type: ignore[union-attr]
    assert reference.zone_of_address("192.0.2.1") is None
    assert reference.crossings_between("internet", "public")
    assert not reference.crossings_between("intranet", "public")
