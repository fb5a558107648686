"""Collect every database HA pair: node roles and replication, service address, backups.

:func:`collect_db_pairs` is what ``netops db status`` and the poll command call. A dead
node or an unreadable backup repository is a recorded failure (``PollResult`` with a
reason), never an exception. With a store, records, poll results and failover events are
saved, and the previous roles are read from it to detect failovers.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, cast, get_args

from netops.collectors.targets import ssh_target
from netops.credentials import Secrets, load_secrets
from netops.dbha import backups as backup_io
from netops.dbha import service_address
from netops.dbha.checks import (
    backup_findings,
    database_pairs,
    failover_events,
    ha_findings,
    policy_for,
)
from netops.dbha.engines import engine_for
from netops.dbha.targets import backup_sources, sql_target
from netops.endpoints import DeviceEndpoints
from netops.errors import CredentialError, NetopsError, TransportError
from netops.inventory import DbBackupSource, HaPair, Inventory
from netops.models import (
    DbBackup,
    DbBackupVerification,
    DbNodeStatus,
    Event,
    FailureReason,
    Finding,
    PollResult,
)
from netops.settings import Settings
from netops.store import Store
from netops.transports.command import CommandRunner, LocalRunner, SshRunner

_REASONS = set(get_args(FailureReason))


@dataclass
class PairReport:
    """Everything one collection learnt about one pair."""

    pair: str
    engine: str | None
    collected_at: datetime
    nodes: list[DbNodeStatus] = field(default_factory=list)
    backups: list[DbBackup] = field(default_factory=list)
    verifications: list[DbBackupVerification] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    polls: list[PollResult] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "pair": self.pair,
            "engine": self.engine,
            "collected_at": self.collected_at.isoformat(),
            "nodes": [n.model_dump(mode="json") for n in self.nodes],
            "backups": [b.model_dump(mode="json") for b in self.backups],
            "verifications": [v.model_dump(mode="json") for v in self.verifications],
            "findings": [f.model_dump(mode="json") for f in self.findings],
            "events": [e.model_dump(mode="json") for e in self.events],
            "polls": [p.model_dump(mode="json") for p in self.polls],
        }


def _reason(error: str | None) -> FailureReason:
    head = (error or "").split(":", 1)[0]
    return cast(FailureReason, head if head in _REASONS else "error")


def _known_role(node: DbNodeStatus) -> str | None:
    if node.reachable and node.role != "unknown":
        return node.role
    return node.last_known_role


def runner_for(
    source: DbBackupSource,
    inv: Inventory,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None,
    settings: Settings,
) -> CommandRunner:
    """Where a backup source's commands run: here (as ``postgres`` when root) or over SSH."""
    if source.host is None:
        return LocalRunner(user="postgres")
    return SshRunner(
        ssh_target(inv, inv.device(source.host), secrets, endpoints), settings.ssh.timeout
    )


def _collect_node(
    pair: HaPair,
    name: str,
    inv: Inventory,
    settings: Settings,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None,
) -> tuple[DbNodeStatus, PollResult]:
    started = datetime.now(UTC)
    clock = time.monotonic()
    engine_name = pair.engine or "unknown"
    try:
        engine = engine_for(pair.engine)
        target = sql_target(inv, inv.device(name), engine.name, secrets, endpoints)
        node = engine.collect(target, settings.dbha.timeout)
    except CredentialError as exc:
        node = DbNodeStatus(
            device=name, engine=engine_name, reachable=False, role="unknown", error=f"auth: {exc}"
        )
    except TransportError as exc:
        node = DbNodeStatus(
            device=name,
            engine=engine_name,
            reachable=False,
            role="unknown",
            error=f"{exc.reason}: {exc}",
        )
    # asked even when SQL is down: a crashed database may still hold the address
    if pair.service_address is not None:
        node = node.model_copy(
            update={
                "holds_service_address": _holds(
                    name, str(pair.service_address), inv, settings, secrets, endpoints
                )
            }
        )
    poll = PollResult(
        device=name,
        transport="sql",
        ok=node.reachable,
        reason=None if node.reachable else _reason(node.error),
        error=node.error,
        started_at=started,
        duration_seconds=time.monotonic() - clock,
        record_counts={"db_node": 1},
    )
    return node, poll


def _holds(
    name: str,
    address: str,
    inv: Inventory,
    settings: Settings,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None,
) -> bool | None:
    """Whether node ``name`` holds ``address`` (None when it cannot be asked over SSH)."""
    try:
        target = ssh_target(inv, inv.device(name), secrets, endpoints)
        runner = SshRunner(target, settings.ssh.timeout)
        try:
            text = runner.run(service_address.COMMAND, settings.ssh.timeout)
        finally:
            runner.close()
        return service_address.holder_interface(text, address) is not None
    except (CredentialError, TransportError):
        return None


