"""Time series through influxdb-client's write API into a real server (Debian's
victoria-metrics speaks the InfluxDB v2 write API; no InfluxDB 2 server installs here)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime

import httpx
import pytest

from netops.collectors.influx import InfluxWriter, poll_lines
from netops.collectors.snmp_poller import DevicePoll
from netops.models import EntityHealth, Interface, PollResult
from netops.settings import InfluxSettings
from tests.conftest import free_port, require


@pytest.fixture(scope="module")
def victoria() -> Iterator[str]:
    require("victoria-metrics")
    folder = tempfile.mkdtemp(prefix="netops-vm-")
    port = free_port()
    proc = subprocess.Popen(
        ["victoria-metrics", f"-httpListenAddr=127.0.0.1:{port}", f"-storageDataPath={folder}",
         "-retentionPeriod=1d", "-search.latencyOffset=0s"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/health", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(folder, ignore_errors=True)


def sample_poll(device: str = "core-1") -> DevicePoll:
    now = datetime.now(UTC)
    result = PollResult(
        device=device, transport="snmp", ok=True, started_at=now, duration_seconds=0.25
    )
    iface = Interface(
        device=device, name="XGigabitEthernet1/0/1", oper_status="up", admin_status="up",
        in_octets=123456789, out_octets=987654321, in_bps=4.2e6, out_bps=3.1e6, speed_bps=10**10,
    )  # fmt: skip
    health = EntityHealth(
        device=device, entity_index=7, entity_name="MPU Board 7", cpu_percent=12.0
    )
    return DevicePoll(device, result, {"interface": [iface], "health": [health]})


def test_line_protocol_escapes_tags() -> None:
    lines = poll_lines(sample_poll("agg one,two"))
    assert lines[0].startswith("netops_poll,device=agg\\ one\\,two,transport=snmp ok=1i,")
    assert any("interface=XGigabitEthernet1/0/1 oper_up=1i" in line for line in lines)


def test_points_reach_the_server(victoria: str) -> None:
    writer = InfluxWriter(
        InfluxSettings(url=victoria, batch_size=100, flush_interval=0.2, retries=1)
    )
    try:
        writer.write_poll(sample_poll())
        writer.flush()
    finally:
        writer.close()
    assert writer.written >= 3 and writer.failed == 0
    httpx.get(f"{victoria}/internal/force_flush", timeout=5)
    deadline = time.monotonic() + 10
    values: dict[str, str] = {}
    while time.monotonic() < deadline and len(values) < 2:
        data = httpx.get(
            f"{victoria}/api/v1/query",
            params={"query": '{__name__=~"netops_interface_in_bps|netops_health_cpu_percent"}'},
            timeout=5,
        ).json()
        values = {r["metric"]["__name__"]: r["value"][1] for r in data["data"]["result"]}
        time.sleep(0.2)
    assert values == {"netops_interface_in_bps": "4200000", "netops_health_cpu_percent": "12"}


def test_server_away_never_blocks_and_drops_beyond_buffer() -> None:
    writer = InfluxWriter(
        InfluxSettings(
            url=f"http://127.0.0.1:{free_port()}", flush_interval=60, retries=0, max_buffer=5
        )
    )
    t0 = time.perf_counter()
    for _ in range(10):
        writer.write_poll(sample_poll())
    assert time.perf_counter() - t0 < 0.5
    assert writer.dropped > 0
    writer.close()
