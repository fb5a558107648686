"""Backup status against the inventory's backup policies: per device (and per database pair).

Device rows come from the ``config_backup`` records a run leaves in the store. Database
rows come from other sources passed in as functions with the signature of
:data:`StatusSource` (the database HA subsystem provides one), so ``netops backup status``
shows every backup the policies ask for in one table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from netops.inventory import Inventory
from netops.inventory.model import BackupRule
from netops.models import ConfigBackupStatus
from netops.store import Store
from netops.store.state import StoredRecords

Result = Literal["ok", "failed", "never"]


class BackupStatusRow(BaseModel):
    """One backup a policy asks for, and where it stands."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: Literal["device_config", "database"]
    target: str = Field(description="Device name, or database HA pair name")
    policy: str
    trigger: Literal["automatic", "manual"] = "automatic"
    schedule: str | None = None
    max_age_hours: float | None = None
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    age_seconds: float | None = Field(None, description="Now minus last success")
    result: Result = Field(description="Outcome of the last attempt; never = no attempt yet")
    within_policy: bool = Field(description="A success exists and is younger than max_age_hours")
    error: str | None = None
    revision: str | None = None


#: Another subsystem's rows (database backups): ``(inventory, store, now) -> rows``.
StatusSource = Callable[[Inventory, Store, datetime], list[BackupStatusRow]]


def device_config_status(
    inv: Inventory, store: Store, now: datetime, records: Iterable[StoredRecords] | None = None
) -> list[BackupStatusRow]:
    """One row per device covered by a ``device_config`` policy (first matching policy wins),
    then devices backed up although no policy covers them (policy ``(none)``, no age limit).

    ``records``: the ``config_backup`` records when the caller has read them already."""
    latest: dict[str, ConfigBackupStatus] = {}
    for stored in store.records("config_backup") if records is None else records:
        if stored.records and isinstance(stored.records[0], ConfigBackupStatus):
            latest[stored.device] = stored.records[0]
    rows: list[BackupStatusRow] = []
    seen: set[str] = set()
    for policy in inv.backup_policies:
        if policy.kind != "device_config":
            continue
        rule = policy.automatic or policy.manual
        for device in inv.select(policy.applies_to):
            if device.name in seen:
                continue
            seen.add(device.name)
            status = latest.get(device.name)
            rows.append(_row(device.name, policy.name, rule, status, now))
    for name, status in sorted(latest.items()):  # backed up on demand, under no policy
        if name not in seen and name in inv.device_by_name:
            rows.append(_row(name, "(none)", None, status, now))
    return rows


def _row(
    device: str,
    policy: str,
    rule: BackupRule | None,
    status: ConfigBackupStatus | None,
    now: datetime,
) -> BackupStatusRow:
    max_age = rule.max_age_hours if rule else None
    schedule = rule.schedule if rule else None
    last_success = status.last_success if status else None
    age = (now - last_success).total_seconds() if last_success else None
    if status is None or status.last_attempt is None:
        result: Result = "never"
    else:
        result = "failed" if status.error else "ok"
    within = age is not None and (max_age is None or age <= max_age * 3600)
    return BackupStatusRow(
        kind="device_config",
        target=device,
        policy=policy,
        schedule=schedule,
        max_age_hours=max_age,
        last_attempt=status.last_attempt if status else None,
        last_success=last_success,
        age_seconds=age,
        result=result,
        within_policy=within,
        error=status.error if status else None,
        revision=status.revision if status else None,
    )


def backup_status(
    inv: Inventory,
    store: Store,
    now: datetime | None = None,
    sources: Sequence[StatusSource] = (),
) -> list[BackupStatusRow]:
    """Device config rows, then the rows of every extra source (database backups)."""
    at = now or datetime.now(UTC)
    rows = device_config_status(inv, store, at)
    for source in sources:
        rows.extend(source(inv, store, at))
    return rows
