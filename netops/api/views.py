"""What the API and the metrics derive from the store and the inventory (pure functions).

The store holds what collectors saw (records, poll results); the inventory says what
should be. These functions join the two: the state of each device, the uplinks of each
aggregation point, backups against their policies, the state of each database pair.
:func:`read_snapshot` reads what they need from the store in one go.
"""

from __future__ import annotations

import contextlib
from collections import defaultdict
from collections.abc import Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from typing import Any, Literal

from netops.inventory import HaKind, Inventory, Role
from netops.models import ConfigBackupStatus, DbBackup, DbNodeStatus, Interface, PollResult
from netops.store import Store
from netops.store.latest import Row, latest_cache

DeviceState = Literal["down", "degraded", "stale", "unknown", "up"]
#: Worst first: the order tables sort by.
STATE_ORDER: dict[str, int] = {"down": 0, "degraded": 1, "stale": 2, "unknown": 3, "up": 4}


class Snapshot:
    """The store's latest state, read lazily and at most once per kind: poll results and
    the records the views need, through the store's :func:`latest_cache` (so a read
    decodes only the rows that changed since the last one)."""

    def __init__(self, store: Store, taken_at: datetime) -> None:
        self.store = store
        self.taken_at = taken_at
        self.cache = latest_cache(store)
        self._oper: dict[str, dict[str, str | None]] = {}
        self.memo: dict[str, Any] = {}  # what callers derive from this snapshot, kept with it
        self._rows: dict[str, dict[str, Row]] = {}

    @cached_property
    def polls(self) -> dict[str, list[PollResult]]:
        polls: dict[str, list[PollResult]] = defaultdict(list)
        for result in self.cache.poll_results():
            polls[result.device].append(result)
        return dict(polls)

    def kinds(self, kinds: tuple[str, ...]) -> dict[str, dict[str, Row]]:
        """Every device's rows of these kinds (each kind read once per snapshot)."""
        missing = tuple(k for k in kinds if k not in self._rows)
        if missing:
            self._rows.update(self.cache.kinds(missing))
        return {k: self._rows[k] for k in kinds}

    def rows(self, kind: str) -> dict[str, Row]:
        """Every device's row of ``kind`` as stored (JSON dicts; typed on demand)."""
        return self.kinds((kind,))[kind]

    @property
    def interface_rows(self) -> dict[str, Row]:
        """Every device's interface records as stored (JSON dicts), by device."""
        return self.rows("interface")

    @cached_property
    def interface_dicts(self) -> dict[str, dict[str, dict[str, Any]]]:
        """Every device's interfaces as stored (JSON dicts) by name (the last of a name wins)."""
        return {
            device: {d["name"]: d for d in row.data} for device, row in self.interface_rows.items()
        }

    @cached_property
    def interfaces(self) -> dict[str, dict[str, Interface]]:
        """Every device's interfaces by name."""
        return {
            device: {r.name: r for r in row.typed.records if isinstance(r, Interface)}
            for device, row in self.interface_rows.items()
        }

    def interfaces_of(self, device: str) -> dict[str, Interface]:
        """One device's interfaces."""
        row = self.interface_rows.get(device)
        if row is None:
            return {}
        return {r.name: r for r in row.typed.records if isinstance(r, Interface)}

    def oper_status(self, device: str) -> dict[str, str | None]:
        """One device's interfaces' ifOperStatus by name (no model built)."""
        found = self._oper.get(device)
        if found is None:
            row = self.interface_rows.get(device)
            found = {d["name"]: d.get("oper_status") for d in row.data} if row else {}
            self._oper[device] = found
        return found

    @cached_property
    def config_backups(self) -> dict[str, ConfigBackupStatus]:
        return {
            s.device: r
            for s in (row.typed for row in self.rows("config_backup").values())
            for r in s.records
            if isinstance(r, ConfigBackupStatus)
        }

    @cached_property
    def db_nodes(self) -> dict[str, DbNodeStatus]:
        return {
            s.device: r
            for s in (row.typed for row in self.rows("db_node").values())
            for r in s.records
            if isinstance(r, DbNodeStatus)
        }

    @cached_property
    def db_node_times(self) -> dict[str, datetime]:
        """When each database node's status was collected."""
        return {device: row.collected_at for device, row in self.rows("db_node").items()}

    @cached_property
    def db_backups(self) -> list[DbBackup]:
        return [
            r
            for s in (row.typed for row in self.rows("db_backup").values())
            for r in s.records
            if isinstance(r, DbBackup)
        ]


