"""Secrets come from the environment or a 0600 file, and never show in reprs or errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from netops.collectors.targets import snmp_target, ssh_target
from netops.credentials import env_name, load_secrets
from netops.endpoints import load_endpoints
from netops.errors import CredentialError, DataFileError
from netops.inventory import Inventory

SECRET = "s3cr3t-Auth-Key-9f"


def _secrets_file(tmp_path: Path, mode: int = 0o600) -> Path:
    file = tmp_path / "secrets.yaml"
    file.write_text(
        f"extranet-network:\n  auth_key: {SECRET}\n  priv_key: {SECRET}-priv\n  password: pw\n"
    )
    file.chmod(mode)
    return file


def test_env_name() -> None:
    assert env_name("extranet-network", "auth_key") == "NETOPS_SECRET_EXTRANET_NETWORK_AUTH_KEY"


def test_file_and_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = load_secrets(_secrets_file(tmp_path))
    assert secrets.get("extranet-network", "auth_key") == SECRET
    monkeypatch.setenv("NETOPS_SECRET_EXTRANET_NETWORK_AUTH_KEY", "from-env")
    assert secrets.get("extranet-network", "auth_key") == "from-env"


def test_readable_secrets_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CredentialError, match="chmod 600"):
        load_secrets(_secrets_file(tmp_path, 0o644))


def test_missing_secret_names_where_to_put_it(tmp_path: Path, reference: Inventory) -> None:
    secrets = load_secrets(None)
    with pytest.raises(CredentialError) as info:
        snmp_target(reference, reference.device("core-1"), secrets)
    assert "NETOPS_SECRET_EXTRANET_NETWORK_AUTH_KEY" in str(info.value)


def test_targets_hide_secrets(tmp_path: Path, reference: Inventory) -> None:
    secrets = load_secrets(_secrets_file(tmp_path))
    snmp = snmp_target(reference, reference.device("core-1"), secrets)
    ssh = ssh_target(reference, reference.device("core-1"), secrets)
    assert snmp.auth_key == SECRET and snmp.host == "10.250.2.1" and snmp.user == "nms-ext"
    assert SECRET not in repr(snmp) and "pw" not in repr(ssh).replace("platform", "")


def test_endpoints_file_overrides_inventory(tmp_path: Path, reference: Inventory) -> None:
    file = tmp_path / "endpoints.json"
    file.write_text(
        '{"core-1": {"snmp": {"host": "127.1.0.1", "port": 1161, "community": "lab"},'
        ' "ssh": {"host": "127.1.0.1", "port": 2222, "username": "lab", "password": "lab"}}}'
    )
    endpoints = load_endpoints(file)
    target = snmp_target(reference, reference.device("core-1"), load_secrets(None), endpoints)
    assert (target.host, target.port, target.version, target.community) == (
        "127.1.0.1",
        1161,
        "2c",
        "lab",
    )
    with pytest.raises(CredentialError, match="no SNMP entry"):
        snmp_target(reference, reference.device("core-2"), load_secrets(None), endpoints)


def test_broken_endpoints_file_names_device(tmp_path: Path) -> None:
    file = tmp_path / "endpoints.json"
    file.write_text('{"core-1": {"snmp": {"host": "127.1.0.1"}}}')
    with pytest.raises(DataFileError, match=r"core-1\.snmp"):
        load_endpoints(file)
    file.write_text("{nope")
    with pytest.raises(DataFileError, match="not valid JSON"):
        load_endpoints(file)
