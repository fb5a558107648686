"""Compliance: isolation proof, the 等保 baseline, redundancy and backups, with evidence.

Checks are pure functions of (inventory, snapshot of records, settings, time); see
:data:`netops.compliance.catalogue.CATALOGUE` for the IDs and
docs/compliance-checks.md for what each proves.
"""

from __future__ import annotations

from netops.compliance.catalogue import CATALOGUE, CheckInfo
from netops.compliance.engine import ComplianceRun, apply_waivers, run_checks
from netops.compliance.snapshot import RecordSet, Snapshot

__all__ = [
    "CATALOGUE",
    "CheckInfo",
    "ComplianceRun",
    "RecordSet",
    "Snapshot",
    "apply_waivers",
    "run_checks",
]
