"""The API over a running scheduler: jobs listed, an operator runs one now."""

from __future__ import annotations

import time
from pathlib import Path

from fastapi.testclient import TestClient

from netops.api import create_app
from netops.inventory import Inventory
from netops.scheduler import Job, JobContext
from tests.api.conftest import make_settings


def test_operator_runs_a_job_now(tmp_path: Path, reference: Inventory) -> None:
    runs: list[float] = []

    def backup(ctx: JobContext) -> None:
        runs.append(time.monotonic())

    app = create_app(
        make_settings(tmp_path),
        inventory=reference,
        jobs=[Job("config_backup", 3600, backup, description="back up every config")],
        run_scheduler=True,
    )
    operator, _ = app.state.netops.tokens.create("operator")
    headers = {"Authorization": f"Bearer {operator}"}
    with TestClient(app) as client:
        deadline = time.monotonic() + 5
        while not runs and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(runs) == 1  # due at start (never ran before)
        assert client.get("/health").json()["scheduler"] == "running"
        response = client.post("/api/v1/jobs/config_backup/run", headers=headers)
        assert response.status_code == 202
        while len(runs) < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert len(runs) == 2
        jobs = client.get("/api/v1/jobs", headers=headers).json()
        assert jobs[0]["name"] == "config_backup" and jobs[0]["runs"] == 2
        assert jobs[0]["description"] == "back up every config"
        metrics = client.get("/metrics").text
        assert 'netops_job_runs_total{job="config_backup"} 2.0' in metrics
        assert client.post("/api/v1/jobs/nope/run", headers=headers).status_code == 404
    # the lifespan stopped the scheduler on shutdown
    assert not app.state.netops.scheduler.running
