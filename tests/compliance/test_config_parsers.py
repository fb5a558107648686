"""The configuration parsers read each platform's real syntax into the same facts."""

from __future__ import annotations

from ipaddress import IPv4Address, IPv4Network
from pathlib import Path

from netops.compliance.config import parse_config, parse_tree

VRP_GOOD = """\
!Software Version V200R021C10SPC600
#
sysname core-1
#
ip vpn-instance ZW_PUBLIC
 ipv4-family
  route-distinguisher 65000:10
  vpn-target 65000:10 export-extcommunity
  vpn-target 65000:10 import-extcommunity
#
interface Vlanif210
 ip binding vpn-instance ZW_PUBLIC
 ip address 10.0.64.251 255.255.255.0
#
undo telnet server enable
stelnet server enable
ssh server acl 2001
acl number 2001
 rule 5 permit source 10.250.2.0 0.0.0.15
aaa
 local-aaa-user wrong-password retry-interval 5 retry-time 3 block-time 15
 local-aaa-user password policy administrator
  password expire 90
 local-user ops01 password irreversible-cipher $1c$abcdef$
 local-user ops01 privilege level 3
snmp-agent sys-info version v3
snmp-agent mib-view included iso-view iso
snmp-agent group v3 NMS privacy read-view iso-view acl 2002
snmp-agent usm-user v3 nms01 group NMS
info-center loghost 10.250.1.10 vpn-instance MGMT
info-center loghost source Vlanif199
ntp-service unicast-server 10.250.1.20 vpn-instance MGMT
user-interface vty 0 4
 acl 2001 inbound
 authentication-mode aaa
 protocol inbound ssh
 idle-timeout 10 0
#
bgp 65000
 #
 ipv4-family vpn-instance ZW_PUBLIC
  import-route direct
#
return
"""

VRP_BAD = """\
ip vpn-instance ZW_PUBLIC
 ipv4-family
  vpn-target 65000:90 import-extcommunity
ip route-static vpn-instance ZW_PUBLIC 0.0.0.0 0 vpn-instance ZW_INTERNET 203.0.113.1
ip route-static vpn-instance ZW_PUBLIC 0.0.0.0 0 203.0.113.1 public
ip route-static 0.0.0.0 0.0.0.0 10.1.1.1 preference 70 description to-isp
snmp-agent community read public
snmp-agent community write cipher %^%#abc%^%#
aaa
 undo local-aaa-user wrong-password
 local-user admin password cipher %@%@xyz%@%@
 local-user admin privilege level 15
telnet server enable
ftp server enable
user-interface vty 0 4
 protocol inbound all
 idle-timeout 0 0
"""


def test_vrp_compliant_facts() -> None:
    f = parse_config("huawei_vrp", VRP_GOOD)
    assert f is not None
    assert f.telnet_server is False
    vty = f.vtys[0]
    assert (vty.protocols, vty.acl, vty.idle_seconds) == (frozenset({"ssh"}), "2001", 600)
    assert (
        vty.acl_line is not None
        and vty.acl_line.context() == "user-interface vty 0 4\n acl 2001 inbound"
    )
    rule = f.acls["2001"].rules[0]
    assert (rule.action, rule.source) == ("permit", IPv4Network("10.250.2.0/28"))
    assert f.login_lockout is True and f.login_attempts == 3
    assert f.password_expiry_days == 90
    assert [(u.name, u.storage, u.level) for u in f.users] == [("ops01", "irreversible", 3)]
    assert f.snmp.versions == frozenset({"v3"}) and f.snmp.groups[0].security == "privacy"
    assert f.snmp.groups[0].acl == "2002" and not f.snmp.communities
    assert [(str(h.address), h.vrf) for h in f.loghosts] == [
        ("10.250.1.10", "MGMT")
    ]  # not "source"
    assert [(str(s.address), s.vrf) for s in f.ntp_servers] == [("10.250.1.20", "MGMT")]
    vpn = f.vpn_instances["ZW_PUBLIC"]
    assert vpn.rd == "65000:10"
    assert [t for t, _ in vpn.import_targets] == ["65000:10"] == [t for t, _ in vpn.export_targets]
    iface = next(i for i in f.interfaces if i.name == "Vlanif210")
    assert iface.vrf == "ZW_PUBLIC" and str(iface.addresses[0]) == "10.0.64.251/24"
    assert not f.route_leak_lines  # import-route direct inside a VPN instance is not a leak


