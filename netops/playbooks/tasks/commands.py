"""``commands``: show/display commands per platform; outputs go to the run's bundle (masked).

Only commands that cannot change a device are accepted, checked when the playbook loads
and again after rendering: ``display``/``ping``/``tracert`` on VRP, USG and Comware,
``show``/``ping``/``traceroute`` on IOS, and a fixed list of read-only programs on Linux
(no shell metacharacters). A command the device rejects is noted and the step goes on:
diagnostics collect what they can.
"""

from __future__ import annotations

import re
from typing import Literal

from pydantic import field_validator

from netops.errors import TransportError
from netops.inventory import Device, Platform
from netops.playbooks.context import DeviceContext
from netops.playbooks.params import render
from netops.playbooks.session import PLATFORM_CLI, first_error
from netops.playbooks.tasks import register
from netops.playbooks.tasks.base import StepOutcome, Task, TaskArgs

_READ_ONLY: dict[str, re.Pattern[str]] = {
    "vrp": re.compile(r"^(display|dis|ping|tracert)\s"),
    "ios": re.compile(r"^(show|sh|ping|traceroute)\s"),
    "linux": re.compile(
        r"^(uptime|date|hostname|uname|free|df|lsblk|who|last|ps|dmesg|ss|netstat|ethtool|"
        r"ip (-\S+ )*(addr|address|link|route|neigh|-s link)|journalctl|systemctl status|"
        r"cat /proc/\S+|top -b)(\s|$)"
    ),
}
_FAMILY = {
    "huawei_vrp": "vrp",
    "huawei_usg": "vrp",
    "hp_comware": "vrp",
    "cisco_ios": "ios",
    "linux": "linux",
}
_SHELL = re.compile(r"[;&|`$<>\\]")


def read_only_problem(platform: str, command: str) -> str | None:
    """Why ``command`` may change a ``platform`` device, or None when it is read-only."""
    family = _FAMILY.get(platform, "vrp")
    if not _READ_ONLY[family].match(command.strip() + " "):
        return f"{command!r} is not a read-only command on {platform}"
    if family == "linux" and _SHELL.search(command):
        return f"{command!r}: no shell metacharacters in Linux commands"
    return None


class CommandsArgs(TaskArgs):
    commands: dict[Platform, tuple[str, ...]]
    keep: Literal["bundle", "none"] = "bundle"

    @field_validator("commands")
    @classmethod
    def _read_only(cls, value: dict[Platform, tuple[str, ...]]) -> dict[Platform, tuple[str, ...]]:
        for platform, commands in value.items():
            for command in commands:
                problem = read_only_problem(platform.value, command)
                if problem:
                    raise ValueError(problem)
        return value


@register
class CommandsTask(Task):
    name = "commands"
    description = "Show/display commands per platform; outputs kept in the run's bundle"
    kind = "read"
    Args = CommandsArgs

    def unsupported(self, device: Device, args: CommandsArgs) -> str | None:
        if device.platform not in args.commands:
            written = ", ".join(sorted(p.value for p in args.commands))
            return f"no commands for platform {device.platform.value} (written for: {written})"
        return None

    def run(self, ctx: DeviceContext, args: CommandsArgs) -> StepOutcome:
        cli = PLATFORM_CLI.get(ctx.platform)
        collected: list[dict[str, object]] = []
        for template in args.commands[ctx.device.platform]:
            command = render(template, ctx.values)
            problem = read_only_problem(ctx.platform, command)
            if problem:
                return StepOutcome(False, problem, {"commands": collected}, reason="rejected")
            try:
                output = ctx.session().send(command)
            except TransportError as exc:
                return StepOutcome(
                    False,
                    f"{command}: {exc}",
                    {"commands": collected},
                    reason=exc.reason,
                )
            error = first_error(output, cli.error if cli else None)
            path = ctx.save_output(command, output) if args.keep == "bundle" else None
            collected.append(
                {"command": command, "bytes": len(output), "error": error, "file": path}
            )
        rejected = [c["command"] for c in collected if c["error"]]
        summary = f"{len(collected)} command(s) collected"
        if rejected:
            summary += f", {len(rejected)} rejected by the device ({', '.join(map(str, rejected))})"
        return StepOutcome(True, summary, {"commands": collected})
