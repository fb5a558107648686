"""``netops playbook``: list, show and run reviewed procedures; read their audit trail."""

from __future__ import annotations

import getpass
import socket
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
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
from netops.endpoints import load_endpoints
from netops.errors import PlaybookRequestError
from netops.inventory import load_inventory
from netops.models.playbooks import DeviceRunResult, PlaybookRun
from netops.playbooks import PlaybookService
from netops.playbooks.loader import check_against, load_playbooks
from netops.playbooks.tasks import TASKS
from netops.store import Store

app = typer.Typer(
    help="Reviewed procedures: dry-run first, --commit with rollback, every run audited.",
    no_args_is_help=True,
)

_STATUS_STYLE = {
    "ok": "green",
    "committed": "green",
    "unchanged": "green",
    "dry_run": "cyan",
    "rolled_back": "yellow",
    "skipped": "yellow",
    "partial": "yellow",
    "running": "cyan",
    "failed": "red",
    "rollback_failed": "bold red",
    "interrupted": "red",
}


def actor() -> str:
    """Who runs this command: the login name and the host."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"


def _service(
    ctx: typer.Context, inventory: Path | None, endpoints: Path | None = None
) -> PlaybookService:
    cfg = settings(ctx)
    inv = load_inventory(inventory or cfg.inventory)
    path = endpoints or cfg.endpoints
    return PlaybookService(
        cfg, inv, Store.from_settings(cfg), endpoints=load_endpoints(path) if path else None
    )


def _styled(status: str) -> str:
    return f"[{_STATUS_STYLE.get(status, 'white')}]{status}[/]"


@app.command("list")
def list_(ctx: typer.Context, json: JsonOption = False) -> None:
    """Every playbook: name, mode, what it does."""
    cfg = settings(ctx)
    playbooks = load_playbooks(cfg.playbooks_dir)
    if json:
        print_json(
            [
                {
                    "name": p.name,
                    "mode": p.spec.mode,
                    "description": p.spec.description,
                    "parameters": sorted(p.spec.parameters),
                    "file": p.file,
                    "sha256": p.sha256,
                }
                for p in playbooks.values()
            ]
        )
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("playbook", "mode", "parameters", "description"):
        table.add_column(column)
    for p in playbooks.values():
        table.add_row(
            p.name,
            p.spec.mode,
            ", ".join(f"{n}{'' if s.required else '?'}" for n, s in p.spec.parameters.items()),
            p.spec.description.split(". ")[0].rstrip("."),
        )
    console.print(table)


@app.command()
def show(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Playbook name")],
    inventory: InventoryOption = None,
    json: JsonOption = False,
) -> None:
    """One playbook: targets, parameters, checks and steps (and how many devices it may touch)."""
    service = _service(ctx, inventory)
    p = service.playbook(name)
    from netops.playbooks.targets import allowed

    allowed_count = sum(allowed(p.spec.targets, d) is None for d in service.inventory.devices)
    if json:
        print_json(
            {
                **p.spec.model_dump(mode="json"),
                "file": p.file,
                "sha256": p.sha256,
                "allowed_devices": allowed_count,
            }
        )
        return
    s = p.spec
    console.print(f"[bold]{p.name}[/] ({s.mode}) — {escape(p.file)} sha256 {p.sha256[:12]}")
    console.print(escape(s.description))
    t = s.targets
    filters = [
        f"{k} {', '.join(str(getattr(x, 'value', x)) for x in v)}"
        for k, v in (
            ("roles", t.roles),
            ("platforms", t.platforms),
            ("sites", t.sites),
            ("zones", t.zones),
            ("names", t.names),
        )
        if v
    ]
    console.print(
        f"targets: {'; '.join(filters) or 'any device'} — {allowed_count} device(s) in the inventory"
        + ("; must be named (--target)" if t.require_explicit else "")
        + (f"; at most {t.max_devices} per run" if t.max_devices else "")
    )
    for pname, spec in s.parameters.items():
        extra = (
            " (required)"
            if spec.required
            else (f" [default {spec.default}]" if spec.default is not None else "")
        )
        console.print(f"  --param {pname}=<{spec.type}>{extra}: {escape(spec.description)}")
    for phase in ("pre_checks", "steps", "post_checks"):
        for step in p.phase(phase):
            console.print(
                f"  {phase[:-1] if phase != 'steps' else 'step'}: {step.task.name}"
                + (f" — {escape(step.spec.name)}" if step.spec.name else "")
            )
    if s.mode == "change":
        console.print(
            f"concurrency {s.concurrency}; commits stop after {s.stop_on_failure.max_failures or 'no'} failed device(s); "
            f"commit {'needs a reason' if s.commit.require_reason else 'takes an optional reason'}"
            f"{', saves the config' if s.commit.save else ''}"
        )


@app.command()
def tasks(json: JsonOption = False) -> None:
    """The registered tasks a step may name, with their arguments."""
    rows: list[dict[str, Any]] = []
    for task in sorted(TASKS.values(), key=lambda t: t.name):
        schema = task.Args.model_json_schema()
        rows.append(
            {
                "task": task.name,
                "kind": task.kind,
                "scope": task.scope,
                "description": task.description,
                "args": sorted(schema.get("properties", {})),
                "required": sorted(schema.get("required", [])),
            }
        )
    if json:
        print_json(rows)
        return
    table = Table(show_header=True, header_style="bold")
    for column in ("task", "kind", "scope", "args", "description"):
        table.add_column(column)
    for r in rows:
        args = ", ".join(a + ("*" if a in r["required"] else "") for a in r["args"])
        table.add_row(r["task"], r["kind"], r["scope"], args, r["description"])
    console.print(table)


@app.command()
def validate(ctx: typer.Context, inventory: InventoryOption = None) -> None:
    """Load every playbook strictly and check its targets against the inventory."""
    cfg = settings(ctx)
    playbooks = load_playbooks(cfg.playbooks_dir)
    inv = load_inventory(inventory or cfg.inventory)
    problems = [str(p) for pb in playbooks.values() for p in check_against(pb, inv)]
    if problems:
        fail(f"{len(problems)} problem(s):\n  " + "\n  ".join(problems))
    console.print(f"valid: {len(playbooks)} playbook(s) in {cfg.playbooks_dir}")


def _params(values: list[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise PlaybookRequestError("param", f"--param {item!r}: write --param NAME=VALUE")
        if name in out:
            raise PlaybookRequestError(name, f"--param {name} is given twice")
        out[name] = value
    return out


def _print_checks(r: DeviceRunResult, phase: str) -> None:
    for c in r.checks:
        if c.phase != phase:
            continue
        mark = "[green]ok[/]" if c.ok else ("[yellow]--[/]" if c.ok is None else "[red]FAIL[/]")
        console.print(
            f"  {phase[:-1].replace('_', '-')} {mark} {escape(c.name or c.task)}: {escape(c.message)}"
        )


def _print_device(r: DeviceRunResult, mode: str) -> None:
    console.print(
        f"[bold]{r.device}[/]: {_styled(r.status)}" + (f" — {escape(r.error)}" if r.error else "")
    )
    _print_checks(r, "pre_checks")
    for s in r.steps:
        mark = "[green]ok[/]" if s.ok else "[red]FAIL[/]"
        console.print(f"  step {mark} {escape(s.name or s.task)}: {escape(s.summary)}")
    if r.commands:
        verb = "would send" if r.status == "dry_run" or mode != "commit" else "sent"
        console.print(f"  {verb} ({len(r.commands)} line(s)):")
        for line in r.commands:
            console.print(f"    {escape(line)}", highlight=False)
    diff = r.actual_diff if r.actual_diff is not None else r.predicted_diff
    if diff:
        console.print(
            "  diff (device, before -> after):"
            if r.actual_diff is not None
            else "  diff (running -> predicted candidate):"
        )
        for line in diff.splitlines():
            style = "green" if line.startswith("+") else "red" if line.startswith("-") else "dim"
            console.print(f"    [{style}]{escape(line)}[/]", highlight=False)
    _print_checks(r, "post_checks")
    if r.rollback is not None:
        rb = r.rollback
        console.print(
            f"  rollback {'[green]restored the config[/]' if rb.ok else '[bold red]DID NOT restore the config[/]'} "
            f"(trigger: {escape(rb.trigger)}; {len(rb.commands)} line(s) sent)"
        )
        for e in rb.errors:
            console.print(f"    rejected: {escape(e)}")
        for x in rb.residual:
            console.print(f"    still different: {escape(x)}")
    if r.saved is False:
        console.print("  [yellow]the change is live but NOT saved[/]")


def _print_run(run: PlaybookRun, link: str | None = None) -> None:
    for r in run.results:
        _print_device(r, run.mode)
    counts = ", ".join(f"{n} {s}" for s, n in run.counts.items())
    console.print(
        f"run {run.id} ({run.playbook}, {run.mode}) by {escape(run.actor)}: {_styled(run.status)} — {counts}"
    )
    if run.bundle:
        console.print(f"bundle: {escape(link or run.bundle)}")
    if run.error:
        err_console.print(f"[red]error:[/] {escape(run.error)}")


@app.command()
def run(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="Playbook name ('netops playbook list')")],
    target: Annotated[
        list[str] | None,
        typer.Option(
            "--target",
            "-t",
            help="Device or site name, or device:/site:/role:/zone:/platform:/pair:NAME (repeatable)",
        ),
    ] = None,
    param: Annotated[
        list[str] | None, typer.Option("--param", "-p", help="NAME=VALUE (repeatable)")
    ] = None,
    commit: Annotated[
        bool, typer.Option("--commit", help="Send the change (default: dry-run, nothing sent)")
    ] = False,
    reason: Annotated[
        str | None, typer.Option("--reason", "-r", help="Why (audited; some commits need one)")
    ] = None,
    inventory: InventoryOption = None,
    endpoints: EndpointsOption = None,
    json: JsonOption = False,
) -> None:
    """Run a playbook: dry-run unless --commit; exit code 0 only when every device is fine."""
    service = _service(ctx, inventory, endpoints)
    try:
        request = service.prepare(
            name,
            targets=target or [],
            params=_params(param),
            commit=commit,
            reason=reason,
            actor=actor(),
            source="cli",
        )
    except PlaybookRequestError as exc:
        fail(f"{exc} (nothing was sent)", 2)
    devices = len(request.devices)
    if not json:
        what = {
            "read_only": "read-only",
            "dry_run": "DRY-RUN (nothing is sent)",
            "commit": "COMMIT",
        }[request.mode]
        console.print(f"{request.playbook.name} on {devices} device(s): {what}")
    done = 0
    with console.status(f"working: 0/{devices}") as status:

        def progress(_: DeviceRunResult) -> None:
            nonlocal done
            done += 1
            status.update(f"working: {done}/{devices}")

        result = service.run(request, progress=None if json else progress)
    if json:
        print_json({**result.model_dump(mode="json"), "link": service.bundle_link(result)})
    else:
        _print_run(result, service.bundle_link(result))
        if request.mode == "dry_run" and result.status == "ok":
            console.print(
                "dry-run: nothing was sent. To apply, run the same command with --commit"
                + (" --reason '...'" if request.playbook.spec.commit.require_reason else "")
            )
    if result.status != "ok":
        raise typer.Exit(1)


@app.command()
def runs(
    ctx: typer.Context,
    run_id: Annotated[str | None, typer.Argument(help="One run's full record")] = None,
    playbook: Annotated[str | None, typer.Option("--playbook", help="Only this playbook")] = None,
    device: Annotated[
        str | None, typer.Option("--device", "-d", help="Only runs on this device")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=1, help="How many")] = 30,
    json: JsonOption = False,
) -> None:
    """The audit trail: runs newest first, or one run with every device's commands and diffs."""
    cfg = settings(ctx)
    from netops.store.playbooks import PlaybookAudit

    audit = PlaybookAudit(Store.from_settings(cfg))
    if run_id:
        found = audit.get(run_id)
        if found is None:
            fail(f"no playbook run {run_id!r}")
        if json:
            print_json(found.model_dump(mode="json"))
        else:
            console.print(
                f"run {found.id}: {found.playbook} ({found.mode}) by {escape(found.actor)} via {found.source}, "
                f"{found.started_at:%Y-%m-%d %H:%M:%S}Z; parameters {found.parameters}; "
                f"reason: {escape(found.reason or '-')}; playbook sha256 {found.playbook_sha256[:12]}"
            )
            _print_run(found)
        return
    rows = audit.runs(playbook=playbook, device=device, limit=limit)
    if json:
        print_json([r.model_dump(mode="json", exclude={"results"}) for r in rows])
        return
    table = Table(show_header=True, header_style="bold")
    for column in (
        "run",
        "started (UTC)",
        "playbook",
        "mode",
        "status",
        "devices",
        "actor",
        "reason",
    ):
        table.add_column(column)
    for r in rows:
        table.add_row(
            r.id,
            f"{r.started_at:%Y-%m-%d %H:%M:%S}",
            r.playbook,
            r.mode,
            _styled(r.status),
            str(len(r.devices)),
            escape(r.actor),
            escape(r.reason or ""),
        )
    console.print(table)


@app.command("verify-audit")
def verify_audit(ctx: typer.Context) -> None:
    """Check the audit trail's digest chain: no finished run changed or removed."""
    from netops.store.playbooks import PlaybookAudit

    problems = PlaybookAudit(Store.from_settings(settings(ctx))).verify()
    if problems:
        fail("the playbook audit trail was tampered with:\n  " + "\n  ".join(problems))
    console.print("audit trail intact")
