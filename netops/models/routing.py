"""Routing: VRFs and route targets, routes per VRF, BGP peers, VRRP."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from netops.models.base import Record


class Vrf(Record):
    """A VPN instance with its route distinguisher and route targets."""

    name: str
    rd: str | None = None
    import_targets: tuple[str, ...] = ()
    export_targets: tuple[str, ...] = ()
    interfaces: tuple[str, ...] = Field((), description="Interfaces bound to this VRF")
    description: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "core-1",
                "name": "ZW_PUBLIC",
                "rd": "65000:10",
                "import_targets": ["65000:10"],
                "export_targets": ["65000:10"],
                "interfaces": ["Vlanif210"],
            }
        }
    )


class Route(Record):
    """One route of a routing table (global when ``vrf`` is None)."""

    vrf: str | None = None
    prefix: str = Field(description="Network with prefix length, e.g. 0.0.0.0/0")
    next_hop: str | None = None
    next_hop_vrf: str | None = Field(
        None, description="For a cross-VRF route, the VRF of the next hop; 'public' = global table"
    )
    interface: str | None = None
    protocol: str = Field(description="static, direct, ospf, bgp, ...")
    preference: int | None = None
    metric: int | None = None


class BgpPeer(Record):
    """A BGP session."""

    peer_address: str
    remote_as: int | None = None
    state: str = Field(description="idle, connect, active, opensent, openconfirm, established")
    vrf: str | None = None
    uptime_seconds: float | None = None


class VrrpGroup(Record):
    """A VRRP virtual router as one member sees it."""

    interface: str | None = None
    vrid: int
    state: str = Field(description="initialize, backup, master")
    priority: int | None = None
    virtual_ip: str | None = None
