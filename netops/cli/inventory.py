"""``netops inventory``: validate, show, export and generate inventories."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table
from rich.tree import Tree

from netops.cli.common import (
    InventoryOption,
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    settings,
)
from netops.errors import InventoryError
from netops.inventory import Inventory, load_inventory
from netops.inventory.export import EXPORT_FORMATS, export, to_json
from netops.inventory.generate import MAX_DISTRICTS, write_network

app = typer.Typer(
    help="Validate, show, export and generate the network inventory.", no_args_is_help=True
)

PathArgument = Annotated[
    Path | None, typer.Argument(help="Inventory folder or file [default: setting 'inventory']")
]


def _load(ctx: typer.Context, path: Path | None) -> Inventory:
    return load_inventory(path or settings(ctx).inventory)


def _counts_table(title: str, counts: dict[str, int]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(title.split()[-1])
    table.add_column("devices", justify="right")
    for key, value in counts.items():
        table.add_row(key, str(value))
    return table


@app.command()
def validate(ctx: typer.Context, path: PathArgument = None, json: JsonOption = False) -> None:
    """Check an inventory; print counts by role, site and zone, or every problem with file and line."""
    try:
        inv = _load(ctx, path)
    except InventoryError as exc:
        if json:
            print_json({"valid": False, "problems": [p.__dict__ for p in exc.problems]})
        else:
            for problem in exc.problems:
                err_console.print(str(problem), highlight=False, markup=False, soft_wrap=True)
            err_console.print(
                f"[bold red]{len(exc.problems)} problem(s)[/] in {path or settings(ctx).inventory}"
            )
        raise typer.Exit(1) from None
    counts = inv.counts()
    if json:
        print_json(
            {
                "valid": True,
                "devices": len(inv.devices),
                "sites": len(inv.sites),
                "links": len(inv.links),
                **counts,
            }
        )
        return
    console.print(
        f"[bold green]valid[/]: {inv.network.name} — {len(inv.devices)} devices, "
        f"{len(inv.sites)} sites, {len(inv.links)} links, {len(inv.vrfs)} VRFs, "
        f"{len(inv.ha_pairs)} HA pairs"
    )
    for title, key in (("by role", "role"), ("by site kind", "site_kind"), ("by zone", "zone")):
        console.print(_counts_table(f"Devices {title}", counts[key]))


@app.command()
def show(ctx: typer.Context, path: PathArgument = None, json: JsonOption = False) -> None:
    """Show the network as a tree by site (or every device as JSON)."""
    inv = _load(ctx, path)
    if json:
        print_json(to_json(inv))
        return
    tree = Tree(
        f"[bold]{inv.network.name}[/] (AS {inv.network.asn}, 等保 level {inv.network.protection_level})"
    )
    children: dict[str | None, list[str]] = {}
    for site in inv.sites:
        parent = site.parent if site.parent in inv.site_by_name else None
        children.setdefault(parent, []).append(site.name)
    by_site: dict[str, list[str]] = {}
    for device in inv.devices:
        by_site.setdefault(device.site, []).append(
            f"{device.name} [dim]{device.role} {device.platform} {device.mgmt_address}[/]"
        )

    def add(node: Tree, site_name: str) -> None:
        site = inv.site_by_name[site_name]
        label = f"[cyan]{site.name}[/] ({site.kind}{', ' + site.label if site.label else ''})"
        branch = node.add(label)
        for line in by_site.get(site_name, []):
            branch.add(line)
        for child in children.get(site_name, []):
            add(branch, child)

    for root in children.get(None, []):
        add(tree, root)
    console.print(tree)
    console.print(f"{len(inv.devices)} devices, {len(inv.sites)} sites, {len(inv.links)} links")


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    format: Annotated[
        str, typer.Option("--format", "-f", help=f"One of: {', '.join(EXPORT_FORMATS)}")
    ] = "json",
    inventory: InventoryOption = None,
    out: Annotated[
        Path | None, typer.Option("--out", "-o", help="Write to this file instead of stdout")
    ] = None,
) -> None:
    """Export the inventory: Prometheus file_sd targets, an Ansible inventory, or plain JSON."""
    if format not in EXPORT_FORMATS:
        fail(f"--format {format!r} is not one of {', '.join(EXPORT_FORMATS)}", 2)
    data = export(_load(ctx, inventory), format)
    if out is None:
        print_json(data)
    else:
        import json as _json

        out.write_text(_json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        err_console.print(f"wrote {out}")


@app.command()
def generate(
    districts: Annotated[
        int, typer.Option(help=f"Number of districts (1-{MAX_DISTRICTS}); 100 is ~16,000 devices")
    ],
    out: Annotated[
        Path, typer.Option("--out", "-o", help="Folder to write (must be empty or new)")
    ],
    seed: Annotated[int, typer.Option(help="Same seed, same network")] = 1,
    force: Annotated[
        bool, typer.Option(help="Write into a non-empty folder, replacing its YAML files")
    ] = False,
) -> None:
    """Generate a synthetic network shaped like the reference district (valid by construction)."""
    if not 1 <= districts <= MAX_DISTRICTS:
        fail(f"--districts must be between 1 and {MAX_DISTRICTS}, not {districts}", 2)
    if out.exists() and any(out.iterdir()) and not force:
        fail(f"{out} is not empty: choose a new folder or pass --force", 2)
    with console.status(f"generating {districts} district(s)..."):
        count = write_network(out, districts, seed)
    console.print(f"wrote {count} devices in {districts} district(s) to {out}")
