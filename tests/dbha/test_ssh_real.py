"""Over a REAL sshd on loopback: which node holds the service address (``ip -j addr show``),
and a dump folder read on a "backup server" over SSH; SSH failures become reasons."""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from ipaddress import IPv4Address
from pathlib import Path

import pytest

from netops.dbha.collect import PairReport, collect_db_pairs
from netops.endpoints import DeviceEndpoints
from netops.errors import TransportError
from netops.inventory import Inventory
from netops.lab.postgres import PgPair
from netops.models import DbBackupSource
from netops.settings import load_settings
from netops.transports.command import SshRunner
from netops.transports.targets import SshTarget
from tests.conftest import free_port, require
from tests.dbha.conftest import running_pair

pytestmark = pytest.mark.real
SSHD = "/usr/sbin/sshd"


@dataclasses.dataclass
class Sshd:
    port: int
    user: str
    key_file: Path
    folder: Path


@pytest.fixture(scope="module")
def sshd() -> Iterator[Sshd]:
    require(SSHD, "ssh-keygen")
    folder = Path(tempfile.mkdtemp(prefix="netops-sshd-"))
    for name in ("host_key", "client_key"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True
        )
    shutil.copy(folder / "client_key.pub", folder / "authorized_keys")
    port = free_port()
    user = (
        os.environ.get("USER")
        or subprocess.run(["id", "-un"], capture_output=True, text=True, check=True).stdout.strip()
    )
    (folder / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host_key'}\n"
        f"PidFile {folder / 'sshd.pid'}\nUsePAM no\nStrictModes no\n"
        f"AuthorizedKeysFile {folder / 'authorized_keys'}\nPasswordAuthentication no\n"
        f"PermitRootLogin prohibit-password\nAllowUsers {user}\n"
    )
    if os.geteuid() == 0:
        Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)
    proc = subprocess.Popen(
        [SSHD, "-D", "-e", "-f", str(folder / "sshd_config")],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            assert proc.poll() is None and time.monotonic() < deadline, "sshd did not start"
            time.sleep(0.05)
        yield Sshd(port, user, folder / "client_key", folder)
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def small_pair() -> Iterator[PgPair]:
    """A pair without pgBackRest (faster); dumps only."""
    with running_pair("netops-pg-ssh-", pgbackrest=False) as pair:
        yield pair


def ssh_entry(sshd: Sshd) -> dict[str, object]:
    return {
        "host": "127.0.0.1",
        "port": sshd.port,
        "username": sshd.user,
        "key_file": str(sshd.key_file),
    }


def run(
    reference: Inventory, pair: PgPair, extra: dict[str, dict[str, object]], address: str
) -> PairReport:
    raw = pair.endpoints()
    for device, entry in extra.items():
        raw.setdefault(device, {}).update(entry)
    endpoints = {k: DeviceEndpoints.model_validate(v) for k, v in raw.items()}
    db = reference.ha_pair_by_name["dc-db"].model_copy(
        update={"service_address": IPv4Address(address)}
    )
    inv = dataclasses.replace(
        reference, ha_pairs=tuple(db if p.name == "dc-db" else p for p in reference.ha_pairs)
    )
    (report,) = collect_db_pairs(inv, load_settings(), endpoints)
    return report


def verdict(report: PairReport, check: str) -> str:
    return next(f"{f.verdict}: {f.summary}" for f in report.findings if f.check_id == check)


def test_service_address_on_the_primary_over_ssh(
    sshd: Sshd, small_pair: PgPair, reference: Inventory
) -> None:
    # this machine really holds 127.0.0.1: the node asked over SSH is the holder
    report = run(reference, small_pair, {"dc-db-1": {"ssh": ssh_entry(sshd)}}, "127.0.0.1")
    nodes = {n.device: n for n in report.nodes}
    assert nodes["dc-db-1"].holds_service_address is True
    assert nodes["dc-db-2"].holds_service_address is None  # no SSH entry: not asked
    assert verdict(report, "DB-HA-04").startswith("PASS")
    both = run(
        reference,
        small_pair,
        {"dc-db-1": {"ssh": ssh_entry(sshd)}, "dc-db-2": {"ssh": ssh_entry(sshd)}},
        "127.0.0.1",
    )
    assert verdict(both, "DB-HA-04").startswith("FAIL") and "at once" in verdict(both, "DB-HA-04")
    nobody = run(
        reference,
        small_pair,
        {"dc-db-1": {"ssh": ssh_entry(sshd)}, "dc-db-2": {"ssh": ssh_entry(sshd)}},
        "192.0.2.10",
    )
    assert verdict(nobody, "DB-HA-04").startswith("FAIL: 192.0.2.10 is on no node")


def test_dump_folder_read_over_ssh(sshd: Sshd, small_pair: PgPair, reference: Inventory) -> None:
    small_pair.dump(trigger="automatic")
    small_pair.dump(trigger="manual")
    source = DbBackupSource(tool="dump", path=str(small_pair.dump_dir), host="dc-backup-1")
    report = run(
        reference,
        small_pair,
        {
            "dc-db": {"backups": [source.model_dump()]},
            "dc-backup-1": {"ssh": ssh_entry(sshd)},
        },
        "192.0.2.10",
    )
    backup_poll = next(p for p in report.polls if p.device == "dc-backup-1")
    assert backup_poll.ok and backup_poll.transport == "ssh", backup_poll
    assert {(b.trigger, b.checksum_ok) for b in report.backups} == {
        ("automatic", True),
        ("manual", True),
    }
    assert all(b.location == f"dc-backup-1:{small_pair.dump_dir}" for b in report.backups)


def test_ssh_failures_have_reasons(sshd: Sshd) -> None:
    wrong_key = sshd.folder / "other_key"
    subprocess.run(
        ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(wrong_key)], check=True
    )
    target = SshTarget(
        "dc-db-1", "127.0.0.1", "linux", sshd.user, sshd.port, key_file=str(wrong_key)
    )
    with pytest.raises(TransportError) as err:
        SshRunner(target, 5).run(["true"], 5)
    assert err.value.reason == "auth"
    closed = dataclasses.replace(target, port=free_port(), key_file=str(sshd.key_file))
    with pytest.raises(TransportError) as err:
        SshRunner(closed, 5).run(["true"], 5)
    assert err.value.reason == "refused"
    good = dataclasses.replace(target, key_file=str(sshd.key_file))
    with pytest.raises(TransportError) as err:
        SshRunner(good, 5).run(["cat", "/nonexistent/SHA256SUMS"], 5)
    assert err.value.reason == "error" and "exited 1" in str(err.value)
