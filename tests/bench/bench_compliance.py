"""Benchmark: a full compliance run over a synthetic province (run by hand, not in CI).

    .venv/bin/python tests/bench/bench_compliance.py [--districts 100] [--faults 0.01]

Generates the province inventory (``netops inventory generate --districts N``), then a
clean snapshot consistent with it (tests/compliance/synthetic.py: configurations, LLDP
of every link from both ends, VRFs, routes, ARP, firewall policy, HA, backups), plants
telnet on a fraction of the devices, and times: building the snapshot, the full run of
every check (wall time and peak RSS), recording the findings in the history (SQLite),
and rendering the HTML report. Prints a table and the command.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from netops.compliance import run_checks
from netops.compliance.report import render_html
from netops.inventory import load_inventory
from netops.inventory.generate import write_network
from netops.models import RunningConfig
from netops.store import Store
from netops.store.findings import FindingHistory
from tests.compliance.synthetic import NOW, build_snapshot


def rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument(
        "--faults", type=float, default=0.01, help="share of devices with telnet on"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "province"
        write_network(out, args.districts, seed=1)
        inv = load_inventory(out)
        rss0 = rss_mib()
        t0 = time.perf_counter()
        snap = build_snapshot(inv)
        build_s = time.perf_counter() - t0
        rng = random.Random(7)
        planted = 0
        for rs in list(snap.of_kind("config")):
            if rng.random() < args.faults:
                old = rs.records[0]
                assert isinstance(old, RunningConfig)
                text = old.text.replace("undo telnet server enable", "telnet server enable")
                if text != old.text:
                    snap.add(
                        rs.device,
                        "config",
                        [old.model_copy(update={"text": text})],
                        rs.collected_at,
                        rs.source,
                    )
                    planted += 1
        records = sum(len(rs.records) for rs in snap.sets)
        rss1 = rss_mib()
        t0, c0 = time.perf_counter(), time.process_time()
        result = run_checks(inv, snap, now=NOW)
        run_s, run_cpu = time.perf_counter() - t0, time.process_time() - c0
        rss2 = rss_mib()
        t0 = time.perf_counter()
        again = run_checks(inv, snap, now=NOW)
        rerun_s = time.perf_counter() - t0
        store = Store(f"sqlite:///{Path(tmp) / 'netops.db'}")
        history = FindingHistory(store)
        t0 = time.perf_counter()
        history.record(
            result.findings,
            started_at=result.started_at,
            finished_at=result.finished_at,
            network=result.network,
            level=result.level,
            checks=list(result.timings),
        )
        record_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        history.record(
            again.findings,
            started_at=again.started_at,
            finished_at=again.finished_at,
            network=again.network,
            level=again.level,
            checks=list(again.timings),
        )
        rerecord_s = time.perf_counter() - t0
        store.close()
        t0 = time.perf_counter()
        html = render_html(result)
        report_s = time.perf_counter() - t0
    counts = result.verdicts()
    telnet_fails = sum(1 for f in result.findings if f.check_id == "MG-01" and f.verdict == "FAIL")
    assert telnet_fails == planted, (telnet_fails, planted)
    print(f"command: {' '.join(sys.argv)}")
    print(
        f"{'devices':>8} {'records':>9} {'findings':>9} {'FAIL':>6} {'build s':>8} {'check s':>8} {'check CPU s':>12} {'re-check s':>11} {'history s':>10} {'again s':>8} {'report s':>9} {'report MiB':>11} {'RSS snap MiB':>13} {'RSS peak MiB':>13}"
    )
    print(
        f"{len(inv.devices):>8} {records:>9} {len(result.findings):>9} {counts.get('FAIL', 0):>6} {build_s:>8.1f} {run_s:>8.1f} {run_cpu:>12.1f} {rerun_s:>11.1f} {record_s:>10.1f} {rerecord_s:>8.1f} {report_s:>9.1f} {len(html) / 2**20:>11.1f} {rss1 - rss0:>13.0f} {rss2:>13.0f}"
    )
    slow = sorted(result.timings.items(), key=lambda x: -x[1])[:8]
    print("slowest checks: " + ", ".join(f"{k} {v:.1f}s" for k, v in slow))
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(
        f"verdicts: {dict(sorted(counts.items()))}; planted telnet on {planted} devices, all found (MG-01)"
    )


if __name__ == "__main__":
    main()
