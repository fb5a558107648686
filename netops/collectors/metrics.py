"""Prometheus metrics of collection, made at scrape time from the store (DESIGN.md §6).

``families(store, inventory)`` yields the polling, interface, health, redundancy and trap
families of the catalogue in common.md. Only inventory devices appear (no free text in
labels); interface labels are interface names as the device reports them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from netops.collectors.traps import TRAPS_RECEIVED
from netops.collectors.writer import CYCLE, FAILURES, LAST_SUCCESS
from netops.inventory import Inventory
from netops.inventory.model import Role
from netops.models import EntityHealth, Interface, SystemInfo
from netops.store import Store
from netops.store.stats import read_stats


def _polling(store: Store, inv: Inventory) -> Iterator[Metric]:
    results = store.poll_results()
    known = inv.device_by_name
    up = GaugeMetricFamily(
        "netops_device_up",
        "1 when the last poll of the device over any transport succeeded",
        labels=["device", "site", "role", "network"],
    )
    success = GaugeMetricFamily(
        "netops_poll_success", "1 when the last poll succeeded", labels=["device", "transport"]
    )
    duration = GaugeMetricFamily(
        "netops_poll_duration_seconds",
        "Wall time of the last poll of the device",
        labels=["device", "transport"],
    )
    overrun = GaugeMetricFamily(
        "netops_poll_overrun",
        "1 when the last poll took longer than the device's interval",
        labels=["device", "transport"],
    )
    any_ok: dict[str, bool] = {}
    for r in results:
        if r.device not in known:
            continue
        labels = [r.device, r.transport]
        success.add_metric(labels, 1.0 if r.ok else 0.0)
        duration.add_metric(labels, r.duration_seconds)
        overrun.add_metric(labels, 1.0 if r.overran else 0.0)
        any_ok[r.device] = any_ok.get(r.device, False) or r.ok
    for name, ok in sorted(any_ok.items()):
        d = known[name]
        up.add_metric([name, d.site, d.role.value, inv.network_of(d)], 1.0 if ok else 0.0)
    yield from (up, success, duration, overrun)

    yield from _failures(store, inv)
    last = GaugeMetricFamily(
        "netops_poll_last_success_timestamp_seconds",
        "Unix time the last successful poll ended",
        labels=["device", "transport"],
    )
    for stat, value in read_stats(store, LAST_SUCCESS):
        if stat.get("device") in known:
            last.add_metric([stat["device"], stat["transport"]], value)
    yield last
    yield from _cycle(store)


def _interfaces(
    store: Store, inv: Inventory
) -> tuple[list[Metric], dict[str, dict[str, Interface]]]:
    fams: dict[str, GaugeMetricFamily | CounterMetricFamily] = {
        "oper": GaugeMetricFamily(
            "netops_interface_oper_up", "1 when ifOperStatus is up", labels=["device", "interface"]
        ),
        "admin": GaugeMetricFamily(
            "netops_interface_admin_up",
            "1 when ifAdminStatus is up",
            labels=["device", "interface"],
        ),
        "rx": CounterMetricFamily(
            "netops_interface_receive_bytes", "ifHCInOctets", labels=["device", "interface"]
        ),
        "tx": CounterMetricFamily(
            "netops_interface_transmit_bytes", "ifHCOutOctets", labels=["device", "interface"]
        ),
        "rxe": CounterMetricFamily(
            "netops_interface_receive_errors", "ifInErrors", labels=["device", "interface"]
        ),
        "txe": CounterMetricFamily(
            "netops_interface_transmit_errors", "ifOutErrors", labels=["device", "interface"]
        ),
        "rxbps": GaugeMetricFamily(
            "netops_interface_receive_bits_per_second",
            "Receive rate between the last two polls",
            labels=["device", "interface"],
        ),
        "txbps": GaugeMetricFamily(
            "netops_interface_transmit_bits_per_second",
            "Transmit rate between the last two polls",
            labels=["device", "interface"],
        ),
        "speed": GaugeMetricFamily(
            "netops_interface_speed_bits_per_second",
            "ifHighSpeed x 1e6 (else ifSpeed)",
            labels=["device", "interface"],
        ),
    }
    by_device: dict[str, dict[str, Interface]] = {}
    for stored in store.records("interface"):
        if stored.device not in inv.device_by_name:
            continue
        names = by_device.setdefault(stored.device, {})
        for iface in stored.records:
            if not isinstance(iface, Interface) or iface.name in names:
                continue
            names[iface.name] = iface
            labels = [stored.device, iface.name]
            pairs = [
                ("oper", None if iface.oper_status is None else float(iface.oper_status == "up")),
                (
                    "admin",
                    None if iface.admin_status is None else float(iface.admin_status == "up"),
                ),
                ("rx", iface.in_octets),
                ("tx", iface.out_octets),
                ("rxe", iface.in_errors),
                ("txe", iface.out_errors),
                ("rxbps", iface.in_bps),
                ("txbps", iface.out_bps),
                ("speed", iface.speed_bps),
            ]
            for key, value in pairs:
                if value is not None:
                    fams[key].add_metric(labels, float(value))
    return list(fams.values()), by_device


def _health(store: Store, inv: Inventory) -> Iterator[Metric]:
    cpu = GaugeMetricFamily("netops_device_cpu_ratio", "CPU busy, 0-1", labels=["device", "entity"])
    mem = GaugeMetricFamily(
        "netops_device_memory_ratio", "Memory used, 0-1", labels=["device", "entity"]
    )
    temp = GaugeMetricFamily(
        "netops_device_temperature_celsius", "Temperature", labels=["device", "entity"]
    )
    for stored in store.records("health"):
        if stored.device not in inv.device_by_name:
            continue
        seen: set[str] = set()
        for h in stored.records:
            if not isinstance(h, EntityHealth):
                continue
            entity = h.entity_name or str(h.entity_index)
            if entity in seen:
                entity = f"{entity} ({h.entity_index})"
            seen.add(entity)
            labels = [stored.device, entity]
            if h.cpu_percent is not None:
                cpu.add_metric(labels, h.cpu_percent / 100.0)
            if h.memory_percent is not None:
                mem.add_metric(labels, h.memory_percent / 100.0)
            if h.temperature_celsius is not None:
                temp.add_metric(labels, h.temperature_celsius)
    uptime = GaugeMetricFamily(
        "netops_device_uptime_seconds", "sysUpTime at the last poll", labels=["device"]
    )
    for stored in store.records("system"):
        if stored.device in inv.device_by_name:
            for s in stored.records:
                if isinstance(s, SystemInfo) and s.uptime_seconds is not None:
                    uptime.add_metric([stored.device], s.uptime_seconds)
                    break
    yield from (cpu, mem, temp, uptime)


def _redundancy(
    store: Store, inv: Inventory, interfaces: dict[str, dict[str, Interface]]
) -> Iterator[Metric]:
    uplink = GaugeMetricFamily(
        "netops_uplink_up",
        "1 when this declared uplink's interface is oper up (last poll)",
        labels=["device", "site", "interface", "peer", "group"],
    )
    ups = GaugeMetricFamily(
        "netops_uplinks_up", "Declared uplinks that are up", labels=["device", "site"]
    )
    expected = GaugeMetricFamily(
        "netops_uplinks_expected", "Declared uplinks (inventory)", labels=["device", "site"]
    )
    for device in inv.devices:
        if device.role is not Role.AGGREGATION:
            continue
        links = inv.uplinks(device.name)
        if not links:
            continue
        polled = interfaces.get(device.name)
        count = 0
        for link in links:
            end = link.a if link.a.device == device.name else link.b
            iface = polled.get(end.interface) if polled is not None else None
            is_up = iface is not None and iface.oper_status == "up"
            count += is_up
            if polled is not None:
                uplink.add_metric(
                    [device.name, device.site, end.interface, inv.peer(link, device.name),
                     link.redundancy_group or ""],
                    1.0 if is_up else 0.0,
                )  # fmt: skip
        if polled is not None:
            ups.add_metric([device.name, device.site], float(count))
        expected.add_metric([device.name, device.site], float(len(links)))
    yield from (uplink, ups, expected)

    member = GaugeMetricFamily(
        "netops_ha_member_up",
        "1 when the HA pair member's last poll (any transport) succeeded",
        labels=["pair", "kind", "device"],
    )
    ok: dict[str, bool] = defaultdict(bool)
    seen: set[str] = set()
    for r in store.poll_results():
        seen.add(r.device)
        ok[r.device] = ok[r.device] or r.ok
    for pair in inv.ha_pairs:
        for name in pair.members:
            if name in seen:
                member.add_metric([pair.name, pair.kind.value, name], 1.0 if ok[name] else 0.0)
    yield member


def _traps(store: Store) -> Iterator[Metric]:
    received = CounterMetricFamily(
        "netops_traps_received", "SNMP notifications accepted, by trap", labels=["trap"]
    )
    for labels, value in read_stats(store, TRAPS_RECEIVED):
        received.add_metric([labels["trap"]], value)
    yield received


def stat_families(store: Store, inventory: Inventory) -> Iterable[Metric]:
    """Only the families kept as stats (poll failures by reason, cycle time, traps): what
    ``/metrics`` takes from here, its other sources giving the rest (same names)."""
    yield from _failures(store, inventory)
    yield from _cycle(store)
    yield from _traps(store)


def _failures(store: Store, inv: Inventory) -> Iterator[Metric]:
    known = inv.device_by_name
    failures = CounterMetricFamily(
        "netops_poll_failures",
        "Failed polls by reason since the store was created",
        labels=["device", "transport", "reason"],
    )
    for stat, value in read_stats(store, FAILURES):
        if stat.get("device") in known:
            failures.add_metric([stat["device"], stat["transport"], stat["reason"]], value)
    yield failures


def _cycle(store: Store) -> Iterator[Metric]:
    cycle = GaugeMetricFamily(
        "netops_poll_cycle_duration_seconds",
        "Wall time for every device of the poller to be polled once",
        labels=["transport"],
    )
    for stat, value in read_stats(store, CYCLE):
        cycle.add_metric([stat["transport"]], value)
    yield cycle


def families(store: Store, inventory: Inventory) -> Iterable[Metric]:
    """Every collection metric, from the store's latest state."""
    yield from _polling(store, inventory)
    interface_families, interfaces = _interfaces(store, inventory)
    yield from interface_families
    yield from _health(store, inventory)
    yield from _redundancy(store, inventory, interfaces)
    yield from _traps(store)
