"""``create_app(settings)``: the FastAPI app, one router per resource.

Nothing is built at import time: the inventory, the store, the token store and the
scheduler are made here (or passed in by tests and ``netops serve``). Outside
development the app refuses to start with the default API secret.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterable
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.openapi.utils import get_openapi

from netops import __version__
from netops.api import errors
from netops.api.deps import AppState, reject_unknown_query
from netops.api.findings import ReportRenderer, SourceFactory
from netops.api.metrics import Exposition, build_registry
from netops.api.routers import (
    backups,
    compliance,
    dbha,
    devices,
    events,
    health,
    jobs,
    metrics,
    playbooks,
    sites,
    status,
    tokens,
    topology,
)
from netops.errors import SettingsError
from netops.inventory import Inventory, load_inventory
from netops.models import RECORD_KINDS
from netops.scheduler import Job, JobContext, Scheduler
from netops.settings import DEFAULT_API_SECRET, Settings
from netops.store import Store
from netops.store.tokens import TokenStore

#: Routers in the order the OpenAPI document lists them; a new resource is one line.
ROUTERS = (
    health.router,
    status.router,
    devices.router,
    sites.router,
    topology.router,
    events.router,
    compliance.router,
    backups.router,
    dbha.router,
    jobs.router,
    playbooks.router,
    tokens.router,
    metrics.router,
)
#: Routers under /api/v1 that need a viewer token (those with stricter needs declare them).
_VIEWER_ROUTERS = (
    status.router,
    devices.router,
    sites.router,
    topology.router,
    events.router,
    compliance.router,
    backups.router,
    dbha.router,
    jobs.router,
    playbooks.router,
)
MIN_SECRET_LENGTH = 32


def check_secret(settings: Settings) -> None:
    """Refuse the default (or a short) API secret outside development."""
    if settings.environment == "development":
        return
    secret = settings.api.secret_key.get_secret_value()
    if secret == DEFAULT_API_SECRET:
        raise SettingsError(
            "api.secret_key is the default; set NETOPS_API__SECRET_KEY to a random value "
            f"of {MIN_SECRET_LENGTH}+ characters before running in {settings.environment}"
        )
    if len(secret) < MIN_SECRET_LENGTH:
        raise SettingsError(
            f"api.secret_key is {len(secret)} characters; use at least {MIN_SECRET_LENGTH} "
            f"in {settings.environment}"
        )


def create_app(
    settings: Settings,
    *,
    inventory: Inventory | None = None,
    store: Store | None = None,
    jobs: Iterable[Job] | None = None,
    run_scheduler: bool = False,
    endpoints: Path | None = None,
    findings: SourceFactory | None = None,
    report: ReportRenderer | None = None,
) -> FastAPI:
    """The API over ``settings``' inventory and state database.

    ``findings`` opens the compliance findings history on the store and ``report`` renders
    the audit report (both from the compliance subsystem). With ``run_scheduler`` the app
    also runs ``jobs`` (default: every registered job)
    while it serves, and stops them gracefully on shutdown.
    """
    from netops.api.deps import requires
    from netops.api.jobs import registered_jobs

    check_secret(settings)
    inventory = inventory or load_inventory(settings.inventory)
    store = store or Store.from_settings(settings)
    scheduler = None
    if run_scheduler:
        scheduler = Scheduler(
            registered_jobs(settings) if jobs is None else jobs,
            JobContext(settings, inventory, store, endpoints or settings.endpoints),
        )
    state = AppState(
        settings=settings,
        inventory=inventory,
        store=store,
        tokens=TokenStore(store, settings.api.secret_key.get_secret_value()),
        scheduler=scheduler,
        findings=findings,
        report=report,
    )

    @contextlib.asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        if scheduler is not None:
            scheduler.start()
        try:
            yield
        finally:
            if scheduler is not None:
                await scheduler.stop(settings.scheduler.shutdown_grace)

    app = FastAPI(
        title="netops",
        version=__version__,
        description=(
            "Network management for government private networks: devices, topology, "
            "compliance, backups and database HA. Send `Authorization: Bearer <token>` "
            "(tokens from `netops token create --role viewer|operator|admin`); `/health` is "
            "open, `/metrics` is open unless `api.metrics_require_token` is set."
        ),
        lifespan=lifespan,
        dependencies=[Depends(reject_unknown_query)],
    )
    app.state.netops = state
    app.state.registry = build_registry(state)
    app.state.exposition = Exposition(app.state.registry, settings.api.metrics_reuse_seconds)
    errors.install(app)
    viewer = requires("viewer")
    for router in ROUTERS:
        deps: Any = [viewer] if any(router is r for r in _VIEWER_ROUTERS) else []
        app.include_router(router, dependencies=deps)
    app.openapi = lambda: _openapi(app, inventory, settings)  # type: ignore[method-assign]
    return app


def _openapi(app: FastAPI, inventory: Inventory, settings: Settings) -> dict[str, Any]:
    """FastAPI's schema, with validation errors documented as what they are (400 +
    ErrorBody), and the names this inventory knows listed as the values of the parameters
    that must name one (site, zone, pair, record kind)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    known: dict[str, list[str]] = {
        "site": sorted(inventory.site_by_name),
        "parent": sorted(inventory.site_by_name),
        "zone": sorted(inventory.zone_by_name),
        "pair": sorted(inventory.ha_pair_by_name),
    }
    for url, path in schema.get("paths", {}).items():
        for operation in path.values():
            responses = operation.get("responses", {})
            responses.pop("422", None)
            for code, response in responses.items():  # errors are JSON, even from HTML routes
                content = response.get("content", {})
                if code[0] in "45" and "text/html" in content:
                    response["content"] = {"application/json": content["text/html"]}
            for parameter in operation.get("parameters", []):
                names = known.get(parameter["name"])
                if url == "/api/v1/devices/{name}" and parameter["name"] == "kind":
                    names = sorted(RECORD_KINDS)
                if names and parameter.get("in") == "query":
                    _enumerate(parameter["schema"], names)
                if parameter["name"] == "limit" and parameter.get("in") == "query":
                    for branch in parameter["schema"].get("anyOf", [parameter["schema"]]):
                        if branch.get("type") == "integer":
                            branch["maximum"] = settings.api.max_page_size
    for name in ("HTTPValidationError", "ValidationError"):
        schema.get("components", {}).get("schemas", {}).pop(name, None)
    if not settings.api.metrics_require_token:  # open: say so
        schema["paths"]["/metrics"]["get"].pop("security", None)
    app.openapi_schema = schema
    return schema


def _enumerate(schema: dict[str, Any], names: list[str]) -> None:
    """Put ``enum`` on the string branch of a parameter schema (``anyOf`` with null, arrays)."""
    for branch in schema.get("anyOf", [schema]):
        if branch.get("type") == "string":
            branch["enum"] = names
        elif branch.get("type") == "array" and branch.get("items", {}).get("type") == "string":
            branch["items"]["enum"] = names
