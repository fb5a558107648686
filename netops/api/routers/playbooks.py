"""``/api/v1/playbooks``, ``/api/v1/playbook-runs``, ``/api/v1/alertmanager/webhook``.

Reading needs a viewer token; running a playbook or posting the Alertmanager webhook needs
an operator token. A run is a dry-run unless the body says ``"commit": true``. The request
is validated completely (parameters, targets, reason) before anything is sent; a bad one is
a 400 naming what is wrong. Runs go on in the background (202 with the run's record as it
begins) unless ``"wait": true`` asks for the finished record (up to
``playbooks.api_wait_seconds``).
"""

from __future__ import annotations

import threading
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Path, Query, Request, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, ConfigDict, Field

from netops.api.deps import Page, State, requires
from netops.api.errors import ERROR_RESPONSES, BadParameter, ErrorBody
from netops.api.schemas import Page as PageOf
from netops.endpoints import load_endpoints
from netops.errors import DataFileError, PlaybookRequestError
from netops.models.playbooks import PlaybookRun
from netops.playbooks import LoadedPlaybook, PlaybookService
from netops.playbooks.params import ParameterSpec
from netops.playbooks.schema import TargetFilter
from netops.playbooks.webhook import AlertmanagerPayload
from netops.store.tokens import TokenInfo

router = APIRouter(tags=["playbooks"], responses=ERROR_RESPONSES)

_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorBody, "description": "No such playbook or run"},
    503: {"model": ErrorBody, "description": "The playbooks folder does not load"},
}
_lock = threading.Lock()
Operator = Annotated[TokenInfo, requires("operator")]


class StepOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    phase: str
    task: str
    name: str | None = None


class PlaybookOut(BaseModel):
    """A playbook as loaded from ``playbooks/``."""

    model_config = ConfigDict(extra="forbid")

    name: str
    description: str
    mode: str
    targets: TargetFilter
    parameters: dict[str, ParameterSpec]
    steps: list[StepOut]
    concurrency: int
    commit_requires_reason: bool
    sha256: str = Field(description="Digest of the playbook file (audit records name it)")


class RunIn(BaseModel):
    """What to run: dry-run unless ``commit``."""

    model_config = ConfigDict(extra="forbid")

    targets: list[str] = Field(
        default_factory=list,
        max_length=1000,
        description="Device or site names, or device:/site:/role:/zone:/platform:/pair:NAME",
    )
    params: dict[str, str | int | bool | list[str]] = Field(default_factory=dict)
    commit: bool = Field(False, description="Send the change (default: dry-run)")
    reason: str | None = Field(None, max_length=500, description="Why (audited)")
    wait: bool = Field(False, description="Answer with the finished run (up to a limit)")


class RunOut(PlaybookRun):
    """A run's audit record, with links."""

    link: str = Field(description="This record")
    bundle_link: str | None = Field(None, description="The output bundle (tar.gz), if any")


class WebhookOut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    runs: list[dict[str, Any]]
    ignored: list[dict[str, str]]


def service(request: Request, state: State) -> PlaybookService:
    """The app's playbook service (made on first use; runs share its background pool)."""
    with _lock:
        found = getattr(request.app.state, "playbooks", None)
        if found is None:
            path = state.settings.endpoints
            found = PlaybookService(
                state.settings,
                state.inventory,
                state.store,
                endpoints=load_endpoints(path) if path else None,
            )
            request.app.state.playbooks = found
    return found


def _playbooks(svc: PlaybookService) -> dict[str, LoadedPlaybook]:
    try:
        return svc.playbooks()
    except DataFileError as exc:
        raise HTTPException(503, f"the playbooks folder does not load: {exc}") from None


def _out(p: LoadedPlaybook) -> PlaybookOut:
    return PlaybookOut(
        name=p.name,
        description=p.spec.description,
        mode=p.spec.mode,
        targets=p.spec.targets,
        parameters=p.spec.parameters,
        steps=[
            StepOut(phase=phase, task=s.task.name, name=s.spec.name)
            for phase in ("pre_checks", "steps", "post_checks")
            for s in p.phase(phase)
        ],
        concurrency=p.spec.concurrency,
        commit_requires_reason=p.spec.commit.require_reason,
        sha256=p.sha256,
    )


def _run_out(svc: PlaybookService, run: PlaybookRun) -> RunOut:
    base = (svc.settings.playbooks.link_base or "").rstrip("/")
    return RunOut(
        **run.model_dump(),
        link=f"{base}/api/v1/playbook-runs/{run.id}",
        bundle_link=svc.bundle_link(run),
    )


