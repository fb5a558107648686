"""What a task is: a name, an argument schema, what it may do, and the method that does it.

Three kinds:

- ``read``: changes nothing on a device (show commands, backups, readiness questions);
- ``config``: *plans* config lines for a device; the runner predicts the diff, and sends
  the lines only in a committed run;
- ``check``: a pre- or post-check, answering ok / not ok / not evaluated.

Scope ``device`` tasks run once per device; scope ``run`` tasks once per run over every
device still standing (a backup of all targets is one history commit, not one per device).
Arguments are validated against ``Args`` when the playbook file loads; ``${param}``
templates in strings are rendered per device just before the task runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict

from netops.inventory import Device

if TYPE_CHECKING:
    from netops.playbooks.configtree import ConfigCommand
    from netops.playbooks.context import DeviceContext, RunContext


class TaskArgs(BaseModel):
    """Base of every task's argument schema (strict)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


@dataclass
class StepOutcome:
    """What a read step did on one device."""

    ok: bool
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    reason: str | None = None  # timeout, auth, rejected... when not ok


@dataclass
class ConfigPlan:
    """The commands a config step plans for one device, and what to tell people about them."""

    commands: list[ConfigCommand]
    summary: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckOutcome:
    """A check's answer; ``ok`` None = not evaluated (the message says why)."""

    ok: bool | None
    message: str


class Task:
    """Base of registered tasks (see :func:`netops.playbooks.tasks.register`)."""

    name: ClassVar[str]
    description: ClassVar[str]
    kind: ClassVar[Literal["read", "config", "check"]]
    scope: ClassVar[Literal["device", "run"]] = "device"
    Args: ClassVar[type[TaskArgs]] = TaskArgs

    def unsupported(self, device: Device, args: Any) -> str | None:
        """Why this task cannot run on ``device`` (checked before anything is sent), or None."""
        return None

    def plan(self, ctx: DeviceContext, args: Any) -> ConfigPlan:
        """``config`` tasks: the commands for this device (nothing is sent here)."""
        raise NotImplementedError

    def run(self, ctx: DeviceContext, args: Any) -> StepOutcome:
        """``read`` tasks of scope device."""
        raise NotImplementedError

    def check(self, ctx: DeviceContext, args: Any) -> CheckOutcome:
        """``check`` tasks."""
        raise NotImplementedError

    def run_all(
        self, ctx: RunContext, devices: Sequence[Device], args: Any
    ) -> dict[str, StepOutcome]:
        """``read`` tasks of scope run: one outcome per device."""
        raise NotImplementedError
