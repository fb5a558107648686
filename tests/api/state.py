"""A recorded state of the reference district, in the shapes the collectors produce.

Until the lab drives these tests end to end, the API, metrics, dashboards and alert rules
are exercised over this state: every device polled (SNMP), interfaces on every inventory
link with counters and rates, health, LLDP seen from both ends, config backup statuses,
the database pair, its backups and some events — with faults planted on purpose:

- ``agg-jiefang`` lost its uplink to core-2 (one of two: degraded, a warning);
- ``agg-binhe`` lost both uplinks: it and the access switches behind it do not answer;
- ``acc-renmin-03`` times out (a lone access switch down);
- ``edge-fw-2`` answers but its poll overran the interval;
- ``in-acc-2`` (intranet) has an LLDP neighbour that is an extranet access switch;
- ``acc-zhongshan-02`` has no config backup for three days, ``acc-xinhua-01``'s failed;
- the database standby lags 4 s; the newest manual database backup is 8 days old (policy: 7).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from netops.collectors.writer import CYCLE, FAILURES
from netops.inventory import Inventory, Role
from netops.models import (
    BgpPeer,
    ConfigBackupStatus,
    DbBackup,
    DbBackupVerification,
    DbNodeStatus,
    EntityHealth,
    Event,
    FirewallRule,
    Interface,
    LldpNeighbor,
    PollResult,
    ReplicationLink,
    Route,
    SystemInfo,
    Vrf,
)
from netops.store import Store
from netops.store.stats import update_stats

ONE_UPLINK_DOWN = "agg-jiefang"
BOTH_UPLINKS_DOWN = "agg-binhe"
LONE_DOWN = "acc-renmin-03"
OVERRUN = "edge-fw-2"
ROGUE_LLDP = ("in-acc-2", "GigabitEthernet1/0/24", "acc-heping-01")
STALE_BACKUP = "acc-zhongshan-02"
FAILED_BACKUP = "acc-xinhua-01"


def cut_off(inventory: Inventory) -> set[str]:
    """Devices that do not answer in this state."""
    behind = {
        inventory.peer(link, BOTH_UPLINKS_DOWN)
        for link in inventory.links_of(BOTH_UPLINKS_DOWN)
        if inventory.device_by_name[inventory.peer(link, BOTH_UPLINKS_DOWN)].role is not Role.CORE
    }
    return {BOTH_UPLINKS_DOWN, LONE_DOWN} | behind


def seed(store: Store, inventory: Inventory, now: datetime | None = None) -> datetime:
    """Write the recorded state into ``store``; returns the time it is recorded at."""
    now = now or datetime.now(UTC)
    dead = cut_off(inventory)
    polls: list[PollResult] = []
    batch = []
    down_ports = set()
    for link in inventory.uplinks(ONE_UPLINK_DOWN):
        core_end = link.a if link.a.device != ONE_UPLINK_DOWN else link.b
        if core_end.device == "core-2":
            down_ports |= {(link.a.device, link.a.interface), (link.b.device, link.b.interface)}
    for link in inventory.uplinks(BOTH_UPLINKS_DOWN):
        down_ports |= {(link.a.device, link.a.interface), (link.b.device, link.b.interface)}

    for index, device in enumerate(inventory.devices):
        name = device.name
        alive = name not in dead
        polls.append(
            PollResult(
                device=name,
                transport="snmp",
                ok=alive,
                reason=None if alive else "timeout",
                error=None if alive else "no response after 2 retries",
                started_at=now - timedelta(seconds=20),
                duration_seconds=75.0 if name == OVERRUN else 0.2 + (index % 7) / 10,
                overran=name == OVERRUN,
                record_counts={"interface": len(inventory.links_of(name))} if alive else {},
            )
        )
        if not alive:
            continue  # a dead device's records are whatever was collected before; none here
        interfaces = []
        lldp = []
        for n, link in enumerate(inventory.links_of(name)):
            mine, other = (link.a, link.b) if link.a.device == name else (link.b, link.a)
            up = (name, mine.interface) not in down_ports and other.device not in dead
            octets = 10_000_000_000 + index * 1_000_000 + n * 1000
            interfaces.append(
                Interface(
                    device=name,
                    name=mine.interface,
                    if_index=n + 1,
                    description=f"to {other.device} {other.interface}",
                    admin_status="up",
                    oper_status="up" if up else "down",
                    speed_bps=10_000_000_000 if "XGigabit" in mine.interface else 1_000_000_000,
                    in_octets=octets,
                    out_octets=octets // 2,
                    in_errors=3 if name == "core-1" else 0,
                    out_errors=0,
                    in_bps=4_000_000.0 + index * 1000 if up else 0.0,
                    out_bps=2_500_000.0 + index * 1000 if up else 0.0,
                )
            )
            if up:
                lldp.append(
                    LldpNeighbor(
                        device=name,
                        local_interface=mine.interface,
                        remote_chassis_id=f"f4:de:af:00:{index // 256:02x}:{index % 256:02x}",
                        remote_port_id=other.interface,
                        remote_system_name=other.device,
                        remote_mgmt_address=str(
                            inventory.device_by_name[other.device].mgmt_address
                        ),
                    )
                )
        if name == ROGUE_LLDP[0]:
            lldp.append(
                LldpNeighbor(
                    device=name,
                    local_interface=ROGUE_LLDP[1],
                    remote_system_name=ROGUE_LLDP[2],
                    remote_port_id="GigabitEthernet0/0/24",
                )
            )
        health = [
            EntityHealth(
                device=name,
                entity_index=16842753,
                entity_name="MPU Board 1",
                cpu_percent=12.0 + index % 40,
                memory_percent=35.0 + index % 30,
                temperature_celsius=36.0 + index % 12,
                standby_status="providingService",
            )
        ]
        system = [
            SystemInfo(
                device=name,
                sys_name=name,
                uptime_seconds=86400.0 * (10 + index % 50),
                chassis_id=f"f4:de:af:00:{index // 256:02x}:{index % 256:02x}",
            )
        ]
        at = now - timedelta(seconds=20)
        batch += [
            (name, "interface", interfaces, at, "snmp"),
            (name, "lldp", lldp, at, "snmp"),
            (name, "health", health, at, "snmp"),
            (name, "system", system, at, "snmp"),
        ]
        if device.role is Role.CORE:
            vrfs = inventory.vrfs_on(name)
            batch.append(
                (
                    name,
                    "vrf",
                    [
                        Vrf(
                            device=name,
                            name=v.name,
                            rd=v.rd,
                            import_targets=v.import_targets,
                            export_targets=v.export_targets,
                            interfaces=(f"Vlanif{200 + k}",),
                        )
                        for k, v in enumerate(vrfs)
                    ],
                    at,
                    "snmp",
                )
            )
            routes = [
                Route(device=name, vrf=v.name, prefix=f"10.{k}.{n}.0/24", protocol=proto)
                for k, v in enumerate(vrfs)
                for n, proto in enumerate(("direct", "bgp", "bgp", "static"))
            ]
            batch.append((name, "route", routes, at, "snmp"))
            peer = next(
                (
                    m
                    for p in inventory.ha_pairs
                    if name in p.members
                    for m in p.members
                    if m != name
                ),
                name,
            )
            batch.append(
                (
                    name,
                    "bgp_peer",
                    [
                        BgpPeer(
                            device=name,
                            peer_address=str(inventory.device_by_name[peer].mgmt_address),
                            remote_as=inventory.network.asn,
                            state="established",
                        )
                    ],
                    at,
                    "snmp",
                )
            )
        if device.role is Role.FIREWALL:
            rules = [
                FirewallRule(
                    device=name,
                    name=f"rule-{k}",
                    position=k,
                    action="permit",
                    source_zones=("trust",),
                    destination_zones=("untrust",),
                    services=("https",),
                    profiles=("ips default",),
                    hit_count=1000 * k,
                )
                for k in range(1, 6)
            ]
            rules.append(
                FirewallRule(
                    device=name, name="default", position=99, action="deny", is_default=True
                )
            )
            batch.append((name, "firewall_rule", rules, at, "ssh"))
        if not device.is_server:
            last = now - timedelta(hours=3)
            status = ConfigBackupStatus(
                device=name, last_attempt=last, last_success=last, revision=f"r{index}"
            )
            if name == STALE_BACKUP:
                old = now - timedelta(days=3)
                status = ConfigBackupStatus(device=name, last_attempt=old, last_success=old)
            elif name == FAILED_BACKUP:
                status = ConfigBackupStatus(
                    device=name,
                    last_attempt=now - timedelta(hours=1),
                    last_success=now - timedelta(hours=25),
                    error="timeout: no prompt after 20 s",
                )
            batch.append((name, "config_backup", [status], now - timedelta(hours=1), "ssh"))

    batch += [
        (
            "dc-db-1",
            "db_node",
            [
                DbNodeStatus(
                    device="dc-db-1",
                    engine="postgresql",
                    reachable=True,
                    role="primary",
                    timeline=3,
                    replication=(
                        ReplicationLink(
                            device="dc-db-1",
                            peer="dc-db-2",
                            state="streaming",
                            lag_bytes=8192,
                            lag_seconds=4.0,
                        ),
                    ),
                    holds_service_address=True,
                )
            ],
            now,
            "sql",
        ),
        (
            "dc-db-2",
            "db_node",
            [
                DbNodeStatus(
                    device="dc-db-2",
                    engine="postgresql",
                    reachable=True,
                    role="standby",
                    timeline=3,
                    receiver_status="streaming",
                    last_replay_at=now - timedelta(seconds=4),
                    lag_seconds=4.0,
                    lag_bytes=8192,
                    holds_service_address=False,
                )
            ],
            now,
            "sql",
        ),
        (
            "dc-db",
            "db_backup",
            [
                DbBackup(
                    device="dc-db",
                    tool="pgbackrest",
                    label="20240501-020000F",
                    trigger="automatic",
                    backup_type="full",
                    finished_at=now - timedelta(hours=5),
                    size_bytes=734_003_200,
                ),
                DbBackup(
                    device="dc-db",
                    tool="pgbackrest",
                    label="20240428-150000F",
                    trigger="manual",
                    backup_type="full",
                    finished_at=now - timedelta(days=8),
                    size_bytes=712_000_000,
                ),
            ],
            now,
            "sql",
        ),
        (
            "dc-db",
            "db_verify",
            [
                DbBackupVerification(
                    device="dc-db",
                    tool="pgbackrest",
                    label="20240501-020000F",
                    started_at=now - timedelta(hours=4, minutes=10),
                    finished_at=now - timedelta(hours=4),
                    ok=True,
                    duration_seconds=600.0,
                )
            ],
            now,
            "sql",
        ),
    ]
    store.save_many(batch)
    store.save_poll_results(polls)
    # the counters the poller keeps beside its results: failures by reason, cycle time
    update_stats(
        store,
        add=[
            (FAILURES, {"device": d, "transport": "snmp", "reason": "timeout"}, 3.0) for d in dead
        ],
        set_=[(CYCLE, {"transport": "snmp"}, 41.5)],
    )
    store.add_events(
        [
            Event(
                time=now - timedelta(minutes=30),
                kind="trap.linkDown",
                device="core-2",
                severity="major",
                summary="GigabitEthernet3/0/1 down",
                details={"ifIndex": 31},
            ),
            Event(
                time=now - timedelta(minutes=10),
                kind="trap.linkDown",
                device="core-1",
                severity="major",
                summary="uplink of agg-binhe down",
            ),
            Event(
                time=now - timedelta(hours=2),
                kind="config.changed",
                device="core-1",
                severity="warning",
                summary="running configuration changed outside a playbook",
            ),
            Event(
                time=now - timedelta(days=2),
                kind="db.failover",
                device="dc-db-1",
                severity="critical",
                summary="dc-db-1 became primary",
            ),
        ]
    )
    return now
