"""The compliance subsystem's entry points for the scheduler, the API and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from netops.compliance.catalogue import CATALOGUE
from netops.compliance.engine import ComplianceRun, run_checks
from netops.compliance.exchange import load_imports, load_public_key
from netops.compliance.report import render_html
from netops.compliance.snapshot import Snapshot
from netops.inventory import Inventory
from netops.models import Finding
from netops.settings import Settings
from netops.store.findings import FindingHistory, RunSummary, TrackedFinding


def snapshot_of(settings: Settings, store: Any) -> Snapshot:
    """What the store holds now, plus the verified identity snapshots imported (IS-02)."""
    snap = Snapshot.from_store(store)
    trusted = [load_public_key(p) for p in settings.compliance.trusted_keys]
    snap.identities.extend(load_imports(settings.resolved_imports_dir, trusted))
    return snap


def record(store: Any, result: ComplianceRun, only: Sequence[str] | None = None) -> dict[str, int]:
    """Keep a run's findings in the history (first seen / last seen / resolved)."""
    ran = {f.check_id for f in result.findings}
    return FindingHistory(store).record(
        result.findings,
        started_at=result.started_at,
        finished_at=result.finished_at,
        network=result.network,
        level=result.level,
        checks=list(only) if only else [c for c in CATALOGUE if c in ran],
        errors=result.errors,
    )


def check_and_record(settings: Settings, inventory: Inventory, store: Any) -> ComplianceRun:
    """One scheduled run: check what the store holds and keep the findings."""
    result = run_checks(inventory, snapshot_of(settings, store), settings)
    record(store, result)
    return result


def render_stored(
    inventory: Inventory, run: RunSummary, open_findings: Sequence[TrackedFinding]
) -> str:
    """The audit report from the history: the last run's counts, the open findings in full.

    PASS findings are not kept in the history, so their targets are not listed; their
    numbers per check are (from the run's counts).
    """
    findings: list[Finding] = [t.finding for t in open_findings]
    counts: dict[str, dict[str, int]] = {}
    for check_id, _severity, verdict, n in run.counts:
        counts.setdefault(check_id, {}).setdefault(verdict, 0)
        counts[check_id][verdict] += n
    result = ComplianceRun(
        network=run.network,
        level=run.level,
        inventory=inventory.source,
        started_at=run.started_at,
        finished_at=run.finished_at,
        findings=findings,
        errors=list(run.errors),
    )
    first_seen = {(t.finding.check_id, t.finding.target): t.first_seen for t in open_findings}
    return render_html(result, first_seen, stored_counts=counts)
