"""From parsed rows to record fields: renames, joins, constants, and the usual clean-ups.

Clean-ups are by field name, the same for every platform: empty strings are None; MAC
addresses become ``aa:bb:cc:dd:ee:ff``; ``admin_status``/``oper_status`` understand
``*down`` (VRP), ``ADM`` (Comware) and ``administratively down`` (IOS); route protocols
are lower case; ``Public``/``_public_`` VRFs are the global table (None).
"""

from __future__ import annotations

import re
from typing import Any

#: Route protocol codes (IOS single letters) and spellings to one name.
_PROTOCOLS = {
    "C": "direct",
    "L": "local",
    "S": "static",
    "S*": "static",
    "O": "ospf",
    "B": "bgp",
    "D": "eigrp",
    "R": "rip",
    "i": "isis",
    "Direct": "direct",
    "IBGP": "bgp",
    "EBGP": "bgp",
    "O_ASE": "ospf",
    "O_ASE2": "ospf",
    "O_NSSA": "ospf",
}
_MAC_DIGITS = re.compile(r"^[0-9a-fA-F]{12}$")
_MAC_FIELDS = ("mac", "remote_chassis_id")
_TUPLE_FIELDS = (
    "addresses",
    "import_targets",
    "export_targets",
    "interfaces",
    "source_zones",
    "destination_zones",
    "source_addresses",
    "destination_addresses",
    "services",
    "profiles",
)


def mac(value: str) -> str:
    """``f4de-af10-0001`` / ``f4de.af10.0001`` / ``F4:DE:AF:10:00:01`` -> ``f4:de:af:10:00:01``."""
    digits = re.sub(r"[.:\- ]", "", value)
    if not _MAC_DIGITS.match(digits):
        return value
    digits = digits.lower()
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _admin(value: str) -> str:
    v = value.strip().lower()
    return (
        "down" if v.startswith("*") or v in ("adm", "admin down", "administratively down") else "up"
    )


def _oper(value: str) -> str:
    v = value.strip().lower().lstrip("*^")
    if v.startswith("up"):
        return "up"
    if v in ("adm", "administratively down", "admin down", "down", "stby", "dn"):
        return "down"
    return v if v in ("testing", "dormant", "notpresent", "lowerlayerdown") else "unknown"


def map_row(
    row: dict[str, Any], fields: dict[str, str], constants: dict[str, str]
) -> dict[str, Any]:
    """Rename (or join) parsed columns into record fields; a row without ``fields`` passes as is."""
    if not fields:
        out = dict(row)
    else:
        out = {}
        lowered = {k.lower(): v for k, v in row.items()}
        for field, source in fields.items():
            if "{" in source:
                try:
                    out[field] = source.format(**lowered)
                except (KeyError, IndexError):
                    out[field] = None
            else:
                out[field] = lowered.get(source.lower())
    out.update(constants)
    return clean(out)


def clean(record: dict[str, Any]) -> dict[str, Any]:
    """Field-name based clean-ups (see the module docstring)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, str):
            value = value.strip()
            if value == "" or value == "/":
                value = None
        if isinstance(value, list) and key not in _TUPLE_FIELDS:
            value = value[0] if value else None
        if key in _TUPLE_FIELDS and isinstance(value, str):
            value = [value]
        if key in _TUPLE_FIELDS and isinstance(value, list):
            value = [v.strip() for v in value if isinstance(v, str) and v.strip()]
        if value is not None:
            if key in _MAC_FIELDS and isinstance(value, str):
                value = mac(value)
            elif key == "admin_status" and isinstance(value, str):
                value = _admin(value)
            elif key == "oper_status" and isinstance(value, str):
                value = _oper(value)
            elif key == "protocol" and isinstance(value, str):
                value = _PROTOCOLS.get(value, value.lower())
            elif (
                key in ("vrf", "next_hop_vrf")
                and isinstance(value, str)
                and value.lower() in ("_public_", "public", "global", "default")
            ):
                value = None if key == "vrf" else "public"
        out[key] = value
    return out
