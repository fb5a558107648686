"""``/api/v1/jobs``: the scheduler's jobs; an operator may run one now."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from netops.api.deps import State, requires
from netops.api.errors import ERROR_RESPONSES, ErrorBody
from netops.api.schemas import JobOut
from netops.errors import NotFoundError
from netops.scheduler import JobStatus

router = APIRouter(prefix="/api/v1/jobs", tags=["jobs"], responses=ERROR_RESPONSES)


def job_out(s: JobStatus) -> JobOut:
    st = s.state
    return JobOut(
        name=s.name,
        description=s.description,
        interval_seconds=s.interval,
        running=s.running,
        next_run=s.next_run,
        last_started=st.last_started,
        last_finished=st.last_finished,
        last_success=st.last_success,
        last_ok=st.last_ok,
        last_error=st.last_error,
        last_duration_seconds=st.last_duration,
        runs=st.runs,
        failures=st.failures,
        overruns=st.overruns,
    )


@router.get("", response_model=list[JobOut], summary="Scheduled jobs and how they went")
def list_jobs(state: State) -> list[JobOut]:
    return [job_out(s) for s in state.scheduler.status()] if state.scheduler else []


@router.post(
    "/{name}/run",
    response_model=JobOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run a job now (operator)",
    dependencies=[requires("operator")],  # type: ignore[list-item]
    responses={404: {"model": ErrorBody, "description": "No such job"}},
)
def run_job(state: State, name: Annotated[str, Path(max_length=60)]) -> JobOut:
    scheduler = state.scheduler
    if scheduler is None or name not in scheduler.jobs:
        raise NotFoundError(f"no scheduled job {name!r}")
    scheduler.trigger(name)
    return next(job_out(s) for s in scheduler.status() if s.name == name)
