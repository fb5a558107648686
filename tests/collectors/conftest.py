"""Fixtures for collection tests: a real net-snmp snmpd (v2c + v3 authPriv, own config on a
free port), a black-hole UDP port, and an endpoints file pointing reference devices at them."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import free_port, require

COMMUNITY = "netops-collect"
V3_USER, AUTH_KEY, PRIV_KEY = "nms-test", "collect-auth-123", "collect-priv-456"
NETSNMP_ENV = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent", "SNMPCONFPATH": "/nonexistent"}


@dataclass
class Agent:
    host: str
    port: int
    folder: Path


def _wait_ready(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        r = subprocess.run(
            ["snmpget", "-v2c", "-c", COMMUNITY, "-t", "0.3", "-r", "0", f"127.0.0.1:{port}",
             "1.3.6.1.2.1.1.5.0"],
            capture_output=True, env=NETSNMP_ENV, check=False,
        )  # fmt: skip
        if r.returncode == 0:
            return
        if proc.poll() is not None:
            break
    proc.kill()
    text = log.read_text() if log.exists() else ""
    raise RuntimeError(f"snmpd did not start: {text[-500:]}")


@pytest.fixture(scope="session")
def snmpd() -> Iterator[Agent]:
    """net-snmp snmpd on 127.0.0.1:<free port>: community COMMUNITY, v3 user authPriv SHA/AES."""
    require("/usr/sbin/snmpd", "snmpget", "snmptrap")
    folder = Path(tempfile.mkdtemp(prefix="netops-collect-snmpd-"))
    port = free_port(socket.SOCK_DGRAM)
    (folder / "snmpd.conf").write_text(
        f"agentAddress udp:127.0.0.1:{port}\n"
        f"rocommunity {COMMUNITY} 127.0.0.1\n"
        f'createUser {V3_USER} SHA "{AUTH_KEY}" AES "{PRIV_KEY}"\n'
        f"rouser {V3_USER} priv\n"
        "sysName dut-snmpd\nsysLocation netops collection test\nsysContact noc@example.org\n"
    )
    proc = subprocess.Popen(
        ["/usr/sbin/snmpd", "-f", "-Lf", str(folder / "snmpd.log"), "-C", "-c",
         str(folder / "snmpd.conf"), "-p", str(folder / "snmpd.pid"), "-M", "/nonexistent"],
        env={**NETSNMP_ENV, "SNMP_PERSISTENT_DIR": str(folder / "persist")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        _wait_ready(port, proc, folder / "snmpd.log")
        yield Agent("127.0.0.1", port, folder)
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="session")
def black_hole() -> Iterator[int]:
    """A UDP port that receives and never answers (a dead agent that does not send ICMP)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(("127.0.0.1", 0))
    try:
        yield int(sock.getsockname()[1])
    finally:
        sock.close()


def snmp_endpoint(agent: Agent, kind: str) -> dict[str, object]:
    if kind == "v2c":
        return {"host": agent.host, "port": agent.port, "community": COMMUNITY}
    key = AUTH_KEY if kind == "v3" else "not-the-right-key"
    return {
        "host": agent.host,
        "port": agent.port,
        "user": V3_USER,
        "auth_protocol": "SHA",
        "priv_protocol": "AES",
        "auth_key": key,
        "priv_key": PRIV_KEY,
    }


@pytest.fixture
def endpoints_file(tmp_path: Path, snmpd: Agent, black_hole: int) -> Path:
    """dc-db-1 over v2c, dc-db-2 over v3 authPriv, dc-app-1 with a wrong v3 key, dc-app-2 dead."""
    data = {
        "dc-db-1": {"snmp": snmp_endpoint(snmpd, "v2c")},
        "dc-db-2": {"snmp": snmp_endpoint(snmpd, "v3")},
        "dc-app-1": {"snmp": snmp_endpoint(snmpd, "wrong")},
        "dc-app-2": {"snmp": {"host": "127.0.0.1", "port": black_hole, "community": COMMUNITY}},
    }
    path = tmp_path / "endpoints.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path
