"""``netops poll`` (SNMP collection) and ``netops traps`` (the trap receiver).

Exit codes of ``netops poll --once``: 0 every device answered; 3 one or more devices failed
(their results are still printed and stored, so a script sees both); 1 nothing was polled
(bad inventory, settings or profiles); 2 bad usage.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from netops.cli.common import (
    EndpointsOption,
    InventoryOption,
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    settings,
)

app = typer.Typer()

#: Exit code when the poll ran but some devices failed.
EXIT_DEVICES_FAILED = 3


@app.command()
def poll(
    ctx: typer.Context,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    once: Annotated[bool, typer.Option("--once", help="Poll every device once, then exit")] = False,
    json: JsonOption = False,
    shard: Annotated[
        str | None,
        typer.Option("--shard", help="Poll only shard I of N (stable by device name), e.g. 1/2"),
    ] = None,
    device: Annotated[
        list[str] | None, typer.Option("--device", "-d", help="Poll only this device (repeatable)")
    ] = None,
) -> None:
    """Poll devices over SNMP (profiles in collectors/); save records, poll results, metrics.

    Without --once it polls forever, each device on its interval (setting snmp.interval),
    over worker processes (setting snmp.workers). With --once it exits 3 when any device
    failed, 0 when all answered.
    """
    from netops.collectors.snmp_poller import parse_shard
    from netops.collectors.snmp_run import PollJob, poll_forever, poll_once

    cfg = settings(ctx)
    try:
        shard_spec = parse_shard(shard) if shard else None
    except ValueError as exc:
        fail(str(exc), 2)
    endpoints_file = endpoints or cfg.endpoints
    job = PollJob(
        settings=cfg.model_dump(),
        inventory=str(inventory or cfg.inventory),
        endpoints=str(endpoints_file) if endpoints_file else None,
        devices=tuple(device or ()),
        shard=shard_spec,
    )
    try:
        if not once:
            err_console.print(
                f"polling every {cfg.snmp.interval:g} s (Ctrl-C to stop); results in "
                f"{cfg.resolved_database_url.split('://')[0]} store"
            )
            poll_forever(job, cfg)
            return
        entries = poll_once(job, cfg)
    except KeyError as exc:
        fail(str(exc.args[0]))
    failed = [e for e in entries if not e["ok"]]
    if json:
        print_json(entries)
    else:
        table = Table(title=f"SNMP poll: {len(entries)} devices, {len(failed)} failed")
        for column in ("device", "ok", "seconds", "records", "error"):
            table.add_column(column)
        for e in entries:
            counts = ", ".join(f"{k} {len(v)}" for k, v in e["records"].items() if v)
            error = f"{e['error']['reason']}: {e['error']['message']}" if e["error"] else ""
            table.add_row(
                e["name"],
                "[green]yes[/]" if e["ok"] else "[red]no[/]",
                f"{e['duration_seconds']:.2f}",
                counts,
                error,
            )
        console.print(table)
    if failed:
        raise typer.Exit(EXIT_DEVICES_FAILED)


@app.command()
def traps(
    ctx: typer.Context,
    listen: Annotated[
        str | None, typer.Option("--listen", help="HOST:PORT [default: setting traps.listen]")
    ] = None,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
) -> None:
    """Receive SNMP traps (v2c, v3): store them as events, count them, push alerts."""
    from netops.collectors.traps import run_receiver

    cfg = settings(ctx)
    address = listen or cfg.traps.listen
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit():
        fail(f"--listen wants HOST:PORT, not {address!r}", 2)
    endpoints_file = endpoints or cfg.endpoints
    run_receiver(
        cfg,
        Path(inventory or cfg.inventory),
        host or "0.0.0.0",
        int(port),
        Path(endpoints_file) if endpoints_file else None,
    )
