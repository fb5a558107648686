"""Poller behaviour that needs a misbehaving agent on demand: recorded walks replayed through
a transport that fails or stalls where the test says (a mock of the wire, as DESIGN.md §2 asks:
the real agents are covered in test_snmp_poller.py)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from netops.collectors.recorded import ReplayClient, load_walk
from netops.collectors.snmp_poller import SnmpPoller
from netops.collectors.snmp_profiles import load_snmp_profiles
from netops.credentials import load_secrets
from netops.endpoints import DeviceEndpoints, SnmpEndpoint
from netops.errors import TransportError
from netops.inventory import Inventory
from netops.settings import SnmpSettings
from tests.conftest import ROOT

PROFILES = load_snmp_profiles(ROOT / "collectors")
WALK = load_walk(ROOT / "tests" / "collectors" / "snmp" / "devices" / "huawei_vrp.snmprec")
LLDP_REM = (1, 0, 8802, 1, 1, 2, 1, 4, 1, 1)


class Flaky(ReplayClient):
    def __init__(self, fail_under: tuple[int, ...] | None = None, stall: float = 0.0) -> None:
        super().__init__({"core-1": WALK})
        self.fail_under = fail_under
        self.stall = stall

    async def walk(self, target: Any, columns: Any, **kw: Any) -> Any:
        if self.stall:
            await asyncio.sleep(self.stall)
        if self.fail_under and any(c[: len(self.fail_under)] == self.fail_under for c in columns):
            raise TransportError("partial", f"{target.device}: agent stopped answering mid-walk")
        return await super().walk(target, columns, **kw)


def poll(reference: Inventory, client: Any, settings: SnmpSettings) -> Any:
    endpoints = {"core-1": DeviceEndpoints(snmp=SnmpEndpoint(host="127.0.0.1", community="x"))}
    poller = SnmpPoller(
        reference, PROFILES, settings, client, load_secrets(None), endpoints=endpoints
    )
    return asyncio.run(poller.poll_device(reference.device("core-1")))


def test_a_failed_walk_keeps_what_was_fetched(reference: Inventory) -> None:
    result = poll(reference, Flaky(fail_under=LLDP_REM), SnmpSettings())
    assert not result.result.ok and result.result.reason == "partial"
    assert "lldp" not in result.records  # its walk failed: the previous LLDP records stay
    assert result.records["system"][0].sys_name == "core-1"
    assert {i.name for i in result.records["interface"]} >= {"XGigabitEthernet1/0/1"}


def test_a_stalling_device_is_cut_off_at_its_deadline(reference: Inventory) -> None:
    t0 = time.perf_counter()
    result = poll(reference, Flaky(stall=5.0), SnmpSettings(device_timeout=0.3))
    assert time.perf_counter() - t0 < 2.0
    assert not result.result.ok and result.result.reason == "timeout"
    assert "snmp.device_timeout" in (result.result.error or "")


def test_records_from_the_recorded_core(reference: Inventory) -> None:
    result = poll(reference, Flaky(), SnmpSettings())
    assert result.result.ok and not result.result.warnings
    counts = result.result.record_counts
    assert counts["vrf"] == 2 and counts["bgp_peer"] == 2 and counts["health"] == 2
