"""The API over the lab: records collected over SSH from the simulated reference network
(real netmiko sessions, real parsers), with one street on one uplink and another cut off."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from netops.api import create_app
from netops.collectors.ssh import cli_sections, poll_devices
from netops.credentials import load_secrets
from netops.endpoints import load_endpoints
from netops.inventory import Inventory, Role
from netops.lab import control
from netops.store import Store
from tests.api.conftest import make_settings
from tests.conftest import REFERENCE


@dataclass
class LabApi:
    client: TestClient
    headers: dict[str, str]
    one_down: str
    both_down: str


@pytest.fixture(scope="module")
def lab_api(tmp_path_factory: pytest.TempPathFactory, reference: Inventory) -> Iterator[LabApi]:
    folder = tmp_path_factory.mktemp("lab-api")
    endpoints = folder / "endpoints.json"
    status = control.up(REFERENCE, endpoints, scenarios=["uplink-loss"])
    try:
        faults = {f["kind"]: f["device"] for f in status["faults"]}
        streets = {faults["uplink-down"], faults["uplinks-down"]}
        cores = {p for s in streets for p in (reference.peer(u, s) for u in reference.uplinks(s))}
        settings = make_settings(folder / "state", endpoints=endpoints)
        store = Store.from_settings(settings)
        polls = poll_devices(
            reference,
            [d for d in reference.devices if d.name in streets | cores],
            cli_sections(settings.collectors_dir),
            settings.ssh,
            load_secrets(None),
            load_endpoints(endpoints),
            kinds=["interface", "lldp"],
        )
        store.save_many(
            (p.device, k, records, p.result.started_at, "ssh")
            for p in polls
            for k, records in p.collected.records.items()
        )
        store.save_poll_results(p.result for p in polls)
        app = create_app(settings, inventory=reference, store=store)
        token, _ = app.state.netops.tokens.create("viewer")
        with TestClient(app) as client:
            yield LabApi(
                client,
                {"Authorization": f"Bearer {token}"},
                faults["uplink-down"],
                faults["uplinks-down"],
            )
        store.close()
    finally:
        control.down(endpoints)


def test_uplinks_follow_the_lab_faults(lab_api: LabApi, reference: Inventory) -> None:
    c, h = lab_api.client, lab_api.headers
    assert reference.device(lab_api.one_down).role is Role.AGGREGATION
    one = c.get(f"/api/v1/devices/{lab_api.one_down}", headers=h).json()
    assert one["polls"] and all(p["ok"] for p in one["polls"]), one["polls"]
    assert sorted(u["up"] for u in one["uplinks"]) == [False, True]
    assert one["state"] == "degraded"
    both = c.get(f"/api/v1/devices/{lab_api.both_down}", headers=h).json()
    assert [u["up"] for u in both["uplinks"]] == [False, False]
    metrics = c.get("/metrics").text
    assert f'netops_uplinks_up{{device="{lab_api.one_down}",' in metrics


def test_topology_confirms_the_lab_cabling(lab_api: LabApi) -> None:
    topo = lab_api.client.get("/api/v1/topology", headers=lab_api.headers).json()
    up_links = [
        e
        for e in topo["edges"]
        if lab_api.one_down in (e["a"], e["b"])
        and e["redundancy_group"]
        and e["status"] == "confirmed"
    ]
    assert len(up_links) == 1  # the other uplink is down: LLDP no longer sees it
    assert not [e for e in topo["edges"] if e["status"] == "unexpected"]
