"""Redundancy: both uplinks of every aggregation point, and both members of every HA pair."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import Metric

from netops.api import views
from netops.api.metrics.exposition import Series
from netops.inventory import HaKind, Inventory, Role
from netops.store import Store


def families(store: Store, inventory: Inventory) -> Iterable[Metric]:
    snapshot = views.read_snapshot(store)
    uplink = Series(
        "netops_uplink_up",
        "1 when an uplink to the core is up (seen from the core's end when it has a record)",
        ["device", "site", "interface", "peer", "group"],
    )
    up_count = Series(
        "netops_uplinks_up",
        "Uplinks of an aggregation point that are up",
        ["device", "site"],
    )
    expected = Series(
        "netops_uplinks_expected",
        "Uplinks an aggregation point should have (inventory)",
        ["device", "site"],
    )
    for device in inventory.devices:
        if device.role is not Role.AGGREGATION:
            continue
        links = views.uplinks(inventory, snapshot, device.name)
        expected.add_metric([device.name, device.site], len(links))
        known = [u for u in links if u.up is not None]
        for u in known:
            uplink.add_metric(
                [device.name, device.site, u.interface, u.peer, u.group or ""], 1.0 if u.up else 0.0
            )
        if known:
            up_count.add_metric([device.name, device.site], sum(1 for u in known if u.up))
    member = Series(
        "netops_ha_member_up",
        "1 when a member of an HA pair is up (database: reachable; others: last poll ok)",
        ["pair", "kind", "device"],
    )
    for pair in inventory.ha_pairs:
        for name in pair.members:
            if pair.kind is HaKind.DATABASE and name in snapshot.db_nodes:
                member.add_metric(
                    [pair.name, pair.kind.value, name],
                    1.0 if snapshot.db_nodes[name].reachable else 0.0,
                )
            elif name in snapshot.polls:
                ok = any(r.ok for r in snapshot.polls[name])
                member.add_metric([pair.name, pair.kind.value, name], 1.0 if ok else 0.0)
    yield from (uplink, up_count, expected, member)
