"""The playbook audit trail: one row per run, one per device of the run, chained by digest.

A run is written when it starts (status ``running``), each device's result as soon as the
device is done (a crash leaves what happened so far), and the run's outcome at the end.
Finished runs form a hash chain: each one's ``digest`` is the SHA-256 of the previous
digest and the run's complete record, so :meth:`PlaybookAudit.verify` shows a record that
was changed or removed afterwards (等保 8.1.4.3: audit records protected).
"""

from __future__ import annotations

import hashlib
import json
import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, Select, String, Text, func, select
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Mapped, Session, mapped_column

from netops.models.playbooks import DeviceRunResult, PlaybookRun
from netops.store.db import Base, UtcDateTime
from netops.store.state import Store

log = logging.getLogger(__name__)
_CHAIN_LOCK = threading.Lock()
_CHAIN_ATTEMPTS = 5


class PlaybookRunRow(Base):
    __tablename__ = "playbook_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    playbook: Mapped[str] = mapped_column(String(100), index=True)
    playbook_sha256: Mapped[str] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text, nullable=True)
    parameters: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    targets: Mapped[list[str]] = mapped_column(JSON, default=list)
    devices: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[str] = mapped_column(String(20), index=True)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    bundle: Mapped[str | None] = mapped_column(String(200), nullable=True)
    runner: Mapped[str | None] = mapped_column(String(200), nullable=True)
    chain_seq: Mapped[int | None] = mapped_column(Integer, nullable=True, unique=True)
    digest: Mapped[str | None] = mapped_column(String(64), nullable=True)


class PlaybookDeviceRow(Base):
    __tablename__ = "playbook_run_devices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    run_id: Mapped[str] = mapped_column(String(40), ForeignKey("playbook_runs.id"), index=True)
    device: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(20))
    changed: Mapped[bool] = mapped_column(Boolean, default=False)
    finished_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    result: Mapped[dict[str, Any]] = mapped_column(JSON)


_RUN_FIELDS = (
    "playbook",
    "playbook_sha256",
    "mode",
    "actor",
    "source",
    "reason",
    "parameters",
    "targets",
    "devices",
    "status",
    "started_at",
    "finished_at",
    "counts",
    "error",
    "bundle",
    "runner",
)


def _aware(value: Any) -> datetime:
    if isinstance(value, str):  # SQLite hands an aggregate back as text
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _digest(previous: str | None, run: PlaybookRun) -> str:
    data = run.model_dump(mode="json")
    data["results"] = sorted(data["results"], key=lambda r: r["device"])
    body = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(((previous or "") + "\n" + body).encode("utf-8")).hexdigest()


