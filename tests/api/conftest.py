"""Fixtures: one seeded state database per module, an app over it, tokens of each role."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from netops.api import create_app
from netops.inventory import Inventory
from netops.settings import Settings, load_settings
from netops.store import Store
from tests.api.state import seed
from tests.conftest import REFERENCE


@dataclass
class Api:
    app: FastAPI
    client: TestClient
    settings: Settings
    store: Store
    tokens: dict[str, str]

    def get(self, url: str, role: str | None = "viewer", **kwargs: object):  # type: ignore[no-untyped-def]
        headers = {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}
        return self.client.get(url, headers=headers, **kwargs)  # type: ignore[arg-type]


def make_settings(state_dir: Path, **overrides: object) -> Settings:
    return load_settings(inventory=REFERENCE, state_dir=state_dir, **overrides)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory, reference: Inventory) -> Iterator[Path]:
    """A state folder holding the recorded state (made once per session; tests only read it)."""
    state_dir = tmp_path_factory.mktemp("state")
    store = Store(f"sqlite:///{state_dir / 'netops.db'}")
    seed(store, reference)
    store.close()
    yield state_dir


@pytest.fixture(scope="module")
def api(seeded: Path, reference: Inventory) -> Iterator[Api]:
    settings = make_settings(seeded)
    app = create_app(settings, inventory=reference)
    state = app.state.netops
    tokens = {
        role: state.tokens.create(role, f"test {role}")[0]
        for role in ("viewer", "operator", "admin")
    }
    with TestClient(app) as client:
        yield Api(app, client, settings, state.store, tokens)
    state.store.close()
