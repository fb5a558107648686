"""CPU, memory and temperature, per physical entity."""

from __future__ import annotations

from pydantic import ConfigDict, Field

from netops.models.base import Record


class EntityHealth(Record):
    """Health of one board/chassis (hwEntityStateTable, hh3cEntityExtStateTable, Cisco, HOST-RESOURCES)."""

    entity_index: int = Field(0, description="entPhysicalIndex; 0 when the device has one entity")
    entity_name: str | None = None
    cpu_percent: float | None = None
    memory_percent: float | None = None
    temperature_celsius: float | None = None
    standby_status: str | None = Field(None, description="e.g. providingService, hotStandby")

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "core-1",
                "entity_index": 16842753,
                "entity_name": "MPU Board 7",
                "cpu_percent": 12.0,
                "memory_percent": 41.0,
                "temperature_celsius": 38.0,
                "standby_status": "providingService",
            }
        }
    )
