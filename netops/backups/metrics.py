"""Config-backup metrics, produced at scrape time from the store (DESIGN.md §6).

- ``netops_config_backup_last_success_timestamp_seconds{device}``
- ``netops_config_backup_age_seconds{device}``: now minus the last success
- ``netops_config_backup_max_age_seconds{device}``: the policy's limit, for alert rules
  (``age > max_age``) that follow the inventory instead of a number in the rule
- ``netops_config_backup_success{device}``: 1 = the last attempt succeeded
- ``netops_config_changes_total{device}``: changes detected since the first backup
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from netops.backups.status import device_config_status
from netops.inventory import Inventory
from netops.models import ConfigBackupStatus
from netops.store import Store
from netops.store.latest import latest_cache


def families(store: Store, inventory: Inventory, now: datetime | None = None) -> Iterable[Metric]:
    """The config-backup metric families for every device under a device_config policy."""
    at = now or datetime.now(UTC)
    last_success = GaugeMetricFamily(
        "netops_config_backup_last_success_timestamp_seconds",
        "Unix time of the device's last successful config backup",
        labels=["device"],
    )
    age = GaugeMetricFamily(
        "netops_config_backup_age_seconds",
        "Seconds since the device's last successful config backup",
        labels=["device"],
    )
    max_age = GaugeMetricFamily(
        "netops_config_backup_max_age_seconds",
        "Largest age the device's backup policy allows",
        labels=["device"],
    )
    success = GaugeMetricFamily(
        "netops_config_backup_success",
        "1 if the device's last config backup attempt succeeded",
        labels=["device"],
    )
    changes = CounterMetricFamily(
        "netops_config_changes",
        "Configuration changes detected by backups since the first one",
        labels=["device"],
    )
    counts: dict[str, int] = {}
    statuses = latest_cache(store).typed("config_backup")  # decoded once, kept while unchanged
    for stored in statuses:
        if stored.records and isinstance(stored.records[0], ConfigBackupStatus):
            counts[stored.device] = stored.records[0].change_count
    for row in device_config_status(inventory, store, at, statuses):
        labels = [row.target]
        if row.last_success is not None and row.age_seconds is not None:
            last_success.add_metric(labels, row.last_success.timestamp())
            age.add_metric(labels, row.age_seconds)
        if row.max_age_hours is not None:
            max_age.add_metric(labels, row.max_age_hours * 3600)
        if row.result != "never":
            success.add_metric(labels, 1.0 if row.result == "ok" else 0.0)
        changes.add_metric(labels, float(counts.get(row.target, 0)))
    return [last_success, age, max_age, success, changes]
