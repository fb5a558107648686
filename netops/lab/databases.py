"""The lab's database servers backed by REAL PostgreSQL pairs (when PostgreSQL is installed).

For each database HA pair of the inventory (the first ``max_pairs``; the reference network
has one) the lab runs a :class:`~netops.lab.postgres.PgPair` on 127.0.0.1 high ports: the
first member is the primary, the second a streaming standby, with a pgBackRest stanza
named after the pair, a first automatic backup (pgBackRest full) and a manual dump
(``pg_dump -Fc`` + ``SHA256SUMS``). The endpoints file gets each node's ``postgres``
entry and the pair's ``backups`` sources, so ``netops db status`` reads the real thing.

Faults act on the real servers (every call here blocks: the runtime runs them in a
thread): ``db-standby-down`` stops the standby (clear: starts it, it streams again);
``db-split-brain`` promotes the standby while the primary stays up (clear: the pair is torn
down and built again on the same ports: a real one would need ``pg_rewind``);
``db-stale-backup`` moves every automatic pgBackRest backup a day past the pair's policy
(clear: moves them back); ``db-replication-lag`` pauses replay on the standby and writes
on the primary (clear: resumes replay).

Where: a folder from :func:`tempfile.mkdtemp` (the ``postgres`` account must reach it when
running as root), written down by the runtime so that ``netops lab down`` can remove any
server left behind even when the lab process itself died (:func:`kill_leftovers`).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netops.errors import DbToolError, LabError
from netops.inventory import HaKind, HaPair
from netops.lab.state import Lab

if TYPE_CHECKING:
    from netops.lab.postgres import PgPair

#: Fault kinds acting on a real pair (see the module docstring).
DB_FAULTS = ("db-split-brain", "db-standby-down", "db-stale-backup", "db-replication-lag")
LAG_ROWS = 50_000


def unavailable() -> str | None:
    """Why real pairs cannot run here (None when they can)."""
    from netops.dbha import pgserver

    try:
        pgserver.bin_dir()
        pgserver.account()
    except DbToolError as exc:
        return str(exc)
    if shutil.which("pgbackrest") is None:
        return "pgbackrest not found (install pgbackrest)"
    return None


def database_pairs(lab: Lab) -> list[HaPair]:
    """The inventory's PostgreSQL pairs whose members are all in the lab."""
    return [
        p
        for p in lab.inventory.ha_pairs
        if p.kind is HaKind.DATABASE
        and (p.engine or "postgresql") == "postgresql"
        and all(m in lab.devices for m in p.members)
    ]


def pair_of(lab: Lab, device: str) -> HaPair:
    """The database pair ``device`` belongs to."""
    for pair in database_pairs(lab):
        if device in pair.members:
            return pair
    raise LabError(f"{device} is not a member of a database HA pair")


