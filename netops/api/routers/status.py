"""``/api/v1/status``: the whole network at a glance."""

from __future__ import annotations

from fastapi import APIRouter

from netops.api import views
from netops.api.common import backup_summary, count_states, db_pair_outs, health_of, worst
from netops.api.deps import AppState, State
from netops.api.errors import ERROR_RESPONSES
from netops.api.routers.jobs import job_out
from netops.api.schemas import FindingsStatus, SiteStatus, Status, ZoneStatus

router = APIRouter(prefix="/api/v1/status", tags=["status"], responses=ERROR_RESPONSES)


@router.get("", response_model=Status, summary="Devices by site and zone, findings, backups, DB")
def status(state: State) -> Status:
    inv = state.inventory
    snapshot = views.read_snapshot(state.store)
    health = health_of(state, snapshot)  # states only: no per-device summary is built
    by_site: dict[str, list[views.DeviceHealth]] = {}
    by_zone: dict[str, list[views.DeviceHealth]] = {}
    for d in inv.devices:
        h = health[d.name]
        by_site.setdefault(d.site, []).append(h)
        for zone in d.zones:
            by_zone.setdefault(zone, []).append(h)
    sites = [
        SiteStatus(
            site=s.name,
            kind=s.kind.value,
            label=s.label,
            devices=len(by_site.get(s.name, [])),
            states=count_states(by_site.get(s.name, [])),
            worst=worst(by_site.get(s.name, [])),
        )
        for s in inv.sites
        if by_site.get(s.name)
    ]
    sites.sort(key=lambda s: (views.STATE_ORDER.get(s.worst or "up", 5), s.site))
    zones = [
        ZoneStatus(
            zone=z.name,
            devices=len(by_zone.get(z.name, [])),
            states=count_states(by_zone.get(z.name, [])),
        )
        for z in inv.zones
    ]
    configs = views.config_backups(inv, snapshot)
    databases = views.db_backups(inv, snapshot)
    return Status(
        generated_at=snapshot.taken_at,
        network=inv.network.name,
        devices=count_states(health.values()),
        sites=sites,
        zones=zones,
        findings=_findings(state),
        backups=backup_summary(configs, databases),
        db_pairs=db_pair_outs(state, snapshot),
        jobs=[job_out(s) for s in state.scheduler.status()] if state.scheduler else [],
    )


def _findings(state: AppState) -> FindingsStatus:
    if state.findings is None:
        return FindingsStatus(available=False)
    source = state.findings(state.store)
    run = source.latest_run()
    if run is None:
        return FindingsStatus(available=False)
    failing: dict[str, int] = {}
    summaries = getattr(source, "open_summaries", None)  # no evidence read when it can
    if summaries is not None:
        for _check, severity, verdict, _devices in summaries():
            if verdict == "FAIL":
                failing[severity] = failing.get(severity, 0) + 1
    else:
        for tracked in source.open_findings():
            if tracked.finding.verdict == "FAIL":
                severity = tracked.finding.severity
                failing[severity] = failing.get(severity, 0) + 1
    return FindingsStatus(available=True, last_run=run.finished_at, failing_by_severity=failing)
