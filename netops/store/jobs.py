"""The scheduler's memory: when each job last ran and how it went (survives restarts)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, Float, Integer, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column

from netops.store.db import Base, UtcDateTime
from netops.store.state import Store


class JobStateRow(Base):
    __tablename__ = "scheduler_jobs"

    name: Mapped[str] = mapped_column(String(60), primary_key=True)
    last_started: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_finished: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_success: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    last_ok: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    last_error: Mapped[str | None] = mapped_column(Text, nullable=True)
    last_duration: Mapped[float | None] = mapped_column(Float, nullable=True)
    runs: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    overruns: Mapped[int] = mapped_column(Integer, default=0)


@dataclass
class JobState:
    """How one job has gone so far (counters are totals across restarts)."""

    name: str
    last_started: datetime | None = None
    last_finished: datetime | None = None
    last_success: datetime | None = None
    last_ok: bool | None = None
    last_error: str | None = None
    last_duration: float | None = None
    runs: int = 0
    failures: int = 0
    overruns: int = 0


_FIELDS = tuple(f for f in JobState.__dataclass_fields__ if f != "name")


class JobStateStore:
    """Reads and writes :class:`JobState` rows."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def load(self) -> dict[str, JobState]:
        with self._store.session() as s:
            rows = s.scalars(select(JobStateRow)).all()
        return {r.name: JobState(r.name, **{f: getattr(r, f) for f in _FIELDS}) for r in rows}

    def save(self, state: JobState) -> None:
        with self._store.session.begin() as s:
            row = s.get(JobStateRow, state.name)
            if row is None:
                row = JobStateRow(name=state.name)
                s.add(row)
            for field in _FIELDS:
                setattr(row, field, getattr(state, field))
