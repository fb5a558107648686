"""Settings: environment (``NETOPS_`` prefix, ``__`` for nesting) over an optional YAML file.

Built by :func:`load_settings`, never at import time. The settings file is named by
``NETOPS_SETTINGS_FILE`` (or the ``settings_file`` argument); environment variables
win over it. Thresholds live here, not in code, so local policy can change them.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from netops.errors import SettingsError


def _default_state_dir() -> Path:
    base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "netops"


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class SnmpSettings(_Section):
    """How the SNMP poller behaves."""

    timeout: float = Field(2.0, gt=0, description="Seconds to wait for one response")
    retries: int = Field(1, ge=0, description="Retransmissions after a timeout")
    max_repetitions: int = Field(25, ge=1, le=200, description="GETBULK max-repetitions")
    concurrency: int = Field(256, ge=1, description="Devices polled at once per worker")
    interval: float = Field(60.0, gt=0, description="Seconds between polls of one device")
    workers: int = Field(0, ge=0, description="Worker processes; 0 = one per CPU core")
    device_timeout: float = Field(
        120.0, gt=0, description="Seconds one device's whole poll may take before it is cut off"
    )
    max_columns: int = Field(
        24, ge=1, description="Columns walked together in one multi-column GETBULK walk"
    )
    counter_wrap_tolerance: float = Field(
        1.1,
        ge=1.0,
        description="A wrapped 32-bit counter is believed only if the rate it gives is at most "
        "this times the interface speed (else it was a reset: no rate)",
    )
    overrides: list[SnmpOverride] = Field(
        default_factory=list,
        description="Per-device timing: the first override whose selector matches wins",
    )


class SnmpOverride(_Section):
    """Timing for the devices a selector picks (by name, role or platform; empty = all)."""

    devices: list[str] = Field(default_factory=list)
    roles: list[str] = Field(default_factory=list)
    platforms: list[str] = Field(default_factory=list)
    timeout: float | None = Field(None, gt=0)
    retries: int | None = Field(None, ge=0)
    max_repetitions: int | None = Field(None, ge=1, le=200)
    interval: float | None = Field(None, gt=0)

    def matches(self, name: str, role: str, platform: str) -> bool:
        return (
            (not self.devices or name in self.devices)
            and (not self.roles or role in self.roles)
            and (not self.platforms or platform in self.platforms)
        )


class InfluxSettings(_Section):
    """Time series out to an InfluxDB v2 write API (off unless ``url`` is set)."""

    url: str | None = Field(None, description="e.g. http://influx:8086; unset = no writes")
    token: SecretStr = Field(SecretStr(""), description="API token (NETOPS_INFLUX__TOKEN)")
    org: str = "netops"
    bucket: str = "netops"
    batch_size: int = Field(5000, ge=1, description="Points per write request")
    flush_interval: float = Field(5.0, gt=0, description="Seconds before a partial batch is sent")
    retries: int = Field(5, ge=0, description="Retries of a failed write (exponential backoff)")
    max_buffer: int = Field(
        200_000, ge=1, description="Points queued at most; beyond, the oldest are dropped"
    )


class TrapSettings(_Section):
    """The SNMP trap receiver (``netops traps``)."""

    listen: str = Field("0.0.0.0:162", description="HOST:PORT to receive traps on")
    communities: list[SecretStr] = Field(
        default_factory=list, description="v2c communities accepted (empty: any)"
    )
    auth_profiles: list[str] = Field(
        default_factory=list,
        description="Inventory auth profiles whose SNMPv3 users (and keys) traps may use",
    )
    alertmanager_url: str | None = Field(
        None, description="Push trap alerts to this Alertmanager (POST /api/v2/alerts)"
    )
    alert_resolve_seconds: float = Field(
        300.0, gt=0, description="A pushed trap alert without a clearing trap ends after this"
    )


class SshSettings(_Section):
    """How SSH sessions behave."""

    timeout: float = Field(20.0, gt=0, description="Seconds to connect and log in")
    command_timeout: float = Field(
        120.0, gt=0, description="Seconds to wait for one command's whole output (a big config)"
    )
    concurrency: int = Field(32, ge=1, description="Sessions open at once")


#: The API secret a fresh install has; ``create_app`` refuses it outside development.
DEFAULT_API_SECRET = "netops-development-secret-change-me"


class ApiSettings(_Section):
    """The HTTP API (``netops serve``)."""

    host: str = Field("127.0.0.1", description="Address to listen on")
    port: int = Field(8080, ge=1, le=65535, description="Port to listen on")
    secret_key: SecretStr = Field(
        SecretStr(DEFAULT_API_SECRET),
        description="Key that hashes API tokens (HMAC); changing it invalidates every token. "
        "Must be changed (32+ characters) outside development",
    )
    metrics_require_token: bool = Field(False, description="/metrics needs a viewer token")
    page_size: int = Field(100, ge=1, description="Items per page when 'limit' is not given")
    max_page_size: int = Field(1000, ge=1, description="Largest 'limit' a list accepts")
    stale_after_intervals: float = Field(
        3.0, gt=0, description="A poll older than this many intervals makes a device 'stale'"
    )
    token_touch_seconds: float = Field(
        60.0, ge=0, description="How often a token's last-used time is written at most"
    )


class SchedulerSettings(_Section):
    """The jobs ``netops serve`` runs on intervals (the SNMP poll uses snmp.interval)."""

    enabled: bool = Field(True, description="Run the scheduler inside 'netops serve'")
    ssh_interval: float = Field(3600.0, gt=0, description="Seconds between SSH collections")
    backup_interval: float = Field(86400.0, gt=0, description="Seconds between config backups")
    dbha_interval: float = Field(30.0, gt=0, description="Seconds between DB HA polls")
    compliance_interval: float = Field(300.0, gt=0, description="Seconds between check runs")
    events_retention_days: float = Field(
        400.0, gt=0, description="Events older than this are deleted (law: logs >= 180 days)"
    )
    disabled_jobs: tuple[str, ...] = Field((), description="Job names not to run")
    shutdown_grace: float = Field(
        30.0, ge=0, description="Seconds running jobs get to finish on shutdown"
    )


class DbhaSettings(_Section):
    """Database HA pairs: collection, verdict thresholds, backup reading and restore tests."""

    timeout: float = Field(5.0, gt=0, description="Seconds to connect to a DB node and per query")
    lag_max_seconds: float = Field(
        60.0, gt=0, description="Replication lag above this is a finding (DB-HA-03)"
    )
    lag_max_bytes: int = Field(
        256 * 1024 * 1024, gt=0, description="WAL not yet replayed above this is a finding"
    )
    trigger_annotation: str = Field(
        "trigger",
        description="pgBackRest annotation key whose value 'manual' marks a manual backup",
    )
    pgbackrest: str = Field("pgbackrest", description="pgBackRest command (local or over SSH)")
    pg_bin_dir: Path | None = Field(
        None, description="PostgreSQL server binaries for restore tests (default: newest found)"
    )
    verify_dir: Path | None = Field(
        None,
        description="Where restore tests make scratch instances (default: the system temp dir)",
    )
    verify_timeout: float = Field(1800.0, gt=0, description="Seconds a restore test may take")
    verify_user: str = Field("postgres", description="Superuser of the restored cluster")
    verify_amcheck: bool = Field(True, description="Run pg_amcheck on the restored cluster")
    verify_queries: list[str] = Field(
        default_factory=list,
        description="Sanity queries on the restored 'postgres' database; each must return a first value that is not NULL, false or 0 (e.g. SELECT count(*) > 0 FROM orders)",
    )


class BackupSettings(_Section):
    """How config backups behave (where: ``backup_dir``)."""

    author_name: str = Field("netops", description="Author of the history's commits")
    author_email: str = Field("netops@localhost", description="Author e-mail of the commits")
    git: str = Field("git", description="The git executable")
    store_config_records: bool = Field(
        True, description="Also keep each masked config as the device's latest 'config' record"
    )


class Settings(BaseSettings):
    """All netops settings. Paths are relative to the working directory."""

    model_config = SettingsConfigDict(
        env_prefix="NETOPS_", env_nested_delimiter="__", extra="forbid", validate_default=True
    )

    environment: Literal["development", "production"] = Field(
        "development", description="production refuses default secrets"
    )
    inventory: Path = Field(Path("inventory/district"), description="Inventory folder or file")
    endpoints: Path | None = Field(None, description="Endpoints file (lab) overriding addresses")
    state_dir: Path = Field(default_factory=_default_state_dir, description="State, events, audit")
    backup_dir: Path | None = Field(
        None, description="Config backup history (default: state_dir/backups)"
    )
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default SQLite in state_dir"
    )
    secrets_file: Path | None = Field(
        None, description="YAML file (mode 0600) with auth-profile secrets"
    )
    collectors_dir: Path = Field(Path("collectors"), description="Collection profiles folder")
    playbooks_dir: Path = Field(Path("playbooks"), description="Playbooks folder")
    snmp: SnmpSettings = Field(default_factory=SnmpSettings)
    ssh: SshSettings = Field(default_factory=SshSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    dbha: DbhaSettings = Field(default_factory=DbhaSettings)
    backups: BackupSettings = Field(default_factory=BackupSettings)
    influx: InfluxSettings = Field(default_factory=InfluxSettings)
    traps: TrapSettings = Field(default_factory=TrapSettings)

    @property
    def resolved_backup_dir(self) -> Path:
        return self.backup_dir or self.state_dir / "backups"

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.state_dir / 'netops.db'}"

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings, env_settings)


def _read_settings_file(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"{path}: cannot read settings file: {exc.strerror}") from exc
    except yaml.YAMLError as exc:
        raise SettingsError(f"{path}: not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise SettingsError(f"{path}: settings file must be a mapping of setting names")
    return data


def load_settings(settings_file: Path | None = None, **overrides: Any) -> Settings:
    """Build the settings: ``overrides`` > environment > settings file > defaults."""
    file = settings_file or (
        Path(os.environ["NETOPS_SETTINGS_FILE"]) if os.environ.get("NETOPS_SETTINGS_FILE") else None
    )
    from_file = _read_settings_file(file) if file else {}

    class _FromFile(Settings):
        @classmethod
        def settings_customise_sources(
            cls,
            settings_cls: type[BaseSettings],
            init_settings: PydanticBaseSettingsSource,
            env_settings: PydanticBaseSettingsSource,
            dotenv_settings: PydanticBaseSettingsSource,
            file_secret_settings: PydanticBaseSettingsSource,
        ) -> tuple[PydanticBaseSettingsSource, ...]:
            return (init_settings, env_settings, _DictSource(settings_cls, from_file))

    try:
        built = _FromFile(**{k: v for k, v in overrides.items() if v is not None})
    except ValidationError as exc:
        where = f" (settings file {file})" if file else ""
        details = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
        )
        raise SettingsError(f"invalid settings{where}: {details}") from exc
    return built


class _DictSource(PydanticBaseSettingsSource):
    """A settings source backed by an already-read mapping (the settings file)."""

    def __init__(self, settings_cls: type[BaseSettings], data: dict[str, Any]) -> None:
        super().__init__(settings_cls)
        self._data = data

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return self._data.get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(self._data)
