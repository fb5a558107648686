"""Benchmark: the API and /metrics over the recorded state of synthetic networks (by hand).

    .venv/bin/python -m tests.bench.bench_api [--districts 1 10 100] [--repeat 3]

For each size: devices, seconds to seed the state, then per URL (served in-process by
FastAPI's TestClient, no network, with a viewer token) the seconds of

- ``first``: the first request of a fresh app (nothing cached: every record decoded);
- ``warm``: the median of ``--repeat`` requests on unchanged state;
- ``changed``: the first request after every record set and poll result was written
  again (a new ``seed`` at a later time: what a scrape sees after a full poll cycle, and
  more, since backups, DB state and LLDP change too);

and the size of the answer. For /metrics also the number of series (sample lines), and
the peak memory (RSS) of the process at the end.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
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


def timed(client: TestClient, url: str, headers: dict[str, str]) -> tuple[float, bytes]:
    started = time.perf_counter()
    response = client.get(url, headers=headers)
    seconds = time.perf_counter() - started
    assert response.status_code == 200, (url, response.text[:200])
    return seconds, response.content


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
            now = seed(store, inventory)
            seeded = time.perf_counter() - started
            settings = load_settings(inventory=folder / "net", state_dir=folder / "state")
            app = create_app(settings, inventory=inventory, store=store)
            token, _ = app.state.netops.tokens.create("viewer")
            headers = {"Authorization": f"Bearer {token}"}
            results: dict[str, list[float]] = {}
            sizes: dict[str, int] = {}
            series = 0
            with TestClient(app) as client:
                for url in URLS:
                    first, body = timed(client, url, headers)
                    warm = [timed(client, url, headers)[0] for _ in range(args.repeat)]
                    results[url] = [first, statistics.median(warm)]
                    sizes[url] = len(body)
                    if url == "/metrics":
                        series = sum(
                            1 for line in body.decode().splitlines() if not line.startswith("#")
                        )
                seed(store, inventory, now=max(now, datetime.now(UTC)) + timedelta(seconds=60))
                for url in URLS:
                    results[url].append(timed(client, url, headers)[0])
            store.close()
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            rows.append((len(inventory.devices), seeded, results, sizes, series, peak))
    print(f"command: {' '.join(sys.argv)}")
    print(
        f"{'devices':>8} {'seed s':>7} {'url':<26} {'first s':>8} {'warm s':>7} "
        f"{'changed s':>9} {'MB':>7} {'series':>9} {'peak RSS MB':>11}"
    )
    for devices, seeded, results, sizes, series, peak in rows:
        for url in URLS:
            first, warm, changed = results[url]
            extra = f"{series:>9} {peak:>11.0f}" if url == "/metrics" else ""
            print(
                f"{devices:>8} {seeded:>7.1f} {url.split('?')[0]:<26} {first:>8.2f} "
                f"{warm:>7.2f} {changed:>9.2f} {sizes[url] / 1e6:>7.2f} {extra}"
            )


if __name__ == "__main__":
    main()
