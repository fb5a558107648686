"""Linux servers (database, backup, application, gateways): a bash-like prompt and commands."""

from __future__ import annotations

import json
import shlex
from ipaddress import IPv4Interface

from netops.lab.shells.base import Shell
from netops.lab.state import mac_text, route_rows


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
        return "Linux"

    def uptime_cmd(self, _: list[str]) -> str:
        days = int(self.dev.uptime() // 86400)
        load = self.dev.cpu_percent() / 100 * 4
        return f" 10:12:33 up {days} days,  3:05,  1 user,  load average: {load:.2f}, {load:.2f}, {load:.2f}"

    def cat(self, args: list[str]) -> str:
        path = args[0]
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

    def _addresses(self) -> list[dict[str, object]]:
        out: list[dict[str, object]] = [
            {
                "ifindex": 1,
                "ifname": "lo",
                "flags": ["LOOPBACK", "UP", "LOWER_UP"],
                "mtu": 65536,
                "operstate": "UNKNOWN",
                "address": "00:00:00:00:00:00",
                "addr_info": [
                    {
                        "family": "inet",
                        "local": "127.0.0.1",
                        "prefixlen": 8,
                        "scope": "host",
                        "label": "lo",
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
            addrs = []
            if info.get("address"):
                iface = IPv4Interface(info["address"])
                addrs.append(
                    {
                        "family": "inet",
                        "local": str(iface.ip),
                        "prefixlen": iface.network.prefixlen,
                        "scope": "global",
                        "label": port.name,
                    }
                )
            if service and port.name == "eth1":
                addrs.append(
                    {
                        "family": "inet",
                        "local": service,
                        "prefixlen": 24,
                        "scope": "global",
                        "secondary": True,
                        "label": port.name,
                    }
                )
            out.append(
                {
                    "ifindex": port.if_index + 1,
                    "ifname": port.name,
                    "flags": ["BROADCAST", "MULTICAST", "UP", "LOWER_UP"]
                    if up
                    else ["NO-CARRIER", "BROADCAST", "MULTICAST", "UP"],
                    "mtu": 1500,
                    "operstate": "UP" if up else "DOWN",
                    "address": mac_text(port.mac),
                    "addr_info": addrs,
                }
            )
        return out

    def service_address(self) -> str | None:
        """The HA pair's service address sits on the primary (the first member here)."""
        for pair in self.lab.inventory.ha_pairs:
            if self.dev.name in pair.members and pair.service_address is not None:
                hook = getattr(self.lab, "service_holder", None)
                holder = hook(pair) if callable(hook) else pair.members[0]
                return str(pair.service_address) if holder == self.dev.name else None
        return None

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
