"""Running configuration and the state of its backups."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

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
    changed: bool = False
