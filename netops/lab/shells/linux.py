"""Linux servers (database, backup, application, gateways): a bash-like prompt and commands."""

from __future__ import annotations

import json
import re
import shlex
from ipaddress import IPv4Interface

from netops.lab.shells.base import Shell
from netops.lab.state import mac_text, route_rows, services_addresses


class LinuxShell(Shell):
    def setup(self) -> None:
        self.paging = False
        a = self.add
        a("hostname", lambda _: self.dev.name)
        a("uname", self.uname)
        a("uptime", self.uptime_cmd)
        a("cat", self.cat, 1)
        a("ip", self.ip, 1)
        a("free", self.free)
        a("df", self.df)
        a("lldpcli", self.lldpcli, 1)
        a("systemctl", self.systemctl, 1)
        a("whoami", lambda _: self.username)
        a("exit", self.exit)
        a("logout", self.exit)
        a("echo", lambda args: " ".join(args))

    def prompt(self) -> str:
        return f"[{self.username}@{self.dev.name} ~]$ "

    def handle(self, line: str) -> str:
        """``a && b`` and ``a; b`` run one after the other (no failure semantics needed)."""
        parts = [p.strip() for p in re.split(r"&&|;", line)]
        if len(parts) == 1:
            return super().handle(line)
        return "\n".join(out for out in (super().handle(p) for p in parts if p) if out)

    def banner(self) -> str:
        return "Last login: Fri Mar  1 10:12:33 2024 from 10.250.1.5\n"

    def error(self, line: str, column: int) -> str:
        cmd = line.split()[0] if line.split() else ""
        return f"-bash: {cmd}: command not found"

    def exit(self, _: list[str]) -> str:
        self.closed = True
        return "logout"

    def uname(self, args: list[str]) -> str:
        if "-a" in args:
            return self.dev.ident.sys_descr + " GNU/Linux"
        if "-r" in args:
            return self.dev.ident.version
        return "Linux"

    def uptime_cmd(self, _: list[str]) -> str:
        days = int(self.dev.uptime() // 86400)
        load = self.dev.cpu_percent() / 100 * 4
        return f" 10:12:33 up {days} days,  3:05,  1 user,  load average: {load:.2f}, {load:.2f}, {load:.2f}"

    def cat(self, args: list[str]) -> str:
        return "\n".join(self._file(path) for path in args if not path.startswith("-"))

    def _file(self, path: str) -> str:
        files = {
            "/etc/hosts": self._hosts,
            "/etc/resolv.conf": self._resolv,
            "/etc/network/interfaces": self._interfaces_file,
            "/etc/snmp/snmpd.conf": self._snmpd_conf,
        }
        if path in files:
            return files[path]()
        if path == "/etc/os-release":
            return (
                'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\n'
                'VERSION_ID="12"\nVERSION="12 (bookworm)"\nID=debian'
            )
        if path == "/etc/hostname":
            return self.dev.name
        if path == "/proc/loadavg":
            load = self.dev.cpu_percent() / 100 * 4
            return f"{load:.2f} {load:.2f} {load:.2f} 1/180 12345"
        return f"cat: {path}: No such file or directory"

    # -- files derived from the lab config (addresses, routes, SNMP users) ------------------
    def _hosts(self) -> str:
        mgmt = str(self.dev.device.mgmt_address)
        return f"127.0.0.1\tlocalhost\n{mgmt}\t{self.dev.name}.gov.example {self.dev.name}"

    def _resolv(self) -> str:
        s = services_addresses(self.lab.inventory, self.dev.device)
        return f"search gov.example\nnameserver {s['ntp']}"

    def _interfaces_file(self) -> str:
        """Debian ifupdown: one stanza per addressed port, the default route on its port."""
        lines = ["auto lo", "iface lo inet loopback"]
        routes = [r for r in route_rows(self.lab, self.dev) if r.protocol == "static"]
        for name, info in self.dev.facts.interfaces.items():
            if not info.get("address"):
                continue
            lines += [
                "",
                f"auto {name}",
                f"iface {name} inet static",
                f"    address {info['address']}",
            ]
            lines += [
                f"    gateway {r.next_hop}"
                if r.prefix == "0.0.0.0/0"
                else f"    up ip route add {r.prefix} via {r.next_hop}"
                for r in routes
                if r.interface == name
            ]
        return "\n".join(lines)

    def _snmpd_conf(self) -> str:
        """net-snmp's snmpd.conf: the agent's users and communities from the lab config."""
        keep = ("createUser", "rouser", "rwuser", "rocommunity", "rwcommunity", "com2sec")
        lines = ["agentAddress udp:161", f"sysName {self.dev.name}"]
        lines += [
            line
            for line in self.dev.config_text.splitlines()
            if line.split()[:1] and line.split()[0] in keep
        ]
        return "\n".join(lines)

    def _neighbours(self) -> list[dict[str, object]]:
        return [
            {"dst": r.ip, "dev": r.interface, "lladdr": mac_text(r.mac), "state": ["REACHABLE"]}
            for r in self.lab.arp_rows(self.dev)
            if r.kind != "interface"
        ]

    def _routes(self) -> list[dict[str, object]]:
        """``ip -j route show table all``: main-table routes, local-table host entries."""
        out: list[dict[str, object]] = []
        local: list[dict[str, object]] = []
        for r in route_rows(self.lab, self.dev):
            if r.protocol == "static":
                dst = "default" if r.prefix == "0.0.0.0/0" else r.prefix
                out.append({"dst": dst, "gateway": r.next_hop, "dev": r.interface, "flags": []})
            elif r.prefix.endswith("/32"):
                ip = r.prefix[:-3]
                local.append(
                    {
                        "type": "local",
                        "dst": ip,
                        "dev": r.interface,
                        "table": "local",
                        "protocol": "kernel",
                        "scope": "host",
                        "prefsrc": ip,
                        "flags": [],
                    }
                )
            else:
                out.append(
                    {
                        "dst": r.prefix,
                        "dev": r.interface,
                        "protocol": "kernel",
                        "scope": "link",
                        "prefsrc": r.next_hop,
                        "flags": [],
                    }
                )
        return out + local

    def _addresses(self) -> list[dict[str, object]]:
        """``ip -j addr show`` as iproute2 6.1 prints it (keys in its order)."""
        forever = 4294967295
        out: list[dict[str, object]] = [
            {
                "ifindex": 1,
                "ifname": "lo",
                "flags": ["LOOPBACK", "UP", "LOWER_UP"],
                "mtu": 65536,
                "qdisc": "noqueue",
                "operstate": "UNKNOWN",
                "group": "default",
                "txqlen": 1000,
                "link_type": "loopback",
                "address": "00:00:00:00:00:00",
                "broadcast": "00:00:00:00:00:00",
                "addr_info": [
                    {
                        "family": "inet",
                        "local": "127.0.0.1",
                        "prefixlen": 8,
                        "scope": "host",
                        "label": "lo",
                        "valid_life_time": forever,
                        "preferred_life_time": forever,
                    }
                ],
            }
        ]
        service = self.service_address()
        for port in self.dev.ports:
            if port.name == "lo":
                continue
            up = self.lab.oper_up(self.dev, port)
            info = self.dev.facts.interfaces.get(port.name) or {}
            addrs: list[dict[str, object]] = []
            primary: IPv4Interface | None = None
            if info.get("address"):
                primary = IPv4Interface(info["address"])
                addrs.append(
                    {
                        "family": "inet",
                        "local": str(primary.ip),
                        "prefixlen": primary.network.prefixlen,
                        "broadcast": str(primary.network.broadcast_address),
                        "scope": "global",
                        "label": port.name,
                        "valid_life_time": forever,
                        "preferred_life_time": forever,
                    }
                )
            if service and port.name == "eth1":
                # a keepalived-style VIP: /32 in the interface's subnet, hence "secondary"
                vip: dict[str, object] = {"family": "inet", "local": service, "prefixlen": 32}
                if primary is not None and IPv4Interface(f"{service}/32").ip in primary.network:
                    vip["secondary"] = True
                vip.update(
                    scope="global",
                    label=port.name,
                    valid_life_time=forever,
                    preferred_life_time=forever,
                )
                addrs.append(vip)
            out.append(
                {
                    "ifindex": port.if_index + 1,
                    "ifname": port.name,
                    "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]
                    if up
                    else ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"],
                    "mtu": 1500,
                    "qdisc": "mq",
                    "operstate": "UP" if up else "DOWN",
                    "group": "default",
                    "txqlen": 1000,
                    "link_type": "ether",
                    "address": mac_text(port.mac),
                    "broadcast": "ff:ff:ff:ff:ff:ff",
                    "addr_info": addrs,
                }
            )
        return out

    def service_address(self) -> str | None:
        """The HA pair's service address when this server holds it (the primary)."""
        return self.lab.holds_service_address(self.dev.name)

    def ip(self, args: list[str]) -> str:
        as_json = "-j" in args or "-json" in args
        brief = "-br" in args or "-brief" in args
        rest = [a for a in args if not a.startswith("-")]
        if rest and rest[0] in ("a", "addr", "address"):
            addrs = self._addresses()
            if as_json:
                return json.dumps(addrs)
            if brief:
                return "\n".join(
                    f"{a['ifname']:<16} {a['operstate']:<14} "
                    + " ".join(f"{i['local']}/{i['prefixlen']}" for i in a["addr_info"])  # type: ignore[attr-defined]
                    for a in addrs
                )
            lines = []
            for a in addrs:
                flags = ",".join(a["flags"])  # type: ignore[arg-type]
                lines.append(
                    f"{a['ifindex']}: {a['ifname']}: <{flags}> mtu {a['mtu']} state {a['operstate']}"
                )
                lines.append(f"    link/ether {a['address']} brd ff:ff:ff:ff:ff:ff")
                for i in a["addr_info"]:  # type: ignore[attr-defined]
                    lines.append(
                        f"    inet {i['local']}/{i['prefixlen']} scope {i['scope']} {a['ifname']}"
                    )
            return "\n".join(lines)
        if rest and rest[0] in ("n", "neigh", "neighbor", "neighbour") and as_json:
            return json.dumps(self._neighbours())
        if rest and rest[0] in ("r", "route") and as_json:
            return json.dumps(self._routes())
        if rest and rest[0] in ("r", "route"):
            rows = route_rows(self.lab, self.dev)
            lines = []
            for r in rows:
                if r.prefix.endswith("/32"):
                    continue
                if r.protocol == "static":
                    dst = "default" if r.prefix == "0.0.0.0/0" else r.prefix
                    lines.append(f"{dst} via {r.next_hop} dev {r.interface}")
                else:
                    lines.append(
                        f"{r.prefix} dev {r.interface} proto kernel scope link src {r.next_hop}"
                    )
            return "\n".join(lines)
        return 'Object "' + (rest[0] if rest else "") + '" is unknown, try "ip help".'

    def free(self, _: list[str]) -> str:
        total = 65536
        used = int(total * self.dev.memory_percent() / 100)
        return (
            "               total        used        free      shared  buff/cache   available\n"
            f"Mem:           {total:>5}       {used:>5}       {total - used:>5}         312       20480       {total - used:>5}\n"
            "Swap:           8191           0        8191"
        )

    def df(self, _: list[str]) -> str:
        return (
            "Filesystem      Size  Used Avail Use% Mounted on\n"
            "/dev/sda2       200G   61G  129G  33% /\n"
            "/dev/sdb1       2.0T  812G  1.1T  43% /var/lib/postgresql"
        )

    def lldpcli(self, args: list[str]) -> str:
        rows = self.lab.lldp_rows(self.dev)
        out = [
            "-------------------------------------------------------------------------------",
            "LLDP neighbors:",
            "-------------------------------------------------------------------------------",
        ]
        for r in rows:
            out += [
                f"Interface:    {r.local_port}, via: LLDP, RID: 1, Time: 20 days, 03:05:00",
                "  Chassis:",
                f"    ChassisID:    mac {mac_text(r.chassis_mac)}",
                f"    SysName:      {r.sys_name}",
                f"    SysDescr:     {r.sys_descr}",
                f"    MgmtIP:       {r.mgmt_address}",
                "  Port:",
                f"    PortID:       ifname {r.port_id}",
                f"    PortDescr:    {r.port_descr}",
                "-------------------------------------------------------------------------------",
            ]
        return "\n".join(out)

    def systemctl(self, args: list[str]) -> str:
        if args[:1] == ["is-active"] and len(args) > 1:
            return "active"
        return " ".join(shlex.quote(a) for a in args)
