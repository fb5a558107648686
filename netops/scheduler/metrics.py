"""Self-metrics of the scheduler: runs, failures, durations and overruns per job."""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric

from netops.scheduler.scheduler import Scheduler


def families(scheduler: Scheduler) -> Iterable[Metric]:
    runs = CounterMetricFamily(
        "netops_job_runs", "Runs of a scheduled job since it was first run", labels=["job"]
    )
    failures = CounterMetricFamily(
        "netops_job_failures", "Failed runs of a scheduled job", labels=["job"]
    )
    overruns = CounterMetricFamily(
        "netops_job_overruns", "Runs that took longer than the job's interval", labels=["job"]
    )
    duration = GaugeMetricFamily(
        "netops_job_duration_seconds", "Duration of the job's last run", labels=["job"]
    )
    interval = GaugeMetricFamily(
        "netops_job_interval_seconds", "Seconds between runs of the job", labels=["job"]
    )
    success = GaugeMetricFamily(
        "netops_job_success", "1 when the job's last run succeeded", labels=["job"]
    )
    last_success = GaugeMetricFamily(
        "netops_job_last_success_timestamp_seconds",
        "When the job last succeeded (start time)",
        labels=["job"],
    )
    running = GaugeMetricFamily("netops_job_running", "1 while the job runs", labels=["job"])
    for status in scheduler.status():
        state, job = status.state, [status.name]
        runs.add_metric(job, state.runs)
        failures.add_metric(job, state.failures)
        overruns.add_metric(job, state.overruns)
        interval.add_metric(job, status.interval)
        running.add_metric(job, 1.0 if status.running else 0.0)
        if state.last_duration is not None:
            duration.add_metric(job, state.last_duration)
        if state.last_ok is not None:
            success.add_metric(job, 1.0 if state.last_ok else 0.0)
        if state.last_success is not None:
            last_success.add_metric(job, state.last_success.timestamp())
    yield from (runs, failures, overruns, duration, interval, success, last_success, running)
