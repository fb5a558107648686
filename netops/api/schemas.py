"""Response bodies of the API (what the OpenAPI schema documents)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from netops.models import DbBackup, DbNodeStatus, PollResult

T = TypeVar("T")

StateName = Literal["down", "degraded", "stale", "unknown", "up"]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Page(_Out, Generic[T]):
    """One page of a list: ``items`` from ``offset``, ``total`` matching the filters."""

    items: list[T]
    total: int
    limit: int
    offset: int


class Health(_Out):
    status: Literal["ok", "degraded"]
    version: str
    environment: str
    started_at: datetime
    database: Literal["ok", "error"]
    scheduler: Literal["running", "stopped", "disabled"]
    problems: list[str] = []


class StateCounts(_Out):
    down: int = 0
    degraded: int = 0
    stale: int = 0
    unknown: int = 0
    up: int = 0


class Uplink(_Out):
    interface: str
    peer: str
    peer_interface: str
    group: str | None
    up: bool | None = Field(description="None: no interface record at either end")
    seen_from: str | None


class DeviceSummary(_Out):
    name: str
    role: str
    platform: str
    site: str
    site_label: str | None
    zones: list[str]
    network: Literal["intranet", "extranet"]
    mgmt_address: str
    model: str | None
    state: StateName
    problems: list[str]
    last_poll: datetime | None


class StoredRecordsOut(_Out):
    source: str
    collected_at: datetime
    count: int
    items: list[dict[str, Any]]


class DeviceDetail(DeviceSummary):
    polls: list[PollResult]
    uplinks: list[Uplink]
    links: list[LinkOut]
    records: dict[str, StoredRecordsOut] = Field(description="Latest records by kind")


class LinkOut(_Out):
    a: str = Field(description="device:interface")
    b: str
    redundancy_group: str | None = None
    description: str | None = None


class SiteOut(_Out):
    name: str
    kind: str
    label: str | None
    parent: str | None
    zones: list[str]
    devices: int
    states: StateCounts
    worst: StateName | None = Field(description="Worst device state; None = no devices")


class ZoneOut(_Out):
    name: str
    kind: str
    network: Literal["intranet", "extranet"]
    colour: str
    prefixes: list[str]
    description: str | None


class TopologyNode(_Out):
    id: str
    role: str = Field(description="'unknown' for a device LLDP shows but the inventory lacks")
    site: str | None
    zones: list[str]
    network: Literal["intranet", "extranet", "unknown"]
    colour: str
    state: StateName


class TopologyEdge(_Out):
    a: str
    a_interface: str | None
    b: str
    b_interface: str | None
    status: Literal["confirmed", "missing", "unverified", "unexpected"] = Field(
        description="confirmed: intended and seen by LLDP; missing: intended, LLDP on an end "
        "shows something else or nothing; unverified: no LLDP data from either end; "
        "unexpected: seen by LLDP, not in the inventory"
    )
    intended: bool
    seen_by: list[str] = Field(description="Devices whose LLDP table shows this link")
    redundancy_group: str | None = None
    crosses_zones: bool = Field(description="The ends share no zone")


class Topology(_Out):
    zones: list[ZoneOut]
    nodes: list[TopologyNode]
    edges: list[TopologyEdge]
    counts: dict[str, int]


class ConfigBackupOut(_Out):
    device: str
    site: str
    policy: str
    max_age_hours: float | None
    last_success: datetime | None
    age_seconds: float | None
    last_attempt: datetime | None
    error: str | None
    revision: str | None
    in_policy: bool


class DbBackupOut(_Out):
    pair: str
    trigger: Literal["automatic", "manual"]
    policy: str
    max_age_hours: float | None
    newest: DbBackup | None
    age_seconds: float | None
    last_failed: DbBackup | None
    in_policy: bool


class BackupSummary(_Out):
    configs_total: int
    configs_out_of_policy: int
    configs_never: int
    databases_total: int
    databases_out_of_policy: int


class Backups(_Out):
    summary: BackupSummary
    databases: list[DbBackupOut]
    configs_out_of_policy: list[ConfigBackupOut]


class DbPairOut(_Out):
    pair: str
    engine: str | None
    state: Literal["ok", "degraded", "split_brain", "no_primary", "unknown"]
    primaries: list[str]
    problems: list[str]
    members: list[DbMemberOut]
    backups: list[DbBackupOut]


class DbMemberOut(_Out):
    device: str
    status: DbNodeStatus | None
    collected_at: datetime | None


class SiteStatus(_Out):
    site: str
    kind: str
    label: str | None
    devices: int
    states: StateCounts
    worst: StateName | None


class ZoneStatus(_Out):
    zone: str
    devices: int
    states: StateCounts


class FindingsStatus(_Out):
    available: bool = Field(description="False until compliance checks have run")
    last_run: datetime | None = None
    failing_by_severity: dict[str, int] = {}


class JobOut(_Out):
    name: str
    description: str
    interval_seconds: float
    running: bool
    next_run: datetime | None
    last_started: datetime | None
    last_finished: datetime | None
    last_success: datetime | None
    last_ok: bool | None
    last_error: str | None
    last_duration_seconds: float | None
    runs: int
    failures: int
    overruns: int


class Status(_Out):
    generated_at: datetime
    network: str
    devices: StateCounts
    sites: list[SiteStatus] = Field(description="Worst first")
    zones: list[ZoneStatus]
    findings: FindingsStatus
    backups: BackupSummary
    db_pairs: list[DbPairOut]
    jobs: list[JobOut]


class TokenOut(_Out):
    id: int
    name: str
    role: Literal["viewer", "operator", "admin"]
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    active: bool


DeviceDetail.model_rebuild()
DbPairOut.model_rebuild()
