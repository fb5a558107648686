"""``netops backup``: config backups now, their status against policy, history and diffs."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

import typer
from rich.table import Table

from netops.backups.service import backup_devices, history_of, policy_devices
from netops.backups.status import StatusSource, backup_status
from netops.cli import db as dbcli
from netops.cli.common import (
    EndpointsOption,
    InventoryOption,
    JsonOption,
    console,
    err_console,
    fail,
    named_devices,
    print_json,
    settings,
)
from netops.inventory import load_inventory
from netops.store import Store

app = typer.Typer(
    help="Config backups: run, status against policy, history, diffs.", no_args_is_help=True
)

#: Extra status rows (database backups): the DB HA subsystem adds its function here.
STATUS_SOURCES: list[StatusSource] = [dbcli.db_status_rows]

DeviceOption = Annotated[
    list[str] | None,
    typer.Option(
        "--device",
        "-d",
        help="Only this device (repeatable) [default: every device under a policy]",
    ),
]


@app.command()
def configs(
    ctx: typer.Context,
    device: DeviceOption = None,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    json: JsonOption = False,
) -> None:
    """Back up running configs now over SSH: masked, one history commit, change events."""
    cfg = settings(ctx)
    inv = load_inventory(inventory or cfg.inventory)
    devices = named_devices(inv, device) if device else policy_devices(inv)
    with (
        Store.from_settings(cfg) as store,
        console.status(f"backing up {len(devices)} device(s)...") as status,
    ):
        done = 0

        def progress(_: object) -> None:
            nonlocal done
            done += 1
            status.update(f"backing up: {done}/{len(devices)}")

        run = backup_devices(cfg, inv, store, devices, endpoints, progress)
    failed = [o for o in run.outcomes if not o.ok]
    if json:
        print_json(
            {
                "revision": run.revision,
                "previous_revision": run.previous_revision,
                "counts": run.counts,
                "failed": [
                    {"device": o.device, "reason": o.reason, "error": o.error} for o in failed
                ],
                "changed": [o.device for o in run.outcomes if o.changed],
                "events": [e.model_dump(mode="json") for e in run.events],
                "expired": run.expired.dropped if run.expired else 0,
            }
        )
    else:
        console.print(run.message() + (f" -> {run.revision[:12]}" if run.revision else ""))
        for o in failed:
            err_console.print(f"  {o.device}: {o.reason}: {o.error}", highlight=False, markup=False)
        for event in run.events:
            console.print(f"  [yellow]{event.kind}[/] {event.summary}", highlight=False)
        if run.expired and run.expired.dropped:
            console.print(f"  retention: {run.expired.dropped} old revision(s) dropped")
    if failed:
        raise typer.Exit(1)


@app.command()
def status(ctx: typer.Context, inventory: InventoryOption = None, json: JsonOption = False) -> None:
    """Per device (and database pair): last success, age and result against the backup policy."""
    cfg = settings(ctx)
    inv = load_inventory(inventory or cfg.inventory)
    with Store.from_settings(cfg) as store:
        rows = backup_status(inv, store, datetime.now(UTC), STATUS_SOURCES)
    if json:
        print_json([r.model_dump(mode="json") for r in rows])
    else:
        table = Table(title="Backups against policy", title_justify="left")
        for column in ("target", "kind", "policy", "last success", "age", "max", "result", "error"):
            table.add_column(column)
        for r in rows:
            age = f"{r.age_seconds / 3600:.1f} h" if r.age_seconds is not None else "-"
            style = "green" if r.within_policy and r.result == "ok" else "red"
            table.add_row(
                r.target,
                r.kind,
                r.policy,
                f"{r.last_success:%Y-%m-%d %H:%M}" if r.last_success else "never",
                age,
                f"{r.max_age_hours:g} h" if r.max_age_hours else "-",
                f"[{style}]{r.result}{'' if r.within_policy else ', out of policy'}[/]",
                r.error or "",
            )
        console.print(table)
    if any(not r.within_policy for r in rows):
        raise typer.Exit(1)


@app.command()
def diff(
    ctx: typer.Context,
    device: Annotated[str, typer.Argument(help="Device name")],
    revision: Annotated[
        str | None,
        typer.Argument(
            help="Compare the newest backup with this revision [default: the one before]"
        ),
    ] = None,
) -> None:
    """Show what changed in a device's config: newest backup vs REV (or vs the previous one)."""
    history = history_of(settings(ctx))
    revisions = history.log(device, limit=2)
    if not revisions:
        fail(f"no backup of {device} in {history.path}")
    new = revisions[0].revision
    if revision is not None:
        old = history.resolve(revision)
    elif len(revisions) > 1:
        old = revisions[1].revision
    else:
        console.print(f"{device}: only one version ({new[:12]}), nothing to compare")
        return
    text = history.diff(device, old, new)
    if not text:
        console.print(f"{device}: no difference between {old[:12]} and {new[:12]}")
        return
    console.print(text, markup=False, highlight=False, end="")


@app.command()
def log(
    ctx: typer.Context,
    device: Annotated[str, typer.Argument(help="Device name")],
    limit: Annotated[int, typer.Option(help="How many revisions")] = 20,
    json: JsonOption = False,
) -> None:
    """The revisions in which a device's config changed, newest first."""
    revisions = history_of(settings(ctx)).log(device, limit=limit)
    if json:
        print_json(
            [
                {"revision": r.revision, "time": r.time.isoformat(), "message": r.message}
                for r in revisions
            ]
        )
        return
    for r in revisions:
        console.print(f"{r.revision[:12]}  {r.time:%Y-%m-%d %H:%M}Z  {r.message}", highlight=False)


@app.command()
def show(
    ctx: typer.Context,
    device: Annotated[str, typer.Argument(help="Device name")],
    revision: Annotated[str | None, typer.Argument(help="Revision [default: newest]")] = None,
) -> None:
    """Print a device's backed-up config (secrets masked) at a revision."""
    history = history_of(settings(ctx))
    rev = history.resolve(revision) if revision else None
    console.print(history.show(device, rev), markup=False, highlight=False, end="")


# restore tests of database backups: `netops backup verify` (same as `netops db verify`)
app.command("verify")(dbcli.backup_verify)
