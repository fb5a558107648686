"""``netops check``, ``netops report`` and ``netops snapshot``: compliance from the CLI."""

from __future__ import annotations

import json as _json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from netops.cli.common import (
    InventoryOption,
    JsonOption,
    console,
    err_console,
    fail,
    print_json,
    settings,
)
from netops.compliance import ComplianceRun, Snapshot, run_checks, service
from netops.compliance.exchange import (
    export_payload,
    generate_keys,
    import_file,
    load_imports,
    load_private_key,
    load_public_key,
    sign,
)
from netops.compliance.report import render_html
from netops.inventory import Inventory, load_inventory
from netops.models import SEVERITY_ORDER
from netops.settings import Settings
from netops.store import Store
from netops.store.findings import FindingHistory

SnapshotOption = Annotated[
    Path | None,
    typer.Option("--snapshot", "-s", help="Check a saved snapshot file instead of the store"),
]
snapshot_app = typer.Typer(
    help="Save the collected records; export / import signed identity snapshots (IS-02).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add ``check``, ``report`` and ``snapshot`` to the netops command."""
    app.command("check")(check)
    app.command("report")(report)
    app.add_typer(snapshot_app, name="snapshot")


def _inputs(
    ctx: typer.Context, inventory: Path | None, snapshot: Path | None
) -> tuple[Settings, Inventory, Snapshot]:
    cfg = settings(ctx)
    inv = load_inventory(inventory or cfg.inventory)
    if snapshot is not None:
        snap = Snapshot.load(snapshot)
        trusted = [load_public_key(p) for p in cfg.compliance.trusted_keys]
        snap.identities.extend(load_imports(cfg.resolved_imports_dir, trusted))
    else:
        with Store.from_settings(cfg) as store:
            snap = service.snapshot_of(cfg, store)
    return cfg, inv, snap


def _severity(value: str | None) -> str | None:
    if value is not None and value not in SEVERITY_ORDER:
        fail(f"--fail-on {value!r} is not one of {', '.join(SEVERITY_ORDER)}", 2)
    return value


def check(
    ctx: typer.Context,
    json: JsonOption = False,
    fail_on: Annotated[
        str | None,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a finding of this severity or worse FAILs (info, warning, major, critical)",
        ),
    ] = "info",
    all_findings: Annotated[
        bool, typer.Option("--all", help="Include PASS findings (with their evidence)")
    ] = False,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Run only these check IDs (repeat)")
    ] = None,
    inventory: InventoryOption = None,
    snapshot: SnapshotOption = None,
    record: Annotated[
        bool | None,
        typer.Option(
            "--record/--no-record",
            help="Keep the findings in the history [default: when checking the store]",
        ),
    ] = None,
) -> None:
    """Run the compliance checks: isolation, 等保 baseline, boundaries, redundancy, backups."""
    floor = _severity(fail_on)
    cfg, inv, snap = _inputs(ctx, inventory, snapshot)
    try:
        result = run_checks(inv, snap, cfg, only=only)
    except KeyError as exc:
        fail(str(exc.args[0]), 2)
    first_seen = _record(cfg, result, only, snapshot is None if record is None else record)
    if json:
        data = result.to_json(include_pass=all_findings)
        for f in data["findings"]:
            seen = first_seen.get((f["check_id"], f["target"]))
            f["first_seen"] = seen.isoformat() if seen else None
        print_json(data)
    else:
        _print(result, all_findings)
    for error in result.errors:
        err_console.print(f"[bold red]check error:[/] {error}", highlight=False)
    for w in result.unused_waivers:
        err_console.print(
            f"[yellow]unused waiver:[/] {w.check_id} on {w.target} (owner {w.owner}) matches no "
            "failing finding: the finding passes now or the target is gone; remove the waiver?",
            highlight=False,
        )
    if floor is not None and result.failing(floor):
        raise typer.Exit(1)


def _record(
    cfg: Settings, result: ComplianceRun, only: list[str] | None, record: bool
) -> dict[tuple[str, str], datetime]:
    with Store.from_settings(cfg) as store:
        if record:
            service.record(store, result, only)
        return FindingHistory(store).first_seen()


def _print(result: ComplianceRun, all_findings: bool) -> None:
    colours = {"FAIL": "red", "NEEDS_EVIDENCE": "yellow", "WAIVED": "bright_black", "PASS": "green"}
    table = Table(
        title=f"Compliance of {result.network} (等保 level {result.level})", title_justify="left"
    )
    for column in ("check", "verdict", "severity", "target", "summary"):
        table.add_column(column)
    order = {"FAIL": 0, "NEEDS_EVIDENCE": 1, "WAIVED": 2, "PASS": 3}
    shown = [f for f in result.findings if all_findings or f.verdict in ("FAIL", "WAIVED")]
    for f in sorted(
        shown, key=lambda f: (order[f.verdict], -SEVERITY_ORDER[f.severity], f.check_id, f.target)
    ):
        first = f.evidence[0] if f.evidence and f.verdict != "PASS" else None
        detail = (
            f"\n[dim]{escape(first.text.splitlines()[-1])} ({first.device or ''} {first.source})[/]"
            if first
            else ""
        )
        table.add_row(
            f.check_id,
            f"[{colours[f.verdict]}]{f.verdict}[/]",
            f.severity,
            escape(f.target),
            escape(f.summary) + detail,
        )
    if shown:
        console.print(table)
    counts = result.verdicts()
    console.print(
        " · ".join(f"[{colours[v]}]{v}[/] {counts.get(v, 0)}" for v in order)
        + f"  ({len(result.findings)} findings; NEEDS_EVIDENCE listed with --all or in the report)"
    )


