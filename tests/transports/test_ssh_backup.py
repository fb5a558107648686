"""End to end against a real sshd (linux platform): collection, backups, history, events, secrets."""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netops.backups.changes import CHANGED, EXPECTED_CHANGE, mark_playbook_change
from netops.backups.history import ConfigHistory
from netops.backups.run import run_backups
from netops.cli.main import app
from netops.collectors.ssh import cli_sections, config_fetcher, poll_devices
from netops.credentials import load_secrets
from netops.endpoints import DeviceEndpoints, SshEndpoint
from netops.inventory import Inventory
from netops.settings import SshSettings
from netops.store import Store

from .conftest import Sshd

pytestmark = pytest.mark.real
ROOT = Path(__file__).resolve().parents[2]
SECRETS = ("Hunter2Secret", "PrivKeyMaterialXYZ", "CommunityZ9")


def _profiles(folder: Path, config_file: Path) -> Path:
    folder.mkdir()
    text = (ROOT / "collectors" / "linux.yaml").read_text()
    text, count = re.subn(
        r"(?m)^(\s+- command: )cat /etc/hostname .*$", rf"\1cat {config_file}", text
    )
    assert count == 1, "the linux profile's config command changed: update this test"
    (folder / "linux.yaml").write_text(text)
    # linux.yaml extends the shared SNMP part
    (folder / "standard.yaml").write_text((ROOT / "collectors" / "standard.yaml").read_text())
    return folder


def _config(path: Path, extra: str = "") -> None:
    path.write_text(
        "[agent]\n"
        "password = Hunter2Secret\n"
        "snmp_community: CommunityZ9\n"
        "-----BEGIN RSA PRIVATE KEY-----\nPrivKeyMaterialXYZ\n-----END RSA PRIVATE KEY-----\n"
        f"listen = 0.0.0.0:5432\n{extra}"
    )


def _endpoints(sshd: Sshd, good: list[str], bad: list[str]) -> dict[str, DeviceEndpoints]:
    out = {}
    for name in good + bad:
        key = sshd.key_file if name in good else sshd.wrong_key_file
        out[name] = DeviceEndpoints(
            ssh=SshEndpoint(
                host=sshd.host, port=sshd.port, username=sshd.username, key_file=str(key)
            )
        )
    return out


