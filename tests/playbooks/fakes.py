"""A stand-in device for the runner's own logic — NOT a platform simulation.

What the runner decides (order of phases, dry-run sends nothing, rollback bookkeeping,
stop-on-failure, concurrency, locks, audit, masking) is tested here against an in-memory
device that can misbehave on demand in ways the lab cannot be told to at a precise moment
(reject the n-th line, drop the session mid-change, ignore undo commands so a restore fails,
change its config between two reads). How real platforms' CLIs answer is tested against the
lab over SSH (``test_lab.py``). The stand-in applies config lines with
``netops.playbooks.configtree`` itself, so its configs agree with the prediction by
construction: tests here never use it to prove a prediction right.
"""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass, field

from netops.errors import TransportError
from netops.inventory import Device
from netops.playbooks import configtree
from netops.playbooks.session import ConfigOutcome, ConfigRejected

_VIEW = re.compile(r"^(interface|user-interface|line|aaa|acl|ip vpn-instance)\b")

BASE_VRP = """\
!Software Version V200R019C10SPC500
#
sysname {name}
#
undo telnet server enable
#
aaa
 local-user netops password irreversible-cipher $1c$SECRETHASH$
 local-user netops privilege level 15
#
interface GigabitEthernet0/0/1
 description uplink
#
interface GigabitEthernet0/0/5
#
user-interface vty 0 4
 authentication-mode aaa
 protocol inbound ssh
 idle-timeout 10 0
#
return
"""


@dataclass
class FakeDevice:
    name: str
    config: str = ""
    dialect: configtree.Dialect = "vrp"
    reject: tuple[str, ...] = ()  # config lines (regex) the device refuses
    ignore_negations: bool = False  # 'undo ...' accepted but does nothing: restores fail
    drop_after_lines: int | None = None  # the session dies after this many config lines
    unreachable: bool = False
    change_on_read: int | None = None  # the n-th config read sees a changed config
    delay: float = 0.0
    sent: list[str] = field(default_factory=list)
    saves: int = 0
    sessions: int = 0
    reads: int = 0

    def __post_init__(self) -> None:
        if not self.config:
            self.config = BASE_VRP.format(name=self.name)


class FakeSession:
    """A DeviceSession over a FakeDevice."""

    open_now = 0
    most_open = 0
    _lock = threading.Lock()

    def __init__(self, device: FakeDevice) -> None:
        self.device = device
        if device.unreachable:
            raise TransportError("timeout", f"ssh {device.name}: timed out connecting")
        device.sessions += 1
        with FakeSession._lock:
            FakeSession.open_now += 1
            FakeSession.most_open = max(FakeSession.most_open, FakeSession.open_now)
        self.closed = False

    def send(self, command: str) -> str:
        time.sleep(self.device.delay)
        if command.startswith("display current-configuration"):
            return self.running_config()
        return f"{command}: fine"

    def running_config(self) -> str:
        d = self.device
        d.reads += 1
        if d.change_on_read is not None and d.reads == d.change_on_read:
            d.config = d.config.replace("sysname", "sysname changed-by-hand\n#\nsysname", 1)
        return d.config

    def send_config(self, lines: list[str], *, stop_on_error: bool = True) -> ConfigOutcome:
        d = self.device
        outcome = ConfigOutcome("")
        tree = configtree.parse(d.config, d.dialect)
        path: list[str] = []
        for index, line in enumerate(lines):
            if d.drop_after_lines is not None and len(d.sent) >= d.drop_after_lines:
                d.config = configtree.render(tree, d.dialect)
                d.drop_after_lines = None  # once: the next session works
                raise TransportError("malformed", f"ssh {d.name}: SSH protocol error")
            d.sent.append(line)
            if any(re.search(r, line) for r in d.reject):
                error = "Error: Unrecognized command found at '^' position."
                outcome.errors.append((line, error))
                if stop_on_error:
                    d.config = configtree.render(tree, d.dialect)
                    raise ConfigRejected(line, error, index)
                continue
            if line in ("quit", "exit"):
                path = path[:-1]
                continue
            negated = line.startswith(configtree.negation(d.dialect))
            if negated and d.ignore_negations:
                continue
            if _VIEW.match(line):
                tree = configtree.apply(
                    tree, [configtree.ConfigCommand(tuple(path), line, True)], d.dialect
                )
                path.append(line)
            else:
                tree = configtree.apply(
                    tree, [configtree.ConfigCommand(tuple(path), line)], d.dialect
                )
        d.config = configtree.render(tree, d.dialect)
        return outcome

    def save(self) -> str:
        self.device.saves += 1
        return "Info: Save the configuration successfully."

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            with FakeSession._lock:
                FakeSession.open_now -= 1


class FakeNetwork:
    """Stand-in devices by name; ``sessions`` is the runner's SessionFactory."""

    def __init__(self) -> None:
        self.devices: dict[str, FakeDevice] = {}

    def device(self, name: str, **kwargs: object) -> FakeDevice:
        if name not in self.devices:
            self.devices[name] = FakeDevice(name, **kwargs)  # type: ignore[arg-type]
        return self.devices[name]

    def sessions(self, device: Device) -> FakeSession:
        return FakeSession(self.device(device.name))

    @property
    def opened(self) -> int:
        return sum(d.sessions for d in self.devices.values())
