"""H3C Comware 5/7 running configurations (``display current-configuration``).

Comware shares most global commands with VRP (``telnet server enable``,
``info-center loghost``, ``ip route-static``, ``snmp-agent``); it differs in
local users (``local-user NAME class manage`` blocks with ``password hash``),
login lockout (``password-control``), remote lines (``line vty`` on Comware 7,
``user-interface vty`` on 5), AAA (``domain`` / ``hwtacacs scheme``) and VPN leaking
(``route-replicate``).
"""

from __future__ import annotations

import re

from netops.compliance.config import vrp
from netops.compliance.config.common import add_server, is_masked, storage_of
from netops.compliance.config.facts import ConfigFacts, LocalUser, StaticRoute
from netops.compliance.config.tree import ConfigTree, Line

#: first words of the lines the global loop reads (a cheap filter before the expressions)
_HEADS = frozenset(
    {
        "telnet", "undo", "ip", "ftp", "ssh", "password-control", "snmp-agent",
        "info-center", "ntp-service", "route-replicate", "accounting", "command",
        "authentication",
    }
)  # fmt: skip


def parse_comware(tree: ConfigTree) -> ConfigFacts:
    facts = ConfigFacts(platform="hp_comware", tree=tree)
    for line in tree.all():
        text = line.text
        if text.split(" ", 1)[0] not in _HEADS:
            continue
        w = line.words
        if re.match(r"^(undo )?telnet server enable", text):
            facts.telnet_server = not text.startswith("undo")
            facts.telnet_lines.append(line)
        elif re.match(r"^telnet server acl \S+", text):
            facts.telnet_acl = w[3]
        elif re.match(r"^ip http enable", text):
            facts.http_plain_lines.append(line)
        elif re.match(r"^ftp server enable", text):
            facts.ftp_server_lines.append(line)
        elif re.match(r"^ssh server acl \S+", text):
            facts.ssh_acl, facts.ssh_acl_line = w[3], line
        elif text == "password-control enable":
            facts.login_lockout = True
            facts.login_lockout_lines.append(line)
        elif text.startswith("undo password-control enable"):
            facts.login_lockout = False
            facts.login_lockout_lines.append(line)
        elif text.startswith("password-control login-attempt") and len(w) > 2 and w[2].isdigit():
            facts.login_attempts = int(w[2])
            facts.login_lockout_lines.append(line)
        elif text.startswith("password-control aging") and len(w) > 2 and w[2].isdigit():
            facts.password_expiry_days, facts.password_expiry_line = int(w[2]), line
        elif text.startswith("snmp-agent"):
            vrp._snmp(facts, line)
        elif text.startswith("info-center loghost ") and not text.startswith(
            "info-center loghost source"
        ):
            add_server(facts.loghosts, w, line, "vpn-instance")
        elif text.startswith("ntp-service unicast-server "):
            add_server(facts.ntp_servers, w, line, "vpn-instance")
        elif text.startswith("ip route-static ") and not line.parents:
            route = _static_route(line)
            if route:
                facts.static_routes.append(route)
        elif text.startswith("route-replicate from "):
            facts.route_leak_lines.append(line)
        elif re.match(r"^accounting command (hwtacacs-scheme|radius-scheme)", text) or (
            text == "command accounting"
        ):
            facts.command_accounting_lines.append(line)
        elif re.match(r"^authentication login (hwtacacs-scheme|radius-scheme)", text):
            facts.aaa_login_uses_central = True
            facts.central_aaa_lines.append(line)
    for line in tree.top:
        w = line.words
        if line.text.startswith(("line vty", "user-interface vty")):
            facts.vtys.append(vrp._vty(line))
        elif re.match(r"^acl (number|basic|advanced) \S+", line.text) or re.match(
            r"^acl \d+$", line.text
        ):
            acl = vrp._acl(_acl_header(line))
            if acl:
                facts.acls[acl.name] = acl
        elif w[0] == "local-user" and len(w) >= 2:
            facts.users.append(_local_user(line))
        elif w[0] == "interface" and len(w) >= 2:
            iface = vrp._interface(line)
            for child in line.children:
                if child.text.startswith("port access vlan") and child.words[-1].isdigit():
                    iface.vlan = int(child.words[-1])
                elif re.match(r"^(dot1x|port-security port-mode|mac-authentication)", child.text):
                    iface.nac_lines.append(child)
            if iface.mode is None and iface.is_ethernet and not iface.addresses:
                iface.mode = "access"  # Comware's default link type
            facts.interfaces.append(iface)
        elif line.text.startswith("ip vpn-instance "):
            vpn = vrp._vpn_instance(line)
            facts.vpn_instances[vpn.name] = vpn
        elif line.text.startswith(("hwtacacs scheme", "radius scheme")):
            facts.central_aaa_lines.append(line)
        elif line.text.startswith("wlan service-template "):
            ssid = line.child(r"^ssid ")
            vlan = line.child(r"^vlan \d+")
            from netops.compliance.config.facts import WlanService

            facts.wlan_services.append(
                WlanService(
                    w[2] if len(w) > 2 else "",
                    " ".join(ssid.words[1:]) if ssid else None,
                    int(vlan.words[1]) if vlan else None,
                    line,
                )
            )
    return facts


def _acl_header(line: Line) -> Line:
    """``acl basic 2001`` / ``acl basic name MGMT`` read as VRP's ``acl number 2001``."""
    w = line.words
    if w[1] in ("basic", "advanced"):
        name = w[3] if len(w) > 3 and w[2] == "name" else w[2]
        return Line(line.number, f"acl number {name}", line.parents, line.children)
    return line


def _local_user(line: Line) -> LocalUser:
    user = LocalUser(line.words[1], [line])
    for child in line.children:
        w = child.words
        if w[0] == "password" and len(w) >= 2:
            storage = storage_of(w[1])
            if storage is None and is_masked(w[-1]) and len(w) == 2:
                storage = "masked"
            user.storage, user.storage_line = storage or "plain", child
            user.lines.append(child)
        elif child.text.startswith("authorization-attribute user-role") and len(w) > 2:
            role = w[2]
            if user.role != "network-admin":
                user.role = role
            user.lines.append(child)
        elif child.text.startswith("authorization-attribute level") and len(w) > 2:
            level = int(w[2]) if w[2].isdigit() else None
            user.level = 15 if level == 3 else level  # Comware 5: level 3 = manage
            user.lines.append(child)
    return user


def _static_route(line: Line) -> StaticRoute | None:
    """H3C: ``ip route-static vpn-instance A DEST MASK {vpn-instance B NH | NH public | ...}``."""
    route = vrp._static_route(line)
    if route is None:
        return None
    if "public" in line.words and route.vrf is not None:
        route.next_hop_vrf = "public"
    return route
