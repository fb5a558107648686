"""Jobs in a child process: the work (and its CPU) leaves the server, results come back."""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import os
import resource
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from netops.api.jobs import registered_jobs
from netops.inventory import Inventory
from netops.models import Event
from netops.scheduler import Job, JobContext, Scheduler
from netops.settings import load_settings
from netops.store import Store


# -- jobs (module level: the child process imports them by name) --------------------------------
def spin_and_record(ctx: JobContext) -> None:
    """Burn a second of CPU, then leave an event in the store the parent reads."""
    end = time.process_time() + 1.0
    n = 0
    while time.process_time() < end:
        n += 1
    ctx.store.add_events(
        [
            Event(
                time=datetime.now(UTC),
                kind="test.isolated",
                severity="info",
                summary=f"{len(ctx.inventory.devices)} devices, pid {os.getpid()}",
                details={"state_dir": str(ctx.settings.state_dir)},
            )
        ]
    )


def fail(_ctx: JobContext) -> None:
    raise ValueError("the checks found the store unreadable")


def die(_ctx: JobContext) -> None:
    os._exit(3)


def hang(ctx: JobContext) -> None:
    (ctx.settings.state_dir / "hang.pid").write_text(str(os.getpid()))
    time.sleep(60)


@pytest.fixture
def context(tmp_path: Path, reference: Inventory) -> JobContext:
    settings = load_settings(state_dir=tmp_path)
    return JobContext(settings, reference, Store(f"sqlite:///{tmp_path / 'netops.db'}"))


def cpu(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def test_an_isolated_job_works_in_its_own_process(context: JobContext) -> None:
    scheduler = Scheduler([Job("spin", 60, spin_and_record, isolate=True)], context)
    ticks: list[float] = []

    async def ticker(stop: asyncio.Event) -> None:
        while not stop.is_set():
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)

    async def main() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(ticker(stop))
        state = await scheduler.run_now("spin")
        stop.set()
        await task
        assert state.last_ok, state.last_error

    mine, children = cpu(resource.RUSAGE_SELF), cpu(resource.RUSAGE_CHILDREN)
    asyncio.run(main())
    # the second of CPU was spent by the child, not by this (the server's) process
    assert cpu(resource.RUSAGE_CHILDREN) - children >= 0.9
    assert cpu(resource.RUSAGE_SELF) - mine < 0.5
    assert max(b - a for a, b in itertools.pairwise(ticks)) < 0.5  # loop kept going
    events = context.store.events(kind="test.isolated")
    assert len(events) == 1
    assert events[0].summary.startswith(f"{len(context.inventory.devices)} devices")
    assert f"pid {os.getpid()}" not in events[0].summary
    assert events[0].details["state_dir"] == str(context.settings.state_dir)


def test_failures_and_deaths_in_the_child_are_recorded(context: JobContext) -> None:
    jobs = [Job("fail", 60, fail, isolate=True), Job("die", 60, die, isolate=True)]
    scheduler = Scheduler(jobs, context)

    async def main() -> None:
        failed = await scheduler.run_now("fail")
        assert failed.last_ok is False
        assert failed.last_error == "JobError: ValueError: the checks found the store unreadable"
        died = await scheduler.run_now("die")
        assert died.last_ok is False
        assert "exit code 3" in (died.last_error or "")

    asyncio.run(main())


def test_a_job_past_its_timeout_has_its_process_stopped(context: JobContext) -> None:
    scheduler = Scheduler([Job("hang", 60, hang, timeout=6, isolate=True)], context)
    started = time.monotonic()
    state = asyncio.run(scheduler.run_now("hang"))
    assert time.monotonic() - started < 20
    assert state.last_ok is False and "timed out" in (state.last_error or "")
    assert not [p for p in multiprocessing.active_children() if p.name == "netops-job-hang"]
    pid_file = context.settings.state_dir / "hang.pid"
    if pid_file.exists():  # the job had started (a loaded machine may take longer)
        with pytest.raises(ProcessLookupError):  # terminated and reaped, not left running
            os.kill(int(pid_file.read_text()), 0)


def test_compliance_runs_in_a_process_by_default(tmp_path: Path) -> None:
    jobs = {j.name: j for j in registered_jobs(load_settings(state_dir=tmp_path))}
    assert jobs["compliance_check"].isolate
    assert not jobs["dbha_poll"].isolate
    other = load_settings(state_dir=tmp_path, scheduler={"process_jobs": ["config_backup"]})
    jobs = {j.name: j for j in registered_jobs(other)}
    assert jobs["config_backup"].isolate and not jobs["compliance_check"].isolate
