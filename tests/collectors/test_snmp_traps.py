"""The trap receiver against net-snmp's snmptrap (v2c and v3 authPriv): events stored, counted."""

from __future__ import annotations

import asyncio
import json
import subprocess
import threading
import time
from pathlib import Path

import pytest

from netops.collectors.metrics import families
from netops.collectors.traps import TRAPS_RECEIVED, alert_for, serve
from netops.endpoints import load_endpoints
from netops.inventory import Inventory
from netops.settings import load_settings
from netops.store import Store
from netops.store.stats import read_stats
from tests.collectors.conftest import NETSNMP_ENV
from tests.conftest import require

AUTH, PRIV = "trap-auth-key-1", "trap-priv-key-2"
LINK_DOWN = "1.3.6.1.6.3.1.1.5.3"


@pytest.fixture
def receiver(reference: Inventory, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    require("snmptrap")
    monkeypatch.setenv("NETOPS_SECRET_EXTRANET_SERVERS_AUTH_KEY", AUTH)
    monkeypatch.setenv("NETOPS_SECRET_EXTRANET_SERVERS_PRIV_KEY", PRIV)
    settings = load_settings(
        traps={"communities": ["trapcomm"], "auth_profiles": ["extranet-servers"]},
        database_url=f"sqlite:///{tmp_path / 'state.db'}",
    )
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(json.dumps({"dc-db-1": {"snmp": {"host": "127.0.0.5", "community": "x"}}}))
    stop = asyncio.Event()
    ready: list[tuple[str, int]] = []
    loop = asyncio.new_event_loop()

    def run() -> None:
        loop.run_until_complete(
            serve(
                settings, reference, "127.0.0.1", 0, stop, load_endpoints(endpoints), ready.append
            )
        )

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 5
    while not ready and time.monotonic() < deadline:
        time.sleep(0.02)
    assert ready, "receiver did not start"
    yield settings, ready[0][1]
    loop.call_soon_threadsafe(stop.set)
    thread.join(5)
    loop.close()


def snmptrap(*args: str) -> None:
    r = subprocess.run(
        ["snmptrap", *args],
        capture_output=True,
        text=True,
        env=NETSNMP_ENV,
        timeout=10,
        check=False,
    )
    assert r.returncode == 0, r.stderr


def wait_events(store: Store, count: int) -> list:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        events = store.events(kind="trap")
        if len(events) >= count:
            return events
        time.sleep(0.1)
    return store.events(kind="trap")


def test_v2c_and_v3_traps_become_events(receiver, reference: Inventory) -> None:
    settings, port = receiver
    varbinds = ["1.3.6.1.2.1.2.2.1.1.3", "i", "3", "1.3.6.1.2.1.2.2.1.7.3", "i", "1",
                "1.3.6.1.2.1.2.2.1.8.3", "i", "2", "1.3.6.1.2.1.2.2.1.2.3", "s", "eth2"]  # fmt: skip
    snmptrap(
        "-v2c",
        "-c",
        "trapcomm",
        "--clientaddr=127.0.0.5",
        f"127.0.0.1:{port}",
        "",
        LINK_DOWN,
        *varbinds,
    )
    snmptrap("-v3", "-e", "0x8000000001020304", "-u", "nms-srv", "-l", "authPriv", "-a", "SHA",
             "-A", AUTH, "-x", "AES", "-X", PRIV, f"127.0.0.1:{port}", "", "1.3.6.1.6.3.1.1.5.1")  # fmt: skip
    snmptrap("-v2c", "-c", "wrong-community", f"127.0.0.1:{port}", "", LINK_DOWN)  # refused
    store = Store(settings.resolved_database_url)
    try:
        events = wait_events(store, 2)
        by = {e.kind: e for e in events}
        assert set(by) == {"trap.linkDown", "trap.coldStart"}, events
        down = by["trap.linkDown"]
        assert down.device == "dc-db-1"  # found by its address in the endpoints file
        assert down.details["interface"] == "eth2" and down.details["oper_status"] == "down"
        assert down.severity == "major" and "eth2 down" in down.summary
        assert by["trap.coldStart"].details["user"] == "nms-srv"
        time.sleep(0.7)
        counts = {labels["trap"]: v for labels, v in read_stats(store, TRAPS_RECEIVED)}
        assert counts == {"linkDown": 1.0, "coldStart": 1.0}
        names = {f.name: f for f in families(store, reference)}
        samples = {s.labels["trap"]: s.value for s in names["netops_traps_received"].samples}
        assert samples["linkDown"] == 1.0
        alert = alert_for(down, 300)
        assert alert is not None and alert["labels"]["alertname"] == "SnmpTrapLinkDown"
        assert alert["labels"]["interface"] == "eth2"
    finally:
        store.close()


@pytest.fixture
def alertmanager(tmp_path: Path):
    import httpx

    from tests.conftest import free_port

    require("prometheus-alertmanager")
    port = free_port()
    config = tmp_path / "am.yml"
    config.write_text("route:\n  receiver: none\nreceivers:\n  - name: none\n")
    proc = subprocess.Popen(
        ["prometheus-alertmanager", f"--config.file={config}", f"--storage.path={tmp_path / 'am'}",
         f"--web.listen-address=127.0.0.1:{port}", "--cluster.listen-address="],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/-/ready", timeout=0.5).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        proc.wait(5)


def test_link_down_alert_fires_and_link_up_resolves_it(alertmanager: str, tmp_path: Path) -> None:
    import httpx

    from netops.collectors.traps import TrapHandler
    from netops.transports.snmp.trap import TrapMessage
    from netops.transports.snmp.types import Tag, VarBind

    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    handler = TrapHandler(store, {"10.250.2.1": "agg-jiefang"}, alertmanager, 300)

    def trap(oid: tuple[int, ...], oper: int) -> TrapMessage:
        return TrapMessage(
            source=("10.250.2.1", 50000), version="2c", kind="trap", trap_oid=oid, uptime=100,
            varbinds=(VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 6), Tag.INTEGER, 6),
                      VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 6), Tag.INTEGER, oper),
                      VarBind((1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 6), Tag.OCTET_STRING, b"GigabitEthernet0/0/1")),
        )  # fmt: skip

    def active() -> list[dict]:
        alerts = httpx.get(f"{alertmanager}/api/v2/alerts", timeout=5).json()
        return [a for a in alerts if a["labels"].get("source") == "netops-traps"]

    try:
        handler.message(trap((1, 3, 6, 1, 6, 3, 1, 1, 5, 3), 2))
        asyncio.run(handler.flush())
        [alert] = active()
        assert alert["labels"]["alertname"] == "SnmpTrapLinkDown"
        assert alert["labels"]["device"] == "agg-jiefang"
        assert alert["labels"]["interface"] == "GigabitEthernet0/0/1"
        handler.message(trap((1, 3, 6, 1, 6, 3, 1, 1, 5, 4), 1))
        asyncio.run(handler.flush())
        time.sleep(0.2)
        assert active() == [], "linkUp resolves the linkDown alert"
    finally:
        store.close()
