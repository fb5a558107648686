"""From parsed rows to record fields: renames, joins, constants, and the usual clean-ups.

Clean-ups are by field name, the same for every platform: empty strings are None; MAC
addresses become ``aa:bb:cc:dd:ee:ff``; ``admin_status``/``oper_status`` understand
``*down`` (VRP), ``ADM`` (Comware) and ``administratively down`` (IOS); route protocols
are lower case; ``Public``/``_public_`` VRFs are the global table (None); ``--`` (the
Huawei/H3C "nothing here" in tables) is None.
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
    row: dict[str, Any],
    fields: dict[str, str],
    constants: dict[str, str],
    values: dict[str, dict[str, str]] | None = None,
) -> dict[str, Any]:
    """Rename (or join) parsed columns into record fields, rewrite ``values``, clean up.

    A row without ``fields`` passes as is (named parsers return record fields).
    """
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
    for field, rules in (values or {}).items():
        if isinstance(out.get(field), str):
            out[field] = rewrite(out[field].strip(), rules)
    return clean(out)


def rewrite(value: str, rules: dict[str, str]) -> str:
    """The replacement of the first regex (in order) matching all of ``value``; else ``value``."""
    for regex, replacement in rules.items():
        match = re.fullmatch(regex, value)
        if match:
            return match.expand(replacement)
    return value


#: Record fields that hold one interface name / a list of them.
INTERFACE_FIELDS = ("interface", "local_interface")
_IFNAME = re.compile(r"^([A-Za-z][A-Za-z-]*?)(\d.*)$")


def full_interface_name(name: str, names: dict[str, str]) -> str:
    """``GE1/0/1`` -> ``GigabitEthernet1/0/1`` with ``{GE: GigabitEthernet}``; others unchanged."""
    match = _IFNAME.match(name)
    if match is None:
        return name
    full = names.get(match.group(1))
    return full + match.group(2) if full else name


def expand_interfaces(kind: str, record: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """Abbreviated interface names of one record spelled out (see ``interface_names``)."""
    if not names:
        return record
    for field in INTERFACE_FIELDS:
        if isinstance(record.get(field), str):
            record[field] = full_interface_name(record[field], names)
    if kind == "interface" and isinstance(record.get("name"), str):
        record["name"] = full_interface_name(record["name"], names)
    if isinstance(record.get("interfaces"), list | tuple):
        record["interfaces"] = [
            full_interface_name(i, names) if isinstance(i, str) else i for i in record["interfaces"]
        ]
    return record


def clean(record: dict[str, Any]) -> dict[str, Any]:
    """Field-name based clean-ups (see the module docstring)."""
    out: dict[str, Any] = {}
    for key, value in record.items():
        if isinstance(value, str):
            value = value.strip()
            if value in ("", "/", "--"):
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
