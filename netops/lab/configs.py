"""Running configurations generated per platform from the inventory.

Each config passes the 等保 baseline of DOMAIN.md §3: SSH only (telnet off), SNMPv3 with
privacy and an ACL, loghost and NTP in the management prefix, VTY ACL, idle timeout,
irreversible-cipher/hashed passwords, wrong-password lockout, HWTACACS with command
accounting; unused ports shut down. Secrets look like the real encrypted forms (see
:mod:`netops.lab.secrets`) so that backup masking is exercised on realistic text.
"""

from __future__ import annotations

from ipaddress import IPv4Interface
from typing import TYPE_CHECKING

from netops.inventory import HaKind, Platform, Role, ZoneKind
from netops.lab import secrets as sec
from netops.lab.state import management_network, services_addresses

if TYPE_CHECKING:
    from netops.lab.state import Lab, LabDevice


def _mask(prefixlen: int) -> str:
    return str(IPv4Interface(f"0.0.0.0/{prefixlen}").netmask)


def _dotted(address: str) -> tuple[str, str]:
    iface = IPv4Interface(address)
    return str(iface.ip), str(iface.netmask)


def _descriptions(lab: Lab, dev: LabDevice) -> dict[str, str]:
    out: dict[str, str] = {}
    for port in dev.ports:
        if port.peer_device:
            out[port.name] = f"to {port.peer_device} {port.peer_port}"
    for i in dev.device.interfaces:
        if i.description:
            out[i.name] = i.description
    return out


def _snmp_user(lab: Lab, dev: LabDevice) -> str:
    profile = lab.inventory.auth_profile_by_name.get(dev.device.auth)
    if profile and profile.snmp and profile.snmp.user:
        return profile.snmp.user
    return "nms"


def _ssh_user(lab: Lab, dev: LabDevice) -> str:
    profile = lab.inventory.auth_profile_by_name.get(dev.device.auth)
    if profile and profile.ssh:
        return profile.ssh.username
    return "netops"


def _default_gateway(lab: Lab, dev: LabDevice) -> str | None:
    """Global default route next hop; none inside the intranet (it must have none)."""
    if lab.inventory.network_of(dev.device) == "intranet":
        return None
    return str(management_network(lab.inventory, dev.device).network_address + 254)


def _border_routes(lab: Lab, dev: LabDevice) -> list[tuple[str, str, str]]:
    """(prefix, mask, next hop) of a border router: the default route to the provider (the
    other end of its unlinked uplink), the public zone's prefixes to the firewall pair's
    outside address, the management prefix to the management gateway."""
    inv = lab.inventory
    linked = {p.name for p in dev.ports if p.link is not None}
    mine = [i.address for i in dev.device.interfaces if i.address is not None]
    uplinks = [i.address for i in dev.device.interfaces if i.address and i.name not in linked]
    routes: list[tuple[str, str, str]] = []
    for up in uplinks[:1]:
        provider = next(h for h in up.network.hosts() if h != up.ip)
        routes.append(("0.0.0.0", "0.0.0.0", str(provider)))
    outside = sorted(
        (i.address.ip, fw.name)
        for fw in inv.devices
        if fw.role is Role.FIREWALL
        for i in fw.interfaces
        if i.address is not None and any(i.address.ip in a.network for a in mine)
    )
    if outside:
        for zone in inv.zones:
            if zone.kind is ZoneKind.PUBLIC:
                routes += [
                    (str(p.network_address), str(p.netmask), str(outside[0][0]))
                    for p in zone.prefixes
                ]
    mgmt = next((z for z in inv.zones if z.kind is ZoneKind.MANAGEMENT), None)
    gw = _default_gateway(lab, dev)
    if mgmt and gw:
        routes += [(str(p.network_address), str(p.netmask), gw) for p in mgmt.prefixes]
    return routes


def generate_config(lab: Lab, dev: LabDevice) -> str:
    p = dev.platform
    if p is Platform.HUAWEI_VRP:
        return _vrp(lab, dev)
    if p is Platform.HUAWEI_USG:
        return _usg(lab, dev)
    if p is Platform.HP_COMWARE:
        return _comware(lab, dev)
    if p is Platform.CISCO_IOS:
        return _ios(lab, dev)
    return _linux(lab, dev)


