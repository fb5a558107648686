"""Parsers on recorded outputs: pgBackRest info JSON, dump folders, ``ip -j addr show``, engine rows."""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from netops.dbha import backups as backup_io
from netops.dbha import service_address
from netops.dbha.engines import primary_status, standby_status
from netops.errors import TransportError
from netops.models import DbBackupSource

FIXTURES = Path(__file__).parent / "fixtures"


def test_pgbackrest_info_full_and_diff_with_triggers() -> None:
    text = (FIXTURES / "pgbackrest_info.json").read_text()
    found = backup_io.parse_pgbackrest_info(text, "dc-db", "dc-db", "dc-backup-1")
    assert [(b.backup_type, b.trigger) for b in found] == [
        ("full", "automatic"),
        ("diff", "manual"),
    ]
    full, diff = found
    assert full.label.endswith("F") and diff.label.startswith(full.label + "_")
    assert full.size_bytes == 23061982 and full.stored_bytes == 4524170
    assert diff.stored_bytes == 225291  # a diff's own bytes in the repository, not the total
    assert full.location == "dc-backup-1:dc-db"
    assert full.finished_at.tzinfo is UTC and full.started_at is not None
    assert full.started_at <= full.finished_at < diff.finished_at
    assert all(b.ok for b in found)


def test_pgbackrest_annotation_key_is_a_setting() -> None:
    text = (FIXTURES / "pgbackrest_info.json").read_text()
    found = backup_io.parse_pgbackrest_info(text, "dc-db", "dc-db", "x", annotation_key="by")
    assert {b.trigger for b in found} == {"automatic"}  # no 'by=manual' annotation anywhere


def test_pgbackrest_backup_with_checksum_errors_is_not_ok() -> None:
    data = json.loads((FIXTURES / "pgbackrest_info.json").read_text())
    data[0]["backup"][-1]["error"] = True
    found = backup_io.parse_pgbackrest_info(json.dumps(data), "dc-db", "dc-db", "x")
    assert not found[-1].ok and "checksum" in (found[-1].error or "")


def test_pgbackrest_empty_stanza_and_missing_stanza() -> None:
    text = (FIXTURES / "pgbackrest_info_no_backups.json").read_text()
    assert backup_io.parse_pgbackrest_info(text, "dc-db", "dc-db", "x") == []
    with pytest.raises(TransportError, match="no stanza 'other'"):
        backup_io.parse_pgbackrest_info(text, "dc-db", "other", "x")
    with pytest.raises(TransportError) as err:
        backup_io.parse_pgbackrest_info("ERROR: [055]: unable to load info file", "p", "s", "x")
    assert err.value.reason == "malformed"


def test_dump_listing_triggers_manifest_and_junk() -> None:
    source = DbBackupSource(tool="dump", path="/var/backups/postgresql")
    now = datetime(2026, 11, 22, 3, 0, tzinfo=UTC).timestamp()
    listing = "\n".join(
        [
            f"{now - 3600:.6f}\t1048576\tdaily/app-20261122.dump",
            f"{now - 90000:.6f}\t1040000\tdaily/app-20261121.dump",
            f"{now - 7200:.6f}\t2000000\tmanual/app-before-upgrade.dump",
            f"{now:.6f}\t120\tSHA256SUMS",
            f"{now:.6f}\t0\tdaily/app-20261123.dump.partial",
            f"{now:.6f}\t0\tdaily/empty.dump",
            f"{now:.6f}\t10\t.hidden",
        ]
    )
    manifest = backup_io.parse_manifest(
        "a" * 64 + "  daily/app-20261122.dump\n" + "b" * 64 + " *manual/app-before-upgrade.dump\n"
    )
    dumps = backup_io.parse_dump_listing(listing, manifest, source, "dc-db", "dc-backup-1")
    by_label = {d.label: d for d in dumps}
    assert set(by_label) == {
        "daily/app-20261122.dump",
        "daily/app-20261121.dump",
        "manual/app-before-upgrade.dump",
        "daily/empty.dump",
    }
    assert by_label["manual/app-before-upgrade.dump"].trigger == "manual"
    assert by_label["daily/app-20261122.dump"].trigger == "automatic"
    assert by_label["daily/app-20261121.dump"].error == "not listed in SHA256SUMS"
    assert by_label["daily/empty.dump"].error == "empty file"
    assert by_label["daily/app-20261122.dump"].ok
    assert by_label["daily/app-20261122.dump"].finished_at == datetime(
        2026, 11, 22, 2, 0, tzinfo=UTC
    )
    assert backup_io.newest(dumps, "automatic").label == "daily/empty.dump"  # type: ignore[union-attr]


def test_ip_addr_recorded_holder_with_secondary_vip() -> None:
    text = (FIXTURES / "ip_addr_dc-db-1_vip.json").read_text()
    assert service_address.holder_interface(text, "10.1.8.10") == "eth1"
    assert service_address.holder_interface(text, "10.1.8.12") is None
    assert service_address.addresses(text)["eth0"] == ["10.250.2.210"]


def test_ip_addr_real_output_of_this_machine() -> None:
    text = subprocess.run(
        service_address.COMMAND, capture_output=True, text=True, check=True
    ).stdout
    assert service_address.holder_interface(text, "127.0.0.1") == "lo"
    with pytest.raises(TransportError):
        service_address.addresses('Object "addr" is unknown, try "ip help".')


def test_engine_rows_to_records() -> None:
    now = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
    node = {"in_recovery": False, "server_version": "15.18", "system_identifier": "77", "now": now}
    primary = primary_status(
        "dc-db-1",
        node,
        {"lsn": "0/5000000", "walfile": "000000020000000000000005"},
        [
            {
                "application_name": "dc-db-2",
                "client_addr": "10.1.8.12",
                "state": "streaming",
                "sync_state": "async",
                "sent_lsn": "0/5000000",
                "replay_lsn": "0/4F00000",
                "lag_bytes": 1048576,
                "replay_lag": 0.25,
            }
        ],
    )
    assert primary.role == "primary" and primary.timeline == 2
    assert primary.replication[0].peer == "dc-db-2" and primary.replication[0].lag_bytes == 1048576
    standby = standby_status(
        "dc-db-2",
        {**node, "in_recovery": True},
        {
            "receive_lsn": "0/5000000",
            "replay_lsn": "0/4F00000",
            "lag_bytes": 1048576,
            "last_replay_at": now - timedelta(seconds=42),
            "paused": True,
            "checkpoint_timeline": 1,
        },
        {"status": "streaming", "received_tli": 2, "sender_host": "10.1.8.11", "sender_port": 5432},
    )
    assert standby.role == "standby" and standby.timeline == 2
    assert standby.lag_seconds == 42.0 and standby.replay_paused
    assert standby.upstream == "10.1.8.11:5432"
    caught_up = standby_status(
        "dc-db-2",
        {**node, "in_recovery": True},
        {"lag_bytes": 0, "last_replay_at": now - timedelta(hours=3), "checkpoint_timeline": 1},
        None,
    )
    assert caught_up.lag_seconds == 0.0  # idle, not behind
    assert caught_up.receiver_status == "stopped" and caught_up.timeline == 1
