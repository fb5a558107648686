"""A clean, consistent snapshot of any inventory, for tests and the benchmark.

Every device answers as a compliant one would: configurations that pass the baseline,
LLDP on every declared link seen from both ends, VPN instances as declared, default
routes of the extranet VRFs via the firewall (resolved through ARP to the firewall's
chassis MAC, as on a real PE), fresh backups, healthy HA pairs. Tests plant one fault
at a time in it and assert exactly which findings change.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from ipaddress import IPv4Interface, IPv4Network

from netops.compliance import Snapshot
from netops.inventory import Device, Inventory, Platform, Role, ZoneKind
from netops.models import (
    ArpEntry,
    ConfigBackupStatus,
    DbBackup,
    DbNodeStatus,
    DeviceVersion,
    EntityHealth,
    FirewallRule,
    HaState,
    Interface,
    LldpNeighbor,
    NtpStatus,
    PollResult,
    Route,
    RunningConfig,
    SystemInfo,
    Vrf,
)

NOW = datetime(2026, 11, 22, 8, 0, tzinfo=UTC)
COLLECTED = NOW - timedelta(minutes=5)


def mac_of(*parts: str) -> str:
    digest = hashlib.blake2b("/".join(parts).encode(), digest_size=5).digest()
    return ":".join(f"{b:02x}" for b in (0x28, *digest))  # 0x28: universal, unicast


def services(inv: Inventory, device: Device) -> dict[str, str]:
    kind = ZoneKind.INTRANET if inv.network_of(device) == "intranet" else ZoneKind.MANAGEMENT
    zone = next(z for z in inv.zones if z.kind is kind)
    base = zone.prefixes[0].network_address + 256
    return {
        "log": str(base + 10),
        "ntp": str(base + 20),
        "tac": str(base + 30),
        "net": str(base),
        "wild": "0.0.0.255",
    }


def firewall_address(inv: Inventory, net: IPv4Network, fw_index: int) -> IPv4Interface:
    return IPv4Interface(f"{net.network_address + 254 - fw_index}/{net.prefixlen}")


# -- configurations ----------------------------------------------------------------------------
def vrp_config(inv: Inventory, d: Device, access_ports: list[str], usg: bool = False) -> str:
    s = services(inv, d)
    pe = bool(inv.vrfs_on(d.name))
    mv = " vpn-instance ZW_MGMT" if pe else ""
    out = [
        "!Software Version V200R021C10SPC600",
        "#",
        f"sysname {d.name}",
        "#",
        f"info-center loghost {s['log']}{mv}",
        "#",
        "undo telnet server enable",
        "undo http server enable",
        "undo ftp server enable",
        "#",
        "hwtacacs-server template tac",
        f" hwtacacs-server authentication {s['tac']}{mv}",
        " hwtacacs-server shared-key cipher ******",
        "#",
    ]
    for v in inv.vrfs_on(d.name):
        out += [f"ip vpn-instance {v.name}", " ipv4-family", f"  route-distinguisher {v.rd}"]
        out += [f"  vpn-target {t} export-extcommunity" for t in v.export_targets]
        out += [f"  vpn-target {t} import-extcommunity" for t in v.import_targets]
        out.append("#")
    out += [
        "acl number 2001",
        f" rule 5 permit source {s['net']} {s['wild']}",
        " rule 100 deny",
        "#",
        "acl number 2002",
        f" rule 5 permit source {s['net']} {s['wild']}",
        "#",
        "aaa",
        " authentication-scheme tac",
        "  authentication-mode hwtacacs local",
        " recording-scheme rec",
        "  recording-mode hwtacacs tac",
        " cmd recording-scheme rec",
        " local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15",
        " local-aaa-user password policy administrator",
        "  password expire 90",
        " local-user netops password irreversible-cipher ******",
        " local-user netops privilege level 15",
        " local-user ops01 password irreversible-cipher ******",
        " local-user ops01 privilege level 3",
        "#",
        f"ntp-service unicast-server {s['ntp']}{mv}",
        "#",
    ]
    for iface in d.interfaces:
        out.append(f"interface {iface.name}")
        if iface.vrf:
            out.append(f" ip binding vpn-instance {iface.vrf}")
        if iface.address:
            out.append(f" ip address {iface.address.ip} {iface.address.netmask}")
        out.append("#")
    for port in access_ports:
        out += [
            f"interface {port}",
            " port link-type access",
            " port default vlan 10",
            " dot1x enable",
            "#",
        ]
    out += ["interface GigabitEthernet0/0/24", " port link-type access", " shutdown", "#"]
    if usg:
        out += _usg_policy(inv)
    for iface in d.interfaces:
        if iface.vrf and iface.address and iface.vrf != "ZW_MGMT":
            nh = iface.address.network.network_address + 254
            out.append(f"ip route-static vpn-instance {iface.vrf} 0.0.0.0 0.0.0.0 {nh}")
    out += [
        "#",
        "stelnet server enable",
        "ssh server acl 2001",
        "#",
        "snmp-agent",
        "snmp-agent sys-info version v3",
        "snmp-agent group v3 NMS privacy read-view iso-view acl 2002",
        "snmp-agent usm-user v3 nms group NMS",
        "#",
        "user-interface vty 0 4",
        " acl 2001 inbound",
        " authentication-mode aaa",
        " protocol inbound ssh",
        " idle-timeout 10 0",
        "#",
        "return",
    ]
    return "\n".join(out) + "\n"


def _usg_policy(inv: Inventory) -> list[str]:
    public = next(z for z in inv.zones if z.kind is ZoneKind.PUBLIC).prefixes[0]
    return [
        "security-policy",
        " rule name trust_to_untrust_web",
        "  source-zone trust",
        "  destination-zone untrust",
        f"  source-address {public.network_address} mask {public.netmask}",
        "  service http",
        "  service https",
        "  action permit",
        " rule name untrust_to_dmz_portal",
        "  source-zone untrust",
        "  destination-zone dmz",
        "  destination-address 10.128.16.80 mask 255.255.255.255",
        "  service https",
        "  action permit",
        "  profile ips default",
        " rule name deny_all",
        "  action deny",
        "#",
    ]


def comware_config(inv: Inventory, d: Device, access_ports: list[str]) -> str:
    s = services(inv, d)
    out = [
        "#",
        " version 7.1.070, Release 6348P06",
        "#",
        f" sysname {d.name}",
        "#",
        " password-control enable",
        " password-control aging 90",
        " password-control login-attempt 3 exceed lock-time 15",
        "#",
        f" info-center loghost {s['log']}",
        "#",
        " ssh server enable",
        " ssh server acl 2001",
        "#",
        " ntp-service enable",
        f" ntp-service unicast-server {s['ntp']}",
        "#",
    ]
    for port in access_ports:
        out += [
            f"interface {port}",
            " port link-mode bridge",
            " port access vlan 10",
            " dot1x",
            "#",
        ]
    out += ["interface GigabitEthernet1/0/24", " port link-mode bridge", " shutdown", "#"]
    if inv.network_of(d) == "intranet":
        zone = next(z for z in inv.zones if z.kind is ZoneKind.INTRANET).prefixes[0]
        gw = IPv4Network(f"{d.mgmt_address}/24", strict=False).network_address + 1
        if str(d.mgmt_address) != str(gw):
            out += [f" ip route-static {zone.network_address} {zone.prefixlen} {gw}", "#"]
    out += [
        " snmp-agent",
        " snmp-agent sys-info version v3",
        " snmp-agent group v3 NMS privacy read-view ViewDefault acl 2002",
        "#",
        "acl basic 2001",
        f" rule 5 permit source {s['net']} {s['wild']}",
        " rule 100 deny",
        "#",
        "acl basic 2002",
        f" rule 5 permit source {s['net']} {s['wild']}",
        "#",
        "hwtacacs scheme tac",
        f" primary authentication {s['tac']}",
        "#",
        "domain system",
        " authentication login hwtacacs-scheme tac local",
        " accounting command hwtacacs-scheme tac",
        "#",
        "local-user netops class manage",
        " password hash ******",
        " service-type ssh",
        " authorization-attribute user-role network-admin",
        "#",
        "local-user ops01 class manage",
        " password hash ******",
        " service-type ssh",
        " authorization-attribute user-role network-operator",
        "#",
        "line vty 0 63",
        " authentication-mode scheme",
        " protocol inbound ssh",
        " idle-timeout 10 0",
        "#",
        "return",
    ]
    return "\n".join(out) + "\n"


def ios_config(inv: Inventory, d: Device, access_ports: list[str]) -> str:
    s = services(inv, d)
    out = [
        "Building configuration...",
        "",
        "version 15.2",
        "service password-encryption",
        "!",
        f"hostname {d.name}",
        "!",
        "enable secret 9 ******",
        "aaa new-model",
        "aaa authentication login default group tacacs+ local",
        "aaa accounting commands 15 default start-stop group tacacs+",
        "!",
        "login block-for 900 attempts 3 within 300",
        "!",
        "username netops privilege 15 secret 9 ******",
        "username ops01 privilege 3 secret 9 ******",
        "!",
    ]
    for port in access_ports:
        out += [
            f"interface {port}",
            " switchport mode access",
            " switchport access vlan 10",
            " authentication port-control auto",
            "!",
        ]
    out += [
        "interface GigabitEthernet1/0/24",
        " switchport mode access",
        " shutdown",
        "!",
        "no ip http server",
        "ip http secure-server",
        "!",
        "ip access-list standard MGMT-ONLY",
        f" 10 permit {s['net']} {s['wild']}",
        " 20 deny   any log",
        "!",
        f"logging host {s['log']}",
        "snmp-server group NMS v3 priv read ISO access MGMT-ONLY",
        "!",
        "tacacs server TAC1",
        f" address ipv4 {s['tac']}",
        " key 7 ******",
        "!",
        "line vty 0 4",
        " access-class MGMT-ONLY in",
        " exec-timeout 10 0",
        " transport input ssh",
        "!",
        f"ntp server {s['ntp']}",
        "end",
    ]
    return "\n".join(out) + "\n"


def config_of(inv: Inventory, d: Device) -> str | None:
    access = []
    if d.role is Role.ACCESS:
        access = {
            Platform.HUAWEI_VRP: ["GigabitEthernet0/0/5", "GigabitEthernet0/0/6"],
            Platform.HP_COMWARE: ["GigabitEthernet1/0/5", "GigabitEthernet1/0/6"],
            Platform.CISCO_IOS: ["GigabitEthernet1/0/5", "GigabitEthernet1/0/6"],
        }.get(d.platform, [])
    if d.platform is Platform.HUAWEI_VRP:
        return vrp_config(inv, d, access)
    if d.platform is Platform.HUAWEI_USG:
        return vrp_config(inv, d, access, usg=d.role is Role.FIREWALL)
    if d.platform is Platform.HP_COMWARE:
        return comware_config(inv, d, access)
    if d.platform is Platform.CISCO_IOS:
        return ios_config(inv, d, access)
    return None


# -- the snapshot ------------------------------------------------------------------------------
def build_snapshot(inv: Inventory, *, configs: bool = True) -> Snapshot:
    snap = Snapshot(taken_at=NOW)
    firewalls = [
        d for d in inv.devices if d.role is Role.FIREWALL and inv.network_of(d) == "extranet"
    ]
    edge_fw = {}  # PE -> its firewall (the one cabled to it)
    for link in inv.links:
        a, b = inv.device_by_name[link.a.device], inv.device_by_name[link.b.device]
        if a.role is Role.FIREWALL and b.role is Role.CORE and inv.vrfs_on(b.name):
            edge_fw[b.name] = a
        if b.role is Role.FIREWALL and a.role is Role.CORE and inv.vrfs_on(a.name):
            edge_fw[a.name] = b
    for d in inv.devices:
        name = d.name
        snmp = "snmp"
        snap.add(
            name,
            "system",
            [
                SystemInfo(
                    device=name,
                    sys_name=name,
                    sys_descr=f"{d.platform.value} {d.model}",
                    uptime_seconds=90 * 86400.0,
                    chassis_id=mac_of(name),
                    serial=f"SN{hashlib.sha1(name.encode()).hexdigest()[:12].upper()}",
                )
            ],
            COLLECTED,
            snmp,
        )
        snap.add(
            name,
            "version",
            [
                DeviceVersion(
                    device=name,
                    vendor=d.platform.value.split("_")[0],
                    os=d.platform.value,
                    version="V200R021C10SPC600",
                    model=d.model,
                )
            ],
            COLLECTED,
            "ssh",
        )
        ifaces = [
            Interface(
                device=name,
                name="mgmt",
                admin_status="up",
                oper_status="up",
                mac=mac_of(name, "mgmt"),
                addresses=(f"{d.mgmt_address}/24",),
                vrf="ZW_MGMT" if inv.vrfs_on(name) else None,
                speed_bps=10**9,
                in_bps=1e6,
                out_bps=1e6,
            )
        ]
        for link in inv.links_of(name):
            end = link.a if link.a.device == name else link.b
            ifaces.append(
                Interface(
                    device=name,
                    name=end.interface,
                    admin_status="up",
                    oper_status="up",
                    mac=mac_of(name, end.interface),
                    speed_bps=10**9,
                    in_bps=2e7,
                    out_bps=3e7,
                )
            )
        for iface in d.interfaces:
            if iface.address:
                ifaces.append(
                    Interface(
                        device=name,
                        name=iface.name,
                        admin_status="up",
                        oper_status="up",
                        mac=mac_of(name, iface.name),
                        addresses=(str(iface.address),),
                        vrf=iface.vrf,
                    )
                )
        snap.add(name, "interface", ifaces, COLLECTED, snmp)
        snap.add(
            name,
            "health",
            [
                EntityHealth(
                    device=name, cpu_percent=20.0, memory_percent=40.0, temperature_celsius=40.0
                )
            ],
            COLLECTED,
            snmp,
        )
        lldp = []
        for link in inv.links_of(name):
            mine, theirs = (link.a, link.b) if link.a.device == name else (link.b, link.a)
            peer = inv.device_by_name[theirs.device]
            lldp.append(
                LldpNeighbor(
                    device=name,
                    local_interface=mine.interface,
                    remote_chassis_id=mac_of(peer.name),
                    remote_port_id=theirs.interface,
                    remote_system_name=peer.name,
                    remote_mgmt_address=str(peer.mgmt_address),
                )
            )
        snap.add(name, "lldp", lldp, COLLECTED, snmp)
        routes: list[Route] = [
            Route(
                device=name,
                vrf=ifaces[0].vrf,
                prefix=str(IPv4Interface(f"{d.mgmt_address}/24").network),
                protocol="direct",
                interface="mgmt",
            )
        ]
        arp: list[ArpEntry] = [
            ArpEntry(
                device=name,
                ip=str(d.mgmt_address),
                mac=mac_of(name, "mgmt"),
                interface="mgmt",
                vrf=ifaces[0].vrf,
                entry_type="interface",
            )
        ]
        if inv.network_of(d) == "intranet":
            zone = next(z for z in inv.zones if z.kind is ZoneKind.INTRANET).prefixes[0]
            gw = IPv4Network(f"{d.mgmt_address}/24", strict=False).network_address + 1
            if str(gw) != str(d.mgmt_address):
                routes.append(
                    Route(
                        device=name,
                        prefix=str(zone),
                        next_hop=str(gw),
                        protocol="static",
                        interface="mgmt",
                    )
                )
        for iface in d.interfaces:
            if iface.vrf and iface.address:
                routes.append(
                    Route(
                        device=name,
                        vrf=iface.vrf,
                        prefix=str(iface.address.network),
                        protocol="direct",
                        interface=iface.name,
                    )
                )
                zone = inv.zone_by_name[inv.vrf_by_name[iface.vrf].zone]
                if zone.kind in (ZoneKind.PUBLIC, ZoneKind.DEDICATED) and name in edge_fw:
                    nh = str(iface.address.network.network_address + 254)
                    routes.append(
                        Route(
                            device=name,
                            vrf=iface.vrf,
                            prefix="0.0.0.0/0",
                            next_hop=nh,
                            protocol="static",
                            interface=iface.name,
                            preference=60,
                        )
                    )
                    arp.append(
                        ArpEntry(
                            device=name,
                            ip=nh,
                            mac=mac_of(edge_fw[name].name),
                            interface=iface.name,
                            vrf=iface.vrf,
                            entry_type="dynamic",
                        )
                    )
        snap.add(name, "route", routes, COLLECTED, snmp)
        snap.add(name, "arp", arp, COLLECTED, snmp)
        vrfs = inv.vrfs_on(name)
        if vrfs:
            snap.add(
                name,
                "vrf",
                [
                    Vrf(
                        device=name,
                        name=v.name,
                        rd=v.rd,
                        import_targets=v.import_targets,
                        export_targets=v.export_targets,
                        interfaces=tuple(i.name for i in d.interfaces if i.vrf == v.name),
                    )
                    for v in vrfs
                ],
                COLLECTED,
                "ssh",
            )
        if configs:
            text = config_of(inv, d)
            if text is not None:
                snap.add(
                    name,
                    "config",
                    [RunningConfig(device=name, text=text, saved_differs=False)],
                    COLLECTED,
                    "ssh",
                )
                snap.add(
                    name,
                    "ntp",
                    [
                        NtpStatus(
                            device=name,
                            synchronized=True,
                            stratum=3,
                            reference=services(inv, d)["ntp"],
                        )
                    ],
                    COLLECTED,
                    "ssh",
                )
        snap.add(
            name,
            "config_backup",
            [
                ConfigBackupStatus(
                    device=name,
                    last_attempt=NOW - timedelta(hours=2),
                    last_success=NOW - timedelta(hours=2),
                    revision="abc123",
                )
            ],
            NOW - timedelta(hours=2),
            "ssh",
        )
        for transport in ("snmp", "ssh"):
            snap.add_poll(
                PollResult(
                    device=name,
                    transport=transport,
                    ok=True,
                    started_at=COLLECTED,
                    duration_seconds=0.4,
                )
            )
    for fw in firewalls:
        if configs:
            continue  # rules come from the USG configuration
        snap.add(
            fw.name,
            "firewall_rule",
            [FirewallRule(device=fw.name, name="deny_all", position=1, action="deny")],
            COLLECTED,
            "ssh",
        )
    for pair in inv.ha_pairs:
        if pair.kind.value == "firewall":
            for i, member in enumerate(pair.members):
                snap.add(
                    member,
                    "ha_state",
                    [
                        HaState(
                            device=member,
                            mechanism="hrp",
                            role="active" if i == 0 else "standby",
                            peer_role="standby" if i == 0 else "active",
                            peer_reachable=True,
                        )
                    ],
                    COLLECTED,
                    "ssh",
                )
        if pair.kind.value == "database":
            a, b = pair.members
            snap.add(
                a,
                "db_node",
                [DbNodeStatus(device=a, engine="postgresql", reachable=True, role="primary")],
                COLLECTED,
                "sql",
            )
            snap.add(
                b,
                "db_node",
                [
                    DbNodeStatus(
                        device=b,
                        engine="postgresql",
                        reachable=True,
                        role="standby",
                        receiver_status="streaming",
                        lag_seconds=0.1,
                    )
                ],
                COLLECTED,
                "sql",
            )
            snap.add(
                pair.name,
                "db_backup",
                [
                    DbBackup(
                        device=pair.name,
                        tool="pgbackrest",
                        label="20261122-010000F",
                        trigger="automatic",
                        backup_type="full",
                        finished_at=NOW - timedelta(hours=7),
                        size_bytes=10**8,
                    ),
                    DbBackup(
                        device=pair.name,
                        tool="pgbackrest",
                        label="20261120-090000F",
                        trigger="manual",
                        backup_type="full",
                        finished_at=NOW - timedelta(days=2),
                        size_bytes=10**8,
                    ),
                ],
                COLLECTED,
                "sql",
            )
    return snap
