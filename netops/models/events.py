"""Events: traps, config changes, failovers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from netops.models.findings import Severity


class Event(BaseModel):
    """Something that happened, at a time, possibly on a device."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: datetime
    kind: str = Field(description="trap.linkDown, config.changed, db.failover, ...")
    device: str | None = None
    severity: Severity = "info"
    summary: str
    details: dict[str, Any] = Field(default_factory=dict)
