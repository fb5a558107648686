"""The SNMP poller: every device of a shard, bounded concurrency, a deadline per device.

One poll of a device: GET the profile's scalars (a dead or refusing device fails here, after
one request), walk its tables (columns of tables indexed alike go in one multi-column
GETBULK walk), map the answers to records (``snmp_map``), compute rates against the
previous poll (``rates``) and hand the result to the writer. Whatever happens, the device
gets a :class:`PollResult`; record kinds whose tables were all fetched are saved even when
a later walk failed, the others keep their previous records.

Writes (records, poll results, failure counters, InfluxDB points) go through
:class:`ResultWriter` on a worker thread, so a slow database never stalls polling.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from netops.collectors.rates import rebooted, with_rates
from netops.collectors.snmp_map import Fetched, map_records, plan
from netops.collectors.snmp_profiles import SnmpProfile
from netops.collectors.targets import snmp_target
from netops.credentials import Secrets
from netops.endpoints import DeviceEndpoints
from netops.errors import NetopsError, TransportError
from netops.inventory import Device, Inventory
from netops.models import Event, Interface, PollResult, Record, SystemInfo
from netops.settings import SnmpSettings
from netops.store import Store
from netops.transports.snmp.types import OID, Cell, VarBind
from netops.transports.targets import SnmpTarget

log = logging.getLogger(__name__)

_REASONS = {"timeout", "auth", "refused", "malformed", "partial", "restarted", "unreachable"}


class Client(Protocol):
    """What the poller needs from an SNMP client (the real one, or a replay)."""

    async def get(
        self, target: SnmpTarget, oids: Sequence[OID], *, timeout: float = ..., retries: int = ...
    ) -> list[VarBind]: ...

    async def walk_rows(
        self,
        target: SnmpTarget,
        columns: Sequence[OID],
        *,
        max_repetitions: int = ...,
        timeout: float = ...,
        retries: int = ...,
    ) -> dict[OID, dict[OID, Cell]]: ...


def shard_of(name: str, count: int) -> int:
    """The shard (0..count-1) of a device: stable across runs and machines (CRC-32 of the name)."""
    return zlib.crc32(name.encode("utf-8")) % count


def in_shard(devices: Iterable[Device], index: int, count: int) -> list[Device]:
    return [d for d in devices if shard_of(d.name, count) == index]


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` -> (1, 4): shards are numbered from 1 on the command line."""
    try:
        i, n = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard wants I/N (e.g. 1/2), not {text!r}") from None
    if not 1 <= i <= n:
        raise ValueError(f"--shard {text}: I must be between 1 and N")
    return i - 1, n


@dataclass(frozen=True)
class Timing:
    timeout: float
    retries: int
    max_repetitions: int
    interval: float


def timing_for(settings: SnmpSettings, device: Device) -> Timing:
    """The device's timing: the first matching override over the defaults."""
    t = Timing(settings.timeout, settings.retries, settings.max_repetitions, settings.interval)
    for o in settings.overrides:
        if o.matches(device.name, device.role.value, device.platform.value):
            return Timing(
                o.timeout or t.timeout,
                o.retries if o.retries is not None else t.retries,
                o.max_repetitions or t.max_repetitions,
                o.interval or t.interval,
            )
    return t


@dataclass
class DevicePoll:
    """What one poll of one device produced."""

    device: str
    result: PollResult
    records: dict[str, list[Record]] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        r = self.result
        return {
            "name": self.device,
            "ok": r.ok,
            "error": None if r.ok else {"reason": r.reason, "message": r.error},
            "duration_seconds": round(r.duration_seconds, 4),
            "overran": r.overran,
            "warnings": list(r.warnings),
            "records": {
                kind: [x.model_dump(mode="json", exclude={"device"}) for x in recs]
                for kind, recs in self.records.items()
            },
        }


@dataclass
class _Previous:
    at: float  # wall-clock seconds
    uptime: float | None
    interfaces: list[Interface]


def _walk_groups(profile: SnmpProfile, max_columns: int) -> list[tuple[list[str], list[OID]]]:
    """Tables to walk together (same index layout, at most ``max_columns`` columns a walk),
    in the order of the record kinds that need them: if the agent dies half way, the first
    kinds of the profile (system, interfaces, health...) are the ones already complete."""
    priority: dict[str, int] = {}
    for rank, needed in enumerate(_kind_tables(profile).values()):
        for table in needed:
            priority.setdefault(table, rank)
    tables = sorted(profile.plan.tables, key=lambda t: priority.get(t, len(priority)))
    by_layout: dict[tuple[str, ...], list[str]] = {}
    for name in tables:
        layout = tuple(p.type for p in profile.section.tables[name].index)
        by_layout.setdefault(layout, []).append(name)
    groups: list[tuple[list[str], list[OID]]] = []
    for names in by_layout.values():
        current: tuple[list[str], list[OID]] = ([], [])
        for name in names:
            cols = list(profile.plan.tables[name].values())
            if current[1] and len(current[1]) + len(cols) > max_columns:
                groups.append(current)
                current = ([], [])
            current[0].append(name)
            current[1].extend(cols)
        if current[1]:
            groups.append(current)
    groups.sort(key=lambda g: min(priority.get(t, len(priority)) for t in g[0]))
    return groups


