"""Cisco IOS / IOS-XE running configurations (``show running-config``)."""

from __future__ import annotations

import re
from ipaddress import IPv4Address, IPv4Network

from netops.compliance.config.common import (
    add_server,
    interface_address,
    is_ipv4,
    is_masked,
    network,
    storage_of,
    timeout_seconds,
    wildcard_network,
    words_after,
)
from netops.compliance.config.facts import (
    Acl,
    AclRule,
    Community,
    ConfigFacts,
    IfConfig,
    LocalUser,
    PasswordStorage,
    SnmpV3Group,
    StaticRoute,
    VpnInstance,
    Vty,
)
from netops.compliance.config.tree import ConfigTree, Line

_NAC = re.compile(
    r"^(authentication port-control|dot1x pae authenticator|switchport port-security$|"
    r"switchport port-security maximum|mab$|access-session)"
)


def parse_ios(tree: ConfigTree) -> ConfigFacts:
    facts = ConfigFacts(platform="cisco_ios", tree=tree)
    facts.telnet_server = None  # IOS has no global telnet switch: the VTY transport decides
    for line in tree.top:
        text, w = line.text, line.words
        if text == "ip http server":
            facts.http_plain_lines.append(line)
        elif text.startswith(("ftp-server enable", "ip ftp server")):
            facts.ftp_server_lines.append(line)
        elif text.startswith("tftp-server "):
            facts.tftp_server_lines.append(line)
        elif text.startswith("line vty"):
            facts.vtys.append(_vty(line))
        elif re.match(r"^access-list \d+ (permit|deny)", text):
            acl = facts.acls.setdefault(w[1], Acl(w[1], line))
            acl.rules.append(AclRule(w[2], _source(w[3:]), line))  # type: ignore[arg-type]
        elif re.match(r"^ip access-list (standard|extended) \S+", text):
            acl = facts.acls.setdefault(w[3], Acl(w[3], line))
            for child in line.children:
                c = child.words
                if c and c[0].isdigit():
                    c = c[1:]
                if c and c[0] in ("permit", "deny"):
                    words = c[2:] if w[2] == "extended" else c[1:]
                    acl.rules.append(AclRule(c[0], _source(words), child))  # type: ignore[arg-type]
        elif text.startswith("login block-for"):
            facts.login_lockout = True
            facts.login_lockout_lines.append(line)
            attempts = words_after(w, "attempts")
            if attempts and attempts.isdigit():
                facts.login_attempts = int(attempts)
        elif text.startswith("aaa local authentication attempts max-fail"):
            facts.login_lockout = True
            facts.login_lockout_lines.append(line)
            if w[-1].isdigit():
                facts.login_attempts = int(w[-1])
        elif w[0] == "username" and len(w) >= 2:
            _username(facts, line)
        elif w[:2] == ["enable", "password"]:
            facts.enable_secret_lines.append((_storage(w[2:]), line))
        elif w[:2] == ["enable", "secret"]:
            facts.enable_secret_lines.append(("irreversible", line))
        elif re.match(
            r"^(tacacs server |tacacs-server host |radius server |radius-server host )", text
        ):
            facts.central_aaa_lines.append(line)
        elif re.match(r"^aaa authentication login \S+ .*group (tacacs\+|radius|\S+)", text):
            facts.aaa_login_uses_central = True
            facts.central_aaa_lines.append(line)
        elif re.match(r"^aaa accounting commands 15 ", text):
            facts.command_accounting_lines.append(line)
        elif text.startswith("snmp-server"):
            _snmp(facts, line)
        elif re.match(r"^logging (host )?(vrf \S+ )?\d", text):
            add_server(facts.loghosts, w, line, "vrf", start=1)
        elif text.startswith("ntp server "):
            add_server(facts.ntp_servers, w, line, "vrf")
        elif w[0] == "interface" and len(w) >= 2:
            facts.interfaces.append(_interface(line))
        elif text.startswith("ip route "):
            route = _static_route(line)
            if route:
                facts.static_routes.append(route)
        elif re.match(r"^(ip vrf|vrf definition) \S+", text):
            vpn = _vrf(line)
            facts.vpn_instances[vpn.name] = vpn
            for child in line.walk():
                if re.match(
                    r"^(route-replicate from|import ipv4 unicast|export ipv4 unicast)", child.text
                ):
                    facts.route_leak_lines.append(child)
    return facts


def _vty(line: Line) -> Vty:
    vty = Vty(line)
    for child in line.children:
        w = child.words
        if child.text.startswith("transport input") and len(w) > 2:
            protos = set(w[2:])
            if "all" in protos:
                protos = {"ssh", "telnet"}
            protos.discard("none")
            vty.protocols, vty.protocol_line = frozenset(protos), child
        elif child.text.startswith("access-class") and len(w) >= 3 and w[2] == "in":
            vty.acl, vty.acl_line = w[1], child
        elif child.text.startswith("exec-timeout"):
            vty.idle_seconds, vty.idle_line = timeout_seconds(w), child
        elif child.text == "no exec":
            vty.protocols, vty.protocol_line = frozenset(), child
    return vty


