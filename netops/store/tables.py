"""Tables of the latest state: records per device and kind, poll results, events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from netops.store.db import Base, UtcDateTime


class LatestRecords(Base):
    """The newest records of one kind for one device (replaced as a whole on each poll)."""

    __tablename__ = "latest_records"
    __table_args__ = (UniqueConstraint("device", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    source: Mapped[str] = mapped_column(String(20))
    collected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    data: Mapped[list[dict[str, Any]]] = mapped_column(JSON)


class PollStatus(Base):
    """The newest poll result per device and transport."""

    __tablename__ = "poll_status"
    __table_args__ = (UniqueConstraint("device", "transport"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    device: Mapped[str] = mapped_column(String(200), index=True)
    transport: Mapped[str] = mapped_column(String(20))
    ok: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40))
    error: Mapped[str | None] = mapped_column(Text)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    duration_seconds: Mapped[float] = mapped_column(Float)
    overran: Mapped[bool] = mapped_column(Boolean, default=False)
    record_counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)


class EventRow(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    time: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    kind: Mapped[str] = mapped_column(String(60), index=True)
    device: Mapped[str | None] = mapped_column(String(200), index=True)
    severity: Mapped[str] = mapped_column(String(20))
    summary: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
