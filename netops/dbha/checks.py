"""HA and backup verdicts for database pairs: pure functions of inventory, records and a time.

Finding IDs (stable; documented here and in :data:`CHECKS`):
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from netops.inventory import HaKind, HaPair, Inventory
from netops.inventory.model import BackupPolicy, BackupRule
from netops.models import (
    DbBackup,
    DbBackupVerification,
    DbNodeStatus,
    Event,
    Evidence,
    Finding,
    ReplicationLink,
    Severity,
    Verdict,
)
from netops.settings import DbhaSettings

CHECKS: dict[str, str] = {
    "DB-HA-01": "exactly one primary: two is split brain, none is an outage (critical)",
    "DB-HA-02": "the standby is reachable and streaming from the primary (major)",
    "DB-HA-03": "replication lag within dbha.lag_max_seconds / dbha.lag_max_bytes (major)",
    "DB-HA-04": "the service address is on the primary and only there (critical)",
    "DB-BK-01": "newest automatic backup within the policy's automatic.max_age_hours (major)",
    "DB-BK-02": "newest manual backup within the policy's manual.max_age_hours (warning)",
    "DB-BK-03": "the newest backup of each trigger completed without errors (major)",
    "DB-BK-04": "a restore test succeeded within the policy's verify_max_age_hours (major)",
}
__doc__ = (__doc__ or "") + "".join(f"\n- ``{k}``: {v}" for k, v in CHECKS.items())


def database_pairs(inventory: Inventory) -> list[HaPair]:
    return inventory.ha_pairs_of_kind(HaKind.DATABASE)


def _evidence(node: DbNodeStatus, at: datetime | None) -> Evidence:
    if not node.reachable:
        text = f"{node.device}: unreachable ({node.error})"
    elif node.role == "primary":
        links = (
            ", ".join(f"{r.peer} {r.state} lag {r.lag_bytes} B" for r in node.replication)
            or "no replicas connected"
        )
        text = f"{node.device}: primary, timeline {node.timeline}, WAL {node.wal_lsn}; replicas: {links}"
    else:
        text = (
            f"{node.device}: standby, timeline {node.timeline}, receiver {node.receiver_status}"
            f" from {node.upstream or '-'}, replayed {node.wal_lsn}, received {node.receive_lsn},"
            f" lag {node.lag_seconds} s / {node.lag_bytes} B"
            + (", replay paused" if node.replay_paused else "")
        )
    return Evidence(
        kind="db_node",
        device=node.device,
        source="sql",
        collected_at=at,
        text=text,
        data=node.model_dump(
            mode="json",
            include={
                "role",
                "reachable",
                "timeline",
                "lag_seconds",
                "lag_bytes",
                "receiver_status",
                "holds_service_address",
            },
        ),
    )


def _pair_finding(
    pair: HaPair,
    check: str,
    verdict: Verdict,
    severity: Severity,
    summary: str,
    evidence: tuple[Evidence, ...],
    fix: str | None,
) -> Finding:
    """A finding on the whole pair (both members named)."""
    return Finding(
        check_id=check,
        verdict=verdict,
        severity=severity,
        target=pair.name,
        devices=tuple(pair.members),
        summary=summary,
        evidence=evidence,
        remediation=fix,
    )


def ha_findings(
    pair: HaPair,
    nodes: Mapping[str, DbNodeStatus],
    settings: DbhaSettings,
    collected_at: datetime | None = None,
) -> list[Finding]:
    """Verdicts on one pair from its nodes' latest status (a missing node = never collected)."""
    members = list(pair.members)
    known = [nodes[m] for m in members if m in nodes]
    evidence = tuple(_evidence(n, collected_at) for n in known)
    out: list[Finding] = []

    def finding(
        check: str, verdict: Verdict, severity: Severity, summary: str, fix: str | None = None
    ) -> None:
        out.append(_pair_finding(pair, check, verdict, severity, summary, evidence, fix))

    missing = [m for m in members if m not in nodes]
    primaries = [n for n in known if n.reachable and n.role == "primary"]
    standbys = [n for n in known if n.reachable and n.role == "standby"]
    down = [n for n in known if not n.reachable]

    # DB-HA-01: exactly one primary
    if len(primaries) == 1:
        finding("DB-HA-01", "PASS", "critical", f"{primaries[0].device} is the only primary")
    elif len(primaries) > 1:
        tls = ", ".join(f"{n.device} timeline {n.timeline}" for n in primaries)
        finding(
            "DB-HA-01",
            "FAIL",
            "critical",
            f"split brain: {len(primaries)} primaries ({tls})",
            "Stop writes to the node that should not be primary (fence it), then rebuild it as a standby (pg_rewind or pg_basebackup).",
        )
    elif missing and not known:
        finding(
            "DB-HA-01", "NEEDS_EVIDENCE", "critical", f"not collected yet: {', '.join(missing)}"
        )
    else:
        why = "; ".join(f"{n.device} unreachable" for n in down) or "every node is a standby"
        finding(
            "DB-HA-01",
            "FAIL",
            "critical",
            f"no primary ({why})",
            "Bring the primary back or promote the most advanced standby.",
        )

    # DB-HA-02: the standby streams from the primary
    primary = primaries[0] if len(primaries) == 1 else None
    if primary is not None:
        others = [m for m in members if m != primary.device]
        problems = []
        for name in others:
            node = nodes.get(name)
            link = _link_to(primary, name)
            if node is None:
                problems.append(f"{name} not collected")
            elif not node.reachable:
                problems.append(f"{name} unreachable ({node.error})")
            elif node.role != "standby":
                problems.append(f"{name} is {node.role}")
            elif node.receiver_status != "streaming":
                problems.append(f"{name} WAL receiver {node.receiver_status}")
            elif link is None or link.state != "streaming":
                problems.append(
                    f"{primary.device} sees {name} as {link.state if link else 'not connected'}"
                )
        if problems:
            finding(
                "DB-HA-02",
                "FAIL",
                "major",
                "standby not streaming: " + "; ".join(problems),
                "Start the standby / fix its primary_conninfo; rebuild it if the primary removed the WAL it needs.",
            )
        else:
            finding(
                "DB-HA-02", "PASS", "major", f"{', '.join(others)} streaming from {primary.device}"
            )
    else:
        finding("DB-HA-02", "FAIL", "major", "no single primary to stream from")

    # DB-HA-03: lag
    lags = [_lag(n, primary) for n in standbys]
    over = [
        (n, s, b)
        for n, (s, b) in zip(standbys, lags, strict=True)
        if (s is not None and s > settings.lag_max_seconds)
        or (b is not None and b > settings.lag_max_bytes)
    ]
    if over:
        finding(
            "DB-HA-03",
            "FAIL",
            "major",
            "replication lag over threshold: "
            + "; ".join(
                f"{n.device} {_fmt(s, 's')} / {_fmt(b, 'B')}"
                + (" (replay paused)" if n.replay_paused else "")
                for n, s, b in over
            )
            + f" (max {settings.lag_max_seconds:g} s / {settings.lag_max_bytes} B)",
            "Look for long queries or replay paused on the standby, I/O saturation, or the link to it.",
        )
    elif standbys and all(s is not None or b is not None for s, b in lags):
        finding(
            "DB-HA-03",
            "PASS",
            "major",
            "lag within threshold: "
            + "; ".join(
                f"{n.device} {_fmt(s, 's')} / {_fmt(b, 'B')}"
                for n, (s, b) in zip(standbys, lags, strict=True)
            ),
        )
    else:
        finding("DB-HA-03", "NEEDS_EVIDENCE", "major", "no standby reporting its lag")

    # DB-HA-04: service address
    if pair.service_address is not None:
        holders = [n.device for n in known if n.holds_service_address]
        asked = [n for n in known if n.holds_service_address is not None]
        addr = str(pair.service_address)
        if primary is not None and holders == [primary.device]:
            finding("DB-HA-04", "PASS", "critical", f"{addr} is on the primary {primary.device}")
        elif len(holders) > 1:
            finding("DB-HA-04", "FAIL", "critical", f"{addr} is on {' and '.join(holders)} at once")
        elif holders and primary is not None:
            finding(
                "DB-HA-04",
                "FAIL",
                "critical",
                f"{addr} is on {holders[0]}, but the primary is {primary.device}",
                "Move the service address to the primary (clients now write to a read-only standby).",
            )
        elif not asked:
            finding("DB-HA-04", "NEEDS_EVIDENCE", "critical", f"nobody answered where {addr} is")
        elif holders:
            finding(
                "DB-HA-04",
                "FAIL",
                "critical",
                f"{addr} is on {holders[0]}, which is not a single primary",
            )
        elif len(asked) < len(members):
            finding(
                "DB-HA-04",
                "NEEDS_EVIDENCE",
                "critical",
                f"{addr} is not on {', '.join(n.device for n in asked)}; the other node did not answer",
            )
        else:
            finding("DB-HA-04", "FAIL", "critical", f"{addr} is on no node of the pair")
    return out


