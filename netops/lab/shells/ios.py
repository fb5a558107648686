"""Cisco IOS: ``edge-br-1#``, ``(config)#``, ``terminal length 0``, ``% Invalid input``."""

from __future__ import annotations

from netops.lab import configedit
from netops.lab.shells import diagnostics
from netops.lab.shells.base import Shell, cisco_short, sorted_routes, uptime_text
from netops.lab.state import mac_text, route_rows

_WORDS = {
    "interface",
    "ip",
    "no",
    "hostname",
    "description",
    "shutdown",
    "line",
    "transport",
    "exec-timeout",
    "access-class",
    "snmp-server",
    "logging",
    "ntp",
    "username",
    "vrf",
    "rd",
    "route-target",
    "aaa",
    "service",
    "enable",
    "switchport",
    "lldp",
    "permit",
    "deny",
    "login",
    "banner",
    "router",
    "network",
    "address-family",
    "tacacs",
    "address",
    "key",
}

_MODE = {
    "interface": "config-if",
    "line": "config-line",
    "vrf": "config-vrf",
    "ip": "config-std-nacl",
    "router": "config-router",
    "address-family": "config-router-af",
    "aaa": "config-sg-tacacs+",
    "tacacs": "config-server-tacacs",
}


class IosShell(Shell):
    more_prompt = " --More-- "
    config_mode_text = "Enter configuration commands, one per line.  End with CNTL/Z."

    def setup(self) -> None:
        a = self.add
        a("show version", self.version)
        a("show running-config", self.running)
        a("show startup-config", lambda _: self.dev.saved_config_text.rstrip("\n"))
        a("show lldp neighbors detail", self.lldp_detail)
        a("show ip interface brief", self.ip_int_brief)
        a("show ip route", self.ip_route)
        a("show ip arp", self.ip_arp)
        a("show vrf", self.vrf_brief)
        a("show vrf detail", self.vrf_detail)
        a("terminal length", self.term_length, 1)
        a("terminal width", lambda _: "", 1)
        a("configure terminal", self.enter_config_mode)
        a("write memory", self.write)
        a("copy running-config startup-config", self.write)
        a("exit", self.leave_view)
        a("exit-address-family", self.leave_view)
        a("end", self.leave_config_mode)
        a("enable", lambda _: "")
        diagnostics.REGISTER[self.dialect](self)

    def prompt(self) -> str:
        name = self.dev.facts.hostname or self.dev.name
        if not self.config_mode:
            return f"{name}#"
        if not self.view:
            return f"{name}(config)#"
        return (
            f"{name}({_MODE.get(self.view[-1].split()[0], 'config-' + self.view[-1].split()[0])})#"
        )

    def error(self, line: str, column: int) -> str:
        return " " * column + "^\n% Invalid input detected at '^' marker."

    def term_length(self, args: list[str]) -> str:
        self.paging = args[0] != "0"
        return ""

    def write(self, _: list[str]) -> str:
        self.dev.saved_config_text = self.dev.config_text
        return "Building configuration...\n[OK]"

    def config_command(self, line: str) -> str:
        if line.split()[0].lower() not in _WORDS:
            return "\x00unknown"
        if configedit.is_view(self.dialect, line):
            # a new top-level block leaves the current one, as IOS does
            if self.view and not line.startswith("address-family"):
                self.view = []
            self.enter(line)
        else:
            if self.view and not configedit.is_view(self.dialect, self.view[-1]):
                self.view = []
            self.edit(line)
        return ""

    def version(self, _: list[str]) -> str:
        d = self.dev
        model = d.device.model or ""
        up = uptime_text(d.uptime(), "cisco")
        image = d.ident.sys_descr.split("(")[1].split(")")[0]
        return (
            d.ident.sys_descr.split("\r\n")[0] + "\n"
            "Technical Support: http://www.cisco.com/techsupport\n"
            "Copyright (c) 1986-2020 by Cisco Systems, Inc.\n"
            "Compiled Thu 22-Aug-19 18:09 by mcpre\n"
            "\n"
            "ROM: IOS-XE ROMMON\n"
            "\n"
            f"{d.name} uptime is {up}\n"
            f"Uptime for this control processor is {up}\n"
            "System returned to ROM by reload\n"
            f'System image file is "bootflash:{image.lower()}.bin"\n'
            "Last reload reason: Reload Command\n"
            "\n"
            f"cisco {model} (2RU) processor with 1795979K/6147K bytes of memory.\n"
            f"Processor board ID {d.serial[:11]}\n"
            f"{sum(1 for p in d.ports if p.if_type == 6)} Gigabit Ethernet interfaces\n"
            "32768K bytes of non-volatile configuration memory.\n"
            "\n"
            f"Base Ethernet MAC Address          : {mac_text(d.chassis_mac)}\n"
            "Configuration register is 0x2102"
        )

    def running(self, _: list[str]) -> str:
        return self.dev.config_text.rstrip("\n")

    def lldp_detail(self, _: list[str]) -> str:
        rows = self.lab.lldp_rows(self.dev)
        out: list[str] = []
        for r in rows:
            out += [
                "------------------------------------------------",
                f"Local Intf: {cisco_short(r.local_port)}",
                f"Chassis id: {mac_text(r.chassis_mac, 'cisco')}",
                f"Port id: {r.port_id}",
                f"Port Description: {r.port_descr}",
                f"System Name: {r.sys_name}",
                "",
                "System Description: ",
                r.sys_descr,
                "",
                "Time remaining: 109 seconds",
                "System Capabilities: B,R",
                "Enabled Capabilities: B,R",
                "Management Addresses:",
                f"    IP: {r.mgmt_address}",
                "Auto Negotiation - supported, enabled",
                "Physical media capabilities:",
                "    1000baseT(FD)",
                "Media Attachment Unit type: 30",
                "Vlan ID: - not advertised",
                "",
            ]
        out.append(f"\nTotal entries displayed: {len(rows)}")
        return "\n".join(out)

    def ip_int_brief(self, _: list[str]) -> str:
        out = ["Interface              IP-Address      OK? Method Status                Protocol"]
        for port in self.dev.ports:
            info = self.dev.facts.interfaces.get(port.name) or {}
            up = self.lab.oper_up(self.dev, port)
            status = "administratively down" if info.get("shutdown") else ("up" if up else "down")
            ip = (info.get("address") or "unassigned").split("/")[0]
            out.append(
                f"{port.name:<23}{ip:<16}YES {'NVRAM' if ip != 'unassigned' else 'unset':<7}{status:<22}{'up' if up else 'down'}"
            )
        return "\n".join(out)

    def ip_route(self, args: list[str]) -> str:
        vrf = args[1] if args[:1] == ["vrf"] and len(args) > 1 else None
        rows = [r for r in route_rows(self.lab, self.dev) if r.vrf == vrf]
        rows = sorted_routes(rows)
        default = next((r for r in rows if r.prefix == "0.0.0.0/0"), None)
        out = [
            "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP",
            "       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area ",
            "       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2",
            "       E1 - OSPF external type 1, E2 - OSPF external type 2",
            "       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2",
            "       ia - IS-IS inter area, * - candidate default, U - per-user static route",
            "       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP",
            "       a - application route",
            "       + - replicated route, % - next hop override, p - overrides from PfR",
            "",
        ]
        if vrf:
            out.insert(0, f"Routing Table: {vrf}")
        out.append(
            f"Gateway of last resort is {default.next_hop} to network 0.0.0.0"
            if default
            else "Gateway of last resort is not set"
        )
        out.append("")
        for r in rows:
            if r.protocol == "static":
                code = "S*" if r.prefix == "0.0.0.0/0" else "S "
                out.append(f"{code}    {r.prefix} [1/0] via {r.next_hop}")
            else:
                code = "L" if r.prefix.endswith("/32") else "C"
                out.append(f"{code}        {r.prefix} is directly connected, {r.interface}")
        return "\n".join(out)

    def _vrf_interfaces(self, name: str) -> list[str]:
        return [n for n, i in self.dev.facts.interfaces.items() if i.get("vrf") == name]

    def vrf_brief(self, _: list[str]) -> str:
        out = ["  Name                             Default RD            Protocols   Interfaces"]
        for name, v in self.dev.facts.vrfs.items():
            ifaces = [cisco_short(i) for i in self._vrf_interfaces(name)]
            out.append(
                f"  {name:<33}{v.get('rd') or '<not set>':<22}ipv4        {ifaces[0] if ifaces else ''}"
            )
            out += [f"{'':<72}{i}" for i in ifaces[1:]]
        return "\n".join(out) if self.dev.facts.vrfs else ""

    def vrf_detail(self, _: list[str]) -> str:
        """``show vrf detail`` as IOS-XE prints it for ``vrf definition`` VRFs."""
        out: list[str] = []
        for n, (name, v) in enumerate(self.dev.facts.vrfs.items(), start=1):
            ifaces = [cisco_short(i) for i in self._vrf_interfaces(name)]
            out.append(
                f"VRF {name} (VRF Id = {n}); default RD {v.get('rd') or '<not set>'}; "
                "default VPNID <not set>"
            )
            if v.get("description"):
                out.append(f"  Description: {v['description']}")
            out += ["  New CLI format, supports multiple address-families", "  Flags: 0x180C"]
            if ifaces:
                out.append("  Interfaces:")
                out += [
                    "    " + "".join(f"{i:<25}" for i in ifaces[k : k + 3]).rstrip()
                    for k in range(0, len(ifaces), 3)
                ]
            else:
                out.append("  No interfaces")
            out += [f"Address family ipv4 unicast (Table ID = 0x{n:X}):", "  Flags: 0x0"]
            for label, key in (("Export", "export"), ("Import", "import")):
                targets = v.get(key) or []
                if targets:
                    out.append(f"  {label} VPN route-target communities")
                    out += [f"    RT:{t}" for t in targets]
                else:
                    out.append(f"  No {label} VPN route-target communities")
            out += [
                "  No import route-map",
                "  No global export route-map",
                "  No export route-map",
                "  VRF label distribution protocol: not configured",
                "  VRF label allocation mode: per-prefix",
                "Address family ipv6 unicast not active",
                "Address family ipv4 multicast not active",
                "Address family ipv6 multicast not active",
                "",
            ]
        return "\n".join(out).rstrip("\n")

    def ip_arp(self, args: list[str]) -> str:
        """``show ip arp`` is the global table; ``show ip arp vrf X`` is X's."""
        vrf = args[1] if args[:1] == ["vrf"] and len(args) > 1 else None
        if vrf is not None and vrf not in self.dev.facts.vrfs:
            return f"% IP routing table {vrf} does not exist"
        out = ["Protocol  Address          Age (min)  Hardware Addr   Type   Interface"]
        for r in self.lab.arp_rows(self.dev):
            if r.vrf != vrf:
                continue
            age = "-" if r.kind == "interface" else "12"
            out.append(
                f"Internet  {r.ip:<17}{age:>9}   {mac_text(r.mac, 'cisco'):<16}ARPA   {r.interface}"
            )
        return "\n".join(out)
