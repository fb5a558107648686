"""Against a REAL PostgreSQL 15 pair with pgBackRest: healthy, lag, standby down, stale and
corrupt backups, restore verification, metrics, the CLI, and split brain (last: it is final).

The tests of this module run in file order on one pair (module-scoped, ~3 s to build).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netops.cli.main import app
from netops.dbha.collect import PairReport, collect_db_pairs
from netops.dbha.metrics import families
from netops.dbha.verify import verify_pairs
from netops.endpoints import DeviceEndpoints
from netops.inventory import Inventory
from netops.lab.postgres import PgPair
from netops.settings import Settings, load_settings
from netops.store import Store
from tests.conftest import REFERENCE

pytestmark = pytest.mark.real


@dataclass
class Env:
    pair: PgPair
    inventory: Inventory
    endpoints: dict[str, DeviceEndpoints]
    endpoints_file: Path
    store: Store
    state_dir: Path
    settings: Settings
    labels: dict[str, str]


@pytest.fixture(scope="module")
def env(
    pg_pair: PgPair, reference: Inventory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Env]:
    state = tmp_path_factory.mktemp("dbha-state")
    label = pg_pair.backup("full", trigger="automatic")
    pg_pair.dump(trigger="manual")
    raw = pg_pair.endpoints()
    file = state / "endpoints.json"
    file.write_text(json.dumps(raw))
    store = Store(f"sqlite:///{state / 'netops.db'}")
    settings = load_settings(state_dir=state)
    yield Env(
        pg_pair,
        reference,
        {k: DeviceEndpoints.model_validate(v) for k, v in raw.items()},
        file,
        store,
        state,
        settings,
        {"full": label},
    )
    store.close()


def collect(env: Env, backups: bool = True, **dbha: object) -> PairReport:
    settings = env.settings.model_copy(update={"dbha": env.settings.dbha.model_copy(update=dbha)})
    (report,) = collect_db_pairs(
        env.inventory, settings, env.endpoints, store=env.store, backups=backups
    )
    return report


def verdict(report: PairReport, check: str) -> str:
    return next(f.verdict for f in report.findings if f.check_id == check)


def summary(report: PairReport, check: str) -> str:
    return next(f.summary for f in report.findings if f.check_id == check)


def metric(env: Env, name: str, **labels: str) -> float | None:
    for family in families(env.store, env.inventory):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return None


def wait_until(predicate, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "condition not reached in time"
        time.sleep(0.1)


def test_healthy_pair(env: Env) -> None:
    report = collect(env)
    nodes = {n.device: n for n in report.nodes}
    assert nodes["dc-db-1"].role == "primary" and nodes["dc-db-2"].role == "standby"
    assert nodes["dc-db-1"].system_identifier == nodes["dc-db-2"].system_identifier
    (link,) = [r for r in nodes["dc-db-1"].replication if r.peer == "dc-db-2"]
    assert link.state == "streaming" and link.client_address == "127.0.0.1"
    assert nodes["dc-db-2"].receiver_status == "streaming"
    for check in ("DB-HA-01", "DB-HA-02", "DB-HA-03"):
        assert verdict(report, check) == "PASS", summary(report, check)
    # no SSH answer about the service address: evidence missing, not a pass and not a failure
    assert verdict(report, "DB-HA-04") == "NEEDS_EVIDENCE"
    assert all(p.ok for p in report.polls), report.polls
    tools = {(b.tool, b.trigger) for b in report.backups}
    assert tools == {("pgbackrest", "automatic"), ("dump", "manual")}
    dump = next(b for b in report.backups if b.tool == "dump")
    assert dump.checksum_ok is True and dump.size_bytes
    for check in ("DB-BK-01", "DB-BK-02", "DB-BK-03"):
        assert verdict(report, check) == "PASS", summary(report, check)
    assert verdict(report, "DB-BK-04") == "FAIL"  # no restore test yet
    assert metric(env, "netops_db_primaries", pair="dc-db") == 1.0
    assert metric(env, "netops_db_standby_streaming", device="dc-db-2") == 1.0
    assert metric(env, "netops_db_node_role", device="dc-db-2", role="standby") == 1.0


def test_lag_observed_with_replay_paused(env: Env) -> None:
    env.pair.pause_replay("dc-db-2")
    try:
        env.pair.load(rows=30_000)
        target = env.pair.sql("dc-db-1", "SELECT pg_current_wal_lsn()::text")[0][0]
        wait_until(
            lambda: env.pair.sql(
                "dc-db-2", "SELECT pg_last_wal_receive_lsn() >= %s::pg_lsn", (target,)
            )[0][0]
        )  # received, not replayed
        report = collect(env, backups=False, lag_max_bytes=1024 * 1024)
        standby = next(n for n in report.nodes if n.device == "dc-db-2")
        assert standby.replay_paused is True
        assert (standby.lag_bytes or 0) > 1024 * 1024
        assert verdict(report, "DB-HA-03") == "FAIL"
        assert "replay paused" in summary(report, "DB-HA-03")
        assert (metric(env, "netops_db_replication_lag_bytes", device="dc-db-2") or 0) > 1024 * 1024
    finally:
        env.pair.resume_replay("dc-db-2")
    env.pair.wait_caught_up()
    assert verdict(collect(env, backups=False), "DB-HA-03") == "PASS"


def test_standby_stopped_is_not_streaming(env: Env) -> None:
    env.pair.stop("dc-db-2")
    try:
        report = collect(env, backups=False)
        assert verdict(report, "DB-HA-01") == "PASS"
        assert verdict(report, "DB-HA-02") == "FAIL"
        assert "dc-db-2 unreachable" in summary(report, "DB-HA-02")
        poll = next(p for p in report.polls if p.device == "dc-db-2")
        assert not poll.ok and poll.reason == "refused"
        assert env.pair.monitor_password not in (poll.error or "")
        assert metric(env, "netops_db_node_up", device="dc-db-2") == 0.0
        assert metric(env, "netops_db_standby_streaming", device="dc-db-2") == 0.0
    finally:
        env.pair.start_node("dc-db-2")
    env.pair.wait_caught_up()
    report = collect(env, backups=False)
    assert verdict(report, "DB-HA-02") == "PASS"
    assert report.events == []  # it came back as a standby: no failover


def test_stale_and_corrupt_backups(env: Env) -> None:
    env.pair.age_backup(env.labels["full"], hours=48)
    old_dump = next(env.pair.dump_dir.glob("*-manual.dump"))
    env.pair.age_dump(old_dump, hours=200)
    report = collect(env)
    assert verdict(report, "DB-BK-01") == "FAIL"
    assert "48.0 h old" in summary(report, "DB-BK-01")
    assert verdict(report, "DB-BK-02") == "FAIL"
    assert "200.0 h old" in summary(report, "DB-BK-02")
    age = metric(env, "netops_db_backup_age_seconds", pair="dc-db", trigger="automatic")
    assert age is not None and age > 47 * 3600
    # a new manual dump whose bytes no longer match the manifest
    bad = env.pair.dump(trigger="manual")
    with bad.open("ab") as f:
        f.write(b"garbage")
    report = collect(env)
    assert verdict(report, "DB-BK-03") == "FAIL"
    assert "SHA-256 does not match" in summary(report, "DB-BK-03")
    assert metric(env, "netops_db_backup_success", trigger="manual") == 0.0
    bad.unlink()  # the restore test below restores the newest good dump
    env.labels["fresh"] = env.pair.backup("full", trigger="automatic")
    report = collect(env)
    assert verdict(report, "DB-BK-01") == "PASS"


def with_queries(env: Env, *queries: str, amcheck: bool = True) -> Settings:
    dbha = env.settings.dbha.model_copy(
        update={"verify_queries": list(queries), "verify_amcheck": amcheck}
    )
    return env.settings.model_copy(update={"dbha": dbha})


def test_restore_verification_end_to_end(env: Env) -> None:
    # the fresh pgBackRest backup has the 30,000 rows loaded above; the dump predates them
    settings = with_queries(env, "SELECT count(*) >= 30000 FROM lab_load")
    (restored,) = verify_pairs(
        env.inventory, settings, env.endpoints, store=env.store, tool="pgbackrest"
    )
    dump_settings = with_queries(env, "SELECT count(*) >= 1 FROM lab_load", amcheck=False)
    (dumped,) = verify_pairs(
        env.inventory, dump_settings, env.endpoints, store=env.store, tool="dump"
    )
    by_tool = {"pgbackrest": restored, "dump": dumped}
    assert restored.ok, restored
    assert restored.label == env.labels["fresh"]
    names = {c.name: c for c in restored.checks}
    assert names["recovered"].ok and names["amcheck"].ok
    assert names["query:1"].ok and "True" in names["query:1"].detail
    assert "1 user tables" in names["tables:postgres"].detail
    assert by_tool["dump"].ok, by_tool["dump"]
    assert any(c.name == "pg_restore" and c.ok for c in dumped.checks)
    assert not list(Path(os.environ.get("TMPDIR", "/tmp")).glob("netops-verify-*/postmaster.pid"))
    assert verdict(collect(env, backups=False), "DB-BK-04") == "PASS"
    assert metric(env, "netops_db_backup_verify_success", pair="dc-db") == 1.0
    # a sanity query that the restored data cannot satisfy fails the restore test
    failing = with_queries(env, "SELECT count(*) > 1000000000 FROM lab_load", amcheck=False)
    (bad,) = verify_pairs(env.inventory, failing, env.endpoints, store=env.store, tool="pgbackrest")
    assert not bad.ok and "query:1" in (bad.error or "")
    report = collect(env, backups=False)
    assert verdict(report, "DB-BK-04") == "FAIL"
    assert metric(env, "netops_db_backup_verify_success", pair="dc-db") == 0.0
    assert [e.kind for e in env.store.events(kind="db.backup_verify")][:1] == ["db.backup_verify"]


def _netops(env: Env, *args: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NETOPS_")}
    return subprocess.run(
        [sys.executable, "-c", "from netops.cli.main import run; run()", *args],
        capture_output=True,
        text=True,
        check=False,
        env={**clean, "NETOPS_STATE_DIR": str(env.state_dir), "NETOPS_INVENTORY": str(REFERENCE)},
    )


def test_cli_status_and_backups_json(env: Env) -> None:
    done = _netops(env, "db", "status", "--json", "--check", "--endpoints", str(env.endpoints_file))
    assert done.returncode == 1, done.stderr  # --check: the last restore test failed (DB-BK-04)
    (pair,) = json.loads(done.stdout)["pairs"]
    assert pair["pair"] == "dc-db"
    verdicts = {f["check_id"]: f["verdict"] for f in pair["findings"]}
    assert verdicts["DB-HA-01"] == "PASS" and verdicts["DB-HA-02"] == "PASS"
    assert verdicts["DB-BK-04"] == "FAIL"
    assert env.pair.monitor_password not in done.stdout
    listed = CliRunner().invoke(
        app,
        ["backup", "status", "--json"],
        env={"NETOPS_STATE_DIR": str(env.state_dir), "NETOPS_INVENTORY": str(REFERENCE)},
    )
    db_rows = {r["trigger"]: r for r in json.loads(listed.stdout) if r["kind"] == "database"}
    assert set(db_rows) == {"automatic", "manual"}
    assert db_rows["automatic"]["target"] == "dc-db" and db_rows["automatic"]["within_policy"]
    assert db_rows["automatic"]["revision"].startswith("pgbackrest:")
    assert not db_rows["manual"]["within_policy"]  # the good manual dump was aged to 200 h
    backups = CliRunner().invoke(
        app,
        ["db", "backups", "--json"],
        env={"NETOPS_STATE_DIR": str(env.state_dir), "NETOPS_INVENTORY": str(REFERENCE)},
    )
    rows = json.loads(backups.stdout)["databases"]
    (row,) = rows
    assert row["pair"] == "dc-db" and row["policy"] == "databases"
    assert row["automatic"]["tool"] == "pgbackrest" and row["manual"]["tool"] == "dump"
    assert row["verify"]["ok"] is False


def test_split_brain_detected_and_failover_recorded(env: Env) -> None:
    env.pair.promote("dc-db-2")
    wait_until(lambda: env.pair.sql("dc-db-2", "SELECT NOT pg_is_in_recovery()")[0][0])
    report = collect(env, backups=False)
    roles = {n.device: (n.role, n.timeline) for n in report.nodes}
    assert roles == {"dc-db-1": ("primary", 1), "dc-db-2": ("primary", 2)}
    finding = next(f for f in report.findings if f.check_id == "DB-HA-01")
    assert finding.verdict == "FAIL" and finding.severity == "critical"
    assert "split brain" in finding.summary
    (event,) = report.events
    assert (
        event.kind == "db.failover" and event.device == "dc-db-2" and event.severity == "critical"
    )
    assert env.store.events(kind="db.failover")[0].device == "dc-db-2"
    assert metric(env, "netops_db_primaries", pair="dc-db") == 2.0
    assert metric(env, "netops_db_failovers_total", pair="dc-db") == 1.0
    # the next poll sees the same two primaries: no second failover event
    assert collect(env, backups=False).events == []