def _read_backups(
    pair: HaPair,
    inv: Inventory,
    settings: Settings,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None,
    previous: list[DbBackup],
) -> tuple[list[DbBackup], list[PollResult]]:
    found: list[DbBackup] = []
    polls: list[PollResult] = []
    for source in backup_sources(pair, endpoints):
        started = datetime.now(UTC)
        clock = time.monotonic()
        where = source.host or "local"
        try:
            runner = runner_for(source, inv, secrets, endpoints, settings)
            try:
                if source.tool == "pgbackrest":
                    got = backup_io.read_pgbackrest(source, runner, pair.name, settings.dbha)
                else:
                    got = backup_io.read_dumps(source, runner, pair.name, settings.dbha, previous)
            finally:
                runner.close()
            found += got
            polls.append(
                PollResult(
                    device=source.host or pair.name,
                    transport="ssh" if source.host else "local",
                    ok=True,
                    started_at=started,
                    duration_seconds=time.monotonic() - clock,
                    record_counts={"db_backup": len(got)},
                )
            )
        except (CredentialError, TransportError) as exc:
            reason = exc.reason if isinstance(exc, TransportError) else "auth"
            # keep what we knew about this source rather than forgetting its backups
            found += [b for b in previous if b.location == backup_io.location(source, where)]
            polls.append(
                PollResult(
                    device=source.host or pair.name,
                    transport="ssh" if source.host else "local",
                    ok=False,
                    reason=cast(FailureReason, reason if reason in _REASONS else "error"),
                    error=f"{source.tool} {backup_io.location(source, where)}: {exc}",
                    started_at=started,
                    duration_seconds=time.monotonic() - clock,
                )
            )
    return found, polls


def collect_db_pairs(
    inventory: Inventory,
    settings: Settings,
    endpoints: dict[str, DeviceEndpoints] | None = None,
    *,
    store: Store | None = None,
    pairs: Sequence[str] | None = None,
    backups: bool = True,
) -> list[PairReport]:
    """Collect the database pairs (all, or those named), save to ``store``, return reports."""
    secrets = load_secrets(settings.secrets_file)
    chosen = [p for p in database_pairs(inventory) if not pairs or p.name in pairs]
    unknown = set(pairs or ()) - {p.name for p in chosen}
    if unknown:
        raise NetopsError(
            f"no database HA pair named {', '.join(sorted(unknown))} in the inventory"
        )
    reports = []
    with ThreadPoolExecutor(max_workers=max(2, min(16, 2 * len(chosen)))) as pool:
        futures = {
            (pair.name, name): pool.submit(
                _collect_node, pair, name, inventory, settings, secrets, endpoints
            )
            for pair in chosen
            for name in pair.members
        }
        for pair in chosen:
            now = datetime.now(UTC)
            results = [futures[(pair.name, name)].result() for name in pair.members]
            nodes = {n.device: n for n, _ in results}
            report = PairReport(
                pair.name, pair.engine, now, list(nodes.values()), polls=[p for _, p in results]
            )
            previous_roles: dict[str, str] = {}
            previous_backups: list[DbBackup] = []
            verifications: list[DbBackupVerification] = []
            if store is not None:
                for name in pair.members:
                    for stored in store.records("db_node", name):
                        for rec in stored.records:
                            role = _known_role(cast(DbNodeStatus, rec))
                            if role is not None:
                                previous_roles[name] = role
                nodes = {
                    name: node
                    if node.reachable or name not in previous_roles
                    else node.model_copy(update={"last_known_role": previous_roles[name]})
                    for name, node in nodes.items()
                }
                report.nodes = list(nodes.values())
                previous_backups = [
                    cast(DbBackup, r)
                    for s in store.records("db_backup", pair.name)
                    for r in s.records
                ]
                verifications = [
                    cast(DbBackupVerification, r)
                    for s in store.records("db_verify", pair.name)
                    for r in s.records
                ]
            report.events = failover_events(pair, previous_roles, nodes, now)
            report.findings = ha_findings(pair, nodes, settings.dbha, now)
            if backups:
                report.backups, backup_polls = _read_backups(
                    pair, inventory, settings, secrets, endpoints, previous_backups
                )
                report.polls += backup_polls
            else:
                report.backups = previous_backups
            report.verifications = verifications
            report.findings += backup_findings(
                pair, policy_for(inventory, pair), report.backups, verifications, now
            )
            if store is not None:
                batch: list[tuple[str, str, Sequence[Any], datetime, str]] = [
                    (n.device, "db_node", [n], now, "sql") for n in nodes.values()
                ]
                if backups:
                    batch.append((pair.name, "db_backup", report.backups, now, "local"))
                store.save_many(batch)
                store.save_poll_results(report.polls)
                if report.events:
                    store.add_events(report.events)
            reports.append(report)
    return reports
