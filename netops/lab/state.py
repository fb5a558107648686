"""Device state of the lab, built from an inventory.

One :class:`LabDevice` per inventory device: identity, physical ports (cabled ones from the
inventory's links, plus the rest of each card), L3 interfaces, entities, a running
configuration (generated once, then edited by CLI config commands and faults) and the
run-time conditions faults set (down, SNMP/SSH misbehaviour, CPU, error rates). What a
device reports (VRFs, routes, telnet, communities, admin status) is derived from its
config text through :mod:`netops.lab.configfacts`, so SNMP, SSH and config agree.
Counters are functions of time: they grow at a steady, plausible rate per interface.
"""

from __future__ import annotations

import functools
import hashlib
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv4Network

from netops.inventory import Device, Inventory, Link, Platform, Role, ZoneKind
from netops.lab import platforms
from netops.lab.configfacts import ConfigFacts, parse_config
from netops.lab.platforms import Identity


def _h(*parts: object) -> int:
    return int.from_bytes(
        hashlib.blake2b("/".join(map(str, parts)).encode(), digest_size=8).digest()
    )


def mac_text(mac: bytes, style: str = "colon") -> str:
    h = mac.hex()
    if style == "huawei":  # xxxx-xxxx-xxxx
        return f"{h[0:4]}-{h[4:8]}-{h[8:12]}"
    if style == "cisco":  # xxxx.xxxx.xxxx
        return f"{h[0:4]}.{h[4:8]}.{h[8:12]}"
    return ":".join(h[i : i + 2] for i in range(0, 12, 2))


@dataclass
class Port:
    """A physical or logical interface of a lab device."""

    name: str
    if_index: int
    mac: bytes
    speed: int  # bit/s; 0 for logical without a speed
    if_type: int  # IANAifType: 6 ethernetCsmacd, 136 l3ipvlan, 24 softwareLoopback, 1 other
    link: Link | None = None
    peer_device: str | None = None
    peer_port: str | None = None
    utilisation: float = 0.0  # share of speed used, each direction


@dataclass
class ArpRow:
    ip: str
    mac: bytes
    interface: str
    vrf: str | None
    kind: str  # dynamic, static, interface


@dataclass
class LldpRow:
    local_port: str
    chassis_mac: bytes
    port_id: str
    port_descr: str
    sys_name: str
    sys_descr: str
    mgmt_address: str
    capabilities: str  # bridge,router


@dataclass
class EntityRow:
    index: int
    cls: int  # ENTITY-MIB PhysicalClass: 3 chassis, 5 container, 6 powerSupply, 7 fan, 9 module
    name: str
    descr: str
    serial: str
    model: str
    contained_in: int
    health: bool = False  # carries CPU/memory/temperature


