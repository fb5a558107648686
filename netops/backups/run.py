"""One config backup run: fetch every device's config, mask, write the history, record the outcome.

The fetching is a parameter (``fetch(device) -> text``): the SSH fetcher in production,
a replay in tests, synthetic configs in the benchmark — all go through the same masking,
history, status and event code. A device that cannot be fetched is a recorded failure
(its status keeps its last success), never the end of the run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import get_args

from netops.backups.changes import change_event, playbook_marks
from netops.backups.history import ConfigHistory, Expired, path_of
from netops.collectors.masking import mask_secrets
from netops.errors import CredentialError, NetopsError, TransportError
from netops.inventory import Device
from netops.models import ConfigBackupStatus, Event, FailureReason, PollResult, RunningConfig
from netops.store import Store

log = logging.getLogger(__name__)

#: Fetches one device's running configuration; raises TransportError/CredentialError.
Fetch = Callable[[Device], str]

_REASONS = frozenset(get_args(FailureReason))
_FLUSH_EVERY = 500  # config records saved in batches: a 15k-device run never holds every config


@dataclass(frozen=True)
class DeviceOutcome:
    """What happened to one device in a run."""

    device: str
    ok: bool
    started_at: datetime
    duration_seconds: float
    changed: bool = False
    new: bool = False
    reason: str | None = None
    error: str | None = None
    size_bytes: int = 0


@dataclass
class BackupRun:
    """The result of one run."""

    started_at: datetime
    finished_at: datetime
    revision: str | None
    previous_revision: str | None
    outcomes: list[DeviceOutcome] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    expired: Expired | None = None

    @property
    def counts(self) -> dict[str, int]:
        ok = [o for o in self.outcomes if o.ok]
        return {
            "devices": len(self.outcomes),
            "ok": len(ok),
            "failed": len(self.outcomes) - len(ok),
            "changed": sum(o.changed for o in ok),
            "new": sum(o.new for o in ok),
            "unchanged": sum(not o.changed and not o.new for o in ok),
        }

    def message(self) -> str:
        c = self.counts
        return (
            f"backup {self.started_at:%Y-%m-%dT%H:%MZ}: {c['devices']} devices, {c['ok']} ok, "
            f"{c['changed']} changed, {c['new']} new, {c['failed']} failed"
        )


def _fetch_one(
    device: Device, fetch: Fetch, mask_key: bytes | None = None
) -> tuple[DeviceOutcome, str | None]:
    started = datetime.now(UTC)
    t0 = time.perf_counter()
    try:
        text = mask_secrets(fetch(device), mask_key)
    except TransportError as exc:
        reason, error = exc.reason, str(exc)
    except CredentialError as exc:
        reason, error = "auth", str(exc)
    except NetopsError as exc:
        reason, error = "error", str(exc)
    except Exception as exc:  # a bug in one fetch must not end the run for the others
        log.exception("config fetch of %s failed unexpectedly", device.name)
        reason, error = "error", f"{type(exc).__name__}: {exc}"
    else:
        if not text.strip():
            return DeviceOutcome(
                device.name,
                False,
                started,
                time.perf_counter() - t0,
                reason="malformed",
                error="the device returned an empty configuration",
            ), None
        if not text.endswith("\n"):
            text += "\n"
        duration = time.perf_counter() - t0
        return DeviceOutcome(device.name, True, started, duration, size_bytes=len(text)), text
    return DeviceOutcome(
        device.name,
        False,
        started,
        time.perf_counter() - t0,
        reason=reason,
        error=mask_secrets(error),
    ), None


def run_backups(
    devices: Sequence[Device],
    fetch: Fetch,
    *,
    history: ConfigHistory,
    store: Store,
    concurrency: int = 32,
    store_config_records: bool = True,
    now: datetime | None = None,
    progress: Callable[[DeviceOutcome], None] | None = None,
    mask_key: bytes | None = None,
    retention: timedelta | None = None,
) -> BackupRun:
    """Back up ``devices``: one history commit (or none if nothing changed), statuses, events.

    Every config is masked here (again: masking is idempotent) before anything is written;
    with ``mask_key`` the placeholders carry keyed hashes, so a secret-only change is a
    change (see :mod:`netops.collectors.masking`). ``retention``: afterwards, versions
    older than that are dropped from the history (:meth:`ConfigHistory.expire`).
    """
    started = now or datetime.now(UTC)
    for device in devices:
        path_of(device.name)  # refuse unusable names before any session is opened
    previous = {
        s.device: s.records[0]
        for s in store.records("config_backup")
        if s.records and isinstance(s.records[0], ConfigBackupStatus)
    }
    outcomes: list[DeviceOutcome] = []
    config_records: list[tuple[str, str, list[RunningConfig], datetime, str]] = []
    with history.locked():
        writer = history.writer()
        try:
            with ThreadPoolExecutor(max_workers=max(1, concurrency)) as pool:
                futures = [pool.submit(_fetch_one, d, fetch, mask_key) for d in devices]
                for future in as_completed(futures):
                    outcome, text = future.result()
                    if text is not None:
                        is_new = outcome.device not in writer.previous
                        changed = writer.add(outcome.device, text)
                        outcome = DeviceOutcome(
                            **{**outcome.__dict__, "changed": changed and not is_new, "new": is_new}
                        )
                        # an unchanged config is already the stored record: writing it
                        # again would rewrite every config (~140 MB at 15k devices) per run
                        fresh = changed or outcome.device not in previous
                        if store_config_records and fresh:
                            config_records.append(
                                (
                                    outcome.device,
                                    "config",
                                    [RunningConfig(device=outcome.device, text=text)],
                                    outcome.started_at,
                                    "ssh",
                                )
                            )
                            if len(config_records) >= _FLUSH_EVERY:
                                store.save_many(config_records)
                                config_records.clear()
                    outcomes.append(outcome)
                    if progress is not None:
                        progress(outcome)
            run = BackupRun(started, started, None, writer.parent, sorted(outcomes, key=_by_name))
            revision = writer.commit(run.message(), started)
        except BaseException:
            writer.abort()
            raise
        if retention is not None:
            run.expired = history.expire(started - retention)
    run.revision = revision or writer.parent
    run.finished_at = datetime.now(UTC)
    run.events = _events(run, history, store, previous, started)
    _record(run, store, previous, config_records)
    return run


def _by_name(outcome: DeviceOutcome) -> str:
    return outcome.device


def _events(
    run: BackupRun,
    history: ConfigHistory,
    store: Store,
    previous: dict[str, ConfigBackupStatus],
    now: datetime,
) -> list[Event]:
    changed = [o.device for o in run.outcomes if o.changed]
    if not changed or run.revision is None or run.previous_revision is None:
        return []
    stats = history.numstat(run.previous_revision, run.revision)
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    since = min((previous[d].last_success or epoch) if d in previous else epoch for d in changed)
    marks = playbook_marks(store, changed, since)
    events = []
    for device in changed:
        last = previous[device].last_success if device in previous else None
        device_marks = [m for m in marks.get(device, []) if last is None or m.time >= last]
        added, removed = stats.get(device, (0, 0))
        events.append(
            change_event(
                device,
                time=now,
                revision=run.revision,
                previous_revision=run.previous_revision,
                added=added,
                removed=removed,
                marks=device_marks,
            )
        )
    return events


def _record(
    run: BackupRun,
    store: Store,
    previous: dict[str, ConfigBackupStatus],
    config_records: list[tuple[str, str, list[RunningConfig], datetime, str]],
) -> None:
    statuses = []
    polls = []
    for o in run.outcomes:
        before = previous.get(o.device)
        if o.ok:
            status = ConfigBackupStatus(
                device=o.device,
                last_attempt=o.started_at,
                last_success=o.started_at,
                revision=run.revision,
                changed=o.changed,
                change_count=(before.change_count if before else 0) + int(o.changed),
            )
        else:
            status = ConfigBackupStatus(
                device=o.device,
                last_attempt=o.started_at,
                last_success=before.last_success if before else None,
                error=f"{o.reason}: {o.error}",
                revision=before.revision if before else None,
                changed=False,
                change_count=before.change_count if before else 0,
            )
        statuses.append((o.device, "config_backup", [status], o.started_at, "ssh"))
        polls.append(
            PollResult(
                device=o.device,
                transport="ssh",
                ok=o.ok,
                reason=(o.reason if o.reason in _REASONS else "error") if not o.ok else None,
                error=o.error,
                started_at=o.started_at,
                duration_seconds=o.duration_seconds,
                record_counts={"config": 1} if o.ok else {},
            )
        )
    # apart: one batch of both kinds would read every device's stored config (the
    # existing-rows query covers every device of the batch for every kind in it)
    store.save_many(statuses)
    store.save_many(config_records)
    store.save_poll_results(polls)
    if run.events:
        store.add_events(run.events)
