"""SNMP views of a lab device: pure data (OID -> tag, value or callable), built from its state.

Standard MIBs for every device (SNMPv2-MIB system, IF-MIB ifTable/ifXTable, ENTITY-MIB,
LLDP-MIB local/remote/management address, IP-MIB ARP, IP-FORWARD-MIB), the vendor health
tables of DOMAIN.md §5 (Huawei hwEntityStateTable, H3C hh3cEntityExtStateTable, Cisco
CPU/memory/temperature), HOST-RESOURCES/UCD for Linux and MPLS-L3VPN-STD-MIB on the PEs.
Counters and uptime are :class:`~netops.lab.view.Linear` providers evaluated per request, so
they grow between polls; CPU load is a callable.
"""

from __future__ import annotations

from collections.abc import Callable
from ipaddress import IPv4Address, IPv4Network

from netops.inventory import Platform
from netops.lab.state import Lab, LabDevice, counter_rates, route_rows
from netops.lab.view import MASK32, MASK64, Linear
from netops.transports.snmp.types import OID, Tag, parse_oid

Entry = tuple[OID, int, object]

SYSTEM = parse_oid("1.3.6.1.2.1.1")
IF_TABLE = parse_oid("1.3.6.1.2.1.2.2.1")
IFX_TABLE = parse_oid("1.3.6.1.2.1.31.1.1.1")
ENT_PHYSICAL = parse_oid("1.3.6.1.2.1.47.1.1.1.1")
LLDP_LOC = parse_oid("1.0.8802.1.1.2.1.3")
LLDP_REM = parse_oid("1.0.8802.1.1.2.1.4.1.1")
LLDP_REM_MAN = parse_oid("1.0.8802.1.1.2.1.4.2.1")
IP_NET_TO_PHYSICAL = parse_oid("1.3.6.1.2.1.4.35.1")
IP_NET_TO_MEDIA = parse_oid("1.3.6.1.2.1.4.22.1")
INET_CIDR_ROUTE = parse_oid("1.3.6.1.2.1.4.24.7.1")
L3VPN_IF_CONF = parse_oid("1.3.6.1.2.1.10.166.11.1.2.1.1")
L3VPN_VRF = parse_oid("1.3.6.1.2.1.10.166.11.1.2.2.1")
L3VPN_VRF_RT = parse_oid("1.3.6.1.2.1.10.166.11.1.2.3.1")
HW_ENTITY_STATE = parse_oid("1.3.6.1.4.1.2011.5.25.31.1.1.1.1")
H3C_ENTITY_EXT = parse_oid("1.3.6.1.4.1.25506.2.6.1.1.1.1")
CISCO_CPU = parse_oid("1.3.6.1.4.1.9.9.109.1.1.1.1")
CISCO_MEMPOOL = parse_oid("1.3.6.1.4.1.9.9.48.1.1.1")
CISCO_TEMP = parse_oid("1.3.6.1.4.1.9.9.13.1.3.1")
HR_PROCESSOR_LOAD = parse_oid("1.3.6.1.2.1.25.3.3.1.2")
HR_STORAGE = parse_oid("1.3.6.1.2.1.25.2.3.1")
UCD_MEM = parse_oid("1.3.6.1.4.1.2021.4")
UCD_LOAD = parse_oid("1.3.6.1.4.1.2021.10.1.3")


def _s(text: str) -> bytes:
    return text.encode()


def _ip_index(ip: str) -> OID:
    return tuple(int(x) for x in ip.split("."))


def _name_index(name: str) -> OID:
    raw = name.encode()
    return (len(raw), *raw)


