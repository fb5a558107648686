"""How fast our lab agent serves, and what scales to the 15,000-device province (run by hand):

    .venv/bin/python tests/bench/bench_snmp_agent.py [--devices 15000] [--seconds 10]

For each socket layout (one shared 0.0.0.0 socket dispatching on IP_PKTINFO vs one socket per
device address) an agent process serves DEVICES 51-interface switches sharing one view; our
client (this process, the other core) walks 20 IF-MIB columns of random devices, 256 in flight
(v2c, then v3 authPriv). Reported: setup time and memory, and per agent CPU-second the
requests and varbinds it answered (one core).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from netops.transports.snmp.client import SnmpClient  # noqa: E402
from netops.transports.targets import SnmpTarget  # noqa: E402
from tests.transports.snmp.agent_proc import address  # noqa: E402
from tests.transports.snmp.conftest import COMMUNITY, v3_target  # noqa: E402

COLUMNS = [(1, 3, 6, 1, 2, 1, 2, 2, 1, c) for c in (1, 2, 3, 5, 6, 7, 8, 10)] + [
    (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, c) for c in (1, 6, 10, 15, 18)
]


async def load(devices: int, port: int, version: str, seconds: float) -> tuple[int, int, int]:
    def target(n: int) -> SnmpTarget:
        if version == "2c":
            return SnmpTarget(f"sim{n}", address(n), port, "2c", community=COMMUNITY)
        return v3_target(address(n), port)

    walks = varbinds = failures = 0
    deadline = time.monotonic() + seconds
    async with SnmpClient() as client:

        async def worker() -> None:
            nonlocal walks, varbinds, failures
            while time.monotonic() < deadline:
                try:
                    result = await client.walk(
                        target(random.randrange(devices)), COLUMNS, timeout=5, retries=1
                    )
                    walks += 1
                    varbinds += sum(map(len, result.values()))
                except Exception:
                    failures += 1

        await asyncio.gather(*(worker() for _ in range(256)))
    return walks, varbinds, failures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--devices", type=int, default=15000)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()
    resource.setrlimit(resource.RLIMIT_NOFILE, (resource.getrlimit(resource.RLIMIT_NOFILE)[1],) * 2)
    print(f"$ {' '.join([Path(sys.executable).name, *sys.argv])}")
    print(
        f"{'layout':<14}{'ver':<5}{'setup s':>9}{'RSS MB':>8}{'req/s/core':>12}{'varbinds/s/core':>17}{'walks':>8}{'failed':>8}"
    )
    for per_address in (False, True):
        for version in ("2c", "3"):
            proc = subprocess.Popen(
                [sys.executable, "-m", "tests.transports.snmp.agent_proc", str(args.devices), "51", *(["--per-address"] if per_address else [])],
                cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
            )  # fmt: skip
            assert proc.stdout and proc.stdin
            port = int(proc.stdout.readline())
            walks, varbinds, failures = asyncio.run(load(args.devices, port, version, args.seconds))
            proc.stdin.write("\n")
            proc.stdin.flush()
            stats = json.loads(proc.stdout.readline())
            proc.stdin.close()
            proc.wait(30)
            cpu = stats["cpu"]
            layout = "per-address" if per_address else "shared+PKTINFO"
            print(
                f"{layout:<14}{version:<5}{stats['setup_seconds']:>9.1f}{stats['rss_mb']:>8.0f}"
                f"{stats['requests'] / cpu:>12,.0f}{varbinds / cpu:>17,.0f}{walks:>8}{failures:>8}"
            )


if __name__ == "__main__":
    main()
