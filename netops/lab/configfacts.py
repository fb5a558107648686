"""What a lab device reports, read from its running configuration (the config is the truth).

A small parser per platform family pulls out exactly the facts the lab's SNMP views and
CLI outputs need: interfaces (description, VRF binding, address, shutdown), VRFs with
RD and route targets, static routes (incl. cross-VRF and ``public`` next hops), telnet,
SNMP communities/versions, VTY idle timeouts, firewall security policy rules. It is the
lab's parser, not netops' collection parser (that one reads device output, not config).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Network
from typing import Any

from netops.inventory import Platform


@dataclass
class ConfigFacts:
    hostname: str = ""
    interfaces: dict[str, dict[str, Any]] = field(default_factory=dict)
    vrfs: dict[str, dict[str, Any]] = field(default_factory=dict)
    static_routes: list[dict[str, Any]] = field(default_factory=list)
    telnet: bool = False
    ssh: bool = False
    communities: list[tuple[str, str]] = field(default_factory=list)  # (name, read|write)
    snmp_versions: tuple[str, ...] = ()
    idle_timeouts: list[int] = field(default_factory=list)  # minutes per VTY block
    security_rules: list[dict[str, Any]] = field(default_factory=list)


def blocks(text: str) -> list[tuple[str, list[str]]]:
    """Top-level blocks: (header line, indented child lines), separators dropped."""
    out: list[tuple[str, list[str]]] = []
    header_indent = 0
    for raw in text.splitlines():
        line = raw.rstrip()
        if not line or line.strip() in ("#", "!") or line.startswith("!"):
            header_indent = 1 << 20  # after a separator the next line starts a block
            continue
        indent = len(line) - len(line.lstrip(" "))
        if not out or indent <= header_indent:
            out.append((line.strip(), []))
            header_indent = indent
        else:
            out[-1][1].append(line)
    return out


def _mask_len(mask: str) -> int:
    if mask.isdigit():
        return int(mask)
    return IPv4Network(f"0.0.0.0/{mask}").prefixlen


def parse_config(platform: Platform, text: str) -> ConfigFacts:
    if platform is Platform.CISCO_IOS:
        return _parse_ios(text)
    if platform is Platform.LINUX:
        return _parse_linux(text)
    return _parse_vrp_like(platform, text)


def _interface(
    children: list[str],
    vrf: Callable[[list[str]], bool],
    address: Callable[[list[str]], bool],
) -> dict[str, Any]:
    """Description, VRF, address and shutdown of an interface block; ``vrf`` tells the
    platform's VRF-binding line, ``address`` which ``ip address`` line is the primary one."""
    info: dict[str, Any] = {"description": None, "vrf": None, "address": None, "shutdown": False}
    for c in children:
        w = c.split()
        if w[0] == "description":
            info["description"] = c.strip()[len("description ") :]
        elif vrf(w):
            info["vrf"] = w[-1]
        elif w[:2] == ["ip", "address"] and len(w) >= 4 and address(w):
            info["address"] = f"{w[2]}/{_mask_len(w[3])}"
        elif w == ["shutdown"]:
            info["shutdown"] = True
    return info