def build_view(lab: Lab, dev: LabDevice) -> list[Entry]:
    """Every varbind the device serves (unsorted; the agent's MibView sorts)."""
    out: list[Entry] = []

    def add(oid: OID, tag: int, value: object) -> None:
        out.append((oid, tag, value))

    d = dev.device
    facts = dev.facts

    uptime = Linear(100.0, dev.boot_time, 1, MASK32)

    add((*SYSTEM, 1, 0), Tag.OCTET_STRING, _s(dev.ident.sys_descr))
    add((*SYSTEM, 2, 0), Tag.OBJECT_IDENTIFIER, parse_oid(dev.ident.sys_object_id))
    add((*SYSTEM, 3, 0), Tag.TIME_TICKS, uptime)
    add((*SYSTEM, 4, 0), Tag.OCTET_STRING, _s(f"noc@{d.name.split('-')[0]}.gov.example"))
    add((*SYSTEM, 5, 0), Tag.OCTET_STRING, _s(facts.hostname or d.name))
    add((*SYSTEM, 6, 0), Tag.OCTET_STRING, _s(d.site))
    add((*SYSTEM, 7, 0), Tag.INTEGER, 72 if d.platform is Platform.LINUX else 6)

    # IF-MIB ---------------------------------------------------------------------------------
    add((1, 3, 6, 1, 2, 1, 2, 1, 0), Tag.INTEGER, len(dev.ports))
    for port in dev.ports:
        i = port.if_index
        info = facts.interfaces.get(port.name) or {}
        admin = 2 if info.get("shutdown") else 1
        oper = 1 if lab.oper_up(dev, port) else 2
        speed = port.speed
        rates = counter_rates(dev, port)

        def counter(
            key: str, bits: int, rates: dict[str, tuple[float, float, int]] = rates
        ) -> Linear:
            rate, since, div = rates[key]
            return Linear(rate, since, div, MASK64 if bits == 64 else MASK32)

        add((*IF_TABLE, 1, i), Tag.INTEGER, i)
        add((*IF_TABLE, 2, i), Tag.OCTET_STRING, _s(port.name))
        add((*IF_TABLE, 3, i), Tag.INTEGER, port.if_type)
        add((*IF_TABLE, 4, i), Tag.INTEGER, 1500 if port.if_type != 24 else 65536)
        add((*IF_TABLE, 5, i), Tag.GAUGE32, min(speed, 0xFFFFFFFF))
        add((*IF_TABLE, 6, i), Tag.OCTET_STRING, port.mac if port.if_type != 24 else b"")
        add((*IF_TABLE, 7, i), Tag.INTEGER, admin)
        add((*IF_TABLE, 8, i), Tag.INTEGER, oper)
        add((*IF_TABLE, 9, i), Tag.TIME_TICKS, 0)
        add((*IF_TABLE, 10, i), Tag.COUNTER32, counter("in_octets", 32))
        add((*IF_TABLE, 11, i), Tag.COUNTER32, counter("in_ucast", 32))
        add((*IF_TABLE, 13, i), Tag.COUNTER32, counter("in_discards", 32))
        add((*IF_TABLE, 14, i), Tag.COUNTER32, counter("in_errors", 32))
        add((*IF_TABLE, 16, i), Tag.COUNTER32, counter("out_octets", 32))
        add((*IF_TABLE, 17, i), Tag.COUNTER32, counter("out_ucast", 32))
        add((*IF_TABLE, 19, i), Tag.COUNTER32, counter("out_discards", 32))
        add((*IF_TABLE, 20, i), Tag.COUNTER32, counter("out_errors", 32))
        add((*IFX_TABLE, 1, i), Tag.OCTET_STRING, _s(port.name))
        add((*IFX_TABLE, 6, i), Tag.COUNTER64, counter("in_octets", 64))
        add((*IFX_TABLE, 7, i), Tag.COUNTER64, counter("in_ucast", 64))
        add((*IFX_TABLE, 8, i), Tag.COUNTER64, counter("in_mcast", 64))
        add((*IFX_TABLE, 9, i), Tag.COUNTER64, counter("in_bcast", 64))
        add((*IFX_TABLE, 10, i), Tag.COUNTER64, counter("out_octets", 64))
        add((*IFX_TABLE, 11, i), Tag.COUNTER64, counter("out_ucast", 64))
        add((*IFX_TABLE, 12, i), Tag.COUNTER64, counter("out_mcast", 64))
        add((*IFX_TABLE, 13, i), Tag.COUNTER64, counter("out_bcast", 64))
        add((*IFX_TABLE, 15, i), Tag.GAUGE32, speed // 1_000_000)
        add((*IFX_TABLE, 18, i), Tag.OCTET_STRING, _s(info.get("description") or ""))

    # ENTITY-MIB + vendor health ---------------------------------------------------------------
    for e in dev.entities:
        add((*ENT_PHYSICAL, 2, e.index), Tag.OCTET_STRING, _s(e.descr))
        add((*ENT_PHYSICAL, 4, e.index), Tag.INTEGER, e.contained_in)
        add((*ENT_PHYSICAL, 5, e.index), Tag.INTEGER, e.cls)
        add((*ENT_PHYSICAL, 7, e.index), Tag.OCTET_STRING, _s(e.name))
        add((*ENT_PHYSICAL, 11, e.index), Tag.OCTET_STRING, _s(e.serial))
        add((*ENT_PHYSICAL, 13, e.index), Tag.OCTET_STRING, _s(e.model))
    health = [e for e in dev.entities if e.health]
    cpu: Callable[[], int] = lambda: int(dev.cpu_percent())  # noqa: E731
    mem = int(dev.memory_percent())
    temp = int(dev.temperature())
    p = d.platform
    if p in (Platform.HUAWEI_VRP, Platform.HUAWEI_USG):
        for e in dev.entities:
            if e.cls == 9 or e.cls == 3:
                on = e.health
                add((*HW_ENTITY_STATE, 3, e.index), Tag.INTEGER, 3)  # hwEntityStandbyStatus
                add((*HW_ENTITY_STATE, 5, e.index), Tag.INTEGER, cpu if on else 0)
                add((*HW_ENTITY_STATE, 7, e.index), Tag.INTEGER, mem if on else 0)
                add((*HW_ENTITY_STATE, 9, e.index), Tag.INTEGER, 2048 if on else 0)  # MemSize (MB)
                add((*HW_ENTITY_STATE, 11, e.index), Tag.INTEGER, temp if on else 0)
    elif p is Platform.HP_COMWARE:
        for e in health:
            add((*H3C_ENTITY_EXT, 3, e.index), Tag.INTEGER, 2)
            add((*H3C_ENTITY_EXT, 6, e.index), Tag.INTEGER, cpu)
            add((*H3C_ENTITY_EXT, 8, e.index), Tag.INTEGER, mem)
            add((*H3C_ENTITY_EXT, 12, e.index), Tag.INTEGER, temp)
            add((*H3C_ENTITY_EXT, 19, e.index), Tag.INTEGER, 2)
    elif p is Platform.CISCO_IOS:
        add((*CISCO_CPU, 2, 1), Tag.INTEGER, 1)
        add((*CISCO_CPU, 8, 1), Tag.GAUGE32, cpu)
        total = 2 * 1024 * 1024 * 1024
        add((*CISCO_MEMPOOL, 2, 1), Tag.OCTET_STRING, b"Processor")
        add((*CISCO_MEMPOOL, 5, 1), Tag.GAUGE32, total * mem // 100)
        add((*CISCO_MEMPOOL, 6, 1), Tag.GAUGE32, total - total * mem // 100)
        add((*CISCO_TEMP, 2, 1), Tag.OCTET_STRING, b"Inlet Temp Sensor")
        add((*CISCO_TEMP, 3, 1), Tag.GAUGE32, temp)
    else:
        for n in range(4):
            add((*HR_PROCESSOR_LOAD, 196608 + n), Tag.INTEGER, cpu)
        total_kb = 64 * 1024 * 1024
        add((*HR_STORAGE, 1, 1), Tag.INTEGER, 1)
        add((*HR_STORAGE, 2, 1), Tag.OBJECT_IDENTIFIER, parse_oid("1.3.6.1.2.1.25.2.1.2"))
        add((*HR_STORAGE, 3, 1), Tag.OCTET_STRING, b"Physical memory")
        add((*HR_STORAGE, 4, 1), Tag.INTEGER, 1024)
        add((*HR_STORAGE, 5, 1), Tag.INTEGER, total_kb)
        add((*HR_STORAGE, 6, 1), Tag.INTEGER, total_kb * mem // 100)
        add((*UCD_MEM, 5, 0), Tag.INTEGER, total_kb)
        add((*UCD_MEM, 6, 0), Tag.INTEGER, total_kb - total_kb * mem // 100)
        for n in (1, 2, 3):
            add((*UCD_LOAD, n), Tag.OCTET_STRING, lambda: _s(f"{dev.cpu_percent() / 25:.2f}"))

    # LLDP-MIB -------------------------------------------------------------------------------
    add((*LLDP_LOC, 1, 0), Tag.INTEGER, 4)
    add((*LLDP_LOC, 2, 0), Tag.OCTET_STRING, dev.chassis_mac)
    add((*LLDP_LOC, 3, 0), Tag.OCTET_STRING, _s(facts.hostname or d.name))
    add((*LLDP_LOC, 4, 0), Tag.OCTET_STRING, _s(dev.ident.sys_descr))
    for port in dev.ports:
        if port.if_type == 6:
            add((*LLDP_LOC, 7, 1, 2, port.if_index), Tag.INTEGER, 5)
            add((*LLDP_LOC, 7, 1, 3, port.if_index), Tag.OCTET_STRING, _s(port.name))
            add((*LLDP_LOC, 7, 1, 4, port.if_index), Tag.OCTET_STRING, _s(port.name))
    for row in lab.lldp_rows(dev):
        local = dev.port_by_name.get(row.local_port)
        if local is None:
            continue
        idx: OID = (0, local.if_index, 1)
        add((*LLDP_REM, 4, *idx), Tag.INTEGER, 4)
        add((*LLDP_REM, 5, *idx), Tag.OCTET_STRING, row.chassis_mac)
        add((*LLDP_REM, 6, *idx), Tag.INTEGER, 5)
        add((*LLDP_REM, 7, *idx), Tag.OCTET_STRING, _s(row.port_id))
        add((*LLDP_REM, 8, *idx), Tag.OCTET_STRING, _s(row.port_descr))
        add((*LLDP_REM, 9, *idx), Tag.OCTET_STRING, _s(row.sys_name))
        add((*LLDP_REM, 10, *idx), Tag.OCTET_STRING, _s(row.sys_descr))
        caps = b"\x28\x00" if "router" in row.capabilities else b"\x80\x00"
        add((*LLDP_REM, 11, *idx), Tag.OCTET_STRING, caps)
        add((*LLDP_REM, 12, *idx), Tag.OCTET_STRING, caps)
        man = (*idx, 1, 4, *_ip_index(row.mgmt_address))
        add((*LLDP_REM_MAN, 3, *man), Tag.INTEGER, 2)
        add((*LLDP_REM_MAN, 4, *man), Tag.INTEGER, 0)
        add((*LLDP_REM_MAN, 5, *man), Tag.OBJECT_IDENTIFIER, (0, 0))

    # IP-MIB ARP -------------------------------------------------------------------------------
    seen: set[OID] = set()
    for arp in lab.arp_rows(dev):
        aport = dev.port_by_name.get(arp.interface)
        if aport is None:
            continue
        aidx: OID = (aport.if_index, 1, 4, *_ip_index(arp.ip))
        if aidx in seen:
            continue
        seen.add(aidx)
        kind = {"interface": 1, "dynamic": 3, "static": 4}.get(arp.kind, 1)
        add((*IP_NET_TO_PHYSICAL, 4, *aidx), Tag.OCTET_STRING, arp.mac)
        add((*IP_NET_TO_PHYSICAL, 6, *aidx), Tag.INTEGER, kind)
        add((*IP_NET_TO_PHYSICAL, 7, *aidx), Tag.INTEGER, 1)
        old = (aport.if_index, *_ip_index(arp.ip))
        add((*IP_NET_TO_MEDIA, 1, *old), Tag.INTEGER, aport.if_index)
        add((*IP_NET_TO_MEDIA, 2, *old), Tag.OCTET_STRING, arp.mac)
        add((*IP_NET_TO_MEDIA, 3, *old), Tag.IP_ADDRESS, IPv4Address(arp.ip).packed)
        add((*IP_NET_TO_MEDIA, 4, *old), Tag.INTEGER, kind if kind != 1 else 4)

    # IP-FORWARD-MIB (global table) and MPLS-L3VPN-STD-MIB (VRFs) -----------------------------------
    for r in route_rows(lab, dev):
        rport = dev.port_by_name.get(r.interface)
        net = IPv4Network(r.prefix)
        if r.vrf is not None:
            continue
        ridx: OID = (
            1,
            4,
            *_ip_index(str(net.network_address)),
            net.prefixlen,
            2,
            0,
            0,
            1,
            4,
            *_ip_index(r.next_hop),
        )
        if (*INET_CIDR_ROUTE, 7, *ridx) in {e[0] for e in out[-8:]}:
            continue
        add((*INET_CIDR_ROUTE, 7, *ridx), Tag.INTEGER, rport.if_index if rport else 0)
        add((*INET_CIDR_ROUTE, 8, *ridx), Tag.INTEGER, 3 if r.protocol == "direct" else 4)
        add((*INET_CIDR_ROUTE, 9, *ridx), Tag.INTEGER, 2 if r.protocol == "direct" else 3)
        add((*INET_CIDR_ROUTE, 12, *ridx), Tag.INTEGER, 0)
        add((*INET_CIDR_ROUTE, 17, *ridx), Tag.INTEGER, 1)
    for name, vrf in facts.vrfs.items():
        vidx = _name_index(name)
        add((*L3VPN_VRF, 3, *vidx), Tag.OCTET_STRING, _s(vrf.get("description") or ""))
        add((*L3VPN_VRF, 4, *vidx), Tag.OCTET_STRING, _s(vrf.get("rd") or ""))
        add((*L3VPN_VRF, 6, *vidx), Tag.INTEGER, 1)
        targets: dict[str, int] = {}
        for t in vrf.get("import") or []:
            targets[t] = targets.get(t, 0) | 1
        for t in vrf.get("export") or []:
            targets[t] = targets.get(t, 0) | 2
        for n, (target, kinds) in enumerate(targets.items(), start=1):
            rt_type = 3 if kinds == 3 else kinds
            add((*L3VPN_VRF_RT, 4, *vidx, n, rt_type), Tag.OCTET_STRING, _s(target))
        for iname, info in facts.interfaces.items():
            if info.get("vrf") == name and iname in dev.port_by_name:
                cidx: OID = (*vidx, dev.port_by_name[iname].if_index)
                add((*L3VPN_IF_CONF, 2, *cidx), Tag.INTEGER, 2)
                add((*L3VPN_IF_CONF, 5, *cidx), Tag.INTEGER, 1)
    return out
