"""``/api/v1/sites``: sites with device counts by state, worst first on request."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from netops.api import views
from netops.api.common import count_states, health_of, worst
from netops.api.deps import Page, State
from netops.api.errors import ERROR_RESPONSES, BadParameter
from netops.api.schemas import Page as PageOf
from netops.api.schemas import SiteOut
from netops.inventory import SiteKind

router = APIRouter(prefix="/api/v1/sites", tags=["sites"], responses=ERROR_RESPONSES)


@router.get("", response_model=PageOf[SiteOut], summary="Sites and the state of their devices")
def list_sites(
    state: State,
    page: Page,
    kind: Annotated[SiteKind | None, Query()] = None,
    parent: Annotated[str | None, Query(description="Only sites hanging off this one")] = None,
    sort: Annotated[Literal["name", "state"], Query(description="state = worst first")] = "name",
) -> PageOf[SiteOut]:
    inv = state.inventory
    if parent is not None and parent not in inv.site_by_name:
        raise BadParameter("parent", f"unknown site {parent!r}")
    by_site: dict[str, list[views.DeviceHealth]] = {}
    health = health_of(state, views.read_snapshot(state.store))
    for d in inv.devices:
        by_site.setdefault(d.site, []).append(health[d.name])
    items = []
    for site in inv.sites:
        if (kind is not None and site.kind is not kind) or (
            parent is not None and site.parent != parent
        ):
            continue
        devices = by_site.get(site.name, [])
        items.append(
            SiteOut(
                name=site.name,
                kind=site.kind.value,
                label=site.label,
                parent=site.parent,
                zones=list(site.zones),
                devices=len(devices),
                states=count_states(devices),
                worst=worst(devices),
            )
        )
    if sort == "state":
        items.sort(key=lambda s: (views.STATE_ORDER.get(s.worst or "up", 5), s.name))
    else:
        items.sort(key=lambda s: s.name)
    return PageOf[SiteOut](
        items=items[page.offset : page.offset + page.limit],
        total=len(items),
        limit=page.limit,
        offset=page.offset,
    )
