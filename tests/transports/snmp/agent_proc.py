"""Run our agent in its own process (for tests and benchmarks that need a second core):
``python -m tests.transports.snmp.agent_proc DEVICES INTERFACES [--per-address]`` serves
DEVICES simulated switches at 127.1.x.y (one shared port, or one socket each on the same port number) that share one
view, prints the port(s) on the first line, serves until stdin closes, then prints a JSON line
of statistics (setup seconds, RSS, requests answered, CPU seconds while serving)."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

from netops.transports.snmp.agent import Agent, SimDevice
from tests.transports.snmp.conftest import COMMUNITY, interface_view, lab_users


def address(n: int) -> str:
    return f"127.1.{n // 250}.{n % 250 + 1}"


async def main(count: int, interfaces: int, per_address: bool) -> None:
    started = time.perf_counter()
    agent = Agent() if per_address else Agent(shared_port=0)
    await agent.start()
    users = lab_users()
    first = SimDevice("sim0", community=COMMUNITY, users=users)
    view = interface_view(first, interfaces, name="sim")
    port = 0 if per_address else None
    devices = []
    for n in range(count):
        device = first if n == 0 else SimDevice(f"sim{n}", community=COMMUNITY, users=users)
        device.view = view
        devices.append(device)
        bound = agent.add(device, address(n), port)[1]
        port = bound if per_address else None  # per-address: every device on the same port
    setup = time.perf_counter() - started
    print(agent.shared_port if not per_address else port, flush=True)
    cpu0 = time.process_time()
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.readline)
    cpu = time.process_time() - cpu0
    stats = {
        "setup_seconds": setup,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "requests": sum(d.requests for d in devices),
        "cpu": cpu,
    }
    print(json.dumps(stats), flush=True)
    await agent.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), "--per-address" in sys.argv))
