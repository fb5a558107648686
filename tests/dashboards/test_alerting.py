"""Alerting as code: promtool rule tests, amtool routing cases, inhibition in a real Alertmanager."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import yaml

from tests.conftest import ROOT, free_port, require

ALERTS = ROOT / "dashboards" / "alerts"
RULES = ALERTS / "netops-rules.yml"
RULE_TESTS = ALERTS / "netops-rules.test.yml"
AM_CONFIG = ALERTS / "alertmanager.yml"
ROUTE_CASES = yaml.safe_load((ALERTS / "routes.test.yml").read_text())["cases"]


def rule_names() -> set[str]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {r["alert"] for g in groups for r in g["rules"] if "alert" in r}


def test_rules_are_valid_and_their_unit_tests_pass() -> None:
    require("promtool")
    check = subprocess.run(
        ["promtool", "check", "rules", str(RULES)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    run = subprocess.run(
        ["promtool", "test", "rules", RULE_TESTS.name], cwd=ALERTS, capture_output=True, text=True
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_every_rule_has_a_firing_unit_test() -> None:
    tests = yaml.safe_load(RULE_TESTS.read_text())["tests"]
    firing = {
        case["alertname"]
        for t in tests
        for case in t.get("alert_rule_test", [])
        if case.get("exp_alerts")
    }
    assert rule_names() - firing == set()


def test_every_alert_has_severity_and_team() -> None:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    for rule in (r for g in groups for r in g["rules"]):
        labels = rule.get("labels", {})
        assert labels.get("severity") in ("critical", "warning", "info"), rule["alert"]
        assert "team" in labels or "team" in rule["expr"], rule["alert"]


def test_alertmanager_config_is_valid() -> None:
    require("amtool")
    check = subprocess.run(
        ["amtool", "check-config", str(AM_CONFIG)], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.parametrize("case", ROUTE_CASES, ids=lambda c: c["labels"]["alertname"])
def test_routes(case: dict[str, Any]) -> None:
    require("amtool")
    labels = [f"{k}={v}" for k, v in case["labels"].items()]
    run = subprocess.run(
        [
            "amtool",
            "config",
            "routes",
            "test",
            f"--config.file={AM_CONFIG}",
            f"--verify.receivers={','.join(case['receivers'])}",
            *labels,
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr


# -- inhibition, in a real Alertmanager -------------------------------------------------------------
@pytest.fixture(scope="module")
def alertmanager(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real config's routes and inhibit rules; receivers swapped for a local dead webhook
    (nothing leaves this machine)."""
    require("prometheus-alertmanager")
    folder = tmp_path_factory.mktemp("alertmanager")
    config = yaml.safe_load(AM_CONFIG.read_text())
    config["global"] = {"resolve_timeout": "5m"}
    sink = f"http://127.0.0.1:{free_port()}/"
    config["receivers"] = [
        {"name": r["name"], "webhook_configs": [{"url": sink}]} for r in config["receivers"]
    ]
    (folder / "am.yml").write_text(yaml.safe_dump(config))
    port = free_port()
    process = subprocess.Popen(
        [
            "prometheus-alertmanager",
            f"--config.file={folder / 'am.yml'}",
            f"--storage.path={folder / 'data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                urllib.request.urlopen(f"{url}/-/ready", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError("alertmanager did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(10)


def _post(url: str, alerts: list[dict[str, Any]]) -> None:
    now = datetime.now(UTC)
    body = [
        {
            "labels": a,
            "startsAt": now.isoformat(),
            "endsAt": (now + timedelta(minutes=10)).isoformat(),
        }
        for a in alerts
    ]
    request = urllib.request.Request(
        f"{url}/api/v2/alerts",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=5)


def _states(url: str) -> dict[tuple[str, str], list[str]]:
    with urllib.request.urlopen(f"{url}/api/v2/alerts", timeout=5) as response:
        alerts = json.load(response)
    return {
        (a["labels"]["alertname"], a["labels"].get("device", "")): a["status"]["inhibitedBy"]
        for a in alerts
    }


def test_a_cut_off_street_silences_the_switches_behind_it(alertmanager: str) -> None:
    street = {"team": "network", "aggregation": "agg-binhe"}
    _post(
        alertmanager,
        [
            {
                "alertname": "NetopsAggregationPointDown",
                "severity": "critical",
                "device": "agg-binhe",
                **street,
            },
            {
                "alertname": "NetopsDeviceDown",
                "severity": "warning",
                "device": "agg-binhe",
                **street,
            },
            {
                "alertname": "NetopsDeviceDown",
                "severity": "warning",
                "device": "acc-binhe-01",
                **street,
            },
            {
                "alertname": "NetopsDeviceDown",
                "severity": "warning",
                "device": "acc-binhe-02",
                **street,
            },
            # elsewhere: a lone access switch down behind a healthy street
            {
                "alertname": "NetopsDeviceDown",
                "severity": "warning",
                "device": "acc-renmin-03",
                "team": "network",
                "aggregation": "agg-renmin",
            },
            # a dual-homed street that lost one uplink only: the switches behind it still alert
            {
                "alertname": "NetopsAggregationUplinkDown",
                "severity": "warning",
                "device": "agg-jiefang",
                "team": "network",
                "aggregation": "agg-jiefang",
            },
            {
                "alertname": "NetopsDeviceDown",
                "severity": "warning",
                "device": "acc-jiefang-01",
                "team": "network",
                "aggregation": "agg-jiefang",
            },
        ],
    )
    states = _states(alertmanager)
    assert states[("NetopsAggregationPointDown", "agg-binhe")] == []
    assert states[("NetopsDeviceDown", "agg-binhe")] != []
    assert states[("NetopsDeviceDown", "acc-binhe-01")] != []
    assert states[("NetopsDeviceDown", "acc-binhe-02")] != []
    assert states[("NetopsDeviceDown", "acc-renmin-03")] == []
    assert states[("NetopsAggregationUplinkDown", "agg-jiefang")] == []
    assert states[("NetopsDeviceDown", "acc-jiefang-01")] == []


def test_a_down_device_silences_its_own_lesser_alerts(alertmanager: str) -> None:
    _post(
        alertmanager,
        [
            {
                "alertname": "NetopsDeviceDown",
                "severity": "warning",
                "device": "acc-yongan-04",
                "team": "network",
                "aggregation": "agg-yongan",
            },
            {
                "alertname": "NetopsConfigBackupFailed",
                "severity": "warning",
                "device": "acc-yongan-04",
                "team": "network",
            },
            {
                "alertname": "NetopsConfigBackupFailed",
                "severity": "warning",
                "device": "acc-yongan-05",
                "team": "network",
            },
        ],
    )
    states = _states(alertmanager)
    assert states[("NetopsConfigBackupFailed", "acc-yongan-04")] != []
    assert states[("NetopsConfigBackupFailed", "acc-yongan-05")] == []
