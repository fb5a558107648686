"""Huawei VRP (switches, routers) and USG (firewalls, on VRP) running configurations.

Command forms follow Huawei's configuration references for S-series V200R0xx and
USG6000(E) V600; where releases differ (``ipv4-family`` under a VPN instance or not,
``acl number N`` or ``acl N``) both forms are read.
"""

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
    PolicyRule,
    SnmpV3Group,
    StaticRoute,
    VpnInstance,
    Vty,
    WlanService,
)
from netops.compliance.config.tree import ConfigTree, Line

_NAC = re.compile(
    r"^(dot1x enable|dot1x-access-profile|authentication-profile|port-security enable|"
    r"mac-authen|mac-authentication|access-authentication)"
)


def parse_vrp(tree: ConfigTree, platform: str = "huawei_vrp") -> ConfigFacts:
    facts = ConfigFacts(platform=platform, tree=tree)
    for line in tree.all():
        _global(facts, line)
    for line in tree.top:
        w = line.words
        if line.text.startswith("user-interface vty"):
            facts.vtys.append(_vty(line))
        elif re.match(r"^acl (number |name |ipv6 )?\S+", line.text) and not line.text.startswith(
            "acl ipv6"
        ):
            acl = _acl(line)
            if acl:
                facts.acls[acl.name] = acl
        elif line.text == "aaa":
            _aaa(facts, line)
        elif w[0] == "interface" and len(w) >= 2:
            facts.interfaces.append(_interface(line))
        elif line.text.startswith("ip vpn-instance "):
            vpn = _vpn_instance(line)
            facts.vpn_instances[vpn.name] = vpn
        elif line.text == "security-policy":
            _security_policy(facts, line)
        elif line.text == "wlan":
            _wlan(facts, line)
        elif line.text.startswith(("hwtacacs-server template", "radius-server template")):
            facts.central_aaa_lines.append(line)
    return facts


#: first words of the lines _global reads (a cheap filter before the regular expressions)
_GLOBAL_HEADS = frozenset(
    {
        "telnet", "undo", "http", "web-manager", "ftp", "tftp", "ssh", "local-aaa-user",
        "snmp-agent", "info-center", "ntp-service", "ip", "import-rib", "cmd",
        "recording-mode", "authentication-mode",
    }
)  # fmt: skip


def _global(facts: ConfigFacts, line: Line) -> None:
    text = line.text
    head = text.split(" ", 1)[0]
    if head not in _GLOBAL_HEADS:
        return
    w = line.words
    if re.match(r"^(undo )?telnet (ipv6 )?server (enable|disable)", text):
        facts.telnet_server = not (text.startswith("undo") or text.endswith("disable"))
        facts.telnet_lines.append(line)
    elif re.match(r"^telnet server acl \S+", text):
        facts.telnet_acl = w[3]
    elif re.match(r"^http server enable", text) or re.match(r"^web-manager enable", text):
        facts.http_plain_lines.append(line)
    elif re.match(r"^ftp (ipv6 )?server enable", text):
        facts.ftp_server_lines.append(line)
    elif re.match(r"^tftp (ipv6 )?server enable", text):
        facts.tftp_server_lines.append(line)
    elif re.match(r"^ssh server acl \S+", text):
        facts.ssh_acl, facts.ssh_acl_line = w[3], line
    elif re.match(r"^(undo )?local-aaa-user wrong-password", text):
        facts.login_lockout = not text.startswith("undo")
        facts.login_lockout_lines.append(line)
        attempts = words_after(w, "retry-time")
        if attempts and attempts.isdigit():
            facts.login_attempts = int(attempts)
    elif text.startswith("snmp-agent"):
        _snmp(facts, line)
    elif re.match(r"^info-center loghost (vpn-instance \S+ )?\d", text):
        add_server(facts.loghosts, w, line, "vpn-instance")
    elif re.match(r"^ntp-service unicast-server ", text):
        add_server(facts.ntp_servers, w, line, "vpn-instance")
    elif text.startswith("ip route-static "):
        route = _static_route(line)
        if route:
            facts.static_routes.append(route)
    elif re.match(r"^import-rib (public|vpn-instance \S+)", text):
        facts.route_leak_lines.append(line)
    elif re.match(r"^(cmd recording-scheme|recording-mode hwtacacs)", text):
        facts.command_accounting_lines.append(line)
    elif re.match(r"^authentication-mode (hwtacacs|radius)", text) and any(
        p.startswith("authentication-scheme") for p in line.parents
    ):
        facts.aaa_login_uses_central = True
        facts.central_aaa_lines.append(line)


