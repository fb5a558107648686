"""What a device sees around it: LLDP neighbours, ARP entries."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from netops.models.base import Record


class LldpNeighbor(Record):
    """One LLDP remote entry, as seen from ``device`` on ``local_interface``."""

    local_interface: str
    remote_chassis_id: str | None = None
    remote_port_id: str | None = None
    remote_port_description: str | None = None
    remote_system_name: str | None = None
    remote_mgmt_address: str | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "agg-jiefang",
                "local_interface": "GigabitEthernet0/0/1",
                "remote_chassis_id": "f4:de:af:10:00:01",
                "remote_port_id": "XGigabitEthernet1/0/1",
                "remote_system_name": "core-1",
                "remote_mgmt_address": "10.1.240.1",
            }
        }
    )


class ArpEntry(Record):
    """An IP-to-MAC binding (ipNetToPhysicalTable, ``display arp all``)."""

    ip: str
    mac: str
    interface: str | None = None
    vrf: str | None = Field(None, description="None = global table")
    entry_type: str | None = Field(None, description="dynamic, static, local, ...")
