"""/api/v1/compliance over recorded findings (the shapes netops.models.Finding defines).

The findings history itself belongs to the compliance subsystem (not in this build yet);
``RecordedHistory`` below stands in for it with the same two questions the API asks
(latest run, open findings) and says so here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from netops.api import create_app
from netops.inventory import Inventory
from netops.models import Evidence, Finding
from tests.api.conftest import make_settings

NOW = datetime.now(UTC)


@dataclass
class Tracked:
    finding: Finding
    first_seen: datetime
    last_seen: datetime


@dataclass
class Run:
    started_at: datetime
    finished_at: datetime


FINDINGS = [
    Finding(
        check_id="IS-01",
        verdict="FAIL",
        severity="critical",
        target="in-acc-2:GigabitEthernet1/0/24",
        devices=("in-acc-2", "acc-heping-01"),
        summary="intranet switch in-acc-2 has an LLDP neighbour in the extranet",
        evidence=(
            Evidence(
                kind="lldp",
                device="in-acc-2",
                source="snmp",
                collected_at=NOW,
                text="GigabitEthernet1/0/24 -> acc-heping-01 GigabitEthernet0/0/24",
            ),
        ),
        remediation="unplug the cable; intranet ports never face the extranet",
    ),
    Finding(
        check_id="MG-01",
        verdict="FAIL",
        severity="major",
        target="acc-jiefang-01",
        devices=("acc-jiefang-01",),
        summary="telnet server enabled",
        evidence=(
            Evidence(
                kind="config", device="acc-jiefang-01", source="ssh", text="telnet server enable"
            ),
        ),
    ),
    Finding(
        check_id="MG-07",
        verdict="PASS",
        severity="major",
        target="core-1",
        devices=("core-1",),
        summary="SNMPv3 authPriv only",
    ),
    Finding(
        check_id="AR-01",
        verdict="FAIL",
        severity="warning",
        target="agg-jiefang",
        devices=("agg-jiefang",),
        summary="one of two uplinks down",
    ),
]


class RecordedHistory:
    def __init__(self, store: Any) -> None:
        self.store = store

    def latest_run(self) -> Run:
        return Run(NOW - timedelta(minutes=2), NOW - timedelta(minutes=1))

    def open_findings(self) -> Sequence[Tracked]:
        return [Tracked(f, NOW - timedelta(days=1), NOW) for f in FINDINGS]


def render(inventory: Inventory, run: Run, findings: Sequence[Any]) -> str:
    rows = "".join(f"<tr><td>{t.finding.check_id}</td></tr>" for t in findings)
    return f"<html><body><h1>{inventory.network.name}</h1><table>{rows}</table></body></html>"


@pytest.fixture(scope="module")
def client(seeded: Path, reference: Inventory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    app = create_app(
        make_settings(seeded), inventory=reference, findings=RecordedHistory, report=render
    )
    token, _ = app.state.netops.tokens.create("viewer")
    with TestClient(app) as c:
        yield c, {"Authorization": f"Bearer {token}"}


def test_findings_with_evidence_and_filters(client: tuple[TestClient, dict[str, str]]) -> None:
    c, h = client
    everything = c.get("/api/v1/compliance", headers=h).json()
    assert everything["total"] == 4
    assert everything["items"][0]["check_id"] == "IS-01"  # worst first
    assert everything["items"][0]["evidence"][0]["text"].startswith("GigabitEthernet1/0/24")
    isolation = c.get("/api/v1/compliance", params={"check_id": "IS-"}, headers=h).json()
    assert [f["check_id"] for f in isolation["items"]] == ["IS-01"]
    failing = c.get("/api/v1/compliance", params={"verdict": "FAIL"}, headers=h).json()
    assert {f["check_id"] for f in failing["items"]} == {"IS-01", "MG-01", "AR-01"}
    major = c.get("/api/v1/compliance", params={"severity": "major"}, headers=h).json()
    assert {f["severity"] for f in major["items"]} == {"critical", "major"}
    by_device = c.get("/api/v1/compliance", params={"device": "acc-jiefang-01"}, headers=h).json()
    assert [f["check_id"] for f in by_device["items"]] == ["MG-01"]
    intranet = c.get("/api/v1/compliance", params={"zone": "intranet"}, headers=h).json()
    assert [f["check_id"] for f in intranet["items"]] == ["IS-01"]
    street = c.get("/api/v1/compliance", params={"site": "street-jiefang"}, headers=h).json()
    assert [f["check_id"] for f in street["items"]] == ["AR-01"]
    bad = c.get("/api/v1/compliance", params={"zone": "mars"}, headers=h)
    assert bad.status_code == 400 and bad.json()["parameter"] == "zone"
    bad = c.get("/api/v1/compliance", params={"verdict": "MAYBE"}, headers=h)
    assert bad.status_code == 400 and bad.json()["parameter"] == "verdict"


def test_status_counts_failing_findings(client: tuple[TestClient, dict[str, str]]) -> None:
    c, h = client
    findings = c.get("/api/v1/status", headers=h).json()["findings"]
    assert findings["available"] is True
    assert findings["failing_by_severity"] == {"critical": 1, "major": 1, "warning": 1}


def test_report_is_html(client: tuple[TestClient, dict[str, str]]) -> None:
    c, h = client
    response = c.get("/api/v1/compliance/report", headers=h)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "IS-01" in response.text and "青山区" in response.text
    assert c.get("/api/v1/compliance/report").status_code == 401


def test_without_compliance_checks_the_answer_is_503_with_a_reason(
    seeded: Path, reference: Inventory
) -> None:
    app = create_app(make_settings(seeded), inventory=reference)
    token, _ = app.state.netops.tokens.create("viewer")
    with TestClient(app) as c:
        response = c.get("/api/v1/compliance", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.json() == {
        "error": "unavailable",
        "reason": "compliance checks are not part of this build",
        "parameter": None,
    }
