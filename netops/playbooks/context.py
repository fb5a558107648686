"""What a task sees while it runs: the run (settings, store, parameters) and one device."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from netops.credentials import Secrets
from netops.endpoints import DeviceEndpoints
from netops.errors import PlaybookError
from netops.inventory import Device, Inventory
from netops.playbooks import configtree
from netops.playbooks.bundles import BundleWriter
from netops.playbooks.params import Value, canonical_interface
from netops.playbooks.session import DeviceSession, SessionFactory
from netops.settings import Settings
from netops.store import Store


def device_values(values: dict[str, Value], device: Device, run_id: str) -> dict[str, Value]:
    """Run parameters as one device sees them: interface names as the device prints them
    (``GE0/0/5`` -> ``GigabitEthernet0/0/5``) and the built-ins added."""
    dialect = configtree.dialect_of(device.platform.value)
    out = {
        name: (
            Value(canonical_interface(str(v.value), dialect), v.type, v.secret)
            if v.type == "interface"
            else v
        )
        for name, v in values.items()
    }
    out["device"] = Value(device.name, "string")
    out["site"] = Value(device.site, "string")
    out["mgmt_address"] = Value(device.mgmt_address, "ipv4")
    out["run_id"] = Value(run_id, "string")
    return out


@dataclass
class RunContext:
    """One run: where things are and what was asked."""

    run_id: str
    playbook: str
    inventory: Inventory
    settings: Settings
    store: Store
    sessions: SessionFactory
    values: dict[str, Value]
    mode: Literal["read_only", "dry_run", "commit"]
    actor: str
    secrets: Secrets | None = None
    endpoints: dict[str, DeviceEndpoints] | None = None
    bundle: BundleWriter | None = None

    @property
    def commit(self) -> bool:
        return self.mode == "commit"


@dataclass
class DeviceContext:
    """One device during a run: its parameters (built-ins added), session and config."""

    run: RunContext
    device: Device
    phase: Literal["pre_checks", "steps", "post_checks"] = "pre_checks"
    #: The predicted configuration (dry-run post-checks are evaluated on it).
    candidate: configtree.Node | None = None
    #: What a step leaves for later steps and checks of the same device (e.g. the checks a
    #: remediation planned to fix, which its post-check then verifies).
    memo: dict[str, Any] = field(default_factory=dict)
    _session: DeviceSession | None = field(default=None, repr=False)
    _running: str | None = field(default=None, repr=False)

    @property
    def dialect(self) -> configtree.Dialect | None:
        return configtree.dialect_of(self.device.platform.value)

    @property
    def platform(self) -> str:
        return self.device.platform.value

    @property
    def values(self) -> dict[str, Value]:
        """Run parameters for this device (see :func:`device_values`)."""
        return device_values(self.run.values, self.device, self.run.run_id)

    # -- the device ------------------------------------------------------------------------------
    def session(self) -> DeviceSession:
        """The device's CLI session (opened on first use)."""
        if self._session is None:
            self._session = self.run.sessions(self.device)
        return self._session

    def new_session(self) -> DeviceSession:
        """A fresh session (after a lost connection, or to prove a new login works)."""
        self.close()
        return self.session()

    def running_config(self, *, fresh: bool = False) -> str:
        """The running configuration (read once per phase unless ``fresh``), not masked."""
        if self._running is None or fresh:
            self._running = self.session().running_config()
        return self._running

    def config_tree(self) -> configtree.Node:
        """The configuration checks look at: the predicted candidate in a dry-run's post-checks,
        else the device's running configuration."""
        if self.dialect is None:
            raise PlaybookError(f"{self.device.name}: no config checks on {self.platform}")
        if self.phase == "post_checks" and self.candidate is not None:
            return self.candidate
        return configtree.parse(self.running_config(), self.dialect)

    @property
    def evaluating_prediction(self) -> bool:
        """True in a dry-run's post-checks: there is no changed device to look at."""
        return self.phase == "post_checks" and self.candidate is not None

    def save_output(self, name: str, text: str) -> str | None:
        """Keep an output in the run's bundle (masked); its path there."""
        if self.run.bundle is None:
            return None
        return self.run.bundle.add(self.device.name, name, text)

    def close(self) -> None:
        if self._session is not None:
            try:
                self._session.close()
            finally:
                self._session = None
