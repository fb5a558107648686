"""Benchmark: what the lab sustains (run by hand, not in CI).

    .venv/bin/python tests/bench/bench_lab.py [--inventory DIR | --districts 100]
        [--devices N] [--concurrency 64] [--views 0] [--ssh-sessions 400] [--v3]

Starts ``netops lab up`` for the inventory (default: a synthetic province of
``--districts`` districts, 15,900 devices for 100, generated into a temporary folder) and
measures, against the lab process only (its CPU time from /proc, so the client's share
of a shared machine is not counted):

- start-up: seconds until every device answers, resident memory, file descriptors;
- SNMP, a collector-like poll of every device (GET sysUpTime + GETBULK walk of 12
  IF-MIB/LLDP columns, netops' own client, v2c or ``--v3`` authPriv): a cold pass (every
  view built on first use) and a warm pass (views kept; with ``--views`` below the device
  count the warm pass rebuilds too), as requests and varbinds per second of lab CPU (one
  core: the lab is one asyncio process) and per wall second, and memory after;
- SSH: sessions per second (connect, log in, one command on an exec channel, close).

Prints a table and the command line that produced it.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import asyncssh

from netops.lab import control
from netops.lab.secrets import LAB_COMMUNITY
from netops.transports.snmp.client import SnmpClient
from netops.transports.snmp.types import parse_oid
from netops.transports.targets import SnmpTarget

ROOT = Path(__file__).resolve().parents[2]
TICK = os.sysconf("SC_CLK_TCK")
COLUMNS = [
    parse_oid(o)
    for o in (
        "1.3.6.1.2.1.2.2.1.2",  # ifDescr
        "1.3.6.1.2.1.2.2.1.3",  # ifType
        "1.3.6.1.2.1.2.2.1.7",  # ifAdminStatus
        "1.3.6.1.2.1.2.2.1.8",  # ifOperStatus
        "1.3.6.1.2.1.2.2.1.14",  # ifInErrors
        "1.3.6.1.2.1.2.2.1.20",  # ifOutErrors
        "1.3.6.1.2.1.31.1.1.1.1",  # ifName
        "1.3.6.1.2.1.31.1.1.1.6",  # ifHCInOctets
        "1.3.6.1.2.1.31.1.1.1.10",  # ifHCOutOctets
        "1.3.6.1.2.1.31.1.1.1.15",  # ifHighSpeed
        "1.3.6.1.2.1.31.1.1.1.18",  # ifAlias
        "1.0.8802.1.1.2.1.4.1.1.9",  # lldpRemSysName
    )
]
SYS_UPTIME = parse_oid("1.3.6.1.2.1.1.3.0")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def memory_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of ``pid`` in MiB."""
    values = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def targets(endpoints: dict[str, Any], names: list[str], v3: bool) -> list[SnmpTarget]:
    out = []
    for name in names:
        e = endpoints[name]["snmp"]
        if v3:
            out.append(
                SnmpTarget(
                    name,
                    e["host"],
                    e["port"],
                    "3",
                    user=e["user"],
                    auth_protocol=e["auth_protocol"],
                    priv_protocol=e["priv_protocol"],
                    auth_key=e["auth_key"],
                    priv_key=e["priv_key"],
                )
            )
        else:
            out.append(SnmpTarget(name, e["host"], e["port"], "2c", community=LAB_COMMUNITY))
    return out


async def poll(devices: list[SnmpTarget], concurrency: int) -> tuple[int, int, int]:
    """Poll every device once; (varbinds, failures, requests sent)."""
    gate = asyncio.Semaphore(concurrency)
    varbinds = failures = 0

    async with SnmpClient() as client:

        async def one(target: SnmpTarget) -> None:
            nonlocal varbinds, failures
            async with gate:
                try:
                    got = await client.get(target, [SYS_UPTIME], timeout=10, retries=2)
                    walked = await client.walk(target, COLUMNS, timeout=10, retries=2)
                    varbinds += len(got) + sum(len(v) for v in walked.values())
                except Exception:
                    failures += 1

        await asyncio.gather(*(one(t) for t in devices))
    return varbinds, failures, 0


