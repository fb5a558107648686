"""Helpers the routers share: device summaries and state counts from one snapshot."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from netops.api import views
from netops.api.deps import AppState
from netops.api.schemas import (
    BackupSummary,
    ConfigBackupOut,
    DbBackupOut,
    DbMemberOut,
    DbPairOut,
    DeviceSummary,
    StateCounts,
)
from netops.inventory import Device


def health_of(state: AppState, snapshot: views.Snapshot) -> dict[str, views.DeviceHealth]:
    """Every inventory device's health, worked out once per snapshot."""
    found: dict[str, views.DeviceHealth] | None = snapshot.memo.get("health")
    if found is None:
        interval = state.settings.snmp.interval
        stale = state.settings.api.stale_after_intervals
        inv = state.inventory
        found = {
            d.name: views.device_health(
                inv, snapshot, d.name, interval=interval, stale_after_intervals=stale
            )
            for d in inv.devices
        }
        snapshot.memo["health"] = found
    return found


def device_state(state: AppState, snapshot: views.Snapshot, name: str) -> str:
    return health_of(state, snapshot)[name].state


def summarise(
    state: AppState,
    snapshot: views.Snapshot,
    device: Device,
    health: views.DeviceHealth | None = None,
) -> DeviceSummary:
    inv = state.inventory
    if health is None:
        health = views.device_health(
            inv,
            snapshot,
            device.name,
            interval=state.settings.snmp.interval,
            stale_after_intervals=state.settings.api.stale_after_intervals,
        )
    site = inv.site_by_name.get(device.site)
    return DeviceSummary(
        name=device.name,
        role=device.role.value,
        platform=device.platform.value,
        site=device.site,
        site_label=site.label if site else None,
        zones=list(device.zones),
        network="intranet" if inv.network_of(device) == "intranet" else "extranet",
        mgmt_address=str(device.mgmt_address),
        model=device.model,
        state=health.state,
        problems=list(health.problems),
        last_poll=health.last_poll,
    )


def summaries(state: AppState, snapshot: views.Snapshot) -> list[DeviceSummary]:
    health = health_of(state, snapshot)
    return [summarise(state, snapshot, d, health[d.name]) for d in state.inventory.devices]


def count_states(items: Iterable[DeviceSummary | views.DeviceHealth]) -> StateCounts:
    counts: dict[str, int] = dict.fromkeys(views.STATE_ORDER, 0)
    for item in items:
        counts[item.state] += 1
    return StateCounts(**counts)


def worst(items: Iterable[DeviceSummary | views.DeviceHealth]) -> str | None:
    states = [i.state for i in items]
    return min(states, key=lambda s: views.STATE_ORDER[s]) if states else None


def config_backup_out(state: AppState, view: views.ConfigBackupView) -> ConfigBackupOut:
    device = state.inventory.device_by_name[view.device]
    return ConfigBackupOut(site=device.site, **dataclasses.asdict(view))


def db_backup_out(view: views.DbBackupView) -> DbBackupOut:
    return DbBackupOut(
        pair=view.pair,
        trigger=view.trigger,
        policy=view.policy,
        max_age_hours=view.max_age_hours,
        newest=view.newest,
        age_seconds=view.age_seconds,
        last_failed=view.last_failed,
        in_policy=view.in_policy,
    )


def backup_summary(
    configs: list[views.ConfigBackupView], databases: list[views.DbBackupView]
) -> BackupSummary:
    return BackupSummary(
        configs_total=len(configs),
        configs_out_of_policy=sum(not c.in_policy for c in configs),
        configs_never=sum(c.last_success is None for c in configs),
        databases_total=len(databases),
        databases_out_of_policy=sum(not d.in_policy for d in databases),
    )


def db_pair_outs(state: AppState, snapshot: views.Snapshot) -> list[DbPairOut]:
    backups = [db_backup_out(b) for b in views.db_backups(state.inventory, snapshot)]
    collected = snapshot.db_node_times
    return [
        DbPairOut(
            pair=p.pair,
            engine=p.engine,
            state=p.state,
            primaries=list(p.primaries),
            problems=list(p.problems),
            members=[
                DbMemberOut(device=name, status=node, collected_at=collected.get(name))
                for name, node in zip(p.member_names, p.members, strict=True)
            ],
            backups=[b for b in backups if b.pair == p.pair],
        )
        for p in views.db_pairs(state.inventory, snapshot, state.settings.dbha.lag_max_seconds)
    ]
