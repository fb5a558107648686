"""``netops demo``: the newcomer's first minute — lab up, then every step netops has so far.

Steps are one line each in :data:`STEPS` (a sub-command of ``netops`` and its arguments);
a step whose command is not in this build is listed as "not yet available", so the demo
grows as poll, check and serve land.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated

import typer

from netops.cli.common import InventoryOption, console, settings
from netops.lab import control

#: (title, netops sub-command words, extra arguments); {endpoints} is filled in.
STEPS: list[tuple[str, list[str], list[str]]] = [
    ("poll every device over SNMP", ["poll"], ["--once", "--endpoints", "{endpoints}"]),
    (
        "collect VRFs, routes, firewall policy and HA state over SSH",
        ["ssh", "collect"],
        ["--endpoints", "{endpoints}"],
    ),
    (
        "back up every device configuration (masked, versioned)",
        ["backup", "configs"],
        ["--endpoints", "{endpoints}"],
    ),
    (
        "check the database pair: roles, replication, service address, backups",
        ["db", "status"],
        ["--endpoints", "{endpoints}"],
    ),
    ("run the compliance checks", ["check"], ["--fail-on", "critical"]),
    (
        "dry-run a reviewed playbook: shut a port (lines and diff shown, nothing sent)",
        ["playbook", "run"],
        ["shutdown-port", "-t", "acc-jiefang-01", "-p", "interface=GE0/0/5", "-e", "{endpoints}"],
    ),
]


def _available(app: typer.Typer, words: list[str]) -> bool:
    """Whether ``netops WORDS...`` exists in this build (groups are looked into)."""
    names: dict[str, typer.Typer | None] = {
        c.name or (c.callback.__name__ if c.callback else ""): None for c in app.registered_commands
    }
    names.update({g.name or "": g.typer_instance for g in app.registered_groups})
    if words[0] not in names:
        return False
    sub = names[words[0]]
    return len(words) == 1 or (sub is not None and _available(sub, words[1:]))


def demo(
    ctx: typer.Context,
    inventory: InventoryOption = None,
    scenario: Annotated[
        list[str] | None,
        typer.Option("--scenario", "-s", help="Faults to plant (e.g. isolation-breach)"),
    ] = None,
    endpoints: Annotated[
        Path, typer.Option("--endpoints", "-e", help="Where the lab writes its endpoints file")
    ] = Path(".lab/endpoints.json"),
) -> None:
    """Bring up the lab for the reference network, run what netops has, print what to open."""
    from netops.cli.main import app

    inv = inventory or settings(ctx).inventory
    console.print(f"[bold]netops demo[/]: simulating {inv} on loopback ...")
    try:
        status = control.status(endpoints)
        console.print(f"lab already running (pid {status['pid']})")
    except Exception:
        status = control.up(inv, endpoints, scenario, db="auto")
    console.print(
        f"lab up: {status['devices']} devices answer SNMP (udp/{status['snmp_port']}) and SSH (tcp/{status['ssh_port']})"
    )
    console.print(f"database servers: {status.get('databases', 'simulated')}")
    for f in status["faults"]:
        console.print(
            f"  planted fault #{f['id']}: {f['kind']} on {f['device']} {f['detail']}".rstrip()
        )
    for title, words, extra in STEPS:
        if not _available(app, words):
            console.print(f"- {title}: not yet available in this build (netops {' '.join(words)})")
            continue
        args = [a.replace("{endpoints}", str(endpoints)) for a in extra]
        console.print(f"- {title}: netops {' '.join(words + args)}")
        subprocess.run([sys.executable, "-m", "netops.cli", *words, *args], check=False)
    ep = __import__("json").loads(endpoints.read_text())
    core = ep.get("core-1") or next(iter(ep.values()))
    console.print(
        "\nTry it yourself:\n"
        f"  ssh -p {core['ssh']['port']} {core['ssh']['username']}@{core['ssh']['host']}   (password {core['ssh']['password']})\n"
        f"  snmpbulkwalk -v2c -c netops-lab {core['snmp']['host']}:{core['snmp']['port']} 1.0.8802.1.1.2.1.4.1.1.9\n"
        f"  netops lab fault add uplink-down -e {endpoints}      netops lab fault list -e {endpoints}\n"
        f"  netops lab fault add db-split-brain -e {endpoints}   netops db status -e {endpoints}\n"
        f"  netops lab down -e {endpoints}"
    )
