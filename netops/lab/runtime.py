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
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncssh

from netops.errors import LabError
from netops.inventory import load_inventory
from netops.lab import databases, mib
from netops.lab.faults import SCENARIOS, Fault, FaultBook
from netops.lab.secrets import LAB_AUTH_KEY, LAB_COMMUNITY, LAB_PRIV_KEY, LAB_SSH_PASSWORD
from netops.lab.sshserver import SshService
from netops.lab.state import Lab, LabDevice, build_lab
from netops.lab.view import LabView, ViewCache
from netops.transports.snmp.agent import Agent, MibView, SimDevice
from netops.transports.snmp.types import Tag, parse_oid
from netops.transports.snmp.usm import UsmUser

log = logging.getLogger("netops.lab")

LINK_DOWN = parse_oid("1.3.6.1.6.3.1.1.5.3")
LINK_UP = parse_oid("1.3.6.1.6.3.1.1.5.4")


_LAB_COMMUNITY = LAB_COMMUNITY.encode()


def address_of(base: int, index: int) -> str:
    return f"127.{base}.{index // 250}.{index % 250 + 1}"


def lab_file(endpoints: Path) -> Path:
    return endpoints.with_name(endpoints.name + ".lab.json")


#: SNMP views kept built: ~150 KiB each, rebuilt in a few ms when evicted
DEFAULT_VIEWS = 4096

#: In the lab's state folder: the path of the real database pairs' folder (for clean-up).
DB_DIR_FILE = "databases.dir"


