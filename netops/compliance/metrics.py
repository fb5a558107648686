"""Compliance metrics, produced at scrape time from the store (DESIGN.md §6).

- ``netops_compliance_findings{check_id,severity,verdict}``: findings of the last run
- ``netops_compliance_failing{check_id,severity,device}``: 1 per device of an open FAIL
- ``netops_compliance_last_run_timestamp_seconds``: when the last run finished

Labels are bounded: check IDs, severities, verdicts and inventory device names; no
evidence or summary text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric

from netops.compliance.catalogue import CATALOGUE
from netops.store.findings import FindingHistory


def families(store: Any, inventory: Any) -> Iterable[Metric]:
    history = FindingHistory(store)
    run = history.latest_run()
    findings = GaugeMetricFamily(
        "netops_compliance_findings",
        "Findings of the last compliance run by check, severity and verdict",
        labels=["check_id", "severity", "verdict"],
    )
    failing = GaugeMetricFamily(
        "netops_compliance_failing",
        "1 for each device of an open FAIL finding (waived findings are not failing)",
        labels=["check_id", "severity", "device"],
    )
    last = GaugeMetricFamily(
        "netops_compliance_last_run_timestamp_seconds",
        "When the last compliance run finished (Unix time)",
    )
    if run is not None:
        for check_id, severity, verdict, n in run.counts:
            findings.add_metric([check_id, severity, verdict], n)
        last.add_metric([], run.finished_at.timestamp())
        known = set(inventory.device_by_name) if inventory is not None else None
        emitted: set[tuple[str, str, str]] = set()
        for check_id, severity, verdict, devices in history.open_summaries():
            if verdict != "FAIL" or check_id not in CATALOGUE:
                continue
            for device in devices:
                key = (check_id, severity, device)
                if (known is None or device in known) and key not in emitted:
                    emitted.add(key)
                    failing.add_metric(list(key), 1)
    yield findings
    yield failing
    yield last
