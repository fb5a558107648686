"""/metrics: the catalogue's families from the recorded state; a broken source never breaks it."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.parser import text_string_to_metric_families

from netops.api.metrics import SOURCES, NetopsCollector
from netops.inventory import Inventory
from netops.store import Store
from tests.api.conftest import Api
from tests.api.state import BOTH_UPLINKS_DOWN, LONE_DOWN, ONE_UPLINK_DOWN, OVERRUN


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(
    all_: dict[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
) -> float:
    matches = [v for (n, ls), v in all_.items() if n == name and set(labels.items()) <= ls]
    assert len(matches) == 1, (name, labels, len(matches))
    return matches[0]


def test_metrics_follow_the_recorded_state(api: Api) -> None:
    text = api.client.get("/metrics").text
    s = samples(text)
    assert value(s, "netops_device_up", device=LONE_DOWN) == 0
    assert value(s, "netops_device_up", device="core-1", role="core", network="extranet") == 1
    assert value(s, "netops_uplinks_up", device=ONE_UPLINK_DOWN) == 1
    assert value(s, "netops_uplinks_expected", device=ONE_UPLINK_DOWN) == 2
    assert value(s, "netops_uplink_up", device=ONE_UPLINK_DOWN, peer="core-2") == 0
    assert value(s, "netops_uplinks_up", device=BOTH_UPLINKS_DOWN) == 0
    assert value(s, "netops_poll_overrun", device=OVERRUN, transport="snmp") == 1
    assert value(s, "netops_device_info", device="acc-binhe-01")  # aggregation label below
    assert ("netops_device_info", frozenset()) not in s
    info = [
        ls
        for (n, ls), _ in s.items()
        if n == "netops_device_info" and ("device", "acc-binhe-01") in ls
    ]
    assert ("aggregation", BOTH_UPLINKS_DOWN) in info[0]
    assert value(s, "netops_db_primaries", pair="dc-db") == 1
    assert value(s, "netops_db_node_role", device="dc-db-2", role="standby") == 1
    assert (
        value(s, "netops_db_backup_max_age_seconds", pair="dc-db", trigger="manual") == 168 * 3600
    )
    assert value(s, "netops_device_cpu_ratio", device="core-1") < 1
    assert value(s, "netops_events_total", kind="trap.linkDown") == 2
    assert value(s, "netops_build_info") == 1
    assert value(s, "netops_vrf_interfaces", device="core-1", vrf="ZW_PUBLIC") == 1
    assert value(s, "netops_firewall_rules", device="edge-fw-1", action="deny") == 1
    # no free text in labels: no label value carries an error message or a description
    assert "no response" not in text and "to core-1" not in text


def test_a_failing_source_is_counted_and_duplicates_dropped(api: Api) -> None:
    def broken(store: Store, inventory: Inventory) -> Iterable[Metric]:
        raise RuntimeError("boom")

    def duplicate(store: Store, inventory: Inventory) -> Iterable[Metric]:
        family = GaugeMetricFamily("netops_device_info", "a second copy", labels=["device"])
        family.add_metric(["x"], 1)
        yield family

    registry = CollectorRegistry(auto_describe=False)
    sources = {**SOURCES, "broken": broken, "duplicate": duplicate}
    registry.register(NetopsCollector(api.app.state.netops, sources))
    s = samples(generate_latest(registry).decode())
    assert value(s, "netops_metrics_source_errors_total", source="broken") == 1
    assert value(s, "netops_metrics_source_errors_total", source="records") == 0
    assert not [1 for (n, ls) in s if n == "netops_device_info" and ("device", "x") in ls]
    assert value(s, "netops_device_up", device="core-1") == 1
