"""Recorded SNMP walks: read them, and replay them in place of the wire.

Two formats, both as real tools write them:

- ``.snmprec`` (snmpsim; LibreNMS keeps real device walks in it): ``OID|TYPE|VALUE`` with
  TYPE the BER tag number (``2`` INTEGER, ``4`` OCTET STRING, ``6`` OID, ``64``
  IpAddress, ``65`` Counter32, ``66`` Gauge32, ``67`` TimeTicks, ``70`` Counter64...)
  and an ``x`` suffix for a hex-encoded value (``4x|0011223344ff``);
- ``snmpwalk -On`` output: ``.1.3.6.1.2.1.1.5.0 = STRING: "core-1"``.

:class:`ReplayClient` answers ``get`` and ``walk`` from such a walk with the same
signatures as the real client, so tests replace only the transport (DESIGN.md §2).
"""

from __future__ import annotations

import bisect
import ipaddress
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from netops.transports.snmp.types import OID, Cell, Tag, Value, VarBind, format_oid, parse_oid

_SNMPREC_TAGS = {int(t): t for t in Tag}


def _snmprec_value(tag: int, hex_encoded: bool, text: str) -> Value:
    if tag in (Tag.NULL, Tag.NO_SUCH_OBJECT, Tag.NO_SUCH_INSTANCE, Tag.END_OF_MIB_VIEW):
        return None
    if tag in (Tag.OCTET_STRING, Tag.OPAQUE):
        return bytes.fromhex(text) if hex_encoded else text.encode("utf-8")
    if tag == Tag.IP_ADDRESS:
        return bytes.fromhex(text) if hex_encoded else ipaddress.IPv4Address(text).packed
    if tag == Tag.OBJECT_IDENTIFIER:
        return parse_oid(text) if text else ()
    return int(text)


def parse_snmprec(text: str, source: str = "walk") -> list[VarBind]:
    """Parse snmprec lines into varbinds (sorted by OID)."""
    out: list[VarBind] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            oid_text, type_text, value_text = line.split("|", 2)
            hex_encoded = type_text.endswith("x")
            tag = int(type_text.rstrip("x"))
            if tag not in _SNMPREC_TAGS:
                raise ValueError(f"unknown type {type_text}")
            out.append(
                VarBind(parse_oid(oid_text), tag, _snmprec_value(tag, hex_encoded, value_text))
            )
        except ValueError as exc:
            raise ValueError(f"{source}:{number}: not a snmprec line ({exc}): {line!r}") from None
    out.sort(key=lambda vb: vb.oid)
    return out


_WALK_LINE = re.compile(r"^(\.?\d+(?:\.\d+)*) = (?:([A-Za-z0-9-]+): ?)?(.*)$")
_ENUM_INT = re.compile(r"^.*\((-?\d+)\)$")


def _walk_value(kind: str | None, text: str) -> tuple[int, Value]:
    kind = (kind or "STRING").upper()
    if kind == "STRING":
        if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
            text = text[1:-1].replace('\\"', '"')
        return Tag.OCTET_STRING, text.encode("utf-8")
    if kind == "HEX-STRING":
        return Tag.OCTET_STRING, bytes.fromhex(text.replace(" ", ""))
    if kind in ("INTEGER", "COUNTER32", "COUNTER64", "GAUGE32", "UNSIGNED32"):
        match = _ENUM_INT.match(text)
        number = int(match.group(1)) if match else int(text.split()[0])
        tag = {
            "INTEGER": Tag.INTEGER,
            "COUNTER32": Tag.COUNTER32,
            "COUNTER64": Tag.COUNTER64,
        }.get(kind, Tag.GAUGE32)
        return tag, number
    if kind == "TIMETICKS":
        return Tag.TIME_TICKS, int(text.split(")")[0].lstrip("("))
    if kind == "OID":
        return Tag.OBJECT_IDENTIFIER, parse_oid(text) if text.strip(". ") else ()
    if kind == "IPADDRESS":
        return Tag.IP_ADDRESS, ipaddress.IPv4Address(text.strip()).packed
    raise ValueError(f"unknown type {kind}")


