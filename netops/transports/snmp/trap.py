"""Decode incoming notifications: SNMPv1 Trap, SNMPv2-Trap and Inform (v2c and v3 USM) into
:class:`TrapMessage`, and answer Informs with a Response.

- v1 traps are translated as RFC 3584 §3.1 says (generic trap N -> snmpTraps.N+1, enterprise
  specific -> enterprise.0.specific).
- v3 traps: the sender is the authoritative engine, so each user's keys are localized to the
  sender's engine ID (cached) and replays older than the 150 s window of the latest message
  from that engine are refused.
- v3 informs: the receiver is authoritative (its :class:`~netops.transports.snmp.usm.LocalEngine`);
  discovery, wrong digests, unknown users get Report PDUs as RFC 3414 says.

:meth:`TrapDecoder.decode` returns ``(message, reply)``; a datagram that cannot be accepted
raises :class:`TrapError` whose ``reason`` is ``malformed`` or ``auth`` (never with a secret
in the message). :func:`listen` binds a UDP socket and calls back per accepted notification.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

from netops.errors import TransportError
from netops.transports.snmp.ber import BerError
from netops.transports.snmp.message import (
    FLAG_AUTH,
    FLAG_PRIV,
    FLAG_REPORTABLE,
    V1,
    V2C,
    V3,
    Pdu,
    PduType,
    TrapV1Pdu,
    decode_community,
    decode_scoped_pdu,
    decode_v3,
    encode_community,
    encode_pdu,
    encode_scoped_pdu,
    message_version,
)
from netops.transports.snmp.types import OID, Tag, VarBind
from netops.transports.snmp.usm import (
    DECRYPTION_ERRORS,
    TIME_WINDOW,
    LocalEngine,
    UsmError,
    UsmUser,
    keys_for,
    seal,
    unseal,
)

log = logging.getLogger(__name__)

SYS_UPTIME: OID = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SNMP_TRAP_OID: OID = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
SNMP_TRAPS: OID = (1, 3, 6, 1, 6, 3, 1, 1, 5)  # coldStart.1 ... egpNeighborLoss.6


class TrapError(TransportError):
    """A notification that cannot be accepted (garbled, or failing authentication)."""


@dataclass(frozen=True)
class TrapMessage:
    """One accepted notification. ``varbinds`` excludes sysUpTime.0 and snmpTrapOID.0."""

    source: tuple[str, int]
    version: Literal["1", "2c", "3"]
    kind: Literal["trap", "inform"]
    trap_oid: OID
    uptime: int | None
    varbinds: tuple[VarBind, ...]
    community: str | None = None
    user: str | None = None
    engine_id: bytes | None = None
    request_id: int = 0
    agent_address: str | None = None  # v1 agent-addr


class TrapDecoder:
    """Accept notifications for a set of communities (None: any) and USM users."""

    def __init__(
        self,
        *,
        communities: Iterable[str] | None = None,
        users: Sequence[UsmUser] = (),
        engine: LocalEngine | None = None,
    ) -> None:
        self.communities = None if communities is None else {c.encode() for c in communities}
        self.users = {u.name.encode(): u for u in users}
        self.engine = engine or LocalEngine(list(users))
        self._latest: dict[bytes, tuple[int, int]] = {}

    def decode(
        self, data: bytes, source: tuple[str, int]
    ) -> tuple[TrapMessage | None, bytes | None]:
        """``(message, reply)``: the notification (None for a v3 discovery/error exchange)
        and the datagram to send back to ``source`` (Response to an Inform, or a Report)."""
        try:
            version = message_version(data)
            if version in (V1, V2C):
                return self._community(data, source)
            if version == V3:
                return self._v3(data, source)
        except BerError as exc:
            raise TrapError("malformed", f"notification from {source[0]}: {exc}") from None
        raise TrapError("malformed", f"notification from {source[0]}: SNMP version {version}")

    # v1 / v2c --------------------------------------------------------------------------------
    def _community(
        self, data: bytes, source: tuple[str, int]
    ) -> tuple[TrapMessage | None, bytes | None]:
        message = decode_community(data)
        if self.communities is not None and message.community not in self.communities:
            raise TrapError("auth", f"notification from {source[0]}: unknown community")
        community = message.community.decode("utf-8", "replace")
        pdu = message.pdu
        if isinstance(pdu, TrapV1Pdu):
            return _from_v1(pdu, source, community), None
        if pdu.type not in (PduType.TRAP, PduType.INFORM):
            raise TrapError(
                "malformed", f"{source[0]} sent a {pdu.type.name} PDU, not a notification"
            )
        trap = _from_v2(pdu, source, "2c", community=community)
        reply = None
        if pdu.type == PduType.INFORM:
            reply = encode_community(V2C, message.community, _response(pdu))
        return trap, reply

    # v3 --------------------------------------------------------------------------------------
    def _v3(self, data: bytes, source: tuple[str, int]) -> tuple[TrapMessage | None, bytes | None]:
        message = decode_v3(data)
        usm = message.usm
        engine = self.engine
        if usm.engine_id in (b"", engine.engine_id):  # an Inform: we are authoritative
            try:
                user, plain = engine.open(message, data)
                if (message.flags & (FLAG_AUTH | FLAG_PRIV)) != user.flags:
                    raise UsmError((1, 3, 6, 1, 6, 3, 15, 1, 1, 1, 0), "security level mismatch")
                try:
                    scoped = decode_scoped_pdu(plain, lenient_tail=user.priv_protocol == "DES")
                except BerError:
                    if not message.flags & FLAG_PRIV:
                        raise
                    engine.count(DECRYPTION_ERRORS)
                    raise UsmError(DECRYPTION_ERRORS, "does not decrypt") from None
            except UsmError as exc:
                reply = None
                if message.flags & FLAG_REPORTABLE:
                    reply = self._report(message.msg_id, usm.user, exc)
                if usm.engine_id == b"":
                    return None, reply  # discovery
                raise TrapError("auth", f"inform from {source[0]}: {exc}") from None
            pdu = scoped.pdu
            if not isinstance(pdu, Pdu) or pdu.type != PduType.INFORM:
                raise TrapError("malformed", f"{source[0]}: not an Inform for this engine")
            trap = _from_v2(pdu, source, "3", user=user.name, engine_id=engine.engine_id)
            reply = seal(
                msg_id=message.msg_id,
                max_size=65507,
                user=user,
                engine_id=engine.engine_id,
                boots=engine.boots,
                engine_time=engine.time(),
                scoped_pdu=encode_scoped_pdu(
                    scoped.context_engine_id, scoped.context_name, _response(pdu)
                ),
                reportable=False,
            )
            return trap, reply
        # a trap: the sender is authoritative
        sender = self.users.get(usm.user)
        if sender is None:
            raise TrapError("auth", f"trap from {source[0]}: unknown user")
        user = sender
        if (message.flags & (FLAG_AUTH | FLAG_PRIV)) != user.flags:
            raise TrapError("auth", f"trap from {source[0]}: security level does not match user")
        keys = keys_for(user, usm.engine_id) if user.flags else None
        try:
            plain = unseal(message, data, keys)
        except UsmError as exc:
            raise TrapError("auth", f"trap from {source[0]}: {exc}") from None
        if user.flags & FLAG_AUTH:
            self._check_time(usm.engine_id, usm.engine_boots, usm.engine_time, source)
        try:
            scoped = decode_scoped_pdu(plain, lenient_tail=user.priv_protocol == "DES")
        except BerError:
            if user.flags & FLAG_PRIV:
                raise TrapError("auth", f"trap from {source[0]}: does not decrypt") from None
            raise
        pdu = scoped.pdu
        if not isinstance(pdu, Pdu) or pdu.type != PduType.TRAP:
            raise TrapError("malformed", f"{source[0]}: v3 message is not an SNMPv2-Trap")
        return _from_v2(pdu, source, "3", user=user.name, engine_id=usm.engine_id), None

    def _check_time(
        self, engine_id: bytes, boots: int, etime: int, source: tuple[str, int]
    ) -> None:
        latest = self._latest.get(engine_id)
        if latest is not None:
            lboots, ltime = latest
            if boots < lboots or (boots == lboots and etime < ltime - TIME_WINDOW):
                raise TrapError("auth", f"trap from {source[0]}: outside the time window (replay?)")
            if boots == lboots and etime < ltime:
                return
        self._latest[engine_id] = (boots, etime)

    def _report(self, msg_id: int, user_name: bytes, exc: UsmError) -> bytes:
        engine = self.engine
        pdu = Pdu(
            PduType.REPORT,
            0,
            [VarBind(exc.report, Tag.COUNTER32, engine.stats.get(exc.report, 0) & 0xFFFFFFFF)],
        )
        return seal(
            msg_id=msg_id,
            max_size=65507,
            user=None,
            engine_id=engine.engine_id,
            boots=engine.boots,
            engine_time=engine.time(),
            scoped_pdu=encode_scoped_pdu(engine.engine_id, b"", encode_pdu(pdu)),
            reportable=False,
        )


def _response(pdu: Pdu) -> bytes:
    return encode_pdu(Pdu(PduType.RESPONSE, pdu.request_id, pdu.varbinds))


def _from_v2(
    pdu: Pdu,
    source: tuple[str, int],
    version: Literal["2c", "3"],
    *,
    community: str | None = None,
    user: str | None = None,
    engine_id: bytes | None = None,
) -> TrapMessage:
    vbs = pdu.varbinds
    if len(vbs) < 2 or vbs[0].oid != SYS_UPTIME or vbs[1].oid != SNMP_TRAP_OID:
        raise TrapError(
            "malformed", f"notification from {source[0]}: sysUpTime.0, snmpTrapOID.0 not first"
        )
    trap_oid = vbs[1].value
    uptime = vbs[0].value
    if not isinstance(trap_oid, tuple) or not isinstance(uptime, int):
        raise TrapError("malformed", f"notification from {source[0]}: bad snmpTrapOID/sysUpTime")
    return TrapMessage(
        source=source,
        version=version,
        kind="inform" if pdu.type == PduType.INFORM else "trap",
        trap_oid=trap_oid,
        uptime=uptime,
        varbinds=tuple(vbs[2:]),
        community=community,
        user=user,
        engine_id=engine_id,
        request_id=pdu.request_id,
    )


def _from_v1(pdu: TrapV1Pdu, source: tuple[str, int], community: str) -> TrapMessage:
    if 0 <= pdu.generic_trap < 6:
        trap_oid: OID = (*SNMP_TRAPS, pdu.generic_trap + 1)
    else:
        trap_oid = (*pdu.enterprise, 0, pdu.specific_trap)
    return TrapMessage(
        source=source,
        version="1",
        kind="trap",
        trap_oid=trap_oid,
        uptime=pdu.timestamp,
        varbinds=tuple(pdu.varbinds),
        community=community,
        agent_address=".".join(str(b) for b in pdu.agent_address),
    )


class _Protocol(asyncio.DatagramProtocol):
    def __init__(
        self,
        decoder: TrapDecoder,
        on_message: Callable[[TrapMessage], object],
        on_error: Callable[[TrapError], object] | None,
    ) -> None:
        self.decoder = decoder
        self.on_message = on_message
        self.on_error = on_error
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = cast(asyncio.DatagramTransport, transport)

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:
        try:
            message, reply = self.decoder.decode(data, (addr[0], addr[1]))
        except TrapError as exc:
            log.debug("refused notification: %s", exc)
            if self.on_error is not None:
                self.on_error(exc)
            return
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)
        if message is not None:
            self.on_message(message)


async def listen(
    host: str,
    port: int,
    decoder: TrapDecoder,
    on_message: Callable[[TrapMessage], object],
    on_error: Callable[[TrapError], object] | None = None,
) -> asyncio.DatagramTransport:
    """Receive notifications on ``host:port`` (port 0: any; read it from the transport's
    ``get_extra_info("sockname")``). Close the returned transport to stop."""
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: _Protocol(decoder, on_message, on_error), local_addr=(host, port)
    )
    return transport
