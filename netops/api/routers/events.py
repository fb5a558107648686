"""``/api/v1/events``: traps, config changes, failovers, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import func, select

from netops.api.deps import Page, State
from netops.api.errors import ERROR_RESPONSES, BadParameter
from netops.api.schemas import Page as PageOf
from netops.models import SEVERITY_ORDER, Event, Severity
from netops.store.tables import EventRow

router = APIRouter(prefix="/api/v1/events", tags=["events"], responses=ERROR_RESPONSES)


@router.get("", response_model=PageOf[Event], summary="Events, newest first")
def list_events(
    state: State,
    page: Page,
    kind: Annotated[
        str | None,
        Query(
            description="Kind or kind prefix: trap, trap.linkDown, config, db.failover",
            max_length=60,
        ),
    ] = None,
    device: Annotated[str | None, Query(max_length=200)] = None,
    severity: Annotated[Severity | None, Query(description="This severity or worse")] = None,
    since: Annotated[datetime | None, Query(description="ISO 8601 time with zone")] = None,
    until: Annotated[datetime | None, Query(description="ISO 8601 time with zone")] = None,
) -> PageOf[Event]:
    for name, value in (("since", since), ("until", until)):
        if value is not None and value.tzinfo is None:
            raise BadParameter(name, f"'{name}' needs a time zone, e.g. 2024-05-01T08:00:00Z")
    conditions = []
    if kind:
        conditions.append(EventRow.kind.startswith(kind, autoescape=True))
    if device:
        conditions.append(EventRow.device == device)
    if severity:
        wanted = [s for s, rank in SEVERITY_ORDER.items() if rank >= SEVERITY_ORDER[severity]]
        conditions.append(EventRow.severity.in_(wanted))
    if since:
        conditions.append(EventRow.time >= since)
    if until:
        conditions.append(EventRow.time <= until)
    query = (
        select(EventRow)
        .where(*conditions)
        .order_by(EventRow.time.desc(), EventRow.id.desc())
        .limit(page.limit)
        .offset(page.offset)
    )
    with state.store.session() as s:
        total = s.scalar(select(func.count()).select_from(EventRow).where(*conditions)) or 0
        rows = s.scalars(query).all()
    items = [
        Event(
            time=r.time,
            kind=r.kind,
            device=r.device,
            severity=r.severity,
            summary=r.summary,
            details=r.details or {},
        )
        for r in rows
    ]
    return PageOf[Event](items=items, total=total, limit=page.limit, offset=page.offset)
