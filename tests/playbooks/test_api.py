"""Playbooks over the HTTP API, against the lab: roles, dry-run/commit, audit, bundle, webhook."""

from __future__ import annotations

import io
import tarfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from netops.api import create_app
from netops.inventory import Inventory
from netops.settings import Settings, load_settings
from tests.conftest import REFERENCE, ROOT
from tests.playbooks.conftest import SHIPPED, lab_sessions, port_up


@dataclass
class Api:
    client: TestClient
    settings: Settings
    tokens: dict[str, str]

    def headers(self, role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"}

    def get(self, url: str, role: str = "viewer", **kw: Any) -> Any:
        return self.client.get(url, headers=self.headers(role), **kw)

    def post(self, url: str, json: Any, role: str = "operator") -> Any:
        return self.client.post(url, json=json, headers=self.headers(role))

    def finished(self, run_id: str, timeout: float = 60.0) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            record: dict[str, Any] = self.get(f"/api/v1/playbook-runs/{run_id}").json()
            if record["status"] != "running":
                return record
            time.sleep(0.1)
        raise AssertionError(f"run {run_id} did not finish in {timeout} s")


@pytest.fixture(scope="module")
def api(lab: Path, tmp_path_factory: pytest.TempPathFactory, reference: Inventory) -> Iterator[Api]:
    state_dir = tmp_path_factory.mktemp("api-state")
    playbooks = tmp_path_factory.mktemp("api-playbooks")
    for shipped in SHIPPED.glob("*.yaml"):
        (playbooks / shipped.name).write_text(shipped.read_text())
    settings = load_settings(
        inventory=REFERENCE,
        state_dir=state_dir,
        playbooks_dir=playbooks,
        collectors_dir=ROOT / "collectors",
        endpoints=lab,
    )
    app = create_app(settings, inventory=reference)
    state = app.state.netops
    tokens = {r: state.tokens.create(r, f"test {r}")[0] for r in ("viewer", "operator", "admin")}
    with TestClient(app) as client:
        yield Api(client, settings, tokens)
    service = getattr(app.state, "playbooks", None)
    if service is not None:
        service.shutdown(wait=True)
    state.store.close()


def test_playbooks_are_listed_for_viewers(api: Api) -> None:
    listed = api.get("/api/v1/playbooks")
    assert listed.status_code == 200
    names = {p["name"] for p in listed.json()}
    assert {"backup-now", "collect-diagnostics", "shutdown-port"} <= names
    one = api.get("/api/v1/playbooks/shutdown-port").json()
    assert one["mode"] == "change" and one["commit_requires_reason"] is True
    assert one["parameters"]["interface"]["type"] == "interface"
    assert api.get("/api/v1/playbooks/no-such").status_code == 404


def test_a_viewer_token_cannot_run(api: Api, lab: Path) -> None:
    sessions = lab_sessions(lab)
    body = {"targets": ["acc-jiefang-07"]}
    refused = api.post("/api/v1/playbooks/collect-diagnostics/runs", body, role="viewer")
    assert refused.status_code == 403 and "operator" in refused.json()["reason"]
    anonymous = api.client.post("/api/v1/playbooks/collect-diagnostics/runs", json=body)
    assert anonymous.status_code == 401
    hook = api.post("/api/v1/alertmanager/webhook", {"alerts": []}, role="viewer")
    assert hook.status_code == 403
    assert lab_sessions(lab) == sessions
    assert api.get("/api/v1/playbook-runs").json()["total"] == 0


def test_bad_requests_are_400_before_anything_is_sent(api: Api, lab: Path) -> None:
    sessions = lab_sessions(lab)
    url = "/api/v1/playbooks/shutdown-port/runs"
    bad_param = api.post(url, {"targets": ["acc-renmin-02"], "params": {"interface": "GE0/0/5?"}})
    assert bad_param.status_code == 400 and bad_param.json()["parameter"] == "interface"
    unknown = api.post(url, {"targets": ["acc-renmin-99"], "params": {"interface": "GE0/0/5"}})
    assert unknown.status_code == 400 and unknown.json()["parameter"] == "targets"
    assert "did you mean" in unknown.json()["reason"]
    no_reason = api.post(
        url, {"targets": ["acc-renmin-02"], "params": {"interface": "GE0/0/5"}, "commit": True}
    )
    assert no_reason.status_code == 400 and no_reason.json()["parameter"] == "reason"
    assert api.post("/api/v1/playbooks/no-such/runs", {}).status_code == 404
    assert lab_sessions(lab) == sessions


def test_dry_run_then_commit_through_the_api(api: Api, cli: Any) -> None:
    device, port = "acc-renmin-02", "GigabitEthernet0/0/17"
    eyes = cli(device)
    port_up(eyes, port)
    before = eyes.config()
    url = "/api/v1/playbooks/shutdown-port/runs"
    body = {"targets": [device], "params": {"interface": "GE0/0/17"}, "wait": True}
    dry = api.post(url, body)
    assert dry.status_code == 200, dry.json()
    assert dry.json()["mode"] == "dry_run" and dry.json()["results"][0]["status"] == "dry_run"
    assert eyes.config() == before
    started = api.post(url, {**body, "wait": False, "commit": True, "reason": "via API"})
    assert started.status_code == 202 and started.json()["status"] == "running"
    record = api.finished(started.json()["id"])
    assert record["status"] == "ok" and record["results"][0]["status"] == "committed"
    assert record["actor"].startswith("token:test operator") and record["source"] == "api"
    assert "shutdown" in eyes.block(f"interface {port}")
    listed = api.get("/api/v1/playbook-runs", params={"device": device}).json()
    assert [r["mode"] for r in listed["items"]] == ["commit", "dry_run"]
    assert listed["items"][0]["link"] == f"/api/v1/playbook-runs/{record['id']}"


def test_alertmanager_webhook_collects_diagnostics(api: Api) -> None:
    payload = {
        "version": "4",
        "status": "firing",
        "receiver": "netops",
        "groupLabels": {"alertname": "NetopsUplinkDown"},
        "alerts": [
            {
                "status": "firing",
                "labels": {"alertname": "NetopsUplinkDown", "device": "agg-renmin", "site": "x"},
                "annotations": {"summary": "one uplink down"},
                "startsAt": "2026-11-22T01:00:00Z",
                "fingerprint": "abc",
            },
            {"status": "resolved", "labels": {"alertname": "Old", "device": "core-1"}},
            {"status": "firing", "labels": {"alertname": "NoDevice"}},
        ],
    }
    answer = api.post("/api/v1/alertmanager/webhook", payload)
    assert answer.status_code == 202, answer.json()
    runs = answer.json()["runs"]
    assert len(runs) == 1 and runs[0]["devices"] == ["agg-renmin"]
    assert {i.get("alert") for i in answer.json()["ignored"]} == {"NoDevice"}
    record = api.finished(runs[0]["run_id"])
    assert record["status"] == "ok" and record["playbook"] == "collect-diagnostics"
    assert record["source"] == "webhook" and record["parameters"] == {"alert": "NetopsUplinkDown"}
    bundle = api.get(record["bundle_link"])
    assert bundle.status_code == 200
    with tarfile.open(fileobj=io.BytesIO(bundle.content)) as tar:
        assert any("agg-renmin/" in n for n in tar.getnames())
    again = api.post("/api/v1/alertmanager/webhook", payload).json()
    assert again["runs"] == [] and "cooldown" in again["ignored"][-1]["why"]


def test_read_only_playbooks_through_the_api(api: Api) -> None:
    backup = api.post(
        "/api/v1/playbooks/backup-now/runs", {"targets": ["acc-renmin-05"], "wait": True}
    )
    assert backup.status_code == 200, backup.json()
    record = backup.json()
    assert record["mode"] == "read_only" and record["status"] == "ok"
    assert record["results"][0]["steps"][0]["data"]["state"] == "new"
    diag = api.post(
        "/api/v1/playbooks/collect-diagnostics/runs", {"targets": ["edge-br-1"], "wait": True}
    ).json()
    assert diag["status"] == "ok" and diag["bundle_link"].endswith("/bundle")
    assert api.get(diag["bundle_link"]).headers["content-type"] == "application/gzip"
