"""Fixtures: a playbook service over the reference inventory with stand-in devices or the lab."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent
from typing import Any

import pytest
from netmiko import ConnectHandler

from netops.inventory import Inventory, Platform, Role
from netops.lab import control
from netops.playbooks import PlaybookService
from netops.settings import Settings, load_settings
from netops.store import Store
from tests.conftest import REFERENCE, ROOT
from tests.playbooks.fakes import FakeNetwork, FakeSession

SHIPPED = ROOT / "playbooks"

#: A change playbook the runner tests use: one config line per device, checks on request.
SET_DESCRIPTION = """\
name: set-description
description: Set the description of an interface (a test playbook).
mode: change
targets:
  platforms: [huawei_vrp]
  roles: [access]
parameters:
  interface: {type: interface, required: true, description: the port}
  text: {type: string, default: set-by-test, description: the description}
  password: {type: string, secret: true, description: a secret that ends up in a line}
pre_checks:
  - task: config_contains
    args: {view: "interface ${interface}"}
steps:
  - task: config
    args:
      lines:
        huawei_vrp: |
          interface ${interface}
           description ${text}
post_checks:
  - task: config_contains
    name: the description is set
    args: {view: "interface ${interface}", present: ["description ${text}"]}
  - task: reachable
concurrency: 1
stop_on_failure: {max_failures: 1}
commit: {require_reason: false, save: true}
"""


def write_playbook(folder: Path, text: str) -> Path:
    """Write a playbook YAML (its name: field names the file)."""
    text = dedent(text)
    name = next(
        line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("name:")
    )
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def vrp_access(inventory: Inventory, count: int) -> list[str]:
    """Names of the first ``count`` Huawei VRP access switches of the inventory."""
    return [
        d.name
        for d in inventory.devices
        if d.platform is Platform.HUAWEI_VRP and d.role is Role.ACCESS
    ][:count]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return load_settings(
        inventory=REFERENCE,
        state_dir=tmp_path / "state",
        playbooks_dir=tmp_path / "playbooks",
        collectors_dir=ROOT / "collectors",
    )


@pytest.fixture
def network() -> Iterator[FakeNetwork]:
    FakeSession.open_now = FakeSession.most_open = 0
    yield FakeNetwork()


@pytest.fixture
def make_service(
    settings: Settings, reference: Inventory, network: FakeNetwork
) -> Iterator[Callable[..., PlaybookService]]:
    """A service over stand-in devices and the test playbooks (plus the shipped ones)."""
    stores: list[Store] = []

    def make(*playbooks: str) -> PlaybookService:
        for text in (SET_DESCRIPTION, *playbooks):
            write_playbook(settings.playbooks_dir, text)
        for shipped in SHIPPED.glob("*.yaml"):
            target = settings.playbooks_dir / shipped.name
            if not target.exists():
                target.write_text(shipped.read_text(encoding="utf-8"), encoding="utf-8")
        store = Store.from_settings(settings)
        stores.append(store)
        return PlaybookService(
            settings,
            reference,
            store,
            sessions=network.sessions,
        )

    yield make
    for store in stores:
        store.close()


@pytest.fixture(scope="package")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The lab of the reference network (every device's SSH CLI), once for these tests."""
    endpoints = tmp_path_factory.mktemp("lab") / "endpoints.json"
    control.up(REFERENCE, endpoints, snmp_version="3")
    try:
        yield endpoints
    finally:
        control.down(endpoints)


def lab_sessions(lab: Path) -> int:
    """SSH sessions the lab has accepted so far."""
    return int(control.status(lab)["ssh_sessions"])


DEVICE_TYPES = {"huawei_vrp": "huawei", "hp_comware": "hp_comware", "cisco_ios": "cisco_ios"}
SHOW_CONFIG = {
    "huawei_vrp": "display current-configuration",
    "hp_comware": "display current-configuration",
    "cisco_ios": "show running-config",
}


class Cli:
    """An independent netmiko session to a lab device (the test's own eyes)."""

    def __init__(self, lab: Path, reference: Inventory, name: str) -> None:
        self.platform = reference.device(name).platform.value
        e = json.loads(lab.read_text())[name]["ssh"]
        self.conn = ConnectHandler(
            device_type=DEVICE_TYPES[self.platform],
            host=e["host"],
            port=e["port"],
            username=e["username"],
            password=e["password"],
            fast_cli=True,
        )

    def config(self) -> str:
        text = str(self.conn.send_command(SHOW_CONFIG[self.platform]))
        # what a device stamps on its config by itself (time of the last change) is not config
        return "\n".join(
            line
            for line in text.splitlines()
            if not re.match(
                r"^(!Last configuration|! Last configuration|Current configuration :)", line
            )
        )

    def configure(self, lines: list[str]) -> None:
        """Config lines with explicit prompts (netmiko's config_mode() on Huawei waits 2 s
        of silence per mode check)."""
        if self.platform == "cisco_ios":
            enter, leave, config, user = "configure terminal", "end", r"\(config[^)]*\)#", r"#"
        else:
            enter, leave, config, user = "system-view", "return", r"\]", r">"
        self.conn.send_command(enter, expect_string=config)
        for line in lines:
            self.conn.send_command(line, expect_string=config)
        self.conn.send_command(leave, expect_string=user)

    def block(self, header: str) -> list[str]:
        lines = self.config().splitlines()
        start = lines.index(header)
        out = []
        for line in lines[start + 1 :]:
            if not line.startswith(" "):
                break
            out.append(line.strip())
        return out

    def close(self) -> None:
        self.conn.write_channel(("exit" if self.platform == "cisco_ios" else "quit") + "\n")
        self.conn.paramiko_cleanup()


@pytest.fixture
def cli(lab: Path, reference: Inventory) -> Iterator[Any]:
    opened: list[Cli] = []

    def connect(name: str) -> Cli:
        c = Cli(lab, reference, name)
        opened.append(c)
        return c

    yield connect
    for c in opened:
        c.close()


def port_up(cli: Cli, port: str) -> None:
    """A rogue port: administratively up (the lab's unused ports start shut)."""
    negate = "no" if cli.platform == "cisco_ios" else "undo"
    cli.configure([f"interface {port}", f"{negate} shutdown"])
    assert "shutdown" not in cli.block(f"interface {port}")
