"""Metrics read straight from the store's latest records and poll results.

These are the catalogue's polling, interface, health and event families, derived from
what the store holds (config-backup and database metrics come from ``netops.backups``
and ``netops.dbha``). The subsystems that produce those records
(SNMP/SSH collection, backups, DB HA) own their metrics; when a subsystem's own
``families`` is wired into ``SOURCES`` ahead of this one, its families win (the collector
keeps the first family of a name) and the copy here is dropped for that name.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from sqlalchemy import func, select

from netops.api import views
from netops.inventory import Inventory
from netops.models import BgpPeer, EntityHealth, FirewallRule, Route, SystemInfo, Vrf
from netops.store import Store
from netops.store.tables import EventRow


def _gauge(name: str, doc: str, *labels: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=list(labels))


def _counter(name: str, doc: str, *labels: str) -> CounterMetricFamily:
    return CounterMetricFamily(name, doc, labels=list(labels))


def families(store: Store, inventory: Inventory) -> Iterable[Metric]:
    snapshot = views.read_snapshot(store)
    yield from _polling(snapshot, inventory)
    yield from _interfaces(snapshot)
    yield from _health(store)
    yield from _routing(store)
    yield from _events(store)


def _polling(snapshot: views.Snapshot, inventory: Inventory) -> Iterable[Metric]:
    up = _gauge(
        "netops_device_up",
        "1 when the last poll of any transport succeeded",
        "device",
        "site",
        "role",
        "network",
    )
    success = _gauge("netops_poll_success", "1 when the last poll succeeded", "device", "transport")
    duration = _gauge(
        "netops_poll_duration_seconds", "Duration of the last poll", "device", "transport"
    )
    overrun = _gauge(
        "netops_poll_overrun",
        "1 when the last poll took longer than the interval",
        "device",
        "transport",
    )
    last_ok = _gauge(
        "netops_poll_last_success_timestamp_seconds",
        "Start of the last successful poll",
        "device",
        "transport",
    )
    for name, results in sorted(snapshot.polls.items()):
        device = inventory.device_by_name.get(name)
        if device is not None:
            up.add_metric(
                [name, device.site, device.role.value, inventory.network_of(device)],
                1.0 if any(r.ok for r in results) else 0.0,
            )
        for r in results:
            labels = [name, r.transport]
            success.add_metric(labels, 1.0 if r.ok else 0.0)
            duration.add_metric(labels, r.duration_seconds)
            overrun.add_metric(labels, 1.0 if r.overran else 0.0)
            if r.ok:
                last_ok.add_metric(labels, r.started_at.timestamp())
    yield from (up, success, duration, overrun, last_ok)


def _interfaces(snapshot: views.Snapshot) -> Iterable[Metric]:
    labels = ("device", "interface")
    oper = _gauge("netops_interface_oper_up", "1 when ifOperStatus is up", *labels)
    admin = _gauge("netops_interface_admin_up", "1 when ifAdminStatus is up", *labels)
    rx = _counter("netops_interface_receive_bytes", "ifHCInOctets", *labels)
    tx = _counter("netops_interface_transmit_bytes", "ifHCOutOctets", *labels)
    rx_err = _counter("netops_interface_receive_errors", "ifInErrors", *labels)
    tx_err = _counter("netops_interface_transmit_errors", "ifOutErrors", *labels)
    rx_bps = _gauge(
        "netops_interface_receive_bits_per_second", "Inbound rate over the last poll", *labels
    )
    tx_bps = _gauge(
        "netops_interface_transmit_bits_per_second", "Outbound rate over the last poll", *labels
    )
    speed = _gauge("netops_interface_speed_bits_per_second", "ifHighSpeed in bits/s", *labels)
    for device, interfaces in sorted(snapshot.interfaces.items()):
        for name, i in sorted(interfaces.items()):
            key = [device, name]
            if i.oper_status is not None:
                oper.add_metric(key, 1.0 if i.oper_status == "up" else 0.0)
            if i.admin_status is not None:
                admin.add_metric(key, 1.0 if i.admin_status == "up" else 0.0)
            for family, value in (
                (rx, i.in_octets),
                (tx, i.out_octets),
                (rx_err, i.in_errors),
                (tx_err, i.out_errors),
                (rx_bps, i.in_bps),
                (tx_bps, i.out_bps),
                (speed, i.speed_bps),
            ):
                if value is not None:
                    family.add_metric(key, float(value))
    yield from (oper, admin, rx, tx, rx_err, tx_err, rx_bps, tx_bps, speed)


def _health(store: Store) -> Iterable[Metric]:
    labels = ("device", "entity")
    cpu = _gauge("netops_device_cpu_ratio", "CPU utilisation (0-1)", *labels)
    memory = _gauge("netops_device_memory_ratio", "Memory utilisation (0-1)", *labels)
    temperature = _gauge("netops_device_temperature_celsius", "Temperature", *labels)
    for stored in store.records("health"):
        for r in stored.records:
            if not isinstance(r, EntityHealth):
                continue
            key = [r.device, r.entity_name or str(r.entity_index)]
            if r.cpu_percent is not None:
                cpu.add_metric(key, r.cpu_percent / 100)
            if r.memory_percent is not None:
                memory.add_metric(key, r.memory_percent / 100)
            if r.temperature_celsius is not None:
                temperature.add_metric(key, r.temperature_celsius)
    uptime = _gauge("netops_device_uptime_seconds", "sysUpTime", "device")
    for stored in store.records("system"):
        for s in stored.records:
            if isinstance(s, SystemInfo) and s.uptime_seconds is not None:
                uptime.add_metric([s.device], s.uptime_seconds)
    yield from (cpu, memory, temperature, uptime)


def _routing(store: Store) -> Iterable[Metric]:
    """VRFs, routes per VRF, BGP sessions and firewall rules, as counts (bounded labels)."""
    vrf_ifs = _gauge("netops_vrf_interfaces", "Interfaces bound to a VRF", "device", "vrf")
    vrf_rts = _gauge(
        "netops_vrf_route_targets", "Route targets of a VRF", "device", "vrf", "direction"
    )
    for stored in store.records("vrf"):
        for v in stored.records:
            if isinstance(v, Vrf):
                vrf_ifs.add_metric([v.device, v.name], float(len(v.interfaces)))
                vrf_rts.add_metric([v.device, v.name, "import"], float(len(v.import_targets)))
                vrf_rts.add_metric([v.device, v.name, "export"], float(len(v.export_targets)))
    routes = _gauge(
        "netops_routes",
        "Routes in a routing table ('global' = no VRF)",
        "device",
        "vrf",
        "protocol",
    )
    for stored in store.records("route"):
        counts: dict[tuple[str, str], int] = {}
        for r in stored.records:
            if isinstance(r, Route):
                key = (r.vrf or "global", r.protocol)
                counts[key] = counts.get(key, 0) + 1
        for (vrf, protocol), count in sorted(counts.items()):
            routes.add_metric([stored.device, vrf, protocol], float(count))
    bgp = _gauge(
        "netops_bgp_peer_established",
        "1 when the BGP session is established",
        "device",
        "peer",
        "vrf",
    )
    for stored in store.records("bgp_peer"):
        for b in stored.records:
            if isinstance(b, BgpPeer):
                bgp.add_metric(
                    [b.device, b.peer_address, b.vrf or "global"],
                    1.0 if b.state == "established" else 0.0,
                )
    rules = _gauge("netops_firewall_rules", "Security policy rules", "device", "action")
    for stored in store.records("firewall_rule"):
        by_action = {"permit": 0, "deny": 0}
        for f in stored.records:
            if isinstance(f, FirewallRule) and f.enabled:
                by_action[f.action] += 1
        for action, count in by_action.items():
            rules.add_metric([stored.device, action], float(count))
    yield from (vrf_ifs, vrf_rts, routes, bgp, rules)


def _events(store: Store) -> Iterable[Metric]:
    events = _counter("netops_events", "Events recorded, by kind", "kind")
    with store.session() as s:
        rows = s.execute(select(EventRow.kind, func.count()).group_by(EventRow.kind)).all()
    for kind, count in sorted(rows):
        events.add_metric([kind], float(count))
    yield events
