"""A real PostgreSQL pair (netops.lab.postgres) for the dbha tests; required in CI."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from netops.dbha import pgserver
from netops.errors import DbToolError
from netops.lab.postgres import PgPair
from tests.conftest import require


def require_postgres() -> None:
    """Fail (CI) or skip (locally) unless PostgreSQL server binaries and pgBackRest exist."""
    try:
        initdb = str(pgserver.bin_dir() / "initdb")
    except DbToolError:
        initdb = "initdb"
    require(initdb, "pgbackrest")


@contextmanager
def running_pair(prefix: str, pgbackrest: bool = True) -> Iterator[PgPair]:
    """A started pair in a fresh temporary folder (``prefix``), torn down and removed after."""
    require_postgres()
    base = Path(tempfile.mkdtemp(prefix=prefix))
    pair = PgPair(base, pgbackrest=pgbackrest)
    try:
        pair.start()
        yield pair
    finally:
        pair.teardown()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_pair() -> Iterator[PgPair]:
    """Primary dc-db-1 + streaming standby dc-db-2 with pgBackRest, for one test module."""
    with running_pair("netops-pg-test-") as pair:
        yield pair
    left = [n.name for n in pair.nodes.values() if n.running or n.listening]
    assert not left, f"teardown left servers running: {left}"
