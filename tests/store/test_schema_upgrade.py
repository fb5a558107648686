"""A state database made by an older netops: nullable columns are added, data kept; a
required column that cannot be added is a clear error."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from netops.errors import StoreSchemaError
from netops.store import Store
from netops.store.stats import read_stats, update_stats


def _older(path: Path, table: str, column: str) -> None:
    """Make ``path`` look like an older netops made it: ``table`` without ``column``."""
    store = Store(f"sqlite:///{path}")
    update_stats(store, add=[("poll_failures", {"device": "core-1"}, 2.0)])
    store.close()
    with sqlite3.connect(path) as db:
        db.execute(f"ALTER TABLE {table} DROP COLUMN {column}")


def _columns(path: Path, table: str) -> set[str]:
    with sqlite3.connect(path) as db:
        return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def test_a_missing_nullable_column_is_added_and_rows_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "netops.db"
    _older(path, "playbook_runs", "runner")
    assert "runner" not in _columns(path, "playbook_runs")
    store = Store(f"sqlite:///{path}")
    try:
        assert "runner" in _columns(path, "playbook_runs")
        assert read_stats(store, "poll_failures") == [({"device": "core-1"}, 2.0)]
    finally:
        store.close()


def test_a_missing_required_column_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "netops.db"
    _older(path, "stats", "updated_at")
    with pytest.raises(StoreSchemaError, match=r"table stats lacks the required column updated_at"):
        Store(f"sqlite:///{path}")
    with sqlite3.connect(path) as db:  # nothing lost: the old rows are still there
        assert db.execute("SELECT value FROM stats").fetchall() == [(2.0,)]
