"""The latest-state cache: what Store.records gives, re-reading only rows that changed."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from netops.models import PollResult, SystemInfo
from netops.store import Store
from netops.store.latest import latest_cache

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def system(device: str, uptime: float) -> SystemInfo:
    return SystemInfo(device=device, uptime_seconds=uptime)


def test_rows_follow_the_store(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'netops.db'}")
    for n, device in enumerate(("b", "a", "c")):
        store.replace_records(device, "system", [system(device, n)], T0, "snmp")
    cache = latest_cache(store)
    assert latest_cache(store) is cache
    assert cache.typed("system") == store.records("system")  # same records, device order
    assert list(cache.rows("system")) == ["a", "b", "c"]
    kept = cache.rows("system")
    assert cache.decoded == 3

    assert cache.rows("system") == kept and cache.decoded == 3  # nothing changed: nothing read
    store.replace_records("a", "system", [system("a", 99)], T0 + timedelta(seconds=60), "snmp")
    store.forget_device("c")
    store.replace_records("d", "system", [system("d", 5)], T0, "snmp")
    rows = cache.rows("system")
    assert cache.decoded == 5  # a (changed) and d (new)
    assert list(rows) == ["a", "b", "d"]
    assert rows["b"] is kept["b"] and rows["a"] is not kept["a"]
    assert rows["a"].data[0]["uptime_seconds"] == 99
    assert cache.typed("system") == store.records("system")


def test_poll_results_follow_the_store(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'netops.db'}")
    results = [
        PollResult(device=d, transport="snmp", ok=True, started_at=T0, duration_seconds=0.5)
        for d in ("x", "y")
    ]
    store.save_poll_results(results)
    cache = latest_cache(store)
    first = cache.poll_results()
    assert first == store.poll_results()
    failed = results[1].model_copy(update={"ok": False, "reason": "timeout", "error": "no answer"})
    store.save_poll_results([failed])
    second = cache.poll_results()
    assert second == store.poll_results()
    assert second[0] is first[0] and second[1].reason == "timeout"
