"""Run one command on a Linux host, here or over SSH (an exec channel, no shell prompt to parse).

Servers (database nodes, the backup server) answer plain commands such as ``ip -j addr
show`` or ``pgbackrest info --output=json``; a :class:`CommandRunner` runs one and returns
its standard output, or raises :class:`TransportError` with a poll failure reason.
"""

from __future__ import annotations

import os
import pwd
import shlex
import subprocess
from typing import Protocol

import paramiko
from paramiko.ssh_exception import NoValidConnectionsError

from netops.errors import TransportError
from netops.transports.targets import SshTarget


class CommandRunner(Protocol):
    """Runs ``argv`` on some host; ``where`` names that host in messages and records."""

    where: str

    def run(self, argv: list[str], timeout: float) -> str: ...

    def close(self) -> None: ...


class LocalRunner:
    """Runs commands on this machine, optionally as another account (when root)."""

    def __init__(self, user: str | None = None) -> None:
        self.user = user if user and os.geteuid() == 0 else None
        self.where = "local"

    def run(self, argv: list[str], timeout: float) -> str:
        env = dict(os.environ)
        if self.user:
            env["HOME"] = pwd.getpwnam(self.user).pw_dir
        try:
            done = subprocess.run(
                argv,
                capture_output=True,
                text=True,
                timeout=timeout,
                stdin=subprocess.DEVNULL,
                check=False,
                user=self.user,
                cwd="/",
                env=env,
            )
        except subprocess.TimeoutExpired:
            raise TransportError("timeout", f"{argv[0]}: no answer within {timeout:.0f}s") from None
        except OSError as exc:
            raise TransportError("error", f"{argv[0]}: cannot run: {exc.strerror}") from None
        if done.returncode != 0:
            raise TransportError(
                "error", _failed(argv, done.returncode, done.stderr or done.stdout)
            )
        return done.stdout

    def close(self) -> None:
        """Nothing to release."""


class SshRunner:
    """Runs commands on ``target`` over SSH (paramiko exec channels; password or key).

    One connection serves every command until :meth:`close`.
    """

    def __init__(self, target: SshTarget, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self.where = target.device
        self._client: paramiko.SSHClient | None = None

    def _connect(self) -> paramiko.SSHClient:
        if self._client is not None:
            return self._client
        client = paramiko.SSHClient()
        client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
        t = self.target
        try:
            client.connect(
                t.host,
                port=t.port,
                username=t.username,
                password=t.password,
                key_filename=t.key_file,
                timeout=self.timeout,
                banner_timeout=self.timeout,
                auth_timeout=self.timeout,
                look_for_keys=False,
                allow_agent=False,
            )
        except BaseException as exc:
            client.close()
            raise _transport_error(exc, t, self.timeout) from None
        self._client = client
        return client

    def run(self, argv: list[str], timeout: float) -> str:
        client = self._connect()
        t = self.target
        try:
            _stdin, stdout, stderr = client.exec_command(shlex.join(argv), timeout=timeout)
            out = stdout.read().decode("utf-8", "replace")
            err = stderr.read().decode("utf-8", "replace")
            status = stdout.channel.recv_exit_status()
        except Exception as exc:
            self.close()
            raise _transport_error(exc, t, timeout) from None
        if status != 0:
            raise TransportError("error", f"{t.device}: " + _failed(argv, status, err or out))
        return out

    def close(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None


def _transport_error(exc: BaseException, t: SshTarget, timeout: float) -> TransportError:
    if isinstance(exc, paramiko.AuthenticationException):
        return TransportError("auth", f"{t.device}: SSH login refused for {t.username}")
    if isinstance(exc, TimeoutError):
        return TransportError("timeout", f"{t.device}: SSH no answer within {timeout:.0f}s")
    if isinstance(exc, ConnectionRefusedError | NoValidConnectionsError):
        return TransportError("refused", f"{t.device}: SSH connection refused ({t.host}:{t.port})")
    if isinstance(exc, paramiko.SSHException | OSError):
        return TransportError("unreachable", f"{t.device}: SSH: {exc}")
    return TransportError("error", f"{t.device}: SSH: {exc}")


def _failed(argv: list[str], code: int, output: str) -> str:
    lines = [line for line in output.strip().splitlines() if line.strip()]
    tail = " | ".join(lines[-3:]) or "no output"
    return f"{' '.join(argv[:3])} exited {code}: {tail}"
