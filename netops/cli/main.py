"""The ``netops`` command: sub-commands per concern, errors as one clear line."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from netops import __version__
from netops.cli import (
    backup,
    compliance,
    db,
    demo,
    inventory,
    lab,
    playbook,
    poll,
    serve,
    ssh,
    token,
)
from netops.cli.common import fail
from netops.errors import NetopsError

app = typer.Typer(
    name="netops",
    help=(
        "Network management for government private networks: the e-government extranet, "
        "its data centre, and the physically isolated intranet.\n\n"
        "Start with 'netops inventory validate' and 'netops inventory show'."
    ),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)
app.add_typer(inventory.app, name="inventory")
app.add_typer(db.app, name="db")
app.add_typer(lab.app, name="lab")
app.command("demo")(demo.demo)
app.add_typer(backup.app, name="backup")
app.add_typer(ssh.app, name="ssh")
app.add_typer(token.app, name="token")
app.command()(serve.serve)
compliance.register(app)
app.add_typer(poll.app)  # netops poll, netops traps
app.add_typer(playbook.app, name="playbook")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"netops {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    ctx: typer.Context,
    settings_file: Annotated[
        Path | None,
        typer.Option(
            "--settings",
            envvar="NETOPS_SETTINGS_FILE",
            help="YAML settings file (NETOPS_* variables win over it)",
        ),
    ] = None,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version")
    ] = False,
) -> None:
    ctx.obj = {"settings_file": settings_file}


def run() -> None:
    """Entry point: any deliberate netops error becomes one line and exit code 1."""
    try:
        app()
    except NetopsError as exc:
        try:
            fail(str(exc))
        except typer.Exit as exit_:
            raise SystemExit(exit_.exit_code) from None
