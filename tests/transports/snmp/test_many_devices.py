"""Hundreds of simulated agents (our agent, in its own process) polled at once: none lost."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from netops.transports.snmp.client import SnmpClient
from netops.transports.targets import SnmpTarget
from tests.transports.snmp.agent_proc import address
from tests.transports.snmp.conftest import COMMUNITY, v3_target

DEVICES = 320
INTERFACES = 10
ROOT = Path(__file__).resolve().parents[3]
COLUMNS = [(1, 3, 6, 1, 2, 1, 2, 2, 1, c) for c in (1, 2, 3, 5, 6, 7, 8, 10)] + [
    (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, c) for c in (1, 6, 10, 15, 18)
]


@pytest.fixture(scope="module")
def province() -> Iterator[int]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.transports.snmp.agent_proc", str(DEVICES), str(INTERFACES)],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdin is not None
    port = int(proc.stdout.readline())
    yield port
    proc.stdin.close()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.mark.parametrize("version", ["2c", "3"])
def test_hundreds_of_agents_at_once_lose_none(province: int, version: str) -> None:
    targets = [
        SnmpTarget(f"sim{n}", address(n), province, "2c", community=COMMUNITY)
        if version == "2c"
        else v3_target(address(n), province)
        for n in range(DEVICES)
    ]

    async def poll_all() -> tuple[list, int]:
        async with SnmpClient() as client:
            results = await asyncio.gather(
                *(
                    client.walk(t, COLUMNS, max_repetitions=25, timeout=10, retries=0)
                    for t in targets
                ),
                return_exceptions=True,
            )
            return results, client.dropped

    results, dropped = asyncio.run(poll_all())
    failures = [r for r in results if isinstance(r, BaseException)]
    assert failures == []
    assert dropped == 0
    for n, result in enumerate(results):
        assert all(len(rows) == INTERFACES for rows in result.values()), n
        assert result[COLUMNS[-5]][0].value == b"GE0/0/1"
