"""Database HA pair nodes, their backups and restore verifications."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from netops.models.base import Record


class ReplicationLink(Record):
    """One replication connection as the primary sees it (pg_stat_replication)."""

    peer: str = Field(description="application_name or client address")
    state: str = Field(description="streaming, catchup, startup, backup, stopping")
    client_address: str | None = None
    sync_state: str | None = Field(None, description="async, sync, potential, quorum")
    sent_lsn: str | None = None
    replay_lsn: str | None = None
    lag_bytes: int | None = Field(None, description="WAL written on the primary, not yet replayed")
    lag_seconds: float | None = Field(None, description="replay_lag; None when idle")


class DbNodeStatus(Record):
    """Role and replication state of one database node."""

    engine: str = Field(description="postgresql (mysql, oracle later)")
    reachable: bool
    role: Literal["primary", "standby", "unknown"]
    timeline: int | None = Field(
        None, description="PostgreSQL timeline; a promotion starts a new one"
    )
    server_version: str | None = None
    system_identifier: str | None = Field(None, description="Cluster identity (same on both nodes)")
    wal_lsn: str | None = Field(
        None, description="Primary: current WAL position; standby: replayed"
    )
    replication: tuple[ReplicationLink, ...] = Field((), description="Primary: its replicas")
    receiver_status: str | None = Field(None, description="standby: WAL receiver state")
    upstream: str | None = Field(None, description="standby: host:port it streams from")
    receive_lsn: str | None = None
    last_replay_at: datetime | None = Field(
        None, description="Commit time of the last replayed xact"
    )
    replay_paused: bool | None = None
    lag_seconds: float | None = Field(None, description="standby: how far replay is behind")
    lag_bytes: int | None = Field(None, description="standby: received but not replayed WAL")
    holds_service_address: bool | None = Field(None, description="None = not asked or no answer")
    last_known_role: Literal["primary", "standby"] | None = Field(
        None, description="Unreachable node: its role when it was last reached (failover detection)"
    )
    error: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "dc-db-2",
                "engine": "postgresql",
                "reachable": True,
                "role": "standby",
                "timeline": 1,
                "server_version": "15.14",
                "system_identifier": "7710792337136744395",
                "wal_lsn": "0/3000148",
                "receiver_status": "streaming",
                "upstream": "10.1.8.11:5432",
                "receive_lsn": "0/3000148",
                "replay_paused": False,
                "lag_seconds": 0.0,
                "lag_bytes": 0,
                "holds_service_address": False,
            }
        }
    )


class DbBackup(Record):
    """One database backup (device = the HA pair it belongs to)."""

    tool: str = Field(description="pgbackrest, dump")
    label: str = Field(description="pgBackRest label, or the dump file's path in its folder")
    trigger: Literal["automatic", "manual"]
    backup_type: str | None = Field(None, description="full, diff, incr, dump")
    location: str | None = Field(None, description="host:stanza or host:folder it was read from")
    started_at: datetime | None = None
    finished_at: datetime
    size_bytes: int | None = Field(
        None, description="Database size it covers (pgBackRest) or file size"
    )
    stored_bytes: int | None = Field(None, description="Bytes in the repository")
    annotation: dict[str, str] = Field(default_factory=dict)
    checksum_ok: bool | None = Field(
        None, description="dump: matches its manifest; None = not checked"
    )
    ok: bool = True
    error: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "dc-db",
                "tool": "pgbackrest",
                "label": "20261122-010000F",
                "trigger": "automatic",
                "backup_type": "full",
                "location": "dc-backup-1:dc-db",
                "started_at": "2026-11-22T01:00:00Z",
                "finished_at": "2026-11-22T01:04:10Z",
                "size_bytes": 22992451,
                "stored_bytes": 4522450,
                "annotation": {"trigger": "automatic"},
                "ok": True,
            }
        }
    )


class VerifyCheck(BaseModel):
    """One sanity check run on a restored backup."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(description="recovered, databases, tables:<db>, amcheck, query:<n>")
    ok: bool
    detail: str


class DbBackupVerification(Record):
    """A restore test: the newest backup restored into a scratch instance and queried."""

    tool: str
    label: str = Field(description="The backup restored")
    location: str | None = None
    started_at: datetime
    finished_at: datetime
    ok: bool
    duration_seconds: float
    restored_bytes: int | None = None
    checks: tuple[VerifyCheck, ...] = ()
    error: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "dc-db",
                "tool": "pgbackrest",
                "label": "20261122-010000F",
                "location": "local:dc-db",
                "started_at": "2026-11-22T02:00:00Z",
                "finished_at": "2026-11-22T02:00:09Z",
                "ok": True,
                "duration_seconds": 9.2,
                "restored_bytes": 23078366,
                "checks": [
                    {"name": "recovered", "ok": True, "detail": "out of recovery"},
                    {"name": "databases", "ok": True, "detail": "1 database: postgres"},
                ],
            }
        }
    )


class DbBackupSource(BaseModel):
    """Where a database pair's backups are kept and how netops reads them.

    ``host`` names the device holding them (read over SSH); without it they are read on
    the machine netops runs on. Example::

        {tool: pgbackrest, stanza: dc-db, host: dc-backup-1}
        {tool: dump, path: /var/backups/postgresql, host: dc-backup-1}
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    tool: Literal["pgbackrest", "dump"]
    host: str | None = Field(None, description="Device holding the backups; none = this machine")
    stanza: str | None = Field(None, description="pgbackrest: the stanza")
    config: str | None = Field(
        None, description="pgbackrest: its config file on that host (default: pgBackRest's own)"
    )
    path: str | None = Field(None, description="dump: the folder of dump files")
    manual_pattern: str = Field(
        "*manual*", description="dump: files whose relative path matches (fnmatch) are manual"
    )
    manifest: str = Field(
        "SHA256SUMS", description="dump: checksum manifest in that folder (sha256sum format)"
    )

    @model_validator(mode="after")
    def _complete(self) -> DbBackupSource:
        if self.tool == "pgbackrest" and not self.stanza:
            raise ValueError("a pgbackrest source names its stanza")
        if self.tool == "dump" and not self.path:
            raise ValueError("a dump source names its folder (path)")
        return self
