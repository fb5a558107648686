"""The outcome of talking to one device: a result, never an exception."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from netops.models.base import Record

FailureReason = Literal[
    "timeout", "auth", "refused", "malformed", "partial", "restarted", "unreachable", "error"
]


class PollResult(Record):
    """One poll of one device over one transport."""

    transport: Literal["snmp", "ssh", "sql", "local"]
    ok: bool
    reason: FailureReason | None = None
    error: str | None = Field(None, description="What went wrong, in one line")
    started_at: datetime
    duration_seconds: float
    overran: bool = Field(False, description="Took longer than the device's interval")
    record_counts: dict[str, int] = Field(default_factory=dict)
    warnings: tuple[str, ...] = Field(
        (), description="Rows skipped or values refused while mapping (the poll itself worked)"
    )
