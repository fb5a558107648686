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
from typing import Any

from prometheus_client.core import CounterMetricFamily, Metric
from sqlalchemy import func, select

from netops.api import views
from netops.api.metrics.exposition import Series
from netops.inventory import Inventory
from netops.store import Store
from netops.store.latest import latest_cache
from netops.store.tables import EventRow

#: The record kinds these families read (one token query refreshes them all).
KINDS = ("interface", "health", "system", "vrf", "route", "bgp_peer", "firewall_rule")


def _gauge(name: str, doc: str, *labels: str) -> Series:
    return Series(name, doc, labels)


def _counter(name: str, doc: str, *labels: str) -> Series:
    return Series(name, doc, labels, typ="counter")


def families(store: Store, inventory: Inventory) -> Iterable[Metric]:
    """Read from the store's latest-state cache as stored JSON (a province has ~10^5
    records per kind: no model is built per record); the values are those the typed
    records give."""
    snapshot = views.read_snapshot(store)
    rows = latest_cache(store).kinds(KINDS)
    yield from _polling(snapshot, inventory)
    yield from _interfaces(snapshot)
    yield from _health(rows)
    yield from _routing(rows)
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
                (name, device.site, device.role.value, inventory.network_of(device)),
                1.0 if any(r.ok for r in results) else 0.0,
            )
        for r in results:
            labels = (name, r.transport)
            success.add_metric(labels, 1.0 if r.ok else 0.0)
            duration.add_metric(labels, r.duration_seconds)
            overrun.add_metric(labels, 1.0 if r.overran else 0.0)
            if r.ok:
                last_ok.add_metric(labels, r.started_at.timestamp())
    yield from (up, success, duration, overrun, last_ok)


#: Interface families: (name, help, type, stored field); status fields become 1/0.
_INTERFACE_FAMILIES = (
    ("netops_interface_oper_up", "1 when ifOperStatus is up", "gauge", "oper_status"),
    ("netops_interface_admin_up", "1 when ifAdminStatus is up", "gauge", "admin_status"),
    ("netops_interface_receive_bytes", "ifHCInOctets", "counter", "in_octets"),
    ("netops_interface_transmit_bytes", "ifHCOutOctets", "counter", "out_octets"),
    ("netops_interface_receive_errors", "ifInErrors", "counter", "in_errors"),
    ("netops_interface_transmit_errors", "ifOutErrors", "counter", "out_errors"),
    (
        "netops_interface_receive_bits_per_second",
        "Inbound rate over the last poll",
        "gauge",
        "in_bps",
    ),
    (
        "netops_interface_transmit_bits_per_second",
        "Outbound rate over the last poll",
        "gauge",
        "out_bps",
    ),
    ("netops_interface_speed_bits_per_second", "ifHighSpeed in bits/s", "gauge", "speed_bps"),
)
_STATUS_FIELDS = ("oper_status", "admin_status")


def _interfaces(snapshot: views.Snapshot) -> Iterable[Metric]:
    labels = ("device", "interface")
    out = [Series(name, doc, labels, typ) for name, doc, typ, _ in _INTERFACE_FAMILIES]
    fields = [(field, series.rows) for (*_, field), series in zip(_INTERFACE_FAMILIES, out, strict=True)]
    for device, interfaces in sorted(snapshot.interface_dicts.items()):
        for name, i in sorted(interfaces.items()):
            key = (device, name)
            for field, rows in fields:
                value = i.get(field)
                if value is not None:
                    if field in _STATUS_FIELDS:
                        rows.append((key, 1.0 if value == "up" else 0.0))
                    else:
                        rows.append((key, float(value)))
    yield from out


def _health(rows: dict[str, dict[str, Any]]) -> Iterable[Metric]:
    labels = ("device", "entity")
    cpu = _gauge("netops_device_cpu_ratio", "CPU utilisation (0-1)", *labels)
    memory = _gauge("netops_device_memory_ratio", "Memory utilisation (0-1)", *labels)
    temperature = _gauge("netops_device_temperature_celsius", "Temperature", *labels)
    for row in rows["health"].values():
        for r in row.data:
            key = (r["device"], r.get("entity_name") or str(r.get("entity_index", 0)))
            if r.get("cpu_percent") is not None:
                cpu.add_metric(key, r["cpu_percent"] / 100)
            if r.get("memory_percent") is not None:
                memory.add_metric(key, r["memory_percent"] / 100)
            if r.get("temperature_celsius") is not None:
                temperature.add_metric(key, r["temperature_celsius"])
    uptime = _gauge("netops_device_uptime_seconds", "sysUpTime", "device")
    for row in rows["system"].values():
        for s in row.data:
            if s.get("uptime_seconds") is not None:
                uptime.add_metric((s["device"],), s["uptime_seconds"])
    yield from (cpu, memory, temperature, uptime)


def _routing(rows: dict[str, dict[str, Any]]) -> Iterable[Metric]:
    """VRFs, routes per VRF, BGP sessions and firewall rules, as counts (bounded labels)."""
    vrf_ifs = _gauge("netops_vrf_interfaces", "Interfaces bound to a VRF", "device", "vrf")
    vrf_rts = _gauge(
        "netops_vrf_route_targets", "Route targets of a VRF", "device", "vrf", "direction"
    )
    for row in rows["vrf"].values():
        for v in row.data:
            device, name = v["device"], v["name"]
            vrf_ifs.add_metric((device, name), float(len(v.get("interfaces") or ())))
            vrf_rts.add_metric((device, name, "import"), float(len(v.get("import_targets") or ())))
            vrf_rts.add_metric((device, name, "export"), float(len(v.get("export_targets") or ())))
    routes = _gauge(
        "netops_routes",
        "Routes in a routing table ('global' = no VRF)",
        "device",
        "vrf",
        "protocol",
    )
    for device, row in rows["route"].items():
        counts: dict[tuple[str, str], int] = {}
        for r in row.data:
            key = (r.get("vrf") or "global", r["protocol"])
            counts[key] = counts.get(key, 0) + 1
        for (vrf, protocol), count in sorted(counts.items()):
            routes.add_metric((device, vrf, protocol), float(count))
    bgp = _gauge(
        "netops_bgp_peer_established",
        "1 when the BGP session is established",
        "device",
        "peer",
        "vrf",
    )
    for row in rows["bgp_peer"].values():
        for b in row.data:
            bgp.add_metric(
                (b["device"], b["peer_address"], b.get("vrf") or "global"),
                1.0 if b["state"] == "established" else 0.0,
            )
    rules = _gauge("netops_firewall_rules", "Security policy rules", "device", "action")
    for device, row in rows["firewall_rule"].items():
        by_action = {"permit": 0, "deny": 0}
        for f in row.data:
            if f.get("enabled", True):
                by_action[f["action"]] += 1
        for action, count in by_action.items():
            rules.add_metric((device, action), float(count))
    yield from (vrf_ifs, vrf_rts, routes, bgp, rules)


def _events(store: Store) -> Iterable[Metric]:
    events = CounterMetricFamily("netops_events", "Events recorded, by kind", labels=["kind"])
    with store.session() as s:
        rows = s.execute(select(EventRow.kind, func.count()).group_by(EventRow.kind)).all()
    for kind, count in sorted(rows):
        events.add_metric([kind], float(count))
    yield events
