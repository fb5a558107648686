"""A lean SNMP agent server for the lab: many simulated devices in one process.

- :class:`MibView`: a device's data, an ordered OID -> (tag, value or callable) view with every
  static varbind pre-encoded, so GET/GETNEXT/GETBULK cost a bisect and a ``b"".join``. The lab
  builds a new view when the data changes and assigns ``device.view`` (an atomic swap).
- :class:`SimDevice`: one device: its view, v2c communities, v3 USM users (this side is
  authoritative: engine ID, boots, time, Report PDUs), fault hooks (:class:`Faults`) and
  ``restart()``. ``device.handle(datagram)`` is pure protocol: bytes in, bytes (or None) out.
- :class:`Agent`: the sockets. Either one UDP socket per device address (``Agent()``), or one
  socket bound to ``0.0.0.0:port`` that dispatches on the destination address read with
  ``IP_PKTINFO`` and answers from that same address (``Agent(shared_port=port)``); in shared
  mode peers outside 127.0.0.0/8 are refused. ``agent.send_trap`` sends SNMPv2-Trap (v2c) and
  v3 traps from a device's address.
"""

from __future__ import annotations

import asyncio
import bisect
import ipaddress
import itertools
import logging
import os
import socket
import struct
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Any

from netops.transports.snmp.ber import (
    SEQUENCE,
    BerError,
    encode_integer,
    encode_length,
    encode_oid,
    encode_value,
    tlv,
)
from netops.transports.snmp.message import (
    FLAG_AUTH,
    FLAG_PRIV,
    FLAG_REPORTABLE,
    V2C,
    V3,
    ErrorStatus,
    Pdu,
    PduType,
    decode_community,
    decode_scoped_pdu,
    decode_v3,
    encode_community,
    encode_scoped_pdu,
    message_version,
)
from netops.transports.snmp.types import OID, Tag, Value
from netops.transports.snmp.usm import (
    NOT_IN_TIME_WINDOWS,
    UNKNOWN_USER_NAMES,
    LocalEngine,
    UsmError,
    UsmUser,
    new_engine_id,
    seal,
)

log = logging.getLogger(__name__)

SYS_UPTIME: OID = (1, 3, 6, 1, 2, 1, 1, 3, 0)
SNMP_TRAP_OID: OID = (1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0)
MAX_MESSAGE = 65507
MAX_BULK_VARBINDS = 4096  # cap on one GETBULK answer, whatever max-repetitions asks
_IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
_V3_OVERHEAD = 160  # headers + USM parameters + AES/DES padding, bytes (generous)
_DRAIN = 256


class _Uptime:
    """Marker value: the serving device's own sysUpTime (lets many devices share one view)."""

    def __repr__(self) -> str:
        return "UPTIME"


UPTIME: Any = _Uptime()
Provider = Value | Callable[[], Value]


# ---------------------------------------------------------------------------------- data