Name = Annotated[str, Path(max_length=100, pattern=r"^[a-z0-9][a-z0-9-]*$")]
RunId = Annotated[str, Path(max_length=40, pattern=r"^[0-9a-f]+$")]


@router.get("/api/v1/playbooks", response_model=list[PlaybookOut], summary="Every playbook")
def list_playbooks(request: Request, state: State) -> list[PlaybookOut]:
    return [_out(p) for p in _playbooks(service(request, state)).values()]


@router.get(
    "/api/v1/playbooks/{name}",
    response_model=PlaybookOut,
    summary="One playbook",
    responses=_NOT_FOUND,
)
def get_playbook(request: Request, state: State, name: Name) -> PlaybookOut:
    svc = service(request, state)
    _playbooks(svc)
    return _out(svc.playbook(name))


@router.post(
    "/api/v1/playbooks/{name}/runs",
    response_model=RunOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Run a playbook (operator): dry-run unless commit",
    responses={**_NOT_FOUND, 200: {"model": RunOut, "description": "Finished (wait=true)"}},
)
def run_playbook(
    request: Request,
    state: State,
    response: Response,
    name: Name,
    body: RunIn,
    token: Operator,
) -> RunOut:
    svc = service(request, state)
    _playbooks(svc)
    try:
        prepared = svc.prepare(
            name,
            targets=body.targets,
            params=body.params,
            commit=body.commit,
            reason=body.reason,
            actor=f"token:{token.name} ({token.prefix}…)",
            source="api",
        )
    except PlaybookRequestError as exc:
        raise BadParameter(exc.parameter, f"{exc} (nothing was sent)") from None
    begun = svc.start(prepared)
    if body.wait:
        finished = svc.wait(begun.id, svc.settings.playbooks.api_wait_seconds)
        if finished is not None and finished.status != "running":
            response.status_code = status.HTTP_200_OK
            return _run_out(svc, finished)
    return _run_out(svc, begun)


@router.get(
    "/api/v1/playbook-runs",
    response_model=PageOf[RunOut],
    summary="The audit trail: runs newest first (without per-device results)",
)
def list_runs(
    request: Request,
    state: State,
    page: Page,
    playbook: Annotated[str | None, Query(max_length=100)] = None,
    device: Annotated[str | None, Query(max_length=200)] = None,
) -> PageOf[RunOut]:
    svc = service(request, state)
    items = svc.runs(playbook=playbook, device=device, limit=page.limit, offset=page.offset)
    return PageOf[RunOut](
        items=[_run_out(svc, r) for r in items],
        total=svc.audit.count(playbook=playbook, device=device),
        limit=page.limit,
        offset=page.offset,
    )


@router.get(
    "/api/v1/playbook-runs/{run_id}",
    response_model=RunOut,
    summary="One run's audit record: per device commands, diffs, checks, rollback",
    responses=_NOT_FOUND,
)
def get_run(request: Request, state: State, run_id: RunId) -> RunOut:
    svc = service(request, state)
    return _run_out(svc, svc.run_record(run_id))


@router.get(
    "/api/v1/playbook-runs/{run_id}/bundle",
    response_class=FileResponse,
    summary="The run's output bundle (tar.gz, secrets masked)",
    responses={
        **_NOT_FOUND,
        200: {"content": {"application/gzip": {}}, "description": "The bundle"},
    },
)
def get_bundle(request: Request, state: State, run_id: RunId) -> FileResponse:
    path = service(request, state).bundle(run_id)
    return FileResponse(path, media_type="application/gzip", filename=path.name)


@router.post(
    "/api/v1/alertmanager/webhook",
    response_model=WebhookOut,
    status_code=status.HTTP_202_ACCEPTED,
    summary="Alertmanager webhook (operator): collect diagnostics for firing alerts' devices",
    responses={503: _NOT_FOUND[503]},
)
def alertmanager(
    request: Request, state: State, body: AlertmanagerPayload, token: Operator
) -> WebhookOut:
    svc = service(request, state)
    _playbooks(svc)
    try:
        found = svc.alertmanager(body.model_dump(), actor=f"alertmanager:{token.name}")
    except PlaybookRequestError as exc:
        raise BadParameter(exc.parameter, str(exc)) from None
    return WebhookOut(**found)
