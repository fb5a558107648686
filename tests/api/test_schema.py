"""schemathesis against the OpenAPI schema: generated requests (valid and invalid) to every
operation over the recorded state; responses must match the documented schema, no 5xx, and
invalid input must be refused with a documented 4xx."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from netops.api import create_app
from netops.inventory import Inventory
from tests.api.conftest import make_settings
from tests.api.test_compliance import RecordedHistory, render

MAX_EXAMPLES = 6


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(
    seeded: Path, reference: Inventory, mode: GenerationMode
) -> None:
    app = create_app(
        make_settings(seeded), inventory=reference, findings=RecordedHistory, report=render
    )
    admin, _ = app.state.netops.tokens.create("admin")
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    headers = {"Authorization": f"Bearer {admin}"}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        if operation.method.upper() == "DELETE":
            continue  # would revoke the token the generated requests authenticate with
        operations += 1

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=MAX_EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,  # the same examples every run: CI never flakes on a new draw
            suppress_health_check=list(HealthCheck),
        )
        def check(case: schemathesis.Case) -> None:
            case.call_and_validate(headers=headers)

        try:
            check()
        except Unsatisfiable:
            assert mode is GenerationMode.NEGATIVE  # nothing to get wrong without parameters
        except Exception as exc:
            raise AssertionError(f"{operation.method.upper()} {operation.path}: {exc}") from exc
    assert operations >= 12