class MibView:
    """An immutable, ordered view of a device's OIDs, pre-encoded.

    ``entries``: ``{oid: (tag, value)}`` or an iterable of ``(oid, tag, value)``; a value may
    be a zero-argument callable evaluated at each request (counters), or :data:`UPTIME` for
    the serving device's uptime. A view holds no device state, so identical devices can share
    one (15,000 devices x 700 entries would not fit in memory otherwise)."""

    __slots__ = ("_dynamic", "_encoded", "_index", "_oids")

    def __init__(
        self,
        entries: Mapping[OID, tuple[int, Provider]] | Iterable[tuple[OID, int, Provider]],
    ) -> None:
        items = (
            [(oid, tv[0], tv[1]) for oid, tv in entries.items()]
            if isinstance(entries, Mapping)
            else list(entries)
        )
        items.sort(key=lambda item: item[0])
        self._oids: list[OID] = []
        self._encoded: list[bytes] = []
        self._dynamic: dict[int, tuple[bytes, int, Callable[[], Value]]] = {}
        for i, (oid, tag, value) in enumerate(items):
            oid = tuple(oid)
            if self._oids and self._oids[-1] == oid:
                raise ValueError(f"duplicate OID {'.'.join(map(str, oid))}")
            name = encode_oid(oid)
            self._oids.append(oid)
            if callable(value) or value is UPTIME:
                self._dynamic[i] = (name, tag, value)
                self._encoded.append(b"")
            else:
                self._encoded.append(tlv(SEQUENCE, name + encode_value(tag, value)))
        self._index = {oid: i for i, oid in enumerate(self._oids)}

    def __len__(self) -> int:
        return len(self._oids)

    def __contains__(self, oid: object) -> bool:
        return oid in self._index

    @property
    def oids(self) -> Sequence[OID]:
        return self._oids

    @property
    def encoded(self) -> Sequence[bytes]:
        """Pre-encoded varbinds (empty for dynamic entries)."""
        return self._encoded

    def varbind(self, i: int, device: SimDevice | None = None) -> bytes:
        """The encoded varbind of entry ``i`` (as served by ``device``)."""
        encoded = self._encoded[i]
        if encoded:
            return encoded
        name, tag, fn = self._dynamic[i]
        if fn is UPTIME:
            return tlv(SEQUENCE, name + encode_value(tag, device.uptime() if device else 0))
        return tlv(SEQUENCE, name + encode_value(tag, fn()))

    def value(self, oid: OID) -> tuple[int, Value] | None:
        """The current ``(tag, value)`` at ``oid`` (None when absent). Not the hot path."""
        from netops.transports.snmp.ber import decode_varbinds

        i = self._index.get(oid)
        if i is None:
            return None
        vb = decode_varbinds(self.varbind(i), 0, len(self.varbind(i)))[0]
        return vb.tag, vb.value

    def get(self, oid: OID, device: SimDevice | None = None) -> bytes:
        """GET: the varbind, or the noSuchObject/noSuchInstance exception."""
        i = self._index.get(oid)
        if i is not None:
            return self.varbind(i, device)
        parent = oid[:-1]
        j = bisect.bisect_left(self._oids, parent)
        exists = j < len(self._oids) and self._oids[j][: len(parent)] == parent and parent
        tag = Tag.NO_SUCH_INSTANCE if exists else Tag.NO_SUCH_OBJECT
        return tlv(SEQUENCE, encode_oid(oid) + bytes((tag, 0)))

    def next_index(self, oid: OID) -> int:
        """Index of the first entry strictly after ``oid`` (``len(self)`` at the end)."""
        return bisect.bisect_right(self._oids, oid)


def _error_response(pdu: Pdu, status: int, index: int = 0) -> bytes:
    """A Response PDU echoing the request's varbinds with an error status."""
    varbinds = b"".join(
        tlv(SEQUENCE, encode_oid(vb.oid) + encode_value(vb.tag, vb.value)) for vb in pdu.varbinds
    )
    header = encode_integer(pdu.request_id) + encode_integer(status) + encode_integer(index)
    return tlv(PduType.RESPONSE, header + tlv(SEQUENCE, varbinds))


def _end_of_view(oid: OID) -> bytes:
    return tlv(SEQUENCE, encode_oid(oid) + b"\x82\x00")


# ---------------------------------------------------------------------------------- devices


@dataclass
class Faults:
    """Fault hooks of one simulated device (the lab flips them at run time)."""

    drop: bool = False  # never answer: the poller sees a timeout
    garbage: bool = False  # answer a truncated datagram: "malformed"
    wrong_engine: bool = False  # v3: answer as another engine ID than the one accepted
    reject: bool = False  # refuse credentials: v3 Report unknownUserName; v2c silent drop
    answer_budget: int | None = None  # answer this many more requests, then go silent
    delay: float = 0.0  # seconds before each answer (a slow agent)

    @property
    def any(self) -> bool:
        return bool(
            self.drop
            or self.garbage
            or self.wrong_engine
            or self.reject
            or self.answer_budget is not None
            or self.delay
        )


