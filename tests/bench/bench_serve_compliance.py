"""Benchmark: how the API answers while the scheduler runs the compliance checks (by hand).

    .venv/bin/python -m tests.bench.bench_serve_compliance [--districts 100] [--requests 40]

Stores a clean synthetic snapshot of the network (tests/compliance/synthetic.py: configs,
LLDP, VRFs, routes, ...) in a state database, starts the app with its scheduler holding
one job, ``compliance_check``, run in a worker thread and then in a child process
(``scheduler.process_jobs``), and while each run goes, times ``GET /api/v1/status`` one
request after another (in-process TestClient). Prints, per mode: the run's wall time,
the server process's own CPU seconds and RSS growth over the run, and the median and
worst request latency during it (and with no run, for reference).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from netops.api import create_app
from netops.api.jobs import compliance_check
from netops.inventory import load_inventory
from netops.inventory.generate import write_network
from netops.scheduler import Job, JobContext, Scheduler
from netops.settings import load_settings
from netops.store import Store
from tests.api.state import seed
from tests.compliance.synthetic import build_snapshot


def cpu_self() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def latencies(client: TestClient, headers: dict[str, str], until: threading.Event) -> list[float]:
    out = []
    while not until.is_set():
        t0 = time.perf_counter()
        assert client.get("/api/v1/status", headers=headers).status_code == 200
        out.append(time.perf_counter() - t0)
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=100)
    parser.add_argument("--requests", type=int, default=20, help="baseline requests")
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_network(folder / "net", districts=args.districts, seed=1)
        inventory = load_inventory(folder / "net")
        store = Store(f"sqlite:///{folder / 'state' / 'netops.db'}")
        seed(store, inventory)
        snap = build_snapshot(inventory)
        store.save_many(
            (rs.device, rs.kind, rs.records, rs.collected_at, rs.source) for rs in snap.sets
        )
        del snap
        settings = load_settings(inventory=folder / "net", state_dir=folder / "state")
        app = create_app(settings, inventory=inventory, store=store)
        token, _ = app.state.netops.tokens.create("viewer")
        headers = {"Authorization": f"Bearer {token}"}
        with TestClient(app) as client:
            portal = client.portal
            assert portal is not None
            base = []
            for _ in range(args.requests):
                t0 = time.perf_counter()
                assert client.get("/api/v1/status", headers=headers).status_code == 200
                base.append(time.perf_counter() - t0)
            for mode in ("thread", "process"):
                job = Job("compliance_check", 3600, compliance_check, isolate=mode == "process")
                # run in the app's event loop, as 'netops serve' does
                scheduler = Scheduler([job], JobContext(settings, inventory, store))
                done = threading.Event()
                got: list[float] = []
                reader = threading.Thread(
                    target=lambda: got.extend(latencies(client, headers, done))  # noqa: B023
                )
                rss0, cpu0, wall0 = rss_mb(), cpu_self(), time.perf_counter()
                reader.start()
                state = portal.call(scheduler.run_now, "compliance_check")
                wall = time.perf_counter() - wall0
                done.set()
                reader.join()
                cpu, grown = cpu_self() - cpu0, rss_mb() - rss0
                assert state.last_ok, state.last_error
                rows.append(
                    (
                        mode,
                        wall,
                        cpu,
                        grown,
                        statistics.median(base),
                        statistics.median(got),
                        max(got),
                        len(got),
                    )
                )
        store.close()
    print(f"command: {' '.join(sys.argv)}  ({len(inventory.devices)} devices)")
    print(
        f"{'mode':<8} {'run s':>6} {'server CPU s':>12} {'RSS +MB':>8} "
        f"{'idle p50 s':>10} {'busy p50 s':>10} {'busy max s':>10} {'requests':>8}"
    )
    for mode, wall, cpu, rss, idle, p50, worst, n in rows:
        print(
            f"{mode:<8} {wall:>6.1f} {cpu:>12.1f} {rss:>8.0f} {idle:>10.2f} {p50:>10.2f} "
            f"{worst:>10.2f} {n:>8}"
        )


if __name__ == "__main__":
    main()