def _parse_vrp_like(platform: Platform, text: str) -> ConfigFacts:
    """Huawei VRP, Huawei USG and H3C Comware share the block syntax."""
    f = ConfigFacts()
    comware = platform is Platform.HP_COMWARE
    for header, children in blocks(text):
        words = header.split()
        if words[0] == "sysname":
            f.hostname = words[1]
        elif words[0] == "interface" and len(words) > 1:
            f.interfaces[words[1]] = _interface(
                children,
                vrf=lambda w: (
                    w[:3] == ["ip", "binding", "vpn-instance"] or w[:2] == ["ip", "vpn-instance"]
                ),
                address=lambda w: "sub" not in w,
            )
        elif words[:2] == ["ip", "vpn-instance"] and len(words) == 3:
            vrf: dict[str, Any] = {"rd": None, "import": [], "export": [], "description": None}
            for c in children:
                w = c.split()
                if w[0] == "route-distinguisher":
                    vrf["rd"] = w[1]
                elif w[0] == "vpn-target":
                    kinds = [x for x in w[1:] if x.endswith("-extcommunity")] or ["both"]
                    targets = [x for x in w[1:] if not x.endswith("-extcommunity")]
                    for kind in kinds:
                        for t in targets:
                            if kind in ("import-extcommunity", "both"):
                                vrf["import"].append(t)
                            if kind in ("export-extcommunity", "both"):
                                vrf["export"].append(t)
                elif w[0] == "description":
                    vrf["description"] = c.strip()[len("description ") :]
            f.vrfs[words[2]] = vrf
        elif words[:2] == ["ip", "route-static"]:
            route = _vrp_static(words)
            if route:
                f.static_routes.append(route)
        elif header in ("telnet server enable", "telnet server-source") or (
            comware and header == "telnet server enable"
        ):
            f.telnet = True
        elif header in ("stelnet server enable", "ssh server enable"):
            f.ssh = True
        elif words[:2] == ["snmp-agent", "community"] and len(words) >= 4:
            access = words[2]
            rest = [w for w in words[3:] if w not in ("simple", "cipher")]
            if rest:
                f.communities.append((rest[0], access))
        elif words[:3] == ["snmp-agent", "sys-info", "version"]:
            f.snmp_versions = tuple(words[3:])
        elif words[0] in ("user-interface", "line") and "vty" in words:
            timeout = 10
            for c in children:
                w = c.split()
                if w[0] == "idle-timeout":
                    timeout = int(w[1]) + (1 if len(w) > 2 and int(w[2]) > 0 else 0)
                if w[:2] == ["protocol", "inbound"] and w[2] in ("all", "telnet"):
                    f.telnet = True
            f.idle_timeouts.append(timeout)
        elif header == "security-policy":
            f.security_rules = _usg_rules(children)
    if not f.snmp_versions:
        f.snmp_versions = ("v3",)
    return f


def _vrp_static(words: list[str]) -> dict[str, Any] | None:
    """``ip route-static [vpn-instance A] DEST MASK [vpn-instance B] NEXTHOP|public|IFACE``."""
    w = words[2:]
    vrf = None
    if w[:1] == ["vpn-instance"]:
        vrf, w = w[1], w[2:]
    if len(w) < 3:
        return None
    dest, mask, w = w[0], w[1], w[2:]
    nh_vrf = None
    if w[:1] == ["vpn-instance"]:
        nh_vrf, w = w[1], w[2:]
    next_hop = None
    interface = None
    for token in w:
        if re.match(r"^\d+\.\d+\.\d+\.\d+$", token):
            next_hop = token
        elif token == "public":
            nh_vrf = "public"
        elif token in ("preference", "description", "tag"):
            break
        elif next_hop is None and interface is None:
            interface = token
    try:
        prefix = str(IPv4Network(f"{dest}/{_mask_len(mask)}", strict=False))
    except ValueError:
        return None
    return {
        "vrf": vrf,
        "prefix": prefix,
        "next_hop": next_hop,
        "next_hop_vrf": nh_vrf,
        "interface": interface,
    }


def _usg_rules(children: list[str]) -> list[dict[str, Any]]:
    rules: list[dict[str, Any]] = []
    current: dict[str, Any] | None = None
    for c in children:
        w = c.split()
        if w[:2] == ["rule", "name"]:
            current = {
                "name": w[2],
                "source_zones": [],
                "destination_zones": [],
                "source_addresses": [],
                "destination_addresses": [],
                "services": [],
                "action": "deny",
                "profiles": [],
                "enabled": True,
            }
            rules.append(current)
        elif current is not None:
            key = w[0]
            value = " ".join(w[1:])
            if key == "source-zone":
                current["source_zones"].append(value)
            elif key == "destination-zone":
                current["destination_zones"].append(value)
            elif key == "source-address":
                current["source_addresses"].append(_usg_addr(w[1:]))
            elif key == "destination-address":
                current["destination_addresses"].append(_usg_addr(w[1:]))
            elif key == "service":
                current["services"].append(value)
            elif key == "action":
                current["action"] = w[1]
            elif key == "profile":
                current["profiles"].append(value)
            elif key == "disable":
                current["enabled"] = False
    return rules


