"""The store: latest state (records, poll results, events) in SQLite or PostgreSQL."""

from __future__ import annotations

from netops.store.state import Store

__all__ = ["Store"]