_shared: ContextVar[dict[int, Snapshot] | None] = ContextVar("netops_snapshots", default=None)


@contextlib.contextmanager
def shared_snapshots() -> Iterator[None]:
    """Within this block, :func:`read_snapshot` reads each store once (one scrape, one read)."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


def read_snapshot(store: Store, now: datetime | None = None) -> Snapshot:
    cache = _shared.get()
    if cache is not None and now is None:
        if id(store) not in cache:
            cache[id(store)] = Snapshot(store, datetime.now(UTC))
        return cache[id(store)]
    return Snapshot(store, now or datetime.now(UTC))


# -- uplinks ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Uplink:
    """One link from a device to a core, and whether it is up."""

    device: str
    interface: str
    peer: str
    peer_interface: str
    group: str | None
    up: bool | None = field(metadata={"doc": "None = no interface record at either end"})
    seen_from: str | None = field(metadata={"doc": "the device whose record decided"})


def _oper_up(snapshot: Snapshot, device: str, interface: str) -> bool | None:
    status = snapshot.oper_status(device).get(interface)
    if status is None:
        return None
    return status == "up"


def uplinks(inventory: Inventory, snapshot: Snapshot, device: str) -> list[Uplink]:
    """The device's links to the core; the core's side decides (it still answers when the
    device is cut off), the device's own side when the core has no record."""
    out = []
    for link in inventory.uplinks(device):
        mine, theirs = (link.a, link.b) if link.a.device == device else (link.b, link.a)
        up, seen = _oper_up(snapshot, theirs.device, theirs.interface), theirs.device
        if up is None:
            up, seen = _oper_up(snapshot, mine.device, mine.interface), mine.device
        out.append(
            Uplink(
                device=device,
                interface=mine.interface,
                peer=theirs.device,
                peer_interface=theirs.interface,
                group=link.redundancy_group,
                up=up,
                seen_from=seen if up is not None else None,
            )
        )
    return out


# -- devices -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DeviceHealth:
    name: str
    state: DeviceState
    problems: tuple[str, ...]
    last_poll: datetime | None


def device_health(
    inventory: Inventory,
    snapshot: Snapshot,
    name: str,
    *,
    interval: float,
    stale_after_intervals: float,
) -> DeviceHealth:
    """up: every transport's last poll ok; down: none ok; degraded: some failed, or an
    uplink is down; stale: the newest poll is older than ``stale_after_intervals``
    intervals; unknown: never polled."""
    results = snapshot.polls.get(name, [])
    if not results:
        return DeviceHealth(name, "unknown", ("never polled",), None)
    last = max(r.started_at for r in results)
    problems: list[str] = [
        f"{r.transport} poll failed: {r.reason or 'error'}" for r in results if not r.ok
    ]
    problems += [f"{r.transport} poll overran its interval" for r in results if r.overran]
    device = inventory.device_by_name.get(name)
    if device is not None and device.role is Role.AGGREGATION:
        problems += [
            f"uplink {u.interface} to {u.peer} is down"
            for u in uplinks(inventory, snapshot, name)
            if u.up is False
        ]
    state: DeviceState
    if not any(r.ok for r in results):
        state = "down"
    elif problems:
        state = "degraded"
    elif (snapshot.taken_at - last).total_seconds() > interval * stale_after_intervals:
        state, problems = "stale", [f"last polled {last.isoformat()}"]
    else:
        state = "up"
    return DeviceHealth(name, state, tuple(problems), last)


# -- backups ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ConfigBackupView:
    device: str
    policy: str
    max_age_hours: float | None
    last_success: datetime | None
    age_seconds: float | None
    last_attempt: datetime | None
    error: str | None
    revision: str | None
    in_policy: bool


def config_backups(inventory: Inventory, snapshot: Snapshot) -> list[ConfigBackupView]:
    """Every device a device-config policy covers, with its newest backup against the policy."""
    out: list[ConfigBackupView] = []
    seen: set[str] = set()
    for policy in inventory.backup_policies:
        if policy.kind != "device_config":
            continue
        max_age = policy.automatic.max_age_hours if policy.automatic else None
        for device in inventory.select(policy.applies_to):
            if device.name in seen:
                continue
            seen.add(device.name)
            status = snapshot.config_backups.get(device.name)
            last = status.last_success if status else None
            age = (snapshot.taken_at - last).total_seconds() if last else None
            in_policy = age is not None and (max_age is None or age <= max_age * 3600)
            out.append(
                ConfigBackupView(
                    device=device.name,
                    policy=policy.name,
                    max_age_hours=max_age,
                    last_success=last,
                    age_seconds=age,
                    last_attempt=status.last_attempt if status else None,
                    error=status.error if status else None,
                    revision=status.revision if status else None,
                    in_policy=in_policy,
                )
            )
    return out