@dataclass
class LabDevice:
    """One simulated device; mutable run-time conditions live here."""

    device: Device
    index: int  # position in the inventory: MACs, addresses
    ident: Identity
    chassis_mac: bytes
    serial: str
    boot_time: float
    entities: list[EntityRow]
    build_ports: Callable[[], list[Port]] = field(default=list, repr=False)
    _ports: list[Port] | None = field(default=None, repr=False)
    # running / saved configuration: generated on first use (a province has 15,900 devices)
    _config: str | None = None
    _saved: str | None = None
    generate: Callable[[LabDevice], str] | None = field(default=None, repr=False)
    # run-time conditions (faults)
    down: bool = False
    snmp_mode: str = "ok"  # ok, timeout, garbled, wrong-credentials
    ssh_mode: str = "ok"  # ok, garbled, wrong-credentials
    cpu_override: float | None = None
    error_rates: dict[str, float] = field(default_factory=dict)  # port -> errors/s
    error_since: dict[str, float] = field(default_factory=dict)
    extra_arp: list[ArpRow] = field(default_factory=list)
    change_hooks: list[object] = field(default_factory=list)
    _facts: ConfigFacts | None = None

    @property
    def name(self) -> str:
        return self.device.name

    @property
    def platform(self) -> Platform:
        return self.device.platform

    @property
    def ports(self) -> list[Port]:
        """Physical and logical interfaces (built on first use)."""
        if self._ports is None:
            self._ports = self.build_ports()
        return self._ports

    @cached_property
    def port_by_name(self) -> dict[str, Port]:
        return {p.name: p for p in self.ports}

    @cached_property
    def addressed(self) -> frozenset[str]:
        """Names of the interfaces the inventory gives an address."""
        return frozenset(i.name for i in self.device.interfaces if i.address is not None)

    @property
    def config_text(self) -> str:
        """The running configuration (generated from the inventory on first use)."""
        if self._config is None:
            self._config = self.generate(self) if self.generate is not None else ""
        return self._config

    @property
    def saved_config_text(self) -> str:
        """The saved (startup) configuration: the generated one until someone saves."""
        if self._saved is None:
            self._saved = self.config_text
        return self._saved

    @saved_config_text.setter
    def saved_config_text(self, text: str) -> None:
        self._saved = text

    @property
    def config_generated(self) -> bool:
        return self._config is not None

    @property
    def facts(self) -> ConfigFacts:
        if self._facts is None:
            self._facts = parse_config(self.platform, self.config_text)
        return self._facts

    def set_config(self, text: str) -> None:
        """Replace the running config; every derived view follows."""
        if self._saved is None:
            self._saved = self.config_text
        self._config = text
        self._facts = None

    def uptime(self, now: float | None = None) -> float:
        return max(0.0, (now or time.time()) - self.boot_time)

    def cpu_percent(self, now: float | None = None) -> float:
        if self.cpu_override is not None:
            return self.cpu_override
        t = now or time.time()
        base = 8 + _h(self.name, "cpu") % 22
        return round(base + 4 * math.sin(t / 300 + _h(self.name) % 7), 1)

    def memory_percent(self) -> float:
        return float(30 + _h(self.name, "mem") % 35)

    def temperature(self) -> float:
        return float(34 + _h(self.name, "temp") % 14)


