"""The registered tasks a playbook step may name (``task: config``, ``task: commands``...).

A task is a :class:`Task` subclass registered with :func:`register`; the built-in ones are
imported below. ``netops playbook tasks`` lists them with their arguments.
"""

from __future__ import annotations

from typing import TypeVar

from netops.playbooks.tasks.base import CheckOutcome, ConfigPlan, StepOutcome, Task, TaskArgs

TASKS: dict[str, Task] = {}
_T = TypeVar("_T", bound=type[Task])


def register(cls: _T) -> _T:
    """Class decorator: make the task available to playbooks under ``cls.name``."""
    if cls.name in TASKS:
        raise ValueError(f"task {cls.name!r} is registered twice")
    TASKS[cls.name] = cls()
    return cls


def _load_builtins() -> None:
    from netops.playbooks.tasks import (  # noqa: F401 - registering is the import's effect
        backup,
        checks,
        commands,
        config,
        dbha,
        remediate,
    )


_load_builtins()

__all__ = ["TASKS", "CheckOutcome", "ConfigPlan", "StepOutcome", "Task", "TaskArgs", "register"]
