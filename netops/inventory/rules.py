"""Rules across objects: references, duplicates, addressing, isolation, redundancy, policy.

Each rule yields :class:`Problem` s located at the object and field at fault. They run
only once every object has passed its own schema.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import Any, Protocol

from netops.errors import Problem
from netops.inventory.inventory import Inventory
from netops.inventory.model import (
    Crossing,
    Device,
    HaKind,
    Role,
    ZoneKind,
)
from netops.yamlfile import PathKey

_TARGET = re.compile(r"^(\d{1,10}|\d{1,3}(\.\d{1,3}){3}):\d{1,10}$")
_HA_ROLE = {
    HaKind.CORE: {Role.CORE},
    HaKind.FIREWALL: {Role.FIREWALL},
    HaKind.DATABASE: {Role.DB_SERVER},
}
_CROSSING_ROLE = {
    Role.FIREWALL: Crossing.FIREWALL,
    Role.ISOLATION_GATEWAY: Crossing.ISOLATION_GATEWAY,
    Role.VPN_GATEWAY: Crossing.VPN_GATEWAY,
}


class Locator(Protocol):
    #: names of entries that failed their own schema (references to them are not "unknown")
    failed: set[str]

    def problem(self, obj: object, field_path: PathKey, message: str) -> Problem: ...


def check(inv: Inventory, loc: Locator) -> list[Problem]:
    """Every problem the rules find (empty for a good inventory)."""
    problems: list[Problem] = []
    for rule in (
        _duplicate_names,
        _references,
        _zones,
        _addresses,
        _vrfs,
        _links,
        _dual_homing,
        _ha_pairs,
        _backup_policies,
        _waivers,
    ):
        problems.extend(rule(inv, loc))
    return problems


def _duplicates(
    items: Iterable[tuple[Any, PathKey, Any]], what: str, loc: Locator
) -> Iterator[Problem]:
    """Report every (obj, field, key) whose key was already seen."""
    seen: dict[Any, Any] = {}
    for obj, field_path, key in items:
        if key in seen:
            first = seen[key]
            name = getattr(first, "name", None) or str(first)
            yield loc.problem(obj, field_path, f"duplicate {what} {key} (already used by {name})")
        else:
            seen[key] = obj


def _duplicate_names(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    for section in (
        "sites",
        "zones",
        "vrfs",
        "devices",
        "auth_profiles",
        "ha_pairs",
        "backup_policies",
    ):
        yield from _duplicates(((o, ("name",), o.name) for o in getattr(inv, section)), "name", loc)


def _missing(
    loc: Locator, obj: object, field_path: PathKey, kind: str, name: str, known: Iterable[str]
) -> Iterator[Problem]:
    """An unknown reference, unless the entry it names exists but failed its own schema."""
    if name in loc.failed:
        return
    names = sorted(known)
    hint = ", ".join(names[:8]) + (" ..." if len(names) > 8 else "")
    yield loc.problem(obj, field_path, f"unknown {kind} {name!r} (known: {hint or 'none'})")


def _references(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    sites, zones, devices = inv.site_by_name, inv.zone_by_name, inv.device_by_name
    for site in inv.sites:
        if site.parent and site.parent not in sites:
            yield from _missing(loc, site, ("parent",), "site", site.parent, sites)
        for i, zone in enumerate(site.zones):
            if zone not in zones:
                yield from _missing(loc, site, ("zones", i), "zone", zone, zones)
    for device in inv.devices:
        if device.site not in sites:
            yield from _missing(loc, device, ("site",), "site", device.site, sites)
        if device.auth not in inv.auth_profile_by_name:
            yield from _missing(
                loc, device, ("auth",), "auth profile", device.auth, inv.auth_profile_by_name
            )
        if not device.zones and device.site in sites:
            yield loc.problem(
                device,
                ("zones",),
                "a device must be in at least one zone (set zones on it or its site)",
            )
        for i, zone in enumerate(device.zones):
            if zone not in zones:
                yield from _missing(loc, device, ("zones", i), "zone", zone, zones)
        if device.ha_group and device.ha_group not in inv.ha_pair_by_name:
            yield from _missing(
                loc, device, ("ha_group",), "HA pair", device.ha_group, inv.ha_pair_by_name
            )
        vrfs_here = {v.name for v in inv.vrfs_on(device.name)}
        for i, iface in enumerate(device.interfaces):
            if iface.vrf and iface.vrf not in inv.vrf_by_name:
                yield from _missing(
                    loc, device, ("interfaces", i, "vrf"), "VRF", iface.vrf, inv.vrf_by_name
                )
            elif iface.vrf and iface.vrf not in vrfs_here:
                yield loc.problem(
                    device,
                    ("interfaces", i, "vrf"),
                    f"VRF {iface.vrf!r} is not instantiated on {device.name} (see vrfs[{iface.vrf}].devices)",
                )
        yield from _duplicates(
            ((device, ("interfaces", i, "name"), f.name) for i, f in enumerate(device.interfaces)),
            "interface",
            loc,
        )
    for vrf in inv.vrfs:
        if vrf.zone not in zones:
            yield from _missing(loc, vrf, ("zone",), "zone", vrf.zone, zones)
        for i, name in enumerate(vrf.devices):
            if name not in devices:
                yield from _missing(loc, vrf, ("devices", i), "device", name, devices)
    for crossing in inv.zone_crossings:
        for i, zone in enumerate(crossing.zones):
            if zone not in zones:
                yield from _missing(loc, crossing, ("zones", i), "zone", zone, zones)


def _zones(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    """Zone prefixes never overlap; the intranet crosses to nothing; a device sits in one network."""
    zones = list(inv.zones)
    for i, zone in enumerate(zones):
        for j, prefix in enumerate(zone.prefixes):
            for other in zones[:i]:
                for theirs in other.prefixes:
                    if prefix.overlaps(theirs):
                        yield loc.problem(
                            zone,
                            ("prefixes", j),
                            f"{prefix} overlaps {theirs} of zone {other.name}: zones must not share addresses",
                        )
    for crossing in inv.zone_crossings:
        kinds = {inv.zone_by_name[z].kind for z in crossing.zones if z in inv.zone_by_name}
        if ZoneKind.INTRANET in kinds:
            yield loc.problem(
                crossing,
                ("zones",),
                "the intranet is physically isolated: no zone may cross to it, through anything",
            )
        if len(set(crossing.zones)) != 2:
            yield loc.problem(crossing, ("zones",), "a crossing joins two different zones")
        if Crossing.ROUTE_TARGET in crossing.via and ZoneKind.INTERNET in kinds:
            yield loc.problem(
                crossing,
                ("via",),
                "the Internet access zone meets other zones only through firewall + IPS, "
                "a GAP or the VPN gateway, never by route-target import",
            )
    for device in inv.devices:
        kinds = {inv.zone_by_name[z].kind for z in device.zones if z in inv.zone_by_name}
        if ZoneKind.INTRANET in kinds and len(kinds) > 1:
            yield loc.problem(
                device,
                ("zones",),
                "a device in the intranet cannot be in any other zone (one machine, two networks)",
            )


def _mgmt_zones(inv: Inventory, device: Device) -> list[Any]:
    wanted = ZoneKind.INTRANET if inv.network_of(device) == "intranet" else ZoneKind.MANAGEMENT
    return [z for z in inv.zones if z.kind is wanted]


def _addresses(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    yield from _duplicates(
        ((d, ("mgmt_address",), d.mgmt_address) for d in inv.devices), "address", loc
    )
    yield from _duplicates(
        (
            (d, ("interfaces", i, "address"), f.address.ip)
            for d in inv.devices
            for i, f in enumerate(d.interfaces)
            if f.address
        ),
        "address",
        loc,
    )
    for device in inv.devices:
        if not device.zones or not all(z in inv.zone_by_name for z in device.zones):
            continue
        zones = _mgmt_zones(inv, device)
        if not any(device.mgmt_address in p for z in zones for p in z.prefixes):
            allowed = (
                ", ".join(f"{z.name}: {', '.join(map(str, z.prefixes))}" for z in zones)
                or "no management zone defined"
            )
            yield loc.problem(
                device,
                ("mgmt_address",),
                f"address {device.mgmt_address} is outside its zone's prefixes ({allowed})",
            )
        for i, iface in enumerate(device.interfaces):
            if iface.address is None:
                continue
            zone_names = (
                [inv.vrf_by_name[iface.vrf].zone]
                if iface.vrf in inv.vrf_by_name
                else list(device.zones)
            )
            prefixes = [
                p for z in zone_names if z in inv.zone_by_name for p in inv.zone_by_name[z].prefixes
            ]
            if not any(iface.address.ip in p for p in prefixes):
                yield loc.problem(
                    device,
                    ("interfaces", i, "address"),
                    f"address {iface.address} is outside its zone's prefixes ({', '.join(zone_names)})",
                )
    for pair in inv.ha_pairs:
        if pair.service_address and inv.zone_of_address(pair.service_address) is None:
            yield loc.problem(
                pair,
                ("service_address",),
                f"address {pair.service_address} is outside every zone's prefixes",
            )


def _vrfs(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    """Well-formed RD/RTs; no VRF imports another zone's routes (the intranet never has VRFs)."""
    exporters: dict[str, list[Any]] = {}
    for vrf in inv.vrfs:
        for target in vrf.export_targets:
            exporters.setdefault(target, []).append(vrf)
    for vrf in inv.vrfs:
        if not _TARGET.match(vrf.rd):
            yield loc.problem(
                vrf, ("rd",), f"route distinguisher {vrf.rd!r} is not ASN:nn or IP:nn"
            )
        for field_name in ("import_targets", "export_targets"):
            for i, target in enumerate(getattr(vrf, field_name)):
                if not _TARGET.match(target):
                    yield loc.problem(
                        vrf, (field_name, i), f"route target {target!r} is not ASN:nn or IP:nn"
                    )
        zone = inv.zone_by_name.get(vrf.zone)
        if zone is not None and zone.kind is ZoneKind.INTRANET:
            yield loc.problem(
                vrf, ("zone",), "the intranet is not carried on the extranet MPLS core"
            )
        for i, target in enumerate(vrf.import_targets):
            for source in exporters.get(target, []):
                if source.zone != vrf.zone and Crossing.ROUTE_TARGET not in (
                    inv.crossings_between(source.zone, vrf.zone)
                ):
                    yield loc.problem(
                        vrf,
                        ("import_targets", i),
                        f"imports {target} exported by VRF {source.name} (zone {source.zone}) into zone {vrf.zone}: zones may only meet through a sanctioned crossing, never by route target",
                    )


