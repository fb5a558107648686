"""Metrics read straight from the store's latest records and poll results.

These are the catalogue's polling, interface, health and event families, derived from
what the store holds (config-backup and database metrics come from ``netops.backups``
and ``netops.dbha``). The subsystems that produce those records
(SNMP/SSH collection, backups, DB HA) own their metrics; when a subsystem's own
``families`` is wired into ``SOURCES`` ahead of this one, its families win (the collector
keeps the first family of a name) and the copy here is dropped for that name.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from prometheus_client.core import CounterMetricFamily, Metric
from sqlalchemy import func, select

from netops.api import views
from netops.api.metrics.exposition import Block, Series
from netops.inventory import Inventory
from netops.models import PollResult
from netops.store import Store
from netops.store.latest import Row
from netops.store.tables import EventRow

Builder = Callable[[Row], list[Block]]

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
    rows = snapshot.kinds(KINDS)
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
    # kept per device while its poll results are the same objects (the cache's)
    memo = snapshot.cache.memo
    if memo.get("metrics.polls", (None,))[0] is not inventory:  # kept for one inventory
        memo["metrics.polls"] = (inventory, {})
    kept: dict[str, tuple[tuple[PollResult, ...], list[Block]]] = memo["metrics.polls"][1]
    per_device = []
    for name, results in sorted(snapshot.polls.items()):
        held = kept.get(name)
        if held is None or held[0] != tuple(results):
            held = kept[name] = (tuple(results), _poll_blocks(inventory, name, results))
        per_device.append(held[1])
    for n, family in enumerate((up, success, duration, overrun, last_ok)):
        family.add_blocks([blocks[n] for blocks in per_device])
    yield from (up, success, duration, overrun, last_ok)


def _poll_blocks(inventory: Inventory, name: str, results: list[PollResult]) -> list[Block]:
    up, success, duration, overrun, last_ok = (Block() for _ in range(5))
    device = inventory.device_by_name.get(name)
    if device is not None:
        up.add(
            (name, device.site, device.role.value, inventory.network_of(device)),
            1.0 if any(r.ok for r in results) else 0.0,
        )
    for r in results:
        labels = (name, r.transport)
        success.add(labels, 1.0 if r.ok else 0.0)
        duration.add(labels, r.duration_seconds)
        overrun.add(labels, 1.0 if r.overran else 0.0)
        if r.ok:
            last_ok.add(labels, r.started_at.timestamp())
    return [up, success, duration, overrun, last_ok]


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
    # kept with each device's row: rebuilt (and written to text again) when the row changes
    _add(out, snapshot.interface_rows, "metrics.interfaces", _interface_blocks)
    yield from out


def _interface_blocks(row: Row) -> list[Block]:
    device, data = row.device, row.data
    blocks = [Block() for _ in _INTERFACE_FAMILIES]
    fields = [
        (field, field in _STATUS_FIELDS, block.rows)
        for (*_, field), block in zip(_INTERFACE_FAMILIES, blocks, strict=True)
    ]
    by_name = {d["name"]: d for d in data}  # the last of a name wins
    for name, i in sorted(by_name.items()):
        key = (device, name)
        for field, status, rows in fields:
            value = i.get(field)
            if value is not None:
                rows.append((key, (1.0 if value == "up" else 0.0) if status else float(value)))
    return blocks


def _kept(row: Row, key: str, build: Callable[[Row], list[Block]]) -> list[Block]:
    """The blocks ``build`` makes of ``row``, kept with the row (rebuilt when it changes)."""
    blocks: list[Block] | None = row.memo.get(key)
    if blocks is None:
        blocks = row.memo[key] = build(row)
    return blocks


def _add(families: Sequence[Series], rows: dict[str, Row], key: str, build: Builder) -> None:
    per_row = [_kept(row, key, build) for row in rows.values()]
    for n, family in enumerate(families):
        family.add_blocks([blocks[n] for blocks in per_row])


def _health(rows: dict[str, dict[str, Row]]) -> Iterable[Metric]:
    labels = ("device", "entity")
    cpu = _gauge("netops_device_cpu_ratio", "CPU utilisation (0-1)", *labels)
    memory = _gauge("netops_device_memory_ratio", "Memory utilisation (0-1)", *labels)
    temperature = _gauge("netops_device_temperature_celsius", "Temperature", *labels)
    _add((cpu, memory, temperature), rows["health"], "metrics.health", _health_blocks)
    uptime = _gauge("netops_device_uptime_seconds", "sysUpTime", "device")
    _add((uptime,), rows["system"], "metrics.uptime", _uptime_blocks)
    yield from (cpu, memory, temperature, uptime)


def _health_blocks(row: Row) -> list[Block]:
    cpu, memory, temperature = Block(), Block(), Block()
    for r in row.data:
        key = (r["device"], r.get("entity_name") or str(r.get("entity_index", 0)))
        if r.get("cpu_percent") is not None:
            cpu.add(key, r["cpu_percent"] / 100)
        if r.get("memory_percent") is not None:
            memory.add(key, r["memory_percent"] / 100)
        if r.get("temperature_celsius") is not None:
            temperature.add(key, r["temperature_celsius"])
    return [cpu, memory, temperature]


def _uptime_blocks(row: Row) -> list[Block]:
    uptime = Block()
    for s in row.data:
        if s.get("uptime_seconds") is not None:
            uptime.add((s["device"],), s["uptime_seconds"])
    return [uptime]


def _routing(rows: dict[str, dict[str, Row]]) -> Iterable[Metric]:
    """VRFs, routes per VRF, BGP sessions and firewall rules, as counts (bounded labels)."""
    vrf_ifs = _gauge("netops_vrf_interfaces", "Interfaces bound to a VRF", "device", "vrf")
    vrf_rts = _gauge(
        "netops_vrf_route_targets", "Route targets of a VRF", "device", "vrf", "direction"
    )
    _add((vrf_ifs, vrf_rts), rows["vrf"], "metrics.vrf", _vrf_blocks)
    routes = _gauge(
        "netops_routes",
        "Routes in a routing table ('global' = no VRF)",
        "device",
        "vrf",
        "protocol",
    )
    _add((routes,), rows["route"], "metrics.routes", _route_blocks)
    bgp = _gauge(
        "netops_bgp_peer_established",
        "1 when the BGP session is established",
        "device",
        "peer",
        "vrf",
    )
    _add((bgp,), rows["bgp_peer"], "metrics.bgp", _bgp_blocks)
    rules = _gauge("netops_firewall_rules", "Security policy rules", "device", "action")
    _add((rules,), rows["firewall_rule"], "metrics.rules", _rule_blocks)
    yield from (vrf_ifs, vrf_rts, routes, bgp, rules)


def _vrf_blocks(row: Row) -> list[Block]:
    interfaces, targets = Block(), Block()
    for v in row.data:
        device, name = v["device"], v["name"]
        interfaces.add((device, name), float(len(v.get("interfaces") or ())))
        targets.add((device, name, "import"), float(len(v.get("import_targets") or ())))
        targets.add((device, name, "export"), float(len(v.get("export_targets") or ())))
    return [interfaces, targets]


def _route_blocks(row: Row) -> list[Block]:
    routes = Block()
    counts: dict[tuple[str, str], int] = {}
    for r in row.data:
        key = (r.get("vrf") or "global", r["protocol"])
        counts[key] = counts.get(key, 0) + 1
    for (vrf, protocol), count in sorted(counts.items()):
        routes.add((row.device, vrf, protocol), float(count))
    return [routes]


def _bgp_blocks(row: Row) -> list[Block]:
    bgp = Block()
    for b in row.data:
        bgp.add(
            (b["device"], b["peer_address"], b.get("vrf") or "global"),
            1.0 if b["state"] == "established" else 0.0,
        )
    return [bgp]


def _rule_blocks(row: Row) -> list[Block]:
    rules = Block()
    by_action = {"permit": 0, "deny": 0}
    for f in row.data:
        if f.get("enabled", True):
            by_action[f["action"]] += 1
    for action, count in by_action.items():
        rules.add((row.device, action), float(count))
    return [rules]


def _events(store: Store) -> Iterable[Metric]:
    events = CounterMetricFamily("netops_events", "Events recorded, by kind", labels=["kind"])
    with store.session() as s:
        rows = s.execute(select(EventRow.kind, func.count()).group_by(EventRow.kind)).all()
    for kind, count in sorted(rows):
        events.add_metric([kind], float(count))
    yield events
