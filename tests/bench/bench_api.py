"""Benchmark: the API and /metrics over the recorded state of synthetic networks (by hand).

    .venv/bin/python tests/bench/bench_api.py [--districts 1 10 100] [--repeat 3]

For each size: devices, seconds to seed the state, then the median seconds (and bytes)
of GET /metrics, /api/v1/devices?limit=100, /api/v1/status and /api/v1/topology, served
in-process (FastAPI TestClient, no network), with a viewer token.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from netops.api import create_app
from netops.inventory import load_inventory
from netops.inventory.generate import write_network
from netops.settings import load_settings
from netops.store import Store
from tests.api.state import seed

URLS = ("/metrics", "/api/v1/devices?limit=100", "/api/v1/status", "/api/v1/topology")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, nargs="+", default=[1, 10])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    rows = []
    for districts in args.districts:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp)
            write_network(folder / "net", districts=districts, seed=1)
            inventory = load_inventory(folder / "net")
            store = Store(f"sqlite:///{folder / 'state' / 'netops.db'}")
            started = time.perf_counter()
            seed(store, inventory)
            seeded = time.perf_counter() - started
            settings = load_settings(inventory=folder / "net", state_dir=folder / "state")
            app = create_app(settings, inventory=inventory, store=store)
            token, _ = app.state.netops.tokens.create("viewer")
            headers = {"Authorization": f"Bearer {token}"}
            timings = []
            with TestClient(app) as client:
                for url in URLS:
                    seconds, size = [], 0
                    for _ in range(args.repeat):
                        t0 = time.perf_counter()
                        response = client.get(url, headers=headers)
                        seconds.append(time.perf_counter() - t0)
                        assert response.status_code == 200, (url, response.text[:200])
                        size = len(response.content)
                    timings.append((statistics.median(seconds), size))
            store.close()
            rows.append((len(inventory.devices), seeded, timings))
    print(f"command: {' '.join(sys.argv)}")
    head = f"{'devices':>8} {'seed s':>7} " + " ".join(f"{u.split('?')[0]:>22}" for u in URLS)
    print(head)
    for devices, seeded, timings in rows:
        cells = " ".join(f"{s:>9.2f} s {b / 1e6:>7.2f} MB" for s, b in timings)
        print(f"{devices:>8} {seeded:>7.1f} {cells}")


if __name__ == "__main__":
    main()
