"""Compliance metrics from the store: counts of the last run, failing devices, last run time."""

from __future__ import annotations

from pathlib import Path

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.registry import Collector

from netops.compliance import Snapshot, run_checks
from netops.compliance.metrics import families
from netops.inventory import Inventory
from netops.store import Store
from netops.store.findings import FindingHistory
from tests.compliance.helpers import edit_config
from tests.compliance.synthetic import NOW


class _Source(Collector):
    def __init__(self, store: Store, inv: Inventory) -> None:
        self.store, self.inv = store, inv

    def collect(self):  # type: ignore[no-untyped-def]
        return families(self.store, self.inv)


def test_metrics_after_a_run(reference: Inventory, clean: Snapshot, tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        registry = CollectorRegistry()
        registry.register(_Source(store, reference))
        empty = generate_latest(registry).decode()
        assert (
            "netops_compliance_last_run_timestamp_seconds" in empty
            and "netops_compliance_failing{" not in empty
        )
        edit_config(
            clean,
            "acc-jiefang-01",
            lambda t: t.replace("undo telnet server enable", "telnet server enable").replace(
                " protocol inbound ssh", " protocol inbound all"
            ),
        )
        result = run_checks(reference, clean, now=NOW, only=["MG-01", "MG-12"])
        FindingHistory(store).record(
            result.findings,
            started_at=result.started_at,
            finished_at=NOW,
            network=result.network,
            level=3,
            checks=["MG-01", "MG-12"],
        )
        text = generate_latest(registry).decode()
    finally:
        store.close()
    assert (
        'netops_compliance_failing{check_id="MG-01",device="acc-jiefang-01",severity="major"} 1.0'
        in text
    )
    assert (
        'netops_compliance_findings{check_id="MG-01",severity="major",verdict="FAIL"} 1.0' in text
    )
    assert (
        'netops_compliance_findings{check_id="MG-12",severity="warning",verdict="PASS"} 150.0'
        in text
    )
    [last] = [
        ln
        for ln in text.splitlines()
        if ln.startswith("netops_compliance_last_run_timestamp_seconds ")
    ]
    assert float(last.split()[1]) == NOW.timestamp()
    assert text.count("netops_compliance_failing{") == 1