def _is_pe(dev: LabDevice) -> bool:
    return dev.device.role is Role.CORE and any(i.vrf for i in dev.device.interfaces)


# -- Huawei VRP ---------------------------------------------------------------------------------


def _vrp_common_head(lab: Lab, dev: LabDevice, s: dict[str, str]) -> list[str]:
    name = dev.name
    mgmt_vrf = " vpn-instance ZW_MGMT" if _is_pe(dev) and "ZW_MGMT" in _vrf_names(lab, dev) else ""
    out = [
        f"!Software Version {dev.ident.version.split('(')[-1].rstrip(')').split(' ')[-1]}",
        "!Last configuration was updated at 2024-03-01 10:12:33+08:00 by netops",
        "!Last configuration was saved at 2024-03-01 10:15:02+08:00 by netops",
        "#",
        f"sysname {name}",
        "#",
        f"info-center loghost {s['loghost']}{mgmt_vrf}",
        "info-center timestamp log format-date",
        "#",
        "undo telnet server enable",
        "undo telnet ipv6 server enable",
        "#",
        "undo http server enable",
        "undo http secure-server enable",
        "undo ftp server enable",
        "#",
        "hwtacacs-server template netops-tac",
        f" hwtacacs-server authentication {s['tacacs']}{mgmt_vrf}",
        f" hwtacacs-server authorization {s['tacacs']}{mgmt_vrf}",
        f" hwtacacs-server accounting {s['tacacs']}{mgmt_vrf}",
        f" hwtacacs-server shared-key cipher {sec.huawei_cipher(name + 'tac')}",
        "#",
    ]
    return out


def _vrf_names(lab: Lab, dev: LabDevice) -> list[str]:
    return [v.name for v in lab.inventory.vrfs_on(dev.name)]


def _vrp_vrfs(lab: Lab, dev: LabDevice) -> list[str]:
    out: list[str] = []
    for v in lab.inventory.vrfs_on(dev.name):
        zone = lab.inventory.zone_by_name.get(v.zone)
        out += [f"ip vpn-instance {v.name}"]
        if zone and zone.description:
            out.append(f" description {zone.name}")
        out += [" ipv4-family", f"  route-distinguisher {v.rd}"]
        out += [f"  vpn-target {t} export-extcommunity" for t in v.export_targets]
        out += [f"  vpn-target {t} import-extcommunity" for t in v.import_targets]
        out.append("#")
    return out


def _acls_vrp(s: dict[str, str]) -> list[str]:
    return [
        "acl number 2001",
        " description permit-management-ssh",
        f" rule 5 permit source {s['acl_network']} {s['acl_wildcard']}",
        " rule 100 deny",
        "#",
        "acl number 2002",
        " description permit-nms-snmp",
        f" rule 5 permit source {s['acl_network']} {s['acl_wildcard']}",
        " rule 100 deny",
        "#",
    ]


def _vrp_aaa(dev: LabDevice, user: str) -> list[str]:
    n = dev.name
    return [
        "aaa",
        " authentication-scheme tac",
        "  authentication-mode hwtacacs local",
        " authorization-scheme tac",
        "  authorization-mode hwtacacs local",
        " accounting-scheme tac",
        "  accounting-mode hwtacacs",
        " recording-scheme tac-cmd",
        "  recording-mode hwtacacs netops-tac",
        " cmd recording-scheme tac-cmd",
        " local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15",
        " local-aaa-user password policy administrator",
        "  password history record number 5",
        "  password expire 90",
        " domain default_admin",
        "  authentication-scheme tac",
        "  authorization-scheme tac",
        "  accounting-scheme tac",
        "  hwtacacs-server netops-tac",
        f" local-user {user} password irreversible-cipher {sec.huawei_irreversible(n + user)}",
        f" local-user {user} privilege level 15",
        f" local-user {user} service-type ssh",
        f" local-user ops01 password irreversible-cipher {sec.huawei_irreversible(n + 'ops01')}",
        " local-user ops01 privilege level 3",
        " local-user ops01 service-type ssh",
        "#",
    ]


