"""SSH sessions to devices with netmiko's real device types; failures become TransportError.

Platform -> netmiko device type (the ``cli.device_type`` of a collection profile may
override it):

- ``huawei_vrp`` -> ``huawei`` (VRP5; VRP8 boxes use ``huawei_vrpv8`` in their profile);
- ``huawei_usg`` -> ``huawei``: the USG6000 firewalls run VRP's CLI (``<name>`` / ``[name]``
  prompts, ``screen-length 0 temporary`` to stop paging, ``display ...`` commands), which is
  exactly what netmiko's HuaweiSSH drives; netmiko has no USG-specific class and needs none;
- ``hp_comware`` -> ``hp_comware``; ``cisco_ios`` -> ``cisco_ios`` (a login that lands in
  user EXEC is taken to privileged EXEC with the auth profile's ``enable_secret``);
  ``linux`` -> ``linux``.

Paging is turned off by netmiko's session preparation for each type (``screen-length 0
temporary``, ``screen-length disable``, ``terminal length 0``). Timeouts: ``timeout``
covers TCP connect, banner and authentication; ``command_timeout`` one command's output.

Host keys: with ``known_hosts`` (setting ``ssh.known_hosts``, an OpenSSH known_hosts file)
the server's key must be listed for its address (``[host]:port`` for ports other than 22):
an unknown host or a changed key is refused with reason ``auth`` and a message that says
which. Without it any host key is accepted (paramiko's AutoAddPolicy, in memory only):
fine for the lab, a man-in-the-middle risk on a real network -- set ``ssh.known_hosts``
in production (``ssh-keyscan`` the devices once, review, then keep the file with the
inventory's secrets).

Closing: netmiko's own ``disconnect()`` first checks for config mode by waiting ~2 s for
output that never comes (VRP/USG); a session that never entered config mode just sends the
platform's logout command and closes the channel, which saves those 2 s per device.

Secrets: the password only reaches paramiko. Device output never reaches the logs:
netmiko logs everything it reads at DEBUG (a running config with its secrets), so
records of the ``netmiko`` logger below INFO are dropped (see :class:`_NoDeviceOutput`).
"""

from __future__ import annotations

import contextlib
import logging
import re
import socket
from pathlib import Path
from types import TracebackType
from typing import Any

from netops.errors import TransportError
from netops.transports.targets import SshTarget

DEVICE_TYPES: dict[str, str] = {
    "huawei_vrp": "huawei",
    "huawei_usg": "huawei",
    "hp_comware": "hp_comware",
    "cisco_ios": "cisco_ios",
    "linux": "linux",
}


#: What ends a CLI session in user view, per netmiko device type (default: ``exit``).
LOGOUT: dict[str, str] = {"huawei": "quit", "huawei_vrpv8": "quit", "hp_comware": "quit"}


