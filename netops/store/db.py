"""The state database: SQLAlchemy engine and the tables' shared metadata.

SQLite in the state folder by default, PostgreSQL when ``database_url`` says so. Each
concern owns its tables in its own module under ``netops.store``; all share
:class:`Base` so one ``create_all`` makes them.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import DateTime, Dialect, Engine, create_engine, event, inspect, text
from sqlalchemy.exc import OperationalError, ProgrammingError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.schema import CreateColumn
from sqlalchemy.types import TypeDecorator

from netops.errors import StoreSchemaError

log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    pass


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on every backend (SQLite forgets the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def make_engine(url: str) -> Engine:
    """An engine for ``url``; SQLite gets WAL mode and its folder created."""
    if url.startswith("sqlite:///") and not url.startswith("sqlite:///:memory:"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, future=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.close()

    return engine


def create_tables(engine: Engine) -> None:
    """Create every table of every module of ``netops.store`` that does not exist yet, and
    add the nullable columns a newer netops has to tables an older one made.

    Safe when several processes open a fresh database at once (a lost race to create a
    table or add a column is retried, not an error).
    """
    import importlib
    import pkgutil

    import netops.store as package

    for module in pkgutil.iter_modules(package.__path__):
        importlib.import_module(f"{package.__name__}.{module.name}")
    for attempt in range(5):
        try:
            Base.metadata.create_all(engine)
            _add_missing_columns(engine)
            return
        except (OperationalError, ProgrammingError) as exc:
            raced = "already exists" in str(exc) or "duplicate column" in str(exc)
            if not raced or attempt == 4:
                raise
            time.sleep(0.05 * (attempt + 1))


def _add_missing_columns(engine: Engine) -> None:
    """ALTER TABLE ... ADD COLUMN for each nullable column of the models that the database's
    table lacks (DDL compiled by SQLAlchemy for the engine's dialect). A missing NOT NULL
    column without a default cannot be added to rows that exist: a clear error instead."""
    inspector = inspect(engine)
    present = set(inspector.get_table_names())
    for table in Base.metadata.sorted_tables:
        if table.name not in present:
            continue
        have = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in have:
                continue
            if not column.nullable and column.server_default is None:
                raise StoreSchemaError(
                    f"the state database {engine.url.render_as_string(hide_password=True)} "
                    f"was made by an older netops: table {table.name} lacks the required "
                    f"column {column.name}; move the database aside (or point "
                    "NETOPS_DATABASE_URL elsewhere) and let netops create a new one"
                )
            name = engine.dialect.identifier_preparer.format_table(table)
            ddl = CreateColumn(column).compile(dialect=engine.dialect)
            with engine.begin() as connection:
                connection.execute(text(f"ALTER TABLE {name} ADD COLUMN {ddl}"))
            log.warning("state database: added column %s.%s", table.name, column.name)


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False, future=True)
