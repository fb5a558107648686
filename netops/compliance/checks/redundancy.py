"""Architecture: AR-01 redundancy (dual uplinks, healthy HA pairs), AR-02 capacity,
AR-03 every L3 interface in a zone of the IP plan."""

from __future__ import annotations

from collections.abc import Iterator
from ipaddress import IPv4Address

from netops.compliance.checks import check
from netops.compliance.checks.isolation import _special
from netops.compliance.context import Context
from netops.compliance.snapshot import RecordSet, first
from netops.inventory import HaKind, HaPair, Role
from netops.models import (
    DbNodeStatus,
    EntityHealth,
    Evidence,
    Finding,
    HaState,
    Interface,
    LldpNeighbor,
    PollResult,
    Severity,
)


def port_state(ctx: Context, device: str, interface: str) -> tuple[str | None, Evidence | None]:
    rs = ctx.snap.get("interface", device)
    if rs is None:
        return None, None
    rec = next((r for r in rs.records if isinstance(r, Interface) and r.name == interface), None)
    if rec is None:
        return None, None
    state = "up" if rec.oper_status == "up" else ("down" if rec.oper_status else None)
    return state, ctx.ev(
        rs,
        "interface",
        f"{device} {interface} admin {rec.admin_status or '?'} oper {rec.oper_status or '?'}",
        interface=interface,
    )


def _lldp_peer(ctx: Context, device: str, interface: str) -> tuple[str | None, Evidence | None]:
    rs = ctx.snap.get("lldp", device)
    if rs is None:
        return None, None
    from netops.compliance.checks.isolation import resolve_neighbor

    for rec in rs.records:
        if isinstance(rec, LldpNeighbor) and rec.local_interface == interface:
            remote, how = resolve_neighbor(ctx, rec)
            return remote, ctx.ev(
                rs,
                "lldp",
                f"{device} {interface} -> {rec.remote_system_name or '?'} port {rec.remote_port_id or '?'} ({how})",
            )
    return None, None


#: a poll that failed for these reasons still got answers: the device is alive
ALIVE_REASONS = frozenset({"partial", "malformed"})


def device_up(ctx: Context, device: str) -> tuple[bool | None, Evidence]:
    """Alive when the last poll of any transport got answers (ok, or partial / malformed
    output); None when never polled."""
    polls = ctx.snap.polls(device)
    if not polls:
        return None, ctx.ev_inventory(f"{device}: no poll result recorded", device)
    latest: dict[str, PollResult] = {}
    for p in sorted(polls, key=lambda r: r.started_at):
        latest[p.transport] = p
    up = any(p.ok or p.reason in ALIVE_REASONS for p in latest.values())
    return up, ctx.poll_evidence(device)


@check("AR-01")
def redundancy(ctx: Context) -> Iterator[Finding]:
    for device in ctx.inv.devices:
        if device.role is Role.AGGREGATION:
            yield _uplinks(ctx, device.name)
    for pair in ctx.inv.ha_pairs:
        yield _pair(ctx, pair)


def _uplinks(ctx: Context, name: str) -> Finding:
    uplinks = ctx.inv.uplinks(name)
    evidence: list[Evidence] = []
    states: list[str | None] = []
    cores: set[str] = set()
    for link in uplinks:
        mine = link.a if link.a.device == name else link.b
        theirs = link.b if mine is link.a else link.a
        evidence.append(
            ctx.ev_inventory(f"declared uplink {link}", name, group=link.redundancy_group)
        )
        s1, e1 = port_state(ctx, name, mine.interface)
        s2, e2 = port_state(ctx, theirs.device, theirs.interface)
        evidence += [e for e in (e1, e2) if e]
        state = "down" if "down" in (s1, s2) else ("up" if "up" in (s1, s2) else None)
        states.append(state)
        peer, lldp_ev = _lldp_peer(ctx, name, mine.interface)
        if lldp_ev:
            evidence.append(lldp_ev)
        cores.add(peer or theirs.device)
    if len(uplinks) < 2 or len(cores) < 2:
        return ctx.finding(
            "AR-01",
            "FAIL",
            name,
            f"aggregation point {name} has {len(uplinks)} uplink(s) to {len(cores)} core(s): a single link or device carries it",
            [name, *sorted(cores)],
            evidence,
        )
    down = states.count("down")
    if down == len(states):
        return ctx.finding(
            "AR-01",
            "FAIL",
            name,
            f"all {down} uplinks of {name} are down: the aggregation point is cut off",
            [name],
            evidence,
            severity="critical",
        )
    if down:
        return ctx.finding(
            "AR-01",
            "FAIL",
            name,
            f"{down} of {len(states)} uplinks of {name} down: running on one link (degraded)",
            [name],
            evidence,
            severity="warning",
        )
    if None in states:
        return ctx.finding(
            "AR-01",
            "NEEDS_EVIDENCE",
            name,
            f"uplink state of {name} not collected",
            [name],
            evidence,
        )
    return ctx.finding(
        "AR-01",
        "PASS",
        name,
        f"{len(states)} uplinks to {', '.join(sorted(cores))}, all up",
        [name],
        evidence,
    )