def _usg_addr(w: list[str]) -> str:
    if len(w) >= 3 and w[1] == "mask":
        return str(IPv4Network(f"{w[0]}/{w[2]}", strict=False))
    if len(w) == 2 and w[1].isdigit():
        return f"{w[0]}/{w[1]}"
    return " ".join(w)


def _parse_ios(text: str) -> ConfigFacts:
    f = ConfigFacts(snmp_versions=("v3",))
    for header, children in blocks(text):
        words = header.split()
        if words[0] == "hostname":
            f.hostname = words[1]
        elif words[0] == "interface":
            f.interfaces[words[1]] = _interface(
                children,
                vrf=lambda w: w[:2] in (["vrf", "forwarding"], ["ip", "vrf"]) and len(w) >= 3,
                address=lambda w: True,
            )
        elif words[:2] == ["vrf", "definition"] or words[:2] == ["ip", "vrf"]:
            vrf: dict[str, Any] = {"rd": None, "import": [], "export": [], "description": None}
            for c in children:
                w = c.split()
                if w[0] == "rd":
                    vrf["rd"] = w[1]
                elif w[0] == "route-target" and len(w) >= 3:
                    if w[1] in ("import", "both"):
                        vrf["import"].append(w[2])
                    if w[1] in ("export", "both"):
                        vrf["export"].append(w[2])
            f.vrfs[words[2]] = vrf
        elif words[:2] == ["ip", "route"]:
            w = words[2:]
            vrf_name = None
            if w[:1] == ["vrf"]:
                vrf_name, w = w[1], w[2:]
            if len(w) >= 3:
                nh_vrf = "public" if "global" in w else None
                nh = next((x for x in w[2:] if re.match(r"^\d+\.\d+\.\d+\.\d+$", x)), None)
                f.static_routes.append(
                    {
                        "vrf": vrf_name,
                        "prefix": str(IPv4Network(f"{w[0]}/{w[1]}", strict=False)),
                        "next_hop": nh,
                        "next_hop_vrf": nh_vrf,
                        "interface": None,
                    }
                )
        elif words[:2] == ["snmp-server", "community"] and len(words) >= 3:
            access = "write" if "RW" in words else "read"
            f.communities.append((words[2], access))
            f.snmp_versions = ("v2c", "v3")
        elif words[:2] == ["line", "vty"]:
            timeout = 10
            for c in children:
                w = c.split()
                if w[0] == "exec-timeout":
                    timeout = int(w[1]) + (1 if len(w) > 2 and int(w[2]) > 0 else 0)
                if w[:2] == ["transport", "input"] and ("telnet" in w or "all" in w):
                    f.telnet = True
            f.idle_timeouts.append(timeout)
        elif header == "ip ssh version 2":
            f.ssh = True
    return f


def _parse_linux(text: str) -> ConfigFacts:
    f = ConfigFacts(ssh=True, snmp_versions=("v3",))
    for line in text.splitlines():
        w = line.split()
        if w[:1] == ["hostname"] and len(w) > 1:
            f.hostname = w[1]
        elif w[:1] == ["address"] and len(w) >= 3:
            f.interfaces.setdefault(w[1], {"description": None, "vrf": None, "shutdown": False})[
                "address"
            ] = w[2]
        elif w[:1] == ["route"] and len(w) >= 3:
            f.static_routes.append(
                {
                    "vrf": None,
                    "prefix": w[1],
                    "next_hop": w[2],
                    "next_hop_vrf": None,
                    "interface": None,
                }
            )
        elif w[:1] == ["rocommunity"] and len(w) > 1:
            f.communities.append((w[1], "read"))
            f.snmp_versions = ("v2c", "v3")
    return f
