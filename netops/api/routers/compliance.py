"""``/api/v1/compliance``: open findings with their evidence; ``/report``: the audit report."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from pydantic import Field

from netops.api.deps import AppState, Page, State
from netops.api.errors import ERROR_RESPONSES, BadParameter, ErrorBody
from netops.api.findings import FindingsSource, RunLike
from netops.api.schemas import Page as PageOf
from netops.api.schemas import _Out
from netops.errors import NetopsError
from netops.models import SEVERITY_ORDER, Evidence, Severity, Waiver

router = APIRouter(
    prefix="/api/v1/compliance",
    tags=["compliance"],
    responses={**ERROR_RESPONSES, 503: {"model": ErrorBody, "description": "No checks here"}},
)


class ComplianceUnavailable(NetopsError):
    """This build or this state has no compliance findings to serve."""


class FindingOut(_Out):
    check_id: str
    verdict: Literal["PASS", "FAIL", "NEEDS_EVIDENCE", "WAIVED"]
    severity: Literal["info", "warning", "major", "critical"]
    target: str
    devices: list[str]
    summary: str
    evidence: list[Evidence] = Field(description="The facts that decided the verdict")
    remediation: str | None
    waiver: Waiver | None
    first_seen: datetime
    last_seen: datetime


def _source(state: AppState) -> tuple[FindingsSource, RunLike]:
    if state.findings is None:
        raise ComplianceUnavailable("compliance checks are not part of this build")
    source = state.findings(state.store)
    run = source.latest_run()
    if run is None:
        raise ComplianceUnavailable("compliance checks have not run yet ('netops check')")
    return source, run


@router.get("", response_model=PageOf[FindingOut], summary="Open findings with evidence")
def findings(
    state: State,
    page: Page,
    check_id: Annotated[
        str | None, Query(description="A check ID or its prefix: IS-01, IS-, MG-", max_length=20)
    ] = None,
    verdict: Annotated[Literal["PASS", "FAIL", "NEEDS_EVIDENCE", "WAIVED"] | None, Query()] = None,
    severity: Annotated[Severity | None, Query(description="This severity or worse")] = None,
    device: Annotated[str | None, Query(max_length=200)] = None,
    site: Annotated[str | None, Query(description="Findings on devices of this site")] = None,
    zone: Annotated[str | None, Query(description="Findings on devices serving this zone")] = None,
) -> PageOf[FindingOut]:
    inv = state.inventory
    if site is not None and site not in inv.site_by_name:
        raise BadParameter("site", f"unknown site {site!r}")
    if zone is not None and zone not in inv.zone_by_name:
        raise BadParameter("zone", f"unknown zone {zone!r}")
    source, _run = _source(state)
    wanted: set[str] | None = None
    if site is not None or zone is not None:
        wanted = {
            d.name
            for d in inv.devices
            if (site is None or d.site == site) and (zone is None or zone in d.zones)
        }
    items = []
    for tracked in source.open_findings():
        f = tracked.finding
        if (
            (check_id is None or f.check_id.startswith(check_id))
            and (verdict is None or f.verdict == verdict)
            and (severity is None or SEVERITY_ORDER[f.severity] >= SEVERITY_ORDER[severity])
            and (device is None or device in f.devices)
            and (wanted is None or wanted & set(f.devices))
        ):
            items.append(
                FindingOut(
                    check_id=f.check_id,
                    verdict=f.verdict,
                    severity=f.severity,
                    target=f.target,
                    devices=list(f.devices),
                    summary=f.summary,
                    evidence=list(f.evidence),
                    remediation=f.remediation,
                    waiver=f.waiver,
                    first_seen=tracked.first_seen,
                    last_seen=tracked.last_seen,
                )
            )
    items.sort(key=lambda i: (-SEVERITY_ORDER[i.severity], i.check_id, i.target))
    return PageOf[FindingOut](
        items=items[page.offset : page.offset + page.limit],
        total=len(items),
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/report",
    response_class=HTMLResponse,
    summary="The audit report (HTML): every control by 等保 clause, verdict, evidence",
    responses={200: {"content": {"text/html": {}}, "description": "The report"}},
)
def report(state: State) -> HTMLResponse:
    source, run = _source(state)
    if state.report is None:
        raise ComplianceUnavailable("this build has no report renderer")
    return HTMLResponse(state.report(state.inventory, run, source.open_findings()))