def parse_snmpwalk(text: str, source: str = "walk") -> list[VarBind]:
    """Parse ``snmpwalk -On`` output (quoted strings may span lines) into sorted varbinds."""
    out: list[VarBind] = []
    pending: tuple[OID, str] | None = None  # an open multi-line quoted string
    for number, line in enumerate(text.splitlines(), 1):
        if pending is not None:
            oid, head = pending
            head += "\n" + line
            if line.endswith('"') and not line.endswith('\\"'):
                out.append(VarBind(oid, Tag.OCTET_STRING, head[1:-1].encode("utf-8")))
                pending = None
            else:
                pending = (oid, head)
            continue
        if not line.strip():
            continue
        match = _WALK_LINE.match(line)
        if match is None:
            raise ValueError(f"{source}:{number}: not a snmpwalk -On line: {line!r}")
        oid = parse_oid(match.group(1))
        kind, value = match.group(2), match.group(3)
        if value.startswith("No Such") or value.startswith("No more variables"):
            continue
        if (
            (kind or "STRING").upper() == "STRING"
            and value.startswith('"')
            and (len(value) == 1 or not value.endswith('"'))
        ):
            pending = (oid, value)
            continue
        try:
            tag, parsed = _walk_value(kind, value)
        except ValueError as exc:
            raise ValueError(f"{source}:{number}: {exc}: {line!r}") from None
        out.append(VarBind(oid, tag, parsed))
    out.sort(key=lambda vb: vb.oid)
    return out


def load_walk(path: Path) -> list[VarBind]:
    """A recorded walk file: ``*.snmprec`` or snmpwalk ``-On`` text (anything else)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".snmprec":
        return parse_snmprec(text, str(path))
    return parse_snmpwalk(text, str(path))


def dump_snmprec(varbinds: Sequence[VarBind]) -> str:
    """Varbinds as snmprec lines (strings that are not clean text are hex-encoded)."""
    lines = []
    for vb in sorted(varbinds, key=lambda v: v.oid):
        value: Any = vb.value
        suffix = ""
        if isinstance(value, bytes):
            try:
                text = value.decode("utf-8")
                clean = text.isprintable() and "|" not in text
            except UnicodeDecodeError:
                clean = False
            if clean and vb.tag != Tag.IP_ADDRESS:
                value = text
            elif vb.tag == Tag.IP_ADDRESS and len(value) == 4:
                value = str(ipaddress.IPv4Address(value))
            else:
                value, suffix = value.hex(), "x"
        elif isinstance(value, tuple):
            value = format_oid(value)
        elif value is None:
            value = ""
        lines.append(f"{format_oid(vb.oid)}|{vb.tag}{suffix}|{value}")
    return "\n".join(lines) + "\n"


class ReplayClient:
    """Answers ``get``/``walk`` from recorded varbinds, per device name (tests, offline runs)."""

    def __init__(self, walks: dict[str, list[VarBind]]) -> None:
        self._walks = {name: sorted(vbs, key=lambda v: v.oid) for name, vbs in walks.items()}
        self._oids = {name: [vb.oid for vb in vbs] for name, vbs in self._walks.items()}
        self.requests = 0

    async def __aenter__(self) -> ReplayClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def close(self) -> None:
        return None

    def _of(self, target: Any) -> tuple[list[VarBind], list[OID]]:
        from netops.errors import TransportError

        name = target.device
        if name not in self._walks:
            raise TransportError("timeout", f"{name}: no response (no recorded walk)")
        return self._walks[name], self._oids[name]

    async def get(self, target: Any, oids: Sequence[OID], **_: Any) -> list[VarBind]:
        self.requests += 1
        walk, keys = self._of(target)
        out = []
        for oid in oids:
            i = bisect.bisect_left(keys, oid)
            if i < len(keys) and keys[i] == oid:
                out.append(walk[i])
            else:
                out.append(VarBind(oid, Tag.NO_SUCH_OBJECT, None))
        return out

    async def walk(self, target: Any, columns: Sequence[OID], **_: Any) -> dict[OID, list[VarBind]]:
        self.requests += 1
        walk, keys = self._of(target)
        out: dict[OID, list[VarBind]] = {}
        for column in columns:
            i = bisect.bisect_right(keys, column)
            rows = []
            n = len(column)
            while i < len(keys) and keys[i][:n] == column:
                rows.append(walk[i])
                i += 1
            out[column] = rows
        return out

    async def walk_rows(
        self, target: Any, columns: Sequence[OID], **kw: Any
    ) -> dict[OID, dict[OID, Cell]]:
        """:meth:`walk`'s answer as rows by index suffix (what the poller reads)."""
        walked = await self.walk(target, columns, **kw)
        return {
            col: {vb.oid[len(col) :]: Cell(vb.tag, vb.value) for vb in vbs}
            for col, vbs in walked.items()
        }
