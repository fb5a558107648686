"""What every command shares: settings, options, output and one-line errors."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

from netops.inventory import Device, Inventory
from netops.settings import Settings, load_settings

console = Console()
err_console = Console(stderr=True)

InventoryOption = Annotated[
    Path | None,
    typer.Option(
        "--inventory", "-i", help="Inventory folder or file [default: setting 'inventory']"
    ),
]
EndpointsOption = Annotated[
    Path | None,
    typer.Option(
        "--endpoints",
        "-e",
        help="Endpoints file (e.g. from 'netops lab up') overriding device addresses",
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print data as JSON instead of prose")]


def settings(ctx: typer.Context, **overrides: Any) -> Settings:
    """The settings for this invocation (``--settings`` file, environment, then overrides)."""
    root = ctx.find_root()
    file = root.obj.get("settings_file") if isinstance(root.obj, dict) else None
    return load_settings(file, **overrides)


def print_json(data: Any) -> None:
    """JSON to stdout: data, not prose (non-ASCII kept readable)."""
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False, default=str) + "\n")


def fail(message: str, code: int = 1) -> NoReturn:
    """One line on stderr saying what is wrong and where, then exit non-zero."""
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def named_devices(inventory: Inventory, names: list[str]) -> list[Device]:
    """The devices named (in that order); exit 2 naming any the inventory does not have."""
    unknown = [d for d in names if d not in inventory.device_by_name]
    if unknown:
        fail(f"unknown device(s): {', '.join(unknown)}", 2)
    return [inventory.device_by_name[d] for d in names]
