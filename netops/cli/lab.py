"""``netops lab``: the reference network simulated on loopback, with faults on demand."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netops.cli.common import (
    EndpointsOption,
    InventoryOption,
    JsonOption,
    console,
    print_json,
    settings,
)
from netops.lab import control
from netops.lab.faults import FAULT_KINDS, SCENARIOS

app = typer.Typer(
    help="The lab: every inventory device simulated on loopback (SNMP + SSH), faults on demand.",
    no_args_is_help=True,
)
fault_app = typer.Typer(
    help="Inject, list and clear faults in a running lab.", no_args_is_help=True
)
app.add_typer(fault_app, name="fault")


def _endpoints(ctx: typer.Context, endpoints: Path | None) -> Path:
    return endpoints or settings(ctx).endpoints or control.DEFAULT_ENDPOINTS


@app.command("up")
def up_cmd(
    ctx: typer.Context,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", "-s", help=f"Faults at start: {', '.join(SCENARIOS)}"),
    ] = None,
    snmp_version: Annotated[
        str,
        typer.Option("--snmp-version", help="Credentials written to the endpoints file: 3 or 2c"),
    ] = "3",
    trap_receiver: Annotated[
        str | None,
        typer.Option("--trap-receiver", help="HOST:PORT receiving linkDown/linkUp traps"),
    ] = None,
    db: Annotated[
        str,
        typer.Option(
            "--db",
            help="Real PostgreSQL pair(s) for the database servers: auto (when installed), on, off",
        ),
    ] = "auto",
    db_pairs: Annotated[
        int, typer.Option("--db-pairs", min=0, help="At most this many real database pairs")
    ] = 1,
    views: Annotated[
        int | None,
        typer.Option(
            "--views", min=0, help="SNMP views kept built (default 4096; 0 = all; ~150 KiB each)"
        ),
    ] = None,
    json_out: JsonOption = False,
) -> None:
    """Start the lab in the background; returns when every device answers."""
    if db not in ("auto", "on", "off"):
        raise typer.BadParameter("auto, on or off", param_hint="--db")
    for s in scenario or []:
        if s not in SCENARIOS:
            raise typer.BadParameter(
                f"unknown scenario {s!r}; known: {', '.join(SCENARIOS)}", param_hint="--scenario"
            )
    inv = inventory or settings(ctx).inventory
    path = _endpoints(ctx, endpoints)
    status = control.up(
        inv, path, scenario, snmp_version, trap_receiver, db=db, db_pairs=db_pairs, views=views
    )
    if json_out:
        print_json({"endpoints": str(path.resolve()), **status})
        return
    console.print(
        f"lab up: {status['devices']} devices (SNMP udp/{status['snmp_port']}, SSH tcp/{status['ssh_port']}, pid {status['pid']})\n"
        f"endpoints file: {path.resolve()}  (use --endpoints with any netops command)\n"
        f"database servers: {status['databases']}"
    )
    for f in status["faults"]:
        console.print(f"  fault #{f['id']} {f['kind']} on {f['device']} {f['detail']}".rstrip())


@app.command("down")
def down_cmd(ctx: typer.Context, endpoints: EndpointsOption = None) -> None:
    """Stop the lab started for this endpoints file (no process is left behind)."""
    pid = control.down(_endpoints(ctx, endpoints))
    console.print(f"lab stopped (pid {pid})")


@app.command("status")
def status_cmd(
    ctx: typer.Context, endpoints: EndpointsOption = None, json_out: JsonOption = False
) -> None:
    """What the running lab serves, how much it answered, and its active faults."""
    status = control.status(_endpoints(ctx, endpoints))
    if json_out:
        print_json(status)
        return
    console.print(
        f"lab pid {status['pid']}: {status['devices']} devices, up {status['uptime_seconds']} s, "
        f"{status['snmp_requests']} SNMP requests, {status['ssh_sessions']} SSH sessions\n"
        f"database servers: {status['databases']}"
    )
    for pair, info in status.get("database_pairs", {}).items():
        nodes = ", ".join(
            f"{n} :{i['port']} {'running' if i['running'] else 'stopped'}"
            for n, i in info["nodes"].items()
        )
        console.print(f"  {pair}: {nodes}")
    for f in status["faults"]:
        console.print(f"  fault #{f['id']} {f['kind']} on {f['device']} {f['detail']}".rstrip())


@fault_app.command("add")
def fault_add(
    ctx: typer.Context,
    kind: Annotated[
        str,
        typer.Argument(
            help="; ".join(f"{k}: {v}" for k, v in FAULT_KINDS.items())
            + "; storm: an aggregation point and the access switches behind it"
        ),
    ],
    device: Annotated[
        str | None, typer.Option("--device", "-d", help="Target device (default: a sensible one)")
    ] = None,
    interface: Annotated[
        str | None, typer.Option("--interface", help="Target interface, where it applies")
    ] = None,
    endpoints: EndpointsOption = None,
    json_out: JsonOption = False,
) -> None:
    """Inject a fault now."""
    reply = control.request(
        _endpoints(ctx, endpoints),
        {"op": "fault-add", "kind": kind, "device": device, "interface": interface},
    )
    if json_out:
        print_json(reply["faults"])
        return
    for f in reply["faults"]:
        console.print(f"fault #{f['id']} {f['kind']} on {f['device']} {f['detail']}".rstrip())


@fault_app.command("clear")
def fault_clear(
    ctx: typer.Context,
    fault_id: Annotated[int | None, typer.Argument(help="Fault number (default: all)")] = None,
    device: Annotated[
        str | None, typer.Option("--device", "-d", help="Only this device's faults")
    ] = None,
    endpoints: EndpointsOption = None,
) -> None:
    """Clear one fault, a device's faults, or all of them."""
    reply = control.request(
        _endpoints(ctx, endpoints), {"op": "fault-clear", "id": fault_id, "device": device}
    )
    console.print(f"cleared {len(reply['faults'])} fault(s)")


@fault_app.command("list")
def fault_list(
    ctx: typer.Context, endpoints: EndpointsOption = None, json_out: JsonOption = False
) -> None:
    """The active faults."""
    faults = control.request(_endpoints(ctx, endpoints), {"op": "fault-list"})["faults"]
    if json_out:
        print_json(faults)
        return
    if not faults:
        console.print("no faults: the lab is clean")
    for f in faults:
        console.print(f"#{f['id']} {f['kind']} on {f['device']} {f['detail']}".rstrip())