def _pair(ctx: Context, pair: HaPair) -> Finding:
    evidence: list[Evidence] = []
    healthy: dict[str, bool | None] = {}
    problems: list[str] = []
    severity: Severity | None = None
    for member in pair.members:
        up, ev = device_up(ctx, member)
        evidence.append(ev)
        healthy[member] = up
    if pair.kind is HaKind.DATABASE:
        nodes: dict[str, DbNodeStatus] = {}
        for member in pair.members:
            rs = ctx.snap.get("db_node", member)
            node = first(rs, DbNodeStatus)
            if node is not None and rs is not None:
                nodes[member] = node
                evidence.append(
                    ctx.ev(
                        rs,
                        "db_node",
                        f"{member}: {'reachable' if node.reachable else 'unreachable'}, {node.role}"
                        + (f", receiver {node.receiver_status}" if node.receiver_status else "")
                        + (f", lag {node.lag_seconds} s" if node.lag_seconds is not None else ""),
                    )
                )
                healthy[member] = node.reachable and node.role != "unknown"
            elif healthy[member]:
                healthy[member] = None  # the host answers; the database's state is unknown
        primaries = [m for m, n in nodes.items() if n.reachable and n.role == "primary"]
        if len(primaries) > 1:
            problems.append(f"two primaries ({', '.join(primaries)}): split brain")
            severity = "critical"
        standbys = [m for m, n in nodes.items() if n.role == "standby"]
        for m in standbys:
            if nodes[m].receiver_status not in (None, "streaming"):
                problems.append(f"standby {m} is not streaming ({nodes[m].receiver_status})")
                healthy[m] = False
    else:
        for member in pair.members:
            rs = ctx.snap.get("ha_state", member)
            state = first(rs, HaState)
            if state is not None and rs is not None:
                evidence.append(
                    ctx.ev(
                        rs,
                        "ha_state",
                        f"{member}: {state.mechanism} {state.role}, peer {state.peer_role or '?'}"
                        + ("" if state.peer_reachable in (None, True) else ", peer unreachable"),
                    )
                )
                if state.peer_reachable is False:
                    problems.append(f"{member} cannot reach its peer ({state.mechanism})")
        roles = []
        for member in pair.members:
            rs = ctx.snap.get("ha_state", member)
            roles += [r.role.lower() for r in (rs.records if rs else ()) if isinstance(r, HaState)]
        if (
            len(roles) == 2
            and roles.count("active") + roles.count("master") == 2
            and pair.kind is HaKind.FIREWALL
        ):
            problems.append("both members active (split brain)")
            severity = "critical"
    down = [m for m, ok in healthy.items() if ok is False]
    unknown = [m for m, ok in healthy.items() if ok is None]
    if down:
        problems.insert(0, f"{', '.join(down)} down")
    devices = list(pair.members)
    if problems:
        if severity is None:
            severity = "critical" if len(down) == len(pair.members) else "major"
        return ctx.finding(
            "AR-01",
            "FAIL",
            pair.name,
            f"{pair.kind.value} pair {pair.name}: " + "; ".join(problems),
            devices,
            evidence,
            severity=severity,
        )
    if unknown:
        return ctx.finding(
            "AR-01",
            "NEEDS_EVIDENCE",
            pair.name,
            f"state of {', '.join(unknown)} not collected",
            devices,
            evidence,
        )
    return ctx.finding(
        "AR-01",
        "PASS",
        pair.name,
        f"{pair.kind.value} pair {pair.name}: both members healthy",
        devices,
        evidence,
    )


