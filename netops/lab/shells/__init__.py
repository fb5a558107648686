"""Simulated CLIs, one per platform; :func:`shell_for` picks the device's."""

from __future__ import annotations

from netops.inventory import Platform
from netops.lab.shells.base import Shell
from netops.lab.state import Lab, LabDevice


def shell_for(lab: Lab, dev: LabDevice, username: str) -> Shell:
    from netops.lab.shells.comware import ComwareShell
    from netops.lab.shells.huawei import HuaweiShell
    from netops.lab.shells.ios import IosShell
    from netops.lab.shells.linux import LinuxShell

    cls: type[Shell] = {
        Platform.HUAWEI_VRP: HuaweiShell,
        Platform.HUAWEI_USG: HuaweiShell,
        Platform.HP_COMWARE: ComwareShell,
        Platform.CISCO_IOS: IosShell,
    }.get(dev.platform, LinuxShell)
    return cls(lab, dev, username)


__all__ = ["Shell", "shell_for"]
