"""Fixtures: a playbook service over the reference inventory with stand-in devices or the lab."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from textwrap import dedent

import pytest

from netops.inventory import Inventory, Platform, Role
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
    name = next(line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("name:"))
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
            config_fetch=network.fetch,
        )

    yield make
    for store in stores:
        store.close()