@check("AR-02")
def capacity(ctx: Context) -> Iterator[Finding]:
    ratio = ctx.cfg.capacity_max_ratio
    for device in ctx.inv.devices:
        if not ctx.is_network_device(device):
            continue
        name = device.name
        health_rs = ctx.snap.get("health", name)
        if_rs = ctx.snap.get("interface", name)
        if health_rs is None and if_rs is None:
            continue  # nothing to judge; coverage is IS-03's and the poll metrics' business
        bad: list[Evidence] = []
        seen = 0
        if health_rs:
            for h in health_rs.records:
                if not isinstance(h, EntityHealth):
                    continue
                for label, value in (("CPU", h.cpu_percent), ("memory", h.memory_percent)):
                    if value is None:
                        continue
                    seen += 1
                    if value / 100 > ratio:
                        bad.append(
                            ctx.ev(
                                health_rs,
                                "health",
                                f"{h.entity_name or h.entity_index} {label} {value:g}% > {ratio * 100:g}%",
                            )
                        )
        if if_rs:
            for i in if_rs.records:
                if not isinstance(i, Interface) or not i.speed_bps:
                    continue
                for label, bps in (("in", i.in_bps), ("out", i.out_bps)):
                    if bps is None:
                        continue
                    seen += 1
                    if bps / i.speed_bps > ratio:
                        bad.append(
                            ctx.ev(
                                if_rs,
                                "interface",
                                f"{i.name} {label} {bps / 1e6:.1f} Mbit/s of {i.speed_bps / 1e6:g} ({bps / i.speed_bps:.0%})",
                            )
                        )
        if bad:
            yield ctx.finding(
                "AR-02",
                "FAIL",
                name,
                f"latest samples above {ratio:.0%}: check the 30-day p95 in the time series",
                [name],
                bad[:12],
            )
        elif seen:
            yield ctx.finding(
                "AR-02",
                "PASS",
                name,
                f"latest {seen} CPU/memory/link samples below {ratio:.0%} (the 30-day p95 is in the time series)",
                [name],
                [
                    ctx.ev(rs, rs.kind, f"{len(rs.records)} {rs.kind} records")
                    for rs in (health_rs, if_rs)
                    if rs
                ],
            )


@check("AR-03")
def ip_plan(ctx: Context) -> Iterator[Finding]:
    for rs, rec in _by_device(ctx):
        device = ctx.device(rs.device)
        if device is None or device.role is Role.BORDER_ROUTER:
            continue  # a border router's uplink carries the ISP's addresses, outside any plan
        bad: list[Evidence] = []
        count = 0
        for i in rec:
            if not i.addresses:
                continue
            vrf = ctx.vrf_of_interface.get((rs.device, i.name), i.vrf)
            for text in i.addresses:
                try:
                    address = IPv4Address(text.split("/")[0])
                except ValueError:
                    continue
                if _special(address):
                    continue
                count += 1
                if vrf and vrf not in ctx.zone_of_vrf:
                    bad.append(
                        ctx.ev(
                            rs,
                            "interface",
                            f"{i.name} {text} vpn-instance {vrf}: VRF not in the inventory (no zone)",
                        )
                    )
                elif ctx.zone_of_address(address) is None:
                    bad.append(
                        ctx.ev(
                            rs,
                            "interface",
                            f"{i.name} {text}"
                            + (f" vpn-instance {vrf}" if vrf else "")
                            + ": outside every zone's allocation",
                        )
                    )
        if bad:
            yield ctx.finding(
                "AR-03",
                "FAIL",
                rs.device,
                f"{len(bad)} L3 interface(s) outside the IP plan",
                [rs.device],
                bad,
            )
        elif count:
            yield ctx.finding(
                "AR-03",
                "PASS",
                rs.device,
                f"{count} interface address(es) in their zones' allocations",
                [rs.device],
                [ctx.ev(rs, "interface", f"{count} addresses checked")],
            )


def _by_device(ctx: Context) -> Iterator[tuple[RecordSet, list[Interface]]]:
    for rs in ctx.snap.of_kind("interface"):
        yield rs, [r for r in rs.records if isinstance(r, Interface)]