class LabDatabases:
    """Real PostgreSQL pairs behind the lab's database servers."""

    def __init__(self, lab: Lab, base_dir: Path, max_pairs: int = 1) -> None:
        from netops.dbha import pgserver
        from netops.lab.postgres import PgPair

        self.lab = lab
        self.base_dir = pgserver.make_dir(base_dir, 0o755)  # the postgres account enters it
        self.pairs: dict[str, PgPair] = {
            p.name: PgPair(base_dir / p.name, names=p.members, stanza=p.name)
            for p in database_pairs(lab)[: max(0, max_pairs)]
        }
        self.aged: dict[str, tuple[list[str], float]] = {}  # pair -> (labels, hours)
        self.lock = threading.Lock()

    # -- lifecycle -----------------------------------------------------------------------------
    def start(self) -> None:
        """Start every pair with its first backups (pairs in parallel)."""
        with ThreadPoolExecutor(max_workers=max(1, len(self.pairs))) as pool:
            for future in [pool.submit(self._start_pair, pg) for pg in self.pairs.values()]:
                future.result()

    def _start_pair(self, pg: PgPair) -> None:
        """Primary; then the standby and the first automatic backup at once; a manual dump."""
        pg.start_primary()
        with ThreadPoolExecutor(max_workers=2) as pool:
            standby = pool.submit(pg.start_standby)
            backup = pool.submit(pg.backup, "full", "automatic")
            standby.result()
            backup.result()
        pg.dump(trigger="manual")

    def teardown(self) -> None:
        """Stop every server and remove the folder; nothing is left running."""
        for pg in self.pairs.values():
            with contextlib.suppress(Exception):
                pg.teardown()
        kill_leftovers(self.base_dir)

    # -- what netops needs -------------------------------------------------------------------------
    def endpoints(self) -> dict[str, dict[str, Any]]:
        """``postgres`` entries of the nodes and ``backups`` entries of the pairs."""
        out: dict[str, dict[str, Any]] = {}
        for pg in self.pairs.values():
            out.update(pg.endpoints())
        return out

    def status(self) -> dict[str, Any]:
        """Per pair: folder and, per node, port and whether its server runs (no SQL)."""
        return {
            name: {
                "dir": str(pg.base_dir),
                "nodes": {  # a copy: a rebuild in the database thread may be refilling it
                    n: {"port": node.port, "running": node.running}
                    for n, node in list(pg.nodes.items())
                },
            }
            for name, pg in self.pairs.items()
        }

    # -- faults --------------------------------------------------------------------------------------
    def apply(self, kind: str, pair_name: str, on: bool) -> str:
        """Make (``on``) or clear a database fault on the real pair; a one-line detail."""
        pg = self.pairs.get(pair_name)
        if pg is None:
            raise LabError(f"no real database pair {pair_name!r} runs in this lab")
        primary, standby = pg.names
        with self.lock:
            if kind == "db-standby-down":
                if on:
                    pg.stop(standby)
                    return f"PostgreSQL on {standby} stopped (port {pg.node(standby).port})"
                pg.start_node(standby)
                pg.wait_caught_up()
                return f"{standby} streams again"
            if kind == "db-split-brain":
                if on:
                    pg.promote(standby)
                    return f"{standby} promoted while {primary} is still primary: two primaries"
                self.aged.pop(pair_name, None)
                pg.rebuild()
                self._start_backups(pg)
                return f"pair rebuilt: {primary} primary, {standby} streaming"
            if kind == "db-stale-backup":
                return self._stale(pair_name, pg, on)
            if kind == "db-replication-lag":
                if on:
                    pg.pause_replay(standby)
                    pg.load(primary, rows=LAG_ROWS)
                    return f"replay paused on {standby}, {LAG_ROWS} rows written on {primary}"
                pg.resume_replay(standby)
                return f"{standby} replays again"
        raise LabError(f"{kind} is not a database fault")

    def _start_backups(self, pg: PgPair) -> None:
        pg.backup("full", trigger="automatic")
        pg.dump(trigger="manual")

    def _stale(self, pair_name: str, pg: PgPair, on: bool) -> str:
        if not on:
            labels, hours = self.aged.pop(pair_name, ([], 0.0))
            for label in labels:
                with contextlib.suppress(LabError):  # gone with a rebuild: nothing to undo
                    pg.age_backup(label, -hours)
            return f"{len(labels)} backup(s) back to their real times"
        hours = self._stale_hours(pair_name)
        info = json.loads(pg._pgbackrest("--output=json", "info"))
        labels = [
            str(b["label"])
            for stanza in info
            for b in stanza.get("backup") or []
            if (b.get("annotation") or {}).get("trigger", "automatic") != "manual"
        ]
        if not labels:
            raise LabError(f"pair {pair_name} has no automatic backup to make old")
        for label in labels:
            pg.age_backup(label, hours)
        self.aged[pair_name] = (labels, hours)
        return f"automatic backups {', '.join(labels)} now look {hours:g} h older"

    def _stale_hours(self, pair_name: str) -> float:
        """A day past the policy's automatic.max_age_hours (26 h when no policy says)."""
        from netops.dbha.checks import policy_for

        pair = next(p for p in self.lab.inventory.ha_pairs if p.name == pair_name)
        policy = policy_for(self.lab.inventory, pair)
        limit = policy.automatic.max_age_hours if policy and policy.automatic else 26.0
        return float(limit) + 24.0


def kill_leftovers(base_dir: Path) -> list[int]:
    """SIGKILL every postmaster whose data folder is under ``base_dir``; remove the folder."""
    killed: list[int] = []
    for pidfile in base_dir.glob("*/*/data/postmaster.pid"):
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0])
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if b"postgres" not in cmdline:
            continue  # a recycled pid: not ours
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
            killed.append(pid)
    deadline = time.monotonic() + 10
    while killed and time.monotonic() < deadline and any(_alive(p) for p in killed):
        time.sleep(0.02)
    shutil.rmtree(base_dir, ignore_errors=True)
    return killed


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"
