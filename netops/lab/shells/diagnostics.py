"""On-call diagnostics commands of each platform (what a "collect diagnostics" playbook sends).

VRP: ``display device``, ``display cpu-usage``, ``display memory-usage``, ``display
temperature all``, ``display alarm active``, ``display ip interface brief``, ``display ip
routing-table statistics``, ``display logbuffer``, ``display trapbuffer``. Comware: ``display
clock``, ``display device``, ``display cpu-usage``, ``display memory``, ``display
environment``, ``display ip interface brief``, ``display logbuffer``, ``display trapbuffer``.
IOS: ``show clock``, ``show processes cpu [sorted]``, ``show memory statistics``, ``show
environment [all]``, ``show inventory``, ``show interfaces``, ``show lldp neighbors``,
``show logging``.

Values come from the device state (CPU, memory, temperature, entities, ports, links,
addresses, routes), so they follow faults. Layouts follow the platforms' documented
outputs; where ntc-templates has a template (VRP ``display device``, Comware ``display
clock``, IOS ``show clock``, ``show processes cpu``, ``show inventory``, ``show
interfaces``, ``show lldp neighbors``, ``show logging``) it parses them (tested).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from ipaddress import IPv4Interface
from typing import TYPE_CHECKING

from netops.lab.shells.base import cisco_short, comware_short
from netops.lab.state import counters, mac_text, route_rows

if TYPE_CHECKING:
    from netops.lab.shells.base import Shell
    from netops.lab.state import Port

_DASH = "-" * 79
_MEM_BYTES = 2 * 1024**3


def _when(fmt: str, seconds_ago: float = 0.0) -> str:
    return time.strftime(fmt, time.localtime(time.time() - seconds_ago))


def _port_events(shell: Shell) -> list[tuple[float, str, bool]]:
    """(seconds ago, port, up) of the recent link events a log would hold."""
    dev = shell.dev
    out: list[tuple[float, str, bool]] = []
    for n, port in enumerate(p for p in dev.ports if p.link is not None):
        out.append((dev.uptime() - 60 - n, port.name, True))
        if not shell.lab.oper_up(dev, port):
            out.append((30.0 + n, port.name, False))
    return sorted(out, key=lambda e: -e[0])[-20:]


# -- Huawei VRP -----------------------------------------------------------------------------------
def register_vrp(shell: Shell) -> None:
    a = shell.add
    a("display device", lambda _: _vrp_device(shell))
    a("display cpu-usage", lambda _: _vrp_cpu(shell))
    a("display memory-usage", lambda _: _vrp_memory(shell))
    a("display temperature all", lambda _: _vrp_temperature(shell))
    a("display alarm active", lambda _: _vrp_alarms(shell))
    a("display ip interface brief", lambda _: _vrp_ip_brief(shell))
    a("display ip routing-table statistics", lambda _: _vrp_route_stats(shell))
    a("display logbuffer", lambda _: _vrp_buffer(shell, "Logging"))
    a("display trapbuffer", lambda _: _vrp_buffer(shell, "Trapping"))


def _vrp_device(shell: Shell) -> str:
    dev = shell.dev
    model = dev.device.model or "S5735"
    out = [
        f"{model}'s Device status:",
        "Slot Sub  Type                   Online    Power    Register     Status   Role  ",
        _DASH,
    ]
    for e in dev.entities:
        if e.cls == 3:
            continue
        slot = {9: "0", 6: e.name, 7: e.name}.get(e.cls, "0")
        if e.cls == 9 and e.name.startswith("MPU Board ") and e.name[-1].isdigit():
            slot = str(8 + int(e.name[-1]))
        role = "Master" if e.cls == 9 and slot in ("0", "9") else ("Slave" if e.cls == 9 else "NA")
        kind = e.model if e.cls == 9 else e.model or e.descr
        out.append(
            f"{slot:<5}{'-':<5}{kind:<23}{'Present':<10}{'PowerOn':<9}{'Registered':<13}{'Normal':<9}{role}"
        )
    out.append(_DASH)
    return "\n".join(out)


def _vrp_cpu(shell: Shell) -> str:
    cpu = int(shell.dev.cpu_percent())
    return (
        "CPU Usage Stat. Cycle: 60 (Second)\n"
        f"CPU Usage            : {cpu}% Max: {min(99, cpu + 23)}%\n"
        f"CPU Usage Stat. Time : {_when('%Y-%m-%d  %H:%M:%S')}\n"
        f"CPU utilization for five seconds: {cpu}%: one minute: {cpu}%: five minutes: {max(1, cpu - 1)}%\n"
        f"Max CPU Usage Stat. Time : {_when('%Y-%m-%d %H:%M:%S', 86400 * 3)}.\n"
        "\n"
        "TaskName             CPU  Runtime(CPU Tick High/Tick Low)  Task Explanation\n"
        f"VIDL                 {100 - cpu:>2}%         0/ c2d7d12b     DOPRA IDLE\n"
        f"OS                   {max(1, cpu // 2):>2}%         0/  a9bb6a6     Operation System\n"
        f"SNPG                 {max(0, cpu // 4):>2}%         0/   1f4a2c     SNPG"
    )


def _vrp_memory(shell: Shell) -> str:
    pct = int(shell.dev.memory_percent())
    used = _MEM_BYTES * pct // 100
    return (
        f"Memory utilization statistics at {_when('%Y-%m-%d %H:%M:%S')}+08:00\n"
        f"System Total Memory Is: {_MEM_BYTES} bytes\n"
        f"Total Memory Used Is: {used} bytes\n"
        f"Memory Using Percentage Is: {pct}%"
    )


def _vrp_temperature(shell: Shell) -> str:
    temp = int(shell.dev.temperature())
    return "\n".join(
        [
            _DASH,
            "Slot  Card  Sensor Status  Current(C)  Lower(C)  Lower      Upper(C)  Upper",
            "                                                 Resume(C)            Resume(C)",
            _DASH,
            f"0     NA    NA     NORMAL  {temp:<12}0         4          68        62",
        ]
    )


def _vrp_alarms(shell: Shell) -> str:
    down = [e for e in _port_events(shell) if not e[2]]
    if not down:
        return "Info: There is no alarm."
    out = [_DASH, "Sequence   AlarmId    Severity Date Time  Description", _DASH]
    for n, (ago, port, _) in enumerate(down, start=1):
        out.append(
            f"{n:<11}{'0x8520003':<11}{'Major':<9}{_when('%Y-%m-%d %H:%M:%S', ago)} "
            f"The physical status of the interface changes to down. (Interface={port})"
        )
    out.append(_DASH)
    return "\n".join(out)


def _ip_rows(shell: Shell) -> list[tuple[str, str, str, str]]:
    """(interface, address/len or unassigned, physical, protocol) of every interface."""
    rows = []
    for port in shell.dev.ports:
        name = port.name
        info = shell.dev.facts.interfaces.get(name) or {}
        up = shell.lab.oper_up(shell.dev, port)
        phy = "*down" if info.get("shutdown") else ("up" if up else "down")
        addr = info.get("address") or "unassigned"
        proto = (
            "up(s)"
            if name.upper() == "NULL0"
            else ("up" if up and addr != "unassigned" else "down")
        )
        rows.append((name, addr, phy, proto))
    return rows


def _vrp_ip_brief(shell: Shell) -> str:
    rows = _ip_rows(shell)
    phy_up = sum(1 for r in rows if r[2] == "up")
    proto_up = sum(1 for r in rows if r[3].startswith("up"))
    out = [
        "*down: administratively down",
        "^down: standby",
        "(l): loopback",
        "(s): spoofing",
        "(E): E-Trunk down",
        f"The number of interface that is UP in Physical is {phy_up}",
        f"The number of interface that is DOWN in Physical is {len(rows) - phy_up}",
        f"The number of interface that is UP in Protocol is {proto_up}",
        f"The number of interface that is DOWN in Protocol is {len(rows) - proto_up}",
        "",
        "Interface                         IP Address/Mask      Physical   Protocol  ",
    ]
    out += [f"{n:<34}{a:<21}{p:<11}{q:<10}" for n, a, p, q in rows]
    return "\n".join(out)


def _vrp_route_stats(shell: Shell) -> str:
    rows = [r for r in route_rows(shell.lab, shell.dev) if r.vrf is None]
    direct = sum(1 for r in rows if r.protocol == "direct")
    static = len(rows) - direct
    out = [
        f"Summary Prefixes : {len({r.prefix for r in rows})}",
        " Proto      total      active     added      deleted    freed",
        "            routes     routes     routes     routes     routes",
    ]
    for proto, n in (("DIRECT", direct), ("STATIC", static), ("RIP", 0), ("OSPF", 0)):
        out.append(f" {proto:<11}{n:<11}{n:<11}{n:<11}{0:<11}0")
    out += [
        f" {'IS-IS':<11}{0:<11}{0:<11}{0:<11}{0:<11}0",
        f" {'BGP':<11}{0:<11}{0:<11}{0:<11}{0:<11}0",
        f" {'Total':<11}{len(rows):<11}{len(rows):<11}{len(rows):<11}{0:<11}0",
    ]
    return "\n".join(out)


def _vrp_buffer(shell: Shell, kind: str) -> str:
    name = shell.dev.facts.hostname or shell.dev.name
    events = _port_events(shell)
    lines = [
        f"{_when('%b %d %Y %H:%M:%S', ago)}+08:00 {name} %%01IFPDT/4/IF_STATE(l)[{n}]:"
        f"Interface {port} has turned into {'UP' if up else 'DOWN'} state."
        for n, (ago, port, up) in enumerate(events)
    ]
    return "\n".join(
        [
            f"{kind} buffer configuration and contents : enabled",
            "Allowed max buffer size : 1024",
            "Actual buffer size : 512",
            f"Channel number : {4 if kind == 'Logging' else 3} , Channel name : "
            + ("logbuffer" if kind == "Logging" else "trapbuffer"),
            "Dropped messages : 0",
            "Overwritten messages : 0",
            f"Current messages : {len(lines)}",
            "",
            *reversed(lines),
        ]
    )


# -- H3C Comware 7 --------------------------------------------------------------------------------
def register_comware(shell: Shell) -> None:
    a = shell.add
    a("display clock", lambda _: _when("%H:%M:%S UTC %a %m/%d/%Y"))
    a("display device", lambda _: _cw_device(shell))
    a("display cpu-usage", lambda _: _cw_cpu(shell))
    a("display memory", lambda _: _cw_memory(shell))
    a("display environment", lambda _: _cw_environment(shell))
    a("display ip interface brief", lambda _: _cw_ip_brief(shell))
    a("display logbuffer", lambda _: _cw_buffer(shell, "Log"))
    a("display trapbuffer", lambda _: _cw_buffer(shell, "Trap"))


def _cw_device(shell: Shell) -> str:
    model = shell.dev.device.model or "S5130S-28S-EI"
    return (
        "Slot Type             State    Subslot  Soft Ver             Patch Ver\n"
        f"1    {model:<17}Master   0        {model.split('-')[0]}-6328P03       None"
    )


def _cw_cpu(shell: Shell) -> str:
    cpu = int(shell.dev.cpu_percent())
    return (
        "Slot 1 CPU 0 CPU usage:\n"
        f"{cpu:>8}% in last 5 seconds\n"
        f"{cpu:>8}% in last 1 minute\n"
        f"{max(1, cpu - 1):>8}% in last 5 minutes"
    )


def _cw_memory(shell: Shell) -> str:
    total = _MEM_BYTES // 1024
    used = total * int(shell.dev.memory_percent()) // 100
    free = total - used
    return (
        "Memory statistics are measured in KB:\n"
        "Slot 1:\n"
        "             Total      Used      Free    Shared   Buffers    Cached   FreeRatio\n"
        f"Mem:    {total:>10}{used:>10}{free:>10}{0:>10}{2060:>10}{128108:>10}{free * 100 / total:>11.1f}%\n"
        f"-/+ Buffers/Cache:{used - 130168:>10}{free + 130168:>10}\n"
        f"Swap:   {0:>10}{0:>10}{0:>10}"
    )


def _cw_environment(shell: Shell) -> str:
    temp = int(shell.dev.temperature())
    return (
        " System temperature information (degree centigrade):\n"
        " ----------------------------------------------------------------------\n"
        "  Slot  Sensor    Temperature  Lower  Warning  Alarm  Shutdown\n"
        f"  1     hotspot 1 {temp:<13}0      80       90     NA"
    )


def _cw_ip_brief(shell: Shell) -> str:
    out = [
        "*down: administratively down",
        "(s): spoofing  (l): loopback",
        "Interface                Physical Protocol IP address      VPN instance Description",
    ]
    for name, addr, phy, proto in _ip_rows(shell):
        ip = addr.split("/")[0] if addr != "unassigned" else "--"
        info = shell.dev.facts.interfaces.get(name) or {}
        desc = (info.get("description") or "--")[:11]
        vrf = (info.get("vrf") or "--")[:12]
        out.append(
            f"{comware_short(name):<25}{phy.replace('*down', 'ADM'):<9}{proto:<9}{ip:<16}{vrf:<13}{desc}"
        )
    return "\n".join(out)


def _cw_buffer(shell: Shell, kind: str) -> str:
    name = shell.dev.facts.hostname or shell.dev.name
    events = _port_events(shell)
    lines = [
        f"%{_when('%b %d %H:%M:%S:000 %Y', ago)} {name} IFNET/3/PHY_UPDOWN: Physical state on the "
        f"interface {port} changed to {'up' if up else 'down'}."
        for ago, port, up in events
    ]
    return "\n".join(
        [
            f"{kind} buffer: Enabled",
            "Max buffer size: 1024",
            "Actual buffer size: 512",
            "Dropped messages: 0",
            "Overwritten messages: 0",
            f"Current messages: {len(lines)}",
            *lines,
        ]
    )


# -- Cisco IOS ------------------------------------------------------------------------------------
def register_ios(shell: Shell) -> None:
    a = shell.add
    a(
        "show clock",
        lambda _: (
            _when("%H:%M:%S")
            + f".{int(time.time() * 1000) % 1000:03d}"
            + _when(" CST %a %b %-d %Y")
        ),
    )
    a("show processes cpu", lambda args: _ios_cpu(shell))
    a("show memory statistics", lambda _: _ios_memory(shell))
    a("show environment", lambda _: _ios_environment(shell))
    a("show inventory", lambda _: _ios_inventory(shell))
    a("show interfaces", lambda args: _ios_interfaces(shell, args))
    a("show lldp neighbors", lambda _: _ios_lldp(shell))
    a("show logging", lambda _: _ios_logging(shell))


_PROCESSES: list[tuple[int, str, float]] = [
    (86, "IP Input", 0.35),
    (4, "Check heaps", 0.15),
    (180, "SNMP ENGINE", 0.2),
    (210, "SSH Process", 0.1),
    (1, "Chunk Manager", 0.0),
    (2, "Load Meter", 0.0),
]


def _ios_cpu(shell: Shell) -> str:
    cpu = int(shell.dev.cpu_percent())
    out = [
        f"CPU utilization for five seconds: {cpu}%/0%; one minute: {cpu}%; five minutes: {max(1, cpu - 1)}%",
        " PID Runtime(ms)     Invoked      uSecs   5Sec   1Min   5Min TTY Process ",
    ]
    uptime = int(shell.dev.uptime())
    for pid, name, share in _PROCESSES:
        p = cpu * share
        runtime = int(uptime * 10 * share) + pid
        invoked = runtime // 3 + 1
        out.append(
            f"{pid:>4}{runtime:>12}{invoked:>12}{runtime * 1000 // invoked:>11}"
            f"{p:>6.2f}%{p:>6.2f}%{p:>6.2f}%{0:>4} {name:<17}"
        )
    return "\n".join(out)


def _ios_memory(shell: Shell) -> str:
    total = 1_795_979_264
    used = total * int(shell.dev.memory_percent()) // 100
    return (
        "                Head    Total(b)     Used(b)     Free(b)   Lowest(b)  Largest(b)\n"
        f"Processor  7F8C1A2B10{total:>12}{used:>12}{total - used:>12}{total - used - 4096:>12}{(total - used) // 2:>12}\n"
        f" lsmpi_io  7F8C0D11A8{6295128:>12}{6294304:>12}{824:>12}{824:>12}{412:>12}"
    )


def _ios_environment(shell: Shell) -> str:
    temp = int(shell.dev.temperature())
    return (
        "FAN is OK\n"
        "SYSTEM TEMPERATURE is OK\n"
        f"System Temperature Value: {temp} Degree Celsius\n"
        "System Temperature State: GREEN\n"
        "Yellow Threshold : 66 Degree Celsius\n"
        "Red Threshold    : 76 Degree Celsius\n"
        "POWER is OK\n"
        "SW  PID                 Serial#     Status           Sys Pwr  PoE Pwr  Watts\n"
        "--  ------------------  ----------  ---------------  -------  -------  -----\n"
        "1   Built-in                                         Good"
    )


def _ios_inventory(shell: Shell) -> str:
    out = []
    for e in shell.dev.entities:
        name = "1" if e.cls == 3 else e.name
        pid = e.model or "N/A"
        out += [
            f'NAME: "{name}", DESCR: "{e.descr}"',
            f"PID: {pid:<18}, VID: V03  , SN: {e.serial}",
            "",
        ]
    return "\n".join(out).rstrip("\n")


def _ios_interfaces(shell: Shell, args: list[str]) -> str:
    dev = shell.dev
    wanted = "".join(args) if args else None
    out: list[str] = []
    for port in dev.ports:
        if (
            wanted
            and port.name.lower() != wanted.lower()
            and cisco_short(port.name).lower() != wanted.lower()
        ):
            continue
        out += _ios_interface(shell, port)
    if wanted and not out:
        return "                ^\n% Invalid input detected at '^' marker."
    return "\n".join(out)


def _ios_interface(shell: Shell, port: Port) -> list[str]:
    dev = shell.dev
    info = dev.facts.interfaces.get(port.name) or {}
    up = shell.lab.oper_up(dev, port)
    state = "administratively down" if info.get("shutdown") else ("up" if up else "down")
    c = counters(shell.lab, dev, port)
    mac = mac_text(port.mac, "cisco")
    hw = (
        "Gigabit Ethernet"
        if port.if_type == 6
        else ("EtherSVI" if port.if_type == 136 else "Unknown")
    )
    bw = max(port.speed // 1000, 1) if port.speed else 1_000_000
    rate_in = int(port.speed * port.utilisation) if up and port.link is not None else 0
    lines = [
        f"{port.name} is {state}, line protocol is {'up' if up else 'down'} "
        + ("(connected) " if up else "(notconnect) "),
        f"  Hardware is {hw}, address is {mac} (bia {mac})",
    ]
    if info.get("description"):
        lines.append(f"  Description: {info['description']}")
    if info.get("address"):
        iface = IPv4Interface(info["address"])
        lines.append(f"  Internet address is {iface.ip}/{iface.network.prefixlen}")
    lines += [
        f"  MTU 1500 bytes, BW {bw} Kbit/sec, DLY 10 usec, ",
        "     reliability 255/255, txload 1/255, rxload 1/255",
        "  Encapsulation ARPA, loopback not set",
        "  Keepalive set (10 sec)",
        "  Full-duplex, 1000Mb/s, media type is 10/100/1000BaseTX",
        "  input flow-control is off, output flow-control is unsupported ",
        "  ARP type: ARPA, ARP Timeout 04:00:00",
        "  Last input 00:00:00, output 00:00:01, output hang never",
        '  Last clearing of "show interface" counters never',
        "  Input queue: 0/75/0/0 (size/max/drops/flushes); Total output drops: 0",
        "  Queueing strategy: fifo",
        "  Output queue: 0/40 (size/max)",
        f"  5 minute input rate {rate_in} bits/sec, {rate_in // 5600} packets/sec",
        f"  5 minute output rate {rate_in} bits/sec, {rate_in // 5600} packets/sec",
        f"     {c['in_ucast']} packets input, {c['in_octets']} bytes, 0 no buffer",
        f"     Received {c['in_bcast']} broadcasts ({c['in_mcast']} multicasts)",
        "     0 runts, 0 giants, 0 throttles ",
        f"     {c['in_errors']} input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored",
        f"     0 watchdog, {c['in_mcast']} multicast, 0 pause input",
        "     0 input packets with dribble condition detected",
        f"     {c['out_ucast']} packets output, {c['out_octets']} bytes, 0 underruns",
        f"     {c['out_errors']} output errors, 0 collisions, 1 interface resets",
        "     0 unknown protocol drops",
        "     0 babbles, 0 late collision, 0 deferred",
        "     0 lost carrier, 0 no carrier, 0 pause output",
        "     0 output buffer failures, 0 output buffers swapped out",
    ]
    return lines


def _ios_lldp(shell: Shell) -> str:
    rows = shell.lab.lldp_rows(shell.dev)
    out = [
        "Capability codes:",
        "    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device",
        "    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other",
        "",
        "Device ID           Local Intf     Hold-time  Capability      Port ID",
    ]
    for r in rows:
        caps = "B,R" if "router" in r.capabilities else "S"
        out.append(
            f"{r.sys_name[:20]:<20}{cisco_short(r.local_port):<15}{120:<11}{caps:<16}{r.port_id}"
        )
    out += ["", f"Total entries displayed: {len(rows)}"]
    return "\n".join(out)


def _ios_logging(shell: Shell) -> str:
    events = _port_events(shell)
    lines = [
        f"{n:06d}: {_when('%b %e %H:%M:%S', ago)}.000 CST: %LINK-3-UPDOWN: Interface {port}, "
        f"changed state to {'up' if up else 'down'}"
        for n, (ago, port, up) in enumerate(events, start=1)
    ]
    return "\n".join(
        [
            "Syslog logging: enabled (0 messages dropped, 0 messages rate-limited, 0 flushes, "
            "0 overruns, xml disabled, filtering disabled)",
            "",
            "No Active Message Discriminator.",
            "",
            "    Console logging: disabled",
            "    Monitor logging: level debugging, 0 messages logged, xml disabled,",
            "    Buffer logging:  level informational, "
            f"{len(lines)} messages logged, xml disabled,",
            "    Trap logging: level informational, 0 message lines logged",
            "",
            "Log Buffer (8192 bytes):",
            "",
            *lines,
        ]
    )


REGISTER: dict[str, Callable[[Shell], None]] = {
    "vrp": register_vrp,
    "comware": register_comware,
    "ios": register_ios,
}
