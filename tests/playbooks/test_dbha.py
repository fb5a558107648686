"""db-failover-readiness against a real PostgreSQL pair (primary + streaming standby)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from netops.endpoints import DeviceEndpoints
from netops.inventory import Inventory
from netops.lab.postgres import PgPair
from netops.playbooks import PlaybookService
from netops.settings import load_settings
from netops.store import Store
from tests.conftest import REFERENCE, ROOT
from tests.dbha.conftest import require_postgres
from tests.playbooks.conftest import SHIPPED


@pytest.fixture(scope="module")
def pair() -> Iterator[PgPair]:
    require_postgres()
    base = Path(tempfile.mkdtemp(prefix="netops-pg-playbook-"))
    pg = PgPair(base, pgbackrest=False)
    try:
        pg.start()
        yield pg
    finally:
        pg.teardown()
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def service(pair: PgPair, tmp_path: Path, reference: Inventory) -> Iterator[PlaybookService]:
    settings = load_settings(
        inventory=REFERENCE,
        state_dir=tmp_path / "state",
        playbooks_dir=SHIPPED,
        collectors_dir=ROOT / "collectors",
    )
    endpoints = {k: DeviceEndpoints.model_validate(v) for k, v in pair.endpoints().items()}
    store = Store.from_settings(settings)
    yield PlaybookService(settings, reference, store, endpoints=endpoints)
    store.close()


def test_a_streaming_standby_is_ready_and_a_stopped_one_is_not(
    service: PlaybookService, pair: PgPair
) -> None:
    ready = service.run(service.prepare("db-failover-readiness", targets=["pair:dc-db"], actor="t"))
    by_device = {r.device: r for r in ready.results}
    assert ready.status == "ok", ready.results
    assert by_device["dc-db-2"].steps[0].summary.startswith("standby: ready to take over")
    assert "dc-db-2 is ready" in by_device["dc-db-1"].steps[0].summary
    assert by_device["dc-db-2"].steps[0].data["verdicts"]["DB-HA-02"] == "PASS"
    assert service.store.records("db_node", "dc-db-2")  # the collection was recorded
    strict = service.run(
        service.prepare(
            "db-failover-readiness",
            targets=["dc-db-2"],
            params={"require_backup": "true"},
            actor="t",
        )
    )
    assert strict.status == "failed" and "DB-BK-01 FAIL" in (strict.results[0].error or "")
    pair.stop("dc-db-2")
    try:
        down = service.run(
            service.prepare("db-failover-readiness", targets=["pair:dc-db"], actor="t")
        )
    finally:
        pair.start_node("dc-db-2")
    assert down.status == "failed"
    standby = next(r for r in down.results if r.device == "dc-db-2")
    assert standby.status == "failed" and "NOT ready" in (standby.error or "")
    assert "DB-HA-02 FAIL" in (standby.error or "")
