"""Start, stop and steer a lab from another process (what ``netops lab ...`` calls)."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from netops.errors import LabError
from netops.lab.runtime import DB_DIR_FILE, lab_file

DEFAULT_ENDPOINTS = Path(".lab/endpoints.json")


def up(
    inventory: Path,
    endpoints: Path = DEFAULT_ENDPOINTS,
    scenarios: list[str] | None = None,
    snmp_version: str = "3",
    trap_receiver: str | None = None,
    timeout: float = 120.0,
    db: str = "off",
    db_pairs: int = 1,
    views: int | None = None,
) -> dict[str, Any]:
    """Start a lab in the background; return its status once it serves every device.

    ``db``: ``auto`` runs real PostgreSQL pairs for the database servers when PostgreSQL
    is installed (at most ``db_pairs``), ``on`` insists, ``off`` (the default here, so
    tests that do not need them save ~10 s) simulates them only. ``netops lab up`` and
    ``netops demo`` default to ``auto``.
    """
    endpoints = endpoints.resolve()
    if lab_file(endpoints).exists():
        try:
            status(endpoints)
        except LabError:
            lab_file(endpoints).unlink()  # a stale lab file from a crashed lab
        else:
            raise LabError(
                f"a lab is already running for {endpoints} (netops lab down -e {endpoints})"
            )
    state_dir = _state_dir(endpoints)
    state_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileNotFoundError):
        endpoints.unlink()
    cmd = [
        sys.executable,
        "-m",
        "netops.lab.runtime",
        "--inventory",
        str(inventory),
        "--endpoints",
        str(endpoints),
        "--state-dir",
        str(state_dir),
        "--snmp-version",
        snmp_version,
        "--db",
        db,
        "--db-pairs",
        str(db_pairs),
    ]
    if views is not None:
        cmd += ["--views", str(views)]
    for s in scenarios or []:
        cmd += ["--scenario", s]
    if trap_receiver:
        cmd += ["--trap-receiver", trap_receiver]
    log_path = state_dir / "lab.log"
    with open(log_path, "ab") as log_file:
        proc = subprocess.Popen(
            cmd,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            cleanup_databases(state_dir)
            tail = log_path.read_text(errors="replace").strip().splitlines()[-3:]
            raise LabError(f"the lab exited at start ({' / '.join(tail)}); log: {log_path}")
        if lab_file(endpoints).exists() and endpoints.exists():
            return status(endpoints)
        time.sleep(0.05)
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    cleanup_databases(state_dir)
    raise LabError(f"the lab did not come up within {timeout:.0f} s; log: {log_path}")


def request(endpoints: Path, payload: dict[str, Any], timeout: float = 180.0) -> dict[str, Any]:
    info = _lab_info(endpoints)
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
        s.settimeout(timeout)
        try:
            s.connect(info["control"])
        except OSError as exc:
            raise LabError(f"the lab of {endpoints} does not answer ({exc.strerror})") from exc
        s.sendall(json.dumps(payload).encode() + b"\n")
        data = b""
        while not data.endswith(b"\n"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    reply = json.loads(data or b"{}")
    if not reply.get("ok"):
        raise LabError(reply.get("error") or "the lab refused the request")
    return dict(reply)


def _lab_info(endpoints: Path) -> dict[str, Any]:
    path = lab_file(endpoints.resolve())
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise LabError(
            f"no lab is running for {endpoints} (start one: netops lab up -e {endpoints})"
        ) from None


def status(endpoints: Path = DEFAULT_ENDPOINTS) -> dict[str, Any]:
    return request(endpoints, {"op": "status"})


def companion_pid_file(endpoints: Path) -> Path:
    """Where a process started beside the lab (the demo's ``netops serve``) leaves its pid;
    ``down`` stops it with the lab."""
    state = _state_dir(endpoints.resolve())
    state.mkdir(parents=True, exist_ok=True)
    return state / "companion.pid"


def _stop_companion(endpoints: Path) -> None:
    file = _state_dir(endpoints.resolve()) / "companion.pid"
    try:
        pid = int(file.read_text(encoding="utf-8").strip())
    except (FileNotFoundError, ValueError):
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGTERM)
    file.unlink(missing_ok=True)


def down(endpoints: Path = DEFAULT_ENDPOINTS, timeout: float = 15.0) -> int:
    """Stop the lab (and a companion such as the demo's API) and wait for the lab's process
    to exit; returns the pid that was stopped."""
    _stop_companion(endpoints)
    info = _lab_info(endpoints)
    pid = int(info["pid"])
    with contextlib.suppress(LabError):
        request(endpoints, {"op": "stop"}, timeout=5)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _alive(pid):
            break
        time.sleep(0.05)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(FileNotFoundError):
        lab_file(endpoints.resolve()).unlink()
    cleanup_databases(_state_dir(endpoints.resolve()))
    return pid


def _state_dir(endpoints: Path) -> Path:
    return endpoints.parent / (endpoints.name + ".d")


def cleanup_databases(state_dir: Path) -> list[int]:
    """Remove what a dead lab's real database pairs left (servers, folder); their pids."""
    marker = state_dir / DB_DIR_FILE
    try:
        base = Path(marker.read_text(encoding="utf-8").strip())
    except FileNotFoundError:
        return []
    from netops.lab.databases import kill_leftovers

    killed = kill_leftovers(base) if base.name.startswith("netops-lab-pg-") else []
    marker.unlink(missing_ok=True)
    return killed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    with contextlib.suppress(ChildProcessError):
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done == pid:
            return False
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split()[2] != "Z"
    except OSError:
        return False
