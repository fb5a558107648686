"""Playbook metrics, produced at scrape time from the audit trail (DESIGN.md §6).

- ``netops_playbook_runs_total{playbook,mode,status}``: runs recorded (mode dry_run, commit,
  read_only; status ok, partial, failed, rollback_failed, running, interrupted)
- ``netops_playbook_last_run_timestamp_seconds{playbook,mode}``: start of the newest run
- ``netops_playbook_device_left_changed{device}``: 1 while a device's latest committed run
  left it changed because the rollback failed — page on it (alert rule: ``> 0``)
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from netops.inventory import Inventory
from netops.store import Store
from netops.store.playbooks import PlaybookAudit


def families(store: Store, inventory: Inventory) -> Iterable[Metric]:
    audit = PlaybookAudit(store)
    runs = CounterMetricFamily(
        "netops_playbook_runs",
        "Playbook runs recorded in the audit trail",
        labels=["playbook", "mode", "status"],
    )
    last = GaugeMetricFamily(
        "netops_playbook_last_run_timestamp_seconds",
        "Unix time the newest run of a playbook started",
        labels=["playbook", "mode"],
    )
    newest: dict[tuple[str, str], float] = {}
    for playbook, mode, status, count, started in audit.summary():
        runs.add_metric([playbook, mode, status], float(count))
        key = (playbook, mode)
        newest[key] = max(newest.get(key, 0.0), started.timestamp())
    for (playbook, mode), stamp in sorted(newest.items()):
        last.add_metric([playbook, mode], stamp)
    left = GaugeMetricFamily(
        "netops_playbook_device_left_changed",
        "1 = the device's latest committed playbook run could not roll its change back",
        labels=["device"],
    )
    known = inventory.device_by_name
    for device, _run in audit.left_changed():
        if device in known:
            left.add_metric([device], 1.0)
    return [runs, last, left]
