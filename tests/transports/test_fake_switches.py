"""cisco_ios over SSH against fake-switches, a third-party Cisco switch simulator (PyPI).

It runs in its own venv (scripts/setup.sh: it pins a 2016 Twisted) and answers
``show version`` and ``show running-config`` like a Catalyst, takes config mode, and
lands logins in user EXEC (``>``) so ``enable`` is exercised. What it lacks (``show ip
interface brief`` ends its session, no LLDP/VRF/ARP commands) is covered by the lab and
the recorded real outputs in tests/collectors.
"""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from netops.backups.changes import CHANGED
from netops.backups.history import ConfigHistory
from netops.backups.run import run_backups
from netops.collectors.ssh import cli_sections, config_fetcher, records_from
from netops.credentials import load_secrets
from netops.endpoints import DeviceEndpoints, SshEndpoint
from netops.errors import TransportError
from netops.inventory import Inventory
from netops.settings import SshSettings
from netops.store import Store
from netops.transports.ssh import SshSession
from netops.transports.targets import SshTarget
from tests.conftest import ROOT, free_port, require

pytestmark = pytest.mark.real
PYTHON = ROOT / ".venv-fakeswitches" / "bin" / "python"
USER, PASSWORD = "netops", "Fake-switch-Pw-7"


@pytest.fixture(scope="module")
def switch() -> Iterator[int]:
    require(str(PYTHON))
    port = free_port()
    proc = subprocess.Popen(
        [str(PYTHON), str(Path(__file__).parent / "fake_switch.py"), "127.0.0.1", str(port),
         "fs-ios-1", USER, PASSWORD],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )  # fmt: skip
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _target(port: int, enable: str | None = PASSWORD) -> SshTarget:
    return SshTarget(
        "acc-zhongshan-02", "127.0.0.1", "cisco_ios", USER, port, PASSWORD, enable_secret=enable
    )


def test_collects_version_and_config_in_enable_mode(switch: int) -> None:
    cli = cli_sections(ROOT / "collectors")["cisco_ios"]
    with SshSession(_target(switch), timeout=10) as session:
        collected = records_from("acc-zhongshan-02", cli, session.send, ["version", "config"])
    assert collected.errors == {}
    [version] = collected.records["version"]
    assert (version.vendor, version.os, version.version) == ("Cisco", "IOS", "12.2(58)SE2")  # type: ignore[attr-defined]
    [config] = collected.records["config"]
    text = config.text  # type: ignore[attr-defined]
    assert text.startswith("version 12.1\n!\nhostname fs-ios-1\n")  # header lines dropped
    assert "interface FastEthernet0/24" in text and "Building configuration" not in text


def test_user_exec_without_enable_secret_is_an_auth_failure(switch: int) -> None:
    with pytest.raises(TransportError) as info:
        SshSession(_target(switch, enable=None), timeout=10).connect()
    assert info.value.reason == "auth" and "enable_secret" in str(info.value)
    with pytest.raises(TransportError) as info:
        SshSession(_target(switch, enable="wrong-enable"), timeout=10).connect()
    assert info.value.reason == "auth" and PASSWORD not in str(info.value)


def test_backup_then_config_change(switch: int, reference: Inventory, tmp_path: Path) -> None:
    device = reference.device("acc-zhongshan-02")  # a cisco_ios access switch
    endpoints = {
        device.name: DeviceEndpoints(
            ssh=SshEndpoint(
                host="127.0.0.1", port=switch, username=USER, password=PASSWORD,
                enable_secret=PASSWORD,
            )
        )
    }  # fmt: skip
    fetch = config_fetcher(
        reference, cli_sections(ROOT / "collectors"), SshSettings(timeout=10),
        load_secrets(None), endpoints,
    )  # fmt: skip
    store = Store(f"sqlite:///{tmp_path / 'state.db'}")
    history = ConfigHistory(tmp_path / "configs.git")
    try:
        first = run_backups([device], fetch, history=history, store=store)
        assert first.counts["new"] == 1, first.outcomes
        with SshSession(_target(switch), timeout=10) as session:
            session.send_config(  # fake-switches has no `end`: leave config mode by `exit`
                [
                    "interface FastEthernet0/7",
                    "description uplink-to-agg-zhongshan",
                    "exit",
                    "exit",
                ],
                error_pattern=r"% Invalid",
            )
        second = run_backups([device], fetch, history=history, store=store)
    finally:
        store.close()
    assert second.counts["changed"] == 1 and [e.kind for e in second.events] == [CHANGED]
    diff = history.diff(device.name, first.revision or "", second.revision or "")
    assert "+ description uplink-to-agg-zhongshan" in diff
