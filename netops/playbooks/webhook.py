"""The Alertmanager webhook message (version 4), as far as netops reads it.

Alertmanager POSTs ``{"version": "4", "status": "firing", "receiver": ..., "groupLabels":
{...}, "commonLabels": {...}, "alerts": [{"status", "labels", "annotations", "startsAt",
"endsAt", "generatorURL", "fingerprint"}, ...]}``. Fields netops does not use are
ignored (Alertmanager adds some between releases); those it uses are checked.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Alert(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    status: str = Field(description="firing or resolved")
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    fingerprint: str | None = None


class AlertmanagerPayload(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    version: str = "4"
    status: str | None = None
    receiver: str | None = None
    alerts: list[Alert] = Field(max_length=1000)
