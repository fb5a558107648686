"""Fixtures for the SNMP protocol tests: a real net-snmp ``snmpd`` (own config, free port),
our agent running on its own event loop in a thread, and helpers to run the net-snmp tools."""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest

from netops.transports.snmp.agent import UPTIME, Agent, MibView, SimDevice
from netops.transports.snmp.types import OID, Tag, Value, parse_oid
from netops.transports.snmp.usm import UsmUser
from netops.transports.targets import SnmpTarget
from tests.conftest import free_port, require

T = TypeVar("T")

AUTH = "authpass123"
PRIV = "privpass123"
# (user, auth, priv) served by both snmpd and our agent; net-snmp CLI spellings follow
V3_USERS = [
    ("usha", "SHA", "AES"),
    ("usha256", "SHA256", "AES256"),
    ("umd5", "MD5", "DES"),
    ("usha192", "SHA", "AES192"),
    ("usha512", "SHA512", "AES"),
]
CLI_AUTH = {"SHA": "SHA", "SHA256": "SHA-256", "MD5": "MD5", "SHA512": "SHA-512"}
CLI_PRIV = {"AES": "AES", "AES256": "AES-256", "DES": "DES", "AES192": "AES-192"}
COMMUNITY = "netops-ro"
NETSNMP_ENV = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent", "SNMPCONFPATH": "/nonexistent"}


def v2c_target(host: str, port: int, community: str = COMMUNITY) -> SnmpTarget:
    return SnmpTarget("dev", host, port, "2c", community=community)


def v3_target(
    host: str, port: int, user: str = "usha", auth: str = "SHA", priv: str | None = "AES", **kw: Any
) -> SnmpTarget:
    return SnmpTarget(
        "dev",
        host,
        port,
        "3",
        user=user,
        auth_protocol=auth,
        priv_protocol=priv,
        auth_key=kw.get("auth_key", AUTH),
        priv_key=kw.get("priv_key", PRIV) if priv else None,
    )


def cli_v3_args(user: str, auth: str, priv: str | None, auth_key: str = AUTH) -> list[str]:
    args = ["-v3", "-u", user, "-a", CLI_AUTH[auth], "-A", auth_key]
    if priv:
        return [*args, "-l", "authPriv", "-x", CLI_PRIV[priv], "-X", PRIV]
    return [*args, "-l", "authNoPriv"]


