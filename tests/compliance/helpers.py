"""Helpers of the compliance tests: change a snapshot, pick findings."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from netops.compliance import Snapshot
from netops.models import Finding

Run = Callable[..., list[Finding]]


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
