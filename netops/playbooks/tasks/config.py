"""``config``: config lines per platform, written as the device prints them (an indented snippet).

    - task: config
      args:
        lines:
          huawei_vrp: |
            interface ${interface}
             shutdown

A line with indented lines under it opens a view; the runner types ``quit``/``exit`` when
the snippet leaves one. Nothing is sent here: the runner predicts the diff from these
commands and sends them only in a committed run.
"""

from __future__ import annotations

from netops.inventory import Device, Platform
from netops.playbooks import configtree
from netops.playbooks.context import DeviceContext
from netops.playbooks.params import render
from netops.playbooks.tasks import register
from netops.playbooks.tasks.base import ConfigPlan, Task, TaskArgs


class ConfigArgs(TaskArgs):
    lines: dict[Platform, str]


def unconfigurable(device: Device) -> str | None:
    """Why netops cannot change ``device``'s configuration (no config dialect), or None."""
    if configtree.dialect_of(device.platform.value) is None:
        return f"netops does not change the configuration of {device.platform.value} devices"
    return None


@register
class ConfigTask(Task):
    name = "config"
    description = "Config lines per platform (indented snippet; sent only when the run commits)"
    kind = "config"
    Args = ConfigArgs

    def unsupported(self, device: Device, args: ConfigArgs) -> str | None:
        """No config dialect, or no lines written for the device's platform."""
        problem = unconfigurable(device)
        if problem is None and device.platform not in args.lines:
            written = ", ".join(sorted(p.value for p in args.lines)) or "none"
            problem = (
                f"no config lines for platform {device.platform.value} (written for: {written})"
            )
        return problem

    def plan(self, ctx: DeviceContext, args: ConfigArgs) -> ConfigPlan:
        assert ctx.dialect is not None
        text = render(args.lines[ctx.device.platform], ctx.values)
        commands = configtree.snippet_commands(text, ctx.dialect)
        return ConfigPlan(commands, f"{len(commands)} config line(s)")