class LabSnmpDevice(SimDevice):
    """A SimDevice whose view is built from the lab state on use (kept in a bounded cache).

    It accepts the lab community plus every read community of the device's running config
    (the ``community-public`` fault makes it answer ``public``, as the real device would).
    """

    def __init__(self, lab: Lab, dev: LabDevice, users: list[UsmUser], cache: ViewCache) -> None:
        self._lab = lab
        self._dev = dev
        self._cache = cache
        super().__init__(dev.name, None, community=LAB_COMMUNITY, users=users)

    def _build(self) -> MibView:
        return LabView(mib.build_view(self._lab, self._dev))

    @property
    def view(self) -> MibView:
        return self._cache.get(self.name, self._build)

    @view.setter
    def view(self, value: MibView | None) -> None:
        self._cache.drop([self.name])  # the agent's constructor sets an empty view: ignore it

    @property
    def communities(self) -> set[bytes]:
        return {_LAB_COMMUNITY} | {name.encode() for name, _ in self._dev.facts.communities}

    @communities.setter
    def communities(self, value: set[bytes]) -> None:
        """Set by the agent's constructor; the config decides here."""

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
        self.db: databases.LabDatabases | None = None
        self.db_note = "off (--db off)" if args.db == "off" else ""
        self.db_pending: list[tuple[Fault, str, bool]] = []
        self.lock = asyncio.Lock()  # one fault change at a time (database ones take seconds)
        self.views = ViewCache(args.views)
        if args.trap_receiver:
            host, _, port = args.trap_receiver.rpartition(":")
            self.trap_receiver = (host or "127.0.0.1", int(port))

    async def start(self) -> None:
        _raise_fd_limit()
        db_start = self._start_databases()
        try:
            await self._start_devices()
            if db_start is not None:
                await db_start
        except BaseException:
            if db_start is not None:
                await asyncio.gather(db_start, return_exceptions=True)
            raise
        self.book.db_hook = self._db_hook
        for scenario in self.args.scenario or []:
            self.book.scenario(scenario)
        await self._run_db()
        self._changed()

    def _start_databases(self) -> asyncio.Future[None] | None:
        """Real PostgreSQL pairs for the database servers, started in a thread (or a note why not)."""
        if self.args.db == "off":
            return None
        reason = databases.unavailable()
        if reason is None and not databases.database_pairs(self.lab):
            reason = "the inventory has no PostgreSQL pair"
        if reason is not None:
            if self.args.db == "on":
                raise LabError(f"--db on: no real database pair can run: {reason}")
            self.db_note = f"simulated only: {reason}"
            log.info("database servers without a real PostgreSQL pair: %s", reason)
            return None
        base = Path(tempfile.mkdtemp(prefix="netops-lab-pg-"))
        state_dir = Path(self.args.state_dir)
        state_dir.mkdir(parents=True, exist_ok=True)
        (state_dir / DB_DIR_FILE).write_text(str(base) + "\n", encoding="utf-8")
        self.db = databases.LabDatabases(self.lab, base, self.args.db_pairs)
        self.db_note = "real PostgreSQL: " + ", ".join(self.db.pairs)
        db = self.db

        def start() -> None:
            clock = time.monotonic()
            db.start()
            log.info(
                "database pairs %s ready in %.1f s", ", ".join(db.pairs), time.monotonic() - clock
            )

        return asyncio.ensure_future(asyncio.to_thread(start))

    async def _start_devices(self) -> None:
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
            sim = LabSnmpDevice(self.lab, dev, users, self.views)
            agent.add(sim, self.addresses[name])
            self.snmp_devices[name] = sim
            dev.change_hooks.append(lambda d: self.invalidate(self.book.scope(d.name)))
        self.book.on_link_change.append(self._link_trap)
        log.info(
            "lab serving %d devices: SNMP port %d, SSH port %d", n, agent.shared_port, ssh.port
        )

    def _users(self, dev: LabDevice) -> list[UsmUser]:
        profile = self.inventory.auth_profile_by_name.get(dev.device.auth)
        name = profile.snmp.user if profile and profile.snmp and profile.snmp.user else "nms"
        return [UsmUser(name, "SHA", LAB_AUTH_KEY, "AES", LAB_PRIV_KEY)]

    def _db_hook(self, fault: Fault, pair: str, on: bool) -> None:
        """Database faults: queued here, run on the real pair by :meth:`_run_db` in a thread."""
        if self.db is None or pair not in self.db.pairs:
            if on:
                fault.detail = f"no real database pair for {pair} ({self.db_note})"
            return
        self.db_pending.append((fault, pair, on))

    async def _run_db(self) -> None:
        """Run the queued database fault actions; a failed one is taken back and reported."""
        pending, self.db_pending = self.db_pending, []
        errors = []
        for fault, pair, on in pending:
            assert self.db is not None
            try:
                detail = await asyncio.to_thread(self.db.apply, fault.kind, pair, on)
            except Exception as exc:  # reported to the caller; the fault does not stay half-made
                errors.append(f"{fault.kind} on {pair}: {exc}")
                if on and fault in self.book.faults:
                    self.book.faults.remove(fault)
                    self.lab.service_holders.pop(pair, None)
                continue
            if on:
                fault.detail = detail
        if errors:
            raise LabError("; ".join(errors))

    def invalidate(self, names: set[str] | None = None) -> None:
        """Devices changed (all when None): their views are rebuilt on use, fault flags re-read."""
        if names is None:
            names = set(self.snmp_devices)
        self.views.drop(names)
        for name in names:
            sim = self.snmp_devices.get(name)
            if sim is not None:
                sim.sync_faults()

    def _changed(self) -> None:
        """After faults: invalidate what they touched."""
        touched, self.book.touched = self.book.touched, set()
        self.invalidate(touched)

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
        if self.db is not None:
            for key, entry in self.db.endpoints().items():
                out.setdefault(key, {}).update(entry)
        return out

    # -- control ----------------------------------------------------------------------------
    async def control(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            line = await reader.readline()
            request = json.loads(line or b"{}")
            if request.get("op") in ("status", "fault-list", "stop"):
                reply = self.dispatch(request)
            else:
                async with self.lock:
                    reply = self.dispatch(request)
                    try:
                        await self._run_db()
                    finally:
                        self._changed()
                    reply = self._refresh(reply)
        except Exception as exc:  # every error goes back to the caller as one line
            reply = {"ok": False, "error": str(exc)}
        writer.write(json.dumps(reply).encode() + b"\n")
        await writer.drain()
        writer.close()

    def _refresh(self, reply: dict[str, Any]) -> dict[str, Any]:
        """Fault details as they are after the database actions ran."""
        by_id = {f.id: f for f in self.book.faults}
        if "faults" in reply:
            reply["faults"] = [
                by_id[f["id"]].public() if f["id"] in by_id else f for f in reply["faults"]
            ]
        return reply

    def dispatch(self, request: dict[str, Any]) -> dict[str, Any]:
        op = request.get("op")
        if op == "status":
            return {"ok": True, **self.status()}
        if op == "fault-add":
            faults = self.book.add(request["kind"], request.get("device"), request.get("interface"))
            return {"ok": True, "faults": [f.public() for f in faults]}
        if op == "scenario":
            faults = self.book.scenario(request["name"])
            return {"ok": True, "faults": [f.public() for f in faults]}
        if op == "fault-clear":
            cleared = self.book.clear(request.get("id"), request.get("device"))
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
            "views": {
                "kept": len(self.views),
                "limit": self.views.size,
                "builds": self.views.builds,
                "build_cpu_seconds": round(self.views.build_seconds, 2),
            },
            "databases": self.db_note,
            "database_pairs": self.db.status() if self.db is not None else {},
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
    try:
        await _serve(rt, args)
    finally:
        if rt.db is not None:
            await asyncio.to_thread(rt.db.teardown)
            with contextlib.suppress(FileNotFoundError):
                (Path(args.state_dir) / DB_DIR_FILE).unlink()


async def _serve(rt: LabRuntime, args: argparse.Namespace) -> None:
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
    status = {
        "pid": os.getpid(),
        "control": str(sock_path),
        "endpoints": str(endpoints),
        **rt.status(),
    }
    status_tmp = lab_file(endpoints).with_suffix(".tmp")
    status_tmp.write_text(json.dumps(status, indent=1) + "\n", encoding="utf-8")
    status_tmp.replace(lab_file(endpoints))  # readers never see a half-written file
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
    parser.add_argument(
        "--db",
        choices=["auto", "on", "off"],
        default="auto",
        help="real PostgreSQL pairs for the database servers (auto: when installed)",
    )
    parser.add_argument("--db-pairs", type=int, default=1, help="at most this many real pairs")
    parser.add_argument(
        "--views",
        type=int,
        default=DEFAULT_VIEWS,
        help="SNMP views kept built (least recently used dropped; 0 = all)",
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("asyncssh").setLevel(logging.WARNING)  # one line per session otherwise
    try:
        asyncio.run(amain(args))
    except Exception:
        log.exception("lab failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
