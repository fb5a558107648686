"""Who a device is: system group, version, physical entities."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from netops.models.base import Record


class SystemInfo(Record):
    """SNMPv2-MIB system group plus the identities isolation checks compare (IS-02)."""

    sys_name: str | None = None
    sys_descr: str | None = None
    sys_object_id: str | None = None
    uptime_seconds: float | None = Field(None, description="sysUpTime; a drop means a reboot")
    contact: str | None = None
    location: str | None = None
    chassis_id: str | None = Field(None, description="LLDP local chassis ID (usually a MAC)")
    serial: str | None = Field(None, description="Chassis entPhysicalSerialNum")

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "core-1",
                "sys_name": "core-1",
                "sys_descr": "Huawei Versatile Routing Platform Software VRP (R) software, Version 5.170",
                "sys_object_id": "1.3.6.1.4.1.2011.2.23.563",
                "uptime_seconds": 8640000.0,
                "chassis_id": "f4:de:af:10:00:01",
                "serial": "2102113089P0B3000123",
            }
        }
    )


class DeviceVersion(Record):
    """What software a device runs (``display version`` / ``show version``)."""

    vendor: str
    os: str = Field(description="e.g. VRP, Comware, IOS, Linux")
    version: str
    model: str | None = None
    patch: str | None = None
    uptime: str | None = Field(None, description="As the device prints it")


class Entity(Record):
    """A row of ENTITY-MIB entPhysicalTable."""

    index: int
    description: str | None = None
    entity_class: str = Field(description="chassis, module, powerSupply, fan, sensor, port, ...")
    name: str | None = None
    serial: str | None = None
    model: str | None = None
    hardware_rev: str | None = None
    software_rev: str | None = None


class NtpStatus(Record):
    """Clock synchronisation as the device reports it (``display ntp-service status``, ``show ntp status``)."""

    synchronized: bool
    stratum: int | None = Field(None, description="16 = unsynchronised")
    reference: str | None = Field(None, description="Reference clock / server address")
    offset_ms: float | None = None

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "core-1",
                "synchronized": True,
                "stratum": 3,
                "reference": "10.250.1.20",
                "offset_ms": 0.42,
            }
        }
    )
