"""The asyncio SNMP client the collectors use: GET and multi-column GETBULK walks, v2c and v3
(USM, engine discovery and time synchronisation), many devices multiplexed over one UDP
socket per address family.

- Requests are matched by request-id (v2c) or msgID (v3) *and* the address they were sent
  to; replies from anyone else are dropped. One socket with a large receive buffer (as root
  ``SO_RCVBUFFORCE`` lifts the ``rmem_max`` cap) drained in a loop on each wake-up, so no
  device can stall another and none is lost with hundreds of requests in flight.
- Every failure is a :class:`~netops.errors.TransportError` whose ``reason`` is one of
  ``timeout``, ``auth``, ``malformed``, ``partial``, ``unreachable``, ``error``; messages name
  the device and never a secret.
- ICMP errors (port/host unreachable) are read from the socket's error queue
  (``IP_RECVERR``) and fail the request they belong to at once.
"""

from __future__ import annotations

import asyncio
import errno
import ipaddress
import itertools
import logging
import os
import socket
import time
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import Any

from netops.errors import TransportError
from netops.transports.snmp.ber import (
    BerError,
    decode_columns,
    decode_varbinds,
    encode_oid,
    read_tlv,
)
from netops.transports.snmp.message import (
    FLAG_AUTH,
    V2C,
    V3,
    Pdu,
    PduType,
    decode_community,
    decode_scoped_pdu,
    decode_v3,
    encode_community,
    encode_request_pdu,
    encode_scoped_pdu,
    error_name,
    peek_request_id,
)
from netops.transports.snmp.types import OID, Cell, VarBind, format_oid
from netops.transports.snmp.usm import (
    NOT_IN_TIME_WINDOWS,
    REPORT_NAMES,
    UNKNOWN_ENGINE_IDS,
    RemoteEngine,
    UsmError,
    UsmUser,
    keys_for,
    seal,
    unseal,
)
from netops.transports.targets import SnmpTarget

log = logging.getLogger(__name__)

Address = tuple[Any, ...]
MAX_SIZE = 65507  # msgMaxSize we announce (largest UDP/IPv4 payload)
_SO_RCVBUFFORCE = getattr(socket, "SO_RCVBUFFORCE", 33)
_IP_RECVERR = getattr(socket, "IP_RECVERR", 11)
_IPV6_RECVERR = getattr(socket, "IPV6_RECVERR", 25)
_MSG_ERRQUEUE = getattr(socket, "MSG_ERRQUEUE", 0x2000)
_DRAIN = 512  # datagrams read per wake-up before yielding to other callbacks
_TIMEOUT = object()


class _Pending:
    __slots__ = ("addr", "future")

    def __init__(self, future: asyncio.Future[Any], addr: Address) -> None:
        self.future = future
        self.addr = addr


