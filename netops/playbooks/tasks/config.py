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


def unsupported_platform(device: Device, platforms: object) -> str | None:
    """Why ``device`` cannot get config lines (no dialect, or none written for its platform)."""
    platform = device.platform.value
    if configtree.dialect_of(platform) is None:
        return f"netops does not change the configuration of {platform} devices"
    if isinstance(platforms, dict) and device.platform not in platforms:
        written = ", ".join(sorted(p.value for p in platforms)) or "none"
        return f"no config lines for platform {platform} (written for: {written})"
    return None


@register
class ConfigTask(Task):
    name = "config"
    description = "Config lines per platform (indented snippet; sent only when the run commits)"
    kind = "config"
    Args = ConfigArgs

    def unsupported(self, device: Device, args: ConfigArgs) -> str | None:
        return unsupported_platform(device, args.lines)

    def plan(self, ctx: DeviceContext, args: ConfigArgs) -> ConfigPlan:
        assert ctx.dialect is not None
        text = render(args.lines[ctx.device.platform], ctx.values)
        commands = configtree.snippet_commands(text, ctx.dialect)
        return ConfigPlan(commands, f"{len(commands)} config line(s)")
