"""Store batch writes: one transaction, latest wins, other devices untouched."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from netops.models import Interface, PollResult
from netops.store import Store


def test_save_many_replaces_and_keeps_others(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 's.db'}")
    t0 = datetime.now(UTC)
    try:
        a = [Interface(device="a", name="eth0")]
        b = [Interface(device="b", name="eth1")]
        store.save_many([("a", "interface", a, t0, "snmp"), ("b", "interface", b, t0, "snmp")])
        newer = [Interface(device="a", name="eth9")]
        t1 = t0 + timedelta(seconds=60)
        store.save_many([("a", "interface", [], t1, "snmp"), ("a", "interface", newer, t1, "snmp")])
        got = {s.device: s for s in store.records("interface")}
        assert [i.name for i in got["a"].records] == ["eth9"] and got["a"].collected_at == t1
        assert [i.name for i in got["b"].records] == ["eth1"]
        store.save_poll_results(
            [PollResult(device="a", transport="snmp", ok=False, reason="timeout", started_at=t0,
                        duration_seconds=2.0, warnings=("x",))]
        )  # fmt: skip
        store.save_poll_results(
            [PollResult(device="a", transport="snmp", ok=True, started_at=t1, duration_seconds=0.1)]
        )
        [result] = store.poll_results("a")
        assert result.ok and result.reason is None and result.started_at == t1
    finally:
        store.close()
