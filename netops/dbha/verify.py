"""Restore verification: the newest backup restored into a scratch instance and queried.

pgBackRest: ``pgbackrest restore --set=<newest> --type=immediate --target-action=promote
--archive-mode=off`` into a scratch folder, started on a free loopback port with its own
``pg_hba.conf`` (local trust) and WAL archiving off, so it can never push into the
repository. Dumps (custom format): a scratch ``initdb`` and ``pg_restore``. Then sanity
checks: out of recovery, databases listed, user tables counted per database,
``pg_amcheck`` (setting ``dbha.verify_amcheck``), the configured ``dbha.verify_queries``.
The scratch instance is always stopped and removed. The result is a
:class:`DbBackupVerification` record, kept in the store (kind ``db_verify``, device = pair).

This runs on the machine netops runs on, which must reach the repository (a local
pgBackRest config or dump folder); sources on another host are reported as not verified.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import cast

import psycopg
from psycopg import sql as pgsql

from netops.dbha import backups as backup_io
from netops.dbha import pgserver
from netops.dbha.checks import database_pairs
from netops.dbha.targets import backup_sources
from netops.endpoints import DeviceEndpoints
from netops.errors import DbToolError, NetopsError, TransportError
from netops.inventory import DbBackupSource, Inventory
from netops.models import DbBackupVerification, Event, VerifyCheck
from netops.settings import DbhaSettings, Settings
from netops.store import Store
from netops.transports.command import LocalRunner

_USER_TABLES = """
SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname NOT LIKE 'pg_toast%'
"""


def verify_source(
    pair: str, source: DbBackupSource, settings: DbhaSettings
) -> DbBackupVerification:
    """Restore the newest backup of ``source`` and check it; failures are in the record."""
    started = datetime.now(UTC)
    clock = time.monotonic()
    where = source.host or "local"
    label = "-"
    checks: list[VerifyCheck] = []
    restored: int | None = None
    error: str | None = None
    try:
        if source.host is not None:
            raise DbToolError(
                f"backups on {source.host} are verified by netops running there (this machine cannot restore them)"
            )
        scratch = Path(tempfile.mkdtemp(prefix="netops-verify-", dir=settings.verify_dir))
        try:
            pgserver.make_dir(scratch, 0o755)
            pgserver.check_reachable(scratch)
            if source.tool == "pgbackrest":
                label, restored = _restore_pgbackrest(pair, source, settings, scratch)
            else:
                label, restored = _newest_dump(pair, source, settings)
            node = pgserver.Instance(
                name=f"verify-{pair}",
                data_dir=scratch / "data",
                port=pgserver.free_port(),
                socket_dir=scratch / "sock",
                log_file=scratch / "postgres.log",
                bin_dir=pgserver.bin_dir(settings.pg_bin_dir),
            )
            try:
                if source.tool == "dump":
                    node.initdb()
                (scratch / "pg_hba.conf").write_text("local all all trust\n")
                pgserver.make_dir(scratch / "sock", 0o755)
                node.start(
                    f"-c hba_file={scratch / 'pg_hba.conf'} -c archive_mode=off "
                    "-c hot_standby=off -c shared_buffers=128MB -c logging_collector=off "
                    "-c shared_preload_libraries=''",
                    timeout=settings.verify_timeout,
                )
                _wait_recovered(node, settings)
                if source.tool == "dump":
                    checks.append(_pg_restore(node, source, label, settings))
                checks += _sanity(node, settings)
            finally:
                node.stop("immediate")
                node.kill()
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    except (DbToolError, TransportError) as exc:
        error = str(exc)
    ok = error is None and bool(checks) and all(c.ok for c in checks)
    if error is None and not ok:
        error = "; ".join(f"{c.name}: {c.detail}" for c in checks if not c.ok) or "no checks ran"
    return DbBackupVerification(
        device=pair,
        tool=source.tool,
        label=label,
        location=backup_io.location(source, where),
        started_at=started,
        finished_at=datetime.now(UTC),
        ok=ok,
        duration_seconds=round(time.monotonic() - clock, 3),
        restored_bytes=restored,
        checks=tuple(checks),
        error=error,
    )


def _restore_pgbackrest(
    pair: str, source: DbBackupSource, settings: DbhaSettings, scratch: Path
) -> tuple[str, int | None]:
    runner = LocalRunner(user=pgserver.SERVER_ACCOUNT)
    found = backup_io.read_pgbackrest(source, runner, pair, settings)
    good = [b for b in found if b.ok]
    if not good:
        raise DbToolError(f"no successful pgBackRest backup in stanza {source.stanza!r} to restore")
    newest = max(good, key=lambda b: b.finished_at)
    data = pgserver.make_dir(scratch / "data")
    argv = [settings.pgbackrest]
    if source.config:
        argv.append(f"--config={source.config}")
    argv += [
        f"--stanza={source.stanza}",
        f"--pg1-path={data}",
        f"--set={newest.label}",
        "--type=immediate",
        "--target-action=promote",
        "--archive-mode=off",
        "--log-level-console=warn",
        "--log-level-file=off",
        "restore",
    ]
    pgserver.run(argv, cwd=scratch, timeout=settings.verify_timeout, what="pgbackrest restore")
    return newest.label, newest.size_bytes


def _newest_dump(
    pair: str, source: DbBackupSource, settings: DbhaSettings
) -> tuple[str, int | None]:
    dumps = backup_io.read_dumps(source, LocalRunner(), pair, settings)
    good = [d for d in dumps if d.ok and d.label.endswith((".dump", ".backup", ".pgdump"))]
    if not good:
        raise DbToolError(
            f"no custom-format dump (*.dump) without errors in {source.path} to restore"
        )
    newest = max(good, key=lambda b: b.finished_at)
    return newest.label, newest.size_bytes


def _wait_recovered(node: pgserver.Instance, settings: DbhaSettings) -> None:
    """Wait until the restored instance has finished recovery and accepts connections."""
    deadline = time.monotonic() + settings.verify_timeout
    last = "not started"
    while time.monotonic() < deadline:
        if not node.running:
            tail = " | ".join(_log_tail(node.log_file))
            raise DbToolError(f"the restored instance stopped during recovery: {tail}")
        try:
            row = _execute(
                node,
                "postgres",
                lambda c: c.execute("SELECT pg_is_in_recovery()").fetchone(),
                settings.verify_user,
            )
            if isinstance(row, tuple) and not row[0]:
                return
            last = "still in recovery"
        except DbToolError as exc:
            last = str(exc)
        time.sleep(0.1)
    raise DbToolError(
        f"the restored instance did not finish recovery in {settings.verify_timeout:.0f}s ({last})"
    )


def _log_tail(path: Path, lines: int = 4) -> list[str]:
    try:
        return path.read_text(errors="replace").strip().splitlines()[-lines:]
    except OSError:
        return []


def _pg_restore(
    node: pgserver.Instance, source: DbBackupSource, label: str, settings: DbhaSettings
) -> VerifyCheck:
    """Restore a custom-format dump into a database of its original name in the scratch instance."""
    dump = str(Path(str(source.path)) / label)
    conn = ["-h", str(node.socket_dir), "-p", str(node.port), "-U", settings.verify_user]
    try:
        listing = pgserver.run(
            [node.tool("pg_restore"), "--list", dump],
            cwd=node.data_dir.parent,
            what="pg_restore --list",
        )
        match = re.search(r"^;\s+dbname:\s+(\S+)", listing, re.MULTILINE)
        dbname = match.group(1) if match else "netops_restored"
        if dbname != "postgres":
            _execute(
                node, "postgres",
                lambda c: c.execute(pgsql.SQL("CREATE DATABASE {}").format(pgsql.Identifier(dbname))),
                settings.verify_user,
            )  # fmt: skip
        pgserver.run(
            [node.tool("pg_restore"), *conn, "-d", dbname, "--no-owner", "--exit-on-error", dump],
            cwd=node.data_dir.parent,
            timeout=settings.verify_timeout,
            what="pg_restore",
        )
    except DbToolError as exc:
        return VerifyCheck(name="pg_restore", ok=False, detail=str(exc))
    return VerifyCheck(
        name="pg_restore", ok=True, detail=f"{label} restored into database {dbname}"
    )


def _execute(
    node: pgserver.Instance,
    dbname: str,
    work: Callable[[psycopg.Connection[tuple[object, ...]]], object],
    user: str = "postgres",
) -> object:
    try:
        with psycopg.connect(**node.conninfo(dbname, user), autocommit=True) as conn:  # type: ignore[arg-type]
            return work(conn)
    except psycopg.Error as exc:
        raise DbToolError(f"{dbname}: {' '.join(str(exc).split())}") from None


def _sanity(node: pgserver.Instance, settings: DbhaSettings) -> list[VerifyCheck]:
    user = settings.verify_user
    checks: list[VerifyCheck] = []

    def one(name: str, dbname: str, sql: str) -> object:
        return _execute(node, dbname, lambda c: c.execute(sql).fetchone(), user)

    try:
        row = one("recovered", "postgres", "SELECT pg_is_in_recovery()")
        in_recovery = bool(row[0]) if isinstance(row, tuple) else True
        checks.append(
            VerifyCheck(
                name="recovered",
                ok=not in_recovery,
                detail="still in recovery" if in_recovery else "recovered and accepting writes",
            )
        )
        names_row = one(
            "databases",
            "postgres",
            "SELECT json_agg(datname ORDER BY datname) FROM pg_database WHERE datallowconn AND NOT datistemplate",
        )
        raw = names_row[0] if isinstance(names_row, tuple) else None
        names: list[str] = raw if isinstance(raw, list) else json.loads(raw or "[]")
        checks.append(
            VerifyCheck(
                name="databases",
                ok=bool(names),
                detail=f"{len(names)} database{'s' if len(names) != 1 else ''}: {', '.join(names)}",
            )
        )
        for db in names:
            tables = one(f"tables:{db}", db, _USER_TABLES)
            size = one(f"size:{db}", db, "SELECT pg_database_size(current_database())")
            checks.append(
                VerifyCheck(
                    name=f"tables:{db}",
                    ok=True,
                    detail=f"{tables[0] if isinstance(tables, tuple) else '?'} user tables, "
                    f"{size[0] if isinstance(size, tuple) else '?'} bytes",
                )
            )
        for i, sql in enumerate(settings.verify_queries, 1):
            try:
                result = one(f"query:{i}", "postgres", sql)
                value = result[0] if isinstance(result, tuple) and result else None
                good = value not in (None, False, 0)
                checks.append(VerifyCheck(name=f"query:{i}", ok=good, detail=f"{sql} -> {value!r}"))
            except DbToolError as exc:
                checks.append(VerifyCheck(name=f"query:{i}", ok=False, detail=f"{sql}: {exc}"))
        if settings.verify_amcheck:
            checks.append(_amcheck(node, settings))
    except DbToolError as exc:
        checks.append(VerifyCheck(name="connect", ok=False, detail=str(exc)))
    return checks


def _amcheck(node: pgserver.Instance, settings: DbhaSettings) -> VerifyCheck:
    try:
        pgserver.run(
            [
                node.tool("pg_amcheck"),
                "-h",
                str(node.socket_dir),
                "-p",
                str(node.port),
                "-U",
                settings.verify_user,
                "--all",
                "--install-missing",
            ],
            cwd=node.data_dir.parent,
            timeout=settings.verify_timeout,
            what="pg_amcheck",
        )
    except DbToolError as exc:
        return VerifyCheck(name="amcheck", ok=False, detail=str(exc))
    return VerifyCheck(name="amcheck", ok=True, detail="pg_amcheck --all found no corruption")


def verify_pairs(
    inventory: Inventory,
    settings: Settings,
    endpoints: dict[str, DeviceEndpoints] | None = None,
    *,
    store: Store | None = None,
    pairs: Sequence[str] | None = None,
    tool: str | None = None,
) -> list[DbBackupVerification]:
    """Verify the newest backup of every source of the chosen pairs; record results and events.

    The store keeps the latest verification per source (kind ``db_verify``, device = pair).
    """
    chosen = [p for p in database_pairs(inventory) if not pairs or p.name in pairs]
    unknown = set(pairs or ()) - {p.name for p in chosen}
    if unknown:
        raise NetopsError(
            f"no database HA pair named {', '.join(sorted(unknown))} in the inventory"
        )
    results: list[DbBackupVerification] = []
    for pair in chosen:
        sources = [s for s in backup_sources(pair, endpoints) if tool is None or s.tool == tool]
        runs = [verify_source(pair.name, source, settings.dbha) for source in sources]
        results += runs
        if store is None or not runs:
            continue
        kept = {
            (r.tool, r.location): r
            for stored in store.records("db_verify", pair.name)
            for r in (cast(DbBackupVerification, x) for x in stored.records)
        }
        kept.update({(r.tool, r.location): r for r in runs})
        store.replace_records(
            pair.name, "db_verify", list(kept.values()), datetime.now(UTC), "local"
        )
        store.add_events(
            Event(
                time=r.finished_at,
                kind="db.backup_verify",
                device=pair.name,
                severity="info" if r.ok else "major",
                summary=f"{pair.name}: restore test of {r.tool} {r.label} "
                + ("passed" if r.ok else f"FAILED: {r.error}"),
                details={
                    "label": r.label,
                    "location": r.location,
                    "duration_seconds": r.duration_seconds,
                },
            )
            for r in runs
        )
    return results
