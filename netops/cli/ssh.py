"""``netops ssh``: collect CLI records (LLDP, VRFs, routes, ARP, firewall policy...) over SSH."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from netops.backups.service import mask_key_of
from netops.cli.common import (
    EndpointsOption,
    InventoryOption,
    JsonOption,
    console,
    named_devices,
    print_json,
    settings,
)
from netops.collectors.ssh import cli_sections, poll_devices
from netops.credentials import load_secrets
from netops.endpoints import load_endpoints
from netops.inventory import load_inventory
from netops.store import Store

app = typer.Typer(
    help="Collect records over SSH with the collection profiles' cli: sections.",
    no_args_is_help=True,
)


@app.command()
def collect(
    ctx: typer.Context,
    device: Annotated[
        list[str] | None, typer.Option("--device", "-d", help="Only this device (repeatable)")
    ] = None,
    kind: Annotated[
        list[str] | None, typer.Option("--kind", "-k", help="Only this record kind (repeatable)")
    ] = None,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    json: JsonOption = False,
) -> None:
    """Run the cli: commands on devices, store the records and poll results."""
    cfg = settings(ctx)
    inv = load_inventory(inventory or cfg.inventory)
    devices = named_devices(inv, device) if device else list(inv.devices)
    endpoints_path = endpoints or cfg.endpoints
    sections = cli_sections(cfg.collectors_dir)
    with console.status(f"collecting {len(devices)} device(s) over SSH..."):
        polls = poll_devices(
            inv,
            devices,
            sections,
            cfg.ssh,
            load_secrets(cfg.secrets_file),
            load_endpoints(endpoints_path) if endpoints_path else None,
            kinds=kind,
            mask_key=mask_key_of(cfg),
        )
    with Store.from_settings(cfg) as store:
        store.save_many(
            (p.device, k, records, p.result.started_at, "ssh")
            for p in polls
            for k, records in p.collected.records.items()
        )
        store.save_poll_results(p.result for p in polls)
    if json:
        print_json([p.result.model_dump(mode="json") for p in polls])
    else:
        table = Table(title="SSH collection", title_justify="left")
        for column in ("device", "ok", "records", "seconds", "error"):
            table.add_column(column)
        for p in polls:
            r = p.result
            counts = ", ".join(f"{k} {v}" for k, v in sorted(r.record_counts.items()))
            table.add_row(
                p.device,
                "[green]yes[/]" if r.ok else f"[red]{r.reason}[/]",
                counts,
                f"{r.duration_seconds:.1f}",
                r.error or "",
            )
        console.print(table)
    if any(not p.result.ok for p in polls):
        raise typer.Exit(1)
