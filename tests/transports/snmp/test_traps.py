"""Notifications from net-snmp's snmptrap/snmpinform and from our agent reach the decoder."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Iterator

import pytest

from netops.transports.snmp.agent import Agent, SimDevice
from netops.transports.snmp.trap import TrapDecoder, TrapError, TrapMessage, listen
from netops.transports.snmp.types import Tag
from netops.transports.snmp.usm import LocalEngine, UsmUser
from tests.conftest import require
from tests.transports.snmp.conftest import AUTH, PRIV, LoopThread, netsnmp

pytestmark = pytest.mark.real
LINK_DOWN = (1, 3, 6, 1, 6, 3, 1, 1, 5, 3)
IF_INDEX_5 = (1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 5)
USERS = [UsmUser("trapper", "SHA", AUTH, "AES", PRIV), UsmUser("trapdes", "MD5", AUTH, "DES", PRIV)]
RECEIVER_ENGINE = bytes.fromhex("80001f8804") + b"netops-traps"


class Receiver:
    def __init__(self, lt: LoopThread) -> None:
        self.lt = lt
        self.messages: list[TrapMessage] = []
        self.errors: list[TrapError] = []
        self.decoder = TrapDecoder(
            communities=["trapcomm"],
            users=USERS,
            engine=LocalEngine(USERS, engine_id=RECEIVER_ENGINE),
        )
        self.transport = lt.run(
            listen("127.0.0.1", 0, self.decoder, self.messages.append, self.errors.append)
        )
        self.port = self.transport.get_extra_info("sockname")[1]

    def wait(self, count: int, timeout: float = 5) -> None:
        async def poll() -> None:
            for _ in range(int(timeout / 0.02)):
                if len(self.messages) + len(self.errors) >= count:
                    return
                await asyncio.sleep(0.02)

        self.lt.run(poll())


@pytest.fixture
def receiver(loop_thread: LoopThread) -> Iterator[Receiver]:
    require("snmptrap", "snmpinform")
    r = Receiver(loop_thread)
    yield r
    loop_thread.call(r.transport.close)


def test_v2c_trap_and_inform(receiver: Receiver) -> None:
    r = netsnmp(
        "snmptrap",
        "-v2c",
        "-c",
        "trapcomm",
        f"127.0.0.1:{receiver.port}",
        "4242",
        "1.3.6.1.6.3.1.1.5.3",
        "1.3.6.1.2.1.2.2.1.1.5",
        "i",
        "5",
        "1.3.6.1.2.1.2.2.1.2.5",
        "s",
        "GE0/0/5",
    )
    assert r.returncode == 0, r.stderr
    r = netsnmp(
        "snmpinform",
        "-v2c",
        "-c",
        "trapcomm",
        "-t",
        "1",
        "-r",
        "0",
        f"127.0.0.1:{receiver.port}",
        "77",
        "1.3.6.1.6.3.1.1.5.4",
    )
    assert r.returncode == 0, r.stderr  # our Response arrived
    receiver.wait(2)
    trap, inform = receiver.messages
    assert (trap.version, trap.kind, trap.trap_oid, trap.uptime, trap.community) == (
        "2c",
        "trap",
        LINK_DOWN,
        4242,
        "trapcomm",
    )
    assert [tuple(vb) for vb in trap.varbinds] == [
        (IF_INDEX_5, Tag.INTEGER, 5),
        ((1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 5), Tag.OCTET_STRING, b"GE0/0/5"),
    ]
    assert (inform.kind, inform.trap_oid, inform.uptime) == (
        "inform",
        (1, 3, 6, 1, 6, 3, 1, 1, 5, 4),
        77,
    )


def test_v1_trap_is_translated(receiver: Receiver) -> None:
    r = netsnmp(
        "snmptrap",
        "-v1",
        "-c",
        "trapcomm",
        f"127.0.0.1:{receiver.port}",
        "1.3.6.1.4.1.2011",
        "10.9.8.7",
        "2",
        "0",
        "99",
        "1.3.6.1.2.1.2.2.1.1.5",
        "i",
        "5",
    )
    assert r.returncode == 0, r.stderr
    r = netsnmp(
        "snmptrap",
        "-v1",
        "-c",
        "trapcomm",
        f"127.0.0.1:{receiver.port}",
        "1.3.6.1.4.1.2011",
        "10.9.8.7",
        "6",
        "17",
        "99",
    )
    receiver.wait(2)
    down, specific = receiver.messages
    assert (down.version, down.trap_oid, down.agent_address, down.uptime) == (
        "1",
        LINK_DOWN,
        "10.9.8.7",
        99,
    )
    assert specific.trap_oid == (1, 3, 6, 1, 4, 1, 2011, 0, 17)


@pytest.mark.parametrize(
    ("user", "auth", "priv"), [("trapper", "SHA", "AES"), ("trapdes", "MD5", "DES")]
)
def test_v3_trap_and_inform(receiver: Receiver, user: str, auth: str, priv: str) -> None:
    args = ["-v3", "-l", "authPriv", "-u", user, "-a", auth, "-A", AUTH, "-x", priv, "-X", PRIV]
    r = netsnmp(
        "snmptrap",
        *args,
        "-e",
        "0x8000000001020304",
        f"127.0.0.1:{receiver.port}",
        "",
        "1.3.6.1.6.3.1.1.5.3",
        "1.3.6.1.2.1.2.2.1.1.5",
        "i",
        "5",
    )
    assert r.returncode == 0, r.stderr
    r = netsnmp(
        "snmpinform",
        *args,
        "-t",
        "1",
        "-r",
        "0",
        f"127.0.0.1:{receiver.port}",
        "",
        "1.3.6.1.6.3.1.1.5.4",
    )
    assert r.returncode == 0, r.stderr  # discovery Report + authenticated Response worked
    receiver.wait(2)
    trap, inform = receiver.messages
    assert (trap.version, trap.user, trap.engine_id, trap.trap_oid) == (
        "3",
        user,
        bytes.fromhex("8000000001020304"),
        LINK_DOWN,
    )
    assert [tuple(vb) for vb in trap.varbinds] == [(IF_INDEX_5, Tag.INTEGER, 5)]
    assert (inform.kind, inform.engine_id) == ("inform", RECEIVER_ENGINE)


def test_bad_notifications_are_refused(receiver: Receiver) -> None:
    netsnmp(
        "snmptrap", "-v2c", "-c", "other", f"127.0.0.1:{receiver.port}", "", "1.3.6.1.6.3.1.1.5.3"
    )
    netsnmp(
        "snmptrap",
        "-v3",
        "-l",
        "authPriv",
        "-u",
        "trapper",
        "-a",
        "SHA",
        "-A",
        "wrongpass123",
        "-x",
        "AES",
        "-X",
        PRIV,
        "-e",
        "0x8000000001020305",
        f"127.0.0.1:{receiver.port}",
        "",
        "1.3.6.1.6.3.1.1.5.3",
    )
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.sendto(b"\x30\x03\x02\x01", ("127.0.0.1", receiver.port))
    receiver.wait(3)
    assert receiver.messages == []
    assert sorted(e.reason for e in receiver.errors) == ["auth", "auth", "malformed"]
    assert all("wrongpass" not in str(e) for e in receiver.errors)


def test_agent_sends_v2c_and_v3_traps(receiver: Receiver, loop_thread: LoopThread) -> None:
    agent = Agent()
    device = SimDevice("agy-1", community="x", users=USERS)
    loop_thread.run(agent.start())
    try:
        loop_thread.call(lambda: agent.add(device, "127.0.79.1", 0))
        to = ("127.0.0.1", receiver.port)
        loop_thread.call(
            lambda: agent.send_trap(
                device, to, LINK_DOWN, [(IF_INDEX_5, Tag.INTEGER, 5)], community="trapcomm"
            )
        )
        loop_thread.call(
            lambda: agent.send_trap(
                device, to, LINK_DOWN, [(IF_INDEX_5, Tag.INTEGER, 5)], user=USERS[0]
            )
        )
        receiver.wait(2)
    finally:
        loop_thread.run(agent.stop())
    v2, v3 = receiver.messages
    assert (v2.source[0], v2.version, v2.trap_oid) == ("127.0.79.1", "2c", LINK_DOWN)
    assert (v3.source[0], v3.version, v3.engine_id, v3.varbinds[0].value) == (
        "127.0.79.1",
        "3",
        device.engine.engine_id,
        5,
    )
