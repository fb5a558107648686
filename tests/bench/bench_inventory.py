"""Benchmark: generate and validate a synthetic province (run by hand, not in CI).

    .venv/bin/python tests/bench/bench_inventory.py [--districts 100]

Prints a table: devices, files, seconds to generate, seconds and peak memory to load and
validate (parse + schema + cross-object rules), and the same through the CLI.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from netops.inventory import load_inventory
from netops.inventory.generate import write_network


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "province"
        t0 = time.perf_counter()
        devices = write_network(out, args.districts, seed=1)
        generate_s = time.perf_counter() - t0
        files = len(list(out.rglob("*.yaml")))

        tracemalloc.start()
        t0 = time.perf_counter()
        inv = load_inventory(out)
        load_s = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        t0 = time.perf_counter()
        load_inventory(out)
        load_untraced_s = time.perf_counter() - t0

        t0 = time.perf_counter()
        cli = subprocess.run(
            [sys.executable, "-m", "netops.cli", "inventory", "validate", str(out)],
            capture_output=True,
            text=True,
            check=False,
        )
        cli_s = time.perf_counter() - t0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"command: {' '.join(sys.argv)}")
    print(
        f"{'districts':>10} {'devices':>8} {'links':>7} {'files':>6} {'generate s':>11} "
        f"{'validate s':>11} {'(traced) s':>11} {'peak MiB':>9} {'max RSS MiB':>12} {'CLI s':>6}"
    )
    print(
        f"{args.districts:>10} {devices:>8} {len(inv.links):>7} {files:>6} {generate_s:>11.2f} "
        f"{load_untraced_s:>11.2f} {load_s:>11.2f} {peak / 2**20:>9.0f} {rss:>12.0f} {cli_s:>6.2f}"
        f"{'' if cli.returncode == 0 else '  (CLI FAILED: ' + cli.stderr[-200:] + ')'}"
    )


if __name__ == "__main__":
    main()
