"""Fixtures of the compliance tests: the reference network's clean snapshot, and a runner."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from synthetic import NOW, build_snapshot  # noqa: E402

from netops.compliance import Snapshot, run_checks  # noqa: E402
from netops.inventory import Inventory  # noqa: E402
from netops.models import Finding  # noqa: E402
from netops.settings import ComplianceSettings  # noqa: E402

Run = Callable[..., list[Finding]]


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
        result = run_checks(
            inventory or reference, snap, settings, now=NOW, only=check_ids or None
        )
        assert not result.errors, result.errors
        return result.findings

    return _run


def by_target(findings: Iterable[Finding]) -> dict[tuple[str, str], Finding]:
    return {(f.check_id, f.target): f for f in findings}


def failing(findings: Iterable[Finding]) -> list[Finding]:
    return [f for f in findings if f.verdict == "FAIL"]


def edit_config(snap: Snapshot, device: str, edit: Callable[[str], str]) -> None:
    """Replace a device's running configuration by ``edit(old text)`` (which must change it)."""
    from netops.models import RunningConfig

    rs = snap.get("config", device)
    assert rs is not None
    old = rs.records[0]
    assert isinstance(old, RunningConfig)
    text = edit(old.text)
    assert text != old.text, "the edit changed nothing"
    snap.add(device, "config", [old.model_copy(update={"text": text})], rs.collected_at, rs.source)


def append(snap: Snapshot, device: str, kind: str, *records: object) -> None:
    rs = snap.get(kind, device)
    assert rs is not None
    snap.add(device, kind, [*rs.records, *records], rs.collected_at, rs.source)  # type: ignore[list-item]


def replace(snap: Snapshot, device: str, kind: str, *records: object) -> None:
    rs = snap.get(kind, device)
    assert rs is not None
    snap.add(device, kind, list(records), rs.collected_at, rs.source)  # type: ignore[arg-type]


def one(findings: Iterable[Finding], target: str) -> Finding:
    hits = [f for f in findings if f.target == target]
    assert len(hits) == 1, f"{len(hits)} findings for {target}: {[f.summary for f in hits]}"
    return hits[0]
