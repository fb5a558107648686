"""``netops token``: create, list and revoke API tokens (stored hashed; shown once)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from netops.cli.common import JsonOption, console, print_json, settings
from netops.store import Store
from netops.store.tokens import ROLES, TokenInfo, TokenStore

app = typer.Typer(help="Create, list and revoke API tokens.", no_args_is_help=True)


def _tokens(ctx: typer.Context) -> TokenStore:
    s = settings(ctx)
    return TokenStore(Store.from_settings(s), s.api.secret_key.get_secret_value())


def _as_dict(info: TokenInfo) -> dict[str, object]:
    return {
        "id": info.id,
        "name": info.name,
        "role": info.role,
        "prefix": info.prefix,
        "created_at": info.created_at.isoformat(),
        "last_used_at": info.last_used_at.isoformat() if info.last_used_at else None,
        "revoked_at": info.revoked_at.isoformat() if info.revoked_at else None,
        "active": info.active,
    }


@app.command()
def create(
    ctx: typer.Context,
    role: Annotated[str, typer.Option("--role", "-r", help=f"One of: {', '.join(ROLES)}")],
    name: Annotated[str, typer.Option("--name", "-n", help="What the token is for")] = "",
) -> None:
    """Create a token; it is printed once, as the last word, and stored only hashed."""
    if role not in ROLES:
        raise typer.BadParameter(
            f"unknown role {role!r}; roles are {', '.join(ROLES)}", param_hint="--role"
        )
    token, info = _tokens(ctx).create(role, name)
    typer.echo(f"created {info.role} token {info.id} ({info.name}); it is shown only now: {token}")


@app.command("list")
def list_(ctx: typer.Context, json: JsonOption = False) -> None:
    """List tokens (id, role, prefix, dates); never the tokens themselves."""
    infos = _tokens(ctx).list()
    if json:
        print_json([_as_dict(i) for i in infos])
        return
    table = Table("id", "name", "role", "prefix", "created", "last used", "state")
    for i in infos:
        table.add_row(
            str(i.id),
            i.name,
            i.role,
            i.prefix + "…",
            i.created_at.strftime("%Y-%m-%d %H:%M"),
            i.last_used_at.strftime("%Y-%m-%d %H:%M") if i.last_used_at else "-",
            "active" if i.active else f"revoked {i.revoked_at:%Y-%m-%d}",
        )
    console.print(table)


@app.command()
def revoke(
    ctx: typer.Context, token_id: Annotated[int, typer.Argument(help="Token id (see 'list')")]
) -> None:
    """Revoke a token: requests with it get 401 from now on."""
    info = _tokens(ctx).revoke(token_id)
    typer.echo(f"revoked token {info.id} ({info.name}, {info.role})")