class PlaybookAudit:
    """Write and read playbook runs in the state database."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- writing ---------------------------------------------------------------------------
    def begin(self, run: PlaybookRun) -> None:
        """Record a run that starts now (status ``running``)."""
        values = run.model_dump(mode="python", include=set(_RUN_FIELDS))
        values["targets"], values["devices"] = list(run.targets), list(run.devices)
        with self._store.session.begin() as s:
            s.add(PlaybookRunRow(id=run.id, **values))

    def device_done(self, run_id: str, result: DeviceRunResult) -> None:
        """Record one device's result (replaces an earlier one of the same device and run)."""
        data = result.model_dump(mode="json")
        with self._store.session.begin() as s:
            row = s.scalar(
                select(PlaybookDeviceRow).where(
                    PlaybookDeviceRow.run_id == run_id, PlaybookDeviceRow.device == result.device
                )
            )
            if row is None:
                s.add(
                    PlaybookDeviceRow(
                        run_id=run_id,
                        device=result.device,
                        status=result.status,
                        changed=result.changed,
                        finished_at=result.finished_at,
                        result=data,
                    )
                )
            else:
                row.status, row.changed = result.status, result.changed
                row.finished_at, row.result = result.finished_at, data

    def finish(self, run: PlaybookRun) -> PlaybookRun:
        """Record the run's outcome and every device result; chain its digest.

        The outcome is written first, so a run never stays ``running`` because chaining
        failed. Chaining appends under a lock (threads of this process) and retries when
        another process appended at the same moment (the unique chain position refuses the
        second one); a run that still could not be chained is reported by :meth:`verify`.
        """
        for result in run.results:
            self.device_done(run.id, result)
        with self._store.session.begin() as s:
            row = s.get(PlaybookRunRow, run.id)
            if row is None:
                raise KeyError(f"run {run.id} was never begun")
            for name in ("status", "finished_at", "counts", "error", "bundle"):
                setattr(row, name, getattr(run, name))
        for attempt in range(_CHAIN_ATTEMPTS):
            try:
                with _CHAIN_LOCK, self._store.session.begin() as s:
                    self._chain(s, run)
                return run
            except (IntegrityError, OperationalError):
                if attempt == _CHAIN_ATTEMPTS - 1:
                    log.exception("run %s could not be added to the audit chain", run.id)
                    return run
                time.sleep(0.05 * (attempt + 1))
        return run

    @staticmethod
    def _chain(s: Session, run: PlaybookRun) -> None:
        row = s.get(PlaybookRunRow, run.id)
        assert row is not None
        last = s.scalar(select(func.max(PlaybookRunRow.chain_seq)))
        previous = (
            s.scalar(select(PlaybookRunRow.digest).where(PlaybookRunRow.chain_seq == last))
            if last is not None
            else None
        )
        row.chain_seq = (last or 0) + 1
        row.digest = _digest(previous, run)

    # -- reading ---------------------------------------------------------------------------
    def get(self, run_id: str) -> PlaybookRun | None:
        with self._store.session() as s:
            row = s.get(PlaybookRunRow, run_id)
            if row is None:
                return None
            devices = s.scalars(
                select(PlaybookDeviceRow)
                .where(PlaybookDeviceRow.run_id == run_id)
                .order_by(PlaybookDeviceRow.device)
            ).all()
            return self._run(row, [d.result for d in devices])

    def _query(self, playbook: str | None, device: str | None) -> Select[Any]:
        query = select(PlaybookRunRow)
        if playbook:
            query = query.where(PlaybookRunRow.playbook == playbook)
        if device:
            query = query.where(
                PlaybookRunRow.id.in_(
                    select(PlaybookDeviceRow.run_id).where(PlaybookDeviceRow.device == device)
                )
            )
        return query

    def count(self, *, playbook: str | None = None, device: str | None = None) -> int:
        query = self._query(playbook, device)
        with self._store.session() as s:
            return int(s.scalar(select(func.count()).select_from(query.subquery())) or 0)

    def runs(
        self,
        *,
        playbook: str | None = None,
        device: str | None = None,
        limit: int = 50,
        offset: int = 0,
    ) -> list[PlaybookRun]:
        """Runs newest first, without their device results (use :meth:`get` for those)."""
        query = self._query(playbook, device).order_by(
            PlaybookRunRow.started_at.desc(), PlaybookRunRow.id
        )
        with self._store.session() as s:
            rows = s.scalars(query.limit(limit).offset(offset)).all()
            return [self._run(r, []) for r in rows]

    def summary(self) -> list[tuple[str, str, str, int, datetime]]:
        """``(playbook, mode, status, runs, last start)`` over the whole trail (for metrics)."""
        query = select(
            PlaybookRunRow.playbook,
            PlaybookRunRow.mode,
            PlaybookRunRow.status,
            func.count(),
            func.max(PlaybookRunRow.started_at),
        ).group_by(PlaybookRunRow.playbook, PlaybookRunRow.mode, PlaybookRunRow.status)
        with self._store.session() as s:
            rows = s.execute(query).all()
        return [(p, m, st, int(n), _aware(last)) for p, m, st, n, last in rows]

    def left_changed(self) -> list[tuple[str, str]]:
        """``(device, run id)`` of devices whose latest committed run left them changed after a
        failed rollback (a later run that commits or restores the device clears it)."""
        query = (
            select(PlaybookDeviceRow.device, PlaybookDeviceRow.status, PlaybookDeviceRow.run_id)
            .join(PlaybookRunRow, PlaybookRunRow.id == PlaybookDeviceRow.run_id)
            .where(
                PlaybookRunRow.mode == "commit",
                PlaybookDeviceRow.status.in_(("committed", "rolled_back", "rollback_failed")),
            )
            .order_by(PlaybookDeviceRow.finished_at, PlaybookDeviceRow.id)
        )
        last: dict[str, tuple[str, str]] = {}
        with self._store.session() as s:
            for device, status, run_id in s.execute(query).all():
                last[device] = (status, run_id)
        return sorted((d, run) for d, (status, run) in last.items() if status == "rollback_failed")

    def verify(self) -> list[str]:
        """Problems in the digest chain (empty: every finished run is as it was written)."""
        problems: list[str] = []
        with self._store.session() as s:
            rows = s.scalars(
                select(PlaybookRunRow)
                .where(PlaybookRunRow.chain_seq.is_not(None))
                .order_by(PlaybookRunRow.chain_seq)
            ).all()
        with self._store.session() as s:
            unchained = s.scalars(
                select(PlaybookRunRow.id).where(
                    PlaybookRunRow.chain_seq.is_(None),
                    PlaybookRunRow.status.not_in(("running", "interrupted")),
                )
            ).all()
        problems += [f"run {r} finished but is not in the digest chain" for r in unchained]
        previous: str | None = None
        expected_seq = rows[0].chain_seq if rows else None
        for row in rows:
            if expected_seq is not None and row.chain_seq != expected_seq:
                problems.append(f"runs are missing before chain position {row.chain_seq}")
            run = self.get(row.id)
            assert run is not None
            if row.digest != _digest(previous, run):
                problems.append(
                    f"run {row.id} ({row.playbook}, {row.started_at:%Y-%m-%d %H:%M}Z) was changed after it was recorded"
                )
            previous = row.digest
            expected_seq = (row.chain_seq or 0) + 1
        return problems

    def close_dead_runs(self, host: str, alive: Callable[[int], bool]) -> list[str]:
        """Runs still ``running`` whose process on ``host`` is gone: closed as ``interrupted``
        (their device results so far stay; the error says a device may be half-changed)."""
        closed = []
        with self._store.session.begin() as s:
            rows = s.scalars(
                select(PlaybookRunRow).where(
                    PlaybookRunRow.status == "running", PlaybookRunRow.runner.like(f"{host}:%")
                )
            ).all()
            for row in rows:
                pid = (row.runner or "").rsplit(":", 1)[-1]
                if pid.isdigit() and not alive(int(pid)):
                    row.status, row.finished_at = "interrupted", datetime.now(UTC)
                    row.error = (
                        f"the process running it ({row.runner}) ended before the run did; "
                        "devices it was changing may be half-changed: see their results and configs"
                    )
                    closed.append(row.id)
        return closed

    @staticmethod
    def _run(row: PlaybookRunRow, results: list[dict[str, Any]]) -> PlaybookRun:
        return PlaybookRun.model_validate(
            {
                "id": row.id,
                **{name: getattr(row, name) for name in _RUN_FIELDS},
                "results": results,
            }
        )
