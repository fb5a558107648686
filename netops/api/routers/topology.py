"""``/api/v1/topology``: intended links (inventory) against discovered ones (LLDP), with
devices coloured by zone."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query

from netops.api import views
from netops.api.common import health_of
from netops.api.deps import State
from netops.api.errors import ERROR_RESPONSES
from netops.api.schemas import Topology, TopologyEdge, TopologyNode, ZoneOut
from netops.inventory import Device, Inventory, ZoneKind

router = APIRouter(prefix="/api/v1/topology", tags=["topology"], responses=ERROR_RESPONSES)

#: Zone colours (Grafana's classic palette); a device takes the colour of its most
#: sensitive zone, in this order.
ZONE_COLOURS: dict[ZoneKind, str] = {
    ZoneKind.INTRANET: "#d62728",
    ZoneKind.INTERNET: "#ff7f0e",
    ZoneKind.DEDICATED: "#9467bd",
    ZoneKind.PUBLIC: "#1f77b4",
    ZoneKind.MANAGEMENT: "#7f7f7f",
}
UNKNOWN_COLOUR = "#000000"


def _colour(inv: Inventory, zones: tuple[str, ...] | list[str]) -> str:
    kinds = {inv.zone_by_name[z].kind for z in zones if z in inv.zone_by_name}
    for kind, colour in ZONE_COLOURS.items():
        if kind in kinds:
            return colour
    return UNKNOWN_COLOUR


def _resolver(inv: Inventory) -> dict[str, str]:
    """Names and management addresses LLDP may report, mapped to inventory device names."""
    out = {str(d.mgmt_address): d.name for d in inv.devices}
    out.update({d.name: d.name for d in inv.devices})
    out.update({d.name.lower(): d.name for d in inv.devices})
    return out


def _remote(names: dict[str, str], entry: dict[str, Any]) -> str | None:
    """The inventory name of an LLDP neighbour (a stored ``LldpNeighbor``), else what it says."""
    system, address = entry.get("remote_system_name"), entry.get("remote_mgmt_address")
    for key in (system, address):
        if key and (key in names or key.lower() in names):
            return names.get(key) or names[key.lower()]
    return system or address or entry.get("remote_chassis_id")


@router.get("", response_model=Topology, summary="Intended vs discovered links, zone colours")
def topology(
    state: State,
    network: Annotated[Literal["intranet", "extranet"] | None, Query()] = None,
    status: Annotated[
        Literal["confirmed", "missing", "unverified", "unexpected"] | None,
        Query(description="Only edges in this status"),
    ] = None,
) -> Topology:
    inv = state.inventory
    snapshot = views.read_snapshot(state.store)
    health = health_of(state, snapshot)
    devices = inv.device_by_name
    names = _resolver(inv)
    lldp: dict[tuple[str, str], tuple[str | None, str | None]] = {}
    has_lldp: set[str] = set()
    for device, row in snapshot.rows("lldp").items():  # stored JSON, no model per entry
        has_lldp.add(device)
        for entry in row.data:
            lldp[(device, entry["local_interface"])] = (
                _remote(names, entry),
                entry.get("remote_port_id"),
            )
    edges: list[TopologyEdge] = []
    matched: set[tuple[str, str]] = set()
    for link in inv.links:
        seen_by = []
        for mine, other in ((link.a, link.b), (link.b, link.a)):
            seen = lldp.get((mine.device, mine.interface))
            if seen is not None and seen[0] == other.device:
                seen_by.append(mine.device)
                matched.add((mine.device, mine.interface))
                if seen[1]:
                    matched.add((other.device, seen[1]))
        if seen_by:
            link_status = "confirmed"
        elif link.a.device in has_lldp or link.b.device in has_lldp:
            link_status = "missing"
        else:
            link_status = "unverified"
        edges.append(
            TopologyEdge(
                a=link.a.device,
                a_interface=link.a.interface,
                b=link.b.device,
                b_interface=link.b.interface,
                status=link_status,
                intended=True,
                seen_by=seen_by,
                redundancy_group=link.redundancy_group,
                crosses_zones=_crosses(devices, link.a.device, link.b.device),
            )
        )
    unexpected: dict[frozenset[tuple[str, str | None]], TopologyEdge] = {}
    for (device, interface), (remote, port) in sorted(lldp.items(), key=lambda kv: kv[0]):
        if (device, interface) in matched or remote is None:
            continue
        key = frozenset({(device, interface), (remote, port)})
        if key in unexpected:
            unexpected[key].seen_by.append(device)
            continue
        unexpected[key] = TopologyEdge(
            a=device,
            a_interface=interface,
            b=remote,
            b_interface=port,
            status="unexpected",
            intended=False,
            seen_by=[device],
            crosses_zones=_crosses(devices, device, remote),
        )
    edges.extend(unexpected.values())
    nodes = [
        TopologyNode(
            id=d.name,
            role=d.role.value,
            site=d.site,
            zones=list(d.zones),
            network="intranet" if inv.network_of(d) == "intranet" else "extranet",
            colour=_colour(inv, d.zones),
            state=health[d.name].state,
        )
        for d in inv.devices
    ]
    known = set(devices)
    for edge in unexpected.values():
        if edge.b not in known:
            known.add(edge.b)
            nodes.append(
                TopologyNode(
                    id=edge.b,
                    role="unknown",
                    site=None,
                    zones=[],
                    network="unknown",
                    colour=UNKNOWN_COLOUR,
                    state="unknown",
                )
            )
    if network is not None:
        nodes = [n for n in nodes if n.network == network]
        keep = {n.id for n in nodes}
        edges = [e for e in edges if e.a in keep or e.b in keep]
    counts: dict[str, int] = {}
    for edge in edges:
        counts[edge.status] = counts.get(edge.status, 0) + 1
    if status is not None:
        edges = [e for e in edges if e.status == status]
    zones = [
        ZoneOut(
            name=z.name,
            kind=z.kind.value,
            network=z.network,
            colour=ZONE_COLOURS[z.kind],
            prefixes=[str(p) for p in z.prefixes],
            description=z.description,
        )
        for z in inv.zones
    ]
    return Topology(zones=zones, nodes=nodes, edges=edges, counts=counts)


def _crosses(devices: dict[str, Device], a: str, b: str) -> bool:
    if a not in devices or b not in devices:
        return False
    return not set(devices[a].zones) & set(devices[b].zones)