def test_vrp_violations() -> None:
    f = parse_config("huawei_vrp", VRP_BAD)
    assert f is not None
    assert f.telnet_server is True and [x.text for x in f.ftp_server_lines] == ["ftp server enable"]
    assert f.vtys[0].protocols == frozenset({"ssh", "telnet"}) and f.vtys[0].idle_seconds == 0
    assert f.login_lockout is False
    assert [(u.name, u.storage, u.level) for u in f.users] == [("admin", "reversible", 15)]
    assert [(c.access, c.name) for c in f.snmp.communities] == [("read", "public"), ("write", None)]
    routes = [(r.vrf, str(r.prefix), r.next_hop_vrf, str(r.next_hop)) for r in f.static_routes]
    assert routes == [
        ("ZW_PUBLIC", "0.0.0.0/0", "ZW_INTERNET", "203.0.113.1"),
        ("ZW_PUBLIC", "0.0.0.0/0", "public", "203.0.113.1"),
        (None, "0.0.0.0/0", None, "10.1.1.1"),
    ]
    assert [t for t, _ in f.vpn_instances["ZW_PUBLIC"].import_targets] == ["65000:90"]


COMWARE = """\
#
 version 7.1.070, Release 6348P06
#
 sysname agg-binhe
#
 password-control enable
 password-control aging 90
 password-control login-attempt 3 exceed lock-time 15
#
 telnet server enable
 ip http enable
#
ip vpn-instance ZW_PUBLIC
 route-distinguisher 65000:10
 vpn-target 65000:10 import-extcommunity
 vpn-target 65000:10 export-extcommunity
 address-family ipv4
  route-replicate from vpn-instance ZW_INTERNET protocol direct
#
interface GigabitEthernet1/0/5
 port link-mode bridge
 port access vlan 10
#
interface GigabitEthernet1/0/6
 port link-mode bridge
 port access vlan 10
 dot1x
#
 ip route-static vpn-instance ZW_PUBLIC 0.0.0.0 0 vpn-instance ZW_INTERNET 10.128.16.1
#
 snmp-agent
 snmp-agent community read simple public acl 2000
 snmp-agent sys-info version v2c v3
#
acl basic 2001
 rule 5 permit source 10.250.1.0 0.0.0.255
 rule 10 permit
#
local-user admin class manage
 password cipher $c$3$abc
 authorization-attribute user-role network-admin
#
line vty 0 63
 authentication-mode scheme
 protocol inbound all
 idle-timeout 30 0
#
return
"""


def test_comware_facts() -> None:
    f = parse_config("hp_comware", COMWARE)
    assert f is not None
    assert f.telnet_server is True and [x.text for x in f.http_plain_lines] == ["ip http enable"]
    assert f.login_lockout is True and f.login_attempts == 3 and f.password_expiry_days == 90
    assert f.vtys[0].protocols == frozenset({"ssh", "telnet"}) and f.vtys[0].idle_seconds == 1800
    acl = f.acls["2001"]
    assert [(r.action, r.source) for r in acl.rules] == [
        ("permit", IPv4Network("10.250.1.0/24")),
        ("permit", None),
    ]
    assert [(u.name, u.storage, u.role) for u in f.users] == [
        ("admin", "reversible", "network-admin")
    ]
    # the one-space-indented top-level route after a '#' is not a child of the interface
    assert [(r.vrf, r.next_hop_vrf) for r in f.static_routes] == [("ZW_PUBLIC", "ZW_INTERNET")]
    assert [x.text for x in f.route_leak_lines] == [
        "route-replicate from vpn-instance ZW_INTERNET protocol direct"
    ]
    assert [(c.name, c.acl) for c in f.snmp.communities] == [("public", "2000")]
    ports = {i.name: (i.mode, bool(i.nac_lines)) for i in f.interfaces}
    assert ports == {
        "GigabitEthernet1/0/5": ("access", False),
        "GigabitEthernet1/0/6": ("access", True),
    }


IOS = """\
Building configuration...

Current configuration : 2048 bytes
!
version 15.2
hostname agg-gongyuan
!
enable password 7 0822455D0A16
username admin privilege 15 password 7 0822455D0A16
username ops01 privilege 5 secret 9 $9$abc
aaa new-model
aaa authentication login default group tacacs+ local
!
interface GigabitEthernet1/0/5
 switchport mode access
 switchport access vlan 10
 authentication port-control auto
!
interface Vlan99
 ip vrf forwarding MGMT
 ip address 10.250.2.28 255.255.255.0
!
ip http server
ip route vrf ZW_PUBLIC 0.0.0.0 0.0.0.0 203.0.113.1 global
access-list 10 permit 10.250.2.0 0.0.0.255
access-list 10 permit any
snmp-server community public RO 10
snmp-server community s3cret RW
snmp-server group NMS v3 auth
logging host 10.250.1.10 vrf MGMT
ntp server vrf MGMT 10.250.1.20
!
line vty 0 4
 access-class 10 in
 exec-timeout 0 0
 transport input telnet ssh
line vty 5 15
 transport input ssh
!
end
"""


