"""VPN instances (VRFs) with RD, route targets and bound interfaces."""

from __future__ import annotations

import re
from typing import Any

_KEY = re.compile(r"^\s*([A-Za-z][A-Za-z /-]*?)\s*:\s*(.*)$")


def _split(value: str) -> list[str]:
    return [v for v in re.split(r"[\s,]+", value.strip()) if v]


def huawei_vpn_instance_verbose(text: str) -> list[dict[str, Any]]:
    """``display ip vpn-instance verbose`` (VRP): one record per VPN instance.

    Blocks start with ``VPN-Instance Name and ID : NAME, ID``; the IPv4 family lists
    ``Route Distinguisher``, ``Export VPN Targets``, ``Import VPN Targets``; ``Interfaces``
    may continue on following lines.
    """
    records: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    family = "ipv4"
    last_key = ""
    for raw in text.splitlines():
        line = raw.rstrip()
        family_line = re.match(r"^\s*address family (ipv4|ipv6)\b", line, re.IGNORECASE)
        if family_line:
            family = family_line.group(1).lower()
            last_key = ""
            continue
        match = _KEY.match(line)
        if match is None:
            if current is not None and last_key == "interfaces" and line.strip():
                current["interfaces"].extend(_split(line))
            continue
        key, value = match.group(1).strip().lower(), match.group(2).strip()
        last_key = ""
        if key == "vpn-instance name and id":
            name = value.split(",")[0].strip()
            current = {
                "name": name,
                "rd": None,
                "import_targets": [],
                "export_targets": [],
                "interfaces": [],
                "description": None,
            }
            records.append(current)
            family = "ipv4"
            continue
        if current is None:
            continue
        if key == "description":
            current["description"] = value or None
        elif key == "interfaces":
            current["interfaces"].extend(_split(value))
            last_key = "interfaces"
        elif family != "ipv4":
            continue
        elif key == "route distinguisher":
            current["rd"] = value or None
        elif key == "export vpn targets":
            current["export_targets"].extend(_split(value))
        elif key == "import vpn targets":
            current["import_targets"].extend(_split(value))
    for record in records:
        record["interfaces"] = list(dict.fromkeys(record["interfaces"]))
    return records
