"""Huawei VRP (S-series switches) and USG firewalls: ``<core-1>``, ``[core-1]``, ``HRP_M<fw>``."""

from __future__ import annotations

import hashlib
import time

from netops.inventory import HaKind, Platform
from netops.lab import configedit
from netops.lab.shells import diagnostics
from netops.lab.shells.base import Shell, now_text, sorted_routes, uptime_text
from netops.lab.state import mac_text, route_rows

_KNOWN_CONFIG_WORDS = {
    "interface",
    "ip",
    "undo",
    "sysname",
    "telnet",
    "stelnet",
    "snmp-agent",
    "user-interface",
    "acl",
    "rule",
    "aaa",
    "local-user",
    "info-center",
    "ntp-service",
    "description",
    "shutdown",
    "vpn-target",
    "route-distinguisher",
    "ipv4-family",
    "idle-timeout",
    "protocol",
    "authentication-mode",
    "security-policy",
    "source-zone",
    "destination-zone",
    "source-address",
    "destination-address",
    "service",
    "action",
    "profile",
    "port",
    "vlan",
    "lldp",
    "ssh",
    "hrp",
    "bgp",
    "local-aaa-user",
    "user",
    "hwtacacs-server",
    "firewall",
    "add",
    "set",
    "stp",
    "mpls",
    "http",
    "ftp",
    "domain",
    "password",
    "disable",
    "enable",
    "peer",
    "router-id",
    "policy",
    "authentication-scheme",
    "authorization-scheme",
    "accounting-scheme",
    "recording-scheme",
    "cmd",
    "authorization-mode",
    "accounting-mode",
    "recording-mode",
    "dhcp",
    "arp",
    "mac-address",
    "nat",
    "clock",
}


