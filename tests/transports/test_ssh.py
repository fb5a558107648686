"""The SSH transport against a real OpenSSH server (linux platform, key auth)."""

from __future__ import annotations

from pathlib import Path

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


def _known_hosts(sshd: Sshd, path: Path, key_file: Path) -> Path:
    kind, key = key_file.read_text().split()[:2]
    path.write_text(f"[{sshd.host}]:{sshd.port} {kind} {key}\n")
    return path


def test_known_hosts_accepts_the_listed_key(sshd: Sshd, tmp_path: Path) -> None:
    known = _known_hosts(sshd, tmp_path / "known_hosts", sshd.folder / "host_key.pub")
    with SshSession(_target(sshd), timeout=10, known_hosts=known) as session:
        assert session.send("echo ok").strip() == "ok"


@pytest.mark.parametrize(
    ("listed", "message"),
    [
        ("wrong_key.pub", "does not match known_hosts"),  # the host presents another key
        (None, "host key unknown"),  # the host is not listed at all
    ],
)
def test_known_hosts_refuses_unknown_or_changed_keys(
    sshd: Sshd, tmp_path: Path, listed: str | None, message: str
) -> None:
    known = tmp_path / "known_hosts"
    if listed:
        _known_hosts(sshd, known, sshd.folder / listed)
    else:
        known.write_text(
            "[192.0.2.1]:22 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl\n"
        )
    with pytest.raises(TransportError) as info:
        SshSession(_target(sshd), timeout=10, known_hosts=known).connect()
    assert info.value.reason == "auth" and message in str(info.value)


def test_missing_known_hosts_file_is_a_clear_failure(sshd: Sshd, tmp_path: Path) -> None:
    with pytest.raises(TransportError) as info:
        SshSession(_target(sshd), timeout=10, known_hosts=tmp_path / "nope").connect()
    assert info.value.reason == "auth" and "known_hosts file" in str(info.value)


@pytest.mark.parametrize(
    ("base", "read_so_far", "ends"),
    [
        ("core-1", "#\n sysname core-1\n#\n<core-1>", True),
        ("core-1", "#\n sysname core-1\r\n", False),  # a read boundary inside the config
        ("core-1", "<core-1>display current-configuration\r\n#\r\n", False),  # stale prompt
        ("edge-fw-1", "...\nHRP_M<edge-fw-1>", True),
        ("edge-br-1", "hostname edge-br-1\n", False),
        ("edge-br-1", "end\nedge-br-1#", True),
        ("[netops@dc-db-1 ~]", "dc-db-1\n[netops@dc-db-1 ~]$ ", True),
    ],
)
def test_output_ends_only_at_a_final_prompt(base: str, read_so_far: str, ends: bool) -> None:
    import re

    from netops.transports.ssh import _TERMINATOR

    assert bool(re.search(rf"{re.escape(base)}{_TERMINATOR}\s*$", read_so_far)) is ends


def test_stale_login_prompts_are_not_output() -> None:
    from netops.transports.ssh import _drop_stale_prompts

    assert _drop_stale_prompts("<core-1>\n#\n sysname core-1", "core-1") == "#\n sysname core-1"
    assert _drop_stale_prompts("HRP_M<fw-1>\nRole: active", "fw-1") == "Role: active"
    assert _drop_stale_prompts("core-1\nx", "core-1") == "core-1\nx"  # not a prompt


def test_echo_behind_a_prompt_fragment_is_not_output() -> None:
    """Seen on the lab's Comware: the first command of a session came back as
    ``>display current-configuration`` ahead of the config, and was stored in backups."""
    from netops.transports.ssh import _drop_stale_prompts

    command = "display current-configuration"
    text = f">{command}\n#\n sysname acc-1"
    assert _drop_stale_prompts(text, "acc-1", command) == "#\n sysname acc-1"
    assert _drop_stale_prompts(f"<acc-1>{command}\n#", "acc-1", command) == "#"
    kept = f"#\n {command}\n"  # the command text inside the output stays
    assert _drop_stale_prompts(kept, "acc-1", command) == kept
