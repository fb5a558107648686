"""Logical isolation: IS-04 route targets, IS-05 explicit leaks, IS-06 default routes,
IS-07 firewall/IPS on every Internet-to-extranet path, IS-08 forwarding walk.

Routes come from the collected routing tables; where a device has none, its
configuration's static routes stand in (marked as such in the evidence).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network

import networkx as nx

from netops.compliance.checks import check
from netops.compliance.checks.isolation import resolve_neighbor
from netops.compliance.context import Context, ipv4_network, unique
from netops.compliance.identity import normalize_mac
from netops.compliance.snapshot import RecordSet
from netops.inventory import Crossing, Role, ZoneKind
from netops.models import ArpEntry, Evidence, Finding, LldpNeighbor, Route, Vrf

_SKIP_PREFIXES = [
    IPv4Network(p) for p in ("127.0.0.0/8", "224.0.0.0/4", "255.255.255.255/32", "169.254.0.0/16")
]
_CROSSING_ROLES = {Role.FIREWALL, Role.IPS, Role.VPN_GATEWAY, Role.ISOLATION_GATEWAY}


# -- shared: VRFs, routes and next hops -------------------------------------------------------------
@dataclass(frozen=True)
class VrfNode:
    rs: RecordSet
    vrf: Vrf
    from_config: bool = False

    @property
    def key(self) -> tuple[str, str]:
        return (self.rs.device, self.vrf.name)

    def text(self) -> str:
        return (
            f"{self.rs.device} vpn-instance {self.vrf.name} RD {self.vrf.rd or '-'}: "
            f"import {', '.join(self.vrf.import_targets) or '-'}; export {', '.join(self.vrf.export_targets) or '-'}"
        )


def vrf_nodes(ctx: Context) -> list[VrfNode]:
    """VPN instances from the collected VRF records, else from the running configuration."""
    out = [VrfNode(rs, rec) for rs, rec in ctx.snap.each("vrf") if isinstance(rec, Vrf)]
    have = {n.rs.device for n in out}
    for device in ctx.inv.devices:
        if device.name in have:
            continue
        parsed = ctx.facts(device.name)
        if parsed is None:
            continue
        facts, rs = parsed
        for vpn in facts.vpn_instances.values():
            vrf = Vrf(
                device=device.name,
                name=vpn.name,
                rd=vpn.rd,
                import_targets=tuple(t for t, _ in vpn.import_targets),
                export_targets=tuple(t for t, _ in vpn.export_targets),
            )
            out.append(VrfNode(rs, vrf, from_config=True))
    return out


@dataclass(frozen=True)
class RouteRef:
    rs: RecordSet
    route: Route
    from_config: bool = False

    def text(self) -> str:
        r = self.route
        parts = [f"{self.rs.device}", f"vpn-instance {r.vrf}" if r.vrf else "global", r.prefix]
        if r.next_hop_vrf:
            parts.append(
                f"via {'public' if r.next_hop_vrf == 'public' else 'vpn-instance ' + r.next_hop_vrf}"
            )
        if r.next_hop:
            parts.append(f"next hop {r.next_hop}")
        if r.interface:
            parts.append(f"out {r.interface}")
        parts.append(f"({r.protocol}{', from config' if self.from_config else ''})")
        return " ".join(parts)


def routes_of(ctx: Context, device: str) -> list[RouteRef]:
    """The device's routes: the collected table, else its configured static routes."""
    rs = ctx.snap.get("route", device)
    if rs is not None:
        return [RouteRef(rs, r) for r in rs.records if isinstance(r, Route)]
    parsed = ctx.facts(device)
    if parsed is None:
        return []
    facts, crs = parsed
    return [
        RouteRef(
            crs,
            Route(
                device=device,
                vrf=s.vrf,
                prefix=str(s.prefix),
                next_hop=str(s.next_hop) if s.next_hop else None,
                next_hop_vrf=s.next_hop_vrf,
                interface=s.interface,
                protocol="static",
            ),
            from_config=True,
        )
        for s in facts.static_routes
    ]