def _kind_tables(profile: SnmpProfile) -> dict[str, set[str]]:
    """The tables each record kind needs (all of them fetched = the kind can be mapped)."""
    out: dict[str, set[str]] = {}
    for kind in profile.kinds:
        only = profile.section.model_copy(update={"records": {kind: profile.section.records[kind]}})
        out[kind] = set(plan(only).tables)
    return out


class SnmpPoller:
    """Polls devices over SNMP with one client; results go to ``on_result``."""

    def __init__(
        self,
        inventory: Inventory,
        profiles: dict[str, SnmpProfile],
        settings: SnmpSettings,
        client: Client,
        secrets: Secrets,
        *,
        endpoints: dict[str, DeviceEndpoints] | None = None,
        store: Store | None = None,
    ) -> None:
        self.inventory = inventory
        self.profiles = profiles
        self.settings = settings
        self.client = client
        self.secrets = secrets
        self.endpoints = endpoints
        self.store = store
        self._previous: dict[str, _Previous] = {}
        self._groups = {p: _walk_groups(prof, settings.max_columns) for p, prof in profiles.items()}
        self._kind_tables = {p: _kind_tables(prof) for p, prof in profiles.items()}
        self._kind_scalars = {
            p: {k for k in prof.kinds if _uses_scalars(prof, k)} for p, prof in profiles.items()
        }

    # -- previous state (rates) -------------------------------------------------------------
    def _previous_of(self, device: str) -> _Previous | None:
        if device in self._previous:
            return self._previous[device]
        if self.store is None:
            return None
        stored = self.store.device_records(device)
        ifaces = stored.get("interface")
        if ifaces is None or ifaces.source != "snmp":
            return None
        system = stored.get("system")
        uptime = None
        if system is not None and system.records:
            first = system.records[0]
            uptime = first.uptime_seconds if isinstance(first, SystemInfo) else None
        return _Previous(
            ifaces.collected_at.timestamp(),
            uptime,
            [r for r in ifaces.records if isinstance(r, Interface)],
        )

    # -- one device -----------------------------------------------------------------------------
    async def poll_device(self, device: Device) -> DevicePoll:
        started = datetime.now(UTC)
        t0 = time.perf_counter()
        timing = timing_for(self.settings, device)
        out = DevicePoll(device.name, _result(device.name, started, 0.0, False, "error", ""))
        try:
            out = await asyncio.wait_for(
                self._poll(device, started, t0, timing), timeout=self.settings.device_timeout
            )
        except TimeoutError:
            out.result = _result(
                device.name,
                started,
                time.perf_counter() - t0,
                False,
                "timeout",
                f"{device.name}: poll cut off after {self.settings.device_timeout:g} s "
                "(setting snmp.device_timeout)",
            )
        except Exception as exc:  # a bug must not take the cycle down: record it
            log.exception("%s: poll failed", device.name)
            out.result = _result(
                device.name,
                started,
                time.perf_counter() - t0,
                False,
                "error",
                f"{device.name}: internal error: {type(exc).__name__}: {exc}",
            )
        duration = out.result.duration_seconds
        if duration > timing.interval and not out.result.overran:
            out.result = out.result.model_copy(update={"overran": True})
        return out

    async def _poll(
        self, device: Device, started: datetime, t0: float, timing: Timing
    ) -> DevicePoll:
        name = device.name
        profile = self.profiles.get(device.platform.value)
        if profile is None:
            return DevicePoll(
                name,
                _result(
                    name,
                    started,
                    0.0,
                    False,
                    "error",
                    f"{name}: no SNMP profile for "
                    f"platform {device.platform.value!r} in the collectors folder",
                ),
            )
        try:
            target = snmp_target(self.inventory, device, self.secrets, self.endpoints)
        except NetopsError as exc:
            return DevicePoll(name, _result(name, started, 0.0, False, "error", str(exc)))
        section = profile.section
        scalars_plan = profile.plan.scalars
        failure: TransportError | None = None
        scalars: dict[str, VarBind] = {}
        walks: dict[str, dict[OID, dict[OID, Cell]]] = {}
        requests = 0
        try:
            if scalars_plan:
                names = list(scalars_plan)
                answers = await self.client.get(
                    target,
                    [scalars_plan[n] for n in names],
                    timeout=timing.timeout,
                    retries=timing.retries,
                )
                requests += 1
                scalars = dict(zip(names, answers, strict=False))
            for tables, columns in self._groups[device.platform.value]:
                got = await self.client.walk_rows(
                    target,
                    columns,
                    max_repetitions=timing.max_repetitions,
                    timeout=timing.timeout,
                    retries=timing.retries,
                )
                requests += 1
                for table in tables:
                    wanted = profile.plan.tables[table].values()
                    walks[table] = {c: got.get(c, {}) for c in wanted}
        except TransportError as exc:
            failure = exc
        fetched_tables = set(walks)
        have_scalars = bool(scalars) or not scalars_plan
        kinds = [
            k
            for k, needed in self._kind_tables[device.platform.value].items()
            if needed <= fetched_tables
            and (have_scalars or k not in self._kind_scalars[device.platform.value])
        ]
        fetched = Fetched.from_rows(section, scalars, walks)
        records, problems = map_records(section, fetched, name, kinds)
        now = time.time()
        events: list[Event] = []
        records = self._rates(name, records, now, events)
        duration = time.perf_counter() - t0
        counts = {k: len(v) for k, v in records.items()}
        if failure is not None:
            reason = failure.reason if failure.reason in _REASONS else "error"
            result = _result(name, started, duration, False, reason, str(failure))
        else:
            result = _result(name, started, duration, True, None, None)
        result = result.model_copy(
            update={
                "record_counts": counts,
                "warnings": tuple(problems[:20]),
                "overran": duration > timing.interval,
            }
        )
        return DevicePoll(name, result, records, events)

    def _rates(
        self, name: str, records: dict[str, list[Record]], now: float, events: list[Event]
    ) -> dict[str, list[Record]]:
        system = records.get("system") or []
        uptime = system[0].uptime_seconds if system and isinstance(system[0], SystemInfo) else None
        ifaces = [r for r in records.get("interface", []) if isinstance(r, Interface)]
        previous = self._previous_of(name)
        if previous is not None and "interface" in records:
            elapsed = now - previous.at
            restart = rebooted(previous.uptime, uptime, elapsed)
            if restart:
                events.append(
                    Event(
                        time=datetime.now(UTC),
                        kind="device.restarted",
                        device=name,
                        severity="warning",
                        summary=f"{name} restarted: sysUpTime went from "
                        f"{previous.uptime:.0f} s to {uptime:.0f} s",
                        details={"previous_uptime": previous.uptime, "uptime": uptime},
                    )
                )
            ifaces = with_rates(
                ifaces,
                previous.interfaces,
                elapsed,
                restarted=restart,
                tolerance=self.settings.counter_wrap_tolerance,
            )
            records = {**records, "interface": list(ifaces)}
        if "interface" in records:
            self._previous[name] = _Previous(now, uptime, ifaces)
        return records

    # -- many devices ---------------------------------------------------------------------------
    async def poll_many(
        self, devices: Sequence[Device], on_result: Callable[[DevicePoll], None] | None = None
    ) -> list[DevicePoll]:
        """Poll ``devices`` once, at most ``concurrency`` at a time; results in input order."""
        limit = asyncio.Semaphore(self.settings.concurrency)

        async def one(device: Device) -> DevicePoll:
            async with limit:
                polled = await self.poll_device(device)
            if on_result is not None:
                on_result(polled)
            return polled

        return list(await asyncio.gather(*(one(d) for d in devices)))

    async def run_forever(
        self,
        devices: Sequence[Device],
        on_result: Callable[[DevicePoll], None],
        stop: asyncio.Event,
    ) -> None:
        """Poll each device on its own interval (first polls spread over the first interval)."""
        limit = asyncio.Semaphore(self.settings.concurrency)
        loop = asyncio.get_running_loop()
        start = loop.time()

        async def keep_polling(device: Device) -> None:
            interval = timing_for(self.settings, device).interval
            # spread first polls over the interval by a stable hash, not all at once
            due = start + (shard_of(device.name, 10_000) / 10_000.0) * interval
            while not stop.is_set():
                delay = due - loop.time()
                if delay > 0:
                    try:
                        await asyncio.wait_for(stop.wait(), timeout=delay)
                        return
                    except TimeoutError:
                        pass
                async with limit:
                    polled = await self.poll_device(device)
                on_result(polled)
                # next slot on the interval grid; skip the slots an overrun already missed
                missed = max(0, math.floor((loop.time() - due) / interval))
                due += interval * (missed + 1)

        await asyncio.gather(*(keep_polling(d) for d in devices))


def _uses_scalars(profile: SnmpProfile, kind: str) -> bool:
    only = profile.section.model_copy(update={"records": {kind: profile.section.records[kind]}})
    return bool(plan(only).scalars)


def _result(
    device: str,
    started: datetime,
    duration: float,
    ok: bool,
    reason: str | None,
    error: str | None,
) -> PollResult:
    return PollResult.model_validate(
        {
            "device": device,
            "transport": "snmp",
            "ok": ok,
            "reason": reason,
            "error": error,
            "started_at": started,
            "duration_seconds": duration,
        }
    )