@dataclass
class Lab:
    """Every device of an inventory, with the cabling between them."""

    inventory: Inventory
    devices: dict[str, LabDevice]
    links_up: dict[int, bool]  # id(link) -> up
    rogue_links: list[tuple[str, str, str, str]] = field(default_factory=list)
    started: float = field(default_factory=time.time)
    #: HA pair name -> devices holding its service address now (default: the first member;
    #: the real database pair's faults move it, both members hold it in a split brain)
    service_holders: dict[str, set[str]] = field(default_factory=dict)

    def device(self, name: str) -> LabDevice:
        try:
            return self.devices[name]
        except KeyError:
            raise KeyError(f"no device {name!r} in the lab") from None

    # -- link state -------------------------------------------------------------------------
    def holds_service_address(self, device: str) -> str | None:
        """The service address ``device`` holds now (of its HA pair), if any."""
        for pair in self.inventory.ha_pairs:
            if device in pair.members and pair.service_address is not None:
                holders = self.service_holders.get(pair.name, {pair.members[0]})
                return str(pair.service_address) if device in holders else None
        return None

    def link_up(self, link: Link) -> bool:
        if not self.links_up.get(id(link), True):
            return False
        a, b = self.devices.get(link.a.device), self.devices.get(link.b.device)
        if a is None or b is None or a.down or b.down:
            return False
        return not (_shut(a, link.a.interface) or _shut(b, link.b.interface))

    def oper_up(self, dev: LabDevice, port: Port) -> bool:
        """Operational status: cabled and both ends up and admin up; L3/logical follow."""
        if dev.down:
            return False
        if _shut(dev, port.name):
            return False
        if port.link is not None:
            return self.link_up(port.link)
        for rogue in self.rogue_links:
            if (rogue[0], rogue[1]) == (dev.name, port.name) or (rogue[2], rogue[3]) == (
                dev.name,
                port.name,
            ):
                return True
        if port.if_type == 6:
            # management ports are cabled out of band; an addressed port with no declared link
            # goes outside the inventory (the border router's uplink to its provider)
            return port.name in ("eth0", "MEth0/0/1") or port.name in dev.addressed
        return True

    def lldp_rows(self, dev: LabDevice) -> list[LldpRow]:
        """What the device's LLDP agent learned: one row per up, cabled port."""
        rows: list[LldpRow] = []
        if dev.down:
            return rows
        pairs: list[tuple[str, str, str]] = []
        for port in dev.ports:
            if port.link is not None and self.link_up(port.link) and port.peer_device:
                pairs.append((port.name, port.peer_device, port.peer_port or ""))
        for a_dev, a_port, b_dev, b_port in self.rogue_links:
            if a_dev == dev.name and not self.devices[b_dev].down:
                pairs.append((a_port, b_dev, b_port))
            elif b_dev == dev.name and not self.devices[a_dev].down:
                pairs.append((b_port, a_dev, a_port))
        for local, peer_name, peer_port in pairs:
            peer = self.devices[peer_name]
            pp = peer.port_by_name.get(peer_port)
            descr = (peer.facts.interfaces.get(peer_port) or {}).get("description") or peer_port
            rows.append(
                LldpRow(
                    local_port=local,
                    chassis_mac=peer.chassis_mac,
                    port_id=peer_port,
                    port_descr=descr if pp is not None else peer_port,
                    sys_name=peer.name,
                    sys_descr=peer.ident.sys_descr.replace("\r\n", " "),
                    mgmt_address=str(peer.device.mgmt_address),
                    capabilities="bridge,router"
                    if peer.platform is not Platform.LINUX
                    else "station",
                )
            )
        return rows

    def arp_rows(self, dev: LabDevice) -> list[ArpRow]:
        """ARP: the device's own L3 addresses, its gateways and the firewall next hops."""
        if dev.down:
            return []
        rows: list[ArpRow] = []
        facts = dev.facts
        for name, info in facts.interfaces.items():
            addr = info.get("address")
            if not addr or info.get("shutdown"):
                continue
            iface = IPv4Interface(addr)
            port = dev.port_by_name.get(name)
            own_mac = port.mac if port else dev.chassis_mac
            rows.append(ArpRow(str(iface.ip), own_mac, name, info.get("vrf"), "interface"))
        for route in facts.static_routes:
            nh = route.get("next_hop")
            if not nh or route.get("next_hop_vrf"):
                continue
            out = _interface_for(facts, nh, route.get("vrf"))
            if out is None:
                continue
            rows.append(ArpRow(nh, self.gateway_mac(dev, nh), out, route.get("vrf"), "dynamic"))
        rows.extend(dev.extra_arp)
        return rows

    def gateway_mac(self, dev: LabDevice, ip: str) -> bytes:
        """The MAC behind a next hop: the firewall for VRF defaults, else a gateway MAC."""
        fw = self.firewall_for(dev)
        if fw is not None and dev.device.role is Role.CORE:
            return fw.chassis_mac
        return bytes([0x00, 0x00, 0x5E, 0x00, 0x01, _h(ip) % 250 + 1])  # VRRP virtual MAC

    def firewall_for(self, dev: LabDevice) -> LabDevice | None:
        for port in dev.ports:
            if port.peer_device:
                peer = self.devices.get(port.peer_device)
                if peer is not None and peer.device.role is Role.FIREWALL:
                    return peer
        return None


def _shut(dev: LabDevice, port: str) -> bool:
    info = dev.facts.interfaces.get(port)
    return bool(info and info.get("shutdown"))


def _interface_for(facts: ConfigFacts, ip: str, vrf: str | None) -> str | None:
    addr = IPv4Address(ip)
    for name, info in facts.interfaces.items():
        a = info.get("address")
        if a and info.get("vrf") == vrf and addr in IPv4Interface(a).network:
            return name
    return None


