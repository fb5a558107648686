"""``/api/v1/backups``: device config and database backups against their policies."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from netops.api import views
from netops.api.common import backup_summary, config_backup_out, db_backup_out
from netops.api.deps import Page, State
from netops.api.errors import ERROR_RESPONSES, BadParameter
from netops.api.schemas import Backups, ConfigBackupOut, DbBackupOut
from netops.api.schemas import Page as PageOf

router = APIRouter(prefix="/api/v1/backups", tags=["backups"], responses=ERROR_RESPONSES)


@router.get("", response_model=Backups, summary="Backup summary: databases, configs out of policy")
def backups(state: State) -> Backups:
    snapshot = views.read_snapshot(state.store)
    configs = views.config_backups(state.inventory, snapshot)
    databases = views.db_backups(state.inventory, snapshot)
    return Backups(
        summary=backup_summary(configs, databases),
        databases=[db_backup_out(d) for d in databases],
        configs_out_of_policy=[config_backup_out(state, c) for c in configs if not c.in_policy],
    )


@router.get(
    "/configs", response_model=PageOf[ConfigBackupOut], summary="Device configuration backups"
)
def config_backups(
    state: State,
    page: Page,
    in_policy: Annotated[
        bool | None, Query(description="Only within (true) or out of policy")
    ] = None,
    site: Annotated[str | None, Query(max_length=200)] = None,
    device: Annotated[str | None, Query(max_length=200)] = None,
    sort: Annotated[Literal["device", "age"], Query(description="age = oldest first")] = "device",
) -> PageOf[ConfigBackupOut]:
    if site is not None and site not in state.inventory.site_by_name:
        raise BadParameter("site", f"unknown site {site!r}")
    views_ = views.config_backups(state.inventory, views.read_snapshot(state.store))
    items = [
        config_backup_out(state, v)
        for v in views_
        if (in_policy is None or v.in_policy == in_policy)
        and (device is None or v.device == device)
    ]
    if site is not None:
        items = [i for i in items if i.site == site]
    if sort == "age":
        items.sort(
            key=lambda i: (
                -(i.age_seconds if i.age_seconds is not None else float("inf")),
                i.device,
            )
        )
    return PageOf[ConfigBackupOut](
        items=items[page.offset : page.offset + page.limit],
        total=len(items),
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/databases", response_model=list[DbBackupOut], summary="Database backups by pair")
def database_backups(
    state: State,
    pair: Annotated[str | None, Query(max_length=200)] = None,
    trigger: Annotated[Literal["automatic", "manual"] | None, Query()] = None,
) -> list[DbBackupOut]:
    if pair is not None and pair not in state.inventory.ha_pair_by_name:
        raise BadParameter("pair", f"unknown HA pair {pair!r}")
    return [
        db_backup_out(v)
        for v in views.db_backups(state.inventory, views.read_snapshot(state.store))
        if (pair is None or v.pair == pair) and (trigger is None or v.trigger == trigger)
    ]
