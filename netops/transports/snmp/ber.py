"""BER (X.690) encoding and strict decoding of the SNMP subset: lengths, INTEGER, OCTET STRING,
NULL, OBJECT IDENTIFIER, the SMI application types and the v2 exceptions, and varbind lists.

Hand-written because it is the hot path of every poll: pyasn1 spends ~0.2 ms per varbind,
this ~1-2 µs. Decoding is strict: every length is checked against its enclosing TLV, a
truncated or garbled datagram raises :class:`BerError` (the client maps it to "malformed").
Encoding always uses minimal definite lengths.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from netops.errors import NetopsError
from netops.transports.snmp.types import OID, Cell, Tag, Value, VarBind

SEQUENCE = 0x30
_INTEGER = 0x02
_OCTETS = 0x04
_NULL = 0x05
_OBJECT_ID = 0x06
_UNSIGNED32 = frozenset({Tag.COUNTER32, Tag.GAUGE32, Tag.TIME_TICKS})
_EXCEPTIONS = frozenset({Tag.NULL, Tag.NO_SUCH_OBJECT, Tag.NO_SUCH_INSTANCE, Tag.END_OF_MIB_VIEW})
_END_OF_MIB_VIEW = 0x82
_COUNTER64 = 0x46
#: Integer tags decoded inline when their content is 1-4 bytes: tag -> signed
_SHORT_INTS = {0x02: True, 0x41: False, 0x42: False, 0x43: False, 0x46: False}
# The first byte of an OID encodes its first two arcs; precomputed for the one-byte case.
_OID_HEADS: tuple[tuple[int, int], ...] = tuple(
    (0, b) if b < 40 else (1, b - 40) if b < 80 else (2, b - 80) for b in range(128)
)

#: A multi-byte arc (continuation bytes, then its last byte), and every two-byte arc's value.
_MULTI_BYTE_ARC = re.compile(rb"([\x80-\xff]+[\x00-\x7f])")
_TWO_BYTE_ARCS: dict[bytes, int] = {
    bytes((0x80 | hi, lo)): hi << 7 | lo for hi in range(1, 0x80) for lo in range(0x80)
}


class BerError(NetopsError, ValueError):
    """A datagram is not valid BER for SNMP (truncated, bad length, bad tag, bad value)."""


# ---------------------------------------------------------------------------------- encoding


def encode_length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes((tag, n)) + content
    return bytes((tag,)) + encode_length(n) + content


def encode_integer(value: int) -> bytes:
    """INTEGER TLV (two's complement, minimal)."""
    if 0 <= value < 0x80:
        return bytes((_INTEGER, 1, value))
    return tlv(_INTEGER, value.to_bytes(value.bit_length() // 8 + 1, "big", signed=True))


def _unsigned_content(value: int) -> bytes:
    # minimal two's complement of a non-negative number (a leading 0 when the top bit is set)
    return value.to_bytes(value.bit_length() // 8 + 1, "big")


def _oid_content(oid: Sequence[int]) -> bytes:
    if len(oid) < 2:
        raise ValueError(f"an OID needs at least two arcs: {oid!r}")
    first, second = oid[0], oid[1]
    if first == 1 and 0 <= second < 40 and min(oid) >= 0 and max(oid) < 0x80:
        return bytes((40 + second, *oid[2:]))  # every arc one byte (the common case)
    if first > 2 or (first < 2 and second >= 40) or second < 0:
        raise ValueError(f"invalid OID head {first}.{second}")
    out = bytearray()
    for arc in (first * 40 + second, *oid[2:]):
        if arc < 0x80:
            if arc < 0:
                raise ValueError(f"negative OID arc in {oid!r}")
            out.append(arc)
        else:
            chunk = [arc & 0x7F]
            arc >>= 7
            while arc:
                chunk.append(0x80 | (arc & 0x7F))
                arc >>= 7
            out.extend(reversed(chunk))
    return bytes(out)


def encode_oid(oid: Sequence[int]) -> bytes:
    """OBJECT IDENTIFIER TLV."""
    return tlv(_OBJECT_ID, _oid_content(oid))


def encode_value(tag: int, value: Value) -> bytes:
    """The TLV of one SNMP value of type ``tag`` (see :mod:`types`)."""
    if tag == Tag.OCTET_STRING or tag == Tag.OPAQUE:
        if not isinstance(value, bytes | bytearray):
            raise TypeError(f"tag {tag:#x} needs bytes, got {type(value).__name__}")
        return tlv(tag, bytes(value))
    if tag == Tag.INTEGER:
        if not isinstance(value, int) or not -(2**31) <= value < 2**31:
            raise ValueError(f"INTEGER out of range: {value!r}")
        return encode_integer(value)
    if tag in _UNSIGNED32:
        if not isinstance(value, int) or not 0 <= value < 2**32:
            raise ValueError(f"{Tag(tag).name} out of range: {value!r}")
        return tlv(tag, _unsigned_content(value))
    if tag == Tag.COUNTER64:
        if not isinstance(value, int) or not 0 <= value < 2**64:
            raise ValueError(f"COUNTER64 out of range: {value!r}")
        return tlv(tag, _unsigned_content(value))
    if tag == Tag.OBJECT_IDENTIFIER:
        if not isinstance(value, tuple):
            raise TypeError("OBJECT IDENTIFIER needs a tuple of ints")
        return encode_oid(value)
    if tag == Tag.IP_ADDRESS:
        if not isinstance(value, bytes) or len(value) != 4:
            raise ValueError("IpAddress needs 4 bytes")
        return tlv(tag, value)
    if tag in _EXCEPTIONS:
        return bytes((tag, 0))
    raise ValueError(f"cannot encode tag {tag:#x}")


def encode_varbind(oid: Sequence[int], tag: int, value: Value) -> bytes:
    return tlv(SEQUENCE, encode_oid(oid) + encode_value(tag, value))


def encode_varbinds(varbinds: Iterable[tuple[OID, int, Value]]) -> bytes:
    """The SEQUENCE OF VarBind TLV."""
    return tlv(SEQUENCE, b"".join(encode_varbind(o, t, v) for o, t, v in varbinds))


def encode_null_varbinds(oids: Iterable[Sequence[int]]) -> bytes:
    """The varbind list of a request: each OID with a NULL value."""
    parts = []
    for o in oids:
        content = _oid_content(o)
        n = len(content)
        if n < 0x7C:  # the varbind and its OID both have one-byte lengths
            parts.append(bytes((SEQUENCE, n + 4, _OBJECT_ID, n)) + content + b"\x05\x00")
        else:
            parts.append(tlv(SEQUENCE, tlv(_OBJECT_ID, content) + b"\x05\x00"))
    return tlv(SEQUENCE, b"".join(parts))


# ---------------------------------------------------------------------------------- decoding


def read_tlv(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """Read the TLV header at ``pos``: ``(tag, content_start, content_end)``, checked to lie
    within ``end``. Only the single-byte tags SNMP uses are accepted."""
    if pos + 2 > end:
        raise BerError(f"truncated at byte {pos}: a TLV header needs 2 bytes")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise BerError(f"unsupported multi-byte tag at byte {pos}")
    n = data[pos + 1]
    pos += 2
    if n & 0x80:
        k = n & 0x7F
        if k == 0:
            raise BerError(f"indefinite length at byte {pos - 1} (not allowed in SNMP)")
        if k > 4 or pos + k > end:
            raise BerError(f"bad length field at byte {pos - 1}")
        n = int.from_bytes(data[pos : pos + k], "big")
        pos += k
    stop = pos + n
    if stop > end:
        raise BerError(f"truncated: a TLV at byte {pos} claims {n} bytes, {end - pos} remain")
    return tag, pos, stop


def expect(data: bytes, pos: int, end: int, tag: int, what: str) -> tuple[int, int]:
    """Read a TLV that must have ``tag``; return its content bounds."""
    got, start, stop = read_tlv(data, pos, end)
    if got != tag:
        raise BerError(f"expected {what} (tag {tag:#04x}) at byte {pos}, got tag {got:#04x}")
    return start, stop


def decode_integer(data: bytes, start: int, stop: int) -> int:
    if start == stop or stop - start > 9:
        raise BerError(f"bad INTEGER length {stop - start} at byte {start}")
    return int.from_bytes(data[start:stop], "big", signed=True)


def read_integer(data: bytes, pos: int, end: int, what: str = "INTEGER") -> tuple[int, int]:
    """Read an INTEGER TLV at ``pos``: ``(value, next_pos)``."""
    start, stop = expect(data, pos, end, _INTEGER, what)
    return decode_integer(data, start, stop), stop


def read_octets(data: bytes, pos: int, end: int, what: str = "OCTET STRING") -> tuple[bytes, int]:
    start, stop = expect(data, pos, end, _OCTETS, what)
    return data[start:stop], stop


def decode_oid(content: bytes) -> OID:
    """The content octets of an OBJECT IDENTIFIER -> tuple of arcs."""
    if not content:
        raise BerError("empty OBJECT IDENTIFIER")
    if content.isascii():  # every arc < 128: one byte each (the common case)
        return _OID_HEADS[content[0]] + tuple(content[1:])
    arcs = decode_arcs(content)
    first = arcs[0]
    head = (0, first) if first < 40 else (1, first - 40) if first < 80 else (2, first - 80)
    return head + arcs[1:]


def decode_arcs(content: bytes) -> OID:
    """Base-128 arcs, as they follow the first byte of an OID (e.g. a row index after its
    column's OID): every arc as is, no two merged."""
    if content.isascii():
        return tuple(content)
    if content[-1] & 0x80:
        raise BerError("truncated OBJECT IDENTIFIER arc")
    # runs of one-byte arcs split around the multi-byte ones (C speed for the runs)
    parts = _MULTI_BYTE_ARC.split(content)
    out = list(parts[0])
    for i in range(1, len(parts), 2):
        two = _TWO_BYTE_ARCS.get(parts[i])
        if two is None:
            break  # three bytes or more, or non-minimal: the bytewise loop below decides
        out.append(two)
        out.extend(parts[i + 1])
    else:
        return tuple(out)
    arcs: list[int] = []
    arc = 0
    fresh = True
    for byte in content:
        if fresh and byte == 0x80:
            raise BerError("non-minimal OBJECT IDENTIFIER arc")
        arc = (arc << 7) | (byte & 0x7F)
        if byte & 0x80:
            fresh = False
        else:
            arcs.append(arc)
            arc = 0
            fresh = True
    return tuple(arcs)


def decode_value(tag: int, data: bytes, start: int, stop: int) -> Value:
    """Decode the content of one varbind value of type ``tag``."""
    if tag == _OCTETS or tag == Tag.OPAQUE:
        return data[start:stop]
    n = stop - start
    if tag == _INTEGER:
        if n == 0 or (n > 4 and not (n == 5 and data[start] in (0, 0xFF))):
            raise BerError(f"bad INTEGER length {n} at byte {start}")
        return int.from_bytes(data[start:stop], "big", signed=True)
    if tag in _UNSIGNED32:
        if n == 0 or n > 5 or (n == 5 and data[start] != 0):
            raise BerError(f"bad {Tag(tag).name} length {n} at byte {start}")
        return int.from_bytes(data[start:stop], "big")
    if tag == Tag.COUNTER64:
        if n == 0 or n > 9 or (n == 9 and data[start] != 0):
            raise BerError(f"bad COUNTER64 length {n} at byte {start}")
        return int.from_bytes(data[start:stop], "big")
    if tag == _OBJECT_ID:
        return decode_oid(data[start:stop])
    if tag in _EXCEPTIONS:
        if n:
            raise BerError(f"tag {tag:#04x} must be empty at byte {start}")
        return None
    if tag == Tag.IP_ADDRESS:
        if n != 4:
            raise BerError(f"IpAddress of {n} bytes at byte {start}")
        return data[start:stop]
    if 0x40 <= tag < 0x5F:  # other (obsolete) application types, e.g. NsapAddress: raw
        return data[start:stop]
    raise BerError(f"unexpected value tag {tag:#04x} at byte {start - 2}")


def decode_varbinds(data: bytes, pos: int, end: int) -> list[VarBind]:
    """Decode the varbinds between ``pos`` and ``end`` (the content of the varbind list)."""
    out: list[VarBind] = []
    append = out.append
    heads = _OID_HEADS
    new = tuple.__new__
    try:
        while pos < end:
            # varbind SEQUENCE header (inline fast path for short lengths)
            if data[pos] != SEQUENCE:
                raise BerError(f"expected a varbind SEQUENCE at byte {pos}")
            n = data[pos + 1]
            if n < 0x80:
                pos += 2
                vend = pos + n
                if vend > end:
                    raise BerError(f"truncated varbind at byte {pos - 2}")
            else:
                _, pos, vend = read_tlv(data, pos, end)
            # name
            if data[pos] != _OBJECT_ID:
                raise BerError(f"expected an OBJECT IDENTIFIER at byte {pos}")
            n = data[pos + 1]
            if n < 0x80:
                ostart = pos + 2
                pos = ostart + n
                if pos > vend or n == 0:
                    raise BerError(f"bad OBJECT IDENTIFIER length at byte {ostart - 2}")
            else:
                _, ostart, pos = read_tlv(data, pos, vend)
            raw = data[ostart:pos]
            oid = heads[raw[0]] + tuple(raw[1:]) if raw.isascii() else decode_oid(raw)
            # value
            tag = data[pos]
            n = data[pos + 1]
            if n < 0x80:
                vstart = pos + 2
                vstop = vstart + n
            else:
                tag, vstart, vstop = read_tlv(data, pos, vend)
            if vstop != vend:
                raise BerError(f"varbind value at byte {pos} does not end its varbind")
            if tag == _OCTETS:
                value: Value = data[vstart:vstop]
            elif tag in _UNSIGNED32 and 0 < n < 5:
                value = int.from_bytes(data[vstart:vstop], "big")
            else:
                value = decode_value(tag, data, vstart, vstop)
            append(new(VarBind, (oid, tag, value)))
            pos = vend
    except IndexError:
        raise BerError("truncated varbind list") from None
    if pos != end:
        raise BerError("varbind list overruns its length")
    return out


def decode_columns(
    data: bytes,
    pos: int,
    end: int,
    prefixes: Sequence[bytes],
    rows: Sequence[dict[OID, Cell]],
    last: list[OID],
    done: list[bool],
) -> int:
    """Decode the varbinds of a GETBULK answer to a multi-column walk, straight into rows.

    Varbind *i* answers column ``i % len(prefixes)``, whose encoded OID is in ``prefixes``.
    A varbind under its column goes into ``rows[k]`` as ``{index suffix: Cell}`` (the arcs
    after the column, no full OID built); the first one that is not under it, is
    endOfMibView, or does not increase (an agent bug that would loop) sets ``done[k]``;
    ``last[k]`` is the last suffix taken. Framing is as strict as :func:`decode_varbinds`.
    Returns the number of varbinds in the answer.
    """
    width = len(prefixes)
    if not width:
        raise BerError("no columns to decode into")
    lens = [len(p) for p in prefixes]
    new = tuple.__new__
    k = count = 0
    try:
        while pos < end:
            if data[pos] != SEQUENCE:
                raise BerError(f"expected a varbind SEQUENCE at byte {pos}")
            n = data[pos + 1]
            if n < 0x80:
                pos += 2
                vend = pos + n
                if vend > end:
                    raise BerError(f"truncated varbind at byte {pos - 2}")
            else:
                _, pos, vend = read_tlv(data, pos, end)
            if data[pos] != _OBJECT_ID:
                raise BerError(f"expected an OBJECT IDENTIFIER at byte {pos}")
            n = data[pos + 1]
            if n < 0x80:
                ostart = pos + 2
                pos = ostart + n
                if pos > vend or n == 0:
                    raise BerError(f"bad OBJECT IDENTIFIER length at byte {ostart - 2}")
            else:
                _, ostart, pos = read_tlv(data, pos, vend)
            tag = data[pos]
            n = data[pos + 1]
            if n < 0x80:
                vstart = pos + 2
                vstop = vstart + n
            else:
                tag, vstart, vstop = read_tlv(data, pos, vend)
            if vstop != vend:
                raise BerError(f"varbind value at byte {pos} does not end its varbind")
            if not done[k]:
                plen = lens[k]
                if (
                    pos - ostart <= plen
                    or tag == _END_OF_MIB_VIEW
                    or not data.startswith(prefixes[k], ostart)
                ):
                    done[k] = True
                else:
                    raw = data[ostart + plen : pos]
                    suffix = tuple(raw) if raw.isascii() else decode_arcs(raw)
                    if suffix <= last[k]:
                        done[k] = True
                    else:
                        if tag == _OCTETS:
                            value: Value = data[vstart:vstop]
                        elif 0 < n < 5 and (signed := _SHORT_INTS.get(tag)) is not None:
                            value = int.from_bytes(data[vstart:vstop], "big", signed=signed)
                        elif tag == _COUNTER64 and 0 < n < 9:
                            value = int.from_bytes(data[vstart:vstop], "big")
                        else:
                            value = decode_value(tag, data, vstart, vstop)
                        rows[k][suffix] = new(Cell, (tag, value))
                        last[k] = suffix
            pos = vend
            count += 1
            k += 1
            if k == width:
                k = 0
    except IndexError:
        raise BerError("truncated varbind list") from None
    if pos != end:
        raise BerError("varbind list overruns its length")
    return count
