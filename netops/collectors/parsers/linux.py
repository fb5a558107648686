"""Linux servers through iproute2's JSON output (``ip -j ...``): nothing to guess."""

from __future__ import annotations

import json
from typing import Any

from netops.errors import TransportError


def _load(text: str) -> list[dict[str, Any]]:
    start = text.find("[")
    try:
        data = json.loads(text[start:] if start >= 0 else text)
    except json.JSONDecodeError as exc:
        raise TransportError("malformed", f"not iproute2 JSON output: {exc.msg}") from None
    return [d for d in data if isinstance(d, dict)] if isinstance(data, list) else []


_NO_MAC = ("loopback", "none", "ipip", "sit", "gre")


def ip_addresses(text: str) -> list[dict[str, Any]]:
    """``ip -j address show``: interfaces with state, MTU, MAC and IPv4/IPv6 addresses."""
    records = []
    for link in _load(text):
        state = str(link.get("operstate", "UNKNOWN")).lower()
        flags = link.get("flags", [])
        address = link.get("address")
        if link.get("link_type") in _NO_MAC or address == "00:00:00:00:00:00":
            address = None
        records.append(
            {
                "name": link.get("ifname"),
                "if_index": link.get("ifindex"),
                "admin_status": "up" if "UP" in flags else "down",
                "oper_status": state if state in ("up", "down", "dormant") else "unknown",
                "mtu": link.get("mtu"),
                "mac": address,
                "addresses": [
                    f"{a['local']}/{a['prefixlen']}"
                    for a in link.get("addr_info", [])
                    if "local" in a and "prefixlen" in a
                ],
            }
        )
    return records


#: iproute2 route protocols -> record protocols. ``boot`` (``ip route add``, ifupdown) is
#: not printed at all: a route without one was configured by hand, i.e. static.
_PROTOCOLS = {None: "static", "boot": "static", "static": "static", "kernel": "direct"}


def ip_routes(text: str) -> list[dict[str, Any]]:
    """``ip -j route show table all`` minus local/broadcast/multicast entries and the IPv6
    link-local ``fe80::/64`` every interface has; table ``main`` = global, another table
    is reported as the VRF of that name (or number)."""
    records = []
    for route in _load(text):
        table = str(route.get("table", "main"))
        kind = route.get("type", "unicast")
        if table == "local" or kind in ("local", "broadcast", "multicast"):
            continue
        dst = route.get("dst", "")
        if str(dst).startswith("fe80:"):
            continue
        if dst == "default":
            dst = "0.0.0.0/0" if "." in str(route.get("gateway", "0.0.0.0")) else "::/0"
        elif "/" not in dst:
            dst = f"{dst}/{128 if ':' in dst else 32}"
        records.append(
            {
                "vrf": None if table == "main" else table,
                "prefix": dst,
                "next_hop": route.get("gateway"),
                "interface": route.get("dev"),
                "protocol": _PROTOCOLS.get(route.get("protocol"), str(route.get("protocol"))),
                "metric": route.get("metric"),
            }
        )
    return records


def ip_neighbors(text: str) -> list[dict[str, Any]]:
    """``ip -j neigh show``: resolved entries only (with a link-layer address)."""
    records = []
    for entry in _load(text):
        if not entry.get("lladdr"):
            continue
        states = entry.get("state", [])
        records.append(
            {
                "ip": entry.get("dst"),
                "mac": entry.get("lladdr"),
                "interface": entry.get("dev"),
                "entry_type": "static" if {"PERMANENT", "NOARP"} & set(states) else "dynamic",
            }
        )
    return records
