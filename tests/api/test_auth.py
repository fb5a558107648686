"""Tokens and roles: no token, unknown token, revoked token, role too low; secrets refused."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from typer.testing import CliRunner

from netops.api import create_app
from netops.cli.main import app as cli
from netops.errors import SettingsError
from netops.inventory import Inventory
from tests.api.conftest import Api, make_settings


def test_no_token_is_401_with_bearer_challenge(api: Api) -> None:
    response = api.get("/api/v1/status", role=None)
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["error"] == "unauthorized"


@pytest.mark.parametrize("token", ["netops_not-a-real-token", "Basic abc", "x" * 500, ""])
def test_unknown_or_malformed_tokens_are_401(api: Api, token: str) -> None:
    response = api.client.get("/api/v1/devices", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_revoked_token_is_refused(api: Api) -> None:
    state = api.app.state.netops
    token, info = state.tokens.create("viewer", "to revoke")
    headers = {"Authorization": f"Bearer {token}"}
    assert api.client.get("/api/v1/sites", headers=headers).status_code == 200
    admin = {"Authorization": f"Bearer {api.tokens['admin']}"}
    revoked = api.client.delete(f"/api/v1/tokens/{info.id}", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["active"] is False
    response = api.client.get("/api/v1/sites", headers=headers)
    assert response.status_code == 401 and "revoked" in response.json()["reason"]


def test_roles_are_ranked(api: Api) -> None:
    # viewer may read but not run jobs or manage tokens
    assert api.get("/api/v1/jobs", role="viewer").status_code == 200
    run = api.client.post(
        "/api/v1/jobs/anything/run", headers={"Authorization": f"Bearer {api.tokens['viewer']}"}
    )
    assert run.status_code == 403 and "operator" in run.json()["reason"]
    assert api.get("/api/v1/tokens", role="viewer").status_code == 403
    assert api.get("/api/v1/tokens", role="operator").status_code == 403
    # operator passes the role check (404: this app runs no scheduler, so no such job)
    run = api.client.post(
        "/api/v1/jobs/anything/run", headers={"Authorization": f"Bearer {api.tokens['operator']}"}
    )
    assert run.status_code == 404
    listed = api.get("/api/v1/tokens", role="admin").json()
    assert {"viewer", "operator", "admin"} <= {t["role"] for t in listed}
    assert all("token" not in t for t in listed)


def test_admin_creates_a_token_shown_once(api: Api) -> None:
    admin = {"Authorization": f"Bearer {api.tokens['admin']}"}
    created = api.client.post(
        "/api/v1/tokens", json={"role": "operator", "name": "ci"}, headers=admin
    )
    assert created.status_code == 201
    token = created.json()["token"]
    assert (
        api.client.get("/api/v1/status", headers={"Authorization": f"Bearer {token}"}).status_code
        == 200
    )
    bad = api.client.post("/api/v1/tokens", json={"role": "root"}, headers=admin)
    assert bad.status_code == 400 and bad.json()["parameter"] == "role"
    missing = api.client.delete("/api/v1/tokens/999999", headers=admin)
    assert missing.status_code == 404


def test_tokens_are_stored_hashed(api: Api) -> None:
    with api.store.engine.connect() as conn:
        dump = " ".join(str(row) for row in conn.execute(text("SELECT * FROM api_tokens")))
    for token in api.tokens.values():
        assert token not in dump
        assert token[len("netops_") :][:20] not in dump


def test_metrics_open_by_default_token_when_configured(
    api: Api, seeded: Path, reference: Inventory
) -> None:
    assert api.client.get("/metrics").status_code == 200
    settings = make_settings(seeded, api={"metrics_require_token": True})
    app = create_app(settings, inventory=reference)
    token, _ = app.state.netops.tokens.create("viewer")
    with TestClient(app) as client:
        assert client.get("/metrics").status_code == 401
        ok = client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
        assert ok.status_code == 200 and "netops_build_info" in ok.text
        assert client.get("/health").status_code == 200


def test_production_refuses_the_default_secret(tmp_path: Path, reference: Inventory) -> None:
    with pytest.raises(SettingsError, match="secret_key is the default"):
        create_app(make_settings(tmp_path, environment="production"), inventory=reference)
    with pytest.raises(SettingsError, match="at least 32"):
        create_app(
            make_settings(tmp_path, environment="production", api={"secret_key": "short"}),
            inventory=reference,
        )
    good = make_settings(tmp_path, environment="production", api={"secret_key": "k" * 40})
    assert create_app(good, inventory=reference).state.netops.settings.environment == "production"


def test_a_new_secret_invalidates_old_tokens(tmp_path: Path, reference: Inventory) -> None:
    first = create_app(make_settings(tmp_path, api={"secret_key": "a" * 40}), inventory=reference)
    token, _ = first.state.netops.tokens.create("viewer")
    second = create_app(make_settings(tmp_path, api={"secret_key": "b" * 40}), inventory=reference)
    with TestClient(second) as client:
        response = client.get("/api/v1/sites", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_cli_token_create_prints_the_token_last(
    tmp_path: Path, reference: Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NETOPS_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("NETOPS_INVENTORY", str(reference.source))
    runner = CliRunner()
    created = runner.invoke(cli, ["token", "create", "--role", "operator", "--name", "grafana"])
    assert created.exit_code == 0, created.output
    token = created.output.split()[-1]
    listed = runner.invoke(cli, ["token", "list", "--json"])
    assert token not in listed.output and '"role": "operator"' in listed.output
    app = create_app(make_settings(tmp_path), inventory=reference)
    with TestClient(app) as client:
        headers = {"Authorization": f"Bearer {token}"}
        assert client.get("/api/v1/status", headers=headers).status_code == 200
        revoked = runner.invoke(cli, ["token", "revoke", "1"])
        assert revoked.exit_code == 0
        assert client.get("/api/v1/status", headers=headers).status_code == 401
    bad = runner.invoke(cli, ["token", "create", "--role", "root"])
    assert bad.exit_code != 0
    missing = runner.invoke(cli, ["token", "revoke", "42"])
    assert missing.exit_code != 0
