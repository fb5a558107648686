"""H3C Comware 7: ``<acc-jiefang-02>``, ``[acc-jiefang-02]``, ``screen-length disable``."""

from __future__ import annotations

from netops.lab.shells import diagnostics
from netops.lab.shells.base import comware_short, sorted_routes, uptime_text
from netops.lab.shells.huawei import HuaweiShell
from netops.lab.state import mac_text, route_rows

_WORDS = {
    "interface",
    "ip",
    "undo",
    "sysname",
    "telnet",
    "ssh",
    "snmp-agent",
    "line",
    "acl",
    "rule",
    "local-user",
    "info-center",
    "ntp-service",
    "description",
    "shutdown",
    "vpn-target",
    "route-distinguisher",
    "idle-timeout",
    "protocol",
    "authentication-mode",
    "port",
    "vlan",
    "lldp",
    "hwtacacs",
    "domain",
    "password",
    "password-control",
    "service-type",
    "authorization-attribute",
    "user-role",
    "primary",
    "key",
    "role",
    "clock",
    "user-name-format",
}


class ComwareShell(HuaweiShell):
    config_mode_text = "System View: return to User View with Ctrl+Z."
    config_words = _WORDS

    def setup(self) -> None:
        a = self.add
        a("display version", self.version)
        a("display current-configuration", self.current)
        a("display saved-configuration", self.saved)
        a("display lldp neighbor-information list", self.lldp_list)
        a("display lldp neighbor-information verbose", self.lldp_verbose)
        a("display ip vpn-instance", self.vpn)
        a("display ip vpn-instance instance-name", self.vpn_instance, 1)
        a("display ip routing-table", self.routing)
        a("display arp", self.arp)
        a("display interface brief", self.if_brief)
        a("display this", self.display_this)
        a("screen-length disable", self.no_paging)
        a("system-view", self.enter_config_mode)
        a("save", self.save)
        a("quit", self.leave_view)
        a("return", self.leave_config_mode)
        diagnostics.REGISTER[self.dialect](self)

    def banner(self) -> str:
        return (
            "\n******************************************************************************\n"
            "* Copyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.*\n"
            "* Without the owner's prior written consent,                                 *\n"
            "* no decompiling or reverse-engineering shall be allowed.                    *\n"
            "******************************************************************************\n"
        )

    def error(self, line: str, column: int) -> str:
        return " " * column + "^\n % Unrecognized command found at '^' position."

    def no_paging(self, _: list[str]) -> str:
        self.paging = False
        return ""

    def save(self, args: list[str]) -> str:
        if args[:1] == ["force"]:
            self.dev.saved_config_text = self.dev.config_text
            return (
                "Validating file. Please wait...\n"
                "Saved the current configuration to mainboard device successfully."
            )
        return super().save(args)

    def prompt(self) -> str:
        name = self.dev.facts.hostname or self.dev.name
        if not self.config_mode:
            return f"<{name}>"
        suffix = ""
        for v in self.view:
            w = v.split()
            if w[0] == "line":
                suffix += f"-line-{w[1]}{'-'.join(w[2:])}"
            elif w[0] == "interface":
                suffix += f"-{w[1]}"
            elif w[:2] == ["ip", "vpn-instance"]:
                suffix += f"-vpn-instance-{w[2]}"
            elif w[0] == "acl":
                suffix += f"-acl-ipv4-{w[1]}-{w[2]}"
            else:
                suffix += f"-{w[0]}-{w[-1]}"
        return f"[{name}{suffix}]"

    def version(self, _: list[str]) -> str:
        d = self.dev
        up = uptime_text(d.uptime(), "comware")
        return (
            f"H3C Comware Software, Version {d.ident.version}\n"
            "Copyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.\n"
            f"H3C {d.device.model} uptime is {up}\n"
            "Last reboot reason : Cold reboot\n"
            "\n"
            "Boot image: flash:/s5130s_ei-cmw710-boot-r6328p03.bin\n"
            "Boot image version: 7.1.070, Release 6328P03\n"
            "System image: flash:/s5130s_ei-cmw710-system-r6328p03.bin\n"
            "System image version: 7.1.070, Release 6328P03\n"
            "\n"
            f"Slot 1:\nUptime is {up}\n"
            f"{d.device.model} with 1 Processor\n"
            "BOARD TYPE:         " + (d.device.model or "") + "\n"
            "DRAM:               1024M bytes\n"
            "FLASH:              512M bytes\n"
            "PCB 1 Version:      VER.A\n"
            "Bootrom Version:    108\n"
            "CPLD 1 Version:     002\n"
            "Release Version:    H3C " + (d.device.model or "") + "-6328P03"
        )

    def lldp_list(self, _: list[str]) -> str:
        out = [
            "Chassis ID : * -- -- Nearest nontpmr bridge neighbor",
            "             # -- -- Nearest customer bridge neighbor",
            "             Default -- -- Nearest bridge neighbor",
            "System Name            Local Interface Chassis ID      Port ID",
        ]
        for r in self.lab.lldp_rows(self.dev):
            out.append(
                f"{r.sys_name:<23}{comware_short(r.local_port):<16}{mac_text(r.chassis_mac, 'huawei'):<16}{r.port_id}"
            )
        return "\n".join(out)

    def lldp_verbose(self, _: list[str]) -> str:
        """``display lldp neighbor-information verbose`` in Comware 7's layout."""
        out: list[str] = []
        for r in self.lab.lldp_rows(self.dev):
            port = self.dev.port_by_name.get(r.local_port)
            index = port.if_index if port is not None else 0
            caps = ", ".join(c.strip().capitalize() for c in r.capabilities.split(","))
            out += [
                f"LLDP neighbor-information of port {index}[{r.local_port}]:",
                "LLDP agent nearest-bridge:",
                " LLDP neighbor index : 1",
                " Update time         : 0 days, 2 hours, 10 minutes, 3 seconds",
                " Chassis type        : MAC address",
                f" Chassis ID          : {mac_text(r.chassis_mac, 'huawei')}",
                " Port ID type        : Interface name",
                f" Port ID             : {r.port_id}",
                " Time to live        : 121",
                f" Port description    : {r.port_descr}",
                f" System name         : {r.sys_name}",
                f" System description  : {r.sys_descr}",
                f" System capabilities supported : {caps}",
                f" System capabilities enabled   : {caps}",
                " Management address type           : IPv4",
                f" Management address                : {r.mgmt_address}",
                " Management address interface type : IfIndex",
                " Management address interface ID   : Unknown",
                " Management address OID            : 0",
                " Port VLAN ID(PVID)  : 1",
                " Link aggregation supported : Yes",
                " Link aggregation enabled   : No",
                " Aggregation port ID        : 0",
                " Auto-negotiation supported : Yes",
                " Auto-negotiation enabled   : Yes",
                " OperMau                    : Speed(1000)/Duplex(Full)",
                " Maximum frame size         : 9216",
                "",
            ]
        return "\n".join(out).rstrip("\n")

    def vpn(self, args: list[str]) -> str:
        vrfs = self.dev.facts.vrfs
        out = [
            f"  Total VPN-Instances configured : {len(vrfs)}",
            "",
            "  VPN-Instance Name               RD                     Create time",
        ]
        for name, v in vrfs.items():
            out.append(f"  {name:<32}{v.get('rd') or '':<23}2024/03/01 10:12:33")
        return "\n".join(out)

    def vpn_instance(self, args: list[str]) -> str:
        name = args[0]
        v = self.dev.facts.vrfs.get(name)
        if v is None:
            return f"The VPN instance {name} does not exist."
        ifaces = [n for n, i in self.dev.facts.interfaces.items() if i.get("vrf") == name]
        return (
            f"  VPN-Instance Name and Index : {name}, {list(self.dev.facts.vrfs).index(name) + 2}\n"
            f"  Route Distinguisher : {v.get('rd') or ''}\n"
            f"  Export VPN Targets :  {' '.join(v.get('export') or [])}\n"
            f"  Import VPN Targets :  {' '.join(v.get('import') or [])}\n"
            f"  Description : {v.get('description') or ''}\n"
            f"  Interfaces : {', '.join(ifaces)}\n"
            "  Create time : 2024/03/01 10:12:33\n"
            "  Up time : 0 days, 02 hours, 10 minutes and 03 seconds"
        )

    def routing(self, args: list[str]) -> str:
        vrf = args[1] if args[:1] == ["vpn-instance"] and len(args) > 1 else None
        rows = [r for r in route_rows(self.lab, self.dev) if r.vrf == vrf]
        rows = sorted_routes(rows)
        out = [
            "",
            f"Destinations : {len(rows)}        Routes : {len(rows)}",
            "",
            "Destination/Mask   Proto   Pre Cost        NextHop         Interface",
        ]
        for r in rows:
            proto = {"direct": "Direct", "static": "Static"}.get(r.protocol, r.protocol)
            out.append(
                f"{r.prefix:<19}{proto:<8}{r.preference:<4}{0:<12}{r.next_hop:<16}{comware_short(r.interface)}"
            )
        return "\n".join(out)

    def arp(self, args: list[str]) -> str:
        """``display arp`` lists every entry, VPN instances' included (as Comware 7 does);
        ``display arp vpn-instance X`` only X's."""
        vrf = args[1] if args[:1] == ["vpn-instance"] and len(args) > 1 else None
        if vrf is not None and vrf not in self.dev.facts.vrfs:
            return f"The VPN instance {vrf} does not exist."
        out = [
            "  Type: S-Static   D-Dynamic   O-Openflow   R-Rule   M-Multiport  I-Invalid",
            "IP address      MAC address    VLAN/VSI name Interface                Aging Type",
        ]
        for r in self.lab.arp_rows(self.dev):
            if r.kind == "interface" or (vrf is not None and r.vrf != vrf):
                continue
            vlan = (
                r.interface.replace("Vlan-interface", "")
                if r.interface.startswith("Vlan")
                else "N/A"
            )
            uplink = next((p.name for p in self.dev.ports if p.link is not None), r.interface)
            out.append(
                f"{r.ip:<16}{mac_text(r.mac, 'huawei'):<15}{vlan:<14}{comware_short(uplink):<25}{16:<6}D"
            )
        return "\n".join(out)

    def if_brief(self, _: list[str]) -> str:
        route = [
            "Brief information on interfaces in route mode:",
            "Link: ADM - administratively down; Stby - standby",
            "Protocol: (s) - spoofing",
            "Interface            Link Protocol Primary IP      Description",
        ]
        bridge = [
            "Brief information on interfaces in bridge mode:",
            "Link: ADM - administratively down; Stby - standby",
            "Speed: (a) - auto",
            "Duplex: (a)/A - auto; H - half; F - full",
            "Type: A - access; T - trunk; H - hybrid",
            "Interface            Link Speed   Duplex Type PVID Description",
        ]
        for port in self.dev.ports:
            info = self.dev.facts.interfaces.get(port.name) or {}
            up = self.lab.oper_up(self.dev, port)
            link = "ADM" if info.get("shutdown") else ("UP" if up else "DOWN")
            desc = info.get("description") or ""
            if port.if_type == 6:
                speed = ("10G(a)" if port.speed >= 10**10 else "1G(a)") if up else "auto"
                duplex = "F(a)" if up else "A"
                kind = "T" if port.link is not None else "A"
                bridge.append(
                    f"{comware_short(port.name):<21}{link:<5}{speed:<8}{duplex:<7}{kind:<5}{1:<5}{desc}".rstrip()
                )
            else:
                proto = "UP(s)" if port.name == "NULL0" else ("UP" if up else "DOWN")
                ip = (info.get("address") or "--").split("/")[0]
                route.append(
                    f"{comware_short(port.name):<21}{link:<5}{proto:<9}{ip:<16}{desc}".rstrip()
                )
        return "\n".join([*route, "", *bridge])