def _vrp_snmp(dev: LabDevice, user: str, s: dict[str, str], mgmt_vrf: str) -> list[str]:
    n = dev.name
    engine = "800007DB03" + dev.chassis_mac.hex().upper()
    return [
        "snmp-agent",
        f"snmp-agent local-engineid {engine}",
        f"snmp-agent sys-info contact noc@{n.split('-')[0]}.gov.example",
        f"snmp-agent sys-info location {dev.device.site}",
        "snmp-agent sys-info version v3",
        "snmp-agent mib-view included iso-view iso",
        "snmp-agent group v3 NMS privacy read-view iso-view notify-view iso-view acl 2002",
        f"snmp-agent usm-user v3 {user}",
        f"snmp-agent usm-user v3 {user} group NMS",
        f"snmp-agent usm-user v3 {user} authentication-mode sha cipher {sec.huawei_cipher(n + 'auth')}",
        f"snmp-agent usm-user v3 {user} privacy-mode aes128 cipher {sec.huawei_cipher(n + 'priv')}",
        f"snmp-agent target-host trap address udp-domain {s['loghost']}{mgmt_vrf} params securityname {user} v3 privacy",
        "snmp-agent trap enable",
        "#",
    ]


def _vrp_ssh(user: str) -> list[str]:
    return [
        "stelnet server enable",
        "ssh server acl 2001",
        f"ssh user {user}",
        f"ssh user {user} authentication-type password",
        f"ssh user {user} service-type stelnet",
        "ssh server cipher aes256_ctr aes128_ctr",
        "ssh server hmac sha2_256",
        "ssh server key-exchange dh_group_exchange_sha256",
        "#",
    ]


def _vrp_vty() -> list[str]:
    return [
        "user-interface con 0",
        " authentication-mode aaa",
        " idle-timeout 10 0",
        "user-interface vty 0 4",
        " acl 2001 inbound",
        " authentication-mode aaa",
        " user privilege level 15",
        " protocol inbound ssh",
        " idle-timeout 10 0",
        "user-interface vty 16 20",
        " acl 2001 inbound",
        " authentication-mode aaa",
        " protocol inbound ssh",
        " idle-timeout 10 0",
        "#",
    ]


def _l3_interfaces(lab: Lab, dev: LabDevice) -> dict[str, tuple[str | None, str | None]]:
    """name -> (vrf, address) of the device's L3 interfaces, management included."""
    out: dict[str, tuple[str | None, str | None]] = {}
    mgmt = f"{dev.device.mgmt_address}/24"
    names = {p.name for p in dev.ports}
    if "LoopBack0" in names:
        out["LoopBack0"] = ("ZW_MGMT", f"{dev.device.mgmt_address}/32")
    for cand in ("Vlanif99", "Vlan-interface99", "Vlan99", "GigabitEthernet0", "eth0"):
        if cand in names:
            out[cand] = (None, mgmt)
            break
    if dev.platform is Platform.HUAWEI_USG:
        out["GigabitEthernet0/0/0" if "GigabitEthernet0/0/0" in names else "MEth0/0/1"] = (
            None,
            mgmt,
        )
    for i in dev.device.interfaces:
        out[i.name] = (i.vrf, str(i.address) if i.address else out.get(i.name, (None, None))[1])
    return out


def _vrp_interfaces(lab: Lab, dev: LabDevice) -> list[str]:
    desc = _descriptions(lab, dev)
    l3 = _l3_interfaces(lab, dev)
    out: list[str] = []
    for port in dev.ports:
        if port.name == "NULL0":
            continue
        lines = [f"interface {port.name}"]
        if port.name in desc:
            lines.append(f" description {desc[port.name]}")
        if port.name in l3:
            vrf, addr = l3[port.name]
            if vrf:
                lines.append(f" ip binding vpn-instance {vrf}")
            if addr:
                ip, mask = _dotted(addr)
                lines.append(f" ip address {ip} {mask}")
        if (
            port.if_type == 6
            and port.link is None
            and port.name not in l3
            and not port.name.startswith("MEth")
        ):
            lines.append(" shutdown")
        elif (
            port.if_type == 6
            and port.link is not None
            and dev.device.role in (Role.ACCESS, Role.AGGREGATION)
        ):
            lines += [" port link-type trunk", " port trunk allow-pass vlan 99 to 199"]
        out += [*lines, "#"]
    out += ["interface NULL0", "#"]
    return out


