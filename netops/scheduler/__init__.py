"""The scheduler of ``netops serve``: periodic jobs with their state kept in the store."""

from __future__ import annotations

from netops.scheduler.scheduler import Job, JobContext, JobFunction, JobStatus, Scheduler

__all__ = ["Job", "JobContext", "JobFunction", "JobStatus", "Scheduler"]
