"""Database engines: how to ask one node its role and replication state.

The interface is :class:`ReplicationEngine`: ``collect(target, timeout) -> DbNodeStatus``,
never raising for a dead node (it returns ``reachable=False`` with the error). Every engine
maps its own view onto the same record, so verdicts, metrics and the CLI never branch
on the engine:

============ ============================ ==================================== =====================
engine       role                         primary's view of replicas           replica's own view
============ ============================ ==================================== =====================
postgresql   ``pg_is_in_recovery()``      ``pg_stat_replication``              ``pg_stat_wal_receiver``
mysql        ``@@read_only``, replica     ``SHOW REPLICAS``                    ``SHOW REPLICA STATUS``
             status present                                                    (``Seconds_Behind_Source``)
oracle       ``v$database.database_role`` ``v$archive_dest_status``            ``v$dataguard_stats``
                                                                               (apply/transport lag)
============ ============================ ==================================== =====================

Only PostgreSQL is implemented (it is what runs here for real); MySQL/MariaDB and Oracle
Data Guard add a class and a driver in :mod:`netops.transports.sql`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from netops.errors import TransportError
from netops.models import DbNodeStatus, ReplicationLink
from netops.transports.sql import SqlTarget, connect, query


class ReplicationEngine(Protocol):
    """Collects one database node's role and replication state."""

    name: str

    def collect(self, target: SqlTarget, timeout: float) -> DbNodeStatus: ...


_NODE = """
SELECT pg_is_in_recovery() AS in_recovery,
       current_setting('server_version') AS server_version,
       (SELECT system_identifier::text FROM pg_control_system()) AS system_identifier,
       now() AS now
"""
_PRIMARY = """
SELECT pg_current_wal_lsn()::text AS lsn, pg_walfile_name(pg_current_wal_lsn()) AS walfile
"""
_REPLICAS = """
SELECT application_name, host(client_addr) AS client_addr, state, sync_state,
       sent_lsn::text AS sent_lsn, replay_lsn::text AS replay_lsn,
       pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint AS lag_bytes,
       EXTRACT(EPOCH FROM replay_lag)::float8 AS replay_lag
FROM pg_stat_replication ORDER BY application_name, client_addr
"""
_STANDBY = """
SELECT pg_last_wal_receive_lsn()::text AS receive_lsn,
       pg_last_wal_replay_lsn()::text AS replay_lsn,
       pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn())::bigint AS lag_bytes,
       pg_last_xact_replay_timestamp() AS last_replay_at,
       pg_is_wal_replay_paused() AS paused,
       (SELECT timeline_id FROM pg_control_checkpoint()) AS checkpoint_timeline
"""
_RECEIVER = """
SELECT status, received_tli, sender_host, sender_port, slot_name FROM pg_stat_wal_receiver
"""


class PostgresEngine:
    """PostgreSQL streaming replication (10 and later)."""

    name = "postgresql"

    def collect(self, target: SqlTarget, timeout: float) -> DbNodeStatus:
        try:
            with connect(target, timeout) as conn:
                node = query(conn, target, _NODE)[0]
                if node["in_recovery"]:
                    standby = query(conn, target, _STANDBY)[0]
                    receiver = query(conn, target, _RECEIVER)
                    return standby_status(
                        target.device, node, standby, receiver[0] if receiver else None
                    )
                primary = query(conn, target, _PRIMARY)[0]
                replicas = query(conn, target, _REPLICAS)
                return primary_status(target.device, node, primary, replicas)
        except TransportError as exc:
            return DbNodeStatus(
                device=target.device,
                engine=self.name,
                reachable=False,
                role="unknown",
                error=f"{exc.reason}: {exc}",
            )


def primary_status(
    device: str, node: dict[str, Any], primary: dict[str, Any], replicas: list[dict[str, Any]]
) -> DbNodeStatus:
    """The record of a primary from its query rows."""
    walfile = primary.get("walfile") or ""
    return DbNodeStatus(
        device=device,
        engine="postgresql",
        reachable=True,
        role="primary",
        timeline=int(walfile[:8], 16) if len(walfile) >= 8 else None,
        server_version=node.get("server_version"),
        system_identifier=node.get("system_identifier"),
        wal_lsn=primary.get("lsn"),
        replication=tuple(
            ReplicationLink(
                device=device,
                peer=r.get("application_name") or r.get("client_addr") or "?",
                state=r.get("state") or "unknown",
                client_address=r.get("client_addr"),
                sync_state=r.get("sync_state"),
                sent_lsn=r.get("sent_lsn"),
                replay_lsn=r.get("replay_lsn"),
                lag_bytes=r.get("lag_bytes"),
                lag_seconds=r.get("replay_lag"),
            )
            for r in replicas
        ),
    )


def standby_status(
    device: str,
    node: dict[str, Any],
    standby: dict[str, Any],
    receiver: dict[str, Any] | None,
) -> DbNodeStatus:
    """The record of a standby from its query rows.

    Lag in seconds is zero when everything received is replayed, else the time since the
    last replayed commit (``now() - pg_last_xact_replay_timestamp()``).
    """
    lag_bytes = standby.get("lag_bytes")
    last_replay: datetime | None = standby.get("last_replay_at")
    now: datetime = node["now"]
    if lag_bytes == 0:
        lag_seconds: float | None = 0.0
    elif last_replay is not None:
        lag_seconds = max(0.0, (now - last_replay).total_seconds())
    else:
        lag_seconds = None
    upstream = None
    if receiver and receiver.get("sender_host"):
        upstream = f"{receiver['sender_host']}:{receiver.get('sender_port')}"
    return DbNodeStatus(
        device=device,
        engine="postgresql",
        reachable=True,
        role="standby",
        timeline=(receiver or {}).get("received_tli") or standby.get("checkpoint_timeline"),
        server_version=node.get("server_version"),
        system_identifier=node.get("system_identifier"),
        wal_lsn=standby.get("replay_lsn"),
        receiver_status=(receiver or {}).get("status") or "stopped",
        upstream=upstream,
        receive_lsn=standby.get("receive_lsn"),
        last_replay_at=last_replay,
        replay_paused=standby.get("paused"),
        lag_seconds=lag_seconds,
        lag_bytes=lag_bytes,
    )


ENGINES: dict[str, ReplicationEngine] = {"postgresql": PostgresEngine()}


def engine_for(name: str | None) -> ReplicationEngine:
    """The engine called ``name``; a :class:`TransportError` when netops has none yet."""
    engine = ENGINES.get(name or "")
    if engine is None:
        raise TransportError(
            "error", f"no collector for database engine {name!r} (have: {', '.join(ENGINES)})"
        )
    return engine
