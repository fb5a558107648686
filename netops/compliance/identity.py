"""Identities that must never appear in both networks: chassis IDs, serials, MACs, addresses."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, ip_address

_HEX = re.compile(r"[0-9a-f]")


def normalize_mac(value: str | None) -> str | None:
    """``f4de-af10-0001``, ``f4de.af10.0001``, ``F4:DE:AF:10:00:01`` -> ``f4:de:af:10:00:01``."""
    if not value:
        return None
    digits = "".join(_HEX.findall(value.lower()))
    if len(digits) != 12 or len(re.sub(r"[^0-9a-fA-F]", "", value)) != 12:
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def mac_is_unique(mac: str, ignore_prefixes: list[str], ignore_local: bool) -> bool:
    """False for MACs that identify no single machine (broadcast, multicast, VRRP, zero...)."""
    first = int(mac[:2], 16)
    if mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff") or first & 1:
        return False
    if ignore_local and first & 2:
        return False
    return not any(mac.startswith(p.lower()) for p in ignore_prefixes)


def normalize_chassis(value: str | None) -> str | None:
    """A chassis ID as compared: a MAC in canonical form, else the trimmed lower-case text."""
    if not value:
        return None
    mac = normalize_mac(value)
    return mac or value.strip().lower() or None


def address_is_unique(value: str | None) -> IPv4Address | None:
    """An address that can identify a machine (not loopback, link-local, unspecified...)."""
    if not value:
        return None
    try:
        address = ip_address(value.split("/")[0])
    except ValueError:
        return None
    if not isinstance(address, IPv4Address):
        return None
    if address.is_loopback or address.is_link_local or address.is_unspecified:
        return None
    if address.is_multicast or address == IPv4Address("255.255.255.255"):
        return None
    return address