class SimDevice:
    """One simulated SNMP device (command responder, authoritative USM engine)."""

    def __init__(
        self,
        name: str,
        view: MibView | None = None,
        *,
        community: str | Sequence[str] | None = None,
        users: Sequence[UsmUser] = (),
        engine_id: bytes | None = None,
        boots: int = 1,
        max_message_size: int = MAX_MESSAGE,
    ) -> None:
        self.name = name
        self.view = view if view is not None else MibView({})
        names = [community] if isinstance(community, str) else list(community or ())
        #: v2c communities accepted (several: e.g. the lab's own plus those in a device config)
        self.communities: set[bytes] = {c.encode() for c in names}
        self.community = names[0].encode() if names else None
        self.engine = LocalEngine(
            list(users), engine_id=engine_id or new_engine_id(name), boots=boots
        )
        self.faults = Faults()
        self.max_message_size = max_message_size
        self._started = time.monotonic()
        self._wrong_engine = new_engine_id(f"wrong-{name}")
        self.requests = 0  # requests answered (or dropped by a fault)
        self.bad_community = 0

    def uptime(self) -> int:
        """sysUpTime in hundredths of a second since start or the last restart."""
        return int((time.monotonic() - self._started) * 100) & 0xFFFFFFFF

    def restart(self) -> None:
        """Simulate a reboot: engine boots + 1, engine time and uptime back to 0."""
        self.engine.restart()
        self._started = time.monotonic()

    # protocol ------------------------------------------------------------------------------
    def handle(self, data: bytes) -> bytes | None:
        """Answer one request datagram (None: no answer). Never raises on bad input."""
        faults = self.faults
        if faults.any:
            if faults.drop:
                return None
            if faults.answer_budget is not None:
                if faults.answer_budget <= 0:
                    return None
                faults.answer_budget -= 1
        self.requests += 1
        try:
            version = message_version(data)
            if version == V2C:
                reply = self._handle_v2c(data)
            elif version == V3:
                reply = self._handle_v3(data)
            else:
                return None
        except BerError as exc:
            log.debug("%s: undecodable request: %s", self.name, exc)
            return None
        if reply is not None and faults.garbage:
            return reply[: len(reply) // 2]
        return reply

    def _handle_v2c(self, data: bytes) -> bytes | None:
        message = decode_community(data)
        if message.community not in self.communities or self.faults.reject:
            self.bad_community += 1
            return None
        pdu = message.pdu
        if not isinstance(pdu, Pdu):
            return None
        body = self._respond(pdu, self.max_message_size - 20 - len(message.community))
        if body is None:
            return None
        return encode_community(V2C, message.community, body)

    def _handle_v3(self, data: bytes) -> bytes | None:
        message = decode_v3(data)
        engine = self.engine
        engine_id = self._wrong_engine if self.faults.wrong_engine else engine.engine_id
        max_size = min(message.max_size, self.max_message_size)
        reportable = bool(message.flags & FLAG_REPORTABLE)
        try:
            if self.faults.reject:
                engine.count(UNKNOWN_USER_NAMES)
                raise UsmError(UNKNOWN_USER_NAMES, "rejected (fault)")
            user, plain = engine.open(message, data)
            scoped = decode_scoped_pdu(plain, lenient_tail=user.priv_protocol == "DES")
        except UsmError as exc:
            if not reportable:
                return None
            request_id = 0
            if message.scoped_pdu is not None:
                try:
                    pdu = decode_scoped_pdu(message.scoped_pdu).pdu
                    request_id = pdu.request_id if isinstance(pdu, Pdu) else 0
                except BerError:
                    pass
            secure_user = None
            if exc.report == NOT_IN_TIME_WINDOWS:
                secure_user = engine.users.get(message.usm.user)
            report = tlv(
                PduType.REPORT,
                encode_integer(request_id)
                + b"\x02\x01\x00\x02\x01\x00"
                + tlv(
                    SEQUENCE,
                    tlv(
                        SEQUENCE,
                        encode_oid(exc.report)
                        + encode_value(Tag.COUNTER32, engine.stats[exc.report] & 0xFFFFFFFF),
                    ),
                ),
            )
            return seal(
                msg_id=message.msg_id,
                max_size=MAX_MESSAGE,
                user=secure_user or (UsmUser(message.usm.user.decode("utf-8", "replace"))),
                engine_id=engine_id,
                boots=engine.boots,
                engine_time=engine.time(),
                scoped_pdu=encode_scoped_pdu(engine_id, b"", report),
                reportable=False,
                flags=FLAG_AUTH if secure_user is not None else 0,
            )
        pdu = scoped.pdu
        if not isinstance(pdu, Pdu):
            return None
        level = message.flags & (FLAG_AUTH | FLAG_PRIV)
        body: bytes | None
        if level != user.flags:  # below the user's level: net-snmp's VACM answers so
            body = _error_response(pdu, ErrorStatus.authorizationError)
        else:
            body = self._respond(pdu, max_size - _V3_OVERHEAD - len(message.usm.user))
        if body is None:
            return None
        return seal(
            msg_id=message.msg_id,
            max_size=MAX_MESSAGE,
            user=user,
            engine_id=engine_id,
            boots=engine.boots,
            engine_time=engine.time(),
            scoped_pdu=encode_scoped_pdu(engine_id, scoped.context_name, body),
            reportable=False,
            flags=level,
        )

    def _respond(self, pdu: Pdu, budget: int) -> bytes | None:
        """The encoded Response PDU to a request PDU (None for PDUs we do not answer)."""
        view = self.view
        kind = pdu.type
        oids = [vb.oid for vb in pdu.varbinds]
        status = index = 0
        if kind == PduType.GET:
            parts = [view.get(oid, self) for oid in oids]
        elif kind == PduType.GET_NEXT:
            parts = [self._next(view, oid) for oid in oids]
        elif kind == PduType.GET_BULK:
            parts = self._bulk(view, oids, pdu.non_repeaters, pdu.max_repetitions, budget)
        elif kind == PduType.SET:
            # a read-only agent: noAccess on the first varbind, varbinds echoed (RFC 3416 4.2.5)
            status, index = ErrorStatus.noAccess, 1 if oids else 0
            parts = [
                tlv(SEQUENCE, encode_oid(vb.oid) + encode_value(vb.tag, vb.value))
                for vb in pdu.varbinds
            ]
        else:
            return None
        body = b"".join(parts)
        if kind != PduType.GET_BULK and len(body) > budget:
            status, index, body = ErrorStatus.tooBig, 0, b""
        header = encode_integer(pdu.request_id) + encode_integer(status) + encode_integer(index)
        varbinds = b"\x30" + encode_length(len(body)) + body
        return tlv(PduType.RESPONSE, header + varbinds)

    def _next(self, view: MibView, oid: OID) -> bytes:
        i = view.next_index(oid)
        return view.varbind(i, self) if i < len(view) else _end_of_view(oid)

    def _bulk(
        self, view: MibView, oids: list[OID], non_repeaters: int, max_repetitions: int, budget: int
    ) -> list[bytes]:
        """RFC 3416 §4.2.3 GETBULK, truncated at a varbind boundary to fit ``budget``."""
        n = min(max(non_repeaters, 0), len(oids))
        repeaters = oids[n:]
        parts = [self._next(view, oid) for oid in oids[:n]]
        size = sum(map(len, parts))
        if not repeaters or max_repetitions <= 0:
            return parts
        reps = min(max_repetitions, max(1, (MAX_BULK_VARBINDS - n) // len(repeaters)))
        count = len(view)
        cursors = [view.next_index(oid) for oid in repeaters]
        starts = list(cursors)
        ends: list[bytes | None] = [None] * len(repeaters)
        encoded = view.encoded
        names = view.oids
        append = parts.append
        for _ in range(reps):
            alive = False
            for k, i in enumerate(cursors):
                if i < count:
                    vb = encoded[i] or view.varbind(i, self)
                    cursors[k] = i + 1
                    alive = True
                else:
                    end = ends[k]
                    if end is None:
                        end = ends[k] = _end_of_view(
                            names[i - 1] if i > starts[k] else repeaters[k]
                        )
                    vb = end
                size += len(vb)
                if size > budget:
                    return parts
                append(vb)
            if not alive:
                break
        return parts


# ---------------------------------------------------------------------------------- server


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


class Agent:
    """Serve :class:`SimDevice` objects over UDP, from one process and one event loop."""

    def __init__(self, *, shared_port: int | None = None, receive_buffer: int = 8 << 20) -> None:
        self.shared_port = shared_port
        self._receive_buffer = receive_buffer
        self._devices: dict[tuple[str, int], SimDevice] = {}
        self._sockets: dict[tuple[str, int], socket.socket] = {}
        self._shared: socket.socket | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._trap_ids = itertools.count(int.from_bytes(os.urandom(2), "big") + 1)
        self.refused = 0  # datagrams from non-loopback peers (shared mode)

    # lifecycle -------------------------------------------------------------------------------
    async def __aenter__(self) -> Agent:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        if self.shared_port is not None and self._shared is None:
            sock = self._new_socket()
            sock.setsockopt(socket.IPPROTO_IP, _IP_PKTINFO, 1)
            sock.bind(("0.0.0.0", self.shared_port))
            self.shared_port = sock.getsockname()[1]
            self._loop.add_reader(sock.fileno(), self._on_shared, sock)
            self._shared = sock
        for address in self._devices:
            if self.shared_port is None and address not in self._sockets:
                self._bind(address)

    async def stop(self) -> None:
        loop = self._loop
        for sock in [*self._sockets.values(), *([self._shared] if self._shared else [])]:
            if loop is not None:
                loop.remove_reader(sock.fileno())
            sock.close()
        self._sockets.clear()
        self._shared = None

    # devices ---------------------------------------------------------------------------------
    def add(self, device: SimDevice, host: str, port: int | None = None) -> tuple[str, int]:
        """Serve ``device`` at ``host:port`` (shared mode: ``port`` must be the shared port or
        None). Returns the address (with the real port when 0 was asked)."""
        if self.shared_port is not None:
            if port not in (None, self.shared_port):
                raise ValueError(f"shared-port agent serves only port {self.shared_port}")
            if not _is_loopback(host):
                raise ValueError(f"shared-port agent serves loopback addresses only, not {host}")
            address = (host, self.shared_port)
        else:
            address = (host, port or 0)
        if self._loop is not None and self.shared_port is None:
            address = self._bind(address)
        if address in self._devices:
            raise ValueError(f"{address[0]}:{address[1]} is already served")
        self._devices[address] = device
        return address

    def remove(self, host: str, port: int) -> None:
        self._devices.pop((host, port), None)
        sock = self._sockets.pop((host, port), None)
        if sock is not None:
            if self._loop is not None:
                self._loop.remove_reader(sock.fileno())
            sock.close()

    @property
    def devices(self) -> Mapping[tuple[str, int], SimDevice]:
        return self._devices

    def _new_socket(self) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setblocking(False)
        for option in (getattr(socket, "SO_RCVBUFFORCE", 33), socket.SO_RCVBUF):
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, self._receive_buffer)
                break
            except OSError:
                continue
        return sock

    def _bind(self, address: tuple[str, int]) -> tuple[str, int]:
        sock = self._new_socket()
        sock.bind(address)
        real = (address[0], sock.getsockname()[1])
        if address != real and address in self._devices:
            self._devices[real] = self._devices.pop(address)
        self._sockets[real] = sock
        assert self._loop is not None
        self._loop.add_reader(sock.fileno(), self._on_socket, sock, real)
        return real

    # I/O -------------------------------------------------------------------------------------
    def _on_socket(self, sock: socket.socket, address: tuple[str, int]) -> None:
        device = self._devices.get(address)
        for _ in range(_DRAIN):
            try:
                data, peer = sock.recvfrom(65536)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            if device is None:
                continue
            reply = device.handle(data)
            if reply is not None:
                self._reply(device, sock, reply, peer, None)

    def _on_shared(self, sock: socket.socket) -> None:
        port = self.shared_port
        devices = self._devices
        for _ in range(_DRAIN):
            try:
                data, ancillary, _, peer = sock.recvmsg(65536, 64)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                continue
            if not peer[0].startswith("127."):
                self.refused += 1
                continue
            local = None
            for level, kind, value in ancillary:
                if level == socket.IPPROTO_IP and kind == _IP_PKTINFO:
                    local = value[8:12]
            if local is None:
                continue
            host = socket.inet_ntoa(local)
            device = devices.get((host, port))  # type: ignore[arg-type]
            if device is None:
                continue
            reply = device.handle(data)
            if reply is not None:
                info = struct.pack("=i4s4s", 0, local, b"\0\0\0\0")
                self._reply(device, sock, reply, peer, info)

    def _reply(
        self,
        device: SimDevice,
        sock: socket.socket,
        reply: bytes,
        peer: tuple[str, int],
        pktinfo: bytes | None,
    ) -> None:
        delay = device.faults.delay
        if delay and self._loop is not None:
            self._loop.call_later(delay, _send_quietly, sock, reply, peer, pktinfo)
        else:
            _send_quietly(sock, reply, peer, pktinfo)

    # traps -----------------------------------------------------------------------------------
    def send_trap(
        self,
        device: SimDevice,
        receiver: tuple[str, int],
        trap_oid: OID,
        varbinds: Sequence[tuple[OID, int, Value]] = (),
        *,
        community: str | None = None,
        user: UsmUser | None = None,
    ) -> None:
        """Send an SNMPv2-Trap from the device's address: v2c with ``community`` or v3 with
        ``user`` (this device's engine is the authoritative one for traps)."""
        address = next((a for a, d in self._devices.items() if d is device), None)
        if address is None:
            raise ValueError(f"{device.name} is not served by this agent")
        data = trap_datagram(
            device,
            trap_oid,
            varbinds,
            community=community,
            user=user,
            request_id=next(self._trap_ids) & 0x7FFFFFFF,
        )
        if self._shared is not None:
            info = struct.pack("=i4s4s", 0, socket.inet_aton(address[0]), b"\0\0\0\0")
            self._shared.sendmsg([data], [(socket.IPPROTO_IP, _IP_PKTINFO, info)], 0, receiver)
        else:
            self._sockets[address].sendto(data, receiver)


def trap_datagram(
    device: SimDevice,
    trap_oid: OID,
    varbinds: Sequence[tuple[OID, int, Value]] = (),
    *,
    community: str | None = None,
    user: UsmUser | None = None,
    request_id: int = 1,
) -> bytes:
    """Encode an SNMPv2-Trap of ``device`` (sysUpTime.0 and snmpTrapOID.0 first)."""
    body = (
        tlv(SEQUENCE, encode_oid(SYS_UPTIME) + encode_value(Tag.TIME_TICKS, device.uptime()))
        + tlv(SEQUENCE, encode_oid(SNMP_TRAP_OID) + encode_value(Tag.OBJECT_IDENTIFIER, trap_oid))
        + b"".join(tlv(SEQUENCE, encode_oid(o) + encode_value(t, v)) for o, t, v in varbinds)
    )
    pdu = tlv(
        PduType.TRAP, encode_integer(request_id) + b"\x02\x01\x00\x02\x01\x00" + tlv(SEQUENCE, body)
    )
    if user is None:
        if community is None:
            raise ValueError("a trap needs a community (v2c) or a user (v3)")
        return encode_community(V2C, community.encode(), pdu)
    engine = device.engine
    return seal(
        msg_id=request_id,
        max_size=MAX_MESSAGE,
        user=user,
        engine_id=engine.engine_id,
        boots=engine.boots,
        engine_time=engine.time(),
        scoped_pdu=encode_scoped_pdu(engine.engine_id, b"", pdu),
        reportable=False,
    )


def _send_quietly(
    sock: socket.socket, data: bytes, peer: tuple[str, int], pktinfo: bytes | None
) -> None:
    try:
        if pktinfo is None:
            sock.sendto(data, peer)
        else:
            sock.sendmsg([data], [(socket.IPPROTO_IP, _IP_PKTINFO, pktinfo)], 0, peer)
    except OSError as exc:  # peer gone, buffer full: a lost answer, as on a real network
        log.debug("agent send failed: %s", exc)
