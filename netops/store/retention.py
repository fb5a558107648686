"""Retention: events older than the configured number of days are deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import delete

from netops.store.state import Store
from netops.store.tables import EventRow


def prune_events(store: Store, days: float, now: datetime | None = None) -> int:
    """Delete events older than ``days``; returns how many went."""
    cutoff = (now or datetime.now(UTC)) - timedelta(days=days)
    with store.session.begin() as s:
        result = s.execute(delete(EventRow).where(EventRow.time < cutoff))
    return int(getattr(result, "rowcount", 0) or 0)
