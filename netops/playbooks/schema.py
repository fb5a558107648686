"""The schema of ``playbooks/*.yaml``: one reviewed procedure per file (strict: extra="forbid").

A playbook names the devices it may touch (``targets``), the parameters it takes, and its
``pre_checks``, ``steps`` and ``post_checks``, each naming a registered task
(:mod:`netops.playbooks.tasks`) with arguments that task's own schema checks when the file
loads. ``mode: read_only`` playbooks may use only tasks that change nothing on a device;
``mode: change`` playbooks run as a dry-run unless the run asks to commit.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from netops.inventory import Platform, Role
from netops.playbooks.params import BUILTINS, ParameterSpec

_NAME = r"^[a-z0-9][a-z0-9-]*$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TargetFilter(_Strict):
    """Which devices the playbook may run on: every listed filter must match (AND)."""

    roles: tuple[Role, ...] = ()
    sites: tuple[str, ...] = ()
    zones: tuple[str, ...] = ()
    platforms: tuple[Platform, ...] = ()
    names: tuple[str, ...] = ()
    require_explicit: bool = Field(
        False, description="The run must name its targets; no target means every allowed device"
    )
    max_devices: int | None = Field(None, ge=1, description="Refuse runs over more devices")


class StepSpec(_Strict):
    """One step: a registered task and its arguments (``${param}`` templates allowed)."""

    task: str
    name: str | None = Field(None, description="What the step does, for people")
    args: dict[str, Any] = Field(default_factory=dict)


class StopOnFailure(_Strict):
    """When to stop starting devices: after ``max_failures`` failed devices (0 = never)."""

    max_failures: int = Field(1, ge=0)


class CommitPolicy(_Strict):
    """What a committed run needs and does."""

    require_reason: bool = Field(False, description="A commit needs a reason (audited)")
    save: bool = Field(
        True, description="Save the running config as the startup config once post-checks pass"
    )


class Playbook(_Strict):
    """One reviewed procedure."""

    name: str = Field(pattern=_NAME, description="Equal to the file name without .yaml")
    description: str = Field(min_length=1)
    mode: Literal["read_only", "change"]
    targets: TargetFilter = TargetFilter()
    parameters: dict[str, ParameterSpec] = Field(default_factory=dict)
    pre_checks: tuple[StepSpec, ...] = ()
    steps: tuple[StepSpec, ...] = Field(min_length=1)
    post_checks: tuple[StepSpec, ...] = ()
    concurrency: int = Field(4, ge=1, le=256, description="Devices worked on at once")
    stop_on_failure: StopOnFailure = StopOnFailure()
    commit: CommitPolicy = CommitPolicy()

    @field_validator("parameters")
    @classmethod
    def _parameter_names(cls, value: dict[str, ParameterSpec]) -> dict[str, ParameterSpec]:
        for name in value:
            if not name.isidentifier() or not name.islower():
                raise ValueError(f"parameter name {name!r}: use lower_case letters, digits, _")
            if name in BUILTINS:
                raise ValueError(f"parameter name {name!r} is built in ({BUILTINS[name]})")
        return value


Phase = Literal["pre_checks", "steps", "post_checks"]
PHASES: tuple[Phase, ...] = ("pre_checks", "steps", "post_checks")
