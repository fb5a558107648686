"""The fixed set of value conversions a profile field may name (see ``snmp_schema.Conversion``).

Each takes the raw SNMP value (with its type tag) and returns a Python value for a
record field, or None when the value is missing or means "not there". A value that
cannot be converted raises :class:`ValueError`; the mapper records it against the row.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping
from typing import Any

from netops.transports.snmp.types import Cell, Tag

#: What a conversion receives: one cell, or a list of cells (a field reading several columns).
Raw = Cell | list[Cell]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        text = value.decode("utf-8", errors="replace")
    elif isinstance(value, tuple):
        text = ".".join(map(str, value))
    else:
        text = str(value)
    text = text.replace("\r\n", "\n").rstrip("\x00").strip()
    return text or None


def _auto(tag: int, value: Any) -> Any:
    if value is None:
        return None
    if tag == Tag.IP_ADDRESS and isinstance(value, bytes) and len(value) == 4:
        return str(ipaddress.IPv4Address(value))
    if isinstance(value, bytes | tuple):
        return _text(value)
    return value


def _int(value: Any) -> int | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        text = _text(value)
        return int(text) if text is not None else None
    return int(value)


def _mac(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        if len(value) == 0:
            return None
        if len(value) == 6:
            return ":".join(f"{b:02x}" for b in value)
        text = _text(value) or ""
    else:
        text = str(value)
    digits = "".join(c for c in text.lower() if c in "0123456789abcdef")
    if len(digits) != 12:
        raise ValueError(f"not a MAC address: {text!r}")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _ip(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        if len(value) == 4:
            return socket.inet_ntop(socket.AF_INET, value)
        if len(value) == 16:  # inet_ntop gives the RFC 5952 form, as ipaddress does, in C
            return socket.inet_ntop(socket.AF_INET6, value)
        if not value:
            return None
        return str(ipaddress.ip_address(value.decode("ascii").strip()))
    if isinstance(value, tuple) and len(value) in (4, 16):
        return str(ipaddress.ip_address(bytes(value)))
    return str(ipaddress.ip_address(str(value)))


def _ip_prefix(address: Any, mask: Any) -> str | None:
    addr = _ip(address)
    if addr is None:
        return None
    if isinstance(mask, int):
        length = mask
    else:
        length = ipaddress.ip_network(f"0.0.0.0/{_ip(mask)}").prefixlen
    return f"{addr}/{length}"


def _route_target(value: Any) -> str | None:
    """RFC 4364 section 4.2: 2-byte type, then ASN2:nn4, IPv4:nn2 or ASN4:nn2."""
    if value is None:
        return None
    if isinstance(value, bytes) and len(value) == 8 and value[0] == 0 and value[1] <= 2:
        kind = value[1]
        if kind == 0:
            return f"{int.from_bytes(value[2:4], 'big')}:{int.from_bytes(value[4:8], 'big')}"
        if kind == 1:
            return f"{ipaddress.IPv4Address(value[2:6])}:{int.from_bytes(value[6:8], 'big')}"
        return f"{int.from_bytes(value[2:6], 'big')}:{int.from_bytes(value[6:8], 'big')}"
    return _text(value)


# LLDP-MIB LldpChassisIdSubtype / LldpPortIdSubtype: which subtypes carry a MAC or an address
_CHASSIS_MAC, _CHASSIS_ADDR = 4, 5
_PORT_MAC, _PORT_ADDR = 3, 4


def _lldp_address(value: Any) -> str | None:
    # LLDP networkAddress: IANA address family octet, then the address
    if isinstance(value, bytes) and len(value) in (5, 17):
        return _ip(value[1:])
    return _text(value)


def _lldp_id(subtype: Any, value: Any, mac: int, addr: int) -> str | None:
    if subtype == mac and isinstance(value, bytes) and len(value) == 6:
        return _mac(value)
    if subtype == addr:
        return _lldp_address(value)
    return _text(value)


def _pair(fn: Callable[[Any, Any], Any]) -> Callable[[Raw, Mapping[int, str] | None], Any]:
    def convert(raw: Raw, _enum: Mapping[int, str] | None) -> Any:
        if not isinstance(raw, list) or len(raw) != 2:
            raise ValueError("this conversion needs two values (a list of two columns)")
        a, b = raw[0].value, raw[1].value
        if a is None or b is None:
            return None
        return fn(a, b)

    return convert


def _single(fn: Callable[[int, Any], Any]) -> Callable[[Raw, Mapping[int, str] | None], Any]:
    def convert(raw: Raw, _enum: Mapping[int, str] | None) -> Any:
        if isinstance(raw, list):
            raise ValueError("this conversion takes one value, not a list of columns")
        return fn(raw.tag, raw.value)

    return convert


def _enum(raw: Raw, enum: Mapping[int, str] | None) -> str | None:
    if isinstance(raw, list):
        raise ValueError("enum takes one value, not a list of columns")
    value = raw.value
    if value is None or enum is None:
        return None
    return enum.get(_int(value) or 0) if not isinstance(value, tuple) else None


def _oid_last(tag: int, value: Any) -> int | None:
    if isinstance(value, tuple) and value and value != (0, 0):
        return value[-1]
    return None


CONVERTERS: dict[str, Callable[[Raw, Mapping[int, str] | None], Any]] = {
    "auto": _single(_auto),
    "text": _single(lambda _t, v: _text(v)),
    "int": _single(lambda _t, v: _int(v)),
    "float": _single(lambda _t, v: None if v is None else float(_int(v) or 0)),
    "hex": _single(lambda _t, v: v.hex() if isinstance(v, bytes) and v else None),
    "mac": _single(lambda _t, v: _mac(v)),
    "ip": _single(lambda _t, v: _ip(v)),
    "timeticks_seconds": _single(lambda _t, v: None if v is None else int(v) / 100.0),
    "mbps_to_bps": _single(lambda _t, v: int(v) * 1_000_000 if v else None),
    "enum": _enum,
    "truth_value": _single(lambda _t, v: None if v is None else {1: True, 2: False}.get(int(v))),
    "counter_bits": _single(lambda t, v: None if v is None else (64 if t == Tag.COUNTER64 else 32)),
    "ip_prefix": _pair(_ip_prefix),
    "route_target": _single(lambda _t, v: _route_target(v)),
    "lldp_chassis_id": _pair(lambda s, v: _lldp_id(s, v, _CHASSIS_MAC, _CHASSIS_ADDR)),
    "lldp_port_id": _pair(lambda s, v: _lldp_id(s, v, _PORT_MAC, _PORT_ADDR)),
    "oid_last": _single(_oid_last),
    "nonzero": _single(lambda t, v: _auto(t, v) or None),
}


def convert(name: str, raw: Raw, enum: Mapping[int, str] | None = None) -> Any:
    """Apply conversion ``name`` to ``raw`` (one cell, or a list of cells)."""
    return CONVERTERS[name](raw, enum)


def _cell(fn: Callable[[int, Any], Any]) -> Callable[[Cell, Mapping[int, str] | None], Any]:
    def convert(cell: Cell, _enum: Mapping[int, str] | None) -> Any:
        return fn(cell.tag, cell.value)

    return convert


def _cell_int(cell: Cell, _enum: Mapping[int, str] | None) -> int | None:
    value = cell.value
    return value if type(value) is int else _int(value)


def _cell_float(cell: Cell, _enum: Mapping[int, str] | None) -> float | None:
    value = cell.value
    if type(value) is int:
        return float(value)
    return None if value is None else float(_int(value) or 0)


def _cell_text(cell: Cell, _enum: Mapping[int, str] | None) -> str | None:
    return _text(cell.value)


def _cell_enum(cell: Cell, enum: Mapping[int, str] | None) -> str | None:
    value = cell.value
    if enum is None or value is None:
        return None
    return enum.get(value) if type(value) is int else _enum(cell, enum)


#: Single-cell conversions without the list check (the mapper's compiled fast path).
CELL_CONVERTERS: dict[str, Callable[[Cell, Mapping[int, str] | None], Any]] = {
    "int": _cell_int,
    "float": _cell_float,
    "text": _cell_text,
    "enum": _cell_enum,
    "auto": _cell(_auto),
    "mac": _cell(lambda _t, v: _mac(v)),
    "ip": _cell(lambda _t, v: _ip(v)),
    "timeticks_seconds": _cell(lambda _t, v: None if v is None else int(v) / 100.0),
    "mbps_to_bps": _cell(lambda _t, v: int(v) * 1_000_000 if v else None),
    "counter_bits": _cell(lambda t, v: None if v is None else (64 if t == Tag.COUNTER64 else 32)),
    "route_target": _cell(lambda _t, v: _route_target(v)),
}