@dataclass(frozen=True)
class Resolved:
    device: str
    vrf: str | None
    how: str
    evidence: tuple[Evidence, ...]


class NextHops:
    """Resolves a next hop to the device behind it: address owner, then ARP->MAC, then LLDP."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.arp: dict[tuple[str, str], tuple[RecordSet, ArpEntry]] = {}
        for rs, rec in ctx.snap.each("arp"):
            if isinstance(rec, ArpEntry):
                self.arp.setdefault((rs.device, rec.ip), (rs, rec))
        self.lldp: dict[tuple[str, str], tuple[RecordSet, LldpNeighbor]] = {}
        for rs, rec in ctx.snap.each("lldp"):
            if isinstance(rec, LldpNeighbor):
                self.lldp.setdefault((rs.device, rec.local_interface), (rs, rec))

    def resolve(self, device: str, next_hop: str | None, interface: str | None) -> Resolved | None:
        ctx = self.ctx
        if next_hop:
            try:
                nh = IPv4Address(next_hop)
            except ValueError:
                return None
            owner = ctx.address_owners.get(nh)
            if owner is not None and owner.device != device:
                return Resolved(
                    owner.device,
                    owner.vrf,
                    f"{nh} is {owner.device} {owner.interface}",
                    (owner.evidence,),
                )
            hit = self.arp.get((device, str(nh)))
            if hit is not None:
                rs, entry = hit
                arp_ev = ctx.ev(
                    rs, "arp", f"{device} ARP {entry.ip} -> {entry.mac} on {entry.interface or '?'}"
                )
                mac = normalize_mac(entry.mac)
                if mac and mac in ctx.mac_owners:
                    owner_dev, mrs = ctx.mac_owners[mac]
                    if owner_dev != device:
                        return Resolved(
                            owner_dev,
                            None,
                            f"{nh} answers ARP with {mac} of {owner_dev}",
                            (arp_ev, ctx.ev(mrs, mrs.kind, f"{mac} belongs to {owner_dev}")),
                        )
                interface = interface or entry.interface
        if interface:
            hit2 = self.lldp.get((device, interface))
            if hit2 is not None:
                rs, n = hit2
                remote, how = resolve_neighbor(ctx, n)
                if remote:
                    return Resolved(
                        remote,
                        None,
                        f"{interface} faces {remote} ({how})",
                        (
                            ctx.ev(
                                rs,
                                "lldp",
                                f"{device} {interface} -> {n.remote_system_name or '?'} port {n.remote_port_id or '?'}",
                            ),
                        ),
                    )
        return None


def _skip(prefix: IPv4Network) -> bool:
    return any(prefix.subnet_of(p) for p in _SKIP_PREFIXES) if prefix.version == 4 else True


def _node_name(node: tuple[str, str]) -> str:
    return f"{node[0]}/{node[1]}" if node[1] else node[0]


# -- IS-04 -----------------------------------------------------------------------------------------
@check("IS-04")
def route_targets(ctx: Context) -> Iterator[Finding]:
    nodes = vrf_nodes(ctx)
    exporters: dict[str, list[VrfNode]] = {}
    for node in nodes:
        for target in node.vrf.export_targets:
            exporters.setdefault(target, []).append(node)

    def allowed(za: str, zb: str) -> bool:
        return za == zb or Crossing.ROUTE_TARGET in ctx.inv.crossings_between(za, zb)

    def origins(start: VrfNode) -> list[tuple[str, list[VrfNode]]]:
        """Zoned VRFs whose routes reach ``start`` through undeclared (zone-less) VRFs."""
        out: list[tuple[str, list[VrfNode]]] = []
        stack: list[tuple[VrfNode, list[VrfNode]]] = [(start, [start])]
        seen = {start.key}
        while stack:
            node, path = stack.pop()
            for target in node.vrf.import_targets:
                for src in exporters.get(target, []):
                    if src.key in seen:
                        continue
                    seen.add(src.key)
                    zone = ctx.zone_of_vrf.get(src.vrf.name)
                    if zone is None:
                        stack.append((src, [src, *path]))
                    else:
                        out.append((zone, [src, *path]))
        return out

    failures = 0
    for node in nodes:
        zb = ctx.zone_of_vrf.get(node.vrf.name)
        if zb is None:
            continue
        foreign: dict[str, list[list[VrfNode]]] = {}
        for target in node.vrf.import_targets:
            for src in exporters.get(target, []):
                if src.key == node.key:
                    continue
                za = ctx.zone_of_vrf.get(src.vrf.name)
                if za is None:
                    for zone, path in origins(src):
                        if not allowed(zone, zb):
                            foreign.setdefault(zone, []).append([*path, node])
                elif not allowed(za, zb):
                    foreign.setdefault(za, []).append([src, node])
        if not foreign:
            continue
        failures += 1
        evidence = [_vrf_evidence(ctx, node)]
        for paths in foreign.values():
            for path in paths[:3]:
                evidence.extend(_vrf_evidence(ctx, n) for n in path[:-1])
            if len(paths) > 3:
                evidence.append(
                    ctx.ev_inventory(f"... and {len(paths) - 3} more exporting VPN instances")
                )
        zones = ", ".join(sorted(foreign))
        summary = f"{_node_name(node.key)} (zone {zb}) imports routes of zone {zones}"
        via = sorted({n.vrf.name for paths in foreign.values() for p in paths for n in p[1:-1]})
        if via:
            summary += f" through undeclared VPN instance(s) {', '.join(via)}"
        # the importer is where the fix goes; the exporters are in the evidence
        yield ctx.finding(
            "IS-04", "FAIL", _node_name(node.key), summary, [node.rs.device], evidence
        )
    # coverage: every PE that carries VRFs must have shown them
    seen_devices = {n.rs.device for n in nodes}
    pes = sorted({d for v in ctx.inv.vrfs for d in v.devices})
    missing = [d for d in pes if d not in seen_devices]
    for device in missing:
        yield ctx.not_collected(
            "IS-04",
            device,
            f"no VPN instances collected from PE {device}: its route targets are unproven",
        )
    for vnode in nodes:
        if ctx.zone_of_vrf.get(vnode.vrf.name) is None and (
            vnode.vrf.import_targets or vnode.vrf.export_targets
        ):
            yield ctx.finding(
                "IS-04",
                "NEEDS_EVIDENCE",
                _node_name(vnode.key),
                f"VPN instance {vnode.vrf.name} on {vnode.rs.device} is not in the inventory: declare its zone",
                [vnode.rs.device],
                [_vrf_evidence(ctx, vnode)],
                severity="major",
            )
    if not failures and nodes:
        edges = sum(len(exporters.get(t, [])) for n in nodes for t in n.vrf.import_targets)
        yield ctx.finding(
            "IS-04",
            "PASS",
            "route-target graph",
            f"{len(nodes)} VPN instances on {len(seen_devices)} PEs, {edges} import edges: "
            "every zone imports only its own route targets (or an approved interconnect)",
            (),
            [
                ctx.ev_inventory(
                    f"{len(ctx.inv.vrfs)} declared VRFs, {len(ctx.inv.zone_crossings)} zone crossings"
                )
            ],
        )


def _vrf_evidence(ctx: Context, node: VrfNode) -> Evidence:
    if node.from_config:
        parsed = ctx.facts(node.rs.device)
        if parsed:
            vpn = parsed[0].vpn_instances.get(node.vrf.name)
            if vpn is not None:
                lines = [vpn.line.context()] + [
                    line.context().splitlines()[-1]
                    for _, line in vpn.import_targets + vpn.export_targets
                ]
                return ctx.ev_config(node.rs, vpn.line, "\n".join(dict.fromkeys(lines)))
    return ctx.ev(node.rs, "route_target", node.text(), vrf=node.vrf.name)


# -- IS-05 -----------------------------------------------------------------------------------------
@check("IS-05")
def explicit_leaks(ctx: Context) -> Iterator[Finding]:
    with_vrfs = {n.rs.device for n in vrf_nodes(ctx)} | {d for v in ctx.inv.vrfs for d in v.devices}
    for name in sorted(with_vrfs):
        parsed = ctx.facts(name)
        route_rs = ctx.snap.get("route", name)
        if parsed is None and route_rs is None:
            yield ctx.not_collected(
                "IS-05", name, f"neither configuration nor routes collected from {name}"
            )
            continue
        offences: list[Evidence] = []
        seen: set[tuple[str | None, str, str | None]] = set()
        if parsed is not None:
            facts, rs = parsed
            for s in facts.static_routes:
                if s.next_hop_vrf and s.next_hop_vrf != s.vrf:
                    seen.add((s.vrf, str(s.prefix), s.next_hop_vrf))
                    offences.append(ctx.ev_config(rs, s.line))
            offences.extend(ctx.ev_config(rs, line) for line in facts.route_leak_lines)
        if route_rs is not None:
            for rec in route_rs.records:
                if not isinstance(rec, Route) or not rec.next_hop_vrf:
                    continue
                if rec.next_hop_vrf == (rec.vrf or "public"):
                    continue
                net = ipv4_network(rec.prefix)
                if (rec.vrf, str(net), rec.next_hop_vrf) in seen:
                    continue
                offences.append(ctx.ev(route_rs, "route", RouteRef(route_rs, rec).text()))
        if offences:
            yield ctx.finding(
                "IS-05",
                "FAIL",
                name,
                f"{len(offences)} route leak(s) between VPN instances / the global table on {name}",
                [name],
                offences,
            )
        else:
            yield ctx.finding(
                "IS-05",
                "PASS",
                name,
                "no cross-VRF or public static route, import-rib or route-replicate",
                [name],
                [_source_evidence(ctx, name)],
            )


def _source_evidence(ctx: Context, name: str) -> Evidence:
    parsed = ctx.facts(name)
    if parsed is not None:
        facts, rs = parsed
        return ctx.ev(
            rs,
            "config",
            f"configuration read: {len(facts.static_routes)} static routes, {len(facts.vpn_instances)} VPN instances",
        )
    route_rs = ctx.snap.get("route", name)
    assert route_rs is not None
    return ctx.ev(route_rs, "route", f"{len(route_rs.records)} routes read")


# -- IS-06 -----------------------------------------------------------------------------------------
@check("IS-06")
def default_routes(ctx: Context) -> Iterator[Finding]:
    hops = NextHops(ctx)
    intranet_prefixes = [
        p for z in ctx.inv.zones if z.kind is ZoneKind.INTRANET for p in z.prefixes
    ]
    for device in ctx.inv.devices:
        name = device.name
        routes = routes_of(ctx, name)
        if ctx.network_of(name) == "intranet":
            if not ctx.is_network_device(device) and not routes:
                continue
            if not routes and ctx.facts(name) is None:
                yield ctx.not_collected(
                    "IS-06",
                    name,
                    f"no routes or configuration collected from intranet device {name}",
                )
                continue
            bad = []
            for ref in routes:
                net = ipv4_network(ref.route.prefix)
                if net is None or (_skip(net) and net.prefixlen != 0):
                    continue
                outside = not any(net.subnet_of(p) for p in intranet_prefixes)
                nh = _address(ref.route.next_hop)
                nh_outside = (
                    nh is not None
                    and not nh.is_loopback
                    and not nh.is_unspecified
                    and not any(nh in p for p in intranet_prefixes)
                )
                if outside or nh_outside or ref.route.next_hop_vrf:
                    bad.append(ref)
            if bad:
                default = any(ipv4_network(r.route.prefix) == IPv4Network("0.0.0.0/0") for r in bad)
                yield ctx.finding(
                    "IS-06",
                    "FAIL",
                    name,
                    f"intranet device {name} has {'a default route and ' if default else ''}{len(bad)} route(s) to non-intranet space",
                    [name],
                    [_route_evidence(ctx, r) for r in bad[:20]],
                )
            else:
                yield ctx.finding(
                    "IS-06",
                    "PASS",
                    name,
                    f"{len(routes)} routes, all inside the intranet",
                    [name],
                    [_route_evidence(ctx, r) for r in routes[:3]],
                )
            continue
        for ref in routes:
            r = ref.route
            zone = ctx.zone_of_vrf.get(r.vrf or "")
            if zone is None or ctx.zone_kind(zone) not in (ZoneKind.PUBLIC, ZoneKind.DEDICATED):
                continue
            if ipv4_network(r.prefix) != IPv4Network("0.0.0.0/0"):
                continue
            target = f"{name}/{r.vrf}"
            ev = [_route_evidence(ctx, ref)]
            if r.next_hop_vrf:
                yield ctx.finding(
                    "IS-06",
                    "FAIL",
                    target,
                    f"default route of {r.vrf} ({zone}) leaves to {r.next_hop_vrf}, not to the firewall",
                    [name],
                    ev,
                )
                continue
            found = hops.resolve(name, r.next_hop, r.interface)
            if found is None:
                yield ctx.finding(
                    "IS-06",
                    "NEEDS_EVIDENCE",
                    target,
                    f"default route of {r.vrf} ({zone}) via {r.next_hop or r.interface}: next hop not resolvable to a device",
                    [name],
                    ev,
                    severity="major",
                )
                continue
            owner = ctx.device(found.device)
            ev += list(found.evidence)
            if owner is not None and owner.role is Role.FIREWALL:
                yield ctx.finding(
                    "IS-06",
                    "PASS",
                    target,
                    f"default route of {r.vrf} resolves to firewall {found.device} ({found.how})",
                    [name, found.device],
                    ev,
                )
            else:
                role = owner.role.value if owner else "unknown device"
                yield ctx.finding(
                    "IS-06",
                    "FAIL",
                    target,
                    f"default route of {r.vrf} ({zone}) resolves to {found.device} ({role}), not to a firewall",
                    [name, found.device],
                    ev,
                )


def _address(text: str | None) -> IPv4Address | None:
    try:
        return IPv4Address(text) if text else None
    except ValueError:
        return None


def _route_evidence(ctx: Context, ref: RouteRef) -> Evidence:
    if ref.from_config:
        parsed = ctx.facts(ref.rs.device)
        if parsed:
            for s in parsed[0].static_routes:
                if str(s.prefix) == str(ipv4_network(ref.route.prefix)) and s.vrf == ref.route.vrf:
                    return ctx.ev_config(ref.rs, s.line)
    return ctx.ev(
        ref.rs,
        "route",
        ref.text(),
        vrf=ref.route.vrf,
        prefix=ref.route.prefix,
        next_hop=ref.route.next_hop,
    )


# -- IS-07 -----------------------------------------------------------------------------------------
def _is_mgmt(ctx: Context, net: IPv4Network) -> bool:
    return ctx.zone_kind(ctx.zone_of_address(net.network_address)) is ZoneKind.MANAGEMENT


def l3_graph(ctx: Context) -> nx.DiGraph:
    """(device, VRF) nodes; an edge A->B when A can send packets to B.

    Edges: shared subnets (both ways; management-zone subnets are the out-of-band plane
    and left out), route next hops, cross-VRF routes, route-target imports (importer ->
    exporter). Each edge carries the evidence that makes it.
    """
    g = nx.DiGraph()
    by_net: dict[IPv4Network, list[tuple[tuple[str, str], Evidence]]] = {}
    for owner in ctx.address_owners.values():
        if owner.network.prefixlen >= 31 and owner.network.prefixlen != 31:
            continue
        if _is_mgmt(ctx, owner.network):
            continue
        by_net.setdefault(owner.network, []).append(
            ((owner.device, owner.vrf or ""), owner.evidence)
        )
    for net, members in by_net.items():
        if len({m[0][0] for m in members}) < 2:
            continue
        hub = ("subnet", str(net))
        for node, ev in members:
            g.add_edge(node, hub, evidence=ev)
            g.add_edge(hub, node, evidence=ev)
    hops = NextHops(ctx)
    for device in ctx.inv.devices:
        for ref in routes_of(ctx, device.name):
            r = ref.route
            src = (device.name, r.vrf or "")
            nh = _address(r.next_hop)
            if r.next_hop_vrf:
                dst = (device.name, "" if r.next_hop_vrf == "public" else r.next_hop_vrf)
                g.add_edge(src, dst, evidence=_route_evidence(ctx, ref))
                continue
            if nh is None or nh.is_loopback or nh.is_unspecified:
                continue
            if ctx.zone_kind(ctx.zone_of_address(nh)) is ZoneKind.MANAGEMENT:
                continue
            found = hops.resolve(device.name, r.next_hop, r.interface)
            if found is not None and found.device != device.name:
                g.add_edge(src, (found.device, found.vrf or ""), evidence=_route_evidence(ctx, ref))
    for vnode in vrf_nodes(ctx):
        for t in vnode.vrf.import_targets:
            g.add_edge(vnode.key, ("rt", t), evidence=_vrf_evidence(ctx, vnode))
        for t in vnode.vrf.export_targets:
            g.add_edge(("rt", t), vnode.key, evidence=_vrf_evidence(ctx, vnode))
    return g


@check("IS-07")
def firewall_on_path(ctx: Context) -> Iterator[Finding]:
    g = l3_graph(ctx)
    device_nodes = [n for n in g.nodes if n[0] not in ("subnet", "rt")]
    if not device_nodes:
        yield ctx.finding(
            "IS-07",
            "NEEDS_EVIDENCE",
            "Internet -> extranet",
            "no L3 data (interfaces, routes, VPN instances) collected: paths cannot be traced",
            (),
            [],
        )
        return
    sources, targets = [], {}
    for node in device_nodes:
        dev = ctx.device(node[0])
        if dev is None or dev.role in _CROSSING_ROLES:
            continue
        zone = ctx.zone_of_vrf.get(node[1]) if node[1] else None
        kind = ctx.zone_kind(zone)
        if dev.role is Role.BORDER_ROUTER or kind is ZoneKind.INTERNET:
            sources.append(node)
        elif kind in (ZoneKind.PUBLIC, ZoneKind.DEDICATED):
            targets[node] = zone
        elif not node[1]:
            kinds = {ctx.zone_kind(z) for z in dev.zones}
            if ZoneKind.INTERNET not in kinds and kinds & {ZoneKind.PUBLIC, ZoneKind.DEDICATED}:
                targets[node] = next(
                    z
                    for z in dev.zones
                    if ctx.zone_kind(z) in (ZoneKind.PUBLIC, ZoneKind.DEDICATED)
                )
    if not sources:
        yield ctx.finding(
            "IS-07",
            "NEEDS_EVIDENCE",
            "Internet -> extranet",
            "no Internet-side node (border router or Internet-zone VPN instance) in the collected L3 data",
            (),
            [ctx.ev_inventory("no border router or Internet-zone VRF seen")],
        )
        return
    removed = [
        n
        for n in g.nodes
        if n[0] not in ("subnet", "rt")
        and (d := ctx.device(n[0])) is not None
        and d.role in _CROSSING_ROLES
    ]
    h = g.copy()
    h.remove_nodes_from(removed)
    start = ("__internet__", "")
    h.add_edges_from((start, s) for s in sources)
    reached = nx.descendants(h, start)
    bypass: dict[str | None, tuple[str, str]] = {}
    for node in sorted(reached & set(targets)):
        bypass.setdefault(targets[node], node)
    for zone, node in sorted(bypass.items(), key=lambda x: str(x[0])):
        path = nx.shortest_path(h, start, node)[1:]
        evidence = [
            h.edges[a, b]["evidence"]
            for a, b in itertools.pairwise(path)
            if "evidence" in h.edges[a, b]
        ]
        hops = [_node_name(n) if n[0] not in ("subnet", "rt") else f"{n[0]} {n[1]}" for n in path]
        devices = [n[0] for n in path if n[0] not in ("subnet", "rt")]
        yield ctx.finding(
            "IS-07",
            "FAIL",
            f"Internet -> {zone}",
            f"zone {zone} is reachable from the Internet side without a firewall or IPS: {' -> '.join(hops)}",
            devices,
            unique(evidence),
        )
    if not bypass:
        yield ctx.finding(
            "IS-07",
            "PASS",
            "Internet -> extranet",
            f"with {len(removed)} firewall/IPS/gateway nodes removed, none of {len(targets)} extranet nodes is reachable from {len(sources)} Internet-side nodes",
            (),
            [
                ctx.ev_inventory(
                    f"L3 graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; removed: {', '.join(sorted({n[0] for n in removed})) or 'none'}"
                )
            ],
        )


# -- IS-08 -----------------------------------------------------------------------------------------
class _Table:
    def __init__(self) -> None:
        self.routes: list[tuple[IPv4Network, RouteRef]] = []

    def lookup(self, address: IPv4Address) -> RouteRef | None:
        best: tuple[int, RouteRef] | None = None
        for net, ref in self.routes:
            if address in net and (best is None or net.prefixlen > best[0]):
                best = (net.prefixlen, ref)
        return best[1] if best else None


@check("IS-08")
def forwarding_walk(ctx: Context) -> Iterator[Finding]:
    tables: dict[tuple[str, str], _Table] = {}
    destinations: dict[str, list[IPv4Address]] = {}
    for device in ctx.inv.devices:
        for ref in routes_of(ctx, device.name):
            net = ipv4_network(ref.route.prefix)
            if net is None:
                continue
            tables.setdefault((device.name, ref.route.vrf or ""), _Table()).routes.append(
                (net, ref)
            )
            if ref.route.protocol.lower() in ("direct", "connected") and net.prefixlen < 31:
                zone = ctx.zone_of_vrf.get(ref.route.vrf or "") or ctx.zone_of_address(
                    net.network_address
                )
                if ctx.zone_kind(zone) in (ZoneKind.PUBLIC, ZoneKind.DEDICATED):
                    dest = destinations.setdefault(str(zone), [])
                    if len(dest) < 64:
                        dest.append(net.network_address + 1)
    hops = NextHops(ctx)
    borders = [d for d in ctx.inv.devices if d.role is Role.BORDER_ROUTER]
    if not borders:
        return
    for border in borders:
        starts = [k for k in tables if k[0] == border.name]
        if not starts:
            yield ctx.not_collected(
                "IS-08", border.name, f"no routing table collected from border router {border.name}"
            )
            continue
        if not destinations:
            yield ctx.finding(
                "IS-08",
                "NEEDS_EVIDENCE",
                border.name,
                "no connected public or department prefix seen to walk toward",
                [border.name],
                [],
            )
            continue
        for zone, dests in sorted(destinations.items()):
            results = [_walk(ctx, tables, hops, start, d) for start in starts for d in dests]
            target = f"{border.name} -> {zone}"
            fails = [r for r in results if r[0] == "FAIL"]
            unknown = [r for r in results if r[0] == "NEEDS_EVIDENCE"]
            if fails:
                yield ctx.finding(
                    "IS-08", "FAIL", target, fails[0][1], [border.name, *fails[0][3]], fails[0][2]
                )
            elif unknown:
                yield ctx.finding(
                    "IS-08",
                    "NEEDS_EVIDENCE",
                    target,
                    unknown[0][1],
                    [border.name],
                    unknown[0][2],
                    severity="warning",
                )
            else:
                passed = [r for r in results if r[1]]
                tables_ev = [
                    ctx.ev(
                        tables[k].routes[0][1].rs,
                        "route",
                        f"{len(tables[k].routes)} routes in {_node_name(k)}: "
                        f"none leads into {zone} without a firewall",
                    )
                    for k in starts
                    if tables[k].routes
                ]
                yield ctx.finding(
                    "IS-08",
                    "PASS",
                    target,
                    f"{len(results)} walks toward {zone}: each reaches a firewall first, "
                    "has no route, or goes back to the provider",
                    [border.name],
                    passed[0][2] if passed else tables_ev,
                )


def _leaves_network(ctx: Context, device: str, next_hop: str | None) -> bool:
    """A border router's next hop that is no known device and lies in the Internet zone or
    in no zone at all: the provider's end of the uplink."""
    owner = ctx.device(device)
    address = _address(next_hop)
    if owner is None or owner.role is not Role.BORDER_ROUTER or address is None:
        return False
    zone = ctx.zone_of_address(address)
    return zone is None or ctx.zone_kind(zone) is ZoneKind.INTERNET