async def ssh_sessions(endpoints: dict[str, Any], names: list[str], concurrency: int) -> int:
    gate = asyncio.Semaphore(concurrency)
    failures = 0

    async def one(name: str) -> None:
        nonlocal failures
        e = endpoints[name]["ssh"]
        async with gate:
            try:
                async with asyncssh.connect(
                    e["host"],
                    port=e["port"],
                    username=e["username"],
                    password=e["password"],
                    known_hosts=None,
                    connect_timeout=30,
                ) as conn:
                    await conn.run("display version", check=False, timeout=30)
            except Exception:
                failures += 1

    await asyncio.gather(*(one(n) for n in names))
    return failures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inventory", type=Path, help="inventory folder (default: generate)")
    parser.add_argument("--districts", type=int, default=100, help="districts to generate")
    parser.add_argument("--devices", type=int, default=0, help="devices to poll (0 = all)")
    parser.add_argument("--concurrency", type=int, default=64, help="SNMP polls in flight")
    parser.add_argument("--views", type=int, default=0, help="lab --views (0 = keep all)")
    parser.add_argument("--ssh-sessions", type=int, default=400)
    parser.add_argument("--v3", action="store_true", help="SNMPv3 authPriv instead of v2c")
    args = parser.parse_args()

    rows: list[tuple[str, str]] = []
    work = Path(tempfile.mkdtemp(prefix="netops-bench-lab-"))
    inventory = args.inventory
    if inventory is None:
        inventory = work / "province"
        t0 = time.perf_counter()
        subprocess.run(
            [
                sys.executable,
                "-m",
                "netops.cli",
                "inventory",
                "generate",
                "--districts",
                str(args.districts),
                "--out",
                str(inventory),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
        rows.append(("generate inventory (not the lab)", f"{time.perf_counter() - t0:.1f} s"))
    ep_file = work / "endpoints.json"
    t0 = time.perf_counter()
    status = control.up(inventory, ep_file, db="off", views=args.views, timeout=900)
    started = time.perf_counter() - t0
    pid = status["pid"]
    try:
        endpoints = json.loads(ep_file.read_text())
        names = [n for n, e in endpoints.items() if "snmp" in e]
        rss, hwm = memory_mib(pid)
        fds = len(os.listdir(f"/proc/{pid}/fd"))
        rows += [
            (f"lab up: {len(names)} devices (load inventory, build, listen)", f"{started:.1f} s"),
            ("  lab CPU at start", f"{cpu_seconds(pid):.1f} s"),
            ("  memory after start (RSS / peak)", f"{rss:.0f} / {hwm:.0f} MiB"),
            ("  file descriptors", f"{fds}"),
        ]
        random.seed(7)
        chosen = names if not args.devices else random.sample(names, args.devices)
        devices = targets(endpoints, chosen, args.v3)
        version = "v3 authPriv SHA/AES" if args.v3 else "v2c"
        second = (
            "views kept"
            if args.views in (0, None) or args.views >= len(devices)
            else "views rebuilt: --views < devices"
        )
        for label in ("first pass (views built)", f"second pass ({second})"):
            before = control.status(ep_file)
            cpu0, t0 = cpu_seconds(pid), time.perf_counter()
            varbinds, failures, _ = asyncio.run(poll(devices, args.concurrency))
            wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
            after = control.status(ep_file)
            requests = after["snmp_requests"] - before["snmp_requests"]
            builds = after["views"]["builds"] - before["views"]["builds"]
            rss, hwm = memory_mib(pid)
            rows += [
                (
                    f"SNMP {version} poll {label}: {len(devices)} devices, {failures} failed",
                    f"{wall:.1f} s wall, {cpu:.1f} s lab CPU",
                ),
                (
                    "  devices/s (wall | per lab CPU second)",
                    f"{len(devices) / wall:.0f} | {len(devices) / cpu:.0f}",
                ),
                (
                    "  requests/s (wall | per lab CPU second)",
                    f"{requests / wall:.0f} | {requests / cpu:.0f}",
                ),
                (
                    "  varbinds/s (wall | per lab CPU second)",
                    f"{varbinds / wall:.0f} | {varbinds / cpu:.0f}",
                ),
                (
                    "  views built / their CPU",
                    f"{builds} / {after['views']['build_cpu_seconds'] - before['views']['build_cpu_seconds']:.1f} s",
                ),
                ("  memory after (RSS / peak)", f"{rss:.0f} / {hwm:.0f} MiB"),
            ]
        sample = random.sample(names, min(args.ssh_sessions, len(names)))
        sample = [n for n in sample if not n.startswith(("dc-", "in-dc"))] or sample
        cpu0, t0 = cpu_seconds(pid), time.perf_counter()
        failures = asyncio.run(ssh_sessions(endpoints, sample, 16))
        wall, cpu = time.perf_counter() - t0, cpu_seconds(pid) - cpu0
        rows += [
            (
                f"SSH: {len(sample)} sessions (login + one command), {failures} failed",
                f"{wall:.1f} s wall, {cpu:.1f} s lab CPU",
            ),
            (
                "  sessions/s (wall | per lab CPU second)",
                f"{len(sample) / wall:.0f} | {len(sample) / cpu:.0f}",
            ),
        ]
    finally:
        control.down(ep_file)
        shutil.rmtree(work, ignore_errors=True)
    width = max(len(r[0]) for r in rows)
    print(f"\n{'measure':<{width}}  value")
    for label, value in rows:
        print(f"{label:<{width}}  {value}")
    print(f"\ncommand: {shlex.join([sys.executable, *sys.argv])}")
    print(f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
