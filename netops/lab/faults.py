"""Faults and scenarios: each fault changes exactly what it should, and clears back.

A fault acts on a device's run-time conditions (down, SNMP/SSH misbehaviour, CPU,
error rates, link state) or on its running configuration (config faults are config
commands, undone by their inverse), so every view of the device follows. Scenarios are
named bundles of faults with sensible default targets in the reference network.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from netops.errors import LabError
from netops.inventory import Platform, Role
from netops.lab import configedit
from netops.lab.state import ArpRow, Lab, LabDevice

#: kind -> one-line description (``netops lab fault add --help`` lists them).
FAULT_KINDS: dict[str, str] = {
    "device-down": "the device stops answering (SNMP and SSH); its neighbours see the links down",
    "uplink-down": "one uplink of an aggregation point goes down (--interface, default: the first)",
    "uplinks-down": "both uplinks of an aggregation point go down",
    "interface-errors": "input errors grow fast on an interface (--interface, default: the first uplink)",
    "high-cpu": "CPU at 95 %",
    "snmp-timeout": "the SNMP agent drops every request",
    "garbled-snmp": "SNMP answers are truncated (malformed)",
    "garbled-ssh": "SSH output is garbled",
    "wrong-credentials": "SSH and SNMP refuse the lab credentials",
    "unreachable": "the device is alive but cannot be reached (behind a dead aggregation point)",
    "rogue-lldp": "an intranet switch gets a cable (and LLDP neighbour) into the extranet",
    "rt-leak": "a VRF imports another zone's route target",
    "cross-vrf-route": "a static route in one VRF points into another VRF",
    "intranet-default-route": "a default route appears in the intranet",
    "foreign-arp": "an ARP entry from another network appears (intranet sees an extranet host)",
    "telnet-on": "telnet enabled (baseline drift)",
    "community-public": "SNMP community 'public' configured (baseline drift)",
    "idle-timeout-0": "VTY idle timeout disabled (baseline drift)",
    "firewall-any-any": "a permit any-any rule at the top of the firewall policy",
    "config-changed": "an interface description changed outside netops",
    "db-split-brain": "the database standby is promoted: two primaries",
    "db-standby-down": "the database standby stops",
    "db-stale-backup": "the automatic database backups are made a day older than the policy allows",
    "db-replication-lag": "the database standby stops replaying while the primary writes",
}

SCENARIOS: dict[str, list[dict[str, Any]]] = {
    "clean": [],
    "isolation-breach": [
        {"kind": "rogue-lldp"},
        {"kind": "rt-leak"},
        {"kind": "cross-vrf-route"},
        {"kind": "intranet-default-route"},
        {"kind": "foreign-arp"},
    ],
    "uplink-loss": [{"kind": "uplink-down", "pick": 0}, {"kind": "uplinks-down", "pick": 1}],
    "split-brain": [{"kind": "db-split-brain"}],
    "baseline-drift": [
        {"kind": "telnet-on", "pick": 0},
        {"kind": "community-public", "pick": 1},
        {"kind": "idle-timeout-0", "pick": 2},
        {"kind": "firewall-any-any"},
    ],
    "storm": [{"kind": "storm"}],
}


@dataclass
class Fault:
    kind: str
    device: str
    interface: str | None = None
    id: int = 0
    undo: list[tuple[list[str], str]] = field(default_factory=list)  # config commands to clear
    detail: str = ""

    def public(self) -> dict[str, Any]:
        d = asdict(self)
        d.pop("undo")
        return d


def _agg(lab: Lab, pick: int = 0) -> LabDevice:
    aggs = [d for d in lab.devices.values() if d.device.role is Role.AGGREGATION]
    if not aggs:
        raise LabError("the inventory has no aggregation point")
    return aggs[pick % len(aggs)]


def _intranet_switch(lab: Lab, core: bool) -> LabDevice:
    for d in lab.devices.values():
        if (
            lab.inventory.network_of(d.device) == "intranet"
            and (d.device.role is Role.CORE) == core
        ):
            return d
    raise LabError("the inventory has no intranet switch")


def default_device(lab: Lab, kind: str, pick: int = 0) -> str:
    """Where a fault lands when no --device is given (the reference network's usual suspects)."""
    devs = list(lab.devices.values())
    if kind in ("uplink-down", "uplinks-down", "interface-errors"):
        return _agg(lab, pick).name
    if kind in ("rt-leak", "cross-vrf-route"):
        return next(d.name for d in devs if d.facts.vrfs)
    if kind == "rogue-lldp":
        return _intranet_switch(lab, core=False).name
    if kind in ("intranet-default-route", "foreign-arp"):
        return _intranet_switch(lab, core=True).name
    if kind == "firewall-any-any":
        return next(d.name for d in devs if d.device.role is Role.FIREWALL)
    if kind.startswith("db-"):
        from netops.lab.databases import database_pairs

        pairs = database_pairs(lab)
        if not pairs:
            raise LabError("the inventory has no database HA pair")
        return pairs[pick % len(pairs)].members[0]
    if kind in ("telnet-on", "community-public", "idle-timeout-0"):
        platforms = [Platform.HUAWEI_VRP, Platform.HP_COMWARE, Platform.CISCO_IOS]
        want = platforms[pick % 3]
        return next(
            (d.name for d in devs if d.platform is want and d.device.role is Role.ACCESS),
            next(d.name for d in devs if d.platform is Platform.HUAWEI_VRP),
        )
    return next(d.name for d in devs if d.device.role is Role.ACCESS)


def _uplinks(lab: Lab, dev: LabDevice) -> list[Any]:
    links = lab.inventory.uplinks(dev.name)
    if not links:
        raise LabError(f"{dev.name} has no uplink to a core device")
    return links


def _config(dev: LabDevice, commands: list[tuple[list[str], str]]) -> None:
    dialect = configedit.dialect_of(dev.platform.value)
    text = dev.config_text
    for path, cmd in commands:
        text = configedit.apply(text, dialect, path, cmd)
    dev.set_config(text)


def _inverse(dev: LabDevice, commands: list[tuple[list[str], str]]) -> list[tuple[list[str], str]]:
    neg = "no " if dev.platform is Platform.CISCO_IOS else "undo "
    out: list[tuple[list[str], str]] = []
    for path, cmd in reversed(commands):
        out.append((path, cmd[len(neg) :] if cmd.startswith(neg) else neg + cmd))
    return out


def config_commands(lab: Lab, dev: LabDevice, kind: str) -> list[tuple[list[str], str]]:
    """Config commands that make the fault (VRP/USG, Comware, IOS dialects)."""
    p = dev.platform
    if kind == "telnet-on":
        if p is Platform.CISCO_IOS:
            return [(["line vty 0 4"], "transport input telnet ssh")]
        if p is Platform.HP_COMWARE:
            return [([], "telnet server enable")]
        return [([], "telnet server enable"), (["user-interface vty 0 4"], "protocol inbound all")]
    if kind == "community-public":
        if p is Platform.CISCO_IOS:
            return [([], "snmp-server community public RO")]
        if p is Platform.HP_COMWARE:
            return [([], "snmp-agent community read simple public")]
        return [([], "snmp-agent community read public")]
    if kind == "idle-timeout-0":
        if p is Platform.CISCO_IOS:
            return [(["line vty 0 4"], "exec-timeout 0 0")]
        if p is Platform.HP_COMWARE:
            return [(["line vty 0 63"], "idle-timeout 0 0")]
        return [(["user-interface vty 0 4"], "idle-timeout 0 0")]
    if kind == "rt-leak":
        vrfs = list(dev.facts.vrfs)
        other = _other_zone_target(lab, dev)
        return [
            (
                [f"ip vpn-instance {vrfs[0]}", "ipv4-family"],
                f"vpn-target {other} import-extcommunity",
            )
        ]
    if kind == "cross-vrf-route":
        src, dst, nh = _cross_vrf(lab, dev)
        return [([], f"ip route-static vpn-instance {src} 0.0.0.0 0.0.0.0 vpn-instance {dst} {nh}")]
    if kind == "intranet-default-route":
        mgmt = str(dev.device.mgmt_address).rsplit(".", 1)[0] + ".254"
        if p is Platform.HP_COMWARE:
            return [([], f"ip route-static 0.0.0.0 0 {mgmt}")]
        return [([], f"ip route-static 0.0.0.0 0.0.0.0 {mgmt}")]
    if kind == "config-changed":
        port = next((x.name for x in dev.ports if x.link is not None), dev.ports[0].name)
        return [([f"interface {port}"], "description changed outside netops")]
    raise LabError(f"{kind} is not a config fault")


def _other_zone_target(lab: Lab, dev: LabDevice) -> str:
    vrfs = list(dev.facts.vrfs.items())
    first_imports = set(vrfs[0][1].get("import") or [])
    for _name, v in vrfs[1:]:
        for t in v.get("export") or []:
            if t not in first_imports:
                return str(t)
    raise LabError(f"{dev.name} has no other VRF to leak from")


def _cross_vrf(lab: Lab, dev: LabDevice) -> tuple[str, str, str]:
    from ipaddress import IPv4Interface

    vrfs = list(dev.facts.vrfs)
    src = vrfs[0]
    internet = next(
        (
            v.name
            for v in lab.inventory.vrfs
            if lab.inventory.zone_by_name[v.zone].kind.value == "internet"
        ),
        vrfs[-1],
    )
    for info in dev.facts.interfaces.values():
        if info.get("vrf") == internet and info.get("address"):
            nh = str(IPv4Interface(info["address"]).network.network_address + 254)
            return src, internet, nh
    raise LabError(f"{dev.name} has no interface in VRF {internet}")


class FaultBook:
    """The faults active in a lab, with add/clear/list."""

    def __init__(self, lab: Lab) -> None:
        self.lab = lab
        self.faults: list[Fault] = []
        self.next_id = 1
        self.on_link_change: list[Any] = []  # callables(device, port, up)
        #: devices whose state changed since the runtime last looked (their views are stale)
        self.touched: set[str] = set()
        #: callable(fault, pair name, on) acting on the real database pair (set by the runtime)
        self.db_hook: Any = None

    def add(
        self, kind: str, device: str | None = None, interface: str | None = None, pick: int = 0
    ) -> list[Fault]:
        if kind == "storm":
            agg = self.lab.device(device) if device else _agg(self.lab, pick)
            added = self.add("device-down", agg.name)
            behind = [
                self.lab.inventory.peer(link, agg.name)
                for link in self.lab.inventory.links_of(agg.name)
                if self.lab.inventory.device_by_name[self.lab.inventory.peer(link, agg.name)].role
                is Role.ACCESS
            ]
            for name in behind:
                added += self.add("unreachable", name)
            return added
        if kind not in FAULT_KINDS:
            raise LabError(
                f"unknown fault {kind!r}; known: {', '.join(sorted(FAULT_KINDS))} (scenario: storm)"
            )
        name = device or default_device(self.lab, kind, pick)
        dev = self.lab.device(name)
        fault = Fault(kind, name, interface, self.next_id)
        self._apply(fault, dev, on=True)
        self.next_id += 1
        self.faults.append(fault)
        return [fault]

    def clear(self, fault_id: int | None = None, device: str | None = None) -> list[Fault]:
        doomed = [
            f
            for f in self.faults
            if (fault_id is None or f.id == fault_id) and (device is None or f.device == device)
        ]
        for f in reversed(doomed):
            self._apply(f, self.lab.device(f.device), on=False)
            self.faults.remove(f)
        return doomed

    def scenario(self, name: str) -> list[Fault]:
        if name not in SCENARIOS:
            raise LabError(f"unknown scenario {name!r}; known: {', '.join(SCENARIOS)}")
        out: list[Fault] = []
        for spec in SCENARIOS[name]:
            out += self.add(spec["kind"], pick=spec.get("pick", 0))
        return out

    # -- the effects --------------------------------------------------------------------------
    def scope(self, name: str) -> set[str]:
        """``name`` and every device whose view can change with it (link and rogue peers)."""
        inv = self.lab.inventory
        out = {name} | {inv.peer(link, name) for link in inv.links_of(name)}
        for a, _, b, _ in self.lab.rogue_links:
            if name in (a, b):
                out |= {a, b}
        return out

    def _links_changed(self, before: dict[tuple[str, str], bool], scope: set[str]) -> None:
        after = self._link_states(scope)
        for key, was in before.items():
            now = after.get(key, was)
            if now != was:
                for hook in self.on_link_change:
                    hook(key[0], key[1], now)

    def _link_states(self, scope: set[str]) -> dict[tuple[str, str], bool]:
        out = {}
        for name in scope:
            dev = self.lab.devices[name]
            for port in dev.ports:
                if port.link is not None:
                    out[(dev.name, port.name)] = self.lab.oper_up(dev, port)
        return out

    def _apply(self, f: Fault, dev: LabDevice, on: bool) -> None:
        scope = self.scope(dev.name)
        before = self._link_states(scope)
        k = f.kind
        if k == "device-down":
            dev.down = on
        elif k == "unreachable":
            dev.snmp_mode = "timeout" if on else "ok"
            dev.ssh_mode = "unreachable" if on else "ok"
        elif k in ("uplink-down", "uplinks-down"):
            links = _uplinks(self.lab, dev)
            if k == "uplink-down":
                if f.interface:
                    links = [ln for ln in links if f.interface in (ln.a.interface, ln.b.interface)]
                links = links[:1]
            for link in links:
                self.lab.links_up[id(link)] = not on
            f.detail = ", ".join(str(link) for link in links)
        elif k == "interface-errors":
            port = f.interface or next(p.name for p in dev.ports if p.link is not None)
            f.interface = port
            if on:
                import time

                dev.error_rates[port] = 50.0
                dev.error_since[port] = time.time()
            else:
                dev.error_rates.pop(port, None)
        elif k == "high-cpu":
            dev.cpu_override = 95.0 if on else None
        elif k == "snmp-timeout":
            dev.snmp_mode = "timeout" if on else "ok"
        elif k == "garbled-snmp":
            dev.snmp_mode = "garbled" if on else "ok"
        elif k == "garbled-ssh":
            dev.ssh_mode = "garbled" if on else "ok"
        elif k == "wrong-credentials":
            dev.snmp_mode = "wrong-credentials" if on else "ok"
            dev.ssh_mode = "wrong-credentials" if on else "ok"
        elif k == "rogue-lldp":
            self._rogue(f, dev, on)
        elif k == "foreign-arp":
            self._foreign_arp(f, dev, on)
        elif k == "firewall-any-any":
            self._any_any(dev, on)
        elif k.startswith("db-"):
            self._db(f, on)
        elif on:
            cmds = config_commands(self.lab, dev, k)
            f.undo = _inverse(dev, cmds)
            _config(dev, cmds)
            f.detail = "; ".join(c for _, c in cmds)
        else:
            _config(dev, f.undo)
        scope |= self.scope(dev.name)  # a rogue cable adds a peer
        self._links_changed(before, scope)
        self.touched |= scope

    def _db(self, f: Fault, on: bool) -> None:
        """Database faults: the service address moves here; the real pair, through the hook."""
        from netops.lab.databases import pair_of

        pair = pair_of(self.lab, f.device)
        if f.kind in ("db-split-brain", "db-standby-down", "db-replication-lag"):
            f.device = pair.members[1]  # these happen to the standby
        if f.kind == "db-split-brain":
            # both nodes claim the service address, as keepalived does on a partition
            self.lab.service_holders[pair.name] = set(pair.members) if on else {pair.members[0]}
        if self.db_hook is not None:
            self.db_hook(f, pair.name, on)
        elif on:
            f.detail = "no real database pair in this lab (PostgreSQL missing or --db off)" + (
                ": the service address moved only" if f.kind == "db-split-brain" else ""
            )

    def _rogue(self, f: Fault, dev: LabDevice, on: bool) -> None:
        if on:
            free = [p for p in dev.ports if p.if_type == 6 and p.link is None]
            other = next(
                d
                for d in self.lab.devices.values()
                if self.lab.inventory.network_of(d.device) == "extranet"
                and d.device.role is Role.ACCESS
                and not d.down
            )
            ofree = [p for p in other.ports if p.if_type == 6 and p.link is None]
            a, b = free[-1].name, ofree[-1].name
            f.interface = a
            f.detail = f"{dev.name}:{a} <-> {other.name}:{b}"
            for d, port in ((dev, a), (other, b)):
                _config(
                    d,
                    [
                        (
                            [f"interface {port}"],
                            "undo shutdown"
                            if d.platform is not Platform.CISCO_IOS
                            else "no shutdown",
                        )
                    ],
                )
            self.lab.rogue_links.append((dev.name, a, other.name, b))
        else:
            for rogue in list(self.lab.rogue_links):
                if rogue[0] == dev.name and rogue[1] == f.interface:
                    self.lab.rogue_links.remove(rogue)
                    for name, port in ((rogue[0], rogue[1]), (rogue[2], rogue[3])):
                        d = self.lab.device(name)
                        _config(d, [([f"interface {port}"], "shutdown")])

    def _foreign_arp(self, f: Fault, dev: LabDevice, on: bool) -> None:
        if on:
            other = next(
                d
                for d in self.lab.devices.values()
                if self.lab.inventory.network_of(d.device)
                != self.lab.inventory.network_of(dev.device)
            )
            iface = next(
                (n for n, i in dev.facts.interfaces.items() if i.get("address")), dev.ports[0].name
            )
            ip = str(other.device.mgmt_address)
            dev.extra_arp.append(ArpRow(ip, other.chassis_mac, iface, None, "dynamic"))
            f.detail = f"{ip} ({other.name}) on {iface}"
        else:
            dev.extra_arp.clear()

    def _any_any(self, dev: LabDevice, on: bool) -> None:
        lines = dev.config_text.split("\n")
        rule = [" rule name any_any_permit", "  action permit"]
        if on:
            at = lines.index("security-policy") + 1
            lines[at:at] = rule
        else:
            i = lines.index(rule[0])
            del lines[i : i + 2]
        dev.set_config("\n".join(lines))