# -- building -------------------------------------------------------------------------------------


def _utilisation(dev: Device, peer: Device | None) -> float:
    base = {Role.CORE: 0.18, Role.AGGREGATION: 0.12, Role.FIREWALL: 0.2}.get(dev.role, 0.05)
    if peer is not None and peer.role is Role.CORE:
        base = max(base, 0.15)
    return base * (0.5 + (_h(dev.name, peer.name if peer else "") % 100) / 100)


def _entities(device: Device, ident: Identity, serial: str) -> list[EntityRow]:
    model = device.model or ""
    p = device.platform
    if p is Platform.LINUX:
        return [EntityRow(1, 3, "Chassis", model or "x86 server", serial, model, 0, True)]
    if p in (Platform.HUAWEI_VRP, Platform.HUAWEI_USG):
        chassis = 16777216
        rows = [EntityRow(chassis, 3, f"{model} Chassis", f"{model} Chassis", serial, model, 0)]
        boards = 2 if device.role is Role.CORE and model.startswith(("S12", "S77")) else 1
        for i in range(boards):
            rows.append(
                EntityRow(
                    16842753 + i,
                    9,
                    f"MPU Board {i + 1}" if boards > 1 else "MPU Board 0",
                    f"{model} Main Processing Unit",
                    f"{serial[:-2]}{i + 1:02d}",
                    model,
                    chassis,
                    True,
                )
            )
        for i in range(2):
            rows.append(
                EntityRow(
                    16973825 + i,
                    6,
                    f"PWR{i + 1}",
                    "Power supply 600W AC",
                    f"{serial[:-3]}P{i}",
                    "PAC600S12-CB",
                    chassis,
                )
            )
        rows.append(
            EntityRow(17039361, 7, "FAN1", "Fan module", f"{serial[:-3]}F1", "FAN-031A-B", chassis)
        )
        return rows
    if p is Platform.HP_COMWARE:
        return [
            EntityRow(1, 3, "Chassis 1", f"H3C {model}", serial, model, 0),
            EntityRow(2, 9, "Board 1", f"H3C {model} main board", serial, model, 1, True),
            EntityRow(3, 6, "Power supply 1", "PSR150-A1", f"{serial[:-3]}P01", "PSR150-A1", 1),
            EntityRow(4, 7, "Fan 1", "Fan tray", f"{serial[:-3]}F01", "FAN-TRAY", 1),
        ]
    return [
        EntityRow(1, 3, "Chassis", f"Cisco {model} Chassis", serial, model, 0, True),
        EntityRow(
            2, 6, "Power Supply Module 0", "Cisco AC power supply", f"{serial[:-3]}P00", "PWR-AC", 1
        ),
        EntityRow(3, 7, "Fan Tray", "Cisco fan tray", f"{serial[:-3]}F00", "FAN-TRAY", 1),
    ]


def _logical_ports(device: Device) -> list[tuple[str, int]]:
    """(name, ifType) of the logical interfaces a platform always has."""
    p = device.platform
    declared = [(i.name, 136) for i in device.interfaces if not platforms.split_port(i.name)]
    if p in (Platform.HUAWEI_VRP, Platform.HUAWEI_USG):
        out = [("MEth0/0/1", 6), ("NULL0", 1)]
        if device.role is Role.CORE and device.interfaces and any(i.vrf for i in device.interfaces):
            out.append(("LoopBack0", 24))
        elif p is Platform.HUAWEI_VRP:
            out.append(("Vlanif99", 136))
        return out + declared
    if p is Platform.HP_COMWARE:
        return [("NULL0", 1), ("Vlan-interface99", 136), *declared]
    if p is Platform.CISCO_IOS:
        if device.role is Role.BORDER_ROUTER:
            return [("GigabitEthernet0", 6), ("Null0", 1), *declared]
        return [("Vlan99", 136), ("Null0", 1), *declared]
    return [("lo", 24), *declared]