@dataclass(frozen=True)
class DbBackupView:
    pair: str
    trigger: Literal["automatic", "manual"]
    policy: str
    max_age_hours: float | None
    newest: DbBackup | None
    age_seconds: float | None
    last_failed: DbBackup | None
    in_policy: bool


def _pair_of(inventory: Inventory, device: str) -> str | None:
    if device in inventory.ha_pair_by_name:
        return device
    for pair in inventory.ha_pairs:
        if device in pair.members:
            return pair.name
    return None


def db_backups(inventory: Inventory, snapshot: Snapshot) -> list[DbBackupView]:
    """Per database pair and trigger (automatic, manual): the newest good backup vs policy."""
    by_pair: dict[tuple[str, str], list[DbBackup]] = defaultdict(list)
    for backup in snapshot.db_backups:
        pair = _pair_of(inventory, backup.device)
        if pair is not None:
            by_pair[(pair, backup.trigger)].append(backup)
    out: list[DbBackupView] = []
    for policy in inventory.backup_policies:
        if policy.kind != "database":
            continue
        pairs = policy.applies_to.ha_pairs or tuple(
            p.name for p in inventory.ha_pairs_of_kind(HaKind.DATABASE)
        )
        for pair in pairs:
            for trigger, rule in (("automatic", policy.automatic), ("manual", policy.manual)):
                if rule is None:
                    continue
                backups = by_pair.get((pair, trigger), [])
                good = [b for b in backups if b.ok]
                newest = max(good, key=lambda b: b.finished_at) if good else None
                failed = [b for b in backups if not b.ok]
                last_failed = max(failed, key=lambda b: b.finished_at) if failed else None
                age = (snapshot.taken_at - newest.finished_at).total_seconds() if newest else None
                out.append(
                    DbBackupView(
                        pair=pair,
                        trigger=trigger,  # type: ignore[arg-type]
                        policy=policy.name,
                        max_age_hours=rule.max_age_hours,
                        newest=newest,
                        age_seconds=age,
                        last_failed=last_failed,
                        in_policy=age is not None and age <= rule.max_age_hours * 3600,
                    )
                )
    return out


# -- database pairs ----------------------------------------------------------------------------------
PairState = Literal["ok", "degraded", "split_brain", "no_primary", "unknown"]


@dataclass(frozen=True)
class DbPairView:
    pair: str
    engine: str | None
    state: PairState
    primaries: tuple[str, ...]
    members: tuple[DbNodeStatus | None, ...]
    member_names: tuple[str, str]
    problems: tuple[str, ...]


def db_pairs(inventory: Inventory, snapshot: Snapshot, max_lag_seconds: float) -> list[DbPairView]:
    """Each database pair: exactly one primary, the standby streaming and within the lag."""
    out = []
    for pair in inventory.ha_pairs_of_kind(HaKind.DATABASE):
        nodes = tuple(snapshot.db_nodes.get(m) for m in pair.members)
        primaries = tuple(
            n.device for n in nodes if n is not None and n.reachable and n.role == "primary"
        )
        problems: list[str] = []
        state: PairState
        if all(n is None for n in nodes):
            state, problems = "unknown", ["no database node status collected"]
        elif len(primaries) > 1:
            state, problems = "split_brain", [f"{len(primaries)} primaries: {', '.join(primaries)}"]
        elif not primaries:
            state, problems = "no_primary", ["no reachable primary"]
        else:
            for name, node in zip(pair.members, nodes, strict=True):
                if node is None:
                    problems.append(f"{name}: no status collected")
                elif not node.reachable:
                    problems.append(f"{name}: unreachable ({node.error or 'no reason given'})")
                elif node.role == "standby":
                    if node.receiver_status not in (None, "streaming"):
                        problems.append(f"{name}: standby not streaming ({node.receiver_status})")
                    if node.lag_seconds is not None and node.lag_seconds > max_lag_seconds:
                        problems.append(f"{name}: replication lag {node.lag_seconds:.0f} s")
            state = "degraded" if problems else "ok"
        out.append(
            DbPairView(
                pair.name, pair.engine, state, primaries, nodes, pair.members, tuple(problems)
            )
        )
    return out
