"""A REAL PostgreSQL hot-standby pair on loopback, with pgBackRest and dump backups, for tests and the lab.

Everything lives in a folder the caller chooses (it must be reachable by the ``postgres``
account when running as root: make it with ``tempfile.mkdtemp()``), on free ports::

    pair = PgPair(Path(tempfile.mkdtemp(prefix="netops-pg-")))
    pair.start()                      # primary dc-db-1 + streaming standby dc-db-2 (~4 s)
    pair.endpoints()                  # entries to merge into the endpoints file
    pair.pause_replay("dc-db-2"); pair.load("dc-db-1", rows=50_000)   # lag
    pair.stop("dc-db-2")              # standby down; pair.start_node("dc-db-2") brings it back
    pair.promote("dc-db-2")           # split brain: two primaries
    label = pair.backup("full", trigger="manual")    # real pgBackRest backup (~3 s)
    pair.age_backup(label, hours=48)  # it now looks two days old to `pgbackrest info`
    dump = pair.dump(trigger="automatic"); pair.age_dump(dump, hours=30)
    pair.teardown()                   # stops every server; no process is left

Lab only: the replication and local superuser connections are ``trust`` on loopback; the
monitoring role (``netops``, member of ``pg_monitor``) logs in with a random password
that only the endpoints entries carry.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import psycopg
from psycopg import sql as pgsql

from netops.dbha import pgserver
from netops.dbha.pgserver import Instance
from netops.errors import DbToolError, LabError

MONITOR_USER = "netops"

_HBA = """\
# netops lab: local superuser and replication on loopback are trusted; everyone else uses a password
local   all          all                      trust
local   replication  all                      trust
host    replication  postgres  127.0.0.1/32   trust
host    all          all       127.0.0.1/32   scram-sha-256
"""


class PgPair:
    """A primary and a streaming standby (made with ``pg_basebackup``), plus a pgBackRest stanza."""

    def __init__(
        self,
        base_dir: Path,
        names: tuple[str, str] = ("dc-db-1", "dc-db-2"),
        stanza: str = "dc-db",
        *,
        pgbackrest: bool = True,
        bin_dir: Path | None = None,
    ) -> None:
        self.base_dir = base_dir.resolve()
        self.names = names
        self.stanza = stanza
        self.with_pgbackrest = pgbackrest
        self.bin_dir = pgserver.bin_dir(bin_dir)
        self.monitor_password = secrets.token_urlsafe(18)
        self.nodes: dict[str, Instance] = {}
        self.pgbackrest_config = self.base_dir / "pgbackrest" / "pgbackrest.conf"
        self.dump_dir = self.base_dir / "dumps"
        self._primary = names[0]
        self._active = False
        self._ports: dict[str, int] = {}  # kept across rebuild(): the endpoints stay valid

    # -- lifecycle ---------------------------------------------------------------------------
    def _instance(self, name: str) -> Instance:
        node_dir = self.base_dir / name
        return Instance(
            name=name,
            data_dir=node_dir / "data",
            port=self._ports.setdefault(name, pgserver.free_port()),
            socket_dir=node_dir / "sock",
            log_file=node_dir / "postgres.log",
            bin_dir=self.bin_dir,
        )

    def start(self) -> PgPair:
        """Primary, then the standby streaming from it; pgBackRest stanza when enabled."""
        self.start_primary()
        self.start_standby()
        return self

    def start_primary(self) -> Instance:
        if not self.base_dir.exists():
            self.base_dir.mkdir(parents=True)
        pgserver.make_dir(self.base_dir, 0o755)
        pgserver.check_reachable(self.base_dir)
        self._active = True
        name = self.names[0]
        node = self._instance(name)
        pgserver.make_dir(node.data_dir.parent, 0o755)
        node.initdb()
        (node.data_dir / "pg_hba.conf").write_text(_HBA)
        settings = [
            "wal_level = replica",
            "max_wal_senders = 8",
            "max_replication_slots = 8",
            "wal_keep_size = '64MB'",
            "hot_standby = on",
            "wal_receiver_status_interval = '1s'",
            "shared_buffers = '32MB'",
            "max_connections = 40",
            "fsync = off",  # lab speed; durability is not what the lab shows
            "log_min_messages = warning",
        ]
        if self.with_pgbackrest:
            self._write_pgbackrest_config(node)
            settings += [
                "archive_mode = on",
                f"archive_command = 'pgbackrest --config={self.pgbackrest_config} --stanza={self.stanza} archive-push %p'",
            ]
        node.append_config(settings)
        node.start()
        self.nodes[name] = node
        self.sql(name, f"CREATE ROLE {MONITOR_USER} LOGIN IN ROLE pg_monitor")
        self.sql(
            name,
            pgsql.SQL("ALTER ROLE {} PASSWORD {}").format(
                pgsql.Identifier(MONITOR_USER), pgsql.Literal(self.monitor_password)
            ),
        )
        self.sql(name, "CREATE TABLE lab_load (id bigserial PRIMARY KEY, payload text)")
        if self.with_pgbackrest:
            self._pgbackrest("stanza-create")
        return node

    def start_standby(self) -> Instance:
        """Clone the primary with ``pg_basebackup -R -X stream -C -S <slot>`` and start it."""
        primary = self.nodes[self.names[0]]
        name = self.names[1]
        node = self._instance(name)
        pgserver.make_dir(node.data_dir.parent, 0o755)
        pgserver.make_dir(node.data_dir)
        slot = re.sub(r"[^a-z0-9_]", "_", name.lower())
        pgserver.run(
            [
                node.tool("pg_basebackup"),
                "-h",
                "127.0.0.1",
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-D",
                str(node.data_dir),
                "-R",
                "-X",
                "stream",
                "-C",
                "-S",
                slot,
                "-c",
                "fast",
                "--no-sync",
            ],
            cwd=node.data_dir.parent,
            what=f"pg_basebackup {name}",
        )
        with (node.data_dir / "postgresql.auto.conf").open("a") as f:
            f.write(
                f"primary_conninfo = 'host=127.0.0.1 port={primary.port} user=postgres application_name={name}'\n"
            )
        node.start()
        self.nodes[name] = node
        self.wait_caught_up()
        return node

    def teardown(self, remove: bool = False) -> None:
        """Stop every server (immediately); with ``remove``, delete the folder too."""
        for node in self.nodes.values():
            node.stop("immediate")
            node.kill()
        if remove:
            shutil.rmtree(self.base_dir, ignore_errors=True)
        self._active = False

    def rebuild(self) -> PgPair:
        """Tear the pair down, wipe it (data, repository, dumps) and start it again.

        The ports and the monitoring password stay, so endpoints entries remain valid: the
        only way out of a split brain in the lab (a real one needs a ``pg_rewind``).
        """
        self.teardown()
        for child in self.base_dir.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
        self.nodes.clear()
        return self.start()

    def __enter__(self) -> PgPair:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.teardown()

    # -- faults ----------------------------------------------------------------------------------
    def node(self, name: str) -> Instance:
        try:
            return self.nodes[name]
        except KeyError:
            raise LabError(
                f"no database node {name!r} in this pair ({', '.join(self.nodes)})"
            ) from None

    def stop(self, name: str, mode: Literal["fast", "immediate"] = "fast") -> None:
        self.node(name).stop(mode)

    def kill(self, name: str) -> None:
        """SIGKILL the node's postmaster (a crash)."""
        self.node(name).kill()

    def start_node(self, name: str) -> None:
        """Start a stopped node again (a standby resumes streaming)."""
        self.node(name).start()

    def promote(self, name: str) -> None:
        """``pg_ctl promote``: with the old primary still up this makes two primaries."""
        self.node(name).promote()

    def pause_replay(self, name: str) -> None:
        self.sql(name, "SELECT pg_wal_replay_pause()")

    def resume_replay(self, name: str) -> None:
        self.sql(name, "SELECT pg_wal_replay_resume()")

    def load(self, name: str | None = None, rows: int = 20_000) -> None:
        """Write ``rows`` rows on the primary (WAL the standby must replay)."""
        self.sql(
            name or self.names[0],
            "INSERT INTO lab_load (payload) SELECT md5(g::text) || repeat('x', 200) "
            "FROM generate_series(1, %s) g",
            (rows,),
        )

    def wait_caught_up(self, timeout: float = 20.0) -> None:
        """Commit on the primary and wait until the standby has replayed it."""
        primary, standby = self.names
        self.sql(primary, "INSERT INTO lab_load (payload) VALUES ('sync')")
        target = self.sql(primary, "SELECT pg_current_wal_lsn()::text")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            done = self.sql(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", (target,))[0][
                0
            ]
            if done:
                return
            time.sleep(0.05)
        raise LabError(f"standby {standby} did not catch up within {timeout:.0f}s")

    # -- SQL as the local superuser ------------------------------------------------------------
    def sql(
        self, name: str, statement: str | pgsql.Composed, params: tuple[Any, ...] | None = None
    ) -> list[tuple[Any, ...]]:
        """Run one statement on node ``name`` as the local superuser (over its socket)."""
        node = self.node(name)
        with psycopg.connect(**node.conninfo(), autocommit=True) as conn:  # type: ignore[arg-type]
            cur = conn.execute(statement, params)
            return list(cur.fetchall()) if cur.description else []

    # -- pgBackRest and dumps ------------------------------------------------------------------
    def _write_pgbackrest_config(self, primary: Instance) -> None:
        root = self.pgbackrest_config.parent
        for sub in ("", "repo", "log", "lock", "spool"):
            pgserver.make_dir(root / sub, 0o750)
        self.pgbackrest_config.write_text(
            "[global]\n"
            f"repo1-path={root / 'repo'}\n"
            "repo1-retention-full=10\n"
            f"log-path={root / 'log'}\n"
            f"lock-path={root / 'lock'}\n"
            f"spool-path={root / 'spool'}\n"
            "log-level-console=warn\n"
            "log-level-file=info\n"
            "start-fast=y\n"
            "compress-type=none\n"
            "process-max=2\n"
            "expire-auto=n\n"
            f"\n[{self.stanza}]\n"
            f"pg1-path={primary.data_dir}\n"
            f"pg1-port={primary.port}\n"
            f"pg1-socket-path={primary.socket_dir}\n"
        )
        os.chmod(self.pgbackrest_config, 0o644)

    def _pgbackrest(self, *args: str, timeout: float = 120.0) -> str:
        return pgserver.run(
            ["pgbackrest", f"--config={self.pgbackrest_config}", f"--stanza={self.stanza}", *args],
            cwd=self.base_dir,
            timeout=timeout,
            what=f"pgbackrest {args[-1]}",
        )

    def backup(
        self,
        backup_type: Literal["full", "diff", "incr"] = "full",
        trigger: Literal["automatic", "manual"] = "automatic",
    ) -> str:
        """Run a real pgBackRest backup annotated ``trigger=<trigger>``; its label."""
        if not self.with_pgbackrest:
            raise LabError("this pair was started without pgBackRest")
        self._pgbackrest(f"--type={backup_type}", f"--annotation=trigger={trigger}", "backup")
        info = json.loads(self._pgbackrest("--output=json", "info"))
        return str(info[0]["backup"][-1]["label"])

    def age_backup(self, label: str, hours: float) -> None:
        """Shift a backup's start/stop times ``hours`` into the past in ``backup.info``.

        pgBackRest checks that file's ``backrest-checksum`` (SHA-1 over its sections as
        JSON), so it is recomputed; ``pgbackrest info`` then reports the older times.
        """
        folder = self.pgbackrest_config.parent / "repo" / "backup" / self.stanza
        shift = round(hours * 3600)
        for file in (folder / "backup.info", folder / "backup.info.copy"):
            if file.exists():
                file.write_text(_shift_backup_info(file.read_text(), label, shift))

    def dump(
        self, trigger: Literal["automatic", "manual"] = "automatic", dbname: str = "postgres"
    ) -> Path:
        """``pg_dump -Fc`` of the primary into the dump folder, listed in its ``SHA256SUMS``."""
        primary = self.node(self.names[0])
        pgserver.make_dir(self.dump_dir, 0o755)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        target = self.dump_dir / f"{self.stanza}-{stamp}-{trigger}.dump"
        pgserver.run(
            [
                primary.tool("pg_dump"),
                "-Fc",
                "-h",
                str(primary.socket_dir),
                "-p",
                str(primary.port),
                "-U",
                "postgres",
                "-d",
                dbname,
                "-f",
                str(target),
            ],
            cwd=self.dump_dir,
            what="pg_dump",
        )
        digest = hashlib.sha256(target.read_bytes()).hexdigest()
        with (self.dump_dir / "SHA256SUMS").open("a", encoding="utf-8") as f:
            f.write(f"{digest}  {target.name}\n")
        return target

    def age_dump(self, path: Path, hours: float) -> None:
        """Make a dump file look ``hours`` older (its modification time)."""
        stat = path.stat()
        os.utime(path, (stat.st_atime - hours * 3600, stat.st_mtime - hours * 3600))

    # -- what netops needs to reach it -----------------------------------------------------------
    def endpoints(self) -> dict[str, dict[str, Any]]:
        """Entries for the endpoints file: ``postgres`` per node, ``backups`` for the pair.

        The pair's entry is keyed by the stanza, which is the HA pair's name in the lab.
        """
        out: dict[str, dict[str, Any]] = {
            name: {
                "postgres": {
                    "host": "127.0.0.1",
                    "port": node.port,
                    "user": MONITOR_USER,
                    "dbname": "postgres",
                    "password": self.monitor_password,
                }
            }
            for name, node in self.nodes.items()
        }
        sources: list[dict[str, Any]] = []
        if self.with_pgbackrest:
            sources.append(
                {"tool": "pgbackrest", "stanza": self.stanza, "config": str(self.pgbackrest_config)}
            )
        sources.append({"tool": "dump", "path": str(self.dump_dir)})
        out[self.stanza] = {"backups": sources}
        return out


