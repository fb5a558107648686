"""``/api/v1/devices``: every device with its state; one device with its latest records."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query

from netops.api import views
from netops.api.common import health_of, summarise
from netops.api.deps import Page, State
from netops.api.errors import ERROR_RESPONSES, BadParameter
from netops.api.schemas import DeviceDetail, DeviceSummary, LinkOut, StoredRecordsOut, Uplink
from netops.api.schemas import Page as PageOf
from netops.errors import NotFoundError
from netops.inventory import Device, Inventory, Platform, Role, Site
from netops.models import RECORD_KINDS

router = APIRouter(prefix="/api/v1/devices", tags=["devices"], responses=ERROR_RESPONSES)

StateFilter = Literal["down", "degraded", "stale", "unknown", "up"]


@router.get("", response_model=PageOf[DeviceSummary], summary="Devices and their state")
def list_devices(
    state: State,
    page: Page,
    site: Annotated[str | None, Query(description="Site name (its child sites included)")] = None,
    role: Annotated[Role | None, Query()] = None,
    platform: Annotated[Platform | None, Query()] = None,
    zone: Annotated[str | None, Query(description="Zone name")] = None,
    network: Annotated[Literal["intranet", "extranet"] | None, Query()] = None,
    status: Annotated[StateFilter | None, Query(alias="state")] = None,
    q: Annotated[str | None, Query(description="Part of the name", max_length=200)] = None,
    sort: Annotated[Literal["name", "state"], Query(description="state = worst first")] = "name",
) -> PageOf[DeviceSummary]:
    inv = state.inventory
    if site is not None and site not in inv.site_by_name:
        raise BadParameter("site", f"unknown site {site!r}")
    if zone is not None and zone not in inv.zone_by_name:
        raise BadParameter("zone", f"unknown zone {zone!r}")
    sites = _site_and_children(inv.sites, site) if site else None
    needle = q.lower() if q is not None else None
    # inventory filters first; device state only where a filter or the order needs it,
    # and a summary only for the page
    chosen = [
        d
        for d in inv.devices
        if (sites is None or d.site in sites)
        and (role is None or d.role is role)
        and (platform is None or d.platform is platform)
        and (zone is None or zone in d.zones)
        and (network is None or _network(inv, d) == network)
        and (needle is None or needle in d.name.lower())
    ]
    snapshot = views.read_snapshot(state.store)
    health = health_of(state, snapshot) if status is not None or sort == "state" else None
    if health is not None and status is not None:
        chosen = [d for d in chosen if health[d.name].state == status]
    if sort == "state" and health is not None:
        chosen.sort(key=lambda d: (views.STATE_ORDER[health[d.name].state], d.name))
    else:
        chosen.sort(key=lambda d: d.name)
    page_of = chosen[page.offset : page.offset + page.limit]
    items = [summarise(state, snapshot, d, health[d.name] if health else None) for d in page_of]
    return PageOf[DeviceSummary](
        items=items, total=len(chosen), limit=page.limit, offset=page.offset
    )


def _network(inv: Inventory, device: Device) -> str:
    return "intranet" if inv.network_of(device) == "intranet" else "extranet"


def _site_and_children(sites: tuple[Site, ...], root: str) -> set[str]:
    children: dict[str | None, list[str]] = {}
    for s in sites:
        children.setdefault(s.parent, []).append(s.name)
    out: set[str] = set()
    todo = [root]
    while todo:
        name = todo.pop()
        if name not in out:
            out.add(name)
            todo.extend(children.get(name, []))
    return out


@router.get(
    "/{name}",
    response_model=DeviceDetail,
    summary="One device: state, poll results, uplinks, links and latest records",
    responses={404: ERROR_RESPONSES[400] | {"description": "No such device"}},
)
def get_device(
    state: State,
    name: Annotated[str, Path(description="Device name", max_length=200)],
    kind: Annotated[
        list[str] | None, Query(description="Only these record kinds (repeatable)")
    ] = None,
) -> DeviceDetail:
    inv = state.inventory
    device = inv.device_by_name.get(name)
    if device is None:
        raise NotFoundError(f"no device {name!r} in the inventory")
    for k in kind or ():
        if k not in RECORD_KINDS:
            raise BadParameter(
                "kind", f"unknown record kind {k!r}; kinds: {', '.join(RECORD_KINDS)}"
            )
    snapshot = views.read_snapshot(state.store)
    summary = summarise(state, snapshot, device)
    stored = state.store.device_records(name)
    records = {
        k: StoredRecordsOut(
            source=s.source,
            collected_at=s.collected_at,
            count=len(s.records),
            items=[r.model_dump(mode="json") for r in s.records],
        )
        for k, s in sorted(stored.items())
        if not kind or k in kind
    }
    return DeviceDetail(
        **summary.model_dump(),
        polls=snapshot.polls.get(name, []),
        uplinks=[
            Uplink(
                interface=u.interface,
                peer=u.peer,
                peer_interface=u.peer_interface,
                group=u.group,
                up=u.up,
                seen_from=u.seen_from,
            )
            for u in views.uplinks(inv, snapshot, name)
        ],
        links=[
            LinkOut(
                a=str(link.a),
                b=str(link.b),
                redundancy_group=link.redundancy_group,
                description=link.description,
            )
            for link in inv.links_of(name)
        ],
        records=records,
    )
