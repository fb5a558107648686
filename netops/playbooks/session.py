"""A CLI session to one device as the runner uses it: show commands, config lines, save.

:class:`DeviceSession` is what the runner and tasks need; :class:`SshDeviceSession` does it
over SSH with netmiko's real device types (through :class:`netops.transports.ssh.SshSession`).
Config lines are sent one at a time in config mode, each checked against the platform's
error pattern, so when a device rejects one the runner knows exactly which lines took
effect (and restores the configuration from before).
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from netops.collectors.cli import CliSection
from netops.collectors.targets import ssh_target
from netops.credentials import Secrets
from netops.endpoints import DeviceEndpoints
from netops.errors import PlaybookError
from netops.inventory import Device, Inventory
from netops.settings import Settings, SshSettings
from netops.transports.ssh import SshSession, classify
from netops.transports.targets import SshTarget


@dataclass(frozen=True)
class PlatformCli:
    """How a platform's CLI says no, and a harmless command to prove a session works.

    The commands that read the running configuration come from the platform's collection
    profile (``collectors/<platform>.yaml``, record ``config``), as for backups.
    """

    error: str | None
    probe: str
    dialect: str = "vrp"


PLATFORM_CLI: dict[str, PlatformCli] = {
    # "Error: Unrecognized command found at '^' position." / "Error:Wrong parameter ..."
    "huawei_vrp": PlatformCli(r"^\s*Error\s*:", "display clock"),
    "huawei_usg": PlatformCli(r"^\s*Error\s*:", "display clock"),
    # "% Unrecognized command found at '^' position." (log lines are "%Mar  1 ...": no space)
    "hp_comware": PlatformCli(r"^\s*% ", "display clock", "comware"),
    # "% Invalid input detected at '^' marker." / "% Incomplete command."
    "cisco_ios": PlatformCli(r"^\s*% ", "show clock", "ios"),
    "linux": PlatformCli(
        r"(command not found|No such file or directory|Permission denied)$", "uptime", "linux"
    ),
}


class ConfigRejected(PlaybookError):
    """The device refused a config line; ``accepted`` lines before it took effect."""

    def __init__(self, command: str, message: str, accepted: int) -> None:
        self.command = command
        self.accepted = accepted
        super().__init__(f"device rejected {command!r}: {message}")


@dataclass
class ConfigOutcome:
    """What sending config lines did (with ``stop_on_error=False``: every error)."""

    output: str
    errors: list[tuple[str, str]] = field(default_factory=list)  # (command, error line)


class DeviceSession(Protocol):
    """One CLI session to one device."""

    def send(self, command: str) -> str:
        """The output of a show/display command."""
        ...

    def send_config(self, lines: list[str], *, stop_on_error: bool = True) -> ConfigOutcome:
        """Enter config mode, type ``lines``, leave; ConfigRejected at the first error."""
        ...

    def running_config(self) -> str:
        """The running configuration as the device prints it (not masked)."""
        ...

    def save(self) -> str:
        """Save the running configuration as the startup configuration."""
        ...

    def close(self) -> None: ...


SessionFactory = Callable[[Device], DeviceSession]


def first_error(output: str, pattern: str | None) -> str | None:
    """The first line of ``output`` that is a device error, or None."""
    if not pattern:
        return None
    match = re.search(pattern + r".*$", output, flags=re.M)
    return match.group(0).strip() if match else None


def _without_echo(output: str, command: str) -> str:
    """The output without a leading echo of its command (a prompt remnant such as
    ``>display current-configuration`` seen on a session's first Comware command): the
    runner compares two reads of a config, and an echo in one of them is not config."""
    first, _, rest = output.partition("\n")
    return rest if first.rstrip().endswith(command) else output


class SshDeviceSession:
    """A :class:`DeviceSession` over SSH (netmiko), with the platform's profile device type."""

    def __init__(
        self,
        target: SshTarget,
        device_type: str | None,
        config_commands: list[str],
        settings: SshSettings,
    ) -> None:
        self.target = target
        self.cli = PLATFORM_CLI.get(target.platform, PLATFORM_CLI["huawei_vrp"])
        self.config_commands = config_commands
        self.device_type = device_type
        self._ssh = SshSession(
            target, device_type, timeout=settings.timeout, command_timeout=settings.command_timeout
        )
        self._timeout = settings.command_timeout

    def _conn(self) -> Any:
        if self._ssh._conn is None:  # the transport keeps its netmiko connection private
            self._ssh.connect()
        return self._ssh._conn

    def send(self, command: str) -> str:
        return self._ssh.send(command)

    def running_config(self) -> str:
        if not self.config_commands:
            raise PlaybookError(
                f"{self.target.device}: the {self.target.platform} profile has no 'config' commands"
            )
        return "\n".join(_without_echo(self._ssh.send(c), c) for c in self.config_commands)

    def _prompts(self, conn: Any) -> tuple[str, str]:
        """(config-mode prompt, exec prompt) patterns for this device's base prompt.

        netmiko's own config_mode()/check_config_mode() wait for 2 s of silence on Huawei
        (a delay-based prompt check), ~4-8 s per change; explicit prompts are exact and fast.
        """
        base = re.escape(str(conn.base_prompt))
        if self.cli.dialect == "ios":
            return rf"{base}\(config[^)\r\n]*\)#", rf"{base}#"
        return rf"\[[~*]?{base}[^\]\r\n]*\]", rf"<[~*]?{base}>"

    def send_config(self, lines: list[str], *, stop_on_error: bool = True) -> ConfigOutcome:
        conn = self._conn()
        config_prompt, exec_prompt = self._prompts(conn)
        enter, leave = (
            ("configure terminal", "end")
            if self.cli.dialect == "ios"
            else ("system-view", "return")
        )

        def send(command: str, expect: str) -> str:
            return str(
                conn.send_command(
                    command,
                    expect_string=expect,
                    read_timeout=self._timeout,
                    strip_prompt=False,
                    strip_command=False,
                )
            )

        outcome = ConfigOutcome("")
        entered = False
        try:
            outcome.output += send(enter, config_prompt)
            entered = True
            for index, line in enumerate(lines):
                out = send(line, config_prompt)
                outcome.output += out
                error = first_error(out, self.cli.error)
                if error is not None:
                    outcome.errors.append((line, error))
                    if stop_on_error:
                        raise ConfigRejected(line, error, index)
            if self.device_type == "huawei_vrpv8":  # two-stage: nothing applies before commit
                outcome.output += send("commit", config_prompt)
            outcome.output += send(leave, exec_prompt)
        except ConfigRejected:
            if self.device_type == "huawei_vrpv8":
                send("clear configuration candidate", config_prompt)
            send(leave, exec_prompt)
            raise
        except Exception as exc:
            if entered:  # leave config mode if the session still works; the error is what counts
                with contextlib.suppress(Exception):
                    send(leave, exec_prompt)
            raise classify(exc, self.target) from None
        return outcome

    def save(self) -> str:
        return self._ssh.save_config()

    def close(self) -> None:
        """Log out and close. Not netmiko's disconnect(): its cleanup() first asks whether the
        session is in config mode with a delay-based read (2 s on Huawei); this session never
        leaves config mode open, so it just logs out."""
        conn = self._ssh._conn
        self._ssh._conn = None
        if conn is None:
            return
        with contextlib.suppress(Exception):
            conn.write_channel(("exit" if self.cli.dialect == "ios" else "quit") + conn.RETURN)
        with contextlib.suppress(Exception):
            conn.paramiko_cleanup()


def ssh_sessions(
    inventory: Inventory,
    settings: Settings,
    secrets: Secrets,
    endpoints: dict[str, DeviceEndpoints] | None,
    sections: dict[str, CliSection],
) -> SessionFactory:
    """Sessions to devices: address and credentials from the endpoints file or inventory+secrets,
    netmiko device type and config commands from the platform's collection profile."""

    def factory(device: Device) -> DeviceSession:
        cli = sections.get(device.platform.value)
        config = [c.command for c in cli.records.get("config", [])] if cli else []
        return SshDeviceSession(
            ssh_target(inventory, device, secrets, endpoints),
            cli.device_type if cli else None,
            config,
            settings.ssh,
        )

    return factory


def probe(session: DeviceSession, platform: str) -> str:
    """A harmless command proving the session works (``display clock``); TransportError if not."""
    return session.send(PLATFORM_CLI.get(platform, PLATFORM_CLI["huawei_vrp"]).probe)
