"""What the baseline and isolation checks need to know from a running configuration.

Each platform parser (:mod:`.vrp`, :mod:`.comware`, :mod:`.ios`) fills the same
:class:`ConfigFacts`; every fact keeps the :class:`~.tree.Line` it came from, so a
verdict can quote the exact configuration as its evidence. ``None`` means "the
configuration does not say" (a platform default applies), which the checks treat
differently from an explicit setting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import Literal

from netops.compliance.config.tree import ConfigTree, Line

PasswordStorage = Literal["irreversible", "reversible", "plain", "masked"]


@dataclass
class AclRule:
    action: Literal["permit", "deny"]
    source: IPv4Network | None  # None = any
    line: Line


@dataclass
class Acl:
    name: str
    line: Line
    rules: list[AclRule] = field(default_factory=list)


@dataclass
class Vty:
    """A remote-login line block (``user-interface vty``, ``line vty``)."""

    line: Line
    protocols: frozenset[str] | None = None  # {"ssh"}, {"telnet"}, {"ssh","telnet"}; None = default
    protocol_line: Line | None = None
    acl: str | None = None
    acl_line: Line | None = None
    idle_seconds: float | None = None  # None = platform default
    idle_line: Line | None = None


@dataclass
class LocalUser:
    name: str
    lines: list[Line] = field(default_factory=list)
    storage: PasswordStorage | None = None
    storage_line: Line | None = None
    level: int | None = None
    role: str | None = None

    @property
    def admin(self) -> bool:
        return self.level == 15 or self.role in ("network-admin", "level-15")


@dataclass
class Community:
    access: Literal["read", "write"]
    name: str | None  # None when stored as cipher text or masked
    acl: str | None
    line: Line


@dataclass
class SnmpV3Group:
    name: str
    security: Literal["noauth", "auth", "privacy"]
    acl: str | None
    line: Line


@dataclass
class Snmp:
    versions: frozenset[str] | None = None  # {"v1","v2c","v3"}; None = not stated
    version_line: Line | None = None
    communities: list[Community] = field(default_factory=list)
    groups: list[SnmpV3Group] = field(default_factory=list)
    agent_acl: str | None = None
    agent_acl_line: Line | None = None
    enabled_lines: list[Line] = field(default_factory=list)


@dataclass
class Server:
    address: IPv4Address
    vrf: str | None
    line: Line


@dataclass
class IfConfig:
    name: str
    line: Line
    mode: Literal["access", "trunk", "hybrid", "routed"] | None = None
    shutdown: bool = False
    nac_lines: list[Line] = field(default_factory=list)  # 802.1X / MAC auth / port security
    vrf: str | None = None
    addresses: list[IPv4Interface] = field(default_factory=list)
    vlan: int | None = None

    @property
    def is_ethernet(self) -> bool:
        n = self.name.lower()
        return "ethernet" in n and not n.startswith(("meth", "m-ethernet", "eth-trunk"))


@dataclass
class StaticRoute:
    vrf: str | None
    prefix: IPv4Network
    next_hop: IPv4Address | None
    interface: str | None
    next_hop_vrf: str | None  # another VRF, or "public" for the global table
    line: Line


@dataclass
class VpnInstance:
    name: str
    line: Line
    rd: str | None = None
    import_targets: list[tuple[str, Line]] = field(default_factory=list)
    export_targets: list[tuple[str, Line]] = field(default_factory=list)


@dataclass
class PolicyRule:
    """A firewall security-policy rule read from the configuration (USG)."""

    name: str
    position: int
    line: Line
    action: Literal["permit", "deny"] | None = None
    source_zones: list[str] = field(default_factory=list)
    destination_zones: list[str] = field(default_factory=list)
    source_addresses: list[str] = field(default_factory=list)
    destination_addresses: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    profiles: list[str] = field(default_factory=list)
    enabled: bool = True
    is_default: bool = False


@dataclass
class WlanService:
    name: str
    ssid: str | None
    vlan: int | None
    line: Line


@dataclass
class ConfigFacts:
    """Normalized facts of one device's running configuration."""

    platform: str
    tree: ConfigTree
    telnet_server: bool | None = None
    telnet_lines: list[Line] = field(default_factory=list)
    http_plain_lines: list[Line] = field(default_factory=list)
    ftp_server_lines: list[Line] = field(default_factory=list)
    tftp_server_lines: list[Line] = field(default_factory=list)
    vtys: list[Vty] = field(default_factory=list)
    acls: dict[str, Acl] = field(default_factory=dict)
    ssh_acl: str | None = None
    ssh_acl_line: Line | None = None
    telnet_acl: str | None = None
    login_lockout: bool | None = None  # None = platform default
    login_lockout_lines: list[Line] = field(default_factory=list)
    login_attempts: int | None = None
    users: list[LocalUser] = field(default_factory=list)
    enable_secret_lines: list[tuple[PasswordStorage, Line]] = field(default_factory=list)
    password_expiry_days: int | None = None  # 0 = never expires
    password_expiry_line: Line | None = None
    central_aaa_lines: list[Line] = field(default_factory=list)
    aaa_login_uses_central: bool = False
    command_accounting_lines: list[Line] = field(default_factory=list)
    snmp: Snmp = field(default_factory=Snmp)
    loghosts: list[Server] = field(default_factory=list)
    ntp_servers: list[Server] = field(default_factory=list)
    interfaces: list[IfConfig] = field(default_factory=list)
    static_routes: list[StaticRoute] = field(default_factory=list)
    vpn_instances: dict[str, VpnInstance] = field(default_factory=dict)
    route_leak_lines: list[Line] = field(default_factory=list)  # import-rib, route-replicate...
    policy_rules: list[PolicyRule] = field(default_factory=list)
    policy_default: tuple[Literal["permit", "deny"], Line] | None = None
    wlan_services: list[WlanService] = field(default_factory=list)
