"""The scheduler's entry point and the report the API renders from the history."""

from __future__ import annotations

from netops.compliance import Snapshot, service
from netops.inventory import Inventory
from netops.settings import load_settings
from netops.store import Store
from netops.store.findings import FindingHistory
from tests.compliance.helpers import edit_config


def test_check_and_record_then_report_from_history(reference: Inventory, clean: Snapshot) -> None:
    edit_config(
        clean, "acc-jiefang-01", lambda t: t.replace("undo ftp server enable", "ftp server enable")
    )
    settings = load_settings()
    store = Store.from_settings(settings)
    try:
        keep = ("in-", "core-", "acc-jiefang-01")
        store.save_many(
            (rs.device, rs.kind, rs.records, rs.collected_at, rs.source)
            for rs in clean.sets
            if rs.device.startswith(keep)
        )
        result = service.check_and_record(settings, reference, store)
        history = FindingHistory(store)
        run = history.latest_run()
        assert run is not None and run.finished_at == result.finished_at
        open_findings = history.open_findings()
        assert [t.finding.target for t in open_findings if t.finding.verdict == "FAIL"] == [
            "acc-jiefang-01"
        ]
        html = service.render_stored(reference, run, open_findings)
    finally:
        store.close()
    assert "ftp server enable" in html and 'id="count-FAIL">1<' in html
    passes = sum(n for _c, _s, v, n in run.counts if v == "PASS")
    assert f'id="count-PASS">{passes}<' in html and passes > 0
