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
    """In one transaction: add to counters, and set gauges, each (name, labels, value).

    The existing rows are read with one query per 500 label sets, not one per item (a poll
    batch updates a gauge per device)."""
    now = datetime.now(UTC)
    items = [(name, _key(labels), value, True) for name, labels, value in add]
    items += [(name, _key(labels), value, False) for name, labels, value in set_]
    if not items:
        return
    with store.session.begin() as s:
        existing: dict[tuple[str, str], StatRow] = {}
        names = sorted({name for name, *_ in items})
        keys = sorted({key for _, key, *_ in items})
        for i in range(0, len(keys), 500):
            query = select(StatRow).where(
                StatRow.name.in_(names), StatRow.labels.in_(keys[i : i + 500])
            )
            existing.update({(r.name, r.labels): r for r in s.scalars(query)})
        for name, key, value, adding in items:
            row = existing.get((name, key))
            if row is None:
                row = existing[(name, key)] = StatRow(
                    name=name, labels=key, value=value, updated_at=now
                )
                s.add(row)
            else:
                row.value = row.value + value if adding else value
                row.updated_at = now


def read_stats(store: Store, name: str) -> list[tuple[dict[str, Any], float]]:
    """Every (labels, value) of stat ``name``."""
    with store.session() as s:
        rows = s.scalars(select(StatRow).where(StatRow.name == name).order_by(StatRow.id)).all()
    return [(json.loads(r.labels), r.value) for r in rows]
