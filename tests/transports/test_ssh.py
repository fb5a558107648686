"""The SSH transport against a real OpenSSH server (linux platform, key auth)."""

from __future__ import annotations

import pytest

from netops.errors import TransportError
from netops.transports.ssh import SshSession
from netops.transports.targets import SshTarget
from tests.conftest import free_port

from .conftest import Sshd

pytestmark = pytest.mark.real


def _target(sshd: Sshd, **over: object) -> SshTarget:
    values: dict[str, object] = {
        "device": "dc-db-1",
        "host": sshd.host,
        "port": sshd.port,
        "platform": "linux",
        "username": sshd.username,
        "key_file": str(sshd.key_file),
    }
    values.update(over)
    return SshTarget(**values)  # type: ignore[arg-type]


def test_runs_commands(sshd: Sshd) -> None:
    with SshSession(_target(sshd), timeout=10) as session:
        assert session.send("echo netops-$((6*7))").strip() == "netops-42"
        out = session.send("seq 1 3000")
    lines = out.strip().splitlines()
    assert lines[0] == "1" and lines[-1] == "3000" and len(lines) == 3000


def test_wrong_key_is_an_auth_failure(sshd: Sshd) -> None:
    with pytest.raises(TransportError) as info:
        SshSession(_target(sshd, key_file=str(sshd.wrong_key_file)), timeout=10).connect()
    assert info.value.reason == "auth"


def test_password_refused_is_auth_and_never_printed(sshd: Sshd) -> None:
    target = _target(sshd, key_file=None, password="S3cr3t-Pw!")
    with pytest.raises(TransportError) as info:
        SshSession(target, timeout=10).connect()
    assert info.value.reason == "auth"
    assert "S3cr3t-Pw!" not in str(info.value) and "S3cr3t-Pw!" not in repr(target)


def test_closed_port_is_refused() -> None:
    target = SshTarget("x", "127.0.0.1", "linux", "nobody", port=free_port(), password="x")
    with pytest.raises(TransportError) as info:
        SshSession(target, timeout=5).connect()
    assert info.value.reason == "refused"


def test_silent_server_times_out() -> None:
    import socket

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)  # accepts TCP, never says a word of SSH
        port = listener.getsockname()[1]
        target = SshTarget("x", "127.0.0.1", "linux", "nobody", port=port, password="x")
        with pytest.raises(TransportError) as info:
            SshSession(target, timeout=1.5).connect()
    assert info.value.reason == "timeout"