def _link_to(primary: DbNodeStatus, name: str) -> ReplicationLink | None:
    for link in primary.replication:
        if link.peer == name:
            return link
    # one replica and no matching application_name: it is that standby's connection
    streaming = [r for r in primary.replication if r.peer not in ("pg_basebackup",)]
    return streaming[0] if len(streaming) == 1 else None


def _lag(node: DbNodeStatus, primary: DbNodeStatus | None) -> tuple[float | None, int | None]:
    """The larger of the standby's own view and the primary's view of it."""
    seconds, lag_bytes = node.lag_seconds, node.lag_bytes
    link = _link_to(primary, node.device) if primary is not None else None
    if link is not None:
        if link.lag_bytes is not None:
            lag_bytes = max(lag_bytes or 0, link.lag_bytes)
        if link.lag_seconds is not None:
            seconds = max(seconds or 0.0, link.lag_seconds)
    return seconds, lag_bytes


def _fmt(value: float | int | None, unit: str) -> str:
    if value is None:
        return f"? {unit}"
    return f"{value:.1f} {unit}" if isinstance(value, float) else f"{value} {unit}"


def failover_events(
    pair: HaPair,
    previous: Mapping[str, str],
    nodes: Mapping[str, DbNodeStatus],
    at: datetime,
) -> list[Event]:
    """A ``db.failover`` event per node that became primary since the last poll.

    ``previous`` maps device -> role at the last poll (roles of unreachable nodes are not
    known and do not count as changes).
    """
    events = []
    had_primary = [d for d, role in previous.items() if role == "primary"]
    for name in pair.members:
        node = nodes.get(name)
        before = previous.get(name)
        if (
            node is None
            or not node.reachable
            or node.role != "primary"
            or before in (None, "primary", "unknown")
        ):
            continue
        now_primaries = [n for n, s in nodes.items() if s.reachable and s.role == "primary"]
        split = len(now_primaries) > 1
        events.append(
            Event(
                time=at,
                kind="db.failover",
                device=name,
                severity="critical" if split else "major",
                summary=(
                    f"{pair.name}: {name} became primary (was {before})"
                    + (f"; {', '.join(had_primary)} was primary" if had_primary else "")
                    + ("; two primaries now: split brain" if split else "")
                ),
                details={
                    "pair": pair.name,
                    "previous": dict(previous),
                    "current": {n: s.role for n, s in nodes.items()},
                    "timeline": node.timeline,
                },
            )
        )
    return events


