"""SNMP value types shared by the codec, the client, the agent and the collectors.

A varbind is ``(oid, tag, value)``: ``oid`` a tuple of ints, ``tag`` the BER/SMI type
tag below, ``value`` an int (INTEGER, Counter32/64, Gauge32, TimeTicks), bytes
(OCTET STRING, Opaque, IpAddress as 4 bytes), a tuple (OBJECT IDENTIFIER) or None
(NULL and the v2 exceptions noSuchObject/noSuchInstance/endOfMibView).
"""

from __future__ import annotations

from enum import IntEnum
from typing import NamedTuple

OID = tuple[int, ...]
Value = int | bytes | tuple[int, ...] | None


class Tag(IntEnum):
    INTEGER = 0x02
    OCTET_STRING = 0x04
    NULL = 0x05
    OBJECT_IDENTIFIER = 0x06
    IP_ADDRESS = 0x40
    COUNTER32 = 0x41
    GAUGE32 = 0x42
    TIME_TICKS = 0x43
    OPAQUE = 0x44
    COUNTER64 = 0x46
    NO_SUCH_OBJECT = 0x80
    NO_SUCH_INSTANCE = 0x81
    END_OF_MIB_VIEW = 0x82


class VarBind(NamedTuple):
    oid: OID
    tag: int
    value: Value


class Cell(NamedTuple):
    """One value with its type tag, without its OID (a table cell, keyed by its row index)."""

    tag: int
    value: Value


def parse_oid(text: str) -> OID:
    """``"1.3.6.1.2.1.1.3.0"`` (a leading dot allowed) -> ``(1, 3, 6, 1, 2, 1, 1, 3, 0)``."""
    return tuple(int(part) for part in text.strip().lstrip(".").split("."))


def format_oid(oid: OID) -> str:
    return ".".join(map(str, oid))
