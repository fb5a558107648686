"""SNMP collection end to end (poll + map + rates + store), run by hand as root:

    .venv/bin/python tests/bench/bench_snmp_collect.py [--rounds 3] [--version 2c|3|both]

The protocol engineer's ``bench_snmp_poll.py`` measures the client alone against
snmp_exporter, snmpbulkwalk and pysnmp; this one measures what a device-poll costs once the
records are made and saved. The device: net-snmp ``snmpd`` in a network namespace with 51
interfaces (veth + 49 bridges + lo). Every device of the reference inventory (159, all five
platform profiles) is pointed at it through an endpoints file, so one round is 159 full
device-polls with each platform's whole profile (IF-MIB, ENTITY, LLDP, ARP, routes, VRFs,
BGP, VRRP, health: what the profile asks, whatever the agent has).

Measured in a worker process (CPU = user+sys of that process, writer thread included):
- fetch: the client's GET + walks of each profile's plan, nothing else;
- full: ``SnmpPoller.poll_many`` + ``save_polls`` into SQLite (what ``netops poll`` does);
- map, store: the mapping and the SQLite write of the same data, timed alone.
Then devices per minute: 2 cores x 60 s / CPU per device-poll, and the wall time of
``netops poll --once`` (2 worker processes, start-up included) over the 159 devices.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
NS = f"netops-collect-bench-{os.getpid()}"
HOST_IP, DEV_IP = "10.213.78.1", "10.213.78.2"
COMMUNITY, USER, AUTH_KEY, PRIV_KEY = "collect-ro", "collect", "collectauth123", "collectpriv123"
ENV = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent", "SNMPCONFPATH": "/nonexistent"}


def sh(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=check)


def setup_device(folder: Path) -> subprocess.Popen[bytes]:
    """snmpd inside a namespace holding 51 interfaces, reachable at DEV_IP."""
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "add", "ncb0", "type", "veth", "peer", "name", "ncd0")
    sh("ip", "link", "set", "ncd0", "netns", NS)
    sh("ip", "addr", "add", f"{HOST_IP}/30", "dev", "ncb0")
    sh("ip", "link", "set", "ncb0", "mtu", "65535", "up")  # big GETBULK replies in one frame
    ns = ["ip", "netns", "exec", NS]
    sh(*ns, "ip", "link", "set", "lo", "up")
    sh(*ns, "ip", "addr", "add", f"{DEV_IP}/30", "dev", "ncd0")
    sh(*ns, "ip", "link", "set", "ncd0", "mtu", "65535", "up")
    for i in range(1, 50):
        sh(*ns, "ip", "link", "add", f"xge-{i}", "type", "bridge")
        sh(*ns, "ip", "link", "set", f"xge-{i}", "up")
    (folder / "snmpd.conf").write_text(
        f"agentAddress udp:{DEV_IP}:161\nrocommunity {COMMUNITY} {HOST_IP}\n"
        f'createUser {USER} SHA "{AUTH_KEY}" AES "{PRIV_KEY}"\nrouser {USER} priv\n'
    )
    proc = subprocess.Popen(
        [*ns, "/usr/sbin/snmpd", "-f", "-Lf", str(folder / "snmpd.log"), "-C", "-c",
         str(folder / "snmpd.conf"), "-p", str(folder / "snmpd.pid"), "-M", "/nonexistent"],
        env={**ENV, "SNMP_PERSISTENT_DIR": str(folder / "persist")},
    )  # fmt: skip
    for _ in range(100):
        r = subprocess.run(
            [
                "snmpget",
                "-v2c",
                "-c",
                COMMUNITY,
                "-t",
                "0.2",
                "-r",
                "0",
                DEV_IP,
                "1.3.6.1.2.1.1.3.0",
            ],
            capture_output=True,
            env=ENV,
            check=False,
        )
        if r.returncode == 0:
            return proc
    raise SystemExit("snmpd did not start in the namespace")


def teardown(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None:
        proc.terminate()
        proc.wait(5)
    sh("ip", "link", "del", "ncb0", check=False)
    sh("ip", "netns", "del", NS, check=False)


def endpoints_file(folder: Path, version: str) -> Path:
    from netops.inventory import load_inventory

    inv = load_inventory(ROOT / "inventory" / "district")
    if version == "2c":
        snmp: dict[str, Any] = {"host": DEV_IP, "port": 161, "community": COMMUNITY}
    else:
        snmp = {"host": DEV_IP, "port": 161, "user": USER, "auth_protocol": "SHA",
                "priv_protocol": "AES", "auth_key": AUTH_KEY, "priv_key": PRIV_KEY}  # fmt: skip
    path = folder / f"endpoints-{version}.json"
    path.write_text(json.dumps({d.name: {"snmp": snmp} for d in inv.devices}))
    return path


def cpu() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def measure(args: tuple[str, int, str]) -> dict[str, Any]:
    """In a fresh worker process: fetch-only, full path, and map/store alone."""
    endpoints, rounds, db = args
    from netops.collectors.snmp_map import Fetched, map_records
    from netops.collectors.snmp_poller import SnmpPoller
    from netops.collectors.snmp_profiles import load_snmp_profiles
    from netops.collectors.targets import snmp_target
    from netops.collectors.writer import save_polls
    from netops.credentials import load_secrets
    from netops.endpoints import load_endpoints
    from netops.inventory import load_inventory
    from netops.settings import SnmpSettings
    from netops.store import Store
    from netops.transports.snmp.client import SnmpClient

    inv = load_inventory(ROOT / "inventory" / "district")
    profiles = load_snmp_profiles(ROOT / "collectors")
    eps = load_endpoints(Path(endpoints))
    secrets = load_secrets(None)
    settings = SnmpSettings(timeout=5.0, retries=1, concurrency=32)
    store = Store(f"sqlite:///{db}")
    devices = list(inv.devices)
    out: dict[str, Any] = {"devices": len(devices), "rounds": rounds}

    async def fetch_only(client: SnmpClient) -> tuple[int, list[Any]]:
        limit = asyncio.Semaphore(settings.concurrency)
        varbinds = 0
        kept: list[Any] = []

        async def one(device: Any) -> None:
            nonlocal varbinds
            profile = profiles[device.platform.value]
            target = snmp_target(inv, device, secrets, eps)
            async with limit:
                scalars = await client.get(target, list(profile.plan.scalars.values()))
                walks = {}
                for table, cols in profile.plan.tables.items():
                    walks[table] = await client.walk(target, list(cols.values()))
            varbinds += len(scalars) + sum(len(v) for w in walks.values() for v in w.values())
            kept.append(
                (device, profile, dict(zip(profile.plan.scalars, scalars, strict=True)), walks)
            )

        await asyncio.gather(*(one(d) for d in devices))
        return varbinds, kept

    async def run() -> None:
        async with SnmpClient() as client:
            await fetch_only(client)  # warm-up: engine discovery, imports, caches
            c0, t0 = cpu(), time.perf_counter()
            total_vb = 0
            kept: list[Any] = []
            for _ in range(rounds):
                vb, kept = await fetch_only(client)
                total_vb += vb
            out["fetch_cpu"] = cpu() - c0
            out["fetch_wall"] = time.perf_counter() - t0
            out["varbinds_per_poll"] = total_vb / (rounds * len(devices))
            profiler = None
            if os.environ.get("BENCH_PROFILE"):
                import cProfile

                profiler = cProfile.Profile()
                profiler.enable()
            c0 = cpu()
            for _ in range(rounds):
                for device, profile, scalars, walks in kept:
                    fetched = Fetched.build(profile.section, scalars, walks)
                    map_records(profile.section, fetched, device.name)
            out["map_cpu"] = cpu() - c0
            if profiler is not None:
                profiler.disable()
                profiler.dump_stats(os.environ["BENCH_PROFILE"])
            poller = SnmpPoller(
                inv, profiles, settings, client, secrets, endpoints=eps, store=store
            )
            polls = await poller.poll_many(devices)
            save_polls(store, polls)  # warm-up and previous counters for rates
            c0, t0 = cpu(), time.perf_counter()
            failures = 0
            store_cpu = 0.0
            for _ in range(rounds):
                polls = await poller.poll_many(devices)
                failures += sum(not p.result.ok for p in polls)
                s0 = cpu()
                save_polls(store, polls)
                store_cpu += cpu() - s0
            out["full_cpu"] = cpu() - c0
            out["full_wall"] = time.perf_counter() - t0
            out["store_cpu"] = store_cpu
            out["failures"] = failures
            out["records_per_poll"] = sum(
                sum(p.result.record_counts.values()) for p in polls
            ) / len(polls)

    asyncio.run(run())
    store.close()
    return out


def cli_once(endpoints: Path, folder: Path) -> tuple[float, int]:
    # one snmpd stands in for 159 agents: 16 in flight per worker (32 in all), as in measure()
    env = {**os.environ, "NETOPS_STATE_DIR": str(folder / "cli-state"), "NETOPS_SNMP__TIMEOUT": "5",
           "NETOPS_SNMP__CONCURRENCY": "16", "NETOPS_SNMP__WORKERS": "2"}  # fmt: skip
    t0 = time.perf_counter()
    r = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "netops"), "poll", "--once", "--json", "-e", str(endpoints)],
        capture_output=True, text=True, env=env, cwd=ROOT, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    entries = json.loads(r.stdout)
    return wall, sum(not e["ok"] for e in entries)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--version", choices=["2c", "3", "both"], default="both")
    args = parser.parse_args()
    if os.geteuid() != 0:
        raise SystemExit("run as root (network namespace)")
    folder = Path(tempfile.mkdtemp(prefix="netops-collect-bench-"))
    proc = None
    rows = []
    try:
        proc = setup_device(folder)
        versions = ["2c", "3"] if args.version == "both" else [args.version]
        for version in versions:
            eps = endpoints_file(folder, version)
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
                m = pool.submit(
                    measure, (str(eps), args.rounds, str(folder / f"b{version}.db"))
                ).result()
            wall, failed = cli_once(eps, folder)
            polls = m["devices"] * m["rounds"]
            per = m["full_cpu"] / polls
            rows.append(
                (version, m["varbinds_per_poll"], m["records_per_poll"], 1000 * m["fetch_cpu"] / polls,
                 1000 * m["map_cpu"] / polls, 1000 * m["store_cpu"] / polls, 1000 * per,
                 2 * 60 / per, polls * 60 / m["full_wall"], m["devices"] * 60 / wall,
                 m["failures"] + failed)
            )  # fmt: skip
    finally:
        teardown(proc)
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\ncommand: .venv/bin/python tests/bench/bench_snmp_collect.py --rounds {args.rounds} --version {args.version}"
    )
    print("159 reference devices -> one 51-interface net-snmp snmpd; CPU per device-poll in ms\n")
    head = ("snmp", "varbinds/poll", "records/poll", "fetch ms", "map ms", "store ms", "full ms",
            "dev/min 2 cores by CPU", "dev/min 1 process wall", "dev/min `poll --once` wall",
            "failed")  # fmt: skip
    print(" | ".join(head))
    for row in rows:
        print(" | ".join([row[0], f"{row[1]:.0f}", f"{row[2]:.0f}", *(f"{x:.1f}" for x in row[3:7]),
                          f"{row[7]:.0f}", f"{row[8]:.0f}", f"{row[9]:.0f}", str(row[10])]))  # fmt: skip
    load = os.getloadavg()
    print(
        f"\nload average during the run (other work on this machine skews wall times): {load[0]:.1f}"
    )


if __name__ == "__main__":
    main()
