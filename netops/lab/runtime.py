"""The lab process: every device's SNMP agent and SSH CLI on loopback, plus a control socket.

Run by ``netops lab up`` in the background (``python -m netops.lab.runtime``). Addressing:
device *i* of the inventory answers at ``127.B.(i // 250).(i % 250 + 1)`` where ``B`` is
picked per lab so concurrent labs never collide; SNMP (one UDP socket, destination
address via IP_PKTINFO) and SSH (one listening socket per address) use one port each,
free at start. That scales to the 15,000-device province (60 /24s of loopback). When
ready, the endpoints file and the lab file (``<endpoints>.lab.json``: pid, control
socket) are written; faults arrive as JSON lines on the control socket.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import os
import random
import resource
import signal
import socket
import sys
import time
from pathlib import Path
from typing import Any, cast

import asyncssh

from netops.inventory import load_inventory
from netops.lab import mib
from netops.lab.faults import SCENARIOS, FaultBook
from netops.lab.secrets import LAB_AUTH_KEY, LAB_COMMUNITY, LAB_PRIV_KEY, LAB_SSH_PASSWORD
from netops.lab.sshserver import SshService
from netops.lab.state import Lab, LabDevice, build_lab
from netops.transports.snmp.agent import Agent, MibView, SimDevice
from netops.transports.snmp.types import Tag, parse_oid
from netops.transports.snmp.usm import UsmUser

log = logging.getLogger("netops.lab")

LINK_DOWN = parse_oid("1.3.6.1.6.3.1.1.5.3")
LINK_UP = parse_oid("1.3.6.1.6.3.1.1.5.4")


def address_of(base: int, index: int) -> str:
    return f"127.{base}.{index // 250}.{index % 250 + 1}"


def lab_file(endpoints: Path) -> Path:
    return endpoints.with_name(endpoints.name + ".lab.json")


class LabSnmpDevice(SimDevice):
    """A SimDevice whose view is built from the lab state on first use and after changes."""

    def __init__(self, lab: Lab, dev: LabDevice, users: list[UsmUser]) -> None:
        self._lab = lab
        self._dev = dev
        self._view: MibView | None = None
        super().__init__(dev.name, None, community=LAB_COMMUNITY, users=users)

    @property
    def view(self) -> MibView:
        if self._view is None:
            self._view = MibView(cast(Any, mib.dedupe(mib.build_view(self._lab, self._dev))))
        return self._view

    @view.setter
    def view(self, value: MibView | None) -> None:
        self._view = value

    def sync_faults(self) -> None:
        mode = "timeout" if self._dev.down else self._dev.snmp_mode
        self.faults.drop = mode == "timeout"
        self.faults.garbage = mode == "garbled"
        self.faults.reject = mode == "wrong-credentials"


class LabRuntime:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.inventory = load_inventory(Path(args.inventory))
        self.lab = build_lab(self.inventory)
        self.book = FaultBook(self.lab)
        self.agent: Agent | None = None
        self.ssh: SshService | None = None
        self.snmp_devices: dict[str, LabSnmpDevice] = {}
        self.addresses: dict[str, str] = {}
        self.stop_event = asyncio.Event()
        self.trap_receiver: tuple[str, int] | None = None
        if args.trap_receiver:
            host, _, port = args.trap_receiver.rpartition(":")
            self.trap_receiver = (host or "127.0.0.1", int(port))

    async def start(self) -> None:
        _raise_fd_limit()
        n = len(self.lab.devices)
        host_key = asyncssh.generate_private_key("ssh-ed25519")
        for attempt in range(20):
            base = random.randint(100, 250)
            self.addresses = {name: address_of(base, i) for i, name in enumerate(self.lab.devices)}
            snmp_port = _free_port(socket.SOCK_DGRAM)
            ssh_port = _free_port(socket.SOCK_STREAM)
            agent = Agent(shared_port=snmp_port)
            ssh = SshService(self.lab, host_key)
            try:
                await agent.start()
                ssh.listen(self.addresses, ssh_port)
            except OSError as exc:
                log.warning("addresses 127.%d.x.x busy (%s), trying others", base, exc)
                await agent.stop()
                ssh.close()
                if attempt == 19:
                    raise
                continue
            break
        self.agent, self.ssh = agent, ssh
        for name, dev in self.lab.devices.items():
            users = self._users(dev)
            sim = LabSnmpDevice(self.lab, dev, users)
            agent.add(sim, self.addresses[name])
            self.snmp_devices[name] = sim
            dev.change_hooks.append(lambda _d: self.invalidate())
        self.book.on_link_change.append(self._link_trap)
        for scenario in self.args.scenario or []:
            self.book.scenario(scenario)
        self.invalidate()
        log.info(
            "lab serving %d devices: SNMP port %d, SSH port %d", n, agent.shared_port, ssh.port
        )

    def _users(self, dev: LabDevice) -> list[UsmUser]:
        profile = self.inventory.auth_profile_by_name.get(dev.device.auth)
        name = profile.snmp.user if profile and profile.snmp and profile.snmp.user else "nms"
        return [UsmUser(name, "SHA", LAB_AUTH_KEY, "AES", LAB_PRIV_KEY)]

    def invalidate(self) -> None:
        """Something changed: rebuild views lazily, re-read fault flags."""
        for sim in self.snmp_devices.values():
            sim.view = None
            sim.sync_faults()

    def _link_trap(self, device: str, port: str, up: bool) -> None:
        if self.trap_receiver is None or self.agent is None:
            return
        sim = self.snmp_devices.get(device)
        dev = self.lab.devices[device]
        if sim is None or dev.down:
            return
        p = dev.port_by_name[port]
        varbinds = [
            ((1, 3, 6, 1, 2, 1, 2, 2, 1, 1, p.if_index), Tag.INTEGER, p.if_index),
            ((1, 3, 6, 1, 2, 1, 2, 2, 1, 7, p.if_index), Tag.INTEGER, 1),
            ((1, 3, 6, 1, 2, 1, 2, 2, 1, 8, p.if_index), Tag.INTEGER, 1 if up else 2),
            ((1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, p.if_index), Tag.OCTET_STRING, port.encode()),
        ]
        with contextlib.suppress(OSError):
            self.agent.send_trap(
                sim,
                self.trap_receiver,
                LINK_UP if up else LINK_DOWN,
                varbinds,
                community=LAB_COMMUNITY,
            )

    def endpoints(self) -> dict[str, Any]:
        assert self.agent is not None and self.ssh is not None
        out: dict[str, Any] = {}
        for name, dev in self.lab.devices.items():
            host = self.addresses[name]
            users = self._users(dev)
            if self.args.snmp_version == "2c":
                snmp: dict[str, Any] = {
                    "host": host,
                    "port": self.agent.shared_port,
                    "community": LAB_COMMUNITY,
                }
            else:
                snmp = {
                    "host": host,
                    "port": self.agent.shared_port,
                    "user": users[0].name,
                    "auth_key": LAB_AUTH_KEY,
                    "priv_key": LAB_PRIV_KEY,
                    "auth_protocol": "SHA",
                    "priv_protocol": "AES",
                }
            profile = self.inventory.auth_profile_by_name.get(dev.device.auth)
            username = profile.ssh.username if profile and profile.ssh else "netops"
            out[name] = {
                "snmp": snmp,
                "ssh": {
                    "host": host,
                    "port": self.ssh.port,
                    "username": username,
                    "password": LAB_SSH_PASSWORD,
                },
            }
        return out

    # -- control ----------------------------------------------------------------------------
    async def control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            request = json.loads(line or b"{}")
            reply = self.dispatch(request)
        except Exception as exc:  # every error goes back to the caller as one line
            reply = {"ok": False, "error": str(exc)}
        writer.write(json.dumps(reply).encode() + b"\n")
        await writer.drain()
        writer.close()

    def dispatch(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "status":
            return {"ok": True, **self.status()}
        if op == "fault-add":
            faults = self.book.add(request["kind"], request.get("device"), request.get("interface"))
            self.invalidate()
            return {"ok": True, "faults": [f.public() for f in faults]}
        if op == "scenario":
            faults = self.book.scenario(request["name"])
            self.invalidate()
            return {"ok": True, "faults": [f.public() for f in faults]}
        if op == "fault-clear":
            cleared = self.book.clear(request.get("id"), request.get("device"))
            self.invalidate()
            return {"ok": True, "faults": [f.public() for f in cleared]}
        if op == "fault-list":
            return {"ok": True, "faults": [f.public() for f in self.book.faults]}
        if op == "stop":
            self.stop_event.set()
            return {"ok": True}
        return {"ok": False, "error": f"unknown operation {op!r}"}

    def status(self) -> dict[str, Any]:
        assert self.agent is not None and self.ssh is not None
        return {
            "pid": os.getpid(),
            "devices": len(self.lab.devices),
            "snmp_port": self.agent.shared_port,
            "ssh_port": self.ssh.port,
            "snmp_requests": sum(s.requests for s in self.snmp_devices.values()),
            "ssh_sessions": self.ssh.sessions,
            "faults": [f.public() for f in self.book.faults],
            "uptime_seconds": round(time.time() - self.lab.started, 1),
            "inventory": str(self.args.inventory),
        }


def _free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _raise_fd_limit() -> None:
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


async def amain(args: argparse.Namespace) -> None:
    rt = LabRuntime(args)
    await rt.start()
    state_dir = Path(args.state_dir)
    state_dir.mkdir(parents=True, exist_ok=True)
    sock_path = state_dir / "control.sock"
    with contextlib.suppress(FileNotFoundError):
        sock_path.unlink()
    server = await asyncio.start_unix_server(rt.control, path=str(sock_path))
    endpoints = Path(args.endpoints)
    endpoints.parent.mkdir(parents=True, exist_ok=True)
    tmp = endpoints.with_suffix(".tmp")
    tmp.write_text(json.dumps(rt.endpoints(), indent=1) + "\n", encoding="utf-8")
    os.chmod(tmp, 0o600)
    tmp.replace(endpoints)
    lab_file(endpoints).write_text(
        json.dumps(
            {
                "pid": os.getpid(),
                "control": str(sock_path),
                "endpoints": str(endpoints),
                **rt.status(),
            },
            indent=1,
        )
        + "\n",
        encoding="utf-8",
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, rt.stop_event.set)
    await rt.stop_event.wait()
    server.close()
    assert rt.agent is not None and rt.ssh is not None
    await rt.agent.stop()
    rt.ssh.close()
    for task in list(rt.ssh.tasks):
        task.cancel()
    with contextlib.suppress(FileNotFoundError):
        sock_path.unlink()
    with contextlib.suppress(FileNotFoundError):
        lab_file(endpoints).unlink()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="netops-lab", description=__doc__)
    parser.add_argument("--inventory", required=True)
    parser.add_argument("--endpoints", required=True)
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--scenario", action="append", choices=sorted(SCENARIOS))
    parser.add_argument("--snmp-version", choices=["2c", "3"], default="3")
    parser.add_argument("--trap-receiver", default=None, help="HOST:PORT for linkDown/linkUp traps")
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    try:
        asyncio.run(amain(args))
    except Exception:
        log.exception("lab failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