def _source(words: list[str]) -> IPv4Network | None:
    if not words or words[0] == "any":
        return None
    if words[0] == "host" and len(words) > 1:
        return wildcard_network(words[1], "0.0.0.0")
    if len(words) > 1 and is_ipv4(words[1]):
        return wildcard_network(words[0], words[1])
    return wildcard_network(words[0], "0.0.0.0")


def _storage(words: list[str]) -> PasswordStorage:
    if words and words[0].isdigit():
        return storage_of(words[0]) or "plain"
    return "plain"


def _username(facts: ConfigFacts, line: Line) -> None:
    w = line.words
    user = next((u for u in facts.users if u.name == w[1]), None)
    if user is None:
        user = LocalUser(w[1])
        facts.users.append(user)
    user.lines.append(line)
    level = words_after(w, "privilege")
    if level and level.isdigit():
        user.level = int(level)
    elif user.level is None:
        user.level = 1
    for keyword in ("secret", "password"):
        if keyword in w:
            rest = w[w.index(keyword) + 1 :]
            if keyword == "secret":
                user.storage = "irreversible"
            else:
                user.storage = _storage(rest)
            user.storage_line = line


def _snmp(facts: ConfigFacts, line: Line) -> None:
    w, snmp = line.words, facts.snmp
    if len(w) >= 3 and w[1] == "community":
        access = "write" if "RW" in w or "rw" in w else "read"
        acl = None
        tail = w[3:]
        for x in tail:
            if x not in ("RO", "RW", "ro", "rw", "view") and (x.isdigit() or x.isidentifier()):
                acl = x
        name = None if is_masked(w[2]) else w[2]
        snmp.communities.append(Community(access, name, acl, line))  # type: ignore[arg-type]
        snmp.versions = frozenset((snmp.versions or frozenset()) | {"v1", "v2c"})
        snmp.version_line = snmp.version_line or line
    elif len(w) >= 4 and w[1] == "group" and w[3] == "v3":
        level = w[4] if len(w) > 4 else "noauth"
        security = {"priv": "privacy", "auth": "auth"}.get(level, "noauth")
        snmp.groups.append(SnmpV3Group(w[2], security, words_after(w, "access"), line))  # type: ignore[arg-type]
        snmp.versions = frozenset((snmp.versions or frozenset()) | {"v3"})
    else:
        snmp.enabled_lines.append(line)


def _interface(line: Line) -> IfConfig:
    iface = IfConfig(line.words[1], line)
    for child in line.children:
        w, text = child.words, child.text
        if text.startswith("switchport mode") and len(w) > 2:
            iface.mode = "access" if w[2] == "access" else "trunk"
        elif text.startswith("switchport access vlan") and w[-1].isdigit():
            iface.vlan = int(w[-1])
        elif text == "shutdown":
            iface.shutdown = True
        elif text == "no switchport":
            iface.mode = "routed"
        elif _NAC.match(text):
            iface.nac_lines.append(child)
        elif re.match(r"^(ip )?vrf forwarding \S+", text):
            iface.vrf = w[-1]
        elif text.startswith("ip address ") and (address := interface_address(w)):
            iface.addresses.append(address)
    if iface.addresses and iface.mode is None:
        iface.mode = "routed"
    return iface


def _static_route(line: Line) -> StaticRoute | None:
    """``ip route [vrf A] DEST MASK [IF] [NH] [global] [distance] [name X]``."""
    w = line.words[2:]
    vrf = None
    if w[:1] == ["vrf"] and len(w) > 1:
        vrf, w = w[1], w[2:]
    if len(w) < 3:
        return None
    prefix = network(w[0], w[1])
    if prefix is None:
        return None
    rest = w[2:]
    interface = None
    if rest and not is_ipv4(rest[0]):
        interface, rest = rest[0], rest[1:]
    next_hop = IPv4Address(rest[0]) if rest and is_ipv4(rest[0]) else None
    nh_vrf = "public" if vrf is not None and "global" in line.words else None
    return StaticRoute(vrf, prefix, next_hop, interface, nh_vrf, line)


def _vrf(line: Line) -> VpnInstance:
    vpn = VpnInstance(line.words[-1], line)
    for child in line.walk():
        w = child.words
        if w[0] == "rd" and len(w) > 1:
            vpn.rd = w[1]
        elif w[0] == "route-target" and len(w) >= 3:
            kind, target = w[1], w[2]
            if kind in ("import", "both"):
                vpn.import_targets.append((target, child))
            if kind in ("export", "both"):
                vpn.export_targets.append((target, child))
    return vpn
