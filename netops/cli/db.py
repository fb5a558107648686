"""``netops db``: database HA pairs (roles, replication, service address) and their backups.

``netops db status`` collects every pair now and prints the verdicts; ``netops db backups``
prints what the store knows of their backups; ``netops db verify`` (also meant to be
registered as ``netops backup verify``) restores the newest backups into scratch instances.
:func:`db_backup_rows` gives the database rows of ``netops backup status --json``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, cast

import typer
from rich.table import Table

from netops.cli.common import (
    EndpointsOption,
    InventoryOption,
    JsonOption,
    console,
    print_json,
    settings,
)
from netops.endpoints import DeviceEndpoints, load_endpoints
from netops.inventory import Inventory, load_inventory
from netops.models import DbBackup, DbBackupVerification, Finding
from netops.settings import Settings

if TYPE_CHECKING:
    from netops.backups.status import BackupStatusRow
    from netops.store import Store

# collection, verification and the store load drivers (psycopg, paramiko, SQLAlchemy):
# imported inside the commands so that every other 'netops' command starts fast

app = typer.Typer(
    help="Database HA pairs: roles, replication, split brain, backups and restore tests.",
    no_args_is_help=True,
)

PairOption = Annotated[
    list[str] | None, typer.Option("--pair", "-p", help="Only this pair (repeatable)")
]
CheckOption = Annotated[
    bool, typer.Option("--check", help="Exit 1 when any verdict is FAIL (for scripts and cron)")
]
_STYLE = {"PASS": "green", "FAIL": "bold red", "NEEDS_EVIDENCE": "yellow", "WAIVED": "dim"}


def _context(
    ctx: typer.Context, inventory: Path | None, endpoints: Path | None
) -> tuple[Settings, Inventory, dict[str, DeviceEndpoints] | None]:
    conf = settings(ctx)
    inv = load_inventory(inventory or conf.inventory)
    file = endpoints or conf.endpoints
    return conf, inv, load_endpoints(file) if file else None


def _findings_table(title: str, findings: list[Finding]) -> Table:
    table = Table(title=title, title_justify="left")
    for column in ("check", "verdict", "severity", "summary"):
        table.add_column(column, overflow="fold")
    for f in findings:
        style = _STYLE.get(f.verdict, "")
        table.add_row(f.check_id, f"[{style}]{f.verdict}[/]", f.severity, f.summary)
    return table


@app.command()
def status(
    ctx: typer.Context,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    pair: PairOption = None,
    json: JsonOption = False,
    no_backups: Annotated[
        bool, typer.Option("--no-backups", help="Only the nodes; do not read backup repositories")
    ] = False,
    check: CheckOption = False,
) -> None:
    """Collect every database pair now: roles, replication and lag, service address, backups."""
    from netops.dbha.collect import collect_db_pairs
    from netops.store import Store

    conf, inv, eps = _context(ctx, inventory, endpoints)
    with Store.from_settings(conf) as store:
        reports = collect_db_pairs(inv, conf, eps, store=store, pairs=pair, backups=not no_backups)
    if json:
        print_json({"pairs": [r.to_json() for r in reports]})
    else:
        for report in reports:
            table = Table(title=f"{report.pair} ({report.engine})", title_justify="left")
            for column in (
                "node",
                "up",
                "role",
                "timeline",
                "replication",
                "lag",
                "service address",
            ):
                table.add_column(column, overflow="fold")
            for n in report.nodes:
                if n.role == "primary":
                    repl = ", ".join(f"{r.peer}: {r.state}" for r in n.replication) or "no replicas"
                    lag = ""
                else:
                    repl = n.receiver_status or (n.error or "")
                    lag = (
                        "" if n.lag_seconds is None else f"{n.lag_seconds:.1f} s / {n.lag_bytes} B"
                    )
                table.add_row(
                    n.device,
                    "yes" if n.reachable else "[bold red]no[/]",
                    n.role,
                    str(n.timeline or ""),
                    repl,
                    lag + (" (paused)" if n.replay_paused else ""),
                    {True: "holds", False: "-", None: "?"}[n.holds_service_address],
                )
            console.print(table)
            console.print(_findings_table("verdicts", report.findings))
            for event in report.events:
                console.print(f"[bold]{event.kind}[/] {event.summary}")
    if check and any(f.verdict == "FAIL" for r in reports for f in r.findings):
        raise typer.Exit(1)


def db_backup_rows(
    store: Store, inventory: Inventory, now: datetime | None = None
) -> list[dict[str, Any]]:
    """One row per database pair for ``netops backup status --json`` (from the store).

    Each row: pair, kind ``database``, the newest automatic and manual backup, the newest
    restore test, and the backup verdicts (DB-BK-01..04) against the pair's policy.
    """
    from netops.dbha.checks import backup_findings, database_pairs, policy_for

    now = now or datetime.now(UTC)
    rows = []
    for pair in database_pairs(inventory):
        backups = [
            cast(DbBackup, r) for s in store.records("db_backup", pair.name) for r in s.records
        ]
        runs = [
            cast(DbBackupVerification, r)
            for s in store.records("db_verify", pair.name)
            for r in s.records
        ]
        policy = policy_for(inventory, pair)

        def newest(trigger: str, items: list[DbBackup] = backups) -> dict[str, Any] | None:
            chosen = [b for b in items if b.trigger == trigger]
            if not chosen:
                return None
            b = max(chosen, key=lambda x: x.finished_at)
            return {
                **b.model_dump(mode="json"),
                "age_seconds": round((now - b.finished_at).total_seconds(), 1),
            }

        last_run = max(runs, key=lambda v: v.finished_at) if runs else None
        rows.append(
            {
                "kind": "database",
                "pair": pair.name,
                "devices": list(pair.members),
                "policy": policy.name if policy else None,
                "automatic": newest("automatic"),
                "manual": newest("manual"),
                "backups": len(backups),
                "verify": {
                    **last_run.model_dump(mode="json"),
                    "age_seconds": round((now - last_run.finished_at).total_seconds(), 1),
                }
                if last_run
                else None,
                "findings": [
                    f.model_dump(mode="json")
                    for f in backup_findings(pair, policy, backups, runs, now)
                ],
            }
        )
    return rows


def db_status_rows(inventory: Inventory, store: Store, now: datetime) -> list[BackupStatusRow]:
    """Rows of ``netops backup status``: per database pair, its automatic and manual backups.

    The ``StatusSource`` of :mod:`netops.backups.status`; restore tests are in
    ``netops db backups``.
    """
    from netops.backups.status import BackupStatusRow
    from netops.dbha.checks import database_pairs, policy_for

    rows: list[BackupStatusRow] = []
    for pair in database_pairs(inventory):
        policy = policy_for(inventory, pair)
        found = [
            cast(DbBackup, r) for s in store.records("db_backup", pair.name) for r in s.records
        ]
        for trigger in ("automatic", "manual"):
            rule = (
                (policy.automatic if trigger == "automatic" else policy.manual) if policy else None
            )
            of_trigger = [b for b in found if b.trigger == trigger]
            if policy is not None and rule is None and not of_trigger:
                continue
            latest = max(of_trigger, key=lambda b: b.finished_at) if of_trigger else None
            good = [b for b in of_trigger if b.ok]
            success = max(good, key=lambda b: b.finished_at) if good else None
            age = (now - success.finished_at).total_seconds() if success else None
            max_age = rule.max_age_hours if rule else None
            rows.append(
                BackupStatusRow(
                    kind="database",
                    target=pair.name,
                    policy=policy.name if policy else "(none)",
                    trigger=cast(Any, trigger),
                    schedule=rule.schedule if rule else None,
                    max_age_hours=max_age,
                    last_attempt=latest.finished_at if latest else None,
                    last_success=success.finished_at if success else None,
                    age_seconds=age,
                    result="never" if latest is None else ("ok" if latest.ok else "failed"),
                    within_policy=age is not None and (max_age is None or age <= max_age * 3600),
                    error=latest.error if latest else None,
                    revision=f"{latest.tool}:{latest.label}" if latest else None,
                )
            )
    return rows


@app.command()
def backups(
    ctx: typer.Context,
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """Database backups as last collected (run 'netops db status' to refresh)."""
    from netops.store import Store

    conf = settings(ctx)
    inv = load_inventory(inventory or conf.inventory)
    with Store.from_settings(conf) as store:
        rows = db_backup_rows(store, inv)
    if json:
        print_json({"databases": rows})
        return
    for row in rows:
        table = Table(title=f"{row['pair']} (policy {row['policy']})", title_justify="left")
        for column in ("trigger", "label", "tool", "finished", "age", "size", "ok"):
            table.add_column(column, overflow="fold")
        for trigger in ("automatic", "manual"):
            b = row[trigger]
            if b is None:
                table.add_row(trigger, "[bold red]none[/]", "", "", "", "", "")
                continue
            table.add_row(
                trigger,
                b["label"],
                b["tool"],
                b["finished_at"],
                f"{b['age_seconds'] / 3600:.1f} h",
                str(b["size_bytes"] or ""),
                "yes" if b["ok"] else f"[bold red]{b['error']}[/]",
            )
        console.print(table)
        findings = [Finding.model_validate(f) for f in row["findings"]]
        console.print(_findings_table("verdicts", findings))


def backup_verify(
    ctx: typer.Context,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    pair: PairOption = None,
    tool: Annotated[
        str | None, typer.Option("--tool", help="Only sources of this tool: pgbackrest or dump")
    ] = None,
    json: JsonOption = False,
) -> None:
    """Restore the newest database backups into scratch instances and run sanity queries."""
    from netops.dbha.verify import verify_pairs
    from netops.store import Store

    conf, inv, eps = _context(ctx, inventory, endpoints)
    with Store.from_settings(conf) as store:
        runs = verify_pairs(inv, conf, eps, store=store, pairs=pair, tool=tool)
    if json:
        print_json({"verifications": [r.model_dump(mode="json") for r in runs]})
    else:
        for r in runs:
            mark = "[green]passed[/]" if r.ok else "[bold red]FAILED[/]"
            console.print(
                f"{r.device} {r.tool} {r.label} ({r.location}): {mark} in {r.duration_seconds:.1f} s"
            )
            for c in r.checks:
                console.print(f"  {'ok ' if c.ok else 'BAD'} {c.name}: {c.detail}", markup=False)
            if r.error:
                console.print(f"  error: {r.error}", markup=False)
    if not runs or not all(r.ok for r in runs):
        raise typer.Exit(1)


app.command("verify")(backup_verify)
