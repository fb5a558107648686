"""Config backups as one call: what ``netops backup configs`` does, for any set of devices.

:func:`backup_devices` is the SSH fetch + :func:`~netops.backups.run.run_backups` with
everything taken from the settings (history location and author, concurrency, timeouts,
known_hosts, the masking key, retention from the inventory's policies). The CLI, the
scheduler and playbooks (``backup-now``) call it, so a backup is the same wherever it
starts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path

from netops.backups.history import ConfigHistory
from netops.backups.run import BackupRun, DeviceOutcome, run_backups
from netops.collectors.masking import load_mask_key
from netops.collectors.ssh import cli_sections, config_fetcher
from netops.credentials import load_secrets
from netops.endpoints import DeviceEndpoints, load_endpoints
from netops.inventory import Device, Inventory
from netops.settings import Settings
from netops.store import Store


def history_of(settings: Settings) -> ConfigHistory:
    """The config history repository of these settings."""
    return ConfigHistory(
        settings.resolved_backup_dir / "configs.git",
        git=settings.backups.git,
        author=(settings.backups.author_name, settings.backups.author_email),
    )


def policy_devices(inventory: Inventory) -> list[Device]:
    """Devices a ``device_config`` backup policy covers, in inventory order."""
    covered = {
        d.name
        for p in inventory.backup_policies
        if p.kind == "device_config"
        for d in inventory.select(p.applies_to)
    }
    return [d for d in inventory.devices if d.name in covered]


def retention_of(inventory: Inventory, settings: Settings) -> timedelta | None:
    """How long versions stay in the history: the longest ``retention_days`` of the
    ``device_config`` policies (one history holds every device, so the most demanding
    policy wins); None with ``backups.history_retention: forever`` or without a policy."""
    if settings.backups.history_retention == "forever":
        return None
    days = [p.retention_days for p in inventory.backup_policies if p.kind == "device_config"]
    return timedelta(days=max(days)) if days else None


def mask_key_of(settings: Settings) -> bytes | None:
    """The installation's masking key (made on first use), or None when hashing is off."""
    if not settings.backups.hash_masked_secrets:
        return None
    return load_mask_key(settings.resolved_mask_key_file)


def backup_devices(
    settings: Settings,
    inventory: Inventory,
    store: Store,
    devices: Sequence[Device],
    endpoints: dict[str, DeviceEndpoints] | Path | None = None,
    progress: Callable[[DeviceOutcome], None] | None = None,
) -> BackupRun:
    """Back up ``devices`` over SSH now: one history commit, statuses, change events."""
    if isinstance(endpoints, Path):
        endpoints = load_endpoints(endpoints)
    elif endpoints is None and settings.endpoints is not None:
        endpoints = load_endpoints(settings.endpoints)
    mask_key = mask_key_of(settings)
    fetch = config_fetcher(
        inventory,
        cli_sections(settings.collectors_dir),
        settings.ssh,
        load_secrets(settings.secrets_file),
        endpoints,
        mask_key=mask_key,
    )
    return run_backups(
        devices,
        fetch,
        history=history_of(settings),
        store=store,
        concurrency=settings.ssh.concurrency,
        store_config_records=settings.backups.store_config_records,
        progress=progress,
        mask_key=mask_key,
        retention=retention_of(inventory, settings),
    )