def _vrp_routes(lab: Lab, dev: LabDevice) -> list[str]:
    out: list[str] = []
    gw = _default_gateway(lab, dev)
    if _is_pe(dev):
        for i in dev.device.interfaces:
            if i.vrf and i.address and i.vrf != "ZW_MGMT":
                nh = str(i.address.network.network_address + 254)
                out.append(
                    f"ip route-static vpn-instance {i.vrf} 0.0.0.0 0.0.0.0 {nh} description to-firewall"
                )
    elif gw:
        out.append(f"ip route-static 0.0.0.0 0.0.0.0 {gw}")
    else:
        net = management_network(lab.inventory, dev.device)
        zone = next((z for z in lab.inventory.zones if z.kind.value == "intranet"), None)
        if zone and dev.device.role is not Role.CORE:
            pfx = zone.prefixes[0]
            out.append(
                f"ip route-static {pfx.network_address} {pfx.netmask} {net.network_address + 1}"
            )
    return [*out, "#"] if out else []


def _vrp(lab: Lab, dev: LabDevice) -> str:
    s = services_addresses(lab.inventory, dev.device)
    user = _ssh_user(lab, dev)
    pe = _is_pe(dev)
    mgmt_vrf = " vpn-instance ZW_MGMT" if pe else ""
    vlans = sorted(
        {int(i.name[6:]) for i in dev.device.interfaces if i.name.startswith("Vlanif")} | {99}
    )
    lines = _vrp_common_head(lab, dev, s)
    lines += [f"vlan batch {' '.join(map(str, vlans))}", "#", "stp enable", "#", "lldp enable", "#"]
    if pe:
        lines += ["mpls lsr-id " + str(dev.device.mgmt_address), "mpls", "#", "mpls ldp", "#"]
    lines += _vrp_vrfs(lab, dev)
    lines += _acls_vrp(s)
    lines += _vrp_aaa(dev, user)
    lines += [f"ntp-service unicast-server {s['ntp']}{mgmt_vrf}", "#"]
    lines += _vrp_interfaces(lab, dev)
    if pe:
        lines += [
            f"bgp {lab.inventory.network.asn}",
            f" router-id {dev.device.mgmt_address}",
            " #",
            " ipv4-family vpnv4",
            "  policy vpn-target",
            "#",
        ]
    lines += _vrp_ssh(user)
    lines += _vrp_snmp(dev, user, s, mgmt_vrf)
    lines += _vrp_routes(lab, dev)
    lines += _vrp_vty()
    lines += ["return"]
    return "\n".join(lines) + "\n"


# -- Huawei USG -----------------------------------------------------------------------------------


def _usg(lab: Lab, dev: LabDevice) -> str:
    s = services_addresses(lab.inventory, dev.device)
    user = _ssh_user(lab, dev)
    n = dev.name
    lines = _vrp_common_head(lab, dev, s)
    pair = next(
        (p for p in lab.inventory.ha_pairs if p.kind is HaKind.FIREWALL and n in p.members), None
    )
    if pair:
        me = pair.members.index(n)
        hb = next(
            (p.name for p in dev.ports if p.peer_device in pair.members), "GigabitEthernet1/0/6"
        )
        lines += [
            "hrp enable",
            f"hrp interface {hb} remote 10.255.255.{2 - me}",
            "hrp mirror session enable",
            "hrp track interface GigabitEthernet1/0/1",
            "#",
        ]
    lines += _acls_vrp(s)
    lines += _vrp_aaa(dev, user)
    lines += [f"ntp-service unicast-server {s['ntp']}", "#"]
    desc = _descriptions(lab, dev)
    l3 = _l3_interfaces(lab, dev)
    zones: dict[str, list[str]] = {"trust": [], "untrust": [], "dmz": []}
    for port in dev.ports:
        if port.name == "NULL0":
            continue
        block = [f"interface {port.name}"]
        if port.name in desc:
            block.append(f" description {desc[port.name]}")
        if port.name in l3 and l3[port.name][1]:
            ip, mask = _dotted(l3[port.name][1] or "")
            block.append(f" ip address {ip} {mask}")
        if port.name == "GigabitEthernet1/0/6" and pair:
            me = pair.members.index(n)
            block.append(f" ip address 10.255.255.{me + 1} 255.255.255.252")
        if (
            port.if_type == 6
            and port.link is None
            and port.name not in l3
            and not port.name.startswith("MEth")
        ):
            block.append(" shutdown")
        lines += [*block, "#"]
        if port.link is not None:
            peer = lab.devices[port.peer_device or ""].device
            zone = "untrust" if peer.role in (Role.BORDER_ROUTER, Role.IPS) else "trust"
            if peer.role in (Role.LOAD_BALANCER, Role.VPN_GATEWAY, Role.ISOLATION_GATEWAY):
                zone = "dmz"
            if port.name == "GigabitEthernet1/0/0" and dev.device.role is not Role.FIREWALL:
                zone = "untrust"
            if not (pair and peer.name in pair.members):
                zones[zone].append(port.name)
    lines += ["interface NULL0", "#"]
    for zone, prio in (("local", 100), ("trust", 85), ("untrust", 5), ("dmz", 50)):
        lines.append(f"firewall zone {zone}")
        lines.append(f" set priority {prio}")
        lines += [f" add interface {i}" for i in zones.get(zone, [])]
        lines.append("#")
    public = next((z for z in lab.inventory.zones if z.kind.value == "public"), None)
    src = public.prefixes[0] if public else None
    lines += ["security-policy"]
    if src is not None:
        lines += [
            " rule name trust_to_untrust_web",
            "  source-zone trust",
            "  destination-zone untrust",
            f"  source-address {src.network_address} mask {src.netmask}",
            "  service http",
            "  service https",
            "  action permit",
            "  profile ips default",
            "  profile av default",
        ]
    lines += [
        " rule name untrust_to_dmz_portal",
        "  source-zone untrust",
        "  destination-zone dmz",
        "  service https",
        "  action permit",
        "  profile ips default",
        " rule name deny_all",
        "  action deny",
        "#",
    ]
    lines += _vrp_ssh(user)
    lines += _vrp_snmp(dev, user, s, "")
    gw = _default_gateway(lab, dev)
    if gw:
        lines += [f"ip route-static 0.0.0.0 0.0.0.0 {gw}", "#"]
    lines += _vrp_vty()
    lines += ["return"]
    return "\n".join(lines) + "\n"


