"""Metrics from the inventory: who each device is, its zones, and what DB backup policies
expect (the config-backup policy limit comes with ``netops.backups``' metrics).

``netops_device_info`` carries the labels alert rules join on, notably ``aggregation``:
the aggregation point a device hangs off (itself for an aggregation point), which is
what Alertmanager's inhibition matches so a dead street silences its access switches.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import Metric

from netops.api.metrics.exposition import Block, Series
from netops.inventory import HaKind, Inventory, Role
from netops.store import Store


def aggregation_of(inventory: Inventory, device: str) -> str:
    """The aggregation point ``device`` hangs off ('' when none)."""
    me = inventory.device_by_name[device]
    if me.role is Role.AGGREGATION:
        return device
    for link in inventory.links_of(device):
        peer = inventory.device_by_name.get(inventory.peer(link, device))
        if peer is not None and peer.role is Role.AGGREGATION:
            return peer.name
    return ""


def _new() -> list[Series]:
    return [
        Series(
            "netops_device_info",
            "Inventory facts of a device (value 1); 'aggregation' = the aggregation point it "
            "hangs off",
            ["device", "site", "site_kind", "role", "platform", "network", "aggregation"],
        ),
        Series(
            "netops_device_zone",
            "A zone a device serves (value 1; one series per zone)",
            ["device", "zone"],
        ),
        Series(
            "netops_db_backup_max_age_seconds",
            "Oldest a pair's newest backup of a trigger may be (backup policy)",
            ["pair", "trigger"],
        ),
    ]


def _blocks(inventory: Inventory) -> list[Block]:
    info, zone, db_max = (Block() for _ in range(3))
    for d in inventory.devices:
        info.add(
            (
                d.name,
                d.site,
                inventory.site_by_name[d.site].kind.value,
                d.role.value,
                d.platform.value,
                inventory.network_of(d),
                aggregation_of(inventory, d.name),
            ),
            1.0,
        )
    for d in inventory.devices:
        for z in d.zones:
            zone.add((d.name, z), 1.0)
    for policy in inventory.backup_policies:
        if policy.kind == "database":
            pairs = policy.applies_to.ha_pairs or tuple(
                p.name for p in inventory.ha_pairs_of_kind(HaKind.DATABASE)
            )
            for pair in pairs:
                for trigger, rule in (("automatic", policy.automatic), ("manual", policy.manual)):
                    if rule is not None:
                        db_max.add((pair, trigger), rule.max_age_hours * 3600)
    return [info, zone, db_max]


_kept: tuple[Inventory, list[Block]] | None = None


def families(store: Store, inventory: Inventory) -> Iterable[Metric]:
    """Made once per inventory (it does not change while netops serves), then reused."""
    global _kept
    held = _kept
    if held is None or held[0] is not inventory:
        held = _kept = (inventory, _blocks(inventory))
    out = _new()
    for family, block in zip(out, held[1], strict=True):
        family.add_block(block)
    return out
