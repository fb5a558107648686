"""Benchmark: the real PostgreSQL pair (run by hand, not in CI).

    .venv/bin/python tests/bench/bench_dbha.py [--rounds 20] [--rows 200000]

Prints a table: seconds to build the lab pair, to take a pgBackRest full backup, one
collection of the pair (nodes only, and with backups), and one restore verification, for a
database of ``--rows`` rows of ~250 bytes.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from netops.dbha.collect import collect_db_pairs
from netops.dbha.verify import verify_pairs
from netops.endpoints import DeviceEndpoints
from netops.inventory import load_inventory
from netops.lab.postgres import PgPair
from netops.settings import load_settings

ROOT = Path(__file__).resolve().parents[2]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--rows", type=int, default=200_000)
    args = parser.parse_args()
    inv = load_inventory(ROOT / "inventory" / "district")
    base = Path(tempfile.mkdtemp(prefix="netops-pg-bench-"))
    state = Path(tempfile.mkdtemp(prefix="netops-bench-state-"))
    pair = PgPair(base)
    rows: list[tuple[str, float]] = []
    try:
        t0 = time.perf_counter()
        pair.start()
        rows.append(("build pair (initdb, start, pg_basebackup, stanza)", time.perf_counter() - t0))
        pair.load(rows=args.rows)
        pair.wait_caught_up(timeout=120)
        t0 = time.perf_counter()
        pair.backup("full")
        rows.append((f"pgBackRest full backup ({args.rows} rows)", time.perf_counter() - t0))
        pair.dump("manual")
        eps = {k: DeviceEndpoints.model_validate(v) for k, v in pair.endpoints().items()}
        settings = load_settings(state_dir=state)
        for label, backups in (
            ("collect pair, nodes only", False),
            ("collect pair + backups", True),
        ):
            times = []
            for _ in range(args.rounds):
                t0 = time.perf_counter()
                collect_db_pairs(inv, settings, eps, backups=backups)
                times.append(time.perf_counter() - t0)
            rows.append((f"{label} (median of {args.rounds})", statistics.median(times)))
        for tool in ("pgbackrest", "dump"):
            t0 = time.perf_counter()
            (run,) = verify_pairs(inv, settings, eps, tool=tool)
            assert run.ok, run.error
            rows.append((f"restore verification, {tool}", time.perf_counter() - t0))
    finally:
        pair.teardown()
        shutil.rmtree(base, ignore_errors=True)
        shutil.rmtree(state, ignore_errors=True)
    print(f"{'step':<58} {'seconds':>8}")
    for name, seconds in rows:
        print(f"{name:<58} {seconds:>8.3f}")
    print(
        f"\ncommand: .venv/bin/python tests/bench/bench_dbha.py --rounds {args.rounds} --rows {args.rows}"
    )


if __name__ == "__main__":
    main()
