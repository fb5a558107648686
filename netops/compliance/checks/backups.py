"""Backup freshness against the inventory's backup policies: BK-01 device configurations,
BK-02 database backups (automatic and manual), BK-03 database restore verification."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from netops.compliance.checks import check
from netops.compliance.context import Context
from netops.compliance.snapshot import first
from netops.inventory.model import BackupPolicy, BackupRule, HaPair
from netops.models import (
    RECORD_KINDS,
    ConfigBackupStatus,
    DbBackup,
    Evidence,
    Finding,
    Record,
    Verdict,
)


def _age_hours(ctx: Context, when: datetime) -> float:
    return (ctx.now - when).total_seconds() / 3600


@check("BK-01")
def config_backups(ctx: Context) -> Iterator[Finding]:
    done: set[str] = set()
    for policy in ctx.inv.backup_policies:
        if policy.kind != "device_config" or policy.automatic is None:
            continue
        limit = policy.automatic.max_age_hours
        for device in ctx.inv.select(policy.applies_to):
            if device.name in done:
                continue
            done.add(device.name)
            rs = ctx.snap.get("config_backup", device.name)
            status = first(rs, ConfigBackupStatus)
            policy_ev = ctx.ev_inventory(
                f"policy {policy.name}: automatic backup at most {limit:g} h old", device.name
            )
            if status is None or rs is None:
                yield ctx.finding(
                    "BK-01",
                    "NEEDS_EVIDENCE",
                    device.name,
                    "no config backup status recorded",
                    [device.name],
                    [policy_ev],
                )
                continue
            if status.last_success is None:
                ev = ctx.ev(
                    rs,
                    "config_backup",
                    f"never backed up successfully; last attempt {status.last_attempt.isoformat() if status.last_attempt else '-'}: {status.error or 'no error recorded'}",
                )
                yield ctx.finding(
                    "BK-01",
                    "FAIL",
                    device.name,
                    "no successful config backup",
                    [device.name],
                    [ev, policy_ev],
                )
                continue
            age = _age_hours(ctx, status.last_success)
            text = (
                f"newest backup {status.last_success.isoformat()} ({age:.1f} h old), revision {status.revision or '-'}"
                + (f"; last attempt failed: {status.error}" if status.error else "")
            )
            ev = ctx.ev(rs, "config_backup", text)
            if age > limit:
                yield ctx.finding(
                    "BK-01",
                    "FAIL",
                    device.name,
                    f"newest config backup is {age:.1f} h old (policy {limit:g} h)",
                    [device.name],
                    [ev, policy_ev],
                )
            else:
                yield ctx.finding(
                    "BK-01",
                    "PASS",
                    device.name,
                    f"config backed up {age:.1f} h ago (policy {limit:g} h)",
                    [device.name],
                    [ev, policy_ev],
                )


def _db_records(
    ctx: Context, pair: str, members: tuple[str, ...], kind: str
) -> list[tuple[Record, Evidence]]:
    out = []
    for name in (pair, *members):
        rs = ctx.snap.get(kind, name)
        if rs is None:
            continue
        for rec in rs.records:
            out.append((rec, ctx.ev(rs, kind, _backup_text(rec))))
    return out


def _backup_text(rec: Record) -> str:
    data = rec.model_dump(mode="json", exclude_none=True)
    keys = ("label", "trigger", "backup_type", "finished_at", "size_bytes", "ok", "error")
    return ", ".join(f"{k}={data[k]}" for k in keys if k in data)


def _database_pairs(ctx: Context) -> Iterator[tuple[BackupPolicy, HaPair]]:
    """Each HA pair a database backup policy applies to (pairs the inventory lacks skipped)."""
    for policy in ctx.inv.backup_policies:
        if policy.kind != "database":
            continue
        for pair_name in policy.applies_to.ha_pairs:
            pair = ctx.inv.ha_pair_by_name.get(pair_name)
            if pair is not None:
                yield policy, pair


@check("BK-02")
def database_backups(ctx: Context) -> Iterator[Finding]:
    for policy, pair in _database_pairs(ctx):
        records = _db_records(ctx, pair.name, pair.members, "db_backup")
        backups = [(r, e) for r, e in records if isinstance(r, DbBackup)]
        if not backups:
            yield ctx.finding(
                "BK-02",
                "NEEDS_EVIDENCE",
                pair.name,
                "no database backup records collected",
                pair.members,
                [ctx.ev_inventory(f"policy {policy.name}")],
            )
            continue
        problems, evidence = [], []
        for trigger, rule in (("automatic", policy.automatic), ("manual", policy.manual)):
            if rule is None:
                continue
            problem, ev = _newest(ctx, backups, trigger, rule)
            evidence += ev
            if problem:
                problems.append(problem)
        evidence.append(
            ctx.ev_inventory(
                f"policy {policy.name}: automatic <= {policy.automatic.max_age_hours if policy.automatic else '-'} h, manual <= {policy.manual.max_age_hours if policy.manual else '-'} h"
            )
        )
        if problems:
            yield ctx.finding(
                "BK-02", "FAIL", pair.name, "; ".join(problems), pair.members, evidence
            )
        else:
            yield ctx.finding(
                "BK-02",
                "PASS",
                pair.name,
                "automatic and manual database backups within policy",
                pair.members,
                evidence,
            )


def _newest(
    ctx: Context, backups: list[tuple[DbBackup, Evidence]] | list, trigger: str, rule: BackupRule
) -> tuple[str | None, list[Evidence]]:
    mine = sorted(
        ((r, e) for r, e in backups if r.trigger == trigger), key=lambda x: x[0].finished_at
    )
    ok = [(r, e) for r, e in mine if r.ok]
    evidence = [e for _, e in mine[-1:]]
    if not ok:
        return f"no successful {trigger} backup", evidence
    newest, ev = ok[-1]
    if ev not in evidence:
        evidence.append(ev)
    age = _age_hours(ctx, newest.finished_at)
    if age > rule.max_age_hours:
        return (
            f"newest {trigger} backup {age:.1f} h old (policy {rule.max_age_hours:g} h)",
            evidence,
        )
    return None, evidence


@check("BK-03")
def restore_verified(ctx: Context) -> Iterator[Finding]:
    if "db_verify" not in RECORD_KINDS:
        return  # no collector reports restore tests yet
    for policy, pair in _database_pairs(ctx):
        if policy.verify_max_age_hours is None:
            continue
        records = _db_records(ctx, pair.name, pair.members, "db_verify")
        ok = sorted(
            ((r, e) for r, e in records if getattr(r, "ok", False)),
            key=lambda x: getattr(x[0], "finished_at", ctx.now),
        )
        limit = policy.verify_max_age_hours
        if not records:
            yield ctx.finding(
                "BK-03",
                "NEEDS_EVIDENCE",
                pair.name,
                "no restore test recorded",
                pair.members,
                [ctx.ev_inventory(f"policy {policy.name}: restore test every {limit:g} h")],
            )
        elif not ok:
            yield ctx.finding(
                "BK-03",
                "FAIL",
                pair.name,
                "no successful restore test",
                pair.members,
                [e for _, e in records[-3:]],
            )
        elif (latest := max(records, key=lambda x: getattr(x[0], "finished_at", ctx.now)))[
            0
        ] is not ok[-1][0]:
            yield ctx.finding(
                "BK-03",
                "FAIL",
                pair.name,
                f"the newest restore test failed ({getattr(latest[0], 'error', None) or 'no error recorded'}); "
                "the last good one is older",
                pair.members,
                [latest[1], ok[-1][1]],
            )
        else:
            newest, ev = ok[-1]
            age = _age_hours(ctx, getattr(newest, "finished_at", ctx.now))
            verdict: Verdict = "FAIL" if age > limit else "PASS"
            yield ctx.finding(
                "BK-03",
                verdict,
                pair.name,
                f"newest successful restore test {age:.1f} h old (policy {limit:g} h)",
                pair.members,
                [ev],
            )
