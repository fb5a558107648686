"""Run our agent in its own process (for tests and benchmarks that need a second core):
``python agent_proc.py DEVICES INTERFACES [--per-address]`` serves DEVICES simulated switches at
127.1.x.y (shared port, or one socket each), prints ``PORT`` and serves until stdin closes."""

from __future__ import annotations

import asyncio
import sys

from netops.transports.snmp.agent import Agent, SimDevice
from tests.transports.snmp.conftest import COMMUNITY, interface_view, lab_users


def address(n: int) -> str:
    return f"127.1.{n // 250}.{n % 250 + 1}"


async def main(count: int, interfaces: int, per_address: bool) -> None:
    agent = Agent() if per_address else Agent(shared_port=0)
    await agent.start()
    users = lab_users()
    ports = set()
    for n in range(count):
        device = SimDevice(f"sim{n}", community=COMMUNITY, users=users)
        device.view = interface_view(device, interfaces, name=f"sim{n}")
        ports.add(agent.add(device, address(n), 0 if per_address else None)[1])
    print(agent.shared_port if not per_address else ",".join(map(str, sorted(ports))), flush=True)
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    await agent.stop()


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), int(sys.argv[2]), "--per-address" in sys.argv))
