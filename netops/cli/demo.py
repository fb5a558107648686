"""``netops demo``: the newcomer's first minute — lab up, then every step netops has so far.

Steps are one line each in :data:`STEPS` (a sub-command of ``netops`` and its arguments);
a step whose command is not in this build is listed as "not yet available", so the demo
grows as poll, check and serve land.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Annotated, Any

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
        "prove the newest database backup restores (into a scratch instance)",
        ["db", "verify"],
        ["--endpoints", "{endpoints}"],
    ),
    (
        "check the database pair: roles, replication, service address, backups",
        ["db", "status"],
        ["--endpoints", "{endpoints}"],
    ),
    ("run the compliance checks", ["check"], ["--fail-on", "critical"]),
    ("write the audit report an assessor reads", ["report"], ["--html", "{report}"]),
    (
        "dry-run a reviewed playbook: shut a port (lines and diff shown, nothing sent)",
        ["playbook", "run"],
        ["shutdown-port", "-t", "acc-jiefang-01", "-p", "interface=GE0/0/5", "-e", "{endpoints}"],
    ),
]
#: A step printing more lines than this shows its head and tail only.
LONG_OUTPUT = 30


def _available(app: typer.Typer, words: list[str]) -> bool:
    """Whether ``netops WORDS...`` exists in this build (asked of the command tree)."""
    command: Any = typer.main.get_command(app)
    for word in words:
        command = getattr(command, "commands", {}).get(word)
        if command is None:
            return False
    return True


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
    report = endpoints.parent / "demo-report.html"
    for title, words, extra in STEPS:
        if not _available(app, words):
            console.print(f"- {title}: not yet available in this build (netops {' '.join(words)})")
            continue
        args = [
            a.replace("{endpoints}", str(endpoints)).replace("{report}", str(report)) for a in extra
        ]
        console.print(f"\n[bold]- {title}[/]: netops {' '.join(words + args)}", highlight=False)
        _run_step([sys.executable, "-m", "netops.cli", *words, *args])
    api = _serve_api(endpoints, inv)
    ep = json.loads(endpoints.read_text())
    core = ep.get("core-1") or next(iter(ep.values()))
    if api:
        url, token = api
        console.print(
            "\n[bold]Open[/]:\n"
            f"  {url}/docs                  the API (Authorize with the token below)\n"
            f"  {url}/api/v1/status         curl -H 'Authorization: Bearer {token}' {url}/api/v1/status\n"
            f"  {url}/metrics               what Prometheus scrapes (dashboards/ has the Grafana side)\n"
            f"  {report}   the compliance report (open in a browser, print to PDF)",
            highlight=False,
            soft_wrap=True,
        )
    console.print(
        "\n[bold]Try it yourself[/]:\n"
        f"  ssh -p {core['ssh']['port']} {core['ssh']['username']}@{core['ssh']['host']}   (password {core['ssh']['password']})\n"
        f"  snmpbulkwalk -v2c -c netops-lab {core['snmp']['host']}:{core['snmp']['port']} 1.0.8802.1.1.2.1.4.1.1.9\n"
        f"  netops lab fault add uplink-down -e {endpoints}      netops lab fault list -e {endpoints}\n"
        f"  netops lab fault add db-split-brain -e {endpoints}   netops db status -e {endpoints}\n"
        f"  netops lab down -e {endpoints}   (stops the lab and the API)",
        highlight=False,
        soft_wrap=True,
    )


def _run_step(command: list[str]) -> None:
    """Run one step, showing its output (the head and tail of a long one)."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    lines = (done.stdout + done.stderr).rstrip("\n").splitlines()
    if len(lines) > LONG_OUTPUT:
        hidden = len(lines) - 20
        lines = [
            *lines[:8],
            f"  ... {hidden} more lines (run the command to see them all) ...",
            *lines[-12:],
        ]
    for line in lines:
        console.print(line, markup=False, highlight=False)


def _serve_api(endpoints: Path, inventory: Path) -> tuple[str, str] | None:
    """Start ``netops serve`` beside the lab (``netops lab down`` stops it); URL and a token."""
    from netops.lab.control import companion_pid_file

    port = _free_port()
    log = endpoints.parent / "serve.log"
    with log.open("ab") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "netops.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--inventory", str(inventory), "--endpoints", str(endpoints), "--log-level", "warning"],
            stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    companion_pid_file(endpoints).write_text(f"{process.pid}\n", encoding="utf-8")
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=1):
                break
        except OSError:
            time.sleep(0.3)
    else:
        console.print(f"[red]the API did not start[/]; see {log}")
        return None
    created = subprocess.run(
        [sys.executable, "-m", "netops.cli", "token", "create", "--role", "viewer", "--name", "demo"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    token = (
        created.stdout.split()[-1]
        if created.returncode == 0 and created.stdout
        else "(netops token create --role viewer)"
    )
    console.print(
        f"\n[bold]- serve the API and the scheduler[/]: netops serve --port {port} (log: {log})"
    )
    return url, token


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
