"""Records: the normalized facts every part of netops reads (defined once, here).

This package imports only the standard library and pydantic.
"""

from __future__ import annotations

from netops.models.base import Record
from netops.models.config import ConfigBackupStatus, RunningConfig
from netops.models.database import (
    DbBackup,
    DbBackupSource,
    DbBackupVerification,
    DbNodeStatus,
    ReplicationLink,
    VerifyCheck,
)
from netops.models.events import Event
from netops.models.findings import SEVERITY_ORDER, Evidence, Finding, Severity, Verdict, Waiver
from netops.models.health import EntityHealth
from netops.models.interfaces import Interface
from netops.models.poll import FailureReason, PollResult
from netops.models.routing import BgpPeer, Route, Vrf, VrrpGroup
from netops.models.security import FirewallRule, HaState
from netops.models.system import DeviceVersion, Entity, NtpStatus, SystemInfo
from netops.models.topology import ArpEntry, LldpNeighbor

#: Record kinds by the name profiles, the store and the API use for them.
RECORD_KINDS: dict[str, type[Record]] = {
    "system": SystemInfo,
    "version": DeviceVersion,
    "entity": Entity,
    "interface": Interface,
    "health": EntityHealth,
    "lldp": LldpNeighbor,
    "arp": ArpEntry,
    "vrf": Vrf,
    "route": Route,
    "bgp_peer": BgpPeer,
    "vrrp": VrrpGroup,
    "firewall_rule": FirewallRule,
    "ha_state": HaState,
    "config": RunningConfig,
    "config_backup": ConfigBackupStatus,
    "db_node": DbNodeStatus,
    "db_backup": DbBackup,
    "db_verify": DbBackupVerification,
    "ntp": NtpStatus,
}

__all__ = [
    "RECORD_KINDS",
    "SEVERITY_ORDER",
    "ArpEntry",
    "BgpPeer",
    "ConfigBackupStatus",
    "DbBackup",
    "DbBackupSource",
    "DbBackupVerification",
    "DbNodeStatus",
    "DeviceVersion",
    "Entity",
    "EntityHealth",
    "Event",
    "Evidence",
    "FailureReason",
    "Finding",
    "FirewallRule",
    "HaState",
    "Interface",
    "LldpNeighbor",
    "NtpStatus",
    "PollResult",
    "Record",
    "ReplicationLink",
    "Route",
    "Severity",
    "SystemInfo",
    "Verdict",
    "VerifyCheck",
    "Vrf",
    "VrrpGroup",
    "Waiver",
]