def netsnmp(tool: str, *args: str, timeout: float = 20) -> subprocess.CompletedProcess[str]:
    """Run a net-snmp command-line tool (no MIBs loaded: numeric output)."""
    return subprocess.run(
        [tool, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=NETSNMP_ENV,
        check=False,
    )


_LINE = re.compile(r"^(\.[\d.]+) = (?:([\w-]+): ?)?(.*)$")


def parse_netsnmp(output: str) -> list[tuple[OID, int, Value]]:
    """Parse ``-On -Ox -Ot -Oe`` output of snmpget/snmpwalk into (oid, tag, value)."""
    out: list[tuple[OID, int, Value]] = []
    lines: list[str] = []
    for raw in output.splitlines():
        if lines and not raw.startswith("."):  # a long Hex-STRING continues on the next line
            lines[-1] += " " + raw.strip()
        else:
            lines.append(raw)
    for line in lines:
        m = _LINE.match(line)
        if not m:
            raise AssertionError(f"unparsed net-snmp line: {line!r}")
        oid, kind, text = parse_oid(m.group(1)), m.group(2), m.group(3)
        if kind is None:
            if text.isdigit():  # -Ot prints TimeTicks as a bare number
                out.append((oid, Tag.TIME_TICKS, int(text)))
            elif text == '""':
                out.append((oid, Tag.OCTET_STRING, b""))
            elif text.startswith("No Such Object"):
                out.append((oid, Tag.NO_SUCH_OBJECT, None))
            elif text.startswith("No Such Instance"):
                out.append((oid, Tag.NO_SUCH_INSTANCE, None))
            elif text.startswith("No more variables"):
                out.append((oid, Tag.END_OF_MIB_VIEW, None))
            else:
                raise AssertionError(f"unparsed net-snmp value: {line!r}")
            continue
        if kind == "Hex-STRING":
            out.append((oid, Tag.OCTET_STRING, bytes.fromhex(text.replace(" ", ""))))
        elif kind == "STRING":  # -Ox still prints printable strings this way
            out.append((oid, Tag.OCTET_STRING, text.strip('"').encode()))
        elif kind == "INTEGER":
            out.append((oid, Tag.INTEGER, int(text)))
        elif kind in ("Counter32", "Gauge32", "Counter64", "Timeticks"):
            tag = {
                "Counter32": Tag.COUNTER32,
                "Gauge32": Tag.GAUGE32,
                "Counter64": Tag.COUNTER64,
                "Timeticks": Tag.TIME_TICKS,
            }[kind]
            out.append((oid, tag, int(text)))
        elif kind == "OID":
            out.append((oid, Tag.OBJECT_IDENTIFIER, parse_oid(text)))
        elif kind == "IpAddress":
            out.append((oid, Tag.IP_ADDRESS, bytes(int(p) for p in text.split("."))))
        else:
            raise AssertionError(f"unknown net-snmp type {kind!r} in {line!r}")
    return out


# ---------------------------------------------------------------------------------- snmpd


class Snmpd:
    def __init__(self, host: str, port: int, proc: subprocess.Popen[bytes], folder: Path) -> None:
        self.host, self.port, self.proc, self.folder = host, port, proc, folder

    def address(self) -> str:
        return f"{self.host}:{self.port}"


def start_snmpd(folder: Path, *, extra: str = "") -> Snmpd:
    require("/usr/sbin/snmpd", "snmpget", "snmpbulkwalk")
    port = free_port(socket.SOCK_DGRAM)  # SOCK_DGRAM
    users = "\n".join(
        f'createUser {u} {a} "{AUTH}" {p} "{PRIV}"\nrouser {u} priv' for u, a, p in V3_USERS
    )
    (folder / "snmpd.conf").write_text(
        f"agentAddress udp:127.0.0.1:{port}\n"
        f"rocommunity {COMMUNITY} 127.0.0.1\n"
        f"sysLocation netops test rack\nsysContact noc@example.org\n{users}\n{extra}\n"
    )
    env = {**NETSNMP_ENV, "SNMP_PERSISTENT_DIR": str(folder / "persist")}
    proc = subprocess.Popen(
        [
            "/usr/sbin/snmpd",
            "-f",
            "-Lf",
            str(folder / "snmpd.log"),
            "-C",
            "-c",
            str(folder / "snmpd.conf"),
            "-p",
            str(folder / "snmpd.pid"),
            "-M",
            "/nonexistent",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        r = netsnmp(
            "snmpget",
            "-v2c",
            "-c",
            COMMUNITY,
            "-t",
            "0.2",
            "-r",
            "0",
            f"127.0.0.1:{port}",
            "1.3.6.1.2.1.1.5.0",
        )
        if r.returncode == 0:
            return Snmpd("127.0.0.1", port, proc, folder)
        if proc.poll() is not None:
            break
    proc.kill()
    log = (folder / "snmpd.log").read_text() if (folder / "snmpd.log").exists() else ""
    raise RuntimeError(f"snmpd did not start: {log[-500:]}")


@pytest.fixture(scope="session")
def snmpd() -> Iterator[Snmpd]:
    folder = Path(tempfile.mkdtemp(prefix="netops-snmpd-"))
    server = start_snmpd(folder)
    yield server
    server.proc.terminate()
    try:
        server.proc.wait(5)
    except subprocess.TimeoutExpired:
        server.proc.kill()
    shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------------- our agent


class LoopThread:
    """An event loop running in a daemon thread; ``run(coro)`` executes on it and waits."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float = 30) -> T:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def call(self, fn: Callable[[], T]) -> T:
        async def _do() -> T:
            return fn()

        return self.run(_do())

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)
        self.loop.close()


def lab_users() -> list[UsmUser]:
    return [UsmUser(u, a, AUTH, p, PRIV) for u, a, p in V3_USERS]


def interface_view(device: SimDevice, interfaces: int = 51, name: str = "dev") -> MibView:
    """A switch-like view: system group, 8 ifTable and 6 ifXTable columns."""
    entries: dict[OID, tuple[int, Any]] = {
        (1, 3, 6, 1, 2, 1, 1, 1, 0): (Tag.OCTET_STRING, f"Huawei VRP {name}".encode()),
        (1, 3, 6, 1, 2, 1, 1, 2, 0): (Tag.OBJECT_IDENTIFIER, (1, 3, 6, 1, 4, 1, 2011, 2, 23, 1)),
        (1, 3, 6, 1, 2, 1, 1, 3, 0): (Tag.TIME_TICKS, UPTIME),
        (1, 3, 6, 1, 2, 1, 1, 5, 0): (Tag.OCTET_STRING, name.encode()),
        (1, 3, 6, 1, 2, 1, 4, 20, 1, 1, 10, 0, 0, 1): (Tag.IP_ADDRESS, bytes((10, 0, 0, 1))),
    }
    for i in range(1, interfaces + 1):
        ifx = (1, 3, 6, 1, 2, 1, 2, 2, 1)
        entries[(*ifx, 1, i)] = (Tag.INTEGER, i)
        entries[(*ifx, 2, i)] = (Tag.OCTET_STRING, f"GigabitEthernet0/0/{i}".encode())
        entries[(*ifx, 3, i)] = (Tag.INTEGER, 6)
        entries[(*ifx, 5, i)] = (Tag.GAUGE32, 1_000_000_000)
        entries[(*ifx, 6, i)] = (Tag.OCTET_STRING, bytes((0x00, 0xE0, 0xFC, 0, 0, i)))
        entries[(*ifx, 7, i)] = (Tag.INTEGER, 1)
        entries[(*ifx, 8, i)] = (Tag.INTEGER, 1 if i % 5 else 2)
        entries[(*ifx, 10, i)] = (Tag.COUNTER32, (i * 7919) & 0xFFFFFFFF)
        xt = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
        entries[(*xt, 1, i)] = (Tag.OCTET_STRING, f"GE0/0/{i}".encode())
        entries[(*xt, 6, i)] = (Tag.COUNTER64, 2**40 * i + 12345)
        entries[(*xt, 10, i)] = (Tag.COUNTER64, 2**63 + i)
        entries[(*xt, 15, i)] = (Tag.GAUGE32, 1000)
        entries[(*xt, 18, i)] = (Tag.OCTET_STRING, "上联 core-1".encode() if i == 1 else b"")
    return MibView(entries)


@pytest.fixture(scope="module")
def loop_thread() -> Iterator[LoopThread]:
    lt = LoopThread()
    yield lt
    lt.stop()


class AgentHandle:
    def __init__(self, lt: LoopThread, agent: Agent, devices: list[SimDevice], port: int) -> None:
        self.lt, self.agent, self.devices, self.port = lt, agent, devices, port


@pytest.fixture(scope="module")
def lab_agent(loop_thread: LoopThread) -> Iterator[AgentHandle]:
    """Our agent in shared-port mode: three devices at 127.0.77.1-3 on one port."""
    port = free_port(socket.SOCK_DGRAM)
    agent = Agent(shared_port=port)
    devices = []
    for n in range(3):
        device = SimDevice(f"dev{n}", community=COMMUNITY, users=lab_users())
        device.view = interface_view(device, name=f"dev{n}")
        agent.add(device, f"127.0.77.{n + 1}")
        devices.append(device)
    loop_thread.run(agent.start())
    yield AgentHandle(loop_thread, agent, devices, port)
    loop_thread.run(agent.stop())


def served_rows(device: SimDevice, under: OID = ()) -> list[tuple[OID, int, Value]]:
    """What ``device`` serves under ``under``, decoded from its view."""
    from netops.transports.snmp.ber import decode_varbinds

    view = device.view
    out: list[tuple[OID, int, Value]] = []
    for i, oid in enumerate(view.oids):
        if oid[: len(under)] == under:
            raw = view.varbind(i)
            vb = decode_varbinds(raw, 0, len(raw))[0]
            out.append((vb.oid, vb.tag, vb.value))
    return out
