"""The jobs ``netops serve`` schedules: each subsystem's entry point, one line each.

A job is ``Job(name, interval, function)``; ``function(context)`` does one full run
(poll every device, back up every config, ...) and records its results in the store.
Jobs named in ``scheduler.disabled_jobs`` are left out.
"""

from __future__ import annotations

from netops.scheduler import Job, JobContext
from netops.settings import Settings
from netops.store.retention import prune_events


def _prune_events(ctx: JobContext) -> None:
    prune_events(ctx.store, ctx.settings.scheduler.events_retention_days)


def registered_jobs(settings: Settings) -> list[Job]:
    """Every job this build can run, with intervals from the settings."""
    jobs: list[Job] = [
        Job("events_prune", 3600, _prune_events, description="delete events past retention"),
        # each subsystem adds its one line here, e.g.
        # Job("snmp_poll", settings.snmp.interval, snmp_poll_job, description="SNMP poll"),
    ]
    return [j for j in jobs if j.name not in settings.scheduler.disabled_jobs]
