"""The jobs ``netops serve`` schedules: each subsystem's entry point, one line each.

A job is ``Job(name, interval, function)``; ``function(context)`` does one full run
(poll every device, back up every config, ...) and records its results in the store.
Jobs named in ``scheduler.disabled_jobs`` are left out; those in ``scheduler.process_jobs``
(default: the compliance run) run in a child process of their own.
"""

from __future__ import annotations

from dataclasses import replace

from netops.backups.service import backup_devices, mask_key_of, policy_devices
from netops.collectors.ssh import cli_sections, poll_devices
from netops.compliance.service import check_and_record
from netops.credentials import load_secrets
from netops.dbha.collect import collect_db_pairs
from netops.endpoints import DeviceEndpoints, load_endpoints
from netops.scheduler import Job, JobContext
from netops.settings import Settings
from netops.store.retention import prune_events


def _endpoints(ctx: JobContext) -> dict[str, DeviceEndpoints] | None:
    path = ctx.endpoints or ctx.settings.endpoints
    return load_endpoints(path) if path else None


def ssh_collect(ctx: JobContext) -> None:
    """Every device's CLI records (LLDP, VRFs, routes, ARP, policy, HA) and poll results."""
    cfg = ctx.settings
    polls = poll_devices(
        ctx.inventory,
        list(ctx.inventory.devices),
        cli_sections(cfg.collectors_dir),
        cfg.ssh,
        load_secrets(cfg.secrets_file),
        _endpoints(ctx),
        mask_key=mask_key_of(cfg),
    )
    ctx.store.save_many(
        (p.device, k, records, p.result.started_at, "ssh")
        for p in polls
        for k, records in p.collected.records.items()
    )
    ctx.store.save_poll_results(p.result for p in polls)


def config_backup(ctx: JobContext) -> None:
    """Every policy-covered device's running config: masked, one history commit, events
    (the same call as ``netops backup configs``: masking key, retention, known_hosts)."""
    backup_devices(
        ctx.settings, ctx.inventory, ctx.store, policy_devices(ctx.inventory), _endpoints(ctx)
    )


def dbha_poll(ctx: JobContext) -> None:
    """Every database pair: roles, replication, service address, backups; failover events."""
    collect_db_pairs(ctx.inventory, ctx.settings, _endpoints(ctx), store=ctx.store)


def compliance_check(ctx: JobContext) -> None:
    """Every compliance check on what the store holds; findings kept with their history."""
    check_and_record(ctx.settings, ctx.inventory, ctx.store)


def events_prune(ctx: JobContext) -> None:
    prune_events(ctx.store, ctx.settings.scheduler.events_retention_days)


def registered_jobs(settings: Settings) -> list[Job]:
    """Every job this build can run, with intervals from the settings."""
    s = settings.scheduler
    jobs: list[Job] = [
        Job("ssh_collect", s.ssh_interval, ssh_collect, description="SSH records of every device"),
        Job("config_backup", s.backup_interval, config_backup, description="config backups"),
        Job("dbha_poll", s.dbha_interval, dbha_poll, description="database pairs and backups"),
        Job("compliance_check", s.compliance_interval, compliance_check, description="checks"),
        Job("events_prune", 3600, events_prune, description="delete events past retention"),
    ]
    return [
        replace(j, isolate=j.name in s.process_jobs) for j in jobs if j.name not in s.disabled_jobs
    ]
