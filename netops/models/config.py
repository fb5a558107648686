"""Running configuration and the state of its backups."""

from __future__ import annotations

from datetime import datetime

from pydantic import ConfigDict, Field

from netops.models.base import Record


class RunningConfig(Record):
    """A device's running configuration as fetched (secrets masked before storing)."""

    text: str
    saved_differs: bool | None = Field(None, description="Unsaved changes, when the device tells")


class ConfigBackupStatus(Record):
    """Where a device's config backup stands."""

    last_attempt: datetime | None = None
    last_success: datetime | None = None
    error: str | None = None
    revision: str | None = Field(None, description="History revision of the newest backup")
    changed: bool = Field(
        False, description="The last successful backup differed from the one before"
    )
    change_count: int = Field(
        0, ge=0, description="Changes detected since the first backup (netops_config_changes_total)"
    )

    model_config = ConfigDict(
        json_schema_extra={
            "example": {
                "device": "core-1",
                "last_attempt": "2026-11-22T02:00:05Z",
                "last_success": "2026-11-22T02:00:05Z",
                "error": None,
                "revision": "3d77dd80e0f5a3a963a03ca41741350b663a2912",
                "changed": True,
                "change_count": 4,
            }
        }
    )
