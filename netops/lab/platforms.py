"""What each simulated platform and model looks like: identity strings, OIDs, port layouts.

Values follow the real platforms' formats (sysDescr, sysObjectID subtrees, version banners,
interface naming); sysObjectID leaves are checked against the vendor's product MIB where one
was at hand (Cisco) and are plausible otherwise (Huawei, H3C), as the comments below say.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from netops.inventory import Device, Platform, Role


@dataclass(frozen=True)
class Identity:
    vendor: str
    os: str
    version: str  # e.g. "5.170 (S5735 V200R019C10SPC500)"
    sys_object_id: str
    sys_descr: str
    oui: tuple[int, int, int]
    serial_prefix: str


_VRP_FAMILY = {
    "S12708": "S12700 V200R013C00SPC500",
    "S7706": "S7700 V200R013C00SPC500",
    "S5731-H24T4XC": "S5731 V200R019C10SPC500",
    "S5735-L24T4X": "S5735 V200R019C10SPC500",
}
# sysObjectID leaves under 1.3.6.1.4.1.2011.2.23 (switches) and 2011.2.338 (USG): the subtrees
# are Huawei's, the per-model leaves are plausible values NOT checked against HUAWEI-MIB (no
# copy of its product table was at hand); H3C's 25506.1.1870 likewise (HH3C-PRODUCT-ID-MIB
# versions seen end before the S5130S/S5560X/S7503E). Cisco's are checked (see below).
_HUAWEI_LEAF = {"S12708": 411, "S7706": 399, "S5731-H24T4XC": 606, "S5735-L24T4X": 625}


def identity(device: Device) -> Identity:
    model = device.model or "unknown"
    p = device.platform
    if p is Platform.HUAWEI_VRP:
        release = _VRP_FAMILY.get(model, f"{model.split('-')[0]} V200R019C10SPC500")
        version = f"5.170 ({release})"
        return Identity(
            "Huawei",
            "VRP",
            version,
            f"1.3.6.1.4.1.2011.2.23.{_HUAWEI_LEAF.get(model, 500)}",
            f"{model}\r\nHuawei Versatile Routing Platform Software\r\n"
            f"VRP (R) software, Version {version}\r\n"
            "Copyright (C) 2000-2020 HUAWEI TECH Co., Ltd.",
            (0x00, 0xE0, 0xFC),
            "2102",
        )
    if p is Platform.HUAWEI_USG:
        release = (
            f"{model[:7]} V600R007C20SPC600"
            if model.startswith("USG")
            else f"{model} V500R005C20SPC300"
        )
        version = f"5.170 ({release})"
        return Identity(
            "Huawei",
            "VRP",
            version,
            "1.3.6.1.4.1.2011.2.338.10",
            f"{model}\r\nHuawei Versatile Routing Platform Software\r\n"
            f"VRP (R) software, Version {version}\r\n"
            "Copyright (C) 2014-2021 HUAWEI TECH Co., Ltd.",
            (0x38, 0x4C, 0x4F),
            "2102",
        )
    if p is Platform.HP_COMWARE:
        return Identity(
            "H3C",
            "Comware",
            "7.1.070, Release 6328P03",
            "1.3.6.1.4.1.25506.1.1870",
            "H3C Comware Platform Software, Software Version 7.1.070, Release 6328P03\r\n"
            f"H3C {model}\r\n"
            "Copyright (c) 2004-2021 New H3C Technologies Co., Ltd. All rights reserved.",
            (0x70, 0xBA, 0xEF),
            "219801A2",
        )
    if p is Platform.CISCO_IOS:
        # sysObjectID leaves checked against CISCO-PRODUCTS-MIB: ciscoISR4451 (1707),
        # catWsC2960x24tsL (1699); the Catalyst 9300 reports 2494 (as seen in the field)
        if model.startswith("ISR"):
            train, image, version, leaf = "ISR", "X86_64_LINUX_IOSD-UNIVERSALK9-M", "16.9.4", 1707
        elif model.startswith("C9300"):
            train, image, version, leaf = "Catalyst L3 Switch", "CAT9K_IOSXE", "16.9.4", 2494
        else:
            train, image, version, leaf = "C2960X", "C2960X-UNIVERSALK9-M", "15.2(7)E3", 1699
        prefix = (
            "Cisco IOS Software [Fuji], " if version.startswith("16.") else "Cisco IOS Software, "
        )
        return Identity(
            "Cisco",
            "IOS",
            version,
            f"1.3.6.1.4.1.9.1.{leaf}",
            f"{prefix}{train} Software ({image}), "
            f"Version {version}, RELEASE SOFTWARE (fc2)\r\n"
            "Technical Support: http://www.cisco.com/techsupport\r\n"
            "Copyright (c) 1986-2020 by Cisco Systems, Inc.\r\n"
            "Compiled Thu 22-Aug-19 18:09 by mcpre",
            (0x00, 0x1E, 0xBD),
            "FDO",
        )
    return Identity(
        "Linux",
        "Linux",
        "6.1.0-18-amd64",
        "1.3.6.1.4.1.8072.3.2.10",
        f"Linux {device.name} 6.1.0-18-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 (2024-02-01) x86_64",
        (0x52, 0x54, 0x00),
        "CZ",
    )


_PORT = re.compile(r"^(?P<kind>[A-Za-z-]+?)(?P<slot>(?:\d+/)*)(?P<port>\d+)$")

#: Speed (bit/s) by interface kind name.
SPEEDS = {
    "GigabitEthernet": 1_000_000_000,
    "XGigabitEthernet": 10_000_000_000,
    "Ten-GigabitEthernet": 10_000_000_000,
    "TenGigabitEthernet": 10_000_000_000,
    "FortyGigE": 40_000_000_000,
    "eth": 1_000_000_000,
}


@functools.lru_cache(maxsize=1 << 16)
def split_port(name: str) -> tuple[str, str, int] | None:
    """``GigabitEthernet0/0/12`` -> (``GigabitEthernet``, ``0/0/``, 12)."""
    m = _PORT.match(name)
    if not m or (not m.group("slot") and m.group("kind") != "eth"):
        return None  # logical (Vlanif100, LoopBack0): not a front-panel port
    return m.group("kind"), m.group("slot"), int(m.group("port"))


def default_ports(device: Device) -> list[str]:
    """Physical ports of a device with no cabling known: its platform's usual front panel."""
    p = device.platform
    if p is Platform.LINUX:
        return ["eth0", "eth1"]
    if p is Platform.HUAWEI_USG:
        return [f"GigabitEthernet1/0/{i}" for i in range(8)]
    if p is Platform.HP_COMWARE:
        return [f"GigabitEthernet1/0/{i}" for i in range(1, 25)] + [
            f"Ten-GigabitEthernet1/0/{i}" for i in range(25, 29)
        ]
    if p is Platform.CISCO_IOS:
        if device.role is Role.BORDER_ROUTER:
            return [f"GigabitEthernet0/0/{i}" for i in range(4)]
        return [f"GigabitEthernet1/0/{i}" for i in range(1, 25)]
    return [f"GigabitEthernet0/0/{i}" for i in range(1, 25)] + [
        f"XGigabitEthernet0/0/{i}" for i in range(1, 5)
    ]


