"""Which node holds a pair's service address: parse iproute2's ``ip -j addr show``."""

from __future__ import annotations

import json
from ipaddress import ip_address

from netops.errors import TransportError

COMMAND = ["ip", "-j", "addr", "show"]


def addresses(text: str) -> dict[str, list[str]]:
    """Interface name -> addresses (``local`` of each ``addr_info``) from ``ip -j addr show``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise TransportError("malformed", f"'ip -j addr show' is not JSON: {exc.msg}") from None
    if not isinstance(data, list):
        raise TransportError("malformed", "'ip -j addr show' did not return a list of interfaces")
    out: dict[str, list[str]] = {}
    for link in data:
        if not isinstance(link, dict) or "ifname" not in link:
            continue
        out[str(link["ifname"])] = [
            str(a["local"])
            for a in link.get("addr_info") or []
            if isinstance(a, dict) and a.get("local")
        ]
    return out


def holder_interface(text: str, address: str) -> str | None:
    """The interface carrying ``address``, or None when this host does not hold it."""
    wanted = ip_address(address)
    for ifname, locals_ in addresses(text).items():
        for local in locals_:
            try:
                if ip_address(local) == wanted:
                    return ifname
            except ValueError:
                continue
    return None