class SnmpClient:
    """One client per event loop; use as ``async with SnmpClient() as client``."""

    def __init__(
        self,
        *,
        receive_buffer: int = 16 << 20,
        backoff: float = 1.0,
        max_timeout: float | None = None,
    ) -> None:
        """``backoff``: each retry waits this many times longer than the try before;
        ``max_timeout``: when above a request's ``timeout``, the wait adapts to the agent's
        measured response time (RFC 6298: smoothed round trip + 4 x its variation), never
        below ``timeout`` nor above ``max_timeout`` (which also caps the backoff)."""
        self._receive_buffer = receive_buffer
        self.backoff = max(1.0, backoff)
        self.max_timeout = max_timeout
        self._rtt: dict[Address, tuple[float, float]] = {}  # address -> (srtt, rttvar)
        self._sockets: dict[int, socket.socket] = {}
        self._pending: dict[int, _Pending] = {}
        self._ids = itertools.count(int.from_bytes(os.urandom(2), "big") + 1)
        self._engines: dict[Address, RemoteEngine] = {}
        self._discovering: dict[Address, asyncio.Future[RemoteEngine]] = {}
        self._users: dict[SnmpTarget, UsmUser] = {}
        self._addresses: dict[tuple[str, int], tuple[int, Address]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self.dropped = 0  # datagrams that matched no request (late, duplicate, spoofed)

    # lifecycle ---------------------------------------------------------------------------
    async def __aenter__(self) -> SnmpClient:
        self._loop = asyncio.get_running_loop()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def close(self) -> None:
        for family, sock in list(self._sockets.items()):
            if self._loop is not None:
                self._loop.remove_reader(sock.fileno())
            sock.close()
            del self._sockets[family]
        for pending in list(self._pending.values()):
            if not pending.future.done():
                pending.future.set_exception(TransportError("error", "SNMP client closed"))
        self._pending.clear()

    @property
    def receive_buffer_size(self) -> int:
        """The kernel's receive buffer of the IPv4 socket (0 before the first request)."""
        sock = self._sockets.get(socket.AF_INET)
        return sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF) if sock else 0

    def _socket(self, family: int) -> socket.socket:
        sock = self._sockets.get(family)
        if sock is not None:
            return sock
        loop = self._loop or asyncio.get_running_loop()
        self._loop = loop
        sock = socket.socket(family, socket.SOCK_DGRAM)
        sock.setblocking(False)
        for option in (_SO_RCVBUFFORCE, socket.SO_RCVBUF):
            try:
                sock.setsockopt(socket.SOL_SOCKET, option, self._receive_buffer)
                break
            except OSError:
                continue
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
            if family == socket.AF_INET:
                sock.setsockopt(socket.IPPROTO_IP, _IP_RECVERR, 1)
            else:
                sock.setsockopt(socket.IPPROTO_IPV6, _IPV6_RECVERR, 1)
        except OSError:  # not Linux: ICMP errors then show up as timeouts
            pass
        sock.bind(("0.0.0.0", 0) if family == socket.AF_INET else ("::", 0))
        loop.add_reader(sock.fileno(), self._on_readable, sock)
        self._sockets[family] = sock
        return sock

    # receiving ---------------------------------------------------------------------------
    def _on_readable(self, sock: socket.socket) -> None:
        pending = self._pending
        for _ in range(_DRAIN):
            try:
                data, addr = sock.recvfrom(65536)
            except BlockingIOError:
                return
            except OSError:
                self._read_errors(sock)
                continue
            try:
                version, rid = peek_request_id(data)
            except BerError as exc:
                self._garbled(addr, exc)
                continue
            entry = pending.get(rid)
            if entry is None or entry.addr[:2] != addr[:2] or version not in (V2C, V3):
                self.dropped += 1
                continue
            if not entry.future.done():
                entry.future.set_result((data, rid))

    def _garbled(self, addr: Address, exc: BerError) -> None:
        """An undecodable datagram: fail every request waiting on that address."""
        failed = False
        for entry in self._pending.values():
            if entry.addr[:2] == addr[:2] and not entry.future.done():
                entry.future.set_exception(
                    TransportError("malformed", f"undecodable reply from {addr[0]}: {exc}")
                )
                failed = True
        if not failed:
            self.dropped += 1

    def _read_errors(self, sock: socket.socket) -> None:
        """Drain the ICMP error queue: each error carries our original datagram."""
        while True:
            try:
                data, _, _, _ = sock.recvmsg(65536, 1024, _MSG_ERRQUEUE)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            try:
                _, rid = peek_request_id(data)
            except BerError:
                continue
            entry = self._pending.get(rid)
            if entry is not None and not entry.future.done():
                entry.future.set_exception(
                    TransportError(
                        "unreachable", f"{entry.addr[0]}:{entry.addr[1]} unreachable (ICMP)"
                    )
                )

    # sending -----------------------------------------------------------------------------
    async def _resolve(self, target: SnmpTarget) -> tuple[int, Address]:
        key = (target.host, target.port)
        found = self._addresses.get(key)
        if found is not None:
            return found
        try:
            ip = ipaddress.ip_address(target.host)
            family = socket.AF_INET if ip.version == 4 else socket.AF_INET6
            addr: Address = (
                (str(ip), target.port) if ip.version == 4 else (str(ip), target.port, 0, 0)
            )
        except ValueError:
            loop = asyncio.get_running_loop()
            try:
                infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_DGRAM)
            except OSError as exc:
                raise TransportError(
                    "unreachable", f"{target.device}: cannot resolve {target.host}: {exc.strerror}"
                ) from None
            family, addr = infos[0][0], infos[0][4]
        self._addresses[key] = (family, addr)
        return family, addr

    def _next_id(self) -> int:
        rid = next(self._ids)
        if rid >= 0x7FFFFFFF:
            self._ids = itertools.count(1)
            rid = next(self._ids)
        return rid

    def wait_for(self, addr: Address, timeout: float) -> float:
        """How long the first try of a request to ``addr`` waits (see ``max_timeout``)."""
        cap = self.max_timeout
        rtt = self._rtt.get(addr)
        if cap is None or cap <= timeout or rtt is None:
            return timeout
        srtt, rttvar = rtt
        return min(cap, max(timeout, srtt + 4 * rttvar))

    def _sample(self, addr: Address, rtt: float) -> None:
        """Fold one round-trip time (of the try a reply answered: no ambiguity, each try has
        its own id) into the address's estimate (RFC 6298 section 2)."""
        old = self._rtt.get(addr)
        if old is None:
            self._rtt[addr] = (rtt, rtt / 2)
        else:
            srtt, rttvar = old
            self._rtt[addr] = (0.875 * srtt + 0.125 * rtt, 0.75 * rttvar + 0.25 * abs(srtt - rtt))

    async def _exchange(
        self,
        target: SnmpTarget,
        build: Callable[[int], bytes],
        timeout: float,
        retries: int,
    ) -> tuple[bytes, int]:
        """Send what ``build(id)`` makes until a reply with a matching id comes back; returns
        the reply and the id it answered. Each retry uses a new id and waits ``backoff``
        times longer; late replies to earlier tries still count."""
        family, addr = await self._resolve(target)
        sock = self._socket(family)
        loop = self._loop
        assert loop is not None
        ids: list[int] = []
        sent: dict[int, float] = {}
        pending = self._pending
        wait = self.wait_for(addr, timeout)
        cap = max(wait, self.max_timeout or 0.0)
        waited = 0.0
        try:
            for attempt in range(retries + 1):
                future: asyncio.Future[Any] = loop.create_future()
                rid = self._next_id()
                ids.append(rid)
                entry = _Pending(future, addr)
                for i in ids:
                    pending[i] = entry
                data = build(rid)
                sent[rid] = loop.time()
                try:
                    sock.sendto(data, addr)
                except BlockingIOError:
                    await loop.sock_sendto(sock, data, addr)
                except OSError as exc:
                    reason = "unreachable" if exc.errno in _UNREACHABLE else "error"
                    raise TransportError(
                        reason, f"{target.device}: cannot send to {target.host}: {exc.strerror}"
                    ) from None
                if attempt:
                    wait = min(cap, wait * self.backoff)
                waited += wait
                timer = loop.call_later(wait, _expire, future)
                try:
                    result = await future
                finally:
                    timer.cancel()
                if result is not _TIMEOUT:
                    reply, answered = result
                    self._sample(addr, loop.time() - sent[answered])
                    return reply, answered
        finally:
            for i in ids:
                pending.pop(i, None)
        raise TransportError(
            "timeout",
            f"{target.device}: no answer from {target.host}:{target.port} "
            f"after {retries + 1} tries in {waited:g}s",
        )

    # the PDU exchange --------------------------------------------------------------------
    async def _request(
        self,
        target: SnmpTarget,
        pdu_type: int,
        oids: Sequence[OID],
        a: int,
        b: int,
        timeout: float,
        retries: int,
        lazy: bool = False,
    ) -> Pdu:
        """One request/response; ``lazy`` leaves the response's varbinds undecoded."""
        if target.version == "3":
            return await self._request_v3(target, pdu_type, oids, a, b, timeout, retries, lazy)
        if target.community is None:
            raise TransportError("auth", f"{target.device}: SNMPv2c target without a community")
        community = target.community.encode()
        oid_list = list(oids)

        def build(rid: int) -> bytes:
            return encode_community(
                V2C, community, encode_request_pdu(pdu_type, rid, oid_list, a, b)
            )

        data, _ = await self._exchange(target, build, timeout, retries)
        try:
            message = decode_community(data, lazy=lazy)
        except BerError as exc:
            raise TransportError("malformed", f"{target.device}: {exc}") from None
        pdu = message.pdu
        if not isinstance(pdu, Pdu) or pdu.type != PduType.RESPONSE:
            raise TransportError("malformed", f"{target.device}: reply is not a Response PDU")
        return pdu

    def _user(self, target: SnmpTarget) -> UsmUser:
        user = self._users.get(target)
        if user is None:
            try:
                user = UsmUser(
                    target.user or "",
                    target.auth_protocol,
                    target.auth_key,
                    target.priv_protocol,
                    target.priv_key,
                )
            except ValueError as exc:
                raise TransportError("auth", f"{target.device}: {exc}") from None
            self._users[target] = user
        return user

    async def _engine(
        self, target: SnmpTarget, timeout: float, retries: int, *, refresh: bool = False
    ) -> RemoteEngine:
        """The agent's engine (RFC 3414 §4 discovery), cached per address; one discovery at a
        time per address."""
        _, addr = await self._resolve(target)
        if not refresh and addr in self._engines:
            return self._engines[addr]
        running = self._discovering.get(addr)
        if running is not None:
            return await asyncio.shield(running)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[RemoteEngine] = loop.create_future()
        self._discovering[addr] = future
        try:
            engine = await self._discover(target, timeout, retries)
            self._engines[addr] = engine
            future.set_result(engine)
            return engine
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: waiters re-raise it
            raise
        finally:
            del self._discovering[addr]

    async def _discover(self, target: SnmpTarget, timeout: float, retries: int) -> RemoteEngine:
        def build(rid: int) -> bytes:
            scoped = encode_scoped_pdu(b"", b"", encode_request_pdu(PduType.GET, rid, []))
            return seal(
                msg_id=rid,
                max_size=MAX_SIZE,
                user=None,
                engine_id=b"",
                boots=0,
                engine_time=0,
                scoped_pdu=scoped,
                reportable=True,
            )

        data, _ = await self._exchange(target, build, timeout, retries)
        try:
            message = decode_v3(data)
        except BerError as exc:
            raise TransportError("malformed", f"{target.device}: {exc}") from None
        usm = message.usm
        if not usm.engine_id:
            raise TransportError("malformed", f"{target.device}: discovery reply without engine ID")
        return RemoteEngine(usm.engine_id, usm.engine_boots, usm.engine_time)

    async def _request_v3(
        self,
        target: SnmpTarget,
        pdu_type: int,
        oids: Sequence[OID],
        a: int,
        b: int,
        timeout: float,
        retries: int,
        lazy: bool = False,
    ) -> Pdu:
        user = self._user(target)
        oid_list = list(oids)
        engine = await self._engine(target, timeout, retries)
        resynced = rediscovered = False
        while True:
            keys = keys_for(user, engine.engine_id)
            eng = engine

            def build(rid: int, eng: RemoteEngine = eng) -> bytes:
                scoped = encode_scoped_pdu(
                    eng.engine_id, b"", encode_request_pdu(pdu_type, rid, oid_list, a, b)
                )
                return seal(
                    msg_id=rid,
                    max_size=MAX_SIZE,
                    user=user,
                    engine_id=eng.engine_id,
                    boots=eng.boots,
                    engine_time=eng.now(),
                    scoped_pdu=scoped,
                    reportable=True,
                )

            data, _ = await self._exchange(target, build, timeout, retries)
            try:
                message = decode_v3(data)
            except BerError as exc:
                raise TransportError("malformed", f"{target.device}: {exc}") from None
            usm = message.usm
            authentic = bool(message.flags & FLAG_AUTH)
            if usm.engine_id != engine.engine_id:
                if not authentic and not rediscovered:
                    # the agent's engine ID changed (Report unknownEngineID): discover again
                    rediscovered = True
                    engine = await self._engine(target, timeout, retries, refresh=True)
                    continue
                raise TransportError(
                    "auth",
                    f"{target.device}: reply from engine {usm.engine_id.hex()}, "
                    f"expected {engine.engine_id.hex()}",
                )
            try:
                plain = unseal(message, data, keys if authentic else None)
                scoped = decode_scoped_pdu(plain, lenient_tail=keys.priv == "des", lazy=lazy)
            except UsmError as exc:
                raise TransportError("auth", f"{target.device}: {exc}") from None
            except BerError as exc:
                if message.flags & 0x02:
                    raise TransportError(
                        "auth", f"{target.device}: reply does not decrypt (wrong privacy key?)"
                    ) from None
                raise TransportError("malformed", f"{target.device}: {exc}") from None
            pdu = scoped.pdu
            if not isinstance(pdu, Pdu):
                raise TransportError("malformed", f"{target.device}: unexpected SNMPv1 trap")
            if pdu.type == PduType.REPORT:
                if pdu.body is not None:  # decoded lazily: a report is read here
                    try:
                        pdu.varbinds = decode_varbinds(*pdu.body)
                    except BerError as exc:
                        raise TransportError("malformed", f"{target.device}: {exc}") from None
                report = pdu.varbinds[0].oid if pdu.varbinds else ()
                if report == NOT_IN_TIME_WINDOWS and authentic and not resynced:
                    resynced = True
                    engine.boots, engine.engine_time = usm.engine_boots, usm.engine_time
                    engine.synced_at = time.monotonic()
                    continue
                if report == UNKNOWN_ENGINE_IDS and not rediscovered:
                    rediscovered = True
                    engine = await self._engine(target, timeout, retries, refresh=True)
                    continue
                name = REPORT_NAMES.get(report, format_oid(report) if report else "empty report")
                reason = "auth" if report in REPORT_NAMES else "error"
                raise TransportError(reason, f"{target.device}: agent reports {name}")
            if pdu.type != PduType.RESPONSE:
                raise TransportError("malformed", f"{target.device}: reply is not a Response PDU")
            if not message.flags & FLAG_AUTH and user.flags:
                raise TransportError("auth", f"{target.device}: unauthenticated reply refused")
            engine.update(usm.engine_boots, usm.engine_time)
            return pdu

    # public API --------------------------------------------------------------------------
    async def get(
        self,
        target: SnmpTarget,
        oids: Sequence[OID],
        *,
        timeout: float = 2.0,
        retries: int = 1,
    ) -> list[VarBind]:
        """GET ``oids``; missing ones come back with tag noSuchObject/noSuchInstance."""
        pdu = await self._request(target, PduType.GET, oids, 0, 0, timeout, retries)
        if pdu.error_status:
            raise TransportError("error", _error_text(target, pdu, oids))
        if len(pdu.varbinds) != len(oids):
            raise TransportError(
                "malformed",
                f"{target.device}: {len(pdu.varbinds)} varbinds in reply to {len(oids)}",
            )
        return pdu.varbinds

    async def walk(
        self,
        target: SnmpTarget,
        columns: Sequence[OID],
        *,
        max_repetitions: int = 25,
        timeout: float = 2.0,
        retries: int = 1,
    ) -> dict[OID, list[VarBind]]:
        """Walk several columns (or subtrees) at once with GETBULK. Each column's list holds,
        in order, the varbinds strictly under it (see :meth:`walk_rows`)."""
        rows = await self.walk_rows(
            target, columns, max_repetitions=max_repetitions, timeout=timeout, retries=retries
        )
        return {
            col: [VarBind(col + suffix, cell.tag, cell.value) for suffix, cell in got.items()]
            for col, got in rows.items()
        }

    async def walk_rows(
        self,
        target: SnmpTarget,
        columns: Sequence[OID],
        *,
        max_repetitions: int = 25,
        timeout: float = 2.0,
        retries: int = 1,
    ) -> dict[OID, dict[OID, Cell]]:
        """Walk several columns (or subtrees) at once with GETBULK: per column, its rows in
        order as ``{index suffix: Cell}`` (the arcs after the column's OID). A column that
        ends drops out of the next request; a non-increasing OID ends its column (an agent
        bug; prevents loops). The answers are decoded straight into the rows
        (:func:`~netops.transports.snmp.ber.decode_columns`): no full OID is built."""
        wanted = list(dict.fromkeys(tuple(c) for c in columns))
        result: dict[OID, dict[OID, Cell]] = {c: {} for c in wanted}
        prefixes = {c: _oid_prefix(c) for c in wanted}
        last: dict[OID, OID] = {c: () for c in wanted}
        active = wanted
        requests = varbinds = 0
        while active:
            try:
                pdu = await self._request(
                    target,
                    PduType.GET_BULK,
                    [c + last[c] for c in active],
                    0,
                    max_repetitions,
                    timeout,
                    retries,
                    lazy=True,
                )
            except TransportError as exc:
                if exc.reason == "timeout" and requests:
                    raise TransportError(
                        "partial",
                        f"{target.device}: agent stopped answering mid-walk after {requests} "
                        f"requests and {varbinds} varbinds "
                        f"({len(result) - len(active)} of {len(result)} columns complete)",
                    ) from None
                raise
            requests += 1
            if pdu.error_status:
                raise TransportError(
                    "error", _error_text(target, pdu, [c + last[c] for c in active])
                )
            assert pdu.body is not None
            data, start, stop = pdu.body
            done = [False] * len(active)
            lasts = [last[c] for c in active]
            try:
                count = decode_columns(
                    data,
                    start,
                    stop,
                    [prefixes[c] for c in active],
                    [result[c] for c in active],
                    lasts,
                    done,
                )
            except BerError as exc:
                raise TransportError("malformed", f"{target.device}: {exc}") from None
            if not count:
                raise TransportError("malformed", f"{target.device}: empty GETBULK response")
            varbinds += count
            for k, col in enumerate(active):
                last[col] = lasts[k]
            active = [c for k, c in enumerate(active) if not done[k]]
        return result


def _oid_prefix(oid: OID) -> bytes:
    """The content bytes of ``oid``'s encoding (what every OID under it starts with)."""
    encoded = encode_oid(oid)
    _, start, _ = read_tlv(encoded, 0, len(encoded))
    return encoded[start:]


_UNREACHABLE = {errno.ECONNREFUSED, errno.EHOSTUNREACH, errno.ENETUNREACH, errno.EHOSTDOWN}


def _expire(future: asyncio.Future[Any]) -> None:
    if not future.done():
        future.set_result(_TIMEOUT)


def _error_text(target: SnmpTarget, pdu: Pdu, oids: Sequence[OID]) -> str:
    where = ""
    if 0 < pdu.error_index <= len(oids):
        where = f" at {format_oid(oids[pdu.error_index - 1])}"
    return f"{target.device}: agent answered {error_name(pdu.error_status)}{where}"
