"""Physical and identity isolation: IS-01 (LLDP edges), IS-02 (identity overlap), IS-03 (addressing).

The intranet has no exception: any edge from an intranet device to something that is
not a declared intranet device is a FAIL. Extranet edges between devices sharing no
zone must run through a sanctioned crossing (a firewall, GAP or VPN gateway port) of
a kind the inventory's zone matrix allows between those zones.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, ip_network

from netops.compliance.checks import check
from netops.compliance.context import Context
from netops.compliance.identity import (
    address_is_unique,
    mac_is_unique,
    normalize_chassis,
    normalize_mac,
)
from netops.compliance.snapshot import RecordSet
from netops.inventory import Crossing, Role, ZoneKind
from netops.models import (
    ArpEntry,
    Entity,
    Evidence,
    Finding,
    Interface,
    LldpNeighbor,
    Route,
    Severity,
    SystemInfo,
)

_CROSSING_ROLE = {
    Role.FIREWALL: Crossing.FIREWALL,
    Role.ISOLATION_GATEWAY: Crossing.ISOLATION_GATEWAY,
    Role.VPN_GATEWAY: Crossing.VPN_GATEWAY,
}


# -- IS-01 -----------------------------------------------------------------------------------------
@dataclass
class _Sighting:
    rs: RecordSet
    entry: LldpNeighbor
    remote: str | None  # resolved device name
    how: str  # how the remote was identified


def resolve_neighbor(ctx: Context, n: LldpNeighbor) -> tuple[str | None, str]:
    """Which inventory device an LLDP entry names: by chassis ID, address, then name."""
    chassis = normalize_chassis(n.remote_chassis_id)
    if chassis and chassis in ctx.chassis_owners:
        return ctx.chassis_owners[chassis], f"chassis ID {n.remote_chassis_id}"
    address = address_is_unique(n.remote_mgmt_address)
    if address is not None and address in ctx.mgmt_owners:
        return ctx.mgmt_owners[address], f"management address {address}"
    if n.remote_system_name and n.remote_system_name in ctx.inv.device_by_name:
        return n.remote_system_name, f"system name {n.remote_system_name}"
    return None, "unknown"


def _lldp_text(s: _Sighting) -> str:
    n = s.entry
    parts = [
        f"{s.rs.device} {n.local_interface} -> {n.remote_system_name or '?'}",
        f"port {n.remote_port_id or '?'}",
        f"chassis {n.remote_chassis_id or '?'}",
    ]
    if n.remote_mgmt_address:
        parts.append(f"mgmt {n.remote_mgmt_address}")
    return ", ".join(parts)


def _lldp_evidence(ctx: Context, s: _Sighting) -> Evidence:
    return ctx.ev(
        s.rs,
        "lldp",
        _lldp_text(s),
        local_interface=s.entry.local_interface,
        remote_chassis_id=s.entry.remote_chassis_id,
        remote_port_id=s.entry.remote_port_id,
        remote_system_name=s.entry.remote_system_name,
        identified_by=s.how,
    )


def end_zones(ctx: Context, device: str, interface: str | None) -> set[str]:
    """The zones an interface carries: its VRF's zone, else the device's data zones.

    The management zone rides on nearly every device (in-band management VLAN), so it
    does not make two devices' data ports "the same zone"; it counts only for a device
    in no other zone.
    """
    dev = ctx.device(device)
    if dev is None:
        return set()
    vrf = ctx.vrf_of_interface.get((device, interface or ""))
    if vrf and vrf in ctx.zone_of_vrf:
        return {ctx.zone_of_vrf[vrf]}
    data = {z for z in dev.zones if ctx.zone_kind(z) is not ZoneKind.MANAGEMENT}
    return data or set(dev.zones)


def _crossings_at(ctx: Context, device: str, interface: str | None) -> set[Crossing]:
    dev = ctx.device(device)
    if dev is None:
        return set()
    out = {i.crossing for i in dev.interfaces if i.name == interface and i.crossing}
    if dev.role in _CROSSING_ROLE:
        out.add(_CROSSING_ROLE[dev.role])
    return out


def _edges(ctx: Context) -> list[list[_Sighting]]:
    """LLDP sightings grouped into physical edges (one group per link, seen from one or both ends)."""
    by_pair: dict[tuple[str, str], list[_Sighting]] = {}
    unknown: list[list[_Sighting]] = []
    for rs, rec in ctx.snap.each("lldp"):
        assert isinstance(rec, LldpNeighbor)
        remote, how = resolve_neighbor(ctx, rec)
        s = _Sighting(rs, rec, remote, how)
        if remote is None or remote == rs.device:
            unknown.append([s])  # unknown neighbours and loops: judged one sighting at a time
            continue
        by_pair.setdefault(tuple(sorted((rs.device, remote))), []).append(s)  # type: ignore[arg-type]
    edges: list[list[_Sighting]] = []
    for (a, _b), sightings in by_pair.items():
        from_a = [s for s in sightings if s.rs.device == a]
        from_b = [s for s in sightings if s.rs.device != a]
        used: set[int] = set()
        for sa in from_a:
            match = next(
                (
                    i
                    for i, sb in enumerate(from_b)
                    if i not in used
                    and (
                        sb.entry.remote_port_id == sa.entry.local_interface
                        or sa.entry.remote_port_id == sb.entry.local_interface
                    )
                ),
                None,
            )
            if match is None and len(from_a) == 1 and len(from_b) == 1:
                match = 0
            if match is not None:
                used.add(match)
                edges.append([sa, from_b[match]])
            else:
                edges.append([sa])
        edges.extend([sb] for i, sb in enumerate(from_b) if i not in used)
    return edges + unknown


def _edge_name(sightings: list[_Sighting]) -> str:
    s = sightings[0]
    a = f"{s.rs.device}:{s.entry.local_interface}"
    if len(sightings) > 1:
        b = f"{sightings[1].rs.device}:{sightings[1].entry.local_interface}"
    else:
        b = f"{s.remote or s.entry.remote_system_name or s.entry.remote_chassis_id or '?'}:{s.entry.remote_port_id or '?'}"
    return " <-> ".join(sorted((a, b)))


@check("IS-01")
def physical_edges(ctx: Context) -> Iterator[Finding]:
    for sightings in _edges(ctx):
        yield _judge_edge(ctx, sightings)
    for device in ctx.inv.devices:
        if ctx.is_network_device(device) and ctx.snap.get("lldp", device.name) is None:
            severity: Severity = (
                "critical" if ctx.network_of(device.name) == "intranet" else "warning"
            )
            yield ctx.not_collected(
                "IS-01",
                device.name,
                f"no LLDP neighbours collected from {device.name}: its physical edges are unproven",
                severity=severity,
            )


def _judge_edge(ctx: Context, sightings: list[_Sighting]) -> Finding:
    first = sightings[0]
    local, remote = first.rs.device, first.remote
    evidence = [_lldp_evidence(ctx, s) for s in sightings]
    name = _edge_name(sightings)
    devices = [local] + ([remote] if remote else [])
    local_if = first.entry.local_interface
    remote_if = (
        sightings[1].entry.local_interface if len(sightings) > 1 else first.entry.remote_port_id
    )
    net_local, net_remote = ctx.network_of(local), ctx.network_of(remote) if remote else None
    if remote == local:
        return ctx.finding(
            "IS-01",
            "NEEDS_EVIDENCE",
            name,
            f"{local} sees itself: a cable loops between two of its own ports (no zone crossed)",
            devices,
            evidence,
            severity="warning",
        )
    if "intranet" in (net_local, net_remote):
        if net_local == net_remote == "intranet":
            return ctx.finding(
                "IS-01", "PASS", name, "intranet link between intranet devices", devices, evidence
            )
        inside = local if net_local == "intranet" else remote
        if remote is None:
            other = f"an undeclared device ({first.entry.remote_system_name or first.entry.remote_chassis_id or 'unknown'})"
        else:
            outside = remote if inside == local else local
            dev = ctx.device(outside)
            other = f"extranet device {outside} (zones {', '.join(dev.zones) if dev else '?'})"
        return ctx.finding(
            "IS-01",
            "FAIL",
            name,
            f"intranet device {inside} is cabled to {other}: the intranet must stay physically isolated",
            devices,
            evidence,
            severity="critical",
        )
    if remote is None:
        return ctx.finding(
            "IS-01",
            "NEEDS_EVIDENCE",
            name,
            f"{local} {local_if} sees an undeclared LLDP neighbour "
            f"({first.entry.remote_system_name or first.entry.remote_chassis_id or 'unknown'}): declare it or remove it",
            devices,
            evidence,
            severity="warning",
        )
    zones_a = end_zones(ctx, local, local_if)
    zones_b = end_zones(ctx, remote, remote_if)
    if zones_a & zones_b:
        shared = ", ".join(sorted(zones_a & zones_b))
        return ctx.finding("IS-01", "PASS", name, f"both ends in zone {shared}", devices, evidence)
    crossings = _crossings_at(ctx, local, local_if) | _crossings_at(ctx, remote, remote_if)
    allowed = {c for za in zones_a for zb in zones_b for c in ctx.inv.crossings_between(za, zb)} - {
        Crossing.ROUTE_TARGET
    }
    if crossings & allowed:
        via = ", ".join(sorted(crossings & allowed))
        return ctx.finding(
            "IS-01",
            "PASS",
            name,
            f"sanctioned {via} crossing between {', '.join(sorted(zones_a))} and {', '.join(sorted(zones_b))}",
            devices,
            evidence,
        )
    internet = any(ctx.zone_kind(z) is ZoneKind.INTERNET for z in zones_a | zones_b)
    return ctx.finding(
        "IS-01",
        "FAIL",
        name,
        f"link joins zone(s) {', '.join(sorted(zones_a))} ({local}) and {', '.join(sorted(zones_b))} "
        f"({remote}) without a sanctioned crossing (allowed: {', '.join(sorted(allowed)) or 'none'})",
        devices,
        evidence,
        severity="critical" if internet else "major",
    )


# -- IS-02 -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Seen:
    network: str
    device: str
    where: str
    rs: RecordSet | None = None  # None: from the inventory
    imported: Evidence | None = None

    def evidence(self, ctx: Context) -> Evidence:
        if self.imported is not None:
            return self.imported
        if self.rs is None:
            return ctx.ev_inventory(self.where, self.device)
        return ctx.ev(self.rs, self.rs.kind, self.where)


def _identity_key(ctx: Context, kind: str, value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    if kind in ("mac", "chassis_id"):
        mac = normalize_mac(value)
        if mac:
            cfg = ctx.cfg
            if not mac_is_unique(
                mac, cfg.identity_ignore_mac_prefixes, cfg.identity_ignore_locally_administered
            ):
                return None
            return ("mac", mac)
        if kind == "mac":
            return None
        chassis = normalize_chassis(value)
        return ("chassis_id", chassis) if chassis else None
    if kind == "serial":
        serial = value.strip().lower()
        if serial in {s.lower() for s in ctx.cfg.identity_ignore_serials}:
            return None
        return ("serial", serial)
    if kind == "address":
        address = address_is_unique(value)
        return ("address", str(address)) if address else None
    return None


def local_identities(ctx: Context) -> Iterator[tuple[str, str, str, str, RecordSet | None, str]]:
    """(network, kind, value, device, record set, text) of what each network's own data shows.

    A machine's own chassis ID, serials and interface MACs, the MACs in its ARP table,
    and the management addresses of the inventory (record set None). LLDP neighbours
    are IS-01's business.
    """
    for rs, rec in ctx.snap.each("system"):
        assert isinstance(rec, SystemInfo)
        net = ctx.network_of(rs.device)
        if net is None:
            continue
        if rec.chassis_id:
            yield (
                net,
                "chassis_id",
                rec.chassis_id,
                rs.device,
                rs,
                f"{rs.device} chassis ID {rec.chassis_id}",
            )
        if rec.serial:
            yield net, "serial", rec.serial, rs.device, rs, f"{rs.device} serial {rec.serial}"
    for rs, rec in ctx.snap.each("entity"):
        assert isinstance(rec, Entity)
        net = ctx.network_of(rs.device)
        if net is not None and rec.serial:
            yield (
                net,
                "serial",
                rec.serial,
                rs.device,
                rs,
                f"{rs.device} entity {rec.index} {rec.name or rec.entity_class} serial {rec.serial}",
            )
    for rs, rec in ctx.snap.each("interface"):
        assert isinstance(rec, Interface)
        net = ctx.network_of(rs.device)
        if net is not None and rec.mac:
            yield net, "mac", rec.mac, rs.device, rs, f"{rs.device} {rec.name} MAC {rec.mac}"
    for rs, rec in ctx.snap.each("arp"):
        assert isinstance(rec, ArpEntry)
        net = ctx.network_of(rs.device)
        if net is not None:
            vrf = f" vpn-instance {rec.vrf}" if rec.vrf else ""
            yield (
                net,
                "mac",
                rec.mac,
                rs.device,
                rs,
                f"{rs.device} ARP {rec.ip} -> {rec.mac} on {rec.interface or '?'}{vrf}",
            )
    for device in ctx.inv.devices:
        net = ctx.network_of(device.name)
        if net is not None:
            yield (
                net,
                "address",
                str(device.mgmt_address),
                device.name,
                None,
                f"{device.name} management address {device.mgmt_address}",
            )


@check("IS-02")
def identity_overlap(ctx: Context) -> Iterator[Finding]:
    seen: dict[tuple[str, str], list[_Seen]] = {}
    counts = {"intranet": 0, "extranet": 0}
    for net, kind, value, device, rs, text in local_identities(ctx):
        key = _identity_key(ctx, kind, value)
        if key is not None:
            seen.setdefault(key, []).append(_Seen(net, device, text, rs))
            if rs is not None:  # the inventory's addresses alone are no collected data
                counts[net] += 1
    stale: list[str] = []
    imported_ev: list[Evidence] = []
    for snap in ctx.snap.identities:
        age_days = (ctx.now - snap.exported_at).total_seconds() / 86400
        imported_ev.append(
            Evidence(
                kind="identity_snapshot",
                source="import",
                collected_at=snap.exported_at,
                text=f"{snap.network} identities of {snap.network_name}: {len(snap.sightings)} sightings, signed by key {snap.key_id} ({snap.file})",
                data={"file": snap.file, "key_id": snap.key_id, "age_days": round(age_days, 1)},
            )
        )
        if age_days > ctx.cfg.identity_snapshot_max_age_days:
            stale.append(f"{snap.network} snapshot is {age_days:.0f} days old")
        for s in snap.sightings:
            key = _identity_key(ctx, s.kind, s.value)
            if key is None:
                continue
            ev = Evidence(
                kind=f"imported_{s.kind}",
                device=s.device,
                source=f"import:{s.source}",
                collected_at=s.collected_at,
                text=f"{s.device} ({snap.network}) {s.where}",
                data={"file": snap.file},
            )
            seen.setdefault(key, []).append(_Seen(snap.network, s.device, s.where, imported=ev))
            counts[snap.network] += 1
    failed = False
    for (kind, value), sightings in sorted(seen.items()):
        nets = {s.network for s in sightings}
        if {"intranet", "extranet"} <= nets:
            failed = True
            inside = sorted({s.device for s in sightings if s.network == "intranet"})
            outside = sorted({s.device for s in sightings if s.network == "extranet"})
            yield ctx.finding(
                "IS-02",
                "FAIL",
                f"{kind} {value}",
                f"{kind} {value} is seen in the intranet ({', '.join(inside)}) and in the extranet "
                f"({', '.join(outside)}): one machine on two networks",
                inside + outside,
                [s.evidence(ctx) for s in sightings][:20],
            )
    if failed:
        return
    if not counts["intranet"] or not counts["extranet"]:
        missing = "intranet" if not counts["intranet"] else "extranet"
        yield ctx.finding(
            "IS-02",
            "NEEDS_EVIDENCE",
            "identities",
            f"no {missing} identities to compare with: import the {missing} instance's signed "
            "identity snapshot ('netops snapshot import')",
            (),
            imported_ev,
            severity="major",
        )
    elif stale:
        yield ctx.finding(
            "IS-02",
            "NEEDS_EVIDENCE",
            "identities",
            "no overlap, but " + "; ".join(stale) + ": import a fresh one",
            (),
            imported_ev,
            severity="major",
        )
    else:
        yield ctx.finding(
            "IS-02",
            "PASS",
            "identities",
            f"no chassis ID, serial, MAC or management address in both networks "
            f"({counts['intranet']} intranet and {counts['extranet']} extranet sightings compared)",
            (),
            imported_ev,
        )


# -- IS-03 -----------------------------------------------------------------------------------------
_SPECIAL = [ip_network(p) for p in ("127.0.0.0/8", "169.254.0.0/16", "224.0.0.0/4", "0.0.0.0/32")]


def _special(address: IPv4Address) -> bool:
    return any(address in p for p in _SPECIAL) or address == IPv4Address("255.255.255.255")


def allowed_zones(ctx: Context, device: str, vrf: str | None) -> set[str] | None:
    """Zones an address may come from in (device, VRF); None when the device is unknown."""
    dev = ctx.device(device)
    if dev is None:
        return None
    if vrf and vrf in ctx.zone_of_vrf:
        return {ctx.zone_of_vrf[vrf]}
    return set(dev.zones)


@check("IS-03")
def addressing(ctx: Context) -> Iterator[Finding]:
    for device in ctx.inv.devices:
        name = device.name
        sets = {k: ctx.snap.get(k, name) for k in ("interface", "arp", "route")}
        if not any(sets.values()):
            if ctx.is_network_device(device):
                yield ctx.not_collected(
                    "IS-03",
                    name,
                    f"no interfaces, ARP or routes collected from {name}",
                    severity="warning",
                )
            continue
        offences: list[Evidence] = []
        zones_hit: set[str] = set()
        checked = 0
        for rs, address, vrf, text, extra in _addresses(ctx, sets):
            checked += 1
            if _special(address):
                continue
            zone = ctx.zone_of_address(address)
            allowed = allowed_zones(ctx, name, vrf)
            if zone is None or allowed is None or zone in allowed:
                continue
            zones_hit.add(zone)
            offences.append(
                ctx.ev(
                    rs,
                    rs.kind,
                    f"{text}: in zone {zone}, but {vrf or 'the global table'} of {name} is {', '.join(sorted(allowed))}",
                    **extra,
                )
            )
        if offences:
            intranet = bool(zones_hit & ctx.intranet_zones) or (ctx.network_of(name) == "intranet")
            yield ctx.finding(
                "IS-03",
                "FAIL",
                name,
                f"{len(offences)} address(es) of another zone ({', '.join(sorted(zones_hit))}) on {name}",
                [name],
                offences[:25],
                severity="critical" if intranet else "major",
            )
        else:
            yield ctx.finding(
                "IS-03",
                "PASS",
                name,
                f"{checked} interface addresses, connected routes and ARP entries all inside their zones",
                [name],
                [
                    ctx.ev(rs, rs.kind, f"{len(rs.records)} {rs.kind} records checked")
                    for rs in sets.values()
                    if rs
                ],
            )


def _addresses(
    ctx: Context, sets: dict[str, RecordSet | None]
) -> Iterator[tuple[RecordSet, IPv4Address, str | None, str, dict[str, object]]]:
    rs = sets["interface"]
    if rs:
        for rec in rs.records:
            assert isinstance(rec, Interface)
            vrf = ctx.vrf_of_interface.get((rs.device, rec.name), rec.vrf)
            for text in rec.addresses:
                try:
                    address = IPv4Address(text.split("/")[0])
                except ValueError:
                    continue
                yield (
                    rs,
                    address,
                    vrf,
                    f"interface {rec.name} {text}" + (f" vpn-instance {vrf}" if vrf else ""),
                    {"interface": rec.name, "address": text, "vrf": vrf},
                )
    rs = sets["route"]
    if rs:
        for rec in rs.records:
            assert isinstance(rec, Route)
            if rec.protocol.lower() not in ("direct", "connected", "local"):
                continue
            try:
                net = ip_network(rec.prefix, strict=False)
            except ValueError:
                continue
            if net.version != 4 or net.prefixlen == 0:
                continue
            yield (
                rs,
                net.network_address,
                rec.vrf,
                f"connected route {rec.prefix}" + (f" vpn-instance {rec.vrf}" if rec.vrf else ""),
                {"prefix": rec.prefix, "vrf": rec.vrf},
            )
    rs = sets["arp"]
    if rs:
        for rec in rs.records:
            assert isinstance(rec, ArpEntry)
            if normalize_mac(rec.mac) is None:
                continue  # incomplete entry: nobody answered
            try:
                address = IPv4Address(rec.ip)
            except ValueError:
                continue
            yield (
                rs,
                address,
                rec.vrf,
                f"ARP {rec.ip} -> {rec.mac} on {rec.interface or '?'}"
                + (f" vpn-instance {rec.vrf}" if rec.vrf else ""),
                {"ip": rec.ip, "mac": rec.mac, "vrf": rec.vrf},
            )
