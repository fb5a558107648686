"""netops check / report / snapshot from the command line, on saved snapshots."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netops.cli.main import app
from netops.compliance import Snapshot
from netops.inventory import Inventory
from netops.models import ArpEntry
from tests.compliance.helpers import edit_config
from tests.compliance.synthetic import build_snapshot

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args), catch_exceptions=False)
    return result.exit_code, result.stdout


@pytest.fixture
def snap_file(clean: Snapshot, tmp_path: Path) -> Path:
    path = tmp_path / "snap.json"
    clean.save(path)
    return path


def test_check_clean_snapshot_exits_zero_with_json(snap_file: Path) -> None:
    code, out = invoke(
        "check", "--json", "--snapshot", str(snap_file), "-i", str(ROOT / "inventory/district")
    )
    data = json.loads(out)
    assert code == 0, out[-2000:]
    assert data["summary"].get("FAIL", 0) == 0 and data["protection_level"] == 3
    assert all(f["verdict"] != "PASS" for f in data["findings"])  # PASS only with --all
    assert data["checks"]["IS-01"]["PASS"] > 100


def test_check_fails_on_a_fault_and_respects_fail_on(clean: Snapshot, tmp_path: Path) -> None:
    edit_config(
        clean, "acc-jiefang-01", lambda t: t.replace("undo ftp server enable", "ftp server enable")
    )  # MG-12: warning
    path = tmp_path / "s.json"
    clean.save(path)
    inv = str(ROOT / "inventory/district")
    code, out = invoke("check", "--json", "--snapshot", str(path), "-i", inv)
    assert code == 1
    bad = [f for f in json.loads(out)["findings"] if f["verdict"] == "FAIL"]
    assert [(f["check_id"], f["severity"], f["devices"]) for f in bad] == [
        ("MG-12", "warning", ["acc-jiefang-01"])
    ]
    assert (
        bad[0]["evidence"][0]["text"] == "ftp server enable"
        and bad[0]["evidence"][0]["collected_at"]
    )
    assert (
        invoke(
            "check", "--snapshot", str(path), "-i", inv, "--only", "MG-12", "--fail-on", "major"
        )[0]
        == 0
    )
    assert (
        invoke(
            "check", "--snapshot", str(path), "-i", inv, "--only", "MG-12", "--fail-on", "warning"
        )[0]
        == 1
    )
    assert invoke("check", "--snapshot", str(path), "-i", inv, "--fail-on", "bogus")[0] == 2


def test_history_records_first_seen_and_resolution(clean: Snapshot, tmp_path: Path) -> None:
    from netops.settings import load_settings
    from netops.store import Store
    from netops.store.findings import FindingHistory

    inv = str(ROOT / "inventory/district")
    edit_config(clean, "core-1", lambda t: t.replace("undo ftp server enable", "ftp server enable"))
    bad = tmp_path / "bad.json"
    clean.save(bad)
    invoke("check", "--snapshot", str(bad), "-i", inv, "--record", "--only", "MG-12")
    invoke("check", "--snapshot", str(bad), "-i", inv, "--record", "--only", "MG-12")
    store = Store.from_settings(load_settings())
    try:
        history = FindingHistory(store)
        [tracked] = [t for t in history.open_findings() if t.finding.target == "core-1"]
        assert tracked.first_seen < tracked.last_seen and tracked.resolved_at is None
        edit_config(
            clean, "core-1", lambda t: t.replace("ftp server enable", "undo ftp server enable")
        )
        good = tmp_path / "good.json"
        clean.save(good)
        invoke("check", "--snapshot", str(good), "-i", inv, "--record", "--only", "MG-12")
        [episode] = history.history("MG-12", "core-1")
        assert episode.resolved_at is not None
        run = history.latest_run()
        assert (
            run is not None
            and ("MG-12", "info", "PASS", 1) not in run.counts
            and run.checks == ["MG-12"]
        )
    finally:
        store.close()


def _intranet_inventory(tmp_path: Path) -> Path:
    src = ROOT / "inventory/district"
    out = tmp_path / "intranet-inv"
    (out / "devices").mkdir(parents=True)
    shutil.copy(src / "network.yaml", out / "network.yaml")
    shutil.copy(src / "devices/intranet.yaml", out / "devices/intranet.yaml")
    (out / "zones.yaml").write_text(
        "zones:\n- name: intranet\n  kind: intranet\n  prefixes: [172.16.0.0/12]\n"
        "sites:\n- name: intranet\n  kind: intranet\n  zones: [intranet]\n",
        encoding="utf-8",
    )
    return out


def test_two_instances_identity_exchange(
    reference: Inventory, clean: Snapshot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ext = tmp_path / "ext.json"
    Snapshot(
        sets=[s for s in clean.sets if not s.device.startswith("in-")], taken_at=clean.taken_at
    ).save(ext)
    intranet = Snapshot(
        sets=[s for s in clean.sets if s.device.startswith("in-")], taken_at=clean.taken_at
    )
    from tests.compliance.synthetic import mac_of

    # a machine that moved from the extranet into the intranet: its MAC now in intranet ARP
    rs = intranet.get("arp", "in-acc-2")
    assert rs is not None
    intranet.add(
        "in-acc-2",
        "arp",
        [
            *rs.records,
            ArpEntry(device="in-acc-2", ip="172.16.16.77", mac=mac_of("dc-app-1", "mgmt")),
        ],
        rs.collected_at,
        rs.source,
    )
    intr = tmp_path / "intr.json"
    intranet.save(intr)
    keys = tmp_path / "ext-signer"
    assert invoke("snapshot", "keygen", "--out", str(keys))[0] == 0
    assert (keys.with_suffix(".key").stat().st_mode & 0o777) == 0o600
    monkeypatch.setenv("NETOPS_COMPLIANCE__SIGNING_KEY", str(keys.with_suffix(".key")))
    signed = tmp_path / "identities.json"
    code, _ = invoke(
        "snapshot",
        "export",
        "--out",
        str(signed),
        "--snapshot",
        str(ext),
        "-i",
        str(ROOT / "inventory/district"),
    )
    assert code == 0
    document = json.loads(signed.read_text())
    assert {s["kind"] for s in document["payload"]["sightings"]} == {
        "chassis_id",
        "serial",
        "mac",
        "address",
    }
    assert not any(s["device"].startswith("in-") for s in document["payload"]["sightings"])
    # the intranet instance trusts the extranet's public key only
    monkeypatch.delenv("NETOPS_COMPLIANCE__SIGNING_KEY")
    monkeypatch.setenv(
        "NETOPS_COMPLIANCE__TRUSTED_KEYS", json.dumps([str(keys.with_suffix(".pub"))])
    )
    inv = str(_intranet_inventory(tmp_path))
    code, out = invoke("check", "--json", "--only", "IS-02", "--snapshot", str(intr), "-i", inv)
    assert json.loads(out)["findings"][0]["verdict"] == "NEEDS_EVIDENCE"  # nothing imported yet
    from netops.errors import SignatureError

    tampered = tmp_path / "tampered.json"
    bad = json.loads(signed.read_text())
    bad["payload"]["sightings"] = bad["payload"]["sightings"][1:]
    tampered.write_text(json.dumps(bad))
    with pytest.raises(SignatureError, match="does not verify"):
        invoke("snapshot", "import", str(tampered), "-i", inv)
    assert invoke("snapshot", "import", str(signed), "-i", inv)[0] == 0
    code, out = invoke("check", "--json", "--only", "IS-02", "--snapshot", str(intr), "-i", inv)
    [finding] = json.loads(out)["findings"]
    assert (
        code == 1
        and finding["verdict"] == "FAIL"
        and set(finding["devices"]) == {"in-acc-2", "dc-app-1"}
    )
    assert any(e["source"].startswith("import:") for e in finding["evidence"])
    assert json.loads(invoke("snapshot", "imports", "--json")[1])[0]["network"] == "extranet"


def test_export_refuses_the_intranet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, snap_file: Path
) -> None:
    from netops.errors import SnapshotError

    keys = tmp_path / "k"
    invoke("snapshot", "keygen", "--out", str(keys))
    monkeypatch.setenv("NETOPS_COMPLIANCE__SIGNING_KEY", str(keys.with_suffix(".key")))
    with pytest.raises(SnapshotError, match="nothing is exported from the intranet"):
        invoke(
            "snapshot",
            "export",
            "--out",
            str(tmp_path / "x.json"),
            "--network",
            "intranet",
            "--snapshot",
            str(snap_file),
            "-i",
            str(ROOT / "inventory/district"),
        )


def test_report_writes_html(snap_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    code, _ = invoke(
        "report",
        "--html",
        str(out),
        "--snapshot",
        str(snap_file),
        "-i",
        str(ROOT / "inventory/district"),
    )
    assert code == 0 and "IS-01" in out.read_text(encoding="utf-8")


def test_snapshot_save_from_store(reference: Inventory, tmp_path: Path) -> None:
    from netops.settings import load_settings
    from netops.store import Store

    snap = build_snapshot(reference)
    store = Store.from_settings(load_settings())
    try:
        store.save_many(
            (rs.device, rs.kind, rs.records, rs.collected_at, rs.source)
            for rs in snap.sets
            if rs.device.startswith("in-")
        )
    finally:
        store.close()
    out = tmp_path / "saved.json"
    assert invoke("snapshot", "save", "--out", str(out))[0] == 0
    assert Snapshot.load(out).devices() == {"in-core-1", "in-acc-1", "in-acc-2", "in-acc-3"}
