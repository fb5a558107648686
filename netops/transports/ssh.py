"""SSH sessions to devices with netmiko's real device types; failures become TransportError.

Platform -> netmiko device type (the ``cli.device_type`` of a collection profile may
override it):

- ``huawei_vrp`` -> ``huawei`` (VRP5; VRP8 boxes use ``huawei_vrpv8`` in their profile);
- ``huawei_usg`` -> ``huawei``: the USG6000 firewalls run VRP's CLI (``<name>`` / ``[name]``
  prompts, ``screen-length 0 temporary`` to stop paging, ``display ...`` commands), which is
  exactly what netmiko's HuaweiSSH drives; netmiko has no USG-specific class and needs none;
- ``hp_comware`` -> ``hp_comware``; ``cisco_ios`` -> ``cisco_ios``; ``linux`` -> ``linux``.

Paging is turned off by netmiko's session preparation for each type (``screen-length 0
temporary``, ``screen-length disable``, ``terminal length 0``). Timeouts: ``timeout``
covers TCP connect, banner and authentication; ``command_timeout`` one command's output.

Secrets: the password only reaches paramiko. Device output never reaches the logs:
netmiko logs everything it reads at DEBUG (a running config with its secrets), so
records of the ``netmiko`` logger below INFO are dropped (see :class:`_NoDeviceOutput`).
"""

from __future__ import annotations

import contextlib
import logging
import socket
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


def classify(exc: BaseException, target: SshTarget) -> TransportError:
    """A TransportError with reason auth / timeout / refused / unreachable / malformed / error."""
    from netmiko.exceptions import (
        NetmikoAuthenticationException,
        NetmikoTimeoutException,
        ReadTimeout,
    )
    from paramiko.ssh_exception import SSHException

    where = f"{target.username}@{target.host}:{target.port}"
    chain = _chain(exc)
    reason, what = "error", f"{type(exc).__name__}"
    if any(isinstance(e, NetmikoAuthenticationException) for e in chain):
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
    ) -> None:
        self.target = target
        self.device_type = device_type or DEVICE_TYPES.get(target.platform, target.platform)
        self.timeout = timeout
        self.command_timeout = command_timeout
        self._conn: Any = None

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
        try:
            self._conn = ConnectHandler(**params)
        except Exception as exc:
            raise classify(exc, t) from None
        return self

    def send(self, command: str, *, timeout: float | None = None) -> str:
        """The output of ``command`` (paging off, prompt and echo stripped)."""
        if self._conn is None:
            self.connect()
        try:
            output = self._conn.send_command(
                command,
                read_timeout=timeout or self.command_timeout,
                strip_prompt=True,
                strip_command=True,
            )
        except Exception as exc:
            raise classify(exc, self.target) from None
        return str(output)

    def close(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(Exception):  # the session is over either way
                self._conn.disconnect()
            self._conn = None

    def __enter__(self) -> SshSession:
        return self.connect()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
