"""Run SNMP polling: once or forever, in this process or sharded over worker processes.

Worker processes each poll a stable shard of the devices (``shard_of``: CRC-32 of the name)
with their own client and writer, so both cores are used; with ``--shard I/N`` this process
is one such shard and several machines (or service units) can split a province.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from netops.collectors.snmp_poller import DevicePoll, SnmpPoller, in_shard
from netops.collectors.snmp_profiles import load_snmp_profiles
from netops.collectors.writer import ResultWriter, save_cycle
from netops.credentials import load_secrets
from netops.endpoints import load_endpoints
from netops.inventory import Device, Inventory, load_inventory
from netops.settings import Settings
from netops.store import Store
from netops.transports.snmp.client import SnmpClient

#: Below this many devices, one process polls them all (a worker costs ~0.5 s to start).
DEVICES_PER_WORKER = 150


@dataclass(frozen=True)
class PollJob:
    """What to poll (picklable: sent to worker processes)."""

    settings: dict[str, Any]
    inventory: str
    endpoints: str | None
    devices: tuple[str, ...]  # empty = every device
    shard: tuple[int, int] | None  # (index from 0, count)


def select_devices(
    inv: Inventory, names: tuple[str, ...], shard: tuple[int, int] | None
) -> list[Device]:
    """The devices a job polls: named ones (unknown names are an error) or all, in its shard."""
    if names:
        unknown = [n for n in names if n not in inv.device_by_name]
        if unknown:
            raise KeyError(f"no device {', '.join(map(repr, unknown))} in inventory {inv.source}")
        devices = [inv.device_by_name[n] for n in names]
    else:
        devices = list(inv.devices)
    if shard is not None:
        devices = in_shard(devices, *shard)
    return devices


def worker_count(settings: Settings, devices: int) -> int:
    cores = os.cpu_count() or 1
    wanted = settings.snmp.workers or cores
    return max(1, min(wanted, math.ceil(devices / DEVICES_PER_WORKER)))


def _context(job: PollJob) -> tuple[Settings, Inventory, list[Device], SnmpPoller, Store]:
    settings = Settings.model_validate(job.settings)
    inv = load_inventory(Path(job.inventory))
    devices = select_devices(inv, job.devices, job.shard)
    profiles = load_snmp_profiles(settings.collectors_dir)
    endpoints = load_endpoints(Path(job.endpoints)) if job.endpoints else None
    store = Store.from_settings(settings)
    secrets = load_secrets(settings.secrets_file)
    poller = SnmpPoller(
        inv, profiles, settings.snmp, _NoClient(), secrets, endpoints=endpoints, store=store
    )
    return settings, inv, devices, poller, store


class _NoClient:
    """Placeholder until the real client is opened inside the event loop."""

    async def get(self, *_: Any, **__: Any) -> Any:
        raise RuntimeError("SNMP client not opened")

    async def walk(self, *_: Any, **__: Any) -> Any:
        raise RuntimeError("SNMP client not opened")

    async def walk_rows(self, *_: Any, **__: Any) -> Any:
        raise RuntimeError("SNMP client not opened")


def client_for(settings: Settings) -> SnmpClient:
    """The SNMP client as the settings say (retry backoff, adaptive waits)."""
    return SnmpClient(backoff=settings.snmp.backoff, max_timeout=settings.snmp.max_timeout)


def _influx(settings: Settings) -> object | None:
    if not settings.influx.url:
        return None
    from netops.collectors.influx import InfluxWriter

    return InfluxWriter(settings.influx)


async def _once(job: PollJob) -> list[dict[str, Any]]:
    settings, _inv, devices, poller, store = _context(job)
    writer = ResultWriter(store, _influx(settings))
    try:
        async with client_for(settings) as client:
            poller.client = client
            t0 = time.perf_counter()
            polls = await poller.poll_many(devices, writer.submit)
            if job.shard is None or job.shard[1] == 1:
                save_cycle(store, time.perf_counter() - t0)
    finally:
        writer.close()
        store.close()
    return [p.to_json() for p in polls]


def run_job_once(job: PollJob) -> list[dict[str, Any]]:
    """Poll a job's devices once (in this process)."""
    return asyncio.run(_once(job))


def poll_once(job: PollJob, settings: Settings) -> list[dict[str, Any]]:
    """Poll once, over worker processes when there are enough devices; entries in device order."""
    inv = load_inventory(Path(job.inventory))
    devices = select_devices(inv, job.devices, job.shard)
    workers = 1 if job.shard is not None else worker_count(settings, len(devices))
    if workers == 1:
        return run_job_once(job)
    Store.from_settings(settings).close()  # tables made once, before workers race to it
    t0 = time.perf_counter()
    jobs = [
        PollJob(job.settings, job.inventory, job.endpoints, job.devices, (i, workers))
        for i in range(workers)
    ]
    with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
        parts = list(pool.map(run_job_once, jobs))
    store = Store.from_settings(settings)
    try:
        save_cycle(store, time.perf_counter() - t0)
    finally:
        store.close()
    by_name = {entry["name"]: entry for part in parts for entry in part}
    return [by_name[d.name] for d in devices if d.name in by_name]


async def _forever(job: PollJob) -> None:
    settings, _inv, devices, poller, store = _context(job)
    writer = ResultWriter(store, _influx(settings))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    seen: set[str] = set()
    window = time.perf_counter()

    def on_result(poll: DevicePoll) -> None:
        nonlocal window
        writer.submit(poll)
        seen.add(poll.device)
        if len(seen) == len(devices):  # every device polled once: one cycle
            save_cycle(store, time.perf_counter() - window)
            seen.clear()
            window = time.perf_counter()

    try:
        async with client_for(settings) as client:
            poller.client = client
            await poller.run_forever(devices, on_result, stop)
    finally:
        writer.close()
        store.close()


def run_job_forever(job: PollJob) -> None:
    asyncio.run(_forever(job))


def poll_forever(job: PollJob, settings: Settings) -> None:
    """Poll on the interval until SIGINT/SIGTERM, sharded over worker processes."""
    inv = load_inventory(Path(job.inventory))
    devices = select_devices(inv, job.devices, job.shard)
    workers = 1 if job.shard is not None else worker_count(settings, len(devices))
    if workers == 1:
        run_job_forever(job)
        return
    Store.from_settings(settings).close()  # tables made once, before workers race to it
    jobs = [
        PollJob(job.settings, job.inventory, job.endpoints, job.devices, (i, workers))
        for i in range(workers)
    ]
    ctx = get_context("spawn")
    procs = [
        ctx.Process(target=run_job_forever, args=(j,), name=f"netops-poll-{i}")
        for i, j in enumerate(jobs)
    ]
    for p in procs:
        p.start()

    def stop_workers(*_: object) -> None:
        for p in procs:
            if p.pid is not None and p.is_alive():
                os.kill(p.pid, signal.SIGTERM)

    previous = signal.signal(signal.SIGTERM, stop_workers)  # a service stop reaches the workers
    try:
        for p in procs:
            p.join()
    except KeyboardInterrupt:  # Ctrl-C reached the workers too (same process group)
        stop_workers()
        for p in procs:
            p.join()
    finally:
        signal.signal(signal.SIGTERM, previous)