class _NoDeviceOutput(logging.Filter):
    """Drop netmiko's DEBUG records: they carry raw device output (unmasked configs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.INFO


def _quiet_netmiko() -> None:
    logger = logging.getLogger("netmiko")
    if not any(isinstance(f, _NoDeviceOutput) for f in logger.filters):
        logger.addFilter(_NoDeviceOutput())


def _chain(exc: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in seen:
        seen.append(current)
        # paramiko's NoValidConnectionsError keeps each address's socket error in .errors
        seen.extend(
            e for e in getattr(current, "errors", {}).values() if isinstance(e, BaseException)
        )
        current = current.__cause__ or current.__context__
    return seen


def _prompt_based_config_check(conn: Any) -> None:
    """Make netmiko's Huawei driver find config mode by the prompt, as its Comware driver does.

    ``HuaweiBase.check_config_mode`` drops its ``pattern`` argument, so every check waits
    ~2.2 s for output that never comes; entering and leaving config mode checks four
    times (~9 s per ``send_config``). Reading up to the prompt's last character (``>``
    user view, ``]`` system view) is as reliable and immediate.
    """
    from netmiko.base_connection import BaseConnection

    def check(check_string: str = "]", pattern: str = "", force_regex: bool = False) -> bool:
        return BaseConnection.check_config_mode(conn, check_string="]", pattern=r"[>\]]\s*$")

    conn.check_config_mode = check


#: What ends a prompt after its base (netmiko's ``base_prompt``): VRP/Comware ``>``/``]``,
#: IOS ``#``/``>`` (config modes: ``(config-if)#``), Linux ``$``/``#``.
_TERMINATOR = r"(?:\([\w-]+\))?[>\]#$]"


def _drop_stale_prompts(output: str, base_prompt: str, command: str = "") -> str:
    """Leading lines that are only a prompt (left over from the login), or the command's
    echo behind the remains of one (netmiko strips ``<name`` of ``<name>display ...`` on a
    session's first command, leaving ``>display ...``), are not output."""
    if not base_prompt:
        return output
    stale = re.compile(rf"\s*(?:HRP_\w)?[<\[]?{re.escape(base_prompt)}{_TERMINATOR}\s*")
    echo = (
        re.compile(
            rf"\s*(?:(?:HRP_\w)?[<\[]?{re.escape(base_prompt)})?{_TERMINATOR}\s*{re.escape(command)}\s*"
        )
        if command
        else None
    )
    lines = output.split("\n")
    while len(lines) > 1 and (stale.fullmatch(lines[0]) or (echo and echo.fullmatch(lines[0]))):
        lines.pop(0)
    return "\n".join(lines)


def classify(exc: BaseException, target: SshTarget) -> TransportError:
    """A TransportError with reason auth / timeout / refused / unreachable / malformed / error."""
    from netmiko.exceptions import (
        NetmikoAuthenticationException,
        NetmikoTimeoutException,
        ReadTimeout,
    )
    from paramiko.ssh_exception import BadHostKeyException, SSHException

    where = f"{target.username}@{target.host}:{target.port}"
    chain = _chain(exc)
    reason, what = "error", f"{type(exc).__name__}"
    text_chain = " ".join(str(e) for e in chain)
    if any(isinstance(e, BadHostKeyException) for e in chain):
        reason, what = (
            "auth",
            "host key does not match known_hosts (changed key or man in the middle)",
        )
    elif "not found in known_hosts" in text_chain:
        reason, what = "auth", "host key unknown: the host is not in the known_hosts file"
    elif any(isinstance(e, NetmikoAuthenticationException) for e in chain):
        reason, what = "auth", "authentication failed"
    elif any(isinstance(e, ConnectionRefusedError) for e in chain):
        reason, what = "refused", "connection refused"
    elif any(isinstance(e, ReadTimeout) for e in chain):
        reason, what = "timeout", "no complete answer to a command in time"
    elif any(isinstance(e, socket.timeout | TimeoutError) for e in chain):
        reason, what = "timeout", "timed out"
    elif any(isinstance(e, NetmikoTimeoutException) for e in chain):
        text = str(exc).lower()
        if "refused" in text:
            reason, what = "refused", "connection refused"
        else:
            reason, what = "timeout", "timed out connecting"
    elif any(isinstance(e, OSError) and not isinstance(e, SSHException) for e in chain):
        reason, what = (
            "unreachable",
            next((str(e.strerror or e) for e in chain if isinstance(e, OSError)), "unreachable"),
        )
    elif any(isinstance(e, SSHException | EOFError) for e in chain):
        reason, what = "malformed", "SSH protocol error"
    message = f"ssh {where}: {what}"
    if target.password:
        message = message.replace(target.password, "***")
    return TransportError(reason, message)


class SshSession:
    """One CLI session (a context manager): connect, send commands, disconnect."""

    def __init__(
        self,
        target: SshTarget,
        device_type: str | None = None,
        *,
        timeout: float = 20.0,
        command_timeout: float = 120.0,
        known_hosts: Path | str | None = None,
    ) -> None:
        self.target = target
        self.device_type = device_type or DEVICE_TYPES.get(target.platform, target.platform)
        self.timeout = timeout
        self.command_timeout = command_timeout
        self.known_hosts = Path(known_hosts) if known_hosts else None
        self._conn: Any = None
        self._configured = False  # entered config mode: close with netmiko's full cleanup

    def connect(self) -> SshSession:
        from netmiko import ConnectHandler

        _quiet_netmiko()
        t = self.target
        params: dict[str, Any] = {
            "device_type": self.device_type,
            "host": t.host,
            "port": t.port,
            "username": t.username,
            "password": t.password or "",
            "conn_timeout": self.timeout,
            "auth_timeout": self.timeout,
            "banner_timeout": self.timeout,
            "read_timeout_override": None,
            "allow_agent": False,
            "ssh_config_file": None,
            "session_log": None,
            "fast_cli": True,
        }
        if t.key_file:
            params.update(use_keys=True, key_file=t.key_file)
        if t.enable_secret:
            params["secret"] = t.enable_secret
        if self.known_hosts is not None:
            if not self.known_hosts.is_file():
                raise TransportError(
                    "auth", f"ssh {t.host}:{t.port}: known_hosts file {self.known_hosts} not found"
                )
            params.update(ssh_strict=True, alt_host_keys=True, alt_key_file=str(self.known_hosts))
        try:
            self._conn = ConnectHandler(**params)
        except Exception as exc:
            raise classify(exc, t) from None
        if self.device_type in ("huawei", "huawei_vrpv8"):
            _prompt_based_config_check(self._conn)
        if self.device_type.startswith("cisco"):
            self._enable()
        return self

    def _enable(self) -> None:
        """Cisco: reach privileged EXEC (``#``) when the login lands in user EXEC (``>``).

        With AAA the usual login is straight to level 15; otherwise the auth profile's
        ``enable_secret`` is sent. No secret, or a refused one, is an ``auth`` failure:
        ``show running-config`` needs privileged EXEC.
        """
        try:
            if self._conn.check_enable_mode():
                return
            if not self.target.enable_secret:
                raise TransportError(
                    "auth",
                    f"ssh {self.target.host}:{self.target.port}: the login lands in user EXEC "
                    "and no enable_secret is configured for it",
                )
            self._conn.enable()
        except TransportError:
            self.close()
            raise
        except Exception as exc:
            self.close()
            reason = "auth" if isinstance(exc, ValueError) else classify(exc, self.target).reason
            raise TransportError(
                reason, f"ssh {self.target.host}:{self.target.port}: enable refused"
            ) from None

    def _end_of_output(self) -> str:
        """The prompt *at the end* of what was read: a prompt left over from the login (a
        slow device prints it after netmiko cleared its buffer) sits before the command's
        echo and must not end the read -- netmiko's own prompt search takes it, returning
        an empty output. The prompt's terminator is required (``<core-1>``, ``[core-1]``,
        ``edge-br-1#``, ``[netops@dc-db-1 ~]$``): a config line ending in the bare name
        (``sysname core-1``) at a read boundary must not end the read either. Anchoring
        at the end also spares netmiko's extra prompt probe per command."""
        prompt = re.escape(str(self._conn.base_prompt).strip())
        return rf"{prompt}{_TERMINATOR}\s*$"

    def send(self, command: str, *, timeout: float | None = None) -> str:
        """The output of ``command`` (paging off, prompt and echo stripped)."""
        if self._conn is None:
            self.connect()
        try:
            output = str(
                self._conn.send_command(
                    command,
                    expect_string=self._end_of_output(),
                    read_timeout=timeout or self.command_timeout,
                    strip_prompt=True,
                    strip_command=True,
                )
            )
        except Exception as exc:
            raise classify(exc, self.target) from None
        return _drop_stale_prompts(output, str(self._conn.base_prompt).strip(), command)

    def send_config(self, commands: list[str], *, error_pattern: str | None = None) -> str:
        """Enter config mode, send ``commands`` (each echo verified), leave config mode.

        A command the device refuses (``error_pattern`` matched in its output) raises
        ``TransportError("rejected", ...)`` naming the command by position and first
        word only -- a command may carry a secret -- and the device's error line.
        """
        from netmiko.exceptions import ConfigInvalidException

        if self._conn is None:
            self.connect()
        self._configured = True
        try:
            output = self._conn.send_config_set(
                commands,
                cmd_verify=True,
                error_pattern=f"(?:{error_pattern}).*" if error_pattern else "",
                read_timeout=self.command_timeout,
            )
        except ConfigInvalidException as exc:
            raise self._rejected(commands, str(exc), error_pattern) from None
        except Exception as exc:
            raise classify(exc, self.target) from None
        return str(output)

    def _rejected(
        self, commands: list[str], message: str, error_pattern: str | None
    ) -> TransportError:
        failed = message.partition("at command: ")[2].partition(", matched error")[0]
        index = next((i for i, c in enumerate(commands) if c == failed), None)
        words = (failed or "?").split()[0]
        which = f"command {index + 1} of {len(commands)}" if index is not None else "a command"
        error = (message.partition("matched error: ")[2].strip().splitlines() or [""])[0]
        t = self.target
        return TransportError(
            "rejected",
            f"ssh {t.username}@{t.host}:{t.port}: device rejected {which} ('{words} ...'): {error}",
        )

    def save_config(self) -> str:
        """Save the running configuration (answers the platform's confirmation)."""
        if self._conn is None:
            self.connect()
        try:
            return str(self._conn.save_config())
        except NotImplementedError:
            raise TransportError(
                "error", f"saving the configuration is not supported on {self.device_type}"
            ) from None
        except Exception as exc:
            raise classify(exc, self.target) from None

    def close(self) -> None:
        if self._conn is None:
            return
        conn, self._conn = self._conn, None
        with contextlib.suppress(Exception):  # the session is over either way
            if self._configured:
                conn.disconnect()
            else:
                conn.write_channel(LOGOUT.get(self.device_type, "exit") + conn.RETURN)
                conn.paramiko_cleanup()

    def __enter__(self) -> SshSession:
        return self.connect()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
