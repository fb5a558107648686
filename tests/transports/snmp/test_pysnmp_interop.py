"""Interoperability with pysnmp (the reference implementation): messages pysnmp encodes decode
with our codec and ours decode with pysnmp; pysnmp's v2c and v3 managers walk our agent."""

from __future__ import annotations

import asyncio

import pytest
from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api, rfc1902

from netops.transports.snmp.message import (
    CommunityMessage,
    Pdu,
    PduType,
    decode_community,
    encode_message,
)
from netops.transports.snmp.types import Tag, VarBind
from tests.transports.snmp.conftest import AUTH, COMMUNITY, PRIV, AgentHandle, served_rows

P = api.v2c
IF_DESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)


def test_pysnmp_encoded_response_decodes() -> None:
    pdu = P.ResponsePDU()
    P.apiPDU.set_defaults(pdu)
    P.apiPDU.set_request_id(pdu, 31337)
    P.apiPDU.set_varbinds(
        pdu,
        [
            ((1, 3, 6, 1, 2, 1, 1, 1, 0), P.OctetString(b"VRP \xe4\xb8\x8a")),
            ((1, 3, 6, 1, 2, 1, 1, 2, 0), P.ObjectIdentifier((1, 3, 6, 1, 4, 1, 2011, 2, 23, 300))),
            ((1, 3, 6, 1, 2, 1, 1, 3, 0), P.TimeTicks(4294967295)),
            ((1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1), P.Counter32(4294967295)),
            ((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1), P.Counter64(2**64 - 1)),
            ((1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1), P.IpAddress("10.0.0.1")),
            ((1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 1), P.Integer(-2147483648)),
            ((1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1), P.Gauge32(1000000000)),
        ],
    )
    msg = P.Message()
    P.apiMessage.set_defaults(msg)
    P.apiMessage.set_community(msg, b"public")
    P.apiMessage.set_pdu(msg, pdu)
    ours = decode_community(encoder.encode(msg))
    assert ours.community == b"public" and ours.pdu.request_id == 31337
    assert ours.pdu.varbinds == [
        VarBind((1, 3, 6, 1, 2, 1, 1, 1, 0), Tag.OCTET_STRING, b"VRP \xe4\xb8\x8a"),
        VarBind(
            (1, 3, 6, 1, 2, 1, 1, 2, 0), Tag.OBJECT_IDENTIFIER, (1, 3, 6, 1, 4, 1, 2011, 2, 23, 300)
        ),
        VarBind((1, 3, 6, 1, 2, 1, 1, 3, 0), Tag.TIME_TICKS, 4294967295),
        VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1), Tag.COUNTER32, 4294967295),
        VarBind((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1), Tag.COUNTER64, 2**64 - 1),
        VarBind((1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1), Tag.IP_ADDRESS, bytes((10, 0, 0, 1))),
        VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 1), Tag.INTEGER, -2147483648),
        VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1), Tag.GAUGE32, 1000000000),
    ]


def test_our_bulk_request_decodes_with_pysnmp() -> None:
    ours = encode_message(
        CommunityMessage(
            1, b"c0mm", Pdu(PduType.GET_BULK, 4242, [VarBind(IF_DESCR, Tag.NULL, None)], 1, 25)
        )
    )
    msg, rest = decoder.decode(ours, asn1Spec=P.Message())
    assert rest == b""
    pdu = P.apiMessage.get_pdu(msg)
    assert isinstance(pdu, P.GetBulkRequestPDU)
    assert (P.apiBulkPDU.get_non_repeaters(pdu), P.apiBulkPDU.get_max_repetitions(pdu)) == (1, 25)
    assert P.apiPDU.get_request_id(pdu) == 4242
    assert [tuple(o) for o, _ in P.apiPDU.get_varbinds(pdu)] == [IF_DESCR]
    assert encoder.encode(msg) == ours  # byte-level identical re-encoding


async def _pysnmp_walk(port: int, host: str, auth: object) -> list[tuple]:
    from pysnmp.hlapi.v3arch.asyncio import (
        ContextData,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        bulk_walk_cmd,
        get_cmd,
    )

    engine = SnmpEngine()
    transport = await UdpTransportTarget.create((host, port), timeout=2, retries=0)
    rows = []
    async for error, status, _, varbinds in bulk_walk_cmd(
        engine,
        auth,
        transport,
        ContextData(),
        0,
        20,
        ObjectType(ObjectIdentity(IF_DESCR)),
        lexicographicMode=False,
    ):
        assert error is None and not status, (error, status)
        rows += [(tuple(o), bytes(v)) for o, v in varbinds]
    error, status, _, got = await get_cmd(
        engine,
        auth,
        transport,
        ContextData(),
        ObjectType(ObjectIdentity((1, 3, 6, 1, 2, 1, 1, 3, 0))),
    )
    assert error is None and not status and isinstance(got[0][1], rfc1902.TimeTicks)
    engine.close_dispatcher()
    return rows


@pytest.mark.parametrize("version", ["2c", "3"])
def test_pysnmp_manager_walks_our_agent(lab_agent: AgentHandle, version: str) -> None:
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        UsmUserData,
        usmAesCfb128Protocol,
        usmHMACSHAAuthProtocol,
    )

    auth = (
        CommunityData(COMMUNITY, mpModel=1)
        if version == "2c"
        else UsmUserData(
            "usha",
            AUTH,
            PRIV,
            authProtocol=usmHMACSHAAuthProtocol,
            privProtocol=usmAesCfb128Protocol,
        )
    )
    rows = asyncio.run(_pysnmp_walk(lab_agent.port, "127.0.77.2", auth))
    assert rows == [(o, v) for o, _, v in served_rows(lab_agent.devices[1], IF_DESCR)]