def expand_ports(device: Device, used: list[str]) -> list[str]:
    """The device's physical ports: each card seen in ``used`` filled out to 24/48 ports.

    A switch has many more ports than the inventory cables; the unused ones exist (shut
    down in the generated config, as the baseline wants) so SNMP and CLI look real.
    """
    if device.platform is Platform.LINUX:
        names = ["eth0", *used]
        return list(dict.fromkeys(names))
    ports = list(default_ports(device)) if not used else []
    cards: dict[tuple[str, str], int] = {}
    for name in used:
        parts = split_port(name)
        if parts is None:
            ports.append(name)
            continue
        kind, slot, port = parts
        cards[(kind, slot)] = max(cards.get((kind, slot), 0), port)
    for (kind, slot), top in cards.items():
        first = 0 if device.platform in (Platform.HUAWEI_USG,) or kind == "eth" else 1
        if device.role is Role.BORDER_ROUTER:
            first, size = 0, max(top + 1, 4)
        else:
            size = 48 if top > 24 else 24
            if device.platform is Platform.HUAWEI_USG:
                size = max(8, top + 1)
        ports.extend(f"{kind}{slot}{i}" for i in range(first, first + size))
    ports.extend(used)
    return sorted(dict.fromkeys(ports), key=_port_key)


_KEY = re.compile(r"^([A-Za-z-]+)([\d/]*)$")


@functools.lru_cache(maxsize=1 << 16)
def _port_key(name: str) -> tuple[str, tuple[int, ...]]:
    m = _KEY.match(name)
    if not m:
        return (name, ())
    nums = tuple(int(x) for x in m.group(2).split("/") if x)
    return (m.group(1), nums)


def short_name(platform: Platform, name: str) -> str:
    """The abbreviated name the platform prints in tables (``GE0/0/1``, ``XGE1/0/48``)."""
    if platform in (Platform.HUAWEI_VRP, Platform.HUAWEI_USG):
        return name.replace("XGigabitEthernet", "XGE").replace("GigabitEthernet", "GE")
    if platform is Platform.HP_COMWARE:
        return (
            name.replace("Ten-GigabitEthernet", "XGE")
            .replace("GigabitEthernet", "GE")
            .replace("Vlan-interface", "Vlan")
        )
    if platform is Platform.CISCO_IOS:
        return name.replace("GigabitEthernet", "Gi").replace("TenGigabitEthernet", "Te")
    return name
