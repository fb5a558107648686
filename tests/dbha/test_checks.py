"""HA and backup verdicts as pure functions of records (each verdict both ways)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from typing import Any

import pytest

from netops.dbha.checks import (
    CHECKS,
    backup_findings,
    failover_events,
    ha_findings,
    policy_for,
)
from netops.inventory import HaKind, HaPair, Inventory
from netops.models import (
    DbBackup,
    DbBackupVerification,
    DbNodeStatus,
    Finding,
    ReplicationLink,
    VerifyCheck,
)
from netops.settings import DbhaSettings

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
PAIR = HaPair(
    name="dc-db",
    kind=HaKind.DATABASE,
    members=("dc-db-1", "dc-db-2"),
    engine="postgresql",
    service_address=IPv4Address("10.1.8.10"),
)
SETTINGS = DbhaSettings(lag_max_seconds=30, lag_max_bytes=16 * 1024 * 1024)


def primary(name: str = "dc-db-1", **kw: Any) -> DbNodeStatus:
    links = kw.pop(
        "links",
        (ReplicationLink(device=name, peer="dc-db-2", state="streaming", lag_bytes=0),),
    )
    values: dict[str, Any] = {"timeline": 1, **kw}
    return DbNodeStatus(
        device=name, engine="postgresql", reachable=True, role="primary", replication=links,
        **values,
    )  # fmt: skip


def standby(name: str = "dc-db-2", **kw: Any) -> DbNodeStatus:
    values: dict[str, Any] = {
        "receiver_status": "streaming",
        "lag_seconds": 0.0,
        "lag_bytes": 0,
        "timeline": 1,
    }
    values.update(kw)
    return DbNodeStatus(device=name, engine="postgresql", reachable=True, role="standby", **values)


def down(name: str) -> DbNodeStatus:
    return DbNodeStatus(
        device=name, engine="postgresql", reachable=False, role="unknown",
        error="refused: connection refused",
    )  # fmt: skip


def verdicts(*nodes: DbNodeStatus) -> dict[str, Finding]:
    return {f.check_id: f for f in ha_findings(PAIR, {n.device: n for n in nodes}, SETTINGS, NOW)}


def test_every_check_id_is_documented() -> None:
    ids = {f.check_id for f in ha_findings(PAIR, {}, SETTINGS, NOW)}
    assert ids <= set(CHECKS)
    assert all(k.startswith(("DB-HA-", "DB-BK-")) for k in CHECKS)


def test_healthy_pair() -> None:
    v = verdicts(primary(holds_service_address=True), standby(holds_service_address=False))
    assert {k: f.verdict for k, f in v.items()} == {
        "DB-HA-01": "PASS",
        "DB-HA-02": "PASS",
        "DB-HA-03": "PASS",
        "DB-HA-04": "PASS",
    }
    assert v["DB-HA-01"].evidence and "primary" in v["DB-HA-01"].evidence[0].text


def test_split_brain_is_critical() -> None:
    v = verdicts(primary(), primary("dc-db-2", timeline=2, links=()))
    assert v["DB-HA-01"].verdict == "FAIL" and v["DB-HA-01"].severity == "critical"
    assert "split brain" in v["DB-HA-01"].summary and "timeline 2" in v["DB-HA-01"].summary
    assert v["DB-HA-02"].verdict == "FAIL"


def test_no_primary() -> None:
    v = verdicts(down("dc-db-1"), standby(receiver_status="waiting"))
    assert v["DB-HA-01"].verdict == "FAIL" and "no primary" in v["DB-HA-01"].summary
    assert "dc-db-1 unreachable" in v["DB-HA-01"].summary


def test_standby_down_or_not_streaming() -> None:
    v = verdicts(primary(links=()), down("dc-db-2"))
    assert v["DB-HA-01"].verdict == "PASS"
    assert v["DB-HA-02"].verdict == "FAIL" and "dc-db-2 unreachable" in v["DB-HA-02"].summary
    v = verdicts(
        primary(links=()),
        standby(receiver_status="stopped"),
    )
    assert v["DB-HA-02"].verdict == "FAIL" and "receiver stopped" in v["DB-HA-02"].summary
    # the standby thinks it streams, but the primary does not see it
    v = verdicts(primary(links=()), standby())
    assert v["DB-HA-02"].verdict == "FAIL" and "not connected" in v["DB-HA-02"].summary


@pytest.mark.parametrize(
    ("seconds", "lag_bytes", "verdict"),
    [
        (5.0, 1024, "PASS"),
        (31.0, 1024, "FAIL"),
        (1.0, 17 * 1024 * 1024, "FAIL"),
        (None, None, "NEEDS_EVIDENCE"),
    ],
)
def test_lag_against_thresholds(seconds: float | None, lag_bytes: int | None, verdict: str) -> None:
    v = verdicts(
        primary(links=(ReplicationLink(device="dc-db-1", peer="dc-db-2", state="streaming"),)),
        standby(lag_seconds=seconds, lag_bytes=lag_bytes, replay_paused=verdict == "FAIL"),
    )
    assert v["DB-HA-03"].verdict == verdict
    if verdict == "FAIL":
        assert "replay paused" in v["DB-HA-03"].summary


def test_lag_seen_by_the_primary_counts_too() -> None:
    link = ReplicationLink(
        device="dc-db-1", peer="dc-db-2", state="streaming", lag_bytes=64 * 1024 * 1024
    )
    v = verdicts(primary(links=(link,)), standby(lag_bytes=0))
    assert v["DB-HA-03"].verdict == "FAIL"


def test_service_address() -> None:
    v = verdicts(primary(holds_service_address=False), standby(holds_service_address=True))
    assert v["DB-HA-04"].verdict == "FAIL" and "but the primary is dc-db-1" in v["DB-HA-04"].summary
    v = verdicts(primary(holds_service_address=True), standby(holds_service_address=True))
    assert v["DB-HA-04"].verdict == "FAIL" and "at once" in v["DB-HA-04"].summary
    v = verdicts(primary(holds_service_address=False), standby(holds_service_address=False))
    assert v["DB-HA-04"].verdict == "FAIL" and "no node" in v["DB-HA-04"].summary
    v = verdicts(primary(), standby())
    assert v["DB-HA-04"].verdict == "NEEDS_EVIDENCE"
    # the old primary's database crashed, but its host kept the address
    crashed = down("dc-db-1").model_copy(update={"holds_service_address": True})
    v = verdicts(crashed, primary("dc-db-2", links=(), holds_service_address=False))
    assert v["DB-HA-04"].verdict == "FAIL" and "is on dc-db-1" in v["DB-HA-04"].summary
    no_address = PAIR.model_copy(update={"service_address": None})
    assert "DB-HA-04" not in {
        f.check_id for f in ha_findings(no_address, {"dc-db-1": primary()}, SETTINGS, NOW)
    }


def test_failover_event_when_the_standby_became_primary() -> None:
    prev = {"dc-db-1": "primary", "dc-db-2": "standby"}
    swapped = {"dc-db-1": standby("dc-db-1"), "dc-db-2": primary("dc-db-2")}
    (event,) = failover_events(PAIR, prev, swapped, NOW)
    assert event.kind == "db.failover" and event.device == "dc-db-2" and event.severity == "major"
    assert event.details["pair"] == "dc-db"
    split = {"dc-db-1": primary(), "dc-db-2": primary("dc-db-2")}
    (event,) = failover_events(PAIR, prev, split, NOW)
    assert event.severity == "critical" and "split brain" in event.summary
    same = {"dc-db-1": primary(), "dc-db-2": standby()}
    assert failover_events(PAIR, prev, same, NOW) == []
    assert failover_events(PAIR, {}, swapped, NOW) == []  # first poll: nothing to compare


# -- backups ---------------------------------------------------------------------------------
def backup(hours_ago: float, trigger: str = "automatic", ok: bool = True) -> DbBackup:
    return DbBackup(
        device="dc-db", tool="pgbackrest", label=f"L{hours_ago}", trigger=trigger,  # type: ignore[arg-type]
        finished_at=NOW - timedelta(hours=hours_ago), size_bytes=1000, ok=ok,
        error=None if ok else "pgBackRest found page checksum errors in this backup",
    )  # fmt: skip


def verification(hours_ago: float, ok: bool = True) -> DbBackupVerification:
    at = NOW - timedelta(hours=hours_ago)
    return DbBackupVerification(
        device="dc-db", tool="pgbackrest", label="L1", started_at=at, finished_at=at, ok=ok,
        duration_seconds=3.0,
        checks=(VerifyCheck(name="recovered", ok=ok, detail="x" if ok else "still in recovery"),),
    )  # fmt: skip


def bk(
    reference: Inventory, backups: list[DbBackup], runs: list[DbBackupVerification]
) -> dict[str, Finding]:
    pair = reference.ha_pair_by_name["dc-db"]
    policy = policy_for(reference, pair)
    assert policy is not None and policy.name == "databases"
    return {f.check_id: f for f in backup_findings(pair, policy, backups, runs, NOW)}


def test_backups_within_policy(reference: Inventory) -> None:
    v = bk(reference, [backup(30), backup(2), backup(100, "manual")], [verification(20)])
    assert {k: f.verdict for k, f in v.items()} == dict.fromkeys(
        ("DB-BK-01", "DB-BK-02", "DB-BK-03", "DB-BK-04"), "PASS"
    )


def test_stale_automatic_and_missing_manual(reference: Inventory) -> None:
    v = bk(reference, [backup(49)], [verification(1)])
    assert v["DB-BK-01"].verdict == "FAIL" and "49.0 h old" in v["DB-BK-01"].summary
    assert v["DB-BK-01"].evidence[0].data["label"] == "L49"
    assert v["DB-BK-02"].verdict == "FAIL" and v["DB-BK-02"].severity == "warning"


def test_failed_newest_backup(reference: Inventory) -> None:
    v = bk(reference, [backup(30), backup(1, ok=False), backup(5, "manual")], [verification(1)])
    assert v["DB-BK-01"].verdict == "FAIL"  # the only good automatic one is 30 h old
    assert v["DB-BK-03"].verdict == "FAIL" and "checksum" in v["DB-BK-03"].summary


def test_restore_tests(reference: Inventory) -> None:
    good = [backup(1), backup(5, "manual")]
    assert bk(reference, good, [])["DB-BK-04"].verdict == "FAIL"
    failed = bk(reference, good, [verification(30), verification(1, ok=False)])["DB-BK-04"]
    assert failed.verdict == "FAIL" and "still in recovery" in failed.summary
    old = bk(reference, good, [verification(200)])["DB-BK-04"]
    assert old.verdict == "FAIL" and "200.0 h ago" in old.summary
