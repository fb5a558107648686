"""Compliance findings and the evidence behind them."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Verdict = Literal["PASS", "FAIL", "NEEDS_EVIDENCE", "WAIVED"]
Severity = Literal["info", "warning", "major", "critical"]
SEVERITY_ORDER: dict[str, int] = {"info": 0, "warning": 1, "major": 2, "critical": 3}


class Evidence(BaseModel):
    """The exact fact that decided a verdict, with where and when it was collected."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    kind: str = Field(description="lldp, route, route_target, arp, config, rule, inventory, ...")
    device: str | None = None
    source: str = Field(description="snmp, ssh, inventory, sql, ...")
    collected_at: datetime | None = None
    text: str = Field(description="The entry as a human reads it (config lines, table row)")
    data: dict[str, Any] = Field(default_factory=dict)


class Waiver(BaseModel):
    """An accepted exception: reason, owner and expiry are all required."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    check_id: str
    target: str
    reason: str
    owner: str
    expires: datetime


class Finding(BaseModel):
    """A check's verdict on one target."""

    check_id: str
    verdict: Verdict
    severity: Severity
    target: str = Field(description="What was checked: a device, link, VRF, pair...")
    devices: tuple[str, ...] = ()
    summary: str
    evidence: tuple[Evidence, ...] = ()
    remediation: str | None = None
    waiver: Waiver | None = None
    clause: str | None = Field(
        None, description="等保 (GB/T 22239-2019) clause at the network's protection level"
    )

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "example": {
                "check_id": "IS-05",
                "verdict": "FAIL",
                "severity": "critical",
                "target": "core-1",
                "devices": ["core-1"],
                "summary": "cross-VRF static route ZW_PUBLIC -> ZW_INTERNET",
                "evidence": [
                    {
                        "kind": "config",
                        "device": "core-1",
                        "source": "ssh",
                        "collected_at": "2026-11-21T08:00:00Z",
                        "text": "ip route-static vpn-instance ZW_PUBLIC 0.0.0.0 0 vpn-instance ZW_INTERNET 10.128.16.1",
                        "data": {"line": 212},
                    }
                ],
                "remediation": "remove the route; reach other zones through the firewall",
                "clause": "8.1.3.1 a",
            }
        },
    )
