"""The poller against a real net-snmp snmpd: v2c, v3 authPriv, a wrong key, a dead port."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import pytest

from netops.collectors.metrics import families
from netops.collectors.snmp_poller import SnmpPoller, in_shard, parse_shard, shard_of
from netops.collectors.snmp_profiles import load_snmp_profiles
from netops.collectors.writer import save_polls
from netops.credentials import load_secrets
from netops.endpoints import load_endpoints
from netops.inventory import Inventory
from netops.models import Interface
from netops.settings import SnmpSettings
from netops.store import Store
from netops.transports.snmp.client import SnmpClient
from tests.conftest import ROOT

PROFILES = load_snmp_profiles(ROOT / "collectors")
FAST = SnmpSettings(timeout=0.5, retries=0, interval=60.0, device_timeout=10.0)


def _poll(reference: Inventory, endpoints: Path, names: list[str], store: Store | None = None):
    poller_store = store

    async def run():
        async with SnmpClient() as client:
            poller = SnmpPoller(
                reference,
                PROFILES,
                FAST,
                client,
                load_secrets(None),
                endpoints=load_endpoints(endpoints),
                store=poller_store,
            )
            return await poller.poll_many([reference.device(n) for n in names]), poller

    return asyncio.run(run())


def test_one_cycle_v2c_v3_wrong_key_and_dead_device(
    reference: Inventory, endpoints_file: Path
) -> None:
    t0 = time.perf_counter()
    polls, _ = _poll(reference, endpoints_file, ["dc-db-1", "dc-db-2", "dc-app-1", "dc-app-2"])
    elapsed = time.perf_counter() - t0
    by = {p.device: p for p in polls}
    for name in ("dc-db-1", "dc-db-2"):  # v2c and v3 authPriv: same agent, same facts
        r = by[name]
        assert r.result.ok, r.result.error
        system = r.records["system"][0]
        assert system.sys_name == "dut-snmpd"
        assert system.uptime_seconds is not None and system.uptime_seconds >= 0
        names = {i.name for i in r.records["interface"] if isinstance(i, Interface)}
        assert "lo" in names
        lo = next(i for i in r.records["interface"] if i.name == "lo")
        assert lo.oper_status == "up" and lo.counter_bits in (32, 64)
        health = r.records["health"][0]
        assert health.memory_percent is not None and 0 < health.memory_percent < 100
        assert r.records["route"], "net-snmp exports the kernel routing table"
    wrong = by["dc-app-1"].result
    assert not wrong.ok and wrong.reason == "auth"
    assert "collect-auth" not in (wrong.error or "") and "not-the-right-key" not in (
        wrong.error or ""
    )
    dead = by["dc-app-2"].result
    assert not dead.ok and dead.reason == "timeout"
    assert by["dc-app-2"].records == {}
    assert elapsed < 5, "the dead device must not stall the others"


def test_rates_across_two_polls_and_metrics(
    reference: Inventory, endpoints_file: Path, tmp_path: Path
) -> None:
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    try:
        first, _ = _poll(reference, endpoints_file, ["dc-db-1", "dc-app-2"], store)
        save_polls(store, first)
        assert all(i.in_bps is None for i in first[0].records["interface"])
        time.sleep(1.1)
        # a new poller: the previous counters come from the store
        second, _ = _poll(reference, endpoints_file, ["dc-db-1", "dc-app-2"], store)
        save_polls(store, second)
        lo = next(i for i in second[0].records["interface"] if i.name == "lo")
        # a rate exists (snmpd caches interface counters for seconds, so it may be 0 here;
        # wraps, resets and reboots are tested on the pure functions in test_snmp_rates)
        assert lo.in_bps is not None and lo.in_bps >= 0
        text = _exposition(store, reference)
        assert 'netops_device_up{device="dc-db-1"' in text
        assert 'netops_poll_success{device="dc-app-2",transport="snmp"} 0.0' in text
        assert (
            'netops_poll_failures_total{device="dc-app-2",reason="timeout",transport="snmp"} 2.0'
            in text
        )
        assert 'netops_interface_oper_up{device="dc-db-1",interface="lo"} 1.0' in text
        assert 'netops_interface_receive_bits_per_second{device="dc-db-1",interface="lo"}' in text
        assert 'netops_device_memory_ratio{device="dc-db-1",entity="system"}' in text
        assert (
            'netops_poll_last_success_timestamp_seconds{device="dc-db-1",transport="snmp"}' in text
        )
    finally:
        store.close()


def _exposition(store: Store, inv: Inventory) -> str:
    from prometheus_client import generate_latest
    from prometheus_client.registry import CollectorRegistry

    class _C:
        def collect(self):
            return families(store, inv)

    registry = CollectorRegistry()
    registry.register(_C())
    return generate_latest(registry).decode()


def test_shards_partition_stably(reference: Inventory) -> None:
    shards = [in_shard(reference.devices, i, 2) for i in range(2)]
    assert sum(len(s) for s in shards) == len(reference.devices)
    assert not {d.name for d in shards[0]} & {d.name for d in shards[1]}
    assert shard_of("core-1", 7) == shard_of("core-1", 7)
    assert parse_shard("2/3") == (1, 3)
    with pytest.raises(ValueError):
        parse_shard("4/3")


def test_cli_poll_once_json_exit_code(
    endpoints_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from netops.cli.main import app

    monkeypatch.chdir(ROOT)
    runner = CliRunner()
    args = ["poll", "--once", "--json", "--endpoints", str(endpoints_file)]
    ok = runner.invoke(app, [*args, "--device", "dc-db-1", "--device", "dc-db-2"])
    assert ok.exit_code == 0, ok.output
    entries = json.loads(ok.stdout)
    assert [e["name"] for e in entries] == ["dc-db-1", "dc-db-2"]
    assert all(e["ok"] and e["error"] is None for e in entries)
    assert entries[1]["records"]["system"][0]["sys_name"] == "dut-snmpd"
    monkeypatch.setenv("NETOPS_SNMP__TIMEOUT", "0.3")
    monkeypatch.setenv("NETOPS_SNMP__RETRIES", "0")
    bad = runner.invoke(app, [*args, "--device", "dc-db-1", "--device", "dc-app-2"])
    assert bad.exit_code == 3, bad.output
    failed = [e for e in json.loads(bad.stdout) if not e["ok"]]
    assert [(e["name"], e["error"]["reason"]) for e in failed] == [("dc-app-2", "timeout")]


def test_poll_forever_keeps_polling_and_stops_on_sigterm(
    endpoints_file: Path, tmp_path: Path
) -> None:
    import os
    import signal
    import subprocess
    import sys

    state = tmp_path / "forever"
    env = {**os.environ, "NETOPS_STATE_DIR": str(state), "NETOPS_SNMP__INTERVAL": "0.5"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "netops.cli", "poll", "--device", "dc-db-1", "-e", str(endpoints_file)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 20
        polled: list[float] = []
        while time.monotonic() < deadline and len(set(polled)) < 2:
            time.sleep(0.3)
            if (state / "netops.db").exists():
                store = Store(f"sqlite:///{state / 'netops.db'}")
                try:
                    polled += [r.started_at.timestamp() for r in store.poll_results("dc-db-1")]
                finally:
                    store.close()
        assert len(set(polled)) >= 2, "the device is polled again on its interval"
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
