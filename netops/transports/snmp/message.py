"""SNMP messages and PDUs: v1/v2c community messages and the v3 message frame (RFC 3412),
encoded and strictly decoded with :mod:`ber`.

The v3 security (authentication, encryption, timeliness) lives in :mod:`usm`; here a v3
message is only framed: :func:`encode_v3` returns the bytes together with the offset of the
authentication placeholder, :func:`decode_v3` returns the parts and the offsets needed to
verify the digest.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum

from netops.transports.snmp.ber import (
    SEQUENCE,
    BerError,
    decode_integer,
    decode_oid,
    decode_varbinds,
    encode_integer,
    encode_length,
    encode_null_varbinds,
    encode_oid,
    encode_varbinds,
    expect,
    read_integer,
    read_octets,
    read_tlv,
    tlv,
)
from netops.transports.snmp.types import OID, Tag, VarBind


class PduType(IntEnum):
    GET = 0xA0
    GET_NEXT = 0xA1
    RESPONSE = 0xA2
    SET = 0xA3
    TRAP_V1 = 0xA4
    GET_BULK = 0xA5
    INFORM = 0xA6
    TRAP = 0xA7
    REPORT = 0xA8


class ErrorStatus(IntEnum):
    """RFC 3416 error-status values."""

    noError = 0
    tooBig = 1
    noSuchName = 2
    badValue = 3
    readOnly = 4
    genErr = 5
    noAccess = 6
    wrongType = 7
    wrongLength = 8
    wrongEncoding = 9
    wrongValue = 10
    noCreation = 11
    inconsistentValue = 12
    resourceUnavailable = 13
    commitFailed = 14
    undoFailed = 15
    authorizationError = 16
    notWritable = 17
    inconsistentName = 18


def error_name(status: int) -> str:
    try:
        return ErrorStatus(status).name
    except ValueError:
        return f"error-status {status}"


V1 = 0
V2C = 1
V3 = 3

# msgFlags bits (RFC 3412)
FLAG_AUTH = 0x01
FLAG_PRIV = 0x02
FLAG_REPORTABLE = 0x04
USM_SECURITY_MODEL = 3


@dataclass(slots=True)
class Pdu:
    """A v2 PDU. For GETBULK ``error_status``/``error_index`` hold non-repeaters and
    max-repetitions (see the properties)."""

    type: PduType
    request_id: int
    varbinds: list[VarBind] = field(default_factory=list)
    error_status: int = 0
    error_index: int = 0
    #: decoded with ``lazy=True``: the datagram and the bounds of the varbind list's content,
    #: left for the caller to decode (``varbinds`` stays empty)
    body: tuple[bytes, int, int] | None = None

    @property
    def non_repeaters(self) -> int:
        return self.error_status

    @property
    def max_repetitions(self) -> int:
        return self.error_index


@dataclass(slots=True)
class TrapV1Pdu:
    """An SNMPv1 Trap-PDU (RFC 1157)."""

    enterprise: OID
    agent_address: bytes
    generic_trap: int
    specific_trap: int
    timestamp: int
    varbinds: list[VarBind] = field(default_factory=list)


@dataclass(slots=True)
class CommunityMessage:
    """A v1 (version 0) or v2c (version 1) message."""

    version: int
    community: bytes
    pdu: Pdu | TrapV1Pdu


# ---------------------------------------------------------------------------------- PDUs


def encode_pdu(pdu: Pdu) -> bytes:
    body = (
        encode_integer(pdu.request_id)
        + encode_integer(pdu.error_status)
        + encode_integer(pdu.error_index)
        + encode_varbinds(pdu.varbinds)
    )
    return tlv(pdu.type, body)


def encode_request_pdu(
    pdu_type: int, request_id: int, oids: list[OID] | tuple[OID, ...], a: int = 0, b: int = 0
) -> bytes:
    """A request PDU whose varbinds are ``oids`` with NULL values (Get, GetNext, GetBulk with
    ``a``=non-repeaters and ``b``=max-repetitions)."""
    body = encode_integer(request_id) + encode_integer(a) + encode_integer(b)
    return tlv(pdu_type, body + encode_null_varbinds(oids))


def encode_trap_v1_pdu(pdu: TrapV1Pdu) -> bytes:
    body = (
        encode_oid(pdu.enterprise)
        + tlv(Tag.IP_ADDRESS, pdu.agent_address)
        + encode_integer(pdu.generic_trap)
        + encode_integer(pdu.specific_trap)
        + tlv(Tag.TIME_TICKS, pdu.timestamp.to_bytes(pdu.timestamp.bit_length() // 8 + 1, "big"))
        + encode_varbinds(pdu.varbinds)
    )
    return tlv(PduType.TRAP_V1, body)


def decode_pdu(data: bytes, pos: int, end: int, *, lazy: bool = False) -> Pdu | TrapV1Pdu:
    """Decode the PDU TLV at ``pos`` (which must end exactly at ``end``); ``lazy`` leaves the
    varbinds undecoded (see :attr:`Pdu.body`)."""
    tag, start, stop = read_tlv(data, pos, end)
    if stop != end:
        raise BerError(f"{stop - end:+d} bytes after the PDU's length")
    if tag == PduType.TRAP_V1:
        return _decode_trap_v1(data, start, stop)
    try:
        kind = PduType(tag)
    except ValueError:
        raise BerError(f"unknown PDU type {tag:#04x}") from None
    request_id, p = read_integer(data, start, stop, "request-id")
    error_status, p = read_integer(data, p, stop, "error-status")
    error_index, p = read_integer(data, p, stop, "error-index")
    vstart, vstop = expect(data, p, stop, SEQUENCE, "varbind list")
    if vstop != stop:
        raise BerError("bytes after the varbind list")
    if lazy:
        return Pdu(kind, request_id, [], error_status, error_index, (data, vstart, vstop))
    return Pdu(kind, request_id, decode_varbinds(data, vstart, vstop), error_status, error_index)


def _decode_trap_v1(data: bytes, start: int, stop: int) -> TrapV1Pdu:
    ostart, p = expect(data, start, stop, 0x06, "enterprise")
    enterprise = decode_oid(data[ostart:p])
    astart, p = expect(data, p, stop, Tag.IP_ADDRESS, "agent-addr")
    if p - astart != 4:
        raise BerError("agent-addr is not 4 bytes")
    generic, p = read_integer(data, p, stop, "generic-trap")
    specific, p = read_integer(data, p, stop, "specific-trap")
    tstart, p = expect(data, p, stop, Tag.TIME_TICKS, "time-stamp")
    if not 0 < p - tstart <= 5:
        raise BerError("bad time-stamp")
    timestamp = int.from_bytes(data[tstart:p], "big")
    vstart, vstop = expect(data, p, stop, SEQUENCE, "varbind list")
    if vstop != stop:
        raise BerError("bytes after the varbind list")
    return TrapV1Pdu(
        enterprise,
        data[astart : astart + 4],
        generic,
        specific,
        timestamp,
        decode_varbinds(data, vstart, vstop),
    )


# ---------------------------------------------------------------------------------- v1/v2c


def encode_community(version: int, community: bytes, pdu_bytes: bytes) -> bytes:
    """A v1/v2c message around an already encoded PDU."""
    return tlv(SEQUENCE, encode_integer(version) + tlv(0x04, community) + pdu_bytes)


def encode_message(message: CommunityMessage) -> bytes:
    pdu = message.pdu
    pdu_bytes = encode_trap_v1_pdu(pdu) if isinstance(pdu, TrapV1Pdu) else encode_pdu(pdu)
    return encode_community(message.version, message.community, pdu_bytes)


def message_version(data: bytes) -> int:
    """The msgVersion of a datagram (0 = v1, 1 = v2c, 3 = v3)."""
    start, stop = expect(data, 0, len(data), SEQUENCE, "message")
    if stop != len(data):
        raise BerError(f"{len(data) - stop} bytes after the message")
    version, _ = read_integer(data, start, stop, "msgVersion")
    return version


def decode_community(data: bytes, *, lazy: bool = False) -> CommunityMessage:
    """Decode a v1/v2c message; anything else raises :class:`BerError`."""
    end = len(data)
    start, stop = expect(data, 0, end, SEQUENCE, "message")
    if stop != end:
        raise BerError(f"{end - stop} bytes after the message")
    version, p = read_integer(data, start, stop, "msgVersion")
    if version not in (V1, V2C):
        raise BerError(f"not a community message (version {version})")
    community, p = read_octets(data, p, stop, "community")
    return CommunityMessage(version, community, decode_pdu(data, p, stop, lazy=lazy))


def peek_request_id(data: bytes) -> tuple[int, int]:
    """``(version, id)`` of a datagram without decoding its varbinds: the PDU request-id of
    a v1/v2c message, the msgID of a v3 message."""
    end = len(data)
    start, stop = expect(data, 0, end, SEQUENCE, "message")
    version, p = read_integer(data, start, stop, "msgVersion")
    if version == V3:
        gstart, _ = expect(data, p, stop, SEQUENCE, "msgGlobalData")
        msg_id, _ = read_integer(data, gstart, stop, "msgID")
        return version, msg_id
    _, p = read_octets(data, p, stop, "community")
    _, pstart, _ = read_tlv(data, p, stop)
    request_id, _ = read_integer(data, pstart, stop, "request-id")
    return version, request_id


# ---------------------------------------------------------------------------------- v3


@dataclass(slots=True)
class UsmParameters:
    """The USM security parameters of a v3 message (RFC 3414 §2.4)."""

    engine_id: bytes
    engine_boots: int
    engine_time: int
    user: bytes
    auth_params: bytes
    priv_params: bytes


@dataclass(slots=True)
class V3Message:
    """A decoded v3 message frame. ``scoped_pdu`` is the plaintext ScopedPDU bytes (None when
    encrypted: then ``encrypted`` holds the ciphertext). ``auth_offset`` is the absolute offset
    of the authentication parameters' content within the datagram."""

    msg_id: int
    max_size: int
    flags: int
    security_model: int
    usm: UsmParameters
    auth_offset: int
    scoped_pdu: bytes | None
    encrypted: bytes | None


