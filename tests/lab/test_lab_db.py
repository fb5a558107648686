"""The lab's database servers as a REAL PostgreSQL pair: healthy at start, faults act on it.

One lab of the reference network with ``--db on`` (PostgreSQL 15 primary + streaming
standby, pgBackRest stanza with a first full backup, a manual dump), read by the DB
engineer's real collection (``netops db status`` and ``collect_db_pairs``), and the service
address read over the lab's SSH (``ip -j addr show``). Required in CI.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from netops.dbha.collect import PairReport, collect_db_pairs
from netops.endpoints import load_endpoints
from netops.inventory import Inventory
from netops.lab import control
from netops.settings import Settings
from netops.transports.command import SshRunner
from netops.transports.targets import SshTarget
from tests.conftest import REFERENCE
from tests.dbha.conftest import require_postgres


def _postgres_processes(folder: str) -> list[int]:
    """PIDs of processes whose command line mentions ``folder`` (the lab's PostgreSQL servers)."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if folder in cmdline and "postgres" in cmdline:
            out.append(int(proc.name))
    return out


@pytest.fixture(scope="module")
def db_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    require_postgres()
    endpoints = tmp_path_factory.mktemp("dblab") / "endpoints.json"
    status = control.up(REFERENCE, endpoints, db="on")
    folder = status["database_pairs"]["dc-db"]["dir"]
    try:
        yield {"endpoints": endpoints, "status": status, "folder": folder}
    finally:
        control.down(endpoints)
    assert _postgres_processes(folder) == [], "lab down left PostgreSQL servers running"
    assert not Path(folder).exists(), "lab down left the database folder"


def _collect(lab: dict[str, Any], reference: Inventory, backups: bool = True) -> PairReport:
    (report,) = collect_db_pairs(
        reference, Settings(), load_endpoints(lab["endpoints"]), backups=backups
    )
    return report


def _verdicts(report: PairReport) -> dict[str, str]:
    return {f.check_id: f.verdict for f in report.findings}


def _roles(report: PairReport) -> dict[str, str]:
    return {n.device: n.role for n in report.nodes}


def _ip_addr(lab: dict[str, Any], device: str) -> str:
    e = json.loads(lab["endpoints"].read_text())[device]["ssh"]
    runner = SshRunner(
        SshTarget(
            device, e["host"], "linux", e["username"], port=e["port"], password=e["password"]
        ),
        10,
    )
    try:
        return runner.run(["ip", "-j", "addr", "show"], 10)
    finally:
        runner.close()


def _fault(lab: dict[str, Any], kind: str) -> dict[str, Any]:
    return dict(control.request(lab["endpoints"], {"op": "fault-add", "kind": kind})["faults"][0])


def _clear(lab: dict[str, Any], fault: dict[str, Any]) -> None:
    control.request(lab["endpoints"], {"op": "fault-clear", "id": fault["id"]})


def test_lab_up_serves_a_healthy_real_pair(db_lab: dict[str, Any]) -> None:
    entries = json.loads(db_lab["endpoints"].read_text())
    assert {"snmp", "ssh", "postgres"} <= set(entries["dc-db-1"])  # SSH/SNMP kept, SQL added
    assert {s["tool"] for s in entries["dc-db"]["backups"]} == {"pgbackrest", "dump"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "netops.cli",
            "db",
            "status",
            "--json",
            "--endpoints",
            str(db_lab["endpoints"]),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "NO_COLOR": "1"},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    (pair,) = json.loads(done.stdout)["pairs"]
    nodes = {n["device"]: n for n in pair["nodes"]}
    assert nodes["dc-db-1"]["role"] == "primary" and nodes["dc-db-2"]["role"] == "standby"
    assert nodes["dc-db-1"]["holds_service_address"] is True  # asked over the lab's SSH
    assert nodes["dc-db-2"]["holds_service_address"] is False
    verdicts = {f["check_id"]: f["verdict"] for f in pair["findings"]}
    for check in ("DB-HA-01", "DB-HA-02", "DB-HA-03", "DB-HA-04", "DB-BK-01", "DB-BK-02"):
        assert verdicts[check] == "PASS", (check, pair["findings"])
    backups = {(b["tool"], b["trigger"]) for b in pair["backups"]}
    assert backups == {("pgbackrest", "automatic"), ("dump", "manual")}
    assert entries["dc-db-1"]["postgres"]["password"] not in done.stdout


def test_standby_down_and_back(db_lab: dict[str, Any], reference: Inventory) -> None:
    fault = _fault(db_lab, "db-standby-down")
    try:
        assert fault["device"] == "dc-db-2"
        report = _collect(db_lab, reference, backups=False)
        standby = next(n for n in report.nodes if n.device == "dc-db-2")
        assert not standby.reachable and standby.error and standby.error.startswith("refused")
        assert _verdicts(report)["DB-HA-02"] == "FAIL"
        assert _verdicts(report)["DB-HA-01"] == "PASS"
    finally:
        _clear(db_lab, fault)
    report = _collect(db_lab, reference, backups=False)
    assert _roles(report) == {"dc-db-1": "primary", "dc-db-2": "standby"}
    assert _verdicts(report)["DB-HA-02"] == "PASS"


def test_stale_backup_and_back(db_lab: dict[str, Any], reference: Inventory) -> None:
    fault = _fault(db_lab, "db-stale-backup")
    try:
        report = _collect(db_lab, reference)
        bk01 = next(f for f in report.findings if f.check_id == "DB-BK-01")
        assert bk01.verdict == "FAIL" and "50.0 h old" in bk01.summary  # policy 26 h + a day
        assert _verdicts(report)["DB-BK-02"] == "PASS"  # the manual dump is untouched
    finally:
        _clear(db_lab, fault)
    assert _verdicts(_collect(db_lab, reference))["DB-BK-01"] == "PASS"


def test_split_brain_scenario_then_rebuilt_on_the_same_ports(
    db_lab: dict[str, Any], reference: Inventory
) -> None:
    before = load_endpoints(db_lab["endpoints"])
    faults = control.request(db_lab["endpoints"], {"op": "scenario", "name": "split-brain"})
    try:
        report = _collect(db_lab, reference, backups=False)
        assert _roles(report) == {"dc-db-1": "primary", "dc-db-2": "primary"}
        verdicts = _verdicts(report)
        assert verdicts["DB-HA-01"] == "FAIL" and verdicts["DB-HA-04"] == "FAIL"
        assert "10.1.8.10" in _ip_addr(db_lab, "dc-db-2")  # both claim the service address
        assert "10.1.8.10" in _ip_addr(db_lab, "dc-db-1")
    finally:
        for f in faults["faults"]:
            _clear(db_lab, f)
    assert load_endpoints(db_lab["endpoints"]) == before  # same ports, same login
    report = _collect(db_lab, reference)
    assert _roles(report) == {"dc-db-1": "primary", "dc-db-2": "standby"}
    verdicts = _verdicts(report)
    for check in ("DB-HA-01", "DB-HA-02", "DB-HA-04", "DB-BK-01", "DB-BK-02"):
        assert verdicts[check] == "PASS", (check, report.findings)
    assert "10.1.8.10" not in _ip_addr(db_lab, "dc-db-2")
