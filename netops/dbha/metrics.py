"""Database metrics for ``/metrics``, built at scrape time from the store (DESIGN.md §6).

Labels are bounded: pair and device names from the inventory, role from three values,
trigger from two.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import cast

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from netops.dbha.checks import database_pairs
from netops.inventory import HaPair, Inventory
from netops.models import DbBackup, DbBackupVerification, DbNodeStatus
from netops.store import Store
from netops.store.latest import Row, latest_cache

ROLES = ("primary", "standby", "unknown")
TRIGGERS = ("automatic", "manual")


def families(store: Store, inventory: Inventory, now: datetime | None = None) -> Iterable[Metric]:
    """The ``netops_db_*`` metric families of every database pair in the inventory."""
    return list(_families(store, inventory, now or datetime.now(UTC)))


def _gauge(name: str, doc: str, *labels: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=list(labels))


class _Families:
    def __init__(self) -> None:
        self.up = _gauge(
            "netops_db_node_up", "1 if the node answered the last poll", "pair", "device"
        )
        self.role = _gauge(
            "netops_db_node_role", "1 for the node's current role", "pair", "device", "role"
        )
        self.primaries = _gauge(
            "netops_db_primaries", "Primaries in the pair (1 healthy, 2 split brain)", "pair"
        )
        self.lag_s = _gauge(
            "netops_db_replication_lag_seconds",
            "How far standby replay is behind",
            "pair",
            "device",
        )
        self.lag_b = _gauge(
            "netops_db_replication_lag_bytes",
            "WAL not yet replayed by the standby",
            "pair",
            "device",
        )
        self.streaming = _gauge(
            "netops_db_standby_streaming",
            "1 if the standby's WAL receiver streams",
            "pair",
            "device",
        )
        self.failovers = CounterMetricFamily(
            "netops_db_failovers", "Failovers (a node became primary) seen", labels=["pair"]
        )
        self.b_age = _gauge(
            "netops_db_backup_age_seconds", "Age of the newest good backup", "pair", "trigger"
        )
        self.b_size = _gauge(
            "netops_db_backup_size_bytes", "Size of the newest backup", "pair", "trigger"
        )
        self.b_ok = _gauge(
            "netops_db_backup_success", "1 if the newest backup had no errors", "pair", "trigger"
        )
        self.v_age = _gauge(
            "netops_db_backup_verify_age_seconds", "Age of the newest passed restore test", "pair"
        )
        self.v_ok = _gauge(
            "netops_db_backup_verify_success", "1 if the newest restore test passed", "pair"
        )

    def all(self) -> tuple[Metric, ...]:
        return (
            self.up,
            self.role,
            self.primaries,
            self.lag_s,
            self.lag_b,
            self.streaming,
            self.failovers,
            self.b_age,
            self.b_size,
            self.b_ok,
            self.v_age,
            self.v_ok,
        )


def _families(store: Store, inventory: Inventory, now: datetime) -> Iterator[Metric]:
    out = _Families()
    cache = latest_cache(store)  # decoded once, kept while unchanged
    rows = cache.kinds(("db_node", "db_backup", "db_verify"))
    failover_counts: dict[str, int] = {}
    for event in store.events(kind="db.failover", limit=1_000_000):
        pair_name = str(event.details.get("pair", ""))
        failover_counts[pair_name] = failover_counts.get(pair_name, 0) + 1
    for pair in database_pairs(inventory):
        _nodes(out, rows["db_node"], pair)
        out.failovers.add_metric([pair.name], float(failover_counts.get(pair.name, 0)))
        _backups(out, rows["db_backup"], rows["db_verify"], pair, now)
    yield from out.all()


def _nodes(out: _Families, rows: dict[str, Row], pair: HaPair) -> None:
    nodes: list[DbNodeStatus] = [
        cast(DbNodeStatus, r)
        for member in pair.members
        if member in rows
        for r in rows[member].typed.records
    ]
    standbys = {n.device for n in nodes if n.reachable and n.role == "standby"}
    for node in nodes:
        labels = [pair.name, node.device]
        out.up.add_metric(labels, 1.0 if node.reachable else 0.0)
        for r in ROLES:
            out.role.add_metric([*labels, r], 1.0 if node.role == r else 0.0)
        if node.role == "standby":
            out.streaming.add_metric(labels, 1.0 if node.receiver_status == "streaming" else 0.0)
            if node.lag_seconds is not None:
                out.lag_s.add_metric(labels, node.lag_seconds)
            if node.lag_bytes is not None:
                out.lag_b.add_metric(labels, float(node.lag_bytes))
        elif not node.reachable:
            out.streaming.add_metric(labels, 0.0)
        elif node.role == "primary":
            # the primary's view of a member that does not report as a standby itself
            for link in node.replication:
                if (
                    link.peer in pair.members
                    and link.peer not in standbys
                    and link.lag_bytes is not None
                ):
                    out.lag_b.add_metric([pair.name, link.peer], float(link.lag_bytes))
    if nodes:
        count = sum(1 for n in nodes if n.reachable and n.role == "primary")
        out.primaries.add_metric([pair.name], float(count))


def _backups(
    out: _Families,
    backup_rows: dict[str, Row],
    verify_rows: dict[str, Row],
    pair: HaPair,
    now: datetime,
) -> None:
    held = backup_rows.get(pair.name)
    backups = [cast(DbBackup, r) for r in held.typed.records] if held else []
    for trigger in TRIGGERS:
        of_trigger = [b for b in backups if b.trigger == trigger]
        if not of_trigger:
            continue
        labels = [pair.name, trigger]
        latest = max(of_trigger, key=lambda b: b.finished_at)
        good = [b for b in of_trigger if b.ok]
        if good:
            newest_good = max(good, key=lambda b: b.finished_at)
            out.b_age.add_metric(labels, (now - newest_good.finished_at).total_seconds())
        if latest.size_bytes is not None:
            out.b_size.add_metric(labels, float(latest.size_bytes))
        out.b_ok.add_metric(labels, 1.0 if latest.ok else 0.0)
    verified = verify_rows.get(pair.name)
    runs = [cast(DbBackupVerification, r) for r in verified.typed.records] if verified else []
    if runs:
        latest_run = max(runs, key=lambda v: v.finished_at)
        out.v_ok.add_metric([pair.name], 1.0 if latest_run.ok else 0.0)
        passed = [v.finished_at for v in runs if v.ok]
        if passed:
            out.v_age.add_metric([pair.name], (now - max(passed)).total_seconds())
