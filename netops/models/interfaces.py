"""Interfaces: state, counters and the rates computed from them."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from netops.models.base import Record

OperStatus = Literal["up", "down", "testing", "unknown", "dormant", "notPresent", "lowerLayerDown"]
AdminStatus = Literal["up", "down", "testing"]


class Interface(Record):
    """IF-MIB ifTable + ifXTable for one interface (or ``display interface brief``)."""

    name: str
    if_index: int | None = None
    description: str | None = Field(None, description="ifAlias")
    admin_status: AdminStatus | None = None
    oper_status: OperStatus | None = None
    speed_bps: int | None = Field(None, description="ifHighSpeed * 1e6, else ifSpeed")
    mtu: int | None = None
    mac: str | None = None
    last_change_seconds: float | None = Field(None, description="ifLastChange as seconds of uptime")
    in_octets: int | None = Field(None, description="ifHCInOctets (64-bit)")
    out_octets: int | None = Field(None, description="ifHCOutOctets (64-bit)")
    counter_bits: Literal[32, 64] | None = Field(
        None, description="Width of the octet counters (64 = ifHC*, 32 = ifIn/OutOctets)"
    )
    in_ucast_pkts: int | None = None
    out_ucast_pkts: int | None = None
    in_errors: int | None = None
    out_errors: int | None = None
    in_discards: int | None = None
    out_discards: int | None = None
    in_bps: float | None = Field(None, description="Rate since the previous poll, bits/s")
    out_bps: float | None = Field(None, description="Rate since the previous poll, bits/s")
    in_errors_per_second: float | None = None
    out_errors_per_second: float | None = None
    addresses: tuple[str, ...] = Field((), description="IP addresses with prefix length")
    vrf: str | None = Field(None, description="VRF the interface is bound to; None = global")

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "agg-jiefang",
                "name": "GigabitEthernet0/0/1",
                "if_index": 6,
                "description": "uplink to core-1 XGigabitEthernet1/0/1",
                "admin_status": "up",
                "oper_status": "up",
                "speed_bps": 1000000000,
                "in_octets": 123456789,
                "out_octets": 987654321,
                "counter_bits": 64,
                "in_bps": 4200000.0,
                "out_bps": 3100000.0,
            }
        }
    )