# -- backups -----------------------------------------------------------------------------------
def policy_for(inventory: Inventory, pair: HaPair) -> BackupPolicy | None:
    """The database backup policy that applies to ``pair`` (named, or selecting its members)."""
    for policy in inventory.backup_policies:
        if policy.kind != "database":
            continue
        sel = policy.applies_to
        if pair.name in sel.ha_pairs:
            return policy
        if not sel.ha_pairs and any(d.name in pair.members for d in inventory.select(sel)):
            return policy
    return None


def backup_findings(
    pair: HaPair,
    policy: BackupPolicy | None,
    backups: Sequence[DbBackup],
    verifications: Iterable[DbBackupVerification],
    now: datetime,
) -> list[Finding]:
    """Age, success and restore-test verdicts on one pair's backups."""
    out: list[Finding] = []
    if policy is None:
        summary = "no database backup policy applies to this pair"
        return [_pair_finding(pair, "DB-BK-01", "NEEDS_EVIDENCE", "major", summary, (), None)]

    def add(
        check: str,
        verdict: Verdict,
        severity: Severity,
        summary: str,
        items: Iterable[DbBackup] = (),
        fix: str | None = None,
    ) -> None:
        evidence = tuple(_backup_evidence(b) for b in items)
        out.append(_pair_finding(pair, check, verdict, severity, summary, evidence, fix))

    rules: tuple[tuple[str, str, BackupRule | None, Severity], ...] = (
        ("DB-BK-01", "automatic", policy.automatic, "major"),
        ("DB-BK-02", "manual", policy.manual, "warning"),
    )
    for check, trigger, rule, severity in rules:
        if rule is None:
            continue
        good = [b for b in backups if b.trigger == trigger and b.ok]
        latest = max(good, key=lambda b: b.finished_at) if good else None
        if latest is None:
            add(
                check,
                "FAIL",
                severity,
                f"no successful {trigger} backup found (policy {policy.name}: every {rule.max_age_hours:g} h)",
                fix=f"Run a {trigger} backup and check the schedule.",
            )
            continue
        age = (now - latest.finished_at).total_seconds() / 3600
        if age > rule.max_age_hours:
            add(
                check,
                "FAIL",
                severity,
                f"newest {trigger} backup {latest.label} is {age:.1f} h old (policy {policy.name}: {rule.max_age_hours:g} h)",
                [latest],
                f"The {trigger} backup did not run on time: check its schedule and log.",
            )
        else:
            add(
                check,
                "PASS",
                severity,
                f"newest {trigger} backup {latest.label} is {age:.1f} h old (policy {rule.max_age_hours:g} h)",
                [latest],
            )

    failed = [
        b
        for trigger in ("automatic", "manual")
        for b in [
            max(
                (x for x in backups if x.trigger == trigger),
                key=lambda x: x.finished_at,
                default=None,
            )
        ]
        if b is not None and not b.ok
    ]
    if failed:
        add(
            "DB-BK-03",
            "FAIL",
            "major",
            "; ".join(f"{b.trigger} backup {b.label}: {b.error}" for b in failed),
            failed,
            "Repeat the backup and find why it failed (log, disk, checksums).",
        )
    elif backups:
        add("DB-BK-03", "PASS", "major", "the newest backups completed without errors")

    if policy.verify_max_age_hours is not None:
        runs = sorted(verifications, key=lambda v: v.finished_at)
        good_runs = [v for v in runs if v.ok]
        last = runs[-1] if runs else None
        if last is None:
            add(
                "DB-BK-04",
                "FAIL",
                "major",
                "no restore test on record",
                fix="Run 'netops backup verify'.",
            )
        elif not last.ok:
            add(
                "DB-BK-04",
                "FAIL",
                "major",
                f"last restore test of {last.label} failed: {last.error or _failed_checks(last)}",
                fix="The newest backup does not restore: investigate before you need it.",
            )
        else:
            age = (now - good_runs[-1].finished_at).total_seconds() / 3600
            verdict: Verdict = "PASS" if age <= policy.verify_max_age_hours else "FAIL"
            add(
                "DB-BK-04",
                verdict,
                "major",
                f"last successful restore test ({good_runs[-1].label}) {age:.1f} h ago (policy {policy.verify_max_age_hours:g} h)",
            )
    return out


def _failed_checks(run: DbBackupVerification) -> str:
    return "; ".join(f"{c.name}: {c.detail}" for c in run.checks if not c.ok) or "unknown"


def _backup_evidence(b: DbBackup) -> Evidence:
    return Evidence(
        kind="db_backup",
        device=b.device,
        source=b.tool,
        collected_at=None,
        text=f"{b.location} {b.label} {b.trigger} {b.backup_type} finished {b.finished_at.isoformat()} size {b.size_bytes} ok={b.ok}",
        data=b.model_dump(
            mode="json", include={"label", "trigger", "finished_at", "size_bytes", "ok", "error"}
        ),
    )