def _vty(line: Line) -> Vty:
    vty = Vty(line)
    for child in line.children:
        w = child.words
        if child.text.startswith("protocol inbound"):
            proto = w[2] if len(w) > 2 else "all"
            vty.protocols = frozenset({"ssh", "telnet"}) if proto == "all" else frozenset({proto})
            vty.protocol_line = child
        elif re.match(r"^acl (ipv6 )?\S+ inbound", child.text) and "ipv6" not in w:
            vty.acl, vty.acl_line = w[1], child
        elif child.text.startswith("idle-timeout"):
            vty.idle_seconds, vty.idle_line = timeout_seconds(w), child
    return vty


def _acl(line: Line) -> Acl | None:
    w = line.words
    if w[1] in ("number", "name"):
        name = w[2] if len(w) > 2 else None
        # "acl name MGMT 2001": the number is an alias
        alias = w[3] if w[1] == "name" and len(w) > 3 and w[3].isdigit() else None
    else:
        name, alias = w[1], None
    if not name:
        return None
    acl = Acl(name, line)
    for child in line.children:
        r = child.words
        if r[0] != "rule":
            continue
        action = next((x for x in r if x in ("permit", "deny")), None)
        if action is None:
            continue
        acl.rules.append(AclRule(action, _acl_source(r), child))  # type: ignore[arg-type]
    if alias:
        acl.name = alias
    return acl


def _acl_source(words: list[str]) -> IPv4Network | None:
    """The source prefix of a basic/advanced ACL rule; None = any."""
    if "source" not in words:
        return None
    i = words.index("source")
    address = words[i + 1] if len(words) > i + 1 else "any"
    if address == "any":
        return None
    wildcard = words[i + 2] if len(words) > i + 2 else "0"
    return wildcard_network(address, wildcard)


def _aaa(facts: ConfigFacts, block: Line) -> None:
    users: dict[str, LocalUser] = {}
    for line in block.walk():
        w = line.words
        if w[0] == "local-user" and len(w) >= 3:
            user = users.setdefault(w[1], LocalUser(w[1]))
            user.lines.append(line)
            if w[2] == "password" and len(w) >= 4:
                storage = storage_of(w[3])
                if storage is None and len(w) == 4 and is_masked(w[3]):
                    storage = "masked"
                user.storage, user.storage_line = storage or "plain", line
            elif w[2] == "privilege" and "level" in w:
                level = words_after(w, "level")
                user.level = int(level) if level and level.isdigit() else None
        elif line.text.startswith("password expire") and any(
            "password policy" in p for p in line.parents
        ):
            days = w[2] if len(w) > 2 else None
            if days and days.isdigit():
                facts.password_expiry_days, facts.password_expiry_line = int(days), line
    facts.users.extend(users.values())


def _snmp(facts: ConfigFacts, line: Line) -> None:
    w, snmp = line.words, facts.snmp
    if line.text == "snmp-agent":
        snmp.enabled_lines.append(line)
    elif line.text.startswith("snmp-agent sys-info version"):
        versions = set(w[3:])
        if "all" in versions:
            versions = {"v1", "v2c", "v3"}
        snmp.versions, snmp.version_line = frozenset(versions), line
    elif len(w) >= 4 and w[1] == "community" and w[2] in ("read", "write"):
        rest = w[3:]
        if rest and rest[0] in ("cipher", "simple"):
            rest = rest[1:]
        name = rest[0] if rest else None
        if name and (is_masked(name) or name.startswith(("%^%#", "%@%@", "$c$"))):
            name = None
        snmp.communities.append(
            Community(w[2], name, words_after(w, "acl"), line)  # type: ignore[arg-type]
        )
    elif len(w) >= 5 and w[1] == "group" and w[2] == "v3":
        level = w[4] if w[4] in ("noauthentication", "authentication", "privacy") else "noauth"
        security = {"noauthentication": "noauth", "authentication": "auth"}.get(level, level)
        snmp.groups.append(
            SnmpV3Group(w[3], security, words_after(w, "acl"), line)  # type: ignore[arg-type]
        )
    elif len(w) == 3 and w[1] == "acl":
        snmp.agent_acl, snmp.agent_acl_line = w[2], line


def _interface(line: Line) -> IfConfig:
    iface = IfConfig(line.words[1], line)
    for child in line.children:
        w, text = child.words, child.text
        if text.startswith("port link-type"):
            iface.mode = w[2] if len(w) > 2 else None  # type: ignore[assignment]
        elif text.startswith("port default vlan") and w[-1].isdigit():
            iface.vlan = int(w[-1])
        elif text == "shutdown":
            iface.shutdown = True
        elif _NAC.match(text):
            iface.nac_lines.append(child)
        elif text.startswith("ip binding vpn-instance"):
            iface.vrf = w[3] if len(w) > 3 else None
        elif text.startswith("ip address ") and (address := interface_address(w)):
            iface.addresses.append(address)
    if iface.addresses and iface.mode is None:
        iface.mode = "routed"
    return iface


