"""The scheduler: intervals, failures as results, state across restarts, shutdown, triggers."""

from __future__ import annotations

import asyncio
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from netops.inventory import Inventory
from netops.scheduler import Job, JobContext, Scheduler
from netops.scheduler.metrics import families
from netops.settings import load_settings
from netops.store import Store


@pytest.fixture
def context(tmp_path: Path, reference: Inventory) -> JobContext:
    settings = load_settings(state_dir=tmp_path)
    return JobContext(settings, reference, Store(f"sqlite:///{tmp_path / 'netops.db'}"))


def test_jobs_run_on_their_intervals_and_failures_are_recorded(context: JobContext) -> None:
    calls: list[str] = []

    async def quick(ctx: JobContext) -> None:
        assert ctx.inventory.network.asn == 65000
        calls.append("quick")

    def broken(_ctx: JobContext) -> None:  # sync: runs in a thread
        calls.append("broken")
        raise RuntimeError("device table exploded")

    async def main() -> Scheduler:
        scheduler = Scheduler([Job("quick", 0.1, quick), Job("broken", 0.1, broken)], context)
        scheduler.start()
        assert scheduler.running
        await asyncio.sleep(0.45)
        await scheduler.stop(grace=1)
        assert not scheduler.running
        return scheduler

    scheduler = asyncio.run(main())
    assert 3 <= calls.count("quick") <= 6
    assert calls.count("broken") >= 3  # a failing job keeps its schedule
    status = {s.name: s.state for s in scheduler.status()}
    assert status["broken"].last_ok is False
    assert status["broken"].last_error == "RuntimeError: device table exploded"
    assert status["broken"].failures == status["broken"].runs
    assert status["quick"].failures == 0 and status["quick"].last_success is not None
    text = {m.name: m for m in families(scheduler)}
    assert {s.labels["job"]: s.value for s in text["netops_job_success"].samples} == {
        "quick": 1.0,
        "broken": 0.0,
    }


def test_state_survives_a_restart(context: JobContext) -> None:
    calls: list[datetime] = []

    async def daily(_ctx: JobContext) -> None:
        calls.append(datetime.now(UTC))

    async def first() -> None:
        scheduler = Scheduler([Job("daily", 86400, daily)], context)
        scheduler.start()
        await asyncio.sleep(0.2)
        await scheduler.stop()

    async def second() -> Scheduler:
        scheduler = Scheduler([Job("daily", 86400, daily)], context)
        scheduler.start()
        await asyncio.sleep(0.2)
        status = scheduler.status()[0]
        await scheduler.stop()
        assert status.next_run is not None
        assert status.next_run > datetime.now(UTC) + timedelta(hours=23)
        return scheduler

    asyncio.run(first())
    assert len(calls) == 1
    scheduler = asyncio.run(second())
    assert len(calls) == 1  # ran an instant ago: the restart does not run it again
    assert scheduler.status()[0].state.runs == 1


def test_trigger_runs_a_job_now_and_never_twice_at_once(context: JobContext) -> None:
    running = 0
    peak = 0
    runs = 0

    async def slow(_ctx: JobContext) -> None:
        nonlocal running, peak, runs
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.1)
        running -= 1
        runs += 1

    async def main() -> None:
        scheduler = Scheduler([Job("slow", 3600, slow)], context)
        scheduler.start()
        await asyncio.sleep(0.05)  # first run under way
        scheduler.trigger("slow")
        scheduler.trigger("slow")
        await asyncio.gather(scheduler.run_now("slow"), asyncio.sleep(0.4))
        await scheduler.stop()

    asyncio.run(main())
    assert peak == 1
    assert runs >= 2


def test_shutdown_lets_a_running_job_finish_then_cancels_stragglers(context: JobContext) -> None:
    finished = threading.Event()
    cancelled = []

    def patient(_ctx: JobContext) -> None:
        time.sleep(0.2)
        finished.set()

    async def stubborn(_ctx: JobContext) -> None:
        try:
            await asyncio.sleep(60)
        except asyncio.CancelledError:
            cancelled.append(True)
            raise

    async def main() -> Scheduler:
        scheduler = Scheduler(
            [Job("patient", 60, patient), Job("stubborn", 120, stubborn)], context
        )
        scheduler.start()
        await asyncio.sleep(0.05)
        started = time.monotonic()
        await scheduler.stop(grace=0.5)
        assert time.monotonic() - started < 2
        return scheduler

    scheduler = asyncio.run(main())
    assert finished.is_set()
    assert cancelled == [True]
    state = {s.name: s.state for s in scheduler.status()}
    assert state["patient"].last_ok is True
    assert state["stubborn"].last_error == "cancelled at shutdown"


def test_timeouts_and_bad_definitions(context: JobContext) -> None:
    async def hang(_ctx: JobContext) -> None:
        await asyncio.sleep(10)

    async def main() -> None:
        scheduler = Scheduler([Job("hang", 60, hang, timeout=0.1)], context)
        state = await scheduler.run_now("hang")
        assert state.last_ok is False and "timed out" in (state.last_error or "")

    asyncio.run(main())
    with pytest.raises(ValueError, match="interval"):
        Job("bad", 0, hang)
    with pytest.raises(ValueError, match="two jobs"):
        Scheduler([Job("a", 1, hang), Job("a", 2, hang)], context)
