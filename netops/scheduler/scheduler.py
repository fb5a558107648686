"""An asyncio scheduler: each registered job runs on its own interval, never twice at once.

A job is a name, an interval and a callable taking a :class:`JobContext` (a coroutine
function, or a plain function that is run in a worker thread, or with ``isolate`` in a
child process of its own: :mod:`netops.scheduler.isolated`). A failing job is
recorded (state, metrics) and tried again at its next due time; it never stops the
scheduler or another job. The last run of every job is kept in the store, so after a
restart a daily job that ran an hour ago waits 23 hours instead of running again.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from netops.errors import NotFoundError
from netops.inventory import Inventory
from netops.scheduler.isolated import can_isolate, run_isolated
from netops.settings import Settings
from netops.store import Store
from netops.store.jobs import JobState, JobStateStore

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class JobContext:
    """What every job gets: the settings, the inventory, the store and the endpoints file."""

    settings: Settings
    inventory: Inventory
    store: Store
    endpoints: Path | None = None


JobFunction = Callable[[JobContext], Awaitable[Any] | Any]


@dataclass(frozen=True)
class Job:
    """A unit of periodic work."""

    name: str
    interval: float
    run: JobFunction
    timeout: float | None = field(default=None, metadata={"doc": "None = the interval"})
    description: str = ""
    isolate: bool = field(
        default=False,
        metadata={
            "doc": "run in a child process (netops.scheduler.isolated); run must be "
            "a module-level function"
        },
    )

    def __post_init__(self) -> None:
        if self.interval <= 0:
            raise ValueError(f"job {self.name}: interval must be positive")


@dataclass(frozen=True)
class JobStatus:
    """A job's definition and how it has gone, for the API and metrics."""

    name: str
    description: str
    interval: float
    running: bool
    next_run: datetime | None
    state: JobState


class Scheduler:
    """Runs jobs on their intervals until :meth:`stop`; state in the store."""

    def __init__(self, jobs: Iterable[Job], context: JobContext) -> None:
        self.jobs: dict[str, Job] = {}
        for job in jobs:
            if job.name in self.jobs:
                raise ValueError(f"two jobs are called {job.name!r}")
            self.jobs[job.name] = job
        self.context = context
        self._states = JobStateStore(context.store)
        loaded = self._states.load()
        self.state: dict[str, JobState] = {
            name: loaded.get(name, JobState(name)) for name in self.jobs
        }
        self._locks = {name: asyncio.Lock() for name in self.jobs}
        self._next: dict[str, datetime | None] = dict.fromkeys(self.jobs)
        self._wake: dict[str, asyncio.Event] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = asyncio.Event()

    # -- running --------------------------------------------------------------------------------
    def start(self) -> None:
        """Start one loop per job in the running event loop."""
        if self._tasks:
            return
        self._stopping.clear()
        for name in self.jobs:
            self._wake[name] = asyncio.Event()
            self._tasks.append(asyncio.create_task(self._loop(name), name=f"job:{name}"))

    async def stop(self, grace: float = 30.0) -> None:
        """Stop starting jobs; let running ones finish for ``grace`` seconds, then cancel them."""
        self._stopping.set()
        for event in self._wake.values():
            event.set()
        if not self._tasks:
            return
        _done, pending = await asyncio.wait(self._tasks, timeout=grace)
        for task in pending:
            log.warning("job %s did not finish within %.0f s of shutdown", task.get_name(), grace)
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*pending, return_exceptions=True)
        self._tasks.clear()

    def _first_due(self, name: str) -> datetime:
        last = self.state[name].last_started
        now = datetime.now(UTC)
        if last is None:
            return now
        due = last + timedelta(seconds=self.jobs[name].interval)
        return due if due > now else now

    async def _loop(self, name: str) -> None:
        job = self.jobs[name]
        self._next[name] = self._first_due(name)
        while not self._stopping.is_set():
            due = self._next[name]
            assert due is not None
            delay = (due - datetime.now(UTC)).total_seconds()
            if delay > 0:  # sleep until due, a trigger or shutdown, then look again
                wake = self._wake[name]
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(wake.wait(), timeout=delay)
                wake.clear()
                continue
            started = datetime.now(UTC)
            await self.run_now(name)
            # fixed rate from the start time; a run that overran starts the next at once
            self._next[name] = max(started + timedelta(seconds=job.interval), datetime.now(UTC))
        self._next[name] = None

    def trigger(self, name: str) -> None:
        """Make a job due now (it runs as soon as its loop wakes; no-op while it runs)."""
        if name not in self.jobs:
            raise NotFoundError(f"no job {name!r}; jobs are {', '.join(self.jobs) or 'none'}")
        self._next[name] = datetime.now(UTC)
        if name in self._wake:
            self._wake[name].set()

    async def run_now(self, name: str) -> JobState:
        """Run one job once, now (waits if it is already running); records the outcome."""
        if name not in self.jobs:
            raise NotFoundError(f"no job {name!r}; jobs are {', '.join(self.jobs) or 'none'}")
        job = self.jobs[name]
        async with self._locks[name]:
            state = self.state[name]
            started = datetime.now(UTC)
            state.last_started = started
            clock = time.monotonic()
            ok, error = True, None
            try:
                await asyncio.wait_for(self._call(job), timeout=job.timeout or job.interval)
            except TimeoutError:
                ok, error = False, f"timed out after {job.timeout or job.interval:.0f} s"
            except asyncio.CancelledError:
                ok, error = False, "cancelled at shutdown"
                self._finish(state, started, clock, ok, error)
                raise
            except Exception as exc:  # a failing job is a result, never a crash
                log.exception("job %s failed", name)
                ok, error = False, f"{type(exc).__name__}: {exc}"
            self._finish(state, started, clock, ok, error)
            return replace(state)

    def _finish(
        self, state: JobState, started: datetime, clock: float, ok: bool, error: str | None
    ) -> None:
        duration = time.monotonic() - clock
        state.last_finished = datetime.now(UTC)
        state.last_duration = duration
        state.last_ok, state.last_error = ok, error
        state.runs += 1
        if ok:
            state.last_success = started
        else:
            state.failures += 1
        if duration > self.jobs[state.name].interval:
            state.overruns += 1
        try:
            self._states.save(state)
        except Exception:  # the store being down must not kill the loop
            log.exception("could not save the state of job %s", state.name)

    async def _call(self, job: Job) -> None:
        if job.isolate:
            if can_isolate(self.context):
                await run_isolated(job.name, job.run, self.context)
                return
            log.warning("job %s runs in a thread: an in-memory database has no child", job.name)
        if inspect.iscoroutinefunction(job.run):
            await job.run(self.context)
            return
        result = await asyncio.to_thread(job.run, self.context)
        if inspect.isawaitable(result):
            await result

    # -- reading ---------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return bool(self._tasks) and not all(t.done() for t in self._tasks)

    def status(self) -> list[JobStatus]:
        return [
            JobStatus(
                name=name,
                description=job.description,
                interval=job.interval,
                running=self._locks[name].locked(),
                next_run=self._next[name],
                state=replace(self.state[name]),
            )
            for name, job in self.jobs.items()
        ]