def _shift_backup_info(text: str, label: str, shift_seconds: int) -> str:
    """``backup.info`` with ``label``'s timestamps moved back and the checksum recomputed."""
    out: list[str] = []
    section = ""
    found = False
    for line in text.splitlines():
        header = re.fullmatch(r"\[(.+)\]", line)
        if header:
            section = header.group(1)
        elif section == "backup:current" and line.startswith(label + "="):
            data = json.loads(line.split("=", 1)[1])
            for key in ("backup-timestamp-start", "backup-timestamp-stop"):
                data[key] = int(data[key]) - shift_seconds
            line = f"{label}={json.dumps(data, separators=(',', ':'))}"
            found = True
        out.append(line)
    if not found:
        raise LabError(f"backup {label!r} is not in backup.info")
    return _with_checksum("\n".join(out) + "\n")


def _with_checksum(text: str) -> str:
    """Recompute ``backrest-checksum``: SHA-1 of the sections rendered as one JSON object."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current: list[tuple[str, str]] = []
    for line in text.splitlines():
        header = re.fullmatch(r"\[(.+)\]", line)
        if header:
            current = sections.setdefault(header.group(1), [])
        elif "=" in line:
            key, value = line.split("=", 1)
            if key != "backrest-checksum":
                current.append((key, value))
    rendered = (
        "{"
        + ",".join(
            '"{}":{{{}}}'.format(name, ",".join(f'"{k}":{v}' for k, v in items))
            for name, items in sections.items()
            if items
        )
        + "}"
    )
    checksum = hashlib.sha1(rendered.encode()).hexdigest()
    return re.sub(r'backrest-checksum="[0-9a-f]+"', f'backrest-checksum="{checksum}"', text)


__all__ = ["MONITOR_USER", "DbToolError", "PgPair"]
