"""Fixtures of the compliance tests: the reference network's clean snapshot, and a runner."""

from __future__ import annotations

import pytest

from netops.compliance import Snapshot, run_checks
from netops.inventory import Inventory
from netops.models import Finding
from netops.settings import ComplianceSettings
from tests.compliance.helpers import Run
from tests.compliance.synthetic import NOW, build_snapshot


@pytest.fixture(scope="session")
def _clean_base(reference: Inventory) -> Snapshot:
    return build_snapshot(reference)


@pytest.fixture
def clean(_clean_base: Snapshot) -> Snapshot:
    """A fresh clean snapshot of the reference district (tests may change it)."""
    return Snapshot(
        sets=list(_clean_base.sets),
        poll_results=list(_clean_base.poll_results),
        taken_at=_clean_base.taken_at,
    )


@pytest.fixture
def run(reference: Inventory) -> Run:
    """run(snapshot, "IS-01", ...) -> the findings of those checks (all checks if none named)."""

    def _run(
        snap: Snapshot,
        *check_ids: str,
        inventory: Inventory | None = None,
        settings: ComplianceSettings | None = None,
    ) -> list[Finding]:
        result = run_checks(inventory or reference, snap, settings, now=NOW, only=check_ids or None)
        assert not result.errors, result.errors
        return result.findings

    return _run