def test_backup_history_events_and_secrets(
    sshd: Sshd, reference: Inventory, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    config_file = tmp_path / "agent.conf"
    _config(config_file)
    sections = cli_sections(_profiles(tmp_path / "profiles", config_file))
    good, bad = (
        ["dc-db-1", "dc-db-2"],
        ["dc-app-1"] if "dc-app-1" in reference.device_by_name else [],
    )
    devices = [reference.device(n) for n in good]
    if not bad:  # any other linux device stands in for the one with the wrong key
        bad = [
            d.name for d in reference.devices if d.platform.value == "linux" and d.name not in good
        ][:1]
    devices += [reference.device(n) for n in bad]
    fetch = config_fetcher(
        reference,
        sections,
        SshSettings(timeout=10),
        load_secrets(None),
        _endpoints(sshd, good, bad),
    )
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    history = ConfigHistory(tmp_path / "backups" / "configs.git")

    first = run_backups(devices, fetch, history=history, store=store, concurrency=4)
    assert first.counts == {
        "devices": 3,
        "ok": 2,
        "failed": 1,
        "changed": 0,
        "new": 2,
        "unchanged": 0,
    }
    failure = next(o for o in first.outcomes if not o.ok)
    assert failure.device == bad[0] and failure.reason == "auth"
    polls = {p.device: p for p in store.poll_results(transport="ssh")}
    assert polls[bad[0]].ok is False and polls[bad[0]].reason == "auth"
    assert polls["dc-db-1"].ok is True
    stored = history.show("dc-db-1")
    assert "password = <masked>" in stored and "listen = 0.0.0.0:5432" in stored
    assert first.events == []  # a first backup is not a change

    _config(config_file, extra="max_connections = 200\n")  # the "device" changes
    second = run_backups(devices, fetch, history=history, store=store, concurrency=4)
    assert second.counts["changed"] == 2 and second.revision != first.revision
    assert [e.kind for e in second.events] == [CHANGED, CHANGED]
    diff = history.diff("dc-db-1", first.revision or "", second.revision or "")
    assert "+max_connections = 200" in diff

    third = run_backups(devices[:1], fetch, history=history, store=store, concurrency=4)
    assert third.revision == second.revision  # unchanged: no new commit
    assert len(history.log("dc-db-1")) == 2

    mark_playbook_change(store, "dc-db-2", run_id="r-17", playbook="set-max-connections")
    _config(config_file, extra="max_connections = 300\n")
    fourth = run_backups(devices[:2], fetch, history=history, store=store, concurrency=4)
    kinds = {e.device: e.kind for e in fourth.events}
    assert kinds == {"dc-db-1": CHANGED, "dc-db-2": EXPECTED_CHANGE}
    assert len(store.events(kind=CHANGED)) == 3

    status = {s.device: s.records[0] for s in store.records("config_backup")}
    assert status["dc-db-1"].change_count == 2 and status[bad[0]].last_success is None
    assert status[bad[0]].error and status[bad[0]].error.startswith("auth")

    everything = [
        history.show("dc-db-1"),
        history.diff("dc-db-1", first.revision or "", fourth.revision or ""),
        caplog.text,
        json.dumps([s.records[0].model_dump(mode="json") for s in store.records("config")]),
        json.dumps([e.model_dump(mode="json") for e in store.events(limit=100)]),
    ]
    for text in everything:
        for secret in SECRETS:
            assert secret not in text
    store.close()


def test_linux_collection(sshd: Sshd, reference: Inventory) -> None:
    sections = cli_sections(ROOT / "collectors")
    device = reference.device("dc-db-1")
    [poll] = poll_devices(
        reference,
        [device],
        sections,
        SshSettings(timeout=10),
        load_secrets(None),
        _endpoints(sshd, ["dc-db-1"], []),
        kinds=["version", "interface", "route", "arp"],
    )
    assert poll.result.ok, poll.result.error
    interfaces = {i.name: i for i in poll.collected.records["interface"]}  # type: ignore[attr-defined]
    assert "lo" in interfaces and "127.0.0.1/8" in interfaces["lo"].addresses
    assert poll.collected.records["version"][0].os == "Linux"  # type: ignore[attr-defined]
    assert poll.result.record_counts["interface"] == len(interfaces)


def test_cli_backup_status_and_diff(
    sshd: Sshd, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file = tmp_path / "agent.conf"
    _config(config_file)
    profiles = _profiles(tmp_path / "profiles", config_file)
    endpoints = tmp_path / "endpoints.json"
    endpoints.write_text(
        json.dumps(
            {
                "dc-db-1": {
                    "ssh": {
                        "host": sshd.host,
                        "port": sshd.port,
                        "username": sshd.username,
                        "key_file": str(sshd.key_file),
                    }
                }
            }
        )
    )
    monkeypatch.setenv("NETOPS_COLLECTORS_DIR", str(profiles))
    monkeypatch.setenv("NETOPS_INVENTORY", str(ROOT / "inventory" / "district"))
    runner = CliRunner()
    args = ["backup", "configs", "-d", "dc-db-1", "-e", str(endpoints), "--json"]
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    assert json.loads(first.output)["counts"]["new"] == 1
    _config(config_file, extra="work_mem = 64MB\n")
    second = runner.invoke(app, args)
    assert json.loads(second.output)["events"][0]["kind"] == CHANGED
    diff = runner.invoke(app, ["backup", "diff", "dc-db-1"])
    assert "+work_mem = 64MB" in diff.output and "Hunter2Secret" not in diff.output
    status = runner.invoke(app, ["backup", "status", "--json"])
    rows = {r["target"]: r for r in json.loads(status.output)}
    assert rows["dc-db-1"]["result"] == "ok" and rows["dc-db-1"]["within_policy"] is True
    assert rows["core-1"]["result"] == "never" and status.exit_code == 1
    for out in (first.output, second.output, diff.output, status.output):
        assert all(s not in out for s in SECRETS)