def _ports(
    d: Device,
    index: int,
    ident: Identity,
    chassis_mac: bytes,
    used: list[str],
    link_of: dict[tuple[str, str], Link],
    by_name: dict[str, Device],
) -> list[Port]:
    """A device's ports: every physical port of its cards (cabled per the links), then logical."""
    base = (index + 1) << 8
    oui = bytes(ident.oui)
    ports: list[Port] = []
    names = platforms.expand_ports(d, used)
    for n, name in enumerate(names, start=1):
        plink = link_of.get((d.name, name))
        peer = peer_port = None
        if plink is not None:
            far = plink.b if plink.a.device == d.name else plink.a
            peer, peer_port = far.device, far.interface
        kind = (platforms.split_port(name) or (name, "", 0))[0]
        speed = platforms.SPEEDS.get(kind, 1_000_000_000)
        ports.append(
            Port(
                name,
                n,
                oui + (base + n).to_bytes(3, "big"),
                speed,
                6,
                plink,
                peer,
                peer_port,
                _utilisation(d, by_name.get(peer) if peer else None) if plink else 0.0,
            )
        )
    seen = set(names)
    for name, if_type in _logical_ports(d):
        if name in seen:
            continue
        seen.add(name)
        ports.append(
            Port(name, len(ports) + 1, chassis_mac, 0 if if_type != 6 else 1_000_000_000, if_type)
        )
    return ports


def build_lab(inventory: Inventory, now: float | None = None) -> Lab:
    """Every device of ``inventory`` in its clean state (configs generated lazily)."""
    from netops.lab.configs import generate_config

    now = now or time.time()
    used: dict[str, list[str]] = {}
    link_of: dict[tuple[str, str], Link] = {}
    for link in inventory.links:
        for end in (link.a, link.b):
            used.setdefault(end.device, []).append(end.interface)
            link_of[(end.device, end.interface)] = link
    for d in inventory.devices:
        for i in d.interfaces:
            if platforms.split_port(i.name) and i.name not in used.get(d.name, []):
                used.setdefault(d.name, []).append(i.name)

    devices: dict[str, LabDevice] = {}
    by_name = inventory.device_by_name
    for index, d in enumerate(inventory.devices):
        ident = platforms.identity(d)
        chassis_mac = bytes(ident.oui) + ((index + 1) << 8).to_bytes(3, "big")
        serial = f"{ident.serial_prefix}{_h(d.name, 'serial') % 10**12:012d}"[:20]
        ports = functools.partial(
            _ports, d, index, ident, chassis_mac, used.get(d.name, []), link_of, by_name
        )
        uptime = 86400 * (20 + _h(d.name, "uptime") % 180) + _h(d.name) % 86400
        devices[d.name] = LabDevice(
            device=d,
            index=index,
            ident=ident,
            chassis_mac=chassis_mac,
            serial=serial,
            boot_time=now - uptime,
            entities=_entities(d, ident, serial),
            build_ports=ports,
        )
    lab = Lab(inventory, devices, {id(link): True for link in inventory.links}, started=now)
    for dev in devices.values():
        dev.generate = functools.partial(generate_config, lab)
    return lab


#: counter -> (base counter it derives from, divisor): packets from octets at a steady size
_DERIVED = {
    "in_ucast": ("in_octets", 700),
    "out_ucast": ("out_octets", 700),
    "in_mcast": ("in_octets", 90_000),
    "out_mcast": ("out_octets", 90_000),
    "in_bcast": ("in_octets", 400_000),
    "out_bcast": ("out_octets", 400_000),
    "out_errors": ("in_errors", 10),
}