def _links(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    devices = inv.device_by_name
    ends = [
        (link, (side,), f"{ep.device}:{ep.interface}")
        for link in inv.links
        for side, ep in (("a", link.a), ("b", link.b))
    ]
    yield from _duplicates(ends, "link end", loc)
    for link in inv.links:
        missing = False
        for side, end in (("a", link.a), ("b", link.b)):
            if end.device not in devices:
                yield from _missing(loc, link, (side,), "device", end.device, devices)
                missing = True
        if missing:
            continue
        if link.a.device == link.b.device:
            yield loc.problem(link, ("b",), "a link joins two different devices")
            continue
        yield from _link_zones(inv, loc, link)


def _link_zones(inv: Inventory, loc: Locator, link: Any) -> Iterator[Problem]:
    a, b = inv.device_by_name[link.a.device], inv.device_by_name[link.b.device]
    if not a.zones or not b.zones:
        return  # the device's missing zones (or site) are reported on the device
    net_a, net_b = inv.network_of(a), inv.network_of(b)
    if net_a != net_b:
        inside, outside = (a, b) if net_a == "intranet" else (b, a)
        yield loc.problem(
            link,
            (),
            f"would join the intranet ({inside.name}) to zone(s) {', '.join(outside.zones)} of {outside.name}: the intranet must stay physically isolated",
        )
        return
    if set(a.zones) & set(b.zones):
        return
    crossing_ports = {
        iface.crossing
        for device, end in ((a, link.a), (b, link.b))
        for iface in device.interfaces
        if iface.name == end.interface and iface.crossing
    } | {_CROSSING_ROLE[d.role] for d in (a, b) if d.role in _CROSSING_ROLE}
    allowed = {c for za in a.zones for zb in b.zones for c in inv.crossings_between(za, zb)} - {
        Crossing.ROUTE_TARGET
    }
    if not crossing_ports & allowed:
        yield loc.problem(
            link,
            (),
            f"joins zones {', '.join(a.zones)} and {', '.join(b.zones)} without a sanctioned crossing (allowed: {', '.join(sorted(allowed)) or 'none'})",
        )


def _dual_homing(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    core_pairs = inv.ha_pairs_of_kind(HaKind.CORE)
    for device in inv.devices:
        if device.role is not Role.AGGREGATION:
            continue
        if any(inv.peer(link, device.name) in loc.failed for link in inv.links_of(device.name)):
            continue  # a neighbour failed its schema; its problem is already reported
        uplinks = inv.uplinks(device.name)
        cores = {inv.peer(link, device.name) for link in uplinks}
        if not any(set(pair.members) <= cores for pair in core_pairs):
            pairs = (
                "; ".join(" and ".join(p.members) for p in core_pairs) or "no core HA pair declared"
            )
            seen = ", ".join(sorted(cores)) or "none"
            yield loc.problem(
                device,
                ("name",),
                f"aggregation point not dual-homed to both cores ({pairs}); uplinks reach: {seen}",
            )
            continue
        groups = {link.redundancy_group for link in uplinks}
        if len(groups) != 1 or None in groups:
            yield loc.problem(
                uplinks[0],
                ("redundancy_group",),
                f"the uplinks of {device.name} must share one redundancy_group (found: {', '.join(sorted(str(g) for g in groups))})",
            )


def _ha_pairs(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    member_of: dict[str, str] = {}
    for pair in inv.ha_pairs:
        if pair.members[0] == pair.members[1]:
            yield loc.problem(pair, ("members",), "an HA pair has two different members")
        for i, name in enumerate(pair.members):
            device = inv.device_by_name.get(name)
            if device is None:
                yield from _missing(loc, pair, ("members", i), "device", name, inv.device_by_name)
                continue
            if device.role not in _HA_ROLE[pair.kind]:
                yield loc.problem(
                    pair,
                    ("members", i),
                    f"{name} has role {device.role}, a {pair.kind} pair needs {'/'.join(sorted(_HA_ROLE[pair.kind]))}",
                )
            if name in member_of:
                yield loc.problem(
                    pair,
                    ("members", i),
                    f"duplicate member {name} (already in pair {member_of[name]})",
                )
            member_of[name] = pair.name
        for i, source in enumerate(pair.backups):
            if source.host is not None and source.host not in inv.device_by_name:
                yield from _missing(
                    loc, pair, ("backups", i, "host"), "device", source.host, inv.device_by_name
                )
        if pair.backups and pair.kind is not HaKind.DATABASE:
            yield loc.problem(pair, ("backups",), "only database pairs have backups")
        if pair.kind is HaKind.DATABASE and not pair.engine:
            yield loc.problem(
                pair, ("engine",), "a database pair names its engine (postgresql, mysql, oracle)"
            )
    for device in inv.devices:
        pair_name = member_of.get(device.name)
        if (
            device.ha_group
            and device.ha_group in inv.ha_pair_by_name
            and device.ha_group != pair_name
        ):
            yield loc.problem(
                device, ("ha_group",), f"{device.name} is not a member of HA pair {device.ha_group}"
            )


def _backup_policies(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    covered_pairs: set[str] = set()
    for policy in inv.backup_policies:
        sel = policy.applies_to
        for field_name, known, kind in (
            ("sites", inv.site_by_name, "site"),
            ("devices", inv.device_by_name, "device"),
            ("ha_pairs", inv.ha_pair_by_name, "HA pair"),
        ):
            for i, name in enumerate(getattr(sel, field_name)):
                if name not in known:
                    yield from _missing(
                        loc, policy, ("applies_to", field_name, i), kind, name, known
                    )
        if policy.automatic is None:
            yield loc.problem(
                policy, ("automatic",), "a backup policy needs an automatic (scheduled) rule"
            )
        elif policy.automatic.max_age_hours > 48:
            yield loc.problem(
                policy,
                ("automatic", "max_age_hours"),
                "automatic backups must be at least daily (max_age_hours <= 48)",
            )
        if policy.kind == "database":
            covered_pairs.update(sel.ha_pairs)
            if policy.manual is None:
                yield loc.problem(
                    policy,
                    ("manual",),
                    "databases need manual backups at least weekly (a 'manual:' rule)",
                )
            elif policy.manual.max_age_hours > 7 * 24:
                yield loc.problem(
                    policy,
                    ("manual", "max_age_hours"),
                    "manual database backups must be at least weekly (max_age_hours <= 168)",
                )
    for pair in inv.ha_pairs:
        if pair.kind is HaKind.DATABASE and pair.name not in covered_pairs:
            yield loc.problem(pair, ("name",), "no database backup policy applies to this pair")


def _waivers(inv: Inventory, loc: Locator) -> Iterator[Problem]:
    """One waiver per (check, target): two would leave it unclear which reason and expiry hold."""
    seen: set[tuple[str, str]] = set()
    for waiver in inv.waivers:
        key = (waiver.check_id, waiver.target)
        if key in seen:
            yield loc.problem(
                waiver,
                ("target",),
                f"a second waiver for {waiver.check_id} on {waiver.target}: keep one",
            )
        seen.add(key)
