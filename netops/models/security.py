"""Firewalls and HA state of paired boxes."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from netops.models.base import Record


class FirewallRule(Record):
    """A security policy rule in evaluation order (the default action is the last rule)."""

    name: str
    position: int
    action: Literal["permit", "deny"]
    source_zones: tuple[str, ...] = Field((), description="Empty = any")
    destination_zones: tuple[str, ...] = ()
    source_addresses: tuple[str, ...] = ()
    destination_addresses: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    profiles: tuple[str, ...] = Field((), description="Security profiles, e.g. 'ips default'")
    enabled: bool = True
    hit_count: int | None = None
    is_default: bool = Field(False, description="The implicit default action")


class HaState(Record):
    """HA state of a paired box (Huawei HRP, stacking, VRRP summary)."""

    mechanism: str = Field(description="hrp, css, irf, vrrp, ...")
    role: str = Field(description="active, standby, master, backup, ...")
    peer_role: str | None = None
    peer_reachable: bool | None = None
    detail: str | None = None
