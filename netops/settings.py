"""Settings: environment (``NETOPS_`` prefix, ``__`` for nesting) over an optional YAML file.

Built by :func:`load_settings`, never at import time. The settings file is named by
``NETOPS_SETTINGS_FILE`` (or the ``settings_file`` argument); environment variables
win over it. Thresholds live here, not in code, so local policy can change them.
"""

from __future__ import annotations

import os
from ipaddress import IPv4Network
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

    timeout: float = Field(
        2.0,
        gt=0,
        description="Seconds to wait for one response (the least: see backoff, max_timeout)",
    )
    retries: int = Field(1, ge=0, description="Retransmissions after a timeout")
    backoff: float = Field(
        2.0,
        ge=1.0,
        description="Each retransmission waits this many times longer than the try before "
        "(2: a dead agent fails after 2 + 4 s with the defaults)",
    )
    max_timeout: float = Field(
        10.0,
        gt=0,
        description="Longest wait for one response. Between timeout and this, the wait follows "
        "the agent's measured response time (smoothed round trip + 4 x its variation, as TCP "
        "does), so a slow but alive agent is not reported down; also caps the backoff",
    )
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
    known_hosts: Path | None = Field(
        None,
        description=(
            "OpenSSH known_hosts file: a device whose host key is missing or different is "
            "refused (reason auth). Unset = any host key is accepted (lab only; a "
            "man-in-the-middle risk on a real network)"
        ),
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
    hash_masked_secrets: bool = Field(
        True,
        description=(
            "Masked secrets carry a keyed hash (<masked:1a2b3c4d>) so a secret-only change "
            "shows in the diff; False = plain <masked>"
        ),
    )
    mask_key_file: Path | None = Field(
        None,
        description="Key of those hashes, made 0600 on first use (default: state_dir/mask.key)",
    )
    history_retention: Literal["policy", "forever"] = Field(
        "policy",
        description=(
            "policy: versions older than the longest retention_days of the inventory's "
            "device_config policies are dropped from the history; forever: keep every version"
        ),
    )


class PlaybookSettings(_Section):
    """How playbooks run (the playbooks themselves are in ``playbooks_dir``)."""

    max_concurrency: int = Field(
        16, ge=1, description="Devices one run works on at once, whatever its playbook asks"
    )
    bundle_dir: Path | None = Field(
        None, description="Output bundles (diagnostics); default state_dir/bundles"
    )
    bundle_retention_days: float = Field(
        90.0, gt=0, description="Bundles older than this are deleted when a run starts"
    )
    link_base: str | None = Field(
        None,
        description="Base URL of the API (https://netops.example) for links to bundles in "
        "run records; without it links are paths (/api/v1/...)",
    )
    api_wait_seconds: float = Field(
        120.0, gt=0, description="Longest an API request with wait=true waits for its run"
    )
    webhook_playbook: str = Field(
        "collect-diagnostics", description="Playbook an Alertmanager webhook runs"
    )
    webhook_cooldown_seconds: float = Field(
        900.0, ge=0, description="A device is not collected again by the webhook within this"
    )
    webhook_max_devices: int = Field(
        20, ge=1, description="Devices one webhook call may collect (the rest are dropped)"
    )

    def resolved_bundle_dir(self, state_dir: Path) -> Path:
        return self.bundle_dir or state_dir / "bundles"


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
    metrics_reuse_seconds: float = Field(
        0.0,
        ge=0,
        description="A /metrics render younger than this answers the next scrape too "
        "(Prometheus HA pairs scrape together); 0 = render every scrape",
    )
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
    process_jobs: tuple[str, ...] = Field(
        ("compliance_check",),
        description="Jobs run in a child process of their own: CPU-heavy ones (a province "
        "compliance run: ~35 s CPU, 2 GB) then never slow the API, and their memory goes "
        "back to the system when they end",
    )
    shutdown_grace: float = Field(
        30.0, ge=0, description="Seconds running jobs get to finish on shutdown"
    )


class ComplianceSettings(_Section):
    """Thresholds and inputs of the compliance checks (local policy, never hard-coded)."""

    admin_source_prefixes: list[IPv4Network] = Field(
        default_factory=list,
        description="Where management sessions may come from (MG-02); empty = the inventory's "
        "management zone prefixes (intranet devices: the intranet's)",
    )
    bastion_prefixes: list[IPv4Network] = Field(
        default_factory=list,
        description="Bastion hosts (two-factor step, session recording): MG-06, MG-09",
    )
    bastion_records_sessions: bool = Field(
        False, description="The bastion records every session (MG-09 accepts it)"
    )
    idle_timeout_max_minutes: float = Field(10.0, gt=0, description="MG-03 VTY idle timeout cap")
    login_attempts_max: int = Field(5, ge=1, description="MG-03 failed logins before lockout")
    password_expiry_max_days: int = Field(90, ge=1, description="MG-04 password lifetime cap")
    default_account_names: list[str] = Field(
        default_factory=lambda: ["admin", "huawei", "root", "cisco", "h3c", "super", "user"],
        description="MG-05 vendor default account names that must not exist",
    )
    weak_snmp_communities: list[str] = Field(
        default_factory=lambda: ["public", "private"],
        description="MG-07 community names reported by name when visible",
    )
    log_retention_days: int | None = Field(
        None,
        description="MG-08: days the central syslog keeps logs, as attested by its owner "
        "(None = not attested: NEEDS_EVIDENCE)",
    )
    log_retention_min_days: int = Field(
        180, ge=1, description="MG-08 (网络安全法 art. 21: 6 months)"
    )
    unused_port_days: float = Field(
        30.0, gt=0, description="MG-11: admin-up/oper-down access port older than this fails"
    )
    config_backup_max_age_days: float = Field(7.0, gt=0, description="MG-13 newest backup age")
    vulnerable_versions: dict[str, list[str]] = Field(
        default_factory=dict,
        description="MG-14: platform -> regular expressions of versions with known advisories",
    )
    capacity_max_ratio: float = Field(
        0.8, gt=0, le=1, description="AR-02: CPU, memory, link utilisation above this fails"
    )
    rule_unused_days: float = Field(
        90.0, gt=0, description="BD-02: a zero-hit rule on a box up this long is reported"
    )
    internet_zone_names: list[str] = Field(
        default_factory=lambda: ["untrust", "internet", "isp"],
        description="BD-03: firewall security zones that face the Internet",
    )
    ips_profile_markers: list[str] = Field(
        default_factory=lambda: ["ips", "intrusion"],
        description="BD-03: a rule profile containing one of these is an IPS profile",
    )
    identity_ignore_serials: list[str] = Field(
        default_factory=lambda: [
            "",
            "0",
            "n/a",
            "na",
            "none",
            "null",
            "unknown",
            "default string",
            "not specified",
            "system serial number",
            "to be filled by o.e.m.",
            "0123456789",
        ],
        description="IS-02: placeholder serials that identify nothing (compared lower-case)",
    )
    identity_ignore_mac_prefixes: list[str] = Field(
        default_factory=lambda: [
            "00:00:5e:00:01",
            "00:00:5e:00:02",
            "00:00:0c:07:ac",
            "00:00:0c:9f:f",
        ],
        description="IS-02: virtual router MACs (VRRP, HSRP) shared by design",
    )
    identity_ignore_locally_administered: bool = Field(
        True,
        description="IS-02: skip locally administered MACs (containers, bridges reuse them)",
    )
    identity_snapshot_max_age_days: float = Field(
        31.0, gt=0, description="IS-02: an imported identity snapshot older than this is stale"
    )
    signing_key: Path | None = Field(
        None, description="Ed25519 private key (PEM, mode 0600) that signs identity exports"
    )
    trusted_keys: list[Path] = Field(
        default_factory=list, description="Ed25519 public keys (PEM) accepted on import"
    )
    imports_dir: Path | None = Field(
        None, description="Where verified identity snapshots are kept (default state_dir/imports)"
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
    dbha: DbhaSettings = Field(default_factory=DbhaSettings)
    backups: BackupSettings = Field(default_factory=BackupSettings)
    playbooks: PlaybookSettings = Field(default_factory=PlaybookSettings)
    compliance: ComplianceSettings = Field(default_factory=ComplianceSettings)
    api: ApiSettings = Field(default_factory=ApiSettings)
    scheduler: SchedulerSettings = Field(default_factory=SchedulerSettings)
    influx: InfluxSettings = Field(default_factory=InfluxSettings)
    traps: TrapSettings = Field(default_factory=TrapSettings)

    @property
    def resolved_backup_dir(self) -> Path:
        return self.backup_dir or self.state_dir / "backups"

    @property
    def resolved_imports_dir(self) -> Path:
        return self.compliance.imports_dir or self.state_dir / "imports"

    @property
    def resolved_mask_key_file(self) -> Path:
        return self.backups.mask_key_file or self.state_dir / "mask.key"

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
