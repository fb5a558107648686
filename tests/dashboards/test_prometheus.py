"""A real Prometheus scraping a real ``netops serve`` over the recorded district state:
every dashboard panel's query and every alert rule's expression returns data, or is
known to be empty here (with the reason), and every metric they use is one netops exports."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from netops.dashboards import grafana_variables, load_dashboards, load_rules, metric_names
from netops.inventory import Inventory
from netops.store import Store
from tests.api.state import seed
from tests.conftest import REFERENCE, ROOT, free_port, require

DASHBOARDS = ROOT / "dashboards"
RULES = DASHBOARDS / "alerts" / "netops-rules.yml"

#: Metrics the dashboards and rules use that this build does not export yet, and who will.
PENDING: dict[str, str] = {}

#: Alert rules whose expression is empty over the recorded state, and why.
QUIET_RULES: dict[str, str] = {
    "NetopsComplianceStale": "netops serve's scheduler ran the checks when it started",
    "NetopsHaMemberDown": "every HA pair member answers in the recorded state",
    "NetopsInterfaceErrors": "error counters do not grow in a static recorded state",
    "NetopsDbSplitBrain": "the recorded pair has one primary",
    "NetopsDbNoPrimary": "the recorded pair has one primary",
    "NetopsDbReplicationLag": "the recorded lag (4 s) is under 30 s",
    "NetopsDbStandbyNotStreaming": "the recorded standby streams",
    "NetopsDbBackupFailed": "the recorded backups succeeded",
    "NetopsDown": "netops is up while the test runs",
    "NetopsDbFailover": "the failover counter does not grow in a static recorded state",
    "NetopsJobFailing": "the scheduled job succeeds",
}


@dataclass
class Stack:
    prometheus: str
    netops: str
    serve: subprocess.Popen[bytes]


def _get(url: str, timeout: float = 5) -> Any:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return json.load(response)


def _wait(check: Any, what: str, timeout: float = 20) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        try:
            result = check()
            if result:
                return result
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.2)


def query(stack: Stack, expr: str) -> list[dict[str, Any]]:
    url = f"{stack.prometheus}/api/v1/query?" + urllib.parse.urlencode({"query": expr})
    body = _get(url)
    assert body["status"] == "success", body
    result: list[dict[str, Any]] = body["data"]["result"]
    return result


def _netops_command() -> list[str]:
    script = Path(sys.executable).parent / "netops"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from netops.cli.main import run; run()"]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory, reference: Inventory) -> Iterator[Stack]:
    require("prometheus")
    folder = tmp_path_factory.mktemp("prom-stack")
    store = Store(f"sqlite:///{folder / 'state' / 'netops.db'}")
    seed(store, reference)
    store.close()
    port = free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NETOPS_")},
        "NETOPS_STATE_DIR": str(folder / "state"),
        "NETOPS_INVENTORY": str(REFERENCE),
        # jobs that talk to devices would reach the reference inventory's real addresses
        "NETOPS_SCHEDULER__DISABLED_JOBS": '["ssh_collect", "config_backup", "dbha_poll"]',
    }
    serve = subprocess.Popen(
        [
            *_netops_command(),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--log-level",
            "info",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    netops = f"http://127.0.0.1:{port}"
    prometheus = None
    try:
        _wait(lambda: _get(f"{netops}/health")["status"] == "ok", "netops serve")
        (folder / "prometheus.yml").write_text(
            "global: {scrape_interval: 2s, scrape_timeout: 2s, evaluation_interval: 1s}\n"
            f"rule_files: ['{RULES}']\n"
            "scrape_configs:\n"
            "  - job_name: netops\n"
            f"    static_configs: [{{targets: ['127.0.0.1:{port}']}}]\n"
        )
        prom_port = free_port()
        prometheus = subprocess.Popen(
            [
                "prometheus",
                f"--config.file={folder / 'prometheus.yml'}",
                f"--storage.tsdb.path={folder / 'tsdb'}",
                f"--web.listen-address=127.0.0.1:{prom_port}",
                "--log.level=warn",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        result = Stack(f"http://127.0.0.1:{prom_port}", netops, serve)
        _wait(
            lambda: urllib.request.urlopen(f"{result.prometheus}/-/ready", timeout=1), "prometheus"
        )
        # three scrapes: rates need two samples
        _wait(
            lambda: query(result, 'count_over_time(up{job="netops"}[1m]) >= 3'),
            "three scrapes of netops",
            timeout=30,
        )
        yield result
    finally:
        if prometheus is not None:
            prometheus.terminate()
            prometheus.wait(10)
        if serve.poll() is None:
            serve.kill()
            serve.wait(10)


def test_prometheus_scrapes_netops(stack: Stack) -> None:
    up = query(stack, 'up{job="netops"}')
    assert [s["value"][1] for s in up] == ["1"]
    build = query(stack, "netops_build_info")
    assert build[0]["metric"]["version"]


def panel_queries() -> list[Any]:
    return [
        pytest.param(q, id=f"{q.dashboard}:{q.panel}:{q.ref}")
        for d in load_dashboards(DASHBOARDS)
        for q in d.queries
    ]


@pytest.mark.parametrize("panel", panel_queries())
def test_every_panel_query_returns_data(stack: Stack, panel: Any) -> None:
    expr = grafana_variables(panel.expr)
    pending = metric_names(panel.expr) & set(PENDING)
    result = query(stack, expr)
    if pending and not result:
        pytest.xfail(f"uses {', '.join(sorted(pending))}: {PENDING[sorted(pending)[0]]}")
    assert result, f"{panel.dashboard} / {panel.panel}: no data for {expr}"


@pytest.mark.parametrize("rule", load_rules(RULES), ids=lambda r: r.name)
def test_every_rule_expression_returns_data_or_is_known_quiet(stack: Stack, rule: Any) -> None:
    result = query(stack, rule.expr)
    pending = metric_names(rule.expr) & set(PENDING)
    if rule.name in QUIET_RULES:
        assert not result, (
            f"{rule.name} is listed quiet ({QUIET_RULES[rule.name]}) but returns data"
        )
    elif pending:
        assert not result
        pytest.xfail(f"uses {', '.join(sorted(pending))}: {PENDING[sorted(pending)[0]]}")
    else:
        assert result, f"{rule.name}: no data for {rule.expr}"


def test_the_planted_faults_raise_their_alerts(stack: Stack) -> None:
    def alerts() -> set[tuple[str, str]]:
        return {
            (s["metric"]["alertname"], s["metric"].get("device", s["metric"].get("pair", "")))
            for s in query(stack, "ALERTS")
        }

    expected = {
        ("NetopsDeviceDown", "acc-renmin-03"),
        ("NetopsDeviceDown", "acc-binhe-01"),
        ("NetopsAggregationUplinkDown", "agg-jiefang"),
        ("NetopsAggregationPointDown", "agg-binhe"),
        ("NetopsPollOverrun", "edge-fw-2"),
        ("NetopsConfigBackupStale", "acc-zhongshan-02"),
        ("NetopsDbBackupStale", "dc-db"),
    }
    found = _wait(lambda: alerts() if expected <= alerts() else None, "the planted alerts", 15)
    assert ("NetopsAggregationUplinkDown", "agg-binhe") not in found
    assert ("NetopsAggregationPointDown", "agg-jiefang") not in found
    # the device-down alert of an access switch behind the dead street carries the label
    # Alertmanager inhibits on
    behind = query(stack, 'ALERTS{alertname="NetopsDeviceDown", device="acc-binhe-01"}')
    assert behind[0]["metric"]["aggregation"] == "agg-binhe"


def test_every_metric_used_is_exported(stack: Stack) -> None:
    exported = set(_get(f"{stack.prometheus}/api/v1/label/__name__/values")["data"])
    used: set[str] = set()
    for dashboard in load_dashboards(DASHBOARDS):
        for q in dashboard.queries:
            used |= metric_names(q.expr)
    for rule in load_rules(RULES):
        used |= metric_names(rule.expr)
    assert used - exported - set(PENDING) == set()
    assert set(PENDING) & exported == set(), "exported now: remove from PENDING"


def test_serve_stops_gracefully_on_sigterm(stack: Stack) -> None:
    # runs last in this module (pytest keeps file order): the stack is not used after it
    stack.serve.send_signal(signal.SIGTERM)
    # uvicorn shuts down (lifespan: the scheduler stops), then re-raises the signal
    assert stack.serve.wait(15) in (0, -signal.SIGTERM)
    output = stack.serve.stdout.read().decode() if stack.serve.stdout else ""
    assert "Application shutdown complete" in output
    assert "Traceback" not in output