# -- H3C Comware ---------------------------------------------------------------------------------


def _comware(lab: Lab, dev: LabDevice) -> str:
    s = services_addresses(lab.inventory, dev.device)
    user = _ssh_user(lab, dev)
    snmp_user = _snmp_user(lab, dev)
    n = dev.name
    desc = _descriptions(lab, dev)
    l3 = _l3_interfaces(lab, dev)
    lines = [
        "#",
        f" version {dev.ident.version}",
        "#",
        f" sysname {n}",
        "#",
        " clock timezone Beijing add 08:00:00",
        "#",
        " password-control enable",
        " undo password-control complexity user-name check",
        " password-control aging 90",
        " password-control login-attempt 3 exceed lock-time 15",
        "#",
        " lldp global enable",
        "#",
        " info-center loghost " + s["loghost"],
        "#",
        " ssh server enable",
        " ssh server acl 2001",
        "#",
        " ntp-service enable",
        f" ntp-service unicast-server {s['ntp']}",
        "#",
    ]
    for v in lab.inventory.vrfs_on(n):
        lines += [f"ip vpn-instance {v.name}", f" route-distinguisher {v.rd}"]
        lines += [f" vpn-target {t} import-extcommunity" for t in v.import_targets]
        lines += [f" vpn-target {t} export-extcommunity" for t in v.export_targets]
        lines.append("#")
    lines += [" vlan 1", "#", " vlan 99", "#"]
    for port in dev.ports:
        if port.name == "NULL0":
            continue
        block = [f"interface {port.name}"]
        if port.if_type == 6:
            block.append(" port link-mode bridge")
        if port.name in desc:
            block.append(f" description {desc[port.name]}")
        if port.name in l3:
            vrf, addr = l3[port.name]
            if vrf:
                block.append(f" ip binding vpn-instance {vrf}")
            if addr:
                ip, mask = _dotted(addr)
                block.append(f" ip address {ip} {mask}")
        if port.if_type == 6 and port.link is None:
            block.append(" shutdown")
        elif port.if_type == 6:
            block += [" port link-type trunk", " port trunk permit vlan 1 99"]
        lines += [*block, "#"]
    lines += ["interface NULL0", "#"]
    gw = _default_gateway(lab, dev)
    if gw:
        lines += [f" ip route-static 0.0.0.0 0 {gw}", "#"]
    elif dev.device.role is not Role.CORE:
        zone = next((z for z in lab.inventory.zones if z.kind.value == "intranet"), None)
        if zone:
            net = management_network(lab.inventory, dev.device)
            pfx = zone.prefixes[0]
            lines += [
                f" ip route-static {pfx.network_address} {pfx.prefixlen} {net.network_address + 1}",
                "#",
            ]
    engine = "800063A203" + dev.chassis_mac.hex().upper()
    lines += [
        " snmp-agent",
        f" snmp-agent local-engineid {engine}",
        f" snmp-agent sys-info contact noc@{n.split('-')[0]}.gov.example",
        f" snmp-agent sys-info location {dev.device.site}",
        " snmp-agent sys-info version v3",
        " snmp-agent group v3 NMS privacy read-view ViewDefault acl 2002",
        " snmp-agent mib-view included ViewDefault iso",
        f" snmp-agent usm-user v3 {snmp_user} NMS cipher authentication-mode sha {sec.comware_cipher(n + 'auth')} privacy-mode aes128 {sec.comware_cipher(n + 'priv')}",
        f" snmp-agent target-host trap address udp-domain {s['loghost']} params securityname {snmp_user} v3 privacy",
        " snmp-agent trap enable",
        "#",
        "acl basic 2001",
        f" rule 5 permit source {s['acl_network']} {s['acl_wildcard']}",
        " rule 100 deny",
        "#",
        "acl basic 2002",
        f" rule 5 permit source {s['acl_network']} {s['acl_wildcard']}",
        " rule 100 deny",
        "#",
        "hwtacacs scheme netops-tac",
        f" primary authentication {s['tacacs']}",
        f" primary authorization {s['tacacs']}",
        f" primary accounting {s['tacacs']}",
        f" key authentication cipher {sec.comware_cipher(n + 'tac1')}",
        f" key authorization cipher {sec.comware_cipher(n + 'tac2')}",
        f" key accounting cipher {sec.comware_cipher(n + 'tac3')}",
        " user-name-format without-domain",
        "#",
        "domain system",
        " authentication login hwtacacs-scheme netops-tac local",
        " authorization login hwtacacs-scheme netops-tac local",
        " accounting login hwtacacs-scheme netops-tac",
        " accounting command hwtacacs-scheme netops-tac",
        "#",
        " domain default enable system",
        "#",
        "role name level-15",
        " description Predefined level-15 role",
        "#",
        f"local-user {user} class manage",
        f" password hash {sec.comware_hash(n + user)}",
        " service-type ssh",
        " authorization-attribute user-role network-admin",
        "#",
        "local-user ops01 class manage",
        f" password hash {sec.comware_hash(n + 'ops01')}",
        " service-type ssh",
        " authorization-attribute user-role network-operator",
        "#",
        "line class vty",
        " user-role network-operator",
        "#",
        "line con 0",
        " authentication-mode scheme",
        " idle-timeout 10 0",
        "#",
        "line vty 0 63",
        " authentication-mode scheme",
        " user-role network-operator",
        " protocol inbound ssh",
        " idle-timeout 10 0",
        "#",
        "return",
    ]
    return "\n".join(lines) + "\n"


