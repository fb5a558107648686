"""Shared fixtures. Real parts (snmpd, sshd, PostgreSQL, Prometheus...) are required in CI.

``require(tool)`` skips a test locally when a real part is missing, but fails it when
``CI=true``: a silent skip in CI would hide a broken install step.
"""

from __future__ import annotations

import os
import shutil
import socket
from pathlib import Path

import pytest

from netops.inventory import Inventory, load_inventory

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "inventory" / "district"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(*executables: str) -> None:
    """Fail (CI) or skip (locally) unless every executable is installed."""
    missing = [e for e in executables if shutil.which(e) is None and not Path(e).exists()]
    if missing:
        message = f"real part missing: {', '.join(missing)} (scripts/setup.sh installs it)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A port nobody listens on right now (tests run in parallel with other tests)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def reference() -> Inventory:
    """The reference district inventory, loaded once."""
    return load_inventory(REFERENCE)


@pytest.fixture(autouse=True)
def _isolated_state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads the developer's settings or writes to their state folder."""
    for key in list(os.environ):
        if key.startswith("NETOPS_"):
            monkeypatch.delenv(key)
    monkeypatch.setenv("NETOPS_STATE_DIR", str(tmp_path / "state"))