@dataclass(slots=True)
class ScopedPdu:
    context_engine_id: bytes
    context_name: bytes
    pdu: Pdu | TrapV1Pdu


def encode_scoped_pdu(context_engine_id: bytes, context_name: bytes, pdu_bytes: bytes) -> bytes:
    return tlv(SEQUENCE, tlv(0x04, context_engine_id) + tlv(0x04, context_name) + pdu_bytes)


def decode_scoped_pdu(data: bytes, *, lenient_tail: bool = False, lazy: bool = False) -> ScopedPdu:
    """Decode a ScopedPDU. ``lenient_tail`` ignores bytes after it (the padding a block
    cipher such as DES leaves after decryption)."""
    end = len(data)
    start, stop = expect(data, 0, end, SEQUENCE, "ScopedPDU")
    if stop != end and not lenient_tail:
        raise BerError(f"{end - stop} bytes after the ScopedPDU")
    engine, p = read_octets(data, start, stop, "contextEngineID")
    name, p = read_octets(data, p, stop, "contextName")
    return ScopedPdu(engine, name, decode_pdu(data, p, stop, lazy=lazy))


def encode_v3(
    msg_id: int,
    max_size: int,
    flags: int,
    usm: UsmParameters,
    data: bytes,
    *,
    encrypted: bool,
) -> tuple[bytes, int]:
    """Frame a v3 message. ``data`` is the ScopedPDU bytes, or the ciphertext when
    ``encrypted``. ``usm.auth_params`` is written as given (zeros as the digest placeholder).
    Returns the datagram and the offset of the auth parameters' content in it."""
    header = tlv(
        SEQUENCE,
        encode_integer(msg_id)
        + encode_integer(max_size)
        + tlv(0x04, bytes((flags,)))
        + encode_integer(USM_SECURITY_MODEL),
    )
    before_auth = (
        tlv(0x04, usm.engine_id)
        + encode_integer(usm.engine_boots)
        + encode_integer(usm.engine_time)
        + tlv(0x04, usm.user)
    )
    auth = tlv(0x04, usm.auth_params)
    after_auth = tlv(0x04, usm.priv_params)
    sec_seq_content_len = len(before_auth) + len(auth) + len(after_auth)
    sec_seq_head = bytes((SEQUENCE,)) + encode_length(sec_seq_content_len)
    sec_len = len(sec_seq_head) + sec_seq_content_len
    sec_head = b"\x04" + encode_length(sec_len)
    body_data = tlv(0x04, data) if encrypted else data
    version = b"\x02\x01\x03"
    body_len = len(version) + len(header) + len(sec_head) + sec_len + len(body_data)
    head = bytes((SEQUENCE,)) + encode_length(body_len) + version + header + sec_head + sec_seq_head
    auth_offset = len(head) + len(before_auth) + (len(auth) - len(usm.auth_params))
    message = b"".join((head, before_auth, auth, after_auth, body_data))
    return message, auth_offset


