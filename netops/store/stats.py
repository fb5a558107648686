"""Counters and gauges that outlive one poll: failures by reason, traps received, last success.

Prometheus counters (``*_total``) must only go up across restarts of the poller, so they
live in the store, not in process memory. One row per (name, label set); labels are a
small bounded mapping (device, transport, reason...), stored as sorted JSON.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Float, Integer, String, UniqueConstraint, select
from sqlalchemy.orm import Mapped, mapped_column

from netops.store.db import Base, UtcDateTime
from netops.store.state import Store


class StatRow(Base):
    __tablename__ = "stats"
    __table_args__ = (UniqueConstraint("name", "labels"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80), index=True)
    labels: Mapped[str] = mapped_column(String(400))
    value: Mapped[float] = mapped_column(Float)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


def _key(labels: Mapping[str, str]) -> str:
    return json.dumps(dict(sorted(labels.items())), ensure_ascii=False, separators=(",", ":"))


def update_stats(
    store: Store,
    *,
    add: Iterable[tuple[str, Mapping[str, str], float]] = (),
    set_: Iterable[tuple[str, Mapping[str, str], float]] = (),
) -> None:
    """In one transaction: add to counters, and set gauges, each (name, labels, value)."""
    now = datetime.now(UTC)
    with store.session.begin() as s:
        for items, adding in ((add, True), (set_, False)):
            for name, labels, value in items:
                key = _key(labels)
                row = s.scalar(select(StatRow).where(StatRow.name == name, StatRow.labels == key))
                if row is None:
                    s.add(StatRow(name=name, labels=key, value=value, updated_at=now))
                else:
                    row.value = row.value + value if adding else value
                    row.updated_at = now


def read_stats(store: Store, name: str) -> list[tuple[dict[str, Any], float]]:
    """Every (labels, value) of stat ``name``."""
    with store.session() as s:
        rows = s.scalars(select(StatRow).where(StatRow.name == name).order_by(StatRow.id)).all()
    return [(json.loads(r.labels), r.value) for r in rows]