def counter_rates(dev: LabDevice, port: Port) -> dict[str, tuple[float, float, int]]:
    """Each counter of a port as ``(rate per second, since, divisor)``.

    Its value at time ``t`` is ``int(rate * max(0, t - since)) // divisor``: steady rates
    since boot (0 on idle ports), errors at the fault's rate since the fault.
    """
    rate = port.speed / 8 * port.utilisation if port.link is not None else 0.0
    base = {
        "in_octets": (rate * (0.9 + (_h(dev.name, port.name) % 20) / 100), dev.boot_time, 1),
        "out_octets": (rate * (0.8 + (_h(port.name, dev.name) % 30) / 100), dev.boot_time, 1),
        "in_errors": (
            dev.error_rates.get(port.name, 0.0),
            dev.error_since.get(port.name, dev.boot_time),
            1,
        ),
        "in_discards": (0.0, dev.boot_time, 1),
        "out_discards": (0.0, dev.boot_time, 1),
    }
    out = dict(base)
    for key, (source, div) in _DERIVED.items():
        r, since, _ = base[source]
        out[key] = (r, since, div)
    return out


def counters(lab: Lab, dev: LabDevice, port: Port, now: float | None = None) -> dict[str, int]:
    """64-bit counters of a port at ``now`` (see :func:`counter_rates`)."""
    t = now or time.time()
    return {
        key: int(rate * max(0.0, t - since)) // div
        for key, (rate, since, div) in counter_rates(dev, port).items()
    }


def management_network(inventory: Inventory, device: Device) -> IPv4Network:
    """The /24 a device's management address sits in (its gateway is .254)."""
    return IPv4Network(f"{device.mgmt_address}/24", strict=False)


def services_addresses(inventory: Inventory, device: Device) -> dict[str, str]:
    """Loghost, NTP, TACACS+ and the management-services prefix for a device's network."""
    kind = ZoneKind.INTRANET if inventory.network_of(device) == "intranet" else ZoneKind.MANAGEMENT
    zone = next((z for z in inventory.zones if z.kind is kind), None)
    base = (
        zone.prefixes[0].network_address
        if zone
        else management_network(inventory, device).network_address
    )
    services = IPv4Network(f"{base + 256}/24")
    return {
        "loghost": str(services.network_address + 10),
        "ntp": str(services.network_address + 20),
        "tacacs": str(services.network_address + 30),
        "acl_network": str(services.network_address),
        "acl_wildcard": "0.0.0.255",
        "prefix": str(services),
    }


@dataclass
class RouteRow:
    vrf: str | None
    prefix: str
    protocol: str  # direct, static
    preference: int
    next_hop: str
    interface: str
    next_hop_vrf: str | None = None


def route_rows(lab: Lab, dev: LabDevice) -> list[RouteRow]:
    """Routing tables of a device: connected (interfaces up) and static (from the config)."""
    rows: list[RouteRow] = []
    facts = dev.facts
    for name, info in facts.interfaces.items():
        addr = info.get("address")
        port = dev.port_by_name.get(name)
        if not addr or info.get("shutdown") or (port is not None and not lab.oper_up(dev, port)):
            continue
        iface = IPv4Interface(addr)
        vrf = info.get("vrf")
        rows.append(RouteRow(vrf, str(iface.network), "direct", 0, str(iface.ip), name))
        if iface.network.prefixlen < 32:
            rows.append(RouteRow(vrf, f"{iface.ip}/32", "direct", 0, "127.0.0.1", name))
    for r in facts.static_routes:
        nh = r.get("next_hop") or "0.0.0.0"
        nh_vrf = r.get("next_hop_vrf")
        lookup_vrf = None if nh_vrf == "public" else (nh_vrf or r.get("vrf"))
        out = r.get("interface") or (
            _interface_for(facts, nh, lookup_vrf) if nh != "0.0.0.0" else None
        )
        if out is None:
            continue  # next hop not resolvable: the route is not installed
        rows.append(RouteRow(r.get("vrf"), r["prefix"], "static", 60, nh, out, nh_vrf))
    return rows
