"""Save poll results off the event loop: records, poll status, counters, events, time series.

The poller calls :meth:`ResultWriter.submit` (never blocks); a thread drains the queue and
writes batches in one transaction each. A failing database write is logged and retried
with the next batch's data kept; the poller keeps polling either way.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime

from netops.collectors.snmp_poller import DevicePoll
from netops.models import PollResult, Record
from netops.store import Store
from netops.store.stats import update_stats

log = logging.getLogger(__name__)

#: Stat names (see netops.collectors.metrics)
FAILURES = "poll_failures"
LAST_SUCCESS = "poll_last_success"
CYCLE = "poll_cycle_duration"


def save_polls(store: Store, polls: Sequence[DevicePoll], transport: str = "snmp") -> None:
    """Write a batch of device polls: records, results, failure counters, events."""
    batch: list[tuple[str, str, Sequence[Record], datetime, str]] = []
    results: list[PollResult] = []
    events = []
    failures: list[tuple[str, dict[str, str], float]] = []
    successes: list[tuple[str, dict[str, str], float]] = []
    for poll in polls:
        at = poll.result.started_at
        for kind, records in poll.records.items():
            batch.append((poll.device, kind, records, at, transport))
        results.append(poll.result)
        events.extend(poll.events)
        labels = {"device": poll.device, "transport": transport}
        if poll.result.ok:
            successes.append((LAST_SUCCESS, labels, at.timestamp() + poll.result.duration_seconds))
        else:
            failures.append((FAILURES, {**labels, "reason": poll.result.reason or "error"}, 1.0))
    store.save_many(batch)
    store.save_poll_results(results)
    if events:
        store.add_events(events)
    update_stats(store, add=failures, set_=successes)


def save_cycle(store: Store, seconds: float, transport: str = "snmp") -> None:
    update_stats(store, set_=[(CYCLE, {"transport": transport}, seconds)])


class ResultWriter:
    """A thread that saves submitted polls in batches (``flush`` waits for what is queued)."""

    def __init__(self, store: Store, influx: object | None = None, batch: int = 200) -> None:
        self.store = store
        self.influx = influx
        self.batch = batch
        self._queue: queue.Queue[DevicePoll | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="netops-writer", daemon=True)
        self._thread.start()
        self.errors = 0

    def submit(self, poll: DevicePoll) -> None:
        self._queue.put(poll)
        if self.influx is not None:
            self.influx.write_poll(poll)  # type: ignore[attr-defined]

    def _run(self) -> None:
        stop = False
        while not stop:
            item = self._queue.get()
            polls: list[DevicePoll] = []
            if item is None:
                stop = True
            else:
                polls.append(item)
            while len(polls) < self.batch:
                try:
                    more = self._queue.get(timeout=0.05 if polls else 0)
                except queue.Empty:
                    break
                if more is None:
                    stop = True
                    break
                polls.append(more)
            if polls:
                self._write(polls)
            for _ in range(len(polls) + (1 if stop else 0)):
                self._queue.task_done()

    def _write(self, polls: list[DevicePoll]) -> None:
        for attempt in range(3):
            try:
                save_polls(self.store, polls)
                return
            except Exception:  # keep polling; say so loudly
                log.exception("saving %d poll results failed (attempt %d)", len(polls), attempt + 1)
                time.sleep(0.5 * (attempt + 1))
        self.errors += 1

    def flush(self) -> None:
        """Block until everything submitted so far is written."""
        self._queue.join()

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self.influx is not None:
            self.influx.close()  # type: ignore[attr-defined]


def now_utc() -> datetime:
    return datetime.now(UTC)