def test_ios_facts() -> None:
    f = parse_config("cisco_ios", IOS)
    assert f is not None
    assert [(u.name, u.storage, u.level) for u in f.users] == [
        ("admin", "reversible", 15),
        ("ops01", "irreversible", 5),
    ]
    assert f.enable_secret_lines[0][0] == "reversible"
    assert f.aaa_login_uses_central
    assert [x.text for x in f.http_plain_lines] == ["ip http server"]
    assert [(r.vrf, r.next_hop_vrf, str(r.next_hop)) for r in f.static_routes] == [
        ("ZW_PUBLIC", "public", "203.0.113.1")
    ]
    assert [(r.action, r.source) for r in f.acls["10"].rules] == [
        ("permit", IPv4Network("10.250.2.0/24")),
        ("permit", None),
    ]
    assert [(c.name, c.access, c.acl) for c in f.snmp.communities] == [
        ("public", "read", "10"),
        ("s3cret", "write", None),
    ]
    assert f.snmp.groups[0].security == "auth"
    assert [(h.address, h.vrf) for h in f.loghosts] == [(IPv4Address("10.250.1.10"), "MGMT")]
    assert [(s.address, s.vrf) for s in f.ntp_servers] == [(IPv4Address("10.250.1.20"), "MGMT")]
    vty1, vty2 = f.vtys
    assert (vty1.protocols, vty1.acl, vty1.idle_seconds) == (frozenset({"telnet", "ssh"}), "10", 0)
    assert (vty2.protocols, vty2.acl, vty2.idle_seconds) == (frozenset({"ssh"}), None, None)
    vlan = next(i for i in f.interfaces if i.name == "Vlan99")
    assert vlan.vrf == "MGMT" and vlan.mode == "routed"
    assert next(i for i in f.interfaces if i.name == "GigabitEthernet1/0/5").nac_lines


USG = """\
security-policy
 rule name allow_web
  source-zone trust
  destination-zone untrust
  source-address 10.0.0.0 mask 255.192.0.0
  service http
  action permit
  profile ips default
 rule name old_rule
  disable
  source-zone untrust
  action permit
 default action permit
#
"""


def test_usg_security_policy() -> None:
    f = parse_config("huawei_usg", USG)
    assert f is not None
    r1, r2 = f.policy_rules
    assert (r1.name, r1.action, r1.source_zones, r1.source_addresses, r1.services, r1.profiles) == (
        "allow_web",
        "permit",
        ["trust"],
        ["10.0.0.0/10"],
        ["http"],
        ["ips default"],
    )
    assert (r2.name, r2.enabled) == ("old_rule", False)
    assert f.policy_default is not None and f.policy_default[0] == "permit"


def test_tree_keeps_line_numbers_and_parents() -> None:
    tree = parse_tree("a\n b\n  c\n#\nd\n")
    c = tree.find_all("c")[0]
    assert (c.number, c.parents, c.context()) == (3, ("a", "b"), "a\n b\n  c")
    assert [x.text for x in tree.top] == ["a", "d"]


def test_unknown_platform_has_no_parser() -> None:
    assert parse_config("linux", "hostname x\n") is None


MASKED = Path(__file__).resolve().parents[1] / "backups" / "masking"


def test_masked_backups_keep_what_the_baseline_needs() -> None:
    """The configurations as the backup stores them (secrets masked) still tell storage and access."""
    vrp = parse_config("huawei_vrp", (MASKED / "huawei_vrp" / "expected.txt").read_text())
    assert vrp is not None
    assert {u.name: u.storage for u in vrp.users}.items() >= {
        "admin": "irreversible",
        "ops01": "reversible",
    }.items()
    assert [(c.access, c.name) for c in vrp.snmp.communities] == [("read", None), ("write", None)]
    ios = parse_config("cisco_ios", (MASKED / "cisco_ios" / "expected.txt").read_text())
    assert ios is not None
    assert {u.name: u.storage for u in ios.users}.items() >= {
        "admin": "irreversible",
        "backup": "reversible",
        "legacy": "plain",
    }.items()
    comware = parse_config("hp_comware", (MASKED / "hp_comware" / "expected.txt").read_text())
    assert comware is not None and comware.users


def test_garbled_configurations_never_raise() -> None:
    """A truncated or garbled capture parses into whatever it says; the parsers never crash."""
    import random

    samples = {
        "huawei_vrp": VRP_GOOD + VRP_BAD,
        "hp_comware": COMWARE,
        "cisco_ios": IOS,
        "huawei_usg": USG + VRP_GOOD,
    }
    words = [
        "x",
        "1.2.3.4",
        "vpn-instance",
        "acl",
        "0",
        "255.255.255.0",
        "public",
        "<masked>",
        "inbound",
    ]
    rng = random.Random(6)
    for platform, text in samples.items():
        lines = text.split("\n")
        for _ in range(60):
            out = []
            for line in lines:
                r = rng.random()
                if r < 0.3 and line:
                    line = line[: rng.randrange(len(line))]
                elif r < 0.36:
                    line = f"{line} {rng.choice(words)}"
                elif r < 0.4:
                    line = " " * rng.randrange(4) + line.strip()
                out.append(line)
            assert parse_config(platform, "\n".join(out) + "\n#garbled") is not None