class HuaweiShell(Shell):
    """VRP user view / system view; USG adds security policy and HRP."""

    config_mode_text = "Enter system view, return user view with Ctrl+Z."
    #: the first words of the configuration commands the simulated CLI takes
    config_words = _KNOWN_CONFIG_WORDS

    def setup(self) -> None:
        a = self.add
        a("display version", self.version)
        a("display current-configuration", self.current)
        a("display saved-configuration", self.saved)
        a("display lldp neighbor", self.lldp)
        a("display lldp neighbor brief", self.lldp_brief)
        a("display ip vpn-instance", self.vpn)
        a("display ip vpn-instance verbose", self.vpn_verbose)
        a("display ip vpn-instance interface", self.vpn_interface)
        a("display ip routing-table", self.routing)
        a("display arp", self.arp)
        a("display arp all", self.arp)
        a("display interface brief", self.if_brief)
        a("display telnet server status", self.telnet_status)
        a("display ssh server status", self.ssh_status)
        a("display snmp-agent sys-info version", self.snmp_version)
        a("display snmp-agent community read", self.community)
        a("display snmp-agent community write", self.community)
        a("display clock", lambda _: now_text().replace("+08:00", "") + "\nBeijing UTC+08:00")
        a("display this", self.display_this)
        a("screen-length", self.screen_length, 1)
        a("system-view", self.enter_config_mode)
        a("save", self.save)
        a("quit", self.leave_view)
        a("return", self.leave_config_mode)
        a("commit", lambda _: "")
        if self.dev.platform is Platform.HUAWEI_USG:
            a("display security-policy rule all", self.policy_all)
            a("display security-policy rule name", self.policy_rule, 1)
            a("display hrp state", self.hrp_state)
        diagnostics.REGISTER[self.dialect](self)

    # -- prompt and errors --------------------------------------------------------------------
    def hrp_prefix(self) -> str:
        if self.dev.platform is not Platform.HUAWEI_USG:
            return ""
        role = self.hrp_role()
        return {"active": "HRP_M", "standby": "HRP_S"}.get(role or "", "")

    def prompt(self) -> str:
        name = self.dev.facts.hostname or self.dev.name
        if not self.config_mode:
            return f"{self.hrp_prefix()}<{name}>"
        suffix = "".join(_view_suffix(v) for v in self.view)
        return f"{self.hrp_prefix()}[{name}{suffix}]"

    def banner(self) -> str:
        return (
            "\nInfo: The max number of VTY users is 10, and the number\n"
            "      of current VTY users on line is 1.\n"
            f"      The current login time is {now_text()}.\n"
        )

    def error(self, line: str, column: int) -> str:
        return " " * column + "^\nError: Unrecognized command found at '^' position."

    # -- modes ----------------------------------------------------------------------------------
    def screen_length(self, args: list[str]) -> str:
        if args[:2] == ["0", "temporary"] or args == ["0"]:
            self.paging = False
            return (
                "Info: The configuration takes effect on the current user terminal interface only."
            )
        if args and args[0].isdigit():
            self.paging = int(args[0]) > 0
            self.page_lines = int(args[0]) or self.page_lines
            return (
                "Info: The configuration takes effect on the current user terminal interface only."
            )
        return self.error("screen-length " + " ".join(args), len(self.prompt()) + 14)

    def save(self, args: list[str]) -> str:
        def answer(reply: str) -> str:
            if reply.lower().startswith("y"):
                self.dev.saved_config_text = self.dev.config_text
                return (
                    "Now saving the current configuration to the slot 0.\n"
                    "Info: Save the configuration successfully."
                )
            return ""

        self.pending = answer
        return (
            "The current configuration will be written to the device.\n"
            "Are you sure to continue?[Y/N]"
        )

    def config_command(self, line: str) -> str:
        words = line.split()
        first = words[0].lower()
        if first not in self.config_words:
            return "\x00unknown"
        if configedit.is_view(self.dialect, line):
            self.enter(line)
            return ""
        self.edit(line)
        return ""

    def display_this(self, _: list[str]) -> str:
        if not self.view:
            return "#\nreturn"
        return (
            "#\n"
            + configedit.block_text(self.dev.config_text, self.dialect, self.view)
            + "#\nreturn"
        )

    # -- outputs --------------------------------------------------------------------------------
    def version(self, _: list[str]) -> str:
        d = self.dev
        model = d.device.model or ""
        up = uptime_text(d.uptime())
        kind = "Routing Switch" if d.platform is Platform.HUAWEI_VRP else ""
        head = (
            "Huawei Versatile Routing Platform Software\n"
            f"VRP (R) software, Version {d.ident.version}\n"
            "Copyright (C) 2000-2020 HUAWEI TECH Co., Ltd.\n"
            f"HUAWEI {model} {kind} uptime is {up}".replace("  ", " ")
        )
        board = (
            f"\n\nMPU 0(Master) : uptime is {up}\n"
            "DDR             Memory Size : 2048 M bytes\n"
            "FLASH Total     Memory Size : 1024 M bytes\n"
            "FLASH Available Memory Size : 658   M bytes\n"
            "Pcb           Version : VER.A\n"
            "BootROM       Version : 0211.0001\n"
            "CPLD          Version : 0106\n"
            f"Software      Version : VRP (R) Software, Version {d.ident.version}"
        )
        return head + board

    def current(self, _: list[str]) -> str:
        return self.dev.config_text.rstrip("\n")

    def saved(self, _: list[str]) -> str:
        return self.dev.saved_config_text.rstrip("\n")

    def lldp(self, _: list[str]) -> str:
        rows = self.lab.lldp_rows(self.dev)
        out: list[str] = []
        for r in rows:
            out += [
                f"{r.local_port} has 1 neighbor(s):",
                "",
                "Neighbor index :1",
                "Chassis type   :MAC address",
                f"Chassis ID     :{mac_text(r.chassis_mac, 'huawei')}",
                "Port ID type   :Interface name",
                f"Port ID        :{r.port_id}",
                f"Port description    :{r.port_descr}",
                f"System name         :{r.sys_name}",
                "System description  :" + r.sys_descr,
                f"System capabilities supported   :{r.capabilities.replace(',', ' ')}",
                f"System capabilities enabled     :{r.capabilities.replace(',', ' ')}",
                "Management address type  :ipv4",
                f"Management address value :{r.mgmt_address}",
                "OID  :0.6.15.43.6.1.4.1.2011.5.25.41.1.2.1.1.1.",
                "Expired time   :104s",
                "",
                "Port VLAN ID(PVID)  :1",
                "Port and Protocol VLAN ID(PPVID) :unsupported",
                "VLAN name of VLAN  1: VLAN 0001",
                "Auto-negotiation supported    :Yes",
                "Auto-negotiation enabled      :Yes",
                "OperMau   :speed(1000)/duplex(Full)",
                "",
                "Link aggregation supported:Yes",
                "Link aggregation enabled :No",
                "Aggregation port ID :0",
                "",
                "Maximum frame Size  :9216",
                "",
            ]
        return "\n".join(out).rstrip("\n")

    def lldp_brief(self, _: list[str]) -> str:
        out = ["Local Intf       Neighbor Dev             Neighbor Intf             Exptime(s)"]
        for r in self.lab.lldp_rows(self.dev):
            out.append(f"{_short(r.local_port):<17}{r.sys_name:<25}{_short(r.port_id):<26}104")
        return "\n".join(out)

    def _vrf_interfaces(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for name, info in self.dev.facts.interfaces.items():
            if info.get("vrf"):
                out.setdefault(info["vrf"], []).append(name)
        return out

    def vpn(self, args: list[str]) -> str:
        vrfs = self.dev.facts.vrfs
        if args:
            return self.vpn_verbose(args)
        out = [
            f" Total VPN-Instances configured : {len(vrfs)}",
            f" Total IPv4 VPN-Instances configured : {len(vrfs)}",
            " Total IPv6 VPN-Instances configured : 0",
            "",
            "  VPN-Instance Name               RD                    Address-family",
        ]
        for name, v in vrfs.items():
            out.append(f"  {name:<32}{v.get('rd') or '':<22}IPv4")
        return "\n".join(out)

    def vpn_verbose(self, args: list[str]) -> str:
        """``display ip vpn-instance verbose [NAME]`` as VRP V200R0xx (S series) prints it."""
        vrfs = self.dev.facts.vrfs
        wanted = [a for a in args if a != "verbose"]
        ifaces = self._vrf_interfaces()
        out = [
            f" Total VPN-Instances configured : {len(vrfs)}",
            f" Total IPv4 VPN-Instances configured : {len(vrfs)}",
            " Total IPv6 VPN-Instances configured : 0",
            "",
        ]
        for n, (name, v) in enumerate(vrfs.items(), start=1):
            if wanted and name not in wanted:
                continue
            out += [f" VPN-Instance Name and ID : {name}, {n}"]
            if v.get("description"):
                out.append(f"  Description : {v['description']}")
            names = ifaces.get(name) or []
            for i in range(0, len(names), 3):  # three a line, continued under the first
                chunk = ", ".join(names[i : i + 3]) + ("," if i + 3 < len(names) else "")
                out.append(("  Interfaces : " if i == 0 else " " * 15) + chunk)
            out += [
                " Address family ipv4",
                "  Create date : 2024/03/01 10:12:33",
                "  Up time : " + _updays(self.dev.uptime()),
                "  Vrf Status : UP",
                f"  Route Distinguisher : {v.get('rd') or ''}",
                "  Export VPN Targets : " + " ".join(v.get("export") or []),
                "  Import VPN Targets : " + " ".join(v.get("import") or []),
                "  Label policy: label per route",
                "  The diffserv-mode Information is : uniform",
                "  The ttl-mode Information is : pipe",
                "",
            ]
        return "\n".join(out).rstrip("\n")

    def vpn_interface(self, _: list[str]) -> str:
        out = []
        ifaces = self._vrf_interfaces()
        out.append(f" Total VPN-Instances configured : {len(self.dev.facts.vrfs)}")
        out.append("")
        for name in self.dev.facts.vrfs:
            if ifaces.get(name):
                out.append(
                    f" VPN-Instance Name and ID : {name}, {list(self.dev.facts.vrfs).index(name) + 1}"
                )
                out.append(f"  Interface Number : {len(ifaces[name])}")
                out.append(f"  Interface list : {', '.join(ifaces[name])}")
                out.append("")
        return "\n".join(out).rstrip("\n")

    def routing(self, args: list[str]) -> str:
        vrf = None
        if args[:1] and "vpn-instance".startswith(args[0]) and len(args) > 1:
            vrf = args[1]
            if vrf not in self.dev.facts.vrfs:
                return "Error: The VPN instance does not exist."
        elif args:
            return self.error("display ip routing-table " + " ".join(args), len(self.prompt()) + 25)
        rows = [r for r in route_rows(self.lab, self.dev) if r.vrf == vrf]
        if vrf is None:
            rows = [
                *rows,
                *[
                    _r("127.0.0.0/8", "127.0.0.1", "InLoopBack0"),
                    _r("127.0.0.1/32", "127.0.0.1", "InLoopBack0"),
                ],
            ]
        rows = sorted_routes(rows)
        out = [
            "Route Flags: R - relay, D - download to fib, T - to vpn-instance, B - black hole route",
            "------------------------------------------------------------------------------",
            f"Routing Tables: {vrf or 'Public'}",
            f"         Destinations : {len({r.prefix for r in rows})}        Routes : {len(rows)}",
            "",
            "Destination/Mask    Proto   Pre  Cost      Flags NextHop         Interface",
            "",
        ]
        for r in rows:
            flags = "RD" if r.protocol == "static" else "D"
            if r.next_hop_vrf and r.next_hop_vrf != vrf:
                flags = "RD" if r.next_hop_vrf == "public" else "T"
            proto = {"direct": "Direct", "static": "Static"}.get(r.protocol, r.protocol)
            out.append(
                f"{r.prefix:>18}  {proto:<8}{r.preference:<5}{0:<10}{flags:>2}   {r.next_hop:<16}{r.interface}"
            )
        return "\n".join(out)

    def arp(self, _: list[str]) -> str:
        rows = self.lab.arp_rows(self.dev)
        out = [
            "IP ADDRESS      MAC ADDRESS     EXPIRE(M) TYPE        INTERFACE   VPN-INSTANCE",
            "                                          VLAN/CEVLAN",
            "------------------------------------------------------------------------------",
        ]
        dyn = 0
        for r in rows:
            if r.kind == "interface":
                out.append(
                    f"{r.ip:<16}{mac_text(r.mac, 'huawei'):<26}I -         {r.interface:<12}{r.vrf or ''}".rstrip()
                )
            else:
                dyn += 1
                out.append(
                    f"{r.ip:<16}{mac_text(r.mac, 'huawei'):<16}{20:<10}D-0         {r.interface:<12}{r.vrf or ''}".rstrip()
                )
                if r.interface.startswith("Vlanif"):  # real VRP: only entries learnt in a VLAN
                    out.append(f"                                          {r.interface[6:]}/-")
        out += [
            "------------------------------------------------------------------------------",
            f"Total:{len(rows):<10}Dynamic:{dyn:<8}Static:0     Interface:{len(rows) - dyn}",
        ]
        return "\n".join(out)

    def if_brief(self, _: list[str]) -> str:
        out = [
            "PHY: Physical",
            "*down: administratively down",
            "^down: standby",
            "(l): loopback",
            "(s): spoofing",
            "(b): BFD down",
            "(e): ETHOAM down",
            "(dl): DLDP down",
            "(d): Dampening Suppressed",
            "InUti/OutUti: input utility/output utility",
            "Interface                   PHY   Protocol  InUti OutUti   inErrors  outErrors",
        ]
        from netops.lab.state import counters

        for port in self.dev.ports:
            info = self.dev.facts.interfaces.get(port.name) or {}
            up = self.lab.oper_up(self.dev, port)
            phy = "*down" if info.get("shutdown") else ("up" if up else "down")
            proto = "up" if up else "down"
            if port.name == "NULL0":
                proto = "up(s)"
            c = counters(self.lab, self.dev, port)
            uti = f"{port.utilisation * 100:.2f}%" if port.link is not None and up else "0%"
            if port.if_type != 6:
                uti = "--"
            out.append(
                f"{port.name:<28}{phy:<6}{proto:<9}{uti:>6}{uti:>7}{c['in_errors']:>11}{c['out_errors']:>11}"
            )
        return "\n".join(out)

    def telnet_status(self, _: list[str]) -> str:
        on = self.dev.facts.telnet
        return (
            f"TELNET IPv4 server                       :{'Enable' if on else 'Disable'}\n"
            "TELNET IPv6 server                       :Disable\n"
            "TELNET server port                       :23\n"
            "TELNET server source address             :0.0.0.0\n"
            "TELNET server source vpn-instance        :\n"
            "TELNET server source interface           :\n"
            "TELNET server ACL name                   :"
        )

    def ssh_status(self, _: list[str]) -> str:
        return (
            "SSH Version                                : 2.0\n"
            "SSH authentication timeout (Seconds)       : 60\n"
            "SSH server key generating interval (Hours) : 0\n"
            "SSH version 1.x compatibility              : Disable\n"
            "SSH server keepalive                       : Enable\n"
            f"SFTP IPv4 server                           : Disable\n"
            f"STELNET IPv4 server                        : {'Enable' if self.dev.facts.ssh else 'Disable'}\n"
            "STELNET server port                        : 22\n"
            "ACL name                                   : \n"
            "ACL number                                 : 2001"
        )

    def snmp_version(self, _: list[str]) -> str:
        versions = self.dev.facts.snmp_versions
        return "   SNMP version running in the system:\n           " + " ".join(
            {"v1": "SNMPv1", "v2c": "SNMPv2c", "v3": "SNMPv3"}.get(v, v) for v in versions
        )

    def community(self, args: list[str]) -> str:
        out = []
        for n, (name, access) in enumerate(self.dev.facts.communities, start=1):
            out += [
                f"   Community name:{name}",
                "       Group name:" + name,
                "       Acl:Not specified",
                "       Storage-type: nonVolatile",
                "",
            ]
            del n, access
        return "\n".join(out).rstrip("\n")

    # -- USG ------------------------------------------------------------------------------------
    def hrp_role(self) -> str | None:
        pair = next(
            (
                p
                for p in self.lab.inventory.ha_pairs
                if p.kind is HaKind.FIREWALL and self.dev.name in p.members
            ),
            None,
        )
        if pair is None:
            return None
        me = pair.members.index(self.dev.name)
        other = self.lab.devices[pair.members[1 - me]]
        if other.down:
            return "active"
        return "active" if me == 0 else "standby"

    def hrp_state(self, _: list[str]) -> str:
        """``display hrp state`` (USG6000E: a time stamp line first, as on every display)."""
        role = self.hrp_role()
        if role is None:
            return "Info: HRP is not enabled."
        pair = next(p for p in self.lab.inventory.ha_pairs if self.dev.name in p.members)
        other = self.lab.devices[next(m for m in pair.members if m != self.dev.name)]
        peer = "unknown" if other.down else ("standby" if role == "active" else "active")
        return (
            _stamp() + "\n"
            f" Role: {role}, peer: {peer}\n"
            " Running priority: 45000, peer: " + ("0" if other.down else "45000") + "\n"
            " Backup channel usage: 0.00%\n"
            f" Stable time: {_updays(self.dev.uptime())}\n"
            " Last state change information: 2024-03-01 10:15:02 HRP core state changed, "
            f"old_state = normal(standby), new_state = normal({role}), local_priority = 45000, "
            "peer_priority = 45000."
        )

    def policy_all(self, _: list[str]) -> str:
        """``display security-policy rule all``: columns padded, default rule last, no indent."""
        rules = self.dev.facts.security_rules
        rule_line = "-" * 79
        out = [
            _stamp(),
            f"Total:{len(rules) + 1} ",
            f"{'RULE ID':<9}{'RULE NAME':<34}{'STATE':<11}{'ACTION':<13}{'HITS':<12}",
            rule_line + " ",
        ]
        for n, r in enumerate(rules, start=1):
            state = "enable" if r["enabled"] else "disable"
            action = r["action"] or "-"
            hits = _hits(self.dev.name, r["name"]) if action == "permit" else 0
            out.append(f"{n:<9}{r['name']:<34}{state:<11}{action:<13}{hits:<12}")
        out.append(f"{0:<9}{'default':<34}{'enable':<11}{'deny':<13}{0:<12}")
        out.append(rule_line)
        return "\n".join(out)

    def policy_rule(self, args: list[str]) -> str:
        name = args[0]
        text = configedit.block_text(
            self.dev.config_text, self.dialect, ["security-policy", f"rule name {name}"]
        )
        if not text:
            return f"Error: The rule {name} does not exist."
        return text.rstrip("\n")


def _r(prefix: str, nh: str, iface: str):
    from netops.lab.state import RouteRow

    return RouteRow(None, prefix, "direct", 0, nh, iface)


def _short(name: str) -> str:
    return name.replace("XGigabitEthernet", "XGE").replace("GigabitEthernet", "GE")


def _stamp() -> str:
    """The time stamp line USG6000E prints before a display command's output."""
    now = time.time()
    return (
        time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(now))
        + f".{int(now * 1000) % 1000:03d} +08:00"
    )


def _hits(device: str, rule: str) -> int:
    """A stable hit count for a permit rule (the same in every lab run)."""
    return int.from_bytes(hashlib.blake2b(f"{device}/{rule}".encode(), digest_size=2).digest())


def _updays(seconds: float) -> str:
    days, rem = divmod(int(seconds), 86400)
    hours, rem = divmod(rem, 3600)
    minutes, secs = divmod(rem, 60)
    return f"{days} days, {hours:02d} hours, {minutes:02d} minutes and {secs:02d} seconds"


def _view_suffix(header: str) -> str:
    w = header.split()
    if w[0] == "interface":
        return f"-{w[1]}"
    if w[:2] == ["ip", "vpn-instance"]:
        return f"-vpn-instance-{w[2]}"
    if w[0] == "ipv4-family":
        return "-af-ipv4"
    if w[0] == "user-interface":
        return f"-ui-{w[1]}{'-'.join(w[2:])}"
    if w[0] == "acl":
        return f"-acl-basic-{w[-1]}"
    if header == "security-policy":
        return "-policy-security"
    if w[:2] == ["rule", "name"]:
        return f"-rule-{w[2]}"
    if w[0] == "firewall":
        return f"-zone-{w[-1]}"
    return f"-{w[0]}"
