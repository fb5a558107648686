"""Routes: VRP routing tables, and static routes (cross-VRF ones included) from the config."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

_TABLE = re.compile(r"^\s*Routing Tables?\s*:\s*(\S+)", re.IGNORECASE)
_ROW = re.compile(
    r"^\s*(?:(?P<dest>\d+\.\d+\.\d+\.\d+/\d+)\s+)?(?P<proto>[A-Za-z][\w-]*)\s+(?P<pre>\d+)\s+"
    r"(?P<cost>\d+)\s+(?P<flags>[A-Za-z]*)\s+(?P<nh>\d+\.\d+\.\d+\.\d+)\s+(?P<iface>\S+)\s*$"
)


def _global(name: str) -> str | None:
    return None if name.lower() in ("public", "_public_", "global") else name


def huawei_routing_table(text: str) -> list[dict[str, Any]]:
    """``display ip routing-table [vpn-instance X]`` (VRP): the VRF comes from the header.

    Equal-cost routes continue on lines without a destination; they keep the last one.
    """
    records: list[dict[str, Any]] = []
    vrf: str | None = None
    destination: str | None = None
    for line in text.splitlines():
        table = _TABLE.match(line)
        if table:
            vrf, destination = _global(table.group(1)), None
            continue
        row = _ROW.match(line)
        if row is None:
            continue
        destination = row.group("dest") or destination
        if destination is None:
            continue
        records.append(
            {
                "vrf": vrf,
                "prefix": str(ipaddress.ip_network(destination, strict=False)),
                "protocol": row.group("proto").lower(),
                "preference": int(row.group("pre")),
                "metric": int(row.group("cost")),
                "next_hop": row.group("nh"),
                "interface": row.group("iface"),
            }
        )
    return records


_VRP_STATIC = re.compile(
    r"^\s*ip route-static\s+(?:vpn-instance\s+(?P<vrf>\S+)\s+)?(?P<dest>\d+\.\d+\.\d+\.\d+)\s+"
    r"(?P<mask>\d+\.\d+\.\d+\.\d+|\d{1,2})\s+(?P<rest>.*)$"
)
_PREF = re.compile(r"\bpreference\s+(\d+)")


def _prefix(dest: str, mask: str) -> str:
    return str(ipaddress.ip_network(f"{dest}/{mask}", strict=False))


def static_routes_vrp(text: str) -> list[dict[str, Any]]:
    """``ip route-static`` lines (VRP, USG, Comware) from the configuration.

    Forms: ``ip route-static [vpn-instance A] DEST MASK [vpn-instance B | IFACE] NEXTHOP
    [public] [preference N] ...``. ``vpn-instance B`` before the next hop makes a cross-VRF
    route (``next_hop_vrf = B``); a trailing ``public`` leaks into the global table
    (``next_hop_vrf = "public"``).
    """
    records: list[dict[str, Any]] = []
    for line in text.splitlines():
        match = _VRP_STATIC.match(line)
        if match is None:
            continue
        tokens = match.group("rest").split()
        next_hop_vrf = None
        interface = None
        next_hop = None
        i = 0
        if i + 1 < len(tokens) and tokens[i] == "vpn-instance":
            next_hop_vrf, i = tokens[i + 1], i + 2
        if i < len(tokens) and not re.match(r"^\d+\.\d+\.\d+\.\d+$", tokens[i]):
            interface, i = tokens[i], i + 1
        if i < len(tokens) and re.match(r"^\d+\.\d+\.\d+\.\d+$", tokens[i]):
            next_hop, i = tokens[i], i + 1
        if "public" in tokens[i:]:
            next_hop_vrf = "public"
        pref = _PREF.search(match.group("rest"))
        records.append(
            {
                "vrf": match.group("vrf"),
                "prefix": _prefix(match.group("dest"), match.group("mask")),
                "next_hop": next_hop,
                "next_hop_vrf": next_hop_vrf,
                "interface": interface if interface not in (None, "NULL0", "Null0") else None,
                "protocol": "static",
                "preference": int(pref.group(1)) if pref else 60,
            }
        )
    return records


_IOS_STATIC = re.compile(
    r"^\s*ip route\s+(?:vrf\s+(?P<vrf>\S+)\s+)?(?P<dest>\d+\.\d+\.\d+\.\d+)\s+"
    r"(?P<mask>\d+\.\d+\.\d+\.\d+)\s+(?P<rest>.*)$"
)


def static_routes_ios(text: str) -> list[dict[str, Any]]:
    """``ip route [vrf A] DEST MASK [IFACE] [NEXTHOP] [global] [DISTANCE]`` (Cisco IOS)."""
    records: list[dict[str, Any]] = []
    for line in text.splitlines():
        match = _IOS_STATIC.match(line)
        if match is None:
            continue
        tokens = match.group("rest").split()
        interface = next_hop = None
        distance = 1
        rest: list[str] = []
        for token in tokens:
            if re.match(r"^\d+\.\d+\.\d+\.\d+$", token) and next_hop is None:
                next_hop = token
            elif token.isdigit() and next_hop is not None:
                distance = int(token)
            elif next_hop is None and interface is None and token not in ("global",):
                interface = token
            else:
                rest.append(token)
        records.append(
            {
                "vrf": match.group("vrf"),
                "prefix": _prefix(match.group("dest"), match.group("mask")),
                "next_hop": next_hop,
                "next_hop_vrf": "public" if "global" in tokens else None,
                "interface": interface,
                "protocol": "static",
                "preference": distance,
            }
        )
    return records
