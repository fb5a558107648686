"""/metrics as served: prometheus_client's bytes, kept parts re-read only when they change."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families

from netops.api import create_app
from netops.api.metrics.exposition import render
from netops.inventory import Inventory
from netops.models import Interface, PollResult
from netops.store import Store
from netops.store.latest import latest_cache
from tests.api.conftest import make_settings
from tests.api.state import seed

#: Families whose values move with the clock or the process between two scrapes.
MOVING = (
    "netops_metrics_source_duration_seconds",
    "netops_config_backup_age_seconds",
    "netops_db_backup_age_seconds",
    "netops_db_backup_verify_age_seconds",
    "process_",
)


class Fixed:
    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> Iterable[Metric]:
        return self.families


@dataclass
class Served:
    app: FastAPI
    client: TestClient
    store: Store
    inventory: Inventory
    state_dir: Path


@pytest.fixture
def served(tmp_path: Path, reference: Inventory) -> Iterator[Served]:
    store = Store(f"sqlite:///{tmp_path / 'netops.db'}")
    seed(store, reference)
    app = create_app(make_settings(tmp_path), inventory=reference, store=store)
    with TestClient(app) as client:
        yield Served(app, client, store, reference, tmp_path)
    store.close()


def samples(text: str) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
        if not s.name.startswith(MOVING)
    }


def test_the_text_is_byte_for_byte_what_prometheus_client_writes(served: Served) -> None:
    served.client.get("/metrics")  # a second collect: kept blocks and family text in play
    families = list(served.app.state.registry.collect())
    assert len(families) > 60
    ours = render(families)
    assert ours == generate_latest(Fixed(families))  # type: ignore[arg-type]
    served_text = served.client.get("/metrics")
    assert served_text.headers["content-type"] == CONTENT_TYPE_LATEST
    assert samples(served_text.text) == samples(ours.decode())


def test_a_changed_record_is_read_again_and_nothing_else(served: Served) -> None:
    cache = latest_cache(served.store)
    first = samples(served.client.get("/metrics").text)
    decoded = cache.decoded
    assert samples(served.client.get("/metrics").text) == first
    assert cache.decoded == decoded  # unchanged state: no record decoded again

    device = "core-1"
    (stored,) = served.store.records("interface", device)
    port = stored.records[0]
    assert isinstance(port, Interface) and port.oper_status == "up"
    later = stored.collected_at + timedelta(seconds=60)
    changed = [
        port.model_copy(update={"oper_status": "down", "in_octets": (port.in_octets or 0) + 5}),
        *stored.records[1:],
    ]
    served.store.replace_records(device, "interface", changed, later, "snmp")
    (poll,) = served.store.poll_results(device)
    served.store.save_poll_results(
        [PollResult(**{**poll.model_dump(), "ok": False, "reason": "timeout", "started_at": later})]
    )
    after = samples(served.client.get("/metrics").text)
    assert cache.decoded == decoded + 1  # one interface set (poll results are their own)
    key = frozenset({("device", device), ("interface", port.name)})
    assert after[("netops_interface_oper_up", key)] == 0
    assert after[("netops_interface_receive_bytes_total", key)] == (port.in_octets or 0) + 5
    assert (
        after[("netops_poll_success", frozenset({("device", device), ("transport", "snmp")}))] == 0
    )
    changed_keys = {k for k in first if first[k] != after.get(k)}
    assert {name for name, _ in changed_keys} <= {
        "netops_interface_oper_up",
        "netops_interface_receive_bytes_total",
        "netops_poll_success",
        "netops_poll_last_success_timestamp_seconds",
        "netops_device_up",
        "netops_uplink_up",
        "netops_uplinks_up",
        "netops_ha_member_up",
    }
    # what a fresh process serves from the same store (nothing kept) is the same
    fresh = create_app(
        make_settings(served.state_dir), inventory=served.inventory, store=Store(served.store.url)
    )
    with TestClient(fresh) as client:
        assert samples(client.get("/metrics").text) == after


def test_a_new_poll_cycle_is_served_whole(served: Served) -> None:
    before = samples(served.client.get("/metrics").text)
    (poll,) = served.store.poll_results("core-1")
    seeded_at = poll.started_at + timedelta(seconds=20)  # seed polls 20 s before its time
    seed(served.store, served.inventory, now=seeded_at + timedelta(hours=1))
    after = samples(served.client.get("/metrics").text)
    assert set(after) == set(before)
    shifted = {
        "netops_poll_last_success_timestamp_seconds",
        "netops_config_backup_last_success_timestamp_seconds",
    }
    for name in shifted:
        keys = [k for k in before if k[0] == name]
        assert len(keys) > 100
        assert all(abs(after[k] - before[k] - 3600) < 1e-3 for k in keys), name
    # the seed adds its events and poll failures again (counted); nothing else moved
    moved = {k[0] for k in before if after[k] != before[k]} - shifted
    counted = {"netops_events_total", "netops_db_failovers_total", "netops_poll_failures_total"}
    assert moved <= counted
