"""Settings: defaults, file, environment, and clear errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from netops.errors import SettingsError
from netops.settings import load_settings


def test_defaults_follow_state_dir(tmp_path: Path) -> None:
    settings = load_settings()
    assert settings.state_dir == tmp_path / "state"  # set by the autouse fixture
    assert settings.resolved_database_url == f"sqlite:///{tmp_path / 'state' / 'netops.db'}"
    assert settings.resolved_backup_dir == tmp_path / "state" / "backups"
    assert settings.inventory == Path("inventory/district")


def test_environment_wins_over_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = tmp_path / "netops.yaml"
    file.write_text("snmp:\n  timeout: 5\n  retries: 4\ninventory: from-file\n")
    monkeypatch.setenv("NETOPS_SNMP__RETRIES", "2")
    settings = load_settings(file)
    assert settings.snmp.timeout == 5 and settings.snmp.retries == 2
    assert settings.inventory == Path("from-file")
    monkeypatch.setenv("NETOPS_SETTINGS_FILE", str(file))
    assert load_settings().snmp.timeout == 5


def test_overrides_win_over_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NETOPS_INVENTORY", "from-env")
    assert load_settings(inventory=Path("given")).inventory == Path("given")
    assert load_settings(inventory=None).inventory == Path("from-env")


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("snmp: {timeot: 1}\n", "snmp.timeot"),
        ("snmp: {timeout: -1}\n", "snmp.timeout"),
        ("- a list\n", "must be a mapping"),
        ("snmp: [\n", "not valid YAML"),
        ("environment: staging\n", "environment"),
    ],
)
def test_bad_settings_file(tmp_path: Path, text: str, fragment: str) -> None:
    file = tmp_path / "netops.yaml"
    file.write_text(text)
    with pytest.raises(SettingsError, match=fragment.replace(".", r"\.").replace("[", r"\[")):
        load_settings(file)


def test_settings_are_not_built_at_import() -> None:
    import netops.settings as module

    assert not any(isinstance(v, module.Settings) for v in vars(module).values())
