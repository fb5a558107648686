"""Waivers, a crashing check, snapshot files and the store as a source."""

from __future__ import annotations

import json
from dataclasses import replace as dc_replace
from datetime import timedelta
from pathlib import Path

import pytest

from netops.compliance import Snapshot, run_checks
from netops.compliance.checks import CHECKS
from netops.errors import SnapshotError
from netops.inventory import Inventory, Waiver
from netops.store import Store
from tests.compliance.helpers import edit_config, one
from tests.compliance.synthetic import NOW


def _waive(reference: Inventory, *waivers: Waiver) -> Inventory:
    return dc_replace(reference, waivers=waivers)


def waiver(check_id: str, target: str, expires: object) -> Waiver:
    return Waiver.model_validate(
        {
            "check_id": check_id,
            "target": target,
            "reason": "firmware upgrades need FTP",
            "owner": "王工",
            "expires": expires,
        }
    )


def test_live_waiver_waives_expired_fails_again_unused_listed(
    reference: Inventory, clean: Snapshot
) -> None:
    edit_config(
        clean, "acc-jiefang-01", lambda t: t.replace("undo ftp server enable", "ftp server enable")
    )
    edit_config(
        clean, "acc-jiefang-04", lambda t: t.replace("undo ftp server enable", "ftp server enable")
    )
    inv = _waive(
        reference,
        waiver("MG-12", "acc-jiefang-01", (NOW + timedelta(days=10)).date().isoformat()),
        waiver("MG-12", "acc-jiefang-04", (NOW - timedelta(days=1)).isoformat()),
        waiver("MG-12", "core-1", "2027-01-01"),
    )
    result = run_checks(inv, clean, now=NOW, only=["MG-12"])
    live, expired = one(result.findings, "acc-jiefang-01"), one(result.findings, "acc-jiefang-04")
    assert live.verdict == "WAIVED" and live.waiver is not None and live.waiver.owner == "王工"
    assert expired.verdict == "FAIL" and expired.waiver is not None and "expired" in expired.summary
    assert [w.target for w in result.unused_waivers] == ["core-1"]
    assert result.failing("warning") == [expired]


def test_date_waiver_holds_through_that_day() -> None:
    w = waiver("MG-12", "x", "2026-11-22")
    assert w.expires.isoformat() == "2026-11-23T00:00:00+00:00"


def test_a_crashing_check_is_reported_and_the_others_run(
    reference: Inventory, clean: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(ctx):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    monkeypatch.setitem(CHECKS, "MG-12", broken)
    result = run_checks(reference, clean, now=NOW, only=["MG-12", "MG-01"])
    assert len(result.errors) == 1 and "MG-12: ValueError: boom" in result.errors[0]
    assert any(f.check_id == "MG-01" and f.verdict == "PASS" for f in result.findings)
    assert any(f.check_id == "MG-12" and f.verdict == "NEEDS_EVIDENCE" for f in result.findings)


def test_unknown_check_id_is_refused(reference: Inventory, clean: Snapshot) -> None:
    with pytest.raises(KeyError, match="XX-01"):
        run_checks(reference, clean, only=["XX-01"])


def test_snapshot_file_round_trip_gives_the_same_verdicts(
    reference: Inventory, clean: Snapshot, tmp_path: Path
) -> None:
    path = tmp_path / "snap.json"
    clean.save(path)
    again = Snapshot.load(path)
    a = run_checks(reference, clean, now=NOW).findings
    b = run_checks(reference, again, now=NOW).findings
    assert sorted((f.check_id, f.target, f.verdict) for f in a) == sorted(
        (f.check_id, f.target, f.verdict) for f in b
    )


def test_bad_snapshot_files_say_what_is_wrong(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(SnapshotError, match=r"bad.json:1: not valid JSON"):
        Snapshot.load(bad)
    bad.write_text(json.dumps({"format": "other"}), encoding="utf-8")
    with pytest.raises(SnapshotError, match="not a netops snapshot"):
        Snapshot.load(bad)
    bad.write_text(
        json.dumps(
            {
                "format": "netops-snapshot/1",
                "taken_at": "2026-11-22T08:00:00+00:00",
                "records": [
                    {
                        "device": "x",
                        "kind": "nope",
                        "source": "s",
                        "collected_at": "2026-11-22T08:00:00+00:00",
                        "records": [],
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(SnapshotError, match="unknown record kind 'nope'"):
        Snapshot.load(bad)


def test_snapshot_from_store(reference: Inventory, clean: Snapshot, tmp_path: Path) -> None:
    mine = ("in-", "core-", "edge-", "dc-")  # a part of the network keeps the test fast
    clean = Snapshot(
        sets=[s for s in clean.sets if s.device.startswith(mine)],
        poll_results=[p for p in clean.poll_results if p.device.startswith(mine)],
        taken_at=clean.taken_at,
    )
    store = Store(f"sqlite:///{tmp_path / 'n.db'}")
    try:
        store.save_many(
            (rs.device, rs.kind, rs.records, rs.collected_at, rs.source) for rs in clean.sets
        )
        store.save_poll_results(clean.poll_results)
        loaded = Snapshot.from_store(store)
    finally:
        store.close()
    assert len(loaded.sets) == len(clean.sets)
    a = run_checks(reference, clean, now=NOW).verdicts()
    b = run_checks(reference, loaded, now=NOW).verdicts()
    assert a == b


def test_an_unreadable_configuration_costs_only_its_device(
    reference: Inventory, clean: Snapshot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netops.compliance import config

    real = config.PARSERS["huawei_vrp"]

    def fragile(tree):  # type: ignore[no-untyped-def]
        if any(line.text == "sysname core-2" for line in tree.top):
            raise IndexError("list index out of range")
        return real(tree)

    monkeypatch.setitem(config.PARSERS, "huawei_vrp", fragile)
    config.parse_config.cache_clear()
    try:
        result = run_checks(reference, clean, now=NOW, only=["MG-01"])
    finally:
        config.parse_config.cache_clear()
    assert result.errors == []
    broken = one(result.findings, "core-2")
    assert broken.verdict == "NEEDS_EVIDENCE" and "could not be read (IndexError" in broken.summary
    assert one(result.findings, "core-1").verdict == "PASS"
