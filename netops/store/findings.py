"""Compliance history: every run, and every non-PASS finding with first-seen / last-seen /
resolved times.

A finding is identified by (check ID, target). While a run still reports it (FAIL,
NEEDS_EVIDENCE or WAIVED) its row stays open and ``last_seen`` moves; when a run of that
check no longer reports it, ``resolved_at`` is set. If it comes back later, a new row
opens: the history keeps each episode.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Integer, String, Text, insert, select, update
from sqlalchemy.orm import Mapped, mapped_column

from netops.models import Finding
from netops.store.db import Base, UtcDateTime


class ComplianceRunRow(Base):
    __tablename__ = "compliance_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    finished_at: Mapped[datetime] = mapped_column(UtcDateTime())
    network: Mapped[str] = mapped_column(String(200))
    level: Mapped[int] = mapped_column(Integer)
    checks: Mapped[list[str]] = mapped_column(JSON)
    counts: Mapped[list[list[Any]]] = mapped_column(JSON)  # [check_id, severity, verdict, n]
    errors: Mapped[list[str]] = mapped_column(JSON, default=list)


class FindingRow(Base):
    __tablename__ = "compliance_findings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    check_id: Mapped[str] = mapped_column(String(10), index=True)
    target: Mapped[str] = mapped_column(String(500), index=True)
    verdict: Mapped[str] = mapped_column(String(20))
    severity: Mapped[str] = mapped_column(String(20))
    devices: Mapped[list[str]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    finding: Mapped[dict[str, Any]] = mapped_column(JSON)
    first_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen: Mapped[datetime] = mapped_column(UtcDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), index=True)
    run_id: Mapped[int] = mapped_column(Integer)


@dataclass(frozen=True)
class TrackedFinding:
    """A finding with its history."""

    finding: Finding
    first_seen: datetime
    last_seen: datetime
    resolved_at: datetime | None


@dataclass(frozen=True)
class RunSummary:
    id: int
    started_at: datetime
    finished_at: datetime
    network: str
    level: int
    checks: list[str]
    counts: list[tuple[str, str, str, int]]
    errors: list[str]


class FindingHistory:
    """Compliance runs and finding episodes in the state database of a Store."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def record(
        self,
        findings: Sequence[Finding],
        *,
        started_at: datetime,
        finished_at: datetime,
        network: str,
        level: int,
        checks: Iterable[str],
        errors: Sequence[str] = (),
    ) -> dict[str, int]:
        """Store one run; returns how many findings opened, stayed open and resolved."""
        checks = list(checks)
        counts: dict[tuple[str, str, str], int] = {}
        for f in findings:
            key = (f.check_id, f.severity, f.verdict)
            counts[key] = counts.get(key, 0) + 1
        current: dict[tuple[str, str], Finding | None] = {
            (f.check_id, f.target): f for f in findings if f.verdict != "PASS"
        }
        stats = {"opened": 0, "open": 0, "resolved": 0}
        with self.store.session.begin() as s:
            run_id = s.execute(
                insert(ComplianceRunRow).values(
                    started_at=started_at,
                    finished_at=finished_at,
                    network=network,
                    level=level,
                    checks=checks,
                    counts=[[*k, n] for k, n in sorted(counts.items())],
                    errors=list(errors),
                )
            ).inserted_primary_key[0]
            open_rows = s.execute(
                select(
                    FindingRow.id,
                    FindingRow.check_id,
                    FindingRow.target,
                    FindingRow.verdict,
                    FindingRow.summary,
                )
                .where(FindingRow.resolved_at.is_(None))
                .where(FindingRow.check_id.in_(checks))
            ).all()
            seen_ids: list[int] = []
            resolved_ids: list[int] = []
            for row in open_rows:
                found = current.pop((row.check_id, row.target), None)
                if found is None:
                    resolved_ids.append(row.id)
                elif found.verdict != row.verdict or found.summary != row.summary:
                    f = found
                    s.execute(
                        update(FindingRow)
                        .where(FindingRow.id == row.id)
                        .values(
                            verdict=f.verdict,
                            severity=f.severity,
                            devices=list(f.devices),
                            summary=f.summary,
                            finding=f.model_dump(mode="json"),
                            last_seen=finished_at,
                            run_id=run_id,
                        )
                    )
                    stats["open"] += 1
                else:
                    seen_ids.append(row.id)
            for chunk in _chunks(seen_ids):
                s.execute(
                    update(FindingRow)
                    .where(FindingRow.id.in_(chunk))
                    .values(last_seen=finished_at, run_id=run_id)
                )
            for chunk in _chunks(resolved_ids):
                s.execute(
                    update(FindingRow)
                    .where(FindingRow.id.in_(chunk))
                    .values(resolved_at=finished_at)
                )
            if current:
                s.execute(
                    insert(FindingRow),
                    [
                        {
                            "check_id": f.check_id,
                            "target": f.target,
                            "verdict": f.verdict,
                            "severity": f.severity,
                            "devices": list(f.devices),
                            "summary": f.summary,
                            "finding": f.model_dump(mode="json"),
                            "first_seen": finished_at,
                            "last_seen": finished_at,
                            "resolved_at": None,
                            "run_id": run_id,
                        }
                        for f in current.values()
                        if f is not None
                    ],
                )
            stats["open"] += len(seen_ids)
            stats["opened"] = len(current)
            stats["resolved"] = len(resolved_ids)
        return stats

    def open_findings(self) -> list[TrackedFinding]:
        return self._query(select(FindingRow).where(FindingRow.resolved_at.is_(None)))

    def open_summaries(self) -> list[tuple[str, str, str, list[str]]]:
        """(check ID, severity, verdict, devices) of each open finding, without its evidence
        (metrics and counts need no more; a province has thousands of open findings)."""
        with self.store.session() as s:
            rows = s.execute(
                select(
                    FindingRow.check_id, FindingRow.severity, FindingRow.verdict, FindingRow.devices
                )
                .where(FindingRow.resolved_at.is_(None))
                .order_by(FindingRow.id)
            ).all()
        return [(r[0], r[1], r[2], list(r[3] or [])) for r in rows]

    def history(
        self, check_id: str | None = None, target: str | None = None
    ) -> list[TrackedFinding]:
        query = select(FindingRow)
        if check_id:
            query = query.where(FindingRow.check_id == check_id)
        if target:
            query = query.where(FindingRow.target == target)
        return self._query(query.order_by(FindingRow.first_seen))

    def first_seen(self) -> dict[tuple[str, str], datetime]:
        """(check ID, target) -> first seen, for the open findings."""
        with self.store.session() as s:
            rows = s.execute(
                select(FindingRow.check_id, FindingRow.target, FindingRow.first_seen).where(
                    FindingRow.resolved_at.is_(None)
                )
            ).all()
        return {(r.check_id, r.target): r.first_seen for r in rows}

    def latest_run(self) -> RunSummary | None:
        with self.store.session() as s:
            row = s.scalars(
                select(ComplianceRunRow).order_by(ComplianceRunRow.id.desc()).limit(1)
            ).first()
        if row is None:
            return None
        return RunSummary(
            row.id,
            row.started_at,
            row.finished_at,
            row.network,
            row.level,
            list(row.checks),
            [(str(c[0]), str(c[1]), str(c[2]), int(c[3])) for c in row.counts],
            list(row.errors or []),
        )

    def _query(self, query: Any) -> list[TrackedFinding]:
        with self.store.session() as s:
            rows = s.scalars(query).all()
        return [
            TrackedFinding(
                Finding.model_validate(r.finding), r.first_seen, r.last_seen, r.resolved_at
            )
            for r in rows
        ]


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]