def decode_v3(data: bytes) -> V3Message:
    """Decode the frame of a v3 message (strict); the ScopedPDU stays bytes."""
    end = len(data)
    start, stop = expect(data, 0, end, SEQUENCE, "message")
    if stop != end:
        raise BerError(f"{end - stop} bytes after the message")
    version, p = read_integer(data, start, stop, "msgVersion")
    if version != V3:
        raise BerError(f"not a v3 message (version {version})")
    gstart, gstop = expect(data, p, stop, SEQUENCE, "msgGlobalData")
    msg_id, q = read_integer(data, gstart, gstop, "msgID")
    max_size, q = read_integer(data, q, gstop, "msgMaxSize")
    flags_raw, q = read_octets(data, q, gstop, "msgFlags")
    model, q = read_integer(data, q, gstop, "msgSecurityModel")
    if q != gstop:
        raise BerError("bytes after msgSecurityModel")
    if len(flags_raw) != 1:
        raise BerError(f"msgFlags of {len(flags_raw)} bytes")
    if msg_id < 0 or max_size < 484:
        raise BerError(f"invalid msgID {msg_id} or msgMaxSize {max_size}")
    sstart, sstop = expect(data, gstop, stop, 0x04, "msgSecurityParameters")
    if model != USM_SECURITY_MODEL:
        raise BerError(f"unsupported security model {model}")
    ustart, ustop = expect(data, sstart, sstop, SEQUENCE, "UsmSecurityParameters")
    if ustop != sstop:
        raise BerError("bytes after UsmSecurityParameters")
    engine_id, q = read_octets(data, ustart, ustop, "msgAuthoritativeEngineID")
    boots, q = read_integer(data, q, ustop, "msgAuthoritativeEngineBoots")
    etime, q = read_integer(data, q, ustop, "msgAuthoritativeEngineTime")
    user, q = read_octets(data, q, ustop, "msgUserName")
    astart, q = expect(data, q, ustop, 0x04, "msgAuthenticationParameters")
    auth_params = data[astart:q]
    priv, q = read_octets(data, q, ustop, "msgPrivacyParameters")
    if q != ustop:
        raise BerError("bytes after msgPrivacyParameters")
    if len(engine_id) > 32 or len(user) > 32 or boots < 0 or etime < 0:
        raise BerError("invalid USM parameters")
    tag, dstart, dstop = read_tlv(data, sstop, stop)
    if dstop != stop:
        raise BerError("bytes after msgData")
    usm = UsmParameters(engine_id, boots, etime, user, auth_params, priv)
    if tag == 0x04:
        return V3Message(
            msg_id, max_size, flags_raw[0], model, usm, astart, None, data[dstart:dstop]
        )
    if tag == SEQUENCE:
        return V3Message(msg_id, max_size, flags_raw[0], model, usm, astart, data[sstop:stop], None)
    raise BerError(f"msgData has tag {tag:#04x}")


__all__ = [
    "FLAG_AUTH",
    "FLAG_PRIV",
    "FLAG_REPORTABLE",
    "V1",
    "V2C",
    "V3",
    "CommunityMessage",
    "ErrorStatus",
    "Pdu",
    "PduType",
    "ScopedPdu",
    "TrapV1Pdu",
    "UsmParameters",
    "V3Message",
    "decode_community",
    "decode_integer",
    "decode_pdu",
    "decode_scoped_pdu",
    "decode_v3",
    "encode_community",
    "encode_message",
    "encode_pdu",
    "encode_request_pdu",
    "encode_scoped_pdu",
    "encode_v3",
    "error_name",
    "message_version",
    "peek_request_id",
]
