"""Benchmark: playbook runner costs (run by hand, not in CI).

    .venv/bin/python -m tests.bench.bench_playbooks [--districts 10] [--lab 20]   # from the repo root

Prints a table:

- config tree: parse + predict + diff + restore of the biggest reference config, repeated;
- runner overhead: a shutdown-port-like dry-run and commit over every VRP/Comware access
  switch of a generated province, on in-memory stand-in devices (no network: what the
  runner, the audit trail and the masking cost per device);
- lab: the shipped shutdown-port dry-run and collect-diagnostics over ``--lab`` devices of
  the reference lab over real SSH (0 = skip).
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from netops.endpoints import load_endpoints
from netops.inventory import Platform, Role, load_inventory
from netops.inventory.generate import write_network
from netops.lab import control
from netops.playbooks import PlaybookService, configtree
from netops.settings import load_settings
from netops.store import Store
from tests.playbooks.conftest import SET_DESCRIPTION, write_playbook
from tests.playbooks.fakes import FakeNetwork

ROOT = Path(__file__).resolve().parents[2]


def _row(what: str, n: int, seconds: float, unit: str = "device") -> None:
    rate = n / seconds if seconds else float("inf")
    print(f"| {what:<46} | {n:>6} | {seconds:>8.2f} | {rate:>9.1f} {unit}/s |")


def bench_configtree(repeat: int = 200) -> None:
    text = (ROOT / "tests/backups/masking/huawei_vrp/config.txt").read_text()
    big = text * 20  # ~1,400 lines: a core switch
    snippet = (
        "interface GigabitEthernet0/0/5\n shutdown\n description x\nundo telnet server enable\n"
    )
    t0 = time.perf_counter()
    for _ in range(repeat):
        base = configtree.parse(big, "vrp")
        cmds = configtree.snippet_commands(snippet, "vrp")
        cand = configtree.apply(base, cmds, "vrp")
        configtree.unified_diff(base, cand, "vrp", "x", ("a", "b"))
        configtree.restore_commands(cand, base, "vrp")
    _row(
        f"config tree, {len(big.splitlines())}-line config (full cycle)",
        repeat,
        time.perf_counter() - t0,
        "cycle",
    )


def bench_runner(districts: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="netops-bench-pb-"))
    try:
        write_network(tmp / "inv", districts, seed=1)
        inv = load_inventory(tmp / "inv")
        settings = load_settings(
            inventory=tmp / "inv",
            state_dir=tmp / "state",
            playbooks_dir=tmp / "pb",
            collectors_dir=ROOT / "collectors",
        )
        write_playbook(
            settings.playbooks_dir, SET_DESCRIPTION.replace("concurrency: 1", "concurrency: 16")
        )
        net = FakeNetwork()
        store = Store.from_settings(settings)
        service = PlaybookService(settings, inv, store, sessions=net.sessions)
        for mode in (False, True):
            request = service.prepare(
                "set-description",
                targets=["role:access"],
                params={"interface": "GE0/0/5"},
                commit=mode,
                actor="bench",
            )
            wanted = request.devices
            t0 = time.perf_counter()
            run = service.run(request)
            seconds = time.perf_counter() - t0
            assert run.status == "ok", run.counts
            _row(
                f"runner {'commit' if mode else 'dry-run'}, stand-in devices", len(wanted), seconds
            )
        t0 = time.perf_counter()
        problems = service.audit.verify()
        results = sum(len(r.devices) for r in service.runs(limit=10_000))
        _row(
            f"audit chain verify ({results} device results)",
            len(service.runs()),
            time.perf_counter() - t0,
            "run",
        )
        assert not problems
        store.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def bench_lab(count: int) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="netops-bench-pb-lab-"))
    endpoints = tmp / "endpoints.json"
    ref = ROOT / "inventory" / "district"
    t0 = time.perf_counter()
    control.up(ref, endpoints)
    _row("lab up (reference network)", 1, time.perf_counter() - t0, "lab")
    try:
        inv = load_inventory(ref)
        settings = load_settings(
            inventory=ref,
            state_dir=tmp / "state",
            playbooks_dir=ROOT / "playbooks",
            collectors_dir=ROOT / "collectors",
        )
        store = Store.from_settings(settings)
        service = PlaybookService(settings, inv, store, endpoints=load_endpoints(endpoints))
        access = [
            d.name
            for d in inv.devices
            if d.role is Role.ACCESS and d.platform is not Platform.CISCO_IOS
        ][:count]
        t0 = time.perf_counter()
        for name in access:
            run = service.run(
                service.prepare(
                    "shutdown-port",
                    targets=[name],
                    params={
                        "interface": "GE0/0/5"
                        if inv.device(name).platform is Platform.HUAWEI_VRP
                        else "GE1/0/5"
                    },
                    actor="bench",
                )
            )
            assert run.status == "ok", run.results
        _row(
            "lab: shutdown-port dry-run, one run per device", len(access), time.perf_counter() - t0
        )
        t0 = time.perf_counter()
        run = service.run(service.prepare("collect-diagnostics", targets=access, actor="bench"))
        _row(
            "lab: collect-diagnostics, one run (concurrency 8)",
            len(access),
            time.perf_counter() - t0,
        )
        store.close()
    finally:
        control.down(endpoints)
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--districts", type=int, default=10, help="province size for the runner")
    parser.add_argument("--lab", type=int, default=20, help="lab devices (0 = skip)")
    args = parser.parse_args()
    print(
        f"command: .venv/bin/python -m tests.bench.bench_playbooks --districts {args.districts} --lab {args.lab}"
    )
    print("| what                                           |      n |  seconds |          rate |")
    print("|------------------------------------------------|--------|----------|---------------|")
    bench_configtree()
    bench_runner(args.districts)
    if args.lab:
        bench_lab(args.lab)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MiB")


if __name__ == "__main__":
    main()