# -- Cisco IOS ---------------------------------------------------------------------------------


def _ios(lab: Lab, dev: LabDevice) -> str:
    s = services_addresses(lab.inventory, dev.device)
    user = _ssh_user(lab, dev)
    n = dev.name
    desc = _descriptions(lab, dev)
    l3 = _l3_interfaces(lab, dev)
    body = [
        "!",
        "! Last configuration change at 10:12:33 CST Fri Mar 1 2024 by netops",
        "!",
        f"version {dev.ident.version.split('(')[0].rsplit('.', 1)[0] if '(' not in dev.ident.version else dev.ident.version.split('(')[0]}",
        "service timestamps debug datetime msec localtime",
        "service timestamps log datetime msec localtime",
        "service password-encryption",
        "no service pad",
        "!",
        f"hostname {n}",
        "!",
        "boot-start-marker",
        "boot-end-marker",
        "!",
        "logging buffered 64000",
        "no logging console",
        f"enable secret 9 {sec.cisco_type9(n + 'enable')}",
        "!",
        "aaa new-model",
        "!",
        "aaa group server tacacs+ NETOPS-TAC",
        " server name TAC1",
        "!",
        "aaa authentication login default group NETOPS-TAC local",
        "aaa authorization exec default group NETOPS-TAC local",
        "aaa accounting exec default start-stop group NETOPS-TAC",
        "aaa accounting commands 15 default start-stop group NETOPS-TAC",
        "!",
        "clock timezone CST 8 0",
        "!",
        "no ip domain lookup",
        f"ip domain name {n.split('-')[0]}.gov.example",
        "!",
        "login block-for 900 attempts 3 within 300",
        "login on-failure log",
        "!",
        f"username {user} privilege 15 secret 9 {sec.cisco_type9(n + user)}",
        f"username ops01 privilege 3 secret 9 {sec.cisco_type9(n + 'ops01')}",
        "!",
        "ip ssh version 2",
        "ip ssh time-out 60",
        "!",
        "lldp run",
        "!",
    ]
    for port in dev.ports:
        if port.name == "Null0":
            continue
        block = [f"interface {port.name}"]
        if port.name in desc:
            block.append(f" description {desc[port.name]}")
        if port.name in l3 and l3[port.name][1]:
            ip, mask = _dotted(l3[port.name][1] or "")
            block.append(f" ip address {ip} {mask}")
        elif port.if_type == 6 and dev.device.role is Role.BORDER_ROUTER:
            block.append(" no ip address")
        if port.if_type == 6 and port.link is None and port.name not in l3:
            block.append(" shutdown")
        elif port.if_type == 6 and dev.device.role is not Role.BORDER_ROUTER:
            block += [" switchport trunk allowed vlan 1,99", " switchport mode trunk"]
        body += [*block, "!"]
    gw = _default_gateway(lab, dev)
    body += ["no ip http server", "no ip http secure-server", "!"]
    if dev.device.role is Role.BORDER_ROUTER:
        body += [f"ip route {net} {mask} {hop}" for net, mask, hop in _border_routes(lab, dev)]
        body += ["!"]
    elif gw:
        body += [f"ip route 0.0.0.0 0.0.0.0 {gw}", "!"]
    body += [
        "ip access-list standard MGMT-ONLY",
        f" 10 permit {s['acl_network']} {s['acl_wildcard']}",
        " 20 deny   any log",
        "!",
        f"logging host {s['loghost']}",
        "!",
        "snmp-server view ISO iso included",
        "snmp-server group NMS v3 priv read ISO access MGMT-ONLY",
        f"snmp-server location {dev.device.site}",
        f"snmp-server contact noc@{n.split('-')[0]}.gov.example",
        "snmp-server enable traps snmp linkdown linkup coldstart warmstart",
        f"snmp-server host {s['loghost']} version 3 priv {_snmp_user(lab, dev)}",
        "!",
        "tacacs server TAC1",
        f" address ipv4 {s['tacacs']}",
        f" key 7 {sec.cisco_type7(n + 'tac')}",
        "!",
        "line con 0",
        " exec-timeout 10 0",
        " logging synchronous",
        "line vty 0 4",
        " access-class MGMT-ONLY in",
        " exec-timeout 10 0",
        " transport input ssh",
        "line vty 5 15",
        " access-class MGMT-ONLY in",
        " exec-timeout 10 0",
        " transport input ssh",
        "!",
        f"ntp server {s['ntp']}",
        "!",
        "end",
    ]
    text = "\n".join(body) + "\n"
    return f"Building configuration...\n\nCurrent configuration : {len(text)} bytes\n{text}"


# -- Linux -------------------------------------------------------------------------------------


def _linux(lab: Lab, dev: LabDevice) -> str:
    n = dev.name
    l3 = _l3_interfaces(lab, dev)
    lines = ["# netops lab: the host's network and SNMP settings", f"hostname {n}"]
    for name, (_vrf, addr) in l3.items():
        if addr:
            lines.append(f"address {name} {addr}")
    gw = _default_gateway(lab, dev)
    if gw:
        lines.append(f"route 0.0.0.0/0 {gw}")
    user = _snmp_user(lab, dev)
    lines += [
        f"createUser {user} SHA {sec.hex_key(n + 'auth')} AES {sec.hex_key(n + 'priv')}",
        f"rouser {user} priv",
        f"root-password {sec.md5_crypt(n + 'root')}",
    ]
    return "\n".join(lines) + "\n"


def vrp_mask(prefixlen: int) -> str:
    return _mask(prefixlen)
