"""Benchmark: a 15,000-device config backup run through the real masking + history + store code.

Run by hand (not part of the test suite):

    .venv/bin/python tests/bench/bench_backup.py [--devices 15000] [--lines 400] [--no-records]

Synthetic VRP-style configs (~``--lines`` lines, with secrets to mask) stand in for SSH
sessions; everything after the fetch is the production path: masking with keyed
placeholders, blob hashing, git fast-import, one commit, ConfigBackupStatus +
RunningConfig records in SQLite, poll results. Four runs a day apart: first (all new),
unchanged (no commit), 1% changed, and 1% changed with a 12-hour retention (the first
day's versions expire: shallow boundary + ``git gc --prune=now``). Prints a table.
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Address
from pathlib import Path

from netops.backups.history import ConfigHistory
from netops.backups.run import run_backups
from netops.inventory import Device
from netops.inventory.model import Platform, Role
from netops.store import Store


def _config(i: int, lines: int, generation: int) -> str:
    head = [
        "#",
        f" sysname acc-{i:05d}",
        "#",
        "snmp-agent community read cipher %^%#K8s0$secret" + str(i) + "%^%#",
        f"snmp-agent usm-user v3 nms01 authentication-mode sha cipher %^%#Auth{i}%^%#",
        "aaa",
        f" local-user admin password irreversible-cipher $1a$Vj3=8#w9H~$Zk{i}$",
        "#",
    ]
    body = []
    for n in range(max(0, lines - len(head) - 2) // 4):
        body += [
            f"interface GigabitEthernet0/0/{n}",
            f" description access port {n} of acc-{i:05d}",
            f" port default vlan {100 + n % 50}",
            "#",
        ]
    tail = [f" info-center loghost 10.250.1.{generation % 250}", "return"]
    return "\n".join(head + body + tail) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=15000)
    parser.add_argument("--lines", type=int, default=400)
    parser.add_argument("--no-records", action="store_true", help="Do not store config records")
    args = parser.parse_args()
    devices = [
        Device(
            name=f"acc-{i:05d}",
            role=Role.ACCESS,
            platform=Platform.HUAWEI_VRP,
            site="bench",
            mgmt_address=IPv4Address(0x0A000000 + i),
            auth="bench",
            zones=("mgmt",),
        )
        for i in range(args.devices)
    ]
    generation = {d.name: 0 for d in devices}

    def fetch(device: Device) -> str:
        i = int(device.name[4:])
        return _config(i, args.lines, generation[device.name])

    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{Path(tmp) / 'state.db'}")
        history = ConfigHistory(Path(tmp) / "configs.git")
        rows = []
        key = os.urandom(32)
        day0 = datetime.now(UTC) - timedelta(days=10)
        runs = (
            ("first (all new)", 0.0, None),
            ("unchanged", 0.0, None),
            ("1% changed", 0.01, None),
            ("1% + retention", 0.01, timedelta(hours=12)),
        )
        for day, (label, change, retention) in enumerate(runs):
            for d in devices[: int(len(devices) * change)]:
                generation[d.name] += 1
            t0 = time.perf_counter()
            run = run_backups(
                devices,
                fetch,
                history=history,
                store=store,
                concurrency=8,
                store_config_records=not args.no_records,
                mask_key=key,
                now=day0 + timedelta(days=day),
                retention=retention,
            )
            seconds = time.perf_counter() - t0
            peak_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            c = run.counts
            expired = run.expired.dropped if run.expired else 0
            rows.append(
                (label, seconds, c["new"], c["changed"], len(run.events), expired, peak_mib)
            )
        size = sum(f.stat().st_size for f in (Path(tmp) / "configs.git").rglob("*") if f.is_file())
        store.close()
    avg = sum(len(_config(i, args.lines, 0)) for i in range(10)) / 10
    print(
        f"{args.devices} devices, ~{avg / 1024:.1f} KiB config each, records stored: {not args.no_records}"
    )
    print(
        f"{'run':<18}{'seconds':>9}{'new':>7}{'changed':>9}{'events':>8}{'expired':>9}"
        f"{'peak RSS MiB':>14}"
    )
    for label, seconds, new, changed, events, expired, peak in rows:
        print(f"{label:<18}{seconds:>9.1f}{new:>7}{changed:>9}{events:>8}{expired:>9}{peak:>14.0f}")
    print(f"history size on disk: {size / 2**20:.1f} MiB")


if __name__ == "__main__":
    main()