def _walk(
    ctx: Context,
    tables: dict[tuple[str, str], _Table],
    hops: NextHops,
    start: tuple[str, str],
    dest: IPv4Address,
) -> tuple[str, str, list[Evidence], list[str]]:
    node, path, seen = start, [start[0]], {start}
    evidence: list[Evidence] = []
    for _ in range(32):
        table = tables.get(node)
        ref = table.lookup(dest) if table else None
        if ref is None:
            return ("PASS", "", evidence, path)
        evidence.append(_route_evidence(ctx, ref))
        r = ref.route
        if r.protocol.lower() in ("direct", "connected"):
            return (
                "FAIL",
                f"{dest} is delivered at {node[0]} after {' -> '.join(path)} without passing a firewall",
                evidence,
                path,
            )
        if r.next_hop_vrf:
            nxt = (node[0], "" if r.next_hop_vrf == "public" else r.next_hop_vrf)
        else:
            found = hops.resolve(node[0], r.next_hop, r.interface)
            if found is None and _leaves_network(ctx, node[0], r.next_hop):
                return (
                    "PASS",
                    f"toward {dest}: {' -> '.join(path)} hands it back to the provider "
                    f"({r.next_hop}, outside the protected zones): it does not enter",
                    evidence,
                    path,
                )
            if found is None:
                return (
                    "NEEDS_EVIDENCE",
                    f"walk toward {dest} stops at {node[0]}: next hop {r.next_hop or r.interface} not resolvable",
                    evidence,
                    path,
                )
            evidence.extend(found.evidence)
            owner = ctx.device(found.device)
            if owner is not None and owner.role is Role.FIREWALL:
                return (
                    "PASS",
                    f"toward {dest}: {' -> '.join([*path, found.device])} (firewall first)",
                    evidence,
                    path,
                )
            nxt = (found.device, found.vrf or "")
            path.append(found.device)
        if nxt in seen:
            return (
                "NEEDS_EVIDENCE",
                f"routing loop toward {dest}: {' -> '.join(path)}",
                evidence,
                path,
            )
        seen.add(nxt)
        node = nxt
    return ("NEEDS_EVIDENCE", f"walk toward {dest} did not finish in 32 hops", evidence, path)
