"""Playbook runs as audited: who ran what, how, on which devices, and what happened to each."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

RunMode = Literal["read_only", "dry_run", "commit"]
RunStatus = Literal["running", "ok", "partial", "failed", "rollback_failed", "interrupted"]
DeviceStatus = Literal[
    "ok",  # read-only steps done
    "dry_run",  # a change was planned and shown, nothing sent
    "unchanged",  # the device already is as the playbook wants: nothing to send
    "committed",  # sent, post-checks passed (and saved when the playbook saves)
    "rolled_back",  # sent, then restored: a command was rejected or a post-check failed
    "rollback_failed",  # sent, and the restore did not bring the old config back: LOOK AT IT
    "failed",  # nothing was changed: pre-check failed, unreachable, bad output...
    "skipped",  # not started: the run stopped after too many failures
]
#: Statuses that count as a failed device (for stop-on-failure and the run's status).
FAILED_STATUSES: frozenset[str] = frozenset({"failed", "rolled_back", "rollback_failed"})


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CheckResult(_Frozen):
    """One pre- or post-check on one device; ``ok`` None = not evaluated (see message)."""

    phase: Literal["pre_checks", "post_checks"]
    task: str
    name: str | None = None
    ok: bool | None
    message: str


class StepResult(_Frozen):
    """One step on one device."""

    task: str
    name: str | None = None
    ok: bool
    summary: str
    data: dict[str, Any] = Field(default_factory=dict)


class RollbackResult(_Frozen):
    """What a restore of the pre-change configuration did."""

    ok: bool = Field(description="The running config equals the pre-change config again")
    trigger: str = Field(description="Why: the rejected command or the failed post-check")
    commands: tuple[str, ...] = Field((), description="What was sent to restore (masked)")
    errors: tuple[str, ...] = Field((), description="Restore commands the device rejected")
    residual: tuple[str, ...] = Field(
        (), description="Lines still different from the pre-change config (view > line)"
    )


class DeviceRunResult(_Frozen):
    """What one run did to one device."""

    device: str
    status: DeviceStatus
    changed: bool = Field(False, description="The device's config differs from before the run")
    reason: str | None = Field(None, description="timeout, auth, rejected, check, ...")
    error: str | None = Field(None, description="What went wrong, in one line")
    started_at: datetime | None = None
    finished_at: datetime | None = None
    commands: tuple[str, ...] = Field(
        (), description="Config lines sent (commit) or that would be sent (dry-run), masked"
    )
    predicted_diff: str | None = Field(
        None, description="Running config -> predicted candidate (unified diff, masked)"
    )
    actual_diff: str | None = Field(
        None, description="Commit: config before -> right after sending (unified diff, masked)"
    )
    checks: tuple[CheckResult, ...] = ()
    steps: tuple[StepResult, ...] = ()
    rollback: RollbackResult | None = None
    saved: bool | None = Field(None, description="Commit: the config was saved (startup)")


class PlaybookRun(_Frozen):
    """One run of a playbook: the audit record."""

    id: str
    playbook: str
    playbook_sha256: str = Field(description="Digest of the playbook file that ran")
    mode: RunMode
    actor: str = Field(description="Who: user@host (CLI), token name (API), alertmanager")
    source: Literal["cli", "api", "webhook", "scheduler"]
    reason: str | None = None
    parameters: dict[str, Any] = Field(default_factory=dict, description="Secrets as ***")
    targets: tuple[str, ...] = Field((), description="Targets as asked (--target)")
    devices: tuple[str, ...] = Field((), description="Devices the targets resolved to")
    status: RunStatus
    started_at: datetime
    finished_at: datetime | None = None
    counts: dict[str, int] = Field(default_factory=dict, description="Devices by status")
    error: str | None = None
    bundle: str | None = Field(None, description="File name of the output bundle, if any")
    runner: str | None = Field(
        None, description="host:pid of the process that ran it (finds runs a crash left open)"
    )
    results: tuple[DeviceRunResult, ...] = ()

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={
            "example": {
                "id": "3f9c2a7b41d0",
                "playbook": "shutdown-port",
                "playbook_sha256": "9b1d…",
                "mode": "commit",
                "actor": "zhang@noc-1",
                "source": "cli",
                "reason": "rogue AP on acc-jiefang-01 GE0/0/5 (IS-01, ticket 2291)",
                "parameters": {"interface": "GigabitEthernet0/0/5"},
                "targets": ["acc-jiefang-01"],
                "devices": ["acc-jiefang-01"],
                "status": "ok",
                "started_at": "2026-11-22T02:00:05Z",
                "finished_at": "2026-11-22T02:00:09Z",
                "counts": {"committed": 1},
                "results": [
                    {
                        "device": "acc-jiefang-01",
                        "status": "committed",
                        "changed": True,
                        "commands": [
                            "interface GigabitEthernet0/0/5",
                            "shutdown",
                            "description netops shutdown-port 3f9c2a7b41d0",
                        ],
                        "saved": True,
                    }
                ],
            }
        },
    )