def _static_route(line: Line) -> StaticRoute | None:
    """``ip route-static [vpn-instance A] DEST MASK [vpn-instance B] [IF] [NH] [public] ...``."""
    w = line.words[2:]
    vrf = None
    if w[:1] == ["vpn-instance"] and len(w) > 1:
        vrf, w = w[1], w[2:]
    if len(w) < 3:
        return None
    prefix = network(w[0], w[1])
    if prefix is None:
        return None
    rest = w[2:]
    nh_vrf = None
    if rest[:1] == ["vpn-instance"] and len(rest) > 1:
        nh_vrf, rest = rest[1], rest[2:]
    interface = None
    if rest and not is_ipv4(rest[0]) and rest[0] not in ("public", "preference", "description"):
        interface, rest = rest[0], rest[1:]
    next_hop = IPv4Address(rest[0]) if rest and is_ipv4(rest[0]) else None
    if next_hop is not None:
        rest = rest[1:]
    if rest[:1] == ["public"] and vrf is not None:
        nh_vrf = "public"
    return StaticRoute(vrf, prefix, next_hop, interface, nh_vrf, line)


def _vpn_instance(line: Line) -> VpnInstance:
    vpn = VpnInstance(line.words[2], line)
    for child in line.walk():
        w = child.words
        if child.text.startswith("route-distinguisher") and len(w) > 1:
            vpn.rd = w[1]
        elif w[0] == "vpn-target" and len(w) >= 2:
            kind = w[-1] if len(w) > 2 else "both"
            targets = [x for x in w[1:] if re.match(r"^[\d.]+:\d+$", x)]
            for target in targets:
                if kind in ("import-extcommunity", "both"):
                    vpn.import_targets.append((target, child))
                if kind in ("export-extcommunity", "both"):
                    vpn.export_targets.append((target, child))
        elif re.match(r"^import-rib (public|vpn-instance \S+)", child.text):
            pass  # collected by _global with its parents
    return vpn


def _security_policy(facts: ConfigFacts, block: Line) -> None:
    position = 0
    for child in block.children:
        w = child.words
        if child.text.startswith("default action") and len(w) >= 3:
            facts.policy_default = (w[2], child)  # type: ignore[assignment]
            continue
        if w[:2] != ["rule", "name"] or len(w) < 3:
            continue
        position += 1
        rule = PolicyRule(w[2], position, child, is_default=w[2] == "default")
        for item in child.children:
            i = item.words
            key, value = i[0], " ".join(i[1:])
            if key == "action" and len(i) > 1:
                rule.action = i[1]  # type: ignore[assignment]
            elif key == "source-zone":
                rule.source_zones += i[1:]
            elif key == "destination-zone":
                rule.destination_zones += i[1:]
            elif key == "source-address":
                rule.source_addresses.append(_policy_address(i[1:]))
            elif key == "destination-address":
                rule.destination_addresses.append(_policy_address(i[1:]))
            elif key == "service":
                rule.services += [s for s in i[1:] if s != "protocol"]
            elif key == "profile":
                rule.profiles.append(value)
            elif item.text == "disable":
                rule.enabled = False
        if rule.is_default and rule.action:
            facts.policy_default = (rule.action, child)
        else:
            facts.policy_rules.append(rule)


def _policy_address(words: list[str]) -> str:
    """``10.0.0.0 mask 255.255.0.0`` / ``10.0.0.0 16`` / ``address-set X`` / ``any``."""
    if not words:
        return "any"
    if words[0] == "any":
        return "any"
    if words[0] == "address-set" and len(words) > 1:
        return f"address-set {words[1]}"
    if is_ipv4(words[0]):
        mask = (
            words[2]
            if len(words) > 2 and words[1] == "mask"
            else (words[1] if len(words) > 1 else "32")
        )
        net = network(words[0], mask)
        return str(net) if net else " ".join(words)
    return " ".join(words)


def _wlan(facts: ConfigFacts, block: Line) -> None:
    ssids: dict[str, str] = {}
    for child in block.children:
        w = child.words
        if child.text.startswith("ssid-profile name") and len(w) > 2:
            ssid = child.child(r"^ssid ")
            if ssid:
                ssids[w[2]] = " ".join(ssid.words[1:])
    for child in block.children:
        w = child.words
        if child.text.startswith("vap-profile name") and len(w) > 2:
            vlan_line = child.child(r"^service-vlan vlan-id \d+")
            profile = child.child(r"^ssid-profile ")
            name = ssids.get(profile.words[1]) if profile and len(profile.words) > 1 else None
            vlan = int(vlan_line.words[-1]) if vlan_line else None
            facts.wlan_services.append(WlanService(w[2], name, vlan, child))
