"""The config history without devices: ``fetch`` replays configs (the SSH path is tested
against sshd and the lab). Secret-only changes, retention, and the metrics of the results."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

import pytest
from prometheus_client.core import Metric

from netops.backups.changes import CHANGED
from netops.backups.history import ConfigHistory
from netops.backups.metrics import families
from netops.backups.run import run_backups
from netops.errors import HistoryError, TransportError
from netops.inventory import Device, Inventory
from netops.inventory.model import Platform, Role
from netops.store import Store

KEY = bytes(range(32))
T0 = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)


def _device(name: str) -> Device:
    return Device(
        name=name,
        role=Role.ACCESS,
        platform=Platform.HUAWEI_VRP,
        site="bench",
        mgmt_address=IPv4Address("10.250.2.9"),
        auth="bench",
        zones=("mgmt",),
    )


def _config(password: str, description: str = "uplink") -> str:
    return (
        "#\n sysname acc-1\n#\naaa\n"
        f" local-user admin password irreversible-cipher {password}\n#\n"
        f"interface GigabitEthernet0/0/1\n description {description}\n#\nreturn\n"
    )


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(f"sqlite:///{tmp_path / 'state.db'}")
    yield s  # type: ignore[misc]
    s.close()


def test_secret_only_change_is_a_change_that_shows_no_secret(tmp_path: Path, store: Store) -> None:
    history = ConfigHistory(tmp_path / "configs.git")
    devices = [_device("acc-1")]
    current = {"acc-1": _config("$1c$OldSecretHash1$x$")}

    def fetch(device: Device) -> str:
        return current[device.name]

    first = run_backups(devices, fetch, history=history, store=store, mask_key=KEY, now=T0)
    current["acc-1"] = _config("$1c$NewSecretHash2$y$")
    second = run_backups(
        devices, fetch, history=history, store=store, mask_key=KEY, now=T0 + timedelta(days=1)
    )
    assert second.counts["changed"] == 1 and [e.kind for e in second.events] == [CHANGED]
    diff = history.diff("acc-1", first.revision or "", second.revision or "")
    removed = [line for line in diff.splitlines() if line.startswith("- local-user")]
    added = [line for line in diff.splitlines() if line.startswith("+ local-user")]
    assert len(removed) == len(added) == 1 and removed[0] != added[0]
    assert "<masked:" in added[0]
    for secret in ("OldSecretHash1", "NewSecretHash2"):
        assert secret not in diff and secret not in history.show("acc-1")

    # without a key the same change is invisible: nothing to commit
    plain = ConfigHistory(tmp_path / "plain.git")
    current["acc-1"] = _config("$1c$OldSecretHash1$x$")
    run_backups(devices, fetch, history=plain, store=store, now=T0)
    current["acc-1"] = _config("$1c$NewSecretHash2$y$")
    again = run_backups(devices, fetch, history=plain, store=store, now=T0 + timedelta(days=1))
    assert again.counts["changed"] == 0 and again.revision == again.previous_revision


def test_retention_drops_old_versions_and_keeps_ids(tmp_path: Path, store: Store) -> None:
    history = ConfigHistory(tmp_path / "configs.git")
    devices = [_device("acc-1"), _device("acc-2")]
    day = {"n": 0}

    def fetch(device: Device) -> str:  # acc-1 changes daily, acc-2 never
        desc = f"day {day['n']}" if device.name == "acc-1" else "stable"
        return _config("$1c$Same$z$", desc)

    revisions = []
    for n in range(6):
        day["n"] = n
        run = run_backups(
            devices,
            fetch,
            history=history,
            store=store,
            now=T0 + timedelta(days=n),
            retention=timedelta(days=3),
        )
        revisions.append(run.revision)
    assert run.expired is not None and run.expired.dropped == 1
    kept = [r.revision for r in history.log()]
    # day 5 keeps days 2..5: day 2 (in force 3 days ago) is the new root
    assert kept == list(reversed(revisions[2:]))
    assert history.show("acc-2", revisions[2]) == _config("<masked>", "stable")
    with pytest.raises(HistoryError):
        history.resolve(revisions[0] or "")
    git = ["git", "--git-dir", str(history.path)]
    assert subprocess.run([*git, "fsck", "--no-dangling"], capture_output=True).returncode == 0
    # the objects of dropped versions are gone from the repository
    ids = subprocess.run(
        [*git, "cat-file", "--batch-all-objects", "--batch-check"], capture_output=True, text=True
    ).stdout
    assert revisions[0] not in ids and revisions[1] not in ids
    # and the next run writes on top of the shortened history
    day["n"] = 6
    after = run_backups(devices, fetch, history=history, store=store, now=T0 + timedelta(days=6))
    assert after.previous_revision == revisions[-1] and after.counts["changed"] == 1
    assert "+ description day 6" in history.diff("acc-1", revisions[-1] or "", after.revision or "")


def _samples(metrics: list[Metric]) -> dict[tuple[str, str], float]:
    return {(s.name, s.labels.get("device", "")): s.value for m in metrics for s in m.samples}


def test_metrics_follow_the_runs(tmp_path: Path, store: Store, reference: Inventory) -> None:
    history = ConfigHistory(tmp_path / "configs.git")
    core1, core2 = reference.device("core-1"), reference.device("core-2")
    text = {"core-1": _config("a"), "core-2": _config("b")}
    broken = {"core-2"}

    def fetch(device: Device) -> str:
        if device.name in broken:
            raise TransportError("timeout", "ssh core-2: timed out")
        return text[device.name]

    run_backups([core1, core2], fetch, history=history, store=store, now=T0)
    text["core-1"] = _config("a", "changed")
    broken.clear()
    run_backups([core1, core2], fetch, history=history, store=store, now=T0 + timedelta(hours=1))
    broken.add("core-1")
    run_backups([core1, core2], fetch, history=history, store=store, now=T0 + timedelta(hours=2))

    status = {s.device: s.records[0] for s in store.records("config_backup")}
    ok1, ok2 = status["core-1"].last_success, status["core-2"].last_success  # type: ignore[attr-defined]
    assert ok1 is not None and ok2 is not None and ok1 < ok2  # core-1 failed last time
    at = ok2 + timedelta(hours=5)
    got = _samples(list(families(store, reference, now=at)))
    assert got[("netops_config_backup_success", "core-1")] == 0.0  # last attempt failed
    assert got[("netops_config_backup_success", "core-2")] == 1.0
    assert got[("netops_config_backup_last_success_timestamp_seconds", "core-1")] == ok1.timestamp()
    assert got[("netops_config_backup_age_seconds", "core-1")] == (at - ok1).total_seconds()
    assert got[("netops_config_backup_age_seconds", "core-2")] == 5 * 3600
    assert got[("netops_config_changes_total", "core-1")] == 1.0
    assert got[("netops_config_changes_total", "core-2")] == 0.0
    assert got[("netops_config_backup_max_age_seconds", "core-1")] == 26 * 3600
    # a device under the policy that was never backed up: no success/age samples, changes 0
    assert ("netops_config_backup_success", "core-3") not in got
    never = next(d.name for d in reference.devices if d.name.startswith("agg-"))
    assert ("netops_config_backup_age_seconds", never) not in got
    assert got[("netops_config_changes_total", never)] == 0.0
