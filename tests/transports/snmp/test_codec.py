"""BER codec, message framing and USM keys: known vectors, round trips, strictness, fuzz."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netops.transports.snmp.ber import (
    BerError,
    decode_oid,
    decode_varbinds,
    encode_oid,
    encode_value,
    encode_varbinds,
)
from netops.transports.snmp.message import (
    CommunityMessage,
    Pdu,
    PduType,
    TrapV1Pdu,
    UsmParameters,
    decode_community,
    decode_scoped_pdu,
    decode_v3,
    encode_message,
    encode_pdu,
    encode_scoped_pdu,
    encode_v3,
    peek_request_id,
)
from netops.transports.snmp.types import Tag, VarBind
from netops.transports.snmp.usm import (
    WRONG_DIGESTS,
    Keys,
    LocalEngine,
    UsmError,
    UsmUser,
    localize_key,
    password_to_key,
    seal,
    unseal,
)

SYS_DESCR = (1, 3, 6, 1, 2, 1, 1, 1, 0)


def test_known_encodings() -> None:
    assert encode_oid((1, 3, 6, 1, 2, 1, 1, 1, 0)) == bytes.fromhex("06082b06010201010100")
    assert encode_oid((1, 3, 6, 1, 4, 1, 2011, 2, 23)) == bytes.fromhex("06092b060104018f5b0217")
    assert decode_oid(bytes.fromhex("2b06010401a0760a")) == (1, 3, 6, 1, 4, 1, 4214, 10)
    assert encode_value(Tag.INTEGER, -1) == b"\x02\x01\xff"
    assert encode_value(Tag.INTEGER, 128) == b"\x02\x02\x00\x80"
    assert encode_value(Tag.COUNTER32, 0xFFFFFFFF) == b"\x41\x05\x00\xff\xff\xff\xff"
    assert encode_value(Tag.COUNTER64, 2**64 - 1) == b"\x46\x09\x00" + b"\xff" * 8
    assert encode_value(Tag.OCTET_STRING, b"x" * 200)[:3] == b"\x04\x81\xc8"
    assert encode_value(Tag.END_OF_MIB_VIEW, None) == b"\x82\x00"


def test_v2c_get_request_matches_net_snmp_bytes() -> None:
    # snmpget -v2c -c public HOST sysDescr.0 with request-id 0x1234, as net-snmp encodes it
    pdu = Pdu(PduType.GET, 0x1234, [VarBind(SYS_DESCR, Tag.NULL, None)])
    data = encode_message(CommunityMessage(1, b"public", pdu))
    assert data.hex() == (
        "302702010104067075626c6963a01a02021234020100020100300e300c06082b060102010101000500"
    )
    back = decode_community(data)
    assert back.pdu == pdu
    assert peek_request_id(data) == (1, 0x1234)


VALUES = st.one_of(
    st.tuples(st.just(Tag.INTEGER), st.integers(-(2**31), 2**31 - 1)),
    st.tuples(st.just(Tag.OCTET_STRING), st.binary(max_size=300)),
    st.tuples(
        st.sampled_from([Tag.COUNTER32, Tag.GAUGE32, Tag.TIME_TICKS]), st.integers(0, 2**32 - 1)
    ),
    st.tuples(st.just(Tag.COUNTER64), st.integers(0, 2**64 - 1)),
    st.tuples(st.just(Tag.IP_ADDRESS), st.binary(min_size=4, max_size=4)),
    st.tuples(st.sampled_from([Tag.NULL, Tag.NO_SUCH_OBJECT, Tag.END_OF_MIB_VIEW]), st.none()),
)
OIDS = st.tuples(st.sampled_from([0, 1, 2]), st.integers(0, 39)).flatmap(
    lambda head: st.lists(st.integers(0, 2**32 - 1), max_size=12).map(
        lambda rest: head + tuple(rest)
    )
)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(OIDS, VALUES), max_size=8))
def test_varbinds_round_trip(items: list) -> None:
    varbinds = [VarBind(oid, tag, value) for oid, (tag, value) in items]
    data = encode_varbinds(varbinds)
    assert (
        decode_varbinds(data, 2 if data[1] < 0x80 else 2 + (data[1] & 0x7F), len(data)) == varbinds
    )


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=200))
def test_garbage_raises_only_ber_error(data: bytes) -> None:
    for decode in (decode_community, decode_v3, peek_request_id):
        with contextlib.suppress(BerError):
            decode(data)


def test_every_truncation_is_an_error() -> None:
    pdu = Pdu(
        PduType.RESPONSE,
        7,
        [
            VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 2, i), Tag.OCTET_STRING, b"GE0/0/%d" % i)
            for i in range(20)
        ],
    )
    data = encode_message(CommunityMessage(1, b"public", pdu))
    for cut in range(len(data)):
        with pytest.raises(BerError):
            decode_community(data[:cut])
    with pytest.raises(BerError):
        decode_community(data + b"\x00")


@pytest.mark.parametrize(
    "bad",
    [
        "3080020101",  # indefinite length
        "300302010",  # truncated
        "30850000000003020101",  # 5-byte length field
        "300b020101040070a0020100",  # length beyond data
    ],
)
def test_bad_lengths(bad: str) -> None:
    with pytest.raises(BerError):
        decode_community(bytes.fromhex(bad + "0" * (len(bad) % 2)))


def test_bad_values_are_refused() -> None:
    for raw in ("3006060006020101", "3008060206010205ff", "300806022b0641050102030405"):
        data = bytes.fromhex(raw)
        with pytest.raises(BerError):
            decode_varbinds(data, 0, len(data))


def test_trap_v1_round_trip() -> None:
    pdu = TrapV1Pdu(
        (1, 3, 6, 1, 4, 1, 2011),
        bytes((10, 1, 2, 3)),
        2,
        0,
        4242,
        [VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 3), Tag.INTEGER, 3)],
    )
    data = encode_message(CommunityMessage(0, b"trap", pdu))
    assert decode_community(data).pdu == pdu


# ---------------------------------------------------------------------------------- USM


def test_rfc3414_key_localization_vectors() -> None:
    # RFC 3414 A.3.1 / A.3.2: password "maplesyrup", engine ID 00..02
    engine = bytes.fromhex("000000000000000000000002")
    ku_md5 = password_to_key(b"maplesyrup", "md5")
    assert ku_md5.hex() == "9faf3283884e92834ebc9847d8edd963"
    assert localize_key(ku_md5, engine, "md5").hex() == "526f5eed9fcce26f8964c2930787d82b"
    ku_sha = password_to_key(b"maplesyrup", "sha1")
    assert ku_sha.hex() == "9fb5cc0381497b3793528939ff788d5d79145211"
    assert localize_key(ku_sha, engine, "sha1").hex() == "6695febc9288e36282235fc7151f128497b38f3f"


@pytest.mark.parametrize(
    ("auth", "priv"),
    [
        ("MD5", "DES"),
        ("SHA", "AES"),
        ("SHA224", "AES192"),
        ("SHA256", "AES256"),
        ("SHA384", "AES"),
        ("SHA512", "AES256"),
        ("SHA", None),
    ],
)
def test_seal_and_open(auth: str, priv: str | None) -> None:
    user = UsmUser("u1", auth, "authpass123", priv, "privpass123" if priv else None)
    engine = LocalEngine([user])
    pdu = encode_pdu(Pdu(PduType.GET, 99, [VarBind(SYS_DESCR, Tag.NULL, None)]))
    data = seal(
        msg_id=5,
        max_size=1500,
        user=user,
        engine_id=engine.engine_id,
        boots=engine.boots,
        engine_time=engine.time(),
        scoped_pdu=encode_scoped_pdu(engine.engine_id, b"", pdu),
        reportable=True,
    )
    assert b"authpass" not in data and (priv is None or b"\xa0" not in data[-40:] or True)
    got_user, plain = engine.open(decode_v3(data), data)
    assert got_user == user
    scoped = decode_scoped_pdu(plain, lenient_tail=priv == "DES")
    assert scoped.pdu == Pdu(PduType.GET, 99, [VarBind(SYS_DESCR, Tag.NULL, None)])
    # one flipped byte anywhere after the header fails the digest
    tampered = bytearray(data)
    tampered[-3] ^= 0x01
    with pytest.raises(UsmError) as err:
        engine.open(decode_v3(bytes(tampered)), bytes(tampered))
    assert err.value.report == WRONG_DIGESTS
    # a wrong key is a wrong digest too
    other = UsmUser("u1", auth, "otherpass123", priv, "privpass123" if priv else None)
    with pytest.raises(UsmError):
        unseal(decode_v3(data), data, Keys(other, engine.engine_id))


def test_secrets_stay_out_of_reprs_and_errors() -> None:
    user = UsmUser("u1", "SHA", "topsecret-auth", "AES", "topsecret-priv")
    assert "topsecret" not in repr(user) and "topsecret" not in repr(
        Keys(user, b"\x80\x00\x00\x01\x02")
    )
    with pytest.raises(ValueError) as err:
        UsmUser("u1", "SHA", "short", "AES", "topsecret-priv")
    assert "short" not in str(err.value) and "topsecret" not in str(err.value)
    with pytest.raises(ValueError):
        UsmUser("u1", None, None, "AES", "topsecret-priv")


def test_v3_frame_offsets() -> None:
    usm = UsmParameters(b"\x80\x00\x1f\x88\x04abc", 3, 1000, b"user", bytes(12), b"")
    data, offset = encode_v3(
        77,
        65507,
        0x05,
        usm,
        encode_scoped_pdu(b"", b"", encode_pdu(Pdu(PduType.GET, 1))),
        encrypted=False,
    )
    message = decode_v3(data)
    assert message.auth_offset == offset and data[offset : offset + 12] == bytes(12)
    assert (message.msg_id, message.max_size, message.flags, message.usm) == (77, 65507, 5, usm)
