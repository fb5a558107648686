"""SQL connections to database nodes (PostgreSQL via psycopg 3; other engines add a driver here).

A transport only connects and runs queries; what the rows mean is the engine's business
(:mod:`netops.dbha.engines`). Every failure becomes a :class:`TransportError` whose
``reason`` is one of the poll failure reasons (timeout, auth, refused, unreachable, error),
and whose message never carries the password.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import psycopg
from psycopg.rows import dict_row

from netops.errors import TransportError


@dataclass(frozen=True)
class SqlTarget:
    """How to reach one database node (secrets hidden from repr)."""

    device: str
    engine: str
    host: str
    port: int
    user: str
    dbname: str
    password: str | None = field(default=None, repr=False)


def _reason(exc: psycopg.Error) -> str:
    text = str(exc).lower()
    if isinstance(exc, psycopg.errors.QueryCanceled) or "timeout" in text:
        return "timeout"
    if "password authentication failed" in text or "no pg_hba.conf entry" in text:
        return "auth"
    if isinstance(exc, psycopg.errors.InsufficientPrivilege):
        return "auth"
    if "connection refused" in text or "no such file or directory" in text:
        return "refused"
    if "could not translate host name" in text or "no route to host" in text:
        return "unreachable"
    if "the database system is starting up" in text or "shutting down" in text:
        return "refused"
    return "error"


def _one_line(exc: BaseException, target: SqlTarget) -> str:
    first = " ".join(str(exc).split())
    if target.password:
        first = first.replace(target.password, "***")
    return f"{target.device} ({target.host}:{target.port}): {first}"


@contextmanager
def connect(target: SqlTarget, timeout: float) -> Iterator[psycopg.Connection[dict[str, Any]]]:
    """A read-only autocommit connection with connect and statement timeouts."""
    if target.engine != "postgresql":
        raise TransportError(
            "error", f"{target.device}: no SQL driver for engine {target.engine!r}"
        )
    try:
        conn = psycopg.connect(
            host=target.host,
            port=target.port,
            user=target.user,
            dbname=target.dbname,
            password=target.password,
            connect_timeout=max(1, round(timeout)),
            application_name="netops",
            options=f"-c statement_timeout={int(timeout * 1000)} -c default_transaction_read_only=on",
            autocommit=True,
            row_factory=dict_row,
        )
    except psycopg.Error as exc:
        raise TransportError(_reason(exc), _one_line(exc, target)) from None
    try:
        yield conn
    finally:
        conn.close()


def query(
    conn: psycopg.Connection[dict[str, Any]], target: SqlTarget, sql: str
) -> list[dict[str, Any]]:
    """Rows of ``sql`` as dicts; a failure is a :class:`TransportError`."""
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall()) if cur.description else []
    except psycopg.Error as exc:
        raise TransportError(_reason(exc), _one_line(exc, target)) from None
