"""Database HA pair nodes and their backups."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from netops.models.base import Record


class ReplicationLink(Record):
    """One replication connection as the primary sees it (pg_stat_replication)."""

    peer: str = Field(description="application_name or client address")
    state: str = Field(description="streaming, catchup, startup, backup, stopping")
    sent_lsn: str | None = None
    replay_lsn: str | None = None
    lag_bytes: int | None = None
    lag_seconds: float | None = None


class DbNodeStatus(Record):
    """Role and replication state of one database node."""

    engine: str = Field(description="postgresql (mysql, oracle later)")
    reachable: bool
    role: Literal["primary", "standby", "unknown"]
    timeline: int | None = None
    replication: tuple[ReplicationLink, ...] = ()
    receiver_status: str | None = Field(None, description="standby: WAL receiver state")
    last_replay_at: datetime | None = None
    lag_seconds: float | None = None
    holds_service_address: bool | None = None
    error: str | None = None


class DbBackup(Record):
    """One database backup (device = the node or pair it belongs to)."""

    tool: str = Field(description="pgbackrest, dump")
    label: str
    trigger: Literal["automatic", "manual"]
    backup_type: str | None = Field(None, description="full, diff, incr, dump")
    started_at: datetime | None = None
    finished_at: datetime
    size_bytes: int | None = None
    ok: bool = True
    error: str | None = None
