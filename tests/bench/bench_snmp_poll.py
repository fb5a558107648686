"""SNMP polling cost, side by side in one interleaved run (run by hand, as root):

    .venv/bin/python tests/bench/bench_snmp_poll.py [--rounds 5] [--polls 30]

A real 51-interface device: a network namespace holding a veth pair plus 49 bridge interfaces
(the kernel here has no ``dummy`` module) and lo, with net-snmp ``snmpd`` running inside it.
One device-poll = the 20 IF-MIB columns below + health (sysUpTime, UCD memory, hrProcessorLoad).
Measured per tool, rounds interleaved (tools in a different order each round):

- netops: our client (``netops.transports.snmp``), in a worker process, CPU of the poll loop;
- pysnmp 7.1: ``bulk_walk_cmd`` over the same columns + ``get_cmd``, same kind of worker;
- snmpbulkwalk: net-snmp's C tool, ifTable and ifXTable walked whole (2 processes + snmpget);
- snmp_exporter: Debian's prometheus-snmp-exporter scraped over HTTP (its process CPU).

Then losses with 256 and 1024 polls in flight (our client, one snmpd; a lost device = any
failure), and the devices per 60 s both cores can poll at netops' CPU cost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
NS = f"netops-bench-{os.getpid()}"
HOST_IP, DEV_IP = "10.213.77.1", "10.213.77.2"
COMMUNITY = "bench-ro"
USER, AUTH_KEY, PRIV_KEY = "bench", "benchauth123", "benchpriv123"
IF_TABLE = "1.3.6.1.2.1.2.2.1"
IF_X = "1.3.6.1.2.1.31.1.1.1"
COLUMNS = [
    f"{IF_TABLE}.{c}" for c in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 16, 17, 19, 20)
] + [f"{IF_X}.{c}" for c in (1, 6, 10)]
HEALTH_GET = ["1.3.6.1.2.1.1.3.0", "1.3.6.1.4.1.2021.4.5.0", "1.3.6.1.4.1.2021.4.6.0"]
HEALTH_WALK = "1.3.6.1.2.1.25.3.3.1.2"
MAX_REP = 25
ENV = {**os.environ, "MIBS": "", "MIBDIRS": "/nonexistent"}


def sh(*cmd: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, check=check)


# ---------------------------------------------------------------------------------- setup


def setup_device(folder: Path) -> subprocess.Popen[bytes]:
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "add", "nbh0", "type", "veth", "peer", "name", "nbd0")
    sh("ip", "link", "set", "nbd0", "netns", NS)
    sh("ip", "addr", "add", f"{HOST_IP}/30", "dev", "nbh0")
    # jumbo MTU: 20 KB GETBULK answers stay one frame instead of 14 IP fragments each, which
    # the veth backlog (netdev_max_backlog) drops in bursts of hundreds in flight
    sh("ip", "link", "set", "nbh0", "mtu", "65535", "up")
    ns = ["ip", "netns", "exec", NS]
    sh(*ns, "ip", "link", "set", "lo", "up")
    sh(*ns, "ip", "addr", "add", f"{DEV_IP}/30", "dev", "nbd0")
    sh(*ns, "ip", "link", "set", "nbd0", "mtu", "65535", "up")
    for i in range(1, 50):
        sh(*ns, "ip", "link", "add", f"ge0-0-{i}", "type", "bridge")
        sh(*ns, "ip", "link", "set", f"ge0-0-{i}", "up")
    count = len(sh(*ns, "ip", "-o", "link").stdout.splitlines())
    assert count == 51, f"{count} interfaces in the namespace"
    (folder / "snmpd.conf").write_text(
        f"agentAddress udp:{DEV_IP}:161\nrocommunity {COMMUNITY} {HOST_IP}\n"
        f'createUser {USER} SHA "{AUTH_KEY}" AES "{PRIV_KEY}"\nrouser {USER} priv\n'
        # 1024 requests in flight overflow snmpd's default 208 KB socket buffer (the agent
        # would lose them, not the poller): give it what the poller gets
        "[snmp] serverRecvBuf 4194304\n[snmp] serverSendBuf 4194304\n"
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
        )
        if r.returncode == 0:
            return proc
    raise SystemExit("snmpd did not start in the namespace")


def teardown(proc: subprocess.Popen[bytes] | None) -> None:
    if proc is not None:
        proc.terminate()
        proc.wait(5)
    sh("ip", "link", "del", "nbh0", check=False)
    sh("ip", "netns", "del", NS, check=False)


def start_exporter(folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    def metrics() -> list[dict[str, Any]]:
        out = []
        for oid in COLUMNS:
            col = int(oid.rsplit(".", 1)[1])
            kind = "gauge"
            if (oid.startswith(IF_X) and col == 1) or oid == f"{IF_TABLE}.2":
                kind = "DisplayString"
            elif oid == f"{IF_TABLE}.6":
                kind = "PhysAddress48"
            elif (oid.startswith(IF_TABLE) and col >= 10) or oid.startswith(IF_X):
                kind = "counter"
            out.append(
                {
                    "name": "c_" + oid.replace(".", "_"),
                    "oid": oid,
                    "type": kind,
                    "indexes": [{"labelname": "ifIndex", "type": "gauge"}],
                }
            )
        out += [
            {"name": "h_" + o.replace(".", "_"), "oid": o.rsplit(".", 1)[0], "type": "gauge"}
            for o in HEALTH_GET
        ]
        out.append(
            {
                "name": "hr_cpu",
                "oid": HEALTH_WALK,
                "type": "gauge",
                "indexes": [{"labelname": "hrDeviceIndex", "type": "gauge"}],
            }
        )
        return out

    base = {
        "walk": [*COLUMNS, HEALTH_WALK],
        "get": HEALTH_GET,
        "metrics": metrics(),
        "max_repetitions": MAX_REP,
        "retries": 1,
        "timeout": "5s",
    }
    config = {
        "bench_v2c": {**base, "version": 2, "auth": {"community": COMMUNITY}},
        "bench_v3": {
            **base,
            "version": 3,
            "auth": {
                "username": USER,
                "security_level": "authPriv",
                "password": AUTH_KEY,
                "auth_protocol": "SHA",
                "priv_protocol": "AES",
                "priv_password": PRIV_KEY,
            },
        },
    }
    (folder / "snmp.yml").write_text(json.dumps(config))  # JSON is YAML
    sock = __import__("socket").socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen(
        [
            "prometheus-snmp-exporter",
            f"--config.file={folder / 'snmp.yml'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--log.level=error",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1).read()
            return proc, port
        except OSError:
            time.sleep(0.05)
    raise SystemExit("snmp_exporter did not start")


def udp_errors(netns: str | None = None) -> int:
    """RcvbufErrors of UDP in the root namespace or in ``netns``."""
    cmd = (
        ["cat", "/proc/net/snmp"]
        if netns is None
        else ["ip", "netns", "exec", netns, "cat", "/proc/net/snmp"]
    )
    rows = [line.split() for line in sh(*cmd).stdout.splitlines() if line.startswith("Udp:")]
    return int(rows[1][rows[0].index("RcvbufErrors")])


def proc_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


# ---------------------------------------------------------------------------------- workers


def parse(o: str) -> tuple[int, ...]:
    return tuple(int(x) for x in o.split("."))


async def worker_netops(
    version: str, polls: int, concurrency: int, timeout: float
) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from netops.transports.snmp.client import SnmpClient
    from netops.transports.targets import SnmpTarget

    target = (
        SnmpTarget("bench", DEV_IP, 161, "2c", community=COMMUNITY)
        if version == "2c"
        else SnmpTarget(
            "bench",
            DEV_IP,
            161,
            "3",
            user=USER,
            auth_protocol="SHA",
            auth_key=AUTH_KEY,
            priv_protocol="AES",
            priv_key=PRIV_KEY,
        )
    )
    columns = [parse(c) for c in COLUMNS]
    health = [parse(o) for o in HEALTH_GET]
    failures: dict[str, int] = {}
    varbinds = 0
    async with SnmpClient() as client:
        await client.get(target, health)  # discovery and key localisation outside the timing
        sem = asyncio.Semaphore(concurrency)

        async def poll() -> None:
            nonlocal varbinds
            async with sem:
                try:
                    walked = await client.walk(
                        target, columns, max_repetitions=MAX_REP, timeout=timeout, retries=0
                    )
                    got = await client.get(target, health, timeout=timeout, retries=0)
                    cpu = await client.walk(
                        target, [parse(HEALTH_WALK)], timeout=timeout, retries=0
                    )
                    varbinds += (
                        sum(map(len, walked.values())) + len(got) + sum(map(len, cpu.values()))
                    )
                except Exception as exc:
                    reason = getattr(exc, "reason", type(exc).__name__)
                    failures[reason] = failures.get(reason, 0) + 1

        cpu0, wall0 = time.process_time(), time.perf_counter()
        await asyncio.gather(*(poll() for _ in range(polls)))
        cpu1, wall1 = time.process_time(), time.perf_counter()
        dropped = client.dropped
    return {
        "cpu": cpu1 - cpu0,
        "wall": wall1 - wall0,
        "polls": polls,
        "varbinds": varbinds,
        "failures": failures,
        "dropped": dropped,
    }


async def worker_pysnmp(
    version: str, polls: int, concurrency: int, timeout: float
) -> dict[str, Any]:
    from pysnmp.hlapi.v3arch.asyncio import (
        CommunityData,
        ContextData,
        EndOfMibView,
        ObjectIdentity,
        ObjectType,
        SnmpEngine,
        UdpTransportTarget,
        UsmUserData,
        bulk_cmd,
        get_cmd,
        usmAesCfb128Protocol,
        usmHMACSHAAuthProtocol,
    )

    engine = SnmpEngine()
    auth = (
        CommunityData(COMMUNITY, mpModel=1)
        if version == "2c"
        else UsmUserData(
            USER,
            AUTH_KEY,
            PRIV_KEY,
            authProtocol=usmHMACSHAAuthProtocol,
            privProtocol=usmAesCfb128Protocol,
        )
    )
    transport = await UdpTransportTarget.create((DEV_IP, 161), timeout=timeout, retries=0)
    failures: dict[str, int] = {}
    varbinds = 0

    async def walk(columns: list[str]) -> int:
        """A multi-column GETBULK walk with bulk_cmd (bulk_walk_cmd takes one column only)."""
        roots = [parse(c) for c in columns]
        cursor = dict(zip(roots, roots, strict=True))
        active = list(roots)
        count = 0
        while active:
            objs = [ObjectType(ObjectIdentity(".".join(map(str, cursor[c])))) for c in active]
            error, status, _, vbs = await bulk_cmd(
                engine, auth, transport, ContextData(), 0, MAX_REP, *objs
            )
            if error or status:
                raise RuntimeError(str(error or status))
            done = [False] * len(active)
            for i, (name, value) in enumerate(vbs):
                k = i % len(active)
                oid = tuple(name)
                col = active[k]
                if done[k] or oid[: len(col)] != col or isinstance(value, EndOfMibView):
                    done[k] = True
                    continue
                cursor[col] = oid
                count += 1
            active = [c for k, c in enumerate(active) if not done[k]]
        return count

    async def poll() -> None:
        nonlocal varbinds
        try:
            walked = await walk(COLUMNS)  # (no `x += await ...`: concurrent polls would race)
            _error, _status, _, vbs = await get_cmd(
                engine,
                auth,
                transport,
                ContextData(),
                *[ObjectType(ObjectIdentity(o)) for o in HEALTH_GET],
            )
            cpu = await walk([HEALTH_WALK])
            varbinds += walked + len(vbs) + cpu
        except Exception as exc:
            failures[type(exc).__name__] = failures.get(type(exc).__name__, 0) + 1

    await poll()  # discovery outside the timing
    varbinds = 0
    sem = asyncio.Semaphore(concurrency)

    async def limited() -> None:
        async with sem:
            await poll()

    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.gather(*(limited() for _ in range(polls)))
    cpu1, wall1 = time.process_time(), time.perf_counter()
    engine.close_dispatcher()
    return {
        "cpu": cpu1 - cpu0,
        "wall": wall1 - wall0,
        "polls": polls,
        "varbinds": varbinds,
        "failures": failures,
    }


def run_worker(
    tool: str, version: str, polls: int, concurrency: int = 8, timeout: float = 5.0
) -> dict[str, Any]:
    r = subprocess.run(
        [
            sys.executable,
            __file__,
            "--worker",
            tool,
            "--version",
            version,
            "--polls",
            str(polls),
            "--concurrency",
            str(concurrency),
            "--timeout",
            str(timeout),
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if r.returncode:
        raise SystemExit(f"{tool} worker failed: {r.stderr[-2000:]}")
    return json.loads(r.stdout.strip().splitlines()[-1])


def run_bulkwalk(version: str, polls: int) -> dict[str, Any]:
    auth = (
        ["-v2c", "-c", COMMUNITY]
        if version == "2c"
        else [
            "-v3",
            "-l",
            "authPriv",
            "-u",
            USER,
            "-a",
            "SHA",
            "-A",
            AUTH_KEY,
            "-x",
            "AES",
            "-X",
            PRIV_KEY,
        ]
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    varbinds = 0
    t0 = time.perf_counter()
    for _ in range(polls):
        for tree in ("1.3.6.1.2.1.2.2", "1.3.6.1.2.1.31.1.1", HEALTH_WALK):
            r = subprocess.run(
                ["snmpbulkwalk", *auth, "-On", f"-Cr{MAX_REP}", DEV_IP, tree],
                capture_output=True,
                text=True,
                env=ENV,
                check=True,
            )
            varbinds += r.stdout.count("\n.") + 1
        r = subprocess.run(
            ["snmpget", *auth, "-On", DEV_IP, *HEALTH_GET],
            capture_output=True,
            text=True,
            env=ENV,
            check=True,
        )
        varbinds += len(HEALTH_GET)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return {"cpu": cpu, "wall": wall, "polls": polls, "varbinds": varbinds, "failures": {}}


def run_exporter(pid: int, port: int, version: str, polls: int) -> dict[str, Any]:
    url = f"http://127.0.0.1:{port}/snmp?target={DEV_IP}&module=bench_v{version}"
    cpu0 = proc_cpu(pid)
    t0 = time.perf_counter()
    failures: dict[str, int] = {}
    samples = 0
    for _ in range(polls):
        try:
            body = urllib.request.urlopen(url, timeout=30).read().decode()
        except urllib.error.HTTPError as exc:
            raise SystemExit(f"snmp_exporter: {exc.read().decode()[:500]}") from None
        samples += sum(1 for line in body.splitlines() if line.startswith(("c_", "h_", "hr_")))
        if "snmp_scrape_pdus_returned" not in body:
            failures["scrape"] = failures.get("scrape", 0) + 1
    return {
        "cpu": proc_cpu(pid) - cpu0,
        "wall": time.perf_counter() - t0,
        "polls": polls,
        "varbinds": samples,
        "failures": failures,
    }


# ---------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--polls", type=int, default=30, help="device-polls per tool per round")
    parser.add_argument("--pysnmp-polls", type=int, default=6)
    parser.add_argument("--inflight", default="256,1024")
    parser.add_argument("--worker")
    parser.add_argument("--version", default="2c")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--timeout", type=float, default=5.0)
    args = parser.parse_args()
    if args.worker:
        fn = worker_netops if args.worker == "netops" else worker_pysnmp
        print(json.dumps(asyncio.run(fn(args.version, args.polls, args.concurrency, args.timeout))))
        return
    if os.geteuid() != 0 or shutil.which("prometheus-snmp-exporter") is None:
        raise SystemExit("run as root with snmpd, snmp and prometheus-snmp-exporter installed")
    folder = Path(tempfile.mkdtemp(prefix="netops-bench-snmp-"))
    snmpd = exporter = None
    try:
        snmpd = setup_device(folder)
        exporter, port = start_exporter(folder)
        tools = {
            "netops": lambda v: run_worker("netops", v, args.polls),
            "pysnmp": lambda v: run_worker("pysnmp", v, args.pysnmp_polls),
            "snmpbulkwalk": lambda v: run_bulkwalk(v, args.polls),
            "snmp_exporter": lambda v: run_exporter(exporter.pid, port, v, args.polls),
        }
        samples: dict[tuple[str, str], list[dict[str, Any]]] = {}
        for rnd in range(args.rounds):
            order = [(t, v) for t in tools for v in ("2c", "3")]
            random.Random(rnd).shuffle(order)
            for tool, version in order:
                samples.setdefault((tool, version), []).append(tools[tool](version))
            print(f"round {rnd + 1}/{args.rounds} done", file=sys.stderr)
        rows = []
        for (tool, version), runs in sorted(samples.items()):
            per_poll = [r["cpu"] / r["polls"] * 1000 for r in runs]
            vb = statistics.median(r["varbinds"] / r["polls"] for r in runs)
            fails = sum(sum(r["failures"].values()) for r in runs)
            rows.append(
                (
                    tool,
                    version,
                    statistics.median(per_poll),
                    min(per_poll),
                    max(per_poll),
                    vb,
                    fails,
                )
            )
        exp = {
            v: next(r[2] for r in rows if r[0] == "snmp_exporter" and r[1] == v)
            for v in ("2c", "3")
        }
        print(f"\n$ {' '.join(sys.argv)}")
        print("51-interface snmpd in a network namespace; poll = 20 IF-MIB columns + health\n")
        print(
            f"{'tool':<14}{'ver':<5}{'CPU ms/poll (median)':>22}{'min':>8}{'max':>8}{'values/poll':>13}{'failures':>10}{'vs exporter':>13}"
        )
        for tool, version, med, lo, hi, vb, fails in rows:
            print(
                f"{tool:<14}{version:<5}{med:>22.1f}{lo:>8.1f}{hi:>8.1f}{vb:>13.0f}{fails:>10}{med / exp[version]:>13.2f}"
            )
        print("\nlosses with N polls in flight (netops, one snmpd, timeout 60 s, no retries):")
        for n in (int(x) for x in args.inflight.split(",")):
            for version in ("2c", "3"):
                ours, theirs = udp_errors(), udp_errors(NS)
                r = run_worker("netops", version, n, concurrency=n, timeout=60)
                lost = sum(r["failures"].values())
                print(
                    f"  {n:>5} in flight v{version}: {lost} lost of {n} ({r['failures'] or 'none'}), "
                    f"UDP receive-buffer drops: poller side {udp_errors() - ours}, agent side "
                    f"{udp_errors(NS) - theirs}; {r['wall']:.1f} s wall, {r['cpu'] / n * 1000:.1f} ms CPU/poll"
                )
        for version in ("2c", "3"):
            med = next(r[2] for r in rows if r[0] == "netops" and r[1] == version)
            print(
                f"netops v{version}: {120 / (med / 1000):,.0f} device-polls per 60 s on 2 cores (one worker per core, CPU-bound estimate; agents elsewhere)"
            )
    finally:
        if exporter is not None:
            exporter.terminate()
            exporter.wait(5)
        teardown(snmpd)
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