def report(
    ctx: typer.Context,
    html: Annotated[
        Path, typer.Option("--html", help="Write the audit report (HTML) to this file")
    ],
    inventory: InventoryOption = None,
    snapshot: SnapshotOption = None,
) -> None:
    """Write the audit report: every control by 等保 clause, verdicts, evidence, waivers."""
    cfg, inv, snap = _inputs(ctx, inventory, snapshot)
    result = run_checks(inv, snap, cfg)
    with Store.from_settings(cfg) as store:
        first_seen = FindingHistory(store).first_seen()
    html.write_text(render_html(result, first_seen), encoding="utf-8")
    counts = result.verdicts()
    err_console.print(f"wrote {html}: " + ", ".join(f"{v} {n}" for v, n in sorted(counts.items())))


# -- netops snapshot ------------------------------------------------------------------------------
@snapshot_app.command("save")
def snapshot_save(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write")],
) -> None:
    """Save every collected record of the store into one file (checks run on it with --snapshot)."""
    cfg = settings(ctx)
    with Store.from_settings(cfg) as store:
        snap = Snapshot.from_store(store)
    snap.save(out)
    err_console.print(f"wrote {out}: {len(snap.sets)} record sets of {len(snap.devices())} devices")


@snapshot_app.command("keygen")
def snapshot_keygen(
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", help="Key file prefix: writes PREFIX.key (0600) and PREFIX.pub"
        ),
    ],
) -> None:
    """Make an Ed25519 key pair for signing identity exports."""
    private, public = generate_keys(out)
    err_console.print(
        f"wrote {private} (keep it on the extranet instance) and {public} (give it to the intranet instance)"
    )


@snapshot_app.command("export")
def snapshot_export(
    ctx: typer.Context,
    out: Annotated[Path, typer.Option("--out", "-o", help="Signed identity file to write")],
    network: Annotated[
        str, typer.Option(help="Which network's identities (never intranet)")
    ] = "extranet",
    inventory: InventoryOption = None,
    snapshot: SnapshotOption = None,
) -> None:
    """Export this network's identities (chassis IDs, serials, MACs, addresses), signed."""
    cfg = settings(ctx)
    if cfg.compliance.signing_key is None:
        fail("no signing key: set compliance.signing_key (make one with 'netops snapshot keygen')")
    key = load_private_key(cfg.compliance.signing_key)
    inv = load_inventory(inventory or cfg.inventory)
    if snapshot is not None:
        snap = Snapshot.load(snapshot)
    else:
        with Store.from_settings(cfg) as store:
            snap = Snapshot.from_store(store)
    payload = export_payload(inv, snap, cfg.compliance, network)
    document = sign(payload, key)
    out.write_text(_json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    err_console.print(
        f"wrote {out}: {len(payload['sightings'])} {network} identities, signed by key {document['key_id']}"
    )


@snapshot_app.command("import")
def snapshot_import(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Signed identity file from the other instance")],
    inventory: InventoryOption = None,
) -> None:
    """Verify a signed identity file and keep it (read-only) for IS-02."""
    cfg = settings(ctx)
    inv = load_inventory(inventory or cfg.inventory)
    networks = {inv.network_of(d) for d in inv.devices}
    local = networks.pop() if len(networks) == 1 else None  # the lab watches both
    trusted = [load_public_key(p) for p in cfg.compliance.trusted_keys]
    kept = import_file(file, cfg.resolved_imports_dir, trusted, local)
    err_console.print(f"verified and kept {kept}")


@snapshot_app.command("imports")
def snapshot_imports(ctx: typer.Context, json: JsonOption = False) -> None:
    """List the identity snapshots kept, verifying each again."""
    cfg = settings(ctx)
    trusted = [load_public_key(p) for p in cfg.compliance.trusted_keys]
    found = load_imports(cfg.resolved_imports_dir, trusted)
    rows: list[dict[str, Any]] = [
        {
            "network": i.network,
            "network_name": i.network_name,
            "exported_at": i.exported_at.isoformat(),
            "age_days": round((datetime.now(UTC) - i.exported_at).total_seconds() / 86400, 1),
            "key_id": i.key_id,
            "sightings": len(i.sightings),
            "file": i.file,
        }
        for i in found
    ]
    if json:
        print_json(rows)
        return
    if not rows:
        console.print("no identity snapshot imported")
    for r in rows:
        console.print(
            f"{r['network']} ({r['network_name']}): exported {r['exported_at']} ({r['age_days']} days ago), {r['sightings']} sightings, key {r['key_id']}, {r['file']}"
        )
